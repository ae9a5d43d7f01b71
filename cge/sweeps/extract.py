"""The numbers of a sweep member: :class:`Extract` reads the output variables (:data:`VARIABLES`)
off a solved model.

A self-contained unit with a small interface, ``Extract(economy)``, then ``extract()`` after
each solve (a dict of arrays, by variable of :data:`VARIABLES`) and ``extract.shapes`` (the
length of each dimension); a shared indicator layer is to replace it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..economy import Economy


class Extract:
    """Reads the sweep's output variables off a solved model (cheap: no welfare decomposition).

    Made once per :class:`~cge.economy.Economy` (it holds the model's components and the
    benchmark's weights); calling it after a solve returns the values of every variable of
    :data:`VARIABLES`, arrays shaped as the variable's dims (:attr:`shapes`).
    """

    def __init__(self, eco: Economy):
        import pyomo.environ as pyo

        from ..welfare import income

        self.pyo = pyo
        b, m = eco.benchmark, eco.model
        self.b, self.m = b, m
        R, S = list(b.regions), list(b.sectors)
        self.R, self.S = R, S
        ri, si = {r: k for k, r in enumerate(R)}, {i: k for k, i in enumerate(S)}
        self.income = np.array([income(b, r) for r in R])
        self.cons0 = np.array([b.total(b.C, r) for r in R])

        def flows(flow: dict, var, by: int = 0):
            keys = list(flow)
            return ([var[k] for k in keys], np.array([flow[k] for k in keys], dtype=float),
                    np.array([ri[k[by]] for k in keys], dtype=int))

        self.gdp = [flows(b.C, m.c), flows(b.G, m.g), flows(b.I, m.inv)]
        self.exp = flows(b.E, m.e)
        self.exp_price = [m.pwe[k] for k in b.E]
        ms_keys = list(b.MS)
        self.ms = [m.ms[k] for k in ms_keys]
        self.ms_base = np.array([b.MS[k] for k in ms_keys])
        self.ms_imp = np.array([ri[k[1]] for k in ms_keys], dtype=int)
        self.ms_price = [m.pwe[k[0], k[2]] for k in ms_keys]
        self.ms_cell = (np.array([ri[k[0]] for k in ms_keys]), self.ms_imp,
                        np.array([si[k[2]] for k in ms_keys]))
        self.tm = [m.tm[k] for k in ms_keys]
        self.gdp0 = self._gdp(base=True)
        z_keys = [k for k in b.Z if k in m.z]
        self.z = [m.z[k] for k in z_keys]
        self.z_cell = (np.array([ri[k[0]] for k in z_keys], dtype=int),
                       np.array([si[k[1]] for k in z_keys], dtype=int))
        pq_keys = list(m.pq)
        self.pq = [m.pq[k] for k in pq_keys]
        self.pq_cell = (np.array([ri[k[0]] for k in pq_keys], dtype=int),
                        np.array([si[k[1]] for k in pq_keys], dtype=int))

    @property
    def shapes(self) -> dict[str, int]:
        """Length of each dimension of :data:`VARIABLES`."""
        return {"region": len(self.R), "sector": len(self.S), "exporter": len(self.R),
                "importer": len(self.R)}

    @staticmethod
    def _vals(objs) -> np.ndarray:
        return np.fromiter((o.value for o in objs), dtype=float, count=len(objs))

    def _gdp(self, base: bool) -> np.ndarray:
        """GDP by expenditure at base prices, C + G + I + exports − imports (c.i.f.), by region
        (as :meth:`cge.results.Results.summary`)."""
        n = len(self.R)
        tot = np.zeros(n)
        for objs, w, reg in [*self.gdp, self.exp]:
            q = 1.0 if base else self._vals(objs)
            tot += np.bincount(reg, weights=w * q, minlength=n)
        q = 1.0 if base else self._vals(self.ms)
        tot -= np.bincount(self.ms_imp, weights=self.ms_base * q, minlength=n)
        return tot

    def __call__(self) -> dict[str, np.ndarray]:
        from ..welfare import regional_ev

        b, m, R, S = self.b, self.m, self.R, self.S
        n, ns = len(R), len(S)
        ev_d = regional_ev(m, b)
        ev = np.array([ev_d[r] for r in R])
        u = np.array([self.pyo.value(m.utility[r]) for r in R])
        gdp = self._gdp(base=False)
        # terms of trade: export over import price index (world prices, Paasche weights)
        _, e_w, e_reg = self.exp
        eq = e_w * self._vals(self.exp[0])
        ep = self._vals(self.exp_price)
        mq = self.ms_base * self._vals(self.ms)
        mp = self._vals(self.ms_price)
        px = np.bincount(e_reg, eq * ep, n) / np.bincount(e_reg, eq, n)
        pm = np.bincount(self.ms_imp, mq * mp, n) / np.bincount(self.ms_imp, mq, n)
        trade = np.full((n, n, ns), np.nan)
        trade[self.ms_cell] = 100 * (self._vals(self.ms) - 1)
        tariff = np.full((n, n, ns), np.nan)
        tariff[self.ms_cell] = 100 * self._vals(self.tm)
        out = np.full((n, ns), np.nan)
        out[self.z_cell] = 100 * (self._vals(self.z) - 1)
        pq = np.full((n, ns), np.nan)
        pq[self.pq_cell] = 100 * (self._vals(self.pq) - 1)
        return {
            "ev": ev,
            "ev_pct_income": 100 * ev / self.income,
            "ev_household": (u - 1.0) * self.cons0,
            "real_gdp_pct": 100 * (gdp / self.gdp0 - 1),
            "terms_of_trade_pct": 100 * (px / pm - 1),
            "cpi": np.array([m.cpi[r].value for r in R]),
            "exchange_rate": np.array([m.eps[r].value for r in R]),
            "trade_volume_pct": trade,
            "tariff_pct": tariff,
            "output_pct": out,
            "armington_price_pct": pq,
        }


#: Output variables: dims (after ``member``), units, meaning.
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "ev": (("region",), "{unit}", "equivalent variation of the regional household (C, G and "
           "investment, as in GTAP), at base prices"),
    "ev_pct_income": (("region",), "% of base income", "regional EV in percent of base income "
                      "(GDP at market prices)"),
    "ev_household": (("region",), "{unit}", "equivalent variation of private consumption only"),
    "real_gdp_pct": (("region",), "% change", "real GDP by expenditure at base prices"),
    "terms_of_trade_pct": (("region",), "% change", "export over import price index, world "
                           "prices, Paasche weights"),
    "cpi": (("region",), "index, base = 1", "consumer price index"),
    "exchange_rate": (("region",), "local per reference currency, base = 1", "exchange rate"),
    "trade_volume_pct": (("exporter", "importer", "sector"), "% change", "bilateral imports at "
                         "base prices (volume); NaN where there is no base-year flow"),
    "tariff_pct": (("exporter", "importer", "sector"), "%", "tariff rate of the member (ad "
                   "valorem, c.i.f.); NaN where there is no base-year flow"),
    "output_pct": (("region", "sector"), "% change", "gross output (volume); NaN where the "
                   "sector does not produce in the base year"),
    "armington_price_pct": (("region", "sector"), "% change", "Armington (consumer) price of the "
                            "composite good, local currency"),
}
