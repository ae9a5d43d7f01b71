"""Markets (docs/model.md §5.7): goods, factors, world markets and the balance of payments."""

from __future__ import annotations

from .base import equation, scale, variable

BLOCK = "markets"


def declare(m, b) -> None:
    """Exchange rates (the price that clears each region's balance of payments)."""
    variable(m, BLOCK, "eps", m.R, "price", "exchange rate, local currency per reference unit")
    variable(m, BLOCK, "emp", m.MOB, "quantity", "employment of a mobile factor (index); set by "
             "C3 to the endowment unless the closure lets it adjust (short run)")


def equations(m, b) -> None:
    """(M1) goods, (M2) mobile factors, (M3) specific factors, (M4) world markets,
    (M5) balance of payments (implied by Walras' law)."""
    def goods(m, r, i):
        use = sum(b.X[r, i, j] * m.input_index[r, j] for j in b.sectors if (r, i, j) in b.X)
        use += sum(base[r, i] * var[r, i] for base, var in ((b.C, m.c), (b.G, m.g), (b.I, m.inv))
                   if (r, i) in base)
        return m.q[r, i] == use / b.Q[r, i]

    def factor(m, r, f):
        use = sum(b.F[r, f, j] * m.f[r, f, j] for j in b.sectors if (r, f, j) in b.F)
        return use / b.FF[r, f] == m.emp[r, f]

    def specific(m, r, f, j):
        return m.f[r, f, j] == m.endow_sf[r, f, j]

    def world(m, r, i):
        dem = sum(b.MS[r, s, i] * m.ms[r, s, i] for s in b.regions if (r, s, i) in b.MS)
        return m.e[r, i] == dem / b.E[r, i]

    def balance(m, r):
        return (m.exports_value[r] + m.foreign_saving[r] - m.imports_value[r]) \
            / scale(b.total(b.E, r), b.YH[r]) == 0

    equation(m, BLOCK, "M1", "eq_goods_market", m.ARM, goods,
             "Armington composite: supply = intermediate + final demand")
    equation(m, BLOCK, "M2", "eq_factor_market", m.MOB, factor,
             "mobile factor: demand over sectors = employment")
    equation(m, BLOCK, "C3", "eq_employment", m.MOB, lambda m, r, f: m.emp[r, f] == m.endow[r, f],
             "employment = the endowment (full employment)", active=False)
    m.targets["emp"] = "eq_employment"
    equation(m, BLOCK, "M3", "eq_specific_factor", m.SPEC, specific,
             "sector-specific factor: demand = the sector's endowment")
    equation(m, BLOCK, "M4", "eq_world_market", m.EXP, world,
             "world market for r's exports of i: exports = partners' imports")
    equation(m, BLOCK, "M5", "eq_balance_of_payments", m.R, balance,
             "balance of payments in the reference currency (implied by Walras' law)")
