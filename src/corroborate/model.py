"""The domain objects of corroborate, in one place.

Everything here is small, typed and immutable. Anything derived from an article
(a sentence, a quote, a claim, a summary sentence) points into the article's
*cleaned* text by a `Span` (article id, start, end) instead of copying it, so
every line of a report can be traced back to the characters it came from.

Data flows one way: readers produce `RawArticle`s, cleaning turns them into
`Article`s, analysis stages fill in the fields of a `Brief`, renderers print it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

SCHEMA_VERSION = "1.2"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Characters `start:end` of the cleaned text of article `article_id`."""

    article_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.article_id == other.article_id and self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.article_id == other.article_id and self.start <= other.start and other.end <= self.end


# A record inside a file has an origin ending in its number there (`path#line-7`):
# a position in the file, so never evidence of anything.
_RECORD_NUMBER = re.compile(r"#(?:record|line|entry)-\d+$")


def origin_file(origin: str) -> str:
    """The file an input came from: its origin without a record's number."""
    return _RECORD_NUMBER.sub("", origin)


def normalise_for_id(text: str) -> str:
    """Content identity ignores case, white space and typography of quote marks."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2018\u2019\u201a\u201b`']", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\"]", '"', text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A user's input that could not be read (or only partly): shown, never raised."""

    origin: str  # file path, or path plus record
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line else self.origin
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class StageProblem:
    """An analysis stage that failed on one article (or, `article_id` None, on all of
    them): the brief went on without that article's part in that stage. Shown with
    the input problems, and shaped like them (origin, message, line)."""

    origin: str  # the article's origin, or "brief" for the whole stage
    message: str  # which stage failed, and the error in one line
    stage: str
    article_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as a reader found it, before cleaning."""

    origin: str  # where it came from: path, path#record, or URL, for the user to find it
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    source_id: str | None = None  # the id the input itself gave, if any
    # Lines that the reader already knows are not body text (for example the
    # title line of a .txt file), so that cleaning can report them too.
    format: str = "text"  # text | html | json | csv | feed | warc


# The reason cleaning gives for the title line of a text file: it moves into
# `Article.title`, so it is removed from the body but is not junk.
TITLE_LINE = "title line"


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line that cleaning took out of an article, and why."""

    line: int  # 1-based line number in the raw text
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. `text` is what every `Span` of this article points into."""

    id: str  # stable, derived from content (see ingest.article_id)
    origin: str
    title: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    source_id: str | None = None
    removed: tuple[RemovedLine, ...] = ()
    # Maps each cleaned-text line to its 1-based raw line number, so a span can be
    # traced to the line of the file it came from.
    raw_line_of: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """How reports name this article: the outlet or host if known, else the file name."""
        if self.outlet:
            return self.outlet
        name = self.origin.rstrip("/").rsplit("/", 1)[-1]
        return name or self.id

    @property
    def junk_removed(self) -> tuple[RemovedLine, ...]:
        """The removed lines that were scraping junk (not the title line)."""
        return tuple(line for line in self.removed if line.reason != TITLE_LINE)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def slice(self, span: Span) -> str:
        if span.article_id != self.id:
            raise ValueError(f"span of {span.article_id} used on {self.id}")
        return self.text[span.start : span.end]


@dataclass(frozen=True, slots=True)
class Sentence:
    span: Span
    index: int  # position within its article
    paragraph: int  # paragraph number within its article
    # A turn of a broadcast transcript ("BLITZER: ..."): what someone said on air, not
    # the outlet's own report (`sentences.split_article`).
    spoken: bool = False


# --- source relations -------------------------------------------------------

RelationKind = Literal["duplicate", "contained", "rewrite", "shares-quotes-only", "independent"]


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Two sentences, in two articles, that say the same thing."""

    left: Span
    right: Span
    similarity: float


@dataclass(frozen=True, slots=True)
class Relation:
    """How two articles of a story are related. `source` is the likely original,
    `derived` the likely copy (when `direction_confidence` is low the order is a guess)."""

    source: str
    derived: str
    kind: RelationKind
    score: float
    direction_confidence: float = 0.0
    evidence: tuple[str, ...] = ()
    aligned: tuple[AlignedPair, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """Articles that are one independent source: an original and its copies."""

    articles: tuple[str, ...]
    original: str


# --- quotes -----------------------------------------------------------------

# "disputed": the occurrence prints one of several wordings that equal independent
# support and no evidence could choose between; no outlet is blamed for it.
QuoteVerdict = Literal["verbatim", "partial", "typography", "altered", "other-speaker", "disputed"]


@dataclass(frozen=True, slots=True)
class Quote:
    """One direct quote in one article: the quoted words and who said them."""

    span: Span  # the quoted words, without the quote marks
    speaker: str | None  # canonical speaker name, or a collective ("fans on social media")
    speaker_span: Span | None = None  # the mention that names the speaker, if any
    cue: str | None = None  # "said", "wrote on Twitter", ...
    # The whole statement credited to the speaker: the quoted words plus the
    # unquoted rest of the cue's complement clause ("says [the ferry will
    # “sail again by spring”]"); equal to `span` for a quote that is all of it.
    content: Span | None = None


@dataclass(frozen=True, slots=True)
class WordEdit:
    """One word-level change between the canonical wording and a variant."""

    removed: str
    added: str


@dataclass(frozen=True, slots=True)
class QuoteOccurrence:
    quote: Quote
    verdict: QuoteVerdict
    edits: tuple[WordEdit, ...] = ()
    # The outlet's editorial marks inside the quote, as printed: insertions in
    # brackets or parentheses ("(in Kosovo)", "[sic]") and ellipses marking a cut.
    # They are the outlet's, not the speaker's words: never counted as alterations.
    editorial: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One underlying statement as printed by every outlet that prints it."""

    speaker: str | None
    # The wording printed by the most independent sources (editorial marks left out).
    # When `rivals` is set, no wording could be chosen: this is the first rival, shown
    # for reference only.
    canonical: str
    occurrences: tuple[QuoteOccurrence, ...]
    # When wordings that differ had equal independent support: the evidence that
    # decided between them ("printed first: ..."), or empty when none was needed.
    decided_by: str = ""
    # Wordings with equal independent support that no evidence could decide between:
    # the statement is disputed, its occurrences are `disputed`, and nobody is blamed.
    rivals: tuple[str, ...] = ()

    @property
    def disputed(self) -> bool:
        return bool(self.rivals)


@dataclass(frozen=True, slots=True)
class QuoteFidelity:
    """Per article: how faithfully it prints the quotes it shares with others."""

    article_id: str
    quotes: int
    faithful: int  # verbatim, partial or typography-only
    altered: int
    flagged_as_rewrite: bool
    disputed: int = 0  # prints a wording of a disputed statement: counted against nobody


# --- facts and timeline -----------------------------------------------------

# "week": "last week", "earlier this week" (the date is the Monday of that week).
DatePrecision = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class Entity:
    name: str  # canonical name across the story
    kind: str  # PERSON, ORG, GPE, WORK_OF_ART, ...
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """A valued statement in one article: subject, attribute, normalised value."""

    span: Span
    subject: str
    attribute: str
    value: str  # normalised, comparable ("25000000 USD", "2022-11-27", "42")
    display: str  # as the article put it ("$25 million", "Tuesday")
    precision: DatePrecision | None = None  # for date values
    kind: str = ""  # money | count | age | percent | duration | date | participants
    # How far another value may be and still agree: half the unit of the last
    # figure given ("74.2 million": 50000), or 10% for "about 200".
    tolerance: float = 0.0
    date_inferred: bool = False  # resolved against an inferred publication date
    context: Span | None = None  # the sentence the claim is made in


FactStatus = Literal["corroborated", "single-source", "conflicting"]


@dataclass(frozen=True, slots=True)
class FactSlot:
    """All claims about one slot (subject + attribute) across the story."""

    subject: str
    attribute: str
    status: FactStatus
    claims: tuple[Claim, ...]
    independent_sources: int

    @property
    def heading(self) -> str:
        """"Subject — attribute", or the attribute alone when the reports name no common
        subject (`subject` is "")."""
        return f"{self.subject} — {self.attribute}" if self.subject else self.attribute


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: dt.date
    precision: DatePrecision
    description: Span
    sources: tuple[str, ...]  # article ids
    date_inferred: bool = False


# --- summary ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummarySentence:
    span: Span  # the sentence as taken from its article (less a leading wire dateline)
    citations: tuple[str, ...]  # every article that says the same, the taken one first
    independent_sources: int = 1


# --- changes after publication ----------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """The text of an article as one fetch of its URL found it. Version 1 is the text
    first stored (the one briefed); later fetches with other text add versions."""

    article_id: str
    number: int
    fetched_at: dt.datetime | None  # UTC; None for an article read from a file
    url: str | None
    title: str
    text: str
    gone: bool = False  # the URL answered 404/410: the article was taken down


@dataclass(frozen=True, slots=True)
class TextChange:
    """One changed run of words between the briefed text and the latest version."""

    removed: Span  # the words the briefed text had (an empty span where words were only added)
    added: str  # the words the latest version has instead
    flags: tuple[str, ...] = ()  # "quote", "number", "date": what the change touches


@dataclass(frozen=True, slots=True)
class ArticleChanges:
    """How an article changed after it was first fetched (the brief analyses version 1)."""

    article_id: str
    versions: int
    first_fetched: dt.datetime | None
    last_changed: dt.datetime | None
    words_added: int
    words_removed: int
    edits: tuple[TextChange, ...] = ()
    gone: bool = False
# --- every input accounted for ---------------------------------------------

# original: read and analysed, derived from no other article of the story;
# duplicate / contained / rewrite: read and analysed, a copy of article `of`;
# repeat: the same article as `article_id` given again (the same file twice, or
# identical records of one file), listed but not analysed twice;
# rejected: could not be read, `reason` says why.
InputStatusKind = Literal["original", "duplicate", "contained", "rewrite", "repeat", "rejected"]


@dataclass(frozen=True, slots=True)
class InputStatus:
    """One input the user gave (a file, or a record of a file) and what became of it."""

    origin: str
    status: InputStatusKind
    article_id: str | None = None  # the article it was read as (None when rejected)
    of: str | None = None  # duplicate, contained, rewrite: the article it copies
    reason: str = ""  # the evidence for the status, or why the input was rejected


# --- the brief --------------------------------------------------------------


@dataclass(frozen=True)
class Brief:
    """Everything corroborate knows about one story. Stages fill it in, in order."""

    title: str
    articles: tuple[Article, ...]
    problems: tuple[InputProblem | StageProblem, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    relations: tuple[Relation, ...] = ()
    source_groups: tuple[SourceGroup, ...] = ()
    quotes: tuple[QuoteGroup, ...] = ()
    quote_fidelity: tuple[QuoteFidelity, ...] = ()
    entities: tuple[Entity, ...] = ()
    facts: tuple[FactSlot, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    # Articles whose text changed after they were first fetched (stored stories only).
    changes: tuple[ArticleChanges, ...] = ()
    # Every input, in the order of the sources table: each article (its status filled
    # in by the relations stage), then repeats after the article they repeat, then
    # inputs that were rejected. Empty for a Brief built by hand without it.
    inputs: tuple[InputStatus, ...] = ()
    # Extra per-stage data that has no field yet; renderers ignore it.
    notes: tuple[str, ...] = field(default=())
    schema_version: str = SCHEMA_VERSION

    @cached_property
    def _article_by_id(self) -> dict[str, Article]:
        return {article.id: article for article in self.articles}

    def article(self, article_id: str) -> Article:
        # Looked up for every span a stage or renderer reads (thousands per brief):
        # a dict, not a scan of the articles each time.
        try:
            return self._article_by_id[article_id]
        except KeyError:
            raise KeyError(article_id) from None

    def text(self, span: Span) -> str:
        return self.article(span.article_id).slice(span)

    def sentences_of(self, article_id: str) -> tuple[Sentence, ...]:
        return tuple(s for s in self.sentences if s.span.article_id == article_id)

    @property
    def headline_only(self) -> frozenset[str]:
        """Ids of the articles with no body text (feed items stored for clustering):
        they cannot be compared for copying."""
        return frozenset(a.id for a in self.articles if not a.text.strip())

    @property
    def compared_source_groups(self) -> tuple[SourceGroup, ...]:
        """The independent source groups with text to compare (a headline alone is not
        evidence of independence)."""
        bare = self.headline_only
        groups = self.source_groups or tuple(SourceGroup(articles=(a.id,), original=a.id) for a in self.articles)
        return tuple(g for g in groups if any(i not in bare for i in g.articles))

    @property
    def independent_source_count(self) -> int:
        """How many independent sources the story rests on (copies counted once;
        headline-only records are not counted)."""
        return len(self.compared_source_groups)

    def status_of(self, article_id: str) -> InputStatus:
        """The status of one article (original unless the relations stage found it a copy)."""
        for item in self.inputs:
            if item.article_id == article_id and item.status != "repeat":
                return item
        return InputStatus(self.article(article_id).origin, "original", article_id)

    @property
    def distinct_texts(self) -> int:
        """How many different texts the articles have: a verbatim reprint (another
        outlet's article) has its original's text. Headline-only records have none."""
        return len({" ".join(a.text.split()).casefold() for a in self.articles if a.text.strip()})

    @property
    def accounted_inputs(self) -> tuple[InputStatus, ...]:
        """Every input with its status; for a Brief built without `inputs`, its articles
        (all original) and its problems (rejected)."""
        if self.inputs:
            return self.inputs
        return tuple(InputStatus(a.origin, "original", a.id) for a in self.articles) + tuple(
            InputStatus(p.origin, "rejected", reason=p.message) for p in self.problems
        )

    @cached_property
    def _group_by_article(self) -> dict[str, int]:
        groups: dict[str, int] = {}
        for index, group in enumerate(self.source_groups):
            for article_id in group.articles:
                groups.setdefault(article_id, index)  # the first group that holds it
        return groups

    def group_of(self, article_id: str) -> int:
        """Index of the independent source group an article belongs to."""
        # Asked for every sentence, claim and quote (tens of thousands at 300 articles):
        # a dict, not a scan of the groups each time.
        index = self._group_by_article.get(article_id)
        if index is not None:
            return index
        return len(self.source_groups) + [a.id for a in self.articles].index(article_id)
