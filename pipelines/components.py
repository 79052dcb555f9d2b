"""spaCy components cvkg adds to the model's pipeline."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("cvkg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so headlines and bullets never join the next line."""
    row_start: int | None = None  # a table row ('| Amazon | 40.8% |') is one sentence
    for token in doc[:-1]:
        if "\n" in token.text_with_ws and not token.is_space or token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
            row_start = token.i + 1 if doc[token.i + 1].text.startswith("|") else None
        elif row_start is not None and token.i > row_start:
            token.is_sent_start = False
    return doc


@Language.factory("cvkg_gazetteer", assigns=["doc.ents"])
def make_gazetteer_ruler(nlp: Language, name: str) -> GazetteerRuler:
    """Tag the gazetteer's names as entities, over the model's NER (fill it with `add_names`)."""
    return GazetteerRuler(nlp)


class GazetteerRuler:
    """An entity ruler over phrase matchers: one-word names match case-sensitively, longer names in any case.

    spaCy's EntityRuler with token patterns runs a Matcher over ~700 patterns and took a third of
    the parse time; two PhraseMatchers give the same entities (longest match first, then leftmost;
    overlapping model entities dropped) at a small fraction of it.
    """

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import PhraseMatcher

        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, tuple[str, str]] = {}

    def add_names(self, nlp: Language, names: list[tuple[str, str, str]]) -> None:
        """Add (surface form, spaCy label, entity id) rows."""
        for form, label, entity_id in names:
            tokens = nlp.make_doc(form)
            if not len(tokens):
                continue
            key = f"{label}|{entity_id}"
            self.labels[nlp.vocab.strings.add(key)] = (label, entity_id)
            (self.exact if len(tokens) == 1 else self.folded).add(key, [tokens])

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        matches = {(m, start, end) for m, start, end in [*self.exact(doc), *self.folded(doc)] if start != end}
        taken: set[int] = set()
        found = []
        for match_id, start, end in sorted(matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True):
            if start in taken or end - 1 in taken:
                continue
            label, entity_id = self.labels[match_id]
            found.append(Span(doc, start, end, label=label, span_id=entity_id))
            taken.update(range(start, end))
        if found:
            kept = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in found)]
            doc.ents = kept + found
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


def _title_case(sent: object) -> bool:
    """A headline in Title Case, where capitals say nothing about names."""
    words = [t for t in sent if t.is_alpha]  # type: ignore[attr-defined]
    return len(words) >= 4 and sum(t.is_title for t in words) >= 0.6 * len(words)


@Language.component("cvkg_org_names", requires=["token.pos"], assigns=["doc.ents"])
def org_names(doc: Doc) -> Doc:
    """Tag 'Fernhill Software', 'Calder Health Bank' as organisations when the NER missed or mislabelled them.

    A run of two to four proper nouns that ends in a word only organisations end in (ORG_HEADS) is a
    company name; names the gazetteer matched are never touched.
    """
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from pipelines.entities import ORG_HEADS

    found = []
    run: list[int] = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.is_title and not token.ent_id_:
            run.append(token.i)
            continue
        if 2 <= len(run) <= 4 and doc[run[-1]].lower_ in ORG_HEADS and not _title_case(doc[run[0]].sent):
            found.append(Span(doc, run[0], run[-1] + 1, label="ORG"))
        run = []
    for ent in doc.ents:  # "Bank Leumi": the model often tags only the second word
        before = doc[ent.start - 1] if ent.start else None
        if before is not None and not ent.ent_id_ and before.is_title and before.lower_ in _LEADING_ORG_WORDS:
            found.append(Span(doc, ent.start - 1, ent.end, label="ORG"))
    if found:
        kept = [e for e in doc.ents if e.ent_id_ or not any(e.start < f.end and f.start < e.end for f in found)]
        doc.ents = filter_spans([*kept, *found])
    return doc


_LEADING_ORG_WORDS = frozenset({"bank", "banco", "banca", "banque", "grupo", "groupe"})
