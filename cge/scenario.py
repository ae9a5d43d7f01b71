"""Tariff scenarios: TOML files parsed as data only, validated against a data set.

A scenario file::

    name = "us_autos_232"
    description = "Section 232: +25 points on autos and parts from Japan"
    source = "Proclamation 10908 (26 March 2025)"
    closure = "default"            # optional; see cge.closure.CLOSURES

    [[shock]]
    importer = "USA"
    exporters = ["JPN"]            # or "all"
    sectors = ["AUTO"]             # or "all" (all goods: every sector except SERV when present)
    add_pct = 25                   # percentage points added to the base rate
    # set_pct = 50                 # or: the rate is set to this level (percent)
    # floor_pct = 15               # or: rates below this level are raised to it

Shocks are applied in order to the base rates, so a later shock may override an earlier one.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .data import DataError, Dataset

OPERATIONS = ("add_pct", "set_pct", "floor_pct")


class ScenarioError(ValueError):
    """An invalid scenario; the message names the file, shock and field, with a hint."""


@dataclass(frozen=True)
class Shock:
    """One tariff change: ``operation`` (add_pct, set_pct or floor_pct) of ``value`` percent."""

    importer: str
    exporters: tuple[str, ...] | str
    sectors: tuple[str, ...] | str
    operation: str
    value: float

    def new_rate(self, rate: float) -> float:
        """The tariff rate (fraction) after this shock, given the rate before it."""
        v = self.value / 100.0
        if self.operation == "add_pct":
            return rate + v
        if self.operation == "set_pct":
            return v
        return max(rate, v)


@dataclass(frozen=True)
class Scenario:
    """A named set of tariff shocks, optionally with a closure name."""

    name: str
    shocks: tuple[Shock, ...] = ()
    description: str = ""
    source: str = ""
    closure: str | None = None
    digest: str = ""
    path: str = field(default="", compare=False)

    def tariffs(self, ds: Dataset, base: dict) -> dict:
        """New tariff rates (fractions) keyed by (exporter, importer, sector), for flows in ``base``.

        ``base`` maps (exporter, importer, sector) of every traded flow to its base rate.
        Raises :class:`ScenarioError` for names the data set does not have, a resulting
        rate at or below -100%, or a shock that touches no traded flow.
        """
        rates = dict(base)
        for k, sh in enumerate(self.shocks, start=1):
            where = f"{self.path or self.name}: shock {k}"
            _known(where, "importer", [sh.importer], ds.regions)
            exps = ([s for s in ds.regions if s != sh.importer] if sh.exporters == "all"
                    else list(sh.exporters))
            _known(where, "exporters", exps, ds.regions)
            if sh.importer in exps:
                raise ScenarioError(f"{where}: importer {sh.importer} is also an exporter")
            secs = (_all_goods(ds) if sh.sectors == "all" else list(sh.sectors))
            _known(where, "sectors", secs, ds.sectors)
            hit = 0
            for s in exps:
                for i in secs:
                    key = (s, sh.importer, i)
                    if key in rates:
                        rates[key] = sh.new_rate(rates[key])
                        if rates[key] <= -1:
                            raise ScenarioError(f"{where}: tariff on {i} from {s} into "
                                                f"{sh.importer} would be {100 * rates[key]:g}%, "
                                                "at or below -100%")
                        hit += 1
            if hit == 0:
                raise ScenarioError(f"{where}: no base-year trade in {', '.join(secs)} from "
                                    f"{', '.join(exps)} to {sh.importer}; the shock has no effect")
        return rates


def _all_goods(ds: Dataset) -> list[str]:
    return [i for i in ds.sectors if i != "SERV"]


def _known(where: str, what: str, names: list, allowed) -> None:
    bad = [n for n in names if n not in allowed]
    if bad:
        raise ScenarioError(f"{where}: unknown {what[:-1] if what.endswith('s') else what} "
                            f"{', '.join(map(repr, bad))}; known: {', '.join(allowed)}")


def _names(where: str, key: str, value) -> tuple[str, ...] | str:
    if value == "all":
        return "all"
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ScenarioError(f"{where}: '{key}' must be a name, a list of names or \"all\"")


def parse_scenario(text: str, *, path: str = "<scenario>") -> Scenario:
    """Parse scenario TOML text (data only: no code is evaluated)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    allowed = {"name", "description", "source", "closure", "shock"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise ScenarioError(f"{path}: unknown field(s) {', '.join(extra)}; allowed: "
                            f"{', '.join(sorted(allowed))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{path}: missing field 'name' (a non-empty string)")
    shocks = []
    items = raw.get("shock", [])
    if not isinstance(items, list):
        raise ScenarioError(f"{path}: 'shock' must be an array of tables ([[shock]])")
    for k, item in enumerate(items, start=1):
        where = f"{path}: shock {k}"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: must be a table")
        extra = sorted(set(item) - {"importer", "exporters", "sectors", *OPERATIONS})
        if extra:
            raise ScenarioError(f"{where}: unknown field(s) {', '.join(extra)}")
        for key in ("importer", "exporters", "sectors"):
            if key not in item:
                raise ScenarioError(f"{where}: missing field '{key}'")
        if not isinstance(item["importer"], str):
            raise ScenarioError(f"{where}: 'importer' must be a region name")
        ops = [o for o in OPERATIONS if o in item]
        if len(ops) != 1:
            raise ScenarioError(f"{where}: give exactly one of {', '.join(OPERATIONS)}")
        value = item[ops[0]]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ScenarioError(f"{where}: {ops[0]} must be a number, not {value!r}")
        if ops[0] != "add_pct" and value <= -100:
            raise ScenarioError(f"{where}: {ops[0]} = {value} is at or below -100%")
        shocks.append(Shock(item["importer"], _names(where, "exporters", item["exporters"]),
                            _names(where, "sectors", item["sectors"]), ops[0], float(value)))
    closure = raw.get("closure")
    if closure is not None and not isinstance(closure, str):
        raise ScenarioError(f"{path}: 'closure' must be a closure name")
    return Scenario(name=name, shocks=tuple(shocks), description=str(raw.get("description", "")),
                    source=str(raw.get("source", "")), closure=closure,
                    digest=hashlib.sha256(text.encode()).hexdigest(), path=path)


def load_scenario(path: str | Path) -> Scenario:
    """Read and parse a scenario file."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{p}: scenario file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{p}: not UTF-8 text") from None
    return parse_scenario(text, path=str(p))


__all__ = ["Scenario", "Shock", "ScenarioError", "DataError", "load_scenario", "parse_scenario"]
