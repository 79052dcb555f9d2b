"""Coordination: conjunct lists ('A, B and C', 'A as well as B') and 'respectively' pairing of names to values."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, TypeVar

from pipelines.extractors.common import span_lowers

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

N = TypeVar("N")
V = TypeVar("V")


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
