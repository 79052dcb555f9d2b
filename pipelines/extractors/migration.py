"""Migration: a customer moves workloads from one provider to another (or to/from its own servers).

The trigger words and where each role is found are the Migration frame of pipelines/frames.json, applied by
extractors/frames.py; this module holds the actions that frame names, for what a path cannot state: whose
workload moves, the amount of the move's own clause, a provider's "own cloud", closing data centres.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from graph.records import Amount, Entity, RoleValue
from pipelines.extractors.common import (
    Context,
    clause_heads,
    path_avoids_other_clauses,
    span_lemmas,
    span_tokens,
    subject_entity,
)
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

Roles = Mapping[str, tuple[RoleValue, ...]]
EXIT_LEMMAS = word_class("exit_lemmas")
PORTIONS = word_class("portion_words")
TO_PREPS = word_class("to_preps")
# what a provider's name may stand in front of: "onto Google's cloud", "off Amazon's servers"
HOLDINGS = word_class("migration_holdings")


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


def _customer_owning_workload(ctx: Context, trigger: Token, roles: Roles) -> list[Entity]:
    return [found] if (found := _owner_of_workload(ctx, trigger)) is not None else []


def _customer_subject(ctx: Context, trigger: Token, roles: Roles) -> list[Entity]:
    """The subject organisation, or the owner of the subject ('its applications will move')."""
    return [found] if (found := subject_entity(ctx, trigger, possessive=True)) is not None else []


def _customer_described(ctx: Context, trigger: Token, roles: Roles) -> list[Entity]:
    providers = [*roles.get("fromProvider", ()), *roles.get("toProvider", ())]
    return [found] if (found := _described_customer(ctx, trigger, providers)) is not None else []  # type: ignore[arg-type]


def _onto_own_cloud(ctx: Context, trigger: Token, roles: Roles) -> list[Entity]:
    return [found] if (found := _onto_its_own(ctx, trigger)) is not None else []


def _closing_data_centres(ctx: Context, trigger: Token) -> bool:
    return _closes_data_centres(ctx)


def _clause_value(ctx: Context, trigger: Token, roles: Roles) -> list[Amount]:
    """The one amount stated in the move's own clause, unless the sentence is about savings."""
    allowed = clause_heads(trigger) | {t.i for t in trigger.subtree}
    amounts = [(i, a) for i, a in ctx.amounts() if path_avoids_other_clauses(ctx.sent.doc[i], allowed)]
    if len(amounts) == 1 and not span_lemmas(ctx.sent) & {"save", "saving", "savings"}:
        return [amounts[0][1]]
    return []


def _endpoints(ctx: Context, trigger: Token, roles: Roles) -> Roles | None:
    """Drop the customer's own cloud from where it moves; a move with no provider left is no customer's move,
    except a company's "shift to the cloud, shutting its last data centres" (off its own servers)."""
    customer = roles["customer"][0]
    ends = ("fromProvider", "toProvider")
    to_cloud = not any(roles.get(e) for e in ends) and _to_the_cloud(trigger) and _closes_data_centres(ctx)
    unit = ctx.resolver.provider(customer)  # type: ignore[arg-type]
    kept = {e: tuple(p for p in roles.get(e, ()) if p != unit) for e in ends}
    if not any(kept.values()) and not (to_cloud and customer.cls == "Company"):  # type: ignore[union-attr]
        return None
    return {**{k: v for k, v in roles.items() if k not in ends}, **{e: v for e, v in kept.items() if v}}


# the Python the Migration frame of pipelines/frames.json names (pipelines/extractors/frames.py)
FRAME_ACTIONS = {
    "customer_owning_workload": _customer_owning_workload,
    "customer_subject": _customer_subject,
    "customer_described": _customer_described,
    "onto_own_cloud": _onto_own_cloud,
    "closing_data_centres": _closing_data_centres,
    "clause_value": _clause_value,
    "migration_endpoints": _endpoints,
}
