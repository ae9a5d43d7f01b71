"""What a user of the API waits for: building an Economy, and a run that reads only the summary
or also the welfare decomposition (medians of 5; milliseconds). Not a test.

Run: ``.venv/bin/python benchmarks/bench_run.py`` (about 30 s). To compare with another
checkout, run it from that checkout's root with ``PYTHONPATH=.`` and this script's path.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solve import median_ms  # noqa: E402
from synth import make_dataset  # noqa: E402

import cge  # noqa: E402


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
