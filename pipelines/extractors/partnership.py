"""Partnership: 'X and Y announced a strategic partnership', 'X partnered with Y', 'a joint venture between X and Y'.

The partners are the organisations the text names as partners, not their cloud units (no Provider rule).
The trigger words and the partners of a verb ('X partnered with Y') are the Partnership frame of
pipelines/frames.json (extractors/frames.py); this module holds the actions it names (the nouns' partners,
the subject's members, whether a partnership is settled). It also holds the organisation helpers the
location extractors share: the organisations a phrase names and the antecedent of 'it' or 'the company'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from graph.records import Entity
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import Context, is_org, span_tokens
from pipelines.extractors.reference import recent_orgs
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

FORM_VERBS = word_class("form_verbs")  # fmt: skip
SETUP_NOUNS = word_class("setup_nouns")
# a partnership that is only talked about or that ends is not recorded
UNSETTLED = word_class("unsettled")  # fmt: skip
RELATIVE_PRONOUNS = word_class("partnership_relative_pronouns")
ORG_NOUNS = word_class("org_nouns")  # fmt: skip
SUBJECT_PRONOUNS = word_class("subject_pronouns")
PAIR_NOUNS = word_class("pair_nouns")
REPORTING_VERBS = word_class("reporting_verbs")


def orgs_in(ctx: Context, tokens: list[Token]) -> list[Entity]:
    """The organisations named by the tokens, in order and once each."""
    found: list[Entity] = []
    for token in tokens:
        mention = ctx.mention_of(token)
        if mention is not None and is_org(mention.entity) and mention.entity not in found:
            found.append(mention.entity)
    return found


def _is_anaphor(token: Token) -> bool:
    """'it', 'its', 'the company', 'the Chinese group': words that stand for an organisation named before."""
    if token.lower_ in SUBJECT_PRONOUNS or any(c.lower_ in ("its", "their") for c in token.children):
        return True
    definite = any(c.dep_ in ("det", "poss") for c in token.children)
    return token.lemma_.lower() in ORG_NOUNS and definite


def antecedent(
    ctx: Context,
    token: Token,
    *,
    skip: Token | None = None,
    prefer_provider: bool = False,
    through: Callable[[Token], bool] | None = None,
) -> Entity | None:
    """The organisation that is the subject of the clauses above `token`; 'it'/'the company' look further back.

    Args:
        ctx: The sentence.
        token: Where to start climbing.
        skip: A subject to pass over (the facility itself in 'its data centre opened').
        prefer_provider: Take a cloud provider among several organisations of one subject.
        through: Subjects, besides pronouns and people, to climb past.
    """
    node = token
    while True:
        for subject in (c for c in node.children if c.dep_ in ("nsubj", "nsubjpass") and c.i != token.i):
            if skip is not None and skip in subject.subtree:
                continue
            orgs = orgs_in(ctx, list(subject.subtree))
            providers = [e for e in orgs if ctx.resolver.is_provider(e)]
            if orgs:
                return providers[0] if prefer_provider and providers else orgs[0]
            person = ctx.mention_of(subject)
            transparent = _is_anaphor(subject) or (through is not None and through(subject))
            if not transparent and (person is None or person.entity.cls != "Person"):
                return None
        if node.head.i == node.i:
            break
        node = node.head
    earlier = recent_orgs(ctx, subjects_only=True)
    return earlier[-1] if earlier else None


def stated(ctx: Context, verb: Token) -> str | None:
    """`assertion`, except that a reported 'would' ('X said it would build ...') is a plan, not a hypothesis."""
    return assertion(ctx, verb, reported_would=True)


def _members(ctx: Context, token: Token) -> list[Entity]:
    """Organisations of a phrase and its conjuncts: 'Deutsche Bank and Google Cloud', 'the firms X and Y'."""
    heads = [token, *(t for t in token.subtree if t.dep_ == "conj" and t.head.pos_ != "VERB")]
    heads += [c for c in token.children if c.dep_ == "appos" and ctx.mention_of(token) is None]
    found: list[Entity] = []
    for head in heads:
        names = [head, *(t for c in head.children if c.dep_ in ("compound", "nmod") for t in c.subtree)]
        found.extend(e for e in orgs_in(ctx, names)[:1] if e not in found)
    if not found and ctx.mention_of(token) is None:
        # "several companies from various sectors, including A and B": the names the generic phrase lists
        found = [e for e in _listed(ctx, token) if e not in found]
    if not found and token.lower_ in ("its", "their", "it", "they"):
        earlier = antecedent(ctx, token)
        parent = ctx.resolver.parent_of(earlier) if earlier and earlier.cls == "CloudProvider" else None
        found = [parent or earlier] if earlier else []
    return found


LIST_PREPS = word_class("list_preps")  # 'including A', 'like A', 'such as A'


def _listed(ctx: Context, token: Token) -> list[Entity]:
    """Organisations an 'including …' / 'such as …' / 'like …' phrase inside the noun phrase names."""
    found: list[Entity] = []
    for prep in (t for t in token.subtree if t.dep_ == "prep" and t.lower_ in LIST_PREPS):
        such = any(c.lower_ == "such" for c in prep.children) or prep.nbor(-1).lower_ == "such"
        if prep.lower_ == "as" and not such:
            continue
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            found.extend(e for e in orgs_in(ctx, list(obj.subtree)) if e not in found)
    return found


def _with(ctx: Context, head: Token) -> list[Entity]:
    found: list[Entity] = []
    for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("with", "between", "among")):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            found.extend(_members(ctx, obj))
    return found


def _subject_members(ctx: Context, verb: Token) -> list[Entity]:
    """The subject organisations of a verb, through 'agreed to form' and 'the two companies'."""
    while (
        not any(c.dep_ == "nsubj" for c in verb.children) and verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i
    ):
        verb = verb.head
    for subject in (c for c in verb.children if c.dep_ == "nsubj"):
        if subject.lower_ in RELATIVE_PRONOUNS:
            return []
        if subject.lower_ in ("they", "we") and verb.dep_ == "ccomp" and verb.head.i != verb.i:
            if found := _subject_members(ctx, verb.head):
                return found  # "X and Y said they had formed a partnership"
        if subject.lower_ == "it" and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORTING_VERBS:
            found = _subject_members(ctx, verb.head)
            if len(found) == 1:
                return found  # "Acme Cloud said it had partnered with B": the one named, a cloud unit as named
        found = _members(ctx, subject)
        if len(found) > 1 or found and subject.lower_ != "they":
            return found
        if subject.lower_ == "they":
            return _last_two(ctx)
        return _pair(ctx, subject)
    return []


def _last_two(ctx: Context) -> list[Entity]:
    """'In 2019 they formed a partnership': the two organisations the sentence before was about."""
    named = [ctx.resolver.parent_of(e) or e if e.cls == "CloudProvider" else e for e in recent_orgs(ctx)]
    recent = list(dict.fromkeys(reversed(named)))[:2]
    return recent if len(recent) == 2 else []


def _pair(ctx: Context, subject: Token) -> list[Entity]:
    """'the two companies', 'both sides': the last two companies named before (a cloud unit stands for its parent)."""
    for token in subject.subtree:
        counted = any(c.lower_ in ("two", "both") for c in token.children)
        if token.lemma_.lower() in PAIR_NOUNS and counted:
            return _last_two(ctx)
    return []


def _reduced_relative(ctx: Context, verb: Token) -> list[Entity]:
    """'a company X set up with Y', 'an arrangement X already has with Y' (the relative pronoun left out)."""
    partners = _with(ctx, verb)
    before = [t for t in span_tokens(ctx.sent) if t.i < verb.i and t.pos_ != "ADV"]
    if not partners or not before:
        return []
    mention = ctx.mention_of(before[-1])
    if mention is None or not is_org(mention.entity) or mention.start == ctx.sent.start:
        return []
    noun = ctx.sent.doc[mention.start - 1]
    wanted = SETUP_NOUNS - {"company", "firm", "entity", "venture"} if verb.lemma_.lower() == "have" else SETUP_NOUNS
    if noun.lemma_.lower() not in wanted:
        return []
    return [mention.entity, *partners]


def _noun_partners(ctx: Context, noun: Token) -> list[Entity] | None:
    """Partners of 'partnership', 'alliance', 'joint venture', 'strategic relationship'; None for other uses."""
    lemma = noun.lemma_.lower()
    modifiers = {c.lower_ for c in noun.children if c.dep_ in ("amod", "compound", "nmod")}
    relatives = [c for c in noun.children if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in FORM_VERBS]
    relatives = [v for v in relatives if _with(ctx, v)]
    if lemma == "venture" and "joint" not in modifiers and not relatives:
        return None
    if (lemma == "relationship" and "strategic" not in modifiers) or (
        lemma == "tie" and noun.doc[noun.i + 1 :].text[:1] != "-"
    ):
        return None
    if noun.dep_ == "compound" and noun.head.pos_ == "NOUN":
        noun = noun.head  # 'a partnership agreement with X'
    found = _with(ctx, noun)
    for child in noun.children:
        if child.dep_ == "poss":
            found = _members(ctx, child) + found
        elif child.dep_ == "appos":
            found.extend(_members(ctx, child))
    for verb in relatives:
        subject = antecedent(ctx, verb)
        found = ([subject] if subject else []) + found + _with(ctx, verb)
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in FORM_VERBS:
        found = _subject_members(ctx, noun.head) + found + _with(ctx, noun.head)
    elif noun.dep_ == "pobj" and noun.head.lower_ == "in" and not any(c.dep_ == "det" for c in noun.children):
        # 'X, in partnership with Y, built ...'
        verb = noun.head.head
        found = (_subject_members(ctx, verb) if verb.pos_ in ("VERB", "AUX") else []) + found
    return found


def _mutual_agreement(ctx: Context, noun: Token) -> list[Entity] | None:
    """ "X and Y signed an agreement (to work together)": an agreement the named parties sign with each other,
    not one signed with someone else ('X and Y signed agreements with AWS' are two customers' deals)."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_.lower() not in FORM_VERBS:
        return None
    around = (*noun.children, *verb.children)
    if _with(ctx, noun) or _with(ctx, verb) or any(c.lower_ in ("to", "from") for c in around):
        return None
    if ctx.deal_amounts():
        return None  # a priced agreement is a purchase (a Contract), not a partnership
    members = _subject_members(ctx, verb)
    if any(m.cls == "CloudProvider" for m in members):
        return None  # a customer signing with a cloud unit buys from it
    return members if len(members) >= 2 else None


def _named_partner(ctx: Context, noun: Token) -> list[Entity] | None:
    """ "its local partner Acme", "X's partner Acme": the possessor and the partner named beside the noun."""
    names = [e for c in noun.children if c.dep_ == "appos" for e in orgs_in(ctx, list(c.subtree))[:1]]
    poss = [c for c in noun.children if c.dep_ == "poss"]
    named = ctx.mention_of(noun.head) if noun.dep_ == "compound" else None
    if named is not None and is_org(named.entity):  # "its partner Acme Inc" read as one name with a modifier
        names = [named.entity]
        poss += [c for c in noun.head.children if c.dep_ == "poss"]
    if len(names) != 1 or len(poss) != 1:
        return None
    if poss[0].lower_ in ("its", "their"):
        owner = antecedent(ctx, noun, skip=noun)  # not the phrase the partner is named in
    else:
        owners = orgs_in(ctx, list(poss[0].subtree))
        owner = owners[0] if owners else None
    return [owner, names[0]] if owner is not None and owner != names[0] else None


def _settled(ctx: Context, token: Token) -> str | None:
    """The assertion status, or None when the partnership is negated, speculative or ending."""
    if any(t.lemma_.lower() in UNSETTLED for t in (token, *token.ancestors)):
        return None
    verb = token.head if token.pos_ == "NOUN" else token
    return stated(ctx, verb)


def _partners_of_rule(find: Callable[[Context, Token], list[Entity] | None]) -> Callable[..., list[Entity] | None]:
    """An action of the frame (ctx, trigger, roles) from a helper of (ctx, trigger)."""

    def action(ctx: Context, trigger: Token, roles: object) -> list[Entity] | None:
        return find(ctx, trigger)

    return action


# the Python the Partnership frame of pipelines/frames.json names (pipelines/extractors/frames.py)
FRAME_ACTIONS = {
    "partnership_settled": _settled,
    "subject_members": _partners_of_rule(_subject_members),
    "named_partner": _partners_of_rule(_named_partner),
    "mutual_agreement": _partners_of_rule(_mutual_agreement),
    "noun_partners": _partners_of_rule(_noun_partners),
    "reduced_relative": _partners_of_rule(_reduced_relative),
    "members": _members,
}
