"""Time of `cvkg view` on a big graph: 5,000 entity nodes against the default 400.

    python benchmarks/view.py [--nodes 5000]

A store is filled with generated article results (as in benchmarks/queries.py) until the
projected graph has the nodes asked for; then the three steps of `cvkg view` are timed —
reading the store into networkx, selecting the view, writing the HTML — for the default
cap of 400 nodes (the baseline) and for `--nodes`. It prints each time, the file sizes and the
ratio big ÷ baseline. (Whether a browser can draw the big page is another matter: see TRAPS.md;
the view freezes physics after the layout, and the browser test covers 300 nodes.)
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from queries import sample_results, variant  # noqa: E402

from graph.analyze import project_to_networkx  # noqa: E402
from graph.build import article_triples  # noqa: E402
from graph.render import render_html  # noqa: E402
from graph.stores import open_store  # noqa: E402
from graph.viewfilter import annotate_graph, read_view_details, select_view  # noqa: E402


def timed_view(store: object, out: Path, max_nodes: int) -> tuple[float, float, float, int, int]:
    """Seconds to read, select and write; nodes shown and file bytes."""
    t0 = time.perf_counter()
    graph = annotate_graph(project_to_networkx(store), read_view_details(store))  # type: ignore[arg-type]
    t1 = time.perf_counter()
    selection = select_view(graph, max_nodes=max_nodes)
    t2 = time.perf_counter()
    render_html(selection.graph, out, isolated=True)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, selection.graph.number_of_nodes(), out.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=5000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cvkg-view-"))
    try:
        results = sample_results()
        store = open_store(work / "store")
        rng = random.Random(7)
        articles = 0
        while True:  # ~1,000 articles at a time until the graph is big enough
            batch = [article_triples(variant(results[i % len(results)], i, rng, companies=50_000))
                     for i in range(articles, articles + 1000)]  # fmt: skip
            store.replace_articles(batch)
            articles += len(batch)
            graph = annotate_graph(project_to_networkx(store), read_view_details(store))  # type: ignore[arg-type]
            if select_view(graph, max_nodes=args.nodes).graph.number_of_nodes() >= args.nodes:
                break
        print(f"store: {articles:,} generated articles, {store.quad_count():,} quads")
        base = timed_view(store, work / "base.html", 400)
        big = timed_view(store, work / "big.html", args.nodes)
        for name, (read, select, write, nodes, size) in (("baseline", base), ("big", big)):
            total = read + select + write
            print(f"{name:<9} {nodes:>6} nodes  read {read:5.1f} s  select {select:5.2f} s  write {write:5.2f} s  "
                  f"total {total:5.1f} s  {size / 1e6:5.1f} MB")  # fmt: skip
        print(f"ratio {sum(big[:3]) / sum(base[:3]):.2f} (whole view), {big[2] / base[2]:.2f} (writing the HTML)")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
