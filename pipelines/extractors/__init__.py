"""Rule-based extractors, one module per event type; adding a type is adding a module here.

Each module declares what it extracts, at module level, after its functions:

* `EXTRACTORS = (("Migration", extract, 10), …)`: (event type, function of a
  `Context` returning `Event`s, order). The event type is a class of the
  registry (`reg:key` in ontology/cvkg.ttl);
* `RELATION_EXTRACTORS = ((relations, 10), …)`: (function returning
  `Relation`s, order).

This package imports every module it holds (`pkgutil.iter_modules`) and lists
the extractors of each kind in increasing order in `EVENT_EXTRACTORS` and
`RELATION_EXTRACTORS`, which pipelines/run.py applies to each sentence in turn;
so the order is explicit and does not depend on file names. Order matters: a sentence that states a
migration does not also yield a contract, and when two readings of one event
merge, the first value read wins. Numbers go up in tens, so a new
type slots in between without renumbering; two extractors of a kind may not
share a number. Modules that hold only helpers (common.py, assertion.py, reference.py…)
declare nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TypeVar

from graph.records import Event, Relation
from pipelines.extractors.common import Context

EventExtractor = Callable[[Context], list[Event]]
RelationExtractor = Callable[[Context], list[Relation]]
T = TypeVar("T")


def load_modules() -> list[ModuleType]:
    """Import every module of this package, in name order."""
    return [importlib.import_module(info.name) for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}.")]


def _in_order(declared: list[tuple[int, str, T]], kind: str) -> tuple[T, ...]:
    """The declared items sorted by order number; two items may not share a number."""
    seen: dict[int, str] = {}
    for order, module, _ in declared:
        if order in seen:
            raise ValueError(
                f"{kind} of {seen[order]} and {module} both declare order {order}: give one another number"
            )
        seen[order] = module
    return tuple(item for _, _, item in sorted(declared, key=lambda d: d[0]))


def collect_extractors(
    modules: Iterable[ModuleType],
) -> tuple[tuple[tuple[str, EventExtractor], ...], tuple[RelationExtractor, ...]]:
    """The event extractors, as (event type, function), and the relation extractors the modules declare, in order.

    Raises:
        ValueError: two extractors of one kind declare the same order number.
    """
    events: list[tuple[int, str, tuple[str, EventExtractor]]] = []
    relations: list[tuple[int, str, RelationExtractor]] = []
    for module in modules:
        for event_type, extract, order in getattr(module, "EXTRACTORS", ()):
            events.append((order, module.__name__, (event_type, extract)))
        for extract, order in getattr(module, "RELATION_EXTRACTORS", ()):
            relations.append((order, module.__name__, extract))
    return _in_order(events, "event extractors"), _in_order(relations, "relation extractors")


EVENT_EXTRACTORS, RELATION_EXTRACTORS = collect_extractors(load_modules())

__all__ = ["EVENT_EXTRACTORS", "RELATION_EXTRACTORS", "Context", "collect_extractors", "load_modules"]
