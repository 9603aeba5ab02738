"""The tuning protocol (benchmarks/protocol.py): folds by group, choices made on the
training folds only, and the held-out figure beside the fitted-on-itself one."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import protocol  # noqa: E402

ITEMS = [(f"topic{t}", f"item{t}-{n}", f"day{t % 3}") for t in range(12) for n in range(t % 4 + 1)]


def test_folds_keep_each_group_whole_and_cover_every_item_once():
    folds = protocol.folds(ITEMS, lambda item: item[0], k=4)
    assert sorted(i for fold in folds for i in fold) == list(range(len(ITEMS)))
    fold_of_group = {}
    for number, fold in enumerate(folds):
        for i in fold:
            assert fold_of_group.setdefault(ITEMS[i][0], number) == number
    # Groups are dealt in turn: fold sizes in groups differ by at most one.
    groups_per_fold = [len({ITEMS[i][0] for i in fold}) for fold in folds]
    assert max(groups_per_fold) - min(groups_per_fold) <= 1
    # Each fold keeps input order (a stream stays a stream).
    assert all(fold == sorted(fold) for fold in folds)


def test_folds_do_not_depend_on_input_order():
    shuffled = ITEMS[:]
    random.Random(3).shuffle(shuffled)

    def groups(items):
        return sorted(sorted({items[i][0] for i in fold}) for fold in protocol.folds(items, lambda item: item[0], 4))

    assert groups(shuffled) == groups(ITEMS)


def test_strata_are_spread_over_the_folds_and_salts_deal_anew():
    folds = protocol.folds(ITEMS, lambda item: item[0], k=3, stratum=lambda item: item[2])
    for fold in folds:
        assert {ITEMS[i][2] for i in fold} == {"day0", "day1", "day2"}
    repeated = protocol.repeated_folds(ITEMS, lambda item: item[0], k=3, repeats=2)
    assert repeated[0] != repeated[1]
    with pytest.raises(ValueError, match="cannot make"):
        protocol.folds(ITEMS[:2], lambda item: item[0], k=3)


def test_the_setting_for_a_fold_is_chosen_on_the_other_folds_only():
    settings = ["overfit", "steady"]
    # "overfit" is best on fold 0 alone and on all folds pooled; "steady" wins on
    # folds 1 and 2. Fold 0's held-out score must come from "steady", chosen without it.
    table = [[0.99, 0.70, 0.71], [0.80, 0.78, 0.79]]
    cv = protocol.choose_from_table(settings, table, "system")
    assert cv.chosen[0] == "steady" and cv.held_out[0] == 0.80
    assert cv.chosen[1] == "overfit" and cv.held_out[1] == 0.70  # folds 0 and 2: 0.85 against 0.795
    assert cv.fitted_choice == "overfit" and cv.fitted == pytest.approx((0.99 + 0.70 + 0.71) / 3)
    assert cv.mean < cv.fitted  # tuning on everything flatters


def test_ties_go_to_the_first_listed_setting_and_scores_are_computed_once_per_pair():
    calls = []

    def score(setting, fold):
        calls.append((setting, fold))
        return 0.5

    cv = protocol.choose(["simplest", "other"], score, k=3)
    assert cv.chosen == ["simplest"] * 3
    assert sorted(calls) == sorted((s, f) for s in ("simplest", "other") for f in range(3))


def test_a_learned_model_is_fitted_on_training_folds_and_compared_with_the_baseline():
    fold_values = [1.0, 2.0, 3.0, 4.0]
    fitted_on = []

    def fit(training):
        fitted_on.append(tuple(training))
        return sum(fold_values[f] for f in training) / len(training)

    def score(model, fold):
        return -abs(model - fold_values[fold])  # a model that predicts the fold's value

    cv = protocol.cross_validate(4, fit, score, "mean model")
    assert fitted_on[:4] == [(1, 2, 3), (0, 2, 3), (0, 1, 3), (0, 1, 2)]
    baseline = protocol.fixed("zero", [-1.0, -2.0, -3.0, -4.0])
    better, margin, won = protocol.beats(cv, baseline)
    assert better and won == 3 and margin == pytest.approx(cv.mean - baseline.mean)
    table = protocol.report([baseline, cv], baseline)
    assert "| mean model |" in table and "(3/4)" in table
