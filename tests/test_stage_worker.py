"""The quotes stage of a big story runs in a forked child beside facts
(stage_worker): the brief is the same as in one process, bit for bit (failures per
article included, in the same order); a child that dies or hangs costs only time;
no child where the brief may use one core. The threshold is lowered so that the
bundled fictional story takes the path."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from conftest import ROOT

from corroborate import brief as pipeline
from corroborate import nlp, stage_worker
from corroborate.brief import analyse, start_brief
from corroborate.ingest import read_articles
from corroborate.model import Brief, StageProblem
from corroborate.render.json import to_dict

PLANTED = ROOT / "src" / "corroborate" / "data" / "planted_story" / "articles"


@pytest.fixture(scope="module")
def story():
    articles, problems = read_articles([PLANTED])
    assert problems == [] and len(articles) == 8
    return articles


def _json(brief: Brief) -> str:
    return json.dumps(to_dict(brief), ensure_ascii=False, sort_keys=True)


@pytest.fixture()
def forks(monkeypatch):
    """The side stage taken by any story; the forks made are counted."""
    monkeypatch.setattr(stage_worker, "FORK_CHARS", 0)
    monkeypatch.setattr(nlp, "CORES", 2)
    made = []
    real = stage_worker.SideStage.__init__

    def counted(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self.process)

    monkeypatch.setattr(stage_worker.SideStage, "__init__", counted)
    return made


def _in_one_process(story, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(stage_worker, "may_fork", lambda brief: False)
        return _json(analyse(start_brief(story)))


def _fail_on_one_article(story, monkeypatch):
    """Quotes and facts each fail on one article (two problems, in stage order) and
    quotes adds a note of its own: the merge must keep both stages' entries in order."""
    import corroborate.claims as claims
    import corroborate.quotes as quotes

    quoting, dated = story[1], story[2]
    real_spans, real_claims = quotes.quoted_spans, claims.extract_claims
    monkeypatch.setattr(quotes, "quoted_spans", lambda text: (_ for _ in ()).throw(KeyError("k")) if text == quoting.text else real_spans(text))
    monkeypatch.setattr(claims, "extract_claims", lambda ctx: (_ for _ in ()).throw(ValueError("v")) if ctx.article.id == dated.id else real_claims(ctx))


def test_the_side_stage_gives_the_same_brief_bit_for_bit(story, forks, monkeypatch):
    _fail_on_one_article(story, monkeypatch)
    expected = _in_one_process(story, monkeypatch)
    got = analyse(start_brief(story))
    assert len(forks) == 1 and forks[0] is not None and forks[0].exitcode == 0  # the child did the quotes
    stages = [p.stage for p in got.problems if isinstance(p, StageProblem)]
    assert stages[0] == "quotes" and stages[-1] == "facts" and stages == sorted(stages, reverse=True)
    assert got.quotes and got.facts
    assert _json(got) == expected


@pytest.mark.parametrize("how", ["killed", "hung"])
def test_a_child_that_dies_or_hangs_leaves_the_stage_to_the_parent(story, forks, monkeypatch, how):
    expected = _in_one_process(story, monkeypatch)
    if how == "killed":
        monkeypatch.setattr(stage_worker, "_child", lambda *args: os.kill(os.getpid(), signal.SIGKILL))
    else:
        monkeypatch.setattr(stage_worker, "_child", lambda *args: time.sleep(600))
        monkeypatch.setattr(stage_worker, "MIN_PATIENCE", 0.5)
        monkeypatch.setattr(stage_worker, "PATIENCE", 0)
    got = analyse(start_brief(story))
    assert len(forks) == 1 and not forks[0].is_alive()  # forked, and gone (killed when it hung)
    assert forks[0].exitcode != 0
    assert _json(got) == expected  # no problem entry: the parent ran the stage itself


def test_no_child_from_a_thread_other_than_the_main_one(story, forks):
    """A brief run on a request thread of the web app (or any thread pool) never
    forks: the process has threads whose locks the child could inherit held."""
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append((stage_worker.may_fork(start_brief(story)), analyse(start_brief(story)))))
    thread.start()
    thread.join()
    assert stage_worker.may_fork(start_brief(story))  # the main thread may
    assert seen[0][0] is False and seen[0][1].quotes and forks == []


@pytest.mark.parametrize("setting", ["one core", "no warm-up", "daemonic"])
def test_no_child_where_the_brief_may_use_one_core(story, forks, monkeypatch, setting):
    if setting == "one core":
        monkeypatch.setattr(nlp, "CORES", 1)
    elif setting == "no warm-up":
        monkeypatch.setattr(pipeline, "BACKGROUND_WARM_UP", False)
    else:
        import multiprocessing

        monkeypatch.setattr(multiprocessing.current_process(), "_config", {**multiprocessing.current_process()._config, "daemon": True})
    assert not stage_worker.may_fork(start_brief(story))
    assert analyse(start_brief(story)).quotes and forks == []


def test_merge_puts_the_side_stage_entries_before_the_later_stage_entries():
    before = Brief(title="t", articles=(), notes=("a",), problems=())
    side = Brief(title="t", articles=(), notes=("a", "q"), quotes=())
    later = Brief(title="t", articles=(), notes=("a", "f"), facts=())
    changes = stage_worker.delta(before, side)
    assert changes == {"notes": ("q",)}
    assert stage_worker.merge(before, later, changes).notes == ("a", "q", "f")
