"""Assembly of a sweep's results: the chunks' arrays gathered into one xarray Dataset
(:func:`assemble`), the result files (:func:`write_results`: ``sweep.nc``, ``members.csv``,
``sweep.parquet``) and the long table (:func:`to_tidy`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..data import Dataset
from ..report.folders import atomic_write
from ..report.tables import has_parquet
from .extract import VARIABLES
from .members import Member
from .worker import STATUS

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr


def assemble(arrays: list[dict], members: list[Member], ds: Dataset, attrs: dict) -> xr.Dataset:
    """The Dataset of a sweep from its chunks' arrays (:func:`cge.sweeps.worker.solve_chunk`,
    in any order, each covering some members): one entry per member along ``member``, the
    members' coordinates, ``attrs`` (an ``_axes`` entry gives the axis coordinates' attrs)."""
    import xarray as xr

    n = len(members)
    R, S = list(ds.regions), list(ds.sectors)
    shapes = {"region": len(R), "sector": len(S), "exporter": len(R), "importer": len(R)}
    full: dict[str, np.ndarray] = {}
    for name, (dims, _, _) in VARIABLES.items():
        full[name] = np.full((n, *(shapes[d] for d in dims)), np.nan)
    for name, (typ, _, _) in STATUS.items():
        full[name] = (np.full(n, "", dtype=object) if typ is str
                      else np.full(n, np.nan if typ is float else -1, dtype=typ))
    seen = np.zeros(n, dtype=bool)
    for a in arrays:
        idx = a["index"]
        seen[idx] = True
        for name in full:
            full[name][idx] = a[name]
    if not seen.all():  # pragma: no cover - every member is solved before assembly
        raise RuntimeError(f"{int((~seen).sum())} member(s) missing from the results")
    unit = ds.unit
    data_vars = {}
    for name, (dims, units, meaning) in VARIABLES.items():
        data_vars[name] = (("member", *dims), full[name],
                           {"units": units.format(unit=unit), "long_name": meaning})
    for name, (typ, units, meaning) in STATUS.items():
        vals = full[name].astype(str) if typ is str else full[name]
        data_vars[name] = (("member",), vals, {"units": units, "long_name": meaning})
    coords: dict[str, Any] = {"member": np.array([m.name for m in members], dtype=str),
                              "region": np.array(R, dtype=str), "sector": np.array(S, dtype=str),
                              "exporter": np.array(R, dtype=str), "importer": np.array(R, dtype=str)}
    cnames: list[str] = []
    for m in members:
        cnames += [c for c in m.coords if c not in cnames]
    for c in cnames:
        vals = [m.coords.get(c) for m in members]
        if all(isinstance(v, int | float) or v is None for v in vals):
            coords[c] = ("member", np.array([np.nan if v is None else float(v) for v in vals]))
        else:
            coords[c] = ("member", np.array(["" if v is None else str(v) for v in vals], dtype=str))
    attrs = dict(attrs)
    axes = attrs.pop("_axes", {})
    out = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    for c, ax in axes.items():
        out[c].attrs.update(ax)
    out.attrs["members_failed"] = int((full["status"] == "failed").sum())
    return out


def write_results(result: xr.Dataset, folder: Path, formats: Sequence[str]) -> list[Path]:
    """Write the result files into ``folder``, each atomically: ``sweep.nc`` (``"netcdf"`` in
    ``formats``), ``members.csv`` (always) and ``sweep.parquet`` (``"parquet"``, when pyarrow
    is installed). Returns the paths written."""
    written = []
    if "netcdf" in formats:
        path = folder / "sweep.nc"
        atomic_write(path, lambda tmp: result.to_netcdf(tmp, engine="scipy", format="NETCDF3_64BIT"))
        written.append(path)
    status = result[list(STATUS)].to_dataframe()
    coords = [c for c in status.columns if c not in STATUS]
    status = status[coords + list(STATUS)]  # the member's shock values first
    path = folder / "members.csv"
    atomic_write(path, lambda tmp: status.to_csv(tmp))
    written.append(path)
    if "parquet" in formats and has_parquet():
        path = folder / "sweep.parquet"
        tidy = to_tidy(result)
        atomic_write(path, lambda tmp: tidy.to_parquet(tmp, index=False))
        written.append(path)
    return written


def to_tidy(result: xr.Dataset):
    """The numbers of a sweep in long format (pandas): member, its coordinates, ``variable``,
    ``units``, region/sector/exporter/importer (empty where not applicable) and ``value``.
    Rows with no value (no base-year flow, failed member) are left out."""
    import pandas as pd

    parts = []
    member_coords = [c for c in result.coords if result[c].dims == ("member",) and c != "member"]
    for name in VARIABLES:
        da = result[name]
        df = da.to_dataframe(name="value").reset_index()
        df = df.dropna(subset=["value"])
        df.insert(0, "variable", name)
        df.insert(1, "units", da.attrs.get("units", ""))
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    for c in ("region", "sector", "exporter", "importer"):
        out[c] = out[c].fillna("") if c in out else ""
    lead = ["member", *member_coords, "variable", "units", "region", "sector", "exporter", "importer"]
    return out[lead + ["value"]]

