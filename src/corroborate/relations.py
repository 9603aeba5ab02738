"""Source relations inside one story: copies, rewrites, who copied whom, and
the independent source groups that every later count ("confirmed by N") uses.

For every pair of articles, in this order:

- **duplicate**: the same words in the same order, or shingle Jaccard >= `DUPLICATE_JACCARD`;
- **contained**: most of the smaller article's shingles are inside the larger
  one (an article pasted into a longer page, or a trimmed copy);
- **rewrite**: most of one article's own sentences (not quotations) align with
  sentences of the other, by sentence similarity (MiniLM cosine and rapidfuzz
  token-set ratio, averaged: see `sentence_similarity`), one to one;
- **shares-quotes-only**: both print the same quoted words but not the same prose.
  Independent outlets quote the same statement verbatim all the time, which is
  why sentences that are mostly quotation never count toward a rewrite;
- **independent**: nothing of the above.

Direction (which is the original) comes from the published dates when both are
known, otherwise from evidence, each stated in the relation: the copy carries
extra junk lines, prints fewer specifics (numbers, names) in the aligned
sentences, alters quotes that a third article prints as the source does, or
pads a pasted copy with text of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np

from . import dedup
from .config import BriefOptions
from .model import AlignedPair, Article, Brief, InputStatus, Relation, Sentence, SourceGroup

# --- thresholds (measured: benchmarks/relations_story.py, benchmarks/paraphrase_msrp.py) ---

SHINGLE_WORDS = 3
# Shingle Jaccard from which two articles are the same text with small edits.
DUPLICATE_JACCARD = 0.8
# Share of the smaller article's shingles found in the larger one.
CONTAINED_SHARE = 0.8
# Two sentences say the same thing from this `sentence_similarity` (chosen on the
# MSRP train split for the best accuracy; dev F1 0.83, see BENCHMARKS.md).
PARAPHRASE_SIMILARITY = 0.70
# An article is a rewrite when at least this share of its own sentences aligns...
REWRITE_SHARE = 0.5
# ...and at least this many do (a three-sentence brief is not judged on one sentence).
REWRITE_MIN_ALIGNED = 3
# A sentence with at least this share of its characters inside quote marks is
# quotation, not the outlet's own prose.
QUOTATION_SHARE = 0.5
# Sentences shorter than this (words) are datelines, bylines, captions: not compared.
MIN_SENTENCE_WORDS = 5
# Quoted passages of at least this many words are compared across articles.
MIN_QUOTE_WORDS = 5

_OPENING = "\u201c\u201e\u00ab"
_CLOSING = "\u201d\u00bb"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


# --- sentence similarity -----------------------------------------------------------


def lexical_similarity(left: str, right: str) -> float:
    """Word overlap regardless of order (rapidfuzz token-set ratio), 0..1."""
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(dedup.normalise(left), dedup.normalise(right)) / 100.0


def combine_similarity(cosine: float | np.ndarray, lexical: float | np.ndarray):
    """The mean of embedding cosine and lexical overlap. On MSRP (train split) the mean
    beat either signal alone and weights 0.3/0.7 both ways (dev accuracy 0.75 vs 0.725
    cosine alone, 0.715 token-set alone)."""
    return 0.5 * cosine + 0.5 * lexical


def sentence_similarity(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Similarity of each pair `left[i]`, `right[i]`, 0..1 (paraphrase from `PARAPHRASE_SIMILARITY`)."""
    from .nlp import embed

    cosine = (embed(left) * embed(right)).sum(axis=1)
    lexical = np.array([lexical_similarity(a, b) for a, b in zip(left, right)])
    return combine_similarity(cosine, lexical)


# --- what we need to know about each article --------------------------------------


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quote marks (without the marks), paragraph by paragraph.
    Curly quotes pair opening with closing; straight double quotes alternate. A quote
    left open runs to the end of its paragraph, as news style does for multi-paragraph quotes."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text):
        opened: int | None = None
        for index in range(p_start, p_end):
            char = text[index]
            if char in _OPENING or (char == '"' and opened is None):
                if opened is None:
                    opened = index + 1
            elif (char in _CLOSING or char == '"') and opened is not None:
                if index > opened:
                    spans.append((opened, index))
                opened = None
        if opened is not None and p_end > opened:
            spans.append((opened, p_end))
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in re.finditer(r"[^\n]+", text)]


@dataclass
class _Profile:
    """One article, prepared for comparison."""

    article: Article
    digest: str
    shingles: np.ndarray  # all of the text
    prose_shingles: np.ndarray  # the text outside quote marks
    sentences: list[Sentence]  # the outlet's own prose sentences, long enough to compare
    sentence_texts: list[str]
    embeddings: np.ndarray
    quotes: list[str]  # quoted passages of MIN_QUOTE_WORDS or more
    junk_lines: int  # lines cleaning removed (other than the title line)
    word_sequence: str  # the normalised words, for finding a quote's exact wording


def _profile(article: Article, sentences: Sequence[Sentence]) -> _Profile:
    text = article.text
    quoted = quote_spans(text)
    inside = np.zeros(len(text) + 1, dtype=np.int32)
    for start, end in quoted:
        inside[start] += 1
        inside[end] -= 1
    inside = np.cumsum(inside)[: len(text)] > 0
    prose_chars = _blanked(text, inside)
    own: list[Sentence] = []
    for sentence in sentences:
        start, end = sentence.span.start, sentence.span.end
        if len(text[start:end].split()) < MIN_SENTENCE_WORDS:
            continue
        if end > start and inside[start:end].mean() >= QUOTATION_SHARE:
            continue
        own.append(sentence)
    quotes = [text[s:e] for s, e in quoted if len(text[s:e].split()) >= MIN_QUOTE_WORDS]
    return _Profile(
        article=article,
        digest=dedup.content_hash(text),
        shingles=dedup.shingle_hashes(dedup.words(text), SHINGLE_WORDS),
        prose_shingles=dedup.shingle_hashes(dedup.words(prose_chars), SHINGLE_WORDS),
        sentences=own,
        sentence_texts=[article.slice(s.span) for s in own],
        embeddings=np.zeros((0, 0), dtype=np.float32),
        quotes=quotes,
        junk_lines=len(article.junk_removed),
        word_sequence=_word_sequence(text),
    )


def _blanked(text: str, inside: np.ndarray) -> str:
    """`text` with a space for each character where `inside` is set (as code points in
    numpy: a character at a time in Python cost 4 s of 300 long articles)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    points[inside] = ord(" ")
    return points.tobytes().decode("utf-32-le", "surrogatepass")


def _word_sequence(text: str) -> str:
    return " " + " ".join(dedup.words(text)) + " "


def _specifics(text: str) -> int:
    """Numbers and capitalised names (not sentence-initial words): what a careless rewrite drops."""
    return len(_NUMBER.findall(text)) + len(_NAME.findall(text))


# --- alignment ------------------------------------------------------------------


def _score(cosine, lexical: float) -> float:
    """A pair's similarity, to 6 decimals: products of the same vectors computed in
    different blocks differ in the last bit, which must not reorder equal pairs."""
    return round(float(combine_similarity(cosine, lexical)), 6)


def _align(left: _Profile, right: _Profile) -> list[tuple[int, int, float]]:
    """One-to-one sentence alignment: greedy on similarity, best pairs first."""
    if not left.sentences or not right.sentences:
        return []
    cosine = left.embeddings @ right.embeddings.T
    # Lexical similarity only where the embeddings make a match possible: the
    # combined score cannot reach the threshold when cosine < 2*threshold - 1.
    candidates = np.argwhere(cosine >= 2 * PARAPHRASE_SIMILARITY - 1.0)
    scored = []
    for i, j in candidates.tolist():
        score = _score(cosine[i, j], lexical_similarity(left.sentence_texts[i], right.sentence_texts[j]))
        if score >= PARAPHRASE_SIMILARITY:
            scored.append((score, i, j))
    return _one_to_one(scored)


def _shared_quotes(left: _Profile, right: _Profile) -> list[tuple[str, str]]:
    """Quoted passages the two articles both print (the same words, or nearly)."""
    from rapidfuzz import fuzz

    shared = []
    for quote in left.quotes:
        best = max(right.quotes, key=lambda other: fuzz.ratio(quote, other), default=None)
        if best is not None and fuzz.token_set_ratio(dedup.normalise(quote), dedup.normalise(best)) >= 80:
            shared.append((quote, best))
    return shared


# --- direction ------------------------------------------------------------------


@dataclass
class _Direction:
    """Votes that `right` is derived from `left` (positive) or the reverse (negative)."""

    votes: float = 0.0
    reasons: list[tuple[float, str]] = field(default_factory=list)

    def add(self, weight: float, reason: str) -> None:
        self.votes += weight
        self.reasons.append((weight, reason))

    @property
    def evidence(self) -> list[str]:
        """Every reason, those outvoted marked as such (a reader should see both sides)."""
        return [reason if weight * self.votes > 0 else f"{reason} (outweighed)" for weight, reason in self.reasons]


def _direction(
    left: _Profile,
    right: _Profile,
    kind: str,
    aligned: list[tuple[int, int, float]],
    shared_quotes: list[tuple[str, str]],
    everyone: Sequence[_Profile],
) -> tuple[bool, float, list[str]]:
    """(right is the derived one, confidence, evidence)."""
    l_name, r_name = left.article.label, right.article.label
    l_date, r_date = left.article.published, right.article.published
    if l_date and r_date and l_date != r_date:
        later = r_name if r_date > l_date else l_name
        return r_date > l_date, 0.9, [f"{later} was published later ({l_date} vs {r_date})"]

    direction = _Direction()
    if left.junk_lines != right.junk_lines:
        more = r_name if right.junk_lines > left.junk_lines else l_name
        direction.add(
            1.0 if right.junk_lines > left.junk_lines else -1.0,
            f"{more} carries more junk lines ({max(left.junk_lines, right.junk_lines)} vs "
            f"{min(left.junk_lines, right.junk_lines)})",
        )
    if aligned:
        l_specifics = sum(_specifics(left.sentence_texts[i]) for i, _, _ in aligned)
        r_specifics = sum(_specifics(right.sentence_texts[j]) for _, j, _ in aligned)
        if l_specifics != r_specifics and abs(l_specifics - r_specifics) >= max(2, 0.1 * max(l_specifics, r_specifics)):
            fewer = r_name if r_specifics < l_specifics else l_name
            direction.add(
                1.0 if r_specifics < l_specifics else -1.0,
                f"{fewer} prints fewer specifics in the aligned sentences "
                f"({min(l_specifics, r_specifics)} numbers and names vs {max(l_specifics, r_specifics)})",
            )
    altered = _altered_quote_votes(left, right, shared_quotes, everyone)
    if altered:
        changed, faithful = (r_name, l_name) if altered > 0 else (l_name, r_name)
        direction.add(
            altered,
            f"{changed} words {abs(int(altered))} quote(s) differently from {faithful}, "
            f"whose wording another article prints too",
        )
    if kind == "contained":
        l_len, r_len = len(left.shingles), len(right.shingles)
        longer = r_name if r_len > l_len else l_name
        direction.add(0.5 if r_len > l_len else -0.5, f"{longer} wraps the shared text in text of its own")

    if direction.votes == 0:
        return True, 0.0, ["no evidence of direction: the order is a guess"]
    confidence = min(0.85, 0.5 + 0.15 * abs(direction.votes))
    return direction.votes > 0, confidence, direction.evidence


def _altered_quote_votes(
    left: _Profile, right: _Profile, shared_quotes: list[tuple[str, str]], everyone: Sequence[_Profile]
) -> float:
    """+1 for each shared quote that `right` words differently while a third article
    prints `left`'s wording, -1 for the reverse."""
    votes = 0.0
    others = [p for p in everyone if p is not left and p is not right]
    if not others:
        return 0.0
    for left_quote, right_quote in shared_quotes:
        # Compared as word sequences: a quote that ends a sentence in one outlet
        # and runs into "he said" in another differs only in punctuation.
        l_norm, r_norm = _word_sequence(left_quote), _word_sequence(right_quote)
        if l_norm == r_norm or l_norm in r_norm or r_norm in l_norm:
            continue
        l_backed = any(l_norm in p.word_sequence for p in others)
        r_backed = any(r_norm in p.word_sequence for p in others)
        if l_backed and not r_backed:
            votes += 1
        elif r_backed and not l_backed:
            votes -= 1
    return votes


# --- one pair ---------------------------------------------------------------------


@dataclass(frozen=True)
class _PairEvidence:
    """What one pair of articles shares (see `_all_pair_evidence`)."""

    jaccard: float = 0.0
    containment: float = 0.0
    prose_containment: float = 0.0
    aligned: tuple[tuple[int, int, float], ...] = ()
    shared_quotes: tuple[tuple[str, str], ...] = ()


def _pair_evidence(left: _Profile, right: _Profile) -> _PairEvidence:
    """The evidence of one pair, compared directly (the stage computes every pair's at once)."""
    jaccard, containment = dedup.overlap(left.shingles, right.shingles)
    _, prose_containment = dedup.overlap(left.prose_shingles, right.prose_shingles)
    return _PairEvidence(jaccard, containment, prose_containment, tuple(_align(left, right)),
                         tuple(_shared_quotes(left, right)))  # fmt: skip


def _relate(left: _Profile, right: _Profile, everyone: Sequence[_Profile], shared: _PairEvidence | None = None) -> Relation:
    if not left.word_sequence.strip() or not right.word_sequence.strip():
        # A record with only a headline (a feed item) has no text to compare: two such
        # records are not copies of each other because both are empty.
        evidence = ("no body text to compare (headline only)",)
        return Relation(left.article.id, right.article.id, "independent", 0.0, 0.0, evidence, ())
    evidence: list[str] = []
    shared = shared or _pair_evidence(left, right)
    jaccard, containment, prose_containment = shared.jaccard, shared.containment, shared.prose_containment
    aligned, shared_quotes = list(shared.aligned), list(shared.shared_quotes)
    l_share = len(aligned) / len(left.sentences) if left.sentences else 0.0
    r_share = len(aligned) / len(right.sentences) if right.sentences else 0.0

    if left.digest == right.digest:
        kind, score = "duplicate", 1.0
        evidence.append("the same words in the same order (ignoring case, spacing and punctuation)")
    elif jaccard >= DUPLICATE_JACCARD and prose_containment >= CONTAINED_SHARE:
        kind, score = "duplicate", jaccard
        evidence.append(f"{jaccard:.0%} of their 3-word shingles are shared (Jaccard)")
    elif containment >= CONTAINED_SHARE and prose_containment >= CONTAINED_SHARE:
        kind, score = "contained", containment
        evidence.append(f"{containment:.0%} of the shorter article's 3-word shingles are inside the longer one")
    elif len(aligned) >= REWRITE_MIN_ALIGNED and max(l_share, r_share) >= REWRITE_SHARE:
        kind, score = "rewrite", max(l_share, r_share)
    elif shared_quotes:
        kind, score = "shares-quotes-only", len(shared_quotes) / max(1, min(len(left.quotes), len(right.quotes)))
        evidence.append(f"both print {len(shared_quotes)} quoted passage(s) of the same words")
    else:
        kind, score = "independent", max(l_share, r_share)
    if kind in ("rewrite", "shares-quotes-only", "independent"):
        evidence.append(
            f"{len(aligned)} sentence(s) of their own prose align: {l_share:.0%} of {left.article.label}'s "
            f"{len(left.sentences)}, {r_share:.0%} of {right.article.label}'s {len(right.sentences)}"
        )

    source, derived, confidence = left, right, 0.0
    if kind in ("duplicate", "contained", "rewrite"):
        right_derived, confidence, direction_evidence = _direction(left, right, kind, aligned, shared_quotes, everyone)
        evidence.extend(direction_evidence)
        if not right_derived:
            source, derived = right, left
            aligned = [(j, i, s) for i, j, s in aligned]
    # The most similar pairs are the clearest illustration; report them in text order.
    shown = sorted(sorted(aligned, key=lambda pair: -pair[2])[:3])
    return Relation(
        source=source.article.id,
        derived=derived.article.id,
        kind=kind,
        score=round(float(score), 3),
        direction_confidence=round(confidence, 2),
        evidence=tuple(evidence),
        aligned=tuple(
            AlignedPair(source.sentences[i].span, derived.sentences[j].span, round(float(s), 3)) for i, j, s in shown
        ),
    )


# --- groups ---------------------------------------------------------------------

COPY_KINDS = ("duplicate", "contained", "rewrite")


def source_groups(articles: Sequence[Article], relations: Sequence[Relation]) -> tuple[SourceGroup, ...]:
    """Articles joined by copy relations (duplicate, contained, rewrite) are one source.
    The group's original is the member never derived from another member (the
    earliest such, by date then content id); groups are listed in the order of
    their first article."""
    order = {article.id: index for index, article in enumerate(articles)}
    parent = {article.id: article.id for article in articles}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    derived = set()
    for relation in relations:
        if relation.kind in COPY_KINDS:
            parent[root(relation.derived)] = root(relation.source)
            derived.add(relation.derived)
    members: dict[str, list[str]] = {}
    for article in articles:
        members.setdefault(root(article.id), []).append(article.id)
    by_id = {article.id: article for article in articles}

    def seniority(article_id: str):
        published = by_id[article_id].published
        return (article_id in derived, published is None, published or 0, article_id)

    groups = [SourceGroup(articles=tuple(ids), original=min(ids, key=seniority)) for ids in members.values()]
    return tuple(sorted(groups, key=lambda g: order[g.articles[0]]))


def input_statuses(brief: Brief, relations: Sequence[Relation]) -> tuple[InputStatus, ...]:
    """Every input's status with the copies found: an article derived from another is a
    duplicate, contained in or a rewrite of it (the closest relation first, then the
    strongest; the source's id breaks what is left), with the relation's evidence."""

    def closeness(relation: Relation) -> tuple:
        return (COPY_KINDS.index(relation.kind), -relation.score, -relation.direction_confidence, relation.source)

    copied_from: dict[str, Relation] = {}
    for relation in sorted((r for r in relations if r.kind in COPY_KINDS), key=closeness):
        copied_from.setdefault(relation.derived, relation)
    statuses = []
    for item in brief.accounted_inputs:
        relation = copied_from.get(item.article_id) if item.status == "original" else None
        if relation is not None:
            item = replace(item, status=relation.kind, of=relation.source, reason="; ".join(relation.evidence))
        statuses.append(item)
    return tuple(statuses)


# --- the stage ------------------------------------------------------------------


def find_relations(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Stage: fill `brief.relations` (every pair of articles), `brief.source_groups` and
    the status of every input (`brief.inputs`: which articles are copies of which)."""
    from .guard import per_article
    from .nlp import embed, encoder_for

    encoder = encoder_for(len(brief.sentences))
    by_article: dict[str, list[Sentence]] = {}
    for sentence in brief.sentences:
        by_article.setdefault(sentence.span.article_id, []).append(sentence)
    profiled = (per_article(a, _profile, a, by_article.get(a.id, []), default=None) for a in brief.articles)
    profiles = [profile for profile in profiled if profile is not None]  # an article that failed is left out
    if len(profiles) > 1:
        texts = [text for profile in profiles for text in profile.sentence_texts]
        vectors = embed(texts, encoder) if texts else np.zeros((0, 0), dtype=np.float32)
        offset = 0
        for profile in profiles:
            profile.embeddings = vectors[offset : offset + len(profile.sentence_texts)]
            offset += len(profile.sentence_texts)
    evidence = _all_pair_evidence(profiles, _LEAST_COSINE[encoder])
    related = (
        per_article(profiles[b].article, _relate, profiles[a], profiles[b], profiles, evidence.get((a, b), _PairEvidence()), default=None)
        for a, b in combinations(range(len(profiles)), 2)
    )
    relations = tuple(relation for relation in related if relation is not None)  # a pair that failed is left out
    return replace(
        brief,
        relations=relations,
        source_groups=source_groups(brief.articles, relations),
        inputs=input_statuses(brief, relations),
    )


# --- every pair at once -------------------------------------------------------------
# A story of n articles has n(n-1)/2 pairs; comparing each pair on its own cost
# 7 ms a pair (300 articles: 45,000 pairs, five minutes). The same evidence is
# gathered for all pairs in a few passes that each grow with what is shared,
# not with the number of pairs: shingle counts by one sparse product, sentence
# candidates by blocks of one embedding product, quotes through an index of
# their words. Pairs that share nothing get the empty evidence.


# The lowest cosine at which a pair can still score as a paraphrase. With MiniLM, the
# bound itself (token-set ratio 1.0 at best). The static encoder is a bag of tokens, so a
# pair of high token-set ratio has a high static cosine too: on msrp_train none of the
# 2,947 pairs that score a paraphrase has a static cosine under 0.55 (7 under 0.6), while unrelated sentences reach 0.4 static far more often than with MiniLM
# (mean 0.10, sd 0.14 vs 0.06, 0.10): 0.55 keeps the candidates as few as MiniLM's.
_LEAST_COSINE = {"minilm": 2 * PARAPHRASE_SIMILARITY - 1.0, "static": 0.55}


def _all_pair_evidence(
    profiles: Sequence[_Profile], least_cosine: float = _LEAST_COSINE["minilm"]
) -> dict[tuple[int, int], _PairEvidence]:
    """(a, b) with a < b -> what profiles a and b share; pairs sharing nothing are left out."""
    n = len(profiles)
    if n < 2:
        return {}
    shingles = _common_counts([p.shingles for p in profiles])
    prose = _common_counts([p.prose_shingles for p in profiles])
    aligned = _aligned_pairs(profiles, least_cosine)
    quotes = _quote_pairs(profiles)
    sizes = np.array([len(p.shingles) for p in profiles])
    prose_sizes = np.array([len(p.prose_shingles) for p in profiles])
    out = {}
    for a, b in zip(*np.nonzero(np.triu(shingles > 0, k=1) | np.triu(prose > 0, k=1))):
        a, b = int(a), int(b)
        jaccard, containment = _overlap(int(shingles[a, b]), int(sizes[a]), int(sizes[b]))
        _, prose_containment = _overlap(int(prose[a, b]), int(prose_sizes[a]), int(prose_sizes[b]))
        out[(a, b)] = _PairEvidence(jaccard, containment, prose_containment)
    for key in set(aligned) | set(quotes):
        base = out.get(key, _PairEvidence())
        out[key] = replace(base, aligned=tuple(_one_to_one(aligned.get(key, []))), shared_quotes=tuple(quotes.get(key, [])))
    return out


def _overlap(common: int, left: int, right: int) -> tuple[float, float]:
    """`dedup.overlap` from the count of shared shingles."""
    if not left or not right:
        return 0.0, 0.0
    return common / (left + right - common), common / min(left, right)


def _common_counts(sets: Sequence[np.ndarray]):
    """Shared shingles of every pair of sorted distinct arrays (one sparse product)."""
    from scipy.sparse import csr_matrix

    n = len(sets)
    lengths = [len(s) for s in sets]
    if not sum(lengths):
        return np.zeros((n, n), dtype=np.int64)
    _, columns = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(n), lengths)
    matrix = csr_matrix((np.ones(len(columns), dtype=np.int32), (rows, columns)), shape=(n, int(columns.max()) + 1))
    return (matrix @ matrix.T).toarray()


# Rows of the sentence-embedding product computed at once (a block of 512 x 25,000
# sentences is 50 MB).
_BLOCK_ROWS = 512


def _aligned_pairs(profiles: Sequence[_Profile], least: float) -> dict[tuple[int, int], list[tuple[float, int, int]]]:
    """(a, b) -> (score, i, j) of every pair of sentences, i of a and j of b (a < b), that
    `_align` would score as paraphrases (candidates: cosine at least `least`).

    A sentence printed word for word by many outlets (wire copy) is compared once: the
    distinct sentence texts are paired (their embedding and normalised words are the
    same wherever they are printed), and each pair of texts that scores as a paraphrase
    stands for every pair of its prints in two articles. At 300 long articles this cut
    the candidate pairs scored from (copies squared) to (distinct texts)."""
    occurrences: dict[str, list[tuple[int, int]]] = {}  # text -> (article, sentence) of its prints
    for k, profile in enumerate(profiles):
        for i, text in enumerate(profile.sentence_texts):
            occurrences.setdefault(text, []).append((k, i))
    if len({k for prints in occurrences.values() for k, _ in prints}) < 2:
        return {}
    distinct = list(occurrences)
    vectors = {text: profile.embeddings[i] for profile in profiles for i, text in enumerate(profile.sentence_texts)}
    matrix = np.stack([vectors[text] for text in distinct])
    normalised = [dedup.normalise(text) for text in distinct]
    prints = [occurrences[text] for text in distinct]
    lexicon = Lexicon(normalised)
    # A pair of texts printed only in one and the same article aligns nothing (a pair
    # of articles is two different ones): its texts' one article, or -1.
    only_in = np.array([p[0][0] if all(k == p[0][0] for k, _ in p) else -1 for p in prints])
    out: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    for rows_global, columns, cosines in upper_pairs(matrix, least):
        useful = (only_in[rows_global] < 0) | (only_in[rows_global] != only_in[columns])
        rows_global, columns, cosines = rows_global[useful], columns[useful], cosines[useful]
        scores = lexicon.paraphrase_scores(rows_global, columns, cosines)
        for k in np.flatnonzero(scores >= PARAPHRASE_SIMILARITY):
            score, u, v = float(scores[k]), int(rows_global[k]), int(columns[k])
            for x, (a, i) in enumerate(prints[u]):
                for b, j in prints[v][x + 1 :] if u == v else prints[v]:
                    if a < b:
                        out.setdefault((a, b), []).append((score, i, j))
                    elif b < a:
                        out.setdefault((b, a), []).append((score, j, i))
    return out


def upper_pairs(matrix: np.ndarray, least: float):
    """(rows, columns, cosines) of every pair r <= c of rows of `matrix` whose product
    is at least `least`, a block of `_BLOCK_ROWS` rows at a time.

    Each block is multiplied with the rows from its own first onwards only (the pairs
    before it were found by earlier blocks): half the product of all rows by all rows.
    The numbers are those of the full product: bit for bit where OpenBLAS computes each
    entry of a product of many rows by many columns by the same kernel in the same
    order whatever the columns around it (Intel's processors: checked on a 300-article
    story's 24,545 sentences, every block), within float32 rounding where it sums the
    rows at the edge of its own blocks in another order (AMD's Zen: < 1e-6 apart,
    tests/test_token_set.py). It takes other routines for a single row or column and
    for small products, so a block short of `_BLOCK_ROWS` rows or of as many columns
    (the story's last) is multiplied with every row as before, and cut. Either way the
    rows come in the same order for the same story, so its numbers do not move."""
    total = len(matrix)
    for first in range(0, total, _BLOCK_ROWS):
        block = matrix[first : first + _BLOCK_ROWS]
        if len(block) == _BLOCK_ROWS and total - first >= _BLOCK_ROWS:
            cosine = block @ matrix[first:].T
        else:
            cosine = (block @ matrix.T)[:, first:]
        rows, columns = np.nonzero(cosine >= least)
        keep = columns >= rows  # each pair once, a text with itself too (its prints in two articles)
        rows, columns = rows[keep], columns[keep]
        if len(rows):
            yield rows + first, columns + first, cosine[rows, columns]


# Texts from which a story's token-set ratios are asked of the compiled kernel
# (`token_set`), not of rapidfuzz: below it numba's import (0.5 s) costs more than
# rapidfuzz on the pairs (a 5-article story has ~300 texts; 100 long articles ~9,000).
COMPILED_FROM_TEXTS = 3000


class Lexicon:
    """The normalised texts of a story, whose pairs' `paraphrase_scores` are asked by index."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self._words: WordStats | None = None
        self._compiled = None
        if len(self.texts) >= COMPILED_FROM_TEXTS:
            from .token_set import TokenSetRatios

            self._compiled = TokenSetRatios(self.texts)

    @property
    def words(self) -> WordStats:
        if self._words is None:
            self._words = WordStats(self.texts)
        return self._words

    def token_set_ratios(self, rows: np.ndarray, columns: np.ndarray, least: np.ndarray) -> np.ndarray:
        """`fuzz.token_set_ratio` (0..100) of each pair of texts, exact where it is at least
        `least` (0..100); below, any number below `least`."""
        if self._compiled is not None:
            return self._compiled(rows, columns, least)
        left, right = [self.texts[r] for r in rows], [self.texts[c] for c in columns]
        ratios = np.zeros(len(rows), dtype=np.float64)
        worth = np.flatnonzero(self.words.bounds(left, right) >= least)
        if len(worth):
            ratios[worth] = 100.0 * lexical_many([left[k] for k in worth], [right[k] for k in worth])
        return ratios

    def paraphrase_scores(self, rows: np.ndarray, columns: np.ndarray, cosines: np.ndarray) -> np.ndarray:
        """`paraphrase_scores` of the pairs of texts `rows[k]`, `columns[k]`."""
        cosines = np.asarray(cosines)
        scores = np.zeros(len(cosines), dtype=np.float64)
        if not len(cosines):
            return scores
        lexical = self.token_set_ratios(np.asarray(rows), np.asarray(columns), least_lexical(cosines)) / 100.0
        scores = _scores(cosines, lexical)
        return np.where(scores >= PARAPHRASE_SIMILARITY, scores, 0.0)


def least_lexical(cosines: np.ndarray) -> np.ndarray:
    """The token-set ratio (0..100) below which a pair of these cosines cannot reach
    `PARAPHRASE_SIMILARITY`, by `_score` or by `combine_similarity` (the mean is at
    least the threshold only if the ratio is at least 2 x threshold - cosine; 1e-3
    below it for the float32 sums and the rounding to 6 decimals, each under 1e-6)."""
    return np.maximum(0.0, 100.0 * (2 * PARAPHRASE_SIMILARITY - np.asarray(cosines, dtype=np.float64)) - 1e-3)


def paraphrase_scores(left: Sequence[str], right: Sequence[str], cosines: np.ndarray,
                      words: WordStats | None = None) -> np.ndarray:  # fmt: skip
    """`_score` of each pair of normalised texts `left[k]`, `right[k]` with the cosine of
    their embeddings; 0.0 for a pair that cannot reach `PARAPHRASE_SIMILARITY`.

    Token-set ratios cost rapidfuzz most of a big story's sentence comparisons (at 100
    long articles 390,000 candidate pairs, of which 5,000 are paraphrases), so each
    pair's ratio is first bounded from above (`WordStats.bounds`, numpy), and only pairs
    whose bound can reach the threshold are asked. `words`: the texts' statistics, when
    the caller asks about the same texts many times."""
    cosines = np.asarray(cosines)
    scores = np.zeros(len(cosines), dtype=np.float64)
    if not len(cosines):
        return scores
    words = words or WordStats([*left, *right])
    least = _scores(cosines, words.bounds(left, right) / 100.0)
    worth = np.flatnonzero(least >= PARAPHRASE_SIMILARITY - 1e-6)  # rounding to 6 decimals may lift a bound by 5e-7
    if len(worth):
        scores[worth] = _scores(cosines[worth], lexical_many([left[k] for k in worth], [right[k] for k in worth]))
    return scores


def token_set_ratio_bounds(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """At least rapidfuzz's `fuzz.token_set_ratio` (0..100) of each pair `left[k]`, `right[k]`."""
    return WordStats([*left, *right]).bounds(left, right)


class WordStats:
    """The distinct words of some texts (split at white space, as rapidfuzz splits them),
    their lengths and letters, from which `bounds` bounds token-set ratios of pairs.

    rapidfuzz's ratio is the best of three normalised Indel similarities between the
    shared words (sorted, joined by spaces) with each text's own words appended. Two
    of them follow from lengths alone; the third, between the two texts' own words,
    is at most what their letters allow: an Indel distance is at least the sum of the
    differences in each letter's count. The counts come from sparse products."""

    def __init__(self, texts: Sequence[str]) -> None:
        from scipy.sparse import csr_matrix

        self.index = {text: k for k, text in enumerate(dict.fromkeys(texts))}
        vocabulary: dict[str, int] = {}
        rows, columns = [], []
        for k, text in enumerate(self.index):
            for word in set(text.split()):
                rows.append(k)
                columns.append(vocabulary.setdefault(word, len(vocabulary)))
        alphabet: dict[str, int] = {}
        letter_rows, letter_columns = [], []
        for word, k in vocabulary.items():
            for letter in word:
                letter_rows.append(k)
                letter_columns.append(alphabet.setdefault(letter, len(alphabet)))
        shape = (len(self.index), max(1, len(vocabulary)))
        self.present = csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)
        # word -> its letter counts (duplicates summed by the constructor)
        self.letters = csr_matrix((np.ones(len(letter_rows)), (letter_rows, letter_columns)),
                                  shape=(shape[1], max(1, len(alphabet))))  # fmt: skip
        self.letters_of = (self.present @ self.letters).toarray()
        self.words_of = np.asarray(self.present.sum(axis=1)).ravel()
        self.chars_of = self.letters_of.sum(axis=1)
        self.lengths = np.asarray(self.letters.sum(axis=1)).ravel()  # of each word

    def bounds(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray:
        """At least `fuzz.token_set_ratio(left[k], right[k])` (0..100) for each k."""
        a = np.array([self.index[text] for text in left], dtype=np.int64)
        b = np.array([self.index[text] for text in right], dtype=np.int64)
        both = self.present[a].multiply(self.present[b])
        shared_words = np.asarray(both.sum(axis=1)).ravel()
        shared_chars = both @ self.lengths
        own_a, own_b = self.words_of[a] - shared_words, self.words_of[b] - shared_words
        # Lengths of the joined strings (words joined by one space), as rapidfuzz builds them.
        sect = np.where(shared_words > 0, shared_chars + shared_words - 1, 0)
        ab = np.where(own_a > 0, self.chars_of[a] - shared_chars + own_a - 1, 0)
        ba = np.where(own_b > 0, self.chars_of[b] - shared_chars + own_b - 1, 0)
        differ = np.abs(self.letters_of[a] - self.letters_of[b]).sum(axis=1)  # shared words cancel out
        differ += np.abs(np.maximum(own_a - 1, 0) - np.maximum(own_b - 1, 0))  # the spaces between own words
        joint = (sect > 0).astype(np.float64)
        sect_ab, sect_ba = sect + joint + ab, sect + joint + ba
        with np.errstate(divide="ignore", invalid="ignore"):
            own_words = 100 * (1 - differ / (sect_ab + sect_ba))
            with_ab = np.where(sect > 0, 100 * (1 - (joint + ab) / (sect + sect_ab)), 0)
            with_ba = np.where(sect > 0, 100 * (1 - (joint + ba) / (sect + sect_ba)), 0)
        bound = np.fmax(np.nan_to_num(own_words, nan=0.0), np.fmax(with_ab, with_ba))
        bound = np.where((shared_words > 0) & ((own_a == 0) | (own_b == 0)), 100.0, bound)
        bound = np.where((self.words_of[a] == 0) | (self.words_of[b] == 0), 0.0, bound)
        return np.minimum(100.0, bound + 1e-9)


def lexical_many(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Token-set ratios (0..1) of the normalised texts `left[k]`, `right[k]`, in one
    rapidfuzz call (C, no Python per pair); a text and itself is 1.0 without asking
    (wire copy makes most candidate pairs of a big story two prints of one sentence)."""
    from rapidfuzz import fuzz, process

    out = np.ones(len(left), dtype=np.float64)
    differ = [k for k, (x, y) in enumerate(zip(left, right)) if x != y or not x]
    if differ:
        out[differ] = process.cpdist([left[k] for k in differ], [right[k] for k in differ],
                                     scorer=fuzz.token_set_ratio, dtype=np.float64) / 100.0  # fmt: skip
    return out


def _scores(cosine: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """`_score` of many pairs (float32 cosines, as one pair's scalar arithmetic has them)."""
    half = (0.5 * lexical).astype(np.float32)
    return np.round((np.float32(0.5) * cosine.astype(np.float32) + half).astype(np.float64), 6)


def _one_to_one(scored: list[tuple[float, int, int]]) -> list[tuple[int, int, float]]:
    """Greedy one-to-one alignment, best pairs first."""
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for score, i, j in sorted(scored, reverse=True):
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            pairs.append((i, j, score))
    return sorted(pairs)


# Pairs of quotes from which `_quote_pairs` first asks which articles can share a quote
# at all (`_reaching`): below it, numba's import (0.5 s, when relations has not made it)
# costs more than `fuzz.ratio` on every pair (100 news articles: ~90,000 pairs).
QUOTE_PAIRS_COMPILED_FROM = 200_000


def _reaching(profiles: Sequence[_Profile], normalised: list[list[str]],
              asked: list[tuple[int, int, list[int]]]) -> list[list[int] | None]:  # fmt: skip
    """For each (a, index, later) of `_quote_pairs`: the `later` articles (in order) holding
    a quote whose token-set ratio with quote `index` of article a reaches its bar of 80,
    or None (every one of them) below `QUOTE_PAIRS_COMPILED_FROM` pairs. Only there can
    the quote that `fuzz.ratio` finds closest reach the bar. A quote is compared with the
    quotes of nearly every later article of a big story (they share some content word):
    at 300 news articles 800,000 `fuzz.ratio` calls, half of the relations stage; the
    compiled token-set ratios (`token_set`, rapidfuzz's numbers) of all pairs at once
    take a third of that."""
    first = np.zeros(len(profiles) + 1, dtype=np.int64)  # article k's quotes: first[k] to first[k + 1]
    first[1:] = np.cumsum([len(p.quotes) for p in profiles])
    later = np.array([b for _, _, articles in asked for b in articles], dtype=np.int64)
    counts = first[later + 1] - first[later]  # each later article holds a quote (a word of one)
    if int(counts.sum()) < QUOTE_PAIRS_COMPILED_FROM:
        return [None] * len(asked)
    from .token_set import TokenSetRatios

    quotes = np.repeat([first[a] + index for a, index, _ in asked], [len(articles) for _, _, articles in asked])
    segment = np.cumsum(counts) - counts
    columns = np.repeat(first[later] - segment, counts) + np.arange(int(counts.sum()))
    ratios = TokenSetRatios([text for texts in normalised for text in texts])(
        np.repeat(quotes, counts), columns, np.full(len(columns), 80.0)
    )
    reached = (np.maximum.reduceat(ratios, segment) >= 80).tolist()
    out, done = [], 0
    for _, _, articles in asked:
        out.append([b for b, ok in zip(articles, reached[done : done + len(articles)]) if ok])
        done += len(articles)
    return out


# Words too common to say two quotes may be one (not spaCy's list: importing spaCy
# here, while the background thread loads it, races the import).
_FUNCTION_WORDS = frozenset(
    "a an the and or but nor so of to in on at for with by from as into about than that this these those it its "
    "is are was were be been being am do does did have has had will would can could should may might must shall "
    "i me my we us our you your he him his she her they them their who whom which what there here not no".split()
)


def _quote_pairs(profiles: Sequence[_Profile]) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """(a, b) -> `_shared_quotes(a, b)` for every pair whose quotes share a content word
    (two passages without a word in common are not one quote)."""
    from rapidfuzz import fuzz

    stop = _FUNCTION_WORDS
    holders: dict[str, set[int]] = {}
    for k, profile in enumerate(profiles):
        for quote in profile.quotes:
            for word in set(dedup.words(quote)) - stop:
                holders.setdefault(word, set()).add(k)
    normalised = [[dedup.normalise(q) for q in p.quotes] for p in profiles]
    asked = []  # (a, index, the later articles holding one of its content words)
    for a, profile in enumerate(profiles):
        for index, quote in enumerate(profile.quotes):
            others = set().union(*(holders.get(w, ()) for w in set(dedup.words(quote)) - stop))
            asked.append((a, index, sorted(o for o in others if o > a)))
    reaching = _reaching(profiles, normalised, asked)
    out: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for (a, index, later), kept in zip(asked, reaching):
        quote = profiles[a].quotes[index]
        for b in later if kept is None else kept:
            right = profiles[b]
            best = max(range(len(right.quotes)), key=lambda r: fuzz.ratio(quote, right.quotes[r]))
            if fuzz.token_set_ratio(normalised[a][index], normalised[b][best]) >= 80:
                out.setdefault((a, b), []).append((quote, right.quotes[best]))
    return out
