"""The ASGI app of `corroborate serve`: what every page shares.

`create_app(db, settings)` builds the Starlette app; each kind of page lives in
its own module under `views/` and adds its routes (every page has a `.json`
twin with the same data). Pages read the store through read-only connections
(`db.Readers`) and never run NLP: briefs come from the store's cache, and a
story without one is handed to the background worker (`worker.BriefWorker`),
the store's one writer. Templates come from `web/templates` and, for the brief
itself, from the report's own `render/templates`: one set for both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..model import Brief
from ..render import common as view
from ..render.html import safe_url
from .cache import NO_KEEP, PageCache
from .db import Readers
from .security import BodyLimit, SecurityHeaders
from .settings import WebSettings
from .timing import timed_routes
from .worker import BriefWorker

log = logging.getLogger(__name__)


@cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.PackageLoader("corroborate", "web/templates"),
            jinja2.PackageLoader("corroborate", "render/templates"),
        ]),
        autoescape=True,  # every {{ }} is escaped: article text is hostile input
        auto_reload=False,  # the templates ship with the package: no stat() of their files on every page (7% of a loaded server's time)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )  # fmt: skip
    env.globals.update(
        view=view, version=__version__, safe_url=safe_url, story_url=story_url, article_url=article_url,
        outlet_url=outlet_url, date_text=view.date_text, plural=view.plural,
    )  # fmt: skip
    return env


def story_url(story_id: int, suffix: str = "") -> str:
    return f"/stories/{int(story_id)}{suffix}"


def article_url(article_id: str, suffix: str = "") -> str:
    return f"/articles/{quote(article_id, safe='')}{suffix}"


@lru_cache(maxsize=8192)  # a list page links the same outlets again and again (120 a page)
def outlet_url(name: str, suffix: str = "") -> str:
    # Every character but letters and digits is escaped, slashes included: an outlet
    # named "a/../b" is one path segment, and the page looks it up by name only.
    return f"/outlets/{quote(name, safe='')}{suffix}"


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


class BriefMemory:
    """The last few briefs read from the store, kept unpickled (or what was made from
    them), under a key that changes whenever the store's brief does."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Brief] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[tuple, threading.Lock] = {}

    def get_or_make(self, key: tuple, make):
        """The item kept under `key`, else `make()` kept (unless None). One thread makes
        it while the others asking for the same key wait for it: when a big story's
        page is first asked for by many clients at once, each would otherwise unpickle
        and lay out the same brief (tens of milliseconds each, measured under load)."""
        item = self.get(key)
        if item is not None:
            return item
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:
            item = self.get(key)
            if item is None:
                item = make()
                if item is not None:
                    self.put(key, item)
        with self._lock:
            self._making.pop(key, None)
        return item

    def get(self, key: tuple) -> Brief | None:
        with self._lock:
            brief = self._items.get(key)
            if brief is not None:
                self._items.move_to_end(key)
            return brief

    def put(self, key: tuple, brief: Brief) -> None:
        with self._lock:
            self._items[key] = brief
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


# Where a page splices in HTML kept as bytes. Article text can never produce it: the
# template escapes every "<" of a text.
SPLICE = Markup("<!--corroborate:splice-->")


@dataclass(frozen=True)
class BriefState:
    brief: Brief | None
    status: str  # ready | preparing | failed
    message: str
    members: str  # the hash of the story's members the brief is (or will be) cached under
    key: tuple | None = None  # what the brief is kept under in memory (WebApp.cached_brief)


class WebApp:
    """What the pages share: settings, read-only store access, the worker, rendering."""

    def __init__(self, db_path: str | Path, settings: WebSettings, worker: BriefWorker | None) -> None:
        self.db_path = Path(db_path)
        self.settings = settings
        self.worker = worker
        self.readers = Readers(self.db_path)
        self.briefs = BriefMemory(settings.brief_memory_cache)
        self.fragments = BriefMemory(settings.brief_memory_cache)
        self._rows: tuple[int, dict] | None = None
        self._rows_lock = threading.Lock()

    def store(self):
        return self.readers.store()

    def story_rows(self, request: Request) -> dict:
        """Every story as lists use it (queries.story_rows), kept while the store's
        generation (cache.PageCache) stays the same."""
        from .queries import story_rows

        generation = getattr(request.state, "store_generation", None)
        if generation is None:
            return story_rows(self.store().connection)
        # One thread works them out per generation while the others wait for it: right
        # after an ingest's commit, every list page in flight would otherwise read
        # them at once (20 threads x 15 ms on the 10,000-article store). Rows of a
        # later generation than the request's are as good: newer than its arrival.
        with self._rows_lock:
            if self._rows is None or self._rows[0] < generation:
                self._rows = (generation, story_rows(self.store().connection, self._rows[1] if self._rows else None))
            return self._rows[1]

    def cached_brief(self, story_id: int) -> tuple[Brief | None, str, tuple | None]:
        """The story's cached brief (from memory or the store), its members hash, and the
        key it is kept under in memory: the store's row of it, so that a brief made
        again for the same members (a new version of an article) is read again."""
        from ..store.briefs import stored_brief_keys

        store = self.store()
        members, option_key = stored_brief_keys(store, story_id)
        row = store.connection.execute(
            "SELECT rowid FROM briefs WHERE story_id = ? AND members_hash = ? AND options_hash = ?", (story_id, members, option_key)
        ).fetchone()
        if row is None:
            return None, members, None
        key = (story_id, members, option_key, row[0])
        brief = self.briefs.get_or_make(key, lambda: store.cached_brief(story_id, members, option_key))
        if brief is None:
            return None, members, None
        return brief, members, key

    def brief_sections(self, key: tuple, brief: Brief) -> bytes:
        """The brief's sections as the report lays them out (render/templates/
        brief_sections.html.j2), rendered once per brief (`key` from `cached_brief`) and
        kept as UTF-8: a big story's sections are megabytes that take tens of
        milliseconds to lay out. A page splices them in (`page(..., splice=...)`)."""
        from ..render import RenderOptions
        from ..render.html import template_context

        def make() -> bytes:
            context = template_context(brief, RenderOptions(show_removed=False))
            return environment().get_template("brief_sections.html.j2").render(**context).encode()

        return self.fragments.get_or_make(key, make)

    def brief_status(self, story_id: int) -> BriefState:
        """The story's brief if cached, else what is happening to it. Asks the worker
        for a brief the store has not cached."""
        brief, members, key = self.cached_brief(story_id)
        if brief is not None:
            return BriefState(brief, "ready", "", members, key)
        if self.worker is None:
            return BriefState(None, "preparing", "Briefs are not being prepared by this server (no background worker).", members)
        failure = self.worker.failure(story_id, members)
        if failure:
            return BriefState(None, "failed", f"This story could not be briefed: {failure}", members)
        self.worker.request_brief(story_id)
        return BriefState(None, "preparing", "The brief of this story is being prepared. This page shows its articles meanwhile and reloads itself.", members)

    # responses
    def page(self, request: Request, template: str, status: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
        """The template rendered; pass `keep=False` for a page whose content is not all in
        the store (a brief being prepared), so that the page cache does not keep it, and
        `splice=` HTML bytes to put where the template writes {{ splice }}."""
        if not context.pop("keep", True):
            headers = {**(headers or {}), NO_KEEP.decode(): "1"}
        context.setdefault("json_url", None)
        context.setdefault("refresh", None)
        context.setdefault("allow_ingest", self.settings.allow_ingest)
        context.setdefault("search_text", "")
        splice = context.pop("splice", None)
        text = environment().get_template(template).render(request_path=request.url.path, splice=SPLICE if splice else None, **context)
        if splice:
            # Rendered HTML joined as bytes where the template put SPLICE: a kept fragment
            # of megabytes is copied once, not escaped, joined and encoded again.
            head, _, tail = text.partition(SPLICE)
            return HTMLResponse(head.encode() + splice + tail.encode(), status_code=status, headers=headers)
        return HTMLResponse(text, status_code=status, headers=headers)

    def error(self, request: Request, status: int, message: str) -> Response:
        if request.url.path.endswith((".json", ".csv")):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return self.page(request, "error.html.j2", status=status, status_code=status, message=message)


def with_query(path: str, params: dict[str, str]) -> str:
    """`path?` and the params as urlencode writes them; each name=value is quoted once and
    kept: a list page links the same values again and again (60 links a search page,
    a fifth of its time quoting)."""
    if not params:
        return path
    if not all(isinstance(value, str) for value in params.values()):
        return path + "?" + urlencode(params)
    return path + "?" + "&".join([_query_pair(name, value) for name, value in params.items()])


@lru_cache(maxsize=8192)
def _query_pair(name: str, value: str) -> str:
    return quote_plus(name) + "=" + quote_plus(value)


def create_app(db: str | Path, settings: WebSettings | None = None, worker: BriefWorker | None | bool = True) -> Starlette:
    """The web app over the store at `db`. `worker=True` starts the background worker
    process with the app (and stops it with the app); pass a `BriefWorker` to use
    that one, or None to serve without one (pages then never get new briefs)."""
    from .views import add, article, outlet, static, stories, story

    settings = settings or WebSettings()
    if worker is True:
        worker = BriefWorker(db, precompute=settings.precompute_briefs, niceness=settings.worker_niceness)
    web = WebApp(db, settings, worker or None)

    routes: list[Route] = []
    for module in (static, stories, story, article, outlet, add):
        routes += module.routes(web)
    if settings.server_timing:
        routes = timed_routes(routes)

    async def http_error(request: Request, error: HTTPException) -> Response:
        return web.error(request, error.status_code, error.detail if isinstance(error.detail, str) else "error")

    async def server_error(request: Request, error: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return web.error(request, 500, "Something went wrong on the server while making this page (see the server's log).")

    @contextlib.asynccontextmanager
    async def lifespan(app):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.page_threads
        if web.worker is not None and not web.worker.alive():
            web.worker.start()
        try:
            yield
        finally:
            if web.worker is not None:
                web.worker.stop()
            web.readers.close()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts()),
            Middleware(PageCache, db_path=db, max_bytes=settings.page_cache_mb * 1_000_000, skip_prefixes=("/add", "/jobs")),
            Middleware(BodyLimit, default_limit=settings.max_request_bytes, limits={"/add": settings.max_upload_bytes}),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.web = web
    return app
