"""Fuzz (issue 15): random perturbations of a valid data set's files and of a scenario file.

Each case edits a copy of tests/data/twocge (sam.csv, trade.csv, elasticities.csv: a cell
scaled, a sign flipped, a value zeroed, a line deleted or repeated, a number garbled) or of a
valid scenario (a number, a name or a key changed, a line deleted or repeated, the file cut
short), then runs it twice: through the API and through `cge run --out DIR`. Either outcome is
fine, but only these two:

- a named error: the API raises one of the code's error types (DataError, ScenarioError,
  ClosureError: one line; SolveError: the solver's diagnosis), the command line exits with 2
  (one line, ``error: ...``) or 1 (a SolveError), no traceback, and nothing is written: neither
  the output folder nor any other file in the working directory;
- a result: the base year replicates (residuals at the benchmark <= 1e-8, computed here from
  the compiled equations, not taken from the solver's report), every equation holds at the
  solution to 1e-9 and the equations dropped by Walras' law to 1e-8, and `cge run` wrote its
  output folder.

API and command line must agree on which. The cases are drawn from a fixed seed, so a failure
is reproducible (its id names the perturbation).
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import TWOCGE

import cge
from cge.cli import main
from cge.closure import ClosureError
from cge.data import DataError
from cge.scenario import ScenarioError
from cge.solver import SolveError

SEED = 20261202
N_DATA = 72
N_SCENARIO = 40

SCENARIO = """name = "fuzz"
description = "US tariff on Japanese milk, Japan's on bread"
closure = "default"

[[shock]]
importer = "USA"
exporters = ["JPN"]
sectors = ["MLK"]
add_pct = 15

[[shock]]
importer = "JPN"
exporters = "all"
sectors = ["BRD"]
set_pct = 20
"""

#: numeric columns of each data file that the perturbations touch
NUMERIC = {"sam.csv": ["value"], "trade.csv": ["value", "tariff_pct"],
           "elasticities.csv": ["sigma_va", "sigma_d", "sigma_m", "psi"]}
GARBLE = ["1,5", "12a", "--3", "1e", "nan", "inf", "", " ", "0x10", "1e999", "½", "3 4"]


@dataclass(frozen=True)
class Perturbation:
    id: str
    file: str  # a data file, or "scenario"
    text: str  # the perturbed file's content


def _read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _write_rows(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _data_case(rng: random.Random, k: int) -> Perturbation:
    name = rng.choice(list(NUMERIC))
    rows = _read_rows((TWOCGE / name).read_text(encoding="utf-8"))
    header, body = rows[0], rows[1:]
    n = rng.randrange(len(body))
    col = header.index(rng.choice(NUMERIC[name]))
    cell = body[n][col]
    kind = rng.choice(["scale", "flip", "zero", "delete", "repeat", "garble"])
    if kind == "scale":
        f = rng.choice([0.5, 1.3, 2.0, 1e3, 1 + 1e-3, 1 + 1e-9, 1e-12])
        try:
            body[n][col] = repr(float(cell) * f)
        except ValueError:  # an empty psi: perfect transformation
            body[n][col] = repr(f)
        what = f"scale x{f!r}"
    elif kind == "flip":
        body[n][col] = cell[1:] if cell.startswith("-") else f"-{cell}"
        what = "flip the sign"
    elif kind == "zero":
        body[n][col] = "0"
        what = "zero"
    elif kind == "delete":
        del body[n]
        what = "delete the line"
    elif kind == "repeat":
        body.insert(n, list(body[n]))
        what = "repeat the line"
    else:
        body[n][col] = rng.choice(GARBLE)
        what = f"garble to {body[n][col]!r}"
    return Perturbation(f"data{k}-{name}-line{n + 2}-{header[col]}-{what}", name,
                        _write_rows([header, *body]))


SCENARIO_VALUES = ["0", "-15", "1e6", "-100", "-99.9", "nan", "inf", '"15"', "[15]", "true",
                   "1e999", "-1e-300"]
CLOSURE_VALUES = ['"fixed_exchange_rate"', '"flexible"', '""', '"short_run"',
                  '"fixed_investment"', "1"]
SCENARIO_NAMES = ['"JPN"', '"USA"', '"ROW"', '"all"', '["MLK", "MLK"]', '["BRD", "MLK"]', "[]",
                  '"usa"', '["JPN", "USA"]', "5", '"=cmd|x"', '"a|b"']


def _scenario_case(rng: random.Random, k: int) -> Perturbation:
    lines = SCENARIO.splitlines()
    kind = rng.choice(["value", "name", "key", "delete", "repeat", "truncate", "closure"])
    if kind == "value":
        n = rng.choice([i for i, s in enumerate(lines) if s.endswith(("_pct = 15", "_pct = 20"))])
        key = lines[n].split(" = ")[0]
        lines[n] = f"{key} = {rng.choice(SCENARIO_VALUES)}"
        what = f"line {n + 1} {lines[n]}"
    elif kind == "name":
        n = rng.choice([i for i, s in enumerate(lines)
                        if s.startswith(("importer", "exporters", "sectors"))])
        key = lines[n].split(" = ")[0]
        lines[n] = f"{key} = {rng.choice(SCENARIO_NAMES)}"
        what = f"line {n + 1} {lines[n]}"
    elif kind == "key":
        n = rng.choice([i for i, s in enumerate(lines) if " = " in s])
        key = lines[n].split(" = ")[0]
        new = rng.choice(["add_pct", "set_pct", "floor_pct", "importers", "sector", "closure",
                          "name", "revenue"])
        lines[n] = lines[n].replace(key, new, 1)
        what = f"line {n + 1} key {key} -> {new}"
    elif kind == "delete":
        n = rng.randrange(len(lines))
        what = f"delete line {n + 1} {lines[n]!r}"
        del lines[n]
    elif kind == "repeat":
        n = rng.randrange(len(lines))
        lines.insert(n, lines[n])
        what = f"repeat line {n + 1} {lines[n]!r}"
    elif kind == "truncate":
        cut = rng.randrange(1, len(SCENARIO))
        return Perturbation(f"scenario{k}-cut at {cut}", "scenario", SCENARIO[:cut])
    else:
        lines[2] = f"closure = {rng.choice(CLOSURE_VALUES)}"
        what = lines[2]
    return Perturbation(f"scenario{k}-{kind}-{what}", "scenario", "\n".join(lines) + "\n")


def _cases() -> list[Perturbation]:
    rng = random.Random(SEED)
    out = [_data_case(rng, k) for k in range(N_DATA)]
    out += [_scenario_case(rng, k) for k in range(N_SCENARIO)]
    return out


CASES = _cases()

#: the code's error types: a named error (one line, except the solver's diagnosis)
NAMED = (DataError, ScenarioError, ClosureError, SolveError)


def _api(data: Path, scenario: Path) -> BaseException | cge.Results:
    """Run the case through the API as `cge run` does; return the error raised, or the results
    after checking the base year and the solution with the compiled equations."""
    try:
        res = cge.run(scenario, data=data)
    except NAMED as err:
        return err
    core, eco, sol = res.economy.core, res.economy, res.solution
    base = eco.base_params(sol.p)  # the benchmark instruments, the case's elasticities
    assert np.abs(core.residual(eco.x_base, base)).max(initial=0.0) <= 1e-8, "no replication"
    assert np.abs(core.dropped_residuals(eco.x_base, base)).max(initial=0.0) <= 1e-8
    assert np.abs(core.residual(sol.x, sol.p)).max(initial=0.0) <= 1e-9
    assert np.abs(core.dropped_residuals(sol.x, sol.p)).max(initial=0.0) <= 1e-8
    return res


def _setup(case: Perturbation, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(TWOCGE, data)
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    (scenario if case.file == "scenario" else data / case.file).write_text(case.text,
                                                                           encoding="utf-8")
    return data, scenario


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fuzz_a_named_error_or_a_result_that_holds(case, tmp_path):
    data, scenario = _setup(case, tmp_path)
    got = _api(data, scenario)

    here = tmp_path / "cwd"
    here.mkdir()
    target = here / "out"
    with contextlib.chdir(here):
        out = CliRunner().invoke(main, ["run", str(scenario), "--data", str(data), "--out",
                                        str(target)])
    assert "Traceback" not in out.output, out.output
    assert isinstance(out.exception, SystemExit | None), repr(out.exception)
    lines = out.output.strip().splitlines()
    if isinstance(got, BaseException):
        assert list(here.iterdir()) == [], "an error left files behind"
        assert lines and lines[0].startswith("error: "), out.output
        if isinstance(got, SolveError):
            assert out.exit_code == 1, out.output
        else:
            assert "\n" not in str(got)
            assert out.exit_code == 2 and len(lines) == 1, out.output
            assert lines[0] == f"error: {got}" or lines[0].endswith(str(got)[-60:]), \
                (lines[0], str(got))
    else:
        assert out.exit_code == 0, out.output
        assert (target / "report.md").is_file() and (target / "metadata.json").is_file()


def test_the_fuzz_cases_cover_both_outcomes_and_every_file(tmp_path):
    """The fixed seed draws perturbations of every file and of the scenario, and both outcomes
    occur, for data and for scenario cases: some are refused, some give a result (so the
    assertions above check something on each side)."""
    assert {c.file for c in CASES} == {"sam.csv", "trade.csv", "elasticities.csv", "scenario"}
    assert len({c.id for c in CASES}) == len(CASES)
    seen = set()
    for k, case in enumerate(CASES):
        got = _api(*_setup(case, tmp_path / str(k)))
        seen.add((case.file == "scenario", isinstance(got, BaseException)))
    assert seen == {(False, False), (False, True), (True, False), (True, True)}, seen
