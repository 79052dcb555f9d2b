"""Exports (whole store and subsets through `query`), TriG round trip, SHACL validation."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from support import SAMPLES

from graph.errors import QueryError
from graph.export import export_graph, list_articles, select_articles
from graph.stores import open_store
from graph.validate import file_graph, store_graph, validate_graph
from ontology import BACKGROUND


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory):
    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    location = str(tmp_path_factory.mktemp("export") / "store")
    store = open_store(location)
    ingest_paths([SAMPLES], store, Settings(store=location))
    yield store
    store.close()


def _graphs(data: bytes, fmt: str = "trig") -> dict[URIRef, Graph]:
    ds = Dataset()
    ds.parse(data=data, format=fmt)
    return {g.identifier: g for g in ds.graphs() if len(g)}  # type: ignore[misc]


def _assert_same(expected: Graph, actual: Graph, name: object) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(f"{name}: only expected {sorted(only_expected)[:5]}, only actual {sorted(only_actual)[:5]}")


def test_trig_round_trip_keeps_every_named_graph(samples_store):
    first = export_graph(samples_store, "trig")
    copy = open_store("memory:")
    copy.load(first, ox.RdfFormat.TRIG)
    second = export_graph(copy, "trig")
    before, after = _graphs(first), _graphs(second)
    assert len(before) == 9 and set(before) == set(after)  # 8 articles and the background graph
    for name, graph in before.items():
        _assert_same(graph, after[name], name)


def test_subset_through_query_equals_the_dump(samples_store):
    every = [a.iri for a in list_articles(samples_store)]
    dumped = _graphs(export_graph(samples_store, "trig"))
    picked = _graphs(export_graph(samples_store, "trig", articles=every))
    assert set(picked) == set(dumped)
    for name, graph in dumped.items():
        _assert_same(graph, picked[name], name)
    union = Graph().parse(data=export_graph(samples_store, "turtle", articles=every), format="turtle")
    _assert_same(Graph().parse(data=export_graph(samples_store, "turtle"), format="turtle"), union, "union")


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads"])
@pytest.mark.parametrize("subset", [False, True])
def test_name_keys_stay_out_of_exports_unless_asked(samples_store, fmt, subset):
    """cvkg:nameKey is cvkg's lookup index, not data: exports leave it out; --with-name-keys keeps it."""
    articles = [a.iri for a in list_articles(samples_store)] if subset else []
    plain = export_graph(samples_store, fmt, articles=articles)
    keyed = export_graph(samples_store, fmt, articles=articles, name_keys=True)
    assert b"nameKey" not in plain
    assert keyed.count(b"nameKey") > 50
    # nothing else is left out
    without = [line for line in keyed.decode().splitlines() if "nameKey" not in line]
    if fmt == "nquads":
        assert sorted(without) == sorted(plain.decode().splitlines())


def test_articles_by_iri_doc_name_url_and_date(samples_store):
    articles = list_articles(samples_store)
    first = articles[0]
    short = "doc:" + first.iri.rsplit("/", 1)[1]
    assert select_articles(samples_store, articles=[short, f"<{first.iri}>"]) == [first.iri]
    dated = sorted((a.date, a.iri) for a in articles if a.date)
    year = dated[0][0][:4]
    in_year = select_articles(samples_store, since=year, until=year)
    assert in_year and set(in_year) == {iri for date, iri in dated if date.startswith(year)}
    assert select_articles(samples_store, since="2999") == []
    graphs = _graphs(export_graph(samples_store, "nquads", since=year, until=year), "nquads")
    assert set(map(str, graphs)) == {*in_year, str(BACKGROUND)}  # and the background of the entities they name
    with pytest.raises(QueryError, match="no article doc:nope in the store"):
        select_articles(samples_store, articles=["doc:nope"])
    with pytest.raises(QueryError, match="is not YYYY"):
        select_articles(samples_store, since="May 2021")


def test_union_formats_of_a_subset_parse(samples_store):
    first = list_articles(samples_store)[0].iri
    trig = _graphs(export_graph(samples_store, "trig", articles=[first]))
    expected = trig[URIRef(first)]
    for fmt, rdflib_fmt in (("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt")):
        graph = Graph().parse(data=export_graph(samples_store, fmt, articles=[first]), format=rdflib_fmt)
        _assert_same(expected, graph, fmt)
    assert b"@prefix cvkg: <https://w3id.org/cvkg/ontology#>" in export_graph(samples_store, "turtle", articles=[first])


def test_what_cvkg_writes_conforms(samples_store):
    report = validate_graph(store_graph(samples_store))
    assert report.conforms, "\n".join(report.lines())
    assert report.violations == () and report.triples > 500


BAD = """
@prefix cvkg: <https://w3id.org/cvkg/ontology#> . @prefix ent: <https://w3id.org/cvkg/entity/> .
@prefix evt: <https://w3id.org/cvkg/event/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
evt:bad a cvkg:Migration ; cvkg:confidence 1.5 ; cvkg:customer "Acme" .
ent:acme a cvkg:Company ; rdfs:label "Acme", "ACME Corp" .
"""


def test_a_hand_made_bad_graph_does_not_conform(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text(BAD, encoding="utf-8")
    report = validate_graph(file_graph(path))
    assert not report.conforms
    found = {(v.focus, v.path) for v in report.violations}
    assert found == {
        ("ent:acme", "rdfs:label"),
        ("evt:bad", "cvkg:confidence"),
        ("evt:bad", "cvkg:customer"),
        ("evt:bad", "cvkg:evidence"),
        ("evt:bad", "prov:wasDerivedFrom"),
    }
    assert report.lines()[-1] == "does not conform: 5 violation(s) in 6 triples"
    assert "ent:acme  rdfs:label  An entity has exactly one rdfs:label." in report.lines()


def test_a_trig_file_is_validated_as_the_union_of_its_graphs(samples_store, tmp_path):
    path = tmp_path / "kg.trig"
    path.write_bytes(export_graph(samples_store, "trig"))
    assert validate_graph(file_graph(path)).conforms


@pytest.mark.slow
def test_everything_the_dev_ingest_writes_conforms(shared, tmp_path):
    """Events read from several articles carry one confidence per article graph; the shapes allow that."""
    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    store = open_store("memory:")
    ingest_paths([shared / "corpus" / "dev"], store, Settings(store="memory:"))
    report = validate_graph(store_graph(store))
    assert report.conforms, [str(v) for v in report.violations][:5]
    shared_events = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?e WHERE { ?e prov:wasDerivedFrom ?a } "
        "GROUP BY ?e HAVING (COUNT(DISTINCT ?a) > 1) } }"
    )
    assert int(next(iter(shared_events))["n"].value) > 0  # type: ignore[call-overload]  # the case is covered


def test_conflicting_figures_of_two_sources_conform_and_stay_two(tmp_path):
    """Two articles give different prices for one acquisition: two amount nodes, each stated by its article."""
    from graph.library import load_query, prepare
    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "---\nurl: https://news.example/one\ndate: 2024-03-04\n---\n"
        "Quillfeather Systems agreed to acquire Brightmoor Analytics for $7.5 billion, the companies said on Monday.\n",
        encoding="utf-8",
    )
    (folder / "two.txt").write_text(
        "---\nurl: https://news.example/two\ndate: 2024-03-05\n---\n"
        "Quillfeather Systems will buy Brightmoor Analytics for $7.8 billion in cash, people close to the deal said.\n",
        encoding="utf-8",
    )
    store = open_store(str(tmp_path / "store"))
    ingest_paths([folder], store, Settings(store=str(tmp_path / "store")))
    report = validate_graph(store_graph(store))
    assert report.conforms, "\n".join(report.lines())
    values = {
        (row["node"].value, row["amount"].value)
        for row in store.query(  # type: ignore[attr-defined]
            "SELECT ?node ?amount WHERE { ?e a cvkg:Acquisition ; cvkg:value ?node . ?node schema:value ?amount }"
        )
    }
    assert {amount for _, amount in values} == {"7500000000", "7800000000"}
    assert len({node for node, _ in values}) == 2
    listed = {row["value"].value for row in store.query(prepare(load_query("conflicting-figures"), {}))}  # type: ignore[attr-defined]
    assert listed == {"7500000000", "7800000000"}


@pytest.mark.slow
def test_a_generated_corpus_conforms(tmp_path):
    """benchmarks/corpus.py articles repeat events with other figures: what cvkg writes still conforms (issue 18)."""
    import subprocess
    import sys

    from support import ROOT

    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "corpus.py"), str(corpus), "--articles", "120", "--seed", "7"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    location = str(tmp_path / "store")
    store = open_store(location)
    ingest_paths([corpus], store, Settings(store=location))
    report = validate_graph(store_graph(store))
    assert report.triples > 5000
    assert report.conforms, "\n".join(report.lines()[:20])
