"""Plain records that the pipelines fill and the graph layer turns into RDF.

This is the seam between NLP and RDF: nothing here knows spaCy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a file, a JSONL line or stdin."""

    text: str
    title: str = ""
    date: str = ""
    url: str = ""
    publisher: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    """A resolved entity: `id` is the slug of its `ent:` IRI, `cls` a class name of EVENTS.md."""

    id: str
    label: str
    cls: str
    alt_labels: tuple[str, ...] = ()
    wikidata: str = ""


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money: full value, ISO 4217 currency, optional recurrence and qualifier."""

    value: Decimal
    currency: str
    per: str = ""
    qualifier: str = ""


RoleValue = Entity | Amount | str | Decimal | int


@dataclass(frozen=True, slots=True)
class Event:
    """One typed event of EVENTS.md with its roles (role name → values).

    `evidence_start` and `evidence_end` locate the evidence in the article's text when it is one
    stretch of it (`article.text[evidence_start:evidence_end] == evidence`); None when unknown.
    `calendar_period` is the calendar quarter a fiscal `period` role covers (`FY2024-Q2` of a year
    ending June 30 is `2023-Q4`), '' when the period is not fiscal or does not line up with one.
    `evidence_period` is the one calendar period the evidence names when the event has no date or
    period of its own (where the text places it in time), '' otherwise.
    """

    type: str
    roles: Mapping[str, tuple[RoleValue, ...]]
    evidence: str
    confidence: float
    date: str = ""
    status: str = ""
    qualifier: str = ""
    reported_by: Entity | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    calendar_period: str = ""
    evidence_period: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A binary relation between entities (`owns`, `parentOrganization`, `worksFor`, ...)."""

    subject: Entity
    prop: str
    object: Entity
    job_title: str = ""


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """Everything read from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()
    publisher: Entity | None = None
    words: int = 0
