"""Market analytics as pure functions of the networkx projection (`graph.analyze.project_to_networkx`).

Every function takes the default (entity -> entity) projection and returns
plain rows (frozen dataclasses; `dataclasses.asdict` turns them into dicts) so
the CLI, notebooks and tests can print, chart or compare them:

* `top_organisations`: the most central organisations (degree, PageRank, betweenness);
* `neighbours` / `neighbourhood`: the k-hop neighbourhood of an entity;
* `timeline`: the events about an entity in time order.

Customer flows and contract values (`provider_flows`, `flow_matrix`, `contract_values`) are in
`graph.flows`, which names entities with the helpers here (`find_entity`, `label`, `sorted_labels`).

Entities are named by label, alias (`skos:altLabel`), IRI or `ent:` name, in any case.

What the events say is kept in every answer: amounts keep their `cvkg:qualifier` ("at least",
"up to", ...; `format_amount`), events their status and confidence, and whatever places an event
in time says where its time comes from (`when_from`: its own `date` or `period`, the one period
its `evidence` names, or the date its article was `published`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import networkx as nx

from graph.errors import EntityNotFoundError
from ontology.vocab import ENT

ORGANISATION_CLASSES = frozenset({"CloudProvider", "Company", "MediaOutlet", "ResearchFirm", "GovernmentBody"})
CENTRALITY_MEASURES = ("degree", "pagerank", "betweenness")
_DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
_SIMPLE_DURATION = re.compile(r"P(\d+)([YMWD])")


@dataclass(frozen=True, slots=True)
class Centrality:
    """An organisation's centrality: distinct neighbours, PageRank and betweenness."""

    entity: str
    cls: str
    degree: int
    pagerank: float
    betweenness: float


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An entity within k hops, with the relations and entities that link it one hop closer."""

    entity: str
    cls: str
    hops: int
    relations: list[str]
    via: list[str]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event about an entity: when (and where that date comes from), what, with whom, how much, says who."""

    when: str
    when_from: str
    type: str
    event: str
    role: str
    counterparts: list[str]
    values: list[str]
    facts: list[str]
    evidence: list[str]
    sources: list[str]
    urls: list[str]
    status: str = ""
    confidence: float = 1.0


def label(graph: nx.MultiDiGraph, node: str) -> str:
    """The node's label, or the last segment of its IRI."""
    return str(graph.nodes[node].get("label") or node.rsplit("/", 1)[-1]) if node in graph else node


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The IRI of the entity named `name` (label, alias, IRI or `ent:` name; any case).

    An exact label match wins over an alias.

    Raises:
        EntityNotFoundError: no entity, or several with that alias and none with that label.
    """
    wanted = name.strip().removeprefix("<").removesuffix(">")
    if wanted.startswith("ent:"):
        wanted = str(ENT) + wanted[4:]
    key = wanted.casefold()
    entities = [(n, d) for n, d in graph.nodes(data=True) if d.get("kind", "entity") == "entity"]
    by_label = [n for n, d in entities if n.casefold() == key or str(d.get("label", "")).casefold() == key]
    by_alias = [
        n for n, d in entities if key in {str(a).casefold() for a in (*d.get("alt_labels", ()), *d.get("aliases", ()))}
    ]
    for found in (by_label, by_alias):
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(sorted(label(graph, n) for n in found))
            raise EntityNotFoundError(f"{name!r} names several entities ({names}); use one of their labels")
    labels = [str(d.get("label", "")) for _, d in entities]
    close = difflib.get_close_matches(name, labels, n=3, cutoff=0.6)
    close = close or sorted(text for text in labels if key in text.casefold())[:3]  # "Amazon" -> Amazon Web Services
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise EntityNotFoundError(f"no entity named {name!r} in the graph{hint}")


def sorted_labels(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    """The distinct labels of `nodes`, sorted without regard to case."""
    return sorted({label(graph, n) for n in nodes}, key=str.casefold)


def _entity_view(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Simple directed graph of the entities (parallel edges merged, event nodes left out)."""
    simple = nx.DiGraph()
    entities = [n for n, d in graph.nodes(data=True) if d.get("kind", "entity") == "entity"]
    simple.add_nodes_from(entities)
    simple.add_edges_from((s, o) for s, o in graph.edges() if s != o and s in simple and o in simple)
    return simple


def pagerank(graph: nx.DiGraph, *, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200) -> dict[str, float]:
    """PageRank by power iteration; dangling nodes spread their rank evenly.

    Our own because `nx.pagerank` needs scipy, which cvkg does not depend on;
    it agrees with networkx's reference implementation (see the tests).
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    rank = dict.fromkeys(graph, 1.0 / n)
    out = {node: graph.out_degree(node) for node in graph}
    for _ in range(max_iter):
        dangling = alpha * sum(rank[v] for v in graph if out[v] == 0) / n
        new = dict.fromkeys(graph, (1.0 - alpha) / n + dangling)
        for s, o in graph.edges():
            new[o] += alpha * rank[s] / out[s]
        if sum(abs(new[v] - rank[v]) for v in graph) < n * tol:
            return new
        rank = new
    return rank


def top_organisations(
    graph: nx.MultiDiGraph,
    *,
    by: str = "degree",
    limit: int = 10,
    classes: Iterable[str] = ORGANISATION_CLASSES,
) -> list[Centrality]:
    """The organisations most central in the graph, by `degree`, `pagerank` or `betweenness`.

    Degree is the number of distinct entities linked in either direction.
    PageRank follows the relations' direction (customer -> provider, acquirer ->
    target, person -> employer), so it ranks those that many point to. Betweenness is
    normalised, on the undirected graph. All entities take part; only the
    `classes` are listed.

    Raises:
        ValueError: `by` is not one of `CENTRALITY_MEASURES`.
    """
    if by not in CENTRALITY_MEASURES:
        raise ValueError(f"unknown centrality {by!r}; choose one of {', '.join(CENTRALITY_MEASURES)}")
    simple = _entity_view(graph)
    undirected = simple.to_undirected(as_view=True)
    ranks = pagerank(simple)
    between = nx.betweenness_centrality(undirected)
    wanted = set(classes)
    rows = [
        Centrality(label(graph, n), str(graph.nodes[n].get("cls", "")), undirected.degree(n), ranks[n], between[n])
        for n in simple
        if graph.nodes[n].get("cls") in wanted
    ]
    rows.sort(key=lambda r: (-getattr(r, by), -r.degree, r.entity.casefold()))
    return rows[:limit]


def neighbourhood(graph: nx.MultiDiGraph, entity: str, *, hops: int = 1) -> nx.MultiDiGraph:
    """The subgraph of everything within `hops` of the entity, edges in either direction (a copy).

    Raises:
        EntityNotFoundError: `entity` names no entity.
    """
    node = find_entity(graph, entity)
    ego = nx.ego_graph(graph.to_undirected(as_view=True), node, radius=hops)
    return graph.subgraph(ego.nodes).copy()


def neighbours(graph: nx.MultiDiGraph, entity: str, *, hops: int = 1) -> list[Neighbour]:
    """The entities within `hops` of `entity`, nearest first, each with what links it one hop closer.

    Raises:
        EntityNotFoundError: `entity` names no entity.
    """
    centre = find_entity(graph, entity)
    sub = neighbourhood(graph, centre, hops=hops)
    distance = nx.single_source_shortest_path_length(sub.to_undirected(as_view=True), centre)
    rows = []
    for node, hop in distance.items():
        if node == centre:
            continue
        closer = {n for n in nx.all_neighbors(sub, node) if distance.get(n) == hop - 1}
        relations = {
            str(d.get("relation", ""))
            for a, b in ((node, c) for c in closer)
            for s, o in ((a, b), (b, a))
            for d in (sub.get_edge_data(s, o) or {}).values()
        }
        node_cls = str(graph.nodes[node].get("cls", ""))
        rows.append(Neighbour(label(graph, node), node_cls, hop, sorted(relations), sorted_labels(graph, closer)))
    return sorted(rows, key=lambda r: (r.hops, r.entity.casefold()))


def event_records(graph: nx.MultiDiGraph) -> dict[str, Mapping[str, Any]]:
    """The events of either projection: `graph.graph["events"]`, or the event nodes of the bipartite one."""
    if "events" in graph.graph:
        return dict(graph.graph["events"])
    return {n: d for n, d in graph.nodes(data=True) if d.get("kind") == "event"}


def format_duration(duration: str, *, per: bool = False) -> str:
    """An xsd:duration for people: 'P5Y' -> '5 years'; with `per`, 'P1Y' -> 'year' (for 'per year').

    Durations of several parts ('P1Y6M') or of another shape are given as they are.
    """
    match = _SIMPLE_DURATION.fullmatch(duration.strip())
    if not match:
        return duration
    count, unit = int(match.group(1)), _DURATION_UNITS[match.group(2)]
    if count == 1:
        return unit if per else f"1 {unit}"
    return f"{count} {unit}s"


def format_amount(amount: Mapping[str, Any]) -> str:
    """'approximately 800,000,000 USD per year' from an amount's value, currency, per and qualifier."""
    value = Decimal(amount["value"])
    text = f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:,f}"
    parts = [amount.get("qualifier", ""), text, amount.get("currency", "")]
    if amount.get("per"):
        parts.append(f"per {format_duration(str(amount['per']), per=True)}")
    role = amount.get("role", "value")
    return (f"{role}: " if role != "value" else "") + " ".join(p for p in parts if p)


def _fact(name: str, value: str) -> str:
    """'term: 5 years' for a duration fact, 'growthRate: 0.37' for others."""
    return f"{name}: {format_duration(value) if _SIMPLE_DURATION.fullmatch(value) else value}"


def timeline(graph: nx.MultiDiGraph, entity: str) -> list[TimelineEntry]:
    """Every event with `entity` in a role, oldest first (undated ones last).

    `when` is the event's date, else its period, else the one period its evidence
    names (`cvkg:evidencePeriod`), else the first publication date of its articles;
    `when_from` says which (date, period, evidence, published). Amounts keep their
    qualifier and durations read as words ('per year', 'term: 5 years'); `status`
    and `confidence` are the event's. `sources` are the article IRIs, `urls` the
    articles' URLs where known.

    Raises:
        EntityNotFoundError: `entity` names no entity.
    """
    node = find_entity(graph, entity)
    rows = []
    for iri, event in event_records(graph).items():
        roles: Mapping[str, list[str]] = event.get("roles", {})
        mine = sorted(role for role, nodes in roles.items() if node in nodes)
        if not mine:
            continue
        others = [f"{role}: {label(graph, n)}" for role, nodes in sorted(roles.items()) for n in nodes if n != node]
        facts = [_fact(k, str(v)) for k, values in sorted(event.get("facts", {}).items()) for v in values]
        rows.append(
            TimelineEntry(
                str(event.get("when", "")),
                str(event.get("when_from", "")),
                str(event.get("event_type", "")),
                iri,
                ", ".join(mine),
                others,
                [format_amount(v) for v in event.get("values", [])],
                facts,
                list(event.get("evidence", [])),
                list(event.get("sources", [])),
                list(event.get("urls", [])),
                str(event.get("status", "")),
                float(event.get("confidence", 1.0)),
            )
        )
    return sorted(rows, key=lambda r: (not r.when, r.when, r.type, r.event))
