"""Names, paths and small helpers shared by the pipeline modules (units: USD million)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

CALIBRATION_DIR = Path(__file__).resolve().parent
SOURCE_DIR = CALIBRATION_DIR / "source"
INPUTS_DIR = CALIBRATION_DIR / "inputs"
REPO_ROOT = CALIBRATION_DIR.parent
DATA_DIR = REPO_ROOT / "data"

REGIONS: tuple[str, ...] = ("USA", "JPN", "ROW")
SECTORS: tuple[str, ...] = (
    "AGR",
    "ENR",
    "FOOD",
    "CHEM",
    "METL",
    "MACH",
    "ELEC",
    "AUTO",
    "OMFG",
    "SERV",
)
#: Sectors that are services (written to meta.toml: ``services``); every other sector is a good.
SERVICES: tuple[str, ...] = ("SERV",)
GOODS: tuple[str, ...] = tuple(s for s in SECTORS if s not in SERVICES)
#: The bilateral flows of interest, (exporter, importer), written to meta.toml
#: (``headline_flows``): US imports from Japan, what ``cge compare`` reports by default.
HEADLINE_FLOWS: tuple[tuple[str, str], ...] = (("JPN", "USA"),)
FACTORS: tuple[str, ...] = ("LAB", "CAP")
FINAL_DEMAND: tuple[str, ...] = ("HOH", "GOV", "INV")
RESERVED: tuple[str, ...] = ("IDT", "TRF", "HOH", "GOV", "INV")

#: One US dollar in the integer unit used to write files exactly (values are kept as integer
#: US dollars internally and written in USD million with up to six decimals).
DOLLARS_PER_UNIT = 1_000_000


def accounts(region: str, regions: tuple[str, ...] = REGIONS,
             sectors: tuple[str, ...] = SECTORS) -> list[str]:
    """Accounts of ``region``'s SAM in canonical order (sectors, factors, reserved, partners)."""
    return [*sectors, *FACTORS, *RESERVED, *(r for r in regions if r != region)]


def to_dollars(value_usd_million: float, quantum: int = 1000) -> int:
    """Round a value in USD million to a multiple of ``quantum`` US dollars (an int)."""
    return int(round(value_usd_million * DOLLARS_PER_UNIT / quantum)) * quantum


def format_dollars(dollars: int) -> str:
    """Write an integer number of US dollars as USD million with the fewest decimals needed.

    ``format_dollars(7_079_000_000) == "7079"``, ``format_dollars(-1_500) == "-0.0015"``.
    """
    sign = "-" if dollars < 0 else ""
    whole, frac = divmod(abs(dollars), DOLLARS_PER_UNIT)
    text = f"{whole}.{frac:06d}".rstrip("0").rstrip(".")
    return sign + text
