"""Concurrent use of an embedded store: readers while `cvkg ingest` writes, and a second writer.

Readers open the store read-only (a RocksDB snapshot of the last committed
transaction, taking no lock); each must work or fail with one `Error:` line.
A second writer must be refused with "store … is in use". Real processes only.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

import pytest
from ingest_runs import (
    parse_graphs,
    read_graphs,
    resume,
    start_cvkg,
    start_noted_ingest,
    stop,
    stopped,
    torn_articles,
    wait_for,
    write_corpus,
)

from graph.errors import StoreError

pytestmark = pytest.mark.slow  # real ingests in subprocesses
logger = logging.getLogger(__name__)

ARTICLES = 24
PAUSE_AT = 5  # the writer pauses after committing this many one-article batches
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("concurrency") / "articles", ARTICLES)


def _finish(process, timeout: float = 300) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        stop(process)
    return process.returncode, out, err


def _assert_one_line_error(code: int, err: str, command: str) -> str:
    """A failed command exits 1 with exactly one `Error:` line on stderr and no traceback."""
    lines = err.strip().splitlines()
    assert code == 1 and "Traceback" not in err, f"{command} exited {code}:\n{err}"
    assert len(lines) == 1 and lines[0].startswith("Error: "), f"{command}:\n{err}"
    # a store being written is busy, never "corrupted" (issue 18: RocksDB's mid-write MANIFEST message)
    assert "orrupt" not in lines[0] and "MANIFEST" not in lines[0], f"{command}: {lines[0]}"
    return lines[0]


def _sample_read_only(location, writer, snapshots: list, outcomes: Counter[str], seconds: float = 1.0) -> None:
    """Open the store read-only in this process again and again for a while (cheap, so many moments are seen)."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until and writer.poll() is None:
        try:
            snapshots.append(read_graphs(location, read_only=True))
            outcomes["open_store(read_only=True): ok"] += 1
        except StoreError as exc:
            assert "orrupt" not in str(exc), str(exc)  # busy, never "corrupted" (issue 18)
            outcomes[f"open_store(read_only=True): {str(exc)[:70]}"] += 1
        time.sleep(0.02)


def _read_with_every_reader(store: list[str], tmp_path, outcomes: Counter[str], exports: list[bytes]) -> None:
    """Run each reading command once; each must work or fail with one `Error:` line."""
    readers = {
        "export": [*store, "export", "--format", "nquads", "--with-name-keys"],
        "query": [*store, "query", "--format", "csv", COUNT_QUADS],
        "view": [*store, "view", "-o", str(tmp_path / "kg.html")],
    }
    for name, args in readers.items():
        code, out, err = _finish(start_cvkg(*args))
        if code:
            outcomes[f"{name}: {_assert_one_line_error(code, err, name)[:60]}"] += 1
            continue
        outcomes[f"{name}: ok"] += 1
        if name == "export":
            exports.append(out.encode())
        elif name == "query":
            assert out.splitlines()[0] == "n" and int(out.splitlines()[1]) >= 0, out


def test_readers_work_or_fail_in_one_line_while_an_ingest_writes(corpus, tmp_path):
    location = tmp_path / "kg"
    store = ["--store", str(location)]
    notes = tmp_path / "notes"
    outcomes: Counter[str] = Counter()
    exports: list[bytes] = []
    snapshots = []
    # The writer stops itself after its PAUSE_AT-th commit, holding the store: readers must then see exactly
    # those articles. Once it goes on, readers keep sampling it until it ends (what they see depends on timing,
    # so only "whole articles or an Error: line" is asserted there).
    writer = start_noted_ingest(location, corpus, notes, batch_size=1, pause_at=PAUSE_AT)
    try:
        wait_for(writer, notes, lambda seen: seen.paused, f"commit {PAUSE_AT}")
        stopped(writer)
        paused_snapshot = read_graphs(location, read_only=True)
        paused_exports: list[bytes] = []
        _read_with_every_reader(store, tmp_path, outcomes, paused_exports)
        resume(writer)
        while writer.poll() is None:
            _sample_read_only(location, writer, snapshots, outcomes)
            _read_with_every_reader(store, tmp_path, outcomes, exports)
        code, _, err = _finish(writer)
    finally:
        stop(writer)
    logger.info("outcomes: %s", dict(outcomes))
    assert code == 0, err
    final = read_graphs(location)
    assert len(final) == ARTICLES
    assert len(paused_snapshot) == PAUSE_AT and not torn_articles(paused_snapshot, final)
    assert [len(parse_graphs(data)) for data in paused_exports] == [PAUSE_AT], outcomes
    for seen in [*map(parse_graphs, exports), *snapshots]:
        assert not torn_articles(seen, final), torn_articles(seen, final)
    code, out, err = _finish(start_cvkg(*store, "validate"))
    assert code == 0, out + err


def test_a_second_writer_is_told_the_store_is_in_use(corpus, tmp_path):
    location = tmp_path / "kg"
    store = ["--store", str(location)]
    notes = tmp_path / "notes"
    # the first ingest stops itself after its first commit, still holding the store, while the others try to write
    writer = start_noted_ingest(location, corpus, notes, batch_size=1, pause_at=1)
    try:
        wait_for(writer, notes, lambda seen: seen.paused, "the first commit")
        stopped(writer)
        second = start_cvkg(*store, "ingest", str(corpus / "lyft-aws-300m-2019-v0.txt"))
        update = start_cvkg(*store, "update", "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }")
        results = {"ingest": _finish(second), "update": _finish(update)}
        resume(writer)
        code, _, err = _finish(writer, timeout=300)
    finally:
        stop(writer)
    assert code == 0, err
    for command, (code, _, err) in results.items():
        line = _assert_one_line_error(code, err, command)
        assert line == f"Error: store {location} is in use by another cvkg process; wait for it or pick another --store"
    assert len(read_graphs(location)) == ARTICLES
