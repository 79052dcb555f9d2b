"""Format SPARQL results for people (table) and programs (CSV, TSV, JSON, Turtle)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import BinaryIO

import pyoxigraph as ox

from ontology.vocab import PREFIXES

# what `format_result`, `write_result` and `format_records` write (the CLI's --format choices)
RESULT_FORMATS = ("table", "csv", "tsv", "json")
# the SPARQL results formats among them, written by pyoxigraph row by row
STREAMED_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}


def term_text(term: object) -> str:
    """A compact, readable form of an RDF term: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri) :]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def solutions_rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a SELECT result as display strings."""
    header = [v.value for v in result.variables]
    rows = [[term_text(solution[name]) for name in header] for solution in result]
    return header, rows


def _wrap(cell: str, width: int) -> list[str]:
    """A cell in lines of at most `width` characters, broken after '; ' or at spaces where it can be."""
    lines: list[str] = []
    while len(cell) > width:
        cut = cell.rfind("; ", 0, width - 1) + 1  # after a list item's ';'
        if cut < width // 2:
            cut = cell.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = width  # one long word (an IRI): broken where the width ends
        lines.append(cell[:cut].rstrip())
        cell = cell[cut:].lstrip()
    return [*lines, cell]


def format_table(header: list[str], rows: list[list[str]], *, max_width: int = 60) -> str:
    """A plain-text table with aligned columns; a cell longer than `max_width` wraps onto more lines, never cut."""
    wrapped = [[_wrap(c, max_width) for c in r] for r in rows]
    widths = [len(h) for h in header]
    for row in wrapped:
        widths = [max(w, *(len(line) for line in cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = []
    for row in wrapped:
        for i in range(max(len(cell) for cell in row) if row else 1):
            parts = [(cell[i] if i < len(cell) else "").ljust(w) for cell, w in zip(row, widths, strict=True)]
            body.append("  ".join(parts).rstrip())
    return "\n".join([line.rstrip(), rule, *body, f"({len(rows)} rows)"])


def format_result(result: object, fmt: str) -> str:
    """Render a query result: SELECT/ASK in `fmt`, CONSTRUCT/DESCRIBE as Turtle."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return '{"head": {}, "boolean": %s}' % ("true" if bool(result) else "false")
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        data = ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return data.decode("utf-8")
    assert isinstance(result, ox.QuerySolutions)
    if fmt == "table":
        return format_table(*solutions_rows(result))
    return result.serialize(format=STREAMED_FORMATS[fmt]).decode("utf-8")


def write_result(result: object, fmt: str, out: BinaryIO) -> None:
    """Write a query result to a binary stream; CSV, TSV, JSON and RDF are streamed row by row.

    Only the aligned `table` needs every row first; use csv/tsv/json for huge results.
    """
    if isinstance(result, ox.QuerySolutions) and fmt in STREAMED_FORMATS:
        result.serialize(out, format=STREAMED_FORMATS[fmt])
    elif isinstance(result, ox.QueryTriples):
        ox.serialize(result, out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    else:
        out.write(format_result(result, fmt).rstrip("\n").encode("utf-8") + b"\n")
    out.flush()


def _cell(value: object, *, compact: bool = False) -> str:
    """A display string: lists joined with '; ', floats to 4 decimals, Decimals in plain notation.

    With `compact`, IRIs in the cvkg namespaces are shortened to their prefixed form (doc:…).
    """
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v, compact=compact) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, Decimal):
        return format(value, "f")
    if compact and isinstance(value, str) and value.startswith("https://w3id.org/cvkg/"):
        return term_text(ox.NamedNode(value))
    return "" if value is None else str(value)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def format_records(records: Sequence[Mapping[str, object]], fmt: str, *, columns: Sequence[str] = ()) -> str:
    """Render rows of dicts (e.g. `dataclasses.asdict` of analytics rows) as a table, CSV, TSV or JSON.

    `columns` picks and orders the fields (default: the keys of the first row).
    JSON keeps lists and numbers; the other formats join lists with '; '.
    """
    header = list(columns) or (list(records[0]) if records else [])
    if fmt == "json":
        return json.dumps([{k: r.get(k) for k in header} for r in records], indent=1, default=_json_value)
    if fmt == "table":
        return format_table(header, [[_cell(r.get(k), compact=True) for k in header] for r in records])
    rows = [[_cell(r.get(k)) for k in header] for r in records]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerows([header, *rows])
    return out.getvalue()
