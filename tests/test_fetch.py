"""The fetcher against misbehaving local servers: politeness (robots.txt, per-host
spacing, Retry-After), robustness (timeouts, size and type limits, redirects,
retries) and one clear line per failure. Every server is started here, on
loopback addresses; name resolution knows nothing else (`loopback_only`)."""

from __future__ import annotations

import socket
import ssl
import threading
from http.server import ThreadingHTTPServer

import pytest
from local_web import Reply, Site, drip, hang_after_headers, huge, page, rss, sitemap

from corroborate.fetch import Fetcher, FetchFailure, FetchOptions
from corroborate.fetch.pages import with_urls_fetched
from corroborate.model import InputProblem, RawArticle

pytestmark = pytest.mark.usefixtures("loopback_only")

# Short intervals and timeouts: the same settings object a user would pass.
FAST = FetchOptions(
    per_host_interval=0.05, connect_timeout=0.5, read_timeout=0.3, total_timeout=0.8, retries=2, backoff=0.05,
    robots_timeout=1.0, max_body_bytes=1_000_000, contact="desk@newsroom.test",
)  # fmt: skip

PROSE = [
    "The Harwick Bay ferry service resumed on Thursday after a three-week suspension caused by storm damage to the pier.",
    "Harbour master Ilse Varnum said the repaired landing had been inspected twice and was safe for the spring timetable.",
    "“We are running every crossing again, with two extra sailings on Saturdays,” Varnum told reporters at the terminal.",
    "The operator said about 1,400 passengers a day used the route before the storm, most of them commuters to Eastmere.",
    "Local councillors welcomed the reopening but asked for a review of how the pier is maintained before next winter.",
]


@pytest.fixture
def fetcher():
    # One per test: a port of an earlier test's server may be reused by a later one,
    # and must not find that server's robots.txt rules remembered.
    with Fetcher(FAST) as f:
        yield f


def read(fetcher, *urls):
    """What `corroborate brief URL...` reads: articles and problems, in input order."""
    return list(with_urls_fetched(list(urls), fetcher))


def only_problem(items) -> str:
    assert len(items) == 1 and isinstance(items[0], InputProblem), items
    text = str(items[0])
    assert "\n" not in text and "Traceback" not in text
    return text


# --- pages and politeness ---------------------------------------------------------------


def test_a_page_becomes_an_article_and_the_user_agent_is_honest(fetcher):
    with Site() as site:
        url = site.route("/ferry", page("Harwick Bay ferry returns", PROSE, meta={"og:site_name": "Harwick Gazette"}))
        [article] = read(fetcher, url)
        agent = site.hits("/ferry")[0].headers["user-agent"]
    assert isinstance(article, RawArticle)
    assert article.title == "Harwick Bay ferry returns" and article.outlet == "Harwick Gazette"
    assert "1,400 passengers" in article.text and article.url == url and article.origin == url
    assert agent.startswith("corroborate/") and "desk@newsroom.test" in agent


def test_a_cp1252_page_without_a_charset_is_read_right(fetcher):
    text = ["Café owner Marta Quill said she didn’t expect the pier to reopen before Easter, but it did."] + PROSE
    body = page("Café reopens", text, charset=None, encoding="cp1252")
    assert b"charset" not in body.body and "’".encode("cp1252") in body.body
    with Site() as site:
        [article] = read(fetcher, site.route("/cafe", body))
    assert "Café owner" in article.text and "didn’t expect" in article.text


def test_robots_txt_is_honoured_and_fetched_once_per_host(fetcher):
    with Site(robots="User-agent: *\nDisallow: /private/\n") as site:
        allowed = site.route("/news/1", page("Ferry back", PROSE))
        other = site.route("/news/2", page("Ferry timetable", PROSE[::-1]))
        private = site.route("/private/3", page("Hidden", PROSE))
        items = read(fetcher, allowed, private, other)
        assert len(site.hits("/robots.txt")) == 1
        assert site.hits("/private/3") == []
    assert isinstance(items[0], RawArticle) and isinstance(items[2], RawArticle)
    assert str(items[1]) == f"{private}: not fetched: robots.txt disallows it"


def test_a_robots_txt_that_errors_means_nothing_is_fetched(fetcher):
    with Site() as site:
        site.route("/robots.txt", Reply(503, b"down"))
        url = site.route("/news/1", page("Ferry back", PROSE))
        message = only_problem(read(fetcher, url))
        assert site.hits("/news/1") == []
    assert "robots.txt unreachable (HTTP 503)" in message


def test_requests_to_one_host_are_spaced_and_hosts_run_side_by_side():
    options = FetchOptions(per_host_interval=0.1, connect_timeout=1, read_timeout=1, total_timeout=3)
    with Site("127.0.0.2") as one, Site("127.0.0.3") as two, Fetcher(options) as fetcher:
        urls = []
        for number in range(4):
            urls.append(one.route(f"/a{number}", page(f"One {number}", PROSE)))
            urls.append(two.route(f"/b{number}", page(f"Two {number}", PROSE)))
        items = read(fetcher, *urls)
        assert all(isinstance(item, RawArticle) for item in items)
        for site in (one, two):
            arrivals = [hit.at for hit in site.hits()]  # robots.txt + 4 pages
            assert len(arrivals) == 5
            assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.1
        # Concurrency across hosts: the second host was served before the first was done.
        assert two.hits()[0].at < one.hits()[-1].at


def test_a_robots_crawl_delay_longer_than_ours_is_honoured(fetcher):
    with Site(robots="User-agent: *\nCrawl-delay: 0.25\n") as site:
        urls = [site.route(f"/n{i}", page(f"Item {i}", PROSE)) for i in range(2)]
        read(fetcher, *urls)
        arrivals = [hit.at for hit in site.hits() if hit.path != "/robots.txt"]
    assert arrivals[1] - arrivals[0] >= 0.25


def test_429_with_retry_after_is_waited_for_then_fetched(fetcher):
    with Site() as site:
        url = site.route("/busy", [Reply(429, b"slow down", {"Retry-After": "1"}), page("Ferry back", PROSE)])
        [article] = read(fetcher, url)
        first, second = site.hits("/busy")
    assert isinstance(article, RawArticle)
    assert second.at - first.at >= 1.0


def test_a_500_then_success_is_retried(fetcher):
    with Site() as site:
        url = site.route("/flaky", [Reply(500, b"oops"), page("Ferry back", PROSE)])
        response = fetcher.fetch(url)
    assert response.status == 200 and response.tries == 2


def test_5xx_after_retries_404_and_410_each_get_one_line(fetcher):
    with Site() as site:
        broken = site.route("/broken", Reply(503, b"down"))
        missing = site.url("/missing")
        removed = site.route("/removed", Reply(410, b"gone"))
        items = read(fetcher, broken, missing, removed)
        assert len(site.hits("/broken")) == 3  # the first try and two retries
    assert [str(item) for item in items] == [
        f"{broken}: server error (HTTP 503 Service Unavailable) after 3 tries",
        f"{missing}: not found (HTTP 404)",
        f"{removed}: gone: the page was removed (HTTP 410)",
    ]


def test_redirects_are_followed_and_a_loop_is_named(fetcher):
    with Site() as site:
        target = site.route("/story", page("Ferry back", PROSE))
        moved = site.route("/old", Reply(301, headers={"Location": "/story"}))
        site.route("/a", Reply(302, headers={"Location": "/b"}))
        site.route("/b", Reply(302, headers={"Location": "/a"}))
        [article, loop] = read(fetcher, moved, site.url("/a"))
    assert isinstance(article, RawArticle) and article.url == target and article.origin == moved
    assert "redirect loop" in str(loop) and str(loop).startswith(site.url("/a"))


def test_too_many_redirects(fetcher):
    with Site() as site:
        for number in range(8):
            site.route(f"/r{number}", Reply(302, headers={"Location": f"/r{number + 1}"}))
        message = only_problem(read(fetcher, site.url("/r0")))
    assert message.endswith("more than 5 redirects")


def test_a_50_mb_body_is_refused_without_reading_it(fetcher):
    with Site() as site:
        announced = site.route("/big", huge(50_000_000, announce=True))
        chunked = site.route("/bigger", huge(50_000_000, announce=False))
        first, second = read(fetcher, announced, chunked)
    assert str(first) == f"{announced}: too large (50.0 MB; the limit is 1 MB)"
    assert str(second) == f"{chunked}: too large (more than the 1 MB limit)"


def test_a_page_that_is_not_html_is_refused_unread(fetcher):
    with Site() as site:
        url = site.route("/report.pdf", Reply(body=b"%PDF-1.7 ...", content_type="application/pdf"))
        message = only_problem(read(fetcher, url))
    assert message == f"{url}: not an HTML page or feed (Content-Type: application/pdf)"


def test_a_slow_server_and_one_that_hangs_after_headers_time_out(fetcher):
    with Site() as site:
        slow = site.route("/slow", drip(b"<p>" + b"x" * 4000 + b"</p>", chunk=100, every=0.1))
        hung = site.route("/hung", hang_after_headers())
        first, second = read(fetcher, slow, hung)
    assert str(first) == f"{slow}: timed out: no complete answer within 0.8 s"
    assert str(second) == f"{hung}: timed out waiting for the server to send (after 0.3 s)"


def test_refused_connections_then_the_host_is_skipped(fetcher):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    urls = [f"http://127.0.0.1:{port}/n{i}" for i in range(5)]
    # One after another, each URL tries again, until the host counts as down
    # (host_failures_to_skip = 3); then the host's URLs fail at once.
    messages = [only_problem(read(fetcher, url)).split(": ", 1)[1] for url in urls]
    assert messages[:3] == ["connection refused"] * 3
    assert messages[3:] == ["skipped: the host failed 3 times in a row (last: connection refused)"] * 2


def test_unknown_hosts_and_malformed_urls(fetcher):
    unknown, malformed, ftp = read(fetcher, "http://nosuch.invalid/story", "http://:80/", "ftp://files.test/a")
    assert str(unknown) == "http://nosuch.invalid/story: unknown host (the name does not resolve)"
    assert str(malformed) == "http://:80/: malformed URL"
    assert "only http and https are fetched" in str(ftp)


def test_a_page_with_no_article_text(fetcher):
    with Site() as site:
        url = site.route("/menu", Reply(body=b"<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>"))
        message = only_problem(read(fetcher, url))
    assert message == f"{url}: no article text found"


def test_a_paywall_teaser_is_not_the_article_but_a_long_free_one_is(fetcher):
    prompt = "<div class='offer'><p>Subscribe to continue reading. Already a subscriber? Log in.</p></div>"
    with Site() as site:
        teaser = site.route("/locked", page("Ferry fares to rise", PROSE[:2], extra=prompt))
        free = site.route("/free", page("Ferry back", PROSE * 6, extra=prompt))
        locked, article = read(fetcher, teaser, free)
    assert str(locked).startswith(f"{teaser}: paywalled: a subscription prompt (“Subscribe to continue reading")
    assert str(locked).endswith("(not extracted)")
    assert isinstance(article, RawArticle)


def test_a_paywall_marked_in_schema_org_markup(fetcher):
    markup = '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'
    with Site() as site:
        url = site.route("/marked", page("Ferry fares to rise", PROSE[:2], extra=markup))
        message = only_problem(read(fetcher, url))
    assert "paywalled: paywall markup (isAccessibleForFree: false)" in message


def test_a_conditional_get_costs_nothing_when_unchanged(fetcher):
    body = page("Ferry back", PROSE)
    with Site() as site:

        def reply(handler):
            if handler.headers.get("If-None-Match") == '"v1"':
                handler.send(Reply(304, content_type=None, headers={"ETag": '"v1"'}))
            else:
                handler.send(Reply(body=body.body, headers={"ETag": '"v1"'}))

        url = site.route("/etag", reply)
        first = fetcher.fetch(url)
        again = fetcher.fetch(url, validators=first.validators)
    assert first.status == 200 and first.validators[0] == '"v1"'
    assert again.not_modified and again.body == b""


def test_a_gzip_encoded_page_is_decoded(fetcher):
    import gzip

    plain = page("Ferry back", PROSE)
    with Site() as site:
        url = site.route("/gz", Reply(body=gzip.compress(plain.body), headers={"Content-Encoding": "gzip"}))
        [article] = read(fetcher, url)
    assert isinstance(article, RawArticle) and "1,400 passengers" in article.text


def test_a_feed_and_a_sitemap_give_their_entries_articles(fetcher):
    with Site() as site:
        first = site.route("/news/1", page("Ferry back", PROSE))
        second = site.route("/news/2", page("Ferry timetable grows", PROSE[::-1]))
        feed = site.route("/rss", rss("Harwick Gazette", [("Ferry back", first + "?utm_source=rss"), ("Timetable", second)]))
        pages = site.route("/sitemap.xml", sitemap([(first, "2026-03-01"), (second, "2026-03-02")]))
        from_feed = read(fetcher, feed)
        from_sitemap = read(fetcher, pages)
        assert len(site.hits("/news/1")) == 2  # once per input; the tracking tail was dropped
    assert [a.url for a in from_feed] == [first, second]
    assert [a.url for a in from_sitemap] == [second, first]  # newest first


def test_tls_certificates_are_always_verified(tmp_path):
    trustme = pytest.importorskip("trustme", reason="trustme (test extra) makes the local certificate authority")
    authority = trustme.CA()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site()._server.RequestHandlerClass)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with Fetcher(FAST) as fetcher:
            with pytest.raises(FetchFailure) as failure:
                fetcher.fetch(f"https://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert failure.value.kind == "tls" and failure.value.message.startswith("TLS certificate not trusted")


def test_the_archive_survives_a_record_torn_by_a_kill(tmp_path):
    import datetime as dt

    from warcio.archiveiterator import ArchiveIterator

    from corroborate.fetch.archive import Archive

    path = tmp_path / "fetched.warc.gz"
    when = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    with Archive(path) as archive:
        for number in range(3):
            archive.write(f"http://127.0.0.1/{number}", when, [], 200, "OK", [("Content-Type", "text/html")], b"<p>%d</p>" % number)
    whole = path.read_bytes()
    path.write_bytes(whole[:-10])  # the last record cut short, as a SIGKILL mid-write would
    with Archive(path) as archive:  # opening cuts the torn tail off, then appends
        archive.write("http://127.0.0.1/3", when, [], 404, "Not Found", [], b"gone")
    with path.open("rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(stream)]
    responses = [uri for kind, uri in records if kind == "response"]
    assert records[0][0] == "warcinfo" and responses == [f"http://127.0.0.1/{n}" for n in range(4)]


def test_a_long_feed_is_cut_at_max_feed_entries_and_says_so():
    from corroborate.fetch.feeds import Entry, Listing
    from corroborate.fetch.pages import entry_urls

    listed = Listing("feed", "Gazette", tuple(Entry(f"http://127.0.0.1/n{n}?utm_medium=rss") for n in range(5)) + (Entry("nonsense"),))
    urls, problems = entry_urls(listed, "http://127.0.0.1/rss", limit=3)
    assert urls == ["http://127.0.0.1/n0", "http://127.0.0.1/n1", "http://127.0.0.1/n2"]
    assert [str(p) for p in problems] == [
        "http://127.0.0.1/rss: entry nonsense: malformed URL (it does not start with http:// or https://)",
        "http://127.0.0.1/rss: lists 5 articles; only the first 3 fetched (max_feed_entries)",
    ]
