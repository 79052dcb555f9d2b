"""Namespaces of spec/EVENTS.md, prefix binding and access to the shipped Turtle files."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from ontology.namespace import CVKG

HERE = Path(__file__).resolve().parent
ONTOLOGY_PATH = HERE / "cvkg.ttl"
SHAPES_PATH = HERE / "shapes.ttl"

ENT = Namespace("https://w3id.org/cvkg/entity/")
EVT = Namespace("https://w3id.org/cvkg/event/")
DOC = Namespace("https://w3id.org/cvkg/article/")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
# The named graph of what cvkg knows from its own data (the gazetteer), not from an article (spec/EVENTS.md,
# "Stated versus background facts"): outside doc:, so no article graph and not the union of the article graphs.
BACKGROUND = URIRef("https://w3id.org/cvkg/graph/background")

PREFIXES: dict[str, str] = {
    "cvkg": str(CVKG._NS),
    "ent": str(ENT),
    "evt": str(EVT),
    "doc": str(DOC),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the cvkg prefixes on `graph` (replacing rdflib's defaults) and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def load_ontology() -> Graph:
    """Parse the shipped OWL ontology."""
    return bind_prefixes(Graph()).parse(ONTOLOGY_PATH, format="turtle")


def load_shapes() -> Graph:
    """Parse the shipped SHACL shapes, adding a shape derived from the registry for each event class they omit.

    The hand-written shapes of `shapes.ttl` are returned as they are; see ontology/events.py for the derivation.
    """
    from ontology.events import add_derived_shapes  # ontology.events reads the ontology through this module

    return add_derived_shapes(Graph().parse(SHAPES_PATH, format="turtle"), load_ontology())
