"""spaCy components cvkg adds to the model's pipeline."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("cvkg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so headlines and bullets never join the next line."""
    for token in doc[:-1]:
        if "\n" in token.text_with_ws and not token.is_space or token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("cvkg_descriptors", assigns=["doc._.cvkg_descriptors"])
def make_descriptor_matcher(nlp: Language, name: str) -> DescriptorMatcher:
    """Find descriptive nicknames of known companies ('the e-commerce giant', 'Big Blue')."""
    from ontology import load_descriptors

    return DescriptorMatcher(nlp, load_descriptors())


class DescriptorMatcher:
    """Marks descriptor phrases with the entity ids they may stand for (resolved later, per article)."""

    def __init__(self, nlp: Language, rows: list[tuple[str, str, str]]) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.candidates: dict[str, list[tuple[str, str]]] = {}
        for descriptor, entity_id, requires in rows:
            key = f"cvkg-desc-{descriptor}"
            if key not in self.candidates:
                self.matcher.add(key, [nlp.make_doc(descriptor)])
            self.candidates.setdefault(key, []).append((entity_id, requires))
        if not Doc.has_extension("cvkg_descriptors"):
            Doc.set_extension("cvkg_descriptors", default=None)

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            found.append((start, end, tuple(self.candidates[key])))
        doc._.cvkg_descriptors = found
        return doc
