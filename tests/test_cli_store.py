"""Store commands and store kinds on the command line: `remove`, `serve` and `--store http://…`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import ARTICLES, free_port, wait_for_http

from graph.iris import article_iri
from graph.records import Article
from graph.stores import open_store
from pipelines.cli import cli

CVKG = str(Path(sys.executable).parent / "cvkg")
FRONTMATTER = str(article_iri(Article(text="", url="https://news.example/frontmatter")))
NOTES = str(article_iri(Article(text="", url="https://news.example/notes")))


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """A store directory holding tests/data/articles, ingested once; tests copy it."""
    location = tmp_path_factory.mktemp("cli-store") / "kg"
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", str(ARTICLES)])
    assert result.exit_code == 0, result.output
    return location


@pytest.fixture()
def kg(ingested, tmp_path) -> str:
    import shutil

    copy = tmp_path / "kg"
    shutil.copytree(ingested, copy)
    return str(copy)


@pytest.fixture()
def served(oxigraph_server) -> str:
    """The session's `oxigraph serve` URL, emptied."""
    open_store(oxigraph_server).update("DROP ALL")
    return oxigraph_server


def _graphs(location: str) -> list[str]:
    store = open_store(location, read_only=True)
    try:
        return store.article_graphs()
    finally:
        store.close()


@pytest.mark.parametrize("name", ["remove", "serve", "upgrade"])
def test_store_commands_have_help_with_example(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    listing = runner.invoke(cli, ["--help"])
    assert f"  {name} " in listing.output


def test_remove_by_file_url_and_iri(runner, kg):
    before = _graphs(kg)
    page, feed_1 = (str(article_iri(Article(text="", url=f"https://news.example/{u}"))) for u in ("page", "feed-1"))
    assert {FRONTMATTER, NOTES, page, feed_1} <= set(before)
    result = runner.invoke(
        cli,
        ["--store", kg, "remove", str(ARTICLES / "frontmatter.txt"), "https://news.example/notes", "doc:nothing"],
    )
    assert result.exit_code == 0, result.output
    assert "removed 2 article graphs" in result.stderr
    assert "no article in the store for doc:nothing" in result.stderr
    assert _graphs(kg) == sorted(set(before) - {FRONTMATTER, NOTES})
    by_iri = runner.invoke(cli, ["--store", kg, "remove", "doc:" + page.rsplit("/", 1)[1], feed_1])
    assert by_iri.exit_code == 0, by_iri.output
    assert "removed 2 article graphs" in by_iri.stderr
    by_feed = runner.invoke(cli, ["--store", kg, "remove", str(ARTICLES / "feed.jsonl")])
    assert by_feed.exit_code == 0, by_feed.output
    assert "removed 1 article graph\n" in by_feed.stderr  # feed-2; feed-1 is already gone
    assert len(_graphs(kg)) == len(before) - 5


def test_remove_of_a_url_less_file_uses_the_ingest_reader(runner, kg):
    before = _graphs(kg)
    result = runner.invoke(cli, ["--store", kg, "remove", str(ARTICLES / "plain.txt")])
    assert result.exit_code == 0, result.output
    assert "removed 1 article graph" in result.stderr
    (gone,) = set(before) - set(_graphs(kg))
    assert gone.rsplit("/", 1)[1].startswith("h")  # hash of the text, as ingest names it


def test_remove_with_nothing_matching_fails(runner, kg):
    before = _graphs(kg)
    result = runner.invoke(cli, ["--store", kg, "remove", "https://news.example/never", "not-a-thing"])
    assert result.exit_code == 1
    assert "no article in the store for https://news.example/never" in result.stderr
    assert "no article in the store for not-a-thing" in result.stderr
    assert result.stderr.splitlines()[-1] == f"Error: nothing removed: no argument names an article in {kg}"
    assert _graphs(kg) == before


def test_every_command_works_on_an_http_store(runner, served, tmp_path):
    ingest = runner.invoke(cli, ["--store", served, "ingest", str(ARTICLES)])
    assert ingest.exit_code == 0, ingest.output
    assert "articles read: 6" in ingest.stderr
    query = runner.invoke(
        cli,
        ["--store", served, "query", "--format", "json", "SELECT ?c WHERE { ?m cvkg:customer/rdfs:label ?c }"],
    )
    assert query.exit_code == 0, query.output
    customers = {b["c"]["value"] for b in json.loads(query.stdout)["results"]["bindings"]}
    assert {"Northwind Freight", "Acme Retail", "Granite Health"} <= customers
    construct = runner.invoke(cli, ["--store", served, "query", "CONSTRUCT WHERE { ?m a cvkg:Migration }"])
    assert construct.exit_code == 0, construct.output
    assert "cvkg:Migration" in construct.stdout
    export = runner.invoke(cli, ["--store", served, "export", "--format", "trig"])
    assert export.exit_code == 0, export.output
    assert FRONTMATTER in export.stdout or "doc:" in export.stdout
    stats = runner.invoke(cli, ["--store", served, "stats"])
    assert stats.exit_code == 0, stats.output
    assert "articles: 6" in stats.stdout
    view = runner.invoke(cli, ["--store", served, "view", "-o", str(tmp_path / "kg.html")])
    assert view.exit_code == 0, view.output
    assert (tmp_path / "kg.html").stat().st_size > 0
    remove = runner.invoke(cli, ["--store", served, "remove", "https://news.example/frontmatter"])
    assert remove.exit_code == 0, remove.output
    assert FRONTMATTER not in open_store(served).article_graphs()


def test_http_store_and_endpoint_paths_from_the_environment(runner, served, monkeypatch):
    open_store(served).apply_update("INSERT DATA { GRAPH doc:x { ent:x rdfs:label 'X' } }")  # keys and index too
    monkeypatch.setenv("CVKG_STORE", served)
    result = runner.invoke(cli, ["query", "SELECT ?l WHERE { ent:x rdfs:label ?l }"])
    assert result.exit_code == 0, result.output
    assert "X" in result.stdout and "(1 rows)" in result.stdout
    monkeypatch.setenv("CVKG_QUERY_PATH", "no-such-endpoint")
    wrong = runner.invoke(cli, ["query", "ASK {}"])
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(f"Error: POST {served}/no-such-endpoint") and "HTTP 404" in wrong.stderr


def test_unreachable_http_store_is_a_one_line_error(runner):
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(cli, ["--store", url, "stats"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot reach SPARQL server at {url}/query")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("memory:", "Error: only a store directory can be served, not memory:; pass --store DIR"),
        (
            "http://127.0.0.1:7878",
            "Error: only a store directory can be served, not http://127.0.0.1:7878; pass --store DIR",
        ),
        ("no-such-dir", "Error: no store at no-such-dir; run `cvkg ingest` first or pass --store"),
    ],
    ids=["memory", "http", "missing"],
)
def test_serve_refuses_what_it_cannot_serve(runner, store, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--store", store, "serve"])
    assert result.exit_code == 1
    assert result.stderr.strip() == message


def test_serve_refuses_a_taken_port(runner, kg):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["--store", kg, "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port} (")
    assert result.stderr.strip().endswith("pass another --port or --bind")


def _sparql_get(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_serve_answers_sparql_over_http_while_the_store_stays_readable(kg, start_server):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server([CVKG, "--store", kg, "serve", "--port", str(port)], f"{url}/")
    # a plain SPARQL client: the default graph is the union of the article graphs
    answer = _sparql_get(
        f"{url}/query",
        "PREFIX cvkg: <https://w3id.org/cvkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
        " SELECT DISTINCT ?c WHERE { ?m a cvkg:Migration ; cvkg:customer/rdfs:label ?c } ORDER BY ?c",
    )
    customers = [b["c"]["value"] for b in answer["results"]["bindings"]]
    assert {"Blue Heron Logistics", "Granite Health", "Northwind Freight"} <= set(customers)
    # cvkg's own remote store, and the embedded store read beside the server
    remote = open_store(url)
    assert remote.article_graphs() == _graphs(kg)
    assert remote.quad_count() == open_store(kg, read_only=True).quad_count() > 0
    cli_result = subprocess.run(
        [CVKG, "--store", kg, "query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli_result.returncode == 0, cli_result.stderr
    assert cli_result.stdout.splitlines()[2].strip() == "7"  # 6 articles and the background graph
    assert f"{url}/query" in (Path(kg).parent / "server-0.log").read_text(encoding="utf-8")
    server.terminate()
    assert server.wait(timeout=10) is not None  # `cvkg serve` is the server process: nothing is left behind
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/", timeout=2)


def test_serve_timeout_cancels_a_query_and_cvkg_says_so(kg, start_server):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    here = [sys.executable, "-m", "pipelines"]  # this checkout's cvkg, not the installed one
    start_server([*here, "--store", kg, "serve", "--port", str(port), "--timeout", "1"], f"{url}/")
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    # cvkg's own bound is off: only the server's --timeout can end this query (before the 300 s hang guard)
    result = subprocess.run(
        [*here, "--store", url, "query", "--timeout", "0", endless], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == f"Error: the SPARQL server at {url}/query cancelled the query (its own timeout)"
    again = subprocess.run([*here, "--store", url, "query", "ASK { ?s ?p ?o }"], capture_output=True, text=True)
    assert again.stdout.strip() == "true", again.stderr


def test_serve_restarts_a_server_that_outgrows_max_memory(kg, start_server):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    here = [sys.executable, "-m", "pipelines"]  # this checkout's cvkg, not the installed one
    # --timeout 30 only bounds this test should the memory watch fail; the query grows long before
    server = start_server(
        [*here, "--store", kg, "serve", "--port", str(port), "--max-memory", "64", "--timeout", "30"], f"{url}/"
    )
    swelling = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } }"
    result = subprocess.run(
        [*here, "--store", url, "query", "--timeout", "0", swelling], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: POST {url}/query: malformed answer from the SPARQL server (it closed the connection without answering)"
    )
    log = (Path(kg).parent / "server-0.log").read_text(encoding="utf-8")
    assert re.search(r"restarting the server: it grew to [\d,]+ MB \(--max-memory 64\)", log), log
    wait_for_http(f"{url}/", server)  # the same `cvkg serve` process, with a new Oxigraph server
    again = subprocess.run([*here, "--store", url, "query", "ASK { ?s ?p ?o }"], capture_output=True, text=True)
    assert again.stdout.strip() == "true", again.stderr


def test_remove_from_a_missing_store_creates_nothing(runner, tmp_path):
    location = tmp_path / "typo"
    result = runner.invoke(cli, ["--store", str(location), "remove", "doc:x"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no store at {location}; run `cvkg ingest` first or pass --store"
    assert not location.exists()


def test_upgrade_leaves_a_current_store_alone_and_creates_none(runner, kg, tmp_path):
    before = _graphs(kg)
    result = runner.invoke(cli, ["--store", kg, "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"{kg} is up to date"
    assert _graphs(kg) == before
    missing = tmp_path / "typo"
    result = runner.invoke(cli, ["--store", str(missing), "upgrade"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no store at {missing}; run `cvkg ingest` first or pass --store"
    assert not missing.exists()
