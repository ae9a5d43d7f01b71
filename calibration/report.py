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


def main(data_dir: Path = DATA_DIR) -> None:
    """Print every table."""
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
    print("\n## Elasticities\n")
    print(
        _table(
            ["sector", "sigma_va", "sigma_d", "sigma_m", "psi"],
            [
                [r["sector"], *(f"{r[c]:.2f}" for c in ("sigma_va", "sigma_d", "sigma_m")),
                 "(empty)" if math.isinf(r["psi"]) else f"{r['psi']:.2f}"]
                for r in new.elasticities
            ],
        )
    )


if __name__ == "__main__":
    main()
