"""Results of a solve: welfare (equivalent variation), macro aggregates, trade, output, prices.

All money values are in the data set's currency unit (e.g. USD million). Values "at base
prices" are volumes; nominal values are in each region's own currency, whose base-year unit is
the data's unit (exchange rates are 1 in the benchmark). Percent changes are relative to the
benchmark.

Equivalent variation (EV) of the household: utility is Cobb–Douglas, so the expenditure function
at base prices is linear in utility and ``EV = (U1/U0 - 1) × base consumption spending``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from .scenario import Scenario
from .solver import SolveInfo


def _v(var, key, default=0.0):
    return var[key].value if key in var else default


@dataclass
class Results:
    """Tables of one solved scenario (pandas DataFrames, units in column names)."""

    economy: object
    scenario: Scenario | None
    info: SolveInfo

    @property
    def unit(self) -> str:
        return self.economy.dataset.unit

    @property
    def summary(self) -> pd.DataFrame:
        """Per region: EV, real GDP, CPI, exchange rate, terms of trade, tariff revenue."""
        b, m = self.economy.benchmark, self.economy.model
        rows = []
        for r in b.regions:
            cons0 = b.total(b.C, r)
            u = pyo.value(m.utility[r])
            gdp0 = self._real_gdp(r, base=True)
            gdp1 = self._real_gdp(r, base=False)
            rev0 = sum(b.tm[k] * b.MS[k] for k in b.MS if k[1] == r)
            rev1 = sum(m.tm[k].value * b.MS[k] * m.eps[r].value * m.pwe[k[0], k[2]].value
                       * m.ms[k].value for k in b.MS if k[1] == r)
            rows.append({
                "region": r,
                f"EV ({self.unit})": (u - 1.0) * cons0,
                "EV (% of base income)": 100 * (u - 1.0) * cons0 / b.YH[r],
                "utility index": u,
                "real GDP (% change)": 100 * (gdp1 / gdp0 - 1),
                "CPI": m.cpi[r].value,
                "exchange rate": m.eps[r].value,
                "terms of trade (% change)": 100 * (self._tot(r) - 1),
                f"tariff revenue, base ({self.unit})": rev0,
                f"tariff revenue, new ({self.unit}, local currency)": rev1,
            })
        return pd.DataFrame(rows).set_index("region")

    def _real_gdp(self, r: str, base: bool) -> float:
        """GDP by expenditure at base prices: C + G + I + exports − imports (c.i.f.)."""
        b, m = self.economy.benchmark, self.economy.model
        val = lambda var, k: 1.0 if base else var[k].value  # noqa: E731
        dom = sum(b.C[k] * val(m.c, k) for k in b.C if k[0] == r)
        dom += sum(b.G[k] * val(m.g, k) for k in b.G if k[0] == r)
        dom += sum(b.I[k] * val(m.inv, k) for k in b.I if k[0] == r)
        exp = sum(b.E[k] * val(m.e, k) for k in b.E if k[0] == r)
        imp = sum(b.MS[k] * val(m.ms, k) for k in b.MS if k[1] == r)
        return dom + exp - imp

    def _tot(self, r: str) -> float:
        """Terms of trade index: export over import price (world prices, Paasche weights)."""
        b, m = self.economy.benchmark, self.economy.model
        ex = [(b.E[k] * m.e[k].value, m.pwe[k].value) for k in b.E if k[0] == r]
        im = [(b.MS[k] * m.ms[k].value, m.pwe[k[0], k[2]].value) for k in b.MS if k[1] == r]
        px = sum(q * p for q, p in ex) / sum(q for q, _ in ex)
        pm = sum(q * p for q, p in im) / sum(q for q, _ in im)
        return px / pm

    @property
    def trade(self) -> pd.DataFrame:
        """Bilateral trade by sector: base value, volume change, value at new world prices."""
        b, m = self.economy.benchmark, self.economy.model
        rows = []
        for (s, r, i), v in sorted(b.MS.items()):
            q = m.ms[s, r, i].value
            rows.append({
                "exporter": s, "importer": r, "sector": i,
                f"base ({self.unit})": v,
                "base tariff (%)": 100 * b.tm[s, r, i],
                "tariff (%)": 100 * m.tm[s, r, i].value,
                f"volume at base prices ({self.unit})": v * q,
                "volume (% change)": 100 * (q - 1),
                f"value at world prices ({self.unit}, reference currency)":
                    v * q * m.pwe[s, i].value,
            })
        return pd.DataFrame(rows).set_index(["exporter", "importer", "sector"])

    @property
    def sectors(self) -> pd.DataFrame:
        """By region and sector: output, exports, imports (volumes) and prices (% change)."""
        b, m = self.economy.benchmark, self.economy.model
        rows = []
        for r in b.regions:
            for i in b.sectors:
                k = (r, i)
                rows.append({
                    "region": r, "sector": i,
                    f"output, base ({self.unit})": b.Z.get(k, 0.0),
                    "output (% change)": 100 * (_v(m.z, k, 1.0) - 1),
                    "exports (% change)": 100 * (_v(m.e, k, 1.0) - 1),
                    "imports (% change)": 100 * (_v(m.m, k, 1.0) - 1),
                    "producer price (% change)": 100 * (_v(m.pz, k, 1.0) - 1),
                    "domestic price (% change)": 100 * (_v(m.pd, k, 1.0) - 1),
                    "import price incl. tariff (% change)": 100 * (_v(m.pm, k, 1.0) - 1),
                    "consumer (Armington) price (% change)": 100 * (_v(m.pq, k, 1.0) - 1),
                })
        return pd.DataFrame(rows).set_index(["region", "sector"])

    def describe(self) -> str:
        """A short text report: scenario, solve, summary and the largest trade changes."""
        name = self.scenario.name if self.scenario else "benchmark"
        lines = [f"scenario: {name}", f"data: {self.economy.dataset.name} ({self.unit})",
                 f"closure: {self.economy.closure.describe()}",
                 f"solve: {self.info.solver}, {self.info.iterations} iterations, max residual "
                 f"{self.info.max_residual:.1e}, Walras residuals {self.info.max_walras:.1e}, "
                 f"{self.info.seconds:.3f} s", ""]
        with pd.option_context("display.width", 200, "display.max_columns", 20,
                               "display.float_format", "{:,.4g}".format):
            lines.append(self.summary.T.to_string())
            tr = self.trade
            changed = tr[(tr["tariff (%)"] - tr["base tariff (%)"]).abs() > 1e-12]
            if not changed.empty:
                lines += ["", "shocked trade flows:",
                          changed[["base tariff (%)", "tariff (%)", "volume (% change)"]]
                          .to_string()]
        return "\n".join(lines)
