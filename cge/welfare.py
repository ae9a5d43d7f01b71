"""Welfare: regional equivalent variation and its decomposition (in the spirit of Huff & Hertel).

Welfare measure
    Each region has a regional household (as in GTAP) whose utility is Cobb–Douglas over
    private consumption, government consumption and real investment, with base-year value shares
    ``α_k`` (k = C, G, I), each sub-utility ``u_k`` the Cobb–Douglas index of its purchases::

        U = Π_k u_k^α_k,      EV = A₀ (U − 1)

    where ``A₀`` is base absorption ``C₀ + G₀ + I₀``. Cobb–Douglas makes the expenditure function
    at base prices linear in utility, so this EV is exact. It counts tariff revenue spent by the
    government and saving spent on investment, which the household-only EV
    (:attr:`cge.results.Results.summary`) leaves out.

Decomposition
    Along the straight line from the base to the new instruments, ``λ ∈ [0, 1]``, the model's
    identities (zero profits, cost minimisation, market clearing, balance of payments) give,
    in each region's own currency at current prices (derivation in docs/welfare.md)::

        Σ_i pq_i dA_i =  Σ_j tz_j/(1+tz_j) pz_j dZ_j                      production taxes
                       + Σ_(s,i) tm_si ε pwe_si dMS_si                      tariffs
                       + ε Σ_(s,i) (MS_out dpwe_out − MS_in dpwe_in)        terms of trade
                       + ε dFS                                              capital flows
                       + Σ pf dF                                            endowments

    and ``dEV = κ Σ_i pq_i dA_i + κ Σ_k (α_k/σ_k − 1) Σ_i pq_i dx_ki`` with ``κ = A₀ U / A``
    (current money into base money) and ``σ_k`` the current share of component k in absorption
    ``A`` (the "final-demand mix" term: the model's saving and government rules move spending
    between C, G and I away from the welfare weights; it is zero when they do not).
    Each term, by sector and partner, is integrated over ``λ`` with Gauss–Legendre quadrature
    at solved points, ``dx/dλ`` from the implicit-function theorem on the factorised Jacobian.
    The parts add up to EV up to the quadrature error, which is reported as ``residual`` and
    driven below ``1e-6 |EV|`` by doubling the number of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from .indicators import base_income
from .model.quantities import absorption0, final_weights, finals
from .path import walk

#: Components of the decomposition, in reporting order, with their group.
COMPONENTS = {
    "tariffs": "allocative efficiency",
    "production taxes": "allocative efficiency",
    "terms of trade": "terms of trade",
    "capital flows": "investment-savings",
    "final-demand mix": "investment-savings",
    "endowments": "endowments",
}


@dataclass
class Decomposition:
    """EV decomposition of one solved scenario.

    Attributes:
        detail: long table (region, component, group, sector, partner, value) in the data's
            currency unit at base prices; ``partner`` is the source (tariffs) or the trade
            partner (terms of trade); for endowments ``sector`` holds the factor; "" where
            not applicable.
        summary: per region: regional EV, each component, and the residual
            (EV − sum of components), in the data's currency unit.
        nodes: Gauss–Legendre nodes used.
        identity_gap: max over regions of |sum of components − ∫ dEV/dλ| at the same nodes:
            how exactly the decomposition's identity holds (rounding only, ~1e-9 of EV).
    """

    detail: pd.DataFrame
    summary: pd.DataFrame
    nodes: int
    identity_gap: float


def regional_ev(model, benchmark) -> dict[str, float]:
    """Regional EV (currency unit of the data) at the model's current point (the named
    quantity ``regional_utility``; results read it from a Solution, :mod:`cge.indicators`)."""
    return {r: absorption0(benchmark, r) * (pyo.value(model.regional_utility[r]) - 1.0)
            for r in benchmark.regions}


def income(b, r) -> float:
    """Base income of region r (GDP at market prices), see :func:`cge.indicators.base_income`."""
    return base_income(b, r)


_finals = finals
_absorption0 = absorption0
_weights = final_weights


def _positions(core) -> tuple[dict, dict]:
    """Positions of model variables in ``x`` and of parameters in ``p`` (cached per core)."""
    c = core.cache.get("positions")
    if c is None:
        c = core.cache["positions"] = ({id(v): k for k, v in enumerate(core.variables)},
                                       {id(o): k for k, o in enumerate(core.param_objects)})
    return c


def ev_gradient(economy, x: np.ndarray, p) -> np.ndarray:
    """d(regional EV)/dx at a solution ``x``, one row per region (base money per unit of x).

    From ``dEV = Ā U Σ_k α_k Σ_i pq_i dx_ki / X_k`` (module docstring): only the final-demand
    quantities carry weight. ``dEV/dλ = G @ dx/dλ`` for any parameter direction.
    """
    core, m, b = economy.core, economy.model, economy.benchmark
    s = _Path(core, x, p, x, p)
    G = np.zeros((len(b.regions), core.n))
    for row, r in enumerate(b.regions):
        u, a0, alpha = s.quantity(m, r), _absorption0(b, r), _weights(b, r)
        for k, flow, var in _finals(b):
            if k not in alpha:
                continue
            comp = getattr(m, var)
            items = [(key, val) for key, val in flow.items() if key[0] == r]
            spend = sum(s.v(m.pq[key]) * val * s.v(comp[key]) for key, val in items)
            for key, val in items:
                j = s.xi.get(id(comp[key]))
                if j is not None:
                    G[row, j] += a0 * u * alpha[k] * s.v(m.pq[key]) * val / spend
    return G


class _Path:
    """Values and λ-derivatives of model components at one solved point of the path."""

    def __init__(self, core, x, p, dx, dp):
        self.x, self.p, self.dx, self.dp = x, p, dx, dp
        self.xi, self.pi = _positions(core)
        self.core, self._q = core, None

    def v(self, obj) -> float:
        k = self.xi.get(id(obj))
        if k is not None:
            return float(self.x[k])
        k = self.pi.get(id(obj))
        return float(self.p[k]) if k is not None else float(pyo.value(obj))

    def quantity(self, model, r) -> float:
        """``regional_utility[r]`` at this point (compiled; computed once for all regions)."""
        if self._q is None:
            self._q = self.core.output_values(np.asarray(self.x), list(self.p))
            self._qpos = {key: k for k, key in enumerate(model.output_keys)}
        return float(self._q[self._qpos[("regional_utility", r)]])

    def d(self, obj) -> float:
        k = self.xi.get(id(obj))
        if k is not None:
            return float(self.dx[k])
        k = self.pi.get(id(obj))
        return float(self.dp[k]) if k is not None else 0.0


def _rates(m, b, r, s: _Path) -> tuple[list[tuple[str, str, str, float]], float]:
    """Terms of dEV/dλ of region r at one point of the path, in base money per unit λ.

    Returns rows (component, sector, partner, value) and dEV/dλ computed directly from the
    sub-utilities (the rows must add up to it: an identity of the model, checked in tests).
    """
    v, d = s.v, s.d
    eps = v(m.eps[r])
    rows: list[tuple[str, str, str, float]] = []
    # tariffs: tm ε pwe dMS, by sector and source
    for (src, dst, i), base in b.MS.items():
        if dst == r:
            rows.append(("tariffs", i, src, v(m.tm[src, r, i]) * eps * v(m.pwe[src, i]) * base
                         * d(m.ms[src, r, i])))
    # production taxes: tz/(1+tz) pz dZ, by sector
    for (rr, j), base in b.Z.items():
        if rr == r:
            tz = v(m.tz[r, j])
            rows.append(("production taxes", j, "", tz / (1 + tz) * v(m.pz[r, j]) * base
                         * d(m.z[r, j])))
    # terms of trade: ε (exports x dpwe_own − imports x dpwe_source), by sector and partner
    for (src, dst, i), base in b.MS.items():
        if src == r:
            rows.append(("terms of trade", i, dst, eps * base * v(m.ms[src, dst, i])
                         * d(m.pwe[r, i])))
        if dst == r:
            rows.append(("terms of trade", i, src, -eps * base * v(m.ms[src, r, i])
                         * d(m.pwe[src, i])))
    # capital flows: ε dFS (foreign saving in the reference currency)
    dfs = d(m.fsv[r]) * _fs_scale(b, r)  # d(foreign_saving): the closure decides what moves it
    rows.append(("capital flows", "", "", eps * dfs))
    # endowments: Σ pf dF, by factor (in the sector column)
    for f in b.factors:
        terms = [v(m.pfs[k] if k in m.SPEC else m.pf[r, f]) * base * d(m.f[k])
                 for k, base in b.F.items() if k[0] == r and k[1] == f]
        if terms:
            rows.append(("endowments", f, "", sum(terms)))
    # κ and the final-demand mix
    spend = {}
    for k, flow, var in _finals(b):
        comp = getattr(m, var)
        spend[k] = (sum(v(m.pq[key]) * val * v(comp[key]) for key, val in flow.items()
                        if key[0] == r),
                    sum(v(m.pq[key]) * val * d(comp[key]) for key, val in flow.items()
                        if key[0] == r))
    total = sum(x for x, _ in spend.values())
    alpha = _weights(b, r)
    u = s.quantity(m, r)
    kappa = _absorption0(b, r) * u / total
    mix = sum((alpha[k] * total / spend[k][0] - 1.0) * spend[k][1] for k in alpha)
    rows = [(c, i, s_, kappa * x) for c, i, s_, x in rows]
    rows.append(("final-demand mix", "", "", kappa * mix))
    # check: dEV/dλ directly from the sub-utilities
    direct = _absorption0(b, r) * u * sum(alpha[k] * spend[k][1] / spend[k][0] for k in alpha)
    return rows, direct


def _fs_scale(b, r) -> float:
    from .model import scale

    return scale(b.SAV[r], b.YH[r])


def decompose(economy, solution=None, *, tol: float = 1e-6,
              max_nodes: int = 128) -> Decomposition:
    """Decompose the regional EV of ``solution`` (see module docstring): a
    :class:`~cge.solution.Solution` of ``economy``, by default its current point (after
    :meth:`cge.economy.Economy.solve`). The path starts from the base instruments with the
    solution's elasticities. Neither the model's variables nor its parameters are changed.

    Raises:
        SolveError: a point on the path from the base to the scenario does not solve.
    """
    from .indicators import compute

    core, m, b = economy.core, economy.model, economy.benchmark
    if solution is None:
        from .solution import Solution

        solution = Solution(core.x_from_model(), core.params(), None)
    p1 = np.array(solution.p)
    p0 = np.array(economy.base_params(p1))
    ev = dict(zip(b.regions, compute(economy, solution, ["ev"])["ev"].tolist()))
    dp = p1 - p0
    n = 8
    while True:
        detail, direct = _integrate(core, m, b, economy.x_base, p0, dp, n)
        parts = detail.groupby("region")["value"].sum()
        resid = {r: ev[r] - parts.get(r, 0.0) for r in b.regions}
        scale = {r: max(abs(ev[r]), 1e-9 * _absorption0(b, r)) for r in b.regions}
        if all(abs(resid[r]) <= tol * scale[r] for r in b.regions) or 2 * n > max_nodes:
            break
        n *= 2
    summary = detail.pivot_table(index="region", columns="component", values="value",
                                 aggfunc="sum").reindex(columns=list(COMPONENTS), fill_value=0.0)
    summary = summary.reindex(list(b.regions)).fillna(0.0)
    summary.insert(0, "EV, regional", pd.Series(ev))
    summary["residual"] = pd.Series(resid)
    gap = max(abs(parts.get(r, 0.0) - direct[r]) for r in b.regions)
    return Decomposition(detail=detail, summary=summary, nodes=n, identity_gap=float(gap))


def _integrate(core, m, b, x_base, p0, dp, n):
    acc: dict[tuple, float] = {}
    direct = {r: 0.0 for r in b.regions}
    for _, wt, x, p, (dx,) in walk(core, x_base, p0, [dp], n):
        state = _Path(core, x, p, dx, dp)
        for r in b.regions:
            rows, dd = _rates(m, b, r, state)
            direct[r] += wt * dd
            for c, i, s, val in rows:
                key = (r, c, i, s)
                acc[key] = acc.get(key, 0.0) + wt * val
    detail = pd.DataFrame([(r, c, COMPONENTS[c], i, s, v) for (r, c, i, s), v in acc.items()],
                          columns=["region", "component", "group", "sector", "partner", "value"])
    return detail, direct
