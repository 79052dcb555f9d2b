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


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of `known` that the module `name` imports, anywhere in it (inside functions too).

    `from P import x` counts P and, when x is a module, P.x. Importing a module runs the `__init__`
    of each package on its path, so those count too, except the importer's own ancestors (already
    running when it is imported: the re-exporting package imports its modules, not the reverse).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the importer's package, up `level - 1` packages
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets |= {base} | {f"{base}.{a.name}" for a in node.names}
    found = set()
    for target in targets & known:
        parts = target.split(".")
        found |= {
            ".".join(parts[:i]) for i in range(1, len(parts) + 1) if not name.startswith(".".join(parts[:i]) + ".")
        }
    return (found & known) - {name}


def test_the_graph_package_has_no_import_circle():
    """graph/'s modules import one another without a circle, counting imports inside functions too.

    A function-level import is how the last circle hid (graph.store imported graph.remote inside
    `open_store`, graph.remote imported graph.store at the top), so it counts: it still makes one
    module need the other, only later.
    """
    paths = {_module_name(p): p for p in (ROOT / "graph").rglob("*.py")}
    edges = {name: _imported_modules(path, name, set(paths)) for name, path in paths.items()}
    assert edges["graph.stores.remote"] >= {"graph.stores.base", "graph.sparql"}  # the walk sees imports
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            circle = trail[trail.index(name) :] + [name]
            raise AssertionError("import circle: " + " -> ".join(circle))
        if name in done:
            return
        for target in sorted(edges[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(edges):
        visit(name, [])
