"""SPARQL text: guard and run it (refuse SERVICE/LOAD, bindings, bounded time and memory), write terms into it.

`SERVICE` (federated query) and `LOAD` (fetch a document into the store) make
Oxigraph open network connections on behalf of whoever wrote the query. They
are found at the token level, so the words inside strings, IRIs, comments,
variables and prefixed names do not count, and are refused unless the caller
allows them.

Terms written into SPARQL text (updates, `VALUES` blocks) go through pyoxigraph
terms (`to_ox`, `graph_node`, `binding_terms`), whose `str()` is valid SPARQL.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.errors import QueryError, StoreError

logger = logging.getLogger(__name__)

T = TypeVar("T")

NETWORK_KEYWORDS = ("SERVICE", "LOAD")

# One alternative per SPARQL lexical element that can hide a keyword-like word.
# Order matters: comments, strings and IRIs are consumed before any word is seen.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '''(?:[^'\\]|\\.|'(?!''))*'''
               | "(?:[^"\\\n\r]|\\.)*"
               | '(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w.\-]*)?:[\w.:%\-\\]*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_IRI_VALUE = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
# SPARQL VARNAME, ASCII subset: binding names are spliced into query text (VALUES blocks).
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Term = ox.NamedNode | ox.Literal

MB = 1024 * 1024
# the bounds `cvkg query` (and `cvkg serve`, for its timeout) applies unless told otherwise
DEFAULT_QUERY_TIMEOUT = 60.0
DEFAULT_MAX_MEMORY_MB = 1024
DEFAULT_TABLE_ROWS = 10_000
_POLL = 0.05  # seconds between two looks at the memory of a running query
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class QueryTimeoutError(QueryError):
    """A query did not finish within its time limit."""


class QueryMemoryError(QueryError):
    """A query needed more memory than its limit."""


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


def values_clause(bindings: Mapping[str, object]) -> str:
    """A `VALUES` block fixing each variable to its (escaped) term."""
    terms = binding_terms(bindings)
    names = " ".join(f"?{name}" for name in terms)
    row = " ".join(str(term) for term in terms.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def bind_values(sparql: str, bindings: Mapping[str, object]) -> str:
    """The query with its variables fixed by a `VALUES` block at the head of its WHERE group.

    There every pattern and FILTER of the group sees them, as with pyoxigraph's substitutions; a
    trailing VALUES would be joined only after GROUP BY, too late for a filter on a parameter.
    (Subqueries do not see them, as with substitutions.)
    """
    start = where_group_start(sparql)
    if start is None:  # not a query with a group: the server will say what is wrong
        return f"{sparql}\n{values_clause(bindings)}"
    return f"{sparql[:start]} {values_clause(bindings)}\n{sparql[start:]}"


def iter_keywords(text: str) -> Iterator[str]:
    """Yield the bare words and name prefixes of a SPARQL text, upper-cased.

    Strings, IRIs, comments, variables and the local part of prefixed names are skipped.
    """
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            yield match.group().upper()
        elif match.lastgroup == "pname":
            yield match.group().split(":", 1)[0].upper()


def ends_with_separator(text: str) -> bool:
    """Whether the last SPARQL token of an update (comments and spaces aside) is the `;` between operations."""
    tokens = [m for m in _TOKEN.finditer(text) if m.lastgroup != "comment" and not m.group().isspace()]
    return bool(tokens) and tokens[-1].group() == ";"


def where_group_start(text: str) -> int | None:
    """The offset just after the `{` opening a query's WHERE group (the first top-level group when WHERE is left out).

    Braces inside strings, IRIs and comments do not count. None when the text has no such group.
    """
    depth, after_where, first = 0, False, None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if match.lastgroup == "word" and depth == 0 and token.upper() == "WHERE":
            after_where = True
        elif token == "{":
            if depth == 0:
                if after_where:
                    return match.end()
                first = match.end() if first is None else first
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
    return first


def parameter_group_starts(text: str, names: set[str]) -> list[int]:
    """Where a parameter's `VALUES` block goes: just after the `{` of the query's WHERE group, and of each
    subquery's WHERE group that mentions one of the variables `names` (a subquery does not see the outer one's).

    Braces inside strings, IRIs and comments do not count. Offsets in ascending order.
    """
    outer = where_group_start(text)
    starts = [] if outer is None else [outer]
    opened: list[tuple[int, bool]] = []  # per open brace: (offset after it, whether it opens a subquery's WHERE)
    mentioned: list[bool] = []  # per open subquery group: whether it mentions a parameter
    select_depth: int | None = None  # brace depth at which a subquery's SELECT was seen, until its group opens
    for match in _TOKEN.finditer(text):
        token, kind = match.group(), match.lastgroup
        if kind == "word" and token.upper() == "SELECT" and opened:
            select_depth = len(opened)
        elif token == "{":
            sub = select_depth is not None and select_depth == len(opened)
            opened.append((match.end(), sub))
            if sub:
                mentioned.append(False)
                select_depth = None
        elif token == "}" and opened:
            start, sub = opened.pop()
            if sub and mentioned.pop():
                starts.append(start)
        elif kind == "var" and token[1:] in names and mentioned:
            mentioned[:] = [True] * len(mentioned)  # inner subqueries lie inside the outer ones
    return sorted(set(starts))


def network_keywords(text: str) -> list[str]:
    """The network-reaching keywords (SERVICE, LOAD) a SPARQL text uses, sorted, each once.

    A word or prefix that merely starts with one counts too: Oxigraph's parser reads
    `SERVICEex:x` as `SERVICE ex:x` and `LOAD:x` as `LOAD :x`.
    """
    return sorted({kw for word in iter_keywords(text) for kw in NETWORK_KEYWORDS if word.startswith(kw)})


def check_network_access(text: str, *, allow_service: bool = False) -> None:
    """Refuse SERVICE and LOAD unless `allow_service` is set.

    Raises:
        QueryError: the text uses SERVICE or LOAD and they are not allowed.
    """
    found = network_keywords(text)
    if found and not allow_service:
        words = " and ".join(found)
        raise QueryError(f"{words} refused: it makes the store fetch data from the network; pass --allow-service")


def parse_param_value(text: str) -> URIRef | Literal:
    """A parameter value as an RDF term: `<…>` is an IRI, anything else a plain string literal.

    Raises:
        QueryError: the value starts with `<` but is not a valid IRI.
    """
    if text.startswith("<") and text.endswith(">"):
        match = _IRI_VALUE.fullmatch(text)
        if not match or not match.group(1):
            raise QueryError(f"parameter value {text} is not a valid IRI")
        return URIRef(match.group(1))
    return Literal(text)


def parse_params(pairs: Mapping[str, str]) -> dict[str, URIRef | Literal]:
    """Turn `name -> text` into `name -> term` for the store's `bindings=` argument."""
    return {name.lstrip("?$"): parse_param_value(value) for name, value in pairs.items()}


def run_query(
    store: object,
    text: str,
    *,
    bindings: Mapping[str, URIRef | Literal] | None = None,
    allow_service: bool = False,
) -> object:
    """Check `text` for network access, then run it on `store` with `bindings` substituted.

    `store` is anything with the `KnowledgeStore.query(sparql, bindings=)` method.

    Raises:
        QueryError: the query is refused, malformed, or a binding names a variable it does not select.
    """
    check_network_access(text, allow_service=allow_service)
    try:
        return store.query(text, bindings=dict(bindings) if bindings else None)  # type: ignore[attr-defined]
    except RuntimeError as exc:
        # pyoxigraph raises RuntimeError when a substituted variable is not in the projection.
        message = str(exc)
        found = re.search(r"variable \?(\w+)", message)
        if found:
            name = found.group(1)
            raise QueryError(f"unknown parameter {name}: the query does not select ?{name}") from exc
        raise QueryError(f"query failed: {message}") from exc


def _clear_frames(exc: BaseException | None) -> None:
    """Drop the local variables of the frames an exception (and its causes) went through, here in the worker.

    A pyoxigraph result held by such a frame must not be freed in another thread (pyo3 panics:
    "unsendable, but is being dropped on another thread"); the traceback's lines stay for --debug.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def current_rss() -> int | None:
    """This process's resident memory in bytes (Linux `/proc`), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * _PAGE_SIZE


def call_with_timeout(func: Callable[[], T], seconds: float | None, *, max_memory: int | None = None) -> T:
    """Run `func` in a worker thread and return its result, within `seconds` and `max_memory` bytes.

    The memory bound counts the growth of this process's resident memory while `func` runs,
    polled every few hundredths of a second (so it can be overshot by what a query allocates
    meanwhile); it needs Linux's `/proc` and is not enforced elsewhere. Neither bound is checked
    when both are None.

    The worker cannot be interrupted (pyoxigraph does not support it): when a bound is passed
    it keeps running in a daemon thread, so callers should exit soon.

    Raises:
        QueryTimeoutError: `seconds` passed.
        QueryMemoryError: the process grew by more than `max_memory` bytes.
    """
    baseline = current_rss() if max_memory is not None else None
    if seconds is None and baseline is None:
        return func()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            _clear_frames(exc)
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="cvkg-query", daemon=True)
    deadline = None if seconds is None else time.monotonic() + seconds
    worker.start()
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        worker.join(_POLL if left is None else max(min(left, _POLL), 0))
        if not worker.is_alive():
            break
        if baseline is not None and max_memory is not None:
            rss = current_rss()
            if rss is not None and rss - baseline > max_memory:
                raise QueryMemoryError(
                    f"query stopped: it needed more than {max_memory // MB:,} MB of memory (--max-memory)"
                )
        if deadline is not None and time.monotonic() >= deadline:
            raise QueryTimeoutError(f"query timed out after {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
