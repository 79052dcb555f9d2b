"""The named query library: the SPARQL files in `graph/queries/` and their comment headers.

Each `graph/queries/NAME.rq` starts with comment lines::

    # title: Who left a cloud provider, and for whom?
    # description: Migrations away from a provider ...
    #   (indented comment lines continue the previous field)
    # param provider_name (optional): the provider that was left (Alibaba Cloud)
    # graphs: reads the article graphs (GRAPH); on an export, run it on the TriG ...

A query that reads the article graphs (`GRAPH ?article`) says so in its `# graphs:` line: the Turtle
export, the union of the article graphs, cannot answer it; the TriG export can (in rdflib, parsed into
`Dataset(default_union=True)`, whose default graph is then that union, as the store's is, with the
background graph's facts about the entities).

A parameter is a variable of the query's SELECT projection. `prepare` writes the
values given into the text as a `VALUES` block (each term escaped by pyoxigraph) at
the head of the WHERE group, and of each subquery's that uses it: there the
planner sees them, so a lookup can start from them (pyoxigraph plans a query before
it substitutes bindings). Each literal parameter NAME also binds `?NAME_key`, its
value in lower case, when the query uses it: the `cvkg:nameKey` of a name, so

    ?org cvkg:nameKey ?provider_name_key .  # with provider_name

finds an organization by any of its names, in any case, without scanning every
label. A line ending in `# with NAME` is left out when the optional parameter NAME
is not given (or given empty). Other optional parameters are written so the query
still works when they are unbound (`FILTER(COALESCE(test-using-?param, true))`:
with the parameter unbound the test is an error and COALESCE turns it into `true`).

An export leaves the keys out (`cvkg export --with-name-keys` keeps them). `prepare(..., portable=True)`
writes each key lookup as a test of the node's labels and aliases in lower case instead, the text to
run on an export in rdflib or any SPARQL 1.1 engine: the same rows, without the index. The queries keep
the joins of a group in one group where they can: rdflib joins a group's first two parts row by row but
evaluates each later part on its own, unbound, before joining (a BGP after a UNION can be a cross
product).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from graph.build import name_key
from graph.errors import QueryError
from graph.sparql import parameter_group_starts, parse_param_value, values_clause

QUERY_DIR = Path(__file__).resolve().parent / "queries"

_FIELD = re.compile(r"#\s*(title|description|graphs)\s*:\s*(.*)")
_PARAM = re.compile(r"#\s*param\s+\??(\w+)\s*(\(optional\))?\s*:\s*(.*?)\s*(?:\(([^()]*)\))?\s*")
_CONTINUATION = re.compile(r"#\s{2,}(\S.*)")
# a line kept only when an optional parameter is given: "  ?org cvkg:nameKey ?provider_name_key .  # with provider_name"
_WITH = re.compile(r"^(?P<code>.*\S)\s*#\s*with\s+(?P<name>\w+)\s*$", re.MULTILINE)
# a name lookup by key: "?org cvkg:nameKey ?provider_name_key ." (rewritten by `prepare(..., portable=True)`)
_NAME_KEY = re.compile(r"(?P<node>[?$]\w+)\s+cvkg:nameKey\s+[?$](?P<name>\w+)_key\s*\.")
# what it becomes in the portable text: a test that some label or alias, in lower case, is the key. A test,
# not a join, so a node with two such names gives one row, as its one key triple did.
_PORTABLE_NAME = (
    "FILTER EXISTS {{ {node} rdfs:label|skos:altLabel ?{name}_label . "
    "FILTER(LCASE(STR(?{name}_label)) = ?{name}_key) }}"
)


@dataclass(frozen=True, slots=True)
class QueryParam:
    """One parameter of a named query."""

    name: str
    meaning: str
    example: str = ""
    required: bool = True


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A SPARQL query of the library with its header fields."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    text: str
    graphs: str = ""  # the `# graphs:` header: how a query that reads the article graphs runs on an export

    @property
    def needs_graphs(self) -> bool:
        """Whether the query reads per-article named graphs (`GRAPH`): it runs on a dataset (TriG), not on Turtle."""
        return bool(re.search(r"^[^#\n]*\bGRAPH\b", self.text, re.MULTILINE))

    def param(self, name: str) -> QueryParam | None:
        """The parameter called `name`, if the query has one."""
        return next((p for p in self.params if p.name == name), None)


def parse_query(name: str, text: str) -> NamedQuery:
    """Read the comment header of a query text.

    Raises:
        QueryError: the header has no title.
    """
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        if (cont := _CONTINUATION.fullmatch(stripped)) and last in ("description", "graphs"):
            fields[last] += " " + cont.group(1)
        elif field := _FIELD.fullmatch(stripped):
            last = field.group(1)
            fields[last] = field.group(2).strip()
        elif param := _PARAM.fullmatch(stripped):
            last = "param"
            pname, optional, meaning, example = param.groups()
            params.append(QueryParam(pname, meaning, example or "", required=not optional))
    if "title" not in fields:
        raise QueryError(f"named query {name} has no '# title:' header line")
    return NamedQuery(
        name, fields["title"], fields.get("description", ""), tuple(params), text, fields.get("graphs", "")
    )


def list_queries() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    return [parse_query(path.stem, path.read_text(encoding="utf-8")) for path in sorted(QUERY_DIR.glob("*.rq"))]


def load_query(name: str) -> NamedQuery:
    """The named query `name` (the file name without `.rq`).

    Raises:
        QueryError: there is no such query.
    """
    path = QUERY_DIR / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        raise QueryError(f"no named query {name!r}; `cvkg query --list` shows them")
    return parse_query(name, path.read_text(encoding="utf-8"))


def bind_params(query: NamedQuery, values: Mapping[str, str]) -> dict[str, URIRef | Literal]:
    """Check `values` against the query's parameters and turn them into bindings.

    Raises:
        QueryError: a value names an unknown parameter or a required one is missing.
    """
    for name in values:
        if query.param(name) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise QueryError(f"query {query.name} has no parameter {name!r} (parameters: {known})")
    missing = [p.name for p in query.params if p.required and p.name not in values]
    if missing:
        raise QueryError(f"query {query.name} needs --param {missing[0]}=VALUE ({query.param(missing[0]).meaning})")  # type: ignore[union-attr]
    return {name: parse_param_value(value) for name, value in values.items()}


def prepare(query: NamedQuery, values: Mapping[str, str], *, portable: bool = False) -> str:
    """The query's text with the parameter values written in (see the module docstring), to run without bindings.

    With `portable`, names are matched without the `cvkg:nameKey` index, which `cvkg export` leaves out: each
    lookup by key becomes a test of the node's labels and aliases in lower case (so the rest of its group must
    bind the node). On an export, in any SPARQL 1.1 engine (rdflib included), that text gives the rows the
    indexed text gives on the store.

    Raises:
        QueryError: a value names an unknown parameter, a required one is missing, or an IRI is invalid.
    """
    bindings: dict[str, URIRef | Literal] = dict(bind_params(query, values))
    given = {name for name, value in bindings.items() if str(value)}  # an empty name means every row, as unbound
    text = _WITH.sub(lambda m: m.group("code") if m.group("name") in given else "", query.text)
    if portable:
        text = _NAME_KEY.sub(lambda m: _PORTABLE_NAME.format(node=m.group("node"), name=m.group("name")), text)
    for name, value in list(bindings.items()):
        if isinstance(value, Literal) and re.search(rf"[?$]{name}_key\b", text):
            bindings[f"{name}_key"] = Literal(name_key(str(value)))
    if not bindings:
        return text
    block = f" {values_clause(bindings)}\n"
    starts = parameter_group_starts(text, set(bindings))
    for start in reversed(starts):
        text = text[:start] + block + text[start:]
    return text
