"""Largest tariff that solves, per sector and importer, on a data set (default: usjpn2024).

For each importer and sector, the tariff on that sector's imports from all partners is raised
by each level in turn (percentage points on top of the base rates); a solve that needs
continuation counts as solved. Blanket tariffs (all sectors, all partners) are tried per closure.
Prints Markdown tables. Run: ``.venv/bin/python benchmarks/hard_shocks.py [DATA]``.
"""

from __future__ import annotations

import sys
import time

import cge
from cge.solver import SolveError

LEVELS = [3.0, 10.0, 100.0, 1000.0]  # +300%, +1,000%, +10,000%, +100,000%
BLANKET = [0.5, 1.0, 2.0, 3.0]


def _try(eco: cge.Economy, rates: dict) -> tuple[bool, str]:
    eco.reset()
    eco.set_tariffs(rates)
    t0 = time.perf_counter()
    try:
        info = eco.solve()
    except SolveError as err:
        return False, f"stops at {100 * (err.reached or 0):.0f}% of the shock"
    ms = 1e3 * (time.perf_counter() - t0)
    return True, f"{ms:.0f} ms" + (f", {info.steps} steps" if info.steps > 1 else "")


def main(data: str | None = None) -> None:
    eco = cge.Economy(data)
    base = eco.base_tariffs()
    regions, sectors = eco.dataset.regions, eco.dataset.sectors
    print("| importer | sector | largest solved (points added) | time at the largest |")
    print("|---|---|---|---|")
    for imp in regions:
        for i in sectors:
            keys = [k for k in base if k[1] == imp and k[2] == i]
            best, note = None, ""
            for lvl in LEVELS:
                ok, what = _try(eco, {k: base[k] + lvl for k in keys})
                if not ok:
                    note = f"+{100 * lvl:,.0f}%: {what}"
                    break
                best, note = lvl, what
            shown = f"+{100 * best:,.0f}%" if best is not None else "none"
            print(f"| {imp} | {i} | {shown} | {note} |", flush=True)
    print("\n| closure | importer | " + " | ".join(f"+{100 * b:.0f}% on all imports" for b in BLANKET)
          + " |")
    print("|---|---|" + "---|" * len(BLANKET))
    for clo in cge.CLOSURES:
        eco = cge.Economy(data, clo)
        for imp in regions:
            cells = []
            for lvl in BLANKET:
                ok, what = _try(eco, {k: base[k] + lvl for k in base if k[1] == imp})
                cells.append(("solves, " if ok else "no solution: ") + what)
            print(f"| {clo} | {imp} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
