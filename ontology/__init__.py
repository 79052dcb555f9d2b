"""The cvkg vocabulary: OWL terms, SHACL shapes and the gazetteer of known entities.

This package imports only rdflib. Everything it ships is data (`cvkg.ttl`,
`shapes.ttl`, `gazetteer.csv`, `descriptors.csv`) plus the namespaces that
name it.
"""

from __future__ import annotations

from ontology.gazetteer import GazetteerEntry, load_descriptors, load_gazetteer
from ontology.namespace import CVKG
from ontology.vocab import (
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
    "CVKG",
    "DOC",
    "ENT",
    "EVT",
    "ONTOLOGY_PATH",
    "PROV",
    "SCHEMA",
    "SHAPES_PATH",
    "WD",
    "GazetteerEntry",
    "bind_prefixes",
    "load_descriptors",
    "load_gazetteer",
    "load_ontology",
    "load_shapes",
]
