"""Real-data quality gate for story clustering: B-cubed F1 of `corroborate cluster`
on ECB+ (all dev articles) and on a deterministic subset of UCI headlines (the
first 2,000 records; the full set runs in benchmarks/clustering_bcubed.py).
Floors are pinned in tests/floors.json."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, floor, shared_path

sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "sample"), [("ecbplus", None), ("uci", 2000)])
def test_cluster_bcubed_f1_floor(name, sample):
    shared_path("data", "ecbplus_dev.jsonl.gz" if name == "ecbplus" else "uci_headlines.jsonl.gz")
    from clustering_bcubed import bcubed, prepare, run_cluster_command

    with tempfile.TemporaryDirectory() as folder:
        path, gold = prepare(name, Path(folder), sample)
        stories, _ = run_cluster_command(path)
    ids = [i for i in gold if i in stories]
    assert len(ids) >= 0.99 * len(gold)
    _, _, f1 = bcubed([gold[i] for i in ids], [stories[i] for i in ids])
    print(f"{name}: B-cubed F1 {f1:.3f}")
    assert f1 >= floor(f"cluster_{name}_bcubed_f1")
