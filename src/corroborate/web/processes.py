"""`corroborate serve --set processes=N`: N server processes on one port, one brief worker.

One interpreter makes one page at a time (its lock), so a loaded server's latency
is queueing on one core; a second process adds the other core's share (measured:
benchmarks/web_load.py, BENCHMARKS.md). The store must still have exactly one
writer, so the first process owns the background worker (worker.BriefWorker, as
with one process) and lends it to the others through a `multiprocessing` manager
on a Unix socket in a private temporary folder, with a random key: the others'
pages call the same four methods (`request_brief`, `failure`, `submit_ingest`,
`job`) on a proxy. The kernel hands each new connection to one of the processes
listening on the port (SO_REUSEPORT). Each process keeps its own page cache and story
rows; both are keyed by the store's generation, so they agree.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import socket
import tempfile
import threading
from multiprocessing.managers import BaseManager
from pathlib import Path

WORKER_CALLS = ("request_brief", "failure", "submit_ingest", "job")


class _Lending(BaseManager):
    pass


class _Borrowing(BaseManager):  # a class of its own: registering "worker" here must not touch _Lending's
    pass


class SharedWorker:
    """The first process's worker as the other processes see it: its calls go to it
    through the manager; starting and stopping it is the first process's business."""

    def __init__(self, address: str, key: bytes) -> None:
        _Borrowing.register("worker")
        self._manager = _Borrowing(address=address, authkey=key)
        self._manager.connect()
        self._local = threading.local()  # a proxy per thread: a page thread waits on its own connection

    def _proxy(self):
        proxy = getattr(self._local, "proxy", None)
        if proxy is None:
            proxy = self._local.proxy = self._manager.worker()
        return proxy

    def alive(self) -> bool:
        return True

    def start(self) -> None:
        pass

    def stop(self, timeout: float = 10.0) -> None:
        pass

    def request_brief(self, story_id: int) -> None:
        return self._proxy().request_brief(story_id)

    def failure(self, story_id: int, members: str):
        return self._proxy().failure(story_id, members)

    def submit_ingest(self, *args):
        return self._proxy().submit_ingest(*args)

    def job(self, job_id: str):
        return self._proxy().job(job_id)


class Lender:
    """Serves `worker`'s calls to other processes from a thread of this one, on a Unix
    socket in a private folder (mode 0700: only this user reaches it) and with a random
    key (a connection that cannot prove it has the key is refused)."""

    def __init__(self, worker) -> None:
        self.folder = tempfile.mkdtemp(prefix="corroborate-serve-")
        self.address, self.key = str(Path(self.folder) / "worker"), secrets.token_bytes(32)
        _Lending.register("worker", callable=lambda: worker, exposed=WORKER_CALLS)
        self._server = _Lending(address=self.address, authkey=self.key).get_server()
        threading.Thread(target=self._server.serve_forever, name="corroborate-worker-lender", daemon=True).start()

    def close(self) -> None:
        self._server.listener.close()  # removes the socket's file
        shutil.rmtree(self.folder, ignore_errors=True)


def listening_socket(settings) -> socket.socket:
    """A socket listening on the settings' address, one per process, with SO_REUSEPORT:
    the kernel spreads new connections evenly over the processes' sockets. (One socket
    shared by all was measured worse: whichever process woke first accepted a whole
    burst of the benchmark's connections.)"""
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((settings.host.strip("[]"), settings.port))
    sock.listen(2048)
    return sock


def serve_processes(db, settings, run) -> None:
    """Serve with `settings.processes` processes; `run(app, sock)` serves one app on the
    bound socket until interrupted (uvicorn, in web.serve)."""
    from .app import create_app
    from .worker import BriefWorker

    sock = listening_socket(settings)
    worker = BriefWorker(db, precompute=settings.precompute_briefs, niceness=settings.worker_niceness)
    lender = Lender(worker)
    context = multiprocessing.get_context("spawn")  # the server has threads: never fork it
    others = [
        context.Process(target=_serve_another, args=(str(db), settings, lender.address, lender.key, run, os.getpid()),
                        name=f"corroborate-serve-{number}", daemon=True)  # fmt: skip
        for number in range(1, settings.processes)
    ]
    try:
        for process in others:
            process.start()
        run(create_app(db, settings, worker=worker), sock)
    finally:
        for process in others:
            process.terminate()
        for process in others:
            process.join(10)
        lender.close()
        sock.close()


def _serve_another(db: str, settings, address: str, key: bytes, run, parent: int) -> None:
    from .app import create_app

    def orphaned() -> None:  # the first process was killed: this one goes too
        while os.getppid() == parent:
            threading.Event().wait(1.0)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        run(create_app(db, settings, worker=SharedWorker(address, key)), listening_socket(settings))
