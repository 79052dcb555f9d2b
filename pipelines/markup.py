"""Linear-time scans of untrusted markup: bold markers, tags, nesting depth, visible text, date tags (issue 18).

Each function here once was one regular expression that backtracked over the rest of the input
from every opening it could not close (`**a ` or `<script ` repeated: quadratic, minutes for
half a megabyte). They give the same results as those expressions, in one pass.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator

from pipelines.lexicon import word_class

__all__ = ["html_depth", "strip_emphasis", "tag_matches", "visible_length"]

_EMPHASIS_MARKS = ("**", "__")
_RAW_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_RAW_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}
_START_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
# elements never closed (`<br>`); elements whose content is text, not tags; elements a start tag of
# their name closes, as lxml does ("<p>a<p>b" is not nested)
_VOID = word_class("html_void_elements")
_RAW_TEXT = word_class("html_raw_text_elements")
_CLOSES_ITS_NAME = word_class("html_elements_closing_their_name")
_RAW_TEXT_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _RAW_TEXT}


def _occurrences(text: str, mark: str) -> list[int]:
    """Every index where `mark` starts, overlapping ones included ('***' holds '**' at 0 and 1)."""
    found = []
    index = text.find(mark)
    while index >= 0:
        found.append(index)
        index = text.find(mark, index + 1)
    return found


def strip_emphasis(text: str) -> str:
    """`text` with `**bold**` and `__bold__` markers removed.

    The same as `re.sub(r"(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1", r"\\2", text)`. The expression looks,
    from each marker, for the nearest closing one on the same line, to the line's end when there is
    none; here the closing markers are listed once and found by bisection.
    """
    closers = {
        mark: [q for q in _occurrences(text, mark) if q > 0 and not text[q - 1].isspace()] for mark in _EMPHASIS_MARKS
    }
    openers = sorted({p for mark in _EMPHASIS_MARKS for p in _occurrences(text, mark)})
    parts: list[str] = []
    copied = 0  # text before this index is in `parts`
    line_end = -1  # the first newline at or after the last opener's content, or len(text)
    for start in openers:
        if start < copied:
            continue
        mark = text[start : start + 2]
        first = start + 2
        if first >= len(text) or text[first].isspace():
            continue
        if line_end < first:
            line_end = text.find("\n", first)
            line_end = len(text) if line_end < 0 else line_end
        candidates = closers[mark]
        index = bisect_left(candidates, first + 1)
        if index == len(candidates) or candidates[index] > line_end:
            continue
        close = candidates[index]
        parts += [text[copied:start], text[first:close]]
        copied = close + 2
    parts.append(text[copied:])
    return "".join(parts)


def visible_length(html: str) -> int:
    """Characters of `html` outside tags, scripts and styles.

    The same as `len(re.sub(r"<(script|style)\\b.*?</\\1\\s*>|<[^>]*>", "", html, flags=re.I | re.S))`.
    """
    size = len(html)
    kept = position = 0
    closing: dict[str, re.Match[str] | None] = {}  # the next `</script>` searched for, None when there is none
    while True:
        start = html.find("<", position)
        if start < 0:
            return kept + size - position
        kept += start - position
        raw = _RAW_OPEN.match(html, start)
        if raw is not None:
            name = raw.group(1).lower()
            close = closing.get(name, False)
            if close is False or (close is not None and close.start() < raw.end()):
                close = closing[name] = _RAW_CLOSE[name].search(html, raw.end())
            if close is not None:
                position = close.end()
                continue
        end = html.find(">", start + 1)
        if end < 0:  # no tag from here on
            return kept + size - start
        position = end + 1


def tag_matches(
    pattern: re.Pattern[str], opening: re.Pattern[str], html: str, *, closed: bool
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(html)` for a pattern that starts with `opening` (`<meta`) and whose `[^>]` stay in one tag.

    Where the pattern fails at an opening, it fails at every opening before the tag's `>` too (they
    see the same attributes or fewer), so the search resumes after that `>` instead of at the next
    character. A `closed` pattern ends with the tag's `>`: it is matched within the tag, and the
    search stops where no `>` is left. Any other may read past the `>` (a quoted value) on success.
    """
    position = 0
    while (found := opening.search(html, position)) is not None:
        end = html.find(">", found.start())
        if closed and end < 0:
            return
        match = pattern.match(html, found.start(), end + 1 if closed else len(html))
        if match is not None:
            yield match
            position = match.end()
        elif end < 0:
            return
        else:
            position = end + 1


def html_depth(html: str) -> int:
    """The deepest nesting of elements in `html`, counted over every tag in one pass, without parsing.

    Void elements (`<br>`) and `<x/>` open nothing; an end tag closes the elements opened since its
    start tag, and one with no open start tag is ignored; a `<p>`, `<li>`, `<td>`, … closes the
    open one of its name. Comments and the content of scripts and styles are skipped.
    """
    open_names: list[str] = []
    counts: Counter[str] = Counter()
    deepest = position = 0
    raw_close: dict[str, re.Match[str] | None] = {}

    def close(name: str) -> None:
        while open_names:
            last = open_names.pop()
            counts[last] -= 1
            if last == name:
                return

    while (start := html.find("<", position)) >= 0:
        if html.startswith("<!--", start):
            end = html.find("-->", start + 4)
            if end < 0:
                break
            position = end + 3
            continue
        tag = _START_TAG.match(html, start)
        if tag is None and html[start + 1 : start + 2] not in ("!", "?"):  # a '<' in text
            position = start + 1
            continue
        end = html.find(">", start + 1)
        if end < 0:
            break
        position = end + 1
        if tag is None:  # <!DOCTYPE …>, <?xml …?>
            continue
        name = tag.group(2).lower()
        if tag.group(1):
            if counts[name]:
                close(name)
            continue
        if name in _VOID or html[end - 1] == "/":
            continue
        if name in _CLOSES_ITS_NAME and counts[name]:
            close(name)
        open_names.append(name)
        counts[name] += 1
        deepest = max(deepest, len(open_names))
        if name in _RAW_TEXT:
            found = raw_close.get(name, False)
            if found is False or (found is not None and found.start() < position):
                found = raw_close[name] = _RAW_TEXT_CLOSE[name].search(html, position)
            if found is None:
                break
            close(name)
            position = found.end()
    return deepest
