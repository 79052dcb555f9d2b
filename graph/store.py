"""Open the knowledge-graph store and write, read and remove article graphs.

`--store LOCATION` picks the backend:

* a directory: embedded, persistent Oxigraph (default `./cvkg-store`);
* `memory:`: in-process Oxigraph, gone at exit (tests, notebooks);
* `http://…` or `https://…`: a SPARQL server such as `oxigraph serve`
  (`graph.remote.RemoteStore`; endpoint paths and options are described there).

Every article lives in its own named graph; replacing an article is one
SPARQL update (drop + insert), which Oxigraph applies as one transaction, so a
reader never sees half an article and a failure leaves the old one in place.

The store's default graph is kept as the set union of the article graphs (the
*index*): the same update that writes an article adds its triples there and
removes those no other article states. A fact stated by N articles is then one
triple in the default graph, so queries join there without N-fold copies (the
bag union pyoxigraph gives with `use_default_graph_as_union` made star joins
grow as N^k). Dataset dumps and quad counts leave the default graph out. A store
written before the index existed is indexed once when opened for writing; read
only, it is queried through the bag union as before (`indexed` is False).

A directory store takes one writer (RocksDB's LOCK; a second gets "store … is in
use"). A process killed mid-write leaves the LOCK file but not the lock: the next
open replays the write-ahead log up to the last whole transaction (tests/test_crash.py).
Read-only handles take no lock and see the transactions committed when they opened.
pyoxigraph leaves that undefined beside a live writer; tests/test_concurrency.py
measures it, and the one failure seen there (a store still being created) is
raised as `StoreError`.

`KnowledgeStore` is the interface every backend implements; `EmbeddedStore`
wraps a pyoxigraph `Store`. Queries of both return pyoxigraph's
`QuerySolutions`, `QueryBoolean` or `QueryTriples`, with the union of the
article graphs as default graph.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.build import Triple, name_key
from graph.errors import QueryError, StoreError
from graph.sparql import ends_with_separator
from ontology.vocab import PREFIXES

logger = logging.getLogger(__name__)

DEFAULT_STORE = "cvkg-store"
MEMORY = "memory:"
REMOTE_SCHEMES = ("http://", "https://")
QUAD_COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
UNION_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
# Fills the index of a store written before it existed (one transaction).
BUILD_INDEX = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
# Brings the index in line with the article graphs after an arbitrary update (reads every quad).
SYNC_INDEX = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
)

# The name keys (`cvkg:nameKey`, see graph.build.name_key) of a store written before they existed:
# added to each article graph, and (second operation) to the index.
_KEYS_OF = "GRAPH ?g { ?e rdfs:label|skos:altLabel ?name } BIND(LCASE(STR(?name)) AS ?key)"
ADD_NAME_KEYS = f"INSERT {{ GRAPH ?g {{ ?e cvkg:nameKey ?key }} }} WHERE {{ {_KEYS_OF} }}"
ADD_NAME_KEYS_TO_INDEX = f"INSERT {{ ?e cvkg:nameKey ?key }} WHERE {{ {_KEYS_OF} }}"
# Brings each article graph's name keys in line with its names after an arbitrary update.
SYNC_NAME_KEYS = (
    "DELETE { GRAPH ?g { ?e cvkg:nameKey ?key } } WHERE { GRAPH ?g { ?e cvkg:nameKey ?key"
    " FILTER NOT EXISTS { ?e rdfs:label|skos:altLabel ?name FILTER(LCASE(STR(?name)) = ?key) } } } ;\n"
    f"INSERT {{ GRAPH ?g {{ ?e cvkg:nameKey ?key }} }} WHERE {{ {_KEYS_OF}"
    " FILTER NOT EXISTS { GRAPH ?g { ?e cvkg:nameKey ?key } } }"
)
HAS_NAMES = "ASK { GRAPH ?g { ?e rdfs:label ?name } }"
HAS_NAME_KEYS = "ASK { GRAPH ?g { ?e cvkg:nameKey ?key } }"
# where pyoxigraph's syntax errors point: "error at LINE:COLUMN: …"
_ERROR_LINE = re.compile(r"\berror at (\d+):\d+")
# SPARQL VARNAME, ASCII subset: binding names are spliced into query text (remote VALUES).
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Term = ox.NamedNode | ox.Literal


def to_ox(term: URIRef | Literal) -> Term:
    """Convert an rdflib IRI or literal into its pyoxigraph twin.

    Raises:
        StoreError: the term is a blank node or not a valid IRI.
    """
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as exc:
        raise StoreError(f"cannot store term {term!r}: {exc}") from exc
    raise StoreError(f"cannot store term {term!r}: cvkg writes no blank nodes")


def graph_node(name: URIRef | str) -> ox.NamedNode:
    """The named-graph IRI as a pyoxigraph node (its `str()` is safe to put in SPARQL text).

    Raises:
        StoreError: `name` is not a valid IRI.
    """
    try:
        return ox.NamedNode(str(name))
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {str(name)!r} ({exc})") from exc


_NAMES = (ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.NamedNode(PREFIXES["skos"] + "altLabel"))
_NAME_KEY = ox.NamedNode(PREFIXES["cvkg"] + "nameKey")


def with_name_keys(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads and, beside each name (label or alias) among them, its key: loaded data may lack them."""
    keys = [
        ox.Quad(q.subject, _NAME_KEY, ox.Literal(name_key(q.object.value)), q.graph_name)
        for q in quads
        if q.predicate in _NAMES and isinstance(q.object, ox.Literal)
    ]
    return quads + keys


def binding_terms(bindings: Mapping[str, object]) -> dict[str, Term]:
    """Check query bindings: safe variable names, and IRIs or literals (rdflib or pyoxigraph) as values.

    Raises:
        QueryError: a name is not a plain SPARQL variable name or a value is not a term.
    """
    terms: dict[str, Term] = {}
    for name, value in bindings.items():
        if not _VARNAME.fullmatch(name):
            raise QueryError(f"invalid variable name in bindings: {name!r}")
        if isinstance(value, ox.NamedNode | ox.Literal):
            terms[name] = value
        elif isinstance(value, URIRef | Literal):
            try:
                terms[name] = to_ox(value)
            except StoreError as exc:
                raise QueryError(f"invalid binding for ?{name}: {exc}") from exc
        else:
            raise QueryError(f"binding for ?{name} must be an IRI or a literal, not {type(value).__name__}")
    return terms


def _insert_block(graph: URIRef, triples: Iterable[Triple], *, index: bool) -> str:
    lines = " .\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)}" for s, p, o in triples)
    if not lines:
        return ""
    named = f"GRAPH {graph_node(graph)} {{\n{lines} .\n}}"
    return f"INSERT DATA {{ {named}\n{lines} .\n}}" if index else f"INSERT DATA {{ {named} }}"


def unindex_update(name: URIRef | str | ox.NamedNode) -> str:
    """The SPARQL update removing from the index (the default graph) what only this article graph states."""
    g = name if isinstance(name, ox.NamedNode) else graph_node(name)
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }}"
        f" FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }}"
    )


def replace_update(graphs: Sequence[tuple[URIRef, Sequence[Triple]]], *, index: bool = True) -> str:
    """One SPARQL update that drops each named graph and inserts its new triples.

    With `index`, the default graph follows: what only the old graph stated leaves it, the new triples enter it.
    """
    parts: list[str] = []
    for name, triples in graphs:
        if index:
            parts.append(unindex_update(name))
        parts.append(f"DROP SILENT GRAPH {graph_node(name)}")
        block = _insert_block(name, triples, index=index)
        if block:
            parts.append(block)
    return " ;\n".join(parts)


def remove_update(names: Sequence[ox.NamedNode], *, index: bool = True) -> str:
    """One SPARQL update that drops the named graphs (and, with `index`, what only they stated from the index)."""
    parts = [[unindex_update(n), f"DROP SILENT GRAPH {n}"] if index else [f"DROP SILENT GRAPH {n}"] for n in names]
    return " ;\n".join(part for pair in parts for part in pair)


class KnowledgeStore(ABC):
    """A store holding one named graph per article: embedded Oxigraph or a SPARQL server.

    Attributes:
        location: what `open_store` was given (a directory, `memory:` or a URL).
        read_only: updates are refused.
    """

    location: str
    read_only: bool

    @property
    @abstractmethod
    def indexed(self) -> bool:
        """Whether the default graph is the maintained set union of the article graphs (see the module docstring)."""

    def _index_ready(self) -> bool:
        """Whether the default graph is the index; a writable store written before it existed is indexed now."""
        if self._has_default_triples() or not self._has_article_graphs():
            return True  # indexed, or empty: every write keeps the index from now on
        if self.read_only:
            logger.info("store %s has no index (written by an older cvkg): queries read the bag union", self.location)
            return False
        logger.warning("indexing store %s once (written by an older cvkg)", self.location)
        self.update(BUILD_INDEX)
        return True

    def _name_keys_ready(self, *, indexed: bool) -> None:
        """Give a store written before name keys existed its keys, once, when it is opened for writing.

        Named queries look names up by key: read only, such a store finds no name (a warning says so).
        A store holding any key holds them all: every write since keys exist adds them.
        """
        if not self._ask(HAS_NAMES) or self._ask(HAS_NAME_KEYS):
            return
        if self.read_only:
            logger.warning(
                "store %s has no name keys (written by an older cvkg): named queries find no name in it"
                " until it is opened for writing once (cvkg ingest, cvkg update)",
                self.location,
            )
            return
        logger.warning("adding name keys to store %s once (written by an older cvkg)", self.location)
        self.update(f"{ADD_NAME_KEYS} ;\n{ADD_NAME_KEYS_TO_INDEX}" if indexed else ADD_NAME_KEYS)

    @abstractmethod
    def _ask(self, sparql: str) -> bool:
        """The answer to an ASK query over the store's own dataset (its default graph is not the union)."""

    @abstractmethod
    def _has_default_triples(self) -> bool:
        """Whether the store's own default graph holds any triple."""

    @abstractmethod
    def _has_article_graphs(self) -> bool:
        """Whether the store holds any named graph."""

    # -- writing -----------------------------------------------------------------
    def replace_articles(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]]) -> None:
        """Replace each named graph with its triples (and keep the index), all in one transaction."""
        if graphs:
            self.update(replace_update(graphs, index=self.indexed))

    def remove_articles(self, names: Iterable[URIRef | str]) -> int:
        """Drop the named graphs that exist; return how many were dropped."""
        present = self._present([graph_node(n) for n in names])
        if present:
            self.update(remove_update(present, index=self.indexed))
        return len(present)

    def apply_update(self, sparql: str) -> None:
        """Run a user's SPARQL update and bring the name keys and the index in line, in one transaction.

        The update should change article graphs; what it writes to the default graph is replaced by
        the union of the article graphs. Syncing reads every quad: about 45 s on a million (half of it the keys).
        """
        sync = f"{SYNC_NAME_KEYS} ;\n{SYNC_INDEX}" if self.indexed else SYNC_NAME_KEYS
        try:
            # on a line of its own: a trailing comment must not swallow the separator
            self.update(f"{sparql}\n{'' if ends_with_separator(sparql) else ';'}\n{sync}")
        except QueryError as exc:
            # an update cut short is only found wrong in the sync appended to it: say so, not where that was
            found = _ERROR_LINE.search(str(exc))
            if found and int(found.group(1)) > sparql.count("\n") + 1:
                raise QueryError(
                    "invalid SPARQL update: it ends before it is complete (an unclosed brace, quote or IRI?)"
                ) from exc
            raise

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction (the cvkg prefixes are predefined).

        Raises:
            QueryError: the update is malformed.
            StoreError: the store is read-only or cannot be written.
        """

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.location} is open read-only")

    # -- reading -----------------------------------------------------------------
    @abstractmethod
    def query(self, sparql: str, *, bindings: Mapping[str, object] | None = None) -> object:
        """Run a SPARQL query over the union of all article graphs.

        `bindings` fix variables to IRIs or literals (never spliced as text).
        Returns pyoxigraph's `QuerySolutions`, `QueryBoolean` or `QueryTriples`.
        """

    @abstractmethod
    def article_graphs(self) -> list[str]:
        """IRIs of the article graphs in the store, sorted."""

    @abstractmethod
    def has_article(self, name: URIRef | str) -> bool:
        """Whether the store holds a graph for this article IRI."""

    def _present(self, names: list[ox.NamedNode]) -> list[ox.NamedNode]:
        return [n for n in names if self.has_article(n.value)]

    def quad_count(self) -> int:
        """Number of quads in the article (named) graphs."""
        result = self.query(QUAD_COUNT)
        return int(next(iter(result))["n"].value)  # type: ignore[call-overload]

    @abstractmethod
    def dump(self, fmt: ox.RdfFormat, *, union: bool = False) -> bytes:
        """Serialize the dataset (or, with `union`, the union of its graphs) as bytes."""

    @abstractmethod
    def load(self, data: bytes, fmt: ox.RdfFormat, *, name_keys: bool = True) -> None:
        """Add RDF data (quads keep their graphs) and, with `name_keys`, the keys of the names in it."""

    @abstractmethod
    def close(self) -> None:
        """Release the store; the handle must not be used afterwards."""


class EmbeddedStore(KnowledgeStore):
    """An in-process pyoxigraph `Store`: a directory on disk or `memory:`."""

    # write-ahead memory grows with every update until it is flushed to disk: measured, 6,000 articles of
    # updates took RSS from 110 to 710 MB unflushed and kept it at 110-136 MB flushed every ~320 articles
    FLUSH_EVERY_CHARS = 4_000_000

    def __init__(self, store: ox.Store, location: str, *, read_only: bool = False) -> None:
        self._handle: ox.Store | None = store
        self.location = location
        self.read_only = read_only
        self._unflushed = 0  # characters of SPARQL updates written since the last flush
        self._indexed = self._index_ready()
        self._name_keys_ready(indexed=self._indexed)

    def _ask(self, sparql: str) -> bool:
        return bool(self._store.query(sparql, prefixes=PREFIXES))

    def _has_default_triples(self) -> bool:
        return next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None

    def _has_article_graphs(self) -> bool:
        return next(iter(self._store.named_graphs()), None) is not None

    @property
    def indexed(self) -> bool:
        """Whether the default graph is the maintained set union of the article graphs."""
        return self._indexed

    @property
    def _store(self) -> ox.Store:
        if self._handle is None:
            raise StoreError(f"store {self.location} is closed")
        return self._handle

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction."""
        self._check_writable()
        try:
            self._store.update(sparql, prefixes=PREFIXES)
            self._written(len(sparql))
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL update: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot write store {self.location}: {exc}") from exc

    def replace_articles(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]]) -> None:
        """Replace each named graph with its triples (and keep the index), all in one transaction.

        A batch of graphs the store does not hold yet (an ingest of new articles) is added as quads
        in one `extend` transaction: nothing to drop or unindex, and no SPARQL text to write and parse
        (measured: 3.8 s instead of 6.6 s for 400 articles).
        """
        names = [graph_node(name) for name, _ in graphs]
        if len(set(names)) < len(names) or any(self._store.contains_named_graph(n) for n in names):
            super().replace_articles(graphs)
            return
        self._check_writable()
        quads: list[ox.Quad] = []
        index: dict[ox.Triple, None] = {}  # each triple once: articles of a batch share entities and events
        for name, (_, triples) in zip(names, graphs, strict=True):
            for s, p, o in (map(to_ox, triple) for triple in triples):  # each term converted once
                quads.append(ox.Quad(s, p, o, name))
                if self._indexed:
                    index[ox.Triple(s, p, o)] = None
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in index]
        try:
            self._store.extend(quads)
            self._written(100 * len(quads))  # about what the same quads take as SPARQL text
        except OSError as exc:
            raise StoreError(f"cannot write store {self.location}: {exc}") from exc

    def _written(self, size: int) -> None:
        """Count what was written since the last flush, and flush past `FLUSH_EVERY_CHARS`."""
        self._unflushed += size
        if self._unflushed > self.FLUSH_EVERY_CHARS and self.location != MEMORY:
            self._store.flush()  # keeps memory flat on long ingests
            self._unflushed = 0

    def query(self, sparql: str, *, bindings: Mapping[str, object] | None = None) -> object:
        """Run a SPARQL query over the union of all article graphs."""
        subs = {ox.Variable(k): v for k, v in binding_terms(bindings).items()} if bindings else None
        try:
            return self._store.query(
                sparql,
                use_default_graph_as_union=not self._indexed,
                prefixes=PREFIXES,
                substitutions=subs,  # type: ignore[arg-type]
            )
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL query: {exc}") from exc
        except RuntimeError as exc:
            if "projection" in str(exc):
                raise  # a binding the query does not select: graph.sparql.run_query reports the parameter
            raise StoreError(f"cannot read store {self.location}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot read store {self.location}: {exc}") from exc

    def article_graphs(self) -> list[str]:
        """IRIs of the article graphs in the store, sorted."""
        return sorted(n.value for n in self._store.named_graphs())

    def has_article(self, name: URIRef | str) -> bool:
        """Whether the store holds a graph for this article IRI."""
        return self._store.contains_named_graph(graph_node(name))

    def dump(self, fmt: ox.RdfFormat, *, union: bool = False) -> bytes:
        """Serialize the dataset (or, with `union`, the union of its graphs) as bytes."""
        store = self._store
        if union or not fmt.supports_datasets:
            if self._indexed:
                return store.dump(format=fmt, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)  # type: ignore[return-value]
            triples = store.query(UNION_TRIPLES)
            return ox.serialize(triples, format=fmt, prefixes=PREFIXES)  # type: ignore[arg-type,return-value]
        quads = (q for g in store.named_graphs() for q in store.quads_for_pattern(None, None, None, g))
        return ox.serialize(quads, format=fmt, prefixes=PREFIXES)  # type: ignore[arg-type,return-value]

    def load(self, data: bytes, fmt: ox.RdfFormat, *, name_keys: bool = True) -> None:
        """Add RDF data (quads keep their graphs; the index gets their triples) in one transaction.

        With `name_keys`, the keys of the names in the data are added beside them (see `with_name_keys`).
        """
        self._check_writable()
        try:
            quads = list(ox.parse(data, format=fmt))
            quads = with_name_keys(quads) if name_keys else quads
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot load RDF data: {exc}") from exc
        if self._indexed:
            quads += [ox.Quad(q.subject, q.predicate, q.object) for q in quads if q.graph_name != ox.DefaultGraph()]
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write store {self.location}: {exc}") from exc

    def close(self) -> None:
        """Flush to disk and let go of the database, so another handle can open it (idempotent)."""
        if self._handle is not None and not self.read_only and self.location != MEMORY:
            self._handle.flush()
        # RocksDB closes when the last reference goes, even if this wrapper lives on (e.g. in a traceback).
        self._handle = None


def open_store(location: str | Path = DEFAULT_STORE, *, read_only: bool = False, create: bool = True) -> KnowledgeStore:
    """Open the store named by `location`: a directory, `memory:` or an http(s) URL.

    A missing directory is created unless `read_only` or `create=False`.

    Raises:
        StoreError: the location is not usable, absent (and not to be created) or in use.
    """
    loc = str(location)
    if loc == MEMORY:
        return EmbeddedStore(ox.Store(), MEMORY)
    if loc.startswith(REMOTE_SCHEMES):
        from graph.remote import RemoteStore  # graph.remote imports this module

        return RemoteStore.from_location(loc, read_only=read_only)
    path = Path(loc)
    if path.exists() and not path.is_dir():
        raise StoreError(f"store location {loc} is a file, not a directory; choose another --store")
    if (read_only or not create) and not path.exists():
        raise StoreError(f"no store at {loc}; run `cvkg ingest` first or pass --store")
    try:
        if read_only:
            return EmbeddedStore(ox.Store.read_only(str(path)), loc, read_only=True)
        return EmbeddedStore(ox.Store(str(path)), loc)
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"store {loc} is in use by another cvkg process; wait for it or pick another --store"
            ) from exc
        raise StoreError(f"cannot open store {loc}: {exc}") from exc
    except RuntimeError as exc:
        # A read-only open while another process is still creating the store: "Column family not found".
        raise StoreError(f"cannot open store {loc}: {exc}; if cvkg ingest is creating it, retry when done") from exc


@contextmanager
def opened_store(
    location: str | Path = DEFAULT_STORE, *, read_only: bool = False, create: bool = True
) -> Iterator[KnowledgeStore]:
    """Open a store (as `open_store` does) for the duration of a `with` block, closing it at the end."""
    store = open_store(location, read_only=read_only, create=create)
    try:
        yield store
    finally:
        store.close()
