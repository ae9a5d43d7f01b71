"""Move a multi-region 2011 world to documented 2024 targets (any regions and sectors).

Method (docs/data.md, "The 2024 update of a multi-region world"), all values USD million:

1. **GDP.** Each region's GDP factor ``g_r = GDP_2024_r / GDP_2011_r`` (GDP = value added).
2. **Prior trade.** Every bilateral flow ``e -> m`` of every sector is scaled by
   ``sqrt(g_e * g_m)`` (the geometric mean of exporter's and importer's growth).
3. **Goods trade to the targets**, by cross-entropy with errors (Golan, Judge & Robinson 1994;
   Robinson, Cattaneo & El-Said 2001, *Economic Systems Research* 13: 47-64): the goods flows
   ``x`` minimise ``sum_c [x_c ln(x_c / x0_c) - x_c + x0_c] + (rho / 2) sum_k ((a_k x - b_k) /
   (tau_k b_k))^2`` where ``x0`` is the prior, ``a_k x`` the model value of target ``k`` (a sum
   of flows), ``b_k`` its value and ``tau_k`` its stated tolerance (a fraction), and ``rho`` the
   prior's total value: a deviation of one tolerance width weighs as much as the whole table's
   entropy scale, so targets that agree are met and targets that conflict (mirror statistics,
   c.i.f. imports against f.o.b. exports in a model without margins) share the gap in
   proportion to their tolerances. Zero flows stay zero; signs are kept. The problem is solved
   exactly by Newton's method on its dual (``x = x0 exp(-A' lambda)``), to 1e-10.
4. **Domestic blocks** are rebalanced by GRAS (Junius & Oosterhaven 2003) to the new trade and
   GDP as in :mod:`calibration.update2024`: domestic sales of domestic output ``g_r`` times
   2011; absorption = domestic sales + imports; output = domestic sales + exports; value added
   = the GDP target; final demand in its 2011 proportions.

Targets come from ``calibration/inputs/targets2024.csv`` (source and grade on every row, notes in
``calibration/source/targets2024_notes.md``); the build reports each against what it achieved.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from calibration.balance import gras
from calibration.common import INPUTS_DIR, FloatArray
from calibration.wiod import RegionBlock, WorldTable

TARGETS_FILE = INPUTS_DIR / "targets2024.csv"
#: The targets' sector names (and energy products) -> the model sectors they cover, by file.
TARGET_SECTORS_FILE = INPUTS_DIR / "maps" / "target_sectors_18.csv"
#: Kinds of target rows that the trade fit uses (the rest are reported as checks).
TRADE_KINDS = ("goods_exports", "goods_imports", "bilateral_goods_exports",
               "bilateral_goods_imports", "sector_goods_exports", "sector_goods_imports",
               "energy_exports", "energy_imports")
#: Newton tolerance on the dual's gradient (each target's equation), relative to the target.
DUAL_TOL = 1e-9


class TargetError(ValueError):
    """A target row that cannot be used (names the file, the row and the fix)."""


@dataclass(frozen=True)
class Target:
    """One target row of ``targets2024.csv`` (values USD million).

    Attributes:
        kind: the ``target`` column (``gdp``, ``goods_exports``, ...).
        region: the region, or for bilateral and sector rows the reporter.
        partner: the partner of a bilateral or sector row ("" otherwise).
        sector: a target sector or energy product, or a period ("" for totals).
        value: the target value.
        tolerance: how close the build must come, as a fraction of ``value``.
        grade: official / secondary / estimate.
        source: where the number comes from.
        role: ``target`` (used by the fit), ``gdp`` (met by construction), ``mirror`` (the
            same flow as reported by its partner, which is the target), ``merged`` (summed
            with other rows into one target) or ``check`` (reported only).
        rows: the file rows this target stands for (a merged target lists several).
    """

    kind: str
    region: str
    partner: str
    sector: str
    value: float
    tolerance: float
    grade: str
    source: str
    role: str = "target"
    rows: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """A short readable name, e.g. ``bilateral_goods_imports USA<-JPN``."""
        where = self.region + (f"/{self.partner}" if self.partner else "")
        return f"{self.kind} {where}" + (f" {self.sector}" if self.sector else "")


@dataclass(frozen=True)
class TargetSectors:
    """The model sectors behind each target sector name (``maps/target_sectors_*.csv``)."""

    path: Path
    sectors: dict[str, tuple[str, ...]]

    def resolve(self, name: str, where: str) -> tuple[str, ...]:
        """Model sectors of ``name``; ``a+b`` is the union of ``a`` and ``b``."""
        out: list[str] = []
        for part in name.split("+"):
            if part not in self.sectors:
                raise TargetError(f"{where}: sector {part!r} is not in {self.path.name} "
                                  f"(known: {', '.join(self.sectors)})")
            out += [s for s in self.sectors[part] if s not in out]
        return tuple(out)


def read_target_sectors(path: Path = TARGET_SECTORS_FILE,
                        model_sectors: tuple[str, ...] = ()) -> TargetSectors:
    """Read a ``target_sector,model_sectors`` CSV (model sectors separated by spaces)."""
    out: dict[str, tuple[str, ...]] = {}
    with Path(path).open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            secs = tuple(row["model_sectors"].split())
            bad = [s for s in secs if model_sectors and s not in model_sectors]
            if bad or not secs:
                raise TargetError(f"{path} line {line}: model sectors {bad or secs} are not sectors "
                                  f"of the data set ({', '.join(model_sectors)})")
            out[row["target_sector"]] = secs
    return TargetSectors(Path(path), out)


def read_targets(path: Path = TARGETS_FILE, regions: tuple[str, ...] = (),
                 sector_map: TargetSectors | None = None) -> list[Target]:
    """Read the target table and assign each row its role (see :class:`Target`).

    Rows whose flow is reported by both sides (``bilateral_goods_*`` of USA with JPN and of
    JPN with USA) are targeted once: the US (Census) figure is the target and Japan's the
    mirror check (c.i.f./f.o.b. valuation and timing make mirror statistics differ). Sector and
    energy rows of the same flow that map to the same model sectors are merged (values summed,
    tolerances combined in quadrature); the energy ``total`` rows, ``check_*`` and revenue rows
    are checks.
    """
    rows: list[Target] = []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            where = f"{Path(path).name} row {line}"
            try:
                value, tol = float(r["value_usd_million"]), float(r["tolerance_pct"]) / 100.0
            except ValueError as exc:
                raise TargetError(f"{where}: {exc}") from None
            if not (math.isfinite(value) and value > 0 and tol > 0):
                raise TargetError(f"{where}: value {value} and tolerance {tol} must be positive")
            for reg in (r["region"], r["partner"]):
                if reg and reg != "world" and regions and reg not in regions:
                    raise TargetError(f"{where}: region {reg!r} is not a region of the data set")
            kind = r["target"]
            role = "target" if kind in TRADE_KINDS else ("gdp" if kind == "gdp" else "check")
            if kind == "check_mof_auto_exports":
                role = "mirror"  # Japan's f.o.b. report of the flow targeted by the US figure
            if kind.startswith("energy_") and r["sector"] == "total":
                role = "check"
            rows.append(Target(kind, r["region"], r["partner"], r["sector"], value, tol, r["grade"],
                               r["source"], role, (line,)))
    # a flow reported by both sides: the US (Census) row is the target, the other the mirror
    by_flow: dict[tuple[str, str], list[int]] = {}
    for k, t in enumerate(rows):
        if t.kind.startswith("bilateral_goods_") and t.role == "target":
            flow = (t.region, t.partner) if t.kind.endswith("exports") else (t.partner, t.region)
            by_flow.setdefault(flow, []).append(k)
    out = list(rows)
    for ks in by_flow.values():
        if len(ks) > 1:
            keep = next((k for k in ks if rows[k].region == "USA"), ks[0])
            for k in ks:
                if k != keep:
                    out[k] = replace(rows[k], role="mirror")
    if sector_map is None:
        return out
    merged: list[Target] = []
    groups: dict[tuple[str, str, str, tuple[str, ...]], list[Target]] = {}
    for t in out:
        if t.kind.startswith(("energy_", "sector_")) and t.role == "target":
            secs = sector_map.resolve(t.sector, f"{Path(path).name} row {t.rows[0]}")
            groups.setdefault((t.kind, t.region, t.partner, secs), []).append(t)
    for (kind, region, partner, _secs), ts in groups.items():
        if len(ts) > 1:
            value = sum(t.value for t in ts)
            tol = math.sqrt(sum((t.tolerance * t.value) ** 2 for t in ts)) / value
            grade = min((t.grade for t in ts), key=("estimate", "secondary", "official").index)
            merged.append(Target(kind, region, partner, "+".join(t.sector for t in ts), value, tol,
                                 grade, "; ".join(t.source for t in ts), "target",
                                 tuple(r for t in ts for r in t.rows)))
    drop = {id(t) for ts in groups.values() if len(ts) > 1 for t in ts}
    return [t if id(t) not in drop else replace(t, role="merged") for t in out] + merged


@dataclass
class Achieved:
    """A target against what the update achieved."""

    target: Target
    achieved: float

    @property
    def gap(self) -> float:
        """``achieved / target - 1``."""
        return self.achieved / self.target.value - 1.0

    @property
    def met(self) -> bool:
        """Whether the gap is within the stated tolerance."""
        return abs(self.gap) <= self.target.tolerance * (1 + 1e-9)


@dataclass
class TargetUpdate:
    """The updated world and what the update did."""

    world: WorldTable
    gdp_factor: dict[str, float]
    achieved: list[Achieved]
    newton_iterations: int
    gras_iterations: dict[str, int] = field(default_factory=dict)
    prior_goods_trade: float = 0.0
    fitted_goods_trade: float = 0.0


def _cells(t: Target, regions: tuple[str, ...], sectors: tuple[str, ...], goods: tuple[str, ...],
           sector_map: TargetSectors) -> list[tuple[int, int, int]]:
    """The ``(exporter, importer, sector)`` flows whose sum is target ``t``."""
    r = regions.index(t.region)
    secs = goods
    if t.kind.startswith(("sector_", "energy_")):
        secs = sector_map.resolve(t.sector, t.label)
    js = [sectors.index(s) for s in secs]
    n = len(regions)
    if t.kind in ("goods_exports", "energy_exports"):
        pairs = [(r, m) for m in range(n) if m != r]
    elif t.kind in ("goods_imports", "energy_imports"):
        pairs = [(e, r) for e in range(n) if e != r]
    else:
        p = regions.index(t.partner)
        pairs = [(r, p)] if t.kind.endswith("exports") else [(p, r)]
    return [(e, m, j) for e, m in pairs for j in js]


#: Check rows read as a flow of another kind: ``check_farm_food_exports`` (US exports to Japan of
#: AGR+FOOD), ``check_mof_auto_exports`` (Japan's exports to the US, as Japan reports them).
_CHECK_AS = {"check_farm_food_exports": "sector_goods_exports",
             "check_mof_auto_exports": "sector_goods_exports"}
#: Checks the model's sectors cannot give: crude oil and refined products alone (crude shares
#: ENRX with gas and coal), so ``check_petroleum_balance`` is not compared.
NOT_COMPARABLE = ("check_petroleum_balance",)


def model_value(t: Target, world: WorldTable, goods: tuple[str, ...], sector_map: TargetSectors) -> float:
    """The value of target ``t`` in ``world`` (USD million): a sum of flows, GDP, or for
    ``check_petroleum_balance`` net exports; NaN for a kind the trade table cannot give
    (tariff revenue: see :func:`calibration.aggregate.build`)."""
    if t.kind == "gdp":
        return world.gdp(t.region)
    if t.kind == "gdp_world":
        return sum(world.gdp(r) for r in world.regions)
    if t.kind in _CHECK_AS:
        t = Target(_CHECK_AS[t.kind], t.region, t.partner, t.sector, t.value, t.tolerance, t.grade, "")
    if t.kind not in TRADE_KINDS:
        return float("nan")
    cells = _cells(t, world.regions, world.sectors, goods, sector_map)
    return float(sum(world.trade[c] for c in cells))


def fit_trade(prior: FloatArray, targets: list[tuple[list[tuple[int, int, int]], float, float]],
              ) -> tuple[FloatArray, int]:
    """Cross-entropy fit of the flows ``prior`` (any shape) to ``targets`` (cells, value,
    tolerance as a fraction); see the module docstring. Returns the flows and Newton steps."""
    flat = prior.ravel()
    live = np.flatnonzero(flat > 0)
    pos = {c: k for k, c in enumerate(live)}
    x0 = flat[live]
    rho = float(x0.sum())
    a = np.zeros((len(targets), len(live)))
    b = np.zeros(len(targets))
    for k, (cells, value, _) in enumerate(targets):
        for c in cells:
            i = np.ravel_multi_index(c, prior.shape)
            if i in pos:
                a[k, pos[i]] = 1.0
        b[k] = value
    inv_w = np.array([(tol * v) ** 2 for _, v, tol in targets]) / rho

    def dual(lam: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        x = x0 * np.exp(-(a.T @ lam))
        return float(x.sum() + lam @ b + 0.5 * lam @ (inv_w * lam)), b - a @ x + inv_w * lam, x

    lam = np.zeros(len(targets))
    g_val, grad, x = dual(lam)
    steps = 0
    while np.max(np.abs(grad) / b) > DUAL_TOL:
        if steps >= 100:
            raise TargetError(f"the trade fit did not converge in 100 Newton steps (gradient "
                              f"{np.max(np.abs(grad)):.3e}); the targets may be contradictory")
        hess = (a * x) @ a.T + np.diag(inv_w)
        step = np.linalg.solve(hess, -grad)
        t = 1.0
        while True:  # Armijo on the dual, or (near the root, where the dual's value is lost
            # in round-off) a smaller gradient
            new_val, new_grad, new_x = dual(lam + t * step)
            if new_val <= g_val + 1e-4 * t * float(grad @ step) or t < 1e-12 \
                    or np.max(np.abs(new_grad) / b) < (1 - 1e-4 * t) * np.max(np.abs(grad) / b):
                break
            t *= 0.5
        lam, g_val, grad, x = lam + t * step, new_val, new_grad, new_x
        steps += 1
    out = np.zeros_like(flat)
    out[live] = x
    return out.reshape(prior.shape), steps


def update_world(world: WorldTable, targets: list[Target], goods: tuple[str, ...],
                 sector_map: TargetSectors) -> TargetUpdate:
    """Move ``world`` (2011, non-negative trade) to the targets; see the module docstring."""
    regions, sectors = world.regions, world.sectors
    gdp_rows = {t.region: t for t in targets if t.kind == "gdp"}
    missing = [r for r in regions if r not in gdp_rows]
    if missing:
        raise TargetError(f"no gdp target for {missing}: every region needs one")
    g = {r: gdp_rows[r].value / world.gdp(r) for r in regions}
    n_r = len(regions)
    prior = world.trade.copy()
    for e in range(n_r):
        for m in range(n_r):
            prior[e, m] *= math.sqrt(g[regions[e]] * g[regions[m]])
    jg = [sectors.index(s) for s in goods]
    fit = [t for t in targets if t.role == "target"]
    cells = [[(e, m, jg.index(j)) for e, m, j in _cells(t, regions, sectors, goods, sector_map)]
             for t in fit]
    goods_prior = prior[:, :, jg]
    fitted, steps = fit_trade(goods_prior,
                              [(c, t.value, t.tolerance) for c, t in zip(cells, fit, strict=True)])
    trade = prior.copy()
    trade[:, :, jg] = np.round(fitted, 3)
    trade = np.round(trade, 3)
    new = WorldTable({}, trade, regions, sectors)
    iterations: dict[str, int] = {}
    n = len(sectors)
    for region in regions:
        b = world.blocks[region]
        x11 = world.exports(region)
        output11 = b.z.sum(axis=0) + b.v
        domestic_sales = g[region] * (output11 - x11)
        x24, m24 = new.exports(region), new.imports(region)
        gdp = gdp_rows[region].value
        fd_total = gdp - x24.sum() + m24.sum()
        prior_block = np.zeros((n + 1, n + 3))
        prior_block[:n, :n] = g[region] * b.z
        prior_block[:n, n:] = g[region] * b.f
        prior_block[n, :n] = g[region] * b.v
        result = gras(prior_block, np.concatenate([domestic_sales + m24, [gdp]]),
                      np.concatenate([domestic_sales + x24, fd_total * b.f.sum(axis=0) / b.f.sum()]))
        xb = result.matrix
        new.blocks[region] = RegionBlock(xb[:n, :n].copy(), xb[:n, n:].copy(), xb[n, :n].copy())
        iterations[region] = result.iterations
    achieved = [Achieved(t, model_value(t, new, goods, sector_map)) for t in targets
                if t.role != "merged" and not t.kind.startswith("tariff_revenue")
                and t.kind not in NOT_COMPARABLE]
    return TargetUpdate(new, g, achieved, steps, iterations, float(goods_prior.sum()),
                        float(trade[:, :, jg].sum()))


def achieved_table(update: TargetUpdate, extra: list[Achieved] | None = None) -> str:
    """A Markdown table of every target: value, grade, tolerance, achieved, gap, met."""
    lines = ["| target | role | grade | target value | tolerance | achieved | gap | met |",
             "|---|---|---|---:|---:|---:|---:|:---:|"]
    for a in [*update.achieved, *(extra or [])]:
        t = a.target
        lines.append(f"| {t.label} | {t.role} | {t.grade} | {t.value:,.0f} | {t.tolerance:.1%} | "
                     f"{a.achieved:,.0f} | {a.gap:+.1%} | {'yes' if a.met else 'no'} |")
    return "\n".join(lines)
