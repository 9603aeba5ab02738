"""Sentence spans of an article's cleaned text.

sentencex does the splitting (it handled news abbreviations, initials and
quoted sentences best of the splitters tried); around it we add what news text
needs: a paragraph break always ends a sentence (headlines, lead-in lines and
captions often have no final punctuation), and a split that would leave a
closing quote mark or a lone fragment at the start of the next sentence is
undone. A live blog's stamp ("(Update 4:08 a.m. Tuesday in Cairo, 9:08 p.m. ET
Monday)") and a transcript's speaker label ("WOLF BLITZER, CNN ANCHOR:") that open a
sentence are sentences of their own: the words after them are what was reported. From
a transcript's first label on, its sentences are marked `spoken`: a speaker's words on
air, not the outlet's report, so the timeline tells an event in a report's sentence
before a turn ("Sir, thanks for joining us tonight.").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from .dates import LIST_LABEL
from .model import Article, Brief, Sentence, Span

_PARAGRAPH = re.compile(r"[^\n]+")
# A piece that starts with a lower-case word usually means the splitter broke
# after an abbreviation it did not know ("approx. three"): glue it back.
_CONTINUATION = re.compile(r"^[\s\"'”’)\]]*[a-z]")
_MIN_SENTENCE_CHARS = 3
# When a live blog wrote an entry ("(Update 4:08 a.m. Tuesday in Cairo, 9:08 p.m. ET
# Monday)"), not when anything happened: the facts stage dates no event by it.
LIVE_BLOG_STAMP = re.compile(r"\(\s*updated?\b[^()\n]{0,80}?\d{1,2}(?::\d{2})?\s*[ap]\.?\s?m\b[^()\n]{0,80}\)", re.IGNORECASE)
# A transcript's speaker label, in capitals: "BLITZER:", "WOLF BLITZER, CNN ANCHOR:".
_SPEAKER_LABEL = re.compile(r"[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*(?:, [A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*)?:(?= )")


def list_items(paragraph: str) -> list[tuple[int, int]]:
    """The labels (start, end) of a dated list printed as one paragraph ("1991: 520m
    gallons released ... 1989: 11m gallons spilt ... 1983: ...", a graphic's text run
    together by the page's extraction): each item is a sentence of its own. Two labels
    in a paragraph make it a list; one is a sentence's own colon."""
    labels = [match.span() for match in LIST_LABEL.finditer(paragraph)]
    return labels if len(labels) >= 2 else []


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def _split_paragraph(paragraph: str) -> list[tuple[int, int]]:
    from sentencex import segment

    pieces: list[tuple[int, int]] = []
    cursor = 0
    for piece in segment("en", paragraph):
        stripped = piece.strip()
        if not stripped:
            continue
        start = paragraph.find(stripped, cursor)
        if start < 0:  # sentencex normalised something; fall back to the cursor
            start = cursor
        end = start + len(stripped)
        cursor = end
        if pieces and (_CONTINUATION.match(stripped) or len(stripped) < _MIN_SENTENCE_CHARS):
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    items = [start for start, _ in list_items(paragraph)]
    if items:
        pieces = [part for start, end in pieces for part in _cut(paragraph, start, end, items)]
    return [part for start, end in pieces for part in _opening_label(paragraph, start, end)] or [(0, len(paragraph))]


def _cut(text: str, start: int, end: int, at: list[int]) -> list[tuple[int, int]]:
    """The piece (`start`, `end` of `text`) cut before each position of `at` inside it,
    each part without its trailing spaces."""
    parts = []
    for cut in (p for p in at if start < p < end):
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        parts.append((start, stop))
        start = cut
    return [*parts, (start, end)]


def _opening_label(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence (`start`, `end` in `text`) with each stamp or speaker label that opens it
    (`LIVE_BLOG_STAMP`, `_SPEAKER_LABEL`) cut off as a sentence of its own."""
    pieces = []
    while True:  # a loop, not recursion: a line of thousands of labels is input too
        label = LIVE_BLOG_STAMP.match(text, start, end) or _SPEAKER_LABEL.match(text, start, end)
        if label is None:
            break
        rest = label.end()
        while rest < end and text[rest].isspace():
            rest += 1
        if end - rest < _MIN_SENTENCE_CHARS:
            break
        pieces.append((start, label.end()))
        start = rest
    return [*pieces, (start, end)]


def split_article(article: Article) -> list[Sentence]:
    pieces = [
        (paragraph_index, p_start + start, p_start + end)
        for paragraph_index, (p_start, p_end) in enumerate(paragraph_spans(article.text))
        for start, end in _split_paragraph(article.text[p_start:p_end])
    ]
    labels = [_label(article.text, start, end) for _, start, end in pieces]
    first_turn = _first_turn(labels)
    return [
        Sentence(span=Span(article.id, start, end), index=index, paragraph=paragraph, spoken=index >= first_turn)
        for index, (paragraph, start, end) in enumerate(pieces)
    ]


def _label(text: str, start: int, end: int) -> str | None:
    """The speaker of the label that is the whole sentence `start`..`end` of `text`, if
    it is one: the last word of the name ("WOLF BLITZER, CNN ANCHOR:" and "BLITZER:"
    are one speaker)."""
    label = _SPEAKER_LABEL.match(text, start)  # the whole text: the label's space comes after `end`
    if label is None or label.end() != end:
        return None
    return text[start : end - 1].split(",")[0].split()[-1]


def _first_turn(labels: list[str | None]) -> int:
    """The index of the sentence that opens a transcript's first turn, or past the end
    when the article is no transcript. A transcript is a conversation: at least two
    speakers' labels, one of them more than once. A lone "UPDATE:" or "PHOTOS:", a
    list of "ON LEADERSHIP:" headings, are labels of the outlet's own text."""
    said = Counter(label for label in labels if label is not None)
    if len(said) < 2 or max(said.values()) < 2:
        return len(labels)
    return next(index for index, label in enumerate(labels) if label is not None)


def split_sentences(brief: Brief, options=None) -> Brief:
    """Stage: fill `brief.sentences` for every article."""
    from dataclasses import replace

    from .guard import per_article

    sentences = tuple(s for article in brief.articles for s in per_article(article, split_article, article, default=[]))
    return replace(brief, sentences=sentences)
