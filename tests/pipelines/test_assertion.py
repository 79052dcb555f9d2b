"""One assertion function (pipelines.extractors.assertion): negation, modality, conditions and plans, and their scope.

Every sentence here is invented, names included.
"""

from __future__ import annotations

import pytest

from graph.records import Article, Entity
from pipelines.entities import Resolver
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import Context
from pipelines.run import process


def _status(nlp, gazetteer, text: str, word: str, **options) -> str | None:
    """The assertion of the first token spelled `word` in the (one-sentence) `text`."""
    doc = nlp(text)
    ctx = Context(sent=next(doc.sents), mentions=[], resolver=Resolver(gazetteer), article=Article(text=text))
    return assertion(ctx, next(t for t in doc if t.text == word), **options)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Pellworth did not renew its hosting deal, but it signed a new one with a regional provider.", "signed"),
        ("Pellworth might drop its hosting deal, but it signed a new one with a regional provider.", "signed"),
        ("Pellworth would rather not talk about its old supplier, but it bought a rival last year.", "bought"),
        ("Pellworth will leave its old supplier but bought a rival last year.", "bought"),
        ("Pellworth never used the old platform, whereas Kestrow moved all its data to it.", "moved"),
        ("Pellworth did not expand in Europe, while its rival opened three offices there.", "opened"),
    ],
)
def test_a_verb_after_a_contrast_keeps_its_own_modality(nlp, gazetteer, text, word):
    assert _status(nlp, gazetteer, text, word) == ""


def test_the_first_conjunct_keeps_its_negation_and_the_second_does_not_take_it(nlp, gazetteer):
    text = "Pellworth did not renew its hosting deal, but it signed a new one with a regional provider."
    assert _status(nlp, gazetteer, text, "renew") is None
    later = "Pellworth signed with a regional provider but did not move its archive."
    assert _status(nlp, gazetteer, later, "signed") == ""
    assert _status(nlp, gazetteer, later, "move") is None


def test_after_a_plain_and_the_negation_still_scopes_unless_asked(nlp, gazetteer):
    text = "Pellworth did not renew its hosting deal and signed a new one with a regional provider."
    assert _status(nlp, gazetteer, text, "signed") is None
    assert _status(nlp, gazetteer, text, "signed", any_conjunct=True) == ""  # contracts read each conjunct alone


def test_a_condition_holds_for_the_whole_coordination(nlp, gazetteer):
    text = "If Pellworth does not renew its deal but signs with a rival, prices will fall."
    assert _status(nlp, gazetteer, text, "signs") is None
    assert _status(nlp, gazetteer, text, "signs", any_conjunct=True) is None


def test_a_reported_would_is_a_plan_where_the_caller_asks(nlp, gazetteer):
    said = "Pellworth said in a filing on Monday that it would build two sites in Ohio."
    assert _status(nlp, gazetteer, said, "build") == "Planned"
    disclosed = "Pellworth disclosed that it would build two sites in Ohio."
    assert _status(nlp, gazetteer, disclosed, "build") is None
    assert _status(nlp, gazetteer, disclosed, "build", reported_would=True) == "Planned"
    unsaid = "Pellworth did not say whether it would build two sites in Ohio."
    assert _status(nlp, gazetteer, unsaid, "build", reported_would=True) is None


def _events(nlp, text: str, kind: str):
    (result,) = process([Article(text=text, date="2024-05-10")], nlp)
    return [
        {role: sorted(v.label for v in values if isinstance(v, Entity)) for role, values in event.roles.items()}
        for event in result.events
        if event.type == kind
    ]


def test_a_takeover_after_a_denied_one_is_read(nlp):
    text = "Veltrano Logistics did not buy Brindle Software but acquired Corvane Systems for $40 million."
    (found,) = _events(nlp, text, "Acquisition")
    assert found["acquirer"] == ["Veltrano Logistics"] and found["target"] == ["Corvane Systems"]


def test_a_deal_under_a_condition_is_not_read_even_after_a_contrast(nlp):
    text = "If Veltrano Logistics does not renew with Oracle but signs a deal with Google Cloud, its costs will fall."
    assert _events(nlp, text, "Contract") == []
