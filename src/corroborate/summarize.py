"""The brief's extractive summary: whole sentences taken from the articles (so every
word is traceable to its span), each citing every article that says the same.

How sentences are chosen (concept coverage, Gillick & Favre 2009 / ICSISumm):
a story's *concepts* are its stemmed word bigrams; a concept is worth more the
more independent sources (copies counted once, `Brief.group_of`) report it and
the nearer the top of an article it first appears (news puts the main facts
first). An integer linear program (scipy's `milp`, HiGHS) picks the set of
sentences within the word budget that covers the most concept weight (plus, for
short budgets, a per-sentence term for lexical centrality). Covering a concept twice earns nothing, so repeats are
never chosen. Constraints keep the result readable: a sentence that starts with
an unresolved pronoun ("She said...") may be chosen only together with the
sentence before it in its article, which then precedes it in the summary.
Short budgets (up to 150 words) add lexical centrality (TF-IDF) per sentence.
A wire dateline ("PARIS (Reuters) - ") is not shown: the summary sentence's span
then starts at the statement, a shorter span of the same text.

What other stages found is used when present, and nothing breaks without it:
sentences printing a quote that `quotes` judged altered, or a value that `facts`
found outvoted by more independent sources in a conflict, are never chosen; a
sentence of an article that `relations` found to be a copy or rewrite is dropped
when its original says the same (original wording over rewritten text);
sentences carrying a fact that `claims` found corroborated by several
independent sources earn a bonus.

Two sentences that say the same thing (the project's one definition,
`relations.sentence_similarity`) are never both chosen. A quote with no speaker
in its sentence counts as leaning on the sentence before it, like a pronoun.
Chosen sentences are put lead-first (the articles' opening sentences before
details, earlier articles first among equals, a statement rather than a quote
first), each right after any sentence it leans on; each cites every article
with a sentence that says the same (a sentence printing an altered quote is
no support), counting independent sources apart from copies. Sentences without a verb (captions, datelines) are never chosen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .config import BriefOptions
from .independence import print_key, source_count
from .model import Brief, Sentence, Span, SummarySentence

# --- tuning -------------------------------------------------------------------


@dataclass(frozen=True)
class Tuning:
    """The summariser's constants, in one place so a sweep can vary them (values chosen
    by grid search on the first 120 Multi-News dev clusters in earlier rounds; since
    then, choices are made under the tuning protocol of CONTRIBUTING.md with
    `benchmarks/summary_harness.py --protocol`; BENCHMARKS.md)."""

    min_words: int = 6
    max_words: int = 60
    # concept weight = sum over independent sources of (1 + lead_weight * exp(-position / lead_decay))
    lead_weight: float = 8.0
    lead_decay: float = 5.0
    # extra exponent on the number of sources that report a concept (>1 favours agreement);
    # 2.5 rather than 2 (with the off-topic cosines below): R-2 at 300 words +0.44 on the
    # 120 tuning clusters, +0.20 on the 80 held-out ones
    agreement_power: float = 2.5
    # Removed under the tuning protocol (Multi-News dev, 5 folds by cluster,
    # benchmarks/summary_harness.py --protocol; BENCHMARKS.md): a per-sentence bonus for
    # closeness to the story's MiniLM centroid and one for being near the top of its
    # article. At 300 words every fold's training folds chose the summary without them
    # (held-out R-2 F 16.63 against 16.57); at 100 words the training folds chose the
    # summary without them in 4 of 5 folds and it tied held out (DUC-style recall 8.90
    # against 8.93, Multi-News F 11.80 against 11.81), so the simpler summary goes.
    # Also measured at 100 words and not kept: ICSISumm's concept threshold (a bigram
    # counts only if at least 2 sources print it: -0.06), its 10-word minimum sentence
    # (-0.26), scaling concept weights to a typical three-source story (-0.16).
    # bonus per extra independent source for a sentence carrying a corroborated fact
    fact_bonus: float = 0.5
    # an article whose content is far from the rest of the story's (boilerplate, an
    # off-topic page, Multi-News's web-archive boilerplate) contributes concepts scaled
    # down linearly between these cosines (0.4/0.7 rather than 0.3/0.6: +0.18 R-2 at 300
    # words on the tuning clusters, +0.11 held out)
    off_topic_cosine: float = 0.4
    on_topic_cosine: float = 0.7
    # per-sentence bonus: tfidf_weight * cosine of its stemmed-unigram TF-IDF vector to
    # the story's mean * words (lexical centrality). Only for short budgets (below):
    # at 100 words 30 gave R-1 +1.0 / R-2 +0.40 on the tuning clusters and +0.96 / +0.16
    # held out; at 300 words 5 gave +0.07 R-2 (tuning) and -0.05 (held out), 15 gave -0.5.
    tfidf_weight: float = 0.0
    # Measured and rejected, kept so a sweep can try them again: a penalty per quoted
    # word (3: -0.24 R-2 at 100 words, 10: -0.67) and counting concepts that a source
    # prints only inside quotation marks at 0.5 (-1.55 R-2 at 300 words, -0.26 at 100):
    # Multi-News's reference summaries quote what the outlets quote.
    quote_penalty: float = 0.0
    quote_concept_factor: float = 1.0
    # Corroborated facts (slot and value) count as concepts (see `_candidates`).
    fact_concepts: bool = True
    fact_concept_weight: float = 20.0
    # A sentence of an article flagged for altering quotes is not a candidate when a
    # faithful outlet has a sentence at least this close (MiniLM cosine; on the
    # balenciaga articles the flagged outlets' reworded sentences sit at 0.6-0.77 from
    # the sentence they reword).
    reworded_cosine: float = 0.6
    # Two candidates at least this close (MiniLM cosine) are not both chosen. Off (1.0)
    # for long budgets, where the paraphrase rule (`_Sameness`) is enough; in a
    # three-to-five sentence summary, sentences that reword the same point ("X spoke out
    # about Y" / "X broke her silence on Y", cosine 0.5-0.7, not paraphrases by the
    # MSRP rule) crowded out the story's other facts.
    redundant_cosine: float = 1.0
    # Budgets up to short_budget words use these overrides (field, value): two to four
    # sentences, where lexical centrality matters more than piling up agreement.
    short_budget: int = 150
    short: tuple[tuple[str, float], ...] = (
        ("tfidf_weight", 30.0),
        ("agreement_power", 2.0),
        ("off_topic_cosine", 0.3),
        ("on_topic_cosine", 0.6),
        ("redundant_cosine", 0.55),
    )
    # The integer program's work is bounded by counts, never by the clock, so the
    # summary does not depend on the machine's speed or load: at most `ilp_candidates`
    # sentences enter it (the best by concept weight per word, `_within_size`; every
    # Multi-News dev cluster and a ten-article wire story have fewer), and the solver
    # stops after `ilp_nodes` branch-and-bound nodes with its best set so far (every
    # Multi-News dev cluster closes at the root node).
    ilp_candidates: int = 1000
    ilp_nodes: int = 1000
    # A learned concept weighting to measure against the hand-made one: called as
    # concept_model(brief, candidates, weights) and returns the weights the integer
    # program uses (benchmarks/summary_learned_weights.py). None: the hand-made weights.
    concept_model: Callable | None = None


TUNING = Tuning()


def for_budget(tuning: Tuning, budget: int) -> Tuning:
    """The constants for this word budget (a short summary is a different problem:
    two or three sentences, where one long sentence crowds out the others)."""
    if budget <= tuning.short_budget and tuning.short:
        return replace(tuning, **dict(tuning.short))
    return tuning


# --- words and concepts ---------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")


@functools.cache
def _stopwords() -> frozenset[str]:
    # spaCy's list, not scikit-learn's: importing sklearn cost 1.3 s of a cold
    # brief, and its list holds news content words ("fire", "bill", "found").
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"s", "t", "said", "says", "mr", "ms", "mrs"}


@functools.cache
def _stem(word: str) -> str:
    # Porter, as ROUGE and most concept-coverage work use. PyStemmer's (Snowball's
    # original Porter, in C) rather than NLTK's: `import nltk` alone took 2.1 s of a
    # 5-article brief (it imports scipy.stats); the two stemmers differ on 2% of
    # Multi-News words, consistently (age/aged/ages -> ag), and ROUGE on Multi-News
    # dev was re-measured after the switch (BENCHMARKS.md, Summary).
    return _porter().stemWord(word)


@functools.cache
def _porter():
    import Stemmer

    return Stemmer.Stemmer("porter")


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens (the same normalisation ROUGE applies)."""
    return [_stem(t) for t in _TOKEN.findall(text.lower())]


def concepts(words: Sequence[str]) -> set[tuple[str, str]]:
    """Word bigrams that are not made of stop words only."""
    stop = _stopwords()
    return {(a, b) for a, b in zip(words, words[1:]) if not (a in stop and b in stop)}


def sentence_concepts(text: str) -> set[tuple[str, str]]:
    # Measured on Multi-News dev: adding content-word unigrams as concepts (0.3 of a
    # bigram's weight) changed R-2 by +0.03 and doubled solve time, so bigrams only.
    return concepts(tokens(text))


# --- which sentences may be chosen ---------------------------------------------

# Scraping leftovers and page furniture that cleaning may have let through; a
# summary sentence must be a statement about the story. Each pattern is page
# furniture's *address to the reader* ("sign up for our newsletter", "your browser",
# "we use cookies"), not a topic word: news about a browser war, a copyright case or
# a privacy policy is summary material (the bare words used to exclude every such
# sentence, and with them whole stories of a wire set).
_JUNK = re.compile(
    r"https?://|www\.|@\w+\.\w|\b(click|tap) here\b|"
    r"\b(sign up|subscribe|register)\b[^.!?]{0,40}\b(our|newsletters?|now|today|here|free)\b|"
    r"\b(our|free|daily|weekly|email) newsletters?\b|\bnewsletters? (sign[- ]?up|delivered)\b|"
    r"\ball rights reserved\b|\bcopyright\s*(©|\(c\)|\d{4})|©|\bfollow us\b|"
    r"\bfollow (him|her|them) on (twitter|instagram|facebook|tiktok)\b|\bread more\b(?! than)|"
    r"^advertisement\b|\badvertisement$|\bimage (caption|copyright)\b|\bphoto(graph)?:|\(ap photo|"
    r"\bgetty images\b|\b(we|this (site|website)|our (site|website)) uses? cookies\b|\b(accept|enable) cookies\b|"
    r"\bcookie (policy|settings)\b|\b(enable|turn on) javascript\b|\bjavascript (is )?(disabled|required)\b|"
    r"\byour browser\b|\bbrowser (does not|doesn't) support\b|\b(our|the site's) (terms of (use|service)|privacy policy)\b|"
    r"\bagree to (the|our) (terms|privacy)\b|\bshare this\b|"
    # a byline or section bar run into the text ("Clare Spencer | 09:06 UK time, ..."):
    # prose never sets words apart with a bar
    r"\s\|\s",
    re.IGNORECASE,
)
# A word or sign that every match of `_JUNK` holds (each of its alternatives prints one
# of these, read case-insensitively): a sentence without any is no page furniture, and
# `_JUNK`'s search (83 us a sentence, its alternatives tried at every word boundary;
# 0.25 s of 100 news articles' summary) is skipped for it (`_may_be_junk`).
_JUNK_CUES = (
    "://", "www.", "@", "click here", "tap here", "sign up", "subscribe", "register", "newsletter",
    "rights reserved", "copyright", "©", "follow ", "read more", "advertisement", "image c", "photo",
    "getty images", "cookie", "javascript", "browser", "terms of", "privacy policy", "agree to", "share this", "|",
)  # fmt: skip
# The characters that `re.IGNORECASE` matches with an ASCII letter of the cues although
# `str.lower` does not turn them into it: "İ" and "ı" (i), "ſ" (s). Every other such
# character is an upper-case ASCII letter or lowers to its letter ("K", the Kelvin sign).
_FOLDED_UNLIKE_LOWER = ("\u0130", "\u0131", "\u017f")


def _may_be_junk(text: str) -> bool:
    """False only where `_JUNK.search(text)` finds nothing: the text holds none of
    `_JUNK_CUES` as `re.IGNORECASE` reads them (its lower-case form, unless it holds a
    character that folds otherwise)."""
    if any(char in text for char in _FOLDED_UNLIKE_LOWER):
        return True
    lower = text.lower()
    return any(cue in lower for cue in _JUNK_CUES)


# Photo captions read like sentences but end with the picture's date or credit.
_CAPTION = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\.?$"
    r"|\((photo|image|picture|credit|file photo)\b[^)]*\)|/\s*(staff photographer|ap|reuters|getty images|afp)\b",
    re.IGNORECASE,
)
# Quote marks: straight, curly, and the Treebank's `` and '' (the TDT and DUC copies of
# AP and New York Times stories write ``so'' for "so"; read as any other quote, on
# Multi-News dev as DUC-style summaries with such marks ours went from 8.35 to
# 9.01 R-2 recall, 9.02 with straight ones: summary_harness.py --ptb-quotes).
_OPENING = r"(?:[\"'“‘]|``)"
_CLOSING = r"(?:[\"”’]|'')"
_QUOTE_LED = re.compile(r"^" + _OPENING)
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$|" + _CLOSING + r"$")
_STARTS_WELL = re.compile(r"^(?:" + _OPENING + r"|\()?[A-Z0-9]")
# A sentence that opens with one of these needs the sentence before it.
# A leading "And"/"But" leans on the sentence before as much as the pronoun after it
# ("And it's the Egyptian military police."), and "it's" is "it is".
_PRONOUN_START = re.compile(
    r"^" + _OPENING + r"?(?:(?:and|but|so|or|yet),? )?(he|she|they|his|her|hers|their|theirs|him|them|its|"
    r"it['’]s|"
    r"(this|that|these|those|it) (is|was|are|were|has|had|have|will|would|could|may|might|means|comes|came))\b",
    re.IGNORECASE,
)
# A quote attributed to a bare pronoun ('"...," she said.') has the same problem.
_PRONOUN_ATTRIBUTION = re.compile(
    _CLOSING + r",?\s+(he|she|they) (said|says|added|told|wrote|explained|noted|continued|argued|insisted|recalled)\b"
    r"|" + _CLOSING + r",?\s+(said|says|added|wrote) (he|she|they)\b",
    re.IGNORECASE,
)


def is_summary_material(text: str, tuning: Tuning = TUNING) -> bool:
    """A complete sentence (starts well, ends with terminal punctuation or a closing
    quote, sensible length) that is not page furniture."""
    words = len(text.split())
    return (
        tuning.min_words <= words <= tuning.max_words
        and bool(_TERMINAL.search(text))
        and bool(_STARTS_WELL.match(text))
        and not (_may_be_junk(text) and _JUNK.search(text))
        and not _CAPTION.search(text)
    )


# "PARIS (Reuters) - ", "BRANTMOOR - ", and the older wire forms "PHNOM PENH, Cambodia
# (AP) _ ", "WASHINGTON _ ", "BEIJING, October 16 (Xinhua) -- ": the wire's dateline, not
# part of the statement; the summary shows the sentence from the word after it (a
# shorter span of the same text), and its words are no concepts (ten wire stories from
# one city would otherwise make the city's name the story's most agreed-on bigram).
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’&/-]*(?:\s+[A-Z][A-Z.'’&/-]*){0,3}"  # the place, in capitals: ST. LOUIS
    r"(?:,\s+[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,2})?"  # its state or country: , N.Y.
    r"(?:,?\s+" + _MONTH + r"\s+\d{1,2})?"  # a date: , Oct. 16
    r")?(?:\s*\([A-Za-z .&]{1,30}\))?"  # the agency: (AP)
    r"\s*(?:_|-{1,2}|–|—)\s+(?=[\"“‘'`A-Z0-9])"
)


def _without_dateline(span: Span, text: str) -> Span:
    match = _DATELINE.match(text)
    if match is None or not re.search(r"[A-Z]{3}", match.group()):
        return span
    return Span(span.article_id, span.start + match.end(), span.end)


def _quoted_words(text: str) -> int:
    return sum(len(m.group().split()) for m in _QUOTED.finditer(text))


def _stated_concepts(text: str) -> set[tuple[str, str]]:
    """Concepts of the sentence's words outside quotation marks."""
    out: set[tuple[str, str]] = set()
    for part in _QUOTED.split(text):
        out |= concepts(tokens(part))
    return out


def needs_antecedent(text: str) -> bool:
    """Whether the sentence leans on the one before it for who "he"/"she"/"this" is,
    or, for a quote with no attribution at all, for who is speaking."""
    return bool(_PRONOUN_START.match(text) or _PRONOUN_ATTRIBUTION.search(text[:200]) or _unattributed_quote(text))


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|``.*?''")


def _unattributed_quote(text: str) -> bool:
    if not _QUOTE_LED.match(text):
        return False
    outside = _QUOTED.sub(" ", text)
    return len(re.findall(r"[A-Za-z]+", outside)) < 2


@dataclass
class _Candidate:
    index: int  # position in the list of candidates
    sentence: Sentence
    text: str
    words: int
    concepts: set[tuple[str, str]]
    group: int
    relevance: float = 1.0  # how on-topic its article is, 0..1
    needs: int | None = None  # candidate index of the sentence it leans on
    row: int = 0  # position in brief.sentences
    repeats: set[int] = field(default_factory=set)  # candidates that say the same
    bonus: float = 0.0
    span: Span | None = None  # what the summary shows: the sentence, less a leading dateline
    stated: set[tuple[str, str]] = field(default_factory=set)  # its concepts outside quotation marks


# --- what other stages say -------------------------------------------------------

_COPY_KINDS = ("duplicate", "contained", "rewrite")


def _derived_sources(brief: Brief) -> dict[str, set[str]]:
    """Article id -> the articles it copies or rewrites."""
    out: dict[str, set[str]] = defaultdict(set)
    for relation in brief.relations:
        if relation.kind in _COPY_KINDS:
            out[relation.derived].add(relation.source)
    return out


def _reworded_articles(brief: Brief) -> tuple[set[str], set[str]]:
    """The articles `quotes` flagged as likely rewrites (they alter quotes that other
    outlets print verbatim), and the articles not flagged. A flagged article reworded
    someone's text even when no single original is close enough for `relations` to
    name it, so its sentences give way to the faithful outlets' (`reworded_cosine`)."""
    flagged = {f.article_id for f in brief.quote_fidelity if f.flagged_as_rewrite}
    return flagged, {a.id for a in brief.articles} - flagged


def _altered_quote_spans(brief: Brief) -> list[Span]:
    # A disputed wording blames nobody, but nor is it a wording to state as the speaker's.
    return [
        occurrence.quote.span
        for group in brief.quotes
        for occurrence in group.occurrences
        if occurrence.verdict in ("altered", "other-speaker", "disputed")
    ]


def _outvoted_claim_spans(brief: Brief) -> list[Span]:
    """Claims whose value fewer independent sources give than another value of the
    same slot (the 1984 against everyone else's 1994): not for the summary."""
    out = []
    for fact in brief.facts:
        if fact.status != "conflicting":
            continue
        sources: dict[str, set[int]] = defaultdict(set)
        for claim in fact.claims:
            sources[claim.value].add(brief.group_of(claim.span.article_id))
        most = max(len(groups) for groups in sources.values())
        out.extend(claim.span for claim in fact.claims if len(sources[claim.value]) < most)
    return out


def _corroborated_claim_spans(brief: Brief) -> list[tuple[Span, int]]:
    return [
        (claim.span, fact.independent_sources)
        for fact in brief.facts
        if fact.status == "corroborated" and fact.independent_sources > 1
        for claim in fact.claims
    ]


# --- citations -------------------------------------------------------------------


class _Sameness:
    """Whether two of the story's sentences say the same thing. One definition for
    the whole project: `relations.sentence_similarity` (mean of MiniLM cosine and
    rapidfuzz token-set ratio) at `relations.PARAPHRASE_SIMILARITY`, chosen on MSRP
    train for accuracy (dev accuracy 0.750, above either signal alone; BENCHMARKS.md).
    Normalised texts are kept so each pair costs one token-set ratio."""

    def __init__(self, texts: Sequence[str], vectors) -> None:
        from . import dedup

        self.vectors = vectors
        self.normalised = [dedup.normalise(t) for t in texts]
        self._lexicon = None

    @property
    def lexicon(self):
        """The token-set ratios of the texts' pairs (`relations.Lexicon`: compiled for a
        big story, else rapidfuzz behind a letter-count bound), prepared once for every
        pair asked."""
        if self._lexicon is None:
            self._lexicon = _relations().Lexicon(self.normalised)
        return self._lexicon

    @property
    def least_cosine(self) -> float:
        """Below this cosine no lexical overlap (at most 1) can make two sentences the same."""
        return 2 * _relations().PARAPHRASE_SIMILARITY - 1

    def same_many(self, rows: Sequence[int], others: Sequence[int], cosines):
        """`same` of many pairs at once (token-set ratios asked only where they can make the pair the same)."""
        import numpy as np

        relations = _relations()
        rows, others = np.asarray(rows, dtype=np.int64), np.asarray(others, dtype=np.int64)
        result = np.zeros(len(rows), dtype=bool)
        worth = np.flatnonzero(cosines >= self.least_cosine)
        if len(worth):
            lexical = self.lexicon.token_set_ratios(rows[worth], others[worth], relations.least_lexical(cosines[worth])) / 100.0
            result[worth] = relations.combine_similarity(cosines[worth], lexical) >= relations.PARAPHRASE_SIMILARITY
        return result

    def same(self, i: int, j: int, cosine: float | None = None) -> bool:
        relations = _relations()
        if cosine is None:
            cosine = float(self.vectors[i] @ self.vectors[j])
        if cosine < self.least_cosine:
            return False
        lexical = _fuzz().token_set_ratio(self.normalised[i], self.normalised[j]) / 100.0
        return float(relations.combine_similarity(cosine, lexical)) >= relations.PARAPHRASE_SIMILARITY


@functools.cache
def _fuzz():
    """rapidfuzz's `fuzz` (imported once: an import statement per pair cost 4 s at 300 long articles)."""
    from rapidfuzz import fuzz

    return fuzz


@functools.cache
def _relations():
    """The relations module (imported on first use; asked once per pair by `_Sameness.same`,
    the import statement's own work cost 6 s of CPU at 300 long articles)."""
    from . import relations

    return relations


# --- the stage -------------------------------------------------------------------


def summarize(brief: Brief, options: BriefOptions | None = None, tuning: Tuning = TUNING) -> Brief:
    """Stage: fill `brief.summary`."""
    options = options or BriefOptions()
    if not brief.sentences:
        return brief
    return replace(brief, summary=tuple(summary_sentences(brief, options.summary_words, tuning)))


def summary_sentences(brief: Brief, budget: int, tuning: Tuning = TUNING, overflow: bool = False) -> list[SummarySentence]:
    """The summary within `budget` words. With `overflow`, one more sentence (the best
    remaining by the concepts it adds, `_overflow_candidate`) follows the summary, so
    that it runs past the budget: for scoring the first `budget` words as DUC does,
    where every system fills the budget (benchmarks/summary_harness.py --duc)."""
    from .nlp import embed, encoder_for

    tuning = for_budget(tuning, budget)
    texts = [brief.text(s.span) for s in brief.sentences]
    vectors = embed(texts, encoder_for(len(texts)))
    sameness = _Sameness(texts, vectors)
    candidates, weights = _candidates(brief, texts, vectors, sameness, tuning)
    # An altered quote or an outvoted value does not support the sentence it resembles.
    unreliable = _altered_quote_spans(brief) + _outvoted_claim_spans(brief)
    if not candidates:
        return []
    chosen = _select(candidates, weights, budget, tuning, sameness)
    chosen = _complete_sentences_only(chosen, candidates, weights, budget, tuning, sameness)
    chosen = _reading_order(brief, chosen)
    if overflow:
        _mark_repeats(candidates, sameness, tuning.redundant_cosine)  # every candidate may be the extra one
        extra = _overflow_candidate(chosen, candidates, weights)
        chosen = chosen + ([extra] if extra is not None else [])
    position = {s.span: i for i, s in enumerate(brief.sentences)}
    facts_in = _facts_by_article(brief)
    out = []
    for candidate in chosen:
        matched: dict[str, int] = {}
        citing = _citations(brief, position[candidate.sentence.span], sameness, unreliable, facts_in, matched)
        prints = [(a, print_key(brief, a, texts[matched[a]]) if a in matched else None) for a in citing]
        shown = candidate.span or candidate.sentence.span
        out.append(SummarySentence(span=shown, citations=citing, independent_sources=source_count(brief, prints)))
    return out


def _chronological(brief: Brief) -> dict[str, int]:
    """Article id -> rank, earliest published first; undated ones after, in input order."""
    far = dt.date.max
    ranked = sorted(enumerate(brief.articles), key=lambda p: (p[1].published or far, p[0]))
    return {article.id: rank for rank, (_, article) in enumerate(ranked)}


def _reading_order(brief: Brief, chosen: list[_Candidate]) -> list[_Candidate]:
    """Lead-first: the story's opening sentences before details (inverted pyramid),
    earlier articles first among equals; a quote does not open the summary when a
    statement can. A sentence that leans on the one before it follows it directly."""
    rank = _chronological(brief)
    chosen_ids = {c.index for c in chosen}
    heads = [c for c in chosen if c.needs is None or c.needs not in chosen_ids]
    heads.sort(key=lambda c: (c.sentence.index, _QUOTE_LED.match(c.text) is not None, rank[c.sentence.span.article_id]))
    if heads and _QUOTE_LED.match(heads[0].text):
        statement = next((c for c in heads if not _QUOTE_LED.match(c.text)), None)
        if statement is not None:
            heads.remove(statement)
            heads.insert(0, statement)
    followers: dict[int, list[_Candidate]] = defaultdict(list)
    for candidate in chosen:
        if candidate not in heads:
            followers[candidate.needs].append(candidate)
    out: list[_Candidate] = []

    def place(candidate: _Candidate) -> None:
        out.append(candidate)
        for follower in followers.get(candidate.index, ()):
            place(follower)

    for head in heads:
        place(head)
    return out


def _candidates(brief, texts, vectors, sameness: _Sameness, tuning: Tuning) -> tuple[list[_Candidate], dict]:
    """The sentences that may be chosen, and the weights of the story's concepts.
    Which of them repeat one another is asked later, of the few that reach the
    selection (`_select`): a pairwise question, quadratic in a big story's tens of
    thousands of candidates."""
    out = _candidate_sentences(brief, texts, vectors, sameness, tuning)
    if tuning.tfidf_weight and len(out) > 1:
        _add_tfidf_centrality(out, tuning)
    weights = _concept_weights(out, tuning)
    if tuning.concept_model is not None:
        weights = tuning.concept_model(brief, out, weights)
    return out, weights


def _candidate_sentences(brief, texts, vectors, sameness: _Sameness, tuning: Tuning) -> list[_Candidate]:
    """The sentences that may be chosen, each with its concepts and bonus so far."""
    derived = _derived_sources(brief)
    reworded, faithful = _reworded_articles(brief)
    excluded = _altered_quote_spans(brief) + _outvoted_claim_spans(brief)
    corroborated = _corroborated_claim_spans(brief)
    fact_claims = [
        (claim.span, f"{fact.subject}|{fact.attribute}|{claim.value}")
        for fact in brief.facts
        if fact.status == "corroborated"
        for claim in fact.claims
    ]
    # The centroid weighs each independent source once, so ten copies of one
    # wire story do not pull the summary towards it.
    by_group: dict[int, list[int]] = defaultdict(list)
    for i, sentence in enumerate(brief.sentences):
        by_group[brief.group_of(sentence.span.article_id)].append(i)
    group_means = {g: vectors[rows].mean(axis=0) for g, rows in by_group.items()}
    # Spans and sentences by article: each sentence is checked against its own
    # article's (and its sources') alone, not against the whole story's.
    rows_of: dict[str, list[int]] = defaultdict(list)
    for i, sentence in enumerate(brief.sentences):
        rows_of[sentence.span.article_id].append(i)
    excluded_in = _by_article(excluded, lambda span: span)
    corroborated_in = _by_article(corroborated, lambda pair: pair[0])
    fact_claims_in = _by_article(fact_claims, lambda pair: pair[0])
    close_to_faithful = _close_to(vectors, [i for a in reworded for i in rows_of.get(a, ())],
                                  [i for a in faithful for i in rows_of.get(a, ())], tuning.reworded_cosine)  # fmt: skip
    relevance = _group_relevance(group_means, tuning)
    # An outlet's sentence printed in the same words in several of its articles is one
    # source's (`independence`): its concepts count once, not once per article's group.
    reprint_of = _reprints(brief, texts)
    for row, reprint in reprint_of.items():
        group = brief.group_of(brief.sentences[row].span.article_id)
        relevance[reprint] = min(relevance.get(reprint, 1.0), relevance[group])

    # A transcript's turns (`Sentence.spoken`: an anchor's "Well, now they're saying
    # it's not for the people.", a guest's "The street is not the government.") are
    # what people said on air, not what the outlet reports: they are summary material
    # only in a story told by transcripts alone.
    reported = any(not sentence.spoken for sentence in brief.sentences)
    out: list[_Candidate] = []
    previous: dict[str, int] = {}  # article id -> candidate index of its latest sentence
    for i, sentence in enumerate(brief.sentences):
        span, text = sentence.span, texts[i]
        article_id = span.article_id
        prior = previous.get(article_id)
        previous.pop(article_id, None)
        if (sentence.spoken and reported) or not is_summary_material(text, tuning):
            continue
        if any(span.overlaps(q) for q in excluded_in.get(article_id, ())):
            continue
        if article_id in derived and _original_says_it(i, derived[article_id], rows_of, sameness):
            continue
        if article_id in reworded and i in close_to_faithful:
            continue
        shown = _without_dateline(span, text)
        text = brief.text(shown)
        candidate = _Candidate(
            index=len(out),
            sentence=sentence,
            text=text,
            words=len(text.split()),
            concepts=sentence_concepts(text),
            span=shown,
            stated=_stated_concepts(text) if tuning.quote_concept_factor != 1.0 else set(),
            group=reprint_of.get(i, brief.group_of(article_id)),
            relevance=relevance[reprint_of.get(i, brief.group_of(article_id))],
            row=i,
        )
        if needs_antecedent(text):
            # Only with the sentence just before it (which then precedes it in
            # the summary); without one there is nobody for "she" to be.
            if prior is None or out[prior].sentence.index != sentence.index - 1:
                continue
            candidate.needs = prior
        if tuning.quote_penalty:
            candidate.bonus -= tuning.quote_penalty * _quoted_words(text)
        candidate.bonus += tuning.fact_bonus * sum(
            sources - 1
            for claim, sources in corroborated_in.get(article_id, ())
            if span.contains(claim) or span.overlaps(claim)
        )
        if tuning.fact_concepts:
            # A corroborated fact is a concept of its own, weighed like a bigram by the
            # sources that state it and how early: covering "$25 million lawsuit" once
            # is worth as much as the words that several outlets agree on.
            candidate.concepts |= {("fact", key) for claim, key in fact_claims_in.get(article_id, ()) if span.overlaps(claim)}
        previous[article_id] = candidate.index
        out.append(candidate)
    return out


def _reprints(brief: Brief, texts: Sequence[str]) -> dict[int, int]:
    """Row -> a source of its own (a negative number, in the order of the prints' words)
    for each sentence that one outlet prints in the same words in articles of two or
    more independent sources."""
    groups_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    key_of: dict[int, tuple[str, str]] = {}
    for row, sentence in enumerate(brief.sentences):
        key = print_key(brief, sentence.span.article_id, texts[row])
        if key is not None:
            key_of[row] = key
            groups_of[key].add(brief.group_of(sentence.span.article_id))
    shared = {key: -1 - n for n, key in enumerate(sorted(k for k, groups in groups_of.items() if len(groups) > 1))}
    return {row: shared[key] for row, key in key_of.items() if key in shared}


def _add_tfidf_centrality(candidates: list[_Candidate], tuning: Tuning) -> None:
    """Lexical centrality (stemmed unigrams, TF-IDF over the story's sentences),
    the signal of the classic centroid summariser, next to MiniLM's."""
    import numpy as np

    stop = _stopwords()
    rows = tfidf_rows([[t for t in tokens(c.text) if t not in stop] for c in candidates])
    if rows is None:  # nothing but stop words
        return
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    closeness = rows @ centroid
    for candidate, value in zip(candidates, closeness):
        candidate.bonus += tuning.tfidf_weight * float(value) * candidate.words * candidate.relevance


def tfidf_rows(documents: Sequence[Sequence[str]]):
    """L2-normalised TF-IDF rows (a sparse CSR matrix), the same numbers as scikit-learn's
    `TfidfVectorizer(sublinear_tf=True)` (smooth idf; a test compares them). Written
    out because importing sklearn took 1.0 s of a 4 s cold brief. Sparse because a
    dense matrix of a big story's sentences by its words took gigabytes (20,000
    sentences by 40,000 words). None when no document has a term."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    rows, columns = [], []
    for row, document in enumerate(documents):
        for term in document:
            rows.append(row)
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
    if not vocabulary:
        return None
    counts = csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(documents), len(vocabulary)))
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1 + len(documents)) / (1 + df)) + 1
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    return csr_matrix(counts.multiply(1 / np.where(norms > 0, norms, 1)[:, None]))


def _mark_repeats(candidates: list[_Candidate], sameness: _Sameness, redundant_cosine: float = 1.0) -> None:
    """Pairs of candidates that say the same thing: a summary takes at most one of
    each (concept coverage alone lets a reworded repeat in when the budget is loose).
    With `redundant_cosine` < 1, pairs at least that close count as repeats too.
    Each candidate's `repeats` become those among `candidates`, whatever an earlier
    call over other candidates marked."""
    import numpy as np

    for candidate in candidates:
        candidate.repeats = set()
    if len(candidates) < 2:
        return
    rows = np.array([c.row for c in candidates], dtype=np.int64)
    vectors = sameness.vectors[rows]
    least = min(sameness.least_cosine, redundant_cosine)
    # A block of rows at a time (a big story has tens of thousands), each pair once.
    for pair_rows, pair_columns, cosines in _relations().upper_pairs(vectors, least):
        later = pair_columns > pair_rows
        pair_rows, pair_columns, cosines = pair_rows[later], pair_columns[later], cosines[later].astype(np.float64)
        repeated = cosines >= redundant_cosine
        # A pair that close is a repeat whatever its words: only the others are asked
        # whether they say the same (each pair's answer is its own; at 300 news articles
        # a seventh of the pairs, 0.5 s of token-set ratios).
        rest = np.flatnonzero(~repeated)
        repeated[rest] = sameness.same_many(rows[pair_rows[rest]], rows[pair_columns[rest]], cosines[rest])
        for a, b in zip(pair_rows[repeated], pair_columns[repeated]):
            first, second = candidates[a], candidates[b]
            first.repeats.add(second.index)
            second.repeats.add(first.index)


def _group_relevance(group_means: dict, tuning: Tuning) -> dict[int, float]:
    """Per independent source, 0..1: how close its content is to the other sources'
    (an article that shares nothing with the rest is scraping junk or off-topic)."""
    import numpy as np

    if len(group_means) < 2:
        return {g: 1.0 for g in group_means}
    out = {}
    span = max(tuning.on_topic_cosine - tuning.off_topic_cosine, 1e-6)
    for group, mean in group_means.items():
        rest = np.mean([m for g, m in group_means.items() if g != group], axis=0)
        cosine = float(mean @ rest) / ((np.linalg.norm(mean) * np.linalg.norm(rest)) or 1.0)
        out[group] = min(1.0, max(0.05, (cosine - tuning.off_topic_cosine) / span))
    return out


def _original_says_it(row: int, sources: set[str], rows_of: dict[str, list[int]], sameness: _Sameness) -> bool:
    return any(sameness.same(row, j) for source in sources for j in rows_of.get(source, ()))


def _close_to(vectors, rows: list[int], others: list[int], least_cosine: float) -> set[int]:
    """The `rows` with a sentence of `others` at least `least_cosine` close: a reworded
    outlet's sentences that a faithful outlet says too (a looser test than
    `_Sameness`: spun text swaps enough words to fall below the paraphrase rule, "the
    span plunged beneath the throng" for "the span collapsed beneath the crowd").
    In blocks of rows, so memory stays bounded in a big story."""
    close: set[int] = set()
    if not rows or not others:
        return close
    for first in range(0, len(rows), _BLOCK_ROWS):
        block = rows[first : first + _BLOCK_ROWS]
        best = (vectors[block] @ vectors[others].T).max(axis=1)
        close.update(row for row, value in zip(block, best) if value >= least_cosine)
    return close


_BLOCK_ROWS = 512


def _by_article(items, span_of) -> dict[str, list]:
    """Items grouped by the article of their span (in order)."""
    out: dict[str, list] = defaultdict(list)
    for item in items:
        out[span_of(item).article_id].append(item)
    return out


def _concept_weights(candidates: list[_Candidate], tuning: Tuning) -> dict:
    """Weight of each concept, from the candidate sentences: by how many independent
    sources report it (each scaled by how on-topic it is) and how near the top of
    each it first appears. (Measured on Multi-News dev: also weighting by how often a
    source repeats a concept did not help.)"""
    best_position: dict[tuple, dict[int, int]] = defaultdict(dict)
    stated: dict[tuple, set[int]] = defaultdict(set)  # groups that print it outside a quote
    relevance = {c.group: c.relevance for c in candidates}
    for candidate in candidates:
        sentence, group = candidate.sentence, candidate.group
        for concept in candidate.concepts:
            seen = best_position[concept]
            if group not in seen or sentence.index < seen[group]:
                seen[group] = sentence.index
        for concept in candidate.stated:
            stated[concept].add(group)
    weights = {}
    factor = tuning.quote_concept_factor
    for concept, positions in best_position.items():
        # .get: looking a concept up in the defaultdict would add an empty set for each
        # concept no group states (all of them by default: hundreds of thousands of
        # sets, tens of megabytes, at 300 long articles).
        stated_by = stated.get(concept, ())
        scale = {g: relevance[g] * (1.0 if g in stated_by else factor) for g in positions}
        score = sum(
            scale[g] * (1 + tuning.lead_weight * math.exp(-p / tuning.lead_decay)) for g, p in positions.items()
        )
        sources = sum(scale.values())
        weights[concept] = score * max(sources, 1.0) ** (tuning.agreement_power - 1)
        if concept[0] == "fact":
            weights[concept] *= tuning.fact_concept_weight
    return weights


def _select(candidates: list[_Candidate], weights: dict, budget: int, tuning: Tuning,
            sameness: _Sameness) -> list[_Candidate]:  # fmt: skip
    """The best set of sentences within the budget, by integer linear programming
    (falls back to the greedy approximation if the solver gives no answer)."""
    fitting = _within_size([c for c in candidates if c.words <= budget], weights, tuning.ilp_candidates)
    if not fitting:
        return []
    # Repeats among these alone: a pair's answer is its own, so the program is the
    # same as with every candidate's (at 300 long articles 21,851 candidates, 12 s).
    _mark_repeats(fitting, sameness, tuning.redundant_cosine)
    try:
        chosen = _select_ilp(fitting, weights, budget, tuning)
    except (ImportError, ValueError):  # pragma: no cover - old scipy
        chosen = None
    if chosen is None:
        chosen = _select_greedy(fitting, weights, budget)
    return chosen


def _within_size(candidates: list[_Candidate], weights: dict, most: int) -> list[_Candidate]:
    """At most `most` candidates, the best by the weight of their concepts plus bonus
    per word (ties by candidate index, the sentences' order in the story), in their
    order: a big story's integer program stays small enough to solve the same way on
    any machine. A candidate whose antecedent is left out goes too."""
    if len(candidates) <= most:
        return candidates
    value = {c.index: (sum(weights[k] for k in c.concepts) + c.bonus) / max(c.words, 1) for c in candidates}
    kept = set(sorted(value, key=lambda index: (-value[index], index))[:most])
    return [c for c in candidates if c.index in kept and (c.needs is None or c.needs in kept)]


def _select_ilp(candidates, weights, budget, tuning) -> list[_Candidate] | None:
    import numpy as np
    from scipy.sparse import coo_matrix

    from .milp import milp_api

    milp, Bounds, LinearConstraint = milp_api()

    concept_ids: dict[tuple[str, str], int] = {}
    for candidate in candidates:
        for concept in candidate.concepts:
            concept_ids.setdefault(concept, len(concept_ids))
    n, m = len(candidates), len(concept_ids)
    local = {c.index: k for k, c in enumerate(candidates)}
    cost = np.zeros(n + m)
    cost[:n] = [-c.bonus for c in candidates]
    for concept, k in concept_ids.items():
        cost[n + k] = -weights[concept]

    rows, cols, values, upper = [], [], [], []

    def add(row_entries, bound):
        row = len(upper)
        for col, value in row_entries:
            rows.append(row)
            cols.append(col)
            values.append(value)
        upper.append(bound)

    add([(k, c.words) for k, c in enumerate(candidates)], budget)
    covering: dict[int, list[int]] = defaultdict(list)
    for k, candidate in enumerate(candidates):
        for concept in candidate.concepts:
            covering[concept_ids[concept]].append(k)
    for concept_k, sentence_ks in covering.items():
        # a concept counts only if some chosen sentence has it
        add([(n + concept_k, 1.0)] + [(k, -1.0) for k in sentence_ks], 0)
    repeated = [(k, local[other]) for k, candidate in enumerate(candidates) for other in candidate.repeats
                if other in local and local[other] > k]  # fmt: skip
    for clique in _repeat_cliques(repeated):
        add([(k, 1.0) for k in clique], 1)  # at most one sentence of a group that says the same thing
    for k, candidate in enumerate(candidates):
        if candidate.needs is not None:
            if candidate.needs in local:
                add([(k, 1.0), (local[candidate.needs], -1.0)], 0)
            else:
                add([(k, 1.0)], 0)
    matrix = coo_matrix((values, (rows, cols)), shape=(len(upper), n + m)).tocsr()
    with _solver_output_silenced():
        result = milp(
            cost,
            constraints=LinearConstraint(matrix, -np.inf, np.array(upper, dtype=float)),
            integrality=np.concatenate([np.ones(n), np.zeros(m)]),
            bounds=Bounds(0, 1),
            # no time limit: an answer that depends on the clock depends on the machine
            options={"node_limit": tuning.ilp_nodes, "disp": False},
        )
    if result.x is None:
        return None
    return [c for k, c in enumerate(candidates) if result.x[k] > 0.5]


def _repeat_cliques(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Groups of candidates that all repeat one another, covering every repeated pair
    (`pairs`, each (k, l) with k < l): one constraint "at most one of the group" in
    place of a constraint per pair. The sentences a summary may take together are the
    same, but the integer program's relaxation is tighter (a group of ten repeats of
    one quote is one row, not 45 rows that half of each sentence satisfies), and
    HiGHS finds the same optimum sooner (on the two solves of 100 Multi-News articles
    0.83 + 0.79 -> 0.77 + 0.56 s, the same sentences). Greedy, each pair in order
    growing its group by the lowest candidates that repeat all of it: a content
    order (candidates follow the story's canonical order), so the rows do not depend
    on the input order."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for k, other in pairs:
        neighbours[k].add(other)
        neighbours[other].add(k)
    covered: set[tuple[int, int]] = set()
    cliques = []
    for k, other in sorted(pairs):
        if (k, other) in covered:
            continue
        clique = [k, other]
        for candidate in sorted(neighbours[k] & neighbours[other]):
            if all(candidate in neighbours[member] for member in clique):
                clique.append(candidate)
        clique.sort()
        covered.update((a, b) for i, a in enumerate(clique) for b in clique[i + 1 :])
        cliques.append(clique)
    return cliques


_stdout_lock = threading.Lock()


@contextlib.contextmanager
def _solver_output_silenced():
    """HiGHS (scipy 1.17) writes some internal notes straight to file descriptor 1
    even with disp=False ("HighsMipSolverData::transformNewIntegerFeasibleSolution"),
    which would land in the middle of a rendered brief: stages never print."""
    import os
    import sys

    with _stdout_lock:
        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError, AttributeError):  # no real stdout (embedded use)
            yield
            return
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _select_greedy(candidates, weights, budget) -> list[_Candidate]:
    """Greedy by gain per word (Lin & Bilmes' cost-scaled greedy for coverage)."""
    chosen: list[_Candidate] = []
    chosen_ids: set[int] = set()
    covered: set = set()
    used = 0
    while True:
        best, best_score = None, 0.0
        for candidate in candidates:
            if candidate.index in chosen_ids or used + candidate.words > budget:
                continue
            if candidate.needs is not None and candidate.needs not in chosen_ids:
                continue
            if candidate.repeats & chosen_ids:
                continue
            gain = sum(weights[c] for c in candidate.concepts - covered) + candidate.bonus
            score = gain / candidate.words
            if score > best_score:
                best, best_score = candidate, score
        if best is None:
            return chosen
        chosen.append(best)
        chosen_ids.add(best.index)
        covered |= best.concepts
        used += best.words


def _overflow_candidate(chosen, candidates, weights) -> _Candidate | None:
    """The candidate adding the most uncovered concept weight (plus its bonus) that
    repeats no chosen sentence and needs none that is not chosen."""
    chosen_ids = {c.index for c in chosen}
    covered = set().union(*(c.concepts for c in chosen)) if chosen else set()
    ranked = []
    for candidate in candidates:
        if candidate.index in chosen_ids or candidate.repeats & chosen_ids:
            continue
        if candidate.needs is not None and candidate.needs not in chosen_ids:
            continue
        gain = sum(weights[c] for c in candidate.concepts - covered) + candidate.bonus
        if gain > 0:
            ranked.append((-gain, candidate.index, candidate))
    # Ties by candidate index: the sentences' order in the story, a content position.
    return next((c for _, _, c in sorted(ranked, key=lambda t: t[:2]) if _has_verb(c.text)), None)


def _complete_sentences_only(chosen, candidates, weights, budget, tuning, sameness) -> list[_Candidate]:
    """Drop chosen sentences that have no verb (captions, datelines, headline
    fragments that happen to end with a full stop) and choose again without them."""
    for _ in range(3):
        fragments = {c.index for c in chosen if not _has_verb(c.text)}
        if not fragments:
            return chosen
        # a sentence that leans on a fragment goes with it
        candidates = [c for c in candidates if c.index not in fragments and c.needs not in fragments]
        chosen = _select(candidates, weights, budget, tuning, sameness)
    return [c for c in chosen if _has_verb(c.text)]


@functools.lru_cache(maxsize=4096)
def _has_verb(text: str) -> bool:
    from .nlp import pos_pipes, spacy_model

    nlp = spacy_model()
    with nlp.select_pipes(enable=pos_pipes(nlp)):
        doc = nlp(text)
    return any(token.pos_ in ("VERB", "AUX") for token in doc)


def _citations(brief: Brief, row: int, sameness: _Sameness, unreliable: Sequence[Span] = (),
               facts_in: dict[str, list] | None = None, matched: dict[str, int] | None = None) -> tuple[str, ...]:  # fmt: skip
    """The sentence's own article first, then every other article that has a
    sentence saying the same (and not through an altered quote), in input order.
    `matched` gets, per article cited for a sentence, that sentence's row (the first)."""
    import numpy as np

    own = brief.sentences[row].span.article_id
    matched = {} if matched is None else matched
    matched[own] = row
    similarity = sameness.vectors @ sameness.vectors[row]
    citing: set[str] = set()
    # `same` says no below `least_cosine` whatever the words: only the sentences at least
    # that close are asked, in order (compared as the float each is asked with).
    for j in np.flatnonzero(similarity.astype(np.float64) >= sameness.least_cosine).tolist():
        other = brief.sentences[j]
        article_id = other.span.article_id
        if article_id == own or article_id in citing or not sameness.same(row, j, float(similarity[j])):
            continue
        if any(other.span.overlaps(span) for span in unreliable):
            continue
        citing.add(article_id)
        matched[article_id] = j
    citing |= _same_fact_sources(brief, brief.sentences[row].span, facts_in) - {own}
    return (own, *(a.id for a in brief.articles if a.id in citing))


def _facts_by_article(brief: Brief) -> dict[str, list]:
    """Article id -> the facts with a claim in it (each once, in the facts' order)."""
    out: dict[str, list] = defaultdict(list)
    for fact in brief.facts:
        for article_id in dict.fromkeys(claim.span.article_id for claim in fact.claims):
            out[article_id].append(fact)
    return out


def _same_fact_sources(brief: Brief, span: Span, facts_in: dict[str, list] | None = None) -> set[str]:
    """Articles that state the same value of a fact this sentence states (from the
    facts stage): an outlet that reports "$25 million lawsuit" inside a longer,
    differently built sentence supports the sentence's fact although the two
    sentences are no paraphrases. `facts_in` (`_facts_by_article`): only the facts
    with a claim in the sentence's article can have one inside it."""
    sources: set[str] = set()
    for fact in brief.facts if facts_in is None else facts_in.get(span.article_id, ()):
        values = {claim.value for claim in fact.claims if span.contains(claim.span)}
        if values:
            sources |= {claim.span.article_id for claim in fact.claims if claim.value in values}
    return sources
