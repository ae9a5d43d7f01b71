"""Sweep throughput: 1,000 tariff scenarios on the default data, 1 and 2 workers, and dask.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--members N] [--no-dask]``. Not a test (no
timed assertions anywhere in tests/). Prints, for each engine, end-to-end seconds (from the
sweep file to sweep.nc on disk, the workers' Economy builds included), members per second, and
the speed-up from 1 to 2 workers; checks that every engine gives the same numbers.

The grid: Section 232 on Japanese autos as the base, then three axes of 10 values each,
USA <- JPN AUTO +0..45 points, USA <- everyone on all goods +0..27 points, and JPN <- USA
AGR/FOOD set to 0..45%. Targets (issue "Uncertainty and scale"): <= 60 s end to end, >= 1.7x
from 1 to 2 workers (on an otherwise idle 2-core machine).

``--data NAME``: the data set (default: the default data, through scenarios/us_autos_232.toml;
``usjpn2024`` through scenarios/bilateral/us_autos_232.toml, as the shipped sweep grid). To
compare checkouts side by side in one run (issue 16, item 5: per-solve overhead), name each:
``--checkout before=/path/to/old --checkout after=. [--repeats N]``: each repeat runs the serial
sweep in a fresh process of every checkout in turn (``PYTHONPATH`` set to the checkout), and
the table gives wall and CPU seconds of the ``cge.sweep`` call (economy build included,
imports not), min / median / max, with the median ratios and the largest difference between
the checkouts' numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import cge
from cge import sweeps as sw

ROOT = Path(__file__).resolve().parent.parent


def grid_file(folder: Path, n: int, data: str | None = None) -> Path:
    """A sweep file with about ``n`` members (three axes of ~n^(1/3) values) on ``data`` (None:
    the default data)."""
    k = max(1, round(n ** (1 / 3)))
    base = ROOT / "scenarios" / ("bilateral" if data == "usjpn2024" else "") / "us_autos_232.toml"
    line = f'data = "{data}"\n' if data not in (None, "usjpn2024") else ""
    text = f"""name = "bench_{k ** 3}"
base = "{base.as_posix()}"
{line}
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
    from cge.sweeps import worker

    worker._ECONOMIES.clear()  # every engine builds its economy inside the timing
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


#: one serial sweep in a fresh process of a checkout: wall and CPU seconds of the call, the
#: solve seconds, failures and the numbers (saved for the comparison)
CHILD = """
import json, sys, time
import numpy as np
import cge
from cge.sweeps import VARIABLES
path, out, numbers = sys.argv[1:4]
w, c = time.perf_counter(), time.process_time()
res = cge.sweep(path, out=out, restart=True, progress=False, workers=1)
w, c = time.perf_counter() - w, time.process_time() - c
np.savez(numbers, **{n: res[n].values for n in VARIABLES})
print(json.dumps({"wall": w, "cpu": c, "solve": res.attrs["solve_seconds"],
                  "failed": int(res.attrs["members_failed"]), "n": int(res.sizes["member"])}))
"""


def compare(checkouts: list[str], path: Path, tmp: Path, repeats: int) -> None:
    """Serial sweeps of ``path`` in fresh processes of each checkout, interleaved."""
    roots = {}
    for spec in checkouts:
        name, _, where = spec.rpartition("=")
        roots[name or where] = Path(where).resolve()
    rows: dict[str, list[dict]] = {n: [] for n in roots}
    for r in range(repeats):
        for name, root in roots.items():
            res = subprocess.run([sys.executable, "-c", CHILD, str(path), str(tmp / f"o_{name}"),
                                  str(tmp / f"{name}.npz")], cwd=root, capture_output=True,
                                 text=True, env=dict(os.environ, PYTHONPATH=str(root)))
            if res.returncode:
                raise SystemExit(f"{name}: {res.stderr.strip()}")
            rows[name].append(json.loads(res.stdout.strip().splitlines()[-1]))
            print(f"repeat {r + 1}, {name}: {rows[name][-1]}", flush=True)
    fmt = lambda xs: f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"  # noqa: E731
    print("\n| checkout | members | failed | wall s | CPU s | solving s |\n|---|---:|---:|---|---|---|")
    for name, rs in rows.items():
        print(f"| {name} | {rs[0]['n']} | {rs[0]['failed']} | {fmt([x['wall'] for x in rs])} | "
              f"{fmt([x['cpu'] for x in rs])} | {fmt([x['solve'] for x in rs])} |")
    first, *rest = roots
    for n in rest:
        med = lambda k, m: statistics.median(x[k] for x in rows[m])  # noqa: E731
        a, b = np.load(tmp / f"{first}.npz"), np.load(tmp / f"{n}.npz")
        worst = 0.0
        for v in a.files:
            x, y = a[v], b[v]
            ok = ~np.isnan(x) & ~np.isnan(y)
            worst = max(worst, float(np.max(np.abs(x[ok] - y[ok]) / np.maximum(1, np.abs(x[ok])),
                                            initial=0)))
        print(f"{first} / {n}, medians: wall {med('wall', first) / med('wall', n):.2f}x, CPU "
              f"{med('cpu', first) / med('cpu', n):.2f}x, solving "
              f"{med('solve', first) / med('solve', n):.2f}x; max relative difference of the "
              f"numbers {worst:.1e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--data", default=None, help="data set (default: the default data)")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--serial", action="store_true", help="only the 1-worker run")
    ap.add_argument("--checkout", action="append", default=[], metavar="NAME=PATH",
                    help="compare serial sweeps of checkouts in fresh processes (repeatable)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} (other work on the "
          "machine slows the parallel runs)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = grid_file(tmp, args.members, args.data)
        if args.checkout:
            compare(args.checkout, path, tmp, args.repeats)
            return
        if args.serial:
            timed("1 worker (serial, in process)", path, tmp / "w1", workers=1)
            return
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
