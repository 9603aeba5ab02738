"""Bad input: every user mistake becomes one line naming the file (and line or
record), never a traceback, and the rest of the input is still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corroborate.brief import NoUsableInput, brief
from corroborate.ingest import read_articles

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
GOOD = FIXTURES / "folder" / "first.txt"

PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (a bad file, words its problem message must contain)."""

    def write(name: str, data: bytes | str) -> Path:
        path = tmp / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return path

    return {
        "missing path": (tmp / "no-such-article.txt", "no such file"),
        "empty file": (write("empty.txt", b""), "empty file"),
        "blank file": (write("blank.json", b"  \n\n "), "empty file"),
        "binary file": (write("photo.txt", PNG_START + bytes(range(256))), "binary"),
        "undecodable bytes": (write("garbled.txt", b"Harbour news " + bytes(range(0x80, 0xA0)) * 4 + b"\n"), "undecodable"),
        "malformed JSON": (write("broken.json", '[{"title": "x", "text": '), "not valid JSON"),
        "CSV without text column": (FIXTURES / "no_text_column.csv", "no text column"),
        "HTML with no article": (FIXTURES / "no_article.html", "no article"),
        "not a feed": (write("feed.rss", "<html><body>not a feed</body></html>"), "feed"),
        "not a WARC": (write("crawl.warc.gz", b"this is not a web archive\n"), "WARC"),
        "unknown extension named explicitly": (write("notes.docx", "Some notes."), "unknown file type"),
        "XML that is not a feed": (FIXTURES / "folder" / "sitemap.xml", "not an RSS or Atom feed"),
        "empty folder": (tmp / "empty-folder", "no readable files"),
    }


CASES = [
    "missing path",
    "empty file",
    "blank file",
    "binary file",
    "undecodable bytes",
    "malformed JSON",
    "CSV without text column",
    "HTML with no article",
    "not a feed",
    "not a WARC",
    "unknown extension named explicitly",
    "XML that is not a feed",
    "empty folder",
]


def test_every_case_has_a_file(tmp_path):
    assert sorted(_bad_files(tmp_path)) == sorted(CASES)


@pytest.mark.parametrize("case", CASES)
def test_each_bad_input_is_one_line_naming_the_file_and_the_rest_is_read(tmp_path, case):
    (tmp_path / "empty-folder").mkdir()
    bad, expected_words = _bad_files(tmp_path)[case]
    articles, problems = read_articles([bad, GOOD])
    assert [Path(a.origin).name for a in articles] == ["first.txt"]
    assert len(problems) == 1, problems
    message = str(problems[0])
    assert message.startswith(str(bad))
    assert expected_words in message
    assert "\n" not in message and "Traceback" not in message


def test_malformed_jsonl_line_names_the_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "A", "text": "Body one."}\n\n{"title": "B", "text": \n{"title": "C", "text": "Body three."}\n')
    articles, problems = read_articles([path])
    assert len(articles) == 2
    assert [str(p) for p in problems] == [f"{path}:3: malformed JSON line (Expecting value)"]


def test_bad_records_name_their_record_and_the_others_are_read(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([{"title": "A", "text": "Body one."}, {"title": "No body"}, "a string", {"text": ""}]))
    articles, problems = read_articles([path])
    assert len(articles) == 1
    assert [str(p) for p in problems] == [
        f"{path}#record-2: no text field (expected one of: text, body, content, article_body, full_text, maintext, article, story)",
        f"{path}#record-3: not an article record (a JSON str)",
        f"{path}#record-4: empty 'text' field",
    ]


def test_csv_row_without_text_names_its_line(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("title,text\nFirst,Body one.\nSecond,\nThird,Body three.\n")
    articles, problems = read_articles([path])
    assert len(articles) == 2
    assert [str(p) for p in problems] == [f"{path}:3: empty 'text' field"]


def test_unknown_types_inside_a_folder_are_skipped_silently(tmp_path):
    shutil.copy(GOOD, tmp_path / "story.txt")
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04\x00\x00")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>')
    (tmp_path / "README").write_text("not an article")
    articles, problems = read_articles([tmp_path])
    assert len(articles) == 1 and problems == []


def test_brief_keeps_going_with_problems_and_refuses_when_nothing_is_usable(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = brief([tmp_path / "empty.txt", GOOD, tmp_path / "missing.txt"], _options())
    assert len(result.articles) == 1
    assert [Path(p.origin).name for p in result.problems] == ["empty.txt", "missing.txt"]
    with pytest.raises(NoUsableInput) as refused:
        brief([tmp_path / "empty.txt", tmp_path / "missing.txt"], _options())
    assert "empty.txt: empty file" in str(refused.value)
    assert "missing.txt: no such file or folder" in str(refused.value)


def _options():
    from corroborate.config import BriefOptions

    return BriefOptions(stages=("sentences",))


def test_many_records_with_the_same_fault_are_summarised(tmp_path):
    path = tmp_path / "headlines.jsonl"
    path.write_text("".join(f'{{"title": "Headline {n}", "url": "https://h.example/{n}"}}\n' for n in range(1, 41)))
    articles, problems = read_articles([path])
    assert articles == []
    assert [p.line for p in problems] == [1, 2, 3, None]
    assert str(problems[-1]).startswith(f"{path}: 37 more records with the same problem: no text field")


@pytest.mark.parametrize("content", ["{target}", "file://{target}"])
def test_a_feed_file_naming_another_file_is_not_followed(tmp_path, content):
    # feedparser opens a string that looks like a path or URL; the reader must not.
    feed = tmp_path / "pointer.rss"
    feed.write_text(content.format(target=FIXTURES / "feed.atom"))
    articles, (problem,) = read_articles([feed])
    assert articles == []
    assert str(problem) == f"{feed}: not an RSS/Atom feed (no XML in the file)"


def test_a_reader_failing_on_odd_input_is_a_problem_not_a_traceback(tmp_path, monkeypatch):
    import corroborate.ingest as ingest

    def fragile(path):
        yield from ()
        raise RecursionError("maximum recursion depth exceeded\nwhile parsing")

    monkeypatch.setitem(ingest.READERS, ".txt", fragile)
    (tmp_path / "odd.txt").write_text("odd")
    articles, (problem,) = read_articles([tmp_path / "odd.txt"])
    assert str(problem) == f"{tmp_path / 'odd.txt'}: cannot read (RecursionError: maximum recursion depth exceeded)"
