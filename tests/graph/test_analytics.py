"""The networkx projection and the analytics on a hand-built graph, a store of records, the samples, the dev corpus.

The analytics are those of `graph.analytics` and the flows and contract values of `graph.flows`.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from decimal import Decimal

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python
from support import SAMPLES

from graph.analytics import (
    event_records,
    find_entity,
    format_amount,
    format_duration,
    neighbourhood,
    neighbours,
    pagerank,
    timeline,
    top_organisations,
)
from graph.analyze import network_bytes, project_to_networkx
from graph.build import article_triples
from graph.errors import EntityNotFoundError
from graph.flows import contract_values, flow_matrix, provider_flows
from graph.records import Amount, Article, ArticleResult, Entity, Event, Relation
from graph.results import format_records
from graph.stores import open_store
from pipelines.config import Settings
from pipelines.service import ingest_paths

E = "https://w3id.org/cvkg/entity/"
V = "https://w3id.org/cvkg/event/"


def _usd(value: int, currency: str = "USD") -> list[dict[str, object]]:
    return [{"role": "value", "value": Decimal(value), "currency": currency, "per": "", "qualifier": ""}]


@pytest.fixture()
def hand_graph() -> nx.MultiDiGraph:
    """A small projection-shaped graph: ByteDance leaves Alibaba Cloud for AWS and Oracle, Snap signs two deals."""
    g = nx.MultiDiGraph()
    nodes = {
        "alibaba-cloud": ("Alibaba Cloud", "CloudProvider", ["Aliyun"]),
        "aws": ("Amazon Web Services", "CloudProvider", ["AWS", "Amazon"]),
        "amazon": ("Amazon", "Company", []),
        "oracle-cloud": ("Oracle Cloud", "CloudProvider", ["OCI", "Oracle"]),
        "oracle": ("Oracle Corporation", "Company", ["Oracle"]),
        "google-cloud": ("Google Cloud", "CloudProvider", []),
        "bytedance": ("ByteDance", "Company", []),
        "snap": ("Snap", "Company", ["Snap Inc."]),
        "dropbox": ("Dropbox", "Company", []),
        "tiktok": ("TikTok", "Product", []),
        "singapore": ("Singapore", "Place", []),
    }
    for slug, (name, cls, alts) in nodes.items():
        g.add_node(E + slug, kind="entity", label=name, cls=cls, alt_labels=alts, wikidata="")

    def edge(s: str, rel: str, o: str, event: str = "", when: str = "", values: list | None = None) -> None:
        attrs = {"event": V + event, "when": when, "values": values or []} if event else {}
        g.add_edge(E + s, E + o, key=f"{rel}:{event}", relation=rel, **attrs)

    edge("bytedance", "movedFrom", "alibaba-cloud", "m-bytedance", "2021-05-19")
    edge("bytedance", "movedTo", "aws", "m-bytedance", "2021-05-19")
    edge("bytedance", "movedTo", "oracle-cloud", "m-bytedance", "2021-05-19")
    edge("dropbox", "movedFrom", "aws", "m-dropbox", "2018-03-26")
    edge("dropbox", "customerOf", "aws", "c-dropbox", "2015")
    edge("snap", "customerOf", "aws", "c-snap-aws", "2017-02-10", _usd(1_000_000_000))
    edge("snap", "customerOf", "google-cloud", "c-snap-gc", "2017-01", _usd(2_000_000_000))
    edge("bytedance", "customerOf", "google-cloud", "c-bd-gc", "2017-12-01", _usd(500_000_000))
    edge("bytedance", "customerOf", "google-cloud", "c-bd-gc-eur", "2018", _usd(7, "EUR"))
    edge("bytedance", "owns", "tiktok")
    edge("alibaba-cloud", "operatesIn", "singapore", "dc-ali-sg", "2016")
    edge("aws", "parentOrganization", "amazon")
    g.graph["events"] = {
        V + "dc-ali-sg": {
            "event_type": "DataCenter", "when": "", "when_from": "",
            "roles": {"organization": [E + "alibaba-cloud"], "location": [E + "singapore"]},
            "values": [], "facts": {}, "evidence": [], "sources": [], "urls": [],
        },
        V + "fr-ali": {
            "event_type": "FinancialResult", "when": "2021-Q1", "when_from": "period",
            "roles": {"organization": [E + "alibaba-cloud"]}, "values": [], "facts": {"growthRate": ["0.37"]},
            "evidence": ["Alibaba Cloud grew 37%."], "sources": ["doc:b"], "urls": ["https://example.com/b"],
        },
        V + "m-bytedance": {
            "event_type": "Migration", "when": "2021-05-19", "when_from": "published",
            "roles": {"customer": [E + "bytedance"], "fromProvider": [E + "alibaba-cloud"],
                      "toProvider": [E + "aws", E + "oracle-cloud"]},
            "values": [{"role": "value", "value": Decimal(800_000_000), "currency": "USD", "per": "P1Y",
                        "qualifier": "approximately"}],
            "facts": {}, "evidence": ["ByteDance moves TikTok to AWS and Oracle."], "sources": ["doc:a"], "urls": [],
        },
    }  # fmt: skip
    return g


# -- hand-built graph -------------------------------------------------------------------


def test_find_entity_by_label_alias_iri_and_ent_name_in_any_case(hand_graph):
    assert find_entity(hand_graph, "amazon web services") == E + "aws"
    assert find_entity(hand_graph, "aws") == E + "aws"
    assert find_entity(hand_graph, "ALIYUN") == E + "alibaba-cloud"
    assert find_entity(hand_graph, E + "snap") == E + "snap"
    assert find_entity(hand_graph, "ent:snap") == E + "snap"
    # A label beats an alias: "Amazon" is AWS's alias but the label of Amazon itself.
    assert find_entity(hand_graph, "amazon") == E + "amazon"


def test_find_entity_errors_name_the_problem(hand_graph):
    with pytest.raises(EntityNotFoundError, match=r"'Oracle' names several entities \(Oracle Cloud, Oracle Corp"):
        find_entity(hand_graph, "Oracle")
    with pytest.raises(EntityNotFoundError, match="no entity named 'Bytedanse' in the graph; did you mean 'ByteDance'"):
        find_entity(hand_graph, "Bytedanse")


def test_provider_flows_count_distinct_customers_gained_and_lost(hand_graph):
    rows = {r.provider: r for r in provider_flows(hand_graph)}
    assert set(rows) == {"Amazon Web Services", "Alibaba Cloud", "Oracle Cloud", "Google Cloud"}
    aws = rows["Amazon Web Services"]
    assert (aws.gained, aws.lost, aws.net) == (2, 1, 1)
    assert aws.gained_customers == ["ByteDance", "Snap"]
    assert aws.lost_customers == ["Dropbox"]
    # Dropbox's 2015 contract is the relationship its 2018 move away ended: no gain
    assert aws.former_customers == ["Dropbox"]
    # ByteDance signed twice with Google Cloud: still one customer.
    assert rows["Google Cloud"].gained_customers == ["ByteDance", "Snap"]
    assert (rows["Alibaba Cloud"].gained, rows["Alibaba Cloud"].lost, rows["Alibaba Cloud"].net) == (0, 1, -1)
    assert [r.provider for r in provider_flows(hand_graph)][-1] == "Alibaba Cloud"  # sorted by net gain


def test_provider_flows_for_one_provider_by_alias(hand_graph):
    rows = provider_flows(hand_graph, provider="oci")
    assert [(r.provider, r.gained_customers) for r in rows] == [("Oracle Cloud", ["ByteDance"])]


def test_flow_matrix_pairs_sides_of_the_same_migration(hand_graph):
    flows = [(f.from_provider, f.to_provider, f.customers, f.names) for f in flow_matrix(hand_graph)]
    assert flows == [
        ("Alibaba Cloud", "Amazon Web Services", 1, ["ByteDance"]),
        ("Alibaba Cloud", "Oracle Cloud", 1, ["ByteDance"]),
    ]  # Dropbox left AWS for no named provider: no cell
    assert len(flow_matrix(hand_graph, provider="Oracle Cloud")) == 1
    assert flow_matrix(hand_graph, provider="Google Cloud") == []


def test_contract_values_sum_per_provider_year_and_currency(hand_graph):
    rows = [(r.provider, r.year, r.currency, r.exact, r.contracts, r.customers) for r in contract_values(hand_graph)]
    assert rows == [
        ("Amazon Web Services", "2017", "USD", Decimal(1_000_000_000), 1, ["Snap"]),
        ("Google Cloud", "2017", "USD", Decimal(2_500_000_000), 2, ["ByteDance", "Snap"]),
        ("Google Cloud", "2018", "EUR", Decimal(7), 1, ["ByteDance"]),
    ]
    assert [r.total for r in contract_values(hand_graph, provider="aws")] == [Decimal(1_000_000_000)]


def test_contract_values_count_each_contract_once_and_every_stated_amount(hand_graph):
    two_figures = _usd(100) + _usd(50) + [{"role": "term", "value": Decimal(5), "currency": "USD"}]
    hand_graph.add_edge(
        E + "dropbox", E + "oracle-cloud", relation="customerOf", event=V + "c", when="2020", values=two_figures
    )
    (row,) = contract_values(hand_graph, provider="Oracle Cloud")
    assert (row.year, row.total, row.contracts) == ("2020", Decimal(150), 1)


def test_own_pagerank_agrees_with_networkx_reference():
    graph = nx.gnp_random_graph(40, 0.08, seed=7, directed=True)
    graph.add_node(99)  # isolated and dangling
    mine, reference = pagerank(graph), _pagerank_python(graph, tol=1e-12, max_iter=500)
    assert set(mine) == set(reference)
    assert max(abs(mine[n] - reference[n]) for n in mine) < 1e-9
    assert sum(mine.values()) == pytest.approx(1.0)


def test_top_organisations_ranks_only_organisations(hand_graph):
    by_degree = top_organisations(hand_graph, limit=3)
    assert [(r.entity, r.degree) for r in by_degree] == [
        ("ByteDance", 5),  # Alibaba Cloud, AWS, Oracle Cloud, Google Cloud and TikTok (a product, still a neighbour)
        ("Amazon Web Services", 4),  # ByteDance, Dropbox, Snap, Amazon
        ("Alibaba Cloud", 2),  # ties with Google Cloud and Snap, broken by name
    ]
    ranked = top_organisations(hand_graph, by="pagerank", limit=20)
    assert {r.cls for r in ranked} <= {"CloudProvider", "Company"}  # no Place, no Product
    assert ranked == sorted(ranked, key=lambda r: -r.pagerank)
    # Directed: customers point at AWS, and AWS at its parent Amazon, which inherits AWS's rank.
    assert [r.entity for r in ranked[:2]] == ["Amazon", "Amazon Web Services"]
    assert top_organisations(hand_graph, by="betweenness", limit=1)[0].entity == "ByteDance"
    with pytest.raises(ValueError, match="unknown centrality 'size'"):
        top_organisations(hand_graph, by="size")


def test_neighbours_within_k_hops_either_direction(hand_graph):
    one = neighbours(hand_graph, "TikTok")
    assert [(n.entity, n.hops, n.relations, n.via) for n in one] == [("ByteDance", 1, ["owns"], ["TikTok"])]
    two = {n.entity: n for n in neighbours(hand_graph, "tiktok", hops=2)}
    assert set(two) == {"ByteDance", "Alibaba Cloud", "Amazon Web Services", "Oracle Cloud", "Google Cloud"}
    assert two["Alibaba Cloud"].hops == 2 and two["Alibaba Cloud"].relations == ["movedFrom"]
    assert two["Google Cloud"].via == ["ByteDance"]
    sub = neighbourhood(hand_graph, "tiktok", hops=2)
    assert sub.number_of_nodes() == 6 and E + "singapore" not in sub
    assert sub.number_of_edges() == 6  # 3 moves, 2 contracts with Google Cloud, owns


def test_timeline_sorts_by_when_with_undated_last(hand_graph):
    rows = timeline(hand_graph, "alibaba cloud")
    assert [(r.when, r.type, r.role) for r in rows] == [
        ("2021-05-19", "Migration", "fromProvider"),
        ("2021-Q1", "FinancialResult", "organization"),
        ("", "DataCenter", "organization"),
    ]
    migration = rows[0]
    assert migration.counterparts == [
        "customer: ByteDance",
        "toProvider: Amazon Web Services",
        "toProvider: Oracle Cloud",
    ]
    assert migration.values == ["approximately 800,000,000 USD per year"]
    assert rows[1].facts == ["growthRate: 0.37"] and rows[1].urls == ["https://example.com/b"]
    assert timeline(hand_graph, "Snap") == []


def test_format_amount_keeps_fractions_and_roles():
    assert format_amount({"value": Decimal("16.70"), "currency": "CNY", "role": "revenue"}) == "revenue: 16.7 CNY"
    assert format_amount({"value": Decimal(300_000_000), "currency": "USD", "qualifier": "at least"}) == (
        "at least 300,000,000 USD"
    )


def test_rows_format_as_table_csv_and_json(hand_graph):
    rows = [asdict(r) for r in contract_values(hand_graph)]
    table = format_records(rows, "table", columns=("provider", "year", "total", "customers"))
    assert "Google Cloud         2017  2500000000  ByteDance; Snap" in table
    csv_text = format_records(rows, "csv", columns=("provider", "total"))
    assert csv_text.splitlines()[:2] == ["provider,total", "Amazon Web Services,1000000000"]
    assert '"total": 2500000000' in format_records(rows, "json")


# -- a store built from records (exact content, no model) ------------------------------------

AWS = Entity("amazon-web-services", "Amazon Web Services", "CloudProvider", ("AWS",), "Q456157")
ALI = Entity("alibaba-cloud", "Alibaba Cloud", "CloudProvider", ("Aliyun",))
BYTEDANCE = Entity("bytedance", "ByteDance", "Company")
LYFT = Entity("lyft", "Lyft", "Company")
JASSY = Entity("andy-jassy", "Andy Jassy", "Person")
MIGRATION = Event(
    "Migration",
    {"customer": (BYTEDANCE,), "fromProvider": (ALI,), "toProvider": (AWS,)},
    "ByteDance moved from Alibaba Cloud to AWS.",
    0.8,
)
CONTRACT = Event(
    "Contract",
    {"customer": (LYFT,), "provider": (AWS,), "value": (Amount(Decimal(300_000_000), "USD"),)},
    "Lyft will spend $300 million on AWS.",
    0.9,
    date="2019-03",
)


@pytest.fixture()
def record_store():
    """Two articles stating the same migration (one event, two sources) and a contract with a job title."""
    store = open_store("memory:")
    first = ArticleResult(
        Article("a", title="One", date="2021-05-19", url="https://news.example/one"),
        entities=(AWS, ALI, BYTEDANCE),
        events=(MIGRATION,),
    )
    second = ArticleResult(
        Article("b", title="Two", date="2021-06-01", url="https://news.example/two"),
        entities=(AWS, LYFT, JASSY),
        events=(MIGRATION, CONTRACT),
        relations=(Relation(JASSY, "worksFor", AWS, job_title="chief executive"),),
    )
    store.replace_articles([article_triples(first), article_triples(second)])
    yield store
    store.close()


def test_projection_of_a_store_one_edge_per_event_with_its_attributes(record_store):
    g = project_to_networkx(record_store)
    aws = g.nodes[E + "amazon-web-services"]
    assert (aws["label"], aws["cls"], aws["wikidata"], aws["alt_labels"]) == (
        "Amazon Web Services",
        "CloudProvider",
        "Q456157",
        ["AWS"],
    )
    moves = g.get_edge_data(E + "bytedance", E + "amazon-web-services")
    assert list(moves) == ["movedTo:migration-bytedance"]
    move = moves["movedTo:migration-bytedance"]
    assert move["relation"] == "movedTo" and move["event_type"] == "Migration"
    assert len(move["sources"]) == 2 and sorted(move["urls"]) == [
        "https://news.example/one",
        "https://news.example/two",
    ]
    assert (move["when"], move["when_from"]) == ("2021-05-19", "published")  # the first article's date
    contract = g.get_edge_data(E + "lyft", E + "amazon-web-services")["customerOf:contract-lyft--amazon-web-services"]
    assert (contract["date"], contract["when"], contract["when_from"]) == ("2019-03", "2019-03", "date")
    assert [(v["value"], v["currency"]) for v in contract["values"]] == [(Decimal(300_000_000), "USD")]
    assert contract["evidence"] == ["Lyft will spend $300 million on AWS."]
    works = g.get_edge_data(E + "andy-jassy", E + "amazon-web-services")["worksFor"]
    assert works["job_title"] == "chief executive" and works["events"] == []
    assert g.number_of_edges() == 4  # movedFrom, movedTo, customerOf, worksFor
    assert set(g.graph["events"]) == {V + "migration-bytedance", V + "contract-lyft--amazon-web-services"}


def test_bipartite_projection_links_entities_to_events_by_role(record_store):
    g = project_to_networkx(record_store, events_as_nodes=True)
    event = V + "migration-bytedance"
    assert g.nodes[event]["kind"] == "event" and g.nodes[event]["event_type"] == "Migration"
    assert g.nodes[event]["label"] == "Migration: ByteDance / Alibaba Cloud / Amazon Web Services"
    assert {(s, k) for s, _, k in g.in_edges(event, keys=True)} == {
        (E + "bytedance", "customer"),
        (E + "alibaba-cloud", "fromProvider"),
        (E + "amazon-web-services", "toProvider"),
    }
    assert all(g.nodes[o]["kind"] == "event" for _, o in g.edges())  # bipartite: no entity -> entity edge
    assert [r.type for r in timeline(g, "aws")] == [r.type for r in timeline(project_to_networkx(record_store), "aws")]


def test_analytics_on_the_record_store(record_store):
    g = project_to_networkx(record_store)
    flows = {r.provider: (r.gained_customers, r.lost_customers) for r in provider_flows(g)}
    assert flows == {"Amazon Web Services": (["ByteDance", "Lyft"], []), "Alibaba Cloud": ([], ["ByteDance"])}
    assert [(r.year, r.total) for r in contract_values(g)] == [("2019", Decimal(300_000_000))]
    assert [(r.when, r.type) for r in timeline(g, "AWS")] == [("2019-03", "Contract"), ("2021-05-19", "Migration")]


@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_formats_are_read_back_by_networkx(record_store, fmt, read):
    g = project_to_networkx(record_store)
    back = read(io.BytesIO(network_bytes(g, fmt)))
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    assert back.nodes[E + "lyft"]["label"] == "Lyft"
    (data,) = [d for s, _, d in back.edges(data=True) if s == E + "lyft"]
    assert data["relation"] == "customerOf" and '"value": "300000000"' in data["values"]


def test_network_bytes_refuses_other_formats(record_store):
    with pytest.raises(ValueError, match="unknown network format 'dot'"):
        network_bytes(project_to_networkx(record_store), "dot")


# -- the samples, read by the real model ------------------------------------------------------


class _CountingStore:
    """A store that counts the SPARQL queries sent to it."""

    def __init__(self, store: object) -> None:
        self.store = store
        self.queries = 0

    def query(self, *args: object, **kwargs: object) -> object:
        self.queries += 1
        return self.store.query(*args, **kwargs)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def _projected(store: object) -> tuple[nx.MultiDiGraph, int]:
    """The projection of a store and the number of SPARQL queries it took."""
    counting = _CountingStore(store)
    return project_to_networkx(counting), counting.queries  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def samples_graph():
    store = open_store("memory:")
    ingest_paths([SAMPLES], store, Settings(store="memory:"))
    graph, queries = _projected(store)
    store.close()
    return graph, queries


def test_samples_projection_and_analytics(samples_graph, record_store):
    g, queries = samples_graph
    # a fixed number of whole-store queries, never one per node or event (its speed: benchmarks/limits.py)
    small, small_queries = _projected(record_store)
    assert queries == small_queries <= 4 and g.number_of_nodes() > 10 * small.number_of_nodes()
    lyft = g.get_edge_data(E + "lyft", E + "amazon-web-services")
    (edge,) = [d for d in lyft.values() if d["relation"] == "customerOf"]
    assert [(v["value"], v["currency"]) for v in edge["values"]] == [(Decimal(300_000_000), "USD")]
    assert edge["evidence"] and edge["sources"][0].startswith("https://w3id.org/cvkg/article/")
    aws = {r.provider: r for r in provider_flows(g)}["Amazon Web Services"]
    assert {"Lyft", "Apple"} <= set(aws.gained_customers)
    # Lyft's "at least $300m" in 2019, and Snap's $1bn commitment placed in 2017 by its evidence
    # ("before it went public in 2017"), not in 2019 with the article (samples/lyft-aws-300m-2019.txt)
    values = {(r.provider, r.year, r.currency): r for r in contract_values(g)}
    lyft, snap = values[("Amazon Web Services", "2019", "USD")], values[("Amazon Web Services", "2017", "USD")]
    assert (lyft.total, lyft.at_least, lyft.exact, lyft.when_from) == (300_000_000, 300_000_000, 0, ["published"])
    assert (snap.total, snap.exact, snap.when_from) == (1_000_000_000, 1_000_000_000, ["evidence"])
    assert top_organisations(g, limit=1)[0].entity == "Amazon Web Services"
    rows = timeline(g, "aws")
    assert rows == sorted(rows, key=lambda r: (not r.when, r.when, r.type, r.event))
    assert ("2019-Q4", "FinancialResult") in [(r.when, r.type) for r in rows]
    assert len(event_records(g)) >= len(rows)


# -- the dev corpus -----------------------------------------------------------------------------


@pytest.mark.slow
def test_dev_corpus_flows_match_the_hand_checked_facts(shared):
    store = open_store("memory:")
    ingest_paths([shared / "corpus" / "dev"], store, Settings(store="memory:"))
    g, queries = _projected(store)
    assert queries <= 4  # as on the samples, whatever the size of the store
    store.close()
    matrix = {(f.from_provider, f.to_provider): f.names for f in flow_matrix(g, provider="Alibaba Cloud")}
    assert matrix == {
        ("Alibaba Cloud", "Amazon Web Services"): ["ByteDance"],
        ("Alibaba Cloud", "Oracle Cloud"): ["ByteDance"],
    }
    flows = {r.provider: r for r in provider_flows(g)}
    assert "ByteDance" in flows["Alibaba Cloud"].lost_customers
    assert "Dropbox" in flows["Amazon Web Services"].lost_customers  # Magic Pocket
    assert "Netflix" in flows["Amazon Web Services"].gained_customers  # migration completed 2016
    assert "Twitter" in flows["Google Cloud"].lost_customers
    assert "Deutsche Bank" in flows["Google Cloud"].gained_customers
    values = {(r.provider, r.year, r.currency): r.total for r in contract_values(g)}
    # Snap's $1 bn AWS commitment, reported in February 2017, counts once, in 2017.
    assert values[("Amazon Web Services", "2017", "USD")] == Decimal(1_000_000_000)
    assert values[("Amazon Web Services", "2019", "USD")] == Decimal(750_000_000)  # Pinterest
    assert {r.entity for r in top_organisations(g, limit=5)} >= {"Amazon Web Services", "Microsoft Azure"}
    bytedance = timeline(g, "bytedance")
    assert "Migration" in [r.type for r in bytedance]


# -- issue 17: what the events say (qualifiers, confidence, status, tense) and where their time comes from ----


def _amount(value: int, qualifier: str = "", currency: str = "USD") -> dict[str, object]:
    return {"role": "value", "value": Decimal(value), "currency": currency, "per": "", "qualifier": qualifier}


def _deal(g: nx.MultiDiGraph, customer: str, provider: str, event: str, **attrs: object) -> None:
    attrs = {"when": "2022", "when_from": "published", "values": [], "confidence": 0.9, "status": "", **attrs}
    g.add_edge(E + customer, E + provider, key=f"customerOf:{event}", relation="customerOf", event=V + event, **attrs)


def test_contract_values_keep_ceilings_floors_and_estimates_apart(hand_graph):
    _deal(hand_graph, "dropbox", "oracle-cloud", "c1", values=[_amount(9_000_000_000, "up to")])
    _deal(hand_graph, "snap", "oracle-cloud", "c2", values=[_amount(300, "more than")])
    _deal(hand_graph, "bytedance", "oracle-cloud", "c3", values=[_amount(40, "approximately"), _amount(5)])
    (row,) = contract_values(hand_graph, provider="Oracle Cloud")
    # the ceiling is no stated value: the tallest figure stays out of the total
    assert (row.total, row.exact, row.at_least, row.approximately, row.up_to) == (345, 5, 300, 40, 9_000_000_000)
    assert (row.contracts, row.when_from, row.shared) == (3, ["published"], False)


def test_contract_values_leave_out_low_confidence_and_count_them(hand_graph):
    _deal(hand_graph, "dropbox", "oracle-cloud", "c1", values=[_amount(100)])
    _deal(hand_graph, "snap", "oracle-cloud", "c2", values=[_amount(7)], confidence=0.4)
    (row,) = contract_values(hand_graph, provider="Oracle Cloud")
    assert (row.total, row.contracts, row.customers, row.low_confidence) == (100, 1, ["Dropbox"], 1)
    (lenient,) = contract_values(hand_graph, provider="Oracle Cloud", min_confidence=0.3)
    assert (lenient.total, lenient.contracts, lenient.low_confidence) == (107, 2, 0)


def test_a_ceiling_shared_by_several_providers_counts_once_and_for_none_of_them(hand_graph):
    sentence = ["The agency split a contract worth up to $9 billion among Oracle and Google."]
    for provider, event in (("oracle-cloud", "c-or"), ("google-cloud", "c-gc")):
        _deal(hand_graph, "dropbox", provider, event, values=[_amount(9_000_000_000, "up to")], evidence=sentence)
    rows = {r.provider: r for r in contract_values(hand_graph) if r.year == "2022"}
    assert set(rows) == {"Google Cloud + Oracle Cloud"}
    joint = rows["Google Cloud + Oracle Cloud"]
    assert (joint.shared, joint.up_to, joint.total, joint.contracts) == (True, 9_000_000_000, 0, 2)
    assert [r.provider for r in contract_values(hand_graph, provider="Oracle Cloud")] == ["Google Cloud + Oracle Cloud"]


def test_flows_do_not_count_a_past_relationship_the_customer_moved_away_from(hand_graph):
    # "TikTok used Alibaba Cloud's data centers", read beside ByteDance's move off Alibaba Cloud the same year
    _deal(hand_graph, "bytedance", "alibaba-cloud", "c-bd-ali", when="2021-05-19")
    ali = {r.provider: r for r in provider_flows(hand_graph)}["Alibaba Cloud"]
    assert (ali.gained, ali.lost, ali.net) == (0, 1, -1)
    assert ali.former_customers == ["ByteDance"] and ali.gained_customers == []
    # a contract dated after the move away is a customer won back
    _deal(hand_graph, "bytedance", "alibaba-cloud", "c-bd-ali", when="2023")
    assert {r.provider: r for r in provider_flows(hand_graph)}["Alibaba Cloud"].gained_customers == ["ByteDance"]


def test_flows_keep_planned_reported_and_low_confidence_apart(hand_graph):
    _deal(hand_graph, "dropbox", "oracle-cloud", "c-planned", status="Planned")
    _deal(hand_graph, "snap", "oracle-cloud", "c-weak", confidence=0.3)
    data = hand_graph.get_edge_data(E + "bytedance", E + "oracle-cloud")["movedTo:m-bytedance"]
    data.update(status="Reported", confidence=0.8)
    oracle = {r.provider: r for r in provider_flows(hand_graph)}["Oracle Cloud"]
    assert (oracle.gained, oracle.gained_customers, oracle.reported) == (1, ["ByteDance"], ["ByteDance"])
    assert (oracle.planned_gains, oracle.low_confidence) == (["Dropbox"], ["Snap"])
    lenient = provider_flows(hand_graph, provider="Oracle Cloud", min_confidence=0.2)[0]
    assert lenient.gained_customers == ["ByteDance", "Snap"] and lenient.low_confidence == []
    # a planned move is no flow yet
    for _, _, data in hand_graph.edges(data=True):
        if data.get("event") == V + "m-bytedance":
            data["status"] = "Planned"
    flows = {(f.from_provider, f.to_provider): (f.customers, f.planned) for f in flow_matrix(hand_graph)}
    assert flows[("Alibaba Cloud", "Amazon Web Services")] == (0, ["ByteDance"])


def test_durations_read_as_words():
    assert format_duration("P1Y", per=True) == "year" and format_duration("P3M", per=True) == "3 months"
    assert format_duration("P5Y") == "5 years" and format_duration("P1Y6M") == "P1Y6M"
    amount = {"value": Decimal(800), "currency": "USD", "per": "P1Y", "qualifier": "approximately"}
    assert format_amount(amount) == "approximately 800 USD per year"


UNDATED = Event(
    "Contract",
    {"customer": (LYFT,), "provider": (ALI,), "value": (Amount(Decimal(9), "USD", qualifier="up to"),)},
    "Lyft picked Alibaba Cloud in 2017 for up to $9.",
    0.9,
    evidence_period="2017",
)


def test_an_undated_event_is_placed_by_its_evidence_period_and_says_so():
    store = open_store("memory:")
    article = Article("c", title="Three", date="2019-04-01")
    store.replace_articles([article_triples(ArticleResult(article, entities=(LYFT, ALI), events=(UNDATED,)))])
    g = project_to_networkx(store)
    store.close()
    (row,) = timeline(g, "Lyft")
    assert (row.when, row.when_from, row.values) == ("2017", "evidence", ["up to 9 USD"])
    (value,) = contract_values(g)
    assert (value.year, value.when_from, value.total, value.up_to) == ("2017", ["evidence"], 0, 9)
