"""MarketShare: 'AWS held 32% of the worldwide market', 'Alibaba is China's largest cloud provider, IDC says'."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from graph.records import Entity, Event
from ontology import load_descriptors
from pipelines.entities import Mention, to_entity
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import (
    Context,
    doc_sents,
    doc_tokens,
    per_doc,
    phrase_head,
    sentences_before,
    span_ents,
    span_lowers,
    span_text,
    span_tokens,
)
from pipelines.extractors.coordination import pair_respectively, says_respectively
from pipelines.extractors.events import make_event
from pipelines.extractors.reference import latest, named_before
from pipelines.extractors.tables import PIPE_ROW
from pipelines.lexicon import word_class
from pipelines.normalize import NUMBER_WORDS, QUALIFIERS, find_percentages
from pipelines.periods import find_periods

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

RANKS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "1st": 1, "2nd": 2, "3rd": 3}
SUPERLATIVES = word_class("superlatives")
RANK_NOUNS = word_class("rank_nouns")
RANK_VERBS = word_class("rank_verbs")
LEAD_OBJECTS = word_class("lead_objects")
CLOUD_WORDS = word_class("share_cloud_words")
CLOUD_TITLE = re.compile(r"\b(?:cloud|iaas|paas|infrastructure)\b", re.IGNORECASE)
GROWTH = word_class("share_change_lemmas")
MOTION_VERBS = word_class("motion_verbs")
PLACE_NOUNS = word_class("place_nouns")
COMPARE_PREPS = word_class("compare_preps")
COMPARE_VERBS = word_class("compare_verbs")
TIE_WORDS = word_class("tie_words")
HOLD_VERBS = word_class("share_hold_verbs")
FORECAST = word_class("share_forecast_verbs")
ANALYSTS = word_class("share_analyst_words")
FIRM_NOUNS = word_class("firm_nouns")
COMPARE_BASES = word_class("share_compare_bases")
GLOBAL = re.compile(r"\b(?:worldwide|global|globally|world's|in the world|across the world)\b", re.IGNORECASE)
DEMONYMS = {"chinese": "china", "american": "united-states", "indian": "india", "european": "europe"}
DEMONYMS |= {
    "mainland": "china",
    "japanese": "japan",
    "german": "germany",
    "british": "united-kingdom",
    "korean": "south-korea",
}
SEGMENTS = re.compile(
    r"\b((?:public\s+)?cloud\s+(?:infrastructure\s+)?services|infrastructure as a service|iaas)\b", re.IGNORECASE
)
SEGMENT_NAMES = {"iaas": "infrastructure as a service"}
_QUAL = re.compile("|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)), re.IGNORECASE)


FRACTIONS = {"third": Decimal("0.333"), "thirds": Decimal("0.333"), "quarter": Decimal("0.25"), "half": Decimal("0.5")}
_FRACTION_OF_MARKET = re.compile(
    r"\b(?:(?P<q>about|around|roughly|nearly|almost|more than|over)\s+)?"
    r"(?P<f>(?:one|a)[\s-]third|(?:one|a)[\s-]quarter|half|two[\s-]thirds)\s+of\s+"
    r"(?:the\s+|its\s+|their\s+|\w+'s\s+)?(?:[\w-]+\s+){0,3}?market\b",
    re.IGNORECASE,
)


@dataclass
class Anchor:
    """A place in the sentence where an organisation is named (or referred to)."""

    start: int
    end: int
    entity: Entity | None
    reference: bool = False
    cues: list[tuple[str, object, Token]] = field(default_factory=list)


@dataclass
class Frame:
    """What one sentence says about a market ranking: who, and for which market, firm and period."""

    anchors: list[Anchor]
    market: Entity | str | None
    firm: Entity | None
    period: str
    compared: bool
    cloudy: bool


@cache
def _descriptors() -> dict[str, str]:
    return {d: e for d, e, _ in load_descriptors()}


def _mentions(ctx: Context, sent: Span) -> list[Mention]:
    pairs = ((span, ctx.resolver.resolve(span)) for span in span_ents(sent))
    return ctx.mentions if sent == ctx.sent else [Mention(s.start, s.end, e, True) for s, e in pairs if e]


def _is_reference(root: Token) -> bool:
    """'behind AWS and Azure', 'trailing its rivals AWS': a provider named only as a yardstick."""
    token = phrase_head(root)
    if token.dep_ == "pobj" and (token.head.lower_ in COMPARE_PREPS or token.head.head.lower_ == "ahead"):
        return True
    return token.dep_ == "dobj" and token.head.lemma_.lower() in COMPARE_VERBS


def _anchors(ctx: Context, sent: Span, mentions: list[Mention], earlier: list[Entity]) -> list[Anchor]:
    anchors: list[Anchor] = []
    for m in mentions:
        descriptor = _descriptors().get(sent.doc[m.start : m.end].text.lower())
        entity = m.entity
        if descriptor in {e.id for e in earlier} | {m.entity.id for m in mentions}:
            entity = ctx.resolver.provider(_known(ctx, descriptor))
        elif ctx.resolver.is_provider(entity):
            entity = ctx.resolver.provider(entity)
        else:
            continue
        anchors.append(Anchor(m.start, m.end, entity, _is_reference(sent.doc[m.end - 1])))
    named = {e.id for e in earlier} | {m.entity.id for m in mentions}
    lowered = span_text(sent).lower()
    for descriptor, entity_id in _descriptors().items():
        if descriptor not in lowered:
            continue
        for hit in re.finditer(rf"\bthe {re.escape(descriptor)}\b", lowered):
            token = next((t for t in span_tokens(sent) if t.idx - sent.start_char >= hit.start()), None)
            if token is None or entity_id not in named or any(a.start <= token.i < a.end for a in anchors):
                continue
            entity = ctx.resolver.provider(_known(ctx, entity_id))
            anchors.append(Anchor(token.i, token.i + len(descriptor.split()) + 1, entity))
    for token in span_tokens(sent):
        of = token.head
        if token.lower_ == "it" and of.lower_ == "of" and of.head.lower_ in ("%", "cent", "percent", *FRACTIONS):
            continue  # "took 77% of it": the market, not an organisation
        if token.lower_ in ("it", "its") and not any(a.start <= token.i < a.end for a in anchors):
            anchors.append(Anchor(token.i, token.i + 1, None))
        elif token.lower_ == "company" and token.dep_ == "nsubj" and token.i > 0 and token.nbor(-1).lower_ == "the":
            if not any(a.start <= token.i < a.end for a in anchors):  # "the company held 40%": as 'it'
                anchors.append(Anchor(token.i - 1, token.i + 1, None))
    return sorted(anchors, key=lambda a: a.start)


def _known(ctx: Context, entity_id: str) -> Entity:
    return to_entity(ctx.resolver.gazetteer[entity_id])


def _rank_of(token: Token, has_share: bool) -> int | None:
    """The rank a token states: 'third-largest', 'largest', 'second at 22%', 'No. 2', 'runner-up', 'led'."""
    lower, lemma = token.lower_, token.lemma_.lower()
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    after = doc[token.i + 2] if nxt is not None and nxt.text == "-" and token.i + 2 < len(doc) else nxt
    if lower in SUPERLATIVES:
        before = doc[max(token.i - 3, 0) : token.i].text.lower()
        if "one of" in before or "among" in before or token.tag_ == "VBG" and token.dep_ != "amod":
            return None
        prev = doc[token.i - 1] if token.i else token
        prev = doc[token.i - 2] if prev.text == "-" and token.i > 1 else prev
        rank = RANKS.get(prev.lower_, 1)
        noun = token.head if token.dep_ == "amod" else None
        return rank if noun is None or noun.lemma_.lower() in RANK_NOUNS and noun.tag_ != "NNS" else None
    if lower in RANKS:
        if _first_to_act(token):
            return None  # "the first of the big clouds to open a region there": an order in time, not a ranking
        if re.search(r"\b(?:one|a|two)\s*-?\s*$", doc[max(token.i - 2, 0) : token.i].text.lower()):
            return None  # "one-third of the market": a fraction
        if after is not None and after.lower_ in SUPERLATIVES:
            return None  # the superlative carries it
        if after is not None and after.lower_ in PLACE_NOUNS:
            return RANKS[lower]  # "kept its grip on first place", "moved into second position"
        if token.dep_ == "amod" and token.head.pos_ == "NOUN" or after is not None and after.pos_ == "NOUN":
            return None
        distant = any(c.lower_ in ("distant", "close", "clear", "solid") for c in token.children)
        verb = token.head.head if token.head.lower_ in ("overall", "globally", "worldwide") else token.head
        return RANKS[lower] if has_share or distant or verb.lemma_.lower() in RANK_VERBS else None
    if token.text in ("No", "No.", "no.", "number") and after is not None and after.text == ".":
        after = doc[after.i + 1] if after.i + 1 < len(doc) else None
    if (
        token.text in ("No", "No.", "no.", "number")
        and after is not None
        and (after.like_num or after.lower_ in NUMBER_WORDS)
    ):
        value = NUMBER_WORDS.get(after.lower_) or (int(after.text) if after.text.isdigit() else 0)
        return value if 0 < value < 11 and after.lower_ not in ("a", "an") else None
    if lower == "runner" and after is not None and after.lower_ == "up":
        return 2
    if lemma == "lead" and token.pos_ == "VERB":
        return 1 if any(c.dep_ == "dobj" and c.lemma_.lower() in LEAD_OBJECTS for c in token.children) else None
    if lower == "leader" and token.tag_ == "NN" and any(c.lower_ == "the" for c in token.children):
        return 1
    if lower == "lead" and token.dep_ == "dobj" and token.head.lemma_.lower() in ("keep", "hold", "retain", "extend"):
        return 1  # "kept its lead"
    return None


def _forecast(token: Token) -> bool:
    """Whether the clause holding the token is forecast or hoped for ('is poised to become the leader')."""
    while token.head.i != token.i and token.dep_ not in ("advcl", "relcl", "acl"):
        token = token.head
        if token.lemma_.lower() in FORECAST:
            return True
    return False


def _compared_clause(token: Token) -> bool:
    """'Just as in the US, AWS leads in Europe': a place in a clause of comparison is not the market ranked."""
    return any(
        a.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("as", "like") for c in a.children)
        for a in token.ancestors
    )


def _first_to_act(token: Token) -> bool:
    """'was the first (of the providers) to open …': an infinitive completes the ordinal or its phrase."""
    phrase = [token, *(c for c in token.children if c.dep_ == "prep" for c in c.subtree)]
    return any(
        c.dep_ in ("acl", "relcl", "advcl", "xcomp") and c.tag_ == "VB" and any(a.lower_ == "to" for a in c.children)
        for t in phrase
        for c in t.children
    )


def _shares(sent: Span) -> list[tuple[int, Decimal, str]]:
    """Percentages of the sentence that are shares (not growth rates), with token index and qualifier."""
    found = []
    for f in find_percentages(span_text(sent)):
        text = span_text(sent)[f.start : f.end]
        qual = _QUAL.match(text)
        char = sent.start_char + f.start + (qual.end() if qual else 0)
        token = next((t for t in span_tokens(sent) if t.idx >= char), sent[-1])
        tail = sent.doc[token.i : min(token.i + 7, sent.end)].text.lower()
        if re.search(r"\bof\s+(?:its|their|the\s+\w+'s|\w+'s)\s+(?:revenue|sales|profit|spending)", tail):
            continue
        ancestors = [token, *list(token.ancestors)[:4]]
        level = token.head.lower_ == "to" and token.dep_ == "pobj"  # "edged up to 22%": the level reached
        growth = any(a.lemma_.lower() in GROWTH for a in ancestors) and not level
        named = re.match(r"\S*\s*(?:%|per\s?cent)?\s*(?:market\s*)?share\b", tail)  # "and 38.9% market share"
        if (growth and not named) or "year on year" in tail or "from a year" in tail:
            continue
        qualifier = QUALIFIERS.get(qual.group().lower(), "") if qual else ""
        start = next((t for t in span_tokens(sent) if t.idx >= sent.start_char + f.start), token)
        before = sent.doc[start.i - 1] if start.i > sent.start else start
        if qual and start.lower_ == "up" and before.lemma_.lower() in MOTION_VERBS:
            qualifier = ""  # "edged up to 22%": the verb's particle, not "up to"
        found.append((token.i, Decimal(str(f.value)), qualifier))
    for match in _FRACTION_OF_MARKET.finditer(span_text(sent)):  # "roughly a third of the worldwide market"
        token = next((t for t in span_tokens(sent) if t.idx >= sent.start_char + match.start("f")), sent[-1])
        if any(i == token.i for i, _, _ in found) or any(a.lemma_.lower() in GROWTH for a in token.ancestors):
            continue
        words = re.sub(r"[\s-]+", " ", match.group("f").lower())
        qualifier = QUALIFIERS.get((match.group("q") or "").lower(), "")
        found.append((token.i, FRACTIONS[words.split()[-1]] * (2 if words.startswith("two") else 1), qualifier))
    return found


def _held(token: Token) -> bool:
    return any(a.lemma_.lower() in HOLD_VERBS for a in list(token.ancestors)[:2])


def _share_context(sent: Span) -> bool:
    for token in span_tokens(sent):
        if (token.lower_ in ("share", "marketshare") or token.lower_ == "shares" and token.pos_ == "NOUN") and (
            any(c.dep_ in ("poss", "prep") or c.lemma_ == "market" for c in token.children)
            or any(t.lower_ in ("%", "cent", "percent") for t in sent.doc[max(token.i - 3, 0) : token.i])
        ):
            return True
        of = token.head
        if token.lemma_ == "market" and of.lower_ == "of" and of.head.lower_ in ("%", "cent", "percent", *FRACTIONS):
            return True
    return False


def _share_in_same_clause(token: Token) -> bool:
    """Whether the relative clause holding a place also states the share or rank ('…, which holds 40% in China')."""
    clause = next(a for a in token.ancestors if a.dep_ in ("relcl", "acl"))
    return any(t.text == "%" or t.lower_ in SUPERLATIVES or t.lower_ in RANKS for t in clause.subtree)


def _in_relative_clause(token: Token) -> bool:
    """'AWS, which plans a region in Cape Town': a place in a relative clause is not the ranking's market."""
    return any(a.dep_ in ("relcl", "acl") for a in token.ancestors)


def _market(ctx: Context, sent: Span, mentions: list[Mention]) -> Entity | str | None:
    for m in mentions:
        if m.entity.cls != "Place":
            continue
        token = phrase_head(sent.doc[m.end - 1])
        if _in_relative_clause(token) and not _share_in_same_clause(token):
            continue
        if _forecast(token) or _compared_clause(token):
            continue  # "… and is poised to lead in Vietnam": a market hoped for is not the one ranked
        head = token.head
        if head.lower_ == "of" and head.head.lower_ in ("all", "most", "much"):
            token, head = head.head, head.head.head  # "across all of Europe"
        nxt = sent.doc[m.end] if m.end < len(sent.doc) else token
        if nxt.text in ("-", "–") or nxt.lower_ in ("company", "firm", "giant", "group"):
            continue
        if token.dep_ == "poss" or token.dep_ == "pobj" and head.lower_ in ("in", "across") or head.lemma_ == "market":
            return m.entity
        published = head.head.lemma_.lower() in ("release", "publish", "issue")
        if token.dep_ == "pobj" and head.lower_ == "for" and (head.head.lower_ in FIRM_NOUNS | {"market"} or published):
            return m.entity  # "Canalys's spending numbers for Brazil"
    for token in span_tokens(sent):
        entity_id = DEMONYMS.get(token.lower_)
        if entity_id and token.head.lemma_ == "market" and entity_id in ctx.resolver.gazetteer:
            return _known(ctx, entity_id)
    return "global" if GLOBAL.search(span_text(sent)) else None


def _firm(ctx: Context, sent: Span, mentions: list[Mention], earlier: list[Entity]) -> Entity | None:
    firms = [e for e in earlier if e.cls == "ResearchFirm"]
    for m in mentions:
        if m.entity.cls == "ResearchFirm":
            return m.entity
        for firm in firms:
            if firm.label.lower().startswith(m.entity.label.lower() + " "):
                return firm
    for token in span_tokens(sent):
        for firm in reversed(firms):
            if token.text == firm.label.split()[0] and len(token.text) > 3:
                return firm
        if token.lemma_ == "firm" and firms and any(c.lower_ == "'s" for c in token.children):
            if token.head.lower_ in FIRM_NOUNS:
                return firms[-1]
        # "…, the research firm said": the analyst house named before
        if token.lemma_ in ("firm", "consultancy") and firms and token.dep_ == "nsubj":
            if token.head.lemma_.lower() in ("say", "estimate", "report", "find", "calculate", "show"):
                return firms[-1]
    return None


def _period(ctx: Context, sent: Span, *, research: bool = False) -> str:
    """The period the sentence gives its figures for ('' when none).

    A period under a change ('up from 30% in 2019') is the base of a comparison, not the period of a
    share the sentence states. With `research`, the sentence is where a research firm's figures are
    introduced ('spending rose 32% in the fourth quarter of 2020, Canalys said'): there the change is
    the figure for that period, and only a period it is compared with ('up from', 'than') is left out.
    """
    for f in find_periods(span_text(sent), ctx.article.date):
        char = sent.start_char + f.start
        token = next((t for t in span_tokens(sent) if t.idx >= char), sent[-1])
        before = sent.doc[token.i - 1].lower_ if token.i > sent.start else ""
        ancestors = list(token.ancestors)[:4]
        if research:
            changed = any(a.lower_ in COMPARE_BASES for a in ancestors)
        else:
            changed = any(a.lemma_.lower() in GROWTH for a in ancestors)
        if str(f.value).startswith("FY") or before in ("since", "by", "until") or changed:
            continue
        return str(f.value)
    return ""


def _assign(sent: Span, anchors: list[Anchor], *, continuing: bool = False) -> None:
    """Give each rank and share cue to the organisation whose stretch of the sentence holds it.

    With `continuing`, the sentence goes on with the shares the previous one gave ('…, while Google held 11%').
    """
    shares = {i: (value, qual) for i, value, qual in _shares(sent)}
    share_context = continuing or _share_context(sent)

    tokens = doc_tokens(sent.doc)
    roots = [tokens[a.end - 1] for a in anchors]
    describing = [a for a, root in zip(anchors, roots, strict=True) if not _describes_another(root)]

    def owner(i: int) -> Anchor | None:
        token = tokens[i]
        noun = token.head if token.dep_ == "amod" else token
        # 'AWS, the biggest cloud provider' / 'the largest player, AWS'
        for anchor, root in zip(anchors, roots, strict=True):
            if root.dep_ == "appos" and root.head == noun or noun.dep_ == "appos" and noun.head == root:
                return anchor
        before = [a for a in describing if a.start <= i and not _enclosed_apart(tokens[a.end - 1], token)]
        return before[-1] if before else (anchors[0] if anchors else None)

    owners = {i: owner(i) for i in range(sent.start, sent.end)}  # where each token stands does not change below
    for i, anchor in owners.items():
        if anchor is None or i in range(anchor.start, anchor.end):
            continue
        if i in shares:
            anchor.cues.append(("share", shares[i], tokens[i]))
    _respectively(sent, anchors, shares)
    for i, anchor in owners.items():
        if anchor is None:
            continue
        has_share = any(kind == "share" for kind, _, _ in anchor.cues)
        rank = _rank_of(tokens[i], has_share)
        if rank is not None:
            anchor.cues.append(("rank", rank, tokens[i]))
    _followed_list(anchors, roots)
    ranked = any(kind == "rank" for a in anchors for kind, _, _ in a.cues)
    for anchor in anchors:
        if not share_context and not any(kind == "rank" for kind, _, _ in anchor.cues):
            # 'came second with 18%, ahead of Tencent, which held 16%': a holding in a ranking is a share
            anchor.cues = [c for c in anchor.cues if c[0] != "share" or ranked and _held(c[2])]
    for anchor, following in zip(anchors, anchors[1:], strict=False):
        between = sent.doc[anchor.end : following.start]
        if not anchor.cues and any(t.lower_ in TIE_WORDS for t in between):
            anchor.cues.extend(c for c in following.cues if c[0] == "rank")


def _enclosed_apart(root: Token, token: Token) -> bool:
    """'Alibaba, which like Amazon runs a shop, leads with 45%': a name inside a relative clause the cue is not in."""
    clause = next((a for a in root.ancestors if a.dep_ == "relcl"), None)
    return clause is not None and token not in clause.subtree


def _respectively(sent: Span, anchors: list[Anchor], shares: dict[int, tuple[Decimal, str]]) -> None:
    """'A, B and C held 33%, 20% and 10%, respectively': the n-th share goes to the n-th organisation named."""
    if not says_respectively(sent) or len(shares) < 2:
        return
    first = min(shares)
    named = [a for a in anchors if a.entity is not None and not a.reference and a.end <= first]
    pairs = pair_respectively(named, sorted(shares), key=lambda a: a.entity.id if a.entity is not None else "")
    if not pairs:
        return
    tokens = doc_tokens(sent.doc)
    for anchor in anchors:
        anchor.cues = [c for c in anchor.cues if c[0] != "share"]
    for anchor, i in pairs:
        anchor.cues.append(("share", shares[i], tokens[i]))


def _follow_head(root: Token) -> Token | None:
    """The 'followed' of '…, followed by X, Y and Z' when the name is one of its list."""
    token = root
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    by = token.head if token.dep_ == "pobj" else None
    if by is None or by.lower_ != "by" or by.head.lemma_.lower() != "follow":
        return None
    return by.head


def _followed_list(anchors: list[Anchor], roots: list[Token]) -> None:
    """'X is No. 1, followed by Y and Z': the names of the ordered list take the next ranks, in order."""
    lists: dict[int, list[Anchor]] = {}
    for anchor, root in zip(anchors, roots, strict=True):
        if (follow := _follow_head(phrase_head(root))) is not None and not anchor.reference:
            lists.setdefault(follow.i, []).append(anchor)
    doc = roots[0].doc if roots else None
    for follow, members in lists.items():  # '…, followed by Y with 12% and Z with 5%': the parse may drop Z
        for anchor in anchors:
            between = doc[follow + 1 : anchor.start] if doc is not None else []
            if anchor.start > follow and anchor not in members and not anchor.reference:
                if anchor.entity is not None and not any(t.pos_ in ("VERB", "AUX") for t in between):
                    members.append(anchor)
    for follow, members in lists.items():
        leaders = [a for a in anchors if a.end <= follow and a not in members]
        ranks = [v for a in leaders[-1:] for kind, v, _ in a.cues if kind == "rank"]
        if not ranks or any(kind == "rank" for a in members for kind, _, _ in a.cues):
            continue
        for n, anchor in enumerate(sorted(members, key=lambda a: a.start), start=1):
            anchor.cues.append(("rank", int(ranks[0]) + n, roots[0].doc[follow]))  # type: ignore[call-overload]


def _describes_another(root: Token) -> bool:
    """ "Microsoft, Amazon's nearest rival, …": a name inside an apposition only describes the one before."""
    return root.dep_ == "poss" and root.head.dep_ == "appos"


def _precise(ctx: Context, entity: Entity) -> bool:
    """Whether another sentence gives the organisation's share as a percentage ('nearly half' rounds it)."""
    for sent in doc_sents(ctx.sent.doc):
        if sent.start == ctx.sent.start or not find_percentages(span_text(sent)):
            continue
        frame = _frame(ctx, sent)
        for anchor in frame.anchors:
            if anchor.entity is not None and anchor.entity.id == entity.id:
                if any(kind == "share" and t.lower_ not in FRACTIONS for kind, _, t in anchor.cues):
                    return True
    return False


def _their(ctx: Context, sent: Span) -> list[Anchor]:
    """'Their shares stood at 31%, 22% and 10% respectively': the providers the sentence before named, in order."""
    their = next((t for t in span_tokens(sent) if t.lower_ == "their" and t.dep_ == "poss"), None)
    before = sentences_before(sent, 1)
    if their is None or "respectively" not in span_lowers(sent) or not before:
        return []
    named: list[Entity] = []
    for m in _mentions(ctx, before[0]):
        if ctx.resolver.is_provider(m.entity) and (e := ctx.resolver.provider(m.entity)) not in named:
            named.append(e)
    return [Anchor(their.i, their.i + 1, e) for e in named] if len(named) > 1 else []


def _frame(ctx: Context, sent: Span, *, continuing: bool = False) -> Frame:
    mentions = _mentions(ctx, sent)
    earlier = named_before(ctx, sent)
    anchors = _anchors(ctx, sent, mentions, earlier) or _their(ctx, sent)
    _assign(sent, anchors, continuing=continuing)
    cloudy = any(t.lower_ in CLOUD_WORDS for t in span_tokens(sent)) or any(
        m.entity.cls == "CloudProvider" for m in mentions
    )
    if not cloudy and any(a.entity is not None and a.entity.cls == "CloudProvider" for a in anchors):
        # "Amazon kept its lead with 32%" a few sentences after one about cloud spending
        before = [s for s in doc_sents(sent.doc) if s.end <= sent.start][-3:]
        cloudy = any(span_lowers(s) & CLOUD_WORDS for s in before) or bool(CLOUD_TITLE.search(ctx.article.title))
    market = _market(ctx, sent, mentions)
    compared = any(a.reference for a in anchors)
    return Frame(anchors, market, _firm(ctx, sent, mentions, earlier), _period(ctx, sent), compared, cloudy)


def _cued(sent: Span) -> bool:
    """Whether the sentence has a percentage or a rank word at all (most sentences have neither)."""
    if find_percentages(span_text(sent)) or _FRACTION_OF_MARKET.search(span_text(sent)):
        return True
    return any(
        _rank_of(token, has_share) is not None
        for token in span_tokens(sent)
        if token.lower_ in _RANK_CUES or token.lemma_.lower() == "lead"
        for has_share in (False, True)
    )


# every word `_rank_of` can start from
_RANK_CUES = frozenset(SUPERLATIVES) | set(RANKS) | word_class("rank_cue_words")


def _stated(frame: Frame, *, table: bool = False) -> bool:
    """Whether the sentence ranks anyone; with `table`, as a ranking the next sentences may go on with."""
    shares = any(kind == "share" for a in frame.anchors for kind, _, _ in a.cues)
    return any(a.cues for a in frame.anchors) and (not table or frame.firm is not None or shares)


def _inherit(ctx: Context) -> tuple[Entity | str | None, Entity | None, str]:
    """Market, firm and period of the ranking the previous sentences were giving ('Then comes Alibaba, third')."""
    sents = doc_sents(ctx.sent.doc)
    index = next((i for i, s in enumerate(sents) if s.start == ctx.sent.start), 0)
    firm: Entity | None = None
    period = ""
    compared = False
    for _ in range(4):
        for k in range(index - 1, max(index - 7, -1), -1):
            frame = _frame(ctx, sents[k])
            if _stated(frame, table=True) and any(_names_org(ctx, sents[k], a) for a in frame.anchors if a.cues):
                break
        else:
            break
        firm, period, index = firm or frame.firm, period or frame.period, k
        if frame.market is not None:
            return (frame.market, firm, period) if frame.cloudy else (None, None, "")
        # 'ahead of AWS' with no market named: the world market, unless an earlier sentence names one
        compared = compared or frame.compared and frame.cloudy
    return ("global", firm, period) if compared else (None, None, "")


def _names_org(ctx: Context, sent: Span, anchor: Anchor) -> bool:
    """Whether an anchor stands for an organisation: a name, or a pronoun no place subject before it could mean."""
    if anchor.entity is not None:
        return True
    tokens = doc_tokens(sent.doc)
    return not any(
        m.entity.cls == "Place" and m.end <= anchor.start and tokens[m.end - 1].dep_ in ("nsubj", "nsubjpass")
        for m in _mentions(ctx, sent)
    )


def _resolve(ctx: Context, anchors: list[Anchor], anchor: Anchor) -> Entity | None:
    if anchor.entity is not None:
        return anchor.entity
    before = [a for a in anchors if a.start < anchor.start and a.entity is not None and not a.reference]
    if before:
        return before[-1].entity
    return antecedent_provider(ctx)


def _follows_shares(ctx: Context) -> bool:
    """Whether the sentence just before stated market shares."""
    before = sentences_before(ctx.sent, 1)
    if not before:
        return False
    frame = _frame(ctx, before[0])
    return any(kind == "share" for a in frame.anchors for kind, _, _ in a.cues)


def _context_market(ctx: Context) -> Entity | str | None:
    """The market the last few sentences describe ('Worldwide spending on cloud services rose …')."""
    for sent in sentences_before(ctx.sent, 3):
        if any(t.lower_ in CLOUD_WORDS | {"market", "spending"} for t in span_tokens(sent)):
            market = _market(ctx, sent, _mentions(ctx, sent))
            if market is not None:
                return market
    return None


def _only_firm(ctx: Context) -> Entity | None:
    """The research firm whose figures the article reports, when it names exactly one."""
    firms = {e.id: e for e in named_before(ctx, ctx.sent) if e.cls == "ResearchFirm"}
    return next(iter(firms.values())) if len(firms) == 1 else None


def _firm_period(ctx: Context, firm: Entity, market: Entity | str) -> str:
    """The period of the figures a research firm was credited with before, for `market`.

    The article's research state for that firm (`_sources`) when it is for the same market (the
    period of world figures stays with them, as in `_research`), else the period of a sentence
    naming the firm a few sentences before.
    """
    states = [s for s in _sources(ctx) if s.start <= ctx.sent.start and s.firm.id == firm.id]
    if states and states[-1].period and states[-1].market in (None, market):
        return states[-1].period
    names = {firm.label.lower(), *(a.lower() for a in firm.alt_labels)}
    for sent in sentences_before(ctx.sent, 4):
        if any(name in span_text(sent).lower() for name in names):
            return _period(ctx, sent, research=True)
    return ""


@dataclass
class Source:
    """The research firm an article is reporting from, with the market and period it last gave for its figures."""

    start: int  # first token of the sentence naming the firm
    firm: Entity
    market: Entity | str | None
    period: str


def _sources(ctx: Context) -> list[Source]:
    """The article's research state after each sentence naming a firm ('Synergy's Q3 figures …', 'Synergy said')."""

    def make(doc: Doc) -> list[Source]:
        found: list[Source] = []
        for sent in doc_sents(doc):
            mentions = _mentions(ctx, sent)
            firm = _firm(ctx, sent, mentions, named_before(ctx, sent))
            if firm is None:
                continue
            market, period = _market(ctx, sent, mentions), _period(ctx, sent, research=True)
            if found and found[-1].firm.id == firm.id:  # the same firm again: what it does not restate still holds
                market, period = market or found[-1].market, period or found[-1].period
            found.append(Source(sent.start, firm, market, period))
        return found

    return per_doc(ctx.sent.doc, "cvkg_share_sources", make)


def _fits(source: Source, market: Entity | str) -> bool:
    """Whether a firm's figures for `source.market` cover `market` (a world report covers its regions)."""
    if source.market is None or source.market == "global":
        return True
    return not isinstance(market, str) and isinstance(source.market, Entity) and source.market.id == market.id


def _other_source(sent: Span, mentions: list[Mention]) -> bool:
    """'…, according to industry estimates': the sentence credits someone other than a research firm."""
    firms = {i for m in mentions if m.entity.cls == "ResearchFirm" for i in range(m.start, m.end)}
    for token in span_tokens(sent):
        words = {t.lower_ for t in token.subtree}
        if token.lower_ == "according" and not any(t.i in firms for t in token.subtree) and not words & ANALYSTS:
            return True
    return False


def _research(ctx: Context, market: Entity | str, frame: Frame) -> Source | None:
    """The firm whose figures the sentence goes on reporting: the article's current research state, if it fits.

    With no firm named yet, a later sentence crediting a firm for the same organisation and market does.
    """
    if _other_source(ctx.sent, ctx.mentions):
        return None
    sources = _sources(ctx)
    before = [s for s in sources if s.start < ctx.sent.start]
    ours = {e.id for a in frame.anchors if a.cues and (e := _resolve(ctx, frame.anchors, a)) is not None}
    if before:
        source = before[-1]
        if source.market in (None, market):
            return source
        # a region of a world report: only while the text goes on with the ranking the sentence before gave
        # ('… is No. 3 worldwide. While it leads in China, …'); the period stays with the world figures
        previous = sentences_before(ctx.sent, 1)
        if not _fits(source, market) or not previous:
            return None
        frame = _frame(ctx, previous[0])
        ranked = {e.id for a in frame.anchors if a.cues and (e := _resolve(ctx, frame.anchors, a)) is not None}
        return replace(source, period="") if _stated(frame) and ours & ranked else None
    for source in sources:
        if isinstance(market, Entity) and isinstance(source.market, Entity) and source.market.id == market.id:
            sent = ctx.sent.doc[source.start].sent
            mentions = _mentions(ctx, sent)
            later = {ctx.resolver.provider(m.entity).id for m in mentions if ctx.resolver.is_provider(m.entity)}
            if ours and ours <= later:
                return source
    return None


def antecedent_provider(ctx: Context) -> Entity | None:
    """What 'it' most likely names: the organisation named last before the sentence, when it runs a cloud."""
    found = latest(
        ctx, named_before(ctx, ctx.sent), classes=("Company", "CloudProvider"), providers=True, nearest_only=True
    )
    return ctx.resolver.provider(found) if found is not None else None


_ROW = re.compile(
    r"^\s*(?:\d+[.)]\s*)?[^\d:—–|]{2,60}?\s*[—–:-]+\s*(?:about\s+)?(\d+(?:\.\d+)?)\s?(?:%|per\s?cent)\s*$"
)


def extract(ctx: Context) -> list[Event]:
    """Market shares and ranks stated in the sentence, one event per organisation."""
    if _ROW.match(span_text(ctx.sent)) or PIPE_ROW.match(span_text(ctx.sent)):
        return []  # rows of a ranking list or table: pipelines.extractors.share_tables reads them
    if not _cued(ctx.sent):
        return []
    frame = _frame(ctx, ctx.sent)
    if not _share_context(ctx.sent) and _shares(ctx.sent) and _follows_shares(ctx):
        frame = _frame(ctx, ctx.sent, continuing=True)
    if not _stated(frame):
        return []
    market, firm, period = frame.market, frame.firm, frame.period
    if market is None:
        inherited = _inherit(ctx)
        if inherited[0] is None and frame.compared and frame.cloudy:
            inherited = ("global", None, "")
        if inherited[0] is None and frame.cloudy:
            # the market of the research the article reports ('Canalys's numbers for China … Tencent is second')
            sources = [s for s in _sources(ctx) if s.start < ctx.sent.start and s.market is not None]
            if sources and not _other_source(ctx.sent, ctx.mentions):
                inherited = (sources[-1].market, None, "")
        if inherited[0] is None and frame.cloudy and any(k == "share" for a in frame.anchors for k, _, _ in a.cues):
            inherited = (_context_market(ctx), None, "")  # "45% of the market": the one just described
        if inherited[0] is None and frame.cloudy and any(a.cues for a in frame.anchors):
            # a research firm's share or rank that names no geography is a world one
            sources = [s for s in _sources(ctx) if s.start < ctx.sent.start]
            if (firm is not None or sources) and not _other_source(ctx.sent, ctx.mentions):
                inherited = ("global", None, "")
        market, firm, period = inherited[0], firm or inherited[1], period or inherited[2]
    elif not frame.cloudy:
        return []
    if market is None:
        return []
    if firm is None and (source := _research(ctx, market, frame)) is not None:
        firm, period = source.firm, period or source.period
    if firm is not None and not period:
        period = _firm_period(ctx, firm, market)
    by_org: dict[str, tuple[Entity, list[tuple[str, object, Token]]]] = {}
    for anchor in frame.anchors:
        entity = _resolve(ctx, frame.anchors, anchor)
        if entity is None or not anchor.cues:
            continue
        by_org.setdefault(entity.id, (entity, []))[1].extend(anchor.cues)
    events = []
    for entity, cues in by_org.values():
        trigger = next((t for t in [cues[0][2], *cues[0][2].ancestors] if t.pos_ in ("VERB", "AUX")), cues[0][2])
        if assertion(ctx, trigger) != "" or _forecast(trigger):
            continue
        cues = [c for c in cues if c[0] != "share" or c[2].lower_ not in FRACTIONS or not _precise(ctx, entity)]
        shares = [value for kind, value, _ in cues if kind == "share"]
        ranks = [value for kind, value, _ in cues if kind == "rank"]
        segment = SEGMENTS.search(ctx.text)
        found = {
            "organization": entity,
            "market": market,
            "share": shares[0][0] if shares else None,  # type: ignore[index]
            "rank": ranks[0] if ranks else None,
            "accordingTo": firm,
            "period": period,
            "segment": segment and SEGMENT_NAMES.get(segment.group(1).lower(), segment.group(1).lower()),
        }
        roles = {role: (value,) for role, value in found.items() if value}
        events.append(
            make_event(
                ctx,
                "MarketShare",
                roles,
                explicit_trigger=bool(shares),
                status="Reported" if firm is not None else "",
                roles_found=len(roles) - 1,
                roles_wanted=5,
                credit_outlet=False,
                qualifier=shares[0][1] if shares else "",  # type: ignore[index]
            )
        )
    return events


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("MarketShare", extract, 70),)
