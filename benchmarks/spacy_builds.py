"""The parse's CPU under different builds of spaCy 3.8 (issue 12, the parse floor).

spaCy's wheels from 3.8.7 on are compiled with Cython 3 (3.8.7: 3.1.1, 3.8.11: 3.2.1,
3.8.17 and 3.8.18: 3.3.0); 3.8.6 and earlier with Cython 0.29. In the later builds the
parser's transition loop takes and drops the GIL on every state lookup
(PyGILState_Ensure under StateC::B_ in the NER's is_valid checks: perf showed half of
the NER's time in pthread_mutex_lock/unlock), so the same model, weights and output cost
about 3x in the NER and 2x in the whole parse. pyproject.toml therefore pins 3.8.6.

This script measures it. For the spaCy installed in this .venv and for each other build
given with --site (a directory holding another spaCy, installed beforehand with
`pip install --no-deps --target DIR spacy==3.8.18 langcodes language-data`; the script
itself contacts no network), it runs a fresh process per build and round, alternating
the builds, that parses the same texts with the pipeline a brief runs (nlp.spacy_model)
on one core, and prints each pipe's CPU seconds and a digest of every annotation a stage
reads from the models (ORTH, POS, TAG, DEP, HEAD, MORPH, entities, sentence starts): equal
digests mean identical parses. The lemmas get a digest of their own: spacy_rules follows
the installed build's order of lemma candidates, which 3.8.7 changed.

thinc's matrix product (`--thinc-blis`): a brief builds spaCy's layers with NumPy's
matrix product (OpenBLAS), not the BLIS that thinc bundles, whose build has no kernel for
AMD's Zen 3 and later (it then runs its reference C loops: `BLIS_ARCH_DEBUG=1` prints
"selecting sub-configuration 'generic'"). With the flag the installed spaCy runs a second
time with thinc's BLIS, alternating with the brief's way, for the same digests and times.

    .venv/bin/python benchmarks/spacy_builds.py --site /tmp/spacy-3.8.18
    .venv/bin/python benchmarks/spacy_builds.py --site /tmp/spacy-3.8.18 --rounds 3 --articles 40
    .venv/bin/python benchmarks/spacy_builds.py --thinc-blis --rounds 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import median

_HERE = Path(__file__).resolve().parent


def parse_once(articles: int, news: int) -> dict:
    """In this process: the pipeline's per-pipe CPU over the inputs, and the annotations' digest."""
    import numpy as np
    import spacy
    from brief_scaling import multinews_docs, timeline17_docs
    from parse_cost import annotation_columns, per_pipe

    from corroborate import nlp

    if os.environ.get(_THINC_BLIS):
        _with_thincs_blis()
    texts = [doc["text"] for doc in timeline17_docs(articles)] + [doc["text"] for doc in multinews_docs(news)]
    model = nlp.spacy_model()
    list(model.pipe(["Warm up, Mr. Smith said on Monday."]))
    seconds, docs = per_pipe(model, texts)
    from spacy import attrs

    # The models' annotations, and apart from them the lemmas: the rule lemmatizer's order
    # of candidate forms differs between the builds by design (spacy_rules follows it).
    lemma = [attrs.LEMMA]
    models = [column for column in annotation_columns() if column not in lemma]
    digests = {"digest": hashlib.sha256(), "lemmas": hashlib.sha256()}
    for doc in docs:
        digests["digest"].update(np.ascontiguousarray(doc.to_array(models)).tobytes())
        digests["lemmas"].update(np.ascontiguousarray(doc.to_array(lemma)).tobytes())
    return {"spacy": spacy.__version__, "where": str(Path(spacy.__file__).parent.parent), "seconds": seconds,
            "tokens": sum(len(doc) for doc in docs), **{k: d.hexdigest()[:16] for k, d in digests.items()}}  # fmt: skip


# Set in a measured process: build spaCy's layers with thinc's bundled BLIS (the default
# of thinc's NumpyOps) instead of the brief's NumPy product.
_THINC_BLIS = "SPACY_BUILDS_THINC_BLIS"


def _with_thincs_blis() -> None:
    import thinc.api

    plain = thinc.api.use_ops

    def use_ops(name, **kwargs):  # nlp._load_pipeline asks for use_blis=False
        return plain(name, **{**kwargs, "use_blis": True})

    thinc.api.use_ops = use_ops


def run_build(site: str | None, articles: int, news: int, thinc_blis: bool = False) -> dict:
    """parse_once in a fresh process on one core, with `site` ahead of the .venv's packages."""
    env = dict(os.environ)
    if thinc_blis:
        env[_THINC_BLIS] = "1"
    path = [str(_HERE)] + ([site] if site else [])  # PYTHONPATH comes before the .venv's site-packages
    env["PYTHONPATH"] = os.pathsep.join(path + [env["PYTHONPATH"]] if env.get("PYTHONPATH") else path)
    code = f"import json, spacy_builds; print(json.dumps(spacy_builds.parse_once({articles}, {news})))"
    command = [sys.executable, "-c", code]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(f"the parse under {site or 'this .venv'} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", default=[], help="a directory holding another spaCy build")
    parser.add_argument("--articles", type=int, default=20, help="long Timeline17 articles (default 20)")
    parser.add_argument("--news", type=int, default=60, help="Multi-News dev documents (default 60)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--thinc-blis", action="store_true", help="also this .venv's spaCy with thinc's bundled BLIS")
    args = parser.parse_args()

    builds: list[str | None] = [None, *args.site] + ([_THINC_BLIS] if args.thinc_blis else [])
    runs: dict[str | None, list[dict]] = {build: [] for build in builds}
    for _ in range(args.rounds):
        for build in builds:
            if build == _THINC_BLIS:
                runs[build].append(run_build(None, args.articles, args.news, thinc_blis=True))
            else:
                runs[build].append(run_build(build, args.articles, args.news))
    first = runs[None][0]
    pipes = list(first["seconds"])
    print(f"{args.articles} long Timeline17 articles + {args.news} Multi-News documents, {first['tokens']:,} tokens; "
          f"one core; median of {args.rounds} alternating runs, CPU seconds\n")  # fmt: skip
    print("| spaCy | " + " | ".join(pipes) + " | total | models' annotations digest | lemmas digest |")
    print("|---|" + "--:|" * (len(pipes) + 1) + "---|---|")
    for build in builds:
        rows = runs[build]
        cells = [median(row["seconds"].get(pipe, 0.0) for row in rows) for pipe in pipes]
        total = median(sum(row["seconds"].values()) for row in rows)
        digests = [", ".join(sorted({row[key] for row in rows})) for key in ("digest", "lemmas")]
        where = {None: "this .venv", _THINC_BLIS: "this .venv, thinc's BLIS"}.get(build, build)
        label = f"{rows[0]['spacy']} ({where})"
        print(f"| {label} | " + " | ".join(f"{cell:.2f}" for cell in cells) + f" | **{total:.2f}** | " + " | ".join(digests) + " |")
    for key, what in (("digest", "models' annotations (all but lemmas)"), ("lemmas", "lemmas")):
        same = len({row[key] for rows in runs.values() for row in rows}) == 1
        print(f"\nidentical {what} across the runs: {same}")


if __name__ == "__main__":
    main()
