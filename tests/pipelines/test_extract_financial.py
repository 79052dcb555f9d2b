"""FinancialResult extraction through the real spaCy model, on sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import financial_results, money

DATE = "2021-05-19"


def _results(nlp, text: str, date: str = DATE) -> dict[tuple[str, str], dict[str, object]]:
    return financial_results(nlp, text, date)


_money = money


def test_revenue_in_two_currencies_with_growth(nlp):
    text = (
        "Tencent's cloud business grew 12% year on year to RMB 9.5 billion (about $1.3 billion) in the first quarter."
    )
    found = _results(nlp, text)
    roles = found[("Tencent Cloud", "2021-Q1")]
    assert _money(roles) == {(Decimal("9500000000"), "CNY"), (Decimal("1300000000"), "USD")}
    assert roles["growthRate"] == (Decimal("0.12"),)


@pytest.mark.parametrize(
    ("text", "key", "rate"),
    [
        ("Last quarter, Google Cloud's revenue rose 45% to $4.05 billion.", ("Google Cloud", "2021-Q1"), "0.45"),
        ("Google Cloud's sales climbed 46 per cent last year.", ("Google Cloud", "2020"), "0.46"),
        ("Google Cloud was up 33% in the second half of last year.", ("Google Cloud", "2020-H2"), "0.33"),
    ],
)
def test_relative_periods_resolve_against_the_article_date(nlp, text, key, rate):
    found = _results(nlp, text)
    assert found[key]["growthRate"] == (Decimal(rate),)


def test_fiscal_quarter_keeps_the_fiscal_label(nlp):
    text = "Microsoft said revenue from Azure jumped 50 per cent in its fiscal third quarter."
    assert _results(nlp, text) == {
        ("Microsoft Azure", "FY2021-Q3"): {
            "organization": _results(nlp, text)[("Microsoft Azure", "FY2021-Q3")]["organization"],
            "period": ("FY2021-Q3",),
            "growthRate": (Decimal("0.5"),),
        }
    }


def test_provider_rule_gives_the_cloud_unit_but_leaves_group_results_alone(nlp):
    text = (
        "Amazon's cloud division grew 32% to $13.5 billion in the first quarter. "
        "Across the group, net sales increased 44% to $108.5 billion in the quarter."
    )
    found = _results(nlp, text)
    assert _money(found[("Amazon Web Services", "2021-Q1")]) == {(Decimal("13500000000"), "USD")}
    assert found[("Amazon", "2021-Q1")]["growthRate"] == (Decimal("0.44"),)


def test_a_company_outside_cloud_keeps_its_own_result(nlp):
    found = _results(nlp, "Snap booked revenue of $2.5 billion in 2020, up 46% from $1.7 billion a year earlier.")
    assert _money(found[("Snap", "2020")]) == {(Decimal("2500000000"), "USD")}
    assert found[("Snap", "2020")]["growthRate"] == (Decimal("0.46"),)
    assert _money(found[("Snap", "2019")]) == {(Decimal("1700000000"), "USD")}
    assert "growthRate" not in found[("Snap", "2019")]


def test_several_periods_across_sentences(nlp):
    text = (
        "Alibaba's cloud business grew 37% to RMB 16.7 billion in the first quarter. "
        "A year earlier the unit had grown 58%. "
        "For 2020 as a whole, the segment expanded by 50%."
    )
    found = _results(nlp, text)
    assert set(found) == {("Alibaba Cloud", "2021-Q1"), ("Alibaba Cloud", "2020-Q1"), ("Alibaba Cloud", "2020")}
    assert found[("Alibaba Cloud", "2020-Q1")]["growthRate"] == (Decimal("0.58"),)
    assert found[("Alibaba Cloud", "2020")]["growthRate"] == (Decimal("0.5"),)


def test_two_results_in_one_sentence(nlp):
    text = (
        "Microsoft said Azure grew 50% in the first quarter, while Google Cloud's revenue rose 46% "
        "to $4.05 billion in the same three months."
    )
    found = _results(nlp, text)
    assert found[("Microsoft Azure", "2021-Q1")]["growthRate"] == (Decimal("0.5"),)
    assert _money(found[("Google Cloud", "2021-Q1")]) == {(Decimal("4050000000"), "USD")}


def test_doubled_is_a_growth_of_one(nlp):
    found = _results(nlp, "Oracle Cloud's revenue doubled in 2020.")
    assert found[("Oracle Cloud", "2020")]["growthRate"] == (Decimal("1"),)


@pytest.mark.parametrize(
    "text",
    [
        "Amazon expects AWS revenue to grow 30% next year.",
        "Analysts forecast that Google Cloud's revenue will rise 40% in 2022.",
        "Google Cloud's annual revenue run-rate rose 50% to $16 billion in the first quarter.",
        "AWS held a 32% share of the cloud market in the first quarter.",
        "Google Cloud's operating loss narrowed 40% to $974 million in the first quarter.",
        "Microsoft's Azure did not grow 60% in the first quarter.",
        "Microsoft accounted for 35% of the start-up's revenue in 2020.",
    ],
)
def test_forecasts_shares_profits_and_negations_yield_nothing(nlp, text):
    assert _results(nlp, text) == {}
