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
    """Checks the worker's code and loads the models a run needs (see the module docstring)."""

    name = PLUGIN_NAME

    def __init__(self, code: str, parser: bool = False) -> None:
        self.code = code
        self.parser = parser

    def setup(self, worker) -> None:
        check_code(self.code)
        from .. import nlp

        nlp.sentence_encoder(threads=max(1, worker.state.nthreads))
        if self.parser:
            nlp.spacy_model()
