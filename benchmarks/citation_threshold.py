"""Fit and check the "says the same" rule the summary uses for citations.

A summary sentence cites every article with a sentence that says the same.
The rule (`corroborate.summarize.says_the_same`) is a logistic model over two
features: the cosine of the MiniLM embeddings and the share of the shorter
sentence's content words found in the other. This script fits it on the MSRP
paraphrase training pairs (news sentences judged by people to mean the same),
prints the fitted coefficients, and scores both the fitted model and the
constants currently in summarize.py on msrp_dev, next to cosine-only and
overlap-only thresholds (each tuned on train).

    .venv/bin/python benchmarks/citation_threshold.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np

from corroborate import summarize
from corroborate.nlp import embed

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    rows = [json.loads(line) for line in gzip.open(DATA / name, "rt", encoding="utf-8")]
    left = embed([r["text1"] for r in rows])
    right = embed([r["text2"] for r in rows])
    cosine = (left * right).sum(axis=1)
    overlap = np.array(
        [summarize.word_overlap(summarize.content_words(r["text1"]), summarize.content_words(r["text2"])) for r in rows]
    )
    labels = np.array([int(r["label"]) for r in rows])
    return np.column_stack([cosine, overlap]), labels


def scores(predicted: np.ndarray, labels: np.ndarray) -> tuple[float, float, float, float]:
    tp = int((predicted & (labels == 1)).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int((labels == 1).sum()), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    accuracy = float((predicted == (labels == 1)).mean())
    return accuracy, precision, recall, f1


def best_threshold(values: np.ndarray, labels: np.ndarray) -> float:
    candidates = np.unique(np.round(values, 3))
    return float(max(candidates, key=lambda t: scores(values >= t, labels)[0]))


def main() -> int:
    if not (DATA / "msrp_train.jsonl.gz").exists():
        print(f"{DATA}/msrp_train.jsonl.gz is absent: nothing to fit", file=sys.stderr)
        return 2
    from sklearn.linear_model import LogisticRegression

    train_x, train_y = load("msrp_train.jsonl.gz")
    dev_x, dev_y = load("msrp_dev.jsonl.gz")
    model = LogisticRegression(C=10.0).fit(train_x, train_y)
    (w_cos, w_overlap), bias = model.coef_[0], model.intercept_[0]
    print(f"fitted: {w_cos:.2f} * cosine + {w_overlap:.2f} * overlap + {bias:.2f} > 0")
    rows = []
    t_cos = best_threshold(train_x[:, 0], train_y)
    t_overlap = best_threshold(train_x[:, 1], train_y)
    rows.append((f"cosine >= {t_cos:.2f}", dev_x[:, 0] >= t_cos))
    rows.append((f"overlap >= {t_overlap:.2f}", dev_x[:, 1] >= t_overlap))
    rows.append(("fitted logistic (cosine, overlap)", model.predict(dev_x) == 1))
    current = np.array([summarize.says_the_same(c, o) for c, o in dev_x])
    rows.append(("summarize.says_the_same (in use)", current))
    print(f"msrp_dev, {len(dev_y)} pairs, {dev_y.mean():.0%} paraphrases")
    print("| rule | accuracy | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for name, predicted in rows:
        accuracy, precision, recall, f1 = scores(predicted, dev_y)
        print(f"| {name} | {accuracy:.3f} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
