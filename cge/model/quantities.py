"""Named quantities (MPSGE.jl style): Pyomo Expressions declared once, used by the equations
and by every report (docs/model.md §3.4).

Each is written here and nowhere else; equations refer to ``m.<name>[index]`` and the
indicator layer (:mod:`cge.indicators`) evaluates them at a solution through the compiled core
(``m.outputs`` lists the ones reports read). Money values are in the data's unit at base
prices times price indices: local currency for a region's accounts, the reference currency
for world prices.
"""

from __future__ import annotations

import pyomo.core as pyo

from .base import scale

#: Reported quantities: evaluated at every solution for the indicator layer.
REPORTED = ("utility", "regional_utility", "real_gdp", "terms_of_trade",
            "tariff_revenue", "foreign_saving", "absorption", "world_price",
            "regional_income", "national_saving", "investment_price", "saving_price",
            "export_tax_revenue")


def _finals(b):
    return (("C", b.C, "c"), ("G", b.G, "g"), ("I", b.I, "inv"))


def absorption0(b, r) -> float:
    """Base absorption C + G + I of region r (data unit)."""
    return sum(b.total(flow, r) for _, flow, _ in _finals(b))


def income0(b, r) -> float:
    """Base regional income of region r (data unit): factor income plus production taxes and
    tariff revenue — GDP at market prices, and C + G + national saving."""
    return _incomes0(b)[r]


def _incomes0(b) -> dict:
    """:func:`income0` of every region, in one pass over the flows (each region's terms
    added in the flows' order, as a sum over that region alone would: the same floats), kept
    on the benchmark (immutable: a frozen dataclass whose flows nothing changes)."""
    memo = b.__dict__.get("_incomes0")
    if memo is None:
        ptax: dict = {}
        for k, v in b.Z.items():
            ptax[k[0]] = ptax.get(k[0], 0) + b.tz[k] / (1 + b.tz[k]) * v
        tariffs: dict = {}
        for k, v in b.MS.items():
            tariffs[k[1]] = tariffs.get(k[1], 0) + b.tm[k] * v
        memo = {r: b.YH[r] + ptax.get(r, 0) + tariffs.get(r, 0) for r in b.YH}
        object.__setattr__(b, "_incomes0", memo)  # a frozen dataclass's cache
    return memo


def saving0(b, r) -> float:
    """Base national saving of region r (household + government, data unit): investment
    spending less foreign saving."""
    return b.SAV[r] - b.FS[r]


def saving_weights(b) -> dict[str, float]:
    """Each region's base share of world investment: the weights of the world price of
    saving (GTAP's ``psave``, an investment-weighted average of the regions' prices of
    investment goods)."""
    tot = {r: b.total(b.I, r) for r in b.regions}
    world = sum(tot.values())
    return {r: v / world for r, v in tot.items() if v > 0} if world > 0 else {}


def welfare_weights(b, r) -> dict[str, float]:
    """The regional household's Cobb–Douglas weights (GTAP, McDougall 2003): base shares of
    private consumption ``C``, government consumption ``G`` and national saving ``S`` in
    regional income. Components absent from the base year have no weight."""
    y0 = income0(b, r)
    parts = {"C": b.total(b.C, r), "G": b.total(b.G, r), "S": saving0(b, r)}
    return {k: v / y0 for k, v in parts.items() if v != 0}


def finals(b):
    """The final-demand components: (key, base flows, variable name), in C, G, I order."""
    return _finals(b)


def declare(m, b, specific: set[str]) -> None:
    """Declare every named quantity; ``specific``: sector-specific factors (closure)."""
    _prices(m, b, specific)
    _accounts(m, b)
    _welfare(m, b)
    _macro(m, b)
    m.outputs = [getattr(m, name)[k] for name in REPORTED for k in getattr(m, name)]
    m.output_keys = [(name, k) for name in REPORTED for k in getattr(m, name)]


def _prices(m, b, specific: set[str]) -> None:
    """Factor, import and export prices, the tax rates with their quota equivalents."""
    E = pyo.Expression
    m.pfac = E(m.FD, rule=lambda m, r, f, j: m.pfs[r, f, j] if f in specific else m.pf[r, f],
               doc="price of factor f used in sector j (mobile or sector-specific)")
    m.tariff_rate = E(m.BIL, rule=lambda m, s, r, i: m.tm[s, r, i] + m.tmq[s, r, i],
                      doc="ad valorem rate of r on imports from s: the tariff plus the tariff "
                      "equivalent of an import quota (0 without one), fraction")
    m.export_tax_rate = E(m.BIL, rule=lambda m, s, r, i: m.te[s, r, i] + m.teq[s, r, i],
                          doc="export tax rate of s on sales to r: the export tax plus the "
                          "export-tax equivalent of a VER (0 without one), fraction")
    m.pms = E(m.BIL, rule=lambda m, s, r, i: (1 + m.tariff_rate[s, r, i]) / (1 + b.tm[s, r, i])
              * (1 + m.export_tax_rate[s, r, i]) * m.eps[r] * m.pwe[s, i],
              doc="price to importer r of imports from s (base 1): the world price pwe, times "
              "1 + the exporter's export tax (the c.i.f. price paid), times 1 + the tariff on it")
    m.input_index = E(m.PROD, rule=lambda m, r, j: m.z[r, j] / m.ao[r, j],
                      doc="input requirement of sector j, index: value added and each "
                      "intermediate are Leontief in z / ao (output per unit of inputs = ao)")
    m.pe = E(m.EXP, rule=lambda m, r, i: m.eps[r] * m.pwe[r, i],
             doc="export price in the exporter's currency")

def _accounts(m, b) -> None:
    """Incomes, spending, tax revenues, trade values and the world price index."""
    E = pyo.Expression
    m.foreign_saving = E(m.R, rule=lambda m, r: m.fsv[r] * scale(b.SAV[r], b.YH[r]),
                         doc="foreign saving, reference currency (data unit)")
    m.disposable_income = E(m.R, rule=lambda m, r: (1 - m.tdv[r]) * b.YH[r] * m.yh[r]
                            + b.YH[r] * m.trf[r],
                            doc="household disposable income (after tax, with the transfer), "
                            "local currency")
    m.private_spending = E(m.R, rule=lambda m, r: (1 - m.mpsv[r]) * m.disposable_income[r],
                           doc="household consumption spending (disposable income less "
                           "saving), local currency")
    m.government_spending = E(m.R, rule=lambda m, r: (1 - m.msg[r]) * scale(b.YG[r], b.YH[r])
                              * m.yg[r] - b.YH[r] * m.trf[r],
                              doc="government consumption spending (revenue less its saving "
                              "and the transfer), local currency")
    m.tariff_revenue = E(m.R, rule=lambda m, r: sum(
        m.tariff_rate[s, rr, i] * b.MS[s, rr, i] * (1 + m.export_tax_rate[s, rr, i]) * m.eps[r]
        * m.pwe[s, i] * m.ms[s, rr, i] for (s, rr, i) in b.keys_of(b.MS, r, 1)),
        doc="tariff revenue (with the rent of import quotas), on the c.i.f. value including "
        "the exporter's export tax, local currency")
    m.export_tax_revenue = E(m.R, rule=lambda m, r: sum(
        m.export_tax_rate[rr, s, i] * b.MS[rr, s, i] * m.eps[r] * m.pwe[rr, i] * m.ms[rr, s, i]
        for (rr, s, i) in b.keys_of(b.MS, r)),
        doc="export tax revenue of the exporter (with the rent of VERs), on the world value "
        "pwe of its sales, local currency")
    m.production_tax = E(m.R, rule=lambda m, r: sum(
        m.tz[r, j] / (1 + m.tz[r, j]) * b.Z[r, j] * m.pz[r, j] * m.z[r, j]
        for (rr, j) in b.keys_of(b.Z, r)), doc="production tax revenue, local currency")
    m.exports_value = E(m.R, rule=lambda m, r: sum(
        b.E[r, i] * m.pwe[r, i] * m.e[r, i] for i in b.sectors if (r, i) in b.E)
        + sum(m.export_tax_rate[k] * b.MS[k] * m.pwe[r, k[2]] * m.ms[k]
              for k in b.keys_of(b.MS, r)),
        doc="exports at the prices importers pay (world price plus export tax), reference "
        "currency")
    m.imports_value = E(m.R, rule=lambda m, r: sum(
        b.MS[k] * (1 + m.export_tax_rate[k]) * m.pwe[k[0], k[2]] * m.ms[k]
        for k in b.keys_of(b.MS, r, 1)),
        doc="imports c.i.f. (world price plus the exporter's export tax), reference currency")
    trade_base = sum(b.MS.values())
    m.world_price = E(rule=lambda m: sum(
        v * (1 + m.export_tax_rate[k]) * m.pwe[k[0], k[2]] for k, v in b.MS.items()) / trade_base,
        doc="world export price index (Laspeyres over bilateral flows at the c.i.f. prices "
        "importers pay, export taxes included; base 1), reference currency")

def _welfare(m, b) -> None:
    """Utilities, regional income, national saving and the prices of investment and saving."""
    E = pyo.Expression
    m.utility = E(m.R, rule=lambda m, r: pyo.prod(
        m.c[r, i] ** (b.C[r, i] / b.total(b.C, r)) for i in b.sectors if (r, i) in b.C),
        doc="household utility index Π_i c_i^α_i (1 in the benchmark)")

    m.regional_income = E(m.R, rule=lambda m, r: b.YH[r] * m.yh[r] + m.production_tax[r]
                          + m.tariff_revenue[r] + m.export_tax_revenue[r],
                          doc="regional income: factor income + production taxes + tariffs + "
                          "export taxes (= C + G + national saving), local currency")
    m.national_saving = E(m.R, rule=lambda m, r: m.sav[r] * scale(b.SAV[r], b.YH[r])
                          - m.eps[r] * m.foreign_saving[r],
                          doc="national saving (household + government), local currency")
    # Cobb–Douglas indices as exp(Σ θ log p): sums compile to one template whatever their length
    m.investment_price = E(m.R, rule=lambda m, r: pyo.exp(sum(
        b.I[r, i] / b.total(b.I, r) * pyo.log(m.pq[r, i]) for i in b.sectors if (r, i) in b.I)),
        doc="price index of investment goods (Cobb–Douglas, the unit cost of real "
        "investment; base 1)")
    theta = saving_weights(b)
    m.saving_price = E(rule=lambda m: pyo.exp(sum(
        w * (pyo.log(m.investment_price[r]) - pyo.log(m.eps[r])) for r, w in theta.items())),
        doc="world price of saving (GTAP's psave): Cobb–Douglas index of the regions' prices "
        "of investment goods in the reference currency, base-year investment weights; base 1")

    def regional(m, r):
        w = welfare_weights(b, r)
        u = 1.0
        for k, flow, var in _finals(b)[:2]:
            if k in w:
                tot = b.total(flow, r)
                comp = getattr(m, var)
                u = u * pyo.prod(comp[key] ** (flow[key] / tot)
                                 for key in b.keys_of(flow, r)) ** w[k]
        if "S" in w:
            real = m.national_saving[r] / (m.eps[r] * m.saving_price * saving0(b, r))
            u = u * real ** w["S"]
        return u
    m.regional_utility = E(m.R, rule=regional,
                           doc="regional household's utility (GTAP): Cobb–Douglas over "
                           "private consumption, government consumption and real national "
                           "saving (deflated by the world price of saving in local currency), "
                           "base-year income shares (1 in the benchmark)")

def _macro(m, b) -> None:
    """Absorption, real GDP and the terms of trade."""
    E = pyo.Expression
    m.absorption = E(m.R, rule=lambda m, r: sum(
        m.pq[key] * flow[key] * getattr(m, var)[key] for _, flow, var in _finals(b)
        for key in b.keys_of(flow, r)), doc="absorption C + G + I, local currency")

    def gdp(m, r, base=False):
        val = (lambda var, k: 1.0) if base else (lambda var, k: var[k])
        dom = sum(b.C[k] * val(m.c, k) for k in b.keys_of(b.C, r))
        dom += sum(b.G[k] * val(m.g, k) for k in b.keys_of(b.G, r))
        dom += sum(b.I[k] * val(m.inv, k) for k in b.keys_of(b.I, r))
        exp = sum(b.E[k] * val(m.e, k) for k in b.keys_of(b.E, r))
        imp = sum(b.MS[k] * val(m.ms, k) for k in b.keys_of(b.MS, r, 1))
        return dom + exp - imp
    m.real_gdp = E(m.R, rule=gdp, doc="GDP by expenditure at base prices: C + G + I + X − M")
    m.real_gdp_base = E(m.R, rule=lambda m, r: gdp(m, r, base=True), doc="base-year GDP (data unit)")

    def tot(m, r):
        ex = [(b.E[k] * m.e[k], m.pwe[k]) for k in b.keys_of(b.E, r)]
        im = [(b.MS[k] * m.ms[k], (1 + m.export_tax_rate[k]) * m.pwe[k[0], k[2]])
              for k in b.keys_of(b.MS, r, 1)]
        if not ex or not im:  # undefined without exports or imports: reported as NaN
            return 1.0
        # exports at the prices importers pay: the world price plus r's export taxes
        tax = sum(m.export_tax_rate[k] * b.MS[k] * m.ms[k] * m.pwe[r, k[2]]
                  for k in b.keys_of(b.MS, r))
        px = (sum(q * p for q, p in ex) + tax) / sum(q for q, _ in ex)
        pm = sum(q * p for q, p in im) / sum(q for q, _ in im)
        return px / pm
    m.terms_of_trade = E(m.R, rule=tot,
                         doc="terms of trade: export over import price (Paasche), at the prices "
                         "importers pay: world prices plus the exporters' export taxes")
