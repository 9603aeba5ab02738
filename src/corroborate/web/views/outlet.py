"""An outlet's record across every story of the store, measured from the data:
stories covered, how often it reported first, copies of others it printed,
quotes it printed and the share it altered, facts it stated against the
independent majority. Every number links to the list of its evidence, each item
to the article and story it comes from; `/outlets/NAME.json` the same data.

Dates say who reported first (to the day: a tie is counted as a tie); the rest
comes from the cached briefs (store.summaries), so the page says over how many
of the outlet's stories a brief has been made."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...store.summaries import ALTERING_VERDICTS
from ..app import article_url, outlet_url, story_url
from ..highlight import claim_anchor, quote_anchor

MAX_NAME = 300


@dataclass
class StoryCoverage:
    id: int
    title: str
    size: int
    articles: list[tuple[str, str | None]]  # (article id, date) of this outlet
    first_date: str | None  # the story's earliest date
    mine: str | None  # this outlet's earliest date in the story
    outlets_first: int  # outlets with an article on the first date
    briefed: bool

    @property
    def first(self) -> str:
        """alone | tied | no | unknown (undated)"""
        if not self.mine or not self.first_date:
            return "unknown"
        if self.mine != self.first_date:
            return "no"
        return "alone" if self.outlets_first == 1 else "tied"


@dataclass
class Evidence:
    story_id: int
    article_id: str
    label: str
    detail: str
    href: str  # where the evidence is shown: the article's marked text
    other_article_id: str | None = None


@dataclass
class OutletRecord:
    name: str
    articles: int
    stories: list[StoryCoverage]
    copies: list[Evidence] = field(default_factory=list)
    quotes: list[Evidence] = field(default_factory=list)
    facts: list[Evidence] = field(default_factory=list)

    @property
    def briefed(self) -> list[StoryCoverage]:
        return [s for s in self.stories if s.briefed]

    def firsts(self, kind: str) -> list[StoryCoverage]:
        return [s for s in self.stories if s.first == kind]

    @property
    def altered(self) -> list[Evidence]:
        return [e for e in self.quotes if e.label in ALTERING_VERDICTS]

    @property
    def against_majority(self) -> list[Evidence]:
        return [e for e in self.facts if e.label == "against-majority"]

    @property
    def disputed(self) -> list[Evidence]:
        return [e for e in self.facts if e.label == "disputed"]

    @property
    def altered_share(self) -> float | None:
        return len(self.altered) / len(self.quotes) if self.quotes else None


def outlet_record(db, name: str) -> OutletRecord | None:
    mine = db.execute(
        "SELECT m.story_id, a.id, a.published FROM articles a JOIN memberships m ON m.article_id = a.id"
        " WHERE a.outlet = ? ORDER BY a.published, a.id",
        (name,),
    ).fetchall()
    if not mine:
        return None
    ids = json.dumps(sorted({story for story, _, _ in mine}))
    firsts = {
        story: (first, size, title, outlets_first)
        for story, first, size, title, outlets_first in db.execute(
            "WITH f AS (SELECT m.story_id, MIN(a.published) AS first, COUNT(*) AS size FROM memberships m"
            " JOIN articles a ON a.id = m.article_id WHERE m.story_id IN (SELECT value FROM json_each(?)) GROUP BY m.story_id)"
            " SELECT f.story_id, f.first, f.size, s.title,"
            " (SELECT COUNT(DISTINCT COALESCE(a.outlet, a.id)) FROM memberships m JOIN articles a ON a.id = m.article_id"
            "  WHERE m.story_id = f.story_id AND a.published = f.first)"
            " FROM f JOIN stories s ON s.id = f.story_id",
            (ids,),
        )
    }
    briefed = {row[0] for row in db.execute("SELECT story_id FROM story_summary WHERE story_id IN (SELECT value FROM json_each(?))", (ids,))}
    coverage: dict[int, StoryCoverage] = {}
    for story, article_id, published in mine:
        first, size, title, outlets_first = firsts[story]
        item = coverage.setdefault(story, StoryCoverage(story, title, size, [], first, published, outlets_first, story in briefed))
        item.articles.append((article_id, published))
    stories = sorted(coverage.values(), key=lambda s: (s.first_date or "", s.id), reverse=True)
    record = OutletRecord(name, len(mine), stories)
    for story, article_id, kind, label, start, other, detail in db.execute(
        "SELECT f.story_id, f.article_id, f.kind, f.label, f.span_start, f.other_article_id, f.detail"
        " FROM brief_findings f JOIN articles a ON a.id = f.article_id WHERE a.outlet = ?"
        " ORDER BY f.story_id DESC, f.article_id, f.span_start",
        (name,),
    ):
        if kind == "copy":
            record.copies.append(Evidence(story, article_id, label, detail, article_url(article_id, "#relations"), other))
        elif kind == "quote":
            record.quotes.append(Evidence(story, article_id, label, detail, article_url(article_id, f"#{quote_anchor(start)}")))
        elif kind == "fact":
            record.facts.append(Evidence(story, article_id, label, detail, article_url(article_id, f"#{claim_anchor(start)}")))
    return record


def _evidence_json(items: list[Evidence]) -> list[dict]:
    return [
        {"story": e.story_id, "story_url": story_url(e.story_id), "article": e.article_id, "label": e.label,
         "detail": e.detail, "evidence_url": e.href,
         "other_article": e.other_article_id, "other_article_url": article_url(e.other_article_id) if e.other_article_id else None}
        for e in items
    ]  # fmt: skip


def record_json(record: OutletRecord) -> dict:
    return {
        "name": record.name,
        "url": outlet_url(record.name),
        "articles": record.articles,
        "stories_covered": len(record.stories),
        "stories_briefed": len(record.briefed),
        "first_to_report": {"alone": len(record.firsts("alone")), "tied": len(record.firsts("tied")),
                            "not_first": len(record.firsts("no")), "undated": len(record.firsts("unknown"))},  # fmt: skip
        "copies_of_others": len(record.copies),
        "quotes_printed": len(record.quotes),
        "quotes_altered": len(record.altered),
        "altered_share": record.altered_share,
        "facts_against_majority": len(record.against_majority),
        "facts_disputed": len(record.disputed),
        "stories": [
            {"id": s.id, "url": story_url(s.id), "title": s.title, "articles": s.size, "first_date": s.first_date,
             "outlet_first_date": s.mine, "first": s.first, "briefed": s.briefed,
             "outlet_articles": [{"id": a, "url": article_url(a), "date": d} for a, d in s.articles]}
            for s in record.stories
        ],  # fmt: skip
        "evidence": {
            "copies": _evidence_json(record.copies),
            "quotes": _evidence_json(record.quotes),
            "facts": _evidence_json(record.facts),
        },
    }


def routes(web) -> list[Route]:
    def page(request: Request) -> Response:
        name = request.path_params["name"]
        as_json = False
        db = web.store().connection
        record = outlet_record(db, name) if _plausible(name) else None
        if record is None and name.endswith(".json"):
            name, as_json = name[: -len(".json")], True
            record = outlet_record(db, name) if _plausible(name) else None
        if record is None:
            return web.error(request, 404, "No outlet of that name has articles in this store.")
        if as_json:
            return JSONResponse(record_json(record))
        return web.page(request, "outlet.html.j2", record=record, json_url=outlet_url(record.name, ".json"))

    return [Route("/outlets/{name:path}", page)]


def _plausible(name: str) -> bool:
    return 0 < len(name) <= MAX_NAME and not any(ord(c) < 32 for c in name)
