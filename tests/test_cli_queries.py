"""`cvkg query --name/--param/--list/--timeout/--allow-service`, `update`, export subsets, `validate`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from support import ROOT, SAMPLES, stop_process

from pipelines.cli import cli

INJECTION = 'x" } ; DROP ALL ; #'


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory):
    """An embedded store holding the bundled samples, ingested once through the CLI."""
    location = tmp_path_factory.mktemp("cliq") / "store"
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return str(location)


@pytest.fixture()
def writable_store(samples_store, tmp_path):
    """A private copy of the samples store that a test may change."""
    copy = tmp_path / "copy"
    shutil.copytree(samples_store, copy)
    return str(copy)


def _quads(runner, store):
    result = runner.invoke(
        cli, ["--store", store, "query", "--format", "csv", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"]
    )
    assert result.exit_code == 0, result.output
    return int(result.stdout.splitlines()[1])


def test_list_shows_names_titles_and_params(runner):
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "left-provider: Who left a cloud provider, and for whom?" in lines
    assert "    --param entity_name=…  required: entity canonical name or alias, any case (e.g. ByteDance)" in lines
    assert any(line.startswith("    --param provider_name=…  optional:") for line in lines)
    assert sum(1 for line in lines if not line.startswith(" ")) >= 10


def test_named_query_with_param(runner, samples_store):
    result = runner.invoke(
        cli, ["--store", samples_store, "query", "--name", "left-provider", "--param", "provider_name=microsoft azure"]
    )
    assert result.exit_code == 0, result.output
    assert "Apple" in result.stdout and "Google Cloud" in result.stdout and "(1 rows)" in result.stdout
    other = runner.invoke(cli, ["--store", samples_store, "query", "-n", "left-provider", "-p", "provider_name=Oracle"])
    assert other.exit_code == 0 and "(0 rows)" in other.stdout


def test_json_output_is_sparql_results_json(runner, samples_store):
    result = runner.invoke(
        cli, ["--store", samples_store, "query", "--name", "customers-by-provider", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"][:4] == ["provider_name", "provider", "change", "customer"]
    bindings = doc["results"]["bindings"]
    assert {"type": "literal", "value": "Apple"} in [b["customer"] for b in bindings]
    assert all(b["provider"]["type"] == "literal" for b in bindings)
    ask = runner.invoke(cli, ["--store", samples_store, "query", "--format", "json", "ASK { ?m a cvkg:Migration }"])
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}


def test_csv_and_tsv(runner, samples_store):
    csv = runner.invoke(cli, ["--store", samples_store, "query", "-n", "data-centers", "--format", "csv"])
    assert csv.stdout.splitlines()[0] == "provider_name,provider,location,count,first_reported,articles"
    tsv = runner.invoke(cli, ["--store", samples_store, "query", "-n", "data-centers", "--format", "tsv"])
    assert tsv.stdout.splitlines()[0].split("\t")[:3] == ["?provider_name", "?provider", "?location"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "nope"], "Error: no named query 'nope'; `cvkg query --list` shows them"),
        (
            ["--name", "left-provider", "--param", "who=x"],
            "Error: query left-provider has no parameter 'who' (parameters: provider_name)",
        ),
        (
            ["--name", "events-about"],
            "Error: query events-about needs --param entity_name=VALUE (entity canonical name or alias, any case)",
        ),
        (["-p", "x=1", "SELECT ?y { }"], "Error: unknown parameter x: the query does not select ?x"),
        (
            ["SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"],
            "Error: SERVICE refused: it makes the store fetch data from the network; pass --allow-service",
        ),
        (["-p", "x=<http://a b>", "SELECT ?x { }"], "Error: parameter value <http://a b> is not a valid IRI"),
    ],
)
def test_one_line_errors(runner, samples_store, args, message):
    result = runner.invoke(cli, ["--store", samples_store, "query", *args])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == message


def test_usage_errors_exit_2(runner, samples_store):
    assert runner.invoke(cli, ["--store", samples_store, "query", "-p", "novalue", "ASK {}"]).exit_code == 2
    assert runner.invoke(cli, ["--store", samples_store, "query", "--name", "articles", "ASK {}"]).exit_code == 2
    assert runner.invoke(cli, ["--store", samples_store, "query"]).exit_code == 2
    assert runner.invoke(cli, ["--store", samples_store, "query", "--timeout", "-1", "ASK {}"]).exit_code == 2


def test_allow_service_lifts_the_refusal(runner, samples_store):
    # port 1 is refused by Oxigraph's HTTP client before any connection, so no network is used
    result = runner.invoke(
        cli,
        [
            "--store",
            samples_store,
            "query",
            "--allow-service",
            "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        ],
    )
    assert result.exit_code == 1
    assert "refused: it makes the store" not in result.stderr
    assert (
        result.stderr.strip() == "Error: The port 1 is not allowed for HTTP(S) because it is dedicated to an other use"
    )


def test_param_injection_is_just_a_string(runner, writable_store):
    before = _quads(runner, writable_store)
    for name, param in (("left-provider", "provider_name"), ("events-about", "entity_name"), ("event-source", "event")):
        result = runner.invoke(
            cli, ["--store", writable_store, "query", "--format", "csv", "-n", name, "-p", f"{param}={INJECTION}"]
        )
        assert result.exit_code == 0, result.output
        assert len(result.stdout.splitlines()) == 1  # header only
    assert _quads(runner, writable_store) == before


def test_update_reports_the_change_and_refuses_load(runner, writable_store):
    before = _quads(runner, writable_store)
    result = runner.invoke(
        cli, ["--store", writable_store, "update", "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> rdfs:label 'A' } }"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"quads: {before} -> {before + 2} (+2)"  # the label and its name key
    refused = runner.invoke(cli, ["--store", writable_store, "update", "load <http://127.0.0.1:9/x.ttl>"])
    assert refused.exit_code == 1
    assert (
        refused.stderr.strip()
        == "Error: LOAD refused: it makes the store fetch data from the network; pass --allow-service"
    )
    bad = runner.invoke(cli, ["--store", writable_store, "update", "SELECT * {}"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: invalid SPARQL update")
    # cut short: the error is not placed in the index sync cvkg appends to the update
    short = runner.invoke(
        cli, ["--store", writable_store, "update", "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 }"]
    )
    assert short.exit_code == 1
    assert short.stderr.strip() == (
        "Error: invalid SPARQL update: it ends before it is complete (an unclosed brace, quote or IRI?)"
    )
    wrong = runner.invoke(
        cli, ["--store", writable_store, "update", "INSERT DATA { <urn:x:a> <urn:x:b> 1 } ; DELET {}"]
    )
    assert wrong.exit_code == 1 and wrong.stderr.startswith("Error: invalid SPARQL update: error at 1:")
    assert _quads(runner, writable_store) == before + 2
    dropped = runner.invoke(cli, ["--store", writable_store, "update", "DROP GRAPH <urn:x:g>"])
    assert dropped.stderr.strip() == f"quads: {before + 2} -> {before} (-2)"


def test_query_stays_read_only(runner, writable_store):
    result = runner.invoke(cli, ["--store", writable_store, "query", "DROP ALL"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: invalid SPARQL query")


# ~10^12 rows on the samples: no machine counts them before any timeout or hang guard here
ENDLESS = "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_timeout_stops_a_slow_query_and_leaves_the_store_usable(samples_store):
    endless = f"SELECT (COUNT(*) AS ?n) WHERE {ENDLESS}"
    command = [sys.executable, "-m", "pipelines", "--store", samples_store, "query", "--timeout", "1", endless]
    # the query cannot finish: the process ends (before the 300 s hang guard) only because the timeout fired
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert (
        result.stderr.strip()
        == "Error: query timed out after 1 s; narrow the query or pass a larger --timeout (0: none)"
    )
    again = subprocess.run(
        [sys.executable, "-m", "pipelines", "--store", samples_store, "query", "--timeout", "300", "ASK { ?s ?p ?o }"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert again.returncode == 0 and again.stdout.strip() == "true", again.stderr


def test_huge_results_are_streamed_and_a_closed_pipe_is_quiet(samples_store):
    """~10^12 rows of CSV: rows arrive although the query can never finish; `| head` ends it quietly."""
    huge = f"SELECT * WHERE {ENDLESS}"
    command = [sys.executable, "-m", "pipelines", "--store", samples_store, "query", "--format", "csv", huge]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        header = process.stdout.readline()
        rows = [process.stdout.readline() for _ in range(1000)]  # held in memory, no row would ever come
        process.stdout.close()  # the reader goes away, as `| head` does
        process.wait(timeout=300)  # a hang guard: the closed pipe is all that can end it
    finally:
        stop_process(process)
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert header.decode().strip() == "a,b,c,d,e,f,g,h,i,j,k,l"
    assert all(row.count(b",") >= 11 for row in rows)
    assert process.returncode == 0 and stderr == ""


def test_csv_and_json_output_are_the_sparql_result_formats(runner, samples_store):
    import pyoxigraph as ox

    from graph.stores import open_store

    sparql = "SELECT ?a ?h WHERE { ?a schema:headline ?h } ORDER BY ?a"
    store = open_store(samples_store, read_only=True)
    try:
        expected = {
            f: store.query(sparql).serialize(format=getattr(ox.QueryResultsFormat, f.upper())) for f in ("csv", "json")
        }
    finally:
        store.close()
    for fmt, data in expected.items():
        result = runner.invoke(cli, ["--store", samples_store, "query", "--format", fmt, sparql])
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == data
    assert len(json.loads(expected["json"])["results"]["bindings"]) == 8


def test_export_subsets(runner, samples_store, tmp_path):
    listed = runner.invoke(cli, ["--store", samples_store, "query", "-n", "articles", "--format", "csv"])
    lines = listed.stdout.splitlines()[1:]
    first_iri = lines[0].split(",")[2]
    out = tmp_path / "one.trig"
    one = runner.invoke(
        cli, ["--store", samples_store, "export", "--format", "trig", "--article", first_iri, "-o", str(out)]
    )
    assert one.exit_code == 0, one.output
    ds = Dataset()
    ds.parse(out, format="trig")
    background = "https://w3id.org/cvkg/graph/background"  # what the gazetteer knows about the entities it names
    assert sorted(str(g.identifier) for g in ds.graphs() if len(g)) == sorted([first_iri, background])
    ranged = runner.invoke(
        cli, ["--store", samples_store, "export", "--format", "nquads", "--since", "2019", "--until", "2021"]
    )
    assert ranged.exit_code == 0, ranged.output
    ds = Dataset()
    ds.parse(data=ranged.stdout_bytes, format="nquads")
    expected = [row.split(",")[2] for row in lines if "2019" <= row.split(",")[3][:4] <= "2021"]
    assert sorted(str(g.identifier) for g in ds.graphs() if len(g)) == sorted([*expected, background])
    ttl = runner.invoke(cli, ["--store", samples_store, "export", "--since", "2022"])
    assert len(Graph().parse(data=ttl.stdout_bytes, format="turtle")) > 10
    assert runner.invoke(cli, ["--store", samples_store, "export", "--since", "May 2021"]).exit_code == 2
    missing = runner.invoke(cli, ["--store", samples_store, "export", "--article", "doc:nope"])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "Error: no article doc:nope in the store; `cvkg query --name articles` lists them"


def test_validate_store_and_files(runner, samples_store, tmp_path):
    ok = runner.invoke(cli, ["--store", samples_store, "validate"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("conforms: 0 violation(s) in ")
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix cvkg: <https://w3id.org/cvkg/ontology#> .\n"
        "<https://w3id.org/cvkg/event/x> a cvkg:Contract ; cvkg:confidence 2.0 .\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "evt:x  cvkg:customer  Less than 1 values on <https://w3id.org/cvkg/event/x>->cvkg:customer" in lines
    assert lines[-1] == "does not conform: 5 violation(s) in 2 triples"
    assert result.stderr.strip() == "Error: 5 SHACL violation(s); see the lines above"
    unknown = tmp_path / "kg.xyz"
    unknown.write_text("x", encoding="utf-8")
    assert runner.invoke(cli, ["validate", str(unknown)]).stderr.startswith("Error: cannot tell the RDF format")


def test_max_memory_stops_a_query_that_grows(samples_store):
    # ~3.4 M distinct rows from a cross product of the samples: about 350 MB unbounded, finite either way
    grows = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?a ?c ?d ?f { ?a ?b ?c . ?d ?e ?f } }"
    command = [sys.executable, "-m", "pipelines", "--store", samples_store, "query"]
    result = subprocess.run(
        [*command, "--timeout", "0", "--max-memory", "32", grows], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        "Error: query stopped: it needed more than 32 MB of memory (--max-memory); "
        "narrow the query (LIMIT, fewer joined patterns) or raise --max-memory"
    )
    assert result.stdout == ""


def test_max_rows_bounds_the_table_and_not_the_streamed_formats(runner, samples_store):
    every = "SELECT ?s ?p ?o { ?s ?p ?o }"
    table = runner.invoke(cli, ["--store", samples_store, "query", "--max-rows", "5", every])
    assert table.exit_code == 1
    assert table.stderr.strip() == (
        "Error: more than 5 rows for the table; add LIMIT, use --format csv, tsv or json (streamed), "
        "or pass --max-rows 0"
    )
    five = runner.invoke(cli, ["--store", samples_store, "query", "--max-rows", "5", f"{every} LIMIT 5"])
    assert five.exit_code == 0 and five.stdout.strip().endswith("(5 rows)"), five.output
    csv = runner.invoke(cli, ["--store", samples_store, "query", "--max-rows", "5", "--format", "csv", every])
    assert csv.exit_code == 0 and len(csv.stdout.splitlines()) > 6


def test_query_bounds_are_on_by_default_and_documented(runner):
    text = " ".join(runner.invoke(cli, ["query", "--help"]).output.split())
    assert "(0: no limit). [default: 60.0; x>=0]" in text
    assert "--max-memory MB Give up when the query makes cvkg grow by more than MB megabytes" in text
    assert "[default: 1024; x>=0]" in text and "[default: 10000; x>=0]" in text
