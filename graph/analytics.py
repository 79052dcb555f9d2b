"""Market analytics as pure functions of the networkx projection (`graph.analyze.project_to_networkx`).

Every function takes the default (entity -> entity) projection and returns
plain rows (frozen dataclasses; `dataclasses.asdict` turns them into dicts) so
the CLI, notebooks and tests can print, chart or compare them:

* `provider_flows` / `flow_matrix`: customers gained and lost per provider, and who moved from whom to whom;
* `contract_values`: contract value won per provider, year and currency, stated values apart from ceilings;
* `top_organisations`: the most central organisations (degree, PageRank, betweenness);
* `neighbours` / `neighbourhood`: the k-hop neighbourhood of an entity;
* `timeline`: the events about an entity in time order.

Entities are named by label, alias (`skos:altLabel`), IRI or `ent:` name, in any case.

What the events say is kept in every answer:

* an amount's `cvkg:qualifier` makes it `exact` (none), `at least` ("more than", "at least"),
  `up to` ("up to", "less than": a ceiling) or `approximately` ("approximately", "nearly")
  (`value_kind`); totals add up the stated ones (exact, at least, approximately) and give the
  ceilings apart, and an amount several providers share is no one provider's;
* events whose `cvkg:confidence` is below `min_confidence` (`DEFAULT_MIN_CONFIDENCE`, 0.5) are left
  out of totals and flows and counted or named apart;
* a `Planned` event (status) is no gain or loss yet, and a contract with a provider the customer is
  reported to have moved away from is the relationship that move ended (`former_customers`);
* whatever places an event in time says where its time comes from (`when_from`: its own `date`
  or `period`, the one period its `evidence` names, or the date its article was `published`).
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
_GAINED = ("movedTo", "customerOf")
DEFAULT_MIN_CONFIDENCE = 0.5
# cvkg:qualifier (the values of pipelines.normalize.QUALIFIERS) -> what the amount is; others read "approximately"
VALUE_KINDS = {
    "": "exact",
    "more than": "at least",
    "at least": "at least",
    "up to": "up to",
    "less than": "up to",
    "approximately": "approximately",
    "nearly": "approximately",
}
_DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
_SIMPLE_DURATION = re.compile(r"P(\d+)([YMWD])")


@dataclass(frozen=True, slots=True)
class ProviderFlow:
    """Customers a provider gained (migrations to it, contracts) and lost (migrations away), and what did not count.

    `gained`, `lost` and `net` count the first two lists only. `reported` names those of them whose
    events are only reported (status Reported: an outlet's or sources' word); `planned_gains` and
    `planned_losses` the customers of Planned events only; `former_customers` those whose contract is
    the relationship a later move away ended; `low_confidence` those known from events below the
    confidence threshold only.
    """

    provider: str
    gained: int
    lost: int
    net: int
    gained_customers: list[str]
    lost_customers: list[str]
    reported: list[str]
    planned_gains: list[str]
    planned_losses: list[str]
    former_customers: list[str]
    low_confidence: list[str]


@dataclass(frozen=True, slots=True)
class Flow:
    """Customers that moved from one provider to another (one cell of the from -> to matrix).

    `customers` counts `names`; `reported` names those only reported, `planned` the moves only planned
    (not counted).
    """

    from_provider: str
    to_provider: str
    customers: int
    names: list[str]
    reported: list[str]
    planned: list[str]


@dataclass(frozen=True, slots=True)
class ContractValue:
    """The value of the contracts a provider won in one year, in one currency: stated values apart from ceilings.

    `total` is the stated value: `exact` + `at_least` (floors: "more than", "at least") +
    `approximately` (estimates). `up_to` sums the ceilings ("up to"), which are never in `total`.
    `when_from` says where the years come from (see `timeline`). `contracts` counts the events summed;
    `low_confidence` those left out for their confidence. A row with `shared` holds amounts stated
    once for several providers together (`provider` names them all, joined by " + ").
    """

    provider: str
    year: str
    when_from: list[str]
    currency: str
    total: Decimal
    exact: Decimal
    at_least: Decimal
    approximately: Decimal
    up_to: Decimal
    contracts: int
    customers: list[str]
    low_confidence: int
    shared: bool = False


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


def _edges(graph: nx.MultiDiGraph, relations: Iterable[str]) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    wanted = set(relations)
    return ((s, o, d) for s, o, d in graph.edges(data=True) if d.get("relation") in wanted)


def _names(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    return sorted({label(graph, n) for n in nodes}, key=str.casefold)


def value_kind(qualifier: str) -> str:
    """What an amount with this `cvkg:qualifier` is: exact, at least, up to or approximately (`VALUE_KINDS`)."""
    return VALUE_KINDS.get(qualifier.strip().lower(), "approximately")


def _confident(data: Mapping[str, Any], min_confidence: float) -> bool:
    """Whether an event edge is at or above the threshold (hand-built edges without a confidence are)."""
    return float(data.get("confidence", 1.0)) >= min_confidence


def _statuses(data: Mapping[str, Any]) -> set[str]:
    return {s for s in str(data.get("status", "")).split("; ") if s}


def _year(data: Mapping[str, Any]) -> str:
    return str(data.get("when", ""))[:4]


def provider_flows(
    graph: nx.MultiDiGraph, *, provider: str | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> list[ProviderFlow]:
    """Per provider, the distinct customers gained (`movedTo`, `customerOf`) and lost (`movedFrom`).

    A customer counts once per provider however many events say so; one that
    both left and (by a later contract) came back counts on both sides. What does
    not count is named apart (see `ProviderFlow`):

    * events below `min_confidence`;
    * events whose only status is Planned ('plans to move', 'will use');
    * a contract with a provider the customer moved away from in the same year or
      later (by `when`): the graph has no tense, so "TikTok used Alibaba Cloud's data
      centers" beside "ByteDance moved TikTok off Alibaba Cloud" is read as the
      relationship that move ended, not a customer gained.

    Sorted by net gain, then gains, then name. `provider` keeps that provider's row only.

    Raises:
        EntityNotFoundError: `provider` names no entity.
    """
    only = find_entity(graph, provider) if provider else None
    sides = ("gained", "lost", "planned_gains", "planned_losses", "former", "low", "firm_reported", "firm_stated")
    found: dict[str, dict[str, set[str]]] = {}
    moves_away: dict[tuple[str, str], str] = {}  # (customer, provider) -> latest year of a counted move away
    edges = list(_edges(graph, (*_GAINED, "movedFrom")))
    for customer, prov, data in edges:
        if data["relation"] == "movedFrom" and _confident(data, min_confidence) and _statuses(data) != {"Planned"}:
            moves_away[(customer, prov)] = max(moves_away.get((customer, prov), ""), _year(data))
    for customer, prov, data in edges:
        row = found.setdefault(prov, {side: set() for side in sides})
        gain = data["relation"] != "movedFrom"
        statuses = _statuses(data)
        if not _confident(data, min_confidence):
            row["low"].add(customer)
        elif statuses == {"Planned"}:
            row["planned_gains" if gain else "planned_losses"].add(customer)
        elif (
            data["relation"] == "customerOf"
            and (customer, prov) in moves_away
            and _year(data) <= moves_away[(customer, prov)]
        ):
            row["former"].add(customer)
        else:
            row["gained" if gain else "lost"].add(customer)
            row["firm_reported" if statuses == {"Reported"} else "firm_stated"].add(customer)
    rows = []
    for prov, row in found.items():
        if only is not None and prov != only:
            continue
        g, lo = row["gained"], row["lost"]
        counted = g | lo
        rows.append(
            ProviderFlow(
                label(graph, prov),
                len(g),
                len(lo),
                len(g) - len(lo),
                _names(graph, g),
                _names(graph, lo),
                _names(graph, row["firm_reported"] - row["firm_stated"]),
                _names(graph, row["planned_gains"] - g),
                _names(graph, row["planned_losses"] - lo),
                _names(graph, row["former"] - g),
                _names(graph, row["low"] - counted),
            )
        )
    return sorted(rows, key=lambda r: (-r.net, -r.gained, r.provider.casefold()))


def flow_matrix(
    graph: nx.MultiDiGraph, *, provider: str | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> list[Flow]:
    """Who moved from which provider to which: migrations that name both sides, paired per event.

    Migrations below `min_confidence` are left out; Planned ones are named in `planned`, not
    counted. `provider` keeps the flows into or out of that provider.

    Raises:
        EntityNotFoundError: `provider` names no entity.
    """
    only = find_entity(graph, provider) if provider else None
    moves: dict[tuple[str, str], dict[str, Any]] = {}
    for customer, prov, data in _edges(graph, ("movedFrom", "movedTo")):
        if not _confident(data, min_confidence):
            continue
        # Edges of one Migration event share `event`; hand-built edges without one pair by customer.
        event = data.get("event") or f"customer:{customer}"
        sides = moves.setdefault((event, customer), {"movedFrom": set(), "movedTo": set(), "status": set()})
        sides[data["relation"]].add(prov)
        sides["status"] |= _statuses(data)
    pairs: dict[tuple[str, str], dict[str, set[str]]] = {}
    for (_, customer), sides in moves.items():
        kind = "planned" if sides["status"] == {"Planned"} else "reported" if sides["status"] == {"Reported"} else ""
        for a in sides["movedFrom"]:
            for b in sides["movedTo"]:
                if only is None or only in (a, b):
                    cell = pairs.setdefault((a, b), {"": set(), "reported": set(), "planned": set()})
                    cell[kind].add(customer)
    rows = []
    for (a, b), cell in pairs.items():
        names = cell[""] | cell["reported"]
        rows.append(
            Flow(
                label(graph, a),
                label(graph, b),
                len(names),
                _names(graph, names),
                _names(graph, cell["reported"] - cell[""]),
                _names(graph, cell["planned"] - names),
            )
        )
    return sorted(rows, key=lambda r: (-r.customers, r.from_provider.casefold(), r.to_provider.casefold()))


def _amount_key(customer: str, amount: Mapping[str, Any]) -> tuple[str, ...]:
    return (customer, format(Decimal(amount["value"]), "f"), str(amount["currency"]), *(
        str(amount.get(k, "")) for k in ("qualifier", "per")
    ))  # fmt: skip


def _shared_amounts(edges: list[tuple[str, str, Mapping[str, Any]]]) -> dict[tuple[str, ...], set[str]]:
    """Amounts stated once for several providers: one customer, one figure, one evidence sentence, many contracts.

    The pipeline gives a combined award ceiling to no provider (spec/GOLD.md), but a graph from
    elsewhere may repeat it on each provider's contract; it is then no one provider's value.
    Returns amount key (`_amount_key`) -> the providers sharing it, for amounts shared by two or more.
    """
    holders: dict[tuple[tuple[str, ...], str], set[str]] = {}
    for customer, prov, data in edges:
        for amount in data.get("values", ()):
            for sentence in data.get("evidence", ()):
                holders.setdefault((_amount_key(customer, amount), sentence), set()).add(prov)
    shared: dict[tuple[str, ...], set[str]] = {}
    for (key, _), provs in holders.items():
        if len(provs) > 1:
            shared.setdefault(key, set()).update(provs)
    return shared


def contract_values(
    graph: nx.MultiDiGraph, *, provider: str | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> list[ContractValue]:
    """Contract values per provider, year and currency (`customerOf` edges): stated totals apart from ceilings.

    Each amount is summed by what its qualifier makes it (`value_kind`): `total` adds the exact
    ones, the floors ("more than") and the estimates ("approximately"), each also summed apart;
    ceilings ("up to") go in `up_to` only. An amount several providers' contracts share (one
    figure for an award to several) is summed once, in a row naming them all (`shared`).

    The year is the contract's `when` (date, period, the period its evidence names, else the first
    article reporting it; `when_from` lists which). `contracts` counts events, so a contract reported
    by several articles counts once; contracts below `min_confidence` are left out and counted in
    `low_confidence`. Every stated amount of a contract is summed (a yearly amount counts once), as
    in the `contract-value-by-year` query. Contracts without a value are left out.

    Raises:
        EntityNotFoundError: `provider` names no entity.
    """
    only = find_entity(graph, provider) if provider else None
    edges = [(c, p, d) for c, p, d in _edges(graph, ("customerOf",)) if d.get("values")]
    shared = _shared_amounts(edges)
    rows: dict[tuple[tuple[str, ...], str, str], dict[str, Any]] = {}
    for customer, prov, data in edges:
        event = str(data.get("event") or f"{customer} {prov}")
        for amount in data.get("values", ()):
            if amount.get("role", "value") != "value":
                continue
            holders = tuple(sorted(shared.get(_amount_key(customer, amount), {prov})))
            if only is not None and only not in holders:
                continue
            row = rows.setdefault(
                (holders, _year(data), str(amount["currency"])),
                {"when_from": set(), "events": set(), "customers": set(), "low": set(), "amounts": {}},
            )
            if not _confident(data, min_confidence):
                row["low"].add(event)
                continue
            row["when_from"].add(str(data.get("when_from", "")))
            row["events"].add(event)
            row["customers"].add(customer)
            # a shared amount once, however many of its providers' contracts carry it
            key = _amount_key(customer, amount) if len(holders) > 1 else (event, *_amount_key(customer, amount))
            row["amounts"].setdefault(key, []).append(amount)
    result = []
    for (holders, year, currency), row in rows.items():
        sums = dict.fromkeys(("exact", "at least", "approximately", "up to"), Decimal(0))
        for amounts in row["amounts"].values():
            # two differing amounts of one contract both count; one repeated (shared) counts once
            for amount in amounts if len(holders) == 1 else amounts[:1]:
                sums[value_kind(str(amount.get("qualifier", "")))] += Decimal(amount["value"])
        result.append(
            ContractValue(
                " + ".join(label(graph, p) for p in holders),
                year,
                sorted(filter(None, row["when_from"]), key=_when_rank),
                currency,
                sums["exact"] + sums["at least"] + sums["approximately"],
                sums["exact"],
                sums["at least"],
                sums["approximately"],
                sums["up to"],
                len(row["events"]),
                _names(graph, row["customers"]),
                len(row["low"] - row["events"]),
                len(holders) > 1,
            )
        )
    return sorted(result, key=lambda r: (r.provider.casefold(), r.year, r.currency))


def _when_rank(origin: str) -> int:
    order = ("date", "period", "evidence", "published")
    return order.index(origin) if origin in order else len(order)


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
        rows.append(Neighbour(label(graph, node), node_cls, hop, sorted(relations), _names(graph, closer)))
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
