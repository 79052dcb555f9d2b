"""The named query library: the SPARQL files in `graph/queries/` and their comment headers.

Each `graph/queries/NAME.rq` starts with comment lines::

    # title: Who left a cloud provider, and for whom?
    # description: Migrations away from a provider ...
    #   (indented comment lines continue the previous field)
    # param provider_name (optional): the provider that was left (Alibaba Cloud)

A parameter is a variable of the query's SELECT projection; its value is bound
from the outside through pyoxigraph substitutions, never spliced into the text.
Optional parameters are written so the query still works when they are unbound
(`FILTER(COALESCE(test-using-?param, true))`: with the parameter unbound the test
is an error and COALESCE turns it into `true`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from graph.errors import QueryError
from graph.sparql import parse_param_value

QUERY_DIR = Path(__file__).resolve().parent / "queries"

_FIELD = re.compile(r"#\s*(title|description)\s*:\s*(.*)")
_PARAM = re.compile(r"#\s*param\s+\??(\w+)\s*(\(optional\))?\s*:\s*(.*?)\s*(?:\(([^()]*)\))?\s*")
_CONTINUATION = re.compile(r"#\s{2,}(\S.*)")


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
        if (cont := _CONTINUATION.fullmatch(stripped)) and last == "description":
            fields["description"] += " " + cont.group(1)
        elif field := _FIELD.fullmatch(stripped):
            last = field.group(1)
            fields[last] = field.group(2).strip()
        elif param := _PARAM.fullmatch(stripped):
            last = "param"
            pname, optional, meaning, example = param.groups()
            params.append(QueryParam(pname, meaning, example or "", required=not optional))
    if "title" not in fields:
        raise QueryError(f"named query {name} has no '# title:' header line")
    return NamedQuery(name, fields["title"], fields.get("description", ""), tuple(params), text)


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
