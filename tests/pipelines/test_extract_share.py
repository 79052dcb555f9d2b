"""MarketShare and UserMetric through the real spaCy model, on sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.records import Article, Entity
from pipelines.run import process


def _events(nlp, text: str, kind: str, date: str = "2024-05-10"):
    (result,) = list(process([Article(text=text, date=date)], nlp))
    return [e for e in result.events if e.type == kind]


def _label(value) -> str:
    return value.label if isinstance(value, Entity) else str(value)


def _shares(nlp, text: str, date: str = "2024-05-10") -> dict[str, dict[str, object]]:
    """organization label -> {role: first value (labels for entities)}."""
    found = {}
    for event in _events(nlp, text, "MarketShare", date):
        roles = {role: _label(values[0]) for role, values in event.roles.items()}
        roles["qualifier"] = event.qualifier
        found[roles.pop("organization")] = roles
    return found


def test_country_market_rank_share_qualifier_and_firm(nlp):
    text = "Gartner says Tencent is India's biggest cloud provider, with a market share of over 35%."
    (event,) = _events(nlp, text, "MarketShare")
    assert _label(event.roles["organization"][0]) == "Tencent Cloud"  # the Provider rule
    assert _label(event.roles["market"][0]) == "India"
    assert event.roles["rank"] == (1,)
    assert event.roles["share"] == (Decimal("0.35"),)
    assert event.qualifier == "more than"
    assert _label(event.roles["accordingTo"][0]) == "Gartner"


def test_ranked_list_gives_one_event_per_provider_with_period(nlp):
    text = (
        "Canalys figures for the first quarter of 2024 put Microsoft first with 30% of worldwide "
        "cloud infrastructure services, Amazon second at 25% and Oracle third at 9%."
    )
    found = _shares(nlp, text)
    assert set(found) == {"Microsoft Azure", "Amazon Web Services", "Oracle Cloud"}
    assert [found[o]["rank"] for o in ("Microsoft Azure", "Amazon Web Services", "Oracle Cloud")] == ["1", "2", "3"]
    assert found["Oracle Cloud"]["share"] == "0.09"
    assert all(roles["market"] == "global" and roles["accordingTo"] == "Canalys" for roles in found.values())
    assert all(roles["period"] == "2024-Q1" for roles in found.values())
    assert found["Amazon Web Services"]["segment"] == "cloud infrastructure services"


def test_rank_after_named_rivals_is_global_and_pronoun_finds_the_company(nlp):
    text = (
        "Oracle reported strong demand this spring. Behind Amazon and Google, it is the fourth-largest cloud provider."
    )
    assert _shares(nlp, text) == {"Oracle Cloud": {"market": "global", "rank": "4", "qualifier": ""}}


@pytest.mark.parametrize(
    ("sentence", "rank"),
    [
        ("IBM Cloud is the No. 2 cloud platform worldwide.", "2"),
        ("IBM Cloud finished as runner-up in the global cloud market.", "2"),
        ("IBM Cloud remains the leading cloud provider in the world.", "1"),
        ("IBM Cloud is the world's second-largest cloud platform.", "2"),
    ],
)
def test_rank_words(nlp, sentence, rank):
    assert _shares(nlp, sentence)["IBM Cloud"]["rank"] == rank


def test_ranking_goes_on_in_the_next_sentence(nlp):
    text = (
        "According to IDC, Huawei Cloud led the Chinese cloud market in 2023 with a 21% share. "
        "Tencent Cloud came second with 15%, while Baidu AI Cloud ranked third with 8 per cent."
    )
    found = _shares(nlp, text)
    assert found["Tencent Cloud"] == {
        "market": "China",
        "share": "0.15",
        "rank": "2",
        "accordingTo": "IDC",
        "period": "2023",
        "qualifier": "",
    }
    assert found["Baidu AI Cloud"]["rank"] == "3"
    assert found["Huawei Cloud"]["rank"] == "1"


def test_growth_rates_are_not_shares(nlp):
    text = "Huawei Cloud came second in China with 18 per cent after expanding 60 per cent, Canalys estimates."
    (event,) = _events(nlp, text, "MarketShare")
    assert event.roles["share"] == (Decimal("0.18"),)


@pytest.mark.parametrize(
    "sentence",
    [
        "Amazon is the world's largest online retailer.",  # not a cloud market
        "Germany's largest lender signed up with Google Cloud.",
        "Microsoft is one of the largest cloud providers in Europe.",
        "Analysts say Azure could become the biggest cloud platform in the world by 2030.",  # a forecast
        "Oracle is not the largest cloud provider in Japan.",
        "AWS, the biggest cloud provider, opened an office.",  # no market named
    ],
)
def test_no_share_is_invented(nlp, sentence):
    assert _events(nlp, sentence, "MarketShare") == []


@pytest.mark.parametrize(
    ("sentence", "subject", "metric", "quantity"),
    [
        ("Spotify has about 600 million monthly active users.", "Spotify", "monthly active users", 600_000_000),
        ("Shopify said it counts more than 2,500 customers in Canada.", "Shopify", "customers", 2_500),
        ("Discord averaged 150 million daily active users last quarter.", "Discord", "daily active users", 150e6),
        ("Salesforce employs about 73,000 staff worldwide.", "Salesforce", "employees", 73_000),
    ],
)
def test_user_metrics(nlp, sentence, subject, metric, quantity):
    (event,) = _events(nlp, sentence, "UserMetric")
    assert _label(event.roles["subject"][0]) == subject
    assert event.roles["metric"] == (metric,)
    assert event.roles["quantity"] == (Decimal(int(quantity)),)


@pytest.mark.parametrize(
    "text",
    [
        "Snowflake said revenue rose last year. The company now has nearly 10,000 customers.",
        "Snowflake filed its annual report on Monday. Snowflake expects growth. Customers totalled 10,000 in January.",
    ],
)
def test_user_metric_of_a_described_company_and_a_bare_metric(nlp, text):
    (event,) = _events(nlp, text, "UserMetric")
    assert (_label(event.roles["subject"][0]), event.roles["quantity"]) == ("Snowflake", (Decimal(10_000),))


@pytest.mark.parametrize(
    "sentence",
    [
        "Spotify added 10 million new users in the quarter.",  # a change, not a count
        "Spotify hopes to reach 1 billion users by 2030.",  # a plan
        "Spotify does not have 900 million monthly active users.",
    ],
)
def test_no_user_metric_is_invented(nlp, sentence):
    assert _events(nlp, sentence, "UserMetric") == []


def test_research_period_under_a_change_reaches_the_shares_that_follow(nlp):
    # the period is in a sentence about spending growth ('climbed … in the third quarter'); the shares
    # come after, crediting the firm again without restating the period, and a third sentence goes on
    text = (
        "Business spending on cloud infrastructure climbed 25% to $50 billion in the third quarter of 2022, "
        "according to Synergy Research Group. Amazon Web Services led with 33% of the worldwide market, "
        "Synergy said. Microsoft Azure came second with 21 per cent."
    )
    found = _shares(nlp, text, date="2022-10-28")
    assert set(found) == {"Amazon Web Services", "Microsoft Azure"}
    assert {roles["period"] for roles in found.values()} == {"2022-Q3"}


def test_a_period_compared_with_is_not_the_research_period(nlp):
    text = (
        "Cloud infrastructure spending rose to $50 billion, up from $40 billion in the third quarter of 2021, "
        "Synergy Research Group said. Amazon Web Services led with 33% of the worldwide market, Synergy said."
    )
    found = _shares(nlp, text, date="2022-10-28")
    assert "period" not in found["Amazon Web Services"]
