"""SHACL shapes derived from the registry for event classes that shapes.ttl leaves out."""

from __future__ import annotations

from decimal import Decimal

import pytest

# XSD stays behind its module: pytest probes module globals, and XSD warns on unknown names.
import rdflib.namespace as rdfns
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH

from ontology import CVKG, DOC, ENT, EVT, SHAPES_PATH, load_ontology, load_registry, load_shapes
from ontology.events import REG, SHAPES, add_derived_shapes, derive_shape, read_registry, shared_property_shapes

NS = str(CVKG._NS)
TOY = URIRef(NS + "ToyLayoff")
# Where a derived shape may differ from the hand-written one, and why:
# - MarketShare's accordingTo and period are key roles that spec/EVENTS.md makes optional (the key names the
#   node even without them), so the hand-written shape has no sh:minCount for them; a derived shape cannot
#   know that and asks for one;
# - a partnership has two or more partners (2..n): the hand-written shape says sh:minCount 2, the derived 1.
KNOWN_DIFFERENCES = {
    ("MarketShare", "accordingTo"): ({"minCount": 1, "maxCount": 1}, {}),
    ("MarketShare", "period"): ({"minCount": 1, "maxCount": 1}, {}),
    ("Partnership", "partner"): ({"minCount": 1}, {"minCount": 2}),
}


@pytest.fixture(scope="module")
def hand_written() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def _node_shape(shapes: Graph, cls: URIRef) -> URIRef:
    (shape,) = shapes.subjects(SH.targetClass, cls)
    return shape  # type: ignore[return-value]


def _roles(shapes: Graph, cls: URIRef) -> dict[str, dict[str, object]]:
    """Role -> the constraints of the class's own (blank) property shape for it."""
    roles: dict[str, dict[str, object]] = {}
    for prop in shapes.objects(_node_shape(shapes, cls), SH.property):
        path = shapes.value(prop, SH.path)
        if isinstance(prop, BNode) and path is not None and str(path).startswith(NS):
            roles[str(path)[len(NS) :]] = {
                p: shapes.value(prop, SH[p]).toPython()  # type: ignore[union-attr]
                for p in ("minCount", "maxCount", "nodeKind", "datatype", "node")
                if shapes.value(prop, SH[p]) is not None
            }
    return roles


def _counts(constraints: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in constraints.items() if k in ("minCount", "maxCount")}


def _hand_written_classes() -> list[str]:
    """The registered event classes that shapes.ttl gives a shape."""
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    return sorted(n for n, e in load_registry().events.items() if (None, SH.targetClass, e.iri) in shapes)


def test_load_shapes_is_the_hand_written_shapes_plus_derived_ones(hand_written: Graph) -> None:
    registry, ontology = load_registry(), load_ontology()
    expected = Graph()
    expected += hand_written
    for name in sorted(set(registry.events) - set(_hand_written_classes())):
        expected += derive_shape(registry.event(name), ontology=ontology, shapes=hand_written, registry=registry)
    # the hand-written shapes stay exactly as they are, so validation of the shipped types does not change
    assert isomorphic(load_shapes(), expected)


def test_the_shared_property_shapes_are_the_provenance_ones(hand_written: Graph) -> None:
    names = {str(s).removeprefix(str(SHAPES)) for s in shared_property_shapes(hand_written, load_registry())}
    assert names == {
        "wasDerivedFrom",
        "evidence",
        "evidenceStart",
        "evidenceEnd",
        "confidence",
        "date",
        "status",
        "reportedBy",
        "qualifier",
        "calendarPeriod",
        "evidencePeriod",
    }


@pytest.mark.parametrize("name", _hand_written_classes())
def test_a_derived_shape_agrees_with_the_hand_written_one(name: str, hand_written: Graph) -> None:
    registry, ontology = load_registry(), load_ontology()
    event = registry.event(name)
    derived = derive_shape(event, ontology=ontology, shapes=hand_written, registry=registry)
    mine, theirs = _roles(derived, event.iri), _roles(hand_written, event.iri)
    assert set(mine) == set(theirs)
    shared = set(hand_written.objects(_node_shape(hand_written, event.iri), SH.property))
    assert set(derived.objects(_node_shape(derived, event.iri), SH.property)) >= {
        p for p in shared if isinstance(p, URIRef)
    }
    for role, constraints in mine.items():
        # what the derived shape says of a value's kind, the hand-written one says too
        kind = {k: v for k, v in constraints.items() if k not in ("minCount", "maxCount")}
        assert kind.items() <= theirs[role].items(), f"{name}.{role}: derived {kind}, hand-written {theirs[role]}"
        # counts: the derived key roles add sh:maxCount 1 (one node per key), the rest agree
        expected = dict(_counts(theirs[role]))
        if role in event.key and role not in event.repeatable:
            expected["maxCount"] = 1
        if role in event.key:
            expected.setdefault("minCount", 1)
        if (name, role) in KNOWN_DIFFERENCES:
            expected, hand = KNOWN_DIFFERENCES[name, role]
            assert _counts(theirs[role]) == hand, f"{name}.{role}: update KNOWN_DIFFERENCES"
        assert _counts(constraints) == expected, f"{name}.{role}: derived {constraints}, hand-written {theirs[role]}"
        if role not in event.key:
            assert not _counts(constraints), f"{name}.{role}: a role outside the key has no count"


# ---------------------------------------------------------------------------
# a new event class, declared only in (a copy of) cvkg.ttl
# ---------------------------------------------------------------------------


def _toy_ontology() -> Graph:
    """cvkg.ttl plus a ToyLayoff class keyed by organization and toyHeadcount (an xsd:integer)."""
    graph = load_ontology()
    layoff, headcount, keys = TOY, URIRef(NS + "toyHeadcount"), BNode()
    graph.add((layoff, RDF.type, OWL.Class))
    graph.add((layoff, RDFS.subClassOf, CVKG.Event))
    graph.add((layoff, RDFS.label, Literal("Toy layoff", lang="en")))
    Collection(graph, keys, [CVKG.organization, headcount])
    graph.add((layoff, REG.key, keys))
    union = graph.value(graph.value(CVKG.organization, RDFS.domain), OWL.unionOf)
    Collection(graph, union).append(layoff)  # type: ignore[arg-type]
    graph.add((headcount, RDF.type, OWL.DatatypeProperty))
    graph.add((headcount, RDFS.domain, layoff))
    graph.add((headcount, RDFS.range, rdfns.XSD.integer))
    return graph


@pytest.fixture(scope="module")
def toy_shapes() -> Graph:
    return add_derived_shapes(Graph().parse(SHAPES_PATH, format="turtle"), _toy_ontology())


def _layoff(**roles: list[URIRef | Literal]) -> Graph:
    graph = Graph()
    event = EVT["toylayoff-1"]
    graph.add((event, RDF.type, TOY))
    graph.add((event, PROV.wasDerivedFrom, DOC["article-1"]))
    graph.add((event, CVKG.evidence, Literal("Google Cloud is laying off 1,200 employees.")))
    graph.add((event, CVKG.confidence, Literal(Decimal("0.9"))))
    graph.add((event, CVKG.status, CVKG.Announced))
    for role, values in roles.items():
        for value in values:
            graph.add((event, URIRef(NS + role), value))
    return graph


def _violations(data: Graph, shapes: Graph) -> set[tuple[str, str]]:
    """(path, constraint component) of each result."""
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    results = {
        (
            str(report.value(r, SH.resultPath)).removeprefix(NS),
            str(report.value(r, SH.sourceConstraintComponent)).removeprefix(str(SH)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert conforms == (not results)
    return results


def test_a_new_event_class_gets_a_derived_shape(toy_shapes: Graph, hand_written: Graph) -> None:
    registry = read_registry(_toy_ontology())
    assert set(registry.events) - set(load_registry().events) == {"ToyLayoff"}
    assert _node_shape(toy_shapes, TOY) == SHAPES.ToyLayoffShape
    assert _roles(toy_shapes, TOY) == {
        "organization": {"minCount": 1, "maxCount": 1, "nodeKind": str(SH.IRI)},
        "toyHeadcount": {"minCount": 1, "maxCount": 1, "datatype": str(rdfns.XSD.integer)},
    }
    # the hand-written shapes are untouched
    for name in _hand_written_classes():
        event = registry.event(name)
        assert _node_shape(toy_shapes, event.iri) == _node_shape(hand_written, event.iri)
        assert _roles(toy_shapes, event.iri) == _roles(hand_written, event.iri)


def test_the_derived_shape_accepts_a_whole_event(toy_shapes: Graph) -> None:
    data = _layoff(organization=[ENT["google-cloud"]], toyHeadcount=[Literal(1200, datatype=rdfns.XSD.integer)])
    assert _violations(data, toy_shapes) == set()


def test_the_derived_shape_catches_a_missing_key_role(toy_shapes: Graph) -> None:
    data = _layoff(organization=[ENT["google-cloud"]])
    assert _violations(data, toy_shapes) == {("toyHeadcount", "MinCountConstraintComponent")}


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (
            {"organization": [ENT["google-cloud"], ENT["oracle-cloud"]], "toyHeadcount": [Literal(5)]},
            {("organization", "MaxCountConstraintComponent")},
        ),
        (
            {"organization": [Literal("Google Cloud")], "toyHeadcount": [Literal(5)]},
            {("organization", "NodeKindConstraintComponent")},
        ),
        (
            {"organization": [ENT["google-cloud"]], "toyHeadcount": [Literal("1,200")]},
            {("toyHeadcount", "DatatypeConstraintComponent")},
        ),
    ],
)
def test_the_derived_shape_checks_counts_and_kinds(
    toy_shapes: Graph, roles: dict[str, list[URIRef | Literal]], expected: set[tuple[str, str]]
) -> None:
    assert _violations(_layoff(**roles), toy_shapes) == expected


def test_the_provenance_shapes_apply_to_a_derived_shape(toy_shapes: Graph) -> None:
    data = _layoff(organization=[ENT["google-cloud"]], toyHeadcount=[Literal(5)])
    data.remove((None, PROV.wasDerivedFrom, None))
    assert ("http://www.w3.org/ns/prov#wasDerivedFrom", "MinCountConstraintComponent") in _violations(data, toy_shapes)
