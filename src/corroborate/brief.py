"""The pipeline for one story, in order, in one place.

`brief(inputs, options)` is the library call behind `corroborate brief`:
read and clean the articles, then run each analysis stage in the order of
`STAGES`. Every stage has the same shape, `(Brief, BriefOptions) -> Brief`:
it reads what earlier stages filled in and returns a new Brief with its own
fields filled (the Brief is immutable). Renderers only ever see the result.
"""

from __future__ import annotations

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




class NoUsableInput(Exception):
    """Nothing readable was found in the user's input (the message says why)."""

    def __init__(self, problems: Iterable[InputProblem]):
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems) or "no input given"
        super().__init__(f"no usable article in the input ({listed})")


def story_title(articles: Iterable[Article]) -> str:
    """The title of the earliest dated article, else of the first article."""
    articles = list(articles)
    if not articles:
        return ""
    dated = [a for a in articles if a.published]
    first = min(dated, key=lambda a: a.published) if dated else articles[0]
    return first.title


def start_brief(articles: Iterable[Article], problems: Iterable[InputProblem] = ()) -> Brief:
    articles = tuple(articles)
    return Brief(title=story_title(articles), articles=articles, problems=tuple(problems))


def analyse(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Run the analysis stages, in order, over a brief that has its articles."""
    options = options or BriefOptions()
    stages = _stages()
    wanted = set(options.stages) if options.stages else set(stages)
    for name, stage in stages.items():
        if name in wanted or name == "sentences":  # every later stage reads sentences
            brief = stage(brief, options)
    return brief


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
