"""The store: named graph per article, idempotent replace, remove, exports, SHACL."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.build import article_triples
from graph.export import export_graph
from graph.iris import article_iri, event_iri
from graph.records import Amount, Article, ArticleResult, Entity, Event, Relation
from graph.stores import open_store

BYTEDANCE = Entity("bytedance", "ByteDance", "Company", wikidata="Q55606330")
TIKTOK = Entity("tiktok", "TikTok", "Product")
ALIBABA = Entity("alibaba-cloud", "Alibaba Cloud", "CloudProvider")
AWS = Entity("amazon-web-services", "Amazon Web Services", "CloudProvider", ("AWS",))


def _result(url: str, *, evidence: str = "ByteDance moved TikTok from Alibaba Cloud to AWS.") -> ArticleResult:
    migration = Event(
        type="Migration",
        roles={
            "customer": (BYTEDANCE,),
            "workload": (TIKTOK,),
            "fromProvider": (ALIBABA,),
            "toProvider": (AWS,),
            "value": (Amount(Decimal(800_000_000), "USD", per="P1Y", qualifier="approximately"),),
        },
        evidence=evidence,
        confidence=0.9,
    )
    return ArticleResult(
        article=Article(
            text=evidence,
            title="TikTok leaves Alibaba",
            date="2021-05-19",
            url=url,
            publisher="TechNode",
        ),
        entities=(BYTEDANCE, TIKTOK, ALIBABA, AWS),
        events=(migration,),
        relations=(Relation(BYTEDANCE, "owns", TIKTOK),),
    )


def _write(store, *results: ArticleResult) -> None:
    store.replace_articles([article_triples(r) for r in results])


def test_article_lives_in_its_named_graph(store):
    result = _result("https://news.example/a")
    _write(store, result)
    doc = article_iri(result.article)
    assert store.article_graphs() == [str(doc)]
    rows = list(store.query("SELECT ?g WHERE { GRAPH ?g { ?e a cvkg:Migration } }"))
    assert [r["g"].value for r in rows] == [str(doc)]
    value = next(
        iter(
            store.query(
                "SELECT ?v ?c ?per WHERE { ?e cvkg:value [ schema:value ?v ; schema:currency ?c ; cvkg:per ?per ] }"
            )
        )
    )
    assert (value["v"].value, value["c"].value, value["per"].value) == ("800000000", "USD", "P1Y")


def test_writing_the_same_article_twice_keeps_the_quad_count(store):
    _write(store, _result("https://news.example/a"))
    first = store.quad_count()
    _write(store, _result("https://news.example/a"))
    assert store.quad_count() == first > 0


def test_replacing_an_article_drops_what_it_no_longer_says(store):
    _write(store, _result("https://news.example/a", evidence="old sentence"))
    _write(store, _result("https://news.example/a", evidence="new sentence"))
    evidence = {r["ev"].value for r in store.query("SELECT ?ev WHERE { ?e cvkg:evidence ?ev }")}
    assert evidence == {"new sentence"}


def test_an_event_from_two_articles_keeps_both_sources_and_survives_removal(store):
    a, b = _result("https://news.example/a"), _result("https://news.example/b")
    _write(store, a, b)
    event = event_iri(a.events[0])
    sources = {r["s"].value for r in store.query(f"SELECT DISTINCT ?s WHERE {{ <{event}> prov:wasDerivedFrom ?s }}")}
    assert sources == {str(article_iri(a.article)), str(article_iri(b.article))}
    assert store.remove_articles([article_iri(a.article)]) == 1
    sources = {r["s"].value for r in store.query(f"SELECT DISTINCT ?s WHERE {{ <{event}> prov:wasDerivedFrom ?s }}")}
    assert sources == {str(article_iri(b.article))}


def test_embedded_store_persists_across_reopen(tmp_path):
    location = tmp_path / "kg"
    handle = open_store(location)
    _write(handle, _result("https://news.example/a"))
    count = handle.quad_count()
    handle.close()
    del handle
    reopened = open_store(location, read_only=True)
    assert reopened.quad_count() == count


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dataset_export_round_trips_isomorphically(store, fmt):
    _write(store, _result("https://news.example/a"), _result("https://news.example/b"))
    data = export_graph(store, fmt)
    fresh = open_store("memory:")
    fresh.load(data, ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS)
    again = export_graph(fresh, fmt)
    first, second = Dataset(), Dataset()
    first.parse(data=data, format=fmt)
    second.parse(data=again, format=fmt)
    names = {g.identifier for g in first.graphs() if len(g)}
    assert names == {g.identifier for g in second.graphs() if len(g)} and len(names) == 3  # and the background
    for name in names:
        assert isomorphic(first.graph(name), second.graph(name))


def test_turtle_and_jsonld_exports_parse_and_bind_prefixes(store):
    _write(store, _result("https://news.example/a"))
    turtle = export_graph(store, "turtle").decode()
    assert "@prefix cvkg: <https://w3id.org/cvkg/ontology#>" in turtle
    graph = Graph().parse(data=turtle, format="turtle")
    jsonld = Graph().parse(data=export_graph(store, "jsonld"), format="json-ld")
    assert isomorphic(graph, jsonld)


def test_written_graph_conforms_to_the_shapes(store):
    from pyshacl import validate

    from ontology import load_shapes

    _write(store, _result("https://news.example/a"))
    graph = Graph().parse(data=export_graph(store, "turtle"), format="turtle")
    conforms, _, text = validate(graph, shacl_graph=load_shapes())
    assert conforms, text


def test_bad_update_raises_query_error(store):
    from graph.errors import QueryError

    with pytest.raises(QueryError):
        store.update("INSERT DATA { this is not sparql }")


def test_second_writer_gets_store_in_use_error(tmp_path):
    import subprocess
    import sys

    from graph.errors import StoreError

    location = tmp_path / "kg"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('ok', flush=True); sys.stdin.read()",
            str(location),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="in use"):
            open_store(location)
    finally:
        holder.communicate("")


def test_query_results_have_the_same_types_on_every_store(store):
    from graph.results import format_result

    _write(store, _result("https://news.example/a"))
    select = store.query("SELECT ?l WHERE { ent:bytedance rdfs:label ?l }")
    assert isinstance(select, ox.QuerySolutions)
    assert [v.value for v in select.variables] == ["l"]
    assert [row["l"] for row in select] == [ox.Literal("ByteDance")]
    ask = store.query("ASK { ?e a cvkg:Migration }")
    assert isinstance(ask, ox.QueryBoolean) and bool(ask)
    construct = store.query("CONSTRUCT { ?e a cvkg:Migration } WHERE { ?e a cvkg:Migration }")
    assert isinstance(construct, ox.QueryTriples)
    turtle = format_result(construct, "table")
    assert "cvkg:Migration" in turtle and Graph().parse(data=turtle, format="turtle")


def test_bindings_fix_variables_and_are_never_spliced(store):
    from rdflib import Literal

    from ontology import ENT

    _write(store, _result("https://news.example/a"))
    rows = store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }", bindings={"e": ENT["tiktok"]})
    assert [(r["e"].value, r["l"].value) for r in rows] == [(str(ENT["tiktok"]), "TikTok")]
    hostile = Literal('x" } } ; DROP ALL ; SELECT * { "')
    rows = store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }", bindings={"l": hostile})
    assert list(rows) == []
    assert not store.query("ASK { ?e rdfs:label ?l }", bindings={"l": Literal("TikTok", lang="en")})
    assert store.query("ASK { ?e rdfs:label ?l }", bindings={"l": Literal("TikTok")})
    assert store.quad_count() > 0


def test_bad_binding_names_and_values_are_query_errors(store):
    from rdflib import URIRef

    from graph.errors import QueryError

    with pytest.raises(QueryError, match="variable name"):
        store.query("SELECT * WHERE { ?s ?p ?o }", bindings={"s) } DROP ALL #": URIRef("https://x.example/")})
    with pytest.raises(QueryError, match="IRI or a literal"):
        store.query("SELECT * WHERE { ?s ?p ?o }", bindings={"s": "plain text"})
    with pytest.raises(QueryError):
        store.query("SELECT * WHERE { ?s ?p ?o }", bindings={"s": URIRef("https://x.example/> } ; DROP ALL #")})


def test_graph_names_are_checked_before_they_reach_sparql(store):
    from graph.errors import StoreError

    _write(store, _result("https://news.example/a"))
    count = store.quad_count()
    with pytest.raises(StoreError, match="not a valid graph IRI"):
        store.remove_articles(["https://x.example/a> } ; DROP ALL ; #"])
    assert store.quad_count() == count
    assert store.remove_articles(["https://w3id.org/cvkg/article/not-there"]) == 0


def test_malformed_query_is_a_query_error(store):
    from graph.errors import QueryError

    with pytest.raises(QueryError):
        store.query("SELEKT ?x WHERE { ?x ?p ?o }")


def test_read_only_handle_refuses_updates(store):
    from graph.errors import StoreError

    if store.location == "memory:":
        pytest.skip("memory: has no read-only mode")
    handle = open_store(store.location, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        handle.update("CLEAR ALL")
    handle.close()


def test_has_article_and_article_graphs_agree(store):
    a, b = _result("https://news.example/a"), _result("https://news.example/b")
    _write(store, a, b)
    names = sorted(str(article_iri(r.article)) for r in (a, b))
    assert store.article_graphs() == names
    assert all(store.has_article(n) for n in names)
    assert not store.has_article("https://w3id.org/cvkg/article/not-there")


@pytest.mark.parametrize(
    ("location", "query", "update", "gsp"),
    [
        (
            "http://127.0.0.1:7878",
            "http://127.0.0.1:7878/query",
            "http://127.0.0.1:7878/update",
            "http://127.0.0.1:7878/store",
        ),
        ("http://h:3030/kg#gsp=.", "http://h:3030/kg/query", "http://h:3030/kg/update", "http://h:3030/kg"),
        (
            "http://h:7200/repositories/kg#query=.&update=statements&gsp=rdf-graphs/service",
            "http://h:7200/repositories/kg",
            "http://h:7200/repositories/kg/statements",
            "http://h:7200/repositories/kg/rdf-graphs/service",
        ),
        (
            "https://h:8182/#query=/sparql&update=/sparql&gsp=/sparql/gsp/",
            "https://h:8182/sparql",
            "https://h:8182/sparql",
            "https://h:8182/sparql/gsp/",
        ),
    ],
)
def test_remote_location_names_the_endpoints(location, query, update, gsp):
    from graph.stores.remote import parse_location

    endpoints = parse_location(location)
    assert (endpoints.query, endpoints.update, endpoints.gsp) == (query, update, gsp)


def test_remote_location_options_are_checked():
    from graph.errors import StoreError
    from graph.stores.remote import parse_location, with_endpoint_paths

    assert parse_location("http://h#union=server&timeout=2.5").keeps_index is False
    assert parse_location("http://h#timeout=2.5").timeout == 2.5
    for bad, message in [
        ("#qeury=x", "unknown store option 'qeury'"),
        ("#union=yes", "union="),
        ("#timeout=soon", "timeout="),
    ]:
        with pytest.raises(StoreError, match=message):
            parse_location("http://h" + bad)
    folded = with_endpoint_paths("http://h:3030/kg#gsp=.", query="sparql", gsp="data")
    endpoints = parse_location(folded)
    assert (endpoints.query, endpoints.gsp) == ("http://h:3030/kg/sparql", "http://h:3030/kg")
    assert with_endpoint_paths("some/dir", query="sparql") == "some/dir"


def test_remote_endpoint_paths_are_used(oxigraph_server):
    from graph.errors import StoreError

    store = open_store(oxigraph_server)
    store.update("DROP ALL")
    _write(store, _result("https://news.example/a"))
    elsewhere = open_store(f"{oxigraph_server}/nothing-here#query=/query&update=/update&gsp=/store")
    assert elsewhere.quad_count() == store.quad_count() > 0
    wrong = open_store(f"{oxigraph_server}#query=no-such-endpoint")
    with pytest.raises(StoreError, match=rf"POST {oxigraph_server}/no-such-endpoint\S* failed: HTTP 404") as info:
        wrong.query("ASK {}")
    assert "\n" not in str(info.value)


def test_unreachable_server_is_a_one_line_store_error():
    from support import free_port

    from graph.errors import StoreError

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match=rf"cannot reach SPARQL server at {url}/query.*refused") as info:
        open_store(url).quad_count()
    assert "\n" not in str(info.value)


def test_silent_server_times_out_with_a_store_error():
    import socket

    from graph.errors import StoreError

    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(
            StoreError, match=r"no complete answer within 0.3 s .*cut before the answer.s headers were complete"
        ):
            open_store(url + "#timeout=0.3").query("ASK {}")


def test_read_only_server_refuses_writes_with_the_status(tmp_path, start_server):
    from support import free_port

    from graph.errors import StoreError
    from graph.stores.server import find_oxigraph

    seeded = open_store(tmp_path / "kg")
    _write(seeded, _result("https://news.example/a"))
    seeded.close()
    del seeded
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start_server(
        [find_oxigraph(), "serve-read-only", "--location", str(tmp_path / "kg"), "--bind", f"127.0.0.1:{port}"], url
    )
    remote = open_store(url)
    assert remote.article_graphs() == [str(article_iri(_result("https://news.example/a").article))]
    with pytest.raises(StoreError, match=rf"POST {url}/update failed: HTTP 403 Forbidden: The server is read-only"):
        remote.remove_articles(remote.article_graphs())
