"""A slot of aligned claims, and whether its outlets agree."""

from __future__ import annotations

from collections import Counter

from ..independence import claim_source_count
from ..model import Brief, FactSlot
from .context import Found
from .numbers import disagreements_of


def make_slot(brief: Brief, items: list[Found]) -> FactSlot:
    claims = tuple(sorted((i.claim for i in items), key=lambda c: (c.span.article_id, c.span.start)))
    # An outlet's sentence printed again in another of its articles is one report
    # (`independence`): "the five most popular stories in the last 24 hours" of a
    # sidebar is no fact eight sources confirm.
    sources = claim_source_count(brief, [item.claim for item in items])
    if _independent_disagreement(brief, items):
        status = "conflicting"
    elif sources >= 2:
        status = "corroborated"
    else:
        status = "single-source"
    subjects = Counter(c.subject for c in claims if c.subject)
    # The label most outlets use, preferring a readable one ("people injured"
    # over "people (injure)").
    attributes = Counter(c.attribute for c in claims)
    attribute = max(attributes, key=lambda a: ("(" not in a, attributes[a], -len(a)))
    # The subject named by at least half of the reports that name one ("the bridge" names
    # none): a toll whose reports name three different people, one each, is about none
    # of them. (Two subjects named equally often: the first by the claims' order, which is
    # by article id, a content key.)
    subject = next((name for name, count in subjects.most_common(1) if 2 * count >= subjects.total()), "")
    return FactSlot(
        subject=subject,
        attribute=attribute,
        status=status,
        claims=claims,
        independent_sources=sources,
    )


def _independent_disagreement(brief: Brief, items: list[Found]) -> bool:
    """Whether two independent sources give values that cannot both be true. Copies
    and rewrites of one original are one source: where only they differ, no two
    outlets' reports conflict (and a claim printed alike twice agrees with itself,
    `numbers.disagreements_of`)."""
    if len(items) < 2:
        return False
    import numpy as np

    group = np.array([brief.group_of(item.claim.span.article_id) for item in items])
    return bool((disagreements_of(items) & (group[:, None] != group[None, :])).any())


STATUS_ORDER = {"conflicting": 0, "corroborated": 1, "single-source": 2}
