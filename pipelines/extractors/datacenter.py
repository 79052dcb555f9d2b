"""DataCenter and MarketEntry: 'X opened a data centre in Y', 'X runs two regions in Z', 'X entered the Y market'."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graph.records import Entity, Event
from ontology import GazetteerEntry
from pipelines.extractors.common import Context, doc_ents, doc_sents, span_tokens
from pipelines.extractors.events import make_event
from pipelines.extractors.partnership import antecedent, orgs_in, stated
from pipelines.lexicon import word_class
from pipelines.normalize import NUMBER_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Token

FACILITY_VERBS = word_class("facility_verbs")  # fmt: skip
CLOSING_VERBS = word_class("closing_verbs")
# prepositions through which a verb governs a facility: 'operates from its data centres', 'invest in infrastructure'
VIA_PREP = {
    "from": {"operate", "run", "serve"},
    "on": {"switch", "spend", "invest"},
    "in": {"invest"},
    "including": {"invest", "spend"},
}
REGION_WORDS = word_class("region_words")
GENERIC_FACILITIES = word_class("generic_facilities")
PLAN_NOUNS = word_class("plan_nouns")
LOC_PREPS = word_class("loc_preps")
ANAPHORIC_PLACES = word_class("anaphoric_places")
ENTER_VERBS = {"enter"}
INTO_VERBS = word_class("into_verbs")
LAUNCH_VERBS = {"launch", "arrive"}
SERVICE_NOUNS = word_class("service_nouns")
# entry nouns and the prepositions that name the market entered ('expansion in Asia' is growth, not entry)
ENTRY_NOUNS = {
    "entry": {"into", "in"},
    "foray": {"into", "in"},
    "expansion": {"into"},
    "arrival": {"in"},
    "push": {"into"},
}
MARKET_NOUNS = word_class("market_nouns")
MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october "
                                     "november december".split(), start=1)}  # fmt: skip
IRREGULAR_DEMONYMS = {
    "american": "united states", "british": "united kingdom", "french": "france", "dutch": "netherlands",
    "swiss": "switzerland", "spanish": "spain", "emirati": "united arab emirates", "filipino": "philippines",
    "greek": "greece", "korean": "south korea",
}  # fmt: skip
_DEMONYM_RULES = (("ese", ("", "a")), ("ian", ("", "a", "ia", "y")), ("an", ("a", "o", "e")), ("n", ("",)),
                  ("ish", ("ey", "and", "en")), ("i", ("",)), ("", ("land", "y")))  # fmt: skip
_PLACE_NAMES: dict[int, dict[str, GazetteerEntry]] = {}  # gazetteer id -> lowercased Place names
_YEAR = re.compile(r"^(19[5-9]\d|20[0-4]\d)$")


def _place(ctx: Context, token: Token) -> Entity | None:
    mention = ctx.mention_of(token)
    if mention is not None and mention.entity.cls == "Place":
        return mention.entity
    if token.pos_ in ("ADJ", "PROPN") and token.text[:1].isupper():
        return _demonym(ctx, token.lower_)
    return None


def _demonym(ctx: Context, word: str) -> Entity | None:
    """'Indonesian' -> Indonesia, 'Chinese' -> China: a Place of the gazetteer named by an adjective."""
    labels = _PLACE_NAMES.get(id(ctx.resolver.gazetteer))
    if labels is None:
        labels = {}
        for entry in ctx.resolver.gazetteer.values():
            if entry.cls == "Place":
                labels.update({name.lower(): entry for name in (entry.label, *entry.alt_labels)})
        _PLACE_NAMES[id(ctx.resolver.gazetteer)] = labels
    wanted = [IRREGULAR_DEMONYMS.get(word, "")]
    for suffix, endings in _DEMONYM_RULES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: len(word) - len(suffix)]
            wanted.extend(stem + ending for ending in endings)
    for name in wanted:
        if name and name != word and name in labels:
            entry = labels[name]
            return Entity(id=entry.id, label=entry.label, cls="Place", alt_labels=entry.alt_labels,
                          wikidata=entry.wikidata)  # fmt: skip
    return None


def _previous_place(ctx: Context) -> Entity | None:
    """The last Place named in the two sentences before this one ('... in the country')."""
    doc, start = ctx.sent.doc, ctx.sent.start
    earlier = [s for s in doc_sents(doc) if s.end <= start][-2:]
    if not earlier:
        return None
    for span in reversed([e for e in doc_ents(doc) if earlier[0].start <= e.start and e.end <= start]):
        entity = _demonym(ctx, span.text.lower()) if span.label_ == "NORP" else ctx.resolver.resolve(span)
        if entity is not None and entity.cls == "Place":
            return entity
    return None


def places_under(ctx: Context, token: Token, *, top: bool = True) -> list[Entity]:
    """Places a noun is located by: 'Dubai data centre', 'regions in Chile and Mexico', 'in the country'."""
    found: list[Entity] = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in LOC_PREPS:
            for obj in (c for c in child.children if c.dep_ == "pobj"):
                found.extend(_place_chain(ctx, obj))
        elif child.dep_ in ("compound", "amod", "nmod") and (place := _place(ctx, child)) is not None:
            found.append(place)
        elif child.dep_ in ("conj", "appos") and not top:
            found.extend(_place_chain(ctx, child))
        elif child.dep_ == "conj" and _place(ctx, child) is not None:
            found.extend(_place_chain(ctx, child))
        elif child.dep_ == "acl" and top:  # "a data centre carved into rock beneath Jerusalem"
            for prep in (c for c in child.children if c.dep_ == "prep" and c.lower_ in LOC_PREPS):
                found.extend(p for o in prep.children if o.dep_ == "pobj" for p in _place_chain(ctx, o))
    return list(dict.fromkeys(found))


def _place_chain(ctx: Context, token: Token) -> list[Entity]:
    place = _place(ctx, token)
    if place is None:
        inner = places_under(ctx, token, top=False)
        if inner or token.lemma_.lower() not in ANAPHORIC_PLACES:
            return inner
        is_definite = any(c.lower_ in ("the", "this") for c in token.children)
        previous = _previous_place(ctx) if is_definite else None
        return [previous] if previous else []
    # 'Asia Pacific (Mumbai)': the parenthesised city is the place meant
    inner = [p for c in token.children if c.dep_ == "appos" and (p := _place(ctx, c)) is not None]
    rest = [p for c in token.children if c.dep_ == "conj" for p in _place_chain(ctx, c)]
    return (inner or [place]) + rest


def _is_facility(ctx: Context, token: Token) -> bool:
    lemma, lower = token.lemma_.lower(), token.lower_
    if token.dep_ in ("poss", "compound") or token.pos_ not in ("NOUN", "PROPN", "NUM"):
        return False
    modifiers = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod", "nmod")}
    if lower.startswith(("datacent", "data-cent")) or (lemma in ("center", "centre") and "data" in modifiers):
        return True
    if lemma == "region":
        return bool(modifiers & REGION_WORDS) or not any(c.lower_ in ("the", "this", "that") for c in token.children)
    if lemma in GENERIC_FACILITIES:
        # 'the Dubai facility' in a story about data centres, but not 'a research facility'
        other = [c for c in token.children if c.dep_ == "compound" and c.lower_ not in REGION_WORDS | {"server"}]
        if any(ctx.mention_of(c) is None for c in other):
            return False
        text = ctx.text_so_far.lower()
        return "data cent" in text or "data-cent" in text or "cloud region" in text
    if lower == "one":
        return any(_is_facility(ctx, t) for t in span_tokens(ctx.sent) if t.i < token.i and t.lower_ != "one")
    return lemma == "infrastructure" and bool(modifiers & {"cloud", "data", "digital", "ai"})


def _verb_above(prep: Token) -> Token | None:
    """The verb a preposition hangs from, over a noun in between ('invest $1bn over four years in cloud')."""
    token = prep.head
    for _ in range(3):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.dep_ not in ("pobj", "prep", "dobj"):
            return None
        token = token.head
    return None


def _governing_verb(token: Token) -> tuple[Token | None, bool]:
    """The verb that governs a facility noun, and whether a plan stands between ('plans for regions in X')."""
    planned, facility = False, token
    for child in token.children:
        # 'the data centre in Ohio that Meta opened'
        subjects = [c for c in child.children if c.dep_ == "nsubj" and c.lower_ not in ("that", "which")]
        if child.dep_ == "relcl" and child.lemma_.lower() in FACILITY_VERBS and subjects:
            return child, planned
    for _ in range(6):
        head, dep = token.head, token.dep_
        if head.i == token.i:
            return None, planned
        if dep in ("conj", "appos") and head.pos_ in ("NOUN", "PROPN", "NUM"):
            token = head
        elif dep in ("dobj", "nsubj", "nsubjpass", "conj") and head.pos_ in ("VERB", "AUX"):
            return head, planned
        elif dep == "pobj" and head.lower_ in ("for", "of") and head.head.lemma_.lower() in PLAN_NOUNS:
            planned = planned or head.head.lemma_.lower() == "plan"
            token = head.head
        elif dep == "pobj" and (verb := _verb_above(head)) is not None:
            # any verb will do for 'relies on Google Cloud's data centres': the possessor is the owner
            named = any(c.dep_ == "poss" and c.lower_ not in ("its", "their") for c in facility.children)
            return (verb, planned) if named or verb.lemma_.lower() in VIA_PREP.get(head.lower_, ()) else (None, planned)
        else:
            return None, planned
    return None, planned


def _owner(ctx: Context, facility: Token, verb: Token) -> Entity | None:
    """Who has the facility: its possessor, the passive agent, or the subject of the clauses above."""
    for child in facility.children:
        if child.dep_ != "poss":
            continue
        orgs = orgs_in(ctx, list(child.subtree))
        if orgs:
            return orgs[0]
        if child.lower_ not in ("its", "their"):
            # 'the telecoms operator's data centre': the nearest organisation named before it
            subject = antecedent(ctx, verb, skip=facility)
            earlier = [e for e in orgs_in(ctx, [t for t in span_tokens(ctx.sent) if t.i < child.i]) if e != subject]
            return earlier[-1] if earlier else None
    for agent in (c for c in verb.children if c.dep_ == "agent"):
        orgs = orgs_in(ctx, list(agent.subtree))
        if orgs:
            return orgs[0]
    return antecedent(ctx, verb, skip=facility, prefer_provider=True, through=lambda t: _is_facility(ctx, t))


def _count(facility: Token) -> int | None:
    for child in facility.children:
        if child.dep_ == "nummod" and child.like_num:
            word = child.lower_.replace(",", "")
            value = NUMBER_WORDS.get(word) if word in NUMBER_WORDS else int(word) if word.isdigit() else None
            if value and child.lower_ not in ("a", "an"):
                return value
    return None


def _verb_places(ctx: Context, verb: Token) -> list[Entity]:
    """Places of the verb's 'in'/'at' phrases, also of a sum it spends ('invest $5bn in X to build data centres')."""
    heads = [verb, *(c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NUM")]
    places = [
        p
        for head in heads
        for c in head.children
        if c.dep_ == "prep" and c.lower_ in ("in", "at")
        for o in c.children
        if o.dep_ == "pobj"
        for p in _place_chain(ctx, o)
    ]
    if not places and verb.dep_ in ("advcl", "xcomp") and verb.head.lemma_.lower() in ("invest", "spend"):
        return _verb_places(ctx, verb.head)
    return places


def _facility_event(ctx: Context, facility: Token) -> list[Event]:
    verb, planned = _governing_verb(facility)
    if verb is None or verb.lemma_.lower() in CLOSING_VERBS and verb.lemma_.lower() != "switch":
        return []
    named_owner = any(c.dep_ == "poss" and c.lower_ not in ("its", "their") for c in facility.children)
    if verb.lemma_.lower() not in FACILITY_VERBS and not named_owner:
        return []
    lemma = verb.lemma_.lower()
    children = {c.lower_ for c in verb.children}
    if lemma == "switch" and "on" not in children or lemma in ("come", "go") and not children & {"online", "live"}:
        return []
    if facility.lemma_.lower() == "infrastructure" and lemma not in ("invest", "spend"):
        return []
    places = places_under(ctx, facility)
    if not places:
        places = _verb_places(ctx, verb)
    status = stated(ctx, verb)
    if not places or status is None:
        return []
    owner = _owner(ctx, facility, verb)
    if owner is None:
        return []
    owner = ctx.resolver.provider(owner)
    count = _count(facility) if len(places) == 1 else None
    return [
        make_event(
            ctx,
            "DataCenter",
            {"organization": (owner,), "location": (place,), **({"count": (count,)} if count else {})},
            explicit_trigger=facility.lemma_ != "one",
            status="Planned" if planned else status,
            roles_found=2,
            roles_wanted=2,
        )
        for place in places
    ]


def extract(ctx: Context) -> list[Event]:
    """Data centres and cloud regions an organisation opens, runs or plans, one event per location."""
    events: list[Event] = []
    for token in span_tokens(ctx.sent):
        if _is_facility(ctx, token):
            events.extend(e for e in _facility_event(ctx, token) if e not in events)
    return events


def _relative_date(ctx: Context, token: Token) -> str:
    """'last month' / 'this year' / 'last year' resolved against the article date."""
    date = ctx.article.date
    if len(date) < 7 or token.lemma_.lower() not in ("month", "year"):
        return ""
    which = {c.lower_ for c in token.children}
    year, month = int(date[:4]), int(date[5:7])
    shift = -1 if "last" in which else 1 if "next" in which else 0 if "this" in which else None
    if shift is None:
        return ""
    if token.lemma_.lower() == "year":
        return str(year + shift)
    month += shift
    year, month = (year - 1, 12) if month == 0 else (year + 1, 1) if month == 13 else (year, month)
    return f"{year}-{month:02d}"


_DATE_BLOCKERS = ("nsubj", "nsubjpass", "relcl", "acl", "appos", "advcl", "ccomp")


def _date(ctx: Context, verb: Token) -> str:
    """When the entry happened: a year or month stated around the verb, else the article's year."""
    for token in verb.subtree:
        path = [token, *(a for a in token.ancestors if a.i != verb.i and verb in a.ancestors)]
        # "entered Israel when it opened a data centre … in 2021": a 'when' clause dates the entry
        when = any(t.dep_ == "advcl" and any(c.lower_ == "when" for c in t.children) for t in path)
        blocking = ("nsubj", "nsubjpass", "relcl", "appos", "ccomp") if when else _DATE_BLOCKERS
        if any(t.dep_ in blocking for t in path):
            continue
        if _YEAR.match(token.text) and token.dep_ in ("pobj", "npadvmod", "nummod", "compound", "appos"):
            month = next((MONTHS[t.lower_] for t in (token.head, *token.head.children) if t.lower_ in MONTHS), 0)
            return f"{token.text}-{month:02d}" if month else token.text
        if token.head == verb and (relative := _relative_date(ctx, token)):
            return relative
    return ctx.article.date[:4]


def _market_places(ctx: Context, token: Token) -> list[Entity]:
    """The places of 'India', 'the US market', 'the Indonesian market', '130 countries — India among them'."""
    place = _place(ctx, token)
    if place is not None:
        return _place_chain(ctx, token)
    if token.lemma_.lower() not in MARKET_NOUNS:
        return []
    return places_under(ctx, token) or _place_chain(ctx, token)


def _entry_target(ctx: Context, token: Token) -> tuple[Token, list[Entity]] | None:
    """For an entry word, the verb that states it and the places entered."""
    lemma = token.lemma_.lower()
    if token.pos_ == "NOUN" and lemma in ENTRY_NOUNS:
        heads = [token, token.head] if token.dep_ == "dobj" else [token]
        objs = [o for h in heads for p in h.children if p.dep_ == "prep" and p.lower_ in ENTRY_NOUNS[lemma]
                for o in p.children if o.dep_ == "pobj"]  # fmt: skip
        verb = token.head if token.dep_ == "dobj" else token
        return (verb, [p for o in objs for p in _market_places(ctx, o)]) if objs else None
    if token.pos_ != "VERB":
        return None
    objects = [c for c in token.children if c.dep_ == "dobj"]
    if lemma in ENTER_VERBS:
        return token, [p for o in objects for p in _market_places(ctx, o)]
    preps = {"into"} if lemma in INTO_VERBS else {"in"} if lemma in LAUNCH_VERBS else set()
    if lemma in LAUNCH_VERBS and any(o.lower_ not in SERVICE_NOUNS for o in objects):
        return None
    heads = [token, *objects] if lemma in LAUNCH_VERBS else [token]
    objs = [
        o
        for h in heads
        for p in h.children
        if p.dep_ == "prep" and p.lower_ in preps
        for o in p.children
        if o.dep_ == "pobj"
    ]
    places = [p for o in objs for p in _market_places(ctx, o)]
    if lemma in LAUNCH_VERBS and objs and not places and objs[0].lemma_.lower() in MARKET_NOUNS:
        # 'launched in 130 countries, India among them'
        places = [p for t in token.subtree if t.dep_ == "appos" and (p := _place(ctx, t)) is not None]
    return token, places


def extract_market_entries(ctx: Context) -> list[Event]:
    """Entries into a geographic market: 'made its foray into the US market in 2014', 'entered India'."""
    for token in span_tokens(ctx.sent):
        found = _entry_target(ctx, token)
        if found is None or not found[1]:
            continue
        verb, places = found
        status = stated(ctx, verb)
        possessor = [c for c in token.children if c.dep_ == "poss"] if token is not verb else []
        owner = orgs_in(ctx, list(possessor[0].subtree)) if possessor else []
        entrant = owner[0] if owner else antecedent(ctx, verb, prefer_provider=True)
        if status is None or entrant is None:
            continue
        entrant = ctx.resolver.provider(entrant)
        return [
            make_event(
                ctx,
                "MarketEntry",
                {"organization": (entrant,), "location": (place,)},
                explicit_trigger=True,
                status=status,
                roles_wanted=2,
                date=_date(ctx, verb),
            )
            for place in places
        ]
    return []


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("DataCenter", extract, 80), ("MarketEntry", extract_market_entries, 90))
