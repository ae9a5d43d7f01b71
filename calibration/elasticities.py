"""Elasticities of the 10 model sectors, in named sets (dimensionless): docs/data.md §5.

``long_run`` (the default set): the GTAP 9 Data Base values (``inputs/gtap_elasticities.csv``:
ESUBVA, ESUBD, ESUBM of each GTAP sector and the model sector it maps to) aggregated in two
steps along the sectors the model's data come from, the WIOD 2013 industries:

1. each WIOD industry takes the mean over the GTAP sectors it holds
   (``inputs/wiod_gtap_concordance.csv``): no trade split below the WIOD industry is in the
   repository, so the GTAP sectors within one industry weigh equally;
2. each model sector takes the mean over its WIOD industries weighted by world totals of 2011
   (``source/wiod2011_world_trade_35.csv``, all 41 WIOD regions): ``sigma_d`` and ``sigma_m`` by
   world imports of the industry (the flows these elasticities act on), ``sigma_va`` by world
   value added of the industry (the flow it acts on).

``short_run``: the trade elasticities at a one-year horizon, from Boehm, Levchenko &
Pandalai-Nayar (2023), for the goods sectors (``[elasticities.short_run]`` in
``inputs/assumptions.toml``): ``sigma_m`` is their short-run elasticity, ``sigma_d`` keeps the
long-run set's ratio ESUBD = ESUBM / 2; ``sigma_va`` and the services are as in ``long_run``
(no horizon-specific estimate is used for them).

Values are rounded half up to two decimals; ``psi`` is empty (perfect transformation).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from calibration.common import INPUTS_DIR, SECTORS, SERVICES, SOURCE_DIR

LONG_RUN = "long_run"
SHORT_RUN = "short_run"
#: The set a run uses when it names none (``meta.toml: elasticities``).
DEFAULT_SET = LONG_RUN

CONCORDANCE_FILE = "wiod_gtap_concordance.csv"
WORLD_FILE = "wiod2011_world_trade_35.csv"

#: GTAP parameter -> model column, and the world total of a WIOD industry that weighs it.
PARAMETERS: dict[str, tuple[str, str]] = {
    "sigma_va": ("esubva", "world_value_added"),
    "sigma_d": ("esubd", "world_imports"),
    "sigma_m": ("esubm", "world_imports"),
}

GTAP_CITATION = (
    "GTAP 9 Data Base behavioural parameters (Aguiar, Narayanan & McDougall 2016, "
    "J. Global Econ. Analysis 1(1); Hertel, McDougall, Narayanan & Aguiar, GTAP 9 documentation "
    "ch. 14): ESUBVA -> sigma_va, ESUBD -> sigma_d, ESUBM -> sigma_m; ESUBM from Hertel, "
    "Hummels, Ivanic & Keeney (2007), Economic Modelling 24: 611-635, with ESUBD = ESUBM/2"
)
WEIGHTS_CITATION = (
    "mean over the GTAP sectors of each WIOD 2013 industry, then over the industries weighted "
    "by 2011 world imports (sigma_d, sigma_m) and world value added (sigma_va) from the WIOD "
    "2013 release (Timmer et al. 2015)"
)


class ElasticityInputError(ValueError):
    """The concordance or the world totals are missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Industry:
    """A WIOD 2013 industry: its world totals in 2011 (USD million) and its GTAP sectors."""

    code: str
    description: str
    world_imports: int
    world_value_added: int
    usa_imports: int
    gtap: tuple[str, ...]
    sector: str  # the model sector of its GTAP sectors


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ElasticityInputError(f"missing {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_industries(gtap_rows: list[dict[str, str]], inputs_dir: Path = INPUTS_DIR,
                    source_dir: Path = SOURCE_DIR) -> list[Industry]:
    """The WIOD industries in file order, each with its world totals and GTAP sectors.

    Checked: every industry of the world totals is in the concordance once and vice versa;
    every GTAP sector of ``gtap_rows`` is in some industry and every listed one exists; the
    GTAP sectors of one industry map to one model sector.
    """
    world = _read(source_dir / WORLD_FILE)
    conc = {r["industry"]: r["gtap_sectors"].split() for r in _read(inputs_dir / CONCORDANCE_FILE)}
    sector_of = {r["gtap_sector"]: r["sector"] for r in gtap_rows}
    codes = [r["industry"] for r in world]
    if sorted(codes) != sorted(conc) or len(set(codes)) != len(codes):
        raise ElasticityInputError(f"{CONCORDANCE_FILE} and {WORLD_FILE} list different industries: "
                                   f"{sorted(set(codes) ^ set(conc))}")
    listed = {g for gs in conc.values() for g in gs}
    if listed != set(sector_of):
        raise ElasticityInputError(f"{CONCORDANCE_FILE}: GTAP sectors {sorted(listed ^ set(sector_of))} "
                                   "are in one of the concordance and gtap_elasticities.csv only")
    out = []
    for row in world:
        gs = tuple(conc[row["industry"]])
        sectors = {sector_of[g] for g in gs}
        if len(sectors) != 1:
            raise ElasticityInputError(f"{CONCORDANCE_FILE}: industry {row['industry']} holds GTAP "
                                       f"sectors of several model sectors {sorted(sectors)}")
        out.append(Industry(row["industry"], row["description"], int(row["world_imports"]),
                            int(row["world_value_added"]), int(row["usa_imports"]), gs,
                            sectors.pop()))
    return out


def _round(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def industry_value(ind: Industry, gtap: dict[str, dict[str, str]], param: str) -> Decimal:
    """GTAP parameter ``param`` (e.g. ``"esubm"``) of a WIOD industry: the mean over its GTAP
    sectors (exact)."""
    return _mean([Decimal(gtap[g][param]) for g in ind.gtap])


def weighted_values(sector: str, industries: list[Industry],
                    gtap_rows: list[dict[str, str]]) -> dict[str, Decimal]:
    """``sigma_va``, ``sigma_d``, ``sigma_m`` of a model sector before rounding: the means over
    its WIOD industries weighted by their world totals (:data:`PARAMETERS`)."""
    gtap = {r["gtap_sector"]: r for r in gtap_rows}
    mine = [ind for ind in industries if ind.sector == sector]
    out = {}
    for col, (param, weight) in PARAMETERS.items():
        w = [Decimal(getattr(ind, weight)) for ind in mine]
        v = [industry_value(ind, gtap, param) for ind in mine]
        out[col] = sum((a * b for a, b in zip(w, v, strict=True)), Decimal(0)) / sum(w, Decimal(0))
    return out


def simple_means(gtap_rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The unweighted means over each model sector's GTAP sectors (the aggregation before
    trade weights, kept for docs/data.md's before → after table), rounded."""
    out = {}
    for sector in SECTORS:
        rows = [r for r in gtap_rows if r["sector"] == sector]
        out[sector] = {col: _round(_mean([Decimal(r[p]) for r in rows]))
                       for col, (p, _) in PARAMETERS.items()}
    return out


def long_run(gtap_rows: list[dict[str, str]], industries: list[Industry]) -> list[dict[str, str]]:
    """Rows of the ``long_run`` set (one per model sector, canonical order)."""
    out = []
    for sector in SECTORS:
        values = weighted_values(sector, industries, gtap_rows)
        inds = [ind for ind in industries if ind.sector == sector]
        parts = "; ".join(f"{ind.code}: {' '.join(ind.gtap)}" for ind in inds)
        out.append({"set": LONG_RUN, "sector": sector,
                    **{c: _round(v) for c, v in values.items()}, "psi": "",
                    "source": f"{GTAP_CITATION}; {WEIGHTS_CITATION} ({parts})"})
    return out


@dataclass(frozen=True)
class ShortRun:
    """``[elasticities.short_run]`` of ``inputs/assumptions.toml``."""

    sigma_m_goods: Decimal
    sigma_d_over_sigma_m: Decimal
    source: str


def short_run(long: list[dict[str, str]], params: ShortRun) -> list[dict[str, str]]:
    """Rows of the ``short_run`` set: goods take ``sigma_m`` = the short-run estimate and
    ``sigma_d`` = ``sigma_m`` × the ratio; ``sigma_va`` and services as in ``long``."""
    out = []
    for row in long:
        if row["sector"] in SERVICES:
            out.append({**row, "set": SHORT_RUN,
                        "source": "as long_run (no short-run estimate for services is used): "
                        + row["source"]})
            continue
        sm = params.sigma_m_goods
        out.append({**row, "set": SHORT_RUN, "sigma_m": _round(sm),
                    "sigma_d": _round(sm * params.sigma_d_over_sigma_m),
                    "source": f"{params.source}; sigma_va as long_run: {GTAP_CITATION}"})
    return out


def elasticity_rows(gtap_rows: list[dict[str, str]], industries: list[Industry],
                    params: ShortRun) -> list[dict[str, str]]:
    """Every row of ``elasticities.csv``: the ``long_run`` set, then ``short_run``."""
    long = long_run(gtap_rows, industries)
    return [*long, *short_run(long, params)]
