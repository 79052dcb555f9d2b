"""Contract: a customer buys from a cloud provider (a signed deal, commitment, award or stated use)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graph.records import Amount, Entity, Event
from pipelines.extractors.acquisition import extract_acquisitions
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import (
    CUSTOMER_CLASSES,
    Context,
    clause_heads,
    core_subtree,
    path_avoids_other_clauses,
    span_lemmas,
    span_lowers,
    span_text,
    span_tokens,
    subject_entity,
    subject_of,
    verb_chain,
)
from pipelines.extractors.events import make_event
from pipelines.lexicon import word_class
from pipelines.normalize import find_terms

if TYPE_CHECKING:
    from spacy.tokens import Token

DEAL_NOUNS = word_class("deal_nouns")
DEAL_VERBS = word_class("deal_verbs")  # fmt: skip
# verbs that state use only with the provider after "on": "runs on AWS", "built on Azure"
ON_VERBS = word_class("on_verbs")
# verbs that make a provider "preferred"/"primary": "named Microsoft its preferred cloud provider"
GAIN_VERBS = word_class("gain_verbs")
BUY_VERBS = word_class("contract_buy_verbs")
LEGAL_WORDS = word_class("legal_words")
RELY_NOUNS = word_class("rely_nouns")
PREFER_VERBS = word_class("prefer_verbs")
PREFER_WORDS = word_class("prefer_words")
CUSTOMER_NOUNS = word_class("customer_nouns")
TAKEOVER_LEMMAS = word_class("takeover_lemmas")
PERSON_NOUNS = word_class("person_nouns")  # fmt: skip
CONTEST_LEMMAS = word_class("contest_lemmas")
ENDING_LEMMAS = word_class("ending_lemmas")  # fmt: skip
BID_NOUNS = word_class("bid_nouns")
COMBINED_WORDS = ("combined", "in total", "between them", "shared", "split among", "collectively")


def _triggers(ctx: Context) -> list[Token]:
    found = []
    lowered = span_lowers(ctx.sent)
    lemmas = span_lemmas(ctx.sent)
    for token in span_tokens(ctx.sent):
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in DEAL_VERBS:
            found.append(token)
        elif (
            token.pos_ == "VERB"
            and lemma in ON_VERBS
            and any(
                c.dep_ == "prep" and c.lower_ in ("on", "onto")
                for c in (*token.children, *(g for o in token.children if o.dep_ == "dobj" for g in o.children))
            )  # "runs on AWS", and "runs its service on AWS" with 'on' hung from the object
        ):
            found.append(token)
        elif token.pos_ == "VERB" and lemma in PREFER_VERBS and lowered & PREFER_WORDS:
            found.append(token)
        elif token.pos_ == "VERB" and lemma in BUY_VERBS and _provider_after(ctx, token, ("from",)):
            found.append(token)  # "bought $300m of computing capacity from Oracle"
        elif token.pos_ == "VERB" and lemma == "pay" and _provider_after(ctx, token, ()) and not lemmas & LEGAL_WORDS:
            found.append(token)  # "will pay Microsoft $200m for Azure capacity" (not a settlement)
        elif token.pos_ == "NOUN" and lemma in DEAL_NOUNS:
            found.append(token)
        elif token.pos_ == "NOUN" and lemma in RELY_NOUNS and any(c.lower_ == "on" for c in token.children):
            found.append(token)  # "its reliance on AWS": a customer relationship that stands
    return found


def _provider_after(ctx: Context, verb: Token, preps: tuple[str, ...]) -> bool:
    """Whether a provider is the verb's object (no `preps`) or the object of one of `preps` ('from Oracle')."""
    heads = [c for c in verb.children if c.dep_ in ("dobj", "dative") and not preps]
    heads += [o for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ in preps for o in c.children]
    for head in heads:
        mention = ctx.mention_of(head)
        if mention is not None and ctx.resolver.is_provider(mention.entity):
            return True
    return False


def _ancestors(ctx: Context, entity: Entity) -> set[str]:
    ids, current = set(), entity
    while (parent := ctx.resolver.parent_of(current)) is not None and parent.id not in ids:
        ids.add(parent.id)
        current = parent
    return ids


def _providers(ctx: Context, customers: list[Entity], trigger: Token) -> list[tuple[int, Entity]]:
    """Providers named in the trigger's clause, with the token where each is named."""
    found: dict[Entity, int] = {}
    allowed = clause_heads(trigger)
    for mention in ctx.mentions:
        if mention.entity in customers or not ctx.resolver.is_provider(mention.entity):
            continue
        last = ctx.sent.doc[mention.end - 1]
        if not path_avoids_other_clauses(last, allowed):
            continue
        if last.dep_ in ("compound", "poss") and last.head.lemma_.lower() in PERSON_NOUNS:
            continue  # "taps a former Oracle executive": a person, not the provider
        if any(a.lemma_.lower() in BID_NOUNS for a in _path_up(last, allowed)):
            continue  # "asked for bids from AWS and Google": bidders, not the winners
        provider = ctx.resolver.provider(mention.entity)
        if any(provider == ctx.resolver.provider(c) or c.id in _ancestors(ctx, provider) for c in customers):
            continue
        found.setdefault(provider, mention.start)
    return sorted(((i, p) for p, i in found.items()), key=lambda pair: pair[0])


def _path_up(token: Token, allowed: set[int]) -> list[Token]:
    """The tokens above `token` up to the first of `allowed` (or the root)."""
    path = []
    while token.i not in allowed and token.head.i != token.i:
        token = token.head
        path.append(token)
    return path


WIN_VERBS = word_class("win_verbs")


def _winner(ctx: Context, deal: Token) -> tuple[int, Entity] | None:
    """The provider that won the deal: the subject of 'win/land/secure' whose object is the deal noun."""
    if deal.dep_ != "dobj" or deal.head.lemma_.lower() not in WIN_VERBS:
        return None
    subject = subject_of(deal.head)
    for token in core_subtree(subject) if subject is not None else ():
        mention = ctx.mention_of(token)
        if mention is not None and ctx.resolver.is_provider(mention.entity):
            return mention.start, ctx.resolver.provider(mention.entity)
    return None


def _awarders(ctx: Context, deal: Token) -> list[Entity]:
    """Who gave a won deal: 'a contract from/with Acme', on the noun or on the winning verb."""
    found: list[Entity] = []
    for head in (deal, deal.head):
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("from", "with", "by")):
            for token in prep.subtree:
                mention = ctx.mention_of(token)
                entity = mention.entity if mention is not None else None
                if entity is not None and entity.cls in ("Company", "GovernmentBody") and entity not in found:
                    if not ctx.resolver.is_provider(entity):
                        found.append(entity)
    return found


def _deal_noun(trigger: Token) -> Token | None:
    """The deal noun a trigger is or describes: 'contract', or 'the contract awarded to X' (also when the parser
    hangs the participle from the clause: 'over the CIA contract – awarded to AWS')."""
    if trigger.pos_ == "NOUN" and trigger.lemma_.lower() in DEAL_NOUNS:
        return trigger
    if not _bare_participle(trigger):
        return None
    if trigger.dep_ == "acl" and trigger.head.lemma_.lower() in DEAL_NOUNS:
        return trigger.head
    before = [t for t in ctx_tokens_before(trigger, 3) if not t.is_punct]
    return before[0] if before and before[0].lemma_.lower() in DEAL_NOUNS else None


def _status(ctx: Context, trigger: Token) -> str | None:
    """`assertion`, except that a modal or negation of a clause this one is coordinated with does not scope over
    it ('X may seem unlikely, but reports claim that Y runs on Azure')."""
    return assertion(ctx, trigger, any_conjunct=True)


def _contested(trigger: Token) -> bool:
    """A deal competed or bid for, protested or lost ('competes with Azure for every deal') is no one's contract."""
    return any(v.lemma_.lower() in CONTEST_LEMMAS for v in verb_chain(trigger)[:4])


def _bare_participle(verb: Token) -> bool:
    """A past participle with no subject or auxiliary of its own: 'the contract awarded to X'."""
    return verb.tag_ == "VBN" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)


def ctx_tokens_before(token: Token, count: int) -> list[Token]:
    """Up to `count` tokens before `token` in its sentence, nearest first."""
    start = max(token.sent.start, token.i - count)
    return [token.doc[i] for i in range(token.i - 1, start - 1, -1)]


def _owner(ctx: Context, deal: Token) -> Entity | None:
    """The customer a deal noun names itself: "the agency's contract", 'the CIA contract' (not a provider)."""
    if any(c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her", "our") for c in deal.children):
        return None  # "awarded its Acme Program contract": the subject's, and the name is the programme's
    for child in deal.children:
        if child.dep_ not in ("poss", "compound"):
            continue
        mention = ctx.mention_of(child)
        # a possessor buys ("the agency's contract"); a modifying name does when it is a public body
        # ("the CIA contract"), while a company's ("the Acme deals") may as well be the seller's
        wanted = ("Company", "GovernmentBody") if child.dep_ == "poss" else ("GovernmentBody",)
        if mention is not None and mention.entity.cls in wanted and not ctx.resolver.is_provider(mention.entity):
            return mention.entity
    return None


def _between(ctx: Context, deal: Token) -> tuple[list[Entity], list[tuple[int, Entity]]] | None:
    """'a contract between AWS and the agency': (customers, providers) when the phrase names both."""
    for prep in (c for c in deal.children if c.dep_ == "prep" and c.lower_ == "between"):
        customers: list[Entity] = []
        providers: dict[Entity, int] = {}
        for token in prep.subtree:
            mention = ctx.mention_of(token)
            if mention is None or mention.entity.cls not in CUSTOMER_CLASSES:
                continue
            if ctx.resolver.is_provider(mention.entity):
                providers.setdefault(ctx.resolver.provider(mention.entity), mention.start)
            elif mention.entity not in customers:
                customers.append(mention.entity)
        if customers and providers:
            return customers, sorted(((i, p) for p, i in providers.items()), key=lambda pair: pair[0])
    return None


def _described_subject(ctx: Context, verb: Token) -> Entity | None:
    """ "The San Jose-based company already runs on AWS": the company the description stands for (never a provider)."""
    from pipelines.extractors.reference import described_subject

    providers = frozenset(m.entity.id for m in ctx.mentions if ctx.resolver.is_provider(m.entity))
    found = described_subject(ctx, verb, classes=("Company", "GovernmentBody"), exclude=providers)
    return found if found is not None and not ctx.resolver.is_provider(found) else None


def _appositive_subject(ctx: Context, verb: Token) -> Entity | None:
    """ "The country's signals agency, Acme, has signed …": the name in apposition to a described subject."""
    subject = subject_of(verb)
    for appos in (c for c in subject.children if c.dep_ == "appos") if subject is not None else ():
        mention = ctx.mention_of(appos)
        if mention is not None and mention.entity.cls in ("Company", "GovernmentBody"):
            return mention.entity
    return None


def _customers(ctx: Context, verb: Token) -> list[Entity]:
    """The subject organisation and organisations coordinated with it ('Snap and Lyft signed …')."""
    # a cloud business buys from another too ("a SaaS provider signed with Alibaba Cloud"): _providers drops its own
    first = (
        subject_entity(ctx, verb, exclude_providers=False)
        or _appositive_subject(ctx, verb)
        or _described_subject(ctx, verb)
    )
    if first is None:
        return []
    found = [first]
    subject = subject_of(verb)
    # only names coordinated with the subject itself (not with another mention of the same company elsewhere)
    heads = {t.i for t in subject.subtree} if subject is not None else set()
    for mention in ctx.mentions:
        token = ctx.sent.doc[mention.end - 1]
        if token.dep_ == "conj" and mention.entity.cls in CUSTOMER_CLASSES and mention.entity.cls != "CloudProvider":
            head = ctx.mention_of(token.head)
            if head is not None and head.entity in found and mention.entity not in found and token.i in heads:
                found.append(mention.entity)
    return found


def _customer_list(ctx: Context) -> tuple[list[Entity], Entity | None]:
    """'Its customers include A, B and C' / "AWS customers such as A and B": (customers, provider)."""
    for token in span_tokens(ctx.sent):
        if token.lemma_.lower() not in CUSTOMER_NOUNS or token.pos_ != "NOUN":
            continue
        provider = None
        named = [c for c in token.children if c.dep_ in ("poss", "compound")]
        named += [o for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children]
        for child in named:  # "AWS customers", "AWS's customers", "a customer of AWS"
            if child.lower_ == "whose":  # "AWS, whose customers include …": the name the clause describes
                clause = next((a for a in child.ancestors if a.dep_ == "relcl"), None)
                child = clause.head if clause is not None else child
            mention = ctx.mention_of(child)
            if mention and ctx.resolver.is_provider(mention.entity):
                provider = ctx.resolver.provider(mention.entity)
        if provider is None and not named and token.dep_ == "dobj" and token.head.lemma_.lower() in GAIN_VERBS:
            # "Google Cloud has signed customers including A and B": the provider is the subject
            subject = subject_of(token.head)
            mention = ctx.mention_of(subject) if subject is not None else None
            if mention is not None and ctx.resolver.is_provider(mention.entity):
                provider = ctx.resolver.provider(mention.entity)
        if provider is None:
            continue
        scope = [t for t in token.head.subtree] if token.head.lemma_.lower() == "include" else list(token.subtree)
        holder = token
        for _ in range(3):  # "X, one of Microsoft's customers" / "X is a customer of AWS"
            if holder.dep_ in ("appos", "attr") or holder.head.i == holder.i:
                break
            holder = holder.head
        if holder.dep_ == "appos":
            scope = [holder.head, *scope]
        elif holder.dep_ == "attr":
            scope = [t for c in holder.head.children if c.dep_ == "nsubj" for t in c.subtree] + scope
        excluded = {provider.id} | _ancestors(ctx, provider)
        customers = []
        for t in scope:
            mention = ctx.mention_of(t)
            entity = mention.entity if mention else None
            if (
                entity
                and entity.cls in CUSTOMER_CLASSES
                and entity.cls != "CloudProvider"
                and entity.id not in excluded
                and ctx.resolver.provider(entity) != provider
                and entity not in customers
            ):
                customers.append(entity)
        if customers:
            return customers, provider
    return [], None


def _among_customers(ctx: Context) -> tuple[list[Entity], Entity | None]:
    """ "counts Zoom among its customers", 'A and B were among the first customers': (customers, provider)."""
    for token in span_tokens(ctx.sent):
        if token.lemma_.lower() not in CUSTOMER_NOUNS or token.pos_ != "NOUN" or token.head.lower_ != "among":
            continue
        verb = token.head.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head  # "named A and B among customers": 'among' may hang from B
        provider = _customers_provider(ctx, token, verb)
        if provider is None:
            return [], None
        excluded = {provider.id} | _ancestors(ctx, provider)
        customers = []
        copula = verb.lemma_ in ("be", "remain")
        for child in verb.children:
            if not (child.dep_ in ("dobj", "oprd") or copula and child.dep_ in ("nsubj", "nsubjpass")):
                continue
            for t in child.subtree:
                mention = ctx.mention_of(t)
                entity = mention.entity if mention else None
                if (
                    entity is not None
                    and entity.cls in ("Company", "GovernmentBody")
                    and entity.id not in excluded
                    and not ctx.resolver.is_provider(entity)
                    and entity not in customers
                ):
                    customers.append(entity)
        return customers, provider
    return [], None


def _customers_provider(ctx: Context, noun: Token, verb: Token) -> Entity | None:
    """Whose customers: the possessor ('its' is the clause's subject), else the provider the article is about."""
    for child in noun.children:
        if child.dep_ != "poss":
            continue
        if (mention := ctx.mention_of(child)) is not None:
            return ctx.resolver.provider(mention.entity) if ctx.resolver.is_provider(mention.entity) else None
        if child.lower_ == "its":
            for subject in (c for c in verb.children if c.dep_ == "nsubj"):
                for t in subject.subtree:
                    if (mention := ctx.mention_of(t)) is not None and ctx.resolver.is_provider(mention.entity):
                        return ctx.resolver.provider(mention.entity)
            # "A and B have been among its customers": the provider the article is about
            salient = [e for e in reversed(ctx.salient) if ctx.resolver.is_provider(e)]
            return ctx.resolver.provider(salient[0]) if salient else None
        return None
    named = [m.entity for m in ctx.mentions if ctx.resolver.is_provider(m.entity)]
    if named:
        return None  # a provider in the sentence that is no possessor: too loose to pair
    salient = [e for e in reversed(ctx.salient) if ctx.resolver.is_provider(e)]
    return ctx.resolver.provider(salient[0]) if salient else None


SAME_TERM = re.compile(r"\bsame (?:period|term|(?:\w+ )?(?:years?|months?))\b", re.IGNORECASE)
RELATIVE_PRONOUNS = word_class("relative_pronouns")


def _foreign_clause(verb: Token, allowed: set[int]) -> bool:
    """Whether a verb on the way up from an amount states something else: it has a subject of its own
    ('… and Google invested $300m in it') or is coordinated with the deal's verb ('… and added a $1bn pledge')."""
    if verb.i in allowed or verb.pos_ not in ("VERB", "AUX"):
        return False
    if verb.dep_ == "conj" and verb.head.i in allowed:
        return True
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in RELATIVE_PRONOUNS for c in verb.children)


def _in_clause(ctx: Context, index: int, allowed: set[int]) -> bool:
    """Whether the token at `index` belongs to the clause of `allowed`, not to another statement of the sentence."""
    node = ctx.sent.doc[index]
    while node.i not in allowed and node.head.i != node.i and not _foreign_clause(node.head, allowed):
        node = node.head
    return node.i in allowed or node.head.i == node.i  # the trigger's clause, or a root that states nothing else


def _clause_amounts(ctx: Context, trigger: Token) -> list[tuple[int, Amount]]:
    """The sentence's deal amounts that belong to the trigger's clause."""
    allowed = clause_heads(trigger)
    return [(i, a) for i, a in ctx.deal_amounts() if _in_clause(ctx, i, allowed)]


def _clause_terms(ctx: Context, trigger: Token) -> list[str]:
    """The contract lengths that belong to the trigger's clause."""
    allowed = clause_heads(trigger)
    found = []
    for term in find_terms(span_text(ctx.sent)):
        char = ctx.sent.start_char + term.start
        index = next((t.i for t in span_tokens(ctx.sent) if t.idx + len(t.text) > char), ctx.sent.end - 1)
        if _in_clause(ctx, index, allowed):
            found.append(str(term.value))
    return found


def _values(ctx: Context, providers: list[tuple[int, Entity]], trigger: Token, used: set[int]) -> dict[Entity, Amount]:
    """Pair the clause's amounts with providers: one each in order, or a single amount for a single provider."""
    amounts = [(i, a) for i, a in _clause_amounts(ctx, trigger) if i not in used]
    if not amounts:
        return {}
    if len(providers) == 1:
        index, amount = min(amounts, key=lambda pair: abs(pair[0] - trigger.i))
        used.add(index)
        return {providers[0][1]: amount}
    if len(amounts) == len(providers) and not any(w in ctx.text.lower() for w in COMBINED_WORDS):
        used.update(i for i, _ in amounts)
        return {p: a for (_, p), (_, a) in zip(providers, amounts, strict=True)}
    return {}


def _terms(ctx: Context, providers: list[tuple[int, Entity]], trigger: Token, first: bool) -> dict[Entity, str]:
    """Contract lengths of the trigger's clause (of the whole sentence for its first deal), paired with providers."""
    terms = ctx.terms() if first else _clause_terms(ctx, trigger)
    if not terms and not first and len(set(ctx.terms())) == 1 and SAME_TERM.search(ctx.text):
        terms = ctx.terms()[:1]  # "… and a $1bn pledge to B over the same five years": the term stated before
    if len(terms) == 1 and len(providers) == 1:
        return {providers[0][1]: terms[0]}
    if terms and len(terms) == len(providers):
        return {p: t for (_, p), t in zip(providers, terms, strict=True)}
    if len(terms) == 1 and SAME_TERM.search(ctx.text):
        return {p: terms[0] for _, p in providers}
    if len(terms) == 1 and _coordinated(ctx, providers) and _deal_term(ctx, trigger):
        return {p: terms[0] for _, p in providers}  # "five-year deals with AWS and Google": each deal's length
    return {}


def _deal_term(ctx: Context, trigger: Token) -> bool:
    """Whether a contract length modifies the deal noun itself ('five-year deals'), not something else."""
    nouns = [trigger] if trigger.pos_ == "NOUN" else [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
    words = {t.i for n in nouns if n.lemma_.lower() in DEAL_NOUNS for t in n.subtree}
    for term in find_terms(span_text(ctx.sent)):
        char = ctx.sent.start_char + term.start
        if any(t.idx <= char < t.idx + len(t.text) + 1 and t.i in words for t in span_tokens(ctx.sent)):
            return True
    return False


def _coordinated(ctx: Context, providers: list[tuple[int, Entity]]) -> bool:
    """Whether the providers are named in one coordinated phrase ('with AWS and Google Cloud')."""
    heads = set()
    for index, _ in providers:
        token = ctx.sent.doc[index]
        while token.dep_ in ("compound", "conj", "appos") and token.head.i != token.i:
            token = token.head
        heads.add(token.i)
    return len(providers) > 1 and len(heads) == 1


def _event(
    ctx: Context,
    customer: Entity,
    provider: Entity,
    roles_extra: dict[str, tuple[object, ...]],
    trigger: Token,
    status: str,
) -> Event:
    roles: dict[str, tuple[object, ...]] = {"customer": (customer,), "provider": (provider,), **roles_extra}
    return make_event(ctx, "Contract", roles, trigger=trigger, status=status, roles_wanted=3)


def extract(ctx: Context) -> list[Event]:
    """Contracts stated in the sentence, one per customer and provider.

    'X signed a five-year, $2bn deal with Google Cloud'; "a $2bn commitment to Google and $1bn to AWS";
    'AWS customers include A, B and C'. Takeovers are not contracts.
    """
    if any(t.lemma_.lower() in TAKEOVER_LEMMAS for t in span_tokens(ctx.sent)) or extract_acquisitions(ctx):
        return []  # "X will buy Y in a $2bn deal": the deal is the takeover
    customers, listed_provider = _customer_list(ctx)
    if not customers:
        customers, listed_provider = _among_customers(ctx)
    if customers and listed_provider is not None:
        return [_event(ctx, c, listed_provider, {}, ctx.sent.root, "") for c in customers]
    events: list[Event] = []
    used: set[int] = set()  # amounts an earlier deal of the sentence took
    for trigger in _triggers(ctx):
        status = _status(ctx, trigger)
        heads = clause_heads(trigger)
        if trigger.dep_ in ("relcl", "acl"):  # "the contract it had awarded to X", as the noun's own clause says
            heads |= clause_heads(trigger.head)
        if status is None or _contested(trigger) or any(ctx.sent.doc[i].lemma_.lower() in ENDING_LEMMAS for i in heads):
            continue
        verb = trigger if trigger.pos_ == "VERB" else trigger.head
        deal = _deal_noun(trigger)
        between = _between(ctx, deal) if deal is not None else None
        owner = _owner(ctx, deal) if deal is not None else None
        winner = _winner(ctx, deal) if deal is not None and between is None else None
        if trigger.lemma_.lower() == "award" and any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children):
            # "the contract was awarded to X by the agency" / "X was awarded a contract by the agency": the agent
            subject = next((c for c in trigger.children if c.dep_ == "nsubjpass"), None)
            by = [c for c in trigger.children if c.dep_ == "agent"]
            by += [p for o in trigger.children if o.dep_ == "dobj" for p in o.children if p.lower_ == "by"]
            agents = [
                m.entity
                for t in by
                for s in t.subtree
                if (m := ctx.mention_of(s)) is not None and m.entity.cls in ("Company", "GovernmentBody")
            ]
            owned = _owner(ctx, subject) if subject is not None and subject.lemma_.lower() in DEAL_NOUNS else None
            customers = list(dict.fromkeys(agents)) or ([owned] if owned is not None else [])
            if not customers:
                continue
            owner = customers[0]
            deal = None
        if winner is not None:
            # "Oracle won a $40m contract from Acme", "AWS landed the NSA contract": the provider is the subject
            customers = [owner] if owner is not None else _awarders(ctx, deal)
            if customers:
                between = (customers, [winner])
        if between is not None:
            customers = between[0]  # "the $600m contract between AWS and the agency"
        elif owner is not None:
            customers = [owner]  # "the agency's contract", "the Acme contract", not the subject of the clause
        elif trigger.lemma_.lower() == "award" and _bare_participle(trigger):
            continue  # "(the contract) awarded to X": the awarder is not the subject of the clause around it
        elif trigger is deal and deal.dep_ in ("nsubj", "nsubjpass"):
            continue  # "The Acme Program contract was awarded to X": the subject names the deal, not its buyer
        else:
            customers = _customers(ctx, verb)
        providers = _providers(ctx, customers, trigger) if customers else []
        if owner is not None and between is None:
            # the clause's subject is no party of a deal the noun names ("IBM protested the agency's contract")
            subjects = {t.i for c in verb_chain(verb) for s in c.children if s.dep_ == "nsubj" for t in s.subtree}
            subjects -= {t.i for t in deal.subtree} if deal is not None else set()  # "Snap's deal with Google runs …"
            providers = [(i, p) for i, p in providers if i not in subjects]
        if between is not None:
            providers = [(i, p) for i, p in between[1]]
        # a provider another trigger of the sentence already paired belongs to that deal
        paired = {(e.roles["customer"][0], e.roles["provider"][0]) for e in events}
        if not providers or all((c, p) in paired for c in customers for _, p in providers):
            continue
        values = _values(ctx, providers, trigger, used) if len(customers) == 1 else {}
        terms = _terms(ctx, providers, trigger, not events) if len(customers) == 1 else {}
        for customer in customers:
            for _, provider in providers:
                if (customer, provider) in paired:
                    continue
                extra: dict[str, tuple[object, ...]] = {}
                if provider in values:
                    extra["value"] = (values[provider],)
                if provider in terms:
                    extra["term"] = (terms[provider],)
                events.append(_event(ctx, customer, provider, extra, trigger, status))
    return events


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = (("Contract", extract, 20),)
