"""Project the store onto networkx, and write the projection as GraphML or GEXF.

Two projections, both `nx.MultiDiGraph`s keyed by IRI:

* the default one has the entities as nodes (`label`, `cls`, `wikidata`,
  `alt_labels`) and the binary relations of spec/EVENTS.md (the relations of
  `ontology.load_registry()`) as edges. An edge an event yields (`movedFrom`,
  `movedTo`, `customerOf`, `acquired`, `investedIn`, `partnerOf`, `operatesIn`:
  the `reg:yields` of its class) carries that event's attributes (see
  `EVENT_FIELDS`); one edge per event, keyed `relation:event-name`. Plain
  relations (`owns`, `worksFor` with `job_title`, `competesWith`,
  `headquarteredIn`, `parentOrganization`) are keyed by their relation name.
  Every event of the store, whatever its type, is also kept in
  `graph.graph["events"]` (IRI -> attributes) for timelines.
* `events_as_nodes=True` gives a bipartite graph: entity nodes (`kind="entity"`)
  and event nodes (`kind="event"`, with the event attributes) joined by role
  edges entity -> event, keyed and labelled (`relation`) by the role.

Entities and events are read from the default graph, the set union of the
article graphs that every store keeps (`graph.stores`); edges keep the article
graphs that state them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import networkx as nx
import pyoxigraph as ox

from graph.export import NETWORK_FORMATS, list_articles
from graph.stores import KnowledgeStore
from ontology import BACKGROUND, ENT, EVT, PROV, SCHEMA, load_registry
from ontology.vocab import PREFIXES

EVENT_FIELDS = (
    "event", "event_type", "date", "period", "when", "when_from", "values", "facts",
    "evidence", "sources", "urls", "confidence", "status",
)  # fmt: skip

_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_ALT_LABEL = PREFIXES["skos"] + "altLabel"
_SAME_AS = PREFIXES["owl"] + "sameAs"
_JOB_TITLE = str(SCHEMA.jobTitle)
_CVKG = PREFIXES["cvkg"]

# edges the articles state (the background graph's gazetteer links are left out)
_EDGES_QUERY = (
    "SELECT DISTINCT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {values} }}"
    f" FILTER(?g != <{BACKGROUND}>) }}}}"
)
# the entities the articles name; their Wikidata ids are background facts
_ENTITIES_QUERY = f"""
SELECT DISTINCT ?n ?p ?o WHERE {{
  {{ ?n ?p ?o VALUES ?p {{ <{_LABEL}> <{_RDF_TYPE}> <{_ALT_LABEL}> <{_SAME_AS}> <{_JOB_TITLE}> }} }}
  UNION {{ ?n <{_LABEL}> [] . GRAPH <{BACKGROUND}> {{ ?n ?p ?o }} VALUES ?p {{ <{_SAME_AS}> }} }}
  FILTER(STRSTARTS(STR(?n), "{ENT}"))
}}
"""
# Events and their amount nodes (minted as evt:…-value-800000000-usd) share the evt: namespace.
_EVENTS_QUERY = f'SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{EVT}")) }}'
_MONETARY_AMOUNT = str(SCHEMA.MonetaryAmount)
_AMOUNT_FIELDS = {str(SCHEMA.value): "value", str(SCHEMA.currency): "currency", _CVKG + "per": "per"}
_AMOUNT_FIELDS[_CVKG + "qualifier"] = "qualifier"


def _local(iri: str) -> str:
    """The name after the last '#' or '/' of an IRI."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _read_entities(store: KnowledgeStore) -> dict[str, dict[str, Any]]:
    """Entity IRI -> node attributes (label, cls, wikidata, alt_labels, job_title)."""
    found: dict[str, dict[str, set[str]]] = {}
    for row in store.query(_ENTITIES_QUERY):  # type: ignore[attr-defined]
        found.setdefault(row["n"].value, {}).setdefault(row["p"].value, set()).add(row["o"].value)
    entities: dict[str, dict[str, Any]] = {}
    for iri, props in found.items():
        labels = sorted(props.get(_LABEL, ()))
        types = sorted(props.get(_RDF_TYPE, ()))
        entities[iri] = {
            "label": labels[0] if labels else _local(iri),
            "cls": _local(types[0]) if types else "",
            "wikidata": min((_local(q) for q in props.get(_SAME_AS, ())), default=""),
            "alt_labels": sorted(props.get(_ALT_LABEL, set()) | set(labels[1:])),
            "job_title": "; ".join(sorted(props.get(_JOB_TITLE, ()))),
        }
    return entities


def _new_event(iri: str) -> dict[str, Any]:
    return {
        "event": iri, "event_type": "", "date": "", "period": "", "when": "", "when_from": "",
        "roles": {}, "values": [], "facts": {}, "evidence": [], "sources": [], "urls": [],
        "confidence": 0.0, "status": "",
    }  # fmt: skip


def _add_event_triple(event: dict[str, Any], prop: str, obj: Any, amounts: dict[str, dict[str, Any]]) -> None:
    """Fold one (event, prop, obj) triple into the event's attributes."""
    value = obj.value
    name = _local(prop)
    if prop == _RDF_TYPE:
        event["event_type"] = _local(value)
    elif prop == str(PROV.wasDerivedFrom):
        event["sources"].append(value)
    elif prop == _CVKG + "evidence":
        event["evidence"].append(value)
    elif prop in (_CVKG + "evidenceStart", _CVKG + "evidenceEnd"):
        return  # offsets into one article's text, not a fact of the event (the event-source query gives them)
    elif prop == _CVKG + "confidence":
        event["confidence"] = max(event["confidence"], float(value))
    elif prop in (_CVKG + "date", _CVKG + "period"):
        event[name] = min(filter(None, (event[name], value)))
    elif prop == _CVKG + "status":
        event["status"] = _local(value)
    elif isinstance(obj, ox.NamedNode) and value.startswith(str(ENT)):
        event["roles"].setdefault(name, []).append(value)
    elif value in amounts:
        event["values"].append({"role": name, **amounts[value]})
    else:
        event["facts"].setdefault(name, []).append(value)


def _read_events(store: KnowledgeStore, published: dict[str, tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Event IRI -> attributes: type, roles (entity IRIs), values, facts, evidence, sources, dates."""
    rows = [(r["s"].value, r["p"].value, r["o"]) for r in store.query(_EVENTS_QUERY)]  # type: ignore[attr-defined]
    amounts: dict[str, dict[str, Any]] = {
        s: {"value": Decimal(0), "currency": "", "per": "", "qualifier": ""}
        for s, p, o in rows
        if p == _RDF_TYPE and o.value == _MONETARY_AMOUNT
    }
    for s, p, o in rows:
        if s in amounts and p in _AMOUNT_FIELDS:
            field = _AMOUNT_FIELDS[p]
            amounts[s][field] = Decimal(o.value) if field == "value" else o.value
    events: dict[str, dict[str, Any]] = {}
    for s, p, o in sorted(rows, key=lambda r: (r[0], r[1], r[2].value)):
        if s not in amounts:
            _add_event_triple(events.setdefault(s, _new_event(s)), p, o, amounts)
    for event in events.values():
        for key in ("sources", "evidence"):
            event[key] = sorted(set(event[key]))
        event["urls"] = [published[a][1] for a in event["sources"] if published.get(a, ("", ""))[1]]
        event["values"].sort(key=lambda v: (v["role"], v["currency"], v["value"]))
        first = min((published[a][0] for a in event["sources"] if published.get(a, ("", ""))[0]), default="")
        for key in ("date", "period"):
            if event[key] and not event["when"]:
                event["when"], event["when_from"] = event[key], key
        if not event["when"] and first:
            event["when"], event["when_from"] = first, "published"
    return {iri: e for iri, e in events.items() if e["event_type"]}


def _yielded_edges(event: dict[str, Any]) -> Iterable[tuple[str, str, str]]:
    """The (subject, relation, object) edges an event yields, as build.py writes them."""
    event_type = load_registry().events.get(event["event_type"])
    for edge in event_type.edges if event_type else ():
        for s, o in edge.pairs(event["roles"]):
            yield s, edge.relation, o


def _ensure_node(graph: nx.MultiDiGraph, node: str) -> None:
    if node not in graph:
        graph.add_node(node, kind="entity", label=_local(node), cls="", wikidata="", alt_labels=[], job_title="")


def _add_relation_edges(
    graph: nx.MultiDiGraph, store: KnowledgeStore, events: dict[str, dict[str, Any]], urls: dict[str, str]
) -> None:
    """One edge per stated binary relation; event edges once per event that yields them."""
    names = {str(r.iri): name for name, r in load_registry().relations.items()}
    query = _EDGES_QUERY.format(values=" ".join(f"<{iri}>" for iri in names))
    stated: dict[tuple[str, str, str], set[str]] = {}
    for row in store.query(query):  # type: ignore[attr-defined]
        stated.setdefault((row["s"].value, names[row["p"].value], row["o"].value), set()).add(row["g"].value)
    yielded: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for event in events.values():
        for edge in _yielded_edges(event):
            yielded.setdefault(edge, []).append(event)
    for (s, name, o), graphs in sorted(stated.items()):
        _ensure_node(graph, s)
        _ensure_node(graph, o)
        for event in yielded.get((s, name, o), []):
            attrs = {f: event[f] for f in EVENT_FIELDS if f not in ("event", "event_type")}
            attrs.update(event=event["event"], event_type=event["event_type"], events=[event["event"]])
            graph.add_edge(s, o, key=f"{name}:{_local(event['event'])}", relation=name, **attrs)
        if (s, name, o) not in yielded:
            sources = sorted(graphs)
            job = graph.nodes[s].get("job_title", "") if name == "worksFor" else ""
            extra = {"job_title": job} if name == "worksFor" else {}
            graph.add_edge(
                s, o, key=name, relation=name, sources=sources, urls=[urls[g] for g in sources if urls.get(g)],
                events=[], evidence=[], **extra,
            )  # fmt: skip


def _event_label(graph: nx.MultiDiGraph, event: dict[str, Any]) -> str:
    names = [graph.nodes[n]["label"] for role, ns in event["roles"].items() if role != "reportedBy" for n in ns]
    return f"{event['event_type']}: {' / '.join(dict.fromkeys(names))}" if names else event["event_type"]


def _add_event_nodes(graph: nx.MultiDiGraph, events: dict[str, dict[str, Any]]) -> None:
    """Event nodes with their attributes, and role edges entity -> event."""
    for iri, event in sorted(events.items()):
        for nodes in event["roles"].values():
            for node in nodes:
                _ensure_node(graph, node)
        attrs = {k: v for k, v in event.items() if k != "event"}
        graph.add_node(iri, kind="event", label=_event_label(graph, event), cls=event["event_type"], **attrs)
        for role, nodes in sorted(event["roles"].items()):
            for node in sorted(set(nodes)):
                graph.add_edge(node, iri, key=role, relation=role)


def project_to_networkx(store: KnowledgeStore, *, events_as_nodes: bool = False) -> nx.MultiDiGraph:
    """Project the store onto a networkx graph (see the module docstring for both shapes).

    Args:
        store: any cvkg store.
        events_as_nodes: give the bipartite entity/event graph instead of entity -> entity relations.
    """
    articles = {a.iri: (a.date, a.url) for a in list_articles(store)}
    entities = _read_entities(store)
    events = _read_events(store, articles)
    graph = nx.MultiDiGraph()
    for iri, attrs in sorted(entities.items()):
        graph.add_node(iri, kind="entity", **attrs)
    if events_as_nodes:
        _add_event_nodes(graph, events)
    else:
        graph.graph["events"] = events
        _add_relation_edges(graph, store, events, {iri: url for iri, (_, url) in articles.items()})
    return graph


def _plain(value: Any) -> str | int | float | bool:
    """A GraphML/GEXF-safe attribute value: scalars stay, Decimals and containers become strings."""
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value, default=lambda v: format(v, "f") if isinstance(v, Decimal) else str(v))


def network_bytes(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """Write the graph as GraphML or GEXF (e.g. for Gephi); list and amount attributes become JSON strings.

    Raises:
        ValueError: `fmt` is not one of `NETWORK_FORMATS`.
    """
    if fmt not in NETWORK_FORMATS:
        raise ValueError(f"unknown network format {fmt!r}; choose one of {', '.join(NETWORK_FORMATS)}")
    plain = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: _plain(v) for k, v in data.items()})
    for s, o, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(s, o, key=key, **{k: _plain(v) for k, v in data.items()})
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(plain, out)
    else:
        nx.write_gexf(plain, out)
    return out.getvalue()
