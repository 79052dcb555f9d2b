"""Resolve entity mentions of a spaCy `Doc` to gazetteer entries or new entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.iris import slugify
from graph.records import Entity
from ontology import GazetteerEntry, fiscal_years
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ORG_CLASSES = frozenset({"CloudProvider", "Company", "MediaOutlet", "ResearchFirm", "GovernmentBody"})
_NER_CLASSES = {
    "ORG": "Company",
    "PERSON": "Person",
    "GPE": "Place",
    "LOC": "Place",
    "PRODUCT": "Product",
    "NORP": "",
}
_OTHER_NAME_LABELS = frozenset({"EVENT", "FAC", "WORK_OF_ART", "LAW", "NORP"})
_SUFFIX = re.compile(
    r"[,\s]+(inc|corp|corporation|ltd|limited|llc|plc|co|company|holdings|group|sa|ag|gmbh)\.?$",
    re.IGNORECASE,
)
_JUNK = re.compile(r"^[\W\d_]+$")
_NUMERIC = re.compile(r"\d[\d,.]{3,}")
# last words that make a name an organisation whatever the NER said ("Acme Retail" is no person)
ORG_HEADS = word_class("org_heads")


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: token span in the doc and the entity it names."""

    start: int
    end: int
    entity: Entity
    known: bool


def to_entity(entry: GazetteerEntry) -> Entity:
    """The record of a gazetteer entry."""
    return Entity(
        id=entry.id,
        label=entry.label,
        cls=entry.cls,
        alt_labels=entry.alt_labels,
        wikidata=entry.wikidata,
    )


def clean_name(text: str) -> str:
    """A mention's name without possessive, leading article or trailing company suffix."""
    name = re.sub(r"[’']s?$", "", text.strip()).strip()
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    previous = None
    while previous != name:
        previous = name
        name = _SUFFIX.sub("", name).strip(" ,")
    return name


@dataclass
class Resolver:
    """Turns spans into entities, remembering new names within one article."""

    gazetteer: dict[str, GazetteerEntry]
    publisher: str = ""
    seen: dict[str, Entity] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    retyped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the Provider rule maps a parent to the cloud unit that carries its name
        # (Amazon -> Amazon Web Services, Alibaba Group -> Alibaba Cloud), not to every cloud it owns
        for entry in self.gazetteer.values():
            parent = self.gazetteer.get(entry.parent)
            if entry.cls != "CloudProvider" or parent is None or entry.parent in self.units:
                continue
            if entry.label.split()[0].lower() == parent.label.split()[0].lower():
                self.units[entry.parent] = entry.id

    def resolve(self, span: Span) -> Entity | None:
        """The entity a named-entity span refers to, or None when it is not one cvkg keeps."""
        if span.ent_id_ and span.ent_id_ in self.gazetteer:
            return to_entity(self.gazetteer[span.ent_id_])
        name = clean_name(span.text)
        cls = self.retyped.get(name.lower(), _NER_CLASSES.get(span.label_, ""))
        if not cls and span.label_ in _OTHER_NAME_LABELS and name.split() and name.split()[-1].lower() in ORG_HEADS:
            cls = "Company"  # "Pine Street Games" tagged as an EVENT is still a company
        if not cls:
            return None
        if len(name) < 2 or _JUNK.match(name) or name.islower() or _NUMERIC.search(name):
            return None
        if cls == "Company" and len(name) <= 2 and name.isupper():
            return None
        if cls in ("Person", "Place", "Product") and name.split()[-1].lower() in ORG_HEADS:
            cls = "Company"
        key = name.lower()
        if key in self.seen:
            return self.seen[key]
        if self.publisher and key.startswith(clean_name(self.publisher).lower()):
            cls = "MediaOutlet"  # the article's own outlet, e.g. in a dateline "(Deccan Data Wire)"
        if cls == "Company":
            # a short form of an organisation named earlier: "Acme Retail ... Acme"
            for earlier_key, earlier in self.seen.items():
                if earlier.cls == "Company" and earlier_key.startswith(key + " "):
                    self.seen[key] = earlier
                    return earlier
        entity = Entity(id=slugify(name), label=name, cls=cls)
        self.seen[key] = entity
        return entity

    def provider(self, entity: Entity) -> Entity:
        """The Provider rule: a parent company in a provider role stands for its cloud unit."""
        unit = self.units.get(entity.id)
        if entity.cls != "CloudProvider" and unit:
            return to_entity(self.gazetteer[unit])
        return entity

    def is_provider(self, entity: Entity) -> bool:
        """Whether the entity is a cloud provider or a parent company of one."""
        return entity.cls == "CloudProvider" or entity.id in self.units

    def parent_of(self, entity: Entity) -> Entity | None:
        """The gazetteer parent (owner) of a known entity."""
        entry = self.gazetteer.get(entity.id)
        if entry and entry.parent in self.gazetteer:
            return to_entity(self.gazetteer[entry.parent])
        return None

    def fiscal_year_end(self, entity: Entity) -> tuple[int, int] | None:
        """(month, day) the entity's fiscal year ends on: its own calendar, else its parent's (fiscal_years.csv).

        None when neither is listed (the calendar year).
        """
        calendars = fiscal_years()
        found: Entity | None = entity
        for _ in range(3):
            if found is None:
                break
            if found.id in calendars:
                return calendars[found.id]
            found = self.parent_of(found)
        return None


# what only a company has: "Zynga's shares", "Zynga's chief executive"
_CORPORATE_POSSESSIONS = word_class("corporate_possessions")
# what a place does not do: "Zynga said it would close its data centres"
_CORPORATE_VERBS = word_class("corporate_verbs")
_COMPANY_WORDS = word_class("company_words")
_BUSINESS_VERBS = word_class("business_verbs")
_BUY_VERBS = word_class("buy_verbs")
_MAKER_NOUNS = word_class("maker_nouns")
_PRODUCT_NOUNS = word_class("product_nouns")


def _root_of_name(span: Span) -> Token:
    root = span.root
    while root.dep_ in ("compound", "flat") and root.head.i != root.i and root.head.i < span.end:
        root = root.head
    return root


def _listed_as_customer(root: Token) -> bool:
    """'A and B were among its customers', 'named A among customers': a name in a customer list."""
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    if not (root.dep_ in ("dobj", "oprd") or root.dep_ == "nsubj" and root.head.lemma_ in ("be", "remain")):
        return False  # "Pichai named A among customers": the one naming them is no customer
    for prep in root.head.subtree:
        if prep.lower_ == "among" and any(c.lemma_.lower() in ("customer", "client") for c in prep.children):
            return True
    return False


def _described_as_company(root: Token) -> bool:
    """'Alooma, a data-migration start-up', 'Textura, which makes software': a company by its description."""
    for child in root.children:
        if child.dep_ == "appos" and noun_word(child) in _COMPANY_WORDS:
            return True
        if child.dep_ == "relcl" and child.lemma_.lower() in _BUSINESS_VERBS:
            return any(c.dep_ == "nsubj" and c.lower_ in ("which", "that") for c in child.children)
    return False


def _named_as_company(span: Span) -> bool:
    """'the endpoint-security company Carbon Black': a name in apposition to a company noun."""
    root = _root_of_name(span)
    return root.dep_ == "appos" and noun_word(root.head) in _COMPANY_WORDS or _described_as_company(root)


def _bought(root: Token) -> bool:
    """'bought Alooma', 'paid $663 million for Textura': what is bought is a company (places are not for sale)."""
    if root.dep_ == "dobj" and root.head.lemma_.lower() in _BUY_VERBS:
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "for" and root.head.head.lemma_.lower() in ("pay", "bid")


def noun_word(noun: Token) -> str:
    """The noun's lemma, hyphenated compounds joined ('start-up' is 'startup')."""
    doc = noun.doc
    if noun.i >= 2 and doc[noun.i - 1].text == "-" and not doc[noun.i - 1].whitespace_:
        return (doc[noun.i - 2].text + noun.text).lower()
    return noun.lemma_.lower()


def _org_evidence(span: Span) -> bool:
    """Whether the syntax around a name says it is a company, whatever the NER label."""
    root = _root_of_name(span)
    if root.dep_ == "poss" and root.head.lemma_.lower() in _CORPORATE_POSSESSIONS:
        return True
    if _listed_as_customer(root) or _described_as_company(root) or _bought(root):
        return True
    return span.label_ in ("GPE", "LOC") and root.dep_ == "nsubj" and root.head.lemma_.lower() in _CORPORATE_VERBS


def _owned_product_noun(noun: Token) -> bool:
    """'its dictation software', "Nuance's app": a product noun with an owner."""
    return noun.lemma_.lower() in _PRODUCT_NOUNS and any(c.dep_ == "poss" for c in noun.children)


def _product_evidence(span: Span) -> bool:
    """'the FarmVille maker', 'the maker of FarmVille', 'Dragon, its dictation software': the name is a product."""
    root = _root_of_name(span)
    if root.dep_ == "compound" and root.head.lemma_.lower() in _MAKER_NOUNS:
        return True
    if root.dep_ == "compound" and _owned_product_noun(root.head):
        return True
    if any(c.dep_ == "appos" and _owned_product_noun(c) for c in root.children):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in _MAKER_NOUNS


def _place_evidence(span: Span, places: set[int]) -> bool:
    """'Burlington, Massachusetts', 'Burlington-based': the name is a place."""
    doc = span.doc
    after = span.end
    if after + 1 < len(doc) and doc[after].text == "," and after + 1 in places:
        return True
    return after + 1 < len(doc) and doc[after].text == "-" and doc[after + 1].lower_ == "based"


def retype(doc: Doc, resolver: Resolver) -> None:
    """Correct the NER class of names the gazetteer does not know, from evidence across the whole doc.

    The small model calls unknown companies places or people ("Zynga" as GPE) and products companies;
    a name is a company when any of its mentions is tagged ORG or stands where only a company can,
    a product when it is what a 'maker' makes, and a place when a known place or '-based' follows it.
    """
    places = {span.start for span in doc.ents if span.ent_id_ in resolver.gazetteer and span.label_ in ("GPE", "LOC")}
    spans = [s for s in doc.ents if not s.ent_id_ and s.label_ in ("ORG", "GPE", "LOC", "PERSON", "PRODUCT")]
    people = {clean_name(s.text).lower() for s in spans if s.label_ == "PERSON"}
    votes: dict[str, set[str]] = {}
    for span in spans:
        key = clean_name(span.text).lower()
        found = votes.setdefault(key, set())
        if _place_evidence(span, places):
            found.add("Place")
        elif _product_evidence(span):
            found.add("Product")
        elif span.label_ == "ORG" and key not in people:
            found.add("Company")  # a name the model also calls a person ("Trump") stays one
        elif _org_evidence(span) and (span.label_ != "PERSON" or len(span) == 1):
            found.add("Company")
        elif _named_as_company(span):
            found.add("Company")  # "the endpoint-security company Carbon Black", whatever the model says
    for key, found in votes.items():
        for cls in ("Place", "Product", "Company"):
            if cls in found:
                resolver.retyped[key] = cls
                break


def doc_mentions(doc: Doc, resolver: Resolver) -> list[Mention]:
    """Every entity mention of the doc that resolves, in order, descriptors included."""
    retype(doc, resolver)
    mentions = []
    for span in doc.ents:
        entity = resolver.resolve(span)
        if entity is not None:
            mentions.append(Mention(span.start, span.end, entity, bool(span.ent_id_)))
    descriptors = doc._.cvkg_descriptors if doc.has_extension("cvkg_descriptors") else None
    for start, end, candidates in descriptors or ():
        overlapping = [m for m in mentions if m.start < end and start < m.end]
        if any(m.known for m in overlapping):
            continue
        mentions = [m for m in mentions if m not in overlapping]  # "Big Blue" the NER found is IBM
        named_before = {m.entity.id for m in mentions if m.start < start}
        for entity_id, requires in candidates:
            if entity_id in resolver.gazetteer and (not requires or requires in named_before):
                mentions.append(Mention(start, end, to_entity(resolver.gazetteer[entity_id]), True))
                break
    return sorted(mentions, key=lambda m: m.start)
