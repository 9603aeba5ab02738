"""An article's page: its cleaned text with the brief's quotes, claims and dates
marked, the lines cleaning removed as junk (and why), its copies and rewrites,
and its versions when the store keeps them; `/articles/ID.json` the same data."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...model import TITLE_LINE
from ...render import common as view
from ..app import article_url, iso, outlet_url, story_url
from ..cache import NO_KEEP
from ..highlight import marks, pieces

# Article ids are made by corroborate from the content (letters and digits): a
# path parameter that is anything else (a `..`, a slash) is refused before any lookup.
ARTICLE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
RELATED_KINDS = (*view.COPY_KINDS, "shares-quotes-only")


def versions(store, article_id: str) -> list[dict]:
    """Every version of the article the store keeps (`Store.versions`, issue 15): one
    for an article read from a file or never changed, more when a later fetch of its
    URL found other text (or found it taken down)."""
    return [
        {"number": v.number, "fetched_at": v.fetched_at.isoformat() if v.fetched_at else None, "url": v.url,
         "title": v.title, "words": len(v.text.split()), "gone": v.gone, "text": v.text}
        for v in store.versions(article_id)
    ]  # fmt: skip


def related(brief, article_id: str) -> list[dict]:
    """The copy, rewrite and quote-sharing relations the article is part of."""
    out = []
    for relation in brief.relations:
        if relation.kind not in RELATED_KINDS or article_id not in (relation.source, relation.derived):
            continue
        other = relation.source if relation.derived == article_id else relation.derived
        phrase = view.RELATION_PHRASE.get(relation.kind, relation.kind)
        out.append({
            "kind": relation.kind,
            "role": "copy" if relation.derived == article_id else "original",
            "other": other,
            "other_label": brief.article(other).label,
            "phrase": phrase,  # reads "<copy> <phrase> <original>"
            "score": relation.score,
            "direction_confidence": relation.direction_confidence,
            "evidence": list(relation.evidence),
        })  # fmt: skip
    return sorted(out, key=lambda r: (view.COPY_KINDS.index(r["kind"]) if r["kind"] in view.COPY_KINDS else 9, -r["score"]))


def routes(web) -> list[Route]:
    def load(request: Request):
        article_id = request.path_params["article_id"]
        if not ARTICLE_ID.fullmatch(article_id):
            return None, None, None, None
        store = web.store()
        article = store.article(article_id)
        if article is None:
            return None, None, None, None
        row = store.connection.execute("SELECT story_id FROM memberships WHERE article_id = ?", (article_id,)).fetchone()
        story_id = row[0] if row else None
        if story_id is None:
            return article, None, None, ("none", "")
        state = web.brief_status(story_id)
        return article, story_id, state.brief, (state.status, state.message)

    def missing(request: Request) -> Response:
        return web.error(request, 404, "There is no such article in this store.")

    def page(request: Request) -> Response:
        article, story_id, brief, state = load(request)
        if article is None:
            return missing(request)
        found = marks(brief, article.id) if brief else []
        return web.page(
            request, "article.html.j2", article=article, story_id=story_id, brief=brief, state=state[0], message=state[1],
            pieces=pieces(article.text, found), marked=found, relations=related(brief, article.id) if brief else [],
            junk=[line for line in article.removed if line.reason != TITLE_LINE],
            versions=versions(web.store(), article.id), json_url=article_url(article.id, ".json"),
            keep=state[0] in ("ready", "none"),
        )  # fmt: skip

    def as_json(request: Request) -> Response:
        article, story_id, brief, state = load(request)
        if article is None:
            return missing(request)
        return JSONResponse({
            "id": article.id,
            "url": article_url(article.id),
            "title": article.title,
            "outlet": article.outlet,
            "outlet_url": outlet_url(article.outlet) if article.outlet else None,
            "date": iso(article.published),
            "source_url": article.url,
            "origin": article.origin,
            "story": story_id,
            "story_url": story_url(story_id) if story_id is not None else None,
            "brief_status": state[0],
            "text": article.text,
            "words": article.word_count,
            "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in article.removed],
            "highlights": [m.as_json(article.text) for m in marks(brief, article.id)] if brief else [],
            "relations": related(brief, article.id) if brief else [],
            "versions": versions(web.store(), article.id),
        }, headers=None if state[0] in ("ready", "none") else {NO_KEEP.decode(): "1"})  # fmt: skip

    return [Route("/articles/{article_id}.json", as_json), Route("/articles/{article_id}", page)]
