"""The pieces of cge's TOML input format that scenario files (:mod:`cge.scenario`) and sweep
files (:mod:`cge.sweeps.spec`) share: reading the file, its top-level table, a tariff-change
table (a scenario's ``[[shock]]``, a sweep's ``[[axis]]``) and its lists of names. Each check
raises the caller's error class (a :class:`~cge.errors.ScenarioError` by default) with a hint."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ScenarioError
from .text import quote, text_problem

#: The operations of a tariff change: points added to the base rate, the rate set, a floor.
OPERATIONS = ("add_pct", "set_pct", "floor_pct")


def parse_names(where: str, key: str, value, error: type[ScenarioError] = ScenarioError
                ) -> tuple[str, ...] | str:
    """``exporters``/``sectors`` of a shock (or sweep axis): a name, a list of names or "all"."""
    if value == "all":
        return "all"
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        twice = sorted({v for v in value if value.count(v) > 1})
        if twice:  # an additive shock would apply once per repetition
            raise error(f"{where}: '{key}' names {', '.join(map(quote, twice))} more than once",
                        hint="name each one once")
        return tuple(value)
    raise error(f"{where}: '{key}' must be a name, a list of names or \"all\", not "
                f"{quote(value)}", hint=f'e.g. {key} = ["A", "B"] or {key} = "all"')


def check_change_table(where: str, item, fields: tuple[str, ...], *,
                       error: type[ScenarioError] = ScenarioError, kind: str = "shock",
                       op_hint: str = "add_pct adds points to the base rate, set_pct sets the "
                       "rate, floor_pct raises rates below it") -> str:
    """Check one tariff-change table (a scenario's ``[[shock]]``, a sweep's ``[[axis]]``): a
    table with known fields, ``importer`` (a name), ``exporters``, ``sectors`` and exactly one
    operation of :data:`OPERATIONS`. Returns the operation; raises ``error`` with a hint."""
    if not isinstance(item, dict):
        raise error(f"{where}: must be a table",
                    hint=f"start each {kind} with a [[{kind}]] line (double brackets)")
    extra = [f for f in item if f not in fields]
    if extra:
        raise error(f"{where}: unknown field(s) {', '.join(map(quote, extra))}",
                    hint=f"allowed: {', '.join(fields)}")
    for key in ("importer", "exporters", "sectors"):
        if key not in item:
            raise error(f"{where}: missing field '{key}'", hint='importer is a region; exporters '
                        'and sectors are lists of names or "all"')
    if not isinstance(item["importer"], str):
        raise error(f"{where}: 'importer' must be a region name, not {quote(item['importer'])}",
                    hint='e.g. importer = "USA"')
    ops = [o for o in OPERATIONS if o in item]
    if len(ops) != 1:
        raise error(f"{where}: give exactly one of {', '.join(OPERATIONS)}"
                    + (f", not {len(ops)}" if ops else ""), hint=op_hint)
    return ops[0]


def unique_names(names: list[str]) -> list[str]:
    """Names made unique (for table columns, sweep members): repeats get ``#2``, ``#3``, ..."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


def parse_toml_table(text: str, path: str, allowed: tuple[str, ...], *,
                     error: type[ScenarioError] = ScenarioError, what: str = "scenario",
                     kind: str = "shock", example: str = "docs",
                     extra_hint: dict[str, str] | None = None) -> dict:
    """The top-level table of a scenario or sweep file: TOML (data only), not empty, only
    ``allowed`` keys, and a non-empty string ``name``. Raises ``error`` with a hint."""
    if not text.strip():
        raise error(f"{path}: file is empty", hint=f'a {what} has name = "..." and '
                    f"[[{kind}]] tables; see {example}")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}", hint="write key = value, strings in double "
                    f"quotes, each {kind} under a [[{kind}]] line") from None
    extra = [k for k in raw if k not in allowed]
    if extra:
        hint = next((h for k, h in (extra_hint or {}).items() if k in extra),
                    f"allowed: {', '.join(allowed)}")
        raise error(f"{path}: unknown field(s) {', '.join(map(quote, extra))}", hint=hint)
    name = raw.get("name")
    label = "my_" + what.split()[0]
    if name is None:
        raise error(f"{path}: missing field 'name'", hint=f'add a line name = "{label}"')
    if not isinstance(name, str) or not name.strip():
        raise error(f"{path}: 'name' must be a non-empty string, not {quote(name)}",
                    hint=f'e.g. name = "{label}"')
    return raw


def read_toml_bytes(p: Path, kind: str, error: type[ScenarioError], *, missing_hint: str,
                    folder_hint: str) -> bytes:
    """The bytes of an input TOML file (a scenario or a sweep), refusing a missing file, a
    folder, an unreadable file and text that is not UTF-8 TOML text, each with ``error``."""
    if not p.exists():
        raise error(f"{p}: {kind} file not found", hint=missing_hint)
    if not p.is_file():
        raise error(f"{p}: is not a file", hint=folder_hint)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise error(f"{p}: cannot be read ({exc.strerror or exc})",
                    hint="check the file's permissions") from None
    problem = text_problem(raw, spreadsheet=False)
    if problem:
        raise error(f"{p}: {problem[0]}", hint=problem[1])
    return raw
