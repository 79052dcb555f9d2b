"""Migration: a customer moves workloads from one provider to another (or to/from its own servers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.records import Entity, Event
from pipelines.extractors.common import (
    Context,
    assertion,
    clause_heads,
    governing_preposition,
    particles,
    path_avoids_other_clauses,
    phrase_head,
    span_lemmas,
    span_tokens,
    subject_entity,
)
from pipelines.extractors.events import make_event
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

MOVE_LEMMAS = word_class("move_lemmas")
BACK_LEMMAS = word_class("back_lemmas")  # "goes back to AWS"
LEAVE_LEMMAS = word_class("leave_lemmas")
MOVE_NOUNS = word_class("move_nouns")
RUN_LEMMAS = word_class("run_lemmas")  # a move only when the sentence closes data centres
EXIT_LEMMAS = word_class("exit_lemmas")
PORTIONS = word_class("portion_words")
FROM_PREPS = {"from", "off"}
TO_PREPS = word_class("to_preps")
# what a provider's name may stand in front of: "onto Google's cloud", "off Amazon's servers"
HOLDINGS = word_class("migration_holdings")


def _triggers(ctx: Context) -> list[Token]:
    found = []
    for token in span_tokens(ctx.sent):
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") and lemma in MOVE_LEMMAS | LEAVE_LEMMAS:
            found.append(token)
        elif token.pos_ == "VERB" and lemma in BACK_LEMMAS and any(c.lower_ == "back" for c in token.children):
            found.append(token)
        elif token.pos_ == "VERB" and lemma in RUN_LEMMAS and _closes_data_centres(ctx):
            found.append(token)  # "shuts its last data centre and runs entirely on AWS"
        elif token.pos_ == "NOUN" and lemma in MOVE_NOUNS:
            found.append(token)
    return found


def _provider_roles(ctx: Context, trigger: Token) -> tuple[list[Entity], list[Entity]]:
    """Providers named as where the move starts and where it goes."""
    leaving = trigger.lemma_.lower() in LEAVE_LEMMAS
    sources: list[Entity] = []
    targets: list[Entity] = []
    for mention in ctx.mentions:
        entity = mention.entity
        if not ctx.resolver.is_provider(entity):
            continue
        root = _slot(ctx.sent.doc[mention.end - 1])
        prep = governing_preposition(root)
        head = phrase_head(root)
        off = head.dep_ == "dobj" and head.head.i == trigger.i and bool(particles(trigger) & {"off", "away"})
        if prep in FROM_PREPS or (prep == "away" and leaving) or off:
            sources.append(ctx.resolver.provider(entity))
        elif prep in TO_PREPS or (prep == "for" and leaving) or (prep == "on" and trigger.lemma_ in RUN_LEMMAS):
            targets.append(ctx.resolver.provider(entity))
        elif leaving and head.dep_ == "dobj" and head.head.lemma_.lower() in LEAVE_LEMMAS:
            sources.append(ctx.resolver.provider(entity))
    if (own := _onto_its_own(ctx, trigger)) is not None:
        targets.append(own)
    return list(dict.fromkeys(sources)), list(dict.fromkeys(targets))


def _to_the_cloud(trigger: Token) -> bool:
    """Whether the move goes 'to the cloud' / 'to public cloud' (a generic destination, no provider named)."""
    for prep in trigger.children:
        if prep.dep_ == "prep" and prep.lower_ in TO_PREPS:
            if any(o.dep_ == "pobj" and o.lemma_.lower() == "cloud" for o in prep.children):
                return True
    return False


def _closes_data_centres(ctx: Context) -> bool:
    """Whether the sentence has someone closing its own data centres ('closed the last of its data centres')."""
    for verb in span_tokens(ctx.sent):
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in EXIT_LEMMAS:
            continue
        for obj in (c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")):
            for token in obj.subtree:
                lower = token.lower_
                compound = {c.lower_ for c in token.children if c.dep_ == "compound"}
                if (
                    lower.startswith(("datacent", "data-cent"))
                    or token.lemma_ in ("centre", "center")
                    and "data" in compound
                ):
                    return True
    return False


def _slot(token: Token) -> Token:
    """The noun a provider's name stands for: 'Google' in "onto Google's cloud" is the cloud."""
    head = phrase_head(token)
    if head.dep_ == "poss" and head.head.lemma_.lower() in HOLDINGS:
        return head.head
    return token


def _onto_its_own(ctx: Context, trigger: Token) -> Entity | None:
    """'Oracle will move Cerner's systems onto its own': the provider that is the subject."""
    for prep in trigger.children:
        if prep.dep_ != "prep" or prep.lower_ not in TO_PREPS:
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and any(c.dep_ == "poss" and c.lower_ == "its" for c in obj.children):
                if (
                    obj.lower_ == "own"
                    or obj.lemma_.lower() in HOLDINGS
                    or any(c.lower_ == "own" for c in obj.children)
                ):
                    subject = subject_entity(ctx, trigger, exclude_providers=False)
                    if subject is not None and ctx.resolver.is_provider(subject):
                        return ctx.resolver.provider(subject)
    return None


def _described_customer(ctx: Context, trigger: Token, providers: list[Entity]) -> Entity | None:
    """'the telecoms group will move its applications to Azure': the organisation the description stands for,
    never the provider it moves to or from (nor that provider's parent)."""
    from pipelines.extractors.reference import described_subject

    family = {p.id for p in providers} | {parent.id for p in providers if (parent := ctx.resolver.parent_of(p))}
    return described_subject(ctx, trigger, classes=("Company", "GovernmentBody"), exclude=frozenset(family))


def _owner_of_workload(ctx: Context, trigger: Token) -> Entity | None:
    """ "move Cerner's systems": the possessor of what is moved is the customer."""
    for obj in trigger.children:
        if obj.dep_ != "dobj":
            continue
        if obj.lower_ in ("it", "them"):  # "Oracle bought Cerner and plans to move it onto its own cloud"
            earlier = [
                m.entity for m in ctx.mentions if m.end <= obj.i and m.entity.cls in ("Company", "GovernmentBody")
            ]
            earlier = [e for e in earlier if not ctx.resolver.is_provider(e)]
            return earlier[-1] if earlier else None
        if obj.lemma_.lower() in PORTIONS:  # "most of its Cerner customers": what the portion is of
            obj = next((o for p in obj.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"), obj)
        for poss in obj.children:
            # "Cerner's systems", and "its Cerner customers": the name modifying what is moved
            mention = ctx.mention_of(poss) if poss.dep_ in ("poss", "compound") else None
            if mention is not None and mention.entity.cls in ("Company", "GovernmentBody"):
                if ctx.resolver.is_provider(mention.entity):
                    continue
                return mention.entity
    return None


def extract(ctx: Context) -> list[Event]:
    """Migrations stated in the sentence: 'X moved its servers from A to B', 'X left A for B'."""
    for trigger in _triggers(ctx):
        sources, targets = _provider_roles(ctx, trigger)
        # "its shift to the cloud, shutting its last data centres": a move off its own servers to no named provider
        to_cloud = not sources and not targets and _to_the_cloud(trigger) and _closes_data_centres(ctx)
        if not sources and not targets and not to_cloud:
            continue
        status = assertion(ctx, trigger)
        if status is None:
            continue
        customer = (
            _owner_of_workload(ctx, trigger)
            or subject_entity(ctx, trigger, possessive=True)
            or _described_customer(ctx, trigger, [*sources, *targets])
        )
        if customer is None:
            continue
        sources = [p for p in sources if ctx.resolver.provider(customer) != p]
        targets = [p for p in targets if ctx.resolver.provider(customer) != p]
        if not sources and not targets and not (to_cloud and customer.cls == "Company"):
            continue  # a provider moving onto its own cloud is no customer's move
        roles: dict[str, tuple[object, ...]] = {"customer": (customer,)}
        workloads = [
            m.entity
            for m in ctx.mentions
            if m.entity.cls == "Product" and m.entity != customer and not ctx.resolver.is_provider(m.entity)
        ]
        if workloads:
            roles["workload"] = (workloads[0],)
        if sources:
            roles["fromProvider"] = tuple(sources)
        if targets:
            roles["toProvider"] = tuple(targets)
        allowed = clause_heads(trigger) | {t.i for t in trigger.subtree}
        amounts = [(i, a) for i, a in ctx.amounts() if path_avoids_other_clauses(ctx.sent.doc[i], allowed)]
        if len(amounts) == 1 and not span_lemmas(ctx.sent) & {"save", "saving", "savings"}:
            roles["value"] = (amounts[0][1],)
        found = bool(sources) + bool(targets) + 1
        return [make_event(ctx, "Migration", roles, trigger=trigger, status=status, roles_found=found, roles_wanted=3)]
    return []


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("Migration", extract, 10),)
