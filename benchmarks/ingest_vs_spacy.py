"""Ingest throughput against bare spaCy on the same texts, model and processes.

    python benchmarks/ingest_vs_spacy.py --articles 2000 [--processes 1 2] [--batch-size 32]

For each process count, in one run: first bare `nlp.pipe` (the same model, loaded with
`spacy.load`, all its default pipes, `n_process` processes) over the article texts, then the whole
of `cvkg ingest` (reading files, parsing, extraction, RDF, writes into a fresh embedded store).
Both times include loading the model. It prints the words/s of each and then `ratio X.XX`
(ingest ÷ bare). The last line compares the ingest with 2 processes to 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402

from graph.stores import open_store  # noqa: E402
from pipelines.config import Settings  # noqa: E402
from pipelines.ingest import Skipped, read_articles  # noqa: E402
from pipelines.nlp import resolve_model_name  # noqa: E402
from pipelines.service import ingest_paths  # noqa: E402


def bare_spacy(texts: list[str], processes: int, batch_size: int) -> tuple[float, int]:
    """Seconds and words of plain `spacy.load(model).pipe(...)` over the texts."""
    import spacy

    started = time.perf_counter()
    nlp = spacy.load(resolve_model_name())
    words = 0
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        words += sum(1 for t in doc if not t.is_punct and not t.is_space)
    return time.perf_counter() - started, words


def cvkg_ingest(paths: list[Path], work: Path, processes: int, batch_size: int) -> tuple[float, int, int]:
    """Seconds, words and quads of a whole ingest into a fresh embedded store."""
    location = work / f"store-{processes}"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    store = open_store(location)
    try:
        summary = ingest_paths(paths, store, Settings(store=str(location), processes=processes, batch_size=batch_size))
    finally:
        store.close()
    return time.perf_counter() - started, summary.words, summary.store_quads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cvkg-bench-"))
    try:
        paths = generate(work / "corpus", args.articles)
        texts = [a.text for a in read_articles(paths) if not isinstance(a, Skipped)]
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} articles, {words:,} words; {platform.machine()}, {os.cpu_count()} cores")
        rates: dict[int, float] = {}
        for processes in args.processes:
            bare_s, bare_words = bare_spacy(texts, processes, args.batch_size)
            ingest_s, words, quads = cvkg_ingest(paths, work, processes, args.batch_size)
            rates[processes] = words / ingest_s
            print(f"\nprocesses {processes}")
            print(f"bare spaCy   {bare_s:7.1f} s  {bare_words / bare_s:8,.0f} words/s")
            print(f"cvkg ingest  {ingest_s:7.1f} s  {words / ingest_s:8,.0f} words/s  ({quads:,} quads)")
            print(f"ratio {(words / ingest_s) / (bare_words / bare_s):.2f}", flush=True)
        if 1 in rates and 2 in rates:
            print(f"\ningest with 2 processes / 1 process: {rates[2] / rates[1]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
