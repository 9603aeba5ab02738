"""Every input accounted for: N inputs, N rows, each with its status (original,
duplicate / contained / rewrite of X, repeat of X, rejected with the reason), in the
JSON and in every sources table; and the order of the articles never decided by the
order of the inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from pathlib import Path

from builders import article
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate.brief import canonical_order, start_brief
from corroborate.ingest import read_inputs
from corroborate.ingest.identity import distinct_articles
from corroborate.model import InputProblem
from corroborate.render import render

PLANTED = ROOT / "src" / "corroborate" / "data" / "planted_story" / "articles"
TEXT = "The ferry at Velmora will stay in port until its hull has been checked by divers, the harbour office said."


def test_the_same_words_from_another_outlet_are_another_article():
    original = article(TEXT, outlet="Velmora Post", origin="in/post.txt")
    reprint = article(TEXT, outlet="Copy Hub", origin="in/hub.txt")
    again = dataclasses.replace(original, origin="in/copy-of-post.txt")  # the same file under another name
    kept, repeats = distinct_articles([again, reprint, original])
    assert len(kept) == 2 and len({a.id for a in kept}) == 2
    assert original.id not in {a.id for a in kept}  # both ids extended by what tells them apart
    # Of identical inputs the one kept is the first by origin, whatever the order given.
    assert {a.origin for a in kept} == {"in/copy-of-post.txt", "in/hub.txt"}
    assert [(r.origin, r.article_id) for r in repeats] == [("in/post.txt", next(a.id for a in kept if a.outlet == "Velmora Post"))]
    other_kept, other_repeats = distinct_articles([original, again, reprint])
    assert set(other_kept) == set(kept) and other_repeats == repeats


def test_start_brief_lists_every_input_in_an_order_of_content():
    late = article(TEXT + " Repairs start on Monday.", outlet="B", published=dt.date(2031, 3, 5))
    early = article(TEXT + " Buses will run meanwhile.", outlet="A", published=dt.date(2031, 3, 4))
    undated = article(TEXT + " Nobody was hurt.", outlet="C")
    problem = InputProblem("in/broken.json", "not valid JSON (Expecting value)", 3)
    from corroborate.ingest.identity import Repeat

    for given_order in ([late, undated, early], [undated, early, late]):
        result = start_brief(given_order, [problem], [Repeat("in/again.txt", early.id)])
        assert result.articles == (early, late, undated) == canonical_order(reversed(given_order))
        assert [(i.origin, i.status, i.of) for i in result.inputs] == [
            (early.origin, "original", None),
            ("in/again.txt", "repeat", early.id),
            (late.origin, "original", None),
            (undated.origin, "original", None),
            ("in/broken.json", "rejected", None),
        ]
        assert result.inputs[-1].reason == "line 3: not valid JSON (Expecting value)"


# --- N inputs, N rows --------------------------------------------------------------

POOL = sorted(PLANTED.glob("*.txt"))


def _rows_in_markdown_sources(text: str) -> int:
    table = text.split("## Sources", 1)[1].split("\n## ", 1)[0]
    return sum(1 for line in table.splitlines() if re.match(r"^\| (\d+|–) \|", line))


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    picks=st.lists(st.sampled_from(range(len(POOL) + 2)), min_size=1, max_size=6),
)
def test_a_brief_of_n_inputs_lists_n_inputs_each_with_a_status(tmp_path_factory, picks):
    """Files of the planted story (a file may be given twice), an empty file and a
    missing one, in any mix: every one of them is a row of the sources table."""
    from corroborate.brief import analyse
    from corroborate.config import BriefOptions
    from corroborate.render import json as as_json

    folder = tmp_path_factory.mktemp("inputs")
    (folder / "empty.txt").write_text("\n", encoding="utf-8")
    choices = [*POOL, folder / "empty.txt", folder / "missing.txt"]
    paths = [choices[i] for i in picks]
    read = read_inputs(paths)
    if not read.articles:
        return  # nothing readable: the CLI says so and writes no brief
    result = analyse(start_brief(read.articles, read.problems, read.repeats), BriefOptions(stages=("relations",)))
    data = as_json.to_dict(result)
    assert data["input_count"] == len(paths) == len(result.inputs)
    assert sorted(Path(i["origin"]).name for i in data["inputs"]) == sorted(p.name for p in paths)
    assert all(i["status"] and (i["status"] != "rejected" or i["reason"]) for i in data["inputs"])
    assert _rows_in_markdown_sources(render(result, "md")) == len(paths)
    html = render(result, "html")
    assert html.count('<td data-label="Status">') == len(paths)


def test_repeated_records_of_one_file_are_listed(tmp_path):
    records = [{"title": "Velmora ferry stays in port", "text": TEXT, "source": "Velmora Post"}] * 2
    records.append({"title": "Velmora ferry stays in port", "text": TEXT, "source": "Copy Hub"})
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    read = read_inputs([path])
    assert len(read.articles) == 2 and [r.origin for r in read.repeats] == [f"{path}#line-2"]
    shutil.copy(path, tmp_path / "again.jsonl")
    assert len(read_inputs([path, tmp_path / "again.jsonl"]).repeats) == 4  # six inputs, two articles
