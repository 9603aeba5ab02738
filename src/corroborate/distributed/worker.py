"""Worker set-up: what every Dask worker does once, before it runs our tasks.

Models are loaded here, once per worker process, from the worker's own
installation (never pickled from the client): the sentence encoder with as
many ONNX Runtime threads as the worker has task threads (`dask worker
--nthreads N`), so that a worker uses the cores it was given and no more, and
spaCy when stories are to be briefed.

A worker must run the same corroborate code as the client, or its articles
would not be read, cleaned and featured as the client's store expects: the
plugin refuses to set up on other code, and every task checks it again
(workers can join after the plugin was registered).
"""

from __future__ import annotations

from distributed import WorkerPlugin

PLUGIN_NAME = "corroborate"


class OtherCode(RuntimeError):
    """A worker runs other corroborate code than the client."""


def check_code(expected: str) -> None:
    """Raise `OtherCode` when this process's corroborate source is not `expected`."""
    from .. import __version__
    from ..store.briefs import code_fingerprint

    if code_fingerprint() != expected:
        raise OtherCode(
            f"a worker runs other corroborate code (version {__version__}, source hash {code_fingerprint()[:12]}) "
            f"than this client (source hash {expected[:12]}): install the same corroborate on every worker"
        )


class CorroborateSetup(WorkerPlugin):
    """Checks the worker's code and loads the models a run needs (see the module docstring).

    A worker uses as many cores as it has task threads (`dask worker --nthreads`,
    one in `--dask local:N`): the sentence encoder gets that many ONNX Runtime
    threads, and a brief parses on a second thread while it embeds only when the
    worker has two or more. (With that second thread, two one-thread workers on two
    cores ran four busy threads and were no faster than one worker, BENCHMARKS.md.)"""

    name = PLUGIN_NAME

    def __init__(self, code: str, parser: bool = False) -> None:
        self.code = code
        self.parser = parser

    def setup(self, worker) -> None:
        import threading

        check_code(self.code)
        from .. import brief, nlp

        cores = max(1, worker.state.nthreads)
        brief.BACKGROUND_WARM_UP = cores > 1
        # Both models load at once (spaCy ~2 s, the encoder ~0.5 s): start-up is a large
        # share of a short run. What both import chains share is imported first: a
        # first import raced from two threads can fail (brief._load_models_in_background).
        import bz2, gzip, lzma, tempfile, urllib.request, uuid  # noqa: E401, F401
        import numpy  # noqa: F401

        threads = [threading.Thread(target=nlp.sentence_encoder, kwargs={"threads": cores}, name="corroborate-load-encoder")]
        if self.parser:
            threads.append(threading.Thread(target=nlp.spacy_model, name="corroborate-load-parser"))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
