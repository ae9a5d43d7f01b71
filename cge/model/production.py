"""Production (docs/model.md §5.1): Leontief between value added (CES of factors) and Armington
intermediates, with a production tax on net cost and output-augmenting (Hicks-neutral)
productivity ``ao``: output is ``ao`` times the Leontief index of inputs (``input_index``)."""

from __future__ import annotations

from .base import ces_index, equation, variable

BLOCK = "production"


def declare(m, b) -> None:
    """Factor prices and demands, value-added price, output and its price."""
    variable(m, BLOCK, "pf", m.MOB, "price", "price of a mobile factor")
    variable(m, BLOCK, "pfs", m.SPEC, "price", "price of a sector-specific factor")
    variable(m, BLOCK, "f", m.FD, "quantity", "factor demand")
    variable(m, BLOCK, "pva", m.VAS, "price", "value-added price index")
    variable(m, BLOCK, "z", m.PROD, "quantity", "gross output (activity level)")
    variable(m, BLOCK, "pz", m.PROD, "price", "output price, market, gross of production tax")


def equations(m, b) -> None:
    """(P1) value-added price, (P2) factor demand, (P3) zero profit."""
    def cost_share(r, j, k):
        net = b.Z[r, j] / (1 + b.tz[r, j])
        return (b.VA.get((r, j), 0.0) if k is None else b.X[r, k, j]) / net

    def pva(m, r, j):
        fs = [f for f in b.factors if (r, f, j) in b.F]
        th = [b.F[r, f, j] / b.VA[r, j] for f in fs]
        return m.pva[r, j] == ces_index([m.pfac[r, f, j] for f in fs], th, m.sigma_va[r, j],
                                        b.sigma_va[r, j] == 1)

    def factor_demand(m, r, f, j):
        return m.f[r, f, j] == m.input_index[r, j] * (m.pva[r, j] / m.pfac[r, f, j]) \
            ** m.sigma_va[r, j]

    def zero_profit(m, r, j):
        unit_cost = sum(cost_share(r, j, i) * m.pq[r, i] for i in b.sectors if (r, i, j) in b.X)
        if (r, j) in b.VA:
            unit_cost += cost_share(r, j, None) * m.pva[r, j]
        return m.pz[r, j] == (1 + m.tz[r, j]) / (1 + b.tz[r, j]) * unit_cost / m.ao[r, j]

    equation(m, BLOCK, "P1", "eq_pva", m.VAS, pva, "value-added price = CES unit cost of factors")
    equation(m, BLOCK, "P2", "eq_factor_demand", m.FD, factor_demand,
             "factor demand; value added is Leontief in output (VA index = z / ao)")
    equation(m, BLOCK, "P3", "eq_zero_profit", m.PROD, zero_profit,
             "output price = (1 + tz)/(1 + tz0) x Leontief unit cost (cost shares at net cost) "
             "/ ao")
