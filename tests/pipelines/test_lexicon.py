"""Word classes live once, in pipelines/lexicon.json, and every one of them is used."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from pipelines.lexicon import load_lexicon, word_class

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
WORD = re.compile(r"[a-z][a-z0-9'\-. ]*")


def _sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(PIPELINES.rglob("*.py"))}


def test_every_class_is_a_documented_non_empty_set_of_lowercase_strings():
    data = json.loads((PIPELINES / "lexicon.json").read_text(encoding="utf-8"))
    assert data
    for name, entry in data.items():
        assert set(entry) == {"doc", "words"}, name
        assert entry["doc"].strip(), name
        words = entry["words"]
        assert words, name
        assert words == sorted(set(words)), f"{name}: keep the words sorted and unique"
        assert all(isinstance(w, str) and w and w == w.lower() for w in words), name
        assert word_class(name) == frozenset(words)


def test_every_class_is_used_in_pipelines():
    text = "\n".join(_sources().values())
    frames = (PIPELINES / "frames.json").read_text(encoding="utf-8")  # a frame names a class as "@name"
    named = set(re.findall(r"@([a-z_]+)", frames))
    unused = [name for name in load_lexicon() if f'word_class("{name}")' not in text and name not in named]
    assert not unused


def _literal_words(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("frozenset", "set") and node.args:
        node = node.args[0]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
            node = node.func.value
            return node.value.split() if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return [e.value for e in node.elts]
    return None


def _is_word_set(node: ast.AST) -> bool:
    is_set = isinstance(node, ast.Set) or (
        isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("frozenset", "set")
    )
    words = _literal_words(node) if is_set else None
    return bool(words) and all(w == w.lower() for w in words) and sum(bool(WORD.fullmatch(w)) for w in words) >= 3


def _operands(node: ast.AST) -> list[ast.AST]:
    """The sets a module-level value is made of: itself, or each side of `A | B`."""
    if isinstance(node, ast.BinOp):
        return _operands(node.left) + _operands(node.right)
    return [node]


def test_no_module_defines_its_own_word_set():
    """A module-level set or frozenset of 3+ lowercase words (alone or in a union) is a word class.

    Tables that map a key to a few words (datacenter.VIA_PREP) are rule data, not classes, and stay.
    """
    found = []
    for path, source in _sources().items():
        for statement in ast.parse(source).body:
            if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and statement.value is not None:
                for node in _operands(statement.value):
                    if _is_word_set(node):
                        found.append(f"{path.relative_to(PIPELINES)}:{statement.lineno}")
    assert not found, f"word sets belong in pipelines/lexicon.json: {found}"


def test_unknown_class_raises_key_error_naming_it():
    with pytest.raises(KeyError, match="no_such_class"):
        word_class("no_such_class")
