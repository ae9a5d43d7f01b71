"""Write and read data sets in the project's input format (docs/input_format.md).

The renderers are those of the library (:mod:`cge.build.write`) with the project's defaults.
Writing is deterministic: rows in canonical order (regions, then accounts as in
:func:`calibration.common.accounts`), values in USD million written from integer dollars with
the fewest decimals needed, LF line endings. Reading goes through the model's reader of the
format (:func:`cge.data.read_tables`: files, encoding, CSV structure, ``meta.toml``, numbers)
and returns floats (USD million) in dictionaries for :mod:`calibration.checks`, which check
balance and consistency themselves so as to report every failure, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calibration.common import HEADLINE_FLOWS, REGIONS, SECTORS, SERVICES, accounts, format_dollars
from cge.build import write as _build
from cge.build.write import render_elasticities, write_texts
from cge.data import FILES, Tables, read_tables

__all__ = ["FILES", "Dataset", "DatasetFormatError", "read_dataset", "render_meta", "render_sam",
           "render_trade", "render_elasticities", "format_tenths", "write_texts"]


class DatasetFormatError(ValueError):
    """A data set folder does not follow the input format."""


def render_meta(
    name: str,
    description: str,
    regions: tuple[str, ...] = REGIONS,
    sectors: tuple[str, ...] = SECTORS,
    factors: tuple[str, ...] = ("LAB", "CAP"),
    unit: str = "USD million",
    reference_region: str = "USA",
    services: tuple[str, ...] = SERVICES,
    headline_flows: tuple[tuple[str, str], ...] = HEADLINE_FLOWS,
    elasticities: str | None = None,
) -> str:
    """Text of ``meta.toml`` (:func:`cge.build.write.render_meta` with the project's defaults)."""
    return _build.render_meta(name, description, regions=regions, sectors=sectors,
                              factors=factors, unit=unit, reference_region=reference_region,
                              services=services, headline_flows=headline_flows,
                              elasticities=elasticities)


def render_sam(sam: dict[str, dict[tuple[str, str], int]], regions: tuple[str, ...] = REGIONS,
               sectors: tuple[str, ...] = SECTORS) -> str:
    """Text of ``sam.csv`` from integer-dollar cells (zero cells omitted)."""
    try:
        return _build.render_sam(sam, regions, lambda r: accounts(r, regions, sectors),
                                 format_dollars)
    except ValueError as exc:
        raise DatasetFormatError(str(exc)) from None


def format_tenths(tenths: int) -> str:
    """Tenths of a percent as a percent string: ``21 -> "2.1"``, ``120 -> "12"``."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole}" + (f".{frac}" if frac else "")


def render_trade(
    trade: dict[tuple[str, str, str], int],
    tariff_tenths: dict[tuple[str, str, str], int],
    regions: tuple[str, ...] = REGIONS,
    sectors: tuple[str, ...] = SECTORS,
) -> str:
    """Text of ``trade.csv`` (keys ``(exporter, importer, sector)``, integer dollars)."""
    return _build.render_trade(trade, tariff_tenths, regions, sectors, format_dollars,
                               format_tenths)


@dataclass
class Dataset:
    """A data set read back from disk (values in the data set's unit, USD million).

    Attributes:
        path: folder read.
        meta: parsed ``meta.toml``.
        sam: by region, ``{(row, col): value}``.
        trade: ``{(exporter, importer, sector): (value, tariff_pct)}``.
        elasticities: rows of ``elasticities.csv`` as dicts: ``sector`` (and ``region``,
            ``source``) text, ``sigma_va, sigma_d, sigma_m, psi`` floats (an empty ``psi`` is
            ``inf``).
        tables: the files as :func:`cge.data.read_tables` parsed them (for the model's own
            validation, :func:`calibration.checks.check_format`); None for data built in memory.
    """

    path: Path
    meta: dict[str, Any]
    sam: dict[str, dict[tuple[str, str], float]]
    trade: dict[tuple[str, str, str], tuple[float, float]]
    elasticities: list[dict[str, Any]]
    tables: Tables | None = field(default=None, repr=False)

    @property
    def regions(self) -> list[str]:
        """Regions in ``meta.toml`` order."""
        return list(self.meta["regions"])

    @property
    def sectors(self) -> list[str]:
        """Sectors in ``meta.toml`` order."""
        return list(self.meta["sectors"])

    @property
    def factors(self) -> list[str]:
        """Factors in ``meta.toml`` order."""
        return list(self.meta["factors"])

    @property
    def goods(self) -> list[str]:
        """Sectors that are not services (``meta.toml: services``), in ``meta.toml`` order."""
        services = set(self.meta.get("services", ()))
        return [s for s in self.sectors if s not in services]


def read_dataset(path: Path | str) -> Dataset:
    """Read a data set folder with :func:`cge.data.read_tables`.

    Raises:
        cge.data.DataError: a malformed file (missing, not UTF-8, bad CSV, bad ``meta.toml``,
            a cell that is not a number), naming file, line and value.
        DatasetFormatError: a SAM cell of an unknown region, or a cell or flow given twice.
    """
    t = read_tables(path)
    sam: dict[str, dict[tuple[str, str], float]] = {r: {} for r in t.meta["regions"]}
    cells = t.sam[["region", "row", "col", "value"]].itertuples(index=False)
    for line, (region, row, col, value) in zip(t.sam.attrs["lines"], cells, strict=True):
        if region not in sam:
            raise DatasetFormatError(f"sam.csv line {line}: unknown region {region}")
        key = (row, col)
        if key in sam[region]:
            raise DatasetFormatError(f"sam.csv line {line}: duplicate cell {region} {key}")
        sam[region][key] = value
    trade: dict[tuple[str, str, str], tuple[float, float]] = {}
    flows = t.trade[["exporter", "importer", "sector", "value", "tariff_pct"]].itertuples(index=False)
    for line, (ex, im, sec, value, pct) in zip(t.trade.attrs["lines"], flows, strict=True):
        key = (ex, im, sec)
        if key in trade:
            raise DatasetFormatError(f"trade.csv line {line}: duplicate {key}")
        trade[key] = (value, pct)
    elasticities = t.elasticities.to_dict("records")
    return Dataset(Path(path), t.meta, sam, trade, elasticities, tables=t)
