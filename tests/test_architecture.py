"""Dependencies point one way: pipelines -> graph -> ontology; graph never loads spaCy or click."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT


@pytest.mark.parametrize("package", ["graph", "ontology"])
def test_package_import_loads_no_spacy_or_click(package):
    code = f"import sys, {package}; print(','.join(m for m in ('spacy', 'click', 'pipelines') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("ontology", {"graph", "pipelines", "spacy", "click", "pyoxigraph"}),
        ("graph", {"pipelines", "spacy", "click"}),
    ],
)
def test_no_module_imports_against_the_direction(package, forbidden):
    for path in (ROOT / package).rglob("*.py"):
        assert not _imports(path) & forbidden, path


def test_only_the_cli_imports_click():
    pipelines = ROOT / "pipelines"
    cli_modules = {p.relative_to(pipelines).as_posix() for p in (pipelines / "cli").glob("*.py")}
    users = {p.relative_to(pipelines).as_posix() for p in pipelines.rglob("*.py") if "click" in _imports(p)}
    assert "cli/main.py" in users  # the root group
    assert users <= cli_modules, sorted(users - cli_modules)
