"""Throughput features with real parts: spaCy worker processes, a real Dask LocalCluster, the progress bar.

Each run's graph is compared with a plain one-process run of the same articles (as N-Quads sets),
so parallel or distributed extraction can never change what the store holds.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import DATA, ROOT, SAMPLES, sentence_clock

from pipelines.cli import cli

ARTICLE_DIRS = [SAMPLES, DATA / "heldout"]
CVKG = [sys.executable, "-m", "pipelines"]


def quads(location: str) -> set[str]:
    from graph.export import export_graph
    from graph.stores import open_store

    store = open_store(location, read_only=True)
    try:
        return set(export_graph(store, "nquads").decode().splitlines())
    finally:
        store.close()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory) -> set[str]:
    """The reference: one process, default batch size."""
    location = str(tmp_path_factory.mktemp("local") / "store")
    result = CliRunner().invoke(cli, ["--store", location, "ingest", *map(str, ARTICLE_DIRS)])
    assert result.exit_code == 0, result.output
    found = quads(location)
    assert len(found) > 2000
    return found


@pytest.mark.slow
def test_two_spacy_processes_give_the_same_graph(tmp_path, local_run):
    location = str(tmp_path / "store")
    args = ["--store", location, "ingest", "--processes", "2", "--batch-size", "4", *map(str, ARTICLE_DIRS)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "articles read: 20" in result.output
    assert quads(location) == local_run


@pytest.mark.slow
def test_worker_processes_report_skipped_articles_in_the_summary(tmp_path, monkeypatch):
    """Files the reader refuses and articles a worker gives up on both reach the summary, with their reasons."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    paragraphs = [p.read_text(encoding="utf-8").split("---\n", 2)[-1] for p in sorted(SAMPLES.glob("*.txt"))]
    (folder / "long.txt").write_text("\n\n".join(paragraphs * 3)[:45_000], encoding="utf-8")  # ~290 sentences
    for sample in sorted(SAMPLES.glob("*.txt"))[:3]:  # 10 to 13 sentences each
        (folder / sample.name).write_text(sample.read_text())
    location = str(tmp_path / "store")
    # one second per sentence, in the forked workers too: only the long article is over the limit, on any machine
    assert multiprocessing.get_start_method() == "fork", "the workers must inherit the sentence clock"
    sentence_clock(monkeypatch)
    args = ["--store", location, "ingest", "--processes", "2", "--batch-size", "2", "--max-seconds", "100", str(folder)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "articles read: 3" in result.output
    assert "skipped: 3" in result.output
    assert f"{folder / 'long.txt'}: extraction took too long (limit --max-seconds) (100 s)" in result.output
    assert f"{folder / 'empty.txt'}: " in result.output and f"{folder / 'binary.txt'}: " in result.output


@pytest.mark.slow
def test_small_batches_give_the_same_graph(tmp_path, local_run):
    """One transaction per batch: batch size changes the number of transactions, never the content."""
    location = str(tmp_path / "store")
    result = CliRunner().invoke(cli, ["--store", location, "ingest", "--batch-size", "1", *map(str, ARTICLE_DIRS)])
    assert result.exit_code == 0, result.output
    assert quads(location) == local_run


@pytest.mark.slow
def test_dask_cluster_of_two_worker_processes_gives_the_same_graph(tmp_path, local_run):
    distributed = pytest.importorskip("distributed", reason="Dask is not installed (pip install 'cvkg[dask]')")
    location = str(tmp_path / "store")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        args = ["--store", location, "ingest", "--dask", cluster.scheduler_address, "--batch-size", "3"]
        result = CliRunner().invoke(cli, [*args, *map(str, ARTICLE_DIRS)])
        assert result.exit_code == 0, result.output
        with distributed.Client(cluster.scheduler_address) as client:
            # both workers took tasks, and each loaded the model once (the cache kept one)
            loaded = client.run(lambda: __import__("pipelines.scale").scale._worker_nlp.cache_info().currsize)
    assert sorted(loaded.values()) == [1, 1]
    assert quads(location) == local_run


def test_unreachable_dask_scheduler_is_one_line_error(tmp_path):
    pytest.importorskip("distributed", reason="Dask is not installed")
    from support import free_port

    address = f"tcp://127.0.0.1:{free_port()}"
    # nothing listens there: the error comes when --dask-timeout runs out
    result = subprocess.run(
        [*CVKG, "--store", str(tmp_path / "s"), "ingest", "--dask", address, "--dask-timeout", "1", str(SAMPLES)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: cannot reach the Dask scheduler at {address}")
    assert "Traceback" not in result.stderr


def _run_on_terminal(args: list[str]) -> str:
    """Run cvkg with stderr on a pseudo-terminal (24 x 100); return what the terminal showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL, cwd=ROOT)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=300)
    os.close(leader)
    assert process.returncode == 0, shown.decode(errors="replace")
    return shown.decode(errors="replace")


@pytest.mark.slow
def test_progress_bar_on_a_terminal_only(tmp_path):
    args = [*CVKG, "--store", str(tmp_path / "s"), "ingest", str(SAMPLES)]
    shown = _run_on_terminal(args)
    assert "articles/s" in shown and re.search(r"\d/8 \[", shown)  # rate and the known total
    assert "words/s" in shown  # the summary
    quiet = _run_on_terminal([*args, "--quiet"])
    assert "articles/s" not in quiet and "words/s" in quiet
    piped = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert piped.returncode == 0
    assert "articles/s" not in piped.stderr and "words/s" in piped.stderr


def test_count_articles_counts_files_and_jsonl_lines(tmp_path):
    from pipelines.walk import count_articles

    (tmp_path / "a.txt").write_text("One article about clouds.\n", encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n', encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00")  # not an article suffix
    assert count_articles([tmp_path]) == 4
    assert count_articles([Path(tmp_path / "a.txt"), tmp_path / "feed.jsonl"]) == 4


def test_ahead_keeps_order_raises_in_place_and_stops_when_closed():
    import threading

    from pipelines.run import ahead

    assert list(ahead(iter(range(100)), 3)) == list(range(100))

    def failing():
        yield 1
        yield 2
        raise ValueError("bad third")

    seen = []
    with pytest.raises(ValueError, match="bad third"):
        for item in ahead(failing(), 2):
            seen.append(item)
    assert seen == [1, 2]

    pulled = []

    def endless():
        n = 0
        while True:
            pulled.append(n)
            yield n
            n += 1

    stream = ahead(endless(), 4)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()
    assert not any(t.name == "cvkg-parse" for t in threading.enumerate())
    assert len(pulled) <= 3 + 4 + 2  # the thread ran at most depth (+ the items in hand) ahead
