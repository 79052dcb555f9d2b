"""Acquisition and Investment: 'X agreed to acquire Y for $61bn', "X's purchase of Y", 'X invested $1.5bn in Y'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.records import Amount, Entity, Event
from pipelines.extractors.common import Context, assertion, confidence, is_org, subject_entity

if TYPE_CHECKING:
    from spacy.tokens import Token

ACQUIRE_VERBS = {"acquire", "buy", "purchase"}
ACQUIRE_NOUNS = {"acquisition", "purchase", "takeover", "buyout"}
INVEST_VERBS = {"invest"}
INVEST_NOUNS = {"investment", "stake"}
TARGET_CLASSES = {"Company", "CloudProvider", "Product", "MediaOutlet", "ResearchFirm"}


def _mentions_in(ctx: Context, tokens: list[Token]) -> list[Entity]:
    found = []
    for token in tokens:
        mention = ctx.mention_of(token)
        if mention is not None and mention.entity not in found:
            found.append(mention.entity)
    return found


def _objects(trigger: Token, preps: set[str]) -> list[Token]:
    """Tokens of the trigger's direct object, or of the objects of the given prepositions."""
    tokens: list[Token] = []
    for child in trigger.children:
        if child.dep_ == "dobj" and not preps:
            tokens.extend(child.subtree)
        elif child.dep_ == "prep" and child.lower_ in preps:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    tokens.extend(t for t in obj.subtree if t.dep_ != "appos" or t.head.i == obj.i)
    return tokens


def _possessor(ctx: Context, noun: Token) -> Entity | None:
    for child in noun.children:
        if child.dep_ == "poss":
            entities = _mentions_in(ctx, list(child.subtree))
            if entities and is_org(entities[0]):
                return entities[0]
    return None


def _deal_value(ctx: Context) -> Amount | None:
    amounts = [a for _, a in ctx.amounts() if a.value >= 1_000_000]
    return max(amounts, key=lambda a: a.value) if amounts else None


def _event(ctx: Context, trigger: Token, kind: str, first: Entity, second: Entity) -> Event | None:
    status = assertion(ctx, trigger)
    if status is None or first == second:
        return None
    roles_names = ("acquirer", "target") if kind == "Acquisition" else ("investor", "investee")
    roles: dict[str, tuple[object, ...]] = {roles_names[0]: (first,), roles_names[1]: (second,)}
    value = _deal_value(ctx)
    if value is not None:
        roles["value"] = (value,)
    reporter = ctx.reported_by()
    return Event(
        type=kind,
        roles=roles,  # type: ignore[arg-type]
        evidence=ctx.text,
        confidence=confidence(roles_found=len(roles), roles_wanted=3, explicit_trigger=trigger.pos_ == "VERB"),
        status=status or ("Reported" if reporter else ""),
        reported_by=reporter,
    )


def _find(
    ctx: Context, kind: str, verbs: set[str], nouns: set[str], preps: set[str], noun_preps: set[str]
) -> Event | None:
    for token in ctx.sent:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in verbs:
            first = subject_entity(ctx, token, exclude_providers=False)
            seconds = [e for e in _mentions_in(ctx, _objects(token, preps)) if e.cls in TARGET_CLASSES]
        elif token.pos_ == "NOUN" and lemma in nouns:
            first = _possessor(ctx, token)
            seconds = [e for e in _mentions_in(ctx, _objects(token, noun_preps)) if e.cls in TARGET_CLASSES]
        else:
            continue
        if first is None or not seconds or not is_org(first):
            continue
        event = _event(ctx, token, kind, first, seconds[0])
        if event is not None:
            return event
    return None


def extract_acquisitions(ctx: Context) -> list[Event]:
    """Acquisitions stated in the sentence."""
    event = _find(ctx, "Acquisition", ACQUIRE_VERBS, ACQUIRE_NOUNS, set(), {"of"})
    return [event] if event else []


def extract_investments(ctx: Context) -> list[Event]:
    """Investments in a company stated in the sentence (not in a country or in infrastructure)."""
    event = _find(ctx, "Investment", INVEST_VERBS, INVEST_NOUNS, {"in"}, {"in"})
    return [event] if event else []
