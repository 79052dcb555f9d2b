"""The event-type registry: what the code knows about each event class, read from `cvkg.ttl`.

Each event class of `ontology/cvkg.ttl` is declared once, with its OWL terms and
these annotations (namespace `reg:`, https://w3id.org/cvkg/registry#):

* `reg:key ( role … )`: the roles whose values identify an event, in order; the
  event's IRI is minted from them (graph/iris.py);
* `reg:repeatable role`: a role that may hold several values; two readings of
  one event in an article merge by uniting them (pipelines/run.py);
* `reg:yields [ reg:from role ; reg:edge property ; reg:to role ]`: a plain edge
  between entities that each event also asserts (graph/build.py, graph/analyze.py,
  graph/viewfilter.py). When both roles are the same (a partnership's partners),
  every ordered pair of two different values gets the edge, so it runs both ways.

Every relation between entities (yielded by an event or stated directly, such as
`cvkg:owns`) carries `reg:viewColour`, the colour of its edges in the HTML view
(graph/render.py). `load_registry()` reads all of it once into frozen dataclasses.

An event class that `shapes.ttl` gives no SHACL shape gets one derived from the
registry and OWL (`derive_shape`, added by `ontology.load_shapes()`): the shared
property shapes every hand-written event shape references (provenance, evidence,
confidence…); then, for each role (a cvkg: property whose `rdfs:domain` names the
class, or a role of the registry), `sh:minCount 1` for a key role and also
`sh:maxCount 1` when it is not repeatable (the key names the node, so one node
cannot hold two values of it); `sh:nodeKind sh:IRI` for an object property, or
`sh:node` the shape of its range when `shapes.ttl` has one (amounts); `sh:datatype`
the `rdfs:range` of a datatype property. A role outside the key gets no
`sh:maxCount`: the same event read from two articles is one node, and two articles
may state two figures. Hand-written shapes are kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TypeVar

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from ontology.namespace import CVKG
from ontology.vocab import load_ontology

REG = Namespace("https://w3id.org/cvkg/registry#")
SHAPES = Namespace("https://w3id.org/cvkg/shapes#")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RelationType:
    """A relation between two entities: the edges of the networkx projection and of the view.

    `name` is the local name of `iri`, the edge's key and label; `event` names the
    event class that yields it, or is "" for a relation stated directly (`owns`).
    """

    name: str
    iri: URIRef
    colour: str
    symmetric: bool
    event: str = ""


@dataclass(frozen=True, slots=True)
class EdgeRule:
    """An edge an event yields: from each entity in `subject_role` to each in `object_role`."""

    subject_role: str
    relation: str
    iri: URIRef
    object_role: str

    def pairs(self, roles: Mapping[str, Sequence[T]]) -> Iterator[tuple[T, T]]:
        """The (subject, object) pairs of this edge among an event's role values.

        When the two roles are the same, a value is never paired with itself (by
        position), so the pairs run both ways between every two values.
        """
        subjects = roles.get(self.subject_role, ())
        objects = roles.get(self.object_role, ())
        same = self.subject_role == self.object_role
        for i, subj in enumerate(subjects):
            for j, obj in enumerate(objects):
                if not (same and i == j):
                    yield subj, obj


@dataclass(frozen=True, slots=True)
class EventType:
    """One event class: its IRI, English label, key roles, repeatable roles and yielded edges."""

    name: str
    iri: URIRef
    label: str
    key: tuple[str, ...]
    repeatable: frozenset[str]
    edges: tuple[EdgeRule, ...]


@dataclass(frozen=True, slots=True)
class Registry:
    """The event types (by class name) and the relations between entities (by name), sorted by name."""

    events: Mapping[str, EventType]
    relations: Mapping[str, RelationType]

    def event(self, name: str) -> EventType:
        """The event type called `name` (a class local name, such as "Migration").

        Raises:
            KeyError: no event class of that name carries `reg:key` in `cvkg.ttl`.
        """
        try:
            return self.events[name]
        except KeyError:
            raise KeyError(
                f"unknown event type {name!r}: declare the class with reg:key in ontology/cvkg.ttl "
                f"(known: {', '.join(self.events)})"
            ) from None

    def plain_relations(self) -> dict[str, RelationType]:
        """The relations stated directly between entities, not yielded by an event (`owns`, `worksFor`…)."""
        return {name: r for name, r in self.relations.items() if not r.event}


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _role(term: object, where: str) -> str:
    """The local name of a cvkg: property used as a role."""
    if not isinstance(term, URIRef) or not str(term).startswith(str(CVKG._NS)):
        raise ValueError(f"{where}: {term!r} is not a cvkg: property")
    return str(term)[len(str(CVKG._NS)) :]


def _edge(graph: Graph, node: object, where: str) -> EdgeRule:
    parts = {p: graph.value(node, REG[p]) for p in ("from", "edge", "to")}  # type: ignore[arg-type]
    missing = [p for p, v in parts.items() if v is None]
    if missing:
        raise ValueError(f"{where}: a reg:yields edge lacks reg:{', reg:'.join(missing)}")
    prop = parts["edge"]
    if not isinstance(prop, URIRef):
        raise ValueError(f"{where}: reg:edge {prop!r} is not an IRI")
    return EdgeRule(_role(parts["from"], where), _local(prop), prop, _role(parts["to"], where))


def read_registry(graph: Graph) -> Registry:
    """Read the registry from a parsed ontology: every class with `reg:key`, every relation with an edge colour.

    Raises:
        ValueError: an annotation is incomplete (an edge without its property, a key that is not a list of
            cvkg: properties, a relation yielded by two event classes).
    """
    events: dict[str, EventType] = {}
    yielded: dict[URIRef, str] = {}
    for cls in sorted(set(graph.subjects(REG.key, None)), key=str):
        if not isinstance(cls, URIRef):
            raise ValueError(f"reg:key on a blank node {cls!r}")
        name = _local(cls)
        key_list = graph.value(cls, REG.key)
        if key_list == RDF.nil or key_list is None or graph.value(key_list, RDF.first) is None:
            raise ValueError(f"{name}: reg:key must be a non-empty list of roles")
        key = tuple(_role(r, name) for r in Collection(graph, key_list))
        repeatable = frozenset(_role(r, name) for r in graph.objects(cls, REG.repeatable))
        edges = sorted(
            (_edge(graph, node, name) for node in graph.objects(cls, REG.yields)),
            key=lambda e: (e.relation, e.subject_role, e.object_role),
        )
        for edge in edges:
            if yielded.setdefault(edge.iri, name) != name:
                raise ValueError(f"{edge.relation} is yielded by both {yielded[edge.iri]} and {name}")
        label = graph.value(cls, RDFS.label)
        events[name] = EventType(
            name, cls, str(label) if isinstance(label, Literal) else name, key, repeatable, tuple(edges)
        )
    relations: dict[str, RelationType] = {}
    for iri in sorted(set(graph.subjects(REG.viewColour, None)) | set(yielded), key=_local):
        if not isinstance(iri, URIRef):
            raise ValueError(f"reg:viewColour on a blank node {iri!r}")
        colour = graph.value(iri, REG.viewColour)
        symmetric = (iri, RDF.type, OWL.SymmetricProperty) in graph
        relation = RelationType(_local(iri), iri, str(colour or ""), symmetric, yielded.get(iri, ""))
        if relations.setdefault(relation.name, relation) != relation:
            raise ValueError(f"two relations are called {relation.name}: {relations[relation.name].iri} and {iri}")
    return Registry(MappingProxyType(events), MappingProxyType(relations))


@cache
def load_registry() -> Registry:
    """The registry of the shipped `cvkg.ttl`, parsed once per process."""
    return read_registry(load_ontology())


def _domain(ontology: Graph, prop: object) -> set[object]:
    """The classes of a property's `rdfs:domain` (the members when it is an `owl:unionOf`)."""
    found: set[object] = set()
    for domain in ontology.objects(prop, RDFS.domain):  # type: ignore[arg-type]
        union = ontology.value(domain, OWL.unionOf)
        found |= set(Collection(ontology, union)) if union is not None else {domain}
    return found


def event_roles(ontology: Graph, event: EventType) -> list[str]:
    """The roles of an event class: its key and repeatable roles, and every cvkg: property whose domain names it."""
    roles = set(event.key) | event.repeatable
    for prop in set(ontology.subjects(RDFS.domain, None)):
        if isinstance(prop, URIRef) and str(prop).startswith(str(CVKG._NS)) and event.iri in _domain(ontology, prop):
            roles.add(_role(prop, event.name))
    return sorted(roles)


def shared_property_shapes(shapes: Graph, registry: Registry) -> list[URIRef]:
    """The named property shapes that every hand-written event shape references (or all of them, if there is none)."""
    shared: set[URIRef] | None = None
    for event in registry.events.values():
        for shape in shapes.subjects(SH.targetClass, event.iri):
            named = {p for p in shapes.objects(shape, SH.property) if isinstance(p, URIRef)}
            shared = named if shared is None else shared & named
    if shared is None:
        shared = {s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    return sorted(shared)


def derive_shape(event: EventType, *, ontology: Graph, shapes: Graph, registry: Registry) -> Graph:
    """The SHACL node shape `cvkgsh:<Class>Shape` the registry and OWL give an event class (see the module docstring).

    Args:
        event: the event class.
        ontology: the parsed ontology that declares it (domains, ranges, property kinds).
        shapes: the hand-written shapes: their shared property shapes and the node shapes of ranges (amounts).
        registry: the registry read from `ontology`.
    """
    graph = Graph()
    shape = SHAPES[f"{event.name}Shape"]
    graph.add((shape, RDF.type, SH.NodeShape))
    graph.add((shape, SH.targetClass, event.iri))
    graph.add((shape, RDFS.comment, Literal("Derived from the event-type registry by ontology/events.py.")))
    for shared in shared_property_shapes(shapes, registry):
        graph.add((shape, SH.property, shared))
    for role in event_roles(ontology, event):
        prop, node = CVKG._NS[role], BNode()
        graph.add((shape, SH.property, node))
        graph.add((node, SH.path, prop))
        if role in event.key:
            graph.add((node, SH.minCount, Literal(1)))
            if role not in event.repeatable:
                graph.add((node, SH.maxCount, Literal(1)))
        kinds = set(ontology.objects(prop, RDF.type))
        value_range = ontology.value(prop, RDFS.range)
        if OWL.ObjectProperty in kinds:
            range_shape = next(iter(shapes.subjects(SH["class"], value_range)), None) if value_range else None
            if range_shape is None:
                graph.add((node, SH.nodeKind, SH.IRI))
            else:
                graph.add((node, SH.nodeKind, SH.BlankNodeOrIRI))
                graph.add((node, SH.node, range_shape))
        elif OWL.DatatypeProperty in kinds and isinstance(value_range, URIRef):
            if str(value_range).startswith(str(XSD)):
                graph.add((node, SH.datatype, value_range))
            elif value_range == RDFS.Literal:
                graph.add((node, SH.nodeKind, SH.Literal))
    return graph


def add_derived_shapes(shapes: Graph, ontology: Graph) -> Graph:
    """Add to `shapes` a derived shape for each event class of `ontology` that no shape targets; return `shapes`."""
    registry = read_registry(ontology)
    missing = [e for e in registry.events.values() if (None, SH.targetClass, e.iri) not in shapes]
    derived = [derive_shape(e, ontology=ontology, shapes=shapes, registry=registry) for e in missing]
    for graph in derived:
        shapes += graph
    return shapes
