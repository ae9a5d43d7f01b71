"""One sweep, end to end (:func:`sweep`): members resolved, chunks laid out, the output folder
opened (resume), chunks run, the results assembled and written."""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..closure import REVENUE, Closure
from ..data import Dataset
from ..economy import resolve_data, scenario_data
from ..report.provenance import now
from ..scenario import Scenario
from ..text import quote
from .assembly import assemble, write_results
from .errors import SweepError
from .members import (
    Job,
    Member,
    agreed_closure,
    agreed_elasticities,
    as_member,
    renamed,
    resolve_members,
)
from .runner import Runner
from .spec import SweepSpec, check_axes, load_sweep
from .store import FORMAT, Folder
from .worker import cached_economy, solve_chunk

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr


def _chunk_size(n: int) -> int:
    """Default chunk size, from the number of members only (never the workers: results must not
    depend on who runs them): 8 members per chunk (all of them if fewer) up to 512 members,
    then ``ceil(n / 64)`` members per chunk up to 2,048 members: at most 64 chunks up to there;
    beyond, 32 members per chunk (the most), so more than 64 chunks."""
    return max(min(n, 8), min(32, math.ceil(n / 64)))


def _data_digest(ds: Dataset) -> str:
    """The data's digest (with the elasticity set, when it is not the data's default); for a
    Dataset built in memory (no digest), one of its contents."""
    if ds.digest:
        if ds.elasticity_set == ds.default_elasticity_set:
            return ds.digest
        return hashlib.sha256(f"{ds.digest}\0elasticities={ds.elasticity_set}".encode()).hexdigest()
    h = hashlib.sha256()
    h.update(ds.elasticity_set.encode() + b"\0")
    for part in (ds.name, ds.unit, ds.reference_region, *ds.regions, "|", *ds.sectors, "|",
                 *ds.factors):
        h.update(str(part).encode() + b"\0")
    for df in (ds.sam, ds.trade, ds.elasticities):
        h.update(df.to_csv().encode())
    return h.hexdigest()


def _members_of(members, closure) -> tuple[str, list[Member], list, str | Closure | None, dict]:
    """Name, members, the (label, scenario) pairs whose closures the sweep's must be, the closure
    that overrides theirs (None: none) and provenance of what the caller gave."""
    if isinstance(members, str | Path):
        members = load_sweep(members)
    if isinstance(members, SweepSpec):
        spec = members
        info = {"sweep_file": spec.path, "sweep_digest": spec.digest,
                "description": spec.description}
        return (spec.name, renamed(spec.members()), [(sc.name, sc) for sc in spec.scenarios],
                closure or spec.closure, info | {"_spec": spec})
    if isinstance(members, Scenario | Mapping | Member) or not isinstance(members, Sequence):
        raise SweepError("members: expected a sweep file, a SweepSpec or a list of scenarios, "
                         f"dicts of rates or Members, not {type(members).__name__}")
    if not members:
        raise SweepError("members: the list is empty: nothing to sweep")
    items = renamed([as_member(k, it) for k, it in enumerate(members)])
    return "sweep", items, [(m.name, m.scenario) for m in items if m.scenario is not None], \
        closure, {}


def sweep(members: str | Path | SweepSpec | Sequence[Scenario | Mapping | Member], *,
          data: str | Path | Dataset | None = None, closure: str | Closure | None = None,
          elasticities: str | None = None, revenue: str | None = None, solver: str = "newton",
          out: str | Path | None = None,
          executor: cf.Executor | Any | str | None = None, workers: int | None = None,
          chunk_size: int | None = None, progress: bool | None = None, restart: bool = False,
          formats: Sequence[str] = ("netcdf", "parquet"), name: str | None = None,
          on_chunk: Callable[[int, int], None] | None = None) -> xr.Dataset:
    """Solve every member of a sweep and return the results as one xarray Dataset.

    Args:
        members: a sweep file (path), a parsed :class:`SweepSpec`, or a list whose items are
            :class:`~cge.scenario.Scenario` objects, dicts of tariff rates (fractions by
            (exporter, importer, sector), on top of the base rates) or :class:`Member` objects.
        data: a shipped data set name, a folder or a Dataset (default: the scenarios' ``data``, else
            ``world2024``).
        closure: closure name or object; default: the sweep file's, else the scenarios'. Each
            member runs under the closure ``cge run`` gives its scenario (with this ``closure``
            and ``revenue``): the closure, revenue rule and swaps; they must all be the same
            (members without a scenario take it), else ``"default"``.
        elasticities: an elasticity set of the data (e.g. ``"short_run"``); default: the
            scenarios' (they must agree), else the data's default set.
        revenue: how revenue is used (:data:`cge.closure.REVENUE`); default: the scenarios',
            else the closure's.
        solver: ``"newton"`` (with continuation and Ipopt fallback) or ``"ipopt"``.
        out: output folder. Each finished chunk is saved there as it completes, and at the end
            ``sweep.nc`` (netCDF), ``members.csv`` (status of each member) and, when pyarrow
            is installed, ``sweep.parquet`` (tidy numbers). Rerunning the same sweep with the
            same folder solves only the members not yet saved; a different sweep is refused.
        executor: where chunks run. ``None``: a local process pool of ``workers`` processes
            (default ``os.cpu_count()``; ``workers=1`` runs serially in this process). Or any
            :class:`concurrent.futures.Executor`, a ``distributed.Client``, or the address of
            a dask scheduler (e.g. ``"tcp://10.0.0.5:8786"``; a client is opened and closed).
        workers: processes of the local pool when ``executor`` is None.
        chunk_size: members per chunk (default: from the number of members only: 8, more
            beyond 512 members so that there are at most 64 chunks, but never more than 32).
            Each chunk starts from the benchmark; members within it are warm-started in order.
        progress: show a progress bar on stderr (default: when stderr is a terminal).
        restart: with ``out``, discard what the folder holds and start over.
        formats: files written to ``out``: ``"netcdf"`` and/or ``"parquet"``.
        name: the sweep's name (default: the sweep file's, else ``"sweep"``).
        on_chunk: called as ``on_chunk(done, total)`` (members) after each chunk is saved.

    Returns:
        Dataset with dims ``member``, ``region``, ``sector``, ``exporter``, ``importer``; the
        variables and their units are in :data:`VARIABLES` and :data:`STATUS` (docs/sweeps.md).
        Coordinates along ``member`` hold each member's shock values. Failed members have NaN
        numbers and ``status == "failed"`` with the solver's diagnosis.

    Raises:
        SweepError: an invalid sweep, member or output folder (before anything is solved).
        ScenarioError, DataError: an invalid scenario or data set.
    """
    t0 = time.perf_counter()
    plan = _plan(members, data, closure, solver, chunk_size, formats, name, elasticities, revenue)
    folder = Folder(out, plan.manifest, restart) if out is not None else None
    finished, todo = _pending(plan, folder)
    remaining = sum(len(j) for j in todo)
    already = len(plan.jobs) - remaining
    engine, solve_seconds = _run(plan, todo, finished, folder, executor=executor,
                                 workers=workers, progress=progress, already=already,
                                 on_chunk=on_chunk)
    result = assemble(finished, plan.items, plan.ds, _attrs(plan))
    if folder is not None and folder.damaged:
        result.attrs["damaged_chunks"] = " ".join(str(p) for p in folder.damaged)
    result.attrs.update({"solved_now": remaining, "solved_before": already,
                         "solve_seconds": round(solve_seconds, 3), "engine": engine,
                         "wall_seconds": round(time.perf_counter() - t0, 3)})
    if folder is not None:
        result.attrs["written"] = " ".join(str(p) for p in write_results(result, folder.dir, formats))
    return result


@dataclass(frozen=True)
class _Plan:
    """A sweep ready to run: its members resolved into jobs and laid out in chunks."""

    name: str
    items: list[Member]
    spec: SweepSpec | None
    prov: dict  # provenance: the sweep file and its digest, the description
    ds: Dataset
    closure: Closure
    solver: str
    keys: list  # the tariff keys, in the order of the jobs' rates
    digest: str  # the data's
    jobs: list[Job]
    size: int  # members per chunk
    layout: list[list[Job]]
    manifest: dict


def _plan(members, data, closure, solver: str, chunk_size: int | None, formats: Sequence[str],
          name: str | None, elasticities: str | None = None, revenue: str | None = None) -> _Plan:
    """Check the arguments, resolve every member against the data and lay out the chunks; every
    error is raised here, before anything is solved or written."""
    from ..calibrate import calibrate

    sname, items, sources, override, prov = _members_of(members, closure)
    spec = prov.pop("_spec", None)
    sname = name or sname
    scenarios = spec.scenarios if spec is not None else [m.scenario for m in items if m.scenario]
    if revenue is not None and revenue not in REVENUE:
        raise SweepError(f"unknown revenue rule {quote(revenue)}",
                         hint=f"rules are {', '.join(REVENUE)}")
    clo = agreed_closure(sources, override, revenue)
    if data is None and spec is not None and spec.data:
        data = spec.data  # the sweep file's data set, before its scenarios'
    ds = resolve_data(scenario_data(data, scenarios), elasticities or agreed_elasticities(scenarios))
    if solver not in ("newton", "ipopt"):
        raise SweepError(f"unknown solver {solver!r}", hint="choose newton or ipopt")
    if solver == "ipopt":
        from ..solver import require_ipopt

        require_ipopt()  # before any member is solved: one clear line, not a failed member each
    bad = [f for f in formats if f not in ("netcdf", "parquet")]
    if bad:
        raise SweepError(f"formats: unknown {', '.join(map(quote, bad))}", hint="netcdf, parquet")
    base = dict(calibrate(ds).tm)
    if spec is not None:
        check_axes(spec, ds, base)
    keys = list(base)
    digest = _data_digest(ds)
    probe = lambda: cached_economy(ds, digest, clo)  # noqa: E731
    if clo.swaps:
        probe()  # a swap that does not apply is refused now, not by the workers
    jobs = resolve_members(items, ds, base, probe, clo)
    size = chunk_size or _chunk_size(len(jobs))
    if size < 1:
        raise SweepError(f"chunk_size = {size}: must be at least 1")
    layout = [jobs[s:s + size] for s in range(0, len(jobs), size)]
    manifest = {"format": FORMAT, "generator": "cge", "name": sname, "data": ds.name,
                "data_digest": digest, "elasticities": ds.elasticity_set,
                "closure": asdict(clo), "solver": solver,
                "members": len(jobs), "member_digests": [j.digest for j in jobs],
                "members_digest": hashlib.sha256("".join(j.digest for j in jobs).encode()).hexdigest(),
                **{k: v for k, v in prov.items() if k != "description"}}
    return _Plan(sname, items, spec, prov, ds, clo, solver, keys, digest, jobs, size, layout,
                 manifest)


def _pending(plan: _Plan, folder: Folder | None) -> tuple[list[dict], list[list[Job]]]:
    """The chunks saved in the folder earlier (resume), and the chunks left to solve: the
    layout's chunks less the members already saved."""
    if folder is None:
        return [], plan.layout
    finished = folder.done(plan.jobs)
    covered = {i for a in finished for i in a["index"].tolist()}
    todo = [left for chunk in plan.layout if (left := [j for j in chunk if j.index not in covered])]
    return finished, todo


def _run(plan: _Plan, todo: list[list[Job]], finished: list[dict], folder: Folder | None, *,
         executor, workers: int | None, progress: bool | None, already: int,
         on_chunk: Callable[[int, int], None] | None) -> tuple[str, float]:
    """Solve the chunks of ``todo``, with a progress bar; each chunk's arrays are appended to
    ``finished`` and saved in the folder as they come. Returns the engine's description and the
    seconds the solves took."""
    from tqdm.auto import tqdm

    total = len(plan.jobs)
    show = progress if progress is not None else sys.stderr.isatty()
    bar = tqdm(total=total, initial=already, unit="member", desc=plan.name, file=sys.stderr,
               disable=not show, mininterval=0.5, dynamic_ncols=True)
    t_solve = time.perf_counter()
    done = already
    with Runner(executor, workers, len(todo)) as runner, bar:
        shared = (plan.ds, plan.digest, plan.closure, plan.solver, plan.keys)
        for arrays in runner.run(solve_chunk, shared, todo):
            finished.append(arrays)
            if folder is not None:
                folder.save(arrays)
            n = len(arrays["index"])
            done += n
            bar.update(n)
            if on_chunk is not None:
                on_chunk(done, total)
        engine = runner.description
    return engine, time.perf_counter() - t_solve


def _attrs(plan: _Plan) -> dict:
    """The Dataset's attributes (``created`` is now); ``_axes``: the attributes of each axis's
    coordinate, for a sweep file."""
    ds, clo = plan.ds, plan.closure
    attrs = {"title": plan.name, "generator": "cge", "cge_version": _version(), "data": ds.name,
             "data_digest": plan.digest, "currency_unit": ds.unit, "closure": clo.describe(),
             "revenue": clo.revenue,
             "elasticities": ds.elasticity_set,
             "solver": plan.solver, "members": len(plan.jobs), "chunk_size": plan.size,
             "members_digest": plan.manifest["members_digest"],
             "created": now(),
             **{k: v for k, v in plan.prov.items() if v}}
    if plan.spec is not None:
        attrs["_axes"] = {ax.name: {"operation": ax.operation,
                                    "units": "percentage points" if ax.operation == "add_pct" else "%",
                                    "importer": ax.importer,
                                    "exporters": ax.exporters if isinstance(ax.exporters, str)
                                    else " ".join(ax.exporters),
                                    "sectors": ax.sectors if isinstance(ax.sectors, str)
                                    else " ".join(ax.sectors)} for ax in plan.spec.axes}
    return attrs


def _version() -> str:
    """cge's version as report metadata gives it (:data:`cge.version.__version__`)."""
    from ..version import __version__

    return __version__
