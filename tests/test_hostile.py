"""Hostile input through `cvkg ingest`: every bad item is skipped with its reason, the rest is stored (issue 7).

The small cases live in tests/hostile/; the big and system-dependent ones are generated here.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.ingest import Skipped, read_file

pytestmark = pytest.mark.slow  # whole folders and time limits through real CLI ingests

HOSTILE = Path(__file__).resolve().parent / "hostile"
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# file (or file:line) -> the reason the summary must give
EXPECTED_SKIPS = {
    "blank.md": "empty file",
    "empty.txt": "empty file",
    "report.txt": "binary data (PDF document)",
    "noise.txt": "binary data (NUL bytes)",
    "chinese.txt": "language: not English (CJK script, 0% Latin letters)",
    "german.txt": "language: not English (looks German, 2% English function words)",
    "spanish.txt": "language: not English (looks Spanish, 2% English function words)",
    "no-body.html": "no article text found in HTML",
    "scripts-only.html": "too short (18 characters)",
    "feed.jsonl:2": "invalid JSON (Unterminated string starting at, column 30)",
    "feed.jsonl:3": "JSON line is not an object",
    "feed.jsonl:4": "JSON line has no text or html",
    "feed.jsonl:7": "language: not English (looks German, 2% English function words)",
    "feed.jsonl:8": "invalid JSON (Expecting property name enclosed in double quotes, column 2)",
    # generated below
    "huge.txt": "too large (50 MB > limit 5 MB)",
    "deep.html": "HTML nested too deeply (50,003 levels > limit 250)",
    "deep-bold.html": "HTML nested too deeply (100,003 levels > limit 250)",  # every tag counts (issue 18)
    "bold-markers.txt": "text too long (511,999 characters > limit 50,000)",  # read in linear time (issue 18)
    "long-page.html": "HTML text too long (300,010 characters > 4 × limit 50,000)",
    "run-100k.txt": "text too long (100,000 characters > limit 50,000)",
    "run-20k.txt": "no sentence breaks in a run of 20,000 characters (limit 5,000)",
    "deep.jsonl:1": "invalid JSON (nested too deeply)",
    "loop-a.txt": "symbolic link loop",
    "loop-b.txt": "symbolic link loop",
    "broken.txt": "broken symbolic link (to does-not-exist.txt)",
}
GOOD = {
    "good-control-reference.html",
    "good-plain.txt",
    "good-bad-date.md",
    "good-latin1.txt",
    "good-utf16.txt",
    "mixed-but-good.txt",
    "feed.jsonl:1",
    "feed.jsonl:5",
    "feed.jsonl:6",
    "deep.jsonl:2",
}
ARTICLE_COUNT = """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }"""
DATES = """SELECT ?t ?d WHERE { ?a a schema:NewsArticle ; schema:headline ?t . OPTIONAL { ?a schema:datePublished ?d } }
ORDER BY ?t"""


def _generate(folder: Path) -> None:
    """The cases too big to commit or that depend on the file system."""
    with (folder / "huge.txt").open("wb") as out:
        line = b"Acme Retail signed a deal with Google Cloud for its stores.\n"
        block = line * (1_000_000 // len(line) + 1)
        for _ in range(50):
            out.write(block[:1_000_000])
    (folder / "deep.html").write_text(
        "<html><body>" + "<div>" * 50_000 + "<p>Acme Retail signed a deal with Google Cloud.</p>" + "</div>" * 50_000
    )
    (folder / "deep-bold.html").write_text(
        "<html><body>" + "<b>" * 100_000 + "<p>Acme Retail signed a deal with Google Cloud.</p>" + "</b>" * 100_000
    )
    # '**' opens bold text: the old expression looked for its end from each one, 20 minutes for these 512 KB
    (folder / "bold-markers.txt").write_text("**a " * 128_000)
    (folder / "long-page.html").write_text("<html><body><p>" + "Acme Retail signs. " * 15_790 + "</p></body></html>")
    words = "the company said its new platform would run many services for customers across the region "
    (folder / "run-100k.txt").write_text((words * 2000)[:100_000])
    (folder / "run-20k.txt").write_text((words * 500)[:20_000])
    (folder / "deep.jsonl").write_text(
        "[" * 100_000 + "\n" + '{"text": "Northwind Freight signed a deal with Google Cloud for its fleet systems."}\n'
    )
    (folder / "loop-a.txt").symlink_to("loop-b.txt")
    (folder / "loop-b.txt").symlink_to("loop-a.txt")
    (folder / "broken.txt").symlink_to("does-not-exist.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")  # a folder loop: walked once, not forever
    (folder / "sub" / "again").symlink_to(folder)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    shutil.copytree(HOSTILE, folder)
    _generate(folder)
    return folder


def _summary(stderr: str, root: Path) -> tuple[int, dict[str, str]]:
    read = int(re.search(r"^articles read: (\d+)$", stderr, re.MULTILINE).group(1))
    skips = {}
    for match in re.finditer(r"^  (.+?): (.+)$", stderr, re.MULTILINE):
        skips[match.group(1).removeprefix(f"{root}{os.sep}")] = match.group(2)
    return read, skips


def test_hostile_folder_is_ingested_without_a_crash(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    with caplog.at_level(logging.WARNING, logger="pipelines.ingest"):
        first = runner.invoke(cli, ["--store", store, "ingest", str(corpus)])
    assert first.exit_code == 0, first.output
    assert first.exception is None
    assert "Traceback" not in first.stderr
    read, skips = _summary(first.stderr, corpus)
    assert skips == EXPECTED_SKIPS
    assert f"skipped: {len(EXPECTED_SKIPS)}" in first.stderr
    assert read == len(GOOD)
    # bad dates keep the article, without a date, and say so
    assert "good-bad-date.md: date '2021-02-30' is not a YYYY-MM-DD date; article kept without a date" in caplog.text
    assert "feed.jsonl:5: date 'yesterday' is not a YYYY-MM-DD date" in caplog.text

    count = runner.invoke(cli, ["--store", store, "query", "--format", "csv", ARTICLE_COUNT])
    assert count.exit_code == 0, count.output
    assert list(csv.reader(io.StringIO(count.stdout)))[1] == [str(len(GOOD))]
    dated = runner.invoke(cli, ["--store", store, "query", "--format", "csv", DATES])
    assert dated.exit_code == 0, dated.output
    assert list(csv.reader(io.StringIO(dated.stdout)))[1:] == [
        ["Bad date line", ""],
        ["Fernhill Bakeries moves ordering to AWS", "2022-09-14"],
        ["Lakeside Media picks Google Cloud", "2023-02-10"],
        ["Pine Street Games signs with Google Cloud", ""],
    ]

    quads = re.search(r"quads in store: (\d+)", first.stderr).group(1)
    second = runner.invoke(cli, ["--store", store, "ingest", str(corpus)])
    assert second.exit_code == 0, second.output
    assert f"quads in store: {quads}" in second.stderr
    assert _summary(second.stderr, corpus)[1] == EXPECTED_SKIPS


def test_strict_exits_1_when_anything_was_skipped(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--store", str(tmp_path / "store"), "ingest", "--strict"]
    bad = runner.invoke(cli, [*args, str(corpus / "german.txt"), str(corpus / "good-plain.txt")])
    assert bad.exit_code == 1
    assert "german.txt: language: not English" in bad.stderr
    assert bad.stderr.strip().splitlines()[-1] == "Error: 1 item(s) skipped and --strict given"
    assert "Traceback" not in bad.stderr
    good = runner.invoke(cli, [*args, str(corpus / "good-plain.txt")])
    assert good.exit_code == 0, good.output


def test_limits_are_options(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["--store", str(tmp_path / "store"), "ingest", "--max-chars", "100", "--max-bytes", "200", str(corpus)],
    )
    assert result.exit_code == 0, result.output
    _, skips = _summary(result.stderr, corpus)
    assert skips["good-plain.txt"] == "too large (226 bytes > limit 200 bytes)"
    assert skips["good-bad-date.md"] == "too large (229 bytes > limit 200 bytes)"
    assert skips["feed.jsonl"] == "too large (5,829 bytes > limit 200 bytes)"
    assert skips["good-latin1.txt"] == "text too long (113 characters > limit 100)"
    help_text = runner.invoke(cli, ["ingest", "--help"]).output
    for option in ("--strict", "--max-bytes", "--max-chars"):
        assert option in help_text


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root reads files whatever their permissions, so chmod 000 proves nothing")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Acme Retail signed a deal with Google Cloud for its stores.")
    path.chmod(0)
    try:
        assert list(read_file(path)) == [Skipped(str(path), "unreadable (Permission denied)")]
    finally:
        path.chmod(0o644)


def test_an_article_over_the_time_limit_is_skipped_and_the_rest_stored(tmp_path, monkeypatch):
    """--max-seconds bounds extraction per article: a long article is dropped with its reason, a short one kept."""
    from support import SAMPLES, sentence_clock

    folder = tmp_path / "in"
    folder.mkdir()
    paragraphs = [p.read_text(encoding="utf-8").split("---\n", 2)[-1] for p in sorted(SAMPLES.glob("*.txt"))]
    (folder / "long.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")  # the eight samples: ~96 sentences
    (folder / "short.txt").write_text("Acme Retail moved its shop to Google Cloud in 2021.\n", encoding="utf-8")
    store = str(tmp_path / "store")
    with monkeypatch.context() as patch:
        sentence_clock(patch)  # one second per sentence: the limit is hit by the long article only, on any machine
        result = CliRunner().invoke(cli, ["--store", store, "ingest", "--max-seconds", "30", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{folder / 'long.txt'}: extraction took too long (limit --max-seconds) (30 s)" in result.output
    assert "articles read: 1" in result.output and "skipped: 1" in result.output
    again = CliRunner().invoke(cli, ["--store", store, "ingest", str(folder / "long.txt")])  # the real clock, 60 s
    assert again.exit_code == 0 and "articles read: 1" in again.output, again.output


def test_an_article_with_the_url_of_an_earlier_one_is_skipped_naming_it(tmp_path: Path) -> None:
    """Two articles, one URL: one named graph. The later no longer replaces the earlier unseen (issue 18)."""
    folder = tmp_path / "in"
    folder.mkdir()
    url = "https://news.example/2022/cloud-deal"
    body = "Harbor Foods moved its ordering system to Microsoft Azure."
    (folder / "a.md").write_text(f"---\ntitle: Harbor Foods picks Azure\nurl: {url}\n---\n{body}\n")
    (folder / "b.md").write_text(
        f"---\ntitle: Willow Bank picks Oracle\nurl: {url}\n---\nWillow Bank signed a contract with Oracle Cloud.\n"
    )
    (folder / "c.txt").write_text("Willow Bank signed a contract with Oracle Cloud.\n")
    (folder / "d.txt").write_text("Willow Bank signed a contract with Oracle Cloud.\n")  # no URL: the same text
    store = str(tmp_path / "store")
    result = CliRunner().invoke(cli, ["--store", store, "ingest", str(folder)])
    assert result.exit_code == 0, result.output
    read, skips = _summary(result.stderr, folder)
    assert skips == {"b.md": f"same URL as {folder / 'a.md'}", "d.txt": f"same text as {folder / 'c.txt'}"}
    assert read == 2 and "skipped: 2" in result.stderr
    titles = runner_titles(store)
    assert titles == ["", "Harbor Foods picks Azure"]


def runner_titles(store: str) -> list[str]:
    """The headlines of the articles in `store`, sorted."""
    query = "SELECT ?t WHERE { ?a a schema:NewsArticle . OPTIONAL { ?a schema:headline ?t } } ORDER BY ?t"
    result = CliRunner().invoke(cli, ["--store", store, "query", "--format", "csv", query])
    assert result.exit_code == 0, result.output
    return [row[0] if row else "" for row in list(csv.reader(io.StringIO(result.stdout)))[1:]]


def test_max_seconds_bounds_reading_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading an article counts against --max-seconds, not only extracting it (issue 18).

    The reader's clock advances one second each time it is read, so reading takes a few "seconds"
    whatever the machine: over a limit of 2, under the default 60.
    """
    import itertools
    import types

    import pipelines.ingest

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plain.txt").write_text("Acme Retail moved its shop to Google Cloud in 2021.\n")
    # each a different text: two the same would be one article
    (folder / "page.html").write_text(
        "<html><body><p>Birch Games moved its servers to Microsoft Azure in 2020.</p></body></html>"
    )
    (folder / "feed.jsonl").write_text('{"text": "Cobalt Bank moved its records to IBM Cloud in 2019."}\n')
    ticks = itertools.count()
    clock = types.SimpleNamespace(monotonic=lambda: float(next(ticks)))
    monkeypatch.setattr(pipelines.ingest, "time", clock, raising=False)
    slow = CliRunner().invoke(cli, ["--store", str(tmp_path / "s1"), "ingest", "--max-seconds", "2", str(folder)])
    assert slow.exit_code == 0, slow.output
    read, skips = _summary(slow.stderr, folder)
    reason = "reading took too long (limit --max-seconds) (2 s)"
    assert skips == {"feed.jsonl:1": reason, "page.html": reason, "plain.txt": reason}
    assert read == 0
    fine = CliRunner().invoke(cli, ["--store", str(tmp_path / "s2"), "ingest", str(folder)])
    assert fine.exit_code == 0, fine.output
    assert "articles read: 3" in fine.stderr
