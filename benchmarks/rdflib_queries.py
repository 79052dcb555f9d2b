"""The named queries on the exports, in rdflib and in Oxigraph, side by side.

    python benchmarks/rdflib_queries.py [--corpus ../shared/corpus/dev | --store PATH] [--limit 120]

A user who loads `cvkg export` into rdflib runs the named queries there. This script ingests
the corpus into a fresh embedded store (or opens --store), exports it as Turtle (the union of
the article graphs) and as TriG (one graph per article), and runs every named query of
`graph/queries/` twice: without optional parameters and with the example parameters of its
header, prepared as `cvkg query --name` prepares them (`graph.library.prepare`).

Where each query runs:

- a query that reads no named graph runs on the Turtle, parsed into an rdflib `Graph`, and in
  an in-memory Oxigraph store holding the same triples in its default graph;
- a query that reads per-article graphs (`GRAPH ?article`; the header says TriG only) runs on
  the TriG, parsed into an rdflib `Dataset(default_union=True)`, and in an Oxigraph store holding
  the same quads, queried with the default graph as the union of the named graphs.

Each line gives the data used, the median time and row count on each side, their ratio
(rdflib ÷ Oxigraph), the rows of the same prepared text on the cvkg store itself (as `cvkg query`
answers), and whether the three answers agree (rows compared as multisets, numbers by value).
Every run happens in a forked child, given up after --limit seconds (">"). Nothing is asserted:
tests/graph/test_rdflib_queries.py checks the rows, this script says how fast.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.export import export_graph  # noqa: E402
from graph.library import list_queries, prepare  # noqa: E402
from graph.stores import open_store  # noqa: E402
from ontology.vocab import PREFIXES  # noqa: E402

NUMERIC = ("integer", "decimal", "double", "float", "long", "int")
# what a required parameter is given in both rounds (the header's example need not be in the corpus)
REQUIRED = {"entity_name": "ByteDance", "event": "evt:migration-bytedance"}


def value_key(value: str, datatype: str | None) -> object:
    """A term's value as compared across engines: numbers by value ("1.0" = "1"), the rest by their text."""
    if datatype and datatype.rsplit("#", 1)[-1] in NUMERIC:
        try:
            return Decimal(value).normalize()
        except InvalidOperation:
            return value
    return value


def rdflib_rows(graph: object, text: str) -> Counter:
    """The rows of `text` on an rdflib graph or dataset, as a multiset of tuples of value keys."""
    from rdflib import Literal

    result = graph.query(text, initNs=PREFIXES)  # type: ignore[attr-defined]
    names = [str(v) for v in result.vars]
    found: Counter = Counter()
    for row in result:
        terms = [row[n] for n in names]
        found[
            tuple(
                None
                if t is None
                else value_key(str(t), str(t.datatype) if isinstance(t, Literal) and t.datatype else None)
                for t in terms
            )
        ] += 1
    return found


def oxigraph_rows(store: object, text: str, *, union: bool) -> Counter:
    """The rows of `text` on an in-memory pyoxigraph store, keyed as `rdflib_rows` keys them."""
    import pyoxigraph as ox

    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    result = store.query(prefixes + text, use_default_graph_as_union=union)  # type: ignore[attr-defined]
    names = [v.value for v in result.variables]
    found: Counter = Counter()
    for row in result:
        terms = [row[n] for n in names]
        found[
            tuple(
                None if t is None else value_key(t.value, t.datatype.value if isinstance(t, ox.Literal) else None)
                for t in terms
            )
        ] += 1
    return found


def store_rows(store: object, text: str) -> Counter:
    """The rows of `text` on the cvkg store, as `cvkg query` answers."""
    import pyoxigraph as ox

    result = store.query(text)  # type: ignore[attr-defined]
    names = [v.value for v in result.variables]
    return Counter(
        tuple(
            None if t is None else value_key(t.value, t.datatype.value if isinstance(t, ox.Literal) else None)
            for t in (row[n] for n in names)
        )
        for row in result
    )


def timed(run: Callable[[], Counter], runs: int, budget: float) -> tuple[Counter, list[float]]:
    """The answer of `run` and the times (ms) of up to `runs` runs, fewer when they would exceed `budget` seconds."""
    times: list[float] = []
    answer: Counter = Counter()
    started = time.perf_counter()
    while len(times) < runs and (not times or time.perf_counter() - started + times[-1] / 1000 < budget):
        t = time.perf_counter()
        answer = run()
        times.append((time.perf_counter() - t) * 1000)
    return answer, times


def in_child(job: Callable[[], object], limit: float) -> object:
    """`job()` in a forked child (it shares what is loaded), or None when it runs over `limit` seconds or fails."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def run() -> None:
        try:
            queue.put(job())
        except Exception as exc:  # noqa: BLE001 - reported in the table
            queue.put(exc)

    child = context.Process(target=run)
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return queue.get() if not queue.empty() else None


def load(turtle: bytes, trig: bytes) -> dict[str, tuple[object, object]]:
    """{"turtle"|"trig": (rdflib graph or dataset, pyoxigraph store)} holding each export."""
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    graph = Graph().parse(data=turtle, format="turtle")
    dataset = Dataset(default_union=True).parse(data=trig, format="trig")
    ox_turtle, ox_trig = ox.Store(), ox.Store()
    ox_turtle.load(turtle, format=ox.RdfFormat.TURTLE)
    ox_trig.load(trig, format=ox.RdfFormat.TRIG)
    return {"turtle": (graph, ox_turtle), "trig": (dataset, ox_trig)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    source.add_argument("--store", help="an existing cvkg store instead of ingesting --corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=120.0, help="seconds before a query's runs are given up")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cvkg-rdflib-"))
    try:
        if args.store:
            store = open_store(args.store, read_only=True)
        else:
            from pipelines.config import Settings
            from pipelines.service import ingest_paths

            location = str(work / "store")
            store = open_store(location)
            t = time.perf_counter()
            summary = ingest_paths([args.corpus], store, Settings(store=location))
            print(f"ingested {summary.read} articles of {args.corpus} in {time.perf_counter() - t:.0f} s")
        turtle, trig = export_graph(store, "turtle"), export_graph(store, "trig")
        t = time.perf_counter()
        data = load(turtle, trig)
        print(
            f"Turtle export: {len(data['turtle'][0]):,} triples; TriG export: {len(data['trig'][1]):,} quads in "
            f"{len(list(data['trig'][1].named_graphs()))} graphs; parsed in {time.perf_counter() - t:.1f} s"
        )
        return run_all(store, data, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_all(store: object, data: dict[str, tuple[object, object]], args: argparse.Namespace) -> int:
    """Print the table; 1 when some answer disagrees or some run was given up, else 0."""
    header = f"{'query':<24} {'params':<7} {'data':<6} {'rdflib ms':>10} {'oxigraph ms':>12} {'ratio':>7}"
    print(f"\n{header} {'rows rdflib':>11} {'oxigraph':>9} {'store':>6}  agree")
    bad = 0
    slowest = 0.0
    for named in list_queries():
        kind = "trig" if named.needs_graphs else "turtle"
        graph, ox_store = data[kind]
        required = {p.name: REQUIRED.get(p.name, p.example) for p in named.params if p.required}
        examples = {p.name: p.example for p in named.params} | required
        for label, params in (("none", required), ("example", examples)):
            text = prepare(named, params, portable=True)
            limit_ms = args.limit * 1000
            rdf = in_child(partial(timed, partial(rdflib_rows, graph, text), args.runs, args.limit), args.limit)
            ox_run = partial(oxigraph_rows, ox_store, text, union=kind == "trig")
            oxi = in_child(partial(timed, ox_run, args.runs, args.limit), args.limit)
            in_store = store_rows(store, prepare(named, params))
            cells = []
            answers = []
            for outcome in (rdf, oxi):
                if isinstance(outcome, tuple):
                    answer, times = outcome
                    cells.append(statistics.median(times))
                    answers.append(answer)
                else:
                    cells.append(None)
                    answers.append(outcome)
            rdf_ms, ox_ms = cells
            slowest = max(slowest, rdf_ms if rdf_ms is not None else limit_ms)
            ratio = f"{rdf_ms / ox_ms:>7.1f}" if rdf_ms is not None and ox_ms else f"{'':>7}"
            counts = [
                "error" if isinstance(a, Exception) else ">" if a is None else f"{sum(a.values())}" for a in answers
            ]
            agree = all(isinstance(a, Counter) and a == in_store for a in answers)
            bad += not agree
            rdf_text = f"{rdf_ms:>10.1f}" if rdf_ms is not None else f"{'>' + str(int(limit_ms)):>10}"
            ox_text = f"{ox_ms:>12.1f}" if ox_ms is not None else f"{'>' + str(int(limit_ms)):>12}"
            print(
                f"{named.name:<24} {label:<7} {kind:<6} {rdf_text} {ox_text} {ratio} "
                f"{counts[0]:>11} {counts[1]:>9} {sum(in_store.values()):>6}  {'yes' if agree else 'NO'}",
                flush=True,
            )
            for a in answers:
                if isinstance(a, Exception):
                    print(f"    {type(a).__name__}: {str(a)[:200]}")
    print(f"\nslowest rdflib run: {slowest / 1000:.2f} s; answers that disagree or were given up: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
