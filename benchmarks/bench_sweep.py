"""Sweep throughput: 1,000 tariff scenarios on the default data, 1 and 2 workers, and dask.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--members N] [--no-dask]``. Not a test (no
timed assertions anywhere in tests/). Prints, for each engine, end-to-end seconds (from the
sweep file to sweep.nc on disk, the workers' Economy builds included), members per second, and
the speed-up from 1 to 2 workers; checks that every engine gives the same numbers.

The grid: Section 232 on Japanese autos as the base, then three axes of 10 values each,
USA <- JPN AUTO +0..45 points, USA <- everyone on all goods +0..27 points, and JPN <- USA
AGR/FOOD set to 0..45%. Targets (issue "Uncertainty and scale"): <= 60 s end to end, >= 1.7x
from 1 to 2 workers (on an otherwise idle 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import cge
from cge import sweeps as sw

ROOT = Path(__file__).resolve().parent.parent


def grid_file(folder: Path, n: int) -> Path:
    """A sweep file with about ``n`` members (three axes of ~n^(1/3) values)."""
    k = max(1, round(n ** (1 / 3)))
    text = f"""name = "bench_{k ** 3}"
base = "{(ROOT / 'scenarios' / 'us_autos_232.toml').as_posix()}"

[[axis]]
name = "jpn_auto"
importer = "USA"
exporters = ["JPN"]
sectors = ["AUTO"]
add_pct = {{ start = 0, stop = 45, num = {k} }}

[[axis]]
name = "us_all"
importer = "USA"
exporters = "all"
sectors = "all"
add_pct = {{ start = 0, stop = 27, num = {k} }}

[[axis]]
name = "jpn_farm"
importer = "JPN"
exporters = ["USA"]
sectors = ["AGR", "FOOD"]
set_pct = {{ start = 0, stop = 45, num = {k} }}
"""
    path = folder / "bench.toml"
    path.write_text(text)
    return path


def timed(label: str, path: Path, out: Path, **kw) -> tuple[float, object]:
    sw._ECONOMIES.clear()  # every engine builds its economy inside the timing
    t0 = time.perf_counter()
    res = cge.sweep(path, out=out, restart=True, progress=False, **kw)
    secs = time.perf_counter() - t0
    n = res.sizes["member"]
    print(f"{label:34s} {secs:7.2f} s end to end  {n / secs:7.1f} members/s  "
          f"(solving {res.attrs['solve_seconds']:.2f} s; {res.attrs['members_failed']} failed)",
          flush=True)
    return secs, res


def same(a, b) -> float:
    """Largest relative difference between two sweeps' numbers."""
    worst = 0.0
    for name in sw.VARIABLES:
        x, y = a[name].values, b[name].values
        ok = ~np.isnan(x)
        worst = max(worst, float(np.max(np.abs(x[ok] - y[ok]) / np.maximum(1, np.abs(x[ok])),
                                        initial=0)))
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} (other work on the "
          "machine slows the parallel runs)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = grid_file(tmp, args.members)
        t1, r1 = timed("1 worker (serial, in process)", path, tmp / "w1", workers=1)
        t2, r2 = timed("2 workers (local processes)", path, tmp / "w2", workers=2)
        print(f"speed-up 1 -> 2 workers: {t1 / t2:.2f}x; max relative difference "
              f"{same(r1, r2):.1e}")
        if not args.no_dask:
            from distributed import Client, LocalCluster

            t0 = time.perf_counter()
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                print(f"dask LocalCluster (2 workers) started in {time.perf_counter() - t0:.2f} s")
                t3, r3 = timed("dask, 2 workers", path, tmp / "dask", executor=client)
                t4, _ = timed("dask, 2 workers (economies built)", path, tmp / "dask2",
                              executor=client)
            print(f"speed-up 1 worker -> dask 2 workers: {t1 / t3:.2f}x (warm: {t1 / t4:.2f}x); "
                  f"max relative difference {same(r1, r3):.1e}")


if __name__ == "__main__":
    main()
