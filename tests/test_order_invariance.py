"""The brief does not depend on the order of its inputs: any permutation of the input
files, or of the records inside a JSON Lines file, gives the same brief, up to the
numbering of records (`path#line-N` is a position in the file). Compared is the whole
JSON brief: relations and their direction, source groups, quote groups, canonical
wordings and verdicts, facts and conflicts, timeline, summary and citations, title,
every input's status. Article ids are derived from content, so they are compared as they are.

Each permutation runs the whole pipeline from the files (`corroborate.brief.brief`);
the models' caches (parses and embeddings, keyed by text) and two memos of pure
functions (`work_done_once`) keep 200+ briefs inside the test budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE_STORY, ROOT, shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate.render.json import to_dict

PLANTED = ROOT / "src" / "corroborate" / "data" / "planted_story" / "articles"
RECORD_NUMBER = re.compile(r"#(record|line|entry)-\d+")
PERMUTATIONS = 100  # per input set: the bundled story and the five real articles, 200 in all


def normalised(result) -> str:
    """The whole brief as JSON, record numbers blanked (a record's number is its position)."""
    return RECORD_NUMBER.sub("#N", json.dumps(to_dict(result), ensure_ascii=False))


def first_difference(expected: str, got: str) -> str:
    """Where two normalised briefs first differ, for the failure message."""
    lines = [json.dumps(json.loads(text), ensure_ascii=False, indent=1).splitlines() for text in (expected, got)]
    for number, (a, b) in enumerate(zip(*lines), 1):
        if a != b:
            return f"line {number}: {a.strip()!r} != {b.strip()!r}"
    return "lengths differ"


@pytest.fixture(scope="module", autouse=True)
def work_done_once():
    """Two pure functions of their input, computed once per distinct input: cleaning one
    raw article (it sees nothing of the others, so no order can reach it), and the
    summary's integer program (HiGHS gives the same answer to the same problem; a
    permutation that changed the problem in any way, such as the order of its variables,
    is a new key and is solved afresh, so a summary that depends on input order is still
    caught). With the models' own caches this keeps 200+ whole briefs inside the budget."""
    import numpy as np
    import scipy.optimize

    from corroborate import clean

    solve, clean_one = scipy.optimize.milp, clean.clean
    answers, cleaned = {}, {}

    def solve_once(c, *, constraints, integrality, bounds, options):
        key = hashlib.sha1(repr((constraints.A.shape, sorted(options.items()))).encode())
        matrix = constraints.A.tocsr()
        for part in (c, matrix.data, matrix.indices, matrix.indptr, constraints.lb, constraints.ub, integrality, bounds.lb, bounds.ub):
            key.update(np.ascontiguousarray(part, dtype=float).tobytes())
        digest = key.hexdigest()
        if digest not in answers:
            answers[digest] = solve(c, constraints=constraints, integrality=integrality, bounds=bounds, options=options)
        return answers[digest]

    def clean_once(raw):
        if raw not in cleaned:
            cleaned[raw] = clean_one(raw)
        return cleaned[raw]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scipy.optimize, "milp", solve_once)
        patch.setattr(clean, "clean", clean_once)
        yield


def _brief(paths):
    from corroborate.brief import brief

    return brief(paths)


def _check_permutations(files: list[Path]):
    expected = normalised(_brief(files))

    @settings(max_examples=PERMUTATIONS, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.permutations(files))
    def same_brief(order):
        got = normalised(_brief(order))
        assert got == expected, f"{[p.name for p in order]}: {first_difference(expected, got)}"

    same_brief()


def test_bundled_story_in_any_order():
    _check_permutations(sorted((EXAMPLE_STORY / "articles").glob("*.txt")))


@pytest.mark.slow
def test_real_articles_in_any_order():
    _check_permutations(sorted(shared_path("examples", "balenciaga").glob("*.txt")))


# --- generated cases: ties of every kind, dates equal, differing or missing ------------


def _with_date(text: str, date: dt.date | None) -> str:
    lines = [line for line in text.splitlines() if not line.startswith("date ")]
    return "\n".join(([f"date {date.isoformat()}"] if date else []) + lines) + "\n"


DAY = dt.date(2026, 5, 3)


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    chosen=st.lists(st.sampled_from(sorted(PLANTED.glob("*.txt"))), min_size=2, max_size=5, unique=True),
    dates=st.lists(st.sampled_from([DAY, DAY + dt.timedelta(days=1), None]), min_size=5, max_size=5),
    seed=st.integers(0, 2**16),
)
def test_generated_cases_in_any_order(tmp_path_factory, chosen, dates, seed):
    """Subsets of the planted story (original, reprint, swapped copies, independent
    outlets) with their dates redrawn: the same day, a day apart, or none."""
    folder = tmp_path_factory.mktemp("case")
    files = []
    for path, date in zip(chosen, dates):
        target = folder / path.name
        target.write_text(_with_date(path.read_text(encoding="utf-8"), date), encoding="utf-8")
        files.append(target)
    order = files[:]
    random.Random(seed).shuffle(order)
    expected, got = normalised(_brief(sorted(files))), normalised(_brief(order))
    assert got == expected, f"{[p.name for p in order]}: {first_difference(expected, got)}"


# --- records inside one file ---------------------------------------------------------


def _records(folder: Path) -> list[dict]:
    """The bundled story as JSON records (the .txt header lines become fields)."""
    records = []
    for path in sorted(folder.glob("*.txt")):
        fields, lines = {}, path.read_text(encoding="utf-8").splitlines()
        while lines and (match := re.match(r"^(date|source|url) (\S.*)$", lines[0])):
            fields[match.group(1)] = match.group(2)
            lines.pop(0)
        fields["title"] = lines.pop(0)
        fields["text"] = "\n".join(lines)
        records.append(fields)
    return records


@pytest.fixture(scope="module")
def story_records(tmp_path_factory):
    """The bundled story as one JSON Lines file, a record given twice, and its brief."""
    records = _records(EXAMPLE_STORY / "articles")
    records.append(dict(records[0]))  # a record given twice: a repeat, listed
    path = tmp_path_factory.mktemp("records") / "story.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records, normalised(_brief([path])).replace(str(path), "story.jsonl")


@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(order=st.permutations(range(7)))
def test_records_of_a_jsonl_file_in_any_order(tmp_path_factory, story_records, order):
    records, expected = story_records
    path = tmp_path_factory.mktemp("shuffled") / "story.jsonl"
    path.write_text("".join(json.dumps(records[i]) + "\n" for i in order), encoding="utf-8")
    got = normalised(_brief([path])).replace(str(path), "story.jsonl")
    assert got == expected, f"{list(order)}: {first_difference(expected, got)}"
    assert json.loads(got)["input_count"] == 7 and json.loads(got)["article_count"] == 6
