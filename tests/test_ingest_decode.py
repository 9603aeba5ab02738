"""Bytes to text: UTF-8, cp1252, latin-1 and byte-order marks; mojibake repaired;
quote marks kept exactly as printed; record fields (dates, hosts) normalised."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys

import pytest
from conftest import ROOT, floor, shared_path
from hypothesis import given
from hypothesis import strategies as st

from corroborate.ingest.decode import UnreadableInput, decode
from corroborate.ingest.fields import host_of, parse_date


def test_utf8_is_read_as_is():
    assert decode("Zoë said “yes”.\n".encode()) == "Zoë said “yes”.\n"


def test_cp1252_with_curly_quotes_dashes_and_euro():
    text = "The skipper said “we won’t sail” — tickets cost 5 €."
    assert decode(text.encode("cp1252")) == text


def test_latin1_accents():
    text = "Le maire a déclaré à la presse que la façade était fragile, dit señor Núñez."
    assert decode(text.encode("latin-1")) == text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks(encoding):
    data = "Ferry “Saltmoor” returns".encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode(data) == "Ferry “Saltmoor” returns"


@pytest.mark.parametrize(
    ("mojibake", "repaired"),
    [
        ("donâ€™t", "don’t"),
        ("â€œWe were told on Tuesday,â€\x9d said Imre.", "“We were told on Tuesday,” said Imre."),
        ("cafÃ© owners", "café owners"),
    ],
)
def test_mojibake_is_repaired(mojibake, repaired):
    assert decode(mojibake.encode("utf-8")) == repaired


def test_utf8_file_with_one_pasted_cp1252_quote_mark():
    data = "The council’s vote was close — “very close”.\n".encode() + b"She added: \x93it\x92s over\x94.\n"
    assert decode(data) == "The council’s vote was close — “very close”.\nShe added: “it’s over”.\n"


@pytest.mark.parametrize(
    "text",
    ['He said "straight" and \'single\'.', "He said “curly” and ‘single’.", "Both: “mixed\" quotes’ stay as printed'"],
)
def test_quote_marks_are_kept_as_printed(text):
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"GIF89a\x01\x00\x01\x00\x00\xff\x00,", "binary"),
        (b"text\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14", "binary"),
        (b"Harbour " + bytes(range(0x80, 0xA0)) * 3, "undecodable"),
        (b"\xff\xfeA\x00\x00\xd8", "undecodable"),  # a UTF-16 mark followed by a broken surrogate
    ],
)
def test_unreadable_bytes_raise_with_a_short_reason(data, reason):
    with pytest.raises(UnreadableInput, match=reason):
        decode(data)


# Words of cp1252 text in which every non-ASCII character stands between ASCII
# letters. Adjacent non-ASCII cp1252 bytes can happen to be valid UTF-8 ("é’" is
# E9 92, a UTF-8 lead and continuation byte), which no decoder can tell apart.
_ACCENTED = "éèàçñüöäßÉÀÇ’‘“”–—€…"
_WORD = st.builds(
    lambda left, mark, right: left + mark + right,
    st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?()-'\"", min_size=1, max_size=8),
    st.sampled_from(["", *_ACCENTED]),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
)


@given(st.lists(_WORD, min_size=1, max_size=40).map(" ".join).filter(lambda t: any(ch in _ACCENTED for ch in t)))
def test_decode_inverts_cp1252_encoding(text):
    assert decode(text.encode("cp1252")) == text


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1).filter(str.strip))
def test_decode_never_raises_on_utf8_text_of_printable_characters(text):
    assert decode(text.encode("utf-8")).strip()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2031-04-21", dt.date(2031, 4, 21)),
        ("2031-04-21T06:30:00Z", dt.date(2031, 4, 21)),
        ("2031-04-21 06:30:00+02:00", dt.date(2031, 4, 21)),
        ("Fri, 02 May 2031 10:00:00 +0000", dt.date(2031, 5, 2)),
        ("22 April 2031", dt.date(2031, 4, 22)),
        ("April 22, 2031", dt.date(2031, 4, 22)),
        ("14/03/2031", dt.date(2031, 3, 14)),
        (1_956_528_000, dt.date(2032, 1, 1)),
        (1_956_528_000_000, dt.date(2032, 1, 1)),
        ("11/28/2031", dt.date(2031, 11, 28)),  # month first, but only one reading works
        ("03/04/2031", None),  # day and month could be either way round
        ("yesterday", None),  # relative: depends on when it is read
        ("April 2031", None),  # no day
        ("The ferry sailed on 3 May 2031 at dawn", None),  # free text is not searched
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.velmora-courier.example/news/a", "velmora-courier.example"),
        ("http://news.brinkhollow.example:8080/x", "news.brinkhollow.example"),
        ("not a url", None),
        (None, None),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


def _benchmark():
    spec = importlib.util.spec_from_file_location("ingest_encodings_benchmark", ROOT / "benchmarks" / "ingest_encodings.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_real_news_reads_back_exactly_however_it_was_written():
    shared_path("data", "multinews_dev200.jsonl.gz")
    shared_path("examples", "balenciaga")
    bench = _benchmark()
    texts = bench.corpus(30)
    texts = [t for t in texts if t not in bench.already_dirty(texts)]
    rates = bench.exact_rates(bench.written(texts), decode)
    print("exact read-back per encoding:", rates)
    assert min(rates.values()) >= floor("ingest_decode_exact_min"), rates
