"""Where chunks run: serially in this process, on a local process pool, on any
:class:`concurrent.futures.Executor`, or on a ``dask.distributed`` cluster (:class:`Runner`)."""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Iterable

from .errors import SweepError


class Runner:
    """Submits chunks to the chosen engine and yields each chunk's arrays
    (:func:`cge.sweeps.worker.solve_chunk`) as it finishes, in order of completion (the arrays
    carry their members' indices). A context manager: an executor or client it opens (a local
    process pool, a client of a scheduler address) is closed on exit."""

    def __init__(self, executor, workers: int | None, chunks: int):
        self.executor, self.workers, self.chunks = executor, workers, chunks
        self.own = None  # an executor or client made here, closed at the end
        self.kind = "serial"
        self.description = "serial, in this process"

    def __enter__(self):
        ex = self.executor
        if isinstance(ex, str):
            from distributed import Client

            self.own = ex = Client(ex)
        if ex is None:
            n = self.workers if self.workers is not None else (os.cpu_count() or 1)
            if n < 1:
                raise SweepError(f"workers = {n}: must be at least 1")
            n = min(n, self.chunks)  # no process without a chunk to solve
            if n > 1:
                self.own = ex = cf.ProcessPoolExecutor(max_workers=n)
                self.kind, self.description = "executor", f"{n} local processes"
        elif _is_client(ex):
            self.kind = "dask"
            nw = len(ex.scheduler_info().get("workers", {}))
            self.description = f"dask cluster at {ex.scheduler.address} ({nw} workers)"
        elif isinstance(ex, cf.Executor):
            self.kind, self.description = "executor", type(ex).__name__
        else:
            raise SweepError(f"executor: expected a concurrent.futures.Executor, a "
                             f"distributed.Client or a scheduler address, not {type(ex).__name__}")
        self.ex = ex
        return self

    def __exit__(self, *exc):
        if self.own is not None:
            if _is_client(self.own):
                self.own.close()
            else:
                self.own.shutdown(wait=True, cancel_futures=True)
        return False

    def run(self, fn: Callable, shared: tuple, chunks: list[list]) -> Iterable[dict]:
        """Run ``fn(*shared, chunk)`` for every chunk; yield the results as they finish."""
        if self.kind == "serial":
            for jobs in chunks:
                yield fn(*shared, jobs)
            return
        if self.kind == "dask":
            from distributed import as_completed

            data = self.ex.scatter(shared[0], broadcast=True)
            futs = [self.ex.submit(fn, data, *shared[1:], jobs, pure=False) for jobs in chunks]
            try:
                for fut in as_completed(futs):
                    yield fut.result()
            finally:
                self.ex.cancel(list(futs))
            return
        futs = [self.ex.submit(fn, *shared, jobs) for jobs in chunks]
        try:
            for fut in cf.as_completed(futs):
                yield fut.result()
        finally:
            for f in futs:
                f.cancel()


def _is_client(obj) -> bool:
    mod = type(obj).__module__ or ""
    return mod.startswith("distributed") and type(obj).__name__ == "Client"

