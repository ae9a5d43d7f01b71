"""Scenario sweeps: many tariff scenarios solved as one job, gathered into one xarray Dataset.

A sweep is a list of *members*. A member is a full set of model instruments: the tariff vector
(the base rates with the member's changes on top) and, optionally, overrides of other mutable
parameters (production and direct tax rates, saving propensities, endowments, ...; see
:class:`Member`). Members come from a list of scenarios (:class:`~cge.scenario.Scenario`
objects or dicts of rates) or from a sweep file whose ``[[axis]]`` tables span a grid
(docs/sweeps.md)::

    >>> import cge
    >>> res = cge.sweep("grid.toml", workers=2, out="grid")   # a sweep file (docs/sweeps.md)
    >>> res.ev.sel(region="JPN")                              # regional EV by member, USD million

How it runs
    Members are cut into chunks of consecutive members (``chunk_size``; the layout depends on
    the members only, never on the number of workers, so results are the same bit for bit
    whatever runs them). A worker builds and compiles the :class:`~cge.economy.Economy` once
    (kept per process) and, for each chunk, starts from the benchmark solution and solves its
    members in order, each warm-started from the previous member's solution; only parameters
    change. A member that does not solve is recorded as failed, with the solver's diagnosis,
    and the next one starts from the benchmark again. Chunks run on a local process pool, on
    any :class:`concurrent.futures.Executor`, or on a ``dask.distributed`` cluster.

Resume
    With an output folder, each finished chunk is saved there at once (atomically). Rerunning
    the same sweep (same data, closure, solver and member definitions: checked) solves only
    the members not yet saved, then assembles the Dataset and writes ``sweep.nc``.

The function is exported as :func:`cge.sweep`; this package is ``cge.sweeps``. Its modules, by
concern (the names below are re-exported here):

- :mod:`~cge.sweeps.spec`: sweep files (:class:`SweepSpec`, :func:`parse_sweep`, :func:`load_sweep`);
- :mod:`~cge.sweeps.members`: :class:`Member` and its resolution against the data;
- :mod:`~cge.sweeps.worker`: the per-chunk solve on a process's Economy;
- :mod:`~cge.sweeps.extract`: the numbers read off a solved model (:data:`VARIABLES`);
- :mod:`~cge.sweeps.store`: the output folder (manifest, chunks, resume);
- :mod:`~cge.sweeps.runner`: where chunks run (process pool, any Executor, dask);
- :mod:`~cge.sweeps.assembly`: the xarray Dataset, the result files, :func:`to_tidy`;
- :mod:`~cge.sweeps.job`: :func:`sweep`, one sweep end to end;
- :mod:`~cge.sweeps.errors`: :class:`SweepError`.
"""

from __future__ import annotations

from .assembly import to_tidy
from .errors import SweepError
from .extract import VARIABLES
from .job import sweep
from .members import Member
from .spec import MAX_MEMBERS, Axis, SweepSpec, load_sweep, parse_sweep
from .store import FORMAT, MANIFEST
from .worker import STATUS

__all__ = ["sweep", "Member", "Axis", "SweepSpec", "SweepError", "parse_sweep", "load_sweep",
           "to_tidy", "VARIABLES", "STATUS", "MAX_MEMBERS", "FORMAT", "MANIFEST"]
