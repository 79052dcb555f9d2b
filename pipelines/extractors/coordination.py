"""Coordination: conjunct lists ('A, B and C', 'A as well as B') and 'respectively' pairing of names to values."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, TypeVar

from pipelines.extractors.common import span_lowers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

N = TypeVar("N")
V = TypeVar("V")
# what may stand between two members of a list: 'A, B and C', 'A as well as B', 'A & B'
_SEPARATOR = re.compile(r"^\s*(?:,\s*)?(?:(?:and|or|&|plus|as well as)\s*)?$", re.IGNORECASE)


def conjuncts(token: Token) -> list[Token]:
    """The heads of the list the token is a member of, in text order ('A, B and C', 'A as well as B': A, B, C).

    The parser hangs every later member from the first as a `conj` (a chain of them for long lists).
    """
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    found, todo = [], [first]
    while todo:
        member = todo.pop()
        found.append(member)
        todo.extend(c for c in member.children if c.dep_ == "conj")
    return sorted(found, key=lambda t: t.i)


def listed(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Runs of names (token spans, in text order) written as one list, by what stands between them.

    The parser often misses the first member of 'Oracle, IBM and SAP' (an interjection) or a member after
    'as well as'; the words between the names say it. Returns each run of two or more as indexes into `spans`.
    """
    runs: list[list[int]] = []
    for k, (start, _) in enumerate(spans):
        gap = doc[spans[k - 1][1] : start].text if k else None
        if gap is not None and _SEPARATOR.match(gap) and runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return [run for run in runs if len(run) > 1]


def says_respectively(sent: Span) -> bool:
    """Whether the sentence pairs its lists in order ('… 33%, 20% and 10%, respectively')."""
    return "respectively" in span_lowers(sent)


def pair_respectively(
    names: Sequence[N], values: Sequence[V], *, key: Callable[[N], Hashable] | None = None
) -> list[tuple[N, V]]:
    """The n-th value for the n-th name; none when the counts differ, there are fewer than two, or a name repeats.

    `key` says when two names are the same one (an entity's id).
    """
    keys = [key(n) if key is not None else n for n in names]
    if len(names) != len(values) or len(names) < 2 or len(set(keys)) != len(keys):
        return []
    return list(zip(names, values, strict=True))
