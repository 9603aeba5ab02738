"""The pipeline for one story, in order, in one place.

`brief(inputs, options)` is the library call behind `corroborate brief`:
read and clean the articles, then run each analysis stage in the order of
`STAGES`. Every stage has the same shape, `(Brief, BriefOptions) -> Brief`:
it reads what earlier stages filled in and returns a new Brief with its own
fields filled (the Brief is immutable). Renderers only ever see the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import BriefOptions
from .guard import failed_articles, run_stage
from .model import Article, Brief, InputProblem, InputStatus, RawArticle
from .progress import step

if TYPE_CHECKING:
    from .ingest.identity import Repeat

log = logging.getLogger(__name__)

Stage = Callable[[Brief, BriefOptions], Brief]


def _stages() -> dict[str, Stage]:
    # Imported here so that `import corroborate` stays light; each module loads
    # its own models lazily on first use.
    from . import claims, quotes, relations, sentences, summarize, timeline

    return {
        "sentences": sentences.split_sentences,
        "relations": relations.find_relations,
        "quotes": quotes.find_quotes,
        "facts": claims.find_facts,
        "timeline": timeline.build_timeline,
        "summary": summarize.summarize,
    }


# Stages that read the spaCy parse of whole articles (nlp.parse_texts).
_PARSING_STAGES = {"quotes", "facts", "timeline"}


class NoUsableInput(Exception):
    """Nothing readable was found in the user's input (the message says why)."""

    def __init__(self, problems: Iterable[InputProblem]):
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems) or "no input given"
        super().__init__(f"no usable article in the input ({listed})")


HEADLINE_MAX_WORDS = 20


def _reads_as_headline(title: str) -> bool:
    # Scraped text without a headline gets its lead sentence as title: long,
    # ending like a sentence, or cut short by cleaning ("…").
    return len(title.split()) <= HEADLINE_MAX_WORDS and not title.rstrip().endswith((".", "…"))


def story_title(articles: Iterable[Article], derived: Iterable[str] = ()) -> str:
    """The story's title: the headline of the earliest original article, preferring
    real headlines over lead sentences and originals over known copies/rewrites;
    among equals, the headline more articles print, then the first by content id
    (never by input position). When no input came with a headline (every title is its
    article's first words), the first sentence most about the story (`_topicality`)
    that is no page furniture (`_furniture`)."""
    articles = list(articles)
    if not articles:
        return ""
    derived = set(derived)

    def headline(article: Article) -> str:
        return " ".join(article.title.split()).casefold()

    printed = Counter(headline(article) for article in articles)
    leads = {article.id for article in articles if _is_lead(article)}
    # A headline is chosen before any lead; the title is chosen twice per brief (before and
    # after the relations stage), over the same articles: their words are read once.
    topical = _topicality(tuple(articles)) if len(leads) == len(articles) else {}

    def preference(article: Article):
        lead = article.id in leads
        return (
            lead,  # an input without a headline is titled by its first sentence: a headline first
            # Among first sentences, the one most about the story, not the earliest: a feed's
            # first item may open with "Thoughts, comments ... about The Post's Live Q&A s?".
            -topical.get(article.id, 0.0) if lead else 0.0,
            not _reads_as_headline(article.title),
            article.id in derived,
            article.published is None,
            article.published or 0,
            -printed[headline(article)],
            article.id,
        )

    best = min(articles, key=preference)
    if best.id in leads:
        # A first sentence that other articles print too, going on with other words, is page
        # furniture (a sidebar's headline atop 23 of an outlet's pages), not the story's.
        texts = _flat_texts(tuple(articles))
        best = next((a for a in sorted(articles, key=preference) if a.id not in leads or not _furniture(a, texts)),
                    best)  # fmt: skip
    return best.title.rstrip(" :;,-")


@functools.lru_cache(maxsize=1)
def _flat_texts(articles: tuple[Article, ...]) -> dict[str, str]:
    """Each article's text on one line of single spaces (cached: see `story_title`)."""
    return {article.id: " ".join(article.text.split()) for article in articles}


def _furniture(article: Article, texts: dict[str, str]) -> bool:
    """Whether another article prints this one's first eight words (a headline's length:
    the lead runs on past a sidebar's headline) and goes on differently within its first
    forty: a copy of the article goes on alike."""
    own = texts[article.id]
    opening = " ".join(article.title.rstrip("…").split()[:8])
    lead = " ".join(own.split(" ", 40)[:40])
    for other_id, text in texts.items():
        at = text.find(opening) if other_id != article.id else -1
        if at >= 0 and text[at : at + len(lead)] != lead:
            return True
    return False


def _is_lead(article: Article) -> bool:
    """Whether the title is the article's own first words: `clean.derived_title`'s, given
    to an input that came without a headline, or a given "title" that is only the text's
    first line (a photo caption) printed again."""
    title = " ".join(article.title.rstrip("…").split())
    return bool(title) and " ".join(article.text[: len(article.title) * 2].split()).startswith(title)


_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")


@functools.lru_cache(maxsize=1)
def _topicality(articles: tuple[Article, ...]) -> dict[str, float]:
    """How much each title is about what the story's articles share: the mean, over its
    distinct words, of p·log(1/p), p the share of articles whose text holds the word. A
    word every article holds ("about", "said") and a word of one article both count
    about nothing; the words of the story (a third of the articles or so) count most.
    No weight is fitted."""
    holding: Counter = Counter()
    for article in articles:
        holding.update(set(_TITLE_WORD.findall(article.text.casefold())))
    total = len(articles)
    out = {}
    for article in articles:
        words = set(_TITLE_WORD.findall(article.title.casefold()))
        shares = [holding[w] / total for w in words if holding[w]]
        out[article.id] = sum(-p * math.log(p) for p in shares) / len(words) if words else 0.0
    return out


def canonical_order(articles: Iterable[Article]) -> tuple[Article, ...]:
    """The articles by publication date (undated last), then by content id.

    Every stage reads `Brief.articles` in this order, so wherever a stage lets the
    first of two equals win (a greedy alignment, the first speaker name seen, the
    solver's choice between equally good summaries) the winner depends on the
    articles' content, never on the order the user gave them in: the brief of any
    permutation of the inputs is the same. Ids are unique and derived from content
    (`ingest.identity`), so this order is total. Date first, because among equals the
    earlier published article is the better guess at the original; the id only
    breaks what nothing else does. Ties that evidence can decide (which wording of a
    quote is the original) are decided by evidence in their stage, not by this order.
    """
    return tuple(sorted(articles, key=lambda a: (a.published is None, a.published or dt.date.min, a.id)))


def start_brief(
    articles: Iterable[Article], problems: Iterable[InputProblem] = (), repeats: Iterable[Repeat] = ()
) -> Brief:
    """A brief of these articles, not yet analysed, with every input accounted for:
    each article (original until the relations stage finds it a copy), each repeat
    after the article it repeats, each rejected input."""
    articles = canonical_order(articles)
    problems = tuple(sorted(problems, key=lambda p: (p.origin, p.line or 0, p.message)))
    repeated: dict[str, list[str]] = {}
    for repeat in repeats:
        repeated.setdefault(repeat.article_id, []).append(repeat.origin)
    inputs: list[InputStatus] = []
    for article in articles:
        inputs.append(InputStatus(article.origin, "original", article.id))
        inputs += [
            InputStatus(origin, "repeat", article.id, article.id, "the same text and details as another input: read once")
            for origin in sorted(repeated.get(article.id, ()))
        ]
    inputs += [
        InputStatus(p.origin, "rejected", reason=f"line {p.line}: {p.message}" if p.line else p.message) for p in problems
    ]
    return Brief(title=story_title(articles), articles=articles, problems=problems, inputs=tuple(inputs))


# Whether `analyse` may parse on a second thread while it embeds on the first. A
# process given one core (a Dask worker of one thread beside others on the same
# machine, `distributed.worker`) turns it off: the second thread would compete
# with the other workers for their cores.
BACKGROUND_WARM_UP = True


def _warm_up_in_background(brief: Brief, wanted: set[str], parsed: threading.Event) -> threading.Thread | None:
    """Load and parse, on the second core, what later stages will need, while the
    relations stage embeds on the first (ONNX Runtime releases the GIL); `parsed` is
    set once the parse is done. On a cold 5-article brief this hid most of spaCy's
    load and parse time (8.4 s -> 5.2 s wall, measured under load). None when
    `BACKGROUND_WARM_UP` is off."""
    if not BACKGROUND_WARM_UP:
        return None

    def work() -> None:
        try:
            if wanted & _PARSING_STAGES:
                try:
                    _parse(brief)
                finally:
                    parsed.set()
            if "summary" in wanted:
                from .milp import milp_api

                milp_api()  # the summary's integer program (0.2 s to import)
        except Exception:  # noqa: BLE001 - only a head start: the stages parse again, under their guards
            log.debug("warm-up failed", exc_info=True)

    from .progress import in_thread

    thread = in_thread(work, name="corroborate-warm-up")  # not a daemon: see _load_models_in_background
    thread.start()
    return thread


def _embed_sentences_ahead(brief: Brief, parsed: threading.Event) -> None:
    """Embed every sentence now, on this core, while the warm-up parses on the other
    (a second thread joins once the parse is done): relations and the summary read
    these embeddings (cached by text), and the summary would otherwise encode its
    share after the parse, on the critical path (cold 5-article brief 3.4 -> 3.0 s
    wall, measured on 2 idle cores)."""
    from .nlp import embed, encoder_for

    with _encoding_on_free_cores(parsed):
        embed([brief.text(sentence.span) for sentence in brief.sentences], encoder_for(len(brief.sentences)))


def _encoding_on_free_cores(free: threading.Event | None = None):
    """The encoder on two threads where the machine gives the brief two cores, the
    second once `free` is set (the background parse done): the rest of the sentences,
    then the texts the quotes and facts stages embed (their quotes, their claims'
    clauses) on the critical path of a cold brief (flagship: 0.7 s -> 0.4 s wall)."""
    import os

    from . import nlp

    cores = (nlp.CORES or os.cpu_count() or 1) if BACKGROUND_WARM_UP else 1
    return nlp.encoding_on(min(2, cores), free)


def _parse(brief: Brief) -> None:
    from .nlp import parse_texts

    parse_texts([article.text for article in brief.articles])


# A story of more characters than this (the size at which nlp parses in two processes)
# has its docs dropped after the last stage that reads them.
KEEP_PARSE_CHARS = 200_000


def _forget_parse(brief: Brief) -> None:
    """No stage after the last parsing one reads the docs: a large story's are dropped
    (0.15 GB for 300 long articles); a small story's (a few MB) stay cached for a
    process that briefs it again (the web app re-briefing a story, the tests)."""
    from .nlp import forget_docs

    texts = [article.text for article in brief.articles]
    if sum(map(len, texts)) > KEEP_PARSE_CHARS:
        forget_docs(texts)


def _ahead(work: Callable[[Brief], None], brief: Brief) -> None:
    """Work done ahead for the stages (parsing, embedding): if it fails, the stages
    meet the failure again under their guards, article by article."""
    try:
        work(brief)
    except Exception:  # noqa: BLE001 - see the docstring
        log.debug("%s failed", work.__name__, exc_info=True)


def analyse(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Run the analysis stages, in order, over a brief that has its articles
    (each timed as a step of `progress`, with the background parse as "parse").

    A stage that fails on one article (or as a whole) does not stop the brief: the
    failure is one of `Brief.problems` and the brief goes on without that part
    (`guard.run_stage`; stages guard their per-article work with `guard.per_article`)."""
    options = options or BriefOptions()
    brief = _within_length(brief, options.max_article_chars)
    stages = _stages()
    wanted = set(options.stages) if options.stages else set(stages)
    parsed = threading.Event()
    warm_up = _warm_up_in_background(brief, wanted, parsed)
    if warm_up is None or not wanted & _PARSING_STAGES:
        parsed.set()  # nothing parses beside the embedding
    parse_first = next((name for name in stages if name in _PARSING_STAGES & wanted), None)
    parse_last = next((name for name in reversed(stages) if name in _PARSING_STAGES & wanted), None)
    spread = contextlib.ExitStack()
    aside = None  # the quotes stage in a forked child while facts runs here (stage_worker)
    for name, stage in stages.items():
        if name == parse_first:
            with step("parse"):  # waits for the background parse (then cached for every stage)
                _ahead(_parse, brief)
            spread.enter_context(_encoding_on_free_cores())
        if name == "quotes" and "quotes" in wanted and "facts" in wanted and warm_up is not None:
            from . import stage_worker

            if stage_worker.may_fork(brief):
                warm_up.join()  # the parse is done: at most an import left, which a fork must not split
                aside = stage_worker.SideStage(name, stage, brief, options)
                continue
        if name in wanted or name == "sentences":  # every later stage reads sentences
            with step(name):
                brief = run_stage(name, stage, brief, options)
        if name == "facts" and aside is not None:
            with step("quotes"):  # what is left of it on the second core, then merged in
                brief = aside.result(brief)
        if name == parse_last:
            _forget_parse(brief)
        if name == "sentences" and wanted & {"relations", "summary"}:
            with step("embed"):
                _ahead(lambda ahead: _embed_sentences_ahead(ahead, parsed), brief)
    spread.close()
    if warm_up is not None:
        warm_up.join()
    derived = {relation.derived for relation in brief.relations if relation.kind in ("duplicate", "contained", "rewrite")}
    return replace(brief, title=story_title(brief.articles, derived))


def _within_length(brief: Brief, limit: int) -> Brief:
    """Articles longer than `limit` characters cut at the last paragraph break before
    it (a problem says so): the analyses are not made for book-length texts."""
    cut = []
    problems = []
    for article in brief.articles:
        if len(article.text) <= limit:
            cut.append(article)
            continue
        end = article.text.rfind("\n", 0, limit + 1)
        if end < limit // 2:
            end = article.text.rfind(" ", 0, limit + 1)
        end = end if end > 0 else limit
        text = article.text[:end].rstrip()
        cut.append(replace(article, text=text, raw_line_of=article.raw_line_of[: text.count("\n") + 1]))
        problems.append(InputProblem(
            article.origin,
            f"article of {len(article.text):,} characters: only its first {len(text):,} are analysed "
            "(setting max_article_chars)",
        ))  # fmt: skip
    if not problems:
        return brief
    return replace(brief, articles=tuple(cut), problems=brief.problems + tuple(problems))


def brief(
    inputs: Iterable[str | Path | RawArticle | Article],
    options: BriefOptions | None = None,
) -> Brief:
    """Read the articles of one story (paths, folders, or article objects) and brief it.

    Unreadable inputs become `Brief.problems`; raises `NoUsableInput` only when
    nothing at all could be read.
    """
    _load_models_in_background(options or BriefOptions())
    # Imported once the models have started loading: spaCy's load is the longest chain
    # of a cold brief, and this import (ftfy, feedparser: 0.2 s) need not come before it.
    from .ingest import read_inputs

    with step("read"):
        read = read_inputs(inputs)
    if not read.articles:
        raise NoUsableInput(read.problems)
    return analyse(start_brief(read.articles, read.problems, read.repeats), options)


def nothing_usable(brief: Brief) -> bool:
    """Whether the analysis left nothing to show: every article with text failed in
    the sentences stage, which every other stage reads."""
    with_text = {article.id for article in brief.articles if article.text.strip()}
    return bool(with_text) and with_text <= failed_articles(brief, "sentences")


def _load_models_in_background(options: BriefOptions) -> None:
    """Start loading spaCy (1.7 s cold, the longest chain of a brief) and the sentence
    encoder (0.4 s), each on its own thread, while the articles are read; the stages
    then find them loaded (cold 5-article brief 3.1 -> 2.9 s wall, 2 idle cores; one
    thread loading both in turn: 3.3 s)."""
    # What both import chains import, imported here first: a first import raced from
    # two threads can fail ("cannot load module more than once per process", seen
    # with numpy when nothing had imported it before the brief).
    import bz2, gzip, lzma, tempfile, urllib.request, uuid  # noqa: E401, F401
    # Reading and the stages' modules import these while the models load:
    import csv, difflib, heapq, json, secrets, unicodedata  # noqa: E401, F401
    import numpy  # noqa: F401
    # `np.unique` imports numpy.ma on first use: in a parse process forked while another
    # thread was importing it, the import lock stays held and the parse hangs (seen once
    # at 100 news articles: the fork came as the relations stage's first np.unique ran).
    import numpy.ma  # noqa: F401

    from .nlp import sentence_encoder, spacy_model

    # Every stage unless some are chosen: the stages' modules (0.2 s to import) are
    # imported by `analyse`, while the models load.
    wanted = set(options.stages) if options.stages else {"relations", "facts", "summary", *_PARSING_STAGES}
    # Not daemon threads: if reading fails and the program ends at once, the interpreter
    # must wait for a half-done import rather than finalise under it (that aborted the
    # process, SIGABRT). The command line leaves at once without finalising instead.
    if wanted & {"relations", "facts", "summary"}:
        # One ONNX Runtime thread: while a single story is briefed, spaCy loads and
        # parses on the other core (cold brief 3.05 -> 2.88 s median; bulk runs, which
        # reach the encoder another way, keep two threads: 413 vs 250 headlines/s).
        threading.Thread(target=sentence_encoder, kwargs={"threads": 1}, name="corroborate-load-encoder").start()
    if wanted & _PARSING_STAGES:
        threading.Thread(target=spacy_model, name="corroborate-load-parser").start()


def with_fields(brief: Brief, **fields) -> Brief:
    """A copy of `brief` with some fields replaced (stages use this)."""
    return replace(brief, **fields)
