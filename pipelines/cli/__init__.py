"""The `cvkg` command line (`[project.scripts] cvkg = "pipelines.cli:cli"`)."""

from __future__ import annotations

from pipelines.cli.main import cli

__all__ = ["cli"]
