"""Word classes, defined once in ``lexicon.json`` and named.

Each class is a key of the file: ``{"doc": "...", "words": [...]}``. Rules ask for a class by name::

    UNIT_NOUNS = word_class("unit_nouns")
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files


@cache
def load_lexicon() -> dict[str, frozenset[str]]:
    """Every word class in the packaged ``lexicon.json``, by name."""
    data = json.loads(files("pipelines").joinpath("lexicon.json").read_text(encoding="utf-8"))
    return {name: frozenset(entry["words"]) for name, entry in data.items()}


def word_class(name: str) -> frozenset[str]:
    """The words of the class ``name``; a name missing from ``lexicon.json`` raises ``KeyError``."""
    lexicon = load_lexicon()
    if name not in lexicon:
        raise KeyError(f"no word class {name!r} in pipelines/lexicon.json")
    return lexicon[name]
