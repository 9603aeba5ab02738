"""The tuning protocol (CONTRIBUTING.md, "Tuning: figures that hold on data never seen").

Every benchmark that chooses a threshold, a weight or a rule does it here, the same way:

1. the development data is split into `k` folds by *group* (ECB+ by topic, Multi-News by
   cluster, UCI by story, dealt across days; the HTML pages by page), so that no group has
   items on both sides of a split (`folds`);
2. for each fold in turn, the setting is chosen on the other folds (`choose`, or any
   `fit` that learns from them: a fitted model is a setting too) and scored on the fold
   left out;
3. the figure reported is the mean and spread of the held-out folds' scores
   (`CrossValidated`), printed beside the figure of the setting fitted on all the data at
   once (what BENCHMARKS.md used to report, and what it no longer trusts);
4. a new signal or rule is kept only if it beats the simple baseline, run the same way,
   on the held-out folds (`beats`: the mean of the per-fold differences, and on how many
   folds it wins).

Folds are made from the groups' content keys (a hash of the group id), never from input
order, so that the same data always gives the same folds. Nothing here reads any file:
the caller gives the items and says how to score them.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

# Five folds: every held-out fold of ECB+ dev holds 6-7 topics (13-14 stories), about
# the size of the maintainers' held-out set (10 topics, 20 stories); 40 Multi-News clusters.
DEFAULT_FOLDS = 5


def _key(group: Hashable, salt: str = "") -> str:
    return hashlib.sha1(f"{salt}\x00{group!r}".encode()).hexdigest()


def folds(
    items: Sequence[T],
    group: Callable[[T], Hashable],
    k: int = DEFAULT_FOLDS,
    stratum: Callable[[T], Hashable] | None = None,
    salt: str = "",
) -> list[list[int]]:
    """Indices of `items` in `k` folds. All items of one group fall in one fold; groups
    are dealt to the folds in order of a hash of their id (within each `stratum`, e.g.
    UCI's day, so that every fold has stories of every day). Each fold keeps the items'
    input order (a stream stays a stream). Another `salt` deals the groups anew (for
    repeated cross-validation)."""
    groups: dict[Hashable, list[int]] = {}
    strata: dict[Hashable, Hashable] = {}
    for index, item in enumerate(items):
        key = group(item)
        groups.setdefault(key, []).append(index)
        if stratum is not None:
            strata.setdefault(key, stratum(item))
    if len(groups) < k:
        raise ValueError(f"{len(groups)} groups cannot make {k} folds")
    ordered = sorted(groups, key=lambda g: (repr(strata.get(g)), _key(g, salt)))
    assignment = {g: position % k for position, g in enumerate(ordered)}
    out: list[list[int]] = [[] for _ in range(k)]
    for index, item in enumerate(items):
        out[assignment[group(item)]].append(index)
    return out


def repeated_folds(
    items: Sequence[T],
    group: Callable[[T], Hashable],
    k: int = DEFAULT_FOLDS,
    repeats: int = 1,
    stratum: Callable[[T], Hashable] | None = None,
) -> list[list[list[int]]]:
    """`repeats` different partitions into `k` folds (salts "", "1", "2", ...): with
    few groups (33 ECB+ topics) one partition's held-out mean is noisy, and averaging
    over several partitions steadies it."""
    return [folds(items, group, k, stratum, salt="" if r == 0 else str(r)) for r in range(repeats)]


@dataclass
class CrossValidated:
    """Held-out scores of one system, one per fold, and what was chosen for each fold."""

    name: str
    held_out: list[float]
    chosen: list[Any] = field(default_factory=list)
    fitted: float | None = None  # the best setting's score fitted on all the data (not trusted)
    fitted_choice: Any = None

    @property
    def mean(self) -> float:
        return statistics.fmean(self.held_out)

    @property
    def spread(self) -> float:
        """Standard deviation of the held-out folds' scores."""
        return statistics.stdev(self.held_out) if len(self.held_out) > 1 else 0.0

    def describe(self, scale: float = 1.0, digits: int = 3) -> str:
        folds_text = " ".join(f"{scale * s:.{digits}f}" for s in self.held_out)
        fitted = f"{scale * self.fitted:.{digits}f}" if self.fitted is not None else "-"
        return (
            f"{self.name}: cross-validated {scale * self.mean:.{digits}f} ± {scale * self.spread:.{digits}f}"
            f" (folds {folds_text}); fitted on itself {fitted}"
        )


def choose(
    settings: Sequence[Any],
    score: Callable[[Any, int], float],
    k: int,
    name: str = "",
) -> CrossValidated:
    """Grid choice under cross-validation. `score(setting, fold)` is the figure of a
    setting on one fold (computed once per pair). For each fold the setting with the
    best mean over the *other* folds is chosen (the first in `settings` on a tie, so
    list the simplest first) and its score on the left-out fold is the held-out figure.
    `fitted` is the best mean over all folds: the figure of tuning on everything."""
    table = [[score(setting, fold) for fold in range(k)] for setting in settings]
    return choose_from_table(settings, table, name)


def choose_from_table(settings: Sequence[Any], table: Sequence[Sequence[float]], name: str = "") -> CrossValidated:
    """`choose` from a table already filled: `table[s][f]` = score of setting s on fold f."""
    k = len(table[0])
    held_out, chosen = [], []
    for fold in range(k):
        train = [f for f in range(k) if f != fold]
        best = max(range(len(settings)), key=lambda s: (statistics.fmean(table[s][f] for f in train), -s))
        held_out.append(table[best][fold])
        chosen.append(settings[best])
    overall = max(range(len(settings)), key=lambda s: (statistics.fmean(table[s]), -s))
    return CrossValidated(name, held_out, chosen, statistics.fmean(table[overall]), settings[overall])


def choose_repeated(settings: Sequence[Any], tables: Sequence[Sequence[Sequence[float]]], name: str = "") -> CrossValidated:
    """`choose_from_table` on each partition of a repeated cross-validation
    (`tables[r][s][f]`), the held-out folds of all partitions together."""
    parts = [choose_from_table(settings, table, name) for table in tables]
    merged = CrossValidated(name, [s for p in parts for s in p.held_out], [c for p in parts for c in p.chosen])
    overall = max(range(len(settings)), key=lambda s: (statistics.fmean(v for t in tables for v in t[s]), -s))
    merged.fitted = statistics.fmean(v for t in tables for v in t[overall])
    merged.fitted_choice = settings[overall]
    return merged


def cross_validate(
    k: int,
    fit: Callable[[list[int]], Any],
    score: Callable[[Any, int], float],
    name: str = "",
) -> CrossValidated:
    """General form: `fit(training_folds)` returns a model or setting learned from those
    folds only; `score(model, fold)` its figure on the fold left out. Also fits on all
    folds and scores every fold with that, the fitted-on-itself figure."""
    held_out, chosen = [], []
    for fold in range(k):
        model = fit([f for f in range(k) if f != fold])
        held_out.append(score(model, fold))
        chosen.append(model)
    everything = fit(list(range(k)))
    fitted = statistics.fmean(score(everything, fold) for fold in range(k))
    return CrossValidated(name, held_out, chosen, fitted, everything)


def fixed(name: str, scores: Sequence[float]) -> CrossValidated:
    """A system with nothing chosen on the data (its held-out figure is its score)."""
    return CrossValidated(name, list(scores), fitted=statistics.fmean(scores))


def beats(new: CrossValidated, baseline: CrossValidated, margin: float = 0.0) -> tuple[bool, float, int]:
    """Whether `new` beats `baseline` on the held-out folds by more than `margin` (mean
    of the per-fold differences), that mean, and on how many folds it is ahead."""
    differences = [a - b for a, b in zip(new.held_out, baseline.held_out)]
    mean = statistics.fmean(differences)
    return mean > margin, mean, sum(d > 0 for d in differences)


def report(systems: Sequence[CrossValidated], baseline: CrossValidated | None = None, scale: float = 1.0,
           digits: int = 3) -> str:
    """A Markdown table: per system the cross-validated mean ± spread, each fold, the
    fitted-on-itself figure, and the margin over `baseline` (per-fold mean, folds won)."""
    k = len(systems[0].held_out)
    header = "| system | cross-validated (held-out folds) | " + " | ".join(f"fold {f}" for f in range(k))
    header += " | fitted on itself | over baseline (folds won) |"
    lines = [header, "|" + "---|" * (k + 4)]
    for system in systems:
        cells = [f"{scale * system.mean:.{digits}f} ± {scale * system.spread:.{digits}f}"]
        cells += [f"{scale * s:.{digits}f}" for s in system.held_out]
        cells.append(f"{scale * system.fitted:.{digits}f}" if system.fitted is not None else "-")
        if baseline is not None and system is not baseline:
            _, difference, won = beats(system, baseline)
            cells.append(f"{scale * difference:+.{digits}f} ({won}/{k})")
        else:
            cells.append("")
        lines.append(f"| {system.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
