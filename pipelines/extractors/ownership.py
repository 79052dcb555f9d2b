"""Ownership relations stated in a sentence: 'X, owned by Y', 'Y-owned X', "Y's X", 'Y owns X', 'X, a unit of Y'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.records import Entity, Relation
from pipelines.extractors.common import Context, is_org
from pipelines.extractors.reference import antecedent
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

OWNER_NOUNS = {"owner", "parent"}
UNIT_NOUNS = word_class("ownership_unit_nouns")
OWN_VERBS = word_class("own_verbs")
# what a stake is measured in: 'owns a stake of 6% in X', 'own 10 per cent of X'
STAKE_NOUNS = word_class("ownership_stake_nouns")
PASSIVE_OWNED = ("owned", "controlled", "backed")


def _owns(owner: Entity, owned: Entity) -> Relation | None:
    if owner == owned or not is_org(owner) or owned.cls not in ("Product", "Company", "CloudProvider"):
        return None
    if owned.cls == "CloudProvider" and owner.cls != "CloudProvider":
        return Relation(subject=owned, prop="parentOrganization", object=owner)
    return Relation(subject=owner, prop="owns", object=owned)


def _named(ctx: Context, token: Token, deps: tuple[str, ...] = ("appos", "compound")) -> Entity | None:
    """The entity a noun names itself or through an apposition ("Google's parent, Alphabet")."""
    for candidate in (token, *(c for c in token.children if c.dep_ in deps)):
        mention = ctx.mention_of(candidate)
        if mention is not None:
            return mention.entity
    return None


def _owned_object(ctx: Context, verb: Token) -> Entity | None:
    """What 'own' has: its object, or the company a stake is in ('owns a 6% stake in X')."""
    for obj in verb.children:
        if obj.dep_ != "dobj":
            continue
        named = _named(ctx, obj, ("appos",))
        if named is not None:
            return named
        stake = [t for t in obj.subtree if t.lemma_.lower() in STAKE_NOUNS or t.text == "%"]
        if stake:
            for prep in obj.subtree:
                if prep.dep_ == "prep" and prep.lower_ in ("in", "of"):
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj" and (named := _named(ctx, pobj)):
                            return named
    return None


def _descriptions(root: Token) -> list[Token]:
    """The mention's head and the nouns in apposition to it ('GEICO, the car insurer owned by …')."""
    return [root, *(c for c in root.children if c.dep_ == "appos")]


def relations(ctx: Context) -> list[Relation]:
    """Ownership read from syntax: passive 'owned by', possessives of products, appositive owners and units."""
    found: list[Relation] = []
    doc = ctx.sent.doc

    def add(owner: Entity | None, owned: Entity | None) -> None:
        if owner is not None and owned is not None and (rel := _owns(owner, owned)):
            found.append(rel)

    for mention in ctx.mentions:
        root = doc[mention.end - 1]
        entity = mention.entity
        for noun in _descriptions(root):
            for token in noun.children:
                # "TikTok, owned by ByteDance" / "GEICO, the insurer owned by Berkshire Hathaway"
                if token.lower_ in PASSIVE_OWNED and token.dep_ in ("acl", "amod", "appos"):
                    for agent in token.children:
                        for obj in agent.children if agent.dep_ == "agent" else ():
                            add(_named(ctx, obj), entity)
                # "which it has owned since 2016": the pronoun is the owner named before
                if token.dep_ == "relcl" and token.lemma_.lower() == "own":
                    for subj in token.children:
                        if subj.dep_ == "nsubj" and subj.lower_ in ("it", "they"):
                            add(antecedent(ctx, subj, {entity.id}, False), entity)
        # "ByteDance's TikTok" / "ByteDance's TikTok app"
        holder = root.head if root.dep_ == "compound" and entity.cls == "Product" else root
        for token in holder.children:
            if token.dep_ == "poss" and entity.cls == "Product":
                add(_named(ctx, token), entity)
        for token in root.children:
            if token.dep_ != "appos":
                continue
            lemma = token.lemma_.lower()
            # "ByteDance, TikTok's owner," / "Amazon, the parent company of AWS"
            if lemma in OWNER_NOUNS or (lemma == "company" and any(c.lower_ == "parent" for c in token.children)):
                for child in token.children:
                    if child.dep_ == "poss":
                        add(entity, _named(ctx, child))
                    for obj in child.children if child.dep_ == "prep" and child.lower_ == "of" else ():
                        add(entity, _named(ctx, obj))
            # "Alibaba Cloud, a unit of Alibaba Group" / "AWS, Amazon's cloud arm" / "Google, the Alphabet subsidiary"
            if lemma in UNIT_NOUNS:
                for child in token.children:
                    if child.dep_ in ("poss", "compound"):
                        add(_named(ctx, child), entity)
                    for obj in child.children if child.dep_ == "prep" and child.lower_ == "of" else ():
                        add(_named(ctx, obj), entity)
        # "Broadcom's software division, Broadcom Software Group"
        if root.dep_ == "appos" and root.head.lemma_.lower() in UNIT_NOUNS:
            for child in root.head.children:
                if child.dep_ == "poss":
                    add(_named(ctx, child), entity)
        # "ByteDance owns TikTok" / "Nvidia, which owns a stake in CoreWeave" / "Silver Lake, which own 10% of VMware"
        verbs = [root.head] if root.dep_ == "nsubj" else []
        verbs += [c for c in root.children if c.dep_ == "relcl"]
        if root.dep_ == "conj" and root.head.dep_ == "nsubj":
            verbs.append(root.head.head)
        for verb in verbs:
            if verb.lemma_.lower() in OWN_VERBS and (verb.dep_ != "relcl" or _relative_subject(verb)):
                add(entity, _owned_object(ctx, verb))
    return found


def _relative_subject(verb: Token) -> bool:
    """Whether a relative clause's subject is the relative pronoun ('which owns …', not 'which it owns')."""
    return any(c.dep_ == "nsubj" and c.lower_ in ("which", "that", "who") for c in verb.children)


# (extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
RELATION_EXTRACTORS = ((relations, 10),)
