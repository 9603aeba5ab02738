"""A generated big story: a few hundred short articles about one fictional event,
with altered quotes and conflicting figures planted where we know them.

Everything is made up: the ferry strike in Port Ellery, Tidewell Lines, the
people, the outlets (on the .example TLD). Each article is built from the
story's shared material (statements printed by several outlets, the figures
everyone reports, the day's event) and material of its own (a resident with a
name, an age and a trade), so the brief has more quote groups, facts, dates
and names than any section should list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from builders import article

_ONSETS = ["B", "D", "F", "G", "K", "L", "M", "N", "P", "R", "S", "T", "V", "Z", "H", "W"]
_RIMES = ["ara", "eno", "ilda", "orin", "usa", "elle", "ando", "ira", "oska", "eth", "ulan", "ami", "ero", "ista",
          "onne", "avi"]  # fmt: skip
TRADES = ["fishmonger", "nurse", "baker", "teacher", "carpenter", "welder", "florist", "chemist", "plumber", "cook"]
ISLANDS = ["Marrow Isle", "Gannet Rock", "Little Skerry", "Holm Bay", "Seal Haven", "Tern Island"]

# Content words of the statements, one of each list per statement, so that no two
# statements share more than their frame: each is its own quote group.
_NOUNS = ["lifeboats", "lanterns", "timetables", "gangways", "anchors", "harbours", "moorings", "radios", "lockers",
          "beacons", "ladders", "winches", "charts", "compasses", "hulls", "rudders", "galleys", "hatches", "buoys",
          "cranes", "pontoons", "slipways", "funnels", "propellers", "ballast", "cabins", "railings", "flares",
          "manifests", "dinghies"]  # fmt: skip
_VERBS = ["inspected", "repaired", "replaced", "counted", "painted", "checked", "tested", "cleaned", "fixed",
          "measured", "secured", "mended", "logged", "weighed", "guarded", "stored", "serviced", "patched", "tuned",
          "rebuilt", "sealed", "greased", "welded", "labelled", "scrubbed", "polished", "tightened", "drained",
          "reinforced", "restored"]  # fmt: skip
_OBJECTS = ["passengers", "pensioners", "schoolchildren", "tourists", "fishermen", "farmers", "doctors", "islanders",
            "students", "shopkeepers", "musicians", "nurses", "cyclists", "families", "visitors", "pilgrims",
            "sailors", "mechanics", "volunteers", "surveyors", "gardeners", "painters", "bakers", "builders", "miners",
            "drivers", "porters", "hikers", "divers", "climbers"]  # fmt: skip
STEWARDS = ["Harrow", "Quillon", "Vantreight", "Osgood", "Pellow", "Rennard", "Skelton", "Trevane", "Upcott",
            "Varley", "Whitlock", "Yardley", "Ashdown", "Blakeney", "Cardew", "Delacey", "Elsworth", "Foxley",
            "Gresham", "Holloway", "Inchbald", "Jarvis", "Kimber", "Lanyon", "Mabberley", "Nettleton", "Oakshott",
            "Penhale", "Redvers", "Stannard"]  # fmt: skip
# The statements outlets print: (speaker, words). Each is printed by several outlets.
STATEMENTS = [
    (f"Captain {STEWARDS[k]}", f"Nobody has {_VERBS[k]} the {_NOUNS[k]} since spring, and the {_OBJECTS[k]} deserve better")
    for k in range(len(STEWARDS))
]  # fmt: skip
# Planted: (statement index, article index, (word, the word that outlet prints instead)).
ALTERED = [(3, 63, ("spring", "winter")), (11, 101, ("better", "nothing")), (24, 204, ("since", "before"))]
# Planted conflicts: the figure most outlets give, the one a few give, the articles that do.
STRANDED = ("1,200", "2,100", {10, 95, 170})
CANCELLED = ("48", "84", {20, 140})
# The day's event, one per day of the story: many days for the timeline.
EVENTS = ["the harbour board voted on the dispute", "the mayor visited the picket line",
          "a relief boat reached the islands", "the union balloted its members", "the company offered a bonus",
          "the coastguard warned of storms", "the schools on the islands closed", "a petition reached parliament",
          "the bishop appealed for calm", "the ferry depot was locked", "a mediator was appointed",
          "the islanders held a rally", "the company hired agency crews", "the union rejected the offer",
          "a court hearing was adjourned", "the fishing fleet joined the stoppage", "a charter boat ran aground",
          "the council declared an emergency", "the talks broke down", "the minister called both sides in"]  # fmt: skip


@dataclass(frozen=True)
class Planted:
    altered_words: tuple[str, ...]  # what the altering outlets print instead of the speaker's word
    conflicts: tuple[tuple[str, str], ...]  # (majority value, minority value) as printed


def planted() -> Planted:
    return Planted(tuple(new for _, _, (_, new) in ALTERED), (STRANDED[:2], CANCELLED[:2]))


def _name(number: int) -> str:
    """A made-up name, different for each number below 256 x 256."""
    first = _ONSETS[number % 16] + _RIMES[(number // 16) % 16]
    last = _ONSETS[(number // 16) % 16] + _RIMES[number % 16] + "sby"
    return f"{first} {last}"


def _statement(index: int, article_index: int) -> str:
    speaker, words = STATEMENTS[index]
    for statement, where, (old, new) in ALTERED:
        if statement == index and where == article_index:
            words = words.replace(old, new, 1)
    return f"{speaker}, a union steward, told reporters: \u201c{words}.\u201d"


def story(count: int = 240):
    """`count` articles of the strike, in publication order."""
    start = dt.date(2031, 3, 2)
    articles = []
    for i in range(count):
        day = i % len(EVENTS)
        published = start + dt.timedelta(days=day)
        outlet = f"Coastline {i % 60} News"
        island = ISLANDS[i % len(ISLANDS)]
        stranded = STRANDED[1] if i in STRANDED[2] else STRANDED[0]
        cancelled = CANCELLED[1] if i in CANCELLED[2] else CANCELLED[0]
        event_day = start + dt.timedelta(days=day - 1)
        paragraphs = [
            f"{_name(i)}, {20 + i % 50}, a {TRADES[i % len(TRADES)]} from {island}, has not left the island "
            f"since the ferries stopped.",
            _statement(i % len(STATEMENTS), i),
            f"Tidewell Lines said {stranded} passengers were stranded when the strike began, and the union "
            f"said {cancelled} crossings were cancelled in the first week.",
            f"On {event_day.strftime('%B')} {event_day.day}, 2031, {EVENTS[day]}.",
        ]
        text = "\n\n".join(paragraphs)
        title = f"Port Ellery ferry strike: {island} waits, day {day + 1}"
        articles.append(article(text, title=title, outlet=outlet, published=published,
                                url=f"https://coastline{i % 60}.example/strike/{i}"))  # fmt: skip
    return articles
