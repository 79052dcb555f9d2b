"""Oxigraph in this process: a store directory on disk, or `memory:` (gone at exit; tests, notebooks).

A directory store takes one writer (RocksDB's LOCK; a second gets "store … is in
use"). A process killed mid-write leaves the LOCK file but not the lock: the next
open replays the write-ahead log up to the last whole transaction (tests/test_crash.py).
Read-only handles take no lock and see the transactions committed when they opened.
pyoxigraph leaves that undefined beside a live writer; tests/test_concurrency.py
measures it, and the one failure seen there (a store still being created) is
raised as `StoreError`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from graph.build import Triple
from graph.errors import QueryError, StoreError
from graph.sparql import binding_terms, graph_node, to_ox
from graph.stores.base import BACKGROUND_NODE, MEMORY, KnowledgeStore
from ontology.vocab import PREFIXES

logger = logging.getLogger(__name__)

_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")


class EmbeddedStore(KnowledgeStore):
    """An in-process pyoxigraph `Store`: a directory on disk or `memory:`.

    Its own default graph is the index, so queries read it directly.
    """

    # write-ahead memory grows with every update until it is flushed to disk: measured, 6,000 articles of
    # updates took RSS from 110 to 710 MB unflushed and kept it at 110-136 MB flushed every ~320 articles
    FLUSH_EVERY_CHARS = 4_000_000

    def __init__(self, store: ox.Store, location: str, *, read_only: bool = False) -> None:
        self._handle: ox.Store | None = store
        self.location = location
        self.read_only = read_only
        self._unflushed = 0  # characters of SPARQL updates written since the last flush

    @property
    def indexed(self) -> bool:
        """Always: cvkg keeps the default graph as the union of the article graphs."""
        return True

    def _ask(self, sparql: str) -> bool:
        return bool(self._store.query(sparql, prefixes=PREFIXES))

    def _has_default_triples(self) -> bool:
        return next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None

    def _has_article_graphs(self) -> bool:
        return next(iter(self._store.named_graphs()), None) is not None

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
                index[ox.Triple(s, p, o)] = None
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in index]
        self._add_quads(quads)
        self.sync_background()

    def named_entities(self, candidates: Mapping[str, str]) -> set[str]:
        """The entity IRIs among `candidates` that some article graph names by their label (one lookup each)."""
        store, found = self._store, set()
        for iri, label in candidates.items():
            for quad in store.quads_for_pattern(ox.NamedNode(iri), _LABEL, ox.Literal(label), None):
                if quad.graph_name != BACKGROUND_NODE:
                    found.add(iri)
                    break
        return found

    def _add_quads(self, quads: list[ox.Quad]) -> None:
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
        """Run a SPARQL query over the union of all article graphs (the index)."""
        subs = {ox.Variable(k): v for k, v in binding_terms(bindings).items()} if bindings else None
        try:
            return self._store.query(sparql, prefixes=PREFIXES, substitutions=subs)  # type: ignore[arg-type]
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
        return sorted(n.value for n in self._store.named_graphs() if n != BACKGROUND_NODE)

    def has_article(self, name: URIRef | str) -> bool:
        """Whether the store holds a graph for this article IRI."""
        return self._store.contains_named_graph(graph_node(name))

    def dump(self, fmt: ox.RdfFormat, *, union: bool = False, name_keys: bool = True) -> bytes:
        """Serialize the dataset (or, with `union`, the union of its graphs: the index) as bytes.

        With `name_keys` False, the `cvkg:nameKey` quads are left out (see `KnowledgeStore.dump`).
        """
        store = self._store
        if union or not fmt.supports_datasets:
            if name_keys:
                return store.dump(format=fmt, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)  # type: ignore[return-value]
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                if q.predicate != _NAME_KEY
            )
            return ox.serialize(triples, format=fmt, prefixes=PREFIXES)  # type: ignore[arg-type,return-value]
        quads = (
            q
            for g in store.named_graphs()
            for q in store.quads_for_pattern(None, None, None, g)
            if name_keys or q.predicate != _NAME_KEY
        )
        return ox.serialize(quads, format=fmt, prefixes=PREFIXES)  # type: ignore[arg-type,return-value]

    def close(self) -> None:
        """Flush to disk and let go of the database, so another handle can open it (idempotent)."""
        if self._handle is not None and not self.read_only and self.location != MEMORY:
            self._handle.flush()
        # RocksDB closes when the last reference goes, even if this wrapper lives on (e.g. in a traceback).
        self._handle = None


_NAME_KEY = ox.NamedNode(PREFIXES["cvkg"] + "nameKey")

# `cvkg serve` leaves its process id here: the read-only server takes no lock, so writers look for it
SERVE_MARKER = "cvkg-serve.pid"


def mark_served(path: Path, pid: int) -> None:
    """Note that process `pid` serves the store directory `path` (read by `serving_pid`)."""
    (path / SERVE_MARKER).write_text(f"{pid}\n", encoding="ascii")


def serving_pid(path: Path) -> int | None:
    """The process id of a `cvkg serve` still serving the store directory `path`, else None.

    A marker left by a server that has stopped (or by a process that is not the server any more) counts for nothing.
    """
    try:
        pid = int((path / SERVE_MARKER).read_text(encoding="ascii").strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    serving = any(part.endswith(b"oxigraph") for part in command) and b"serve-read-only" in command
    return pid if serving and str(path.resolve()).encode() in {_resolved(part) for part in command} else None


def _resolved(part: bytes) -> bytes:
    try:
        return str(Path(part.decode()).resolve()).encode()
    except (UnicodeDecodeError, OSError, ValueError):
        return part


# What a read-only open can meet while a writer rotates the store's files (RocksDB reads its MANIFEST and the
# files it names without a lock): the store is whole, only the moment was wrong, so the open is tried again.
_MID_WRITE = re.compile(r"Corruption|MANIFEST|No such file|IO error", re.IGNORECASE)
READ_ONLY_ATTEMPTS = 6


def _read_only_handle(path: Path) -> ox.Store:
    """A read-only handle on the store directory, opened again when a concurrent write got in the way."""
    for attempt in range(READ_ONLY_ATTEMPTS):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if not _MID_WRITE.search(str(exc)) or attempt == READ_ONLY_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * 2**attempt)  # the writer's file switch takes milliseconds
    raise AssertionError("unreachable")


def open_embedded(location: str, *, read_only: bool = False, create: bool = True, check: bool = True) -> EmbeddedStore:
    """Open the store directory at `location` (created unless `read_only` or `create=False`), or `memory:`.

    With `check`, a store written by an older cvkg is refused (see `KnowledgeStore.outdated`).

    Raises:
        StoreError: the location is a file, absent (and not to be created), in use or outdated.
    """
    if location == MEMORY:
        return EmbeddedStore(ox.Store(), MEMORY)  # new and empty: nothing to check
    path = Path(location)
    if path.exists() and not path.is_dir():
        raise StoreError(f"store location {location} is a file, not a directory; choose another --store")
    if (read_only or not create) and not path.exists():
        raise StoreError(f"no store at {location}; run `cvkg ingest` first or pass --store")
    if (
        path.is_dir()
        and not (path / "CURRENT").exists()
        and any(child.name != SERVE_MARKER for child in path.iterdir())
    ):
        # a folder of the user's files: RocksDB would write into it and later delete what it takes for its own
        raise StoreError(f"{location} is a folder of other files, not a cvkg store; give --store a new or empty folder")
    if not read_only and (pid := serving_pid(path)) is not None:
        raise StoreError(
            f"store {location} is being served by `cvkg serve` (process {pid}); stop the server before writing to it"
        )
    store = None
    try:
        handle = _read_only_handle(path) if read_only else ox.Store(str(path))
        store = EmbeddedStore(handle, location, read_only=read_only)
        del handle  # the store holds the only reference, so closing it lets go of the database
        if check:
            store._require_current()
        return store
    except StoreError:
        store.close()  # type: ignore[union-attr]  # refused as outdated: let go of the database and its lock
        raise
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"store {location} is in use by another cvkg process; wait for it or pick another --store"
            ) from exc
        if read_only and _MID_WRITE.search(str(exc)):
            raise StoreError(f"store {location} is busy: a write was under way while it opened; retry") from exc
        raise StoreError(f"cannot open store {location}: {exc}") from exc
    except RuntimeError as exc:
        if read_only and _MID_WRITE.search(str(exc)):
            raise StoreError(f"store {location} is busy: a write was under way while it opened; retry") from exc
        # A read-only open while another process is still creating the store: "Column family not found".
        raise StoreError(
            f"cannot open store {location}: {exc}; if cvkg ingest is creating it, retry when done"
        ) from exc
