"""Helpers for the crash and concurrency tests: a corpus, `cvkg ingest` as a real subprocess, per-article graphs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.stores import open_store

ROOT = Path(__file__).resolve().parent.parent
CVKG = [sys.executable, "-m", "pipelines"]  # the `cvkg` entry point of this checkout (run with cwd=ROOT)
WRITE_BYTES = 1000  # a RocksDB write-ahead log this big holds at least one committed batch of articles
POLL = 0.005  # seconds between looks at a running ingest
HANG = 300.0  # seconds without the awaited progress after which an ingest counts as hung (not a speed bound)

Graphs = dict[str, frozenset[str]]


def write_corpus(folder: Path, count: int) -> Path:
    """Write `count` small articles: copies of samples/*.txt, each with its own URL and title.

    Copies report the same events with the same figures (changed figures would give one event two values).
    """
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "samples").glob("*.txt"))
    for i in range(count):
        source = sources[i % len(sources)]
        variant = i // len(sources)
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"^(url: .*)$", rf"\1-v{variant}", text, count=1, flags=re.M)
        text = re.sub(r'^(title: ".*)"$', rf'\1 ({variant})"', text, count=1, flags=re.M)
        (folder / f"{source.stem}-v{variant}.txt").write_text(text, encoding="utf-8")
    return folder


def wal_sizes(store: Path) -> dict[str, int]:
    """Sizes of the RocksDB write-ahead logs (*.log; LOG is RocksDB's info log) in a store directory."""
    sizes: dict[str, int] = {}
    for name in os.listdir(store) if store.is_dir() else ():
        if name.endswith(".log"):
            try:
                sizes[name] = (store / name).stat().st_size
            except FileNotFoundError:  # RocksDB deleted it between listdir and stat
                pass
    return sizes


def start_cvkg(*args: str) -> subprocess.Popen[str]:
    """Start `cvkg ARGS` with captured output."""
    return subprocess.Popen(
        [*CVKG, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def stop(process: subprocess.Popen[str]) -> None:
    """SIGKILL a process we started (if it still runs) and reap it."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.communicate()


# `cvkg ingest` as `python -m pipelines` runs it, with the store's `replace_articles` wrapped to note progress in
# the file named by $CVKG_TEST_NOTES: "open" once the store is open, "commit N" after each batch of N articles is
# committed (after the transaction returns, so a noted commit is durable). With $CVKG_TEST_PAUSE_AT = k it also
# notes "paused" after the k-th batch of articles and stops itself (SIGSTOP) until sent SIGCONT, so a test can act
# while the store holds exactly k committed batches and the writer still holds it. Test-only: the product is unchanged.
_NOTED_CVKG = """
import ctypes
import os
import signal

import pipelines.service as service

# a paused (SIGSTOPped) ingest must not outlive a test run that dies before it resumes or kills it
ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

notes = os.environ["CVKG_TEST_NOTES"]
pause_at = int(os.environ.get("CVKG_TEST_PAUSE_AT", "0"))
ingest_paths = service.ingest_paths


def note(line):
    with open(notes, "a", encoding="utf-8") as file:
        file.write(line + "\\n")


def noting_ingest_paths(paths, store, settings, **kwargs):
    replace_articles = store.replace_articles

    batches = 0

    def noting_replace_articles(graphs):
        nonlocal batches
        replace_articles(graphs)
        note(f"commit {len(graphs)}")
        batches += bool(graphs)
        if graphs and batches == pause_at:
            note("paused")
            os.kill(os.getpid(), signal.SIGSTOP)

    store.replace_articles = noting_replace_articles
    note("open")
    return ingest_paths(paths, store, settings, **kwargs)


service.ingest_paths = noting_ingest_paths  # before the CLI is imported, in case it binds the name early

from pipelines.cli import cli

cli(prog_name="cvkg")
"""


@dataclass(frozen=True)
class Progress:
    """What a noted ingest has reported so far: whether its store is open and how many batches it committed."""

    opened: bool = False
    commits: int = 0
    paused: bool = False


def start_noted_ingest(
    store: Path, corpus: Path, notes: Path, *, batch_size: int, pause_at: int = 0
) -> subprocess.Popen[str]:
    """Start `cvkg ingest` that notes its progress in `notes` (read it with `progress`).

    With `pause_at` = k > 0 it stops itself after committing its k-th batch: `wait_for(..., lambda p: p.paused, ...)`,
    then `stopped(process)`, act, and `resume(process)`.
    """
    notes.unlink(missing_ok=True)
    args = ["--store", str(store), "ingest", str(corpus), "--batch-size", str(batch_size)]
    return subprocess.Popen(
        [sys.executable, "-c", _NOTED_CVKG, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CVKG_TEST_NOTES": str(notes), "CVKG_TEST_PAUSE_AT": str(pause_at)},
        # Ctrl-C reaches it even when the test run itself was started with SIGINT ignored (a background job)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def progress(notes: Path) -> Progress:
    """Read the notes of a noted ingest (a line being written is not counted until it ends)."""
    try:
        lines = notes.read_text(encoding="utf-8").split("\n")[:-1]
    except FileNotFoundError:
        return Progress()
    # the ingest ends with a write of the last, possibly empty batch: "commit 0" is no batch of articles
    commits = sum(line.startswith("commit ") and line != "commit 0" for line in lines)
    return Progress(opened="open" in lines, commits=commits, paused="paused" in lines)


def stopped(process: subprocess.Popen[str], *, hang: float = HANG) -> None:
    """Wait until a noted ingest that said "paused" is stopped (state T in /proc); fail if it exits or hangs."""
    deadline = time.perf_counter() + hang
    stat = Path(f"/proc/{process.pid}/stat")
    while process.poll() is None and time.perf_counter() < deadline:
        # the state follows the command name in parentheses, which may itself hold spaces
        if stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()[0] == "T":
            return
        time.sleep(POLL)
    pytest.fail(f"the paused ingest is not stopped (exit code {process.poll()})")


def resume(process: subprocess.Popen[str]) -> None:
    """Let a paused ingest go on."""
    process.send_signal(signal.SIGCONT)


def watch(
    process: subprocess.Popen[str], notes: Path, until: Callable[[Progress], bool], *, seconds: float
) -> Progress:
    """Poll the notes until `until(progress)` holds, the process exits or `seconds` pass; return the last progress."""
    deadline = time.perf_counter() + seconds
    while True:
        seen = progress(notes)
        if until(seen) or process.poll() is not None or time.perf_counter() >= deadline:
            return seen
        time.sleep(POLL)


def wait_for(
    process: subprocess.Popen[str], notes: Path, until: Callable[[Progress], bool], what: str, *, hang: float = HANG
) -> Progress:
    """`watch` until `until(progress)` holds; fail if the ingest exits first, or hangs (nothing after `hang` s)."""
    seen = watch(process, notes, until, seconds=hang)
    if not until(seen):
        if process.poll() is None:
            stop(process)
            pytest.fail(f"the ingest hung: no {what} within {hang:.0f} s ({seen})")
        _, err = process.communicate()
        pytest.fail(f"the ingest exited with {process.returncode} before {what} ({seen}):\n{err}")
    return seen


@dataclass
class Timeline:
    """When a clean noted ingest opened the store, committed each batch and exited, in seconds after its start.

    Measured with the notes polled every `POLL` s; used to scale random kill delays and to log, never asserted.
    """

    opened: float
    commits: list[float]
    finish: float


def timed_ingest(store: Path, corpus: Path, notes: Path, *, batch_size: int, hang: float = HANG) -> Timeline:
    """Run a noted `cvkg ingest` to the end, noting when it opened the store and committed each batch."""
    started = time.perf_counter()
    opened = 0.0
    commits: list[float] = []
    process = start_noted_ingest(store, corpus, notes, batch_size=batch_size)
    try:
        while process.poll() is None:
            before = Progress(opened=bool(opened), commits=len(commits))
            seen = watch(process, notes, lambda p, before=before: p != before, seconds=hang)
            if seen == before and process.poll() is None:
                pytest.fail(f"the clean ingest hung: no progress within {hang:.0f} s ({seen})")
            now = time.perf_counter() - started
            opened = opened or (now if seen.opened else 0.0)
            commits += [now] * (seen.commits - len(commits))
        finish = time.perf_counter() - started
        commits += [finish] * (progress(notes).commits - len(commits))  # noted just before the exit
        _, err = process.communicate(timeout=hang)
    finally:
        stop(process)
    assert process.returncode == 0, err
    return Timeline(opened=opened, commits=commits, finish=finish)


def read_graphs(location: Path, *, read_only: bool = False) -> Graphs:
    """The quads of each named graph (as N-Quads lines) of a store, opened as cvkg opens it."""
    store = open_store(location, read_only=read_only, create=False)
    try:
        data = store.dump(ox.RdfFormat.N_QUADS)
    finally:
        store.close()
    return parse_graphs(data)


def parse_graphs(data: bytes) -> Graphs:
    """Group N-Quads by article graph; cvkg writes no blank nodes, so equal sets mean isomorphic graphs.

    The background graph is left out: it follows the article graphs a transaction later (graph.stores.base),
    so a killed run may leave it behind until the next write; tests/graph/test_background.py checks it.
    """
    graphs: defaultdict[str, set[str]] = defaultdict(set)
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        if str(quad.graph_name) != "<https://w3id.org/cvkg/graph/background>":
            graphs[str(quad.graph_name)].add(str(quad))
    return {name: frozenset(quads) for name, quads in graphs.items()}


def torn_articles(found: Mapping[str, frozenset[str]], reference: Mapping[str, frozenset[str]]) -> list[str]:
    """Article graphs that are not exactly as a clean run writes them (partly written, extra or unknown)."""
    problems = []
    for name, quads in sorted(found.items()):
        expected = reference.get(name)
        if expected is None:
            problems.append(f"{name}: not written by a clean run")
        elif quads != expected:
            problems.append(f"{name}: {len(quads & expected)}/{len(expected)} quads, {len(quads - expected)} extra")
    return problems
