"""UserMetric: 'TikTok has 700 million monthly active users', 'HashiCorp says it has more than 4,400 customers'."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.records import Entity, Event
from pipelines.entities import to_entity
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import Context, doc_ents, doc_tokens, per_doc, span_text, span_tokens
from pipelines.extractors.events import make_event
from pipelines.extractors.reference import latest, named_before
from pipelines.lexicon import word_class
from pipelines.normalize import NUMBER_WORDS, SCALES, plain_decimal

if TYPE_CHECKING:
    from spacy.tokens import Token

NOUNS = word_class("user_nouns")
SYNONYMS = {"staff": "employees", "workers": "employees"}
MODIFIERS = word_class("user_modifiers")
CHANGES = word_class("user_change_words")
CHANGE_VERBS = word_class("change_verbs")
LEVEL_VERBS = r"reached|totall?ed|topped|passed|exceeded|surpassed|hit|stood\s+at|numbered"
LEVEL_VERBS += r"|(?:rose|grew|climbed|increased|jumped)\s+to"
RETRACTIONS = word_class("retractions")
UNIT_NOUNS = word_class("usermetric_unit_nouns")
PRONOUNS = word_class("usermetric_pronouns")
REFERENCES = UNIT_NOUNS | PRONOUNS | word_class("usermetric_reference_nouns")
SUBJECT_CLASSES = {"Company", "CloudProvider", "Product"}

_WORDS = "|".join(w for w in NUMBER_WORDS if len(w) > 2)
_NUM = (
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_WORDS})"
    r"(?:\s+(?P<scale>thousand|million|billion|mn|bn)|(?P<k>K)\b)?"
)
_MODS = "|".join(MODIFIERS)
_METRIC = rf"(?P<mods>(?:(?:{_MODS})[\s-]+)*)(?:(?P<extra>[a-z]+)\s+)?(?P<noun>{'|'.join(NOUNS)})\b"
_NUMBER_FIRST = re.compile(rf"(?<![$€£¥\w.,])\b{_NUM}\s+{_METRIC}", re.IGNORECASE)
# "more than 12 million people used it every day" -> daily active users
_PEOPLE_USE = re.compile(
    rf"(?<![$€£¥\w.,])\b(?:{_NUM}|(?P<a>a)\s+(?P<ascale>thousand|million|billion))\s+(?:people|users)\s+"
    rf"(?:\w+\s+){{0,2}}?us(?:e|es|ed)\s+(?:(?:it|them|the\s+\w+|\w+)\s+)?(?:every|each|a|per)\s+"
    rf"(?P<unit>day|week|month)\b",
    re.IGNORECASE,
)
_FREQUENCY = {"day": "daily", "week": "weekly", "month": "monthly"}
_METRIC_FIRST = re.compile(
    rf"\b{_METRIC}\s+(?:\w+\s+)?(?:{LEVEL_VERBS})\s+(?:(?:more\s+than|about|nearly|almost|over|some)\s+)?{_NUM}\b",
    re.IGNORECASE,
)
# a report's line: "Total customers of approximately 60K"
_TOTAL_OF = re.compile(
    rf"\btotal\s+{_METRIC}\s+of\s+(?:(?:more\s+than|about|approximately|nearly|almost|over|some)\s+)?{_NUM}\b",
    re.IGNORECASE,
)


# "a yearly active customer base totaling 500 million": the base is the count of its users
_BASE = re.compile(
    rf"\b(?P<mods>(?:(?:{_MODS}|annual)[\s-]+)*)(?P<noun>user|customer|consumer|subscriber|member)\s+base\s+"
    rf"(?:of|totall?ing|reaching|at|stood\s+at|reached|totall?ed|topped)\s+"
    rf"(?:(?:more\s+than|about|approximately|nearly|almost|over|some)\s+)?{_NUM}\b",
    re.IGNORECASE,
)


def _quantity(match: re.Match[str]) -> Decimal | None:
    if match.groupdict().get("a"):
        text, scale = "1", match.group("ascale").lower()
    else:
        text = match.group("num").lower().replace(",", "")
        scale = (match.group("scale") or ("thousand" if match.groupdict().get("k") else "")).lower()
    value = Decimal(NUMBER_WORDS[text]) if text in NUMBER_WORDS else Decimal(text)
    value *= SCALES.get(scale, 1)
    if value < 100 and not scale or value != value.to_integral():
        return None
    return plain_decimal(value)


def _token_at(ctx: Context, char: int) -> Token:
    return next((t for t in span_tokens(ctx.sent) if t.idx >= ctx.sent.start_char + char), ctx.sent[-1])


def _entity_in(ctx: Context, tokens: list[Token]) -> Entity | None:
    for token in tokens:
        mention = ctx.mention_of(token)
        if mention is not None and mention.entity.cls in SUBJECT_CLASSES:
            return mention.entity
    return None


_NOT_NAMES = {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"}


def _last_actor(ctx: Context) -> Entity | None:
    """What a pronoun most likely names: the last organisation or product named before the sentence, skipping
    names that only modify a noun ('a Facebook game'); "Alibaba's cloud business" names the cloud unit."""
    tokens = doc_tokens(ctx.sent.doc)
    spans = per_doc(
        ctx.sent.doc,
        "cvkg_usermetric_named",
        lambda d: [(s.start, s.end, ctx.resolver.resolve(s)) for s in doc_ents(d) if s.label_ not in _NOT_NAMES],
    )
    for start, end, entity in reversed(spans):
        root = tokens[end - 1]
        if start >= ctx.sent.start or root.dep_ == "compound":
            continue
        if entity is None or entity.cls not in SUBJECT_CLASSES:
            if root.dep_ in ("nsubj", "nsubjpass"):
                return None  # "When Zapster launched, it grew": the pronoun names what cvkg does not know
            continue
        if root.dep_ == "poss" and root.head.lemma_.lower() in UNIT_NOUNS and ctx.resolver.is_provider(entity):
            return ctx.resolver.provider(entity)
        return entity
    return None


def _antecedent(ctx: Context, noun: str) -> Entity | None:
    """'The business counts 2m customers': the organisation or product named last before the sentence."""
    last = latest(ctx, named_before(ctx, ctx.sent), classes=SUBJECT_CLASSES)
    if last is None:
        return None
    if noun in UNIT_NOUNS:
        return ctx.resolver.provider(last)
    if noun in PRONOUNS:
        return _last_actor(ctx)
    # 'the service' for the one the article is about; 'the company' for the organisation it is about
    return _topic(ctx, organisations=noun in ("company", "firm", "group"))


def _reference(tokens: list[Token]) -> str:
    """The head word of a pronoun or descriptor subject ('it', 'the company', "the service's"), else ''."""
    heads = [t for t in tokens if t.lower_ in REFERENCES and t.pos_ in ("NOUN", "PRON")]
    return heads[0].lower_ if heads and len(tokens) <= 4 else ""


def _subject(ctx: Context, noun: Token) -> Entity | None:
    """Whose metric: the possessor, the subject of the verb that has it, or what the subject refers to."""
    possessors = [c for c in noun.children if c.dep_ == "poss"]
    for possessor in possessors:
        if (entity := _entity_in(ctx, list(possessor.subtree))) is not None:
            return entity
        if word := _reference(list(possessor.subtree)):
            return _antecedent(ctx, word)
    reference = ""
    for token in [noun, *noun.ancestors]:
        if token.i != noun.i and (mention := ctx.mention_of(token)) is not None:
            if mention.entity.cls in SUBJECT_CLASSES:
                return mention.entity
        for child in token.children:
            if child.dep_ not in ("nsubj", "nsubjpass") or child.i == noun.i:
                continue
            subtree = list(child.subtree)
            if (entity := _entity_in(ctx, subtree)) is not None:
                return entity
            reference = reference or _reference(subtree)
    if reference:
        return _antecedent(ctx, reference)
    bare = noun.dep_ in ("nsubj", "ROOT") and not any(c.dep_ in ("det", "poss") for c in noun.children)
    return _topic(ctx) if bare else None


def _topic(ctx: Context, *, organisations: bool = False) -> Entity | None:
    """'Monthly active users reached 265 million': the organisation or product the article names most."""
    classes = SUBJECT_CLASSES - {"Product"} if organisations else SUBJECT_CLASSES
    named = [e for e in named_before(ctx, ctx.sent) if e.cls in classes]
    counts = Counter(e.id for e in named)
    # an acronym cvkg does not know is more often a term than a company ('ARR', 'NYSE', 'GAAP' tagged as ORG)
    known = [e for e in named if e.id in ctx.resolver.gazetteer or not (e.label.isupper() and len(e.label) <= 5)]
    return max(reversed(known), key=lambda e: (counts[e.id], e.id in ctx.resolver.gazetteer), default=None)


def metric_name(mods: str, noun: str) -> str:
    """The canonical metric: 'monthly players' and 'monthly users' are monthly active users."""
    noun = SYNONYMS.get(noun, noun)
    words = mods.split()
    if noun in ("users", "players") and words and words[0] in ("daily", "weekly", "monthly"):
        return f"{words[0]} active users"
    return f"{mods} {noun}".strip()


def _user_subject(ctx: Context, use: Token) -> Entity | None:
    """What 'N people use X every day' counts users of: the object of 'use', or the noun it describes."""
    for child in use.children:
        if child.dep_ == "dobj":
            if (entity := _entity_in(ctx, [child])) is not None:
                return entity
            if word := _reference([child]):
                return _in_sentence(ctx, child) or _antecedent(ctx, word)
    if use.dep_ == "relcl":
        if (entity := _entity_in(ctx, [use.head])) is not None:
            return entity
        if word := _reference([use.head]):
            return _antecedent(ctx, word)
    return None


def _in_sentence(ctx: Context, pronoun: Token) -> Entity | None:
    """'Slack said … people used it': the subject named earlier in the same sentence."""
    if pronoun.lower_ not in PRONOUNS:
        return None
    before = [m.entity for m in ctx.mentions if m.end <= pronoun.i and m.entity.cls in SUBJECT_CLASSES]
    return before[0] if before else None


def _usage(ctx: Context) -> list[Event]:
    events = []
    for match in _PEOPLE_USE.finditer(span_text(ctx.sent)):
        quantity = _quantity(match)
        use = next(
            (t for t in span_tokens(ctx.sent) if t.idx >= ctx.sent.start_char + match.start() and t.lemma_ == "use"),
            None,
        )
        if quantity is None or use is None or assertion(ctx, use) != "":
            continue
        subject = _user_subject(ctx, use)
        if subject is None:
            continue
        metric = f"{_FREQUENCY[match.group('unit').lower()]} active users"
        events.append(_metric_event(ctx, subject, metric, quantity))
    return events


USE_NOUNS = NOUNS | word_class("institution_user_nouns")
_USED_BY = re.compile(
    rf"(?<![$€£¥\w.,])\b{_NUM}\s+(?:[a-z]+\s+){{0,2}}?(?P<noun>{'|'.join(USE_NOUNS)})\b", re.IGNORECASE
)
_OBJECT_END = word_class("user_object_end")


def _use_after(ctx: Context, noun: Token) -> Token | None:
    """'200 million workers (from 10,000 firms) use X': the 'use' the counted noun is the user in, if any."""
    for token in ctx.sent.doc[noun.i + 1 : min(noun.i + 8, ctx.sent.end)]:
        if token.lemma_.lower() == "use" and token.pos_ == "VERB":
            return token
        if token.pos_ in ("VERB", "AUX") or token.is_punct or token.tag_ in ("WDT", "WP"):
            return None  # "1,700 customers, 350 of which used X": the use is another count's
    return None


def _used(ctx: Context, use: Token, earlier: list[Entity]) -> Entity | None:
    """What is used: the last name of the object phrase ('… use Acme-backed chat app Talko'), or the app named."""
    phrase = []
    for token in ctx.sent.doc[use.i + 1 : ctx.sent.end]:
        if token.lower_ in _OBJECT_END or token.is_punct and token.text != "-":
            break
        phrase.append(token)
    if not phrase:
        return None
    head = phrase[-1]  # the phrase's last word names what is used; a name before it only modifies it
    mention = ctx.mention_of(head)
    if mention is not None:
        return mention.entity if mention.entity.cls in SUBJECT_CLASSES else None
    if head.lower_ in REFERENCES and head.pos_ in ("NOUN", "PRON"):
        named = ctx.mention_of(phrase[-2]) if len(phrase) > 1 else None
        if named is not None and named.entity.cls in SUBJECT_CLASSES:
            return named.entity  # "use the Talko app"
        # "… use Talko, and 5 million students use the app": what the sentence said was used before
        return earlier[-1] if earlier else None
    return None


def _users_of(ctx: Context) -> tuple[list[Event], set[int]]:
    """'N workers use the Talko app': the count of a product's users of that kind, and the nouns read so."""
    events, nouns = [], set()
    found: list[Entity] = []
    for match in _USED_BY.finditer(span_text(ctx.sent)):
        noun = _token_at(ctx, match.start("noun"))
        use = _use_after(ctx, noun)
        if use is None:
            continue
        nouns.add(noun.i)
        quantity = _quantity(match)
        subject = _used(ctx, use, found)
        if subject is not None:
            found.append(subject)
        if quantity is None or subject is None or assertion(ctx, use) != "":
            continue
        events.append(_metric_event(ctx, subject, match.group("noun").lower(), quantity))
    return events, nouns


def _full_name(ctx: Context, entity: Entity) -> Entity:
    """'Microsoft said its Teams app…': an unknown product name completed by its maker's ('Microsoft Teams')."""
    if entity.id in ctx.resolver.gazetteer:
        return entity
    for mention in ctx.mentions:
        wanted = f"{mention.entity.label} {entity.label}".lower()
        for entry in ctx.resolver.gazetteer.values():
            if entry.label.lower() == wanted:
                return to_entity(entry)
    return entity


def extract(ctx: Context) -> list[Event]:
    """User, customer and staff counts stated in the sentence."""
    text = span_text(ctx.sent)
    if any(t.lemma_.lower() in RETRACTIONS and t.pos_ == "VERB" for t in span_tokens(ctx.sent)):
        return []  # "X, which had claimed 300 million daily users, corrected the figure": no standing count
    events, used = _users_of(ctx)
    for pattern in (_NUMBER_FIRST, _METRIC_FIRST, _TOTAL_OF, _BASE):
        for match in pattern.finditer(text):
            extra = (match.groupdict().get("extra") or "").lower()
            if extra in CHANGES or extra in MODIFIERS or extra.isdigit():
                continue
            quantity = _quantity(match)
            noun = _token_at(ctx, match.start("noun"))
            if pattern is _BASE and noun.i + 1 < ctx.sent.end:
                noun = noun.nbor()  # "its consumer base": the base is what is possessed
            if noun.i in used:
                continue  # "N workers use X": read by _users_of
            if quantity is None or any(a.lemma_.lower() in CHANGE_VERBS for a in list(noun.ancestors)[:3]):
                continue
            if assertion(ctx, noun) != "":
                continue
            subject = _subject(ctx, noun)
            if subject is None:
                continue
            subject = _full_name(ctx, subject)
            word = match.group("noun").lower()
            if pattern is _BASE:
                word = f"{word}s"
            mods = " ".join(m for m in re.split(r"[\s-]+", (match.group("mods") or "").lower()) if m)
            metric = metric_name(mods, word)
            roles = {"subject": (subject,), "metric": (metric,), "quantity": (quantity,)}
            events.append(
                make_event(
                    ctx, "UserMetric", roles, explicit_trigger=bool(mods), roles_wanted=3, status_from_outlet=False
                )
            )
    return events + _usage(ctx)


def _metric_event(ctx: Context, subject: Entity, metric: str, quantity: Decimal) -> Event:
    """A UserMetric with its three roles filled from the sentence."""
    roles = {"subject": (_full_name(ctx, subject),), "metric": (metric,), "quantity": (quantity,)}
    return make_event(ctx, "UserMetric", roles, explicit_trigger=False, roles_wanted=3, status_from_outlet=False)


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("UserMetric", extract, 110),)
