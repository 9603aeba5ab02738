"""The indexes and blocks that keep a big story's stages from comparing everything
with everything give the answers of the exhaustive comparison.

Each test builds small fictional inputs (many repeats, as wire copy makes them),
runs the indexed computation and the plain one it replaced, and asks for the
same answer."""

from __future__ import annotations

import random
from types import SimpleNamespace

from corroborate.model import Quote, Span
from corroborate.quotes import _Holders, align

# A product of float32 vectors is the same number whatever rows are multiplied with it
# only where BLAS sums every entry by the same kernel in the same order. OpenBLAS does on
# Intel's processors; on AMD's Zen (its Haswell kernels) the rows at the edge of one of
# its blocks are summed in another order, a last bit or two apart (measured: unit
# vectors of 256 dimensions, < 1e-6). So the numbers of a product cut into blocks are
# held to those of the whole within that rounding, and its pairs to the same set but
# for any whose number lies within it of the threshold.
FLOAT32_ROUNDING = 4e-6

WORDS = "the ferry council said crews were sold tickets to children on monday night harbour".split()


class _Story:
    """What `_Holders` reads of a brief: the text of a span."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    def text(self, span: Span) -> str:
        return self.texts[span.article_id][span.start : span.end]


def _occurrence(article_id: str, text: str):
    return SimpleNamespace(quote=Quote(Span(article_id, 0, len(text)), None))


def test_first_holding_group_is_the_first_a_scan_of_every_group_finds():
    rng = random.Random(12)
    texts: dict[str, str] = {}
    groups = []
    for g in range(60):
        occurrences = []
        for o in range(rng.randint(1, 4)):
            article_id = f"a{g}-{o}"
            texts[article_id] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
            occurrences.append(_occurrence(article_id, texts[article_id]))
        groups.append(SimpleNamespace(occurrences=tuple(occurrences), speaker=f"speaker {g}"))
    story = _Story(texts)

    def scan(tokens):  # what headline_quotes did before the index
        holders = [
            group for group in groups
            if any(align._contains([align.normalise(w) for w in align.words(story.text(o.quote.span))], tokens)
                   for o in group.occurrences)
        ]  # fmt: skip
        return holders[0] if holders else None

    holders = _Holders(groups, story)
    found = 0
    for _ in range(400):
        tokens = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
        expected = scan(tokens)
        assert holders.first(tokens) is expected
        found += expected is not None
    assert 30 < found < 370  # both answers are well represented


def test_one_word_quotes_join_the_longer_quotes_a_scan_of_every_quote_finds():
    rng = random.Random(7)
    printed = []
    for k in range(400):
        tokens = [rng.choice(WORDS) for _ in range(rng.choice((1, 1, 2, 5, 9)))]
        speaker = rng.choice(("Ilsa Varn", "Owen Tarrant", None))
        quote = Quote(Span(f"a{k % 37}", 0, 1), speaker)
        printed.append(align.Printed(quote, " ".join(tokens), tokens, k, True))

    def same_speaker(x, y):
        return bool(x.quote.speaker) and x.quote.speaker == y.quote.speaker

    expected = set()  # what _clusters did before the index: every one-word quote against every quote
    for x, item in enumerate(printed):
        if len(item.tokens) == 1:
            expected.update(
                (min(x, y), max(x, y)) for y, other in enumerate(printed)
                if y != x and len(other.tokens) > 1 and same_speaker(item, other) and align._contains(other.tokens, item.tokens)
            )  # fmt: skip
    assert align._one_word_candidates(printed) == expected
    assert len(expected) > 100


def test_word_stats_of_the_whole_story_bound_a_pair_as_those_of_its_block_do():
    """The summary gathers the word statistics of every sentence once; each block of
    pairs gathered its own before. A pair's bound must not depend on which."""
    import numpy as np

    from corroborate import relations

    rng = random.Random(3)
    texts = [" ".join(rng.choice(WORDS + ["ferries", "crew's", "naïve"]) for _ in range(rng.randint(0, 14))) for _ in range(300)]
    whole = relations.WordStats(texts)
    for _ in range(6):
        left = [rng.choice(texts) for _ in range(50)]
        right = [rng.choice(texts) for _ in range(50)]
        assert np.array_equal(whole.bounds(left, right), relations.token_set_ratio_bounds(left, right))


def _dates(seed: int, count: int):
    """Claims of one kind (dates) as the clustering sees them, with random contexts."""
    import numpy as np

    from corroborate.claims.context import Found
    from corroborate.model import Claim

    rng = random.Random(seed)
    vectors = np.random.default_rng(seed).standard_normal((3 * count, 256)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    items = []
    for k in range(count):
        article = f"a{rng.randint(0, 30)}"
        value = f"2026-03-{rng.randint(1, 28):02d}"
        claim = Claim(Span(article, k, k + 1), rng.choice(["", "Ilsa Varn", "Greyhaven Marine"]), "closed", value, value,
                      precision=rng.choice(["day", "month"]), kind="date")  # fmt: skip
        terms = frozenset(rng.sample(WORDS, rng.randint(0, 5)))
        items.append(Found(claim, terms, 0, vectors=(vectors[3 * k], vectors[3 * k + 1], vectors[3 * k + 2])))
    return items


def test_square_similarity_in_chunks_is_the_whole_block():
    import numpy as np

    from corroborate.claims.similarity import Similarity

    items = _dates(5, 600)
    links = [frozenset(random.Random(k).sample(range(40), k % 3)) for k in range(len(items))]
    similarity = Similarity(items, links)
    for part in (list(range(200)), list(range(0, 600, 3)), list(range(150)), [4, 9]):
        whole = similarity.block(part, part)
        for chunk in (64, 100):  # 256 dimensions, as the static encoder's
            assert np.abs(similarity.square(part, chunk) - whole).max() <= FLOAT32_ROUNDING


def test_average_linkage_without_copies_clusters_as_before():
    """The clustering keeps its sums in the pair matrices themselves and scores its rows
    in chunks; the groups are those of the plain computation."""
    import numpy as np

    import importlib

    from corroborate.claims.numbers import disagreements
    from corroborate.claims.similarity import Similarity

    claims_align = importlib.import_module("corroborate.claims.align")  # the package's `align` is a function

    def plain(items, sim):  # _average_linkage as it was written before
        n = len(items)
        bar = claims_align.SAME_SLOT_CONFLICTING.get(items[0].claim.kind, claims_align.SAME_SLOT_CONFLICTING[""])
        codes: dict[str, int] = {}
        articles = np.array([codes.setdefault(item.claim.span.article_id, len(codes)) for item in items])
        cross = (articles[:, None] != articles[None, :]).astype(np.float32)
        differ = disagreements([item.claim for item in items]).astype(np.float32)
        forbidden = differ * (1.0 - cross)
        sim_sum, cross_sum, differ_sum, forbidden_sum = sim * cross, cross.copy(), differ.copy(), forbidden.copy()
        differ_sim = sim * cross * differ
        members = [[i] for i in range(n)]
        alive = np.ones(n, dtype=bool)

        def scores(rows):
            with np.errstate(invalid="ignore", divide="ignore"):
                average = np.where(cross_sum[rows] > 0, sim_sum[rows] / np.maximum(cross_sum[rows], 1), -1.0)
                differ_average = np.where(differ_sum[rows] > 0, differ_sim[rows] / np.maximum(differ_sum[rows], 1), 0.0)
            agreeing = (differ_sum[rows] == 0) & (average >= claims_align.SAME_SLOT_AGREEING)
            conflicting = (differ_sum[rows] > 0) & (average >= claims_align.SAME_SLOT_AGREEING) & (differ_average >= bar)
            score = np.where(agreeing, average + 1.0, np.where(conflicting, differ_average, -np.inf))
            score[forbidden_sum[rows] > 0] = -np.inf
            score[:, ~alive] = -np.inf
            return score

        score = scores(np.arange(n))
        np.fill_diagonal(score, -np.inf)
        while True:
            x, y = np.unravel_index(int(np.argmax(score)), score.shape)
            if not np.isfinite(score[x, y]):
                break
            for matrix in (sim_sum, cross_sum, differ_sum, forbidden_sum, differ_sim):
                matrix[x, :] += matrix[y, :]
                matrix[:, x] += matrix[:, y]
            members[x] += members[y]
            members[y] = []
            alive[y] = False
            score[y, :] = -np.inf
            score[:, y] = -np.inf
            row = scores(np.array([x]))[0]
            row[x] = -np.inf
            score[x, :] = row
            score[:, x] = row
        return [sorted(group) for group in members if group]

    for seed, count in ((1, 40), (2, 300), (3, 600)):
        items = _dates(seed, count)
        sim = Similarity(items).matrix()
        sim = sim * 0.2 + 0.4  # random vectors are far apart: bring the pairs near the bars
        groups = claims_align._average_linkage(items, sim.copy())
        assert groups == plain(items, sim.copy())
        assert len(groups) < count  # some joins happened


def test_organisation_mentions_from_the_index_are_those_a_scan_finds():
    """`Cast.finish` looks each organisation up in an index of the story's positions
    (by their first two characters) instead of scanning the story once per name."""
    from corroborate.quotes.speakers import _mentions, _Starts

    rng = random.Random(21)
    pieces = ["Greyhaven Marine", "Greyhaven", "Harbour Council", "HarHar", "Ha", "G", "ferry", " ", ", ", "the "]
    text = "".join(rng.choice(pieces) for _ in range(3000))
    names = ["Greyhaven Marine", "Greyhaven", "Harbour Council", "Har", "HarHa", "Ha", "G", "Quay Ltd", "e ", "  "]
    starts = _Starts(text, names)
    for name in names:
        assert starts.of(name) == _mentions(text, name)
    assert sum(len(_mentions(text, name)) for name in names) > 1000


def _plain_common_words(a, b) -> int:
    from collections import Counter

    return sum((Counter(a) & Counter(b)).values())


def _plain_covers(whole, pieces) -> bool:  # each piece found in order, by a scan of word positions
    position = 0
    for piece in pieces:
        found = next((k for k in range(position, len(whole) - len(piece) + 1) if list(whole[k : k + len(piece)]) == list(piece)), -1)
        if not piece:
            found = position if position <= len(whole) else -1
        if found < 0:
            return False
        position = found + len(piece)
    return True


def test_memoised_word_comparisons_answer_as_the_plain_ones():
    """Quotes' comparisons of two wordings are kept by their words (wire copy asks about
    the same pair many times): each answers as the plain computation, asked twice."""
    rng = random.Random(4)
    wordings = [[rng.choice(WORDS[:6]) for _ in range(rng.randint(0, 12))] for _ in range(120)]
    for _ in range(2):  # the second round answers from the caches
        for _ in range(1500):
            a, b = rng.choice(wordings), rng.choice(wordings)
            assert align._common_words(a, b) == _plain_common_words(a, b)
            cut = rng.randint(0, len(b))
            pieces = [b[:cut], b[cut:]] if rng.random() < 0.5 else [b]
            assert align.covers(a, pieces) == _plain_covers(a, pieces)


def test_memoised_verdicts_are_those_of_each_print():
    """`verdict` is kept by what it reads of a print (its words, pieces and text): prints
    of one wording by many outlets get the verdict each would get alone."""
    rng = random.Random(9)
    canonical_text = "the ferry council said crews were sold tickets to children on monday night"
    canonical_shown = align.words(canonical_text)
    answers = {}
    for k in range(300):
        shown = list(canonical_shown)
        for _ in range(rng.choice((0, 0, 1, 2))):
            shown[rng.randrange(len(shown))] = rng.choice(WORDS).capitalize()
        start = rng.randint(0, 4)
        text = " ".join(shown[start : start + rng.randint(3, 14)])
        quote = Quote(Span(f"a{k}", 0, len(text)), None)
        printed = align.Printed.read(quote, text, k, True)
        got = align.verdict(canonical_text, canonical_shown, printed)
        align._verdict.cache_clear()
        assert got == align.verdict(canonical_text, canonical_shown, printed)  # worked out afresh
        answers.setdefault(text, got)
        assert answers[text] == got
    assert {kind for kind, _ in answers.values()} >= {"verbatim", "partial", "altered"}


def test_row_maxima_find_the_entry_argmax_of_the_whole_matrix_finds():
    """The clustering finds its next join among the rows' maxima, kept as it joins:
    the same (row, column) as np.argmax of the whole matrix, ties, -inf and NaN included."""
    import importlib

    import numpy as np

    claims_align = importlib.import_module("corroborate.claims.align")
    rng = np.random.default_rng(12)
    for n, nan in ((60, False), (150, False), (80, True)):
        score = rng.integers(0, 6, (n, n)).astype(np.float32)  # few values: many ties
        score[rng.random((n, n)) < 0.3] = -np.inf
        if nan:
            score[rng.random((n, n)) < 0.01] = np.nan
        np.fill_diagonal(score, -np.inf)
        best = claims_align._RowBest(score)
        alive = list(range(n))
        while len(alive) > 2:
            assert best.first_max() == np.unravel_index(int(np.argmax(score)), score.shape)
            x, y = rng.choice(alive, 2, replace=False)
            alive.remove(y)
            score[y, :] = -np.inf
            score[:, y] = -np.inf
            row = rng.integers(0, 6, n).astype(np.float32)
            row[[x, y]] = -np.inf
            if nan and rng.random() < 0.1:
                row[rng.integers(n)] = np.nan
            score[x, :] = row
            score[:, x] = row
            best.joined(x, y, row)


def test_title_case_read_lazily_is_that_of_every_word_around_the_quote():
    """`_keep` reads the paragraph around a short capitalised quote only up to its first
    word that is neither capitalised nor small: the same answer as all its words."""
    from corroborate.quotes import _title_case, _title_case_text

    rng = random.Random(15)
    vocabulary = ["Harbour", "Hour", "Tonight", "of", "the", "ferry", "Quay", "and", "it\u2019s", "Varn-Hale", "&", "42", "--"]
    for _ in range(3000):
        before = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 5)))
        after = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 5)))
        if rng.random() < 0.3:  # a cut inside a word, as a quote's edge may fall
            before, after = before + rng.choice(("'", "-", "x")), rng.choice(("'", "-", "x")) + after
        expected = _title_case(align.words(before + " " + after))
        assert _title_case_text(before, after) == expected


def test_word_run_search_without_patterns_finds_what_the_pattern_finds():
    """Entities test whether one name holds another as whole words by a string search
    with word boundaries, not a pattern compiled per pair: the same answers as re."""
    import re

    from corroborate.entities import _holds_word_run

    rng = random.Random(33)
    alphabet = ["ab", "a", "b", " ", "_", "1", "é", "-", ".", "’", "ß"]
    for _ in range(6000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        part = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
        assert _holds_word_run(text, part) == (re.search(rf"\b{re.escape(part)}\b", text) is not None), (text, part)


def test_linked_pairs_from_the_upper_triangle_are_those_of_whole_rows():
    """`linked_pairs` computes only the columns after each block's first row: the same
    pairs as whole rows give, in order, and each entry the whole rows' number (within
    float32 rounding: see FLOAT32_ROUNDING)."""
    import numpy as np

    from corroborate.claims.similarity import Similarity

    for seed, count in ((6, 700), (8, 300), (9, 90)):
        items = _dates(seed, count)
        similarity = Similarity(items)
        everything = np.arange(count)
        plain, at_the_threshold = [], set()
        for first in range(0, count, 256):
            rows = everything[first : first + 256]
            whole = similarity.block(rows, everything)
            start = min(first + 1, max(0, count - 256))
            assert np.abs(similarity.block(rows, everything[start:]) - whole[:, start:]).max() <= FLOAT32_ROUNDING
            upper = everything[None, :] > rows[:, None]
            r, c = np.nonzero((whole >= 0.1) & upper)
            plain.extend(zip(rows[r].tolist(), c.tolist()))
            r, c = np.nonzero((np.abs(whole - 0.1) <= FLOAT32_ROUNDING) & upper)
            at_the_threshold.update(zip(rows[r].tolist(), c.tolist()))
        found = list(similarity.linked_pairs(0.1))
        assert found == sorted(set(found))  # in order, each pair once
        assert set(found) ^ set(plain) <= at_the_threshold
        assert len(plain) > count
