"""Cold start: what a user waits for from the keystroke to the prompt, whole processes (wall and
CPU seconds; min, median and max of the repeats). Not a test.

Commands, each a fresh ``python`` process run from a checkout's root with ``PYTHONPATH`` set to
it (so the checkout's ``cge`` is the one imported, not an installed one):

* ``import cge``
* ``cge --help``
* ``cge run scenarios/us_autos_232.toml --no-write``
* ``cge run scenarios/us_autos_232.toml --out TMP`` (every output: tables, figures, report)

Run: ``.venv/bin/python benchmarks/bench_startup.py`` (about a minute; ``--repeats N``,
default 5). To compare checkouts side by side in one run (ratios between timings of the same
run), name each: ``--checkout before=/path/to/main --checkout after=.``; the commands are
interleaved across checkouts so that a change in the machine's load hits both. CPU time is
user + system time of the child (``os.wait4``), the figure to read on a shared machine.
``--stages`` also times the stages of a run with all outputs inside one process (imports,
``Economy()``, the solve, ``describe``, tables, matplotlib's import, figures). ``--lu 10x65``
also times the first LU factorisation of a generated model in a fresh process
with an empty and with a filled on-disk cache (the ordering, cge/cache.py). ``--importtime``
also prints what ``import cge``, ``cge --help`` and ``cge run --no-write`` import of the heavy
packages and what each costs (``python -X importtime``, cumulative). ``--scenario PATH``
runs another scenario (e.g. ``scenarios/bilateral/us_autos_232.toml``, on usjpn2024);
the processes share one cache folder of the run, filled by the warm-up runs (a warm cache),
or with ``--cold`` each starts with an empty one; ``--cold-too`` measures every checkout both
ways in one run (the cold rows named ``NAME cold``). ``--only LABEL`` (repeatable) keeps the
commands of those labels, e.g. ``--only "cge run --no-write"``. ``--economy DATA``
(repeatable) also times ``cge.Economy(DATA)`` (CPU seconds, in a fresh process per repeat,
imports excluded) with an empty and with a filled cache, alternating (the last checkout only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = "scenarios/us_autos_232.toml"
#: the console script's body (pyproject.toml: cge = "cge.cli:console"; main before it existed)
CLI = ("import sys; import cge.cli as c; sys.argv[0] = 'cge'; "
       "sys.exit(getattr(c, 'console', c.main)())")


def commands(out: Path, scenario: str = SCENARIO) -> list[tuple[str, list[str]]]:
    return [("import cge", ["-c", "import cge"]),
            ("cge --help", ["-c", CLI, "--help"]),
            ("cge run --no-write", ["-c", CLI, "run", scenario, "--no-write"]),
            ("cge run (all outputs)", ["-c", CLI, "run", scenario, "--out", str(out), "--force"])]


#: the on-disk cache (cge/cache.py) of the measured processes: None, the user's; else a folder
CACHE: dict[str, str | None] = {"dir": None, "cold": False}


def child_env(root: Path) -> dict[str, str]:
    """The measured processes' environment: ``PYTHONPATH`` set to the checkout, and Python's
    bytecode cache on, as on a user's machine (``PYTHONDONTWRITEBYTECODE`` removed: with it set,
    as some sandboxes and CI images do, every process compiles cge's sources anew, about
    0.15 s of each start-up; the warm-up runs write ``__pycache__``)."""
    env = dict(os.environ, PYTHONPATH=str(root))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(root: Path, args: list[str], cold: bool | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python ARGS`` process in ``root`` (cold: in a fresh empty
    cache folder; None: as ``--cold`` says)."""
    env = child_env(root)
    env.pop("MPLBACKEND", None)
    cold = CACHE["cold"] if cold is None else cold
    if CACHE["dir"] is not None:
        env["CGE_CACHE_DIR"] = (tempfile.mkdtemp(dir=CACHE["dir"]) if cold
                                else str(Path(CACHE["dir"]) / "warm"))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} in {root} failed ({proc.returncode}):\n{err}")
    return wall, ru.ru_utime + ru.ru_stime


#: modules whose import cost is worth naming (cumulative time, where first imported)
WATCH = ("numpy", "click", "pyomo.environ", "pyomo.core", "pandas", "scipy.sparse", "scipy.sparse.linalg",
         "scipy.sparse.csgraph", "scipy.stats", "scipy.integrate", "scipy.spatial",
         "matplotlib", "matplotlib.pyplot", "xarray", "dask", "cyipopt", "cge.core", "cge.economy",
         "cge.cli",
         "cge")


def importtime(root: Path, args: list[str]) -> list[tuple[int, str]]:
    """Cumulative microseconds of the ``WATCH`` modules that ``python -X importtime ARGS``
    imports (a module imported inside another is counted in both)."""
    env = child_env(root)
    res = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=root, env=env,
                         capture_output=True, text=True)
    rows = {}
    for line in res.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() in WATCH and parts[1].strip().isdigit():
            rows.setdefault(parts[2].strip(), int(parts[1]))
    return sorted(((us, mod) for mod, us in rows.items()), reverse=True)


LU_PROBE = """
import sys, time
sys.path.insert(0, "tests")
from synth import make_dataset
import cge
eco = cge.Economy(make_dataset({regions}, {sectors}, seed=1))
eco.core.cache.pop("lu", None)  # the Economy may have factorised already: time a first one
t0 = time.perf_counter()
eco.core.lu(eco.x_base, eco.p_base)
print(eco.core.n, time.perf_counter() - t0)
"""


def lu_cache(root: Path, regions: int, sectors: int) -> list[tuple[str, int, float]]:
    """Seconds of the first LU factorisation in a fresh process (ordering included), with an
    empty on-disk cache and then with the entry the first process wrote (cge/cache.py)."""
    out = []
    with tempfile.TemporaryDirectory() as folder:
        env = dict(child_env(root), CGE_CACHE_DIR=folder)
        for label in ("cold cache", "warm cache"):
            res = subprocess.run([sys.executable, "-c", LU_PROBE.format(regions=regions,
                                                                         sectors=sectors)],
                                 cwd=root, env=env, capture_output=True, text=True, check=True)
            n, sec = res.stdout.split()
            out.append((label, int(n), float(sec)))
    return out


ECONOMY_PROBE = """
import time
import cge, cge.economy, cge.core, cge.cache
t0 = time.process_time()
eco = cge.economy.Economy({data!r})
print(time.process_time() - t0, int(getattr(eco, "core_cached", False)))
"""


def economy_times(root: Path, data: str, repeats: int) -> dict[str, list[float]]:
    """CPU seconds of ``Economy(data)`` in fresh processes, empty and filled cache alternating."""
    out: dict[str, list[float]] = {"cold cache": [], "warm cache": []}
    with tempfile.TemporaryDirectory() as warm, tempfile.TemporaryDirectory() as cold:
        for k in range(repeats + 1):
            for label in out:
                folder = tempfile.mkdtemp(dir=cold) if label == "cold cache" else warm
                env = dict(child_env(root), CGE_CACHE_DIR=folder)
                res = subprocess.run([sys.executable, "-c", ECONOMY_PROBE.format(data=data)],
                                     cwd=root, env=env, capture_output=True, text=True,
                                     check=True)
                sec, hit = res.stdout.split()
                if k:  # the first round fills the warm cache
                    assert hit == ("1" if label == "warm cache" else "0"), (label, hit)
                    out[label].append(float(sec))
    return out


STAGES_PROBE = """
import time
T = time.process_time
t = [T()]
import cge.economy, cge.scenario, cge.report
from cge.report.plots import figures, save_figure
from cge.report.tables import write_tables
from pathlib import Path
t.append(T())
sc = cge.scenario.load_scenario({scenario!r})
eco = cge.economy.Economy(sc.data)
t.append(T())
res = cge.economy.run(sc, economy=eco)
t.append(T())
res.describe()
t.append(T())
out = Path({out!r})
write_tables(res.tables(), out)
t.append(T())
from cge.report.plots import load_matplotlib
load_matplotlib()  # as the command line does (past Pyomo's hook, which would import pyplot)
t.append(T())
figs = figures(res)
for stem, fig in figs.items():
    save_figure(fig, out / stem)
t.append(T())
print(" ".join(f"{{b - a:.4f}}" for a, b in zip(t, t[1:])))
"""
STAGES = ("imports (numpy, Pyomo, scipy.sparse, pandas, cge)", "Economy() on the scenario's data",
          "run (the shock's solve)", "describe (summary, welfare decomposition, text)",
          "tables (CSV, LaTeX, Markdown)", "matplotlib import", "figures (draw, PNG + SVG)")


def stages(root: Path, repeats: int, scenario: str = SCENARIO) -> list[list[float]]:
    """CPU seconds of each stage of a run with all outputs, in one fresh process per repeat
    (the garbage collector as in a library call: not frozen)."""
    rows = []
    with tempfile.TemporaryDirectory() as out:
        env = child_env(root)
        for _ in range(repeats):
            res = subprocess.run([sys.executable, "-c", STAGES_PROBE.format(out=out,
                                                                            scenario=scenario)],
                                 cwd=root,
                                 env=env, capture_output=True, text=True, check=True)
            rows.append([float(v) for v in res.stdout.split()])
    return rows


def fmt(xs: list[float]) -> str:
    return f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkout", action="append", default=[], metavar="NAME=PATH",
                    help="a checkout to measure (repeatable; default: the current folder)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--importtime", action="store_true")
    ap.add_argument("--stages", action="store_true",
                    help="also time the stages of a run with all outputs in one process (CPU "
                         "seconds; the last checkout only)")
    ap.add_argument("--lu", metavar="RxS", default=None,
                    help="also time the first LU factorisation of a generated R x S model in a "
                         "fresh process, cold and warm on-disk cache (the last checkout only)")
    ap.add_argument("--scenario", default=SCENARIO,
                    help=f"the scenario of `cge run` (default {SCENARIO}, on its data set)")
    ap.add_argument("--cold", action="store_true",
                    help="every process with an empty on-disk cache (cge/cache.py); default: "
                         "one cache folder of this run, filled by the warm-up runs")
    ap.add_argument("--cold-too", action="store_true",
                    help="measure every checkout with a warm and with a cold cache in one run")
    ap.add_argument("--only", action="append", default=[], metavar="LABEL",
                    help="only the commands of this label (repeatable), e.g. 'cge run --no-write'")
    ap.add_argument("--economy", action="append", default=[], metavar="DATA",
                    help="also time Economy(DATA) in fresh processes, cold and warm cache")
    a = ap.parse_args(argv)
    roots, colds = {}, {}
    for spec in a.checkout or [f"here={Path.cwd()}"]:
        name, _, path = spec.rpartition("=")
        roots[name or path] = Path(path).resolve()
        colds[name or path] = None
        if a.cold_too:
            roots[f"{name or path} cold"] = roots[name or path]
            colds[name or path], colds[f"{name or path} cold"] = False, True
    with tempfile.TemporaryDirectory() as tmp:
        CACHE["dir"], CACHE["cold"] = str(Path(tmp)), a.cold
        cmds = [c for c in commands(Path(tmp) / "out", a.scenario)
                if not a.only or c[0] in a.only]
        if not cmds:
            raise SystemExit(f"--only {a.only}: no such command")
        for name, root in roots.items():  # warm the file cache and the bytecode, not measured
            for _, args in cmds:
                run_once(root, args, colds[name])
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(a.repeats):
            for label, args in cmds:
                for name, root in roots.items():
                    times.setdefault((name, label), []).append(run_once(root, args,
                                                                        colds[name]))
    print(f"{a.repeats} repeats; seconds as min / median / max\n")
    print("| command | checkout | wall s | CPU s |\n|---|---|---|---|")
    for label, _ in cmds:
        for name in roots:
            t = times[name, label]
            print(f"| {label} | {name} | {fmt([w for w, _ in t])} | {fmt([c for _, c in t])} |")
    if len(roots) > 1:
        first, *rest = roots
        print(f"\nmedian CPU time relative to {first}:")
        for label, _ in cmds:
            base = statistics.median(c for _, c in times[first, label])
            print(f"  {label}: " + ", ".join(
                f"{n} {statistics.median(c for _, c in times[n, label]) / base:.2f}x"
                for n in rest))
    if a.stages:
        root = list(roots.values())[-1]
        rows = stages(root, a.repeats, a.scenario)
        print(f"\nstages of a run with all outputs, in one process ({root.name}), CPU s:\n")
        print("| stage | CPU s (min / median / max) |\n|---|---|")
        for k, name in enumerate(STAGES):
            print(f"| {name} | {fmt([r[k] for r in rows])} |")
    if a.lu:
        r, s_ = (int(v) for v in a.lu.lower().split("x"))
        root = list(roots.values())[-1]
        print(f"\nfirst LU factorisation in a fresh process, {r}x{s_} ({root.name}):")
        for label, n, sec in lu_cache(root, r, s_):
            print(f"  {label}: {sec:.3f} s ({n} unknowns)")
    for data in a.economy:
        root = list(roots.values())[-1]
        t = economy_times(root, data, a.repeats)
        print(f"\nEconomy({data!r}) in a fresh process ({root.name}), CPU s (min / median / max):")
        for label, xs in t.items():
            print(f"  {label}: {fmt(xs)}")
        print(f"  warm / cold (medians): "
              f"{statistics.median(t['warm cache']) / statistics.median(t['cold cache']):.2f}x")
    if a.importtime:
        for name, root in roots.items():
            for label, args in cmds[:3]:
                print(f"\nimports of `{label}` ({name}), cumulative ms:")
                for us, mod in importtime(root, args):
                    print(f"  {us / 1e3:8.1f}  {mod}")


if __name__ == "__main__":
    main()
