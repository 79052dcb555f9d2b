"""Soak test: ingest many generated articles into one embedded store; check the quad count and flat memory.

    python benchmarks/soak.py --articles 20000 [--chunk 1000] [--processes 2] [--marks 2000 10000] [--store DIR]

Articles are generated (benchmarks/corpus.py) and ingested in one `ingest_paths` call, as one long
`cvkg ingest` would. Every `--chunk` articles it prints the articles so far and the process's
resident memory (VmRSS of the process and its spaCy workers) and the peak so far (sampled every
50 articles); at each of `--marks` it prints the peak, so one run gives the peak memory of
ingesting 2,000 and 10,000 articles (the same articles come first in both). At the end it checks that the store
holds one graph per article, that re-ingesting the first chunk leaves the quad count unchanged, and
prints `peak_ratio` (peak at the last mark ÷ peak at the first) and `rss_ratio X.XX` = RSS at
the end / RSS after the first chunk (flat memory is ≈ 1).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

from graph.stores import open_store  # noqa: E402
from pipelines.config import Settings  # noqa: E402
from pipelines.service import ingest_paths  # noqa: E402


def _rss_kb(pid: int | str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int | str) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def rss_mb() -> float:
    """Resident memory of this process and all its descendants (spaCy workers) in MB (Linux /proc)."""
    total, todo = 0, ["self"]
    while todo:
        pid = todo.pop()
        pid = str(Path(f"/proc/{pid}").resolve().name) if pid == "self" else pid
        total += _rss_kb(pid)
        todo.extend(_children(pid))
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--store", type=Path, help="store directory (default: a temporary one)")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (cvkg ingest --processes)")
    parser.add_argument("--marks", type=int, nargs="*", default=[2000, 10000], help="print the peak RSS at these")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cvkg-soak-"))
    location = args.store or work / "store"
    corpus = generate(work / "corpus", args.articles)
    settings = Settings(store=str(location), processes=args.processes)
    store = open_store(location)
    rss: list[float] = []
    started = time.perf_counter()
    seen = 0

    peak = 0.0
    peaks: dict[int, float] = {}

    def sample(_result: object) -> None:
        nonlocal seen, peak
        seen += 1
        if seen % 50 == 0 or seen in args.marks:
            peak = max(peak, rss_mb())
        if seen in args.marks:
            peaks[seen] = peak
            print(f"peak rss after {seen:,} articles: {peak:.0f} MB", flush=True)
        if seen % args.chunk == 0:
            rss.append(rss_mb())
            took = time.perf_counter() - started
            print(f"articles {seen:>6}  rss {rss[-1]:7.0f} MB  peak {peak:7.0f} MB  {took:7.0f} s", flush=True)

    try:
        summary = ingest_paths(corpus, store, settings, on_article=sample)  # one long ingest, as `cvkg ingest`
        graphs, quads = len(store.article_graphs()), store.quad_count()
        print(f"read {summary.read}, skipped {len(summary.skipped)}, quads {quads:,}")
        ingest_paths(corpus[: args.chunk], store, settings)
        again = store.quad_count()
    finally:
        store.close()
        shutil.rmtree(work / "corpus", ignore_errors=True)
    print(f"article graphs {graphs} for {len(corpus)} articles; quads {quads:,}, after re-ingest {again:,}")
    marks = sorted(peaks)
    if len(marks) >= 2:
        print(f"peak_ratio {peaks[marks[-1]] / peaks[marks[0]]:.2f} ({marks[-1]:,} vs {marks[0]:,} articles)")
    print(f"rss_ratio {rss[-1] / rss[0]:.2f}")
    return 0 if graphs == len(corpus) and again == quads else 1


if __name__ == "__main__":
    raise SystemExit(main())
