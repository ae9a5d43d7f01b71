"""The default data set's speed targets (issue 14): building world2024 and calibrating it, and
warm solves of the shipped 2025 scenarios on it.

Run: ``.venv/bin/python benchmarks/bench_world2024.py [--repeats N]`` (about a minute). Medians
of ``N`` repeats (default 5); the machine is shared, so read the ratios. Not a test: nothing is
asserted. Prints a Markdown table (used in docs/performance.md).

Stages: the data set's build (``calibration.build.build_world2024``: read the raw WIOD table,
split, aggregate, fit the 2024 targets, tariffs, SAMs; in memory), loading it
(``cge.load_dataset``), the economy (calibrate, build the Pyomo model, compile the core,
determinacy check: ``cge.Economy``), and a warm solve of each scenario from the benchmark on
that economy (``Economy.apply`` + ``Economy.solve``; the economy is reset between solves).
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
        rows.append((f"warm solve: {name}", _median_s(go, repeats),
                     f"{info.iterations} iterations, residual {info.max_residual:.1e}"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"world2024, medians of {repeats} repeats (builds: {max(1, repeats // 2)}); "
          f"peak memory of the process {peak:,.0f} MB\n")
    print("| step | seconds | notes |")
    print("|---|---:|---|")
    for name, sec, note in rows:
        print(f"| {name} | {sec:.3f} | {note} |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    main(ap.parse_args().repeats)
