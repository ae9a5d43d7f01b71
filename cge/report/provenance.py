"""Provenance of an output: versions, metadata (what produced a result), ``metadata.json``.

:func:`metadata` / :func:`solve_metadata` record the data and scenario digests, the closure,
the solve statistics and the versions of the packages that shape a result;
:func:`write_metadata` writes them last into an output folder, which marks it as complete.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import platform
from collections.abc import Sequence
from dataclasses import asdict
from importlib import metadata as _md
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..version import __version__
from .folders import METADATA, atomic_write

if TYPE_CHECKING:  # pragma: no cover
    from .protocol import ResultsLike


def version(dist: str) -> str | None:
    """The installed version of distribution ``dist``, or None if it is not installed."""
    try:
        return _md.version(dist)
    except _md.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    """Versions of Python and of the packages that shape a result (None if not installed); cge's
    is :data:`cge.version.__version__` (from git: it names the code revision)."""
    out: dict[str, str | None] = {"python": platform.python_version(), "cge": __version__}
    for dist in ("pyomo", "cyipopt", "numpy", "scipy", "pandas", "matplotlib", "pyarrow"):
        out[dist] = version(dist)
    if out["cyipopt"] is None:
        out["cyipopt"] = version("cyipopt-wheels")
    return out


def now() -> str:
    """The current UTC time, ISO 8601 to the second (the ``timestamp`` of metadata)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def metadata(res: ResultsLike, *, wall_seconds: float | None = None,
             command: Sequence[str] | None = None) -> dict:
    """What produced a result: versions, data and scenario digests, closure, elasticity set,
    solve statistics, and what the run assumes (``assumptions``, as
    :meth:`cge.results.Results.assumptions`).

    ``wall_seconds`` is the wall-clock time of the whole run (data, calibration, model build
    and solve) when the caller measured it; ``solve.seconds`` is the solver's time alone.
    """
    return solve_metadata(res.economy, res.scenario, res.info, wall_seconds=wall_seconds,
                          command=command)


def solve_metadata(economy, scenario, info, *, wall_seconds: float | None = None,
                   command: Sequence[str] | None = None) -> dict:
    """:func:`metadata` from its parts: an :class:`~cge.economy.Economy`, the scenario it was
    solved for (None for the benchmark) and the :class:`~cge.solver.SolveInfo` of that solve,
    for outputs that have no :class:`~cge.results.Results` (e.g. ``cge sensitivity``)."""
    from ..assumptions import assumptions

    ds, sc = economy.dataset, scenario
    cells = sc.resolve(economy).cells if sc is not None else []
    return {
        "generator": "cge",
        "cge_version": __version__,
        "timestamp": now(),
        "command": list(command) if command is not None else None,
        "data": {"name": ds.name, "unit": ds.unit, "digest": ds.digest,
                 "reference_region": ds.reference_region, "regions": list(ds.regions),
                 "sectors": list(ds.sectors), "factors": list(ds.factors)},
        "scenario": ({"name": sc.name, "path": sc.path, "digest": sc.digest,
                      "description": sc.description, "source": sc.source}
                     if sc is not None else {"name": "benchmark", "path": None, "digest": None}),
        "closure": {**asdict(economy.closure), "description": economy.closure.describe()},
        "assumptions": assumptions(economy, cells, sc),
        "elasticities": {"set": ds.elasticity_set, "default": ds.default_elasticity_set,
                         "sets": list(ds.elasticity_sets)},
        "solve": {"solver": info.solver, "converged": info.converged,
                  "iterations": info.iterations, "continuation_steps": info.steps,
                  "max_residual": info.max_residual, "max_walras_residual": info.max_walras,
                  "walras_residuals": list(info.walras_residuals), "seconds": info.seconds,
                  "message": info.message, "warnings": list(getattr(info, "warnings", []))},
        "wall_seconds": wall_seconds,
        "versions": versions(),
        "platform": platform.platform(),
    }


def write_metadata(folder: str | Path, meta: dict) -> Path:
    """Write ``metadata.json`` into ``folder`` (last, so it marks a complete cge output): ``meta``
    with ``files``, every file in the folder (``metadata.json`` included), added. Non-finite
    numbers become ``null``. Returns the path."""
    folder = Path(folder)
    meta = {**meta, "files": sorted([p.relative_to(folder).as_posix() for p in folder.rglob("*")
                                     if p.is_file()] + [METADATA])}
    text = _json(meta)
    return atomic_write(folder / METADATA, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def scenario_bytes(scenario) -> bytes | None:
    """The bytes of the file a scenario was read from, if it is still there and unchanged since
    (its SHA-256 is the scenario's digest, as :func:`cge.load_scenario` computes it); else None
    (no scenario, no file, or a file changed since it was read)."""
    sc = scenario
    if sc is None or not sc.path or not Path(sc.path).is_file():
        return None
    raw = Path(sc.path).read_bytes()
    return raw if hashlib.sha256(raw).hexdigest() == sc.digest else None


def _json(obj) -> str:
    def clean(o):
        if isinstance(o, float) and not math.isfinite(o):
            return None
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [clean(v) for v in o]
        if isinstance(o, np.generic):
            return clean(o.item())
        return o
    return json.dumps(clean(obj), indent=2, ensure_ascii=False) + "\n"
