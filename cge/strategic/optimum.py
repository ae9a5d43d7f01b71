"""Optimal tariffs in reduced space: the equilibrium by Newton, welfare gradients by the
implicit-function theorem (one adjoint solve), bounded quasi-Newton search (see
:mod:`cge.strategic`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..core import run_steps
from ..path import parameter_derivative
from ..solver import SolveError, masks, newton, residual_blocks, worst_equations
from ..welfare import ev_gradient, income

#: Objectives: regional EV (the regional household's: C, G and saving) or household EV.
OBJECTIVES = ("regional", "household")
#: Instrument kinds (:func:`instrument`).
KINDS = ("uniform", "sector", "partner", "cells")
#: Default bounds on a control (tariff rate, fraction): no import subsidies, at most 500%.
BOUNDS = (0.0, 5.0)
#: Scale of the controls in the quasi-Newton search (a first step of 10 points of tariff).
STEP = 0.1
#: Newton polish of the quasi-Newton answer (finite-difference Hessian) up to this many controls.
POLISH_MAX = 4
#: Equilibrium tolerance of every solve (max relative residual).
SOLVE_TOL = 1e-12


class StrategicError(ValueError):
    """A strategic problem that cannot be posed (unknown region, empty instrument, ...)."""


@dataclass(frozen=True)
class Instrument:
    """The controls of one player: ``groups[k]`` lists the tariff cells (exporter, importer,
    sector) that control ``names[k]`` sets to its rate (all to the same rate)."""

    region: str
    kind: str
    names: tuple[str, ...]
    groups: tuple[tuple[tuple[str, str, str], ...], ...]

    def __len__(self) -> int:
        return len(self.names)


def instrument(economy, region: str, kind: str = "uniform", *,
               partners: list[str] | None = None) -> Instrument:
    """The controls of ``region`` on its import tariffs.

    ``kind``: ``"uniform"`` (one rate on every import cell), ``"sector"`` (one rate per sector,
    all partners), ``"partner"`` (one rate per exporter, all sectors), or
    ``"cells:EXP/SEC,EXP/SEC,..."`` (one control per item; ``*`` for every exporter or every
    sector, e.g. ``cells:JPN/AUTO,CHN/*``). ``partners`` limits the cells to imports from
    those exporters (e.g. the other players in a war). Cells without base-year trade have no
    tariff; cells whose volume a quota fixes are left out.

    Raises:
        StrategicError: an unknown region, kind, partner or cell, or no cell at all.
    """
    b, m = economy.benchmark, economy.model
    if region not in b.regions:
        raise StrategicError(f"unknown region {region!r}; the data's regions are "
                             f"{', '.join(b.regions)}")
    for s in partners or []:
        if s not in b.regions or s == region:
            raise StrategicError(f"partner {s!r} of {region}: not another region of the data "
                                 f"({', '.join(r for r in b.regions if r != region)})")
    cells = [k for k in m.tm if k[1] == region and k not in economy.quota_cells
             and (partners is None or k[0] in partners)]
    base, _, spec = kind.partition(":")
    if base == "uniform" and not spec:
        groups = {"all": cells}
    elif base == "sector" and not spec:
        groups = {i: [k for k in cells if k[2] == i] for i in b.sectors}
    elif base == "partner" and not spec:
        groups = {s: [k for k in cells if k[0] == s] for s in b.regions}
    elif base == "cells" and spec:
        groups = {}
        for item in spec.split(","):
            exp, _, sec = item.strip().partition("/")
            if exp != "*" and exp not in b.regions or sec != "*" and sec not in b.sectors:
                raise StrategicError(f"instrument cell {item!r}: expected EXPORTER/SECTOR with "
                                     "a region and a sector of the data, or * for all")
            g = [k for k in cells if exp in ("*", k[0]) and sec in ("*", k[2])]
            if not g:
                raise StrategicError(f"instrument cell {item!r}: {region} has no base-year "
                                     "imports there, so no tariff to set")
            groups[item.strip()] = g
    else:
        raise StrategicError(f"unknown instrument {kind!r}; choose uniform, sector, partner or "
                             "cells:EXPORTER/SECTOR,...")
    groups = {k: tuple(v) for k, v in groups.items() if v}
    if not groups:
        raise StrategicError(f"{region} has no import tariff to set with instrument {kind!r}")
    return Instrument(region, kind, tuple(groups), tuple(groups.values()))


class Equilibria:
    """Equilibria of ``economy`` at parameter vectors, each warm-started from the last one
    solved (and its factorisation), and welfare with its gradient in any directions."""

    def __init__(self, economy, x0: np.ndarray, p0: np.ndarray):
        self.eco, self.core = economy, economy.core
        self.x, self.p = np.array(x0, dtype=float), np.array(p0, dtype=float)
        self.lu, self.lu_at, self.tangent = None, None, None
        self.solves = 0
        F = self.core.residual(self.x, self.p.tolist())
        if np.max(np.abs(F)) > 1e-9:
            self.x = self._solve(self.x, self.p, self.p, "the starting point")

    def _predict(self, p: np.ndarray) -> np.ndarray:
        """First-order prediction of the equilibrium at ``p`` from the last solved point and
        its tangents (``dx = −J⁻¹ ∂F/∂p Δp``, kept from the last gradient), positive
        variables moved in logs; the last point itself if no tangent is at hand."""
        if self.tangent is None or not np.array_equal(self.tangent[0], self.p):
            return self.x
        _, X, D = self.tangent
        dp = p - self.p
        du = (D @ dp) / D.sum(axis=1)  # controls set disjoint cells to one rate each
        if not np.allclose(D.T @ du, dp, atol=1e-12):
            return self.x
        dx = X @ du
        pos = masks(self.core)[0]
        rel = np.clip(dx / np.where(pos, self.x, 1.0), -2.0, 2.0)
        return np.where(pos, self.x * np.exp(rel), self.x + dx)

    def _solve(self, x: np.ndarray, p_from: np.ndarray, p: np.ndarray, what: str) -> np.ndarray:
        xn, info = newton(self.core, self._predict(p), p.tolist(), tol=SOLVE_TOL, lu0=self.lu)
        self.solves += 1
        if info.converged:
            return xn
        # homotopy from the last solved parameters: steps halved on failure
        lam, step, xs, lu = 0.0, 0.25, x, self.lu
        while lam < 1.0:
            trial = min(1.0, lam + step)
            pt = p_from + trial * (p - p_from)
            xn, info = newton(self.core, xs, pt.tolist(), tol=SOLVE_TOL, lu0=lu)
            self.solves += 1
            if info.converged:
                lam, xs, step = trial, xn, min(2 * step, 1.0)
                if lam < 1.0:  # the next step starts from this point's tangent
                    lu = self.core.lu(xs, pt.tolist())
                    d = parameter_derivative(self.core, xs, pt, p - p_from)
                    dx = -lu.solve(d) * min(step, 1.0 - lam)
                    pos = masks(self.core)[0]
                    xs = np.where(pos, xs * np.exp(np.clip(dx / np.where(pos, xs, 1.0), -2, 2)),
                                  xs + dx)
            else:
                step /= 2
                if step < 1e-4:
                    F = self.core.residual(xn, p.tolist())
                    raise SolveError(f"{what} did not solve (tariffs too high for an "
                                     "equilibrium? lower the upper bound)", info,
                                     worst_equations(self.core, F),
                                     residual_blocks(self.core, F))
        return xs

    def at(self, p: np.ndarray) -> np.ndarray:
        """The equilibrium at ``p`` (becomes the next warm start)."""
        p = np.asarray(p, dtype=float)
        if not np.array_equal(p, self.p):
            self.x = self._solve(self.x, self.p, p, "the equilibrium at these tariffs")
            self.p = p.copy()
        return self.x

    def factor(self):
        if self.lu_at is None or not np.array_equal(self.lu_at[1], self.p) \
                or not np.array_equal(self.lu_at[0], self.x):
            self.lu = self.core.lu(self.x, self.p.tolist())
            self.lu_at = (self.x.copy(), self.p.copy())
        return self.lu

    def residual(self) -> float:
        return float(np.max(np.abs(self.core.residual(self.x, self.p.tolist()))))

    def welfare(self, regions: list[str], objective: str) -> np.ndarray:
        """EV of each of ``regions`` at the current point (currency unit of the data)."""
        core, b = self.core, self.eco.benchmark
        q = core.output_values(self.x, self.p.tolist())
        keys = {k: j for j, k in enumerate(self.eco.model.output_keys)}
        name = "regional_utility" if objective == "regional" else "utility"
        return np.array([scale(b, r, objective) * (q[keys[(name, r)]] - 1.0) for r in regions])

    def welfare_rows(self, regions: list[str], objective: str) -> np.ndarray:
        """d EV / dx, one row per region of ``regions``."""
        b, m = self.eco.benchmark, self.eco.model
        if objective == "regional":
            return ev_gradient(self.eco, self.x, self.p, regions)
        pos = _positions(self.core)
        q = self.welfare(regions, objective)
        G = np.zeros((len(regions), self.core.n))
        for row, r in enumerate(regions):  # U = Π c_i^α_i: dU/dc_i = U α_i / c_i
            u, tot = q[row] / scale(b, r, objective) + 1.0, b.total(b.C, r)
            for (rr, i), v in b.C.items():
                if rr == r and id(m.c[r, i]) in pos:
                    j = pos[id(m.c[r, i])]
                    G[row, j] = scale(b, r, objective) * u * v / tot / self.x[j]
        return G

    def gradient(self, rows: np.ndarray, directions: np.ndarray) -> np.ndarray:
        """``d(rows · x)/du`` for parameter ``directions`` (one per row of the array): one
        adjoint solve per row of ``rows``. Solved with the last factorisation (a nearby
        point's) and refined against the exact Jacobian here; factorised afresh if the
        refinement does not converge."""
        J = self.core.jacobian(self.x, self.p.tolist())
        dF = derivatives(self.core, self.x, self.p, np.asarray(directions))
        for fresh in (False, True):
            lu = self.factor() if fresh or self.lu is None else self.lu
            try:
                tsolve = getattr(lu, "solve_transposed", None)
                if tsolve is None:  # a condensed factorisation (cge.condense): factorise Jᵀ
                    from .._scipy import splu

                    tsolve = splu(J.T.tocsc()).solve
                lam = np.array([_refined(tsolve, J.T, g) for g in rows])
                break
            except _NotConverged:
                if fresh:
                    raise RuntimeError("the adjoint solve did not converge") from None
        # tangents dx/du for the next point's prediction (approximate: no refinement)
        self.tangent = (self.p.copy(), -np.column_stack([lu.solve(c) for c in dF.T]),
                        np.asarray(directions))
        return -(lam @ dF)


def derivatives(core, x: np.ndarray, p: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """``∂F/∂p · d`` for each row ``d`` of ``directions`` (one column each), the same numbers
    as :func:`cge.path.parameter_derivative` (central differences with one Richardson step).

    On the vector backend the residuals at the perturbed parameters are evaluated from the
    point's parameter stage with only the instructions that depend on the moved parameters
    rerun (:class:`_PartialStage`): the same operations on the same operands, so the same
    bits as a full rerun, at a fraction of its cost."""
    stage = _PartialStage.of(core, np.any(directions != 0, axis=0)) \
        if hasattr(core, "program") and hasattr(core, "res_out") else None
    if stage is None:
        return np.column_stack([parameter_derivative(core, x, p, d) for d in directions])
    z = np.concatenate([x, core._w(p.tolist())])
    return np.column_stack([stage.derivative(z, len(x), p, d) for d in directions])


class _PartialStage:
    """The instructions of a :class:`~cge.core.VectorModel`'s parameter stage that depend on
    the parameters in ``mask`` (directly or through earlier results), and the entries of
    ``w`` they write."""

    def __init__(self, core, mask: np.ndarray):
        self.core, self.moved = core, np.flatnonzero(mask)
        self.steps, self.dirty = core.program.depending_on(self.moved)

    @classmethod
    def of(cls, core, mask: np.ndarray) -> _PartialStage:
        key = ("strategic partial stage", mask.tobytes())
        c = core.cache.get(key)
        if c is None:
            c = core.cache[key] = cls(core, mask)
        return c

    def _run(self, w: np.ndarray) -> None:  # cge.core.program.Program.run, on the kept steps
        run_steps(self.steps, w)

    def derivative(self, z: np.ndarray, n: int, p: np.ndarray, d: np.ndarray,
                   h: float = 1e-3) -> np.ndarray:
        """``∂F/∂p · d`` at the point whose ``z`` (``x``, then the parameter stage at ``p``;
        restored on return) is given, ``n`` the number of unknowns."""
        core = self.core
        w = z[n:]
        base = w[self.dirty].copy()

        def residual(step):
            w[self.moved] = (p + step * d)[self.moved]
            with np.errstate(all="ignore"):
                self._run(w)
            r = core._collect(core._res, core.res_out, core.res_perm, z, core.plan,
                              len(core.constraints))
            w[self.dirty] = base
            return r

        def central(step):
            return (residual(step) - residual(-step)) / (2 * step)

        return (4 * central(h / 2) - central(h)) / 3


class _NotConverged(ArithmeticError):
    pass


def _refined(solve, A, b: np.ndarray, steps: int = 12) -> np.ndarray:
    """``A⁻¹ b`` by ``solve`` (an approximate inverse: a nearby factorisation) and iterative
    refinement against ``A`` to 1e-13 relative; raises :class:`_NotConverged` otherwise."""
    y = solve(b)
    tol = 1e-13 * max(1.0, float(np.max(np.abs(b))))
    for _ in range(steps):
        r = b - A @ y
        if np.max(np.abs(r)) <= tol:
            return y
        y = y + solve(r)
    raise _NotConverged


def _positions(core) -> dict:
    c = core.cache.get("strategic positions")
    if c is None:
        c = core.cache["strategic positions"] = {id(v): k for k, v in enumerate(core.variables)}
    return c


def scale(b, r: str, objective: str) -> float:
    """Base value that turns utility (base 1) into EV: base regional income (regional EV) or
    base private consumption (household EV), currency unit of the data."""
    if r not in b.regions:
        raise StrategicError(f"unknown region {r!r}; the data's regions are "
                             f"{', '.join(b.regions)}")
    if objective == "regional":
        return income(b, r)
    if objective == "household":
        return b.total(b.C, r)
    raise StrategicError(f"unknown objective {objective!r}; choose {' or '.join(OBJECTIVES)}")


class Controls:
    """Maps the stacked controls of several instruments to the core's parameter vector."""

    def __init__(self, economy, instruments: list[Instrument], p0: np.ndarray):
        pos = {id(o): k for k, o in enumerate(economy.core.param_objects)}
        m = economy.model
        self.p0 = np.array(p0, dtype=float)
        self.D = []
        self.slices, k = [], 0
        for ins in instruments:
            self.slices.append(slice(k, k + len(ins)))
            k += len(ins)
            for g in ins.groups:
                d = np.zeros_like(self.p0)
                d[[pos[id(m.tm[c])] for c in g]] = 1.0
                self.D.append(d)
        self.D = np.array(self.D)
        self.mask = self.D.sum(axis=0) > 0
        if np.any(self.D.sum(axis=0) > 1):
            raise StrategicError("two controls set the same tariff cell: the instruments overlap")

    def params(self, u: np.ndarray) -> np.ndarray:
        p = self.p0.copy()
        p[self.mask] = 0.0
        return p + u @ self.D

    def current(self) -> np.ndarray:
        """Each control's starting value: the mean of its cells' current rates."""
        return np.array([self.p0[d > 0].mean() for d in self.D])


@dataclass
class Optimum:
    """A player's optimal controls.

    Attributes:
        instrument: the controls.
        rates: optimal rate of each control (fraction), by control name.
        ev: EV of every region at the optimum (data's currency unit), objective of the player.
        objective: ``"regional"`` or ``"household"``.
        projected_gradient: dW/du (W = the player's EV in % of base income, u a rate as a
            fraction), zero where a bound does not bind; at a binding bound the component
            that would push further out of the box is set to zero, so ``max |·|`` is the
            optimality test.
        gradient: the full gradient, same units.
        residual: max equilibrium residual at the optimum.
        x, p: the equilibrium and parameter vector at the optimum.
        evaluations, seconds: equilibrium solves and wall time.
        ev_status_quo: EV of every region at the starting policies.
        start: each control's starting rate (the mean of its cells' current rates).
        bounds: the bounds on every control (fractions).
    """

    instrument: Instrument
    rates: dict[str, float]
    ev: dict[str, float]
    objective: str
    projected_gradient: np.ndarray
    gradient: np.ndarray
    residual: float
    x: np.ndarray = field(repr=False)
    p: np.ndarray = field(repr=False)
    evaluations: int = 0
    seconds: float = 0.0
    ev_status_quo: dict[str, float] = field(default_factory=dict)
    start: dict[str, float] = field(default_factory=dict)
    bounds: tuple[float, float] = BOUNDS

    @property
    def welfare(self) -> float:
        """The player's EV at the optimum (currency unit)."""
        return self.ev[self.instrument.region]


def start_point(economy, scenario) -> tuple[np.ndarray, np.ndarray]:
    """The scenario's (or the current) equilibrium and parameter vector."""
    if scenario is not None:
        economy.apply(scenario)
        sol = economy.solve()
    else:
        sol = economy.solution if economy.solution is not None else economy.solve()
    return np.array(sol.x), np.array(sol.p)


def maximise(eq: Equilibria, ctl: Controls, weights: dict[str, float] | tuple,
              objective: str, u0: np.ndarray, lo: np.ndarray, hi: np.ndarray, *,
              gtol: float = 1e-9, polish: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Maximise a welfare function over the controls ``u`` in ``[lo, hi]``: ``weights`` maps
    regions to weights on their EV (a linear function: one adjoint solve), or is
    ``(regions, fn)`` with ``fn(ev, dev) -> (value, gradient)`` on those regions' EV vector
    and its Jacobian in ``u``. Returns ``(u, gradient of the value at u)``."""
    from .._deps import load

    load("scipy")
    from scipy.optimize import minimize

    regions = list(weights) if isinstance(weights, dict) else list(weights[0])
    D = ctl.D

    def value(u):
        eq.at(ctl.params(u))
        ev = eq.welfare(regions, objective)
        G = eq.welfare_rows(regions, objective)
        if isinstance(weights, dict):
            w = np.array([weights[r] for r in regions])
            return float(w @ ev), eq.gradient((w @ G)[None, :], D)[0]
        return weights[1](ev, eq.gradient(G, D))

    cache = {}

    def fg(u):
        key = u.tobytes()
        if key not in cache:
            f, g = value(np.asarray(u, dtype=float))
            cache.clear()
            cache[key] = (f, g)
        f, g = cache[key]
        return -f, -g

    def fg_scaled(v):  # controls in units of STEP: L-BFGS-B's first step is one unit long
        f, g = fg(v * STEP)
        return f, g * STEP

    u = np.clip(u0, lo, hi)
    # polishing costs 2k gradients per step: for a few controls after a loose quasi-Newton
    # search; for many, only if the tight search stops short of the gradient test
    polish = polish and len(u) <= POLISH_MAX
    res = minimize(fg_scaled, u / STEP, jac=True, method="L-BFGS-B",
                   bounds=list(zip(lo / STEP, hi / STEP)),
                   options={"ftol": 1e-12 if polish else 1e-15, "gtol": gtol * STEP,
                            "maxiter": 200, "maxcor": 20})
    u = np.clip(np.asarray(res.x, dtype=float) * STEP, lo, hi)
    f, g = value(u)
    if polish:  # Newton on the free controls with a finite-difference Hessian of the gradient
        for _ in range(4):
            free = ~(((u <= lo) & (g < 0)) | ((u >= hi) & (g > 0)))
            if not free.any() or np.max(np.abs(g[free])) <= gtol * 1e-2:
                break
            idx = np.flatnonzero(free)
            h = 1e-5
            H = np.zeros((len(idx), len(idx)))
            for a, k in enumerate(idx):
                e = np.zeros_like(u)
                e[k] = h
                H[:, a] = (value(u + e)[1][idx] - value(u - e)[1][idx]) / (2 * h)
            H = (H + H.T) / 2
            if np.any(np.linalg.eigvalsh(H) >= 0):
                break  # not concave here: keep the quasi-Newton answer
            un = u.copy()
            un[idx] = np.clip(u[idx] - np.linalg.solve(H, g[idx]), lo[idx], hi[idx])
            fn, gn = value(un)
            if fn < f - 1e-12 * max(1.0, abs(f)):
                break
            u, f, g = un, fn, gn
    eq.at(ctl.params(u))
    return u, g


def projected(g: np.ndarray, u: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The projected gradient of a maximisation: ``g`` with components that point out of the
    box at a binding bound set to zero."""
    out = g.copy()
    out[(u <= lo) & (g < 0)] = 0.0
    out[(u >= hi) & (g > 0)] = 0.0
    return out


def box(n: int, bounds) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = bounds
    if not lo < hi or lo <= -1:
        raise StrategicError(f"bounds {bounds}: need -1 < lower < upper (rates as fractions)")
    return np.full(n, float(lo)), np.full(n, float(hi))


def optimal_tariff(economy, region: str, kind: str | Instrument = "uniform", *,
                   scenario=None, objective: str = "regional", bounds=BOUNDS,
                   partners: list[str] | None = None, start: dict | None = None) -> Optimum:
    """The tariffs that maximise ``region``'s welfare, other tariffs as in ``scenario``
    (default: the economy's current solution, e.g. the base year).

    Args:
        economy: a :class:`~cge.economy.Economy` (its closure is the one used).
        region: the player.
        kind: an instrument kind (:func:`instrument`) or an :class:`Instrument`.
        scenario: a :class:`~cge.scenario.Scenario` giving every other policy (applied first).
        objective: ``"regional"`` (regional EV) or ``"household"`` (household EV).
        bounds: ``(lower, upper)`` on every control, fractions (default 0 to 500%).
        partners: limit the instrument to imports from these regions.
        start: starting rate by control name (default: the mean of its cells' current rates).

    Returns an :class:`Optimum`; the economy's model holds the optimum's equilibrium.
    """
    t0 = time.perf_counter()
    scale(economy.benchmark, region, objective)  # checks the objective
    ins = kind if isinstance(kind, Instrument) else instrument(economy, region, kind,
                                                               partners=partners)
    x0, p0 = start_point(economy, scenario)
    eq = Equilibria(economy, x0, p0)
    regions = list(economy.benchmark.regions)
    ev0 = dict(zip(regions, eq.welfare(regions, objective).tolist()))
    ctl = Controls(economy, [ins], eq.p)
    lo, hi = box(len(ins), bounds)
    cur = ctl.current()
    u0 = cur if not start else np.array([start.get(name, v) for name, v in zip(ins.names, cur)])
    u, g = maximise(eq, ctl, own_welfare(economy, region, objective), objective, u0, lo, hi)
    ev = dict(zip(regions, eq.welfare(regions, objective).tolist()))
    economy.core.x_to_model(eq.x)
    return Optimum(ins, dict(zip(ins.names, u.tolist())), ev, objective, projected(g, u, lo, hi),
                   g, eq.residual(), eq.x.copy(), eq.p.copy(), eq.solves,
                   time.perf_counter() - t0, ev0, dict(zip(ins.names, cur.tolist())),
                   (float(lo[0]), float(hi[0])))


def own_welfare(economy, region: str, objective: str) -> dict[str, float]:
    """The player's own welfare, in percent of its base income (or consumption)."""
    return {region: 100.0 / scale(economy.benchmark, region, objective)}


def players(economy, regions, kind, against: str) -> list[Instrument]:
    if len(set(regions)) < 2 or len(set(regions)) != len(regions):
        raise StrategicError(f"regions {','.join(regions)}: need at least two different regions")
    if against not in ("players", "all"):
        raise StrategicError(f"against={against!r}: choose 'players' (tariffs on the other "
                             "players' goods) or 'all' (on every partner)")
    return [instrument(economy, r, kind,
                       partners=[s for s in regions if s != r] if against == "players" else None)
            for r in regions]
