"""Serve a store directory read-only over SPARQL with Oxigraph's own server (`cvkg serve`).

The `oxigraph` binary comes with the `oxigraph` package; `serve_command` checks
the store and the address first, so the usual mistakes end in a one-line `StoreError`.

What Oxigraph's server lets us bound (oxigraph 0.5, measured on a 1.24 M-quad store):

* `--timeout-s` (passed from `cvkg serve --timeout`) cancels a query's evaluation: it
  collects no more solutions once the time is up. It is the only bound its CLI has.
* Memory is not bounded: within the timeout an ORDER BY over a cross product still
  collected 2.3-3.3 GB. Without a timeout it grew past 6 GB in 16 s.
* After the timeout an ORDER BY still sorts the solutions it had collected, with one core
  busy, and the client gets the answer only then (HTTP 200 with a results body that
  reports the cancellation): with a 3 s timeout that took 150 s (5.5 GB and over 100 s
  with 10 s). Oxigraph does not notice a client that hung up, so an abandoned query runs
  the same course; `cvkg query` gives up at its own --timeout and reads such an answer
  as an error.

So `supervise` watches the server's resident memory and restarts it past a limit
(`cvkg serve --max-memory`): killing the process is the only way to stop a query it is
evaluating. The queries in flight then fail; the server is back within a second or two.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from graph.errors import StoreError
from graph.stores import opened_store
from graph.stores.base import MEMORY, REMOTE_SCHEMES
from graph.stores.transport import redact

logger = logging.getLogger(__name__)

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def find_oxigraph() -> str:
    """Path of the `oxigraph` server binary (from the `oxigraph` package, next to this Python).

    Raises:
        StoreError: the binary is not installed.
    """
    beside = Path(sys.executable).parent / ("oxigraph.exe" if sys.platform == "win32" else "oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the oxigraph server binary is missing; pip install 'oxigraph>=0.4,<0.6'")
    return found


def serve_command(
    location: str | Path, *, host: str = "127.0.0.1", port: int = 7878, timeout: float | None = None
) -> list[str]:
    """The `oxigraph serve-read-only` command line that serves an embedded store directory.

    With `timeout`, Oxigraph cancels a query after that many seconds (rounded up to whole seconds).

    Raises:
        StoreError: `location` is `memory:`, a URL, not an existing store directory or one an older cvkg
            wrote (see `cvkg upgrade`), or the address is taken.
    """
    loc = str(location)
    if loc == MEMORY or loc.startswith(REMOTE_SCHEMES):
        raise StoreError(f"only a store directory can be served, not {redact(loc)}; pass --store DIR")
    if not Path(loc).is_dir():
        raise StoreError(f"no store at {loc}; run `cvkg ingest` first or pass --store")
    _check_free(host, port)
    bind = _authority(host, port)
    with opened_store(loc, read_only=True):
        pass  # refuses a store an older cvkg wrote: its default graph is not the index that clients read
    # plain SPARQL clients see what `cvkg query` sees: the default graph is the index
    command = [find_oxigraph(), "serve-read-only", "--location", loc, "--bind", bind]
    if timeout:
        command += ["--timeout-s", str(math.ceil(timeout))]
    return command


def _check_free(host: str, port: int) -> None:
    """Fail early, with the next step, when the address cannot be listened on."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            # as the server will: a port left in TIME_WAIT by a stopped server is free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host.strip("[]"), port))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(f"cannot listen on {host}:{port} ({reason}); pass another --port or --bind") from exc


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def endpoint_url(host: str, port: int, path: str = "query") -> str:
    """`http://HOST:PORT/PATH`, with an IPv6 host in brackets."""
    return f"http://{_authority(host, port)}/{quote(path)}"


def process_rss(pid: int) -> int | None:
    """Resident memory of process `pid` in bytes (Linux `/proc`), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


def supervise(
    command: list[str],
    *,
    max_memory: int,
    on_start: Callable[[int], None],
    on_restart: Callable[[int], None],
    poll: float = 0.2,
) -> int:
    """Run the server `command`, restarting it whenever its resident memory passes `max_memory` bytes.

    `on_start(pid)` is called for each server process started, `on_restart(rss)` before a restart.
    SIGTERM and Ctrl-C stop the server; returns its exit code (0 when stopped so).
    """
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            process = subprocess.Popen(command)
            on_start(process.pid)
            try:
                rss = _watch(process, max_memory, poll)
            except KeyboardInterrupt:
                _stop(process)
                return 0
            if rss is None:
                return process.returncode
            _stop(process, kill=True)
            logger.info("server restarted: %d MB resident, over the %d MB limit", rss // 2**20, max_memory // 2**20)
            on_restart(rss)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _watch(process: subprocess.Popen[bytes], max_memory: int, poll: float) -> int | None:
    """Wait for the process to end (None) or to pass `max_memory` bytes (its resident memory then)."""
    while process.poll() is None:
        time.sleep(poll)
        rss = process_rss(process.pid)
        if rss is not None and rss > max_memory:
            return rss
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """End the server (at once with `kill`: it is read-only, nothing is lost) and reap it."""
    if process.poll() is None:
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
