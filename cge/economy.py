"""The user-facing pipeline: data → calibration → Pyomo model → compiled core → solve → results.

>>> import cge
>>> res = cge.run("scenarios/us_autos_232.toml")        # default data, default closure
>>> res.summary                                          # EV, real GDP, CPI, ... by region
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pyomo.core as pyo

from .calibrate import Benchmark, calibrate
from .closure import Closure, ClosureError, check_determinate, get_closure
from .core import CompiledModel, compiled_core
from .data import Dataset, load_dataset
from .meta import DEFAULT_DATA, SIGMA_ONE_GAP  # re-exported: the default data, the CES gap
from .model import build_model
from .precondition import preconditioner
from .scenario import QUOTA_RENTS, Scenario, ScenarioError, base_rates, load_scenario
from .shipped import data_dir
from .solution import Solution
from .solver import (
    BROYDEN_MIN_UNKNOWNS,
    NO_IPOPT_FALLBACK,
    SolveError,
    SolveInfo,
    ipopt_available,
    masks,
    solve,
)
from .text import show

#: Folder of the shipped data sets: the package's (a wheel) or the checkout's data/, overridable
#: with CGE_DATA_DIR (:func:`cge.shipped.data_dir`).
DATA_DIR = data_dir()


#: the default of :attr:`Economy.base_lu`
BASE_LU = True


def resolve_data(data: str | Path | Dataset | None, elasticities: str | None = None) -> Dataset:
    """A data set from a Dataset, a folder path, or the name of a shipped data set, with the
    elasticity set ``elasticities`` (None: a Dataset's own, else the data's default set).

    A bare name (``"usjpn2024"``) means the shipped data set of that name whenever there is
    one, never a folder of the same name in the working directory (give ``"./usjpn2024"``
    for that); any other string or Path is a folder."""
    if isinstance(data, Dataset):
        return data if elasticities is None else data.with_elasticities(elasticities)
    name = DEFAULT_DATA if data is None else data
    path = Path(name)
    # a bare name (no folder part) is a shipped data set's when one has it, even if a folder
    # of that name is in the working directory: give ./NAME for that folder
    bare = isinstance(name, str) and path.parts == (name,) and not name.startswith((".", "~"))
    if bare and (DATA_DIR / name).is_dir():
        path = DATA_DIR / name
    return load_dataset(path).with_elasticities(elasticities)


class Economy:
    """A calibrated model under one closure, ready to be shocked and solved repeatedly.

    The Pyomo model is built and compiled once; :meth:`set_tariffs` and :meth:`reset` change
    mutable Params only. The benchmark solution is kept for warm starts and for results.
    """

    #: Elasticity kinds that can be changed after the build (Params of the same names).
    ELASTICITIES = ("sigma_va", "sigma_d", "sigma_m", "psi")

    def __init__(self, data: str | Path | Dataset | None = None,
                 closure: str | Closure | None = None, elasticities: str | None = None):
        #: ``elasticities``: the data's elasticity set to calibrate with (None: the default).
        self.dataset: Dataset = resolve_data(data, elasticities)
        self.benchmark: Benchmark = calibrate(self.dataset)
        self.closure: Closure = get_closure(closure)
        _check_saving(self.benchmark, self.closure)
        t0 = time.perf_counter()
        self.model: pyo.ConcreteModel = build_model(self.benchmark, self.closure)
        # keys of the on-disk cache (the compiled core, the LU ordering, cge.cache): what the
        # core was built from
        context = f"data {self.dataset.digest}; closure {self.closure!r}"
        self.core: CompiledModel
        self.core, self.core_cached = compiled_core(
            self.model, f"{context}; elasticities {self.dataset.elasticity_set!r}", self.benchmark)
        self.core.cache_context = context
        #: whether the compiled core was read from the on-disk cache (:func:`compiled_core`)
        self.core_cached: bool
        check_determinate(self.core)
        self.setup_seconds = time.perf_counter() - t0
        params = [(c.local_name, p) for c in self.model.component_objects(pyo.Param)
                  if c.mutable for p in c.values()]
        # instruments (tariffs, taxes, saving rates, endowments) vs elasticities
        self._params = [p for name, p in params if name not in self.ELASTICITIES]
        self._param_base = [pyo.value(p) for p in self._params]
        self._elas = [p for name, p in params if name in self.ELASTICITIES]
        self._elas_base = [pyo.value(p) for p in self._elas]
        #: Cells whose volume a quota fixes under this closure (a quota's swap frees its
        #: equivalent, tmq or teq): (exporter, importer, sector) → who gets the rent.
        self.quota_cells: dict[tuple[str, str, str], str] = {
            k: rent for rent, (var, _) in QUOTA_RENTS.items()
            for k, v in getattr(self.model, var).items() if not v.fixed}
        self.x_base = self.core.x_from_model()
        self._p_base = np.array(self.core.params())
        self._check_benchmark()
        self._elas_pos = np.array([k for k, o in enumerate(self.core.param_objects)
                                   if o.parent_component().local_name in self.ELASTICITIES],
                                  dtype=int)
        self.last_info: SolveInfo | None = None
        #: The last solution (the warm start of the next solve is the model's current point).
        self.solution: Solution | None = None
        #: Held while instruments are set and solved (:func:`run`), so that threads sharing
        #: one Economy do not interleave a scenario's parameters with another's solve.
        self.lock = threading.RLock()
        self._kept_lu = None  # the last factorisation of a reuse_lu solve (see solve)
        #: A Newton solve that starts at the benchmark solution (after :meth:`reset`) takes
        #: its first steps with the factorisation of the benchmark Jacobian, computed once
        #: and kept (Broyden steps, :func:`cge.solver.newton`): most warm shocks then need
        #: one factorisation fewer, or none. Only from :data:`~cge.solver.BROYDEN_MIN_UNKNOWNS`
        #: unknowns up (below, a factorisation costs a few residual evaluations). False:
        #: factorise at the start point, as before.
        self.base_lu = BASE_LU

    @property
    def p_base(self) -> list[float]:
        """The benchmark parameter vector of the compiled core: base instruments, with the
        current elasticities (the benchmark solution solves it for any elasticities)."""
        p = self._p_base.copy()
        if self._elas_pos.size:
            now = self.core.params()
            p[self._elas_pos] = [now[k] for k in self._elas_pos]
        return p.tolist()

    def base_params(self, p) -> list[float]:
        """``p`` (a parameter vector of the core) with every instrument at its base value and
        its elasticities kept: the start of the shock path to a solution at ``p``."""
        out = self._p_base.copy()
        if self._elas_pos.size:
            out[self._elas_pos] = np.asarray(p, dtype=float)[self._elas_pos]
        return out.tolist()

    # ------------------------------------------------------------------ benchmark
    #: Largest relative residual of the calibrated base year that is still an equilibrium
    #: (a balanced data set replicates to about 1e-13).
    REPLICATION_TOL = 1e-8

    def _check_benchmark(self) -> None:
        """Refuse data whose base year is not an equilibrium of the model (before any solve),
        naming the worst equations and their blocks: a solve would otherwise report the gap as
        the effect of the scenario."""
        F = self.core.residual(self.x_base, self._p_base.tolist())
        W = self.core.dropped_residuals(self.x_base, self._p_base.tolist())
        worst = np.abs(F).max(initial=0.0)
        if worst <= self.REPLICATION_TOL and np.abs(W).max(initial=0.0) <= self.REPLICATION_TOL:
            return
        from .data import DataError

        m = self.model

        def where(k: int) -> str:
            comp = self.core.block(k)
            return f"{self.core.name(k)} ({m.blocks.get(comp, '?')}, {m.tags.get(comp, '?')})"

        order = np.argsort(-np.abs(F))[:3]
        named = "; ".join(f"{where(int(k))}: {F[k]:+.3g}" for k in order
                          if abs(F[k]) > self.REPLICATION_TOL)
        if not named:
            named = f"the dropped (Walras) equations: {np.abs(W).max():.3g}"
        raise DataError(f"data set {self.dataset.name}: the base year is not an equilibrium of "
                        f"the model (relative residuals above {self.REPLICATION_TOL:g}): "
                        f"{named}", hint="the SAM's accounts must balance and its flows agree "
                        "with trade.csv; `cge check` reports every account")

    def replication(self) -> dict[str, float]:
        """Residuals at the benchmark: max |active residual| and max |dropped (Walras) residual|."""
        F = self.core.residual(self.x_base, self.p_base)
        W = self.core.dropped_residuals(self.x_base, self.p_base)
        return {"max_residual": float(np.max(np.abs(F))),
                "max_walras": float(np.max(np.abs(W), initial=0.0))}

    def reset(self) -> None:
        """Restore base instruments (tariffs, taxes, saving rates, endowments) and the benchmark
        solution. Elasticities are kept (see :meth:`reset_elasticities`)."""
        for p, v in zip(self._params, self._param_base):
            p.set_value(v)
        for k in self.quota_cells:  # a quota's volume, held exogenous: back to the base
            self.model.ms[k].set_value(1.0)
        self.core.x_to_model(self.x_base)
        self._kept_lu = None

    def reset_elasticities(self) -> None:
        """Restore the data's elasticities."""
        for p, v in zip(self._elas, self._elas_base):
            p.set_value(v)

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

    def elasticities(self) -> dict:
        """Current elasticities by (kind, region, sector), for every CES/CET nest in the model."""
        return {(kind, *k): pyo.value(par[k]) for kind in self.ELASTICITIES
                for par in [getattr(self.model, kind)] for k in par}

    def check_elasticities(self, values: dict) -> None:
        """Raise ValueError unless every (kind, region, sector) → value may be set (see
        :meth:`set_elasticities`); changes nothing."""
        b = self.benchmark
        for key, v in values.items():
            if not (isinstance(key, tuple) and len(key) == 3 and key[0] in self.ELASTICITIES):
                raise ValueError(f"unknown elasticity {key!r}: expected (kind, region, sector), kind "
                                 f"one of {', '.join(self.ELASTICITIES)}")
            kind, k = key[0], tuple(key[1:])
            par = getattr(self.model, kind)
            if k not in par:
                raise ValueError(f"{kind} {k}: no such nest in the model (zero flow or perfect "
                                 "transformation)")
            if kind != "psi" and getattr(b, kind)[k] == 1:
                raise ValueError(f"{kind} {k} is Cobb–Douglas in the data (σ = 1); its form is "
                                 "fixed: give it a value other than 1 in elasticities.csv to vary it")
            if isinstance(v, bool) or not isinstance(v, int | float) or not (v > 0 and np.isfinite(v)) \
                    or (kind != "psi" and abs(v - 1) < SIGMA_ONE_GAP):
                raise ValueError(f"{kind} {k} = {v!r}: must be finite, > 0"
                                 + ("" if kind == "psi" else
                                    f" and at least {SIGMA_ONE_GAP:g} away from 1 (CES form)"))

    def set_elasticities(self, values: dict) -> None:
        """Set elasticities by (kind, region, sector), kind in :attr:`ELASTICITIES`.

        The functional form of each nest is fixed when the model is built (Cobb–Douglas where
        the data's σ is exactly 1, perfect transformation where ψ is infinite), so a Cobb–Douglas
        nest keeps σ = 1 and a CES nest's σ must stay positive and at least
        :data:`SIGMA_ONE_GAP` away from 1 (the CES formula is singular at 1 and loses digits
        near it); a CET ψ must be positive. The benchmark stays a solution for any values
        (calibrated share form); only counterfactuals change.

        Raises:
            ValueError: an unknown kind or nest, a Cobb–Douglas nest, or a value out of range.
        """
        self.check_elasticities(values)
        for (kind, *k), v in values.items():
            getattr(self.model, kind)[tuple(k)] = float(v)

    def apply(self, scenario: Scenario) -> None:
        """Reset to base values, then set the scenario's tariffs, other instruments and quota
        volumes.

        Raises:
            ScenarioError: the scenario does not fit the data (:meth:`Scenario.tariffs`).
            ValueError: the scenario's quotas are not those this economy's closure was built
                with (each quota is a swap: build the economy with :func:`scenario_closure`).
        """
        want = {q.cell: q.rent for q in scenario.quotas}
        if want != self.quota_cells:  # checked before anything changes
            show = lambda d: ", ".join(f"{'/'.join(k)} ({r})" for k, r in d.items()) or "none"  # noqa: E731
            raise ValueError(f"scenario {scenario.name}: its quotas ({show(want)}) are not those "
                             f"this economy was built with ({show(self.quota_cells)}); a quota is "
                             "a swap of the closure: build the economy with "
                             "Economy(data, scenario_closure(None, scenario)), or call run() "
                             "without economy=")
        self.reset()
        self.set_tariffs(scenario.resolve(self).new)
        for name, values in scenario.instrument_values(self.model).items():
            par = getattr(self.model, name)
            for key, v in values.items():
                par[key] = float(v)
        for q in scenario.quotas:
            self.model.ms[q.cell].set_value(q.volume)

    # ------------------------------------------------------------------ solve
    def solve(self, solver: str = "newton", *, continuation: bool = True,
              max_steps: int = 64, reuse_lu: bool = False,
              start: np.ndarray | None = None, write: bool = True) -> Solution:
        """Solve at the current parameters, warm-starting from the current variable values.

        Order of attempts: a direct solve; if it fails and ``continuation`` is on, the shock
        is followed from the benchmark in steps (homotopy on the parameter vector, halving the
        step on failure); if that fails too and ``solver`` is Newton, a direct Ipopt solve.
        Without continuation, a failed Newton solve falls back to Ipopt directly.

        With ``reuse_lu``, Newton's first steps are (Broyden) steps with the factorisation
        that the previous ``reuse_lu`` solve ended with (kept until :meth:`reset`): cheaper
        when this solve's parameters are near that one's (a sweep's consecutive members), the
        same convergence test; the result may differ from a solve without it by round-off.
        Below :data:`~cge.solver.BROYDEN_MIN_UNKNOWNS` unknowns its steps are plain chord
        steps (Broyden's updates start from there).

        ``start``: the point to start from instead of the model's variables (the values of
        ``core.variables``, in their order), e.g. a sweep's extrapolation from two solved
        neighbours; the model is not written until the solve succeeds.

        ``write``: whether the model's variables receive the solution (the next solve's warm
        start, and what ``pyo.value`` reads). False leaves them as they were: for a caller
        that gives every solve its ``start`` and reads results from the Solution (a sweep).

        Returns the :class:`~cge.solution.Solution` (an immutable value; its SolveInfo fields
        are readable on it). The model's variables hold it afterwards (with ``write``), as
        the next warm start.

        Raises:
            SolveError: with the residuals by equation block, how far continuation got and
                what was happening there. The model's variables are left unchanged.
        """
        with self.lock:
            key = ("solved", threading.get_ident())
            self.core.cache.pop(key, None)
            lu0, self._kept_lu = (getattr(self, "_kept_lu", None) if reuse_lu else None), None
            info = self._solve(solver, continuation, max_steps, lu0, start, write)
            self.last_info = info
            # the point the last solve found (written into the model unless write=False)
            point = self.core.cache.pop(key, None)
            if point is None:
                x, p = self.core.x_from_model(), self.core.params()
            else:
                x, p, lu = point
                self._kept_lu = lu if reuse_lu else None
            self.solution = Solution(x, p, info)
            return self.solution

    def _solve(self, solver: str, continuation: bool, max_steps: int, lu0=None,
               start: np.ndarray | None = None, write: bool = True) -> SolveInfo:
        if start is not None and len(start) != self.core.n:
            raise ValueError(f"start has {len(start)} values; the model has {self.core.n} "
                             "free variables")
        x0 = self.core.x_from_model() if start is None else np.array(start, dtype=float)
        if (lu0 is None and solver == "newton" and self.base_lu and self.core.n >= BROYDEN_MIN_UNKNOWNS
                and np.array_equal(x0, self.x_base)):
            lu0 = self._base_factorisation  # factorised only if a Newton step is needed
        try:
            info = solve(self.core, solver=solver, x0=x0, fallback=not continuation, lu0=lu0,
                         write=write)
        except SolveError as err:
            if not continuation:
                raise
            try:
                info = self._continuation(solver, err, max_steps, write)
            except SolveError as cont_err:
                if solver != "newton":
                    raise
                if not ipopt_available():  # the last resort is Ipopt, an optional extra
                    cont_err.with_note(NO_IPOPT_FALLBACK)
                    raise
                try:
                    info = solve(self.core, solver="ipopt", x0=x0, write=write)
                except SolveError:
                    raise cont_err from None
                info.solver = "newton, continuation, then ipopt"
        return info

    def _base_factorisation(self):
        """The LU factorisation of the Jacobian at the benchmark (with the current
        elasticities), computed at the first call and kept; None if it is singular."""
        p = self.p_base
        kept = getattr(self, "_base_lu", None)
        if kept is None or kept[0] != p:
            try:
                kept = (p, preconditioner(self.core, self.x_base, p))
            except RuntimeError:
                kept = (p, None)
            self._base_lu = kept
        return kept[1]

    def _continuation(self, solver: str, first: SolveError, max_steps: int,
                      write: bool = True) -> SolveInfo:
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
        info = solve(self.core, solver=solver, x0=x, write=write)
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
    positive = masks(core)[0]
    idx = [int(i) for i in np.flatnonzero(positive & (x < 1e-2))]
    if not idx:
        move = np.where(positive, np.abs(np.log(np.maximum(x, 1e-300))), 0.0)
        top = [int(i) for i in np.argsort(-move)[:k]]
        return [f"at {100 * reached:.1f}% of the shock no quantity is near zero; the largest "
                "moves (index, base 1): " + ", ".join(f"{core.variables[i].name} = {x[i]:.3g}"
                                                     for i in top),
                "the equilibrium path may turn back (a fold: no equilibrium beyond it, e.g. "
                "with import demand elasticities below 1) or the solver stalls; try "
                "--solver ipopt or a smaller shock"]
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


def scenario_closure(closure: str | Closure | None, scenario: Scenario | None,
                     revenue: str | None = None) -> Closure:
    """The closure a scenario runs under: ``closure`` (default: the scenario's, else
    ``"default"``) with the revenue rule ``revenue`` (default: the scenario's, else the
    closure's), the scenario's swaps added, then one swap per quota (its equivalent, ``tmq``
    or ``teq``, for the cell's volume ``ms``: :meth:`cge.scenario.Quota.swap`)."""
    base = get_closure(closure if closure is not None
                       else (scenario.closure if scenario is not None else None))
    revenue = revenue or (scenario.revenue if scenario is not None else None)
    if revenue:
        base = base.with_(revenue=revenue)
    if scenario is not None and scenario.swaps:
        base = base.with_(name=f"{base.name} with swaps", swaps=base.swaps + scenario.swaps)
    if scenario is not None and scenario.quotas:
        base = base.with_(name=f"{base.name} with quotas",
                          swaps=base.swaps + tuple(q.swap() for q in scenario.quotas))
    return base


def scenario_data(data: str | Path | Dataset | None, scenarios) -> str | Path | Dataset | None:
    """The data set to use with ``scenarios``: ``data`` if given, else the one the scenarios
    name (``data = ...`` in their files; they must agree), else None (the default data set).

    Raises:
        ScenarioError: the scenarios name different data sets.
    """
    if data is not None:
        return data
    named = sorted({sc.data for sc in scenarios if sc is not None and sc.data})
    if len(named) > 1:
        raise ScenarioError(f"the scenarios name different data sets ({', '.join(named)})",
                            hint="run them separately, or give one with --data")
    return named[0] if named else None


def check_scenario_data(scenario: Scenario, economy: Economy) -> None:
    """Refuse to solve ``scenario`` on ``economy`` when the scenario names a shipped data set
    (``data = "world2024"``) other than the one the economy was built on: its shocks were
    written for that data's regions, sectors and base rates. A scenario naming a folder
    (``"./mydata"``) or no data set is not checked.

    Raises:
        ScenarioError: the two data sets differ (one line, with the fix).
    """
    want = scenario.data
    if want and "/" not in want and not want.startswith(".") and economy.dataset.name != want:
        raise ScenarioError(f"{scenario.path or scenario.name}: the scenario is written for data set "
                            f"{want!r}, but the economy was built on {economy.dataset.name!r}",
                            hint=f"build the economy on it (cge.Economy({want!r})), or drop "
                            "economy= to let cge.run use the scenario's data")


def run(scenario: str | Path | Scenario | None = None, *, data: str | Path | Dataset | None = None,
        closure: str | Closure | None = None, solver: str = "newton", economy: Economy | None = None,
        revenue: str | None = None, elasticities: str | None = None):
    """Run a tariff scenario and return :class:`cge.results.Results`.

    Args:
        scenario: a Scenario, a path to a scenario TOML file, or None (the benchmark).
        data: a shipped data set name, a folder, or a Dataset; default: the scenario's
            (``data = ...`` in its file), else :data:`DEFAULT_DATA`.
        closure: a closure name or object; default: the scenario's, else ``"default"``.
        solver: ``"newton"`` or ``"ipopt"``.
        economy: reuse an already built :class:`Economy` (same data and closure).
        revenue: how revenue is used (``"regional_household"``, ``"government"``,
            ``"household"``, ``"income_tax"``; :data:`cge.closure.REVENUE`); default: the
            scenario's, else the closure's (``regional_household`` but for
            ``fixed_investment``).
        elasticities: the data's elasticity set (e.g. ``"short_run"``); default: the
            scenario's, else the data's default set.

    Raises:
        DataError: an elasticity set the data do not have (the message lists the sets).
        ValueError: an ``economy`` calibrated with another elasticity set than the one asked for.
    """
    from .results import Results

    sc = (scenario if isinstance(scenario, Scenario) or scenario is None
          else load_scenario(scenario))
    if economy is None:
        closure = scenario_closure(closure, sc, revenue)
        data = scenario_data(data, [sc])
    elif sc is not None and data is None:
        check_scenario_data(sc, economy)
    if elasticities is None and sc is not None:
        elasticities = sc.elasticities
    if economy is not None and elasticities is not None \
            and economy.dataset.with_elasticities(elasticities) is not economy.dataset:
        raise ValueError(f"the economy was calibrated with elasticity set "
                         f"{economy.dataset.elasticity_set!r}, not {elasticities!r}: build an "
                         "Economy with that set")
    if economy is None and sc is not None and sc.quotas:
        # a quota is a swap of the closure the economy is built with: check it first
        data = resolve_data(data, elasticities)
        sc.tariffs(data, base_rates(data))
    eco = economy or Economy(data, closure, elasticities)
    with eco.lock:
        if sc is not None:
            eco.apply(sc)
        else:
            eco.reset()
        solution = eco.solve(solver)
    return Results(eco, sc, solution)


def _check_saving(b: Benchmark, clo: Closure) -> None:
    """A region that invests nothing in the base year (no saving at all: data validation
    refuses saving parts that only cancel out) works only under a closure that keeps its
    saving at zero: one that holds real investment fixed has nothing to hold, one that lets
    foreign saving adjust would leave the saving it brings unspent. Refused here, naming the
    region, instead of a generic structure error or an indeterminate system."""
    idle = [r for r in b.regions if not any(k[0] == r for k in b.I)]
    if not idle:
        return
    if any(e.startswith("eq_investment_fixed") for e in clo.equations):
        what = "holds each region's real investment fixed"
    elif "fsv[*]" not in clo.exogenous and "eq_trade_balance[*]" not in clo.equations:
        what = "lets foreign saving adjust"
    else:
        return
    raise ClosureError(f"closure {clo.name} {what}, but region {show(idle[0])} invests nothing "
                       "in the base year (no saving, no (sector, INV) cell), so its saving must "
                       "stay zero (hint: a region without investment needs a closure that "
                       "holds the saving rate and foreign saving, e.g. default, long_run or "
                       "fixed_trade_balance; or give it investment demand in sam.csv)")
