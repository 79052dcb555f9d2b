"""The one reference resolver (pipelines/extractors/reference.py): which earlier organisation a reference takes.

Names here are invented, except the cloud providers of the gazetteer.
"""

from __future__ import annotations

from graph.records import Article, Entity
from pipelines.entities import Resolver
from pipelines.extractors.common import Context
from pipelines.extractors.reference import latest

ACME = Entity(id="acme-freight", label="Acme Freight", cls="Company")
BRINDLE = Entity(id="brindle-labs", label="Brindle Labs", cls="Company")
AWS = Entity(id="amazon-web-services", label="Amazon Web Services", cls="CloudProvider")
ANALYST = Entity(id="quillmark-research", label="Quillmark Research", cls="ResearchFirm")


def _ctx(nlp, gazetteer) -> Context:
    doc = nlp("It grew.")
    return Context(sent=next(doc.sents), mentions=[], resolver=Resolver(gazetteer), article=Article(text="It grew."))


def test_the_newest_candidate_of_the_classes_wins(nlp, gazetteer):
    ctx = _ctx(nlp, gazetteer)
    named = [ACME, BRINDLE, ANALYST]
    assert latest(ctx, named, classes=("Company",)) == BRINDLE
    assert latest(ctx, named, classes=("Company",), exclude={BRINDLE}) == ACME
    assert latest(ctx, named, classes=("Company",), exclude={"brindle-labs"}) == ACME
    assert latest(ctx, named, classes=("GovernmentBody",)) is None


def test_providers_can_be_required_or_refused(nlp, gazetteer):
    ctx = _ctx(nlp, gazetteer)
    classes = ("Company", "CloudProvider")
    assert latest(ctx, [AWS, ACME], classes=classes, providers=True) == AWS
    assert latest(ctx, [ACME, AWS], classes=classes, providers=False) == ACME
    # only the newest may be taken: an older provider is no antecedent of 'it' after a company
    assert latest(ctx, [AWS, ACME], classes=classes, providers=True, nearest_only=True) is None
    assert latest(ctx, [ACME, AWS], classes=classes, providers=True, nearest_only=True) == AWS
