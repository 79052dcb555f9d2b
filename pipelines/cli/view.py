"""`cvkg view`: the interactive HTML view of the graph (pyvis is imported only when it runs)."""

from __future__ import annotations

import click

from pipelines.cli.main import _check_date, cli, handle_errors, pass_settings
from pipelines.config import Settings


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
    from graph.stores import opened_store
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
