"""Soak test: ingest many generated articles into one embedded store; check the quad count and flat memory.

    python benchmarks/soak.py --articles 20000 [--chunk 1000] [--store DIR]

Articles are generated (benchmarks/corpus.py) and ingested in one `ingest_paths` call, as one long
`cvkg ingest` would. Every `--chunk` articles it prints the articles so far and the process's
resident memory (VmRSS); at the end it checks that the store
holds one graph per article, that re-ingesting the first chunk leaves the quad count unchanged, and
prints `rss_ratio X.XX` = RSS at the end / RSS after the first chunk (flat memory is ≈ 1).
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

from graph.store import open_store  # noqa: E402
from pipelines.config import Settings  # noqa: E402
from pipelines.service import ingest_paths  # noqa: E402


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--store", type=Path, help="store directory (default: a temporary one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cvkg-soak-"))
    location = args.store or work / "store"
    corpus = generate(work / "corpus", args.articles)
    settings = Settings(store=str(location))
    store = open_store(location)
    rss: list[float] = []
    started = time.perf_counter()
    seen = 0

    def sample(_result: object) -> None:
        nonlocal seen
        seen += 1
        if seen % args.chunk == 0:
            rss.append(rss_mb())
            print(  # noqa: T201
                f"articles {seen:>6}  rss {rss[-1]:7.0f} MB  {time.perf_counter() - started:7.0f} s", flush=True
            )

    try:
        summary = ingest_paths(corpus, store, settings, on_article=sample)  # one long ingest, as `cvkg ingest`
        graphs, quads = len(store.article_graphs()), store.quad_count()
        print(f"read {summary.read}, skipped {len(summary.skipped)}, quads {quads:,}")  # noqa: T201
        ingest_paths(corpus[: args.chunk], store, settings)
        again = store.quad_count()
    finally:
        store.close()
        shutil.rmtree(work / "corpus", ignore_errors=True)
    print(f"article graphs {graphs} for {len(corpus)} articles; quads {quads:,}, after re-ingest {again:,}")  # noqa: T201
    print(f"rss_ratio {rss[-1] / rss[0]:.2f}")  # noqa: T201
    return 0 if graphs == len(corpus) and again == quads else 1


if __name__ == "__main__":
    raise SystemExit(main())
