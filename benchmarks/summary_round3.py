"""Summary, round 3 (issue 14): sharpened learned concept weights and sentence
compression, under the tuning protocol (CONTRIBUTING.md), in one run beside the shipped
summary and the baselines.

1. *Sharpened learned weights.* `learned_concepts.py` (Hong & Nenkova 2014) found the
   learned probabilities rank a story's bigrams better than the hand-made weights but
   are flatter, so the integer program gave up the bigrams every source agrees on. Here
   the probabilities are sharpened before they weigh concepts: `replace^a` weighs a
   bigram by p**a, `combine^g` by the hand-made weight times p**g (g = 0 is the shipped
   summary). The model is fitted on the training folds only (as learned_concepts.py
   does), and the exponent is chosen on the training folds too.
2. *Sentence compression* (known to help ROUGE at 100 words in DUC): each candidate
   sentence also enters the integer program without its removable edges (a leading
   adverbial or time phrase, "In a statement, "; a leading report, "Police said on
   Tuesday that "; a trailing attribution, ", officials said."), as a candidate of its
   own that repeats the full form (so the program takes at most one of the two). The
   compressed form is a shorter span of the same sentence, so it keeps its citation
   and its words; a part is never dropped when it holds a negation, a number or a
   quotation mark, nor a trailing attribution of a sentence that quotes anyone.

Protocol: 5 folds by cluster id (`protocol.folds`, as summary_harness.py --protocol).
Everything chosen (the model, the exponent, whether to compress) is chosen on the
training folds; the held-out folds' mean and spread are reported with the shipped
summary and the baselines of the same run.

    .venv/bin/python benchmarks/summary_round3.py ../shared/data/multinews_dev200.jsonl.gz --duc --jobs 2 --cache /tmp/summary14-emb.pkl
    .venv/bin/python benchmarks/summary_round3.py ../shared/data/multinews_dev200.jsonl.gz --words 100 --jobs 2 --cache /tmp/summary14-emb.pkl
"""

from __future__ import annotations

import multiprocessing
import contextlib
import re
import statistics
import sys
import time
from dataclasses import replace

import learned_concepts as lc
import protocol
import summary_harness as harness
from concept_importance import reweigh

from corroborate import summarize
from corroborate.model import Span

REPLACE_POWERS = (1.0, 2.0, 4.0)
COMBINE_POWERS = (0.5, 1.0, 2.0)
BASELINES = ("concept ILP with df weights (ICSISumm-style)", "TF-IDF centroid", "round-robin lead", "lead")

# --- sentence compression ---------------------------------------------------------

_NEGATION = re.compile(r"\b(not|no|never|none|nobody|nothing|neither|nor|without|cannot)\b|n['’]t\b", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[\"“”]")
_DIGIT = re.compile(r"\d")
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight)"
_WHEN = (rf"(?:\s+(?:on\s+)?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?|\s+last\s+(?:week|month|year|night)"
         r"|\s+this\s+(?:week|month|year)|\s+earlier|\s+later|\s+in\s+an?\s+(?:\w+\s+)?(?:statement|interview|release))?")  # fmt: skip
_REPORT_VERB = r"(?:said|says|reported|reports|announced|confirmed|added|noted|wrote|told\s+[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})"
# "In a statement, ", "On Tuesday, ", "However, ": an opening phrase set off by a comma.
_LEADING_PHRASE = re.compile(
    r"^(?:On|In|At|By|During|Earlier|Later|Last|Late|Early|After|Before|Since|Meanwhile|However|Still|Now|Yet|"
    r"Also|Instead|Separately|Additionally|Moreover|Furthermore|Overall|Today|Yesterday|Tonight|Previously|"
    r"Recently|Currently|Elsewhere|Indeed|Nevertheless|Nonetheless|Similarly|Likewise|Meantime|Then|Finally|"
    r"According to)\b[^,;:]{0,45}?,\s+"
)
# "Police said on Tuesday that ", "The company told Reuters that ".
_LEADING_REPORT = re.compile(r"^[A-Z][^,;:]{0,60}?\s" + _REPORT_VERB + _WHEN + r"\s+that\s+")
# ", officials said.", ", the company told Reuters on Tuesday.", ", according to the police."
_TRAILING_REPORT = re.compile(
    r",\s+(?:(?:[^,;:]{1,60}?\s)?" + _REPORT_VERB + _WHEN + r"|according\s+to\s+[^,;:]{1,60}?)\s*[.!?]$"
)


def _droppable(part: str) -> bool:
    return not (_NEGATION.search(part) or _DIGIT.search(part) or _QUOTE_MARK.search(part))


def compressions(text: str, kinds: str = "both") -> list[tuple[int, int]]:
    """Shorter forms of the sentence as (start, end) character offsets into it: the
    sentence less a leading phrase or report and/or a trailing attribution, whole
    edges only (a span of the same text, so its words are the source's). `kinds`:
    "both", "leading" (the opening phrase or report only) or "trailing"."""
    starts, ends = [0], [len(text)]
    for pattern in (_LEADING_PHRASE, _LEADING_REPORT) if kinds != "trailing" else ():
        match = pattern.match(text)
        if match and _droppable(match.group()):
            starts.append(match.end())
    match = _TRAILING_REPORT.search(text) if kinds != "leading" else None
    # A quote's attribution is never dropped: an unattributed quote is nobody's.
    if match and _droppable(match.group()) and not _QUOTE_MARK.search(text):
        ends.append(match.start())
    out = []
    for start in sorted(set(starts)):
        for end in sorted(set(ends)):
            if (start, end) != (0, len(text)) and len(text[start:end].split()) >= summarize.TUNING.min_words:
                out.append((start, end))
    return out


def compressed_candidates(candidates: list) -> list:
    """The candidates' compressed forms, each a candidate of its own over the same
    sentence (same row: `_select` then finds it a repeat of its full form)."""
    extra = []
    for candidate in candidates:
        shown = candidate.span or candidate.sentence.span
        facts = {c for c in candidate.concepts if c[0] == "fact"}
        for start, end in compressions(candidate.text, _COMPRESS):
            text = candidate.text[start:end]
            span = Span(shown.article_id, shown.start + start, shown.start + end)
            extra.append(replace(candidate, index=len(candidates) + len(extra), text=text, words=len(text.split()),
                                 concepts=summarize.sentence_concepts(text) | facts, span=span,
                                 repeats=set()))  # fmt: skip
    return extra


_COMPRESS = False
_candidate_sentences = summarize._candidate_sentences


def _candidate_sentences_with_compressions(brief, texts, vectors, sameness, tuning):
    # `_candidates` asks for its list here, before centrality and weights: the
    # compressed forms join the list now, so everything after treats them alike.
    candidates = _candidate_sentences(brief, texts, vectors, sameness, tuning)
    if _COMPRESS:  # "both", "leading" or "trailing" (`compressions`)
        candidates.extend(compressed_candidates(candidates))
    return candidates


summarize._candidate_sentences = _candidate_sentences_with_compressions

# --- concept weights --------------------------------------------------------------

_candidates = summarize._candidates
_MEMO: dict = {}
_WEIGHING = None  # (model, mode, power) or None for the hand-made weights


def _memo_candidates(brief, texts, vectors, sameness, tuning):
    """The story's candidates and hand-made weights, computed once per brief, setting
    and compression (the variants differ only in the weights, then the program)."""
    key = (id(brief), tuning, _COMPRESS)
    if key not in _MEMO:
        if len(_MEMO) > 8:
            _MEMO.clear()
        _MEMO[key] = _candidates(brief, texts, vectors, sameness, tuning)
    candidates, weights = _MEMO[key]
    if _WEIGHING is None:
        return candidates, weights
    return candidates, sharpened(candidates, weights, *_WEIGHING)


summarize._candidates = _memo_candidates


def sharpened(candidates, weights: dict, model, mode: str, power: float) -> dict:
    """`replace`: a bigram weighs p**power; `combine`: its hand-made weight times
    p**power (`concept_importance.reweigh`: scaled so that the story's bigram weights sum
    as the hand-made ones do, the per-sentence terms keeping their balance)."""
    return reweigh(candidates, weights, model, mode, power)


@contextlib.contextmanager
def variant(weighing=None, compress=False):
    global _WEIGHING, _COMPRESS
    saved = _WEIGHING, _COMPRESS
    _WEIGHING, _COMPRESS = weighing, compress
    try:
        yield
    finally:
        _WEIGHING, _COMPRESS = saved


# --- the run ------------------------------------------------------------------------

_BRIEFS: list = []
_RECORDS: list = []
_MODELS: dict = {}
_FOLD_OF: dict[int, int] = {}


ONLY_COMPRESSION = False  # --compression-only: the compression variants alone, no learned model


def variant_names() -> list[str]:
    if ONLY_COMPRESSION:
        return ["shipped", "compressed", "compressed (leading only)", "compressed (trailing only)"]
    return (["shipped"] + [f"replace^{a:g}" for a in REPLACE_POWERS] + [f"combine^{g:g}" for g in COMBINE_POWERS]
            + ["compressed"] + [f"compressed, combine^{g:g}" for g in COMBINE_POWERS[1:2]])  # fmt: skip


def _run(name: str, model):
    if name == "shipped":
        return variant()
    compress = ("leading" if "leading" in name else "trailing" if "trailing" in name else "both") if name.startswith("compressed") else False
    mode_power = name.split(", ")[-1] if "^" in name else None
    if mode_power is None:
        return variant(compress=compress)
    mode, power = mode_power.split("^")
    return variant((model, mode, float(power)), compress)


def summarise(job):
    index, words = job
    brief, record = _BRIEFS[index], _RECORDS[index]
    references = [r for r in record["references"] if r and r.strip()]
    runs = {name: (lambda b, w, name=name: _ours_as(name, _MODELS[_FOLD_OF[index]], b, w)) for name in variant_names()}
    for name in BASELINES:
        runs[name] = harness.SYSTEM_FUNCTIONS[name]
    scores, seconds, texts = harness.score_runs(runs, brief, words, references)
    _MEMO.clear()
    compressed_chosen = sum(1 for s in texts["compressed"] if s not in set(texts["shipped"]))
    return scores, seconds, compressed_chosen, texts["compressed"]


def _ours_as(name, model, brief, words):
    with _run(name, model):
        return harness.ours(brief, words)


def main(argv: list[str] | None = None) -> int:
    parser = harness.experiment_parser(__doc__.split("\n\n")[0], words=100)
    parser.add_argument("--compression-only", action="store_true",
                        help="the compression variants alone (both edges, leading only, trailing only); no learned model")
    parser.add_argument("--examples", type=int, default=0, help="print this many compressed summaries")
    args = parser.parse_args(argv)
    global ONLY_COMPRESSION
    ONLY_COMPRESSION = args.compression_only
    words = harness.experiment_budget(args)
    if words is None:
        return 2
    started = time.perf_counter()
    records, built, folds = lc.clusters_with_concepts(args, words)
    _BRIEFS[:] = [b for b, _, _, _ in built]
    _RECORDS[:] = records
    fold_of, models = lc.fitted_per_fold(built, folds)
    _FOLD_OF.update(fold_of)
    _MODELS.update(models)
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        scored = pool.map(summarise, [(i, words) for i in range(len(records))], chunksize=1)
    elapsed = time.perf_counter() - started
    which = 1 if args.duc else 0

    def fold_means(name):
        return [100 * statistics.fmean(scored[i][0][name][which] for i in fold) for fold in folds]

    shipped = protocol.fixed("corroborate as shipped", fold_means("shipped"))
    replace_names = ["shipped"] + [f"replace^{a:g}" for a in REPLACE_POWERS]
    combine_names = ["shipped"] + [f"combine^{g:g}" for g in COMBINE_POWERS]
    compress_names = ["shipped", "compressed"]
    every = variant_names()
    if ONLY_COMPRESSION:
        chosen = [protocol.choose_from_table(every, [fold_means(n) for n in every],
                                             "compression, which edges (or none) chosen on training folds")]
    else:
        chosen = [
            protocol.choose_from_table(replace_names, [fold_means(n) for n in replace_names],
                                       "learned weights p^a (model and a chosen on training folds; a=0: shipped)"),
            protocol.choose_from_table(combine_names, [fold_means(n) for n in combine_names],
                                       "hand-made weight x p^g (model and g chosen on training folds; g=0: shipped)"),
            protocol.choose_from_table(compress_names, [fold_means(n) for n in compress_names],
                                       "compression (on or off chosen on training folds)"),
            protocol.choose_from_table(every, [fold_means(n) for n in every], "any of the variants (chosen on training folds)"),
        ]  # fmt: skip
    rows = [shipped, *chosen] + [protocol.fixed(name, fold_means(name)) for name in BASELINES]
    measure = "ROUGE-2 recall of the first 100 words (DUC-style)" if args.duc else f"ROUGE-2 F, {words} words"
    print(f"{args.data.name}, {len(records)} clusters, 5 folds by cluster, {measure} x100; models and choices fitted "
          f"on the training folds only; {elapsed:.0f} s wall, {args.jobs} job(s)")  # fmt: skip
    print(protocol.report(rows, shipped, digits=2))
    for row in chosen:
        print(f"{row.name}: chosen per fold {row.chosen}; fitted on itself {row.fitted_choice}")
    print("\nEach variant fixed on every fold (for reading only; the rows above are the protocol's figures)")
    print(protocol.report([protocol.fixed(n, fold_means(n)) for n in every], shipped, digits=2))
    changed = sum(s[2] for s in scored)
    print(f"compressed: {changed} sentences of the compressed summaries are not in the shipped ones "
          f"({sum(len(s[3]) for s in scored)} sentences in all)")  # fmt: skip
    cpu = {name: statistics.fmean(s[1][name] for s in scored) for name in scored[0][1]}
    print("CPU s per cluster: " + ", ".join(f"{n} {v:.3f}" for n, v in cpu.items()))
    for s in scored[: args.examples]:
        print("---\n" + "\n".join(s[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
