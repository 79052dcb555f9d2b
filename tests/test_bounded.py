"""Remote stores against a misbehaving SPARQL server: a request has one deadline, answers a size limit,
and every malformed answer or odd redirect is a one-line error that never shows the credentials.

The server here is a real HTTP server on 127.0.0.1 (a test double of a broken or hostile endpoint):
the first path segment of the store URL picks how it misbehaves.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import ROOT

from graph.errors import StoreError
from graph.stores.remote import RemoteStore

DRIPPED = 100_000  # bytes the drip server announces, one a second: a day's worth
ASK_TRUE = b'{"head": {}, "boolean": true}'
BROKEN_SELECT = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "val'
CREDENTIALS = ("alice", "s3cret-Pa55")


class Misbehaving(BaseHTTPRequestHandler):
    """Answers by the first path segment: drip, driphead, garbage, short, broken, html, huge, ftp, auth."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Keep the test output clean."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer()

    def _answer(self) -> None:
        kind = self.path.strip("/").split("/")[0]
        try:
            getattr(self, f"_{kind}")()
        except OSError:
            pass  # the client hung up: what the deadline is for
        self.close_connection = True

    def _head(self, status: int, media_type: str, length: int | None, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def _drip(self) -> None:  # the headers at once, then the body one byte a second
        self._head(200, "application/sparql-results+json", DRIPPED)
        for _ in range(DRIPPED):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(1)

    def _driphead(self) -> None:  # even the status line one byte a second
        for byte in b"HTTP/1.1 200 OK\r\n" * 1000:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1)

    def _garbage(self) -> None:
        self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")

    def _short(self) -> None:  # announces 1,000 bytes, sends 10 and hangs up
        self._head(200, "application/sparql-results+json", 1000)
        self.wfile.write(b'{"head": {')

    def _broken(self) -> None:
        self._head(200, "application/sparql-results+json", len(BROKEN_SELECT))
        self.wfile.write(BROKEN_SELECT)

    def _html(self) -> None:
        page = b"<html><body>Welcome to our portal</body></html>"
        self._head(200, "text/html", len(page))
        self.wfile.write(page)

    def _huge(self) -> None:  # no length, no end: a body as large as the client will take
        self._head(200, "application/sparql-results+json", None, Connection="close")
        block = b" " * (1 << 20)
        while True:
            self.wfile.write(block)

    def _ftp(self) -> None:
        self._head(307, "text/plain", 0, Location="ftp://127.0.0.1/pub/answer.srj")

    def _auth(self) -> None:
        token = base64.b64encode(":".join(CREDENTIALS).encode()).decode()
        if self.headers.get("Authorization") == f"Basic {token}":
            self._head(200, "application/sparql-results+json", len(ASK_TRUE))
            self.wfile.write(ASK_TRUE)
        else:
            self._head(401, "text/plain", 11)
            self.wfile.write(b"who are you")


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    """The server's base URL (`http://127.0.0.1:PORT`); add `/KIND` to pick its misbehaviour."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _store(url: str) -> RemoteStore:
    return RemoteStore.from_location(url, check=False)


def _cvkg(*args: str) -> subprocess.CompletedProcess[str]:
    # the hang guard: on a cvkg whose timeout bounds each read, `stats` against the drip server takes a day
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_a_dripping_answer_is_cut_by_the_request_deadline(misbehaving):
    result = _cvkg("--store", f"{misbehaving}/drip#timeout=3", "stats")
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: POST {misbehaving}/drip/query: no complete answer within 3 s")
    cut = re.search(r"cut after ([\d,]+) of 100,000 bytes of the answer$", line)
    assert cut, line
    # each byte came well within any per-read timeout: only a deadline on the whole request stops this
    assert int(cut.group(1).replace(",", "")) < DRIPPED // 100


def test_a_dripping_status_line_is_cut_by_the_request_deadline(misbehaving):
    result = _cvkg("--store", f"{misbehaving}/driphead#timeout=2", "stats")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        f"Error: POST {misbehaving}/driphead/query: no complete answer within 2 s (the store's timeout= option, "
        "for the whole request); cut before the answer's headers were complete"
    )


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("garbage", "malformed answer from the SPARQL server (not an HTTP status line: 'SSH-2.0-OpenSSH_9.2')"),
        ("short", "malformed answer from the SPARQL server (the body ended after 10 of 1,000 bytes)"),
    ],
)
def test_a_malformed_http_answer_is_a_one_line_error(misbehaving, kind, what):
    result = _cvkg("--store", f"{misbehaving}/{kind}", "stats")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == f"Error: POST {misbehaving}/{kind}/query: {what}"


def test_unreadable_results_fail_before_any_row_is_written(misbehaving):
    with pytest.raises(StoreError) as info:
        list(_store(f"{misbehaving}/broken").query("SELECT ?n {}"))  # type: ignore[call-overload]
    message = str(info.value)
    assert message.startswith(f"unreadable answer from {misbehaving}/broken/query (application/sparql-results+json)")
    assert "\n" not in message


def test_an_answer_that_is_not_sparql_results_says_its_media_type(misbehaving):
    result = _cvkg("--store", f"{misbehaving}/html", "stats")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        f"Error: unexpected answer from {misbehaving}/html/query: media type text/html, neither SPARQL results nor RDF"
    )


def test_an_endless_answer_stops_at_the_size_limit(misbehaving):
    with pytest.raises(StoreError) as info:
        _store(f"{misbehaving}/huge#max-answer=2").query("SELECT ?n {}")
    assert str(info.value) == (
        f"POST {misbehaving}/huge/query: the answer is larger than 2 MB (the store's max-answer= option); "
        "ask for less (LIMIT) or raise max-answer"
    )


def test_a_redirect_to_ftp_is_not_reported_as_a_server_down(misbehaving):
    result = _cvkg("--store", f"{misbehaving}/ftp", "stats")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        f"Error: POST {misbehaving}/ftp/query: the server redirected (HTTP 307) to ftp://127.0.0.1/pub/answer.srj; "
        "cvkg follows http(s) redirects only"
    )


def test_credentials_in_the_url_are_sent_and_never_shown(misbehaving):
    from graph.stores.remote import parse_location

    user, password = CREDENTIALS
    host = misbehaving.removeprefix("http://")
    answered = _store(f"http://{user}:{password}@{host}/auth")
    assert bool(answered.query("ASK {}"))
    assert answered.location == f"http://***@{host}/auth"
    for kind in ("garbage", "drip", "ftp", "html"):
        result = _cvkg("--store", f"http://{user}:{password}@{host}/{kind}#timeout=2", "stats")
        assert result.returncode == 1
        assert f"{misbehaving}/{kind}/query" in result.stderr, result.stderr
        assert password not in result.stdout + result.stderr and user not in result.stderr
    for command in ("upgrade", "stats", "export"):  # /auth answers `true` to every query, SELECT included
        done = _cvkg("-v", "--store", f"http://{user}:{password}@{host}/auth", command)
        assert done.returncode == 1 and f" {misbehaving}/auth/" in done.stderr.splitlines()[-1], done.stderr
        assert password not in done.stdout + done.stderr and f"{user}:" not in done.stdout + done.stderr
    refused = _cvkg("--store", f"http://{user}:wrong@{host}/auth", "stats")
    assert refused.stderr.strip() == f"Error: POST {misbehaving}/auth/query failed: HTTP 401 Unauthorized: who are you"
    with pytest.raises(StoreError) as info:
        parse_location(f"http://{user}:{password}@{host}#timeuot=2")
    assert str(info.value).startswith(f"unknown store option 'timeuot' in http://***@{host}#timeuot=2")
