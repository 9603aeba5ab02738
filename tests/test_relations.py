"""Source relations: each relation kind on small fictional articles, direction,
independent groups, and the quality gates on the example story and real articles."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import article
from conftest import EXAMPLE_STORY

from corroborate.brief import start_brief
from corroborate.model import RemovedLine
from corroborate.relations import find_relations, quote_spans, source_groups
from corroborate.sentences import split_sentences

# A fictional story: a dam inspection in the town of Pellwick. Outlets do not exist.
ORIGINAL = (
    "Engineers closed the Pellwick reservoir footpath on Thursday after finding a 40-metre crack "
    "in the old stone dam, the county water board said.\n\n"
    "The board said the dam, built in 1894, holds back about 3 million cubic metres of water "
    "above the village of Ashcombe.\n\n"
    'Chief engineer Marta Oyelaran said: "There is no immediate danger to anyone downstream, but '
    'we will not take chances with a structure this old."\n\n'
    "Residents of 212 homes in Ashcombe received letters explaining the evacuation plan on Friday morning.\n\n"
    "Divers from the Harwood Marine company will inspect the underwater face of the dam next Tuesday.\n\n"
    "The water level will be lowered by two metres over the coming fortnight to ease pressure on the wall.\n\n"
    "Repairs are expected to cost 2.4 million pounds and to take until the end of the summer.\n\n"
    "The footpath, popular with dog walkers and anglers, will stay closed until the repairs are finished."
)
# The same story reworded sentence by sentence (a "spun" copy), with fewer specifics.
REWRITE = (
    "The footpath around Pellwick reservoir was shut on Thursday when engineers discovered a long crack "
    "in the ageing stone dam, according to the county water board.\n\n"
    "According to the board, the dam, which dates from the nineteenth century, holds roughly 3 million "
    "cubic metres of water above the village of Ashcombe.\n\n"
    'Chief engineer Marta Oyelaran said: "There is no immediate risk to people downstream, but we will '
    'not gamble with a structure this old."\n\n'
    "Residents of homes in Ashcombe were sent letters setting out the evacuation plan on Friday morning.\n\n"
    "Divers will examine the underwater side of the dam next week.\n\n"
    "Over the next two weeks the water level will be reduced by two metres to take pressure off the wall.\n\n"
    "The repairs are predicted to cost millions and to last until late summer.\n\n"
    "The path, a favourite of anglers and dog walkers, will remain shut until the repair work is complete."
)
# Another outlet's own reporting: same event, same quote verbatim, its own prose.
OWN_REPORTING = (
    "Anglers arriving at Pellwick on Saturday found padlocked gates and a notice from the water board.\n\n"
    "A survey this week revealed a fracture in the Victorian dam that holds the reservoir, and officials "
    "have written to families in Ashcombe, the village below it.\n\n"
    '"There is no immediate danger to anyone downstream, but we will not take chances with a structure '
    'this old," chief engineer Marta Oyelaran said.\n\n'
    "Local councillor Brian Teague said people in Ashcombe had been asking about the dam for years.\n\n"
    "The Ashcombe village hall will hold a public meeting about the closure on Wednesday evening.\n\n"
    "Shopkeepers near the reservoir car park said trade had already fallen since the gates were locked."
)
UNRELATED = (
    "The Kestrel Bay lifeboat crew rescued two kayakers on Sunday afternoon after they were swept past "
    "the harbour wall by a strong ebb tide.\n\n"
    "The pair were cold but unhurt and were checked by paramedics at the slipway.\n\n"
    "Coxswain Dana Whitlow urged visitors to check tide tables before setting out.\n\n"
    "It was the crew's ninth call-out of the year, twice as many as by this time last year."
)
BOILERPLATE = (
    "Subscribe to the Ashcombe Courier newsletter for the latest local headlines.\n\n"
    "Most read: Harvest fair returns to the green | New bus timetable | Letters to the editor\n\n"
    "Advertisement: Book your winter boiler service today with Teal Heating, trusted since 1972."
)


def _relations(*articles):
    brief = split_sentences(start_brief(articles))
    return find_relations(brief)


def _relation(brief, left, right):
    for relation in brief.relations:
        if {relation.source, relation.derived} == {left.id, right.id}:
            return relation
    raise AssertionError("no relation for the pair")


def test_exact_duplicate_ignores_spacing_and_quote_marks():
    original = article(ORIGINAL, outlet="Pellwick Post", published=dt.date(2031, 5, 8))
    copy = article(ORIGINAL.replace('"', "\u201c", 1).replace(" the ", "  the ", 3), outlet="Copy Hub",
                   published=dt.date(2031, 5, 9))  # fmt: skip
    brief = _relations(copy, original)
    relation = _relation(brief, original, copy)
    assert relation.kind == "duplicate"
    assert (relation.source, relation.derived) == (original.id, copy.id)
    assert relation.direction_confidence >= 0.9
    assert brief.independent_source_count == 1


def test_near_duplicate_with_a_few_words_changed():
    original = article(ORIGINAL, outlet="Pellwick Post")
    copy = article(ORIGINAL.replace("Thursday", "Thursday evening").replace("popular", "much loved"), outlet="Copy Hub")
    relation = _relation(_relations(original, copy), original, copy)
    assert relation.kind == "duplicate"
    assert 0.8 <= relation.score < 1.0


def test_article_pasted_inside_a_longer_page_is_contained_and_the_page_is_the_copy():
    original = article(ORIGINAL, outlet="Pellwick Post")
    page = article(BOILERPLATE + "\n\n" + ORIGINAL + "\n\n" + UNRELATED, outlet="Aggregator")
    brief = _relations(page, original)
    relation = _relation(brief, original, page)
    assert relation.kind == "contained"
    assert (relation.source, relation.derived) == (original.id, page.id)
    assert relation.direction_confidence > 0
    assert any("wraps the shared text" in reason for reason in relation.evidence)


def test_rewrite_is_found_with_aligned_sentences_and_direction_from_evidence():
    original = article(ORIGINAL, outlet="Pellwick Post")
    spun = article(
        REWRITE,
        outlet="Content Farm",
        removed=(RemovedLine(2, "Share on social", "share widget"), RemovedLine(30, "Sponsored links", "advert")),
    )
    brief = _relations(spun, original)
    relation = _relation(brief, original, spun)
    assert relation.kind == "rewrite"
    assert relation.score >= 0.5
    assert (relation.source, relation.derived) == (original.id, spun.id)
    assert 0.5 < relation.direction_confidence < 0.9
    assert any("fewer specifics" in reason for reason in relation.evidence)
    assert any("junk lines" in reason for reason in relation.evidence)
    assert not any("differently" in reason for reason in relation.evidence)  # no third article to back a wording
    assert 2 <= len(relation.aligned) <= 3
    for pair in relation.aligned:
        assert pair.left.article_id == original.id and pair.right.article_id == spun.id
        assert pair.similarity >= 0.7
    assert brief.independent_source_count == 1


def test_altered_quote_backed_by_a_third_outlet_points_to_the_copy():
    original = article(ORIGINAL, outlet="Pellwick Post")
    spun = article(REWRITE, outlet="Content Farm")
    other = article(OWN_REPORTING, outlet="Ashcombe Courier")
    relation = _relation(_relations(spun, other, original), original, spun)
    assert (relation.source, relation.derived) == (original.id, spun.id)
    assert any("Content Farm words 1 quote(s) differently from Pellwick Post" in r for r in relation.evidence)


def test_publication_date_decides_direction_over_evidence():
    original = article(ORIGINAL, outlet="Pellwick Post", published=dt.date(2031, 5, 9))
    spun = article(REWRITE, outlet="Content Farm", published=dt.date(2031, 5, 8))
    relation = _relation(_relations(original, spun), original, spun)
    assert relation.kind == "rewrite"
    assert (relation.source, relation.derived) == (spun.id, original.id)
    assert any("published later" in reason for reason in relation.evidence)


def test_outlets_quoting_the_same_statement_share_quotes_only():
    original = article(ORIGINAL, outlet="Pellwick Post")
    other = article(OWN_REPORTING, outlet="Ashcombe Courier")
    brief = _relations(original, other)
    relation = _relation(brief, original, other)
    assert relation.kind == "shares-quotes-only"
    assert relation.direction_confidence == 0.0
    assert brief.independent_source_count == 2


def test_unrelated_articles_are_independent():
    original = article(ORIGINAL, outlet="Pellwick Post")
    other = article(UNRELATED, outlet="Kestrel Bay News")
    brief = _relations(original, other)
    assert _relation(brief, original, other).kind == "independent"
    assert brief.independent_source_count == 2


def test_groups_chain_copies_and_keep_independents_apart():
    original = article(ORIGINAL, outlet="Pellwick Post", published=dt.date(2031, 5, 8))
    spun = article(REWRITE, outlet="Content Farm", published=dt.date(2031, 5, 10))
    page = article(BOILERPLATE + "\n\n" + REWRITE, outlet="Aggregator", published=dt.date(2031, 5, 11))
    other = article(OWN_REPORTING, outlet="Ashcombe Courier", published=dt.date(2031, 5, 9))
    brief = _relations(page, spun, other, original)
    groups = {frozenset(g.articles): g.original for g in brief.source_groups}
    assert groups == {frozenset({original.id, spun.id, page.id}): original.id, frozenset({other.id}): other.id}
    assert brief.group_of(page.id) == brief.group_of(original.id) != brief.group_of(other.id)


def test_source_groups_without_relations_are_one_per_article():
    articles = [article(text) for text in (ORIGINAL, UNRELATED)]
    assert [g.articles for g in source_groups(articles, ())] == [(articles[0].id,), (articles[1].id,)]


def test_quote_spans_pair_curly_and_straight_marks_and_run_open_quotes_to_paragraph_end():
    text = 'She said \u201cone two\u201d and "three four".\n\n\u201cAn open quote to the end'
    assert [text[s:e] for s, e in quote_spans(text)] == ["one two", "three four", "An open quote to the end"]


def test_single_article_story_has_no_relations():
    brief = _relations(article(ORIGINAL))
    assert brief.relations == () and brief.independent_source_count == 1


# --- quality gates -------------------------------------------------------------------


@pytest.mark.slow
def test_example_story_relations_match_the_truth():
    truth_file = EXAMPLE_STORY / "truth.json"
    if not truth_file.exists():
        pytest.skip(f"the bundled example story is not there yet: {truth_file}")
    truth = json.loads(truth_file.read_text())
    from corroborate.ingest import read_articles

    articles, _ = read_articles([EXAMPLE_STORY / "articles"])
    brief = find_relations(split_sentences(start_brief(articles)))
    file_of = {a.id: a.origin.replace("\\", "/").rsplit("/", 1)[-1] for a in articles}
    found = {(file_of[r.source], file_of[r.derived]): r.kind for r in brief.relations if r.kind in ("duplicate", "contained", "rewrite")}
    planted = {(r["source"], r["derived"]): r["kind"] for r in truth["relations"]}
    for pair, kind in planted.items():
        assert pair in found, f"planted {kind} {pair} not found with the right direction (found: {found})"
        assert found[pair] == kind
    group_of = {name: info["group"] for name, info in truth["articles"].items()}
    for left, right in found:
        assert group_of[left] == group_of[right], f"false relation between independent {left} and {right}"
    assert brief.independent_source_count == truth["independent_sources"]


@pytest.mark.slow
def test_real_articles_have_no_copies_and_five_independent_sources(balenciaga_dir):
    from corroborate.ingest import read_articles

    articles, _ = read_articles([balenciaga_dir])
    brief = find_relations(split_sentences(start_brief(articles)))
    assert len(articles) == 5
    copies = [r for r in brief.relations if r.kind in ("duplicate", "contained", "rewrite")]
    assert copies == []
    assert brief.independent_source_count == 5


def test_records_with_only_a_headline_are_not_copies_of_each_other():
    import dataclasses

    from corroborate.render import common

    bare = [
        dataclasses.replace(article("", title=title, outlet=outlet), id=f"h{number}")
        for number, (title, outlet) in enumerate(
            [("Velmora ferry crews strike", "Pellwick Post"), ("Ferry walkout halts Velmora", "Copy Hub"),
             ("Velmora ferries idle", "Pellwick Post")]  # fmt: skip
        )
    ]
    brief = _relations(*bare)
    assert {r.kind for r in brief.relations} == {"independent"}
    assert all("headline only" in r.evidence[0] for r in brief.relations)
    assert common.headline_counts(brief) == "3 articles from 2 outlets, headlines only: no text to compare"
    assert common.relations_heading(brief).endswith("headlines only, no text to compare")
    assert common.independent_pairs(brief) == 0

    full = article(ORIGINAL, outlet="Ashcombe Courier", published=dt.date(2031, 5, 8))
    mixed = _relations(full, *bare[:2])
    assert common.headline_counts(mixed) == "3 files, 1 distinct text, 1 independent source (2 with only a headline, not compared)"
    assert [g.articles for g in mixed.compared_source_groups] == [(full.id,)]
    assert mixed.independent_source_count == 1 and brief.independent_source_count == 0
