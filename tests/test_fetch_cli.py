"""URLs wherever paths are accepted: `corroborate brief URL...`, `ingest URL|FEED_URL...`,
`--urls FILE`, the WARC archive read back, and one line per URL that fails."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from local_web import Reply, Site, page, rss, story_page

from corroborate.cli import main
from corroborate.ingest import read_articles

pytestmark = pytest.mark.usefixtures("loopback_only")

STORY = Path(__file__).resolve().parent.parent / "src" / "corroborate" / "data" / "example_story" / "articles"
QUICK = ["--set", "per_host_interval=0.02", "--set", "total_timeout=3"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _comparable(brief: dict, label_of: dict[str, str]) -> dict:
    """A brief without what differs between reading files and fetching pages: where each
    article came from (origin, URL, lines removed as site furniture), with outlet names
    that were made up from URL hosts mapped to one name."""
    text = json.dumps(brief, ensure_ascii=False)
    for web, disk in label_of.items():
        text = text.replace(web, disk)
    data = json.loads(text)
    for article in data["articles"]:
        for key in ("url", "origin", "removed"):
            article.pop(key)
    for item in data["inputs"]:
        item.pop("origin")
    return data


def test_the_brief_of_the_story_served_as_web_pages_is_the_brief_of_its_files(tmp_path):
    files = sorted(STORY.glob("*.txt"))
    sites = [Site(f"127.0.0.{n + 2}").start() for n in range(len(files))]  # one host per outlet
    try:
        urls = [site.route(f"/news/{f.stem}", story_page(f)) for site, f in zip(sites, files)]
        archive = tmp_path / "read.warc.gz"
        web = run("brief", *urls, "--format", "json", "--archive", archive, *QUICK)
    finally:
        for site in sites:
            site.stop()
    disk = run("brief", STORY, "--format", "json")
    assert web.exit_code == 0 and disk.exit_code == 0, web.stderr
    web_brief, disk_brief = json.loads(web.stdout), json.loads(disk.stdout)
    # An article whose input names no outlet is labelled by its URL's host: only those differ.
    label_of = {}
    for w, d in zip(web_brief["articles"], disk_brief["articles"]):
        if w["label"] != d["label"]:
            assert w["label"] == urlsplit(w["url"]).netloc and d["label"] == urlsplit(d["url"]).hostname
            label_of[w["label"]] = d["label"]
    assert len(label_of) == 1  # the one article without a `source` line
    assert _comparable(web_brief, label_of) == _comparable(disk_brief, {})

    # The archive holds exactly what was read: the same articles come back from it
    # (in the order the answers came).
    again, problems = read_articles([archive])
    fetched, _ = read_articles([str(f) for f in files])
    assert not problems and sorted(a.url for a in again) == sorted(urls)
    assert sorted(a.text for a in again) == sorted(a.text for a in fetched)


def test_ingest_urls_and_a_feed_reports_each_bad_url_in_one_line(tmp_path):
    paragraphs = [
        "The Harwick Bay ferry service resumed on Thursday after a three-week suspension caused by storm damage.",
        "Harbour master Ilse Varnum said the repaired landing had been inspected twice and was safe to use.",
    ]
    db = tmp_path / "news.db"
    with Site() as site:
        versions = [page(f"Ferry news {n}", [p + f" Update {n}." for p in paragraphs]) for n in range(2)]
        edited = page("Ferry news 0", [p.replace("three-week", "four-week") + " Update 0." for p in paragraphs])
        good = [site.route("/news/0", [versions[0], edited]), site.route("/news/1", versions[1])]
        locked = site.route("/news/locked", page("Fares", paragraphs[:1], extra="<p>Subscribe to continue reading.</p>"))
        feed = site.route("/rss", rss("Harwick Gazette", [("a", good[0]), ("b", good[1]), ("c", site.url("/news/gone")), ("d", locked)]))
        (tmp_path / "urls.txt").write_text(f"# our reading list\n{feed}\nhttp://nosuch.invalid/story   # a typo\nnot-a-url\n")
        first = run("ingest", "--urls", tmp_path / "urls.txt", "--db", db, *QUICK)
        second = run("ingest", feed, "--db", db, *QUICK)
        hits = {url: len(site.hits(urlsplit(url).path)) for url in good}
        recheck = run("ingest", good[0], "--db", db, *QUICK)  # a stored URL, asked for again
        nothing = run("ingest", site.url("/news/gone"), "--db", db, *QUICK)
    assert first.exit_code == 0
    assert "2 new" in first.stdout and "the store has 2 articles" in first.stdout
    assert first.stderr.strip().splitlines() == [
        f"corroborate: {tmp_path / 'urls.txt'}:4: not-a-url: malformed URL (it does not start with http:// or https://)",
        f"corroborate: {site.url('/news/gone')}: not found (HTTP 404)",
        f"corroborate: {locked}: paywalled: a subscription prompt (“Subscribe to continue reading”) and only 21 words "
        "of article text (not extracted)",
        "corroborate: http://nosuch.invalid/story: unknown host (the name does not resolve)",
    ]
    assert "Traceback" not in first.output
    # Run again: the feed's entries the store has are not fetched again.
    assert "0 new" in second.stdout and "already stored" in second.stdout and all(n == 1 for n in hits.values())
    assert "checked again (1 changed)" in recheck.stdout
    changes = json.loads(run("changes", "--db", db, "--format", "jsonl").stdout)
    assert changes["url"] == good[0] and changes["versions"] == 2 and (changes["words_added"], changes["words_removed"]) == (1, 1)
    assert nothing.exit_code == 2 and "nothing to ingest: no readable article" in nothing.stderr


def test_brief_of_urls_that_all_fail_says_so_and_exits_2(tmp_path):
    with Site() as site:
        site.route("/doc.pdf", Reply(body=b"%PDF-1.7", content_type="application/pdf"))
        result = run("brief", site.url("/doc.pdf"), site.url("/missing"), *QUICK)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].endswith("/doc.pdf: not an HTML page or feed (Content-Type: application/pdf)")
    assert lines[1].endswith("/missing: not found (HTTP 404)")
    assert lines[-1] == "corroborate: error: nothing to brief: no readable article in the input"
