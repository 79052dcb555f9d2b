"""`cvkg remove`, `cvkg serve` and `cvkg upgrade`: take articles out, serve the store, bring it up to date."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.sparql import DEFAULT_QUERY_TIMEOUT
from graph.stores.transport import redact
from pipelines.cli.main import cli, handle_errors, pass_settings
from pipelines.config import Settings

DEFAULT_SERVER_MEMORY_MB = 2048  # `cvkg serve` restarts Oxigraph's server past this resident size


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
            items = read_articles(
                [target], max_bytes=settings.max_bytes, max_chars=settings.max_chars, min_chars=settings.min_chars
            )
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
    from graph.stores import opened_store

    wanted = _article_names(targets, settings)
    with opened_store(settings.store, create=False) as store:
        present = set(store.article_graphs())
        matched = sorted({name for names in wanted.values() for name in names if name in present})
        dropped = store.remove_articles(matched)
    unmatched = [target for target, names in wanted.items() if not present.intersection(names)]
    for target in unmatched:
        click.echo(f"no article in the store for {target}", err=True)
    if not dropped:
        raise click.ClickException(f"nothing removed: no argument names an article in {redact(settings.store)}")
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
@click.option(
    "--timeout",
    type=click.IntRange(min=0),
    default=int(DEFAULT_QUERY_TIMEOUT),
    show_default=True,
    metavar="SECONDS",
    help="Cancel a query after SECONDS (0: never).",
)
@click.option(
    "--max-memory",
    "max_memory",
    type=click.IntRange(min=0),
    default=DEFAULT_SERVER_MEMORY_MB,
    show_default=True,
    metavar="MB",
    help="Restart the server when it grows past MB megabytes, dropping the queries in flight (0: never; Linux).",
)
@pass_settings
@handle_errors
def serve(settings: Settings, port: int, host: str, timeout: int, max_memory: int) -> None:
    """Serve the store directory read-only over SPARQL (Oxigraph's server) until Ctrl-C.

    The endpoint is http://HOST:PORT/query; its default graph is the union of all
    articles, as in `cvkg query` (other clients must declare the prefixes they use).
    Other cvkg commands can read the store meanwhile, or use --store http://HOST:PORT.
    Commands that write refuse the directory while it is served: stop the server first.

    Oxigraph cancels a query after --timeout seconds, but it bounds no memory, an
    ORDER BY still sorts what it collected before answering, and a client that gives
    up does not stop the query. So cvkg watches the server and restarts it when it
    grows past --max-memory MB (the queries in flight fail; see graph/stores/server.py).

    \b
    Example:
        cvkg --store kg serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' \\
            http://127.0.0.1:7878/query
    """
    import os
    import subprocess
    from pathlib import Path

    from graph.stores.embedded import mark_served
    from graph.stores.server import endpoint_url, serve_command, supervise

    command = serve_command(settings.store, host=host, port=port, timeout=timeout)
    click.echo(endpoint_url(host, port))
    click.echo(f"serving {settings.store} read-only; Ctrl-C stops", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    watched = os.name == "posix" and Path("/proc/self").exists()
    if watched and max_memory:

        def restarted(rss: int) -> None:
            click.echo(f"restarting the server: it grew to {rss // 2**20:,} MB (--max-memory {max_memory})", err=True)

        def started(pid: int) -> None:
            mark_served(Path(settings.store), pid)  # writers refuse the store while this process serves it

        code = supervise(command, max_memory=max_memory * 2**20, on_start=started, on_restart=restarted)
    elif watched:
        mark_served(Path(settings.store), os.getpid())  # writers refuse the store while this process serves it
        os.execv(command[0], command)  # the server takes over this process, so signals reach it directly
    else:
        code = subprocess.call(command)
    if code:
        raise click.ClickException(f"oxigraph server exited with code {code}")


@cli.command()
@pass_settings
@handle_errors
def upgrade(settings: Settings) -> None:
    """Bring a store written by an older cvkg 0.1 up to date (once; other commands refuse it until then).

    Adds what that cvkg did not write: the union index (the default graph that
    queries read) and the name keys (by which named queries find names), in one
    transaction. A store that is up to date is left as it is.

    \b
    Example:
        cvkg --store kg upgrade
        cvkg --store http://127.0.0.1:7878 upgrade
    """
    from graph.stores.upgrade import upgrade_store

    added = upgrade_store(settings.store)
    shown = redact(settings.store)  # an http(s) store's credentials stay unprinted
    done = f"added {' and '.join(added)} to {shown}" if added else f"{shown} is up to date"
    click.echo(done, err=True)
