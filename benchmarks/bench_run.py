"""What a user of the API waits for: building an Economy, and a run that reads only the summary
or also the welfare decomposition (medians of 5; milliseconds). Not a test.

Run: ``.venv/bin/python benchmarks/bench_run.py`` (about 30 s). To compare with another
checkout, run it from that checkout's root with ``PYTHONPATH=.`` and this script's path.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT / "tests"))

from synth import make_dataset  # noqa: E402

import cge  # noqa: E402


def median_ms(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def main() -> None:
    eco = cge.Economy()
    sc = cge.load_scenario(ROOT / "scenarios" / "us_autos_232.toml")
    ds = make_dataset(10, 20, seed=1)
    rows = [("Economy() on the default data", median_ms(lambda: cge.Economy(), 5)),
            ("run + summary (us_autos_232, economy reused)",
             median_ms(lambda: cge.run(sc, economy=eco).summary, 5)),
            ("run + welfare decomposition",
             median_ms(lambda: cge.run(sc, economy=eco).welfare, 5)),
            ("Economy() on 10 regions x 20 sectors", median_ms(lambda: cge.Economy(ds), 3))]
    print("| measure | ms |\n|---|---|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} |")


if __name__ == "__main__":
    main()
