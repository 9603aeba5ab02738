"""Renderers: turn a finished `Brief` into terminal text, Markdown, JSON or HTML.

Renderers never analyse. They only read the Brief (see model.py) and lay out
what the analysis stages put there; every section appears when it is
non-empty. Each format lives in its own module and is imported only when
used, so `corroborate --help` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from ..model import Brief

# format name -> module under corroborate.render; each module has
# `render(brief, options: RenderOptions) -> str`.
FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "md": "markdown",
    "json": "json",
    "html": "html",
}


@dataclass(frozen=True)
class RenderOptions:
    """How to lay a brief out (not what to analyse: that is config.BriefOptions)."""

    show_removed: bool = False  # list every line cleaning removed, with its reason
    color: bool = False  # terminal format only: ANSI colours
    width: int = 100  # terminal format only: line width
    show_all: bool = False  # every item of every section (by default long sections show their top: render/ranking.py)


def render(brief: Brief, format: str = "terminal", options: RenderOptions | None = None) -> str:  # noqa: A002
    """The brief as text in `format` (one of FORMATS)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    module = import_module(f".{FORMATS[format]}", __name__)
    return module.render(brief, options or RenderOptions())
