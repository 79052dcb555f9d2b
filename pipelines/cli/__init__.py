"""The `cvkg` command line (`[project.scripts] cvkg = "pipelines.cli:cli"`).

`main` holds the root group and the helpers the commands share; importing the
command modules registers their commands on it. Each command parses options,
calls one library function and echoes a summary; heavy libraries (spaCy,
rdflib, networkx, pyvis) are imported inside the command bodies so that
`cvkg --help` stays fast.
"""

from __future__ import annotations

from pipelines.cli import analyze, ingest, queries, stores, view  # noqa: F401  (they register the commands)
from pipelines.cli.main import cli

__all__ = ["cli"]
