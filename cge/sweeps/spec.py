"""Sweep files: :class:`Axis`, :class:`SweepSpec`, :func:`parse_sweep` and :func:`load_sweep`
(format in docs/sweeps.md), and the check of a spec's axes against the data."""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..closure import CLOSURES
from ..data import Dataset
from ..scenario import Scenario, ScenarioError, Shock, load_scenario
from ..text import quote
from ..toml_format import (
    OPERATIONS,
    check_change_table,
    parse_names,
    parse_toml_table,
    read_toml_bytes,
)
from .errors import SweepError
from .members import Member

__all__ = ["SweepError", "Axis", "SweepSpec", "parse_sweep", "load_sweep", "check_axes",
           "MAX_MEMBERS"]

#: Largest grid a sweep file may span (a guard against a typo in ``num``).
MAX_MEMBERS = 1_000_000


@dataclass(frozen=True)
class Axis:
    """One axis of a sweep grid: one tariff change applied with each of ``values``.

    ``operation`` is ``add_pct`` (percentage points added to the rate so far), ``set_pct``
    (rate set to the value, percent) or ``floor_pct`` (rates below the value raised to it).
    """

    name: str
    importer: str
    exporters: tuple[str, ...] | str
    sectors: tuple[str, ...] | str
    operation: str
    values: tuple[float, ...]

    def shock(self, value: float) -> Shock:
        """The tariff shock of this axis at ``value`` (percent or percentage points)."""
        return Shock(self.importer, self.exporters, self.sectors, self.operation, float(value),
                     group=self.name)


@dataclass(frozen=True)
class SweepSpec:
    """A parsed sweep file: name, closure, the base scenario(s) and the grid's axes."""

    name: str
    description: str = ""
    closure: str | None = None
    #: The data set the sweep is written for (as a scenario's ``data``); None: its scenarios'.
    data: str | None = None
    scenarios: tuple[Scenario, ...] = ()
    scenario_axis: bool = False  # True when the file lists ``scenarios`` (a categorical axis)
    axes: tuple[Axis, ...] = ()
    path: str = ""
    digest: str = ""

    def members(self) -> list[Member]:
        """The grid: every combination of the scenarios and the axes' values (the last axis
        varies fastest, so consecutive members differ by one step, which helps warm starts).
        Each member's scenario is its base scenario (instrument shocks, closure, revenue rule,
        swaps, elasticity set) with the axes' tariff shocks added."""
        bases = self.scenarios or (Scenario(name=self.name),)
        out = []
        for sc in bases:
            for combo in itertools.product(*(ax.values for ax in self.axes)):
                shocks = sc.shocks + tuple(ax.shock(v) for ax, v in zip(self.axes, combo))
                coords: dict[str, float | str] = {ax.name: float(v) for ax, v in zip(self.axes, combo)}
                label = ", ".join(f"{ax.name}={v:g}" for ax, v in zip(self.axes, combo))
                if self.scenario_axis:
                    coords = {"scenario": sc.name, **coords}
                    label = f"{sc.name}: {label}" if label else sc.name
                out.append(Member(name=label or sc.name,
                                  scenario=replace(sc, name=label or sc.name, shocks=shocks),
                                  coords=coords))
        return out

    def size(self) -> int:
        """Number of members the grid spans."""
        return max(1, len(self.scenarios)) * math.prod(len(ax.values) for ax in self.axes)


def _number(where: str, key: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise SweepError(f"{where}: {key} values must be numbers, not {quote(v)}",
                         hint=f"percentages without quotes, e.g. {key} = [0, 10, 25]")
    return float(v)


def _reserved_names() -> set[str]:
    """Names an axis may not take: the results' dimensions, variables and per-member records
    (they would overwrite labels in sweep.nc)."""
    from ..indicators import DIMS
    from .extract import VARIABLES
    from .worker import STATUS

    dims = {d for names in DIMS.values() for d in names}
    return {"scenario", "member", *dims, *VARIABLES, *STATUS}


def _values(where: str, key: str, raw: object) -> tuple[float, ...]:
    """An axis's values: a list of numbers, or ``{start, stop, num}`` (evenly spaced, both ends)."""
    if isinstance(raw, dict):
        extra = [k for k in raw if k not in ("start", "stop", "num")]
        missing = [k for k in ("start", "stop", "num") if k not in raw]
        if extra or missing:
            raise SweepError(f"{where}: {key} as a table needs exactly start, stop and num"
                             + (f"; unknown {', '.join(map(quote, extra))}" if extra else "")
                             + (f"; missing {', '.join(missing)}" if missing else ""),
                             hint=f"e.g. {key} = {{ start = 0, stop = 50, num = 11 }}")
        num = raw["num"]
        if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_MEMBERS:
            raise SweepError(f"{where}: num must be a whole number from 1 to {MAX_MEMBERS:,}, not "
                             f"{quote(num)}", hint="num is how many values, both ends included")
        a, b = _number(where, key, raw["start"]), _number(where, key, raw["stop"])
        vals = tuple(float(v) for v in np.linspace(a, b, num)) if num > 1 else (a,)
    elif isinstance(raw, list) and raw:
        vals = tuple(_number(where, key, v) for v in raw)
    else:
        raise SweepError(f"{where}: {key} must be a non-empty list of numbers or a table "
                         f"{{start, stop, num}}, not {quote(raw)}",
                         hint=f"e.g. {key} = [0, 10, 25] or {key} = {{ start = 0, stop = 50, num = 11 }}")
    if len(set(vals)) != len(vals):
        dup = sorted({v for v in vals if vals.count(v) > 1})
        raise SweepError(f"{where}: {key} repeats {', '.join(f'{v:g}' for v in dup)}",
                         hint="each value of an axis must be different")
    if key != "add_pct" and min(vals) <= -100:
        raise SweepError(f"{where}: {key} value {min(vals):g} is at or below -100%",
                         hint="a tariff must stay above -100%")
    return vals


def parse_sweep(text: str, *, path: str = "<sweep>", root: str | Path | None = None) -> SweepSpec:
    """Parse sweep TOML text (data only: no code is evaluated); format in docs/sweeps.md.

    ``root`` is the folder that relative scenario paths are read from (default: the current
    folder). Names of regions and sectors are checked against the data when the sweep runs.
    """
    root = Path(root) if root is not None else Path.cwd()
    raw = parse_toml_table(
        text, path, ("name", "description", "data", "closure", "base", "scenarios", "axis"),
        error=SweepError, what="sweep file", kind="axis", example="docs/sweeps.md",
        extra_hint={"shock": "a sweep file varies [[axis]] tables over a base scenario: put "
                    'fixed shocks in a scenario file and name it with base = "..."'})
    name = raw["name"]
    for key in ("description", "data", "closure", "base"):
        if key in raw and not isinstance(raw[key], str):
            raise SweepError(f"{path}: '{key}' must be a string, not {quote(raw[key])}",
                             hint='e.g. base = "../us_autos_232.toml"' if key == "base"
                             else f'e.g. {key} = "text"')
    if "closure" in raw and raw["closure"] not in CLOSURES:
        raise SweepError(f"{path}: unknown closure {quote(raw['closure'])}",
                         hint=f"closures are {', '.join(CLOSURES)} (see docs/model.md)")
    if "base" in raw and "scenarios" in raw:
        raise SweepError(f"{path}: give 'base' or 'scenarios', not both",
                         hint="base is one scenario under every grid point; scenarios is a list "
                         "of them, a categorical axis")
    scenarios: list[Scenario] = []
    files = [raw["base"]] if "base" in raw else raw.get("scenarios", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files) or (
            "scenarios" in raw and not files):
        raise SweepError(f"{path}: 'scenarios' must be a non-empty list of file names, not "
                         f"{quote(raw.get('scenarios'))}", hint='e.g. scenarios = ["a.toml", "b.toml"]')
    for f in files:
        p = Path(f) if Path(f).is_absolute() else root / f
        try:
            scenarios.append(load_scenario(p))
        except ScenarioError as exc:
            raise SweepError(f"{path}: {'base' if 'base' in raw else 'scenarios'}: {exc}") from None
    if len({sc.name for sc in scenarios}) != len(scenarios):
        raise SweepError(f"{path}: 'scenarios' lists two scenarios with the same name",
                         hint="each scenario's name labels its members; give them different names")
    axes = []
    items = raw.get("axis", [])
    if not isinstance(items, list):
        raise SweepError(f"{path}: 'axis' must be an array of tables",
                         hint="start each axis with an [[axis]] line (double brackets)")
    if not items and not scenarios:
        raise SweepError(f"{path}: no [[axis]] table and no scenarios: nothing to sweep",
                         hint="add an [[axis]] with importer, exporters, sectors and e.g. "
                         "add_pct = [0, 10, 25]")
    fields = ("name", "importer", "exporters", "sectors", *OPERATIONS)
    for k, item in enumerate(items, start=1):
        where = f"{path}: axis {k}"
        op = check_change_table(where, item, fields, error=SweepError, kind="axis",
                                op_hint="e.g. add_pct = [0, 10, 25]: points added to the rate; "
                                "set_pct sets the rate; floor_pct raises rates below it")
        label = item.get("name", f"axis{k}")
        if not isinstance(label, str) or not label.isidentifier():
            raise SweepError(f"{where}: 'name' must be a plain identifier (letters, digits, _), "
                             f"not {quote(label)}", hint='e.g. name = "jpn_auto"; it names the '
                             "coordinate in the results")
        reserved = _reserved_names()
        if label in {ax.name for ax in axes} or label in reserved:
            raise SweepError(f"{where}: axis name {label!r} is "
                             + ("reserved (a dimension, variable or coordinate of the results)"
                                if label in reserved else "used twice"),
                             hint="give each axis its own name, e.g. " + f'"{label}_axis"')
        axes.append(Axis(label, item["importer"],
                         parse_names(where, "exporters", item["exporters"], SweepError),
                         parse_names(where, "sectors", item["sectors"], SweepError), op,
                         _values(where, op, item[op])))
    from ..scenario import _data_ref

    spec = SweepSpec(name=name, description=raw.get("description", ""), closure=raw.get("closure"),
                     data=_data_ref(raw.get("data"), path),
                     scenarios=tuple(scenarios), scenario_axis="scenarios" in raw, axes=tuple(axes),
                     path=path, digest=hashlib.sha256(text.encode()).hexdigest())
    if spec.size() > MAX_MEMBERS:
        raise SweepError(f"{path}: the grid has {spec.size():,} members, more than {MAX_MEMBERS:,}",
                         hint="use fewer values per axis, or split the sweep")
    return spec


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and parse a sweep file; scenario paths in it are relative to its folder."""
    p = Path(path)
    hint = "give the path of a .toml sweep file (docs/sweeps.md)"
    raw = read_toml_bytes(p, "sweep", SweepError, missing_hint=hint, folder_hint=hint)
    return parse_sweep(raw.decode("utf-8-sig"), path=str(p), root=p.parent)


def check_axes(spec: SweepSpec, ds: Dataset, base: dict) -> None:
    """Each axis names regions and sectors of the data and touches at least one trade flow."""
    for k, ax in enumerate(spec.axes, start=1):
        names_only = Shock(ax.importer, ax.exporters, ax.sectors, "add_pct", 0.0)
        probe = Scenario(name=f"{spec.path}: axis {k} ({ax.name})", shocks=(names_only,))
        try:
            probe.tariffs(ds, base)
        except ScenarioError as exc:
            raise SweepError(str(exc).replace(": shock 1:", ":", 1)) from None

