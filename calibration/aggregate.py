"""The aggregation tool (the GTAPAgg of ``cge``): a data set from WIOD by mapping files.

``cge data build --regions MAP.csv --sectors MAP.csv --year 2011 --out DIR`` (or ``python -m
calibration.aggregate`` with the same options) reads ``calibration/source/wiod2013/wiot_<year>.RData``,
folds it into the mapped regions and sectors (:mod:`calibration.wiod_source`), adds base tariffs,
labour shares and elasticities generalised from the 10-sector pipeline, assembles and balances
one SAM per region (:func:`calibration.sam.assemble`) and writes the data set in the input format
(docs/input_format.md) with ``build_report.md`` (every adjustment: what moved, by how much),
``provenance.md`` and copies of the two mapping files. docs/data.md, "Building a data set from
WIOD", documents each rule. Values in USD million.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import numpy as np

from calibration.assumptions import load_assumptions
from calibration.common import INPUTS_DIR, SOURCE_DIR
from calibration.dataset import render_elasticities, render_meta, render_sam, render_trade, write_texts
from calibration.elasticities import (
    DEFAULT_SET,
    GTAP_CITATION,
    LONG_RUN,
    PARAMETERS,
    SHORT_RUN,
    WEIGHTS_CITATION,
    _round,
)
from calibration.sam import AssembledData, assemble
from calibration.targets import (
    TARGET_SECTORS_FILE,
    Achieved,
    TargetUpdate,
    achieved_table,
    read_target_sectors,
    read_targets,
    update_world,
)
from calibration.wiod import RegionBlock, WorldTable, load_labour_shares
from calibration.wiod_source import (
    RAW_DIR,
    Aggregated,
    Mapping,
    MappingError,
    RawTable,
    aggregate,
    load_raw,
    raw_path,
    read_mapping,
    split_raw,
)

#: The 27 EU members of the WIOD 2013 release (2011): trade among them is duty free.
EU27: frozenset[str] = frozenset(
    "AUT BEL BGR CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HUN IRL ITA LTU LUX LVA MLT NLD POL PRT "
    "ROM SVK SVN SWE".split()
)
LEGACY_REGIONS = ("USA", "JPN")  # every other WIOD region is ROW in calibration/inputs/tariffs.csv
#: Value added net of tariffs below this (USD million) is raised to it (see docs/data.md).
VA_FLOOR = 1.0

__all__ = ["AggregationResult", "MappingError", "build", "main", "write"]


@dataclass
class AggregationResult:
    """Everything a build computed; ``texts`` are the files written by :func:`write`."""

    texts: dict[str, str]
    assembled: AssembledData
    aggregated: Aggregated
    adjustments: list[dict[str, object]] = field(default_factory=list)
    tariff_fallbacks: list[dict[str, object]] = field(default_factory=list)
    negative_trade: list[dict[str, object]] = field(default_factory=list)
    update: TargetUpdate | None = None
    collection: list[dict[str, object]] = field(default_factory=list)


def _legacy_region(code: str) -> str:
    return code if code in LEGACY_REGIONS else "ROW"


def _legacy_sectors(
    inputs_dir: Path,
) -> tuple[dict[str, str], dict[str, tuple[str, ...]], list[dict[str, str]]]:
    """WIOD industry -> 10-sector name, WIOD industry -> its GTAP sectors, GTAP rows; split
    industries (``inputs/split_concordance.csv``) take their own GTAP sectors and their
    source industry's 10-sector name."""
    a = load_assumptions(inputs_dir)
    sector_of = {r["gtap_sector"]: r["sector"] for r in a.gtap_rows}
    with (inputs_dir / "wiod_gtap_concordance.csv").open(newline="", encoding="utf-8") as fh:
        conc = {r["industry"]: tuple(r["gtap_sectors"].split()) for r in csv.DictReader(fh)}
    legacy = {k: sector_of[g[0]] for k, g in conc.items()}
    split_conc = inputs_dir / "split_concordance.csv"
    if split_conc.is_file():
        with split_conc.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                conc[r["industry"]] = tuple(r["gtap_sectors"].split())
                legacy[r["industry"]] = legacy[r["source_industry"]]
    return legacy, conc, a.gtap_rows


def _read_tariff_table(path: Path) -> dict[tuple[str, str, str], tuple[int, str, str]]:
    """An optional tariff table, rates in hundredths of a percent keyed ``(importer, exporter,
    sector)``. Two layouts: ``importer,exporter,sector,tariff_pct[,grade,source]`` or the
    research layout of ``calibration/inputs/tariffs2024_by_pair.csv``
    (``importer,exporter,wiod_industry,rate_pct,...,source,grade``). Importer and exporter are
    WIOD codes, model region names or ``*`` (any); the sector is a WIOD industry (c1..c35), a
    split industry or a model sector; rates in percent with at most two decimals."""
    out: dict[tuple[str, str, str], tuple[int, str, str]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        sector_col = "sector" if "sector" in cols else "wiod_industry"
        rate_col = "tariff_pct" if "tariff_pct" in cols else "rate_pct"
        for need in ("importer", "exporter", sector_col, rate_col):
            if need not in cols:
                raise MappingError(f"tariff table {path} line 1: no column {need!r} (got {cols})")
        for line, row in enumerate(reader, start=2):
            key = (row["importer"], row["exporter"], row[sector_col])
            if key in out:
                raise MappingError(f"tariff table {path} line {line}: duplicate {key}")
            try:
                value = Decimal(row[rate_col]) * 100
            except ArithmeticError:
                raise MappingError(f"tariff table {path} line {line}: rate {row[rate_col]!r} is not a "
                                   "number") from None
            if value != value.to_integral_value() or value < 0:
                raise MappingError(f"tariff table {path} line {line}: {row[rate_col]} is negative or "
                                   "has more than two decimals")
            out[key] = (int(value), row.get("grade", ""), row.get("source", ""))
    return out


def _source_trade(raw: RawTable) -> np.ndarray:
    """``(exporter country, industry, importer country)`` cross-border deliveries (USD million)."""
    n, k = len(raw.countries), len(raw.industries)
    t = raw.inter.reshape(n, k, n, k).sum(axis=3) + raw.final.sum(axis=2).reshape(n, k, n)
    t[np.arange(n), :, np.arange(n)] = 0.0
    return t


def cross_border_cells(raw: RawTable, regions: Mapping):
    """Every source cell of trade between two model regions: yields ``(importer code, exporter
    code, importer region, exporter region, industry position, industry, flow)``, the flow in
    USD million as the release has it (negative where inventories ran down; the caller decides
    how to weigh it). Cells within one model region (e.g. two EU members) are skipped."""
    t = _source_trade(raw)
    for e, ex in enumerate(raw.countries):
        er = regions.code_to_name[ex]
        for m, im in enumerate(raw.countries):
            mr = regions.code_to_name[im]
            if er == mr:
                continue
            for k, ind in enumerate(raw.industries):
                yield im, ex, mr, er, k, ind, float(t[e, k, m])


def _tariffs(raw: RawTable, regions: Mapping, sectors: Mapping, legacy_sector: dict[str, str],
             legacy_rates: dict[tuple[str, str, str], int], table: dict | None,
             ) -> tuple[dict[tuple[str, str, str], int], list[dict[str, object]]]:
    """Model rates (tenths of a percent) keyed ``(importer, exporter, sector)``: the average of the
    source rates weighted by the source flows (exact integer arithmetic, rounded half up).

    A source cell (importer country, exporter country, industry) takes the first rate of the
    table found for, in this order of pairs, (importer, exporter) as WIOD codes, as model
    regions, (importer, any), (model importer, any), (any, any), and within each pair the
    industry, the industry it was split from, the model sector; without a table rate, the
    10-sector rates of ``inputs/tariffs.csv`` (see docs/data.md)."""
    num: dict[tuple[str, str, str], int] = {}
    den: dict[tuple[str, str, str], int] = {}
    fallback: dict[tuple[str, str, str], float] = {}
    for im, ex, mr, er, _, ind, value in cross_border_cells(raw, regions):
        pairs = ((im, ex), (mr, er), (im, "*"), (mr, "*"), ("*", "*"))
        flow = max(0, int(round(value)))  # a negative flow (inventories) weighs 0
        sec = sectors.code_to_name[ind]
        names = (ind, raw.source_industry(ind), sec)
        rate, rule = None, ""
        if table is not None:
            rate = next((table[(a, b, c)][0] for a, b in pairs for c in names
                         if (a, b, c) in table), None)
        if rate is None:
            lm, le = _legacy_region(im), _legacy_region(ex)
            legacy = legacy_sector[ind]
            if lm != le:
                rate = 10 * legacy_rates[(lm, le, legacy)]
            elif im in EU27 and ex in EU27:
                rate = 0
            else:
                rate = 10 * legacy_rates[("ROW", "USA", legacy)]
                rule = "fallback"
        key = (mr, er, sec)
        num[key] = num.get(key, 0) + rate * flow
        den[key] = den.get(key, 0) + flow
        if rule and flow:
            fallback[key] = fallback.get(key, 0.0) + flow
    rates = {}
    for key, d in den.items():  # hundredths x flow -> tenths, rounded half up
        rates[key] = (2 * num[key] + 10 * d) // (20 * d) if d > 0 else 0
    notes = [{"importer": k[0], "exporter": k[1], "sector": k[2], "fallback_flow": v,
              "flow": den[k], "rate_pct": rates[k] / 10} for k, v in sorted(fallback.items())]
    return rates, notes


def _labour_shares(agg: Aggregated, raw: RawTable, regions: Mapping, sectors: Mapping,
                   legacy_sector: dict[str, str], lo: float, hi: float,
                   source_dir: Path) -> dict[str, dict[str, float]]:
    """USA and JPN: the 10-sector estimates (clipped) of each WIOD industry's sector; every other
    WIOD region: their mean (the ROW rule of the 10-sector pipeline); a model block takes the
    average over its source cells weighted by their value added (negative values count as 0;
    equal weights if none is positive), rounded to six decimals."""
    est = load_labour_shares(source_dir)
    clip = {r: {s: min(hi, max(lo, v)) for s, v in est[r].items()} for r in LEGACY_REGIONS}
    mean = {s: round((clip["USA"][s] + clip["JPN"][s]) / 2.0, 6) for s in clip["USA"]}
    out: dict[str, dict[str, float]] = {r: {} for r in regions.names}
    for r in regions.names:
        for s in sectors.names:
            num = den = 0.0
            plain = []
            for c, code in enumerate(raw.countries):
                if regions.code_to_name[code] != r:
                    continue
                for k, ind in enumerate(raw.industries):
                    if sectors.code_to_name[ind] != s:
                        continue
                    ls = legacy_sector[ind]
                    share = clip[code][ls] if code in LEGACY_REGIONS else mean[ls]
                    w = max(0.0, float(agg.block_va[c, k]))
                    num += w * share
                    den += w
                    plain.append(share)
            out[r][s] = round(num / den if den > 0 else sum(plain) / len(plain), 6)
    return out


def _elasticities(raw: RawTable, agg: Aggregated, sectors: Mapping, conc: dict[str, tuple[str, ...]],
                  gtap_rows: list[dict[str, str]], services: tuple[str, ...],
                  short: object) -> list[dict[str, str]]:
    """The ``long_run`` and ``short_run`` sets of :mod:`calibration.elasticities` for any sector
    mapping: the GTAP mean of each WIOD industry, averaged over a model sector's industries with
    the year's world imports (sigma_d, sigma_m) and world value added (sigma_va) as weights."""
    gtap = {r["gtap_sector"]: r for r in gtap_rows}
    long = []
    for s in sectors.names:
        inds = [i for i in raw.industries if sectors.code_to_name[i] == s]
        values = {}
        for col, (param, weight) in PARAMETERS.items():
            w = [Decimal(int(round(agg.industry_weights[i][0 if weight == "world_imports" else 1])))
                 for i in inds]
            v = [sum((Decimal(gtap[g][param]) for g in conc[i]), Decimal(0)) / len(conc[i]) for i in inds]
            total = sum(w, Decimal(0))
            if total <= 0:
                w, total = [Decimal(1)] * len(inds), Decimal(len(inds))
            values[col] = _round(sum((a * b for a, b in zip(w, v, strict=True)), Decimal(0)) / total)
        parts = "; ".join(f"{i}: {' '.join(conc[i])}" for i in inds)
        weights = WEIGHTS_CITATION.replace("2011", str(raw.year))
        long.append({"set": LONG_RUN, "sector": s, **values, "psi": "",
                     "source": f"{GTAP_CITATION}; {weights} ({parts})"})
    rows = list(long)
    for row in long:
        if row["sector"] in services:
            rows.append({**row, "set": SHORT_RUN,
                         "source": "as long_run (no short-run estimate for services is used): "
                         + row["source"]})
        else:
            sm = short.sigma_m_goods  # type: ignore[attr-defined]
            rows.append({**row, "set": SHORT_RUN, "sigma_m": _round(sm),
                         "sigma_d": _round(sm * short.sigma_d_over_sigma_m),  # type: ignore[attr-defined]
                         "source": f"{short.source}; sigma_va as long_run: {GTAP_CITATION}"})  # type: ignore[attr-defined]
    return rows


def _clear_negative_trade(world: WorldTable) -> tuple[WorldTable, list[dict[str, object]]]:
    """Set negative bilateral flows to zero. A flow is negative when the importer's inventories of
    the good from that exporter ran down by more than it bought: the run-down is moved from the
    importer's INV to the exporter's INV of the same commodity (importer INV + x, exporter INV - x,
    both accounts stay balanced, GDPs and world investment unchanged)."""
    trade = world.trade.copy()
    f = {r: world.blocks[r].f.copy() for r in world.regions}
    moves = []
    for e, m, j in zip(*np.nonzero(trade < 0), strict=True):
        x = -float(trade[e, m, j])
        ex, im, sec = world.regions[e], world.regions[m], world.sectors[j]
        moves.append({"exporter": ex, "importer": im, "sector": sec, "flow": -x})
        trade[e, m, j] = 0.0
        f[im][j, 2] += x
        f[ex][j, 2] -= x
    blocks = {r: RegionBlock(world.blocks[r].z, f[r], world.blocks[r].v) for r in world.regions}
    return WorldTable(blocks, trade, world.regions, world.sectors), moves


def _floor_value_added(world: WorldTable, rates: dict[tuple[str, str, str], int],
                       floor: float) -> tuple[WorldTable, list[dict[str, object]]]:
    """Raise a block's value added where its value added net of tariff revenue is below ``floor``
    (USD million: zero-output cells, negative value added, tariffs above value added) or its
    output net of tariff revenue does not exceed its exports by ``floor`` (export-heavy sectors
    whose imports pay tariffs, which the SAM takes out of value added), adding the same whole
    millions to household consumption of that commodity so the account stays balanced (GDP
    rises by the same amount). Returns the new world and one record per change."""
    blocks = {}
    moves = []
    for m, region in enumerate(world.regions):
        b = world.blocks[region]
        v, f = b.v.copy(), b.f.copy()
        for j, sec in enumerate(world.sectors):
            trf = sum(rates.get((region, p, sec), 0) / 1000.0 * world.trade[e, m, j]
                      for e, p in enumerate(world.regions) if e != m)
            exports = float(world.trade[m, :, j].sum())
            output = float(b.z[:, j].sum()) + v[j] - trf  # domestic output net of tariff revenue
            need = max(floor - (v[j] - trf), floor + exports - output)
            if need > 0:
                delta = float(math.ceil(need))
                moves.append({"region": region, "sector": sec, "account": "value added (LAB+CAP) and HOH",
                              "before": float(v[j]), "after": float(v[j] + delta), "delta": delta,
                              "tariff_revenue": trf, "hoh_before": float(f[j, 0])})
                v[j] += delta
                f[j, 0] += delta
        blocks[region] = RegionBlock(b.z, f, v)
    return WorldTable(blocks, world.trade, world.regions, world.sectors), moves


def _revenue(rates: dict[tuple[str, str, str], int], world: WorldTable, importer: str,
             pairs: set[str] | None = None) -> float:
    """Base tariff revenue of ``importer`` (USD million), from exporters in ``pairs`` (all if None)."""
    m = world.regions.index(importer)
    return sum(rates.get((importer, ex, sec), 0) / 1000.0 * float(world.trade[e, m, j])
               for e, ex in enumerate(world.regions) if e != m and (pairs is None or ex in pairs)
               for j, sec in enumerate(world.sectors))


def _collection(rates: dict[tuple[str, str, str], int], world: WorldTable, path: Path,
                targets_path: Path | None, regions: tuple[str, ...],
                ) -> tuple[dict[tuple[str, str, str], int], list[dict[str, object]]]:
    """Scale applied rates to collected rates by ``tariff_collection.csv``: a row
    ``importer,exporter,factor`` multiplies that pair's rates by the factor; a row
    ``importer,*,revenue`` scales the importer's other rates by the one factor that makes its
    base revenue equal its ``tariff_revenue`` target (calendar year if there is one); a row
    ``importer,*,mean`` applies the mean of those calibrated factors (rounded to 0.001) to an
    importer without a revenue figure. Rates are then rounded to tenths of a percent (half up).
    Returns the rates and one record per row."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    revenue_target: dict[str, float] = {}
    if targets_path is not None:
        for t in sorted(read_targets(targets_path, regions), key=lambda t: t.kind != "tariff_revenue"):
            if t.kind.startswith("tariff_revenue"):
                revenue_target.setdefault(t.region, t.value)
    factor: dict[tuple[str, str], float] = {}
    records: list[dict[str, object]] = []
    calibrated: list[float] = []
    order = sorted(enumerate(rows, start=2), key=lambda lr: lr[1]["factor"] == "mean")
    for line, row in order:
        im, ex = row["importer"], row["exporter"]
        if im not in regions or (ex != "*" and ex not in regions):
            raise MappingError(f"{path} line {line}: {im}/{ex} is not a pair of model regions")
        if row["factor"] == "mean":
            if ex != "*" or not calibrated or any(i == im for i, _ in factor):
                raise MappingError(f"{path} line {line}: 'mean' needs exporter '*', at least one "
                                   f"'revenue' row and no other row for {im}")
            row = {**row, "factor": repr(round(sum(calibrated) / len(calibrated), 3))}
        if row["factor"] == "revenue":
            if ex != "*" or im not in revenue_target:
                raise MappingError(f"{path} line {line}: 'revenue' needs exporter '*' and a "
                                   f"tariff_revenue target for {im}")
            fixed = {e for (i, e) in factor if i == im}
            others = {r for r in regions if r != im} - fixed
            before = _revenue(rates, world, im)
            rest = revenue_target[im] - sum(_revenue(rates, world, im, {e}) * factor[(im, e)] for e in fixed)
            f = rest / _revenue(rates, world, im, others)
            for e in others:
                factor[(im, e)] = f
            calibrated.append(f)
            records.append({"importer": im, "exporter": "others", "factor": f, "applied_revenue": before,
                            "target": revenue_target[im], "grade": row["grade"]})
        else:
            try:
                f = float(row["factor"])
            except ValueError:
                raise MappingError(f"{path} line {line}: factor {row['factor']!r} is not a number or "
                                   "'revenue'") from None
            if not 0 < f <= 1:
                raise MappingError(f"{path} line {line}: factor {f} must be in (0, 1]")
            for e in ([r for r in regions if r != im] if ex == "*" else [ex]):
                factor[(im, e)] = f
            records.append({"importer": im, "exporter": ex, "factor": f,
                            "applied_revenue": _revenue(rates, world, im, {ex} if ex != "*" else None),
                            "target": None, "grade": row["grade"]})
    out = {}
    for (im, ex, sec), r in rates.items():
        f = factor.get((im, ex), 1.0)
        out[(im, ex, sec)] = r if f == 1.0 else int(Decimal(r * f).quantize(Decimal(1), "ROUND_HALF_UP"))
    for rec in records:
        if rec["target"] is not None:
            rec["collected_revenue"] = _revenue(out, world, str(rec["importer"]))
    return out, records


def _revenue_checks(data: AssembledData, targets_path: Path, regions: tuple[str, ...]) -> list[Achieved]:
    """Each region's base tariff revenue (rate x c.i.f. imports, USD million) against the
    ``tariff_revenue`` rows of the target table (checks: the rates are the tariff table's)."""
    out = []
    for t in read_targets(targets_path, regions):
        if t.kind.startswith("tariff_revenue") and t.region in regions:
            revenue = sum(v * data.tariff_tenths[k] for k, v in data.trade.items() if k[1] == t.region)
            out.append(Achieved(replace(t, role="check"), revenue / 1e9))
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(regions_path: Path | str, sectors_path: Path | str, year: int = 2011, *, name: str | None = None,
          tariffs_path: Path | str | None = None, raw_dir: Path = RAW_DIR,
          inputs_dir: Path = INPUTS_DIR, source_dir: Path = SOURCE_DIR,
          va_floor: float = VA_FLOOR, splits: list[Path | str] | tuple[Path | str, ...] = (),
          targets_path: Path | str | None = None,
          target_sectors_path: Path | str | None = None,
          collection_path: Path | str | None = None) -> AggregationResult:
    """Build a data set's files in memory (nothing is written; see :func:`write`).

    ``splits`` are share files (``inputs/splits/*.csv``) applied to the WIOD table before it is
    aggregated (the sector mapping then names the new industries); ``targets_path`` (with
    ``target_sectors_path``, the target sectors -> model sectors) moves the aggregated world to
    the 2024 targets (:mod:`calibration.targets`) before tariffs and the SAMs are assembled;
    ``collection_path`` (``inputs/tariff_collection.csv``) scales applied rates to the rates
    collected (:func:`_collection`).
    """
    raw = load_raw(year, raw_dir)
    if splits:
        raw = split_raw(raw, [Path(x) for x in splits])
    regions = read_mapping(regions_path, raw.countries, "region")
    sectors = read_mapping(sectors_path, raw.industries, "sector")
    clash = set(regions.names) & set(sectors.names)
    if clash:
        raise MappingError(f"region mapping {regions.path} and sector mapping {sectors.path} use the "
                           f"same name(s) {sorted(clash)} (account names must be distinct)")
    if len(regions.names) < 2:
        raise MappingError(f"region mapping {regions.path}: needs at least two model regions")
    name = name or f"wiod{year}_{len(regions.names)}r{len(sectors.names)}s"
    a = load_assumptions(inputs_dir)
    legacy_sector, conc, gtap_rows = _legacy_sectors(inputs_dir)
    agg = aggregate(raw, regions, sectors)
    table = _read_tariff_table(Path(tariffs_path)) if tariffs_path else None
    rates, fallbacks = _tariffs(raw, regions, sectors, legacy_sector, a.tariff_tenths, table)
    world, negative = _clear_negative_trade(agg.world)
    update = None
    if targets_path is not None:
        goods = tuple(s for s in sectors.names if not all(
            legacy_sector[i] == "SERV" for i in raw.industries if sectors.code_to_name[i] == s))
        smap = read_target_sectors(Path(target_sectors_path or TARGET_SECTORS_FILE), sectors.names)
        update = update_world(world, read_targets(Path(targets_path), regions.names, smap), goods, smap)
        world = update.world
    collection: list[dict[str, object]] = []
    if collection_path is not None:
        rates, collection = _collection(rates, world, Path(collection_path),
                                        Path(targets_path) if targets_path else None, regions.names)
    world, moves = _floor_value_added(world, rates, va_floor)
    shares = _labour_shares(agg, raw, regions, sectors, legacy_sector, a.labour_share_min,
                            a.labour_share_max, source_dir)
    gov = {r: 0.0 for r in regions.names}
    data = assemble(world, rates, shares, gov)
    services = tuple(s for s in sectors.names if all(
        legacy_sector[i] == "SERV" for i in raw.industries if sectors.code_to_name[i] == s))
    elast = _elasticities(raw, agg, sectors, conc, gtap_rows, services, a.short_run)
    usa, jpn = regions.code_to_name["USA"], regions.code_to_name["JPN"]
    headline = ((jpn, usa),) if usa != jpn else ()
    source = raw_path(year, raw_dir)
    description = (
        f"Built by the aggregation tool (`cge data build`) from the WIOD 2013 release, world input-output "
        f"table {year} (Timmer, Dietzenbacher, Los, Stehrer & de Vries 2015, Review of International "
        f"Economics 23: 575-605), {len(regions.names)} regions x {len(sectors.names)} sectors by the "
        f"mapping files {regions.path.name} and {sectors.path.name} (copied into this folder). Current "
        "USD million, basic prices. Rules in docs/data.md, 'Building a data set from WIOD'; every "
        "adjustment in build_report.md; inputs and checksums in provenance.md."
    )
    if update is not None:
        description = (
            f"{len(regions.names)} regions x {len(sectors.names)} sectors, base year 2024: the WIOD 2013 "
            f"release's table {year} (Timmer, Dietzenbacher, Los, Stehrer & de Vries 2015, Review of "
            "International Economics 23: 575-605) aggregated by the aggregation tool (`cge data build`) "
            f"with the mapping files {regions.path.name} and {sectors.path.name}"
            + (f", sectors split by {', '.join(Path(x).name for x in splits)}" if splits else "")
            + ", and moved to documented 2024 targets (GDP by region; goods exports and imports by "
            "region; US and Japanese bilateral goods trade with every partner; US-Japan trade by "
            "sector; the US energy balance: calibration/inputs/targets2024.csv) by cross-entropy with "
            "errors on goods trade and GRAS on each region's domestic block. Base tariffs 2024 by "
            f"importer x exporter x sector ({Path(str(tariffs_path or 'tariffs.csv')).name}). "
            "Current USD million, basic prices. Targets against achieved values and every adjustment "
            "in build_report.md; inputs and checksums in provenance.md; rules in docs/data.md."
        )
        update.achieved += _revenue_checks(data, Path(targets_path), regions.names)  # type: ignore[arg-type]
    ref = usa
    texts = {
        "meta.toml": render_meta(name, description, regions=regions.names, sectors=sectors.names,
                                 reference_region=ref, services=services, headline_flows=headline,
                                 elasticities=DEFAULT_SET),
        "sam.csv": render_sam(data.sam, regions.names, sectors.names),
        "trade.csv": render_trade(data.trade, data.tariff_tenths, regions.names, sectors.names),
        "elasticities.csv": render_elasticities(elast),
    }
    result = AggregationResult(texts, data, agg, moves, fallbacks, negative, update, collection)
    texts["build_report.md"] = _report(result, raw, regions, sectors, world)
    inputs = [source, regions.path, sectors.path, inputs_dir / "tariffs.csv",
              inputs_dir / "gtap_elasticities.csv", inputs_dir / "wiod_gtap_concordance.csv",
              inputs_dir / "assumptions.toml", source_dir / "wiod2014_labour_cost_ratio_10s.csv"]
    if tariffs_path:
        inputs.append(Path(tariffs_path))
    if splits:
        inputs += [Path(x) for x in splits] + [inputs_dir / "split_concordance.csv"]
    if targets_path:
        inputs += [Path(targets_path), Path(target_sectors_path or TARGET_SECTORS_FILE)]
    if collection_path:
        inputs.append(Path(collection_path))
    texts["provenance.md"] = _provenance(name, year, inputs, tariffs_path)
    texts["regions_map.csv"] = regions.path.read_text(encoding="utf-8-sig")
    texts["sectors_map.csv"] = sectors.path.read_text(encoding="utf-8-sig")
    return result


def _provenance(name: str, year: int, inputs: list[Path], tariffs_path: object) -> str:
    lines = [
        f"# Provenance of `{name}`", "",
        f"Built by `cge data build` (calibration/aggregate.py) from the WIOD 2013 release, table {year}.", "",
        "Source: World Input-Output Database, 2013 release (free of charge, with citation): Timmer, M. P., "
        "Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), \"An Illustrated User Guide to "
        "the World Input-Output Database: the Case of Global Automotive Production\", *Review of "
        "International Economics* 23: 575-605. File taken byte for byte from the R package "
        "`bquast/wiod` (GPL-3), commit `59a28ac22fbd7751ea84c0f33722b5246b0af46d`, folder `data/` "
        "(calibration/source/PROVENANCE.md).", "",
        "Tariffs: calibration/inputs/tariffs.csv (USA / JPN / ROW x 10 sectors, sources and grades there"
        + (f") overridden by {Path(str(tariffs_path)).name}" if tariffs_path else ")")
        + "; elasticities: GTAP 9 (calibration/inputs/gtap_elasticities.csv) and Boehm, Levchenko & "
        "Pandalai-Nayar (2023) for the short_run set.", "",
        "| input | SHA-256 |", "|---|---|",
    ]
    for p in inputs:
        lines.append(f"| `{p.name}` | `{_sha(p)}` |")
    return "\n".join(lines) + "\n"


def _report(res: AggregationResult, raw: RawTable, regions: Mapping, sectors: Mapping,
            world: WorldTable) -> str:
    agg = res.aggregated
    out = ["# Build report", "",
           f"{len(regions.names)} regions x {len(sectors.names)} sectors from WIOD {raw.year} "
           f"({len(raw.countries)} regions x {len(raw.industries)} industries). USD million.", "",
           "## 1. Output taken as the row total", "",
           "WIOD rounds every cell to whole millions, so a region-industry's row total (intermediate + "
           "final use) differs from its published output. The build takes output = the row total and "
           "value added = output - intermediates, so every sector account balances exactly.", ""]
    gaps = agg.output_gap
    pub = {(r, s): 0.0 for r in regions.names for s in sectors.names}
    if gaps:
        worst = max(gaps, key=lambda k: abs(gaps[k]))
        tot = sum(gaps.values())
        out += [f"- blocks with a gap: {len(gaps)} of {len(pub)}; sum of gaps {tot:,.0f}; largest "
                f"{worst[0]} {worst[1]}: {gaps[worst]:+,.0f}", ""]
        out += ["| region | sector | row total - published output |", "|---|---|---:|"]
        for k in sorted(gaps, key=lambda k: -abs(gaps[k]))[:20]:
            out.append(f"| {k[0]} | {k[1]} | {gaps[k]:+,.0f} |")
        out.append("")
    else:
        out += ["- none", ""]
    out += ["## 2. Negative inventory change", "",
            "GFCF and inventory change are summed into INV; where inventories ran down by more than "
            "fixed investment the INV cell is negative and is kept as it is (the model allows it).", ""]
    if agg.inventory:
        out += ["| region | sector | INV |", "|---|---|---:|"]
        out += [f"| {r} | {s} | {v:,.0f} |" for (r, s), v in sorted(agg.inventory.items())]
    else:
        out.append("- none")
    out += ["", "## 3. Negative bilateral flows", "",
            "A bilateral flow is negative where the importer's inventories of the good from that "
            "exporter ran down by more than it bought. It is set to zero and the run-down moved to the "
            "exporter's INV of the commodity (importer INV + x, exporter INV - x; GDP unchanged).", ""]
    if res.negative_trade:
        out += ["| exporter | importer | sector | flow set to 0 |", "|---|---|---|---:|"]
        out += [f"| {n['exporter']} | {n['importer']} | {n['sector']} | {n['flow']:,.0f} |"
                for n in res.negative_trade]
    else:
        out.append("- none")
    out += ["", "## 4. Value added raised to the floor", "",
            f"Where value added net of tariff revenue is below {VA_FLOOR:g} (zero-output cells, negative "
            "value added, tariffs above value added), or output net of tariff revenue does not exceed "
            f"exports by {VA_FLOOR:g} (export-heavy sectors: tariff revenue is taken out of the "
            "importing sector's value added), value added is raised by the shortfall and household "
            "consumption of the commodity by the same amount (the account stays balanced).", ""]
    if res.adjustments:
        total = sum(float(m["delta"]) for m in res.adjustments)  # type: ignore[arg-type]
        gdp = sum(float(world.blocks[r].v.sum()) for r in world.regions)
        out += [f"- {len(res.adjustments)} blocks, {total:,.0f} in all ({total / gdp:.2e} of world GDP)", "",
                "| region | sector | value added before | after | tariff revenue | HOH before |",
                "|---|---|---:|---:|---:|---:|"]
        for m in res.adjustments:
            out.append(f"| {m['region']} | {m['sector']} | {m['before']:,.0f} | {m['after']:,.0f} | "
                       f"{m['tariff_revenue']:,.3f} | {m['hoh_before']:,.0f} |")
    else:
        out.append("- none")
    out += ["", "## 5. Rounding to whole thousands of dollars", "",
            "Largest rounding fix to a final-demand cell by region (US dollars; 0 when every cell is "
            "whole millions): "
            + (", ".join(f"{r} {v}" for r, v in res.assembled.adjustments.items() if v) or "none"), "",
            "## 6. Tariffs by fallback", "",
            "Source pairs whose rate is not in calibration/inputs/tariffs.csv (both outside USA and JPN, "
            "not both in the EU) take ROW's rate on US goods of the same sector (grade D); model rates "
            "with such flows are listed with the share of the flow covered.", ""]
    if res.tariff_fallbacks:
        fb = res.tariff_fallbacks
        covered = sum(float(n["fallback_flow"]) for n in fb)  # type: ignore[arg-type]
        total = float(res.assembled and sum(res.assembled.trade.values())) / 1e6
        out += [f"- {len(fb)} model rates use the fallback for {covered:,.0f} of {total:,.0f} world "
                f"trade ({covered / max(1.0, total):.1%}); the {min(40, len(fb))} largest:", "",
                "| importer | exporter | sector | rate % | flow | of which by fallback |",
                "|---|---|---|---:|---:|---:|"]
        for n in sorted(fb, key=lambda n: -float(n["fallback_flow"]))[:40]:  # type: ignore[arg-type]
            out.append(f"| {n['importer']} | {n['exporter']} | {n['sector']} | {n['rate_pct']:g} | "
                       f"{n['flow']:,.0f} | {float(n['fallback_flow']) / max(1.0, float(n['flow'])):.1%} |")
    else:
        out.append("- none")
    out.append("")
    if res.collection:
        out += ["## 7. Applied rates scaled to collected rates", "",
                "The tariff table gives applied (statutory or preferential) rates; collected duties are "
                "lower (preferences claimed, exclusions, duty drawback, foreign-trade zones). Rows of "
                "`tariff_collection.csv` multiply a pair's rates by a factor; `revenue` rows scale an "
                "importer's other rates so that base revenue equals its customs duties (the "
                "`tariff_revenue` targets). Rates are then rounded to tenths of a percent.", "",
                "| importer | exporters | factor | revenue at applied rates | target "
                "| revenue in the data set |",
                "|---|---|---:|---:|---:|---:|"]
        for c in res.collection:
            target = f"{c['target']:,.0f}" if c["target"] is not None else ""
            got = f"{c['collected_revenue']:,.0f}" if "collected_revenue" in c else ""
            out.append(f"| {c['importer']} | {c['exporter']} | {c['factor']:.4f} | "
                       f"{c['applied_revenue']:,.0f} | {target} | {got} |")
        out.append("")
    if res.update is not None:
        u = res.update
        met = [a for a in u.achieved if a.target.role == "target"]
        out += ["## 8. The 2024 update", "",
                "Goods trade moved from the 2011 prior (every flow scaled by the geometric mean of its two "
                "regions' GDP growth) to the targets by cross-entropy with errors "
                f"({u.newton_iterations} Newton steps on the dual); each region's domestic block "
                "rebalanced by GRAS (sweeps: "
                + ", ".join(f"{r} {k}" for r, k in u.gras_iterations.items()) + "). World goods trade: "
                f"prior {u.prior_goods_trade:,.0f}, fitted {u.fitted_goods_trade:,.0f}. Targets met within "
                f"their tolerance: {sum(a.met for a in met)} of {len(met)}. Roles: `target` fitted; `gdp` "
                "met by construction; `mirror` the partner's report of a flow whose US report is the "
                "target (c.i.f./f.o.b. and timing differ); `check` reported only.", "",
                achieved_table(u), ""]
    return "\n".join(out)


def write(result: AggregationResult, out_dir: Path | str) -> Path:
    """Write every file of ``result`` into ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    write_texts(out, result.texts)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m calibration.aggregate --regions MAP --sectors MAP [--year Y] --out DIR``."""
    p = argparse.ArgumentParser(prog="python -m calibration.aggregate", description=__doc__.split("\n")[0])
    p.add_argument("--regions", type=Path, required=True, help="CSV code,name: WIOD region -> model region")
    p.add_argument("--sectors", type=Path, required=True, help="CSV code,name: WIOD industry -> model sector")
    p.add_argument("--year", type=int, default=2011)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name", default=None)
    p.add_argument("--tariffs", type=Path, default=None, help="optional tariff table (docs/data.md)")
    args = p.parse_args(argv)
    try:
        res = build(args.regions, args.sectors, args.year, name=args.name, tariffs_path=args.tariffs)
    except (MappingError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write(res, args.out)
    print(f"wrote {args.out} ({len(res.adjustments)} value-added floor adjustments, "
          f"{len(res.tariff_fallbacks)} tariff fallbacks; see build_report.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())


