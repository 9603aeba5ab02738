"""The shortcuts that normal-length news briefs take (issue 12, branch mn12) give the
answers of the plain computation.

Each is compared with the computation it replaces on generated fictional text, with
the cases the shortcut has to get right (case variants, the characters that
`re.IGNORECASE` folds unlike `str.lower`, the same text asked twice with another
reference date)."""

from __future__ import annotations

import datetime as dt
import random
import re
import sys

from corroborate import dates, summarize

# One print of each alternative of summarize._JUNK, in a sentence of our own.
_JUNK_PHRASES = (
    "see https://harbour.example/ferry", "visit www.eastmere.example", "write to desk@eastmere.example today",
    "click here for the timetable", "tap here to listen", "sign up for our daily bulletin",
    "subscribe to our newsletters now", "register here free", "our weekly newsletter", "newsletter sign-up",
    "all rights reserved", "copyright 2031", "(c) Eastmere Post ©", "follow us on the quay",
    "follow her on instagram", "read more about the ferry", "advertisement", "image caption the quay",
    "photograph: the quay", "(ap photo of the harbour", "getty images", "this site uses cookies",
    "accept cookies", "cookie settings", "enable javascript", "javascript is disabled", "your browser",
    "browser does not support", "our terms of use", "the site's privacy policy", "agree to our terms",
    "share this story",
)  # fmt: skip


def _case_variants(text: str, rng: random.Random) -> str:
    """Letters in random case, and now and then the characters that IGNORECASE reads as
    i or s although str.lower does not ("İ", "ı", "ſ")."""
    out = []
    for char in text:
        roll = rng.random()
        if char == "i" and roll < 0.1:
            out.append(rng.choice("\u0130\u0131"))
        elif char == "s" and roll < 0.1:
            out.append("\u017f")
        elif char == "k" and roll < 0.05:
            out.append("\u212a")  # the Kelvin sign, which lowers to k
        else:
            out.append(char.upper() if rng.random() < 0.3 else char)
    return "".join(out)


def test_junk_cues_are_in_every_junk_match():
    rng = random.Random(12)
    fillers = ["The ferry left the quay at dawn,", "the council said.", "Tickets sold out by noon;", ""]
    asked = found = 0
    for _ in range(4000):
        phrase = _case_variants(rng.choice(_JUNK_PHRASES), rng)
        text = f"{rng.choice(fillers)} {phrase} {rng.choice(fillers)}".strip()
        asked += 1
        if summarize._JUNK.search(text):
            found += 1
            assert summarize._may_be_junk(text), text
    assert found > asked // 2  # the generated texts do exercise the pattern
    # Plain sentences: the cue test decides nothing the pattern would decide otherwise.
    for text in ("The ferry left the quay at dawn, the council said.", "Tickets sold out by noon on Monday.",
                 "Vellmark bundled its browser with every new phone, the regulator said."):  # fmt: skip
        assert bool(summarize._JUNK.search(text)) <= summarize._may_be_junk(text)


def test_ignorecase_folds_no_other_character_into_a_cue_letter():
    letters = sorted({char for cue in summarize._JUNK_CUES for char in cue if char.isalpha() and char.isascii()})
    patterns = [(letter, re.compile(re.escape(letter), re.IGNORECASE)) for letter in letters]
    # A character without case variants matches only itself under IGNORECASE.
    cased = (chr(c) for c in range(sys.maxunicode + 1) if chr(c).lower() != chr(c) or chr(c).upper() != chr(c))
    odd = {char for char in cased for letter, pattern in patterns
           if pattern.fullmatch(char) and char.lower() != letter}  # fmt: skip
    assert odd == set(summarize._FOLDED_UNLIKE_LOWER)


def _plain_find_dates(text: str, reference):
    """`dates.find_dates` as written before the scan was cached: every pattern scanned per call."""
    taken, found = [], []
    for kind, pattern in dates._PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            try:
                resolved = dates._resolve(kind, match, text, reference)
            except (ValueError, OverflowError):
                continue
            if resolved is None:
                continue
            resolved = dates._strip_preposition(resolved)
            taken.append((start, end))
            found.append(resolved)
    found.sort(key=lambda m: m.start)
    return found


def test_cached_date_scan_resolves_as_the_plain_scan():
    rng = random.Random(5)
    pieces = ["on Monday", "last Friday night", "two days ago", "5,000 years ago", "March 3, 2031", "3 March",
              "in May", "next week", "earlier this month", "2031-04-02", "the ferry will sail on Sunday", "yesterday",
              "in 2030", "three years from now", "late Tuesday", "June 2029", "the council met", "Sept. 9"]  # fmt: skip
    references = [None, dt.date(2031, 3, 10), dt.date(1, 1, 3), dt.date(9999, 12, 30)]
    for _ in range(300):
        text = ". ".join(" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(3)) + "."
        for reference in rng.sample(references, len(references)):  # the same text asked with other references
            assert dates.find_dates(text, reference) == _plain_find_dates(text, reference), (text, reference)


def _plain_group_of(brief, article_id: str) -> int:
    """`Brief.group_of` as written before its index: a scan of the groups."""
    for index, group in enumerate(brief.source_groups):
        if article_id in group.articles:
            return index
    return len(brief.source_groups) + [a.id for a in brief.articles].index(article_id)


def test_group_of_is_the_first_group_holding_the_article():
    import pytest

    from corroborate.model import Article, Brief, SourceGroup

    rng = random.Random(3)
    for _ in range(200):
        articles = tuple(Article(id=f"a{k}", origin=f"a{k}.txt", title="", text="Text.") for k in range(rng.randint(1, 9)))
        ids = [a.id for a in articles]
        # Groups as relations makes them, and malformed ones: an article in two groups, none.
        groups = tuple(SourceGroup(articles=tuple(rng.sample(ids, rng.randint(1, len(ids)))), original=ids[0])
                       for _ in range(rng.randint(0, 4)))  # fmt: skip
        brief = Brief(title="", articles=articles, source_groups=groups)
        for article_id in ids:
            assert brief.group_of(article_id) == _plain_group_of(brief, article_id)
        with pytest.raises(ValueError):
            brief.group_of("not-an-article")


def test_noun_chunk_bounds_are_spacys_noun_chunks(example_story_dir):
    from corroborate import entities, nlp

    texts = [path.read_text(encoding="utf-8") for path in sorted((example_story_dir / "articles").glob("*.txt"))]
    texts += ["The mayor, her deputy and the harbour master met the ferry crews and their union on Monday.",
              "Ada, Bram and Cleo sold tickets to children; the council and a rival firm, Calloway Hale, said nothing.",
              "", "Rain."]  # fmt: skip
    assert len(texts) > 6  # the bundled story's articles were found
    for doc in nlp.parse_texts(texts):
        assert entities._noun_chunk_bounds(doc) == [(chunk.start, chunk.end) for chunk in doc.noun_chunks]


def _plain_mark_repeats(candidates, sameness, redundant_cosine):
    """`summarize._mark_repeats` as written before: every pair close enough asked."""
    import numpy as np

    rows = np.array([c.row for c in candidates], dtype=np.int64)
    least = min(sameness.least_cosine, redundant_cosine)
    for pair_rows, pair_columns, cosines in summarize._relations().upper_pairs(sameness.vectors[rows], least):
        later = pair_columns > pair_rows
        pair_rows, pair_columns, cosines = pair_rows[later], pair_columns[later], cosines[later].astype(np.float64)
        repeated = (cosines >= redundant_cosine) | sameness.same_many(rows[pair_rows], rows[pair_columns], cosines)
        for a, b in zip(pair_rows[repeated], pair_columns[repeated]):
            candidates[a].repeats.add(candidates[b].index)
            candidates[b].repeats.add(candidates[a].index)


def test_close_pairs_are_repeats_without_asking_their_words():
    import numpy as np

    rng = np.random.default_rng(7)
    words = "ferry harbour council budget storm warning school closure bridge repair court ruling crews".split()
    texts, vectors = [], []
    for k in range(60):  # sentences around a few topics, some reworded, some printed twice
        topic = k % 5
        kept = [w for w in words if rng.random() < 0.6]
        texts.append(" ".join(kept) if k % 7 else texts[-1] if texts else "ferry")
        vector = np.eye(5, 16)[topic] + rng.normal(scale=rng.choice([0.2, 0.6, 1.0]), size=16)
        vectors.append(vector / np.linalg.norm(vector))
    vectors = np.asarray(vectors, dtype=np.float32)

    def marked(mark, redundant):
        candidates = [summarize._Candidate(index=k, sentence=None, text=t, words=7, concepts=set(), group=k, row=k)
                      for k, t in enumerate(texts)]  # fmt: skip
        mark(candidates, summarize._Sameness(texts, vectors), redundant)
        return [sorted(c.repeats) for c in candidates]

    for redundant in (0.3, 0.55, 0.8, 1.0):
        ours = marked(summarize._mark_repeats, redundant)
        assert ours == marked(_plain_mark_repeats, redundant)
        assert any(ours)


def _plain_citations(brief, row, sameness, unreliable=()):
    """`summarize._citations` as written before: every sentence asked, every fact read."""
    own = brief.sentences[row].span.article_id
    similarity = sameness.vectors @ sameness.vectors[row]
    citing = set()
    for j, other in enumerate(brief.sentences):
        article_id = other.span.article_id
        if article_id == own or article_id in citing or not sameness.same(row, j, float(similarity[j])):
            continue
        if any(other.span.overlaps(span) for span in unreliable):
            continue
        citing.add(article_id)
    span = brief.sentences[row].span
    for fact in brief.facts:
        values = {claim.value for claim in fact.claims if span.contains(claim.span)}
        if values:
            citing |= {claim.span.article_id for claim in fact.claims if claim.value in values} - {own}
    return (own, *(a.id for a in brief.articles if a.id in citing))


def test_citations_read_only_close_sentences_and_their_articles_facts():
    import numpy as np

    from corroborate.model import Article, Brief, Claim, FactSlot, Sentence, Span

    rng = np.random.default_rng(11)
    statements = ["the ferry sailed at dawn", "the council met on monday", "storm warning for the harbour",
                  "tickets sold out by noon"]  # fmt: skip
    articles, sentences, texts, vectors = [], [], [], []
    for k in range(12):
        chosen = [statements[i] for i in rng.permutation(len(statements))[:3]]
        text = ". ".join(chosen) + "."
        articles.append(Article(id=f"a{k:02d}", origin=f"a{k}.txt", title="", text=text))
        start = 0
        for index, statement in enumerate(chosen):
            sentences.append(Sentence(Span(f"a{k:02d}", start, start + len(statement)), index, 0))
            texts.append(statement)
            vector = np.eye(len(statements), 8)[statements.index(statement)] + rng.normal(scale=0.5, size=8)
            vectors.append(vector / np.linalg.norm(vector))
            start += len(statement) + 2
    facts = []
    for value in ("dawn", "noon"):  # a fact printed in some articles' sentences
        claims = tuple(Claim(span=Span(s.span.article_id, s.span.start + 1, s.span.start + 4), subject="", attribute="time",
                             value=value if rng.random() < 0.7 else "dusk", display=value)
                       for s in sentences if value in texts[sentences.index(s)])  # fmt: skip
        facts.append(FactSlot("", "time", "conflicting", claims, len(claims)))
    brief = Brief(title="", articles=tuple(articles), sentences=tuple(sentences), facts=tuple(facts))
    sameness = summarize._Sameness(texts, np.asarray(vectors, dtype=np.float32))
    unreliable = [sentences[5].span, sentences[17].span]
    facts_in = summarize._facts_by_article(brief)
    cited = 0
    for row in range(len(sentences)):
        ours = summarize._citations(brief, row, sameness, unreliable, facts_in)
        assert ours == _plain_citations(brief, row, sameness, unreliable)
        assert ours == summarize._citations(brief, row, sameness, unreliable)  # without the index
        cited += len(ours) - 1
    assert cited  # some sentences are cited by others


def test_quote_pairs_asked_through_compiled_ratios_are_the_plain_ones(monkeypatch):
    from types import SimpleNamespace

    from corroborate import relations

    rng = random.Random(21)
    said = ["we will rebuild the bridge before winter", "the ferry crews were in the water all night",
            "tickets sold out to the children by noon", "the council has no money left for the harbour"]  # fmt: skip

    def reworded(quote: str) -> str:
        words = quote.split()
        for _ in range(rng.randint(0, 4)):  # drop, swap or misspell a word now and then
            k = rng.randrange(len(words))
            words[k] = rng.choice([words[k][::-1], words[k] + "s", "the", words[k].upper()])
        return " ".join(words)

    profiles = [SimpleNamespace(quotes=[reworded(rng.choice(said)) for _ in range(rng.randint(1, 4))]) for _ in range(40)]
    plain = relations._quote_pairs(profiles)  # fewer pairs than the bar: every pair asked with fuzz.ratio
    monkeypatch.setattr(relations, "QUOTE_PAIRS_COMPILED_FROM", 0)
    assert relations._quote_pairs(profiles) == plain
    assert sum(map(len, plain.values())) > 20  # the generated quotes do share
