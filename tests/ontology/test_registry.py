"""The event-type registry (reg: annotations of cvkg.ttl) against the ontology, the shapes and the contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from ontology import CVKG, SCHEMA, load_ontology, load_registry, load_shapes
from ontology.events import REG, EdgeRule, Registry, read_registry

NS = str(CVKG._NS)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
# the scorer (graph/scoring.py, a mirror of ../shared/eval/score.py) keys a market share without its
# period and compares the period as a plain role; cvkg's IRIs keep figures for two periods apart
SCORER_KEY_DIFFERENCES = {"MarketShare": {"period"}}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def _domain(ontology: Graph, prop: URIRef) -> set[URIRef]:
    """The classes of a property's rdfs:domain (the members when it is an owl:unionOf)."""
    found: set[URIRef] = set()
    for domain in ontology.objects(prop, RDFS.domain):
        union = ontology.value(domain, OWL.unionOf)
        found |= set(Collection(ontology, union)) if union is not None else {domain}  # type: ignore[arg-type]
    return found


def _owl_roles(ontology: Graph, cls: URIRef) -> set[str]:
    """Local names of the cvkg: properties whose domain names the class itself."""
    return {
        str(p)[len(NS) :]
        for kind in PROPERTY_TYPES
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(NS) and cls in _domain(ontology, p)  # type: ignore[arg-type]
    }


def _shape_roles(shapes: Graph, cls: URIRef) -> dict[str, dict[str, int]]:
    """Role -> {minCount, maxCount} of the class's own (blank) property shapes in shapes.ttl."""
    (shape,) = shapes.subjects(SH.targetClass, cls)
    roles: dict[str, dict[str, int]] = {}
    for prop in shapes.objects(shape, SH.property):
        path = shapes.value(prop, SH.path)
        if isinstance(prop, BNode) and path is not None and str(path).startswith(NS):
            counts = {c: int(shapes.value(prop, SH[c])) for c in ("minCount", "maxCount") if shapes.value(prop, SH[c])}
            roles[str(path)[len(NS) :]] = counts
    return roles


# ---------------------------------------------------------------------------
# the loader
# ---------------------------------------------------------------------------


def test_edge_pairs_run_both_ways_between_the_values_of_one_role() -> None:
    rule = EdgeRule("partner", "partnerOf", CVKG.partnerOf, "partner")
    assert sorted(rule.pairs({"partner": ["a", "b", "c"]})) == [
        ("a", "b"), ("a", "c"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "b"),
    ]  # fmt: skip
    assert list(rule.pairs({"partner": ["a"]})) == []


def test_edge_pairs_join_every_subject_to_every_object() -> None:
    rule = EdgeRule("customer", "movedTo", CVKG.movedTo, "toProvider")
    roles = {"customer": ["x"], "toProvider": ["p", "q"], "fromProvider": ["r"]}
    assert list(rule.pairs(roles)) == [("x", "p"), ("x", "q")]
    assert list(rule.pairs({"customer": ["x"]})) == []


def test_registry_reads_annotations_from_any_graph() -> None:
    graph = Graph()
    cls, edge = URIRef(NS + "Layoff"), BNode()
    graph.add((cls, RDFS.label, Literal("Layoff", lang="en")))
    keys = BNode()
    Collection(graph, keys, [CVKG.organization, CVKG.date])
    graph.add((cls, REG.key, keys))
    graph.add((cls, REG.repeatable, CVKG.location))
    graph.add((cls, REG.yields, edge))
    graph.add((edge, REG["from"], CVKG.organization))
    graph.add((edge, REG.edge, CVKG.operatesIn))
    graph.add((edge, REG.to, CVKG.location))
    graph.add((CVKG.operatesIn, REG.viewColour, Literal("#123456")))
    registry = read_registry(graph)
    layoff = registry.event("Layoff")
    assert (layoff.iri, layoff.label, layoff.key, layoff.repeatable) == (
        cls,
        "Layoff",
        ("organization", "date"),
        frozenset({"location"}),
    )
    assert layoff.edges == (EdgeRule("organization", "operatesIn", CVKG.operatesIn, "location"),)
    assert registry.relations["operatesIn"].colour == "#123456"
    assert registry.relations["operatesIn"].event == "Layoff"
    assert registry.plain_relations() == {}


def test_unknown_event_type_names_the_file_to_declare_it_in(registry: Registry) -> None:
    with pytest.raises(KeyError, match="ontology/cvkg.ttl"):
        registry.event("NoSuchEvent")


def test_an_edge_without_its_property_is_refused() -> None:
    graph = Graph()
    cls, edge, keys = URIRef(NS + "Layoff"), BNode(), BNode()
    Collection(graph, keys, [CVKG.organization])
    graph.add((cls, REG.key, keys))
    graph.add((cls, REG.yields, edge))
    graph.add((edge, REG["from"], CVKG.organization))
    graph.add((edge, REG.to, CVKG.location))
    with pytest.raises(ValueError, match="Layoff: a reg:yields edge lacks reg:edge"):
        read_registry(graph)


def test_a_role_outside_cvkg_is_refused() -> None:
    graph = Graph()
    keys = BNode()
    Collection(graph, keys, [SCHEMA.name])
    graph.add((URIRef(NS + "Layoff"), REG.key, keys))
    with pytest.raises(ValueError, match="is not a cvkg: property"):
        read_registry(graph)


# ---------------------------------------------------------------------------
# the registry against cvkg.ttl
# ---------------------------------------------------------------------------


def test_every_event_class_is_in_the_registry(registry: Registry, ontology: Graph) -> None:
    classes = {str(c)[len(NS) :] for c in ontology.subjects(RDFS.subClassOf, CVKG.Event)}
    assert set(registry.events) == classes
    for event in registry.events.values():
        assert (event.iri, RDF.type, OWL.Class) in ontology
        assert event.iri == CVKG[event.name]
        assert event.label == str(ontology.value(event.iri, RDFS.label))


def test_every_role_is_a_property_of_its_class(registry: Registry, ontology: Graph) -> None:
    for event in registry.events.values():
        named = set(event.key) | event.repeatable | {r for e in event.edges for r in (e.subject_role, e.object_role)}
        roles = _owl_roles(ontology, event.iri)
        assert named <= roles, f"{event.name}: roles without a cvkg: property for this class: {named - roles}"


def test_every_relation_is_declared_and_coloured(registry: Registry, ontology: Graph) -> None:
    for relation in registry.relations.values():
        if relation.iri.startswith(NS):
            assert (relation.iri, RDF.type, OWL.ObjectProperty) in ontology, relation.name
        else:
            assert relation.iri.startswith(str(SCHEMA)), relation.iri
        assert HEX_COLOUR.fullmatch(relation.colour), f"{relation.name}: colour {relation.colour!r}"
    colours = [r.colour for r in registry.relations.values()]
    assert len(set(colours)) == len(colours), "two relations share a colour in the view"
    relation_properties = {
        p
        for p in ontology.subjects(RDF.type, OWL.ObjectProperty)
        if _domain(ontology, p) == {SCHEMA.Organization}  # type: ignore[arg-type]
    }
    assert relation_properties <= {r.iri for r in registry.relations.values()}


def test_an_edge_between_values_of_one_role_is_symmetric(registry: Registry) -> None:
    for event in registry.events.values():
        for edge in event.edges:
            relation = registry.relations[edge.relation]
            assert relation.event == event.name
            if edge.subject_role == edge.object_role:
                assert relation.symmetric, f"{edge.relation} runs both ways: declare it owl:SymmetricProperty"
                assert edge.subject_role in event.repeatable


# ---------------------------------------------------------------------------
# the registry against shapes.ttl
# ---------------------------------------------------------------------------


def test_every_event_type_has_a_shape_with_the_same_roles(registry: Registry, ontology: Graph, shapes: Graph) -> None:
    for event in registry.events.values():
        assert len(list(shapes.subjects(SH.targetClass, event.iri))) == 1, f"{event.name}: no shape, or several"
        shaped = _shape_roles(shapes, event.iri)
        assert set(shaped) == _owl_roles(ontology, event.iri), event.name
        assert set(event.key) <= set(shaped), event.name
        for role in event.repeatable:
            assert shaped[role].get("maxCount", 2) > 1, f"{event.name}.{role} is repeatable but sh:maxCount 1"
        many = {role for role, counts in shaped.items() if counts.get("minCount", 0) > 1}
        assert many <= event.repeatable, f"{event.name}: roles that need several values: {many}"


def test_every_event_shape_is_for_a_registered_type(registry: Registry, ontology: Graph, shapes: Graph) -> None:
    targets = {t for t in shapes.objects(None, SH.targetClass) if str(t).startswith(NS)}
    events = {e.iri for e in registry.events.values()}
    assert {t for t in targets if (t, RDFS.subClassOf, CVKG.Event) in ontology} == events


# ---------------------------------------------------------------------------
# the registry against the contract (../shared/spec/EVENTS.md)
# ---------------------------------------------------------------------------


def _events_table(text: str) -> dict[str, tuple[list[str], set[str], set[str]]]:
    """Class -> (key roles, all roles, repeatable roles) from the Events table of EVENTS.md."""
    table: dict[str, tuple[list[str], set[str], set[str]]] = {}
    section = text.split("## Events", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`cvkg:"):
            continue
        name = re.match(r"`cvkg:(\w+)`", cells[0])[1]  # type: ignore[index]
        parts = [p.strip() for p in cells[2].split("·")]
        roles = [re.match(r"`cvkg:(\w+)`", p)[1] for p in parts]  # type: ignore[index]
        repeatable = {r for r, p in zip(roles, parts, strict=True) if re.search(r"\(\d\.\.n", p)}
        key = []
        for word in re.split(r"\s*\+\s*", cells[1].removeprefix("the ")):
            key.append(word if word in roles else word.removesuffix("s"))  # "the partners"
        table[name] = (key, set(roles), repeatable)
    return table


def _yielded_edges(text: str) -> dict[str, set[str]]:
    """Class -> edge properties, from "Each event above also yields its edge: …" in EVENTS.md."""
    sentence = " ".join(text.split()).split("also yields its edge:", 1)[1].split(". ", 1)[0]
    edges: dict[str, set[str]] = {}
    for part in sentence.split(";"):
        name = part.split()[0]
        edges[name] = set(re.findall(r"`cvkg:(\w+)`", part))
    return edges


def _binary_relations(text: str) -> set[str]:
    section = text.split("## Binary relations", 1)[1]
    return set(re.findall(r"^\|\s*`(?:cvkg|schema):(\w+)`", section, flags=re.MULTILINE))


def test_registry_matches_the_event_table_of_events_md(registry: Registry, ontology: Graph, shared: Path) -> None:
    table = _events_table((shared / "spec" / "EVENTS.md").read_text(encoding="utf-8"))
    # the ontology may add event types to the contract, never drop or change one
    assert set(table) <= set(registry.events)
    for name, (key, roles, repeatable) in table.items():
        event = registry.events[name]
        # cvkg:date belongs to every event (its domain is cvkg:Event); the table names it for MarketEntry
        assert roles - {"date"} == _owl_roles(ontology, event.iri), f"{name}: roles of EVENTS.md and cvkg.ttl differ"
        assert list(event.key) == key, f"{name}: key {event.key} but EVENTS.md says {key}"
        assert event.repeatable == repeatable, f"{name}: repeatable {set(event.repeatable)}, EVENTS.md {repeatable}"
        used = {r for e in event.edges for r in (e.subject_role, e.object_role)}
        assert used <= roles, name


def test_registry_yields_the_edges_of_events_md(registry: Registry, shared: Path) -> None:
    text = (shared / "spec" / "EVENTS.md").read_text(encoding="utf-8")
    stated = _yielded_edges(text)
    table = _events_table(text)
    yielded = {n: {e.relation for e in t.edges} for n, t in registry.events.items() if t.edges and n in table}
    assert yielded == stated
    assert _binary_relations(text) <= set(registry.plain_relations())


# ---------------------------------------------------------------------------
# the scorer keeps its own table (it mirrors ../shared/eval/score.py) but must agree
# ---------------------------------------------------------------------------


def test_scorer_tables_agree_with_the_registry(registry: Registry) -> None:
    from graph.scoring import EVENT_ROLES, RELATIONS

    assert set(EVENT_ROLES) <= set(registry.events)  # an event type beyond the contract is not scored
    for name, (keys, others) in EVENT_ROLES.items():
        event = registry.events[name]
        scored = [k.rstrip("*?") for k in keys]
        assert scored == [k for k in event.key if k in scored], f"{name}: key order differs"
        extra = set(event.key) - set(scored)
        assert extra == SCORER_KEY_DIFFERENCES.get(name, set()), f"{name}: the IRI key adds {extra}"
        assert extra <= {o.rstrip("*") for o in others}
        starred = {r.rstrip("*") for r in (*keys, *others) if r.endswith("*")}
        assert starred == event.repeatable, name
    assert RELATIONS.items() <= {n: r.iri for n, r in registry.plain_relations().items()}.items()
