"""Load on `corroborate serve`: a 10,000-article store, 32 concurrent clients, 5,000
requests across the home page, searches, story pages and article pages, while
`corroborate ingest` writes new articles to the same store.

    .venv/bin/python benchmarks/web_load.py                      # builds the store once, then measures
    .venv/bin/python benchmarks/web_load.py --store /tmp/web_load   # keep the built store there for re-runs

The store is built at run time, never committed: news-length articles varied
from the shared data (ECB+ and Multi-News, as benchmarks/ingest_throughput.py
builds them) when ../shared is present, else fictional generated ones. The
briefs of the stories the clients ask for are made first (story pages are
served from the cache); the concurrent ingest adds fictional stories of other
towns, so it writes to the store without touching those briefs.

Loopback only: the server listens on 127.0.0.1 and the client loop is bounded
(a fixed number of requests, a deadline). Prints p50/p95/p99 latency per kind of
page, requests per second, errors, the ingest's progress during the load, and
the CPU time of the server and of the client (the machine is shared: wall-clock
latency depends on what else runs; the load average is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

TARGETS = {"story": 100.0, "search": 200.0}  # p95 ms on 2 cores


def build_store(folder: Path, articles: int, briefs: int, seed: int) -> dict:
    """The store (ingested once) and the briefs of `briefs` stories, largest first."""
    from corroborate.store import Store
    from corroborate.store.briefs import story_brief
    from corroborate.store.ingest import ingest

    db = folder / "load.db"
    meta = folder / "meta.json"
    if db.exists() and meta.exists():
        info = json.loads(meta.read_text())
        started = time.perf_counter()
        with Store(db) as store:  # briefs made by other code are made again (the cache is keyed by code)
            for story_id in info["stories"]:
                story_brief(store, story_id)
        print(f"kept store: {len(info['stories'])} briefs checked or made again in {time.perf_counter() - started:.0f} s", flush=True)
        return info
    feed = folder / "feed.jsonl"
    source = write_feed(feed, articles, seed)
    started = time.perf_counter()
    with Store(db) as store:
        summary = ingest([feed], store, batch_size=500)
        print(f"built: {summary.new} articles ingested in {time.perf_counter() - started:.0f} s ({source})", flush=True)
        rows = store.stories(min_size=3)
        rng = random.Random(seed)
        chosen = sorted(rng.sample([r.id for r in rows], min(briefs, len(rows))))
        started = time.perf_counter()
        for story_id in chosen:
            story_brief(store, story_id)
        print(f"built: {len(chosen)} briefs in {time.perf_counter() - started:.0f} s", flush=True)
        article_ids = [a.id for story_id in chosen for a in store.story_articles(story_id)]
        outlets = [o for o, in store.connection.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")]
        words = [w for (w,) in store.connection.execute("SELECT title FROM articles ORDER BY seq LIMIT 3000")]
    vocabulary = sorted({w.strip(".,:;'\"()").lower() for title in words for w in title.split() if len(w) > 4 and w.isalpha()})
    info = {"source": source, "articles": summary.new, "stories": chosen, "article_ids": article_ids,
            "outlets": outlets, "vocabulary": vocabulary}  # fmt: skip
    meta.write_text(json.dumps(info))
    return info


def write_feed(path: Path, count: int, seed: int) -> str:
    shared = ROOT.parent / "shared" / "data"
    if shared.exists():
        from ingest_throughput import write_stream

        write_stream(path, count, seed)
        return "news-length articles varied from ../shared (ECB+, Multi-News)"
    from stream_builders import stream, write_jsonl

    write_jsonl(path, stream(stories=count // 12 + 1, per_story=12, seed=seed)[:count])
    return "fictional generated articles (../shared absent)"


def concurrent_feed(path: Path, count: int) -> Path:
    """Fictional articles of other towns, with ids and URLs of their own."""
    from stream_builders import stream, write_jsonl

    records = stream(stories=count // 10 + 1, per_story=10, seed=4242)[:count]
    return write_jsonl(path, [dict(r, id="live-" + r["id"], url=r["url"].replace(".example/", ".example/live/")) for r in records])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plan(info: dict, total: int, seed: int) -> list[tuple[str, str]]:
    """(kind, path) of every request, in a seeded random order."""
    rng = random.Random(seed)
    requests = []
    for _ in range(total):
        roll = rng.random()
        if roll < 0.2:
            params = rng.choice([{}, {"sort": "largest"}, {"sort": "oldest"}, {"outlet": rng.choice(info["outlets"])},
                                 {"size": "5-9"}, {"altered": "yes"}])  # fmt: skip
            requests.append(("home", "/" + ("?" + urlencode(params) if params else "")))
        elif roll < 0.5:
            words = " ".join(rng.sample(info["vocabulary"], rng.choice((1, 1, 2))))
            requests.append(("search", "/?" + urlencode({"q": words})))
        elif roll < 0.8:
            requests.append(("story", f"/stories/{rng.choice(info['stories'])}"))
        else:
            requests.append(("article", "/articles/" + quote(rng.choice(info["article_ids"]), safe="")))
    return requests


async def drive(ports: list[int], requests: list[tuple[str, str]], clients: int, deadline: float) -> list[tuple]:
    """Send every request with `clients` concurrent keep-alive connections; (kind, seconds,
    status, note, server CPU ms of the page from its Server-Timing header or None) each. A minimal HTTP/1.1 client on asyncio streams: httpx's async
    client cost 4.8 ms of CPU a request here, more than the server it measured, on the
    same two cores."""
    results: list[tuple] = []
    queue = list(reversed(requests))

    async def one_client(port: int) -> None:
        reader = writer = None
        while queue and time.monotonic() < deadline:
            kind, path = queue.pop()
            started = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n\r\n".encode())
                status, headers, body = await asyncio.wait_for(_response(reader), timeout=60)
                note = "preparing" if kind == "story" and b"being prepared" in body else ""
                note = note or ("kept" if headers.get("x-corroborate-page") == "kept" else "")
                results.append((kind, time.perf_counter() - started, status, note, _cpu_ms(headers.get("server-timing", ""))))
                if headers.get("connection", "").lower() == "close":
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
                results.append((kind, time.perf_counter() - started, 0, type(error).__name__, None))
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(one_client(ports[number % len(ports)]) for number in range(clients)))
    return results


async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        return status, headers, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, headers, body
            body += chunk[:-2]
    raise ValueError("response without a length")


def _cpu_ms(server_timing: str) -> float | None:
    """The `cpu;dur=MS` of a Server-Timing header (web/timing.py), None without one (a kept page)."""
    for metric in server_timing.split(","):
        name, _, rest = metric.strip().partition(";")
        if name == "cpu" and rest.startswith("dur="):
            return float(rest[4:])
    return None


class LoadSampler:
    """The 1-minute load average, sampled every second while the load runs (the machine is shared)."""

    def __init__(self) -> None:
        import threading

        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its children so far (from /proc), the
    running children too (`serve --set processes=N`'s other processes)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in [str(pid), *(e for e in os.listdir("/proc") if e.isdigit() and e != str(pid))]:
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if entry == str(pid):
            total += sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks
        elif int(fields[1]) == pid:
            total += sum(int(fields[i]) for i in (11, 12)) / ticks
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--briefs", type=int, default=20, help="stories briefed beforehand (the story pages asked for)")
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--ingest", type=int, default=3_000, help="articles the concurrent ingest writes (0: none)")
    parser.add_argument("--store", type=Path, default=None, help="folder to build the store in and keep (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kept-story", action="store_true",
                        help="ask for one briefed story's page only (kept after the first), to measure the cost of a kept page")  # fmt: skip
    parser.add_argument("--ingest-niceness", type=int, default=0, help="run the concurrent ingest this much nicer than the server (as `nice -n`)")
    parser.add_argument("--no-page-cache", action="store_true", help="serve with page_cache_mb=0: every page made afresh")
    parser.add_argument("--servers", type=int, default=1,
                        help="experiment: this many independent `serve` processes on the same store, the clients split between them")  # fmt: skip
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="a setting of the server (repeatable)")
    args = parser.parse_args()

    folder = args.store or Path(tempfile.mkdtemp(prefix="corroborate-web-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    info = build_store(folder, args.articles, args.briefs, args.seed)
    # Measure on a copy, so that the concurrent ingest never changes the kept store.
    work = Path(tempfile.mkdtemp(prefix="corroborate-web-run-"))
    db = work / "load.db"
    shutil.copy(folder / "load.db", db)
    ports = [free_port() for _ in range(args.servers)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "corroborate", "serve", "--db", str(db), "--port", str(port), "--set", "precompute_briefs=false",
             *(["--set", "page_cache_mb=0"] if args.no_page_cache else []), "--set", "server_timing=true",
             *[part for pair in args.settings for part in ("--set", pair)]],
            stdout=subprocess.DEVNULL, stderr=(work / f"serve-{port}.log").open("w"),
        )
        for port in ports
    ]  # fmt: skip
    ingest = None
    try:
        for port, server in zip(ports, servers):
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/robots.txt", timeout=2).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        sys.exit("the server did not start: " + (work / f"serve-{port}.log").read_text()[-2000:])
                    time.sleep(0.2)
            # Warm-up: one request of each kind (imports, first connection of a thread).
            for path in ("/", "/?q=report", f"/stories/{info['stories'][0]}", "/articles/" + quote(info["article_ids"][0], safe="")):
                urllib.request.urlopen(base + path, timeout=30).close()
        if args.ingest:
            feed = concurrent_feed(work / "live.jsonl", args.ingest)
            ingest = subprocess.Popen(
                [sys.executable, "-m", "corroborate", "ingest", str(feed), "--db", str(db), "--batch", "100"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=(lambda: os.nice(args.ingest_niceness)) if args.ingest_niceness else None,
            )  # fmt: skip
            # The load starts once the ingest has committed its first batch (it loads its
            # models first), so that every request of the run is served while it writes.
            stored, waited = _articles(db), time.monotonic() + 300
            while _articles(db) == stored and ingest.poll() is None and time.monotonic() < waited:
                time.sleep(0.2)
        count_before = _articles(db)
        load_before = os.getloadavg()
        server_cpu = sum(process_cpu(server.pid) for server in servers)
        client_cpu = time.process_time()
        started = time.perf_counter()
        requests = [("story", f"/stories/{info['stories'][0]}")] * args.requests if args.kept_story else plan(info, args.requests, args.seed)
        with LoadSampler() as sampler:
            results = asyncio.run(drive(ports, requests, args.clients, time.monotonic() + 600))
        elapsed = time.perf_counter() - started
        server_cpu = sum(process_cpu(server.pid) for server in servers) - server_cpu
        client_cpu = time.process_time() - client_cpu
        written = _articles(db) - count_before
        ingest_state = "still running" if ingest and ingest.poll() is None else ("finished" if ingest else "none")
    finally:
        for process in (ingest, *servers):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nstore: {info['articles']:,} articles ({info['source']}), {len(info['stories'])} stories briefed beforehand; "
          f"page cache {'off' if args.no_page_cache else 'on'}; settings {args.settings or 'default'}; {args.servers} server process(es)")  # fmt: skip
    print(f"load: {len(results):,} requests, {args.clients} concurrent clients, {elapsed:.1f} s -> {len(results) / elapsed:.0f} requests/s; "
          f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"{statistics.mean(sampler.samples or [0]):.1f} mean / {max(sampler.samples or [0]):.1f} max during the run")  # fmt: skip
    print(f"concurrent ingest: {written:,} articles written to the same store during the load ({ingest_state}), "
          f"niceness +{args.ingest_niceness} against the server")  # fmt: skip
    print(f"CPU: server {server_cpu:.1f} s ({1000 * server_cpu / max(len(results), 1):.2f} ms/request; it ran {server_cpu / elapsed:.2f} "
          f"of a core on average), client loop {client_cpu:.1f} s\n")  # fmt: skip
    print("| page | requests | kept | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU ms/page made (mean / p95) | server CPU ms/request | target p95 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in ("home", "search", "story", "article", "all"):
        chosen = [r for r in results if kind == "all" or r[0] == kind]
        if not chosen:
            continue
        ms = [1000 * r[1] for r in chosen]
        errors = sum(1 for r in chosen if r[2] != 200)
        target = TARGETS.get(kind)
        verdict = f"< {target:.0f} ({'met' if percentile(ms, 0.95) < target else 'NOT met'})" if target else ""
        kept = sum(1 for r in chosen if r[3] == "kept")
        # The pages' own CPU (Server-Timing: the thread that made each); kept pages made none.
        made = [r[4] for r in chosen if r[4] is not None]
        cpu = f"{statistics.mean(made):.2f} / {percentile(made, 0.95):.2f}" if made else "–"
        per_request = f"{sum(made) / len(chosen):.2f}" if made else "–"
        print(f"| {kind} | {len(chosen):,} | {kept:,} | {statistics.median(ms):.0f} | {percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} | "
              f"{max(ms):.0f} | {errors} | {cpu} | {per_request} | {verdict} |")  # fmt: skip
    preparing = sum(1 for r in results if r[3] == "preparing")
    kept = sum(1 for r in results if r[3] == "kept")
    print(f"\npages served from the page cache: {kept:,} of {len(results):,}")
    made = sum(r[4] for r in results if r[4] is not None) / 1000
    print(f"server CPU in the pages' own threads: {made:.1f} s of {server_cpu:.1f} s; the rest ({server_cpu - made:.1f} s) is the event loop "
          "(HTTP, kept pages, the page cache's checks) and the threads' hand-offs")
    failures = [r for r in results if r[2] != 200]
    print(f"\nstory pages served without a cached brief (\"being prepared\"): {preparing}")
    if failures:
        print("failures:", sorted({(r[0], r[2], r[3]) for r in failures})[:10])


def _articles(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
        return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


if __name__ == "__main__":
    main()
