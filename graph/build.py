"""Turn an `ArticleResult` into the triples of the article's named graph, and the gazetteer into background.

An article graph holds what the article states (spec/EVENTS.md, "Stated versus background facts"); what cvkg
knows from its gazetteer about the entities the articles name (Wikidata ids, parent companies, products'
owners, people's employers) goes to the background graph (`background_triples`, `ontology.BACKGROUND`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from graph.iris import article_iri, entity_iri, event_iri, slugify
from graph.records import Amount, ArticleResult, Entity, Event, Relation
from ontology import CVKG, SCHEMA, WD, GazetteerEntry, load_gazetteer, load_registry

Triple = tuple[URIRef, URIRef, URIRef | Literal]

CLASS_IRIS: dict[str, URIRef] = {
    "CloudProvider": CVKG.CloudProvider,
    "Company": CVKG.Company,
    "Product": CVKG.Product,
    "MediaOutlet": CVKG.MediaOutlet,
    "ResearchFirm": CVKG.ResearchFirm,
    "GovernmentBody": CVKG.GovernmentBody,
    "Person": SCHEMA.Person,
    "Place": SCHEMA.Place,
}

ORGANISATION_CLASSES = frozenset(
    {"CloudProvider", "Company", "MediaOutlet", "ResearchFirm", "GovernmentBody"}
)  # subclasses of schema:Organization (spec/EVENTS.md)
_DURATION_ROLES = {"term", "per"}
_STATUS = {"Announced", "Planned", "Completed", "Reported"}


def date_literal(text: str) -> Literal:
    """xsd:date, xsd:gYearMonth or xsd:gYear depending on how much of the date is known."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    return Literal(text)


def decimal_literal(value: Decimal | float | int) -> Literal:
    """An xsd:decimal in plain notation ('0.000000001', never '1E-9', which is not a decimal)."""
    return Literal(format(Decimal(str(value)), "f"), datatype=XSD.decimal)


def name_key(name: str) -> str:
    """The key a name is looked up by (`cvkg:nameKey`): lower case, as SPARQL's LCASE gives it."""
    return name.lower()


def entity_triples(entity: Entity) -> Iterator[Triple]:
    """Type, canonical label, alt labels and their lowercase keys of one entity (its Wikidata id is background)."""
    node = entity_iri(entity)
    yield node, RDF.type, CLASS_IRIS.get(entity.cls, CVKG.Company)
    yield node, RDFS.label, Literal(entity.label)
    for alt in entity.alt_labels:
        if alt != entity.label:
            yield node, SKOS.altLabel, Literal(alt)
    for key in dict.fromkeys(name_key(name) for name in (entity.label, *entity.alt_labels)):
        yield node, CVKG.nameKey, Literal(key)


def amount_iri(event: URIRef, role: str, amount: Amount) -> URIRef:
    """The node of one amount of an event: `evt:<event>-value-800000000-usd`, with the recurrence and qualifier.

    Named by the figure itself, so articles that give the same figure share its node, and articles
    that give different figures for one event (two sources, $7.5 billion and $7.8 billion) keep one
    node each, each with one value, stated in its own article graph.
    """
    figure = format(abs(amount.value).normalize(), "f").replace(".", "p")
    parts = [role, "minus" * (amount.value < 0), figure, amount.currency, amount.per, amount.qualifier]
    return URIRef(f"{event}-{slugify('-'.join(p for p in parts if p))}")


def _amount_triples(node: URIRef, amount: Amount) -> Iterator[Triple]:
    yield node, RDF.type, SCHEMA.MonetaryAmount
    yield node, SCHEMA.value, decimal_literal(amount.value)
    yield node, SCHEMA.currency, Literal(amount.currency)
    if amount.per:
        yield node, CVKG.per, Literal(amount.per, datatype=XSD.duration)
    if amount.qualifier:
        yield node, CVKG.qualifier, Literal(amount.qualifier)


def _role_object(role: str, value: object) -> URIRef | Literal:
    if isinstance(value, Entity):
        return entity_iri(value)
    if isinstance(value, bool):
        raise TypeError(f"role {role}: boolean is not a role value")
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, (Decimal, float)):
        return decimal_literal(value)
    if role in _DURATION_ROLES:
        return Literal(str(value), datatype=XSD.duration)
    if role == "date":
        return date_literal(str(value))
    return Literal(str(value))


def event_triples(event: Event, source: URIRef) -> Iterator[Triple]:
    """The event node, its roles, amounts, provenance and the plain edges its class yields (`reg:yields`)."""
    event_type = load_registry().event(event.type)
    node = event_iri(event)
    yield node, RDF.type, event_type.iri
    for role, values in event.roles.items():
        for value in values:
            if isinstance(value, Amount):
                amount_node = amount_iri(node, role, value)
                yield node, CVKG[role], amount_node
                yield from _amount_triples(amount_node, value)
            else:
                yield node, CVKG[role], _role_object(role, value)
            if isinstance(value, Entity):
                yield from entity_triples(value)
    yield node, PROV.wasDerivedFrom, source
    yield node, CVKG.evidence, Literal(event.evidence)
    if event.evidence_start is not None and event.evidence_end is not None:
        yield node, CVKG.evidenceStart, Literal(event.evidence_start, datatype=XSD.integer)
        yield node, CVKG.evidenceEnd, Literal(event.evidence_end, datatype=XSD.integer)
    confidence = Decimal(str(round(min(max(event.confidence, 0.0), 1.0), 3)))
    yield node, CVKG.confidence, decimal_literal(confidence)
    if event.date:
        yield node, CVKG.date, date_literal(event.date)
    if event.calendar_period:
        yield node, CVKG.calendarPeriod, Literal(event.calendar_period)
    if event.status in _STATUS:
        yield node, CVKG.status, CVKG[event.status]
    if event.qualifier:
        yield node, CVKG.qualifier, Literal(event.qualifier)
    if event.reported_by is not None:
        yield node, CVKG.reportedBy, entity_iri(event.reported_by)
        yield from entity_triples(event.reported_by)
    entities = {role: [v for v in values if isinstance(v, Entity)] for role, values in event.roles.items()}
    for edge in event_type.edges:
        for subj, obj in edge.pairs(entities):
            yield entity_iri(subj), edge.iri, entity_iri(obj)


def relation_triples(relation: Relation) -> Iterator[Triple]:
    """A binary relation between two entities, both described."""
    prop = load_registry().plain_relations()[relation.prop].iri
    yield entity_iri(relation.subject), prop, entity_iri(relation.object)
    yield from entity_triples(relation.subject)
    yield from entity_triples(relation.object)
    if relation.prop == "worksFor" and relation.job_title:
        yield entity_iri(relation.subject), SCHEMA.jobTitle, Literal(relation.job_title)


@cache
def gazetteer_entries() -> dict[str, GazetteerEntry]:
    """The shipped gazetteer, read once per process."""
    return load_gazetteer()


def parent_link(child: Entity, parent: Entity) -> tuple[Entity, str, Entity] | None:
    """How a parent in the gazetteer relates to its entity: a product's owner, a person's employer, a unit's parent."""
    if child.cls == "Product":
        return parent, "owns", child
    if child.cls == "Person":
        return child, "worksFor", parent
    if child.cls in ORGANISATION_CLASSES:
        return child, "parentOrganization", parent
    return None


def background_triples(entity_ids: Iterable[str], gazetteer: dict[str, GazetteerEntry] | None = None) -> list[Triple]:
    """What the gazetteer knows about these entities and, up the chain, their parents (no duplicates).

    Each entity's type, names, Wikidata id (`owl:sameAs`) and its link to its gazetteer parent
    (`parentOrganization`, `owns` or `worksFor`, see `parent_link`); ids the gazetteer lacks give nothing.
    The triples depend only on the ids and the gazetteer, so the background graph can be recomputed at any time.
    """
    entries = gazetteer if gazetteer is not None else gazetteer_entries()
    relations = load_registry().plain_relations()
    pending = [i for i in entity_ids if i in entries]
    seen: set[str] = set()
    triples: list[Triple] = []
    while pending:
        entry_id = pending.pop()
        if entry_id in seen:
            continue
        seen.add(entry_id)
        entry = entries[entry_id]
        entity = _entity(entry)
        triples.extend(entity_triples(entity))
        if entry.wikidata:
            triples.append((entity_iri(entity), OWL.sameAs, WD[entry.wikidata]))
        if entry.parent in entries and entry.parent != entry_id:
            link = parent_link(entity, _entity(entries[entry.parent]))
            if link is not None:
                subject, prop, obj = link
                triples.append((entity_iri(subject), relations[prop].iri, entity_iri(obj)))
            pending.append(entry.parent)
    return list(dict.fromkeys(triples))


def _entity(entry: GazetteerEntry) -> Entity:
    return Entity(id=entry.id, label=entry.label, cls=entry.cls, alt_labels=entry.alt_labels, wikidata=entry.wikidata)


def article_triples(result: ArticleResult) -> tuple[URIRef, list[Triple]]:
    """The article's graph name and every triple read from it (metadata first, no duplicates)."""
    article = result.article
    doc = article_iri(article)
    triples: list[Triple] = [(doc, RDF.type, SCHEMA.NewsArticle)]
    if article.title:
        triples.append((doc, SCHEMA.headline, Literal(article.title)))
    if article.date:
        triples.append((doc, SCHEMA.datePublished, date_literal(article.date)))
    if article.url:
        triples.append((doc, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
    if article.publisher or result.publisher:
        outlet = result.publisher or Entity(id=slugify(article.publisher), label=article.publisher, cls="MediaOutlet")
        triples.append((doc, SCHEMA.publisher, entity_iri(outlet)))
        triples.extend(entity_triples(outlet))
    for entity in result.entities:
        triples.extend(entity_triples(entity))
        triples.append((doc, SCHEMA.mentions, entity_iri(entity)))
    for event in result.events:
        triples.extend(event_triples(event, doc))
    for relation in result.relations:
        triples.extend(relation_triples(relation))
    return doc, list(dict.fromkeys(triples))
