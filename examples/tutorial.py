"""cge in six steps: a first scenario, its welfare table, a closure swap, how sure the answer
is, a figure and a table for a paper, and your own data.

Run it from anywhere (a checkout or an installed package)::

    python examples/tutorial.py [OUTPUT_FOLDER]      # default: ./tutorial_output

It takes about a minute and writes everything it makes to OUTPUT_FOLDER. CI executes it
(tests/test_tutorial.py), so every line below works on the code as it is. Read it top to bottom:
each step says what it shows and which document tells more. Every `check` is something that
must hold for a reason of its own (an identity, a closure's definition), not a number copied
from a run.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import cge
from cge.shipped import scenarios_dir

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "tutorial_output").resolve()
HERE = Path(__file__).resolve().parent


def check(ok: bool, what: str) -> None:
    """Stop the tutorial loudly if something that must hold does not."""
    if not ok:
        raise SystemExit(f"tutorial check failed: {what}")
    print(f"  ok: {what}")


def step(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 70 - len(title)))


shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)

# ---------------------------------------------------------------------------------------------
step("1. A first scenario: Section 232 on autos, all origins, 2025")
# A scenario is a small TOML file of tariff shocks (docs/scenarios.md). The shipped ones are
# listed by `cge scenarios list` and copied by `cge scenarios copy NAME`. This one names its data
# set (world2024: 11 regions x 18 sectors, base year 2024, docs/data.md §12).
autos = scenarios_dir() / "us_autos_232.toml"
res = cge.run(autos)
print(res.describe())

# Tables are pandas DataFrames with short column codes; what each code means, and its unit, is
# in res.schema(table) (docs/outputs.md §3). Units never hide in column names.
print(res.schema("summary").to_string(index=False))
summary = res.summary
print(summary[["ev", "ev_pct_income", "real_gdp_pct", "terms_of_trade_pct"]].round(3).to_string())

# ---------------------------------------------------------------------------------------------
step("2. Reading the welfare table: EV and where it comes from")
# EV (equivalent variation) of each region's representative household, in USD million at base
# prices, decomposed as GTAP does (Huff & Hertel 2000): allocative efficiency of each tax,
# terms of trade, investment-savings, endowments and a residual (docs/welfare.md).
welfare = res.welfare
parts = [c for c in welfare.columns if c not in ("ev", "residual")]
print(welfare.loc[["USA", "JPN", "CHN", "MEX"], ["ev", "ae_tariffs", "terms_of_trade",
                                                "investment_savings"]].round(0).to_string())
gap = (welfare[parts].sum(axis=1) + welfare["residual"] - welfare["ev"]).abs().max()
check(gap < 1e-6, "the parts of EV add up to EV in every region (the decomposition is exact)")
check(welfare["residual"].abs().max() < 1e-3 * welfare["ev"].abs().max(),
      "the unexplained residual is below 0.1% of the largest EV")
# Part of the US gain is 'investment-savings': foreign-financed investment valued at changed
# prices. The household EV leaves it out, and is the number to quote for the household.
print(summary.loc[["USA", "JPN"], ["ev", "ev_household"]].round(0).to_string())

# ---------------------------------------------------------------------------------------------
step("3. A closure swap: the short run, with sticky wages")
# Closures are data (cge/closures.toml, docs/model.md §7): which variables are exogenous. The
# default is the long run: every factor mobile and fully employed. The short run holds the
# wage fixed in terms of the CPI, so employment adjusts, and keeps capital in its sector.
short = cge.Economy(closure="short_run")
res_sr = cge.run(autos, economy=short)
side = welfare[["ev", "endowments_employment"]].join(
    res_sr.welfare[["ev", "endowments_employment"]].add_suffix("_short_run"))
print(side.loc[["USA", "JPN", "CAN", "MEX"]].round(0).to_string())
check(bool((welfare["endowments_employment"] == 0).all()),
      "long run: employment is fixed, so no region gains or loses from employment")
check(bool((res_sr.welfare["endowments_employment"].abs() > 0).any()),
      "short run: employment moves, and its part of EV is no longer zero")

# ---------------------------------------------------------------------------------------------
step("4. How sure? Systematic sensitivity over the Armington elasticities")
# GTAP's SSA: each sector's import elasticity sigma_M varies over +-50% of its value (uniform),
# solved at the Stroud order-3 quadrature points (2 x 18 = 36 solves); the mean and standard
# deviation of each result follow (docs/sensitivity.md). `cge sensitivity` does the same.
from cge.sensitivity_study import study  # noqa: E402  (imported where it is first used)

scenario = cge.load_scenario(autos)
sens = study(scenario, widths={"sigma_m": 0.5})
ssa = sens.tables["ssa_summary"]
ev = ssa.xs("EV", level="measure").droplevel("item")
print(ev.loc[["USA", "JPN"], ["mean", "sd", "lower", "upper", "point"]].round(0).to_string())
check(bool(((ev["lower"] <= ev["mean"]) & (ev["mean"] <= ev["upper"])).all()),
      "every region's mean EV lies inside its interval")
sens.write(OUT / "ssa")

# ---------------------------------------------------------------------------------------------
step("5. A figure and a table for a paper")
# res.write writes every table as tidy CSV, LaTeX (siunitx columns, caption, label and notes,
# ready for \input) and Markdown, the figures as PNG and SVG, a one-page report.md and
# metadata.json with the digests of data and scenario (docs/outputs.md). Nothing changes
# matplotlib's global backend, so this works the same in a notebook.
folder = res.write(OUT / "us_autos_232")
for name in ("report.md", "tables/summary.tex", "figures/ev_by_region.svg"):
    check((folder / name).is_file(), f"{name} written")
print((folder / "tables" / "summary.tex").read_text(encoding="utf-8")[:400], "...")

# ---------------------------------------------------------------------------------------------
step("6. Your own data: national SAMs and a trade table")
# One square SAM per region, an account map, a bilateral trade table and elasticities
# (docs/onramps.md; a GTAP database goes the same way with cge.build.import_gtap). The example
# is TWOCGE's two-country data (Hosoe, Gasawa & Hashimoto 2010) written as make/use SAMs. To
# see the balancing at work, Japan's households are made to buy 24 of bread instead of 20, so
# Japan's SAM no longer balances.
from cge.build import import_sams  # noqa: E402

mine = OUT / "my_sams"
shutil.copytree(HERE / "data" / "twocge_sams", mine)
sam_jpn = mine / "sam_JPN.csv"
rows = sam_jpn.read_text(encoding="utf-8").splitlines()
head = rows[0].split(",")
for k, line in enumerate(rows):
    cells = line.split(",")
    if cells[0] == "C_BRD":
        cells[head.index("HH")] = "24"
        rows[k] = ",".join(cells)
sam_jpn.write_text("\n".join(rows) + "\n", encoding="utf-8")

imported = import_sams(mine)
print(imported.report())  # every cell the balancing moved, with the SAM's value and the new one
check(len(imported.changes) > 0, "the unbalanced SAM was balanced and the changes are listed")
data = imported.write(OUT / "my_data")

eco = cge.Economy(data)
base = eco.solve()
check(base.max_residual <= 1e-10, "the calibrated model reproduces the balanced data (residual <= 1e-10)")
mine_scenario = cge.parse_scenario("""
name = "my_tariff"
description = "A 20% US tariff on Japanese bread, on my own data"
[[shock]]
importer = "USA"
exporters = ["JPN"]
sectors = ["BRD"]
set_pct = 20
""")
own = cge.run(mine_scenario, economy=eco)
print(own.summary[["ev", "ev_pct_income", "terms_of_trade_pct"]].round(4).to_string())
check(own.trade.loc[("JPN", "USA", "BRD"), "trade_volume_pct"] < 0,
      "the taxed flow falls (bread from Japan to the US)")

print(f"\nEverything is in {OUT}. Next: docs/scenarios.md (write your own scenario), "
      "docs/sweeps.md (a grid of scenarios), docs/glossary.md (GTAP <-> cge).")
