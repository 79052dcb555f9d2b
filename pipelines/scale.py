"""Extraction in worker processes: local ones (`cvkg ingest --processes N`) or a Dask cluster (`--dask ADDRESS`).

The main process reads the articles and writes the store; workers parse and extract. Batches of
articles go out as tasks, at most a few per worker in flight (memory stays flat on both sides),
and results come back in input order, so the graph equals a one-process run's.

Each worker extracts from the docs it parsed and sends back only what they state: a parsed Doc
costs more to send between processes than to extract from.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from graph.records import Article, ArticleResult
from pipelines.errors import InputError
from pipelines.ingest import Skipped

if TYPE_CHECKING:
    from concurrent.futures import Future

    from spacy.language import Language
    from spacy.tokens import Doc

    from ontology import GazetteerEntry
    from pipelines.config import Settings

logger = logging.getLogger(__name__)
R = TypeVar("R")
IN_FLIGHT_PER_WORKER = 2
_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
PARSED_AHEAD = 3  # batches submitted to the parse worker and not yet extracted


@cache
def _worker_nlp(model: str) -> tuple[Language, dict[str, GazetteerEntry]]:
    """The model with cvkg's components and the gazetteer, loaded once per worker process."""
    from ontology import load_gazetteer
    from pipelines.nlp import build_nlp

    gazetteer = load_gazetteer()
    return build_nlp(model, gazetteer=gazetteer), gazetteer


def _start_worker(model: str, parent: int) -> None:
    """Initializer of a local worker: tie it to the main process, then load the model.

    It ignores Ctrl-C (the main process stops the pool) and, on Linux, is killed by the kernel when
    the main process dies: a killed ingest leaves no orphan holding its pipes and memory.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            logger.debug("prctl unavailable: a worker may outlive a killed ingest")
    if os.getppid() != parent:  # the main process died before the line above
        os._exit(1)
    _worker_nlp(model)


def _worker_pool(workers: int, model: str) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(), initializer=_start_worker, initargs=(model, os.getpid())
    )


def extract_batch(articles: list[Article], model: str = "", max_seconds: float = 0) -> list[ArticleResult | Skipped]:
    """Run on a worker: parse and extract a batch of articles (those over the time limit come back skipped)."""
    from pipelines.run import process

    nlp, gazetteer = _worker_nlp(model)
    found: list[ArticleResult | Skipped] = []
    batch_size = len(articles) or 1
    for result in process(
        articles, nlp, batch_size=batch_size, gazetteer=gazetteer, max_seconds=max_seconds, on_skip=found.append
    ):
        found.append(result)
    return found


def parse_batch(texts: list[str], model: str = "") -> list[bytes]:
    """Run on a worker: parse a batch of texts, each doc serialised without its tensor (extraction never reads it)."""
    nlp, _ = _worker_nlp(model)
    return [doc.to_bytes(exclude=["tensor"]) for doc in nlp.pipe(texts, batch_size=len(texts) or 1)]


def parsed_in_worker(articles: Iterable[Article], settings: Settings) -> Iterator[tuple[Doc, Article]]:
    """Each article with its parse, in input order, parsed in one worker process.

    The worker parses the next batches while this process extracts from the last: the model
    holds Python's lock for nearly all its work, so a thread could not run beside it.
    """
    import spacy
    from spacy.tokens import Doc

    import pipelines.components  # noqa: F401 - registers the extension attributes the docs carry
    from pipelines.nlp import resolve_model_name

    name = resolve_model_name(settings.model)  # a missing model is reported here, not by the worker
    pool = _worker_pool(1, settings.model)
    sent: deque[list[Article]] = deque()  # the batches submitted and not yet read, in order

    def submit() -> Iterator[Future[list[bytes]]]:
        for batch in _batches(articles, settings.batch_size):
            sent.append(batch)
            yield pool.submit(parse_batch, [a.text for a in batch], settings.model)

    try:
        vocab = None
        for parsed in _in_order(submit(), PARSED_AHEAD):
            if vocab is None:  # loaded while the worker parses the next batches, not before it starts
                vocab = spacy.load(name).vocab
            for data, article in zip(parsed, sent.popleft(), strict=True):
                yield Doc(vocab).from_bytes(data), article
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


def _in_order(tasks: Iterable[Future[R]], window: int) -> Iterator[R]:
    """The tasks' results in submission order, with at most `window` tasks submitted and not yet read."""
    pending: deque[Future[R]] = deque()
    for task in tasks:
        pending.append(task)
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _stated(
    batches: Iterable[list[ArticleResult | Skipped]], on_skip: Callable[[Skipped], None] | None
) -> Iterator[ArticleResult]:
    """The results of batches of articles, those skipped passed to `on_skip`."""
    for batch in batches:
        for item in batch:
            if isinstance(item, Skipped):
                if on_skip is not None:
                    on_skip(item)
            else:
                yield item


def pool_results(
    articles: Iterable[Article], settings: Settings, *, on_skip: Callable[[Skipped], None] | None = None
) -> Iterator[ArticleResult]:
    """What each article states, extracted by `settings.processes` local worker processes, in input order.

    Workers start the platform's default way, as spaCy's own do (forked on Linux, before this
    process writes anything), and each loads the model once, all at the same time.
    """
    workers = max(settings.processes, 1)
    pool = _worker_pool(workers, settings.model)
    try:
        tasks = (
            pool.submit(extract_batch, batch, settings.model, settings.max_seconds)
            for batch in _batches(articles, settings.batch_size)
        )
        yield from _stated(_in_order(tasks, IN_FLIGHT_PER_WORKER * workers), on_skip)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def dask_results(
    articles: Iterable[Article], settings: Settings, *, on_skip: Callable[[Skipped], None] | None = None
) -> Iterator[ArticleResult]:
    """What each article states, extracted by the cluster at `settings.dask`, in input order.

    Raises:
        InputError: Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise InputError("--dask needs Dask: pip install 'cvkg[dask]'") from exc
    try:
        client = Client(settings.dask, timeout=settings.dask_timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {settings.dask} ({exc})") from exc
    try:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        logger.info("extracting on %d Dask workers at %s", workers, settings.dask)
        tasks = (
            client.submit(extract_batch, batch, settings.model, settings.max_seconds, pure=False)
            for batch in _batches(articles, settings.batch_size)
        )
        yield from _stated(_in_order(tasks, IN_FLIGHT_PER_WORKER * workers), on_skip)  # type: ignore[arg-type]
    finally:
        client.close()
