"""`remedies verify`: facts files generated from the rulesets (``generate``), the properties a
consistent compensation scheme keeps (``properties``) and the report of any violation (``render``)."""
