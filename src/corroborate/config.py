"""One configuration tree with documented defaults.

The CLI builds a `BriefOptions` from its flags and passes it to the same
library call a Python user makes; every setting is documented here once
(`corroborate settings` prints this table, and a test fails when a field has
no help text).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def setting(default, help: str):  # noqa: A002 - mirrors datasette's Setting(name, default, help)
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class BriefOptions:
    summary_words: int = setting(120, "Word budget of the brief's summary.")
    reference_date: str | None = setting(
        None, "Date (YYYY-MM-DD) to resolve relative dates against when an article has no published date."
    )
    stages: tuple[str, ...] | None = setting(
        None, "Run only these analysis stages (names as in corroborate.brief.STAGES); default all."
    )
    seed: int = setting(0, "Seed for any randomised step, so runs are repeatable.")
    max_article_chars: int = setting(
        100_000,
        "Analyse at most this many characters of each article (cut at a paragraph break, and said so): "
        "the longest of 3,683 real articles in the evaluation sets has 78,309; a book-length text would take minutes and gigabytes.",
    )


def documented_settings(options_class=BriefOptions) -> list[tuple[str, object, str]]:
    return [(f.name, f.default, f.metadata.get("help", "")) for f in fields(options_class)]
