"""Saving and investment (docs/model.md §5.6): savings-driven investment with fixed value
shares; saving is household, government and foreign saving. The household saving rate
``mpsv`` is a variable set by (C7) to the instrument ``mps``; the ``fixed_investment`` closure
leaves it endogenous and holds real investment instead (C8), so that saving adjusts."""

from __future__ import annotations

import pyomo.core as pyo

from .base import equation, scale, variable

BLOCK = "saving-investment"


def declare(m, b) -> None:
    """Investment demand, saving, and foreign saving (reference currency, scaled)."""
    variable(m, BLOCK, "inv", m.INVD, "quantity", "investment demand")
    variable(m, BLOCK, "mpsv", m.R, "free", "household saving / disposable income; set by C7 "
             "to the instrument mps unless the closure lets it adjust", positive=False,
             initialize=lambda _, r: b.mps[r])
    # saving index, base 1; 0 where the base year has no saving (no investment): then unbounded
    variable(m, BLOCK, "sav", m.R, "quantity", "saving = investment spending",
             positive=lambda r: b.SAV[r] != 0,
             initialize=lambda _, r: 1.0 if b.SAV[r] != 0 else 0.0)
    variable(m, BLOCK, "fsv", m.R, "free",
             "foreign saving, reference currency, relative to base saving (closure decides "
             "whether it is exogenous)", positive=False,
             initialize=lambda _, r: b.FS[r] / scale(b.SAV[r], b.YH[r]))


def equations(m, b) -> None:
    """(S1) saving, (S2) investment demand."""
    def saving(m, r):
        tot = (m.mpsv[r] * m.disposable_income[r] + m.msg[r] * scale(b.YG[r], b.YH[r]) * m.yg[r]
               + m.eps[r] * m.foreign_saving[r])
        return m.sav[r] == tot / scale(b.SAV[r], b.YH[r])

    def investment(m, r, i):
        return m.inv[r, i] * m.pq[r, i] == m.sav[r] * scale(b.SAV[r], b.YH[r]) / b.SAV[r]

    equation(m, BLOCK, "S1", "eq_saving", m.R, saving,
             "saving = household + government + foreign saving (converted to local currency)")
    def real(m, r):
        tot = b.total(b.I, r)
        return pyo.prod(m.inv[r, i] ** (b.I[r, i] / tot) for i in b.sectors if (r, i) in b.I) == 1

    equation(m, BLOCK, "S2", "eq_investment", m.INVD, investment,
             "investment demand: fixed value shares of saving")
    equation(m, BLOCK, "C8", "eq_investment_fixed", m.RI, real,
             "real investment (the Cobb–Douglas index of investment demand) at its base level",
             active=False)
    equation(m, BLOCK, "C7", "eq_saving_rate", m.R, lambda m, r: m.mpsv[r] == m.mps[r],
             "the household saving rate = the instrument mps", active=False)
    m.targets["mpsv"] = "eq_saving_rate"
