"""Read articles from files, folders, JSONL feeds and stdin into `Article` records.

Readers are generators. A bad item never stops the run: it is yielded as a
`Skipped` with a one-line reason, and the caller counts it in the summary.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.records import Article
from pipelines.errors import InputError, SkipArticle

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
META_KEYS = ("title", "date", "url", "publisher")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_META_DATE = re.compile(
    r"<meta[^>]+(?:property|name)=[\"'](?:article:published_time|og:published_time|"
    r"datePublished|pubdate|date)[\"'][^>]*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content=[\"']([^\"']+)[\"']", re.IGNORECASE)
_TIME = re.compile(r"<time[^>]+datetime=[\"']([^\"']+)[\"']", re.IGNORECASE)


_NO_TEXT = "JSON line has no text or html"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input item that was not ingested, and why."""

    source: str
    reason: str


def normalise_date(value: object) -> str:
    """The ISO date (YYYY-MM-DD) at the start of `value`, or '' when there is none."""
    match = _DATE.search(str(value or ""))
    if not match:
        return ""
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return ""


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then Windows-1252/Latin-1.

    Raises:
        SkipArticle: the data is empty or binary.
    """
    if not data.strip():
        raise SkipArticle("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if b"\x00" in data[:4096]:
        raise SkipArticle("binary data (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 0.05 * min(len(text), 4096):
        raise SkipArticle("binary data (control bytes)")
    return text


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split `key: value` front matter between `---` lines from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


_LINE_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+•·–][ \t]+|\d{1,2}[.)][ \t]+|>[ \t]?)", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


# a wire dateline opening a paragraph: "MUMBAI, May 18 (Deccan Data Wire) — ", "SAN JOSE, Calif., Sept 21 (Reuters) - "
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'-]+(?:[ ][A-Z][A-Z.'-]+)*(?:,[ ][A-Z][a-z]+\.?)?"
    r"(?:,?[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2}(?:[ ]?\([^)\n]{2,60}\))?|[ ]?\([^)\n]{2,60}\))"
    r"[ ]?[—–-]{1,2}[ ]",
    re.MULTILINE,
)


def strip_markup(text: str) -> str:
    """Drop datelines, line-start bullets, heading and quote marks and bold markers, which confuse the parser."""
    return _DATELINE.sub("", _EMPHASIS.sub(r"\2", _LINE_MARKUP.sub("", text)))


def _article(text: str, meta: dict[str, object], source: str, *, min_chars: int) -> Article:
    body = strip_markup(text).strip()
    if len(body) < min_chars:
        raise SkipArticle("no article text" if not body else f"too short ({len(body)} characters)")
    return Article(
        text=body,
        title=str(meta.get("title") or "").strip(),
        date=normalise_date(meta.get("date")),
        url=str(meta.get("url") or "").strip(),
        publisher=str(meta.get("publisher") or "").strip(),
        source=source,
    )


def parse_text(text: str, source: str, *, min_chars: int = 20) -> Article:
    """A plain-text or Markdown article with optional front matter."""
    meta, body = split_front_matter(text)
    return _article(body, dict(meta), source, min_chars=min_chars)


def html_date(html: str) -> str:
    """Publication date from `article:published_time`-style meta, else the first `<time datetime>`."""
    for tag in _META_DATE.findall(html):
        content = _CONTENT.search(tag)
        if content and normalise_date(content.group(1)):
            return normalise_date(content.group(1))
    for value in _TIME.findall(html):
        if normalise_date(value):
            return normalise_date(value)
    return ""


def _flatten_tables(html: str) -> str:
    """Data tables as one '| cell | cell |' paragraph per row, so their figures reach the text intact.

    trafilatura's own table output drops some cells (a cell reading 'Google' came out empty); layout
    tables (nested tables or long cells) are left alone.
    """
    if "<table" not in html.lower():
        return html
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, etree.ParserError):
        return html
    for table in list(root.iter("table")):
        cells = [c for c in table.iter("td", "th")]
        if table.find(".//table") is not None or any(len(c.text_content()) > 200 for c in cells):
            continue
        block = lxml.html.Element("div")
        for row in table.iter("tr"):
            texts = [" ".join(c.text_content().split()) for c in row if c.tag in ("td", "th")]
            if any(texts):
                paragraph = lxml.html.Element("p")
                paragraph.text = "| " + " | ".join(texts) + " |"
                block.append(paragraph)
        block.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, block)
    return lxml.html.tostring(root, encoding="unicode")


def parse_html(html: str, source: str, *, meta: dict[str, object] | None = None, min_chars: int = 20) -> Article:
    """The article body of an HTML page, without navigation, comments and other boilerplate."""
    import trafilatura

    if not re.search(r"<[a-zA-Z!]", html):
        raise SkipArticle("not HTML")
    try:
        doc = trafilatura.bare_extraction(
            _flatten_tables(html),
            include_comments=False,
            include_tables=True,  # market-share and results tables carry the figures
            with_metadata=True,
            favor_precision=True,
        )
    except Exception as exc:  # noqa: BLE001 - a broken page must not stop the run
        raise SkipArticle(f"unreadable HTML ({type(exc).__name__})") from exc
    if doc is None:
        raise SkipArticle("no article text found in HTML")
    found = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    merged: dict[str, object] = {
        "title": found.get("title") or "",
        "date": html_date(html) or found.get("date") or "",
        "url": found.get("url") or "",
        "publisher": found.get("sitename") or "",
    }
    for key, value in (meta or {}).items():
        if value:
            merged[key] = value
    return _article(str(found.get("text") or ""), merged, source, min_chars=min_chars)


def parse_jsonl(lines: Iterable[str], source: str, *, min_chars: int = 20) -> Iterator[Article | Skipped]:
    """One article per JSON line with `text` or `html` and optional metadata."""
    for number, line in enumerate(lines, start=1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise SkipArticle("JSON line is not an object")
            meta = {k: record.get(k) for k in META_KEYS}
            if isinstance(record.get("text"), str) and record["text"].strip():
                yield _article(record["text"], meta, where, min_chars=min_chars)
            elif isinstance(record.get("html"), str) and record["html"].strip():
                yield parse_html(record["html"], where, meta=meta, min_chars=min_chars)
            else:
                raise SkipArticle(_NO_TEXT)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"invalid JSON ({exc.msg})")
        except SkipArticle as exc:
            yield Skipped(where, str(exc))


def read_file(path: Path, *, max_chars: int = 2_000_000, min_chars: int = 20) -> Iterator[Article | Skipped]:
    """Articles of one file, chosen by its suffix."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > 4 * max_chars:
            raise SkipArticle(f"file too large ({size:,} bytes; limit {4 * max_chars:,})")
        text = decode_bytes(path.read_bytes())
        if len(text) > max_chars:
            raise SkipArticle(f"text too long ({len(text):,} characters; limit {max_chars:,})")
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            items = list(parse_jsonl(text.splitlines(), source, min_chars=min_chars))
            if items and all(isinstance(i, Skipped) and i.reason == _NO_TEXT for i in items):
                raise SkipArticle("JSONL with no text or html fields (not articles)")
            yield from items
        elif suffix in HTML_SUFFIXES:
            yield parse_html(text, source, min_chars=min_chars)
        else:
            yield parse_text(text, source, min_chars=min_chars)
    except SkipArticle as exc:
        yield Skipped(source, str(exc))
    except OSError as exc:
        yield Skipped(source, f"unreadable ({exc.strerror or exc})")


def iter_files(root: Path) -> Iterator[Path]:
    """Article files below a folder, sorted, skipping hidden entries and link loops."""
    seen: set[Path] = set()
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        if path.stem.upper() in ("README", "LICENSE", "CHANGELOG"):
            continue
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        yield path


def read_articles(
    paths: Iterable[str | Path], *, max_chars: int = 2_000_000, min_chars: int = 20
) -> Iterator[Article | Skipped]:
    """Articles from files, folders (recursively, known suffixes only) and `-` (stdin).

    Raises:
        InputError: a path does not exist (checked before anything is read).
    """
    items = [str(p) for p in paths]
    missing = [p for p in items if p != "-" and not Path(p).exists()]
    if missing:
        raise InputError(f"no such file or folder: {missing[0]}")
    for item in items:
        if item == "-":
            data = sys.stdin.buffer.read()
            try:
                yield parse_text(decode_bytes(data), "<stdin>", min_chars=min_chars)
            except SkipArticle as exc:
                yield Skipped("<stdin>", str(exc))
            continue
        path = Path(item)
        files = iter_files(path) if path.is_dir() else iter([path])
        for file in files:
            yield from read_file(file, max_chars=max_chars, min_chars=min_chars)
