"""`python -m corroborate ...` runs the command line, like the `corroborate` script."""

from .cli import main

main(prog_name="corroborate")
