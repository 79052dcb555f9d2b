"""The extractor modules declare what they extract; the package finds them and runs them in the declared order."""

from __future__ import annotations

import ast
import inspect
from types import ModuleType, SimpleNamespace

import pytest

from ontology import load_registry
from pipelines.extractors import EVENT_EXTRACTORS, RELATION_EXTRACTORS, collect_extractors, load_modules

# The order the package listed by hand before discovery (a sentence that states a migration does not also
# yield a contract, and a share table is read before the prose around it).
EVENT_ORDER = [
    ("Migration", "frames.extract_migration"),
    ("Contract", "contract.extract"),
    ("Acquisition", "acquisition.extract_acquisitions"),
    ("Investment", "acquisition.extract_investments"),
    ("FinancialResult", "financial.extract"),
    ("MarketShare", "share_tables.extract"),
    ("MarketShare", "share.extract"),
    ("DataCenter", "datacenter.extract"),
    ("MarketEntry", "datacenter.extract_market_entries"),
    ("Partnership", "frames.extract_partnership"),
    ("UserMetric", "usermetric.extract"),
]
RELATION_ORDER = ["ownership.relations", "relations.relations"]


def _name(function: object) -> str:
    return f"{function.__module__.removeprefix('pipelines.extractors.')}.{function.__name__}"  # type: ignore[attr-defined]


def test_discovery_keeps_the_order_of_the_hand_written_tuples() -> None:
    found = [(event_type, _name(extract)) for event_type, extract in EVENT_EXTRACTORS]
    # the shipped types first, in their old order; a type added later comes after them or between them
    assert [f for f in found if f in EVENT_ORDER] == EVENT_ORDER
    assert [_name(extract) for extract in RELATION_EXTRACTORS] == RELATION_ORDER


def test_every_declared_type_is_registered_and_every_registered_type_is_extracted() -> None:
    declared = {event_type for event_type, _ in EVENT_EXTRACTORS}
    assert declared == set(load_registry().events)


def _public_extractors(module: ModuleType) -> list[str]:
    """Top-level public functions that look like extractors: `extract*` or `relations`."""
    tree = ast.parse(inspect.getsource(module))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and (node.name.startswith("extract") or node.name == "relations")
    ]


def test_a_module_that_defines_an_extractor_declares_it() -> None:
    for module in load_modules():
        declared = {extract.__name__ for _, extract, _ in getattr(module, "EXTRACTORS", ())}
        declared |= {extract.__name__ for extract, _ in getattr(module, "RELATION_EXTRACTORS", ())}
        undeclared = set(_public_extractors(module)) - declared
        assert not undeclared, f"{module.__name__} defines {sorted(undeclared)} but does not declare them"


def test_helper_modules_declare_nothing() -> None:
    helpers = {m.__name__.rsplit(".", 1)[-1] for m in load_modules() if not _public_extractors(m)}
    assert {"common", "reference"} <= helpers


def _extract_a(ctx: object) -> list[object]:
    return []


def _extract_b(ctx: object) -> list[object]:
    return []


def test_collect_sorts_by_order_not_by_module() -> None:
    late = SimpleNamespace(__name__="late", EXTRACTORS=(("B", _extract_b, 20),))
    early = SimpleNamespace(
        __name__="early", EXTRACTORS=(("A", _extract_a, 10),), RELATION_EXTRACTORS=((_extract_b, 5),)
    )
    helper = SimpleNamespace(__name__="helper")
    events, relations = collect_extractors([late, helper, early])  # type: ignore[list-item]
    assert events == (("A", _extract_a), ("B", _extract_b))
    assert relations == (_extract_b,)


def test_two_extractors_may_not_share_an_order_number() -> None:
    one = SimpleNamespace(__name__="one", EXTRACTORS=(("A", _extract_a, 10),))
    two = SimpleNamespace(__name__="two", EXTRACTORS=(("B", _extract_b, 10),))
    with pytest.raises(ValueError, match="one and two both declare order 10"):
        collect_extractors([one, two])  # type: ignore[list-item]
