"""Article lifecycle on real Oxigraph (embedded directory and `oxigraph serve`): ingest, re-ingest, remove."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic
from support import ARTICLES

from graph.iris import article_iri
from graph.records import Article
from graph.stores import open_store
from ontology import BACKGROUND, ENT, EVT
from pipelines.config import Settings
from pipelines.service import ingest_paths

# Two reports of one migration, in different words, from different outlets.
REPORT_A = """---
title: "Northwind Freight moves its booking platform to AWS"
date: 2022-03-14
url: https://news.example/lifecycle-a
publisher: "Test Wire"
---
Northwind Freight is moving its booking platform from Microsoft Azure to Amazon Web Services, the logistics company
said on Monday.
"""
REPORT_B = """---
title: "Why Northwind Freight picked AWS"
date: 2022-03-16
url: https://news.example/lifecycle-b
publisher: "Other Wire"
---
Northwind Freight will migrate its booking platform from Microsoft Azure to Amazon Web Services before the end of the
year, according to a company spokesperson.
"""
DOC_A = str(article_iri(Article(text="", url="https://news.example/lifecycle-a")))
DOC_B = str(article_iri(Article(text="", url="https://news.example/lifecycle-b")))
MIGRATION = str(EVT["migration-northwind-freight"])
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(params=["embedded", pytest.param("served", marks=pytest.mark.slow)])
def real_store(request, tmp_path):
    """An empty store on disk, and one behind a real `oxigraph serve` (the same runs over HTTP: slow)."""
    if request.param == "served":
        handle = open_store(request.getfixturevalue("oxigraph_server"))
        handle.update("DROP ALL")
    else:
        handle = open_store(tmp_path / "kg")
    yield handle
    handle.close()


@pytest.fixture()
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT_B, encoding="utf-8")
    return folder


def _union(store) -> Graph:
    return Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES, union=True), format="nt")


def _sizes(store) -> dict[str, int]:
    return {row["g"].value: int(row["n"].value) for row in store.query(GRAPH_SIZES)}


def _sources(store, event: str) -> set[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ <{event}> prov:wasDerivedFrom ?s }}")
    return {row["s"].value for row in rows}


def test_ingesting_a_folder_twice_changes_nothing(real_store):
    first = ingest_paths([ARTICLES], real_store, Settings())
    graphs, quads, union = real_store.article_graphs(), real_store.quad_count(), _union(real_store)
    assert first.read == 6 and len(graphs) == 6 and quads == first.store_quads > 0
    second = ingest_paths([ARTICLES], real_store, Settings())
    assert second.store_quads == quads == real_store.quad_count()
    assert real_store.article_graphs() == graphs
    again = _union(real_store)
    if not isomorphic(union, again):
        _, only_first, only_second = graph_diff(union, again)
        pytest.fail(f"union changed:\n-{only_first.serialize(format='nt')}\n+{only_second.serialize(format='nt')}")


def test_remove_drops_exactly_one_article_graph(real_store):
    ingest_paths([ARTICLES], real_store, Settings())
    before = _sizes(real_store)
    gone = str(article_iri(Article(text="", url="https://news.example/frontmatter")))
    assert gone in before
    assert real_store.remove_articles([gone]) == 1
    after = _sizes(real_store)
    background = str(BACKGROUND)  # the gazetteer's facts about the entities still named: may shrink
    assert {g: n for g, n in after.items() if g != background} == {
        g: n for g, n in before.items() if g not in (gone, background)
    }
    assert real_store.quad_count() == sum(after.values()) and 0 < after[background] <= before[background]
    assert not real_store.has_article(gone)
    assert real_store.remove_articles([gone]) == 0


def test_an_event_from_two_articles_keeps_both_sources_until_one_is_removed(real_store, reports):
    summary = ingest_paths([reports], real_store, Settings())
    assert summary.read == 2 and sorted(real_store.article_graphs()) == sorted([DOC_A, DOC_B])
    assert _sources(real_store, MIGRATION) == {DOC_A, DOC_B}
    rows = real_store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{MIGRATION}> a cvkg:Migration }} }}")
    assert sorted(row["g"].value for row in rows) == sorted([DOC_A, DOC_B])

    assert real_store.remove_articles([DOC_A]) == 1
    assert _sources(real_store, MIGRATION) == {DOC_B}
    roles = real_store.query(
        f"SELECT ?from ?to WHERE {{ <{MIGRATION}> a cvkg:Migration ; cvkg:customer ?c ;"
        " cvkg:fromProvider ?from ; cvkg:toProvider ?to }"
    )
    assert [(r["from"].value, r["to"].value) for r in roles] == [
        (str(ENT["microsoft-azure"]), str(ENT["amazon-web-services"]))
    ]


def test_entities_are_one_iri_across_articles(real_store, reports):
    ingest_paths([reports], real_store, Settings())
    rows = real_store.query(
        "SELECT ?label (COUNT(DISTINCT ?e) AS ?iris) (COUNT(DISTINCT ?g) AS ?graphs) WHERE {"
        " GRAPH ?g { ?e rdfs:label ?label } FILTER(?label IN ('Northwind Freight', 'Amazon Web Services'))"
        " FILTER(?g != <https://w3id.org/cvkg/graph/background>) }"
        " GROUP BY ?label ORDER BY ?label"
    )
    assert [(r["label"].value, int(r["iris"].value), int(r["graphs"].value)) for r in rows] == [
        ("Amazon Web Services", 1, 2),
        ("Northwind Freight", 1, 2),
    ]
    customers = real_store.query("SELECT DISTINCT ?c WHERE { GRAPH ?g { ?m cvkg:customer ?c } }")
    assert [r["c"].value for r in customers] == [str(ENT["northwind-freight"])]


def test_a_failed_write_is_reported_when_extraction_fails_too(tmp_path, reports, caplog):
    """Leaving on an error waits for the write in flight; if that write failed, the log says so."""
    open_store(tmp_path / "kg").close()
    store = open_store(tmp_path / "kg", read_only=True)  # every write fails, as a full disk would
    seen: list[str] = []

    def fail_on_second(result) -> None:
        seen.append(result.article.url)
        if len(seen) == 2:
            raise RuntimeError("extraction failed")

    try:
        with pytest.raises(RuntimeError, match="extraction failed"):
            ingest_paths([reports], store, Settings(batch_size=1), on_article=fail_on_second)
    finally:
        store.close()
    failed = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(failed) == 1 and "also failed (not stored)" in failed[0] and "read-only" in failed[0], failed
