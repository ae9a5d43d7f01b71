"""Solver benchmarks: both compiler backends, Newton and Ipopt, a naive route, scaling, LU bound.

Run: ``.venv/bin/python benchmarks/bench_solve.py`` (about 10 minutes; ``--quick``: small
sizes and few repeats, well under a minute; ``--repeats N``). Every timing is repeated and the
median reported; ratios are between timings taken in the same run. Not a test: nothing is
asserted (tests/test_core_backends.py only checks that ``main(quick=True)`` runs).

Sections (Markdown tables):

1. The three-region teaching set (``cge.Economy("usjpn2024")``; the default data set before
   world2024) and TWOCGE (Hosoe et al.'s two-country model, wage
   numeraire, its tariff-abolition scenario): model build, compile, a solve from a perturbed
   start, a warm tariff shock (from the benchmark solution, the compiled core reused), per
   backend (``vector``, ``python``) and solver (``newton``, ``ipopt``), and the naive route:
   ``scipy.optimize.root`` (MINPACK hybrd) on the residual with the python backend's Jacobian
   as a dense matrix.
2. Scaling on generated balanced data sets (tests/synth.py), regions x sectors: build,
   compile, a cold and warm solve of two tariff shocks (+25 points on R0's imports of S0 from R1;
   Newton iterations, Jacobian non-zeros, peak memory (max RSS of a subprocess per size).
3. The LU lower bound of each solve: one sparse LU factorisation of the Jacobian at the
   solution times the number of Newton factorisations, with SuperLU's defaults
   (``splu(J)``, COLAMD) and as the core factorises (``CompiledModel.lu``: matching, minimum
   degree on A + A^T, ordering reused); each solve as a multiple of the latter.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import cge  # noqa: E402
from cge.calibrate import calibrate  # noqa: E402
from cge.closure import Closure, get_closure  # noqa: E402
from cge.core import compile_model  # noqa: E402
from cge.model import build_model  # noqa: E402
from cge.solver import newton, solve  # noqa: E402

SIZES = [(r, s) for r in (2, 3, 5, 10) for s in (10, 30, 65)]
QUICK_SIZES = [(2, 10), (3, 10)]
#: the python backend is compiled only up to this many regions x sectors (its setup grows
#: fast: Pyomo's symbolic differentiation and one line of source per Jacobian entry)
PYTHON_MAX_CELLS = 30


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


class Counter:
    """Wraps a compiled core and counts its Jacobian factorisations (Newton iterations)."""

    def __init__(self, core):
        self.core, self.lus = core, 0

    def __getattr__(self, name):
        return getattr(self.core, name)

    def lu(self, x, p):
        self.lus += 1
        return self.core.lu(x, p)


def lu_bound(core, x: np.ndarray, p, repeats: int) -> dict:
    """Milliseconds of one sparse LU of the Jacobian at ``x``: SuperLU defaults, and as the
    core factorises (ordering already computed)."""
    from scipy.sparse.linalg import splu

    J = core.jacobian(x, p)
    vals = core.jacobian_values(x, p)
    core.factorize(vals)  # ordering cached
    slow = core.n > 5000  # SuperLU's default ordering takes seconds there
    return {"splu default ms": median_ms(lambda: splu(J), min(repeats, 2) if slow else repeats),
            "core.lu ms": median_ms(lambda: core.factorize(vals), repeats)}


def solve_counted(core, x0, solver="newton"):
    """Solve with ``solver`` through :func:`cge.solver.solve`; returns (info, factorisations)."""
    c = Counter(core)
    info = solve(c, solver=solver, x0=x0)
    return info, c.lus


def naive_root(core_py, x0: np.ndarray, p) -> tuple[float, int, float]:
    """scipy.optimize.root (hybr) with the python backend's dense Jacobian: ms, nfev, max|F|."""
    from scipy.optimize import root

    t0 = time.perf_counter()
    sol = root(lambda x: core_py.residual(x, p), x0, jac=lambda x: core_py.jacobian(x, p).toarray(),
               method="hybr", options={"xtol": 1e-13})
    ms = 1e3 * (time.perf_counter() - t0)
    return ms, int(sol.nfev), float(np.max(np.abs(core_py.residual(sol.x, p))))


# ------------------------------------------------------------------------------------------
# 1. default data and TWOCGE
# ------------------------------------------------------------------------------------------


def bench_backend(label: str, ds, b, cl, backend: str, shock_fn, repeats: int) -> list[dict]:
    """Build, compile, evaluations and solves (Newton and Ipopt) with one backend."""
    build = median_ms(lambda: build_model(b, cl), repeats)
    model = build_model(b, cl)
    comp = median_ms(lambda: compile_model(model, backend=backend), repeats)
    eco = cge.Economy(ds, cl)
    eco.core = core = compile_model(eco.model, backend=backend)
    shock = shock_fn(eco)
    rng = np.random.default_rng(0)
    x_pert = eco.x_base * (1 + 0.05 * rng.uniform(-1, 1, core.n))
    x, p = eco.x_base, core.params()
    res_us = 1e3 * median_ms(lambda: core.residual(x, p), 20 * repeats)
    jac_us = 1e3 * median_ms(lambda: core.jacobian_values(x, p), 20 * repeats)
    rows = []
    for solver in ("newton", "ipopt"):
        def perturbed(solver=solver):
            eco.reset()
            solve(core, solver=solver, x0=x_pert)

        def shocked(solver=solver):
            eco.reset()
            eco.set_tariffs(shock)
            solve(core, solver=solver, x0=eco.x_base)

        perturbed()
        shocked()  # warm: orderings cached
        t_pert = median_ms(perturbed, repeats)
        t_shock = median_ms(shocked, repeats)
        eco.reset()
        eco.set_tariffs(shock)
        info, lus = solve_counted(core, eco.x_base, solver)
        bound = lu_bound(core, core.x_from_model(), core.params(), repeats)
        rows.append({"data": label, "n": core.n, "nnz": len(core.rows), "backend": backend,
                     "solver": solver, "build ms": build, "compile ms": comp,
                     "residual us": res_us, "jacobian us": jac_us, "perturbed start ms": t_pert,
                     "tariff shock ms": t_shock, "iterations": info.iterations,
                     "factorisations": lus, **bound,
                     "x bound": (t_shock / max(1e-9, lus * bound["core.lu ms"])
                                 if solver == "newton" else None)})
    return rows


def bench_named(label: str, data, closure, shock_fn, repeats: int) -> list[dict]:
    ds = cge.economy.resolve_data(data)
    b = calibrate(ds)
    cl = get_closure(closure)
    rows = []
    for backend in ("vector", "python"):
        rows += bench_backend(label, ds, b, cl, backend, shock_fn, repeats)
    # the naive route: scipy.optimize.root with a dense Jacobian (python backend)
    eco = cge.Economy(ds, cl)
    core_py = compile_model(eco.model, backend="python")
    eco.set_tariffs(shock_fn(eco))
    p = core_py.params()
    naive = [naive_root(core_py, eco.x_base, p) for _ in range(repeats)]
    rows.append({"data": label, "n": core_py.n, "nnz": len(core_py.rows), "backend": "python",
                 "solver": "scipy root (hybr, dense)", "tariff shock ms":
                 statistics.median(r[0] for r in naive), "iterations": naive[0][1],
                 "max residual": naive[0][2]})
    return rows


def twocge_shock(eco) -> dict:
    return {k: 0.0 for k in eco.base_tariffs()}  # abolish all tariffs (Hosoe et al. 10.3)


def default_shock(eco) -> dict:
    ds = eco.dataset
    ref = ds.reference_region
    partner = next(r for r in ds.regions if r != ref)
    sector = "AUTO" if "AUTO" in ds.sectors else ds.sectors[0]
    return {k: v + 0.25 for k, v in eco.base_tariffs().items() if k[:3] == (partner, ref, sector)}


# ------------------------------------------------------------------------------------------
# 2. scaling (one subprocess per size and backend)
# ------------------------------------------------------------------------------------------


def scaling_point(n_regions: int, n_sectors: int, backend: str, repeats: int) -> dict:
    """Run in a fresh process (``--point``): its max RSS is the peak memory of this size."""
    from synth import make_dataset

    ds = make_dataset(n_regions, n_sectors, seed=0)
    b = calibrate(ds)
    cl = get_closure(None)
    t0 = time.perf_counter()
    model = build_model(b, cl)
    build = 1e3 * (time.perf_counter() - t0)
    t0 = time.perf_counter()
    core = compile_model(model, backend=backend)
    comp = 1e3 * (time.perf_counter() - t0)
    x0 = core.x_from_model()
    out = {"size": f"{n_regions}x{n_sectors}", "backend": backend, "n": core.n,
           "nnz": len(core.rows), "build ms": build, "compile ms": comp}
    first = min((k for k in b.tm if k[:2] == ("R1", "R0")), key=lambda k: int(k[2][1:]))
    shocks = {"sector": {first: b.tm[first] + 0.25},  # S0, or the first sector traded
              "broad": {k: v + 0.25 for k, v in b.tm.items() if k[:2] == ("R1", "R0")}}
    for name, shock in shocks.items():
        for k, v in b.tm.items():
            model.tm[k] = shock.get(k, v)
        p1 = core.params()
        t0 = time.perf_counter()
        x1, info = newton(core, x0, p1)  # the first (sector) solve is cold: LU ordering computed
        cold = 1e3 * (time.perf_counter() - t0)
        c = Counter(core)
        newton(c, x0, p1)
        warm = median_ms(lambda p1=p1: newton(core, x0, p1), repeats)
        bound = lu_bound(core, x1, p1, repeats)
        out.update({f"{name}: cold ms": cold, f"{name}: warm ms": warm,
                    f"{name}: iterations": info.iterations, f"{name}: factorisations": c.lus,
                    f"{name}: converged": bool(info.converged),
                    f"{name}: core.lu ms": bound["core.lu ms"],
                    f"{name}: splu default ms": bound["splu default ms"],
                    f"{name}: x bound": warm / (c.lus * bound["core.lu ms"]) if c.lus else None,
                    f"{name}: x bound (splu default)":
                        warm / (c.lus * bound["splu default ms"]) if c.lus else None})
    out["residual ms"] = median_ms(lambda: core.residual(x1, p1), 5 * repeats)
    out["jacobian ms"] = median_ms(lambda: core.jacobian_values(x1, p1), 5 * repeats)
    out["converged"] = all(out[f"{s}: converged"] for s in shocks)
    out["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_point(n_regions: int, n_sectors: int, backend: str, repeats: int,
              timeout: float = 1800) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--point", str(n_regions),
           str(n_sectors), backend, "--repeats", str(repeats)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.CalledProcessError as err:
        return {"size": f"{n_regions}x{n_sectors}", "backend": backend,
                "error": (err.stderr or "").strip().splitlines()[-1:]}
    except subprocess.TimeoutExpired:
        return {"size": f"{n_regions}x{n_sectors}", "backend": backend, "error": "timeout"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------


def table(rows: list[dict], cols: list[str]) -> str:
    def fmt(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None, *, quick: bool = False) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--point", nargs=3, metavar=("REGIONS", "SECTORS", "BACKEND"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args([] if argv is None else argv)
    quick = quick or args.quick
    repeats = args.repeats or (3 if quick else 7)
    if args.point:
        r, s, backend = args.point
        print(json.dumps(scaling_point(int(r), int(s), backend, repeats)))
        return {}

    out: dict = {}
    twocge = (ROOT / "tests" / "data" / "twocge", Closure(name="twocge", numeraire="LAB"),
              twocge_shock)
    named = [("TWOCGE", *twocge)]
    if not quick:
        named.insert(0, ("usjpn2024", "usjpn2024", None, default_shock))
    rows = []
    for label, data, closure, shock in named:
        rows += bench_named(label, data, closure, shock, repeats)
    out["named"] = rows
    print("## Default data and TWOCGE (medians of", repeats, "repeats)\n")
    print(table(rows, ["data", "n", "backend", "solver", "build ms", "compile ms", "residual us",
                       "jacobian us", "perturbed start ms", "tariff shock ms", "iterations",
                       "factorisations", "core.lu ms", "splu default ms", "x bound"]))
    for label, *_ in named:
        sel = {(r["backend"], r["solver"]): r for r in rows if r["data"] == label}
        base = sel[("vector", "newton")]["tariff shock ms"]
        print(f"\n{label}: tariff shock time relative to vector + newton: "
              + ", ".join(f"{b} + {s} {r['tariff shock ms'] / base:.2f}x"
                          for (b, s), r in sel.items()))
        print(f"{label}: compile, python / vector backend: "
              f"{sel[('python', 'newton')]['compile ms'] / sel[('vector', 'newton')]['compile ms']:.1f}x")

    if not args.no_scaling:
        sizes = QUICK_SIZES if quick else SIZES
        pts = []
        for r, s in sizes:
            pts.append(run_point(r, s, "vector", repeats))
            if r * s <= (20 if quick else PYTHON_MAX_CELLS):
                pts.append(run_point(r, s, "python", repeats))
            print(f"  {pts[-1].get('size')}: done", file=sys.stderr, flush=True)
        out["scaling"] = pts
        print("\n## Scaling on generated data (medians of", repeats, "repeats; sector shock: +25 "
              "points on R0's imports of S0 (or the first sector traded) from R1; broad: on all "
              "R0's imports from R1; cold: the first solve of a new core)\n")
        print(table(pts, ["size", "backend", "n", "nnz", "build ms", "compile ms", "residual ms",
                          "jacobian ms", "sector: cold ms", "sector: warm ms", "sector: iterations",
                          "broad: warm ms", "broad: iterations", "peak MB",
                          "error"]))
        print("\n## LU lower bound (one factorisation at the solution x factorisations of the "
              "warm solve)\n")
        print(table(pts, ["size", "backend", "broad: splu default ms", "broad: core.lu ms",
                          "sector: factorisations", "sector: x bound",
                          "sector: x bound (splu default)", "broad: factorisations",
                          "broad: x bound", "broad: x bound (splu default)"]))
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
