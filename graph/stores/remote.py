"""A SPARQL server as a cvkg store, over the SPARQL 1.1 Protocol and the Graph Store Protocol.

Only the standard library talks HTTP (`http.client`, bounded in `graph.stores.transport`);
pyoxigraph parses the answers, so `RemoteStore.query` returns the same `QuerySolutions`,
`QueryBoolean` and `QueryTriples` as the embedded store.

Location syntax::

    http(s)://HOST[:PORT][/BASE][#OPTIONS]

OPTIONS sit in the URL fragment (never sent to the server), `&`-separated:

=================  ===========  ==================================================
option             default      meaning
=================  ===========  ==================================================
``query=PATH``     ``query``    SPARQL query endpoint
``update=PATH``    ``update``   SPARQL update endpoint
``gsp=PATH``       ``store``    Graph Store Protocol endpoint (dump and load)
``union=MODE``     ``param``    ``param``: cvkg keeps the union of the article
                                graphs in the server's own default graph (the
                                index of `graph.stores.base`; oxigraph serve);
                                ``server``: the server's default graph already
                                is the union of all graphs
``timeout=SEC``    ``60``       seconds for each HTTP request as a whole (sending,
                                waiting and reading the answer), not per read
``max-answer=MB``  ``512``      largest answer read, in megabytes
=================  ===========  ==================================================

Credentials in the URL (``http://USER:PASSWORD@HOST/…``) are sent as HTTP Basic
authentication (to that host only) and shown nowhere: errors and `location`
name the store as ``http://***@HOST/…``.

A PATH is resolved against ``BASE/``: ``sparql`` gives ``BASE/sparql``, ``.``
gives ``BASE`` itself, ``/x`` is taken from the host root and a full URL is
used as is. The defaults fit ``oxigraph serve``. Paths for other servers
(not tested here; check your server's manual)::

    oxigraph serve   http://127.0.0.1:7878
    Fuseki           http://localhost:3030/kg#gsp=.&union=server      (TDB2 with unionDefaultGraph)
    GraphDB          http://localhost:7200/repositories/kg#query=.&update=statements&gsp=rdf-graphs/service&union=server
    Neptune          https://HOST:8182#query=sparql&update=sparql&gsp=sparql/gsp/&union=server

The CLI also reads the paths from ``--query-path``/``--update-path``/``--gsp-path``
(env ``CVKG_QUERY_PATH``, ``CVKG_UPDATE_PATH``, ``CVKG_GSP_PATH``) and folds
them into the location with `with_endpoint_paths`.

Errors: an unreachable server, an HTTP error, a request past its deadline, an
answer over the size limit, a malformed answer (bad status line, cut body,
unreadable results, a media type that is neither SPARQL results nor RDF) and a
redirect to anything but http(s) each become a one-line `StoreError` naming the
URL (without credentials) and what was wrong; a malformed query or update
refused with HTTP 400 becomes a `QueryError`. Redirects are followed (at most
five) for GET, and with 307/308 for POST, as long as they stay http(s).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import QueryError, StoreError
from graph.sparql import bind_values, graph_node, iter_keywords
from graph.stores.base import ARTICLE_GRAPH, MEMORY, REMOTE_SCHEMES, KnowledgeStore
from graph.stores.embedded import EmbeddedStore
from graph.stores.transport import (
    MAX_REDIRECTS,
    MB,
    REDIRECTS,
    exchange,
    redact,
    redirect_target,
    without_credentials,
)
from ontology.vocab import PREFIXES

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ANSWER_MB = 512
RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
_OPTIONS = ("query", "update", "gsp", "union", "timeout", "max-answer")
# what Oxigraph writes into an answer whose query it cancelled (`oxigraph serve --timeout-s`)
_CANCELLED = b"operation has been cancelled"
_ANSWER_KINDS = {
    "SELECT": ox.QuerySolutions,
    "ASK": ox.QueryBoolean,
    "CONSTRUCT": ox.QueryTriples,
    "DESCRIBE": ox.QueryTriples,
}


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where a SPARQL server answers, and how to ask it."""

    query: str
    update: str
    gsp: str
    keeps_index: bool = True  # union=param (the name is older than the index): cvkg keeps it in the default graph
    timeout: float = DEFAULT_TIMEOUT
    max_answer: int = DEFAULT_MAX_ANSWER_MB * MB
    authorization: str | None = field(default=None, repr=False)  # from USER:PASSWORD@ in the location


def _resolve(base: str, path: str) -> str:
    if path in ("", "."):
        return base
    return urljoin(base.rstrip("/") + "/", path)


def _positive(options: dict[str, str], name: str, default: float, shown: str) -> float:
    try:
        value = float(options.get(name, default))
    except ValueError as exc:
        raise StoreError(f"store option {name}={options[name]!r} in {shown} is not a number") from exc
    if value <= 0:
        raise StoreError(f"store option {name}={value:g} in {shown} must be positive")
    return value


def parse_location(location: str) -> Endpoints:
    """Endpoints of a remote location `http(s)://HOST[:PORT][/BASE][#OPTIONS]` (see the module docstring).

    Raises:
        StoreError: not an http(s) URL, or an unknown or malformed option.
    """
    shown = redact(location)
    if not location.startswith(REMOTE_SCHEMES):
        raise StoreError(f"not an http(s) store location: {shown}")
    base, fragment = urldefrag(location)
    base, authorization = without_credentials(base)
    options = dict(parse_qsl(fragment, keep_blank_values=True))
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise StoreError(f"unknown store option {unknown[0]!r} in {shown}; known: {', '.join(_OPTIONS)}")
    union = options.get("union", "param")
    if union not in ("param", "server"):
        raise StoreError(f"store option union={union!r} in {shown}: use union=param or union=server")
    return Endpoints(
        query=_resolve(base, options.get("query", "query")),
        update=_resolve(base, options.get("update", "update")),
        gsp=_resolve(base, options.get("gsp", "store")),
        keeps_index=union == "param",
        timeout=_positive(options, "timeout", DEFAULT_TIMEOUT, shown),
        max_answer=int(_positive(options, "max-answer", DEFAULT_MAX_ANSWER_MB, shown) * MB),
        authorization=authorization,
    )


def with_endpoint_paths(
    location: str, *, query: str | None = None, update: str | None = None, gsp: str | None = None
) -> str:
    """Add endpoint paths to a remote location's options (a path already in the location wins).

    Other locations are returned unchanged, so the CLI can pass every `--store` through.
    """
    if not location.startswith(REMOTE_SCHEMES):
        return location
    base, fragment = urldefrag(location)
    options = dict(parse_qsl(fragment, keep_blank_values=True))
    for key, value in (("query", query), ("update", update), ("gsp", gsp)):
        if value is not None and key not in options:
            options[key] = value
    return f"{base}#{urlencode(options, safe='/:.')}" if options else base


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:300] if text else ""


class RemoteStore(KnowledgeStore):
    """A SPARQL 1.1 server (defaults fit `oxigraph serve`) holding one named graph per article.

    Bindings are sent as a `VALUES` block at the head of the query's WHERE group, so its
    patterns and filters see them (subqueries do not, as with the embedded store).
    """

    def __init__(self, endpoints: Endpoints, location: str, *, read_only: bool = False, check: bool = True) -> None:
        """Address the server; with `check`, its first use refuses a store an older cvkg wrote (see `outdated`)."""
        self.endpoints = endpoints
        self.location = redact(location)  # shown in messages: never the credentials
        self.read_only = read_only
        self._checked = not check  # asked of the server on first use

    @property
    def indexed(self) -> bool:
        """Whether cvkg keeps the server's own default graph as the index (see `graph.stores.base`).

        With ``union=server`` the server provides the union itself and cvkg writes no index.
        """
        return self.endpoints.keeps_index

    def _ensure_current(self) -> None:
        """On first use, refuse a store written by an older cvkg (a few ASK requests)."""
        if not self._checked:
            self._require_current()
            self._checked = True

    def _ask(self, sparql: str) -> bool:
        return bool(self._post_query(sparql))

    def _has_default_triples(self) -> bool:
        return bool(self._post_query("ASK { ?s ?p ?o }"))

    def _has_article_graphs(self) -> bool:
        return bool(self._post_query("ASK { GRAPH ?g { ?s ?p ?o } }"))

    @classmethod
    def from_location(cls, location: str, *, read_only: bool = False, check: bool = True) -> RemoteStore:
        """Open the store at `location` (see the module docstring); no request is sent yet."""
        return cls(parse_location(location), location, read_only=read_only, check=check)

    # -- HTTP --------------------------------------------------------------------
    def _request(
        self, method: str, url: str, *, body: bytes | None = None, headers: dict[str, str], malformed: str = ""
    ) -> tuple[str, bytes]:
        """Send one request (following http(s) redirects) within the store's deadline; return media type and body.

        `malformed` names what HTTP 400 means ("query", "update"): it then raises `QueryError`.
        """
        deadline = time.monotonic() + self.endpoints.timeout
        origin = urlsplit(url).netloc
        for _ in range(MAX_REDIRECTS + 1):
            sent = dict(headers)
            if self.endpoints.authorization and urlsplit(url).netloc == origin:  # never to another host
                sent["Authorization"] = self.endpoints.authorization
            answer = exchange(
                method, url, body, sent, deadline, timeout=self.endpoints.timeout, max_answer=self.endpoints.max_answer
            )
            target = answer.headers.get("Location") if answer.status in REDIRECTS else None
            if target is None:
                break
            url = redirect_target(method, url, answer.status, target)
        else:
            raise StoreError(f"{method} {url}: more than {MAX_REDIRECTS} redirects")
        if answer.status >= 400:
            detail = _first_line(answer.body)
            message = f"{method} {url} failed: HTTP {answer.status} {answer.reason}" + (f": {detail}" if detail else "")
            if answer.status == 400 and malformed:
                raise QueryError(f"invalid SPARQL {malformed}: {message}")
            raise StoreError(message)
        if not 200 <= answer.status < 300:
            raise StoreError(f"{method} {url}: unexpected answer HTTP {answer.status} {answer.reason}")
        return answer.headers.get_content_type(), answer.body

    # -- writing -----------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Send a SPARQL update (one request, which Oxigraph applies as one transaction)."""
        self._check_writable()
        self._ensure_current()
        body = (PROLOGUE + sparql).encode("utf-8")
        headers = {"Content-Type": "application/sparql-update; charset=utf-8"}
        self._request("POST", self.endpoints.update, body=body, headers=headers, malformed="update")

    def _add_quads(self, quads: list[ox.Quad]) -> None:
        """One SPARQL update (`INSERT DATA`)."""
        default = ox.DefaultGraph()
        named = [f"GRAPH {q.graph_name} {{ {q.triple} }}" for q in quads if q.graph_name != default]
        unnamed = [f"{q.triple} ." for q in quads if q.graph_name == default]
        self.update("INSERT DATA {\n" + "\n".join(named + unnamed) + "\n}")

    # -- reading -----------------------------------------------------------------
    def query(self, sparql: str, *, bindings: Mapping[str, object] | None = None) -> object:
        """Run a SPARQL query over the union of all article graphs.

        Returns pyoxigraph's `QuerySolutions`, `QueryBoolean` or `QueryTriples`.
        """
        self._ensure_current()
        return self._post_query(bind_values(sparql, bindings) if bindings else sparql)

    def _post_query(self, sparql: str) -> object:
        text = PROLOGUE + sparql
        url = self.endpoints.query
        headers = {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": RESULTS_ACCEPT}
        media_type, body = self._request("POST", url, body=text.encode("utf-8"), headers=headers, malformed="query")
        answer = _parse_answer(media_type, body, url)
        form = next((w for w in iter_keywords(sparql) if w in _ANSWER_KINDS), None)
        if form is not None and not isinstance(answer, _ANSWER_KINDS[form]):
            got = {ox.QuerySolutions: "solutions", ox.QueryBoolean: "a boolean"}.get(type(answer), "triples")
            raise StoreError(f"malformed answer from {url}: {got} for a {form} query")
        return answer

    def article_graphs(self) -> list[str]:
        """IRIs of the article graphs in the store, sorted."""
        result = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} {ARTICLE_GRAPH} }}")
        return sorted(row["g"].value for row in result)  # type: ignore[attr-defined]

    def has_article(self, name: URIRef | str) -> bool:
        """Whether the store holds a graph for this article IRI."""
        return bool(self.query(f"ASK {{ GRAPH {graph_node(name)} {{ }} }}"))

    def _present(self, names: list[ox.NamedNode]) -> list[ox.NamedNode]:
        if not names:
            return []
        values = " ".join(str(n) for n in names)
        result = self.query(f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ }} }}")
        found = {row["g"].value for row in result}  # type: ignore[attr-defined]
        return [n for n in names if n.value in found]

    def dump(self, fmt: ox.RdfFormat, *, union: bool = False, name_keys: bool = True) -> bytes:
        """GET the whole dataset from the Graph Store endpoint and serialize it as the embedded store does."""
        self._ensure_current()
        headers = {"Accept": ox.RdfFormat.N_QUADS.media_type}
        media_type, body = self._request("GET", self.endpoints.gsp, headers=headers)
        local = EmbeddedStore(ox.Store(), MEMORY)
        try:
            local.load(body, ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_QUADS)
        except StoreError as exc:
            raise StoreError(f"GET {redact(self.endpoints.gsp)} gave no readable {media_type}: {exc}") from exc
        return local.dump(fmt, union=union, name_keys=name_keys)

    def close(self) -> None:
        """Nothing to release: every call is one HTTP request."""


def _parse_answer(media_type: str, body: bytes, url: str) -> object:
    """SPARQL results or RDF triples in the answer, as the types pyoxigraph's `Store.query` returns.

    SELECT results are read once here, so a malformed answer fails now with a `StoreError`, not
    halfway through writing the rows.
    """
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    try:
        if results_format is not None:
            result = ox.parse_query_results(body, format=results_format)
            if isinstance(result, ox.QuerySolutions):
                for _ in result:
                    pass
                result = ox.parse_query_results(body, format=results_format)
            return result
        if rdf_format is not None:
            # `QueryTriples` has no constructor: re-run CONSTRUCT over the triples in memory.
            local = ox.Store()
            local.load(body, format=rdf_format)
            return local.query("CONSTRUCT WHERE { ?s ?p ?o }")
    except (SyntaxError, ValueError, OSError) as exc:
        if _CANCELLED in body[-500:]:
            raise StoreError(f"the SPARQL server at {url} cancelled the query (its own timeout)") from exc
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise StoreError(f"unreadable answer from {url} ({media_type}): {reason}") from exc
    raise StoreError(f"unexpected answer from {url}: media type {media_type}, neither SPARQL results nor RDF")
