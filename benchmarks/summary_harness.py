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

- concept ILP with df weights (ICSISumm-style): Gillick & Favre's concept coverage with
  a concept's weight = the number of independent sources printing it, and nothing
  else (our ILP and sentence filters with every position, agreement and per-sentence
  term switched off): the method our summariser builds on, as a reference.

ROUGE-1, ROUGE-2 and ROUGE-Lsum come from Google's `rouge-score` with Porter
stemming (Lsum on newline-separated sentences); F-measure and recall are printed
and, with --out, written as a Markdown table. Baselines are cut at exactly the
word budget (the usual convention); our summary is whole sentences within it.

`--duc` is the DUC-style setting (DUC 2004 task 2: 100 words, wire articles, no
titles): titles and dates are dropped from the input, every system's output is cut
at its first 100 words and scored by ROUGE-2 *recall*, as DUC scores; our summary
then runs one sentence past the budget (`summary_sentences(overflow=True)`) so that
it fills the budget like the baselines, which are ranked lists cut at 100 words.

Several references per cluster (DUC has four) are all scored: pooled as ROUGE-1.5.5
does by default (`-f A`: the summary's n-grams found in each reference, summed over
the references, over the references' n-grams summed); `--references best` takes the
best-matching reference alone instead. `--wire` rewrites every document as old wire
copy (a dateline on the lead, lines broken at 72 columns, paragraphs indented) to
check that such input reads as the plain text does; `--tokenised` rewrites it as
Penn Treebank tokens (as ECB+ and many releases of DUC and TAC ship news),
`--ptb-quotes` writes its double quotes as `` and '' (as the TDT and DUC copies of
AP and NYT stories do), `--ap-dashes` its dashes as " _ " (as AP's copy in them does)
and `--flat` removes its paragraph breaks, for the same check.

A DUC-like set, one JSON object per line, documents as plain text (datelines and
hard line breaks are fine; titles, dates and outlets may be absent):

    {"cluster_id": "d30001t", "docs": [{"id": "APW19981016.0240", "text": "PHNOM PENH, Cambodia (AP) _ ..."}, ...],
     "references": ["first human summary ...", "second ...", "third ...", "fourth ..."]}

is scored DUC-style with

    .venv/bin/python benchmarks/summary_harness.py DUC_LIKE.jsonl --duc --cache /tmp/summary-embeddings.pkl

(read the R-2 R column; add `--jobs 2` on two free cores).

`--protocol` adds the tuning protocol of CONTRIBUTING.md: clusters in 5 folds (by
cluster id), the mean and spread of every system over the held-out folds, ours with
its setting chosen on the training folds among `--settings` (the shipped constants
first; a setting is a name of SETTINGS or `field=value&field=value` of
`corroborate.summarize.Tuning` at the budget), and the margin over the best baseline.

    .venv/bin/python benchmarks/summary_harness.py ../shared/data/multinews_dev200.jsonl.gz --words 300
    .venv/bin/python benchmarks/summary_harness.py ../shared/data/multinews_dev200.jsonl.gz --words 100 --protocol
    .venv/bin/python benchmarks/summary_harness.py ../shared/data/multinews_dev200.jsonl.gz --duc --protocol
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

SYSTEMS = (
    "corroborate",
    "lead",
    "round-robin lead",
    "LexRank (sumy)",
    "TextRank (sumy)",
    "TF-IDF centroid",
    "concept ILP with df weights (ICSISumm-style)",
)
BASELINES = SYSTEMS[1:]
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


def cluster_brief(record: dict, stages: tuple[str, ...] | None, duc: bool = False) -> Brief:
    """The cluster's articles read and cleaned by corroborate, sentences split (and
    `stages` run). `duc`: titles and dates dropped, as DUC's wire input has none."""
    raws = [
        RawArticle(
            origin=f"{record.get('cluster_id', '?')}#{doc.get('id', index)}",
            text=doc.get("text") or "",
            title=None if duc else doc.get("title") or None,
            outlet=doc.get("source") or None,
            published=None if duc else _date(doc.get("date")),
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


# Set by --duc: our summary runs one sentence past the budget (the first `words`
# words are scored), like the baselines' ranked lists.
FILL_BUDGET = False


def ours(brief: Brief, words: int, tuning=None) -> list[str]:
    from corroborate.summarize import TUNING, summary_sentences

    if not brief.sentences:
        return []
    chosen = summary_sentences(brief, words, tuning or TUNING, overflow=FILL_BUDGET)
    return [brief.text(s.span) for s in chosen]


def icsisumm_tuning():
    """Concept coverage with document-frequency weights only (Gillick & Favre 2009):
    every position, agreement, centrality and off-topic term of ours switched off."""
    from dataclasses import replace

    from corroborate.summarize import TUNING

    return replace(
        TUNING, lead_weight=0.0, agreement_power=1.0, tfidf_weight=0.0,
        off_topic_cosine=-1.0, on_topic_cosine=0.0, fact_concepts=False, fact_bonus=0.0, short=(),
    )  # fmt: skip


def icsisumm(brief: Brief, words: int) -> list[str]:
    return ours(brief, words, icsisumm_tuning())


SYSTEM_FUNCTIONS: dict[str, Callable[[Brief, int], list[str]]] = {
    "corroborate": ours,
    "lead": lead,
    "round-robin lead": round_robin_lead,
    "LexRank (sumy)": _lexrank,
    "TextRank (sumy)": _textrank,
    "TF-IDF centroid": tfidf_centroid,
    "concept ILP with df weights (ICSISumm-style)": icsisumm,
}

# --protocol: settings of ours among which the training folds choose (the shipped
# constants first: ties go to them). Each is a function of the shipped Tuning.
SETTINGS: dict[str, Callable] = {
    "shipped": lambda t: t,
    "no short-budget overrides": lambda t: _replace(t, short=()),
    "no MiniLM redundancy bar": lambda t: _replace(t, short=tuple((k, v) for k, v in t.short if k != "redundant_cosine")),
}


def _replace(tuning, **changes):
    from dataclasses import replace

    return replace(tuning, **changes)


def setting_tuning(setting: str, words: int):
    """The Tuning of a named setting (SETTINGS), or of `field=value&field=value`: the
    shipped constants at this budget (its short-budget overrides applied) with those
    fields changed, e.g. "tfidf_weight=0&redundant_cosine=1"."""
    from dataclasses import fields

    from corroborate.summarize import TUNING, for_budget

    if setting in SETTINGS:
        return SETTINGS[setting](TUNING)
    types = {f.name: f.type for f in fields(TUNING)}
    changes = {}
    for part in setting.split("&"):
        name, _, value = part.partition("=")
        if name not in types or not value:
            raise ValueError(f"unknown setting {setting!r}: not a name of SETTINGS nor field=value of Tuning")
        kind = types[name] if isinstance(types[name], type) else {"int": int, "float": float, "bool": bool}.get(str(types[name]), float)
        changes[name] = (value.lower() in ("1", "true", "yes")) if kind is bool else kind(value)
    return _replace(for_budget(TUNING, words), short=(), **changes)


# --wire: each cluster's documents as old wire copy (DUC's input): a dateline on the
# lead, every line broken at 72 columns, paragraphs marked by a three-space indent. The
# summary read from it should be the summary read from the plain text.
WIRE_DATELINE = "PORT ALDER (AP) _ "


def as_wire(record: dict) -> dict:
    import textwrap

    docs = []
    for doc in record["docs"]:
        paragraphs = [" ".join(p.split()) for p in (doc.get("text") or "").split("\n") if p.strip()]
        if paragraphs:
            paragraphs[0] = WIRE_DATELINE + paragraphs[0]
        text = "\n".join(textwrap.fill(p, 72, initial_indent="   ", break_on_hyphens=False) for p in paragraphs)
        docs.append({**doc, "text": text})
    return {**record, "docs": docs}


# --tokenised: each document as research corpora often ship news text (ECB+ here, many
# releases of DUC and TAC): Penn Treebank tokens separated by spaces (`` '' for double
# quotes, "do n't", "the U.S. ."), one sentence after another. --flat: the paragraph
# breaks gone, each document one line (ECB+ too). The summary read from either should
# be about as good as the one read from the plain text, and no worse against the
# baselines, which see the same text.
def as_tokenised(record: dict, tokenise: bool = True, flat: bool = False) -> dict:
    from nltk.tokenize import TreebankWordTokenizer

    from corroborate.sentences import _split_paragraph

    words = TreebankWordTokenizer()
    docs = []
    for doc in record["docs"]:
        paragraphs = [" ".join(p.split()) for p in (doc.get("text") or "").split("\n") if p.strip()]
        if tokenise:
            paragraphs = [
                " ".join(" ".join(words.tokenize(p[start:end])) for start, end in _split_paragraph(p))
                for p in paragraphs
            ]
        docs.append({**doc, "text": (" " if flat else "\n").join(paragraphs)})
    return {**record, "docs": docs}


# --ptb-quotes: double quotation marks written as `` and '' (the convention of the
# Penn Treebank, kept in the TDT and DUC releases of AP and New York Times copy),
# the text otherwise as written.
_OPENING_QUOTE = re.compile(r'(^|(?<=[\s(\[{\u2014-]))["\u201c]')
_CLOSING_QUOTE = re.compile(r'["\u201d]')


def with_ptb_quotes(record: dict) -> dict:
    docs = []
    for doc in record["docs"]:
        text = _OPENING_QUOTE.sub("``", doc.get("text") or "")
        docs.append({**doc, "text": _CLOSING_QUOTE.sub("''", text)})
    return {**record, "docs": docs}


# --ap-dashes: dashes (—, --, a hyphen between spaces) written " _ ", as AP's wire
# copy of the 1990s writes them (the DUC 2004 documents keep it), the text otherwise as
# written.
_DASH = re.compile(r"\s*(?:\u2014|\u2013|--)\s*|\s+-\s+")


def with_ap_dashes(record: dict) -> dict:
    return {**record, "docs": [{**doc, "text": _DASH.sub(" _ ", doc.get("text") or "")} for doc in record["docs"]]}


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


# Several references per cluster (DUC: four) are scored together, as ROUGE-1.5.5 does
# by default (`-f A`): recall = n-grams of the summary found in each reference, summed
# over the references, over the references' n-grams summed; precision the mean over
# references. `--references best` scores against the best-matching reference alone.
POOLED = True
WIRE = False  # --wire
TOKENISED, FLAT, PTB_QUOTES, AP_DASHES = False, False, False, False  # --tokenised, --flat, --ptb-quotes, --ap-dashes


def rouge_against(references: list[str], prediction: str, pooled: bool = True) -> dict[str, tuple[float, float]]:
    """ROUGE-1, -2 and -Lsum (F, recall) of `prediction` (one sentence per line) against
    all `references`: pooled over them, or the best reference's scores."""
    from corroborate.sentences import _split_paragraph

    tokenize = _rouge()._tokenizer.tokenize
    per_reference = []
    for reference in references:
        # Lsum needs one sentence per line in the reference too.
        reference_lines = "\n".join(reference[a:b] for a, b in _split_paragraph(" ".join(reference.split())))
        result = _rouge().score(reference_lines, prediction)
        length = len(tokenize(reference))
        # the reference's count of units each recall is a share of
        units = {"rouge1": length, "rouge2": max(length - 1, 0), "rougeLsum": length}
        per_reference.append((result, units))
    out: dict[str, tuple[float, float]] = {}
    for metric in METRICS:
        if not per_reference:
            out[metric] = (0.0, 0.0)
        elif not pooled:
            out[metric] = max((r[metric].fmeasure, r[metric].recall) for r, _ in per_reference)
        else:
            total = sum(units[metric] for _, units in per_reference)
            recall = sum(r[metric].recall * units[metric] for r, units in per_reference) / total if total else 0.0
            precision = sum(r[metric].precision for r, _ in per_reference) / len(per_reference)
            f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[metric] = (f, recall)
    return out


def score_cluster(
    record: dict,
    words: int,
    systems: tuple[str, ...],
    stages: tuple[str, ...] | None,
    duc: bool = False,
    settings: tuple[str, ...] = (),
) -> ClusterResult:
    """Every system's scores on one cluster; `settings` adds ours under each named
    setting of SETTINGS (as system "corroborate [name]"), for --protocol."""
    global FILL_BUDGET
    FILL_BUDGET = duc
    # The text's own form first (tokens, quote marks, paragraphs), then its wrapping as
    # wire copy, as a wire service wraps the text it has.
    if TOKENISED or FLAT:
        record = as_tokenised(record, TOKENISED, FLAT)
    if PTB_QUOTES:
        record = with_ptb_quotes(record)
    if AP_DASHES:
        record = with_ap_dashes(record)
    if WIRE:
        record = as_wire(record)
    brief = cluster_brief(record, stages, duc)
    references = [r for r in record["references"] if r and r.strip()]
    scores: dict[str, dict[str, tuple[float, float]]] = {}
    seconds: dict[str, float] = {}
    lengths: dict[str, int] = {}
    runs: list[tuple[str, Callable[[Brief, int], list[str]]]] = [(name, SYSTEM_FUNCTIONS[name]) for name in systems]
    if settings:
        from corroborate.summarize import TUNING

        for setting in settings:
            tuning = setting_tuning(setting, words)
            if tuning == TUNING and "corroborate" in systems:
                continue  # the shipped constants: the "corroborate" row already has them
            runs.append((f"corroborate [{setting}]", lambda b, w, tuning=tuning: ours(b, w, tuning)))
    for name, function in runs:
        started = time.perf_counter()
        sentences = function(brief, words)
        seconds[name] = time.perf_counter() - started
        sentences = cut(sentences, words)
        lengths[name] = sum(len(s.split()) for s in sentences)
        scores[name] = rouge_against(references, "\n".join(sentences), pooled=POOLED)
    for setting in settings:
        if f"corroborate [{setting}]" not in scores:
            scores[f"corroborate [{setting}]"] = scores["corroborate"]
            seconds[f"corroborate [{setting}]"], lengths[f"corroborate [{setting}]"] = seconds["corroborate"], lengths["corroborate"]
    return ClusterResult(str(record.get("cluster_id")), scores, seconds, lengths)


def _score_args(args):
    return score_cluster(*args)


def _score_in_worker(args):
    """score_cluster in a worker process, with the sentence embeddings it computed
    (so that --cache keeps them: a worker's memory is lost when it ends)."""
    from corroborate import nlp

    known = set(nlp._EMBEDDINGS)
    result = score_cluster(*args)
    return result, {text: vector for text, vector in nlp._EMBEDDINGS.items() if text not in known}


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
    parser.add_argument("--duc", action="store_true",
                        help="DUC-style: no titles or dates, 100 words, first 100 words scored, ROUGE-2 recall")
    parser.add_argument("--protocol", action="store_true",
                        help="also the cross-validated figures (5 folds by cluster; CONTRIBUTING.md)")
    parser.add_argument("--settings", default=",".join(SETTINGS),
                        help="with --protocol: settings of ours to choose among on the training folds")
    parser.add_argument("--references", choices=("pooled", "best"), default="pooled",
                        help="several references per cluster: pooled as ROUGE-1.5.5 -f A (default), or the best one")
    parser.add_argument("--wire", action="store_true",
                        help="the documents rewritten as old wire copy (dateline, lines broken at 72 columns)")
    parser.add_argument("--tokenised", action="store_true",
                        help="the documents as Penn Treebank tokens (`` '' quotes, \"do n't\"), as research corpora ship them")
    parser.add_argument("--ptb-quotes", action="store_true",
                        help="the documents' double quotes written as `` and '' (as TDT and DUC ship AP and NYT copy)")
    parser.add_argument("--ap-dashes", action="store_true",
                        help="the documents' dashes written \" _ \" (as AP's wire copy in the DUC 2004 documents)")
    parser.add_argument("--flat", action="store_true", help="the documents' paragraph breaks removed (one line each)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="a file keeping sentence embeddings between runs (e.g. /tmp/summary-embeddings.pkl)")
    args = parser.parse_args(argv)
    if args.duc:
        args.words = 100
    if not args.data.exists():
        print(f"{args.data}: no such file", file=sys.stderr)
        return 2
    systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
    unknown = [s for s in systems if s not in SYSTEM_FUNCTIONS]
    if unknown:
        print(f"unknown system(s): {', '.join(unknown)} (known: {', '.join(SYSTEMS)})", file=sys.stderr)
        return 2
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    settings = tuple(s.strip() for s in args.settings.split(",") if s.strip()) if args.protocol else ()
    for setting in settings:
        try:
            setting_tuning(setting, args.words)
        except (ValueError, TypeError) as error:
            print(f"{error} (named settings: {', '.join(SETTINGS)})", file=sys.stderr)
            return 2
    global POOLED, WIRE, TOKENISED, FLAT, PTB_QUOTES, AP_DASHES
    POOLED, WIRE, TOKENISED, FLAT, PTB_QUOTES, AP_DASHES = (
        args.references == "pooled", args.wire, args.tokenised, args.flat, args.ptb_quotes, args.ap_dashes
    )
    forms = [name for name, chosen in (
        ("documents as wire copy", args.wire), ("documents tokenised", args.tokenised),
        ("paragraph breaks removed", args.flat), ("quotes as `` and ''", args.ptb_quotes),
        ("dashes as _", args.ap_dashes),
    ) if chosen]  # fmt: skip
    records = list(read_clusters(args.data, args.limit, args.offset))
    _load_embeddings(args.cache)
    started, cpu_started = time.perf_counter(), time.process_time()
    jobs = [(record, args.words, systems, stages, args.duc, settings) for record in records]
    if args.jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            scored = pool.map(_score_in_worker, jobs, chunksize=1)
        results = [result for result, _ in scored]
        if args.cache is not None:
            from corroborate import nlp

            for _, embeddings in scored:
                nlp._EMBEDDINGS.update(embeddings)
    else:
        results = [_score_args(job) for job in jobs]
    elapsed = time.perf_counter() - started
    _save_embeddings(args.cache)
    # CPU seconds of this process (all threads), less sensitive than wall time to
    # other work on a shared machine; with --jobs the workers' time is not in it.
    cpu = time.process_time() - cpu_started
    text = table(results, systems, args.words)
    caption = (
        f"{args.data.name}, {len(results)} clusters from #{args.offset}, {args.words} words"
        f"{' (DUC-style: no titles or dates, first 100 words scored; read the recall columns)' if args.duc else ''}"
        f"{''.join(', ' + form for form in forms)}, references {args.references}, "
        f"ROUGE (rouge-score, Porter stemming) x100; {elapsed:.0f} s wall, {cpu:.0f} s CPU, {args.jobs} job(s)"
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
    if settings:
        block = protocol_tables(results, records, systems, settings, recall=args.duc)
        print("\n" + block)
        parts += ["", block]
    if args.out:
        args.out.write_text("\n".join(parts) + "\n")
    return 0


def protocol_tables(results: list[ClusterResult], records: list[dict], systems, settings, recall: bool = False,
                    k: int = 5) -> str:
    """The tuning protocol on these clusters (ROUGE-2; F, or recall for --duc): folds by
    cluster id; ours with its setting chosen on the training folds, each baseline as is,
    "best baseline" = the baseline best on the training folds; margins per held-out fold."""
    import protocol

    which = 1 if recall else 0
    folds = protocol.folds(records, lambda record: str(record.get("cluster_id")), k)

    def fold_means(name: str) -> list[float]:
        return [100 * sum(results[i].scores[name]["rouge2"][which] for i in fold) / len(fold) for fold in folds]

    ours_table = [fold_means(f"corroborate [{setting}]") for setting in settings]
    chosen = protocol.choose_from_table(list(settings), ours_table, "corroborate (setting chosen on training folds)")
    baselines = [name for name in systems if name in BASELINES]
    rows = [chosen] + [protocol.fixed(name, fold_means(name)) for name in baselines]
    if baselines:
        # The strongest baseline in hindsight (best held-out mean): the margin over it is
        # the conservative one.
        best = max(rows[1:], key=lambda row: row.mean)
    measure = "ROUGE-2 recall" if recall else "ROUGE-2 F"
    lines = [f"Tuning protocol: {k} folds by cluster, {measure} x100 per held-out fold (the baselines choose nothing)"]
    lines.append(protocol.report(rows, best if baselines else None, digits=2))
    lines.append(f"ours: setting chosen per fold {chosen.chosen}; fitted on itself: {chosen.fitted_choice}")
    if len(settings) > 1:
        # Every setting as a fixed system (nothing chosen): what each change does per fold.
        lines.append("\nEach setting of ours on every fold (for reading only: the row above is the protocol's figure)")
        lines.append(protocol.report([protocol.fixed(s, row) for s, row in zip(settings, ours_table)],
                                     protocol.fixed(settings[0], ours_table[0]), digits=2))
    if baselines:
        ok, margin, won = protocol.beats(chosen, best, 0.8)
        lines.append(f"ours over the best baseline ({best.name}) on held-out folds: {margin:+.2f} "
                     f"(won {won}/{k}); target +0.8: {'met' if ok else 'not met'}")
    return "\n".join(lines)


def experiment_parser(description: str, words: int) -> argparse.ArgumentParser:
    """The options of every summary experiment built on this harness (learned_concepts.py,
    summary_round3.py, summary_learned_weights.py): the data, the word budget or the
    DUC-style setting, a cluster limit, worker processes and the embeddings cache."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data", type=Path)
    parser.add_argument("--words", type=int, default=words)
    parser.add_argument("--duc", action="store_true", help="DUC-style (summary_harness.py --duc)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=None, help="sentence embeddings kept between runs")
    return parser


def score_runs(runs: dict, brief, words: int, references: list[str]) -> tuple[dict, dict, dict]:
    """Each of an experiment's `runs` (name -> function(brief, words) giving sentences)
    on one cluster: its R-2 (pooled references), its CPU seconds and its sentences cut to
    `words`, each by name."""
    scores, seconds, texts = {}, {}, {}
    for name, function in runs.items():
        started = time.process_time()
        sentences = cut(function(brief, words), words) if brief.sentences else []
        seconds[name] = time.process_time() - started
        scores[name] = rouge_against(references, "\n".join(sentences), pooled=True)["rouge2"]
        texts[name] = sentences
    return scores, seconds, texts


def experiment_budget(args: argparse.Namespace) -> int | None:
    """The word budget of an experiment's `args` (100 DUC-style, the budget then filled as
    --duc fills it); None, the reason printed, when the data file is missing."""
    global FILL_BUDGET
    FILL_BUDGET = args.duc
    if not args.data.exists():
        print(f"{args.data}: no such file", file=sys.stderr)
        return None
    return 100 if args.duc else args.words


def _load_embeddings(path: Path | None) -> None:
    """Sentence embeddings kept from an earlier run (a cache only: the same texts
    embed to the same vectors)."""
    if path is None or not path.exists():
        return
    import pickle

    from corroborate import nlp

    nlp._EMBEDDINGS.update(pickle.loads(path.read_bytes()))


def _save_embeddings(path: Path | None) -> None:
    if path is None:
        return
    import pickle

    from corroborate import nlp

    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(pickle.dumps(dict(nlp._EMBEDDINGS)))
    temporary.replace(path)


if __name__ == "__main__":
    sys.exit(main())
