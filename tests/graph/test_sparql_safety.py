"""SERVICE/LOAD refusal at the token level, parameter values and the time limit."""

from __future__ import annotations

import threading

import pytest
from rdflib import Literal, URIRef

from graph.errors import QueryError
from graph.sparql import (
    QueryTimeoutError,
    call_with_timeout,
    check_network_access,
    network_keywords,
    parameter_group_starts,
    parse_param_value,
    run_query,
    where_group_start,
)
from graph.stores import open_store


@pytest.mark.parametrize(
    "text, found",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", ["SERVICE"]),
        ("select * { service <x> { } }", ["SERVICE"]),
        ("SELECT * { Service SILENT ?endpoint { } }", ["SERVICE"]),
        ("LOAD <http://example.org/data.ttl>", ["LOAD"]),
        ("load silent <x> into graph <g>", ["LOAD"]),
        ("INSERT DATA { <a> <b> <c> } ; LOAD <http://x>", ["LOAD"]),
        # Oxigraph's parser reads these as SERVICE ex:x / LOAD :x, so they must count too
        ("SELECT * { ?s ?p ?o .SERVICEex:x { } }", ["SERVICE"]),
        ("LOAD:x", ["LOAD"]),
        ("SELECT * { FILTER(?a<?b) SERVICE <x> { } }", ["SERVICE"]),
        # an unterminated string hides nothing
        ('SELECT * { ?s ?p "oops } SERVICE <x> { }', ["SERVICE"]),
        ("SELECT * { SERVICE <x> { } } ; LOAD <y>", ["LOAD", "SERVICE"]),
    ],
)
def test_network_keywords_are_found(text, found):
    assert network_keywords(text) == found


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE" }',
        "SELECT * { ?s ?p 'load <http://x>' }",
        'SELECT * { ?s ?p """multi\nline SERVICE <x> { }\n""" }',
        "SELECT * { ?s ?p '''LOAD\n<x>''' }",
        'SELECT * { ?s ?p "escaped \\" SERVICE <x>" }',
        "SELECT * { ?s ?p <http://example.org/SERVICE/LOAD> }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://evil> { }",
        "# LOAD <x>\nSELECT * { ?s ?p ?o }",
        "SELECT ?service ?load { ?service ?load $LOAD }",
        "SELECT * { ?s ex:service ?o ; ex:LOAD ?x }",
        'SELECT * { ?s ?p "x"@load }',
        "SELECT * { ?s cvkg:customer ?o } ORDER BY ?o",
    ],
)
def test_words_inside_strings_iris_comments_and_names_do_not_count(text):
    assert network_keywords(text) == []
    check_network_access(text)


def test_refusal_message_and_allow_flag():
    with pytest.raises(QueryError, match=r"^SERVICE refused: .*--allow-service"):
        check_network_access("SELECT * { service <x> {} }")
    check_network_access("SELECT * { service <x> {} }", allow_service=True)


def test_run_query_refuses_service_before_touching_the_store():
    store = open_store("memory:")
    with pytest.raises(QueryError, match="SERVICE refused"):
        run_query(store, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_param_values():
    assert parse_param_value("<https://w3id.org/cvkg/entity/bytedance>") == URIRef(
        "https://w3id.org/cvkg/entity/bytedance"
    )
    assert parse_param_value("Alibaba Cloud") == Literal("Alibaba Cloud")
    assert parse_param_value("42") == Literal("42")
    assert parse_param_value('x" } ; DROP ALL ; #') == Literal('x" } ; DROP ALL ; #')
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_param_value("<http://a b>")


def test_unknown_binding_is_a_query_error():
    store = open_store("memory:")
    with pytest.raises(QueryError, match=r"unknown parameter nope: the query does not select \?nope"):
        run_query(store, "SELECT ?s { ?s ?p ?o }", bindings={"nope": Literal("x")})


def test_call_with_timeout_returns_raises_and_passes_errors():
    assert call_with_timeout(lambda: 7, 300) == 7
    assert call_with_timeout(lambda: 8, None) == 8
    # work that cannot end before the timeout: it waits for the release below, so the caller is
    # handed the timeout error while the work is still running, however fast or loaded the machine
    release = threading.Event()
    with pytest.raises(QueryTimeoutError, match=r"^query timed out after 0.2 s$"):
        call_with_timeout(lambda: release.wait(300), 0.2)
    assert any(t.name == "cvkg-query" and t.is_alive() for t in threading.enumerate())
    release.set()

    def broken() -> None:
        raise QueryError("bad")

    with pytest.raises(QueryError, match="bad"):
        call_with_timeout(broken, 300)


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "WHERE {"),
        ("select ?s where{ ?s ?p ?o }", "where{"),
        ("ASK { ?s ?p ?o }", "ASK {"),
        ('SELECT ?s # WHERE { in a comment\n WHERE { ?s ?p "where { }" }', "\n WHERE {"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "} WHERE {"),
        ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }", "* WHERE {"),
        ("PREFIX ex: <http://x/{}> SELECT * WHERE { ?s ex:p ?o }", "* WHERE {"),
    ],
)
def test_where_group_start_finds_the_top_level_group(text, marker):
    assert where_group_start(text) == text.index(marker) + len(marker)


def test_where_group_start_without_a_group():
    assert where_group_start("SELECT ?s") is None


def test_parameter_groups_are_the_where_group_and_the_subqueries_using_a_parameter():
    text = (
        "SELECT ?n ?x WHERE {\n"
        "  { SELECT ?x WHERE { ?x ex:key ?n_key } }\n"  # uses a parameter: gets its own VALUES
        "  { SELECT ?y WHERE { ?y ?p '?n_key { }' } }\n"  # only in a string: does not
        "  { SELECT ?z WHERE { { SELECT ?z WHERE { ?z ?q ?n } } } }\n"  # nested: both levels
        "}"
    )
    starts = parameter_group_starts(text, {"n", "n_key"})
    assert starts == sorted(starts) and len(starts) == 4
    assert all(text[s - 7 : s] == "WHERE {" for s in starts)
    assert text[starts[1] :].startswith(" ?x ex:key")
    assert text[starts[2] :].startswith(" { SELECT ?z")
    assert text[starts[3] :].startswith(" ?z ?q ?n")
    assert parameter_group_starts("SELECT ?s { ?s ?p ?o }", {"n"}) == [len("SELECT ?s {")]
