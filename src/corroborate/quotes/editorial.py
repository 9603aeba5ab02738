"""An outlet's editorial marks inside a quote: the outlet's words, not the speaker's.

News style lets an outlet mark its own hand inside quotation marks: an insertion
in brackets or parentheses ("we will not go back (in Kosovo) on this", "[the
company] will pay", "(sic)") and an ellipsis where words were cut. Compared as
if they were the speaker's words, an insertion reads as an alteration, and the
one outlet that clarified a quote could even make its rendition the canonical one
and every faithful outlet look "altered". So the quote's words are read without
them: an insertion is left out, an ellipsis between words splits the quote into
pieces that must appear in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Brackets or parentheses around a few words: no nesting, no line break.
_INSERTION = re.compile(r"[\[(][^\[\]()\n]{1,60}[\])]")
_ELLIPSIS = re.compile(r"\.\s?\.\s?\.|…")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Reading:
    """A quote's text read without its editorial marks."""

    speaker_text: str  # insertions taken out (with the space before them); ellipses kept
    pieces: tuple[str, ...]  # the speaker's text cut at each ellipsis between words
    marks: tuple[str, ...]  # the marks as printed, in text order
    # The speaker's text cut at every mark, insertions too: an insertion may stand in
    # for the speaker's words ("We want [Mubarak] to leave" for "him"), as the outlet's
    # marked substitution, no silent change (`quotes.align.verdict`).
    around_marks: tuple[str, ...] = ()


def read(text: str) -> Reading:
    """Separate the outlet's marks in `text` (a quote, without its quote marks) from the
    speaker's words. An ellipsis at either end only says the quote is cut there (a
    partial quote says as much): it splits nothing and is not listed."""
    marks = [(m.start(), m.end(), True) for m in _INSERTION.finditer(text) if _WORD_CHAR.search(m.group())]
    for m in _ELLIPSIS.finditer(text):
        inside = any(start <= m.start() < end for start, end, _ in marks)
        between_words = _WORD_CHAR.search(text[: m.start()]) and _WORD_CHAR.search(text[m.end() :])
        if not inside and between_words:
            marks.append((m.start(), m.end(), False))
    marks.sort()
    speaker: list[str] = []
    pieces: list[str] = []
    piece: list[str] = []
    around: list[str] = []  # the speaker's text cut at every mark
    position = 0
    for start, end, insertion in marks:
        before = text[position:start]
        around.append(before)
        if insertion:
            # "eight (on Sunday), by": the space before the insertion goes with it.
            speaker.append(before.rstrip())
            piece.append(before.rstrip())
        else:
            speaker.append(before + text[start:end])
            pieces.append("".join(piece + [before]))
            piece = []
        position = end
    speaker.append(text[position:])
    pieces.append("".join(piece + [text[position:]]))
    around.append(text[position:])
    return Reading(
        "".join(speaker),
        tuple(p for p in pieces if _WORD_CHAR.search(p)),
        tuple(text[start:end] for start, end, _ in marks),
        tuple(p for p in around if _WORD_CHAR.search(p)),
    )
