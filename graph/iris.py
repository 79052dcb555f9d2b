"""Deterministic IRIs for entities, events and articles (spec/EVENTS.md)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from graph.records import Amount, Article, Entity, Event, RoleValue
from ontology import DOC, ENT, EVT, load_registry

_MAX_SLUG = 80


def slugify(text: str) -> str:
    """Lowercase ASCII slug: 'Amazon Web Services' -> 'amazon-web-services'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return slug


def entity_iri(entity: Entity | str) -> URIRef:
    """The `ent:` IRI of an entity (or of an entity id)."""
    return ENT[entity.id if isinstance(entity, Entity) else entity]


def _key_part(value: RoleValue) -> str:
    if isinstance(value, Entity):
        return value.id
    if isinstance(value, Amount):
        return f"{value.value}-{value.currency}"
    return slugify(str(value))


def event_key(event: Event) -> tuple[str, ...]:
    """The parts of an event's key, in the order of its class's `reg:key`; a repeatable key role is sorted.

    Raises:
        KeyError: the event's type is not an event class of `ontology/cvkg.ttl`.
    """
    parts = []
    for role in load_registry().event(event.type).key:
        values = sorted(_key_part(v) for v in event.roles.get(role, ()))
        parts.append("+".join(values))
    return tuple(parts)


def event_iri(event: Event) -> URIRef:
    """`evt:<class>-<key>`: the same event read from two articles gets one IRI."""
    slug = "--".join(p or "none" for p in event_key(event))
    if len(slug) > _MAX_SLUG:
        slug = slug[:40].rstrip("-") + "-" + hashlib.sha1(slug.encode()).hexdigest()[:16]
    return EVT[f"{event.type.lower()}-{slug}"]


def article_iri(article: Article) -> URIRef:
    """`doc:` IRI from the article's URL when it has one, else from a hash of its text."""
    if article.url:
        digest = hashlib.sha1(article.url.strip().encode("utf-8")).hexdigest()[:20]
        return DOC[f"u{digest}"]
    digest = hashlib.sha1(article.text.encode("utf-8")).hexdigest()[:20]
    return DOC[f"h{digest}"]
