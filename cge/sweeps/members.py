"""Members of a sweep: :class:`Member` (the instruments of one solve) and their resolution
against the data into :class:`Job` objects (full tariff vector, parameter overrides, elasticity
draws, a digest), with one clear error for an invalid member; duplicate names are renamed; the
one closure the members agree on (:func:`agreed_closure`)."""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ..closure import CLOSURES, Closure
from ..data import Dataset
from ..economy import Economy, scenario_closure
from ..scenario import Scenario, ScenarioError
from ..text import quote
from ..toml_format import unique_names
from .errors import SweepError


@dataclass(frozen=True)
class Member:
    """One member of a sweep: the instruments of one model solve.

    The tariff vector is the data's base rates, then ``scenario``'s shocks (if any), then the
    explicit ``tariffs_pct`` (if any). Other instruments are at their base values, then
    ``scenario``'s ``[[instrument]]`` shocks (if any), then the explicit ``params`` (if any).
    The scenario's closure, revenue rule and swaps are the sweep's closure
    (:func:`agreed_closure`).

    Attributes:
        name: label of the member (the ``member`` coordinate of the results).
        scenario: tariff and instrument shocks applied to the base values, in order.
        tariffs_pct: rates in percent (25 for 25%, as in a scenario file and in every table)
            by (exporter, importer, sector), overriding the rates after ``scenario``; every
            key must be a base-year trade flow.
        tariffs: deprecated: the same in fractions (0.25 for 25%); a DeprecationWarning says
            so, and giving both is an error.
        params: overrides of other *mutable* model parameters, by Param name and index, e.g.
            ``{"endow": {("USA", "LAB"): 1.02}}`` (2% more US labour) or
            ``{"tz": {("JPN", "AUTO"): 0.05}}``, overriding the values after ``scenario``.
            Values are in the Param's own units (docs/model.md). Elasticities go in
            ``elasticities``.
        elasticities: elasticity draws by (kind, region, sector), kind one of ``sigma_va``,
            ``sigma_d``, ``sigma_m``, ``psi`` (:meth:`cge.economy.Economy.set_elasticities`:
            a CES σ must be > 0 and at least 1e-4 away from 1, a CET ψ > 0 (1 is allowed);
            Cobb–Douglas nests, σ = 1 in the data, are fixed and a draw on one is refused).
            Others keep the data's values.
        coords: values describing the member, one per coordinate (e.g. an axis's
            percentage points); they become coordinates along ``member`` in the results.
    """

    name: str
    scenario: Scenario | None = None
    tariffs: Mapping[tuple[str, str, str], float] = field(default_factory=dict)
    params: Mapping[str, Mapping[Any, float]] = field(default_factory=dict)
    coords: Mapping[str, float | str] = field(default_factory=dict)
    elasticities: Mapping[tuple[str, str, str], float] = field(default_factory=dict)
    tariffs_pct: Mapping[tuple[str, str, str], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Types checked at once, as a sweep file's are; values when the sweep resolves it."""
        where = f"member {self.name!r}" if isinstance(self.name, str) else "member"
        if not isinstance(self.name, str) or not self.name:
            raise SweepError(f"member: 'name' must be a non-empty string, not {quote(self.name)}")
        if self.scenario is not None and not isinstance(self.scenario, Scenario):
            raise SweepError(f"{where}: 'scenario' must be a Scenario or None, not "
                             f"{type(self.scenario).__name__}", hint="cge.load_scenario(path)")
        for key in ("tariffs", "tariffs_pct", "params", "coords", "elasticities"):
            if not isinstance(getattr(self, key), Mapping):
                raise SweepError(f"{where}: '{key}' must be a dict, not "
                                 f"{type(getattr(self, key)).__name__}",
                                 hint="e.g. tariffs_pct={('JPN', 'USA', 'AUTO'): 25}")
        if self.tariffs and self.tariffs_pct:
            raise SweepError(f"{where}: give tariffs_pct (percent) or the deprecated tariffs "
                             "(fractions), not both")
        if self.tariffs:
            warnings.warn(f"{where}: Member(tariffs=...) takes fractions and is deprecated; "
                          "give tariffs_pct= in percent (25 for 25%), the unit of scenario files "
                          "and of every table", DeprecationWarning, stacklevel=3)


@dataclass(frozen=True)
class Job:
    """A member resolved against the data: full tariff vector (in the order of the base rates)
    and parameter overrides ((param name, index, value), sorted: the scenario's instrument
    shocks and the member's ``params``), its elasticity draws (sorted) and a digest of its
    definition (which saved results it matches on resume); ``index`` is its position among the
    sweep's members."""

    index: int
    rates: tuple[float, ...]
    params: tuple[tuple[str, Any, float], ...]
    digest: str
    elasticities: tuple[tuple[tuple[str, str, str], float], ...] = ()


def as_member(k: int, item: Member | Scenario | Mapping) -> Member:
    """Item ``k`` of a list of members as a :class:`Member`: a Scenario (named after it), a dict
    of tariff rates (named ``member<k>``) or a Member as it is."""
    if isinstance(item, Member):
        return item
    if isinstance(item, Scenario):
        return Member(name=item.name, scenario=item)
    if isinstance(item, Mapping):
        warnings.warn(f"member {k}: a dict of tariff rates (fractions) as a sweep member is "
                      "deprecated; give Member(name, tariffs_pct={...}) in percent (25 for 25%)",
                      DeprecationWarning, stacklevel=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return Member(name=f"member{k}", tariffs=dict(item))
    raise SweepError(f"member {k}: a sweep member is a Scenario, a Member or (deprecated) a dict of "
                     f"tariff rates, not {type(item).__name__}",
                     hint="e.g. Member('m', tariffs_pct={('JPN', 'USA', 'AUTO'): 25})")


def resolve_members(members: list[Member], ds: Dataset, base: dict,
                    probe: Callable[[], Economy] | None, closure: Closure | None = None) -> list[Job]:
    """Tariff vectors, parameter overrides and elasticity draws of every member, validated (one
    clear error). ``probe`` gives the Economy that instrument shocks are resolved on and
    overrides and draws are checked against (built only when a member has any). ``closure``
    (the sweep's) enters every member's digest when a scenario (or ``revenue=``) added a
    revenue rule or swaps to it (:func:`_scenario_part`)."""
    keys = list(base)
    jobs = []
    params_ok: dict | None = None
    shocked: dict[tuple, dict] = {}  # the scenarios' instrument values, by their shocks
    clo = _scenario_part(closure)
    for k, mem in enumerate(members):
        where = f"member {k} ({mem.name})"
        sc = mem.scenario
        if sc is not None and sc.quotas:
            raise SweepError(f"{where}: a sweep member may not have quotas (not supported yet)",
                             hint="run it with cge run")
        try:
            rates = mem.scenario.tariffs(ds, base) if mem.scenario is not None else dict(base)
            values = _instrument_values(sc, probe, shocked) if sc is not None else {}
        except ScenarioError as exc:
            raise SweepError(f"{where}: {exc}") from None
        pct = bool(mem.tariffs_pct)
        for key, v in (mem.tariffs_pct if pct else mem.tariffs).items():
            if key not in base:
                raise SweepError(f"{where}: no base-year trade flow {quote(key)}: its tariff has "
                                 "no effect", hint="keys are (exporter, importer, sector) of "
                                 "flows in trade.csv")
            lo, unit = (-100, "in percent: 25 is 25%") if pct else (-1, "a fraction: 0.25 is 25%")
            if isinstance(v, bool) or not isinstance(v, int | float) or not v > lo or not math.isfinite(v):
                raise SweepError(f"{where}: tariff {quote(key)} = {quote(v)}: must be a finite "
                                 f"number above {lo} ({unit})")
            rates[key] = float(v) / 100 if pct else float(v)
        for pname, entries in mem.params.items():
            if params_ok is None:
                params_ok = mutable_params(probe()) if probe is not None else {}
            if pname not in params_ok:
                hint = ("tariffs go in 'tariffs' or a scenario" if pname == "tm" else
                        "elasticity draws go in the member's 'elasticities'"
                        if pname in Economy.ELASTICITIES else
                        f"mutable parameters: {', '.join(sorted(n for n in params_ok if n != 'tm'))}")
                raise SweepError(f"{where}: cannot override parameter {quote(pname)}", hint=hint)
            for idx, v in entries.items():
                if idx not in params_ok[pname]:
                    raise SweepError(f"{where}: {pname} has no index {quote(idx)}",
                                     hint=f"indices such as {quote(next(iter(params_ok[pname]), None))}")
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise SweepError(f"{where}: {pname}[{idx}] = {quote(v)} is not a finite number")
                values[pname, idx] = float(v)
        overrides = sorted(((n, i, v) for (n, i), v in values.items()),
                           key=lambda t: (t[0], repr(t[1])))
        if mem.elasticities and probe is not None:
            try:
                probe().check_elasticities(dict(mem.elasticities))
            except ValueError as exc:
                raise SweepError(f"{where}: {exc}",
                                 hint="draws are (kind, region, sector) → value of a CES/CET nest "
                                 "(Economy.set_elasticities)") from None
        elas = sorted((tuple(key), float(v)) for key, v in mem.elasticities.items())
        vec = tuple(rates[key] for key in keys)
        text = json.dumps({"name": mem.name, "rates": [repr(v) for v in vec],
                           "params": [[n, repr(i), repr(v)] for n, i, v in overrides],
                           "coords": {c: repr(v) for c, v in sorted(mem.coords.items())},
                           **({"elasticities": [[list(k), repr(v)] for k, v in elas]}
                              if elas else {}),
                           **({"closure": clo} if clo is not None else {})})
        jobs.append(Job(k, vec, tuple(overrides), hashlib.sha256(text.encode()).hexdigest()[:16],
                        tuple(elas)))
    return jobs


def renamed(items: list[Member]) -> list[Member]:
    """Members with unique names (repeats get ``#2``, ``#3``, ...): names index the results."""
    names = unique_names([m.name for m in items])
    return [m if m.name == n else replace(m, name=n) for m, n in zip(items, names)]


def _scenario_part(closure: Closure | None) -> dict | None:
    """The closure as a member's digest holds it: every setting but the description, so that
    results solved under another closure — or under a shipped closure whose definition has
    changed since — are never taken for this member's. None: the sweep's default closure."""
    if closure is None:
        closure = CLOSURES["default"]
    return {k: v for k, v in asdict(closure).items() if k != "description"}


def _instrument_values(sc: Scenario, probe: Callable[[], Economy] | None,
                       cache: dict[tuple, dict]) -> dict:
    """The values the scenario's ``[[instrument]]`` shocks give, by (Param name, index), from
    the base values (:meth:`cge.scenario.Scenario.instrument_values`, as ``cge run`` sets
    them); scenarios with the same shocks share the result."""
    if not sc.instruments:
        return {}
    if sc.instruments not in cache:
        if probe is None:
            raise SweepError(f"{sc.name}: instrument shocks are resolved on the model: no Economy "
                             "to resolve them on")
        eco = probe()
        with eco.lock:
            eco.reset()  # the base values (a reused Economy holds an earlier member's)
            cache[sc.instruments] = {(n, i): float(v) for n, vals in
                                     sc.instrument_values(eco.model).items()
                                     for i, v in vals.items()}
    return dict(cache[sc.instruments])


def agreed_closure(scenarios: Iterable[tuple[str, Scenario]], closure: str | Closure | None = None,
                   revenue: str | None = None) -> Closure:
    """The one closure of a sweep: each scenario's as ``cge run`` gives it
    (:func:`cge.economy.scenario_closure`: ``closure``, else the scenario's, with the revenue
    rule ``revenue``, else the scenario's, and the scenario's swaps); with no scenario,
    ``closure`` with ``revenue``. ``scenarios`` are (label, scenario) pairs; if they need
    different closures, the error names them."""
    need: dict[Closure, list[str]] = {}
    for label, sc in scenarios:
        need.setdefault(scenario_closure(closure, sc, revenue), []).append(label)
    if not need:
        return scenario_closure(closure, None, revenue)
    if len(need) > 1:
        groups = "; ".join(f"{_closure_label(c)} for {_names(labels)}" for c, labels in need.items())
        raise SweepError(f"the members need different closures: {groups}",
                         hint="a sweep runs under one closure: sweep them separately, or give "
                         "their scenarios the same closure, revenue rule and swaps (closure=... "
                         "and revenue=..., or --closure and --revenue, set them for all)")
    return next(iter(need))


def _closure_label(clo: Closure) -> str:
    """A closure in an error: its name, with the revenue rule and swaps a scenario adds."""
    shipped = CLOSURES.get(clo.name.removesuffix(" with swaps"))
    default = shipped.revenue if shipped else Closure.revenue
    extra = ([f"revenue {clo.revenue}"] if clo.revenue != default else []) + [
        f"swap {a} for {b}" for a, b in clo.swaps]
    name = clo.name.removesuffix(" with swaps") if clo.swaps else clo.name
    return name + (f" ({'; '.join(extra)})" if extra else "")


def _names(labels: list[str], most: int = 3) -> str:
    shown = ", ".join(map(quote, labels[:most]))
    return shown + (f" and {len(labels) - most} more" if len(labels) > most else "")


def agreed_elasticities(scenarios: Iterable[Scenario]) -> str | None:
    """The elasticity set the scenarios name, if any; they must agree (a sweep has one)."""
    wanted = {sc.elasticities for sc in scenarios if sc.elasticities}
    if len(wanted) > 1:
        raise SweepError(f"the scenarios name different elasticity sets ({', '.join(sorted(wanted))})",
                         hint="a sweep runs with one elasticity set: give elasticities=... (or "
                         "--elasticities)")
    return wanted.pop() if wanted else None


def mutable_params(eco: Economy) -> dict:
    """Mutable Params of the model and their indices (to validate overrides)."""
    import pyomo.core as pyo

    skip = {"tm", *eco.ELASTICITIES}
    return {c.local_name: set(c.keys()) for c in eco.model.component_objects(pyo.Param)
            if c.mutable and c.local_name not in skip}

