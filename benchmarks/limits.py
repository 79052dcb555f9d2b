"""How promptly the time limits act, and what projecting the samples costs (the timings the tests no longer assert).

    python benchmarks/limits.py [--runs 5]

Three measurements on the bundled samples, each against a baseline taken in the same run:

- `call_with_timeout` with a 0.2 s limit on work that never ends: time to the timeout error ÷ the limit;
- `cvkg query --timeout 1` on a query that never ends (a four-way cross product): its wall time minus
  that of `cvkg query "ASK {}"` on the same store (process start, imports, opening the store),
  ÷ the limit;
- `project_to_networkx` of the samples store: its time ÷ the time to export the same store as N-Quads
  (one pass over every quad).

Each figure is the median of --runs runs. Nothing is asserted: the tests check that the limits fire
and that the projection takes a fixed number of queries; this script says how fast.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.analyze import project_to_networkx  # noqa: E402
from graph.export import export_graph  # noqa: E402
from graph.sparql import QueryTimeoutError, call_with_timeout  # noqa: E402
from graph.stores import open_store  # noqa: E402

CVKG = [sys.executable, "-m", "pipelines"]
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def median_seconds(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_process_timeout(limit: float) -> None:
    release = threading.Event()
    try:
        call_with_timeout(lambda: release.wait(), limit)
    except QueryTimeoutError:
        pass
    finally:
        release.set()


def cli(store: Path, *args: str, code: int = 0) -> None:
    result = subprocess.run([*CVKG, "--store", str(store), *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != code:
        raise SystemExit(f"cvkg {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cvkg-limits-"))
    try:
        location = work / "store"
        cli(location, "ingest", "--quiet", str(ROOT / "samples"))

        limit = 0.2
        waited = median_seconds(lambda: in_process_timeout(limit), args.runs)
        print(f"call_with_timeout   limit {limit:.1f} s  error after {waited:.3f} s  ratio {waited / limit:.2f}")

        base = median_seconds(lambda: cli(location, "query", "ASK {}"), args.runs)
        timed = median_seconds(lambda: cli(location, "query", "--timeout", "1", ENDLESS, code=1), args.runs)
        print(f"cvkg query --timeout 1  {timed:.2f} s, 'ASK {{}}' {base:.2f} s  ratio {(timed - base) / 1:.2f}")

        store = open_store(location, read_only=True)
        dump = median_seconds(lambda: export_graph(store, "nquads"), args.runs)
        projection = median_seconds(lambda: project_to_networkx(store), args.runs)
        print(f"projection of the samples  {projection:.3f} s, N-Quads export {dump:.3f} s  "
              f"ratio {projection / dump:.2f}")  # fmt: skip
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
