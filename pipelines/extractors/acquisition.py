"""Acquisition and Investment.

'X agreed to acquire Y for $61bn', "X's purchase of Y", 'X bought A for $1bn and B for $2bn';
'X invested $1.5bn in Y', 'Y is backed by X', 'X took a stake in Y', 'Y's investors include A and B'.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from graph.records import Amount, Entity, Event
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import (
    Context,
    core_subtree,
    is_org,
    particles,
    sentences_before,
    span_ents,
    span_lemmas,
    span_tokens,
    subject_entity,
    subject_of,
)
from pipelines.extractors.events import make_event
from pipelines.extractors.reference import latest, named_beside
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

ACQUIRE_VERBS = word_class("buy_verbs")
ACQUIRE_NOUNS = word_class("acquire_nouns")
INVEST_VERBS = word_class("invest_verbs")
INVEST_NOUNS = {"investment"}
STAKE_NOUNS = word_class("stake_nouns")
INVESTOR_NOUNS = word_class("investor_nouns")
TARGET_CLASSES = {"Company", "CloudProvider", "Product", "MediaOutlet", "ResearchFirm"}


def _party(entity: Entity | None) -> bool:
    """Acquirers and investors are organisations or people."""
    return entity is not None and (is_org(entity) or entity.cls == "Person")


def _entities(ctx: Context, tokens: list[Token], classes: set[str]) -> list[tuple[int, Entity]]:
    found: dict[Entity, int] = {}
    for token in tokens:
        mention = ctx.mention_of(token)
        if mention is not None and mention.entity.cls in classes:
            found.setdefault(mention.entity, mention.start)
    return sorted(((i, e) for e, i in found.items()), key=lambda pair: pair[0])


def _object_phrases(head: Token, preps: set[str]) -> list[Token]:
    """Heads of the direct objects (or of the given prepositions' objects), with their conjuncts."""
    heads = []
    for child in head.children:
        if not preps and child.dep_ == "dobj":
            heads.append(child)
        elif child.dep_ in ("prep", "dative") and child.lower_ in preps:  # "paid $900m for X" parses 'for' either way
            heads.extend(obj for obj in child.children if obj.dep_ == "pobj")
    for phrase in list(heads):
        heads.extend(t for t in phrase.subtree if t.dep_ == "conj" and t.head.i in {h.i for h in heads})
    return heads


def _pair_values(
    ctx: Context, targets: list[tuple[int, Entity]], trigger: Token, *, own_only: bool = False
) -> dict[Entity, Amount]:
    amounts = ctx.deal_amounts()
    if not amounts:
        return {}
    if len(targets) == 1 and len(amounts) > 1 and (totals := _totals(ctx, amounts)):
        return {targets[0][1]: totals[0][1]}  # "$1.25bn, the first tranche of up to $4bn": the total
    if len(targets) == 1:
        # an amount in the trigger's own phrase first ('take over Y … valuing Y at $2.7bn'), else the nearest
        own = {t.i for t in trigger.subtree if not (t.dep_ == "conj" and t.head.i == trigger.i)}
        if trigger.dep_ == "relcl":  # "the $5.4bn it spent on Mandiant": the amount the clause describes
            own |= {t.i for t in trigger.head.subtree if t.i < trigger.i}
        inside = [pair for pair in amounts if pair[0] in own or pair[0] + 1 in own]
        if not inside and own_only:
            return {}  # another deal of the sentence owns the amounts
        return {targets[0][1]: min(inside or amounts, key=lambda pair: abs(pair[0] - trigger.i))[1]}
    if len(amounts) == len(targets):
        return {t: a for (_, t), (_, a) in zip(targets, amounts, strict=True)}
    return {}


TOTAL_WORDS = word_class("total_words")
PART_WORDS = word_class("part_words")


def _totals(ctx: Context, amounts: list[tuple[int, Amount]]) -> list[tuple[int, Amount]]:
    """Amounts stated as a total ('a total of', 'the full $4bn', 'up to $4bn') when others are stated as parts
    (a first tranche, an initial or upfront sum): the total is recorded, not its instalments."""
    doc = ctx.sent.doc

    def near(index: int, words: set[str], after: int) -> bool:
        window = doc[max(ctx.sent.start, index - 5) : min(ctx.sent.end, index + after)]
        return any(t.lower_ in words for t in window)

    # "$1.25bn, the first tranche of …": the description may follow the amount by a few words
    parts = [pair for pair in amounts if near(pair[0], PART_WORDS, 10)]
    totals = [
        pair
        for pair in amounts
        if pair not in parts and (pair[1].qualifier == "up to" or near(pair[0], TOTAL_WORDS, 4))
    ]
    return totals if parts and len(totals) == 1 else []


def _events(
    ctx: Context,
    trigger: Token,
    kind: str,
    first: Entity,
    targets: list[tuple[int, Entity]],
    *,
    own_values: bool = False,
) -> list[Event]:
    status = assertion(ctx, trigger)
    targets = [(i, t) for i, t in targets if t != first]
    if status is None or not targets:
        return []
    names = ("acquirer", "target") if kind == "Acquisition" else ("investor", "investee")
    values = _pair_values(ctx, targets, trigger, own_only=own_values)
    events = []
    for _, target in targets:
        roles: dict[str, tuple[object, ...]] = {names[0]: (first,), names[1]: (target,)}
        if target in values:
            roles["value"] = (values[target],)
        events.append(make_event(ctx, kind, roles, trigger=trigger, status=status, roles_wanted=3))
    return events


def _possessor(ctx: Context, noun: Token) -> Entity | None:
    """The owner named by a possessive: "Y's", "its" (the salient organisation), "whose" (the antecedent)."""
    for child in noun.children:
        if child.dep_ == "poss" and child.lower_ == "whose":
            clause = child.head
            while clause.dep_ != "relcl" and clause.head.i != clause.i:
                clause = clause.head
            if clause.dep_ == "relcl" and (mention := ctx.mention_of(clause.head)) is not None:
                return mention.entity
        if child.dep_ == "poss" and child.lower_ in ("its", "their"):
            # an organisation named earlier in the sentence first ("every Acme deal but its 2012 purchase of Y"),
            # then the one the text is about; news outlets and analysts are sources, not actors
            verb = noun
            while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                verb = verb.head
            subject = [m.entity for m in _subject_mentions(ctx, verb)]
            before = [m.entity for m in ctx.mentions if m.end <= child.i]
            return next((e for e in [*subject, *reversed(before), *reversed(ctx.salient)] if _actor(e)), None)
        if child.dep_ == "poss":
            found = _entities(ctx, list(child.subtree), TARGET_CLASSES | {"GovernmentBody", "Person"})
            if found and _party(found[0][1]):
                return found[0][1]
    return None


def _holders_subject(verb: Token) -> bool:
    """Whether the verb's subject is a company's holders ('Acme shareholders', 'its stockholders')."""
    return any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in INVESTOR_NOUNS | {"holder", "stockholder"}
        for c in verb.children
    )


def _subject_mentions(ctx: Context, verb: Token) -> list:
    """The names in the verb's subject, without its relative clauses and appositions."""
    heads = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return [m for h in heads for t in core_subtree(h) if (m := ctx.mention_of(t)) is not None]


def _actor(entity: Entity) -> bool:
    return is_org(entity) and entity.cls not in ("MediaOutlet", "ResearchFirm")


def _is_stake(token: Token) -> bool:
    return token.lemma_.lower() in STAKE_NOUNS or token.lower_ in STAKE_NOUNS


PAY_VERBS = {"pay", "spend"}
MAKE_VERBS = word_class("make_verbs")
OUT_VERBS = word_class("out_verbs")  # "shell out $1bn for Y"
HOLD_VERBS = word_class("hold_verbs")
SELL_VERBS = {"sell", "divest"}


def _salient_org(ctx: Context, *, exclude: tuple[Entity | None, ...] = ()) -> Entity | None:
    """The organisation the text is about at this point ('it', an unowned 'the $5bn purchase of Y')."""
    skip = set(exclude) | ctx.sent.doc.user_data.get(BOUGHT, set())
    return latest(ctx, ctx.salient, classes=("Company", "CloudProvider"), exclude=skip)


def _focus_company(ctx: Context, *, exclude: Entity | None) -> Entity | None:
    """The company the article has named most so far (not a cloud provider)."""
    counts: dict[Entity, int] = {}
    for entity in ctx.salient:
        if entity.cls == "Company" and entity != exclude and not ctx.resolver.is_provider(entity):
            counts[entity] = counts.get(entity, 0) + 1
    return max(counts, key=lambda e: counts[e]) if counts else None


def _relative_head(ctx: Context, verb: Token) -> list[Token]:
    """The noun a relative clause describes: 'Smyte, a start-up Twitter bought' -> Smyte."""
    if verb.dep_ not in ("relcl", "acl"):
        return []
    head = verb.head
    if ctx.mention_of(head) is None and head.dep_ == "appos":
        head = head.head
    return [head]


def _acquisition_parts(ctx: Context, token: Token) -> tuple[Entity | None, list[Token]] | None:
    """(acquirer, object phrases) for one trigger token, or None when it is not a takeover trigger."""
    lemma = token.lemma_.lower()
    parties = TARGET_CLASSES | {"Person", "GovernmentBody"}
    if token.pos_ == "VERB" and (lemma in ACQUIRE_VERBS or lemma == "take" and "over" in particles(token)):
        objects = _object_phrases(token, set())
        if any(_is_stake(o) for o in objects):
            return None  # buying a stake is an investment
        first = subject_entity(ctx, token, exclude_providers=False) or _headline_subject(ctx, token)
        if first is None:
            first = next((e for _, e in _entities(ctx, _agents(token), parties)), None)
            objects = objects or [c for c in token.children if c.dep_ == "nsubjpass"]
        objects = objects or _relative_head(ctx, token)
        if objects and not _entities(ctx, [t for o in objects for t in core_subtree(o)], TARGET_CLASSES):
            objects += _loose_object(ctx, token)
        if any(o.lower_ == "it" for o in objects):  # "Musk bought it": the organisation in focus
            target = _salient_org(ctx, exclude=(first,))
            return first, [o for o in objects if o.lower_ != "it"] + ([] if target is None else [target])  # type: ignore[list-item]
        return first, objects
    if token.pos_ == "VERB" and lemma in HOLD_VERBS:  # "got hold of Y", "took control of Y", "gained control of Y"
        held = [o for o in token.children if o.dep_ == "dobj" and o.lemma_.lower() in ("hold", "control", "ownership")]
        objects = [p for o in held for p in _object_phrases(o, {"of"})] + _object_phrases(token, {"of"})
        if not held or not objects:
            return None
        return subject_entity(ctx, token, exclude_providers=False), objects
    if token.pos_ == "VERB" and (lemma in PAY_VERBS or lemma in OUT_VERBS and "out" in particles(token)):
        # "paid $26.2bn for LinkedIn", "shelled out $1bn for Y"
        if not ctx.deal_amounts():
            return None
        return subject_entity(ctx, token, exclude_providers=False), _object_phrases(token, {"for", "on"})
    if token.pos_ == "VERB" and lemma in SELL_VERBS:  # "sold its X business to Y for $1.2bn"
        buyers = _entities(ctx, [t for o in _object_phrases(token, {"to"}) for t in core_subtree(o)], parties)
        objects = _object_phrases(token, set())
        if not objects:  # "X, the rival, was sold to Y": the passive subject, or the name set beside it
            objects = [
                t
                for c in token.children
                if c.dep_ == "nsubjpass"
                for t in (c, *(a for a in c.children if a.dep_ == "appos"))
            ]
        return (buyers[0][1] if buyers else None), objects
    if token.pos_ == "NOUN" and lemma in ACQUIRE_NOUNS:
        objects = _object_phrases(token, {"of"})
        first = _possessor(ctx, token) or next((e for _, e in _entities(ctx, _by_phrase(token), parties)), None)
        return first or _salient_org(ctx), objects
    return None


def _headline_subject(ctx: Context, verb: Token) -> Entity | None:
    """'Acme to buy Widgetco in $2bn deal': a headline's infinitive hangs from the buyer's name itself."""
    if verb.dep_ not in ("xcomp", "relcl", "advcl", "acl") or verb.head.dep_ != "ROOT":
        return None  # the parser hangs the infinitive any of these ways from a sentence that is just a name
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    mention = ctx.mention_of(verb.head)
    return mention.entity if mention is not None and _party(mention.entity) else None


def _loose_object(ctx: Context, verb: Token) -> list[Token]:
    """The first company named after the verb inside its own clause, when the parser hung it off a wrong word
    ('buy messaging app Slack', with 'messaging' read as a verb): no preposition but 'of', no clause of its own."""
    for mention in ctx.mentions:
        if mention.start <= verb.i or mention.entity.cls not in TARGET_CLASSES:
            continue
        node = ctx.sent.doc[mention.end - 1]
        while node.i != verb.i and node.head.i != node.i:
            node = node.head
            if node.i == verb.i:
                break
            if node.pos_ == "ADP" and node.lower_ != "of" or any(c.dep_ == "nsubj" for c in node.children):
                break
        if node.i == verb.i:
            return [ctx.sent.doc[mention.end - 1]]
        return []
    return []


def _named_object(noun: Token) -> list[Token]:
    """'the endpoint-security company Carbon Black': the name in apposition to a generic object.

    Also "of Springfield, IL-based Acme", which the parser reads as the place with the company in apposition.
    """
    if noun.ent_type_ == "GPE" and any(t.lower_ == "based" for t in noun.subtree):
        return [t for c in noun.children if c.dep_ == "appos" for t in core_subtree(c)]
    if noun.lemma_.lower() not in ("company", "firm", "start-up", "startup", "business", "maker", "provider"):
        return []
    return [t for c in noun.children if c.dep_ == "appos" for t in core_subtree(c)]


def extract_acquisitions(ctx: Context) -> list[Event]:
    """Acquisitions stated in the sentence, one per target ('buy X for $2bn and take over Y').

    Found once per sentence: the contract rules ask first (a takeover is no contract), the run asks again.
    """
    done = ctx.sent.doc.user_data.setdefault("cvkg_acquisitions", {})
    if ctx.sent.start not in done:
        done[ctx.sent.start] = _acquisitions(ctx)
    return list(done[ctx.sent.start])


def _acquisitions(ctx: Context) -> list[Event]:
    found: list[Event] = []
    for token in span_tokens(ctx.sent):
        parts = _acquisition_parts(ctx, token)
        if parts is None:
            continue
        first, objects = parts
        subject = subject_of(token)
        if found and subject is not None and subject.lower_ in ("it", "they"):
            first = found[-1].roles["acquirer"][0]  # "it paid $12.5bn for A and $5.4bn it spent on B": one buyer
        tokens = [t for o in objects if not isinstance(o, Entity) for t in [*core_subtree(o), *_named_object(o)]]
        targets = _entities(ctx, tokens, TARGET_CLASSES)
        targets += [(token.i, o) for o in objects if isinstance(o, Entity)]
        targets = [
            (i, t) for i, t in targets if not (token.lemma_.lower() in PAY_VERBS and ctx.resolver.is_provider(t))
        ]
        if _party(first) and targets:
            known = {e.roles["target"] for e in found}
            targets = [(i, t) for i, t in targets if (t,) not in known]
            found += _events(ctx, token, "Acquisition", first, targets, own_values=bool(found))  # type: ignore[arg-type]
    bought = ctx.sent.doc.user_data.setdefault(BOUGHT, set())
    bought.update(e.roles["target"][0] for e in found)
    return found


BOUGHT = "cvkg_bought"  # the companies the article has told were bought: no buyers of the next unowned purchase


def _agents(verb: Token) -> list[Token]:
    """Tokens of the passive agent: 'was acquired by X'."""
    return [t for child in verb.children if child.dep_ == "agent" for t in child.subtree]


def _by_phrase(noun: Token) -> list[Token]:
    return [t for child in noun.children if child.dep_ == "prep" and child.lower_ == "by" for t in child.subtree]


def _among_investors(ctx: Context, noun: Token) -> list[Event]:
    """ "Y counts A and B among its investors": the subject is the investee, the objects the investors."""
    verb = noun.head.head
    if noun.head.lower_ != "among" or verb.pos_ != "VERB":
        return []
    investee = subject_entity(ctx, verb, exclude_providers=False)
    tokens = [t for c in verb.children if c.dep_ in ("dobj", "oprd") for t in c.subtree]
    investors = [(i, e) for i, e in _entities(ctx, tokens, TARGET_CLASSES | {"Person"}) if _party(e) and e != investee]
    if investee is None or not investors:
        return []
    return [ev for _, inv in investors for ev in _events(ctx, verb, "Investment", inv, [(0, investee)])]


def _investor_list(ctx: Context) -> list[Event]:
    """ "Y's investors include A, B and C" / 'backers such as A and B'."""
    for token in span_tokens(ctx.sent):
        if token.lemma_.lower() not in INVESTOR_NOUNS:
            continue
        if among := _among_investors(ctx, token):
            return among
        investee = _possessor(ctx, token)
        if investee is None and token.head.lemma_.lower() == "include" and token.dep_ == "nsubj":
            investee = ctx.sent.doc.user_data.get(LAST_INVESTEE)  # "Other investors include …": the one just told
        if investee is None:
            continue
        scope = list(token.head.subtree) if token.head.lemma_.lower() == "include" else list(token.subtree)
        investors = [
            (i, e)
            for i, e in _entities(ctx, scope, TARGET_CLASSES | {"Person"})
            if e != investee and _party(e) and not _modifies_person(ctx, i) and not _part_of_longer_name(ctx, i)
        ]
        if investors:
            trigger = token.head if token.head.pos_ == "VERB" else token
            return [
                ev for _, investor in investors for ev in _events(ctx, trigger, "Investment", investor, [(0, investee)])
            ]
    return []


def _modifies_person(ctx: Context, start: int) -> bool:
    """Whether the name starting at `start` only modifies a person ('FTX founder Sam Bankman-Fried')."""
    mention = ctx.mention_of(ctx.sent.doc[start])
    last = ctx.sent.doc[mention.end - 1] if mention is not None else ctx.sent.doc[start]
    if last.dep_ not in ("compound", "poss"):
        return False
    head = last.head
    person = ctx.mention_of(head)
    return person is not None and person.entity.cls == "Person" or head.lemma_.lower() in PERSON_HEADS


def _part_of_longer_name(ctx: Context, start: int) -> bool:
    """Whether the name starting at `start` is only the first part of a longer unknown name ('Acme Ventures',
    the venture arm, when only 'Acme' was recognised)."""
    mention = ctx.mention_of(ctx.sent.doc[start])
    last = ctx.sent.doc[mention.end - 1] if mention is not None else ctx.sent.doc[start]
    return last.dep_ == "compound" and last.head.pos_ == "PROPN" and ctx.mention_of(last.head) is None


PERSON_HEADS = word_class("person_heads")


def _investor_in(ctx: Context) -> list[Event]:
    """'X joined as an investor in Y' / 'X became the largest shareholder in Y'."""
    for token in span_tokens(ctx.sent):
        if token.lemma_.lower() not in INVESTOR_NOUNS or token.pos_ != "NOUN":
            continue
        investees = _entities(
            ctx, [t for o in _object_phrases(token, {"in", "of"}) for t in core_subtree(o)], TARGET_CLASSES
        )
        verb = token.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        investor = subject_entity(ctx, verb, exclude_providers=False)
        if _party(investor) and investees:
            return _events(ctx, verb, "Investment", investor, investees[:1])  # type: ignore[arg-type]
    return []


def _commitment(ctx: Context) -> list[Event]:
    """'X committed $1bn to Y' where Y is a company, not a cloud provider (that would be a contract)."""
    for token in span_tokens(ctx.sent):
        if token.pos_ != "VERB" or token.lemma_.lower() not in INJECT_VERBS:
            continue
        if not ctx.deal_amounts():
            continue
        investees = _entities(
            ctx, [t for o in _object_phrases(token, {"to", "into"}) for t in core_subtree(o)], {"Company", "Product"}
        )
        investees = [(i, e) for i, e in investees if not ctx.resolver.is_provider(e)]
        investor = subject_entity(ctx, token, exclude_providers=False)
        if _party(investor) and investees:
            return _events(ctx, token, "Investment", investor, investees[:1])  # type: ignore[arg-type]
    return []


# "committed/poured/pumped/put $1bn into Y" (Y a company; a provider would make it a contract)
INJECT_VERBS = word_class("inject_verbs")
ROUND_NOUNS = word_class("round_nouns")
JOIN_VERBS = word_class("join_verbs")


def _round_context(ctx: Context) -> bool:
    """Whether the sentence, or the one before, is about a funding round."""
    return any(span_lemmas(s) & ROUND_NOUNS for s in [ctx.sent, *sentences_before(ctx.sent, 1)])


def _raiser(ctx: Context) -> Entity | None:
    """The company raising the round: the subject of 'raise' in this or the three sentences before."""
    for sent in [ctx.sent, *sentences_before(ctx.sent, 3)]:
        for token in span_tokens(sent):
            if token.pos_ == "VERB" and token.lemma_.lower() == "raise":
                subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
                entity = ctx.resolver.resolve(ctx.sent.doc[subject.i : subject.i + 1]) if subject is not None else None
                for span in span_ents(sent) if subject is not None else ():
                    if span.start <= subject.i < span.end:
                        entity = ctx.resolver.resolve(span)
                if entity is not None and entity.cls == "Company":
                    return entity
    return _focus_company(ctx, exclude=None)


def _subject_orgs(ctx: Context, verb: Token) -> list[tuple[int, Entity]]:
    """Organisations (and people) in the subject of a verb, coordinated ones included."""
    tokens = [t for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree]
    return _entities(ctx, tokens, TARGET_CLASSES | {"Person"})


def _round_participants(ctx: Context) -> list[Event]:
    """'The round is led by X', 'A and B are co-leading', 'C also took part', 'D was the lead investor'."""
    if not _round_context(ctx):
        return []
    investors: list[tuple[int, Entity]] = []
    trigger = ctx.sent.root
    for token in span_tokens(ctx.sent):
        lemma = token.lemma_.lower()
        objects = [c for c in token.children if c.dep_ == "dobj"]
        doc = ctx.sent.doc
        if (
            lemma in ("lead", "leading")
            and token.i >= 2
            and doc[token.i - 1].text == "-"
            and doc[token.i - 2].lower_ == "co"
        ):
            # "A, B and C are co-leading": the parser splits the word; take the names before it
            found = _entities(ctx, list(doc[ctx.sent.start : token.i - 2]), TARGET_CLASSES | {"Person"})
        elif token.pos_ == "VERB" and lemma == "lead" and any(c.dep_ == "nsubjpass" for c in token.children):
            found = _entities(ctx, _agents(token), TARGET_CLASSES | {"Person"})  # "is being led by X"
        elif token.pos_ == "VERB" and lemma in JOIN_VERBS and all(o.lemma_.lower() in ROUND_NOUNS for o in objects):
            found = _subject_orgs(ctx, token)  # "A and B are co-leading", "C participated"
        elif token.pos_ == "VERB" and lemma == "take" and any(o.lower_ == "part" for o in objects):
            found = _subject_orgs(ctx, token)  # "C is also taking part"
        elif lemma == "investor" and token.dep_ == "attr":
            found = _subject_orgs(ctx, token.head)  # "D was the lead investor"
        else:
            continue
        investors += found
        trigger = token
    investee = _raiser(ctx) if investors else None
    if investee is None:
        return []
    unique = list(dict.fromkeys(e for _, e in investors if e != investee and _party(e)))
    events = [ev for investor in unique for ev in _events(ctx, trigger, "Investment", investor, [(0, investee)])]
    # a round's total or valuation is no one investor's stake
    return [replace(e, roles={k: v for k, v in e.roles.items() if k != "value"}) for e in events]


def extract_investments(ctx: Context) -> list[Event]:
    """Investments in a company (not in a country or in infrastructure), one per investor and investee."""
    specials = (_investor_list, _investor_in, _commitment, _round_participants, _backed_by, _raised_from)
    found: list[Event] = []
    for special in specials:
        pairs = {(e.roles["investor"], e.roles["investee"]) for e in found}
        found += [e for e in special(ctx) if (e.roles["investor"], e.roles["investee"]) not in pairs]
    pairs = {(e.roles["investor"], e.roles["investee"]) for e in found}
    found += [e for e in _stated_investments(ctx) if (e.roles["investor"], e.roles["investee"]) not in pairs]
    if found:  # "Other investors include …" in a later sentence means this investee
        ctx.sent.doc.user_data[LAST_INVESTEE] = found[-1].roles["investee"][0]
    return found


LAST_INVESTEE = "cvkg_last_investee"
RAISE_VERBS = word_class("raise_verbs")
FUNDING_NOUNS = word_class("funding_nouns")
LOAN_NOUNS = word_class("loan_nouns")


def _described(ctx: Context, noun: Token) -> Entity | None:
    """The organisation a noun phrase is or describes: 'Acme', or 'a Boston start-up' in apposition to Acme."""
    return named_beside(ctx, noun, classes=("Company", "CloudProvider", "Product"))


def _backed_by(ctx: Context) -> list[Event]:
    """'Acme, a start-up backed by investors like A and B': the participle describes the investee."""
    for token in span_tokens(ctx.sent):
        if token.pos_ != "VERB" or token.lemma_.lower() not in INVEST_VERBS or token.dep_ != "acl":
            continue
        investee = _described(ctx, token.head)
        investors = [(i, e) for i, e in _entities(ctx, _agents(token), TARGET_CLASSES | {"Person"}) if _party(e)]
        if investee is not None and investors:
            return [e for _, inv in investors for e in _events(ctx, token, "Investment", inv, [(0, investee)])]
    return []


def _raised_from(ctx: Context) -> list[Event]:
    """'Acme raised $4bn from B', 'a start-up that secured $4bn from B': B invested in Acme (not a loan or a sale)."""
    amounts = {i for i, _ in ctx.deal_amounts()}
    for token in span_tokens(ctx.sent):
        if token.pos_ != "VERB" or token.lemma_.lower() not in RAISE_VERBS:
            continue
        objects = [c for c in token.children if c.dep_ == "dobj"]
        money = [
            o
            for o in objects
            if o.lemma_.lower() not in LOAN_NOUNS
            and (o.lemma_.lower() in FUNDING_NOUNS or any(t.i in amounts for t in o.subtree))
            and not any(t.lemma_.lower() in LOAN_NOUNS for t in o.subtree)
        ]
        sources = _object_phrases(token, {"from"})
        investors = [
            (i, e)
            for i, e in _entities(ctx, [t for o in sources for t in core_subtree(o)], TARGET_CLASSES | {"Person"})
            if _party(e) and e.cls != "CloudProvider"
        ]
        if not money or not investors:
            continue
        subject = subject_of(token)
        investee = None
        if subject is not None and subject.lower_ in ("that", "which", "who") and token.dep_ in ("relcl", "acl"):
            investee = _described(ctx, token.head)
        elif subject is not None:
            investee = subject_entity(ctx, token, exclude_providers=False)
        if investee is not None and investee.cls != "GovernmentBody":
            return [e for _, inv in investors for e in _events(ctx, token, "Investment", inv, [(0, investee)])]
    return []


def _stated_investments(ctx: Context) -> list[Event]:
    """'X invested $1.5bn in Y', 'Y is backed by X', "X's investment in Y", 'X took a stake in Y'."""
    for token in span_tokens(ctx.sent):
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in INVEST_VERBS:
            if any(c.dep_ == "nsubjpass" for c in token.children):  # "Y is backed by X"
                investee = subject_entity(ctx, token, exclude_providers=False)
                investors = _entities(ctx, _agents(token), TARGET_CLASSES | {"Person"})
                if investee is not None:
                    events = [
                        e for _, inv in investors for e in _events(ctx, token, "Investment", inv, [(0, investee)])
                    ]
                    if events:
                        return events
                continue
            first = subject_entity(ctx, token, exclude_providers=False)
            preps = {"in", "into"} if lemma == "invest" else set()
            objects = _object_phrases(token, preps)
            if lemma == "invest" and not _object_phrases(token, {"in", "into", "on"}) and ctx.deal_amounts():
                # "X agreed to invest $2.25bn": in the company the article is about
                focus = _focus_company(ctx, exclude=first)
                objects = [focus] if focus is not None else []  # type: ignore[list-item]
        elif token.pos_ == "NOUN" and (lemma in INVEST_NOUNS or _is_stake(token)):
            head = token.head
            while _is_stake(token) and head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
                head = head.head  # "will receive $350 million worth of Y shares"
            if _is_stake(token) and head.pos_ == "VERB":  # "took a stake in Y", "received shares of Y"
                if _holders_subject(head):
                    continue  # "X's shareholders will receive Y shares": payment for a takeover, not X investing
                first = subject_entity(ctx, head, exclude_providers=False)
            else:
                first = _possessor(ctx, token)
                if first is None and token.dep_ == "dobj" and token.head.lemma_.lower() in MAKE_VERBS:
                    first = subject_entity(ctx, token.head, exclude_providers=False)  # "X made an investment in Y"
            objects = _object_phrases(token, {"in", "of", "into"})
            if _is_stake(token):
                objects += [c for c in token.children if c.dep_ in ("compound", "poss")]
        else:
            continue
        tokens = [t for o in objects if not isinstance(o, Entity) for t in core_subtree(o)]
        investees = _entities(ctx, tokens, TARGET_CLASSES) + [(token.i, o) for o in objects if isinstance(o, Entity)]
        if _party(first) and investees:
            events = _events(ctx, token, "Investment", first, investees[:1])  # type: ignore[arg-type]
            if events:
                return events
    return []


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("Acquisition", extract_acquisitions, 30), ("Investment", extract_investments, 40))
