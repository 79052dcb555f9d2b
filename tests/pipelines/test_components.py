"""cvkg's faster stand-ins for spaCy components give exactly what the originals give (real model)."""

from __future__ import annotations

import pytest
from support import DATA, SAMPLES

TRICKY = (
    "I ain't gonna say it, y'all. Let's see: there is nothing we'd do. It's been done, hasn't it? "
    "They'd had enough; you're here and he's gotta go. But I can't, won't and shan't. That is what those do."
)


@pytest.fixture(scope="module")
def reference(gazetteer):
    """cvkg's pipeline with spaCy's own AttributeRuler (Matcher-based) in place of cvkg_attributes."""
    import spacy

    from pipelines.nlp import build_nlp, resolve_model_name

    nlp = build_nlp(gazetteer=gazetteer)
    nlp.add_pipe("attribute_ruler", source=spacy.load(resolve_model_name()), after="cvkg_attributes")
    nlp.remove_pipe("cvkg_attributes")
    return nlp


def _texts() -> list[str]:
    from pipelines.ingest import Skipped, read_articles

    articles = read_articles([SAMPLES, DATA / "heldout", DATA / "heldout-c"])
    return [a.text for a in articles if not isinstance(a, Skipped)] + [TRICKY]


def _annotations(token: object) -> tuple[str, ...]:
    return (token.tag_, token.pos_, str(token.morph), token.lemma_, token.dep_)  # type: ignore[attr-defined]


@pytest.mark.slow  # both pipelines over >10,000 tokens
def test_fast_attribute_ruler_gives_the_same_annotations_as_spacys(nlp, reference):
    assert "cvkg_attributes" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    texts = _texts()
    tokens = differ = 0
    for ours, theirs in zip(nlp.pipe(texts), reference.pipe(texts), strict=True):
        for a, b in zip(ours, theirs, strict=True):
            tokens += 1
            differ += (a.tag_, a.pos_, str(a.morph), a.lemma_, a.dep_) != (
                b.tag_,
                b.pos_,
                str(b.morph),
                b.lemma_,
                b.dep_,
            )
    assert tokens > 10_000
    assert differ == 0


def test_fast_attribute_ruler_applies_the_exceptions(nlp):
    doc = nlp(TRICKY)
    by_text = {t.text.lower(): t for t in doc}
    assert by_text["ai"].lemma_ == "be"  # a two-token rule: "ai" + "n't"
    assert by_text["gon"].lemma_ == "go" and by_text["na"].lemma_ == "to"  # a rule setting its second token
    assert by_text["'d"].pos_ == "AUX"
    assert by_text["n't"].lemma_ == "not" and by_text["n't"].pos_ == "PART"


@pytest.mark.parametrize(
    ("text", "span", "entity_id"),
    [
        ("The bank moved to amazon web services last year.", "amazon web services", "amazon-web-services"),
        ("Shares of Snap rose after it signed with Google Cloud Platform.", "Snap", "snap"),
        ("Shares of Snap rose after it signed with Google Cloud Platform.", "Google Cloud Platform", "google-cloud"),
    ],
)
def test_gazetteer_names_win_over_the_model(nlp, gazetteer, text, span, entity_id):
    if entity_id not in gazetteer:
        pytest.skip(f"{entity_id} is not in the gazetteer")
    ents = {e.text: e.ent_id_ for e in nlp(text).ents}
    assert ents.get(span) == entity_id


def test_one_word_names_match_case_sensitively(nlp):
    ents = nlp("Ask the oracle, then snap a photo for Oracle.").ents
    assert [e.text for e in ents if e.ent_id_ == "oracle"] == ["Oracle"]
    assert not any(e.ent_id_ == "snap" for e in ents)
