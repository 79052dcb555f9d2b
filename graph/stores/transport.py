"""One HTTP request to a SPARQL server, bounded: a deadline for the whole request, a size cap on the answer.

`http.client` (the standard library) does the talking. `socket` timeouts bound each read, so a server
that sends a byte a second could keep a request alive for ever; `exchange` arms a timer instead that
shuts the socket down when the request's time is up, whatever it is waiting for.

Every failure is a one-line `StoreError` naming the method and the URL, which never carries the
credentials (`redact`, `without_credentials`).
"""

from __future__ import annotations

import base64
import http.client
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from graph.errors import StoreError

MB = 1024 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
_CHUNK = 1 << 16


def redact(url: str) -> str:
    """`url` without its credentials (`http://***@HOST/…`), for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def without_credentials(url: str) -> tuple[str, str | None]:
    """`url` without USER:PASSWORD@, and the HTTP Basic `Authorization` value they make (None without)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return urlunsplit(parts._replace(netloc=host)), f"Basic {token}"


@dataclass(slots=True)
class Answer:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


class _Deadline:
    """Shuts the connection's socket down when the request's time is up, waking any blocked read or write."""

    def __init__(self, connection: http.client.HTTPConnection, deadline: float) -> None:
        self.connection = connection
        self.passed = False
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        self.passed = True
        sock = self.connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def cancel(self) -> None:
        self._timer.cancel()


def exchange(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    *,
    timeout: float,
    max_answer: int,
) -> Answer:
    """One HTTP request and its whole answer, cut at `deadline` (a monotonic time) and at `max_answer`.

    Raises:
        StoreError: the server is unreachable, the deadline passed, the answer is too large or malformed.
    """
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    left = deadline - time.monotonic()
    if left <= 0:
        raise StoreError(f"{method} {url}: no answer within {timeout:g} s (the store's timeout= option)")
    try:
        # the socket's own timeout is a backstop: `_Deadline` ends the request, reads and writes alike
        connection = kind(parts.hostname or "", parts.port, timeout=left + 1)
    except ValueError as exc:  # a port that is not a number
        raise StoreError(f"{method} {url}: invalid address ({exc})") from exc
    guard = _Deadline(connection, deadline)
    received, headed = 0, False
    expected: int | None = None
    try:
        connection.connect()  # bounded by the socket's timeout; the guard cannot cut a socket not yet made
        if guard.passed:
            raise TimeoutError
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        headed, expected = True, response.length
        if expected is not None and expected > max_answer:
            raise _too_large(method, url, max_answer)
        data = _read_body(response, expected, method, url, max_answer=max_answer)
        received = len(data)
        if guard.passed:  # the socket was shut down, which can look like a clean end of the body
            raise TimeoutError
        if expected is not None and received < expected:  # http.client's read(amt) does not check
            raise StoreError(
                f"{method} {url}: malformed answer from the SPARQL server "
                f"(the body ended after {received:,} of {expected:,} bytes)"
            )
        return Answer(response.status, response.reason, response.headers, data)
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if guard.passed or isinstance(exc, TimeoutError):
            if not headed:
                got = "before the answer's headers were complete"
            elif expected is not None:
                got = f"after {received:,} of {expected:,} bytes of the answer"
            else:
                got = f"after {received:,} bytes of the answer"
            raise StoreError(
                f"{method} {url}: no complete answer within {timeout:g} s (the store's timeout= option, "
                f"for the whole request); cut {got}"
            ) from exc
        if isinstance(exc, http.client.HTTPException):
            raise StoreError(f"{method} {url}: malformed answer from the SPARQL server ({_malformed(exc)})") from exc
        if isinstance(exc, ConnectionRefusedError | socket.gaierror):
            reason = exc.strerror or str(exc)
            raise StoreError(f"cannot reach SPARQL server at {url}: {reason}; is it running?") from exc
        raise StoreError(f"{method} {url} failed: {exc.strerror or exc}") from exc
    finally:
        guard.cancel()
        connection.close()


def _read_body(
    response: http.client.HTTPResponse, expected: int | None, method: str, url: str, *, max_answer: int
) -> bytes:
    """The answer's body, up to `max_answer` bytes; cut short when the connection ends (by the deadline or the
    server), which the caller sees by comparing the length with `expected`.

    With a Content-Length the body is read in one call into one `bytes` (pyoxigraph parses `bytes` without
    copying them; a `bytearray` it copies).
    """
    if expected is not None:
        return response.read(expected)
    chunks, size = [], 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_answer:
            raise _too_large(method, url, max_answer)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(method: str, url: str, max_answer: int) -> StoreError:
    limit = max_answer / MB
    return StoreError(
        f"{method} {url}: the answer is larger than {limit:g} MB (the store's max-answer= option); "
        "ask for less (LIMIT) or raise max-answer"
    )


def _malformed(exc: http.client.HTTPException) -> str:
    """What was wrong with an answer, in a few words."""
    if isinstance(exc, http.client.RemoteDisconnected):
        return "it closed the connection without answering"
    if isinstance(exc, http.client.IncompleteRead):
        missing = f" of {len(exc.partial) + exc.expected:,}" if exc.expected is not None else ""
        return f"the body ended after {len(exc.partial):,}{missing} bytes"
    if isinstance(exc, http.client.BadStatusLine):
        line = str(exc.args[0] if exc.args else "").strip()
        return f"not an HTTP status line: {line[:60]!r}" if line else "no HTTP status line"
    if isinstance(exc, http.client.LineTooLong):
        return f"{exc}"
    return f"{type(exc).__name__}: {exc}"[:200]


def redirect_target(method: str, url: str, status: int, location: str) -> str:
    """Where a redirect leads, if cvkg may follow it.

    Raises:
        StoreError: it leads to another scheme than http(s), or would turn a POST into a GET.
    """
    target = without_credentials(urljoin(url, location))[0]
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise StoreError(
            f"{method} {url}: the server redirected (HTTP {status}) to {redact(target)[:200]}; "
            "cvkg follows http(s) redirects only"
        )
    if method != "GET" and status not in (307, 308):
        raise StoreError(
            f"{method} {url}: the server moved (HTTP {status}) to {redact(target)[:200]}; "
            "point --store (or the endpoint paths) there"
        )
    return target
