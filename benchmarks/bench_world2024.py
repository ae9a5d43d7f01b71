"""The default data set's speed targets (issue 14): building world2024 and calibrating it, and
warm solves of the shipped 2025 scenarios on it.

Run: ``.venv/bin/python benchmarks/bench_world2024.py [--repeats N]`` (about a minute;
``--condensation [RxS ...]``: only the condensation table, for world2024 and generated sizes
such as ``10x65``). Medians
of ``N`` repeats (default 5); the machine is shared, so read the ratios. Not a test: nothing is
asserted. Prints a Markdown table (used in docs/performance.md).

Stages: the data set's build (``calibration.build.build_world2024``: read the raw WIOD table,
split, aggregate, fit the 2024 targets, tariffs, SAMs; in memory), loading it
(``cge.load_dataset``), the economy (calibrate, build the Pyomo model, compile the core,
determinacy check: ``cge.Economy``), a warm solve of each scenario from the benchmark on
that economy (``Economy.apply`` + ``Economy.solve``; the economy is reset between solves), and
the EV decomposition of the first (``cge.welfare.decompose``).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cge  # noqa: E402
from calibration.build import build_world2024  # noqa: E402

SCENARIOS = ("us_autos_232", "us_steel_232_50", "us_baseline_10", "us_after_deals_2025",
             "chn_retaliation_2025")


def _median_s(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(repeats: int = 5) -> None:
    build = _median_s(build_world2024, max(1, repeats // 2))
    load = _median_s(lambda: cge.load_dataset(ROOT / "data" / "world2024"), repeats)
    economy = _median_s(lambda: cge.Economy("world2024"), max(1, repeats // 2))
    eco = cge.Economy("world2024")
    rows = [("build the data set (calibration.build.build_world2024)", build, ""),
            ("load and validate it (cge.load_dataset)", load, ""),
            ("economy: calibrate, build, compile, check (cge.Economy)", economy,
             f"{eco.core.n:,} unknowns"),
            ("build + load + economy", build + load + economy, "target <= 30 s")]
    for name in SCENARIOS:
        sc = cge.load_scenario(ROOT / "scenarios" / f"{name}.toml")

        def go(sc=sc):
            eco.reset()
            eco.apply(sc)
            return eco.solve()

        info = go().info
        solve = _median_s(go, repeats)
        rows.append((f"warm solve: {name}", solve,
                     f"{info.iterations} iterations, residual {info.max_residual:.1e}"))
        if name == SCENARIOS[0]:  # the EV decomposition of the default shock, against its solve
            from cge import welfare

            sol = go()
            dec = _median_s(lambda sol=sol: welfare.decompose(eco, sol), max(1, repeats // 2))
            rows.append((f"EV decomposition: {name}", dec, f"{dec / solve:.1f}x the solve"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"world2024, medians of {repeats} repeats (builds: {max(1, repeats // 2)}); "
          f"peak memory of the process {peak:,.0f} MB\n")
    print("| step | seconds | notes |")
    print("|---|---:|---|")
    for name, sec, note in rows:
        print(f"| {name} | {sec:.3f} | {note} |")


def _condensation_row(name: str, repeats: int, extra: list[str]) -> str:
    """One row of :func:`condensation` (notes appended to ``extra``)."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "tests"))
    from synth import make_dataset

    if name == "world2024":
        eco = cge.Economy(name)
    else:
        r, s = (int(v) for v in name.split("x"))
        eco = cge.Economy(make_dataset(r, s, seed=0))
    core = eco.core
    vals = core.jacobian_values(eco.x_base, eco.p_base)
    core.factorize(vals, condense=False)  # the full ordering
    t0 = time.perf_counter()
    plan = core.condensation(vals)
    t_plan = time.perf_counter() - t0
    full = core.factorize(vals, condense=False)
    cond = core.factorize(vals, condense=True)
    lu_f = 1e3 * _median_s(lambda: core.factorize(vals, condense=False), repeats)
    lu_c = 1e3 * _median_s(lambda: core.factorize(vals, condense=True), repeats)
    b = np.random.default_rng(0).standard_normal(core.n)
    sv_f = 1e3 * _median_s(lambda: full.solve(b), 5 * repeats)
    sv_c = 1e3 * _median_s(lambda: cond.solve(b), 5 * repeats)
    diff = float(np.max(np.abs(full.solve(b) - cond.solve(b))) / np.max(np.abs(full.solve(b))))
    row = (f"| {name} | {core.n:,} | {len(plan.er):,} | {plan.size:,} | {len(vals):,} "
           f"| {len(plan.s_indices):,} | {plan.products:,} | {t_plan:.2f} | {full.fill:,} "
           f"| {cond.fill:,} | {cond.fill / full.fill:.2f} | {lu_f:.1f} | {lu_c:.1f} "
           f"| {lu_c / lu_f:.2f} | {sv_f:.2f} | {sv_c:.2f} | {sv_c / sv_f:.2f} |")
    extra.append(f"{name}: J^-1 b condensed against full, max difference {diff:.1e} relative")
    if name == "world2024":
        sc = cge.load_scenario(ROOT / "scenarios" / f"{SCENARIOS[0]}.toml")
        xs, ms = {}, {}
        for mode in (False, True):
            core.condense = mode

            def go():
                eco.reset()
                eco.apply(sc)
                return eco.solve()

            sol = go()
            xs[mode] = np.array(sol.x)
            ms[mode] = 1e3 * _median_s(go, repeats)
            core.condense = None
        d = float(np.max(np.abs(xs[True] - xs[False]) / np.abs(xs[False])))
        extra.append(f"world2024, warm solve of {SCENARIOS[0]}: full LU {ms[False]:.1f} ms, "
                     f"condensed {ms[True]:.1f} ms (ratio {ms[True] / ms[False]:.2f}); "
                     f"equilibria differ by {d:.1e} relative at most")
    return row


def condensation(sizes: list[str], repeats: int = 5) -> None:
    """Full LU against condensation (cge/condense.py) at the benchmark point: sizes, fill,
    one factorisation, one solve (medians, same run), and for world2024 a warm solve of the
    default shock with each (``core.condense`` False / True) and how far the equilibria differ."""
    print(f"condensation against the full LU, medians of {repeats} repeats\n")
    print("| data | unknowns | eliminated | kept (S) | nnz J | nnz S | products | plan s "
          "| fill full | fill condensed | ratio | LU ms full | LU ms condensed | ratio "
          "| solve ms full | solve ms condensed | ratio |")
    print("|---|" + "---:|" * 16)
    extra: list[str] = []
    for name in ["world2024", *sizes]:
        print(_condensation_row(name, repeats, extra))
    print()
    for line in extra:
        print(f"* {line}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--condensation", nargs="*", metavar="RxS", default=None,
                    help="only the condensation table: world2024 and these generated sizes")
    args = ap.parse_args()
    if args.condensation is not None:
        condensation(args.condensation, args.repeats)
    else:
        main(args.repeats)
