"""Extraction on a Dask distributed cluster (`cvkg ingest --dask ADDRESS`).

The client reads the articles and writes the store; workers parse and extract. Batches of
articles go out as tasks, at most a few per worker in flight (memory stays flat on both sides),
and results come back in input order, so the graph equals a local run's.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING

from graph.records import Article, ArticleResult
from pipelines.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language

    from pipelines.config import Settings

logger = logging.getLogger(__name__)
IN_FLIGHT_PER_WORKER = 2


@cache
def _worker_nlp(model: str) -> Language:
    """The model with cvkg's components, loaded once per worker process."""
    from ontology import load_gazetteer
    from pipelines.nlp import build_nlp

    return build_nlp(model, gazetteer=load_gazetteer())


def extract_batch(articles: list[Article], model: str = "") -> list[ArticleResult]:
    """Run on a worker: parse and extract a batch of articles."""
    from ontology import load_gazetteer
    from pipelines.run import process

    nlp = _worker_nlp(model)
    return list(process(articles, nlp, batch_size=len(articles) or 1, gazetteer=load_gazetteer()))


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


def dask_results(articles: Iterable[Article], settings: Settings) -> Iterator[ArticleResult]:
    """What each article states, extracted by the cluster at `settings.dask`, in input order.

    Raises:
        InputError: Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise InputError("--dask needs Dask: pip install 'cvkg[dask]'") from exc
    try:
        client = Client(settings.dask, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {settings.dask} ({exc})") from exc
    try:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        logger.info("extracting on %d Dask workers at %s", workers, settings.dask)
        window: deque[object] = deque()
        for batch in _batches(articles, settings.batch_size):
            window.append(client.submit(extract_batch, batch, settings.model, pure=False))
            if len(window) >= IN_FLIGHT_PER_WORKER * workers:
                yield from window.popleft().result()  # type: ignore[attr-defined]
        while window:
            yield from window.popleft().result()  # type: ignore[attr-defined]
    finally:
        client.close()
