"""The CPU time a page took, in a `Server-Timing` header (setting `server_timing`).

A loaded server's wall-clock latency is mostly waiting (for the interpreter lock,
for a core), so it says little about what a page costs; the CPU time of the
thread that made it does. Each page is made in one thread of the pool (sync
endpoints), so the thread's CPU time from the endpoint's start to its end is
that page's cost, whatever else the process did meanwhile. The event loop's
share (routing, sending, kept pages) is not in it. Browsers' developer tools
show the header; benchmarks/web_load.py sums it by kind of page.
"""

from __future__ import annotations

import functools
import inspect
import time

from starlette.routing import Route

HEADER = "server-timing"


def timed(endpoint):
    """`endpoint` (a sync Starlette endpoint) adding `Server-Timing: cpu;dur=MS` to its response."""

    @functools.wraps(endpoint)
    def run(request):
        started = time.thread_time()
        response = endpoint(request)
        response.headers[HEADER] = f"cpu;dur={1000 * (time.thread_time() - started):.3f}"
        return response

    return run


def timed_routes(routes: list[Route]) -> list[Route]:
    """The routes with each sync endpoint timed (async ones, which run on the event loop, as they are)."""
    return [
        Route(route.path, timed(route.endpoint), methods=sorted(route.methods - {"HEAD"}) if route.methods else None, name=route.name)
        if isinstance(route, Route) and not inspect.iscoroutinefunction(route.endpoint) else route
        for route in routes
    ]  # fmt: skip
