"""Extraction through the real spaCy model: the seed article, the fixtures, negation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import ARTICLES

from graph.records import Article, Entity
from pipelines.ingest import parse_text, read_articles
from pipelines.run import process


def _run(nlp, *articles: Article):
    return list(process(articles, nlp))


def _labels(values) -> list[str]:
    return sorted(v.label for v in values if isinstance(v, Entity))


def _events(result, kind: str):
    return [e for e in result.events if e.type == kind]


def test_seed_article_yields_the_tiktok_migration(nlp, shared):
    article = next(read_articles([shared / "corpus" / "dev" / "technode-tiktok-alibaba.txt"]))
    (result,) = _run(nlp, article)
    (migration,) = _events(result, "Migration")
    assert _labels(migration.roles["customer"]) == ["ByteDance"]
    assert _labels(migration.roles["workload"]) == ["TikTok"]
    assert _labels(migration.roles["fromProvider"]) == ["Alibaba Cloud"]
    assert _labels(migration.roles["toProvider"]) == ["Amazon Web Services", "Oracle Cloud"]
    (value,) = migration.roles["value"]
    assert (value.value, value.currency, value.per) == (Decimal(800_000_000), "USD", "P1Y")
    assert "Alibaba Cloud to Amazon Web Service and Oracle" in migration.evidence
    assert 0.5 < migration.confidence <= 1
    owns = {(r.subject.label, r.prop, r.object.label) for r in result.relations}
    assert ("ByteDance", "owns", "TikTok") in owns


def test_contract_with_value_and_term(nlp):
    article = parse_text((ARTICLES / "plain.txt").read_text(encoding="utf-8"), "plain.txt")
    (result,) = _run(nlp, article)
    (contract,) = _events(result, "Contract")
    assert _labels(contract.roles["customer"]) == ["Acme Retail"]
    assert _labels(contract.roles["provider"]) == ["Google Cloud"]
    (value,) = contract.roles["value"]
    assert (value.value, value.currency) == (Decimal(120_000_000), "USD")
    assert contract.roles["term"] == ("P3Y",)


def test_provider_rule_maps_parent_company_to_cloud_unit(nlp):
    text = "Northwind Freight moved its logistics systems from Microsoft to Amazon last year."
    (result,) = _run(nlp, Article(text=text))
    (migration,) = _events(result, "Migration")
    assert _labels(migration.roles["fromProvider"]) == ["Microsoft Azure"]
    assert _labels(migration.roles["toProvider"]) == ["Amazon Web Services"]


@pytest.mark.parametrize(
    "text",
    [
        "Globex denied that it would move its workloads from Google Cloud to Microsoft Azure.",
        "Globex did not move its workloads from Google Cloud to Microsoft Azure.",
        "Globex could move its workloads from Google Cloud to Microsoft Azure next year.",
    ],
)
def test_denied_negated_and_hypothetical_moves_yield_no_event(nlp, text):
    (result,) = _run(nlp, Article(text=text))
    assert _events(result, "Migration") == []


def test_plan_is_marked_planned(nlp):
    text = "Initech plans to migrate its payroll systems from IBM Cloud to Google Cloud in 2025."
    (result,) = _run(nlp, Article(text=text))
    (migration,) = _events(result, "Migration")
    assert migration.status == "Planned"


def test_html_boilerplate_yields_no_events(nlp):
    (article,) = [a for a in read_articles([ARTICLES / "page.html"]) if isinstance(a, Article)]
    (result,) = _run(nlp, article)
    kinds = {(e.type, _labels(e.roles.get("customer", ()))[0]) for e in result.events}
    assert kinds == {("Migration", "Blue Heron Logistics")}


def test_acquisition_with_value_and_subject_through_xcomp(nlp):
    text = "Globex Corp. agreed on Monday to acquire Initrode Software for about $2.4 billion in cash."
    (result,) = _run(nlp, Article(text=text))
    (deal,) = _events(result, "Acquisition")
    assert _labels(deal.roles["acquirer"]) == ["Globex"]
    assert _labels(deal.roles["target"]) == ["Initrode Software"]
    (value,) = deal.roles["value"]
    assert (value.value, value.currency, value.qualifier) == (Decimal(2_400_000_000), "USD", "approximately")


def test_investment_in_a_company_but_not_in_a_country(nlp):
    text = (
        "Microsoft invested $1.5 billion in Larkspur Robotics, a start-up based in Austin. "
        "Separately, Microsoft will invest $2 billion in Indonesia over four years."
    )
    (result,) = _run(nlp, Article(text=text))
    (investment,) = _events(result, "Investment")
    assert _labels(investment.roles["investor"]) == ["Microsoft"]
    assert _labels(investment.roles["investee"]) == ["Larkspur Robotics"]
    assert investment.roles["value"][0].value == Decimal(1_500_000_000)


def test_denied_takeover_yields_no_acquisition(nlp):
    text = "Globex denied reports that it would buy Initrode Software."
    (result,) = _run(nlp, Article(text=text))
    assert _events(result, "Acquisition") == []


def test_investor_lists_backers_and_commitments(nlp):
    text = (
        "Larkspur Robotics, whose investors include Northgate Ventures and Halden Capital, opened a lab. "
        "Orbis Health has been backed by Tamber Partners. "
        "In 2019 Marlowe Group committed $500 million to Initrode Software, a start-up."
    )
    (result,) = _run(nlp, Article(text=text))
    pairs = {(_labels(e.roles["investor"])[0], _labels(e.roles["investee"])[0]) for e in _events(result, "Investment")}
    assert pairs == {
        ("Northgate Ventures", "Larkspur Robotics"),
        ("Halden Capital", "Larkspur Robotics"),
        ("Tamber Partners", "Orbis Health"),
        ("Marlowe", "Initrode Software"),
    }


def test_several_acquisitions_in_one_sentence_pair_their_prices(nlp):
    text = (
        "Over the years Marlowe Group bought Initrode Software for $1.2 billion and Vandelay Systems for $300 million."
    )
    (result,) = _run(nlp, Article(text=text))
    deals = {_labels(e.roles["target"])[0]: e.roles["value"][0].value for e in _events(result, "Acquisition")}
    assert deals == {"Initrode Software": Decimal(1_200_000_000), "Vandelay Systems": Decimal(300_000_000)}


@pytest.mark.parametrize(
    "text",
    [
        "If Globex moves its workloads from Google Cloud to Microsoft Azure, costs would fall.",
        "Will Globex move its workloads from Google Cloud to Microsoft Azure?",
        "Globex never signed a contract with Amazon Web Services.",
        "Reports that Marlowe Group would acquire Initrode Software were denied by both companies.",
    ],
)
def test_conditional_questioned_and_denied_statements_yield_no_event(nlp, text):
    (result,) = _run(nlp, Article(text=text))
    assert result.events == ()
