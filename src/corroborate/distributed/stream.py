"""Units in, results out in input order: the client plans work units lazily,
keeps a bounded number of them running on the workers, and hands their results
on in unit order, so that what consumes them (the store's one writer, the
clusterer) sees the stream exactly as one process reads it.

Dask re-runs the task of a worker that died (its result is recomputed if it
was lost with the worker), so a killed worker costs only its tasks. A task
that fails for other reasons, or kills every worker that runs it, becomes a
problem naming the unit's files: the rest of the input is still read.
"""

from __future__ import annotations

import collections
import uuid
from collections.abc import Callable, Iterable, Iterator

from ..model import InputProblem
from . import tasks
from .reading import ordered_entries
from .units import BigFile, Unit, group_files, list_files, nominal_ranges, ranges_of, unit_size

# Units running or waiting per worker thread: enough that no thread waits while the
# client works through a finished unit, few enough to bound memory.
AHEAD_PER_THREAD = 4


def worker_threads(client) -> int:
    return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()))


def plan_units(client, inputs: Iterable, code: str, unit_bytes: int | None = None) -> Iterator[Unit | InputProblem]:
    """Work units and problems in input order (`unit_bytes` each; default: sized to the
    input and the cluster, `units.unit_size`). A large JSON Lines file is scanned on the
    workers and cut into ranges, or read whole when ranges would not read as the whole
    file does (`units.ranges_of`)."""
    listing = list_files(inputs)
    unit_bytes = unit_bytes or unit_size(listing, worker_threads(client))
    number = 0
    for item in group_files(listing, unit_bytes):
        if isinstance(item, InputProblem):
            yield item
            continue
        if isinstance(item, BigFile):
            futures = [client.submit(tasks.scan, item.name, a, b, code, pure=False) for a, b in nominal_ranges(item.size, unit_bytes)]
            ranged = ranges_of(item, client.gather(futures), number)
            for unit in ranged or [Unit(number, (item.name,))]:
                yield unit
                number += 1
            continue
        yield Unit(number, tuple(item))
        number += 1


def in_order(client, function: Callable, units: Iterable[Unit | InputProblem], *args, ahead: int | None = None) -> Iterator:
    """(unit, function(unit, *args)) for each unit, in order, with at most `ahead` units
    on the workers; a problem among `units` is passed on in its place. A failed
    unit's result is `failed(unit, reason)`."""
    ahead = ahead or AHEAD_PER_THREAD * worker_threads(client) + 2
    run = uuid.uuid4().hex[:12]  # task keys unique to this run (a scheduler may serve several clients)
    running: collections.deque = collections.deque()
    source = iter(units)
    exhausted = False

    def top_up() -> None:
        nonlocal exhausted
        while not exhausted and sum(1 for _, f in running if f is not None) < ahead:
            unit = next(source, None)
            if unit is None:
                exhausted = True
            elif isinstance(unit, InputProblem):
                running.append((unit, None))
            else:
                running.append((unit, client.submit(function, unit, *args, key=f"{function.__name__}-{run}-{unit.number}", pure=False)))

    top_up()
    while running:
        unit, future = running.popleft()
        if future is None:
            yield unit
            top_up()
            continue
        result = result_or_failure(future)
        if isinstance(result, str):
            result = failed(unit, result)
        del future
        top_up()
        yield unit, result


def result_or_failure(future):
    """The future's result, or why its task failed (a string)."""
    from distributed import KilledWorker

    from .worker import OtherCode

    try:
        return future.result()
    except OtherCode:
        raise
    except KilledWorker:
        return "every worker that read it died (out of memory?)"
    except Exception as error:  # noqa: BLE001 - a bug on one unit must not end the run
        if _client_lost(future.client):
            raise
        return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}"


def _client_lost(client) -> bool:
    return client.status not in ("running", "connecting")


def failed(unit: Unit, reason: str) -> tuple[list, set]:
    """The result of a unit whose task failed: one problem naming what it held."""
    return [InputProblem(unit.describe(), f"not read: the task failed on a worker ({reason})")], set()


def entries(client, function: Callable, inputs: Iterable, code: str, *args, unit_bytes: int | None = None) -> Iterator:
    """Every entry (article, prepared article, problem...) that `function` makes of the
    inputs' units, in input order, with repeated problems of a file read in ranges
    summarised as for a file read whole."""
    results = in_order(client, function, plan_units(client, inputs, code, unit_bytes), *args, code)
    return ordered_entries((PLANNED_PROBLEM, ([item], set())) if isinstance(item, InputProblem) else item for item in results)


# The place of a problem found while planning (a missing path) among the units' results.
PLANNED_PROBLEM = Unit(-1, ())
