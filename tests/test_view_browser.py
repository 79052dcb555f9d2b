"""Open `cvkg view` pages in a real headless Chromium: offline, drawn, complete, and immune to hostile articles.

Playwright drives Debian's `/usr/bin/chromium` (`executable_path`; no browser
download). `make test` sets CVKG_REQUIRE_BROWSER=1 after `make browser` has
installed chromium, so a missing browser fails the run there; a plain `pytest`
in a clone without chromium or playwright skips these tests with the reason.
Screenshots go to the directory named by $CVKG_SCREENSHOTS, else to the test's tmp_path.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from support import SAMPLES

from graph.render import network_data
from pipelines.cli import cli

pytestmark = pytest.mark.slow  # a real Chromium per module and a layout per page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
P1 = "<img src=x onerror=alert(1)>"
P2 = "</script><script>alert(2)</script>"
CANARY = "<img src=x onerror=window.__pwned=1>"
HOSTILE_ARTICLE = f"""---
title: Orbit Games {P1} quits Google Cloud {P2}
date: 2021-05-04
url: javascript:alert(3)
publisher: Evil {P1} News {P2}{CANARY}
---
Orbit Games{P2}{P1} moved its game servers from Google Cloud to Amazon Web Services.

Evil Games {CANARY} moved its render farm from Microsoft Azure to Google Cloud.
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CVKG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; `make browser` installs Debian's chromium (apt-get install chromium)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium driven by Playwright, shared by the module."""
    path = os.environ.get("CVKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _unavailable(f"no chromium executable (looked for $CVKG_CHROMIUM, chromium on PATH, {path})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001  any launch failure means no usable browser
        playwright.stop()
        _unavailable(f"chromium at {path} does not start under Playwright: {exc}")
    yield instance
    instance.close()
    playwright.stop()


@dataclass
class OpenedView:
    """A view page opened in the browser, with everything that went wrong while it ran."""

    page: object
    shots: Path
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def evaluate(self, script: str, arg: object = None) -> object:
        return self.page.evaluate(script, arg)  # type: ignore[attr-defined]

    def screenshot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / name
        self.page.screenshot(path=str(path))  # type: ignore[attr-defined]
        print(f"screenshot: {path}")  # noqa: T201  the path is the test's artifact
        return path


@pytest.fixture()
def open_view(browser, tmp_path) -> Iterator[object]:
    """Open an HTML file and wait until the layout is stable and frozen (window.cvkgReady)."""
    contexts = []
    shots = Path(os.environ["CVKG_SCREENSHOTS"]) if os.environ.get("CVKG_SCREENSHOTS") else tmp_path / "screenshots"

    def open_(path: Path, *, timeout: float = 60.0, size: tuple[int, int] = (1400, 900)) -> OpenedView:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        view = OpenedView(page, shots)
        page.on("console", lambda m: m.type == "error" and view.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: view.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: view.problems.append(f"failed request: {r.url}"))
        page.on("request", lambda r: r.url.startswith("file:") or view.problems.append(f"request: {r.url}"))

        def on_dialog(dialog: object) -> None:
            view.dialogs.append(dialog.message)  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)
        started = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.cvkgReady === true", timeout=timeout * 1000)
        view.seconds = time.perf_counter() - started
        return view

    yield open_
    for context in contexts:
        context.close()


def _ingest(location: Path, *paths: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", *map(str, paths)])
    assert result.exit_code == 0, result.output


def _view(location: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(cli, ["--store", str(location), "view", "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def _expected(location: Path, **options: object) -> nx.MultiDiGraph:
    """The graph the view should draw, computed through the library."""
    from graph.analyze import project_to_networkx
    from graph.stores import opened_store
    from graph.viewfilter import annotate_graph, read_view_details, select_view

    with opened_store(str(location), read_only=True) as store:
        graph = annotate_graph(project_to_networkx(store), read_view_details(store))
    return select_view(graph, **options).graph  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory) -> Path:
    location = tmp_path_factory.mktemp("view") / "store"
    _ingest(location, SAMPLES)
    return location


_DRAWN = """() => {
  const canvas = document.querySelector('#graph canvas');
  const ctx = canvas.getContext('2d');
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0; const colours = new Set();
  for (let i = 0; i < pixels.length; i += 16) {
    if (pixels[i + 3] === 0) continue;
    painted++;
    colours.add(pixels[i] >> 4 << 8 | pixels[i + 1] >> 4 << 4 | pixels[i + 2] >> 4);
  }
  return {painted: painted / (pixels.length / 16), colours: colours.size};
}"""
_NODE_POINT = """(id) => {
  const net = window.cvkgNetwork; return net.canvasToDOM(net.getPositions([id])[id]);
}"""
_EDGE_POINT = """(id) => {
  const net = window.cvkgNetwork, edge = net.body.edges[id];
  const p = edge.edgeType.getPoint
    ? edge.edgeType.getPoint(0.5)
    : {x: (edge.from.x + edge.to.x) / 2, y: (edge.from.y + edge.to.y) / 2};
  return net.canvasToDOM(p);
}"""
_TOOLTIP = """() => {
  const tip = [...document.querySelectorAll('div.vis-tooltip')].find(t => t.style.visibility !== 'hidden');
  return tip ? tip.textContent : null;
}"""


def _positions(view: OpenedView) -> dict:
    return view.evaluate("() => window.cvkgNetwork.getPositions()")  # type: ignore[return-value]


def _hover(view: OpenedView, point: dict) -> str:
    """Move the mouse onto a point and return the text of the tooltip vis-network shows."""
    page = view.page
    page.mouse.move(point["x"] - 3, point["y"] - 3)  # type: ignore[attr-defined]
    page.mouse.move(point["x"], point["y"], steps=3)  # type: ignore[attr-defined]
    page.wait_for_function(_TOOLTIP.replace("return tip ?", "return tip && tip.textContent ?"), timeout=30_000)  # type: ignore[attr-defined]
    return str(view.evaluate(_TOOLTIP))


def test_samples_view_is_offline_complete_drawn_and_frozen(open_view, samples_store, tmp_path):
    page_path = _view(samples_store, tmp_path / "kg.html")
    view = open_view(page_path)
    expected = _expected(samples_store)
    assert view.problems == [] and view.dialogs == []
    assert view.evaluate("() => window.cvkgNodes.length") == expected.number_of_nodes() > 30
    assert set(view.evaluate("() => window.cvkgNodes.getIds()")) == set(expected.nodes)  # type: ignore[arg-type]
    # as many edges as the library draws (the two directions of a symmetric relation would be one)
    assert view.evaluate("() => window.cvkgEdges.length") == len(network_data(expected)[1])
    drawn = view.evaluate(_DRAWN)
    assert drawn["painted"] > 0.01 and drawn["colours"] > 8, drawn  # type: ignore[index]
    before = _positions(view)
    view.page.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert _positions(view) == before, "physics must be off once the layout is stable"
    legend = str(view.evaluate("() => document.getElementById('legend').textContent"))
    for text in ("CloudProvider", "customerOf", "movedTo", "showing"):
        assert text in legend
    aws = "https://w3id.org/cvkg/entity/amazon-web-services"
    tooltip = _hover(view, view.evaluate(_NODE_POINT, aws))  # type: ignore[arg-type]
    assert "Amazon Web Services" in tooltip and "CloudProvider" in tooltip and "AWS" in tooltip
    view.screenshot("view-samples.png")
    assert view.problems == [] and view.dialogs == []


def test_filtered_view_counts_match_the_library(open_view, samples_store, tmp_path):
    options = ["--entity", "aws", "--hops", "2", "--types", "Contract,Migration,owns"]
    view = open_view(_view(samples_store, tmp_path / "aws.html", *options))
    expected = _expected(samples_store, entity="aws", hops=2, types=["Contract", "Migration", "owns"])
    assert view.evaluate("() => window.cvkgNodes.length") == expected.number_of_nodes() >= 5
    assert set(view.evaluate("() => window.cvkgNodes.getIds()")) == set(expected.nodes)  # type: ignore[arg-type]
    labels = set(view.evaluate("() => window.cvkgEdges.get().map(e => e.label)"))  # type: ignore[arg-type]
    assert labels <= {"customerOf", "movedFrom", "movedTo", "owns"} and "customerOf" in labels
    assert "within 2 hops of Amazon Web Services" in str(view.evaluate("() => document.body.textContent"))
    assert view.problems == [] and view.dialogs == []


def test_hostile_article_text_never_runs(open_view, tmp_path):
    article = tmp_path / "articles" / "hostile.txt"
    article.parent.mkdir()
    article.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    location = tmp_path / "store"
    _ingest(location, article, SAMPLES / "lyft-aws-300m-2019.txt")
    view = open_view(_view(location, tmp_path / "hostile.html", "--isolated"))
    expected = _expected(location, isolated=True)
    assert view.evaluate("() => window.cvkgNodes.length") == expected.number_of_nodes()
    labels = view.evaluate("() => window.cvkgNodes.get().map(n => n.label)")
    publisher = next(label for label in labels if label.startswith("Evil <img"))  # type: ignore[union-attr]
    assert publisher.startswith(f"Evil {P1} N")  # the name reached the page as text (cut to fit; full in the tooltip)

    publisher_id = view.evaluate("(l) => window.cvkgNodes.get({filter: n => n.label === l})[0].id", publisher)
    tooltip = _hover(view, view.evaluate(_NODE_POINT, publisher_id))  # type: ignore[arg-type]
    assert P1 in tooltip and P2 in tooltip
    edge_id = view.evaluate(
        "() => window.cvkgEdges.get({filter: e => e.label === 'movedTo' && e.from.endsWith('/orbit')})[0].id"
    )
    point = view.evaluate(_EDGE_POINT, edge_id)
    tooltip = _hover(view, point)  # type: ignore[arg-type]
    assert "Migration" in tooltip and f"Orbit Games{P2}{P1} moved" in tooltip
    view.page.mouse.click(point["x"], point["y"])  # type: ignore[attr-defined, index]
    details = view.evaluate("() => document.getElementById('details').textContent")
    assert f"Orbit Games {P1} quits Google Cloud {P2}" in str(details)  # the article title, as text
    hrefs = view.evaluate("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)  # type: ignore[union-attr]
    view.page.mouse.click(*view.evaluate(_NODE_POINT, publisher_id).values())  # type: ignore[attr-defined, union-attr]
    assert "Evil <img" in str(view.evaluate("() => document.getElementById('details').textContent"))
    view.page.wait_for_timeout(300)  # type: ignore[attr-defined]
    view.screenshot("view-hostile.png")
    assert view.evaluate("() => window.__pwned") is None
    assert view.evaluate("() => document.querySelectorAll('img').length") == 0
    assert view.evaluate("() => document.scripts.length") == 2
    assert view.dialogs == [] and view.problems == []


def test_a_few_hundred_nodes_stabilise_and_freeze(open_view, tmp_path):
    from graph.render import render_html

    rng = random.Random(5)
    graph = nx.MultiDiGraph()
    classes = ["CloudProvider", "Company", "Company", "Company", "Product", "Place", "Person"]
    ids = [f"https://w3id.org/cvkg/entity/n{i}" for i in range(300)]
    for i, node in enumerate(ids):
        graph.add_node(node, label=f"Entity {i}", cls=rng.choice(classes))
    for j in range(600):
        s, o = rng.choice(ids), rng.choice(ids[:15] if j % 2 else ids)
        if s != o:
            relation = rng.choice(["customerOf", "movedTo", "owns", "partnerOf", "operatesIn"])
            graph.add_edge(s, o, key=f"{relation}:{j}", relation=relation, sources=[], evidence=[])
    view = open_view(render_html(graph, tmp_path / "big.html", title="300 entities", isolated=True), timeout=60)
    assert view.evaluate("() => window.cvkgNodes.length") == graph.number_of_nodes()
    before = _positions(view)
    view.page.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert _positions(view) == before
    assert view.evaluate(_DRAWN)["painted"] > 0.01  # type: ignore[index]
    view.screenshot("view-300-nodes.png")
    print(f"300 nodes / {graph.number_of_edges()} edges ready in {view.seconds:.1f} s")  # noqa: T201
    assert view.problems == []


AWS = "https://w3id.org/cvkg/entity/amazon-web-services"
SMALL_SCREEN = (1280, 720)
_OPACITY = "(id) => { const n = window.cvkgNodes.get(id); return n.opacity === undefined ? 1 : n.opacity; }"
_HIDDEN_EDGES = "(label) => window.cvkgEdges.get({filter: e => e.label === label}).map(e => !!e.hidden)"


def _neighbours(view: OpenedView, node: str) -> set[str]:
    return set(view.evaluate("(id) => window.cvkgNetwork.getConnectedNodes(id)", node))  # type: ignore[arg-type]


def _empty_point(view: OpenedView) -> dict:
    """A point of the canvas right of the side panel with no node and no edge under it."""
    return view.evaluate(  # type: ignore[return-value]
        """() => {
          const net = window.cvkgNetwork;
          for (let y = 40; y < innerHeight - 20; y += 23) for (let x = 320; x < innerWidth - 20; x += 29) {
            if (net.getNodeAt({x, y}) === undefined && net.getEdgeAt({x, y}) === undefined) return {x, y};
          }
          return null;
        }"""
    )


def test_hover_shows_the_tooltip_next_to_the_pointer(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=SMALL_SCREEN)
    point = view.evaluate(_NODE_POINT, AWS)
    assert "Amazon Web Services" in _hover(view, point)  # type: ignore[arg-type]
    tooltip = view.page.locator("div.vis-tooltip")  # type: ignore[attr-defined]
    assert tooltip.is_visible()
    box = tooltip.bounding_box()
    assert box and box["width"] > 80 and box["height"] > 40, box
    # inside the window and by the pointer (without vis-network's stylesheet it sat below the canvas, out of sight)
    assert 0 <= box["x"] and box["x"] + box["width"] <= SMALL_SCREEN[0] + 1, box
    assert 0 <= box["y"] and box["y"] + box["height"] <= SMALL_SCREEN[1] + 1, box
    assert abs(box["x"] - point["x"]) < 420 and abs(box["y"] - point["y"]) < 420, (box, point)  # type: ignore[index]
    view.screenshot("view-hover.png")
    assert view.problems == []


def test_search_selects_centres_and_focuses_the_entity(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=SMALL_SCREEN)
    view.page.fill("#search", "aws")  # type: ignore[attr-defined]  (an alias, any case)
    view.page.keyboard.press("Enter")  # type: ignore[attr-defined]
    view.page.wait_for_timeout(600)  # type: ignore[attr-defined]  (the move is animated for 300 ms)
    assert view.evaluate("() => window.cvkgNetwork.getSelectedNodes()") == [AWS]
    assert "Amazon Web Services" in str(view.evaluate("() => document.getElementById('details').textContent"))
    point = view.evaluate(_NODE_POINT, AWS)
    side = view.evaluate("() => document.getElementById('side').getBoundingClientRect().right")
    details = view.evaluate("() => document.getElementById('details').getBoundingClientRect().left")
    assert side < point["x"] < details and 0 < point["y"] < SMALL_SCREEN[1], (side, point, details)  # type: ignore[index, operator]
    view.page.fill("#search", "no such entity here")  # type: ignore[attr-defined]
    view.page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert "no entity matches" in str(view.evaluate("() => document.getElementById('search-note').textContent"))
    view.screenshot("view-search.png")
    assert view.problems == []


def test_clicking_a_node_dims_all_but_its_neighbours_and_the_background_restores(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=SMALL_SCREEN)
    ids = set(view.evaluate("() => window.cvkgNodes.getIds()"))  # type: ignore[arg-type]
    near = _neighbours(view, AWS) | {AWS}
    assert 3 < len(near) < len(ids)
    view.page.mouse.click(*view.evaluate(_NODE_POINT, AWS).values())  # type: ignore[attr-defined, union-attr]
    opacity = {n: view.evaluate(_OPACITY, n) for n in ids}
    assert {n for n, o in opacity.items() if o == 1} == near
    assert all(o < 0.3 for n, o in opacity.items() if n not in near)
    edge_alpha = view.evaluate(
        "(id) => window.cvkgEdges.get().map(e => [e.from === id || e.to === id, e.color.opacity])", AWS
    )
    assert all(alpha == 1 if touches else alpha < 0.3 for touches, alpha in edge_alpha)  # type: ignore[union-attr]
    view.page.mouse.move(5, SMALL_SCREEN[1] - 5)  # type: ignore[attr-defined]
    view.screenshot("view-focus.png")
    empty = _empty_point(view)
    assert empty is not None
    view.page.mouse.click(empty["x"], empty["y"])  # type: ignore[attr-defined]
    assert all(view.evaluate(_OPACITY, n) == 1 for n in ids)
    assert view.evaluate("() => window.cvkgFocus") is None
    assert view.problems == []


def test_legend_entries_hide_and_show_relations_and_classes_and_the_legend_folds(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=SMALL_SCREEN)
    page = view.page
    assert not any(view.evaluate(_HIDDEN_EDGES, "customerOf"))  # type: ignore[arg-type]
    page.click('#legend [data-relation="customerOf"]')  # type: ignore[attr-defined]
    assert all(view.evaluate(_HIDDEN_EDGES, "customerOf"))  # type: ignore[arg-type]
    assert not any(view.evaluate(_HIDDEN_EDGES, "owns"))  # type: ignore[arg-type]
    page.click('#legend [data-relation="customerOf"]')  # type: ignore[attr-defined]
    assert not any(view.evaluate(_HIDDEN_EDGES, "customerOf"))  # type: ignore[arg-type]
    people = "() => window.cvkgNodes.get({filter: n => n.cls === 'Person'}).map(n => !!n.hidden)"
    assert people and not any(view.evaluate(people))  # type: ignore[arg-type]
    page.click('#legend [data-class="Person"]')  # type: ignore[attr-defined]
    assert all(view.evaluate(people))  # type: ignore[arg-type]
    assert all(view.evaluate(_HIDDEN_EDGES, "worksFor"))  # type: ignore[arg-type]  (their edges go with them)
    view.screenshot("view-legend-toggled.png")
    legend = page.locator("#legend")  # type: ignore[attr-defined]
    assert legend.is_visible()
    page.click("#fold")  # type: ignore[attr-defined]
    assert not legend.is_visible()
    assert page.locator("#search").is_visible()  # type: ignore[attr-defined]
    page.click("#fold")  # type: ignore[attr-defined]
    assert legend.is_visible()
    # at 1280x720 the side panel leaves most of the window to the graph
    assert view.evaluate("() => document.getElementById('side').getBoundingClientRect().width") < 300
    assert view.problems == []


def test_the_legend_starts_folded_in_a_narrow_window(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=(800, 600))
    assert not view.page.locator("#legend").is_visible()  # type: ignore[attr-defined]
    assert view.page.locator("#search").is_visible()  # type: ignore[attr-defined]


def test_date_range_hides_relations_outside_it_and_keeps_undated_ones(open_view, tmp_path):
    from graph.render import render_html

    graph = nx.MultiDiGraph()
    for name in ("a", "b", "c", "d"):
        graph.add_node(f"https://w3id.org/cvkg/entity/{name}", label=name.upper(), cls="Company")
    ent = "https://w3id.org/cvkg/entity/"
    graph.add_edge(ent + "a", ent + "b", key="customerOf", relation="customerOf", date="2019-03-01", sources=[])
    graph.add_edge(ent + "b", ent + "c", key="movedTo", relation="movedTo", period="2023-Q2", sources=[])
    graph.add_edge(ent + "c", ent + "d", key="owns", relation="owns", sources=[])  # no date
    view = open_view(render_html(graph, tmp_path / "dates.html", title="dates"), size=SMALL_SCREEN)
    hidden = "() => Object.fromEntries(window.cvkgEdges.get().map(e => [e.label, !!e.hidden]))"
    assert view.evaluate(hidden) == {"customerOf": False, "movedTo": False, "owns": False}
    assert view.evaluate("() => document.getElementById('date-to-text').textContent") == "2023-06"
    view.page.focus("#date-to")  # type: ignore[attr-defined]
    view.page.keyboard.press("Home")  # type: ignore[attr-defined]  (to: the first month)
    assert view.evaluate("() => document.getElementById('date-to-text').textContent") == "2019-03"
    assert view.evaluate(hidden) == {"customerOf": False, "movedTo": True, "owns": False}
    view.page.keyboard.press("End")  # type: ignore[attr-defined]
    view.page.focus("#date-from")  # type: ignore[attr-defined]
    view.page.keyboard.press("End")  # type: ignore[attr-defined]
    assert view.evaluate(hidden) == {"customerOf": True, "movedTo": False, "owns": False}
    assert view.evaluate("() => window.cvkgNodes.get('https://w3id.org/cvkg/entity/a').hidden") is True
    view.screenshot("view-dates.png")
    assert view.problems == []


def test_parallel_edges_are_drawn_apart_and_symmetric_ones_without_arrows(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=SMALL_SCREEN)
    pairs = view.evaluate(
        """() => {
          const groups = {};
          window.cvkgEdges.get().forEach(e => {
            const k = [e.from, e.to].sort().join(' ');
            (groups[k] = groups[k] || []).push(e.id);
          });
          return Object.values(groups).filter(g => g.length > 1);
        }"""
    )
    assert pairs, "the samples have two relations between the same two entities"
    for ids in pairs:  # type: ignore[union-attr]
        points = [view.evaluate(_EDGE_POINT, i) for i in ids]
        for i, p in enumerate(points):
            for q in points[i + 1 :]:
                assert abs(p["x"] - q["x"]) + abs(p["y"] - q["y"]) > 6, (ids, points)  # type: ignore[index]
    competes = view.evaluate("() => window.cvkgEdges.get({filter: e => e.label === 'competesWith'})")
    assert competes and all(e["arrows"]["to"]["enabled"] is False for e in competes)  # type: ignore[union-attr, index]
    arrows = view.evaluate(
        "(id) => window.cvkgNetwork.body.edges[id].options.arrows.to.enabled",
        competes[0]["id"],  # type: ignore[index]
    )
    assert arrows is False
    assert view.problems == []


def test_market_shares_and_results_are_viewable(open_view, samples_store, tmp_path):
    view = open_view(_view(samples_store, tmp_path / "kg.html"), size=SMALL_SCREEN)
    badges = view.evaluate("() => window.cvkgNodes.get({filter: n => n.badge > 0}).map(n => n.id)")
    assert AWS in badges  # type: ignore[operator]
    assert "% share" in _hover(view, view.evaluate(_NODE_POINT, AWS))  # type: ignore[arg-type]
    events = open_view(_view(samples_store, tmp_path / "shares.html", "--types", "MarketShare,FinancialResult"))
    expected = _expected(samples_store, types=["MarketShare", "FinancialResult"])
    classes = events.evaluate("() => window.cvkgNodes.get().map(n => n.cls)")
    assert {"MarketShare", "FinancialResult"} <= set(classes)  # type: ignore[arg-type]
    assert events.evaluate("() => window.cvkgNodes.length") == expected.number_of_nodes()
    events.screenshot("view-shares.png")
    assert view.problems == [] and events.problems == []
