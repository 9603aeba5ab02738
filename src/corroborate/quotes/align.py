"""Across outlets: one statement as printed by every outlet, and who changed it.

Quotes of different articles that share enough wording (word trigrams to find
candidates, then difflib's matching blocks on normalised words) are joined
into one statement, transitively, so that an outlet printing a statement in
one piece links the outlets that split it in two. Quotes credited to two different
speakers join only when one prints the other's words whole (`other-speaker`), and a
statement never takes on a new speaker through a third quote: in a story of many
speakers, shared phrases would otherwise chain their statements into one
(benchmarks/quote_groups.py). Nor is a shared run enough when the words that carry
the meaning differ: the shorter quote's own words (not stop words, not the story's
vocabulary) must mostly be in the other (`_keeps_own_words`). The canonical wording is
the rendition that contains the renditions of the most independent sources;
every occurrence is then compared with it word by word. Wordings that differ
with equal support are decided by the story's evidence or shown as disputed
(`ties`); an outlet's editorial marks are read apart from the words (`editorial`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from ..model import Quote, QuoteFidelity, QuoteGroup, QuoteOccurrence, WordEdit
from . import editorial, ties

WORD = re.compile(r"&|[^\W_]+(?:[\u2019'\-][^\W_]+)*")
_OUTER_PUNCT = " \t\n,.;:!?\u2014\u2013-\u2026"
# Two quotes are one statement when they share runs of >= 3 words covering
# >= 40% of the shorter one (and >= 4 words): reworded quotes keep long runs
# ("the safety of children must be"), different statements do not.
MIN_RUN = 3
MIN_SHARED_WORDS = 4
MIN_SHARED_SHARE = 0.4
SHORT_QUOTE = 8
# Two longer quotes of one speaker that share some runs (>= MIN_SHARED_WORDS words) but
# fewer than MIN_SHARED_SHARE are one statement when this close (MiniLM cosine).
# (The project's paraphrase measure, `relations.sentence_similarity` at its MSRP
# threshold, was tried here: it parts the balenciaga story's reworded apology (0.68)
# along with a speaker's talking points of Timeline17 (0.62-0.69), so no bar of it
# tells them apart. One outlet's own two prints are never a rewording: `_one_outlet`.)
REWORDED_COSINE = 0.7
# A rewrite, not a one-word slip: at least half of an article's shared quotes
# altered, at least two of them, and at least four words changed in all.
REWRITE_ALTERED_SHARE = 0.5
REWRITE_MIN_ALTERED = 2
REWRITE_MIN_WORDS = 4


def words(text: str) -> list[str]:
    """Words as printed (punctuation dropped)."""
    return WORD.findall(text)


def normalise(word: str) -> str:
    # House styles differ on hyphens inside a word ("non-violence" / "nonviolence",
    # "e-mail" / "email", "co-operate" / "cooperate"): typography, not wording.
    return "and" if word == "&" else word.lower().replace("\u2019", "'").replace("-", "")


def surface(text: str) -> str:
    """The printed form that verbatim copies share: white space collapsed, the
    quote's outer punctuation dropped (outlets end a quote with a comma or a
    full stop depending on the sentence around it)."""
    return " ".join(text.split()).strip(_OUTER_PUNCT)


@dataclass
class Printed:
    """One quote of one article, ready for comparison."""

    quote: Quote
    text: str
    tokens: list[str]  # the speaker's words, normalised (editorial insertions left out)
    order: int  # position in the story (article order, then text order)
    explicit: bool
    paragraph: int = 0  # paragraph number in its article
    # The speaker's words cut at the outlet's ellipses: each piece must appear, in
    # order, in a wording that holds this quote. Default: one piece, `tokens`.
    pieces: list[list[str]] = field(default_factory=list)
    editorial: tuple[str, ...] = ()  # the outlet's marks, as printed
    speaker_text: str = ""  # `text` with editorial insertions blanked out
    outlet: str = ""  # the article's outlet, when known
    # The speaker's words cut at every editorial mark, insertions too (`editorial.Reading`).
    around_marks: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pieces = self.pieces or [self.tokens]
        self.speaker_text = self.speaker_text or self.text
        self.around_marks = self.around_marks or self.pieces

    @cached_property
    def token_key(self) -> tuple[str, ...]:
        """`tokens` as a tuple, made once: the cached comparisons' keys share it."""
        return tuple(self.tokens)

    @cached_property
    def piece_key(self) -> tuple[tuple[str, ...], ...]:
        """`pieces` as tuples, made once (the key of the comparisons cached by words)."""
        return tuple(map(tuple, self.pieces))

    @classmethod
    def read(cls, quote: Quote, text: str, order: int, explicit: bool, paragraph: int = 0, outlet: str = "") -> Printed:
        """A printed quote, its words read without the outlet's editorial marks."""
        reading = editorial.read(text)
        pieces = [[normalise(w) for w in words(piece)] for piece in reading.pieces]
        tokens = [token for piece in pieces for token in piece]
        around = [[normalise(w) for w in words(piece)] for piece in reading.around_marks]
        return cls(quote, text, tokens, order, explicit, paragraph, pieces, reading.marks, reading.speaker_text, outlet,
                   around)  # fmt: skip


def _shared_words(a: Sequence[str], b: Sequence[str]) -> int:
    return _shared_words_of(tuple(a), tuple(b))


@lru_cache(maxsize=2_048)
def _shared_words_of(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks() if block.size >= MIN_RUN)


def _common_words(a: Sequence[str], b: Sequence[str]) -> int:
    """Words the two have in common, with repeats: no alignment of them shares more
    (a quick bound before difflib, which a big story asks about many pairs)."""
    return _common_counts(_counts(tuple(a)), _counts(tuple(b)))


@lru_cache(maxsize=1_024)
def _counts(tokens: tuple[str, ...]) -> Counter:
    """Each wording's word counts, built once (the same quote is asked about with every
    candidate it pairs with; treat the Counter as read-only)."""
    return Counter(tokens)


def _common_counts(a: Counter, b: Counter) -> int:
    """sum((a & b).values()): the smaller count of each word both hold."""
    if len(b) < len(a):
        a, b = b, a
    return sum(min(count, b[word]) for word, count in a.items() if word in b)


def _in_shared_runs(a: Sequence[str], b: Sequence[str], size: int) -> int:
    """Words of `a` inside a run of `size` consecutive words that `b` prints too. Each
    matching block of at least `size` words is such a run and the blocks do not
    overlap, so no alignment shares more in blocks of that size: a bound before
    difflib, which a big story would otherwise ask about thousands of long pairs."""
    runs = _run_set(tuple(b), size)
    covered = reach = 0
    for k, run in enumerate(_run_list(tuple(a), size)):
        if run in runs:
            covered += k + size - max(k, reach)
            reach = k + size
    return covered


# A wording's runs of words, made once (each is compared with every candidate it pairs with).
# The caches here hold tuples of words: each is sized for the look-ups that repeat close
# together (one quote against its candidates, one rendition against every print), not
# for a whole story's wordings (caches of thousands held 300 MB at 300 long articles).
@lru_cache(maxsize=512)
def _run_list(words: tuple[str, ...], size: int) -> tuple[tuple[str, ...], ...]:
    return tuple(zip(*(words[k:] for k in range(size))))


@lru_cache(maxsize=512)
def _run_set(words: tuple[str, ...], size: int) -> frozenset[tuple[str, ...]]:
    return frozenset(_run_list(words, size))


def same_statement(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two wordings are one statement (see MIN_RUN and MIN_SHARED_*)."""
    return _same_statement(tuple(a), tuple(b))


# Wire copy prints one quote in dozens of articles: a big story asks about the same two
# wordings many times (the answer is a function of the two word sequences alone).
@lru_cache(maxsize=65_536)
def _same_statement(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    shorter = min(len(a), len(b))
    common = _common_words(a, b)
    if common < 2 or (shorter > SHORT_QUOTE and common < max(MIN_SHARED_WORDS, MIN_SHARED_SHARE * shorter)):
        return False
    # Answers difflib would give, without it: one quote printed whole inside the other
    # (the whole of the shorter is one matching block: every rule below holds) ...
    if _contains(a, b) or _contains(b, a):
        return True
    # ... and pairs whose shared runs cannot reach the rule's share.
    least_run, least_share = (2, 0.5) if shorter <= SHORT_QUOTE else (MIN_RUN, MIN_SHARED_SHARE)
    bound = _in_shared_runs(a, b, least_run)
    if bound < max(2 if shorter <= SHORT_QUOTE else MIN_SHARED_WORDS, least_share * shorter):
        return False
    if shorter <= SHORT_QUOTE:
        # A short partial quote ("complete chaos for roughly ten minutes"):
        # half its words in runs of two.
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        shared = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2)
        return shared >= 2 and shared >= 0.5 * shorter
    shared = _shared_words(a, b)
    return shared >= MIN_SHARED_WORDS and shared >= MIN_SHARED_SHARE * shorter


_CLITIC = re.compile(r"(?:n't|'(?:s|re|ll|ve|d|m))$")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def story_vocabulary(narrations: Iterable[str]) -> frozenset[str]:
    """Words that more than half of a story's articles use in their own voice (each
    article's text with its quotes cut out): "Egypt", "people", "protesters" in a story
    of Egypt's uprising. Two speakers' statements share them without being one."""
    texts = list(narrations)
    used = Counter(word for text in texts for word in {normalise(w) for w in words(text)})
    return frozenset(word for word, count in used.items() if 2 * count > len(texts))


def _own_words(tokens: Sequence[str], vocabulary: frozenset[str]) -> list[str]:
    """The words that make a quote this statement: not stop words ("the", "we're"),
    not the story's vocabulary (`story_vocabulary`)."""
    stop = _stop_words()
    return [w for w in tokens if w not in stop and _CLITIC.sub("", w) not in stop and w not in vocabulary]


def _keeps_own_words(a: tuple[str, ...], b: tuple[str, ...], vocabulary: frozenset[str]) -> bool:
    """The longer of two quotes prints the shorter whole, or holds at least half of the
    shorter's own words (`_own_words`), and two of them unless it has one. A quote shares
    a run of words with many of a speaker's statements: "The people of Egypt have spoken"
    with "... the people of Egypt will find those answers", "Change the power" with
    "... will change the regime", "reforms that meet the aspirations of the Egyptian
    people" with "... responsive to the aspirations of the Egyptian people"; what differs
    there is the words that carry the meaning. "Complete chaos for roughly ten minutes"
    keeps "chaos" and "minutes" of "total chaos for about ten minutes"."""
    short, other = sorted((a, b), key=lambda words: (len(words), words))  # by content, either order
    if _contains(other, short):
        return True
    # A quote made only of the story's words (its outlets echo it in their own voice,
    # "the ferry was overloaded") is judged by all its words that are not stop words.
    own = _own_words(short, vocabulary) or _own_words(short, frozenset())
    present = set(other)
    kept = sum(word in present for word in own)
    return bool(own) and kept >= min(2, len(own)) and 2 * kept >= len(own)


def _clusters(printed: Sequence[Printed], vocabulary: frozenset[str] = frozenset()) -> list[list[int]]:
    parent = list(range(len(printed)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, item in enumerate(printed):
        size = 2 if len(item.tokens) <= SHORT_QUOTE else MIN_RUN
        for gram in {tuple(item.tokens[k : k + size]) for k in range(len(item.tokens) - size + 1)}:
            index[gram].append(i)
            if size == 2:
                continue
            index[gram[:2]].append(i)  # so that short quotes find the long ones
    candidates = set()
    for gram, members in index.items():
        if len(members) > 50:  # a stock phrase, not evidence
            continue
        for x in members:
            for y in members:
                if x < y and (len(gram) == MIN_RUN or min(len(printed[x].tokens), len(printed[y].tokens)) <= SHORT_QUOTE):
                    candidates.add((x, y))

    def agree(x: Printed, y: Printed) -> bool:
        return not (x.quote.speaker and y.quote.speaker and x.quote.speaker != y.quote.speaker)

    def same_speaker(x: Printed, y: Printed) -> bool:
        return bool(x.quote.speaker) and x.quote.speaker == y.quote.speaker

    candidates |= _one_word_candidates(printed)
    # Pairs that only meaning can join, decided once; their quotes embedded in one batch.
    reworded = {(x, y) for x, y in candidates if _reworded_candidate(printed[x], printed[y])}
    similarity = _Similarity(printed)
    similarity.prefetch(i for pair in reworded for i in pair)

    links: list[tuple[float, int, int, bool]] = []  # (strength, x, y, speakers differ)
    for x, y in sorted(candidates):
        a, b = printed[x], printed[y]
        if min(len(a.tokens), len(b.tokens)) == 1:
            linked = same_speaker(a, b) and (_contains(a.tokens, b.tokens) or _contains(b.tokens, a.tokens))
        elif a.quote.span.article_id != b.quote.span.article_id:
            # Credited to two different speakers, two quotes are one statement only when
            # one prints the other's words whole (an outlet crediting the words to someone
            # else: "other-speaker"). Sharing a phrase is not enough there: in a story of
            # many speakers ("the rights of the Egyptian people") such links chained a
            # dozen statements into one, each then called an alteration of the others.
            linked = _same_statement(a.token_key, b.token_key) and _keeps_own_words(a.token_key, b.token_key, vocabulary) and (agree(a, b) or (
                len(a.tokens) > SHORT_QUOTE and len(b.tokens) > SHORT_QUOTE
                and (_contains(a.tokens, b.tokens) or _contains(b.tokens, a.tokens))
            ))  # fmt: skip
            if not linked and (x, y) in reworded:
                # Heavily reworded ("ferry tickets should not have been sold to children" /
                # "youngsters should not have been sold our ferry passes"): fewer shared runs
                # than the rule asks, but one speaker, some shared runs and the same meaning.
                linked = similarity(x, y) >= REWORDED_COSINE
        else:
            # In one article, only a short quote repeated inside a longer one
            # ("deeply disappointed" ... “I am deeply disappointed that ...”).
            short, long_ = sorted((a, b), key=lambda item: len(item.tokens))
            linked = len(short.tokens) <= SHORT_QUOTE and _contains(long_.tokens, short.tokens) and agree(a, b)
        if linked:
            shorter = min(len(a.tokens), len(b.tokens))
            links.append((_common_words(a.token_key, b.token_key) / shorter, x, y, not agree(a, b)))
    # Linking is transitive, and a quote with no speaker agrees with every speaker: one
    # unattributed quote sharing a phrase with two speakers' statements would join them.
    # A statement takes a new speaker only through a direct link between quotes credited
    # to each (the same words, `other-speaker`); the closest links are made first, so
    # such a quote joins the statement it shares most words with (then by story order).
    # Likewise a short partial quote ("free and fair elections") printed inside two of a
    # speaker's statements that share nothing else joins one of them, not both.
    speakers = [frozenset((item.quote.speaker,)) if item.quote.speaker else frozenset() for item in printed]
    partial = [len(item.tokens) <= SHORT_QUOTE for item in printed]
    has_long = [not is_partial for is_partial in partial]
    for _, x, y, differ in sorted(links, key=lambda link: (-link[0], link[1], link[2])):
        root_x, root_y = find(x), find(y)
        if root_x == root_y:
            continue
        if not (differ or speakers[root_x] <= speakers[root_y] or speakers[root_y] <= speakers[root_x]):
            continue
        if (partial[x] or partial[y]) and has_long[root_x] and has_long[root_y]:
            continue
        parent[root_x] = root_y
        speakers[root_y] |= speakers[root_x]
        has_long[root_y] = has_long[root_y] or has_long[root_x]
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(printed)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda members: min(printed[m].order for m in members))


def _one_word_candidates(printed: Sequence[Printed]) -> set[tuple[int, int]]:
    """A one-word quote has no word pair to index ("re-evaluating"): it joins a longer
    quote of the same speaker that contains it. Pairs (x, y), x < y, of such quotes;
    only the longer quotes of the one-word quote's speaker are asked."""
    longer_of: dict[str, list[int]] = defaultdict(list)
    for y, other in enumerate(printed):
        if len(other.tokens) > 1 and other.quote.speaker:
            longer_of[other.quote.speaker].append(y)
    pairs = set()
    for x, item in enumerate(printed):
        if len(item.tokens) == 1 and item.quote.speaker:
            pairs.update((min(x, y), max(x, y)) for y in longer_of.get(item.quote.speaker, ())
                         if _contains(printed[y].tokens, item.tokens))  # fmt: skip
    return pairs


def _inside_another(fragment: Printed, fragments: Sequence[Printed]) -> bool:
    return any(
        other is not fragment and len(other.tokens) > len(fragment.tokens) and _contains(other.tokens, fragment.tokens)
        for other in fragments
    )


def _reworded_candidate(a: Printed, b: Printed) -> bool:
    """Two longer quotes of one speaker in two articles that share some runs of words
    but fewer than `same_statement` asks: one statement if their meaning is the same.
    Not two prints of one outlet (`_one_outlet`)."""
    return (
        bool(a.quote.speaker)
        and a.quote.speaker == b.quote.speaker
        and a.quote.span.article_id != b.quote.span.article_id
        and not _one_outlet([a, b])
        and min(len(a.tokens), len(b.tokens)) > SHORT_QUOTE
        and _common_words(a.tokens, b.tokens) >= MIN_SHARED_WORDS
        and not _same_statement(a.token_key, b.token_key)
        and _in_shared_runs(a.tokens, b.tokens, MIN_RUN) >= MIN_SHARED_WORDS
        and _shared_words(a.tokens, b.tokens) >= MIN_SHARED_WORDS
    )


def _one_outlet(prints: Iterable[Printed]) -> bool:
    """Whether the prints are all of one known outlet. A speaker's words that one outlet
    prints twice, sharing only some runs, are two statements: the outlet heard the
    speaker twice (a spokesman's talking points at two briefings: "It should lead to
    elections that are free and fair ..." / "There needs to be a transition process
    ...", MiniLM cosine 0.78), it does not reword its own print. Outlets reword each
    other's prints (the balenciaga story's apology, 0.73)."""
    outlets = {item.outlet for item in prints}
    return len(outlets) == 1 and "" not in outlets


class _Similarity:
    """MiniLM cosine of two printed quotes. Only pairs that fail the word rules ask,
    so only their texts are embedded (most stories never load the encoder; embedding
    every quote of the balenciaga story cost 0.3 s of a 3 s brief)."""

    def __init__(self, printed: Sequence[Printed]) -> None:
        self._printed = printed

    def prefetch(self, indices) -> None:
        """Embed these quotes in one batch now (later calls find them cached)."""
        from ..nlp import embed

        texts = list(dict.fromkeys(self._printed[i].text for i in indices))
        if texts:
            embed(texts)

    def __call__(self, x: int, y: int) -> float:
        from ..nlp import embed

        first, second = embed([self._printed[x].text, self._printed[y].text])
        return float(first @ second)


def _contains(whole: Sequence[str], part: Sequence[str]) -> bool:
    """Whether `part` is a run of consecutive words of `whole` (one substring search
    over the words joined by a separator no word holds: a story printing one
    statement a hundred times compares every pair of its prints)."""
    if not part or len(part) > len(whole):
        return False
    return f"\0{chr(0).join(part)}\0" in f"\0{chr(0).join(whole)}\0"


def _edits(canonical: Sequence[str], shown_canonical: Sequence[str], variant: Sequence[str],
           shown_variant: Sequence[str]) -> list[WordEdit]:
    """Word edits inside the stretch of the canonical wording that the variant
    covers (an outlet that prints only part of a statement has not deleted the
    rest, and one that prints more has not added words). The stretch is fixed
    by the first and last runs of >= 2 shared words, widened by the variant's
    unmatched words at either end ("In speaking" -> "After speaking")."""
    matcher = SequenceMatcher(None, list(canonical), list(variant), autojunk=False)
    anchors = [b for b in matcher.get_matching_blocks() if b.size >= 2] or [
        b for b in matcher.get_matching_blocks() if b.size
    ]
    if not anchors:
        return [WordEdit(" ".join(shown_canonical), " ".join(shown_variant))]
    first, last = anchors[0], anchors[-1]
    # A lone shared word just beyond the outer runs still bounds the stretch: "... and
    # internet" printed as "... and the Internet" inserts "the" (widened one word for
    # one, the stretch would end at "the" and call "internet" replaced by it).
    # (At most two words apart from the run in either, the nearest such word only.)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    before = [b for b in blocks if b.a < first.a]
    after = [b for b in blocks if b.a > last.a]
    if before and first.a - (before[-1].a + before[-1].size) <= 2 and first.b - (before[-1].b + before[-1].size) <= 2:
        first = before[-1]
    if after and after[0].a - (last.a + last.size) <= 2 and after[0].b - (last.b + last.size) <= 2:
        last = after[0]
    a_start = max(0, first.a - first.b)
    b_start = max(0, first.b - first.a)
    tail = len(variant) - (last.b + last.size)
    a_end = min(len(canonical), last.a + last.size + tail)
    b_end = min(len(variant), last.b + last.size + (len(canonical) - last.a - last.size))
    inner = SequenceMatcher(None, list(canonical[a_start:a_end]), list(variant[b_start:b_end]), autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in inner.get_opcodes():
        if tag != "equal":
            edits.append(
                WordEdit(
                    " ".join(shown_canonical[a_start + i1 : a_start + i2]),
                    " ".join(shown_variant[b_start + j1 : b_start + j2]),
                )
            )
    return edits


def _find(whole: Sequence[str], part: Sequence[str], start: int = 0) -> int:
    """The first word position from `start` where `part` runs in `whole`, or -1 (one
    substring search over the words joined by a separator no word holds)."""
    if not part:
        return start if start <= len(whole) else -1
    if start > len(whole) - len(part):
        return -1
    joined, offsets = _joined(tuple(whole))
    at = joined.find(f"\0{chr(0).join(part)}\0", offsets[start])
    return -1 if at < 0 else bisect_left(offsets, at)


def covers(whole: Sequence[str], pieces: Sequence[Sequence[str]]) -> bool:
    """Whether a wording holds a printed quote: each of its pieces (cut at the outlet's
    ellipses) appears in `whole`, in order."""
    return _covers(tuple(whole), tuple(map(tuple, pieces)))


# A statement printed by a hundred outlets asks whether each rendition holds each
# print: most are the same few wordings (the answer depends on the words alone).
@lru_cache(maxsize=16_384)
def _covers(whole: tuple[str, ...], pieces: tuple[tuple[str, ...], ...]) -> bool:
    position = 0
    for piece in pieces:
        found = _find(whole, piece, position)  # the wording joined once (`_joined`), for every piece
        if found < 0:
            return False
        position = found + len(piece)
    return True


@lru_cache(maxsize=256)
def _joined(whole: tuple[str, ...]) -> tuple[str, list[int]]:
    """A wording's words joined by a separator no word holds, and where each word's
    separator is (made once: a long rendition is asked about every print)."""
    offsets = [0]
    for word in whole:
        offsets.append(offsets[-1] + len(word) + 1)
    return f"\0{chr(0).join(whole)}\0", offsets


def verdict(canonical_text: str, canonical_shown: Sequence[str], item: Printed) -> tuple[str, tuple[WordEdit, ...]]:
    kind, edits = _verdict(canonical_text, tuple(canonical_shown), tuple(item.tokens), tuple(map(tuple, item.pieces)),
                           item.speaker_text)
    if kind == "altered" and item.around_marks != item.pieces:
        # Every change sits where the outlet marked its own words ("We want (Mubarak) to
        # leave" for "We want him to leave"): a marked substitution, shown with its
        # editorial note, not a silent alteration.
        if _covers(tuple(normalise(w) for w in canonical_shown), tuple(map(tuple, item.around_marks))):
            return "partial", ()
    return kind, edits


# The verdict reads only these of the occurrence: a wire quote printed alike by many
# outlets is compared with its canonical wording once (difflib's edits are the cost).
@lru_cache(maxsize=2_048)
def _verdict(canonical_text: str, canonical_shown: tuple[str, ...], tokens: tuple[str, ...],
             pieces: tuple[tuple[str, ...], ...], speaker_text: str) -> tuple[str, tuple[WordEdit, ...]]:
    canonical = tuple(normalise(w) for w in canonical_shown)
    if tokens == canonical:
        return ("verbatim" if surface(speaker_text) == surface(canonical_text) else "typography"), ()
    if _covers(canonical, pieces):
        return "partial", ()
    edits = _edits(canonical, canonical_shown, tokens, words(speaker_text))
    if not edits:
        return "partial", ()
    return "altered", tuple(edits)


def _runs(fragments: Sequence[Printed]) -> list[list[Printed]]:
    """An article's fragments of one statement, cut where they are more than a
    paragraph apart: a split quote ("A," she said, "B.") is one rendition,
    a subheading quoting the same words is another."""
    runs: list[list[Printed]] = []
    for fragment in fragments:
        if runs and fragment.paragraph - runs[-1][-1].paragraph <= 1:
            runs[-1].append(fragment)
        else:
            runs.append([fragment])
    return runs


@dataclass
class _Statement:
    """One statement as the story's articles print it, before its canonical wording is chosen."""

    by_article: dict[str, list[Printed]]  # each article's fragments, in text order
    renditions: list[list[Printed]]  # every article's candidate renditions (runs of fragments)
    backing: list[int]  # per rendition: independent sources printing words it holds
    sources: int  # independent sources printing the statement at all

    @property
    def fragments(self) -> list[Printed]:
        return [f for fragments in self.by_article.values() for f in fragments]


def _whole(run: Sequence[Printed]) -> list[str]:
    return [t for f in run for t in f.tokens]


def _pieces(run: Sequence[Printed]) -> list[list[str]]:
    return [piece for f in run for piece in f.pieces]


def _statement(printed: Sequence[Printed], members: Sequence[int], group_of: Callable[[str], int]) -> _Statement:
    by_article: dict[str, list[Printed]] = defaultdict(list)
    for m in sorted(members, key=lambda m: printed[m].order):
        item = printed[m]
        fragments = by_article[item.quote.span.article_id]
        if any(f.tokens == item.tokens for f in fragments):
            continue  # the same quote printed twice in one article
        fragments.append(item)
    # A fragment repeating words of a longer one of its article ("re-evaluating" after
    # the full sentence) is an occurrence but no part of a rendition.
    renditions = [
        run
        for fragments in by_article.values()
        for run in _runs([f for f in fragments if not _inside_another(f, fragments)] or fragments)
    ]
    backing = []
    for run in renditions:
        # One tuple of the wording for every print asked about (the cache's keys share it)
        whole = tuple(_whole(run))
        backing.append(len({
            group_of(article) for article, fragments in by_article.items()
            if any(_covers(whole, f.piece_key) for f in fragments)
        }))  # fmt: skip
    return _Statement(by_article, renditions, backing, len({group_of(article) for article in by_article}))


def _rendition_key(run: Sequence[Printed]) -> tuple:
    """Among renditions of one wording, the one to show: without the outlet's marks
    (an insertion never becomes the canonical wording by itself), in one piece, first
    in the story (articles in date and content order, `brief.canonical_order`)."""
    return (any(f.editorial for f in run), len(run), run[0].order)


def _wordings(statement: _Statement) -> list[list[int]]:
    """The best-backed renditions grouped by wording (one list of rendition indices per
    wording). One wording: the canonical one. Several: wordings that differ, none holding
    the other, with equal independent support, a tie that evidence must decide."""
    best = max(statement.backing)
    top = [i for i, backing in enumerate(statement.backing) if backing == best]
    wholes = {i: _whole(statement.renditions[i]) for i in top}
    pieces = {i: _pieces(statement.renditions[i]) for i in top}

    def held(i: int, j: int) -> bool:
        return covers(wholes[j], pieces[i])

    # A rendition held in a longer one (a partial quote) is part of that wording.
    maximal = [i for i in top if not any(j != i and held(i, j) and not held(j, i) for j in top)]
    wordings: dict[tuple[str, ...], list[int]] = {}
    for i in maximal:
        wordings.setdefault(tuple(wholes[i]), []).append(i)
    return sorted(wordings.values(), key=lambda indices: min(statement.renditions[i][0].order for i in indices))


def _canonical_text(run: Sequence[Printed]) -> tuple[str, list[str]]:
    """The wording as shown (outer punctuation and editorial insertions left out) and its words."""
    return " ".join(surface(f.speaker_text) for f in run), [w for f in run for w in words(f.speaker_text)]


def _speaker(statement: _Statement) -> str | None:
    speakers = Counter()
    for f in statement.fragments:
        if f.quote.speaker:
            speakers[f.quote.speaker] += 2 if f.explicit else 1
    return speakers.most_common(1)[0][0] if speakers else None


def _occurrences(statement: _Statement, speaker: str | None, canonical: Sequence[Printed],
                 rivals: Sequence[Sequence[Printed]] = ()) -> list[QuoteOccurrence]:
    """Each fragment's verdict against the canonical rendition; with `rivals` (a dispute),
    a fragment that holds to some rivals' wording but not all is `disputed`."""
    canonical_text, canonical_shown = _canonical_text(canonical)
    rival_wholes = [_whole(run) for run in rivals]
    occurrences = []
    for fragments in statement.by_article.values():
        for f in fragments:
            held_by = [covers(whole, f.pieces) for whole in rival_wholes]
            if any(held_by) and not all(held_by):
                occurrences.append(QuoteOccurrence(f.quote, "disputed", (), f.editorial))
                continue
            reference_text, reference_shown = canonical_text, canonical_shown
            if rivals and not any(held_by):
                # Held by no wording of the dispute: compared with the closest one.
                closest = max(rivals, key=lambda run: (_shared_words(_whole(run), f.tokens), -run[0].order))
                reference_text, reference_shown = _canonical_text(closest)
            kind, edits = verdict(reference_text, reference_shown, f)
            host = next((h for h in fragments if h is not f and len(h.tokens) > len(f.tokens) and _contains(h.tokens, f.tokens)), None)
            if host is not None and kind == "altered":
                # A short quote repeating words of the article's longer
                # quote: judged as part of that quote.
                host_kind, host_edits = verdict(reference_text, reference_shown, host)
                mine = set(f.tokens)
                edits = tuple(e for e in host_edits if mine & {normalise(w) for w in words(e.added)})
                kind = "altered" if edits else "partial"
            if f.explicit and speaker and f.quote.speaker and f.quote.speaker != speaker and len(statement.by_article) > 1:
                kind = "other-speaker"
            occurrences.append(QuoteOccurrence(quote=f.quote, verdict=kind, edits=edits, editorial=f.editorial))
    return occurrences


def _habit(decided: Iterable[tuple[QuoteGroup, Sequence[Printed], int]]) -> Counter:
    """Per article: how many statements it alters whose canonical wording at least two
    independent sources print (statements decided without a tie)."""
    habit: Counter = Counter()
    for group, _, backing in decided:
        if backing >= 2:
            habit.update({o.quote.span.article_id for o in group.occurrences if o.verdict == "altered"})
    return habit


def group_quotes(
    printed: Sequence[Printed], group_of: Callable[[str], int], story: ties.StoryEvidence | None = None,
    vocabulary: frozenset[str] = frozenset(),
) -> list[QuoteGroup]:
    """Statements across articles, each with its canonical wording and a verdict per
    occurrence; those printed by most independent sources first. Wordings that tie
    are decided by the story's evidence (`ties`), or the statement is disputed."""
    story = story or ties.StoryEvidence()
    statements = _statements(printed, group_of, vocabulary)
    plans = [(statement, _wordings(statement)) for statement in statements]
    # Statements with one best wording first: how often each outlet alters a wording
    # that independent outlets agree on is evidence for the ties.
    decided = {}
    for index, (statement, wordings) in enumerate(plans):
        if len(wordings) == 1:
            canonical = min((statement.renditions[i] for i in wordings[0]), key=_rendition_key)
            speaker = _speaker(statement)
            group = QuoteGroup(speaker, _canonical_text(canonical)[0], tuple(_occurrences(statement, speaker, canonical)))
            decided[index] = (group, canonical, max(statement.backing))
    habit = _habit(decided.values())
    result = []
    for index, (statement, wordings) in enumerate(plans):
        if index in decided:
            group, canonical, _ = decided[index]
        else:
            group, canonical = _resolve(statement, wordings, story, habit)
        result.append(((-statement.sources, canonical[0].order), group))
    forget_wordings()
    # The statements most outlets print first; among equals, in the order the
    # canonical rendition tells them (a statement's parts in the speaker's order).
    return [group for _, group in sorted(result, key=lambda pair: pair[0])]


def _statements(printed: Sequence[Printed], group_of: Callable[[str], int],
                vocabulary: frozenset[str] = frozenset()) -> list[_Statement]:
    """The statements of `_clusters`, each cut to the prints that say it.

    Linking is transitive: a speaker's quotes, each sharing a phrase with the next
    ("need to see change" ... "need to refrain from violence" ... "deeply concerned
    about the images we see"), chained statements that share nothing into one, and
    each was then judged an alteration of the one chosen as canonical. So a print
    must be the same statement as one of the best-backed wordings (`_same_statement`,
    printed inside it, or a reworded print of the speaker's whose meaning is as close
    as `REWORDED_COSINE` asks), or sit inside a print of its article that is; the
    prints that are not leave, and are grouped again among themselves. Every round
    keeps at least each statement's best-backed wording, so the rounds end."""
    statements: list[_Statement] = []
    pending = [sorted(members) for members in _clusters(printed, vocabulary)]
    while pending:
        left: list[int] = []
        for members in pending:
            statement = _statement(printed, members, group_of)
            kept = _saying_it(printed, members, statement, vocabulary)
            if len(kept) < len(members):
                statement = _statement(printed, kept, group_of)
                staying = set(kept)
                left.extend(m for m in members if m not in staying)
            statements.append(statement)
        subset = sorted(left)
        pending = [sorted(subset[k] for k in members) for members in _clusters([printed[m] for m in subset], vocabulary)] if subset else []
    return statements


def _saying_it(printed: Sequence[Printed], members: Sequence[int], statement: _Statement,
               vocabulary: frozenset[str] = frozenset()) -> list[int]:
    """The `members` that say the statement's best-backed wording (see `_statements`)."""
    if len(statement.by_article) < 2:
        return list(members)
    wordings = [[statement.renditions[i] for i in indices] for indices in _one_statement_wordings(statement, vocabulary)]
    wholes = [tuple(_whole(runs[0])) for runs in wordings]

    def says(run: Sequence[Printed]) -> bool:
        # A rendition, not each fragment: an outlet that splits a reworded quote ("I
        # appreciate ...," she said. "After speaking with them, ...") says the
        # statement with both parts together.
        tokens = tuple(_whole(run))
        pieces = tuple(piece for f in run for piece in f.piece_key)
        if any(_covers(whole, pieces) for whole in wholes):
            return True  # printed inside a wording: a part of it (in a tie, its side)
        # Otherwise one statement with every wording kept, as they are with one another
        # (`_one_statement_wordings`): a print sharing a phrase with one of them only
        # is another of the speaker's statements.
        return all(
            (_same_statement(whole, tokens) and _holds_short(whole, tokens, vocabulary)
             and not _one_phrase_in_common(whole, tokens))
            or any(_reworded_print(wording, run) for wording in runs)
            for whole, runs in zip(wholes, wordings)
        )

    def part_of_it(fragment: Printed, run: Sequence[Printed]) -> bool:
        # A rendition is an article's fragments within a paragraph of one another: a
        # split quote, or two of the speaker's statements printed one after the other
        # ("... the Egyptian government is stable and is looking for ways to respond to
        # the legitimate needs ..." then "We believe strongly that the Egyptian government
        # has an important opportunity ... to respond to the legitimate needs ..."), where
        # the second rode with the first and was called an alteration of it. A fragment
        # of a longer run is a part of a wording, or matches a part of the wording that
        # the rest of its run does not print (a part reworded: "After speaking with them,
        # I feel they recognize the gravity ..."); one that prints again what the rest
        # of its run prints, in other words, is another statement.
        if any(_covers(whole, fragment.piece_key) for whole in wholes):
            return True
        rest = tuple(t for f in run if f is not fragment for t in f.tokens)
        return all(_adds_to(whole, fragment.token_key, rest) for whole in wholes)

    saying = {id(f) for run in statement.renditions if says(run) for f in run if len(run) == 1 or part_of_it(f, run)}
    kept = []
    for m in members:
        item = printed[m]
        fragments = statement.by_article.get(item.quote.span.article_id, ())
        # A quote printed twice in one article is one fragment of the statement; a short
        # one inside a longer quote of its article goes with that quote.
        if any(id(f) in saying and (f.tokens == item.tokens or _contains(f.tokens, item.tokens)) for f in fragments):
            kept.append(m)
    return kept


def _adds_to(wording: tuple[str, ...], tokens: tuple[str, ...], rest: tuple[str, ...]) -> bool:
    """Whether most of the wording's words that `tokens` prints in runs of two or more
    are words the `rest` of its rendition does not print."""
    mine, theirs = _matched_in(wording, tokens), _matched_in(wording, rest)
    return 2 * len(mine - theirs) > len(mine)


def _matched_in(wording: tuple[str, ...], tokens: tuple[str, ...]) -> set[int]:
    """Positions of the wording's words that `tokens` prints in runs of two or more."""
    blocks = SequenceMatcher(None, wording, tokens, autojunk=False).get_matching_blocks()
    return {k for block in blocks if block.size >= 2 for k in range(block.a, block.a + block.size)}


def _one_statement_wordings(statement: _Statement, vocabulary: frozenset[str] = frozenset()) -> list[list[int]]:
    """`_wordings`, kept to those that are one statement with one another. Best-backed
    wordings tie when each is printed by one source (a story of one outlet's articles),
    and the chain that gathered them may join a speaker's different statements ("The
    people of Egypt have spoken" / "... the people of Egypt will find those answers"):
    evidence would then pick one as canonical and call the others its alterations.
    The wordings kept are one statement pairwise (`_same_statement`, `_holds_short`,
    more in common than one phrase: `_one_phrase_in_common`), not merely through a
    third: a long print holding two of a speaker's statements ("... looking for a
    little more opportunity and ... violence isn't appropriate ...") is one statement
    with each, and the two are not one. They are gathered from the
    wording printed by the most renditions, then each wording in that order (ties
    broken by their words, a content key, not the input order) joins if it is one
    statement with every wording kept so far. The other prints leave and are grouped
    again (`_statements`)."""
    wordings = _wordings(statement)
    if len(wordings) < 2:
        return wordings
    wholes = [tuple(_whole(statement.renditions[indices[0]])) for indices in wordings]
    ranked = sorted(range(len(wordings)), key=lambda k: (-len(wordings[k]), " ".join(wholes[k])))
    kept = [ranked[0]]
    for k in ranked[1:]:
        if all(_same_statement(wholes[k], wholes[j]) and _holds_short(wholes[k], wholes[j], vocabulary)
               and not _one_phrase_in_common(wholes[j], wholes[k]) and not _one_phrase_in_common(wholes[k], wholes[j])
               for j in kept):  # fmt: skip
            kept.append(k)
    return [wordings[k] for k in sorted(kept)]


def _holds_short(wording: tuple[str, ...], tokens: tuple[str, ...], vocabulary: frozenset[str] = frozenset()) -> bool:
    """Where one of a wording and a print is short (`SHORT_QUOTE` words or fewer) and
    the other longer, the longer holds most of the short one's words, in order: more
    than half ("complete chaos for roughly ten minutes" holds four of "total chaos for
    about ten minutes"). A long print of a short wording: "need to see change" is not
    said by "... the security personnel need to refrain from violence"; a short print
    of a long wording: "There must be reform" does not print "must be meaningful, it
    must be peaceful ...". Each holds half, a pair of words, enough for
    `_same_statement`, whose short rule links a partial quote to the statement it
    cuts before the statement's wording is known.

    The words held are those of one stretch of the longer no more than twice the short
    one's length (`_held_in_a_stretch`): a short quote reworded is a short stretch of
    the statement. "Mubarak is going to have to go" is not said by a commentator's
    150 words that name Mubarak early and say "going to go home" late, nor "let go of
    Mubarak" by "... doesn't want to let go, a dictator who ... the clear voice of the
    people"."""
    short, longer = sorted((wording, tokens), key=len)
    if len(short) > SHORT_QUOTE or len(longer) == len(short):
        return True
    return 2 * _held_in_a_stretch(short, longer) > len(short) and _keeps_own_words(short, longer, vocabulary)


@lru_cache(maxsize=16_384)
def _one_phrase_in_common(wording: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """Whether a print shares one phrase with a wording and nothing else: of the runs of
    words they share, there is one (a lone stop word, "of" or "the", is no evidence
    either way; "the ferry was badly overloaded" shares "overloaded" beyond "the ferry
    was"), with the print's other words before or after it, and that run is short:
    fewer than MIN_SHARED_WORDS words, or not more than half of either (a long print
    holding most of a wording is the statement with more around it). Such a print
    changes no word *inside* what it shares; it is another statement using the same
    phrase ("through the morning" and "ASAP after the morning end of curfew"; "are at
    risk of torture or other ill-treatment" and "... not be subjected to torture or
    other ill-treatment"), which was then called an alteration of it. A print whose
    shared run is most of it ("Currently re-evaluating my relationship with Balenciaga"
    for "... my relationship with the brand") still is the statement, its other words
    changed."""
    stop = _stop_words()
    runs = [b for b in SequenceMatcher(None, wording, tokens, autojunk=False).get_matching_blocks()
            if b.size >= 2 or (b.size and tokens[b.b] not in stop)]  # fmt: skip
    if len(runs) != 1:
        return not runs
    shared = runs[0].size
    return shared < len(tokens) and (shared < MIN_SHARED_WORDS or 2 * shared <= min(len(tokens), len(wording)))


def _held_in_a_stretch(short: tuple[str, ...], longer: tuple[str, ...]) -> int:
    """How many words of `short` difflib matches, in order, inside one stretch of
    `longer` at most twice as long as `short` (the best such stretch)."""
    blocks = [block for block in SequenceMatcher(None, short, longer, autojunk=False).get_matching_blocks() if block.size]
    reach = 2 * len(short)
    best = held = first = 0
    for block in blocks:  # blocks ascend in both sequences
        held += block.size
        while block.b + block.size - blocks[first].b > reach:
            held -= blocks[first].size
            first += 1
        best = max(best, held)
    return best


def _reworded_print(wording: Sequence[Printed], run: Sequence[Printed]) -> bool:
    """A rendition of one speaker's statement that rewords a best-backed wording: the
    rule that let it link (`_reworded_candidate`, then `REWORDED_COSINE`), asked of
    the wording."""
    from ..nlp import embed

    speaker = wording[0].quote.speaker
    if not speaker or any(f.quote.speaker != speaker for f in run) or _one_outlet([*wording, *run]):
        return False
    whole, tokens = tuple(_whole(wording)), tuple(_whole(run))
    if min(len(whole), len(tokens)) <= SHORT_QUOTE or _common_words(whole, tokens) < MIN_SHARED_WORDS:
        return False
    first, second = embed([" ".join(f.text for f in wording), " ".join(f.text for f in run)])
    return float(first @ second) >= REWORDED_COSINE


def forget_wordings() -> None:
    """Empty the caches of comparisons of wordings: they serve one story's grouping,
    and at 300 long articles hold tens of megabytes the later stages need."""
    for cached in (_counts, _shared_words_of, _same_statement, _run_list, _run_set, _covers, _joined, _verdict,
                   _one_phrase_in_common):
        cached.cache_clear()


def _resolve(statement: _Statement, wordings: list[list[int]], story: ties.StoryEvidence,
             habit: Counter) -> tuple[QuoteGroup, list[Printed]]:
    """A statement whose best-backed wordings differ: decided by evidence, else disputed."""
    shown = [min((statement.renditions[i] for i in indices), key=_rendition_key) for indices in wordings]
    wholes = [_whole(run) for run in shown]
    rivals = []
    for whole in wholes:
        printers = {
            f.quote.span.article_id
            for f in statement.fragments
            if covers(whole, f.pieces) and not all(covers(other, f.pieces) for other in wholes)
        }
        rivals.append(ties.Rival(frozenset(printers)))
    speaker = _speaker(statement)
    decision = ties.decide(rivals, story, habit)
    if decision is not None:
        winner, reason = decision
        canonical = shown[winner]
        occurrences = _occurrences(statement, speaker, canonical)
        return QuoteGroup(speaker, _canonical_text(canonical)[0], tuple(occurrences), decided_by=reason), canonical
    occurrences = _occurrences(statement, speaker, shown[0], shown)
    texts = tuple(_canonical_text(run)[0] for run in shown)
    return QuoteGroup(speaker, texts[0], tuple(occurrences), rivals=texts), shown[0]


def fidelity(groups: Sequence[QuoteGroup], article_ids: Sequence[str], group_of: Callable[[str], int]) -> list[QuoteFidelity]:
    """Per article: of the quotes it shares with other independent sources, how
    many it prints faithfully; flags likely rewrites (see REWRITE_*). A disputed
    wording counts against nobody."""
    shared = Counter()
    faithful = Counter()
    altered = Counter()
    disputed = Counter()
    changed_words = Counter()
    for group in groups:
        sources = {group_of(o.quote.span.article_id) for o in group.occurrences}
        if len(sources) < 2:
            continue
        for occurrence in group.occurrences:
            article = occurrence.quote.span.article_id
            shared[article] += 1
            if occurrence.verdict in ("verbatim", "partial", "typography"):
                faithful[article] += 1
            elif occurrence.verdict == "disputed":
                disputed[article] += 1
            else:
                altered[article] += 1
                changed_words[article] += sum(
                    max(len(e.removed.split()), len(e.added.split())) for e in occurrence.edits
                ) or 1
    report = []
    for article in article_ids:
        judged = shared[article] - disputed[article]
        flagged = (
            altered[article] >= REWRITE_MIN_ALTERED
            and altered[article] >= REWRITE_ALTERED_SHARE * judged
            and changed_words[article] >= REWRITE_MIN_WORDS
        )
        report.append(QuoteFidelity(article, shared[article], faithful[article], altered[article], flagged, disputed[article]))
    return report
