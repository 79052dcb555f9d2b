"""Helpers for the crash and concurrency tests: a corpus, `cvkg ingest` as a real subprocess, per-article graphs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
CVKG = [sys.executable, "-m", "pipelines"]  # the `cvkg` entry point of this checkout (run with cwd=ROOT)
WRITE_BYTES = 1000  # a RocksDB write-ahead log this big holds at least one committed batch of articles

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


@dataclass
class Timeline:
    """When a clean ingest started writing and when it exited, in seconds after its start."""

    first_write: float
    finish: float


def timed_ingest(store: Path, corpus: Path, *, batch_size: int, timeout: float = 120.0) -> Timeline:
    """Run `cvkg ingest` to the end, watching the write-ahead logs to see when the first batch is committed."""
    before = set(wal_sizes(store))
    started = time.perf_counter()
    first_write = 0.0
    process = start_cvkg("--store", str(store), "ingest", str(corpus), "--batch-size", str(batch_size))
    try:
        while process.poll() is None and time.perf_counter() - started < timeout:
            grown = sum(size for name, size in wal_sizes(store).items() if name not in before)
            if not first_write and grown > WRITE_BYTES:
                first_write = time.perf_counter() - started
            time.sleep(0.01)
        finish = time.perf_counter() - started
        _, err = process.communicate(timeout=1)
    finally:
        stop(process)
    assert process.returncode == 0, err
    return Timeline(first_write=first_write or finish, finish=finish)


def read_graphs(location: Path, *, read_only: bool = False) -> Graphs:
    """The quads of each named graph (as N-Quads lines) of a store, opened as cvkg opens it."""
    store = open_store(location, read_only=read_only, create=False)
    try:
        data = store.dump(ox.RdfFormat.N_QUADS)
    finally:
        store.close()
    return parse_graphs(data)


def parse_graphs(data: bytes) -> Graphs:
    """Group N-Quads by graph name; cvkg writes no blank nodes, so equal sets mean isomorphic graphs."""
    graphs: defaultdict[str, set[str]] = defaultdict(set)
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
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
