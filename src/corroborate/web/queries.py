"""The story list: filters, full-text search, facets, sorting and keyset pagination.

One query finds every story that matches the filters (with its sort keys and
the counts of its cached brief): the facet counts need the whole matching set
anyway. A page is cut from it by key, not offset: the cursor of the next page
is the sort key of the last story shown, so a page stays right while new
stories arrive. Search is SQLite FTS5 over article titles and text (migration
0003), ranked by BM25 with titles weighted above text; a story ranks by its
best-matching article. All SQL is parameterised; a user's search words are
quoted one by one, so FTS5 query syntax in them is only text.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import json
import re
import sqlite3
from collections import Counter
from itertools import chain
from dataclasses import dataclass, field

SORTS = {
    "newest": "Newest",
    "largest": "Largest",
    "oldest": "Oldest",
    "relevance": "Best match",
}
# (key, label, smallest size, largest size)
SIZE_BUCKETS = (
    ("1", "1 article", 1, 1),
    ("2-4", "2–4 articles", 2, 4),
    ("5-9", "5–9 articles", 5, 9),
    ("10-49", "10–49 articles", 10, 49),
    ("50+", "50 or more", 50, None),
)
FLAG_VALUES = {"yes": "Yes", "no": "No", "unknown": "Not briefed yet"}
TITLE_WEIGHT, TEXT_WEIGHT = 4.0, 1.0  # BM25 column weights: a match in a headline counts more
MAX_TERMS = 16
_TERM = re.compile(r'"([^"]+)"|([\w][\w\'’.-]*)')


class BadQuery(ValueError):
    """A parameter of the story list a user sent cannot be understood (the message says which)."""


def fts_query(text: str) -> str:
    """The user's search as an FTS5 query: every word (or "quoted phrase") must occur;
    each is written as an FTS5 string, so operators and quotes in it are only text."""
    terms = []
    for phrase, word in _TERM.findall(text):
        term = (phrase or word).strip()
        if term:
            terms.append('"' + term.replace('"', '""') + '"')
    return " ".join(terms[:MAX_TERMS])


@dataclass(frozen=True)
class StoryFilters:
    """What a story list shows: every field comes from the page's query string, so a
    search is a URL that can be shared."""

    q: str = ""
    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    conflicts: str | None = None  # yes | no | unknown
    altered: str | None = None  # yes | no | unknown
    size: str | None = None  # a SIZE_BUCKETS key
    sort: str = ""  # a SORTS key; default: relevance when searching, else newest
    after: str | None = None  # cursor: the sort key of the last story of the previous page

    @property
    def order(self) -> str:
        return self.sort or ("relevance" if self.q.strip() else "newest")

    def params(self, **changes) -> dict[str, str]:
        """The query-string parameters of these filters with `changes` (None drops one);
        any change of filters starts again from the first page."""
        # Read field by field rather than through dataclasses.replace: a list page asks
        # this for every facet value it links (a search page: about 60 times).
        unknown = changes.keys() - _FILTER_FIELDS
        if unknown:
            raise TypeError(f"not a filter: {', '.join(sorted(unknown))}")
        values = {name: changes[name] if name in changes else getattr(self, name) for name in _FILTER_FIELDS}
        if "after" not in changes:
            values["after"] = None
        for name in ("since", "until"):
            values[name] = values[name].isoformat() if values[name] else None
        return {name: value for name, value in values.items() if value}

    @classmethod
    def from_params(cls, params) -> StoryFilters:
        def date(name: str) -> dt.date | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise BadQuery(f"{name}={value!r} is not a date in the form YYYY-MM-DD") from None

        def choice(name: str, allowed) -> str | None:
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                raise BadQuery(f"{name}={value!r} is not one of: {', '.join(allowed)}")
            return value or None

        q = (params.get("q") or "").strip()
        if len(q) > 500:
            raise BadQuery("the search is longer than 500 characters")
        sort = choice("sort", SORTS) or ""
        if sort == "relevance" and not q:
            sort = ""
        return cls(
            q=q, outlet=(params.get("outlet") or "").strip() or None, since=date("since"), until=date("until"),
            conflicts=choice("conflicts", FLAG_VALUES), altered=choice("altered", FLAG_VALUES),
            size=choice("size", [key for key, *_ in SIZE_BUCKETS]), sort=sort, after=params.get("after") or None,
        )  # fmt: skip


_FILTER_FIELDS = ("q", "outlet", "since", "until", "conflicts", "altered", "size", "sort", "after")


@dataclass(frozen=True)
class Counts:
    """The counts of a story's cached brief (None when it has none yet)."""

    independent_sources: int
    altered_quotes: int
    conflicts: int
    quotes: int
    copies: int


@dataclass(frozen=True)
class StoryItem:
    id: int
    title: str
    size: int
    first_date: dt.date | None
    last_date: dt.date | None
    outlets: tuple[str, ...]
    counts: Counts | None
    score: float | None = None  # BM25 of its best-matching article (lower is better)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class StoryPage:
    filters: StoryFilters
    items: list[StoryItem]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryRow:
    """One story as lists filter, sort and count it (everything worked out once)."""

    id: int
    size: int
    first: int  # dates as YYYYMMDD numbers, 0 when unknown
    last: int
    counts: Counts | None
    months: tuple[str, ...]  # YYYY-MM of every month its articles span
    bucket: str  # its SIZE_BUCKETS key
    conflicts: str  # yes | no | unknown (no brief yet)
    altered: str
    title: str = ""
    outlets: tuple[str, ...] = ()  # sorted
    source: tuple = field(default=(), compare=False, repr=False)  # the store's values it was made from (story_rows)


# A story's row from story_facts, its brief's summary and its title, and its outlets as
# a JSON array: one text per story that changes whenever its set of outlets does, whatever
# characters the names hold, made in SQLite (a third of the time of reading the outlets'
# rows into Python).
_STORY_ROWS = (
    "SELECT st.story_id, st.size, st.first_date, st.last_date,"
    " ss.independent_sources, ss.altered_quotes, ss.conflicts, ss.quotes, ss.copies, s.title,"
    " (SELECT json_group_array(so.outlet) FROM story_outlets so WHERE so.story_id = st.story_id)"
    " FROM story_facts st LEFT JOIN story_summary ss ON ss.story_id = st.story_id LEFT JOIN stories s ON s.id = st.story_id"
)


def story_rows(db: sqlite3.Connection, previous: dict[int, StoryRow] | None = None) -> dict[int, StoryRow]:
    """Every story of the store, keyed by id: one row each from story_facts (kept by
    the store's triggers) and the summary of its cached brief. A web app keeps this
    until the store changes, so that a list does not read it again; given the rows of
    before the change (`previous`), a story whose values are the same keeps its row
    (after an ingest's commit most stories are: 13 -> 3 ms on the 10,000-article store)."""
    previous = previous or {}
    rows = {}
    for values in db.execute(_STORY_ROWS):
        story_id = values[0]
        old = previous.get(story_id)
        if old is not None and old.source == values:
            rows[story_id] = old
            continue
        _, size, first, last, independent, altered, conflicts, quotes, copies, title, outlets = values
        counts = Counts(independent, altered, conflicts, quotes, copies) if independent is not None else None
        first_day, last_day = _day_number(first), _day_number(last)
        rows[story_id] = StoryRow(
            story_id, size, first_day, last_day, counts,
            tuple(_months(first_day or last_day, last_day)) if last_day else (), _size_bucket(size),
            _flag(counts, "conflicts"), _flag(counts, "altered_quotes"), title or "", _outlet_names(outlets), values,
        )  # fmt: skip
    return rows


def _outlet_names(packed: str | None) -> tuple[str, ...]:
    """The sorted outlet names of a JSON array of them."""
    return tuple(sorted(json.loads(packed))) if packed else ()


def _day_number(value: str | None) -> int:
    """An ISO date as the number YYYYMMDD (ordered as the dates are; 0 when unknown):
    cheaper than a date object for the thousands of rows of a list."""
    return int(value[:4] + value[5:7] + value[8:10]) if value else 0


def _date(day: int) -> dt.date | None:
    return dt.date(day // 10000, day // 100 % 100, day % 100) if day else None


def _sort_key(row: StoryRow, score: float, order: str) -> tuple:
    if order == "largest":
        return (-row.size, -row.last, -row.id)
    if order == "oldest":
        return (row.first or 99999999, row.id)
    if order == "relevance":
        return (round(score, 9), -row.size, -row.id)
    return (-row.last, -row.size, -row.id)


_KEY_LENGTH = {"largest": 3, "oldest": 2, "relevance": 3, "newest": 3}


def _encode_cursor(key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str) -> tuple:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(key, list) or len(key) != _KEY_LENGTH[order]:
            raise ValueError
        if not all(isinstance(part, (int, float)) and not isinstance(part, bool) for part in key):
            raise ValueError
        return tuple(key)
    except ValueError:
        raise BadQuery("after= is not a cursor of this list (follow the page's own links)") from None


def _flag(counts: Counts | None, attribute: str) -> str:
    if counts is None:
        return "unknown"
    return "yes" if getattr(counts, attribute) > 0 else "no"


def _search(db: sqlite3.Connection, query: str) -> dict[int, float]:
    """Story id -> BM25 of its best-matching article, for every story the search matches."""
    # bm25() works only in a query on the FTS table itself: rank the articles there
    # (MATERIALIZED keeps SQLite from folding it into the grouping), then group by story.
    return dict(db.execute(
        "WITH matches AS MATERIALIZED (SELECT rowid, bm25(articles_search, ?, ?) AS score"
        " FROM articles_search WHERE articles_search MATCH ?)"
        " SELECT m.story_id, MIN(matches.score) FROM matches"
        " JOIN articles a ON a.seq = matches.rowid JOIN memberships m ON m.article_id = a.id GROUP BY m.story_id",
        (TITLE_WEIGHT, TEXT_WEIGHT, query),
    ))  # fmt: skip


def _matching(db: sqlite3.Connection, filters: StoryFilters, rows: dict[int, StoryRow]) -> list[tuple[StoryRow, float]]:
    """Every story that matches the filters, with its search score (0 without a search)."""
    if filters.q:
        query = fts_query(filters.q)
        if not query:
            return []
        scores = _search(db, query)
        found = [(rows[story_id], score) for story_id, score in scores.items() if story_id in rows]
    else:
        found = [(row, 0.0) for row in rows.values()]
    if filters.outlet:
        found = [item for item in found if filters.outlet in item[0].outlets]
    since = _day_number(filters.since.isoformat()) if filters.since else 0
    until = _day_number(filters.until.isoformat()) if filters.until else 0
    return [
        (row, score) for row, score in found
        if (not since or row.last >= since) and (not until or (row.first or row.last) <= until)
        and (not filters.conflicts or row.conflicts == filters.conflicts)
        and (not filters.altered or row.altered == filters.altered)
        and (not filters.size or row.bucket == filters.size)
    ]  # fmt: skip


def _months(first: int, last: int) -> list[str]:
    """The months (YYYY-MM) from day number `first` to `last`."""
    months, year, month = [], first // 10000, first // 100 % 100
    while (year, month) <= (last // 10000, last // 100 % 100):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _size_bucket(size: int) -> str:
    return next(key for key, _, low, high in SIZE_BUCKETS if size >= low and (high is None or size <= high))


def _facets(found: list[StoryRow], filters: StoryFilters, outlet_limit: int) -> dict[str, list[FacetValue]]:
    # Counted from the rows in memory: the stories' outlets come with them (story_rows).
    counted_outlets = Counter(chain.from_iterable([row.outlets for row in found]))  # counted in C: a search matching every story has 7,000
    outlets = sorted(counted_outlets.items(), key=lambda item: (-item[1], item[0]))[:outlet_limit]
    facets = {"outlet": [FacetValue(name, name, count, name == filters.outlet) for name, count in outlets]}
    if filters.outlet and not any(v.selected for v in facets["outlet"]):
        facets["outlet"].insert(0, FacetValue(filters.outlet, filters.outlet, len(found), True))
    # A story counts in every month its articles span, as the date filter keeps every
    # story that overlaps the dates asked for: a month's count is what its link shows.
    months = Counter(chain.from_iterable([row.months for row in found]))
    selected_month = filters.since.strftime("%Y-%m") if filters.since else None
    facets["month"] = [
        FacetValue(month, dt.date(int(month[:4]), int(month[5:]), 1).strftime("%B %Y"), count, month == selected_month)
        for month, count in sorted(months.items(), reverse=True)
    ]
    sizes = Counter(row.bucket for row in found)
    facets["size"] = [FacetValue(key, label, sizes[key], filters.size == key) for key, label, *_ in SIZE_BUCKETS if key in sizes]
    for name in ("conflicts", "altered"):
        counted = Counter(getattr(row, name) for row in found)
        facets[name] = [FacetValue(v, label, counted[v], getattr(filters, name) == v) for v, label in FLAG_VALUES.items() if v in counted]
    return facets


def _details(found: list[tuple[StoryRow, float]]) -> list[StoryItem]:
    """The stories of one page as the page shows them."""
    return [
        StoryItem(
            id=row.id, title=row.title, size=row.size, first_date=_date(row.first), last_date=_date(row.last),
            outlets=row.outlets, counts=row.counts, score=score or None,
        )  # fmt: skip
        for row, score in found
    ]


def story_page(db: sqlite3.Connection, filters: StoryFilters, page_size: int, outlet_limit: int = 12,
               rows: dict[int, StoryRow] | None = None) -> StoryPage:  # fmt: skip
    """One page of the story list, the number of matching stories and the facets.
    `rows`: `story_rows(db)` if the caller keeps it (it is read afresh otherwise)."""
    order = filters.order
    found = sorted(_matching(db, filters, story_rows(db) if rows is None else rows), key=lambda item: _sort_key(*item, order))
    keys = [_sort_key(row, score, order) for row, score in found]
    start = bisect.bisect_right(keys, _decode_cursor(filters.after, order)) if filters.after else 0
    shown = found[start : start + page_size]
    more = start + page_size < len(found)
    return StoryPage(
        filters=filters,
        items=_details(shown),
        total=len(found),
        next_cursor=_encode_cursor(keys[start + page_size - 1]) if more else None,
        facets=_facets([row for row, _ in found], filters, outlet_limit),
    )


def all_stories(db: sqlite3.Connection, filters: StoryFilters, limit: int, rows: dict[int, StoryRow] | None = None) -> list[StoryItem]:
    """Every matching story in order (for CSV export), at most `limit`."""
    order = filters.order
    found = sorted(_matching(db, filters, story_rows(db) if rows is None else rows), key=lambda item: _sort_key(*item, order))[:limit]
    return _details(found)
