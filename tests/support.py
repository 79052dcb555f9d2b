"""Paths and helpers the tests share (conftest.py holds only fixtures; tests import this module)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTICLES = DATA / "articles"
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen, *, timeout: float = 120.0) -> float:
    """Poll `url` until the server answers (any HTTP status); return the seconds it took.

    Fails the test with the server's log if the process exits or the time runs out.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}: {process.args}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return time.perf_counter() - started
        except urllib.error.HTTPError:
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"no answer from {url} within {timeout} s: {process.args}")


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server we started, killing it if it does not stop within 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sentence_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `--max-seconds` count sentences instead of seconds, the same on a fast or a loaded machine.

    Extraction reads `pipelines.run`'s clock once per article (its deadline) and once before each
    sentence; here each reading advances one second, so a limit of N keeps the articles of up to N
    sentences and skips the longer ones. Worker processes forked afterwards inherit the clock.
    """
    import itertools
    import types

    import pipelines.run

    ticks = itertools.count()
    monkeypatch.setattr(pipelines.run, "time", types.SimpleNamespace(monotonic=lambda: float(next(ticks))))


def financial_results(nlp, text: str, date: str) -> dict[tuple[str, str], dict[str, object]]:
    """FinancialResult events of one article as {(organization label, period): {role: values}}."""
    from graph.records import Article, Entity
    from pipelines.run import process

    (result,) = list(process([Article(text=text, date=date)], nlp))
    found = {}
    for event in result.events:
        if event.type != "FinancialResult":
            continue
        (org,) = event.roles["organization"]
        (period,) = event.roles["period"]
        assert isinstance(org, Entity)
        found[(org.label, str(period))] = dict(event.roles)
    return found


def money(roles: dict[str, object]) -> set[tuple[Decimal, str]]:
    """The (value, currency) pairs of an event's revenue role."""
    from graph.records import Amount

    return {(a.value, a.currency) for a in roles.get("revenue", ()) if isinstance(a, Amount)}
