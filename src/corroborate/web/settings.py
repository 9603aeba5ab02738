"""The web app's settings: one documented table (as datasette's `Setting`s).

`corroborate serve` builds a `WebSettings` from its flags and `--set NAME=VALUE`
and passes it to `create_app`, the same call a Python user or a test makes; a
test fails when a setting has no help text or is missing from the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import setting

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class WebSettings:
    host: str = setting("127.0.0.1", "Address to listen on. The default answers only this machine; give 0.0.0.0 to serve a network, knowingly.")
    port: int = setting(8000, "Port to listen on.")
    allow_ingest: bool = setting(False, "Show the form that adds articles to the store (upload files, paste URLs). Off unless asked for: it writes to the store.")
    page_size: int = setting(20, "Stories per page of the story list.")
    max_upload_bytes: int = setting(20_000_000, "Largest body of an add-articles request (all files together); a larger one is refused with a message.")
    max_request_bytes: int = setting(65_536, "Largest body of any other request.")
    search_time_limit_ms: int = setting(2_000, "A story list or search query that has used this much CPU time (not clock time: waiting on a busy machine does not count) is stopped and the page says so.")
    precompute_briefs: bool = setting(True, "When no page is waiting for a brief, brief the stories that have none yet, largest first, in the background.")
    worker_niceness: int = setting(10, "Niceness of the background brief worker process, so that pages are served first.")
    processes: int = setting(1, "Server processes listening on the port (SO_REUSEPORT: more than one interpreter, so a loaded server makes pages on both cores); the first one's background worker stays the store's one writer and serves the others.")
    page_threads: int = setting(40, "Threads that make pages (SQLite and templates); kept pages are served by the event loop without one.")
    page_cache_mb: int = setting(64, "Memory for whole pages kept until the store changes (any commit: a new brief, an ingest batch; a story's or an article's page until its own rows change), with their ETag and gzip; 0 keeps none.")
    brief_memory_cache: int = setting(64, "Briefs kept ready in memory (the store keeps every brief; this saves reading it again).")
    outlet_facet_size: int = setting(12, "Outlets listed in the outlet facet of the story list.")
    server_timing: bool = setting(False, "Add a Server-Timing header with the CPU time each page took to make (for browsers' developer tools and benchmarks/web_load.py).")
    csv_max_rows: int = setting(100_000, "At most this many stories in one CSV export.")
    allowed_hosts: tuple[str, ...] = setting((), "Host names the server answers to (guards against DNS rebinding). Default: the loopback names when bound to loopback, else any.")

    def hosts(self) -> list[str]:
        """The Host header values to accept."""
        if self.allowed_hosts:
            return list(self.allowed_hosts)
        return list(LOOPBACK_NAMES) if self.host in LOOPBACK_NAMES else ["*"]
