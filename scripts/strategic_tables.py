"""Regenerate the tables of docs/strategic.md: optimal tariffs of the US and Japan, the
US–Japan tariff war, and where the 2025 deals sit relative to the bargaining frontier, on the
default data (world2024) and on usjpn2024.

Run: ``python scripts/strategic_tables.py [--points N] [--quick]`` from the repository root;
prints Markdown. Every number comes from cge.strategic as it is (about 5–10 minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cge  # noqa: E402
from cge import strategic  # noqa: E402
from cge.indicators import compute  # noqa: E402
from cge.strategic import output, study  # noqa: E402

#: The players and, per data set, the 2025 scenarios placed on the frontier (the deal first).
PLAYERS = ["USA", "JPN"]
PLACED = {"world2024": ["scenarios/us_after_deals_2025.toml", "scenarios/us_reciprocal_apr2.toml",
                        "scenarios/us_baseline_10.toml"],
          "usjpn2024": ["scenarios/bilateral/us_japan_deal_2025.toml",
                        "scenarios/bilateral/us_reciprocal_24.toml",
                        "scenarios/bilateral/us_baseline_10.toml"]}


def md(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def money(v: float) -> str:
    return f"{v:,.0f}"


def optimal_rows(eco, data: str) -> list[list]:
    rows = []
    inc = {r: strategic.scale(eco.benchmark, r, "regional") for r in eco.benchmark.regions}
    for r in PLAYERS:
        for obj in strategic.OBJECTIVES:
            o = strategic.optimal_tariff(eco, r, "uniform", objective=obj)
            t = o.rates["all"]
            sol = output.solution(eco, o.x, o.p)
            ev = np.asarray(compute(eco, sol, ["ev"])["ev"], dtype=float)
            own = ev[list(eco.benchmark.regions).index(r)]
            rows.append([data, r, obj, pct(t) + (" (upper bound)" if t >= o.bounds[1] - 1e-9
                                                 else ""),
                         f"{money(own)} ({100 * own / inc[r]:.2f}%)", money(ev.sum()),
                         f"{np.abs(o.projected_gradient).max():.0e}", f"{o.seconds:.1f}"])
    return rows


def scan_rows(eco, data: str, rates) -> list[list]:
    ins = strategic.instrument(eco, "USA", "uniform")
    usa = list(eco.benchmark.regions).index("USA")
    rows = []
    for t in rates:
        eco.reset()
        eco.set_tariffs({c: t for g in ins.groups for c in g})
        sol = eco.solve()
        v = compute(eco, sol, ["ev_pct_income", "ev_household_pct_income"])
        rows.append([data, pct(t), f"{v['ev_pct_income'][usa]:.2f}",
                     f"{v['ev_household_pct_income'][usa]:.2f}"])
    eco.reset()
    eco.solve()
    return rows


def war_rows(war, data: str, kind: str) -> list[list]:
    rows = []
    for r in PLAYERS:
        rate = ", ".join(f"{n} {pct(v)}" for n, v in war.rates[r].items()) if kind == "uniform" \
            else f"mean {pct(np.mean(list(war.rates[r].values())))}"
        rows.append([data, kind, r, rate, money(war.ev[r]), money(war.ev_free_trade[r]),
                     money(war.ev[r] - war.ev_free_trade[r]), money(war.ev[r] - war.ev_status_quo[r]),
                     f"{abs(war.deviation_gain[r]):.0e}"])
    rows.append([data, kind, "world", "", money(sum(war.ev.values())),
                 money(sum(war.ev_free_trade.values())),
                 money(sum(war.ev.values()) - sum(war.ev_free_trade.values())),
                 money(sum(war.ev.values()) - sum(war.ev_status_quo.values())), ""])
    return rows


def frontier_rows(st, data: str, start: str) -> list[list]:
    a, b = PLAYERS
    rows = []
    for p in st.tables["points"].itertuples(index=False):
        rows.append([data, start, p[0], money(p[1]), money(p[2]), money(p[3]),
                     money(p[4]) if np.isfinite(p[4]) else "outside the frontier's range"])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=50)
    ap.add_argument("--quick", action="store_true", help="usjpn2024 only, 10 points")
    args = ap.parse_args()
    datas = ["usjpn2024"] if args.quick else ["world2024", "usjpn2024"]
    points = 10 if args.quick else args.points
    opt, scan, wars, fronts, deal = [], [], [], [], []
    t0 = time.perf_counter()
    for data in datas:
        eco = cge.Economy(data)
        eco.solve()
        opt += optimal_rows(eco, data)
        scan += scan_rows(eco, data, [0.0, 0.25, 0.5, 1.0, 2.0, 5.0])
        war = strategic.nash(eco, PLAYERS, "uniform")
        wars += war_rows(war, data, "uniform")
        if data == "usjpn2024":  # by sector on world2024: benchmarks/bench_strategic.py
            wars += war_rows(strategic.nash(eco, PLAYERS, "sector"), data, "sector")
        st = study.frontier_study(None, PLAYERS, "uniform", points=points,
                                            place=[ROOT / p for p in PLACED[data]], economy=eco)
        fronts += frontier_rows(st, data, "base year")
        sc = cge.load_scenario(ROOT / PLACED[data][0])
        eco_deal = cge.Economy(data, cge.economy.scenario_closure(None, sc))
        st = study.frontier_study(sc, PLAYERS, "uniform", points=points,
                                            economy=eco_deal)
        deal += frontier_rows(st, data, sc.name)
    print("## Optimal uniform tariffs (base year, others' tariffs fixed)\n")
    print(md(["data", "region", "objective", "optimal rate", "its regional EV (% of income)",
              "world EV", "max projected gradient", "seconds"], opt))
    print("\n## US EV (% of base income) against a uniform US tariff on every partner\n")
    print(md(["data", "US tariff", "regional EV", "household EV"], scan))
    print("\n## US–Japan tariff war (bilateral tariffs, base year, regional EV)\n")
    print(md(["data", "instrument", "region", "war rates", "EV war", "EV free trade",
              "war − free trade", "war − status quo", "deviation gain"], wars))
    print(f"\n## Bargaining frontier from the base year ({points} points, bilateral uniform "
          "rates)\n")
    print(md(["data", "start", "point", "EV USA", "EV JPN", "frontier EV JPN at this EV USA",
              "gap JPN"], fronts))
    print(f"\n## Bargaining frontier from the 2025 deal's policies ({points} points)\n")
    print(md(["data", "start", "point", "EV USA", "EV JPN", "frontier EV JPN at this EV USA",
              "gap JPN"], deal))
    print(f"\n(all in {eco.dataset.unit}; {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
