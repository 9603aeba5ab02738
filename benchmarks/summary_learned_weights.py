"""Learned concept weights for the summary's integer program (Li, Qian & Liu 2013, "Using
supervised bigram-based ILP for extractive summarization"), measured under the tuning
protocol (CONTRIBUTING.md) against the hand-made weights of `summarize._concept_weights`.

What it measures: whether weights learned from the development clusters' reference
summaries choose better sentences than the shipped formula, on clusters the model never
saw. Per bigram concept, a few features computed from the story alone (never from the
reference; `concept_features`), and two models of the reference:

- `logistic`: scikit-learn LogisticRegression, P(the bigram is in the reference);
- `poisson`: scikit-learn PoissonRegressor, the expected number of times the reference
  writes the bigram (Li et al. regress the bigram's frequency in the references). Being
  log-linear, it can learn a power of the hand-made weight, so it can be as steep as the
  formula (the logistic probabilities of `learned_concepts.py` were too flat).

Each model weighs the concepts alone (`replace`) or times the hand-made weight
(`combine`), through the summariser's own hook (`Tuning.concept_model`), scaled per story
so that the bigram weights sum as the hand-made ones do (the per-sentence lexical
centrality term keeps the balance it was tuned in).

Protocol: 5 folds by cluster id (`protocol.folds`, as summary_harness.py --protocol).
For each fold, the models are fitted on the other four folds' concepts only (the IDF
feature counted over those folds' clusters only), the fold's clusters are summarised
with them, and the weighting among {shipped, 4 learned} is also chosen on the training
folds. Beside them, in the same run: ours as shipped and the baselines, scored as
summary_harness.py scores them (ROUGE-2 F; recall of the first 100 words with --duc).
The models fitted on all clusters (the form that would ship) are printed as coefficients.

    PYTHONPATH=src .venv/bin/python benchmarks/summary_learned_weights.py ../shared/data/multinews_dev200.jsonl.gz --duc --jobs 1 --cache /tmp/sumlearn-emb.pkl
    PYTHONPATH=src .venv/bin/python benchmarks/summary_learned_weights.py ../shared/data/multinews_dev200.jsonl.gz --words 300 --jobs 1 --cache /tmp/sumlearn-emb.pkl
"""

from __future__ import annotations

import math
import multiprocessing
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace

import protocol
import summary_harness as harness

from corroborate import summarize

# Fixed before any held-out fold was read. Not used, because they are constant on this
# data: whether a bigram is in an article's title (Multi-News dev has no titles, and the
# DUC-style setting drops them) and whether a concept is a corroborated fact (the harness
# runs the sentence stage only, so there are no facts; a fact concept, if any, keeps its
# hand-made weight).
FEATURES = (
    "log_hand_weight",  # log of the shipped formula's weight
    "sources",  # independent sources printing it, each scaled by how on-topic it is
    "log_sources",  # log(1 + sources)
    "log_best_position",  # log(1 + the earliest sentence index it appears at)
    "log_mean_position",  # log(1 + the mean over sources of its first sentence index)
    "early_share",  # share of its sources printing it in the first third of an article
    "mean_relevance",  # mean topic relevance of the sources printing it
    "stop_word",  # one of its two words is a stop word
    "idf",  # log((N + 1) / (df + 1)) over the training folds' clusters
    "log_sentences",  # log(1 + candidate sentences carrying it)
)
IDF = FEATURES.index("idf")
MODELS = ("logistic", "poisson")
MODES = ("replace", "combine")
VARIANTS = tuple(f"{model}, {mode}" for model in MODELS for mode in MODES)
BASELINES = ("concept ILP with df weights (ICSISumm-style)", "TF-IDF centroid", "LexRank (sumy)", "round-robin lead")


# --- features and labels -----------------------------------------------------------


def concept_features(brief, candidates, weights: dict) -> tuple[list, list[list[float]]]:
    """The story's bigram concepts (sorted) and their FEATURES, with the IDF column left
    at 0 (it depends on which clusters are the training folds: `with_idf`)."""
    stop = summarize._stopwords()
    sentences_in = Counter(s.span.article_id for s in brief.sentences)
    first: dict[tuple, dict[int, int]] = defaultdict(dict)  # concept -> group -> earliest index
    early: dict[tuple, set[int]] = defaultdict(set)  # concept -> groups printing it in an article's first third
    carrying: Counter = Counter()
    relevance: dict[int, float] = {}
    for candidate in candidates:
        group, index = candidate.group, candidate.sentence.index
        relevance[group] = candidate.relevance
        # "Early" relative to its own article's length: a short wire story's third
        # sentence is its middle, a long feature's is still its lead.
        is_early = index < max(1.0, sentences_in[candidate.sentence.span.article_id] / 3)
        for concept in candidate.concepts:
            if concept[0] == "fact":
                continue
            carrying[concept] += 1
            seen = first[concept]
            if group not in seen or index < seen[group]:
                seen[group] = index
            if is_early:
                early[concept].add(group)
    keys, rows = [], []
    for concept in sorted(first):
        positions = first[concept]
        sources = sum(relevance[g] for g in positions)
        rows.append([
            math.log(max(weights.get(concept, 0.0), 1e-3)),
            sources,
            math.log1p(sources),
            math.log1p(min(positions.values())),
            math.log1p(statistics.fmean(positions.values())),
            len(early.get(concept, ())) / len(positions),
            statistics.fmean(relevance[g] for g in positions),
            float(concept[0] in stop or concept[1] in stop),
            0.0,
            math.log1p(carrying[concept]),
        ])  # fmt: skip
        keys.append(concept)
    return keys, rows


def reference_counts(references: list[str]) -> Counter:
    """How often the references write each bigram (the summariser's stemming, as ROUGE-2
    with Porter stemming counts them)."""
    counts: Counter = Counter()
    for reference in references:
        words = summarize.tokens(reference)
        counts.update(zip(words, words[1:]))
    return counts


def with_idf(rows: list[list[float]], keys: list, df: Counter, clusters: int, own: bool) -> list[list[float]]:
    """The rows with their IDF over `clusters` training clusters (document frequency
    `df`). A training cluster's own concepts are counted out of it (`own`), so that its
    rows look like a held-out story's: there a bigram no other story prints has df 0."""
    n = clusters - own
    out = []
    for key, row in zip(keys, rows):
        row = list(row)
        row[IDF] = math.log((n + 1) / (df[key] - own + 1))
        out.append(row)
    return out


# --- models --------------------------------------------------------------------------


def fit(kind: str, rows: list[list[float]], counts: list[int]) -> tuple[list[float], float]:
    """Coefficients of the raw features and the intercept (a dot product at run time, so
    the shipping form is a few constants). Standardised while fitting, so that the
    default regularisation treats every feature alike."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression, PoissonRegressor
    from sklearn.preprocessing import StandardScaler

    x = np.asarray(rows, dtype=float)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    y = np.asarray(counts, dtype=float)
    if kind == "logistic":
        regression = LogisticRegression(C=1.0, max_iter=2000).fit(z, (y > 0).astype(int))
        coef, intercept = regression.coef_[0], float(regression.intercept_[0])
    else:
        # alpha: a light L2 penalty (the number of concepts, ~160,000, dwarfs 10 weights).
        regression = PoissonRegressor(alpha=1e-4, max_iter=1000).fit(z, y)
        coef, intercept = regression.coef_, float(regression.intercept_)
    w = coef / scale
    return [float(v) for v in w], intercept - float((coef * scaler.mean_ / scale).sum())


def predict(kind: str, model, rows: list[list[float]]):
    """P(in the reference) for `logistic`, the expected reference count for `poisson`."""
    import numpy as np

    w, b = model
    z = np.asarray(rows, dtype=float) @ np.asarray(w) + b
    return 1.0 / (1.0 + np.exp(-z)) if kind == "logistic" else np.exp(np.minimum(z, 30.0))


class LearnedWeights:
    """`Tuning.concept_model`: the story's bigram weights from a fitted model (`replace`)
    or the hand-made weight times it (`combine`), scaled so that they sum as the
    hand-made ones do. Hashable by identity (a Tuning is a dict key in places)."""

    def __init__(self, kind: str, mode: str, model, df: Counter, clusters: int) -> None:
        self.kind, self.mode, self.model, self.df, self.clusters = kind, mode, model, df, clusters

    def __call__(self, brief, candidates, weights: dict) -> dict:
        keys, rows = concept_features(brief, candidates, weights)
        if not keys:
            return weights
        predicted = predict(self.kind, self.model, with_idf(rows, keys, self.df, self.clusters, own=False))
        hand = [weights[k] for k in keys]
        learned = predicted if self.mode == "replace" else predicted * hand
        total = float(learned.sum())
        scale = sum(hand) / total if total > 0 else 0.0
        out = dict(weights)
        out.update((k, float(v) * scale) for k, v in zip(keys, learned))
        return out


# --- the run ---------------------------------------------------------------------------

_RECORDS: list = []
_BRIEFS: list = []
_TUNINGS: dict = {}  # (fold, variant) -> Tuning with its concept_model
_FOLD_OF: dict[int, int] = {}


def build(job):
    """One cluster: its brief, its concepts with features (IDF left out) and reference
    counts, and the sentence embeddings it computed (for --cache)."""
    from corroborate import nlp

    record, words, duc = job
    known = set(nlp._EMBEDDINGS)
    brief = harness.cluster_brief(record, None, duc)
    keys, rows, counts = [], [], []
    if brief.sentences:
        tuning = summarize.for_budget(summarize.TUNING, words)
        texts = [brief.text(s.span) for s in brief.sentences]
        vectors = nlp.embed(texts, nlp.encoder_for(len(texts)))
        candidates, weights = summarize._candidates(brief, texts, vectors, summarize._Sameness(texts, vectors), tuning)
        keys, rows = concept_features(brief, candidates, weights)
        wanted = reference_counts([r for r in record["references"] if r and r.strip()])
        counts = [wanted.get(k, 0) for k in keys]
    return brief, keys, rows, counts, {t: v for t, v in nlp._EMBEDDINGS.items() if t not in known}


def summarise(job):
    """One cluster's ROUGE-2 (F, recall) under every system: ours as shipped, ours with
    each learned weighting of its fold (fitted without this cluster's fold), baselines."""
    index, words = job
    brief, record = _BRIEFS[index], _RECORDS[index]
    references = [r for r in record["references"] if r and r.strip()]
    runs = {"shipped": lambda b, w: harness.ours(b, w)}
    for variant in VARIANTS:
        runs[variant] = lambda b, w, t=_TUNINGS[(_FOLD_OF[index], variant)]: harness.ours(b, w, t)
    for name in BASELINES:
        runs[name] = harness.SYSTEM_FUNCTIONS[name]
    scores, seconds, _ = harness.score_runs(runs, brief, words, references)
    return scores, seconds


def _map(function, jobs, processes: int):
    if processes <= 1:
        return [function(job) for job in jobs]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(function, jobs, chunksize=1)


def training_set(built, train: list[int]):
    """Rows (with the IDF over `train`'s clusters, each counted out of its own) and
    reference counts of the training clusters, and the document frequencies."""
    df: Counter = Counter()
    for i in train:
        df.update(built[i][1])
    rows, counts = [], []
    for i in train:
        _, keys, base, y, _ = built[i]
        rows += with_idf(base, keys, df, len(train), own=True)
        counts += y
    return rows, counts, df


def ranking_quality(built, folds, fitted) -> str:
    """Held-out ROC AUC of "the bigram is in the reference", pooled over each fold's
    concepts: hand-made weight against each model fitted on the other folds."""
    from sklearn.metrics import roc_auc_score

    lines = []
    for name in ("hand-made", *MODELS):
        values = []
        for f, fold in enumerate(folds):
            model, df, clusters = fitted[f]
            rows = [r for i in fold for r in with_idf(built[i][2], built[i][1], df, clusters, own=False)]
            labels = [int(c > 0) for i in fold for c in built[i][3]]
            score = [r[0] for r in rows] if name == "hand-made" else predict(name, model[name], rows)
            values.append(roc_auc_score(labels, score))
        lines.append(f"{name} " + " ".join(f"{v:.3f}" for v in values) + f" (mean {statistics.fmean(values):.3f})")
    return "held-out ROC AUC of concepts in the reference, per fold: " + "; ".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.experiment_parser(__doc__.split("\n\n")[0], words=300)
    args = parser.parse_args(argv)
    words = harness.experiment_budget(args)
    if words is None:
        return 2
    started = time.perf_counter()
    records = list(harness.read_clusters(args.data, args.limit))
    harness._load_embeddings(args.cache)
    built = _map(build, [(r, words, args.duc) for r in records], args.jobs)
    from corroborate import nlp

    for *_, embeddings in built:
        nlp._EMBEDDINGS.update(embeddings)
    harness._save_embeddings(args.cache)
    folds = protocol.folds(records, lambda record: str(record.get("cluster_id")), 5)
    fold_of = {i: f for f, fold in enumerate(folds) for i in fold}

    # Per fold (and "all": the shipping form, never scored), the models fitted on the
    # training folds' concepts alone.
    fitted = {}
    for f in [*range(len(folds)), "all"]:
        train = [i for i in range(len(records)) if f == "all" or fold_of[i] != f]
        rows, counts, df = training_set(built, train)
        fitted[f] = ({kind: fit(kind, rows, counts) for kind in MODELS}, df, len(train))
        if f != "all":
            for kind in MODELS:
                for mode in MODES:
                    model = LearnedWeights(kind, mode, fitted[f][0][kind], df, len(train))
                    _TUNINGS[(f, f"{kind}, {mode}")] = replace(summarize.TUNING, concept_model=model)
    _RECORDS[:] = records
    _BRIEFS[:] = [b[0] for b in built]
    _FOLD_OF.update(fold_of)
    total = sum(len(b[3]) for b in built)
    positives = sum(sum(c > 0 for c in b[3]) for b in built)
    print(f"{len(records)} clusters, {total} bigram concepts, {positives} in the reference ({100 * positives / total:.1f} %)")
    print(ranking_quality(built, folds, fitted))
    for b in built:  # the briefs' rows are no longer needed; the workers need not copy them
        b[2].clear()
    scored = _map(summarise, [(i, words) for i in range(len(records))], args.jobs)
    elapsed = time.perf_counter() - started
    which = 1 if args.duc else 0

    def fold_means(name):
        return [100 * statistics.fmean(scored[i][0][name][which] for i in fold) for fold in folds]

    shipped = protocol.fixed("corroborate as shipped", fold_means("shipped"))
    choices = ["shipped", *VARIANTS]
    chosen = protocol.choose_from_table(choices, [fold_means(n) for n in choices],
                                        "learned or shipped weights, chosen on training folds")  # fmt: skip
    fixed = [protocol.fixed(f"learned, {v} (fitted on training folds)", fold_means(v)) for v in VARIANTS]
    baselines = [protocol.fixed(name, fold_means(name)) for name in BASELINES]
    measure = "ROUGE-2 recall of the first 100 words (DUC-style)" if args.duc else f"ROUGE-2 F, {words} words"
    print(f"{args.data.name}, {len(records)} clusters, 5 folds by cluster, {measure} x100; models fitted on the "
          f"training folds only; {elapsed:.0f} s wall, {args.jobs} job(s)")  # fmt: skip
    print(protocol.report([shipped, chosen, *fixed, *baselines], shipped, digits=2))
    print(f"chosen per fold: {chosen.chosen}; on all folds: {chosen.fitted_choice}")
    cpu = {name: statistics.fmean(s[1][name] for s in scored) for name in scored[0][1]}
    print("CPU s per cluster (summary only): " + ", ".join(f"{n} {v:.3f}" for n, v in cpu.items()))
    for f in [*range(len(folds)), "all"]:
        for kind in MODELS:
            w, b = fitted[f][0][kind]
            print(f"{kind} model, fold {f}: intercept={b:+.4f} " + " ".join(f"{n}={v:+.4f}" for n, v in zip(FEATURES, w)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
