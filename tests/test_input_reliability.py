"""Hostile and odd input, from the command line to the output file: no hang, no
traceback, nothing lost without a word. Issue 18, items 5-12 (the store's items
1-4 are in test_store_reliability.py)."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import json
import lzma
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate.cli import main
from corroborate.ingest import read_articles

BODY = (
    "The Quelbran ferry crews walked out on Monday over changes to their rota, the harbour "
    "authority said, and no sailings are planned before the weekend."
)


def record(number: int, **fields) -> dict:
    return {"id": f"rec-{number}", "title": f"Quelbran ferry strike, day {number}", "text": f"{BODY} Update {number}.", **fields}


def jsonl(records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def cli(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


# --- item 5: FIFOs, devices, sizes ---------------------------------------------------------


@pytest.mark.parametrize("command", ["brief", "ingest", "dedup", "cluster"])
def test_a_fifo_or_a_device_named_is_a_problem_not_a_hang(tmp_path, command):
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl([record(1)]))
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    zero = tmp_path / "zeros.txt"
    zero.symlink_to("/dev/zero")
    extra = ["--db", tmp_path / "s.db"] if command == "ingest" else ["--format", "json"] if command == "brief" else []
    args = [sys.executable, "-m", "corroborate", command, fifo, zero, good, *extra]
    # On 6416ce1 this hung (the FIFO) or grew to gigabytes (/dev/zero).
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"{fifo}: not a regular file (a FIFO)" in result.stderr
    assert f"{zero}: not a regular file (a device)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_over_the_size_limit_is_refused_by_name(tmp_path, monkeypatch):
    from corroborate.ingest import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10_000)
    big = tmp_path / "big.txt"
    big.write_text("Quelbran ferry\n\n" + BODY * 200)
    articles, (problem,) = read_articles([big])
    assert articles == [] and "file too large" in str(problem) and str(problem).startswith(str(big))


# --- item 6: tracebacks --------------------------------------------------------------------


def test_text_longer_than_spacys_limit_is_parsed_in_pieces_exactly():
    from corroborate import nlp

    model = nlp.spacy_model()
    text = "\n\n".join(f"{BODY} Paragraph {n}." for n in range(60))  # 9,000 characters
    limit = model.max_length
    model.max_length = 3000  # as if the text were over 1,000,000 characters (E088 on 6416ce1)
    try:
        (doc,) = nlp.parse_texts([text])
    finally:
        model.max_length = limit
        nlp._DOCS.pop(text, None)
    assert doc.text == text and len(list(doc.sents)) >= 60


def test_a_full_parse_cache_keeps_every_text_asked_for(monkeypatch):
    # Found by fuzzing: when a call's new texts overflowed the cache, it was emptied,
    # and the texts of the same call that had been cached before were then missing.
    from corroborate import nlp

    monkeypatch.setattr(nlp, "_DOCS", {})
    monkeypatch.setattr(nlp, "_DOC_CACHE_LIMIT", 2)
    first, second = "The ferry left at noon.", "The crews walked out."
    nlp.parse_texts([first])
    docs = nlp.parse_texts([first, second, "The harbour shut."])
    assert [d.text for d in docs] == [first, second, "The harbour shut."]


def test_a_full_embedding_cache_keeps_every_text_asked_for(monkeypatch):
    from corroborate import nlp

    monkeypatch.setattr(nlp, "_EMBEDDINGS", {})
    monkeypatch.setattr(nlp, "_EMBEDDING_CACHE_LIMIT", 2)
    nlp.embed(["The ferry left at noon."])
    vectors = nlp.embed(["The ferry left at noon.", "The crews walked out.", "The harbour shut."])
    assert vectors.shape[0] == 3


def test_an_article_longer_than_the_limit_is_cut_and_said_so(tmp_path):
    from corroborate.brief import brief
    from corroborate.config import BriefOptions

    path = tmp_path / "book.txt"
    path.write_text("A very long story\n\n" + "\n\n".join(f"{BODY} Part {n}." for n in range(1200)))  # 190,000 characters
    result = brief([path], BriefOptions(stages=("sentences",)))
    (article,) = result.articles
    assert 95_000 < len(article.text) <= 100_000 and re.search(r"Part \d+\.$", article.text)  # cut at a paragraph end
    assert any("only its first" in str(p) and "are analysed" in str(p) for p in result.problems)
    assert all(s.span.end <= len(article.text) for s in result.sentences)


def test_a_file_name_that_is_not_utf8_is_shown_and_written(tmp_path):
    folder = tmp_path / "story"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-news.txt")  # Latin-1 bytes in a file name
    (folder / name).write_text(f"Quelbran ferry strike\n\n{BODY}\n")
    out = tmp_path / "brief.json"
    result = cli("brief", folder, "--format", "json", "--out", out, "--set", "stages=sentences")
    assert result.exit_code == 0
    (article,) = json.loads(out.read_text(encoding="utf-8"))["articles"]
    assert article["origin"].endswith("caf\\xe9-news.txt")
    stored = cli("ingest", folder, "--db", tmp_path / "s.db")
    assert stored.exit_code == 0 and "1 new" in stored.stdout


def test_a_failed_write_leaves_the_previous_output_file_whole(tmp_path, monkeypatch):
    import corroborate.render as render

    good = tmp_path / "a.txt"
    good.write_text(f"Quelbran ferry strike\n\n{BODY}\n")
    out = tmp_path / "brief.md"
    out.write_text("yesterday's brief\n")
    monkeypatch.setattr(render, "render", lambda *args, **kwargs: "half a brief \ud800 and the rest")
    result = CliRunner().invoke(main, ["brief", str(good), "--out", str(out), "--set", "stages=sentences"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "cannot write --out" in result.stderr
    assert out.read_text() == "yesterday's brief\n"  # 6416ce1 left it empty
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brief.md")] == []


def test_a_lone_surrogate_in_a_jsonl_url_neither_crashes_brief_nor_store(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "Quelbran ferry", "text": "%s", "url": "https://x.example/\\ud800", "source": "Daily \\udc80"}\n' % BODY)
    briefed = cli("brief", feed, "--format", "json", "--set", "stages=sentences")
    assert briefed.exit_code == 0
    (article,) = json.loads(briefed.stdout)["articles"]
    assert article["url"] == "https://x.example/\ufffd"
    stored = cli("ingest", feed, "--db", tmp_path / "s.db")
    assert stored.exit_code == 0 and "1 new" in stored.stdout


def test_a_relative_date_before_year_one_is_no_date():
    from corroborate.dates import find_dates, infer_reference

    text = "The harbour wall was built some 5000 years ago; the ferry 99999999999999 days ago; the pier 3 years ago."
    found = find_dates(text, dt.date(2012, 3, 1))  # 6416ce1: ValueError (year -2988)
    assert [m.expression for m in found] == ["3 years ago"]
    assert infer_reference(text, None, [dt.date(2012, 3, 1)]).reference == dt.date(2012, 3, 1)


def test_rich_markup_in_a_title_is_printed_as_text_by_stories(tmp_path):
    feed = tmp_path / "feed.jsonl"
    title = "[/bold] Harbour [link=https://evil.example]news[/link] [bold red]now"
    feed.write_bytes(jsonl([record(1, title=title)]))
    cli("ingest", feed, "--db", tmp_path / "s.db")
    listed = cli("stories", "--db", tmp_path / "s.db", env={"COLUMNS": "250"})  # 6416ce1: MarkupError on "[/bold]"
    assert listed.exit_code == 0
    assert title in listed.stdout


# --- item 7: silent losses -----------------------------------------------------------------


def _warc(records: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for number in range(records):
        page = f"<html><head><title>Ferry {number}</title></head><body><article><p>{BODY} Page {number}.</p><p>{BODY}</p></article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(f"https://ferry.example/{number}", "response",
                                                      payload=io.BytesIO(page.encode()), http_headers=headers))  # fmt: skip
    return buffer.getvalue()


def test_a_truncated_warc_gz_says_its_end_is_missing(tmp_path):
    data = _warc(12)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data[: int(len(data) * 0.7)])
    articles, problems = read_articles([path])
    assert 6 <= len(articles) < 12
    assert [p.origin for p in problems] and all(p.origin.startswith(str(path)) for p in problems)
    assert any("cut short" in p.message for p in problems), problems  # 6416ce1: no word at all


def test_a_jsonl_line_nested_too_deep_costs_only_that_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([record(1)]) + b"[" * 100_000 + b"\n" + jsonl([record(2), record(3)]))
    articles, problems = read_articles([path])
    assert [a.source_id for a in articles] == ["rec-1", "rec-2", "rec-3"]  # 6416ce1 lost rec-2 and rec-3
    assert [str(p) for p in problems] == [f"{path}:2: JSON nested too deeply to read"]


def test_one_nul_byte_on_one_jsonl_line_costs_nothing_else(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = jsonl([record(n) for n in range(1, 6)]).replace(b"Update 3.", b"Update\x00 3.")
    path.write_bytes(lines)
    articles, problems = read_articles([path])
    assert problems == [] and len(articles) == 5  # 6416ce1: "binary file", all five lost
    assert "\x00" not in articles[2].text


def test_a_csv_with_only_a_header_says_so(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("title,text,url\n")
    articles, problems = read_articles([path])
    assert articles == [] and [str(p) for p in problems] == [f"{path}: no records: the file has only its header row"]


@pytest.mark.parametrize(("value", "kind"), [(12345, "a number"), (True, "true/false"), ([1, 2], "a list of non-text values"), ({"a": 1}, "an object")])
def test_text_that_is_not_a_string_is_not_an_article(tmp_path, value, kind):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([record(1), record(2, text=value)]))
    articles, problems = read_articles([path])
    assert [a.source_id for a in articles] == ["rec-1"]
    assert [str(p) for p in problems] == [f"{path}:2: 'text' field is {kind}, not text"]


def test_a_list_of_paragraphs_is_still_an_article(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([record(1, text=[BODY, "A second paragraph of the story, with more detail in it."])]))
    (article,), problems = read_articles([path])
    assert problems == [] and "second paragraph" in article.text


# --- item 8: exit codes --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["brief", "ingest", "dedup", "cluster"])
def test_nothing_readable_is_exit_code_2_for_every_command(tmp_path, command):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    extra = ["--db", tmp_path / "s.db"] if command == "ingest" else []
    result = CliRunner().invoke(main, [command, str(empty), *map(str, extra)])
    assert result.exit_code == 2, (command, result.output)  # 6416ce1: 0 for all but brief
    assert f"{empty}: empty file" in result.stderr and "no readable article" in result.stderr


def test_exit_codes_are_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in ("0", "1", "2", "3"):
        assert f"| {code} |" in section


# --- item 9: compressed inputs -------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_inputs_are_read_like_the_plain_ones(tmp_path, suffix):
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    files = {
        "feed.jsonl": jsonl([record(1), record(2)]),
        "list.json": json.dumps([record(3)]).encode(),
        "rows.csv": b"title,text\nQuelbran rows," + BODY.encode() + b"\n",
        "story.txt": f"Quelbran ferry\n\n{BODY}\n".encode(),
    }
    for name, data in files.items():
        (tmp_path / (name + suffix)).write_bytes(compress(data))
    articles, problems = read_articles([tmp_path])  # 6416ce1: "unknown file type" for each
    assert problems == [] and len(articles) == 5


def test_compressed_data_cut_short_keeps_what_came_before_and_says_so(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    data = gzip.compress(jsonl([record(n) for n in range(2000)]))
    path.write_bytes(data[: len(data) // 2])
    articles, problems = read_articles([path])
    assert 500 < len(articles) < 2000
    assert "the gzip data is cut short" in str(problems[-1])


# --- item 10: streaming and progress --------------------------------------------------------


def test_jsonl_records_stream_without_reading_the_whole_file(tmp_path):
    from corroborate.ingest.records import read_jsonl

    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl([record(n) for n in range(60_000)]))  # about 20 MB
    tracemalloc.start()
    try:
        first = next(iter(read_jsonl(path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.source_id == "rec-0"
    assert peak < 2_000_000, f"{peak:,} bytes held to read one record of a {path.stat().st_size:,}-byte file"


def test_cluster_reports_its_progress(tmp_path):
    from corroborate import progress
    from corroborate.stories import StoryClusterer, cluster

    class Heard(progress.Observer):
        def __init__(self) -> None:
            self.heard: list[tuple[str, int, int]] = []

        def advanced(self, name: str, done: int, total: int) -> None:
            self.heard.append((name, done, total))

    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([record(n) for n in range(1, 2201)]))
    # (No embeddings: the progress is the point here, not the stories.)
    with progress.observing(Heard()) as heard:
        records, problems = cluster([path], StoryClusterer(embedding_weight=0))
    assert len(records) == 2200 and problems == []
    assert ("read", 1000, 1000) in heard.heard and ("read", 2200, 2200) in heard.heard
    assert ("cluster", 2000, 2200) in heard.heard


# --- item 11: minor ------------------------------------------------------------------------


def test_bidirectional_override_characters_are_removed_from_names(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([record(1, source="Daily \u202eswen\u202c", title="Ferry \u2067strike\u2069 ends")]))
    (article,), _ = read_articles([path])
    assert article.outlet == "Daily swen" and article.title == "Ferry strike ends"


def test_utf16_without_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(f"Quelbran ferry\n\n{BODY}\n".encode("utf-16-le"))
    (article,), problems = read_articles([path])
    assert problems == [] and article.text == BODY


def test_a_few_control_characters_do_not_make_text_binary(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(f"Quelbran ferry\n\n{BODY}\x01 More\x02 words.\n".encode())
    (article,), problems = read_articles([path])
    assert problems == [] and "\x01" not in article.text and "More words." in article.text


def test_dedup_summarises_a_repeated_problem(tmp_path):
    path = tmp_path / "headlines.jsonl"
    path.write_bytes(jsonl([{"id": f"h{n}", "title": f"Ferry day {n}", "text": f"Ferry day {n}"} for n in range(40)] + [record(1)]))
    result = cli("dedup", path)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, lines  # 6416ce1: one line for each of the 40
    assert lines[-1] == f"corroborate: {path}: 37 more with the same problem: no article text left after cleaning (removed as repeated title)"


# --- item 12: dedup names records by their own id ---------------------------------------------


def test_dedup_keys_records_by_their_id_and_keeps_the_origin(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([record(1, text=BODY * 3), {"title": "no id here", "text": BODY * 3}]))
    lines = [json.loads(line) for line in cli("dedup", path).stdout.splitlines()]
    assert [line["article"] for line in lines] == ["rec-1", f"{path}#line-2"]
    assert [line["origin"] for line in lines] == [f"{path}#line-1", f"{path}#line-2"]
    assert lines[1]["original"] == lines[1]["match"] == "rec-1"
