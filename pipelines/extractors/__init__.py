"""Rule-based extractors, one module per event type; adding a type is adding a module here."""

from __future__ import annotations

from collections.abc import Callable

from graph.records import Event, Relation
from pipelines.extractors import (
    acquisition,
    contract,
    datacenter,
    financial,
    migration,
    ownership,
    partnership,
    relations,
    share,
    share_tables,
    usermetric,
)
from pipelines.extractors.common import Context

EventExtractor = Callable[[Context], list[Event]]
RelationExtractor = Callable[[Context], list[Relation]]

# order matters: a sentence that states a migration does not also yield a contract
EVENT_EXTRACTORS: tuple[tuple[str, EventExtractor], ...] = (
    ("Migration", migration.extract),
    ("Contract", contract.extract),
    ("Acquisition", acquisition.extract_acquisitions),
    ("Investment", acquisition.extract_investments),
    ("FinancialResult", financial.extract),
    ("MarketShare", share_tables.extract),
    ("MarketShare", share.extract),
    ("DataCenter", datacenter.extract),
    ("MarketEntry", datacenter.extract_market_entries),
    ("Partnership", partnership.extract),
    ("UserMetric", usermetric.extract),
)
RELATION_EXTRACTORS: tuple[RelationExtractor, ...] = (ownership.relations, relations.relations)

__all__ = ["EVENT_EXTRACTORS", "RELATION_EXTRACTORS", "Context"]
