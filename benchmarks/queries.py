"""Named-query latency on a big graph: embedded Oxigraph against rdflib's in-memory store.

    python benchmarks/queries.py [--triples 1000000] [--runs 7]

The graph is made of generated events: the bundled samples are extracted once (real spaCy and
extractors), then their article results are copied with other customers, amounts, dates and URLs
(`benchmarks/corpus.py` does the same to the text) and turned into triples by `graph.build`, so
the shapes are exactly what `cvkg ingest` writes. Both stores get the same dataset: the article
graphs and the index (their set union) as default graph. Each named query runs in two rounds: over
the whole store (no optional parameters: every provider, every article; events-about with Amazon
Web Services) and with the example parameters of its header (one provider, market or period;
events-about with a generated company). event-source asks for a generated contract in both. The
script prints the median time of each on each store and the ratio rdflib ÷ Oxigraph (each store's
runs happen in a forked child and are given up after --limit seconds, shown as ">"). A run passes
when its Oxigraph median is ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.build import article_triples  # noqa: E402
from graph.library import list_queries, prepare  # noqa: E402
from graph.records import Amount, ArticleResult, Entity  # noqa: E402
from graph.stores import open_store  # noqa: E402
from ontology.vocab import PREFIXES  # noqa: E402

LIMIT_MS = 100.0


def sample_results() -> list[ArticleResult]:
    """The bundled samples, read by the real pipeline."""
    from ontology import load_gazetteer
    from pipelines.ingest import Skipped, read_articles
    from pipelines.nlp import build_nlp
    from pipelines.run import process

    gazetteer = load_gazetteer()
    articles = [a for a in read_articles([ROOT / "samples"]) if not isinstance(a, Skipped)]
    return list(process(articles, build_nlp(gazetteer=gazetteer), gazetteer=gazetteer))


def variant(result: ArticleResult, index: int, rng: random.Random, companies: int) -> ArticleResult:
    """A copy of an article result with other companies, scaled amounts and a new date.

    Providers, their corporate family (parents and owners, as the article's relations give them),
    places and media stay: they are the market every article is about, one node each as in a real
    archive. Renaming Google or Amazon too would give each provider thousands of parents.
    """
    renamed: dict[str, Entity] = {}
    family = {e.id for e in result.entities if e.cls == "CloudProvider"}
    links = [{r.subject.id, r.object.id} for r in result.relations if r.prop in ("parentOrganization", "owns")]
    while grown := {i for link in links if link & family for i in link} - family:
        family |= grown

    def entity(e: Entity) -> Entity:
        if e.cls != "Company" or e.id in family:
            return e
        if e.id not in renamed:
            n = rng.randrange(companies)
            renamed[e.id] = replace(e, id=f"bench-company-{n}", label=f"Bench Company {n}", alt_labels=())
        return renamed[e.id]

    factor = Decimal(rng.randint(50, 200)) / 100

    def value(v: object) -> object:
        if isinstance(v, Entity):
            return entity(v)
        if isinstance(v, Amount):
            return replace(v, value=(v.value * factor).quantize(Decimal(1)))
        return v

    year = rng.randint(2012, 2025)
    article = replace(
        result.article,
        url=f"https://bench.example/{index}",
        date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        title=f"{result.article.title} ({index})",
    )

    def renamed_event(e: object) -> object:
        # an event about renamed companies gets other figures too; one about providers only (a quarter's
        # revenue, a region) keeps them, as every article reporting it would
        changes = any(isinstance(v, Entity) and entity(v) != v for vs in e.roles.values() for v in vs)  # type: ignore[attr-defined]
        roles = {
            r: tuple(value(v) if changes or not isinstance(v, Amount) else v for v in vs) for r, vs in e.roles.items()
        }  # type: ignore[attr-defined]
        return replace(e, roles=roles)  # type: ignore[type-var]

    events = tuple(renamed_event(e) for e in result.events)
    relations = tuple(replace(r, subject=entity(r.subject), object=entity(r.object)) for r in result.relations)
    return replace(
        result, article=article, entities=tuple(entity(e) for e in result.entities), events=events, relations=relations
    )


def fill(store: object, results: list[ArticleResult], triples: int, seed: int = 7) -> tuple[int, int]:
    """Write article variants until the store holds at least `triples` quads; return (articles, quads)."""
    rng = random.Random(seed)
    written = articles = 0
    batch = []
    while written < triples:
        name, found = article_triples(variant(results[articles % len(results)], articles, rng, companies=20000))
        batch.append((name, found))
        written += len(found)
        articles += 1
        if len(batch) == 500:
            store.replace_articles(batch)  # type: ignore[attr-defined]
            batch = []
    store.replace_articles(batch)  # type: ignore[attr-defined]
    return articles, store.quad_count()  # type: ignore[attr-defined]


def in_child(job: object, limit: float, default: object) -> object:
    """`job()` in a forked child (it shares what is loaded), or `default` when it runs over `limit` seconds."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=lambda: queue.put(job()))  # type: ignore[operator]
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return default
    return queue.get()


def oxigraph_job(location: Path, text: str, runs: int) -> object:
    """A job that opens the store read-only in the child (never a RocksDB handle across fork) and times `text`."""

    def job() -> tuple[int, list[float]]:
        store = open_store(location, read_only=True)
        rows = len(list(store.query(text)))  # type: ignore[call-overload]
        return rows, timed(lambda: list(store.query(text)), runs)  # type: ignore[call-overload]

    return job


def rdflib_job(dataset: object, text: str, runs: int) -> object:
    """A job that times `text` on the rdflib Dataset (the child inherits it loaded)."""
    return lambda: timed(lambda: list(dataset.query(text, initNs=PREFIXES)), runs)  # type: ignore[attr-defined]


def timed(run: object, runs: int, budget: float = 60.0) -> list[float]:
    """Times (ms) of up to `runs` runs, fewer when they would exceed `budget` seconds."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < runs and (not times or time.perf_counter() - started + times[-1] / 1000 < budget):
        t = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-rdflib", action="store_true", help="time Oxigraph only")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds before a query's runs are given up")
    args = parser.parse_args()
    import pyoxigraph as ox
    from rdflib import Dataset

    work = Path(tempfile.mkdtemp(prefix="cvkg-queries-"))
    try:
        t = time.perf_counter()
        store = open_store(work / "store")
        articles, quads = fill(store, sample_results(), args.triples)
        took = time.perf_counter() - t
        print(f"embedded store: {quads:,} quads from {articles:,} generated articles in {took:.0f} s")
        contract = next(iter(store.query(CONTRACT)))  # type: ignore[call-overload]
        store.close()
        dataset = Dataset()
        if not args.skip_rdflib:  # the same dataset: article graphs and the index as default graph
            t = time.perf_counter()
            whole = ox.Store.read_only(str(work / "store"))
            dataset.parse(data=ox.serialize(whole, format=ox.RdfFormat.N_QUADS), format="nquads")
            del whole
            took = time.perf_counter() - t
            print(f"rdflib Dataset: {len(dataset.default_graph):,} default-graph triples, loaded in {took:.0f} s")
        rounds = {
            "the whole store (no optional parameters)": {
                "events-about": {"entity_name": "Amazon Web Services"},
                "event-source": {"event": f"<{contract['e'].value}>"},
            },
            "one provider or company (the example parameters)": {
                "events-about": {"entity_name": contract["customer"].value},
                "event-source": {"event": f"<{contract['e'].value}>"},
            },
        }
        failed = 0
        for title, overrides in rounds.items():
            print(f"\n{title}\n{'query':<24} {'rows':>6} {'oxigraph ms':>12} {'rdflib ms':>10} {'ratio':>7}")
            every = title.startswith("the whole")
            for named in list_queries():
                examples = {p.name: p.example for p in named.params if p.required or not every}
                params = overrides.get(named.name) or examples
                failed += time_query(work / "store", dataset, named, params, args)
        print(f"\nquery runs over {LIMIT_MS:.0f} ms on Oxigraph: {failed} of {2 * len(list_queries())}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


# a generated contract and its customer, as the parameters of a one-company round
CONTRACT = "SELECT ?e ?customer WHERE { ?e a cvkg:Contract ; cvkg:customer/rdfs:label ?customer } LIMIT 1"


def time_query(location: Path, dataset: object, named: object, params: dict[str, str], args: object) -> bool:
    """Print one line of the table; True when the Oxigraph median is over the limit."""
    text = prepare(named, params)  # type: ignore[arg-type]  # the values written in, as `cvkg query --name` runs it
    limit = args.limit * 1000  # type: ignore[attr-defined]
    job = oxigraph_job(location, text, args.runs)  # type: ignore[attr-defined]
    rows, ox_times = in_child(job, args.limit, (-1, [limit]))  # type: ignore[attr-defined,misc]
    ox_ms = statistics.median(ox_times)
    rdf_ms = float("nan")
    if not args.skip_rdflib:  # type: ignore[attr-defined]
        query = rdflib_job(dataset, text, args.runs)  # type: ignore[attr-defined]
        rdf_ms = statistics.median(in_child(query, args.limit, [limit]))  # type: ignore[arg-type,attr-defined]
    ox_text = f">{ox_ms:>11.0f}" if ox_ms >= limit else f"{ox_ms:>12.1f}"
    rdf_text = f">{rdf_ms:>9.0f}" if rdf_ms >= limit else f"{rdf_ms:>10.0f}"
    ratio = "" if ox_ms >= limit else (">" if rdf_ms >= limit else " ") + f"{rdf_ms / ox_ms:>6.0f}"
    rows_text = "?" if rows < 0 else str(rows)
    print(f"{named.name:<24} {rows_text:>6} {ox_text} {rdf_text} {ratio:>7}", flush=True)  # type: ignore[attr-defined]
    return ox_ms > LIMIT_MS


if __name__ == "__main__":
    raise SystemExit(main())
