"""pipelines.normalize: money amounts, contract terms and percentages read from text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.records import Amount
from pipelines.normalize import find_amounts, find_percentages, find_terms, plain_decimal

# (surface form, value, currency, per, qualifier); each is read inside a sentence
AMOUNTS = [
    ("$800 million", "800000000", "USD", "", ""),
    ("approximately $ 800 million per year", "800000000", "USD", "P1Y", "approximately"),
    ("US$750 million", "750000000", "USD", "", ""),
    ("$2bn", "2000000000", "USD", "", ""),
    ("RMB 16.7 billion", "16700000000", "CNY", "", ""),
    ("16.7 billion yuan", "16700000000", "CNY", "", ""),
    ("two billion dollars", "2000000000", "USD", "", ""),
    ("€300m", "300000000", "EUR", "", ""),
    ("£1.2bn", "1200000000", "GBP", "", ""),
    ("more than $1 billion", "1000000000", "USD", "", "more than"),
    ("up to $9 billion", "9000000000", "USD", "", "up to"),
    ("nearly $2.5bn", "2500000000", "USD", "", "nearly"),
    ("$1,200,000", "1200000", "USD", "", ""),
    ("1.2 million U.S. dollars", "1200000", "USD", "", ""),
    ("HK$1 billion", "1000000000", "HKD", "", ""),
    ("$120 million a year", "120000000", "USD", "P1Y", ""),
]


@pytest.mark.parametrize(("surface", "value", "currency", "per", "qualifier"), AMOUNTS)
def test_find_amounts(surface: str, value: str, currency: str, per: str, qualifier: str) -> None:
    text = f"The company said {surface} would go to the cloud deal."
    found = find_amounts(text)
    assert len(found) == 1, found
    (match,) = found
    assert text[match.start : match.end] == surface
    assert isinstance(match.value, Amount)
    assert match.value == Amount(value=Decimal(value), currency=currency, per=per, qualifier=qualifier)
    assert "E" not in str(match.value.value)
    assert str(match.value.value) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 300 staff were trained on the new tools.", []),
        ("Over the years 5 billion users joined.", []),  # "rs 5 billion" is not rupees
        ("It paid $3 more per seat.", [Amount(Decimal("3"), "USD")]),  # "m" is not million here
    ],
)
def test_find_amounts_ignores_lookalikes(text: str, expected: list[Amount]) -> None:
    assert [f.value for f in find_amounts(text)] == expected


def test_find_amounts_in_order() -> None:
    text = "Revenue was RMB 16.7 billion, or US$2.4 billion, up from 10 billion yuan."
    assert [f.value for f in find_amounts(text)] == [
        Amount(Decimal("16700000000"), "CNY"),
        Amount(Decimal("2400000000"), "USD"),
        Amount(Decimal("10000000000"), "CNY"),
    ]


def test_a_year_ago_is_not_a_recurrence() -> None:
    (match,) = find_amounts("It paid $800 million a year ago.")
    assert match.value == Amount(Decimal("800000000"), "USD")


# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "duration"),
    [
        ("Harbor Bank signed a five-year contract.", "five-year", "P5Y"),
        ("The deal runs over five years.", "over five years", "P5Y"),
        ("They agreed a three-year deal.", "three-year", "P3Y"),
        ("It is an 18-month pilot.", "18-month", "P18M"),
        ("A ten-year agreement.", "ten-year", "P10Y"),
        ("A one-year renewal.", "one-year", "P1Y"),
        ("Spending for the next five years.", "for the next five years", "P5Y"),
        ("They struck a decade-long pact.", "a decade-long", "P10Y"),
        ("The bank signed a two-decade deal.", "two-decade", "P20Y"),
        ("Payments are spread over a decade.", "over a decade", "P10Y"),
    ],
)
def test_find_terms(text: str, surface: str, duration: str) -> None:
    found = find_terms(text)
    assert [(text[f.start : f.end], f.value) for f in found] == [(surface, duration)]


@pytest.mark.parametrize(
    "text",
    [
        "The contract is worth $120 million a year.",
        "A 10-year-old company signed up.",
        "No term is given.",
        "It took decades of work.",
        "Cloud spending rose over the last decade.",
    ],
)
def test_find_terms_finds_nothing(text: str) -> None:
    assert find_terms(text) == []


def test_years_ago_is_not_a_term() -> None:
    assert find_terms("The company was founded five years ago.") == []


# ---------------------------------------------------------------------------
# Percentages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "fraction"),
    [
        ("Revenue grew 37% in the quarter.", "37%", "0.37"),
        ("Revenue grew 37 per cent in the quarter.", "37 per cent", "0.37"),
        ("Revenue grew 4.5 percent in the quarter.", "4.5 percent", "0.045"),
        ("Its share was more than 40%.", "more than 40%", "0.4"),
        ("Its share was 100%.", "100%", "1"),
    ],
)
def test_find_percentages(text: str, surface: str, fraction: str) -> None:
    (match,) = find_percentages(text)
    assert text[match.start : match.end] == surface
    assert match.value == Decimal(fraction)
    assert str(match.value) == fraction
    assert "E" not in str(match.value)


def test_find_percentages_ignores_plain_numbers() -> None:
    assert find_percentages("It runs 40 warehouses and trained 300 staff.") == []


# ---------------------------------------------------------------------------
# plain_decimal
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("8E+8"), "800000000"),
        (Decimal("16.7") * 10**9, "16700000000"),
        (Decimal("0.370"), "0.37"),
        (Decimal("37") / 100, "0.37"),
    ],
)
def test_plain_decimal(value: Decimal, text: str) -> None:
    assert str(plain_decimal(value)) == text
    assert plain_decimal(value) == value


def test_tiny_percentage_is_written_without_exponent() -> None:
    from graph.build import decimal_literal

    (match,) = find_percentages("Its share was 0.0000001%.")
    assert str(decimal_literal(match.value)) == "0.000000001"
