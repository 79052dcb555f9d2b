"""Project the store onto networkx: entities are nodes, binary relations are edges."""

from __future__ import annotations

import networkx as nx

from graph.build import EVENT_EDGES, RELATION_IRIS
from graph.results import term_text
from graph.store import KnowledgeStore
from ontology import CVKG

EDGE_PROPERTIES = {
    **{name: str(iri) for name, iri in RELATION_IRIS.items()},
    "movedFrom": str(CVKG.movedFrom),
    "movedTo": str(CVKG.movedTo),
    "customerOf": str(CVKG.customerOf),
    "acquired": str(CVKG.acquired),
    "investedIn": str(CVKG.investedIn),
    "partnerOf": str(CVKG.partnerOf),
    "operatesIn": str(CVKG.operatesIn),
}

_EDGE_VALUES = " ".join(f"<{iri}>" for iri in EDGE_PROPERTIES.values())
_EDGES_QUERY = f"""
SELECT DISTINCT ?s ?p ?o ?g WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  VALUES ?p {{ {_EDGE_VALUES} }}
}}
"""

_NODES_QUERY = """
SELECT ?n (SAMPLE(?label) AS ?label) (SAMPLE(?type) AS ?type) (SAMPLE(?qid) AS ?qid) WHERE {
  ?n rdfs:label ?label ; a ?type .
  FILTER(STRSTARTS(STR(?n), "https://w3id.org/cvkg/entity/"))
  OPTIONAL { ?n owl:sameAs ?qid }
} GROUP BY ?n
"""

_EVIDENCE_QUERY = """
SELECT ?event ?type ?role ?value ?evidence WHERE {
  ?event a ?type ; cvkg:evidence ?evidence ; ?role ?value .
  FILTER(STRSTARTS(STR(?event), "https://w3id.org/cvkg/event/"))
  FILTER(isIRI(?value) && STRSTARTS(STR(?value), "https://w3id.org/cvkg/entity/"))
}
"""


def _edge_evidence(store: KnowledgeStore) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """(subject, edge property, object) -> [(event IRI, evidence sentence)] for event edges."""
    roles: dict[str, dict[str, set[str]]] = {}
    meta: dict[str, tuple[str, set[str]]] = {}
    for row in store.query(_EVIDENCE_QUERY):  # type: ignore[attr-defined]
        event = row["event"].value
        type_name = row["type"].value.rsplit("#", 1)[-1]
        role = row["role"].value.rsplit("#", 1)[-1]
        roles.setdefault(event, {}).setdefault(role, set()).add(row["value"].value)
        meta.setdefault(event, (type_name, set()))[1].add(row["evidence"].value)
    found: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for event, by_role in roles.items():
        type_name, evidence = meta[event]
        for subject_role, prop, object_role in EVENT_EDGES.get(type_name, ()):
            for s in by_role.get(subject_role, ()):
                for o in by_role.get(object_role, ()):
                    for sentence in sorted(evidence):
                        found.setdefault((s, str(prop), o), []).append((event, sentence))
    return found


def project_to_networkx(store: KnowledgeStore) -> nx.MultiDiGraph:
    """Entities as nodes (label, class, Wikidata id); binary relations as edges.

    Each edge carries `relation` (local name), `sources` (article IRIs) and,
    for edges that an event yields, `events` and `evidence`.
    """
    graph = nx.MultiDiGraph()
    for row in store.query(_NODES_QUERY):  # type: ignore[attr-defined]
        qid = row["qid"]
        graph.add_node(
            row["n"].value,
            label=row["label"].value,
            cls=term_text(row["type"]).split(":")[-1],
            wikidata=qid.value.rsplit("/", 1)[-1] if qid is not None else "",
        )
    names = {iri: name for name, iri in EDGE_PROPERTIES.items()}
    sources: dict[tuple[str, str, str], set[str]] = {}
    for row in store.query(_EDGES_QUERY):  # type: ignore[attr-defined]
        key = (row["s"].value, row["p"].value, row["o"].value)
        sources.setdefault(key, set()).add(row["g"].value)
    evidence = _edge_evidence(store)
    for (s, p, o), graphs in sorted(sources.items()):
        for node in (s, o):
            if node not in graph:
                graph.add_node(node, label=node.rsplit("/", 1)[-1], cls="", wikidata="")
        found = evidence.get((s, p, o), [])
        graph.add_edge(
            s,
            o,
            key=names[p],
            relation=names[p],
            sources=sorted(graphs),
            events=sorted({e for e, _ in found}),
            evidence=sorted({sentence for _, sentence in found}),
        )
    return graph
