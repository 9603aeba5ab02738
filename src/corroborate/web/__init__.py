"""The web app: browse, search and read every story of the store in a browser.

`corroborate serve --db news.db` runs it (uvicorn); `create_app(db, settings)`
builds the same ASGI app for a test or another server. Layout, after datasette:
`app.py` what every page shares, `views/` one module per kind of page (each
with a `.json` twin), `settings.py` one documented table of settings,
`queries.py` the story list's SQL, `worker.py` the background worker (the
store's one writer: briefs and uploads), `security.py` limits, CSRF, headers,
`processes.py` serving from several processes with that one worker.
"""

from __future__ import annotations

__all__ = ["create_app", "WebSettings", "serve"]


def __getattr__(name: str):
    # Starlette is imported only when the web app is used: `corroborate --help` stays fast.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "WebSettings":
        from .settings import WebSettings

        return WebSettings
    raise AttributeError(name)


def serve(db, settings=None) -> None:
    """Serve the store at `db` until interrupted (Ctrl-C)."""
    import uvicorn

    from .app import create_app
    from .settings import WebSettings

    settings = settings or WebSettings()
    if settings.processes > 1:
        from .processes import serve_processes

        serve_processes(db, settings, _run_on_socket)
        return
    app = create_app(db, settings)
    uvicorn.run(app, host=settings.host, port=settings.port, **_UVICORN)


# An idle keep-alive connection is closed after 20 s, not uvicorn's 5: a client that
# reuses one just as the server closes it sees an error (seen under load).
_UVICORN = dict(log_level="info", access_log=False, proxy_headers=False, server_header=False, timeout_graceful_shutdown=5, timeout_keep_alive=20)


def _run_on_socket(app, sock) -> None:
    """Serve `app` on an already bound socket (one of several processes sharing it)."""
    import uvicorn

    uvicorn.Server(uvicorn.Config(app, **_UVICORN)).run(sockets=[sock])

