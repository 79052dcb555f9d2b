"""`cvkg analyze …` and `cvkg export --format graphml|gexf` through click's runner, on the ingested samples."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from support import SAMPLES

from pipelines.cli import cli

SUBCOMMANDS = ["flows", "contracts", "top", "timeline", "neighbours"]


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory) -> str:
    """An embedded store holding the bundled samples, ingested once through the CLI."""
    location = tmp_path_factory.mktemp("analyze") / "store"
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return str(location)


def run(store: str, *args: str) -> object:
    return CliRunner().invoke(cli, ["--store", store, *args])


def test_analyze_is_listed_with_its_subcommands():
    top = CliRunner().invoke(cli, ["--help"])
    assert top.exit_code == 0 and "analyze" in top.output
    result = CliRunner().invoke(cli, ["analyze", "--help"])
    assert result.exit_code == 0, result.output
    for name in SUBCOMMANDS:
        assert f"  {name} " in result.output, name


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, ["analyze", name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output and "--format" in result.output


def test_flows_table(samples_store):
    result = run(samples_store, "analyze", "flows")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "provider", "gained", "lost", "net", "gained_customers", "lost_customers", "reported", "planned_gains",
        "planned_losses", "former_customers", "low_confidence",
    ]  # fmt: skip
    aws = next(line for line in lines if line.startswith("Amazon Web Services"))
    assert "Lyft" in aws and "Apple" in aws
    assert lines[-1].endswith("rows)")


def test_flows_for_a_provider_as_json(samples_store):
    result = run(samples_store, "analyze", "flows", "--provider", "aws", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["provider"] == "Amazon Web Services"
    assert row["net"] == row["gained"] - row["lost"] and "Lyft" in row["gained_customers"]


def test_flows_matrix_is_a_table_of_pairs(samples_store):
    result = run(samples_store, "analyze", "flows", "--matrix", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "from_provider,to_provider,customers,names,reported,planned"


def test_contracts_as_csv(samples_store):
    result = run(samples_store, "analyze", "contracts", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    lyft = [r for r in rows if "Lyft" in r["customers"]]
    # "at least $300 million": a floor, in the stated total and apart; Snap's $1bn is placed in 2017 by its evidence
    assert [(r["provider"], r["year"], r["when_from"], r["total"], r["at_least"], r["exact"]) for r in lyft] == [
        ("Amazon Web Services", "2019", "published", "300000000", "300000000", "0")
    ]


@pytest.mark.parametrize("by", ["degree", "pagerank", "betweenness"])
def test_top_sorted_by_the_chosen_measure(samples_store, by):
    result = run(samples_store, "analyze", "top", "--by", by, "--limit", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert [r[by] for r in rows] == sorted((r[by] for r in rows), reverse=True)
    assert {r["cls"] for r in rows} <= {"CloudProvider", "Company", "MediaOutlet", "ResearchFirm", "GovernmentBody"}


def test_timeline_of_an_alias_in_any_case(samples_store):
    result = run(samples_store, "analyze", "timeline", "LYFT")
    assert result.exit_code == 0, result.output
    assert "Contract" in result.stdout and "provider: Amazon Web Services" in result.stdout
    assert "300,000,000 USD" in result.stdout and "doc:" in result.stdout
    full = run(samples_store, "analyze", "timeline", "aws", "--format", "json")
    rows = json.loads(full.stdout)
    assert rows and all(r["evidence"] for r in rows)
    assert [r["when"] for r in rows] == sorted(r["when"] for r in rows)


def test_neighbours_with_hops(samples_store):
    one = run(samples_store, "analyze", "neighbours", "Lyft", "--format", "json")
    assert one.exit_code == 0, one.output
    assert {(r["entity"], r["hops"]) for r in json.loads(one.stdout)} >= {("Amazon Web Services", 1)}
    two = json.loads(run(samples_store, "analyze", "neighbours", "Lyft", "--hops", "2", "--format", "json").stdout)
    assert {r["hops"] for r in two} == {1, 2} and len(two) > len(json.loads(one.stdout))


@pytest.mark.parametrize("command", [["timeline", "Nobody Inc"], ["neighbours", "Nobody Inc"]])
def test_unknown_entity_is_a_one_line_error(samples_store, command):
    result = run(samples_store, "analyze", *command)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no entity named 'Nobody Inc' in the graph"


def test_unknown_provider_suggests_close_names(samples_store):
    result = run(samples_store, "analyze", "flows", "--provider", "Googel Cloud")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: no entity named 'Googel Cloud' in the graph; did you mean")
    assert "'Google Cloud'" in lines[0]


def test_bad_options_are_usage_errors(samples_store):
    assert run(samples_store, "analyze", "top", "--by", "size").exit_code == 2
    assert run(samples_store, "analyze", "neighbours", "aws", "--hops", "0").exit_code == 2
    assert run(samples_store, "analyze", "timeline").exit_code == 2


def test_missing_store_is_a_one_line_error(tmp_path):
    result = run(str(tmp_path / "none"), "analyze", "flows")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no store at {tmp_path / 'none'}; run `cvkg ingest` first or pass --store"


@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_network_formats_for_gephi(samples_store, tmp_path, fmt, read):
    from graph.analyze import project_to_networkx
    from graph.stores import opened_store

    out = tmp_path / f"kg.{fmt}"
    result = run(samples_store, "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    with opened_store(samples_store, read_only=True) as store:
        expected = project_to_networkx(store)
    back = read(out)
    assert back.number_of_nodes() == expected.number_of_nodes() > 50
    assert back.number_of_edges() == expected.number_of_edges() > 20
    relations = {d["relation"] for _, _, d in back.edges(data=True)}
    assert {"customerOf", "owns"} <= relations
    stdout = run(samples_store, "export", "--format", fmt)
    assert stdout.exit_code == 0 and stdout.stdout_bytes == out.read_bytes()


def test_export_network_formats_refuse_article_filters(samples_store):
    result = run(samples_store, "export", "--format", "gexf", "--since", "2020")
    assert result.exit_code == 2
    assert "Error: --article, --since and --until work with the RDF formats, not gexf" in result.stderr


def test_timeline_table_wraps_every_counterpart_and_reads_durations(samples_store):
    apple = run(samples_store, "analyze", "timeline", "Apple")
    assert apple.exit_code == 0, apple.output
    # the move to Google Cloud names four counterparts: all are shown, on more lines, none cut
    assert "workload: iCloud" in apple.stdout and "…" not in apple.stdout
    assert "Reported" in apple.stdout  # the event's status
    snap = json.loads(run(samples_store, "analyze", "timeline", "Snap", "--format", "json").stdout)
    assert {f for r in snap for f in r["facts"]} == {"term: 5 years"}
    assert {r["when_from"] for r in snap} == {"evidence"}  # "before it went public in 2017"
    assert {r["when"] for r in snap} == {"2017"}


def test_flows_and_contracts_take_a_confidence_threshold(samples_store):
    strict = run(samples_store, "analyze", "flows", "--provider", "aws", "--min-confidence", "0.75", "--format", "json")
    assert strict.exit_code == 0, strict.output
    (row,) = json.loads(strict.stdout)
    # Apple's AWS storage is read at confidence 0.708: named apart, not counted
    assert "Apple" in row["low_confidence"] and "Apple" not in row["gained_customers"]
    assert "Lyft" in row["gained_customers"]
    bad = run(samples_store, "analyze", "contracts", "--min-confidence", "2")
    assert bad.exit_code == 2 and "--min-confidence" in bad.output
    every = json.loads(run(samples_store, "analyze", "contracts", "--min-confidence", "1", "--format", "json").stdout)
    assert every and all(r["total"] == 0 and r["contracts"] == 0 and r["low_confidence"] for r in every)
