"""Crash safety: SIGKILL a real `cvkg ingest` at random points and check what the embedded store holds.

After every kill the store must open, conform to the shapes and hold each
article graph exactly as a clean run writes it, or not at all; re-running the
ingest must finish and leave the same quads as a clean run.
"""

from __future__ import annotations

import logging
import random
import subprocess
import time

import pyoxigraph as ox
import pytest
from ingest_runs import (
    Graphs,
    Timeline,
    parse_graphs,
    read_graphs,
    start_cvkg,
    stop,
    timed_ingest,
    torn_articles,
    wal_sizes,
    write_corpus,
)

from graph.store import open_store
from graph.validate import store_graph, validate_graph

logger = logging.getLogger(__name__)

ARTICLES = 20
BATCH_SIZE = 2  # ten transactions per clean run
KILLS = 20
FRESH_EVERY = 4  # every 4th kill starts from an empty store; the others re-run on the store the last kill left


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("crash") / "articles", ARTICLES)


@pytest.fixture(scope="module")
def clean_run(corpus, tmp_path_factory) -> tuple[Graphs, Timeline]:
    """One uninterrupted ingest: the reference graphs and when it wrote (measured, since load varies)."""
    store = tmp_path_factory.mktemp("clean") / "kg"
    timeline = timed_ingest(store, corpus, batch_size=BATCH_SIZE)
    graphs = read_graphs(store)
    assert len(graphs) == ARTICLES
    _check_store(store, graphs)
    logger.info("clean run: first write %.2f s, exit %.2f s", timeline.first_write, timeline.finish)
    return graphs, timeline


def _check_store(location, reference: Graphs, conforming: set[frozenset[str]] | None = None) -> Graphs:
    """Open the store as cvkg does; fail on an article graph a clean run would not write, or on SHACL violations.

    Whole article graphs are fixed by their names, so a set of names already in `conforming` is not validated again.
    """
    store = open_store(location, create=False)
    try:
        graphs = parse_graphs(store.dump(ox.RdfFormat.N_QUADS))
        assert not torn_articles(graphs, reference), torn_articles(graphs, reference)
        if conforming is None or frozenset(graphs) not in conforming:
            report = validate_graph(store_graph(store))
            assert report.conforms, "\n".join(report.lines())
            if conforming is not None:
                conforming.add(frozenset(graphs))
    finally:
        store.close()
    return graphs


@pytest.mark.slow
def test_killed_ingests_leave_whole_articles_and_a_rerun_finishes(corpus, clean_run, tmp_path):
    reference, timeline = clean_run
    rng = random.Random(7)
    # Kills land from shortly before the first commit to the end of the clean run, so most hit the writing phase.
    low, high = max(0.0, timeline.first_write - 0.5), timeline.finish
    location = tmp_path / "kg-0"
    mid_write = 0
    conforming: set[frozenset[str]] = set()
    log = []
    started = time.perf_counter()
    for kill in range(KILLS):
        if kill % FRESH_EVERY == 0:
            location = tmp_path / f"kg-{kill}"
        logs_before = set(wal_sizes(location))
        delay = rng.uniform(low, high)
        process = start_cvkg("--store", str(location), "ingest", str(corpus), "--batch-size", str(BATCH_SIZE))
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:  # still running: this is the point to kill it
            pass
        finally:
            killed = process.poll() is None
            stop(process)
        if not killed:
            assert process.returncode == 0, f"ingest failed before the kill at {delay:.2f} s"
        # A new write-ahead log with data in it: this run committed at least one batch before it died.
        wrote = any(size > 1000 for name, size in wal_sizes(location).items() if name not in logs_before)
        graphs = _check_store(location, reference, conforming)
        mid_write += killed and wrote
        log.append(f"kill {kill}: {delay:.2f} s, killed={killed}, wrote={wrote}, articles={len(graphs)}")
    logger.info("\n".join(log))

    rerun = start_cvkg("--store", str(location), "ingest", str(corpus), "--batch-size", str(BATCH_SIZE))
    try:
        _, err = rerun.communicate(timeout=120)
    finally:
        stop(rerun)
    assert rerun.returncode == 0, err
    final = _check_store(location, reference)
    assert final == reference
    store = open_store(location, read_only=True)
    try:
        assert store.quad_count() == sum(len(quads) for quads in reference.values())
    finally:
        store.close()
    logger.info("%d kills, %d mid-write, %.1f s", KILLS, mid_write, time.perf_counter() - started)
    assert mid_write >= KILLS // 2, "\n".join(log)


def test_the_check_catches_a_half_written_article(clean_run, tmp_path):
    """A store holding one article whole and one cut short, built by hand, fails the whole-article check."""
    reference, _ = clean_run
    whole, torn = sorted(reference)[:2]
    kept = sorted(reference[torn])[: len(reference[torn]) // 2]
    store = open_store(tmp_path / "torn")
    try:
        store.load("".join(f"{quad} .\n" for quad in [*reference[whole], *kept]).encode(), ox.RdfFormat.N_QUADS)
    finally:
        store.close()
    graphs = read_graphs(tmp_path / "torn")
    assert set(graphs) == {whole, torn}
    assert torn_articles(graphs, reference) == [f"{torn}: {len(kept)}/{len(reference[torn])} quads, 0 extra"]
    with pytest.raises(AssertionError, match="quads, 0 extra"):
        _check_store(tmp_path / "torn", reference)
