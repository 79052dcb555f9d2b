"""The ontology data files agree with the contract, with `CVKG`, and with themselves."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

# XSD stays behind its module: pytest probes module globals, and XSD warns on unknown names.
import rdflib.namespace as rdfns
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH

from ontology import (
    CVKG,
    DOC,
    ENT,
    EVT,
    SCHEMA,
    GazetteerEntry,
    load_descriptors,
    load_gazetteer,
    load_ontology,
    load_shapes,
)
from ontology.gazetteer import ENTITY_CLASSES, GAZETTEER_PATH

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EVENTS_MD = SHARED / "spec" / "EVENTS.md"
NS = str(CVKG._NS)
SHAPES_NS = "https://w3id.org/cvkg/shapes#"
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
MAJOR_PROVIDERS = (
    "amazon-web-services",
    "microsoft-azure",
    "google-cloud",
    "alibaba-cloud",
    "oracle-cloud",
    "ibm-cloud",
    "tencent-cloud",
    "huawei-cloud",
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_TERM = re.compile(r"\bCVKG\.([A-Za-z][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def terms(ontology: Graph) -> set[str]:
    """Local names of every cvkg: subject of cvkg.ttl."""
    return {str(s)[len(NS) :] for s in set(ontology.subjects()) if isinstance(s, URIRef) and str(s).startswith(NS)}


@pytest.fixture(scope="module")
def gazetteer() -> dict[str, GazetteerEntry]:
    return load_gazetteer()


# ---------------------------------------------------------------------------
# cvkg.ttl against the contract and against CVKG
# ---------------------------------------------------------------------------


def test_every_term_of_events_md_is_defined(terms: set[str]) -> None:
    if not EVENTS_MD.exists():
        pytest.skip(f"../shared (the project contract) is absent: {EVENTS_MD} not found")
    text = EVENTS_MD.read_text(encoding="utf-8")
    used = set(re.findall(r"\bcvkg:([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used, f"no cvkg: terms found in {EVENTS_MD}"
    missing = sorted(used - terms)
    assert not missing, f"terms of spec/EVENTS.md not defined in ontology/cvkg.ttl: {missing}"


def test_every_declared_term_is_in_the_ontology(terms: set[str]) -> None:
    # a misspelt line in ontology/namespace.py fails here
    declared = set(CVKG.__annotations__) | set(getattr(CVKG, "_extras", ()))
    assert declared <= terms, f"declared on CVKG but not in cvkg.ttl: {sorted(declared - terms)}"


def test_every_term_the_code_names_is_declared() -> None:
    # CVKG.<name> in the product code names a term; a term reached only through the registry needs no line
    named: dict[str, set[str]] = defaultdict(set)
    for package in ("ontology", "graph", "pipelines"):
        for path in (ROOT / package).rglob("*.py"):
            for name in CODE_TERM.findall(path.read_text(encoding="utf-8")):
                named[name].add(str(path.relative_to(ROOT)))
    assert {"Company", "customer", "evidence"} <= set(named)
    undeclared = {name: sorted(paths) for name, paths in named.items() if name not in CVKG.__annotations__}
    assert not undeclared, f"add these terms to ontology/namespace.py: {undeclared}"


def test_namespace_rejects_unknown_terms() -> None:
    assert CVKG.Migration == URIRef(NS + "Migration")
    with pytest.raises(AttributeError):
        CVKG.NoSuchTerm  # noqa: B018 - the attribute access is the test
    with pytest.raises(AttributeError):
        CVKG["NoSuchTerm"]
    assert "NoSuchTerm" not in CVKG


def test_namespace_resolves_an_undeclared_term_of_the_ontology(monkeypatch: pytest.MonkeyPatch) -> None:
    import ontology.namespace

    assert "zzUndeclaredTerm" not in CVKG.__annotations__
    monkeypatch.setattr(ontology.namespace, "ontology_terms", lambda: frozenset({"zzUndeclaredTerm"}))
    assert "zzUndeclaredTerm" in CVKG
    assert CVKG["zzUndeclaredTerm"] == URIRef(NS + "zzUndeclaredTerm")


def test_ontology_terms_are_the_subjects_of_cvkg_ttl(terms: set[str]) -> None:
    from ontology.namespace import ontology_terms

    assert ontology_terms() == terms


def test_every_term_has_label_and_comment(ontology: Graph, terms: set[str]) -> None:
    no_label = sorted(t for t in terms if ontology.value(URIRef(NS + t), RDFS.label) is None)
    no_comment = sorted(t for t in terms if ontology.value(URIRef(NS + t), RDFS.comment) is None)
    assert not no_label, f"terms without rdfs:label: {no_label}"
    assert not no_comment, f"terms without rdfs:comment: {no_comment}"


def test_every_property_has_domain_and_range(ontology: Graph) -> None:
    properties = {s for kind in PROPERTY_TYPES for s in ontology.subjects(RDF.type, kind) if str(s).startswith(NS)}
    assert {CVKG.customer, CVKG.evidence, CVKG.market} <= properties
    no_domain = sorted(str(p) for p in properties if ontology.value(p, RDFS.domain) is None)
    no_range = sorted(str(p) for p in properties if ontology.value(p, RDFS.range) is None)
    assert not no_domain, f"properties without rdfs:domain: {no_domain}"
    assert not no_range, f"properties without rdfs:range: {no_range}"


def test_event_classes_are_subclasses_of_event(ontology: Graph) -> None:
    events = set(ontology.subjects(RDFS.subClassOf, CVKG.Event))
    assert {CVKG.Migration, CVKG.Contract, CVKG.FinancialResult, CVKG.UserMetric} <= events
    assert (CVKG.Reported, RDF.type, CVKG.EventStatus) in ontology


# ---------------------------------------------------------------------------
# shapes.ttl
# ---------------------------------------------------------------------------


def _migration(*, with_customer: bool) -> Graph:
    """A Migration as the graph builder would write it, optionally without its customer."""
    graph = Graph()
    event, amount = EVT["migration-1"], BNode()
    evidence = "Blue Heron Logistics moved from Oracle Cloud to Microsoft Azure."
    graph.add((event, RDF.type, CVKG.Migration))
    graph.add((event, PROV.wasDerivedFrom, DOC["article-1"]))
    graph.add((event, CVKG.evidence, Literal(evidence)))
    graph.add((event, CVKG.confidence, Literal(Decimal("0.9"))))
    graph.add((event, CVKG.date, Literal("2023-06-01", datatype=rdfns.XSD.date)))
    graph.add((event, CVKG.status, CVKG.Completed))
    graph.add((event, CVKG.fromProvider, ENT["oracle-cloud"]))
    graph.add((event, CVKG.toProvider, ENT["microsoft-azure"]))
    graph.add((event, CVKG.value, amount))
    graph.add((amount, RDF.type, SCHEMA.MonetaryAmount))
    graph.add((amount, SCHEMA.value, Literal(Decimal("800000000"))))
    graph.add((amount, SCHEMA.currency, Literal("USD")))
    graph.add((amount, CVKG.per, Literal("P1Y", datatype=rdfns.XSD.duration)))
    if with_customer:
        graph.add((event, CVKG.customer, ENT["blue-heron-logistics"]))
    return graph


def test_shapes_parse() -> None:
    shapes = load_shapes()
    assert (URIRef(SHAPES_NS + "MigrationShape"), SH.targetClass, CVKG.Migration) in shapes
    assert (URIRef(SHAPES_NS + "ContractShape"), SH.targetClass, CVKG.Contract) in shapes


def test_valid_migration_conforms() -> None:
    from pyshacl import validate

    data = _migration(with_customer=True)
    conforms, _, text = validate(data, shacl_graph=load_shapes(), inference="none")
    assert conforms, text


def test_migration_without_customer_does_not_conform() -> None:
    from pyshacl import validate

    data = _migration(with_customer=False)
    conforms, report, text = validate(data, shacl_graph=load_shapes(), inference="none")
    assert not conforms
    results = set(report.subjects(RDF.type, SH.ValidationResult))
    assert {report.value(r, SH.focusNode) for r in results} == {EVT["migration-1"]}, text
    assert {report.value(r, SH.resultPath) for r in results} == {CVKG.customer}, text


# ---------------------------------------------------------------------------
# gazetteer.csv and descriptors.csv
# ---------------------------------------------------------------------------


def test_gazetteer_ids_are_unique_slugs() -> None:
    # Read the raw rows: load_gazetteer() returns a dict, which would hide duplicates.
    with open(GAZETTEER_PATH, encoding="utf-8", newline="") as handle:
        ids = [row["id"].strip() for row in csv.DictReader(handle)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate gazetteer ids: {duplicates}"
    bad = sorted(i for i in ids if not SLUG.fullmatch(i))
    assert not bad, f"gazetteer ids that are not lowercase slugs: {bad}"


def test_gazetteer_classes_and_parents_are_valid(gazetteer: dict[str, GazetteerEntry]) -> None:
    bad_class = sorted((e.id, e.cls) for e in gazetteer.values() if e.cls not in ENTITY_CLASSES)
    assert not bad_class, f"unknown classes: {bad_class}"
    orphans = sorted((e.id, e.parent) for e in gazetteer.values() if e.parent and e.parent not in gazetteer)
    assert not orphans, f"parents that are not gazetteer ids: {orphans}"
    unlabelled = sorted(e.id for e in gazetteer.values() if not e.label)
    assert not unlabelled, f"entries without a label: {unlabelled}"


@pytest.mark.parametrize("entity_id", MAJOR_PROVIDERS)
def test_major_provider_is_a_cloud_provider_with_a_parent(gazetteer: dict[str, GazetteerEntry], entity_id: str) -> None:
    entry = gazetteer[entity_id]
    assert entry.cls == "CloudProvider"
    assert entry.parent, f"{entity_id} has no parent company"
    assert entry.parent in gazetteer


@pytest.mark.parametrize(("cls", "minimum"), [("Company", 50), ("ResearchFirm", 3), ("MediaOutlet", 3), ("Place", 20)])
def test_gazetteer_covers_each_class(gazetteer: dict[str, GazetteerEntry], cls: str, minimum: int) -> None:
    count = sum(1 for e in gazetteer.values() if e.cls == cls)
    assert count >= minimum, f"only {count} {cls} rows; expected at least {minimum}"


def test_no_alt_label_is_shared_by_two_entries(gazetteer: dict[str, GazetteerEntry]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in gazetteer.values():
        for name in (entry.label, *entry.alt_labels):
            owners[name.casefold()].add(entry.id)
    shared = {
        alt: sorted(owners[alt.casefold()])
        for entry in gazetteer.values()
        for alt in entry.alt_labels
        if len(owners[alt.casefold()]) > 1
    }
    assert not shared, f"alt labels naming more than one entry: {shared}"


def test_descriptor_entity_ids_exist(gazetteer: dict[str, GazetteerEntry]) -> None:
    descriptors = load_descriptors()
    assert descriptors, "descriptors.csv is empty or missing"
    unknown = sorted(
        {entity for _, entity, _ in descriptors if entity not in gazetteer}
        | {needed for _, _, needed in descriptors if needed and needed not in gazetteer}
    )
    assert not unknown, f"descriptor entity ids not in the gazetteer: {unknown}"
    assert all(descriptor for descriptor, _, _ in descriptors), "a descriptor is blank"
