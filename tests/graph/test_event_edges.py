"""The edges each event type yields (reg:yields in cvkg.ttl): written by build.py, read back by analyze.py."""

from __future__ import annotations

from itertools import permutations, product

import pytest

from graph.analyze import project_to_networkx
from graph.build import article_triples
from graph.iris import entity_iri, event_iri
from graph.records import Article, ArticleResult, Entity, Event
from ontology import load_registry

REGISTRY = load_registry()
WITH_EDGES = sorted(name for name, event in REGISTRY.events.items() if event.edges)


def _event(name: str) -> Event:
    """An event of type `name` with two entities in every role an edge uses and a text in other key roles."""
    event_type = REGISTRY.events[name]
    edge_roles = {r for e in event_type.edges for r in (e.subject_role, e.object_role)}
    roles: dict[str, tuple] = {}
    for role in sorted(edge_roles):
        roles[role] = tuple(Entity(f"{role.lower()}-{i}", f"{role} {i}", "Company") for i in (1, 2))
    for role in event_type.key:
        roles.setdefault(role, ("2021",))
    return Event(type=name, roles=roles, evidence=f"A {name} sentence.", confidence=0.9)


def _expected(event: Event) -> set[tuple[str, str, str]]:
    """(subject IRI, relation, object IRI) of every edge the event should yield, worked out here."""
    found = set()
    for edge in REGISTRY.events[event.type].edges:
        subjects, objects = event.roles[edge.subject_role], event.roles[edge.object_role]
        pairs = permutations(subjects, 2) if edge.subject_role == edge.object_role else product(subjects, objects)
        found |= {(str(entity_iri(s)), edge.relation, str(entity_iri(o))) for s, o in pairs}
    return found


@pytest.mark.parametrize("name", WITH_EDGES)
def test_build_writes_the_edges_of_the_registry(name: str) -> None:
    event = _event(name)
    _, triples = article_triples(ArticleResult(article=Article(text=event.evidence), events=(event,)))
    relations = {str(r.iri): n for n, r in REGISTRY.relations.items()}
    written = {(str(s), relations[str(p)], str(o)) for s, p, o in triples if str(p) in relations}
    assert written == _expected(event)


def test_a_partnership_of_three_yields_six_partner_edges() -> None:
    event = _event("Partnership")
    third = Entity("partner-3", "partner 3", "Company")
    event = Event("Partnership", {"partner": (*event.roles["partner"], third)}, event.evidence, 0.9)
    _, triples = article_triples(ArticleResult(article=Article(text=event.evidence), events=(event,)))
    edges = {(s, o) for s, p, o in triples if str(p).endswith("#partnerOf")}
    assert len(edges) == 6
    assert all((o, s) in edges for s, o in edges)


@pytest.mark.parametrize("name", WITH_EDGES)
def test_projection_gives_each_yielded_edge_its_event(memory_store, name: str) -> None:
    event = _event(name)
    memory_store.replace_articles(
        [article_triples(ArticleResult(article=Article(text=event.evidence, url=f"https://x.example/{name}"),
                                       events=(event,)))]
    )  # fmt: skip
    graph = project_to_networkx(memory_store)
    local = str(event_iri(event)).rsplit("/", 1)[-1]
    edges = {(s, d["relation"], o) for s, o, k, d in graph.edges(keys=True, data=True) if k.endswith(f":{local}")}
    assert edges == _expected(event)
    assert all(d["event_type"] == name for *_, d in graph.edges(data=True) if d.get("event"))
