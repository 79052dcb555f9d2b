"""spaCy components cvkg adds to the model's pipeline."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from pipelines.lexicon import word_class


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
        before = doc[max(token.i - 2, 0) : token.i].text.lower().replace(" ", "")
        if token.like_num and before.endswith(("no.", "no")) and not doc[token.i + 1].is_punct:
            doc[token.i + 1].is_sent_start = False  # "the No. 3 IaaS provider": a rank, not a sentence's end
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


@Language.factory("cvkg_attributes", assigns=["token.pos", "token.morph", "token.lemma"])
def make_fast_attribute_ruler(nlp: Language, name: str) -> FastAttributeRuler:
    """The model's attribute_ruler without its Matcher (fill it with `take_rules`)."""
    return FastAttributeRuler()


class FastAttributeRuler:
    """The model's attribute_ruler (tag → POS, morphology and lemma exceptions), applied without a Matcher.

    spaCy's AttributeRuler runs a Matcher over its ~180 patterns and cost as much as the parser;
    this applies the same patterns (same predicates, later rules winning) from a word and tag
    index. Built from the model's own ruler, so it follows the model; tests compare every
    token's tag, POS, morphology, lemma and dependency with the original pipeline.
    """

    _ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}

    def __init__(self) -> None:
        self.attrs: list[dict[int, int]] = []
        self.by_key: dict[tuple[int, object], list[tuple[int, list[list[tuple[int, str, object]]], int]]] = {}
        self.general: list[tuple[int, list[list[tuple[int, str, object]]], int]] = []
        self.cache: dict[tuple[str, str, str, bool], dict[int, int]] = {}

    def take_rules(self, ruler: object) -> None:
        """Use the patterns of a spaCy AttributeRuler."""
        self.attrs = list(ruler.attrs)  # type: ignore[attr-defined]
        for attr_id, pattern in enumerate(ruler.patterns):  # type: ignore[attr-defined]
            for alternative in pattern["patterns"]:
                specs = [self._compile(spec) for spec in alternative]
                rule = (attr_id, specs, pattern["index"])
                keys = self._keys(specs[0])
                for key in keys:
                    self.by_key.setdefault(key, []).append(rule)
                if not keys:
                    self.general.append(rule)

    def _compile(self, spec: dict[str, object]) -> list[tuple[int, str, object]]:
        tests = []
        for name, value in spec.items():
            if name not in self._ATTRS:
                raise ValueError(f"unsupported attribute_ruler attribute {name}")
            if isinstance(value, dict):
                ((kind, arg),) = value.items()
                arg = re.compile(arg) if kind == "REGEX" else frozenset(arg)  # type: ignore[arg-type]
                tests.append((self._ATTRS[name], kind, arg))
            else:
                tests.append((self._ATTRS[name], "==", value))
        return tests

    @staticmethod
    def _keys(tests: list[tuple[int, str, object]]) -> list[tuple[int, object]]:
        """Index keys of a token test: its tag or word when fixed (or one of a few), else none."""
        for attr in (0, 1):
            for index, kind, value in tests:
                if index == attr and kind == "==":
                    return [(attr, value)]
                if index == attr and kind == "IN":
                    return [(attr, v) for v in value]  # type: ignore[attr-defined]
        return []

    @staticmethod
    def _holds(tests: list[tuple[int, str, object]], token: tuple[str, str, str, bool]) -> bool:
        for index, kind, value in tests:
            actual = token[index]
            if kind == "==":
                if actual != value:
                    return False
            elif kind == "IN":
                if actual not in value:  # type: ignore[operator]
                    return False
            elif kind == "NOT_IN":
                if actual in value:  # type: ignore[operator]
                    return False
            elif kind == "REGEX":
                if not value.search(actual):  # type: ignore[attr-defined]
                    return False
            else:
                raise ValueError(f"unsupported attribute_ruler operator {kind}")
        return True

    def _single(self, token: tuple[str, str, str, bool]) -> list[int]:
        """Ids of the one-token rules that hold for a token, in order."""
        rules = [*self.by_key.get((0, token[0]), ()), *self.by_key.get((1, token[1]), ()), *self.general]
        return sorted({a for a, specs, _ in rules if len(specs) == 1 and self._holds(specs[0], token)})

    def _merged(self, attr_ids: list[int]) -> dict[int, int]:
        merged: dict[int, int] = {}
        for attr_id in attr_ids:
            merged.update(self.attrs[attr_id])  # a later rule wins, as in spaCy
        return merged

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs

        tokens = [(t.tag_, t.lower_, t.dep_, t.is_space) for t in doc]
        extra: dict[int, list[int]] = {}  # token -> ids of longer rules that set it
        for start in range(len(tokens)):
            token = tokens[start]
            keyed = [*self.by_key.get((0, token[0]), ()), *self.by_key.get((1, token[1]), ())]
            for attr_id, specs, index in [*keyed, *self.general]:
                end = start + len(specs)
                if len(specs) > 1 and end <= len(tokens):
                    if all(self._holds(t, tokens[start + k]) for k, t in enumerate(specs)):
                        extra.setdefault(range(start, end)[index], []).append(attr_id)
        for i, token in enumerate(tokens):
            merged = self.cache.get(token)
            if merged is None:
                if len(self.cache) > 100_000:  # keep memory flat on long ingests
                    self.cache.clear()
                merged = self.cache[token] = self._merged(self._single(token))
            if i in extra:
                merged = self._merged(sorted({*self._single(token), *extra[i]}))
            if merged:
                set_token_attrs(doc[i], merged)
        return doc


# registered on import, so docs parsed elsewhere and read back with `Doc.from_bytes` carry it too
if not Doc.has_extension("cvkg_descriptors"):
    Doc.set_extension("cvkg_descriptors", default=None)


@Language.factory("cvkg_descriptors", assigns=["doc._.cvkg_descriptors"])
def make_descriptor_matcher(nlp: Language, name: str) -> DescriptorMatcher:
    """Find descriptive nicknames of known companies ('the e-commerce giant', 'Big Blue')."""
    from ontology import load_descriptors

    return DescriptorMatcher(nlp, load_descriptors())


class DescriptorMatcher:
    """Marks descriptor phrases with the entity ids they may stand for (resolved later, per article)."""

    def __init__(self, nlp: Language, rows: list[tuple[str, str, str]]) -> None:
        from spacy.matcher import PhraseMatcher

        from pipelines.lexicon import word_class

        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.indefinite = word_class("indefinite_descriptor_words")
        self.candidates: dict[str, list[tuple[str, str]]] = {}
        for descriptor, entity_id, requires in rows:
            key = f"cvkg-desc-{descriptor}"
            if key not in self.candidates:
                self.matcher.add(key, [nlp.make_doc(descriptor)])
            self.candidates.setdefault(key, []).append((entity_id, requires))

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for match_id, start, end in self.matcher(doc):
            if _indefinite(doc, start, self.indefinite):
                continue  # "another cloud giant": some organisation other than the one named before
            key = doc.vocab.strings[match_id]
            found.append((start, end, tuple(self.candidates[key])))
        doc._.cvkg_descriptors = found
        return doc


def _indefinite(doc: Doc, start: int, words: frozenset[str]) -> bool:
    """Whether one of `words` just before a descriptor makes it indefinite ('another cloud giant', 'a big rival')."""
    for token in reversed(list(doc[max(start - 3, 0) : start])):
        if token.is_punct or token.pos_ in ("VERB", "AUX", "ADP"):
            return False
        if token.lower_ in words:
            return True
    return False


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


_LEADING_ORG_WORDS = word_class("leading_org_words")
