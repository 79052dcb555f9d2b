"""Open the knowledge-graph store and write, read and remove article graphs.

`--store LOCATION` picks the backend:

* a directory: embedded, persistent Oxigraph (default `./cvkg-store`);
* `memory:`: in-process Oxigraph, gone at exit (tests, notebooks).

Every article lives in its own named graph; replacing an article is one
SPARQL update (drop + insert), which Oxigraph applies as one transaction, so a
reader never sees half an article and a failure leaves the old one in place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.build import Triple
from graph.errors import QueryError, StoreError
from ontology.vocab import PREFIXES

logger = logging.getLogger(__name__)

DEFAULT_STORE = "cvkg-store"
MEMORY = "memory:"


def to_ox(term: URIRef | Literal) -> ox.NamedNode | ox.Literal:
    """Convert an rdflib IRI or literal into its pyoxigraph twin."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store term {term!r}: cvkg writes no blank nodes")


def _insert_block(graph: URIRef, triples: Iterable[Triple]) -> str:
    lines = " .\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)}" for s, p, o in triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{lines} .\n}} }}" if lines else ""


class KnowledgeStore:
    """A thin handle on an Oxigraph store holding one named graph per article."""

    def __init__(self, store: ox.Store, location: str, *, read_only: bool = False) -> None:
        self._store = store
        self.location = location
        self.read_only = read_only

    # -- writing -----------------------------------------------------------------
    def replace_articles(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]]) -> None:
        """Replace each named graph with its triples, all in one transaction."""
        if not graphs:
            return
        parts: list[str] = []
        for name, triples in graphs:
            parts.append(f"DROP SILENT GRAPH <{name}>")
            block = _insert_block(name, triples)
            if block:
                parts.append(block)
        self.update(" ;\n".join(parts))

    def remove_articles(self, names: Iterable[URIRef]) -> int:
        """Drop the named graphs that exist; return how many were dropped."""
        present = [n for n in names if self._store.contains_named_graph(ox.NamedNode(str(n)))]
        if present:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{n}>" for n in present))
        return len(present)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction."""
        if self.read_only:
            raise StoreError(f"store {self.location} is open read-only")
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL update: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot write store {self.location}: {exc}") from exc

    # -- reading -----------------------------------------------------------------
    def query(self, sparql: str, *, bindings: dict[str, object] | None = None) -> object:
        """Run a SPARQL query over the union of all article graphs.

        Returns pyoxigraph's `QuerySolutions`, `QueryBoolean` or `QueryTriples`.
        """
        subs = None
        if bindings:
            subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}  # type: ignore[arg-type]
        try:
            return self._store.query(
                sparql,
                use_default_graph_as_union=True,
                prefixes=PREFIXES,
                substitutions=subs,
            )
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL query: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot read store {self.location}: {exc}") from exc

    def article_graphs(self) -> list[str]:
        """IRIs of the article graphs in the store, sorted."""
        return sorted(n.value for n in self._store.named_graphs())

    def has_article(self, name: URIRef) -> bool:
        """Whether the store holds a graph for this article IRI."""
        return self._store.contains_named_graph(ox.NamedNode(str(name)))

    def quad_count(self) -> int:
        """Number of quads in the whole store."""
        result = self._store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(result))["n"].value)  # type: ignore[call-overload]

    def dump(self, fmt: ox.RdfFormat, *, union: bool = False) -> bytes:
        """Serialize the dataset (or, with `union`, the union of its graphs) as bytes."""
        if union or not fmt.supports_datasets:
            triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            return ox.serialize(triples, format=fmt, prefixes=PREFIXES)  # type: ignore[arg-type]
        return self._store.dump(format=fmt, prefixes=PREFIXES)  # type: ignore[no-any-return]

    def load(self, data: bytes, fmt: ox.RdfFormat) -> None:
        """Add RDF data (quads keep their graphs) in one transaction."""
        try:
            self._store.load(data, format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot load RDF data: {exc}") from exc

    def close(self) -> None:
        """Flush to disk; the handle must not be used afterwards."""
        if not self.read_only and self.location != MEMORY:
            self._store.flush()


def open_store(location: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> KnowledgeStore:
    """Open (creating if needed) the store named by `location`.

    Raises:
        StoreError: the location is not usable or the store is in use.
    """
    loc = str(location)
    if loc == MEMORY:
        return KnowledgeStore(ox.Store(), MEMORY)
    if loc.startswith(("http://", "https://")):
        raise StoreError(f"remote SPARQL stores are not supported yet: {loc}; use a directory or memory:")
    path = Path(loc)
    if path.exists() and not path.is_dir():
        raise StoreError(f"store location {loc} is a file, not a directory; choose another --store")
    try:
        if read_only:
            if not path.exists():
                raise StoreError(f"no store at {loc}; run `cvkg ingest` first or pass --store")
            return KnowledgeStore(ox.Store.read_only(str(path)), loc, read_only=True)
        return KnowledgeStore(ox.Store(str(path)), loc)
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"store {loc} is in use by another cvkg process; wait for it or pick another --store"
            ) from exc
        raise StoreError(f"cannot open store {loc}: {exc}") from exc


@contextmanager
def opened_store(location: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> Iterator[KnowledgeStore]:
    """Open a store for the duration of a `with` block, flushing it at the end."""
    store = open_store(location, read_only=read_only)
    try:
        yield store
    finally:
        store.close()
