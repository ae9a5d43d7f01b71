"""Output (docs/model.md §5.2): CET between domestic sales and exports, or perfect
transformation (ψ = ∞, the default)."""

from __future__ import annotations

import math

from .base import ces_index, equation, variable

BLOCK = "transformation"


def declare(m, b) -> None:
    """Domestic sales and exports, with their prices."""
    variable(m, BLOCK, "d", m.DOM, "quantity", "domestic sales of domestic output")
    variable(m, BLOCK, "pd", m.DOM, "price", "price of domestic output sold at home")
    variable(m, BLOCK, "e", m.EXP, "quantity", "exports")
    variable(m, BLOCK, "pwe", m.EXP, "price", "world price of exports, reference currency")


def equations(m, b) -> None:
    """(T1) CET price, (T2) domestic supply, (T3) export supply, (T4) output split."""
    def supplies(r, i):
        out = []
        if (r, i) in b.D:
            out.append((m.pd[r, i], m.d[r, i], b.D[r, i]))
        if (r, i) in b.E:
            out.append((m.pe[r, i], m.e[r, i], b.E[r, i]))
        return out

    def cet_price(m, r, i):
        sup = supplies(r, i)
        return m.pz[r, i] == ces_index([p for p, _, _ in sup], [v / b.Z[r, i] for _, _, v in sup],
                                       -m.psi[r, i], False)

    def dom_supply(m, r, i):
        if not math.isinf(b.psi[r, i]):
            return m.d[r, i] == m.z[r, i] * (m.pd[r, i] / m.pz[r, i]) ** m.psi[r, i]
        return m.pd[r, i] == m.pz[r, i]

    def exp_supply(m, r, i):
        if not math.isinf(b.psi[r, i]):
            return m.e[r, i] == m.z[r, i] * (m.pe[r, i] / m.pz[r, i]) ** m.psi[r, i]
        return m.pe[r, i] == m.pz[r, i]

    def output_split(m, r, i):
        return m.z[r, i] == sum(v / b.Z[r, i] * x for _, x, v in supplies(r, i))

    equation(m, BLOCK, "T1", "eq_cet_price", m.CET, cet_price,
             "output price = CET unit revenue of domestic sales and exports")
    equation(m, BLOCK, "T2", "eq_dom_supply", m.DOM, dom_supply,
             "domestic sales supplied (CET), or domestic price = output price (perfect)")
    equation(m, BLOCK, "T3", "eq_exp_supply", m.EXP, exp_supply,
             "exports supplied (CET), or local export price = output price (perfect)")
    equation(m, BLOCK, "T4", "eq_output_split", m.PT, output_split,
             "perfect transformation: output = domestic sales + exports")
