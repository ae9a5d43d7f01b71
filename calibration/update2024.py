"""Update the 2011 world table to 2024 (all values USD million, current prices).

Steps (documented in docs/data.md):

1. Each region's GDP factor ``g_r = GDP_2024_r / GDP_2011_r`` (GDP = WIOD value added).
2. Bilateral trade: every flow ``e -> m`` is scaled by ``sqrt(g_e * g_m)`` (the geometric mean
   of exporter's and importer's GDP growth), except US-Japan goods trade, which is set to the
   2024 customs totals: Japan -> USA 148,200 of which AUTO 55,500 (other goods in their 2011
   shares), USA -> Japan 79,700 (all goods in their 2011 shares). SERV between USA and JPN
   follows the general rule.
3. Each region's domestic block (intermediates, final demand, value added) is rebalanced with
   GRAS to the new trade and GDP: domestic sales of domestic output ``S_i = g_r * S_i(2011)``;
   absorption ``D_i = S_i + M_i``; output ``Y_i = S_i + X_i``; total value added = GDP target;
   final demand total = GDP - X + M, split between HOH/GOV/INV in 2011 proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calibration.assumptions import Targets2024
from calibration.balance import gras
from calibration.common import GOODS, SECTORS, FloatArray
from calibration.wiod import RegionBlock, WorldTable


@dataclass(frozen=True)
class UpdateReport:
    """Diagnostics of the 2024 update.

    Attributes:
        gdp_factor: ``g_r`` by region (dimensionless).
        gras_iterations: GRAS sweeps used by region.
        trade_factor: scaling factor applied to each ``(exporter, importer)`` aggregate flow.
    """

    gdp_factor: dict[str, float]
    gras_iterations: dict[str, int]
    trade_factor: dict[tuple[str, str], float]


def round_preserving_sum(values: FloatArray, total: float, quantum: float = 0.001) -> FloatArray:
    """Round ``values`` (USD million) to multiples of ``quantum`` so that they sum to ``total``.

    Largest-remainder rounding; ``total`` must itself be a multiple of ``quantum``.
    """
    units = np.asarray(values, dtype=np.float64) / quantum
    floor = np.floor(units)
    short = int(round(total / quantum - floor.sum()))
    order = np.argsort(-(units - floor), kind="stable")
    floor[order[:short]] += 1.0
    return np.asarray(floor * quantum, dtype=np.float64)


def _split(total: float, weights: FloatArray) -> FloatArray:
    return round_preserving_sum(total * weights / weights.sum(), total)


def target_trade(world: WorldTable, targets: Targets2024) -> tuple[FloatArray, dict[str, float]]:
    """2024 bilateral trade array ``(exporter, importer, sector)`` in USD million."""
    regions = world.regions
    gdp = targets.gdp()
    g = {r: gdp[r] / world.gdp(r) for r in regions}
    trade = np.zeros_like(world.trade)
    for e, ex in enumerate(regions):
        for m, im in enumerate(regions):
            if e != m:
                trade[e, m] = world.trade[e, m] * np.sqrt(g[ex] * g[im])
    usa, jpn = regions.index("USA"), regions.index("JPN")
    goods = [SECTORS.index(s) for s in GOODS]
    auto = SECTORS.index("AUTO")
    # Japan -> USA: AUTO fixed, the other goods in their 2011 shares.
    others = [k for k in goods if k != auto]
    trade[jpn, usa, auto] = targets.us_imports_from_jpn_auto
    trade[jpn, usa, others] = _split(
        targets.us_imports_from_jpn_goods - targets.us_imports_from_jpn_auto,
        world.trade[jpn, usa, others],
    )
    # USA -> Japan: all goods in their 2011 shares.
    trade[usa, jpn, goods] = _split(targets.us_exports_to_jpn_goods, world.trade[usa, jpn, goods])
    return np.round(trade, 3), g


def update_to_2024(world: WorldTable, targets: Targets2024) -> tuple[WorldTable, UpdateReport]:
    """Return the 2024 world table (USD million) and diagnostics; see the module docstring."""
    trade, g = target_trade(world, targets)
    gdp = targets.gdp()
    new = WorldTable({}, trade, world.regions)
    iterations: dict[str, int] = {}
    n = len(SECTORS)
    for region in world.regions:
        b = world.blocks[region]
        x11 = world.exports(region)
        output11 = b.z.sum(axis=0) + b.v
        domestic_sales = g[region] * (output11 - x11)
        x24, m24 = new.exports(region), new.imports(region)
        absorption = domestic_sales + m24
        output = domestic_sales + x24
        fd_total = gdp[region] - x24.sum() + m24.sum()
        fd_cols = fd_total * b.f.sum(axis=0) / b.f.sum()
        prior = np.zeros((n + 1, n + 3))
        prior[:n, :n] = g[region] * b.z
        prior[:n, n:] = g[region] * b.f
        prior[n, :n] = g[region] * b.v
        result = gras(
            prior,
            np.concatenate([absorption, [gdp[region]]]),
            np.concatenate([output, fd_cols]),
        )
        x = result.matrix
        new.blocks[region] = RegionBlock(x[:n, :n].copy(), x[:n, n:].copy(), x[n, :n].copy())
        iterations[region] = result.iterations
    trade_factor = {
        (ex, im): float(trade[e, m].sum() / world.trade[e, m].sum())
        for e, ex in enumerate(world.regions)
        for m, im in enumerate(world.regions)
        if e != m
    }
    return new, UpdateReport(g, iterations, trade_factor)
