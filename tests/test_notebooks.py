"""Execute every notebook in notebooks/ with nbclient (a kernel on this venv's Python) and fail on any error."""

from __future__ import annotations

import os
import sys
import time

import pytest
from support import ROOT

NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_three_notebooks_exist():
    assert [p.name for p in PATHS] == ["01-quickstart.ipynb", "02-market-flows.ipynb", "03-sparql-cookbook.ipynb"]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_committed_without_outputs(path):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME

    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    # the native kernel runs sys.executable, i.e. this venv's Python
    assert NATIVE_KERNEL_NAME == "python3" and sys.executable
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name=NATIVE_KERNEL_NAME,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False,
    )
    started = time.perf_counter()
    client.execute()
    print(f"{path.name}: {time.perf_counter() - started:.1f} s")  # noqa: T201
    texts = [
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    ]
    assert not [o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    joined = "\n".join(texts)
    assert "articles read: 8" in joined
    if path.stem.startswith("02"):
        images = [o for cell in notebook.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        assert len(images) == 3, "three charts"
        # stated values and ceilings apart, each year saying where it comes from (issue 17)
        assert "stated USD" in joined and "ceilings USD" in joined and "(evidence)" in joined
        # the Canalys sample's shares are for the fourth quarter of 2020, not the quarter it was published in
        assert "2020-Q4: 31%" in joined and "2021-Q1" not in joined
    if path.stem.startswith("03"):
        from graph.library import list_queries

        for query in list_queries():
            assert f"## {query.name}:" in joined
        assert "(0 rows)" not in joined.split("## events-about")[1].split("##")[0]
