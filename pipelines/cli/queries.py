"""`cvkg query`, `cvkg update`, `cvkg export` and `cvkg validate`: SPARQL in, RDF out, SHACL checks."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import click

from graph.export import EXPORT_FORMATS, NETWORK_FORMATS
from graph.results import RESULT_FORMATS
from graph.sparql import DEFAULT_MAX_MEMORY_MB, DEFAULT_QUERY_TIMEOUT, DEFAULT_TABLE_ROWS
from pipelines.cli.main import _check_date, _parse_params, cli, handle_errors, pass_settings
from pipelines.config import Settings


def _read_sparql(sparql: str | None, file: str | None) -> str | None:
    """The SPARQL text given as an argument or in a file (None when neither)."""
    if sparql and file:
        raise click.UsageError("give a SPARQL text or -f FILE, not both")
    return Path(file).read_text(encoding="utf-8") if file else sparql


def _echo_query_list() -> None:
    """Print the named queries with their titles and parameters."""
    from graph.library import list_queries

    for named in list_queries():
        graphs = " [reads the article graphs: a store or a TriG export, not Turtle]" if named.needs_graphs else ""
        click.echo(f"{named.name}: {named.title}{graphs}")
        for p in named.params:
            kind = "required" if p.required else "optional"
            example = f" (e.g. {p.example})" if p.example else ""
            click.echo(f"    --param {p.name}=…  {kind}: {p.meaning}{example}")


def _stdout() -> BinaryIO:
    """The binary stdout under the text one (the real one, or click's test runner's)."""
    return sys.stdout.buffer


def _run_bounded(job: Callable[[], str], timeout: float, max_memory_mb: int) -> str:
    """Run `job` within `timeout` seconds and `max_memory_mb` MB (0: no bound); past one, `Error: …` and exit 1."""
    import os

    from graph.sparql import MB, QueryMemoryError, QueryTimeoutError, call_with_timeout

    try:
        return call_with_timeout(job, timeout or None, max_memory=max_memory_mb * MB if max_memory_mb else None)
    except QueryTimeoutError as exc:
        click.echo(f"Error: {exc}; narrow the query or pass a larger --timeout (0: none)", err=True)
    except QueryMemoryError as exc:
        click.echo(f"Error: {exc}; narrow the query (LIMIT, fewer joined patterns) or raise --max-memory", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # pyoxigraph cannot interrupt a running query; the store is open read-only, so a hard exit loses nothing.
    os._exit(1)


def _write_table(result: object, max_rows: int) -> None:
    """The aligned table of a SELECT result, refused past `max_rows` rows (0: no bound): it holds every row."""
    import pyoxigraph as ox

    from graph.errors import QueryError
    from graph.results import format_table, term_text, write_result

    if not max_rows or not isinstance(result, ox.QuerySolutions):
        write_result(result, "table", _stdout())
        return
    header = [v.value for v in result.variables]
    rows: list[list[str]] = []
    for solution in result:
        if len(rows) == max_rows:
            raise QueryError(
                f"more than {max_rows:,} rows for the table; add LIMIT, use --format csv, tsv or json "
                "(streamed), or pass --max-rows 0"
            )
        rows.append([term_text(solution[name]) for name in header])
    _stdout().write(format_table(header, rows).encode("utf-8") + b"\n")
    _stdout().flush()


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
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
    help="Output format for SELECT/ASK (json: SPARQL 1.1 JSON results; CONSTRUCT gives Turtle).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_QUERY_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Give up after SECONDS, reading the results included (0: no limit).",
)
@click.option(
    "--max-memory",
    "max_memory",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_MEMORY_MB,
    show_default=True,
    metavar="MB",
    help="Give up when the query makes cvkg grow by more than MB megabytes (0: no limit; Linux only).",
)
@click.option(
    "--max-rows",
    "max_rows",
    type=click.IntRange(min=0),
    default=DEFAULT_TABLE_ROWS,
    show_default=True,
    metavar="N",
    help="Refuse a table of more than N rows (0: no limit); csv, tsv and json are streamed and not bounded.",
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
    timeout: float,
    max_memory: int,
    max_rows: int,
    allow_service: bool,
) -> None:
    """Run a read-only SPARQL query over all articles (the default graph is their union).

    The cvkg, ent, evt, doc, schema, prov, rdfs, owl, skos, xsd and wd prefixes are predefined.
    Parameters are bound as values of the query's variables, never pasted into its text.

    A query is bounded by default: it stops with an error after --timeout seconds, when
    cvkg grows by more than --max-memory MB (an ORDER BY or GROUP BY over a cross product
    can take gigabytes within seconds), or when a table would exceed --max-rows rows.
    Pass 0 to lift a bound. On an http(s) --store the server's own limits apply too
    (`cvkg serve --timeout`).

    \b
    Example:
        cvkg query --list
        cvkg query --name left-provider --param provider_name="Alibaba Cloud"
        cvkg query "SELECT DISTINCT ?who ?to WHERE { ?m a cvkg:Migration ;
            cvkg:customer/rdfs:label ?who ; cvkg:toProvider/rdfs:label ?to }"
        cvkg query -f question.rq --format csv --timeout 10
    """
    from graph.library import load_query, prepare
    from graph.results import write_result
    from graph.sparql import parse_params, run_query
    from graph.stores import opened_store

    if list_queries:
        _echo_query_list()
        return
    text = _read_sparql(sparql, file)
    if name and text:
        raise click.UsageError("give --name NAME or a SPARQL query, not both")
    if name:
        text, bindings = prepare(load_query(name), params), None  # the values are written into the text
    elif text:
        bindings = parse_params(params)
    else:
        raise click.UsageError("give a SPARQL query, -f FILE or --name NAME (--list shows the names)")
    from graph.errors import QueryError
    from graph.hints import prefix_hint

    if (hint := prefix_hint(text)) is not None:
        raise QueryError(f"invalid SPARQL query: {hint}")
    with opened_store(settings.store, read_only=True) as store:
        for line in _hints(store, text, params if name else {}):
            click.echo(f"note: {line}", err=True)

        def job() -> str:  # streams: a huge CSV/JSON result never sits in memory
            result = run_query(store, text, bindings=bindings, allow_service=allow_service)
            if fmt == "table":
                _write_table(result, max_rows)
            else:
                write_result(result, fmt, _stdout())
            return ""

        _run_bounded(job, timeout, max_memory)


# named-query parameters that name an entity, and those that name a cloud provider
_NAME_PARAMS = re.compile(r"(?:^|_)name$")
_PROVIDER_PARAMS = re.compile(r"^provider")


def _hints(store: object, text: str, params: dict[str, str]) -> list[str]:
    """Why the answer may be empty: an empty store, terms the ontology lacks, names no entity has."""
    from graph.hints import empty_store_hint, name_hints, unknown_terms

    if (empty := empty_store_hint(store)) is not None:  # type: ignore[arg-type]
        return [empty]
    hints = unknown_terms(text)
    for param, value in params.items():
        if _NAME_PARAMS.search(param) and not value.startswith("<"):
            hints += name_hints(store, [value], provider=bool(_PROVIDER_PARAMS.search(param)))  # type: ignore[arg-type]
    return hints


@cli.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False), help="Read the update from a file.")
@click.option("--allow-service", is_flag=True, help="Allow LOAD and SERVICE (fetching data over the network).")
@pass_settings
@handle_errors
def update(settings: Settings, sparql: str | None, file: str | None, allow_service: bool) -> None:
    """Change the store with a SPARQL Update (one transaction) and report the quad count.

    Change the article graphs (GRAPH ?g { … }); the default graph is their union, kept by cvkg.

    \b
    Example:
        cvkg update "DELETE WHERE { GRAPH ?g { ?e cvkg:confidence ?c } }"
        cvkg update -f fix-labels.ru
    """
    from graph.sparql import check_network_access
    from graph.stores import opened_store

    text = _read_sparql(sparql, file)
    if not text:
        raise click.UsageError("give a SPARQL update or -f FILE")
    check_network_access(text, allow_service=allow_service)
    with opened_store(settings.store) as store:
        before = store.quad_count()
        store.apply_update(text)
        after = store.quad_count()
    click.echo(f"quads: {before} -> {after} ({after - before:+d})", err=True)
    if after == before:
        if not _NAMES_GRAPHS.search(_without_comments(text)):
            raise click.ClickException(
                "the update changed no article graph: it names no GRAPH, and the default graph is the union of "
                "the article graphs, rebuilt by cvkg; write GRAPH ?g { … }"
            )
        click.echo("no article graph changed (nothing matched, or what was removed was added back)", err=True)


_NAMES_GRAPHS = re.compile(r"\b(?:GRAPH|WITH|USING|CLEAR|DROP|LOAD|COPY|MOVE|ADD|CREATE)\b", re.IGNORECASE)


def _without_comments(sparql: str) -> str:
    """The update without `#` comments outside IRIs and strings (roughly: a `#` after a space or line start)."""
    return re.sub(r"(?m)(^|\s)#[^\n]*", r"\1", sparql)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
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
@click.option(
    "--with-name-keys",
    "name_keys",
    is_flag=True,
    help="Keep the cvkg:nameKey triples (lower-case names cvkg looks names up by); left out by default.",
)
@pass_settings
@handle_errors
def export(
    settings: Settings,
    fmt: str,
    output: str | None,
    articles: tuple[str, ...],
    since: str | None,
    until: str | None,
    name_keys: bool,
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
    from graph.analyze import network_bytes, project_to_networkx
    from graph.export import export_graph
    from graph.files import write_atomic
    from graph.stores import opened_store

    if fmt in NETWORK_FORMATS and (articles or since or until):
        raise click.UsageError(f"--article, --since and --until work with the RDF formats, not {fmt}")
    with opened_store(settings.store, read_only=True) as store:
        if fmt in NETWORK_FORMATS:
            data = network_bytes(project_to_networkx(store), fmt)
        else:
            data = export_graph(store, fmt, articles=articles, since=since, until=until, name_keys=name_keys)
    if output:
        write_atomic(output, data)
        click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)
    else:
        click.get_binary_stream("stdout").write(data)


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@pass_settings
@handle_errors
def validate(settings: Settings, file: str | None) -> None:
    """Check the store (or an RDF FILE) against the SHACL shapes in ontology/shapes.ttl.

    An event class of the registry that shapes.ttl has no shape for is checked
    against a shape derived from its registry entry (key roles required).

    Prints one line per violation (focus node, path, message) and a count;
    exits with 1 when the graph does not conform.

    \b
    Example:
        cvkg validate
        cvkg validate kg.trig
    """
    from graph.stores import opened_store
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
