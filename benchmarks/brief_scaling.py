"""How a brief's cost grows with the story: wall time, CPU time, peak memory and
each step's share, for stories of 5 to 300 articles, beside the floor and a peer.

Inputs (read from ../shared at run time; written as JSONL under a temporary folder):

- flagship: the five real Balenciaga articles (../shared/examples/balenciaga);
- Timeline17 long articles (about 1,600 words each): the collections of
  timeline17_dev.jsonl.gz in file order, each one's documents by date (then id),
  documents without text skipped, the first N (N = 25, 100, 300; the first
  collection has 273);
- normal-length news: the documents of multinews_dev200.jsonl.gz pooled in file
  order, the first N (N = 100, 300).

Every brief runs in a cold process (`corroborate brief FILE -f json --timings`):
wall time, CPU time (user + system of that process) and peak RSS come from
`os.wait4`, each step's share from the `--timings` table. Beside each brief:

- floor: a cold process that loads the models we ship and does once what no brief
  can do without: parse every article exactly as a brief parses it (nlp.parse_texts:
  spaCy's tok2vec, tagger, parser and NER, with the attribute ruler and lemmatizer
  done on arrays by spacy_rules since issue 12's parse round; in two processes above
  nlp.PARALLEL_PARSE_CHARS) and embed every sentence (MiniLM, or the static encoder
  distilled from it above nlp.MINILM_SENTENCE_BUDGET sentences, as a brief does),
  one after the other. Every stage that reads the parse (entities, claims, quotes)
  reads every sentence's tags, dependencies and names, so the whole text is parsed;
- peer: sumy's LexRank summary of the same sentences (corroborate's sentence
  splitter), stopped after --peer-timeout seconds.

On a shared machine compare CPU times; wall times need a quiet one. Even a quiet
machine's speed moves by a third within minutes (measured: the same brief 11.7 to
16.9 s), so `--repeat N` briefs each row N times and reports the median (and the
range), and `--against CHECKOUT` briefs the same inputs with another checkout's
corroborate (its own .venv), alternating with ours at every repetition: two codes
compared in the same minutes.

    .venv/bin/python benchmarks/brief_scaling.py                  # every row
    .venv/bin/python benchmarks/brief_scaling.py --rows t17-25 mn-100 --no-peer
    .venv/bin/python benchmarks/brief_scaling.py --rows mn-100 t17-100 --no-peer --no-floor --repeat 3 --against ../base
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TIMELINE17 = SHARED / "data" / "timeline17_dev.jsonl.gz"
MULTINEWS = SHARED / "data" / "multinews_dev200.jsonl.gz"
BALENCIAGA = SHARED / "examples" / "balenciaga"
ROWS = {
    "flagship": ("flagship (Balenciaga)", 5),
    "t17-25": ("Timeline17 long", 25),
    "t17-100": ("Timeline17 long", 100),
    "t17-300": ("Timeline17 long", 300),
    "mn-100": ("Multi-News pooled", 100),
    "mn-300": ("Multi-News pooled", 300),
    # Not timed by default: a story followed day by day (the BP oil spill's first 12 days
    # of June 2010 in Timeline17: share prices, barrels a day, tolls), read for its facts.
    "bp-june": ("Timeline17 BP oil spill, 1-12 June 2010", 125),
}
TIMED_ROWS = ["flagship", "t17-25", "t17-100", "t17-300", "mn-100", "mn-300"]


# --- inputs -----------------------------------------------------------------------


def _lines(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def timeline17_docs(count: int) -> list[dict]:
    out = []
    for collection in _lines(TIMELINE17):
        for doc in sorted(collection["docs"], key=lambda d: (d.get("date") or "", str(d["id"]))):
            if (doc.get("text") or "").strip():
                out.append({"id": f"{collection['collection_id']}-{doc['id']}", "date": doc.get("date"),
                            "source": doc.get("source"), "text": doc["text"]})  # fmt: skip
            if len(out) == count:
                return out
    return out


def timeline17_window(topic: str, first: str, last: str) -> list[dict]:
    """The docs of a Timeline17 topic published from `first` to `last` (ISO dates), by date."""
    out = []
    for collection in _lines(TIMELINE17):
        if collection["topic"] != topic:
            continue
        for doc in collection["docs"]:
            if first <= (doc.get("date") or "") <= last and (doc.get("text") or "").strip():
                out.append({"id": f"{collection['collection_id']}-{doc['id']}", "date": doc.get("date"),
                            "source": doc.get("source"), "text": doc["text"]})  # fmt: skip
    return sorted(out, key=lambda d: (d["date"], d["id"]))


def multinews_docs(count: int) -> list[dict]:
    out = []
    for cluster in _lines(MULTINEWS):
        for number, doc in enumerate(cluster["docs"]):
            if (doc.get("text") or "").strip():
                out.append({"id": f"{cluster['cluster_id']}-{number}", "title": doc.get("title"), "text": doc["text"]})
            if len(out) == count:
                return out
    return out


def story_input(row: str, folder: Path) -> Path:
    if row == "flagship":
        return BALENCIAGA
    if row == "bp-june":
        docs = timeline17_window("bpoil", "2010-06-01", "2010-06-12")
    else:
        kind, count = row.split("-")
        docs = timeline17_docs(int(count)) if kind == "t17" else multinews_docs(int(count))
    path = folder / f"{row}.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def each_story(rows, measure) -> list[tuple[str, dict]]:
    """(row, `measure(row, its input path)`) for each of `rows` whose input is there, in
    this process; a row whose data is absent is skipped with its reason on stderr."""
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for row in rows:
            try:
                path = story_input(row, Path(folder))
            except FileNotFoundError as missing:
                print(f"{row}: skipped ({missing})", file=sys.stderr)
                continue
            out.append((row, measure(row, path)))
    return out


def report_stories(rows, measure) -> int:
    """`each_story`, printed as one Markdown table after the checkout it measures; the exit
    status (1 when no row's input is there)."""
    import corroborate
    from quote_marks import print_rows

    print(f"corroborate from {Path(corroborate.__file__).parent}")
    measured = each_story(rows, measure)
    if not measured:
        return 1
    print_rows(measured, "row")
    return 0


# --- measured child processes ---------------------------------------------------------


def measured(command: list[str], timeout: float | None = None, cwd: Path | None = None) -> dict:
    """Run `command` in a fresh process: wall, CPU (user + system), peak RSS, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd or ROOT)
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return {"timeout": timeout}
            time.sleep(0.05)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024,
            "status": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def step_shares(stderr: str) -> dict[str, float]:
    """Step -> seconds of wall time, from the `--timings` table."""
    shares = {}
    lines = stderr.splitlines()
    if "step" not in [line.split()[0] for line in lines if line.split()]:
        return shares
    start = next(k for k, line in enumerate(lines) if line.split()[:1] == ["step"])
    for line in lines[start + 1 :]:
        parts = line.split()
        if not parts or parts[0] == "total":
            break
        shares[parts[0]] = float(parts[1])
    return shares


_FLOOR = """
import json, resource, sys, time
from corroborate.ingest import read_articles
from corroborate.brief import start_brief
from corroborate.sentences import split_sentences
from corroborate import nlp
articles, _ = read_articles([sys.argv[1]])
brief = split_sentences(start_brief(articles), None)
texts = [brief.text(s.span) for s in brief.sentences]
nlp.spacy_model(); nlp.sentence_encoder(threads=1); nlp.embed(["warm up"])
out = {"words": sum(a.word_count for a in articles), "sentences": len(texts)}
encoder = nlp.encoder_for(len(texts))
nlp.embed(["warm up"], encoder)
def cpu():  # this process and its finished children (large stories parse in two processes)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
for name, work in (("parse", lambda: nlp.parse_texts([a.text for a in articles])), ("embed", lambda: nlp.embed(texts, encoder))):
    wall, start = time.perf_counter(), cpu()
    work()
    out[name] = [time.perf_counter() - wall, cpu() - start]
print(json.dumps(out))
"""

_PEER = """
import sys, time
sys.path.insert(0, "benchmarks")
from summary_harness import CorroborateTokenizer
from corroborate.ingest import read_articles
from corroborate.brief import start_brief
from corroborate.sentences import split_sentences
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words
articles, _ = read_articles([sys.argv[1]])
brief = split_sentences(start_brief(articles), None)
tokenizer = CorroborateTokenizer()
paragraphs = [Paragraph([Sentence(brief.text(s.span), tokenizer) for s in brief.sentences_of(a.id)]) for a in articles]
summarizer = LexRankSummarizer(Stemmer("english"))
summarizer.stop_words = get_stop_words("english")
print(len(summarizer(ObjectDocumentModel([p for p in paragraphs if p.sentences]), 5)))
"""


def corroborate_command(checkout: Path | None = None) -> list[str]:
    """Our corroborate, or that of `checkout` (run by its own .venv's Python)."""
    python = sys.executable if checkout is None else str(checkout / ".venv" / "bin" / "python")
    return [python, "-m", "corroborate"]


def brief_once(row: str, path: Path, folder: Path, checkout: Path | None = None) -> dict:
    """One cold `corroborate brief` of the row's input: wall, CPU, peak RSS, step shares."""
    out = folder / f"{row}-{'ours' if checkout is None else 'against'}.json"
    brief = measured([*corroborate_command(checkout), "brief", str(path), "-f", "json", "-o", str(out), "--timings"],
                     cwd=checkout)  # fmt: skip
    if brief["status"] != 0:
        raise SystemExit(f"{row}: corroborate brief ({checkout or 'ours'}) failed:\n{brief['stderr'][-2000:]}")
    return {"wall": brief["wall"], "cpu": brief["cpu"], "rss_mb": brief["rss_mb"], "steps": step_shares(brief["stderr"])}


def median_of(runs: list[dict]) -> dict:
    """The median run's figures (by wall time; the lower middle of an even count), with
    every run's wall time."""
    middle = sorted(runs, key=lambda run: run["wall"])[(len(runs) - 1) // 2]
    return {**middle, "walls": [run["wall"] for run in runs]}


def run_row(row: str, folder: Path, floor: bool, peer: bool, peer_timeout: float, repeat: int = 1,
            against: Path | None = None) -> tuple[dict, dict | None]:  # fmt: skip
    """The row's figures for our code, and for `against`'s (None without it): `repeat`
    briefs each, alternating ours and theirs; then the floor and the peer, once."""
    path = story_input(row, folder)
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(brief_once(row, path, folder))
        if against is not None:
            theirs.append(brief_once(row, path, folder, against))
    result = {"row": row, **median_of(ours)}
    if floor:
        measured_floor = measured([sys.executable, "-c", _FLOOR, str(path)])
        found = json.loads(measured_floor["stdout"].strip().splitlines()[-1])
        result.update(words=found["words"], sentences=found["sentences"], parse=found["parse"], embed=found["embed"],
                      floor_wall=measured_floor["wall"], floor_cpu=measured_floor["cpu"])  # fmt: skip
    if peer:
        measured_peer = measured([sys.executable, "-c", _PEER, str(path)], timeout=peer_timeout)
        result["peer_wall"] = measured_peer.get("wall")
        result["peer_timeout"] = measured_peer.get("timeout")
    return result, ({"row": row, "code": str(against), **median_of(theirs)} if against is not None else None)


def shares_text(steps: dict[str, float], top: int = 4) -> str:
    total = sum(steps.values()) or 1.0
    ranked = sorted(steps.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"{name} {seconds / total:.0%}" for name, seconds in ranked)


def print_table(results: list[dict]) -> None:
    header = ("| input | N | code | words | sentences | wall s | CPU s | peak RSS MB | largest steps (share of wall) | "
              "floor: parse + embed, wall s (CPU s) | LexRank (sumy) wall s |")  # fmt: skip
    print(header)
    print("|---|--:|---|--:|--:|--:|--:|--:|---|---|--:|")
    for r in results:
        label, count = ROWS[r["row"]]
        if "parse" in r:
            floor = (f"{r['parse'][0]:.1f} + {r['embed'][0]:.1f} = {r['parse'][0] + r['embed'][0]:.1f} "
                     f"({r['parse'][1] + r['embed'][1]:.1f})")  # fmt: skip
        else:
            floor = "–"
        if r.get("peer_timeout"):
            peer = f"> {r['peer_timeout']:.0f}"
        elif r.get("peer_wall") is not None:
            peer = f"{r['peer_wall']:.1f}"
        else:
            peer = "–"
        walls = r.get("walls", [r["wall"]])
        wall = f"{r['wall']:.1f}" + (f" ({min(walls):.1f}-{max(walls):.1f}, {len(walls)} runs)" if len(walls) > 1 else "")
        print(f"| {label} | {count} | {r.get('code', 'this tree')} | {r.get('words', '–')} | {r.get('sentences', '–')} | "
              f"{wall} | {r['cpu']:.1f} | {r['rss_mb']:.0f} | {shares_text(r['steps'])} | {floor} | {peer} |")  # fmt: skip
    for code in dict.fromkeys(r.get("code", "this tree") for r in results):
        by_row = {r["row"]: r for r in results if r.get("code", "this tree") == code}
        for small, large in (("t17-100", "t17-300"), ("mn-100", "mn-300")):
            if small in by_row and large in by_row:
                a, b = by_row[small], by_row[large]
                print(f"\n{large} / {small} ({code}): wall x{b['wall'] / a['wall']:.2f}, CPU x{b['cpu'] / a['cpu']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", choices=list(ROWS), default=TIMED_ROWS)
    parser.add_argument("--no-floor", action="store_true", help="Skip the floor (parse + embed) runs.")
    parser.add_argument("--no-peer", action="store_true", help="Skip the sumy LexRank runs.")
    parser.add_argument("--peer-timeout", type=float, default=600.0, help="Stop a LexRank run after this many seconds.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the raw figures here.")
    parser.add_argument("--repeat", type=int, default=1, help="Brief each row this many times; report the median.")
    parser.add_argument("--against", type=Path, default=None,
                        help="Another checkout (with its own .venv) to brief the same inputs, alternating with ours.")  # fmt: skip
    args = parser.parse_args()
    if args.against is not None and not (args.against / ".venv" / "bin" / "python").exists():
        raise SystemExit(f"--against {args.against}: no .venv/bin/python there (run `make install` in it)")
    if not TIMELINE17.exists() or not MULTINEWS.exists() or not BALENCIAGA.exists():
        raise SystemExit(f"needs the shared data ({SHARED}): not found")
    results = []
    with tempfile.TemporaryDirectory(prefix="brief_scaling_") as folder:
        for row in args.rows:
            ours, theirs = run_row(row, Path(folder), not args.no_floor, not args.no_peer, args.peer_timeout,
                                   max(1, args.repeat), args.against)  # fmt: skip
            for result in (ours, theirs) if theirs is not None else (ours,):
                results.append(result)
                print(f"{row} ({result.get('code', 'this tree')}): {result['wall']:.1f} s wall (median), "
                      f"{result['cpu']:.1f} s CPU", file=sys.stderr, flush=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print_table(results)


if __name__ == "__main__":
    main()
