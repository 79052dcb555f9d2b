"""The command line through click's runner: every command, the error paths, the demo flow."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from support import ARTICLES, SAMPLES

from pipelines.cli import cli

COMMANDS = ["ingest", "query", "export", "view", "stats", "evaluate"]


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory):
    """An embedded store holding the bundled samples, ingested once through the CLI."""
    location = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return str(location)


def test_help_lists_every_command_with_an_example(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s", result.output, re.MULTILINE), name


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_has_help_with_example(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


def test_ingest_summary_and_idempotence(runner, tmp_path):
    location = str(tmp_path / "store")
    first = runner.invoke(cli, ["--store", location, "ingest", str(ARTICLES)])
    assert first.exit_code == 0, first.output
    assert "articles read: 6" in first.stderr
    assert "empty.txt: empty file" in first.stderr
    assert "binary.txt: binary data" in first.stderr
    quads = re.search(r"quads in store: (\d+)", first.stderr).group(1)
    second = runner.invoke(cli, ["--store", location, "ingest", str(ARTICLES)])
    assert second.exit_code == 0, second.output
    assert f"quads in store: {quads}" in second.stderr


def test_store_can_come_from_the_environment(runner, tmp_path, monkeypatch):
    location = tmp_path / "env-store"
    monkeypatch.setenv("CVKG_STORE", str(location))
    result = runner.invoke(cli, ["ingest", str(ARTICLES / "plain.txt")])
    assert result.exit_code == 0, result.output
    assert location.is_dir()


def test_missing_path_is_a_one_line_error(runner, tmp_path):
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "ingest", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no such file or folder: {tmp_path / 'nope.txt'}"


def test_bad_sparql_is_a_one_line_error(runner, filled_store):
    result = runner.invoke(cli, ["--store", filled_store, "query", "SELEKT nothing"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: invalid SPARQL query")


def test_update_through_query_is_refused(runner, filled_store):
    result = runner.invoke(cli, ["--store", filled_store, "query", "DELETE WHERE { ?s ?p ?o }"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: invalid SPARQL query")
    count = runner.invoke(
        cli,
        [
            "--store",
            filled_store,
            "query",
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        ],
    )
    assert int(count.stdout.splitlines()[1]) > 0


def test_query_on_missing_store_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["--store", str(tmp_path / "none"), "query", "ASK {}"])
    assert result.exit_code == 1
    assert "no store at" in result.stderr


def test_unknown_option_exits_2(runner):
    result = runner.invoke(cli, ["export", "--format", "xml"])
    assert result.exit_code == 2


def test_query_formats(runner, filled_store):
    sparql = "SELECT DISTINCT ?c WHERE { ?m a cvkg:Migration ; cvkg:customer/rdfs:label ?c }"
    table = runner.invoke(cli, ["--store", filled_store, "query", sparql])
    assert table.exit_code == 0, table.output
    assert "Apple" in table.stdout
    as_json = runner.invoke(cli, ["--store", filled_store, "query", "--format", "json", sparql])
    bindings = json.loads(as_json.stdout)["results"]["bindings"]
    assert {"c": {"type": "literal", "value": "Apple"}} in bindings
    as_csv = runner.invoke(cli, ["--store", filled_store, "query", "--format", "csv", sparql])
    assert as_csv.stdout.splitlines()[0] == "c"


def test_query_from_file(runner, filled_store, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?c a cvkg:Contract }", encoding="utf-8")
    result = runner.invoke(cli, ["--store", filled_store, "query", "-f", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "true"


def test_export_to_stdout_and_file(runner, filled_store, tmp_path):
    from rdflib import Dataset, Graph

    ttl = runner.invoke(cli, ["--store", filled_store, "export"])
    assert ttl.exit_code == 0, ttl.output
    assert len(Graph().parse(data=ttl.stdout_bytes, format="turtle")) > 100
    out = tmp_path / "kg.trig"
    trig = runner.invoke(cli, ["--store", filled_store, "export", "--format", "trig", "-o", str(out)])
    assert trig.exit_code == 0, trig.output
    ds = Dataset()
    ds.parse(out, format="trig")
    assert len({g.identifier for g in ds.graphs() if len(g)}) == 9  # 8 articles and the background graph


def test_view_writes_an_offline_page(runner, filled_store, tmp_path):
    out = tmp_path / "kg.html"
    result = runner.invoke(cli, ["--store", filled_store, "view", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "vis.Network" in html and "Apple" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?https?:|cdn\.|googleapis|jsdelivr|unpkg", html)


def test_stats(runner, filled_store):
    result = runner.invoke(cli, ["--store", filled_store, "stats"])
    assert result.exit_code == 0, result.output
    assert "articles: 8" in result.stdout
    assert "Amazon Web Services" in result.stdout


def test_ingest_from_stdin(runner, tmp_path):
    text = "---\ntitle: Piped\n---\nOrbit Games moved its game servers from Google Cloud to Amazon Web Services.\n"
    location = str(tmp_path / "store")
    result = runner.invoke(cli, ["--store", location, "ingest", "-"], input=text)
    assert result.exit_code == 0, result.output
    assert "articles read: 1" in result.stderr
    rows = runner.invoke(
        cli,
        [
            "--store",
            location,
            "query",
            "--format",
            "csv",
            "SELECT DISTINCT ?t WHERE { ?a schema:headline ?t }",
        ],
    )
    assert rows.stdout.splitlines()[1:] == ["Piped"]


def test_unknown_model_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(
        cli,
        [
            "--store",
            str(tmp_path / "s"),
            "--model",
            "no_such_model_xyz",
            "ingest",
            str(ARTICLES / "plain.txt"),
        ],
    )
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "Error: spaCy model 'no_such_model_xyz' is not installed; pip install it or drop --model"
    )


def test_evaluate_scores_a_gold_set_without_touching_the_store(runner, tmp_path):
    from support import DATA

    location = tmp_path / "untouched"
    result = runner.invoke(cli, ["--store", str(location), "evaluate", str(DATA / "gold" / "gold.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["micro"]["tp"] == 12 and figures["micro"]["fp"] == 0
    assert set(figures["types"]) == {"Contract", "Migration"}
    assert not location.exists()


def test_evaluate_missing_gold_is_a_one_line_error(runner, tmp_path):
    result = runner.invoke(cli, ["evaluate", str(tmp_path / "gold.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no such gold file: {tmp_path / 'gold.jsonl'}"


def test_view_types_without_edges_show_event_nodes(runner, filled_store, tmp_path):
    out = tmp_path / "shares.html"
    result = runner.invoke(
        cli, ["--store", filled_store, "view", "-o", str(out), "--types", "MarketShare,FinancialResult"]
    )
    assert result.exit_code == 0, result.output
    assert "MarketShare, FinancialResult as event nodes" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert '"cls": "MarketShare"' in page and '"cls": "FinancialResult"' in page


def test_view_types_that_select_nothing_is_an_error(runner, filled_store, tmp_path):
    out = tmp_path / "none.html"
    result = runner.invoke(cli, ["--store", filled_store, "view", "-o", str(out), "--types", "UserMetric"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: nothing to show: no relation or event matches --types UserMetric; widen the filters"
    ]
    assert not out.exists()
