"""The `corroborate` command line, end to end: briefs in every format on
fictional articles, --out, bad input and bad flags (one line, right exit code,
no traceback), --help, --version, settings; and the five real articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate import __version__, cli
from corroborate.config import BriefOptions, documented_settings

# Three fictional outlets on one fictional event (written for these tests).
FIXTURES = {
    "harbour-gazette.txt": """date 2031-03-04
source Eastmere Gazette
url https://gazette.example/ferry
Eastmere ferry withdrawn after hull corrosion found

Eastmere's only ferry was withdrawn from service on Monday after an inspection found corrosion in its hull, the harbour authority said.

Harbour master Ines Valdor said: "We will not sail a vessel we cannot trust. Repairs start this week and should take 18 days."

About 1,200 commuters use the crossing each day. The authority has chartered two buses to run around the bay until the ferry returns.
""",
    "ledger.txt": """date 2031-03-05
source Coastal Daily Ledger
Rust damage halts Eastmere ferry for three weeks

The Eastmere ferry has been pulled from service after inspectors discovered rust damage to its hull.

"We will not run a vessel we cannot trust," harbour master Ines Valdor told reporters, adding that repairs would last three weeks.

Roughly 900 commuters rely on the ferry every day, and the replacement buses add forty minutes to the trip.
""",
    "bramble.txt": """Ferry repairs lengthen commutes in Eastmere

Commuters in Eastmere face longer journeys this month while the town's ferry is repaired in the Kessel dry dock.

Valdor said repairs "should take 18 days" and that two chartered buses would fill the gap until the ferry returns.

Local baker Tomas Reed said the detour adds an hour to his morning and that he hopes the crossing reopens before the spring market.
""",
}
OUTLETS = ("Eastmere Gazette", "Coastal Daily Ledger", "bramble.txt")


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("story")
    for name, text in FIXTURES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def run(runner: CliRunner, *args: str):
    return runner.invoke(cli.main, list(args), catch_exceptions=False)


def assert_user_error(result, *words: str, code: int = 2) -> None:
    """A user's mistake: the right exit code, a message naming the problem, no traceback."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


# --- help, version, settings -----------------------------------------------------


def test_help_says_what_it_does_with_an_example(runner):
    result = run(runner, "--help")
    assert result.exit_code == 0
    assert "news story" in result.output and "corroborate brief articles/" in result.output
    assert "brief" in result.output and "settings" in result.output


def test_brief_help_lists_every_flag(runner):
    result = run(runner, "brief", "--help")
    for flag in ("--format", "--out", "--words", "--show-removed", "--reference-date", "--set"):
        assert flag in result.output
    assert "terminal|md|json|html" in result.output


def test_version(runner):
    result = run(runner, "--version")
    assert result.exit_code == 0 and result.output.strip() == f"corroborate {__version__}"


def test_every_setting_is_documented():
    for name, _default, help_text in documented_settings():
        assert help_text.strip(), f"BriefOptions.{name} has no help text"
    assert [f.name for f in fields(BriefOptions)] == [name for name, _, _ in documented_settings()]


def test_settings_command_lists_every_setting(runner):
    text = run(runner, "settings").output
    markdown = run(runner, "settings", "--format", "md").output
    for f in fields(BriefOptions):
        assert f.name in text
        assert f"| `{f.name}` |" in markdown


def test_cli_formats_match_the_renderers():
    from corroborate.render import FORMATS

    assert tuple(FORMATS) == cli.FORMATS


def test_help_imports_nothing_heavy():
    code = (
        "import sys, corroborate.cli; "
        "heavy = {'spacy', 'numpy', 'onnxruntime', 'jinja2', 'rich', 'trafilatura', 'sklearn'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_python_dash_m(story):
    result = subprocess.run([sys.executable, "-m", "corroborate", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_set_overrides_a_setting():
    options = cli.apply_settings(BriefOptions(), ["summary_words=50", "stages=sentences,summary", "reference_date=none"])
    assert options.summary_words == 50 and options.stages == ("sentences", "summary") and options.reference_date is None


# --- briefs ---------------------------------------------------------------------


def test_terminal_brief_names_every_article_and_cites(runner, story):
    result = run(runner, "brief", str(story))
    assert result.exit_code == 0, result.output
    for outlet in OUTLETS:
        assert outlet in result.stdout
    assert "3 files" in result.stdout
    assert "Summary" in result.stdout and "[1]" in result.stdout
    assert result.stderr == ""


def test_timings_are_printed_per_step_on_stderr_only_when_asked(runner, story):
    result = run(runner, "brief", str(story), "--timings", "-f", "json")
    assert result.exit_code == 0, result.output
    table = result.stderr.splitlines()
    assert table[0].split() == ["step", "wall", "s", "cpu", "s", "share"]
    steps = [line.split()[0] for line in table[1:]]
    assert steps[:3] == ["read", "sentences", "embed"] and {"quotes", "facts", "summary", "total"} <= set(steps)
    assert json.loads(result.stdout)["article_count"] == 3  # the brief itself is untouched


def test_json_brief_is_the_documented_schema(runner, story):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
    result = run(runner, "brief", str(story), "--format", "json", "--words", "40")
    data = json.loads(result.stdout)
    schema = json.loads((Path(__file__).resolve().parent.parent / "docs" / "brief-schema.json").read_text())
    jsonschema.validate(data, schema)
    assert sorted(a["label"] for a in data["articles"]) == sorted(OUTLETS)
    assert data["summary"], "the summary is empty"
    assert sum(len(s["text"].split()) for s in data["summary"]) <= 40 + 45  # budget, plus at most one long sentence
    for sentence in data["summary"]:
        assert sentence["citations"][0] == sentence["span"]["article_id"]


def test_markdown_brief(runner, story):
    result = run(runner, "brief", str(story), "--format", "md", "--show-removed")
    assert result.stdout.startswith("# ")
    assert "## Sources" in result.stdout and "## Removed lines" in result.stdout


@pytest.mark.parametrize(("name", "marker"), [("brief.html", "<!DOCTYPE html>"), ("brief.md", "## Sources"), ("brief.json", '"schema_version"')])
def test_out_writes_the_file_in_the_format_its_name_says(runner, story, tmp_path, name, marker):
    out = tmp_path / name
    result = run(runner, "brief", str(story), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert marker in out.read_text(encoding="utf-8")
    assert f"wrote" in result.stderr and str(out) in result.stderr


def test_out_with_explicit_format(runner, story, tmp_path):
    out = tmp_path / "report.txt"
    result = run(runner, "brief", str(story), "--format", "html", "--out", str(out))
    assert result.exit_code == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_example_story_names_every_outlet(runner, example_story_dir, example_truth):
    result = run(runner, "brief", str(example_story_dir / "articles"), "--format", "json")
    assert result.exit_code == 0, result.output
    articles = json.loads(result.stdout)["articles"]
    # Every file of the story is in the brief, under a name a user can find it by.
    assert sorted(Path(a["origin"]).name for a in articles) == sorted(example_truth["articles"])
    assert all(a["label"] for a in articles)


# --- bad input and bad flags ---------------------------------------------------------


def test_unreadable_files_are_reported_one_line_each_and_the_rest_briefed(runner, story, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "feed.jsonl").write_text('{"title": "Fine", "text": "A fictional line."}\n{broken\n')
    missing = tmp_path / "missing.txt"
    result = run(runner, "brief", str(story), str(tmp_path / "empty.txt"), str(tmp_path / "feed.jsonl"), str(missing), "--format", "json")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert all(line.startswith("corroborate: ") for line in lines)
    assert any(str(tmp_path / "empty.txt") in line for line in lines)
    assert any(f"{tmp_path / 'feed.jsonl'}:2:" in line for line in lines), "a bad record names its line"
    assert any(str(missing) in line and "no such file" in line for line in lines)
    data = json.loads(result.stdout)
    assert len(data["problems"]) == len(lines)
    assert {a["label"] for a in data["articles"]} >= set(OUTLETS)


def test_nothing_usable_is_a_clear_error(runner, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = run(runner, "brief", str(tmp_path / "empty.txt"), str(tmp_path / "nope"))
    assert_user_error(result, "nothing to brief", "empty.txt", "nope")
    assert result.stderr.splitlines()[-1].startswith("corroborate: error: ")
    assert result.stdout == ""


def test_no_path_at_all(runner):
    assert_user_error(run(runner, "brief"), "PATH")


def test_bad_format_value(runner, story):
    assert_user_error(run(runner, "brief", str(story), "--format", "pdf"), "pdf")


def test_bad_reference_date(runner, story):
    assert_user_error(run(runner, "brief", str(story), "--reference-date", "28/11/2022"), "YYYY-MM-DD")


def test_bad_words(runner, story):
    assert_user_error(run(runner, "brief", str(story), "--words", "0"), "--words")


def test_unknown_setting(runner, story):
    assert_user_error(run(runner, "brief", str(story), "--set", "colour=blue"), "unknown setting 'colour'")


@pytest.mark.parametrize("case", ["folder-missing", "is-a-folder", "read-only"])
def test_unwritable_out_fails_before_any_work(runner, story, tmp_path, case):
    if case == "folder-missing":
        out = tmp_path / "no" / "such" / "brief.html"
    elif case == "is-a-folder":
        out = tmp_path
    else:
        if os.geteuid() == 0:
            pytest.skip("root may write anywhere: a read-only folder cannot be tested as root")
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        out = locked / "brief.html"
    result = run(runner, "brief", str(story), "--out", str(out))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cannot write --out" in result.stderr or "is a directory" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4


def test_script_entry_point_has_no_traceback_for_user_errors(tmp_path):
    script = Path(sys.executable).parent / "corroborate"
    if not script.exists():
        pytest.skip(f"console script not installed at {script} (pip install -e .)")
    result = subprocess.run([str(script), "brief", str(tmp_path / "nothing-here.txt")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"corroborate: {tmp_path / 'nothing-here.txt'}: no such file or folder",
        "corroborate: error: nothing to brief: no readable article in the input",
    ]


def test_library_brief_of_nothing_raises_and_the_program_ends_cleanly(tmp_path):
    """`brief()` starts loading models on other threads before it reads; when nothing
    can be read it raises, and a program that then ends must not abort in the middle
    of those imports (it did, SIGABRT, while the threads were daemons)."""
    code = (
        "import sys\n"
        "from corroborate.brief import NoUsableInput, brief\n"
        "try:\n"
        f"    brief([{str(tmp_path / 'missing.txt')!r}])\n"
        "except NoUsableInput:\n"
        "    sys.exit(7)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 7, result.stderr[-2000:]
    assert "Fatal Python error" not in result.stderr


def test_script_writes_the_whole_brief_before_its_quick_exit(tmp_path, example_story_dir):
    """The console script skips interpreter teardown after `brief` (`cli.run`): the
    file and the piped terminal output must still be complete, the exit status 0."""
    script = Path(sys.executable).parent / "corroborate"
    if not script.exists():
        pytest.skip(f"console script not installed at {script} (pip install -e .)")
    out = tmp_path / "brief.md"
    written = subprocess.run([str(script), "brief", str(example_story_dir), "--out", str(out)], capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    text = out.read_text(encoding="utf-8")
    assert "## Summary" in text and text.rstrip().splitlines()[-1].strip()
    assert f"wrote md brief to {out}" in written.stderr
    piped = subprocess.run([sys.executable, "-m", "corroborate", "brief", str(example_story_dir)], capture_output=True, text=True)
    assert piped.returncode == 0, piped.stderr
    assert "Brantmoor" in piped.stdout.splitlines()[0]
    assert len(piped.stdout.splitlines()) > 30


# --- the real articles ---------------------------------------------------------------


@pytest.mark.slow
def test_balenciaga_brief_names_the_five_articles(runner, balenciaga_dir):
    files = sorted(p.name for p in balenciaga_dir.glob("*.txt"))
    assert len(files) == 5
    terminal = run(runner, "brief", str(balenciaga_dir))
    assert terminal.exit_code == 0, terminal.output
    data = json.loads(run(runner, "brief", str(balenciaga_dir), "--format", "json").stdout)
    labels = [a["label"] for a in data["articles"]]
    assert len(labels) == 5
    for label in labels:
        assert label in terminal.stdout
    assert sorted(Path(a["origin"]).name for a in data["articles"]) == files
    assert "5 files" in terminal.stdout
    assert all(s["citations"] for s in data["summary"])
