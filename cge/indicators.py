"""One indicator layer: every reported quantity defined once, with its dimensions, unit and meaning.

An :class:`Indicator` is computed from a :class:`View` of one solution of one economy (never
from the Pyomo model's current values): ``Results`` tables, sweeps, SSA and ``compare`` all
select from :data:`INDICATORS`, so a run and a sweep cannot disagree, and a new output is one
entry here. Arrays are dense over the indicator's dimensions (``region``; ``exporter,
importer, sector``; ``region, sector``) in the data's order, NaN where not applicable (no
base-year flow). Units: ``{unit}`` is the data's currency unit (e.g. USD million).

Named model quantities (:mod:`cge.model.quantities`) are evaluated through the compiled core
(:meth:`cge.core.CompiledModel.output_values`), so each is written once, in the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .model.quantities import finals, income0

DIMS = {"region": ("region",), "bilateral": ("exporter", "importer", "sector"),
        "sector": ("region", "sector"), "pair": ("exporter", "importer"), "world": ()}


def base_income(b, r) -> float:
    """Base income of region r (the regional household's): factor income plus production
    taxes and tariff revenue, i.e. GDP at market prices, in the data's unit."""
    return income0(b, r)


class Layout:
    """Where each model component's values sit in a solution (made once per economy)."""

    def __init__(self, economy):
        core, m, b = economy.core, economy.model, economy.benchmark
        self.b, self.m = b, m
        self.R, self.S = list(b.regions), list(b.sectors)
        self.ri = {r: k for k, r in enumerate(self.R)}
        self.si = {i: k for k, i in enumerate(self.S)}
        self.F = list(b.factors)
        self.fi = {f: k for k, f in enumerate(self.F)}
        self.xi = {id(v): k for k, v in enumerate(core.variables)}
        self.pi = {id(o): k for k, o in enumerate(core.param_objects)}
        self.out_pos = {key: k for k, key in enumerate(m.output_keys)}
        self._comp: dict[str, tuple] = {}
        self.income = np.array([base_income(b, r) for r in self.R])
        self.cons0 = np.array([b.total(b.C, r) for r in self.R])
        import pyomo.core as pyo

        self.gdp0 = np.array([pyo.value(m.real_gdp_base[r]) for r in self.R])
        self.MS = self.dense_data(b.MS, 3)
        self.tm0 = self.dense_data(b.tm, 3)
        self.Z = self.dense_data(b.Z, 2)
        self.rev0 = np.array([sum(b.tm[k] * b.MS[k] for k in b.MS if k[1] == r) for r in self.R])
        has_e = np.array([any(k[0] == r for k in b.E) for r in self.R])
        has_m = np.array([any(k[1] == r for k in b.MS) for r in self.R])
        self.trades = has_e & has_m
        goods = set(getattr(economy.dataset, "goods", b.sectors))
        self.goods = np.array([i in goods for i in self.S])

    def shape(self, dim: int) -> tuple[int, ...]:
        return {1: (len(self.R),), 2: (len(self.R), len(self.S)),
                3: (len(self.R), len(self.R), len(self.S))}[dim]

    def cell(self, key) -> tuple[int, ...]:
        """Array position of a model index: (region), (region, sector or factor),
        (exporter, importer, sector) or (region, factor, sector)."""
        key = key if isinstance(key, tuple) else (key,)
        if len(key) == 1:
            return (self.ri[key[0]],)
        if len(key) == 2:
            return (self.ri[key[0]], self.si[key[1]] if key[1] in self.si else self.fi[key[1]])
        if key[1] in self.fi:
            return (self.ri[key[0]], self.fi[key[1]], self.si[key[2]])
        return (self.ri[key[0]], self.ri[key[1]], self.si[key[2]])

    def shape_of(self, key) -> tuple[int, ...]:
        """The dense shape of a component whose first index is ``key``."""
        key = key if isinstance(key, tuple) else (key,)
        size = {**dict.fromkeys(self.ri, len(self.R)), **dict.fromkeys(self.si, len(self.S)),
                **dict.fromkeys(self.fi, len(self.F))}
        if len(key) == 3 and key[1] in self.ri:
            return (len(self.R), len(self.R), len(self.S))
        return tuple(size[k] for k in key)

    def dense_data(self, flow: dict, dim: int) -> np.ndarray:
        out = np.full(self.shape(dim), np.nan)
        for k, v in flow.items():
            out[self.cell(k)] = v
        return out

    def component(self, name: str):
        """(cells, source, positions, constants) of a variable or Param component."""
        c = self._comp.get(name)
        if c is None:
            comp = getattr(self.m, name)
            keys = list(comp.keys())
            dim = len(keys[0]) if keys and isinstance(keys[0], tuple) else 1
            cells = tuple(np.array(ix, dtype=int) for ix in zip(*[self.cell(k) for k in keys])) \
                if keys else tuple(np.zeros(0, dtype=int) for _ in range(dim))
            src = np.array([0 if id(comp[k]) in self.xi else 1 if id(comp[k]) in self.pi else 2
                            for k in keys], dtype=int)
            pos = np.array([self.xi.get(id(comp[k]), self.pi.get(id(comp[k]), 0)) for k in keys],
                           dtype=int)
            const = np.array([float(comp[k].value) for k in keys])
            shape = self.shape_of(keys[0]) if keys else self.shape(dim)
            c = self._comp[name] = (shape, cells, src, pos, const)
        return c


def layout(economy) -> Layout:
    """The economy's :class:`Layout` (cached on its compiled core)."""
    lay = economy.core.cache.get("layout")
    if lay is None:
        lay = economy.core.cache["layout"] = Layout(economy)
    return lay


class View:
    """Values of one solution of one economy, by model component or named quantity."""

    def __init__(self, economy, solution):
        self.economy, self.solution = economy, solution
        self.lay = layout(economy)
        self.b = economy.benchmark
        self._q: np.ndarray | None = None

    def var(self, name: str, fill: float = np.nan) -> np.ndarray:
        """A variable or Param component as a dense array (``fill`` where it has no index)."""
        shape, cells, src, pos, const = self.lay.component(name)
        vals = const.copy()
        ix, ip = src == 0, src == 1
        vals[ix] = self.solution.x[pos[ix]]
        vals[ip] = self.solution.p[pos[ip]]
        out = np.full(shape, fill)
        out[cells] = vals
        return out

    def quantity(self, name: str) -> np.ndarray:
        """A named quantity of :data:`cge.model.quantities.REPORTED`, by region."""
        if self._q is None:
            self._q = self.economy.core.output_values(np.asarray(self.solution.x),
                                                      self.solution.p.tolist())
        pos = self.lay.out_pos
        return np.array([self._q[pos[(name, r)]] for r in self.lay.R])


@dataclass(frozen=True)
class Indicator:
    """A reported quantity: ``name`` (identifier), ``dims`` (a key of :data:`DIMS`),
    ``label`` and ``unit`` (a table column is named ``name``, with label and unit as metadata:
    cge.columns; ``{unit}`` is the data's currency unit), ``meaning``, and ``compute(view)``
    → a dense array over the dims."""

    name: str
    dims: str
    label: str
    unit: str
    meaning: str
    compute: Callable[[View], np.ndarray]

    def unit_in(self, unit: str) -> str:
        """The unit with the data's currency unit filled in, e.g. ``"USD million"``."""
        return self.unit.format(unit=unit)

    def column(self, unit: str) -> str:
        """``"label (unit)"`` with the data's currency unit filled in (a heading for text)."""
        return f"{self.label} ({self.unit_in(unit)})"


def _pct(a: np.ndarray) -> np.ndarray:
    return 100 * (a - 1)


def _ev(v: View) -> np.ndarray:
    return v.lay.income * (v.quantity("regional_utility") - 1.0)


def _ev_household(v: View) -> np.ndarray:
    return (v.quantity("utility") - 1.0) * v.lay.cons0


def _tot(v: View) -> np.ndarray:
    return np.where(v.lay.trades, _pct(v.quantity("terms_of_trade")), np.nan)


def _imports_volume(v: View) -> np.ndarray:
    MS = np.nan_to_num(v.lay.MS)
    vol = np.nansum(MS * v.var("ms", 1.0), axis=(0, 2))
    return 100 * (vol / MS.sum(axis=(0, 2)) - 1)


def _world_trade(v: View) -> np.ndarray:
    MS = np.nan_to_num(v.lay.MS)
    return np.asarray(100 * (np.sum(MS * np.nan_to_num(v.var("ms"), nan=1.0)) / MS.sum() - 1))


def _quota_rent(v: View) -> np.ndarray:
    """Rent of a quota on each cell, in the currency of the region that collects it: an
    import quota's tmq on the c.i.f. value (importer), a VER's teq on the world value
    (exporter); 0 on cells without a quota."""
    MS, ms, pwe, eps = v.lay.MS, v.var("ms"), v.var("pwe")[:, None, :], v.var("eps")
    cif = 1 + v.var("te") + v.var("teq")
    return MS * ms * pwe * (v.var("tmq") * cif * eps[None, :, None]
                            + v.var("teq") * eps[:, None, None])


def _goods_imports(v: View) -> tuple[np.ndarray, np.ndarray]:
    """Base and new volume of goods imports by (exporter, importer), at base prices."""
    MS = np.where(v.lay.goods[None, None, :], np.nan_to_num(v.lay.MS), 0.0)
    return MS.sum(axis=2), (MS * np.nan_to_num(v.var("ms"), nan=1.0)).sum(axis=2)


def _goods_imports_pct(v: View) -> np.ndarray:
    base, new = _goods_imports(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, 100 * (new / base - 1), np.nan)


_I = Indicator
#: Every reported quantity, by name (the order is the order of the tables).
INDICATORS: dict[str, Indicator] = {i.name: i for i in [
    # ---------------------------------------------------------------- by region
    _I("ev", "region", "EV", "{unit}", "equivalent variation of the regional household "
       "(GTAP: Cobb–Douglas over private consumption, government consumption and real "
       "national saving), at base prices", _ev),
    _I("ev_pct_income", "region", "EV", "% of base income",
       "regional EV in percent of base income (GDP at market prices)",
       lambda v: 100 * _ev(v) / v.lay.income),
    _I("ev_household", "region", "EV, household", "{unit}",
       "equivalent variation of private consumption only", _ev_household),
    _I("ev_household_pct_income", "region", "EV, household", "% of base income",
       "household EV in percent of base income", lambda v: 100 * _ev_household(v) / v.lay.income),
    _I("utility", "region", "household utility", "index, base = 1",
       "household utility index Π c^α", lambda v: v.quantity("utility")),
    _I("real_gdp_pct", "region", "real GDP", "% change", "GDP by expenditure at base prices",
       lambda v: 100 * (v.quantity("real_gdp") / v.lay.gdp0 - 1)),
    _I("cpi", "region", "CPI", "index, base = 1", "consumer price index", lambda v: v.var("cpi")),
    _I("exchange_rate", "region", "exchange rate", "local per reference currency, base = 1",
       "exchange rate", lambda v: v.var("eps")),
    _I("terms_of_trade_pct", "region", "terms of trade", "% change",
       "export over import price index at the prices importers pay (world prices plus export "
       "taxes), Paasche weights (NaN without trade)", _tot),
    _I("tariff_revenue_base", "region", "tariff revenue, base", "{unit}",
       "base-year tariff revenue", lambda v: v.lay.rev0),
    _I("tariff_revenue", "region", "tariff revenue, new", "{unit}, local currency",
       "tariff revenue at the solution, local currency", lambda v: v.quantity("tariff_revenue")),
    _I("imports_volume_pct", "region", "imports, total volume", "% change",
       "all imports at base prices", _imports_volume),
    _I("export_tax_revenue", "region", "export tax revenue", "{unit}, local currency",
       "export taxes and the rent of VERs collected by the exporter's government, at the "
       "solution", lambda v: v.quantity("export_tax_revenue")),
    # ---------------------------------------------------------------- the world
    _I("world_ev", "world", "EV, world", "{unit}", "sum of the regions' EV (each at base "
       "prices, in the data unit: exchange rates are 1 in the base year)",
       lambda v: np.asarray(_ev(v).sum())),
    _I("world_ev_pct_income", "world", "EV, world", "% of base income",
       "world EV in percent of world base income (GDP at market prices)",
       lambda v: np.asarray(100 * _ev(v).sum() / v.lay.income.sum())),
    _I("world_real_gdp_pct", "world", "real GDP, world", "% change",
       "sum of the regions' GDP by expenditure at base prices",
       lambda v: np.asarray(100 * (v.quantity("real_gdp").sum() / v.lay.gdp0.sum() - 1))),
    _I("world_trade_volume_pct", "world", "world trade, volume", "% change",
       "all bilateral imports at base prices", _world_trade),
    _I("world_tariff_revenue_base", "world", "tariff revenue, world, base", "{unit}",
       "base-year tariff revenue of all regions", lambda v: np.asarray(v.lay.rev0.sum())),
    _I("world_tariff_revenue", "world", "tariff revenue, world, new", "{unit}, reference currency",
       "tariff revenue of all regions at the solution, converted at the exchange rates",
       lambda v: np.asarray(np.sum(v.quantity("tariff_revenue") / v.var("eps")))),
    # ---------------------------------------------------------------- bilateral
    _I("trade_base_value", "bilateral", "base value", "{unit}", "base-year bilateral imports "
       "(c.i.f.)", lambda v: v.lay.MS),
    _I("base_tariff_pct", "bilateral", "base tariff", "%", "base-year tariff rate",
       lambda v: 100 * v.lay.tm0),
    _I("tariff_pct", "bilateral", "tariff", "%", "tariff rate of the scenario (ad valorem, "
       "c.i.f.); NaN where there is no base-year flow", lambda v: 100 * v.var("tm")),
    _I("export_tax_pct", "bilateral", "export tax", "%", "export tax of the exporter on the "
       "world price (instrument te; 0 in the base)", lambda v: 100 * v.var("te")),
    _I("quota_tariff_equivalent_pct", "bilateral", "tariff equivalent", "%",
       "tariff equivalent of an import quota, added to the tariff (0 without one)",
       lambda v: 100 * v.var("tmq")),
    _I("ver_export_tax_equivalent_pct", "bilateral", "export-tax equivalent", "%",
       "export-tax equivalent of a voluntary export restraint, added to the export tax (0 "
       "without one)", lambda v: 100 * v.var("teq")),
    _I("quota_rent", "bilateral", "quota rent", "{unit}, recipient's currency",
       "rent of a quota: the importer's (import quota) or the exporter's (VER) revenue from "
       "its equivalent", _quota_rent),
    _I("trade_volume", "bilateral", "volume at base prices", "{unit}",
       "bilateral imports at base prices", lambda v: v.lay.MS * v.var("ms")),
    _I("trade_volume_pct", "bilateral", "volume", "% change", "bilateral imports at base "
       "prices (volume); NaN where there is no base-year flow", lambda v: _pct(v.var("ms"))),
    _I("trade_value_world", "bilateral", "value at world prices", "{unit}, reference currency",
       "bilateral imports at new world prices",
       lambda v: v.lay.MS * v.var("ms") * v.var("pwe")[:, None, :]),
    # ---------------------------------------------------------------- by exporter and importer
    _I("goods_imports_volume_change", "pair", "goods imports, volume", "{unit}, change at base "
       "prices", "the importer's imports of goods (meta.toml: every sector but the services) "
       "from the exporter, change in volume", lambda v: np.subtract(*_goods_imports(v)[::-1])),
    _I("goods_imports_volume_pct", "pair", "goods imports, volume", "% change",
       "the importer's imports of goods from the exporter, volume (NaN without such trade)",
       _goods_imports_pct),
    # ---------------------------------------------------------------- by region and sector
    _I("output_base", "sector", "output, base", "{unit}", "base-year gross output",
       lambda v: np.nan_to_num(v.lay.Z)),
    _I("output_pct", "sector", "output", "% change", "gross output (volume); NaN where the "
       "sector does not produce in the base year", lambda v: _pct(v.var("z"))),
    _I("exports_pct", "sector", "exports", "% change", "exports (volume)",
       lambda v: _pct(v.var("e"))),
    _I("imports_pct", "sector", "imports", "% change", "import composite (volume)",
       lambda v: _pct(v.var("m"))),
    _I("producer_price_pct", "sector", "producer price", "% change", "output price",
       lambda v: _pct(v.var("pz"))),
    _I("domestic_price_pct", "sector", "domestic price", "% change",
       "price of domestic output sold at home", lambda v: _pct(v.var("pd"))),
    _I("import_price_pct", "sector", "import price incl. tariff", "% change",
       "import composite price, gross of tariffs", lambda v: _pct(v.var("pm"))),
    _I("armington_price_pct", "sector", "consumer (Armington) price", "% change",
       "Armington (consumer) price of the composite good, local currency",
       lambda v: _pct(v.var("pq"))),
]}
del _I


def compute(economy, solution, names) -> dict[str, np.ndarray]:
    """The indicators ``names`` at ``solution``: name → dense array over its dims."""
    view = View(economy, solution)
    return {n: np.asarray(INDICATORS[n].compute(view), dtype=float) for n in names}


__all__ = ["DIMS", "INDICATORS", "Indicator", "Layout", "View", "base_income", "compute",
           "finals", "layout"]
