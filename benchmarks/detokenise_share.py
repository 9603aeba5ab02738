"""How tokenised text is told from written text, and how well it is read back.

For each corpus of written news under ../shared (read at run time, skipped when
absent) prints the distribution over its documents of the share of punctuation
marks that stand alone between spaces (`corroborate.detokenise.spaced_marks`, in a
document's first 20,000 characters), which is near 1
in Penn Treebank tokenised text; then the same for Multi-News dev documents
tokenised with NLTK's Treebank tokenizer (`summary_harness.as_tokenised`), and how
many of those, cleaned by corroborate, come back as the cleaned written text
(identical, or identical but for spacing).

    .venv/bin/python benchmarks/detokenise_share.py
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
sys.path.insert(0, str(HERE))


def _jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def corpora() -> dict[str, list[str]]:
    data = SHARED / "data"
    found: dict[str, list[str]] = {}
    sources = {
        "Multi-News dev documents": ("multinews_dev200.jsonl.gz", lambda r: [d.get("text") or "" for d in r["docs"]]),
        "Multi-News dev references": ("multinews_dev200.jsonl.gz", lambda r: r["references"]),
        "Timeline17 dev documents": ("timeline17_dev.jsonl.gz", lambda r: [d.get("text") or "" for d in r["docs"]]),
        "ECB+ dev": ("ecbplus_dev.jsonl.gz", lambda r: [r.get("text") or ""]),
        "PolNeAR train + dev": ("polnear_train.jsonl.gz", lambda r: [r.get("text") or ""]),
        "MSRP dev sentences": ("msrp_dev.jsonl.gz", lambda r: [r.get("text1") or "", r.get("text2") or ""]),
    }
    for name, (file, texts) in sources.items():
        path = data / file
        if path.exists():
            found[name] = [t for record in _jsonl(path) for t in texts(record)]
    if "PolNeAR train + dev" in found and (data / "polnear_dev.jsonl.gz").exists():
        found["PolNeAR train + dev"] += [r.get("text") or "" for r in _jsonl(data / "polnear_dev.jsonl.gz")]
    pages = data / "article_extraction" / "pages.jsonl"
    if pages.exists():
        found["HTML extraction gold bodies"] = [r.get("article_body") or "" for r in _jsonl(pages)]
    example = SHARED / "examples" / "balenciaga"
    if example.is_dir():
        found["Balenciaga example"] = [p.read_text(errors="replace") for p in sorted(example.iterdir()) if p.is_file()]
    return found


def shares(texts: list[str]) -> list[float]:
    from corroborate.detokenise import spaced_marks

    out = []
    for text in texts:
        spaced, marks = spaced_marks(text)
        if marks:
            out.append(spaced / marks)
    return sorted(out)


def row(name: str, texts: list[str]) -> str:
    from corroborate.detokenise import is_tokenised

    values = shares(texts)
    if not values:
        return f"| {name} | 0 | | | | | |"

    def at(q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))]

    tokenised = sum(is_tokenised(t) for t in texts)
    return (f"| {name} | {len(texts):,} | {values[0]:.3f} | {at(0.5):.3f} | {at(0.99):.3f} | {values[-1]:.3f} "
            f"| {tokenised} |")  # fmt: skip


def main() -> int:
    found = corpora()
    if not found:
        print(f"skipped: no corpora under {SHARED} (the shared evaluation data is not beside this checkout)")
        return 0
    from corroborate.ingest import read_articles
    from corroborate.model import RawArticle
    from summary_harness import as_tokenised

    print("| texts | count | min share | median | 99th percentile | max | read as tokenised |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, texts in found.items():
        print(row(name, texts))
    if "Multi-News dev documents" not in found:
        return 0
    written = [t for t in found["Multi-News dev documents"] if t.strip()]
    tokenised = [as_tokenised({"docs": [{"text": t}]})["docs"][0]["text"] for t in written]
    print(row("Multi-News dev documents, Treebank-tokenised", tokenised))
    identical = spacing = 0
    for plain, tokens in zip(written, tokenised):
        (before,), (after,) = (read_articles([RawArticle(origin="x", text=t)])[0] or [None] for t in (plain, tokens))
        if before is None or after is None:
            continue
        if after.text == before.text:
            identical += 1
        elif re.sub(r"\s+", "", after.text) == re.sub(r"\s+", "", before.text):
            spacing += 1
    print(f"\nMulti-News dev documents tokenised, then cleaned: {identical} of {len(written)} read back as the cleaned "
          f"written text exactly, {spacing} more but for spaces, {len(written) - identical - spacing} otherwise")  # fmt: skip
    compare_with_nltk(written, tokenised)
    return 0


def compare_with_nltk(written: list[str], tokenised: list[str]) -> None:
    """Our detokeniser against NLTK's TreebankWordDetokenizer, paragraph by paragraph:
    how often each gives the written paragraph back, and how often they agree."""
    from nltk.tokenize.treebank import TreebankWordDetokenizer

    from corroborate.detokenise import detokenise

    nltk = TreebankWordDetokenizer()
    paragraphs = agree = ours_back = nltk_back = documents_agreeing = 0
    for plain, tokens in zip(written, tokenised):
        lines = [" ".join(p.split()) for p in plain.split("\n") if p.strip()]
        all_agree = True
        for line, token_line in zip(lines, tokens.split("\n")):
            ours, theirs = detokenise(token_line), nltk.detokenize(token_line.split())
            paragraphs += 1
            agree += ours == theirs
            all_agree &= ours == theirs
            ours_back += ours == line
            nltk_back += theirs == line
        documents_agreeing += all_agree
    print(f"\nParagraphs of the tokenised documents ({paragraphs:,}): the written paragraph given back by ours "
          f"{ours_back:,}, by NLTK's TreebankWordDetokenizer {nltk_back:,}; the two agree on {agree:,} paragraphs, "
          f"on every paragraph of {documents_agreeing} of {len(written)} documents")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
