"""Multi-document summarisation harness: our summariser against baselines, same run.

Reads any JSONL (optionally gzipped) of
`{cluster_id, docs: [{id, title, text, date, source}], references: [str, ...]}`,
builds each cluster's articles through corroborate's own reading and cleaning
(so the pipeline sees what a user would give it, boilerplate included), and
scores, side by side on the same sentences:

- corroborate: `corroborate.summarize` (the brief's summary stage);
- lead: the first sentences of the earliest article;
- round-robin lead: the first sentence of each article in turn, then the second...;
- sumy LexRank and TextRank (the real `sumy` package, given our sentence splitter
  because NLTK's punkt data cannot be downloaded here);
- TF-IDF centroid: sentences closest to the cluster's TF-IDF centroid, skipping
  near-repeats.

ROUGE-1, ROUGE-2 and ROUGE-Lsum come from Google's `rouge-score` with Porter
stemming (Lsum on newline-separated sentences); F-measure and recall are printed
and, with --out, written as a Markdown table. Baselines are cut at exactly the
word budget (the usual convention); our summary is whole sentences within it.

    .venv/bin/python benchmarks/summary_harness.py ../shared/data/multinews_dev200.jsonl.gz --words 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corroborate.brief import analyse, start_brief
from corroborate.config import BriefOptions
from corroborate.ingest import read_articles
from corroborate.model import Brief, RawArticle

SYSTEMS = ("corroborate", "lead", "round-robin lead", "LexRank (sumy)", "TextRank (sumy)", "TF-IDF centroid")
METRICS = ("rouge1", "rouge2", "rougeLsum")


# --- input ------------------------------------------------------------------


def read_clusters(path: Path, limit: int | None = None, offset: int = 0) -> Iterator[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        count = 0
        records = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            records += 1
            if records <= offset:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON ({error.msg})") from None
            if not isinstance(record.get("docs"), list) or not isinstance(record.get("references"), list):
                raise SystemExit(f"{path}:{number}: a record needs 'docs' and 'references' lists")
            yield record
            count += 1
            if limit and count >= limit:
                return


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def cluster_brief(record: dict, stages: tuple[str, ...] | None) -> Brief:
    raws = [
        RawArticle(
            origin=f"{record.get('cluster_id', '?')}#{doc.get('id', index)}",
            text=doc.get("text") or "",
            title=doc.get("title") or None,
            outlet=doc.get("source") or None,
            published=_date(doc.get("date")),
            source_id=str(doc.get("id", index)),
        )
        for index, doc in enumerate(record["docs"])
    ]
    articles, problems = read_articles(raws)
    brief = start_brief(articles, problems)
    # Only the sentence split here; the summary stage runs (and is timed) by itself.
    wanted = tuple(name for name in (stages or ()) if name != "summary") or ("sentences",)
    return analyse(brief, BriefOptions(stages=wanted))


# --- systems ------------------------------------------------------------------


def _article_order(brief: Brief) -> list[str]:
    """Article ids, earliest first (undated articles keep input order, after dated ones)."""
    order = {a.id: i for i, a in enumerate(brief.articles)}
    far = dt.date.max
    return [a.id for a in sorted(brief.articles, key=lambda a: (a.published or far, order[a.id]))]


def _sentences_by_article(brief: Brief) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {a.id: [] for a in brief.articles}
    for sentence in brief.sentences:
        out[sentence.span.article_id].append(brief.text(sentence.span))
    return out


def lead(brief: Brief, words: int) -> list[str]:
    ordered = _article_order(brief)
    return _sentences_by_article(brief)[ordered[0]] if ordered else []


def round_robin_lead(brief: Brief, words: int) -> list[str]:
    by_article = _sentences_by_article(brief)
    columns = [by_article[a] for a in _article_order(brief)]
    out: list[str] = []
    for depth in range(max((len(c) for c in columns), default=0)):
        out.extend(column[depth] for column in columns if depth < len(column))
    return out


class CorroborateTokenizer:
    """A sumy tokenizer that splits sentences with corroborate's splitter (sentencex
    plus news fixes) instead of NLTK punkt, whose data cannot be downloaded here."""

    _WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*", re.UNICODE)

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from corroborate.sentences import _split_paragraph

        return tuple(paragraph[start:end].strip() for start, end in _split_paragraph(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._WORD.findall(sentence))


def _lexrank(brief: Brief, words: int) -> list[str]:
    from sumy.summarizers.lex_rank import LexRankSummarizer

    return _sumy_ranked(brief, LexRankSummarizer)


def _textrank(brief: Brief, words: int) -> list[str]:
    from sumy.summarizers.text_rank import TextRankSummarizer

    return _sumy_ranked(brief, TextRankSummarizer)


def _sumy_ranked(brief: Brief, summarizer_class) -> list[str]:
    """All sentences, best first, as sumy rates them (then cut at the budget;
    sumy's own `sentences_count` cannot express a word budget)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.utils import get_stop_words

    tokenizer = CorroborateTokenizer()
    paragraphs = [
        Paragraph([Sentence(text, tokenizer) for text in texts])
        for texts in _sentences_by_article(brief).values()
        if texts
    ]
    document = ObjectDocumentModel(paragraphs)
    summarizer = summarizer_class(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    sentences = document.sentences
    if not sentences:
        return []
    ranked: list[str] = []

    def keep_ranking(candidates, count, rating, *args, **kwargs):
        # sumy's own choice keeps the top `count` in document order; we want them
        # best first, to cut at the word budget like every other system.
        rate = rating if callable(rating) else rating.__getitem__
        scored = [(rate(s, *args, **kwargs), -order, s) for order, s in enumerate(candidates)]
        ranked.extend(str(s) for _, _, s in sorted(scored, key=lambda t: t[:2], reverse=True))
        return ()

    summarizer._get_best_sentences = keep_ranking
    summarizer(document, len(sentences))
    return ranked


def tfidf_centroid(brief: Brief, words: int) -> list[str]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [brief.text(s.span) for s in brief.sentences]
    if not texts:
        return []
    try:
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:  # nothing but stop words
        return texts
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    scores = matrix @ centroid
    out: list[str] = []
    chosen = []
    total = 0
    for index in np.argsort(-scores, kind="stable"):
        vector = matrix[index]
        if chosen and max(float((vector @ matrix[c].T).toarray()[0, 0]) for c in chosen) > 0.6:
            continue
        chosen.append(index)
        out.append(texts[index])
        total += len(texts[index].split())
        if total >= words:
            break
    return out


def ours(brief: Brief, words: int) -> list[str]:
    from corroborate.summarize import summarize

    result = summarize(brief, BriefOptions(summary_words=words))
    return [result.text(s.span) for s in result.summary]


SYSTEM_FUNCTIONS: dict[str, Callable[[Brief, int], list[str]]] = {
    "corroborate": ours,
    "lead": lead,
    "round-robin lead": round_robin_lead,
    "LexRank (sumy)": _lexrank,
    "TextRank (sumy)": _textrank,
    "TF-IDF centroid": tfidf_centroid,
}


def cut(sentences: list[str], words: int) -> list[str]:
    """The first `words` words of the sentences, keeping sentence breaks."""
    out: list[str] = []
    left = words
    for sentence in sentences:
        tokens = sentence.split()
        if left <= 0:
            break
        out.append(" ".join(tokens[:left]))
        left -= len(tokens)
    return out


# --- scoring ------------------------------------------------------------------


@dataclass
class ClusterResult:
    cluster_id: str
    scores: dict[str, dict[str, tuple[float, float]]]  # system -> metric -> (F, recall)
    seconds: dict[str, float]
    words: dict[str, int]


_scorer = None


def _rouge():
    global _scorer
    if _scorer is None:
        from rouge_score import rouge_scorer

        _scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    return _scorer


def score_cluster(record: dict, words: int, systems: tuple[str, ...], stages: tuple[str, ...] | None) -> ClusterResult:
    brief = cluster_brief(record, stages)
    references = [r for r in record["references"] if r and r.strip()]
    scores: dict[str, dict[str, tuple[float, float]]] = {}
    seconds: dict[str, float] = {}
    lengths: dict[str, int] = {}
    for name in systems:
        started = time.perf_counter()
        sentences = SYSTEM_FUNCTIONS[name](brief, words)
        seconds[name] = time.perf_counter() - started
        sentences = cut(sentences, words)
        lengths[name] = sum(len(s.split()) for s in sentences)
        prediction = "\n".join(sentences)
        best: dict[str, tuple[float, float]] = {}
        for reference in references:
            # Lsum needs one sentence per line in the reference too.
            from corroborate.sentences import _split_paragraph

            reference_lines = "\n".join(reference[a:b] for a, b in _split_paragraph(" ".join(reference.split())))
            result = _rouge().score(reference_lines, prediction)
            for metric in METRICS:
                pair = (result[metric].fmeasure, result[metric].recall)
                if metric not in best or pair > best[metric]:
                    best[metric] = pair
        scores[name] = best
    return ClusterResult(str(record.get("cluster_id")), scores, seconds, lengths)


def _score_args(args):
    return score_cluster(*args)


def table(results: list[ClusterResult], systems: tuple[str, ...], words: int) -> str:
    header = "| system | R-1 F | R-2 F | R-Lsum F | R-1 R | R-2 R | R-Lsum R | words | s/cluster |"
    lines = [header, "|" + "---|" * 9]
    count = len(results) or 1
    for name in systems:
        means = {
            metric: [100 * sum(r.scores[name][metric][k] for r in results) / count for k in (0, 1)]
            for metric in METRICS
        }
        mean_words = sum(r.words[name] for r in results) / count
        mean_seconds = sum(r.seconds[name] for r in results) / count
        lines.append(
            f"| {name} | {means['rouge1'][0]:.2f} | {means['rouge2'][0]:.2f} | {means['rougeLsum'][0]:.2f} "
            f"| {means['rouge1'][1]:.2f} | {means['rouge2'][1]:.2f} | {means['rougeLsum'][1]:.2f} "
            f"| {mean_words:.0f} | {mean_seconds:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="JSONL(.gz) of {cluster_id, docs, references}")
    parser.add_argument("--words", type=int, default=300, help="word budget of every summary (default 300)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N clusters")
    parser.add_argument("--offset", type=int, default=0, help="skip the first N clusters")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems to run")
    parser.add_argument(
        "--stages",
        default="sentences",
        help="analysis stages to run before the summary (comma-separated; e.g. add relations,quotes)",
    )
    parser.add_argument(
        "--split",
        type=int,
        default=None,
        help="also print separate tables for the first N clusters read and the rest (e.g. tuning vs held-out)",
    )
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data}: no such file", file=sys.stderr)
        return 2
    systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
    unknown = [s for s in systems if s not in SYSTEM_FUNCTIONS]
    if unknown:
        print(f"unknown system(s): {', '.join(unknown)} (known: {', '.join(SYSTEMS)})", file=sys.stderr)
        return 2
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    records = list(read_clusters(args.data, args.limit, args.offset))
    started, cpu_started = time.perf_counter(), time.process_time()
    jobs = [(record, args.words, systems, stages) for record in records]
    if args.jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(_score_args, jobs, chunksize=1)
    else:
        results = [_score_args(job) for job in jobs]
    elapsed = time.perf_counter() - started
    # CPU seconds of this process (all threads), less sensitive than wall time to
    # other work on a shared machine; with --jobs the workers' time is not in it.
    cpu = time.process_time() - cpu_started
    text = table(results, systems, args.words)
    caption = (
        f"{args.data.name}, {len(results)} clusters from #{args.offset}, {args.words} words, ROUGE (rouge-score, Porter stemming) x100; "
        f"{elapsed:.0f} s wall, {cpu:.0f} s CPU, {args.jobs} job(s)"
    )
    print(caption)
    print(text)
    parts = [caption, "", text]
    if args.split is not None and 0 < args.split < len(results):
        for label, part in (
            (f"clusters #{args.offset}-#{args.offset + args.split - 1}", results[: args.split]),
            (f"clusters #{args.offset + args.split}-#{args.offset + len(results) - 1}", results[args.split :]),
        ):
            block = f"{label} ({len(part)} clusters):\n{table(part, systems, args.words)}"
            print("\n" + block)
            parts += ["", block]
    if args.out:
        args.out.write_text("\n".join(parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
