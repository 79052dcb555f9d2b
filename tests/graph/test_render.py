"""The HTML view's data, escaping and filters (no browser; tests/test_view_browser.py opens the page)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import networkx as nx
import pytest

from graph.records import Amount
from graph.render import _js_json, money_text, network_data, render_html, safe_url
from graph.viewfilter import (
    ArticleInfo,
    EventInfo,
    ViewDetails,
    ViewError,
    annotate_graph,
    find_entity,
    period_bounds,
    select_view,
)

ENT = "https://w3id.org/cvkg/entity/"
EVT = "https://w3id.org/cvkg/event/"
DOC = "https://w3id.org/cvkg/article/"
HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>\u2028&amp;"


def _graph() -> nx.MultiDiGraph:
    """A small projection: two migrations, a contract, an ownership and a loose entity."""
    g = nx.MultiDiGraph()
    for slug, label, cls in [
        ("aws", "Amazon Web Services", "CloudProvider"),
        ("gcp", "Google Cloud", "CloudProvider"),
        ("azure", "Microsoft Azure", "CloudProvider"),
        ("lyft", "Lyft", "Company"),
        ("evil", HOSTILE, "Company"),
        ("bytedance", "ByteDance", "Company"),
        ("tiktok", "TikTok", "Product"),
        ("alone", "Alone Inc", "Company"),
    ]:
        g.add_node(ENT + slug, label=label, cls=cls, wikidata="")

    def edge(s: str, o: str, relation: str, events: list[str], sources: list[str], evidence: list[str]) -> None:
        g.add_edge(ENT + s, ENT + o, key=relation, relation=relation, events=events, sources=sources, evidence=evidence)

    edge("lyft", "aws", "customerOf", [EVT + "c1"], [DOC + "a1"], ["Lyft will spend $300 million on AWS."])
    edge("evil", "gcp", "movedFrom", [EVT + "m1"], [DOC + "a2"], [HOSTILE])
    edge("evil", "aws", "movedTo", [EVT + "m1"], [DOC + "a2"], [HOSTILE])
    edge("bytedance", "azure", "movedTo", [EVT + "m2"], [DOC + "a3"], ["ByteDance moved to Azure."])
    edge("bytedance", "tiktok", "owns", [], [DOC + "a3"], [])
    return g


def _details() -> ViewDetails:
    return ViewDetails(
        aliases={ENT + "aws": ["AWS", "Amazon cloud"]},
        events={
            EVT + "c1": EventInfo(
                EVT + "c1",
                "Contract",
                {"customer": [ENT + "lyft"], "provider": [ENT + "aws"], "date": ["2019-03-01"], "term": ["P3Y"]},
                {"value": [Amount(Decimal("300000000"), "USD", qualifier="at least")]},
            ),
            EVT + "m1": EventInfo(EVT + "m1", "Migration", {"customer": [ENT + "evil"], "period": ["2021-Q2"]}),
            EVT + "m2": EventInfo(EVT + "m2", "Migration", {"customer": [ENT + "bytedance"]}),
        },
        articles={
            DOC + "a1": ArticleInfo(DOC + "a1", "Lyft and AWS", "2019-03-02", "https://news.example/lyft"),
            DOC + "a2": ArticleInfo(DOC + "a2", HOSTILE, "2021-05-04", "javascript:alert(3)"),
            DOC + "a3": ArticleInfo(DOC + "a3", "ByteDance", "2023-01-10", ""),
        },
    )


@pytest.fixture()
def annotated() -> nx.MultiDiGraph:
    return annotate_graph(_graph(), _details())


def test_js_json_cannot_close_the_script_element():
    text = _js_json({"label": HOSTILE})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == {"label": HOSTILE}


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://news.example/a?b=1", True),
        ("HTTP://news.example", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//news.example/a", False),
        ("news.example/a", False),
        ("http:alert(1)", False),
        ("", False),
    ],
)
def test_only_absolute_http_urls_become_links(url, ok):
    assert bool(safe_url(url)) is ok


def test_money_text():
    assert money_text(Decimal("300000000"), "USD", "at least") == "at least USD 300 million"
    assert money_text(Decimal("2500000000"), "CNY") == "CNY 2.5 billion"
    assert money_text(Decimal("45000"), "EUR", per="P1Y") == "EUR 45,000 per P1Y"


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("2021", (date(2021, 1, 1), date(2021, 12, 31))),
        ("2021-Q2", (date(2021, 4, 1), date(2021, 6, 30))),
        ("2020-H2", (date(2020, 7, 1), date(2020, 12, 31))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2021-06-15", (date(2021, 6, 15), date(2021, 6, 15))),
        ("last year", None),
        ("2021-13", None),
    ],
)
def test_period_bounds(text, bounds):
    assert period_bounds(text) == bounds


def test_annotate_adds_types_periods_money_and_aliases(annotated):
    aws = annotated.nodes[ENT + "aws"]
    assert aws["aliases"] == ["AWS", "Amazon cloud"]
    assert aws["money_won"] == 300_000_000
    contract = annotated.edges[ENT + "lyft", ENT + "aws", "customerOf"]
    assert contract["event_types"] == ["Contract"]
    assert contract["periods"] == [(date(2019, 3, 1), date(2019, 3, 1))]
    # no event date: the article's date stands in
    assert annotated.edges[ENT + "bytedance", ENT + "azure", "movedTo"]["periods"] == [
        (date(2023, 1, 10), date(2023, 1, 10))
    ]
    assert annotated.edges[ENT + "bytedance", ENT + "tiktok", "owns"]["event_types"] == []


def test_default_view_hides_isolated_entities(annotated):
    view = select_view(annotated)
    assert ENT + "alone" not in view.graph
    assert view.graph.number_of_nodes() == 7
    assert view.notes == ["showing 7 of 8 entities and 5 of 5 relations"]
    assert ENT + "alone" in select_view(annotated, isolated=True).graph


def test_entity_by_alias_any_case_with_hops(annotated):
    one = select_view(annotated, entity="aws", hops=1).graph
    assert set(one) == {ENT + s for s in ("aws", "lyft", "evil")}
    two = select_view(annotated, entity="AMAZON WEB SERVICES", hops=2).graph
    assert set(two) == {ENT + s for s in ("aws", "lyft", "evil", "gcp")}
    assert set(select_view(annotated, entity="aws", hops=0).graph) == {ENT + "aws"}


def test_unknown_or_ambiguous_entity_is_an_error(annotated):
    with pytest.raises(ViewError, match="no entity named 'Amazon' in the graph; did you mean 'Amazon Web Services'"):
        find_entity(annotated, "Amazon")
    annotated.add_node(ENT + "lyft2", label="LYFT", cls="Company")
    with pytest.raises(ViewError, match="'lyft' names several entities"):
        find_entity(annotated, "lyft")


def test_types_keep_event_types_and_relation_names(annotated):
    migrations = select_view(annotated, types=["migration"]).graph
    assert {d["relation"] for *_, d in migrations.edges(data=True)} == {"movedFrom", "movedTo"}
    mixed = select_view(annotated, types=["Contract", "owns"]).graph
    assert sorted(d["relation"] for *_, d in mixed.edges(data=True)) == ["customerOf", "owns"]
    with pytest.raises(ViewError, match="unknown event type or relation 'Merger'"):
        select_view(annotated, types=["Merger"])


def test_dates_use_event_period_else_article_date(annotated):
    in_2021 = select_view(annotated, since="2021", until="2021").graph
    assert {(s, o) for s, o in in_2021.edges()} == {(ENT + "evil", ENT + "gcp"), (ENT + "evil", ENT + "aws")}
    # 2021-Q2 overlaps a range that starts in May 2021
    assert select_view(annotated, since="2021-05-20").graph.number_of_edges() == 4
    before = select_view(annotated, until="2019-03").graph
    assert [d["relation"] for *_, d in before.edges(data=True)] == ["customerOf"]


def test_max_nodes_keeps_the_most_connected_and_says_what_was_cut(annotated):
    view = select_view(annotated, max_nodes=3)
    # the top three by degree are evil, aws and bytedance (ties by label); bytedance loses its edges,
    # and Google Cloud (next by label among degree 1, linked to evil) takes its place
    assert set(view.graph) == {ENT + "evil", ENT + "aws", ENT + "gcp"}
    assert all(view.graph.degree(n) for n in view.graph)
    assert any(n.startswith("cut to the") and "(--max-nodes 3)" in n for n in view.notes)


def test_tooltips_carry_values_period_sources_and_evidence(annotated):
    nodes, edges = network_data(annotated)
    contract = next(e for e in edges if e["label"] == "customerOf")
    flat = json.dumps(contract["tip"])
    for text in ("Contract", "at least USD 300 million", "P3Y", "Lyft will spend", "https://news.example/lyft"):
        assert text in flat, text
    hostile = next(e for e in edges if e["label"] == "movedTo" and e["from"] == ENT + "evil")
    links = [link for section in hostile["tip"] for link in section.get("links", [])]
    assert links == [[f"{HOSTILE} (2021-05-04)", ""]]  # javascript: URL is not a link
    aws = next(n for n in nodes if n["id"] == ENT + "aws")
    assert ["contracts won", "USD 300 million"] in aws["tip"][0]["rows"]


def test_size_by_money_or_degree(annotated):
    by_degree = {n["id"]: n["size"] for n in network_data(annotated)[0]}
    by_money = {n["id"]: n["size"] for n in network_data(annotated, size_by="money")[0]}
    assert by_degree[ENT + "aws"] > by_degree[ENT + "lyft"]
    assert by_money[ENT + "aws"] == 50 and by_money[ENT + "lyft"] == 10


def test_page_is_self_contained_and_escapes_article_text(annotated, tmp_path):
    view = select_view(annotated)
    out = render_html(view.graph, tmp_path / "v.html", title="<b>title</b>", isolated=True, notes=view.notes)
    page = out.read_text(encoding="utf-8")
    assert "<title>&lt;b&gt;title&lt;/b&gt;</title>" in page
    assert "onerror" in page and "<img" not in page and "alert(2)</script>" not in page
    assert page.lower().count("</script") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//|cdn\.|googleapis|jsdelivr|unpkg|bootstrap", page)
    own_script = page.rsplit("<script>", 1)[1]
    assert "innerHTML" not in own_script and "insertAdjacentHTML" not in own_script and "eval(" not in own_script


def test_render_refuses_unknown_size(annotated, tmp_path):
    with pytest.raises(ValueError, match="size_by must be one of degree, money"):
        render_html(annotated, tmp_path / "v.html", size_by="revenue")


def test_plain_projection_renders_without_annotations(tmp_path):
    page = render_html(_graph(), tmp_path / "v.html").read_text(encoding="utf-8")
    assert "Lyft" in page and "doc:a1" in page


def _share_event(org: str, share: str, period: str) -> dict:
    return {
        "event": EVT + f"ms-{org}-{period}",
        "event_type": "MarketShare",
        "when": period,
        "period": period,
        "roles": {"organization": [ENT + org], "accordingTo": [ENT + "analyst"]},
        "facts": {"share": [share], "rank": ["1"]},
        "values": [],
        "sources": [DOC + "a1"],
        "evidence": ["A written example: the analyst put the provider first with a third of the market."],
    }


def _graph_with_figures() -> nx.MultiDiGraph:
    g = _graph()
    g.add_node(ENT + "analyst", label="Example Research", cls="ResearchFirm")
    g.graph["events"] = {
        e["event"]: e for e in (_share_event("aws", "0.32", "2023-Q2"), _share_event("aws", "0.3", "2022"))
    }
    return g


def test_page_inlines_vis_network_stylesheet_so_the_tooltip_can_show(annotated, tmp_path):
    page = render_html(annotated, tmp_path / "v.html").read_text(encoding="utf-8")
    rule = re.search(r"div\.vis-tooltip\{[^}]*\}", page)
    assert rule and "position:absolute" in rule[0]
    assert page.lower().count("</style") == 2


def test_symmetric_relation_both_ways_is_one_undirected_edge(tmp_path):
    g = _graph()
    for s, o in (("aws", "gcp"), ("gcp", "aws")):
        g.add_edge(ENT + s, ENT + o, key="competesWith", relation="competesWith", sources=[], evidence=[])
    g.add_edge(ENT + "lyft", ENT + "aws", key="partnerOf:p1", relation="partnerOf", events=[EVT + "p1"], sources=[])
    g.add_edge(ENT + "aws", ENT + "lyft", key="partnerOf:p1", relation="partnerOf", events=[EVT + "p1"], sources=[])
    _, edges = network_data(g)
    competes = [e for e in edges if e["label"] == "competesWith"]
    partners = [e for e in edges if e["label"] == "partnerOf"]
    assert len(competes) == 1 and len(partners) == 1
    assert competes[0]["arrows"] == {"to": {"enabled": False}} and partners[0]["undirected"] is True
    assert all("arrows" not in e for e in edges if e["label"] in ("customerOf", "movedTo", "owns"))


def test_edges_between_the_same_two_entities_are_curved_apart():
    g = _graph()
    g.add_edge(ENT + "lyft", ENT + "aws", key="movedTo:m9", relation="movedTo", events=[], sources=[])
    g.add_edge(ENT + "aws", ENT + "lyft", key="owns", relation="owns", sources=[])
    _, edges = network_data(g)
    pair = [e for e in edges if {e["from"], e["to"]} == {ENT + "lyft", ENT + "aws"}]
    assert len(pair) == 3

    def side(edge: dict) -> float:
        """Signed roundness seen along the sorted pair: a clockwise turn from the other end bends the other way."""
        smooth = edge["smooth"]
        if not smooth["enabled"]:
            return 0.0
        turn = 1 if smooth["type"] == "curvedCW" else -1
        return turn * (1 if edge["from"] < edge["to"] else -1) * smooth["roundness"]

    assert sorted(side(e) for e in pair) == [-0.4, 0.0, 0.4]  # one straight, one curved to each side
    assert "smooth" not in next(e for e in edges if e["label"] == "movedFrom")


def test_edges_carry_their_periods_and_the_page_its_date_range(annotated, tmp_path):
    _, edges = network_data(annotated)
    contract = next(e for e in edges if e["label"] == "customerOf")
    assert contract["periods"] == [["2019-03-01", "2019-03-01"]]
    page = render_html(annotated, tmp_path / "v.html").read_text(encoding="utf-8")
    assert '"dates": ["2019-03", "2023-01"]' in page


def test_market_shares_are_figures_on_the_entity_they_are_about():
    from graph.viewevents import entity_figures

    g = _graph_with_figures()
    figures = entity_figures(g)
    assert figures[ENT + "aws"] == [
        ["Market share", "32% share · rank 1 · according to Example Research · 2023-Q2"],
        ["Market share", "30% share · rank 1 · according to Example Research · 2022"],
    ]
    nodes, _ = network_data(g)
    aws = next(n for n in nodes if n["id"] == ENT + "aws")
    assert aws["badge"] == 2 and aws["tip"][1]["h"] == "figures"
    assert next(n for n in nodes if n["id"] == ENT + "lyft")["badge"] == 0


def test_types_that_yield_no_edge_come_in_as_event_nodes():
    view = select_view(annotate_graph(_graph_with_figures(), _details()), types=["marketshare"])
    events = [n for n, d in view.graph.nodes(data=True) if d.get("kind") == "event"]
    assert len(events) == 2
    assert {d["relation"] for *_, d in view.graph.edges(data=True)} == {"organization", "accordingTo"}
    assert set(view.graph) == {*events, ENT + "aws", ENT + "analyst"}
    assert view.graph.nodes[EVT + "ms-aws-2022"]["label"].startswith("Amazon Web Services: 30% share")
    assert "MarketShare as event nodes" in view.notes[1]


def test_filters_that_leave_nothing_are_an_error(annotated):
    with pytest.raises(ViewError, match="nothing to show: no relation or event matches --types FinancialResult"):
        select_view(annotated, types=["FinancialResult"])
    with pytest.raises(ViewError, match="--since 2030"):
        select_view(annotated, since="2030")
