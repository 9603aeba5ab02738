"""Hostile input for the fuzz tests (tests/test_fuzz.py, benchmarks/fuzz_long.py).

Hypothesis drives every fuzz test, but drawing ten thousand texts character by
character costs about a second per thousand; so each example draws a seed and
a few of its own hostile texts, and `Hostile(seed)` makes the rest of the batch
from the seed, quickly and the same way every time. What it makes is what broke
readers and analyses before, mixed at random: words of news, quote marks of
every kind (nested, unbalanced), huge and malformed numbers, dates outside the
calendar, control characters, lone surrogates, bidirectional overrides, line
and paragraph separators, combining marks, every Unicode plane, deep nesting,
empty and very long pieces.
"""

from __future__ import annotations

import json
import os
import random
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

WORDS = (
    "the a harbour ferry council Quelbran Brantmoor said told reporters added Ms Valdor Mr Brenn "
    "Dr Solberg mayor crews strike 12 people were injured killed million billion $ £ € percent % "
    "on Tuesday last week next month yesterday in March 2021 aged 42 mother of four according to "
    "announced will would said: wrote “ ” ‘ ’ « » \" ' ( ) [ ] — – - , . ; : ! ? … / & @ # * _ = + "
    "U.S. Inc. St. approx. vs. e.g. No. 10 Downing Street The Times BBC AP Reuters"
).split()

HOSTILE = [
    "", " ", "\n", "\n\n", "\r\n", "\r", "\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029",
    "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\ud800", "\udc80", "\udfff", "\ufeff", "\ufffd", "\ufffe",
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d", "\u00ad", "e\u0301\u0301\u0301", "\U0001f600",
    "\U0010fffd", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u4e2d\u6587", "\u05e2\u05d1\u05e8\u05d9\u05ea",
    "9" * 400, "1e400", "-0", "NaN", "inf", "0x1F", "1,000,000,000,000,000,000", "$99999999999999999999 trillion",
    "3.5.7", "1/0", "½", "¾ million", "Ⅻ", "٣", "๓", "10^300", "99999999999999 days ago", "some 5000 years ago",
    "February 30, 2021", "March 45", "the 31st of April", "year 0", "in 9999", "1 January 10000", "2021-13-45",
    "on Feb. 29, 2100", "three hundred thousand years from now", "a few years ago",
    "“" * 30, "”" * 30, "\"" * 50, "'" * 50, "«" * 20 + "»", "(" * 30, ")" * 30, "[" * 30, "{" * 30,
    "“a “nested “quote” here” there”", "“unclosed quote that runs on and on", "said: “", "”, she said.",
    "<p>", "</p>", "<script>alert(1)</script>", "&amp;", "&#0;", "&#xD800;", "]]>", "<![CDATA[", "<!--",
    "[/bold]", "[link=https://evil.example]x[/link]", "%s%s%n", "{0}", "${x}", "\\", "\\u0000",
]
# Long runs: rare, since every analysis pays for their length.
LONG = ["a" * 3000, ". " * 500, "\n" * 200, " " * 2000, "word " * 400, "“" * 300, "(" * 3000, "9" * 5000]

_PLANES = [(0x20, 0x7F), (0xA0, 0x3000), (0x3000, 0xD7FF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF)]


class Hostile:
    """Hostile text and data, made from a seed (`random.Random`: the same seed, the
    same input, on every machine)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def piece(self) -> str:
        roll = self.rng.random()
        if roll < 0.55:
            return self.rng.choice(WORDS)
        if roll < 0.8:
            return self.rng.choice(HOSTILE)
        if roll < 0.805:
            return self.rng.choice(LONG)
        if roll < 0.9:
            return str(self.rng.choice([self.rng.randint(-10**40, 10**40), self.rng.random() * 10 ** self.rng.randint(-300, 300)]))
        low, high = self.rng.choice(_PLANES)
        return "".join(chr(self.rng.randint(low, high)) for _ in range(self.rng.randint(1, 6)))

    def number(self) -> str:
        return self.rng.choice([str(self.rng.randint(0, 10**self.rng.randint(1, 30))), "two", "a dozen", "1.5", "9" * 40,
                                f"{self.rng.randint(1, 999):,}", self.piece()])  # fmt: skip

    def sentence(self) -> str:
        """A news sentence shape (a quote and its speaker, a count, an amount, an age, a
        date) with hostile pieces in its slots: what the quotes and claims code parses."""
        p, n = self.piece, self.number
        shapes = [
            lambda: f"“{p()} {p()} {p()},” {p()} {self.rng.choice(['said', 'told', 'wrote'])} {p()}.",
            lambda: f"{p()} said: “{p()} {p()}",
            lambda: f"{n()} people were {self.rng.choice(['injured', 'killed', 'hurt'])} in {p()} on {p()}, {p()} said.",
            lambda: f"The {p()} cost ${n()} {self.rng.choice(['million', 'billion', ''])} according to {p()}.",
            lambda: f"{p()} {p()}, {n()}, {self.rng.choice(['said', 'is'])} {p()}.",
            lambda: f"On {self.rng.choice(['Tuesday', 'March', 'March 3', '3 May 2021'])} {n()} {self.rng.choice(['days', 'years'])} ago {p()}.",
            lambda: f"About {n()} percent of {p()} {self.rng.choice(['rose', 'fell'])} by {n()}%.",
        ]
        return self.rng.choice(shapes)()

    def text(self, pieces: int | None = None) -> str:
        count = self.rng.choice([0, 1, 2, 4, 8, 16]) if pieces is None else pieces
        parts = []
        for _ in range(count):
            parts.append(self.sentence() if self.rng.random() < 0.15 else self.piece())
            parts.append(self.rng.choice([" ", " ", " ", "", "\n", "\n\n", ", ", ". "]))
        return "".join(parts)

    def storable(self, pieces: int | None = None) -> str:
        """Text as a reader could have produced it: without lone surrogates (which no
        decoder yields; `ingest.safe_text` removes those a JSON escape makes)."""
        return "".join(ch for ch in self.text(pieces) if not 0xD800 <= ord(ch) <= 0xDFFF)

    def value(self, depth: int = 0) -> object:
        """A JSON value: strings, huge numbers, nesting (sometimes very deep)."""
        roll = self.rng.random()
        if depth > 3 or roll < 0.45:
            return self.rng.choice([self.text(), self.rng.randint(-10**30, 10**30), self.rng.random() * 1e300, None, True, 0, ""])
        if roll < 0.5:
            deep: object = self.text(2)
            for _ in range(self.rng.choice([5, 50, 400])):  # json.dumps itself stops near 1,000
                deep = [deep] if self.rng.random() < 0.5 else {"x": deep}
            return deep
        if roll < 0.75:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        return {self.key(): self.value(depth + 1) for _ in range(self.rng.randint(0, 4))}

    def key(self) -> str:
        fields = ["id", "title", "text", "body", "content", "url", "link", "source", "outlet", "date", "published_at",
                  "headline", "guid", "timestamp", "site_name"]  # fmt: skip
        return self.rng.choice(fields) if self.rng.random() < 0.8 else self.text(1)

    def record(self) -> dict:
        """An article record as a scraper might write it, fields often of the wrong kind."""
        record = {}
        if self.rng.random() < 0.9:
            record["text"] = self.text(self.rng.choice([3, 15, 40])) if self.rng.random() < 0.8 else self.value(1)
        for name in ("id", "title", "url", "source", "date"):
            if self.rng.random() < 0.6:
                record[name] = self.text(2) if self.rng.random() < 0.7 else self.value(2)
        if self.rng.random() < 0.3:
            record[self.key()] = self.value()
        return record

    def encoded(self, text: str) -> bytes:
        """`text` as bytes in an encoding a user's file may come in, sometimes damaged."""
        encoding = self.rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1"])
        data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")
        roll = self.rng.random()
        if roll < 0.05:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(0, 600)))
        if roll < 0.1 and data:
            cut = self.rng.randrange(len(data))
            return data[:cut]
        if roll < 0.15 and data:
            spot = self.rng.randrange(len(data))
            return data[:spot] + bytes([self.rng.randrange(256)]) + data[spot:]
        return data

    def word(self) -> str:
        return "".join(self.rng.choice(string.ascii_lowercase) for _ in range(self.rng.randint(1, 9)))

    def json_line(self) -> bytes:
        roll = self.rng.random()
        if roll < 0.75:
            return json.dumps(self.record(), ensure_ascii=self.rng.random() < 0.5).encode("utf-8", "surrogatepass")
        if roll < 0.85:
            return json.dumps(self.value()).encode("utf-8", "surrogatepass")
        if roll < 0.9:  # deeper than any JSON library will go
            depth = self.rng.choice([1_000, 100_000])
            return b'{"text": ' + b"[" * depth + b'"x"' + b"]" * depth + b"}"
        return self.encoded(self.text())


# Hypothesis settings of every fuzz test: the same examples on every run
# (derandomize), no example database, and no complaint that an example (a batch
# of inputs) is slow to make or use.
FUZZ = settings(
    derandomize=not os.environ.get("CORROBORATE_FUZZ_RANDOM"),  # benchmarks/fuzz_long.py sets it
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# What hypothesis itself draws for each example: a seed for `Hostile`, and two texts
# of its own (its generator knows corners of Unicode ours does not).
seeds = st.integers(min_value=0, max_value=2**32 - 1)
drawn_texts = st.lists(st.text(max_size=40), min_size=2, max_size=2)
