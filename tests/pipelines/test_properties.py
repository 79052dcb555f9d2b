"""Property tests: the normalisers and readers never raise on arbitrary input, and values round-trip."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.records import Amount, Article
from pipelines.errors import SkipArticle
from pipelines.ingest import Skipped, decode_bytes, parse_html, parse_jsonl, parse_text
from pipelines.normalize import CURRENCY_SYMBOLS, find_amounts, find_percentages, find_terms, plain_decimal
from pipelines.periods import find_periods

FAST = settings(max_examples=200, deadline=None)
# text that looks like news figures, so the regexes get near-misses and not only noise
NEWSY = st.text(alphabet=st.sampled_from(list("0123456789$€£%.,- abcdefghijklmnopqrstuvwxyzQFYH\n")), max_size=200)
ANY_TEXT = st.one_of(st.text(max_size=300), NEWSY)


@FAST
@given(ANY_TEXT)
def test_normalisers_never_raise(text: str) -> None:
    for found in (*find_amounts(text), *find_terms(text), *find_percentages(text), *find_periods(text, "2021-05-19")):
        assert 0 <= found.start < found.end <= len(text)


@FAST
@given(ANY_TEXT, st.text(max_size=12))
def test_find_periods_never_raises_on_any_article_date(text: str, date: str) -> None:
    find_periods(text, date)


def _canonical_amount(amount: Amount) -> str:
    """'US$1234.5 million' style text for an amount without qualifier or period."""
    return f"US$ {format(amount.value, 'f')}"


@FAST
@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_round_trip(value: Decimal) -> None:
    amount = Amount(value=plain_decimal(value), currency="USD")
    (found,) = find_amounts(f"The deal is worth {_canonical_amount(amount)} in total.")
    assert found.value == amount


@FAST
@given(
    st.decimals(min_value=1, max_value=999, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(s for s in CURRENCY_SYMBOLS if s.endswith("$") or not s.isalpha())),
    st.sampled_from(["million", "billion"]),
)
def test_scaled_amounts_round_trip(number: Decimal, symbol: str, scale: str) -> None:
    text = f"It paid {symbol}{format(number, 'f')} {scale} for the unit."
    (found,) = find_amounts(text)
    factor = 10**6 if scale == "million" else 10**9
    assert found.value == Amount(value=plain_decimal(number * factor), currency=CURRENCY_SYMBOLS[symbol])


@FAST
@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_percentages_round_trip(fraction_percent: Decimal) -> None:
    fraction = plain_decimal(fraction_percent / 100)
    text = f"Its share rose to {format(plain_decimal(fraction * 100), 'f')}% last year."
    (found,) = find_percentages(text)
    assert found.value == fraction


def _outcome_is_article_or_skip(call: object) -> None:
    try:
        result = call()  # type: ignore[operator]
    except SkipArticle as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(result, Article)


@FAST
@given(st.binary(max_size=600))
def test_decode_bytes_never_raises_anything_but_skip(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except SkipArticle as exc:
        assert str(exc)
        return
    assert text.strip()


@FAST
@given(ANY_TEXT)
def test_parse_text_gives_an_article_or_a_skip(text: str) -> None:
    _outcome_is_article_or_skip(lambda: parse_text(text, "x.txt", min_chars=1))


@settings(max_examples=60, deadline=None)  # trafilatura is the slow part
@given(st.one_of(st.text(max_size=300), st.builds(lambda t: f"<html><body><p>{t}</p></body></html>", ANY_TEXT)))
def test_parse_html_gives_an_article_or_a_skip(html: str) -> None:
    _outcome_is_article_or_skip(lambda: parse_html(html, "x.html", min_chars=1))


@FAST
@given(
    st.lists(st.one_of(st.text(max_size=80), st.just('{"text": "\\ud800\\u0000 Acme signed"}'), st.just("[" * 5000)))
)
def test_parse_jsonl_yields_articles_or_skips(lines: list[str]) -> None:
    for item in parse_jsonl(lines, "feed.jsonl", min_chars=1):
        assert isinstance(item, Article | Skipped)
        if isinstance(item, Article):
            item.text.encode("utf-8")  # no lone surrogates: the store could not write it
