"""The cvkg ontology as an rdflib namespace: one attribute per term the code names.

`CVKG` declares every term that Python code names (`CVKG.customer`), and only
terms of `ontology/cvkg.ttl`. A term that code reaches only by name from the
event-type registry (a role of a new event class: `CVKG[role]`) needs no line
here: a name `CVKG` does not declare is looked up among the `cvkg:` subjects of
`cvkg.ttl`, parsed once on the first such lookup, so a name that is in neither
still raises `AttributeError`. Meta-tests keep every declared name in
`cvkg.ttl` and every `CVKG.<name>` of ontology/, graph/ and pipelines/ declared.
"""

# The attribute names are the ontology's local names, so camelCase properties stay camelCase.
# ruff: noqa: N815

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta, Namespace
from rdflib.term import URIRef

_CVKG_TTL = Path(__file__).resolve().with_name("cvkg.ttl")


@cache
def ontology_terms() -> frozenset[str]:
    """Local names of the `cvkg:` subjects of `cvkg.ttl` (parsed on the first call)."""
    ns = str(CVKG._NS)
    graph = Graph().parse(_CVKG_TTL, format="turtle")
    return frozenset(str(s)[len(ns) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ns))


class _OntologyNamespace(DefinedNamespaceMeta):
    """A `DefinedNamespace` whose members are its declared terms plus the terms of `cvkg.ttl`."""

    def __contains__(cls, item: str) -> bool:  # noqa: N805 - a metaclass method receives the class
        if super().__contains__(item):
            return True
        name = str(item).removeprefix(str(cls._NS))
        # names with an underscore are Python's and tools' probes (`_repr_html_`), never terms
        return not name.startswith("_") and name in ontology_terms()


class CVKG(DefinedNamespace, metaclass=_OntologyNamespace):
    """Terms of the cvkg ontology (spec/EVENTS.md); names that are not terms of `cvkg.ttl` raise `AttributeError`."""

    _NS = Namespace("https://w3id.org/cvkg/ontology#")
    _fail = True

    # owl:Class
    CloudProvider: URIRef  # A cloud platform business, such as Amazon Web Services.
    Company: URIRef  # Any other company, such as a customer or a parent company.
    Product: URIRef  # An app or service, such as TikTok.
    MediaOutlet: URIRef  # A publisher or news agency, such as Caixin or Reuters.
    ResearchFirm: URIRef  # A market analyst firm, such as IDC, Gartner or Canalys.
    GovernmentBody: URIRef  # A public body, such as the U.S. Department of Defense.
    Event: URIRef  # A cloud-market fact read from news; abstract superclass of the events.
    Migration: URIRef  # A customer moving workloads between clouds or its own data centres.
    Contract: URIRef  # A customer buying from a provider: a deal, award or stated relationship.
    FinancialResult: URIRef  # An organisation's revenue and growth for a period.
    MarketShare: URIRef  # An organisation's share of, or rank in, a cloud market.
    DataCenter: URIRef  # An organisation operating or opening data centres in a place.
    MarketEntry: URIRef  # An organisation entering the market of a place.
    Acquisition: URIRef  # An acquirer buying a target.
    Investment: URIRef  # An investor putting money into an investee.
    Partnership: URIRef  # Two or more companies named as partners.
    UserMetric: URIRef  # A count, such as monthly active users, for an organisation or product.
    EventStatus: URIRef  # How far an event had got: announced, planned, completed or reported.

    # owl:ObjectProperty
    status: URIRef  # How far an event had got: one of the cvkg:EventStatus individuals.
    reportedBy: URIRef  # The outlet or person an article credits as the source of an event.
    customer: URIRef  # The organisation that moves workloads or buys cloud services.
    workload: URIRef  # The product whose workloads a migration moves.
    fromProvider: URIRef  # A provider a migration moves away from.
    toProvider: URIRef  # A provider a migration moves to.
    value: URIRef  # The money a migration, contract, acquisition or investment is worth.
    provider: URIRef  # The cloud provider a contract's customer buys from.
    organization: URIRef  # The organisation a result, share, data centre or market entry is about.
    revenue: URIRef  # Revenue for the period, one amount per currency the text states.
    accordingTo: URIRef  # The research firm a market share figure comes from.
    location: URIRef  # The place of a data centre or of a market entry.
    acquirer: URIRef  # The organisation that buys in an acquisition.
    target: URIRef  # The organisation that is bought in an acquisition.
    investor: URIRef  # The organisation that puts money in, in an investment.
    investee: URIRef  # The organisation that receives money in an investment.
    partner: URIRef  # A company named as a partner; a partnership has two or more.
    subject: URIRef  # The organisation or product a user metric counts for.
    movedFrom: URIRef  # A customer moved workloads away from this provider (from a cvkg:Migration).
    movedTo: URIRef  # A customer moved workloads to this provider (from a cvkg:Migration).
    customerOf: URIRef  # An organisation buys from this provider (from a cvkg:Contract).
    acquired: URIRef  # An organisation bought this one (from a cvkg:Acquisition).
    investedIn: URIRef  # An organisation put money into this one (from a cvkg:Investment).
    partnerOf: URIRef  # Two organisations are partners (from a cvkg:Partnership).
    operatesIn: URIRef  # An organisation runs data centres in this place (from a cvkg:DataCenter).
    owns: URIRef  # An organisation owns this organisation or product, as ByteDance owns TikTok.
    competesWith: URIRef  # Two organisations compete; symmetric.
    headquarteredIn: URIRef  # An organisation has its headquarters in this place.

    # owl:DatatypeProperty
    evidence: URIRef  # The sentence or sentences an event was read from.
    evidenceStart: URIRef  # Where the evidence begins in the article's text: a character offset from 0.
    evidenceEnd: URIRef  # Where the evidence ends in the article's text: the offset after its last character.
    nameKey: URIRef  # A name of the entity (label or alias) in lower case, the key names are looked up by.
    confidence: URIRef  # The extractor's confidence in an event, a decimal from 0 to 1.
    date: URIRef  # When an event happened or was announced: xsd:date, gYearMonth or gYear.
    qualifier: URIRef  # A hedge on a figure, such as "approximately", "more than" or "up to".
    per: URIRef  # How often an amount recurs, as an xsd:duration: "P1Y" for per year.
    term: URIRef  # The length of a contract, as an xsd:duration such as "P5Y".
    period: URIRef  # The period a figure is for, as a string such as 2021, 2021-Q1 or FY2024-Q2.
    calendarPeriod: URIRef  # The calendar quarter a fiscal period covers, from the company's fiscal calendar.
    evidencePeriod: URIRef  # The one period the evidence sentence of an undated event names.
    growthRate: URIRef  # Revenue growth as a fraction: 0.37 for 37%.
    segment: URIRef  # A market's product segment, lowercase: "cloud infrastructure services".
    share: URIRef  # A market share as a fraction: 0.40 for 40%.
    rank: URIRef  # An organisation's position in a market, 1 for the largest.
    count: URIRef  # How many data centres an organisation operates or opens in a place.
    metric: URIRef  # What a user metric counts, lowercase: "monthly active users".
    quantity: URIRef  # The number a user metric states, as a full decimal.

    # rdf:Property
    market: URIRef  # The geographic market of a share: a schema:Place, or the string "global".

    # owl:NamedIndividual
    Announced: URIRef  # The event was officially announced by a party to it.
    Planned: URIRef  # The event is intended or expected but has not happened yet.
    Completed: URIRef  # The event has happened or been closed.
    Reported: URIRef  # The event is reported by others (sources, media) without confirmation.
