"""Read the pipeline's documented assumptions from ``calibration/inputs/``.

* ``assumptions.toml``: labour-share bounds, government saving, 2024 targets (USD million).
* ``tariffs.csv``: base tariff by importer x exporter x sector, in percent of the c.i.f. value.
* ``gtap_elasticities.csv``: GTAP Data Base elasticities by GTAP sector with the mapping to the
  10 model sectors; ``wiod_gtap_concordance.csv``: the GTAP sectors of each WIOD industry
  (read by :mod:`calibration.elasticities`).
* ``assumptions.toml`` ``[elasticities.short_run]``: the short-run trade elasticities and their
  source.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from calibration.common import INPUTS_DIR, REGIONS, SECTORS
from calibration.elasticities import ShortRun

ASSUMPTIONS_FILE = "assumptions.toml"
TARIFF_FILE = "tariffs.csv"
ELASTICITY_FILE = "gtap_elasticities.csv"


class AssumptionError(ValueError):
    """An input file under calibration/inputs is missing or malformed."""


@dataclass(frozen=True)
class Targets2024:
    """2024 calibration targets (USD million) and their sources."""

    gdp_usa: float
    gdp_jpn: float
    gdp_world: float
    us_imports_from_jpn_goods: float
    us_imports_from_jpn_auto: float
    us_exports_to_jpn_goods: float
    jpy_per_usd: float
    gdp_jpn_jpy_trillion: float
    sources: dict[str, str]

    @property
    def gdp_row(self) -> float:
        """ROW GDP = world - USA - JPN (USD million)."""
        return self.gdp_world - self.gdp_usa - self.gdp_jpn

    def gdp(self) -> dict[str, float]:
        """GDP target by region (USD million)."""
        return {"USA": self.gdp_usa, "JPN": self.gdp_jpn, "ROW": self.gdp_row}


@dataclass(frozen=True)
class Assumptions:
    """Everything the build needs besides the WIOD table."""

    labour_share_min: float
    labour_share_max: float
    gov_saving_share: dict[str, float]
    targets: Targets2024
    #: tariff in tenths of a percent, keyed (importer, exporter, sector); an int so that
    #: revenue = rate x value is exact in integer dollars.
    tariff_tenths: dict[tuple[str, str, str], int]
    tariff_grade: dict[tuple[str, str, str], str]
    gtap_rows: list[dict[str, str]]
    short_run: ShortRun


def _load_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise AssumptionError(f"missing {path}")
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_targets(inputs_dir: Path = INPUTS_DIR) -> Targets2024:
    """Read ``[targets_2024]`` from ``assumptions.toml`` (values in USD million)."""
    t = _load_toml(inputs_dir / ASSUMPTIONS_FILE)["targets_2024"]
    gdp_jpn = float(t["gdp_jpn_jpy_trillion"]) * 1e6 / float(t["jpy_per_usd"])
    return Targets2024(
        gdp_usa=float(t["gdp_usa"]),
        gdp_jpn=gdp_jpn,
        gdp_world=float(t["gdp_world"]),
        us_imports_from_jpn_goods=float(t["us_imports_from_jpn_goods"]),
        us_imports_from_jpn_auto=float(t["us_imports_from_jpn_auto"]),
        us_exports_to_jpn_goods=float(t["us_exports_to_jpn_goods"]),
        jpy_per_usd=float(t["jpy_per_usd"]),
        gdp_jpn_jpy_trillion=float(t["gdp_jpn_jpy_trillion"]),
        sources={k: str(v) for k, v in t.items() if k.endswith("_source")},
    )


def _tenths(text: str, where: str) -> int:
    value = Decimal(text) * 10
    if value != value.to_integral_value():
        raise AssumptionError(f"{where}: tariff_pct {text} has more than one decimal")
    return int(value)


def load_tariffs(
    inputs_dir: Path = INPUTS_DIR,
) -> tuple[dict[tuple[str, str, str], int], dict[tuple[str, str, str], str]]:
    """Read ``tariffs.csv``: rate in tenths of a percent and quality grade by key
    ``(importer, exporter, sector)``. Every ordered pair of distinct regions and every sector
    must be present exactly once."""
    path = inputs_dir / TARIFF_FILE
    if not path.is_file():
        raise AssumptionError(f"missing {path}")
    rates: dict[tuple[str, str, str], int] = {}
    grades: dict[tuple[str, str, str], str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            key = (row["importer"], row["exporter"], row["sector"])
            if key in rates:
                raise AssumptionError(f"{path.name} line {line}: duplicate {key}")
            rates[key] = _tenths(row["tariff_pct"], f"{path.name} line {line}")
            grades[key] = row["grade"]
    want = {(m, e, s) for m in REGIONS for e in REGIONS if m != e for s in SECTORS}
    if set(rates) != want:
        raise AssumptionError(
            f"{path.name}: missing {sorted(want - set(rates))}, unknown {sorted(set(rates) - want)}"
        )
    return rates, grades


def _short_run(doc: dict[str, Any]) -> ShortRun:
    try:
        t = doc["elasticities"]["short_run"]
        return ShortRun(Decimal(str(t["sigma_m_goods"])), Decimal(str(t["sigma_d_over_sigma_m"])),
                        str(t["source"]))
    except KeyError as exc:
        raise AssumptionError(f"{ASSUMPTIONS_FILE}: [elasticities.short_run] lacks {exc}") from None


def load_assumptions(inputs_dir: Path = INPUTS_DIR) -> Assumptions:
    """Read every input file under ``inputs_dir``."""
    doc = _load_toml(inputs_dir / ASSUMPTIONS_FILE)
    gov = {r: float(doc["government"]["saving_share_of_gdp"][r]) for r in REGIONS}
    rates, grades = load_tariffs(inputs_dir)
    path = inputs_dir / ELASTICITY_FILE
    if not path.is_file():
        raise AssumptionError(f"missing {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        gtap = list(csv.DictReader(fh))
    unmapped = set(SECTORS) - {row["sector"] for row in gtap}
    if unmapped:
        raise AssumptionError(f"{path.name}: no GTAP sector mapped to {sorted(unmapped)}")
    return Assumptions(
        labour_share_min=float(doc["labour_share"]["min"]),
        labour_share_max=float(doc["labour_share"]["max"]),
        gov_saving_share=gov,
        targets=load_targets(inputs_dir),
        tariff_tenths=rates,
        tariff_grade=grades,
        gtap_rows=gtap,
        short_run=_short_run(doc),
    )
