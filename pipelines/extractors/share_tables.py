"""MarketShare rankings written as lines: 'Amazon — 38.9%' lists and '| Amazon | 38.9% |' tables.

'Gartner's ranking for last year reads:' (or a table's header) introduces the rows; each row gives
one provider's share, its rank when the introduction says it is a ranking, and the market, firm and
period of the lines before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.records import Event
from pipelines.extractors.common import Context, sentences_before
from pipelines.extractors.events import make_event
from pipelines.extractors.reference import named_before
from pipelines.extractors.share import _ROW, _firm, _market, _mentions, _only_firm, _period, _shares
from pipelines.extractors.tables import Block, Row, row_at
from pipelines.lexicon import word_class
from pipelines.normalize import plain_decimal
from pipelines.periods import find_periods

if TYPE_CHECKING:
    from spacy.tokens import Span

_PERCENT_CELL = re.compile(r"^(?:about\s+)?(\d+(?:\.\d+)?)\s?(?:%|per\s?cent)$", re.IGNORECASE)
RANK_WORDS = word_class("share_tables_rank_words")


@dataclass
class Table:
    """A ranking written as lines: 'Amazon — 38.9%' lists or '| Amazon | 38.9% |' tables."""

    rows: list[Row]  # data rows up to and including the current one
    intro: Span  # the line before the rows ('Gartner's ranking for last year reads:')
    header: list[str]  # a pipe table's header cells, else []
    piped: bool


def _table(ctx: Context) -> Table | None:
    """The list or pipe table the sentence is a row of, with the rows before it and the line introducing them.

    A list is read only when every line from its ':' lead to the sentence is a 'name — share' line; a pipe
    table's header is its first row when that holds no percentage.
    """
    found = row_at(ctx.sent)
    if found is None:
        return None
    block, index = found
    rows = list(block.rows[: index + 1])
    if block.lead is None or block.kind == "columns":
        return None
    if block.kind == "list":
        if not block.lead.text.rstrip().endswith(":") or not all(_ROW.match(r.text) for r in rows):
            return None
        return Table(rows, block.lead, [], piped=False)
    header = list(block.header)
    if header and any(_PERCENT_CELL.match(c) for c in header):
        rows, header = [_header_row(block), *rows], []
    return Table(rows, block.lead, header, piped=True)


def _header_row(block: Block) -> Row:
    return Row(block.header, -1, -1, "| " + " | ".join(block.header) + " |")


def _table_share(table: Table, row: Row, sent: Span) -> tuple[Decimal | None, str]:
    """The row's share and the header of its column ('2020 share')."""
    if not table.piped:
        found = _shares(sent)
        return (found[0][1], "") if found else (None, "")
    cells = list(row.cells)
    columns = [i for i, c in enumerate(cells) if _PERCENT_CELL.match(c)]
    named = [i for i in columns if i < len(table.header) and "share" in table.header[i].lower()]
    index = (named or columns or [None])[0]
    if index is None:
        return None, ""
    value = Decimal(_PERCENT_CELL.match(cells[index]).group(1)) / 100  # type: ignore[union-attr]
    return plain_decimal(value), table.header[index] if index < len(table.header) else ""


def extract(ctx: Context) -> list[Event]:
    """'Gartner's ranking for last year reads:' then 'Amazon — 38.9%' lines (or a table): one share per row."""
    table = _table(ctx)
    anchors = [m for m in ctx.mentions if ctx.resolver.is_provider(m.entity)]
    if table is None or not anchors:
        return []
    intro = table.intro
    firm = _firm(ctx, intro, _mentions(ctx, intro), named_before(ctx, intro)) or _only_firm(ctx)
    before = [intro, *sentences_before(intro, 2)]
    market = next((m for sent in before if (m := _market(ctx, sent, _mentions(ctx, sent))) is not None), "global")
    value, column = _table_share(table, table.rows[-1], ctx.sent)
    column_periods = find_periods(column, ctx.article.date) if column else []
    period = str(column_periods[0].value) if column_periods else next((p for s in before if (p := _period(ctx, s))), "")
    headings = " ".join([intro.text, *table.header]).lower()
    ranked = any(word in headings for word in RANK_WORDS)
    found_roles = {
        "organization": ctx.resolver.provider(anchors[0].entity),
        "market": market,
        "share": value,
        "rank": len(table.rows) if ranked else None,
        "accordingTo": firm,
        "period": period,
    }
    roles = {role: (v,) for role, v in found_roles.items() if v}
    if "share" not in roles and "rank" not in roles:
        return []
    return [
        make_event(
            ctx,
            "MarketShare",
            roles,
            explicit_trigger=value is not None,
            status="Reported" if firm is not None else "",
            roles_found=len(roles) - 1,
            roles_wanted=5,
            credit_outlet=False,
            evidence=f"{intro.text.strip()} {ctx.text.strip()}",
        )
    ]


# (event type, extractor, order), run in increasing order by pipelines/extractors; tables before prose (share.py)
EXTRACTORS = (("MarketShare", extract, 60),)
