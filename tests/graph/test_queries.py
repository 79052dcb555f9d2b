"""The named query library: headers, every query on real stores, hand-checked answers, safe parameters."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Literal
from support import SAMPLES

from graph.errors import QueryError
from graph.library import bind_params, list_queries, load_query, parse_query, prepare
from graph.sparql import run_query
from graph.stores import open_store

EVERY_QUERY = [q.name for q in list_queries()]
INJECTION = 'x" } ; DROP ALL ; #'


def _ingest(paths, location):
    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    store = open_store(location)
    summary = ingest_paths(paths, store, Settings(store=location))
    assert summary.read > 0
    return store


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory):
    """The bundled samples, ingested once into an embedded store."""
    store = _ingest([SAMPLES], str(tmp_path_factory.mktemp("samples") / "store"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def dev_store(shared, tmp_path_factory):
    """The shared dev corpus (35 articles), ingested once into an embedded store; the tests using it are slow."""
    store = _ingest([shared / "corpus" / "dev"], str(tmp_path_factory.mktemp("dev") / "store"))
    yield store
    store.close()


def rows(store, name: str, **params: str) -> list[dict[str, str]]:
    """Run a named query and return its rows as {variable: plain value}."""
    query = load_query(name)
    result = run_query(store, prepare(query, params))
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]  # type: ignore[attr-defined]


def test_every_query_has_a_title_description_and_documented_params():
    assert len(EVERY_QUERY) >= 10
    for query in list_queries():
        assert query.title and query.description, query.name
        for param in query.params:
            assert param.meaning and param.example, (query.name, param.name)
            assert f"?{param.name}" in query.text, (query.name, param.name)
        assert "ORDER BY" in query.text, query.name


def test_header_parsing():
    text = (
        "# title: T\n# description: first line\n#   continued\n"
        "# param who: a name (Acme)\n# param since (optional): a date (2021)\nSELECT ?who ?since {}\n# param late: x\n"
    )
    query = parse_query("t", text)
    assert query.title == "T" and query.description == "first line continued"
    assert [(p.name, p.required, p.example) for p in query.params] == [("who", True, "Acme"), ("since", False, "2021")]
    with pytest.raises(QueryError, match="no '# title:' header"):
        parse_query("x", "SELECT * {}")


def test_load_query_errors():
    with pytest.raises(QueryError, match=r"^no named query 'nope'; `cvkg query --list` shows them$"):
        load_query("nope")
    with pytest.raises(QueryError, match="no named query"):
        load_query("../store")
    left = load_query("left-provider")
    with pytest.raises(QueryError, match=r"has no parameter 'bogus' \(parameters: provider_name\)"):
        bind_params(left, {"bogus": "x"})
    with pytest.raises(QueryError, match="needs --param entity_name=VALUE"):
        bind_params(load_query("events-about"), {})


def _required(name: str) -> dict[str, str]:
    examples = {"entity_name": "Amazon Web Services", "event": "evt:migration-apple"}
    return {p.name: examples[p.name] for p in load_query(name).params if p.required}


@pytest.mark.parametrize("name", EVERY_QUERY)
def test_every_query_runs_on_the_samples(samples_store, name):
    unbound = rows(samples_store, name, **_required(name))
    every = {p.name: p.example.strip("<>") for p in load_query(name).params}
    bound = rows(samples_store, name, **every)
    assert isinstance(unbound, list) and isinstance(bound, list)
    if name != "conflicting-figures":
        assert unbound, f"{name} found nothing in the samples"


@pytest.mark.slow
@pytest.mark.parametrize("name", EVERY_QUERY)
def test_every_query_runs_on_the_dev_corpus(dev_store, name):
    every = {p.name: p.example for p in load_query(name).params}
    every.pop("event", None)
    found = rows(
        dev_store, name, **(every | ({"event": "evt:migration-bytedance"} if "event" in _required(name) else {}))
    )
    if name != "conflicting-figures":
        assert found, f"{name} with its example parameters found nothing in the dev corpus"


@pytest.mark.slow
def test_who_left_alibaba_cloud(dev_store):
    found = rows(dev_store, "left-provider", provider_name="alibaba cloud")
    assert {(r["customer"], r["workload"], r["to"]) for r in found} == {
        ("ByteDance", "TikTok", "Amazon Web Services"),
        ("ByteDance", "TikTok", "Oracle Cloud"),
    }
    assert {r["from"] for r in found} == {"Alibaba Cloud"}
    everyone = rows(dev_store, "left-provider")
    assert {r["from"] for r in everyone} >= {"Alibaba Cloud", "Amazon Web Services", "Google Cloud"}


@pytest.mark.slow
def test_alibaba_cloud_financials(dev_store):
    found = rows(dev_store, "provider-financials", provider_name="Alibaba Cloud")
    q1 = {(r["revenue"], r["currency"], r["growth"]) for r in found if r["period"] == "2021-Q1"}
    assert q1 == {("16700000000", "CNY", "0.37"), ("2600000000", "USD", "0.37")}
    assert {r["organization"] for r in found} == {"Alibaba Cloud"}


@pytest.mark.slow
def test_latest_china_share_by_idc(dev_store):
    found = rows(dev_store, "latest-market-share", market_name="china", firm_name="IDC")
    assert [(r["organization"], r["share"], r["rank"]) for r in found] == [("Alibaba Cloud", "0.4", "1")]


@pytest.mark.slow
def test_alibaba_cloud_data_centers(dev_store):
    found = {r["location"]: r for r in rows(dev_store, "data-centers", provider_name="Alibaba Cloud")}
    assert {"United States", "Singapore", "Dubai"} <= set(found)
    assert found["United States"]["count"] == "2"
    assert {r["provider"] for r in found.values()} == {"Alibaba Cloud"}


@pytest.mark.slow
def test_the_article_behind_the_bytedance_migration(dev_store):
    for ref in ("evt:migration-bytedance", "migration-bytedance"):
        found = rows(dev_store, "event-source", event=ref)
        # the move is reported by the TechNode story and restated a year later in an Alibaba earnings story
        assert [(r["published"], r["publisher"], r["headline"]) for r in found] == [
            ("2021-05-19", "TechNode", "TikTok strikes off Alibaba Cloud: report"),
            (
                "2022-08-05",
                "Jade Bridge Markets",
                "Alibaba's cloud growth slows to 10% as group sales stall for the first time",
            ),
        ]
        assert all("ByteDance" in r["evidence"] for r in found)


@pytest.mark.slow
def test_events_about_bytedance_with_sources(dev_store):
    found = rows(dev_store, "events-about", entity_name="bytedance")
    assert ("Migration", "customer") in {(r["type"], r["role"]) for r in found}
    assert all(r["entity"] == "ByteDance" and r["evidence"] and r["published"] for r in found)


@pytest.mark.slow
def test_deals_by_a_cloud_unit_include_its_parent(dev_store):
    found = rows(dev_store, "deals-by-provider", provider_name="Google Cloud")
    assert ("Google", "acquisition", "Wiz") in {(r["buyer"], r["deal"], r["target"]) for r in found}
    assert not {r["buyer"] for r in found} & {"Microsoft", "Cisco", "Broadcom"}


def test_customers_and_contract_values_on_the_samples(samples_store):
    changes = {(r["provider"], r["change"], r["customer"]) for r in rows(samples_store, "customers-by-provider")}
    assert ("Microsoft Azure", "lost", "Apple") in changes
    assert ("Google Cloud", "gained", "Apple") in changes
    totals = rows(samples_store, "contract-value-by-year", provider_name="AWS")
    assert [(r["provider"], r["year"], r["currency"], r["total"]) for r in totals] == [
        ("Amazon Web Services", "2019", "USD", "1300000000")  # Lyft's $300m and Snap's $1bn commitment
    ]


def test_date_params_of_articles(samples_store):
    every = rows(samples_store, "articles")
    some = rows(samples_store, "articles", since="2019", until="2021")
    assert len(every) == 8
    assert some and all("2019" <= r["published"][:4] <= "2021" for r in some)
    assert len(some) < len(every)


CONFLICT = """
@prefix cvkg: <https://w3id.org/cvkg/ontology#> . @prefix evt: <https://w3id.org/cvkg/event/> .
@prefix ent: <https://w3id.org/cvkg/entity/> . @prefix doc: <https://w3id.org/cvkg/article/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
doc:a { doc:a a schema:NewsArticle ; schema:headline "Report A" .
        evt:fr a cvkg:FinancialResult ; cvkg:organization ent:acme ; cvkg:growthRate 0.37 ;
            cvkg:revenue evt:fr-revenue-100-usd ; prov:wasDerivedFrom doc:a .
        evt:fr-revenue-100-usd schema:value 100 ; schema:currency "USD" .
        ent:acme rdfs:label "Acme Cloud" . }
doc:b { doc:b a schema:NewsArticle ; schema:headline "Report B" .
        evt:fr a cvkg:FinancialResult ; cvkg:organization ent:acme ; cvkg:growthRate 0.39 ;
            cvkg:revenue evt:fr-revenue-100-usd ; prov:wasDerivedFrom doc:b .
        evt:fr-revenue-100-usd schema:value 100 ; schema:currency "USD" .
        ent:acme rdfs:label "Acme Cloud" . }
doc:c { doc:c a schema:NewsArticle ; schema:headline "Report C" .
        evt:fr cvkg:revenue evt:fr-revenue-120-usd ; prov:wasDerivedFrom doc:c .
        evt:fr-revenue-120-usd schema:value 120 ; schema:currency "USD" . }
"""


def test_conflicting_figures_list_each_value_with_its_sources():
    store = open_store("memory:")
    store.load(CONFLICT.encode(), ox.RdfFormat.TRIG)
    found = rows(store, "conflicting-figures")
    assert {(r["about"], r["figure"], Decimal(r["value"]), r["source"], int(r["articles"])) for r in found} == {
        ("Acme Cloud", "growthRate", Decimal("0.37"), "Report A", 1),
        ("Acme Cloud", "growthRate", Decimal("0.39"), "Report B", 1),
        ("Acme Cloud", "revenue (USD)", Decimal(100), "Report A", 2),
        ("Acme Cloud", "revenue (USD)", Decimal(120), "Report C", 1),
    }
    # a store of an older cvkg: the two values on one node
    older = open_store("memory:")
    older.load(CONFLICT.replace("-100-usd", "-usd").replace("-120-usd", "-usd").encode(), ox.RdfFormat.TRIG)
    assert {
        (r["figure"], Decimal(r["value"])) for r in rows(older, "conflicting-figures") if "revenue" in r["figure"]
    } == {
        ("revenue (USD)", Decimal(100)),
        ("revenue (USD)", Decimal(120)),
    }


@pytest.mark.parametrize("name", ["left-provider", "events-about", "event-source", "articles"])
def test_params_cannot_inject_sparql(samples_store, name):
    before = samples_store.quad_count()
    params = {p.name: INJECTION for p in load_query(name).params}
    assert rows(samples_store, name, **params) == []
    assert samples_store.quad_count() == before


def test_literal_and_iri_values_are_bound_as_terms(samples_store):
    query = "SELECT ?label ?node WHERE { ?node rdfs:label ?label }"
    by_label = run_query(samples_store, query, bindings={"label": Literal("Apple")})
    assert {s["node"].value for s in by_label} == {"https://w3id.org/cvkg/entity/apple"}  # type: ignore[attr-defined]


# parameters that narrow the samples' answers, each to a non-empty part
NARROWING = [
    ("customers-by-provider", {"provider_name": "aws"}),
    ("deals-by-provider", {"provider_name": "Google Cloud"}),
    ("provider-financials", {"provider_name": "Google Cloud"}),
    ("articles", {"since": "2021-01-01"}),
]


@pytest.mark.parametrize(("name", "params"), NARROWING)
def test_parameters_narrow_the_same_way_on_a_sparql_server(samples_store, oxigraph_server, name, params):
    """A server gets the parameters as a VALUES block its filters see: the same rows as the embedded store."""
    from graph.export import export_graph

    server = open_store(oxigraph_server)
    try:
        server.update("DROP ALL")
        server.load(export_graph(samples_store, "nquads"), ox.RdfFormat.N_QUADS)
        narrowed = rows(samples_store, name, **params)
        widest = rows(samples_store, name, **{k: v for k, v in _required(name).items() if k not in params})
        assert narrowed and len(narrowed) < len(widest), (name, len(narrowed), len(widest))
        assert rows(server, name, **params) == narrowed
    finally:
        server.update("DROP ALL")
        server.close()


def test_prepare_writes_the_values_and_the_name_key_into_the_text():
    named = load_query("data-centers")
    narrowed = prepare(named, {"provider_name": "Alibaba CLOUD"})
    assert 'VALUES (?provider_name ?provider_name_key) { ("Alibaba CLOUD" "alibaba cloud") }' in narrowed
    assert "?org cvkg:nameKey ?provider_name_key ." in narrowed and "# with" not in narrowed
    # not given, or given empty: every provider, the key line left out and no key bound
    for every in (prepare(named, {}), prepare(named, {"provider_name": ""})):
        assert "nameKey" not in every and "_key" not in every
    assert "VALUES" not in prepare(named, {})
    # a subquery using the parameter gets its own VALUES block (it does not see the outer one)
    assert prepare(load_query("contract-value-by-year"), {"provider_name": "Google Cloud"}).count("VALUES (") == 2
    with pytest.raises(QueryError, match="has no parameter 'bogus'"):
        prepare(named, {"bogus": "x"})


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Alibaba Cloud", "alibaba cloud", "ALIBABA CLOUD", "Aliyun", "aliyun"])
def test_a_provider_is_found_by_any_of_its_names_in_any_case(dev_store, name):
    found = rows(dev_store, "data-centers", provider_name=name)
    assert found and {r["provider"] for r in found} == {"Alibaba Cloud"}
    assert {r["provider_name"] for r in found} == {name}  # the parameter echoed as given


@pytest.mark.slow
def test_every_entity_name_has_its_key(dev_store):
    """The keys the lookups use are exactly the names in lower case (none missing, none stale)."""
    names = {
        (s["e"].value, s["n"].value.lower()) for s in dev_store.query("SELECT ?e ?n { ?e rdfs:label|skos:altLabel ?n }")
    }
    keys = {(s["e"].value, s["k"].value) for s in dev_store.query("SELECT ?e ?k { ?e cvkg:nameKey ?k }")}
    assert names and keys == names
