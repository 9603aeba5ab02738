"""A stage never takes the brief down with it.

One article the code trips over (an odd character, a parse that goes wrong,
a bug we have not met yet) must cost that article's contribution to that
stage, not the brief. Two guards, both recording a `StageProblem` (stage,
article, the error in one line) that ends up in `Brief.problems`:

- inside a stage, per article: `per_article(article, work, *args, default=...)`
  runs `work(*args)` and returns `default` when it raises;
- around a stage, in `brief.analyse`: `run_stage(name, stage, brief, options)`
  is the last resort when the stage fails as a whole: the brief goes on
  without that stage's results.

`per_article` records into the stage `run_stage` is running; called outside
one (a stage function called directly, as tests do), it lets the exception
through, so a bug is never hidden from its caller.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from .model import Article, Brief, StageProblem

log = logging.getLogger(__name__)

T = TypeVar("T")

# The problems of the stage now running (in this thread), or None outside any.
_RUNNING: contextvars.ContextVar[tuple[str, list[StageProblem]] | None] = contextvars.ContextVar(
    "corroborate_stage", default=None
)


def problem(stage: str, article: Article | None, error: BaseException) -> StageProblem:
    """The failure as one line: the error's type and the first line of its message."""
    detail = (str(error).splitlines() or [""])[0].strip()[:200]
    error_text = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    if article is None:
        message = f"the {stage} stage failed ({error_text}); the brief has no {stage}"
        return StageProblem(origin="brief", message=message, stage=stage)
    message = f"the {stage} stage failed on this article ({error_text}); it is left out of the {stage}"
    return StageProblem(origin=article.origin, message=message, stage=stage, article_id=article.id)


def per_article(article: Article, work: Callable[..., T], *args, default: T) -> T:
    """`work(*args)` for one article; inside a stage run by `run_stage`, a failure
    becomes a `StageProblem` for `article` and `default` is returned instead."""
    running = _RUNNING.get()
    if running is None:
        return work(*args)
    try:
        return work(*args)
    except Exception as error:  # noqa: BLE001 - that is the point: see the module docstring
        stage, problems = running
        log.debug("stage %s failed on %s", stage, article.origin, exc_info=True)
        problems.append(problem(stage, article, error))
        return default


def run_stage(name: str, stage: Callable[[Brief, object], Brief], brief: Brief, options) -> Brief:
    """`stage(brief, options)` with its failures, per article or whole, added to
    `brief.problems`; when the whole stage fails, the brief as it was before it."""
    problems: list[StageProblem] = []
    token = _RUNNING.set((name, problems))
    try:
        result = stage(brief, options)
    except Exception as error:  # noqa: BLE001 - the last resort: see the module docstring
        log.debug("stage %s failed", name, exc_info=True)
        problems.append(problem(name, None, error))
        result = brief
    finally:
        _RUNNING.reset(token)
    if not problems:
        return result
    return replace(result, problems=result.problems + tuple(problems))


def failed_articles(brief: Brief, stage: str) -> set[str]:
    """Ids of the articles `stage` failed on (all of them when it failed whole)."""
    failed: set[str] = set()
    for item in brief.problems:
        if isinstance(item, StageProblem) and item.stage == stage:
            if item.article_id is None:
                return {article.id for article in brief.articles}
            failed.add(item.article_id)
    return failed
