"""Read articles from files, folders, JSONL feeds and stdin into `Article` records.

Readers are generators. A bad item never stops the run: it is yielded as a
`Skipped` with a one-line reason, and the caller counts it in the summary.
Which files of a folder are read, and how many articles to expect, is `pipelines.walk`.
"""

from __future__ import annotations

import datetime
import errno
import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.records import Article
from pipelines.config import MAX_BYTES, MAX_CHARS
from pipelines.decoding import decode_bytes, drop_control_references
from pipelines.errors import SkipArticle
from pipelines.language import non_english_reason
from pipelines.markup import html_depth, strip_emphasis, tag_matches, visible_length
from pipelines.walk import HTML_SUFFIXES, JSONL_SUFFIXES, check_paths, iter_files

logger = logging.getLogger(__name__)

META_KEYS = ("title", "date", "url", "publisher")
# spaCy's parser and the extractors slow down badly on one endless "sentence" (measured in README)
MAX_RUN = 5_000
# lxml (libxml2) stops at 256 levels and drops the rest of the page; what `html_depth` does not count
# (an `<html>` or `<body>` the page leaves out, a tag it closes that lxml keeps open) is left a margin
MAX_HTML_DEPTH = 250

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_META_DATE = re.compile(
    r"<meta[^>]+(?:property|name)=[\"'](?:article:published_time|og:published_time|"
    r"datePublished|pubdate|date)[\"'][^>]*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content=[\"']([^\"']+)[\"']", re.IGNORECASE)
_META_OPEN = re.compile(r"<meta", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?;:|\n\u3002\uff01\uff1f]")
_TIME = re.compile(r"<time[^>]+datetime=[\"']([^\"']+)[\"']", re.IGNORECASE)
_TIME_OPEN = re.compile(r"<time", re.IGNORECASE)


_NO_TEXT = "JSON line has no text or html"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input item that was not ingested, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Deadline:
    """When reading one article (a file, or a line of a feed) must be done: `--max-seconds` after it began.

    Reading is checked between its steps, each linear in the input and bounded by `--max-bytes`, so
    one step at most runs over.
    """

    at: float
    seconds: float

    @classmethod
    def start(cls, seconds: float | None) -> Deadline | None:
        """The deadline `seconds` from now; None (no limit) for None or 0."""
        return cls(time.monotonic() + seconds, seconds) if seconds else None


def _check(deadline: Deadline | None) -> None:
    if deadline is not None and time.monotonic() > deadline.at:
        raise SkipArticle(f"reading took too long (limit --max-seconds) ({deadline.seconds:g} s)")


def normalise_date(value: object) -> str:
    """The ISO date (YYYY-MM-DD) at the start of `value`, or '' when there is none."""
    match = _DATE.search(str(value or ""))
    if not match:
        return ""
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return ""


_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


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


# a wire dateline opening a paragraph: "MUMBAI, May 18 (Deccan Data Wire) — ", "SAN JOSE, Calif., Sept 21 (Reuters) - "
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'-]+(?:[ ][A-Z][A-Z.'-]+)*(?:,[ ][A-Z][a-z]+\.?)?"
    r"(?:,?[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2}(?:[ ]?\([^)\n]{2,60}\))?|[ ]?\([^)\n]{2,60}\))"
    r"[ ]?[—–-]{1,2}[ ]",
    re.MULTILINE,
)


def strip_markup(text: str) -> str:
    """Drop datelines, line-start bullets, heading and quote marks and bold markers, which confuse the parser."""
    return _DATELINE.sub("", strip_emphasis(_LINE_MARKUP.sub("", text)))


def _clean(value: object) -> str:
    """`value` as text without control characters and lone surrogates, which RDF stores refuse."""
    return _UNSAFE.sub("", str(value or "")).strip()


def _longest_run(text: str) -> int:
    """Length of the longest stretch of `text` without a sentence break (. ! ? ; : | or a line end)."""
    return max((len(run) for run in _SENTENCE_BREAK.split(text)), default=0)


def _article(
    text: str,
    meta: dict[str, object],
    source: str,
    *,
    min_chars: int,
    max_chars: int = MAX_CHARS,
    deadline: Deadline | None = None,
) -> Article:
    _check(deadline)
    body = _clean(strip_markup(text))
    _check(deadline)
    if len(body) < min_chars:
        raise SkipArticle("no article text" if not body else f"too short ({len(body)} characters)")
    if len(body) > max_chars:
        raise SkipArticle(f"text too long ({len(body):,} characters > limit {max_chars:,})")
    run = _longest_run(body)
    if run > MAX_RUN:
        raise SkipArticle(f"no sentence breaks in a run of {run:,} characters (limit {MAX_RUN:,})")
    reason = non_english_reason(body)
    if reason:
        raise SkipArticle(f"language: {reason}")
    _check(deadline)
    date = normalise_date(meta.get("date"))
    if meta.get("date") and not date:
        # a wrong date must not cost the article: keep it undated (README "Limits and safety")
        logger.warning(
            "%s: date %r is not a YYYY-MM-DD date; article kept without a date", source, _clean(meta["date"])
        )
    return Article(
        text=body,
        title=_clean(meta.get("title")),
        date=date,
        url=_clean(meta.get("url")),
        publisher=_clean(meta.get("publisher")),
        source=source,
    )


def parse_text(
    text: str, source: str, *, min_chars: int = 20, max_chars: int = MAX_CHARS, deadline: Deadline | None = None
) -> Article:
    """A plain-text or Markdown article with optional front matter.

    Raises:
        SkipArticle: the article is unusable (too short or long, no sentence breaks, not English), or
            reading it passed `deadline`.
    """
    meta, body = split_front_matter(text)
    return _article(body, dict(meta), source, min_chars=min_chars, max_chars=max_chars, deadline=deadline)


def html_date(html: str) -> str:
    """Publication date from `article:published_time`-style meta, else the first `<time datetime>`."""
    for tag in tag_matches(_META_DATE, _META_OPEN, html, closed=True):
        content = _CONTENT.search(tag.group(0))
        if content and normalise_date(content.group(1)):
            return normalise_date(content.group(1))
    for time_tag in tag_matches(_TIME, _TIME_OPEN, html, closed=False):
        if normalise_date(time_tag.group(1)):
            return normalise_date(time_tag.group(1))
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


def parse_html(
    html: str,
    source: str,
    *,
    meta: dict[str, object] | None = None,
    min_chars: int = 20,
    max_chars: int = MAX_CHARS,
    deadline: Deadline | None = None,
) -> Article:
    """The article body of an HTML page, without navigation, comments and other boilerplate.

    Raises:
        SkipArticle: the page is not HTML, nested too deeply, far too long, or has no usable article,
            or reading it passed `deadline`.
    """
    import trafilatura

    if not re.search(r"<[a-zA-Z!]", html):
        raise SkipArticle("not HTML")
    _check(deadline)
    depth = html_depth(html)
    if depth > MAX_HTML_DEPTH:
        # trafilatura would find nothing; say why instead
        raise SkipArticle(f"HTML nested too deeply ({depth:,} levels > limit {MAX_HTML_DEPTH:,})")
    _check(deadline)
    visible = visible_length(html)
    if visible > 4 * max_chars:
        # trafilatura takes ~3 s per MB; the article could not fit --max-chars anyway
        raise SkipArticle(f"HTML text too long ({visible:,} characters > 4 × limit {max_chars:,})")
    try:
        doc = trafilatura.bare_extraction(
            _flatten_tables(drop_control_references(html)),
            include_comments=False,
            include_tables=True,  # market-share and results tables carry the figures
            with_metadata=True,
            favor_precision=True,
        )
    except Exception as exc:  # noqa: BLE001 - a broken page must not stop the run
        raise SkipArticle(f"unreadable HTML ({type(exc).__name__})") from exc
    _check(deadline)
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
    return _article(
        str(found.get("text") or ""), merged, source, min_chars=min_chars, max_chars=max_chars, deadline=deadline
    )


def parse_jsonl(
    lines: Iterable[str],
    source: str,
    *,
    min_chars: int = 20,
    max_chars: int = MAX_CHARS,
    max_seconds: float | None = None,
) -> Iterator[Article | Skipped]:
    """One article per JSON line with `text` or `html` and optional metadata; bad lines become `Skipped`s.

    Reading each line may take `max_seconds`.
    """
    for number, line in enumerate(lines, start=1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        deadline = Deadline.start(max_seconds)
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise SkipArticle("JSON line is not an object")
            meta = {k: record.get(k) for k in META_KEYS}
            if isinstance(record.get("text"), str) and record["text"].strip():
                yield _article(record["text"], meta, where, min_chars=min_chars, max_chars=max_chars, deadline=deadline)
            elif isinstance(record.get("html"), str) and record["html"].strip():
                html = record["html"]
                yield parse_html(html, where, meta=meta, min_chars=min_chars, max_chars=max_chars, deadline=deadline)
            else:
                raise SkipArticle(_NO_TEXT)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"invalid JSON ({exc.msg}, column {exc.colno})")
        except RecursionError:
            yield Skipped(where, "invalid JSON (nested too deeply)")
        except SkipArticle as exc:
            yield Skipped(where, str(exc))


def _size(size: int) -> str:
    """'50 MB', '5.2 MB' or, below 0.1 MB, '450 bytes'."""
    if size < 100_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:,.1f}".removesuffix(".0") + " MB"


def read_file(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    min_chars: int = 20,
    max_seconds: float | None = None,
) -> Iterator[Article | Skipped]:
    """Articles of one file, chosen by its suffix; an unusable file or line is yielded as a `Skipped`.

    The size is checked before the file is read. Reading an article may take `max_seconds`: a
    text or HTML file from its opening, a line of a feed from its start.
    """
    source = str(path)
    deadline = Deadline.start(max_seconds)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkipArticle(f"too large ({_size(size)} > limit {_size(max_bytes)})")
        text = decode_bytes(path.read_bytes())
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            lines = text.splitlines()
            items = list(parse_jsonl(lines, source, min_chars=min_chars, max_chars=max_chars, max_seconds=max_seconds))
            if items and all(isinstance(i, Skipped) and i.reason == _NO_TEXT for i in items):
                raise SkipArticle("JSONL with no text or html fields (not articles)")
            yield from items
        elif suffix in HTML_SUFFIXES:
            yield parse_html(text, source, min_chars=min_chars, max_chars=max_chars, deadline=deadline)
        else:
            yield parse_text(text, source, min_chars=min_chars, max_chars=max_chars, deadline=deadline)
    except SkipArticle as exc:
        yield Skipped(source, str(exc))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            yield Skipped(source, "symbolic link loop")
        elif exc.errno == errno.ENOENT and path.is_symlink():
            yield Skipped(source, f"broken symbolic link (to {os.readlink(path)})")
        else:
            yield Skipped(source, f"unreadable ({exc.strerror or exc})")


def read_articles(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    min_chars: int = 20,
    max_seconds: float | None = None,
) -> Iterator[Article | Skipped]:
    """Articles from files, folders (recursively, known suffixes only) and `-` (stdin).

    An article whose reading takes more than `max_seconds` is skipped (see `read_file`).

    Raises:
        InputError: a path does not exist (checked before anything is read).
    """
    items = [str(p) for p in paths]
    check_paths(items)
    for item in items:
        if item == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            try:
                if len(data) > max_bytes:
                    raise SkipArticle(f"too large (more than the limit of {_size(max_bytes)})")
                deadline = Deadline.start(max_seconds)
                text = decode_bytes(data)
                yield parse_text(text, "<stdin>", min_chars=min_chars, max_chars=max_chars, deadline=deadline)
            except SkipArticle as exc:
                yield Skipped("<stdin>", str(exc))
            continue
        path = Path(item)
        files = iter_files(path) if path.is_dir() else iter([path])
        for file in files:
            yield from read_file(
                file, max_bytes=max_bytes, max_chars=max_chars, min_chars=min_chars, max_seconds=max_seconds
            )
