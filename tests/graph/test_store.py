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
from graph.store import open_store

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
    assert names == {g.identifier for g in second.graphs() if len(g)} and len(names) == 2
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
