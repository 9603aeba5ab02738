"""The story list (home page): newest or largest stories, search, facets, pages;
as HTML (`/`), JSON (`/stories.json`) and CSV (`/stories.csv`, every matching story)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..app import environment, iso, outlet_url, story_url, with_query
from ..db import QueryTimeout, time_limit
from ..queries import FLAG_VALUES, SIZE_BUCKETS, SORTS, BadQuery, StoryFilters, StoryItem, all_stories, story_page

FACET_TITLES = {
    "outlet": "Outlet",
    "month": "Published in",
    "size": "Size",
    "conflicts": "Facts in conflict",
    "altered": "Altered quotes",
}


def item_json(item: StoryItem) -> dict:
    counts = item.counts
    return {
        "id": item.id,
        "url": story_url(item.id),
        "title": item.title,
        "articles": item.size,
        "first_date": iso(item.first_date),
        "last_date": iso(item.last_date),
        "outlets": list(item.outlets),
        "briefed": counts is not None,
        "independent_sources": counts.independent_sources if counts else None,
        "quotes": counts.quotes if counts else None,
        "altered_quotes": counts.altered_quotes if counts else None,
        "conflicting_facts": counts.conflicts if counts else None,
        "copies": counts.copies if counts else None,
        "search_score": item.score,
    }


def story_card(item: StoryItem) -> Markup:
    """A story's card in a list (templates/story_card.html.j2)."""
    return _card(item.id, item.title, item.size, item.first_date, item.last_date, item.outlets, item.counts)


@lru_cache(maxsize=4096)
def _card(*fields) -> Markup:
    # Rendered once per story and version of what it shows, then kept: a list page shows
    # 20 cards, the same stories come up search after search, and a card is made from
    # these fields only (its search score is not shown). A fifth of a search page's time.
    return Markup(environment().get_template("story_card.html.j2").render(item=StoryItem(*fields)))


def facet_link(filters: StoryFilters, name: str, value) -> dict[str, str]:
    """The filters with one facet value applied (or, if it is applied, removed)."""
    if name == "month":
        import calendar
        import datetime as dt

        year, month = (int(part) for part in value.split("-"))
        start = dt.date(year, month, 1)
        selected = filters.since == start
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return filters.params(since=None, until=None) if selected else filters.params(since=start, until=end)
    current = getattr(filters, name)
    return filters.params(**{name: None if current == value else value})


def routes(web) -> list[Route]:
    def load(request: Request):
        filters = StoryFilters.from_params(request.query_params)
        store = web.store()
        with time_limit(store.connection, web.settings.search_time_limit_ms / 1000):
            rows = web.story_rows(request)
            return filters, story_page(store.connection, filters, web.settings.page_size, web.settings.outlet_facet_size, rows)

    def failed(request: Request, error: Exception) -> Response:
        if isinstance(error, BadQuery):
            return web.error(request, 400, f"This list cannot be shown: {error}.")
        return web.error(request, 503, f"The search was stopped: {error}. Try fewer or rarer words, or pick a facet first.")

    def home(request: Request) -> Response:
        try:
            filters, page = load(request)
        except (BadQuery, QueryTimeout) as error:
            return failed(request, error)
        params = filters.params()
        facets = [
            (name, FACET_TITLES[name], [(value, with_query("/", facet_link(filters, name, value.value))) for value in values])
            for name, values in page.facets.items()
            if values
        ]
        return web.page(
            request, "stories.html.j2", filters=filters, page=page, facets=facets, sorts=SORTS, story_card=story_card,
            search_text=filters.q,
            next_url=with_query("/", filters.params(after=page.next_cursor)) if page.next_cursor else None,
            first_url=with_query("/", filters.params()) if filters.after else None,
            sort_url=lambda sort: with_query("/", filters.params(sort=sort)),
            clear_url=lambda **names: with_query("/", filters.params(**names)),
            json_url=with_query("/stories.json", filters.params(after=filters.after)),
            csv_url=with_query("/stories.csv", params), outlet_url=outlet_url,
            flag_values=FLAG_VALUES, size_labels={key: label for key, label, *_ in SIZE_BUCKETS},
        )  # fmt: skip

    def as_json(request: Request) -> Response:
        try:
            filters, page = load(request)
        except (BadQuery, QueryTimeout) as error:
            return failed(request, error)
        return JSONResponse({
            "filters": filters.params(after=filters.after),
            "sort": filters.order,
            "total": page.total,
            "stories": [item_json(item) for item in page.items],
            "next": with_query("/stories.json", filters.params(after=page.next_cursor)) if page.next_cursor else None,
            "facets": {
                name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
                for name, values in page.facets.items()
            },
        })  # fmt: skip

    def as_csv(request: Request) -> Response:
        try:
            filters = StoryFilters.from_params(request.query_params)
            store = web.store()
            with time_limit(store.connection, web.settings.search_time_limit_ms / 1000):
                items = all_stories(store.connection, filters, web.settings.csv_max_rows, web.story_rows(request))
        except (BadQuery, QueryTimeout) as error:
            return failed(request, error)
        columns = ["id", "title", "articles", "first_date", "last_date", "outlets", "briefed", "independent_sources",
                   "quotes", "altered_quotes", "conflicting_facts", "copies", "url"]  # fmt: skip
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for item in items:
            row = item_json(item)
            row["outlets"] = "; ".join(row["outlets"])
            writer.writerow([spreadsheet_safe(row[name]) for name in columns])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="stories.csv"'})  # fmt: skip

    return [Route("/", home), Route("/stories.json", as_json), Route("/stories.csv", as_csv)]


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or CR)
    is a formula there, so it gets a leading apostrophe (OWASP's CSV injection advice)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
