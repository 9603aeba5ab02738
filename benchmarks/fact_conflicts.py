"""How many facts a big story's brief calls conflicting, and how much of its terminal
brief they take.

Every conflict is shown in the terminal brief, whatever its size, so a conflict
that is not one costs the reader lines and trust. In a story followed for weeks
(Timeline17: CNN's coverage of Egypt's uprising over three weeks) most "conflicts"
were the story moving on (8 killed on the first day, 302 a fortnight later), a
relative date reprinted on a later day ("Tuesday" of a live blog's entry resolved
against each article's date), or copies of one original differing. This prints,
per story, the facts by status, the conflicts by how many values they set against
each other and across how many days of publication, and the lines of the terminal
brief and of its facts section, and how many conflicts set only different pooled
stories against each other (certainly wrong); with `PYTHONPATH=<other checkout>/src`,
another version's. `--show N` prints N conflicts (chosen by a hash of their content, the
same ones whatever the run) with the sentences each side comes from, to read.

    .venv/bin/python benchmarks/fact_conflicts.py [--rows flagship t17-100 mn-100 t17-300] [--show 10]

Rows are those of benchmarks/brief_scaling.py (its inputs, from ../shared); each row
is one whole brief in this process. Contacts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def measure(path: Path, show: int) -> dict:
    from corroborate.brief import brief as make_brief
    from corroborate.config import BriefOptions
    from corroborate.render import RenderOptions, render

    started = time.perf_counter()
    brief = make_brief([path], BriefOptions())
    seconds = time.perf_counter() - started
    status = Counter(slot.status for slot in brief.facts)
    conflicts = [slot for slot in brief.facts if slot.status == "conflicting"]
    published = {a.id: a.published for a in brief.articles}

    def days(slot) -> int:
        dates = [published[c.span.article_id] for c in slot.claims if published[c.span.article_id]]
        return (max(dates) - min(dates)).days if dates else 0

    lines = render(brief, "terminal", RenderOptions(width=100)).splitlines()
    facts_at = next((k for k, line in enumerate(lines) if line.startswith("Facts (")), None)
    after = next((k for k, line in enumerate(lines) if facts_at is not None and k > facts_at
                  and line.startswith(("Timeline (", "People, organisations"))), len(lines))  # fmt: skip
    if show:
        _print_sample(brief, conflicts, show)
    return {
        "articles": len(brief.articles),
        "facts": len(brief.facts),
        **{s: status.get(s, 0) for s in ("conflicting", "corroborated", "single-source")},
        "conflicts of 3+ values": sum(len({c.value for c in s.claims}) >= 3 for s in conflicts),
        "conflicts spanning 2+ days": sum(days(s) >= 2 for s in conflicts),
        "conflicts only across pooled stories": (sum(_across_stories_only(brief, s) for s in conflicts)
                                                 if all(_story_of(a) for a in brief.articles) else "–"),  # fmt: skip
        "terminal lines": len(lines),
        "facts section lines": (after - facts_at) if facts_at is not None else 0,
        "seconds": round(seconds, 1),
    }


def _story_of(article) -> str | None:
    """The source story of an article of a pooled input: brief_scaling names each record
    "<cluster or collection id>-<number>" (None for an input of one story's files)."""
    story, _, number = (article.source_id or "").rpartition("-")
    # A Timeline17 collection is one outlet's coverage of a topic ("bpoil_bbc"): the story is the topic.
    return story.split("_")[0] if story and number.isdigit() else None


def _across_stories_only(brief, slot) -> bool:
    """Whether every pair of the slot's different values comes from two different source
    stories (Multi-News clusters, Timeline17 collections pooled into one input): such a
    conflict is certainly wrong, as no two stories report one fact. The one label-free
    check of a conflict's precision that pooled inputs allow."""
    stories: dict[str, set[str]] = {}
    for claim in slot.claims:
        stories.setdefault(claim.value, set()).add(_story_of(brief.article(claim.span.article_id)))
    values = list(stories)
    return not any(stories[a] & stories[b] for k, a in enumerate(values) for b in values[k + 1 :])


def _print_sample(brief, conflicts, count: int) -> None:
    def key(slot) -> str:
        content = "|".join(sorted(f"{c.value}:{brief.text(c.span)}" for c in slot.claims))
        return hashlib.sha1(f"{slot.subject}|{slot.attribute}|{content}".encode()).hexdigest()

    for slot in sorted(conflicts, key=key)[:count]:
        print(f"## {slot.subject or '(no subject)'} | {slot.attribute}")
        seen = set()
        for claim in slot.claims:
            if claim.value in seen:
                continue
            seen.add(claim.value)
            article = brief.article(claim.span.article_id)
            sentence = " ".join(brief.text(claim.context).split())[:160] if claim.context else ""
            print(f"   {claim.display!r} = {claim.value} ({article.published}): {sentence}")


def main(argv: list[str] | None = None) -> int:
    from brief_scaling import ROWS, report_stories

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", nargs="+", default=["flagship", "t17-100", "mn-100"], choices=list(ROWS))
    parser.add_argument("--show", type=int, default=0, help="print this many conflicts of each row to read")
    args = parser.parse_args(argv)

    def measured(row: str, path: Path) -> dict:
        if args.show:
            print(f"# {row}")
        return measure(path, args.show)

    return report_stories(args.rows, measured)


if __name__ == "__main__":
    sys.exit(main())
