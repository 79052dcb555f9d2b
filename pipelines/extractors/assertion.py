"""Whether a sentence states an event, plans it, or negates, denies or only supposes it (`assertion`).

A helper module of the extractors: it declares no `EXTRACTORS`. The word classes it reads
(negations, modals, conditions, plans, contrasts, reporting verbs) are named in pipelines/lexicon.json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.extractors.common import REPORT_LEMMAS, Context, span_lemmas, verb_chain
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

NEGATIONS = word_class("negations")
DENIAL_LEMMAS = word_class("denial_lemmas")
CONDITIONALS = word_class("conditionals")
HYPOTHETICAL = word_class("hypothetical")
PLAN_LEMMAS = word_class("plan_lemmas")
REPORTING_VERBS = word_class("reporting_verbs")
CONTRASTS = word_class("contrast_conjunctions")


def assertion(ctx: Context, trigger: Token, *, any_conjunct: bool = False, reported_would: bool = False) -> str | None:
    """'' for a plain statement, 'Planned' for a plan, None when negated, denied or hypothetical.

    A verb coordinated after a contrast keeps its own modality only (`own_clause`): in 'Acme did not renew
    the deal but signed one with B', 'signed' is stated. A condition holds for the whole coordination
    ('if Acme does not renew but signs with B, …').

    Args:
        any_conjunct: when the coordination as a whole is negated or hypothetical, a conjunct after any
            conjunction ('and' too) is read on its own, and is 'Reported' when a verb of its own reports it
            ('X may seem unlikely, but reports claim that Y runs on Azure').
        reported_would: a 'would' of the trigger under any reporting verb above it, not only the one it is
            the complement of, is a plan ('X said on Monday that by next year it would build …').
    """
    chain = verb_chain(trigger)
    if any(_conditional(verb) for verb in chain):
        return None
    status = _modality(ctx, own_clause(chain), reported_would=reported_would)
    if status is not None or not any_conjunct:
        return status
    own = own_clause(chain, contrasts=None)
    if len(own) == len(chain) or any(_conditional(verb, any_clause=True) for verb in own):
        return None
    status = _modality(ctx, own)
    return "Reported" if status == "" and any(v.lemma_.lower() in REPORT_LEMMAS for v in own) else status


def own_clause(chain: list[Token], *, contrasts: frozenset[str] | None = CONTRASTS) -> list[Token]:
    """The `verb_chain` up to a verb coordinated after a contrast ('but', 'whereas'): the verbs whose modality
    is the trigger's own. With `contrasts` None, up to a verb coordinated after any conjunction."""
    for index, verb in enumerate(chain):
        if verb.dep_ in ("conj", "advcl") and (
            contrasts is None and verb.dep_ == "conj" or _contrasted(verb, contrasts)
        ):
            return chain[: index + 1]
    return chain


def _contrasted(verb: Token, contrasts: frozenset[str] | None) -> bool:
    """Whether a conjunct or adverbial clause follows a contrast: 'A but B', 'A, whereas B', 'A while B'."""
    if not contrasts or verb.dep_ not in ("conj", "advcl"):
        return False
    if verb.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in contrasts for c in verb.children)
    head = verb.head
    return any(
        c.dep_ in ("cc", "mark") and c.lower_ in contrasts and head.i < c.i < verb.i
        for c in (*head.children, *verb.children)
    )


def _conditional(verb: Token, *, any_clause: bool = False) -> bool:
    """A condition: 'if X moves to AWS, …', 'unless the deal closes' (with `any_clause`, 'whether X moves' too)."""
    return (any_clause or verb.dep_ == "advcl") and any(
        c.dep_ == "mark" and c.lower_ in CONDITIONALS for c in verb.children
    )


def _modality(ctx: Context, chain: list[Token], *, reported_would: bool = False) -> str | None:
    """The assertion the verbs of `chain` give: negations, modals and denials of its first three, plans of all."""
    reported_future = False
    for verb in chain[:3]:
        for child in verb.children:
            if child.dep_ == "neg" or child.lower_ in NEGATIONS and child.dep_ in ("neg", "det"):
                return None
        for child in verb.children:
            if child.dep_ == "aux" and child.lower_ in HYPOTHETICAL:
                # "said it would move": the future of reported speech is a plan, not a hypothesis
                if child.lower_ == "would" and (
                    _reported(verb) or reported_would and verb.i == chain[0].i and _reported_above(ctx, verb)
                ):
                    reported_future = True
                    continue
                return None
        if verb.lemma_.lower() in DENIAL_LEMMAS:
            return None
    lowered = ctx.text.lower()
    if any(w in lowered for w in ("denied", "denies", "rumour", "rumor", "speculation")):
        return None
    if lowered.rstrip().endswith("?"):
        return None
    if reported_future:
        return "Planned"
    for verb in chain:
        if verb.lemma_.lower() in PLAN_LEMMAS:
            return "Planned"
        if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll") for c in verb.children):
            return "Planned"
    return ""


def _reported(verb: Token) -> bool:
    """Whether a clause is what somebody said or announced: 'X said (that) it would …'."""
    return verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORT_LEMMAS | {"announce", "confirm", "state"}


def _reported_above(ctx: Context, verb: Token) -> bool:
    """Whether a reporting verb governs the clause at any distance, with no negation above and no denial or
    rumour in the sentence."""
    above = list(verb.ancestors)
    return (
        any(a.lemma_.lower() in REPORTING_VERBS for a in above)
        and not any(c.dep_ == "neg" for v in (verb, *above) for c in v.children)
        and not span_lemmas(ctx.sent) & (DENIAL_LEMMAS | {"rumor", "rumour", "speculation"})
    )
