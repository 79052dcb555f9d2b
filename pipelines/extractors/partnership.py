"""Placeholder: filled in by issue 3."""

from __future__ import annotations

from graph.records import Event
from pipelines.extractors.common import Context


def extract(ctx: Context) -> list[Event]:
    """No events yet."""
    return []
