"""Quotes: who said what, and which outlets changed the words.

The `find_quotes` stage runs three steps over a story's articles:

1. `marks`: where the quoted words are (quote-mark pairing, with repairs for
   the broken marks real pages have);
2. `speakers`: who said them, and the whole statement credited to them (the
   cue's complement clause, `Quote.content`), from the spaCy parse of whole
   articles shared with the other stages (`nlp.parse_texts`), with an alias
   resolver for one name per speaker; quoted titles, figures and scare quotes
   are left out;
3. `align`: the same statement across outlets, its canonical wording, a
   verdict per occurrence (verbatim, partial, typography, altered with word
   edits, other-speaker, disputed) and per-article quote fidelity with rewrite
   flags; the outlet's own marks inside a quote (`editorial`) are not the
   speaker's words, and wordings that tie are decided by evidence or shown as
   disputed (`ties`).

Quotes in headlines become notes (`Brief.notes`): spans point into the
cleaned body text, which has no headline.

`extract_quotes(articles)` gives steps 1-2 alone (one list of `Quote` per article).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import Article, Brief, Quote, Span
from . import align, ties
from .marks import QuotedSpan, quoted_spans
from .speakers import Attribution, Attributor, Cast, _paragraph_of

__all__ = ["find_quotes", "extract_quotes", "quote_story"]

# Quotes without a speaker in their own sentence must be this long to count:
# shorter ones are scare quotes and titles ("temporary", “Harbour Hour Tonight”).
MIN_UNATTRIBUTED_WORDS = 5
MIN_WORDS = 1


def _paragraphs(text: str) -> list[tuple[int, int]]:
    from ..sentences import paragraph_spans

    return list(paragraph_spans(text))


def _frames_needed(text: str, paragraphs, spans: Sequence[QuotedSpan]) -> set[int]:
    """Paragraphs to parse: those with a quote, and a lead-in line ending in ':' before one."""
    needed = set()
    for index, (start, end) in enumerate(paragraphs):
        if any(start <= q.start < end for q in spans):
            needed.add(index)
            if index > 0 and any(q.start - start <= 2 for q in spans if start <= q.start < end):
                needed.add(index - 1)  # a paragraph that opens with a quote: its lead-in may be just before
    return needed


# Words a title may leave in lower case ("Tales of the Quay").
_TITLE_SMALL_WORDS = frozenset("a an the of and or nor but in on at to for with by from as vs".split())
# Short quotes need a speech verb: with only the verb they hang from they are
# scare quotes ("the “temporary” closure"). Tuned on PolNeAR train.
MAX_UNSPOKEN_WORDS = 3
UNSPOKEN = "unspoken"


def _title_case(words: Sequence[str]) -> bool:
    capitals = [w for w in words if w[:1].isupper()]
    return len(capitals) >= 2 and all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)


def _title_case_text(*texts: str) -> bool:
    """`_title_case` of the words of `texts` joined by spaces (no word runs over a space,
    so those are the words of each text in turn), read only up to the first word that is
    neither capitalised nor small: around a short quote the paragraph is often a whole
    long article, and its first words decide."""
    capitals = 0
    for text in texts:
        for match in align.WORD.finditer(text):
            word = match.group()
            if word[:1].isupper():
                capitals += 1
            elif word.lower() not in _TITLE_SMALL_WORDS:
                return False
    return capitals >= 2


def _keep(article: Article, span: QuotedSpan, attribution: Attribution, paragraph: tuple[int, int]) -> bool | str:
    """Is this quoted span somebody's words, not a title, a name or a scare
    quote? UNSPOKEN: only if the story prints the words in a longer quote."""
    text = article.text[span.start : span.end]
    quoted = align.words(text)
    count = len(quoted)
    if count < MIN_WORDS or not any(ch.isalpha() for ch in text):
        return False  # a figure or a date in marks
    # Every word capitalised inside running text: the name of a show, a book,
    # a slogan ("Harbour Hour Tonight"), not somebody's words. In a headline written
    # in title case every quote looks like that.
    capitalised = all(w[:1].isupper() for w in quoted) or _title_case(quoted)
    if count <= 8 and capitalised and not attribution.uttered:
        if not _title_case_text(article.text[paragraph[0] : span.start], article.text[span.end : paragraph[1]]):
            return False
    attributed = (attribution.speaker is not None and attribution.near) or count >= MIN_UNATTRIBUTED_WORDS
    if attributed and count <= MAX_UNSPOKEN_WORDS and not attribution.spoken:
        return UNSPOKEN
    return attributed


def quote_story(articles: Sequence[Article]) -> dict[str, list[tuple[Quote, bool]]]:
    """Quotes of every article with their speakers, names resolved across the
    story: article id -> [(quote, speaker named explicitly)]."""
    from ..guard import per_article
    from ..nlp import parse_texts
    from .speakers import _Frame, _mention_tokens, _subject

    spans_of = {a.id: per_article(a, quoted_spans, a.text, default=[]) for a in articles}
    quoting = [a for a in articles if spans_of[a.id]]
    # Whole articles, through the process-wide cache: the facts and summary
    # stages read the same parses, so a brief parses each article once.
    docs = dict(zip((a.id for a in quoting), parse_texts([a.text for a in quoting])))
    frames: dict[str, dict[int, _Frame]] = {a.id: {} for a in articles}
    cast = Cast()
    layout = []

    def read_article(article: Article) -> tuple:
        paragraphs = _paragraphs(article.text)
        spans = spans_of[article.id]
        for index in sorted(_frames_needed(article.text, paragraphs, spans)):
            tokens = docs[article.id].char_span(*paragraphs[index], alignment_mode="expand")
            if tokens is None:
                continue
            frames[article.id][index] = _Frame(tokens)
        # Every name of the article, not only of its quote paragraphs: the
        # tagger often misses a name in one place and finds it in another.
        for ent in docs[article.id].ents if article.id in docs else ():
            if ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
                cast.add(ent.text, ent.label_)
        return (article, paragraphs, spans)

    for article in articles:
        read = per_article(article, read_article, article, default=None)
        if read is not None:  # an article that failed here has no quotes in the story
            layout.append(read)
        else:
            frames[article.id] = {}
    for article_frames in frames.values():
        for frame in article_frames.values():
            for token in frame.cues():
                if token.pos_ == "VERB":
                    subject = _subject(token)
                    if subject is None or subject.pos_ != "PROPN":
                        continue
                    name = cast.canonical(_mention_tokens(subject).text)
                    if subject.ent_type_ == "ORG" or (not subject.ent_type_ and cast.kind(name) == "ORG"):
                        cast.org_votes[name] += 1
    cast.finish([a.text for a in articles])
    attributor = Attributor(cast)
    decided = []  # (article, span, attribution, decision)

    def decide(article: Article, paragraphs, spans) -> list:
        attributions = attributor.attribute(article.text, spans, paragraphs, frames[article.id])
        return [
            (article, span, attribution, _keep(article, span, attribution, paragraphs[_paragraph_of(paragraphs, span.start)]))
            for span, attribution in zip(spans, attributions)
        ]

    for article, paragraphs, spans in layout:
        decided += per_article(article, decide, article, paragraphs, spans, default=[])
    # A short quote with no speech verb is kept when the story prints those
    # words inside a longer quote: a partial quote (“deeply sorry”), not a scare quote.
    longer = [_tokens(a, s) for a, s, _, decision in decided if decision is True]
    result: dict[str, list[tuple[Quote, bool]]] = {a.id: [] for a in articles}
    for article, span, attribution, decision in decided:
        if decision == UNSPOKEN:
            tokens = _tokens(article, span)
            decision = any(len(whole) > len(tokens) and align._contains(whole, tokens) for whole in longer)
        if decision is not True:
            continue
        mention = Span(article.id, *attribution.mention) if attribution.mention else None
        start, end = attribution.content or (span.start, span.end)
        content = Span(article.id, min(start, span.start), max(end, span.end))
        quote = Quote(Span(article.id, span.start, span.end), attribution.speaker, mention, attribution.cue, content)
        result[article.id].append((quote, attribution.explicit))
    return result


def _tokens(article: Article, span: QuotedSpan) -> list[str]:
    return [align.normalise(w) for w in align.words(article.text[span.start : span.end])]


def extract_quotes(articles: Sequence[Article]) -> dict[str, list[Quote]]:
    """Article id -> its quotes, in text order (speakers resolved across `articles`)."""
    return {aid: [q for q, _ in quotes] for aid, quotes in quote_story(articles).items()}


def find_quotes(brief: Brief, options=None) -> Brief:
    """Stage: fill `brief.quotes` (statements across outlets) and `brief.quote_fidelity`."""
    found = quote_story(brief.articles)
    printed = []
    for article_index, article in enumerate(brief.articles):
        for quote, explicit in found[article.id]:
            order = article_index * 10_000_000 + quote.span.start
            paragraph = len(re.findall(r"\n+", article.text[: quote.span.start]))
            printed.append(align.Printed.read(quote, article.slice(quote.span), order, explicit, paragraph, article.outlet or ""))
    vocabulary = align.story_vocabulary(_narration(article, [q for q, _ in found[article.id]]) for article in brief.articles)
    groups = align.group_quotes(printed, brief.group_of, ties.StoryEvidence.of(brief), vocabulary)
    fidelity = align.fidelity(groups, [a.id for a in brief.articles], brief.group_of)
    notes = brief.notes + tuple(headline_quotes(brief.articles, groups, brief))
    return replace(brief, quotes=tuple(groups), quote_fidelity=tuple(fidelity), notes=notes)


def _narration(article: Article, quotes: Sequence[Quote]) -> str:
    """The article's text in its own voice: its quotes cut out."""
    pieces, start = [], 0
    for quote in sorted(quotes, key=lambda q: q.span.start):
        pieces.append(article.text[start : max(start, quote.span.start)])
        start = max(start, quote.span.end)
    pieces.append(article.text[start:])
    return " ".join(pieces)


def headline_quotes(articles: Sequence[Article], groups, brief: Brief) -> list[str]:
    """Quotes in headlines, as notes: spans point into the cleaned body text,
    which has no headline. Each says whose words they are, when a quote of
    the story holds them, or that no quote of the story does (a headline
    putting marks around words nobody is reported to have said)."""
    notes = []
    holders = _Holders(groups, brief)
    for article in articles:
        for found in quoted_spans(article.title):
            words = article.title[found.start : found.end]
            tokens = [align.normalise(w) for w in align.words(words)]
            if not tokens:
                continue
            holder = holders.first(tokens)
            if holder is not None:
                speaker = holder.speaker or "an unnamed speaker"
                notes.append(f"quotes: the headline of {article.label} quotes “{words}”, words of {speaker}")
            else:
                notes.append(f"quotes: the headline of {article.label} quotes “{words}”, words no quote of the story holds")
    return notes


class _Holders:
    """Which quote group first holds some words: the first group (in `groups` order)
    with an occurrence printing them as a run. Each occurrence's words are read once
    and indexed by word, and only the groups holding every word of the run are
    compared (asking every group for every headline quote grew with headlines times
    occurrences: 2.5 s at 100 long articles)."""

    def __init__(self, groups, brief: Brief) -> None:
        self._groups = list(groups)
        self._brief = brief
        self._occurrences: list[list[list[str]]] | None = None
        self._by_word: dict[str, set[int]] = {}

    def _read(self) -> list[list[list[str]]]:
        if self._occurrences is None:
            self._occurrences = []
            for number, group in enumerate(self._groups):
                printed = [[align.normalise(w) for w in align.words(self._brief.text(o.quote.span))] for o in group.occurrences]
                self._occurrences.append(printed)
                for word in {w for tokens in printed for w in tokens}:
                    self._by_word.setdefault(word, set()).add(number)
        return self._occurrences

    def first(self, tokens: Sequence[str]):
        occurrences = self._read()
        candidates = set.intersection(*(self._by_word.get(word, set()) for word in set(tokens)))
        for number in sorted(candidates):
            if any(align._contains(printed, tokens) for printed in occurrences[number]):
                return self._groups[number]
        return None
