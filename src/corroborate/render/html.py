"""The brief as one self-contained HTML page: inline CSS and SVG, no script, no
network, readable on a phone.

The page is a Jinja2 template (templates/report.html.j2, which includes the
sections in templates/brief_sections.html.j2 that the web app's story page
shares) with autoescaping on for everything, so no text from an article (title, outlet, body, quotes) can
become markup: `<script>` arrives as text and an `onerror=` attribute is just
words. This module only prepares what the template lays out: citation numbers,
the who-copied-whom graph and the timeline strip as SVG coordinates.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

from .. import __version__
from ..model import Brief
from . import RenderOptions
from . import common as view
from . import ranking

# Colours of independent source groups in the graph (colour-blind-safe, Okabe-Ito).
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@cache
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("corroborate", "render/templates"),
        autoescape=True,  # every {{ }} is escaped, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Node:
    number: int
    label: str
    x: float
    y: float
    colour: str
    label_anchor: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str
    title: str


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


NODE_RADIUS = 15
LABEL_CHARS = 20


def copy_graph(brief: Brief) -> Graph | None:
    """Articles on a circle, an arrow from each original to its copy or rewrite."""
    shown = view.shown_relations(brief)
    if not shown:
        return None
    numbers = view.source_numbers(brief)
    count = len(brief.articles)
    width, height = 420, (320 if count > 2 else 110)
    centre_x, centre_y = width / 2, (height / 2 - 8 if count > 2 else 40)
    # Room at the sides for a label of LABEL_CHARS centred under a node (~6.5 px a character).
    radius_x = width / 2 - LABEL_CHARS * 6.5 / 2 - 6
    radius_y = height / 2 - 48 if count > 2 else 0
    positions = {}
    nodes = []
    # Members of one source group sit side by side, so copy arrows are short and do not cross.
    placed = sorted(brief.articles, key=lambda a: (brief.group_of(a.id), numbers[a.id]))
    for index, article in enumerate(placed):
        angle = -math.pi / 2 + 2 * math.pi * index / count if count > 2 else math.pi * (1 - index)
        x, y = centre_x + radius_x * math.cos(angle), centre_y + radius_y * math.sin(angle)
        positions[article.id] = (x, y)
        nodes.append(
            Node(
                number=numbers[article.id],
                label=view.short(article.label, LABEL_CHARS),
                x=round(x, 1),
                y=round(y, 1),
                colour=GROUP_COLOURS[brief.group_of(article.id) % len(GROUP_COLOURS)],
                # Labels sit under their node, where no arrow ends.
                label_anchor="middle",
                label_x=round(x, 1),
                label_y=round(y + NODE_RADIUS + 14, 1),
            )
        )
    edges = []
    for rel in shown:
        (x1, y1), (x2, y2) = positions[rel.source], positions[rel.derived]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # Stop the line at the circles' edges so the arrowhead is visible.
        shrink = (NODE_RADIUS + 2) / length
        edges.append(
            Edge(
                x1=round(x1 + (x2 - x1) * shrink, 1),
                y1=round(y1 + (y2 - y1) * shrink, 1),
                x2=round(x2 - (x2 - x1) * (shrink + 4 / length), 1),
                y2=round(y2 - (y2 - y1) * (shrink + 4 / length), 1),
                kind=rel.kind,
                title=f"{brief.article(rel.derived).label} {view.RELATION_PHRASE.get(rel.kind, rel.kind)} {brief.article(rel.source).label} ({rel.score:.2f})",
            )
        )
    return Graph(width, height, tuple(nodes), tuple(edges))


@dataclass(frozen=True)
class Mark:
    number: int
    x: float
    width: float  # 0 for a day; the span of the month or year otherwise
    title: str


@dataclass(frozen=True)
class Strip:
    width: int
    height: int
    left: float
    right: float
    axis_y: float
    marks: tuple[Mark, ...]
    start_label: str
    end_label: str


def _period(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The days a date of this precision may mean (a month-precise date is the whole month)."""
    if precision == "year":
        return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
    if precision == "month":
        following = dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)
        return dt.date(date.year, date.month, 1), following - dt.timedelta(days=1)
    if precision == "week":
        return date, date + dt.timedelta(days=6)
    return date, date


def timeline_strip(brief: Brief) -> Strip | None:
    """The timeline as marks on a date axis: a dot for a day, a bar for a month or a year,
    so the graphic never shows more precision than the text gave."""
    if not brief.timeline:
        return None
    periods = [_period(e.date, e.precision) for e in brief.timeline]
    first = min(p[0] for p in periods)
    last = max(p[1] for p in periods)
    days = max((last - first).days, 1)
    width, left, right = 420, 20.0, 400.0
    marks = []
    for number, (event, (start, end)) in enumerate(zip(brief.timeline, periods), 1):
        x = left + (right - left) * (start - first).days / days
        span_width = (right - left) * ((end - start).days + 1) / days if event.precision != "day" else 0.0
        marks.append(
            Mark(number, round(x, 1), round(min(span_width, right - x), 1), f"{view.date_text(event.date, event.precision)}: {view.short(brief.text(event.description), 80)}")
        )
    return Strip(width, 70, left, right, 30.0, tuple(marks), view.date_text(first), view.date_text(last))


def template_context(brief: Brief, options: RenderOptions | None = None) -> dict:
    """What the brief's templates read: the report (report.html.j2) and the web app's
    story page include the same sections (brief_sections.html.j2) with this."""
    return {
        "brief": brief,
        "view": view,
        "options": options or RenderOptions(),
        "ranking": ranking,
        "limits": ranking.limits((options or RenderOptions()).show_all),
        "numbers": view.source_numbers(brief),
        "graph": copy_graph(brief),
        "strip": timeline_strip(brief),
        "version": __version__,
        "safe_url": safe_url,
    }


def render(brief: Brief, options: RenderOptions | None = None) -> str:
    return environment().get_template("report.html.j2").render(**template_context(brief, options))


def safe_url(url: str | None) -> bool:
    """Only web links become links: a `javascript:` URL from an input must not."""
    return bool(url) and url.lower().startswith(("http://", "https://"))
