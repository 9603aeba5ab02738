"""All the valued claims of one article, and which of them name a fact a reader
can recognise."""

from __future__ import annotations

from .. import dates as datemod
from .amounts import money, percentages
from .context import ArticleContext, Found, tokens_of
from .counts import counts, durations
from .events import dates, participants
from .people import ages, children


def extract_claims(ctx: ArticleContext) -> list[Found]:
    mentions = datemod.find_dates(ctx.article.text, ctx.window.reference)
    for mention in mentions:
        span = tokens_of(ctx, mention.start, mention.end)
        if span is not None:
            ctx.date_tokens |= {t.i for t in span}
    found = money(ctx) + percentages(ctx) + children(ctx) + ages(ctx)
    found += durations(ctx, [(m.start, m.end) for m in mentions])
    found += counts(ctx) + dates(ctx, mentions) + participants(ctx)
    _name_times(found, mentions)
    return found


def _name_times(found: list[Found], mentions: list[datemod.DateMention]) -> None:
    """Set each value's `times`: the periods its sentence names ("in 2005", "on
    Tuesday", "in April"), for telling values of two moments apart
    (`align._times_apart`). A date's own slot is told apart by its value."""
    named = [(m.start, datemod.period(m.date, m.precision or "day")) for m in mentions if m.date is not None]
    for item in found:
        sentence = item.claim.context
        if item.claim.kind == "date" or sentence is None:
            continue
        item.times = frozenset(
            (first.toordinal(), last.toordinal()) for start, (first, last) in named if sentence.start <= start < sentence.end
        )


# Verbs that say little about which fact a value belongs to: a slot named only
# by one of them ("duration (be)", "date of be", "date of happen": "something
# very interesting happened yesterday") and by no subject tells a reader nothing,
# and speech verbs name no relation between two parties.
_LIGHT_VERBS = {"be", "have", "do", "get", "make", "take", "go", "come", "put", "give", "happen", "occur"}
_SPEECH_VERBS = {"say", "tell", "write", "add", "tweet", "state", "post", "explain", "ask", "call"}


def informative(item: Found) -> bool:
    """Whether a claim names a fact a reader can recognise (see _LIGHT_VERBS)."""
    claim = item.claim
    first = item.head.split()[0] if item.head else ""
    if claim.kind == "participants":
        return first not in _LIGHT_VERBS | _SPEECH_VERBS
    if claim.kind == "date" and first == "be":
        return False  # "On Tuesday it was a wreck": a copula dates a state, not an event
    if claim.kind in ("duration", "date", "money", "percent") and not claim.subject:
        # A percentage's head is its attribute: "share of voters" says what it is of,
        # "percentage (be)" only the verb, which must say more than "was".
        verb = item.head[len("percentage ("):-1] if item.head.startswith("percentage (") else item.head
        return verb not in _LIGHT_VERBS and bool(verb)  # "gave way" says what happened; "was" does not
    return True
