"""How often bytes come back as exactly the text that was written: our decoder
(ingest/decode.py) against simpler ways of reading a file.

Real news text (the Multi-News dev documents and the five real articles in
../shared/examples, read at run time) is written out the ways scraped files
arrive: UTF-8, cp1252, latin-1, double-encoded UTF-8 ("donâ€™t" mojibake), and
UTF-8 with one paragraph pasted in cp1252. Only documents with at least one
non-ASCII character are used (ASCII reads the same every way), and not those
that were scraped with mojibake already in them (no exact reading exists). A variant a text
cannot be written in (latin-1 has no curly quotes) is skipped for that text.

Decoders compared:
- utf8-replace: `bytes.decode("utf-8", errors="replace")` (the project's first skeleton);
- charset-normalizer: its best guess over all encodings, as the library suggests;
- cn + ftfy defaults: that, then `ftfy.fix_text` with its defaults (straightens quotes);
- corroborate: `ingest.decode.decode`.

    .venv/bin/python benchmarks/ingest_encodings.py [--docs N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def corpus(limit: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "examples" / "balenciaga").glob("*.txt"))]
    with gzip.open(SHARED / "data" / "multinews_dev200.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            texts += [doc["text"] for doc in json.loads(line)["docs"]]
    texts = [unicodedata.normalize("NFC", t).replace("\r\n", "\n") for t in texts if t.strip() and not t.isascii()]
    return texts[:limit]


def already_dirty(texts: list[str]) -> list[str]:
    """Documents that were scraped with mojibake or C1 controls already in them: no
    exact reading exists, so they are counted apart (ftfy changes them, rightly)."""
    from corroborate.ingest.decode import repair

    return [t for t in texts if unicodedata.normalize("NFC", repair(t)) != t]


def _mixed(text: str) -> bytes | None:
    paragraphs = text.split("\n")
    for index, paragraph in enumerate(paragraphs):
        if not paragraph.isascii():
            try:
                pasted = paragraph.encode("cp1252")
            except UnicodeEncodeError:
                return None
            before = "\n".join(paragraphs[:index] + [""]) if index else ""
            after = "\n".join([""] + paragraphs[index + 1 :])
            return before.encode("utf-8") + pasted + after.encode("utf-8")
    return None


VARIANTS: dict[str, Callable[[str], bytes | None]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "cp1252": lambda t: t.encode("cp1252"),
    "latin-1": lambda t: t.encode("latin-1"),
    # As Windows software makes it: UTF-8 bytes read as cp1252, the five bytes cp1252
    # leaves undefined kept as C1 controls ("â€\x9d" for ”), then saved as UTF-8.
    "mojibake": lambda t: t.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8"),
    "mixed": _mixed,
}


def _charset_normalizer(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else ""


def _cn_ftfy(data: bytes) -> str:
    import ftfy

    return ftfy.fix_text(_charset_normalizer(data))


def _ours(data: bytes) -> str:
    from corroborate.ingest.decode import UnreadableInput, decode

    try:
        return decode(data)
    except UnreadableInput:
        return ""


DECODERS: dict[str, Callable[[bytes], str]] = {
    "utf8-replace": lambda data: data.decode("utf-8", errors="replace"),
    "charset-normalizer": _charset_normalizer,
    "cn + ftfy defaults": _cn_ftfy,
    "corroborate": _ours,
}


def written(texts: list[str]) -> dict[str, list[tuple[str, bytes]]]:
    """Per way of writing: (text, bytes) for every text that can be written that way
    and whose bytes are not simply its UTF-8 (the utf-8 variant keeps all)."""
    import ftfy.bad_codecs  # noqa: F401 - registers the sloppy-windows-1252 codec

    cases: dict[str, list[tuple[str, bytes]]] = {}
    for name, write in VARIANTS.items():
        cases[name] = []
        for text in texts:
            try:
                data = write(text)
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if data is not None and (name == "utf-8" or data.decode("utf-8", errors="replace") != text):
                cases[name].append((text, data))
    return cases


def exact_rates(cases: dict[str, list[tuple[str, bytes]]], decoder: Callable[[bytes], str]) -> dict[str, float]:
    """Share of each variant's texts that `decoder` reads back exactly (after NFC);
    variants no text could be written in are left out."""
    return {
        name: sum(unicodedata.normalize("NFC", decoder(data)).replace("\r\n", "\n") == text for text, data in pairs)
        / len(pairs)
        for name, pairs in cases.items()
        if pairs
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400, help="how many non-ASCII documents to use")
    args = parser.parse_args()
    if not (SHARED / "data").exists():
        print(f"skipped: {SHARED / 'data'} is absent (real data is beside the project in CI)")
        return 0
    texts = corpus(args.docs)
    dirty = already_dirty(texts)
    texts = [t for t in texts if t not in dirty]
    cases = written(texts)
    print(
        f"{len(texts)} non-ASCII news documents ({len(dirty)} more already held mojibake and are left out);"
        " share read back exactly (NFC), per way of writing them\n"
    )
    columns = [f"{name} (n={len(cases[name])})" for name in VARIANTS]
    print(f"| {'decoder':<20} | " + " | ".join(columns) + " | ms/doc |")
    print(f"|{'-' * 22}|" + "|".join("-" * (len(column) + 2) for column in columns) + "|--------|")
    for decoder_name, decoder in DECODERS.items():
        started = time.perf_counter()
        rates = exact_rates(cases, decoder)
        per_doc = (time.perf_counter() - started) * 1000 / max(1, sum(len(pairs) for pairs in cases.values()))
        cells = [(f"{rates[name]:.3f}" if name in rates else "n/a").ljust(len(column)) for name, column in zip(VARIANTS, columns)]
        print(f"| {decoder_name:<20} | " + " | ".join(cells) + f" | {per_doc:6.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
