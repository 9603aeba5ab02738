"""The stylesheets: the report's own CSS (so a story page looks like the report)
and the web app's additions. Served from a fixed table of names, never from a
path a request names, so no request can reach another file."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

FILES = {
    "brief.css": ("corroborate.render", "templates/brief_style.css", "text/css"),
    "web.css": ("corroborate.web", "static/web.css", "text/css"),
}


@cache
def _content(name: str) -> bytes:
    package, path, _ = FILES[name]
    return resources.files(package).joinpath(path).read_bytes()


def routes(web) -> list[Route]:
    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in FILES:
            return web.error(request, 404, "No such file.")
        return Response(_content(name), media_type=FILES[name][2], headers={"cache-control": "public, max-age=3600"})

    def robots(request: Request) -> Response:
        return PlainTextResponse("User-agent: *\nDisallow: /\n")

    return [Route("/static/{name}", static), Route("/robots.txt", robots)]
