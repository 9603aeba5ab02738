"""Safety of the web app: request size limits, CSRF tokens, response headers, safe names.

Article text is hostile input: every page is a Jinja2 template with autoescaping
on, links are made only from http(s) URLs, and the Content-Security-Policy
below refuses inline script anyway (the app's own script is a static file).
Forms carry a CSRF token that must match a same-site cookie (the double-submit
pattern, as datasette's asgi-csrf); request bodies larger than a limit are
refused before they are read whole.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "corroborate_csrf"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class SecurityHeaders:
    """Adds HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    pass


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


class BodyLimit:
    """Refuses a request body over its limit with 413 and a message saying the limit:
    at once when Content-Length says so, else as soon as the streamed body passes it."""

    def __init__(self, app: ASGIApp, default_limit: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = limits  # path -> limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default_limit)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        text = (
            f"<!DOCTYPE html><title>Too large</title><h1>Request too large</h1>"
            f"<p>This request is larger than the limit of {_megabytes(limit)}. Send fewer or smaller files.</p>"
        ).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(text)).encode()),
            (b"connection", b"close"),
        ]})  # fmt: skip
        await send({"type": "http.response.body", "body": text})


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    """The form's token matches the cookie set with the form (compared in constant time)."""
    return bool(cookie) and bool(submitted) and hmac.compare_digest(cookie.encode(), submitted.encode())


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_name(name: str | None, index: int) -> str:
    """A name to save an uploaded file under: its base name reduced to letters, digits,
    dots, dashes and underscores (no folders, no `..`), numbered so names never clash.
    The suffix is kept: readers choose the format by it."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = _UNSAFE.sub("_", base).strip("._") or "upload"
    return f"{index:03d}_{base[-100:]}"

