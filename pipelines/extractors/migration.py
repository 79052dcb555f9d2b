"""Migration: a customer moves workloads from one provider to another (or to/from its own servers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.records import Entity, Event
from pipelines.extractors.common import (
    Context,
    assertion,
    confidence,
    governing_preposition,
    phrase_head,
    subject_entity,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

MOVE_LEMMAS = {"move", "migrate", "shift", "switch", "transfer", "relocate", "port", "transition"}
LEAVE_LEMMAS = {"leave", "ditch", "drop", "abandon", "quit", "exit", "dump", "desert"}
MOVE_NOUNS = {"migration", "move", "switch", "shift", "transition"}
FROM_PREPS = {"from", "off"}
TO_PREPS = {"to", "onto", "into", "toward", "towards"}


def _triggers(ctx: Context) -> list[Token]:
    found = []
    for token in ctx.sent:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") and lemma in MOVE_LEMMAS | LEAVE_LEMMAS:
            found.append(token)
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
        root = ctx.sent.doc[mention.end - 1]
        prep = governing_preposition(root)
        head = phrase_head(root)
        if prep in FROM_PREPS or (prep == "away" and leaving):
            sources.append(ctx.resolver.provider(entity))
        elif prep in TO_PREPS or (prep == "for" and leaving):
            targets.append(ctx.resolver.provider(entity))
        elif leaving and head.dep_ == "dobj" and head.head.lemma_.lower() in LEAVE_LEMMAS:
            sources.append(ctx.resolver.provider(entity))
    return list(dict.fromkeys(sources)), list(dict.fromkeys(targets))


def extract(ctx: Context) -> list[Event]:
    """Migrations stated in the sentence: 'X moved its servers from A to B', 'X left A for B'."""
    for trigger in _triggers(ctx):
        sources, targets = _provider_roles(ctx, trigger)
        if not sources and not targets:
            continue
        status = assertion(ctx, trigger)
        if status is None:
            continue
        customer = subject_entity(ctx, trigger)
        if customer is None:
            continue
        sources = [p for p in sources if ctx.resolver.provider(customer) != p]
        targets = [p for p in targets if ctx.resolver.provider(customer) != p]
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
        amounts = ctx.amounts()
        if len(amounts) == 1:
            roles["value"] = (amounts[0][1],)
        reporter = ctx.reported_by()
        return [
            Event(
                type="Migration",
                roles=roles,  # type: ignore[arg-type]
                evidence=ctx.text,
                confidence=confidence(
                    roles_found=bool(sources) + bool(targets) + 1,
                    roles_wanted=3,
                    explicit_trigger=trigger.pos_ == "VERB",
                ),
                status=status or ("Reported" if reporter else ""),
                reported_by=reporter,
            )
        ]
    return []
