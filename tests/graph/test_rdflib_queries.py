"""Every named query on the exports in rdflib gives the rows `cvkg query --name` gives on the store.

A user loads `cvkg export` into rdflib and runs the library there: the Turtle (the union of the
article graphs) into a `Graph`, or, for a query that reads the article graphs, the TriG into a
`Dataset(default_union=True)`. The text is `prepare(..., portable=True)`: exports carry no name keys.
No time is asserted; a query that runs past TIMEOUT fails (benchmarks/rdflib_queries.py has the times).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation

import pytest
from rdflib import Dataset, Graph, Literal
from support import SAMPLES

from graph.export import export_graph
from graph.library import list_queries, load_query, prepare
from graph.sparql import QueryTimeoutError, call_with_timeout
from graph.stores import open_store
from ontology.vocab import PREFIXES

TIMEOUT = 120.0  # seconds: not a speed bound, a guard against a query that never ends (rdflib cannot be stopped)
NUMERIC = ("integer", "decimal", "double", "float", "long", "int")
EVERY_QUERY = [q.name for q in list_queries()]
# required parameters, the same in both rounds: the samples have these
REQUIRED = {"entity_name": "Amazon Web Services", "event": "evt:migration-apple"}
# rdflib's own deprecations (ConjunctiveGraph, Dataset.contexts), thousands a run
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


def _key(value: str, datatype: str | None) -> object:
    """A value as compared across engines: numbers by value ("1.0" = "1"), the rest by their text."""
    if datatype and datatype.rsplit("#", 1)[-1] in NUMERIC:
        try:
            return Decimal(value).normalize()
        except InvalidOperation:
            pass
    return value


def store_rows(store, text: str) -> Counter:
    import pyoxigraph as ox

    result = store.query(text)
    names = [v.value for v in result.variables]
    return Counter(
        tuple(
            None if t is None else _key(t.value, t.datatype.value if isinstance(t, ox.Literal) else None)
            for t in (row[n] for n in names)
        )
        for row in result
    )


def rdflib_rows(graph: Graph, text: str) -> Counter:
    def run() -> Counter:
        result = graph.query(text, initNs=PREFIXES)
        names = [str(v) for v in result.vars]
        return Counter(
            tuple(
                None if t is None else _key(str(t), str(t.datatype) if isinstance(t, Literal) and t.datatype else None)
                for t in (row[n] for n in names)
            )
            for row in result
        )

    return call_with_timeout(run, TIMEOUT)


def _exported(folder, location):
    """`folder` ingested into an embedded store, and its Turtle and TriG exports parsed by rdflib."""
    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    store = open_store(location)
    assert ingest_paths([folder], store, Settings(store=location)).read > 0
    turtle = Graph().parse(data=export_graph(store, "turtle"), format="turtle")
    trig = Dataset(default_union=True).parse(data=export_graph(store, "trig"), format="trig")
    return store, turtle, trig


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The bundled samples, their store and exports."""
    store, turtle, trig = _exported(SAMPLES, str(tmp_path_factory.mktemp("rdflib") / "store"))
    yield store, turtle, trig
    store.close()


@pytest.fixture(scope="module")
def dev_exported(shared, tmp_path_factory):
    """The shared dev corpus, its store and exports."""
    store, turtle, trig = _exported(shared / "corpus" / "dev", str(tmp_path_factory.mktemp("rdflib-dev") / "store"))
    yield store, turtle, trig
    store.close()


@pytest.mark.parametrize("params", ["none", "example"])
@pytest.mark.parametrize("name", EVERY_QUERY)
def test_every_query_answers_the_export_in_rdflib_as_on_the_store(exported, name, params):
    _same_rows(exported, name, params, REQUIRED)


@pytest.mark.slow
@pytest.mark.parametrize("params", ["none", "example"])
@pytest.mark.parametrize("name", EVERY_QUERY)
def test_every_query_answers_the_dev_export_in_rdflib_as_on_the_store(dev_exported, name, params):
    _same_rows(dev_exported, name, params, {"entity_name": "ByteDance", "event": "evt:migration-bytedance"})


def _same_rows(exported, name: str, params: str, examples: dict[str, str]) -> None:
    store, turtle, trig = exported
    query = load_query(name)
    required = {p.name: examples.get(p.name, p.example) for p in query.params if p.required}
    values = required if params == "none" else {p.name: p.example.strip("<>") for p in query.params} | required
    expected = store_rows(store, prepare(query, values))
    try:
        found = rdflib_rows(trig if query.needs_graphs else turtle, prepare(query, values, portable=True))
    except QueryTimeoutError:
        pytest.fail(f"{name} with {values} did not finish in rdflib within {TIMEOUT:g} s")
    assert found == expected, (name, values, sum(found.values()), sum(expected.values()))
    if name != "conflicting-figures" and params == "none":
        assert expected, f"{name} found nothing"


def test_the_queries_that_read_article_graphs_say_so():
    for query in list_queries():
        assert query.needs_graphs == bool(query.graphs), query.name
        assert "graphs" not in query.description, query.name


def test_portable_text_reads_names_not_keys():
    named = load_query("data-centers")
    portable = prepare(named, {"provider_name": "Alibaba CLOUD"}, portable=True)
    assert "nameKey" not in portable
    assert "FILTER EXISTS { ?org rdfs:label|skos:altLabel ?provider_name_label ." in portable
    assert 'VALUES (?provider_name ?provider_name_key) { ("Alibaba CLOUD" "alibaba cloud") }' in portable
    assert prepare(named, {}, portable=True) == prepare(named, {})
    # a subquery that looks a name up gets the values too
    portable = prepare(load_query("contract-value-by-year"), {"provider_name": "Google Cloud"}, portable=True)
    assert portable.count("VALUES (") == 2 and "nameKey" not in portable
    for query in list_queries():
        every = {p.name: p.example.strip("<>") for p in query.params}
        assert "nameKey" not in prepare(query, every, portable=True), query.name
