"""The cvkg vocabulary: OWL terms, SHACL shapes and the gazetteer of known entities.

This package imports only rdflib. Everything it ships is data (`cvkg.ttl`,
`shapes.ttl`, `gazetteer.csv`, `descriptors.csv`, `fiscal_years.csv`) plus the namespaces that
name it and the readers of that data (`load_registry` gives the event types
and relations that `cvkg.ttl` declares; `load_shapes` gives `shapes.ttl` plus a
shape derived from the registry for each event class it has no shape for).
"""

from __future__ import annotations

from ontology.events import EdgeRule, EventType, Registry, RelationType, load_registry
from ontology.fiscal import fiscal_years, load_fiscal_years
from ontology.gazetteer import GazetteerEntry, load_descriptors, load_gazetteer
from ontology.namespace import CVKG
from ontology.vocab import (
    BACKGROUND,
    DOC,
    ENT,
    EVT,
    ONTOLOGY_PATH,
    PROV,
    SCHEMA,
    SHAPES_PATH,
    WD,
    bind_prefixes,
    load_ontology,
    load_shapes,
)

__all__ = [
    "BACKGROUND",
    "CVKG",
    "DOC",
    "ENT",
    "EVT",
    "ONTOLOGY_PATH",
    "PROV",
    "SCHEMA",
    "SHAPES_PATH",
    "WD",
    "EdgeRule",
    "EventType",
    "GazetteerEntry",
    "Registry",
    "RelationType",
    "bind_prefixes",
    "fiscal_years",
    "load_descriptors",
    "load_fiscal_years",
    "load_gazetteer",
    "load_ontology",
    "load_registry",
    "load_shapes",
]
