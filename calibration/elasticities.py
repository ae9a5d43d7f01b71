"""Aggregate GTAP Data Base elasticities to the 10 model sectors (dimensionless).

``inputs/gtap_elasticities.csv`` lists, for each GTAP 9 sector, ESUBVA (value-added
substitution), ESUBD (domestic vs imported composite) and ESUBM (among import sources) and the
model sector it maps to. Each model sector gets the unweighted mean over its GTAP sectors,
rounded to two decimals. ``psi`` is left empty (perfect transformation, GTAP style).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from calibration.common import SECTORS

CITATION = (
    "GTAP 9 Data Base behavioural parameters (Aguiar, Narayanan & McDougall 2016, "
    "J. Global Econ. Analysis 1(1); Hertel, McDougall, Narayanan & Aguiar, GTAP 9 documentation "
    "ch. 14): ESUBVA -> sigma_va, ESUBD -> sigma_d, ESUBM -> sigma_m; ESUBM from Hertel, "
    "Hummels, Ivanic & Keeney (2007), Economic Modelling 24: 611-635, with ESUBD = ESUBM/2; "
    "unweighted mean over GTAP sectors"
)


def _mean(values: list[Decimal]) -> str:
    mean = sum(values, Decimal(0)) / len(values)
    return str(mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def aggregate(gtap_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of ``elasticities.csv`` (one per model sector, in canonical order)."""
    out = []
    for sector in SECTORS:
        rows = [r for r in gtap_rows if r["sector"] == sector]
        codes = " ".join(r["gtap_sector"] for r in rows)
        out.append(
            {
                "sector": sector,
                "sigma_va": _mean([Decimal(r["esubva"]) for r in rows]),
                "sigma_d": _mean([Decimal(r["esubd"]) for r in rows]),
                "sigma_m": _mean([Decimal(r["esubm"]) for r in rows]),
                "psi": "",
                "source": f"{CITATION} ({codes})",
            }
        )
    return out
