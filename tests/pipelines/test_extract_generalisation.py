"""Rules that carry over to unseen articles: entity classes from context, moves phrased many ways, usage counts.

Every text here is invented (names included) so no rule can lean on a real article's wording.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.records import Article, Entity
from pipelines.run import process


def _result(nlp, text: str, date: str = "2024-05-10"):
    (result,) = process([Article(text=text, date=date)], nlp)
    return result


def _classes(result) -> dict[str, str]:
    return {e.label: e.cls for e in result.entities}


def _events(result, kind: str):
    return [e for e in result.events if e.type == kind]


def _labels(values) -> list[str]:
    return sorted(v.label for v in values if isinstance(v, Entity))


def test_a_name_used_as_a_company_is_a_company_whatever_the_ner_says(nlp):
    text = (
        "Quorvex will shut its server rooms, the Denver games company said on Monday. "
        "Quorvex's shares rose 4% in late trading, and Quorvex said it would hire 200 engineers."
    )
    assert _classes(_result(nlp, text)).get("Quorvex") == "Company"


def test_what_a_maker_makes_is_a_product(nlp):
    text = "Velmora Interactive, the maker of CropQuest, said revenue fell 5% to $120 million in the first quarter."
    result = _result(nlp, text)
    assert _classes(result)["CropQuest"] == "Product"  # the model calls it an ORG
    (financial,) = _events(result, "FinancialResult")
    assert _labels(financial.roles["organization"]) == ["Velmora Interactive"]


def test_a_name_before_a_state_or_based_is_a_place(nlp):
    text = "Harlow Analytics, a Westbrook, Oregon-based software company, posted revenue of $2.1bn for 2023."
    result = _result(nlp, text)
    assert _classes(result).get("Westbrook") in (None, "Place")
    (financial,) = _events(result, "FinancialResult")
    assert _labels(financial.roles["organization"]) == ["Harlow Analytics"]


@pytest.mark.parametrize(
    ("text", "customer", "source", "target"),
    [
        # a provider named by its possessive: "onto Google's cloud"
        (
            "Pellucid Bank said it would move its trading systems onto Google's cloud.",
            "Pellucid Bank",
            None,
            "Google Cloud",
        ),
        # "move off" a provider, the customer named by "its" in the subject
        (
            "Fernhill Software has bought its own servers. Over the summer its applications will move off "
            "Amazon Web Services.",
            "Fernhill Software",
            "Amazon Web Services",
            None,
        ),
        # "goes back to"
        (
            "Tidewater Games shuts its data centres and goes back to Amazon's cloud.",
            "Tidewater Games",
            None,
            "Amazon Web Services",
        ),
        # the owner of what is moved is the customer; "its own" is the acquirer's cloud
        (
            "Oracle plans to move Calder Health's records from Amazon's cloud onto its own next year.",
            "Calder Health",
            "Amazon Web Services",
            "Oracle Cloud",
        ),
    ],
)
def test_moves_phrased_in_many_ways(nlp, text, customer, source, target):
    (migration,) = _events(_result(nlp, text), "Migration")
    assert _labels(migration.roles["customer"]) == [customer]
    assert _labels(migration.roles.get("fromProvider", ())) == ([source] if source else [])
    assert _labels(migration.roles.get("toProvider", ())) == ([target] if target else [])


def test_reported_future_is_a_plan_and_a_real_hypothesis_is_nothing(nlp):
    planned = _result(nlp, "Pellucid Bank said it would move its ledgers to Microsoft Azure.")
    (migration,) = _events(planned, "Migration")
    assert migration.status == "Planned"
    for text in (
        "Pellucid Bank said it would not move its ledgers to Microsoft Azure.",
        "Pellucid Bank would move its ledgers to Microsoft Azure if prices fell.",
    ):
        assert _events(_result(nlp, text), "Migration") == []


@pytest.mark.parametrize(
    ("text", "subject", "metric", "quantity"),
    [
        (
            "Brightline Chat said before the sale that more than 9 million people used it every day.",
            "Brightline Chat",
            "daily active users",
            9_000_000,
        ),
        (
            "Sparrow Media said monthly players numbered 45 million.",
            "Sparrow Media",
            "monthly active users",
            45_000_000,
        ),
        ("Sparrow Media said it had 3 million daily users.", "Sparrow Media", "daily active users", 3_000_000),
    ],
)
def test_usage_counts_in_many_phrasings(nlp, text, subject, metric, quantity):
    (event,) = _events(_result(nlp, text), "UserMetric")
    assert _labels(event.roles["subject"]) == [subject]
    assert event.roles["metric"] == (metric,)
    assert event.roles["quantity"] == (Decimal(quantity),)


def test_the_service_is_the_company_the_article_is_about(nlp):
    text = (
        "Sparrow Media is moving its streaming service onto Google Cloud, Sparrow Media said. "
        "Sparrow Media picked Google after a long trial. Google's data tools decided it. "
        "The service has more than 40 million active users."
    )
    (event,) = _events(_result(nlp, text), "UserMetric")
    assert _labels(event.roles["subject"]) == ["Sparrow Media"]


def test_a_ranking_goes_on_in_the_next_sentence_with_the_firm_and_its_period(nlp):
    text = (
        "Businesses spent about $40 billion on cloud infrastructure services in the first quarter, according to "
        "figures from Canalys. Amazon kept its lead with 31% of the worldwide market, the research firm said. "
        "Microsoft, Amazon's closest rival, edged up to 24%, while Google held 10%."
    )
    shares = {e.roles["organization"][0].label: e for e in _events(_result(nlp, text, "2024-05-10"), "MarketShare")}
    assert {k: v.roles["share"] for k, v in shares.items()} == {
        "Amazon Web Services": (Decimal("0.31"),),
        "Microsoft Azure": (Decimal("0.24"),),
        "Google Cloud": (Decimal("0.1"),),
    }
    assert shares["Amazon Web Services"].roles["rank"] == (1,)
    assert shares["Microsoft Azure"].qualifier == ""  # "edged up to" is no "up to"
    for event in shares.values():
        assert _labels(event.roles["accordingTo"]) == ["Canalys"]
        assert event.roles["period"] == ("2024-Q1",)


@pytest.mark.parametrize(
    "text",
    [
        "Oracle's cloud already counts Harbor Logistics among its customers.",
        "Google Cloud won new deals last quarter. The chief executive named Harbor Logistics among customers "
        "that had grown their spending.",
    ],
)
def test_customers_named_among_a_providers_customers(nlp, text):
    contracts = _events(_result(nlp, text), "Contract")
    assert [_labels(c.roles["customer"]) for c in contracts] == [["Harbor Logistics"]]
    assert _labels(contracts[0].roles["provider"]) in (["Oracle Cloud"], ["Google Cloud"])


def test_the_named_subject_of_said_is_not_an_apposition(nlp):
    text = "Fjordline Media is moving its catalogue onto Google Cloud Platform, the Oslo-based company said on Monday."
    hq = {(r.subject.label, r.object.label) for r in _result(nlp, text).relations if r.prop == "headquarteredIn"}
    assert hq == {("Fjordline Media", "Oslo")}


def test_the_research_firm_is_the_analyst_house_not_the_topic_company(nlp):
    text = (
        "Alibaba Group reported strong cloud sales, according to Canalys. "
        "Rachel Brindley, chief analyst at the Reading, England-based firm, said demand would hold up."
    )
    hq = {(r.subject.label, r.object.label) for r in _result(nlp, text).relations if r.prop == "headquarteredIn"}
    assert ("Alibaba Group", "Reading") not in hq


def test_a_participle_locates_a_data_centre_and_a_when_clause_dates_an_entry(nlp):
    text = (
        "Oracle was the first big provider to enter Portugal when it opened a data centre built beneath Lisbon in 2019."
    )
    result = _result(nlp, text, "2024-03-01")
    (centre,) = _events(result, "DataCenter")
    assert _labels(centre.roles["location"]) == ["Lisbon"]
    (entry,) = _events(result, "MarketEntry")
    assert _labels(entry.roles["location"]) == ["Portugal"]
    assert entry.date == "2019"


def test_they_in_what_two_companies_said_are_the_partners(nlp):
    text = "Microsoft and Oracle said on Tuesday that they had formed a partnership to link their clouds."
    (event,) = _events(_result(nlp, text), "Partnership")
    assert _labels(event.roles["partner"]) == ["Microsoft", "Oracle"]


def test_a_name_in_apposition_with_an_owned_product_noun_is_a_product(nlp):
    text = "Harlow Systems is best known for Quillwrite, its dictation software, and it sells to hospitals."
    assert _classes(_result(nlp, text))["Quillwrite"] == "Product"  # the model calls it a place


def test_a_ranking_written_as_a_list_of_lines(nlp):
    text = (
        "Worldwide spending on infrastructure as a service rose 30 per cent last year, according to IDC.\n"
        "IDC's ranking for last year reads:\n"
        "Amazon — 40.1%\n"
        "Microsoft — 20.5%\n"
        "Google — 8.2%\n"
        "Spending will keep rising, the firm said."
    )
    shares = _events(_result(nlp, text, "2023-04-20"), "MarketShare")
    rows = [(_labels(e.roles["organization"])[0], e.roles["share"][0], e.roles["rank"][0]) for e in shares]
    assert rows == [
        ("Amazon Web Services", Decimal("0.401"), 1),
        ("Microsoft Azure", Decimal("0.205"), 2),
        ("Google Cloud", Decimal("0.082"), 3),
    ]
    for event in shares:
        assert event.roles["market"] == ("global",)
        assert _labels(event.roles["accordingTo"]) == ["IDC"]
        assert event.roles["period"] == ("2022",)


def test_places_in_a_national_ranking_and_the_mainland_market(nlp):
    text = (
        "Cloud spending in mainland China rose 50 per cent in 2022, Canalys said. "
        "Alibaba Cloud held on to first place with a 36 per cent share of the mainland market. "
        "Huawei Cloud moved into second place with 19 per cent. Baidu AI Cloud was fourth with 8 per cent."
    )
    shares = {e.roles["organization"][0].label: e for e in _events(_result(nlp, text, "2023-03-01"), "MarketShare")}
    assert {k: (v.roles.get("rank"), v.roles["share"]) for k, v in shares.items()} == {
        "Alibaba Cloud": ((1,), (Decimal("0.36"),)),
        "Huawei Cloud": ((2,), (Decimal("0.19"),)),
        "Baidu AI Cloud": ((4,), (Decimal("0.08"),)),
    }
    for event in shares.values():
        assert _labels(event.roles["market"]) == ["China"]
        assert _labels(event.roles["accordingTo"]) == ["Canalys"]


def test_a_quarter_then_the_group_then_the_fiscal_year(nlp):
    text = (
        "Revenue from Azure rose 50 per cent in the fiscal second quarter, Microsoft said. "
        "The Productivity segment, which houses Office alongside products such as Teams, reported revenue of "
        "$9 billion, up 10 per cent. "
        "Group revenue rose 11 per cent to $40 billion, ahead of analysts' forecasts. "
        "For the fiscal year as a whole the Redmond-based company's sales rose 12 per cent to $150 billion."
    )
    results = {
        (e.roles["organization"][0].label, e.roles["period"][0]): e
        for e in _events(_result(nlp, text, "2023-01-25"), "FinancialResult")
    }
    assert results[("Microsoft Azure", "FY2023-Q2")].roles["growthRate"] == (Decimal("0.5"),)
    assert "revenue" not in results[("Microsoft Azure", "FY2023-Q2")].roles  # the segment's $9bn is not Azure's
    assert results[("Microsoft", "FY2023-Q2")].roles["revenue"][0].value == Decimal(40_000_000_000)
    assert results[("Microsoft", "FY2023")].roles["revenue"][0].value == Decimal(150_000_000_000)


def test_the_whole_company_is_the_parent_of_the_unit_in_focus(nlp):
    text = (
        "AWS had sales of $2 billion in the first quarter, up 40 per cent. "
        "Across the whole company, net sales rose 12 per cent to $30 billion."
    )
    results = {
        e.roles["organization"][0].label: e for e in _events(_result(nlp, text, "2016-04-29"), "FinancialResult")
    }
    assert results["Amazon"].roles["revenue"][0].value == Decimal(30_000_000_000)
    assert results["Amazon Web Services"].roles["revenue"][0].value == Decimal(2_000_000_000)


def test_a_funding_round_and_its_participants(nlp):
    text = (
        "Quillfeather Labs said on Monday that it is raising $2 billion in a Series F round. "
        "The round is being led by Harborline Capital. Northgate Partners and Ember Ventures are co-leading, "
        "and Copperfield Capital is also taking part. The valuation is up from $9 billion in its previous round, "
        "in which Silverbank Capital was the lead investor."
    )
    events = _events(_result(nlp, text, "2024-06-03"), "Investment")
    assert {(e.roles["investor"][0].label, e.roles["investee"][0].label) for e in events} == {
        (name, "Quillfeather Labs")
        for name in (
            "Harborline Capital",
            "Northgate Partners",
            "Ember Ventures",
            "Copperfield Capital",
            "Silverbank Capital",
        )
    }
    assert all("value" not in e.roles for e in events)  # a round's total or valuation is no one investor's


def test_what_is_bought_or_described_as_a_start_up_is_a_company(nlp):
    text = (
        "Oracle paid $600 million for Veltrana, which makes software for builders. "
        "The unit also bought Quorsk, a data-migration start-up."
    )
    classes = _classes(_result(nlp, text))
    assert classes.get("Veltrana") == "Company"
    assert classes.get("Quorsk") == "Company"


@pytest.mark.parametrize(
    ("text", "customer", "target"),
    [
        (
            "Harrow Mutual shut the last of its own data centres and now runs entirely on Amazon Web Services.",
            "Harrow Mutual",
            "Amazon Web Services",
        ),
        (
            "Microsoft struck an alliance with Verona Telecom this week. Under that deal, the telecoms group will "
            "move most of its applications to Azure.",
            "Verona Telecom",
            "Microsoft Azure",
        ),
    ],
)
def test_data_centre_exits_and_described_customers_are_moves(nlp, text, customer, target):
    (migration,) = _events(_result(nlp, text), "Migration")
    assert _labels(migration.roles["customer"]) == [customer]
    assert _labels(migration.roles["toProvider"]) == [target]


def test_running_on_a_provider_without_an_exit_is_no_move(nlp):
    assert _events(_result(nlp, "Harrow Mutual runs its website on Amazon Web Services."), "Migration") == []


def test_a_market_share_table_in_an_html_page(nlp, tmp_path):
    from pipelines.ingest import read_articles

    page = tmp_path / "shares.html"
    page.write_text(
        "<html><head><title>Cloud shares</title></head><body><nav>Home News</nav><article>"
        "<h1>IDC ranks the clouds</h1><p>Worldwide cloud infrastructure services spending grew 25% in 2022, "
        "IDC said on Monday. The research firm's ranking:</p><table><thead><tr><th>Provider</th>"
        "<th>2022 share</th></tr></thead><tbody><tr><td>Amazon</td><td>39.5%</td></tr>"
        "<tr><td>Microsoft</td><td>21.2%</td></tr><tr><td>Google</td><td>8.4%</td></tr></tbody></table>"
        "<p>Amazon kept first place in a market that is still growing fast.</p></article>"
        "<footer>About us</footer></body></html>",
        encoding="utf-8",
    )
    (result,) = process(list(read_articles([page])), nlp)
    rows = sorted(
        (e.roles["rank"][0], _labels(e.roles["organization"])[0], e.roles["share"][0], e.roles["period"][0])
        for e in _events(result, "MarketShare")
        if "rank" in e.roles
    )
    assert rows == [
        (1, "Amazon Web Services", Decimal("0.395"), "2022"),
        (2, "Microsoft Azure", Decimal("0.212"), "2022"),
        (3, "Google Cloud", Decimal("0.084"), "2022"),
    ]


def test_a_place_in_a_relative_clause_is_not_the_market_of_a_rank(nlp):
    text = (
        "Microsoft opened two cloud regions in Kenya. The launch gives Microsoft a head start over Amazon Web "
        "Services, the market leader, which has announced plans to open its own region in Nairobi next year."
    )
    shares = _events(_result(nlp, text, "2024-03-05"), "MarketShare")
    assert not [e for e in shares if _labels(e.roles.get("market", ())) == ["Nairobi"]]


def test_two_deals_in_one_sentence_keep_their_own_buyer_and_price(nlp):
    text = (
        "Northwind Data agreed to buy the security company Harlow Guard for $2.1 billion and to take over "
        "Pellucid Software, the analytics firm it helped found, in a transaction valuing Pellucid at $2.7 billion. "
        "Northwind Data paid $900 million for Quorsk Labs, the data firm, in 2019, and in the same year it bought "
        "Veltrana Systems, a maker of testing tools."
    )
    deals = {e.roles["target"][0].label: e for e in _events(_result(nlp, text, "2021-08-22"), "Acquisition")}
    assert {k: _labels(v.roles["acquirer"]) for k, v in deals.items()} == {
        "Harlow Guard": ["Northwind Data"],
        "Pellucid Software": ["Northwind Data"],
        "Quorsk Labs": ["Northwind Data"],
        "Veltrana Systems": ["Northwind Data"],
    }
    assert deals["Harlow Guard"].roles["value"][0].value == Decimal(2_100_000_000)
    assert deals["Pellucid Software"].roles["value"][0].value == Decimal(2_700_000_000)
    assert "value" not in deals["Veltrana Systems"].roles  # the $900m was Quorsk's


def test_revenue_in_a_relative_clause_belongs_to_the_main_subject(nlp):
    text = (
        "Northwind Data agreed to buy Harlow Guard. The Palo Alto-based company unveiled the deal alongside "
        "results for the second quarter, in which revenue rose 12 per cent to $2.4 billion."
    )
    (result,) = _events(_result(nlp, text, "2019-08-22"), "FinancialResult")
    assert _labels(result.roles["organization"]) == ["Northwind Data"]


def test_each_deal_of_a_sentence_is_a_contract(nlp):
    text = (
        "The Northgate Agency hired Microsoft Azure in 2015 under a contract worth $500 million, and last year "
        "the Northgate Agency signed a second contract with Google Cloud and Oracle Cloud."
    )
    contracts = {e.roles["provider"][0].label: e for e in _events(_result(nlp, text, "2022-05-01"), "Contract")}
    assert set(contracts) == {"Microsoft Azure", "Google Cloud", "Oracle Cloud"}
    assert contracts["Microsoft Azure"].roles["value"][0].value == Decimal(500_000_000)
    assert "value" not in contracts["Google Cloud"].roles


def test_its_customers_are_the_providers_the_article_is_about(nlp):
    text = (
        "Google Cloud said revenue rose 40 per cent in the quarter. "
        "Big retailers such as Harlow Stores and Quorsk Foods have been among its customers for years."
    )
    contracts = _events(_result(nlp, text, "2022-05-01"), "Contract")
    assert {(_labels(c.roles["customer"])[0], _labels(c.roles["provider"])[0]) for c in contracts} == {
        ("Harlow Stores", "Google Cloud"),
        ("Quorsk Foods", "Google Cloud"),
    }


def test_growth_on_a_base_year_and_goals_are_no_results(nlp):
    text = (
        "Google Cloud's revenue rose 47 per cent to $3.8 billion in the fourth quarter. "
        "Over the full year, Google Cloud took in $13 billion, a 46 per cent increase on the $8.9 billion it "
        "booked in 2019. Since he took over, the chief executive has set out to triple the unit's sales."
    )
    results = {e.roles["period"][0]: e for e in _events(_result(nlp, text, "2021-02-03"), "FinancialResult")}
    assert results["2019"].roles["revenue"][0].value == Decimal(8_900_000_000)
    assert all(e.roles.get("growthRate") != (Decimal(2),) for e in results.values())


def test_an_amount_of_another_clause_is_not_the_moves_value(nlp):
    text = "Google agreed to invest $1 billion in Harlow Exchange, which is moving its systems to Google Cloud."
    (migration,) = _events(_result(nlp, text), "Migration")
    assert "value" not in migration.roles


def test_an_indefinite_description_names_no_one_organisation(nlp):
    """'another cloud giant' is some other firm, never the one the descriptor list ties 'cloud giant' to."""
    text = (
        "Northgate Labs said it would train its next models on Amazon Web Services chips.\n\n"
        "Northgate Labs was founded in 2019 by two former researchers. It already has ties to another cloud giant: "
        "earlier this year it picked Google Cloud as its main cloud provider."
    )
    customers = {
        e.roles["provider"][0].label: _labels(e.roles["customer"]) for e in _events(_result(nlp, text), "Contract")
    }
    assert customers["Google Cloud"] == ["Northgate Labs"]
