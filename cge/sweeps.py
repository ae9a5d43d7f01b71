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

The function is exported as :func:`cge.sweep`; this module is ``cge.sweeps``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .closure import CLOSURES, Closure, get_closure
from .data import Dataset, _text_problem, _val
from .economy import Economy, resolve_data
from .report.provenance import now as _now
from .report.provenance import version as _dist_version
from .report.tables import has_parquet as _has_parquet
from .scenario import (
    OPERATIONS,
    Scenario,
    ScenarioError,
    Shock,
    check_change_table,
    load_scenario,
    parse_names,
    parse_toml_table,
    unique_names,
)

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

#: Version of the output folder's layout (manifest and chunk files).
FORMAT = 1
#: Largest grid a sweep file may span (a guard against a typo in ``num``).
MAX_MEMBERS = 1_000_000
MANIFEST = "manifest.json"


class SweepError(ScenarioError):
    """An invalid sweep (file, members or output folder); one line, with a hint."""


# ============================================================================== members
@dataclass(frozen=True)
class Member:
    """One member of a sweep: the instruments of one model solve.

    The tariff vector is the data's base rates, then ``scenario``'s shocks (if any), then the
    explicit ``tariffs`` (if any). Everything else is at its base value unless ``params``
    overrides it.

    Attributes:
        name: label of the member (the ``member`` coordinate of the results).
        scenario: tariff shocks applied to the base rates, in order.
        tariffs: rates (fractions, e.g. 0.25 for 25%) by (exporter, importer, sector),
            overriding the rates after ``scenario``; every key must be a base-year trade flow.
        params: overrides of other *mutable* model parameters, by Param name and index, e.g.
            ``{"endow": {("USA", "LAB"): 1.02}}`` (2% more US labour) or
            ``{"tz": {("JPN", "AUTO"): 0.05}}``. Values are in the Param's own units
            (docs/model.md). Elasticities go in ``elasticities``.
        elasticities: elasticity draws by (kind, region, sector), kind one of ``sigma_va``,
            ``sigma_d``, ``sigma_m``, ``psi`` (:meth:`cge.economy.Economy.set_elasticities`:
            a CES σ must be > 0 and at least 1e-4 away from 1, a CET ψ > 0 (1 is allowed);
            Cobb–Douglas nests, σ = 1 in the data, are fixed and a draw on one is refused).
            Others keep the data's values.
        coords: values describing the member, one per coordinate (e.g. an axis's
            percentage points); they become coordinates along ``member`` in the results.
    """

    name: str
    scenario: Scenario | None = None
    tariffs: Mapping[tuple[str, str, str], float] = field(default_factory=dict)
    params: Mapping[str, Mapping[Any, float]] = field(default_factory=dict)
    coords: Mapping[str, float | str] = field(default_factory=dict)
    elasticities: Mapping[tuple[str, str, str], float] = field(default_factory=dict)


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
    scenarios: tuple[Scenario, ...] = ()
    scenario_axis: bool = False  # True when the file lists ``scenarios`` (a categorical axis)
    axes: tuple[Axis, ...] = ()
    path: str = ""
    digest: str = ""

    def members(self) -> list[Member]:
        """The grid: every combination of the scenarios and the axes' values (the last axis
        varies fastest, so consecutive members differ by one step, which helps warm starts)."""
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
                                  scenario=Scenario(name=label or sc.name, shocks=shocks,
                                                    path=sc.path),
                                  coords=coords))
        return out

    def size(self) -> int:
        """Number of members the grid spans."""
        return max(1, len(self.scenarios)) * math.prod(len(ax.values) for ax in self.axes)


def _number(where: str, key: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise SweepError(f"{where}: {key} values must be numbers, not {_val(v)}",
                         hint=f"percentages without quotes, e.g. {key} = [0, 10, 25]")
    return float(v)


def _values(where: str, key: str, raw: object) -> tuple[float, ...]:
    """An axis's values: a list of numbers, or ``{start, stop, num}`` (evenly spaced, both ends)."""
    if isinstance(raw, dict):
        extra = [k for k in raw if k not in ("start", "stop", "num")]
        missing = [k for k in ("start", "stop", "num") if k not in raw]
        if extra or missing:
            raise SweepError(f"{where}: {key} as a table needs exactly start, stop and num"
                             + (f"; unknown {', '.join(map(_val, extra))}" if extra else "")
                             + (f"; missing {', '.join(missing)}" if missing else ""),
                             hint=f"e.g. {key} = {{ start = 0, stop = 50, num = 11 }}")
        num = raw["num"]
        if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_MEMBERS:
            raise SweepError(f"{where}: num must be a whole number from 1 to {MAX_MEMBERS:,}, not "
                             f"{_val(num)}", hint="num is how many values, both ends included")
        a, b = _number(where, key, raw["start"]), _number(where, key, raw["stop"])
        vals = tuple(float(v) for v in np.linspace(a, b, num)) if num > 1 else (a,)
    elif isinstance(raw, list) and raw:
        vals = tuple(_number(where, key, v) for v in raw)
    else:
        raise SweepError(f"{where}: {key} must be a non-empty list of numbers or a table "
                         f"{{start, stop, num}}, not {_val(raw)}",
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
        text, path, ("name", "description", "closure", "base", "scenarios", "axis"),
        error=SweepError, what="sweep file", kind="axis", example="docs/sweeps.md",
        extra_hint={"shock": "a sweep file varies [[axis]] tables over a base scenario: put "
                    'fixed shocks in a scenario file and name it with base = "..."'})
    name = raw["name"]
    for key in ("description", "closure", "base"):
        if key in raw and not isinstance(raw[key], str):
            raise SweepError(f"{path}: '{key}' must be a string, not {_val(raw[key])}",
                             hint='e.g. base = "../us_autos_232.toml"' if key == "base"
                             else f'e.g. {key} = "text"')
    if "closure" in raw and raw["closure"] not in CLOSURES:
        raise SweepError(f"{path}: unknown closure {_val(raw['closure'])}",
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
                         f"{_val(raw.get('scenarios'))}", hint='e.g. scenarios = ["a.toml", "b.toml"]')
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
                             f"not {_val(label)}", hint='e.g. name = "jpn_auto"; it names the '
                             "coordinate in the results")
        if label in {ax.name for ax in axes} or label in ("scenario", "member"):
            raise SweepError(f"{where}: axis name {label!r} is "
                             + ("reserved" if label in ("scenario", "member") else "used twice"),
                             hint="give each axis its own name")
        axes.append(Axis(label, item["importer"],
                         parse_names(where, "exporters", item["exporters"], SweepError),
                         parse_names(where, "sectors", item["sectors"], SweepError), op,
                         _values(where, op, item[op])))
    spec = SweepSpec(name=name, description=raw.get("description", ""), closure=raw.get("closure"),
                     scenarios=tuple(scenarios), scenario_axis="scenarios" in raw, axes=tuple(axes),
                     path=path, digest=hashlib.sha256(text.encode()).hexdigest())
    if spec.size() > MAX_MEMBERS:
        raise SweepError(f"{path}: the grid has {spec.size():,} members, more than {MAX_MEMBERS:,}",
                         hint="use fewer values per axis, or split the sweep")
    return spec


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and parse a sweep file; scenario paths in it are relative to its folder."""
    p = Path(path)
    if not p.is_file():
        raise SweepError(f"{p}: sweep file not found" if not p.exists() else f"{p}: is not a file",
                         hint="give the path of a .toml sweep file (docs/sweeps.md)")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SweepError(f"{p}: cannot be read ({exc.strerror or exc})",
                         hint="check the file's permissions") from None
    problem = _text_problem(raw, spreadsheet=False)
    if problem:
        raise SweepError(f"{p}: {problem[0]}", hint=problem[1])
    return parse_sweep(raw.decode("utf-8-sig"), path=str(p), root=p.parent)


# ============================================================================== resolution
@dataclass(frozen=True)
class _Job:
    """A member resolved against the data: full tariff vector (in the order of the base rates)
    and parameter overrides ((param name, index, value), sorted)."""

    index: int
    rates: tuple[float, ...]
    params: tuple[tuple[str, Any, float], ...]
    digest: str
    elasticities: tuple[tuple[tuple[str, str, str], float], ...] = ()


def _as_member(k: int, item: Member | Scenario | Mapping) -> Member:
    if isinstance(item, Member):
        return item
    if isinstance(item, Scenario):
        return Member(name=item.name, scenario=item)
    if isinstance(item, Mapping):
        return Member(name=f"member{k}", tariffs=dict(item))
    raise SweepError(f"member {k}: a sweep member is a Scenario, a dict of tariff rates or a Member, "
                     f"not {type(item).__name__}", hint="e.g. {('JPN', 'USA', 'AUTO'): 0.25}")


def _resolve(members: list[Member], ds: Dataset, base: dict, probe: Callable[[], Economy] | None
             ) -> list[_Job]:
    """Tariff vectors, parameter overrides and elasticity draws of every member, validated (one
    clear error). ``probe`` gives the Economy that overrides and draws are checked against (built
    only when a member has any)."""
    keys = list(base)
    jobs = []
    params_ok: dict | None = None
    for k, mem in enumerate(members):
        where = f"member {k} ({mem.name})"
        try:
            rates = mem.scenario.tariffs(ds, base) if mem.scenario is not None else dict(base)
        except ScenarioError as exc:
            raise SweepError(f"{where}: {exc}") from None
        for key, v in mem.tariffs.items():
            if key not in base:
                raise SweepError(f"{where}: no base-year trade flow {_val(key)}: its tariff has "
                                 "no effect", hint="keys are (exporter, importer, sector) of "
                                 "flows in trade.csv")
            if isinstance(v, bool) or not isinstance(v, int | float) or not v > -1 or not math.isfinite(v):
                raise SweepError(f"{where}: tariff {_val(key)} = {_val(v)}: must be a finite "
                                 "number above -1 (a fraction: 0.25 is 25%)")
            rates[key] = float(v)
        overrides = []
        for pname, entries in mem.params.items():
            if params_ok is None:
                params_ok = _mutable(probe()) if probe is not None else {}
            if pname not in params_ok:
                hint = ("tariffs go in 'tariffs' or a scenario" if pname == "tm" else
                        "elasticity draws go in the member's 'elasticities'"
                        if pname in Economy.ELASTICITIES else
                        f"mutable parameters: {', '.join(sorted(n for n in params_ok if n != 'tm'))}")
                raise SweepError(f"{where}: cannot override parameter {_val(pname)}", hint=hint)
            for idx, v in entries.items():
                if idx not in params_ok[pname]:
                    raise SweepError(f"{where}: {pname} has no index {_val(idx)}",
                                     hint=f"indices such as {_val(next(iter(params_ok[pname]), None))}")
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise SweepError(f"{where}: {pname}[{idx}] = {_val(v)} is not a finite number")
                overrides.append((pname, idx, float(v)))
        overrides.sort(key=lambda t: (t[0], repr(t[1])))
        if mem.elasticities and probe is not None:
            try:
                probe().check_elasticities(dict(mem.elasticities))
            except ValueError as exc:
                raise SweepError(f"{where}: {exc}",
                                 hint="draws are (kind, region, sector) → value of a CES/CET nest "
                                 "(Economy.set_elasticities)") from None
        elas = sorted((tuple(key), float(v)) for key, v in mem.elasticities.items())
        vec = tuple(rates[key] for key in keys)
        text = json.dumps({"name": mem.name, "rates": [repr(v) for v in vec],
                           "params": [[n, repr(i), repr(v)] for n, i, v in overrides],
                           "coords": {c: repr(v) for c, v in sorted(mem.coords.items())},
                           **({"elasticities": [[list(k), repr(v)] for k, v in elas]}
                              if elas else {})})
        jobs.append(_Job(k, vec, tuple(overrides), hashlib.sha256(text.encode()).hexdigest()[:16],
                         tuple(elas)))
    return jobs


# ============================================================================== worker
#: Economies built by this process, by (data digest, closure, thread): built once, reused.
_ECONOMIES: OrderedDict[tuple, Economy] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def _economy(data: Dataset, digest: str, closure: Closure) -> Economy:
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


class _Extract:
    """Reads the sweep's output variables off a solved model (cheap: no welfare decomposition)."""

    def __init__(self, eco: Economy):
        import pyomo.environ as pyo

        from .welfare import income

        self.pyo = pyo
        b, m = eco.benchmark, eco.model
        self.b, self.m = b, m
        R, S = list(b.regions), list(b.sectors)
        self.R, self.S = R, S
        ri, si = {r: k for k, r in enumerate(R)}, {i: k for k, i in enumerate(S)}
        self.income = np.array([income(b, r) for r in R])
        self.cons0 = np.array([b.total(b.C, r) for r in R])

        def flows(flow: dict, var, by: int = 0):
            keys = list(flow)
            return ([var[k] for k in keys], np.array([flow[k] for k in keys], dtype=float),
                    np.array([ri[k[by]] for k in keys], dtype=int))

        self.gdp = [flows(b.C, m.c), flows(b.G, m.g), flows(b.I, m.inv)]
        self.exp = flows(b.E, m.e)
        self.exp_price = [m.pwe[k] for k in b.E]
        ms_keys = list(b.MS)
        self.ms = [m.ms[k] for k in ms_keys]
        self.ms_base = np.array([b.MS[k] for k in ms_keys])
        self.ms_imp = np.array([ri[k[1]] for k in ms_keys], dtype=int)
        self.ms_price = [m.pwe[k[0], k[2]] for k in ms_keys]
        self.ms_cell = (np.array([ri[k[0]] for k in ms_keys]), self.ms_imp,
                        np.array([si[k[2]] for k in ms_keys]))
        self.tm = [m.tm[k] for k in ms_keys]
        self.gdp0 = self._gdp(base=True)
        z_keys = [k for k in b.Z if k in m.z]
        self.z = [m.z[k] for k in z_keys]
        self.z_cell = (np.array([ri[k[0]] for k in z_keys], dtype=int),
                       np.array([si[k[1]] for k in z_keys], dtype=int))
        pq_keys = list(m.pq)
        self.pq = [m.pq[k] for k in pq_keys]
        self.pq_cell = (np.array([ri[k[0]] for k in pq_keys], dtype=int),
                        np.array([si[k[1]] for k in pq_keys], dtype=int))

    @staticmethod
    def _vals(objs) -> np.ndarray:
        return np.fromiter((o.value for o in objs), dtype=float, count=len(objs))

    def _gdp(self, base: bool) -> np.ndarray:
        """GDP by expenditure at base prices, C + G + I + exports − imports (c.i.f.), by region
        (as :meth:`cge.results.Results.summary`)."""
        n = len(self.R)
        tot = np.zeros(n)
        for objs, w, reg in [*self.gdp, self.exp]:
            q = 1.0 if base else self._vals(objs)
            tot += np.bincount(reg, weights=w * q, minlength=n)
        q = 1.0 if base else self._vals(self.ms)
        tot -= np.bincount(self.ms_imp, weights=self.ms_base * q, minlength=n)
        return tot

    def __call__(self) -> dict[str, np.ndarray]:
        from .welfare import regional_ev

        b, m, R, S = self.b, self.m, self.R, self.S
        n, ns = len(R), len(S)
        ev_d = regional_ev(m, b)
        ev = np.array([ev_d[r] for r in R])
        u = np.array([self.pyo.value(m.utility[r]) for r in R])
        gdp = self._gdp(base=False)
        # terms of trade: export over import price index (world prices, Paasche weights)
        _, e_w, e_reg = self.exp
        eq = e_w * self._vals(self.exp[0])
        ep = self._vals(self.exp_price)
        mq = self.ms_base * self._vals(self.ms)
        mp = self._vals(self.ms_price)
        px = np.bincount(e_reg, eq * ep, n) / np.bincount(e_reg, eq, n)
        pm = np.bincount(self.ms_imp, mq * mp, n) / np.bincount(self.ms_imp, mq, n)
        trade = np.full((n, n, ns), np.nan)
        trade[self.ms_cell] = 100 * (self._vals(self.ms) - 1)
        tariff = np.full((n, n, ns), np.nan)
        tariff[self.ms_cell] = 100 * self._vals(self.tm)
        out = np.full((n, ns), np.nan)
        out[self.z_cell] = 100 * (self._vals(self.z) - 1)
        pq = np.full((n, ns), np.nan)
        pq[self.pq_cell] = 100 * (self._vals(self.pq) - 1)
        return {
            "ev": ev,
            "ev_pct_income": 100 * ev / self.income,
            "ev_household": (u - 1.0) * self.cons0,
            "real_gdp_pct": 100 * (gdp / self.gdp0 - 1),
            "terms_of_trade_pct": 100 * (px / pm - 1),
            "cpi": np.array([m.cpi[r].value for r in R]),
            "exchange_rate": np.array([m.eps[r].value for r in R]),
            "trade_volume_pct": trade,
            "tariff_pct": tariff,
            "output_pct": out,
            "armington_price_pct": pq,
        }


#: Output variables: dims (after ``member``), units, meaning.
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "ev": (("region",), "{unit}", "equivalent variation of the regional household (C, G and "
           "investment, as in GTAP), at base prices"),
    "ev_pct_income": (("region",), "% of base income", "regional EV in percent of base income "
                      "(GDP at market prices)"),
    "ev_household": (("region",), "{unit}", "equivalent variation of private consumption only"),
    "real_gdp_pct": (("region",), "% change", "real GDP by expenditure at base prices"),
    "terms_of_trade_pct": (("region",), "% change", "export over import price index, world "
                           "prices, Paasche weights"),
    "cpi": (("region",), "index, base = 1", "consumer price index"),
    "exchange_rate": (("region",), "local per reference currency, base = 1", "exchange rate"),
    "trade_volume_pct": (("exporter", "importer", "sector"), "% change", "bilateral imports at "
                         "base prices (volume); NaN where there is no base-year flow"),
    "tariff_pct": (("exporter", "importer", "sector"), "%", "tariff rate of the member (ad "
                   "valorem, c.i.f.); NaN where there is no base-year flow"),
    "output_pct": (("region", "sector"), "% change", "gross output (volume); NaN where the "
                   "sector does not produce in the base year"),
    "armington_price_pct": (("region", "sector"), "% change", "Armington (consumer) price of the "
                            "composite good, local currency"),
}
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


def _set_params(eco: Economy, keys: list, job: _Job, state: _Applied) -> None:
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


def _solve_chunk(data: Dataset, digest: str, closure: Closure, solver: str, keys: list,
                 jobs: list[_Job]) -> dict:
    """Solve one chunk of members on this process's Economy; returns arrays by member.

    Starts from the benchmark solution; each member is warm-started from the previous one's
    solution; after a failure the next member starts from the benchmark again.
    """
    from .solver import SolveError

    eco = _economy(data, digest, closure)
    if list(eco.base_tariffs()) != list(keys):
        raise RuntimeError("the worker's base tariffs do not match the sweep's: different data?")
    eco.reset()
    ext = getattr(eco, "_sweep_extract", None)
    if ext is None:
        ext = eco._sweep_extract = _Extract(eco)  # type: ignore[attr-defined]
    state = _Applied()
    recs = []
    for job in jobs:
        t0 = time.perf_counter()
        rec: dict[str, Any] = {"index": job.index, "digest": job.digest}
        try:
            _set_params(eco, keys, job, state)
            info = eco.solve(solver)
        except SolveError as err:
            eco.core.x_to_model(eco.x_base)  # the next member starts from the benchmark
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
            eco.core.x_to_model(eco.x_base)
            rec.update(status="failed", iterations=0, steps=0, residual=np.nan, solver=solver,
                       message=f"{type(err).__name__}: {err}", reached=np.nan, worst_block="",
                       diagnosis="", warning="", values=None)
        else:
            rec.update(status="converged", iterations=info.iterations, steps=info.steps,
                       residual=info.max_residual, solver=info.solver, message=info.message,
                       reached=np.nan, worst_block="", diagnosis="",
                       warning="; ".join(info.warnings), values=ext())
        rec["seconds"] = time.perf_counter() - t0
        recs.append(rec)
    return _pack(recs, ext)


def _pack(recs: list[dict], ext: _Extract) -> dict:
    n = len(recs)
    shapes = {"region": len(ext.R), "sector": len(ext.S), "exporter": len(ext.R),
              "importer": len(ext.R)}
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


# ============================================================================== output folder
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, renamed into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _save_npz(path: Path, arrays: dict) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
    _atomic_write(path, write)


class _Folder:
    """The output folder: manifest (what the sweep is), chunks (what is solved), results."""

    def __init__(self, out: str | Path, manifest: dict, restart: bool):
        self.dir = Path(out)
        self.chunks = self.dir / "chunks"
        manifest = json.loads(json.dumps(manifest))  # as it reads back (tuples become lists)
        path = self.dir / MANIFEST
        if self.dir.exists() and not self.dir.is_dir():
            raise SweepError(f"{self.dir}: is a file, not a folder", hint="choose another --out")
        if self.dir.is_dir() and any(self.dir.iterdir()) and not path.is_file():
            raise SweepError(f"{self.dir}: exists and is not a cge sweep folder (no {MANIFEST})",
                             hint="choose another --out folder; cge never writes into a folder it "
                             "did not make")
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SweepError(f"{path}: cannot be read ({exc})",
                                 hint="delete the folder to start over") from None
            diff = _differences(old, manifest)
            if diff and not restart:
                raise SweepError(f"{self.dir}: holds a different sweep ({'; '.join(diff)}); it "
                                 "cannot be resumed with these settings",
                                 hint="use another output folder, or --restart to discard its "
                                 "results and start over")
            if restart:
                shutil.rmtree(self.chunks, ignore_errors=True)
                for f in ("sweep.nc", "sweep.parquet", "members.csv"):
                    with contextlib.suppress(FileNotFoundError):
                        (self.dir / f).unlink()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.chunks.mkdir(exist_ok=True)
        _atomic_write(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=1) + "\n",
                                                       encoding="utf-8"))

    def done(self, jobs: list[_Job]) -> list[dict]:
        """Saved chunks whose members match the current definitions."""
        found = []
        for f in sorted(self.chunks.glob("chunk-*.npz")):
            try:
                with np.load(f, allow_pickle=False) as z:
                    arrays = {k: z[k] for k in z.files}
                idx = arrays["index"]
                ok = all(0 <= i < len(jobs) and jobs[i].digest == d
                         for i, d in zip(idx.tolist(), arrays["digest"].tolist()))
            except (OSError, ValueError, KeyError):
                ok = False
            if ok:
                found.append(arrays)
        return found

    def save(self, arrays: dict) -> None:
        """Save a solved chunk, named by its members (the same chunk always has the same name)."""
        idx = arrays["index"]
        tag = hashlib.sha256(idx.astype("<i8").tobytes()).hexdigest()[:8]
        _save_npz(self.chunks / f"chunk-{int(idx.min()):07d}-{int(idx.max()):07d}-{tag}.npz", arrays)


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    if old.get("format") != new["format"]:
        out.append(f"layout version {old.get('format')} vs {new['format']}")
    for key, what in (("data_digest", "data"), ("closure", "closure"), ("solver", "solver")):
        if old.get(key) != new[key]:
            a, b = old.get(key), new[key]
            if key == "data_digest":
                a, b = f"{old.get('data')} {str(a)[:12]}", f"{new['data']} {b[:12]}"
            elif key == "closure":
                a, b = (a or {}).get("name"), b["name"]
                a, b = (a, b) if a != b else ("other settings", "these")
            out.append(f"{what}: {a} there, {b} now")
    if old.get("members_digest") != new["members_digest"]:
        n0, n1 = old.get("members", 0), new["members"]
        old_d, new_d = old.get("member_digests", []), new["member_digests"]
        first = next((k for k, (a, b) in enumerate(zip(old_d, new_d)) if a != b), None)
        out.append(f"members: {n0} there, {n1} now" if n0 != n1 else
                   f"members differ from member {first} on" if first is not None else "members differ")
    return out


# ============================================================================== assembly
def _assemble(arrays: list[dict], members: list[Member], ds: Dataset, attrs: dict) -> xr.Dataset:
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


def _write_results(result: xr.Dataset, folder: Path, formats: Sequence[str]) -> list[Path]:
    written = []
    if "netcdf" in formats:
        path = folder / "sweep.nc"
        _atomic_write(path, lambda tmp: result.to_netcdf(tmp, engine="scipy", format="NETCDF3_64BIT"))
        written.append(path)
    status = result[list(STATUS)].to_dataframe()
    coords = [c for c in status.columns if c not in STATUS]
    status = status[coords + list(STATUS)]  # the member's shock values first
    path = folder / "members.csv"
    _atomic_write(path, lambda tmp: status.to_csv(tmp))
    written.append(path)
    if "parquet" in formats and _has_parquet():
        path = folder / "sweep.parquet"
        tidy = to_tidy(result)
        _atomic_write(path, lambda tmp: tidy.to_parquet(tmp, index=False))
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


# ============================================================================== running
def _chunk_size(n: int) -> int:
    """Default chunk size, from the number of members only (never the workers: results must not
    depend on who runs them): 8 members per chunk (all of them if fewer) up to 512 members,
    then ``ceil(n / 64)`` members per chunk up to 2,048 members: at most 64 chunks up to there;
    beyond, 32 members per chunk (the most), so more than 64 chunks."""
    return max(min(n, 8), min(32, math.ceil(n / 64)))


def _data_digest(ds: Dataset) -> str:
    if ds.digest:
        return ds.digest
    h = hashlib.sha256()
    for part in (ds.name, ds.unit, ds.reference_region, *ds.regions, "|", *ds.sectors, "|",
                 *ds.factors):
        h.update(str(part).encode() + b"\0")
    for df in (ds.sam, ds.trade, ds.elasticities):
        h.update(df.to_csv().encode())
    return h.hexdigest()


class _Runner:
    """Submits chunks to the chosen engine and yields each chunk's arrays (:func:`_solve_chunk`)
    as it finishes, in order of completion (the arrays carry their members' indices)."""

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


def _members_of(members, closure) -> tuple[str, list[Member], str | None, dict]:
    """Name, members, closure name and provenance of what the caller gave."""
    if isinstance(members, str | Path):
        members = load_sweep(members)
    if isinstance(members, SweepSpec):
        spec = members
        info = {"sweep_file": spec.path, "sweep_digest": spec.digest,
                "description": spec.description}
        return (spec.name, _renamed(spec.members()),
                closure or spec.closure or _agreed(spec.scenarios), info | {"_spec": spec})
    if isinstance(members, Scenario | Mapping | Member) or not isinstance(members, Sequence):
        raise SweepError("members: expected a sweep file, a SweepSpec or a list of scenarios, "
                         f"dicts of rates or Members, not {type(members).__name__}")
    if not members:
        raise SweepError("members: the list is empty: nothing to sweep")
    items = _renamed([_as_member(k, it) for k, it in enumerate(members)])
    if closure is None:
        closure = _agreed([m.scenario for m in items if m.scenario is not None])
    return "sweep", items, closure, {}


def _renamed(items: list[Member]) -> list[Member]:
    """Members with unique names (repeats get ``#2``, ``#3``, ...): names index the results."""
    names = unique_names([m.name for m in items])
    return [m if m.name == n else replace(m, name=n) for m, n in zip(items, names)]


def _agreed(scenarios: Iterable[Scenario]) -> str | None:
    """The closure the scenarios name, if any; they must agree (a sweep has one closure)."""
    wanted = {sc.closure for sc in scenarios if sc.closure}
    if len(wanted) > 1:
        raise SweepError(f"the scenarios name different closures ({', '.join(sorted(wanted))})",
                         hint="a sweep runs under one closure: give closure=... (or --closure)")
    return wanted.pop() if wanted else None


def sweep(members: str | Path | SweepSpec | Sequence[Scenario | Mapping | Member], *,
          data: str | Path | Dataset | None = None, closure: str | Closure | None = None,
          solver: str = "newton", out: str | Path | None = None,
          executor: cf.Executor | Any | str | None = None, workers: int | None = None,
          chunk_size: int | None = None, progress: bool | None = None, restart: bool = False,
          formats: Sequence[str] = ("netcdf", "parquet"), name: str | None = None,
          on_chunk: Callable[[int, int], None] | None = None) -> xr.Dataset:
    """Solve every member of a sweep and return the results as one xarray Dataset.

    Args:
        members: a sweep file (path), a parsed :class:`SweepSpec`, or a list whose items are
            :class:`~cge.scenario.Scenario` objects, dicts of tariff rates (fractions by
            (exporter, importer, sector), on top of the base rates) or :class:`Member` objects.
        data: a shipped data set name, a folder or a Dataset (default ``usjpn2024``).
        closure: closure name or object; default: the sweep file's, else the scenarios' (they
            must agree), else ``"default"``.
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
    from .calibrate import calibrate

    t0 = time.perf_counter()
    sname, items, cname, prov = _members_of(members, closure)
    spec = prov.pop("_spec", None)
    sname = name or sname
    ds = resolve_data(data)
    clo = get_closure(cname)
    if solver not in ("newton", "ipopt"):
        raise SweepError(f"unknown solver {solver!r}", hint="choose newton or ipopt")
    bad = [f for f in formats if f not in ("netcdf", "parquet")]
    if bad:
        raise SweepError(f"formats: unknown {', '.join(map(_val, bad))}", hint="netcdf, parquet")
    base = dict(calibrate(ds).tm)
    if spec is not None:
        _check_axes(spec, ds, base)
    keys = list(base)
    digest = _data_digest(ds)
    jobs = _resolve(items, ds, base, lambda: _economy(ds, digest, clo))
    size = chunk_size or _chunk_size(len(jobs))
    if size < 1:
        raise SweepError(f"chunk_size = {size}: must be at least 1")
    layout = [jobs[s:s + size] for s in range(0, len(jobs), size)]
    manifest = {"format": FORMAT, "generator": "cge", "name": sname, "data": ds.name,
                "data_digest": digest, "closure": asdict(clo), "solver": solver,
                "members": len(jobs), "member_digests": [j.digest for j in jobs],
                "members_digest": hashlib.sha256("".join(j.digest for j in jobs).encode()).hexdigest(),
                **{k: v for k, v in prov.items() if k != "description"}}
    folder = _Folder(out, manifest, restart) if out is not None else None
    finished: list[dict] = []
    todo = layout
    if folder is not None:
        finished = folder.done(jobs)
        covered = {i for a in finished for i in a["index"].tolist()}
        todo = [left for chunk in layout if (left := [j for j in chunk if j.index not in covered])]
    remaining = sum(len(j) for j in todo)
    already = len(jobs) - remaining
    show = progress if progress is not None else sys.stderr.isatty()
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), initial=already, unit="member", desc=sname, file=sys.stderr,
               disable=not show, mininterval=0.5, dynamic_ncols=True)
    t_solve = time.perf_counter()
    done = already
    with _Runner(executor, workers, len(todo)) as runner, bar:
        shared = (ds, digest, clo, solver, keys)
        for arrays in runner.run(_solve_chunk, shared, todo):
            finished.append(arrays)
            if folder is not None:
                folder.save(arrays)
            n = len(arrays["index"])
            done += n
            bar.update(n)
            if on_chunk is not None:
                on_chunk(done, len(jobs))
        engine = runner.description
    solve_seconds = time.perf_counter() - t_solve
    attrs = {"title": sname, "generator": "cge", "cge_version": _version(), "data": ds.name,
             "data_digest": digest, "currency_unit": ds.unit, "closure": clo.describe(),
             "solver": solver, "members": len(jobs), "chunk_size": size,
             "members_digest": manifest["members_digest"],
             "created": _now(),
             **{k: v for k, v in prov.items() if v}}
    if spec is not None:
        attrs["_axes"] = {ax.name: {"operation": ax.operation,
                                    "units": "percentage points" if ax.operation == "add_pct" else "%",
                                    "importer": ax.importer,
                                    "exporters": ax.exporters if isinstance(ax.exporters, str)
                                    else " ".join(ax.exporters),
                                    "sectors": ax.sectors if isinstance(ax.sectors, str)
                                    else " ".join(ax.sectors)} for ax in spec.axes}
    result = _assemble(finished, items, ds, attrs)
    result.attrs.update({"solved_now": remaining, "solved_before": already,
                         "solve_seconds": round(solve_seconds, 3), "engine": engine,
                         "wall_seconds": round(time.perf_counter() - t0, 3)})
    if folder is not None:
        result.attrs["written"] = " ".join(str(p) for p in _write_results(result, folder.dir, formats))
    return result


def _check_axes(spec: SweepSpec, ds: Dataset, base: dict) -> None:
    """Each axis names regions and sectors of the data and touches at least one trade flow."""
    for k, ax in enumerate(spec.axes, start=1):
        names_only = Shock(ax.importer, ax.exporters, ax.sectors, "add_pct", 0.0)
        probe = Scenario(name=f"{spec.path}: axis {k} ({ax.name})", shocks=(names_only,))
        try:
            probe.tariffs(ds, base)
        except ScenarioError as exc:
            raise SweepError(str(exc).replace(": shock 1:", ":", 1)) from None


def _mutable(eco: Economy) -> dict:
    """Mutable Params of the model and their indices (to validate overrides)."""
    import pyomo.environ as pyo

    skip = {"tm", *eco.ELASTICITIES}
    return {c.local_name: set(c.keys()) for c in eco.model.component_objects(pyo.Param)
            if c.mutable and c.local_name not in skip}


def _version() -> str:
    """cge's version as report metadata gives it (the installed distribution), else the package's."""
    from . import __version__

    return _dist_version("cge") or __version__


__all__ = ["sweep", "Member", "Axis", "SweepSpec", "SweepError", "parse_sweep", "load_sweep",
           "to_tidy", "VARIABLES", "STATUS"]
