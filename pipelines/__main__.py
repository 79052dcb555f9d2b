"""`python -m pipelines` runs the cvkg command line."""

from pipelines.cli import cli

cli()
