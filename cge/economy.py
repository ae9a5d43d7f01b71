"""The user-facing pipeline: data → calibration → Pyomo model → compiled core → solve → results.

>>> import cge
>>> res = cge.run("scenarios/us_autos_232.toml")        # default data, default closure
>>> res.summary                                          # EV, real GDP, CPI, ... by region
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pyomo.environ as pyo

from .calibrate import Benchmark, calibrate
from .closure import Closure, get_closure
from .core import CompiledModel, compile_model
from .data import Dataset, load_dataset
from .model import build_model
from .scenario import Scenario, load_scenario
from .solver import SolveError, SolveInfo, solve

#: Folder of the shipped data sets (the repository's data/), overridable with CGE_DATA_DIR.
DATA_DIR = Path(os.environ.get("CGE_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))
#: The default data set: USA, Japan and the rest of the world, 2024.
DEFAULT_DATA = "usjpn2024"


def resolve_data(data: str | Path | Dataset | None) -> Dataset:
    """A data set from a Dataset, a folder path, or the name of a shipped data set."""
    if isinstance(data, Dataset):
        return data
    name = DEFAULT_DATA if data is None else data
    path = Path(name)
    if not path.is_dir() and (DATA_DIR / str(name)).is_dir():
        path = DATA_DIR / str(name)
    return load_dataset(path)


class Economy:
    """A calibrated model under one closure, ready to be shocked and solved repeatedly.

    The Pyomo model is built and compiled once; :meth:`set_tariffs` and :meth:`reset` change
    mutable Params only. The benchmark solution is kept for warm starts and for results.
    """

    def __init__(self, data: str | Path | Dataset | None = None,
                 closure: str | Closure | None = None):
        self.dataset: Dataset = resolve_data(data)
        self.benchmark: Benchmark = calibrate(self.dataset)
        self.closure: Closure = get_closure(closure)
        t0 = time.perf_counter()
        self.model: pyo.ConcreteModel = build_model(self.benchmark, self.closure)
        self.core: CompiledModel = compile_model(self.model)
        self.setup_seconds = time.perf_counter() - t0
        self._params = [p for c in self.model.component_objects(pyo.Param) if c.mutable
                        for p in c.values()]
        self._param_base = [pyo.value(p) for p in self._params]
        self.x_base = self.core.x_from_model()
        self.p_base = self.core.params()
        self.last_info: SolveInfo | None = None

    # ------------------------------------------------------------------ benchmark
    def replication(self) -> dict[str, float]:
        """Residuals at the benchmark: max |active residual| and max |dropped (Walras) residual|."""
        F = self.core.residual(self.x_base, self.p_base)
        W = self.core.dropped_residuals(self.x_base, self.p_base)
        return {"max_residual": float(np.max(np.abs(F))),
                "max_walras": float(np.max(np.abs(W), initial=0.0))}

    def reset(self) -> None:
        """Restore base parameter values and the benchmark solution."""
        for p, v in zip(self._params, self._param_base):
            p.set_value(v)
        self.core.x_to_model(self.x_base)

    # ------------------------------------------------------------------ shocks
    def base_tariffs(self) -> dict:
        """Base tariff rates (fractions) by (exporter, importer, sector) of traded flows."""
        return dict(self.benchmark.tm)

    def set_tariffs(self, rates: dict) -> None:
        """Set tariff rates (fractions) by (exporter, importer, sector); others unchanged."""
        for k, v in rates.items():
            if k not in self.model.tm:
                raise KeyError(f"no base-year trade flow {k}: its tariff has no effect")
            if not v > -1:
                raise ValueError(f"tariff {k} = {v}: must be > -1 (-100%)")
            self.model.tm[k] = float(v)

    def apply(self, scenario: Scenario) -> None:
        """Reset to base rates, then set the scenario's tariffs."""
        self.reset()
        self.set_tariffs(scenario.tariffs(self.dataset, self.base_tariffs()))

    # ------------------------------------------------------------------ solve
    def solve(self, solver: str = "newton", *, continuation: bool = True,
              max_steps: int = 64) -> SolveInfo:
        """Solve at the current parameters, warm-starting from the current variable values.

        Order of attempts: a direct solve; if it fails and ``continuation`` is on, the shock
        is followed from the benchmark in steps (homotopy on the parameter vector, halving the
        step on failure); if that fails too and ``solver`` is Newton, a direct Ipopt solve.
        Without continuation, a failed Newton solve falls back to Ipopt directly.

        Raises:
            SolveError: with the residuals by equation block, how far continuation got and
                what was happening there. The model's variables are left unchanged.
        """
        x0 = self.core.x_from_model()
        try:
            info = solve(self.core, solver=solver, x0=x0, fallback=not continuation)
        except SolveError as err:
            if not continuation:
                raise
            try:
                info = self._continuation(solver, err, max_steps)
            except SolveError as cont_err:
                if solver != "newton":
                    raise
                try:
                    info = solve(self.core, solver="ipopt", x0=x0)
                except SolveError:
                    raise cont_err from None
                info.solver = "newton, continuation, then ipopt"
        self.last_info = info
        return info

    def _continuation(self, solver: str, first: SolveError, max_steps: int) -> SolveInfo:
        """Follow the straight line from the benchmark parameters to the current ones.

        Steps start at a quarter of the shock, double after a success and halve after a
        failure. If the step falls below 1/1024 of the shock (or ``max_steps`` is exceeded),
        the error says how far it got and what was happening there.
        """
        from .solver import SOLVERS, residual_blocks, worst_equations

        t0 = time.perf_counter()
        target = np.array(self.core.params())
        start = np.array(self.p_base)
        x = self.x_base.copy()
        lam, step, steps = 0.0, 0.25, 0
        while lam < 1.0:
            trial = min(1.0, lam + step)
            p = (start + trial * (target - start)).tolist()
            xn, info = SOLVERS[solver](self.core, x, p)
            steps += 1
            if info.converged:
                lam, x = trial, xn
                step = min(step * 2, 1.0)
            else:
                step /= 2
            if lam < 1.0 and (step < 1.0 / 1024 or steps > max_steps):
                F = self.core.residual(xn, p)
                info.steps = steps
                err = SolveError("the model did not solve, even step by step", info,
                                 worst_equations(self.core, F), residual_blocks(self.core, F))
                raise err.with_continuation(lam, diagnose(self.core, x, lam)) from first
        self.core.x_to_model(x)
        info = solve(self.core, solver=solver, x0=x)
        info.steps = steps
        info.seconds += time.perf_counter() - t0
        info.message += f" (continuation: {steps} steps)"
        return info


def diagnose(core: CompiledModel, x: np.ndarray, reached: float, k: int = 5) -> list[str]:
    """What a solution path shows where continuation stopped: quantities heading to zero.

    ``x`` is the last solved point, at share ``reached`` of the shock. Saving heading to zero
    means no equilibrium with positive investment exists under the closure (e.g. with fixed
    exchange rates a large tariff turns foreign saving into a capital outflow bigger than
    domestic saving); a trade flow heading to zero means a tariff is pricing it out.
    """
    if reached == 0.0:
        return ["not even 1/1024 of the shock solved from the benchmark: check that the "
                "benchmark replicates (cge check) and that the shock is meaningful"]
    positive = np.isfinite(core.lower) & (core.lower > 0)
    idx = [int(i) for i in np.flatnonzero(positive & (x < 1e-2))]
    if not idx:
        return [f"at {100 * reached:.1f}% of the shock no quantity is near zero: the path "
                "turns back or the solver stalls; try --solver ipopt"]
    idx.sort(key=lambda i: x[i])
    names = [core.variables[i].name for i in idx]
    lines = [f"at {100 * reached:.1f}% of the shock, heading to zero (share of base value): "
             + ", ".join(f"{n} = {x[i]:.2g}" for n, i in zip(names[:k], idx))
             + (f" and {len(idx) - k} more" if len(idx) > k else "")]
    for n in names:
        if n.startswith("sav["):
            r = n[4:-1]
            lines.append(f"saving, and so investment, in {r} would turn negative: its capital "
                         "outflow (negative foreign saving in local currency) outgrows domestic "
                         "saving, so no equilibrium with positive investment exists for this "
                         "shock under this closure")
    return lines


def run(scenario: str | Path | Scenario | None = None, *, data: str | Path | Dataset | None = None,
        closure: str | Closure | None = None, solver: str = "newton", economy: Economy | None = None):
    """Run a tariff scenario and return :class:`cge.results.Results`.

    Args:
        scenario: a Scenario, a path to a scenario TOML file, or None (the benchmark).
        data: a shipped data set name, a folder, or a Dataset (default: ``usjpn2024``).
        closure: a closure name or object; default: the scenario's, else ``"default"``.
        solver: ``"newton"`` or ``"ipopt"``.
        economy: reuse an already built :class:`Economy` (same data and closure).
    """
    from .results import Results

    sc = (scenario if isinstance(scenario, Scenario) or scenario is None
          else load_scenario(scenario))
    if closure is None and sc is not None:
        closure = sc.closure
    eco = economy or Economy(data, closure)
    if sc is not None:
        eco.apply(sc)
    else:
        eco.reset()
    info = eco.solve(solver)
    return Results(eco, sc, info)
