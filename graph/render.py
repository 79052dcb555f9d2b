"""Write a self-contained, offline HTML view of the networkx projection (vis-network from pyvis).

The page comes from our own template, because pyvis's template pulls Bootstrap
from a CDN and inserts some tooltips as raw HTML (../shared/TRAPS.md).
vis-network's JavaScript is read from the pyvis package and inlined, so the
file works from `file://` with no network.

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
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx

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
}
_OTHER = ("#999999", "dot")
_OTHER_RELATION = "#999999"

SIZE_BY = ("degree", "money")
_MAX_EVIDENCE = 3
_MAX_SOURCES = 6
_MAX_EVENTS = 4
_MAX_LABEL = 36  # longer names are cut on the canvas; the tooltip has them in full


def _js_json(value: object) -> str:
    """JSON that is safe inside a <script> element (and a valid JavaScript literal)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _vis_js() -> str:
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8")


def safe_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL, else '' (no javascript:, data: or relative links)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


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


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _node_tip(node: str, data: dict) -> list[dict[str, object]]:
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
    return [{"h": str(data.get("label", node)), "rows": rows, "links": links}]


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
    nodes: list[dict[str, object]] = []
    for node, data in graph.nodes(data=True):
        colour, shape = CLASS_STYLES.get(str(data.get("cls", "")), _OTHER)
        nodes.append(
            {
                "id": node,
                "label": labels[node] if len(labels[node]) <= _MAX_LABEL else labels[node][: _MAX_LABEL - 1] + "…",
                "shape": shape,
                "color": {
                    "background": colour,
                    "border": "#ffffff",
                    "highlight": {"background": colour, "border": "#222"},
                    "hover": {"background": colour, "border": "#222"},
                },
                "size": _size(data, degree[node], size_by, top_money),
                "tip": _node_tip(node, {**data, "degree": degree[node]}),
            }
        )
    colours = _relation_colours()
    edges: list[dict[str, object]] = []
    for index, (s, o, data) in enumerate(graph.edges(data=True)):
        relation = str(data.get("relation", ""))
        colour = colours.get(relation, _OTHER_RELATION)
        edges.append(
            {
                "id": f"e{index}",
                "from": s,
                "to": o,
                "label": relation,
                "color": {"color": colour, "highlight": colour, "hover": colour},
                "tip": _edge_tip(s, o, data, labels),
            }
        )
    return nodes, edges


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  html, body {{ margin: 0; height: 100%; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
               background: #f7f7f5; color: #222; }}
  #graph {{ position: absolute; inset: 0; }}
  .panel {{ position: absolute; background: rgba(255,255,255,.95); border: 1px solid #ddd; border-radius: 8px;
            box-shadow: 0 1px 4px rgba(0,0,0,.08); padding: 10px 14px; }}
  #legend {{ top: 12px; left: 12px; max-width: 300px; max-height: calc(100% - 48px); overflow: auto; }}
  #legend h1 {{ font-size: 15px; margin: 0 0 4px; }}
  #legend h2 {{ font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: #777; margin: 10px 0 4px; }}
  #legend .row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
  #legend .note {{ color: #555; font-size: 12px; margin: 2px 0; }}
  #legend .cut {{ color: #a33; }}
  #legend .ln {{ display: inline-block; width: 22px; height: 3px; border-radius: 2px; }}
  #details {{ top: 12px; right: 12px; width: 380px; max-height: calc(100% - 48px); overflow: auto; display: none; }}
  #details button {{ position: absolute; top: 6px; right: 8px; border: 0; background: none; font-size: 18px;
                     cursor: pointer; color: #777; }}
  .tip {{ max-width: 420px; white-space: normal; font: 12px/1.4 system-ui, sans-serif; }}
  .tip h3 {{ font-size: 13px; margin: 6px 0 3px; }}
  .tip h3:first-child {{ margin-top: 0; }}
  .tip table {{ border-collapse: collapse; }}
  .tip td {{ padding: 0 8px 0 0; vertical-align: top; }}
  .tip td.k {{ color: #777; white-space: nowrap; }}
  .tip blockquote {{ margin: 3px 0; padding-left: 8px; border-left: 3px solid #ccc; color: #333; font-style: italic; }}
  .tip ul {{ margin: 3px 0; padding-left: 18px; }}
  div.vis-tooltip {{ padding: 8px 10px; border-radius: 6px; background: #fff; border: 1px solid #ccc;
                     box-shadow: 0 2px 6px rgba(0,0,0,.15); }}
</style>
</head>
<body>
<div id="graph"></div>
<div id="legend" class="panel"><h1 id="heading"></h1><div id="legend-items"></div></div>
<div id="details" class="panel"><button id="close" title="close">×</button><div id="details-body"></div></div>
<script>{vis_js}</script>
<script>
(function () {{
  "use strict";
  var data = {data};
  var SVG = "http://www.w3.org/2000/svg";
  function el(tag, text, cls) {{
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }}
  function httpUrl(u) {{ return typeof u === "string" && /^https?:\\/\\//i.test(u) ? u : ""; }}
  function tipElement(sections) {{
    var box = el("div", null, "tip");
    sections.forEach(function (s) {{
      if (s.h) box.appendChild(el("h3", s.h));
      if (s.rows && s.rows.length) {{
        var t = el("table");
        s.rows.forEach(function (r) {{
          var tr = el("tr"); tr.appendChild(el("td", r[0], "k")); tr.appendChild(el("td", r[1])); t.appendChild(tr);
        }});
        box.appendChild(t);
      }}
      (s.quotes || []).forEach(function (q) {{ box.appendChild(el("blockquote", q)); }});
      if (s.links && s.links.length) {{
        var ul = el("ul");
        s.links.forEach(function (l) {{
          var li = el("li"), url = httpUrl(l[1]);
          if (url) {{
            var a = el("a", l[0]); a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
            li.appendChild(a);
          }} else {{ li.textContent = l[0]; }}
          ul.appendChild(li);
        }});
        box.appendChild(ul);
      }}
    }});
    return box;
  }}
  var tips = {{}};
  data.nodes.forEach(function (n) {{ tips[n.id] = n.tip; n.title = tipElement(n.tip); delete n.tip; }});
  data.edges.forEach(function (e) {{ tips[e.id] = e.tip; e.title = tipElement(e.tip); delete e.tip; }});
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);

  document.getElementById("heading").textContent = data.heading;
  var items = document.getElementById("legend-items");
  data.notes.forEach(function (n) {{
    items.appendChild(el("div", n, /^cut /.test(n) ? "note cut" : "note"));
  }});
  function shapeIcon(shape, colour) {{
    var s = document.createElementNS(SVG, "svg"); s.setAttribute("width", "14"); s.setAttribute("height", "14");
    s.setAttribute("viewBox", "-7 -7 14 14");
    var pts = {{
      star: "0,-6.5 1.6,-2 6.2,-2 2.5,0.8 3.9,5.3 0,2.6 -3.9,5.3 -2.5,0.8 -6.2,-2 -1.6,-2",
      diamond: "0,-6.5 6.5,0 0,6.5 -6.5,0", triangle: "0,-6 6,5 -6,5", triangleDown: "0,6 6,-5 -6,-5",
      square: "-5.5,-5.5 5.5,-5.5 5.5,5.5 -5.5,5.5", hexagon: "-6,0 -3,-5.2 3,-5.2 6,0 3,5.2 -3,5.2"
    }};
    var shapeEl;
    if (pts[shape]) {{
      shapeEl = document.createElementNS(SVG, "polygon"); shapeEl.setAttribute("points", pts[shape]);
    }}
    else {{ shapeEl = document.createElementNS(SVG, "circle"); shapeEl.setAttribute("r", "5.5"); }}
    shapeEl.setAttribute("fill", colour);
    s.appendChild(shapeEl);
    return s;
  }}
  if (data.legend.classes.length) items.appendChild(el("h2", "entities"));
  data.legend.classes.forEach(function (c) {{
    var row = el("div", null, "row"); row.appendChild(shapeIcon(c[2], c[1])); row.appendChild(el("span", c[0]));
    items.appendChild(row);
  }});
  if (data.legend.relations.length) items.appendChild(el("h2", "relations"));
  data.legend.relations.forEach(function (r) {{
    var row = el("div", null, "row"), ln = el("span", null, "ln"); ln.style.background = r[1];
    row.appendChild(ln); row.appendChild(el("span", r[0])); items.appendChild(row);
  }});
  items.appendChild(el("div", data.legend.size, "note"));
  items.appendChild(el("div", "Hover for details; click a node or edge to pin them.", "note"));

  var big = data.nodes.length > 250;
  var options = {{
    nodes: {{
      borderWidth: 1.5,
      font: {{ size: 14, face: "system-ui, sans-serif", strokeWidth: 4, strokeColor: "#f7f7f5" }}
    }},
    edges: {{
      width: 1.6, arrows: {{ to: {{ enabled: true, scaleFactor: 0.55 }} }},
      font: {{ size: big ? 0 : 10, align: "middle", color: "#555", strokeWidth: 3, strokeColor: "#f7f7f5" }},
      smooth: {{ type: "continuous", roundness: 0.35 }}
    }},
    layout: {{ improvedLayout: data.nodes.length <= 150, randomSeed: 7 }},
    physics: {{
      solver: "forceAtlas2Based",
      forceAtlas2Based: {{ gravitationalConstant: -70, springLength: 130, springConstant: 0.06, avoidOverlap: 0.5 }},
      stabilization: {{ iterations: big ? 400 : 800, updateInterval: 50, fit: true }}
    }},
    interaction: {{ hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, navigationButtons: false }}
  }};
  var network = new vis.Network(document.getElementById("graph"), {{ nodes: nodes, edges: edges }}, options);
  network.once("stabilizationIterationsDone", function () {{
    network.setOptions({{ physics: false }});
    fitBesideLegend();
    window.cvkgReady = true;
  }});
  function fitBesideLegend() {{
    // like network.fit(), but into the part of the window the legend does not cover
    var pos = network.getPositions(), ids = Object.keys(pos);
    if (!ids.length) return;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    ids.forEach(function (id) {{
      x0 = Math.min(x0, pos[id].x); x1 = Math.max(x1, pos[id].x);
      y0 = Math.min(y0, pos[id].y); y1 = Math.max(y1, pos[id].y);
    }});
    var legendWidth = document.getElementById("legend").offsetWidth + 24;
    var width = Math.max(window.innerWidth - legendWidth, window.innerWidth / 2) - 40, height = window.innerHeight - 40;
    var scale = Math.min(width / (x1 - x0 + 120), height / (y1 - y0 + 80), 1.25);
    network.moveTo({{
      position: {{ x: (x0 + x1) / 2, y: (y0 + y1) / 2 }}, scale: scale,
      offset: {{ x: (window.innerWidth - width - 40) / 2, y: 0 }}, animation: false
    }});
  }}
  var details = document.getElementById("details"), body = document.getElementById("details-body");
  function show(id) {{
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(tipElement(tips[id]));
    details.style.display = "block";
  }}
  document.getElementById("close").addEventListener("click", function () {{ details.style.display = "none"; }});
  network.on("click", function (p) {{
    if (p.nodes.length) show(p.nodes[0]);
    else if (p.edges.length) show(p.edges[0]);
    else details.style.display = "none";
  }});
  window.cvkgNetwork = network;
  window.cvkgNodes = nodes;
  window.cvkgEdges = edges;
  window.cvkgNodeCount = nodes.length;
}})();
</script>
</body>
</html>
"""


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
    classes = sorted({str(d.get("cls", "")) for _, d in graph.nodes(data=True)} - {""})
    relations = sorted({str(d.get("relation", "")) for _, _, d in graph.edges(data=True)})
    colours = _relation_colours()
    size_note = (
        "Node size: USD value of contracts won (stated amounts in USD only)."
        if size_by == "money"
        else "Node size: number of relations."
    )
    data = {
        "nodes": nodes,
        "edges": edges,
        "heading": f"{title} — {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations",
        "notes": list(notes),
        "legend": {
            "classes": [[c, *CLASS_STYLES.get(c, _OTHER)] for c in classes],
            "relations": [[r, colours.get(r, _OTHER_RELATION)] for r in relations],
            "size": size_note,
        },
    }
    page = _TEMPLATE.format(
        title=html.escape(title),
        vis_js=_vis_js().replace("</script", "<\\/script"),
        data=_js_json(data),
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
