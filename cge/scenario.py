"""Tariff scenarios: TOML files parsed as data only, validated against a data set.

A scenario file::

    name = "us_autos_232"
    description = "Section 232: +25 points on autos and parts from Japan"
    source = "Proclamation 10908 (26 March 2025)"
    closure = "default"            # optional; see cge.closure.CLOSURES (cge/closures.toml)
    revenue = "household"          # optional: government (default), household, income_tax
    swap = [["cpi[*]", "pf[*,LAB]"]]   # optional GEMPACK swaps: [exogenous, endogenous]
    elasticities = "short_run"     # optional: an elasticity set of the data (default: its default)

    [[shock]]
    importer = "USA"
    exporters = ["JPN"]            # or "all"
    sectors = ["AUTO"]             # or "all" (all goods: the sectors not in meta.toml's services)
    add_pct = 25                   # percentage points added to the base rate
    # set_pct = 50                 # or: the rate is set to this level (percent)
    # floor_pct = 15               # or: rates below this level are raised to it
    # group = "US tariffs"         # optional label: shocks with the same group form one subtotal

    [[instrument]]                 # optional: instruments other than tariffs (INSTRUMENTS)
    parameter = "endow"
    index = ["USA", "LAB"]         # names, or "*"
    mul = 1.02                     # or add = ..., set = ...

    [[quota]]                      # optional: a quantitative restriction on one bilateral cell
    exporter = "JPN"
    importer = "USA"
    sector = "AUTO"
    volume = 0.85                  # the cell's volume, as a share of its base volume
    rent = "exporter"              # "importer": import quota; "exporter": VER

Shocks are applied in order to the base rates, so a later shock may override an earlier one.
A quota is a GEMPACK-style swap (:func:`cge.economy.scenario_closure`): the cell's volume
``ms`` becomes exogenous at ``volume`` and its tariff equivalent ``tmq`` (rent to the
importer's government, as a tariff's revenue) or export-tax equivalent ``teq`` (rent to the
exporter's government) endogenous.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .closure import CLOSURES, REVENUE
from .data import DataError, Dataset
from .errors import ScenarioError
from .text import listing, quote, show
from .toml_format import OPERATIONS, check_change_table, parse_names, parse_toml_table, read_toml_bytes


@dataclass(frozen=True)
class Shock:
    """One tariff change: ``operation`` (add_pct, set_pct or floor_pct) of ``value`` percent."""

    importer: str
    exporters: tuple[str, ...] | str
    sectors: tuple[str, ...] | str
    operation: str
    value: float
    group: str = ""  # label for subtotals (cge.sensitivity); shocks may share one

    def __post_init__(self) -> None:
        """Checked as a ``[[shock]]`` table is: built from Python, the same rules and errors."""
        where = "Shock"
        _name(where, "importer", self.importer)
        for key in ("exporters", "sectors"):
            object.__setattr__(self, key, _names(where, key, getattr(self, key)))
        if self.operation not in OPERATIONS:
            raise ScenarioError(f"{where}: unknown operation {quote(self.operation)}",
                                hint=f"one of {', '.join(OPERATIONS)}; the value is in percent "
                                "(25 for 25%)")
        object.__setattr__(self, "value", _number(where, self.operation, self.value,
                                                  f"a percentage, e.g. {self.operation} = 25"))
        if self.operation != "add_pct" and self.value <= -100:
            raise ScenarioError(f"{where}: {self.operation} = {self.value:g} is at or below -100%",
                                hint="a tariff must stay above -100% (values are in percent)")
        _label(where, self.group)

    def new_rate(self, rate: float) -> float:
        """The tariff rate (fraction) after this shock, given the rate before it."""
        v = self.value / 100.0
        if self.operation == "add_pct":
            return rate + v
        if self.operation == "set_pct":
            return v
        return max(rate, v)


#: Instruments other than tariffs that a scenario may shock (mutable Params of cge.model.sets),
#: with the open interval their values must stay in.
INSTRUMENTS: dict[str, tuple[float, float, str]] = {
    "tz": (-1.0, math.inf, "production tax rate on net cost (fraction), by (region, sector)"),
    "td": (-math.inf, 1.0, "direct tax rate on household income (fraction), by region"),
    "mps": (-math.inf, 1.0, "household saving / disposable income, by region"),
    "msg": (-math.inf, 1.0, "government saving / revenue, by region"),
    "transfer": (-math.inf, math.inf, "lump-sum transfer to the household / base household "
                 "income, by region (used when revenue is spent by the government)"),
    "endow": (0.0, math.inf, "mobile factor endowment index (base 1), by (region, factor)"),
    "endow_sf": (0.0, math.inf, "sector-specific factor endowment index (base 1), by (region, "
                 "factor, sector)"),
    "te": (-1.0, math.inf, "export tax rate on the world price (fraction; a subsidy if "
           "negative; 0 in the base), by (exporter, importer, sector)"),
    "ao": (0.0, math.inf, "output-augmenting (Hicks-neutral) productivity index (base 1), by "
           "(region, sector)"),
}
#: Operations on an instrument: the new value from the old.
INSTRUMENT_OPS = {"set": lambda old, v: v, "add": lambda old, v: old + v,
                  "mul": lambda old, v: old * v}


@dataclass(frozen=True)
class InstrumentShock:
    """A change of a non-tariff instrument: ``parameter`` (a key of :data:`INSTRUMENTS`) at
    the indices matching ``index`` (names or ``*``), by ``operation`` (set, add, mul)."""

    parameter: str
    index: tuple[str, ...]
    operation: str
    value: float
    group: str = ""

    def __post_init__(self) -> None:
        """Checked as an ``[[instrument]]`` table is."""
        where = "InstrumentShock"
        if self.parameter not in INSTRUMENTS:
            raise ScenarioError(f"{where}: unknown parameter {quote(self.parameter)}",
                                hint=f"instruments are {listing(INSTRUMENTS)} (tariffs are Shocks)")
        index = (self.index,) if isinstance(self.index, str) else self.index
        if not (isinstance(index, tuple | list) and index
                and all(isinstance(i, str) for i in index)):
            raise ScenarioError(f"{where}: 'index' must be a tuple of names, not "
                                f"{quote(self.index)}", hint='e.g. ("USA", "LAB"), or ("*",)')
        object.__setattr__(self, "index", tuple(index))
        if self.operation not in INSTRUMENT_OPS:
            raise ScenarioError(f"{where}: unknown operation {quote(self.operation)}",
                                hint=f"one of {', '.join(INSTRUMENT_OPS)}")
        object.__setattr__(self, "value", _number(where, self.operation, self.value,
                                                  "e.g. mul = 1.05"))
        _label(where, self.group)


#: Who gets a quota's rent → the variable that becomes endogenous (docs/model.md §5.3).
QUOTA_RENTS: dict[str, tuple[str, str]] = {
    "importer": ("tmq", "import quota: the importer's government collects the rent through an "
                 "endogenous tariff equivalent"),
    "exporter": ("teq", "voluntary export restraint (VER): the exporter's government collects "
                 "the rent through an endogenous export-tax equivalent"),
}
QUOTA_FIELDS = ("exporter", "importer", "sector", "volume", "rent")


@dataclass(frozen=True)
class Quota:
    """A quantitative restriction on one bilateral cell: imports of ``importer`` from
    ``exporter`` of ``sector`` held at ``volume`` times their base volume (``ms`` = volume).

    ``rent = "importer"``: an import quota, whose tariff equivalent ``tmq`` (added to the
    tariff) adjusts and whose rent is the importer's revenue, as a tariff's would be;
    ``rent = "exporter"``: a voluntary export restraint, whose export-tax equivalent ``teq``
    (added to the export tax) adjusts and whose rent is the exporter's revenue. The volume
    is imposed as an equality: an equivalent below zero means the quota would not bind.
    """

    exporter: str
    importer: str
    sector: str
    volume: float
    rent: str

    def __post_init__(self) -> None:
        """Checked as a ``[[quota]]`` table is."""
        where = "Quota"
        for key in ("exporter", "importer", "sector"):
            _name(where, key, getattr(self, key))
        if self.exporter == self.importer:
            raise ScenarioError(f"{where}: exporter and importer are both {show(self.importer)}",
                                hint="a region does not trade with itself")
        vol = _number(where, "volume", self.volume, "a share of the base volume, e.g. 0.85")
        if vol <= 0:
            raise ScenarioError(f"{where}: volume = {vol:g} must be above 0",
                                hint="a share of the base volume, e.g. 0.85")
        object.__setattr__(self, "volume", vol)
        if self.rent not in QUOTA_RENTS:
            raise ScenarioError(f"{where}: unknown rent {quote(self.rent)}",
                                hint='"importer" (import quota) or "exporter" (VER)')

    @property
    def cell(self) -> tuple[str, str, str]:
        """(exporter, importer, sector), the key of the bilateral flow."""
        return (self.exporter, self.importer, self.sector)

    @property
    def equivalent(self) -> str:
        """The model variable that becomes endogenous: ``tmq`` or ``teq``."""
        return QUOTA_RENTS[self.rent][0]

    def swap(self) -> tuple[str, str]:
        """The GEMPACK swap (exogenous → endogenous, endogenous → exogenous) of this quota."""
        idx = ",".join(self.cell)
        return (f"{self.equivalent}[{idx}]", f"ms[{idx}]")


def base_rates(ds: Dataset) -> dict[tuple[str, str, str], float]:
    """Base tariff rates (fractions) of every traded flow of ``ds``, by (exporter, importer,
    sector): the ``base`` of :meth:`Scenario.tariffs` before an economy is built."""
    t = ds.trade
    return {(x, m, i): float(r) for x, m, i, v, r in
            t[["exporter", "importer", "sector", "value", "tariff"]].itertuples(index=False)
            if v > 0}


@dataclass(frozen=True)
class Scenario:
    """A named set of tariff shocks, optionally with a closure name."""

    name: str
    shocks: tuple[Shock, ...] = ()
    description: str = ""
    source: str = ""
    closure: str | None = None
    #: GEMPACK-style swaps on top of the closure: (exogenous, endogenous) variable names.
    swaps: tuple[tuple[str, str], ...] = ()
    #: How revenue is used (cge.closure.REVENUE), or None: the closure's.
    revenue: str | None = None
    #: Shocks to instruments other than tariffs (``[[instrument]]`` tables), applied in order.
    instruments: tuple[InstrumentShock, ...] = ()
    #: The data's elasticity set to run with (None: the data's default set).
    elasticities: str | None = None
    #: Quantitative restrictions (``[[quota]]`` tables): import quotas and VERs by cell.
    quotas: tuple[Quota, ...] = ()
    #: The data set the scenario is written for (a shipped name, or a folder relative to the
    #: scenario file), used when none is given (``--data``); None: the default data set.
    data: str | None = None
    digest: str = ""
    path: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Checked as a scenario file is: names of closure and revenue rule, and the types of
        the shocks, instrument shocks, quotas and swaps (lists become tuples)."""
        where = f"Scenario {self.name!r}" if isinstance(self.name, str) else "Scenario"
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError(f"Scenario: 'name' must be a non-empty string, not "
                                f"{quote(self.name)}", hint='e.g. name = "us_autos_232"')
        for key, kind in (("shocks", Shock), ("instruments", InstrumentShock), ("quotas", Quota)):
            items = getattr(self, key)
            if not (isinstance(items, tuple | list) and all(isinstance(i, kind) for i in items)):
                raise ScenarioError(f"{where}: '{key}' must be a tuple of {kind.__name__}, not "
                                    f"{quote(items)}", hint=f"e.g. ({kind.__name__}(...),)")
            object.__setattr__(self, key, tuple(items))
        if self.closure is not None and self.closure not in CLOSURES:
            raise ScenarioError(f"{where}: unknown closure {quote(self.closure)}",
                                hint=f"closures are {listing(CLOSURES)} (see docs/model.md)")
        if self.revenue is not None and self.revenue not in REVENUE:
            raise ScenarioError(f"{where}: unknown revenue rule {quote(self.revenue)}",
                                hint=f"rules are {listing(REVENUE)} (see docs/model.md §7)")
        swaps = self.swaps
        if not (isinstance(swaps, tuple | list) and all(
                isinstance(sw, tuple | list) and len(sw) == 2
                and all(isinstance(v, str) for v in sw) for sw in swaps)):
            raise ScenarioError(f"{where}: 'swaps' must be (exogenous, endogenous) pairs of "
                                f"variable names, not {quote(swaps)}",
                                hint='e.g. swaps=(("fsv[JPN]", "eps[JPN]"),)')
        object.__setattr__(self, "swaps", tuple(tuple(sw) for sw in swaps))

    def tariffs(self, ds: Dataset, base: dict) -> dict:
        """New tariff rates (fractions) keyed by (exporter, importer, sector), for flows in ``base``.

        ``base`` maps (exporter, importer, sector) of every traded flow to its base rate.
        Raises :class:`ScenarioError` for names the data set does not have, a resulting
        rate at or below -100%, or a shock that touches no traded flow.
        """
        rates = dict(base)
        touched: dict[tuple[str, str, str], int] = {}  # cell -> the last shock that set it
        for k, sh in enumerate(self.shocks, start=1):
            where = f"{self.path or self.name}: shock {k}"
            _known(where, "importer", [sh.importer], ds.regions)
            exps = ([s for s in ds.regions if s != sh.importer] if sh.exporters == "all"
                    else list(sh.exporters))
            _known(where, "exporters", exps, ds.regions)
            if sh.importer in exps:
                raise ScenarioError(f"{where}: importer {show(sh.importer)} is also an exporter",
                                    hint="a region does not trade with itself; drop it from "
                                    "'exporters'")
            secs = (all_goods(ds) if sh.sectors == "all" else list(sh.sectors))
            if not secs:
                raise ScenarioError(f'{where}: sectors = "all" means every goods sector, but the '
                                    "data set declares every sector a service (meta.toml: "
                                    "services)", hint="name the sectors to shock")
            _known(where, "sectors", secs, ds.sectors)
            hit = 0
            for s in exps:
                for i in secs:
                    key = (s, sh.importer, i)
                    if key in rates:
                        rates[key] = sh.new_rate(rates[key])
                        if rates[key] <= -1:
                            raise ScenarioError(f"{where}: tariff on {show(i)} from {show(s)} "
                                                f"into {show(sh.importer)} would be "
                                                f"{100 * rates[key]:g}%, at or below -100%",
                                                hint="a tariff must stay above -100% (a subsidy "
                                                "cannot exceed the price)")
                        touched[key] = k
                        hit += 1
            if hit == 0:
                raise ScenarioError(f"{where}: no base-year trade in {listing(secs)} from "
                                    f"{listing(exps)} to {show(sh.importer)}; the shock has no "
                                    "effect", hint="check importer, exporters and sectors against "
                                    "trade.csv")
        self.check_quotas(ds, base, touched)
        return rates

    def check_quotas(self, ds: Dataset, base: Mapping, touched: Mapping = ()) -> None:
        """Validate the quotas against the data: known names, a flow with base-year trade
        (a key of ``base``), one quota per cell, and no other instrument on the cell that the
        quota would make void: a tariff shock (``touched``: cell → shock number) on an import
        quota's cell, an export tax (``te``) on a VER's cell. Raises :class:`ScenarioError`."""
        seen: dict[tuple[str, str, str], int] = {}
        for k, q in enumerate(self.quotas, start=1):
            where = f"{self.path or self.name}: quota {k}"
            _known(where, "exporter", [q.exporter], ds.regions)
            _known(where, "importer", [q.importer], ds.regions)
            _known(where, "sector", [q.sector], ds.sectors)
            if q.cell not in base:
                raise ScenarioError(f"{where}: no base-year trade in {show(q.sector)} from "
                                    f"{show(q.exporter)} to {show(q.importer)}: a quota needs "
                                    "a traded flow to restrict",
                                    hint="check exporter, importer and sector against trade.csv")
            if q.cell in seen:
                raise ScenarioError(f"{where}: the cell {show(q.exporter)} -> {show(q.importer)} "
                                    f"{show(q.sector)} already has quota {seen[q.cell]}",
                                    hint="one quota per bilateral cell")
            seen[q.cell] = k
            if q.rent == "importer" and q.cell in touched:
                raise ScenarioError(f"{where}: shock {touched[q.cell]} changes the tariff on the "
                                    "cell of this import quota, which fixes the cell's volume: "
                                    "the quota's tariff equivalent would absorb the change and "
                                    "the tariff would have no effect",
                                    hint="drop the cell from the shock, or make the quota a VER "
                                    '(rent = "exporter"), whose rent the tariff then shares')
            for j, sh in enumerate(self.instruments, start=1):
                if q.rent == "exporter" and sh.parameter == "te" and _matches(q.cell, sh.index):
                    raise ScenarioError(f"{where}: instrument {j} sets the export tax te on the "
                                        "cell of this VER, which fixes the cell's volume: the "
                                        "VER's export-tax equivalent would absorb it and the "
                                        "tax would have no effect",
                                        hint="narrow the instrument's index, or make the quota "
                                        'an import quota (rent = "importer")')

    def instrument_values(self, model) -> dict[str, dict]:
        """New values of the instruments this scenario shocks: parameter → {index: value},
        from the model's base values (:data:`INSTRUMENTS`). Raises :class:`ScenarioError` for
        an index that matches nothing or a value out of range."""
        out: dict[str, dict] = {}
        for k, sh in enumerate(self.instruments, start=1):
            where = f"{self.path or self.name}: instrument {k} ({sh.parameter})"
            rule = getattr(getattr(model, "closure", None), "revenue", None)
            if sh.parameter in REVENUE.get(rule, {}).get("inert", ()):
                raise ScenarioError(f"{where}: {sh.parameter} has no effect under the revenue "
                                    f"rule {rule} ({REVENUE[rule]['description']})",
                                    hint='set revenue = "government" (or "household", '
                                    '"income_tax") in the scenario, or --revenue, to shock it')
            par = getattr(model, sh.parameter)
            cur = out.setdefault(sh.parameter, {})
            keys = [key for key in par if _matches(key, sh.index)]
            if not keys:
                raise ScenarioError(f"{where}: index {list(sh.index)} matches nothing",
                                    hint=f"{sh.parameter} is {INSTRUMENTS[sh.parameter][2]}; use "
                                    "names of the data set or \"*\"")
            lo, hi, _ = INSTRUMENTS[sh.parameter]
            for key in keys:
                old = cur.get(key, par[key].value)
                new = INSTRUMENT_OPS[sh.operation](old, sh.value)
                if not lo < new < hi:
                    raise ScenarioError(f"{where}: {sh.parameter}{list(_tuple(key))} would be "
                                        f"{new:g}, outside ({lo:g}, {hi:g})",
                                        hint="a smaller change")
                cur[key] = new
        return out

    def resolve(self, economy) -> TariffChange:
        """The scenario's tariff change on ``economy``'s data (see :meth:`tariffs`)."""
        base = economy.base_tariffs()
        return TariffChange(base=base, new=self.tariffs(economy.dataset, base))


@dataclass(frozen=True)
class TariffChange:
    """What a scenario (or a solution) does to tariffs: the base and the new rate (fractions)
    of every traded flow (exporter, importer, sector). "Which cells did the scenario change"
    is decided here, once, for every report: :attr:`cells`."""

    base: Mapping[tuple[str, str, str], float]
    new: Mapping[tuple[str, str, str], float]

    @property
    def cells(self) -> list[tuple[str, str, str]]:
        """The flows whose rate changed, in the data's order."""
        return [k for k, v in self.base.items() if self.new[k] != v]

    def changed(self) -> dict[tuple[str, str, str], float]:
        """The new rates of the changed flows."""
        return {k: self.new[k] for k in self.cells}


def _tuple(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _matches(key, pattern: tuple[str, ...]) -> bool:
    key = _tuple(key)
    return pattern == ("*",) or (len(key) == len(pattern)
                                 and all(p in ("*", str(k)) for p, k in zip(pattern, key)))


def all_goods(ds_or_sectors: Dataset | Sequence[str], services: Sequence[str] = ()) -> list[str]:
    """Goods sectors, what ``sectors = "all"`` means in a shock and "all goods" in outputs: every
    sector that is not a service.

    Of a data set: its :attr:`~cge.data.Dataset.goods` (the sectors not in ``meta.toml``'s
    ``services``; all sectors when it declares none). Of a list of sector names: those not in
    ``services``.
    """
    if isinstance(ds_or_sectors, Dataset):
        return list(ds_or_sectors.goods)
    return [i for i in ds_or_sectors if i not in set(services)]


def _name(where: str, key: str, value) -> None:
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{where}: '{key}' must be one name, not {quote(value)}",
                            hint='e.g. "USA"')


def _names(where: str, key: str, value) -> tuple[str, ...] | str:
    """``"all"``, or names as a tuple, as in a scenario file (a single name, a list or tuple)."""
    return parse_names(where, key, list(value) if isinstance(value, tuple) else value)


def _number(where: str, key: str, value, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{where}: {key} must be a finite number, not {quote(value)}",
                            hint=hint)
    return float(value)


def _label(where: str, group) -> None:
    if not isinstance(group, str):
        raise ScenarioError(f"{where}: 'group' must be a label, not {quote(group)}",
                            hint='e.g. group = "Japanese retaliation"')


def _known(where: str, what: str, names: list, allowed) -> None:
    bad = [n for n in names if n not in allowed]
    if bad:
        raise ScenarioError(f"{where}: unknown {what[:-1] if what.endswith('s') else what} "
                            f"{', '.join(map(quote, bad))}; known: {listing(allowed)}",
                            hint=f"'{what}' takes names from the data set's meta.toml"
                            + (' or "all"' if what != "importer" else ""))


def parse_scenario(text: str, *, path: str = "<scenario>", digest: str | None = None) -> Scenario:
    """Parse scenario TOML text (data only: no code is evaluated).

    ``digest``: the SHA-256 of the file the text was read from (as :func:`load_scenario`
    passes it); by default the SHA-256 of the UTF-8 encoded text.
    """
    raw = parse_toml_table(text, path, ("name", "description", "source", "data", "closure", "revenue",
                                        "swap", "elasticities", "shock", "instrument", "quota"),
                           kind="shock", example="scenarios/us_autos_232.toml")
    name = raw["name"]
    examples = {"closure": 'e.g. closure = "default"',
                "data": 'e.g. data = "world2024": a shipped data set, or a folder such as "./mydata"',
                "elasticities": 'e.g. elasticities = "short_run": a set of the data\'s '
                                'elasticities.csv'}
    for key in ("description", "source", "closure", "elasticities", "data"):
        nonempty = key in ("elasticities", "data")
        if key in raw and not (isinstance(raw[key], str) and (raw[key] or not nonempty)):
            raise ScenarioError(f"{path}: '{key}' must be a string, not {quote(raw[key])}",
                                hint=examples.get(key, f'e.g. {key} = "text"'))
    if "closure" in raw and raw["closure"] not in CLOSURES:
        raise ScenarioError(f"{path}: unknown closure {quote(raw['closure'])}",
                            hint=f"closures are {listing(CLOSURES)} (see docs/model.md)")
    if "revenue" in raw and raw["revenue"] not in REVENUE:
        raise ScenarioError(f"{path}: unknown revenue rule {quote(raw['revenue'])}",
                            hint=f"rules are {listing(REVENUE)} (see docs/model.md §7)")
    swaps = raw.get("swap", [])
    if not (isinstance(swaps, list) and all(
            isinstance(sw, list) and len(sw) == 2 and all(isinstance(v, str) for v in sw)
            for sw in swaps)):
        raise ScenarioError(f"{path}: 'swap' must be a list of [exogenous, endogenous] pairs of "
                            f"variable names, not {quote(swaps)}",
                            hint='e.g. swap = [["fsv[JPN]", "eps[JPN]"]] (docs/scenarios.md)')
    shocks = []
    items = raw.get("shock", [])
    if not isinstance(items, list):
        raise ScenarioError(f"{path}: 'shock' must be an array of tables",
                            hint="start each shock with a [[shock]] line (double brackets)")
    fields = ("importer", "exporters", "sectors", *OPERATIONS, "group")
    for k, item in enumerate(items, start=1):
        where = f"{path}: shock {k}"
        op = check_change_table(where, item, fields)
        value = item[op]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ScenarioError(f"{where}: {op} must be a number, not {quote(value)}",
                                hint=f"a percentage without quotes, e.g. {op} = 25")
        if op != "add_pct" and value <= -100:
            raise ScenarioError(f"{where}: {op} = {value:g} is at or below -100%",
                                hint="a tariff must stay above -100%")
        group = item.get("group", "")
        if not isinstance(group, str):
            raise ScenarioError(f"{where}: 'group' must be a label, not {quote(group)}",
                                hint='e.g. group = "Japanese retaliation"')
        shocks.append(Shock(item["importer"], parse_names(where, "exporters", item["exporters"]),
                            parse_names(where, "sectors", item["sectors"]), op, float(value),
                            group))
    instruments = _parse_instruments(path, raw.get("instrument", []))
    quotas = _parse_quotas(path, raw.get("quota", []))
    return Scenario(name=name, shocks=tuple(shocks), instruments=instruments, quotas=quotas,
                    description=raw.get("description", ""),
                    source=raw.get("source", ""), closure=raw.get("closure"),
                    swaps=tuple((a, b) for a, b in swaps), revenue=raw.get("revenue"),
                    elasticities=raw.get("elasticities"), data=_data_ref(raw.get("data"), path),
                    digest=digest if digest is not None else hashlib.sha256(text.encode()).hexdigest(),
                    path=path)


def _data_ref(data: str | None, path: str) -> str | None:
    """A scenario's ``data``: a shipped name as it is; a folder (a text with ``/`` or starting
    with ``.``) relative to the scenario file's folder."""
    if data is None or not ("/" in data or data.startswith(".")):
        return data
    from pathlib import Path

    ref = Path(data)
    return str(ref if ref.is_absolute() or not path or path.startswith("<") else Path(path).parent / ref)


def _tables(path: str, items, kind: str, allowed: Sequence[str]):
    """The ``[[kind]]`` tables of a scenario file, each as (where, table), after checking that
    they are an array of tables with only the ``allowed`` fields."""
    article = "an" if kind[0] in "aeiou" else "a"
    if not isinstance(items, list):
        raise ScenarioError(f"{path}: '{kind}' must be an array of tables",
                            hint=f"start each one with {article} [[{kind}]] line (double brackets)")
    for k, item in enumerate(items, start=1):
        where = f"{path}: {kind} {k}"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: must be a table", hint=f"[[{kind}]]")
        extra = [f for f in item if f not in allowed]
        if extra:
            raise ScenarioError(f"{where}: unknown field(s) {', '.join(map(quote, extra))}",
                                hint=f"allowed: {', '.join(allowed)}")
        yield where, item


def _parse_instruments(path: str, items) -> tuple[InstrumentShock, ...]:
    """The ``[[instrument]]`` tables: parameter, index, one of set/add/mul, optional group."""
    out = []
    for where, item in _tables(path, items, "instrument",
                               ("parameter", "index", *INSTRUMENT_OPS, "group")):
        par = item.get("parameter")
        if par not in INSTRUMENTS:
            raise ScenarioError(f"{where}: unknown parameter {quote(par)}",
                                hint=f"instruments are {listing(INSTRUMENTS)} (tariffs are "
                                "[[shock]] tables)")
        index = item.get("index", ["*"])
        if isinstance(index, str):
            index = [index]
        if not (isinstance(index, list) and index and all(isinstance(i, str) for i in index)):
            raise ScenarioError(f"{where}: 'index' must be a list of names, not {quote(index)}",
                                hint='e.g. index = ["USA", "LAB"], or ["*"] for every one')
        ops = [o for o in INSTRUMENT_OPS if o in item]
        if len(ops) != 1:
            raise ScenarioError(f"{where}: give exactly one of set, add, mul",
                                hint="mul = 1.05 raises by 5%; add adds; set sets")
        value = item[ops[0]]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ScenarioError(f"{where}: {ops[0]} must be a number, not {quote(value)}",
                                hint=f"e.g. {ops[0]} = 1.05")
        group = item.get("group", "")
        if not isinstance(group, str):
            raise ScenarioError(f"{where}: 'group' must be a label, not {quote(group)}",
                                hint='e.g. group = "productivity"')
        out.append(InstrumentShock(par, tuple(index), ops[0], float(value), group))
    return tuple(out)


def _parse_quotas(path: str, items) -> tuple[Quota, ...]:
    """The ``[[quota]]`` tables: exporter, importer, sector (names), volume (> 0, a share of the
    base volume) and rent ("importer" or "exporter"), all required."""
    out = []
    for where, item in _tables(path, items, "quota", QUOTA_FIELDS):
        for key in QUOTA_FIELDS:
            if key not in item:
                raise ScenarioError(f"{where}: missing field '{key}'",
                                    hint='e.g. exporter = "JPN", importer = "USA", sector = '
                                    '"AUTO", volume = 0.85, rent = "exporter"')
        for key in ("exporter", "importer", "sector"):
            if not isinstance(item[key], str):
                raise ScenarioError(f"{where}: '{key}' must be one name, not {quote(item[key])}",
                                    hint="a quota restricts one bilateral cell; give one table "
                                    "per cell")
        if item["exporter"] == item["importer"]:
            raise ScenarioError(f"{where}: exporter and importer are both "
                                f"{show(item['importer'])}",
                                hint="a region does not trade with itself")
        vol = item["volume"]
        if isinstance(vol, bool) or not isinstance(vol, int | float) or not math.isfinite(vol):
            raise ScenarioError(f"{where}: 'volume' must be a number, not {quote(vol)}",
                                hint="a share of the base volume, e.g. volume = 0.85")
        if vol <= 0:
            raise ScenarioError(f"{where}: 'volume' = {vol:g} must be above 0",
                                hint="a share of the base volume, e.g. volume = 0.85 (an "
                                "embargo is the limit volume -> 0, not a quota of 0)")
        if item["rent"] not in QUOTA_RENTS:
            raise ScenarioError(f"{where}: unknown rent {quote(item['rent'])}",
                                hint='rent = "importer" (import quota: the importer\'s '
                                'government gets the rent) or "exporter" (VER)')
        out.append(Quota(item["exporter"], item["importer"], item["sector"], float(vol),
                         item["rent"]))
    return tuple(out)


def load_scenario(path: str | Path) -> Scenario:
    """Read and parse a scenario file; its ``digest`` is the SHA-256 of the file's bytes (a
    byte order mark included), so an unchanged file can be recognised by its hash."""
    p = Path(path)
    raw = read_toml_bytes(p, "scenario", ScenarioError,
                          missing_hint="give the path of a .toml file, e.g. "
                          "scenarios/us_autos_232.toml; `cge scenarios copy NAME` copies a "
                          "shipped one (`cge scenarios list`)",
                          folder_hint="give the path of a .toml scenario file")
    return parse_scenario(raw.decode("utf-8-sig"), path=str(p),
                          digest=hashlib.sha256(raw).hexdigest())


__all__ = ["Quota", "Scenario", "Shock", "ScenarioError", "DataError", "load_scenario",
           "parse_scenario", "all_goods", "base_rates"]
