"""The government (docs/model.md §5.5): revenue from the direct tax, production taxes and
tariffs; a fixed saving rate; Cobb–Douglas consumption; a lump-sum transfer to the household.

How revenue is used is a closure choice (``revenue`` in cge/closures.toml): spent on
government consumption (the transfer held at ``transfer`` = 0 and the tax rate at ``td``),
rebated lump-sum to the household, or through an income-tax rate that adjusts — both holding
real government consumption at its base level (C5).
"""

from __future__ import annotations

import pyomo.core as pyo

from .base import equation, scale, variable

BLOCK = "government"


def declare(m, b) -> None:
    """Government consumption and revenue, the direct tax rate and the transfer."""
    variable(m, BLOCK, "g", m.GOVC, "quantity", "government consumption")
    # revenue index, base 1; 0 where the base year has no government revenue (then unbounded)
    variable(m, BLOCK, "yg", m.R, "quantity", "government revenue",
             positive=lambda r: b.YG[r] != 0,
             initialize=lambda _, r: 1.0 if b.YG[r] != 0 else 0.0)
    variable(m, BLOCK, "tdv", m.R, "free", "direct tax rate on household income (fraction); "
             "set by C6 to the instrument td unless the closure lets it adjust",
             positive=False, initialize=lambda _, r: b.td[r])
    variable(m, BLOCK, "trf", m.R, "free", "lump-sum transfer to the household, relative to "
             "base household income; set by C4 to the instrument transfer (0) unless the "
             "closure rebates revenue", positive=False, initialize=0.0)


def equations(m, b) -> None:
    """(G1) revenue, (G2) consumption, and the revenue-use rules (C4) transfer, (C5) real
    government consumption, (C6) tax rate."""
    def revenue(m, r):
        rev = m.tdv[r] * b.YH[r] * m.yh[r] + m.production_tax[r] + m.tariff_revenue[r] \
            + m.export_tax_revenue[r]
        return m.yg[r] == rev / scale(b.YG[r], b.YH[r])

    def consumption(m, r, i):
        return m.g[r, i] * m.pq[r, i] == m.government_spending[r] / b.total(b.G, r)

    def real_g(m, r):
        tot = b.total(b.G, r)
        return pyo.prod(m.g[r, i] ** (b.G[r, i] / tot) for i in b.sectors if (r, i) in b.G) == 1

    equation(m, BLOCK, "G1", "eq_gov_revenue", m.R, revenue,
             "government revenue = direct tax + production tax + tariffs + export taxes")
    equation(m, BLOCK, "G2", "eq_gov_consumption", m.GOVC, consumption,
             "Cobb–Douglas government consumption of what revenue leaves after saving and "
             "the transfer")
    equation(m, BLOCK, "C4", "eq_transfer", m.R, lambda m, r: m.trf[r] == m.transfer[r],
             "the transfer = the instrument transfer (revenue spent by the government)",
             active=False)
    equation(m, BLOCK, "C5", "eq_gov_real", m.RG, real_g,
             "real government consumption (its Cobb–Douglas index) at its base level",
             active=False)
    equation(m, BLOCK, "C6", "eq_tax_rate", m.R, lambda m, r: m.tdv[r] == m.td[r],
             "the direct tax rate = the instrument td", active=False)
    m.targets["trf"], m.targets["tdv"] = "eq_transfer", "eq_tax_rate"
