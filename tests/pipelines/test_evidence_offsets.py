"""Each event's evidence carries its character offsets in the article's text (`cvkg:evidenceStart`/`evidenceEnd`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import XSD
from support import SAMPLES

from graph.library import load_query, prepare
from graph.records import Article, Event
from graph.sparql import run_query
from pipelines.cli import cli
from pipelines.ingest import parse_text
from pipelines.run import _locate, process

FRONT_MATTER = """---
title: Snap commits to Google Cloud
date: 2021-03-04
publisher: Reuters
---

# Snap and Google

Snap Inc. said on Thursday it signed a five-year contract with Google Cloud. The contract is valued at $2 billion.
"""

UNICODE = (
    "Zürich-based Acme Software — a café chain’s supplier — said “we moved” everything.\n\n"
    "Acme Software moved its workloads from Amazon Web Services to Microsoft Azure in 2022.  "
    "Alibaba Cloud grew 37% in the first quarter of 2021, Alibaba Group said."
)

LEADING = "\n\n   IDC said Alibaba Cloud held a 38% share of China's cloud market in 2020.\n"


def _articles() -> list[Article]:
    return [
        parse_text(FRONT_MATTER, "front.md"),
        parse_text(UNICODE, "unicode.txt"),
        Article(text=LEADING, date="2021-05-01", source="leading.txt"),  # a record kept as given, whitespace and all
        Article(text="ByteDance moved TikTok from Alibaba Cloud to Oracle. " * 2, date="2020-08-01", source="twice"),
    ]


def test_locate_gives_offsets_only_to_one_stretch_of_text():
    text = "First one.  Second one. Third one."
    event = Event(type="Migration", roles={}, evidence="Second one.", confidence=1.0)
    located = _locate(event, text, 23)
    assert (located.evidence_start, located.evidence_end) == (12, 23)
    assert text[12:23] == "Second one."
    joined = _locate(Event(type="Migration", roles={}, evidence="Second one. Third one.", confidence=1.0), text, 34)
    assert text[joined.evidence_start : joined.evidence_end] == joined.evidence
    gap = _locate(Event(type="Migration", roles={}, evidence="First one. Second one.", confidence=1.0), text, 23)
    assert (gap.evidence_start, gap.evidence_end) == (None, None)  # two spaces between: not one stretch
    assert _locate(event, None, 23).evidence_start is None
    assert _locate(located, text, 10).evidence_end is None  # stale offsets are dropped, not kept


def test_offsets_slice_the_article_text_to_the_evidence(nlp):
    articles = _articles()
    assert LEADING.startswith("\n") and "Acme" in articles[1].text and not articles[0].text.startswith("---")
    results = list(process(articles, nlp))
    assert [r.article.source for r in results] == [a.source for a in articles]
    for result in results:
        assert result.events, result.article.source
        for event in result.events:
            assert event.evidence_start is not None, (result.article.source, event)
            assert result.article.text[event.evidence_start : event.evidence_end] == event.evidence
    # the joined evidence of a deal and its value ("The deal is valued at ...") is one stretch too
    front = results[0]
    assert any(e.evidence.endswith(". The contract is valued at $2 billion.") for e in front.events)
    # one event read twice in an article keeps the first reading's evidence, with its offsets
    twice = next(e for e in results[3].events if e.type == "Migration")
    assert (twice.evidence_start, twice.evidence_end) == (0, len(twice.evidence))


def test_offsets_in_the_rdf(tmp_path, memory_store):
    from pipelines.config import Settings
    from pipelines.service import ingest_paths

    files = {"front.md": FRONT_MATTER, "unicode.txt": UNICODE}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest_paths([tmp_path], memory_store, Settings(store="memory:"))
    texts = {parse_text(text, name).text for name, text in files.items()}
    found = run_query(
        memory_store,
        "PREFIX cvkg: <https://w3id.org/cvkg/ontology#> SELECT ?e ?g ?evidence ?start ?end WHERE { GRAPH ?g {"
        " ?e cvkg:evidence ?evidence ; cvkg:evidenceStart ?start ; cvkg:evidenceEnd ?end } }",
    )
    rows = list(found)
    assert len(rows) >= 3
    for row in rows:
        assert row["start"].datatype.value == str(XSD.integer)  # type: ignore[index]
        start, end = int(row["start"].value), int(row["end"].value)  # type: ignore[index]
        assert any(text[start:end] == row["evidence"].value for text in texts)  # type: ignore[index]
    # the event-source named query returns them with the evidence
    event = rows[0]["e"].value  # type: ignore[index]
    source = list(run_query(memory_store, prepare(load_query("event-source"), {"event": f"<{event}>"})))
    assert source and all(r["evidence_start"] is not None for r in source)  # type: ignore[index]
    # the analyses and the HTML view read no offsets as facts or roles of an event
    from graph.analyze import _read_events
    from graph.viewfilter import read_view_details

    assert not any("evidenceStart" in e["facts"] for e in _read_events(memory_store, {}).values())
    assert not any("evidenceStart" in e.roles for e in read_view_details(memory_store).events.values())


def test_shapes_accept_offsets_and_refuse_negative_ones(tmp_path):
    runner = CliRunner()
    node = "<https://w3id.org/cvkg/event/x>"
    base = (
        "@prefix cvkg: <https://w3id.org/cvkg/ontology#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        f"{node} a cvkg:Acquisition ; cvkg:acquirer <https://w3id.org/cvkg/entity/a> ;"
        " cvkg:target <https://w3id.org/cvkg/entity/b> ; prov:wasDerivedFrom <https://w3id.org/cvkg/article/a> ;"
        ' cvkg:evidence "A bought B." ; cvkg:confidence 0.9 ; cvkg:evidenceEnd 11 ;'
    )
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(base + " cvkg:evidenceStart 0 .\n", encoding="utf-8")
    bad.write_text(base + " cvkg:evidenceStart -1 .\n", encoding="utf-8")
    ok = runner.invoke(cli, ["validate", str(good)])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(cli, ["validate", str(bad)])
    assert refused.exit_code != 0 and "evidenceStart" in refused.output


@pytest.mark.slow
def test_the_samples_store_conforms(tmp_path):
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", store, "ingest", str(SAMPLES)]).exit_code == 0
    ok = runner.invoke(cli, ["--store", store, "validate"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("conforms: 0 violation(s) in ")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?e cvkg:evidenceStart ?s }"
    count = runner.invoke(cli, ["--store", store, "query", query])
    assert count.exit_code == 0 and "0" != count.stdout.strip().splitlines()[-1].strip()
