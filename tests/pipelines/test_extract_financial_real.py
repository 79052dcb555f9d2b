"""FinancialResult rules for what real earnings reports do (sentences written for these tests, real spaCy model).

Segments and metrics are no organisations, fiscal calendars decide period labels, comparison figures are not the
current value.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import financial_results, money

DATE = "2023-05-10"


def _results(nlp, text: str, date: str = DATE) -> dict[tuple[str, str], dict[str, object]]:
    return financial_results(nlp, text, date)


_money = money


def test_a_named_business_segment_is_no_organisation(nlp):
    text = (
        "Quillon Robotics reported first-quarter results on Tuesday. "
        "Revenue from the Hybrid Infrastructure Solutions business rose 9 percent to $2.1 billion."
    )
    found = _results(nlp, text)
    assert not any("Infrastructure" in org for org, _ in found)
    assert ("Quillon Robotics", "2023-Q1") not in found  # the segment's figure is not the company's


def test_a_metric_abbreviation_is_no_organisation(nlp):
    text = "Brindle Networks said its ARR increased to $310 million in the first quarter, up 41% from a year earlier."
    found = _results(nlp, text)
    assert not any(org == "ARR" for org, _ in found)


def test_a_stock_exchange_beside_a_ticker_is_no_organisation(nlp):
    text = (
        "Corvex Labs (NYSE: CVX) announced results for the quarter ended March 31, 2023. "
        "Net revenue for the quarter was $88 million, up 14% year-over-year."
    )
    found = _results(nlp, text)
    assert not any(org == "NYSE" for org, _ in found)
    assert found[("Corvex Labs", "2023-Q1")]["growthRate"] == (Decimal("0.14"),)


@pytest.mark.parametrize(
    ("text", "date", "key"),
    [
        # a fiscal quarter the text ties to a month-end closing a calendar quarter takes the calendar label
        (
            "Pellucid Software said revenue rose 12% in its fiscal second quarter ended December 31.",
            "2024-01-25",
            ("Pellucid Software", "2023-Q4"),
        ),
        # once the article ties the company's quarters to calendar dates, its other fiscal quarters follow
        (
            "Microsoft reported results for the quarter ended December 31 on Tuesday. "
            "Revenue from Azure rose 30% in the fiscal second quarter.",
            "2024-01-31",
            ("Microsoft Azure", "2023-Q4"),
        ),
        # named only as fiscal: the fiscal label
        (
            "Revenue from Azure rose 29% in the fiscal third quarter, Microsoft said.",
            "2024-04-26",
            ("Microsoft Azure", "FY2024-Q3"),
        ),
        # a bare quarter of a company whose fiscal year ends in May is its fiscal quarter
        (
            "Oracle said its third-quarter revenue climbed 9% to $12.4 billion.",
            "2023-03-10",
            ("Oracle", "FY2023-Q3"),
        ),
        # ... unless the calendar quarter is the latest one (the press reporting a March quarter in May)
        (
            "Alibaba said revenue at its cloud unit rose 20% in the first quarter.",
            "2022-05-20",
            ("Alibaba Cloud", "2022-Q1"),
        ),
        # a quarter ending off the calendar quarters keeps the fiscal label, the year it ends in naming it
        (
            "Snowflake said its revenue rose 30% in the second quarter ended July 31.",
            "2024-08-22",
            ("Snowflake", "FY2025-Q2"),
        ),
        ("Zoom's revenue rose 7% in the 2023 fiscal year.", "2023-03-01", ("Zoom", "FY2023")),
    ],
)
def test_fiscal_calendars_decide_the_period_label(nlp, text, date, key):
    found = _results(nlp, text, date)
    assert key in found, found.keys()


def test_fiscal_calendars_name_gazetteer_companies(gazetteer):
    from ontology import fiscal_years

    calendars = fiscal_years()
    assert calendars["microsoft"] == (6, 30)
    assert set(calendars) <= set(gazetteer)


@pytest.mark.parametrize(
    ("text", "period", "date", "year_end", "tied", "expected"),
    [
        ("the third quarter", "2023-Q3", "2024-03-11", 5, False, "FY2024-Q3"),
        ("the first quarter", "2021-Q1", "2021-05-25", 3, False, "2021-Q1"),
        ("the fiscal first quarter", "FY2020-Q1", "2020-01-31", 6, True, "2019-Q3"),
        ("the fiscal first quarter", "FY2020-Q1", "2020-01-31", 6, False, "FY2020-Q1"),
        ("the quarter", "2023-Q2", "2023-08-23", 1, False, "2023-Q2"),
        ("2023", "2023", "2024-03-01", 1, True, "2023"),
    ],
)
def test_fiscal_reading_of_a_period(text, period, date, year_end, tied, expected):
    from pipelines.periods import fiscal_reading

    assert fiscal_reading(text, period, date, year_end, tied=tied) == expected


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("in the fiscal first quarter ended on Sept. 30 last year", "2020-01-30", "2019-Q3"),
        ("for its third quarter of fiscal 2026, ended October 31, 2025", "2025-11-20", "FY2026-Q3"),
        ("for the second quarter ended July 31", "2024-08-22", "FY2025-Q2"),
        ("in the 2020 fiscal year", "2020-05-22", "FY2020"),
    ],
)
def test_quarters_tied_to_their_end_dates(text, date, expected):
    from pipelines.periods import find_periods

    assert [f.value for f in find_periods(text, date)] == [expected]


def test_earnings_per_share_is_no_revenue(nlp):
    text = (
        "Tallis Corp reported third-quarter earnings of 62 cents a share on revenue of $4.2 billion, "
        "up 6% from a year ago."
    )
    found = _results(nlp, text, "2023-11-10")
    assert _money(found[("Tallis", "2023-Q3")]) == {(Decimal("4200000000"), "USD")}


def test_trailing_twelve_months_figures_are_no_period(nlp):
    text = (
        "Nimbra said its revenue for the third quarter came to $1.2 billion. "
        "For the last 12 months, revenue was $4.5 billion, up 20 percent."
    )
    found = _results(nlp, text, "2023-11-10")
    assert all(_money(roles) <= {(Decimal("1200000000"), "USD")} for roles in found.values())
    assert all(roles.get("growthRate") != (Decimal("0.2"),) for roles in found.values())


@pytest.mark.parametrize(
    "text",
    [
        "Kestrel Systems posted an operating loss of $120 million in the second quarter, 40% more than a year earlier.",
        "The report sent shares of Kestrel Systems up 12% on Monday.",
        "The number of large deals at Kestrel Systems rose about 40 percent in the first quarter.",
    ],
)
def test_growth_of_something_other_than_revenue_is_no_result(nlp, text):
    assert _results(nlp, text) == {}


def test_several_companies_in_the_subject_leave_none_in_focus(nlp):
    text = (
        "Kestrel Systems said revenue rose 9% in the third quarter. "
        "Amazon, Microsoft and Kestrel Systems hold two-thirds of the market. "
        "Among smaller providers, sales grew 20 percent in the third quarter."
    )
    found = _results(nlp, text, "2023-11-10")
    assert all(roles.get("growthRate") != (Decimal("0.2"),) for roles in found.values())


def test_a_company_that_saw_revenues_rise_owns_them(nlp):
    text = "Amazon reported a profit in its second quarter as AWS saw revenues increase by 50 per cent."
    found = _results(nlp, text, "2023-07-28")
    assert found[("Amazon Web Services", "2023-Q2")]["growthRate"] == (Decimal("0.5"),)


def test_from_an_earlier_quarter_to_this_one(nlp):
    text = (
        "AWS sales climbed from $19bn in the second quarter in 2022 to $22bn over the three months through the "
        "end of June this year."
    )
    found = _results(nlp, text, "2023-07-28")
    assert _money(found[("Amazon Web Services", "2023-Q2")]) == {(Decimal("22000000000"), "USD")}
    assert _money(found[("Amazon Web Services", "2022-Q2")]) == {(Decimal("19000000000"), "USD")}


def test_earlier_growth_rates_go_to_their_own_periods(nlp):
    text = (
        "Google Cloud grew 28 percent in the third quarter, down from a 35 percent sales growth rate the year "
        "before, though up from 26 percent in the second quarter."
    )
    found = _results(nlp, text, "2023-10-30")
    assert found[("Google Cloud", "2023-Q3")]["growthRate"] == (Decimal("0.28"),)
    assert found[("Google Cloud", "2022-Q3")]["growthRate"] == (Decimal("0.35"),)
    assert found[("Google Cloud", "2023-Q2")]["growthRate"] == (Decimal("0.26"),)


def test_an_earlier_rate_after_the_speaker_continues_the_result(nlp):
    text = (
        "Revenue from Azure rose 31 per cent in the fiscal first quarter, the company said, down from 35 per cent "
        "in the previous quarter."
    )
    found = _results(nlp, text, "2023-10-25")
    assert found[("Microsoft Azure", "FY2024-Q1")]["growthRate"] == (Decimal("0.31"),)
    assert found[("Microsoft Azure", "FY2023-Q4")]["growthRate"] == (Decimal("0.35"),)
    assert not any(org == "Microsoft" for org, _ in found)


def test_sequential_growth_is_no_growth_rate(nlp):
    text = (
        "Corvex Labs said its net revenue in the fourth quarter of 2022 came to $90 million, up 4% from the "
        "previous quarter and 22% from the fourth quarter of 2021."
    )
    found = _results(nlp, text)
    assert found[("Corvex Labs", "2022-Q4")]["growthRate"] == (Decimal("0.22"),)


def test_growth_over_two_years_is_no_growth_rate(nlp):
    text = "Corvex Labs said revenue rose 40% in 2022 from 2020."
    found = _results(nlp, text)
    assert all("growthRate" not in roles for roles in found.values())


def test_year_on_year_wording_keeps_the_rate(nlp):
    text = "Corvex Labs said revenue rose 18 percent year-on-year in the 2022 fiscal year to $300 million."
    found = _results(nlp, text)
    assert found[("Corvex Labs", "FY2022")]["growthRate"] == (Decimal("0.18"),)


def test_revenue_beside_earnings_is_the_company_s(nlp):
    text = (
        "Tallis Corp's second-quarter earnings per share came to $2.10 on revenue of $9.4 billion, down 2.5 percent "
        "year-over-year. Analysts had expected earnings of $2.05 on revenue of $9.5 billion."
    )
    found = _results(nlp, text, "2023-07-20")
    roles = found[("Tallis", "2023-Q2")]
    assert _money(roles) == {(Decimal("9400000000"), "USD")}
    assert roles["growthRate"] == (Decimal("-0.025"),)


def test_revenue_in_a_cloud_market_ranking_is_the_cloud_unit_s(nlp):
    text = (
        "Amazon topped the global IaaS market in 2022 with revenue of $40 billion and a 40% market share. "
        "Microsoft followed in second place, reaching over $20 billion in IaaS revenue in 2022."
    )
    found = _results(nlp, text)
    assert _money(found[("Amazon Web Services", "2022")]) == {(Decimal("40000000000"), "USD")}
    assert _money(found[("Microsoft Azure", "2022")]) == {(Decimal("20000000000"), "USD")}


@pytest.mark.parametrize(
    "text",
    [
        "Kestrel Systems is on track to reach $2 billion in sales this year.",
        "Kestrel Systems has set itself the goal of becoming the first firm to reach $2 billion in annual revenue.",
        "Analysts were looking for revenue of $2.1 billion from Kestrel Systems in the first quarter.",
    ],
)
def test_goals_and_expectations_are_no_results(nlp, text):
    assert _results(nlp, text) == {}


def test_infrastructure_as_a_service_revenue_is_the_cloud_unit_s(nlp):
    text = (
        "Oracle reported fiscal second quarter results on Monday. "
        "Its infrastructure-as-a-service revenue came to $1.2 billion, 52% more than a year ago."
    )
    found = _results(nlp, text, "2023-12-12")
    roles = found[("Oracle Cloud", "FY2024-Q2")]
    assert _money(roles) == {(Decimal("1200000000"), "USD")}
    assert roles["growthRate"] == (Decimal("0.52"),)


def test_drawing_in_an_amount_is_revenue(nlp):
    for text in (
        "Google Cloud now accounts for 11% of Alphabet's revenue, drawing in nearly $8 billion during the last "
        "quarter.",
        "Google Cloud kept growing, pulling in $8 billion during the last quarter.",
    ):
        found = _results(nlp, text, "2023-11-02")
        assert _money(found[("Google Cloud", "2023-Q3")]) == {(Decimal("8000000000"), "USD")}


def test_a_company_s_cloud_business_in_focus_is_its_cloud_unit(nlp):
    text = (
        "Tencent's cloud business has grown quickly since its launch. "
        "In the first quarter, it posted revenue of $1.5 billion, up 20 percent."
    )
    found = _results(nlp, text, "2022-05-20")
    assert found[("Tencent Cloud", "2022-Q1")]["growthRate"] == (Decimal("0.2"),)


def test_the_company_described_after_a_ticker_is_in_focus(nlp):
    text = (
        "Quillon Robotics said on Monday it had a strong year.\n\n"
        "(NASDAQ: QLR), the Edge Data company, posted results for the quarter ended March 31, 2023.\n\n"
        "Revenue for the quarter was $41 million, an increase of 27% year-over-year."
    )
    found = _results(nlp, text)
    roles = found[("Quillon Robotics", "2023-Q1")]
    assert _money(roles) == {(Decimal("41000000"), "USD")}
    assert not any(org in ("Edge Data", "NASDAQ") for org, _ in found)


def test_an_amount_after_by_is_no_revenue(nlp):
    text = (
        "Corvex Labs said its net revenue in the fourth quarter of 2022 came to $90 million. The quarter's revenue "
        "was lifted by $2.5 million from currency moves."
    )
    found = _results(nlp, text)
    assert _money(found[("Corvex Labs", "2022-Q4")]) == {(Decimal("90000000"), "USD")}


def test_the_cloud_division_in_focus_and_a_two_year_rise(nlp):
    text = (
        "Tencent said on Tuesday it would keep investing in data centres. "
        "Since then the cloud division has become the group's fastest-growing business. "
        "Yearly revenue in the division was $4 billion in 2021, and jumped 50% to $6 billion last year."
    )
    found = _results(nlp, text, "2024-03-01")
    assert _money(found[("Tencent Cloud", "2021")]) == {(Decimal("4000000000"), "USD")}
    assert _money(found[("Tencent Cloud", "2023")]) == {(Decimal("6000000000"), "USD")}
    assert "growthRate" not in found[("Tencent Cloud", "2023")]  # from 2021 to 2023: not year-over-year


@pytest.mark.parametrize(
    "text",
    [
        "Oracle said total cloud revenue rose 25% to $5.1 billion in its fiscal third quarter.",
        "Microsoft said its commercial cloud revenue rose 20% to $12.5 billion in the fiscal second quarter.",
    ],
)
def test_a_broad_cloud_total_is_not_the_cloud_unit_s(nlp, text):
    found = _results(nlp, text, "2024-03-12")
    assert not any(org in ("Oracle Cloud", "Microsoft Azure") for org, _ in found)


@pytest.mark.parametrize(
    ("period", "year_end", "expected"),
    [
        ("FY2024-Q2", (6, 30), "2023-Q4"),  # a year ending June 30: its second quarter ends in December
        ("FY2024-Q4", (6, 30), "2024-Q2"),
        ("FY2025-Q1", (3, 31), "2024-Q2"),  # a year ending March 31
        ("FY2024-Q3", (1, 31), ""),  # quarters ending in April, July, October, January: no calendar quarter
        ("FY2024-Q3", (5, 31), ""),
        ("FY2024", (6, 30), ""),  # a fiscal year is no calendar period
        ("2024-Q2", (6, 30), ""),  # already calendar
    ],
)
def test_calendar_quarter_of_a_fiscal_quarter(period, year_end, expected):
    from pipelines.periods import calendar_quarter

    assert calendar_quarter(period, year_end) == expected


def test_a_fiscal_result_carries_its_calendar_quarter(nlp):
    """The graph keeps the fiscal label the text gives and adds the calendar quarter beside it."""
    from rdflib import Literal, URIRef

    from graph.build import event_triples
    from graph.records import Article
    from ontology import CVKG
    from pipelines.run import process

    text = "Microsoft said revenue from Azure rose 29% in the fiscal third quarter."
    (result,) = list(process([Article(text=text, date="2023-05-10")], nlp))
    (event,) = [e for e in result.events if e.type == "FinancialResult"]
    assert [str(p) for p in event.roles["period"]] == ["FY2023-Q3"]
    assert event.calendar_period == "2023-Q1"
    triples = list(event_triples(event, source=URIRef("https://example.org/article")))
    assert (CVKG.calendarPeriod, Literal("2023-Q1")) in {(p, o) for _, p, o in triples}
    # a company with no fiscal calendar of its own gets none
    (plain,) = list(process([Article(text="Pellucid Software's revenue rose 12% in fiscal 2023.", date=DATE)], nlp))
    assert all(not e.calendar_period for e in plain.events)
