"""Each article's reference date: the date its relative dates are read against."""

from __future__ import annotations

import datetime as dt

from .. import dates as datemod
from ..config import BriefOptions
from ..model import Brief


def reference_windows(brief: Brief, options: BriefOptions) -> dict[str, datemod.ReferenceWindow]:
    given = dt.date.fromisoformat(options.reference_date) if options.reference_date else None
    story_dates = [a.published for a in brief.articles if a.published]
    windows = {}
    for article in brief.articles:
        if article.published is None and given is not None:
            windows[article.id] = datemod.ReferenceWindow(given, given, given, inferred=False)
        else:
            windows[article.id] = datemod.infer_reference(article.text, article.published, story_dates, given)
    return windows
