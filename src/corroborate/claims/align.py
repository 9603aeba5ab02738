"""Claims about one real-world fact across articles, grouped into one slot."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..dates import WEEKDAYS
from ..independence import same_words
from ..nlp import return_freed_memory
from .context import Found
from .numbers import disagreements_of
from .similarity import Similarity

# Similarity above which two groups of claims are one slot (average over their
# pairs of claims) when all their values agree, and when some values differ:
# a wrongly joined pair of equal values costs little, a wrongly joined pair of
# different values invents a conflict. Chosen on the bundled example story,
# the Balenciaga articles and the unit-test story (tests/test_claims.py).
# Dates need more to conflict: most of a story's dates are about its main
# person or organisation, so their clauses look alike more often than those of
# two counts of one thing or two amounts.
SAME_SLOT_AGREEING = 0.42
SAME_SLOT_CONFLICTING = {"date": 0.55, "": 0.45}
# Reports of one news cycle: two articles published further apart than this report
# different moments of the story. Where only such reports give different values (8
# killed on the first day, 302 a fortnight later; "Friday" in two weeks) the story
# moved on, and no outlet contradicts another: they are two facts, never one
# conflicting slot. Values differ in one slot only where two reports of one cycle
# differ. A day either side, not the same date: the wires and the next morning's
# papers report one day's events on two dates (time zones, print editions).
NEWS_CYCLE_DAYS = 1
# Two amounts more than this many times apart are of two things (an order of magnitude).
MAGNITUDES_APART = 10
# How far from its article's date a day of our reckoning ("Tuesday", "yesterday") can
# lie: the week a weekday's name reaches.
RECKONING_REACH_DAYS = 7
# A connected part of at least this many claims has its half-dozen pair matrices
# (float32: 4 MB each here, 44 MB at the 3,300 dates of 300 long articles) made only
# after the heap's free pages are handed back (`nlp.return_freed_memory`).
_LARGE_PART = 1000


def align(found: Sequence[Found]) -> list[list[Found]]:
    """Group the claims of all articles into slots (see the package docstring).
    Dates come last: the slots of the values in their clauses help tell which
    event each one dates."""
    clusters: list[list[Found]] = []
    keyed: dict[tuple, list[Found]] = {}
    free: dict[str, list[Found]] = {}
    for item in found:
        if item.key is not None:
            keyed.setdefault((item.claim.kind, *item.key), []).append(item)
        else:
            free.setdefault(item.claim.kind, []).append(item)
    clusters.extend(keyed.values())
    for kind, items in free.items():
        if kind != "date":
            clusters.extend(cluster(items))
    if "date" in free:
        slot_of = {id(item): number for number, cluster in enumerate(clusters) for item in cluster}
        valued: dict[str, list[Found]] = {}
        for item in found:
            if item.claim.kind != "date" and item.anchor >= 0:
                valued.setdefault(item.claim.span.article_id, []).append(item)
        links = []
        for item in free["date"]:
            near = valued.get(item.claim.span.article_id, [])
            links.append(frozenset(slot_of[id(other)] for other in near
                                   if other.anchor in item.clause or item.anchor in other.clause))  # fmt: skip
        clusters.extend(cluster(free["date"], links))
    return clusters


def cluster(items: list[Found], links: Sequence[frozenset[int]] | None = None) -> list[list[Found]]:
    """Average-linkage agglomerative clustering under two rules: an article
    never holds two different values of one slot (two values in one article
    are two facts), and groups whose values differ join only above the
    stricter bar, after every join of agreeing groups (reports that agree
    gather first, so a conflict is judged between whole groups of reports).

    Two groups join only when their average similarity reaches
    SAME_SLOT_AGREEING, so only when some pair of their claims does: each
    connected part of the graph of such pairs is clustered on its own, with the
    same joins in the same order as one clustering of all (thousands of claims of
    one kind in a big story; a part is a few)."""
    n = len(items)
    if n < 2:
        return [items]
    similarity = Similarity(items, links)
    groups: list[list[int]] = []
    for part in _connected(n, similarity.linked_pairs(SAME_SLOT_AGREEING)):
        if len(part) == 1:
            groups.append(part)
            continue
        if len(part) >= _LARGE_PART:
            return_freed_memory()  # the earlier stages' freed heap, before the part's matrices
        local = _average_linkage([items[k] for k in part], similarity.square(part))
        groups.extend([part[k] for k in group] for group in local)
    groups.sort(key=min)  # the order one clustering of all items gives: by its first claim
    return [[items[k] for k in sorted(group)] for group in groups]


def _connected(n: int, pairs) -> list[list[int]]:
    """The connected parts of a graph of n nodes (each part's nodes in order)."""
    parent = list(range(n))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in pairs:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    parts: dict[int, list[int]] = {}
    for node in range(n):
        parts.setdefault(root(node), []).append(node)
    return list(parts.values())


def _average_linkage(items: list[Found], sim) -> list[list[int]]:
    """`cluster` on one connected part, given its similarity matrix (float32, changed in
    place: a part of thousands of dates makes it tens of megabytes): groups of
    indices into `items`. Sums over pairs are kept per pair of clusters, and a join
    recomputes the scores of the joined cluster only, so each join costs O(n)
    (besides finding the best pair)."""
    import numpy as np

    n = len(items)
    conflict_bar = SAME_SLOT_CONFLICTING.get(items[0].claim.kind, SAME_SLOT_CONFLICTING[""])
    codes: dict[str, int] = {}
    articles = np.array([codes.setdefault(item.claim.span.article_id, len(codes)) for item in items])
    # The sums start as the pair matrices themselves (no copies: a part of thousands
    # of dates makes each matrix tens of megabytes).
    cross_sum = (articles[:, None] != articles[None, :]).astype(np.float32)
    differ_sum = disagreements_of(items).astype(np.float32)
    # One article, two different values: only whether any pair of two clusters is such
    # a pair matters, so a bool matrix (a quarter of a float32 one), joined by `or`.
    forbidden = (differ_sum > 0) & (cross_sum == 0)
    # A value that rose and one that fell are two facts, whatever their values.
    forbidden |= _directions_apart(items)
    # Two clusters whose values differ join only if two of their reports of one news
    # cycle differ (`NEWS_CYCLE_DAYS`), of two outlets (`_one_outlet`); joined by `or` too.
    contemporary = (differ_sum > 0) & (cross_sum > 0) & ~_cycles_apart(items) & ~_one_outlet(items)
    # ...that do not give their values in the same words (`_worded_alike`), nor values
    # an order of magnitude apart (`_magnitudes_apart`), nor of different places
    # (`_places_apart`)...
    contemporary &= ~_worded_alike(items) & ~_magnitudes_apart(items) & ~_places_apart(items)
    # ...and, for dates where both days are of our reckoning ("Tuesday", "yesterday"
    # resolved against each article's date), whose sentences say the same thing. Such a
    # difference is as likely ours as the outlets' (an article dated Friday in New York
    # names Cairo's Saturday; "has called for protests after Friday prayers" means the
    # Friday to come), and in a story followed for weeks one person speaks and meets
    # people on many days: only the same report with two days is two outlets disagreeing.
    # A day named outright ("March 10", "1994") is the outlet's own.
    if items[0].claim.kind == "date":
        reckoned = np.array([item.reckoned for item in items])
        both = reckoned[:, None] & reckoned[None, :]
        # (Asked of linked pairs only: a pair whose sentences say the same thing is linked
        # anyway, and asking every pair of a big story's dates took a minute.)
        contemporary &= ~both | _said_alike(items, contemporary & both & (sim >= SAME_SLOT_AGREEING))
        # A day of our reckoning and a named day more than a week apart: "named today"
        # and "named in 1974" are two events, as weekday names reach a week at most.
        day = np.array([dt.date.fromisoformat(item.claim.value).toordinal() for item in items], dtype=np.int32)
        one = reckoned[:, None] != reckoned[None, :]
        contemporary &= ~(one & (np.abs(day[:, None] - day[None, :]) > RECKONING_REACH_DAYS))
    # Two groups join in conflict only if, of their pairs of different values whose
    # sentences both name times, no more name different times than a time in common
    # (`_times_apart`): else the groups are of two moments, however many of their
    # reports name none ("killed 11 workers" beside "killing 15 workers in 2005"), and
    # a sentence that names many times ("End Quote" run into the next lines) cannot
    # alone tie them.
    apart_sum, along_sum = _times_apart(items, differ_sum > 0)
    sim_sum = sim  # the caller's matrix is ours: multiplied in place (the same products), not copied
    sim_sum *= cross_sum
    differ_sim = sim_sum * differ_sum
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)

    def scores(rows):
        """The join score of clusters `rows` with every cluster (-inf: may not join)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            average = np.where(cross_sum[rows] > 0, sim_sum[rows] / np.maximum(cross_sum[rows], 1), -1.0)
            differ_average = np.where(differ_sum[rows] > 0, differ_sim[rows] / np.maximum(differ_sum[rows], 1), 0.0)
        agreeing = (differ_sum[rows] == 0) & (average >= SAME_SLOT_AGREEING)
        conflicting = (differ_sum[rows] > 0) & (average >= SAME_SLOT_AGREEING) & (differ_average >= conflict_bar)
        score = np.where(agreeing, average + 1.0, np.where(conflicting, differ_average, -np.inf))
        score[forbidden[rows] | ((differ_sum[rows] > 0) & ~contemporary[rows])] = -np.inf
        if apart_sum is not None:
            score[(differ_sum[rows] > 0) & (apart_sum[rows] > along_sum[rows])] = -np.inf
        score[:, ~alive] = -np.inf
        return score

    # A chunk of rows at a time (each row's scores are its own): the temporaries of
    # `scores` for every row at once were ten matrices of the part.
    first = scores(np.arange(min(n, 256)))
    score = np.empty((n, n), dtype=first.dtype)
    score[: len(first)] = first
    for start in range(len(first), n, 256):
        score[start : start + 256] = scores(np.arange(start, min(n, start + 256)))
    np.fill_diagonal(score, -np.inf)
    best = _RowBest(score)
    while True:
        x, y = best.first_max()
        if not np.isfinite(score[x, y]):
            break
        for matrix in (sim_sum, cross_sum, differ_sum, differ_sim) + ((apart_sum, along_sum) if apart_sum is not None else ()):
            matrix[x, :] += matrix[y, :]
            matrix[:, x] += matrix[:, y]
        for flags in (forbidden, contemporary):
            flags[x, :] |= flags[y, :]
            flags[:, x] |= flags[:, y]
        members[x] += members[y]
        members[y] = []
        alive[y] = False
        score[y, :] = -np.inf
        score[:, y] = -np.inf
        row = scores(np.array([x]))[0]
        row[x] = -np.inf
        score[x, :] = row
        score[:, x] = row
        best.joined(x, y, row)
    return [sorted(group) for group in members if group]


# Verbs of a change one way or the other. Clauses of a rise and a fall read alike to
# the encoder ("Shares in BP rose by over 4% this morning" / "BP's shares today fell
# 5%"), and a week of market reports made one slot of them, in conflict. The verbs news
# uses for a change of a value (lemmas), not a lexicon of all.
_UP = frozenset("rise gain increase climb jump surge soar grow advance rally rebound raise boost add".split())
_DOWN = frozenset("fall drop decline lose plunge slide slip sink tumble shrink decrease cut dip slump plummet "
                  "reduce lower crash collapse".split())  # fmt: skip
_LEMMA = re.compile(r"[a-z]+")


def _direction(item: Found) -> int:
    """+1 for a value of a rise, -1 of a fall, 0 when its words say neither (or both)."""
    words = set(_LEMMA.findall(f"{item.head} {item.event} {item.claim.attribute}".lower()))
    return bool(words & _UP) - bool(words & _DOWN)


def _directions_apart(items: list[Found]):
    """Pairs of claims, one of a rise and one of a fall."""
    import numpy as np

    direction = np.array([_direction(item) for item in items], dtype=np.int8)
    return (direction[:, None] * direction[None, :]) < 0


def _worded_alike(items: list[Found]):
    """Pairs of claims that give their value in the same words ("Sunday" and "Sunday"),
    or name the same day of the week ("Sunday afternoon" and "Sunday"). Such values
    differ only as each article's date resolves them (an article dated Saturday in New
    York names Cairo's Sunday, the day after; our resolution takes the Sunday before),
    so they never show two outlets disagreeing: where nothing else differs, they stay
    two facts."""
    import numpy as np

    codes: dict[str, int] = {}
    words = np.array([codes.setdefault(_value_words(item.claim.display), len(codes)) for item in items])
    return words[:, None] == words[None, :]


def _value_words(display: str) -> str:
    """What a value's words name: the day of the week they name, if any, else the words
    ("January 25th" and "January 25" alike)."""
    words = _ORDINAL.sub(r"\1", same_words(display))
    return next((word for word in words.split() if word in WEEKDAYS), words)


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


def _times_apart(items: list[Found], differ):
    """Pairs of different values (`differ`, a bool matrix) whose sentences both name
    times, as two count matrices (int32, to be summed over groups): the pairs that
    name none in common, and those that name one (None, None when there is no such
    pair). A value that changes is reported for the moment it had it ("BP's shares
    fell 13% on Tuesday" / "fell 3.5% on Wednesday"; "the Texas City blast in 2005
    killed 15 workers" / "the rig exploded on 20 April, killing 11 workers"): values
    of two moments are the story moving on or two events, not outlets disagreeing.
    Times overlap by their periods: "April" holds "20 April". (A sentence that names
    no time may be of any.)"""
    import numpy as np

    owner = [k for k, item in enumerate(items) for _ in item.times]
    if not owner:
        return None, None
    timed = np.zeros(len(items), dtype=bool)
    timed[owner] = True
    shared = np.zeros((len(items), len(items)), dtype=bool)
    periods = np.array([period for item in items for period in sorted(item.times)], dtype=np.int64)
    owner = np.array(owner)
    for k, item in enumerate(items):
        for first, last in item.times:
            shared[k, owner[(periods[:, 0] <= last) & (periods[:, 1] >= first)]] = True
    both = timed[:, None] & timed[None, :] & differ
    if not both.any():
        return None, None
    return (both & ~shared).astype(np.int32), (both & shared).astype(np.int32)


def _places_apart(items: list[Found]):
    """Pairs of claims whose clauses both name places, and none in common: "31 people
    were killed in Alexandria" and "twelve people were killed ... in Beni Suef" are
    two tolls, not one reported twice. (A clause that names no place may be of any.)"""
    import numpy as np
    from scipy.sparse import csr_matrix

    codes: dict[str, int] = {}
    rows = [k for k, item in enumerate(items) for _ in item.places]
    columns = [codes.setdefault(place, len(codes)) for item in items for place in sorted(item.places)]
    placed = np.array([bool(item.places) for item in items])
    if not codes:
        return np.zeros((len(items), len(items)), dtype=bool)
    named = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(len(items), len(codes)))
    return placed[:, None] & placed[None, :] & ~(named @ named.T).astype(bool).toarray()


def _magnitudes_apart(items: list[Found]):
    """Pairs of claims whose amounts lie more than `MAGNITUDES_APART` times apart ("$5,000 a
    year" and "$1.5 billion a year", "10,000 people" and "82 million people"). Two reports
    of one quantity differ by a miscount or an update, not by an order of magnitude: such
    values are of two things however alike their clauses read. Dates are another matter
    (`RECKONING_REACH_DAYS`)."""
    import numpy as np

    amount = np.array([_amount(item) for item in items], dtype=np.float64)
    if not np.isfinite(amount).any():  # dates: no amounts (and a big story has thousands)
        return np.zeros((len(items), len(items)), dtype=bool)
    # Orders of magnitude by logarithms: one float32 matrix, not two float64 ones. A zero
    # has none ("0" against "3" is a count to compare, never apart).
    scale = np.log10(np.where(amount > 0, amount, np.nan)).astype(np.float32)
    with np.errstate(invalid="ignore"):
        return np.abs(scale[:, None] - scale[None, :]) > np.float32(np.log10(MAGNITUDES_APART))


def _amount(item: Found) -> float:
    """A claim's amount (its value's leading number), or NaN for a date or no number."""
    if item.claim.kind == "date":
        return float("nan")
    try:
        return abs(float(item.claim.value.split()[0].lstrip("~P")))
    except (ValueError, IndexError):
        return float("nan")


def _said_alike(items: list[Found], candidates):
    """Which `candidates` pairs (a bool matrix) of claims sit in sentences that say the
    same thing, by the project's one definition of that (`relations.sentence_similarity`
    at `relations.PARAPHRASE_SIMILARITY`, chosen on MSRP train; the summary's repeats and
    the relations' rewrites use it too).

    Asked of two days of our reckoning (see `_average_linkage`): in a story followed for
    weeks a person makes statements and meets people on many days, and "date of
    statement" alone names no single event; the same report printed with two days
    ("withdrew the ferry from service on Tuesday / on Wednesday after inspectors found
    corrosion") does. (A pair of sentences printed alike never conflicts anyway:
    `numbers.disagreements_of`.)"""
    import numpy as np

    from ..relations import PARAPHRASE_SIMILARITY, Lexicon

    out = np.zeros_like(candidates)
    rows, columns = np.nonzero(np.triu(candidates, k=1))
    if not len(rows):
        return out
    vectors = np.stack([item.vectors[1] for item in items])
    cosines = np.einsum("ij,ij->i", vectors[rows], vectors[columns])
    # No token-set ratio (at most 1) lifts a pair under this cosine to the bar.
    near = cosines >= 2 * PARAPHRASE_SIMILARITY - 1
    rows, columns, cosines = rows[near], columns[near], cosines[near]
    if not len(rows):
        return out
    # The lexicon of the asked pairs' sentences only (at thousands of texts it compiles
    # their statistics: `relations.Lexicon`).
    codes: dict[str, int] = {}
    left = np.array([codes.setdefault(items[k].sentence, len(codes)) for k in rows.tolist()])
    right = np.array([codes.setdefault(items[k].sentence, len(codes)) for k in columns.tolist()])
    said = Lexicon(list(codes)).paraphrase_scores(left, right, cosines) >= PARAPHRASE_SIMILARITY
    out[rows[said], columns[said]] = True
    out[columns[said], rows[said]] = True
    return out


def _one_outlet(items: list[Found]):
    """Pairs of claims of one known outlet. A conflict is two outlets disagreeing: one
    outlet's own reports that give two values are its revision (a toll updated through
    the day of a live blog) or two facts (its reports of two events), and stay two facts,
    as reports of two news cycles do. In a story of one outlet's articles (Timeline17:
    CNN's coverage of Egypt's uprising), 43 of 44 conflicts were such pairs, most of them
    tolls and dates of different events. An article whose outlet is unknown may be of any."""
    import numpy as np

    codes: dict[str, int] = {}
    outlet = np.array([codes.setdefault(item.outlet, len(codes)) if item.outlet else -1 - k for k, item in enumerate(items)])
    return outlet[:, None] == outlet[None, :]


def _cycles_apart(items: list[Found]):
    """Pairs of claims whose articles were published more than `NEWS_CYCLE_DAYS` apart
    (an undated article is near every other: nothing says when it reports)."""
    import numpy as np

    day = np.array([item.published.toordinal() if item.published else 0 for item in items], dtype=np.int32)
    dated = day > 0
    return dated[:, None] & dated[None, :] & (np.abs(day[:, None] - day[None, :]) > NEWS_CYCLE_DAYS)


class _RowBest:
    """Where the largest entry of a square matrix is, as `np.argmax` of the whole matrix
    finds it (the first in row-major order), kept per row as the matrix changes.

    The first largest entry of the matrix is in the first row whose largest entry is
    largest, at that row's first largest column: so it is found among the rows' maxima
    (n entries) instead of the whole matrix (n * n at each join: thousands of dates in
    one part made the joins cost the cube of the part). np.argmax takes NaN for the
    largest value, and so does this (a row holding NaN has NaN for its maximum)."""

    def __init__(self, score) -> None:
        import numpy as np

        self.score = score
        self.column = np.argmax(score, axis=1)
        self.value = score[np.arange(len(score)), self.column]

    def first_max(self) -> tuple[int, int]:
        import numpy as np

        x = int(np.argmax(self.value))
        return x, int(self.column[x])

    def joined(self, x: int, y: int, row) -> None:
        """After a join: row and column y were emptied (-inf), row and column x set to `row`."""
        import numpy as np

        if np.isnan(row).any() or np.isnan(self.value).any():
            self.__init__(self.score)  # comparisons below do not order NaN as argmax does
            return
        # Rows whose first largest entry was at x or y: worked out again. The others
        # changed only at column x (a largest entry at y would be at their column)...
        redo = (self.column == x) | (self.column == y)
        redo[[x, y]] = True
        # ... where the new entry wins if larger, or equal and in an earlier column.
        wins = ~redo & ((row > self.value) | ((row == self.value) & (x < self.column)))
        self.column[wins] = x
        self.value[wins] = row[wins]
        rows = np.flatnonzero(redo)
        if len(rows):
            self.column[rows] = np.argmax(self.score[rows], axis=1)
            self.value[rows] = self.score[rows, self.column[rows]]
