"""Customer flows and contract values: pure functions of the networkx projection (`graph.analyze.project_to_networkx`).

Like `graph.analytics`, every function takes the default (entity -> entity)
projection and returns plain rows (frozen dataclasses):

* `provider_flows` / `flow_matrix`: customers gained and lost per provider, and who moved from whom to whom;
* `contract_values`: contract value won per provider, year and currency, stated values apart from ceilings.

Providers are named as in `graph.analytics.find_entity`. What the events say is kept in every answer:

* an amount's `cvkg:qualifier` makes it `exact` (none), `at least` ("more than", "at least"),
  `up to` ("up to", "less than": a ceiling) or `approximately` ("approximately", "nearly")
  (`value_kind`); totals add up the stated ones (exact, at least, approximately) and give the
  ceilings apart, and an amount several providers share is no one provider's;
* events whose `cvkg:confidence` is below `min_confidence` (`DEFAULT_MIN_CONFIDENCE`, 0.5) are left
  out of totals and flows and counted or named apart;
* a `Planned` event (status) is no gain or loss yet, and a contract with a provider the customer is
  reported to have moved away from is the relationship that move ended (`former_customers`);
* a contract's year says where it comes from (`when_from`, as in `graph.analytics.timeline`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import networkx as nx

from graph.analytics import find_entity, label, sorted_labels

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
    `when_from` says where the years come from (see `graph.analytics.timeline`). `contracts` counts the events summed;
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


def _edges(graph: nx.MultiDiGraph, relations: Iterable[str]) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    wanted = set(relations)
    return ((s, o, d) for s, o, d in graph.edges(data=True) if d.get("relation") in wanted)


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
                sorted_labels(graph, g),
                sorted_labels(graph, lo),
                sorted_labels(graph, row["firm_reported"] - row["firm_stated"]),
                sorted_labels(graph, row["planned_gains"] - g),
                sorted_labels(graph, row["planned_losses"] - lo),
                sorted_labels(graph, row["former"] - g),
                sorted_labels(graph, row["low"] - counted),
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
                sorted_labels(graph, names),
                sorted_labels(graph, cell["reported"] - cell[""]),
                sorted_labels(graph, cell["planned"] - names),
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
                sorted_labels(graph, row["customers"]),
                len(row["low"] - row["events"]),
                len(holders) > 1,
            )
        )
    return sorted(result, key=lambda r: (r.provider.casefold(), r.year, r.currency))


def _when_rank(origin: str) -> int:
    order = ("date", "period", "evidence", "published")
    return order.index(origin) if origin in order else len(order)
