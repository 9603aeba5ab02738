"""Property-based fuzzing (hypothesis) of every reader and of the analyses clean,
sentences, dates, quotes and claims: at least 10,000 generated inputs each, and
for every one of them

- no exception escapes (a reader may only say `UnreadableInput`, which becomes a
  one-line problem; the analyses may not raise at all);
- every span lies inside the text it points into;
- what a reader hands on can be stored and printed (no lone surrogates, no
  bidirectional overrides, every field a string).

Each example is a batch: a seed from which `fuzzing.Hostile` makes 20 inputs, and
two texts hypothesis draws itself. The examples are derandomized: every run
tries the same inputs (benchmarks/fuzz_long.py runs many more seeds).
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import json
import lzma
import os
from pathlib import Path

import numpy as np
import pytest
from fuzzing import FUZZ, Hostile, drawn_texts, seeds
from hypothesis import given, settings

from corroborate.ingest import READERS, reader_for
from corroborate.ingest.decode import UnreadableInput
from corroborate.model import Article, InputProblem, RawArticle

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]  # feedparser warns about every odd feed

BATCH = 20  # inputs made from each seed
# Examples per test: 500 x 20 = 10,000 generated inputs, plus hypothesis's own.
# benchmarks/fuzz_long.py runs more, on random seeds.
EXAMPLES = int(os.environ.get("CORROBORATE_FUZZ_EXAMPLES", 500))
WANTED = 10_000

_BAD_CHARACTERS = {chr(c) for c in range(0xD800, 0xE000)} | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _storable(value: str | None) -> bool:
    return value is None or (isinstance(value, str) and not _BAD_CHARACTERS & set(value))


def _read(path: Path, finish: bool) -> list[RawArticle | InputProblem]:
    """Everything the reader of `path` yields, with `finish` each article finished as
    `read_raw` does (ftfy's repair of hostile text is most of the time of reading it,
    so it is done for a share of the files only); `UnreadableInput` (the readers' one
    way to refuse a file) becomes a problem."""
    from corroborate.ingest import _finish

    reader = reader_for(path)
    assert reader is not None, path
    items: list[RawArticle | InputProblem] = []
    try:
        for item in reader(path):
            items.append(_finish(item) if finish and isinstance(item, RawArticle) else item)
    except UnreadableInput as problem:
        items.append(InputProblem(str(path), problem.message, problem.line))
    for item in items:
        assert isinstance(item, (RawArticle, InputProblem)), item
        if isinstance(item, RawArticle):
            assert item.origin.startswith(str(path)) and isinstance(item.text, str)
            assert all(isinstance(getattr(item, name), (str, type(None))) for name in ("title", "url", "outlet", "source_id"))
            if finish:
                assert all(_storable(getattr(item, name)) for name in ("origin", "text", "title", "url", "outlet", "source_id"))
            assert item.published is None or isinstance(item.published, dt.date)
        else:
            assert "\n" not in item.message and item.message
    return items


def _compressed(hostile: Hostile, name: str, data: bytes) -> tuple[str, bytes]:
    """Now and then the file comes compressed (or claims to be, and is not)."""
    roll = hostile.rng.random()
    if roll < 0.08:
        return name + ".gz", gzip.compress(data)[: None if hostile.rng.random() < 0.7 else max(1, len(data) // 3)]
    if roll < 0.12:
        return name + ".bz2", bz2.compress(data)
    if roll < 0.16:
        return name + ".xz", lzma.compress(data, preset=0)
    if roll < 0.17:
        return name + ".gz", data  # named .gz, not gzip
    return name, data


def _fuzz_reader(folder: Path, make_files) -> int:
    """Run `make_files(hostile, drawn) -> [(name, bytes, inputs in it)]` for every
    example, read every file, and return how many inputs were read."""
    counted = 0
    written = 0

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(seeds, drawn_texts)
    def check(seed, drawn):
        nonlocal counted, written
        hostile = Hostile(seed)
        for name, data, inputs in make_files(hostile, drawn):
            written += 1
            name, data = _compressed(hostile, name, data)
            path = folder / f"{written:06d}-{name}"
            path.write_bytes(data)
            _read(path, finish=written % 5 == 0)
            path.unlink()
            counted += inputs

    check()
    return counted


# --- readers ------------------------------------------------------------------------------


def test_every_format_has_a_fuzz_test():
    fuzzed = {".txt", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".rss", ".atom", ".xml", ".warc"}
    assert set(READERS) <= fuzzed


def test_fuzz_text_reader(tmp_path):
    def files(hostile: Hostile, drawn: list[str]):
        texts = [hostile.text() for _ in range(BATCH)] + drawn
        for number, text in enumerate(texts):
            headers = "".join(hostile.rng.choice(["date 2021-02-30\n", "date 2022-11-28 ", "source \u202eX\n", "url nope\n", "title \x00\n", ""])
                              for _ in range(hostile.rng.randint(0, 3)))  # fmt: skip
            yield f"{number}.txt", hostile.encoded(headers + text), 1

    assert _fuzz_reader(tmp_path, files) >= WANTED


NEWS = "The Quelbran ferry crews walked out on Monday over changes to their rota, the harbour authority said."


def _html_page(hostile: Hostile, text: str) -> str:
    """A page as scraped: mostly an article with hostile text in its title, headline,
    metadata and paragraphs; one in ten odd (no article, deep nesting, cut short)."""
    charset = hostile.rng.choice(["", '<meta charset="utf-8">', '<meta charset="nonsense-9">', '<meta http-equiv="Content-Type" content="text/html; charset=latin-1">'])
    prologue = hostile.rng.choice(["<!DOCTYPE html>", "", '<?xml version="1.0"?>'])
    # Half the pages give a readable date in their markup, as most real pages do; the
    # others a hostile one, which sends the reader to search the page's text for a
    # date (htmldate's extensive search: most of the time of reading such a page).
    date = "2022-11-28" if hostile.rng.random() < 0.5 else hostile.text(1)
    head = (f"<head>{charset}<title>{hostile.text(3)}</title><meta property=\"og:site_name\" content=\"{hostile.text(1)}\">"
            f"<meta name=\"date\" content=\"{date}\"></head>")  # fmt: skip
    if hostile.rng.random() < 0.1:
        odd = hostile.rng.choice(["<div>" * 300 + f"<p>{hostile.text()}</p>", f"<p>{hostile.text()}", "", hostile.text(30)])
        return f"{prologue}<html>{head}<body>{odd}"
    paragraphs = "".join(f"<p>{hostile.text(4)} {NEWS} {hostile.text(4)}</p>" for _ in range(hostile.rng.randint(1, 3)))
    return f"{prologue}<html>{head}<body><article><h1>{text}</h1>{paragraphs}</article></body></html>"


def test_fuzz_html_reader(tmp_path):
    def files(hostile: Hostile, drawn: list[str]):
        texts = [hostile.text(3) for _ in range(BATCH)] + drawn
        for number, text in enumerate(texts):
            yield f"{number}.html", hostile.encoded(_html_page(hostile, text)), 1

    assert _fuzz_reader(tmp_path, files) >= WANTED


def test_fuzz_json_reader(tmp_path):
    def files(hostile: Hostile, drawn: list[str]):
        records = [hostile.record() for _ in range(BATCH)] + [{"title": t, "text": t} for t in drawn]
        shape = hostile.rng.random()
        if shape < 0.2:
            yield "one.json", hostile.encoded(json.dumps(records[0])), 1
            records = records[1:]
        document: object = records if shape < 0.6 else {hostile.rng.choice(["articles", "items", "data", "x"]): records}
        data = json.dumps(document, ensure_ascii=hostile.rng.random() < 0.5).encode("utf-8", "surrogatepass")
        if hostile.rng.random() < 0.1:
            data = data[: hostile.rng.randrange(len(data) + 1)]  # cut short: not valid JSON
        yield "list.json", data, len(records)

    assert _fuzz_reader(tmp_path, files) >= WANTED


def test_fuzz_jsonl_reader(tmp_path):
    def files(hostile: Hostile, drawn: list[str]):
        lines = [hostile.json_line() for _ in range(BATCH)]
        lines += [json.dumps({"title": t, "text": t}).encode("utf-8", "surrogatepass") for t in drawn]
        separator = hostile.rng.choice([b"\n", b"\r\n", b"\n\n"])
        yield hostile.rng.choice(["feed.jsonl", "feed.ndjson"]), separator.join(lines), len(lines)

    assert _fuzz_reader(tmp_path, files) >= WANTED


def test_fuzz_csv_reader(tmp_path):
    import csv

    def files(hostile: Hostile, drawn: list[str]):
        tab = hostile.rng.random() < 0.2
        header = [hostile.rng.choice(["title", "text", "body", "url", "date", "source", "id", hostile.text(1)]) for _ in range(hostile.rng.randint(1, 6))]
        rows = [[hostile.text(hostile.rng.choice([1, 5, 20])) for _ in range(hostile.rng.randint(0, 8))] for _ in range(BATCH)]
        rows += [[t, t] for t in drawn]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t" if tab else hostile.rng.choice([",", ",", ";", "|"]))
        writer.writerow(header)
        for row in rows:
            if hostile.rng.random() < 0.05:
                buffer.write(hostile.text(4) + "\n")  # a line the csv module did not write
            else:
                writer.writerow(row)
        yield ("rows.tsv" if tab else "rows.csv"), hostile.encoded(buffer.getvalue()), len(rows)

    assert _fuzz_reader(tmp_path, files) >= WANTED


QUOTE = {'"': "&quot;"}


def test_fuzz_feed_reader(tmp_path):
    from xml.sax.saxutils import escape

    def text(hostile: Hostile) -> str:
        value = "".join(ch for ch in hostile.text() if ch >= " " or ch in "\t\n")
        return escape(value) if hostile.rng.random() < 0.7 else f"<![CDATA[{value}]]>"

    def files(hostile: Hostile, drawn: list[str]):
        atom = hostile.rng.random() < 0.4
        entries = []
        for _ in range(BATCH):
            parts = [
                f"<title>{text(hostile)}</title>",
                f"<link>{text(hostile)}</link>" if not atom else f'<link href="{escape(hostile.text(1), QUOTE)}"/>',
                f"<{'updated' if atom else 'pubDate'}>{text(hostile)}</{'updated' if atom else 'pubDate'}>",
                f"<{'summary' if atom else 'description'}>{text(hostile)}</{'summary' if atom else 'description'}>",
                f"<content:encoded>{text(hostile)}</content:encoded>" if hostile.rng.random() < 0.3 else "",
            ]
            hostile.rng.shuffle(parts)
            entries.append(("<entry>" if atom else "<item>") + "".join(parts) + ("</entry>" if atom else "</item>"))
        entries += [f"<item><title>{escape(t)}</title><description>{escape(t)}</description></item>" for t in drawn]
        if atom:
            document = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{text(hostile)}</title>{"".join(entries)}</feed>'
        else:
            document = (
                '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>{text(hostile)}</title>{''.join(entries)}</channel></rss>"
            )
        if hostile.rng.random() < 0.1:
            document = document[: hostile.rng.randrange(len(document) + 1)]  # cut short
        yield hostile.rng.choice(["feed.rss", "feed.atom", "feed.xml"]), hostile.encoded(document), len(entries)

    assert _fuzz_reader(tmp_path, files) >= WANTED


def test_fuzz_warc_reader(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def files(hostile: Hostile, drawn: list[str]):
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=hostile.rng.random() < 0.5)
        texts = [hostile.text(3) for _ in range(BATCH)] + drawn
        for text in texts:
            kind = hostile.rng.choice(["response"] * 6 + ["resource", "metadata", "warcinfo", "conversion"])
            # Most records are what crawls hold besides pages (images, errors, requests):
            # one in ten is an HTML page that goes on to the HTML reader.
            html = hostile.rng.random() < 0.1
            payload = hostile.encoded(_html_page(hostile, text)) if html else hostile.encoded(text)
            status = "200 OK" if html or hostile.rng.random() < 0.5 else hostile.rng.choice(["404 Not Found", "301 Moved", "500 Oops", "999 ?"])
            content_type = "text/html; charset=utf-8" if html else hostile.rng.choice(["image/png", "text/css", "text/html", "", "application/json"])
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1") if kind == "response" else None
            uri = "".join(ch for ch in hostile.text(1) if " " < ch < "\x7f") or "https://x.example/"
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload), http_headers=headers)
            writer.write_record(record)
        data = buffer.getvalue()
        if hostile.rng.random() < 0.15:
            data = data[: hostile.rng.randrange(len(data) + 1)]  # a download that did not finish
        yield "crawl.warc", data, len(texts)

    assert _fuzz_reader(tmp_path, files) >= WANTED


# --- analyses: clean, sentences, dates, quotes, claims ------------------------------------------


def _fake_embed(texts, encoder="minilm"):
    """Unit vectors from a hash of each text: the claims' alignment sees vectors of the
    right shape without running the encoder 30,000 times (the model is not what is
    fuzzed here; test_enormous_text_through_every_analysis runs the real one)."""
    from corroborate.nlp import EMBEDDING_DIM

    rows = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        rng = np.random.default_rng(abs(hash(text)) % 2**32)
        vector = rng.standard_normal(EMBEDDING_DIM).astype(np.float32)
        rows[row] = vector / np.linalg.norm(vector)
    return rows


def _inside(span, text: str) -> bool:
    return 0 <= span.start <= span.end <= len(text)


def _analyse_and_check(raw_texts: list[str], reference: dt.date | None) -> dict[str, int]:
    """Run the five analyses on one batch and check every span; how many inputs each saw."""
    from corroborate.brief import start_brief
    from corroborate.claims import facts_of, parse_number
    from corroborate.clean import clean
    from corroborate.config import BriefOptions
    from corroborate.dates import find_dates
    from corroborate.quotes import quote_story
    from corroborate.quotes.marks import quoted_spans
    from corroborate.sentences import split_article, split_sentences

    articles: list[Article] = []
    for number, text in enumerate(raw_texts):
        raw = RawArticle(origin=f"fuzz#{number}", text=text, published=reference if number % 2 else None)
        article = clean(raw)
        lines = text.splitlines()
        assert all(1 <= line <= len(lines) for line in article.raw_line_of)
        assert all(1 <= removed.line <= len(lines) for removed in article.removed)
        for sentence in split_article(article):
            assert _inside(sentence.span, article.text) and article.text[sentence.span.start : sentence.span.end].strip()
        for source, known in ((article.text, reference), (text, None)):
            for found in find_dates(source, known):
                assert 0 <= found.start <= found.end <= len(source) and source[found.start : found.end] == found.expression
        for quoted in quoted_spans(article.text):
            assert 0 <= quoted.start <= quoted.end <= len(article.text)
        for word in text.split()[:20]:
            parse_number(word)
        articles.append(article)
    unique = list({a.id: a for a in articles if a.text.strip()}.values())
    if unique:
        for article_id, quotes in quote_story(unique).items():
            text = next(a.text for a in unique if a.id == article_id)
            for quote, _ in quotes:
                for span in (quote.span, quote.speaker_span, quote.content):
                    assert span is None or (span.article_id == article_id and _inside(span, text))
        brief = split_sentences(start_brief(unique))
        entities, slots, _ = facts_of(brief, BriefOptions(reference_date=reference.isoformat() if reference else None))
        texts = {a.id: a.text for a in unique}
        for slot in slots:
            for claim in slot.claims:
                assert _inside(claim.span, texts[claim.span.article_id])
                assert claim.context is None or _inside(claim.context, texts[claim.context.article_id])
        for entity in entities:
            assert all(_inside(mention, texts[mention.article_id]) for mention in entity.mentions)
    return {"clean": len(raw_texts), "sentences": len(raw_texts), "dates": len(raw_texts), "quotes": len(raw_texts), "claims": len(raw_texts)}


def test_fuzz_clean_sentences_dates_quotes_and_claims(monkeypatch):
    from corroborate import nlp

    monkeypatch.setattr(nlp, "embed", _fake_embed)
    counted: dict[str, int] = {}

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(seeds, drawn_texts)
    def check(seed, drawn):
        hostile = Hostile(seed)
        texts = [hostile.storable() for _ in range(BATCH)] + [t for t in drawn]
        reference = hostile.rng.choice([None, dt.date(2012, 3, 1), dt.date(1, 1, 2), dt.date(9999, 12, 30)])
        for name, count in _analyse_and_check(texts, reference).items():
            counted[name] = counted.get(name, 0) + count

    check()
    assert all(counted[name] >= WANTED for name in ("clean", "sentences", "dates", "quotes", "claims")), counted


def test_enormous_and_empty_text_through_every_analysis():
    """The two ends: nothing, and one long hostile article (the real encoder this time)."""
    hostile = Hostile(18)
    enormous = "\n\n".join(hostile.storable(40) for _ in range(300))
    counted = _analyse_and_check(["", " \n\n ", enormous[:60_000]], dt.date(2012, 3, 1))
    assert counted["claims"] == 3
