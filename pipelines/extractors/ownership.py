"""Ownership relations stated in a sentence: 'X, owned by Y', 'Y-owned X', "Y's X", 'Y owns X'."""

from __future__ import annotations

from graph.records import Entity, Relation
from pipelines.extractors.common import Context, is_org

OWNER_NOUNS = {"owner", "parent"}
UNIT_NOUNS = {"subsidiary", "unit", "division", "arm"}


def _owns(owner: Entity, owned: Entity) -> Relation | None:
    if owner == owned or not is_org(owner) or owned.cls not in ("Product", "Company", "CloudProvider"):
        return None
    if owned.cls == "CloudProvider" and owner.cls != "CloudProvider":
        return Relation(subject=owned, prop="parentOrganization", object=owner)
    return Relation(subject=owner, prop="owns", object=owned)


def relations(ctx: Context) -> list[Relation]:
    """Ownership read from syntax: passive 'owned by', possessives of products, appositive owners."""
    found: list[Relation] = []
    doc = ctx.sent.doc
    for mention in ctx.mentions:
        root = doc[mention.end - 1]
        # "TikTok, owned by ByteDance" / "ByteDance-owned TikTok"
        for token in root.children:
            if token.lower_ in ("owned", "controlled", "backed") and token.dep_ in (
                "acl",
                "amod",
                "appos",
            ):
                for agent in token.children:
                    if agent.dep_ == "agent":
                        for obj in agent.children:
                            owner = ctx.mention_of(obj)
                            if owner and (rel := _owns(owner.entity, mention.entity)):
                                found.append(rel)
        # "ByteDance's TikTok"
        for token in root.children:
            if token.dep_ == "poss" and mention.entity.cls == "Product":
                owner = ctx.mention_of(token)
                if owner and (rel := _owns(owner.entity, mention.entity)):
                    found.append(rel)
        # "ByteDance, TikTok's owner," / "Alibaba Cloud, a unit of Alibaba Group"
        for token in root.children:
            if token.dep_ != "appos":
                continue
            lemma = token.lemma_.lower()
            if lemma in OWNER_NOUNS:
                for child in token.children:
                    owned = ctx.mention_of(child) if child.dep_ == "poss" else None
                    if owned and (rel := _owns(mention.entity, owned.entity)):
                        found.append(rel)
            if lemma in UNIT_NOUNS:
                for prep in token.children:
                    for obj in prep.children if prep.lower_ == "of" else ():
                        owner = ctx.mention_of(obj)
                        if owner and (rel := _owns(owner.entity, mention.entity)):
                            found.append(rel)
        # "ByteDance owns TikTok"
        if root.dep_ == "nsubj" and root.head.lemma_.lower() == "own":
            for obj in root.head.children:
                owned = ctx.mention_of(obj) if obj.dep_ == "dobj" else None
                if owned and (rel := _owns(mention.entity, owned.entity)):
                    found.append(rel)
    return found
