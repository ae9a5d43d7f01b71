"""Markdown summary tables of the built data sets: ``python -m calibration.report``.

Used to write docs/data.md; reads only the committed data sets and calibration inputs. Money
values are in USD million.
"""

from __future__ import annotations

import math
from pathlib import Path

from calibration.assumptions import load_assumptions
from calibration.common import DATA_DIR, SECTORS, SERVICES, SOURCE_DIR
from calibration.dataset import Dataset, read_dataset
from calibration.elasticities import industry_value, load_industries, long_run, simple_means
from calibration.sam import labour_shares
from calibration.wiod import load_labour_shares


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def bilateral_table(new: Dataset, old: Dataset) -> str:
    """US-Japan flows by sector, both directions, 2011 and 2024 (USD million)."""
    rows = []
    tot = [0.0, 0.0, 0.0, 0.0]
    for s in SECTORS:
        vals = [
            old.trade.get(("JPN", "USA", s), (0.0, 0.0))[0],
            new.trade.get(("JPN", "USA", s), (0.0, 0.0))[0],
            old.trade.get(("USA", "JPN", s), (0.0, 0.0))[0],
            new.trade.get(("USA", "JPN", s), (0.0, 0.0))[0],
        ]
        if s not in SERVICES:
            tot = [a + b for a, b in zip(tot, vals, strict=True)]
        rows.append([s, *(f"{v:,.1f}" for v in vals)])
    rows.insert(len(SECTORS) - 1, ["**goods total**", *(f"**{v:,.1f}**" for v in tot)])
    header = ["sector", "JPN→USA 2011", "JPN→USA 2024", "USA→JPN 2011", "USA→JPN 2024"]
    return _table(header, rows)


def tariff_table(ds: Dataset) -> str:
    """Base tariff (percent) by sector for each importer <- exporter pair."""
    pairs = [
        ("USA", "JPN"),
        ("USA", "ROW"),
        ("JPN", "USA"),
        ("JPN", "ROW"),
        ("ROW", "USA"),
        ("ROW", "JPN"),
    ]
    a = load_assumptions()
    rows = []
    for s in SECTORS:
        rows.append([s, *(f"{a.tariff_tenths[(m, e, s)] / 10:g}" for m, e in pairs)])
    avg = []
    for m, e in pairs:
        num = sum(v * p for (ex, im, _), (v, p) in ds.trade.items() if ex == e and im == m)
        den = sum(v for (ex, im, s), (v, _) in ds.trade.items() if ex == e and im == m and s not in SERVICES)
        avg.append(f"{num / den:.2f}")
    rows.append(["goods, import-weighted (2024 data)", *avg])
    return _table(["sector", *(f"{m} on {e}" for m, e in pairs)], rows)


def labour_table() -> str:
    """Raw and adopted labour shares of value added by region and sector."""
    a = load_assumptions()
    raw = load_labour_shares(SOURCE_DIR)
    adopted = labour_shares(raw, a.labour_share_min, a.labour_share_max)
    rows = []
    for s in SECTORS:
        rows.append(
            [
                s,
                f"{raw['USA'][s]:.4f}",
                f"{adopted['USA'][s]:.4f}",
                f"{raw['JPN'][s]:.4f}",
                f"{adopted['JPN'][s]:.4f}",
                f"{adopted['ROW'][s]:.4f}",
            ]
        )
    return _table(["sector", "USA raw", "USA used", "JPN raw", "JPN used", "ROW used"], rows)


def macro_table(ds: Dataset) -> str:
    """Macro aggregates by region (USD million)."""
    rows = []
    for r in ds.regions:
        c = ds.sam[r]
        partners = [p for p in ds.regions if p != r]
        gdp = sum(v for (row, col), v in c.items() if col in SECTORS and row in ("LAB", "CAP", "IDT", "TRF"))
        lab = sum(v for (row, col), v in c.items() if row == "LAB")
        trf = c.get(("GOV", "TRF"), 0.0)
        cons = sum(v for (row, col), v in c.items() if col == "HOH" and row in SECTORS)
        gov = sum(v for (row, col), v in c.items() if col == "GOV" and row in SECTORS)
        inv = sum(v for (row, col), v in c.items() if col == "INV" and row in SECTORS)
        exp = sum(v for (row, col), v in c.items() if row in SECTORS and col in partners)
        imp = sum(v for (row, col), v in c.items() if row in partners and col in SECTORS)
        rows.append(
            [
                r,
                f"{gdp:,.0f}",
                f"{cons:,.0f}",
                f"{gov:,.0f}",
                f"{inv:,.0f}",
                f"{exp:,.0f}",
                f"{imp:,.0f}",
                f"{trf:,.0f}",
                f"{c.get(('GOV', 'HOH'), 0.0):,.0f}",
                f"{c.get(('INV', 'HOH'), 0.0):,.0f}",
                f"{lab / (gdp - trf):.3f}",
            ]
        )
    header = [
        "region",
        "GDP",
        "C (HOH)",
        "G",
        "I",
        "exports",
        "imports",
        "tariff revenue",
        "direct tax",
        "household saving",
        "labour share",
    ]
    return _table(header, rows)


ELASTICITY_COLUMNS = ("sigma_va", "sigma_d", "sigma_m")


def elasticity_sets_table(ds: Dataset) -> str:
    """Every set of the data set's ``elasticities.csv``, side by side (psi: empty everywhere)."""
    sets = list(dict.fromkeys(r["set"] for r in ds.elasticities))
    by = {(r["set"], r["sector"]): r for r in ds.elasticities}
    header = ["sector", *(f"{c} {name}" for name in sets for c in ELASTICITY_COLUMNS), "psi"]
    rows = [[s, *(f"{by[(name, s)][c]:.2f}" for name in sets for c in ELASTICITY_COLUMNS),
             "(empty)" if all(math.isinf(by[(name, s)]["psi"]) for name in sets) else "see file"]
            for s in SECTORS]
    return _table(header, rows)


def _merged(a) -> list[str]:
    """Model sectors that merge several GTAP sectors."""
    return [s for s in SECTORS if sum(r["sector"] == s for r in a.gtap_rows) > 1]


def elasticity_change_table() -> str:
    """``long_run`` of every model sector that merges GTAP sectors: the unweighted mean over
    its GTAP sectors (the aggregation before) → the trade-weighted mean (now)."""
    a = load_assumptions()
    before = simple_means(a.gtap_rows)
    rows = []
    for row in long_run(a.gtap_rows, load_industries(a.gtap_rows)):
        s = row["sector"]
        if s not in _merged(a):
            continue
        cells = []
        for c in ELASTICITY_COLUMNS:
            old, new = before[s][c], row[c]
            cells.append(f"{old} → **{new}**" if old != new else f"{new} (same)")
        n = sum(r["sector"] == s for r in a.gtap_rows)
        rows.append([s, str(n), *cells])
    return _table(["sector", "GTAP sectors", *ELASTICITY_COLUMNS], rows)


def elasticity_weights_table() -> str:
    """The WIOD industries of each merged model sector: their GTAP sectors, mean ESUBM, and
    the weights (world imports and value added, 2011, USD million; shares in the sector)."""
    a = load_assumptions()
    industries = load_industries(a.gtap_rows)
    gtap = {r["gtap_sector"]: r for r in a.gtap_rows}
    rows = []
    for s in _merged(a):
        mine = [i for i in industries if i.sector == s]
        imp = sum(i.world_imports for i in mine)
        va = sum(i.world_value_added for i in mine)
        for i in mine:
            rows.append([s, f"{i.code} {i.description}", " ".join(i.gtap),
                         f"{industry_value(i, gtap, 'esubm'):.3f}",
                         f"{i.world_imports:,} ({i.world_imports / imp:.1%})",
                         f"{i.world_value_added:,} ({i.world_value_added / va:.1%})"])
    return _table(["sector", "WIOD industry", "GTAP sectors (equal weights within)",
                   "mean ESUBM", "world imports 2011 (share)", "world value added 2011 (share)"],
                  rows)


def world_region_table(ds: Dataset) -> str:
    """world2024 by region: GDP, goods exports and imports, base tariff revenue and its average
    rate on goods imports (USD million, %)."""
    from calibration.checks import gdp

    goods = set(ds.goods)
    rows = []
    for r in ds.regions:
        x = sum(v for (e, m, s), (v, _) in ds.trade.items() if e == r and s in goods)
        im = sum(v for (e, m, s), (v, _) in ds.trade.items() if m == r and s in goods)
        rev = sum(v * t / 100 for (e, m, s), (v, t) in ds.trade.items() if m == r)
        rows.append([r, f"{gdp(ds, r):,.0f}", f"{x:,.0f}", f"{im:,.0f}", f"{x - im:+,.0f}",
                     f"{rev:,.0f}", f"{100 * rev / im:.2f}"])
    return _table(["region", "GDP", "goods exports", "goods imports", "goods balance",
                   "tariff revenue", "average tariff on goods imports %"], rows)


def world_targets_table(ds: Dataset) -> str:
    """Every 2024 target of the fit against the value measured on the data set's files."""
    from calibration.checks import check_targets_world

    rows = []
    for r in check_targets_world(ds):
        value, rest = r.detail.split(" against ")
        target, gap = rest.split(" (", 1)
        rows.append([r.name.removeprefix("2024 target "), target, value, "(" + gap,
                     "yes" if r.passed else "**no**"])
    return _table(["target", "value", "achieved", "gap (tolerance, grade)", "met"], rows)


def world_us_japan_table(ds: Dataset) -> str:
    """world2024: US-Japan flows by sector, both directions (USD million) and base rates (%)."""
    rows = []
    for s in ds.sectors:
        a = ds.trade.get(("JPN", "USA", s), (0.0, 0.0))
        b = ds.trade.get(("USA", "JPN", s), (0.0, 0.0))
        rows.append([s, f"{a[0]:,.0f}", f"{a[1]:.1f}", f"{b[0]:,.0f}", f"{b[1]:.1f}"])
    return _table(["sector", "US imports from JPN", "US tariff %", "US exports to JPN", "JPN tariff %"], rows)


def main(data_dir: Path = DATA_DIR) -> None:
    """Print every table."""
    world = read_dataset(data_dir / "world2024")
    print("## world2024 by region\n")
    print(world_region_table(world))
    print("\n## world2024: 2024 targets against achieved\n")
    print(world_targets_table(world))
    print("\n## world2024: US-Japan flows by sector\n")
    print(world_us_japan_table(world))
    new, old = read_dataset(data_dir / "usjpn2024"), read_dataset(data_dir / "wiod2011")
    print("## US-Japan bilateral flows\n")
    print(bilateral_table(new, old))
    print("\n## Tariffs\n")
    print(tariff_table(new))
    print("\n## Labour shares\n")
    print(labour_table())
    for name, ds in (("wiod2011", old), ("usjpn2024", new)):
        print(f"\n## Macro {name}\n")
        print(macro_table(ds))
    print("\n## Elasticity sets\n")
    print(elasticity_sets_table(new))
    print("\n## Elasticities: simple means before, trade-weighted after\n")
    print(elasticity_change_table())
    print("\n## Elasticity weights of the merged sectors\n")
    print(elasticity_weights_table())

if __name__ == "__main__":
    main()
