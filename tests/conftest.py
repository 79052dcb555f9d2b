"""Shared fixtures: the real spaCy pipeline (loaded once), stores and real SPARQL servers (helpers: support.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import SHARED, free_port, stop_process, wait_for_http


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
    from graph.stores import open_store

    return open_store("memory:")


@pytest.fixture()
def start_server(tmp_path) -> Iterator[Callable[[list[str], str], subprocess.Popen]]:
    """Start a server command, wait until `url` answers; every server started is stopped after the test."""
    started: list[subprocess.Popen] = []

    def start(command: list[str], url: str) -> subprocess.Popen:
        log = (tmp_path / f"server-{len(started)}.log").open("wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        started.append(process)
        wait_for_http(url, process)
        return process

    yield start
    for process in started:
        stop_process(process)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """A real `oxigraph serve` (read-write) on a free local port, for the whole session; yields its URL."""
    from graph.stores.server import find_oxigraph

    folder = tmp_path_factory.mktemp("oxigraph-serve")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [find_oxigraph(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_for_http(url, process)
            yield url
        finally:
            stop_process(process)


@pytest.fixture(params=["memory", "embedded", "remote"])
def store(request, tmp_path):
    """A fresh store of each kind: in-process, embedded on disk, and `oxigraph serve` over HTTP."""
    from graph.stores import open_store

    if request.param == "remote":
        handle = open_store(request.getfixturevalue("oxigraph_server"))
        handle.update("DROP ALL")  # one server per session: start each test empty
    else:
        handle = open_store("memory:" if request.param == "memory" else str(tmp_path / "store"))
    yield handle
    handle.close()
