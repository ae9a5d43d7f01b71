"""Solve-time benchmark: setup, benchmark solve and a 25% tariff shock, Newton vs Ipopt.

Run: ``.venv/bin/python benchmarks/bench_solve.py [DATA ...]`` (default: the shipped data sets
and TWOCGE). Prints medians over repeats and ratios taken in the same run. Not a test.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

import cge
from cge.solver import solve

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 7


def _median(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(data: str) -> dict:
    from cge.economy import resolve_data

    ds = resolve_data(data)
    t0 = time.perf_counter()
    eco = cge.Economy(ds)
    setup = time.perf_counter() - t0
    ref = ds.reference_region
    partner = next(r for r in ds.regions if r != ref)
    sector = "AUTO" if "AUTO" in ds.sectors else ds.sectors[0]
    shock = {k: v + 0.25 for k, v in eco.base_tariffs().items()
             if k[:3] == (partner, ref, sector)}
    rng = np.random.default_rng(0)
    x_pert = eco.x_base * (1 + 0.05 * rng.uniform(-1, 1, eco.core.n))
    out = {"data": ds.name, "unknowns": eco.core.n, "jacobian nnz": len(eco.core.rows),
           "setup (build+compile) s": setup}
    p = eco.core.params()
    out["residual eval ms"] = 1e3 * _median(lambda: eco.core.residual(eco.x_base, p))
    out["jacobian eval ms"] = 1e3 * _median(lambda: eco.core.jacobian_values(eco.x_base, p))
    for solver in ("newton", "ipopt"):
        def from_perturbed(solver=solver):
            eco.reset()
            solve(eco.core, solver=solver, x0=x_pert)

        def shocked(solver=solver):
            eco.reset()
            eco.set_tariffs(shock)
            solve(eco.core, solver=solver, x0=eco.x_base)

        out[f"{solver}: benchmark from perturbed start ms"] = 1e3 * _median(from_perturbed)
        out[f"{solver}: 25% tariff shock ms"] = 1e3 * _median(shocked)
    out["ratio ipopt/newton (shock)"] = (out["ipopt: 25% tariff shock ms"]
                                         / out["newton: 25% tariff shock ms"])
    return out


def main(argv: list[str]) -> None:
    datas = argv or [str(ROOT / "tests" / "data" / "twocge"),
                     *sorted(str(p) for p in (ROOT / "data").glob("*") if (p / "meta.toml").is_file())]
    for d in datas:
        res = bench(d)
        print(f"== {res.pop('data')}")
        for k, v in res.items():
            print(f"  {k:45s} {v:,.4g}")


if __name__ == "__main__":
    main(sys.argv[1:])
