"""FinancialResult from tables, scorecards and 'respectively' lists, where no clause states the result.

* a table (pipelines.extractors.tables) whose header names the metric: 'Quarter | Revenue ($bn) | Growth (%)'
  then 'Q2 2017 | 4.1 | 42'; the period comes from a period column or the lead, the company from the row's
  name, the lead ('Velmora's results by quarter:') or the company the article is about (financial.py's state);
* a scorecard of 'label: value' lines: 'Azure: up 31%', 'Cloud revenue: $3.4 billion, up 28%' under a lead
  naming the company's quarter;
* 'AWS, Azure and Google Cloud grew 13%, 28% and 22%, respectively': one result per name.

Precision first: a figure whose company, metric (revenue or its year-on-year growth, never income, margin,
shares or users) or period is not clear gives nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.records import Amount, Entity, Event
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import Context, sentences_before, span_ents, span_text
from pipelines.extractors.coordination import listed, pair_respectively, says_respectively
from pipelines.extractors.events import make_event
from pipelines.extractors.financial import (
    _NOT_YOY,
    _STATE,
    BROAD_WORDS,
    CLOUD_WORDS,
    FALL_LEMMAS,
    FORECAST_NOUNS,
    FORECAST_VERBS,
    GROW_LEMMAS,
    GROWTH_NOUNS,
    NOT_REVENUE,
    REVENUE_NOUNS,
    WHOLE_WORDS,
    _cloudy,
    _fiscal,
    _forecast,
    _segment_label,
    _unit,
)
from pipelines.extractors.tables import Block, Row, is_figure, row_at, row_span
from pipelines.lexicon import word_class
from pipelines.normalize import find_amounts, find_percentages
from pipelines.periods import find_periods

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

GROWTH_HEADERS = word_class("table_growth_headers")
PERIOD_HEADERS = word_class("table_period_headers")
# metrics of a scorecard line or header that are not revenue: NOT_REVENUE and the market's words for shares
OTHER_METRICS = NOT_REVENUE | word_class("table_other_metrics")
# the words a scorecard line may name a company's revenue with ('Cloud revenue', 'Total sales', 'Quarterly revenue')
LABEL_WORDS = REVENUE_NOUNS | WHOLE_WORDS | CLOUD_WORDS | PERIOD_HEADERS | GROWTH_HEADERS
_ORG_CLASSES = ("Company", "CloudProvider")
_UNIT = re.compile(
    r"(?P<cur>US\$|\$|€|£|¥|RMB|USD|EUR|GBP|CNY)\s*(?P<scale>bn|billions?|b|mn|m|millions?|k|thousands?)?\b",
    re.IGNORECASE,
)
_SCALES = {"b": "billion", "bn": "billion", "m": "million", "mn": "million", "k": "thousand"}
_SIGNED = re.compile(r"^\s*(?P<sign>[-−+])\s*\d|^\s*\(\s*\d")


def _lemmas(text: str) -> set[str]:
    """The text's words, lowercased, each also without a plural 's' ('customers' → 'customer')."""
    words = set(re.findall(r"[a-z][a-z/-]*", text.lower()))
    return words | {w[:-1] for w in words if w.endswith("s") and len(w) > 3}


def _orgs(ctx: Context, sent: Span, start: int = 0, end: int | None = None) -> list[Entity]:
    """The distinct companies and cloud units a sentence names between two characters of the doc's text."""
    end = sent.end_char if end is None else end
    found: list[Entity] = []
    for span in span_ents(sent):
        if span.start_char < start or span.end_char > end:
            continue
        entity = ctx.resolver.resolve(span)
        if entity is None or entity.cls not in _ORG_CLASSES or entity in found:
            continue
        if not (entity.id in ctx.resolver.gazetteer or not _segment_label(entity.label)):
            continue
        found.append(entity)
    return found


def _periods(ctx: Context, text: str) -> list[tuple[str, str]]:
    """The distinct periods a text names, with their wording (months are no reporting period)."""
    found: dict[str, str] = {}
    for f in find_periods(text, ctx.article.date):
        value = str(f.value)
        if not re.fullmatch(r"\d{4}-\d{2}", value):
            found.setdefault(value, text[f.start : f.end])
    return list(found.items())


def _lead_context(ctx: Context, block: Block) -> tuple[Entity | None, tuple[str, str] | None, str]:
    """The company and the period the lead (or the two sentences before it) names, and the lead's words.

    A sentence naming two companies or two periods leaves that one unclear (None).
    """
    if block.lead is None:
        return None, None, ""
    sents = [block.lead, *sentences_before(block.lead, 2)]
    org: Entity | None = None
    period: tuple[str, str] | None = None
    org_done = period_done = False
    for sent in sents:
        text = span_text(sent)
        if not org_done and (orgs := _orgs(ctx, sent)):
            org, org_done = (orgs[0] if len(orgs) == 1 else None), True
        if not period_done and (periods := _periods(ctx, text)):
            period, period_done = (periods[0] if len(periods) == 1 else None), True
    if not org_done:
        state = ctx.sent.doc.user_data.get(_STATE)
        focus = state.get("focus") if isinstance(state, dict) else None
        org = focus if isinstance(focus, Entity) else None
    return org, period, " ".join(span_text(s) for s in sents)


def _amount(cell: str, header: str) -> Amount | None:
    """A revenue cell as an amount: '$4.1bn', or '4.1' under 'Revenue ($bn)'."""
    found = [f.value for f in find_amounts(cell) if isinstance(f.value, Amount)]
    if found:
        return found[0] if len({a.currency for a in found}) == 1 else None
    number = re.fullmatch(r"\s*(\d[\d,]*(?:\.\d+)?)\s*", cell)
    unit = _UNIT.search(header)
    if number is None or unit is None:
        return None
    scale = (unit.group("scale") or "").lower()
    text = f"{unit.group('cur')}{number.group(1)} {_SCALES.get(scale, scale)}".strip()
    amounts = [f.value for f in find_amounts(text) if isinstance(f.value, Amount)]
    return amounts[0] if amounts else None


def _rate(cell: str, header: str) -> Decimal | None:
    """A growth cell as a fraction: '42%', '42' under 'Growth (%)', '-3%', '(3)%', 'down 3%'."""
    found = find_percentages(cell)
    if found:
        value = Decimal(str(found[0].value))
    elif (number := re.fullmatch(r"\s*[-−+(]?\s*(\d+(?:\.\d+)?)\)?\s*", cell)) and re.search(
        r"%|per\s?cent", header, re.IGNORECASE
    ):
        value = Decimal(number.group(1)) / 100
    else:
        return None
    signed = _SIGNED.match(cell)
    falls = _lemmas(cell) & FALL_LEMMAS or signed and signed.group("sign") != "+"
    return -value if falls else value


def _event(ctx: Context, org: Entity, period: str, roles: dict[str, tuple[object, ...]], evidence: str) -> Event:
    roles = {"organization": (org,), "period": (period,), **roles}
    return make_event(
        ctx,
        "FinancialResult",
        roles,
        explicit_trigger=False,
        status="Reported",
        roles_wanted=4,
        credit_outlet=False,
        evidence=evidence,
    )


def _result(
    ctx: Context,
    org: Entity,
    cloudy: bool,
    period: tuple[str, str],
    amount: Amount | None,
    rate: Decimal | None,
    evidence: str = "",
) -> list[Event]:
    roles: dict[str, tuple[object, ...]] = {}
    if amount is not None:
        roles["revenue"] = (amount,)
    if rate is not None:
        roles["growthRate"] = (rate,)
    if not roles:
        return []
    unit = _unit(ctx, org, cloud=cloudy, group=False)
    return [_event(ctx, unit, _fiscal(ctx, unit, period[0], period[1], {}), roles, evidence or ctx.text)]


def _columns(header: tuple[str, ...]) -> dict[str, int]:
    """Which column holds the period, the revenue and its growth, read from the header's words."""
    kinds: dict[str, int] = {}
    other = any(_lemmas(h) & OTHER_METRICS for h in header)
    for i, cell in enumerate(header):
        words = _lemmas(cell)
        if words & OTHER_METRICS or _NOT_YOY.search(cell) or "cloud" in words and words & BROAD_WORDS:
            continue  # 'Operating income', 'QoQ change', 'Commercial cloud revenue'
        if words & GROWTH_HEADERS:
            if words & REVENUE_NOUNS or not other:  # 'Change' beside 'Operating income': whose change is unclear
                kinds.setdefault("growth", i)
        elif words & REVENUE_NOUNS:
            kinds.setdefault("revenue", i)
        elif words & PERIOD_HEADERS:
            kinds.setdefault("period", i)
    if "revenue" not in kinds and not (
        header and "growth" in kinds and _lemmas(header[kinds["growth"]]) & REVENUE_NOUNS
    ):
        kinds.pop("growth", None)  # 'Change' beside no revenue column: the change of what is not said
    return kinds


def _table(ctx: Context, block: Block, row: Row) -> list[Event]:
    """One row of a results table: '| Q2 2017 | 4.1 | 42 |' under 'Quarter | Revenue ($bn) | Growth (%)'."""
    kinds = _columns(block.header)
    if "revenue" not in kinds and "growth" not in kinds or len(row.cells) != len(block.header):
        return []
    lead_org, lead_period, lead_text = _lead_context(ctx, block)
    if _lemmas(lead_text) & (FORECAST_NOUNS | FORECAST_VERBS):
        return []
    period = None
    labels = []
    for i, cell in enumerate(row.cells):
        if i in (kinds.get("revenue"), kinds.get("growth")) or is_figure(cell):
            continue
        cell_periods = _periods(ctx, cell)
        if i == kinds.get("period") or cell_periods:
            if len(cell_periods) != 1:
                return []
            period = cell_periods[0]
        else:
            labels.append(cell)
    org = lead_org
    if labels:  # a row named by a company ('AWS'), never by a segment ('Productivity')
        orgs = _orgs(ctx, row_span(ctx.sent.doc, row))
        if len(orgs) != 1 or not any(org_label in " ".join(labels) for org_label in _names(orgs[0])):
            return []
        org = orgs[0]
    period = period or lead_period
    if org is None or period is None:
        return []
    amount = _amount(row.cells[kinds["revenue"]], block.header[kinds["revenue"]]) if "revenue" in kinds else None
    rate = _rate(row.cells[kinds["growth"]], block.header[kinds["growth"]]) if "growth" in kinds else None
    cloudy = bool(_lemmas(" ".join([lead_text, *block.header, *labels])) & CLOUD_WORDS)
    return _result(ctx, org, cloudy, period, amount, rate, span_text(row_span(ctx.sent.doc, row)))


def _names(entity: Entity) -> list[str]:
    return [entity.label, *entity.alt_labels]


def _scorecard(ctx: Context, block: Block, row: Row) -> list[Event]:
    """A scorecard line: 'Azure: up 31%', 'Cloud revenue: $3.4 billion, up 28%' under a lead naming the quarter."""
    label, value = row.cells
    label_words, value_words = _lemmas(label), _lemmas(value)
    if (label_words | value_words) & OTHER_METRICS or _NOT_YOY.search(value):
        return []
    lead_org, period, lead_text = _lead_context(ctx, block)
    lead_words = _lemmas(lead_text)
    if period is None or lead_words & (FORECAST_NOUNS | FORECAST_VERBS):
        return []
    span = row_span(ctx.sent.doc, row)
    label_end = row.start + row.text.index(label) + len(label) if label in row.text else row.start
    named = _orgs(ctx, span, end=label_end)
    unnamed = label
    for name in (n for entity in named for n in _names(entity)):
        unnamed = re.sub(re.escape(name), " ", unnamed, flags=re.IGNORECASE)
    if len(named) > 1 or not named and not label_words & REVENUE_NOUNS or _lemmas(unnamed) - LABEL_WORDS:
        return []  # two names, or a segment ('Search: $48 billion', 'Intelligent Cloud revenue: …')
    org = named[0] if named else lead_org
    revenue_named = bool((label_words | lead_words) & REVENUE_NOUNS)
    if org is None or not revenue_named and lead_words & OTHER_METRICS:
        return []  # 'Operating income by unit:' then 'Azure: up 31%'
    amounts = [f.value for f in find_amounts(value) if isinstance(f.value, Amount)]
    amount = amounts[0] if len(amounts) == 1 and revenue_named else None
    rate = None
    for found in find_percentages(value):
        before, after = _lemmas(value[: found.start]), _lemmas(value[found.end :])
        if before & (GROW_LEMMAS | FALL_LEMMAS) or after & GROWTH_NOUNS or _SIGNED.match(value[found.start - 1 :]):
            rate = _rate(value[max(found.start - 12, 0) : found.end], "")
            break
    if rate is None and amount is None:
        return []
    cloudy = bool((label_words | lead_words) & CLOUD_WORDS)
    return _result(ctx, org, cloudy, period, amount, rate, span_text(span))


def _respectively(ctx: Context) -> list[Event]:
    """'AWS, Azure and Google Cloud grew 13%, 28% and 22%, respectively': the n-th rate for the n-th name."""
    sent = ctx.sent
    if not says_respectively(sent):
        return []
    text = span_text(sent)
    words = _lemmas(text)
    if words & OTHER_METRICS or _NOT_YOY.search(text) or len(_periods(ctx, text)) > 1:
        return []
    rates = find_percentages(text)
    if len(rates) < 2:
        return []
    first = sent.start_char + rates[0].start
    mentions = [m for m in ctx.mentions if m.entity.cls in _ORG_CLASSES and sent.doc[m.start].idx < first]
    if len(mentions) < 2:
        return []
    runs = listed(sent.doc, [(m.start, m.end) for m in mentions])
    names = [mentions[k] for k in runs[-1]] if len(runs) == 1 else []
    verb = _growth_verb(sent, first)
    if verb is None or not names or assertion(ctx, verb) != "" or _forecast(verb, list(sent)):
        return []
    subject = any(
        t.dep_ in ("nsubj", "nsubjpass") and t.head.i == verb.i for m in names for t in sent.doc[m.start : m.end]
    )
    if not subject and not words & REVENUE_NOUNS:
        return []  # 'X and Y grew 13% and 28%' states their growth; other lists need the revenue named
    sign = -1 if verb.lemma_.lower() in FALL_LEMMAS else 1
    pairs = pair_respectively([m.entity for m in names], [Decimal(str(r.value)) for r in rates], key=lambda e: e.id)
    periods = _periods(ctx, text)
    state = sent.doc.user_data.get(_STATE)
    known = str(state.get("period") or "") if isinstance(state, dict) else ""
    period = periods[0] if periods else (known, "") if known else None
    if not pairs or period is None:
        return []
    cloudy = _cloudy(list(sent))
    return [e for org, rate in pairs for e in _result(ctx, org, cloudy, period, None, rate * sign)]


def _growth_verb(sent: Span, before: int) -> Token | None:
    """The verb of growth or decline before a character of the text ('grew', 'rose', 'fell')."""
    for token in sent:
        if token.idx < before and token.pos_ == "VERB" and token.lemma_.lower() in GROW_LEMMAS | FALL_LEMMAS:
            return token
    return None


def extract(ctx: Context) -> list[Event]:
    """Results in a table row, a scorecard line or a 'respectively' sentence."""
    found = row_at(ctx.sent)
    if found is None:
        return _respectively(ctx)
    block, index = found
    row = block.rows[index]
    if block.kind == "list":
        return _scorecard(ctx, block, row)
    return _table(ctx, block, row)


# (event type, extractor, order): found by pipelines/extractors/__init__.py; before the prose reader (financial.py)
EXTRACTORS = (("FinancialResult", extract, 45),)
