"""Where extraction runs: in this process, in local worker processes, or on a Dask cluster.

A build cuts the texts it has to extract into partitions (lists of texts) and hands them to
a backend, which returns the mentions of each partition *in order*. Only a bounded number
of partitions is in flight at a time, so memory does not grow with the corpus; the workers
keep no ``Doc`` objects, only the small :class:`kg.model.Mention` records travel back.

- :class:`InProcess`: one ``nlp.pipe`` stream in this process.
- :class:`LocalProcesses`: ``n`` forked worker processes that inherit the loaded pipeline
  (no second model load), like ``nlp.pipe(n_process=n)`` but with bounded memory.
- :class:`DaskBackend`: partitions extracted on the workers of a Dask cluster
  (``kg build --dask tcp://host:8786``), or on a ``LocalCluster`` of two worker processes
  bound to 127.0.0.1 (``--dask local``). Each worker loads the pipeline once; ``kg`` must be
  installed on every worker.

Every backend runs the same :func:`extract_partition`, so the mentions, and hence the
graph, are identical whichever backend built them.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol

from kg.errors import ExtractError, UsageError
from kg.extract import BATCH_SIZE
from kg.model import Mention

#: Texts per partition sent to a worker.
PARTITION_SIZE = 512
#: Fewer texts than this are extracted in this process: a second process does not pay off.
PARALLEL_MIN_TEXTS = 500

Partition = list[str]
Result = list[list[Mention]]


@lru_cache(maxsize=4)
def pipeline(model: str | None = None) -> Any:
    """The extraction pipeline of this process: ``model`` directory, or the packaged one."""
    if model is None:
        from kg.extract.pipeline import default_pipeline

        return default_pipeline()
    from kg.extract.pipeline import load_pipeline

    return load_pipeline(model=model)


def extract_partition(texts: Partition, model: str | None = None,
                      batch_size: int = BATCH_SIZE) -> Result:
    """The mentions of each of ``texts`` (runs on whichever worker gets the partition)."""
    from kg.extract import extract_mentions

    return list(extract_mentions(texts, batch_size=batch_size, nlp=pipeline(model)))


def default_processes() -> int:
    """Worker processes for a large local build: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _ordered(submit: Callable[[Partition], Any], partitions: Iterable[Partition],
             window: int) -> Iterator[Result]:
    """Results of futures in submission order, at most ``window`` in flight."""
    pending: deque[Any] = deque()
    for part in partitions:
        pending.append(submit(part))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class Backend(Protocol):
    """Runs :func:`extract_partition` over partitions and yields results in order."""

    def map(self, partitions: Iterable[Partition]) -> Iterator[Result]:
        """The mentions of each partition, in the order given."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...


class InProcess:
    """Extract in this process."""

    def __init__(self, model: str | None = None, batch_size: int = BATCH_SIZE) -> None:
        self.model, self.batch_size = model, batch_size
        pipeline(model)  # load (and fail) early

    def map(self, partitions: Iterable[Partition]) -> Iterator[Result]:
        """See :class:`Backend`."""
        for part in partitions:
            yield extract_partition(part, self.model, self.batch_size)

    def close(self) -> None:
        """Nothing to release."""


class LocalProcesses:
    """Extract in ``n`` forked processes that share the pipeline loaded here."""

    def __init__(self, n: int, model: str | None = None, batch_size: int = BATCH_SIZE) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.model, self.batch_size, self.n = model, batch_size, n
        pipeline(model)  # loaded before the fork: the workers inherit it
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: each worker loads the pipeline
            context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=n, mp_context=context)

    def map(self, partitions: Iterable[Partition]) -> Iterator[Result]:
        """See :class:`Backend`."""
        def submit(part: Partition) -> Any:
            return self.pool.submit(extract_partition, part, self.model, self.batch_size)

        return _ordered(submit, partitions, window=2 * self.n)

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """Extract on the workers of a Dask cluster.

    Parameters
    ----------
    scheduler: a scheduler address (``tcp://10.0.0.5:8786``), or ``"local"`` for a
        ``LocalCluster`` of ``workers`` processes bound to 127.0.0.1 (no dashboard).
    model: the model directory the workers load (a path valid on the workers).
    timeout: seconds to wait for the scheduler.
    """

    def __init__(self, scheduler: str, model: str | None = None,
                 batch_size: int = BATCH_SIZE, workers: int = 2, timeout: float = 30) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise UsageError("--dask needs the distributed package: pip install "
                             "'dask[distributed]'") from err
        self.model, self.batch_size = model, batch_size
        self.cluster = None
        try:
            if scheduler == "local":
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, host="127.0.0.1",
                                            dashboard_address=None)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as err:
            self.close()
            raise UsageError(f"cannot connect to the Dask scheduler {scheduler!r}: {err}; "
                             "give its address (tcp://HOST:8786) or 'local'") from err
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, partitions: Iterable[Partition]) -> Iterator[Result]:
        """See :class:`Backend`."""
        def submit(part: Partition) -> Any:
            return self.client.submit(extract_partition, part, self.model, self.batch_size,
                                      pure=False)

        try:
            yield from _ordered(submit, partitions, window=2 * self.workers)
        except ExtractError:
            raise
        except Exception as err:  # a worker died or lost the task
            raise ExtractError(f"extraction failed on the Dask cluster: {err}; check that kg "
                               "and its model are installed on every worker") from err

    def close(self) -> None:
        """Disconnect, and stop the local cluster if one was started."""
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()


def backend(*, dask: str | None = None, n_process: int | None = None, texts: int = 0,
            model: str | None = None, batch_size: int = BATCH_SIZE) -> Backend:
    """The backend for a build.

    Parameters
    ----------
    dask: a Dask scheduler address or ``"local"``; ``None`` extracts on this machine.
    n_process: local worker processes; ``None`` picks what measured fastest here: one
        process below :data:`PARALLEL_MIN_TEXTS` texts, else every CPU.
    texts: how many texts are to be extracted (for the automatic choice).
    """
    if dask:
        return DaskBackend(dask, model=model, batch_size=batch_size)
    if n_process is None:
        n_process = default_processes() if texts >= PARALLEL_MIN_TEXTS else 1
    if n_process < 1:
        raise UsageError(f"n_process must be at least 1, not {n_process}")
    if n_process == 1:
        return InProcess(model, batch_size)
    return LocalProcesses(n_process, model, batch_size)
