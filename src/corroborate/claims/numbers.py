"""Numbers as outlets write them, and when two values can both be true.

`parse_number` reads digits and words ("74.2 million", "a dozen"); `values_agree`
forgives rounding, precision and coarser dates, and never compares values in
different currencies or units.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import Claim

MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
                "b": 1e9, "trillion": 1e12, "tn": 1e12, "dozen": 12, "hundred": 100}  # fmt: skip
_APPROX = re.compile(r"\b(?:about|around|roughly|some|nearly|almost|approximately|more than|over|up to|at least|"
                     r"close to|just under|just over|an estimated)\s*$", re.IGNORECASE)  # fmt: skip
NUM = r"\d[\d,]*(?:\.\d+)?"
WORD_NUMBER = (
    r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine)"
)


def parse_number(text: str) -> tuple[float, float] | None:
    """A number written in digits and/or words -> (value, the unit of its last
    significant figure), e.g. "74.2 million" -> (74200000, 100000); "a dozen" -> (12, 1)."""
    words = text.lower().replace(",", "").replace("-", " ").split()
    words = [w for w in words if w not in ("a", "an", "of")] or ["1"]
    value: float | None = None
    unit = 1.0
    rest: list[str] = []
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            value = float(word)
            decimals = len(word.split(".")[1]) if "." in word else 0
            unit = 10.0**-decimals
        elif word in MULTIPLIERS and (value is not None or word in ("dozen", "hundred")):
            factor = MULTIPLIERS[word]
            if value is None:  # "a dozen": exactly twelve
                value = factor
            else:  # "74.2 million": the unit of the last figure scales too
                value *= factor
                unit *= factor
        else:
            rest.append(word)
    if rest:
        from text_to_num import text2num

        try:
            worded = float(text2num(" ".join(rest), "en"))
        except ValueError:
            return None
        value = worded if value is None else value * worded
    return (value, unit) if value is not None else None


def approximate(text: str, start: int) -> bool:
    return bool(_APPROX.search(text[max(0, start - 20) : start]))


def values_agree(left: Claim, right: Claim) -> bool:
    """Whether two claims' values can both be true (rounding, precision, units)."""
    if left.kind == "date" or right.kind == "date":
        return _dates_agree(left, right)
    if left.kind in ("participants",):
        return True
    if left.value == right.value:
        return True
    left_parts, right_parts = left.value.split(), right.value.split()
    if len(left_parts) > 1 and len(right_parts) > 1 and left_parts[1] != right_parts[1]:
        return True  # different currencies or units: not comparable, so not a conflict
    try:
        a, b = float(left_parts[0].lstrip("~P")), float(right_parts[0].lstrip("~P"))
    except ValueError:
        return left.value == right.value
    tolerance = max(left.tolerance, right.tolerance)
    return abs(a - b) <= tolerance + 1e-9


def _dates_agree(left: Claim, right: Claim) -> bool:
    a, b = dt.date.fromisoformat(left.value), dt.date.fromisoformat(right.value)
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    coarse = max(left.precision or "day", right.precision or "day", key=order.__getitem__)
    if coarse == "year":
        return a.year == b.year
    if coarse == "month":
        if "week" in (left.precision, right.precision):  # a week may straddle two months
            week = a if left.precision == "week" else b
            other = b if week is a else a
            return any((week + dt.timedelta(days=d)).month == other.month for d in range(7))
        return (a.year, a.month) == (b.year, b.month)
    if coarse == "week":
        return a - dt.timedelta(days=a.weekday()) == b - dt.timedelta(days=b.weekday())
    return a == b
