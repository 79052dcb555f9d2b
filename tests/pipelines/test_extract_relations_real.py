"""Relations on the wording of real reporting: appositive HQ phrases, rivals in one family, former employers."""

from __future__ import annotations

from graph.records import Article
from pipelines.run import process


def _relations(nlp, text: str, prop: str | None = None) -> set[tuple[str, str, str]]:
    (result,) = process([Article(text=text)], nlp)
    found = {(r.subject.label, r.prop, r.object.label) for r in result.relations}
    return {f for f in found if prop is None or f[1] == prop}


def test_headquarters_of_an_apposition_is_the_named_company(nlp):
    text = "Datadog, a New York-based monitoring company that recently raised money from Sequoia, said strong sales."
    assert _relations(nlp, text, "headquarteredIn") == {("Datadog", "headquarteredIn", "New York")}


def test_no_headquarters_in_the_state_when_the_city_is_unknown(nlp):
    text = "IBM said it will buy Smallville, NC-based Red Hat for cash."
    assert ("Red Hat", "headquarteredIn", "NC") not in _relations(nlp, text, "headquarteredIn")


def test_a_unit_is_no_rival_of_its_parent_or_sibling(nlp):
    text = "Microsoft said GitHub competes with Azure and with rival Bitbucket."
    found = _relations(nlp, text, "competesWith")
    assert not any({s, o} & {"Microsoft", "Microsoft Azure"} for s, _, o in found)


def test_a_bare_title_does_not_go_to_a_former_employer(nlp):
    text = "Snowflake hired ex-Oracle engineer Maria Lopez to succeed the current CEO Daniel Park."
    found = _relations(nlp, text, "worksFor")
    assert ("Daniel Park", "worksFor", "Oracle") not in found


def test_possessive_organisation_on_a_person_is_the_employer(nlp):
    text = "Dropbox's Laura Bennett and Zoom's Eric Yuan said the two companies would work together."
    found = _relations(nlp, text, "worksFor")
    assert {("Laura Bennett", "worksFor", "Dropbox"), ("Eric Yuan", "worksFor", "Zoom")} <= found


def test_title_then_organisation_after_commas(nlp):
    text = "Subscriptions rose 30% in the quarter, said Laura Kim, chairman and CEO, Snowflake."
    assert ("Laura Kim", "worksFor", "Snowflake") in _relations(nlp, text, "worksFor")


def test_who_leads_a_described_company(nlp):
    text = (
        "Capital One said it would close its data centres. "
        "George Brown, who leads the bank's technology strategy, said the move was done."
    )
    assert ("George Brown", "worksFor", "Capital One") in _relations(nlp, text, "worksFor")


def test_a_title_standing_alone_goes_to_the_provider_the_article_is_about(nlp):
    text = (
        "Rackspace reported higher fourth-quarter revenue on Tuesday. Rackspace said demand for hosting grew. "
        "Margins will improve next year, said Karl Weber, chief financial officer."
    )
    assert ("Karl Weber", "worksFor", "Rackspace") in _relations(nlp, text, "worksFor")


def test_a_contest_between_several_companies_links_each_pair(nlp):
    text = "Analysts expect a fierce battle among Snowflake, Databricks and Oracle for data customers."
    found = {frozenset((s, o)) for s, _, o in _relations(nlp, text, "competesWith")}
    assert {frozenset(("Snowflake", "Databricks")), frozenset(("Databricks", "Oracle"))} <= found


def test_an_apposition_rival_to_a_company(nlp):
    text = "Investors put $500 million into Databricks, a rival to Snowflake, on Monday."
    found = {frozenset((s, o)) for s, _, o in _relations(nlp, text, "competesWith")}
    assert frozenset(("Databricks", "Snowflake")) in found


def test_a_competitor_to_a_parent_s_cloud_is_its_cloud_unit(nlp):
    text = "IBM said that IBM Cloud, its main competitor to Google's cloud, grew 20 percent."
    assert ("IBM Cloud", "competesWith", "Google Cloud") in _relations(nlp, text, "competesWith")


def test_taking_customers_from_a_company_is_rivalry(nlp):
    text = "Snowflake hopes to lure customers away from Oracle with lower prices."
    found = {frozenset((s, o)) for s, _, o in _relations(nlp, text, "competesWith")}
    assert frozenset(("Snowflake", "Oracle")) in found


def test_a_cloud_unit_s_rivals_are_the_other_cloud_units(nlp):
    text = "Analysts said IBM Cloud is not big enough to win clients from Amazon and Google."
    found = {frozenset((s, o)) for s, _, o in _relations(nlp, text, "competesWith")}
    assert {frozenset(("IBM Cloud", "Amazon Web Services")), frozenset(("IBM Cloud", "Google Cloud"))} <= found


def test_headquarters_in_a_place(nlp):
    text = (
        "Datadog said on Monday it would hire more engineers. "
        "Datadog runs its security arm out of its present headquarters in New York."
    )
    assert ("Datadog", "headquarteredIn", "New York") in _relations(nlp, text, "headquarteredIn")
    text = "Visitors walked past Tencent's headquarters in Shenzhen on Monday."
    assert _relations(nlp, text, "headquarteredIn") == {("Tencent", "headquarteredIn", "Shenzhen")}


def test_a_second_headquarters_is_not_the_seat(nlp):
    text = "Amazon is building its second headquarters in Arlington."
    assert not _relations(nlp, text, "headquarteredIn")
