"""The government (docs/model.md §5.5): revenue from the direct tax, production taxes and
tariffs; a fixed saving rate; Cobb–Douglas consumption."""

from __future__ import annotations

from .base import equation, scale, variable

BLOCK = "government"


def declare(m, b) -> None:
    """Government consumption and revenue."""
    variable(m, BLOCK, "g", m.GOVC, "quantity", "government consumption")
    variable(m, BLOCK, "yg", m.R, "quantity", "government revenue")


def equations(m, b) -> None:
    """(G1) revenue, (G2) consumption."""
    def revenue(m, r):
        rev = m.td[r] * b.YH[r] * m.yh[r] + m.production_tax[r] + m.tariff_revenue[r]
        return m.yg[r] == rev / scale(b.YG[r], b.YH[r])

    def consumption(m, r, i):
        spend = (1 - m.msg[r]) * scale(b.YG[r], b.YH[r]) * m.yg[r]
        return m.g[r, i] * m.pq[r, i] == spend / b.total(b.G, r)

    equation(m, BLOCK, "G1", "eq_gov_revenue", m.R, revenue,
             "government revenue = direct tax + production tax + tariffs")
    equation(m, BLOCK, "G2", "eq_gov_consumption", m.GOVC, consumption,
             "Cobb–Douglas government consumption")
