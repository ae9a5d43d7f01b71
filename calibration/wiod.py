"""Read the project's copy of the WIOD 2011 table (``calibration/source/``) into arrays.

The source is the WIOD 2013 release, world input-output table for 2011, aggregated to
USA / JPN / ROW x 10 sectors (Timmer et al. 2015). All values are current USD million at basic
prices. This module only reads and reshapes; it verifies the table's own identities and raises
:class:`SourceDataError` if the copy is inconsistent.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calibration.common import FINAL_DEMAND, REGIONS, SECTORS, SOURCE_DIR, FloatArray

MRIO_FILE = "wiod2011_3r10s_mrio_long.csv"
TRADE_FILE = "wiod2011_3r10s_bilateral_trade.csv"
LABOUR_FILE = "wiod2014_labour_cost_ratio_10s.csv"

#: WIOD final-demand categories folded into the SAM's final-demand accounts.
FINAL_DEMAND_MAP: dict[str, str] = {
    "hh": "HOH",
    "npish": "HOH",
    "gov": "GOV",
    "gfcf": "INV",
    "inv": "INV",
}


class SourceDataError(ValueError):
    """The source copy is missing a value or breaks one of its own identities."""


@dataclass
class RegionBlock:
    """Domestic part of one region's table (USD million).

    Attributes:
        z: ``(n, n)`` intermediate use of the Armington composite of commodity ``i`` (row,
            summed over all origins) by sector ``j`` (column).
        f: ``(n, 3)`` final demand for the composite, columns ``HOH`` (households + NPISH),
            ``GOV`` (government), ``INV`` (gross fixed capital formation + inventory change;
            may be negative).
        v: ``(n,)`` value added as in WIOD: output minus intermediates, so it also holds net
            product taxes (including tariffs) and cif/fob adjustments.
    """

    z: FloatArray
    f: FloatArray
    v: FloatArray


@dataclass
class WorldTable:
    """Three regional blocks plus bilateral trade (USD million).

    Attributes:
        blocks: domestic blocks by region.
        trade: ``(r, r, n)`` array, ``trade[e, m, i]`` = exports of sector ``i`` from region
            ``e`` to region ``m`` (zero on the diagonal ``e == m``).
        regions: region order of ``trade``'s first two axes.
        sectors: sector order of ``trade``'s last axis and of the blocks' rows and columns.
    """

    blocks: dict[str, RegionBlock]
    trade: FloatArray
    regions: tuple[str, ...] = field(default=REGIONS)
    sectors: tuple[str, ...] = field(default=SECTORS)

    def exports(self, region: str) -> FloatArray:
        """Total exports of ``region`` by sector."""
        return self.trade[self.regions.index(region)].sum(axis=0)

    def imports(self, region: str) -> FloatArray:
        """Total imports of ``region`` by sector."""
        return self.trade[:, self.regions.index(region)].sum(axis=0)

    def sector_gaps(self, region: str) -> FloatArray:
        """Row minus column total of every sector account (before tariffs), USD million.

        Row: intermediate + final use of the composite + exports. Column: intermediates +
        value added + imports. Zero when the region's table is balanced.
        """
        b = self.blocks[region]
        row = b.z.sum(axis=1) + b.f.sum(axis=1) + self.exports(region)
        col = b.z.sum(axis=0) + b.v + self.imports(region)
        return np.asarray(row - col, dtype=np.float64)

    def gdp(self, region: str) -> float:
        """GDP of ``region`` (sum of WIOD value added), USD million."""
        return float(self.blocks[region].v.sum())


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SourceDataError(f"missing source file {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_world(source_dir: Path = SOURCE_DIR) -> WorldTable:
    """Read ``wiod2011_3r10s_mrio_long.csv`` into a :class:`WorldTable` (USD million).

    Intermediate use is aggregated over origins (one Armington composite per commodity), final
    demand is folded as in :data:`FINAL_DEMAND_MAP`, bilateral trade is the sum of every cell
    sold by one region to another. The result is checked against
    ``wiod2011_3r10s_bilateral_trade.csv`` and against the table's balance identity.
    """
    n, nr = len(SECTORS), len(REGIONS)
    si = {s: k for k, s in enumerate(SECTORS)}
    ri = {r: k for k, r in enumerate(REGIONS)}
    fi = {c: k for k, c in enumerate(FINAL_DEMAND)}
    z = {r: np.zeros((n, n)) for r in REGIONS}
    f = {r: np.zeros((n, len(FINAL_DEMAND))) for r in REGIONS}
    v = {r: np.zeros(n) for r in REGIONS}
    output = {r: np.zeros(n) for r in REGIONS}
    trade = np.zeros((nr, nr, n))
    for row in _read_csv(source_dir / MRIO_FILE):
        block, value = row["block"], float(row["usd_million"])
        col_r, item = row["col_region"], row["col_item"]
        if block == "intermediate" or block == "final":
            orig, sec = row["row_region"], row["row_sector"]
            if orig != col_r:
                trade[ri[orig], ri[col_r], si[sec]] += value
            if block == "intermediate":
                z[col_r][si[sec], si[item]] += value
            else:
                f[col_r][si[sec], fi[FINAL_DEMAND_MAP[item]]] += value
        elif block == "value_added":
            v[col_r][si[item]] += value
        elif block == "gross_output":
            output[col_r][si[item]] += value
    world = WorldTable({r: RegionBlock(z[r], f[r], v[r]) for r in REGIONS}, trade)
    _verify(world, output, source_dir)
    return world


def _verify(world: WorldTable, output: dict[str, FloatArray], source_dir: Path) -> None:
    ri = {r: k for k, r in enumerate(REGIONS)}
    for row in _read_csv(source_dir / TRADE_FILE):
        got = world.trade[ri[row["exporter"]], ri[row["importer"]], SECTORS.index(row["sector"])]
        want = float(row["total"])
        if abs(got - want) > 1e-6 * max(1.0, abs(want)):
            raise SourceDataError(
                f"trade {row['exporter']}->{row['importer']} {row['sector']}: mrio gives "
                f"{got}, bilateral file gives {want}"
            )
    for r in REGIONS:
        b = world.blocks[r]
        col = b.z.sum(axis=0) + b.v
        if np.abs(col - output[r]).max() > 1e-6 * output[r].max():
            raise SourceDataError(f"{r}: intermediates + value added differ from gross output")
        gaps = world.sector_gaps(r)
        if np.abs(gaps).max() > 1e-6 * output[r].max():
            k = int(np.abs(gaps).argmax())
            raise SourceDataError(f"{r} {SECTORS[k]}: table does not balance (gap {gaps[k]})")


def load_labour_shares(source_dir: Path = SOURCE_DIR) -> dict[str, dict[str, float]]:
    """Raw estimated 2011 labour shares of value added (fraction) for USA and JPN by sector.

    Read from column ``est_labour_share_of_va_2011`` of ``wiod2014_labour_cost_ratio_10s.csv``.
    """
    shares: dict[str, dict[str, float]] = {}
    for row in _read_csv(source_dir / LABOUR_FILE):
        shares.setdefault(row["region"], {})[row["sector"]] = float(row["est_labour_share_of_va_2011"])
    for region in ("USA", "JPN"):
        missing = [s for s in SECTORS if s not in shares.get(region, {})]
        if missing:
            raise SourceDataError(f"labour share missing for {region}: {missing}")
    return shares
