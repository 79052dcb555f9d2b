"""Check RDF against the shipped SHACL shapes (ontology/shapes.ttl) with pySHACL.

The shapes are checked on the union of the article graphs, because an event
read from several articles is one node whose statements are spread over them,
together with the background graph (the gazetteer's facts, `graph.stores.base`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from graph.errors import OntologyError, StoreError
from graph.results import term_text
from graph.stores import KnowledgeStore, open_store
from ontology.vocab import BACKGROUND, load_shapes

logger = logging.getLogger(__name__)

UNION_QUERY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH <{BACKGROUND}> {{ ?s ?p ?o }} }} }}"


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL validation result, as display strings."""

    focus: str
    path: str
    message: str
    severity: str


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of a SHACL run."""

    conforms: bool
    triples: int
    violations: tuple[Violation, ...]

    def lines(self) -> list[str]:
        """One line per result (focus node, path, message), then the count."""
        out = [f"{v.focus}  {v.path}  {v.message}" for v in self.violations]
        verdict = "conforms" if self.conforms else "does not conform"
        out.append(f"{verdict}: {len(self.violations)} violation(s) in {self.triples} triples")
        return out


def store_graph(store: KnowledgeStore) -> Graph:
    """The union of the store's article graphs and its background graph as an in-memory rdflib graph."""
    triples = store.query(UNION_QUERY)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
    return Graph().parse(data=data, format="nt")


def file_graph(path: str | Path) -> Graph:
    """The union of the graphs of an RDF file (format from its extension: .ttl, .trig, .nq, .nt, .jsonld, .rdf).

    Raises:
        StoreError: the extension is unknown or the file cannot be parsed.
        OSError: the file cannot be read.
    """
    path = Path(path)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower() or "ttl")
    if fmt is None:
        raise StoreError(f"cannot tell the RDF format of {path} from its extension; use .ttl, .trig, .nq or .nt")
    store = open_store("memory:")
    store.load(path.read_bytes(), fmt, name_keys=False)  # the file's triples, nothing added
    return store_graph(store)


def _text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return term_text(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def validate_graph(data: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Run the SHACL shapes (by default the shipped ones) over `data`.

    Raises:
        OntologyError: the shapes cannot be used.
    """
    from pyshacl import validate

    try:
        conforms, results, _ = validate(data, shacl_graph=shapes if shapes is not None else load_shapes())
    except Exception as exc:  # pyshacl raises its own error types for broken shapes
        raise OntologyError(f"SHACL validation failed to run: {exc}") from exc
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        violations.append(
            Violation(
                focus=_text(results.value(result, SH.focusNode)),
                path=_text(results.value(result, SH.resultPath)),
                message=_text(results.value(result, SH.resultMessage)),
                severity=_text(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    return ValidationReport(bool(conforms), len(data), tuple(violations))
