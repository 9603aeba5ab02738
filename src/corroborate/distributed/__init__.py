"""Scale-out on Dask: `ingest`, `dedup`, `cluster` and `briefs` on a cluster, with the
same results as one process.

    connection.py --dask ADDRESS or local[:N]: the client, workers set up, clear errors
    worker.py    the worker plugin: same code as the client, models loaded once per worker
    units.py     the input cut into work units (files, or byte ranges of JSON Lines)
    reading.py   a unit read on a worker; units' results back into one ordered stream
    tasks.py     what workers run: read, clean, features, shingles, band keys, briefs
    stream.py    units submitted ahead, results taken in input order
    ingest.py    the ordered writer: the store's one batching loop, fed in order
    bands.py     near duplicates: the band join across partitions, grouped on the client
    briefs.py    stories briefed on workers, cached by the client

Work that depends on one article only runs on the workers; everything that
depends on order (which article is a repeat, which story an article joins,
which group a near-duplicate falls in) runs once, on the client, with the
same code as one process. The store is written only by the client.
"""

from __future__ import annotations

from .bands import dedup
from .briefs import build_briefs
from .connection import ClusterUnavailable, connect
from .ingest import cluster, ingest

__all__ = ["ClusterUnavailable", "build_briefs", "cluster", "connect", "dedup", "ingest"]
