"""`cvkg analyze …`: networkx analytics of the store, printed as tables, CSV or JSON.

Registered on the root group when `pipelines.cli` imports this module; the
analytics themselves are pure functions in `graph.analytics` and `graph.flows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar

import click

from graph.results import RESULT_FORMATS
from pipelines.cli.main import cli, handle_errors, pass_settings
from pipelines.config import Settings

if TYPE_CHECKING:
    import networkx as nx

F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    """The `--format table|csv|tsv|json` option shared by the analyze commands (`graph.results.RESULT_FORMATS`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(RESULT_FORMATS),
        default="table",
        show_default=True,
        help="Output format (json keeps lists and numbers).",
    )(func)


def min_confidence_option(func: F) -> F:
    """The `--min-confidence` option of the analyze commands that total or count events."""
    return click.option(
        "--min-confidence",
        type=click.FloatRange(0.0, 1.0),
        default=0.5,
        show_default=True,
        help="Leave out events whose cvkg:confidence is below this (they are counted or named apart).",
    )(func)


def _load(settings: Settings, name: str | None = None, *, provider: bool = False) -> nx.MultiDiGraph:
    """The networkx projection of the store, opened read-only.

    A note on stderr says why an answer may be empty: an empty store, or (with `provider`) a company named
    where its cloud unit is meant. A name no entity has is the analytics' own error.
    """
    from graph.analyze import project_to_networkx
    from graph.hints import empty_store_hint, name_hints
    from graph.stores import opened_store

    with opened_store(settings.store, read_only=True) as store:
        empty = empty_store_hint(store)
        for hint in [empty] if empty else name_hints(store, [name] if name else [], provider=provider, unknown=False):
            click.echo(f"note: {hint}", err=True)
        return project_to_networkx(store)


def _echo(rows: Sequence[object], fmt: str, columns: Sequence[str] = ()) -> None:
    from graph.results import format_records

    click.echo(format_records([asdict(r) for r in rows], fmt, columns=columns).rstrip("\n"))  # type: ignore[call-overload]


@cli.group()
def analyze() -> None:
    """Analyse the graph with networkx: customer flows, contract values, centrality, neighbours, timelines.

    Entities are named by label or alias in any case ("aws", "Alibaba Cloud").

    \b
    Example:
        cvkg analyze flows
        cvkg analyze timeline ByteDance
        cvkg analyze top --by pagerank --limit 5 --format csv
    """


@analyze.command()
@click.option("--provider", metavar="NAME", help="Only this provider (label or alias).")
@click.option("--matrix", is_flag=True, help="Show who moved from which provider to which instead.")
@min_confidence_option
@format_option
@pass_settings
@handle_errors
def flows(settings: Settings, provider: str | None, matrix: bool, min_confidence: float, fmt: str) -> None:
    """Customers gained and lost per provider (migrations; contracts count as gained).

    A customer counts once per provider. Not counted, but named apart: Planned
    moves and contracts (planned_gains, planned_losses), a contract with a provider
    the customer later moved away from (former_customers: the graph has no tense,
    so "used" beside a move away is the relationship that move ended), and events
    below --min-confidence (low_confidence). `reported` names the counted customers
    known only from reports (status Reported). With --matrix: the from -> to pairs
    of migrations that name both sides.

    \b
    Example:
        cvkg analyze flows
        cvkg analyze flows --provider "Alibaba Cloud" --matrix
        cvkg analyze flows --min-confidence 0.7
    """
    from graph.flows import flow_matrix, provider_flows

    graph = _load(settings, provider, provider=True)
    if matrix:
        columns = ("from_provider", "to_provider", "customers", "names", "reported", "planned")
        _echo(flow_matrix(graph, provider=provider, min_confidence=min_confidence), fmt, columns)
    else:
        columns = (
            "provider", "gained", "lost", "net", "gained_customers", "lost_customers", "reported",
            "planned_gains", "planned_losses", "former_customers", "low_confidence",
        )  # fmt: skip
        _echo(provider_flows(graph, provider=provider, min_confidence=min_confidence), fmt, columns)


@analyze.command()
@click.option("--provider", metavar="NAME", help="Only this provider (label or alias).")
@min_confidence_option
@format_option
@pass_settings
@handle_errors
def contracts(settings: Settings, provider: str | None, min_confidence: float, fmt: str) -> None:
    """Contract value won per provider, year and currency: stated totals apart from ceilings.

    `total` is the stated value, exact + at_least ("more than", "at least") +
    approximately; `up_to` sums the ceilings ("up to"), never in `total`. An amount
    stated once for several providers is in a row naming them all (shared), never
    in one provider's. Each contract counts once; those below --min-confidence are
    left out and counted in `low_confidence`. The year is the contract's date or
    period, else the one period its evidence names, else the date of the first
    article reporting it (`when_from` says which).

    \b
    Example:
        cvkg analyze contracts --provider "Google Cloud"
    """
    from graph.flows import contract_values

    columns = (
        "provider", "year", "when_from", "currency", "total", "exact", "at_least", "approximately", "up_to",
        "contracts", "customers", "low_confidence", "shared",
    )  # fmt: skip
    _echo(
        contract_values(_load(settings, provider, provider=True), provider=provider, min_confidence=min_confidence),
        fmt,
        columns,
    )


@analyze.command()
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1), help="How many organisations.")
@click.option(
    "--by",
    type=click.Choice(["degree", "pagerank", "betweenness"]),
    default="degree",
    show_default=True,
    help="degree: distinct linked entities; pagerank: directed PageRank; betweenness: normalised, undirected.",
)
@format_option
@pass_settings
@handle_errors
def top(settings: Settings, limit: int, by: str, fmt: str) -> None:
    """The most central organisations (all three measures are shown; --by sorts).

    \b
    Example:
        cvkg analyze top --by pagerank --limit 5
    """
    from graph.analytics import top_organisations

    columns = ("entity", "cls", "degree", "pagerank", "betweenness")
    _echo(top_organisations(_load(settings), by=by, limit=limit), fmt, columns)


@analyze.command()
@click.argument("entity")
@click.option("--evidence/--no-evidence", default=False, show_default=True, help="Add the evidence sentences.")
@format_option
@pass_settings
@handle_errors
def timeline(settings: Settings, entity: str, evidence: bool, fmt: str) -> None:
    """Events about ENTITY in time order, with counterparts, values and sources.

    `when` is the event's date, else its period, else the one period its evidence
    sentence names, else the publication date of the first article reporting it
    (`when_from`: date, period, evidence or published). Amounts keep their qualifier
    ("up to", "approximately"); `status` and `confidence` are the event's.

    \b
    Example:
        cvkg analyze timeline "alibaba cloud"
        cvkg analyze timeline ByteDance --format json
    """
    from graph.analytics import timeline as build_timeline

    columns = ["when", "when_from", "type", "role", "counterparts", "values", "facts", "status", "confidence"]
    columns += ["sources"]
    if evidence or fmt != "table":
        columns += ["evidence", "urls", "event"]
    _echo(build_timeline(_load(settings), entity), fmt, columns)


@analyze.command()
@click.argument("entity")
@click.option("--hops", default=1, show_default=True, type=click.IntRange(1, 6), help="How far to look.")
@format_option
@pass_settings
@handle_errors
def neighbours(settings: Settings, entity: str, hops: int, fmt: str) -> None:
    """Entities within --hops relations of ENTITY (either direction), nearest first.

    `via` names the entities one hop closer and `relations` the relations to them.

    \b
    Example:
        cvkg analyze neighbours ByteDance --hops 2
    """
    from graph.analytics import neighbours as find_neighbours

    _echo(find_neighbours(_load(settings), entity, hops=hops), fmt, ("entity", "cls", "hops", "relations", "via"))
