"""Scale-out on Dask: the same stores, duplicate groups, stories and briefs as one
process, on a real cluster started as a user starts one (`dask scheduler` and two
`dask worker` processes on 127.0.0.1), on a LocalCluster (`--dask local:2`), with a
worker killed mid-run, and with the client interrupted. Nothing listens beyond
127.0.0.1.

The cluster is started once for the module (about 10 s on 2 cores)."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from stream_builders import stream, write_jsonl
from test_store import snapshot  # the store's tables, for comparing two stores

pytest.importorskip("distributed", reason="--dask needs the dask extra: pip install 'corroborate[dask]'")

from click.testing import CliRunner  # noqa: E402

from corroborate.cli import main  # noqa: E402
from corroborate.store import Store  # noqa: E402

BIN = Path(sys.executable).parent
def cached_briefs(path: Path) -> dict[int, str]:
    """Each cached brief, rendered as JSON (what a reader is served)."""
    from corroborate.render import render

    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT story_id, brief FROM briefs").fetchall()
    return {story: render(pickle.loads(zlib.decompress(blob)), "json") for story, blob in rows}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "corroborate"), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """`dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1, random ports."""
    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    # --no-dashboard still serves health checks over HTTP: on 127.0.0.1 too, never all interfaces.
    common = ["--no-dashboard", "--dashboard-address", "127.0.0.1:0", "--host", "127.0.0.1"]
    processes = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--port", "0", "--scheduler-file", str(address_file), *common],
            stdout=subprocess.DEVNULL, stderr=(folder / "scheduler.log").open("w"), start_new_session=True,
        )
    ]  # fmt: skip
    try:
        # Waits are long because a loaded machine (another suite beside this one) was seen
        # to take over 60 s to start a nanny's worker process; they end as soon as it is up.
        deadline = time.monotonic() + 180
        while not address_file.exists() or not address_file.read_text().strip():
            if time.monotonic() > deadline or processes[0].poll() is not None:
                pytest.fail(f"the dask scheduler did not start: {(folder / 'scheduler.log').read_text()[-2000:]}")
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for number in (1, 2):
            processes.append(
                subprocess.Popen(
                    [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--name", f"w{number}", *common],
                    stdout=subprocess.DEVNULL, stderr=(folder / f"worker{number}.log").open("w"), start_new_session=True,
                )
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=240)
        yield address
    finally:
        # Each was started in a session of its own: its group is it and the processes it
        # started (a nanny's worker), and nothing of the cluster outlives the tests.
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A fictional stream (one JSON Lines file, read in byte ranges) and, beside it, a
    folder of text files with exact and near copies, records without text and a bad line."""
    folder = tmp_path_factory.mktemp("inputs")
    records = stream(stories=10, per_story=6)
    write_jsonl(folder / "feed.jsonl", records)
    extra = folder / "more"
    extra.mkdir()
    for number, record in enumerate(records[:12]):
        text = record["text"] if number % 3 else record["text"].replace(" the ", " a ", 2)  # near copies
        (extra / f"copy{number:02d}.txt").write_text(f"title {record['title']}\n\n{text}\n")
    lines = [json.dumps({"title": f"Headline only {n}", "text": ""}) for n in range(6)] + ["{not json"]
    (extra / "broken.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def one_process_store(path: Path, inputs: list, **params) -> dict:
    return one_process_ingest(path, inputs, **params)[0]


def one_process_ingest(path: Path, inputs: list, **params):
    from corroborate.store.ingest import ingest

    with Store(path) as store:
        summary = ingest(inputs, store, batch_size=16, background=False, **params)
    return snapshot(path), summary


def test_ingest_on_a_dask_cluster_stores_what_one_process_stores(scheduler, inputs, tmp_path):
    paths = [str(inputs / "feed.jsonl"), str(inputs / "more"), str(inputs / "missing.jsonl")]
    expected, alone = one_process_ingest(tmp_path / "one.db", paths)
    run = cli("ingest", *paths, "--db", str(tmp_path / "dask.db"), "--batch", "16", "--dask", scheduler)
    assert run.returncode == 0, run.stderr
    assert snapshot(tmp_path / "dask.db") == expected
    assert "Traceback" not in run.stderr
    assert "missing.jsonl: no such file or folder" in run.stderr
    assert alone.duplicates and alone.rejected
    assert run.stdout.startswith(f"{alone.read} read, {alone.new} new, {alone.duplicates} duplicates, {alone.rejected} rejected")


def test_briefs_on_a_dask_cluster_are_the_briefs_of_one_process(scheduler, tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", stream(stories=3, per_story=4, seed=11))
    one_process_store(tmp_path / "one.db", [feed])
    (tmp_path / "dask.db").write_bytes((tmp_path / "one.db").read_bytes())
    assert CliRunner().invoke(main, ["briefs", "--db", str(tmp_path / "one.db")]).exit_code == 0
    run = cli("briefs", "--db", str(tmp_path / "dask.db"), "--dask", scheduler)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("3 briefs built")
    expected = cached_briefs(tmp_path / "one.db")
    assert len(expected) == 3 and cached_briefs(tmp_path / "dask.db") == expected
    # Nothing changed since: --stale-only keeps them all.
    again = CliRunner().invoke(main, ["briefs", "--db", str(tmp_path / "dask.db"), "--stale-only", "--dask", scheduler])
    assert again.output.startswith("0 briefs built, 3 up to date"), again.output


def test_dedup_and_cluster_on_a_dask_cluster_match_one_process(scheduler, inputs):
    from distributed import Client

    from corroborate import distributed
    from corroborate.dedup import DedupOptions, dedup_inputs
    from corroborate.stories import StoryClusterer, cluster

    paths = [str(inputs / "more"), str(inputs / "feed.jsonl")]
    options = DedupOptions(min_shingles=5)
    expected = list(dedup_inputs(paths, options))
    assert any(getattr(r, "kind", None) == "near-duplicate" for r in expected)
    assert any(getattr(r, "kind", None) == "duplicate" for r in expected)
    with Client(scheduler, timeout=60) as client:
        from corroborate.distributed.worker import CorroborateSetup
        from corroborate.store.briefs import code_fingerprint

        client.register_plugin(CorroborateSetup(code_fingerprint()))
        # Small units: the stream is read in many ranges and the band join spans them.
        assert list(distributed.dedup(client, paths, options, unit_bytes=4096)) == expected
        assert distributed.cluster(client, paths, StoryClusterer(), unit_bytes=4096) == cluster(paths, StoryClusterer())


def test_a_worker_killed_mid_run_costs_only_its_tasks(scheduler, inputs, tmp_path):
    from distributed import Client

    from corroborate import distributed
    from corroborate.distributed.worker import CorroborateSetup
    from corroborate.store.briefs import code_fingerprint

    paths = [str(inputs / "feed.jsonl"), str(inputs / "more")]
    expected = one_process_store(tmp_path / "one.db", paths)
    killed = []
    with Client(scheduler, timeout=60) as client, Store(tmp_path / "dask.db") as store:
        client.register_plugin(CorroborateSetup(code_fingerprint()))

        def kill_a_worker(summary) -> None:
            # After the first batch is written, with units still running or held on the
            # workers: kill -9 the process of the worker that holds the most of them.
            if killed:
                return
            held = client.has_what()
            victim = max(held, key=lambda worker: len(held[worker]))
            pid = client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            killed.append((pid, len(held[victim])))

        distributed.ingest(client, paths, store, batch_size=8, on_batch=kill_a_worker, unit_bytes=2048)
        client.wait_for_workers(2, timeout=240)  # the nanny starts a new worker process: the cluster is whole again
    (pid, results_lost), = killed
    assert results_lost > 0  # finished units died with it: they were read again
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert snapshot(tmp_path / "dask.db") == expected


def test_an_interrupted_run_continues_from_the_store(scheduler, inputs, tmp_path):
    paths = [str(inputs / "feed.jsonl")]
    expected = one_process_store(tmp_path / "one.db", paths)
    from distributed import Client

    from corroborate import distributed
    from corroborate.distributed.worker import CorroborateSetup
    from corroborate.store.briefs import code_fingerprint

    def stop_after_two(summary) -> None:
        if summary.batches == 2:
            raise KeyboardInterrupt

    with Client(scheduler, timeout=60) as client:
        client.register_plugin(CorroborateSetup(code_fingerprint()))
        with Store(tmp_path / "dask.db") as store, pytest.raises(KeyboardInterrupt):
            distributed.ingest(client, paths, store, batch_size=16, on_batch=stop_after_two, unit_bytes=4096)
        assert len(snapshot(tmp_path / "dask.db")["articles"]) == 32
        with Store(tmp_path / "dask.db") as store:
            summary = distributed.ingest(client, paths, store, batch_size=16, unit_bytes=4096)
    assert (summary.duplicates, summary.new) == (32, len(expected["articles"]) - 32)
    assert snapshot(tmp_path / "dask.db") == expected


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    import socket

    from corroborate.distributed import connection

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(connection, "CONNECT_SECONDS", 2)
    feed = write_jsonl(tmp_path / "feed.jsonl", stream(stories=1, per_story=2))
    result = CliRunner().invoke(main, ["ingest", str(feed), "--db", str(tmp_path / "s.db"), "--dask", f"127.0.0.1:{port}"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"corroborate: error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (")


def test_dedup_on_a_local_cluster_prints_the_lines_of_one_process(inputs):
    paths = [str(inputs / "more"), str(inputs / "feed.jsonl")]
    alone = CliRunner().invoke(main, ["dedup", *paths])
    local = cli("dedup", *paths, "--dask", "local:2")
    assert local.returncode == 0, local.stderr
    assert local.stdout == alone.stdout and local.stdout.count("\n") == 72
    assert local.stderr == alone.stderr and "broken.jsonl:7: malformed JSON line" in local.stderr


def test_each_worker_uses_its_share_of_its_machine(scheduler):
    from corroborate.distributed import connect
    from corroborate.distributed.worker import cores_of

    assert cores_of(1, 1, usable=2) == 2  # a lone one-thread worker: both cores, as one process
    assert cores_of(1, 2, usable=2) == 1  # two side by side: one each
    assert cores_of(2, 3, usable=8) == 5
    assert cores_of(4, 4, usable=2) == 4  # never fewer cores than task threads
    assert cores_of(1, None, usable=8) == 1  # joined later: its threads only
    with connect(scheduler) as client:
        shares = client.run(lambda: __import__("corroborate.nlp").nlp.CORES)
    assert sorted(shares.values()) == [max(1, len(os.sched_getaffinity(0)) // 2)] * 2


def _parse_processes(queue) -> None:
    from corroborate import nlp

    queue.put(nlp._parse_workers(["x" * (nlp.PARALLEL_PARSE_CHARS + 1)]))


def test_a_daemonic_worker_parses_a_large_story_in_one_process(monkeypatch):
    """A daemonic process (a Dask worker by default) may not start the parser's second
    process: it parses in one, with the same docs, instead of failing the stage."""
    import multiprocessing

    from corroborate import nlp

    monkeypatch.setattr(nlp, "CORES", 2)
    assert nlp._parse_workers(["x" * (nlp.PARALLEL_PARSE_CHARS + 1)]) == 2
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_parse_processes, args=(queue,), daemon=True)
    child.start()
    assert queue.get(timeout=60) == 1
    child.join()
    monkeypatch.setattr(nlp, "CORES", 1)  # a worker's share of one core
    assert nlp._parse_workers(["x" * (nlp.PARALLEL_PARSE_CHARS + 1)]) == 1


def test_a_lone_local_worker_stores_what_one_process_stores_with_its_housekeeping_slowed(inputs, tmp_path):
    """`--dask local:1`: the worker's task threads (its share of the cores) read and
    embed units side by side, every article embedded, and the store is that of one
    process; its housekeeping runs at `connection.QUIET_LOCAL_CLUSTER`'s pace."""
    from corroborate import distributed
    from corroborate.distributed.connection import QUIET_LOCAL_CLUSTER

    every_article_embedded = {"embed_below_terms": 0, "embedding_weight": 1.0, "threshold": 0.3}
    expected, _ = one_process_ingest(tmp_path / "one.db", [str(inputs / "feed.jsonl")], **every_article_embedded)

    def settings():
        import dask

        return {name: dask.config.get(name) for name in QUIET_LOCAL_CLUSTER}

    with Store(tmp_path / "dask.db") as store, distributed.connect("local:1") as client:
        distributed.ingest(client, [str(inputs / "feed.jsonl")], store, batch_size=16, unit_bytes=4096, **every_article_embedded)
        (worker_settings,) = client.run(settings).values()
    assert snapshot(tmp_path / "dask.db") == expected
    assert worker_settings == QUIET_LOCAL_CLUSTER
