"""FinancialResult: 'X's cloud revenue rose 37% to RMB16.7bn (US$2.6bn) in the first quarter'.

One event per (organization, period). A sentence is cut into clauses (one per verb); a clause
states a result when it holds a growth rate (a percentage governed by grow/rise/up/growth...)
or a revenue amount, and its subject is a company, its cloud unit, or a revenue noun of one.
"From $X in 2016" gives a second event for the comparison period. Sentences without an
organisation or a period lean on what the article discussed just before (kept per doc).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.records import Amount, Entity, Event
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import Context, doc_sents, span_lowers, span_text, span_tokens
from pipelines.extractors.events import make_event
from pipelines.extractors.reference import described, prior_orgs
from pipelines.lexicon import word_class
from pipelines.normalize import find_amounts, find_percentages
from pipelines.periods import MONTHS, find_periods, fiscal_reading, shift_year

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from pipelines.entities import Mention

GROW_LEMMAS = word_class("grow_lemmas")
FALL_LEMMAS = word_class("fall_lemmas")
RATE_VERBS = word_class("rate_verbs")
GROWTH_NOUNS = word_class("growth_nouns")
REVENUE_NOUNS = word_class("revenue_nouns")
# heads and modifiers that make a figure something other than the company's revenue
NOT_REVENUE = word_class("not_revenue")
# a span of the last twelve months is no reporting period: "for the last 12 months", "trailing twelve-month revenues"
_TRAILING = re.compile(r"\b(?:last|past|trailing|previous|prior)\s+(?:12|twelve)[- ]months?\b|\bTTM\b", re.I)
BROAD_WORDS = word_class("broad_words")
UNIT_NOUNS = word_class("unit_nouns")
GROUP_WORDS = word_class("group_words")
CLOUD_WORDS = word_class("cloud_words")
# modifiers that keep a revenue noun the whole company's ("group sales"), unlike "consulting revenue"
WHOLE_WORDS = GROUP_WORDS | word_class("whole_revenue_modifiers")
FORECAST_NOUNS = word_class("forecast_nouns")
GOAL_VERBS = word_class("goal_verbs")
BEAT_VERBS = word_class("beat_verbs")
ANALYST_NOUNS = word_class("analyst_nouns")
FORECAST_VERBS = word_class("forecast_verbs")
COMPANY_NOUNS = word_class("company_nouns")
WORD_FRACTIONS = {"tenth": "0.1", "fifth": "0.2", "quarter": "0.25", "third": "0.333", "half": "0.5"}
MULTIPLES = {"double": "1", "triple": "2", "quadruple": "3"}
BASE_MARKERS = word_class("base_markers")
SKIP_MARKERS = word_class("skip_markers")
SKIP_LEFT = word_class("skip_left")
_WHOLE = re.compile(r"\b(?:whole|entire) (?:company|group)\b|\bcompany-?wide\b|\bacross the (?:company|group)\b", re.I)
_PRED_DEPS = {"ROOT", "ccomp", "conj", "advcl", "relcl", "acl", "pcomp", "xcomp", "csubj", "parataxis"}
_STATE = "cvkg_financial"
# a quarter tied to a month-end that closes a calendar quarter: "the fiscal first quarter ended on Sept. 30"
_TIED = re.compile(
    r"\b(?:quarter|three\s+months)\s+(?:that\s+|which\s+)?(?:ended|ending|to|through)\s+(?:on\s+)?(?:the\s+end\s+of\s+)?"
    r"(?P<m>[a-z]+)",
    re.IGNORECASE,
)
# a name the gazetteer does not know that is made only of these words names a line of business, a market or a
# metric ("Intelligent Cloud", "Cloud & Data Platforms", "Hosting"), not an organisation
SEGMENT_WORDS = word_class("segment_words")
# abbreviations of metrics and terms the NER takes for organisations ("ARR increased 36%")
METRIC_ABBREVIATIONS = word_class("metric_abbreviations")
# stock exchanges named beside a ticker ("(NYSE: RAX)"): no company's results
EXCHANGES = word_class("exchanges")


def _state(doc: Doc, sent: Span) -> dict[str, object]:
    """Per-doc memory of the sentences before this one: company in focus, periods discussed, revenue owner."""
    state = doc.user_data.get(_STATE)
    if not isinstance(state, dict) or state.get("at", -1) >= sent.start:
        state = {"at": -1, "focus": None, "period": "", "main": "", "owner": None}
        doc.user_data[_STATE] = state
    state["at"] = sent.start
    return state


def _words(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _offset(sent: Span, tokens: list[Token]) -> slice:
    """Where the tokens stand in the sentence's text."""
    return slice(tokens[0].idx - sent.start_char, tokens[-1].idx + len(tokens[-1].text) - sent.start_char)


def _tokens_in(sent: Span, start: int, end: int) -> list[Token]:
    base = sent.start_char
    return [t for t in span_tokens(sent) if t.idx < base + end and t.idx + len(t.text) > base + start]


def _clause_of(token: Token, values: set[int]) -> Token:
    """The predicate (verb heading a clause) whose clause the token belongs to."""
    while token.head.i != token.i and not (
        token.pos_ in ("VERB", "AUX") and token.dep_ in _PRED_DEPS and token.i not in values
    ):
        token = token.head
    return token


def _not_an_organisation(mention: Mention) -> bool:
    """An unknown name made of business-line words or a metric's abbreviation: a segment or a figure, no company."""
    return not mention.known and _segment_label(mention.entity.label)


def _segment_label(label: str) -> bool:
    words = re.findall(r"[a-z]+", label.lower())
    if not words or all(w in SEGMENT_WORDS for w in words) or " ".join(words) in METRIC_ABBREVIATIONS | EXCHANGES:
        return True
    return "exchange" in words and "stock" in words


def _names_a_part(ctx: Context, tokens: Iterable[Token]) -> bool:
    """Whether the tokens name a segment or a metric ('Revenue from the Cognitive Software business', 'ARR')."""
    for token in tokens:
        mention = ctx.mention_of(token)
        if mention is not None and mention.entity.cls in ("Company", "CloudProvider") and _not_an_organisation(mention):
            return True
        if mention is None and token.lower_ in METRIC_ABBREVIATIONS and token.is_upper:
            return True
    return False


def _mention(ctx: Context, tokens: list[Token], head: Token | None = None) -> Entity | None:
    """The company named among the tokens, the one at the phrase's head first (never a segment or metric)."""
    ordered = ([head] if head is not None else []) + tokens
    for token in ordered:
        mention = ctx.mention_of(token)
        if mention and mention.entity.cls in ("Company", "CloudProvider") and not _not_an_organisation(mention):
            if not _ticker(token.doc, mention.start):
                return mention.entity
    return None


def _ticker(doc: Doc, start: int) -> bool:
    """'(NYSE: RAX)': a ticker symbol after an exchange's name, no company name."""
    return start >= 2 and doc[start - 1].text == ":" and doc[start - 2].lower_ in EXCHANGES


def _subject(pred: Token) -> Token | None:
    """The subject of a clause, climbing to the clause it hangs from (relative 'which' → antecedent)."""
    token = pred
    for _ in range(6):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in ("which", "that", "who") and token.dep_ == "relcl":
                    return token.head
                return child
        if token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN"):
            return token.head
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _segment(ctx: Context, noun: Token) -> bool:
    """'consulting revenue', 'advertising sales': a business line's revenue, not the company's."""
    if noun.lemma_.lower() not in REVENUE_NOUNS:
        return False
    modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod") and ctx.mention_of(c) is None]
    return any(m.lemma_.lower() not in WHOLE_WORDS for m in modifiers)


def _cloudy(tokens: Iterable[Token]) -> bool:
    tokens = list(tokens)
    if any(t.lower_ in CLOUD_WORDS or t.lower_.startswith("cloud") for t in tokens):
        return True
    words = " ".join(t.lower_ for t in tokens).replace(" - ", "-").replace("- ", "-").replace(" -", "-")
    return bool(re.search(r"\b(?:infrastructure|platform)[- ]as[- ]a[- ]service\b", words))


def _unit(ctx: Context, entity: Entity, *, cloud: bool, group: bool) -> Entity:
    """The Provider rule for results: a company's cloud unit when the text speaks of its cloud."""
    if cloud:
        return ctx.resolver.provider(entity)
    if group and entity.cls == "CloudProvider":
        return ctx.resolver.parent_of(entity) or entity
    return entity


def _organization(ctx: Context, subject: Token | None, nouns: list[Token], state: dict[str, object]) -> Entity | None:
    """Whose result the clause states: a named company or unit, or the one the article is about."""
    for noun in nouns:  # "26% growth for Azure", "revenue at Alibaba Cloud"
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("for", "at", "from", "of")):
            entity = _mention(ctx, list(prep.subtree))
            if entity and (prep.lower_ != "from" or ctx.resolver.is_provider(entity)):
                return _unit(ctx, entity, cloud=_cloudy(prep.subtree), group=False)
    focus = state.get("focus")
    for noun in nouns:  # "figures showed the cloud unit's revenue at $4.6bn": the possessor, wherever the noun is
        if noun.dep_ in ("nsubj", "nsubjpass") or noun.lemma_.lower() not in REVENUE_NOUNS:
            continue
        for owner in (c for c in noun.children if c.dep_ == "poss"):
            if (entity := _mention(ctx, list(owner.subtree), owner)) is not None:
                return _unit(ctx, entity, cloud=_cloudy(owner.subtree), group=False)
            if owner.lemma_.lower() in UNIT_NOUNS and isinstance(focus, Entity) and _cloudy(owner.subtree):
                return _unit(ctx, focus, cloud=True, group=False)
    if subject is None or any(c.dep_ == "case" for c in subject.children) and subject.dep_ != "poss":
        return None  # "Splunk's jumped 20%": an elided noun, most often shares
    phrase = [t for t in subject.subtree if not _in_relative(t, subject)]
    if _names_a_part(ctx, phrase):
        return None  # "Revenue from the Cognitive Software business", "ARR rose 36%": a segment's or a metric's
    if _broad_cloud(ctx, phrase):
        return None  # "revenue from its commercial cloud", "total cloud revenue": software subscriptions mixed in
    words = {t.lemma_.lower() for t in phrase}
    if {t.lemma_.lower() for t in phrase if ctx.mention_of(t) is None} & NOT_REVENUE:
        return None
    cloud = _cloudy(phrase)
    if not cloud and _segment(ctx, subject):
        return None
    group = bool(words & GROUP_WORDS) or "group" in span_lowers(ctx.sent) or bool(_WHOLE.search(ctx.text))
    entity = _mention(ctx, phrase, subject)
    if entity is not None:
        return _unit(ctx, entity, cloud=cloud, group=False)
    if subject.lemma_.lower() in REVENUE_NOUNS and (speaker := _speaker(ctx, subject)) is not None:
        return _unit(ctx, speaker, cloud=cloud, group=False)
    if subject.lemma_.lower() in REVENUE_NOUNS and subject.head.dep_ == "relcl":
        # "The Palo Alto-based company unveiled results … in which revenue rose 12%": the main clause's subject
        if (owner := _main_subject(ctx, subject.head)) is not None:
            return _unit(ctx, owner, cloud=cloud, group=group)
    for owner in (c for c in subject.children if c.dep_ == "poss" and c.lemma_.lower() in COMPANY_NOUNS):
        # "the Redmond-based company's sales": the company the article is about
        definite = any(t.lower_ == "the" for t in subject.subtree if t.i < owner.i)
        if definite and (entity := described(ctx, owner)) is not None:
            return _unit(ctx, entity, cloud=cloud, group=group)
    if subject.lemma_.lower() in UNIT_NOUNS and any(
        c.dep_ == "compound" and c.pos_ == "PROPN" and ctx.mention_of(c) is None for c in subject.children
    ):
        return None  # "the Productivity segment": a named unit cvkg does not know, not the company in focus
    focus = state.get("focus")
    known = REVENUE_NOUNS | UNIT_NOUNS | COMPANY_NOUNS
    # "The Chevy Chase, Maryland-based insurer": the apposition says what the subject is
    subject = next((c for c in subject.children if c.dep_ == "appos" and c.lemma_.lower() in known), subject)
    lemma = subject.lemma_.lower()
    if (
        not isinstance(focus, Entity)
        or lemma not in known
        or lemma not in REVENUE_NOUNS
        and subject.tag_ in ("NNS", "NNPS")
    ):
        return None
    if lemma in REVENUE_NOUNS and any(t.lower_ in ("that", "this") for t in phrase):
        owner = state.get("owner")
        return owner if isinstance(owner, Entity) else None
    if words & UNIT_NOUNS and not cloud and not ctx.resolver.is_provider(focus):
        return None
    if group and focus.cls != "CloudProvider" and ctx.resolver.parent_of(focus) is None:
        # "Group revenue" after a segment's figures: the company the article is about, not the segment
        focus = described(ctx, subject, classes=("Company",)) or focus
    return _unit(ctx, focus, cloud=cloud or bool(words & UNIT_NOUNS), group=group)


def _definite(token: Token) -> bool:
    return any(c.lower_ == "the" for c in token.children)


def _broad_cloud(ctx: Context, phrase: list[Token]) -> bool:
    """A 'commercial cloud' or 'total cloud' figure: a total mixing software subscriptions, not the cloud unit's
    (spec/GOLD.md clarifications)."""
    plain = [t for t in phrase if ctx.mention_of(t) is None]
    return any(t.lower_ == "cloud" for t in plain) and any(t.lower_ in BROAD_WORDS for t in plain)


def _main_subject(ctx: Context, relative: Token) -> Entity | None:
    """The organisation that is the subject of the clause a relative clause hangs from."""
    verb = relative.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        if (entity := _mention(ctx, [t for t in subject.subtree if not _in_relative(t, subject)], subject)) is not None:
            return entity
        if subject.lemma_.lower() in COMPANY_NOUNS and any(c.lower_ == "the" for c in subject.children):
            return described(ctx, subject, classes=("Company",))
    return None


def _in_relative(token: Token, head: Token) -> bool:
    """Whether a token of `head`'s phrase sits in a relative clause ('which houses … server products')."""
    while token.i != head.i and token.head.i != token.i:
        if token.dep_ in ("relcl", "acl"):
            return True
        token = token.head
    return False


def _speaker(ctx: Context, subject: Token) -> Entity | None:
    """'Velmora said (its) revenue fell 5%', 'Velmora saw revenues rise': a bare revenue a company reports is its."""
    clause = subject.head
    if any(c.dep_ in ("poss", "det") and c.lower_ not in ("the", "its") for c in subject.children):
        return None  # "X said its revenue rose": the speaker's own
    if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in ("say", "report", "announce", "post", "tell", "see"):
        return None
    for child in clause.head.children:
        if child.dep_ == "nsubj":
            return _mention(ctx, list(child.subtree), child)
    return None


def _growth(sent: Span, pct: list[Token], value: Decimal, ids: set[int]) -> Decimal | None:
    """The percentage as a growth rate, or None when it is a share, a margin or a part of something."""
    doc = sent.doc
    after = doc[pct[-1].i + 1] if pct[-1].i + 1 < sent.end else None
    if after is not None and after.lower_ in ("of", "share", "stake", "margin", "cut", "discount", "owned"):
        return None
    if after is not None and after.lemma_.lower() in GROWTH_NOUNS | {"more", "higher", "year", "from"}:
        before_pct = doc[pct[0].i - 1] if pct[0].i > sent.start else None
        falls = before_pct is not None and before_pct.lemma_.lower() in FALL_LEMMAS
        return -value if falls else value  # "down 1.7 percent year-over-year"
    ahead = [t.lemma_.lower() for t in doc[pct[-1].i + 1 : min(pct[-1].i + 4, sent.end)]]
    if ahead and ahead[0] in REVENUE_NOUNS and any(w in GROWTH_NOUNS for w in ahead[1:]):
        return value  # "from a 64 percent sales growth rate"
    i = pct[0].i - 1
    while i >= sent.start and i in ids and (doc[i].lower_ in SKIP_LEFT or doc[i].lemma_.lower() in REVENUE_NOUNS):
        i -= 1
    if i < sent.start:
        return None
    left, lemma = doc[i], doc[i].lemma_.lower()
    before = doc[i - 1].lemma_.lower() if i > sent.start else ""
    if lemma in GROW_LEMMAS and left.lower_ != "to":
        return value
    if lemma in FALL_LEMMAS:
        return -value
    if (lemma == "at" and before in GROW_LEMMAS) or (lemma == "of" and before == "growth"):
        return value
    if lemma == "from" and before in GROW_LEMMAS | FALL_LEMMAS:
        return value  # "down from 73 per cent in the previous quarter": the earlier period's rate
    if lemma == "to" and left.head.lemma_.lower() in RATE_VERBS:
        subject = _subject(left.head)
        if subject is not None and subject.lemma_.lower() in ("growth", "pace", "rate"):
            return value
    return None


def _word_growth(clause: list[Token]) -> Decimal | None:
    """'doubled' → 1.0; 'grew by a third' → 0.333."""
    for k, token in enumerate(clause):
        lemma = token.lemma_.lower()
        if lemma in MULTIPLES and token.pos_ == "VERB":
            return Decimal(MULTIPLES[lemma])
        if lemma in GROW_LEMMAS and k + 3 < len(clause) and clause[k + 1].lower_ == "by":
            if clause[k + 2].lower_ in ("a", "one") and clause[k + 3].lower_ in WORD_FRACTIONS:
                return Decimal(WORD_FRACTIONS[clause[k + 3].lower_])
    return None


def _may_grow_in_words(sent: Span) -> bool:
    """Whether any clause of the sentence could state growth in words (what `_word_growth` needs)."""
    if any(t.pos_ == "VERB" and t.lemma_.lower() in MULTIPLES for t in span_tokens(sent)):
        return True
    return any(t.lower_ in WORD_FRACTIONS for t in span_tokens(sent)) and any(
        t.lemma_.lower() in GROW_LEMMAS for t in span_tokens(sent)
    )


def _marker(doc: Doc, token: Token, start: int) -> str:
    """'base' for a comparison ('from $844m in 2016', 'than in 2022'), 'skip' right after 'since', else ''."""
    if token.i > start and doc[token.i - 1].lower_ in SKIP_MARKERS:
        return "skip"
    if any(a.dep_ == "prep" and a.lower_ in SKIP_MARKERS - {"by"} for a in token.ancestors):
        return "skip"  # "the first time since its 2014 listing"
    for i in range(token.i - 1, max(start, token.i - 8) - 1, -1):
        word = doc[i].lower_
        if word in BASE_MARKERS or (word == "to" and i > start and doc[i - 1].lower_ in ("compared", "relative")):
            return "base"
        if word in ("on", "over") and i > start and doc[i - 1].lemma_.lower() in GROWTH_NOUNS:
            return "base"  # "a 46 per cent increase on the $8.92 billion it booked in 2019"
        if word in (",", ";", "to", "(") or doc[i].lemma_.lower() in GROW_LEMMAS:
            return ""
    return ""


def _by(sent: Span, first: Token) -> bool:
    """'rose by $2 billion', 'impacted by $1.8 million': a change or an effect, never the revenue itself."""
    i = first.i - 1
    while i >= sent.start and sent.doc[i].lower_ in ("about", "around", "roughly", "nearly", "almost", "some", "over"):
        i -= 1
    return i >= sent.start and sent.doc[i].lower_ == "by"


def _per_share(sent: Span, last: Token) -> bool:
    """'$1.41 a share', '85 cents per diluted share': earnings per share, never revenue."""
    after = [t.lower_ for t in sent.doc[last.i + 1 : min(last.i + 4, sent.end)]]
    return bool(after) and after[0] in ("a", "per") and "share" in after[1:3]


def _trailing(sent: Span, ids: set[int]) -> int | None:
    """Where a 'last twelve months' span starts in the clause (its figures are no period's), else None."""
    base = sent.start_char
    for match in _TRAILING.finditer(span_text(sent)):
        starts = [t.i for t in span_tokens(sent) if t.idx >= base + match.start() and t.i in ids]
        if starts:
            return starts[0]
    return None


def _currency_group(found: list[Amount]) -> tuple[Amount, ...]:
    """The first amount and its restatements in other currencies ('RMB16.7bn (US$2.6bn)')."""
    group: list[Amount] = []
    for amount in found:
        if amount.currency in {a.currency for a in group}:
            break
        group.append(Amount(value=amount.value, currency=amount.currency))
    return tuple(group)


def _of_something_else(pred: Token, clause: list[Token]) -> bool:
    """Whether the clause's object is a figure other than revenue (a loss, shares) and no revenue is named."""
    if any(t.lemma_.lower() in REVENUE_NOUNS for t in clause):
        return False
    objects = [c for c in pred.children if c.dep_ in ("dobj", "attr")]
    return any(o.lemma_.lower() in NOT_REVENUE for o in objects)


def _is_revenue_clause(pred: Token, subject: Token | None, rates: list[Decimal]) -> bool:
    """Whether the clause's amounts are revenue: 'revenue rose to $X', 'booked revenue of $X', 'grew 5% to $X'."""
    objects = [c for c in pred.children if c.dep_ in ("dobj", "attr")]
    if subject is not None and subject.lemma_.lower() in REVENUE_NOUNS:
        return True
    if any(o.lemma_.lower() in REVENUE_NOUNS for o in objects):
        return True
    if any(o.lemma_.lower() in NOT_REVENUE for o in objects):
        return False
    if rates:
        return True
    lemma = pred.lemma_.lower()
    takes_in = lemma in ("draw", "pull", "haul", "take") and any(
        c.dep_ == "prt" and c.lower_ == "in" for c in pred.children
    )  # "drawing in about $7 billion in the quarter"
    return (lemma in ("bring", "generate", "earn", "rake") or takes_in) and any(o.pos_ == "NUM" for o in objects)


def _event(ctx: Context, org: Entity, period: str, roles: dict[str, tuple[object, ...]], trigger: Token) -> Event:
    roles = {"organization": (org,), "period": (period,), **roles}
    return make_event(ctx, "FinancialResult", roles, trigger=trigger, status="Reported", roles_wanted=4)


def _fallback_period(ctx: Context, clause: list[Token], state: dict[str, object]) -> tuple[str, str]:
    """The period of a clause that names none (and its wording): the article's main one, else the first named."""
    quarter = any(t.lower_ in ("quarter", "months") for t in clause)
    for known in (str(state.get("main") or ""), str(state.get("period") or "")):
        if known and (not quarter or "Q" in known):
            return known, ""
    for sent in doc_sents(ctx.sent.doc):
        if sent.start == ctx.sent.start or not any(t.pos_ in ("VERB", "AUX") for t in span_tokens(sent)):
            continue
        text = span_text(sent)
        for found in find_periods(text, ctx.article.date):
            period = str(found.value)
            if not re.fullmatch(r"\d{4}-\d{2}", period) and (not quarter or "Q" in period):
                return period, text[found.start : found.end]
    return "", ""


def _year_end_month(ctx: Context, org: Entity) -> int:
    """The month the organisation's fiscal year ends in (its own calendar, else its parent's), 12 when unknown."""
    year_end = ctx.resolver.fiscal_year_end(org)
    return year_end[0] if year_end else 12


def _tied(ctx: Context, state: dict[str, object]) -> bool:
    """Whether the article ties its quarters to month-ends that close calendar quarters ('quarter ended June 30')."""
    if "tied" not in state:
        months = [MONTHS.get(m.group("m").lower().rstrip(".")) for m in _TIED.finditer(ctx.article.text)]
        state["tied"] = any(m is not None and m % 3 == 0 for m in months)
    return bool(state["tied"])


def _fiscal(ctx: Context, org: Entity, period: str, text: str, state: dict[str, object]) -> str:
    """The period's label under the organisation's fiscal calendar (spec/GOLD.md clarifications)."""
    month = _year_end_month(ctx, org)
    if month == 12:
        return period
    return fiscal_reading(text, period, ctx.article.date, month, tied=_tied(ctx, state))


def _is_headline(ctx: Context) -> bool:
    """Headlines compress (and the body restates) a result: read it from the body, where periods are named."""
    title = " ".join(ctx.article.title.split())
    text = " ".join(ctx.text.split())
    return bool(title) and text.startswith(title[:60]) and len(text) < len(title) + 60


def _compared_to_forecast(noun: Token) -> bool:
    """'ahead of forecasts', 'beat expectations', 'above guidance': the result measured against a forecast."""
    for head in list(noun.ancestors)[:3]:
        if head.lower_ in ("ahead", "above", "below", "than", "short") or head.lemma_.lower() in BEAT_VERBS:
            return True
    return False


def _revenue_of(clause: list[Token], placed: list[tuple[int, Amount]]) -> tuple[Token, set[int]] | None:
    """A revenue noun of the clause that governs amounts ('revenue of $X', '$X in IaaS revenue') and those amounts."""
    starts = {i for i, _ in placed}
    for noun in clause:
        if noun.lemma_.lower() not in REVENUE_NOUNS:
            continue
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
            governed = {t.i for t in prep.subtree} & starts
            if governed:
                return noun, governed
        if noun.dep_ == "pobj" and noun.head.lower_ == "in" and noun.head.head.i != noun.head.i:
            amount = noun.head.head  # "$19 billion in IaaS revenue"
            governed = ({t.i for t in amount.subtree} - {t.i for t in noun.head.subtree}) & starts
            if governed:
                return noun, governed
    return None


def _mixed(pred: Token, subject: Token | None) -> bool:
    """Whether the clause is about another figure (earnings, income) that revenue only accompanies."""
    objects = [c for c in pred.children if c.dep_ in ("dobj", "attr")]
    heads = objects + ([subject] if subject is not None else [])
    return any(t.lemma_.lower() in NOT_REVENUE or t.lower_ in NOT_REVENUE for t in heads)


def _revenue_owner(ctx: Context, subject: Token, noun: Token, clause: list[Token]) -> Entity | None:
    """The company whose earnings or market position the clause states, owner of the revenue it names."""
    # the subject itself or its possessor ("IBM's earnings per share"), not a name further inside it
    owners = [t for c in subject.children if c.dep_ in ("poss", "compound") for t in c.subtree]
    entity = _mention(ctx, owners, subject)
    if entity is None:
        return None
    # "topped the global IaaS market with sales of …": revenue in a cloud market is the cloud unit's
    market = any(t.lemma_.lower() == "market" for t in clause) and _cloudy(clause)
    return _unit(ctx, entity, cloud=_cloudy(noun.subtree) or market, group=False)


def _forecast(pred: Token, clause: list[Token]) -> bool:
    subject = _subject(pred)
    if subject is not None and subject.lemma_.lower() in ANALYST_NOUNS:
        return True  # "Analysts were looking for revenue of $17.6 billion"
    if any(t.lemma_.lower() in FORECAST_NOUNS and not _compared_to_forecast(t) for t in clause):
        return True
    words = " ".join(t.lower_ for t in clause).replace(" - ", "-")
    if re.search(r"\bon (?:track|pace|course)\b|\b(?:poised|set|expected|likely) to\b", words):
        return True  # "is on course to hit $5 billion of sales": a projection
    if re.search(r"\brun[- ]?rate|annuali[sz]ed", words):
        return True  # a run-rate is a projection of one period over a year, not a result
    chain = (pred, *pred.ancestors)
    if any(t.lemma_.lower() in FORECAST_NOUNS for t in chain[1:]):
        return True  # "set itself the goal of becoming the first to reach $10 billion in revenue"
    for token in chain:  # "the unit is on course to hit $5 billion"
        if token.lemma_.lower() in ("track", "pace", "course") and token.head.lower_ == "on":
            return True
        ons = [c for c in token.children if c.lower_ == "on"]
        if any(g.lemma_.lower() in ("track", "pace", "course") for c in ons for g in c.children):
            return True
    if any(t.lemma_.lower() == "set" and any(c.lower_ == "out" for c in t.children) for t in chain):
        return True  # "has set out to triple sales": a goal
    return any(t.lemma_.lower() in FORECAST_VERBS | GOAL_VERBS and t.pos_ == "VERB" for t in chain)


def _split(ctx: Context, state: dict[str, object]) -> tuple[dict[int, list[Token]], list, list, list]:
    """The sentence's clauses (predicate index → tokens) and its amounts, percentages and periods by token."""
    sent = ctx.sent
    amounts = [(f, f.value) for f in find_amounts(span_text(sent)) if isinstance(f.value, Amount)]
    percentages = find_percentages(span_text(sent))
    if not amounts and not percentages and not _may_grow_in_words(sent):
        return {}, [], [], []  # no figure, so no result: skip parsing the clauses
    placed = [
        (toks[0].i, a)
        for f, a in amounts
        if (toks := _tokens_in(sent, f.start, f.end)) and not _per_share(sent, toks[-1]) and not _by(sent, toks[0])
    ]
    pcts = [(toks, Decimal(str(f.value))) for f in percentages if (toks := _tokens_in(sent, f.start, f.end))]
    values = {t.i for f, _ in amounts for t in _tokens_in(sent, f.start, f.end)} | {t.i for p, _ in pcts for t in p}
    clauses: dict[int, list[Token]] = {}
    for token in span_tokens(sent):
        clauses.setdefault(_clause_of(token, values).i, []).append(token)
    found = find_periods(span_text(sent), ctx.article.date, reference=str(state.get("period") or ""))
    periods = [(toks, str(f.value)) for f in found if (toks := _tokens_in(sent, f.start, f.end))]
    return clauses, placed, pcts, periods


def extract(ctx: Context) -> list[Event]:
    """Financial results stated in the sentence, one event per (organization, period)."""
    doc, sent = ctx.sent.doc, ctx.sent
    state = _state(doc, sent)
    if _is_headline(ctx):
        return []
    clauses, placed, pcts, periods = _split(ctx, state)
    events: list[Event] = []
    for pred_i, clause in clauses.items():
        pred, ids = doc[pred_i], {t.i for t in clause}
        rates, earlier = [], []
        for toks, value in pcts:
            if toks[0].i not in ids:
                continue
            rate = _growth(sent, toks, value, ids)
            if rates and toks[0].i > sent.start and doc[toks[0].i - 1].lower_ == "and":
                # "up 4% on the prior quarter and 20% on …": a second rate of the same kind
                rates.append((toks, value if rates[-1][1] >= 0 else -value))
            elif rate is not None:
                (earlier if _marker(doc, toks[0], sent.start) == "base" else rates).append((toks, rate))
        if not rates and not earlier and (word := _word_growth(clause)) is not None:
            rates = [(clause, word)]
        if _of_something_else(pred, clause):
            rates, earlier = [], []  # "posted an operating loss of $500m, 30% wider", "lifted its shares 9%"
        trailing = _trailing(sent, ids)
        if trailing is not None:  # "… trailing-twelve-month sales of $90 billion"
            rates = [(toks, r) for toks, r in rates if toks[0].i < trailing]
        subject = _subject(pred)
        revenue = _is_revenue_clause(pred, subject, [r for _, r in rates])
        in_clause = [(i, a) for i, a in placed if i in ids and (trailing is None or i < trailing)] if revenue else []
        # "EPS of $2.00 on sales of $12 billion, down 2%", "topped the market with sales of $20bn":
        # only the amounts the revenue noun governs, and the rates after it
        named = _revenue_of(clause, placed) if not revenue or _mixed(pred, subject) else None
        if named is not None:
            revenue, (noun, governed) = True, named
            in_clause = [(i, a) for i, a in placed if i in governed]
            rates = [(toks, r) for toks, r in rates if toks[0].i > noun.i]
        main = [a for i, a in in_clause if _marker(doc, doc[i], sent.start) != "base"]
        base = [a for i, a in in_clause if _marker(doc, doc[i], sent.start) == "base"]
        if (not rates and not main and not earlier) or _forecast(pred, clause) or assertion(ctx, pred) != "":
            continue
        org = _organization(
            ctx, subject, [t for t in clause if t.lemma_.lower() in REVENUE_NOUNS | GROWTH_NOUNS], state
        )
        if named is not None and subject is not None:
            org = _revenue_owner(ctx, subject, named[0], clause) or org
        # "results for the second quarter, in which revenue rose": the period a relative clause describes
        described_ids = {t.i for t in pred.head.subtree if t.i < pred.i} if pred.dep_ == "relcl" else set()
        own = [
            (toks, p, _marker(doc, toks[0], sent.start))
            for toks, p in periods
            if toks[0].i in ids or any(t.i in described_ids for t in toks)
        ]
        compared = [(toks, p) for toks, p, m in own if m == "base"]
        explicit = bool(compared) and any(t.like_num for t in compared[0][0])
        period, wording = next(((p, span_text(sent)[_offset(sent, toks)]) for toks, p, m in own if not m), ("", ""))
        if not period and explicit and not base:  # "13 per cent more than in 2022"
            period = shift_year(compared[0][1], 1)
        if not period:  # "X filed a profit in its second quarter as AWS saw revenues rise 81%": the sentence's one
            elsewhere = {(p, _words(toks)) for toks, p in periods if _marker(doc, toks[0], sent.start) == ""}
            if len({p for p, _ in elsewhere}) == 1:
                period, wording = next(iter(elsewhere))
        if not period:
            period, wording = _fallback_period(ctx, clause, state)
        if org is not None and period:
            period = _fiscal(ctx, org, period, wording, state)
        rates = [(toks, r) for toks, r in rates if not period or _year_on_year(ctx, toks, period)]
        if rates and pred.dep_ == "conj" and events and org is not None:
            # "revenue was $26bn in 2022 and soared 64% to $43bn in 2024": the rate compares with the figure before
            (before_org,), (before,) = events[-1].roles["organization"], events[-1].roles["period"]
            same_kind = str(before).startswith("FY") == period.startswith("FY")
            if before_org == org and same_kind and str(before) not in (period, shift_year(period, -1)):
                rates = []
        stated = org is not None and bool(period) and bool(rates or main)
        if stated:
            roles: dict[str, tuple[object, ...]] = {"revenue": _currency_group(main)} if main else {}
            if rates:
                roles["growthRate"] = (rates[0][1],)
            events.append(_event(ctx, org, period, roles, pred))
            state.update(focus=org, period=period, main=state.get("main") or period)
            base_period = _fiscal(ctx, org, compared[0][1], _words(compared[0][0]), state) if explicit else ""
            base_period = base_period or shift_year(period, -1)
            if base and base_period != period:
                events.append(_event(ctx, org, base_period, {"revenue": _currency_group(base)}, pred))
        if earlier:
            # "Revenue from Azure rose 64%, the company said, down from 73%": the rate continues the last result
            owner, last = (org, period) if stated else _last_result(events, org, period)
            events.extend(_earlier_growth(ctx, earlier, last, state, owner))
    _remember(ctx, state, events)
    return events


_NOT_YOY = re.compile(
    r"\b(?:sequential(?:ly)?|quarter[- ](?:over|on)[- ]quarter|q-?o-?q|month[- ](?:over|on)[- ]month"
    r"|(?:two|three|2|3)[- ]years?|(?:two|three)[- ]year)\b",
    re.IGNORECASE,
)


def _beside(token: Token) -> tuple[str, str]:
    doc = token.doc
    return (doc[token.i - 1].text if token.i > 0 else "", doc[token.i + 1].text if token.i + 1 < len(doc) else "")


def _year_on_year(ctx: Context, toks: list[Token], period: str) -> bool:
    """Whether a growth rate compares with a year before (spec/GOLD.md: growthRate is year-over-year only):
    not 'up 5% sequentially', 'up 5% from the previous quarter', 'up 40% from 2019' for 2021."""
    after = _after(ctx.sent, toks)
    text = _words(after)
    if _NOT_YOY.search(text):
        return False
    markers = BASE_MARKERS | {"over", "on"}
    start = next(  # "from the previous quarter", not the "on" of "year-on-year"
        (k for k, t in enumerate(after) if t.lower_ in markers and "-" not in _beside(t)),
        None,
    )
    if start is None:
        return True
    text = _words(after[start:])
    if re.search(r"\b(?:previous|prior|last)\s+year\b|\byear[- ](?:earlier|ago|before)\b", text, re.I):
        return True  # "compared to the previous year": the year before the period, whatever the article date
    found = [str(f.value) for f in find_periods(text, ctx.article.date, reference=period)]
    found = [p for p in found if not re.fullmatch(r"\d{4}-\d{2}", p)]
    if not found:
        return True
    base = found[0]
    same_kind = base.startswith("FY") == period.startswith("FY") and base.count("-") == period.count("-")
    return not same_kind or base == shift_year(period, -1)


def _last_result(events: list[Event], org: Entity | None, period: str) -> tuple[Entity | None, str]:
    """The organisation and period of the sentence's last result, else the clause's own."""
    if events:
        (owner,), (last,) = events[-1].roles["organization"], events[-1].roles["period"]
        if isinstance(owner, Entity):
            return owner, str(last)
    return org, period


def _after(sent: Span, toks: list[Token]) -> list[Token]:
    """The words after a figure up to the next comma, semicolon, 'but' or 'and'."""
    words = []
    for token in sent.doc[toks[-1].i + 1 : sent.end]:
        if token.lower_ in (",", ";", "but", "and", "while", "(", ")") or token.is_space:
            break
        words.append(token)
    return words


def _earlier_growth(
    ctx: Context,
    earlier: list[tuple[list[Token], Decimal]],
    period: str,
    state: dict[str, object],
    owner: Entity | None = None,
) -> list[Event]:
    """'a pick-up from the 12% growth the unit managed in the previous three months', 'down from 73 per cent in
    the previous quarter': the earlier period's rate (of the clause's organisation when no relative clause says)."""
    found = []
    for toks, rate in earlier:
        if toks[-1].i + 1 >= ctx.sent.end or not period:
            continue
        relcl = next((c for c in ctx.sent.doc[toks[-1].i + 1].children if c.dep_ == "relcl"), None)
        if relcl is None:
            after = _after(ctx.sent, toks)
            periods = find_periods(_words(after), ctx.article.date, reference=period) if after else []
            if owner is not None and periods:
                earlier_period = _fiscal(ctx, owner, str(periods[0].value), _words(after), state)
                if earlier_period and earlier_period != period and not re.fullmatch(r"\d{4}-\d{2}", earlier_period):
                    found.append(_event(ctx, owner, earlier_period, {"growthRate": (rate,)}, toks[0]))
            continue
        span = ctx.sent.doc[relcl.left_edge.i : relcl.right_edge.i + 1]
        periods = find_periods(span.text, ctx.article.date, reference=period)
        org = _organization(ctx, _subject(relcl), [], state)
        if org is not None and periods and str(periods[0].value) != period:
            found.append(_event(ctx, org, str(periods[0].value), {"growthRate": (rate,)}, relcl))
    return found


def _remember(ctx: Context, state: dict[str, object], events: list[Event]) -> None:
    """Keep the company the sentence is about and whose revenue it names, for the sentences after it."""
    if events:
        state["focus"] = state["owner"] = events[0].roles["organization"][0]
        return
    for token in span_tokens(ctx.sent):
        if token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ROOT":
            phrase = [t for t in token.subtree if not _in_relative(t, token)]
            if len({m.entity.id for t in phrase if (m := ctx.mention_of(t)) and t.dep_ == "conj"}) >= 1:
                state["focus"] = None  # "Amazon, Microsoft and Google hold …": no one company in focus any more
                break
            entity = _mention(ctx, phrase, token)
            cloud_unit = token.lemma_.lower() in UNIT_NOUNS and _cloudy(phrase)
            if entity is None and (token.lemma_.lower() in COMPANY_NOUNS - {"it"} or cloud_unit) and _definite(token):
                # "(NYSE: SNOW), the Data Cloud company, announced …": the company the article is about
                segments = frozenset(
                    e.id
                    for _, e in prior_orgs(ctx, token.i)
                    if e.id not in ctx.resolver.gazetteer and _segment_label(e.label)
                )
                entity = described(ctx, token, classes=("Company", "CloudProvider"), exclude=segments)
            if entity is not None:
                # "Alibaba's cloud business has grown …": the cloud unit is what the article goes on about
                unit = token.lemma_.lower() in UNIT_NOUNS and _cloudy(phrase)
                state["focus"] = _unit(ctx, entity, cloud=unit, group=False)
                break
    for token in span_tokens(ctx.sent):
        if token.lemma_.lower() in REVENUE_NOUNS:
            entity = _mention(
                ctx, [c for c in token.subtree if c.dep_ in ("poss", "compound") or c.head.dep_ == "poss"]
            )
            if entity is not None:
                state["owner"] = entity


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("FinancialResult", extract, 50),)
