"""Shared fixtures: paths, the real spaCy pipeline (loaded once) and stores."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTICLES = DATA / "articles"
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The project contract folder ../shared; tests that need it skip when it is absent."""
    if not (SHARED / "spec" / "EVENTS.md").exists():
        pytest.skip(f"../shared (the project contract, spec and dev corpus) is absent at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def gazetteer():
    from ontology import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def nlp(gazetteer):
    """The real spaCy model with cvkg's gazetteer ruler, loaded once per session."""
    from pipelines.nlp import build_nlp

    return build_nlp(gazetteer=gazetteer)


@pytest.fixture()
def memory_store():
    from graph.store import open_store

    return open_store("memory:")


@pytest.fixture(params=["memory", "embedded"])
def store(request, tmp_path):
    """A fresh store of each local kind: in-process and embedded on disk."""
    from graph.store import open_store

    location = "memory:" if request.param == "memory" else str(tmp_path / "store")
    handle = open_store(location)
    yield handle
    handle.close()
