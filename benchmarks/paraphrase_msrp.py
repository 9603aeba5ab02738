"""Paraphrase detection on MSRP: our sentence similarity versus TF-IDF cosine.

`corroborate.relations.sentence_similarity` (mean of MiniLM cosine and rapidfuzz
token-set ratio) decides whether two sentences of two articles say the same
thing when rewrites are aligned. The threshold of each method is the one with
the best accuracy on the train split (msrp_train); accuracy and F1 are then
measured on msrp_dev. TF-IDF is fitted on the train sentences.

    .venv/bin/python benchmarks/paraphrase_msrp.py
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corroborate.relations import PARAPHRASE_SIMILARITY, combine_similarity, lexical_similarity  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def load(split: str) -> list[dict]:
    with gzip.open(DATA / f"msrp_{split}.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def scores(rows: list[dict], tfidf) -> dict[str, np.ndarray]:
    from corroborate.nlp import embed

    left, right = [r["text1"] for r in rows], [r["text2"] for r in rows]
    cosine = (embed(left) * embed(right)).sum(axis=1)
    static = (embed(left, "static") * embed(right, "static")).sum(axis=1)
    lexical = np.array([lexical_similarity(a, b) for a, b in zip(left, right)])
    tfidf_cosine = np.asarray(tfidf.transform(left).multiply(tfidf.transform(right)).sum(axis=1)).ravel()
    return {
        "ours: mean(MiniLM cosine, token-set ratio)": combine_similarity(cosine, lexical),
        "ours, static encoder (stories over nlp.MINILM_SENTENCE_BUDGET sentences)": combine_similarity(static, lexical),
        "MiniLM cosine alone": cosine,
        "static (distilled from MiniLM) cosine alone": static,
        "rapidfuzz token-set ratio alone": lexical,
        "TF-IDF cosine (baseline)": tfidf_cosine,
    }


def accuracy_f1(score: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float]:
    predicted = score >= threshold
    true_positive = int((predicted & labels).sum())
    precision = true_positive / max(1, int(predicted.sum()))
    recall = true_positive / max(1, int(labels.sum()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return float((predicted == labels).mean()), f1


def best_threshold(score: np.ndarray, labels: np.ndarray) -> float:
    candidates = np.unique(np.round(score, 3))
    return float(max(candidates, key=lambda t: (accuracy_f1(score, labels, t)[0], -t)))


def main() -> None:
    if not DATA.exists():
        sys.exit(f"real data not available: {DATA} is absent")
    from sklearn.feature_extraction.text import TfidfVectorizer

    train, dev = load("train"), load("dev")
    tfidf = TfidfVectorizer().fit([r["text1"] for r in train] + [r["text2"] for r in train])
    start = time.perf_counter()
    train_scores, dev_scores = scores(train, tfidf), scores(dev, tfidf)
    seconds = time.perf_counter() - start
    train_labels = np.array([r["label"] == 1 for r in train])
    dev_labels = np.array([r["label"] == 1 for r in dev])
    print(f"MSRP: {len(train)} train pairs (threshold), {len(dev)} dev pairs (measured); "
          f"{seconds:.0f} s to score both")  # fmt: skip
    print(f"majority class on dev (all 'paraphrase'): accuracy {dev_labels.mean():.3f}, "
          f"F1 {accuracy_f1(np.ones(len(dev)), dev_labels, 0.5)[1]:.3f}")  # fmt: skip
    print()
    print("| method | threshold (train) | dev accuracy | dev F1 |")
    print("|---|---|---|---|")
    for name, score in train_scores.items():
        threshold = best_threshold(score, train_labels)
        accuracy, f1 = accuracy_f1(dev_scores[name], dev_labels, threshold)
        print(f"| {name} | {threshold:.3f} | {accuracy:.3f} | {f1:.3f} |")
    for label, name in zip(("ours", "ours, static encoder,"), dev_scores):
        accuracy, f1 = accuracy_f1(dev_scores[name], dev_labels, PARAPHRASE_SIMILARITY)
        print(f"| {label} at the shipped PARAPHRASE_SIMILARITY | {PARAPHRASE_SIMILARITY:.3f} | {accuracy:.3f} | {f1:.3f} |")


if __name__ == "__main__":
    main()
