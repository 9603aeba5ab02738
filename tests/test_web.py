"""The web app in-process (Starlette's test client, no server): every route, every
JSON shape, search, facets, keyset pages, CSV, the brief worker and the upload
form. The store is tests/web_builders.py's (fictional stories only)."""

from __future__ import annotations

import calendar
import csv
import io
import json
import shutil
import sqlite3
import time
from dataclasses import fields
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from starlette.testclient import TestClient

from corroborate.config import documented_settings
from corroborate.render import render
from corroborate.store import Store
from corroborate.store.briefs import story_brief
from corroborate.web import WebSettings, create_app
from corroborate.web.queries import fts_query
from corroborate.web.worker import BriefWorker

ROOT = Path(__file__).resolve().parent.parent


def client(path: Path, worker=None, **settings) -> TestClient:
    options = WebSettings(allowed_hosts=("testserver",), **settings)
    return TestClient(create_app(path, options, worker=worker))


@pytest.fixture(scope="module")
def web(web_store):
    with client(web_store.path) as test_client:
        yield test_client


class Links(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


# --- the story list ----------------------------------------------------------------------


def test_home_lists_every_story_newest_first_with_counts_and_badges(web, web_store):
    page = web.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    data = web.get("/stories.json").json()
    ids = [story["id"] for story in data["stories"]]
    assert data["total"] == len(ids) == 2 + len(web_store.generated_stories)
    last_dates = [story["last_date"] for story in data["stories"]]
    assert last_dates == sorted(last_dates, reverse=True)
    example = next(s for s in data["stories"] if s["id"] == web_store.example_story)
    assert example["articles"] == 6 and example["briefed"]
    assert example["altered_quotes"] > 0 and example["conflicting_facts"] > 0
    assert 1 <= example["independent_sources"] < 6
    assert "NewsDrop 24" in example["outlets"]
    pending = next(s for s in data["stories"] if s["id"] == web_store.unbriefed_story)
    assert not pending["briefed"] and pending["independent_sources"] is None
    # The HTML shows the same: the title, badges, and "brief pending" for the unbriefed story.
    assert web_store.example_title in page.text
    assert f"{example['altered_quotes']} altered quote" in page.text
    assert "brief pending" in page.text


def test_largest_and_oldest_sorts(web):
    largest = web.get("/stories.json", params={"sort": "largest"}).json()["stories"]
    assert [s["articles"] for s in largest] == sorted((s["articles"] for s in largest), reverse=True)
    oldest = web.get("/stories.json", params={"sort": "oldest"}).json()["stories"]
    firsts = [s["first_date"] for s in oldest if s["first_date"]]
    assert firsts == sorted(firsts)


def test_search_finds_a_story_by_its_text_and_ranks_it(web, web_store):
    found = web.get("/stories.json", params={"q": "footbridge engineers"}).json()
    assert found["sort"] == "relevance"
    assert [s["id"] for s in found["stories"]][:1] == [web_store.example_story]
    assert found["stories"][0]["search_score"] is not None
    # Stemming: "inspections" finds "inspection".
    assert web_store.example_story in [s["id"] for s in web.get("/stories.json", params={"q": "inspections"}).json()["stories"]]
    assert web.get("/stories.json", params={"q": "zebra quokka"}).json()["total"] == 0
    page = web.get("/", params={"q": "footbridge"})
    assert "Stories matching “footbridge”" in page.text and web_store.example_title in page.text


@pytest.mark.parametrize("text", ['"', "AND OR NOT", "col:value", "a*", "(unbalanced", "NEAR(a b", "-", "'; DROP TABLE articles; --"])
def test_search_syntax_in_the_words_is_only_text(web, text):
    response = web.get("/stories.json", params={"q": text})
    assert response.status_code == 200, response.text
    assert web.get("/stories.json").json()["total"] > 0  # the store is intact


def test_fts_query_quotes_every_term():
    assert fts_query('ferry "harbour master" OR x*') == '"ferry" "harbour master" "OR" "x"'
    assert fts_query('say ""') == '"say"'


def test_every_facet_counts_and_narrows(web, web_store):
    data = web.get("/stories.json").json()
    facets = data["facets"]
    assert set(facets) == {"outlet", "month", "size", "conflicts", "altered"}
    for name, values in facets.items():
        for value in values:
            params = {"outlet": value["value"]} if name == "outlet" else {}
            if name == "month":
                year, month = (int(part) for part in value["value"].split("-"))
                last_day = calendar.monthrange(year, month)[1]
                params = {"since": f"{year}-{month:02d}-01", "until": f"{year}-{month:02d}-{last_day}"}
            elif name != "outlet":
                params = {name: value["value"]}
            narrowed = web.get("/stories.json", params=params).json()
            assert narrowed["total"] == value["count"], (name, value)
    altered = web.get("/stories.json", params={"altered": "yes"}).json()
    assert web_store.example_story in [s["id"] for s in altered["stories"]]
    assert all(s["altered_quotes"] for s in altered["stories"])
    unknown = web.get("/stories.json", params={"conflicts": "unknown"}).json()
    assert [s["id"] for s in unknown["stories"]] == [web_store.unbriefed_story]


def test_facet_links_in_the_page_apply_and_remove_filters(web):
    page = web.get("/")
    links = [h for h in Links(page.text).hrefs if "altered=yes" in h]
    assert links, "the altered-quotes facet has a link"
    narrowed = web.get(links[0])
    assert "Altered quotes: Yes" in narrowed.text
    remove = [h for h in Links(narrowed.text).hrefs if h.startswith("/") and "altered" not in h and h != "/"]
    assert any(web.get(h).status_code == 200 for h in remove)


def test_keyset_pages_cover_every_story_once(web_store):
    with client(web_store.path, page_size=2) as small:
        seen, url = [], "/stories.json?sort=largest"
        while url:
            data = small.get(url).json()
            assert len(data["stories"]) <= 2
            seen += [s["id"] for s in data["stories"]]
            url = data["next"]
        everything = small.get("/stories.json").json()["total"]
        assert len(seen) == len(set(seen)) == everything
        # The page's own "next" link carries the filters (a shareable URL).
        page = small.get("/", params={"sort": "largest"})
        nexts = [h for h in Links(page.text).hrefs if "after=" in h]
        assert nexts and parse_qs(urlsplit(nexts[0]).query)["sort"] == ["largest"]


def test_a_cursor_keeps_its_place_when_a_story_arrives(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    with client(path, page_size=2) as small:
        first = small.get("/stories.json", params={"sort": "largest"}).json()
        second_before = small.get(first["next"]).json()["stories"]
        # A new, small story arrives; it sorts after the first page's stories by size.
        from stream_builders import stream, write_jsonl

        with Store(path) as store:
            records = [dict(r, id="late-" + r["id"]) for r in stream(stories=1, per_story=1, seed=99)]
            ingest_records(store, write_jsonl(tmp_path / "late.jsonl", records))
        second_after = small.get(first["next"]).json()["stories"]
        assert [s["id"] for s in second_after][:1] == [s["id"] for s in second_before][:1]


def ingest_records(store, path):
    from corroborate.store.ingest import ingest

    return ingest([path], store, background=False)


@pytest.mark.parametrize(
    "params", [{"sort": "sideways"}, {"since": "yesterday"}, {"size": "huge"}, {"altered": "maybe"}, {"after": "not-a-cursor"}]
)
def test_bad_list_parameters_get_a_clear_400(web, params):
    response = web.get("/stories.json", params=params)
    assert response.status_code == 400
    assert list(params)[0] in response.json()["error"]
    assert web.get("/", params=params).status_code == 400


def test_csv_exports_every_matching_story(web, web_store):
    response = web.get("/stories.csv", params={"q": "footbridge"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in rows][:1] == [web_store.example_story]
    everything = list(csv.DictReader(io.StringIO(web.get("/stories.csv").text)))
    assert len(everything) == web.get("/stories.json").json()["total"]
    hostile = next(r for r in everything if int(r["id"]) == web_store.hostile_story)
    assert "<script>" in hostile["title"]  # text stays text; CSV does not escape HTML


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    from corroborate.web.views.stories import spreadsheet_safe

    assert spreadsheet_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)" and spreadsheet_safe("Plain") == "Plain" and spreadsheet_safe(3) == 3


# --- a story ----------------------------------------------------------------------------


def test_story_page_has_the_reports_sections_articles_and_chart(web, web_store):
    page = web.get(f"/stories/{web_store.example_story}")
    assert page.status_code == 200
    links = Links(page.text)
    for section in ("summary", "sources", "relations", "quotes", "facts", "coverage", "articles"):
        assert section in links.ids, section
    with Store(web_store.path) as store:
        brief = story_brief(store, web_store.example_story)
    # The same sections as the HTML report: its summary section appears verbatim in the page.
    report = render(brief, "html")
    start, end = report.index('<section id="summary">'), report.index("</section>", report.index('<section id="summary">'))
    assert report[start:end] in page.text
    assert '<svg class="coverage"' in page.text and "Who copied whom" in page.text
    article_links = {h for h in links.hrefs if h.startswith("/articles/")}
    assert len(article_links) == 6


def test_story_json_has_the_brief_in_its_versioned_schema(web, web_store):
    import jsonschema

    data = web.get(f"/stories/{web_store.example_story}.json").json()
    assert data["brief_status"] == "ready"
    schema = json.loads((ROOT / "docs" / "brief-schema.json").read_text())
    jsonschema.validate(data["brief"], schema)
    assert data["brief"]["schema_version"] and len(data["articles"]) == 6
    assert sum(c["articles"] for c in data["coverage"]["counts"]) + data["coverage"]["undated"] == 6
    assert all(a["url"].startswith("/articles/") for a in data["articles"])


def test_a_story_without_a_brief_shows_its_articles_and_says_it_is_being_prepared(web, web_store):
    page = web.get(f"/stories/{web_store.unbriefed_story}")
    assert page.status_code == 200
    assert "being prepared" in page.text and 'http-equiv="refresh"' in page.text
    assert len({h for h in Links(page.text).hrefs if h.startswith("/articles/")}) == 3
    data = web.get(f"/stories/{web_store.unbriefed_story}.json").json()
    assert data["brief_status"] == "preparing" and data["brief"] is None and len(data["articles"]) == 3


def test_the_worker_prepares_a_brief_and_the_page_then_shows_it(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    worker = BriefWorker(path, precompute=False, in_thread=True)
    with client(path, worker=worker) as test_client:
        url = f"/stories/{web_store.unbriefed_story}.json"
        assert test_client.get(url).json()["brief_status"] == "preparing"
        deadline = time.monotonic() + 120
        while test_client.get(url).json()["brief_status"] == "preparing" and time.monotonic() < deadline:
            time.sleep(0.1)
        data = test_client.get(url).json()
        assert data["brief_status"] == "ready" and data["brief"]["article_count"] == 3
        listed = test_client.get("/stories.json", params={"conflicts": "unknown"}).json()
        assert web_store.unbriefed_story not in [s["id"] for s in listed["stories"]]


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_the_worker_briefs_unbriefed_stories_unasked(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    worker = BriefWorker(path, precompute=True, in_thread=True)
    with client(path, worker=worker) as test_client:
        listed = lambda: test_client.get("/stories.json", params={"conflicts": "unknown"}).json()["total"]  # noqa: E731
        wait_for(lambda: listed() == 0)
        assert listed() == 0


def test_a_story_that_cannot_be_briefed_says_why(web_store, tmp_path, monkeypatch):
    import corroborate.store.briefs as briefs

    def broken(store, story_id, options=None, use_cache=True):
        raise RuntimeError("the parser ran out of coffee")

    monkeypatch.setattr(briefs, "story_brief", broken)
    worker = BriefWorker(web_store.path, precompute=False, in_thread=True)
    with client(web_store.path, worker=worker) as test_client:
        url = f"/stories/{web_store.unbriefed_story}.json"
        test_client.get(url)
        wait_for(lambda: test_client.get(url).json()["brief_status"] != "preparing")
        data = test_client.get(url).json()
        assert data["brief_status"] == "failed" and "ran out of coffee" in data["message"]
        page = test_client.get(f"/stories/{web_store.unbriefed_story}")
        assert "could not be briefed" in page.text and len(data["articles"]) == 3


def test_a_merged_story_redirects_to_the_story_it_joined(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    gone, kept = web_store.generated_stories[-1], web_store.generated_stories[-2]
    with sqlite3.connect(path) as db:
        db.execute("UPDATE memberships SET story_id = ? WHERE story_id = ?", (kept, gone))
        db.execute("UPDATE stories SET merged_into = ?, live = 0 WHERE id = ?", (kept, gone))
    with client(path) as test_client:
        response = test_client.get(f"/stories/{gone}", follow_redirects=False)
        assert response.status_code == 301 and response.headers["location"] == f"/stories/{kept}"
        assert test_client.get(f"/stories/{gone}.json", follow_redirects=False).headers["location"] == f"/stories/{kept}.json"


def test_kept_pages_are_served_until_the_store_changes(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    with client(path) as test_client:
        first = test_client.get("/stories.json")
        again = test_client.get("/stories.json")
        assert "x-corroborate-page" not in first.headers and again.headers["x-corroborate-page"] == "kept"
        assert again.json() == first.json()
        pending = test_client.get(f"/stories/{web_store.unbriefed_story}")
        assert "x-corroborate-page" not in test_client.get(f"/stories/{web_store.unbriefed_story}").headers  # being prepared: not kept
        from stream_builders import stream, write_jsonl

        with Store(path) as store:
            records = [dict(r, id="new-" + r["id"]) for r in stream(stories=1, per_story=1, seed=77)]
            ingest_records(store, write_jsonl(tmp_path / "new.jsonl", records))
        after = test_client.get("/stories.json")
        assert "x-corroborate-page" not in after.headers and after.json()["total"] == first.json()["total"] + 1
        assert pending.status_code == 200


def test_a_kept_page_has_an_etag_answers_304_and_is_gzipped_once(web_store, tmp_path):
    import gzip

    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    url = f"/stories/{web_store.example_story}"
    plain = {"accept-encoding": "identity"}
    with client(path) as test_client:
        first = test_client.get(url, headers=plain)
        etag = first.headers["etag"]
        assert first.status_code == 200 and "x-corroborate-page" not in first.headers and etag.startswith('"')
        kept = test_client.get(url, headers=plain)
        assert kept.headers["x-corroborate-page"] == "kept" and kept.headers["etag"] == etag and kept.content == first.content
        assert "content-encoding" not in kept.headers and kept.headers["vary"] == "Accept-Encoding"
        unchanged = test_client.get(url, headers={"if-none-match": f'"other", {etag}'})
        assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag
        assert test_client.get(url, headers={"if-none-match": '"other"', **plain}).content == first.content
        zipped = test_client.get(url, headers={"accept-encoding": "gzip"}, extensions={})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.content == first.content  # httpx unzips it
        raw = test_client.build_request("GET", url, headers={"accept-encoding": "gzip"})
        body = test_client.send(raw, stream=True)
        assert gzip.decompress(b"".join(body.iter_raw())) == first.content
        assert int(body.headers["content-length"]) < len(first.content) / 2
        with Store(path) as store:  # a commit that touches the story's rows: made again, the same bytes
            store.connection.execute("UPDATE stories SET title = title || '' WHERE id = ?", (web_store.example_story,))
            store.connection.execute("INSERT INTO article_versions SELECT article_id, 1, '2026-01-01', NULL, 't', 't', 'h', 0"
                                     " FROM memberships WHERE story_id = ? LIMIT 1", (web_store.example_story,))
            store.connection.commit()
        again = test_client.get(url, headers={"if-none-match": etag, **plain})
        assert again.status_code == 304 and again.headers["etag"] == etag and "x-corroborate-page" not in again.headers


def test_story_and_article_pages_outlive_commits_that_do_not_touch_them(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    story = web_store.example_story
    with sqlite3.connect(path) as db:
        article = db.execute("SELECT article_id FROM memberships WHERE story_id = ? ORDER BY article_id LIMIT 1", (story,)).fetchone()[0]
    pages = (f"/stories/{story}", f"/stories/{story}.json", f"/articles/{article}", f"/articles/{article}.json")

    def commit(sql: str, *args) -> None:
        with Store(path) as store:
            store.connection.execute(sql, args)
            store.connection.commit()

    with client(path) as test_client:
        first = {url: test_client.get(url) for url in pages}
        commit("UPDATE stories SET title = 'Another story, renamed' WHERE id = ?", web_store.unbriefed_story)
        for url in pages:  # another story changed: served again without being made again
            again = test_client.get(url)
            assert again.headers.get("x-corroborate-page") == "kept" and again.content == first[url].content, url
        commit("UPDATE articles SET outlet = 'The Renamed Gazette' WHERE id = ?", article)
        for url in pages:  # one of its articles changed: made again, and shows it
            again = test_client.get(url)
            assert "x-corroborate-page" not in again.headers and "The Renamed Gazette" in again.text, url
            assert test_client.get(url).headers.get("x-corroborate-page") == "kept"
        home = test_client.get("/stories.json")
        commit("UPDATE stories SET title = 'Another story, renamed again' WHERE id = ?", web_store.unbriefed_story)
        assert "x-corroborate-page" not in test_client.get("/stories.json").headers  # a list has no fingerprint
        assert home.status_code == 200


def test_a_brief_made_again_for_the_same_articles_is_shown_afresh(web_store, tmp_path):
    from dataclasses import replace

    from corroborate.store.briefs import stored_brief_keys

    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    story = web_store.generated_stories[1]
    with client(path, page_cache_mb=0) as test_client:
        before = test_client.get(f"/stories/{story}").text
        with Store(path) as store:
            brief = store.cached_brief(story, *stored_brief_keys(store, story))
            store.cache_brief(story, *stored_brief_keys(store, story), replace(brief, title="Quarrow tide mill reopens"))
        after = test_client.get(f"/stories/{story}").text
        assert "Quarrow tide mill reopens" not in before and "<h1>Quarrow tide mill reopens</h1>" in after


def test_no_such_story_is_404(web):
    assert web.get("/stories/987654").status_code == 404
    assert web.get("/stories/987654.json").json()["status"] == 404
    assert web.get("/stories/abc").status_code == 404


# --- an article ---------------------------------------------------------------------------


def example_article(web, web_store, outlet: str) -> dict:
    data = web.get(f"/stories/{web_store.example_story}.json").json()
    return next(a for a in data["articles"] if a["outlet"] == outlet)


def test_article_page_marks_quotes_claims_and_dates_from_the_brief(web, web_store):
    item = example_article(web, web_store, "Quell Valley Herald")
    data = web.get(f"/articles/{item['id']}.json").json()
    kinds = {h["kind"] for h in data["highlights"]}
    assert {"quote", "claim", "date"} <= kinds
    for mark in data["highlights"]:
        assert data["text"][mark["start"] : mark["end"]] == mark["text"]
    page = web.get(item["url"])
    assert page.status_code == 200
    assert page.text.count("<mark ") >= len(data["highlights"]) // 2
    ids = Links(page.text).ids
    assert all(mark["anchor"] in ids for mark in data["highlights"])
    assert data["story"] == web_store.example_story and data["brief_status"] == "ready"


def test_article_page_lists_junk_lines_copies_and_versions(web, web_store):
    data = web.get(f"/stories/{web_store.example_story}.json").json()
    copies = [r for r in data["brief"]["relations"] if r["kind"] in ("duplicate", "contained", "rewrite")]
    assert copies, "the example story has planted copies"
    copy = copies[0]
    page = web.get(f"/articles/{copy['derived']}")
    assert f"/articles/{copy['source']}" in Links(page.text).hrefs
    as_json = web.get(f"/articles/{copy['derived']}.json").json()
    assert any(r["other"] == copy["source"] and r["role"] == "copy" for r in as_json["relations"])
    original = web.get(f"/articles/{copy['source']}.json").json()
    assert any(r["other"] == copy["derived"] and r["role"] == "original" for r in original["relations"])
    junk = [a for a in data["brief"]["articles"] if any(r["reason"] != "title line" for r in a["removed"])]
    assert junk, "the example story has planted junk lines"
    page = web.get(f"/articles/{junk[0]['id']}")
    removed = next(r for r in junk[0]["removed"] if r["reason"] != "title line")
    assert removed["reason"] in page.text
    # Versions: one, the text stored (nothing fetched it again).
    assert [v["number"] for v in as_json["versions"]] == [1] and "has not changed since" in page.text


def test_article_versions_are_shown_when_the_article_changed(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    with client(path) as test_client:
        article_id = test_client.get(f"/stories/{web_store.example_story}.json").json()["articles"][0]["id"]
        assert [v["number"] for v in test_client.get(f"/articles/{article_id}.json").json()["versions"]] == [1]
    with sqlite3.connect(path) as db:
        url, title, text = db.execute("SELECT url, title, text FROM articles WHERE id = ?", (article_id,)).fetchone()
        for number, body in ((1, text), (2, text + "\n\nUpdate: <b>the council</b> corrected the figure.")):
            db.execute(
                "INSERT INTO article_versions (article_id, version, fetched_at, url, title, text, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, number, f"2031-03-0{number}T10:00:00+00:00", url, title, body, f"h{number}"),
            )
    with client(path) as test_client:
        data = test_client.get(f"/articles/{article_id}.json").json()
        assert [v["number"] for v in data["versions"]] == [1, 2] and "corrected the figure" in data["versions"][1]["text"]
        page = test_client.get(f"/articles/{article_id}").text
        assert "Version 2" in page and "Update: &lt;b&gt;the council&lt;/b&gt;" in page
        # A new version drops the story's brief, and its summary with it.
        assert test_client.get(f"/stories/{web_store.example_story}.json").json()["brief_status"] == "preparing"
        listed = test_client.get("/stories.json", params={"conflicts": "unknown"}).json()
        assert web_store.example_story in [s["id"] for s in listed["stories"]]


def test_no_such_article_is_404(web):
    assert web.get("/articles/nosuchthing").status_code == 404
    assert web.get("/articles/nosuchthing.json").json()["status"] == 404


# --- an outlet ---------------------------------------------------------------------------


def test_outlet_record_is_counted_from_the_data_and_links_to_evidence(web, web_store):
    with Store(web_store.path) as store:
        brief = story_brief(store, web_store.example_story)
    altered = [o for g in brief.quotes for o in g.occurrences if o.verdict in ("altered", "other-speaker")]
    assert altered
    outlet = brief.article(altered[0].quote.span.article_id).outlet
    expected_altered = sum(1 for o in altered if brief.article(o.quote.span.article_id).outlet == outlet)
    printed = sum(1 for g in brief.quotes for o in g.occurrences if brief.article(o.quote.span.article_id).outlet == outlet)
    data = web.get(f"/outlets/{quote(outlet, safe='')}.json").json()
    assert data["name"] == outlet and data["stories_covered"] >= 1
    assert data["quotes_altered"] == expected_altered and data["quotes_printed"] == printed
    assert data["altered_share"] == pytest.approx(expected_altered / printed)
    evidence = data["evidence"]["quotes"]
    assert all(e["evidence_url"].startswith("/articles/") and "#q-" in e["evidence_url"] for e in evidence)
    page = web.get(f"/outlets/{quote(outlet, safe='')}")
    links = Links(page.text)
    for anchor in ("stories", "first", "copies", "quotes", "altered", "facts"):
        assert f"#{anchor}" in links.hrefs and anchor in links.ids
    # The evidence links land on marks of the article page.
    target = evidence[0]["evidence_url"]
    article_page = web.get(target.split("#")[0])
    assert target.split("#")[1] in Links(article_page.text).ids


def test_outlet_first_to_report_and_copies(web, web_store):
    data = web.get(f"/stories/{web_store.example_story}.json").json()
    dated = sorted((a for a in data["articles"] if a["date"]), key=lambda a: a["date"])
    first_day = dated[0]["date"]
    firsts = {a["outlet"] for a in dated if a["date"] == first_day}
    for outlet in firsts:
        record = web.get(f"/outlets/{quote(outlet, safe='')}.json").json()
        story = next(s for s in record["stories"] if s["id"] == web_store.example_story)
        assert story["first"] == ("alone" if len(firsts) == 1 else "tied")
    later = next(a for a in dated if a["date"] != first_day)
    record = web.get(f"/outlets/{quote(later['outlet'], safe='')}.json").json()
    assert next(s for s in record["stories"] if s["id"] == web_store.example_story)["first"] == "no"
    copies = [r for r in data["brief"]["relations"] if r["kind"] in ("duplicate", "contained", "rewrite")]
    copier = next(a for a in data["articles"] if a["id"] == copies[0]["derived"])["outlet"]
    record = web.get(f"/outlets/{quote(copier, safe='')}.json").json()
    assert any(e["other_article"] == copies[0]["source"] for e in record["evidence"]["copies"])


def test_outlet_names_with_slashes_and_json_suffix(web, web_store):
    name = web_store.hostile_outlet  # holds quotes, angle brackets and a slash (in </script>)
    assert "/" in name
    assert web.get(f"/outlets/{quote(name, safe='')}").status_code == 200
    assert web.get(f"/outlets/{quote(name, safe='')}.json").json()["name"] == name
    assert web.get("/outlets/Nobody%20Here").status_code == 404
    assert web.get("/outlets/Nobody%20Here.json").json()["status"] == 404


# --- adding articles ---------------------------------------------------------------------


def csrf_of(page_text: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page_text.index(marker) + len(marker)
    return page_text[start : page_text.index('"', start)]


def test_adding_articles_is_off_unless_allowed(web):
    assert web.get("/add").status_code == 404
    assert "--allow-ingest" in web.get("/add").text
    assert web.post("/add", data={"urls": "https://x.example/"}).status_code == 404


def test_files_and_urls_are_added_by_the_worker_and_progress_is_shown(web_store, tmp_path, loopback_only):
    from local_web import Site, page

    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    worker = BriefWorker(path, precompute=False, in_thread=True)
    paragraphs = ["The ferry to Orrin Isle sailed again on Friday after a week of repairs, the harbour office said."] * 3
    with Site() as site, client(path, worker=worker, allow_ingest=True) as test_client:
        site.route("/orrin-ferry", page("Orrin Isle ferry sails again after repairs", paragraphs, meta={"article:published_time": "2031-07-02"}))
        form = test_client.get("/add")
        assert form.status_code == 200 and "multipart/form-data" in form.text
        article = "date 2031-07-01\nsource Wyndle Post\n\nWyndle lighthouse relit after forty years\n\n" + (
            "The keepers of Wyndle relit the old lighthouse on Saturday evening, forty years after it went dark. " * 5
        )
        files = [("files", ("../../etc/lighthouse.txt", article.encode(), "text/plain")),
                 ("files", ("notes.bin", b"\x00\x01\x02" * 100, "application/octet-stream"))]  # fmt: skip
        urls = f"{site.url('/orrin-ferry')}\nnot an address"
        response = test_client.post("/add", data={"csrf_token": csrf_of(form.text), "urls": urls}, files=files)
        assert response.status_code == 200 and "/jobs/" in str(response.url)
        job_url = str(response.url).replace("http://testserver", "") + ".json"
        wait_for(lambda: test_client.get(job_url).json()["state"] in ("done", "failed"), 60)
        job = test_client.get(job_url).json()
        assert job["state"] == "done", job
        assert job["new"] == 2 and job["files"] == ["../../etc/lighthouse.txt", "notes.bin"]
        assert job["urls"] == [site.url("/orrin-ferry")] and site.hits("/orrin-ferry")
        assert len(job["problems"]) == 1 and "notes.bin" in job["problems"][0] and "/tmp" not in job["problems"][0]
        assert job["not_fetched"][0]["url"] == "not an address"  # said, not dropped
        assert test_client.get("/stories.json", params={"q": "lighthouse"}).json()["total"] == 1
        assert test_client.get("/stories.json", params={"q": "Orrin"}).json()["total"] == 1
        page_text = test_client.get(str(response.url)).text
        assert "Done" in page_text and "notes.bin" in page_text and "not an address" in page_text
    assert not list(Path("/etc").glob("*lighthouse*"))


def test_unknown_job_is_404(web_store):
    worker = BriefWorker(web_store.path, precompute=False, in_thread=True)
    with client(web_store.path, worker=worker, allow_ingest=True) as test_client:
        assert test_client.get("/jobs/" + "0" * 32).status_code == 404
        assert test_client.get("/jobs/../../etc/passwd").status_code == 404


# --- the rest ----------------------------------------------------------------------------


def test_static_files_and_robots(web):
    assert web.get("/static/brief.css").headers["content-type"].startswith("text/css")
    assert ".badge" in web.get("/static/web.css").text
    assert web.get("/static/nothing.css").status_code == 404
    assert "Disallow: /" in web.get("/robots.txt").text


def test_every_page_links_its_json_twin(web, web_store):
    data = web.get(f"/stories/{web_store.example_story}.json").json()
    pages = ["/", f"/stories/{web_store.example_story}", data["articles"][0]["url"], f"/outlets/{quote(data['articles'][0]['outlet'], safe='')}"]
    for url in pages:
        links = Links(web.get(url).text).hrefs
        twin = next(h for h in links if ".json" in h)
        assert web.get(twin).headers["content-type"] == "application/json", url


def test_every_web_setting_is_documented_in_the_readme():
    from corroborate.web.settings import WebSettings as Settings

    readme = (ROOT / "README.md").read_text()
    for name, _default, help_text in documented_settings(Settings):
        assert help_text, name
        assert f"`{name}`" in readme, f"README does not document the web setting {name}"
    assert [f.name for f in fields(Settings)] == [name for name, _, _ in documented_settings(Settings)]


def test_serve_command_refuses_a_missing_store(tmp_path):
    from click.testing import CliRunner

    from corroborate.cli import main

    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no store at" in result.output
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db"), "--set", "nonsense=1"])
    assert result.exit_code == 2 and "unknown setting" in result.output


def test_a_brief_asked_for_by_many_pages_at_once_is_made_once():
    import threading
    import time

    from corroborate.web.app import BriefMemory

    memory, made = BriefMemory(4), []

    def make():
        made.append(1)
        time.sleep(0.05)  # long enough for every other thread to ask meanwhile
        return "the brief"

    threads = [threading.Thread(target=lambda: memory.get_or_make(("story", 1), make)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1] and memory.get(("story", 1)) == "the brief"
    assert memory.get_or_make(("story", 2), lambda: None) is None and memory.get(("story", 2)) is None
