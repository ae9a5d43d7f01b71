"""Large models on generated data: build, cold and warm solves, the EV decomposition, memory.

Run: ``.venv/bin/python benchmarks/bench_scale.py --size 30x65 [--size 50x65 ...]
[--mem-gb 20] [--timeout 1800] [--warm-cache]``. Not a test. Each size runs in a fresh
process with a fresh on-disk cache folder (cge/cache.py), so its first solve is cold (the LU
ordering computed); with ``--warm-cache`` a second process runs the same size on the filled
cache (the compiled core and the ordering read from disk), as a user's second run would.
Steps, CPU seconds of the process (``time.process_time``: the figure to read on a shared
machine) and its peak resident memory (``resource.getrusage``):

* ``data``: a balanced data set by tests/synth.py (``make_dataset``; regions R0.., sectors S0..);
* ``economy``: ``cge.Economy`` (calibrate, Pyomo model, compile, determinacy check);
* ``cold solve``: +10 points on every import of R0 from every partner, the first solve of
  the process (includes the LU ordering unless it was read from the cache, and the
  factorisation of the benchmark Jacobian that warm shocks reuse);
* ``warm solve``: the same shock again after ``Economy.reset`` (the benchmark factorisation
  kept: Broyden and Newton-Krylov steps on it, cge/solver.py);
* ``decomposition``: the EV decomposition of that solution (cge/welfare.py), and its ratio
  to the warm and the cold solve.

The child's address space is capped at ``--mem-gb`` (``RLIMIT_AS``): a size that needs more
fails with MemoryError, reported with the step it reached, its time and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(regions: int, sectors: int, mem_gb: float, block_min: int | None = None) -> None:
    """One size in this process: prints one JSON line per finished step. ``block_min``:
    :data:`cge.precondition.BLOCK_MIN_UNKNOWNS` for this run (None: the library's)."""
    if mem_gb > 0:
        cap = int(mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    c0 = time.process_time()
    last = [c0]

    def step(name: str, **extra) -> None:
        now = time.process_time()
        rec = {"step": name, "cpu s": now - last[0], "total cpu s": now - c0,
               "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}
        last[0] = now
        print(json.dumps(rec), flush=True)

    from synth import make_dataset

    ds = make_dataset(regions, sectors, seed=1)
    step("data")
    import cge
    from cge import precondition, welfare

    if block_min is not None:
        precondition.BLOCK_MIN_UNKNOWNS = block_min
    from cge.scenario import parse_scenario

    eco = cge.Economy(ds)
    step("economy", unknowns=eco.core.n, nonzeros=len(eco.core.rows))
    sc = parse_scenario('name = "r0_all_10"\n[[shock]]\nimporter = "R0"\nexporters = "all"\n'
                        'sectors = "all"\nadd_pct = 10\n')
    eco.apply(sc)
    sol = eco.solve()
    step("cold solve", iterations=sol.iterations, krylov=sol.info.krylov_steps,
         residual=sol.max_residual)
    eco.reset()
    eco.apply(sc)
    sol = eco.solve()
    step("warm solve", iterations=sol.iterations, krylov=sol.info.krylov_steps,
         residual=sol.max_residual)
    dec = welfare.decompose(eco, sol)
    resid = float(dec.summary["residual"].abs().max())
    step("decomposition", nodes=dec.nodes, residual=resid)


def run(size: str, mem_gb: float, timeout: float, cache: str,
        block_min: int | None = None) -> list[dict]:
    env = dict(os.environ, CGE_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", size, "--mem-gb", str(mem_gb)]
    if block_min is not None:
        cmd += ["--block-min", str(block_min)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        out, err, status = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, status = f"timeout after {timeout:.0f} s", None
    recs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if status != 0:
        tail = (err or "").strip().splitlines()[-1:] or ["(no message)"]
        recs.append({"step": "failed", "error": tail[0][:200],
                     "wall s": time.perf_counter() - t0})
    return recs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", action="append", default=[], help="REGIONSxSECTORS, repeatable")
    ap.add_argument("--mem-gb", type=float, default=20.0)
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument("--warm-cache", action="store_true")
    ap.add_argument("--block-min", type=int, default=None,
                    help="cge.precondition.BLOCK_MIN_UNKNOWNS for the runs (10**9: never the "
                    "block preconditioner, 0: always); default the library's")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        r, s = (int(v) for v in args.child.lower().split("x"))
        child(r, s, args.mem_gb, args.block_min)
        return 0
    for size in args.size or ["30x65"]:
        with tempfile.TemporaryDirectory(prefix="cge_scale_cache_") as cache:
            runs = [("empty cache", run(size, args.mem_gb, args.timeout, cache, args.block_min))]
            if args.warm_cache:
                runs.append(("filled cache", run(size, args.mem_gb, args.timeout, cache,
                                                 args.block_min)))
        for label, recs in runs:
            print(f"\n{size}, {label}")
            print("| step | CPU s | total CPU s | peak MB | notes |\n|---|---:|---:|---:|---|")
            for rec in recs:
                notes = ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
                                  for k, v in rec.items()
                                  if k not in ("step", "cpu s", "total cpu s", "peak MB"))
                print(f"| {rec['step']} | {rec.get('cpu s', float('nan')):.2f} | "
                      f"{rec.get('total cpu s', float('nan')):.2f} | "
                      f"{rec.get('peak MB', float('nan')):.0f} | {notes} |")
            by = {rec["step"]: rec for rec in recs}
            if "decomposition" in by and "warm solve" in by:
                d = by["decomposition"]["cpu s"]
                print(f"decomposition / warm solve {d / by['warm solve']['cpu s']:.2f}x, "
                      f"/ cold solve {d / by['cold solve']['cpu s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
