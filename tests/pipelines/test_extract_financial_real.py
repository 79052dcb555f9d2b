"""FinancialResult rules for what real earnings reports do (sentences written for these tests, real spaCy model).

Segments and metrics are no organisations, fiscal calendars decide period labels, comparison figures are not the
current value.
"""

from __future__ import annotations

from decimal import Decimal

from graph.records import Amount, Article, Entity
from pipelines.run import process

DATE = "2023-05-10"


def _results(nlp, text: str, date: str = DATE) -> dict[tuple[str, str], dict[str, object]]:
    """FinancialResult events as {(organization, period): {role: values}}."""
    (result,) = list(process([Article(text=text, date=date)], nlp))
    found = {}
    for event in result.events:
        if event.type != "FinancialResult":
            continue
        (org,) = event.roles["organization"]
        (period,) = event.roles["period"]
        assert isinstance(org, Entity)
        found[(org.label, str(period))] = dict(event.roles)
    return found


def _money(roles: dict[str, object]) -> set[tuple[Decimal, str]]:
    return {(a.value, a.currency) for a in roles.get("revenue", ()) if isinstance(a, Amount)}


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
