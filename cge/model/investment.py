"""Saving and investment (docs/model.md §5.6): savings-driven investment with fixed value
shares; saving is household, government and foreign saving."""

from __future__ import annotations

from .base import equation, scale, variable

BLOCK = "saving-investment"


def declare(m, b) -> None:
    """Investment demand, saving, and foreign saving (reference currency, scaled)."""
    variable(m, BLOCK, "inv", m.INVD, "quantity", "investment demand")
    variable(m, BLOCK, "sav", m.R, "quantity", "saving = investment spending")
    variable(m, BLOCK, "fsv", m.R, "free",
             "foreign saving, reference currency, relative to base saving (closure decides "
             "whether it is exogenous)", positive=False,
             initialize=lambda _, r: b.FS[r] / scale(b.SAV[r], b.YH[r]))


def equations(m, b) -> None:
    """(S1) saving, (S2) investment demand."""
    def saving(m, r):
        tot = (m.mps[r] * m.disposable_income[r] + m.msg[r] * scale(b.YG[r], b.YH[r]) * m.yg[r]
               + m.eps[r] * m.foreign_saving[r])
        return m.sav[r] == tot / scale(b.SAV[r], b.YH[r])

    def investment(m, r, i):
        return m.inv[r, i] * m.pq[r, i] == m.sav[r] * scale(b.SAV[r], b.YH[r]) / b.SAV[r]

    equation(m, BLOCK, "S1", "eq_saving", m.R, saving,
             "saving = household + government + foreign saving (converted to local currency)")
    equation(m, BLOCK, "S2", "eq_investment", m.INVD, investment,
             "investment demand: fixed value shares of saving")
