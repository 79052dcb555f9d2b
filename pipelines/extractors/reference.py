"""Resolving what a noun phrase refers to: a named organisation, a pronoun, 'the company', 'X's cloud unit'."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from graph.records import Entity
from pipelines.extractors.common import Context, doc_ents, is_org
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

# nouns that stand for an organisation named before ("the Seattle-based company")
ORG_NOUNS = word_class("reference_org_nouns")
UNIT_NOUNS = word_class("reference_unit_nouns")
PRONOUNS = word_class("reference_pronouns")


def entity_of(ctx: Context, token: Token) -> Entity | None:
    mention = ctx.mention_of(token)
    return mention.entity if mention else None


def org_of(ctx: Context, token: Token) -> Entity | None:
    entity = entity_of(ctx, token)
    return entity if entity is not None and is_org(entity) else None


def prior_orgs(ctx: Context, before: int) -> list[tuple[int, Entity]]:
    """Organisations the doc names before token `before`, with their token index, in order."""
    found = []
    for span in doc_ents(ctx.sent.doc):
        if span.start >= before:
            break
        mention = ctx.mention_of(span[0]) if span.start >= ctx.sent.start else None
        entity = mention.entity if mention else ctx.resolver.resolve(span)
        if entity is not None and is_org(entity) and entity.cls != "MediaOutlet":
            found.append((span.start, entity))
    return found


def _co_arguments(token: Token) -> set[int]:
    """Tokens that are subjects of the verbs governing `token`: never the thing it refers back to."""
    found: set[int] = set()
    while token.head.i != token.i:
        token = token.head
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                core = [child]
                while core:
                    head = core.pop()
                    found.add(head.i)
                    core += [t for t in head.children if t.dep_ in ("compound", "poss", "nmod", "amod")]
    return found


def described(
    ctx: Context,
    token: Token,
    *,
    classes: tuple[str, ...] = ("Company", "ResearchFirm"),
    exclude: frozenset[str] = frozenset(),
) -> Entity | None:
    """What 'the company', 'the Austin-based group' refers to: an earlier org of the sentence, else the topic.

    `exclude` names entities the description cannot be (the provider a customer moves to, say).
    """
    blocked = _co_arguments(token)
    for index, entity in prior_orgs(ctx, token.i):
        mention = ctx.mention_of(ctx.sent.doc[index]) if index >= ctx.sent.start else None
        if mention is None or entity.cls not in classes or entity.id in exclude:
            continue
        if not blocked & set(range(mention.start, mention.end)):
            return entity
    doc = ctx.sent.doc
    earlier = [
        (i, e)
        for i, e in prior_orgs(ctx, ctx.sent.start)
        if e.cls in classes and e.id not in exclude and not _segment_name(doc[i])
    ]
    if not earlier:
        return None
    # the organisation the article keeps talking about: subjects weigh more, the last sentence adds
    previous = doc[ctx.sent.start - 1].sent.start if ctx.sent.start > 0 else 0
    scores: Counter[str] = Counter()
    for index, entity in earlier:
        scores[entity.id] += 3 if _is_subject(doc[index]) else 1
    for entity in {e.id for i, e in earlier if i >= previous}:
        scores[entity] += 1
    return max(earlier[::-1], key=lambda pair: scores[pair[1].id])[1]


def _segment_name(token: Token) -> bool:
    """'the Intelligent Cloud segment': a name of a part of a company, which 'the company' never means."""
    while token.dep_ == "compound" and token.head.i != token.i:
        token = token.head
        if token.lemma_.lower() in ("segment", "division", "unit", "arm", "business"):
            return True
    return False


def _is_subject(token: Token) -> bool:
    """Whether a name is (part of) a clause subject: 'Snap Inc. has …', "Amazon's cloud unit said …"."""
    while token.dep_ in ("compound", "poss", "flat") and token.head.i != token.i:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass")


ANALYST_WORDS = word_class("analyst_words")


def classes(noun: Token) -> tuple[str, ...]:
    """Which kinds of organisation a description noun may stand for: only a 'firm' may be an analyst house.

    'the research firm' and 'chief analyst at the firm' can only be one.
    """
    if noun.lemma_.lower() != "firm":
        return ("Company",)
    modifiers = {c.lower_ for c in noun.children if c.dep_ in ("compound", "amod")}
    employer = noun.head.lower_ == "at" and any(w in ANALYST_WORDS for w in noun.head.head.text.lower().split())
    if modifiers & ANALYST_WORDS or employer:
        return ("ResearchFirm",)
    return ("Company", "ResearchFirm")


def antecedent(ctx: Context, token: Token, exclude: set[str], providers: bool) -> Entity | None:
    """The organisation 'it'/'its' stands for: a subject governing it, else the nearest one before it."""

    def fits(entity: Entity | None) -> bool:
        return entity is not None and entity.id not in exclude and (not providers or ctx.resolver.is_provider(entity))

    head = token
    while head.head.i != head.i:
        head = head.head
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i < token.i and child.lower_ not in PRONOUNS:
                entity = reference(ctx, child, exclude=exclude, providers=providers)
                if fits(entity):
                    return entity
    for _, entity in reversed(prior_orgs(ctx, token.i)):
        if fits(entity):
            return entity
    return None


def reference(ctx: Context, token: Token, *, exclude: set[str], providers: bool = False) -> Entity | None:
    """The organisation a noun phrase head names: a mention, a pronoun, 'X's cloud', 'the unit'."""
    entity = org_of(ctx, token)
    if entity is not None:
        return entity
    if token.lower_ in PRONOUNS:
        return antecedent(ctx, token, exclude, providers)
    lemma = token.lemma_.lower()
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    if lemma in UNIT_NOUNS:
        parent = reference(ctx, owner, exclude=exclude, providers=providers) if owner is not None else None
        if parent is None and owner is None and any(c.lower_ == "the" for c in token.children):
            parent = next((e for _, e in reversed(prior_orgs(ctx, token.i)) if e.cls == "CloudProvider"), None)
        return ctx.resolver.provider(parent) if parent is not None else None
    if lemma in ORG_NOUNS and owner is None and any(c.lower_ == "the" for c in token.children):
        return described(ctx, token, classes=classes(token))
    return None
