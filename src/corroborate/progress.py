"""Per-step timings and progress of a brief, for whoever listens.

Stages never print. `brief.analyse` wraps each stage in `step(name)`; long
loops inside a step call `advance(done, total)`. Both go to the observer
installed with `observing(...)` (the command line's progress bar and its
`--timings` table), or nowhere. Every finished step is also logged at INFO
(`corroborate -v`), with its wall-clock and CPU time.

CPU time is the process's (all threads: the background parse counts in the
step it overlaps), which is what a shared machine lets one compare.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

log = logging.getLogger("corroborate")


@dataclass(frozen=True)
class StepTiming:
    name: str
    wall: float  # seconds
    cpu: float  # seconds of process CPU time (user + system, all threads)


class Observer:
    """What a listener may hear (each method may be left as it is: a no-op)."""

    def started(self, name: str) -> None:
        pass

    def advanced(self, name: str, done: int, total: int) -> None:
        pass

    def finished(self, timing: StepTiming) -> None:
        pass


class Fanout(Observer):
    """Several observers as one."""

    def __init__(self, observers: Sequence[Observer]) -> None:
        self.observers = tuple(observers)

    def started(self, name: str) -> None:
        for observer in self.observers:
            observer.started(name)

    def advanced(self, name: str, done: int, total: int) -> None:
        for observer in self.observers:
            observer.advanced(name, done, total)

    def finished(self, timing: StepTiming) -> None:
        for observer in self.observers:
            observer.finished(timing)


class Timings(Observer):
    """Records each step's timing, in the order the steps finished."""

    def __init__(self) -> None:
        self.steps: list[StepTiming] = []

    def finished(self, timing: StepTiming) -> None:
        self.steps.append(timing)

    def table(self) -> str:
        """A plain table of the steps: wall, CPU and share of the total wall time."""
        total = sum(s.wall for s in self.steps) or 1.0
        lines = [f"{'step':<12} {'wall s':>8} {'cpu s':>8} {'share':>6}"]
        for s in self.steps:
            lines.append(f"{s.name:<12} {s.wall:>8.2f} {s.cpu:>8.2f} {s.wall / total:>6.0%}")
        lines.append(f"{'total':<12} {sum(s.wall for s in self.steps):>8.2f} {sum(s.cpu for s in self.steps):>8.2f}")
        return "\n".join(lines)


_observer: contextvars.ContextVar[Observer | None] = contextvars.ContextVar("corroborate_observer", default=None)
_current: contextvars.ContextVar[str] = contextvars.ContextVar("corroborate_step", default="")


@contextlib.contextmanager
def observing(observer: Observer) -> Iterator[Observer]:
    """Send the steps run inside this block to `observer`."""
    token = _observer.set(observer)
    try:
        yield observer
    finally:
        _observer.reset(token)


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """Time the block as step `name` and tell the observer."""
    observer = _observer.get()
    if observer is not None:
        observer.started(name)
    current = _current.set(name)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _current.reset(current)
        timing = StepTiming(name, time.perf_counter() - wall, time.process_time() - cpu)
        log.info("%s: %.2f s wall, %.2f s CPU", name, timing.wall, timing.cpu)
        if observer is not None:
            observer.finished(timing)


def advance(done: int, total: int, name: str | None = None) -> None:
    """Tell the observer that step `name` (default: the step running) has done
    `done` of `total` units."""
    observer = _observer.get()
    name = name or _current.get()
    if observer is not None and name:
        observer.advanced(name, done, total)


def in_thread(target, name: str) -> threading.Thread:
    """A thread that reports to this context's observer (threads start with an empty context)."""
    context = contextvars.copy_context()
    return threading.Thread(target=context.run, args=(target,), name=name)


class ProgressBars(Observer):
    """A rich progress bar per step on stderr, shown only once the brief has taken
    `delay` seconds (a quick brief prints nothing extra) and only on a terminal.
    Bars are cleared when the brief is done."""

    def __init__(self, delay: float = 2.0) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self.enabled = console.is_terminal
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._tasks: dict[str, int] = {}
        self._lock = threading.Lock()
        self._shown = False
        self._timer = threading.Timer(delay, self._show) if self.enabled else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if not self._shown and self.enabled:
                self._progress.start()
                self._shown = True

    def _task(self, name: str) -> int:
        with self._lock:
            if name not in self._tasks:
                self._tasks[name] = self._progress.add_task(name, total=None)
            return self._tasks[name]

    def started(self, name: str) -> None:
        if self.enabled:
            self._task(name)

    def advanced(self, name: str, done: int, total: int) -> None:
        if self.enabled:
            self._progress.update(self._task(name), completed=done, total=max(total, 1))

    def finished(self, timing: StepTiming) -> None:
        if self.enabled:
            task = self._task(timing.name)
            total = self._progress.tasks[task].total or 1
            self._progress.update(task, completed=total, total=total)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._shown:
                self._progress.stop()
            self.enabled = False
