"""The pipeline for one story, in order, in one place.

`brief(inputs, options)` is the library call behind `corroborate brief`:
read and clean the articles, then run each analysis stage in the order of
`STAGES`. Every stage has the same shape, `(Brief, BriefOptions) -> Brief`:
it reads what earlier stages filled in and returns a new Brief with its own
fields filled (the Brief is immutable). Renderers only ever see the result.
"""

from __future__ import annotations

import threading

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from .config import BriefOptions
from .model import Article, Brief, InputProblem, RawArticle

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
    real headlines over lead sentences and originals over known copies/rewrites."""
    articles = list(articles)
    if not articles:
        return ""
    derived = set(derived)
    order = {article.id: index for index, article in enumerate(articles)}

    def preference(article: Article):
        return (
            not _reads_as_headline(article.title),
            article.id in derived,
            article.published is None,
            article.published or 0,
            order[article.id],
        )

    return min(articles, key=preference).title.rstrip(" :;,-")


def start_brief(articles: Iterable[Article], problems: Iterable[InputProblem] = ()) -> Brief:
    articles = tuple(articles)
    return Brief(title=story_title(articles), articles=articles, problems=tuple(problems))


def _warm_up_in_background(brief: Brief, wanted: set[str]) -> threading.Thread:
    """Load and parse, on the second core, what later stages will need, while the
    relations stage embeds on the first (ONNX Runtime releases the GIL). On a cold
    5-article brief this hid most of spaCy's load and parse time (8.4 s -> 5.2 s
    wall, measured under load)."""

    def work() -> None:
        if wanted & _PARSING_STAGES:
            from .nlp import parse_texts

            parse_texts([article.text for article in brief.articles])
        if "summary" in wanted:
            import scipy.optimize  # noqa: F401 - the summary's integer program; 0.5 s to import

    thread = threading.Thread(target=work, name="corroborate-warm-up", daemon=True)
    thread.start()
    return thread


def analyse(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Run the analysis stages, in order, over a brief that has its articles."""
    options = options or BriefOptions()
    stages = _stages()
    wanted = set(options.stages) if options.stages else set(stages)
    warm_up = _warm_up_in_background(brief, wanted)
    for name, stage in stages.items():
        if name in wanted or name == "sentences":  # every later stage reads sentences
            brief = stage(brief, options)
    warm_up.join()
    derived = {relation.derived for relation in brief.relations if relation.kind in ("duplicate", "contained", "rewrite")}
    return replace(brief, title=story_title(brief.articles, derived))


def brief(
    inputs: Iterable[str | Path | RawArticle | Article],
    options: BriefOptions | None = None,
) -> Brief:
    """Read the articles of one story (paths, folders, or article objects) and brief it.

    Unreadable inputs become `Brief.problems`; raises `NoUsableInput` only when
    nothing at all could be read.
    """
    from .ingest import read_articles

    articles, problems = read_articles(inputs)
    if not articles:
        raise NoUsableInput(problems)
    return analyse(start_brief(articles, problems), options)


def with_fields(brief: Brief, **fields) -> Brief:
    """A copy of `brief` with some fields replaced (stages use this)."""
    return replace(brief, **fields)
