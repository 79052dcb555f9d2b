"""Write a self-contained, offline HTML view of the networkx projection (vis-network via pyvis).

pyvis builds the node and edge data and the options; the page itself comes
from our own template, because pyvis's template pulls Bootstrap from a CDN
and inserts some tooltips as raw HTML (../shared/TRAPS.md). vis-network's
JavaScript is read from the pyvis package and inlined, so the file works from
`file://` with no network. Tooltips are plain strings, which vis-network shows
as text; the data is embedded as JSON with `<`, `>` and `&` escaped, so no
article text can close the `<script>` element.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import networkx as nx

CLASS_STYLES: dict[str, tuple[str, str]] = {
    "CloudProvider": ("#ff9900", "star"),
    "Company": ("#4e79a7", "dot"),
    "Product": ("#59a14f", "diamond"),
    "MediaOutlet": ("#bab0ac", "square"),
    "ResearchFirm": ("#b07aa1", "triangle"),
    "GovernmentBody": ("#9c755f", "triangleDown"),
    "Person": ("#e377c2", "ellipse"),
    "Place": ("#76b7b2", "hexagon"),
}
_OTHER = ("#999999", "dot")

RELATION_COLOURS: dict[str, str] = {
    "movedFrom": "#e15759",
    "movedTo": "#59a14f",
    "customerOf": "#4e79a7",
    "acquired": "#b07aa1",
    "investedIn": "#edc948",
    "partnerOf": "#76b7b2",
    "operatesIn": "#9c755f",
    "owns": "#555555",
    "parentOrganization": "#555555",
    "worksFor": "#f28e2b",
    "competesWith": "#ff9da7",
    "headquarteredIn": "#bab0ac",
}


def _js_json(value: object) -> str:
    """JSON safe to embed inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _vis_js() -> str:
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8")


def network_data(graph: nx.MultiDiGraph) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """vis-network nodes and edges (built with pyvis) for the projection."""
    from pyvis.network import Network

    net = Network(directed=True)
    degree = dict(graph.degree())
    for node, data in graph.nodes(data=True):
        colour, shape = CLASS_STYLES.get(str(data.get("cls", "")), _OTHER)
        tooltip = [str(data.get("label", node)), f"class: {data.get('cls', '')}"]
        if data.get("wikidata"):
            tooltip.append(f"Wikidata: {data['wikidata']}")
        tooltip.append("ent:" + str(node).rsplit("/", 1)[-1])
        net.add_node(
            str(node),
            label=str(data.get("label", node)),
            title="\n".join(tooltip),
            color=colour,
            shape=shape,
            size=12 + 3 * min(degree.get(node, 0), 10),
        )
    for s, o, data in graph.edges(data=True):
        relation = str(data.get("relation", ""))
        lines = [relation]
        lines += [f"“{sentence}”" for sentence in data.get("evidence", [])[:3]]
        lines += [f"source: doc:{src.rsplit('/', 1)[-1]}" for src in data.get("sources", [])[:5]]
        net.add_edge(
            str(s),
            str(o),
            label=relation,
            title="\n".join(lines),
            color=RELATION_COLOURS.get(relation, "#999999"),
            arrows="to",
        )
    return net.nodes, net.edges


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  html, body {{ margin: 0; height: 100%; font-family: system-ui, sans-serif; background: #fafafa; }}
  #graph {{ position: absolute; inset: 0; }}
  #legend {{ position: absolute; top: 12px; left: 12px; background: rgba(255,255,255,.92);
            border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; font-size: 13px; }}
  #legend h1 {{ font-size: 15px; margin: 0 0 6px; }}
  #legend span.sw {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
                     margin-right: 6px; vertical-align: middle; }}
  #legend span.ln {{ display: inline-block; width: 18px; height: 3px; margin-right: 6px;
                     vertical-align: middle; }}
  div.vis-tooltip {{ white-space: pre-wrap; max-width: 420px; }}
</style>
</head>
<body>
<div id="graph"></div>
<div id="legend"><h1 id="heading"></h1><div id="legend-items"></div></div>
<script>{vis_js}</script>
<script>
(function () {{
  var nodes = new vis.DataSet({nodes});
  var edges = new vis.DataSet({edges});
  var legend = {legend};
  document.getElementById("heading").textContent = {heading};
  var items = document.getElementById("legend-items");
  legend.classes.forEach(function (c) {{
    var row = document.createElement("div");
    var sw = document.createElement("span"); sw.className = "sw"; sw.style.background = c[1];
    row.appendChild(sw); row.appendChild(document.createTextNode(c[0])); items.appendChild(row);
  }});
  legend.relations.forEach(function (r) {{
    var row = document.createElement("div");
    var ln = document.createElement("span"); ln.className = "ln"; ln.style.background = r[1];
    row.appendChild(ln); row.appendChild(document.createTextNode(r[0])); items.appendChild(row);
  }});
  var options = {{
    nodes: {{ font: {{ size: 14 }}, borderWidth: 1 }},
    edges: {{ font: {{ size: 10, align: "middle" }}, smooth: {{ type: "dynamic" }} }},
    physics: {{ solver: "forceAtlas2Based", stabilization: {{ iterations: 300 }} }},
    interaction: {{ hover: true, tooltipDelay: 150 }}
  }};
  var network = new vis.Network(document.getElementById("graph"), {{nodes: nodes, edges: edges}}, options);
  network.once("stabilizationIterationsDone", function () {{ network.setOptions({{ physics: false }}); }});
  window.cvkgNetwork = network;
  window.cvkgNodeCount = nodes.length;
}})();
</script>
</body>
</html>
"""


def render_html(graph: nx.MultiDiGraph, path: str | Path, *, title: str = "cvkg graph", isolated: bool = False) -> Path:
    """Write the interactive view of `graph` to `path` and return the path.

    Entities without any relation are left out unless `isolated` is true.
    """
    if not isolated:
        graph = graph.subgraph([n for n in graph.nodes if graph.degree(n) > 0])
    nodes, edges = network_data(graph)
    classes = sorted({str(d.get("cls", "")) for _, d in graph.nodes(data=True)} - {""})
    relations = sorted({str(d.get("relation", "")) for _, _, d in graph.edges(data=True)})
    legend = {
        "classes": [[c, CLASS_STYLES.get(c, _OTHER)[0]] for c in classes],
        "relations": [[r, RELATION_COLOURS.get(r, "#999999")] for r in relations],
    }
    heading = f"{title} — {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations"
    page = _TEMPLATE.format(
        title=html.escape(title),
        vis_js=_vis_js().replace("</script", "<\\/script"),
        nodes=_js_json(nodes),
        edges=_js_json(edges),
        legend=_js_json(legend),
        heading=_js_json(heading),
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
