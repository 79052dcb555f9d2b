"""`cvkg ingest`, `cvkg evaluate` and `cvkg stats`: fill the store, score the extraction, count what is stored."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipelines.cli.main import cli, handle_errors, pass_settings
from pipelines.config import DASK_TIMEOUT, MAX_BYTES, MAX_CHARS, MAX_SECONDS, Settings

if TYPE_CHECKING:
    from pipelines.service import IngestSummary

STATS_QUERIES = {
    "articles": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }",
    "events": "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e cvkg:evidence ?x }",
    "entities": "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e rdfs:label ?l . FILTER(STRSTARTS(STR(?e), STR(ent:))) }",
}
CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?x a ?class . FILTER(STRSTARTS(STR(?class), STR(cvkg:)) || ?class IN (schema:Person, schema:Place))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""
PROVIDER_COUNTS = """
SELECT ?provider (COUNT(DISTINCT ?e) AS ?events) WHERE {
  ?p a cvkg:CloudProvider ; rdfs:label ?provider .
  ?e ?role ?p ; cvkg:evidence ?ev .
} GROUP BY ?provider ORDER BY DESC(?events) ?provider
"""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--batch-size",
    default=32,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Articles per spaCy batch and per store transaction.",
)
@click.option(
    "--max-bytes",
    default=MAX_BYTES,
    show_default=True,
    type=click.IntRange(1),
    help="Skip input files larger than this many bytes (a JSONL feed counts as one file).",
)
@click.option(
    "--max-chars",
    default=MAX_CHARS,
    show_default=True,
    type=click.IntRange(1),
    help="Skip articles whose text (after HTML extraction) is longer; parsing time grows faster than length.",
)
@click.option(
    "--max-seconds",
    default=MAX_SECONDS,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Skip an article whose reading or extraction takes longer (the parse itself is bounded by --max-chars).",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes that parse and extract (each runs nlp.pipe); about one per core.",
)
@click.option(
    "--dask",
    "dask_address",
    default="",
    metavar="ADDRESS",
    help="Extract on a Dask cluster (scheduler address, e.g. tcp://10.0.0.5:8786); the store is written here.",
)
@click.option(
    "--dask-timeout",
    default=DASK_TIMEOUT,
    show_default=True,
    type=click.FloatRange(0.1),
    metavar="SECONDS",
    help="How long to try to reach the Dask scheduler before giving up.",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 when any file, line or article was skipped.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (it is shown only on a terminal anyway).")
@pass_settings
@handle_errors
def ingest(
    settings: Settings,
    paths: tuple[str, ...],
    batch_size: int,
    max_bytes: int,
    max_chars: int,
    max_seconds: float,
    processes: int,
    dask_address: str,
    dask_timeout: float,
    strict: bool,
    quiet: bool,
) -> None:
    """Read articles (.txt, .md, .html, .jsonl, folders, - for stdin) into the store.

    Re-ingesting an article replaces its graph, so running twice adds nothing.
    Unusable input (empty, binary, too large, not English, bad JSON lines, broken
    links, …) is skipped, each with a one-line reason in the summary; the rest is
    ingested and the exit status is 0 unless --strict is given.

    \b
    Example:
        cvkg ingest samples/ more-news/article.html
        cat story.txt | cvkg ingest -
        cvkg ingest --strict --max-bytes 1000000 feeds/
        cvkg ingest --processes 2 --batch-size 64 archive/
        cvkg --store http://kg.internal:7878 ingest --dask tcp://scheduler:8786 archive/
    """
    from dataclasses import replace

    from graph.errors import CvkgError
    from graph.stores import opened_store
    from pipelines.service import IngestSummary, ingest_paths
    from pipelines.walk import check_paths

    settings = replace(
        settings,
        batch_size=batch_size,
        max_bytes=max_bytes,
        max_chars=max_chars,
        max_seconds=max_seconds,
        processes=processes,
        dask=dask_address,
        dask_timeout=dask_timeout,
    )
    check_paths(paths)  # a typo in a path is a bad command: refused before any store is made
    new_store = _new_local_store(settings.store)
    summary = IngestSummary()
    try:
        with opened_store(settings.store) as store, _Bar(paths, settings, quiet or not sys.stderr.isatty()) as bar:
            try:
                ingest_paths(paths, store, settings, on_item=bar, summary=summary)
            except KeyboardInterrupt:
                _stopped(summary, "interrupted")
                raise SystemExit(130) from None
            except CvkgError as exc:
                if summary.read or summary.skipped:  # a run that had begun: say what it left in the store
                    _stopped(summary, f"stopped by an error ({str(exc).splitlines()[0] if str(exc) else 'no message'})")
                raise
    finally:
        if new_store is not None and not summary.committed:
            # an ingest that stored nothing leaves no empty store behind for later commands to read
            shutil.rmtree(new_store, ignore_errors=True)
    for line in summary.lines():
        click.echo(line, err=True)
    if new_store is not None and not summary.committed:
        click.echo(f"no article stored, so no store was created at {new_store}", err=True)
    if strict and summary.skipped:
        raise click.ClickException(f"{len(summary.skipped)} item(s) skipped and --strict given")


def _stopped(summary: IngestSummary, why: str) -> None:
    """What a run cut short leaves: how many articles the store committed, and that a re-run completes it."""
    committed = summary.committed
    click.echo(
        f"{why}: {committed} article(s) committed to the store, {summary.read - committed} read but not stored, "
        f"{len(summary.skipped)} skipped; run the same ingest again to finish (stored articles are replaced, "
        "not duplicated)",
        err=True,
    )


def _new_local_store(location: str) -> Path | None:
    """The directory of an embedded store this run is about to create, None when it exists or is not local."""
    from graph.stores.base import MEMORY, REMOTE_SCHEMES

    if location == MEMORY or location.startswith(REMOTE_SCHEMES):
        return None
    path = Path(location)
    return None if path.exists() else path


class _Bar:
    """A tqdm progress bar (articles/s, ETA) fed with the running ingest summary; nothing when quiet."""

    def __init__(self, paths: tuple[str, ...], settings: Settings, quiet: bool) -> None:
        self.tqdm = None
        if quiet:
            return
        from tqdm import tqdm

        from pipelines.walk import count_articles

        total = count_articles(paths, max_bytes=settings.max_bytes) if "-" not in paths else None
        self.tqdm = tqdm(total=total, unit=" articles", file=sys.stderr, leave=False)

    def __call__(self, summary: object) -> None:
        if self.tqdm is not None:
            done = summary.read + len(summary.skipped)  # type: ignore[attr-defined]
            self.tqdm.update(done - self.tqdm.n)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tqdm is not None:
            self.tqdm.close()


@cli.command()
@pass_settings
@handle_errors
def stats(settings: Settings) -> None:
    """Counts of articles, events, entities, nodes by class and events per provider.

    \b
    Example:
        cvkg --store team-kg stats
    """
    from graph.results import format_table, solutions_rows
    from graph.stores import opened_store

    with opened_store(settings.store, read_only=True) as store:
        for name, sparql in STATS_QUERIES.items():
            row = next(iter(store.query(sparql)))  # type: ignore[call-overload]
            click.echo(f"{name}: {row['n'].value}")
        click.echo(f"quads: {store.quad_count()}")
        click.echo("\nby class:")
        click.echo(format_table(*solutions_rows(store.query(CLASS_COUNTS))))  # type: ignore[arg-type]
        click.echo("\nevents per provider:")
        click.echo(format_table(*solutions_rows(store.query(PROVIDER_COUNTS))))  # type: ignore[arg-type]


@cli.command()
@click.argument("gold", type=click.Path(dir_okay=False))
@click.argument("articles", nargs=-1)
@click.option("--show-errors", is_flag=True, help="List missed and spurious slots.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_settings
@handle_errors
def evaluate(settings: Settings, gold: str, articles: tuple[str, ...], show_errors: bool, as_json: bool) -> None:
    """Score cvkg on annotated articles (gold.jsonl, format in docs/evaluation.md).

    The articles (by default the files gold.jsonl names, in its folder) are ingested
    into a temporary in-memory store; your --store is not touched. --show-errors lists
    the missed and spurious slots under each article file (a spurious event's evidence
    sentence below it); with --json they are under "articles".

    \b
    Example:
        cvkg evaluate my-gold/gold.jsonl
        cvkg evaluate gold.jsonl articles/ --show-errors
    """
    import json

    from pipelines.service import evaluate_gold

    score, summary = evaluate_gold(gold, articles, settings)
    for skipped in summary.skipped:
        click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
    if as_json:
        p, r, f, tp, fp, fn = score.micro()
        types = {
            t: dict(zip(("precision", "recall", "f1"), score.prf(*c), strict=True), tp=c[0], fp=c[1], fn=c[2])
            for t, c in sorted(score.counts.items())
        }
        micro = {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}
        figures: dict[str, object] = {"types": types, "micro": micro}
        if show_errors:
            figures["articles"] = score.errors_json()
        click.echo(json.dumps(figures, indent=1))
        return
    click.echo("\n".join(score.lines(show_errors=show_errors)))
