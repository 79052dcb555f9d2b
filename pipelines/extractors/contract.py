"""Contract: a customer buys from a cloud provider (a signed deal, commitment, award or stated use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.records import Entity, Event
from pipelines.extractors.common import Context, assertion, confidence, subject_entity

if TYPE_CHECKING:
    from spacy.tokens import Token

DEAL_NOUNS = {"contract", "deal", "agreement", "commitment", "pact", "award"}
DEAL_VERBS = {
    "sign",
    "award",
    "commit",
    "spend",
    "pick",
    "select",
    "choose",
    "tap",
    "ink",
    "use",
    "extend",
    "renew",
    "expand",
}


def _trigger(ctx: Context) -> Token | None:
    for token in ctx.sent:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in DEAL_VERBS:
            return token
    for token in ctx.sent:
        if token.pos_ == "NOUN" and token.lemma_.lower() in DEAL_NOUNS:
            return token
    return None


def _providers(ctx: Context, customer: Entity) -> list[Entity]:
    found = []
    for mention in ctx.mentions:
        if mention.entity == customer or not ctx.resolver.is_provider(mention.entity):
            continue
        provider = ctx.resolver.provider(mention.entity)
        if provider != ctx.resolver.provider(customer):
            found.append(provider)
    return list(dict.fromkeys(found))


def extract(ctx: Context) -> list[Event]:
    """Contracts stated in the sentence, one per provider: 'X signed a five-year, $2bn deal with Google Cloud'."""
    trigger = _trigger(ctx)
    if trigger is None:
        return []
    status = assertion(ctx, trigger)
    if status is None:
        return []
    verb = trigger if trigger.pos_ == "VERB" else trigger.head
    customer = subject_entity(ctx, verb)
    if customer is None:
        return []
    providers = _providers(ctx, customer)
    if not providers:
        return []
    amounts = ctx.amounts()
    terms = ctx.terms()
    reporter = ctx.reported_by()
    events = []
    for provider in providers:
        roles: dict[str, tuple[object, ...]] = {"customer": (customer,), "provider": (provider,)}
        if len(amounts) == 1 and len(providers) == 1:
            roles["value"] = (amounts[0][1],)
        if len(terms) == 1 and len(providers) == 1:
            roles["term"] = (terms[0],)
        events.append(
            Event(
                type="Contract",
                roles=roles,  # type: ignore[arg-type]
                evidence=ctx.text,
                confidence=confidence(
                    roles_found=len(roles),
                    roles_wanted=3,
                    explicit_trigger=trigger.pos_ == "VERB",
                ),
                status=status or ("Reported" if reporter else ""),
                reported_by=reporter,
            )
        )
    return events
