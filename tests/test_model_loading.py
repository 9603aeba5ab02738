"""The models load faster, not differently: the MiniLM encoder gives each text the same
vector however its batches are formed, run (one thread or two) and loaded (ONNX
Runtime's optimized graph, cached); spaCy's pipeline tokenizes the same when it skips
reading its saved tokenizer."""

from __future__ import annotations

import contextlib
import threading

import numpy as np
import pytest

from corroborate import nlp

TEXTS = [
    "The mayor of Port Ellery said the harbour would reopen on Monday.",
    "Fishermen were sceptical.",
    "",
    "“We have heard that before,” said Dana Moor, who has fished the bay for thirty years and watched two dredging projects fail.",
    "Repairs will cost 4.2 million dollars, according to the council.",
    "The council meets again on Thursday.",
] * 6  # more texts than one batch


def _alone(encoder, texts):
    return np.stack([encoder.encode([text])[0] for text in texts])


def test_a_text_has_the_same_vector_in_any_batch_and_on_two_threads():
    encoder = nlp.sentence_encoder()
    alone = _alone(encoder, TEXTS[:6])
    together = encoder.encode(TEXTS)
    with nlp.encoding_on(2):
        assert nlp.encoding_workers() == 2
        threaded = encoder.encode(TEXTS)
    assert nlp.encoding_workers() == 1
    never = threading.Event()  # a helper that may join only once this is set: the caller does it all
    with nlp.encoding_on(2, never):
        waited = encoder.encode(TEXTS)
    assert np.array_equal(together, threaded)
    assert np.array_equal(together, waited)
    assert np.array_equal(together[:6], alone)
    assert np.array_equal(together[6:12], alone)  # the same text, another batch
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_the_cached_optimized_graph_gives_the_same_vectors(tmp_path, monkeypatch):
    monkeypatch.setenv("CORROBORATE_CACHE", str(tmp_path))
    first = nlp.SentenceEncoder(threads=1)  # optimizes the graph and keeps it
    cached = nlp.optimized_model_path()
    assert cached.exists() and tmp_path in cached.parents
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial-")]  # nothing half-written left
    second = nlp.SentenceEncoder(threads=1)  # loads the kept graph as it is
    assert np.array_equal(first.encode(TEXTS[:6]), second.encode(TEXTS[:6]))


def test_a_damaged_cached_graph_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("CORROBORATE_CACHE", str(tmp_path))
    cached = nlp.optimized_model_path()
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not a model")
    encoder = nlp.SentenceEncoder(threads=1)
    assert cached.stat().st_size > 1000
    assert encoder.encode(["The harbour reopens."]).shape == (1, nlp.EMBEDDING_DIM)


@pytest.mark.parametrize("workers", [1, 2])
def test_no_text_no_rows(workers):
    with nlp.encoding_on(workers):
        assert nlp.sentence_encoder().encode([]).shape == (0, nlp.EMBEDDING_DIM)


def test_the_model_loads_its_tokenizer_once_only_where_checked(tmp_path, monkeypatch):
    """spaCy's English rules give the tokenizer saved with the model (a spaCy upgrade
    that changed them would fail here), and a load that skips reading the saved one,
    once that was checked, tokenizes the same."""
    monkeypatch.setenv("CORROBORATE_CACHE", str(tmp_path))
    checked = nlp._load_pipeline()  # reads the saved tokenizer, checks it, leaves a marker
    assert nlp._tokenizer_is_the_default(checked)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith("-tokenizer-checked")]
    skipped = nlp._load_pipeline()
    assert skipped.tokenizer.to_bytes(exclude=["vocab"]) == checked.tokenizer.to_bytes(exclude=["vocab"])
    text = "Dr. Moor's boat (the \u201cLark\u201d) didn't sail on 3/4 at 5:30pm; see https://example.org/port-ellery."
    assert [t.text for t in skipped.tokenizer(text)] == [t.text for t in checked.tokenizer(text)]


def test_the_milp_solver_is_scipys_own():
    """corroborate.milp imports SciPy's MILP without scipy.optimize's package init: the
    same functions as scipy.optimize's, which a later import of it shares."""
    import subprocess
    import sys

    code = (
        "import sys; from corroborate.milp import milp_api; milp, B, L = milp_api(); "
        "print('scipy.optimize' in sys.modules); import scipy.optimize as o; "
        "print(o.milp is milp and o.Bounds is B and o.LinearConstraint is L)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_catalogue_finds_the_same_entry_points_by_group():
    from importlib.metadata import entry_points

    import catalogue

    nlp.spacy_model()
    grouped = catalogue.AVAILABLE_ENTRY_POINTS
    assert not hasattr(grouped, "select")  # the plain dict catalogue reads by key
    for group in {"spacy_factories", "spacy_architectures", "thinc_layers", *grouped}:
        # (the same entry points; their order is the one the installed packages were found in)
        assert sorted(grouped.get(group, [])) == sorted(entry_points(group=group))


def test_spacys_layers_multiply_through_numpy_not_thincs_blis():
    """thinc's bundled BLIS falls back to its reference loops on processors its build has
    no kernel for (AMD's Zen 3 and later): the pipeline's layers are built to multiply
    through NumPy. spaCy makes the parser's and NER's output layer itself, with thinc's
    default ops (`_resize_upper`); its scores are computed in spaCy's compiled loop,
    which never asks the layer's ops."""
    model = nlp.spacy_model()
    for name in ("tok2vec", "tagger", "parser", "ner"):
        layers = model.get_pipe(name).model
        upper = layers.get_ref("upper") if name in ("parser", "ner") else None
        nodes = list(layers.walk())
        assert len(nodes) > 3, name
        for node in nodes:
            assert type(node.ops).__name__ == "NumpyOps", (name, node.name)
            assert node.ops.use_blis is (node is upper), (name, node.name)


def _blas_threads(queue) -> None:
    from threadpoolctl import threadpool_info

    queue.put(max(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"))


def test_a_parsing_process_multiplies_on_one_blas_thread_and_the_brief_keeps_its_own():
    """The processes forked while spaCy starts its parsers run OpenBLAS on one thread
    (two of them keep both cores busy); the brief's process and processes forked at any
    other time keep their threads."""
    import multiprocessing
    import os

    from threadpoolctl import threadpool_info, threadpool_limits

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: OpenBLAS runs on one thread everywhere")
    with threadpool_limits(limits=2, user_api="blas"):  # as on a machine of two cores or more
        before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
        context = multiprocessing.get_context("fork")
        found = []
        for forking_parsers in (True, False):
            queue = context.Queue()
            with nlp._forking_parsers() if forking_parsers else contextlib.nullcontext():
                child = context.Process(target=_blas_threads, args=(queue,))
                child.start()
            found.append(queue.get(timeout=60))
            child.join(60)
        after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert found == [1, 2]
    assert before == after and max(before) == 2
