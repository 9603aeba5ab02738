"""The planted-alteration story (src/corroborate/data/planted_story): every swapped word
found on the right article when evidence exists, `disputed` with nobody blamed when none
does, editorial marks never taken for alterations, every file listed with its status,
with the files given in name order and in reverse (golden: truth.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from corroborate.quotes import align
from corroborate.render import common

PLANTED = ROOT / "src" / "corroborate" / "data" / "planted_story"
TRUTH = json.loads((PLANTED / "truth.json").read_text(encoding="utf-8"))
CASES = {case["name"]: case for case in TRUTH["cases"]}


def _words(text: str) -> str:
    return " " + " ".join(align.normalise(w) for w in align.words(text)) + " "


@pytest.fixture(scope="module")
def briefs():
    """The brief of every case, in both orders (briefed once for the module)."""
    from corroborate.brief import brief

    made = {}
    for name, case in CASES.items():
        paths = [PLANTED / "articles" / f for f in case["files"]]
        made[name, "forward"] = brief(paths)
        made[name, "reverse"] = brief(list(reversed(paths)))
    return made


def _statement(result, key: str):
    find = _words(TRUTH["statements"][key]["find"])
    found = [g for g in result.quotes if any(find in _words(w) for w in (g.canonical, *g.rivals))]
    assert len(found) == 1, f"{key}: {len(found)} statements hold {find!r}"
    return found[0]


@pytest.mark.parametrize("order", ["forward", "reverse"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_planted_case(briefs, name, order):
    case, result = CASES[name], briefs[name, order]
    file_of = {a.id: Path(a.origin).name for a in result.articles}

    # Every file listed, each with its status.
    assert common.headline_counts(result) == case["counts"]
    assert sorted(Path(i.origin).name for i in result.inputs) == sorted(case["files"])
    statuses = {Path(i.origin).name: (i.status, file_of.get(i.of)) for i in result.inputs}
    for file, (status, of) in case["statuses"].items():
        assert statuses[file] == (status, of), f"{name}: {file}"

    for key, expected in case["quotes"].items():
        group = _statement(result, key)
        verdicts = {}
        for occurrence in group.occurrences:
            verdicts.setdefault(file_of[occurrence.quote.span.article_id], set()).add(occurrence.verdict)
        assert verdicts == {file: {verdict} for file, verdict in expected["verdicts"].items()}, f"{name}: {key}"
        if expected.get("disputed"):
            # Both wordings shown, the original's among them; nobody blamed.
            assert group.disputed and len(group.rivals) == 2
            assert _words(TRUTH["statements"][key]["original"]) in {_words(w) for w in group.rivals}
            assert all(o.verdict == "disputed" and not o.edits for o in group.occurrences)
        else:
            assert not group.disputed
            assert _words(group.canonical) == _words(TRUTH["statements"][key]["original"]), f"{name}: {key}"
            assert (expected["decided_by"] in group.decided_by) if expected["decided_by"] else not group.decided_by
        for file, edits in expected.get("edits", {}).items():
            printed = [o for o in group.occurrences if file_of[o.quote.span.article_id] == file]
            assert [[e.removed, e.added] for o in printed for e in o.edits] == edits, f"{name}: {key} {file}"
        for file, marks in expected.get("editorial", {}).items():
            printed = [o for o in group.occurrences if file_of[o.quote.span.article_id] == file]
            assert [m for o in printed for m in o.editorial] == marks, f"{name}: {key} {file}"

    # A disputed wording counts against nobody.
    disputed = {file_of[o.quote.span.article_id] for g in result.quotes if g.disputed for o in g.occurrences}
    for row in result.quote_fidelity:
        if file_of[row.article_id] in disputed:
            assert row.altered == 0 and not row.flagged_as_rewrite


def test_both_orders_give_the_same_brief(briefs):
    from corroborate.render.json import to_dict

    for name in CASES:
        assert to_dict(briefs[name, "forward"]) == to_dict(briefs[name, "reverse"]), name


def test_without_evidence_neither_copy_is_called_the_original(briefs):
    """In the no-evidence case the relations stage cannot say which copied which
    either: the sources table says so rather than naming one the copy."""
    result = briefs["no-evidence", "forward"]
    (relation,) = [r for r in result.relations if r.kind == "duplicate"]
    assert relation.direction_confidence == 0
    rows = common.source_rows(result)
    assert sum("which copied which is unknown" in row.status for row in rows) == 1
