"""One stage of a big story on the second core, beside the next stage on the first.

After the parse, a brief's stages run one after the other on one core while the
other idles. The quotes stage reads only the articles, their relations and the
parse; the facts stage reads the same and nothing quotes writes (and quotes
nothing facts writes): `side_stage` forks the process after the parse and runs
quotes in the child while the parent runs facts, then adds the quotes' fields to
the brief as if quotes had run first (its notes and problems before facts').

Why a fork: the child starts with the parent's docs (copy-on-write: nothing to
serialise), its loaded models and its embedding cache, so it computes what the
parent would have computed. It is forked only while this thread holds the
parser's and the encoder's locks, so no other thread of the parent is inside
spaCy or ONNX Runtime at that moment (a lock or arena held by a thread the
child does not have would hang it); ONNX Runtime runs with one intra-op thread
(`brief._load_models_in_background`), so it has no thread pool to lose. A
text's embedding does not depend on the batch it is run in (`nlp.SentenceEncoder`),
so the parent, which no longer sees the quotes' embeddings before facts, still
computes the same vectors; the child sends its new embeddings back all the same,
so that the summary finds the cache as it would have.

A child that fails, dies or is killed costs nothing but time: the parent runs the
stage itself, under the same guard (`guard.run_stage`). Only for big stories
(`FORK_CHARS`, the size at which nlp parses in two processes), on a machine
the brief may use two cores of (`nlp.CORES`, `brief.BACKGROUND_WARM_UP`), from
the main thread only, and never in a daemonic process (which may not have
children: a Dask worker).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import fields, replace

from .guard import run_stage
from .model import Brief

log = logging.getLogger(__name__)

# Brief fields stages extend (earlier stages' entries first) rather than set.
_APPENDED = ("notes", "problems")

# A story of more characters than this has a stage run in a forked child. The fork
# and the copy-on-write pages it touches cost a fraction of a second, which only a
# story whose quotes take seconds repays (the size at which nlp parses in two processes).
FORK_CHARS = 200_000

# The child is given up on (killed, the stage run here) after this multiple of the
# time the parent spent on its own stage meanwhile, and at least `MIN_PATIENCE`
# seconds: quotes and facts cost about the same, so only a hung child takes that long.
PATIENCE = 10
MIN_PATIENCE = 60.0
# Seconds a child that has sent its result is given to exit by itself.
_EXIT_GRACE = 5.0


def may_fork(brief: Brief) -> bool:
    """Whether `brief` is big enough and the process may use a second core by a child."""
    from . import brief as pipeline, nlp

    if not pipeline.BACKGROUND_WARM_UP or multiprocessing.current_process().daemon:
        return False
    # Only from the main thread (the command line): a brief run on a thread of a larger
    # program (the web app's request threads, a thread pool) shares the process with
    # threads this module knows nothing of, whose locks a fork could copy held.
    if threading.current_thread() is not threading.main_thread():
        return False
    if (nlp.CORES or os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    return sum(len(article.text) for article in brief.articles) > FORK_CHARS


def delta(before: Brief, after: Brief) -> dict:
    """What a stage changed: the fields it set, and the entries it appended to `_APPENDED`."""
    changed = {}
    for field in fields(Brief):
        old, new = getattr(before, field.name), getattr(after, field.name)
        if new is old:
            continue
        if field.name in _APPENDED and new[: len(old)] == old:
            changed[field.name] = new[len(old) :]
        else:
            changed[field.name] = new
    return changed


def merge(before: Brief, current: Brief, changes: dict) -> Brief:
    """`current` (a later stage's result on `before`) with `changes` (a stage's `delta`
    on `before`) as if that stage had run first: its appended entries go right after
    `before`'s."""
    merged = {}
    for name, value in changes.items():
        if name in _APPENDED:
            kept = getattr(current, name)
            start = len(getattr(before, name))
            merged[name] = kept[:start] + value + kept[start:]
        else:
            merged[name] = value
    return replace(current, **merged)


def _child(connection, name: str, stage: Callable, brief: Brief, options, known: tuple[set, set]) -> None:
    """In the forked child: run the stage and send back its delta and new embeddings."""
    from . import nlp, progress

    # The parent held these while forking (so no other thread was inside spaCy or the
    # encoder); the child's copies belong to no thread it has.
    nlp._spacy_lock = threading.RLock()
    nlp._encoder_lock = threading.RLock()
    import resource

    cpu = time.process_time()
    try:
        with progress.observing(progress.Observer()):  # the parent's progress bars are the parent's
            result = run_stage(name, stage, brief, options)
        minilm, static = known
        embeddings = (
            {t: v for t, v in nlp._EMBEDDINGS.items() if t not in minilm},
            {t: v for t, v in nlp._STATIC_EMBEDDINGS.items() if t not in static},
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux: KiB); shared pages counted
        connection.send((delta(brief, result), embeddings, (time.process_time() - cpu, peak)))
    except BaseException:  # noqa: BLE001 - no traceback on the user's terminal: the parent, sent nothing, runs the stage
        log.debug("the %s stage failed in its child", name, exc_info=True)
    finally:
        connection.close()


class SideStage:
    """Stage `name` running in a forked child on `brief`; `result(current)` waits for
    it and merges its work into `current`, running it here if the child failed."""

    def __init__(self, name: str, stage: Callable, brief: Brief, options) -> None:
        from . import nlp

        self.name, self.stage, self.brief, self.options = name, stage, brief, options
        self.started = time.perf_counter()
        self.process = None
        context = multiprocessing.get_context("fork")
        self.connection, sending = context.Pipe(duplex=False)
        known = (set(nlp._EMBEDDINGS), set(nlp._STATIC_EMBEDDINGS))
        try:
            with nlp._spacy_lock, nlp._encoder_lock:
                self.process = context.Process(
                    target=_child, args=(sending, name, stage, brief, options, known), name=f"corroborate-{name}", daemon=True
                )
                self.process.start()
        except Exception:  # noqa: BLE001 - no fork (out of memory, no more processes): run the stage here later
            log.debug("could not fork for the %s stage", name, exc_info=True)
            self.process = None
        finally:
            sending.close()

    def _received(self):
        """The child's (delta, embeddings, (cpu, peak RSS)), or None if it failed, died or hung."""
        if self.process is None:
            return None
        patience = max(MIN_PATIENCE, PATIENCE * (time.perf_counter() - self.started))
        received = None
        try:
            if self.connection.poll(patience):
                received = self.connection.recv()
            else:
                log.debug("the %s stage's child took over %.0f s: stopped", self.name, patience)
        except (EOFError, OSError):  # the child died before sending (killed, crashed)
            log.debug("the %s stage's child ended without a result", self.name, exc_info=True)
        except Exception:  # noqa: BLE001 - a result that would not unpickle: run the stage here
            log.debug("the %s stage's child sent no usable result", self.name, exc_info=True)
        finally:
            self.connection.close()
            # A child that sent its result is on its way out: it is given a moment to exit by
            # itself (killed at once, it raced its own exit); one that sent nothing is stopped.
            self.process.join(timeout=_EXIT_GRACE if received is not None else 0)
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
        return received

    def result(self, current: Brief) -> Brief:
        """`current` with the stage's work merged in (see `merge`)."""
        from . import nlp

        received = self._received()
        if received is None:
            changes = delta(self.brief, run_stage(self.name, self.stage, self.brief, self.options))
        else:
            changes, (minilm, static), (cpu, peak) = received
            with nlp._encoder_lock:
                nlp._EMBEDDINGS.update(minilm)
                nlp._STATIC_EMBEDDINGS.update(static)
            log.info("%s on the second core: %.2f s CPU, peak RSS %.0f MiB", self.name, cpu, peak)
        return merge(self.brief, current, changes)
