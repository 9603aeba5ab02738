"""The web app's safety, in-process: hostile text stays text on every page, forms
need their CSRF token, oversize bodies are refused with a message, no path
parameter reaches a file, other hosts are refused, reads cannot write, and a
search past its time limit is stopped. (The same hostile store is opened in a
real browser by tests/test_web_browser.py, which checks that nothing runs.)"""

from __future__ import annotations

import shutil
import sqlite3
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from corroborate.store import StoreError
from corroborate.web import WebSettings, create_app
from corroborate.web.security import safe_file_name
from corroborate.web.worker import BriefWorker


class Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def client(path, worker=None, **settings) -> TestClient:
    return TestClient(create_app(path, WebSettings(allowed_hosts=("testserver",), **settings), worker=worker))


@pytest.fixture(scope="module")
def web(web_store):
    with client(web_store.path) as test_client:
        yield test_client


def hostile_pages(web, web_store) -> list[str]:
    story = web.get(f"/stories/{web_store.hostile_story}.json").json()
    assert story["brief_status"] == "ready"
    return [
        "/",
        "/?q=" + quote("script alert xss"),
        f"/?outlet={quote(web_store.hostile_outlet)}",
        f"/stories/{web_store.hostile_story}",
        f"/outlets/{quote(web_store.hostile_outlet, safe='')}",
        *[a["url"] for a in story["articles"]],
    ]


def test_hostile_text_never_becomes_markup_on_any_page(web, web_store):
    for url in hostile_pages(web, web_store):
        response = web.get(url)
        assert response.status_code == 200, url
        page = Tags(response.text)
        assert [t for t, _ in page.tags if t in ("script", "img", "iframe", "object", "embed")] == [], url
        assert [t for t, _ in page.tags if t == "svg"] == [t for t, a in page.tags if t == "svg" and a.get("role") == "img"], url
        for tag, attrs in page.tags:
            assert not [name for name in attrs if name.startswith("on")], (url, tag, attrs)
            for name in ("href", "src", "action", "formaction", "xlink:href"):
                assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:")), (url, tag, attrs)
        visible = "".join(page.text)
        assert "<script>window.__xss=1;alert('xss')</script>" in visible, url  # shown, as text


def test_speaker_names_and_quotes_stay_text(web, web_store):
    data = web.get(f"/stories/{web_store.hostile_story}.json").json()
    speakers = {q["speaker"] for q in data["brief"]["quotes"]}
    assert any("<script>" in (s or "") for s in speakers)
    text = web.get(f"/stories/{web_store.hostile_story}").text
    assert "Ines Valdor &lt;script&gt;window.__xss=1;alert(&#39;xss&#39;)&lt;/script&gt;" in text


def test_a_javascript_url_is_never_a_link(web, web_store):
    page = web.get(f"/articles/{web_store.hostile_article}")
    assert "javascript:window.__xss" in "".join(Tags(page.text).text)  # shown as text ...
    assert not [a for t, a in Tags(page.text).tags if "javascript" in (a.get("href") or "")]  # ... never as a link
    assert web.get(f"/articles/{web_store.hostile_article}.json").json()["source_url"].startswith("javascript:")


def test_every_response_carries_the_security_headers(web, web_store):
    for url in ("/", "/stories.json", f"/stories/{web_store.example_story}", "/static/web.css", "/nowhere"):
        headers = web.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"] and "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


# --- forms, sizes --------------------------------------------------------------------------


@pytest.fixture
def ingest_client(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    worker = BriefWorker(path, precompute=False, in_thread=True)
    with client(path, worker=worker, allow_ingest=True, max_upload_bytes=50_000) as test_client:
        yield test_client


def token(test_client) -> str:
    text = test_client.get("/add").text
    marker = 'name="csrf_token" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]


FILE = [("files", ("story.txt", b"A title\n\n" + b"Some words of an article about a harbour. " * 20, "text/plain"))]


def test_a_form_post_without_its_csrf_token_is_refused(ingest_client):
    assert ingest_client.post("/add", files=FILE).status_code == 403
    token(ingest_client)  # the cookie is set ...
    refused = ingest_client.post("/add", data={"csrf_token": "forged"}, files=FILE)  # ... but the field is wrong
    assert refused.status_code == 403 and "CSRF" in refused.text
    # A page of another site cannot post it (the browser names it in Origin), even with a token.
    other = ingest_client.post("/add", data={"csrf_token": token(ingest_client)}, files=FILE, headers={"origin": "https://evil.example"})
    assert other.status_code == 403
    accepted = ingest_client.post("/add", data={"csrf_token": token(ingest_client)}, files=FILE, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/jobs/")


def test_an_oversize_upload_is_refused_with_the_limit_said(ingest_client):
    big = [("files", ("big.txt", b"x" * 60_000, "text/plain"))]
    response = ingest_client.post("/add", data={"csrf_token": token(ingest_client)}, files=big)
    assert response.status_code == 413
    assert "larger than the limit of 50 KB" in response.text


def test_an_oversize_body_without_a_length_is_cut_off(ingest_client):
    def chunks():
        for _ in range(100):
            yield b"y" * 10_000

    token(ingest_client)
    headers = {"content-type": "multipart/form-data; boundary=b0undary"}
    response = ingest_client.post("/add", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_other_requests_have_a_small_body_limit(web):
    assert web.post("/", content=b"z" * 70_000).status_code == 413


def test_uploaded_file_names_cannot_leave_their_folder():
    for name in ("../../etc/passwd", "..\\..\\boot.ini", "/abs/path.txt", "....//x.jsonl", "", None, "ｆｕｌｌ.txt"):
        safe = safe_file_name(name, 3)
        assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and ".." not in safe.replace("...", "")
    assert safe_file_name("feed.jsonl", 0).endswith(".jsonl")


# --- paths, hosts, reads -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/static/../../../pyproject.toml",
        "/static/..%2F..%2F..%2Fpyproject.toml",
        "/static/%2e%2e/%2e%2e/store/__init__.py",
        "/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/articles/%2e%2e%2fweb.db.json",
        "/outlets/..%2F..%2F..%2Fetc%2Fpasswd",
        "/outlets/../../etc/passwd",
        "/stories/..%2F1",
        "/jobs/..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_path_traversal_in_any_path_parameter_is_refused(web, url):
    response = web.get(url)
    assert response.status_code == 404, url
    assert "root:" not in response.text and "[project]" not in response.text and "import" not in response.text


def test_requests_for_other_host_names_are_refused(web):
    assert web.get("/", headers={"host": "attacker.example"}).status_code == 400


def test_reads_cannot_write(web_store):
    app = create_app(web_store.path, WebSettings(allowed_hosts=("testserver",)), worker=None)
    store = app.state.web.store()
    with pytest.raises(sqlite3.OperationalError):
        store.connection.execute("DELETE FROM articles")
    with pytest.raises(StoreError, match="read-only"):  # the store's own one-line error (issue 18)
        store.cache_brief(web_store.example_story, "x", "y", None)


def test_a_search_past_its_time_limit_is_stopped_with_a_message(web_store, monkeypatch):
    monkeypatch.setattr("corroborate.web.db._CHECK_EVERY", 10)  # look at the clock often: this store is tiny
    with client(web_store.path, search_time_limit_ms=0) as slow:
        response = slow.get("/", params={"q": "footbridge"})
        assert response.status_code == 503 and "stopped" in response.text
        assert slow.get("/stories.json", params={"q": "footbridge"}).json()["status"] == 503


def test_the_time_limit_counts_cpu_not_waiting():
    from corroborate.web.db import QueryTimeout, time_limit

    connection = sqlite3.connect(":memory:")
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT MAX(i) FROM n"
    with time_limit(connection, 0.05):
        time.sleep(0.1)  # a busy server: the page waited for a core, and spent nothing
        assert connection.execute("SELECT 1").fetchone() == (1,)
    with pytest.raises(QueryTimeout), time_limit(connection, 0.05):
        connection.execute(endless).fetchone()
