"""The household (docs/model.md §5.4): factor income, a direct tax, a fixed saving rate and
Cobb–Douglas consumption; the consumer price index."""

from __future__ import annotations

from .base import equation, variable

BLOCK = "households"


def declare(m, b) -> None:
    """Consumption, household factor income and the CPI."""
    variable(m, BLOCK, "c", m.CONS, "quantity", "household consumption")
    variable(m, BLOCK, "yh", m.R, "quantity", "household factor income")
    variable(m, BLOCK, "cpi", m.R, "price", "consumer price index (Laspeyres)")


def equations(m, b) -> None:
    """(H1) income, (H2) consumption, (H3) CPI."""
    def income(m, r):
        pay = sum(b.F[k] * m.pfac[k] * m.f[k] for k in b.keys_of(b.F, r))
        return m.yh[r] == pay / b.YH[r]

    def consumption(m, r, i):
        return m.c[r, i] * m.pq[r, i] == m.private_spending[r] / b.total(b.C, r)

    def cpi(m, r):
        tot = b.total(b.C, r)
        return m.cpi[r] == sum(b.C[r, i] / tot * m.pq[r, i] for i in b.sectors if (r, i) in b.C)

    equation(m, BLOCK, "H1", "eq_income", m.R, income, "household income = factor payments")
    equation(m, BLOCK, "H2", "eq_consumption", m.CONS, consumption,
             "Cobb–Douglas consumption: fixed budget shares of consumption spending")
    equation(m, BLOCK, "H3", "eq_cpi", m.R, cpi, "consumer price index, benchmark budget shares")
