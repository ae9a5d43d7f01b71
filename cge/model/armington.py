"""Armington demand (docs/model.md §5.3): a CES of the domestic good and an import composite,
itself a CES over sources with bilateral ad-valorem tariffs on c.i.f. value (the world price
plus the exporter's export tax).

The tariff equivalent of an import quota (``tmq``) and the export-tax equivalent of a
voluntary export restraint (``teq``) are variables *fixed at 0* when the model is built, so
they are not unknowns of any closure: a quota on a bilateral cell is the GEMPACK swap of the
cell's volume ``ms`` (then held at the quota) for one of them (:mod:`cge.scenario`, ``[[quota]]``).
"""

from __future__ import annotations

from .base import ces_index, equation, variable

BLOCK = "armington"


def declare(m, b) -> None:
    """Bilateral imports, the import composite and the Armington composite, with prices."""
    variable(m, BLOCK, "ms", m.BIL, "quantity", "bilateral imports (s, r, i)")
    variable(m, BLOCK, "m", m.IMP, "quantity", "import composite")
    variable(m, BLOCK, "pm", m.IMP, "price", "import composite price, gross of tariffs")
    variable(m, BLOCK, "q", m.ARM, "quantity", "Armington composite supply")
    variable(m, BLOCK, "pq", m.ARM, "price", "Armington composite price")
    for name, doc in (("tmq", "tariff equivalent of an import quota on imports of r from s, "
                       "added to the tariff tm (fraction; the rent is the importer's revenue)"),
                      ("teq", "export-tax equivalent of a voluntary export restraint of s on its "
                       "sales to r, added to the export tax te (fraction; the rent is the "
                       "exporter's revenue)")):
        # 0 and fixed: exogenous in every closure unless a quota swaps it in for ms
        variable(m, BLOCK, name, m.BIL, "free", doc + "; fixed at 0 unless a quota swaps it in "
                 "for the volume ms", positive=False, initialize=0.0).fix(0.0)


def equations(m, b) -> None:
    """(A1) Armington price, (A2)/(A3) domestic and import demand, (A4) import price,
    (A5) bilateral imports."""
    def pq(m, r, i):
        parts = []
        if (r, i) in b.D:
            parts.append((m.pd[r, i], b.D[r, i]))
        if (r, i) in b.M:
            parts.append((m.pm[r, i], b.M[r, i]))
        return m.pq[r, i] == ces_index([p for p, _ in parts], [v / b.Q[r, i] for _, v in parts],
                                       m.sigma_d[r, i], b.sigma_d[r, i] == 1)

    def dom_demand(m, r, i):
        return m.d[r, i] == m.q[r, i] * (m.pq[r, i] / m.pd[r, i]) ** m.sigma_d[r, i]

    def imp_demand(m, r, i):
        return m.m[r, i] == m.q[r, i] * (m.pq[r, i] / m.pm[r, i]) ** m.sigma_d[r, i]

    def pm(m, r, i):
        src = [s for s in b.regions if (s, r, i) in b.MS]
        th = [(1 + b.tm[s, r, i]) * b.MS[s, r, i] / b.M[r, i] for s in src]
        return m.pm[r, i] == ces_index([m.pms[s, r, i] for s in src], th, m.sigma_m[r, i],
                                       b.sigma_m[r, i] == 1)

    def bilateral(m, s, r, i):
        return m.ms[s, r, i] == m.m[r, i] * (m.pm[r, i] / m.pms[s, r, i]) ** m.sigma_m[r, i]

    equation(m, BLOCK, "A1", "eq_pq", m.ARM, pq,
             "Armington price = CES unit cost of domestic and imported composite")
    equation(m, BLOCK, "A2", "eq_dom_demand", m.DOM, dom_demand, "demand for the domestic good")
    equation(m, BLOCK, "A3", "eq_imp_demand", m.IMP, imp_demand,
             "demand for the import composite")
    equation(m, BLOCK, "A4", "eq_pm", m.IMP, pm,
             "import price = CES unit cost over sources, gross of tariffs")
    equation(m, BLOCK, "A5", "eq_bilateral", m.BIL, bilateral, "imports of r from s")
