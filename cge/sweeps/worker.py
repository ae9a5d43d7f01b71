"""The per-chunk solve, run by a worker: one :class:`~cge.economy.Economy` per process (built
once, reused), the members' instruments set on its model, and the chunk's members solved in
order (:func:`solve_chunk`), each record packed into arrays. Top-level functions only, so that
process pools and dask can pickle them."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..closure import Closure
from ..data import Dataset
from ..economy import Economy
from .extract import VARIABLES, Extract
from .members import Job

#: Economies built by this process, by (data digest, closure, thread): built once, reused.
_ECONOMIES: OrderedDict[tuple, Economy] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def cached_economy(data: Dataset, digest: str, closure: Closure) -> Economy:
    """This process's (and thread's) Economy of ``data`` under ``closure``: built and compiled at
    the first call, then reused (the last few are kept); ``digest`` identifies the data."""
    key = (digest, closure, threading.get_ident())
    with _LOCK:
        eco = _ECONOMIES.get(key)
        if eco is not None:
            _ECONOMIES.move_to_end(key)
            return eco
    eco = Economy(data, closure)
    with _LOCK:
        _ECONOMIES[key] = eco
        while len(_ECONOMIES) > _CACHE_SIZE:
            _ECONOMIES.popitem(last=False)
    return eco


#: Per-member solve record: name, dtype, units, meaning.
STATUS = {
    "status": (str, "", "converged or failed"),
    "iterations": (np.int32, "", "solver iterations (of the last attempt)"),
    "steps": (np.int32, "", "continuation steps (1 = a direct solve)"),
    "residual": (float, "", "max |residual| (relative to benchmark values) at the end"),
    "seconds": (float, "s", "wall time of the member's solve and read-out"),
    "solver": (str, "", "solver that produced the solution, e.g. newton"),
    "message": (str, "", "solver message; for a failed member, what failed and the solver's status"),
    "reached": (float, "share of the shock, 0-1", "failed member: how far continuation got"),
    "worst_block": (str, "", "failed member: equation block with the largest residual, its tag, "
                    "size and worst equation"),
    "diagnosis": (str, "", "failed member: what the solution path shows (e.g. saving heading to zero)"),
    "warning": (str, "", "warnings of a converged solve (e.g. a flow priced out)"),
}


@dataclass
class _Applied:
    """What a chunk's members have set on the model, so that each member changes only what
    differs from the previous one."""

    #: the tariff vector the model holds (None: unknown, write every rate)
    rates: tuple[float, ...] | None = None
    #: the elasticities may differ from the data's (a chunk starts unsure: the Economy is reused)
    drawn: bool = True
    #: (Param name, index) → base value of every parameter an override has changed
    params: dict = field(default_factory=dict)


#: solved members of a chunk that :class:`_Starts` keeps as starting points
STARTS_KEPT = 32
#: two solved members and a new one are on a line, equally spaced, when the tariff vectors
#: agree to this (absolute, fractions) once extrapolated
LINE_TOL = 1e-12


class _Starts:
    """Starting points of a chunk's members, from the members solved before them in the chunk
    (among those with the same parameter overrides and elasticities). A member starts from
    the nearest one (the least sum of absolute differences of the tariff vector; ties go to
    the latest) and, where a member one more step back on the same line was solved too,
    from the linear extrapolation of the two (in log x where x > 0): on a grid, two
    neighbours along an axis. Without any, it starts from what the model holds (the previous
    member's solution, or the benchmark after a failure). On a grid in row-major order the
    previous member is one step away except where an axis wraps around: there the member one
    row back is. Deterministic given the chunk, so results still do not depend on which
    worker solved which chunk."""

    def __init__(self) -> None:
        self.rates: list[np.ndarray] = []
        self.same: list[tuple] = []  # (params, elasticities) of each kept member
        self.x: list[np.ndarray] = []

    def start(self, job: Job) -> np.ndarray | None:
        """The member's starting point (None: what the model holds)."""
        key = (job.params, job.elasticities)
        cand = [k for k, s in enumerate(self.same) if s == key]
        if not cand:
            return None
        r = np.asarray(job.rates, dtype=float)
        R = np.array([self.rates[k] for k in cand])
        dist = np.abs(R - r).sum(axis=1)
        best = len(cand) - 1 - int(np.argmin(dist[::-1]))  # the latest of the nearest
        a = self.x[cand[best]]
        far = np.abs(R - (2 * R[best] - r)).max(axis=1, initial=0.0)
        far[best] = np.inf
        line = np.flatnonzero(far <= LINE_TOL)
        if line.size:
            b = self.x[cand[int(line[-1])]]
            with np.errstate(all="ignore"):
                pos = (a > 0) & (b > 0)
                guess = np.where(pos, a * a / np.where(pos, b, 1.0), 2 * a - b)
            if np.all(np.isfinite(guess)):
                return guess
        return a

    def solved(self, job: Job, x: np.ndarray) -> None:
        """Keep ``job``'s solution ``x``."""
        self.rates.append(np.asarray(job.rates, dtype=float))
        self.same.append((job.params, job.elasticities))
        self.x.append(np.asarray(x, dtype=float))
        if len(self.x) > STARTS_KEPT:
            for a in (self.rates, self.same, self.x):
                del a[0]


def _set_params(eco: Economy, keys: list, job: Job, state: _Applied) -> None:
    """Give the model the member's instruments: its full tariff vector, its elasticity draws and
    its overrides; a parameter or elasticity changed by an earlier member and not by this one
    returns to its base value. Only values that differ from the previous member's are written."""
    tm = eco.model.tm
    prev, state.rates = state.rates, None
    for k, (key, v) in enumerate(zip(keys, job.rates)):
        if prev is None or prev[k] != v:
            tm[key] = v
    state.rates = job.rates
    if state.drawn or job.elasticities:
        eco.reset_elasticities()
        state.drawn = bool(job.elasticities)
        if job.elasticities:
            eco.set_elasticities(dict(job.elasticities))
    touched = state.params
    wanted = {(n, i): v for n, i, v in job.params}
    for (n, i), base in list(touched.items()):
        if (n, i) not in wanted:
            getattr(eco.model, n)[i] = base
            del touched[(n, i)]
    for (n, i), v in wanted.items():
        comp = getattr(eco.model, n)
        if (n, i) not in touched:
            touched[(n, i)] = comp[i].value
        comp[i] = v


def solve_chunk(data: Dataset, digest: str, closure: Closure, solver: str, keys: list,
                jobs: list[Job]) -> dict:
    """Solve one chunk of members on this process's Economy; returns arrays by member.

    Starts from the benchmark solution; each member is warm-started from the solution of the
    nearest member solved before it in the chunk (:class:`_Starts`), else from the last
    member's solution (after a failure, the benchmark). The Pyomo model's variables are not
    written (they hold the benchmark).
    """
    from ..solver import SolveError

    eco = cached_economy(data, digest, closure)
    if list(eco.base_tariffs()) != list(keys):
        raise RuntimeError("the worker's base tariffs do not match the sweep's: different data?")
    eco.reset()
    ext = getattr(eco, "_sweep_extract", None)
    if ext is None:
        ext = eco._sweep_extract = Extract(eco)  # type: ignore[attr-defined]
    state = _Applied()
    starts = _Starts()
    recs = []
    # the start of a member without a solved neighbour: the last member's solution (after a
    # failure, the benchmark's); solutions are not written into the Pyomo model (write=False:
    # ~0.15 ms a member on usjpn2024), whose variables keep the benchmark of eco.reset()
    last = eco.x_base
    for job in jobs:
        t0 = time.perf_counter()
        rec: dict[str, Any] = {"index": job.index, "digest": job.digest}
        try:
            _set_params(eco, keys, job, state)
            start = starts.start(job)
            info = eco.solve(solver, reuse_lu=True, start=last if start is None else start,
                             write=False)
        except SolveError as err:
            last = eco.x_base  # the next member starts from the benchmark
            top = err.blocks[0] if err.blocks else None
            rec.update(status="failed", iterations=err.info.iterations, steps=err.info.steps,
                       residual=err.info.max_residual, solver=err.info.solver,
                       message=f"{err.headline}; solver {err.info.solver}: {err.info.message}",
                       reached=np.nan if err.reached is None else err.reached,
                       worst_block=(f"{top['block']} ({top['tag']}): {top['max_abs']:.3g} at "
                                    f"{top['worst']}" if top else
                                    "; ".join(f"{n} = {v:.3g}" for n, v in err.worst)),
                       diagnosis="; ".join(err.diagnosis), warning="", values=None)
        except (ArithmeticError, ValueError, RuntimeError) as err:  # not a SolveError: record it
            last = eco.x_base
            rec.update(status="failed", iterations=0, steps=0, residual=np.nan, solver=solver,
                       message=f"{type(err).__name__}: {err}", reached=np.nan, worst_block="",
                       diagnosis="", warning="", values=None)
        else:
            last = eco.solution.x
            starts.solved(job, last)
            rec.update(status="converged", iterations=info.iterations, steps=info.steps,
                       residual=info.max_residual, solver=info.solver, message=info.message,
                       reached=np.nan, worst_block="", diagnosis="",
                       warning="; ".join(info.warnings), values=ext(info))
        rec["seconds"] = time.perf_counter() - t0
        recs.append(rec)
    return _pack(recs, ext)


def _pack(recs: list[dict], ext: Extract) -> dict:
    n = len(recs)
    shapes = ext.shapes
    out: dict[str, np.ndarray] = {"index": np.array([r["index"] for r in recs], dtype=np.int64),
                                  "digest": np.array([r["digest"] for r in recs], dtype=str)}
    for name, (dims, _, _) in VARIABLES.items():
        arr = np.full((n, *(shapes[d] for d in dims)), np.nan)
        for k, r in enumerate(recs):
            if r["values"] is not None:
                arr[k] = r["values"][name]
        out[name] = arr
    for name, (typ, _, _) in STATUS.items():
        out[name] = np.array([r[name] for r in recs], dtype=typ)
    return out


