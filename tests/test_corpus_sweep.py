"""A fixed sample of the real-corpus sweep (benchmarks/corpus_sweep.py runs all of
it): real articles of every evaluation set through brief, ingest and cluster,
with no traceback and no stage problem."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import ROOT, shared_path

from corroborate.model import StageProblem

pytestmark = pytest.mark.slow


def _sweep():
    spec = importlib.util.spec_from_file_location("corpus_sweep", ROOT / "benchmarks" / "corpus_sweep.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# (set, how many units, how many articles of each unit)
SAMPLE = [("multinews", 1, None), ("timeline17", 1, 6), ("polnear", 1, None), ("uci", 1, 200), ("ecbplus", 1, 40)]


@pytest.mark.parametrize(("set_name", "units", "articles"), SAMPLE, ids=[s for s, _, _ in SAMPLE])
def test_a_sample_of_every_real_set_runs_without_traceback_or_stage_problem(tmp_path, set_name, units, articles):
    shared_path("data")
    sweep = _sweep()
    limit = articles if set_name in ("uci", "ecbplus") else units
    for name, docs in sweep.units(set_name, limit)[:units]:
        docs = docs[:articles] if articles else docs
        path = sweep._write(tmp_path, name, docs)
        problems, read = sweep._run_unit(set_name, path, tmp_path)  # an exception here is the failure
        assert read > 0
        stage_problems = [str(p) for p in problems if isinstance(p, StageProblem)]
        assert stage_problems == [], stage_problems


def test_the_sweep_reports_a_traceback_and_a_stage_problem(tmp_path, monkeypatch):
    """The sweep can fail: a planted failure is counted as what it is."""
    import corroborate.summarize as summarize

    shared_path("data")
    sweep = _sweep()
    monkeypatch.setattr(summarize, "summary_sentences", lambda *a, **k: 1 / 0)
    log = tmp_path / "sweep.log"
    row = sweep.run_set("polnear", 1, log)
    assert (row["units"], row["tracebacks"], row["stage_problems"]) == (1, 0, 1)
    assert "the summary stage failed (ZeroDivisionError" in log.read_text()
    monkeypatch.setattr(sweep, "_run_unit", lambda *a: (_ for _ in ()).throw(KeyError("escaped")))
    row = sweep.run_set("polnear", 1, log)
    assert row["tracebacks"] == 1 and "KeyError: 'escaped'" in log.read_text()
    assert Path(log).exists()
