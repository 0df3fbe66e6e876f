"""`python -m remedies` runs the command line."""

from .cli import main

main()
