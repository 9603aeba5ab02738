"""The JSON brief: valid against docs/brief-schema.json, no undocumented field,
every span traceable, and in step with the model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from builders import full_brief, minimal_brief

from corroborate import model
from corroborate.render import render
from corroborate.render import json as json_render

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra: pip install -e '.[test]'")

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "brief-schema.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text())


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("make", [full_brief, minimal_brief], ids=["full", "minimal"])
def test_output_is_valid_against_the_schema(validator, make):
    data = json.loads(render(make(), "json"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors


def test_a_field_the_schema_does_not_document_fails(validator):
    data = json_render.to_dict(full_brief())
    data["quotes"][0]["occurrences"][0]["surprise"] = 1
    assert any("surprise" in e.message for e in validator.iter_errors(data))


def walk_schema(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk_schema(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_schema(value, f"{path}/{index}")


def test_every_schema_object_is_closed_and_every_field_documented(schema):
    for path, node in walk_schema(schema):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{path} accepts undocumented fields"
            assert set(node.get("required", [])) == set(node["properties"]), f"{path}: every field is always written"
            for name, field_schema in node["properties"].items():
                described = "description" in field_schema or "$ref" in field_schema
                assert described, f"{path}/properties/{name} has no description"


def test_schema_version_matches_the_model(schema):
    data = json_render.to_dict(minimal_brief())
    assert data["schema_version"] == model.SCHEMA_VERSION
    major_minor = model.SCHEMA_VERSION
    assert schema["$id"].endswith(f"brief-{major_minor}.json"), "bump the schema $id with SCHEMA_VERSION"


def iter_spans(node):
    if isinstance(node, dict):
        if set(node) == {"article_id", "start", "end", "text"}:
            yield node
        for value in node.values():
            yield from iter_spans(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_spans(value)


def test_every_span_carries_the_text_it_points_to():
    brief = full_brief()
    spans = list(iter_spans(json_render.to_dict(brief)))
    assert len(spans) > 30
    for span in spans:
        assert brief.article(span["article_id"]).text[span["start"] : span["end"]] == span["text"]


def test_sections_hold_what_the_brief_holds():
    brief = full_brief()
    data = json_render.to_dict(brief)
    assert data["independent_sources"] == 2 and data["article_count"] == 4
    assert [a["id"] for a in data["articles"]] == [a.id for a in brief.articles]
    assert data["articles"][0]["date"] == "2031-03-04"
    assert data["articles"][0]["removed"][0] == {"line": 3, "text": "Share this article", "reason": "share widget"}
    assert data["summary"][0]["citations"] == list(brief.summary[0].citations)
    altered = data["quotes"][0]["occurrences"][2]
    assert altered["verdict"] == "altered" and altered["edits"] == [{"removed": "sail", "added": "run"}]
    assert data["facts"][0]["status"] == "conflicting"
    assert data["timeline"][1] == {
        "date": "2031-03-01",
        "precision": "month",
        "date_inferred": True,
        "description": data["timeline"][1]["description"],
        "sources": [brief.articles[3].id],
    }
    assert data["problems"][1]["text"] == "inbox/feed.jsonl:7: malformed JSON: Expecting value"


# Model classes written to JSON, and the JSON object that shows each.
SERIALISED = {
    model.Brief: "brief",
    model.Article: "article",
    model.RemovedLine: "removed_line",
    model.SummarySentence: "summary_sentence",
    model.Relation: "relation",
    model.AlignedPair: "aligned_pair",
    model.SourceGroup: "source_group",
    model.QuoteGroup: "quote_group",
    model.QuoteOccurrence: "quote_occurrence",
    model.Quote: "quote",
    model.WordEdit: None,
    model.QuoteFidelity: "quote_fidelity",
    model.Entity: "entity",
    model.FactSlot: "fact",
    model.Claim: "claim",
    model.TimelineEvent: "timeline_event",
    model.InputProblem: "problem",
    model.Span: "span",
    model.ArticleChanges: "article_changes",
    model.TextChange: "text_change",
}


@pytest.mark.parametrize("cls", list(SERIALISED), ids=lambda c: c.__name__)
def test_every_model_field_reaches_the_json(cls, schema):
    """When a field is added to the model, render/json.py and the schema must show it
    (or json.OMITTED_FIELDS must say why not)."""
    name = SERIALISED[cls]
    if name is None:
        documented = set(schema["$defs"]["quote_occurrence"]["properties"]["edits"]["items"]["properties"])
    elif name == "brief":
        documented = set(schema["properties"])
    else:
        documented = set(schema["$defs"][name]["properties"])
    renamed = {"published": "date", "source_id": "input_id"}
    for field in dataclasses.fields(cls):
        key = f"{cls.__name__}.{field.name}"
        if key in json_render.OMITTED_FIELDS and key.split(".")[1] not in renamed:
            continue
        assert renamed.get(field.name, field.name) in documented, f"{key} is neither in the JSON nor in OMITTED_FIELDS"


def test_json_is_deterministic_and_utf8():
    first, second = render(full_brief("Café"), "json"), render(full_brief("Café"), "json")
    assert first == second
    assert "Café" in first  # readable UTF-8, not \\u escapes
