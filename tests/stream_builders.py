"""A fictional news stream for store and clustering tests: stories about made-up
towns and people, several articles each, with dates, outlets and .example URLs.
Seeded, so every run builds the same stream."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

_SYLLABLES = ["bran", "mor", "quel", "tor", "vel", "ash", "lin", "dra", "kes", "oth", "wyn", "pel", "grav", "isk", "nor", "ull"]
_EVENTS = [
    ("ferry", "strike", "crews walked out over rota changes at the harbour"),
    ("bridge", "collapse", "the span gave way during the evening festival"),
    ("council", "budget", "councillors voted on the new spending plan"),
    ("orchard", "frost", "growers counted losses after the late frost"),
    ("museum", "theft", "thieves took a carved panel from the east gallery"),
    ("rail", "delay", "the new line will open later than promised"),
    ("school", "closure", "parents protested the plan to close the village school"),
    ("harbour", "fire", "a warehouse fire burned through the night"),
]
_FILLER = (
    "officials said on the matter that residents were told more would follow "
    "the statement added that a review had begun and further updates were expected "
    "local people described the scene and asked for answers from those in charge"
).split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()


def stream(stories: int = 30, per_story: int = 12, seed: int = 7) -> list[dict]:
    """Records (JSON-ready) of `stories` stories, interleaved in time order."""
    rng = random.Random(seed)
    start = dt.date(2031, 5, 1)
    records = []
    for number in range(stories):
        town, person, firm = _name(rng), f"{_name(rng)} {_name(rng)}", f"{_name(rng)} Holdings"
        thing, event, lead = _EVENTS[number % len(_EVENTS)]
        day0 = start + dt.timedelta(days=rng.randrange(60))
        for copy in range(per_story):
            words = [rng.choice(_FILLER) for _ in range(60)]
            body = (
                f"In {town}, {lead}. {person} of {firm} said the {thing} {event} had shaken {town}. "
                + " ".join(words)
                + f". {person} added that {firm} would cooperate. The {thing} in {town} remains the focus."
            )
            outlet = f"{_name(rng)} Gazette"
            records.append({
                "id": f"s{number}-{copy}",
                "story": number,
                "title": f"{town} {thing} {event}: {person} speaks ({outlet} {copy})",
                "text": body,
                "source": outlet,
                "url": f"https://{outlet.split()[0].lower()}.example/{town.lower()}/{number}-{copy}",
                "date": (day0 + dt.timedelta(days=rng.randrange(3))).isoformat(),
            })  # fmt: skip
    records.sort(key=lambda r: (r["date"], r["id"]))
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
