"""Serialize the store: TriG/N-Quads keep the article graphs, Turtle/JSON-LD give their union."""

from __future__ import annotations

import pyoxigraph as ox

from graph.store import KnowledgeStore

FORMATS: dict[str, tuple[ox.RdfFormat, bool]] = {
    "turtle": (ox.RdfFormat.TURTLE, True),
    "trig": (ox.RdfFormat.TRIG, False),
    "nquads": (ox.RdfFormat.N_QUADS, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}


def export_graph(store: KnowledgeStore, fmt: str) -> bytes:
    """Serialize the whole store in `fmt` (a key of `FORMATS`)."""
    rdf_format, union = FORMATS[fmt]
    return store.dump(rdf_format, union=union)
