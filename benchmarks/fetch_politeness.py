"""Politeness of the fetcher, measured: 1,000 pages across 20 local hosts.

    .venv/bin/python benchmarks/fetch_politeness.py [--pages 1000] [--hosts 20] [--interval 0.2]

Twenty HTTP servers on loopback addresses 127.0.0.2-21 (in a separate process,
so that the fetcher's time and memory are its own) serve our own fictional
pages, with a robots.txt each. The fetcher gets every URL at once, in an order
that mixes the hosts, with the default settings except the per-host interval
(shortened so the run takes seconds, not minutes). The servers log when each
request arrives; from those logs:

- spacing: the time between two requests to one host, as the host saw it
  (never below the interval is the promise);
- total time against the ideal for that interval: a host that gets N requests
  (its robots.txt and its pages) needs at least (N - 1) x interval;
- peak memory (max RSS) of the fetching process, and its CPU time.

Three runs: fetching alone; fetching with every response archived to a WARC
file (one fsync per response, as `ingest` and `watch` do); and that while the
pages are read into articles through the HTML path on the main thread (what
`corroborate brief URL... --archive FILE` does). Peak RSS is the process's
maximum so far, so a later run's figure includes the earlier runs'.
Nothing here contacts any address but the loopback servers it starts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

SENTENCES = [
    "The Harwick Bay ferry committee met on Thursday to discuss the spring timetable for route {n}.",
    "Committee member Ilse Varnum said route {n} carried about {p} passengers a day before the storm.",
    "“We will decide on route {n} before the first sailing of the season,” Varnum told reporters.",
    "Councillors asked for a review of pier maintenance on route {n} before next winter, the minutes show.",
    "The operator said repairs to the landing used by route {n} would cost {c} thousand crowns.",
]


def _serve(hosts: int, pages: int, pipe) -> None:
    """The servers' process: start them, say where they are, serve until told to stop,
    then send back the arrival log of each host."""
    from local_web import Site, page

    sites = []
    for h in range(hosts):
        site = Site(f"127.0.0.{h + 2}", robots="User-agent: *\nDisallow: /private/\n").start()
        for n in range(pages):
            number = h * pages + n
            text = [s.format(n=number, p=100 + number % 900, c=20 + number % 70) for s in SENTENCES]
            site.route(f"/news/{n}", page(f"Ferry route {number} timetable", text))
        sites.append(site)
    pipe.send([site.origin for site in sites])
    pipe.recv()  # "stop"
    logs = [[hit.at for hit in site.hits()] for site in sites]
    for site in sites:
        site.stop()
    pipe.send(logs)


def _spacings(logs: list[list[float]]) -> list[float]:
    return [b - a for arrivals in logs for a, b in zip(sorted(arrivals), sorted(arrivals)[1:])]


def run(hosts: int, pages_per_host: int, interval: float, read: bool, archived: bool = True) -> dict:
    from corroborate.fetch import Fetcher, FetchOptions
    from corroborate.fetch.archive import Archive
    from corroborate.fetch.pages import fetch_page, read_page

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve, args=(hosts, pages_per_host, theirs))
    server.start()
    origins = ours.recv()
    # Host-interleaved order: what a mixed reading list or several feeds give.
    urls = [f"{origin}/news/{n}" for n in range(pages_per_host) for origin in origins]
    options = FetchOptions(per_host_interval=interval)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu_before = time.process_time()
    fetched = failed = articles = 0
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(Path(folder) / "bench.warc.gz") if archived else None
        with Fetcher(options, archive=archive) as fetcher:
            start = time.monotonic()
            for result in fetcher.ordered((lambda url=url: fetch_page(fetcher, url)) for url in urls):
                if result.failure is not None:
                    failed += 1
                    continue
                fetched += 1
                if read:
                    articles += read_page(result, options).__class__.__name__ == "RawArticle"
            elapsed = time.monotonic() - start
        if archive is not None:
            archive.close()
        archive_bytes = (Path(folder) / "bench.warc.gz").stat().st_size if archived else 0
    cpu = time.process_time() - cpu_before
    ours.send("stop")
    logs = ours.recv()
    server.join()
    spacing = _spacings(logs)
    requests_per_host = max(len(arrivals) for arrivals in logs)
    ideal = (requests_per_host - 1) * interval
    return {
        "mode": "fetch" + (" + archive" if archived else "") + (" + read" if read else ""),
        "pages": fetched,
        "failed": failed,
        "articles": articles if read else None,
        "requests": sum(len(arrivals) for arrivals in logs),
        "min_spacing": min(spacing),
        "median_spacing": statistics.median(spacing),
        "below_interval": sum(1 for s in spacing if s < interval),
        "elapsed": elapsed,
        "ideal": ideal,
        "cpu": cpu,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "archive_mb": archive_bytes / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages in all")
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.2, help="per-host interval, seconds")
    args = parser.parse_args()
    per_host = args.pages // args.hosts
    rows = [
        run(args.hosts, per_host, args.interval, read=False, archived=False),
        run(args.hosts, per_host, args.interval, read=False),
        run(args.hosts, per_host, args.interval, read=True),
    ]
    print(f"{args.hosts} hosts x {per_host} pages, per_host_interval {args.interval} s (each host also serves its robots.txt)\n")
    print("| run | pages ok | requests | min spacing | median spacing | spacings < interval | time | ideal | time / ideal | CPU | peak RSS (before) | WARC |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        print(
            f"| {r['mode']} | {r['pages']} | {r['requests']} | {r['min_spacing']:.3f} s | {r['median_spacing']:.3f} s | "
            f"{r['below_interval']} | {r['elapsed']:.1f} s | {r['ideal']:.1f} s | {r['elapsed'] / r['ideal']:.2f} | "
            f"{r['cpu']:.1f} s | {r['rss_peak_mb']:.0f} MB ({r['rss_before_mb']:.0f} MB) | {r['archive_mb']:.1f} MB |"
        )
    print(f"\nread run: {rows[-1]['articles']} of {rows[-1]['pages']} pages gave an article")


if __name__ == "__main__":
    main()
