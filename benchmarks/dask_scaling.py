"""Scale-out on Dask (issue 17): the one-process path, 1 Dask worker and 2 Dask
workers side by side, on the same input, each in a fresh process, with the
results checked identical.

- ingest: N news-length articles (default 10,000; built at run time from the
  shared ECB+ and Multi-News articles by benchmarks/ingest_throughput.py) with
  embeddings (every article embedded: the `cluster --embeddings` settings);
- briefs: every story of a store of the first S Multi-News clusters (default 50);
- clusterer: the clusterer alone on features made beforehand in this process,
  every candidate scored exactly (before) and approximate scores first (now), with
  the same story for every article checked;
- writer: the one ordered writer alone on features made on workers (articles/s
  of the clusterer, and of the whole writer: store checks, clustering, writes),
  and the per-item costs that bound a large cluster (scheduler per task,
  bytes per article shipped to the client, band-join cost per document);
- dedup: `corroborate dedup` of the stream in one process and on 2 workers,
  and the band join against `dask.bag.groupby` on the same band keys.

Workers are a LocalCluster on 127.0.0.1 (one process per worker, one thread
each). The machine may be shared: every row gives CPU seconds (user + system of
every process of the run: client, scheduler, workers) beside wall seconds.

    .venv/bin/python benchmarks/dask_scaling.py                 # everything (long)
    .venv/bin/python benchmarks/dask_scaling.py --parts ingest --articles 2000
    .venv/bin/python benchmarks/dask_scaling.py --parts writer dedup
    .venv/bin/python benchmarks/dask_scaling.py --parts clusterer scheduler
    .venv/bin/python benchmarks/dask_scaling.py --parts clusterer --before e54cd5a   # against a commit
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "benchmarks"))

# Every article embedded (as `corroborate cluster --embeddings`): the per-article work
# the issue names, and the costliest.
EMBEDDINGS = {"embed_below_terms": 0, "embedding_weight": 1.0, "threshold": 0.3}
VARIANTS = {
    "one process": None,
    "one process, 1 core": None,
    "Dask, 1 worker": "local:1",
    # A lone worker takes its machine's cores (distributed.worker.cores_of), as one
    # process does; two workers on this 2-core machine get one core each. How the work
    # divides between workers is therefore measured against a worker of one core, the
    # unit a cluster of one-core workers adds (2 workers vs this row); the lone
    # worker's overhead against the one-process path (the row above).
    "Dask, 1 worker, 1 core": "local:1",
    "Dask, 2 workers": "local:2",
}
ONE_CORE = {"one process, 1 core", "Dask, 1 worker, 1 core"}


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def digest(value) -> str:
    return hashlib.sha1(repr(value).encode()).hexdigest()[:10]


# --- one run, in its own process ------------------------------------------------------


def run_variant(kind: str, variant: str, db: Path, feed: Path | None, keep: Path | None) -> dict:
    """Run `kind` (ingest or briefs) as `variant` in this process; CPU of every process
    it started is counted when they end (a LocalCluster is closed inside the timing)."""
    if variant in ONE_CORE:  # the worker processes a LocalCluster starts inherit it
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from corroborate.store import Store

    spec = VARIANTS[variant]
    started, cpu = time.perf_counter(), cpu_seconds()
    with Store(db) as store:
        if spec is None:
            if kind == "ingest":
                from corroborate.store.ingest import ingest

                outcome = ingest([feed], store, **EMBEDDINGS)
            else:
                from corroborate.store.briefs import build_briefs

                outcome = build_briefs(store)
        else:
            from corroborate import distributed

            with distributed.connect(spec, parser=kind == "briefs") as client:
                if kind == "ingest":
                    outcome = distributed.ingest(client, [feed], store, **EMBEDDINGS)
                else:
                    outcome = distributed.build_briefs(client, store)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if keep:  # after the timing
        from corroborate import distributed

        with Store(db) as store, distributed.connect(spec or "local:2") as client:
            _keep_items(client, feed, store, keep)
    return {"wall": wall, "cpu": cpu, "result": fingerprint(db, kind), "count": getattr(outcome, "new", None) or outcome.built}


def fingerprint(db: Path, kind: str) -> str:
    """A hash of what the run left in the store: its tables after `ingest`, every cached
    brief rendered as JSON after `briefs`."""
    import sqlite3
    import zlib

    with sqlite3.connect(db) as connection:
        if kind == "ingest":
            tables = ("SELECT * FROM articles ORDER BY seq", "SELECT * FROM stories ORDER BY id",
                      "SELECT * FROM memberships ORDER BY article_id", "SELECT * FROM clustering ORDER BY key")  # fmt: skip
            return digest([connection.execute(query).fetchall() for query in tables])
        from corroborate.render import render

        rows = connection.execute("SELECT story_id, brief FROM briefs ORDER BY story_id").fetchall()
        return digest([(story, render(pickle.loads(zlib.decompress(blob)), "json")) for story, blob in rows])


def _keep_items(client, feed, store, keep: Path) -> None:
    """Save the prepared articles (features made on the workers) for the writer part."""
    from corroborate.distributed import tasks
    from corroborate.distributed.ingest import _params_key
    from corroborate.distributed.stream import entries
    from corroborate.store.briefs import code_fingerprint

    params = _params_key(store.clustering_state()[1])
    items = list(entries(client, tasks.prepare, [feed], code_fingerprint(), params))
    keep.write_bytes(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))


def spawn(kind: str, variant: str, db: Path, feed: Path | None = None, keep: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--run", kind, "--variant", variant, "--db", str(db)]
    command += ["--feed", str(feed)] if feed else []
    command += ["--keep", str(keep)] if keep else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{kind} / {variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(title: str, rows: dict[str, dict], baseline: str, unit: str) -> None:
    print(f"\n{title}")
    print(f"| run | wall s | CPU s | {unit}/s (wall) | vs {baseline} (wall) | result |")
    print("|---|---:|---:|---:|---:|---|")
    for name, row in rows.items():
        ratio = rows[baseline]["wall"] / row["wall"]
        print(f"| {name} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['count'] / row['wall']:.1f} | {ratio:.2f}x | {row['result']} |")
    one, single, two = rows.get("Dask, 1 worker"), rows.get("Dask, 1 worker, 1 core"), rows.get("Dask, 2 workers")
    if one and two:
        print(f"2 workers vs 1 worker: {one['wall'] / two['wall']:.2f}x wall (the lone worker has both cores)")
    if single and two:
        print(f"2 workers (a core each) vs 1 worker of one core: {single['wall'] / two['wall']:.2f}x wall (target >= 1.6x)")
    if one:
        print(f"1 worker vs one process: {one['wall'] / rows['one process']['wall']:.2f}x the wall time, "
              f"{one['cpu'] / rows['one process']['cpu']:.2f}x the CPU (target within 1.15x)")  # fmt: skip
    print("identical results:", "yes" if len({row["result"] for row in rows.values()}) == 1 else "NO")


# --- parts --------------------------------------------------------------------------


def part_ingest(folder: Path, articles: int) -> Path:
    from ingest_throughput import write_stream

    feed = folder / "feed.jsonl"
    words = write_stream(feed, articles)
    print(f"\ningest: {articles} articles, {words:.0f} words on average, every article embedded")
    rows = {}
    for variant in VARIANTS:
        keep = folder / "items.pkl" if variant == "Dask, 2 workers" else None
        rows[variant] = spawn("ingest", variant, folder / f"ingest-{len(rows)}.db", feed, keep)
        print(f"  {variant}: {rows[variant]['wall']:.1f} s wall, {rows[variant]['cpu']:.1f} s CPU", flush=True)
    table(f"ingest, {articles} articles with embeddings", rows, "one process", "articles")
    return feed


def briefs_store(folder: Path, stories: int) -> Path:
    """A store of the first `stories` Multi-News clusters (their documents, ingested)."""
    from corroborate.store import Store
    from corroborate.store.ingest import ingest

    records = []
    with gzip.open(DATA / "multinews_dev200.jsonl.gz", "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number == stories:
                break
            for doc in json.loads(line)["docs"]:
                records.append({"id": doc["id"], "text": doc["text"], "source": f"Outlet {len(records) % 40}"})
    feed = folder / "multinews.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = folder / "briefs.db"
    with Store(path) as store:
        ingest([feed], store)
    return path


def part_briefs(folder: Path, stories: int) -> None:
    from corroborate.store import Store

    base = briefs_store(folder, stories)
    with Store(base) as store:
        found = len(store.stories())
    print(f"\nbriefs: a store of the first {stories} Multi-News clusters: {found} stories")
    rows = {}
    for variant in ("one process", "Dask, 1 worker", "Dask, 1 worker, 1 core", "Dask, 2 workers"):
        db = folder / f"briefs-{len(rows)}.db"
        shutil.copy(base, db)
        rows[variant] = spawn("briefs", variant, db)
        print(f"  {variant}: {rows[variant]['wall']:.1f} s wall, {rows[variant]['cpu']:.1f} s CPU", flush=True)
    table(f"briefs of the {found} stories", rows, "one process", "briefs")


def part_writer(folder: Path, articles: int) -> None:
    """The ordered writer on features made beforehand, and the per-item costs of a run."""
    from corroborate.store import Store
    from corroborate.store.ingest import PreparedArticle, ingest_items

    kept = folder / "items.pkl"
    if not kept.exists():
        from ingest_throughput import write_stream

        feed = folder / "feed.jsonl"
        if not feed.exists():
            write_stream(feed, articles)
        spawn("ingest", "Dask, 2 workers", folder / "writer-source.db", feed, kept)
    blob = kept.read_bytes()
    started = time.process_time()
    items = pickle.loads(blob)
    unpickle = time.process_time() - started
    prepared = [item for item in items if isinstance(item, PreparedArticle)]
    print(f"\nwriter: {len(prepared)} prepared articles, {len(blob) / len(prepared) / 1024:.1f} kB each as shipped "
          f"(features {len(pickle.dumps([p.features for p in prepared])) / len(prepared) / 1024:.1f} kB), "
          f"unpickled in {1e6 * unpickle / len(prepared):.0f} us each")  # fmt: skip

    articles = [p.article for p in prepared]
    rows = time_clusterer(articles, {"every article embedded": (EMBEDDINGS, [p.features for p in prepared])})
    alone = rows["clusterer, every article embedded, approximate first (now)"]
    # The whole writer: repeats checked, clustered, written, one transaction per batch.
    with Store(folder / "writer.db") as store:
        started = time.process_time()
        ingest_items(items, store, **EMBEDDINGS)
        whole = time.process_time() - started
    print("| step (one process, the client) | CPU us/article | articles/s |")
    print("|---|---:|---:|")
    for name, seconds in (*rows.items(), ("whole writer (checks, clustering, store)", whole),
                          ("unpickling what workers send", unpickle)):  # fmt: skip
        print(f"| {name} | {1e6 * seconds / len(prepared):.0f} | {len(prepared) / seconds:.0f} |")
    scheduler_cost()


def time_clusterer(articles, settings: dict) -> dict[str, float]:
    """CPU seconds of the clusterer alone on features made beforehand, fed in ingest's
    batches (500, time order within each): every candidate scored exactly (the scalar
    scorer, as before `story_filter`) and as now (approximate scores first); `settings`:
    name -> (clusterer parameters, features of `articles`). Checks that both give every
    article the same story."""
    from corroborate.stories import StoryClusterer, time_order

    batches = [list(range(i, min(i + 500, len(articles)))) for i in range(0, len(articles), 500)]
    order = [batch[i] for batch in batches for i in time_order([articles[j] for j in batch])]
    rows = {}
    for name, (params, features) in settings.items():
        stories = {}
        for scoring in ("every candidate exactly (before)", "approximate first (now)"):
            clusterer = StoryClusterer(**params)
            clusterer._score_exactly = scoring.startswith("every")
            ordered = [features[i] for i in order]
            assigned = []
            started = time.process_time()
            for first in range(0, len(ordered), 500):
                assigned += clusterer.add_features(ordered[first : first + 500])
            rows[f"clusterer, {name}, {scoring}"] = time.process_time() - started
            stories[scoring] = [clusterer.story_of(s) for s in assigned]  # of each article, merges resolved
        same = len({digest(v) for v in stories.values()}) == 1
        print(f"clusterer, {name}: {len(set(stories[scoring]))} stories; the same story for every article "
              f"with both scorers: {'yes' if same else 'NO'}")  # fmt: skip
    return rows


def part_clusterer(folder: Path, articles: int, before: str | None = None) -> None:
    """The clusterer alone on features made beforehand (in this process), scoring every
    candidate exactly and as now; with `before` (a git ref), also the clusterer of that
    commit, in its own process on the same features, beside this code's, the same way."""
    from corroborate.stories import StoryClusterer, read_for_clustering

    feed = folder / "feed.jsonl"
    if not feed.exists():
        from ingest_throughput import write_stream

        write_stream(feed, articles)
    read, _ = read_for_clustering([feed])
    settings = {}
    for name, params in (("default settings", {}), ("every article embedded", EMBEDDINGS)):
        maker = StoryClusterer(**params)
        settings[name] = (params, [f for first in range(0, len(read), 500) for f in maker.features(read[first : first + 500])])
    rows = time_clusterer(read, settings)
    print(f"\nclusterer on precomputed features, {len(read)} articles (CPU time of this process)")
    print("| settings, scoring | CPU us/article | articles/s |")
    print("|---|---:|---:|")
    for name, seconds in rows.items():
        print(f"| {name.removeprefix('clusterer, ')} | {1e6 * seconds / len(read):.0f} | {len(read) / seconds:.0f} |")
    if before:
        compare_clusterers(folder, read, settings, before)


def compare_clusterers(folder: Path, articles, settings: dict, before: str, rounds: int = 3) -> None:
    """The clusterer (as it runs: approximate scores first) of commit `before` and of this
    code, each in a fresh process on the same features in ingest's batches, alternately
    `rounds` times (the machine may be shared: the fastest round of each is kept), with
    the stories of every article checked identical."""
    from corroborate.stories import time_order

    batches = [list(range(i, min(i + 500, len(articles)))) for i in range(0, len(articles), 500)]
    order = [batch[i] for batch in batches for i in time_order([articles[j] for j in batch])]
    kept = folder / "clusterer-features.pkl"
    kept.write_bytes(pickle.dumps({name: (params, [features[i] for i in order]) for name, (params, features) in settings.items()}))
    old = folder / "before"
    old.mkdir(exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", before, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", before], capture_output=True, text=True).stdout.strip()
    versions = {f"{before} ({commit})": str(old / "src"), "this code": str(ROOT / "src")}
    best: dict = {}
    for _ in range(rounds):
        for version, path in versions.items():
            environment = {**os.environ, "PYTHONPATH": path}
            done = subprocess.run([sys.executable, __file__, "--run", "clusterer", "--feed", str(kept)],
                                  capture_output=True, text=True, env=environment)  # fmt: skip
            if done.returncode:
                sys.exit(f"clusterer of {version} failed:\n{done.stderr[-3000:]}")
            for name, row in json.loads(done.stdout.strip().splitlines()[-1]).items():
                if (version, name) not in best or row["cpu"] < best[version, name]["cpu"]:
                    best[version, name] = row
    print(f"\nclusterer on precomputed features, {len(articles)} articles: {before} against this code "
          f"(each in its own process, fastest of {rounds} alternate rounds)")  # fmt: skip
    print("| settings | code | CPU us/article | articles/s (CPU) | articles/s (wall) | start-up CPU s | stories of every article |")
    print("|---|---|---:|---:|---:|---:|---|")
    for name in settings:
        for version in versions:
            row = best[version, name]
            same = "identical" if row["stories"] == best[next(iter(versions)), name]["stories"] else "DIFFERENT"
            print(f"| {name} | {version} | {1e6 * row['cpu'] / len(articles):.0f} | {len(articles) / row['cpu']:.0f} "
                  f"| {len(articles) / row['wall']:.0f} | {row['start_up']:.2f} | {row['stories']} ({same}) |")  # fmt: skip


def run_clusterer(kept: Path) -> dict:
    """In its own process: the clusterer as it runs on the features of `compare_clusterers`."""
    from corroborate.stories import StoryClusterer

    rows = {}
    started = time.process_time()
    try:  # the compiled kernels, loaded from numba's on-disk cache: a one-time cost, reported apart
        from corroborate.story_kernels import warm_up

        warm_up()
    except ImportError:  # code from before them
        pass
    start_up = time.process_time() - started
    for name, (params, features) in pickle.loads(kept.read_bytes()).items():
        clusterer = StoryClusterer(**params)
        assigned = []
        started, cpu = time.perf_counter(), time.process_time()
        for first in range(0, len(features), 500):
            assigned += clusterer.add_features(features[first : first + 500])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
        rows[name] = {"cpu": cpu, "wall": wall, "stories": digest([clusterer.story_of(s) for s in assigned]), "start_up": start_up}
    return rows


def scheduler_cost(tasks: int = 2000) -> None:
    """Client + scheduler time per task (trivial tasks on 2 local workers)."""
    from corroborate import distributed

    with distributed.connect("local:2") as client:
        client.gather(client.map(abs, range(100)))
        started = time.perf_counter()
        client.gather(client.map(abs, range(tasks), pure=False))
        seconds = time.perf_counter() - started
    print(f"scheduler: {tasks} trivial tasks in {seconds:.2f} s wall = {1000 * seconds / tasks:.2f} ms a task "
          f"({tasks / seconds:.0f} tasks/s, client and scheduler on one machine)")  # fmt: skip


def part_dedup(folder: Path, articles: int) -> None:
    """`dedup` in one process and on 2 workers (same records?), and the band join against
    dask.bag.groupby on the same band keys."""
    from corroborate import distributed
    from corroborate.dedup import DedupOptions, dedup_inputs

    feed = folder / "feed.jsonl"
    if not feed.exists():
        from ingest_throughput import write_stream

        write_stream(feed, articles)
    options = DedupOptions()
    started, cpu = time.perf_counter(), time.process_time()
    alone = list(dedup_inputs([str(feed)], options))
    one = (time.perf_counter() - started, time.process_time() - cpu)
    with distributed.connect("local:2") as client:
        started = time.perf_counter()
        spread = list(distributed.dedup(client, [str(feed)], options))
        two = time.perf_counter() - started
        join = band_join_against_bag(client, feed, options)
    near = sum(1 for r in alone if getattr(r, "kind", "original") != "original")
    print(f"\ndedup of {len(alone)} documents ({near} copies or near copies): one process {one[0]:.1f} s wall "
          f"({one[1]:.1f} s CPU); 2 workers {two:.1f} s wall; identical records: {'yes' if spread == alone else 'NO'}")
    print(join)


def band_join_against_bag(client, feed: Path, options) -> str:
    """The same band keys joined by our numpy shuffle and by dask.bag.groupby."""
    import dask.bag as db
    import numpy as np

    from corroborate.dedup import _pairs_within, _signatures, band_keys, shingle_batch
    from corroborate.distributed import tasks
    from corroborate.stories import read_for_clustering

    articles, _ = read_for_clustering([feed])
    texts = [a.title + "\n\n" + a.text for a in articles]
    parts = []
    for first in range(0, len(texts), 250):
        batch = shingle_batch(texts[first : first + 250], options.shingle_words, options.seed)
        rows = np.flatnonzero(np.diff(batch.bounds) >= options.min_shingles)
        keys = band_keys(_signatures(batch.keys, rows, options.num_perm), options.band_rows)
        parts.append((keys.ravel(), np.repeat(rows.astype(np.uint64) + np.uint64(first), keys.shape[1])))
    futures = client.scatter(parts)
    started = time.perf_counter()
    mapped = [client.submit(_split, part, 4, pure=False) for part in futures]
    joined = [client.submit(tasks.band_pairs, *[client.submit(lambda m, p=p: m[p], m, pure=False) for m in mapped], pure=False) for p in range(4)]
    ours = np.unique(np.concatenate(client.gather(joined)))
    numpy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bag = db.from_sequence([(int(k), int(d)) for keys, docs in parts for k, d in zip(keys, docs)], npartitions=len(parts))
    grouped = bag.groupby(lambda pair: pair[0], shuffle="tasks").map(lambda group: sorted(d for _, d in group[1]))
    pairs = grouped.filter(lambda docs: len(docs) > 1).map(lambda docs: [(b << 32) | a for i, b in enumerate(docs) for a in docs[:i] if a != b])
    theirs = np.unique(np.array(pairs.flatten().compute(scheduler=client.get), dtype=np.uint64))
    bag_seconds = time.perf_counter() - started
    same = np.array_equal(ours, theirs) and np.array_equal(ours, np.unique(_pairs_within(*map(np.concatenate, zip(*parts)))))
    return (f"band join of {sum(len(k) for k, _ in parts)} band keys ({len(ours)} candidate pairs): numpy shuffle "
            f"{numpy_seconds:.2f} s, dask.bag.groupby {bag_seconds:.2f} s (same pairs: {'yes' if same else 'NO'})")  # fmt: skip


def _split(part, partitions: int):
    import numpy as np

    keys, docs = part
    which = (keys % np.uint64(partitions)).astype(np.int64)
    return [(keys[which == p], docs[which == p]) for p in range(partitions)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", nargs="+", default=["ingest", "briefs", "clusterer", "writer", "dedup"])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--before", metavar="REF", help="clusterer part: also time the clusterer of this git commit")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--feed", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run == "clusterer":
        print(json.dumps(run_clusterer(args.feed)))
        return
    if args.run:
        print(json.dumps(run_variant(args.run, args.variant, args.db, args.feed, args.keep)))
        return
    if not DATA.exists():
        sys.exit(f"skipped: {DATA} is absent (the evaluation data lives beside the project)")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "ingest" in args.parts:
            part_ingest(folder, args.articles)
        if "briefs" in args.parts:
            part_briefs(folder, args.stories)
        if "clusterer" in args.parts:
            part_clusterer(folder, args.articles, args.before)
        if "writer" in args.parts:
            part_writer(folder, args.articles)
        if "scheduler" in args.parts:
            scheduler_cost()
        if "dedup" in args.parts:
            part_dedup(folder, args.articles)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
