"""remedies: rules-as-code for the Housing Ombudsman's remedies guidance.

The output of every command is a *proposal with reasons*, never a determination.
"""

__version__ = "0.1.0"
