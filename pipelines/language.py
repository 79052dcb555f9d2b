"""A small, dependency-free check that an article is English (cvkg's spaCy model reads only English).

Two signals: the share of letters that are Latin (Chinese, Russian or Arabic text has few), and
the share of word tokens that are common English function words (English news has 30–45 %,
German, Spanish or French news under 10 %). Texts too short to judge are let through.
"""

from __future__ import annotations

import re
import unicodedata

from pipelines.lexicon import word_class

MIN_WORDS = 25  # below this the shares are noise: a headline-sized text is given the benefit of the doubt
MIN_LATIN_SHARE = 0.6
MIN_ENGLISH_SHARE = 0.12

ENGLISH = word_class("english_common_words")
# function words of a few other languages, only to name the language in the skip reason
OTHERS = {
    "German": word_class("german_function_words"),
    "Spanish": word_class("spanish_function_words"),
    "French": word_class("french_function_words"),
    "Portuguese": word_class("portuguese_function_words"),
    "Italian": word_class("italian_function_words"),
    "Dutch": word_class("dutch_function_words"),
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _script(char: str) -> str:
    """The script of a letter by its Unicode name: 'LATIN', 'CJK', 'CYRILLIC', 'ARABIC', …"""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def non_english_reason(text: str, *, sample: int = 20_000) -> str | None:
    """Why `text` does not look English ('not English (…)'), or None when it does or is too short to tell.

    Only the first `sample` characters are looked at, so the check costs the same on any article.
    """
    head = text[:sample]
    letters = [c for c in head if c.isalpha()]
    if not letters:
        return None
    latin = sum(1 for c in letters if c < "\u0250")  # Basic Latin up to IPA: all Western alphabets
    if latin / len(letters) < MIN_LATIN_SHARE:
        scripts: dict[str, int] = {}
        for char in letters:
            if char >= "\u0250":
                script = _script(char)
                scripts[script] = scripts.get(script, 0) + 1
        main = max(scripts, key=lambda s: scripts[s])
        name = main if len(main) <= 3 else main.title()  # CJK, but Cyrillic
        return f"not English ({name} script, {latin / len(letters):.0%} Latin letters)"
    words = [w.lower() for w in _WORD.findall(head)]
    if len(words) < MIN_WORDS:
        return None
    english = sum(1 for w in words if w in ENGLISH) / len(words)
    if english >= MIN_ENGLISH_SHARE:
        return None
    shares = {name: sum(1 for w in words if w in vocab) / len(words) for name, vocab in OTHERS.items()}
    best = max(shares, key=lambda n: shares[n])
    guess = f"looks {best}, " if shares[best] > english else ""
    return f"not English ({guess}{english:.0%} English function words)"
