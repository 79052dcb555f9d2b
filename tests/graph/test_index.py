"""The index: the store's default graph is the set union of the article graphs, on every backend.

Queries join there, so a fact stated by N articles must be one triple there, and a
triple must leave it when no article states it any more.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pyoxigraph as ox
import pytest
from test_store import AWS, BYTEDANCE, _result, _write

from graph.build import article_triples
from graph.errors import StoreError
from graph.records import Entity
from graph.stores import open_store
from graph.stores.server import serve_command
from graph.stores.upgrade import upgrade_store

# the union of the article graphs (the background graph is none: graph.stores.base)
UNION = (
    "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/cvkg/graph/background>) }"
)
DEFAULT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def _rows(store, sparql: str) -> list[tuple[str, str, str]]:
    return [(str(r["s"]), str(r["p"]), str(r["o"])) for r in store.query(sparql)]


def assert_index_is_the_union(store) -> None:
    assert store.indexed
    index = _rows(store, DEFAULT)
    assert len(index) == len(set(index)), "the default graph is a set"
    assert set(index) == set(_rows(store, UNION))


def _variant(n: int, rng: random.Random):
    """An article about a shared provider and one of a few customers, with its own sentence."""
    customer = Entity(f"customer-{rng.randrange(4)}", f"Customer {rng.randrange(4)}", "Company")
    result = _result(f"https://news.example/{n}", evidence=f"Sentence {rng.randrange(3)}.")
    event = result.events[0]
    roles = {**event.roles, "customer": (customer,) if rng.random() < 0.5 else (BYTEDANCE,)}
    return replace(result, entities=(*result.entities, customer), events=(replace(event, roles=roles),))


def test_index_is_the_set_union_after_any_writes_and_removals(store):
    rng = random.Random(3)
    for step in range(12):
        if step % 4 == 3:
            gone = rng.sample(store.article_graphs(), k=2)
            assert store.remove_articles(gone) == 2
        else:  # new articles and rewrites of old ones (same URL, other facts), several per transaction
            _write(store, *(_variant(rng.randrange(8), rng) for _ in range(3)))
        assert_index_is_the_union(store)
    store.remove_articles(store.article_graphs())
    assert _rows(store, DEFAULT) == []


def test_a_fact_stated_by_many_articles_matches_once(store):
    _write(store, *(_result(f"https://news.example/{n}") for n in range(3)))
    rows = list(store.query("SELECT ?e ?label WHERE { ?e a cvkg:Migration ; cvkg:toProvider/rdfs:label ?label }"))
    assert [r["label"].value for r in rows] == ["Amazon Web Services"]
    articles = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a cvkg:Migration ; prov:wasDerivedFrom ?a }")
    assert next(iter(articles))["n"].value == "3"  # each source is still there


def test_exports_and_counts_leave_the_index_out(store):
    _write(store, _result("https://news.example/a"), _result("https://news.example/b"))
    named = len(_rows(store, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert store.background() and store.quad_count() == named  # the article graphs and the background graph
    quads = list(ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == named and all(q.graph_name != ox.DefaultGraph() for q in quads)
    union = list(ox.parse(store.dump(ox.RdfFormat.N_TRIPLES, union=True), format=ox.RdfFormat.N_TRIPLES))
    assert len(union) == len(set(_rows(store, UNION)))


def test_loaded_quads_enter_the_index(store):
    _write(store, _result("https://news.example/a"))
    (name,) = store.article_graphs()
    data = store.dump(ox.RdfFormat.N_QUADS).replace(f"<{name}> .".encode(), b"<https://news.example/copy> .")
    store.load(data, ox.RdfFormat.N_QUADS)
    assert len(store.article_graphs()) == 2
    assert_index_is_the_union(store)


def _older_store(location: str) -> None:
    """A store as cvkg wrote it before the index: article graphs only."""
    store = ox.Store(location)
    for n in range(2):
        name, triples = article_triples(_result(f"https://news.example/{n}"))
        store.extend(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), _term(o), ox.NamedNode(name)) for s, p, o in triples)
    store.flush()


def _term(term) -> ox.NamedNode | ox.Literal:
    from graph.sparql import to_ox

    return to_ox(term)


def _upgrade(location: str) -> str:
    """`cvkg upgrade` on the store; its one line on stderr."""
    from click.testing import CliRunner

    from pipelines.cli import cli

    result = CliRunner().invoke(cli, ["--store", location, "upgrade"])
    assert result.exit_code == 0, result.output
    return result.stderr.strip()


def test_an_older_store_is_refused_until_cvkg_upgrade_indexes_it(tmp_path):
    location = str(tmp_path / "older")
    _older_store(location)
    refusal = (
        f"store {location} was written by an older cvkg and lacks its union index;"
        f" run `cvkg --store {location} upgrade` once"
    )
    for read_only in (True, False):
        with pytest.raises(StoreError) as info:
            open_store(location, read_only=read_only)
        assert str(info.value) == refusal
    with pytest.raises(StoreError, match="lacks its union index"):
        serve_command(location, port=1)
    assert _upgrade(location) == f"added union index and background graph to {location}"
    with_index = open_store(location, read_only=True)
    assert_index_is_the_union(with_index)
    assert len(list(with_index.query("SELECT DISTINCT ?e WHERE { ?e a cvkg:Migration }"))) == 1
    with_index.close()
    assert "--union-default-graph" not in serve_command(location, port=1)
    assert _upgrade(location) == f"{location} is up to date"


def test_a_server_store_keeps_the_index_in_its_own_default_graph(oxigraph_server):
    store = open_store(oxigraph_server)
    store.update("DROP ALL")
    _write(store, _result("https://news.example/a"), _result("https://news.example/b"))
    assert_index_is_the_union(store)
    # union=server: cvkg keeps no index there and reads the server's own default graph (here, the index)
    plain = open_store(oxigraph_server + "#union=server")
    assert not plain.indexed
    assert sorted(_rows(plain, DEFAULT)) == sorted(set(_rows(store, UNION)))


def test_an_older_server_store_is_refused_until_upgraded(oxigraph_server):
    writer = open_store(oxigraph_server)
    writer.update("DROP ALL")
    name, triples = article_triples(_result("https://news.example/old"))
    lines = " .\n".join(f"<{s}> <{p}> {_term(o)}" for s, p, o in triples)
    writer.update(f"INSERT DATA {{ GRAPH <{name}> {{ {lines} }} }}")  # as an older cvkg wrote it
    try:
        for reader in (open_store(oxigraph_server, read_only=True), open_store(oxigraph_server)):
            with pytest.raises(StoreError, match="older cvkg and lacks its union index; run `cvkg --store .* upgrade`"):
                reader.query("ASK { ?e a cvkg:Migration }")
    finally:  # the server is shared by the session: leave it usable
        assert upgrade_store(oxigraph_server) == ["union index", "background graph"]
    later = open_store(oxigraph_server)
    _write(later, _result("https://news.example/new"))
    assert_index_is_the_union(later)
    assert upgrade_store(oxigraph_server) == []


@pytest.mark.parametrize("fresh", [True, False])
def test_replacing_keeps_triples_other_articles_still_state(store, fresh):
    first, second = _result("https://news.example/a"), _result("https://news.example/b")
    _write(store, first, second)
    changed = replace(first, events=(), entities=(AWS,), relations=())
    if fresh:
        store.remove_articles([article_triples(first)[0]])
    else:
        _write(store, changed)
    assert bool(store.query("ASK { ?e a cvkg:Migration }"))  # still stated by the second article
    assert_index_is_the_union(store)
    store.remove_articles([article_triples(second)[0]])
    assert not bool(store.query("ASK { ?e a cvkg:Migration }"))
    assert_index_is_the_union(store)


def test_a_users_update_leaves_the_index_in_line(store):
    _write(store, _result("https://news.example/a"), _result("https://news.example/b"))
    store.apply_update("DELETE WHERE { GRAPH ?g { ?e cvkg:confidence ?c } } ; # done")
    assert not bool(store.query("ASK { ?e cvkg:confidence ?c }"))
    store.apply_update("DELETE WHERE { GRAPH ?g { ?e cvkg:evidence ?x } } # no separator ;")
    assert not bool(store.query("ASK { ?e cvkg:evidence ?x }"))
    store.apply_update("INSERT DATA { <https://example.org/stray> <https://example.org/p> 1 }")  # default graph
    assert not bool(store.query("ASK { <https://example.org/stray> ?p ?o }"))
    assert_index_is_the_union(store)


EVERY_QUAD = "SELECT ?g ?s ?p ?o WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"


def _quads(store) -> list[tuple[str, ...]]:
    return sorted(tuple(str(r[v]) for v in ("g", "s", "p", "o")) for r in store.query(EVERY_QUAD))


def test_a_batch_of_new_articles_is_stored_as_the_sparql_update_stores_it(tmp_path):
    """New graphs go in as quads in one transaction: the same quads, index included, as the update's."""
    from graph.stores.base import replace_update

    graphs = [article_triples(_result(f"https://news.example/{n}", evidence=f"Sentence {n}.")) for n in range(3)]
    quick, reference = open_store(str(tmp_path / "quick")), open_store(str(tmp_path / "reference"))
    quick.replace_articles(graphs)
    reference.update(replace_update(graphs))
    reference.sync_background()
    assert _quads(quick) == _quads(reference)
    assert len(_quads(quick)) > 3 * len(graphs[0][1])
    quick.close()
    reference.close()


def test_a_batch_naming_an_article_twice_keeps_the_last(store):
    first = _result("https://news.example/a", evidence="First sentence.")
    second = _result("https://news.example/a", evidence="Second sentence.")
    _write(store, first, second)
    evidence = [r["e"].value for r in store.query("SELECT ?e WHERE { ?x cvkg:evidence ?e }")]
    assert evidence == ["Second sentence."]
    assert_index_is_the_union(store)


def test_a_batch_with_a_bad_term_writes_nothing(store):
    from rdflib import BNode, URIRef

    from graph.errors import StoreError

    good = article_triples(_result("https://news.example/a"))
    bad = (
        URIRef("https://news.example/graph/b"),
        [(BNode(), URIRef("https://x.example/p"), URIRef("https://x.example/o"))],
    )
    with pytest.raises(StoreError):
        store.replace_articles([good, bad])
    assert store.quad_count() == 0 and _rows(store, DEFAULT) == []


NAMES = "SELECT ?g ?e ?n WHERE { GRAPH ?g { ?e rdfs:label|skos:altLabel ?n } }"
KEYS = "SELECT ?g ?e ?k WHERE { GRAPH ?g { ?e cvkg:nameKey ?k } }"
DROP_KEYS = "DELETE WHERE { GRAPH ?g { ?e cvkg:nameKey ?k } } ; DELETE WHERE { ?e cvkg:nameKey ?k }"


def _values(store, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(term.value for term in row) for row in store.query(sparql)}


def _keys_match_names(store) -> bool:
    names = {(g, e, n.lower()) for g, e, n in _values(store, NAMES)}
    return bool(names) and _values(store, KEYS) == names


def test_a_store_without_name_keys_is_refused_until_cvkg_upgrade_adds_them(tmp_path):
    from graph.library import load_query, prepare

    location = str(tmp_path / "keyless")
    store = open_store(location)
    _write(store, _result("https://news.example/a"), _result("https://news.example/b"))
    store.update(DROP_KEYS)  # as a cvkg older than the keys wrote it
    store.close()
    by_alias = prepare(load_query("events-about"), {"entity_name": "aws"})

    with pytest.raises(StoreError, match="lacks its name keys; run `cvkg --store .* upgrade` once"):
        open_store(location, read_only=True)
    assert _upgrade(location) == f"added name keys to {location}"

    upgraded = open_store(location, read_only=True)
    assert _keys_match_names(upgraded)
    assert_index_is_the_union(upgraded)
    assert len(list(upgraded.query(by_alias))) > 0
    upgraded.close()


def test_loaded_data_gets_the_keys_of_its_names(store):
    data = (
        '<https://w3id.org/cvkg/entity/x> <http://www.w3.org/2000/01/rdf-schema#label> "Example Cloud" <urn:x:g> .\n'
        '<https://w3id.org/cvkg/entity/x> <http://www.w3.org/2004/02/skos/core#altLabel> "ExC" <urn:x:g> .\n'
    )
    store.load(data.encode(), ox.RdfFormat.N_QUADS)
    assert _keys_match_names(store)
    assert {k for _, _, k in _values(store, KEYS)} == {"example cloud", "exc"}


def test_a_users_update_keeps_the_name_keys_in_line(store):
    _write(store, _result("https://news.example/a"))
    graph = article_triples(_result("https://news.example/a"))[0]
    store.apply_update(f"INSERT DATA {{ GRAPH <{graph}> {{ ent:amazon-web-services skos:altLabel 'Amazon Cloud' }} }}")
    assert _keys_match_names(store)
    assert ("amazon cloud",) in _values(store, "SELECT ?k { ent:amazon-web-services cvkg:nameKey ?k }")
    store.apply_update("DELETE WHERE { GRAPH ?g { ent:amazon-web-services skos:altLabel ?alias } }")
    assert _keys_match_names(store)
    assert ("aws",) not in _values(store, "SELECT ?k { ?e cvkg:nameKey ?k }")  # an alias gone, its key too
    assert_index_is_the_union(store)
