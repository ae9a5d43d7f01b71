"""Tariff games: Nash equilibria by best responses and the bargaining frontier of two players
(see :mod:`cge.strategic`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .optimum import (
    BOUNDS,
    Controls,
    Equilibria,
    Instrument,
    StrategicError,
    box,
    maximise,
    own_welfare,
    players,
    projected,
    scale,
    start_point,
)

#: Best responses of the first rounds of a war, while the rates still move by more than
#: LOOSE_CHANGE (fraction): a loose gradient test and no Newton polish (the rounds after that
#: use the full ones of :func:`~cge.strategic.optimum.maximise`).
LOOSE = {"gtol": 1e-5, "polish": False}
LOOSE_CHANGE = 1e-3


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
    x_free: np.ndarray = field(repr=False, default=None)
    p_free: np.ndarray = field(repr=False, default=None)
    seconds: float = 0.0


def nash(economy, regions: list[str], kind: str = "uniform", *, scenario=None,
         objective: str = "regional", bounds=BOUNDS, against: str = "players",
         tol: float = 1e-6, max_rounds: int = 100) -> NashEquilibrium:
    """Nash equilibrium in tariffs among ``regions``, each choosing its instrument ``kind``
    (:func:`instrument`) on imports from the other players (``against="players"``) or from
    everyone (``"all"``) to maximise its own EV, the other tariffs as in ``scenario``.

    Best responses in turn (Gauss–Seidel), each from the previous round's rates and the
    last equilibrium, until a full round changes no rate by more than ``tol`` (fraction);
    the first rounds, while a round still moves some rate by more than
    :data:`LOOSE_CHANGE`, use a loose gradient test (:data:`LOOSE`), and only a round at
    full precision can end the war. Then each player's problem is solved once more at the
    equilibrium: :attr:`NashEquilibrium.deviation_gain`.

    Raises:
        StrategicError: fewer than two players, a bad instrument or objective.
        RuntimeError: no convergence within ``max_rounds`` rounds.
    """
    t0 = time.perf_counter()
    b = economy.benchmark
    for r in regions:
        scale(b, r, objective)
    ins = players(economy, regions, kind, against)
    x0, p0 = start_point(economy, scenario)
    eq = Equilibria(economy, x0, p0)
    allr = list(b.regions)
    status = dict(zip(allr, eq.welfare(allr, objective).tolist()))
    ctl = Controls(economy, ins, p0)
    lo, hi = box(len(ctl.D), bounds)
    u = np.clip(ctl.current(), lo, hi)
    history, change, rounds, loose = [], np.inf, 0, True
    while True:
        if rounds >= max_rounds:
            raise RuntimeError(f"best responses did not converge in {max_rounds} rounds (last "
                               f"change {change:.3g}): the war may cycle; try another instrument")
        rounds += 1
        old = u.copy()
        for k, r in enumerate(regions):
            sl = ctl.slices[k]
            sub = Controls(economy, [ins[k]], ctl.params(u))
            u[sl], _ = maximise(eq, sub, own_welfare(economy, r, objective), objective, u[sl],
                                 lo[sl], hi[sl], **(LOOSE if loose else {}))
        change = float(np.max(np.abs(u - old)))
        history.append(u.copy())
        if not loose and change <= tol:  # only a round at full precision ends the war
            break
        # the rounds after the first to change no rate by more than LOOSE_CHANGE: at full
        # precision
        loose = loose and change > LOOSE_CHANGE
    eq.at(ctl.params(u))
    x, p = eq.x.copy(), eq.p.copy()
    war = dict(zip(allr, eq.welfare(allr, objective).tolist()))
    gains, pg = {}, {}
    for k, r in enumerate(regions):  # no profitable unilateral deviation
        sl = ctl.slices[k]
        sub = Controls(economy, [ins[k]], p)
        eq.at(p)
        g0 = eq.gradient(eq.welfare_rows([r], objective) * own_welfare(economy, r, objective)[r],
                         sub.D)[0]
        pg[r] = projected(g0, u[sl], lo[sl], hi[sl])
        ud, _ = maximise(eq, sub, own_welfare(economy, r, objective), objective, u[sl], lo[sl], hi[sl])
        gains[r] = float(eq.welfare([r], objective)[0] - war[r])
    p_free = ctl.params(np.zeros_like(u))
    x_free = eq.at(p_free).copy()
    ft = dict(zip(allr, eq.welfare(allr, objective).tolist()))
    eq.at(p)
    economy.core.x_to_model(x)
    rates = {r: dict(zip(ins[k].names, u[ctl.slices[k]].tolist())) for k, r in enumerate(regions)}
    return NashEquilibrium(ins, rates, war, ft, status, rounds, change, gains, pg, history,
                           eq.residual(), objective, u.copy(), x, p, x_free, p_free,
                           time.perf_counter() - t0)


@dataclass
class BestResponses:
    """Best-response curves of a two-player war in which each player has one control.

    Attributes:
        regions: the two players, in the war's order.
        grid: the other player's rate (fraction) at which each player responds, ``(points,)``.
        response: ``response[k, j]``: player ``k``'s best rate (fraction) when the other
            player's rate is ``grid[j]``; every other tariff as in the war's start.
        war: the two rates at the Nash equilibrium (where the curves cross).
    """

    regions: list[str]
    grid: np.ndarray
    response: np.ndarray
    war: np.ndarray


def best_responses(economy, war: NashEquilibrium, *, scenario=None, points: int = 9,
                   bounds=BOUNDS, grid=None) -> BestResponses:
    """Each player's best response (its optimal rate, :func:`maximise`) to ``points`` rates of
    the other, on ``grid`` (fractions; default: ``points`` rates from 0 to 2.5 times the
    larger war rate, at least 5%), for a
    two-player war with one control each (``uniform`` instruments, or one cell each). The
    curves cross at the war: at the other's war rate, a player's best response is its war rate.

    Raises:
        StrategicError: not two players with one control each.
    """
    ins = war.instruments
    x0, p0 = start_point(economy, scenario)
    ctl = Controls(economy, ins, p0)
    if len(ins) != 2 or [s.stop - s.start for s in ctl.slices] != [1, 1]:
        raise StrategicError("best-response curves need two players with one control each "
                             "(--instrument uniform, or one cell each)")
    regions = [i.region for i in ins]
    lo, hi = box(len(ctl.D), bounds)
    eq = Equilibria(economy, war.x, war.p)
    grid = (np.linspace(0.0, min(float(hi.min()), max(2.5 * float(war.u.max()), 0.05)), points)
            if grid is None else np.asarray(grid, dtype=float))
    response = np.empty((2, len(grid)))
    for k, r in enumerate(regions):
        mine, other = ctl.slices[k], ctl.slices[1 - k]
        for j, v in enumerate(grid):
            u = war.u.copy()
            u[other] = v
            sub = Controls(economy, [ins[k]], ctl.params(u))
            best, _ = maximise(eq, sub, own_welfare(economy, r, war.objective), war.objective,
                               u[mine], lo[mine], hi[mine])
            response[k, j] = float(best[0])
    return BestResponses(regions, grid, response, war.u.copy())


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
    ins = players(economy, regions, kind, against)
    if threat == "nash" and war is None:
        war = nash(economy, regions, kind, scenario=scenario, objective=objective,
                   bounds=bounds, against=against)
    x0, p0 = start_point(economy, scenario)
    eq = Equilibria(economy, x0, p0)
    status = dict(zip(regions, eq.welfare(regions, objective).tolist()))
    d = dict(zip(regions, [war.ev[a], war.ev[b]])) if threat == "nash" else status
    ctl = Controls(economy, ins, p0)
    lo, hi = box(len(ctl.D), bounds)
    norm = 100.0 / (scale(economy.benchmark, a, objective) + scale(economy.benchmark, b, objective))
    names = [f"{i.region}:{n}" for i in ins for n in i.names]
    rows, u = [], np.zeros(len(ctl.D))
    for w in np.linspace(1.0, 0.0, points):
        u, _ = maximise(eq, ctl, {a: w * norm, b: (1 - w) * norm}, objective, u, lo, hi,
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

        ub, _ = maximise(eq, ctl, (regions, nash_product), objective,
                          pts.loc[k, names].to_numpy(dtype=float), lo, hi, polish=False)
        ev = eq.welfare(regions, objective)
        bargain = {"ev": dict(zip(regions, ev.tolist())),
                   "rates": dict(zip(names, ub.tolist()))}
    economy.core.x_to_model(eq.x)
    return Frontier(ins, pts, d, threat, war, bargain, status, time.perf_counter() - t0)
