"""Claims about one real-world fact across articles, grouped into one slot."""

from __future__ import annotations

from collections.abc import Sequence

from .context import Found
from .numbers import values_agree
from .similarity import similarities

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
    Sums over pairs are kept per pair of clusters, so each join costs O(n)."""
    import numpy as np

    n = len(items)
    if n < 2:
        return [items]
    sim = similarities(items, links)
    conflict_bar = SAME_SLOT_CONFLICTING.get(items[0].claim.kind, SAME_SLOT_CONFLICTING[""])
    articles = [item.claim.span.article_id for item in items]
    cross = np.array([[a != b for b in articles] for a in articles], dtype=np.float32)
    differ = np.array([[not values_agree(x.claim, y.claim) for y in items] for x in items], dtype=np.float32)
    forbidden = differ * (1.0 - cross)  # one article, two different values
    sim_sum, cross_sum, differ_sum, forbidden_sum = sim * cross, cross.copy(), differ.copy(), forbidden.copy()
    differ_sim = sim * cross * differ
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while True:
        with np.errstate(invalid="ignore", divide="ignore"):
            average = np.where(cross_sum > 0, sim_sum / np.maximum(cross_sum, 1), -1.0)
            differ_average = np.where(differ_sum > 0, differ_sim / np.maximum(differ_sum, 1), 0.0)
        agreeing = (differ_sum == 0) & (average >= SAME_SLOT_AGREEING)
        conflicting = (differ_sum > 0) & (average >= SAME_SLOT_AGREEING) & (differ_average >= conflict_bar)
        score = np.where(agreeing, average + 1.0, np.where(conflicting, differ_average, -np.inf))
        score[forbidden_sum > 0] = -np.inf
        score[~alive, :] = -np.inf
        score[:, ~alive] = -np.inf
        np.fill_diagonal(score, -np.inf)
        x, y = np.unravel_index(int(np.argmax(score)), score.shape)
        if not np.isfinite(score[x, y]):
            break
        for matrix in (sim_sum, cross_sum, differ_sum, forbidden_sum, differ_sim):
            matrix[x, :] += matrix[y, :]
            matrix[:, x] += matrix[:, y]
        members[x] += members[y]
        members[y] = []
        alive[y] = False
    return [[items[k] for k in sorted(group)] for group in members if group]
