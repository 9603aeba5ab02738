"""Learned concept weights for the summary, under the tuning protocol (CONTRIBUTING.md).

Hong & Nenkova (2014): a logistic regression predicts whether a story's bigram appears
in the human summary, from features of the story alone (`concept_importance.py`);
its probabilities then weigh the concepts of the summary's integer program, instead of
(`replace`) or times (`combine`) the hand-made weights.

Protocol: the clusters in 5 folds by cluster id (`protocol.folds`, as
summary_harness.py --protocol deals them); for each fold the model is fitted on the
other four folds' clusters only (their concepts labelled by their reference summaries)
and the fold's clusters are summarised with it. In the same run: ours as shipped, the
ICSISumm-style concept ILP, TF-IDF centroid, lead and round-robin lead, scored as
summary_harness.py scores them (ROUGE-2 F; recall of the first 100 words with --duc),
and the model fitted on all clusters (fitted on itself, not trusted).

    .venv/bin/python benchmarks/learned_concepts.py ../shared/data/multinews_dev200.jsonl.gz --duc --jobs 2 --cache /tmp/sum14b-emb.pkl
    .venv/bin/python benchmarks/learned_concepts.py ../shared/data/multinews_dev200.jsonl.gz --words 100 --jobs 2 --cache /tmp/sum14b-emb.pkl
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import time

import protocol
import summary_harness as harness

from concept_importance import FEATURES, features, learned_weights, probabilities, story_concepts

from corroborate.summarize import tokens

VARIANTS = ("replace", "combine")
BASELINES = ("concept ILP with df weights (ICSISumm-style)", "TF-IDF centroid", "round-robin lead", "lead")

# Filled before the second pool forks (its workers inherit them).
_BRIEFS: list = []
_RECORDS: list = []
_MODELS: dict = {}  # (fold or "all") -> model
_FOLD_OF: dict[int, int] = {}


def _reference_bigrams(references: list[str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for reference in references:
        words = tokens(reference)
        out.update(zip(words, words[1:]))
    return out


def concept_rows(job):
    """One cluster: its brief, and its concepts' feature rows and labels."""
    from corroborate import nlp

    record, words, duc = job
    known = set(nlp._EMBEDDINGS)
    brief = harness.cluster_brief(record, None, duc)
    rows, labels = [], []
    if brief.sentences:
        candidates, weights = story_concepts(brief, words)
        keys, rows = features(candidates, weights)
        wanted = _reference_bigrams([r for r in record["references"] if r and r.strip()])
        labels = [int(k in wanted) for k in keys]
    return brief, rows, labels, {t: v for t, v in nlp._EMBEDDINGS.items() if t not in known}


def fit(rows: list[list[float]], labels: list[int]):
    """Logistic regression on standardised features, returned as coefficients of the
    raw features (a dot product at run time, no scikit-learn)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.asarray(rows, dtype=float)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    regression = LogisticRegression(C=1.0, max_iter=2000).fit((x - scaler.mean_) / scale, labels)
    w = regression.coef_[0] / scale
    b = float(regression.intercept_[0] - (regression.coef_[0] * scaler.mean_ / scale).sum())
    return tuple(zip(FEATURES, map(float, w))) + (("intercept", b),)


def clusters_with_concepts(args, words: int):
    """The clusters of `args.data` (at most `args.limit`), each one's `concept_rows`
    (built on `args.jobs` forked processes, the sentence embeddings kept in `args.cache`
    between runs) and the 5 folds by cluster of the tuning protocol."""
    import multiprocessing

    from corroborate import nlp

    records = list(harness.read_clusters(args.data, args.limit))
    harness._load_embeddings(args.cache)
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        built = pool.map(concept_rows, [(r, words, args.duc) for r in records], chunksize=1)
    for _, _, _, embeddings in built:
        nlp._EMBEDDINGS.update(embeddings)
    harness._save_embeddings(args.cache)
    return records, built, protocol.folds(records, lambda record: str(record.get("cluster_id")), 5)


def fitted_per_fold(built, folds, with_all: bool = False) -> tuple[dict, dict]:
    """Each cluster's fold, and per fold the model fitted on the other folds' concepts
    (with `with_all`, also "all": fitted on every cluster, the fitted-on-itself figure)."""
    fold_of = {i: f for f, fold in enumerate(folds) for i in fold}
    models = {}
    for f in [*range(len(folds)), *(["all"] if with_all else [])]:
        train = [i for i in range(len(built)) if f == "all" or fold_of[i] != f]
        models[f] = fit([row for i in train for row in built[i][1]], [y for i in train for y in built[i][2]])
    return fold_of, models


def ranking_quality(built, folds) -> str:
    """How well each weighting ranks a held-out fold's concepts by whether the reference
    has them (ROC AUC, pooled over the fold's clusters): the hand-made weight against
    the probability of the model fitted on the other folds."""
    from sklearn.metrics import roc_auc_score

    hand, learned = [], []
    for f, fold in enumerate(folds):
        rows = [row for i in fold for row in built[i][1]]
        labels = [y for i in fold for y in built[i][2]]
        hand.append(roc_auc_score(labels, [row[0] for row in rows]))
        learned.append(roc_auc_score(labels, probabilities(rows, _MODELS[f])))
    return ("held-out ROC AUC of concepts in the reference, per fold: hand-made weight "
            + " ".join(f"{v:.3f}" for v in hand) + f" (mean {statistics.fmean(hand):.3f}); learned "
            + " ".join(f"{v:.3f}" for v in learned) + f" (mean {statistics.fmean(learned):.3f})")  # fmt: skip


def concentration(built, model) -> str:
    """How steep each weighting is within a story: the share of the story's weight
    held by its top tenth of concepts (median over stories), and the learned
    probability of the median and the 90th-percentile concept (range over stories)."""
    import numpy as np

    hand_top, learned_top, medians, nineties = [], [], [], []
    for _, rows, _, _ in built:
        if len(rows) < 10:
            continue
        p = np.sort(probabilities(rows, model))[::-1]
        hand = np.sort(np.exp([row[0] for row in rows]))[::-1]
        top = len(rows) // 10
        learned_top.append(p[:top].sum() / p.sum())
        hand_top.append(hand[:top].sum() / hand.sum())
        medians.append(float(np.median(p)))
        nineties.append(float(np.quantile(p, 0.9)))
    return (f"top tenth of a story's concepts holds (median over {len(medians)} stories) {100 * np.median(learned_top):.0f} % "
            f"of its learned weight, {100 * np.median(hand_top):.0f} % of its hand-made weight; learned probability of "
            f"the median concept {min(medians):.3f}-{max(medians):.3f}, of the 90th percentile {min(nineties):.3f}-{max(nineties):.3f}")  # fmt: skip


def _learned(brief, words, model, variant):
    with learned_weights(model, variant):
        return harness.ours(brief, words)


def summarise(job):
    index, words = job
    brief, record = _BRIEFS[index], _RECORDS[index]
    references = [r for r in record["references"] if r and r.strip()]
    runs = {"corroborate (shipped)": lambda b, w: harness.ours(b, w)}
    for variant in VARIANTS:
        for which in (_FOLD_OF[index], "all"):
            label = f"learned, {variant}" + (" [fitted on all]" if which == "all" else "")
            runs[label] = lambda b, w, model=_MODELS[which], variant=variant: _learned(b, w, model, variant)
    for name in BASELINES:
        runs[name] = harness.SYSTEM_FUNCTIONS[name]
    scores, seconds, _ = harness.score_runs(runs, brief, words, references)
    return scores, seconds


def main(argv: list[str] | None = None) -> int:
    parser = harness.experiment_parser(__doc__.split("\n\n")[0], words=100)
    args = parser.parse_args(argv)
    words = harness.experiment_budget(args)
    if words is None:
        return 2
    started = time.perf_counter()
    records, built, folds = clusters_with_concepts(args, words)
    _BRIEFS[:] = [b for b, _, _, _ in built]
    _RECORDS[:] = records
    fold_of, models = fitted_per_fold(built, folds, with_all=True)
    _FOLD_OF.update(fold_of)
    _MODELS.update(models)
    positives = sum(sum(b[2]) for b in built)
    total = sum(len(b[2]) for b in built)
    print(f"{len(records)} clusters, {total} bigram concepts, {positives} in the reference ({100 * positives / total:.1f} %)")
    print(ranking_quality(built, folds))
    print(concentration(built, _MODELS["all"]))
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        scored = pool.map(summarise, [(i, words) for i in range(len(records))], chunksize=1)
    elapsed = time.perf_counter() - started
    which = 1 if args.duc else 0

    def fold_means(name):
        return [100 * statistics.fmean(scored[i][0][name][which] for i in fold) for fold in folds]

    shipped = protocol.fixed("corroborate as shipped", fold_means("corroborate (shipped)"))
    rows = [shipped]
    for variant in VARIANTS:
        learned = protocol.CrossValidated(f"corroborate, learned concept weights ({variant})", fold_means(f"learned, {variant}"),
                                          fitted=statistics.fmean(fold_means(f"learned, {variant} [fitted on all]")))  # fmt: skip
        rows.append(learned)
    rows += [protocol.fixed(name, fold_means(name)) for name in BASELINES]
    measure = "ROUGE-2 recall of the first 100 words (DUC-style)" if args.duc else f"ROUGE-2 F, {words} words"
    print(f"{args.data.name}, {len(records)} clusters, 5 folds by cluster, {measure} x100; model fitted on the "
          f"training folds only; {elapsed:.0f} s wall, {args.jobs} job(s)")  # fmt: skip
    print(protocol.report(rows, shipped, digits=2))
    cpu = {name: statistics.fmean(s[1][name] for s in scored) for name in scored[0][1]}
    print("CPU s per cluster (summary only): " + ", ".join(f"{n} {v:.3f}" for n, v in cpu.items()))
    for f in [*range(len(folds)), "all"]:
        print(f"model {f}: " + " ".join(f"{n}={v:+.3f}" for n, v in _MODELS[f]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
