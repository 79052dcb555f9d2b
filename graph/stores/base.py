"""`KnowledgeStore`, the interface of every backend, and the SPARQL updates that keep the index.

Every article lives in its own named graph; replacing an article is one
SPARQL update (drop + insert), which Oxigraph applies as one transaction, so a
reader never sees half an article and a failure leaves the old one in place.

The store's default graph is kept as the set union of the article graphs (the
*index*): the same update that writes an article adds its triples there and
removes those no other article states. A fact stated by N articles is then one
triple in the default graph, so queries join there without N-fold copies (the
bag union pyoxigraph gives with `use_default_graph_as_union` made star joins
grow as N^k). Dataset dumps and quad counts leave the default graph out. A
remote server whose own default graph is the union (``union=server``) keeps no
index (`indexed` is False).

Beside each name (`rdfs:label`, `skos:altLabel`) every article graph holds its
key (`cvkg:nameKey`, see `graph.build.name_key`), by which named queries find
names. A store written by an older cvkg 0.1, without the index or the keys, is
refused with a one-line error until `cvkg upgrade` (`graph.stores.upgrade`) adds them.

Queries of every backend return pyoxigraph's `QuerySolutions`, `QueryBoolean`
or `QueryTriples`, with the union of the article graphs as default graph.

Beside the article graphs sits one more named graph, the *background*
(`ontology.BACKGROUND`, outside `doc:`): what cvkg's gazetteer knows about the
entities the article graphs name (Wikidata ids, parent companies, products'
owners, people's employers; `graph.build.background_triples`), kept apart from
what the articles state (spec/EVENTS.md). It is not an article: the index (the
default graph) leaves it out, and `article_graphs` does not list it, so plain
patterns see only what articles state and `GRAPH cvkg-background: { … }` reads
the rest. (A server with ``union=server`` puts it in its own default graph.)
Every write (`replace_articles`, `remove_articles`, `apply_update`) ends by
bringing it in line (`sync_background`): it then holds exactly the background
of the gazetteer entities some article graph names, and of their parents, so
re-ingesting or removing articles, or a newer gazetteer, leaves nothing stale.
That is a second transaction after the write: a process killed between the two
leaves the background behind until the next write or `cvkg upgrade`.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef

from graph.build import Triple, background_triples, gazetteer_entries, name_key
from graph.errors import QueryError, StoreError
from graph.sparql import ends_with_separator, graph_node, to_ox
from ontology.vocab import BACKGROUND, ENT, PREFIXES

logger = logging.getLogger(__name__)

DEFAULT_STORE = "cvkg-store"
MEMORY = "memory:"
REMOTE_SCHEMES = ("http://", "https://")
BACKGROUND_NODE = ox.NamedNode(str(BACKGROUND))
# a named graph that is an article's (every one but the background)
ARTICLE_GRAPH = f"FILTER(?g != {BACKGROUND_NODE})"
QUAD_COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
# Brings the index in line with the article graphs after an arbitrary update (reads every quad).
SYNC_INDEX = (
    f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {ARTICLE_GRAPH} }} }} ;\n"
    f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ARTICLE_GRAPH} FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
)
BACKGROUND_QUERY = f"SELECT ?s ?p ?o WHERE {{ GRAPH {BACKGROUND_NODE} {{ ?s ?p ?o }} }}"
# Each name of each article graph, with its key (`graph.build.name_key` in SPARQL).
KEYS_OF_NAMES = "GRAPH ?g { ?e rdfs:label|skos:altLabel ?name } BIND(LCASE(STR(?name)) AS ?key)"
# Brings each article graph's name keys in line with its names after an arbitrary update.
SYNC_NAME_KEYS = (
    "DELETE { GRAPH ?g { ?e cvkg:nameKey ?key } } WHERE { GRAPH ?g { ?e cvkg:nameKey ?key"
    " FILTER NOT EXISTS { ?e rdfs:label|skos:altLabel ?name FILTER(LCASE(STR(?name)) = ?key) } } } ;\n"
    f"INSERT {{ GRAPH ?g {{ ?e cvkg:nameKey ?key }} }} WHERE {{ {KEYS_OF_NAMES}"
    " FILTER NOT EXISTS { GRAPH ?g { ?e cvkg:nameKey ?key } } }"
)
HAS_NAMES = "ASK { GRAPH ?g { ?e rdfs:label ?name } }"
HAS_NAME_KEYS = "ASK { GRAPH ?g { ?e cvkg:nameKey ?key } }"
# where pyoxigraph's syntax errors point: "error at LINE:COLUMN: …"
_ERROR_LINE = re.compile(r"\berror at (\d+):\d+")

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
        f" FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g} && ?other != {BACKGROUND_NODE}) }} }}"
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
    _background_of: set[str] | None = None  # the named entities the background was last synced for, by this handle

    @property
    @abstractmethod
    def indexed(self) -> bool:
        """Whether cvkg keeps the default graph as the set union of the article graphs (see the module docstring)."""

    # -- what an older cvkg did not write ------------------------------------------
    def outdated(self) -> list[str]:
        """What the store lacks because an older cvkg 0.1 wrote it ("union index", "name keys"); [] when current.

        Cheap: a few lookups that stop at the first match.
        """
        missing = []
        if self.indexed and not self._has_default_triples() and self._has_article_graphs():
            missing.append("union index")
        if self._ask(HAS_NAMES) and not self._ask(HAS_NAME_KEYS):
            missing.append("name keys")
        return missing

    def _require_current(self) -> None:
        """Refuse a store written by an older cvkg 0.1.

        Raises:
            StoreError: the store lacks the index or the name keys; `cvkg upgrade` adds them.
        """
        missing = self.outdated()
        if missing:
            raise StoreError(
                f"store {self.location} was written by an older cvkg and lacks its {' and '.join(missing)};"
                f" run `cvkg --store {self.location} upgrade` once"
            )

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
            self.sync_background()

    def remove_articles(self, names: Iterable[URIRef | str]) -> int:
        """Drop the named graphs that exist; return how many were dropped."""
        present = self._present([graph_node(n) for n in names])
        if present:
            self.update(remove_update(present, index=self.indexed))
            self.sync_background()
        return len(present)

    # -- the background graph ------------------------------------------------------
    def named_entities(self, candidates: Mapping[str, str]) -> set[str]:
        """The entity IRIs among `candidates` (IRI -> canonical label) that some article graph names by that label.

        An entity the text found under another name (an unknown "Mulesoft" beside the gazetteer's "MuleSoft")
        is not the gazetteer's: its background would give the node a second label.
        """
        found: set[str] = set()
        items = list(candidates.items())
        for start in range(0, len(items), 500):
            values = " ".join(f"(<{iri}> {ox.Literal(label)})" for iri, label in items[start : start + 500])
            pattern = f"GRAPH ?g {{ ?e rdfs:label ?l }} {ARTICLE_GRAPH}"
            query = f"SELECT DISTINCT ?e {{ VALUES (?e ?l) {{ {values} }} {pattern} }}"
            found.update(row["e"].value for row in self.query(query))  # type: ignore[attr-defined]
        return found

    def background(self) -> set[ox.Triple]:
        """The triples of the background graph."""
        return {ox.Triple(r["s"], r["p"], r["o"]) for r in self.query(BACKGROUND_QUERY)}  # type: ignore[attr-defined]

    def sync_background(self) -> bool:
        """Make the background graph the gazetteer's facts about the entities the article graphs name.

        One SPARQL update with what changed (none when nothing did). Returns whether anything did. The
        lookup of the named entities is the cost left when they are the ones this handle synced last (about
        30 ms for the 834 gazetteer entries on disk; the whole sync about 110 ms when they changed).
        """
        gazetteer = gazetteer_entries()
        named = self.named_entities({str(ENT[entity_id]): entry.label for entity_id, entry in gazetteer.items()})
        if named == self._background_of:
            return False  # the same entities as at the last sync through this handle: nothing to do
        wanted = {
            ox.Triple(*map(to_ox, t))  # type: ignore[arg-type]
            for t in background_triples((iri[len(str(ENT)) :] for iri in named), gazetteer)
        }
        current = self.background()
        stale, missing = current - wanted, wanted - current
        if not stale and not missing:
            self._background_of = named
            return False
        parts = []
        if stale:
            parts.append(f"DELETE DATA {{ GRAPH {BACKGROUND_NODE} {{ {' . '.join(map(str, stale))} }} }}")
        if missing:
            parts.append(f"INSERT DATA {{ GRAPH {BACKGROUND_NODE} {{ {' . '.join(map(str, missing))} }} }}")
        self.update(" ;\n".join(parts))
        self._background_of = named
        return True

    def apply_update(self, sparql: str) -> None:
        """Run a user's SPARQL update and bring the name keys and the index in line, in one transaction.

        The update should change article graphs; what it writes to the default graph is replaced by
        the union of the article graphs, and the background graph is recomputed (`sync_background`).
        Syncing reads every quad: about 45 s on a million (half of it the keys).
        """
        sync = f"{SYNC_NAME_KEYS} ;\n{SYNC_INDEX}" if self.indexed else SYNC_NAME_KEYS
        try:
            # on a line of its own: a trailing comment must not swallow the separator
            self.update(f"{sparql}\n{'' if ends_with_separator(sparql) else ';'}\n{sync}")
            self._background_of = None  # the update may have written the background graph itself
            self.sync_background()
        except QueryError as exc:
            # an update cut short is only found wrong in the sync appended to it: say so, not where that was
            found = _ERROR_LINE.search(str(exc))
            if found and int(found.group(1)) > sparql.count("\n") + 1:
                raise QueryError(
                    "invalid SPARQL update: it ends before it is complete (an unclosed brace, quote or IRI?)"
                ) from exc
            raise

    def load(self, data: bytes, fmt: ox.RdfFormat, *, name_keys: bool = True) -> None:
        """Add RDF data in one transaction: quads keep their graphs, and the index gets those of article graphs.

        With `name_keys`, the keys of the names in the data are added beside them (see `with_name_keys`).

        Raises:
            StoreError: the data cannot be parsed, or the store is read-only or cannot be written.
        """
        self._check_writable()
        try:
            quads = list(ox.parse(data, format=fmt))
            quads = with_name_keys(quads) if name_keys else quads
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot load RDF data: {exc}") from exc
        if not quads:
            return
        self._background_of = None  # the data may hold background quads of its own
        if self.indexed:
            unindexed = (ox.DefaultGraph(), BACKGROUND_NODE)
            quads += [ox.Quad(q.subject, q.predicate, q.object) for q in quads if q.graph_name not in unindexed]
        self._add_quads(quads)

    @abstractmethod
    def _add_quads(self, quads: list[ox.Quad]) -> None:
        """Add the quads as they are (default-graph ones to the store's own default graph), in one transaction."""

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
        """Number of quads in the named graphs (the article graphs and the background graph; not the index)."""
        result = self.query(QUAD_COUNT)
        return int(next(iter(result))["n"].value)  # type: ignore[call-overload]

    @abstractmethod
    def dump(self, fmt: ox.RdfFormat, *, union: bool = False, name_keys: bool = True) -> bytes:
        """Serialize the dataset (or, with `union`, the union of its graphs) as bytes.

        With `name_keys` False, the `cvkg:nameKey` quads (an index for name lookups, not data) are left out.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the store; the handle must not be used afterwards."""
