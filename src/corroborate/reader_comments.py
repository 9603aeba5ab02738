"""Reader-comment threads: where the comments under an article begin.

Research corpora flatten a page into its text, the readers' comments below the
article included, often all on one line. A comment's text comes first and its
stamp after it: "<comment> January 28, 2011 at 12:44 pm | Report abuse | Reply
<next comment> February 3, 2011 at 5:22 pm | Reply ...". Left in, the comments
read as the article's own sentences (a reader's opinion reached a summary) and
their stamps as dates the article claims.

A thread is told by its shape, never by one date: a full date with a time of day
followed by the widget bar `|` ("... at 12:44 pm | Reply", "Posted by: jroe |
June 7, 2010 12:24 PM | Report abuse"), either twice or once with the widget words
(Reply, Report abuse); or, on blogs that print no bar, an ordinal date, a time and
a time zone ("January 30th, 2011 12:47 pm ET"), at least twice. A date and time in
prose ("on January 28, 2011 at 12:44 pm the police ...") is never followed by a bar,
nor written that way. On the dev sets in ../shared/data only Timeline17's comment
pages have such stamps (ECB+, Multi-News, PolNeAR: none; benchmarks/reader_comments.py).

The thread runs to the end of the text (below the comments come the comment form
and the page's sidebars, never the article). Its start is the start of the first
comment, which has no stamp before it: it is found by walking back from the first
stamp, sentence by sentence, while the sentences read as a reader's (first or
second person, a question, an exclamation, an @name) or as neither voice, and
stopping at the first that reads as reporting (a quotation, an attribution verb, a
contributor credit) or at a blog's end-of-post marker ("Post by:", "Filed under:",
"Comments (3)", "Leave a comment"), which goes with the thread. Three sentences in
a row of neither voice also stop the walk, before them: an article that ends
without a quotation (a columnist's piece) loses at most the sentence the stamp
closes. Comments with no stamp before the first stamped one can stay: the walk
does not cross an article-like run of sentences, and nothing else tells them from
an op-ed by shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_MONTH = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?"
    r"|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_TIME = r"\d{1,2}:\d{2}(?:\s*[ap]\.?\s?m\.?)?"
# The stamp of one comment: a full date, a time of day ("at" between them, or a comma
# or semicolon, or nothing), the time again after "at" on some blogs ("January 28, 2011
# 07:10 pm at 7:10 pm"), maybe a time zone, then the widget bar.
COMMENT_STAMP = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})[,;]?\s+(?:at\s+)?{_TIME}"
    rf"(?:\s+at\s+{_TIME})?(?:\s+[A-Z]{{2,4}})?\s*\|",
    re.IGNORECASE,
)
# Some blogs (CNN's) print no widget bar: "<comment> <author> January 30th, 2011 12:47 pm
# ET <next comment>". An ordinal day, then a time of day with am/pm, then a time zone,
# with no "at" between: prose puts it otherwise ("at 12:47 p.m. ET on January 30th"),
# and such stamps make a thread only when they come back (`thread_stamps`).
BARLESS_STAMP = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th),?\s+\d{{4}},?\s+\d{{1,2}}:\d{{2}}\s*[ap]\.?\s?m\.?\s+(?-i:[A-Z]{{2,4}})\b",
    re.IGNORECASE,
)
# The comment widget's words right after a stamp's bar.
_WIDGET = re.compile(r"\s*(?:report\s+abuse|reply)\b", re.IGNORECASE)
# A stamp followed by this is a blog post's, not a comment's ("May 27, 2010 2:08 PM | Permalink").
_POST_LINK = re.compile(r"\s*permalink\b", re.IGNORECASE)

# A blog's end-of-post furniture before its comments. Only used where the walk back
# from the first stamp meets it: the same words can head a page ("Filed under:" at
# the top of a blog post), where they start no thread.
# It heads its sentence or follows a bar: "the council had 200 comments" is prose. A
# byline with a bar ("By Jane Roe | May 27, 2030; 2:08 PM ET") is a post's signature.
_END_OF_POST = re.compile(
    r"(?:^|\|)\s*(?P<marker>post(?:ed)?\s+by\s*:|filed\s+under\s*:|comments?\s*\(\d+\)|\d+\s+comments?\b"
    r"|leave\s+a\s+(?:comment|reply)\b|by\s+[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3}\s*\|)",
    re.IGNORECASE,
)
# The comment's own author line, just before its stamp ("... Posted by: jroe | <stamp>").
_AUTHOR_LINE = re.compile(r"\bposted\s+by\s*:\s*\S+(?:\s+\S+){0,2}?\s*\|?\s*$", re.IGNORECASE)
_REPORTING = re.compile(
    r"[\"“”„«»]|``|''|(?-i:^\s*[A-Z]{2,}(?:\s[A-Z]{2,})?:)"  # a quotation; a transcript's speaker ("BLAIR: ...")
    r"|\b(?:said|says|told|tells|according\s+to|reported|reports|announced|stated|contributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article))\b",
    re.IGNORECASE,
)
# First and second person ("US" in capitals is the country), a question, an exclamation, an @name.
_READER = re.compile(r"[!?]|@\w|\b(?:[Ii]|I'm|I've|I'd|I'll|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Oo]ur|[Uu]s|[Yy]ou|[Yy]ou're|[Yy]our)\b")
# A sentence ends at . ! ? … and any closing quotes or brackets, spaced ones too (the
# corpora's partly detokenised `` '' write a closing quote as " ''").
_SENTENCE = re.compile(r".+?(?:[.!?…]+(?:\s?(?:''|[\"”’'»)\]]))*(?=\s)|$)", re.DOTALL)
# A full stop after a lone letter is an abbreviation ("10 p.m.", "the U.S."), not an end.
_INITIAL = re.compile(r"(?:^|[\s.])[^\W\d_]\.$")
_NEUTRAL_RUN = 3  # sentences in a row of neither voice that end the walk


def thread_stamps(text: str) -> list[re.Match[str]]:
    """The comment stamps of `text`, if it holds a comment thread (else none)."""
    if "|" in text:  # stamps before a widget bar (most articles have no bar: not looked for)
        stamps = [stamp for stamp in COMMENT_STAMP.finditer(text) if not _POST_LINK.match(text, stamp.end())]
        if len(stamps) >= 2 or any(_WIDGET.match(text, stamp.end()) for stamp in stamps):
            return stamps
    if ":" in text:
        barless = list(BARLESS_STAMP.finditer(text))
        if len(barless) >= 2:
            return barless
    return []


def _sentences(line: str, end: int) -> list[tuple[int, str]]:
    """(start, sentence) of `line[:end]`, in order."""
    sentences: list[tuple[int, str]] = []
    joined = False
    for match in _SENTENCE.finditer(line, 0, end):
        if joined:
            start, text = sentences.pop()
            sentences.append((start, line[start : match.end()]))
        elif match.group().strip():
            sentences.append((match.start(), match.group()))
        joined = bool(sentences) and bool(_INITIAL.search(sentences[-1][1]))
    return sentences


def thread_start(lines: Sequence[str]) -> tuple[int, int] | None:
    """(line index, offset in that line) where the comment thread of an article begins,
    or None when it has none. The thread runs from there to the end of the text."""
    stamps = thread_stamps("\n".join(lines))
    if not stamps:
        return None
    first = stamps[0].start()
    line_index = 0
    while first > len(lines[line_index]):  # the line of the first stamp, and where in it
        first -= len(lines[line_index]) + 1
        line_index += 1
    # Sentences before the stamp, latest first, across lines (a line break ends a sentence).
    before = [
        (index, start, sentence)
        for index in range(line_index, -1, -1)
        for start, sentence in reversed(_sentences(lines[index], first if index == line_index else len(lines[index])))
    ]
    start = (line_index, first)
    neutral: list[tuple[int, int]] = []
    at_marker = False
    for position, (index, offset, sentence) in enumerate(before):
        # In the sentence the stamp closes, "Posted by:" names the comment's author.
        marker = _END_OF_POST.search(_AUTHOR_LINE.sub("", sentence) if position == 0 else sentence)
        if marker is not None:
            # The furniture goes with the thread, all of it ("Post by: ... Filed under:
            # ... 3 Comments"): the walk goes on only through more of it.
            start, neutral, at_marker = (index, offset + marker.start("marker")), [], True
            continue
        if at_marker:
            break
        if position == 0:
            start = (index, offset)  # the sentence the stamp closes is a comment's
            continue
        if _REPORTING.search(sentence):
            break
        if _READER.search(sentence):
            start, neutral = (index, offset), []
            continue
        neutral.append((index, offset))
        if len(neutral) == _NEUTRAL_RUN:
            neutral = []
            break
    if neutral:
        start = neutral[-1]
    index, offset = start
    while offset < len(lines[index]) and lines[index][offset].isspace():
        offset += 1
    return index, offset
