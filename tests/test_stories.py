"""Online story clustering on fictional streams: grouping, determinism, continuing
from saved state, staleness, merging and candidate retrieval."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from builders import article
from stream_builders import stream

from corroborate.model import Article
from corroborate.stories import StoryClusterer, StoryState, cluster, entities_of, time_order


def as_articles(records: list[dict]) -> list[Article]:
    return [
        article(r["text"], title=r["title"], outlet=r["source"], url=r["url"], published=dt.date.fromisoformat(r["date"]))
        for r in records
    ]


def purity_and_completeness(records, labels) -> tuple[bool, bool]:
    by_story: dict[int, set] = {}
    by_label: dict[int, set] = {}
    for record, label in zip(records, labels):
        by_story.setdefault(record["story"], set()).add(label)
        by_label.setdefault(label, set()).add(record["story"])
    return all(len(s) == 1 for s in by_label.values()), all(len(s) == 1 for s in by_story.values())


def test_each_fictional_story_becomes_one_cluster():
    records = stream(stories=15, per_story=8)
    labels = StoryClusterer().fit_predict(as_articles(records))
    pure, complete = purity_and_completeness(records, labels)
    assert pure and complete
    assert len(set(labels)) == 15


def test_same_input_order_gives_the_same_stories():
    articles = as_articles(stream(stories=10, per_story=5))
    assert StoryClusterer().fit_predict(articles) == StoryClusterer().fit_predict(articles)


def test_saved_state_continues_exactly_like_one_run():
    articles = [as_articles(stream(stories=10, per_story=6))[i] for i in range(60)]
    one_run = StoryClusterer()
    expected = [one_run.story_of(s) for s in one_run.add(articles)]

    first = StoryClusterer()
    got = first.add(articles[:25])
    changes = first.drain_changes()
    saved = [StoryState.from_bytes(s.id, s.title, s.to_bytes()) for s in changes.stories if s.id in first.stories_]
    second = StoryClusterer().set_state(first.get_state(), saved)
    got += second.add(articles[25:])
    assert [second.story_of(first.story_of(s)) for s in got] == expected


def test_features_made_elsewhere_give_the_same_stories():
    import pickle

    articles = as_articles(stream(stories=8, per_story=4))
    expected = StoryClusterer().add(articles)
    # Features depend on the article and the parameters only: made in another process
    # (pickled there, read here) and fed in order, they give the same stories.
    features = pickle.loads(pickle.dumps(StoryClusterer().features(articles)))
    assert StoryClusterer().add_features(features) == expected


def test_a_story_goes_stale_after_its_window():
    text = "The Velmora ferry crews walked out over rota changes, the union of Velmora ferry crews said."
    early = article(text, title="Velmora ferry strike", published=dt.date(2031, 1, 1))
    late = article(text + " Again.", title="Velmora ferry strike", published=dt.date(2031, 3, 1))
    clusterer = StoryClusterer(window_days=7)
    labels = clusterer.fit_predict([early, late])
    assert labels[0] != labels[1]
    labels = StoryClusterer(window_days=90).fit_predict([early, late])
    assert labels[0] == labels[1]


def test_stale_stories_leave_memory():
    records = stream(stories=40, per_story=3)
    clusterer = StoryClusterer(stale_after=20)
    clusterer.add(as_articles(records)[:120])
    clusterer._expire()
    assert 0 < len(clusterer.stories_) < 40
    assert all(clusterer.clock_ - s.last_clock <= 20 for s in clusterer.stories_.values())
    assert {i for ids in clusterer.index_.values() for i in ids} <= set(clusterer.stories_)


def test_two_halves_of_one_story_are_merged():
    # Two articles that share little start two stories; a third that bridges them joins them.
    a = article("Orsk Quay lantern festival returns this spring with music.", title="Lantern festival returns")
    b = article("Brinkhollow harbour fireworks planned for the spring evening.", title="Harbour fireworks planned")
    bridge = article(
        "The Orsk Quay lantern festival returns with Brinkhollow harbour fireworks this spring evening with music.",
        title="Lantern festival and harbour fireworks return",
    )
    clusterer = StoryClusterer(threshold=0.3, merge_threshold=0.2)
    labels = clusterer.fit_predict([a, b, bridge])
    assert len(set(labels)) == 1
    assert clusterer.drain_changes().merges


def test_candidates_come_from_the_index_not_from_every_story():
    records = stream(stories=30, per_story=2)
    clusterer = StoryClusterer(max_candidates=3)
    clusterer.add(as_articles(records))
    scored = []
    original = clusterer._candidates

    def counting(*args):
        found = original(*args)
        scored.extend(found)  # every story scored (approximately, some then exactly) is one of these
        return found

    clusterer._candidates = counting
    clusterer.add(as_articles(stream(stories=30, per_story=1, seed=99))[:1])
    assert 0 < len(scored) <= 3 < len(clusterer.stories_)


def test_entities_are_capitalised_runs_without_stop_words_and_dates():
    found = entities_of("On Tuesday The Port Authority of Velmora said Drakes Ullgrav's ferry would sail.")
    assert "port authority of velmora" in found
    assert "drakes ullgrav" in found and "ullgrav" in found
    assert "tuesday" not in found and "the" not in found


def test_time_order_keeps_undated_articles_after_their_dated_neighbour():
    dates = [dt.date(2031, 1, 3), None, dt.date(2031, 1, 1), None]
    articles = [article(f"text {i}", published=d) for i, d in enumerate(dates)]
    assert time_order(articles) == [2, 3, 0, 1]


def test_cluster_uses_the_inputs_own_ids(tmp_path):
    records = stream(stories=3, per_story=3)
    path = tmp_path / "feed.jsonl"
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    out, problems = cluster([path])
    assert not problems
    assert [r["id"] for r in out] == [r["id"] for r in records]
    assert len({r["story"] for r in out}) == 3


@pytest.mark.parametrize("bad", [0.0, 1e-9])
def test_empty_texts_do_not_crash(bad):
    assert StoryClusterer(threshold=0.3 + bad).fit_predict([article(" ", title="Only a headline here")]) == [1]


def test_only_short_texts_are_embedded_and_the_embedding_joins_paraphrased_headlines(monkeypatch):
    import numpy as np

    from corroborate import nlp

    embedded: list[str] = []
    ferry, bakery = np.eye(384, dtype=np.float32)[:2]

    def fake_embed(texts):
        # A stand-in for MiniLM: the headlines about the ferry strike embed alike,
        # however few words they share.
        embedded.extend(texts)
        return np.stack([ferry if ("ferr" in t or "crews" in t) else bakery for t in texts])

    monkeypatch.setattr(nlp, "embed", fake_embed)
    long_text = (
        "The Velmora harbour board met on Thursday to discuss berth fees, dredging contracts, "
        "winter tides and a proposal from the Ostrel fishing cooperative to extend the north quay. "
        "Board chair Imra Talvik said the budget would be published next month after auditors "
        "review the pilot scheme for electric tugboats and the new container cranes."
    )
    headlines = [
        "Velmora ferry crews strike over rotas",
        "Walkout halts Velmora ferries",
        "Striking crews leave Velmora harbour idle",
        "Ostrel bakery wins regional prize",
    ]
    articles = [article(long_text, title="Velmora harbour board meets")] + [article(h, title=h) for h in headlines]
    labels = StoryClusterer().fit_predict(articles)
    assert long_text[:40] not in " ".join(embedded)  # the long article is never embedded
    assert len(embedded) == len(headlines)
    assert labels[1] == labels[2] == labels[3], labels
    assert labels[4] != labels[1]
    assert StoryClusterer(embed_below_terms=0).fit_predict(articles) and len(embedded) == 2 * len(headlines) + 1


def test_a_story_saved_when_event_times_were_kept_still_loads():
    import io

    # Event times were removed (no gain on held-out folds); their slots in a saved state stay.
    buffer = io.BytesIO()
    np.savez(buffer, term_idx=np.array([1], np.int32), term_val=np.array([1.0], np.float32),
             entity_idx=np.array([2], np.int32), entity_val=np.array([1.0], np.float32),
             keys=np.array([1], np.int32), lead_names=np.array([7], np.int32),
             meta=np.array([2, 5, -1, -1, 700000, 700010, 0], np.int64))  # fmt: skip
    story = StoryState.from_bytes(4, "old", buffer.getvalue())
    assert (story.size, story.last_clock, story.embedded, list(story.lead_names)) == (2, 5, 0, [7])
    again = StoryState.from_bytes(4, "old", story.to_bytes())
    assert (again.size, again.last_clock, list(again.term_idx)) == (2, 5, [1])


def test_a_stream_started_with_parameters_since_removed_continues():
    from corroborate.store.ingest import clusterer_for

    class OldStore:
        def clustering_state(self):
            return None, {"threshold": 0.3, "conflict_weight": 0.4, "event_weight": 0.2, "entity_gate": 0.0}, []

    clusterer = clusterer_for(OldStore())
    assert clusterer.threshold == 0.3 and not hasattr(clusterer, "conflict_weight")


def test_an_article_and_a_story_naming_different_people_in_their_leads_are_apart():
    """`_names_apart`: the names of the article's headline and opening never occur in
    the story, and the story's lead names never occur in the article ("Harbour
    master Ines Valdor resigns" against a story of another harbour master's resignation)."""
    clusterer = StoryClusterer()
    story = StoryState(id=1, title="t", size=2, entity_idx=np.array([10, 11, 12], dtype=np.int32),
                       lead_names=np.array([10, 11], dtype=np.int32))  # fmt: skip
    long_article = clusterer.short_text_terms
    # Other people on both sides: apart.
    assert clusterer._names_apart(np.array([20], dtype=np.int32), np.array([12, 20, 21], dtype=np.int32), story, long_article)
    # The article names one of the story's lead names somewhere: not apart.
    assert not clusterer._names_apart(np.array([20], dtype=np.int32), np.array([11, 20], dtype=np.int32), story, long_article)
    # The story names the article's lead name somewhere: not apart.
    assert not clusterer._names_apart(np.array([12], dtype=np.int32), np.array([12, 21], dtype=np.int32), story, long_article)
    # A headline names too little to judge; no lead names on a side: no judgement.
    assert not clusterer._names_apart(np.array([20], dtype=np.int32), np.array([20], dtype=np.int32), story, 5)
    assert not clusterer._names_apart(np.zeros(0, np.int32), np.array([20], dtype=np.int32), story, long_article)
    assert not StoryClusterer(lead_name_weight=0)._names_apart(
        np.array([20], dtype=np.int32), np.array([20, 21], dtype=np.int32), story, long_article
    )


def test_lead_names_survive_saving_a_story():
    story = StoryState(id=3, title="t", size=1, lead_names=np.array([5, 9], dtype=np.int32))
    again = StoryState.from_bytes(3, "t", story.to_bytes())
    assert again.lead_names.tolist() == [5, 9]


def test_a_story_saved_before_lead_names_existed_still_loads():
    import io

    buffer = io.BytesIO()
    np.savez(buffer, term_idx=np.array([1], np.int32), term_val=np.array([1.0], np.float32),
             entity_idx=np.array([2], np.int32), entity_val=np.array([1.0], np.float32),
             keys=np.array([1], np.int32), meta=np.array([1, 5, -1, -1, -1, -1], np.int64))  # fmt: skip
    story = StoryState.from_bytes(4, "old", buffer.getvalue())
    assert story.size == 1 and story.lead_names.size == 0
    # No lead names on the story's side: no judgement, however the article is named.
    assert not StoryClusterer()._names_apart(np.array([9], np.int32), np.array([9], np.int32), story, 100)


def _common_direction_embed(topics: dict[str, int]):
    """A stand-in for MiniLM whose vectors share one strong common direction (as
    MiniLM's do: any two business headlines have cosine ~0.3) plus a weaker one per
    topic, chosen by a keyword of the headline."""
    basis = np.eye(384, dtype=np.float32)

    def fake_embed(texts):
        rows = []
        for text in texts:
            topic = next(index for word, index in topics.items() if word in text.lower())
            vector = 0.9 * basis[0] + 0.45 * basis[topic]
            rows.append(vector / np.linalg.norm(vector))
        return np.stack(rows)

    return fake_embed


CENTERING_HEADLINES = [
    "Quarry reopens near Dunmere",  # warm-up: four topics that never recur
    "Orchard auction sets record",
    "Tram timetable changes",
    "Museum wing closes early",
    "Velmora ferry crews walk out",  # the two stories share a place name, so each
    "Velmora bakery wins regional prize",  # is a candidate for the other's headlines
    "Ferry strike strands Velmora commuters",
    "Prize-winning Velmora bakery expands",
    "Velmora ferry walkout enters second day",
    "Velmora bakery owner thanks customers",
]
CENTERING_TOPICS = {"quarry": 2, "orchard": 3, "tram": 4, "museum": 5, "ferry": 6, "bakery": 7}


def test_centering_keeps_headlines_of_one_field_apart(monkeypatch):
    from corroborate import nlp

    monkeypatch.setattr(nlp, "embed", _common_direction_embed(CENTERING_TOPICS))
    articles = [article(h, title=h) for h in CENTERING_HEADLINES]
    ferry = [i for i, h in enumerate(CENTERING_HEADLINES) if "erry" in h]
    bakery = [i for i, h in enumerate(CENTERING_HEADLINES) if "akery" in h]

    raw = StoryClusterer(center_embeddings_after=0).fit_predict(articles)
    # Raw cosine between any two of these headlines is 0.8: the common direction
    # alone joins the strike and the bakery.
    assert raw[ferry[0]] == raw[bakery[0]]

    centered = StoryClusterer(center_embeddings_after=4).fit_predict(articles)
    assert len({centered[i] for i in ferry}) == 1 and len({centered[i] for i in bakery}) == 1
    assert centered[ferry[0]] != centered[bakery[0]]


def test_the_embedding_mean_survives_saving_and_continues_like_one_run(monkeypatch):
    from corroborate import nlp

    monkeypatch.setattr(nlp, "embed", _common_direction_embed(CENTERING_TOPICS))
    articles = [article(h, title=h) for h in CENTERING_HEADLINES]
    one_run = StoryClusterer(center_embeddings_after=4)
    expected = [one_run.story_of(s) for s in one_run.add(articles)]

    first = StoryClusterer(center_embeddings_after=4)
    got = first.add(articles[:6])
    saved = [StoryState.from_bytes(s.id, s.title, s.to_bytes()) for s in first.drain_changes().stories if s.id in first.stories_]
    second = StoryClusterer(center_embeddings_after=4).set_state(first.get_state(), saved)
    assert second.n_embedded_ == 6 and np.allclose(second.embedding_sum_, first.embedding_sum_)
    assert sum(s.embedded for s in second.stories_.values()) == 6
    got += second.add(articles[6:])
    assert [second.story_of(first.story_of(s)) for s in got] == expected


def test_a_story_saved_before_the_embedding_count_existed_counts_every_member():
    import io

    buffer = io.BytesIO()
    np.savez(buffer, term_idx=np.array([1], np.int32), term_val=np.array([1.0], np.float32),
             entity_idx=np.array([2], np.int32), entity_val=np.array([1.0], np.float32),
             keys=np.array([1], np.int32), embedding=np.ones(384, np.float32) * 3,
             meta=np.array([3, 5, -1, -1, -1, -1], np.int64))  # fmt: skip
    assert StoryState.from_bytes(4, "old", buffer.getvalue()).embedded == 3
