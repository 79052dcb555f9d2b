"""What the CLI commands do, as plain functions over `Settings` (the CLI only parses and prints)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from graph.build import article_triples
from graph.iris import article_iri
from graph.records import Article, ArticleResult
from graph.scoring import Score
from graph.stores import KnowledgeStore
from ontology import GazetteerEntry, load_gazetteer
from pipelines.config import Settings
from pipelines.ingest import Skipped, read_articles

logger = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    """Counts of one ingest run."""

    read: int = 0
    events: int = 0
    relations: int = 0
    triples: int = 0
    words: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    store_quads: int = 0
    committed: int = 0  # articles whose batch the store has committed (all of `read` once the run ends)

    def lines(self) -> list[str]:
        """The summary as printed by `cvkg ingest`."""
        rate = self.words / self.seconds if self.seconds else 0.0
        out = [
            f"articles read: {self.read}",
            f"skipped: {len(self.skipped)}",
            *[f"  {s.source}: {s.reason}" for s in self.skipped],
            f"events: {self.events}",
            f"relations: {self.relations}",
            f"triples written: {self.triples}",
            f"quads in store: {self.store_quads}",
            f"seconds: {self.seconds:.1f} ({rate:,.0f} words/s)",
        ]
        return out


def ingest_paths(
    paths: Iterable[str | Path],
    store: KnowledgeStore,
    settings: Settings,
    *,
    on_article: Callable[[ArticleResult], None] | None = None,
    on_item: Callable[[IngestSummary], None] | None = None,
    summary: IngestSummary | None = None,
) -> IngestSummary:
    """Read, extract and store articles as a stream; each batch of articles is one transaction.

    `summary`, when given, is filled as the run goes, so a caller still has it when the run is
    interrupted or fails: `committed` counts the articles the store holds for sure.

    With `settings.processes` 1, one worker process parses while this one extracts; with more, each
    worker parses and extracts its batches; with `settings.dask`, a Dask cluster's workers do. This
    process writes. Memory stays flat: at most a few batches are in flight. `on_item` is called
    after every article stored or skipped.

    Two articles with one IRI (the same URL, or no URL and the same text) would be one named graph,
    the later replacing the earlier unseen: the later is skipped instead, naming the first. (A
    later run replaces an article on purpose: that is how a corrected article is re-ingested.)
    """
    started = time.perf_counter()
    summary = IngestSummary() if summary is None else summary
    gazetteer = load_gazetteer()
    items = read_articles(
        paths,
        max_bytes=settings.max_bytes,
        max_chars=settings.max_chars,
        min_chars=settings.min_chars,
        max_seconds=settings.max_seconds,
    )
    first_source: dict[str, str] = {}  # article IRI -> the source of the article read with it first

    def skipped(item: Skipped) -> None:
        summary.skipped.append(item)
        if on_item is not None:
            on_item(summary)

    def articles() -> Iterator[Article]:
        for item in items:
            if not isinstance(item, Skipped):
                name = str(article_iri(item))
                if name not in first_source:
                    first_source[name] = item.source or item.url or item.title
                    yield item
                    continue
                item = Skipped(item.source, f"same {'URL' if item.url else 'text'} as {first_source[name]}")
            logger.info("skipped %s: %s", item.source, item.reason)
            skipped(item)

    batch: list[tuple[object, list[object]]] = []
    # One batch is written in a thread while the next is extracted (the store's writes release the GIL).
    # Batches are written in order, one at a time; a failed write is raised at the next one or at the end,
    # and leaving early waits for the write in flight, so every transaction is whole (and its failure is logged).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cvkg-write") as writer:
        pending: Future[None] | None = None

        def commit(done: list[tuple[object, list[object]]]) -> None:
            store.replace_articles(done)  # type: ignore[arg-type]
            summary.committed += len(done)

        def write(done: list[tuple[object, list[object]]]) -> None:
            nonlocal pending
            if pending is not None:
                pending.result()
            pending = writer.submit(commit, done)

        try:
            for result in extract_stream(articles(), settings, gazetteer, on_skip=skipped):
                name, triples = article_triples(result)
                batch.append((name, triples))
                summary.read += 1
                summary.events += len(result.events)
                summary.relations += len(result.relations)
                summary.triples += len(triples)
                summary.words += result.words
                if on_article is not None:
                    on_article(result)
                if len(batch) >= settings.batch_size:
                    write(batch)
                    batch = []
                if on_item is not None:
                    on_item(summary)
            write(batch)
        except BaseException as exc:
            # the error raised here is the one the caller sees; a failed write in flight must not vanish with it
            if pending is not None and (failed := pending.exception()) is not None and failed is not exc:
                logger.error("the batch written before that also failed (not stored): %s", failed)
            raise
        pending.result()  # type: ignore[union-attr]
    summary.store_quads = store.quad_count()
    summary.seconds = time.perf_counter() - started
    return summary


def extract_stream(
    articles: Iterable[Article],
    settings: Settings,
    gazetteer: dict[str, GazetteerEntry],
    *,
    on_skip: Callable[[Skipped], None] | None = None,
) -> Iterator[ArticleResult]:
    """What each article states, in input order, computed where `settings` says."""
    if settings.dask:
        from pipelines.scale import dask_results

        yield from dask_results(articles, settings, on_skip=on_skip)
        return
    if settings.processes > 1:
        from pipelines.scale import pool_results

        yield from pool_results(articles, settings, on_skip=on_skip)
        return
    from pipelines.run import extract_parsed
    from pipelines.scale import parsed_in_worker

    # one worker process parses while this one extracts
    yield from extract_parsed(
        parsed_in_worker(articles, settings),
        gazetteer=gazetteer,
        max_seconds=settings.max_seconds,
        on_skip=on_skip,
    )


def evaluate_gold(gold: str | Path, articles: Iterable[str | Path], settings: Settings) -> tuple[Score, IngestSummary]:
    """Ingest the gold set's articles into a fresh in-memory store and score it (spec/GOLD.md rules).

    Without `articles`, the files that gold.jsonl names are read from its folder.
    """
    from rdflib import Dataset

    from graph.export import export_graph
    from graph.iris import article_iri
    from graph.scoring import calibration, event_outcomes, per_article_errors, read_gold, score_graph, split_dataset
    from graph.stores import open_store
    from pipelines.errors import InputError

    gold_path = Path(gold)
    if not gold_path.is_file():
        raise InputError(f"no such gold file: {gold}")
    try:
        rows = read_gold(gold_path)
    except (ValueError, KeyError) as exc:
        raise InputError(f"{gold}: not a gold.jsonl file ({exc})") from exc
    paths = [Path(p) for p in articles] or [gold_path.parent / str(row["file"]) for row in rows if row.get("file")]
    store = open_store("memory:")
    files: dict[str, str] = {}  # article IRI -> its file, as gold.jsonl names it when it is in the gold's folder

    def note(result: ArticleResult) -> None:
        source = Path(result.article.source or "")
        try:
            name = source.resolve().relative_to(gold_path.parent.resolve()).as_posix()
        except ValueError:
            name = source.name or str(article_iri(result.article))
        files[str(article_iri(result.article))] = name

    summary = ingest_paths(paths, store, settings, on_article=note)
    dataset = Dataset()
    dataset.parse(data=export_graph(store, "nquads"), format="nquads")
    union, stated, article_graphs = split_dataset(dataset)
    score = score_graph(union, rows, stated=stated)
    score.outcomes = event_outcomes(union, rows, stated=stated)
    score.calibration = calibration(score.outcomes)
    score.articles = per_article_errors(score, union, rows, article_graphs, files)
    return score, summary
