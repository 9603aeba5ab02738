"""Connecting to a Dask cluster: `--dask tcp://HOST:PORT`, or `--dask local[:N]` for
a cluster of N worker processes on this machine (bound to 127.0.0.1 only).

Anything that stops the run before or during it (no scheduler there, no
worker, workers with other code, the scheduler lost) is a `ClusterUnavailable`
with a one-line message for the command line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator

_LOCAL = re.compile(r"local(?::(\d+))?")
CONNECT_SECONDS = 10.0
# How long a run waits for a first worker before saying the cluster has none.
WORKER_SECONDS = 30.0
# A local cluster's housekeeping, slowed down: by default its scheduler, nanny and
# worker each check their event loop every 20 ms, the worker samples its threads'
# stacks every 10 ms for the dashboard's profile (there is no dashboard without
# bokeh) and polls its memory every 100 ms and the system every 500 ms. That cost
# 6.5% of a core, idle or busy (8 s of CPU in a 150 s ingest on a lone worker: what
# the Dask path spent beside the work of one process, BENCHMARKS.md, round 17e);
# 0.9% so. The memory is still checked every second (a worker far over its limit
# is stopped).
QUIET_LOCAL_CLUSTER = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.worker.profile.enabled": False,
}


class ClusterUnavailable(Exception):
    """The Dask cluster cannot be used; the message says why, in one line."""


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


@contextlib.contextmanager
def connect(spec: str, parser: bool = False, workers_timeout: float = WORKER_SECONDS) -> Iterator:
    """A `distributed.Client` for `spec` with every worker set up (`worker.CorroborateSetup`;
    `parser`: load spaCy too, for briefs); closed (and a local cluster stopped) on exit."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterUnavailable("--dask needs Dask: pip install 'corroborate[dask]'") from None
    from ..store.briefs import code_fingerprint
    from .worker import CorroborateSetup, OtherCode, usable_cores

    local = _LOCAL.fullmatch(spec.strip())
    cluster, count = None, 1
    if local:
        count = int(local.group(1) or (os.cpu_count() or 1))
        if count < 1:
            raise ClusterUnavailable(f"--dask {spec}: a local cluster needs at least one worker")
        # One thread per worker process for briefs: the models' own threads are sized to
        # the worker's cores (worker.py), and a brief parses beside itself. Reading runs
        # Python (holding the GIL) then the encoder (not holding it): a lone worker with
        # cores to spare reads one unit while it embeds another on a second thread, as
        # one process reads in a child process while it embeds (BENCHMARKS.md, "Quiet
        # re-measurement ... fourth session": 1.32x one process with one thread).
        # Not daemonic: a worker given two cores or more parses a large story in two
        # processes, as one process does (a daemonic process may have no children).
        threads = 1 if parser else max(1, usable_cores() // count)
        with dask.config.set({"distributed.worker.daemon": False, **QUIET_LOCAL_CLUSTER}):
            cluster = LocalCluster(
                n_workers=count, threads_per_worker=threads, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
            )  # fmt: skip
        address = cluster.scheduler_address
        client = Client(cluster, set_as_default=False)
    else:
        address = spec if "://" in spec else f"tcp://{spec}"
        try:
            client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address} ({_first_line(error)})") from None
    try:
        try:
            # Every worker of a local cluster, so that each knows its share of the cores.
            client.wait_for_workers(count if local else 1, timeout=workers_timeout)
        except (TimeoutError, OSError):
            raise ClusterUnavailable(
                f"the Dask scheduler at {address} has no workers (start some: dask worker {address})"
            ) from None
        try:
            client.register_plugin(CorroborateSetup(code_fingerprint(), parser=parser, host_threads=_host_threads(client)))
        except OtherCode as error:
            raise ClusterUnavailable(str(error)) from None
        yield client
    finally:
        # A closing local cluster has races (a worker's heartbeat sent as the scheduler
        # goes) that distributed logs as errors with a traceback, which would land on the
        # user's terminal after a finished run (seen once in CI): its logs are silenced
        # first, on each worker and in this process (where its scheduler lives).
        if cluster is not None:
            with contextlib.suppress(Exception):
                client.run(_silence_distributed_logs)
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with _distributed_logs_off(), contextlib.suppress(Exception):
                cluster.close()


def _distributed_loggers() -> list[logging.Logger]:
    """distributed's loggers (its own levels may be set per logger by Dask's config)."""
    names = [name for name in logging.root.manager.loggerDict if name.startswith("distributed.")]
    return [logging.getLogger(name) for name in ["distributed", *names]]


def _silence_distributed_logs() -> None:
    """On a worker about to close: none of distributed's logs any more."""
    for logger in _distributed_loggers():
        logger.setLevel(logging.CRITICAL + 1)


@contextlib.contextmanager
def _distributed_logs_off() -> Iterator[None]:
    """None of distributed's logs in this process while the block runs."""
    levels = {logger: logger.level for logger in _distributed_loggers()}
    _silence_distributed_logs()
    try:
        yield
    finally:
        for logger, level in levels.items():
            logger.setLevel(level)


def _host_threads(client) -> dict[str, int]:
    """Task threads of the workers connected now, by host (each worker's share of its
    machine's cores, `worker.cores_of`)."""
    from distributed.comm import get_address_host

    threads: dict[str, int] = {}
    for address, info in client.scheduler_info().get("workers", {}).items():
        host = get_address_host(address)
        threads[host] = threads.get(host, 0) + int(info.get("nthreads", 1))
    return threads


def lost(error: BaseException, address: str) -> ClusterUnavailable:
    """The one-line error for a cluster that went away during a run."""
    return ClusterUnavailable(
        f"lost the Dask scheduler at {address} ({_first_line(error)}); "
        "run the same command again: what was stored is kept"
    )
