"""Layout helpers shared by every renderer: numbering, ordering and wording.

Nothing here analyses the story; these functions only decide how to show
what the Brief already holds (which number cites which article, in which
order facts are listed, how a date of a given precision is written, how a
printed quote lines up word by word against its canonical wording).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from ..independence import claim_source_count
from ..model import Article, ArticleChanges, Brief, Claim, FactSlot, InputStatus, QuoteGroup, QuoteOccurrence, Relation, Span, origin_file

# Facts a reader must see first: disagreement, then what is solid, then the rest.
FACT_ORDER = {"conflicting": 0, "corroborated": 1, "single-source": 2}
# How a relation reads in a sentence: "<derived> <phrase> <source>".
RELATION_PHRASE = {
    "duplicate": "is a near-verbatim copy of",
    "contained": "reprints text of",
    "rewrite": "is a rewrite of",
    "shares-quotes-only": "shares only quotes with",
    "independent": "is independent of",
}
# At most this many aligned sentence pairs are shown per relation.
ALIGNED_SHOWN = 3
# At most this many changed runs of words are shown per changed article.
CHANGES_SHOWN = 12


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def source_numbers(brief: Brief) -> dict[str, int]:
    """Article id -> its 1-based number in the sources table (citations use it)."""
    return {article.id: number for number, article in enumerate(brief.articles, 1)}


def _input_unit(brief: Brief, inputs: tuple[InputStatus, ...]) -> str:
    """"file" when every input is a file of its own, else "input" (records of a file)."""
    whole_files = all(origin_file(i.origin) == i.origin for i in inputs) and not any(p.line for p in brief.problems)
    return "file" if whole_files else "input"


def headline_counts(brief: Brief) -> str:
    """"4 files, 3 distinct texts, 2 independent sources": the first thing a reader
    should know, every input counted (repeats and rejected inputs too). Records with
    only a headline (feed items) cannot be compared for copying, so they are counted
    apart rather than as independent sources."""
    bare = brief.headline_only
    if bare and len(bare) == len(brief.articles):
        outlets = {a.outlet or a.id for a in brief.articles}
        return f"{plural(len(brief.articles), 'article')} from {plural(len(outlets), 'outlet')}, headlines only: no text to compare"
    inputs = brief.accounted_inputs
    given = plural(len(inputs), _input_unit(brief, inputs))
    rejected = sum(1 for i in inputs if i.status == "rejected")
    if rejected:
        given += f" ({rejected} rejected)"
    counts = (
        f"{given}, {plural(brief.distinct_texts, 'distinct text')}, "
        f"{plural(brief.independent_source_count, 'independent source')}"
    )
    return f"{counts} ({len(bare)} with only a headline, not compared)" if bare else counts


# How an input's status reads in the sources table: "<phrase> [n]".
STATUS_PHRASE = {"duplicate": "duplicate of", "contained": "contained in", "rewrite": "rewrite of", "repeat": "repeat of"}


@dataclass(frozen=True)
class SourceRow:
    """One row of the sources table: an input, the article it was read as (None when
    rejected), that article's citation number (None for a repeat or a rejected input)
    and the input's status in words."""

    input: InputStatus
    article: Article | None
    number: int | None
    status: str

    @property
    def label(self) -> str:
        if self.number is not None and self.article is not None:
            return self.article.label
        return self.input.origin.rstrip("/").rsplit("/", 1)[-1] or self.input.origin


def source_rows(brief: Brief) -> list[SourceRow]:
    """Every input, in the order of `Brief.inputs`: N inputs, N rows, each with its status."""
    numbers = source_numbers(brief)
    ids = {a.id for a in brief.articles}
    guessed = {(r.source, r.derived) for r in brief.relations if r.direction_confidence <= 0}
    rows = []
    for item in brief.accounted_inputs:
        article = brief.article(item.article_id) if item.article_id in ids else None
        number = numbers.get(item.article_id) if item.status != "repeat" else None
        status = status_text(item, numbers)
        if (item.of, item.article_id) in guessed:
            status += " (which copied which is unknown)"
        rows.append(SourceRow(item, article, number, status))
    return rows


def status_text(item: InputStatus, numbers: dict[str, int]) -> str:
    """"original", "duplicate of [1]", "rejected: not valid JSON" ..."""
    if item.status in STATUS_PHRASE and item.of in numbers:
        return f"{STATUS_PHRASE[item.status]} [{numbers[item.of]}]"
    if item.status == "rejected":
        return f"rejected: {item.reason}"
    return item.status


def date_text(date: dt.date | None, precision: str = "day") -> str:
    """A date written with no more precision than the text gave."""
    if date is None:
        return ""
    if precision == "year":
        return f"{date.year}"
    if precision == "month":
        return date.strftime("%B %Y")
    if precision == "week":
        return f"week of {date.day} {date.strftime('%B %Y')}"
    return f"{date.day} {date.strftime('%B %Y')}"


def date_range(brief: Brief) -> str:
    dates = sorted(a.published for a in brief.articles if a.published)
    if not dates:
        return ""
    first, last = dates[0], dates[-1]
    return date_text(first) if first == last else f"{date_text(first)} to {date_text(last)}"


def words(text: str) -> int:
    return len(text.split())


def summary_words(brief: Brief) -> int:
    return sum(words(brief.text(s.span)) for s in brief.summary)


# Relations in which one article's prose comes from another's.
COPY_KINDS = ("duplicate", "contained", "rewrite")


def shown_relations(brief: Brief) -> list[Relation]:
    """Copies and rewrites, strongest first: each gets its evidence and aligned pairs."""
    shown = [r for r in brief.relations if r.kind in COPY_KINDS]
    return sorted(shown, key=lambda r: (COPY_KINDS.index(r.kind), -r.score))


def quote_sharing(brief: Brief) -> list[Relation]:
    """Pairs that print the same quotes but write their own prose: listed in one line,
    since sharing a public statement is not copying."""
    return sorted((r for r in brief.relations if r.kind == "shares-quotes-only"), key=lambda r: -r.score)


def independent_pairs(brief: Brief) -> int:
    """Pairs compared and found independent (a pair with a headline-only record was
    not compared)."""
    bare = brief.headline_only
    return sum(1 for r in brief.relations if r.kind == "independent" and r.source not in bare and r.derived not in bare)


def relations_heading(brief: Brief) -> str:
    copies = len(shown_relations(brief))
    if brief.articles and len(brief.headline_only) == len(brief.articles):
        return "Who copied whom: headlines only, no text to compare"
    if copies:
        return f"Who copied whom ({plural(copies, 'copy or rewrite', 'copies or rewrites')})"
    return "Who copied whom: no copies or rewrites found"


def ordered_facts(brief: Brief) -> list[FactSlot]:
    """Conflicts first, then corroborated (most independent sources first), then single-source."""
    return sorted(brief.facts, key=lambda f: (FACT_ORDER.get(f.status, 3), -f.independent_sources))


@dataclass(frozen=True)
class ValueSayers:
    """One value of a fact slot and the articles that state it."""

    display: str
    value: str
    claims: tuple[Claim, ...]
    independent: int = 0  # independent sources stating this value (copies counted once)

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(c.span.article_id for c in self.claims))


def who_says_what(slot: FactSlot, brief: Brief | None = None) -> list[ValueSayers]:
    """The slot's claims grouped by normalised value, most-stated value first
    (with `brief`, each value's count of independent sources)."""
    by_value: dict[str, list[Claim]] = {}
    for claim in slot.claims:
        by_value.setdefault(claim.value, []).append(claim)
    groups = [
        ValueSayers(
            display=" / ".join(dict.fromkeys(c.display for c in claims)),
            value=value,
            claims=tuple(claims),
            independent=claim_source_count(brief, claims) if brief else 0,
        )
        for value, claims in by_value.items()
    ]
    return sorted(groups, key=lambda g: (-g.independent, -len(g.article_ids)))


def quote_article_ids(group: QuoteGroup) -> list[str]:
    return list(dict.fromkeys(o.quote.span.article_id for o in group.occurrences))


# Verdicts shown with the printed words lined up against the canonical wording.
DIFFED_VERDICTS = ("altered", "typography", "other-speaker")


def occurrence_lines(group, shown, text_of: Callable[[Span], str], disputed_together: bool = False) -> list[tuple[str, tuple]]:
    """The lines a group's `shown` occurrences take: ("one", occurrences) for prints a
    reader must read (changed words, another speaker, editorial marks), and ("same",
    occurrences) for the plain prints of one verdict, together on one line at the place
    of the first ("[38] cnn, [39] cnn: verbatim"; an article's two fragments named once):
    a line for each print that says the canonical words tells a reader nothing the next
    line does not. Prints to be read that print the same words (`text_of` their span) with
    the same verdict share a line too (four copies of one altered wording: one diff).
    With `disputed_together` (a big story's short form), a dispute's prints share one
    line, as plain prints do: the wordings they hold are on the group's first line."""
    lines: list[tuple[str, tuple]] = []
    plain: dict[object, list] = {}

    def join(key, occurrence, kind) -> None:
        if key in plain:
            if all(o.quote.span.article_id != occurrence.quote.span.article_id for o in plain[key]):
                plain[key].append(occurrence)  # an article's two fragments: named once
        else:
            plain[key] = [occurrence]
            lines.append((kind, key))

    for occurrence in shown:
        other_speaker = occurrence.quote.speaker if occurrence.quote.speaker and occurrence.quote.speaker != group.speaker else None
        alone = occurrence.verdict in DIFFED_VERDICTS or occurrence.verdict == "disputed" or verdict_note(occurrence) or other_speaker
        if disputed_together and occurrence.verdict == "disputed" and not (verdict_note(occurrence) or other_speaker):
            alone = False
        if not alone:
            join(occurrence.verdict, occurrence, "same")
        else:
            words = " ".join(text_of(occurrence.quote.span).split())
            join(("one", occurrence.verdict, other_speaker, verdict_note(occurrence), words), occurrence, "one")
    return [(kind, tuple(plain[key])) for kind, key in lines]


def verdict_note(occurrence: QuoteOccurrence) -> str:
    """What a verdict alone does not say: the outlet's editorial marks inside the quote."""
    if not occurrence.editorial:
        return ""
    return "editorial " + ", ".join(f"“{mark}”" for mark in occurrence.editorial) + ", not the speaker's words"


def decision_text(group: QuoteGroup, short: bool = False) -> str:
    """How evidence chose the canonical wording of a tie (empty when there was none);
    `short`, the reason alone (`ties.decide` writes "<the tie>; <the reason>")."""
    if not group.decided_by:
        return ""
    reason = group.decided_by.partition("; ")[2]
    return f"canonical by evidence: {reason if short and reason else group.decided_by}"


def dispute_text(group: QuoteGroup) -> str:
    """Why a statement has no canonical wording (empty when it has one)."""
    if not group.disputed:
        return ""
    return (
        f"disputed: {plural(len(group.rivals), 'wording')} with equal independent support "
        "and no evidence to choose between them; no outlet is blamed"
    )


DiffPiece = tuple[str, str]  # (kind, text), kind: equal | del | ins | gap

# Punctuation around a word, straight and typographic.
_EDGE_PUNCTUATION = ".,;:!?\"'“”‘’«»()[]—–-…"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _match_key(word: str) -> str:
    """What two words must share to be lined up: letters and digits, any case, any quote style."""
    return word.translate(_APOSTROPHES).strip(_EDGE_PUNCTUATION).casefold() or word


def word_diff(canonical: str, printed: str, narrow: bool = True) -> list[DiffPiece]:
    """How a printed quote differs from the canonical wording, word by word.

    The verdict and the edits come from the quotes stage; this only lines the two
    texts up for display (difflib on words). Words are lined up ignoring case,
    quote style and the punctuation around them, then every lined-up pair that
    still differs in print is shown as a change (`won't` -> `won’t`), except the
    punctuation at the very ends of the quote, which belongs to the sentence
    around it ("trust," she said). A partial quote prints a part of the
    statement, so canonical words before the first and after the last printed
    word are shown as a gap ("…"), not as deletions; printed words before or after
    the statement's are the passage around it, a gap too, not insertions. A print
    that shares no word with a longer statement is lined up with the words it stands
    for (`narrow`; `_closest_words`).
    """
    old, new = canonical.split(), printed.split()
    matcher = difflib.SequenceMatcher(a=[_match_key(w) for w in old], b=[_match_key(w) for w in new], autojunk=False)
    opcodes = matcher.get_opcodes()
    has_equal = any(tag == "equal" for tag, *_ in opcodes)
    if narrow and not has_equal and len(new) < len(old):
        window = _closest_words(old, printed)
        if window is not None and window != (0, len(old)):
            # A fragment that shares no word with the statement ("nickel-and-diming" of
            # "... nickeling and diming fishermen ..."): shown against the words it
            # stands for, the rest a gap, not as the whole statement deleted.
            first, last = window
            inner = word_diff(" ".join(old[first:last]), printed, narrow=False)
            return ([("gap", "…")] if first else []) + inner + ([("gap", "…")] if last < len(old) else [])
    raw: list[DiffPiece] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        edge = index in (0, len(opcodes) - 1) and has_equal
        if tag == "equal":
            for a, b, j in zip(old[i1:i2], new[j1:j2], range(j1, j2)):
                at_end = j in (0, len(new) - 1)
                same = a == b or (at_end and a.strip(_EDGE_PUNCTUATION) == b.strip(_EDGE_PUNCTUATION))
                raw += [("equal", b)] if same else [("del", a), ("ins", b)]
            continue
        removed, added = old[i1:i2], new[j1:j2]
        # At an end of a partial quote, canonical words beyond the printed ones are
        # the cut (a gap); only as many as were replaced count as changed. And the
        # other way round: printed words beyond the statement's ends are the outlet's
        # passage around it, no words added to it (as the quotes stage reads them).
        cut = edge and len(removed) != len(added)
        if cut and index == 0:
            raw.append(("gap", "…"))
            removed, added = removed[max(0, len(removed) - len(added)) :], added[max(0, len(added) - len(removed)) :]
        elif cut:
            removed, added = removed[: len(added)], added[: len(removed)]
        raw += [("del", w) for w in removed] + [("ins", w) for w in added]
        if cut and index != 0:
            raw.append(("gap", "…"))
    pieces: list[DiffPiece] = []
    for kind, word in raw:
        if pieces and pieces[-1][0] == kind and kind != "gap":
            pieces[-1] = (kind, f"{pieces[-1][1]} {word}")
        else:
            pieces.append((kind, word))
    # Changes inside one replaced run read best as all deletions, then all insertions.
    return _group_replacements(pieces)


def _closest_words(words: list[str], printed: str) -> tuple[int, int] | None:
    """The run of `words` that reads most like `printed` letter by letter (rapidfuzz's
    best partial alignment), as the words more than half inside it: (first, end) word
    indices, or None when nothing lines up."""
    from rapidfuzz import fuzz

    text = " ".join(words)
    found = fuzz.partial_ratio_alignment(printed.casefold(), text.casefold())
    if found is None or not found.score or found.dest_end <= found.dest_start:
        return None
    start = 0
    inside = []  # the words more than half inside the aligned letters
    for k, word in enumerate(words):
        overlap = min(start + len(word), found.dest_end) - max(start, found.dest_start)
        if 2 * overlap > len(word):
            inside.append(k)
        start += len(word) + 1
    return (inside[0], inside[-1] + 1) if inside else None


def _group_replacements(pieces: list[DiffPiece]) -> list[DiffPiece]:
    out: list[DiffPiece] = []
    index = 0
    while index < len(pieces):
        if pieces[index][0] not in ("del", "ins"):
            out.append(pieces[index])
            index += 1
            continue
        run_end = index
        while run_end < len(pieces) and pieces[run_end][0] in ("del", "ins"):
            run_end += 1
        run = pieces[index:run_end]
        deleted = " ".join(text for kind, text in run if kind == "del")
        inserted = " ".join(text for kind, text in run if kind == "ins")
        out += [("del", deleted)] if deleted else []
        out += [("ins", inserted)] if inserted else []
        index = run_end
    return out


def short(text: str, limit: int = 90) -> str:
    """One line of at most `limit` characters (for table cells)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def change_summary(change: ArticleChanges) -> str:
    """"3 versions; last changed 2026-03-11 14:02 UTC: 12 words added, 8 removed" (or taken down)."""
    when = change.last_changed.strftime("%Y-%m-%d %H:%M UTC") if change.last_changed else "at an unknown time"
    text = f"{change.versions} versions; last changed {when}"
    if change.words_added or change.words_removed:
        text += f": {change.words_added} words added, {change.words_removed} removed"
    if change.gone:
        text += "; now taken down (the URL answers 404/410)"
    return text
