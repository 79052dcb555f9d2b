"""Write a self-contained, offline HTML view of the networkx projection (vis-network from pyvis).

The page comes from our own template (`graph/view/`), because pyvis's template
pulls Bootstrap from a CDN and inserts some tooltips as raw HTML
(../shared/TRAPS.md). vis-network's JavaScript and stylesheet are read from
the pyvis package and inlined, so the file works from `file://` with no
network; without the stylesheet vis-network's hover tooltip stays hidden.

The page has a search box, focus on a node's neighbourhood, a legend whose
entries show and hide entity classes and relations, and a date range slider
(`graph/view/view.js`). Here, in Python, edges of a symmetric relation
(`owl:SymmetricProperty`: partnerOf, competesWith) that run both ways become
one undirected edge, and edges between the same two entities are drawn as
curves of different roundness so none hides another.

Article text never reaches the page as markup: the data is embedded as JSON
with `<`, `>`, `&` and U+2028/2029 escaped (no string can close the
`<script>` element), and the page builds every tooltip, the details panel and
the legend as DOM elements filled with `textContent`. Only http(s) URLs
become links. Physics runs until the layout is stable and is then switched
off, so large graphs stop moving.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx

from graph.viewevents import entity_figures, money_text, period_bounds
from ontology import load_registry

CLASS_STYLES: dict[str, tuple[str, str]] = {
    "CloudProvider": ("#f28e2b", "star"),
    "Company": ("#4e79a7", "dot"),
    "Product": ("#59a14f", "diamond"),
    "MediaOutlet": ("#bab0ac", "square"),
    "ResearchFirm": ("#b07aa1", "triangle"),
    "GovernmentBody": ("#9c755f", "triangleDown"),
    "Person": ("#e377c2", "dot"),
    "Place": ("#76b7b2", "hexagon"),
    # events that yield no edge, when `--types` asks for them as nodes (graph/viewevents.py)
    "MarketShare": ("#edc948", "square"),
    "FinancialResult": ("#17becf", "square"),
    "UserMetric": ("#d37295", "square"),
    "MarketEntry": ("#8cd17d", "square"),
}
_OTHER = ("#999999", "dot")
_OTHER_RELATION = "#999999"

SIZE_BY = ("degree", "money")
_MAX_EVIDENCE = 3
_MAX_SOURCES = 6
_MAX_EVENTS = 4
_MAX_LABEL = 36  # longer names are cut on the canvas; the tooltip has them in full
_MAX_FIGURES = 8
_CURVE_STEP = 0.4  # roundness between two edges of the same pair of entities
_VIEW_DIR = Path(__file__).parent / "view"


def _js_json(value: object) -> str:
    """JSON that is safe inside a <script> element (and a valid JavaScript literal)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and its stylesheet, from the pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8"
    )


def safe_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL, else '' (no javascript:, data: or relative links)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _node_tip(node: str, data: dict, figures: list[list[str]]) -> list[dict[str, object]]:
    if data.get("kind") == "event":
        lines = [list(line) for line in data.get("event_lines", [])]
        return [{"h": str(data.get("label", node)), "rows": [["class", str(data.get("cls", ""))], *lines]}]
    rows = [["class", str(data.get("cls", "")) or "unknown"]]
    if data.get("aliases"):
        rows.append(["also", ", ".join(data["aliases"][:8])])
    if data.get("money_won"):
        rows.append(["contracts won", money_text(data["money_won"], "USD")])
    rows.append(["relations", str(data.get("degree", ""))])
    links = []
    if data.get("wikidata"):
        qid = str(data["wikidata"])
        links.append([f"Wikidata {qid}", safe_url(f"https://www.wikidata.org/wiki/{qid}")])
    rows.append(["IRI", "ent:" + _short(node)])
    sections: list[dict[str, object]] = [{"h": str(data.get("label", node)), "rows": rows, "links": links}]
    if figures:
        shown = figures[:_MAX_FIGURES]
        if len(figures) > _MAX_FIGURES:
            shown = [*shown, ["", f"… and {len(figures) - _MAX_FIGURES} more"]]
        sections.append({"h": "figures", "rows": shown})
    return sections


def _event_rows(event: object, labels: dict[str, str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for role, values in sorted(event.roles.items()):  # type: ignore[attr-defined]
        if role == "confidence":
            values = [max(values, key=float)] if values else values
        shown = [labels.get(v, _short(v)) if v.startswith("https://w3id.org/cvkg/") else v for v in values]
        rows.append([role, ", ".join(shown)])
    for role, amounts in sorted(event.money.items()):  # type: ignore[attr-defined]
        rows.append([role, "; ".join(money_text(m.value, m.currency, m.qualifier, m.per) for m in amounts)])
    return rows


def _edge_tip(s: str, o: str, data: dict, labels: dict[str, str]) -> list[dict[str, object]]:
    relation = str(data.get("relation", ""))
    head = f"{labels.get(s, _short(s))} {relation} {labels.get(o, _short(o))}"
    sections: list[dict[str, object]] = [{"h": head, "rows": [], "quotes": [], "links": []}]
    events = list(data.get("event_details", []))
    for event in events[:_MAX_EVENTS]:
        sections.append({"h": event.type, "rows": _event_rows(event, labels)})
    if len(events) > _MAX_EVENTS:
        sections.append({"rows": [["", f"… and {len(events) - _MAX_EVENTS} more events"]]})
    evidence = [str(e) for e in data.get("evidence", [])]
    links: list[list[str]] = []
    articles = data.get("articles") or []
    if articles:
        for article in articles[:_MAX_SOURCES]:
            text = article.title or "doc:" + _short(article.iri)
            if article.date:
                text = f"{text} ({article.date[:10]})"
            links.append([text, safe_url(article.url)])
    else:
        links = [["doc:" + _short(src), ""] for src in data.get("sources", [])[:_MAX_SOURCES]]
    more = len(articles or data.get("sources", [])) - _MAX_SOURCES
    if more > 0:
        links.append([f"… and {more} more articles", ""])
    sections.append({"h": "evidence" if evidence else "", "quotes": evidence[:_MAX_EVIDENCE], "links": links})
    return sections


def _relation_colours() -> dict[str, str]:
    """Relation name -> colour of its edges: the `reg:viewColour` of each relation in `ontology/cvkg.ttl`."""
    return {name: r.colour for name, r in load_registry().relations.items() if r.colour}


def _symmetric() -> set[str]:
    """The relations the ontology marks `owl:SymmetricProperty` (partnerOf, competesWith)."""
    return {name for name, r in load_registry().relations.items() if r.symmetric}


def _font_size(degree: int) -> int:
    """Label size in pixels: hubs get larger labels, so they stay readable when the whole graph is fitted."""
    return min(12 + 2 * degree, 26)


def _periods(data: dict) -> list[list[str]]:
    """[first, last] ISO days of an edge: `annotate_graph`'s periods, else its event's date or period."""
    bounds = data.get("periods")
    if bounds is None:
        found = period_bounds(str(data.get("when") or data.get("period") or data.get("date") or "")[:10])
        bounds = [found] if found else []
    return [[first.isoformat(), last.isoformat()] for first, last in bounds]


def _merge_symmetric(
    graph: nx.MultiDiGraph,
) -> list[tuple[str, str, dict, bool]]:
    """(subject, object, data, directed) per edge to draw; the two directions of a symmetric relation are one."""
    symmetric = _symmetric()
    seen: set[tuple[str, frozenset[str], object]] = set()
    out: list[tuple[str, str, dict, bool]] = []
    for s, o, key, data in graph.edges(keys=True, data=True):
        relation = str(data.get("relation", ""))
        if relation not in symmetric:
            out.append((s, o, data, True))
            continue
        pair = (relation, frozenset((s, o)), key)
        if pair not in seen:
            seen.add(pair)
            out.append((s, o, data, False))
    return out


def curve_offsets(count: int) -> list[float]:
    """Signed roundness for `count` edges between the same two entities: 0 is straight, the sign picks the side."""
    return [round((i - (count - 1) / 2) * _CURVE_STEP, 3) for i in range(count)]


def _smooth(s: str, o: str, offset: float) -> dict[str, object]:
    """vis-network `smooth` for an edge drawn `offset` to one side of the line between its two entities.

    The side is fixed for the pair (by the sorted ends), so an edge A -> B and an edge B -> A
    with opposite offsets do not coincide.
    """
    if not offset:
        return {"enabled": False}
    clockwise = (offset > 0) == (s < o)
    return {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW", "roundness": abs(offset)}


def _size(data: dict, degree: int, size_by: str, top_money: float) -> float:
    if size_by == "money":
        if not top_money:
            return 10.0
        return round(10 + 40 * math.sqrt(float(data.get("money_won", 0)) / top_money), 1)
    return round(min(10 + 6 * math.sqrt(degree), 48), 1)


def network_data(
    graph: nx.MultiDiGraph, *, size_by: str = "degree"
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """vis-network node and edge records for `graph`, with structured tooltips (`tip`).

    Works on the plain projection and, with more detail, on `graph.viewfilter.annotate_graph`'s copy.
    """
    degree = dict(graph.degree())
    labels = {n: str(d.get("label", _short(n))) for n, d in graph.nodes(data=True)}
    top_money = max((float(d.get("money_won", 0)) for _, d in graph.nodes(data=True)), default=0.0)
    figures = entity_figures(graph)
    nodes: list[dict[str, object]] = []
    for node, data in graph.nodes(data=True):
        cls = str(data.get("cls", ""))
        colour, shape = CLASS_STYLES.get(cls, _OTHER)
        nodes.append(
            {
                "id": node,
                "label": labels[node] if len(labels[node]) <= _MAX_LABEL else labels[node][: _MAX_LABEL - 1] + "…",
                "cls": cls,
                "names": [labels[node], *data.get("aliases", data.get("alt_labels", []))],
                "badge": len(figures.get(node, [])),
                "shape": shape,
                "color": {
                    "background": colour,
                    "border": "#ffffff",
                    "highlight": {"background": colour, "border": "#222"},
                    "hover": {"background": colour, "border": "#222"},
                },
                "size": _size(data, degree[node], size_by, top_money),
                "font": {"size": _font_size(degree[node]) if data.get("kind") != "event" else 12},
                "tip": _node_tip(node, {**data, "degree": degree[node]}, figures.get(node, [])),
            }
        )
    colours = _relation_colours()
    node_colour = {n["id"]: n["color"]["background"] for n in nodes}  # type: ignore[index]
    drawn = _merge_symmetric(graph)
    pairs: dict[frozenset[str], list[int]] = {}
    for index, (s, o, _, _) in enumerate(drawn):
        pairs.setdefault(frozenset((s, o)), []).append(index)
    offsets: dict[int, float] = {}
    for members in pairs.values():
        if len(members) > 1:
            offsets.update(zip(members, curve_offsets(len(members)), strict=True))
    edges: list[dict[str, object]] = []
    for index, (s, o, data, directed) in enumerate(drawn):
        relation = str(data.get("relation", ""))
        colour = colours.get(relation) or (node_colour[o] if graph.nodes[o].get("kind") == "event" else _OTHER_RELATION)
        edge: dict[str, object] = {
            "id": f"e{index}",
            "from": s,
            "to": o,
            "label": relation,
            "color": {"color": colour, "highlight": colour, "hover": colour},
            "periods": _periods(data),
            "tip": _edge_tip(s, o, data, labels),
        }
        if not directed:
            edge["arrows"] = {"to": {"enabled": False}}
            edge["undirected"] = True
        if index in offsets:
            edge["smooth"] = _smooth(s, o, offsets[index])
        edges.append(edge)
    return nodes, edges


def render_html(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    title: str = "cvkg graph",
    isolated: bool = False,
    size_by: str = "degree",
    notes: Sequence[str] = (),
) -> Path:
    """Write the interactive view of `graph` to `path` and return the path.

    Entities without any relation are left out unless `isolated` is true.
    `size_by` is "degree" (number of relations) or "money" (USD of contracts won,
    from `graph.viewfilter.annotate_graph`); `notes` are shown under the heading
    (filters applied, what was cut).

    Raises:
        ValueError: unknown `size_by`.
    """
    if size_by not in SIZE_BY:
        raise ValueError(f"size_by must be one of {', '.join(SIZE_BY)}, not {size_by!r}")
    if not isolated:
        graph = graph.subgraph([n for n in graph.nodes if graph.degree(n) > 0])
    nodes, edges = network_data(graph, size_by=size_by)
    classes: dict[str, int] = {}
    for node in nodes:
        classes[str(node["cls"])] = classes.get(str(node["cls"]), 0) + 1
    relations: dict[str, list[object]] = {}
    for edge in edges:
        entry = relations.setdefault(str(edge["label"]), [edge["color"]["color"], 0])  # type: ignore[index]
        entry[1] = int(entry[1]) + 1  # type: ignore[call-overload]
    size_note = (
        "Node size: USD value of contracts won (stated amounts in USD only)."
        if size_by == "money"
        else "Node size: number of relations."
    )
    days = sorted(day for edge in edges for period in edge["periods"] for day in period)  # type: ignore[attr-defined]
    data = {
        "nodes": nodes,
        "edges": edges,
        "heading": f"{title} — {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations",
        "notes": list(notes),
        "dates": [days[0][:7], days[-1][:7]] if days else None,
        "legend": {
            "classes": [[c, *CLASS_STYLES.get(c, _OTHER), n] for c, n in sorted(classes.items()) if c],
            "relations": [[r, colour, n] for r, (colour, n) in sorted(relations.items())],
            "size": size_note,
        },
    }
    vis_js, vis_css = _vis_assets()
    parts = {
        "TITLE": html.escape(title),
        "VIS_CSS": vis_css.replace("</", "<\\/"),  # nothing may close the <style> element
        "VIEW_CSS": (_VIEW_DIR / "view.css").read_text(encoding="utf-8"),
        "VIS_JS": vis_js.replace("</script", "<\\/script"),
        "VIEW_JS": (_VIEW_DIR / "view.js").read_text(encoding="utf-8"),
        "DATA": _js_json(data),
    }
    template = (_VIEW_DIR / "page.html").read_text(encoding="utf-8")
    page = re.sub(r"@([A-Z_]+)@", lambda m: parts[m[1]], template)
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
