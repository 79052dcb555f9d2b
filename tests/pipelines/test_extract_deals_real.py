"""Deal rules found on real text (Contract, Investment, Acquisition, Partnership, Migration), on invented sentences.

Every text here is written for the test (invented companies, or public facts phrased our own way), so no rule
leans on a real article's wording.
"""

from __future__ import annotations

from decimal import Decimal

from graph.records import Amount, Article, Entity
from pipelines.run import process


def _events(nlp, text: str, kind: str, date: str = "2024-05-10"):
    (result,) = process([Article(text=text, date=date)], nlp)
    return [e for e in result.events if e.type == kind]


def _label(values) -> str:
    (value,) = values
    return value.label if isinstance(value, Entity) else str(value)


def _by(events, role: str) -> dict:
    return {_label(e.roles[role]): e for e in events}


def _value(event) -> Decimal | None:
    values = event.roles.get("value", ())
    return values[0].value if values and isinstance(values[0], Amount) else None


def test_a_combined_ceiling_after_a_shared_award_goes_to_no_provider(nlp):
    text = (
        "The Ruritanian Ministry of Finance has awarded its tax platform contract to Amazon Web Services, "
        "Google and Oracle. Each of the three vendors won its own contract, and the combined ceiling for the "
        "program is worth up to $2 billion."
    )
    contracts = _by(_events(nlp, text, "Contract"), "provider")
    assert set(contracts) == {"Amazon Web Services", "Google Cloud", "Oracle Cloud"}
    assert all(_value(c) is None for c in contracts.values())


def test_a_total_stated_after_a_single_award_still_goes_to_it(nlp):
    text = "Brightwater Insurance signed a cloud contract with Microsoft. The deal is valued at $120 million."
    (contract,) = _events(nlp, text, "Contract")
    assert _value(contract) == Decimal(120_000_000)


def test_an_amount_invested_in_the_same_sentence_is_not_the_contracts_value(nlp):
    text = (
        "Quillon Labs builds chatbots for banks. Last year it picked Google Cloud as its preferred cloud "
        "provider, and Google invested about $500 million in the company."
    )
    (contract,) = _events(nlp, text, "Contract")
    assert _label(contract.roles["provider"]) == "Google Cloud"
    assert _value(contract) is None
    (investment,) = _events(nlp, text, "Investment")
    assert _value(investment) == Decimal(500_000_000)


def test_a_second_deal_of_the_sentence_keeps_its_own_value_and_shared_term(nlp):
    text = (
        "Fennick Games signed a four-year, $800 million contract with Google Cloud, and later added a "
        "$300 million commitment to AWS over the same four years."
    )
    contracts = _by(_events(nlp, text, "Contract"), "provider")
    assert _value(contracts["Google Cloud"]) == Decimal(800_000_000)
    assert _value(contracts["Amazon Web Services"]) == Decimal(300_000_000)
    assert _label(contracts["Amazon Web Services"].roles["term"]) == "P4Y"


def test_a_takeover_deal_is_an_acquisition_not_a_contract(nlp):
    # the parser reads 'messaging' as a verb and hangs the target off it
    text = (
        "Pellucid Corp said on Monday it would buy workplace chat app Threadly Inc in a $3.1 billion "
        "cash-and-stock transaction that widens what the software maker offers."
    )
    (acquisition,) = _events(nlp, text, "Acquisition")
    assert (_label(acquisition.roles["acquirer"]), _label(acquisition.roles["target"])) == ("Pellucid", "Threadly")
    assert _value(acquisition) == Decimal(3_100_000_000)
    assert _events(nlp, text, "Contract") == []


def test_a_headline_infinitive_names_the_buyer(nlp):
    (acquisition,) = _events(nlp, "Oracle to buy data firm Quorra in $3 bln deal", "Acquisition")
    assert (_label(acquisition.roles["acquirer"]), _label(acquisition.roles["target"])) == ("Oracle", "Quorra")


def test_shares_paid_to_a_targets_holders_are_no_investment(nlp):
    text = (
        "Pellucid Corp agreed to buy Threadly Inc. Threadly shareholders will receive $20 in cash and "
        "0.05 shares of Pellucid common stock for each Threadly share."
    )
    assert _events(nlp, text, "Investment") == []


def test_its_purchase_is_the_clause_subjects_then_the_company_named_before_it(nlp):
    text = (
        "Analysts said the deal would top every earlier Pellucid Systems transaction except its 2015 "
        "purchase of Orbix Labs for $9 billion."
    )
    (acquisition,) = _events(nlp, text, "Acquisition")
    assert _label(acquisition.roles["acquirer"]) == "Pellucid Systems"
    text = (
        "Harbor Holdings, which controls Orbix Labs and Tessel Inc, will keep its stake. Harbor Holdings became "
        "Orbix Labs' controlling shareholder through its $12 billion purchase of Vantor Systems, completed in 2017."
    )
    (acquisition,) = _events(nlp, text, "Acquisition")
    assert _label(acquisition.roles["acquirer"]).startswith("Harbor")
    assert _label(acquisition.roles["target"]) == "Vantor Systems"


def test_a_place_based_target_is_the_company_not_the_place(nlp):
    text = (
        "Pellucid Systems has made many acquisitions. Its other notable deals include the $2.2 billion "
        "acquisition of Springfield, IL-based Quorra Analytics in 2016."
    )
    (acquisition,) = _events(nlp, text, "Acquisition")
    assert _label(acquisition.roles["acquirer"]) == "Pellucid Systems"
    assert _label(acquisition.roles["target"]) == "Quorra Analytics"
    assert _value(acquisition) == Decimal(2_200_000_000)


def _pairs(events) -> set[tuple[str, str]]:
    return {(_label(e.roles["customer"]), _label(e.roles["provider"])) for e in events}


def test_a_contract_between_a_provider_and_a_customer(nlp):
    text = "The seven-year, $450 million hosting contract between Microsoft Azure and the Home Office is under review."
    (contract,) = _events(nlp, text, "Contract")
    assert _pairs([contract]) == {("Home Office", "Microsoft Azure")}
    assert _value(contract) == Decimal(450_000_000)
    assert _label(contract.roles["term"]) == "P7Y"


def test_a_protester_is_not_the_customer_of_the_agency_contract_it_protests(nlp):
    text = (
        "Zentrix Systems filed a protest last month over the NASA contract – awarded to Google Cloud in March – "
        "and has amended it twice."
    )
    assert _pairs(_events(nlp, text, "Contract")) == {("NASA", "Google Cloud")}


def test_a_programme_named_before_contract_is_not_the_customer(nlp):
    text = "The Department of Homeland Security awarded its Harbor Data Platform contract to Oracle on Tuesday."
    assert _pairs(_events(nlp, text, "Contract")) == {("U.S. Department of Homeland Security", "Oracle Cloud")}


def test_a_subject_described_then_named_in_apposition(nlp):
    text = "Britain's health service, the National Health Service, has signed a deal with AWS to store patient records."
    assert _pairs(_events(nlp, text, "Contract")) == {("National Health Service", "Amazon Web Services")}


def test_a_cloud_business_can_buy_from_another_provider(nlp):
    text = "Last spring Rackspace signed a deal with Google Cloud to resell its capacity in Europe."
    assert _pairs(_events(nlp, text, "Contract")) == {("Rackspace", "Google Cloud")}


def test_deals_competed_for_and_hired_executives_are_no_contracts(nlp):
    text = "For Oracle, which competes with AWS for nearly every large government deal, the award is a relief."
    assert _events(nlp, text, "Contract") == []
    assert _events(nlp, "Google Cloud taps a former Oracle executive as its new chief.", "Contract") == []


def _investments(events) -> dict[str, Decimal | None]:
    return {f"{_label(e.roles['investor'])}>{_label(e.roles['investee'])}": _value(e) for e in events}


def test_a_company_backed_by_investors_like_a_and_b(nlp):
    text = (
        "Veridian Robotics Inc, a Boston company backed by investors like Nvidia and Sequoia Capital, "
        "will open an office in Austin."
    )
    assert set(_investments(_events(nlp, text, "Investment"))) == {
        "Nvidia>Veridian Robotics",
        "Sequoia Capital>Veridian Robotics",
    }


def test_money_secured_from_an_investor_is_its_investment_a_loan_is_not(nlp):
    text = (
        "Google will invest $1 billion in Veridian Robotics Inc, a Boston start-up that recently secured "
        "$3 billion from Amazon."
    )
    assert _investments(_events(nlp, text, "Investment")) == {
        "Amazon>Veridian Robotics": Decimal(3_000_000_000),
        "Google>Veridian Robotics": Decimal(1_000_000_000),
    }
    assert _events(nlp, "Veridian Robotics Inc secured a $500 million loan from Barclays.", "Investment") == []


def test_other_investors_are_investors_in_the_company_just_named(nlp):
    text = (
        "Nvidia invested $50 million in Quillon AI, the chatbot maker. Other investors include Sequoia Capital, "
        "Orbis Ventures and FTX founder Sam Bankman-Fried."
    )
    assert set(_investments(_events(nlp, text, "Investment"))) == {
        "Nvidia>Quillon AI",
        "Sequoia Capital>Quillon AI",
        "Orbis Ventures>Quillon AI",
        "Sam Bankman-Fried>Quillon AI",
    }


def test_a_venture_arm_recognised_only_by_its_parents_name_is_left_out(nlp):
    text = (
        "Nvidia invested $50 million in Quillon AI, the chatbot maker. "
        "Other investors include Salesforce Ventures and Zoom Ventures."
    )
    assert set(_investments(_events(nlp, text, "Investment"))) == {"Nvidia>Quillon AI"}


def test_a_shift_to_the_cloud_that_closes_its_data_centres_is_a_migration_without_providers(nlp):
    text = "Next spring, Harlow Bank will finish its shift to the cloud by closing the final two data centers it runs."
    (migration,) = _events(nlp, text, "Migration")
    assert _label(migration.roles["customer"]) == "Harlow Bank"
    assert "toProvider" not in migration.roles and "fromProvider" not in migration.roles
    # without closing its own data centres, 'to the cloud' says too little
    assert _events(nlp, "Harlow Bank is moving its apps to the cloud this year.", "Migration") == []


def test_the_company_whose_customers_a_provider_moves_onto_its_own_cloud(nlp):
    text = "Oracle said it has moved most of its Pelham Health customers to its cloud infrastructure."
    (migration,) = _events(nlp, text, "Migration")
    assert _label(migration.roles["customer"]) == "Pelham Health"
    assert _label(migration.roles["toProvider"]) == "Oracle Cloud"


def _partner_sets(events) -> list[set[str]]:
    return [{v.label for v in e.roles["partner"]} for e in events]


def test_partnered_with_firms_including_a_named_one_keeps_the_unit_that_said_it(nlp):
    text = (
        "Alibaba Cloud said on Monday that it had partnered with several firms, including the online lender "
        "Kestrel Bank."
    )
    assert _partner_sets(_events(nlp, text, "Partnership")) == [{"Alibaba Cloud", "Kestrel Bank"}]


def test_its_partner_named_beside_the_noun(nlp):
    text = (
        "Microsoft launched the service last year, which the company — through its local partner 21Vianet — "
        "has run since May."
    )
    assert _partner_sets(_events(nlp, text, "Partnership")) == [{"Microsoft", "21Vianet"}]
    text = "Huawei said it would expand in Brazil through its local partner Quorra Analytics Inc."
    assert _partner_sets(_events(nlp, text, "Partnership")) == [{"Huawei", "Quorra Analytics"}]


def test_a_company_sold_to_a_buyer_in_the_passive(nlp):
    text = "Its closest rival, Quorra Analytics, was sold to Pellucid Systems for $900 million last year."
    (acquisition,) = _events(nlp, text, "Acquisition")
    assert (_label(acquisition.roles["acquirer"]), _label(acquisition.roles["target"])) == (
        "Pellucid Systems",
        "Quorra Analytics",
    )
    assert _value(acquisition) == Decimal(900_000_000)


def test_reliance_on_providers_is_a_standing_customer_relationship(nlp):
    text = "The move lets Harlow Bank reduce its reliance on cloud suppliers such as CoreWeave and Oracle."
    assert _pairs(_events(nlp, text, "Contract")) == {("Harlow Bank", "CoreWeave"), ("Harlow Bank", "Oracle Cloud")}


def test_running_a_service_on_a_provider_with_on_hung_from_the_object(nlp):
    text = "Reports claim that Harlow Bank was running its payment service on Microsoft Azure."
    assert _pairs(_events(nlp, text, "Contract")) == {("Harlow Bank", "Microsoft Azure")}


def test_bidders_and_scrapped_awards_are_no_contracts(nlp):
    text = "Harlow Bank asked for bids from AWS, Microsoft and Google for its new cloud contract."
    assert _events(nlp, text, "Contract") == []
    text = "The Pentagon scrapped the $10 billion JEDI contract it had awarded to Microsoft."
    assert _events(nlp, text, "Contract") == []


def test_a_provider_that_won_a_contract_from_a_customer(nlp):
    (contract,) = _events(nlp, "Oracle landed a $40 million contract from Harlow Bank.", "Contract")
    assert _pairs([contract]) == {("Harlow Bank", "Oracle Cloud")}
    assert _value(contract) == Decimal(40_000_000)
    assert _pairs(_events(nlp, "AWS won the NSA contract last year.", "Contract")) == {
        ("National Security Agency", "Amazon Web Services")
    }


def test_a_customer_of_a_provider(nlp):
    assert _pairs(_events(nlp, "Quorra Analytics is a customer of AWS.", "Contract")) == {
        ("Quorra Analytics", "Amazon Web Services")
    }


def test_takeover_and_investment_phrasings(nlp):
    cases = [
        ("Pellucid Systems got hold of Quorra Analytics for $400 million in 2019.", "Acquisition", 400_000_000),
        ("Pellucid Systems agreed to shell out $1.1 billion for Quorra Analytics.", "Acquisition", 1_100_000_000),
        ("Nvidia pumped $300 million into Quorra Analytics last year.", "Investment", 300_000_000),
        ("Nvidia made a $40 million investment in Quorra Analytics.", "Investment", 40_000_000),
    ]
    for text, kind, value in cases:
        (event,) = _events(nlp, text, kind)
        assert _value(event) == Decimal(value), text
    text = "Quorra Analytics counts Nvidia and Sequoia Capital among its backers."
    assert set(_investments(_events(nlp, text, "Investment"))) == {
        "Nvidia>Quorra Analytics",
        "Sequoia Capital>Quorra Analytics",
    }
    assert _events(nlp, "Pellucid Systems put Quorra Analytics up for sale.", "Investment") == []


def test_paying_a_provider_and_buying_capacity_from_one_are_contracts_a_settlement_is_not(nlp):
    text = "Harlow Bank will pay Microsoft $200 million over five years for Azure capacity."
    (contract,) = _events(nlp, text, "Contract")
    assert _pairs([contract]) == {("Harlow Bank", "Microsoft Azure")}
    assert (_value(contract), _label(contract.roles["term"])) == (Decimal(200_000_000), "P5Y")
    text = "Harlow Bank agreed to buy $300 million of computing capacity from Oracle."
    (contract,) = _events(nlp, text, "Contract")
    assert _pairs([contract]) == {("Harlow Bank", "Oracle Cloud")}
    assert _value(contract) == Decimal(300_000_000)
    assert _events(nlp, "Harlow Bank paid Microsoft $20 million to settle the lawsuit.", "Contract") == []


def test_customer_lists_whose_and_signed_customers_including(nlp):
    text = "AWS, whose customers include Harlow Bank and Kestrel Bank, said revenue rose."
    assert _pairs(_events(nlp, text, "Contract")) == {
        ("Harlow Bank", "Amazon Web Services"),
        ("Kestrel Bank", "Amazon Web Services"),
    }
    text = "Google Cloud has signed customers including Harlow Bank, Kestrel Bank and Pellucid Systems."
    assert _pairs(_events(nlp, text, "Contract")) == {
        ("Harlow Bank", "Google Cloud"),
        ("Kestrel Bank", "Google Cloud"),
        ("Pellucid Systems", "Google Cloud"),
    }


def test_one_term_of_deals_with_two_providers_is_each_deals_term_a_fights_length_is_not(nlp):
    contracts = _events(nlp, "Harlow Bank signed five-year deals with AWS and Google Cloud.", "Contract")
    assert {_label(c.roles["term"]) for c in contracts} == {"P5Y"} and len(contracts) == 2
    text = (
        "The Home Office awarded its records contract to AWS, Google and Oracle, closing a four-year fight "
        "over how it buys cloud computing."
    )
    contracts = _events(nlp, text, "Contract")
    assert len(contracts) == 3 and all("term" not in c.roles for c in contracts)


def test_the_total_of_an_investment_not_its_first_tranche(nlp):
    text = (
        "Amazon invested $1.25 billion in Quorra Analytics, the first tranche of a total investment of up to "
        "$4 billion."
    )
    (investment,) = _events(nlp, text, "Investment")
    assert _value(investment) == Decimal(4_000_000_000)


def test_a_passive_award_takes_the_agent_as_customer_not_the_programme_named_in_the_subject(nlp):
    text = "The Orion Data Platform contract was awarded to Microsoft by the Department of Homeland Security in May."
    assert _pairs(_events(nlp, text, "Contract")) == {("U.S. Department of Homeland Security", "Microsoft Azure")}
    (contract,) = _events(nlp, "AWS was awarded a $50 million contract by the Home Office.", "Contract")
    assert _pairs([contract]) == {("Home Office", "Amazon Web Services")}
    assert _value(contract) == Decimal(50_000_000)


def test_a_deal_named_as_the_subject_keeps_its_own_provider(nlp):
    (contract,) = _events(nlp, "Snap's contract with Google Cloud runs for five years.", "Contract")
    assert _pairs([contract]) == {("Snap", "Google Cloud")}


def test_an_unowned_purchase_is_not_credited_to_a_company_just_told_as_bought(nlp):
    text = (
        "Pellucid Systems agreed to buy Quorra Analytics for $2 billion. Until now, Pellucid's largest purchase "
        "was the $900 million acquisition of chip designer Vantor Systems. Another deal, the $300 million "
        "purchase of the analytics company Kestrel Labs in 2017, came a year later."
    )
    buyers = {_label(e.roles["target"]): _label(e.roles["acquirer"]) for e in _events(nlp, text, "Acquisition")}
    assert buyers["Kestrel Labs"] == "Pellucid Systems"


def test_a_modal_of_the_coordinated_clause_does_not_scope_over_the_deal(nlp):
    text = (
        "Harlow Bank, Kestrel Bank and Pellucid Systems may look like odd company, but reports claim that "
        "Harlow Bank was running its payment service on Microsoft Azure."
    )
    assert _pairs(_events(nlp, text, "Contract")) == {("Harlow Bank", "Microsoft Azure")}
    assert _events(nlp, "Harlow Bank did not sign with AWS, and it may never pick Google Cloud.", "Contract") == []


def test_two_companies_signing_an_agreement_with_each_other_are_partners(nlp):
    text = "Nokia and Ericsson signed an agreement under which the rivals will share patents."
    assert _partner_sets(_events(nlp, text, "Partnership")) == [{"Nokia", "Ericsson"}]
    # with someone else, or priced, or with a cloud unit: purchases, not partnerships
    assert _events(nlp, "Harlow Bank and Kestrel Bank signed agreements with AWS.", "Partnership") == []
    text = "Harlow Bank and AWS signed a five-year agreement worth $50 million."
    assert _events(nlp, text, "Partnership") == []


def test_a_described_subject_stands_for_the_company_named_before(nlp):
    text = (
        "Harlow Bank reported higher profits on Monday. The Denver-based bank already runs its trading systems on AWS."
    )
    assert _pairs(_events(nlp, text, "Contract")) == {("Harlow Bank", "Amazon Web Services")}
