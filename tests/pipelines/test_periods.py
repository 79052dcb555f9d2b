"""Reporting periods: calendar and fiscal labels, relative expressions, references."""

from __future__ import annotations

import pytest

from pipelines.periods import find_periods, shift_year


def _periods(text: str, date: str = "2021-05-19", reference: str = "") -> list[str]:
    return [str(f.value) for f in find_periods(text, date, reference=reference)]


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("revenue rose in the first quarter", "2021-05-19", ["2021-Q1"]),
        ("revenue rose in the fourth quarter", "2024-02-02", ["2023-Q4"]),
        ("last quarter the unit grew", "2022-09-12", ["2022-Q2"]),
        ("sales climbed last year", "2025-03-18", ["2024"]),
        ("it grew 58% in the first quarter of last year", "2021-05-19", ["2020-Q1"]),
        ("in the second half of last year", "2021-05-19", ["2020-H2"]),
        ("in the three months to September", "2016-11-22", ["2016-Q3"]),
        ("in the quarter ended December", "2022-04-07", ["2021-Q4"]),
        ("in the June quarter", "2024-08-20", ["2024-Q2"]),
        ("as recently as the December quarter", "2022-08-05", ["2021-Q4"]),
        ("in the April-to-June period", "2024-08-20", ["2024-Q2"]),
        ("in April\u2013June", "2023-08-03", ["2023-Q2"]),
        ("in the October-December quarter", "2024-02-02", ["2023-Q4"]),
    ],
)
def test_relative_periods_resolve_against_the_article_date(text, date, expected):
    assert _periods(text, date) == expected


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("in its fiscal third quarter", "2024-05-03", ["FY2024-Q3"]),
        ("in Oracle's fiscal fourth quarter", "2024-06-12", ["FY2024-Q4"]),
        ("in its fiscal first quarter", "2023-10-25", ["FY2024-Q1"]),
        ("for fiscal 2024 as a whole", "2024-06-12", ["FY2024"]),
        ("in the fourth quarter of fiscal 2024", "", ["FY2024-Q4"]),
        ("Q2 FY24 results", "", ["FY2024-Q2"]),
    ],
)
def test_fiscal_periods_keep_their_fiscal_label(text, date, expected):
    assert _periods(text, date) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in the first half of 2021", ["2021-H1"]),
        ("H2 2020 sales", ["2020-H2"]),
        ("in June 2022", ["2022-06"]),
        ("in the first quarter of 2021", ["2021-Q1"]),
        ("Q3 2023", ["2023-Q3"]),
        ("in 2020 and in 2021", ["2020", "2021"]),
    ],
)
def test_explicit_calendar_periods(text, expected):
    assert _periods(text, "") == expected


def test_mid_year_and_ranges_of_years_are_not_periods():
    assert _periods("the cloud's mid-2023 numbers", "2023-08-10") == []


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("a year earlier it grew 50%", "2021-Q1", ["2020-Q1"]),
        ("up from a year ago", "FY2024-Q2", ["FY2023-Q2"]),
        ("over the same three months", "2023-Q2", ["2023-Q2"]),
        ("in the previous three months", "2023-Q4", ["2023-Q3"]),
        ("in the preceding quarter", "2024-Q1", ["2023-Q4"]),
        ("down from 73% in the previous quarter", "FY2019-Q4", ["FY2019-Q3"]),
        ("in the preceding quarter", "FY2020-Q1", ["FY2019-Q4"]),
        ("for the fiscal year as a whole", "FY2019-Q4", ["FY2019"]),
        ("over the full year", "2023-Q4", ["2023"]),
    ],
)
def test_expressions_relative_to_a_reference_period(text, reference, expected):
    assert _periods(text, "2024-02-02", reference=reference) == expected


def test_a_year_earlier_without_reference_falls_back_to_the_article_year():
    assert _periods("a year earlier", "2021-05-19") == ["2020"]


def test_the_whole_year_needs_a_quarter_in_view():
    assert _periods("for the full year", "2024-02-02") == []
    assert _periods("for the whole year 2019", "2024-02-02") == ["2019"]


def test_no_date_leaves_relative_periods_unresolved():
    assert _periods("in the first quarter", "") == []
    assert _periods("last year", "not a date") == []


def test_positions_point_at_the_expression():
    (found,) = find_periods("Sales rose 5% in the first quarter.", "2021-05-19")
    assert "Sales rose 5% in the first quarter."[found.start : found.end] == "first quarter"


@pytest.mark.parametrize(
    ("period", "years", "expected"),
    [("2021-Q1", -1, "2020-Q1"), ("FY2024-Q2", -1, "FY2023-Q2"), ("2020", 1, "2021"), ("global", -1, "global")],
)
def test_shift_year(period, years, expected):
    assert shift_year(period, years) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # written for this test: the year a sentence places an undated deal in
        ("Acme signed its first cloud contract with Google in 2016, before its listing.", "2016"),
        ("Last year Acme moved its stores to Azure.", "2020"),  # relative to the article date
        ("In 2019 Acme picked AWS, and the work began in the fourth quarter of 2019.", "2019-Q4"),  # finer agrees
        ("Acme moved to AWS in 2018 and to Azure in 2020.", ""),  # two that disagree: none
        ("Acme has used AWS since 2015.", ""),  # a bound, not a time
        ("Founded in 2009, Acme runs three data centres.", ""),  # another thing's time
        ("The deal runs through June 2028.", ""),
        ("Its bill rose 20% from a year earlier.", ""),  # relative to another period
        ("Acme moved to AWS in fiscal 2020.", ""),  # fiscal periods are no calendar time
        ("Acme uses Oracle.", ""),
    ],
)
def test_evidence_period(text, expected):
    from pipelines.run import evidence_period

    assert evidence_period(text, "2021-05-19") == expected
