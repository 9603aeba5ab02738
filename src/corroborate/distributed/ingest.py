"""The ordered writer: `ingest` and `cluster` on a cluster.

Workers read, clean and compute every article's features (`tasks.prepare`,
`tasks.featurize`); the client takes their results in input order and runs
the one stateful step itself, the same code as one process runs: the store's
batching loop (`store.ingest.ingest_items`: repeats skipped, batches of new
articles clustered in time order and written in one transaction each) or
`StoryClusterer.fit_predict`. Stories and store therefore come out exactly as
from one process, and a run stopped on the client continues from the store
when run again, like `corroborate ingest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import InputProblem
from . import tasks
from .stream import entries


def _params_key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


def ingest(
    client,
    inputs: Iterable,
    store,
    batch_size: int = 500,
    on_batch: Callable | None = None,
    unit_bytes: int | None = None,
    **clusterer_params,
):
    """`store.ingest.ingest` with the per-article work on the cluster of `client`."""
    from ..store.briefs import code_fingerprint
    from ..store.ingest import clusterer_for, ingest_items

    # The parameters the store was started with win, as in one process: the workers
    # must compute features with them.
    params = clusterer_for(store, **clusterer_params).get_params()
    items = entries(client, tasks.prepare, inputs, code_fingerprint(), _params_key(params), unit_bytes=unit_bytes)
    return ingest_items(items, store, batch_size, on_batch, **params)


def cluster(client, inputs: Iterable, clusterer=None, unit_bytes: int | None = None) -> tuple[list[dict], list[InputProblem]]:
    """`stories.cluster` (the `corroborate cluster` records and problems) with every
    article's features made on the cluster; the clustering itself runs here, in order."""
    from ..stories import StoryClusterer
    from ..store.briefs import code_fingerprint

    clusterer = clusterer or StoryClusterer()
    rows, problems = [], []
    key = _params_key(clusterer.get_params())
    for entry in entries(client, tasks.featurize, inputs, code_fingerprint(), key, unit_bytes=unit_bytes):
        (problems if isinstance(entry, InputProblem) else rows).append(entry)
    labels = clusterer.fit_predict(rows, [row.features for row in rows])
    records = [{"id": row.source_id or row.id, "story": f"s{label}"} for row, label in zip(rows, labels)]
    return records, problems
