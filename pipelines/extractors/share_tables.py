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
from pipelines.extractors.common import Context, sentences_before, span_text
from pipelines.extractors.events import make_event
from pipelines.extractors.reference import named_before
from pipelines.extractors.share import (
    _PIPE_ROW,
    _PIPE_RULE,
    _ROW,
    _firm,
    _market,
    _mentions,
    _only_firm,
    _period,
    _shares,
)
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

    rows: list[Span]  # data rows up to and including the current one
    intro: Span  # the line before the rows ('Gartner's ranking for last year reads:')
    header: list[str]  # a pipe table's header cells, else []


def _cells(sent: Span) -> list[str]:
    return [c.strip() for c in span_text(sent).strip().strip("|").split("|")]


def _table(ctx: Context) -> Table | None:
    """The list or pipe table the sentence is a row of, with the rows before it and the line introducing them."""
    text = span_text(ctx.sent)
    piped = bool(_PIPE_ROW.match(text)) and not _PIPE_RULE.match(text)
    if not piped and not _ROW.match(text):
        return None
    rows, header = [ctx.sent], []
    for sent in sentences_before(ctx.sent, 40):
        if piped and _PIPE_RULE.match(span_text(sent)):
            continue
        if piped and _PIPE_ROW.match(span_text(sent)):
            rows.insert(0, sent)
        elif not piped and _ROW.match(span_text(sent)):
            rows.insert(0, sent)
        elif piped or span_text(sent).rstrip().endswith(":"):
            break
        else:
            return None
    else:
        return None
    if piped:  # the first row is the header when it holds no percentage
        if not any(_PERCENT_CELL.match(c) for c in _cells(rows[0])):
            header = _cells(rows.pop(0))
        if not rows:
            return None
    return Table(rows, sent, header)


def _table_share(table: Table, row: Span) -> tuple[Decimal | None, str]:
    """The row's share and the header of its column ('2020 share')."""
    if not table.header and not _PIPE_ROW.match(row.text):
        found = _shares(row)
        return (found[0][1], "") if found else (None, "")
    cells = _cells(row)
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
    value, column = _table_share(table, ctx.sent)
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
