"""When wordings of one statement tie: decided by evidence, or shown as a dispute.

The canonical wording of a statement is the one the most independent sources
print. When two wordings that differ have the same independent support (an
original and a copy that changed a word are one source; two outlets alone in
quoting a statement differently are one source each), the first article read
must not win: that would make the verdict depend on the order of the files.
Evidence decides instead, each rule named in the brief, in this order:

1. dates: the wording printed first, when every printer has a date and the
   earliest dates differ;
2. relations: the wording of the article the relations stage found the others'
   printers copy (only relations whose direction has evidence);
3. habit: the other wordings' printers all alter other quotes of the story that
   independent outlets agree on, and this one's printers alter none;
4. reprints: more articles print this wording (a reprint is weak evidence, but
   evidence).

With none of these the statement is disputed: every wording shown, no outlet
blamed (`align` gives the occurrences the verdict `disputed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Brief, Relation
from ..relations import COPY_KINDS


@dataclass(frozen=True)
class StoryEvidence:
    """What the story says about its articles that can decide between wordings."""

    published: Mapping[str, dt.date | None] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    # (source, derived) -> the copy relation, for relations whose direction has evidence.
    copies: Mapping[tuple[str, str], Relation] = field(default_factory=dict)

    @classmethod
    def of(cls, brief: Brief) -> StoryEvidence:
        return cls(
            published={a.id: a.published for a in brief.articles},
            labels={a.id: a.label for a in brief.articles},
            copies={
                (r.source, r.derived): r
                for r in brief.relations
                if r.kind in COPY_KINDS and r.direction_confidence > 0
            },
        )

    def label(self, article_id: str) -> str:
        return self.labels.get(article_id, article_id)


@dataclass(frozen=True)
class Rival:
    """One wording in a tie: the articles that print it and not every other wording."""

    printers: frozenset[str]


Decision = tuple[int, str]  # (index of the winning rival, the evidence in words)
Rule = Callable[[Sequence[Rival], StoryEvidence, Mapping[str, int]], Decision | None]


def _by_date(rivals: Sequence[Rival], story: StoryEvidence, habit: Mapping[str, int]) -> Decision | None:
    if any(story.published.get(a) is None for rival in rivals for a in rival.printers):
        return None  # an undated printer may have been first
    firsts = [min((story.published[a], a) for a in rival.printers) for rival in rivals]
    ranked = sorted(range(len(rivals)), key=lambda i: firsts[i])
    first, second = firsts[ranked[0]], firsts[ranked[1]]
    if first[0] == second[0]:
        return None
    return ranked[0], (
        f"printed first: {story.label(first[1])} on {first[0].isoformat()}, "
        f"before {story.label(second[1])} on {second[0].isoformat()}"
    )


def _copy(story: StoryEvidence, source: Rival, derived: Rival) -> Relation | None:
    found = [story.copies[(s, d)] for s in sorted(source.printers) for d in sorted(derived.printers) if (s, d) in story.copies]
    return found[0] if found else None


def _by_relation(rivals: Sequence[Rival], story: StoryEvidence, habit: Mapping[str, int]) -> Decision | None:
    for index, rival in enumerate(rivals):
        others = [other for other in rivals if other is not rival]
        copied = [_copy(story, rival, other) for other in others]
        if all(copied) and not any(_copy(story, other, rival) for other in others):
            relation = copied[0]
            return index, (
                f"{story.label(relation.derived)} copies {story.label(relation.source)} "
                f"({relation.kind}, direction confidence {relation.direction_confidence:.2f})"
            )
    return None


def _by_habit(rivals: Sequence[Rival], story: StoryEvidence, habit: Mapping[str, int]) -> Decision | None:
    clean = [i for i, rival in enumerate(rivals) if not any(habit.get(a, 0) for a in rival.printers)]
    if len(clean) != 1:
        return None
    others = [a for i, rival in enumerate(rivals) if i != clean[0] for a in rival.printers]
    if not all(habit.get(a, 0) for a in others):
        return None
    worst = max(sorted(others), key=lambda a: habit[a])
    count = habit[worst]
    return clean[0], (
        f"{story.label(worst)} alters {count} other quote{'s' if count != 1 else ''} "
        f"that independent outlets agree on"
    )


def _by_reprints(rivals: Sequence[Rival], story: StoryEvidence, habit: Mapping[str, int]) -> Decision | None:
    sizes = sorted(((len(rival.printers), i) for i, rival in enumerate(rivals)), reverse=True)
    (most, winner), (runner_up, _) = sizes[0], sizes[1]
    if most == runner_up:
        return None
    names = ", ".join(story.label(a) for a in sorted(rivals[winner].printers))
    return winner, f"printed by {most} articles ({names}) against {runner_up}: reprints are weak evidence, but evidence"


RULES: tuple[Rule, ...] = (_by_date, _by_relation, _by_habit, _by_reprints)


def decide(rivals: Sequence[Rival], story: StoryEvidence, habit: Mapping[str, int]) -> Decision | None:
    """The winning rival and why, or None: no evidence, the statement is disputed."""
    if len(rivals) < 2 or not all(rival.printers for rival in rivals):
        return None
    for rule in RULES:
        decision = rule(rivals, story, habit)
        if decision is not None:
            index, reason = decision
            return index, f"{len(rivals)} wordings had equal independent support; {reason}"
    return None
