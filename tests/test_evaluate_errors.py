"""`cvkg evaluate --show-errors` names the article behind each missed or spurious slot (tiny gold set in
tests/data/errors-mini, written for this test)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset
from support import ROOT

from graph.scoring import per_article_errors, score_graph, split_dataset
from pipelines.cli import cli

pytestmark = pytest.mark.slow  # cvkg evaluate through the CLI, ingesting its gold set each time

MINI = ROOT / "tests" / "data" / "errors-mini"
GOLD = MINI / "gold.jsonl"

# two article graphs: A states a migration and a contract, B the same migration; the background a parent link
DOC_A, DOC_B = "https://w3id.org/cvkg/article/a", "https://w3id.org/cvkg/article/b"
BG = "https://w3id.org/cvkg/graph/background"


def _quads() -> str:
    cvkg, ent, evt = "https://w3id.org/cvkg/ontology#", "https://w3id.org/cvkg/entity/", "https://w3id.org/cvkg/event/"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    kind = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    lines = []
    for doc in (DOC_A, DOC_B):
        lines += [
            f'<{ent}northwind> <{label}> "Northwind Freight" <{doc}> .',
            f'<{ent}aws> <{label}> "Amazon Web Services" <{doc}> .',
            f"<{evt}m> <{kind}> <{cvkg}Migration> <{doc}> .",
            f"<{evt}m> <{cvkg}customer> <{ent}northwind> <{doc}> .",
            f"<{evt}m> <{cvkg}toProvider> <{ent}aws> <{doc}> .",
            f'<{evt}m> <{cvkg}evidence> "Northwind Freight moved to AWS." <{doc}> .',
        ]
    lines += [
        f'<{ent}fabrikam> <{label}> "Fabrikam" <{DOC_A}> .',
        f"<{evt}c> <{kind}> <{cvkg}Contract> <{DOC_A}> .",
        f"<{evt}c> <{cvkg}customer> <{ent}fabrikam> <{DOC_A}> .",
        f"<{evt}c> <{cvkg}provider> <{ent}aws> <{DOC_A}> .",
        f'<{evt}c> <{cvkg}evidence> "Fabrikam signed with AWS." <{DOC_A}> .',
        f'<{ent}amazon> <{label}> "Amazon" <{BG}> .',
        f"<{ent}aws> <https://schema.org/parentOrganization> <{ent}amazon> <{BG}> .",
    ]
    return "\n".join(lines)


def test_each_slot_is_listed_under_the_articles_that_expect_or_state_it():
    rows = [
        {"file": "a.txt", "events": [{"type": "Migration", "customer": "Northwind Freight",
                                      "toProvider": ["Amazon Web Services"], "fromProvider": ["Microsoft Azure"]}],
         "relations": [["Amazon Web Services", "parentOrganization", "Amazon"]]},
        {"file": "b.txt", "events": [{"type": "Migration", "customer": "Northwind Freight",
                                      "toProvider": ["Amazon Web Services"], "fromProvider": ["Microsoft Azure"]}]},
    ]  # fmt: skip
    dataset = Dataset()
    dataset.parse(data=_quads(), format="nquads")
    union, stated, articles = split_dataset(dataset)
    assert set(articles) == {DOC_A, DOC_B}
    score = score_graph(union, rows, stated=stated)
    errors = per_article_errors(score, union, rows, articles, {DOC_A: "a.txt", DOC_B: "b.txt"})
    from_azure = ("Migration", ("northwind freight",), "fromProvider", "microsoft azure")
    parent = ("relation", "owns", "amazon", "amazon web services")  # only in the background: not stated
    assert set(errors["a.txt"].missed) == {from_azure, parent}
    assert errors["b.txt"].missed == [from_azure]  # a fact both expect is missed under both
    contract = ("Contract", ("fabrikam", "amazon web services"), "exists", None)
    assert errors["a.txt"].spurious == [contract] and errors["b.txt"].spurious == []
    assert errors["a.txt"].evidence[contract] == ("Fabrikam signed with AWS.",)
    score.articles = errors
    lines = score.error_lines()
    assert lines[0] == "== a.txt" and "== b.txt" in lines
    assert lines[lines.index(f"spurious {contract}") + 1] == "         evidence: Fabrikam signed with AWS."


def test_cli_show_errors_groups_by_article_file():
    result = CliRunner().invoke(cli, ["evaluate", str(GOLD), "--show-errors"])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert "== a.txt" in out and "== b.txt" in out
    sections: dict[str, list[str]] = {}
    current = ""
    for line in out:
        if line.startswith("== "):
            current = line[3:]
        elif line.startswith(("missed", "spurious", "  ")) and current:
            sections.setdefault(current, []).append(line)
        elif line.startswith("type"):
            break
    # the data centre in Lisbon is in neither gold row: spurious in a.txt, with the sentence it was read from
    spurious = [i for i, line in enumerate(sections["a.txt"]) if line.startswith("spurious ('DataCenter'")]
    assert spurious and "Lisbon" in sections["a.txt"][spurious[0] + 1]
    assert sections["a.txt"][spurious[0] + 1].lstrip().startswith("evidence: ")
    # a missed slot both rows have is listed under both
    missed = {f: {line for line in lines if line.startswith("missed")} for f, lines in sections.items()}
    assert missed.get("a.txt", set()) == missed.get("b.txt", set())


def test_cli_json_has_the_errors_per_article_only_when_asked():
    plain = json.loads(CliRunner().invoke(cli, ["evaluate", str(GOLD), "--json"]).stdout)
    assert set(plain) == {"types", "micro"}
    result = CliRunner().invoke(cli, ["evaluate", str(GOLD), "--json", "--show-errors"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert set(figures) == {"types", "micro", "articles"}
    a = figures["articles"]["a.txt"]
    centre = [s for s in a["spurious"] if s["slot"][0] == "DataCenter"]
    assert centre and any("Lisbon" in text for text in centre[0]["evidence"])
    assert all(isinstance(slot, list) for slot in a["missed"])
