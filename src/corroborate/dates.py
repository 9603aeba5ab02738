"""Date expressions in news text, resolved to calendar dates against a reference date.

`find_dates(text, reference)` finds every date expression a reader would date an
event by, and resolves it against `reference` (the article's published date, or
the date inferred for it) with the precision the text gives and no finer:

- absolute: "November 27", "Sunday, November 27", "27 November 2022", "July 2021",
  "2021-11-27", a bare year "2021";
- weekday: "on Sunday", "Tuesday night", "late Sunday night", "last Friday",
  "next Monday": the last such day on or before the reference, unless the words
  around it say future ("will", "next", "is due to") - then the next one;
- relative: "today", "yesterday", "two days ago", "last month", "earlier this
  week", "next year", "three years ago".

Dates are found with our own patterns and resolved by our own rules rather than
by dateparser: on 100 hand-labelled Timeline17 expressions (benchmarks/dates_timeline17.py,
BENCHMARKS.md) ours resolve 0.91 correctly, `dateparser.parse` of the same
expressions with the same base date 0.70 (it has no notion of tense or of
week/month precision); on finding dates in text, dateparser's `search_dates`
reaches precision 0.24 / recall 0.47 against Timeline17's dates, ours 0.71 / 0.83
on the same docs, at a twentieth of the time.

`infer_reference` guesses the window an undated article was written in from the
dates it reports itself and the published dates of the other articles.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "week", "month", "year"]
DateKind = Literal["absolute", "weekday", "relative"]

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
         "year": "year", "years": "year", "decade": "decade", "decades": "decade"}  # fmt: skip

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
# A dated list's item label: "1989:", "April 2010:", "20 April 2010:", "May 3, 2010:"
# (`sentences.list_items`).
LIST_LABEL = re.compile(rf"(?<!\S)(?:(?:\d{{1,2}}\s+)?{_MONTH}\s+(?:\d{{1,2}},?\s+)?)?{_YEAR}\s*:(?!\d)")

_PART_OF_DAY = r"(?:\s+(?:night|morning|afternoon|evening))?"
_NUMBER_WORD = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|a few|several|a couple of)"
)

# Order matters: longer, more specific patterns first; a later pattern never
# takes characters an earlier one already took.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)-(?P<mnum>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b")),
    (
        "month_day",
        re.compile(
            rf"\b(?:(?:(?:late|early)\s+)?{_WEEKDAY}(?:\s+(?:night|morning|afternoon|evening))?,?\s+)?"
            rf"{_MONTH}\s+{_DAY}\b(?!\s*(?:%|percent|per cent))(?:,?\s+{_YEAR}\b)?"
        ),
    ),
    (
        "day_month",
        re.compile(rf"\b(?:{_WEEKDAY},?\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+{_YEAR}\b)?"),
    ),
    ("month_year", re.compile(rf"\b(?:(?:early|mid|late)[-\s]+)?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    (
        "relative_unit",
        re.compile(
            rf"\b(?P<count>{_NUMBER_WORD})\s+(?P<unit>days?|weeks?|months?|years?|decades?)\s+(?P<dir>ago|earlier|before|later|from now|hence)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "this_unit",
        re.compile(
            r"\b(?P<mod>(?:earlier|later)\s+(?:this|last|next)|early\s+(?:this|last|next)|late\s+(?:this|last|next)"
            r"|this|last|next|past|previous|coming)\s+(?P<unit>week|weekend|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?P<mod>(?:(?:late|early)\s+)?(?:last|this|next|on|this past|this coming)\s+|(?:late|early)\s+)?"
            rf"{_WEEKDAY}{_PART_OF_DAY}\b"
        ),
    ),
    (
        "deictic",
        re.compile(
            r"\b(?P<word>today|tonight|yesterday|tomorrow|this morning|this afternoon|this evening|last night"
            r"|(?:the )?day before yesterday|(?:the )?day after tomorrow)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "month_alone",
        re.compile(
            rf"\b(?P<mod>(?:in|since|until|by|during|from|through|last|next|this|early|mid|late|of)[-\s]+)?"
            rf"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)\b"
        ),
    ),
    # Not a clock time of the 24-hour kind: "at 1930 CDT", "1800 GMT", "2000 hours".
    ("year", re.compile(rf"(?<![$£€\d.,])(?<!\d-){_YEAR}\b(?![-.,]?\d)(?!\s*(?:%|percent|per cent))"
                        r"(?!\s*(?:hours?\b|hrs\b|h\b|[ECMP][SD]T\b|GMT\b|BST\b|UTC\b|CET\b|CEST\b|local time))")),
]

# Words near a weekday or bare month that say the event is still to come.
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|'ll|is to|are to|is due|are due|due to|is set to|are set to"
    # negated as well: "are not expected to be completed until August" is still to come
    r"|(?:is|are)(?: not|n't)? expected to|scheduled|plans? to|planning to|going to|upcoming|next|coming)\b",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression at `start:end` of a text, resolved (or not) to a date."""

    start: int
    end: int
    expression: str
    date: dt.date | None
    precision: Precision
    kind: DateKind
    future: bool = False


def _number(word: str) -> int | None:
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    if word in ("a", "an", "one"):
        return 1
    if word == "a couple of":
        return 2
    if word in ("a few", "several"):
        return None  # vague: no date can honestly be given
    from text_to_num import text2num

    try:
        return int(text2num(word, "en"))
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _clause(text: str, start: int, end: int) -> str:
    """The words of the sentence around a match (for tense cues)."""
    left = max((m.end() for m in _SENTENCE_BREAK.finditer(text, max(0, start - 200), start)), default=max(0, start - 200))
    right_match = _SENTENCE_BREAK.search(text, end, end + 200)
    right = right_match.start() if right_match else min(len(text), end + 200)
    return text[left:start] + " " + text[end:right]


def _is_future(text: str, start: int, end: int, expression: str) -> bool:
    if re.search(r"\bnext\b|\bcoming\b", expression, re.IGNORECASE):
        return True
    if re.search(r"\blast\b|\bpast\b", expression, re.IGNORECASE):
        return False
    return bool(_FUTURE.search(_clause(text, start, end)))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, reference: dt.date, future: bool) -> dt.date | None:
    """The year that puts month/day closest to the reference: on or before it for
    past events (a little after is tolerated: reports of scheduled days), after it
    for future ones."""
    candidates = [d for y in (reference.year - 1, reference.year, reference.year + 1) if (d := _safe_date(y, month, day))]
    if not candidates:
        return None
    if future:
        after = [d for d in candidates if d >= reference - dt.timedelta(days=1)]
        return min(after) if after else max(candidates)

    def cost(d: dt.date) -> int:
        delta = (d - reference).days
        return delta * 4 if delta > 0 else -delta  # the past is four times as likely

    return min(candidates, key=cost)


def _weekday_date(weekday: int, reference: dt.date, mod: str, future: bool) -> dt.date:
    mod = mod.lower().split()
    if "next" in mod or "coming" in mod or (future and "last" not in mod and "past" not in mod):
        ahead = (weekday - reference.weekday()) % 7
        if ahead == 0 and "next" in mod:
            ahead = 7  # "will vote on Wednesday" written on a Wednesday is today
        return reference + dt.timedelta(days=ahead)
    back = (reference.weekday() - weekday) % 7
    if "last" in mod and back == 0:
        back = 7
    return reference - dt.timedelta(days=back)


def _resolve(kind: str, match: re.Match[str], text: str, reference: dt.date | None) -> DateMention | None:
    groups = match.groupdict()
    expression = match.group(0)
    start, end = match.span()
    future = reference is not None and _is_future(text, start, end, expression)

    def mention(date: dt.date | None, precision: Precision, date_kind: DateKind) -> DateMention:
        return DateMention(start, end, expression, date, precision, date_kind, future)

    if kind == "iso":
        return mention(_safe_date(int(groups["year"]), int(groups["mnum"]), int(groups["day"])), "day", "absolute")
    if kind in ("month_day", "day_month"):
        month, day = _month_number(groups["month"]), int(groups["day"])
        if groups.get("year"):
            return mention(_safe_date(int(groups["year"]), month, day), "day", "absolute")
        if reference is None:
            return mention(None, "day", "absolute")
        return mention(_nearest_year(month, day, reference, future), "day", "absolute")
    if kind == "month_year":
        return mention(dt.date(int(groups["year"]), _month_number(groups["month"]), 1), "month", "absolute")
    if kind == "year":
        return mention(dt.date(int(groups["year"]), 1, 1), "year", "absolute")
    if kind == "month_alone":
        mod = (groups.get("mod") or "").strip().lower()
        month = _month_number(groups["month"])
        # "May" and "March" are also a verb and a modal; alone they need a preposition.
        if month in (3, 5) and not mod:
            return None
        if reference is None:
            return mention(None, "month", "absolute")
        if mod.startswith("last"):
            year = reference.year if month < reference.month else reference.year - 1
        elif mod.startswith("next") or future:
            year = reference.year if month > reference.month else reference.year + 1
        else:
            # The nearest such month, the past four times as likely (`_nearest_year`):
            # "are not expected to be completed until August", written in June, is this
            # August; "in October", written in June, last October.
            found = _nearest_year(month, 1, reference, future=False)
            year = found.year if found else reference.year
        return mention(dt.date(year, month, 1), "month", "absolute")
    if reference is None:
        return mention(None, "day", "relative")
    if kind == "weekday":
        mod = groups.get("mod") or ""
        return mention(_weekday_date(WEEKDAYS[groups["weekday"].lower()], reference, mod, future), "day", "weekday")
    if kind == "deictic":
        word = groups["word"].lower().removeprefix("the ")  # "(the) day before yesterday": speech drops the article
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1, "day before yesterday": -2,
                  "day after tomorrow": 2}.get(word, 0)  # fmt: skip
        return DateMention(start, end, expression, reference + dt.timedelta(days=offset), "day", "relative", offset > 0)
    if kind == "relative_unit":
        count = _number(groups["count"])
        unit = UNITS[groups["unit"].lower()]
        direction = groups["dir"].lower()
        if count is None:
            return None
        if direction in ("earlier", "before", "later"):
            # "two days earlier" counts from a date the text gave before, not from
            # publication: not resolvable from the reference alone.
            return None
        sign = 1 if direction in ("from now", "hence") else -1
        if unit == "day":
            return mention(reference + dt.timedelta(days=sign * count), "day", "relative")
        if unit == "week":
            return mention(_monday(reference + dt.timedelta(weeks=sign * count)), "week", "relative")
        if unit == "month":
            return mention(_shift_months(reference, sign * count), "month", "relative")
        years = count * (10 if unit == "decade" else 1)
        return mention(dt.date(reference.year + sign * years, 1, 1), "year", "relative")
    if kind == "this_unit":
        mod = groups["mod"].lower().split()[-1]
        unit = groups["unit"].lower()
        shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(mod, 0)
        if unit in ("week", "weekend"):
            if unit == "weekend" and shift == 0:
                # "this weekend" in past tense is the weekend just gone.
                saturday = reference - dt.timedelta(days=(reference.weekday() - 5) % 7)
                if future:
                    saturday = reference + dt.timedelta(days=(5 - reference.weekday()) % 7)
                return mention(_monday(saturday), "week", "relative")
            return mention(_monday(reference + dt.timedelta(weeks=shift)), "week", "relative")
        if unit == "month":
            return mention(_shift_months(reference, shift), "month", "relative")
        return mention(dt.date(reference.year + shift, 1, 1), "year", "relative")
    return None  # pragma: no cover - every pattern kind is handled above


def find_dates(text: str, reference: dt.date | None) -> list[DateMention]:
    """Every date expression in `text`, in text order, resolved against `reference`
    (expressions that need a reference get `date=None` when it is None)."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, match in _matches(text):
        start, end = match.span()
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        try:
            resolved = _resolve(kind, match, text, reference)
        except (ValueError, OverflowError):
            continue  # "5,000 years ago": outside the calendar, not a date of the story
        if resolved is None:
            continue
        resolved = _strip_preposition(resolved)
        taken.append((start, end))
        found.append(resolved)
    found.sort(key=lambda m: m.start)
    return found


@functools.lru_cache(maxsize=512)
def _matches(text: str) -> tuple[tuple[str, re.Match[str]], ...]:
    """(kind, match) of every pattern's matches in `text`, patterns in their order. What
    the patterns find does not depend on the reference date, only what it resolves to:
    the facts stage reads each article's dates twice (its reference window, then its
    claims' dates) and the scan is most of the cost (0.26 s a pass over 100 news
    articles), so a text is scanned once. Cached for the last 512 texts (a story's
    articles: the matches hold their text, which the brief holds anyway)."""
    return tuple((kind, match) for kind, pattern in _PATTERNS for match in pattern.finditer(text))


def _strip_preposition(mention: DateMention) -> DateMention:
    """"on Sunday" -> "Sunday": the span shows the date words only."""
    lead = re.match(r"(?:on|in|since|until|by|during|from|through|of)\s+", mention.expression)
    if not lead:
        return mention
    cut = lead.end()
    return DateMention(
        mention.start + cut, mention.end, mention.expression[cut:], mention.date, mention.precision,
        mention.kind, mention.future,
    )  # fmt: skip


def needs_reference(mention: DateMention) -> bool:
    """True when the date depends on when the text was written (weekday, relative,
    or a month/day without a year)."""
    return mention.kind != "absolute" or not re.search(r"\b(1[89]|20)\d\d\b", mention.expression)


def starts_after(date: dt.date, precision: str, reference: dt.date) -> bool:
    """Whether the whole period `date` names (a day, a month, a year) lies after `reference`."""
    if precision == "year":
        return date.year > reference.year
    if precision == "month":
        return (date.year, date.month) > (reference.year, reference.month)
    return date > reference


@dataclass(frozen=True, slots=True)
class ReferenceWindow:
    """When an article was (or must have been) written."""

    reference: dt.date | None  # the date relative expressions are resolved against
    earliest: dt.date | None
    latest: dt.date | None
    inferred: bool  # False when the article states its published date


def infer_reference(
    own_text: str, published: dt.date | None, story_dates: list[dt.date], fallback: dt.date | None = None
) -> ReferenceWindow:
    """The reference date of one article.

    An article with a published date uses it. An undated one must have been
    written on or after the latest past date it reports itself; articles of one
    story are written within days of each other, so the latest published date of
    the story (or `fallback`) bounds it from above when that is later. The
    window end is used as the reference: a weekday then resolves to the same day
    for any writing date inside a window shorter than a week.
    """
    if published is not None:
        return ReferenceWindow(published, published, published, inferred=False)
    anchor = max(story_dates) if story_dates else fallback
    own = [
        m.date
        for m in find_dates(own_text, anchor)
        if m.kind == "absolute" and m.precision == "day" and m.date and not m.future
    ]
    earliest = max(own) if own else None
    latest = anchor
    if earliest and (latest is None or earliest > latest):
        latest = earliest
    return ReferenceWindow(latest, earliest, latest, inferred=True)


def period(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date of `precision` names: the day, its ISO week, its
    month or its year."""
    if precision == "week":
        monday = _monday(date)
        return monday, _days_later(monday, 6)
    if precision == "month":
        return date.replace(day=1), date.replace(day=calendar.monthrange(date.year, date.month)[1])
    if precision == "year":
        return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
    return date, date


def _days_later(date: dt.date, days: int) -> dt.date:
    """`date` plus `days`, or the last date there is (a week of December 9999)."""
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def same_date(found: dt.date, expected: str, precision: str) -> bool:
    """Whether `found` names the `expected` date at the expected precision
    (the same ISO week, month or year for a coarser one); for evaluations."""
    want = dt.date.fromisoformat(expected)
    if precision == "week":
        return _monday(found) == _monday(want)
    if precision == "month":
        return (found.year, found.month) == (want.year, want.month)
    if precision == "year":
        return found.year == want.year
    return found == want
