"""Write and read data sets in the project's input format (docs/input_format.md).

Writing is deterministic: rows in canonical order (regions, then accounts as in
:func:`calibration.common.accounts`), values in USD million written from integer dollars with
the fewest decimals needed, LF line endings. Reading returns floats (USD million) and is
independent of the model package so that the checks can run on their own.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calibration.common import HEADLINE_FLOWS, REGIONS, SECTORS, SERVICES, accounts, format_dollars

FILES: tuple[str, ...] = ("meta.toml", "sam.csv", "trade.csv", "elasticities.csv")


class DatasetFormatError(ValueError):
    """A data set folder does not follow the input format."""


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _toml_list(items: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_string(i) for i in items) + "]"


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
) -> str:
    """Text of ``meta.toml``; ``description`` may span several lines. ``services``: the sectors
    that are services; ``headline_flows``: ``(exporter, importer)`` pairs of interest."""
    desc = description.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    flows = "[" + ", ".join(_toml_list(pair) for pair in headline_flows) + "]"
    return (
        f"name = {_toml_string(name)}\n"
        f"unit = {_toml_string(unit)}\n"
        f"reference_region = {_toml_string(reference_region)}\n"
        f"regions = {_toml_list(regions)}\n"
        f"sectors = {_toml_list(sectors)}\n"
        f"factors = {_toml_list(factors)}\n"
        f"services = {_toml_list(services)}\n"
        f"headline_flows = {flows}\n"
        f'description = """\n{desc}\n"""\n'
    )


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def render_sam(sam: dict[str, dict[tuple[str, str], int]], regions: tuple[str, ...] = REGIONS) -> str:
    """Text of ``sam.csv`` from integer-dollar cells (zero cells omitted)."""
    rows: list[list[str]] = []
    for region in regions:
        cells = sam[region]
        order = accounts(region, regions)
        unknown = {a for cell in cells for a in cell} - set(order)
        if unknown:
            raise DatasetFormatError(f"{region}: unknown accounts {sorted(unknown)}")
        for row in order:
            for col in order:
                value = cells.get((row, col), 0)
                if value:
                    rows.append([region, row, col, format_dollars(value)])
    return _csv_text(["region", "row", "col", "value"], rows)


def format_tenths(tenths: int) -> str:
    """Tenths of a percent as a percent string: ``21 -> "2.1"``, ``120 -> "12"``."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole}" + (f".{frac}" if frac else "")


def render_trade(
    trade: dict[tuple[str, str, str], int],
    tariff_tenths: dict[tuple[str, str, str], int],
    regions: tuple[str, ...] = REGIONS,
) -> str:
    """Text of ``trade.csv`` (keys ``(exporter, importer, sector)``, integer dollars)."""
    rows = [
        [
            ex,
            im,
            sec,
            format_dollars(trade[(ex, im, sec)]),
            format_tenths(tariff_tenths[(ex, im, sec)]),
        ]
        for ex in regions
        for im in regions
        for sec in SECTORS
        if (ex, im, sec) in trade
    ]
    return _csv_text(["exporter", "importer", "sector", "value", "tariff_pct"], rows)


def render_elasticities(rows: list[dict[str, str]]) -> str:
    """Text of ``elasticities.csv`` from dicts with the format's column names."""
    header = ["sector", "sigma_va", "sigma_d", "sigma_m", "psi", "source"]
    return _csv_text(header, [[r[h] for h in header] for r in rows])


def write_texts(folder: Path, texts: dict[str, str]) -> None:
    """Write ``{file name: text}`` into ``folder`` (created if needed), UTF-8, LF endings."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_bytes(text.encode("utf-8"))


@dataclass
class Dataset:
    """A data set read back from disk (values in the data set's unit, USD million).

    Attributes:
        path: folder read.
        meta: parsed ``meta.toml``.
        sam: by region, ``{(row, col): value}``.
        trade: ``{(exporter, importer, sector): (value, tariff_pct)}``.
        elasticities: rows of ``elasticities.csv`` as dicts of strings.
    """

    path: Path
    meta: dict[str, Any]
    sam: dict[str, dict[tuple[str, str], float]]
    trade: dict[tuple[str, str, str], tuple[float, float]]
    elasticities: list[dict[str, str]]

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


def read_dataset(path: Path | str) -> Dataset:
    """Read a data set folder; raises :class:`DatasetFormatError` on a malformed file."""
    folder = Path(path)
    for name in FILES:
        if not (folder / name).is_file():
            raise DatasetFormatError(f"{folder}: missing {name}")
    with (folder / "meta.toml").open("rb") as fh:
        meta = tomllib.load(fh)
    sam: dict[str, dict[tuple[str, str], float]] = {r: {} for r in meta["regions"]}
    with (folder / "sam.csv").open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            region = row["region"]
            if region not in sam:
                raise DatasetFormatError(f"sam.csv line {line}: unknown region {region}")
            key = (row["row"], row["col"])
            if key in sam[region]:
                raise DatasetFormatError(f"sam.csv line {line}: duplicate cell {region} {key}")
            sam[region][key] = float(row["value"])
    trade: dict[tuple[str, str, str], tuple[float, float]] = {}
    with (folder / "trade.csv").open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            key = (row["exporter"], row["importer"], row["sector"])
            if key in trade:
                raise DatasetFormatError(f"trade.csv line {line}: duplicate {key}")
            trade[key] = (float(row["value"]), float(row["tariff_pct"]))
    with (folder / "elasticities.csv").open(newline="", encoding="utf-8") as fh:
        elasticities = list(csv.DictReader(fh))
    return Dataset(folder, meta, sam, trade, elasticities)
