"""Where the quoted words are: pairing quote marks in one paragraph.

Pure text work, no models. News text mixes curly, straight, ``...'' and
single marks, and real pages are broken: a quote whose closing mark was
forgotten, an opening mark repeated in the middle of a sentence, a quote that
runs over several paragraphs (the convention: no closing mark at the end of a
paragraph that continues in the next one). The rules below turn all of that
into spans of quoted words, each with a note of what was repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Marks that say their own direction, and the ambiguous straight ones.
_OPENING = {"\u201c", "\u201e", "\u00ab", "``"}
_CLOSING = {"\u201d", "\u00bb"}
_AMBIGUOUS = {'"', "''"}
_DOUBLE_MARK = re.compile(r"``|''|[\"\u201c\u201d\u201e\u00ab\u00bb]")
# Single marks are only read as quotes in paragraphs without double marks
# (British headlines: 'disturbing'); elsewhere they are nested quotes or
# apostrophes. An opening single mark starts a word, a closing one ends it.
_SINGLE_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(\[:\u2014\u2013]))[\u2018'](?=\w)(.+?)(?<=[\w.,!?])[\u2019'](?=$|[\s.,;:!?)\]\u2014\u2013])")
_SENTENCE_END = re.compile(r"[.!?\u2026](?=\s)")
_BEFORE_OPENING = set(" \t\n([{\u2014\u2013-/:")
# Speech verbs as plain words, for the one repair that must recognise an
# attribution without a parse (see `_repair_missing_opening`).
SPEECH_WORDS = re.compile(
    r"\b(?:said|says|say|stated|states|wrote|writes|added|adds|continued|continues|concluded|"
    r"told|tells|explained|explains|claimed|claims|admitted|insisted|noted|argued|asked|"
    r"replied|tweeted|posted|declared|announced|according)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """Quoted words at `start:end` of the text (marks excluded)."""

    start: int
    end: int
    # "closed" (both marks), "unclosed" (ran to the paragraph end or to the next
    # opening mark), "repaired-opening" (the opening mark was missing) or
    # "single" (single marks).
    how: str = "closed"


def _direction(text: str, start: int, end: int, inside: bool, treebank: bool = False) -> str:
    mark = text[start:end]
    if mark in _OPENING:
        return "open"
    if mark in _CLOSING or (treebank and mark == "''"):
        return "close"
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = before in _BEFORE_OPENING and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "close" if inside else "open"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_before(text: str, start: int, mark: int, flat: bool = False) -> int:
    """Where an unclosed quote ends when a new opening mark follows: at the last
    sentence end before that mark ("...you. One follower wrote, “..."), else
    just before the mark; in a whole article on one line (`flat`), where the next
    mark may be pages on, at the first sentence end."""
    if flat:
        return _first_sentence_end(text, start, mark)
    last = None
    for match in _SENTENCE_END.finditer(text, start, mark):
        last = match.end()
    return last if last is not None else mark


# A line of more sentences than this is no paragraph but a whole article written on
# one line (Timeline17 and ECB+ ship articles so; about half of Timeline17's lines hold
# 32 sentences or more). In paragraphed news a paragraph holds at most 18 sentences
# (PolNeAR train, 17,353 paragraphs) and 20 in all but 0.1% (Multi-News dev, 10,013,
# its longest being whole pages on one line): benchmarks/quote_marks.py.
PARAGRAPH_MAX_SENTENCES = 20


def _is_flat(text: str, p_start: int, p_end: int) -> bool:
    """Whether the line `text[p_start:p_end]` is a whole article rather than a paragraph."""
    return len(_SENTENCE_END.findall(text, p_start, p_end)) >= PARAGRAPH_MAX_SENTENCES


def _unclosed_end(text: str, open_at: int, p_end: int, flat: bool) -> int:
    """Where a quote still open at its paragraph's end ends. In a paragraph, at the
    paragraph's end: a quote that goes on in the next paragraph leaves its closing
    mark out, and a tweet or a statement quoted to the paragraph's end often loses
    it. In a whole article on one line, the paragraph's end would be the article's
    (thousands of words credited to one speaker): there the quote is read to the end
    of its first sentence."""
    return _first_sentence_end(text, open_at, p_end) if flat else p_end


def _first_sentence_end(text: str, start: int, end: int) -> int:
    """The end of the first sentence of `text[start:end]`, else `end`."""
    match = _SENTENCE_END.search(text, start, end)
    return match.end() if match else end


def _repair_missing_opening(text: str, p_start: int, quote: QuotedSpan, previous_end: int) -> QuotedSpan | None:
    """`Words of the quote, X stated, “but the rest.”` with the first opening
    mark missing: a quote that starts in lower case right after a
    comma-enclosed attribution continues a sentence that was itself quoted."""
    if not text[quote.start : quote.start + 1].islower():
        return None
    head = text[max(p_start, previous_end) : quote.start]
    match = re.fullmatch(r"(?s)\s*(?P<words>[^\"\u201c\u201d]{12,}?),\s+(?P<cue>[^,\"\u201c\u201d]{3,80}?),\s*[\"\u201c\u201e]\s*", head)
    if not match or not SPEECH_WORDS.search(match.group("cue")):
        return None
    start = max(p_start, previous_end) + match.start("words")
    end = start + len(match.group("words")) + 1  # keep the comma, as a closed quote would
    return QuotedSpan(*_trimmed(text, start, end), how="repaired-opening")


def paragraph_quotes(text: str, p_start: int, p_end: int) -> list[QuotedSpan]:
    """Quoted spans inside `text[p_start:p_end]` (one paragraph)."""
    marks = [(m.start(), m.end()) for m in _DOUBLE_MARK.finditer(text, p_start, p_end)]
    if not marks:
        return [
            QuotedSpan(*_trimmed(text, m.start(1), m.end(1)), how="single")
            for m in _SINGLE_QUOTED.finditer(text[:p_end], p_start)
        ]
    # Where `` opens quotes (the Treebank's convention, kept by TDT, DUC and Timeline17
    # copy), '' only ever closes them, whatever follows it: in `` GPS '': or
    # `` Restraint ''; the mark stands between a space and punctuation, where a
    # straight mark would read as opening.
    treebank = "``" in text[p_start:p_end]
    flat = _is_flat(text, p_start, p_end)
    found: list[QuotedSpan] = []
    open_at: int | None = None
    for index, (start, end) in enumerate(marks):
        direction = _direction(text, start, end, open_at is not None, treebank)
        if direction == "open":
            if open_at is not None:
                cut = _cut_before(text, open_at, start, flat)
                found.append(QuotedSpan(*_trimmed(text, open_at, cut), how="unclosed"))
            open_at = end
        elif open_at is not None:
            found.append(QuotedSpan(*_trimmed(text, open_at, start)))
            open_at = None
        elif index == 0 and re.search(r"[,.!?]\s*$", text[p_start:start]):
            # A closing mark with no opening one before it in the paragraph:
            # the paragraph opened the quote without a mark.
            found.append(QuotedSpan(*_trimmed(text, p_start, start), how="repaired-opening"))
    if open_at is not None:
        found.append(QuotedSpan(*_trimmed(text, open_at, _unclosed_end(text, open_at, p_end, flat)), how="unclosed"))
    repaired: list[QuotedSpan] = []
    previous_end = p_start
    for quote in found:
        extra = _repair_missing_opening(text, p_start, quote, previous_end)
        if extra is not None:
            repaired.append(extra)
        repaired.append(quote)
        previous_end = quote.end
    return [q for q in repaired if q.end > q.start and any(ch.isalnum() for ch in text[q.start : q.end])]


def quoted_spans(text: str) -> list[QuotedSpan]:
    """Every quoted span of a text, paragraph by paragraph (a paragraph is a line)."""
    spans: list[QuotedSpan] = []
    for match in re.finditer(r"[^\n]+", text):
        spans.extend(paragraph_quotes(text, match.start(), match.end()))
    return spans
