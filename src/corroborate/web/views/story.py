"""A story's page: its brief (the report's own sections), coverage over time, and
its articles; `/stories/ID.json` has the brief in the versioned JSON schema.

The page never waits for NLP: without a cached brief it says the brief is being
prepared (the worker has been asked), shows the articles and reloads itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ...render import json as brief_json
from ..app import article_url, iso, outlet_url, story_url
from ..cache import NO_KEEP

REFRESH_SECONDS = 5  # how often a page waiting for its brief reloads itself


@dataclass(frozen=True)
class ArticleRow:
    id: str
    title: str
    outlet: str | None
    published: dt.date | None
    url: str | None


@dataclass(frozen=True)
class Bar:
    day: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    start_label: str
    end_label: str
    peak: int
    undated: int
    step: int  # days per bar


def story_articles(db, story_id: int) -> list[ArticleRow]:
    rows = db.execute(
        "SELECT a.id, a.title, a.outlet, a.published, a.url"
        " FROM memberships m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?"
        " ORDER BY a.published IS NULL, a.published, a.outlet, a.id",
        (story_id,),
    )
    return [
        ArticleRow(article_id, title, outlet, dt.date.fromisoformat(published) if published else None, url)
        for article_id, title, outlet, published, url in rows
    ]


def resolve_merged(db, story_id: int) -> int | None:
    """The story a merged story now lives in (following a chain of merges), or None."""
    seen = {story_id}
    current = story_id
    while True:
        row = db.execute("SELECT merged_into FROM stories WHERE id = ?", (current,)).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return current if current != story_id else None
        current = row[0]
        seen.add(current)


def coverage_chart(articles: list[ArticleRow]) -> Chart | None:
    """Articles per day (per week over long stories) as bars on a date axis."""
    dates = [a.published for a in articles if a.published]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    step = 1 if (last - first).days <= 60 else 7
    counts = Counter((d - first).days // step for d in dates)
    slots = (last - first).days // step + 1
    width, height, left, right, top, baseline = 420, 110, 10.0, 410.0, 10.0, 80.0
    slot_width = (right - left) / slots
    peak = max(counts.values())
    bars = []
    for slot, count in sorted(counts.items()):
        day = first + dt.timedelta(days=slot * step)
        bar_height = (baseline - top) * count / peak
        label = day.isoformat() if step == 1 else f"week of {day.isoformat()}"
        bars.append(Bar(day, count, round(left + slot * slot_width + slot_width * 0.1, 1), round(baseline - bar_height, 1),
                        round(max(slot_width * 0.8, 1.0), 1), round(bar_height, 1), f"{label}: {count} article{'s' if count != 1 else ''}"))  # fmt: skip
    undated = len(articles) - len(dates)
    return Chart(width, height, baseline, tuple(bars), first.isoformat(), last.isoformat(), peak, undated, step)


@dataclass(frozen=True)
class StoryView:
    """What a story's page and its JSON twin show."""

    id: int
    title: str
    articles: list[ArticleRow]
    chart: Chart | None
    state: object  # app.BriefState


def routes(web) -> list[Route]:
    def load(request: Request, suffix: str) -> StoryView | Response:
        """The story, or the response for a story that is not there (merged: a redirect)."""
        story_id = request.path_params["story_id"]
        db = web.store().connection
        row = db.execute("SELECT title FROM stories WHERE id = ?", (story_id,)).fetchone()
        articles = story_articles(db, story_id) if row else []
        if not articles:
            moved = resolve_merged(db, story_id)
            if moved is not None:
                return RedirectResponse(story_url(moved, suffix), status_code=301)
            return web.error(request, 404, f"There is no story {story_id} in this store.")
        state = web.brief_status(story_id)
        title = (state.brief.title if state.brief else row[0]) or "Untitled story"
        return StoryView(story_id, title, articles, coverage_chart(articles), state)

    def page(request: Request) -> Response:
        story = load(request, "")
        if isinstance(story, Response):
            return story
        state = story.state
        return web.page(
            request, "story.html.j2", story_id=story.id, title=story.title, articles=story.articles, chart=story.chart,
            state=state.status, message=state.message, outlets=sorted({a.outlet for a in story.articles if a.outlet}),
            refresh=REFRESH_SECONDS if state.status == "preparing" else None, json_url=story_url(story.id, ".json"),
            splice=web.brief_sections(state.key, state.brief) if state.brief else None, keep=state.status == "ready",
        )  # fmt: skip

    def as_json(request: Request) -> Response:
        story = load(request, ".json")
        if isinstance(story, Response):
            return story
        brief, chart = story.state.brief, story.chart
        return JSONResponse({
            "id": story.id,
            "url": story_url(story.id),
            "title": story.title,
            "brief_status": story.state.status,
            "message": story.state.message,
            "articles": [
                {"id": a.id, "url": article_url(a.id), "title": a.title, "outlet": a.outlet,
                 "outlet_url": outlet_url(a.outlet) if a.outlet else None, "date": iso(a.published),
                 "source_url": a.url}
                for a in story.articles
            ],
            "coverage": {
                "step_days": chart.step if chart else None,
                "counts": [{"date": bar.day.isoformat(), "articles": bar.count} for bar in chart.bars] if chart else [],
                "undated": sum(1 for a in story.articles if a.published is None),
            },
            "brief": brief_json.to_dict(brief) if brief else None,
        }, headers=None if brief else {NO_KEEP.decode(): "1"})  # fmt: skip

    return [Route("/stories/{story_id:int}.json", as_json), Route("/stories/{story_id:int}", page)]
