"""The story's title when its inputs come without headlines (a feed or corpus of bare
texts): the first sentence most about the story, not the earliest input's, and never a
line of page furniture that opens several of an outlet's pages."""

from __future__ import annotations

import json

from corroborate.brief import start_brief
from corroborate.ingest import read_articles

FERRY = [
    "The Eastmere ferry was withdrawn on Monday after inspectors found corrosion in its hull. "
    "The harbour authority said the ferry would stay in dock for a month.",
    "Inspectors found corrosion in the hull of the Eastmere ferry, and the harbour authority withdrew it. "
    "Commuters will take buses around the bay while the ferry is repaired.",
    "Commuters crowded the buses around Eastmere bay on Tuesday, a day after the ferry was withdrawn. "
    "The harbour authority said repairs to the hull would take a month.",
    "The harbour authority of Eastmere hired a second shipyard to repair the ferry's corroded hull. "
    "The ferry could sail again within three weeks, the authority said.",
]
PROMO = "Letters, questions or complaints about the Gazette's Live Chat? Send us a note before Friday's chat."
SIDEBAR = "Most read: Mayor opens new tram depot in Ostrel. "


def _title(tmp_path, records) -> str:
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    articles, _ = read_articles([path])
    return start_brief(articles).title


def test_bare_texts_are_titled_by_the_first_sentence_most_about_the_story(tmp_path):
    records = [{"text": PROMO, "date": "2031-03-01", "source": "gazette"}]
    records += [{"text": SIDEBAR + text, "date": "2031-03-03", "source": "gazette"} for text in FERRY[:3]]
    records += [{"text": text, "date": "2031-03-04", "source": "courier"} for text in FERRY]
    title = _title(tmp_path, records)
    assert "ferry" in title.lower() or "hull" in title.lower(), title
    assert not title.startswith(("Letters", "Most read")), title
    assert _title(tmp_path, records[::-1]) == title  # whatever the order of the inputs
