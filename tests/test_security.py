"""Security: scenario and data files are data only, and user-supplied names never reach code.

* cge's sources use no eval/exec/pickle/yaml on user input; the one ``exec`` compiles the model
  source cge generates itself (cge/core/compiler.py), which refers to variables by index only.
* A data set whose region, sector and factor names are code, quotes, newlines, backslashes,
  braces, format strings, non-ASCII or very long goes through loading, calibration, model build,
  compilation and a tariff solve unchanged: nothing is executed, the generated source contains
  no name, and the results tables carry the names exactly.
* Names holding commas (or quotes, or newlines) work in the CSV files when quoted as CSV
  requires (RFC 4180); unquoted, the line has too many fields and is refused with a hint.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import csv
import io
import json
import math
import tokenize
from pathlib import Path

import pytest
from click.testing import CliRunner
from synth import make_dataset

import cge
import cge.core.compiler
from cge.cli import main
from cge.data import DataError

CGE = Path(cge.__file__).parent

PWN = "__import__('os').system('touch PWNED')"
REGIONS = [PWN, "Café_日本", 'comma, "double" and \'single\' quotes']
SECTORS = ["new\nline", "back\\slash\\n\\x41", "{x} {0} {{y}} {__class__}", "L" * 300 + "ong"]
FACTORS = ["%s %d %(x)s", "x'); import os; os.system('touch PWNED'); ('"]
NAMES = [*REGIONS, *SECTORS, *FACTORS]


# ---------------------------------------------------------------------------------------------
# no eval/exec/pickle/yaml in cge's sources
# ---------------------------------------------------------------------------------------------

UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve",
                  "yaml", "ruamel"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}


def _sources() -> list[Path]:
    files = sorted(CGE.rglob("*.py"))
    assert CGE / "data.py" in files and CGE / "toml_format.py" in files
    assert CGE / "core" / "compiler.py" in files
    return files


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            yield node, (f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute)
                         else "")


def test_sources_import_no_unsafe_deserialiser():
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""]
            else:
                continue
            for mod in mods:
                assert mod.split(".")[0] not in UNSAFE_MODULES, f"{path.name} imports {mod}"
        for node, name in _calls(tree):
            assert name not in {"read_pickle", "to_pickle", "load_yaml", "unsafe_load"}, \
                f"{path.name}:{node.lineno} calls {name}"
            for kw in node.keywords:
                assert not (kw.arg == "allow_pickle" and getattr(kw.value, "value", False)), \
                    f"{path.name}:{node.lineno} allows pickles"


def test_only_exec_compiles_the_model_source_cge_generates():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        funcs = {id(n): f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                 for n in ast.walk(f)}
        for node, name in _calls(tree):
            if name in UNSAFE_CALLS and isinstance(node.func, ast.Name):
                found.append((path.name, funcs.get(id(node)), name, node))
    assert [(f, fn, n) for f, fn, n, _ in found] == [("compiler.py", "compile_model", "exec"),
                                                     ("compiler.py", "compile_model", "compile")]
    compile_call = found[1][3]
    # compile(src, ...) where src is built by _emit from the printer's index-only output
    assert isinstance(compile_call.args[0], ast.Name) and compile_call.args[0].id == "src"
    tree = ast.parse((CGE / "core" / "compiler.py").read_text(encoding="utf-8"))
    assigns = [n for n in ast.walk(tree) if isinstance(n, ast.Assign)
               and any(isinstance(t, ast.Name) and t.id == "src" for t in n.targets)]
    assert len(assigns) == 1
    emitted = {c.func.id for c in ast.walk(assigns[0].value) if isinstance(c, ast.Call)}
    assert emitted - {"len"} == {"_emit"}


def test_user_files_are_parsed_by_data_only_parsers():
    """TOML with tomllib, CSV with the csv module: neither can run code."""
    data = (CGE / "data.py").read_text(encoding="utf-8")
    scenario = (CGE / "toml_format.py").read_text(encoding="utf-8")  # scenario and sweep files
    assert "tomllib.loads" in data and "csv.reader" in data and "tomllib.loads" in scenario


# ---------------------------------------------------------------------------------------------
# hostile names, end to end
# ---------------------------------------------------------------------------------------------


def _toml(s: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for these characters)."""
    return json.dumps(s, ensure_ascii=False)


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)  # QUOTE_MINIMAL: quotes fields with commas, quotes and newlines
        w.writerow(header)
        w.writerows(rows)


def write_hostile_dataset(folder: Path) -> dict[str, str]:
    """A balanced 3-region, 4-sector data set (tests/synth.py) with hostile names, written in
    the input format; returns the renaming."""
    ds = make_dataset(3, 4, seed=1, zero_share=0.0)
    ren = dict(zip([*ds.regions, *ds.sectors, *ds.factors], NAMES, strict=True))
    n = ren.get
    folder.mkdir()
    (folder / "meta.toml").write_text(
        f"name = {_toml('hostile ' + PWN)}\nunit = \"USD\"\nreference_region = {_toml(REGIONS[0])}\n"
        f"regions = [{', '.join(map(_toml, REGIONS))}]\nsectors = [{', '.join(map(_toml, SECTORS))}]\n"
        f"factors = [{', '.join(map(_toml, FACTORS))}]\ndescription = {_toml(PWN + ' {x} %s')}\n",
        encoding="utf-8")
    _write_csv(folder / "sam.csv", ["region", "row", "col", "value"],
               [[n(r, r), n(a, a), n(b, b), repr(float(v))]
                for r, a, b, v in ds.sam[["region", "row", "col", "value"]].itertuples(index=False)])
    _write_csv(folder / "trade.csv", ["exporter", "importer", "sector", "value", "tariff_pct"],
               [[n(x), n(m), n(i), repr(float(v)), repr(float(t))] for x, m, i, v, t in
                ds.trade[["exporter", "importer", "sector", "value", "tariff_pct"]].itertuples(index=False)])
    el = ds.elasticities.reset_index()
    _write_csv(folder / "elasticities.csv", ["region", "sector", "sigma_va", "sigma_d", "sigma_m", "psi",
                                             "source"],
               [[n(r), n(i), repr(a), repr(b), repr(c), "inf" if math.isinf(d) else repr(d), s]
                for r, i, a, b, c, d, s in el[["region", "sector", "sigma_va", "sigma_d", "sigma_m",
                                               "psi", "source"]].itertuples(index=False)])
    return ren


SCENARIO_NAME = f"{PWN} {{x}} %s\n\"Café_日本\" \\ '; DROP TABLE"

HOSTILE_SCENARIO = f"""name = {_toml(SCENARIO_NAME)}
description = {_toml(PWN + ' {0} %(x)s ' + 'D' * 500)}
source = {_toml("x'); import os; os.system('touch PWNED'); ('")}

[[shock]]
importer = {_toml(REGIONS[1])}
exporters = [{_toml(REGIONS[0])}]
sectors = [{_toml(SECTORS[0])}, {_toml(SECTORS[3])}]
add_pct = 25

[[shock]]
importer = {_toml(REGIONS[0])}
exporters = "all"
sectors = [{_toml(SECTORS[1])}, {_toml(SECTORS[2])}]
set_pct = 30
"""

# the only identifiers the generated model source may contain
GENERATED_NAMES = {"def", "residual", "jacobian", "dropped", "x", "p", "r", "return", "pass", "_pow",
                   "_m", "exp", "log", "sqrt"}


def _check_generated(src: str) -> None:
    toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    names = {t.string for t in toks if t.type == tokenize.NAME}
    assert names <= GENERATED_NAMES, names - GENERATED_NAMES
    assert not [t for t in toks if t.type in (tokenize.STRING, tokenize.COMMENT)]
    for name in [*NAMES, SCENARIO_NAME, "PWNED", "import", "os"]:
        assert name not in names
        if len(name) > 3:
            assert name not in src


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not list(tmp_path.rglob("PWNED"))
    assert not (Path(__file__).parent.parent / "PWNED").exists()


def test_hostile_names_load_calibrate_compile_and_solve_unchanged(in_tmp, monkeypatch):
    folder = in_tmp / "hostile"
    write_hostile_dataset(folder)
    ds = cge.load_dataset(folder)
    assert (ds.regions, ds.sectors, ds.factors) == (tuple(REGIONS), tuple(SECTORS), tuple(FACTORS))
    assert ds.name == "hostile " + PWN

    sources = []

    def spy(source, *args, **kwargs):
        sources.append(source)
        return builtins.compile(source, *args, **kwargs)

    monkeypatch.setattr(cge.core.compiler, "compile", spy, raising=False)  # shadows the builtin there
    eco = cge.Economy(ds)
    monkeypatch.undo()
    assert len(sources) == 1 and "def residual(x, p):" in sources[0]
    if getattr(eco.core, "source", ""):  # the core may keep its source for audits
        assert eco.core.source == sources[0]
    _check_generated(sources[0])
    assert eco.replication()["max_residual"] <= 1e-10

    path = in_tmp / "hostile.toml"
    path.write_text(HOSTILE_SCENARIO, encoding="utf-8")
    sc = cge.load_scenario(path)
    assert sc.name == SCENARIO_NAME and sc.description.startswith(PWN)
    res = cge.run(sc, economy=eco)
    assert res.info.converged and res.info.max_walras <= 1e-8
    key = (REGIONS[0], REGIONS[1], SECTORS[3])
    assert eco.model.tm[key].value == pytest.approx(eco.benchmark.tm[key] + 0.25)
    assert eco.model.tm[REGIONS[2], REGIONS[0], SECTORS[2]].value == pytest.approx(0.30)
    assert eco.model.ms[key].value < 1  # the tariff bites

    assert list(res.summary.index) == REGIONS
    trade = res.trade.reset_index()
    assert set(trade["exporter"]) == set(trade["importer"]) == set(REGIONS)
    assert set(trade["sector"]) == set(SECTORS)
    secs = res.sectors.reset_index()
    assert set(secs["region"]) == set(REGIONS) and set(secs["sector"]) == set(SECTORS)
    assert res.scenario.name == SCENARIO_NAME


def test_hostile_scenario_through_the_cli_writes_nothing_outside_its_folder(in_tmp):
    write_hostile_dataset(in_tmp / "hostile")
    (in_tmp / "hostile.toml").write_text(HOSTILE_SCENARIO, encoding="utf-8")
    run_dir = in_tmp / "cwd"
    run_dir.mkdir()
    before = set(in_tmp.rglob("*"))
    with contextlib.chdir(run_dir):
        out = CliRunner().invoke(main, ["run", str(in_tmp / "hostile.toml"), "--data",
                                        str(in_tmp / "hostile")])
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output
    new = set(in_tmp.rglob("*")) - before
    assert all(run_dir in p.parents for p in new), new  # e.g. no ../ escape from the name


def test_hostile_names_in_error_messages_stay_on_one_line(in_tmp):
    folder = in_tmp / "hostile"
    write_hostile_dataset(folder)
    text = (folder / "elasticities.csv").read_text(encoding="utf-8")
    (folder / "elasticities.csv").write_text(text.replace(",inf,", ",0,", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        cge.load_dataset(folder)
    msg = str(err.value)
    assert "\n" not in msg
    assert "psi = 0.0 for" in msg and "must be > 0" in msg


def test_unquoted_comma_in_a_name_is_refused_with_a_hint(in_tmp):
    folder = in_tmp / "hostile"
    write_hostile_dataset(folder)
    quoted = '"comma, ""double"" and \'single\' quotes"'
    text = (folder / "sam.csv").read_bytes().decode("utf-8")
    assert quoted in text  # the csv module quoted it, and that loads (test above)
    start = text.index("\r\n" + quoted) + 2
    line = text.count("\n", 0, start) + 1  # a quoted name with a newline spans two lines
    text = text[:start] + text[start:].replace(quoted, "comma, double and single quotes", 1)
    (folder / "sam.csv").write_bytes(text.encode("utf-8"))
    with pytest.raises(DataError, match=rf"^sam\.csv: line {line}: 5 fields, but the header has 4 "
                       r"\(hint: a name holding a comma must be in double quotes"):
        cge.load_dataset(folder)


def test_hostile_names_are_safe_in_every_output(tmp_path):
    """Issue 15: a region named like a spreadsheet formula went unchanged into CSV cells, a bar
    or a line break broke the Markdown tables, and invalid mathtext made the figures fail after
    the solve. The name "=A|$x_$" (formula, bar, broken mathtext): the CSV cell starts with a
    quote, the Markdown rows keep their column count, every figure is written."""
    import csv
    import shutil

    from conftest import ONE_GOOD

    name = "=A|$x_$"
    folder = tmp_path / "data"
    shutil.copytree(ONE_GOOD, folder)
    for f in ("sam.csv", "trade.csv"):
        rows = list(csv.reader((folder / f).open(encoding="utf-8")))
        for row in rows[1:]:
            for k in (0, 1, 2) if f == "sam.csv" else (0, 1):
                if row[k] == "A":
                    row[k] = name
        with (folder / f).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    meta = (folder / "meta.toml").read_text(encoding="utf-8")
    (folder / "meta.toml").write_text(meta.replace('regions = ["A", "B"]',
                                                   'regions = ["=A|$x_$", "B"]'), encoding="utf-8")
    sc = cge.parse_scenario(f'name = "t"\n[[shock]]\nimporter = "{name}"\nexporters = ["B"]\n'
                            'sectors = ["GOOD"]\nadd_pct = 10\n')
    res = cge.run(sc, data=folder)
    out = res.write(tmp_path / "out")
    cells = [c for row in csv.reader((out / "summary.csv").open(encoding="utf-8")) for c in row]
    assert "'" + name in cells and name not in cells
    md = (out / "tables" / "summary.md").read_text(encoding="utf-8").splitlines()
    assert len({line.count("|") - line.count(r"\|") for line in md}) == 1  # same columns
    assert {p.name for p in (out / "figures").iterdir()} >= {"ev_by_region.png",
                                                             "trade_diversion.png"}
