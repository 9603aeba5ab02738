"""Local web sites for the fetch tests and benchmarks: HTTP servers on loopback
addresses (127.0.0.1, 127.0.0.2, ...) and random ports, serving our own fictional
pages and feeds, with the misbehaviours a fetcher must survive.

    with Site() as site:
        site.route("/a", page("Title", ["First paragraph ..."]))
        site.route("/slow", drip(b"...", every=0.2))
        url = site.url("/a")
        ...
        site.hits("/a")   # how many requests came for it

A route is a `Reply` (served as is), a list of replies (served in turn, the last
one repeated: "500 then success", "a page that changes between polls"), or a
function of the request handler that writes the answer itself (hangs, drips,
huge bodies). Every request is logged with its arrival time (time.monotonic).
Nothing here ever opens a connection to anything but the servers it starts.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"


Route = Reply | list | Callable


@dataclass
class Hit:
    at: float  # time.monotonic() when the request line was read
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        site = self.server.site
        site._log(Hit(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = site._next_reply(self.path.split("?", 1)[0])
        if route is None:
            route = Reply(404, b"<html><body><p>Not here.</p></body></html>")
        if callable(route):
            route(self)
            return
        self.send(route)

    def send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        try:
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: Site


class Site:
    """One local 'host': a server on `address` and a random port."""

    def __init__(self, address: str = "127.0.0.1", robots: str | None = None):
        self.address = address
        self.routes: dict[str, Route] = {}
        self.log: list[Hit] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server((address, 0), _Handler)
        self._server.site = self
        self.port = self._server.server_address[1]
        if robots is not None:
            self.route("/robots.txt", Reply(body=robots.encode(), content_type="text/plain"))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://{self.address}:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def route(self, path: str, reply: Route) -> str:
        with self._lock:
            self.routes[path] = list(reply) if isinstance(reply, list) else reply
        return self.url(path)

    def _next_reply(self, path: str):
        with self._lock:
            route = self.routes.get(path)
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
            return route

    def _log(self, hit: Hit) -> None:
        with self._lock:
            self.log.append(hit)

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.log if path is None or hit.path == path]

    def start(self) -> Site:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Site:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- replies ---------------------------------------------------------------------------


def page(title: str, paragraphs: list[str], *, meta: dict[str, str] | None = None, charset: str | None = "utf-8",
         encoding: str = "utf-8", extra: str = "") -> Reply:  # fmt: skip
    """An article page: a title, paragraphs, and <meta> tags (name -> content)."""
    tags = "".join(
        f'<meta property="{html.escape(k)}" content="{html.escape(v)}">' if ":" in k
        else f'<meta name="{html.escape(k)}" content="{html.escape(v)}">'
        for k, v in (meta or {}).items()
    )  # fmt: skip
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    document = (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title>{tags}</head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>\n{body}</article>{extra}"
        "<footer><p>Contact us</p></footer></body></html>"
    )
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return Reply(body=document.encode(encoding), content_type=content_type)


def story_page(path: Path) -> Reply:
    """A bundled example-story article (`date`/`source`/`url` header lines, then a
    title line and paragraphs) as the web page an outlet would serve."""
    from corroborate.ingest.text import parse_text

    raw = parse_text(path.read_text(encoding="utf-8"), str(path))
    lines = [line.strip() for line in raw.text.splitlines() if line.strip()]
    title, paragraphs = lines[0], lines[1:]
    meta = {}
    if raw.published:
        meta["article:published_time"] = raw.published.isoformat()
    if raw.outlet:
        meta["og:site_name"] = raw.outlet
    return page(title, paragraphs, meta=meta)


def rss(title: str, items: list[tuple[str, str]], *, headers: dict[str, str] | None = None) -> Reply:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(link)}</link><guid>{html.escape(link)}</guid></item>"
        for t, link in items
    )
    document = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{html.escape(title)}</title>{entries}</channel></rss>'
    return Reply(body=document.encode(), content_type="application/rss+xml", headers=headers or {})


def sitemap(urls: list[tuple[str, str]]) -> Reply:
    """A sitemap of (URL, lastmod) entries."""
    entries = "".join(f"<url><loc>{html.escape(u)}</loc><lastmod>{m}</lastmod></url>" for u, m in urls)
    document = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    return Reply(body=document.encode(), content_type="application/xml")


def hang_after_headers(seconds: float = 30.0) -> Callable:
    """Headers, then nothing for `seconds` (or until the site stops)."""

    def reply(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.flush()
        handler.server.site.stopping.wait(seconds)

    return reply


def drip(body: bytes, chunk: int = 64, every: float = 0.1) -> Callable:
    """The body a few bytes at a time: each piece arrives in time, the whole never does."""

    def reply(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            for start in range(0, len(body), chunk):
                if handler.server.site.stopping.wait(every):
                    return
                handler.wfile.write(body[start : start + chunk])
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    return reply


def huge(size: int, *, announce: bool) -> Callable:
    """A body of `size` bytes sent in 64 KB pieces, generated (never held in memory);
    with `announce` its Content-Length says so up front, else it is sent chunked."""

    def reply(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        if announce:
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        piece = b"<p>" + b"x" * (65536 - 7) + b"</p>\n"
        sent = 0
        try:
            while sent < size and not handler.server.site.stopping.is_set():
                data = piece[: size - sent]
                handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n" if not announce else data)
                sent += len(data)
            if not announce:
                handler.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    return reply


def json_reply(value) -> Reply:
    return Reply(body=json.dumps(value).encode(), content_type="application/json")
