"""Changed after publication: how an article's later versions differ from the text
that was briefed, word by word, with the changes that matter flagged.

The brief analyses an article's first stored version (its spans point into that
text). `article_changes` lines that text up with the latest version word by word
(difflib on words; quote-mark style and case are not changes) and reports each
changed run as a `TextChange`: the briefed words (a span) and the words that
replaced them, flagged `quote` when the run lies inside quoted words in either
version, `number` when a figure changed, `date` when a date did.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence

from .model import Article, ArticleChanges, ArticleVersion, Span, TextChange

_WORD = re.compile(r"\S+")
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand "
    "thousands million millions billion billions trillion dozen dozens half quarter first second third "
    "fourth fifth sixth seventh eighth ninth tenth percent per cent".split()
)
_DATE_WORDS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today yesterday "
    "tomorrow tonight week weekend month year morning afternoon evening night".split()
)
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_EDGE = ".,;:!?\"'()[]—–-…"


def _words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def _key(word: str) -> str:
    return word.translate(_QUOTE_MARKS).casefold()


def _bare(word: str) -> str:
    return word.translate(_QUOTE_MARKS).strip(_EDGE).casefold()


def _touches_number(words: Iterable[str]) -> bool:
    return any(_DIGIT.search(w) or _bare(w) in _NUMBER_WORDS for w in words)


def _touches_date(words: Iterable[str]) -> bool:
    return any(_bare(w) in _DATE_WORDS or _YEAR.match(_bare(w)) for w in words)


def _quoted(text: str) -> list[tuple[int, int]]:
    from .quotes.marks import quoted_spans

    return [(q.start, q.end) for q in quoted_spans(text)]


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans) if end > start else any(s < start < e for s, e in spans)


def diff_runs(old: str, new: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Changed runs as ((old word range), (new word range)) word indices."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(
        a=[_key(old[s:e]) for s, e in a], b=[_key(new[s:e]) for s, e in b], autojunk=False
    )
    return [((i1, i2), (j1, j2)) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def word_counts(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) from `old` to `new`."""
    runs = diff_runs(old, new)
    return sum(j2 - j1 for _, (j1, j2) in runs), sum(i2 - i1 for (i1, i2), _ in runs)


def article_changes(article: Article, versions: Sequence[ArticleVersion]) -> ArticleChanges | None:
    """How the latest version of `article` differs from its briefed text (None: it does not)."""
    if len(versions) < 2:
        return None
    latest = versions[-1]
    texts = [v for v in versions if not v.gone]
    target = texts[-1] if texts else None
    old = article.text
    edits: list[TextChange] = []
    added = removed = 0
    if target is not None and target.number > 1:
        new = target.text
        a, b = _words(old), _words(new)
        old_quotes, new_quotes = _quoted(old), _quoted(new)
        for (i1, i2), (j1, j2) in diff_runs(old, new):
            start = a[i1][0] if i1 < len(a) else len(old)
            end = a[i2 - 1][1] if i2 > i1 else start
            if i2 == i1 and i1 > 0:  # an insertion: at the end of the word before it
                start = end = a[i1 - 1][1]
            new_start = b[j1][0] if j1 < len(b) else len(new)
            new_end = b[j2 - 1][1] if j2 > j1 else new_start
            words = [old[s:e] for s, e in a[i1:i2]] + [new[s:e] for s, e in b[j1:j2]]
            flags = []
            if _inside(start, end, old_quotes) or _inside(new_start, new_end, new_quotes):
                flags.append("quote")
            if _touches_number(words):
                flags.append("number")
            if _touches_date(words):
                flags.append("date")
            edits.append(TextChange(Span(article.id, start, end), new[new_start:new_end], tuple(flags)))
            added += j2 - j1
            removed += i2 - i1
    return ArticleChanges(
        article_id=article.id,
        versions=len(versions),
        first_fetched=versions[0].fetched_at,
        last_changed=latest.fetched_at,
        words_added=added,
        words_removed=removed,
        edits=tuple(edits),
        gone=latest.gone,
    )


def story_changes(articles: Sequence[Article], versions: Mapping[str, Sequence[ArticleVersion]]) -> tuple[ArticleChanges, ...]:
    """The changes of every article of a story that has later versions, in article order."""
    found = []
    for article in articles:
        change = article_changes(article, versions.get(article.id, ()))
        if change is not None:
            found.append(change)
    return tuple(found)
