"""Tokenised text read as the text it was made from.

Research corpora and many archives ship news as Penn Treebank tokens separated by
spaces: "Kalashnikov 's daughter , Elena , said she did n't know . `` We ... , ''".
Read as it is, such text looks like bad prose to every rule made for news: a date
is "July 31 , 2013", a name is followed by a lone "'s", a sentence ends in " .",
and a summary's word budget counts each comma as a word. On Multi-News dev as
DUC-style summaries (benchmarks/summary_harness.py --tokenised), our summary fell
from 9.02 to 7.62 ROUGE-2 recall on tokenised documents where round-robin lead,
whose sentences do not change, lost 0.62 (the scorer's share of the loss); read
back as written text, 8.91.

`is_tokenised` tells such a text by its punctuation: in tokenised text almost every
comma, full stop, colon, semicolon, question and exclamation mark stands alone
between spaces; in written text almost none does. On the 5,600 texts of seven
corpora of written news we read (Multi-News, Timeline17, ECB+, PolNeAR, the HTML
extraction pages, MSRP, the Balenciaga example; benchmarks/detokenise_share.py)
the share of such spaced marks is at most 0.17, and 0 for nearly all; the same
Multi-News documents tokenised have a median share of 0.95 and none below 0.5. The
bar is the middle of that gap, for texts with enough marks to tell (a headline of
one comma says nothing): none of those written texts nor of 6,366 UCI headlines is
read as tokenised, and 553 of the 570 tokenised documents are (the 17 others,
web-archive notices of a line or two, have fewer than four marks).

`detokenise` undoes the Treebank tokenizer's rules, as NLTK's Treebank detokenizer
does: "``" and "''" become straight double quotes, punctuation and clitics rejoin
their words, brackets their contents.

(The Treebank's quote marks alone, in text that is otherwise written, as the TDT and
DUC copies of AP and New York Times stories write ``so'' for "so", stay as they are:
every rule for quotes reads them.)
"""

from __future__ import annotations

import re

# A mark that ends a token in written text (followed by a space or the line's end),
# and the same mark standing alone after a space: tokenised. (Split clitics, "did n't",
# would say the same, but the punctuation alone already tells the two kinds apart.)
_MARK = re.compile(r"[,.;:?!](?=\s|$)", re.MULTILINE)
_SPACED_MARK = re.compile(r"\s[,.;:?!](?=\s|$)", re.MULTILINE)
# An ellipsis written as spaced full stops (". . .", AP's style) is written text.
_SPACED_ELLIPSIS = re.compile(r"\.(?:\s\.)+")

# The share of spaced marks above which a text is read as tokenised: the middle of
# the gap between written news (at most 0.17) and tokenised text (near 1).
TOKENISED_SHARE = 0.5
# Fewer marks than this say nothing either way (a headline, a caption).
MIN_MARKS = 4
# A text is judged by its beginning: a document is tokenised throughout or not at
# all, and a story of 300 long articles is not scanned twice over.
SAMPLE_CHARS = 20_000


def spaced_marks(text: str) -> tuple[int, int]:
    """(marks standing alone between spaces, all marks) in the beginning of `text`."""
    sample = _SPACED_ELLIPSIS.sub("\u2026", text[:SAMPLE_CHARS])
    return len(_SPACED_MARK.findall(sample)), len(_MARK.findall(sample))


def is_tokenised(text: str) -> bool:
    """Whether `text` reads as Penn Treebank tokens separated by spaces."""
    spaced, marks = spaced_marks(text)
    return marks >= MIN_MARKS and spaced >= TOKENISED_SHARE * marks


# The Treebank tokenizer's rules undone, in the order NLTK's TreebankWordDetokenizer
# undoes them. That class is not used: importing it imports all of NLTK (1.7 s here,
# with scipy.stats and scikit-learn), on the thread that reads the articles while the
# models load beside it; and these rules give the written paragraph back more often
# (9,322 of the 10,013 paragraphs of the tokenised Multi-News dev documents, against
# its 8,605: URLs, "cannot", plural possessives; benchmarks/detokenise_share.py).
_RULES = [
    # clitics rejoin their word: "did n't" -> "didn't", "Valdor 's" -> "Valdor's",
    # "the parents ' car" -> "the parents' car"
    (re.compile(r"(?<=[^\s'])\s((?i:n't|'ll|'re|'ve|'s|'m|'d|'))(?=\s|$)"), r"\1"),
    # the words the tokenizer splits in two: "can not" -> "cannot", "gon na" -> "gonna"
    (re.compile(r"(?i)\b(can)\s(not)\b|\b(gon|wan)\s(na)\b|\b(got)\s(ta)\b|\b(gim|lem)\s(me)\b"),
     lambda m: "".join(part for part in m.groups() if part)),
    # a closing `''` joins the word before it, an opening `` the word after it
    (re.compile(r"(?<=[^\s'])\s('')"), r"\1"),
    (re.compile(r"(``)\s"), r"\1"),
    (re.compile(r"``|''"), '"'),
    # brackets hold their contents: "( TSA )" -> "(TSA)"
    (re.compile(r"([\[({<])\s"), r"\1"),
    (re.compile(r"\s([\])}>])"), r"\1"),
    # marks join the word before them: " ," " ;" " :" " ?" " !" " %", and a full stop
    # that is not part of an ellipsis
    (re.compile(r"\s([,;:?!%])"), r"\1"),
    (re.compile(r"(?<=\w):\s(?=//)"), ":"),  # "https : //" -> "https://"
    (re.compile(r"(?<=[^.\s])\s(\.)(?!\.)"), r"\1"),
    # currency and hash signs join the number after them: "$ 4.5" -> "$4.5"
    (re.compile(r"([$#])\s(?=\d)"), r"\1"),
    # curly quotes (the tokenizer splits them off too) rejoin the words they open and close
    (re.compile(r"([\u201c\u2018])\s+"), r"\1"),
    (re.compile(r"\s+([\u201d\u2019])"), r"\1"),
]


def detokenise(line: str) -> str:
    """One line (a paragraph) of tokenised text as written text."""
    text = " ".join(line.split())
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
