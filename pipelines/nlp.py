"""Load the spaCy model and put the gazetteer in front of its NER."""

from __future__ import annotations

import importlib.util
import logging
from typing import TYPE_CHECKING

from ontology import GazetteerEntry, load_gazetteer
from pipelines.config import DEFAULT_MODELS, MODEL_PACKAGE
from pipelines.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

# gazetteer class -> spaCy entity label
SPACY_LABELS = {"Person": "PERSON", "Place": "GPE", "Product": "PRODUCT"}
# pipes of the model cvkg never runs: the disabled sentence recogniser (the parser sets sentences).
# Every other pipe is read: tags, POS (attribute_ruler), lemmas, the parse and NER.
UNUSED_PIPES: tuple[str, ...] = ("senter",)


def resolve_model_name(model: str = "") -> str:
    """The model to load: `model` when given, else the official small English model, else the PyPI re-upload.

    Raises:
        ModelError: no model is installed.
    """
    candidates = (model,) if model else DEFAULT_MODELS
    for name in candidates:
        if importlib.util.find_spec(name) is not None:
            return name
    if model:
        raise ModelError(f"spaCy model {model!r} is not installed; pip install it or drop --model")
    raise ModelError(f"no spaCy English model is installed; run: pip install {MODEL_PACKAGE}")


def surface_forms(entry: GazetteerEntry) -> list[str]:
    """Every name of an entry that may stand in text."""
    return list(dict.fromkeys([entry.label, *entry.alt_labels]))


def gazetteer_names(entries: dict[str, GazetteerEntry]) -> list[tuple[str, str, str]]:
    """(surface form, spaCy label, entity id) of every name the gazetteer knows."""
    return [(form, SPACY_LABELS.get(e.cls, "ORG"), e.id) for e in entries.values() for form in surface_forms(e)]


def build_nlp(model: str = "", *, gazetteer: dict[str, GazetteerEntry] | None = None) -> Language:
    """Load the model once and add the gazetteer ruler before its NER (so it overrides it)."""
    import spacy

    import pipelines.components  # noqa: F401  registers cvkg's spaCy components

    name = resolve_model_name(model)
    nlp = spacy.load(name, exclude=[p for p in UNUSED_PIPES])
    if "attribute_ruler" in nlp.pipe_names:  # the same rules, a fraction of the time
        fast = nlp.add_pipe("cvkg_attributes", after="attribute_ruler")
        fast.take_rules(nlp.get_pipe("attribute_ruler"))  # type: ignore[attr-defined]
        nlp.remove_pipe("attribute_ruler")
    entries = gazetteer if gazetteer is not None else load_gazetteer()
    ruler = nlp.add_pipe("cvkg_gazetteer", before="ner" if "ner" in nlp.pipe_names else None)
    ruler.add_names(nlp, gazetteer_names(entries))  # type: ignore[attr-defined]
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("cvkg_line_breaks", before="parser")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("cvkg_org_names", after="ner")
    nlp.add_pipe("cvkg_descriptors", last=True)
    logger.info("loaded %s with %d gazetteer entries", name, len(entries))
    return nlp
