"""The HTML brief: one self-contained, phone-readable page in which no article
text can run code. Parsed with the standard library's HTMLParser, so the
checks see tags and attributes as a browser would, not as substrings."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from builders import full_brief, minimal_brief

from corroborate.render import RenderOptions, render
from corroborate.render.html import copy_graph, timeline_strip

XSS = '<script>alert(1)</script> <img src=x onerror=alert(1)> "><svg onload=alert(1)> javascript:alert(1)'


class Page(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def hostile_page() -> tuple[str, Page]:
    text = render(full_brief(XSS), "html", RenderOptions(show_removed=True))
    return text, Page(text)


def test_article_text_never_becomes_markup(hostile_page):
    text, page = hostile_page
    assert page.named("script") == [], "the report needs no script, and article text must not add one"
    assert page.named("img") == []
    for tag, attrs in page.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag}> has event handler attributes {handlers}"
        for name in ("href", "src", "xlink:href"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), f"<{tag} {name}> runs code"
    # The payload is still shown, as text, in every section that printed it.
    visible = "".join(page.text)
    assert visible.count("<script>alert(1)</script>") >= 10
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_svg_graph_labels_are_escaped(hostile_page):
    text, page = hostile_page
    svg_start = text.index("<svg")
    svg = text[svg_start : text.index("</svg>", svg_start)]
    assert "Eastmere Gazette &lt;script&gt;" in svg
    assert "<script" not in svg


def test_javascript_urls_from_inputs_are_not_links():
    import dataclasses

    brief = full_brief()
    article = dataclasses.replace(brief.articles[0], url="javascript:alert(1)")
    brief = dataclasses.replace(brief, articles=(article,) + brief.articles[1:])
    page = Page(render(brief, "html"))
    assert all(not (a.get("href") or "").startswith("javascript") for a in page.named("a"))


def test_page_is_self_contained(hostile_page):
    text, page = hostile_page
    assert page.named("link") == [] and page.named("iframe") == [] and page.named("object") == []
    for tag, attrs in page.tags:
        if tag == "a":
            continue  # links to the articles are fine: they are followed only when clicked
        for name in ("src", "href", "srcset", "data"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), f"<{tag} {name}={value}> loads from the network"
    style = text[text.index("<style>") : text.index("</style>")]
    assert "url(" not in style and "@import" not in style


def test_page_is_readable_on_a_phone(hostile_page):
    text, page = hostile_page
    viewports = [m for m in page.named("meta") if m.get("name") == "viewport"]
    assert viewports and "width=device-width" in viewports[0]["content"]
    assert "@media (max-width:" in text
    assert page.named("html")[0].get("lang") == "en"
    assert any(m.get("charset") == "utf-8" for m in page.named("meta"))


def test_page_has_every_section():
    page = Page(render(full_brief(), "html", RenderOptions(show_removed=True)))
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert {"summary", "sources", "relations", "quotes", "facts", "timeline", "entities", "problems", "removed"} <= ids
    assert [attrs.get("id") for attrs in page.named("tr") if attrs.get("id")] == ["src-1", "src-2", "src-3", "src-4"]


def test_summary_citations_link_to_the_sources_table():
    text = render(full_brief(), "html")
    summary = text[text.index('<section id="summary">') : text.index("</section>", text.index('<section id="summary">'))]
    links = [a["href"] for a in Page(summary).named("a")]
    assert links == ["#src-1", "#src-2", "#src-3", "#src-1", "#src-4"]


def test_altered_quote_shows_del_and_ins():
    text = render(full_brief(), "html")
    assert "We will not <del>sail</del> <ins>run</ins> a vessel" in text


def test_conflicts_come_before_other_facts():
    text = html.unescape(render(full_brief(), "html"))
    assert text.index("Where outlets disagree") < text.index("Confirmed by independent sources") < text.index("Resting on one source")


def test_title_and_counts_in_the_header():
    page = Page(render(full_brief(), "html"))
    visible = " ".join(page.text)
    assert "Eastmere ferry withdrawn after hull corrosion found — corroborate brief" in visible
    assert "6 inputs (2 rejected), 4 distinct texts, 2 independent sources" in visible


def test_minimal_brief_has_no_empty_sections():
    page = Page(render(minimal_brief(), "html"))
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert "summary" in ids and not ids & {"relations", "quotes", "facts", "timeline", "problems", "removed"}
    assert page.named("svg") == []


def test_copy_graph_draws_an_arrow_per_copy_and_stays_in_its_box():
    graph = copy_graph(full_brief())
    assert graph is not None and len(graph.edges) == 2
    for node in graph.nodes:
        half_label = len(node.label) * 6.5 / 2
        assert half_label <= node.label_x <= graph.width - half_label
        assert 0 <= node.y <= graph.height and node.label_y <= graph.height


def test_timeline_strip_shows_a_month_as_a_bar_and_a_day_as_a_dot():
    strip = timeline_strip(full_brief())
    day, month, week = strip.marks
    assert day.width == 0 and month.width > week.width > 0
    assert strip.left <= month.x <= day.x == week.x <= strip.right
