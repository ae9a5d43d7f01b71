# ruff: noqa: E501  (a generator of commented data files: long comment strings)
"""Write the 2025 scenario files (scenarios/*.toml, top level) for the world2024 data set from
the research table calibration/inputs/us_measures_2025.csv (notes: calibration/source/
us_tariffs_2025.md), deterministically, with the derivation of every rate in the comments.

    python scripts/build_scenarios_2025.py            # (re)write the files
    python scripts/build_scenarios_2025.py --check    # compare with the committed files (exit 1 if not equal)

Needs the WIOD 2011 table (calibration.wiod_source.load_raw) and the package rdata.

From research rows to model cells
---------------------------------
A row of the CSV gives a measure on (importer, exporter, WIOD industries) with a statutory rate
and a coverage share (the share of the cell's trade the measure covers; estimates). A model cell
(importer, exporter, model sector) aggregates WIOD industries; its added rate is the
trade-weighted average over its source industries of the row's contribution, with weights the
2011 WIOD flows (intermediate + final use) of the industries between the two regions, from the
table split by the shipped split files (calibration/inputs/splits) and aggregated with
calibration/inputs/maps/regions_11.csv: the weights the build of world2024 used for its tariffs.

WIOD c12 (metals) and c15 (transport equipment) are split in world2024 (c12 -> STEEL, NFM, FMP;
c15 -> AUTO, OTRN). The research table's coverage shares for c12 and c15 are shares of the
unsplit industry; here they are replaced by coverage shares of the split sectors (SPLIT, below:
each an estimate, stated in every file that uses it), so that Section 232 steel falls on STEEL,
aluminium and copper on NFM, autos on AUTO and not on OTRN. For autos, the research table's
share of c15 that is vehicles and listed parts is converted to a share of AUTO by dividing by
AUTO's share of the pair's 2011 c15 flows (capped at 1).

Contributions (percentage points, by row operation; `base` = the cell's world2024 base rate):
- add / replace: statutory x coverage (a `replace` row replaces an earlier row of its family;
  a scenario takes one row per family, the one in force on the scenario's date);
- add_232: statutory x coverage, less the 2024 Section 232 component of the base cell
  (tariffs2024_by_pair.csv notes, scaled by the cell's collection factor base/table), removed
  once per STEEL/NFM/FMP cell: the 2025 proclamations replace the 2018 duties;
- floor_total ("all-in" floors): coverage x max(0, floor - base): the covered lines pay
  max(base, floor) in total;
- set_total: coverage x (level - base).
The additional duties are statutory (not scaled to collection, unlike the base rates, which
world2024 scales to the duties collected in 2024: build_report.md §7). A cell's contributions are
summed and written as one shock, rounded to 0.1 point: add_pct; floor_pct when the cell's only
measure is an all-in floor covering all of it; set_pct for the deals' "15% all-in" on AUTO.
"""

from __future__ import annotations

import argparse
import csv
import sys
import textwrap
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MEASURES = ROOT / "calibration" / "inputs" / "us_measures_2025.csv"
TABLE2024 = ROOT / "calibration" / "inputs" / "tariffs2024_by_pair.csv"
SPLITS = [ROOT / "calibration" / "inputs" / "splits" / "c12_metals.csv",
          ROOT / "calibration" / "inputs" / "splits" / "c15_transport.csv"]
REGIONS_MAP = ROOT / "calibration" / "inputs" / "maps" / "regions_11.csv"
SECTORS_MAP = ROOT / "calibration" / "inputs" / "maps" / "sectors_18.csv"
OUT = ROOT / "scenarios"
DATA = "world2024"
DOC = "calibration/source/us_tariffs_2025.md"
PARTNERS = ["JPN", "CHN", "KOR", "TWN", "CAN", "MEX", "EU", "GBR", "IND", "ROW"]
GOODS = ["AGR", "FOOD", "ENRX", "ENRP", "CHEM", "RUBP", "STEEL", "NFM", "FMP", "MACH", "ELEC",
         "AUTO", "OTRN", "TEX", "OMFG"]

# ---- coverage of the split sectors (estimates; replace the research table's c12/c15 shares) ----
#: Section 232 steel (Proclamation 10896): HS 7206-7229 and the tubes and pipes of HS 7304-7306
#: are covered; pig iron, ferroalloys, DRI and scrap (HS 7201-7205) are not. Share of STEEL covered.
STEEL_232 = 0.9
#: Aluminium (HS 76, Proclamation 10895) as a share of NFM (HS 74-81 plus precious metals in WIOD
#: c12): Canada's non-ferrous exports to the US are mostly primary aluminium; elsewhere copper,
#: nickel, zinc, precious metals weigh more. Estimates.
ALU_NFM = {"CAN": 0.6}
ALU_NFM_DEFAULT = 0.4
#: Steel and aluminium derivatives in FMP (most of HS 73, HS 82-83): the listed derivatives pay the
#: 232 rate on their steel/aluminium content only; 0.15 = about 0.3 of FMP listed x about half
#: metal content. Estimate.
FMP_DERIV = 0.15
#: Copper (Proclamation 10962, from 1 Aug 2025): semi-finished copper and copper-intensive
#: derivatives, on the copper content; cathodes, ores, scrap excluded. Share of NFM. Estimate.
COPPER_NFM = 0.15
#: Share of NFM that the IEEPA reciprocal tariff reaches: not aluminium (Section 232), not the
#: Annex II goods (copper before its own 232, critical minerals, bullion). ROW lower: Swiss gold
#: (bullion, Annex II). Estimates.
NFM_RECIP = {"ROW": 0.1}
NFM_RECIP_DEFAULT = 0.3
#: Civil aircraft, engines and parts as a share of OTRN (aircraft, ships, rail) shipped by Japan,
#: the EU, Korea and the UK to the US: 0% under their 2025 deals (WTO Agreement on Trade in Civil
#: Aircraft). Estimate (aerospace dominates EU and UK transport-equipment sales to the US).
AIRCRAFT_OTRN = 0.7
SPLIT_GRADE = "estimate"

#: The 2024 Section 232 component of the USA<-exporter c12 table rate (tariffs2024_by_pair.csv,
#: notes "1.8 + 7.0: steel 25%/aluminium 10%", ...), in table points. CHN: the table's 30.0 does
#: not separate it; taken as the IND/TWN figure (no arrangement, same duties). CAN/MEX: exempt in 2024.
COMP_232_2024 = {"JPN": 0.5, "EU": 0.5, "GBR": 0.5, "KOR": 1.0, "IND": 7.0, "TWN": 7.0,
                 "ROW": 6.0, "CHN": 7.0, "CAN": 0.0, "MEX": 0.0}

REPO = "scripts/build_scenarios_2025.py"


# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    measure_id: str
    instrument: str
    fr: str
    importer: str
    exporter: str
    industries: tuple[str, ...]
    op: str
    rate: float
    cov: float
    grade: str
    cov_grade: str
    effective_from: str
    effective_to: str


def read_rows() -> list[Row]:
    with open(MEASURES, newline="", encoding="utf-8") as fh:
        return [Row(r["measure_id"], r["instrument"], r["federal_register"], r["importer"], r["exporter"],
                    tuple(r["wiod_industries"].split(";")), r["operation"], float(r["statutory_rate_pct"]),
                    float(r["coverage_share"]), r["grade"], r["coverage_grade"], r["effective_from"],
                    r["effective_to"]) for r in csv.DictReader(fh)]


@dataclass
class World:
    """What the generator needs from the data: weights, base rates, sector maps."""

    weights: dict[tuple[str, str, str], float]  # (importer, exporter, source industry) -> flow
    sources: dict[str, list[str]]  # model sector -> source industries (split codes for c12/c15)
    parent: dict[str, str]  # split industry -> WIOD industry
    base: dict[tuple[str, str, str], float]  # (importer, exporter, sector) -> base rate, percent
    table_c12: dict[str, float]  # exporter -> USA<-exporter c12 rate of tariffs2024_by_pair.csv


def load_world() -> World:
    import numpy as np

    from calibration.aggregate import cross_border_cells
    from calibration.wiod_source import load_raw, read_mapping, split_raw
    from cge.economy import resolve_data

    raw = split_raw(load_raw(2011), SPLITS)
    regions = read_mapping(REGIONS_MAP, raw.countries, "region")
    sectors = read_mapping(SECTORS_MAP, raw.industries, "sector")
    weights: dict[tuple[str, str, str], float] = {}
    for _, _, mr, er, _, ind, flow in cross_border_cells(raw, regions):
        key = (mr, er, ind)
        weights[key] = weights.get(key, 0.0) + max(0.0, float(np.round(flow, 6)))
    sources: dict[str, list[str]] = {}
    for ind in raw.industries:
        sources.setdefault(sectors.code_to_name[ind], []).append(ind)
    ds = resolve_data(DATA)
    base = {(m, x, i): round(100 * float(r), 6) for x, m, i, v, r in
            ds.trade[["exporter", "importer", "sector", "value", "tariff"]].itertuples(index=False) if v > 0}
    table: dict[str, float] = {}
    with open(TABLE2024, newline="", encoding="utf-8") as fh:
        rows = {(r["importer"], r["exporter"], r["wiod_industry"]): float(r["rate_pct"]) for r in csv.DictReader(fh)}
    for x in PARTNERS:
        table[x] = rows.get(("USA", x, "c12"), rows[("USA", "*", "c12")])
    return World(weights, sources, dict(raw.parent), base, table)


# ---------------------------------------------------------------------------------------------
def auto_share(w: World, imp: str, exp: str) -> float:
    """AUTO (MVH) share of the pair's 2011 c15 flows."""
    a, o = w.weights.get((imp, exp, "MVH"), 0.0), w.weights.get((imp, exp, "OTN"), 0.0)
    return a / (a + o) if a + o > 0 else 1.0


def kind_of(mid: str) -> str:
    if mid.startswith("s232_metals"):
        return "metals"
    if mid.startswith("s232_copper"):
        return "copper"
    if mid.startswith("s232_autos") or mid.endswith("_autos"):
        return "autos"
    if mid.startswith("ieepa_can") or mid.startswith("ieepa_mex"):
        return "border"
    if mid.startswith(("recip", "deal_", "ieepa_ind")):
        return "recip"
    if mid.startswith("can_ret_metals"):
        return "metals"
    if mid.startswith(("can_ret_autos", "chn_ret_feb")):
        return "autos"
    return "all"  # fentanyl, counter-tariffs on all goods: the split sectors as their parent


def split_cov(w: World, row: Row, ind: str, non_usmca: float, aircraft_zero: frozenset = frozenset()
              ) -> tuple[float, str]:
    """Coverage of split industry ``ind`` under ``row`` (whose c12/c15 coverage it replaces)."""
    x = row.exporter  # the composition of what the exporter ships
    kind = kind_of(row.measure_id)
    a_cov = min(1.0, row.cov / auto_share(w, row.importer, row.exporter))
    if kind == "metals":
        c = {"IS": STEEL_232, "NFM": ALU_NFM.get(x, ALU_NFM_DEFAULT), "FMP": FMP_DERIV}.get(ind, 0.0)
        why = {"IS": "steel share of STEEL", "NFM": "aluminium share of NFM", "FMP": "derivatives in FMP"}.get(ind, "")
        return c, why
    if kind == "copper":
        return (COPPER_NFM, "copper semis in NFM") if ind == "NFM" else (0.0, "")
    if kind == "autos":
        if ind == "MVH":
            return a_cov, f"{row.cov:g} of c15 / AUTO share {auto_share(w, row.importer, row.exporter):.3f}"
        return 0.0, ""
    if kind == "recip":
        c = {"IS": 1 - STEEL_232, "NFM": NFM_RECIP.get(x, NFM_RECIP_DEFAULT), "FMP": 1 - FMP_DERIV,
             "MVH": None, "OTN": 1.0}[ind]
        if ind == "MVH":
            auto = AUTO_C15.get(row.exporter)
            c = 1 - min(1.0, auto / auto_share(w, row.importer, row.exporter)) if auto is not None else 0.0
            return c, "AUTO not under 232 autos"
        if ind == "OTN" and row.exporter in aircraft_zero:
            return 1 - AIRCRAFT_OTRN, "OTRN less civil aircraft (0% under the deal)"
        return c, {"IS": "STEEL not under 232", "NFM": "NFM not aluminium nor Annex II",
                   "FMP": "FMP not a 232 derivative", "OTN": "OTRN (no exemption)"}[ind]
    if kind == "border":
        # NFM: neither aluminium nor copper semis (Section 232; copper from 1 Aug 2025, before the
        # dates of the files that use the border duties on NFM)
        c = {"IS": 1 - STEEL_232, "NFM": round(1 - ALU_NFM.get(x, ALU_NFM_DEFAULT) - COPPER_NFM, 6),
             "FMP": 1 - FMP_DERIV, "MVH": 0.0, "OTN": 1.0}[ind]
        return non_usmca * c, f"non-USMCA {non_usmca:g} x non-232 {c:g}"
    return row.cov, ""


#: Research table: share of c15 that is vehicles and listed parts (Section 232 autos), by exporter
#: (filled from the s232_autos rows at start).
AUTO_C15: dict[str, float] = {}


@dataclass
class Cell:
    parts: list[str] = field(default_factory=list)  # comment fragments
    add: float = 0.0
    floors: list[tuple[float, float]] = field(default_factory=list)  # (floor, coverage)
    other: bool = False  # anything but a floor
    set_to: float | None = None


def contribute(w: World, cells: dict, rows: list[Row], *, group: str,
               aircraft_zero: frozenset = frozenset()) -> None:
    """Add the contributions of ``rows`` (one family-row each per cell) to ``cells``."""
    by_cell: dict[tuple[str, str, str], list[tuple[Row, str]]] = {}
    inv = {ind: s for s, inds in w.sources.items() for ind in inds}
    for row in rows:
        for ind0 in row.industries:
            inds = [i for i in w.parent if w.parent[i] == ind0] or [ind0]
            for ind in inds:
                by_cell.setdefault((row.importer, row.exporter, inv[ind]), []).append((row, ind))
    non_usmca = {}
    for row in rows:
        if kind_of(row.measure_id) == "border" and "c1" in row.industries:
            non_usmca[(row.measure_id, row.exporter)] = row.cov
    for key, items in by_cell.items():
        imp, exp, sec = key
        if key not in w.base:
            continue
        base = w.base[key]
        srcs = w.sources[sec]
        den = sum(w.weights.get((imp, exp, s), 0.0) for s in srcs)
        cell = cells.setdefault((group, key), Cell())
        comp_removed = False
        for row in sorted({r for r, _ in items}, key=lambda r: (r.measure_id, r.industries)):
            inds = [i for r, i in items if r is row]
            fr: list[str] = []
            cov_total = 0.0
            for ind in inds:
                wt = w.weights.get((imp, exp, ind), 0.0) / den if den > 0 else 1.0 / len(srcs)
                if ind in w.parent:
                    cov, why = split_cov(w, row, ind, non_usmca.get((row.measure_id, row.exporter), 0.0),
                                         aircraft_zero)
                else:
                    cov, why = row.cov, ""
                cov_total += wt * cov
                if len(srcs) > 1:
                    fr.append(f"{ind} {cov:g} (w {wt:.3f})")
                elif why:
                    fr.append(f"{why}: {cov:.3f}")
            if cov_total == 0:
                continue
            if row.op in ("add", "replace", "add_232"):
                val = row.rate * cov_total
                cell.add += val
                cell.other = True
                cell.parts.append(f"{row.measure_id} {row.rate:g} x {cov_total:.3f}"
                                  + (f" [{'; '.join(fr)}]" if fr else "") + f" = {val:+.2f}")
                if row.op == "add_232" and not comp_removed:
                    comp = COMP_232_2024[exp] * base / w.table_c12[exp] if w.table_c12[exp] else 0.0
                    if comp:
                        cell.add -= comp
                        cell.parts.append(f"less the 2024 Section 232 component {COMP_232_2024[exp]:g} x "
                                          f"{base:g}/{w.table_c12[exp]:g} = {-comp:+.2f}")
                    comp_removed = True
            elif row.op == "floor_total":
                val = cov_total * max(0.0, row.rate - base)
                cell.add += val
                cell.floors.append((row.rate, cov_total))
                cell.parts.append(f"{row.measure_id} all-in floor {row.rate:g} on {cov_total:.3f}"
                                  + (f" [{'; '.join(fr)}]" if fr else "")
                                  + f": {cov_total:.3f} x max(0, {row.rate:g} - {base:g}) = {val:+.2f}")
            elif row.op == "set_total":
                val = cov_total * (row.rate - base)
                cell.add += val
                cell.other = True
                cell.parts.append(f"{row.measure_id} {row.rate:g} all-in on {cov_total:.3f}"
                                  + (f" [{'; '.join(fr)}]" if fr else "")
                                  + f": {cov_total:.3f} x ({row.rate:g} - {base:g}) = {val:+.2f}")


def r1(v: float) -> float:
    """``v`` rounded to 0.1, half away from zero (after rounding off float noise at 1e-6)."""
    d = Decimal(f"{v:.6f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(d) + 0.0


def fmt(v: float) -> str:
    s = f"{r1(v):.1f}"
    return "0.0" if s == "-0.0" else s


def pick(rows: list[Row], ids: set[str], *, exporters=None, importer="USA", industries=None) -> list[Row]:
    return [r for r in rows if r.measure_id in ids and r.importer == importer
            and (exporters is None or r.exporter in exporters)
            and (industries is None or set(r.industries) & set(industries))]


def shocks_text(w: World, cells: dict, groups: list[str], *, set_auto: dict | None = None) -> tuple[str, list]:
    """TOML for the cells (one shock per exporter x value), with a comment per cell."""
    out, summary = [], []
    set_auto = set_auto or {}
    for group in groups:
        keyed = sorted((k for g, k in cells if g == group), key=lambda k: (k[0], PARTNERS.index(k[1]) if k[1] in PARTNERS else -1, GOODS.index(k[2])))
        # exporter -> list of (sector, op, value, comment)
        per: dict[tuple[str, str], list] = {}
        for key in keyed:
            imp, exp, sec = key
            c = cells[(group, key)]
            base = w.base[key]
            if (exp, sec) in set_auto and imp == "USA":
                op, val = "set_pct", set_auto[(exp, sec)]
                note = f"{set_auto[(exp, sec)]:g}% all-in on the whole cell (the deal's rule for autos and parts; the non-232 rest of AUTO is under the same 15% floor)"
            elif not c.other and len(c.floors) == 1 and abs(c.floors[0][1] - 1.0) < 1e-12:
                op, val = "floor_pct", c.floors[0][0]
                note = "; ".join(c.parts)
            else:
                op, val = "add_pct", r1(c.add)
                note = "; ".join(c.parts) + f"; total {c.add:+.3f} -> {fmt(c.add)}"
            if op == "add_pct" and val == 0.0:
                continue
            per.setdefault((imp, exp), []).append((sec, op, val, note, base))
            new = base + val if op == "add_pct" else (max(base, val) if op == "floor_pct" else val)
            summary.append((imp, exp, sec, base, op, val, new))
        for (imp, exp), items in per.items():
            byv: dict[tuple[str, float], list] = {}
            for sec, op, val, note, base in items:
                byv.setdefault((op, val), []).append((sec, note, base))
            for (op, val), secs in byv.items():
                out.append("")
                for sec, note, base in secs:
                    out.append(f"# {imp}<-{exp} {sec} (base {base:g}): {note}")
                names = ", ".join(f'"{s}"' for s, _, _ in secs)
                out.append("[[shock]]")
                out.append(f'importer = "{imp}"')
                out.append(f'exporters = ["{exp}"]')
                out.append(f"sectors = [{names}]")
                out.append(f"{op} = {fmt(val) if op == 'add_pct' else f'{val:g}'}")
                out.append(f'group = "{group}"')
    return "\n".join(out) + "\n", summary


def header(lines: list[str]) -> str:
    out = []
    for x in lines:
        if len(x) <= 96:
            out.append(x)
            continue
        lead = len(x) - len(x.lstrip(" -0123456789."))
        out += textwrap.wrap(x, width=96, subsequent_indent=" " * lead, break_on_hyphens=False)
    return "\n".join(("# " + x) if x else "#" for x in out) + "\n"


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def top(name: str, description: str, source: str) -> str:
    return (f"\nname = {toml_str(name)}\ndata = {toml_str(DATA)}\ndescription = {toml_str(description)}\n"
            f"source = {toml_str(source)}\n")


COMMON = [
    f"Generated by {REPO} from",
    f"calibration/inputs/us_measures_2025.csv (research notes: {DOC});",
    "do not edit by hand: change the CSV or the generator and run it again (`--check` compares).",
    "Rates in percent, rounded to 0.1 point; one shock per group of cells with the same change;",
    "the comment above each shock derives each of its cells.",
    "Base rates: world2024's 2024 rates scaled to the duties collected (build_report.md §7). The",
    "added duties are statutory, NOT scaled to collection (a new duty is assumed to be collected",
    "in full on what it covers). Contribution of a measure to a cell = statutory rate x coverage",
    "share, trade-weighted (WIOD 2011 flows, split table, regions_11.csv) over the WIOD industries",
    "of the cell; all-in floors: coverage x max(0, floor - base); see the generator's docstring.",
    "Coverage shares are estimates (coverage_grade in the CSV) unless stated.",
]
SPLIT_NOTE = [
    "Split sectors (coverage of the split sector, grade estimate, replacing the research table's",
    f"c12/c15 shares): Section 232 steel {STEEL_232:g} of STEEL (HS 7206-7229 and tubes; not pig iron,",
    f"ferroalloys, scrap); aluminium {ALU_NFM_DEFAULT:g} of NFM (Canada {ALU_NFM['CAN']:g}); steel/aluminium derivatives",
    f"in FMP {FMP_DERIV:g} (listed derivatives x metal content); autos: the research table's share of c15",
    "(vehicles and listed parts) / AUTO's share of the pair's 2011 c15 flows, capped at 1; OTRN",
    "(aircraft, ships, rail) is not under the autos measure.",
]


def build_all(w: World) -> dict[str, str]:
    rows = read_rows()
    for r in rows:
        if r.measure_id == "s232_autos":
            AUTO_C15[r.exporter] = r.cov
    files: dict[str, str] = {}
    files["us_autos_232"] = autos_232(w, rows)
    files["us_steel_232_25"] = steel(w, rows, 25)
    files["us_steel_232_50"] = steel(w, rows, 50)
    files["us_baseline_10"] = baseline(w, rows)
    files["us_reciprocal_apr2"] = reciprocal(w, rows)
    files["us_after_deals_2025"] = after_deals(w, rows)
    files["chn_retaliation_2025"] = chn_retaliation(w, rows)
    files["can_retaliation_2025"] = can_retaliation(w, rows)
    files["jpn_retaliation_farm_whatif"] = jpn_farm(w, rows)
    files["tpp_farm_access_whatif"] = tpp(w)
    return files


# ---------------------------------------------------------------------------------------------
#: The research rows (one per measure id) of the file being written, for its header.
USED: dict[str, Row] = {}


def used_block() -> list[str]:
    """Header lines: the research rows the file uses, with instrument, Federal Register, dates
    and grades (legal text; coverage), in the order first used."""
    out = ["Research rows used (measure_id: instrument; Federal Register; in force; grade of the",
           "rate / of the coverage shares):"]
    for mid, r in USED.items():
        to = f" to {r.effective_to}" if r.effective_to else ""
        out.append(f"- {mid}: {r.instrument}; {r.fr}; from {r.effective_from}{to}; {r.grade} / {r.cov_grade}")
    return out


def in_force(rows: list[Row], date: str) -> list[Row]:
    return [r for r in rows if r.effective_from <= date and (not r.effective_to or r.effective_to >= date)]


def run_cells(w: World, parts: list[tuple[str, list[Row]]], aircraft_zero: frozenset = frozenset()
              ) -> tuple[dict, list[str]]:
    cells: dict = {}
    groups: list[str] = []
    USED.clear()
    for group, rows in parts:
        contribute(w, cells, rows, group=group, aircraft_zero=aircraft_zero)
        for r in rows:
            USED.setdefault(r.measure_id, r)
        if group not in groups:
            groups.append(group)
    return cells, groups


AUTOS_SOURCE = ("Proclamation 10908 (26 March 2025), 90 FR 14705, amended by Proclamation 10925 (29 April 2025), "
                "90 FR 18899; vehicles from 3 April 2025, parts from 3 May 2025")
AUTOS_HEAD = [
    "Section 232 autos and parts: +25% ad valorem on passenger vehicles, light trucks and listed",
    "parts, all origins, as first enacted.",
    f"Instrument: {AUTOS_SOURCE}.",
    "Represented: USA <- every partner, AUTO only (OTRN untouched), 25 x the share of AUTO covered",
    "(research table s232_autos: vehicles and listed parts as a share of c15, grade estimate,",
    "converted to AUTO as stated below).",
    "USMCA content rule (approximation): a USMCA-qualifying vehicle pays the 25% on its non-US",
    "content only, and USMCA-compliant parts are exempt until Commerce sets up a process",
    "(Proclamation 10908, clauses on USMCA; Proclamation 10925). The research table gives the",
    "resulting effective share of c15 that pays the full 25%: Canada 0.35, Mexico 0.37",
    "(estimates, scripts/build_us_measures_2025.py AUTO_COV; us_tariffs_2025.md §5), against 0.45",
    "for other origins with a similar mix; it stands for (vehicles' share) x (non-US content",
    "share) + non-qualifying goods, with qualifying parts at 0.",
    "Cross-check (secondary): the average duty on passenger cars from Canada and Mexico was about",
    "19% in July 2025 (US International Trade Commission data analysed by TD Cowen, as reported",
    "by Automotive News, Aug 2025: automakers could not document enough US content), with USMCA",
    "parts at 0; if vehicles are half to two thirds of these AUTO flows (estimate), that is",
    "9.5-12.7 points on the cell, against +10.9 (CAN) and +11.6 (MEX) here.",
    "Not represented: the UK's 100,000-car quota at 10% in all (EO 14309, 16 June 2025: a later",
    "measure, in us_after_deals_2025 as 10% all-in on the autos share, quota taken as not binding);",
    "the Japan, EU and Korea deals (15% all-in; us_after_deals_2025); the offset for US assembly",
    "(3.75% of MSRP); listed engines and electrical parts in MACH/ELEC; medium and heavy trucks",
    "(Proclamation 10984, from 1 Nov 2025); parts entering before 3 May 2025.",
]


def autos_232(w: World, rows: list[Row]) -> str:
    cells, groups = run_cells(w, [("US Section 232 autos", pick(rows, {"s232_autos"}))])
    body, _ = shocks_text(w, cells, groups)
    return (header(AUTOS_HEAD + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("us_autos_232", "Section 232 autos and parts, all origins, as first enacted: USA <- all partners, AUTO +25 x covered share (USMCA content rule approximated for CAN/MEX); no deals",
                  AUTOS_SOURCE) + body)


def steel(w: World, rows: list[Row], rate: int) -> str:
    if rate == 25:
        ids, src = {"s232_metals_25"}, ("Proclamations 10895 (aluminium) and 10896 (steel), 10 February 2025, 90 FR 9807 ff., "
                                         "effective 12 March 2025")
        lead = ["Section 232 steel and aluminium at 25%, all origins (country exemptions, quotas and",
                "TRQs of CAN, MEX, EU, JPN, GBR, KOR ended; aluminium raised from 10% to 25%).",
                f"Instrument: {src}."]
        desc = "Section 232 steel and aluminium 25%, all origins (12 March 2025): STEEL, the aluminium part of NFM, derivatives in FMP"
    else:
        ids, src = {"s232_metals_50"}, ("Proclamation 10947 (3 June 2025), 90 FR 24199, effective 4 June 2025 (UK at 25%); "
                                         "replacing Proclamations 10895 and 10896 (10 February 2025)")
        lead = ["Section 232 steel and aluminium raised to 50%, all origins; the UK stays at 25%",
                "(Economic Prosperity Deal; Proclamation 10947).",
                f"Instrument: {src}."]
        desc = "Section 232 steel and aluminium 50% (UK 25%), all origins (4 June 2025): STEEL, the aluminium part of NFM, derivatives in FMP"
    head = lead + [
        "Represented: USA <- every partner: STEEL, NFM (aluminium share) and FMP (derivatives),",
        "shares below; the 2024 Section 232 component of the base (2018 duties: steel 25%,",
        "aluminium 10% over quota or without arrangement; tariffs2024_by_pair.csv notes) is removed,",
        "scaled to collection, since the 2025 proclamations replace it. world2024 carries one c12",
        "rate for STEEL, NFM and FMP, so removing the c12 component from each leaves each at its",
        "MFN (for China, MFN + Section 301) part before the 2025 duty is added.",
        f"Coverage shares used (all grade {SPLIT_GRADE}): steel {STEEL_232:g} of STEEL; aluminium {ALU_NFM_DEFAULT:g} of NFM",
        f"(Canada {ALU_NFM['CAN']:g}); derivatives {FMP_DERIV:g} of FMP (about 0.3 of FMP listed, paying on about",
        "half metal content: derivatives approximated, not line by line).",
        "Not represented: copper (Proclamation 10962, from 1 Aug 2025; in us_after_deals_2025);",
        "derivatives outside FMP (appliances, machinery parts: the 18 Aug 2025 additions); the",
        "melt-and-pour rules; the UK's promised TRQ; quotas inside later deals.",
    ]
    cells, groups = run_cells(w, [("US Section 232 steel and aluminium", pick(rows, ids))])
    body, _ = shocks_text(w, cells, groups)
    return header(head + [""] + used_block() + [""] + COMMON) + top(f"us_steel_232_{rate}", desc, src) + body


RECIP_COV = [
    "Annex II exemptions (energy, pharmaceuticals, semiconductors, critical minerals, bullion,",
    "lumber, copper) and the 11 Apr 2025 electronics memorandum are approximated by the research",
    "table's coverage shares (estimates): ENRX 0.2, ENRP 0.05, CHEM 0.45 (EU, GBR 0.3; IND 0.2),",
    "ELEC 0.45 (TWN 0.15, CHN 0.4, IND 0.2), wood 0.7, other manufacturing 0.9 (IND 0.6, ROW 0.8),",
    "1.0 or 0.95 elsewhere; goods under Section 232 do not pay it, so in the split sectors the",
    f"reciprocal tariff reaches {1 - STEEL_232:g} of STEEL, {NFM_RECIP_DEFAULT:g} of NFM (ROW {NFM_RECIP['ROW']:g}: bullion), {1 - FMP_DERIV:g} of FMP, all",
    "of OTRN and the part of AUTO not under the autos measure (estimates).",
]


def baseline(w: World, rows: list[Row]) -> str:
    src = "Executive Order 14257 (2 April 2025), 90 FR 15041, effective 5 April 2025"
    head = [
        "The IEEPA reciprocal tariff's 10% baseline on all partners, as in force from 5 April 2025",
        "(for China to 8 April, when its country rate took over).",
        f"Instrument: {src}.",
        "Represented: USA <- JPN, CHN, KOR, TWN, EU, GBR, IND, ROW: +10 x the covered share.",
        "Canada and Mexico: exempt from the reciprocal tariff (EO 14257 sec. 3); their goods stay",
        "under the IEEPA border duties of EO 14193/14194 as amended (25% on non-USMCA goods), which",
        "are a different measure and not in this file (they are in us_after_deals_2025), so",
        "CAN and MEX rates are unchanged here.",
    ] + RECIP_COV + [
        "Not represented: China's IEEPA 'fentanyl' duty (EO 14195/14228; in us_after_deals_2025),",
        "the US-content rule (>= 20% US content: duty on non-US content), de minimis, exemptions by",
        "HTS line, in-transit grace periods.",
    ]
    cells, groups = run_cells(w, [("IEEPA reciprocal baseline 10%", pick(rows, {"recip_baseline_10"}))])
    body, _ = shocks_text(w, cells, groups)
    return (header(head + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("us_baseline_10", "IEEPA 10% baseline (EO 14257, 5 April 2025) on all partners but Canada and Mexico, Annex II exemptions and Section 232 goods approximated by coverage shares", src) + body)


def reciprocal(w: World, rows: list[Row]) -> str:
    src = ("Executive Order 14257 (2 April 2025), Annex I, 90 FR 15041, in force 9 April 2025 00:01; suspended "
           "for all but China by Executive Order 14266 (9 April 2025), 90 FR 15625")
    head = [
        "The reciprocal rates of 2 April 2025 by partner (EO 14257 Annex I), as in force on 9 April",
        "2025 before the pause: JPN 24, KOR 25, TWN 32, EU 20, GBR 10 (baseline), IND 26, CHN 34,",
        "ROW 25 (an import-weighted mix of Vietnam 46, Thailand 36, Switzerland 31, Indonesia 32,",
        "Malaysia 24, ... and 10% for the rest: estimate). KOR and IND: the chart shown on 2 April",
        "(25, 26) and the Annex (26, 27) differ; the research table takes the chart (secondary).",
        f"Instrument: {src}.",
        "Canada and Mexico: not in Annex I and exempt (EO 14257 sec. 3): unchanged here (their IEEPA",
        "border duties are in us_after_deals_2025).",
    ] + RECIP_COV + [
        "Not represented: China's 84% and 125% of 9-10 April (EO 14259, EO 14266), China's IEEPA",
        "fentanyl duty, Section 232 (separate files), the US-content rule, de minimis.",
    ]
    ids = {"recip_apr9", "recip_chn_34"}
    cells, groups = run_cells(w, [("IEEPA reciprocal, Annex I rates", pick(rows, ids))])
    body, _ = shocks_text(w, cells, groups)
    return (header(head + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("us_reciprocal_apr2", "IEEPA reciprocal rates of 2 April 2025 by partner (EO 14257 Annex I, 9 April 2025): JPN 24, KOR 25, TWN 32, EU 20, GBR 10, IND 26, CHN 34, ROW 25, on the covered shares", src) + body)


DEALS_DATE = "2025-12-01"
SKIP_LATER = {"s232_mhdv", "s232_timber", "s232_furniture"}


def us_rows_at(rows: list[Row], date: str, exporters: list[str]) -> dict[str, list[Row]]:
    """US rows in force on ``date`` for each exporter, one row per family (deals replace)."""
    live = [r for r in in_force(rows, date) if r.importer == "USA" and r.measure_id not in SKIP_LATER]
    out = {}
    for x in exporters:
        mine = [r for r in live if r.exporter == x]
        ids = {r.measure_id for r in mine}
        drop = set()
        if f"deal_{x.lower()}" in ids:
            drop.add("recip_eo14326")
        if f"deal_{x.lower()}_autos" in ids:
            drop.add("s232_autos")
        out[x] = [r for r in mine if r.measure_id not in drop]
    return out


def after_deals(w: World, rows: list[Row]) -> str:
    src = ("EO 14326 (31 July 2025), 90 FR 37963; EO 14345 (4 September 2025) and Commerce notice 90 FR 44638 (Japan); "
           "EO 14346 (5 September 2025) and notice of 25 September 2025 (EU); notice 90 FR 55964 (4 December 2025, Korea); "
           "EO 14309 (16 June 2025, UK); EO 14298 (12 May 2025) and EO of 4 November 2025 (China); EO 14325 (31 July 2025, "
           "Canada); EO 14194 as amended by EO 14232 (Mexico); EO 14329 (6 August 2025, India); Proclamations 10947 "
           "(3 June 2025), 10962 (30 July 2025), 10908 (26 March 2025)")
    head = [
        f"The US tariffs in force after the 2025 agreements, as of {DEALS_DATE} (research table rows in",
        "force on that date, one per family):",
        "- Japan (EO 14345, Commerce notice 90 FR 44638), EU (EO 14346; notice of 25 Sep 2025) and",
        "  Korea (notice 90 FR 55964, from 14 Nov 2025): the reciprocal tariff is an all-in 15% floor",
        "  (lines with a column 1 rate below 15% pay 15% in all; at or above 15% nothing extra):",
        "  floor_pct 15 where the whole cell is covered, else base + coverage x max(0, 15 - base);",
        "  autos and parts 15% all-in: AUTO set to 15 (the rest of AUTO is under the same floor);",
        "- UK (EO 14309): reciprocal 10% additive; autos 10% all-in on the autos share (the 100,000-car",
        "  quota taken as not binding: UK car exports to the US are about the quota); metals 25%;",
        "- TWN 20, IND 25 + 25 (Russian oil, EO 14329, 27 Aug 2025 - 6 Feb 2026), ROW 17 (estimate:",
        "  import-weighted EO 14326 rates), additive (EO 14326);",
        "- China: IEEPA fentanyl 10 (EO of 4 Nov 2025, from 10 Nov; on everything, 232 goods too) +",
        "  reciprocal 10 (EO 14298, 24 points suspended to 10 Nov 2026) + Section 232; Section 301",
        "  is already in the base (tariffs2024_by_pair.csv; the 2025 semiconductor step is not added);",
        "- Canada: IEEPA 35% on non-USMCA goods (EO 14325; energy and potash 10%), Mexico 25%",
        "  (EO 14194/14232): non-USMCA share 0.12 (CAN), 0.15 (MEX) of each cell (estimates); goods",
        "  under Section 232 do not pay them (EO 14289);",
        "- Section 232 metals 50% (UK 25%), copper 50% on copper semis (from 1 Aug 2025), autos 25%",
        "  where no deal reduced it (CHN, TWN, CAN, MEX, IND, ROW; USMCA content rule as in",
        "  us_autos_232).",
        f"Copper: {COPPER_NFM:g} of NFM (estimate). Civil aircraft 0% for JPN, EU, KOR, GBR: the",
        f"reciprocal tariff reaches {1 - AIRCRAFT_OTRN:g} of their OTRN (aircraft {AIRCRAFT_OTRN:g} of OTRN, estimate).",
    ] + RECIP_COV + [
        "Not represented: Section 232 trucks and buses (from 1 Nov 2025), timber, lumber and furniture",
        "(from 14 Oct 2025); the deals' 0% for civil aircraft, generics and unavailable natural",
        "resources beyond the coverage shares (aircraft: OTRN only); the EU floor line by line (a cell-level floor on the",
        "collected base rate); the partners' commitments (investment, purchases) with no tariff",
        "content; the transshipment penalty; the Supreme Court's 20 Feb 2026 ruling ending the IEEPA",
        "duties (after this scenario's date).",
    ]
    by_x = us_rows_at(rows, DEALS_DATE, PARTNERS)
    cells, groups = run_cells(w, [(f"US measures on {x}", by_x[x]) for x in PARTNERS],
                              aircraft_zero=frozenset({"JPN", "EU", "KOR", "GBR"}))
    set_auto = {(x, "AUTO"): 15.0 for x in ("JPN", "EU", "KOR")}
    body, _ = shocks_text(w, cells, groups, set_auto=set_auto)
    return (header(head + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("us_after_deals_2025", f"US tariffs in force after the 2025 agreements ({DEALS_DATE}): JPN/EU/KOR 15% all-in floors and autos 15%, UK 10%, EO 14326 rates, China's IEEPA stack on Section 301, CAN/MEX IEEPA on non-USMCA goods, Section 232 metals 50% and autos 25% where not reduced", src) + body)


CHN_DATE = "2025-09-01"
CAN_DATE = "2025-08-15"


def chn_retaliation(w: World, rows: list[Row]) -> str:
    src = ("Customs Tariff Commission of the State Council, announcements of 4 February, 4 March, 4-11 April and 12 May 2025; "
           "US: EO 14228 (3 March 2025), EO 14298 (12 May 2025), Proclamations 10947 (3 June 2025), 10962 (30 July 2025), 10908 (26 March 2025)")
    head = [
        f"China's retaliation as enacted, with the US measures it answers, as in force on {CHN_DATE}",
        "(after the Geneva truce of 12 May 2025, before the November 2025 de-escalation).",
        "Why one file with both sides: a retaliation is never in force without the measure it",
        "answers, and groups give each side's subtotal (`cge sensitivity --subtotals`); the same",
        "choice as scenarios/bilateral/jpn_retaliation_farm.toml. Only the two countries' measures",
        "on each other are here (not the US measures on third countries).",
        "China on US goods (CHN <- USA; grade secondary, coverage estimates):",
        "- 4 Feb 2025 (from 10 Feb): +15% coal and LNG, +10% crude oil (ENRX: 12 x 0.8), +10% farm",
        "  machinery (MACH 10 x 0.05), +10% large cars and pickups (AUTO: 0.3 of c15 / AUTO share);",
        "- 4 Mar 2025 (10 Mar - 9 Nov 2025): +10-15% on 740 farm and food lines (AGR 11 x 0.95,",
        "  FOOD 10.5 x 0.7);",
        "- counter-tariff on all US goods: 34% -> 84% -> 125% in April, 10% from 14 May 2025 (24",
        "  points suspended): +10 on every good.",
        "US on Chinese goods (USA <- CHN): fentanyl 20% (EO 14228), reciprocal 10% (EO 14298),",
        "Section 232 metals 50%, copper 50%, autos 25%; Section 301 already in the base, and so",
        "are China's 2018-2019 retaliation tariffs (tariffs2024_by_pair.csv): the 2025 duties",
        "are added on top of them.",
        "On 1 Dec 2025 (not this file): the farm list lifted, the US fentanyl duty at 10%.",
        "Not represented: China's informal exemptions (some chips, pharmaceuticals, ethane), export",
        "controls (rare earths), the unreliable-entity list, purchase commitments.",
    ] + RECIP_COV
    live = in_force(rows, CHN_DATE)
    us = [r for r in live if r.importer == "USA" and r.exporter == "CHN" and r.measure_id not in SKIP_LATER]
    cn = [r for r in live if r.importer == "CHN"]
    cells, groups = run_cells(w, [("US measures on China", us), ("China's retaliation", cn)])
    body, _ = shocks_text(w, cells, groups)
    return (header(head + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("chn_retaliation_2025", f"China's 2025 retaliation as enacted (energy, farm machinery, cars; farm list; 10% on all US goods) with the US measures on China it answers, in force on {CHN_DATE}", src) + body)


def can_retaliation(w: World, rows: list[Row]) -> str:
    src = ("United States Surtax Orders (Department of Finance Canada, 4 and 13 March 2025, autos 9 April 2025); "
           "US: EO 14325 (31 July 2025), Proclamations 10947 (3 June 2025), 10962 (30 July 2025), 10908 (26 March 2025)")
    head = [
        f"Canada's retaliation as enacted, with the US measures it answers, as in force on {CAN_DATE}",
        "(the fullest set: the broad surtax was removed from 1 Sep 2025 for all goods but steel,",
        "aluminium, copper and autos). Same choice as chn_retaliation_2025: both sides in one",
        "file, in two groups.",
        "Canada on US goods (CAN <- USA; grade secondary, coverage estimates): 25% surtax on C$29.8 bn",
        "(4 Mar) and C$14.2 bn (13 Mar) of goods (coverage 0.05-0.4 by industry); 25% on steel and",
        "aluminium products (C$15.6 bn; split as the US 232 metals measure); 25% on non-CUSMA US",
        "vehicles and the non-Canadian/Mexican content of CUSMA vehicles (AUTO: 0.3 of c15 / AUTO",
        "share).",
        "US on Canadian goods (USA <- CAN): IEEPA 35% on non-USMCA goods (EO 14325, from 1 Aug 2025;",
        "energy and potash 10%), Section 232 metals 50%, copper 50%, autos 25% (USMCA content rule",
        "as in us_autos_232).",
        "Not represented: Canada's remission quotas for automakers producing in Canada, remission of",
        "surtaxes on goods for Canadian manufacturing, the US transshipment penalty.",
    ]
    live = in_force(rows, CAN_DATE)
    us = [r for r in live if r.importer == "USA" and r.exporter == "CAN" and r.measure_id not in SKIP_LATER]
    ca = [r for r in live if r.importer == "CAN"]
    cells, groups = run_cells(w, [("US measures on Canada", us), ("Canada's retaliation", ca)])
    body, _ = shocks_text(w, cells, groups)
    return (header(head + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("can_retaliation_2025", f"Canada's 2025 counter-tariffs as enacted (25% surtaxes on US goods, steel and aluminium, autos) with the US measures on Canada they answer, in force on {CAN_DATE}", src) + body)


def jpn_farm(w: World, rows: list[Row]) -> str:
    src = (AUTOS_SOURCE + "; Japan's MFN beef rate and USJTA beef safeguard (38.5%; CRS R46576, 21 October 2020); "
           "counterfactual levels from calibration/source/tariff_notes.md")
    head = [
        "What-if (not enacted): Japan answers the Section 232 autos tariff on US farm and food goods;",
        "world2024 port of scenarios/bilateral/jpn_retaliation_farm.toml (read it for the reasoning).",
        "Japan took no retaliation in 2018 or 2025.",
        "1. The US measure it answers: Section 232 autos on all origins, exactly as us_autos_232",
        "   (group 'US Section 232 autos').",
        "2. JPN <- USA FOOD set to 38.5% (Japan's MFN beef rate and USJTA safeguard snapback level,",
        "   applied to all of FOOD: an upper-end response) and AGR set to 50% (a mirror of the top",
        "   2025 US rate; grade C, a chosen counterfactual level, not a statute).",
        "The two levels are statutory rates, set on the cell's collected base (world2024 FOOD 7.3,",
        "AGR 1.2 from statutory 12 and 2): a retaliatory rate is taken as collected in full.",
        "Other partners' rates on US goods are unchanged.",
        "Not represented: the other 2025 US measures on Japan (only the autos measure answered);",
        "Japan's state-trading mark-ups on rice, wheat and barley (outside the data's tariff-only",
        "convention); any sizing of the response to WTO rebalancing rules (the levels are chosen).",
    ]
    cells, groups = run_cells(w, [("US Section 232 autos", pick(rows, {"s232_autos"}))])
    body, _ = shocks_text(w, cells, groups)
    extra = [""]
    for sec, lvl in (("FOOD", 38.5), ("AGR", 50.0)):
        extra += [f"# JPN<-USA {sec} (base {w.base[('JPN', 'USA', sec)]:g}): set to {lvl:g}", "[[shock]]",
                  'importer = "JPN"', 'exporters = ["USA"]', f'sectors = ["{sec}"]', f"set_pct = {lvl:g}",
                  'group = "Japan\'s farm retaliation (what-if)"', ""]
    return (header(head + [""] + used_block() + [""] + SPLIT_NOTE + [""] + COMMON)
            + top("jpn_retaliation_farm_whatif", "What-if on world2024: Section 232 autos on all origins; Japan retaliates on US farm goods: FOOD to 38.5% (beef snapback level), AGR to 50%", src)
            + body + "\n".join(extra).rstrip("\n") + "\n")


def tpp(w: World) -> str:
    src = ("CPTPP (signed 8 March 2018, in force for Japan 30 December 2018), Japan's tariff schedule; US-Japan Trade "
           "Agreement (7 October 2019, in force 1 January 2020) and USTR fact sheets (October 2019); CRS R46576 (21 October 2020)")
    with open(TABLE2024, newline="", encoding="utf-8") as fh:
        t = {(r["importer"], r["exporter"], r["wiod_industry"]): float(r["rate_pct"]) for r in csv.DictReader(fh)}
    out = []
    lines = []
    for sec, ind, end in (("FOOD", "c3", 4.0), ("AGR", "c1", 0.5)):
        stat = t[("JPN", "USA", ind)]
        base = w.base[("JPN", "USA", sec)]
        new = round(end * base / stat, 1)
        lines.append(f"- {sec}: statutory {stat:g} -> {end:g} (bilateral file); world2024 base {base:g} (collected) ->")
        lines.append(f"  {end:g} x {base:g}/{stat:g} = {end * base / stat:.3f} -> {new:g}")
        out += ["", f"# JPN<-USA {sec}: end state {end:g} x collection factor {base:g}/{stat:g}", "[[shock]]",
                'importer = "JPN"', 'exporters = ["USA"]', f'sectors = ["{sec}"]', f"set_pct = {new:g}",
                'group = "Japan\'s CPTPP farm schedule (what-if)"']
    head = [
        "What-if: Japan cuts its tariffs on US farm and food goods to the end state of its CPTPP",
        "schedule; world2024 port of scenarios/bilateral/tpp_farm_access.toml (the derivation of the",
        "end-state rates, FOOD 4.0 and AGR 0.5 against statutory 12 and 2, is there; grade C).",
        "world2024's base rates are collected rates (Japan's statutory rates x one revenue factor,",
        "build_report.md §7), so the end state is scaled by the same factor (the cell's base /",
        "the 2024 statutory rate of tariffs2024_by_pair.csv), keeping the cut proportional:",
    ] + lines + [
        "Not represented: the rice, wheat, barley and dairy quotas and mark-ups (outside the data's",
        "tariff-only convention); other partners' access (CPTPP members already have it).",
    ]
    gen = [f"Generated by {REPO} (levels from the bilateral file, not from the",
           "research table); do not edit by hand (`--check` compares)."]
    return (header(head + [""] + gen)
            + top("tpp_farm_access_whatif", "What-if on world2024: Japan cuts its tariffs on US farm goods to the CPTPP end-state schedule (FOOD 4.0, AGR 0.5 statutory, scaled to collection)", src)
            + "\n".join(out) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    args = ap.parse_args(argv)
    files = build_all(load_world())
    bad = []
    for name, text in files.items():
        path = OUT / f"{name}.toml"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                bad.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if args.check:
        if bad:
            print("out of date (run scripts/build_scenarios_2025.py): " + ", ".join(bad))
            return 1
        print(f"{len(files)} scenario files up to date")
        return 0
    print(f"wrote {len(files)} files to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
