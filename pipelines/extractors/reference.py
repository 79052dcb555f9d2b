"""Resolving what a noun phrase refers to: a named organisation, a pronoun, 'the company', 'X's cloud unit'."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph.records import Entity
from pipelines.extractors.common import Context, doc_ents, is_org, per_doc, sentences_before, subject_of
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

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


# Where an earlier organisation is looked for, and which one is taken: the sources give candidates oldest
# first (`ctx.salient`, `named_before`, `recent_orgs`, `prior_orgs`) and `latest` takes the newest that fits.


def named_before(ctx: Context, sent: Span) -> list[Entity]:
    """Entities the article names before the sentence, in order."""
    # once per doc: the resolver already knows every name (doc_mentions)
    resolved = per_doc(
        sent.doc,
        "cvkg_resolved_ents",
        lambda d: [(span.start, e) for span in doc_ents(d) if (e := ctx.resolver.resolve(span)) is not None],
    )
    return [entity for start, entity in resolved if start < sent.start]


def recent_orgs(ctx: Context, *, sentences: int = 3, subjects_only: bool = False) -> list[Entity]:
    """Organisations named in the `sentences` just before this one, oldest first (sources and analysts left out).

    With `subjects_only`, only those that are (part of) a clause's subject or a sentence of their own.
    """
    found: list[Entity] = []
    before = sentences_before(ctx.sent, sentences)
    if not before:
        return found
    for span in doc_ents(ctx.sent.doc):
        if span.start < before[-1].start or span.end > ctx.sent.start:
            continue
        root = span.root
        while root.dep_ in ("compound", "conj", "appos", "poss", "case") and root.head.pos_ not in ("VERB", "AUX"):
            root = root.head
        if subjects_only and root.dep_ not in ("nsubj", "nsubjpass", "ROOT"):
            continue
        entity = ctx.resolver.resolve(span)
        if entity is not None and is_org(entity) and entity.cls not in ("MediaOutlet", "ResearchFirm"):
            found.append(entity)
    return found


def latest(
    ctx: Context,
    candidates: Iterable[Entity],
    *,
    classes: Iterable[str],
    exclude: Iterable[Entity | str | None] = (),
    providers: bool | None = None,
    nearest_only: bool = False,
) -> Entity | None:
    """The newest of the `candidates` (oldest first) that is of one of `classes` and not excluded.

    Args:
        exclude: entities (or their ids) it cannot be.
        providers: True for a cloud provider only, False for anything but one, None for either.
        nearest_only: only the newest candidate of `classes` is considered: None when it does not fit.
    """
    wanted = frozenset(classes)
    skip = set(exclude)
    for entity in reversed(list(candidates)):
        if entity.cls not in wanted:
            continue
        if (
            entity not in skip
            and entity.id not in skip
            and (providers is None or ctx.resolver.is_provider(entity) == providers)
        ):
            return entity
        if nearest_only:
            return None
    return None


def described_subject(
    ctx: Context, verb: Token, *, classes: tuple[str, ...], exclude: frozenset[str] = frozenset()
) -> Entity | None:
    """What the verb's subject stands for when it is a definite description ('the telecoms group will move …')."""
    subject = subject_of(verb)
    if subject is None or subject.lemma_.lower() not in ORG_NOUNS:
        return None
    if not any(c.lower_ == "the" for c in subject.children):
        return None
    return described(ctx, subject, classes=classes, exclude=exclude)


def named_beside(ctx: Context, noun: Token, *, classes: Iterable[str]) -> Entity | None:
    """The entity a noun phrase names, or the name it is set beside: 'Acme, a Boston start-up' for 'start-up'."""
    wanted = frozenset(classes)
    for token in (noun.head, noun) if noun.dep_ == "appos" else (noun,):
        mention = ctx.mention_of(token)
        if mention is not None and mention.entity.cls in wanted:
            return mention.entity
    return None
