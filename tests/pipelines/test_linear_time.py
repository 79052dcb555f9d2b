"""Reading time grows linearly with input size, whatever the input (issue 18).

Each reader runs on one fragment repeated to n characters and to 8n; linear code takes about 8x as
long, quadratic code 64x. The test fails over 32x (8 x 4: a noisy shared machine never gets
there, a quadratic expression always does). n grows until the small run takes 2 ms, so timer
noise does not decide, and each time is the best of 3 runs. No wall-clock bound is asserted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.errors import SkipArticle
from pipelines.ingest import decode_bytes, html_date, parse_html, parse_jsonl, parse_text, strip_markup
from pipelines.language import non_english_reason
from pipelines.normalize import find_amounts, find_percentages, find_terms
from pipelines.periods import find_periods

GROWTH = 8
LIMIT = GROWTH * 4
MIN_SECONDS = 0.002
MAX_SIZE = 64_000


def _skipped_is_fine(read: Callable[[str], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            return read(text)
        except SkipArticle as exc:
            return exc

    return run


READERS: dict[str, Callable[[str], object]] = {
    "strip_markup": strip_markup,
    "parse_text": _skipped_is_fine(lambda text: parse_text(text, "t.txt")),
    "parse_html": _skipped_is_fine(lambda html: parse_html(html, "t.html")),
    "html_date": html_date,
    "parse_jsonl": lambda text: list(parse_jsonl([json.dumps({"text": text}), json.dumps({"html": text})], "f")),
    "decode_bytes": _skipped_is_fine(lambda text: decode_bytes(text.encode("utf-8"))),
}
# what reads the text after it (its length bounded by --max-chars); the finders cache their answers,
# so the undecorated functions are timed
FINDERS: dict[str, Callable[[str], object]] = {
    "non_english_reason": non_english_reason,
    "find_amounts": find_amounts.__wrapped__,  # type: ignore[attr-defined]
    "find_terms": find_terms.__wrapped__,  # type: ignore[attr-defined]
    "find_percentages": find_percentages.__wrapped__,  # type: ignore[attr-defined]
    "find_periods": find_periods.__wrapped__,  # type: ignore[attr-defined]
}
# openings a backtracking expression tries to close from every position: the cases of issue 18
KNOWN = [
    "**a ",
    "__a ",
    "<script ",
    "<style ",
    "<meta ",
    "<meta name='date' ",
    "<time ",
    "<time datetime='",
    "<div ",
    "<b>",
    "<",
    "&#7;",
    "1",
    "a ",
    "\n",
]
TOKENS = [
    "**", "__", "a", "A", " ", "\n", "<", ">", "/", "<script", "<style", "</script>", "<meta", "<time", "<div",
    "<b>", "</b>", "<p>", "<!--", "-->", "&#", "7", ";", "=", '"', "'", "property=", "name=", "content=",
    "datetime=", "date", "1", ".", ",", "%", "$", "Q", "---\n", "# ", "- ", "quarter", "million",
]  # fmt: skip


def _repeat(fragment: str, size: int) -> str:
    return (fragment * (size // len(fragment) + 1))[:size]


def _seconds(read: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read(text)
        best = min(best, time.perf_counter() - started)
    return best


def _growth(read: Callable[[str], object], fragment: str) -> tuple[int, float, float]:
    """(n, seconds at n, seconds at 8n) for `fragment` repeated."""
    size = 1000
    small = _seconds(read, _repeat(fragment, size))
    while small < MIN_SECONDS and size < MAX_SIZE:
        size *= 2
        small = _seconds(read, _repeat(fragment, size))
    return size, small, _seconds(read, _repeat(fragment, GROWTH * size))


def _assert_linear(name: str, fragment: str) -> None:
    size, small, big = _growth({**READERS, **FINDERS}[name], fragment)
    assert big < LIMIT * max(small, 1e-6), (
        f"{name} on {fragment!r} x {size:,} chars: {small * 1000:.1f} ms, x {GROWTH * size:,}: {big * 1000:.1f} ms "
        f"({big / small:.0f}x for {GROWTH}x the input)"
    )


@pytest.mark.parametrize("name", sorted(READERS))
def test_readers_take_linear_time_on_known_hostile_input(name: str) -> None:
    for fragment in KNOWN:
        _assert_linear(name, fragment)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FINDERS))
def test_finders_take_linear_time_on_known_hostile_input(name: str) -> None:
    for fragment in KNOWN:
        _assert_linear(name, fragment)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted({**READERS, **FINDERS}))
@settings(max_examples=25, deadline=None)
@given(fragment=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=5).map("".join))
@example(fragment="**a <time ")
def test_readers_take_linear_time_on_any_repeated_fragment(name: str, fragment: str) -> None:
    _assert_linear(name, fragment)
