"""worksFor, competesWith, headquarteredIn and ownership read from sentences through the real model."""

from __future__ import annotations

import pytest

from graph.records import Article
from pipelines.run import process


def _relations(nlp, text: str, prop: str | None = None) -> set[tuple[str, str, str]]:
    (result,) = process([Article(text=text)], nlp)
    found = {(r.subject.label, r.prop, r.object.label) for r in result.relations}
    return {f for f in found if prop is None or f[1] == prop}


def _titles(nlp, text: str) -> dict[tuple[str, str], str]:
    (result,) = process([Article(text=text)], nlp)
    return {(r.subject.label, r.object.label): r.job_title for r in result.relations if r.prop == "worksFor"}


@pytest.mark.parametrize(
    ("text", "person", "employer", "title"),
    [
        (
            "Netflix's chief financial officer Laura Bennett said on Tuesday that streaming costs had peaked.",
            "Laura Bennett",
            "Netflix",
            "chief financial officer",
        ),
        (
            "Prices will rise next year, said Laura Bennett, chief operating officer of Dropbox, at a conference.",
            "Laura Bennett",
            "Dropbox",
            "chief operating officer",
        ),
        (
            "Daniel Okafor, Pinterest's vice president of engineering, told analysts the move was complete.",
            "Daniel Okafor",
            "Pinterest",
            "vice president",
        ),
        (
            "Zoom, run by co-founder and chief executive Eric Yuan, said demand stayed strong.",
            "Eric Yuan",
            "Zoom",
            "co-founder and chief executive",
        ),
    ],
)
def test_works_for_from_a_job_title(nlp, text, person, employer, title):
    assert _titles(nlp, text)[(person, employer)] == title


def test_works_for_resolves_the_company_to_the_article_topic(nlp):
    text = (
        "Dropbox reported higher revenue on Thursday. Dropbox said subscriptions grew. "
        "Laura Bennett, the company's chief financial officer, said margins would improve."
    )
    assert ("Laura Bennett", "worksFor", "Dropbox") in _relations(nlp, text, "worksFor")


def test_bare_corporate_title_goes_to_the_topic(nlp):
    text = "Pinterest posted a loss. Laura Bennett, the chief executive, said growth would return."
    assert ("Laura Bennett", "worksFor", "Pinterest") in _relations(nlp, text, "worksFor")


def test_a_title_may_name_two_employers_but_not_a_mentioned_product_line(nlp):
    text = "Sundar Pichai, chief executive of Google and its parent Alphabet, said the bank would benefit."
    assert {("Sundar Pichai", "worksFor", "Google"), ("Sundar Pichai", "worksFor", "Alphabet")} <= _relations(
        nlp, text, "worksFor"
    )
    text = "Laura Bennett, Microsoft's corporate vice president for Azure sales, said the region was ready."
    assert _relations(nlp, text, "worksFor") == {("Laura Bennett", "worksFor", "Microsoft")}


def test_no_works_for_without_an_employer_or_for_a_former_job(nlp):
    assert _relations(nlp, "Laura Bennett said the outage lasted two hours at Zoom.", "worksFor") == set()
    text = "Laura Bennett, a former Netflix engineer, said the migration took seven years."
    assert _relations(nlp, text, "worksFor") == set()
    text = "Defense Secretary Laura Bennett said the award was fair."
    assert _relations(nlp, text, "worksFor") == set()


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (
            "Oracle's cloud business competes with Amazon Web Services and Microsoft Azure for large customers.",
            {("Oracle Cloud", "Amazon Web Services"), ("Oracle Cloud", "Microsoft Azure")},
        ),
        (
            "Google's cloud still trails its larger rivals Amazon Web Services and Microsoft Azure.",
            {("Google Cloud", "Amazon Web Services"), ("Google Cloud", "Microsoft Azure")},
        ),
        (
            "Huawei Cloud ranked third with 15 per cent, behind Alibaba Cloud and Tencent Cloud.",
            {("Huawei Cloud", "Alibaba Cloud"), ("Huawei Cloud", "Tencent Cloud")},
        ),
        (
            "Walmart, which competes with Amazon in retail, chose Microsoft for its stores.",
            {("Walmart", "Amazon")},
        ),
    ],
)
def test_competes_with(nlp, text, pairs):
    found = {frozenset((s, o)) for s, _, o in _relations(nlp, text, "competesWith")}
    assert {frozenset(p) for p in pairs} <= found


def test_rivals_named_in_apposition_and_no_rank_without_a_ranking(nlp):
    text = "Amazon Web Services lost the contract to its smaller rival, Google Cloud, last year."
    found = {frozenset((s, o)) for s, _, o in _relations(nlp, text, "competesWith")}
    assert frozenset(("Amazon Web Services", "Google Cloud")) in found
    text = "Twitter had fallen behind on its Amazon Web Services bills in March."
    assert _relations(nlp, text, "competesWith") == set()


@pytest.mark.parametrize(
    ("text", "org", "place"),
    [
        ("Seattle-based Amazon reported results on Thursday.", "Amazon", "Seattle"),
        ("Microsoft invested in G42, an artificial-intelligence company based in Abu Dhabi.", "G42", "Abu Dhabi"),
        ("Cisco, headquartered in San Jose, sells routers and software.", "Cisco", "San Jose"),
        (
            "Zoom reported strong demand. The San Jose, California-based company said its users doubled.",
            "Zoom",
            "San Jose",
        ),
        ("IBM agreed to buy HashiCorp, the San Francisco company behind Terraform.", "HashiCorp", "San Francisco"),
    ],
)
def test_headquartered_in(nlp, text, org, place):
    assert (org, "headquarteredIn", place) in _relations(nlp, text, "headquarteredIn")


def test_a_place_based_person_is_no_headquarters(nlp):
    text = "Laura Bennett is a Beijing-based reporter who covers smartphones."
    assert _relations(nlp, text, "headquarteredIn") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GEICO, the car insurer owned by Berkshire Hathaway, is leaving the cloud.", ("Berkshire Hathaway", "GEICO")),
        ("Amazon, the parent company of Prime Video, competes with Netflix.", ("Amazon", "Prime Video")),
        ("Nvidia, which owns a stake of about 6% in CoreWeave, supplies its chips.", ("Nvidia", "CoreWeave")),
        ("Microsoft paid $26 billion for LinkedIn, which it has owned since 2016.", ("Microsoft", "LinkedIn")),
    ],
)
def test_owns_from_syntax(nlp, text, expected):
    owner, owned = expected
    found = _relations(nlp, text)
    assert (owner, "owns", owned) in found or (owned, "parentOrganization", owner) in found


def test_cloud_arm_in_apposition_links_unit_to_parent(nlp):
    text = "Amazon Web Services, Amazon's cloud computing arm, said it would invest in India."
    assert ("Amazon Web Services", "parentOrganization", "Amazon") in _relations(nlp, text)
