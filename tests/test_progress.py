"""Per-step timings and progress reports of a brief (corroborate.progress)."""

from __future__ import annotations

import io
import logging

from builders import article

from corroborate import progress
from corroborate.brief import analyse, start_brief
from corroborate.config import BriefOptions


class Heard(progress.Observer):
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def started(self, name):
        self.events.append(("started", name))

    def advanced(self, name, done, total):
        self.events.append(("advanced", name, done, total))

    def finished(self, timing):
        self.events.append(("finished", timing.name))


def test_each_stage_is_a_timed_step_reported_to_the_observer(caplog):
    brief = start_brief([article("The ferry stopped on Monday. Nobody sailed.", title="Ferry")])
    heard, timings = Heard(), progress.Timings()
    with caplog.at_level(logging.INFO, logger="corroborate"):
        with progress.observing(progress.Fanout([heard, timings])):
            analyse(brief, BriefOptions(stages=("sentences",)))
    assert heard.events == [("started", "sentences"), ("finished", "sentences")]
    assert [s.name for s in timings.steps] == ["sentences"] and timings.steps[0].wall >= 0
    assert "sentences" in timings.table() and "total" in timings.table()
    assert any(record.getMessage().startswith("sentences: ") for record in caplog.records)


def test_advance_reports_to_the_running_step_and_nowhere_without_an_observer():
    progress.advance(1, 2)  # no observer: nothing happens, nothing fails
    heard = Heard()
    with progress.observing(heard):
        with progress.step("parse"):
            progress.advance(1, 4)
        progress.advance(2, 4, "embed")
    assert ("advanced", "parse", 1, 4) in heard.events and ("advanced", "embed", 2, 4) in heard.events


def test_progress_bars_stay_silent_off_a_terminal(monkeypatch):
    import rich.console

    monkeypatch.setattr(rich.console.Console, "is_terminal", property(lambda self: False))
    bars = progress.ProgressBars(delay=0.0)
    assert not bars.enabled
    bars.started("parse")
    bars.advanced("parse", 1, 2)
    bars.close()
