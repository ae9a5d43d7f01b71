"""Results of a solve: welfare (equivalent variation), macro aggregates, trade, output, prices.

All money values are in the data set's currency unit (e.g. USD million). Values "at base
prices" are volumes; nominal values are in each region's own currency, whose base-year unit is
the data's unit (exchange rates are 1 in the benchmark). Percent changes are relative to the
benchmark.

Tables are computed once, when the Results are made (a reused :class:`~cge.economy.Economy` holds
the next scenario's solution after its next solve); :meth:`Results.tables` lists every
publishable table, and the outputs of a run are written by :mod:`cge.report`
(:meth:`Results.write`, or ``cge run``).

Equivalent variation (EV), two measures (docs/welfare.md):

- ``EV``: the regional household's (as in GTAP), whose Cobb–Douglas utility covers private
  consumption, government consumption and real investment with base-year weights, so that
  tariff revenue spent by the government counts; ``EV = Ā (U − 1)``, ``Ā`` base absorption.
  The ``welfare`` table decomposes it (allocative efficiency, terms of trade, ...).
- ``EV, household``: private consumption only, ``(U1/U0 − 1) × base consumption spending``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo

from .scenario import Scenario
from .solver import SolveInfo


def _v(var, key, default=0.0):
    return var[key].value if key in var else default


@dataclass
class Results:
    """Tables of one solved scenario (pandas DataFrames, units in column names).

    ``economy`` is the solved :class:`~cge.economy.Economy`, ``scenario`` the scenario (None for
    the benchmark), ``info`` the solve statistics. The tables are snapshots taken at creation.
    """

    economy: object
    scenario: Scenario | None
    info: SolveInfo
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tables()  # snapshot now: the economy's model changes at its next solve

    def _table(self, name: str, build) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name].copy()

    @property
    def unit(self) -> str:
        """The data set's currency unit, e.g. ``"USD million"``."""
        return self.economy.dataset.unit

    @property
    def name(self) -> str:
        """The scenario's name, or ``"benchmark"``."""
        return self.scenario.name if self.scenario is not None else "benchmark"

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every publishable table, by name: ``summary`` (regional and household EV, macro
        aggregates), ``welfare`` (the regional EV's decomposition), ``trade``, ``sectors`` and
        ``welfare_detail`` (the decomposition by component, sector and partner, long format).

        Writers (:func:`cge.report.write_outputs`) iterate over this dict; a new table is added
        here (as a property computed from the solved model) and is then written everywhere.
        Column names are ``"variable (unit)"``.
        """
        return {"summary": self.summary, "welfare": self.welfare, "trade": self.trade,
                "sectors": self.sectors, "welfare_detail": self.welfare_detail}

    @property
    def welfare(self) -> pd.DataFrame:
        """Per region: regional EV and its decomposition (docs/welfare.md), in the data's
        currency unit: allocative efficiency (tariffs, production taxes), terms of trade,
        investment–savings (capital flows, final-demand mix), endowments, and the residual."""
        return self._table("welfare", lambda: self._decomposition()[0])

    @property
    def welfare_detail(self) -> pd.DataFrame:
        """The decomposition by region, component, sector and partner (long format)."""
        return self._table("welfare_detail", lambda: self._decomposition()[1])

    def _decomposition(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from .solver import SolveError
        from .welfare import COMPONENTS, decompose

        if "_dec" not in self._cache:
            u = self.unit
            try:
                dec = decompose(self.economy)
                summ, detail = dec.summary, dec.detail
                bad = [r for r in summ.index if abs(summ.at[r, "residual"])
                       > 1e-6 * max(abs(summ.at[r, "EV, regional"]), 1e-9)]
                if bad:
                    self.info.warnings.append(
                        f"welfare decomposition: residual above 1e-6 of EV in {', '.join(bad)} "
                        f"after {dec.nodes} quadrature nodes")
            except SolveError as err:
                self.info.warnings.append(f"welfare decomposition failed: {err.headline}")
                summ = pd.DataFrame(index=list(self.economy.benchmark.regions),
                                    columns=["EV, regional", *COMPONENTS, "residual"], dtype=float)
                detail = pd.DataFrame(columns=["region", "component", "group", "sector",
                                               "partner", "value"])
            label = {c: c if g == c else f"{g}: {c}" for c, g in COMPONENTS.items()}
            label["EV, regional"] = "EV"
            summ = summ.rename(columns=lambda c: f"{label.get(c, c)} ({u})")
            summ.index.name = "region"
            detail = detail.rename(columns={"value": f"value ({u})"})
            detail = detail.set_index(["region", "component", "group", "sector", "partner"])
            self._cache["_dec"] = (summ, detail)
        return self._cache["_dec"]

    @property
    def summary(self) -> pd.DataFrame:
        """Per region: EV, utility, real GDP, CPI, exchange rate, terms of trade, tariff revenue."""
        return self._table("summary", self._summary)

    def _summary(self) -> pd.DataFrame:
        from .welfare import income, regional_ev

        b, m = self.economy.benchmark, self.economy.model
        ev = regional_ev(m, b)
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
                f"EV ({self.unit})": ev[r],
                "EV (% of base income)": 100 * ev[r] / income(b, r),
                f"EV, household ({self.unit})": (u - 1.0) * cons0,
                "EV, household (% of base income)": 100 * (u - 1.0) * cons0 / income(b, r),
                "household utility (index, base = 1)": u,
                "real GDP (% change)": 100 * (gdp1 / gdp0 - 1),
                "CPI (index, base = 1)": m.cpi[r].value,
                "exchange rate (local per reference currency, base = 1)": m.eps[r].value,
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
        """Bilateral trade by (exporter, importer, sector): base value and tariff, new tariff,
        volume at base prices and its % change, value at new world prices."""
        return self._table("trade", self._trade)

    def _trade(self) -> pd.DataFrame:
        b, m = self.economy.benchmark, self.economy.model
        rows = []
        ri, si = {r: k for k, r in enumerate(b.regions)}, {i: k for k, i in enumerate(b.sectors)}
        order = lambda kv: (ri[kv[0][0]], ri[kv[0][1]], si[kv[0][2]])  # noqa: E731  data order
        for (s, r, i), v in sorted(b.MS.items(), key=order):
            q = m.ms[s, r, i].value
            rows.append({
                "exporter": s, "importer": r, "sector": i,
                f"base value ({self.unit})": v,
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
        """By region and sector: base output, and % changes of output, exports, imports
        (volumes) and prices."""
        return self._table("sectors", self._sectors)

    def _sectors(self) -> pd.DataFrame:
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
        """A short text report: scenario, data, closure, solve, summary and shocked trade flows."""
        from .report import publication, to_text

        sc, info = self.scenario, self.info
        title = self.name + (f": {sc.description}" if sc is not None and sc.description else "")
        lines = [f"scenario  {title}",
                 f"data      {self.economy.dataset.name} ({self.unit})",
                 f"closure   {self.economy.closure.describe()}",
                 f"solve     {info.solver}"
                 + (f" (continuation: {info.steps} steps)" if info.steps > 1 else "")
                 + f", {info.iterations} iterations, max residual "
                 f"{info.max_residual:.1e}, Walras residuals {info.max_walras:.1e}, "
                 f"{info.seconds:.3f} s",
                 *[f"warning   {w}" for w in getattr(info, "warnings", [])], "",
                 "welfare and macro aggregates (EV: equivalent variation; changes from the "
                 "benchmark):"]
        lines.append(to_text(publication(self.summary), merge_units=True))
        w = self.welfare
        if w.notna().all().all():
            lines += ["", "EV decomposition (docs/welfare.md; the parts add up to EV):",
                      to_text(publication(w), merge_units=True)]
        tr = self.trade
        changed = tr[(tr["tariff (%)"] - tr["base tariff (%)"]).abs() > 1e-12]
        if not changed.empty:
            cols = ["base tariff (%)", "tariff (%)", f"base value ({self.unit})",
                    "volume (% change)"]
            lines += ["", "shocked trade flows:", to_text(changed[cols])]
        return "\n".join(lines)

    # ------------------------------------------------------------------ outputs
    def tidy(self, table: str = "summary") -> pd.DataFrame:
        """A table in long format: index columns, ``variable``, ``unit``, ``value``."""
        from .report import tidy

        return tidy(self._get(table))

    def to_latex(self, table: str = "summary") -> str:
        """A table as a booktabs LaTeX ``tabular`` (needs ``\\usepackage{booktabs}``)."""
        from .report import to_latex

        return to_latex(self._get(table))

    def to_markdown(self, table: str = "summary") -> str:
        """A table as a Markdown (GitHub) table, numbers formatted for publication."""
        from .report import to_markdown

        return to_markdown(self._get(table))

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write every table as tidy CSV (``<name>.csv``) into ``directory`` (created if
        missing; files there are overwritten). Returns the paths. For a complete, atomic
        output folder use :meth:`write`."""
        from .report import write_tables

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        return write_tables(self.tables(), d, parquet=False, publish=False)

    def write(self, directory: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Write all outputs (tables, figures, metadata) atomically; see
        :func:`cge.report.write_outputs`. Default folder: the scenario's name in the current
        folder. Returns the folder."""
        from .report import write_outputs

        return write_outputs(self, directory, overwrite=overwrite)

    def _get(self, table: str) -> pd.DataFrame:
        tables = self.tables()
        if table not in tables:
            raise KeyError(f"no table {table!r}; tables: {', '.join(tables)}")
        return tables[table]
