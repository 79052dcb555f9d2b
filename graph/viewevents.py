"""Events that yield no edge between entities (market shares, financial results…) in the HTML view.

The projection keeps every event in `graph.graph["events"]`, but only the
event classes with a `reg:yields` become edges. The others would never appear
in a view, so the view shows them two ways: as *figures* on the entity they
are about (a badge on the node and a section of its tooltip, `entity_figures`),
and, when `cvkg view --types MarketShare` asks for them, as event nodes joined
to their entities by role edges (`add_event_nodes`). Pure functions of the
networkx graph.

Here too, because the view's other modules share them: `money_text` and
`period_bounds` (the first and last day of a date or period).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx

from ontology import load_registry

# facts that are ratios (0.32 is 32 %)
_RATIOS = ("share", "growthRate")
# the role naming the entity an event is about, by preference
_SUBJECT_ROLES = ("organization", "subject", "customer", "provider")


def money_text(value: Decimal | float, currency: str = "", qualifier: str = "", per: str = "") -> str:
    """'at least USD 300 million', 'USD 2.5 billion per P1Y'."""
    number = float(value)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(number) >= size:
            amount = f"{number / size:.2f}".rstrip("0").rstrip(".") + " " + word
            break
    else:
        amount = f"{number:,.0f}"
    text = " ".join(p for p in (qualifier, currency, amount) if p)
    return f"{text} per {per}" if per else text


def period_bounds(text: str) -> tuple[date, date] | None:
    """First and last day of a date or period string (2021, 2021-Q1, 2021-H2, 2021-06, 2021-06-15)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return day, day
    if m := re.fullmatch(r"(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?", text):
        year = int(m[1])
        if m[2]:
            first = last = int(m[2])
            if not 1 <= first <= 12:
                return None
        elif m[3]:
            first, last = 3 * int(m[3]) - 2, 3 * int(m[3])
        elif m[4]:
            first, last = 6 * int(m[4]) - 5, 6 * int(m[4])
        else:
            first, last = 1, 12
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    return None


def edgeless_event_types() -> list[str]:
    """The event classes of the registry that yield no edge between entities, sorted."""
    return sorted(name for name, event in load_registry().events.items() if not event.edges)


def _money(values: Iterable[Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for value in values:
        text = money_text(value["value"], value.get("currency", ""), value.get("qualifier", ""), value.get("per", ""))
        out.append(f"{value['role']} {text}" if value.get("role") not in ("", "value") else text)
    return out


def _fact(name: str, value: str) -> str:
    if name in _RATIOS:
        try:
            number = Decimal(value) * 100
        except InvalidOperation:
            return f"{name} {value}"
        percent = f"{number:.1f}".rstrip("0").rstrip(".")
        return f"{percent}% share" if name == "share" else f"{'+' if number > 0 else ''}{percent}% growth"
    if name == "rank":
        return f"rank {value}"
    if name == "quantity":
        try:
            return f"{Decimal(value):,f}".rstrip("0").rstrip(".")
        except InvalidOperation:
            return value
    return value if name in ("segment", "market", "metric") else f"{name} {value}"


def figure_text(event: Mapping[str, Any], labels: Mapping[str, str], *, about: str = "") -> str:
    """One line for an event: '37% share · rank 1 · cloud infrastructure services · China · Canalys · 2021'.

    Entities in the event's roles are named by their labels, except `about` (the entity the line is shown on).
    """
    parts = _money(event.get("values", []))
    facts = event.get("facts", {})
    lead = ("share", "quantity", "metric", "growthRate", "rank")
    order = sorted(facts, key=lambda f: (lead.index(f) if f in lead else len(lead), f))
    parts += [_fact(name, str(value)) for name in order for value in facts[name]]
    for role, nodes in sorted(event.get("roles", {}).items()):
        names = [labels.get(n, n.rsplit("/", 1)[-1]) for n in nodes if n != about]
        if names:
            parts.append(("according to " if role == "accordingTo" else "") + ", ".join(names))
    when = str(event.get("when") or event.get("period") or event.get("date") or "")
    if when:
        parts.append(when)
    return " · ".join(p for p in parts if p)


def _subject(event: Mapping[str, Any]) -> list[str]:
    roles = event.get("roles", {})
    for role in _SUBJECT_ROLES:
        if roles.get(role):
            return list(roles[role])
    return []


def entity_figures(graph: nx.MultiDiGraph) -> dict[str, list[list[str]]]:
    """Node -> [event class label, line] for each edgeless event about it (market shares first, latest first)."""
    registry = load_registry()
    edgeless = set(edgeless_event_types())
    labels = {n: str(d.get("label", n)) for n, d in graph.nodes(data=True)}
    found: dict[str, list[tuple[str, str, str]]] = {}
    for event in graph.graph.get("events", {}).values():
        kind = event.get("event_type", "")
        if kind not in edgeless:
            continue
        for node in _subject(event):
            if node in graph:
                line = figure_text(event, labels, about=node)
                found.setdefault(node, []).append((kind, str(event.get("when", "")), line))
    first = {"MarketShare": 0, "FinancialResult": 1}
    out: dict[str, list[list[str]]] = {}
    for node, rows in found.items():
        rows.sort(key=lambda r: r[1], reverse=True)  # latest first
        rows.sort(key=lambda r: (first.get(r[0], 2), r[0]))  # stable: latest first within a class
        out[node] = [[registry.events[kind].label, line] for kind, _, line in rows]
    return out


def add_event_nodes(graph: nx.MultiDiGraph, types: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of `graph` with a node per event of these (edgeless) types and role edges entity -> event.

    Event nodes have `kind="event"`, `cls` the event class and a `label` from
    `figure_text`; role edges are labelled by the role and carry the event's
    sources, evidence and the period of its date (`periods`, as `annotate_graph` gives edges).
    """
    wanted = set(types)
    out = graph.copy()
    labels = {n: str(d.get("label", n)) for n, d in graph.nodes(data=True)}
    for iri, event in sorted(graph.graph.get("events", {}).items()):
        if event.get("event_type") not in wanted:
            continue
        members = [(role, n) for role, nodes in sorted(event.get("roles", {}).items()) for n in nodes if n in out]
        if not members:
            continue
        about = (_subject(event) or [""])[0]
        name = labels.get(about, "")
        text = figure_text(event, labels, about=about)
        out.add_node(
            iri,
            kind="event",
            cls=event["event_type"],
            label=f"{name}: {text}" if name else text,
            event_lines=[[load_registry().events[event["event_type"]].label, text]],
        )
        bounds = period_bounds(str(event.get("when", ""))[:10])
        for role, node in dict.fromkeys(members):
            out.add_edge(
                node,
                iri,
                key=role,
                relation=role,
                events=[iri],
                event_types=[event["event_type"]],
                event_details=[],
                sources=list(event.get("sources", [])),
                evidence=list(event.get("evidence", [])),
                periods=[bounds] if bounds else [],
            )
    return out
