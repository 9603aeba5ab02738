"""`python -m corroborate ...` runs the command line, like the `corroborate` script."""

from .cli import run

run(prog_name="corroborate")
