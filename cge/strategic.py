"""Strategic tariffs: optimal tariffs, Nash tariff wars and the bargaining space.

Optimal tariff (reduced space)
    A player (a region) chooses a few *controls*, each a tariff rate (fraction) set on a group
    of its import cells (:class:`Instrument`: one uniform rate, one per sector, one per
    partner, or named groups of cells), to maximise its welfare ``W`` (regional EV, or
    household EV, in percent of base income), every other tariff held at its current value.
    For given controls ``u`` the equilibrium ``F(x, p(u)) = 0`` is solved by the project's
    Newton method, warm-started from the previous point and its factorisation; the welfare
    gradient comes from the implicit-function theorem by one adjoint solve::

        dW/du_k = ∂W/∂x · dx/du_k = −λᵀ ∂F/∂p · d_k,      Jᵀ λ = (∂W/∂x)ᵀ

    (``d_k`` the parameter direction of control k: 1 on each tariff of its group; ``∂F/∂p · d``
    by central differences with a Richardson step, error ~1e-13 relative, :mod:`cge.path`).
    The bounded problem ``max W(u)``, ``lo ≤ u ≤ hi``, is solved by L-BFGS-B (scipy), then
    polished by Newton steps on the free controls' gradient with a finite-difference Hessian
    of the exact gradient. Why reduced space and not Ipopt on the full system: the controls
    are few (1–20) and the equilibrium is square and solved to 1e-12 by Newton in a few steps
    from a warm start, so each objective value is an exact equilibrium (never an iterate off
    the constraint manifold), and there are no multipliers for thousands of equality
    constraints to converge. The answer is verified by the projected gradient: zero for a free
    control, pointing out of the box at a bound (:attr:`Optimum.projected_gradient`).

Nash equilibrium
    Best responses in turn (Gauss–Seidel): each player's optimal controls given the others'
    current ones, until one full round moves no control by more than ``tol`` (rate, fraction);
    then every player's problem is solved once more at the equilibrium and its gain reported
    (:attr:`NashEquilibrium.deviation_gain`: no profitable unilateral deviation if ~0).

Bargaining
    The Pareto frontier of two players: ``max ω W_A + (1 − ω) W_B`` (EV in the data's currency
    unit) over both players' controls for ω on a grid; the Nash (1950) bargaining solution
    maximises ``(EV_A − d_A)(EV_B − d_B)`` over the same controls, with the threat point ``d``
    the Nash war or the status quo.

References: Ossa (2014), "Trade wars and trade talks with data", AER 104(12); Costinot and
Rodríguez-Clare (2014), "Trade theory with numbers", Handbook of International Economics 4;
Nash (1950), "The bargaining problem", Econometrica 18(2).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .path import parameter_derivative
from .solver import SolveError, masks, newton, residual_blocks, worst_equations
from .welfare import ev_gradient, income

#: Objectives: regional EV (the regional household's: C, G and saving) or household EV.
OBJECTIVES = ("regional", "household")
#: Instrument kinds (:func:`instrument`).
KINDS = ("uniform", "sector", "partner", "cells")
#: Default bounds on a control (tariff rate, fraction): no import subsidies, at most 500%.
BOUNDS = (0.0, 5.0)
#: Scale of the controls in the quasi-Newton search (a first step of 10 points of tariff).
STEP = 0.1
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


class _Equilibria:
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
        du, *_ = np.linalg.lstsq(D.T, p - self.p, rcond=None)
        if not np.allclose(D.T @ du, p - self.p, atol=1e-12):
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
            G = ev_gradient(self.eco, self.x, self.p)
            return G[[list(b.regions).index(r) for r in regions]]
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
        dF = np.column_stack([parameter_derivative(self.core, self.x, self.p, d)
                              for d in directions])
        for fresh in (False, True):
            lu = self.factor() if fresh or self.lu is None else self.lu
            try:
                tsolve = getattr(lu, "solve_transposed", None)
                if tsolve is None:  # a condensed factorisation (cge.condense): factorise Jᵀ
                    from ._scipy import splu

                    tsolve = splu(J.T.tocsc()).solve
                lam = np.array([_refined(tsolve, J.T, g) for g in rows])
                X = -np.column_stack([_refined(lu.solve, J, c) for c in dF.T])
                break
            except _NotConverged:
                if fresh:
                    raise RuntimeError("the adjoint solve did not converge") from None
        # tangents dx/du for the next point's prediction
        self.tangent = (self.p.copy(), X, np.asarray(directions))
        return -(lam @ dF)


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
    if objective == "regional":
        return income(b, r)
    if objective == "household":
        return b.total(b.C, r)
    raise StrategicError(f"unknown objective {objective!r}; choose {' or '.join(OBJECTIVES)}")


class _Controls:
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

    @property
    def welfare(self) -> float:
        """The player's EV at the optimum (currency unit)."""
        return self.ev[self.instrument.region]


def _start(economy, scenario) -> tuple[np.ndarray, np.ndarray]:
    """The scenario's (or the current) equilibrium and parameter vector."""
    if scenario is not None:
        economy.apply(scenario)
        sol = economy.solve()
    else:
        sol = economy.solution if economy.solution is not None else economy.solve()
    return np.array(sol.x), np.array(sol.p)


def _maximise(eq: _Equilibria, ctl: _Controls, weights: dict[str, float] | tuple,
              objective: str, u0: np.ndarray, lo: np.ndarray, hi: np.ndarray, *,
              gtol: float = 1e-9, polish: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Maximise a welfare function over the controls ``u`` in ``[lo, hi]``: ``weights`` maps
    regions to weights on their EV (a linear function: one adjoint solve), or is
    ``(regions, fn)`` with ``fn(ev, dev) -> (value, gradient)`` on those regions' EV vector
    and its Jacobian in ``u``. Returns ``(u, gradient of the value at u)``."""
    from ._deps import load

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
    res = minimize(fg_scaled, u / STEP, jac=True, method="L-BFGS-B",
                   bounds=list(zip(lo / STEP, hi / STEP)),
                   options={"ftol": 1e-12 if polish else 1e-15, "gtol": gtol * STEP,
                            "maxiter": 200, "maxcor": 20})
    u = np.clip(np.asarray(res.x, dtype=float) * STEP, lo, hi)
    f, g = value(u)
    if polish:  # Newton on the free controls with a finite-difference Hessian of the gradient
        for _ in range(4):
            free = ~(((u <= lo) & (g < 0)) | ((u >= hi) & (g > 0)))
            if not free.any() or np.max(np.abs(g[free])) <= gtol * 1e-3:
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


def _bounds(n: int, bounds) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = bounds
    if not lo < hi or lo <= -1:
        raise StrategicError(f"bounds {bounds}: need -1 < lower < upper (rates as fractions)")
    return np.full(n, float(lo)), np.full(n, float(hi))


def optimal_tariff(economy, region: str, kind: str | Instrument = "uniform", *,
                   scenario=None, objective: str = "regional", bounds=BOUNDS,
                   partners: list[str] | None = None, start: dict | None = None,
                   _eq: _Equilibria | None = None) -> Optimum:
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
    if _eq is None:
        x0, p0 = _start(economy, scenario)
        _eq = _Equilibria(economy, x0, p0)
    n0 = _eq.solves
    ctl = _Controls(economy, [ins], _eq.p)
    lo, hi = _bounds(len(ins), bounds)
    u0 = ctl.current()
    if start:
        u0 = np.array([start.get(name, v) for name, v in zip(ins.names, u0)])
    u, g = _maximise(_eq, ctl, _own(economy, region, objective), objective, u0, lo, hi)
    regions = list(economy.benchmark.regions)
    ev = dict(zip(regions, _eq.welfare(regions, objective).tolist()))
    economy.core.x_to_model(_eq.x)
    return Optimum(ins, dict(zip(ins.names, u.tolist())), ev, objective, projected(g, u, lo, hi),
                   g, _eq.residual(), _eq.x.copy(), _eq.p.copy(), _eq.solves - n0,
                   time.perf_counter() - t0)


def _own(economy, region: str, objective: str) -> dict[str, float]:
    """The player's own welfare, in percent of its base income (or consumption)."""
    return {region: 100.0 / scale(economy.benchmark, region, objective)}


def _players(economy, regions, kind, against: str) -> list[Instrument]:
    if len(set(regions)) < 2 or len(set(regions)) != len(regions):
        raise StrategicError(f"regions {','.join(regions)}: need at least two different regions")
    if against not in ("players", "all"):
        raise StrategicError(f"against={against!r}: choose 'players' (tariffs on the other "
                             "players' goods) or 'all' (on every partner)")
    return [instrument(economy, r, kind,
                       partners=[s for s in regions if s != r] if against == "players" else None)
            for r in regions]


@dataclass
class NashEquilibrium:
    """A Nash equilibrium in tariffs (a tariff war).

    Attributes:
        instruments: each player's controls.
        rates: region → control → rate (fraction) at the equilibrium.
        ev: EV of every region at the war (data's currency unit, from the base year).
        ev_free_trade: EV with every player's controls at 0 (others' policies unchanged).
        ev_status_quo: EV at the starting policies (the scenario's, or the base year's).
        rounds: best-response rounds; max_change: the largest change of a rate in the last.
        deviation_gain: region → what re-solving its optimal-tariff problem at the
            equilibrium gains it (currency unit; ~0: no profitable unilateral deviation).
        projected_gradient: region → its projected welfare gradient at the equilibrium.
        history: the rates after each round (stacked controls, fractions).
        residual: max equilibrium residual; seconds: wall time.
    """

    instruments: list[Instrument]
    rates: dict[str, dict[str, float]]
    ev: dict[str, float]
    ev_free_trade: dict[str, float]
    ev_status_quo: dict[str, float]
    rounds: int
    max_change: float
    deviation_gain: dict[str, float]
    projected_gradient: dict[str, np.ndarray]
    history: list[np.ndarray]
    residual: float
    objective: str
    u: np.ndarray = field(repr=False)
    x: np.ndarray = field(repr=False)
    p: np.ndarray = field(repr=False)
    seconds: float = 0.0


def nash(economy, regions: list[str], kind: str = "uniform", *, scenario=None,
         objective: str = "regional", bounds=BOUNDS, against: str = "players",
         tol: float = 1e-6, max_rounds: int = 100) -> NashEquilibrium:
    """Nash equilibrium in tariffs among ``regions``, each choosing its instrument ``kind``
    (:func:`instrument`) on imports from the other players (``against="players"``) or from
    everyone (``"all"``) to maximise its own EV, the other tariffs as in ``scenario``.

    Best responses in turn (Gauss–Seidel), each from the previous round's rates, until a
    full round changes no rate by more than ``tol`` (fraction); then each player's problem
    is solved once more at the equilibrium: :attr:`NashEquilibrium.deviation_gain`.

    Raises:
        StrategicError: fewer than two players, a bad instrument or objective.
        RuntimeError: no convergence within ``max_rounds`` rounds.
    """
    t0 = time.perf_counter()
    b = economy.benchmark
    for r in regions:
        scale(b, r, objective)
    ins = _players(economy, regions, kind, against)
    x0, p0 = _start(economy, scenario)
    eq = _Equilibria(economy, x0, p0)
    allr = list(b.regions)
    status = dict(zip(allr, eq.welfare(allr, objective).tolist()))
    ctl = _Controls(economy, ins, p0)
    lo, hi = _bounds(len(ctl.D), bounds)
    u = np.clip(ctl.current(), lo, hi)
    history, change, rounds = [], np.inf, 0
    while change > tol:
        if rounds >= max_rounds:
            raise RuntimeError(f"best responses did not converge in {max_rounds} rounds (last "
                               f"change {change:.3g}): the war may cycle; try another instrument")
        rounds += 1
        old = u.copy()
        for k, r in enumerate(regions):
            sl = ctl.slices[k]
            sub = _Controls(economy, [ins[k]], ctl.params(u))
            u[sl], _ = _maximise(eq, sub, _own(economy, r, objective), objective, u[sl],
                                 lo[sl], hi[sl])
        change = float(np.max(np.abs(u - old)))
        history.append(u.copy())
    eq.at(ctl.params(u))
    x, p = eq.x.copy(), eq.p.copy()
    war = dict(zip(allr, eq.welfare(allr, objective).tolist()))
    gains, pg = {}, {}
    for k, r in enumerate(regions):  # no profitable unilateral deviation
        sl = ctl.slices[k]
        sub = _Controls(economy, [ins[k]], p)
        eq.at(p)
        g0 = eq.gradient(eq.welfare_rows([r], objective) * _own(economy, r, objective)[r],
                         sub.D)[0]
        pg[r] = projected(g0, u[sl], lo[sl], hi[sl])
        ud, _ = _maximise(eq, sub, _own(economy, r, objective), objective, u[sl], lo[sl], hi[sl])
        gains[r] = float(eq.welfare([r], objective)[0] - war[r])
    free = np.zeros_like(u)
    eq.at(ctl.params(free))
    ft = dict(zip(allr, eq.welfare(allr, objective).tolist()))
    eq.at(p)
    economy.core.x_to_model(x)
    rates = {r: dict(zip(ins[k].names, u[ctl.slices[k]].tolist())) for k, r in enumerate(regions)}
    return NashEquilibrium(ins, rates, war, ft, status, rounds, change, gains, pg, history,
                           eq.residual(), objective, u.copy(), x, p, time.perf_counter() - t0)


@dataclass
class Frontier:
    """The bargaining space of two players.

    Attributes:
        instruments: the two players' controls.
        points: one row per weight ω: ``weight`` (on the first player's EV), each player's
            EV (currency unit), then the rates of every control (fractions).
        threat: the threat point's EV of each player (``threat_kind``: the Nash war or the
            status quo).
        war: the Nash war (None if the threat is the status quo and no war was computed).
        bargain: the Nash bargaining solution: ``ev`` by player and ``rates``, or None if no
            agreement beats the threat point for both.
        status_quo: each player's EV at the starting policies.
        seconds: wall time.
    """

    instruments: list[Instrument]
    points: object  # pandas DataFrame
    threat: dict[str, float]
    threat_kind: str
    war: NashEquilibrium | None
    bargain: dict | None
    status_quo: dict[str, float]
    seconds: float = 0.0

    @property
    def regions(self) -> list[str]:
        return [i.region for i in self.instruments]

    def frontier_value(self, ev_first: float) -> float:
        """The second player's EV on the frontier where the first's is ``ev_first`` (linear
        interpolation between the computed points; nan outside them)."""
        a, b = self.regions
        pts = self.points.sort_values(a)
        return float(np.interp(ev_first, pts[a], pts[b], left=np.nan, right=np.nan))


def frontier(economy, regions: list[str], kind: str = "uniform", *, scenario=None,
             objective: str = "regional", bounds=BOUNDS, against: str = "players",
             points: int = 50, threat: str = "nash", war: NashEquilibrium | None = None
             ) -> Frontier:
    """Pareto frontier of agreements between two players, the threat point and the Nash
    (1950) bargaining solution.

    Each frontier point maximises ``ω EV_A + (1 − ω) EV_B`` (EV in the data's currency unit)
    over both players' controls for ``points`` weights ω from 0 to 1, warm-started from the
    previous point (weighted sums find the frontier's concave part; a non-concave stretch
    shows as a gap between neighbouring points). The threat point is the Nash war
    (``threat="nash"``, computed unless given as ``war``) or the status quo
    (``"status_quo"``); the bargaining solution maximises
    ``log(EV_A − d_A) + log(EV_B − d_B)`` over the controls, from the frontier point with the
    largest Nash product.
    """
    import pandas as pd

    t0 = time.perf_counter()
    if len(regions) != 2:
        raise StrategicError(f"regions {','.join(regions)}: a frontier needs exactly two")
    if threat not in ("nash", "status_quo"):
        raise StrategicError(f"threat={threat!r}: choose 'nash' or 'status_quo'")
    if points < 2:
        raise StrategicError(f"points={points}: need at least 2")
    a, b = regions
    for r in regions:
        scale(economy.benchmark, r, objective)
    ins = _players(economy, regions, kind, against)
    if threat == "nash" and war is None:
        war = nash(economy, regions, kind, scenario=scenario, objective=objective,
                   bounds=bounds, against=against)
    x0, p0 = _start(economy, scenario)
    eq = _Equilibria(economy, x0, p0)
    status = dict(zip(regions, eq.welfare(regions, objective).tolist()))
    d = dict(zip(regions, [war.ev[a], war.ev[b]])) if threat == "nash" else status
    ctl = _Controls(economy, ins, p0)
    lo, hi = _bounds(len(ctl.D), bounds)
    norm = 100.0 / (scale(economy.benchmark, a, objective) + scale(economy.benchmark, b, objective))
    names = [f"{i.region}:{n}" for i in ins for n in i.names]
    rows, u = [], np.zeros(len(ctl.D))
    for w in np.linspace(1.0, 0.0, points):
        u, _ = _maximise(eq, ctl, {a: w * norm, b: (1 - w) * norm}, objective, u, lo, hi,
                         polish=False)
        ev = eq.welfare(regions, objective)
        rows.append([float(w), *ev.tolist(), *u.tolist()])
    pts = pd.DataFrame(rows, columns=["weight", a, b, *names])
    gap = np.minimum(pts[a] - d[a], pts[b] - d[b])
    bargain = None
    if (gap > 0).any():
        k = int(np.argmax(np.where(gap > 0, np.log(np.maximum(pts[a] - d[a], 1e-300))
                                   + np.log(np.maximum(pts[b] - d[b], 1e-300)), -np.inf)))
        dd = np.array([d[a], d[b]])

        def nash_product(ev, dev):
            s = ev - dd
            if np.any(s <= 0):
                return -1e30, np.zeros(dev.shape[1])
            return float(np.sum(np.log(s))), (dev / s[:, None]).sum(axis=0)

        ub, _ = _maximise(eq, ctl, (regions, nash_product), objective,
                          pts.loc[k, names].to_numpy(dtype=float), lo, hi, polish=False)
        ev = eq.welfare(regions, objective)
        bargain = {"ev": dict(zip(regions, ev.tolist())),
                   "rates": dict(zip(names, ub.tolist()))}
    economy.core.x_to_model(eq.x)
    return Frontier(ins, pts, d, threat, war, bargain, status, time.perf_counter() - t0)
