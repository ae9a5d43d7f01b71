"""Strategic-tariff benchmarks on the default data (world2024, 11 regions x 18 sectors).

Run: ``.venv/bin/python benchmarks/bench_strategic.py [--data NAME] [--points N]``. One run
of each problem (they are long; the machine's load shows in every figure alike, so compare
the ratios of one run): a uniform optimal tariff (target ≤ 2 s), a by-sector optimal tariff
(18 controls, ≤ 10 s), a two-player by-sector Nash war (≤ 60 s) and a 50-point frontier of
bilateral uniform rates (≤ 60 s; the war it needs as threat point is timed apart). Each
starts from the base-year solution of an economy built once (build time reported apart).
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cge  # noqa: E402
from cge import strategic  # noqa: E402

TARGETS = {"uniform optimal tariff (JPN)": 2.0, "by-sector optimal tariff (JPN)": 10.0,
           "two-player by-sector Nash war (USA, JPN)": 60.0, "frontier": 60.0}


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=None)
    ap.add_argument("--points", type=int, default=50)
    args = ap.parse_args()
    eco, build = timed(lambda: cge.Economy(args.data))
    eco.solve()
    rows = []

    def add(name, fn, detail):
        out, s = timed(fn)
        rows.append((name, s, TARGETS.get(name.split(" (")[0] if name.startswith("frontier")
                                          else name), detail(out)))
        return out

    add("uniform optimal tariff (JPN)", lambda: strategic.optimal_tariff(eco, "JPN"),
        lambda o: f"{100 * o.rates['all']:.1f}%, {o.evaluations} solves")
    add("uniform optimal tariff (USA, household EV)",
        lambda: strategic.optimal_tariff(eco, "USA", objective="household"),
        lambda o: f"{100 * o.rates['all']:.1f}%, {o.evaluations} solves")
    add("by-sector optimal tariff (JPN)", lambda: strategic.optimal_tariff(eco, "JPN", "sector"),
        lambda o: f"{len(o.rates)} controls, {o.evaluations} solves")
    add("two-player by-sector Nash war (USA, JPN)",
        lambda: strategic.nash(eco, ["USA", "JPN"], "sector"),
        lambda w: f"{sum(len(d) for d in w.rates.values())} controls, {w.rounds} rounds")
    war = add("uniform Nash war (USA, JPN; threat point)",
              lambda: strategic.nash(eco, ["USA", "JPN"], "uniform"),
              lambda w: f"{w.rounds} rounds")
    add(f"frontier ({args.points} points, bilateral uniform rates)",
        lambda: strategic.frontier(eco, ["USA", "JPN"], points=args.points, war=war),
        lambda f: f"{len(f.points)} points")
    print(f"data {eco.dataset.name}: {eco.core.n} unknowns; build {build:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| problem | seconds | target (s) | ratio to target | detail |\n|---|---|---|---|---|")
    for name, s, target, detail in rows:
        ratio = f"{s / target:.2f}" if target else ""
        print(f"| {name} | {s:.1f} | {target or ''} | {ratio} | {detail} |")


if __name__ == "__main__":
    main()
