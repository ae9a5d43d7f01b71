"""Assemble per-region SAMs and the trade table from a :class:`WorldTable`.

Cells are kept as integer US dollars so that every account balances *exactly* in the written
files (which state values in USD million with up to six decimals). The conventions follow
docs/input_format.md; the choices below are documented in docs/data.md:

* tariffs: revenue ``TRF_i = sum_s t_si * M_si`` (rates on the c.i.f. value) is paid to GOV
  and taken out of the importing sector's value added (WIOD's value added includes net
  product taxes, tariffs among them), so absorption and the trade matrix are unchanged;
* value added net of tariffs is split into LAB and CAP with sector labour shares;
* IDT is zero (WIOD puts production and product taxes inside value added);
* government saving is a share of GDP (zero by default); direct tax from HOH closes GOV;
* foreign saving from partner ``s`` = imports from ``s`` - exports to ``s``; household saving
  closes INV.
"""

from __future__ import annotations

from dataclasses import dataclass

from calibration.common import DOLLARS_PER_UNIT, FACTORS, FINAL_DEMAND, SECTORS, to_dollars
from calibration.wiod import WorldTable

Cell = tuple[str, str]


class AssemblyError(ValueError):
    """The assembled SAM would break a rule of the input format."""


@dataclass
class AssembledData:
    """Integer-dollar content of a data set.

    Attributes:
        sam: by region, ``{(row, col): dollars}`` with zero cells omitted.
        trade: ``{(exporter, importer, sector): dollars}`` for non-zero flows.
        tariff_tenths: ``{(exporter, importer, sector): tenths of a percent}``, same keys.
        adjustments: largest absolute rounding fix applied to a final-demand cell, by region
            (US dollars).
    """

    sam: dict[str, dict[Cell, int]]
    trade: dict[tuple[str, str, str], int]
    tariff_tenths: dict[tuple[str, str, str], int]
    adjustments: dict[str, int]


def labour_shares(raw: dict[str, dict[str, float]], lo: float, hi: float) -> dict[str, dict[str, float]]:
    """Clip USA/JPN labour shares to ``[lo, hi]``; ROW = mean of the clipped USA and JPN
    shares, sector by sector (fractions of value added)."""
    out = {r: {s: min(hi, max(lo, raw[r][s])) for s in SECTORS} for r in ("USA", "JPN")}
    out["ROW"] = {s: round((out["USA"][s] + out["JPN"][s]) / 2.0, 6) for s in SECTORS}
    return out


def assemble(
    world: WorldTable,
    tariff_tenths: dict[tuple[str, str, str], int],
    shares: dict[str, dict[str, float]],
    gov_saving_share: dict[str, float],
) -> AssembledData:
    """Build integer-dollar SAMs and trade for every region of ``world``.

    Args:
        world: domestic blocks and bilateral trade in USD million.
        tariff_tenths: base tariff keyed ``(importer, exporter, sector)`` in tenths of a percent.
        shares: labour share of value added (net of tariffs) by region and sector.
        gov_saving_share: government saving as a fraction of GDP by region.
    """
    regions = world.regions
    sectors = world.sectors
    n = len(sectors)
    trade: dict[tuple[str, str, str], int] = {}
    rates: dict[tuple[str, str, str], int] = {}
    for e, ex in enumerate(regions):
        for m, im in enumerate(regions):
            for k, sec in enumerate(sectors):
                value = to_dollars(float(world.trade[e, m, k])) if e != m else 0
                if value < 0:
                    raise AssemblyError(f"negative trade {ex}->{im} {sec}: {value}")
                if value:
                    trade[(ex, im, sec)] = value
                    rates[(ex, im, sec)] = tariff_tenths[(im, ex, sec)]
    sams: dict[str, dict[Cell, int]] = {}
    adjustments: dict[str, int] = {}
    for region in regions:
        partners = [p for p in regions if p != region]
        b = world.blocks[region]
        z = [[to_dollars(float(b.z[i, j])) for j in range(n)] for i in range(n)]
        f = [[to_dollars(float(b.f[i, c])) for c in range(len(FINAL_DEMAND))] for i in range(n)]
        v = [to_dollars(float(b.v[i])) for i in range(n)]
        x = {p: [trade.get((region, p, s), 0) for s in sectors] for p in partners}
        mm = {p: [trade.get((p, region, s), 0) for s in sectors] for p in partners}
        # Rounding to whole thousands of dollars can leave a sector a few thousand dollars
        # out of balance: absorb the gap in the sector's largest final-demand cell.
        worst = 0
        for i, sec in enumerate(sectors):
            row = sum(z[i]) + sum(f[i]) + sum(x[p][i] for p in partners)
            col = sum(z[k][i] for k in range(n)) + v[i] + sum(mm[p][i] for p in partners)
            gap = row - col
            if gap:
                c = max(range(len(FINAL_DEMAND)), key=lambda c: (abs(f[i][c]), -c))
                if abs(gap) > abs(f[i][c]) // 1000:
                    raise AssemblyError(
                        f"{region} {sec}: rounding gap {gap} dollars too large for "
                        f"{FINAL_DEMAND[c]} cell {f[i][c]}"
                    )
                f[i][c] -= gap
                worst = max(worst, abs(gap))
        adjustments[region] = worst
        cells = _region_cells(region, partners, z, f, v, x, mm, rates, shares, gov_saving_share,
                              sectors)
        unbalanced = {a: g for a, g in account_gaps(cells).items() if g}
        if unbalanced:
            raise AssemblyError(f"{region}: accounts out of balance (dollars): {unbalanced}")
        sams[region] = cells
    return AssembledData(sams, trade, rates, adjustments)


def _region_cells(
    region: str,
    partners: list[str],
    z: list[list[int]],
    f: list[list[int]],
    v: list[int],
    x: dict[str, list[int]],
    mm: dict[str, list[int]],
    rates: dict[tuple[str, str, str], int],
    shares: dict[str, dict[str, float]],
    gov_saving_share: dict[str, float],
    sectors: tuple[str, ...] = SECTORS,
) -> dict[Cell, int]:
    n = len(sectors)
    cells: dict[Cell, int] = {}

    def put(row: str, col: str, value: int) -> None:
        if value:
            cells[(row, col)] = value

    trf = []
    for i, sec in enumerate(sectors):
        # rate (tenths of %) / 1000 * value; values are whole thousands of dollars -> exact.
        total = 0
        for p in partners:
            value = mm[p][i]
            if value:
                if value % 1000:
                    raise AssemblyError(f"trade {p}->{region} {sec} not in whole thousands")
                total += rates[(p, region, sec)] * (value // 1000)
        trf.append(total)
    va_net = [v[i] - trf[i] for i in range(n)]
    for i, sec in enumerate(sectors):
        if va_net[i] <= 0:
            raise AssemblyError(f"{region} {sec}: value added {v[i]} does not cover tariff revenue {trf[i]}")
    lab = [to_dollars(shares[region][s] * va_net[i] / DOLLARS_PER_UNIT) for i, s in enumerate(sectors)]
    cap = [va_net[i] - lab[i] for i in range(n)]
    for i, row_sec in enumerate(sectors):
        for j, col_sec in enumerate(sectors):
            put(row_sec, col_sec, z[i][j])
        for c, fd in enumerate(FINAL_DEMAND):
            put(row_sec, fd, f[i][c])
        for p in partners:
            put(row_sec, p, x[p][i])
            put(p, row_sec, mm[p][i])
        put("LAB", row_sec, lab[i])
        put("CAP", row_sec, cap[i])
        put("TRF", row_sec, trf[i])
    gdp = sum(v)
    consumption_gov = sum(f[i][1] for i in range(n))
    investment = sum(f[i][2] for i in range(n))
    trf_total = sum(trf)
    gov_saving = to_dollars(gov_saving_share[region] * gdp / DOLLARS_PER_UNIT)
    direct_tax = consumption_gov + gov_saving - trf_total
    if direct_tax <= 0:
        raise AssemblyError(f"{region}: direct tax would be {direct_tax} dollars (not positive)")
    foreign = {p: sum(mm[p]) - sum(x[p]) for p in partners}
    hh_saving = investment - gov_saving - sum(foreign.values())
    put("HOH", "LAB", sum(lab))
    put("HOH", "CAP", sum(cap))
    put("GOV", "TRF", trf_total)
    put("GOV", "HOH", direct_tax)
    put("INV", "HOH", hh_saving)
    put("INV", "GOV", gov_saving)
    for p in partners:
        put("INV", p, foreign[p])
    for fac in FACTORS:
        if any(cells.get((fac, s), 0) < 0 for s in sectors):
            raise AssemblyError(f"{region}: negative {fac} payment")
    return cells


def account_gaps(cells: dict[Cell, int]) -> dict[str, int]:
    """Row total minus column total of every account (US dollars); all zero when balanced."""
    gaps: dict[str, int] = {}
    for (row, col), value in cells.items():
        gaps[row] = gaps.get(row, 0) + value
        gaps[col] = gaps.get(col, 0) - value
    return gaps
