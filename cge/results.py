"""Results of a solve: welfare (equivalent variation), macro aggregates, trade, output, prices.

All money values are in the data set's currency unit (e.g. USD million). Values "at base
prices" are volumes; nominal values are in each region's own currency, whose base-year unit is
the data's unit (exchange rates are 1 in the benchmark). Percent changes are relative to the
benchmark.

Tables are computed from the :class:`~cge.solution.Solution` on first access, so a reused
:class:`~cge.economy.Economy` may solve the next scenario meanwhile; every column is an
indicator of :mod:`cge.indicators`. :meth:`Results.tables` lists every publishable table, and
the outputs of a run are written by :mod:`cge.report` (:meth:`Results.write`, or ``cge run``).

Equivalent variation (EV), two measures (docs/welfare.md):

- ``EV``: the regional household's (GTAP's), whose Cobb–Douglas utility covers private
  consumption, government consumption and real national saving with base shares of income,
  so that tariff revenue counts whoever spends it; ``EV = Ȳ (U − 1)``, ``Ȳ`` base income.
  The ``welfare`` table decomposes it (allocative efficiency, terms of trade, ...).
- ``EV, household``: private consumption only, ``(U1/U0 − 1) × base consumption spending``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .assumptions import assumptions
from .columns import annotate
from .indicators import INDICATORS, compute, layout
from .scenario import Scenario, TariffChange
from .solution import Solution
from .solver import SolveInfo

#: The indicators of each table, in column order (each defined once in cge.indicators).
SUMMARY = ("ev", "ev_pct_income", "ev_household", "ev_household_pct_income", "utility",
           "real_gdp_pct", "cpi", "exchange_rate", "terms_of_trade_pct", "tariff_revenue_base",
           "tariff_revenue")
TRADE = ("trade_base_value", "base_tariff_pct", "tariff_pct", "trade_volume",
         "trade_volume_pct", "trade_value_world")
WORLD = ("world_ev", "world_ev_pct_income", "world_real_gdp_pct", "world_trade_volume_pct",
         "world_tariff_revenue_base", "world_tariff_revenue")
#: Columns of the quotas table (scenarios with ``[[quota]]`` tables only).
QUOTAS = ("trade_base_value", "base_tariff_pct", "trade_volume_pct", "quota_tariff_equivalent_pct",
          "ver_export_tax_equivalent_pct", "quota_rent")
SECTORS = ("output_base", "output_pct", "exports_pct", "imports_pct", "producer_price_pct",
           "domestic_price_pct", "import_price_pct", "armington_price_pct")


@dataclass
class Results:
    """Tables of one solved scenario (pandas DataFrames whose columns are short codes, such as
    ``ev`` or ``trade_volume_pct``; each column's label and unit are in ``frame.attrs["columns"]``
    and in :meth:`schema`; docs/outputs.md §3).

    ``economy`` is the :class:`~cge.economy.Economy` that was solved, ``scenario`` the scenario
    (None for the benchmark), ``solution`` the :class:`~cge.solution.Solution` (a SolveInfo
    is accepted too: the economy's current point is then taken as the solution). Tables are
    computed from the solution on first access (the welfare decomposition, which solves the
    model along the shock path, only when ``welfare`` or ``welfare_detail`` is asked for) and
    do not change when the economy solves another scenario.
    """

    economy: object
    scenario: Scenario | None
    solution: Solution | SolveInfo
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.solution, Solution):
            core = self.economy.core
            self.solution = Solution(core.x_from_model(), core.params(), self.solution)

    @property
    def info(self) -> SolveInfo:
        """The solve statistics."""
        return self.solution.info

    @info.setter
    def info(self, info: SolveInfo) -> None:
        self.solution = Solution(self.solution.x, self.solution.p, info)

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
        aggregates), ``world`` (world totals), ``welfare`` (the regional EV's decomposition),
        ``trade``, ``sectors`` and ``welfare_detail`` (the decomposition by component, sector
        and partner, long format).

        Writers (:func:`cge.report.write_outputs`) iterate over this dict; a new column is one
        entry in :data:`cge.indicators.INDICATORS` and in the table's list here. Columns are
        codes; :meth:`schema` gives each one's label and unit.
        """
        out = {"summary": self.summary, "world": self.world, "welfare": self.welfare,
               "trade": self.trade, "sectors": self.sectors,
               "welfare_detail": self.welfare_detail}
        if self.scenario is not None and self.scenario.quotas:
            out["quotas"] = self.quotas
        if len(self.diversion):
            out["diversion"] = self.diversion
        return out

    def schema(self, table: str = "summary") -> pd.DataFrame:
        """The columns of a table: ``variable`` (the code), ``label``, ``unit`` (docs/outputs.md
        §3), e.g. ``ev``, ``EV``, ``USD million``."""
        from .columns import schema

        return schema(self._get(table))

    def indicators(self, names) -> dict[str, np.ndarray]:
        """Indicators of :data:`cge.indicators.INDICATORS` at this solution (dense arrays)."""
        return compute(self.economy, self.solution, names)

    @property
    def welfare(self) -> pd.DataFrame:
        """Per region: regional EV and its decomposition (docs/welfare.md), in the data's
        currency unit: allocative efficiency (tariffs, quotas, export taxes, VERs, production
        taxes), technology, terms of trade,
        investment–savings, endowments (employment), spending mix, and the residual."""
        return self._table("welfare", lambda: self._decomposition()[0])

    @property
    def welfare_detail(self) -> pd.DataFrame:
        """The decomposition by region, component, sector and partner (long format)."""
        return self._table("welfare_detail", lambda: self._decomposition()[1])

    def _decomposition(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from .solver import SolveError
        from .welfare import CODES, COMPONENTS, decompose

        if "_dec" not in self._cache:
            u = self.unit
            try:
                dec = decompose(self.economy, self.solution)
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
            summ = summ.rename(columns=CODES)
            annotate(summ, {CODES[c]: (label.get(c, c), u) for c in CODES})
            summ.index.name = "region"
            detail = detail.set_index(["region", "component", "group", "sector", "partner"])
            annotate(detail, {"value": ("contribution to EV", u)})
            self._cache["_dec"] = (summ, detail)
        return self._cache["_dec"]

    def _frame(self, names, dims: str, keys: list, index: list[str], fill=None) -> pd.DataFrame:
        vals = self.indicators(names)
        lay = layout(self.economy)
        cells = tuple(np.array(ix, dtype=int) for ix in zip(*[lay.cell(k) for k in keys]))
        cols = {}
        for n in names:
            col = vals[n][cells] if vals[n].ndim > 1 else vals[n][cells[0]]
            if fill is not None:
                col = np.where(np.isnan(col), fill, col)
            cols[n] = col
        frame = pd.DataFrame(cols, index=self._index(keys, index) if len(index) > 1
                             else pd.Index(keys, name=index[0]))
        return self._annotate(frame, names)

    def _annotate(self, frame: pd.DataFrame, names) -> pd.DataFrame:
        """Record label and unit of the indicator columns ``names`` (cge.columns)."""
        return annotate(frame, {n: (INDICATORS[n].label, INDICATORS[n].unit_in(self.unit))
                                for n in names})

    def _index(self, keys: list, names: list[str]) -> pd.MultiIndex:
        """A MultiIndex of ``keys`` whose levels are in the data's order (regions, sectors as in
        meta.toml; other labels in order of appearance), so that keys in data order are
        lexsorted: partial lookups such as ``res.trade.loc[("JPN", "USA")]`` work without
        pandas' PerformanceWarning and the display order is kept."""
        b = self.economy.benchmark
        canon = [list(b.regions), list(b.sectors)]
        levels, codes = [], []
        for i in range(len(names)):
            values = list(dict.fromkeys(k[i] for k in keys))
            order = next((c for c in canon if set(values) <= set(c)), None)
            level = [v for v in order if v in set(values)] if order else values
            pos = {v: j for j, v in enumerate(level)}
            levels.append(level)
            codes.append([pos[k[i]] for k in keys])
        return pd.MultiIndex(levels=levels, codes=codes, names=names)

    @property
    def tariff_change(self) -> TariffChange:
        """The tariffs of this solution against the base rates (:attr:`TariffChange.cells`:
        the flows the scenario changed)."""
        if "_tc" not in self._cache:
            b = self.economy.benchmark
            lay = layout(self.economy)
            tm = compute(self.economy, self.solution, ["tariff_pct"])["tariff_pct"] / 100
            self._cache["_tc"] = TariffChange(base=dict(b.tm),
                                              new={k: float(tm[lay.cell(k)]) for k in b.tm})
        return self._cache["_tc"]

    @property
    def summary(self) -> pd.DataFrame:
        """Per region: EV, utility, real GDP, CPI, exchange rate, terms of trade, tariff revenue."""
        b = self.economy.benchmark
        return self._table("summary", lambda: self._frame(SUMMARY, "region", list(b.regions),
                                                          ["region"]))

    @property
    def world(self) -> pd.DataFrame:
        """World totals (one row): world EV (currency and % of world income), real GDP, trade
        volume and tariff revenue."""
        def build():
            vals = self.indicators(WORLD)
            return self._annotate(pd.DataFrame({n: [float(vals[n])] for n in WORLD},
                                               index=pd.Index(["world"], name="region")), WORLD)
        return self._table("world", build)

    def assumptions(self) -> list[str]:
        """What this run assumes, one line each (:func:`cge.assumptions.assumptions`)."""
        return assumptions(self.economy, self.tariff_change.cells, self.scenario)

    @property
    def trade(self) -> pd.DataFrame:
        """Bilateral trade by (exporter, importer, sector): base value and tariff, new tariff,
        volume at base prices and its % change, value at new world prices."""
        b = self.economy.benchmark
        ri, si = {r: k for k, r in enumerate(b.regions)}, {i: k for k, i in enumerate(b.sectors)}
        keys = sorted(b.MS, key=lambda k: (ri[k[0]], ri[k[1]], si[k[2]]))  # data order
        return self._table("trade", lambda: self._frame(TRADE, "bilateral", keys,
                                                        ["exporter", "importer", "sector"]))

    @property
    def quotas(self) -> pd.DataFrame:
        """The scenario's quotas by (exporter, importer, sector): who gets the rent, base value
        and tariff, the volume's % change (the quota), the endogenous equivalent — a tariff
        equivalent (import quota, rent to the importer) or an export-tax equivalent (VER, rent
        to the exporter) — and the rent in the recipient's currency. Empty without quotas."""
        quotas = self.scenario.quotas if self.scenario is not None else ()

        def build():
            keys = [q.cell for q in quotas]
            index = ["exporter", "importer", "sector"]
            if not keys:
                frame = pd.DataFrame(columns=["rent_to", *QUOTAS],
                                     index=pd.MultiIndex.from_tuples([], names=index))
                frame = self._annotate(frame, QUOTAS)
            else:
                frame = self._frame(QUOTAS, "bilateral", keys, index)
                frame.insert(0, "rent_to", [q.rent for q in quotas])
            return annotate(frame, {"rent_to": ("rent to", "")})
        return self._table("quotas", build)

    @property
    def diversion(self) -> pd.DataFrame:
        """Trade diversion in every market (importer, sector) where the scenario changed a
        tariff or set a quota, by (importer, sector, supplier, shocked): each supplier's sales
        (exporters and ``domestic``) at base
        buyers' prices, base and new, market shares, and each change as a share of the shocked
        suppliers' loss: who replaces them (:mod:`cge.diversion`). Empty for the benchmark."""
        from .diversion import diversion_table

        cells = list(self.tariff_change.cells)
        if self.scenario is not None:
            cells += [q.cell for q in self.scenario.quotas if q.cell not in cells]
        return self._table("diversion", lambda: diversion_table(
            self.economy, self.solution, cells, self.unit))

    @property
    def sectors(self) -> pd.DataFrame:
        """By region and sector: base output, and % changes of output, exports, imports
        (volumes) and prices (0 where the flow does not exist)."""
        b = self.economy.benchmark
        keys = [(r, i) for r in b.regions for i in b.sectors]
        return self._table("sectors", lambda: self._frame(SECTORS, "sector", keys,
                                                          ["region", "sector"], fill=0.0))

    def describe(self) -> str:
        """A short text report: scenario, data, closure, solve, summary and shocked trade flows."""
        from .report import publication, to_text

        sc, info = self.scenario, self.info
        title = self.name + (f": {sc.description}" if sc is not None and sc.description else "")
        lines = [f"scenario  {title}",
                 f"data      {self.economy.dataset.name} ({self.unit})",
                 f"closure   {self.economy.closure.describe()}",
                 f"elasticities {self.economy.dataset.describe_elasticities()}",
                 f"solve     {info.solver}"
                 + (f" (continuation: {info.steps} steps)" if info.steps > 1 else "")
                 + f", {info.iterations} iterations, max residual "
                 f"{info.max_residual:.1e}, Walras residuals {info.max_walras:.1e}, "
                 f"{info.seconds:.3f} s",
                 *[f"warning   {w}" for w in getattr(info, "warnings", [])], "",
                 "welfare and macro aggregates (EV: equivalent variation; changes from the "
                 "benchmark):"]
        lines.append(to_text(publication(self.summary), merge_units=True))
        lines += ["", "world totals:", to_text(publication(self.world), merge_units=True),
                  "", "what this run assumes:", *[f"  {a}" for a in self.assumptions()]]
        w = self.welfare
        if w.notna().all().all():
            ev, res = w.iloc[:, 0].abs(), w.iloc[:, -1].abs()
            adds_up = bool((res <= 1e-6 * ev.clip(lower=1e-9)).all())
            head = ("the parts add up to EV" if adds_up else
                    "the parts do not add up to EV here: the residual is what the decomposition "
                    "does not count yet (export taxes, quota rents, productivity)")
            lines += ["", f"EV decomposition (docs/welfare.md; {head}):",
                      to_text(publication(w), merge_units=True)]
        tr = self.trade
        changed = tr.loc[self.tariff_change.cells]
        if not changed.empty:
            cols = ["base_tariff_pct", "tariff_pct", "trade_base_value", "trade_volume_pct"]
            lines += ["", "shocked trade flows:", to_text(changed[cols])]
        if sc is not None and sc.quotas:
            lines += ["", "quotas (volume fixed; the equivalent adjusts, its rent goes to the "
                      "region named under 'rent to'):", to_text(self.quotas)]
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
