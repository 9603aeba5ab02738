"""The bundled example story agrees with its ground truth (truth.json).

The story is the golden test of every later capability (cleaning, quotes,
facts, relations, dates, summary), so a wrong line number or a quote that is
not printed as truth.json says would silently corrupt all of them. Each check
is a function returning the problems it finds; the tests assert there are none
on the real story, and that a deliberately corrupted truth is caught (so the
checks can fail).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE_STORY, SHARED

ARTICLES = EXAMPLE_STORY / "articles"
HEADER = re.compile(r"^(date|source|url) (\S.*)$")

# What each junk reason promises about its line. A reason outside this table
# is itself a problem: consumers (the cleaning benchmark) rely on a small,
# fixed vocabulary.
JUNK_PATTERNS: dict[str, re.Pattern[str]] = {
    "byline": re.compile(r"^By [a-z]+(?: [a-z]+){0,3}$"),
    "author image": re.compile(r"author-image"),
    "share widget": re.compile(r"^(Article saved!|Share this article)"),
    "image caption": re.compile(r"\((Image|Photo) via [^)]+\)$"),
    "image credit": re.compile(r"^(Featured image credit|Image credit|Photo credit|Credit): \S"),
    "cms class names": re.compile(r"\bwp-image-\d+\b|\bsize-(large|medium|full)\b"),
    "teaser": re.compile(r"^(Similar post|Read more|Related):"),
    "newsletter": re.compile(r"newsletter", re.IGNORECASE),
    "title repeated": re.compile(r".+"),  # checked against the headline below
}
VERDICTS = {"verbatim", "partial", "typography", "altered"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# A weekday that names a date ("Sunday, March 8") is absolute, not relative.
RELATIVE_WEEKDAY = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!,? (January|February|March|April|May|June|"
    r"July|August|September|October|November|December) \d)"
)

RELATIVE_OTHER = re.compile(
    r"\b(\w+ (days|weeks) ago|(last|next) (week|month|year)|(earlier|later) this (week|month)|yesterday|today|tonight)\b",
    re.IGNORECASE,
)

# --- reading the story -------------------------------------------------------


def load_story(directory: Path = EXAMPLE_STORY) -> tuple[dict, dict[str, list[str]]]:
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    files = {path.name: path.read_text(encoding="utf-8").splitlines() for path in (directory / "articles").glob("*.txt")}
    return truth, files


def headers(lines: list[str]) -> tuple[dict[str, str], int]:
    """The `key value` header lines at the top, and the 0-based index of the headline."""
    found: dict[str, str] = {}
    index = 0
    while index < len(lines) and (match := HEADER.match(lines[index])):
        found[match.group(1)] = match.group(2)
        index += 1
    return found, index


def squash(text: str) -> str:
    return " ".join(text.split())


def without_double_quotes(text: str) -> str:
    """Quote marks are not part of a quote's wording; removing them also joins a
    quote that spans paragraphs (the second paragraph opens with a mark)."""
    return squash(re.sub(r"[\"\u201c\u201d\u201e]", "", text))


def typography(text: str) -> str:
    return text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}))


def trim(text: str) -> str:
    """A printed quote often swaps its final full stop for the comma before `she said`."""
    return squash(text).strip().rstrip(",.;:!?").strip()


def word_sub(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text, count=1)


def group_of(truth: dict, name: str) -> str:
    return truth["articles"][name]["group"]


def published(truth: dict, name: str) -> dt.date | None:
    value = truth["articles"][name]["published"]
    return dt.date.fromisoformat(value) if value else None


# --- checks: each returns a list of problems ---------------------------------


def problems_articles(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    if set(files) != set(truth["articles"]):
        problems.append(f"files {sorted(files)} differ from truth articles {sorted(truth['articles'])}")
    undated = unsourced = 0
    for name, lines in files.items():
        info = truth["articles"].get(name)
        if info is None:
            continue
        found, headline_index = headers(lines)
        if found.get("date") != info["published"]:
            problems.append(f"{name}: header date {found.get('date')} but truth says {info['published']}")
        undated += "date" not in found
        unsourced += "source" not in found
        if "source" in found and found["source"] != info["outlet"]:
            problems.append(f"{name}: source line {found['source']!r} but truth outlet {info['outlet']!r}")
        if not re.match(r"https://[a-z0-9.-]+\.example/", found.get("url", "")):
            problems.append(f"{name}: url must be on the .example TLD")
        if headline_index >= len(lines) or not lines[headline_index].strip():
            problems.append(f"{name}: no headline line right after the headers")
        words = len(" ".join(lines[headline_index + 1 :]).split())
        if not 300 <= words <= 700:
            problems.append(f"{name}: {words} body words, expected 300-700")
    if undated != 1 or unsourced != 1:
        problems.append(f"expected exactly one article without date and one without source, got {undated}, {unsourced}")
    return problems


def problems_sources(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    groups = {info["group"] for info in truth["articles"].values()}
    if truth["independent_sources"] != len(groups):
        problems.append(f"independent_sources {truth['independent_sources']} but {len(groups)} groups")
    derived = set()
    for relation in truth["relations"]:
        source, copy_ = relation["source"], relation["derived"]
        if relation["kind"] not in {"duplicate", "contained", "rewrite"}:
            problems.append(f"unknown relation kind {relation['kind']}")
        if source not in truth["articles"] or copy_ not in truth["articles"]:
            problems.append(f"relation names an unknown file: {source} -> {copy_}")
            continue
        if group_of(truth, source) != group_of(truth, copy_):
            problems.append(f"{copy_} derives from {source} but is in another group")
        derived.add(copy_)
    # Every group has exactly one article that derives from nothing: its original.
    for group in groups:
        originals = [name for name, info in truth["articles"].items() if info["group"] == group and name not in derived]
        if len(originals) != 1:
            problems.append(f"group {group} has originals {originals}, expected exactly one")
    return problems


def problems_junk(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    seen = set()
    for item in truth["junk_lines"]:
        name, number, reason = item["file"], item["line"], item["reason"]
        lines = files.get(name)
        if lines is None or not 1 <= number <= len(lines):
            problems.append(f"junk {name}:{number} is not a line of a story file")
            continue
        text = lines[number - 1].strip()
        _, headline_index = headers(lines)
        if (name, number) in seen:
            problems.append(f"junk {name}:{number} listed twice")
        seen.add((name, number))
        if not text:
            problems.append(f"junk {name}:{number} is a blank line")
        elif number <= headline_index + 1:
            problems.append(f"junk {name}:{number} is a header or the headline, not body junk")
        elif reason not in JUNK_PATTERNS:
            problems.append(f"junk {name}:{number}: unknown reason {reason!r}")
        elif not JUNK_PATTERNS[reason].search(text):
            problems.append(f"junk {name}:{number}: {text!r} does not look like a {reason}")
        elif reason == "title repeated" and text != lines[headline_index].strip():
            problems.append(f"junk {name}:{number}: 'title repeated' but differs from the headline")
    for item in truth.get("tricky_content_lines", []):
        name, number = item["file"], item["line"]
        lines = files.get(name, [])
        text = lines[number - 1].strip() if 1 <= number <= len(lines) else ""
        if not text:
            problems.append(f"tricky content line {name}:{number} is blank or missing")
        if (name, number) in seen:
            problems.append(f"{name}:{number} is both junk and tricky real content")
        if any(reason != "title repeated" and pattern.search(text) for reason, pattern in JUNK_PATTERNS.items()):
            problems.append(f"tricky content line {name}:{number} matches a junk pattern")
    return problems


def _verdict_problem(canonical: str, occurrence: dict) -> str | None:
    text, verdict, edits = trim(occurrence["text"]), occurrence["verdict"], occurrence["edits"]
    full = trim(canonical)
    if verdict == "verbatim":
        return None if text == full and not edits else "verbatim but differs from the canonical wording"
    if verdict == "partial":
        return None if text != full and text in full and not edits else "partial but not a part of the canonical wording"
    typo_text, typo_full = typography(text), typography(full)
    if verdict == "typography":
        differs = text not in full
        same_words = typo_text in typo_full
        return None if differs and same_words and not edits else "typography but differs in more (or less) than typography"
    if verdict == "altered":
        if not edits or typo_text in typo_full:
            return "altered but has no edits, or its words are in the canonical wording"
        restored = typo_text
        for removed, added in edits:
            if not re.search(rf"(?<!\w){re.escape(removed)}(?!\w)", typo_full):
                return f"edit removes {removed!r}, which the canonical wording does not contain"
            if not re.search(rf"(?<!\w){re.escape(added)}(?!\w)", restored):
                return f"edit adds {added!r}, which the occurrence does not contain"
            restored = word_sub(restored, added, removed)
        return None if restored in typo_full else "its edits do not explain how it differs from the canonical wording"
    return f"unknown verdict {verdict!r}"


def problems_quotes(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    ids = [quote["id"] for quote in truth["quotes"]]
    if len(ids) != len(set(ids)):
        problems.append("quote ids are not unique")
    bodies = {name: without_double_quotes("\n".join(lines)) for name, lines in files.items()}
    for quote in truth["quotes"]:
        if not quote["speaker"].strip() or not quote["occurrences"]:
            problems.append(f"quote {quote['id']}: no speaker or no occurrences")
        support: set[str] = set()
        variants: dict[str, set[str]] = {}
        for occurrence in quote["occurrences"]:
            name = occurrence["file"]
            where = f"quote {quote['id']} in {name}"
            if name not in files:
                problems.append(f"{where}: unknown file")
                continue
            if without_double_quotes(occurrence["text"]) not in bodies[name]:
                problems.append(f"{where}: text not found in the file")
            if problem := _verdict_problem(quote["canonical"], occurrence):
                problems.append(f"{where}: {problem}")
            if occurrence["verdict"] == "altered":
                variants.setdefault(trim(occurrence["text"]), set()).add(group_of(truth, name))
            else:
                support.add(group_of(truth, name))
        # The canonical wording is the one printed by the most independent sources.
        for variant, groups in variants.items():
            if len(groups) >= len(support):
                problems.append(f"quote {quote['id']}: {variant!r} has as much independent support as the canonical wording")
    return problems


QUOTED = re.compile(r"\"([^\"]+)(?:\"|$)|\u201c([^\u201c\u201d]+)(?:\u201d|$)|(?<!\w)[\u2018']([^\u2018\u2019']+)[\u2019'](?!\w)")


def problems_quote_coverage(truth: dict, files: dict[str, list[str]]) -> list[str]:
    """Every quoted span printed in an article is recorded as an occurrence, so the
    quotes golden test cannot silently be incomplete. (A quote left open at the end
    of a paragraph runs to the end of its line: the next paragraph continues it.)"""
    problems = []
    recorded: dict[str, list[str]] = {}
    for quote in truth["quotes"]:
        for occurrence in quote["occurrences"]:
            recorded.setdefault(occurrence["file"], []).append(typography(without_double_quotes(occurrence["text"])))
    for name, lines in files.items():
        for number, line in enumerate(lines, start=1):
            for match in QUOTED.finditer(line):
                printed = trim(typography(next(group for group in match.groups() if group)))
                if len(printed.split()) >= 2 and not any(printed in text for text in recorded.get(name, [])):
                    problems.append(f"{name}:{number}: quoted {printed!r} is not recorded in truth.json")
    return problems


def problems_planted_quote_changes(truth: dict, files: dict[str, list[str]]) -> list[str]:
    """The rewrite alters the quotes its source prints faithfully; the duplicate
    prints its source's quotes as they are; exactly one independent article
    changes exactly one word of one quote."""
    problems = []
    by_file: dict[str, list[tuple[str, dict]]] = {}
    for quote in truth["quotes"]:
        for occurrence in quote["occurrences"]:
            by_file.setdefault(occurrence["file"], []).append((quote["id"], occurrence))
    for relation in truth["relations"]:
        source = {(qid, o["text"]): o["verdict"] for qid, o in by_file.get(relation["source"], [])}
        derived = by_file.get(relation["derived"], [])
        if relation["kind"] == "rewrite":
            altered = [qid for qid, o in derived if o["verdict"] == "altered"]
            faithful_in_source = {qid for (qid, _), verdict in source.items() if verdict != "altered"}
            if len(set(altered) & faithful_in_source) < 3:
                problems.append(f"rewrite {relation['derived']} alters fewer than 3 quotes its source prints faithfully")
        if relation["kind"] == "duplicate":
            copied = {(qid, o["text"]): o["verdict"] for qid, o in derived}
            if not copied or any(source.get(key) != verdict for key, verdict in copied.items()):
                problems.append(f"duplicate {relation['derived']} does not print its source's quotes as they are")
    derived_files = {relation["derived"] for relation in truth["relations"]}
    one_word = [
        (name, qid)
        for name, items in by_file.items()
        if name not in derived_files
        for qid, o in items
        if o["verdict"] == "altered"
    ]
    if len(one_word) != 1:
        problems.append(f"expected one altered quote in an independent article, got {one_word}")
    else:
        name, qid = one_word[0]
        edits = next(o["edits"] for q, o in by_file[name] if q == qid and o["verdict"] == "altered")
        if len(edits) != 1 or any(len(part.split()) != 1 for part in edits[0]):
            problems.append(f"{name}: the altered quote {qid} should change exactly one word, edits {edits}")
    return problems


def problems_facts(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    texts = {name: "\n".join(lines) for name, lines in files.items()}

    def displayed(slot: dict, label: str) -> None:
        for name, shown in slot.get("display", {}).items():
            if name not in texts or shown not in texts[name]:
                problems.append(f"{label} {slot['subject']}/{slot['attribute']}: {shown!r} not in {name}")

    if len(truth["conflicts"]) < 3:
        problems.append("fewer than 3 planted conflicts")
    for slot in truth["conflicts"]:
        displayed(slot, "conflict")
        groups_by_value: dict[str, set[str]] = {}
        for name, value in slot["values"].items():
            groups_by_value.setdefault(value, set()).add(group_of(truth, name))
        if len(groups_by_value) < 2:
            problems.append(f"conflict {slot['subject']}/{slot['attribute']} has one value only")
        # A real conflict is between independent sources, not inside one group.
        elif all(a & b for a in groups_by_value.values() for b in groups_by_value.values()):
            problems.append(f"conflict {slot['subject']}/{slot['attribute']} is only inside one source group")
    conflict_slots = {(slot["subject"], slot["attribute"]) for slot in truth["conflicts"]}
    varied = 0
    for slot in truth["corroborated"]:
        displayed(slot, "corroborated")
        groups = {group_of(truth, name) for name in slot["files"] if name in truth["articles"]}
        if len(groups) < 3:
            problems.append(f"corroborated {slot['subject']}/{slot['attribute']} by only {len(groups)} independent sources")
        if (slot["subject"], slot["attribute"]) in conflict_slots:
            problems.append(f"{slot['subject']}/{slot['attribute']} is both corroborated and conflicting")
        varied += len({shown.lower() for shown in slot.get("display", {}).values()}) > 1
    if varied < 1:
        problems.append("no corroborated fact is worded differently by different outlets (rounding, units)")
    return problems


def _expected_window(expression: str, tense: str, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The dates an expression can mean, published on `day`: the last such
    weekday on or before it (the next one for future tense)."""
    lowered = expression.lower()
    if match := re.search(r"(\w+) days? ago", lowered):
        count = {"one": 1, "two": 2, "three": 3, "four": 4}.get(match.group(1)) or int(match.group(1))
        date = day - dt.timedelta(days=count)
        return date, date
    if "last month" in lowered:
        first = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return first, first
    if "earlier this week" in lowered:
        return day - dt.timedelta(days=day.weekday()), day - dt.timedelta(days=1)
    for index, name in enumerate(WEEKDAYS):
        if name in lowered:
            shift = (day.weekday() - index) % 7
            date = day - dt.timedelta(days=shift) if tense == "past" else day + dt.timedelta(days=(index - day.weekday()) % 7)
            return date, date
    return None


def problems_dates(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    listed: dict[str, set[str]] = {}
    for item in truth["relative_dates"]:
        name, expression = item["file"], item["expression"]
        text = "\n".join(files.get(name, []))
        listed.setdefault(name, set()).add(expression.lower())
        day = published(truth, name) if name in truth["articles"] else None
        if expression not in text:
            problems.append(f"relative date {expression!r} not in {name}")
            continue
        if day is None:
            problems.append(f"relative date {expression!r} in {name}, which has no publication date")
            continue
        date = dt.date.fromisoformat(item["date"])
        tense = item.get("tense", "past")
        if item["precision"] == "month" and date.day != 1:
            problems.append(f"{name}: month precision {expression!r} should be the first of the month")
        # Past tense: on or before publication; future: on or after (a copy published
        # on the day itself may still say "will vote on Wednesday").
        if not (date <= day if tense == "past" else date >= day):
            problems.append(f"{name}: {expression!r} is {tense} tense but resolves to {date}, published {day}")
        sentence = next(s for s in re.split(r"(?<=[.!?])\s+", text) if expression in s)
        if (tense == "future") != bool(re.search(r"\bwill\b", sentence)):
            problems.append(f"{name}: {expression!r} is marked {tense} but its sentence says otherwise")
        window = _expected_window(expression, tense, day)
        if window is None:
            problems.append(f"{name}: no rule to check {expression!r}")
        elif not window[0] <= date <= window[1]:
            problems.append(f"{name}: {expression!r} published {day} means {window[0]}..{window[1]}, truth says {date}")
    # Every relative weekday in a dated article is listed (nothing is left for the
    # date resolver to get right by accident).
    for name, lines in files.items():
        found, headline_index = headers(lines)
        body = "\n".join(lines[headline_index:])
        for match in RELATIVE_WEEKDAY.finditer(body):
            if not any(match.group(1).lower() in expression for expression in listed.get(name, ())):
                problems.append(f"{name}: relative weekday {match.group(0)!r} is not in relative_dates")
        for match in RELATIVE_OTHER.finditer(body):
            if match.group(0).lower() not in listed.get(name, set()):
                problems.append(f"{name}: relative date {match.group(0)!r} is not in relative_dates")
    return problems


def problems_core_facts(truth: dict, files: dict[str, list[str]]) -> list[str]:
    problems = []
    facts = truth["core_facts"]
    if not 4 <= len(facts) <= 6:
        problems.append(f"{len(facts)} core facts, expected 4-6")
    texts = {name: " ".join(lines).lower() for name, lines in files.items()}
    for fact in facts:
        words = [w for w in re.findall(r"[\w$.]+", fact.lower()) if len(w) > 2 or w.isdigit()]
        groups = {
            group_of(truth, name)
            for name, text in texts.items()
            if name in truth["articles"] and all(w.rstrip(".") in text for w in words)
        }
        if len(groups) < 2:
            problems.append(f"core fact {fact!r} is stated by fewer than 2 independent sources")
    return problems


CHECKS: list[Callable[[dict, dict[str, list[str]]], list[str]]] = [
    problems_articles,
    problems_sources,
    problems_junk,
    problems_quotes,
    problems_quote_coverage,
    problems_planted_quote_changes,
    problems_facts,
    problems_dates,
    problems_core_facts,
]


# --- the tests ----------------------------------------------------------------


@pytest.fixture(scope="module")
def story() -> tuple[dict, dict[str, list[str]]]:
    return load_story()


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_truth_is_consistent_with_the_articles(story, check) -> None:
    truth, files = story
    assert check(truth, files) == []


def test_the_story_has_what_the_golden_tests_need(story) -> None:
    truth, files = story
    assert len(files) == 6
    assert truth["independent_sources"] >= 3
    assert {relation["kind"] for relation in truth["relations"]} >= {"duplicate", "rewrite"}
    assert len({quote["speaker"] for quote in truth["quotes"]}) >= 5
    assert any(quote["speaker"].startswith("residents") for quote in truth["quotes"])
    assert {o["verdict"] for quote in truth["quotes"] for o in quote["occurrences"]} == VERDICTS
    assert {item["expression"].lower() for item in truth["relative_dates"]} >= {
        "on tuesday",
        "late sunday night",
        "two days ago",
        "last month",
        "earlier this week",
    }
    assert {item["reason"] for item in truth["junk_lines"]} == set(JUNK_PATTERNS)


# Each corruption is a realistic slip when editing the story; the named check must catch it.
def _shift_junk(truth: dict) -> None:
    truth["junk_lines"][0]["line"] += 1


def _wrong_speakerless_text(truth: dict) -> None:
    truth["quotes"][0]["occurrences"][0]["text"] += " and more"


def _verbatim_claimed_for_altered(truth: dict) -> None:
    altered = next(o for q in truth["quotes"] for o in q["occurrences"] if o["verdict"] == "altered")
    altered["verdict"], altered["edits"] = "verbatim", []


def _edit_dropped(truth: dict) -> None:
    altered = next(o for q in truth["quotes"] for o in q["occurrences"] if len(o["edits"]) > 1)
    altered["edits"].pop()


def _quote_forgotten(truth: dict) -> None:
    truth["quotes"].pop()


def _future_date_in_past(truth: dict) -> None:
    truth["relative_dates"][0]["date"] = "2026-03-30"


def _weekday_off_by_one(truth: dict) -> None:
    item = next(i for i in truth["relative_dates"] if i["expression"] == "late Sunday night")
    item["date"] = "2026-03-07"


def _relative_date_forgotten(truth: dict) -> None:
    truth["relative_dates"] = [i for i in truth["relative_dates"] if i["expression"].lower() != "two days ago"]


def _conflict_resolved(truth: dict) -> None:
    slot = truth["conflicts"][0]
    first = next(iter(slot["values"].values()))
    slot["values"] = {name: first for name in slot["values"]}


def _corroboration_by_copies(truth: dict) -> None:
    truth["corroborated"][0]["files"] = [r["source"] for r in truth["relations"][:1]] + [
        r["derived"] for r in truth["relations"][:1]
    ]


def _file_forgotten(truth: dict) -> None:
    truth["articles"].pop(sorted(truth["articles"])[-1])


def _copy_counted_as_independent(truth: dict) -> None:
    derived = truth["relations"][0]["derived"]
    truth["articles"][derived]["group"] = "Z"


@pytest.mark.parametrize(
    ("corrupt", "check"),
    [
        (_shift_junk, problems_junk),
        (_wrong_speakerless_text, problems_quotes),
        (_verbatim_claimed_for_altered, problems_quotes),
        (_edit_dropped, problems_quotes),
        (_quote_forgotten, problems_quote_coverage),
        (_future_date_in_past, problems_dates),
        (_weekday_off_by_one, problems_dates),
        (_relative_date_forgotten, problems_dates),
        (_conflict_resolved, problems_facts),
        (_corroboration_by_copies, problems_facts),
        (_file_forgotten, problems_articles),
        (_copy_counted_as_independent, problems_sources),
    ],
    ids=lambda value: getattr(value, "__name__", "").lstrip("_"),
)
def test_the_checks_catch_a_corrupted_truth(story, corrupt, check) -> None:
    truth, files = story
    broken = copy.deepcopy(truth)
    corrupt(broken)
    assert check(truth, files) == []
    assert check(broken, files) != []


def test_no_text_is_borrowed_from_the_real_articles(story) -> None:
    """The story is ours: no 8-word run of the real example articles appears in it
    (the repository hook rejects 12-word runs; this is stricter)."""
    real_dir = SHARED / "examples" / "balenciaga"
    if not real_dir.is_dir():
        pytest.skip(f"real data not available: {real_dir} is absent (it is beside the project in CI)")

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    real = set().union(*(runs(path.read_text(encoding="utf-8", errors="replace")) for path in real_dir.iterdir()))
    _, files = story
    borrowed = {name: len(runs("\n".join(lines)) & real) for name, lines in files.items()}
    assert all(count == 0 for count in borrowed.values()), borrowed
