"""DataCenter, MarketEntry and Partnership through the real spaCy model."""

from __future__ import annotations

import pytest

from graph.records import Article, Entity
from pipelines.run import process


def _events(nlp, text: str, kind: str, *, date: str = "2023-06-15"):
    (result,) = list(process([Article(text=text, date=date)], nlp))
    return [e for e in result.events if e.type == kind]


def _label(values) -> str:
    (value,) = values
    assert isinstance(value, Entity)
    return value.label


def _sites(events) -> dict[tuple[str, str], int | None]:
    return {
        (_label(e.roles["organization"]), _label(e.roles["location"])): (e.roles.get("count") or (None,))[0]
        for e in events
    }


def test_parent_company_opening_data_centres_stands_for_its_cloud_unit(nlp):
    events = _events(nlp, "Oracle opened two new data centres in Madrid last week.", "DataCenter")
    assert _sites(events) == {("Oracle Cloud", "Madrid"): 2}


def test_region_launch_is_a_data_center(nlp):
    events = _events(nlp, "Microsoft launched a cloud region in Poland on Tuesday.", "DataCenter")
    assert _sites(events) == {("Microsoft Azure", "Poland"): None}


def test_company_running_its_own_data_centres_keeps_itself(nlp):
    events = _events(nlp, "Walmart still runs its own data centers in Texas and Virginia.", "DataCenter")
    assert _sites(events) == {("Walmart", "Texas"): None, ("Walmart", "Virginia"): None}


def test_count_is_left_out_when_the_sites_are_spread_over_several_places(nlp):
    text = "Tencent Cloud said three more data centres, in Jakarta, Frankfurt and Seoul, will open before December."
    events = _events(nlp, text, "DataCenter")
    assert _sites(events) == {("Tencent Cloud", p): None for p in ("Jakarta", "Frankfurt", "Seoul")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The data centre in Ohio that Nvidia opened in 2019 runs on wind power.", ("Nvidia", "Ohio")),
        ("Amazon will invest $5 billion in Chile to build data centres.", ("Amazon Web Services", "Chile")),
        ("Spotify relies on Google Cloud's data centres in Virginia.", ("Google Cloud", "Virginia")),
    ],
)
def test_data_center_in_relative_clause_purpose_clause_and_possessive(nlp, text, expected):
    assert list(_sites(_events(nlp, text, "DataCenter"))) == [expected]


def test_plan_to_open_a_region_is_planned(nlp):
    (event,) = _events(nlp, "Google plans to open a cloud region in Norway next year.", "DataCenter")
    assert _sites([event]) == {("Google Cloud", "Norway"): None}
    assert event.status == "Planned"


def test_reported_would_is_a_plan(nlp):
    text = "IBM said on Monday that it would build a data centre in Kenya."
    (event,) = _events(nlp, text, "DataCenter")
    assert _sites([event]) == {("IBM Cloud", "Kenya"): None}
    assert event.status == "Planned"


@pytest.mark.parametrize(
    "text",
    [
        "Oracle has not opened a data centre in Chile.",
        "IBM denied reports that it would build a data centre in Kenya.",
        "Microsoft could open a cloud region in Chile if demand grows.",
        "Nvidia opened a research facility in Ohio, its second data-centre chip lab.",
    ],
)
def test_negated_hypothetical_or_unrelated_sites_yield_no_data_center(nlp, text):
    assert _events(nlp, text, "DataCenter") == []


def test_the_country_refers_back_and_market_entry_reads_a_demonym(nlp):
    text = "Alibaba entered the Japanese market in 2016. The company now runs four data centres in the country."
    (entry,) = _events(nlp, text, "MarketEntry")
    assert (_label(entry.roles["organization"]), _label(entry.roles["location"]), entry.date) == (
        "Alibaba Cloud",
        "Japan",
        "2016",
    )
    assert _sites(_events(nlp, text, "DataCenter")) == {("Alibaba Cloud", "Japan"): 4}


def test_launch_in_a_country_is_a_market_entry_with_month(nlp):
    (entry,) = _events(nlp, "Netflix launched in Sweden in September 2012.", "MarketEntry")
    assert (_label(entry.roles["organization"]), _label(entry.roles["location"]), entry.date) == (
        "Netflix",
        "Sweden",
        "2012-09",
    )


def test_relative_date_of_an_expansion_is_resolved_against_the_article(nlp):
    (entry,) = _events(nlp, "Last month Spotify expanded into Poland.", "MarketEntry", date="2021-03-10")
    assert (_label(entry.roles["location"]), entry.date) == ("Poland", "2021-02")


@pytest.mark.parametrize(
    "text",
    [
        "Netflix has never entered the Chinese market.",
        "Spotify launched a new podcast studio in Sweden.",
        "Oracle entered a new phase of growth in 2020.",
    ],
)
def test_no_market_entry(nlp, text):
    assert _events(nlp, text, "MarketEntry") == []


def _partners(events) -> list[list[str]]:
    return sorted(sorted(p.label for p in e.roles["partner"]) for e in events)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBM and SAP announced a strategic partnership on Wednesday.", [["IBM", "SAP"]]),
        ("SAP has partnered with Google to sell its software to retailers.", [["Google", "SAP"]]),
        ("Oracle formed an alliance with Microsoft in 2019.", [["Microsoft", "Oracle"]]),
        ("Kioxia is run by a joint venture between Nvidia and Spotify.", [["Nvidia", "Spotify"]]),
        ("Nvidia, IBM and Oracle will work together on chip design.", [["IBM", "Nvidia", "Oracle"]]),
        ("Netflix teamed up with Spotify for a music series.", [["Netflix", "Spotify"]]),
        ("Nvidia signed a partnership agreement with Oracle.", [["Nvidia", "Oracle"]]),
        ("SAP, in partnership with IBM, launched a new analytics tool.", [["IBM", "SAP"]]),
    ],
)
def test_partnerships_name_the_companies_not_their_cloud_units(nlp, text, expected):
    assert _partners(_events(nlp, text, "Partnership")) == expected


def test_the_two_companies_are_the_last_two_named(nlp):
    text = "Oracle signed a deal with Netflix. The two companies will work together on streaming tools."
    assert _partners(_events(nlp, text, "Partnership")) == [["Netflix", "Oracle"]]


@pytest.mark.parametrize(
    "text",
    [
        "Oracle did not partner with Amazon.",
        "IBM and SAP are in talks about a partnership.",
        "SAP ended its partnership with Oracle last year.",
        "Our channel partners in Europe resell IBM software.",
    ],
)
def test_no_partnership(nlp, text):
    assert _events(nlp, text, "Partnership") == []
