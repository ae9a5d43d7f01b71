"""Where chunks run: serially in this process, on a local process pool, on any
:class:`concurrent.futures.Executor`, or on a ``dask.distributed`` cluster (:class:`Runner`)."""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import os
import signal
import sys
import threading
import time
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
            try:
                from distributed import Client
            except ImportError:
                raise SweepError(f"a scheduler address ({ex}) needs dask.distributed, which is not "
                                 "installed", hint="pip install 'cge[dask]'") from None

            self.own = ex = Client(ex)
        if ex is None:
            n = self.workers if self.workers is not None else (os.cpu_count() or 1)
            if n < 1:
                raise SweepError(f"workers = {n}: must be at least 1")
            n = min(n, self.chunks)  # no process without a chunk to solve
            if n > 1:
                self.own = ex = cf.ProcessPoolExecutor(max_workers=n, initializer=_worker_init,
                                                       initargs=(os.getpid(),))
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

    def __exit__(self, kind, *exc):
        if self.own is not None:
            if _is_client(self.own):
                self.own.close()
            else:
                if kind is not None:  # interrupted or failed: stop the chunks being solved
                    _stop_workers(self.own)
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
            if self.own is None:  # the caller's executor: leave it as it was
                for f in futs:
                    f.cancel()
            # our pool is stopped by __exit__; a future cancelled here would make its manager
            # thread fail (Python 3.11: set_exception on a cancelled future) and leave the
            # process hanging at exit on the pipe to the terminated workers


#: prctl(2) option: the signal this process gets when its parent dies (Linux)
_PR_SET_PDEATHSIG = 1
#: seconds between two looks of a worker's watchdog at its parent
WATCH_SECONDS = 0.25


def _worker_init(parent: int) -> None:
    """Initializer of each process of the local pool: the process dies with the sweep's.

    Killed by SIGKILL the moment its parent dies (Linux: ``prctl(PR_SET_PDEATHSIG)``), and, on
    every system, by a watchdog thread that exits the process when its parent changes
    (``os.getppid()``: the parent died and the process was adopted). A worker holds nothing to
    clean up (the parent saves the chunks). Ctrl-C (SIGINT to the terminal's whole process
    group) is ignored here: the parent stops its workers (:func:`_stop_workers`); SIGTERM
    takes its default action (the command line's handler, inherited through fork, would turn
    it into a KeyboardInterrupt that the pool reports as a chunk's result)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:  # the signal is sent when the *thread* that forked this process ends: the
            # sweep's (the pool forks its processes in the thread that submits the chunks)
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog remains
            pass
    ppid = os.getppid()
    if ppid != parent and not _alive(parent):  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(ppid,), name="cge-parent-watchdog", daemon=True).start()


def _watch(ppid: int) -> None:
    """A worker's watchdog: exit the process once its parent ``ppid`` is gone."""
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != ppid:
            os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists, owned by someone else
        return True
    return True


def _stop_workers(ex: cf.ProcessPoolExecutor) -> None:
    """Terminate the processes of a local pool (an interrupted or failed sweep): the chunks
    they are solving are lost, and would be solved again on resume anyway."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.terminate()
        except (OSError, ValueError):  # pragma: no cover - already gone or closed
            pass
    for p in procs:
        try:
            p.join(5)
        except (OSError, ValueError, AssertionError):  # pragma: no cover
            pass


def _is_client(obj) -> bool:
    mod = type(obj).__module__ or ""
    return mod.startswith("distributed") and type(obj).__name__ == "Client"

