"""worksFor, competesWith and headquarteredIn read from a sentence's syntax and surface."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.records import Entity, Relation
from pipelines.entities import noun_word
from pipelines.extractors.common import Context, span_tokens, subject_of
from pipelines.extractors.reference import (
    ORG_NOUNS,
    UNIT_NOUNS,
    antecedent,
    classes,
    described,
    entity_of,
    org_of,
    prior_orgs,
    reference,
)
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# words that make a phrase a job title
TITLE_WORDS = word_class("title_words")
# titles that name an employer left implicit ("Toby Xu, the chief financial officer, said")
CORPORATE_TITLES = word_class("corporate_titles")
FORMER = word_class("former_words")
LEAD_VERBS = word_class("lead_verbs")
CLAUSE_WORDS = word_class("relative_pronouns")
SEGMENT_STOPS = frozenset(',;:()—–"“”'.split() + [",", "'", "said", "says", "told", "tells"])
RIVAL_NOUNS = word_class("rival_nouns")
CONTEST_NOUNS = word_class("contest_nouns")
COMPETE_VERBS = word_class("compete_verbs")
RANK_PREPS = frozenset(("behind", "after"))
CUSTOMER_NOUNS = word_class("relations_customer_nouns")
RANK_WORDS = word_class("rank_words")
HQ_WORDS = frozenset(("based", "headquartered"))
# headquarters that are not the seat today: 'its new headquarters in', 'a second headquarters'
HQ_QUALIFIERS = word_class("hq_qualifiers")
# words that may stand between two employers of one title ("of Google and its parent company Alphabet")
LINK_WORDS = word_class("link_words")
# a portfolio before these titles is no organisation ("Defense Secretary Mark Esper")
PORTFOLIO_TITLES = frozenset(("secretary", "minister"))


def _named(ctx: Context, token: Token) -> list[Entity]:
    """Organisations a phrase names with its conjuncts and appositions ('rivals such as X and Y')."""
    found: list[Entity] = []
    stack = [token]
    while stack:
        current = stack.pop()
        entity = org_of(ctx, current)
        if entity is not None and entity not in found:
            found.append(entity)
        for child in current.children:
            if child.dep_ in ("conj", "appos", "pobj", "compound") or (
                child.dep_ == "prep" and child.lower_ in ("as", "like", "including", "with")
            ):
                stack.append(child)
    return found


def _family(ctx: Context, first: Entity, second: Entity) -> bool:
    """Whether the gazetteer puts two entities under one owner: a unit is no rival of its parent or sibling."""
    parents = [ctx.resolver.parent_of(e) for e in (first, second)]
    ids = {first.id, second.id}
    return any(p is not None and p.id in ids for p in parents) or (
        parents[0] is not None and parents[1] is not None and parents[0].id == parents[1].id
    )


def _compete(ctx: Context, subject: Entity | None, rivals: list[Entity]) -> list[Relation]:
    found = []
    cloudy = "cloud" in ctx.text.lower()
    for rival in rivals:
        if subject is None or rival.id == subject.id or _family(ctx, subject, rival):
            continue
        first, second = subject, rival
        unit = "CloudProvider" in (first.cls, second.cls)  # a cloud unit's rival is the other's cloud unit
        if ctx.resolver.is_provider(first) and ctx.resolver.is_provider(second) and (cloudy or unit):
            first, second = ctx.resolver.provider(first), ctx.resolver.provider(second)
        if first.id != second.id and not _family(ctx, first, second):
            found.append(Relation(subject=first, prop="competesWith", object=second))
    return found


def _competes(ctx: Context) -> list[Relation]:
    """'X competes with Y', "X's rivals Y and Z", 'in its race with Y', 'third-largest, behind Y and Z'."""
    found: list[Relation] = []
    for token in span_tokens(ctx.sent):
        lemma = token.lemma_.lower()
        rivals: list[Entity] = []
        subject_token: Token | None = None
        if lemma in COMPETE_VERBS and (token.pos_ == "VERB" or lemma == "compete"):
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("with", "against"):
                    rivals += _named(ctx, child)
                elif child.dep_ == "dobj" and lemma != "compete":
                    rivals += _named(ctx, child)
            subject_token = subject_of(token)
            if subject_token is not None and subject_token.lower_ in CLAUSE_WORDS and token.dep_ == "relcl":
                subject_token = token.head  # "Walmart, which competes with Amazon"
            if subject_token is None:  # a misparse takes the verb for a noun: "Oracle's cloud business competes"
                subject_token = next((c for c in token.children if c.dep_ == "poss"), None)
                unit = any(c.dep_ == "compound" and c.lemma_.lower() in UNIT_NOUNS for c in token.children)
                owner = org_of(ctx, subject_token) if subject_token is not None and unit else None
                if owner is not None:
                    found += _compete(ctx, ctx.resolver.provider(owner), rivals)
                    continue
        elif token.pos_ == "NOUN" and (lemma in RIVAL_NOUNS or lemma in CONTEST_NOUNS):
            subject_token = next((c for c in token.children if c.dep_ == "poss"), None)
            if lemma in CONTEST_NOUNS:
                # "the race between X and Y", "the competition among X, Y and Z": each against each
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ in ("between", "among", "amongst"):
                        members = [e for pobj in child.children if pobj.dep_ == "pobj" for e in _named(ctx, pobj)]
                        for k, member in enumerate(members):
                            found += _compete(ctx, member, members[k + 1 :])
            for child in token.children:
                if child.dep_ in ("appos", "conj", "compound") or (
                    child.dep_ == "prep" and child.lower_ in ("with", "against", "as", "including", "like")
                ):
                    rivals += _named(ctx, child)
            follow = token.doc[token.i + 2] if token.i + 2 < ctx.sent.end else None
            if not rivals and follow is not None and token.nbor().text == "," and org_of(ctx, follow):
                rivals.append(org_of(ctx, follow))  # "its smaller rival, Google Cloud" however it parses
            to_rivals = [
                e
                for prep in token.children
                if prep.dep_ == "prep" and prep.lower_ == "to"
                for pobj in prep.children
                if pobj.dep_ == "pobj"
                for e in _named(ctx, pobj) or _unit_owner(ctx, pobj)
            ]
            if lemma in RIVAL_NOUNS and to_rivals and token.dep_ == "appos" and org_of(ctx, token.head):
                # "Azure, its main competitor to Amazon's cloud": the apposition's head against the 'to' object
                found += _compete(ctx, org_of(ctx, token.head), to_rivals)
                continue
            if lemma in RIVAL_NOUNS and token.dep_ in ("appos", "conj", "attr") and subject_token is not None:
                rival_noun = token
                while rival_noun.dep_ == "conj":
                    rival_noun = rival_noun.head
                if rival_noun.dep_ == "appos":
                    rivals += [e for e in [org_of(ctx, rival_noun.head)] if e]
        elif (
            lemma in ("take", "win", "steal", "lure", "poach")
            and token.pos_ == "VERB"
            and any(c.dep_ == "dobj" and c.lemma_.lower() in CUSTOMER_NOUNS for c in token.children)
        ):
            # "to take customers from X", "lure clients away from X"
            for child in token.children:
                for prep in [child, *(g for g in child.children if child.dep_ in ("advmod", "dobj"))]:
                    if prep.dep_ == "prep" and prep.lower_ == "from":
                        rivals += [e for pobj in prep.children if pobj.dep_ == "pobj" for e in _named(ctx, pobj)]
            subject_token = subject_of(token)
            if subject_token is None and token.dep_ == "xcomp" and token.head.dep_ == "acomp":
                subject_token = subject_of(token.head.head)  # "X is big enough to take customers from Y"
        elif token.lower_ in RANK_PREPS and token.dep_ == "prep" and _ranked(token.head):
            rivals = [e for child in token.children if child.dep_ == "pobj" for e in _named(ctx, child)]
            subject_token = subject_of(token.head) if token.head.pos_ in ("VERB", "AUX") else None
        if not rivals or subject_token is None:
            continue
        exclude = {e.id for e in rivals}
        providers = all(ctx.resolver.is_provider(e) for e in rivals)
        subject = reference(ctx, subject_token, exclude=exclude, providers=providers)
        found += _compete(ctx, subject, rivals)
    return found


def _unit_owner(ctx: Context, noun: Token) -> list[Entity]:
    """The cloud business "Amazon's cloud" or "Google's cloud unit" stands for (the Provider rule)."""
    if noun.lemma_.lower() not in UNIT_NOUNS:
        return []
    owners = [e for c in noun.children if c.dep_ == "poss" and (e := org_of(ctx, c))]
    return [ctx.resolver.provider(e) for e in owners if ctx.resolver.is_provider(e)]


def _ranked(verb: Token) -> bool:
    """Whether a clause states a market rank ('remains the third-largest provider')."""
    return any(t.lower_ in RANK_WORDS or t.tag_ == "JJS" for t in verb.subtree if t.i < verb.i + 8)


def _place_before(ctx: Context, token: Token) -> tuple[Entity | None, int]:
    """The first Place of 'San Jose, California-' ending just before `token`, and where the phrase starts."""
    place, start, i = None, token.i, token.i - 1
    if i >= ctx.sent.start and ctx.sent.doc[i].text in ("-", "–"):
        i -= 1
    while i >= ctx.sent.start:
        entity = entity_of(ctx, ctx.sent.doc[i])
        if entity is None or entity.cls != "Place":
            break
        mention = ctx.mention_of(ctx.sent.doc[i])
        assert mention is not None
        place, start = entity, mention.start
        i = mention.start - 1
        if i >= ctx.sent.start and ctx.sent.doc[i].text == ",":
            i -= 1
            before = ctx.sent.doc[i]
            known = entity_of(ctx, before)
            if i >= ctx.sent.start and before.pos_ == "PROPN" and (known is None or known.cls != "Place"):
                return None, start  # "Smalltown, NC-based": the city is not known, the state is not the seat
    return place, start


def _holder(ctx: Context, noun: Token, start: int) -> Entity | None:
    """The organisation an HQ phrase describes: the noun itself, its apposition head, or what 'the …' means."""
    doc = ctx.sent.doc
    if start - 3 >= ctx.sent.start and doc[start - 1].lower_ in ("a", "an") and doc[start - 2].text == ",":
        # "X, a Denver-based software startup": the named company, whatever the noun after resolves to
        named = org_of(ctx, doc[start - 3])
        if named is not None:
            return named
    entity = org_of(ctx, noun)
    if entity is not None:
        return entity
    if noun.dep_ == "compound":
        return org_of(ctx, noun.head)
    if noun_word(noun) not in ORG_NOUNS:
        return None
    det = doc[start - 1] if start > ctx.sent.start else None
    if det is not None and det.lower_ in ("a", "an", "the") and start - 3 >= ctx.sent.start:
        # "X, the Austin-based group": an apposition; ", the Austin-based company said" is a new subject
        apposition = doc[start - 2].text == "," and noun.dep_ not in ("nsubj", "nsubjpass")
        named = org_of(ctx, doc[start - 3]) if apposition else None
        if named is not None or det.lower_ != "the":
            return named
    if det is not None and det.lower_ == "the":
        return described(ctx, noun, classes=classes(noun))
    return None


def _headquarters(ctx: Context) -> list[Relation]:
    """'Seattle-based X', 'X, based in Y', 'X is headquartered in Y', 'the San Jose company'."""
    found: list[Relation] = []
    doc = ctx.sent.doc
    for token in span_tokens(ctx.sent):
        place, holder = None, None
        if token.lower_ in HQ_WORDS:
            place, start = _place_before(ctx, token)
            if place is not None:
                after = doc[token.i + 1 : min(token.i + 5, ctx.sent.end)]
                noun = next((t for t in after if t.pos_ in ("NOUN", "PROPN")), None)
                noun = token.head if token.dep_ == "amod" else noun
                holder = _holder(ctx, noun, start) if noun is not None else None
            else:
                pobj = [g for c in token.children if c.lower_ == "in" for g in c.children if g.dep_ == "pobj"]
                place = entity_of(ctx, pobj[0]) if pobj else None
                target = token.head if token.dep_ in ("acl", "amod") else subject_of(token)
                if place is not None and place.cls == "Place" and target is not None:
                    edge = target.left_edge
                    holder = org_of(ctx, target) or _holder(ctx, target, edge.i + (edge.dep_ == "det"))
        elif token.lower_ in ("headquarters", "hq") and not any(
            c.lower_ in HQ_QUALIFIERS or c.lower_.rstrip("-") in FORMER for c in token.children
        ):
            # "Alibaba's headquarters in Hangzhou", "from its headquarters in New York"
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            pobj = [g for c in token.children if c.lower_ == "in" for g in c.children if g.dep_ == "pobj"]
            place = entity_of(ctx, pobj[0]) if pobj and owner is not None else None
            if place is not None and owner is not None:
                holder = org_of(ctx, owner) or (reference(ctx, owner, exclude=set()) if owner.lower_ == "its" else None)
        elif token.pos_ == "NOUN" and noun_word(token) in ORG_NOUNS and token.tag_ == "NN":
            # "the Redmond, Washington, company": the first place of the phrase is the city
            places = [entity_of(ctx, c) for c in token.children if c.dep_ in ("compound", "nmod")]
            if places and places[0] is not None and places[0].cls == "Place":
                places = [
                    e
                    for t in ctx.sent.doc[token.left_edge.i : token.i]
                    if (e := entity_of(ctx, t)) and e.cls == "Place"
                ]
                edge = token.left_edge
                place = places[0]
                holder = _holder(ctx, token, edge.i + 1 if edge.lower_ in ("a", "an", "the") else edge.i)
        if place is not None and place.cls == "Place" and holder is not None and holder.cls != "MediaOutlet":
            found.append(Relation(subject=holder, prop="headquarteredIn", object=place))
    return found


def _is_title_word(token: Token) -> bool:
    return token.lower_ in TITLE_WORDS or token.lemma_.lower() in TITLE_WORDS


def _title_text(ctx: Context, tokens: list[Token]) -> str:
    """'chief executive' of 'Amazon's chief executive', 'senior vice president' of 'the Google senior …'."""
    words = [t for t in tokens if ctx.mention_of(t) is None and t.pos_ in ("ADJ", "NOUN", "PROPN", "PUNCT", "CCONJ")]
    while words and words[0].pos_ in ("PUNCT", "CCONJ"):
        words = words[1:]
    titled = [k for k, t in enumerate(words) if _is_title_word(t)]
    if not titled:
        return ""
    first, last = words[0], words[titled[-1]]
    return ctx.sent.doc[first.i : last.i + 1].text


def _employers(ctx: Context, tokens: list[Token], title: str, *, bare_ok: bool, units: bool = False) -> list[Entity]:
    """The organisation a title phrase names (with one coordinated: 'of Google and its parent Alphabet').

    'its' and "the company's" are resolved when no organisation is named; a bare corporate title
    ('the chief executive') goes to the organisation the article is about (`units`: a cloud provider may be it).
    """
    found: list[Entity] = []
    for token in tokens:
        entity = org_of(ctx, token)
        if entity is not None and entity not in found:
            found.append(entity)
        elif entity is None and found and token.lower_ not in LINK_WORDS:
            break
    if found:
        return found
    if any(t.dep_ == "poss" for t in tokens):
        return _described_owner(ctx, tokens)
    if not bare_ok or not {w.lower() for w in title.replace("-", " - ").split()} & CORPORATE_TITLES:
        return found
    anchor = tokens[0]
    doc = ctx.sent.doc
    employers = ("Company", "CloudProvider") if units else ("Company",)
    in_sent = [(i, e) for i, e in prior_orgs(ctx, anchor.i) if i >= ctx.sent.start and e.cls == "Company"]
    nearest = [e for i, e in in_sent if not _former(doc, i)]
    if in_sent and not nearest:
        return []  # "ex-Oracle man X replaces current CEO Y": the only company named is someone's former one
    topic = nearest[-1] if nearest else described(ctx, anchor, classes=employers)
    return [topic] if topic is not None else []


def _trailing_org(ctx: Context, comma: Token) -> Entity | None:
    """An organisation named alone after a title's comma, ending the sentence: ', Chairman and CEO, Snowflake.'."""
    doc = ctx.sent.doc
    mention = ctx.mention_of(doc[comma.i + 1]) if comma.i + 1 < ctx.sent.end else None
    if mention is None or not org_of(ctx, doc[mention.start]) or mention.start != comma.i + 1:
        return None
    end = doc[mention.end] if mention.end < ctx.sent.end else None
    return mention.entity if end is None or end.is_punct and end.text not in ("-", "–", "'s") else None


def _former(doc: Doc, i: int) -> bool:
    """Whether the name at token `i` is qualified as a past one ('ex Oracle', 'ex-Oracle', 'former Google')."""
    before = [t.lower_ for t in doc[max(0, i - 2) : i] if t.text not in ("-", "–")]
    return bool(before) and before[-1].rstrip("-") in FORMER


def _described_owner(ctx: Context, tokens: list[Token]) -> list[Entity]:
    """The organisation a possessive stands for: 'its', "the company's", "the banking giant's"."""
    for token in tokens:
        if token.dep_ == "poss" and token.lower_ in ("its", "their"):
            entity = antecedent(ctx, token, set(), False)
        elif token.dep_ == "poss" and token.lemma_.lower() in ORG_NOUNS:
            entity = described(ctx, token, classes=classes(token))
        else:
            continue
        return [entity] if entity is not None else []
    return []


def _after(ctx: Context, start: int) -> list[Token]:
    """The appositive phrase that follows a name: ', O's chief executive,' up to the next comma or clause."""
    doc, tokens = ctx.sent.doc, []
    for i in range(start, ctx.sent.end):
        token = doc[i]
        verb = token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound") and not _is_title_word(token)
        if token.text in SEGMENT_STOPS or token.lower_ in CLAUSE_WORDS or verb:
            break
        tokens.append(token)
    return tokens


def _before(ctx: Context, end: int) -> list[Token]:
    """The title words in front of a name: "Alibaba's chief financial officer", 'Oracle co-founder and chairman'."""
    doc, tokens = ctx.sent.doc, []
    i = end - 1
    while i >= ctx.sent.start and len(tokens) < 10:
        token = doc[i]
        if token.pos_ not in ("ADJ", "NOUN", "PROPN", "CCONJ", "PART", "PUNCT") or token.text in SEGMENT_STOPS:
            break
        mention = ctx.mention_of(token)
        if mention is not None and mention.entity.cls == "Person":
            break
        tokens.insert(0, token)
        i -= 1
    return tokens if tokens and _is_title_word(tokens[-1]) else []


def _works_for(ctx: Context) -> list[Relation]:
    """Employers of the people named with a job title."""
    found: list[Relation] = []
    doc = ctx.sent.doc
    for mention in ctx.mentions:
        person = mention.entity
        current = ctx.resolver.seen.get(person.label.lower(), person)
        if person.cls != "Person" or current.cls != "Person":
            continue
        phrases: list[tuple[list[Token], bool, bool]] = []
        if mention.end < ctx.sent.end and doc[mention.end].text == ",":
            after = _after(ctx, mention.end + 1)
            nxt = doc[mention.end + 1 + len(after)] if mention.end + 1 + len(after) < ctx.sent.end else None
            # "X, chief financial officer." / "X, chief executive, said": a title standing alone
            alone = nxt is None or nxt.text in (".", ",") and not any(t.pos_ in ("ADP", "DET") for t in after)
            trailing = _trailing_org(ctx, nxt) if after and nxt is not None and nxt.text == "," else None
            if trailing is not None and not any(org_of(ctx, t) for t in after):
                after = [*after, nxt, doc[nxt.i + 1]]  # "X, chairman and chief executive, Snowflake."
            phrases.append((after, bool(after) and (after[0].lower_ == "the" or alone), alone))
            if not after and nxt is not None and nxt.lower_ == "who":
                verb = doc[nxt.i + 1] if nxt.i + 1 < ctx.sent.end else None
                if verb is not None and verb.lemma_.lower() in LEAD_VERBS and verb.tag_ in ("VBZ", "VBP"):
                    rest = _after(ctx, verb.i + 1)
                    orgs = [e for t in rest if (e := org_of(ctx, t))] or _described_owner(ctx, rest)
                    tail = [t for t in rest if t.i > max((t.i for t in rest if t.lower_ == "as"), default=rest[-1].i)]
                    title = _title_text(ctx, tail) or verb.lemma_.lower()
                    found += [Relation(person, "worksFor", org, title) for org in dict.fromkeys(orgs)]
        before = _before(ctx, mention.start)
        if before:
            lead = before[0].i - 1
            by_verb = doc[lead - 1] if lead - 1 >= ctx.sent.start and doc[lead].lower_ == "by" else None
            if by_verb is not None and by_verb.lemma_.lower() in LEAD_VERBS:
                owner = org_of(ctx, by_verb.head) or (org_of(ctx, doc[by_verb.i - 2]) if by_verb.i - 2 >= 0 else None)
                before = ([by_verb.head] if owner else []) + before
            lowercase = all(not t.is_title for t in before if ctx.mention_of(t) is None)
            if before[-1].lemma_.lower() not in PORTFOLIO_TITLES:
                phrases.append((before, lowercase, False))
        root = doc[mention.end - 1]
        # "Oracle's Jane Doe said": an organisation's possessive on a person is the employer
        for poss in (c for c in root.children if c.dep_ == "poss" and c.i < mention.start):
            owner = org_of(ctx, poss)
            full_name = mention.end - mention.start > 1  # "Salesforce's Mulesoft" taken for a person is no one
            if owner and full_name and owner.cls != "MediaOutlet" and not _former(doc, ctx.mention_of(poss).start):
                found.append(Relation(subject=person, prop="worksFor", object=owner))
        if root.dep_ == "appos" and root.head.i < mention.start and _is_title_word(root.head):
            phrases.append(([t for t in root.head.subtree if t.i < mention.start], False, False))
        for tokens, bare_ok, units in phrases:
            if not tokens or any(t.lower_.rstrip("-") in FORMER for t in tokens):
                continue
            title = _title_text(ctx, tokens)
            if not title:
                continue
            for org in _employers(ctx, tokens, title, bare_ok=bare_ok, units=units):
                found.append(Relation(subject=person, prop="worksFor", object=org, job_title=title))
    return found


def relations(ctx: Context) -> list[Relation]:
    """worksFor, competesWith and headquarteredIn stated in the sentence."""
    return _works_for(ctx) + _competes(ctx) + _headquarters(ctx)


# (extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
RELATION_EXTRACTORS = ((relations, 20),)
