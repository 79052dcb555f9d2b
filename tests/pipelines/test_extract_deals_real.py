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
