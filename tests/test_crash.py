"""Crash safety: SIGKILL a real `cvkg ingest` at random points and check what the embedded store holds.

After every kill the store must open, conform to the shapes, hold each article
graph exactly as a clean run writes it or not at all, and keep every batch the
ingest had committed; re-running the ingest must finish and leave the same quads
as a clean run.

Kills are placed by progress, not by the clock: the ingest notes each committed
batch (`ingest_runs.start_noted_ingest`), and a kill lands a random moment after
the k-th commit (k < the commits of a run), so it hits a running ingest that has
written, on a machine of any speed. A few kills are designed to land before the
first commit, after the store is open.
"""

from __future__ import annotations

import logging
import random
import signal
import statistics
import time

import pyoxigraph as ox
import pytest
from ingest_runs import (
    HANG,
    Graphs,
    Timeline,
    parse_graphs,
    progress,
    read_graphs,
    start_cvkg,
    start_noted_ingest,
    stop,
    timed_ingest,
    torn_articles,
    wait_for,
    watch,
    write_corpus,
)

from graph.stores import open_store
from graph.validate import store_graph, validate_graph

logger = logging.getLogger(__name__)

ARTICLES = 20
BATCH_SIZE = 2
COMMITS = ARTICLES // BATCH_SIZE  # transactions per run (a re-run replaces every article, batch by batch)
KILLS = 20
PRE_WRITE = 3  # kills designed to land after the store is open and before the first commit
FRESH_EVERY = 4  # every 4th kill starts from an empty store; the others re-run on the store the last kill left


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("crash") / "articles", ARTICLES)


@pytest.fixture(scope="module")
def clean_run(corpus, tmp_path_factory) -> tuple[Graphs, Timeline]:
    """One uninterrupted ingest: the reference graphs, and when it committed (to scale kill delays and to log)."""
    folder = tmp_path_factory.mktemp("clean")
    timeline = timed_ingest(folder / "kg", corpus, folder / "notes", batch_size=BATCH_SIZE)
    assert len(timeline.commits) == COMMITS, "commits noted; is ingest_runs._NOTED_CVKG still wired to the writer?"
    graphs = read_graphs(folder / "kg")
    assert len(graphs) == ARTICLES
    _check_store(folder / "kg", graphs)
    logger.info(
        "clean run: store open %.2f s, commits at %s s, exit %.2f s",
        timeline.opened,
        " ".join(f"{t:.2f}" for t in timeline.commits),
        timeline.finish,
    )
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
    pre_write = set(rng.sample(range(KILLS), PRE_WRITE))
    # Delays are scaled by the clean run so that kills spread over the time to the next commit; a kill never
    # waits past the next commit it sees, so it lands before the run's last commit however fast the machine is.
    startup = timeline.commits[0] - timeline.opened
    gap = statistics.median(b - a for a, b in zip(timeline.commits, timeline.commits[1:], strict=False))
    location = tmp_path / "kg-0"
    notes = tmp_path / "notes"
    mid_write = before_first_commit = 0
    conforming: set[frozenset[str]] = set()
    held: set[str] = set()  # the article graphs the store holds before a run
    log = []
    started = time.perf_counter()
    for kill in range(KILLS):
        if kill % FRESH_EVERY == 0:
            location, held = tmp_path / f"kg-{kill}", set()
        process = start_noted_ingest(location, corpus, notes, batch_size=BATCH_SIZE)
        try:
            if kill in pre_write:
                after = 0
                wait_for(process, notes, lambda p: p.opened, "open store")
                delay = rng.uniform(0, startup)
            else:
                after = rng.randint(1, COMMITS - 2)
                wait_for(process, notes, lambda p, k=after: p.commits >= k, f"commit {after}")
                delay = rng.uniform(0, gap)
            waited = time.perf_counter()
            watch(process, notes, lambda p, k=after: p.commits > k, seconds=delay)
            at_kill = progress(notes)  # read before the kill: every commit noted here is durable
            waited = time.perf_counter() - waited
        finally:
            stop(process)
        killed = process.returncode == -signal.SIGKILL
        assert killed, f"kill {kill}: the ingest was not running at the kill (exit {process.returncode})"
        graphs = _check_store(location, reference, conforming)
        # committed batches survive: articles never leave, and each noted batch added or replaced two
        assert held <= set(graphs), f"kill {kill}: articles lost: {sorted(held - set(graphs))}"
        assert len(graphs) >= min(ARTICLES, BATCH_SIZE * at_kill.commits), (kill, at_kill, len(graphs))
        held = set(graphs)
        if kill in pre_write:
            before_first_commit += at_kill.commits == 0
        else:
            mid_write += 1 <= at_kill.commits < COMMITS
        design = "pre-write" if kill in pre_write else f"after commit {after}"
        log.append(
            f"kill {kill}: {design} + {waited:.2f} of {delay:.2f} s, commits noted {at_kill.commits},"
            f" articles {len(graphs)}"
        )
    logger.info("\n".join(log))

    rerun = start_cvkg("--store", str(location), "ingest", str(corpus), "--batch-size", str(BATCH_SIZE))
    try:
        _, err = rerun.communicate(timeout=HANG)
    finally:
        stop(rerun)
    assert rerun.returncode == 0, err
    final = _check_store(location, reference)
    assert final == reference
    store = open_store(location, read_only=True)
    try:
        background = len(store.background())  # the gazetteer's facts about what the articles name
        assert background and store.quad_count() == sum(len(quads) for quads in reference.values()) + background
        assert not store.sync_background()  # the rerun left it in line with the article graphs
    finally:
        store.close()
    logger.info(
        "%d kills: %d mid-write; %d designed pre-write, %d of them before the first commit; %.1f s",
        KILLS,
        mid_write,
        PRE_WRITE,
        before_first_commit,
        time.perf_counter() - started,
    )
    # by construction: each kill not designed pre-write came after a commit and before the run's last one
    assert mid_write == KILLS - PRE_WRITE, "\n".join(log)


@pytest.mark.slow  # its clean_run fixture runs a whole ingest
def test_the_check_catches_a_half_written_article(clean_run, tmp_path):
    """A store holding one article whole and one cut short, built by hand, fails the whole-article check."""
    reference, _ = clean_run
    whole, torn = sorted(reference)[:2]
    kept = sorted(reference[torn])[: len(reference[torn]) // 2]
    store = open_store(tmp_path / "torn")
    try:
        # exactly these quads: name keys added beside the kept names would mend part of the cut half
        data = "".join(f"{quad} .\n" for quad in [*reference[whole], *kept]).encode()
        store.load(data, ox.RdfFormat.N_QUADS, name_keys=False)
    finally:
        store.close()
    graphs = read_graphs(tmp_path / "torn")
    assert set(graphs) == {whole, torn}
    assert torn_articles(graphs, reference) == [f"{torn}: {len(kept)}/{len(reference[torn])} quads, 0 extra"]
    with pytest.raises(AssertionError, match="quads, 0 extra"):
        _check_store(tmp_path / "torn", reference)
