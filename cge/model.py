"""The model: a multi-region Armington CGE in Pyomo. Equations match docs/model.md one to one.

Every variable is an index relative to its benchmark value (1 in the benchmark): a quantity
``z`` means ``Z / Z̄``, a price is the price itself (all benchmark prices are 1). Base values
(``Z̄`` …) come from :mod:`cge.calibrate`. Policy instruments (tariffs, tax rates, saving
propensities, foreign saving, endowments) are *mutable* Params: a shock changes their values,
never the model's structure. Elasticities are mutable too, within the functional form the
data's values decide at build time (Cobb–Douglas at σ = 1, perfect transformation at ψ = ∞;
see Economy.set_elasticities). CES price indices are explicit variables, so no CES
expression is written twice (the MPSGE.jl way). Equations are grouped by agent, in the order of
docs/model.md; each is divided by a benchmark value so residuals are relative.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from .calibrate import Benchmark
from .closure import Closure

#: Lower bound for every price and quantity index (keeps CES powers defined).
FLOOR = 1e-8


def ces_index(prices, shares, sigma, cobb_douglas: bool):
    """Unit cost of a CES aggregate in calibrated-share form, 1 at benchmark prices.

    ``(Σ_k θ_k p_k^(1-σ))^(1/(1-σ))``, or ``Π_k p_k^θ_k`` when σ = 1 (Cobb–Douglas). With
    σ replaced by -ψ it is the unit revenue of a CET frontier. Prices are relative to their
    benchmark values; ``shares`` are benchmark value shares summing to 1.
    """
    if cobb_douglas:
        return pyo.prod(p ** th for p, th in zip(prices, shares))
    return sum(th * p ** (1 - sigma) for p, th in zip(prices, shares)) ** (1 / (1 - sigma))


def _set(m, name, keys, dimen):
    m.add_component(name, pyo.Set(initialize=sorted(keys), dimen=dimen, ordered=True))
    return getattr(m, name)


def build_model(b: Benchmark, closure: Closure) -> pyo.ConcreteModel:
    """Build the Pyomo model of benchmark ``b`` under ``closure`` (structure only: no solve).

    The returned model holds the benchmark solution (all variables at 1); its active
    constraints form a square system once the closure's fixed variables are fixed.
    """
    m = pyo.ConcreteModel(name="cge")
    m.benchmark = b
    m.closure = closure
    R, S, FAC = b.regions, b.sectors, b.factors
    ref = closure.reference_region or b.reference_region
    specific = set(closure.specific_factors)
    unknown = specific - set(FAC)
    if unknown:
        raise ValueError(f"closure {closure.name}: unknown specific factor(s) {sorted(unknown)}; "
                         f"factors are {', '.join(FAC)}")
    if closure.numeraire != "cpi" and closure.numeraire not in FAC:
        raise ValueError(f"closure {closure.name}: numeraire must be 'cpi' or a factor "
                         f"({', '.join(FAC)}), not {closure.numeraire!r}")
    if ref not in R:
        raise ValueError(f"reference region {ref!r} is not one of {', '.join(R)}")

    # ---------------------------------------------------------------- sets (non-zero flows only)
    m.R = pyo.Set(initialize=R, ordered=True)
    m.PROD = _set(m, "PROD", b.Z, 2)  # (r, j) sectors with output
    m.VAS = _set(m, "VAS", b.VA, 2)  # (r, j) sectors with value added
    m.FD = _set(m, "FD", b.F, 3)  # (r, f, j) factor uses
    m.MOB = _set(m, "MOB", [k for k in b.FF if k[1] not in specific], 2)  # mobile factor markets
    m.SPEC = _set(m, "SPEC", [k for k in b.F if k[1] in specific], 3)  # sector-specific factors
    m.INT = _set(m, "INT", b.X, 3)  # (r, i, j)
    m.DOM = _set(m, "DOM", b.D, 2)
    m.EXP = _set(m, "EXP", b.E, 2)
    m.IMP = _set(m, "IMP", b.M, 2)
    m.BIL = _set(m, "BIL", b.MS, 3)  # (s, r, i)
    m.ARM = _set(m, "ARM", b.Q, 2)
    m.CONS = _set(m, "CONS", b.C, 2)
    m.GOVC = _set(m, "GOVC", b.G, 2)
    m.INVD = _set(m, "INVD", b.I, 2)
    m.CET = _set(m, "CET", [k for k in b.Z if not math.isinf(b.psi[k])], 2)
    m.PT = _set(m, "PT", [k for k in b.Z if math.isinf(b.psi[k])], 2)  # perfect transformation

    # ---------------------------------------------------------------- instruments (mutable)
    mut = dict(mutable=True)
    m.tm = pyo.Param(m.BIL, initialize=b.tm, **mut, doc="tariff rate on c.i.f. imports (fraction)")
    m.tz = pyo.Param(m.PROD, initialize=b.tz, **mut, doc="production tax rate on net cost")
    m.td = pyo.Param(m.R, initialize=b.td, **mut, doc="direct tax rate on household income")
    m.mps = pyo.Param(m.R, initialize=b.mps, **mut, doc="household saving / disposable income")
    m.msg = pyo.Param(m.R, initialize=b.msg, **mut, doc="government saving / revenue")
    m.fs = pyo.Param(m.R, initialize=b.FS, **mut, doc="foreign saving, reference currency")
    m.endow = pyo.Param(m.MOB, initialize=1.0, **mut, doc="mobile factor endowment index")
    m.endow_sf = pyo.Param(m.SPEC, initialize=1.0, **mut, doc="specific factor endowment index")
    sub = lambda d, keys: {k: d[k] for k in keys}  # noqa: E731
    # elasticities: the data's values decide each nest's form at build time (Cobb-Douglas
    # where σ = 1, perfect transformation where ψ = ∞); within a CES/CET form they are
    # mutable, changed only through Economy.set_elasticities, which guards the forms
    m.sigma_va = pyo.Param(m.PROD, initialize=sub(b.sigma_va, m.PROD), **mut)
    m.sigma_d = pyo.Param(m.ARM, initialize=sub(b.sigma_d, m.ARM), **mut)
    m.sigma_m = pyo.Param(m.IMP, initialize=sub(b.sigma_m, m.IMP), **mut)
    m.psi = pyo.Param(m.CET, initialize=sub(b.psi, m.CET), **mut)

    # ---------------------------------------------------------------- variables (benchmark 1)
    pos = dict(initialize=1.0, bounds=(FLOOR, None))
    m.pf = pyo.Var(m.MOB, **pos, doc="price of a mobile factor")
    m.pfs = pyo.Var(m.SPEC, **pos, doc="price of a sector-specific factor")
    m.f = pyo.Var(m.FD, **pos, doc="factor demand")
    m.pva = pyo.Var(m.VAS, **pos, doc="value-added price index")
    m.z = pyo.Var(m.PROD, **pos, doc="gross output (activity level)")
    m.pz = pyo.Var(m.PROD, **pos, doc="output price, market, gross of production tax")
    m.d = pyo.Var(m.DOM, **pos, doc="domestic sales of domestic output")
    m.pd = pyo.Var(m.DOM, **pos, doc="price of domestic output sold at home")
    m.e = pyo.Var(m.EXP, **pos, doc="exports")
    m.pwe = pyo.Var(m.EXP, **pos, doc="world price of exports, reference currency")
    m.ms = pyo.Var(m.BIL, **pos, doc="bilateral imports (s, r, i)")
    m.m = pyo.Var(m.IMP, **pos, doc="import composite")
    m.pm = pyo.Var(m.IMP, **pos, doc="import composite price, gross of tariffs")
    m.q = pyo.Var(m.ARM, **pos, doc="Armington composite supply")
    m.pq = pyo.Var(m.ARM, **pos, doc="Armington composite price")
    m.c = pyo.Var(m.CONS, **pos, doc="household consumption")
    m.g = pyo.Var(m.GOVC, **pos, doc="government consumption")
    m.inv = pyo.Var(m.INVD, **pos, doc="investment demand")
    m.yh = pyo.Var(m.R, **pos, doc="household factor income")
    m.yg = pyo.Var(m.R, **pos, doc="government revenue")
    m.sav = pyo.Var(m.R, **pos, doc="saving = investment spending")
    m.cpi = pyo.Var(m.R, **pos, doc="consumer price index (Laspeyres)")
    m.eps = pyo.Var(m.R, **pos, doc="exchange rate, local currency per reference unit")
    # foreign saving as a variable (fixed-exchange-rate closure); scaled by base investment
    m.fsv = pyo.Var(m.R, initialize=lambda _, r: b.FS[r] / _scale(b.SAV[r], b.YH[r]))

    def pfac(r, f, j):
        return m.pfs[r, f, j] if f in specific else m.pf[r, f]

    def pms(s, r, i):
        """Price to importer r of imports from s, gross of tariff (benchmark 1)."""
        return (1 + m.tm[s, r, i]) / (1 + b.tm[s, r, i]) * m.eps[r] * m.pwe[s, i]

    def foreign_saving(r):
        """Foreign saving in the reference currency."""
        if closure.exchange_rate == "fixed":
            return m.fsv[r] * _scale(b.SAV[r], b.YH[r])
        return m.fs[r]

    def cost_share(r, j, k):
        net = b.Z[r, j] / (1 + b.tz[r, j])
        return (b.VA.get((r, j), 0.0) if k is None else b.X[r, k, j]) / net

    # ---------------------------------------------------------------- production (firms)
    @m.Constraint(m.VAS)
    def eq_pva(m, r, j):
        """(P1) value-added price = CES unit cost of factors."""
        fs = [f for f in FAC if (r, f, j) in b.F]
        th = [b.F[r, f, j] / b.VA[r, j] for f in fs]
        sig = m.sigma_va[r, j]
        return m.pva[r, j] == ces_index([pfac(r, f, j) for f in fs], th, sig,
                                        b.sigma_va[r, j] == 1)

    @m.Constraint(m.FD)
    def eq_factor_demand(m, r, f, j):
        """(P2) factor demand; value added is Leontief in output (VA index = z)."""
        return m.f[r, f, j] == m.z[r, j] * (m.pva[r, j] / pfac(r, f, j)) ** m.sigma_va[r, j]

    @m.Constraint(m.PROD)
    def eq_zero_profit(m, r, j):
        """(P3) output price = (1 + tz)/(1 + tz0) x Leontief unit cost (cost shares at net cost)."""
        unit_cost = sum(cost_share(r, j, i) * m.pq[r, i] for i in S if (r, i, j) in b.X)
        if (r, j) in b.VA:
            unit_cost += cost_share(r, j, None) * m.pva[r, j]
        return m.pz[r, j] == (1 + m.tz[r, j]) / (1 + b.tz[r, j]) * unit_cost

    # ---------------------------------------------------------------- output: CET or perfect
    def supplies(r, i):
        out = []
        if (r, i) in b.D:
            out.append((m.pd[r, i], m.d[r, i], b.D[r, i]))
        if (r, i) in b.E:
            out.append((m.eps[r] * m.pwe[r, i], m.e[r, i], b.E[r, i]))
        return out

    @m.Constraint(m.CET)
    def eq_cet_price(m, r, i):
        """(T1) output price = CET unit revenue of domestic sales and exports."""
        sup = supplies(r, i)
        return m.pz[r, i] == ces_index([p for p, _, _ in sup], [v / b.Z[r, i] for _, _, v in sup],
                                       -m.psi[r, i], False)

    @m.Constraint(m.DOM)
    def eq_dom_supply(m, r, i):
        """(T2) domestic sales supplied (CET), or domestic price = output price (perfect)."""
        if not math.isinf(b.psi[r, i]):
            return m.d[r, i] == m.z[r, i] * (m.pd[r, i] / m.pz[r, i]) ** m.psi[r, i]
        return m.pd[r, i] == m.pz[r, i]

    @m.Constraint(m.EXP)
    def eq_exp_supply(m, r, i):
        """(T3) exports supplied (CET), or local export price = output price (perfect)."""
        if not math.isinf(b.psi[r, i]):
            return m.e[r, i] == m.z[r, i] * (m.eps[r] * m.pwe[r, i] / m.pz[r, i]) ** m.psi[r, i]
        return m.eps[r] * m.pwe[r, i] == m.pz[r, i]

    @m.Constraint(m.PT)
    def eq_output_split(m, r, i):
        """(T4) perfect transformation: output = domestic sales + exports."""
        return m.z[r, i] == sum(v / b.Z[r, i] * x for _, x, v in supplies(r, i))

    # ---------------------------------------------------------------- Armington demand
    @m.Constraint(m.ARM)
    def eq_pq(m, r, i):
        """(A1) Armington price = CES unit cost of domestic and imported composite."""
        parts = []
        if (r, i) in b.D:
            parts.append((m.pd[r, i], b.D[r, i]))
        if (r, i) in b.M:
            parts.append((m.pm[r, i], b.M[r, i]))
        return m.pq[r, i] == ces_index([p for p, _ in parts], [v / b.Q[r, i] for _, v in parts],
                                       m.sigma_d[r, i], b.sigma_d[r, i] == 1)

    @m.Constraint(m.DOM)
    def eq_dom_demand(m, r, i):
        """(A2) demand for the domestic good."""
        return m.d[r, i] == m.q[r, i] * (m.pq[r, i] / m.pd[r, i]) ** m.sigma_d[r, i]

    @m.Constraint(m.IMP)
    def eq_imp_demand(m, r, i):
        """(A3) demand for the import composite."""
        return m.m[r, i] == m.q[r, i] * (m.pq[r, i] / m.pm[r, i]) ** m.sigma_d[r, i]

    @m.Constraint(m.IMP)
    def eq_pm(m, r, i):
        """(A4) import price = CES unit cost over sources, gross of tariffs."""
        src = [s for s in R if (s, r, i) in b.MS]
        th = [(1 + b.tm[s, r, i]) * b.MS[s, r, i] / b.M[r, i] for s in src]
        return m.pm[r, i] == ces_index([pms(s, r, i) for s in src], th, m.sigma_m[r, i],
                                       b.sigma_m[r, i] == 1)

    @m.Constraint(m.BIL)
    def eq_bilateral(m, s, r, i):
        """(A5) imports of r from s."""
        return m.ms[s, r, i] == m.m[r, i] * (m.pm[r, i] / pms(s, r, i)) ** m.sigma_m[r, i]

    # ---------------------------------------------------------------- household
    @m.Constraint(m.R)
    def eq_income(m, r):
        """(H1) household income = factor payments."""
        pay = sum(b.F[k] * pfac(*k) * m.f[k] for k in b.F if k[0] == r)
        return m.yh[r] == pay / b.YH[r]

    def disposable(r):
        return (1 - m.td[r]) * b.YH[r] * m.yh[r]

    @m.Constraint(m.CONS)
    def eq_consumption(m, r, i):
        """(H2) Cobb–Douglas consumption: fixed budget shares of consumption spending."""
        spend = (1 - m.mps[r]) * disposable(r)
        return m.c[r, i] * m.pq[r, i] == spend / b.total(b.C, r)

    @m.Constraint(m.R)
    def eq_cpi(m, r):
        """(H3) consumer price index, benchmark budget shares."""
        tot = b.total(b.C, r)
        return m.cpi[r] == sum(b.C[r, i] / tot * m.pq[r, i] for i in S if (r, i) in b.C)

    # ---------------------------------------------------------------- government
    def tariff_revenue(r):
        return sum(m.tm[s, rr, i] * b.MS[s, rr, i] * m.eps[r] * m.pwe[s, i] * m.ms[s, rr, i]
                   for (s, rr, i) in b.MS if rr == r)

    def production_tax(r):
        return sum(m.tz[r, j] / (1 + m.tz[r, j]) * b.Z[r, j] * m.pz[r, j] * m.z[r, j]
                   for (rr, j) in b.Z if rr == r)

    @m.Constraint(m.R)
    def eq_gov_revenue(m, r):
        """(G1) government revenue = direct tax + production tax + tariffs."""
        rev = m.td[r] * b.YH[r] * m.yh[r] + production_tax(r) + tariff_revenue(r)
        return m.yg[r] == rev / _scale(b.YG[r], b.YH[r])

    @m.Constraint(m.GOVC)
    def eq_gov_consumption(m, r, i):
        """(G2) Cobb–Douglas government consumption."""
        spend = (1 - m.msg[r]) * _scale(b.YG[r], b.YH[r]) * m.yg[r]
        return m.g[r, i] * m.pq[r, i] == spend / b.total(b.G, r)

    # ---------------------------------------------------------------- savings and investment
    @m.Constraint(m.R)
    def eq_saving(m, r):
        """(S1) saving = household + government + foreign saving (converted to local currency)."""
        tot = (m.mps[r] * disposable(r) + m.msg[r] * _scale(b.YG[r], b.YH[r]) * m.yg[r]
               + m.eps[r] * foreign_saving(r))
        return m.sav[r] == tot / _scale(b.SAV[r], b.YH[r])

    @m.Constraint(m.INVD)
    def eq_investment(m, r, i):
        """(S2) investment demand: fixed value shares of saving."""
        return m.inv[r, i] * m.pq[r, i] == m.sav[r] * _scale(b.SAV[r], b.YH[r]) / b.SAV[r]

    # ---------------------------------------------------------------- markets
    @m.Constraint(m.ARM)
    def eq_goods_market(m, r, i):
        """(M1) Armington composite: supply = intermediate + final demand."""
        use = sum(b.X[r, i, j] * m.z[r, j] for j in S if (r, i, j) in b.X)
        use += sum(base[r, i] * var[r, i] for base, var in ((b.C, m.c), (b.G, m.g), (b.I, m.inv))
                   if (r, i) in base)
        return m.q[r, i] == use / b.Q[r, i]

    @m.Constraint(m.MOB)
    def eq_factor_market(m, r, f):
        """(M2) mobile factor: demand over sectors = endowment."""
        use = sum(b.F[r, f, j] * m.f[r, f, j] for j in S if (r, f, j) in b.F)
        return use / b.FF[r, f] == m.endow[r, f]

    @m.Constraint(m.SPEC)
    def eq_specific_factor(m, r, f, j):
        """(M3) sector-specific factor: demand = the sector's endowment."""
        return m.f[r, f, j] == m.endow_sf[r, f, j]

    @m.Constraint(m.EXP)
    def eq_world_market(m, r, i):
        """(M4) world market for r's exports of i: exports = partners' imports."""
        dem = sum(b.MS[r, s, i] * m.ms[r, s, i] for s in R if (r, s, i) in b.MS)
        return m.e[r, i] == dem / b.E[r, i]

    @m.Constraint(m.R)
    def eq_balance_of_payments(m, r):
        """(M5) balance of payments in the reference currency (implied by Walras' law)."""
        exports = sum(b.E[r, i] * m.pwe[r, i] * m.e[r, i] for i in S if (r, i) in b.E)
        imports = sum(b.MS[k] * m.pwe[k[0], k[2]] * m.ms[k] for k in b.MS if k[1] == r)
        return (exports + foreign_saving(r) - imports) / _scale(b.total(b.E, r), b.YH[r]) == 0

    if closure.exchange_rate == "fixed":
        @m.Constraint()
        def eq_world_capital(m):
            """(M6) fixed exchange rates: foreign saving sums to zero over regions."""
            tot = sum(foreign_saving(r) for r in R)
            return tot / sum(_scale(b.SAV[r], b.YH[r]) for r in R) == 0

    # ---------------------------------------------------------------- welfare (expression)
    @m.Expression(m.R)
    def utility(m, r):
        """Household utility index Π_i c_i^α_i (1 in the benchmark)."""
        tot = b.total(b.C, r)
        return pyo.prod(m.c[r, i] ** (b.C[r, i] / tot) for i in S if (r, i) in b.C)

    # ---------------------------------------------------------------- closure
    _apply_closure(m, b, closure, ref)
    return m


def _scale(base: float, fallback: float) -> float:
    """A normalising magnitude: the benchmark value, or ``fallback`` where that is zero."""
    return base if abs(base) > 1e-12 * abs(fallback) else fallback


def _apply_closure(m, b: Benchmark, closure: Closure, ref: str) -> None:
    """Fix the numeraire and closure variables; deactivate the Walras-redundant equations."""
    m.fixed_variables = []
    m.eps[ref].fix(1.0)
    m.fixed_variables.append(f"exchange rate of {ref} (reference currency)")
    if closure.exchange_rate == "fixed":
        for r in b.regions:
            m.eps[r].fix(1.0)
        m.fixed_variables.append("all exchange rates (fixed-rate closure)")
    else:
        m.fsv.fix()
        m.fixed_variables.append("foreign saving (reference currency), via parameter fs")
    for r in b.regions:
        if closure.numeraire == "cpi":
            m.cpi[r].fix(1.0)
        else:
            f = closure.numeraire
            if (r, f) not in m.MOB:
                raise ValueError(f"numeraire {f} is not a mobile factor in {r}")
            m.pf[r, f].fix(1.0)
    m.fixed_variables.append(f"{'CPI' if closure.numeraire == 'cpi' else 'price of ' + closure.numeraire}"
                             " = 1 in every region (local numeraire)")
    # Walras: every region's balance of payments, and one world market, are implied
    m.eq_balance_of_payments.deactivate()
    key = max(b.E, key=lambda k: (k[0] == ref, b.E[k]))
    m.eq_world_market[key].deactivate()
    m.dropped = [m.eq_balance_of_payments[r] for r in b.regions] + [m.eq_world_market[key]]
