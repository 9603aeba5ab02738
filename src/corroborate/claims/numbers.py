"""Numbers as outlets write them, and when two values can both be true.

`parse_number` reads digits and words ("74.2 million", "a dozen"); `values_agree`
forgives rounding, precision and coarser dates, and never compares values in
different currencies or units.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..model import Claim

MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
                "b": 1e9, "trillion": 1e12, "tn": 1e12, "dozen": 12, "hundred": 100}  # fmt: skip
_APPROX = re.compile(r"\b(?:about|around|roughly|some|nearly|almost|approximately|more than|over|up to|at least|"
                     r"close to|just under|just over|an estimated)\s*$", re.IGNORECASE)  # fmt: skip
# A number as printed: digits with thousands commas, never a comma after it ("raised
# more than $15,000, and ..." is $15,000).
NUM = r"\d(?:[\d,]*\d)?(?:\.\d+)?"
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


def _days_after(day: dt.date, days: int) -> dt.date:
    """`day` plus `days`, stopping at the calendar's last day: a text can name a week
    of year 9999 (found by fuzzing), and the days after it do not exist."""
    if day > dt.date.max - dt.timedelta(days=days):
        return dt.date.max
    return day + dt.timedelta(days=days)


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
            return any(_days_after(week, d).month == other.month for d in range(7))
        return (a.year, a.month) == (b.year, b.month)
    if coarse == "week":
        return a - dt.timedelta(days=a.weekday()) == b - dt.timedelta(days=b.weekday())
    return a == b


_PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}


def disagreements_of(items):
    """`disagreements` of found claims (`context.Found`), where a claim printed
    alike in two articles (same sentence, same words for the value) agrees with
    itself: the value is one report's, however each article's date resolves it."""
    import numpy as np

    differ = disagreements([item.claim for item in items])
    codes: dict[str, int] = {}
    printed = np.array([codes.setdefault(item.printed, len(codes)) if item.printed else -1 - k
                        for k, item in enumerate(items)])  # fmt: skip
    return differ & (printed[:, None] != printed[None, :])


def disagreements(claims: Sequence[Claim]):
    """The matrix of `not values_agree(a, b)` over all pairs, on arrays (a big
    story's slot candidates are thousands of claims: a million Python calls)."""
    import numpy as np

    n = len(claims)
    kinds = {c.kind for c in claims}
    if len(kinds) > 1:
        return np.array([[not values_agree(x, y) for y in claims] for x in claims], dtype=bool)
    if not n or kinds == {"participants"}:
        return np.zeros((n, n), dtype=bool)
    if kinds == {"date"}:
        dates = [dt.date.fromisoformat(c.value) for c in claims]
        # Small integer types: the pair matrices of a big story's dates are millions of cells.
        precision = np.array([_PRECISION_ORDER[c.precision or "day"] for c in claims], dtype=np.int8)
        week = np.array([c.precision == "week" for c in claims])
        ordinal = np.array([d.toordinal() for d in dates], dtype=np.int32)
        year = np.array([d.year for d in dates], dtype=np.int16)
        month = np.array([d.month for d in dates], dtype=np.int8)
        last_month = np.array([_days_after(d, 6).month for d in dates], dtype=np.int8)  # a week may straddle two months
        monday = ordinal - np.array([d.weekday() for d in dates], dtype=np.int32)
        coarse = np.maximum(precision[:, None], precision[None, :])
        same_month = (year[:, None] == year[None, :]) & (month[:, None] == month[None, :])
        in_left_week = (month[None, :] == month[:, None]) | (month[None, :] == last_month[:, None])
        month_agree = np.where(week[:, None], in_left_week, np.where(week[None, :], in_left_week.T, same_month))
        agree = np.select(
            [coarse == 3, coarse == 2, coarse == 1],
            [year[:, None] == year[None, :], month_agree, monday[:, None] == monday[None, :]],
            ordinal[:, None] == ordinal[None, :],
        )
        return ~agree
    codes: dict[str, int] = {}
    value = np.array([codes.setdefault(c.value, len(codes)) for c in claims])
    parts = [c.value.split() for c in claims]
    unit = np.array([codes.setdefault(p[1], len(codes)) if len(p) > 1 else -1 for p in parts])
    numbers = []
    for p in parts:
        try:
            numbers.append(float(p[0].lstrip("~P")))
        except (ValueError, IndexError):
            numbers.append(None)
    parsed = np.array([x is not None for x in numbers])
    number = np.array([x if x is not None else 0.0 for x in numbers], dtype=np.float64)
    tolerance = np.array([c.tolerance for c in claims], dtype=np.float64)
    same_value = value[:, None] == value[None, :]
    other_units = (unit[:, None] >= 0) & (unit[None, :] >= 0) & (unit[:, None] != unit[None, :])
    both = parsed[:, None] & parsed[None, :]
    close = np.abs(number[:, None] - number[None, :]) <= np.maximum(tolerance[:, None], tolerance[None, :]) + 1e-9
    return ~(same_value | other_units | (both & close))
