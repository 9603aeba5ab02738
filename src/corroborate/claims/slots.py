"""A slot of aligned claims, and whether its outlets agree."""

from __future__ import annotations

from collections import Counter

from ..model import Brief, FactSlot
from .context import Found
from .numbers import values_agree


def make_slot(brief: Brief, items: list[Found]) -> FactSlot:
    claims = tuple(sorted((i.claim for i in items), key=lambda c: (c.span.article_id, c.span.start)))
    groups = {brief.group_of(c.span.article_id) for c in claims}
    agreeing = all(values_agree(a, b) for a in claims for b in claims)
    if not agreeing and len({c.span.article_id for c in claims}) > 1:
        status = "conflicting"
    elif len(groups) >= 2:
        status = "corroborated"
    else:
        status = "single-source"
    subjects = Counter(c.subject for c in claims if c.subject)
    # The label most outlets use, preferring a readable one ("people injured"
    # over "people (injure)").
    attributes = Counter(c.attribute for c in claims)
    attribute = max(attributes, key=lambda a: ("(" not in a, attributes[a], -len(a)))
    subject = subjects.most_common(1)[0][0] if subjects else ""
    return FactSlot(
        subject=subject,
        attribute=attribute,
        status=status,
        claims=claims,
        independent_sources=len(groups),
    )


STATUS_ORDER = {"conflicting": 0, "corroborated": 1, "single-source": 2}
