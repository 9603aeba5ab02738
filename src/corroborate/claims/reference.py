"""Each article's reference date: the date its relative dates are read against."""

from __future__ import annotations

import datetime as dt

from .. import dates as datemod
from ..config import BriefOptions
from ..guard import per_article
from ..model import Brief


def reference_windows(brief: Brief, options: BriefOptions) -> dict[str, datemod.ReferenceWindow]:
    given = dt.date.fromisoformat(options.reference_date) if options.reference_date else None
    story_dates = [a.published for a in brief.articles if a.published]
    windows = {}
    for article in brief.articles:
        if article.published is None and given is not None:
            windows[article.id] = datemod.ReferenceWindow(given, given, given, inferred=False)
        else:
            unknown = datemod.ReferenceWindow(given, None, given, inferred=True)  # if inferring fails on this one
            windows[article.id] = per_article(
                article, datemod.infer_reference, article.text, article.published, story_dates, given, default=unknown
            )
    return windows
