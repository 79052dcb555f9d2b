"""Placeholder: worksFor, competesWith and headquarteredIn, filled in by issue 3."""

from __future__ import annotations

from graph.records import Relation
from pipelines.extractors.common import Context


def relations(ctx: Context) -> list[Relation]:
    """No relations yet."""
    return []
