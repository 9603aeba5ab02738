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

import os

from distributed import WorkerPlugin
from distributed.comm import get_address_host

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


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the system says)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cores_of(nthreads: int, host_threads: int | None, usable: int | None = None) -> int:
    """The cores a worker of `nthreads` task threads may use: its share of the cores
    of its machine (`usable`: those this process may run on), in proportion to its
    threads among the `host_threads` task threads of all workers there; at least
    one per thread. A lone one-thread worker on a 2-core machine gets both: the
    models' threads and the brief's second thread use them as one process would.
    Unknown `host_threads` (a worker that joined later): one per thread."""
    nthreads = max(1, nthreads)
    if not host_threads:
        return nthreads
    if usable is None:
        usable = usable_cores()
    return max(nthreads, usable * nthreads // max(host_threads, nthreads))


class CorroborateSetup(WorkerPlugin):
    """Checks the worker's code and loads the models a run needs (see the module docstring).

    A worker uses its share of its machine's cores (`cores_of`): the sentence
    encoder gets that many ONNX Runtime threads, a brief parses on a second thread
    while it embeds only when the share is two or more, and a large story is parsed
    in two processes only then. (With that second thread, two one-thread workers on
    two cores ran four busy threads and were no faster than one worker; a lone
    one-thread worker held to one core briefed 1.5x slower than one process,
    BENCHMARKS.md.) `host_threads`: task threads of the workers on each host when
    the client connected."""

    name = PLUGIN_NAME

    def __init__(self, code: str, parser: bool = False, host_threads: dict[str, int] | None = None) -> None:
        self.code = code
        self.parser = parser
        self.host_threads = host_threads or {}

    def setup(self, worker) -> None:
        import threading

        check_code(self.code)
        from .. import brief, nlp

        cores = cores_of(worker.state.nthreads, self.host_threads.get(get_address_host(worker.address)))
        brief.BACKGROUND_WARM_UP = cores > 1
        nlp.CORES = cores
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
