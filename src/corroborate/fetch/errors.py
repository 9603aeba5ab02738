"""Why a URL could not be used: one kind per failure, one line for the user.

Every failure the fetcher meets becomes a `FetchFailure` with a `kind` (for code
and the feed scoreboard) and a message that names what happened in words a
journalist understands; `problem()` turns it into the `InputProblem` the rest of
corroborate reports (`corroborate: URL: message`).
"""

from __future__ import annotations

import errno
import socket
import ssl

from ..model import InputProblem

# Kinds that may pass if tried again later (the host or network was unwell); the
# others are answers about the page itself and are not retried by `watch`.
TRANSIENT = frozenset({"unknown-host", "refused", "timeout", "network", "server-error", "host-down", "robots-unreachable"})


class FetchFailure(Exception):
    """A URL that gave nothing usable; `message` says why in one line."""

    def __init__(self, kind: str, message: str, url: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.url = url
        self.status = status

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT

    def problem(self) -> InputProblem:
        return InputProblem(self.url, self.message)

    def __repr__(self) -> str:
        return f"FetchFailure({self.kind!r}, {self.message!r}, {self.url!r})"


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def from_network_error(error: Exception, url: str, timeouts: dict[str, float]) -> FetchFailure:
    """The failure an httpx transport error stands for (the cause is read down the
    exception chain: httpx wraps httpcore, which wraps the socket error)."""
    import httpx

    if isinstance(error, httpx.ConnectTimeout):
        return FetchFailure("timeout", f"timed out connecting (after {timeouts['connect']:g} s)", url)
    if isinstance(error, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)):
        return FetchFailure("timeout", f"timed out waiting for the server to send (after {timeouts['read']:g} s)", url)
    for cause in _chain(error):
        if isinstance(cause, socket.gaierror):
            return FetchFailure("unknown-host", "unknown host (the name does not resolve)", url)
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = getattr(cause, "verify_message", None) or "verification failed"
            return FetchFailure("tls", f"TLS certificate not trusted ({reason})", url)
        if isinstance(cause, ssl.SSLError):
            return FetchFailure("tls", f"TLS handshake failed ({cause.reason or cause})", url)
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return FetchFailure("refused", "connection refused", url)
    text = str(error)
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return FetchFailure("unknown-host", "unknown host (the name does not resolve)", url)
    if "Connection refused" in text:
        return FetchFailure("refused", "connection refused", url)
    if isinstance(error, httpx.RemoteProtocolError):
        return FetchFailure("network", f"the server broke off the response ({text or 'protocol error'})", url)
    detail = text.splitlines()[0][:120] if text else type(error).__name__
    return FetchFailure("network", f"network error ({detail})", url)


def for_status(status: int, reason: str, url: str, tries: int = 1) -> FetchFailure:
    """The failure of an HTTP error status (after `tries` tries)."""
    if status == 404:
        return FetchFailure("not-found", "not found (HTTP 404)", url, status)
    if status == 410:
        return FetchFailure("gone", "gone: the page was removed (HTTP 410)", url, status)
    if status in (401, 403):
        return FetchFailure("forbidden", f"access refused (HTTP {status} {reason})".rstrip(), url, status)
    after = f" after {tries} tries" if tries > 1 else ""
    if status == 429:
        return FetchFailure("server-error", f"rate limited (HTTP 429 Too Many Requests){after}", url, status)
    if status >= 500:
        return FetchFailure("server-error", f"server error (HTTP {status} {reason}){after}".replace(" )", ")"), url, status)
    return FetchFailure("http-error", f"HTTP {status} {reason}".rstrip(), url, status)
