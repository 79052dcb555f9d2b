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
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TypeVar

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from ontology.namespace import CVKG
from ontology.vocab import load_ontology

REG = Namespace("https://w3id.org/cvkg/registry#")

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
