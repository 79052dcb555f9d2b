"""Tables in an article's text, read as rows under their headers.

Three shapes of block are found, line by line, once per doc:

* pipe rows, '| Amazon | 38.9% |' (HTML `<table>`s arrive so, pipelines.ingest `_flatten_tables`, and so do
  Markdown tables; '|---|' rule rows are skipped and mark the row above them as the header);
* text columns aligned by tabs or runs of spaces ('Q2 2017<TAB>4.1<TAB>42');
* lists of 'label: value' or 'label — value' lines, with or without bullets ('Azure: up 31%'), after a lead line
  ending with ':' or as a run of at least two such lines.

A pipe or column block's first row is its header when it holds no figure (a percentage, an amount, or a number
that is not a year). Each block keeps the lead: the last sentence before it, which names whose figures the
rows give (firm, market, company, period). Extractors ask `row_at(sent)` for the row a sentence starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.extractors.common import doc_sents, doc_text, per_doc

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
PIPE_RULE = re.compile(r"^\s*\|(?:\s*:?-{2,}:?\s*\|)+\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•·–]|\d{1,2}[.)])\s+")
_COLUMN_GAP = re.compile(r"\t+|\s{2,}")
# 'Google Cloud revenue: $3.4 billion, up 28%', 'Amazon — 38.9%': a short label, a separator, a short value
_ITEM = re.compile(r"^(?P<label>[^:|\n]{2,60}?)\s*(?::|[—–]+|\s-{1,2}\s|-+(?=\s*\d))\s*(?P<value>[^|\n]{1,80})$")
_PERCENT = re.compile(r"^[(+−-]?\s*(?:about\s+)?\d+(?:\.\d+)?\s?(?:%|per\s?cent)\)?$", re.IGNORECASE)
_AMOUNT = re.compile(r"^[(+−-]?\s*(?:[A-Z]{0,3}[$€£¥]|RMB|USD|EUR)\s?\d", re.IGNORECASE)
_NUMBER = re.compile(r"^[(+−-]?\s*\d[\d,]*(?:\.\d+)?\)?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_MAX_CELL = 40  # a column cell longer than this is prose with a double space, not a table


@dataclass(frozen=True)
class Row:
    """One row of a block: its cells and where its line stands in the doc's text."""

    cells: tuple[str, ...]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Block:
    """A table, an aligned text table or a list: the header cells ((), for a list), the rows and the lead sentence."""

    kind: str  # "pipe", "columns" or "list"
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    lead: Span | None  # the last sentence before the block

    def cells(self, row: Row) -> dict[str, str]:
        """The row as {header: cell} (a list's row as {'label': …, 'value': …})."""
        names = self.header if self.kind != "list" else ("label", "value")
        return {name: cell for name, cell in zip(names, row.cells, strict=False) if name}


def is_figure(cell: str) -> bool:
    """Whether a cell gives a figure: a percentage, an amount or a number that is not a year."""
    cell = cell.strip()
    if _PERCENT.match(cell) or _AMOUNT.match(cell):
        return True
    return bool(_NUMBER.match(cell)) and not _YEAR.match(cell)


def pipe_cells(text: str) -> tuple[str, ...]:
    """The cells of a '| a | b |' row."""
    return tuple(c.strip() for c in text.strip().strip("|").split("|"))


def _lines(text: str) -> list[tuple[int, int, str]]:
    """The text's lines as (start, end, line), blank lines included."""
    found, start = [], 0
    for line in text.split("\n"):
        found.append((start, start + len(line), line))
        start += len(line) + 1
    return found


def _column_cells(line: str) -> tuple[str, ...]:
    cells = tuple(c.strip() for c in _COLUMN_GAP.split(line.strip()))
    return cells if len(cells) >= 2 and all(0 < len(c) <= _MAX_CELL for c in cells) else ()


def _item(line: str) -> tuple[str, ...]:
    match = _ITEM.match(_BULLET.sub("", line, count=1).strip())
    if match is None or not re.search(r"\d", match.group("value")):
        return ()
    return (match.group("label").strip(), match.group("value").strip())


def _header(rows: list[Row], ruled: bool) -> tuple[tuple[str, ...], list[Row]]:
    """Split the header row off a pipe or column block: ruled below, or holding no figure."""
    if rows and (ruled or not any(is_figure(c) for c in rows[0].cells)):
        return rows[0].cells, rows[1:]
    return (), rows


def _blocks(doc: Doc) -> tuple[Block, ...]:
    text = doc_text(doc)
    lines = _lines(text)
    raw: list[tuple[str, list[Row], bool, int]] = []  # kind, rows, ruled header, index of the first line
    k = 0
    while k < len(lines):
        start, end, line = lines[k]
        if PIPE_ROW.match(line) and not PIPE_RULE.match(line):
            rows: list[Row] = []
            ruled = False
            first = k
            while k < len(lines) and PIPE_ROW.match(lines[k][2]):
                s, e, row_line = lines[k]
                if PIPE_RULE.match(row_line):
                    ruled = ruled or len(rows) == 1
                else:
                    rows.append(Row(pipe_cells(row_line), s, e, row_line))
                k += 1
            raw.append(("pipe", rows, ruled, first))
            continue
        if "\t" in line or "  " in line.strip():
            width = len(_column_cells(line))
            run, first = [], k
            while width and k < len(lines) and len(cells := _column_cells(lines[k][2])) == width:
                run.append(Row(cells, lines[k][0], lines[k][1], lines[k][2]))
                k += 1
            if len(run) >= 2 and any(is_figure(c) for r in run for c in r.cells):
                raw.append(("columns", run, False, first))
                continue
            k = first
        if _item(line):
            run, first = [], k
            while k < len(lines) and (cells := _item(lines[k][2])):
                run.append(Row(cells, lines[k][0], lines[k][1], lines[k][2]))
                k += 1
            led = first > 0 and lines[first - 1][2].rstrip().endswith(":")
            if led or len(run) >= 2:
                raw.append(("list", run, False, first))
            continue
        k += 1
    sents = doc_sents(doc)
    blocks = []
    for kind, rows, ruled, first in raw:
        header, data = _header(rows, ruled) if kind != "list" else ((), rows)
        begin = lines[first][0]
        before = (s for s in reversed(sents) if s.end_char <= begin and text[s.start_char : s.end_char].strip())
        lead = next(before, None)
        if data:
            blocks.append(Block(kind, header, tuple(data), lead))
    return tuple(blocks)


def doc_blocks(doc: Doc) -> tuple[Block, ...]:
    """The doc's tables and lists, found once per doc."""
    return per_doc(doc, "cvkg_tables", _blocks)


def row_at(sent: Span) -> tuple[Block, int] | None:
    """The block whose data row ends in the sentence (a bullet may stand as a sentence of its own), and its index."""
    for block in doc_blocks(sent.doc):
        if block.rows[0].start >= sent.end_char or block.rows[-1].end < sent.start_char:
            continue
        for index, row in enumerate(block.rows):
            if sent.start_char < row.start + len(row.text.rstrip()) <= sent.end_char:
                return block, index
    return None


def row_span(doc: Doc, row: Row) -> Span:
    """The row's words as a span of the doc, bullet and spaces left out."""
    bullet = _BULLET.match(row.text)
    start = row.start + (bullet.end() if bullet else len(row.text) - len(row.text.lstrip()))
    span = doc.char_span(start, row.start + len(row.text.rstrip()), alignment_mode="expand")
    return span if span is not None else doc[0:0]


def in_table(sent: Span) -> bool:
    """Whether the sentence lies in a pipe or column block (a header or a data row), where prose rules do not apply."""
    for block in doc_blocks(sent.doc):
        if block.kind == "list" or block.rows[-1].end < sent.start_char:
            continue
        lead_end = block.lead.end_char if block.lead is not None else 0
        if lead_end <= sent.start_char <= block.rows[-1].end:
            return True
    return False
