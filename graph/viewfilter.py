"""Choose what the HTML view shows: event details from the store, then pure filters on networkx.

`read_view_details` reads what the projection leaves out (aliases, event
values, periods, article titles, dates and URLs) in three SPARQL queries;
`annotate_graph` copies it onto the graph's nodes and edges; `select_view`
keeps the part of the graph a reader asked for (an entity's neighbourhood,
some event types, a date range, the N most connected entities) and says what
it left out. Everything after `read_view_details` is a pure function of the
networkx graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import networkx as nx

from graph.errors import CvkgError, EntityNotFoundError
from graph.records import Amount
from graph.stores import KnowledgeStore
from graph.viewevents import add_event_nodes, edgeless_event_types, period_bounds
from ontology import load_registry

_CVKG = "https://w3id.org/cvkg/ontology#"

# roles whose value is money won by the entity in the given role
_WON = {"Contract": ("provider", "value"), "Migration": ("toProvider", "value")}

_ALIASES_QUERY = "SELECT DISTINCT ?n ?alt WHERE { ?n skos:altLabel ?alt }"
_ARTICLES_QUERY = """
SELECT ?a (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?u) AS ?url) WHERE {
  ?a a schema:NewsArticle .
  OPTIONAL { ?a schema:headline ?t } OPTIONAL { ?a schema:datePublished ?d } OPTIONAL { ?a schema:url ?u }
} GROUP BY ?a
"""
_EVENTS_QUERY = """
SELECT DISTINCT ?event ?type ?p ?o ?amount ?currency ?qualifier ?per WHERE {
  ?event a ?type ; ?p ?o .
  FILTER(STRSTARTS(STR(?event), STR(evt:)) && STRSTARTS(STR(?type), STR(cvkg:)))
  FILTER(?p NOT IN (rdf:type, cvkg:evidence, cvkg:evidenceStart, cvkg:evidenceEnd, prov:wasDerivedFrom))
  OPTIONAL {
    ?o schema:value ?amount ; schema:currency ?currency .
    OPTIONAL { ?o cvkg:qualifier ?qualifier } OPTIONAL { ?o cvkg:per ?per }
  }
}
"""


class ViewError(CvkgError):
    """The view cannot be made as asked (unknown entity or type, bad date)."""


@dataclass(slots=True)
class EventInfo:
    """What the view shows about one event: its class and the values of its roles.

    `roles` maps a role's local name to entity IRIs or literal texts;
    `money` maps a role (value, revenue) to its amounts.
    """

    iri: str
    type: str
    roles: dict[str, list[str]] = field(default_factory=dict)
    money: dict[str, list[Amount]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """Headline, publication date and URL of an article (empty when unknown)."""

    iri: str
    title: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class ViewDetails:
    """Store facts the networkx projection does not carry."""

    aliases: dict[str, list[str]]
    events: dict[str, EventInfo]
    articles: dict[str, ArticleInfo]


@dataclass(frozen=True, slots=True)
class ViewSelection:
    """The graph to draw and one line per filter or cut that shaped it."""

    graph: nx.MultiDiGraph
    notes: list[str]


def _relation_events() -> dict[str, str]:
    """Relation (edge) name -> the event class that yields it; plain relations are left out."""
    return {name: r.event for name, r in load_registry().relations.items() if r.event}


def _value(row: object, name: str) -> str:
    term = row[name]  # type: ignore[index]
    return "" if term is None else str(term.value)


def read_view_details(store: KnowledgeStore) -> ViewDetails:
    """Read aliases, event role values and article metadata from `store`."""
    aliases: dict[str, list[str]] = {}
    for row in store.query(_ALIASES_QUERY):  # type: ignore[attr-defined]
        aliases.setdefault(_value(row, "n"), []).append(_value(row, "alt"))
    articles = {
        _value(row, "a"): ArticleInfo(_value(row, "a"), _value(row, "title"), _value(row, "date"), _value(row, "url"))
        for row in store.query(_ARTICLES_QUERY)  # type: ignore[attr-defined]
    }
    events: dict[str, EventInfo] = {}
    for row in store.query(_EVENTS_QUERY):  # type: ignore[attr-defined]
        iri = _value(row, "event")
        event = events.setdefault(iri, EventInfo(iri, _value(row, "type").rsplit("#", 1)[-1]))
        role = _value(row, "p").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if row["amount"] is not None:  # type: ignore[index]
            try:
                amount = Decimal(_value(row, "amount"))
            except InvalidOperation:
                continue
            money = Amount(amount, _value(row, "currency"), per=_value(row, "per"), qualifier=_value(row, "qualifier"))
            if money not in event.money.setdefault(role, []):
                event.money[role].append(money)
            continue
        value = _value(row, "o")
        if value.startswith(_CVKG):
            value = value[len(_CVKG) :]
        if value not in event.roles.setdefault(role, []):
            event.roles[role].append(value)
    for entity_aliases in aliases.values():
        entity_aliases.sort()
    return ViewDetails(aliases, events, articles)


def _money_won(graph: nx.MultiDiGraph, events: Iterable[EventInfo]) -> dict[str, Decimal]:
    """USD value of contracts (and paid migrations) per provider that won them."""
    won: dict[str, Decimal] = {}
    for event in events:
        if event.type not in _WON:
            continue
        role, money_role = _WON[event.type]
        usd = sum((m.value for m in event.money.get(money_role, []) if m.currency == "USD"), Decimal(0))
        for node in event.roles.get(role, []):
            if node in graph and usd:
                won[node] = won.get(node, Decimal(0)) + usd
    return won


def annotate_graph(graph: nx.MultiDiGraph, details: ViewDetails) -> nx.MultiDiGraph:
    """A copy of `graph` with what the view needs on its nodes and edges.

    Nodes get `aliases` and `money_won` (USD of contracts won, 0 when none);
    edges get `event_types`, `event_details` (EventInfo list), `articles`
    (ArticleInfo list) and `periods` (first and last day of each event date or
    period, else of each source article's date).
    """
    out = graph.copy()
    relation_event = _relation_events()
    won = _money_won(out, details.events.values())
    for node, data in out.nodes(data=True):
        data["aliases"] = details.aliases.get(node) or list(data.get("alt_labels", []))
        data["money_won"] = float(won.get(node, 0))
    for _, _, data in out.edges(data=True):
        infos = [details.events[e] for e in data.get("events", []) if e in details.events]
        data["event_details"] = infos
        data["event_types"] = sorted(
            {i.type for i in infos} or {relation_event.get(data.get("relation", ""), "")} - {""}
        )
        data["articles"] = [details.articles.get(s, ArticleInfo(s)) for s in data.get("sources", [])]
        texts = [t for i in infos for role in ("date", "period") for t in i.roles.get(role, [])]
        bounds = [b for t in texts if (b := period_bounds(t))]
        if not bounds:
            bounds = [b for a in data["articles"] if (b := period_bounds(a.date[:10]))]
        data["periods"] = sorted(set(bounds))
    return out


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose label, alias, IRI or `ent:` name is `name` (any case; see `graph.analytics.find_entity`).

    Raises:
        ViewError: no entity, or several, go by that name.
    """
    from graph.analytics import find_entity as find

    try:
        return find(graph, name)
    except EntityNotFoundError as exc:
        raise ViewError(str(exc)) from exc


def check_types(graph: nx.MultiDiGraph, types: Sequence[str]) -> list[str]:
    """Canonical spellings of event types and relation names; unknown ones raise ViewError."""
    known = {t.casefold(): t for t in load_registry().events}
    known.update({r.casefold(): r for r in _relation_events()})
    known.update(
        {str(d.get("relation", "")).casefold(): str(d.get("relation", "")) for *_, d in graph.edges(data=True)}
    )
    out = []
    for name in types:
        if name.strip().casefold() not in known:
            choices = ", ".join(sorted(set(known.values()) - {""}))
            raise ViewError(f"unknown event type or relation {name.strip()!r}; choose from {choices}")
        out.append(known[name.strip().casefold()])
    return out


def filter_types(graph: nx.MultiDiGraph, types: Sequence[str]) -> nx.MultiDiGraph:
    """Keep the edges of these event types (Migration, Contract…) or relation names (owns…); all nodes stay."""
    wanted = set(types)
    relation_event = _relation_events()
    keep = [
        (s, o, k)
        for s, o, k, d in graph.edges(keys=True, data=True)
        if d.get("relation") in wanted or wanted & set(d.get("event_types", [relation_event.get(d.get("relation"))]))
    ]
    return _with_edges(graph, keep)


def filter_dates(graph: nx.MultiDiGraph, since: str | None = None, until: str | None = None) -> nx.MultiDiGraph:
    """Keep the edges with an event date or period (else an article date) that overlaps [since, until].

    `since`/`until` are `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (`until 2021` includes all of 2021);
    undated edges are dropped. All nodes stay.
    """
    start, end = date.min, date.max
    for text, pick in ((since, 0), (until, 1)):
        if text:
            bounds = period_bounds(text)
            if bounds is None:
                raise ViewError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
            if pick == 0:
                start = bounds[0]
            else:
                end = bounds[1]
    keep = [
        (s, o, k)
        for s, o, k, d in graph.edges(keys=True, data=True)
        if any(first <= end and last >= start for first, last in d.get("periods", []))
    ]
    return _with_edges(graph, keep)


def _with_edges(graph: nx.MultiDiGraph, keep: Iterable[tuple[str, str, str]]) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    out.add_edges_from((s, o, k, graph.edges[s, o, k]) for s, o, k in keep)
    return out


def ego_graph(graph: nx.MultiDiGraph, center: str, hops: int = 1) -> nx.MultiDiGraph:
    """The entities within `hops` relations of `center` (either direction) and the edges among them."""
    reached = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), center, cutoff=hops)
    return graph.subgraph(reached).copy()


def drop_isolated(graph: nx.MultiDiGraph, *, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """Remove the nodes without any edge, except those in `keep`."""
    kept = set(keep)
    return graph.subgraph([n for n in graph if graph.degree(n) or n in kept]).copy()


def most_connected(
    graph: nx.MultiDiGraph, limit: int, *, keep: Iterable[str] = (), isolated: bool = False
) -> nx.MultiDiGraph:
    """At most `limit` nodes, highest degree first (ties by label), always including `keep`.

    Unless `isolated`, nodes left without an edge among the chosen ones are
    dropped and the places are filled with the next nodes that link to a chosen one.
    """
    kept = [n for n in keep if n in graph]
    ranked = list(
        dict.fromkeys(kept + sorted(graph, key=lambda n: (-graph.degree(n), str(graph.nodes[n].get("label", n)), n)))
    )
    limit = max(limit, len(kept))
    chosen = ranked[:limit]
    if isolated:
        return graph.subgraph(chosen).copy()
    chosen = list(drop_isolated(graph.subgraph(chosen), keep=kept))
    members = set(chosen)
    undirected = graph.to_undirected(as_view=True)
    for node in ranked[limit:]:
        if len(members) >= limit:
            break
        if node not in members and any(n in members for n in undirected.neighbors(node)):
            members.add(node)
    return graph.subgraph(members).copy()


def select_view(
    graph: nx.MultiDiGraph,
    *,
    entity: str | None = None,
    hops: int = 1,
    types: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    max_nodes: int | None = None,
    isolated: bool = False,
) -> ViewSelection:
    """Apply the view's filters in order: types, dates, ego graph, isolated nodes, size cap.

    Returns the graph to draw and one note per filter or cut, for the page and stderr.

    Event types that yield no edge (MarketShare, FinancialResult…) come in as
    event nodes (`graph.viewevents.add_event_nodes`).

    Raises:
        ViewError: unknown entity or type, a bad date, or filters that leave no relation to show.
    """
    notes: list[str] = []
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    if types:
        canonical = check_types(graph, types)
        graph = filter_types(graph, canonical)
        as_nodes = [t for t in canonical if t in edgeless_event_types()]
        if as_nodes:
            graph = add_event_nodes(graph, as_nodes)
        shown_as = f" ({', '.join(as_nodes)} as event nodes)" if as_nodes else ""
        notes.append(f"types: {', '.join(canonical)}{shown_as}")
    if since or until:
        graph = filter_dates(graph, since, until)
        notes.append(f"dates: {since or '…'} to {until or '…'} (event date or period, else article date)")
    center: list[str] = []
    if entity:
        node = find_entity(graph, entity)
        center = [node]
        graph = ego_graph(graph, node, hops)
        notes.append(f"within {hops} hop{'s' if hops != 1 else ''} of {graph.nodes[node].get('label', node)}")
    if not isolated:
        graph = drop_isolated(graph, keep=center)
    if max_nodes and graph.number_of_nodes() > max_nodes:
        before_nodes, before_edges = graph.number_of_nodes(), graph.number_of_edges()
        graph = most_connected(graph, max_nodes, keep=center, isolated=isolated)
        notes.append(
            f"cut to the {graph.number_of_nodes()} most connected of {before_nodes} entities "
            f"(--max-nodes {max_nodes}): {before_nodes - graph.number_of_nodes()} entities and "
            f"{before_edges - graph.number_of_edges()} relations not shown"
        )
    if (types or since or until) and not graph.number_of_edges():
        asked = [f"--types {','.join(types)}"] if types else []
        asked += [f"--since {since}"] if since else []
        asked += [f"--until {until}"] if until else []
        raise ViewError(f"nothing to show: no relation or event matches {' '.join(asked)}; widen the filters")
    notes.insert(
        0,
        f"showing {graph.number_of_nodes()} of {total_nodes} entities and "
        f"{graph.number_of_edges()} of {total_edges} relations",
    )
    return ViewSelection(graph, notes)
