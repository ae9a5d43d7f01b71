"""The whole WIOD 2013 world at full detail (41 regions x 35 industries): build, calibrate, shock.

Run: ``.venv/bin/python benchmarks/full_world.py [--year 2011] [--out DIR] [--report]``.
Builds the data set with the aggregation tool (``calibration/inputs/maps/regions_wiod41.csv``
and ``sectors_wiod35.csv``), loads it, builds and calibrates the model (``cge.Economy``),
checks replication, applies +10 points on every US goods import from every partner (the IEEPA
baseline shock) and solves; with ``--report`` also the welfare decomposition and every output.
Prints wall and CPU times per step (the machine may be shared: CPU time does not depend on other
load) and the peak resident memory of the process (``resource.getrusage``). Not a test; numbers
in docs/performance.md, "The whole WIOD world".
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--year", type=int, default=2011)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--report", action="store_true",
                   help="also the full report: the EV decomposition, then every output written")
    args = p.parse_args(argv)
    t0, c0 = time.perf_counter(), time.process_time()
    steps: list[tuple[str, float, float]] = []

    def mark(label: str) -> None:
        wall = time.perf_counter() - t0 - sum(s[1] for s in steps)
        cpu = time.process_time() - c0 - sum(s[2] for s in steps)
        steps.append((label, wall, cpu))
        print(f"{label}: wall {wall:.2f} s, cpu {cpu:.2f} s (peak RSS {peak_mb():.0f} MB)", flush=True)

    from calibration.aggregate import build, write

    maps = ROOT / "calibration" / "inputs" / "maps"
    res = build(maps / "regions_wiod41.csv", maps / "sectors_wiod35.csv", args.year)
    out = args.out or Path(tempfile.mkdtemp(prefix="wiod_full_"))
    write(res, out)
    mark("build data set (read RData, aggregate, balance, write)")
    import cge
    from cge.scenario import parse_scenario

    ds = cge.load_dataset(out)
    mark("load data set")
    eco = cge.Economy(ds)
    mark("build and calibrate model")
    rep = eco.replication()
    mark(f"replication check (max residual {rep['max_residual']:.1e})")
    sol0 = eco.solve()
    mark(f"benchmark solve ({sol0.iterations} iterations, max residual {sol0.max_residual:.1e})")
    sc = parse_scenario('name = "us_all_10"\n[[shock]]\nimporter = "USA"\nexporters = "all"\n'
                        'sectors = "all"\nadd_pct = 10\n')
    eco.apply(sc)
    mark("apply the shock (+10 points on all US goods imports)")
    sol = eco.solve()
    info = sol.info
    mark(f"solve the shock (newton, {info.iterations} iterations, converged {info.converged}, "
         f"max residual {info.max_residual:.1e})")
    r = cge.run(sc, economy=eco)
    mark("cge.run of the same shock (apply, solve)")
    print(r.summary.iloc[:, :2].head(5).to_string())
    mark("results: summary table (EV by region)")
    if args.report:
        w = r.welfare
        mark(f"EV decomposition (largest residual {w['residual'].abs().max():.1e})")
        with tempfile.TemporaryDirectory(prefix="wiod_full_report_") as tmp:
            r.write(Path(tmp) / "run")
            files = sum(1 for f in (Path(tmp) / "run").rglob("*") if f.is_file())
        mark(f"write every output ({files} files: tables, figures, report)")
    print(f"total wall {sum(s[1] for s in steps):.1f} s, cpu {sum(s[2] for s in steps):.1f} s, "
          f"peak RSS {peak_mb():.0f} MB")
    return 0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


if __name__ == "__main__":
    sys.exit(main())
