"""Shared pieces of the rule-based extractors: sentence context, roles from syntax, confidence.

Whether a sentence states, plans or denies an event (`assertion`) is `pipelines.extractors.assertion`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from graph.records import Amount, Article, Entity
from pipelines.entities import ORG_CLASSES, Mention, Resolver
from pipelines.lexicon import word_class
from pipelines.normalize import Found, find_amounts, find_terms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

T = TypeVar("T")

REPORT_LEMMAS = word_class("report_lemmas")
CUSTOMER_CLASSES = frozenset({"Company", "GovernmentBody", "CloudProvider"})
PRONOUNS = word_class("pronouns")


@dataclass
class Context:
    """What an extractor sees: one sentence, its mentions and the article so far."""

    sent: Span
    mentions: list[Mention]
    resolver: Resolver
    article: Article
    salient: list[Entity] = field(default_factory=list)

    @property
    def text(self) -> str:
        return span_text(self.sent).strip()

    @property
    def text_so_far(self) -> str:
        """The article's text up to the end of this sentence."""
        return doc_text(self.sent.doc)[: self.sent.end_char]

    def mention_of(self, token: Token) -> Mention | None:
        """The mention covering `token`, if any."""
        for mention in self.mentions:
            if mention.start <= token.i < mention.end:
                return mention
        return None

    def amounts(self) -> list[tuple[int, Amount]]:
        """Money amounts of the sentence with the doc token index where each starts (found once per sentence)."""
        return list(self._amounts)

    @cached_property
    def _amounts(self) -> tuple[tuple[int, Amount], ...]:
        return tuple(
            (self._token_at(f), f.value) for f in find_amounts(span_text(self.sent)) if isinstance(f.value, Amount)
        )

    def deal_amounts(self) -> list[tuple[int, Amount]]:
        """The sentence's amounts of at least a million, each value stated once (restatements dropped)."""
        seen: set[tuple[object, str]] = set()
        found = []
        for index, amount in self._amounts:
            if amount.value >= 1_000_000 and (amount.value, amount.currency) not in seen:
                seen.add((amount.value, amount.currency))
                found.append((index, amount))
        return found

    def terms(self) -> list[str]:
        """Contract lengths stated in the sentence."""
        return [str(f.value) for f in find_terms(span_text(self.sent))]

    def _token_at(self, found: Found) -> int:
        char = self.sent.start_char + found.start
        for token in span_tokens(self.sent):
            if token.idx + len(token.text) > char:
                return token.i
        return self.sent.end - 1

    def reported_by(self) -> Entity | None:
        """The media outlet the sentence credits ('…, Reuters reported'), if any."""
        if not span_lemmas(self.sent) & REPORT_LEMMAS:
            return None
        for mention in self.mentions:
            if mention.entity.cls == "MediaOutlet":
                return mention.entity
        return None


def per_doc(doc: Doc, key: str, make: Callable[[Doc], T]) -> T:
    """`make(doc)`, computed once per doc and kept in its `user_data`."""
    found = doc.user_data.get(key)
    if found is None:
        found = doc.user_data[key] = make(doc)
    return found  # type: ignore[no-any-return]


def doc_sents(doc: Doc) -> tuple[Span, ...]:
    """The doc's sentences, found once per doc (`doc.sents` walks every token on each call)."""
    return per_doc(doc, "cvkg_sents", lambda d: tuple(d.sents))


def doc_text(doc: Doc, source: str | None = None) -> str:
    """The doc's text, joined once per doc (`doc.text` joins every token on each call).

    `source`, the text the doc was parsed from, is taken as it is when its length matches
    (spaCy's tokenizer keeps every character).
    """

    def make(d: Doc) -> str:
        last = d[-1] if len(d) else None
        if source is not None and last is not None and last.idx + len(last.text_with_ws) == len(source):
            return source
        return d.text

    return per_doc(doc, "cvkg_text", make)


def doc_tokens(doc: Doc) -> tuple[Token, ...]:
    """The doc's tokens, made once per doc (spaCy builds a new Token object on every index or iteration)."""
    return per_doc(doc, "cvkg_tokens", tuple)


def span_tokens(span: Span) -> tuple[Token, ...]:
    """The span's tokens, from the doc's (iterating the span would make new Token objects)."""
    return doc_tokens(span.doc)[span.start : span.end]


def span_text(span: Span) -> str:
    """The span's text, cut from the doc's (`span.text` joins its tokens on each call)."""
    return doc_text(span.doc)[span.start_char : span.end_char]


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """The doc's entity spans, made once per doc (`doc.ents` makes every span again on each call)."""
    return per_doc(doc, "cvkg_ents", lambda d: tuple(d.ents))


def span_ents(span: Span) -> list[Span]:
    """The entities wholly inside the span, as `span.ents` gives them, from the doc's."""
    found = []
    for ent in doc_ents(span.doc):
        if ent.start >= span.start:
            if ent.end > span.end:
                break
            found.append(ent)
    return found


def doc_lemmas(doc: Doc) -> tuple[str, ...]:
    """Each token's lemma, lowercased, read once per doc."""
    return per_doc(doc, "cvkg_lemmas", lambda d: tuple(t.lemma_.lower() for t in doc_tokens(d)))


def doc_lowers(doc: Doc) -> tuple[str, ...]:
    """Each token's lowercased text, read once per doc."""
    return per_doc(doc, "cvkg_lowers", lambda d: tuple(t.lower_ for t in doc_tokens(d)))


def span_lemmas(span: Span) -> set[str]:
    """The lowercased lemmas of the span's tokens."""
    return set(doc_lemmas(span.doc)[span.start : span.end])


def span_lowers(span: Span) -> set[str]:
    """The lowercased words of the span."""
    return set(doc_lowers(span.doc)[span.start : span.end])


def sentences_before(sent: Span, count: int) -> list[Span]:
    """Up to `count` sentences of the doc before `sent`, nearest first."""
    return [s for s in doc_sents(sent.doc) if s.end <= sent.start][-count:][::-1]


def particles(verb: Token) -> set[str]:
    """Words that complete a phrasal verb: 'off' in 'move off AWS', 'over' in 'take over X'.

    The parser tags them particles, adverbs or prepositions with no object of their own.
    """
    return {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod") or c.dep_ == "prep" and not any(c.children)}


def phrase_head(token: Token) -> Token:
    """The head of the phrase a name stands in, climbing over conjuncts, appositions and compounds."""
    while token.dep_ in ("conj", "appos", "compound") and token.head.i != token.i:
        token = token.head
    return token


def governing_preposition(token: Token) -> str:
    """The preposition a noun hangs from, climbing over conjuncts and appositions ('to X and Y')."""
    token = phrase_head(token)
    if token.dep_ == "pobj":
        return token.head.lower_
    return ""


def verb_chain(token: Token) -> list[Token]:
    """The token and the verbs it is a complement or conjunct of, nearest first."""
    chain = [token]
    while (
        token.dep_
        in (
            "xcomp",
            "ccomp",
            "conj",
            "advcl",
            "acl",
            "relcl",
            "pcomp",
            "prep",
            "pobj",
            "dobj",
            "nsubj",
        )
        and token.head.i != token.i
    ):
        token = token.head
        chain.append(token)
        if token.dep_ == "ROOT":
            break
    return chain


def subject_of(trigger: Token) -> Token | None:
    """The grammatical subject of the trigger or of the verbs governing it."""
    for verb in verb_chain(trigger):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


def core_subtree(head: Token) -> list[Token]:
    """The phrase headed by `head` without its relative clauses, appositions and prepositional phrases.

    'Weekly, who held roles at Intel, …' -> 'Weekly'; 'Snap and Lyft' keeps both conjuncts.
    """
    tokens = []
    for token in head.subtree:
        node = token
        while node.i != head.i and node.dep_ not in ("relcl", "acl", "appos", "prep", "advcl", "parataxis"):
            node = node.head
        if node.i == head.i:
            tokens.append(token)
    return tokens


def path_avoids_other_clauses(token: Token, allowed: set[int]) -> bool:
    """Whether `token` hangs from one of the `allowed` tokens without crossing another verb's clause."""
    node = token
    while node.i not in allowed:
        if node.head.i == node.i:
            return False
        node = node.head
        if node.i not in allowed and node.pos_ in ("VERB", "AUX") and node.dep_ not in ("xcomp", "aux"):
            return False
    return True


def clause_heads(trigger: Token) -> set[int]:
    """The trigger and the verbs it depends on through complements: the clause the event is stated in."""
    heads = {trigger.i}
    node = trigger
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
        heads.add(node.i)
    heads.add(node.i)
    while node.dep_ in ("xcomp", "ccomp") and node.head.i != node.i:
        node = node.head
        heads.add(node.i)
    return heads


def is_org(entity: Entity) -> bool:
    """Whether the entity is an organisation (any org class)."""
    return entity.cls in ORG_CLASSES


def subject_entity(
    ctx: Context, trigger: Token, *, exclude_providers: bool = True, possessive: bool = False
) -> Entity | None:
    """The organisation that is the subject of the trigger, resolving pronouns to the salient one.

    With `possessive`, a subject owned by a pronoun ('its applications will move') stands for its owner.
    """
    subject = subject_of(trigger)
    if subject is None:
        return None
    for token in core_subtree(subject):
        mention = ctx.mention_of(token)
        if mention is None:
            continue
        entity = mention.entity
        if entity.cls == "Product":
            owner = owner_in_article(ctx, entity)
            if owner is not None:
                return owner
        if entity.cls in CUSTOMER_CLASSES and not (exclude_providers and entity.cls == "CloudProvider"):
            return entity
    pronoun_owner = possessive and any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in subject.children)
    if subject.lower_ in ("which", "that", "who") and subject.head.dep_ == "relcl":
        # "Harlow Exchange, which is moving its systems to Google Cloud": the noun the clause describes
        mention = ctx.mention_of(subject.head.head)
        if mention is not None and mention.entity.cls in CUSTOMER_CLASSES:
            if not (exclude_providers and mention.entity.cls == "CloudProvider"):
                return mention.entity
    if subject.lower_ in ("it", "they") and (parallel := _conjunct_subject(ctx, subject.head)) is not None:
        if not (exclude_providers and ctx.resolver.is_provider(parallel)):
            return parallel  # "X paid $1bn for A, and in the same year it bought B": it is X
    if subject.lower_ in PRONOUNS or pronoun_owner or " ".join(t.lower_ for t in core_subtree(subject)) in PRONOUNS:
        # an organisation named earlier in the same sentence first ("Google's record, the $12.5bn it paid")
        from pipelines.extractors.reference import latest  # reference builds on this module

        before = [m.entity for m in ctx.mentions if m.end <= subject.i]
        return latest(
            ctx, [*ctx.salient, *before], classes=CUSTOMER_CLASSES, providers=False if exclude_providers else None
        )
    return None


def _conjunct_subject(ctx: Context, verb: Token) -> Entity | None:
    """The organisation that is the subject of the verb this one is coordinated with."""
    if verb.dep_ != "conj" or verb.head.pos_ not in ("VERB", "AUX"):
        return None
    for child in verb.head.children:
        if child.dep_ in ("nsubj", "nsubjpass") and (mention := ctx.mention_of(child)) is not None:
            return mention.entity if mention.entity.cls in CUSTOMER_CLASSES else None
    return None


def owner_in_article(ctx: Context, product: Entity) -> Entity | None:
    """The product's known owner when the article names it."""
    parent = ctx.resolver.parent_of(product)
    if parent is None:
        return None
    named = {m.entity.id for m in ctx.mentions} | {e.id for e in ctx.salient}
    return parent if parent.id in named else None


def confidence(*, roles_found: int, roles_wanted: int, explicit_trigger: bool) -> float:
    """A rule's confidence: share of roles it filled, raised by an explicit trigger word."""
    base = 0.55 + 0.35 * (roles_found / max(roles_wanted, 1))
    return round(min(base + (0.05 if explicit_trigger else -0.1), 0.95), 3)
