"""A stage never takes the brief down with it: failures are made to happen on
purpose (a stage raising on one article, or as a whole) and must end as one
problem each, naming the stage and the article, with the rest of the brief made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate.brief import analyse, nothing_usable, start_brief
from corroborate.cli import main
from corroborate.config import BriefOptions
from corroborate.ingest import read_articles
from corroborate.model import StageProblem

EXAMPLE = Path(__file__).resolve().parent.parent / "src" / "corroborate" / "data" / "example_story" / "articles"


@pytest.fixture(scope="module")
def story():
    articles, problems = read_articles([EXAMPLE])
    assert problems == [] and len(articles) == 6
    return articles


def _victim(articles):
    return next(a for a in articles if "quell_valley_herald" in a.origin)


def _raising_on(victim_id: str, real, error=RuntimeError("planted failure\nsecond line")):
    def fragile(*args, **kwargs):
        if any(getattr(arg, "id", None) == victim_id or getattr(getattr(arg, "article", None), "id", None) == victim_id for arg in args):
            raise error
        return real(*args, **kwargs)

    return fragile


def _stage_problems(brief):
    return [p for p in brief.problems if isinstance(p, StageProblem)]


def test_sentences_failing_on_one_article_leave_the_others_briefed(story, monkeypatch):
    from corroborate import sentences

    victim = _victim(story)
    monkeypatch.setattr(sentences, "split_article", _raising_on(victim.id, sentences.split_article))
    brief = analyse(start_brief(story), BriefOptions(stages=("sentences", "relations", "summary")))
    (problem,) = _stage_problems(brief)
    assert (problem.stage, problem.article_id, problem.origin) == ("sentences", victim.id, victim.origin)
    assert str(problem) == f"{victim.origin}: the sentences stage failed on this article (RuntimeError: planted failure); it is left out of the sentences"
    assert victim.id not in {s.span.article_id for s in brief.sentences}
    assert {s.span.article_id for s in brief.sentences} == {a.id for a in story} - {victim.id}
    assert brief.summary and brief.relations and not nothing_usable(brief)


def test_facts_failing_on_one_article_keep_the_other_articles_facts(story, monkeypatch):
    import corroborate.claims as claims

    victim = _victim(story)
    real = claims.extract_claims
    monkeypatch.setattr(claims, "extract_claims", lambda ctx: (_ for _ in ()).throw(ValueError("odd value")) if ctx.article.id == victim.id else real(ctx))
    brief = analyse(start_brief(story), BriefOptions(stages=("facts",)))
    (problem,) = _stage_problems(brief)
    assert (problem.stage, problem.article_id) == ("facts", victim.id) and "ValueError: odd value" in problem.message
    cited = {c.span.article_id for slot in brief.facts for c in slot.claims}
    assert cited and victim.id not in cited


@pytest.mark.parametrize("stage", ["relations", "quotes"])
def test_a_stage_failing_on_one_article_names_it(story, monkeypatch, stage):
    import corroborate.quotes as quotes
    import corroborate.relations as relations

    victim = _victim(story)
    if stage == "relations":
        monkeypatch.setattr(relations, "_profile", _raising_on(victim.id, relations._profile))
    else:
        monkeypatch.setattr(quotes, "quoted_spans", lambda text, real=quotes.quoted_spans: (_ for _ in ()).throw(KeyError("k")) if text == victim.text else real(text))
    brief = analyse(start_brief(story), BriefOptions(stages=(stage,)))
    (problem,) = _stage_problems(brief)
    assert (problem.stage, problem.article_id) == (stage, victim.id)
    if stage == "relations":
        assert brief.relations and all(victim.id not in (r.source, r.derived) for r in brief.relations)
    else:
        assert brief.quotes and all(o.quote.span.article_id != victim.id for g in brief.quotes for o in g.occurrences)


def test_a_whole_stage_failing_is_one_problem_and_the_rest_is_briefed(story, monkeypatch):
    import corroborate.summarize as summarize

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(summarize, "summary_sentences", broken)
    brief = analyse(start_brief(story), BriefOptions(stages=("relations", "summary")))
    (problem,) = _stage_problems(brief)
    assert (problem.stage, problem.article_id, problem.origin) == ("summary", None, "brief")
    assert str(problem) == "brief: the summary stage failed (ZeroDivisionError: division by zero); the brief has no summary"
    assert brief.summary == () and brief.relations


def test_outside_a_brief_a_stage_function_still_raises(story, monkeypatch):
    """Called directly (not by `analyse`), a stage lets its errors through: the guard
    must never hide a bug from a caller that did not ask for it."""
    from corroborate import sentences

    victim = _victim(story)
    monkeypatch.setattr(sentences, "split_article", _raising_on(victim.id, sentences.split_article))
    with pytest.raises(RuntimeError, match="planted failure"):
        sentences.split_sentences(start_brief(story))


def test_the_command_line_reports_stage_problems_and_exits_by_what_is_left(monkeypatch, tmp_path):
    from corroborate import sentences

    real = sentences.split_article
    articles, _ = read_articles([EXAMPLE])
    victim = _victim(articles)
    monkeypatch.setattr(sentences, "split_article", _raising_on(victim.id, real))
    result = CliRunner().invoke(main, ["brief", str(EXAMPLE), "--format", "json", "--set", "stages=sentences"])
    assert result.exit_code == 0
    assert f"{victim.origin}: the sentences stage failed on this article" in result.stderr
    data = json.loads(result.stdout)
    assert any("sentences stage failed" in p["message"] for p in data["problems"])

    monkeypatch.setattr(sentences, "split_article", lambda article: (_ for _ in ()).throw(RuntimeError("all broken")))
    nothing = CliRunner().invoke(main, ["brief", str(EXAMPLE), "--format", "json", "--set", "stages=sentences"])
    assert nothing.exit_code == 1
    assert "every article failed in the analysis" in nothing.stderr and nothing.stdout == ""


def test_a_bug_outside_any_stage_is_one_line_from_the_console_script(tmp_path):
    """The last resort: an error nothing caught ends the program with one line and
    code 1 (CORROBORATE_DEBUG=1 would show the traceback)."""
    import subprocess
    import sys

    code = (
        "import sys, corroborate.cli as cli\n"
        "import corroborate.ingest as ingest\n"
        "def broken(*a, **k):\n    raise LookupError('a bug we have not met yet')\n"
        "ingest.read_articles = broken\n"
        f"sys.argv = ['corroborate', 'quotes', {str(EXAMPLE)!r}]\n"
        "cli.run()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "corroborate: error: corroborate failed (LookupError: a bug we have not met yet); "
        "please report it, with CORROBORATE_DEBUG=1 for the details"
    )
