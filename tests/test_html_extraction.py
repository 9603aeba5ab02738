"""HTML pages: main text as one paragraph per line, metadata, junk left by the
page removed by cleaning, pages without an article reported, and the quality
gate on real pages (token F1 against the gold body, not worse than trafilatura).

The pages here are written for these tests (fictional outlet, people and URLs).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import ROOT, floor, shared_path

from corroborate.clean import clean
from corroborate.ingest.html import parse_html, read
from corroborate.model import InputProblem, RawArticle

PARAGRAPHS = [
    "The Wexford ferry will sail again in April, Mayor Odile Brannock told the harbour council on Monday evening.",
    "The route closed in 2029 after its only vessel failed an inspection, leaving the island of Carrow without a daily crossing.",
    "“We owe the islanders a crossing, and they will have one by spring,” Brannock said, adding that a leased boat had been found.",
    "Councillor Ivo Penhallow said the lease would cost £1.2m a year and asked who would pay for it once the grant ran out.",
]


def page(paragraphs=PARAGRAPHS, extra_body: str = "", charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>Wexford ferry to sail again in April | The Quayside Courier</title>
<meta property="og:title" content="Wexford ferry to sail again in April">
<meta property="og:site_name" content="The Quayside Courier">
<meta property="og:url" content="https://quayside-courier.example/news/wexford-ferry">
<meta property="article:published_time" content="2025-03-04T18:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Wexford ferry to sail again in April</h1>
{extra_body}
{body}
</article>
<footer><p>© 2025 The Quayside Courier. All rights reserved.</p></footer>
</body></html>"""


def test_main_text_comes_as_one_paragraph_per_line_with_metadata() -> None:
    raw = parse_html(page(), "ferry.html")
    assert isinstance(raw, RawArticle)
    lines = [line for line in raw.text.split("\n") if line]
    for paragraph in PARAGRAPHS:
        assert paragraph in lines
    assert "Home" not in lines and not any("All rights reserved" in line for line in lines)
    assert raw.title == "Wexford ferry to sail again in April"
    assert raw.outlet == "The Quayside Courier"
    assert raw.published.isoformat() == "2025-03-04"
    assert raw.url == "https://quayside-courier.example/news/wexford-ferry"
    assert raw.format == "html"
    assert raw.origin == "ferry.html"


def test_given_url_wins_over_the_page_url() -> None:
    raw = parse_html(page(), "record#3", url="https://mirror.example/ferry")
    assert raw.url == "https://mirror.example/ferry"


def test_title_with_site_name_suffix_is_shortened() -> None:
    html = page().replace('<meta property="og:title" content="Wexford ferry to sail again in April">', "")
    raw = parse_html(html, "ferry.html")
    assert raw.title == "Wexford ferry to sail again in April"


def test_junk_left_in_the_article_body_is_removed_by_cleaning() -> None:
    junk = (
        "<p>By hattie quennell</p><p>Story saved!Story saved!</p>"
        "<p>size-large wp-image-4471</p><p>Credit: Harbour Pictures</p><p>Related: Carrow island school to reopen</p>"
    )
    article = clean(parse_html(page(extra_body=junk), "ferry.html"))
    assert article.text.split("\n\n") == PARAGRAPHS  # all of the article, nothing else
    removed = {line.text: line.reason for line in article.removed}
    for text in ("By hattie quennell", "Story saved!Story saved!", "size-large wp-image-4471", "Credit: Harbour Pictures"):
        assert text not in article.text.split("\n\n")
    assert "Wexford ferry to sail again in April" not in article.text.split("\n\n")  # repeated headline
    assert set(removed.values()) >= {"byline", "share/save widget", "CMS class names", "image credit"}


def test_cp1252_page_declared_in_its_meta_tag_is_decoded() -> None:
    paragraphs = [p.replace("“", "\u201c") for p in PARAGRAPHS] + ["The café at the quay will open at 7am, its owner said on Tuesday morning."]
    data = page(paragraphs, charset="windows-1252").encode("cp1252")
    raw = parse_html(data, "ferry.html")
    assert "The café at the quay will open at 7am, its owner said on Tuesday morning." in raw.text
    assert "“We owe the islanders a crossing" in raw.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"   \n  ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        (b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>", "no article text found"),
        (b"<html><body><div>menu</div></body></html>", "no article text found"),
    ],
)
def test_pages_without_an_article_are_problems_not_errors(data: bytes, message: str) -> None:
    problem = parse_html(data, "page.html")
    assert isinstance(problem, InputProblem)
    assert problem.message == message
    assert str(problem).startswith("page.html")


def test_when_precise_extraction_keeps_almost_nothing_the_balanced_text_is_taken(monkeypatch) -> None:
    import trafilatura

    from corroborate.ingest import html

    real = trafilatura.bare_extraction

    def failing_precision(text, **options):
        document = real(text, **options)
        if options.get("favor_precision"):
            document.text = "© 2025 The Quayside Courier. All rights reserved."  # what one real page kept
        return document

    monkeypatch.setattr(trafilatura, "bare_extraction", failing_precision)
    raw = parse_html(page(), "fallback.html")
    assert isinstance(raw, RawArticle)
    assert PARAGRAPHS[0] in raw.text and PARAGRAPHS[-1] in raw.text
    # Without the rule the page would come back with no article text.
    monkeypatch.setattr(html, "_FALLBACK_SHARE", 0.0)
    assert isinstance(parse_html(page(), "fallback.html"), InputProblem)


def test_read_reads_one_file(tmp_path: Path) -> None:
    path = tmp_path / "ferry.htm"
    path.write_text(page(), encoding="utf-8")
    (item,) = list(read(path))
    assert isinstance(item, RawArticle) and item.origin == str(path)


def test_read_reports_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    (item,) = list(read(path))
    assert isinstance(item, InputProblem) and item.message == "empty file"


# --- real-data gate -------------------------------------------------------------------


def _benchmark():
    spec = importlib.util.spec_from_file_location("html_extraction_benchmark", ROOT / "benchmarks" / "html_extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_extraction_on_real_pages_beats_trafilatura_alone() -> None:
    shared_path("data", "article_extraction", "pages.jsonl")
    benchmark = _benchmark()
    extractors = {name: benchmark.EXTRACTORS[name] for name in (benchmark.BASELINE, benchmark.OURS)}
    results = benchmark.evaluate(benchmark.load_pages(), extractors)
    ours, baseline = results[benchmark.OURS], results[benchmark.BASELINE]
    assert ours["f1"] >= floor("html_extraction_f1")
    assert ours["f1"] >= baseline["f1"]
