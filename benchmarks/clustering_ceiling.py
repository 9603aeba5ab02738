"""How far can headline content separate the UCI gold stories? Supervised ceilings
for the story-clustering target, with the features our clusterer has.

Each headline is classified with the gold stories of all the *other* headlines
known (leave-one-out), which no clusterer can know:

- nearest gold centroid: the story whose summed TF-IDF and MiniLM vectors (minus
  this headline) are most similar;
- k nearest neighbours: the majority gold story of the k most similar headlines.

Similarity is TF-IDF cosine (our stemmed terms, fitted on the whole set) plus
`weight` x cosine of mean-centred MiniLM embeddings, the two signals the
clusterer uses for headlines. The labels so predicted are scored with B-cubed
like a clustering. Rows with "+ url words" add the words of each URL's path to
the TF-IDF text; rows with "same day" prefer neighbours published the same
calendar day (they show what the date carries in this sample, where every gold
story was crawled within about 30 seconds).

    .venv/bin/python benchmarks/clustering_ceiling.py

Reads ../shared/data at run time (never copied into the repository).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clustering_bcubed import DATA, bcubed, prepare  # noqa: E402

_URL_NOISE = {"html", "htm", "php", "aspx", "asp", "story", "news", "article", "index", "www", "com"}


def url_words(url: str) -> str:
    words = re.findall(r"[a-z]+", urlparse(url or "").path.lower())
    return " ".join(w for w in words if len(w) > 2 and w not in _URL_NOISE)


def features(articles, with_url: bool):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from corroborate.nlp import embed
    from corroborate.stories import terms_of

    texts = [f"{a.title} {url_words(a.url)}" if with_url else a.title for a in articles]
    terms = normalize(TfidfVectorizer(analyzer=terms_of, sublinear_tf=True).fit_transform(texts)).astype(np.float32)
    vectors = embed([a.title for a in articles]).astype(np.float32)
    vectors -= vectors.mean(axis=0)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return terms, vectors


def nearest_centroid(terms, vectors, gold: np.ndarray, weight: float) -> list[int]:
    stories = sorted(set(gold))
    index = np.array([stories.index(g) for g in gold])
    dense_terms = terms.toarray()
    term_sums = np.zeros((len(stories), dense_terms.shape[1]), np.float32)
    vector_sums = np.zeros((len(stories), vectors.shape[1]), np.float32)
    np.add.at(term_sums, index, dense_terms)
    np.add.at(vector_sums, index, vectors)
    predicted = []
    for i in range(len(gold)):
        t, v = term_sums.copy(), vector_sums.copy()
        t[index[i]] -= dense_terms[i]
        v[index[i]] -= vectors[i]
        t /= np.linalg.norm(t, axis=1, keepdims=True) + 1e-9
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-9
        predicted.append(int(np.argmax(t @ dense_terms[i] + weight * (v @ vectors[i]))))
    return predicted


def nearest_neighbours(similarity: np.ndarray, gold: np.ndarray, k: int) -> list[str]:
    neighbours = np.argsort(-similarity, axis=1)[:, :k]
    return [Counter(gold[row]).most_common(1)[0][0] for row in neighbours]


def main() -> None:
    if not DATA.exists():
        sys.exit(f"skipped: {DATA} is absent (the evaluation data lives beside the project)")
    from corroborate.stories import read_for_clustering

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path, gold_of = prepare("uci", Path(folder))
        articles, _ = read_for_clustering([path])
    gold = np.array([gold_of[a.source_id] for a in articles])
    days = np.array([a.published.toordinal() if a.published else 0 for a in articles])
    print(f"UCI headlines: {len(articles)}, gold stories: {len(set(gold))}")
    print(f"{'classifier (leave-one-out, gold of all other headlines known)':64} {'P':>6} {'R':>6} {'F1':>6}")

    def row(label: str, predicted) -> None:
        p, r, f = bcubed(list(gold), list(predicted))
        print(f"{label:64} {p:6.3f} {r:6.3f} {f:6.3f}")
        sys.stdout.flush()

    for with_url in (False, True):
        terms, vectors = features(articles, with_url)
        extra = " + url words" if with_url else ""
        for weight in (0.0, 1.0, 2.0):
            row(f"nearest gold centroid, tfidf{extra} + {weight:g} x minilm", nearest_centroid(terms, vectors, gold, weight))
        for weight in (0.0, 1.0, 2.0):
            similarity = (terms @ terms.T).toarray() + weight * (vectors @ vectors.T)
            np.fill_diagonal(similarity, -9)
            for k in (1, 5, 15):
                row(f"{k} nearest neighbours, tfidf{extra} + {weight:g} x minilm", nearest_neighbours(similarity, gold, k))
            if weight == 2.0:
                similarity -= 0.5 * (days[:, None] != days[None, :])
                row(f"5 nearest neighbours, tfidf{extra} + 2 x minilm, same day", nearest_neighbours(similarity, gold, 5))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
