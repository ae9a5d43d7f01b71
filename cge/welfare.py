"""Welfare: the regional household's equivalent variation and its decomposition (GTAP's).

Welfare measure
    Each region has a regional household, as in GTAP (McDougall 2003, GTAP Technical Paper 20;
    Corong et al. 2017, §2.3), whose utility is Cobb–Douglas over private consumption ``C``,
    government consumption ``G`` and real national saving ``S`` (household plus government
    saving, deflated by GTAP's world price of saving ``Ps`` — the investment-weighted
    Cobb–Douglas average of the regions' prices of investment goods ``PI_q/ε_q`` in the
    reference currency — converted at the exchange rate), with base-year shares ``α_k`` of
    regional income ``Y`` (factor income plus every tax, tariffs included)::

        U = u_C^α_C · u_G^α_G · (NS / (ε Ps · NS₀))^α_S,      EV = Y₀ (U − 1)

    ``u_C``, ``u_G`` are the Cobb–Douglas indices of the purchases. Cobb–Douglas makes the
    expenditure function at base prices linear in utility, so this EV is exact. Foreign-
    financed investment is not welfare: only national saving is valued. The household-only EV
    (:attr:`cge.results.Results.summary`) is the second measure.

Decomposition
    With ``X_k`` the current value of component k (``X_C``, ``X_G`` the spending, ``X_S = NS``)
    and ``dX_k`` its real change at current prices (``Σ pq dc``, ``Σ pq dg``,
    ``dNS − NS d ln(ε Ps)``), the model's identities (zero profits, cost minimisation, market
    clearing, balance of payments) give, in each region's currency (docs/welfare.md)::

        Σ_k dX_k =  allocative efficiency (tariffs, quotas, export taxes, VERs, production taxes)
                  + terms of trade at c.i.f. prices
                  + technology
                  + X_I (d ln PI − d ln ε − d ln Ps) + ε FS d ln Ps      investment–savings
                  + Σ pf dF                                             endowments (employment)

    The capital inflow ``ε dFS`` that finances investment cancels. What remains of saving and
    investment is GTAP's I–S effect, a terms of trade in capital goods: the region supplies
    investment ``X_I`` at its price ``PI`` and buys saving ``NS = X_I − ε FS`` at ``Ps``
    (Huff and Hertel 2000; it sums to about zero over the world). Then
    ``dEV = κ Σ_k dX_k + κ Σ_k (α_k Y/X_k − 1) dX_k`` with ``κ = Y₀ U / Y``: the second sum,
    "spending mix", is zero when income is split in the base shares (the revenue rule
    ``regional_household``, GTAP's) and measures what a rule that moves spending between C, G
    and saving costs or gains. Each term, by sector and partner, is integrated over the straight
    line from the base to the new instruments with Gauss–Legendre quadrature at solved points,
    ``dx/dλ`` from the implicit-function theorem on the factorised Jacobian; the parts add up
    to EV up to the quadrature error, reported as ``residual`` and driven below ``1e-6 |EV|``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.core as pyo

from .model import scale
from .model.quantities import finals, income0, saving_weights, welfare_weights
from .path import walk
from .solver import blas_for

#: Components of the decomposition, in reporting order, with their GTAP group.
COMPONENTS = {
    "tariffs": "allocative efficiency",
    "import quotas": "allocative efficiency",
    "export taxes": "allocative efficiency",
    "export restraints": "allocative efficiency",
    "production taxes": "allocative efficiency",
    "technology": "technology",
    "terms of trade": "terms of trade",
    "investment-savings": "investment-savings",
    "endowments": "endowments",
    "employment": "endowments",
    "spending mix": "spending mix",
}

#: Column codes of the ``welfare`` table (:attr:`cge.results.Results.welfare`): the regional
#: EV, each component of :data:`COMPONENTS` (``ae_``: allocative efficiency) and the residual.
CODES = {"EV, regional": "ev", "tariffs": "ae_tariffs", "import quotas": "ae_import_quotas",
         "export taxes": "ae_export_taxes", "export restraints": "ae_export_restraints",
         "production taxes": "ae_production_taxes", "technology": "technology",
         "terms of trade": "terms_of_trade", "investment-savings": "investment_savings",
         "endowments": "endowments", "employment": "endowments_employment",
         "spending mix": "spending_mix", "residual": "residual"}


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
    return {r: income0(benchmark, r) * (pyo.value(model.regional_utility[r]) - 1.0)
            for r in benchmark.regions}


def income(b, r) -> float:
    """Base regional income of region r (GDP at market prices, data unit)."""
    return income0(b, r)


def _positions(core) -> tuple[dict, dict]:
    """Positions of model variables in ``x`` and of parameters in ``p`` (cached per core)."""
    c = core.cache.get("positions")
    if c is None:
        c = core.cache["positions"] = ({id(v): k for k, v in enumerate(core.variables)},
                                       {id(o): k for k, o in enumerate(core.param_objects)})
    return c


def ev_gradient(economy, x: np.ndarray, p, regions: list[str] | None = None) -> np.ndarray:
    """d(regional EV)/dx at ``x``, one row per region of ``regions`` (default: every region
    of the data, in its order; base money per unit of x): the exact
    partial derivatives of ``Y₀ U`` (module docstring), through the consumption and
    government quantities, saving, the exchange rate, foreign saving and the prices of
    investment goods. ``dEV/dλ = G @ dx/dλ`` for any parameter direction."""
    core, m, b = economy.core, economy.model, economy.benchmark
    s = _Path(core, x, p, x, p)
    regions = list(b.regions) if regions is None else list(regions)
    G = np.zeros((len(regions), core.n))

    def add(row, obj, val):
        j = s.xi.get(id(obj))
        if j is not None:
            G[row, j] += val

    for row, r in enumerate(regions):
        scale_u = income0(b, r) * s.quantity(m, r)
        w = welfare_weights(b, r)
        for k, flow, var in finals(b)[:2]:
            if k in w:
                comp, tot = getattr(m, var), b.total(flow, r)
                for key, val in flow.items():
                    if key[0] == r:
                        add(row, comp[key], scale_u * w[k] * val / tot / s.v(comp[key]))
        if "S" in w:  # real saving NS / (ε_r Ps), Ps = Π_q (PI_q / ε_q)^θ_q
            ns, c = s.saving(m, r), scale_u * w["S"]
            sc = scale(b.SAV[r], b.YH[r])
            add(row, m.sav[r], c / ns * sc)
            add(row, m.eps[r], -c / ns * s.v(m.fsv[r]) * sc - c / s.v(m.eps[r]))
            add(row, m.fsv[r], -c / ns * s.v(m.eps[r]) * sc)
            for q, theta in saving_weights(b).items():
                add(row, m.eps[q], c * theta / s.v(m.eps[q]))
                tot = b.total(b.I, q)
                for key, val in b.I.items():
                    if key[0] == q:
                        add(row, m.pq[key], -c * theta * val / tot / s.v(m.pq[key]))
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

    def quantity(self, model, r, name: str = "regional_utility") -> float:
        """The named quantity ``name[r]`` at this point (compiled; computed once)."""
        if self._q is None:
            self._q = self.core.output_values(np.asarray(self.x), list(self.p))
            self._qpos = {key: k for k, key in enumerate(model.output_keys)}
        return float(self._q[self._qpos[(name, r)]])

    def saving(self, model, r) -> float:
        """National saving of region r at this point (local currency)."""
        return self.quantity(model, r, "national_saving")

    def d(self, obj) -> float:
        k = self.xi.get(id(obj))
        if k is not None:
            return float(self.dx[k])
        k = self.pi.get(id(obj))
        return float(self.dp[k]) if k is not None else 0.0


class _Gather:
    """Values and λ-derivatives of many model components at once: each is a variable (a
    position in ``x``), a parameter (a position in ``p``) or a constant (derivative 0)."""

    def __init__(self, core, objs):
        xi, pi = _positions(core)
        self._set([_record(xi, pi, o) for o in objs])

    @classmethod
    def of(cls, core, m, name: str, keys: list) -> _Gather:
        """The elements ``keys`` of the component ``name`` of model ``m``, through the
        component's :func:`_lookup` (no Pyomo indexing per element)."""
        lut = _lookup(core, m, name)
        g = cls.__new__(cls)
        recs = [lut.get(k) for k in keys]
        if any(rec is None for rec in recs):  # an element built on access: through Pyomo
            xi, pi = _positions(core)
            comp = getattr(m, name)
            recs = [rec if rec is not None else _record(xi, pi, comp[k])
                    for rec, k in zip(recs, keys, strict=True)]
        g._set(recs)
        return g

    def _set(self, recs: list[tuple[int, int, float]]) -> None:
        kind = np.array([k for k, _, _ in recs], dtype=np.int8)
        idx = np.array([i for _, i, _ in recs], dtype=np.intp)
        self.const = np.array([c for _, _, c in recs], dtype=float)
        self.n = len(recs)
        self.on_x, self.on_p = np.flatnonzero(kind == 0), np.flatnonzero(kind == 1)
        self.ix, self.ip = idx[self.on_x], idx[self.on_p]
        self.all_x = len(self.on_x) == self.n  # the common case: all free variables

    def _pick(self, xs, ps, const: bool) -> np.ndarray:
        if self.all_x:
            return xs[self.ix]
        out = self.const.copy() if const else np.zeros(self.n)
        out[self.on_x] = xs[self.ix]
        out[self.on_p] = ps[self.ip]
        return out

    def v(self, s: _Path) -> np.ndarray:
        return self._pick(np.asarray(s.x), np.asarray(s.p, dtype=float), True)

    def d(self, s: _Path) -> np.ndarray:
        return self._pick(np.asarray(s.dx), np.asarray(s.dp, dtype=float), False)


def _record(xi: dict, pi: dict, o) -> tuple[int, int, float]:
    """``(kind, position, constant)`` of a model component: a free variable (0, its position
    in ``x``), a mutable parameter or fixed variable (1, its position in ``p``) or a constant
    (2, its value)."""
    k = xi.get(id(o))
    if k is not None:
        return 0, k, 0.0
    k = pi.get(id(o))
    return (1, k, 0.0) if k is not None else (2, 0, float(pyo.value(o)))


def _lookup(core, m, name: str) -> dict:
    """``index → (kind, position, constant)`` (:func:`_record`) of every element of the
    component ``name`` of ``m``, made in one pass over it and kept per core and model."""
    c = core.cache.get("welfare lookups")
    if c is None or c[0] is not m:
        c = core.cache["welfare lookups"] = (m, {})
    lut = c[1].get(name)
    if lut is None:
        xi, pi = _positions(core)
        lut = c[1][name] = {k: _record(xi, pi, o) for k, o in getattr(m, name).items()}
    return lut


class _RegionTerms:
    """The terms of dEV/dλ of one region, laid out once per economy: labels (component,
    sector, partner) and the components they are computed from, gathered as arrays."""

    def __init__(self, core, m, b, r, by: dict | None = None):
        self.r = r
        by = _by_region(b) if by is None else by  # the base flows grouped by region, in order
        into = by["into"].get(r, [])  # r's imports
        out = by["out"].get(r, [])    # r's exports
        z = by["Z"].get(r, [])
        g = lambda objs: _Gather(core, objs)  # noqa: E731

        def gk(name: str, keys: list) -> _Gather:
            return _Gather.of(core, m, name, keys)

        ik, ok, zk = [k for k, _ in into], [k for k, _ in out], [k for k, _ in z]
        self.im_base = np.array([base for _, base in into])
        self.im = {n: gk(n, ik) for n in ("tm", "tmq", "te", "teq", "ms")}
        self.im_pwe = gk("pwe", [(k[0], k[2]) for k in ik])
        self.ex_base = np.array([base for _, base in out])
        self.ex = {n: gk(n, ok) for n in ("te", "teq", "ms")}
        self.ex_pwe = gk("pwe", [(r, k[2]) for k in ok])
        self.z_base = np.array([base for _, base in z])
        self.z = {n: gk(n, zk) for n in ("tz", "pz", "z", "ao")}
        self.factors = []
        for f in b.factors:
            keys = [(k, base) for k, base in by["F"].get(r, []) if k[1] == f]
            if keys:
                price = g([m.pfs[k] if k in m.SPEC else m.pf[r, f] for k, _ in keys])
                free = (r, f) in m.MOB and not m.eq_employment[r, f].active
                self.factors.append((f, "employment" if free else "endowments", price,
                                     gk("f", [k for k, _ in keys]),
                                     np.array([b for _, b in keys])))
        self.y0, self.weights = income0(b, r), welfare_weights(b, r)  # base data: fixed
        # the regional household's spending: C and G (price x base x quantity) and investment
        self.finals = {}
        for k, _, var in finals(b):
            items = by[k].get(r, [])
            if items:
                keys = [key for key, _ in items]
                self.finals[k] = (gk("pq", keys), gk(var, keys),
                                  np.array([val for _, val in items]))
        self.has_saving = "I" in self.finals or bool(b.FS[r])
        self.fs_scale = scale(b.SAV[r], b.YH[r])
        ims, exs, zs = [k for k, _ in into], [k for k, _ in out], [k for k, _ in z]
        self.labels = ([("tariffs", i, src) for src, _, i in ims]
                       + [("import quotas", i, src) for src, _, i in ims]
                       + [("export taxes", i, dst) for _, dst, i in exs]
                       + [("export restraints", i, dst) for _, dst, i in exs]
                       + [("production taxes", j, "") for _, j in zs]
                       + [("technology", j, "") for _, j in zs]
                       + [("terms of trade", i, dst) for _, dst, i in exs]
                       + [("terms of trade", i, src) for src, _, i in ims]
                       + [("investment-savings", "", "")]
                       + [(c, f, "") for f, c, *_ in self.factors]
                       + [("spending mix", "", "")])

    def spending(self, k: str, s: _Path) -> tuple[float, float]:
        """Spending on final-demand component ``k`` (C, G or I): its current value and the
        λ-derivative of its real part at current prices, ``Σ pq base dq`` (0, 0 if none)."""
        if k not in self.finals:
            return 0.0, 0.0
        pq, q, base = self.finals[k]
        pv = pq.v(s) * base
        return float(pv @ q.v(s)), float(pv @ q.d(s))

    def dlog_pi(self, s: _Path) -> float:
        """d ln PI_r / dλ: the region's Cobb–Douglas price index of investment goods."""
        if "I" not in self.finals:
            return 0.0
        pq, _, base = self.finals["I"]
        return float(base @ (pq.d(s) / pq.v(s))) / float(base.sum())

    def household(self, m, s: _Path, dps: float) -> dict[str, tuple[float, float]]:
        """Per component k of the regional household (C, G, S): its current value ``X_k``
        and the λ-derivative of its real part ``dX_k`` at current prices (module docstring);
        ``dps`` is d ln Ps / dλ, the world price of saving."""
        out = {k: self.spending(k, s) for k in ("C", "G") if k in self.finals}
        if self.has_saving:
            r = self.r
            ns = s.saving(m, r)
            fs, dfs = s.v(m.fsv[r]) * self.fs_scale, s.d(m.fsv[r]) * self.fs_scale
            eps, deps = s.v(m.eps[r]), s.d(m.eps[r])
            dval = 0.0
            if "I" in self.finals:
                pq, q, base = self.finals["I"]
                dval = float(base @ (pq.d(s) * q.v(s) + pq.v(s) * q.d(s)))
            dval -= deps * fs + eps * dfs
            out["S"] = (ns, dval - ns * (deps / eps + dps))
        return out

    def values(self, m, b, s: _Path, dps: float) -> tuple[np.ndarray, float]:
        """The terms in :attr:`labels` order (base money per unit λ), and dEV/dλ computed
        directly from the utility function (the terms must add up to it: an identity of the
        model, checked in tests); ``dps``: :func:`_dlog_ps`."""
        r = self.r
        eps = s.v(m.eps[r])
        iv = {n: gt.v(s) for n, gt in self.im.items()}
        # tariffs and import-quota rents: τm (1+τe) ε pwe dMS, by sector and source (τm = tm + tmq)
        wedge = ((1 + iv["te"] + iv["teq"]) * eps * self.im_pwe.v(s) * self.im_base
                 * self.im["ms"].d(s))
        ev = {n: gt.v(s) for n, gt in self.ex.items()}
        # export taxes and VER rents: τe ε pwe dMS on r's sales, by sector and destination
        flow = eps * self.ex_pwe.v(s) * self.ex_base * self.ex["ms"].d(s)
        # production taxes tz/(1+tz) pz dZ and technology pz Z/(1+tz) d ln ao, by sector
        tz, pz, zq, ao = (self.z[n].v(s) for n in ("tz", "pz", "z", "ao"))
        prod = tz / (1 + tz) * pz * self.z_base * self.z["z"].d(s)
        tech = pz * self.z_base * zq / (1 + tz) * self.z["ao"].d(s) / ao
        # terms of trade: ε (exports x d(c.i.f. price) − imports x d(c.i.f. price)), by sector
        # and partner; the c.i.f. price of a flow is (1 + τe) pwe (the exporter's tax included)
        def cif(vals, ders, pwe):
            return ((1 + vals["te"] + vals["teq"]) * pwe.d(s)
                    + pwe.v(s) * (ders["te"].d(s) + ders["teq"].d(s)))

        tot_x = eps * self.ex_base * ev["ms"] * cif(ev, self.ex, self.ex_pwe)
        tot_m = -eps * self.im_base * iv["ms"] * cif(iv, self.im, self.im_pwe)
        # investment–savings (GTAP's): investment x (d ln PI − d ln ε − d ln Ps), the price of
        # investment goods against the world price of saving, plus ε FS d ln Ps
        fs = s.v(m.fsv[r]) * self.fs_scale
        inv = self.spending("I", s)[0]
        i_s = inv * (self.dlog_pi(s) - s.d(m.eps[r]) / eps - dps) + eps * fs * dps
        # endowments: Σ pf dF, by factor; "employment" where it adjusts
        endow = [float(np.sum(price.v(s) * base * q.d(s))) for _, _, price, q, base in self.factors]
        # κ and the spending mix
        spend = self.household(m, s, dps)
        y = sum(x for x, _ in spend.values())
        w = self.weights
        u = s.quantity(m, r)
        kappa = self.y0 * u / y
        mix = sum((w.get(k, 0.0) * y / x - 1.0) * dx for k, (x, dx) in spend.items())
        vals = np.concatenate([iv["tm"] * wedge, iv["tmq"] * wedge, ev["te"] * flow,
                               ev["teq"] * flow, prod, tech, tot_x, tot_m, [i_s], endow])
        vals = np.append(kappa * vals, kappa * mix)
        direct = self.y0 * u * sum(w[k] * spend[k][1] / spend[k][0] for k in w)
        return vals, direct


def _dlog_ps(m, b, s: _Path, terms: dict[str, _RegionTerms]) -> float:
    """d ln Ps / dλ: the world price of saving, Π_r (PI_r / ε_r)^θ_r (reference currency);
    once per point of the path (every region's terms use it)."""
    return sum(w * (terms[r].dlog_pi(s) - s.d(m.eps[r]) / s.v(m.eps[r]))
               for r, w in saving_weights(b).items())


def _region_terms(core, m, b) -> dict[str, _RegionTerms]:
    """:class:`_RegionTerms` of every region (cached per core: the layout does not change)."""
    c = core.cache.get("welfare_terms")
    if c is None or c[0] is not m:
        by = _by_region(b)
        c = core.cache["welfare_terms"] = (m, {r: _RegionTerms(core, m, b, r, by)
                                               for r in b.regions})
    return c[1]


def _by_region(b) -> dict[str, dict[str, list]]:
    """The base flows that :class:`_RegionTerms` reads, grouped by region
    (:meth:`~cge.calibrate.Benchmark.keys_of`: each region's ``(key, base)`` pairs in the
    flow's order): ``into`` imports by importer, ``out`` by exporter, ``Z`` output, ``F``
    factor payments, and the final demands by their keys (``C``, ``G``, ``I``)."""
    def group(flow: dict, pos: int) -> dict[str, list]:
        return {r: [(k, flow[k]) for k in b.keys_of(flow, r, pos)] for r in b.regions}

    by = {"into": group(b.MS, 1), "out": group(b.MS, 0), "Z": group(b.Z, 0), "F": group(b.F, 0)}
    by.update({k: group(flow, 0) for k, flow, _ in finals(b)})
    return by


#: Gauss–Legendre nodes of the decomposition's first pass (doubled until the residual is
#: below ``tol``). Five are exact for polynomials of degree 9 in λ; on the shipped scenarios
#: every term is within 4e-7 of the largest |EV| of the 8-node result (the largest, a 50%
#: steel tariff on usjpn2024; 5e-8 or less on the others) with residuals of at most 6.2e-7 of
#: EV (the same case; the doubling bounds it by ``tol``), for 1.2–1.8x less time than 8 nodes
#: (docs/performance.md).
FIRST_NODES = 5


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
    n = FIRST_NODES
    while True:
        # the path's first Newton steps and tangents use the benchmark's factorisation
        with blas_for(core):  # one BLAS thread from 2,000 unknowns up (solver.one_blas_thread)
            detail, direct, by = _integrate(core, m, b, economy.x_base, p0, dp, n,
                                            lu0=economy._base_factorisation)
        parts = {r: math.fsum(by[r].values()) for r in b.regions}
        resid = {r: ev[r] - parts[r] for r in b.regions}
        size = {r: max(abs(ev[r]), 1e-9 * income0(b, r)) for r in b.regions}
        if all(abs(resid[r]) <= tol * size[r] for r in b.regions) or 2 * n > max_nodes:
            break
        n *= 2
    # the components' sums by region (one row per region, one column per component)
    summary = pd.DataFrame([[by[r].get(c, 0.0) for c in COMPONENTS] for r in b.regions],
                           index=pd.Index(list(b.regions), name="region"),
                           columns=pd.Index(list(COMPONENTS), name="component"))
    summary.insert(0, "EV, regional", pd.Series(ev))
    summary["residual"] = pd.Series(resid)
    gap = max(abs(parts[r] - direct[r]) for r in b.regions)
    return Decomposition(detail=detail, summary=summary, nodes=n, identity_gap=float(gap))


def _integrate(core, m, b, x_base, p0, dp, n, lu0=None):
    terms = _region_terms(core, m, b)
    acc = {r: np.zeros(len(t.labels)) for r, t in terms.items()}
    direct = {r: 0.0 for r in b.regions}
    for _, wt, x, p, (dx,) in walk(core, x_base, p0, [dp], n, lu0=lu0):
        state = _Path(core, x, p, dx, dp)
        dps = _dlog_ps(m, b, state, terms)
        for r in b.regions:
            vals, dd = terms[r].values(m, b, state, dps)
            acc[r] += wt * vals
            direct[r] += wt * dd
    rows: dict[tuple, float] = {}  # a label may repeat (terms of trade on exports and imports)
    for r, t in terms.items():
        for (c, i, s_), v in zip(t.labels, acc[r].tolist(), strict=True):
            key = (r, c, i, s_)
            rows[key] = rows.get(key, 0.0) + v
    detail = pd.DataFrame([(r, c, COMPONENTS[c], i, s_, v) for (r, c, i, s_), v in rows.items()],
                          columns=["region", "component", "group", "sector", "partner", "value"])
    terms: dict[str, dict[str, list[float]]] = {r: {} for r in b.regions}
    for (r, c, _, _), v in rows.items():
        terms[r].setdefault(c, []).append(v)
    # region → component → the sum of its terms (correctly rounded)
    by = {r: {c: math.fsum(vs) for c, vs in cs.items()} for r, cs in terms.items()}
    return detail, direct, by
