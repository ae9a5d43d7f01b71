"""Warm shocks, old code against new, side by side in one run (issue 16, items 3 and 4).

Run: ``.venv/bin/python benchmarks/bench_warm.py --checkout before=/path/to/old
--checkout after=. [--repeats 7] [--rounds 2] [--decompose]``. Not a test. For each checkout, in a fresh
process (``PYTHONPATH`` set to the checkout), each case is solved once (warm-up: the LU
ordering, the kept factorisations) and then ``repeats`` times, each after ``Economy.reset``
(the benchmark as the start, as ``cge run`` and ``bench_world2024.py`` do); the checkouts'
processes alternate ``rounds`` times so that the machine's load hits both. Figures: CPU
seconds of the solve (``time.process_time``: the figure to read on a shared machine), median
over all repeats, with the iterations and the factorisations of one solve, and the largest
difference between the checkouts' equilibria. With ``--decompose``, also the EV decomposition
of each case's solution (``cge.welfare.decompose``: once as a warm-up, which lays out the
region terms, then ``repeats`` times), its median CPU ms, its ratio to the solve, the Newton
iterations of its path points (all nodes of one decomposition), and the
largest difference between the checkouts' summary tables (EV, components, residual) relative
to the largest |EV| of the case.

Cases: TWOCGE (all tariffs abolished, wage numeraire), usjpn2024 (+25 points on JPN→USA AUTO
through scenarios/bilateral/us_autos_232.toml), and the five shipped 2025 scenarios of
``bench_world2024.py`` on world2024 (the default data).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORLD = ("us_autos_232", "us_steel_232_50", "us_baseline_10", "us_after_deals_2025",
         "chn_retaliation_2025")

CHILD = """
import json, sys, time
import numpy as np
import cge
from cge import core as C
from cge.closure import Closure
from cge.economy import resolve_data
root, repeats, out, decompose = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
n_lu = [0]
orig = C.CompiledModel.factorize
def counted(self, *a, **k):
    n_lu[0] += 1
    return orig(self, *a, **k)
C.CompiledModel.factorize = counted
def cases():
    eco = cge.Economy(resolve_data(root + "/tests/data/twocge"), Closure(name="twocge", numeraire="LAB"))
    yield "TWOCGE: tariff abolition", eco, lambda e: e.set_tariffs({k: 0.0 for k in e.base_tariffs()})
    eco = cge.Economy(resolve_data("usjpn2024"))
    sc = cge.load_scenario(root + "/scenarios/bilateral/us_autos_232.toml")
    yield "usjpn2024: us_autos_232", eco, lambda e, sc=sc: e.apply(sc)
    eco = cge.Economy(resolve_data("world2024"))
    for name in WORLD_NAMES:
        sc = cge.load_scenario(root + f"/scenarios/{name}.toml")
        yield f"world2024: {name}", eco, lambda e, sc=sc: e.apply(sc)
rows, xs, evs = {}, {}, {}
for label, eco, shock in cases():
    def go():
        eco.reset()
        shock(eco)
        return eco.solve()
    go()
    n_lu[0] = 0
    s = go()
    lus = n_lu[0]
    ts = []
    for _ in range(repeats):
        t = time.process_time()
        go()
        ts.append(time.process_time() - t)
    rows[label] = {"times": ts, "iterations": s.iterations, "factorisations": lus,
                   "n": eco.core.n}
    xs[label] = np.array(s.x)
    if decompose:
        from cge import path, welfare
        dec = welfare.decompose(eco, s)
        newton_path, path_it = path.newton, [0]
        def counting(*a, **k):
            x, info = newton_path(*a, **k)
            path_it[0] += info.iterations
            return x, info
        path.newton = counting
        welfare.decompose(eco, s)
        path.newton = newton_path
        rows[label]["path iterations"] = path_it[0]
        td = []
        for _ in range(repeats):
            t = time.process_time()
            dec = welfare.decompose(eco, s)
            td.append(time.process_time() - t)
        rows[label]["decomposition"] = td
        evs[label] = dec.summary.select_dtypes("number").to_numpy(dtype=float)
np.savez(out, **{f"c{k}": x for k, x in enumerate(xs.values())},
         **{f"d{k}": x for k, x in enumerate(evs.values())})
print(json.dumps(rows))
""".replace("WORLD_NAMES", repr(WORLD))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--decompose", action="store_true", help="also time the EV decomposition")
    a = ap.parse_args()
    roots = {}
    for spec in a.checkout or [f"here={ROOT}"]:
        name, _, where = spec.rpartition("=")
        roots[name or where] = Path(where).resolve()
    print(f"load average {os.getloadavg()[0]:.2f}")
    got: dict[str, list[dict]] = {n: [] for n in roots}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.rounds):
            for name, root in roots.items():
                res = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(a.repeats),
                                      str(Path(tmp) / f"{name}.npz"), str(int(a.decompose))],
                                     cwd=root,
                                     capture_output=True, text=True,
                                     env=dict(os.environ, PYTHONPATH=str(root)))
                if res.returncode:
                    raise SystemExit(f"{name}: {res.stderr.strip()}")
                got[name].append(json.loads(res.stdout.strip().splitlines()[-1]))
        xs = {n: np.load(Path(tmp) / f"{n}.npz") for n in roots}
        labels = list(got[next(iter(roots))][0])
        names = list(roots)
        head = " | ".join(f"{n} ms | {n} it | {n} LU" for n in names)
        print(f"\n| case | unknowns | {head} | " +
              " | ".join(f"{names[0]} / {n}" for n in names[1:]) + " | max diff |")
        print("|---|---:|" + "---:|" * (3 * len(names) + len(names) - 1) + "---:|")
        for k, label in enumerate(labels):
            med = {n: 1e3 * statistics.median(t for r in got[n] for t in r[label]["times"])
                   for n in names}
            cells = " | ".join(f"{med[n]:.2f} | {got[n][0][label]['iterations']} | "
                               f"{got[n][0][label]['factorisations']}" for n in names)
            ratios = " | ".join(f"{med[names[0]] / med[n]:.2f}x" for n in names[1:])
            x0 = xs[names[0]][f"c{k}"]
            diff = max((float(np.max(np.abs(xs[n][f"c{k}"] - x0) / np.maximum(1, np.abs(x0))))
                        for n in names[1:]), default=0.0)
            print(f"| {label} | {got[names[0]][0][label]['n']:,} | {cells} | {ratios} | "
                  f"{diff:.1e} |")
        if a.decompose:
            print("\n| case | " + " | ".join(f"{n} decomposition ms | {n} / solve | {n} path it"
                                           for n in names)
                  + " | " + " | ".join(f"{names[0]} / {n}" for n in names[1:]) + " | max diff |")
            print("|---|" + "---:|" * (4 * len(names) - 1) + "---:|")
            for label in labels:
                solve = {n: statistics.median(t for r in got[n] for t in r[label]["times"])
                         for n in names}
                dec = {n: statistics.median(t for r in got[n] for t in r[label]["decomposition"])
                       for n in names}
                k = labels.index(label)
                t0 = xs[names[0]][f"d{k}"]
                diff = max((float(np.max(np.abs(xs[n][f"d{k}"] - t0)) / np.max(np.abs(t0[:, 0])))
                            for n in names[1:]), default=0.0)
                cells = " | ".join(f"{1e3 * dec[n]:.1f} | {dec[n] / solve[n]:.1f}x | "
                                   f"{got[n][0][label]['path iterations']}" for n in names)
                ratios = " | ".join(f"{dec[names[0]] / dec[n]:.2f}x" for n in names[1:])
                print(f"| {label} | {cells} | {ratios} | {diff:.1e} |")


if __name__ == "__main__":
    main()
