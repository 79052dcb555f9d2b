"""Pure normalisers: money amounts, contract terms and percentages found in text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache, wraps

from graph.records import Amount

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a": 1,
    "an": 1,
}
SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "bln": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
    "trn": 10**12,
    "crore": 10**7,
    "lakh": 10**5,
}
# surface form -> ISO 4217; longest first so "US$" wins over "$"
CURRENCY_SYMBOLS = {
    "US$": "USD",
    "U.S.$": "USD",
    "USD": "USD",
    "$": "USD",
    "C$": "CAD",
    "A$": "AUD",
    "HK$": "HKD",
    "S$": "SGD",
    "€": "EUR",
    "EUR": "EUR",
    "£": "GBP",
    "GBP": "GBP",
    "¥": "JPY",
    "JPY": "JPY",
    "RMB": "CNY",
    "CNY": "CNY",
    "Rs": "INR",
    "Rs.": "INR",
    "INR": "INR",
    "₹": "INR",
    "CHF": "CHF",
}
CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "us dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "pound": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "yen": "JPY",
    "rupees": "INR",
    "rupee": "INR",
    "won": "KRW",
}
QUALIFIERS = {
    "approximately": "approximately",
    "about": "approximately",
    "around": "approximately",
    "roughly": "approximately",
    "some": "approximately",
    "an estimated": "approximately",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    "at least": "at least",
    "up to": "up to",
    "as much as": "up to",
    "less than": "less than",
    "under": "less than",
}
PERIODS = {
    "per year": "P1Y",
    "a year": "P1Y",
    "each year": "P1Y",
    "every year": "P1Y",
    "annually": "P1Y",
    "per annum": "P1Y",
    "a month": "P1M",
    "per month": "P1M",
    "each month": "P1M",
    "monthly": "P1M",
    "a quarter": "P3M",
    "per quarter": "P3M",
}

_SYM = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
_CURWORD = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
_QUAL = "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))
_PER = "|".join(re.escape(p) for p in sorted(PERIODS, key=len, reverse=True))

_PREFIXED = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?(?P<sym>{_SYM})\s?(?P<num>{_NUM})(?:\s?-?(?P<scale>{_SCALE})\b)?"
    rf"(?:\s+(?P<per>{_PER})\b(?!\s+ago))?",
    re.IGNORECASE,
)
_SUFFIXED = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?\b(?P<num>{_NUM}|{_WORDNUM})\s+(?P<scale>{_SCALE})\s+"
    rf"(?:(?:u\.?s\.?|american)\s+)?(?P<cur>{_CURWORD})\b(?:\s+(?P<per>{_PER})\b(?!\s+ago))?",
    re.IGNORECASE,
)
_TERM = re.compile(
    rf"\b(?P<n>\d+|{_WORDNUM})[- ](?P<unit>year|month)\b(?![- ]old)(?!\s+ago)"
    rf"|\b(?:over|for|across|spanning|lasting)\s+(?:the\s+next\s+|a\s+period\s+of\s+)?"
    rf"(?P<n2>\d+|{_WORDNUM})\s+(?P<unit2>year|month)s\b(?!\s+ago)",
    re.IGNORECASE,
)
_DECADE = re.compile(
    rf"\b(?:(?P<n>{_WORDNUM}|\d+)[- ]decade(?:[- ]long)?|decade[- ]long)\b"
    rf"|\b(?:over|for|across|spanning|lasting)\s+(?:the\s+next\s+)?(?P<n2>a|one|{_WORDNUM}|\d+)\s+decades?\b",
    re.IGNORECASE,
)
# a number starts after a non-digit: tried from each digit of a long run, the expression was quadratic
_PERCENT = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?(?<!\d)(?P<num>\d+(?:\.\d+)?)\s?(?:%|per ?cent\b|percent\b)", re.IGNORECASE
)


def remembered(find: Callable[..., list[Found]]) -> Callable[..., list[Found]]:
    """Cache a finder: the extractors ask about the same sentence many times (results are immutable)."""
    cached = lru_cache(maxsize=4096)(lambda *args, **kwargs: tuple(find(*args, **kwargs)))

    @wraps(find)
    def wrapper(*args: object, **kwargs: object) -> list[Found]:
        return list(cached(*args, **kwargs))

    return wrapper


@dataclass(frozen=True, slots=True)
class Found:
    """A normalised value and where it stands in the text."""

    start: int
    end: int
    value: Amount | Decimal | str


def plain_decimal(value: Decimal) -> Decimal:
    """The same number without exponent, so its text is a valid xsd:decimal ('800000000')."""
    text = format(value.normalize(), "f")
    return Decimal(text)


def _number(text: str) -> Decimal | None:
    text = text.lower().replace(",", "")
    if text in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[text])
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _amount(match: re.Match[str], currency: str) -> Amount | None:
    num = _number(match.group("num"))
    if num is None:
        return None
    scale = (match.group("scale") or "").lower()
    value = num * SCALES.get(scale, 1)
    qual = QUALIFIERS.get((match.group("qual") or "").lower(), "")
    per = PERIODS.get((match.group("per") or "").lower(), "")
    return Amount(value=plain_decimal(value), currency=currency, per=per, qualifier=qual)


@remembered
def find_amounts(text: str) -> list[Found]:
    """Money amounts in `text`, in order: '$2bn', 'US$750 million', 'RMB 16.7 billion', 'two billion dollars'."""
    found: list[Found] = []
    for match in _PREFIXED.finditer(text):
        sym = match.group("sym")
        currency = CURRENCY_SYMBOLS.get(sym) or CURRENCY_SYMBOLS.get(sym.upper(), "")
        # a bare "m"/"b" scale must not eat the next word ("$5 billion by", "$3 more")
        if currency and (amount := _amount(match, currency)) is not None:
            found.append(Found(match.start(), match.end(), amount))
    for match in _SUFFIXED.finditer(text):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        currency = CURRENCY_WORDS[match.group("cur").lower()]
        if (amount := _amount(match, currency)) is not None:
            found.append(Found(match.start(), match.end(), amount))
    return sorted(found, key=lambda f: f.start)


@remembered
def find_terms(text: str) -> list[Found]:
    """Contract lengths as xsd:duration: 'five-year' / 'over five years' -> 'P5Y'."""
    found = []
    for match in _TERM.finditer(text):
        word = (match.group("n") or match.group("n2")).lower()
        n = None if word in ("a", "an") else _number(word)
        unit = (match.group("unit") or match.group("unit2")).lower()
        if n is None or n <= 0 or n != n.to_integral():
            continue
        found.append(Found(match.start(), match.end(), f"P{int(n)}{'Y' if unit == 'year' else 'M'}"))
    for match in _DECADE.finditer(text):  # 'a decade-long pact', 'over two decades'
        word = (match.group("n") or match.group("n2") or "one").lower()
        n = Decimal(1) if word in ("a", "one") else _number(word)
        if n is not None and n > 0 and n == n.to_integral():
            found.append(Found(match.start(), match.end(), f"P{int(n) * 10}Y"))
    return sorted(found, key=lambda f: f.start)


@remembered
def find_percentages(text: str) -> list[Found]:
    """Percentages as fractions: '37%' / '37 per cent' -> Decimal('0.37')."""
    found = []
    for match in _PERCENT.finditer(text):
        value = plain_decimal(Decimal(match.group("num")) / 100)
        found.append(Found(match.start(), match.end(), value))
    return found
