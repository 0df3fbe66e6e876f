"""Shipped rulesets (YAML data, not code); packaged as ``remedies.shipped_rulesets``."""
