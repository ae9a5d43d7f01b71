"""What ships with cge (cge/shipped.py): the data sets and scenarios are found in a checkout and
as the package data of an installed wheel, listed (``cge data list``, ``cge scenarios list``)
and copied (``cge scenarios copy``, ``cge init``); Ipopt and dask.distributed are optional
extras whose absence is one clear line. The wheel itself: tests/test_wheel.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cge import shipped
from cge.cli import main
from cge.errors import MissingExtra

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def _toml_files(folder: Path) -> list[str]:
    """Every .toml under ``folder``, as relative paths without the suffix (walked here with
    os.walk, not as cge.shipped finds them)."""
    out = []
    for dirpath, _, files in os.walk(folder):
        out += [(Path(dirpath) / f).relative_to(folder).with_suffix("").as_posix()
                for f in files if f.endswith(".toml")]
    return sorted(out)


def test_data_list_gives_each_shipped_set_its_size_and_year():
    # sizes and years as docs/data.md and README.md state them
    rows = {d.name: (d.regions, d.sectors, d.year, d.unit) for d in shipped.datasets()}
    assert rows == {"usjpn2024": (3, 10, 2024, "USD million"), "wiod2011": (3, 10, 2011, "USD million"),
                    "world2024": (11, 18, 2024, "USD million")}
    out = CliRunner().invoke(main, ["data", "list"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert len(lines) == 3 and lines[2].startswith("world2024 (default)")
    assert "11 regions x 18 sectors  2024  USD million" in lines[2]


def test_data_still_describes_a_set():
    out = CliRunner().invoke(main, ["data", "wiod2011"])
    assert out.exit_code == 0 and "wiod2011" in out.output and "USA" in out.output


def test_scenarios_list_has_every_file_with_its_data_set():
    found = shipped.scenarios()
    assert sorted(s.name for s in found) == _toml_files(SCENARIOS)
    by = {s.name: s for s in found}
    assert by["sweeps/autos_retaliation_grid"].kind == "sweep"
    assert by["us_autos_232"].kind == "scenario" and by["us_autos_232"].data == "world2024"
    assert by["bilateral/jpn_auto_ver"].data == "usjpn2024"
    out = CliRunner().invoke(main, ["scenarios", "list"])
    assert out.exit_code == 0
    assert len(out.output.splitlines()) == len(_toml_files(SCENARIOS))


def test_copy_writes_the_file_as_shipped_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["scenarios", "copy", "bilateral/jpn_auto_ver", str(tmp_path / "new")])
    assert out.exit_code == 0, out.output
    copy = tmp_path / "new" / "jpn_auto_ver.toml"
    assert copy.read_bytes() == (SCENARIOS / "bilateral/jpn_auto_ver.toml").read_bytes()
    copy.write_text("mine")
    again = runner.invoke(main, ["scenarios", "copy", "bilateral/jpn_auto_ver.toml", str(tmp_path / "new")])
    assert again.exit_code == 2 and "exists" in again.output and "--force" in again.output
    assert copy.read_text() == "mine"
    forced = runner.invoke(main, ["scenarios", "copy", "bilateral/jpn_auto_ver", str(tmp_path / "new"),
                                  "--force"])
    assert forced.exit_code == 0
    assert copy.read_bytes() == (SCENARIOS / "bilateral/jpn_auto_ver.toml").read_bytes()


def test_an_unknown_scenario_is_one_line_with_the_near_name(tmp_path):
    out = CliRunner().invoke(main, ["scenarios", "copy", "jpn_auto_ver", str(tmp_path)])
    assert out.exit_code == 2
    assert out.output.strip().splitlines() == [
        "error: no shipped scenario 'jpn_auto_ver' (hint: did you mean bilateral/jpn_auto_ver? "
        "`cge scenarios list` lists them)"]
    assert list(tmp_path.iterdir()) == []


def test_init_lays_out_a_working_folder_once(tmp_path):
    target = tmp_path / "work"
    out = CliRunner().invoke(main, ["init", str(target)])
    assert out.exit_code == 0, out.output
    assert _toml_files(target / "scenarios") == _toml_files(SCENARIOS)
    for name in _toml_files(SCENARIOS):
        copied = target / "scenarios" / f"{name}.toml"
        assert copied.read_bytes() == (SCENARIOS / f"{name}.toml").read_bytes()
    assert "cge run scenarios/us_autos_232.toml" in (target / "README.md").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]  # no temporary folder left
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code == 2 and "not an empty folder" in again.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(main, ["init", str(empty)]).exit_code == 0
    assert (empty / "README.md").is_file()


def test_an_installed_package_reads_its_package_data(tmp_path):
    """The wheel's layout (cge/_shipped/data, cge/_shipped/scenarios; setup.py), imported from
    a folder that is not a checkout: the package's own copies are found, not a checkout's."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "cge", site / "cge", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data" / "usjpn2024", site / "cge" / "_shipped" / "data" / "usjpn2024")
    shutil.copytree(SCENARIOS / "bilateral", site / "cge" / "_shipped" / "scenarios" / "bilateral")
    env = {k: v for k, v in os.environ.items() if k != "CGE_DATA_DIR"}
    env["PYTHONPATH"] = str(site)
    code = ("from cge import shipped\nprint(shipped.data_dir())\nprint(shipped.scenarios_dir())\n"
            "print(' '.join(d.name for d in shipped.datasets()))\n"
            "print(len(shipped.scenarios()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    data, scen, names, count = out.stdout.splitlines()
    assert Path(data) == site / "cge" / "_shipped" / "data"
    assert Path(scen) == site / "cge" / "_shipped" / "scenarios"
    assert names == "usjpn2024" and int(count) == len(_toml_files(SCENARIOS / "bilateral"))


def test_the_checkout_resolves_to_its_top_level_folders():
    if "CGE_DATA_DIR" not in os.environ:
        assert shipped.data_dir() == ROOT / "data"
    assert shipped.scenarios_dir() == SCENARIOS


def test_ipopt_asked_for_without_cyipopt_is_one_line(monkeypatch):
    from cge import solver

    monkeypatch.setitem(sys.modules, "cyipopt", None)  # `import cyipopt` raises ImportError
    assert not solver.ipopt_available()
    with pytest.raises(MissingExtra, match=r"pip install 'cge\[ipopt\]'"):
        solver.require_ipopt()
    out = CliRunner().invoke(main, ["run", str(SCENARIOS / "bilateral/us_autos_232.toml"), "--no-write",
                                    "--solver", "ipopt"])
    assert out.exit_code == 2
    assert out.output.strip().splitlines() == [
        "error: the Ipopt solver (--solver ipopt) needs cyipopt, which is not installed (hint: pip "
        "install 'cge[ipopt]'; docs/install.md)"]


def test_a_newton_failure_without_cyipopt_says_the_fallback_was_not_tried(monkeypatch):
    import cge
    from cge import solver

    eco = cge.Economy("usjpn2024")
    monkeypatch.setitem(sys.modules, "cyipopt", None)

    def stuck(core, x0, p, **kw):  # a Newton solve that does not converge: (x, F, info, lu)
        return x0, None, solver.SolveInfo("newton", False, 50, 1.0, message="line search failed"), None

    monkeypatch.setattr(solver, "_newton", stuck)
    with pytest.raises(solver.SolveError) as err:
        solver.solve(eco.core)
    assert "line search failed (Ipopt fallback not tried: cyipopt is not installed (pip install " \
           "'cge[ipopt]'))" in str(err.value)


def test_a_scheduler_without_dask_is_one_line(monkeypatch):
    from cge.sweeps.errors import SweepError
    from cge.sweeps.runner import Runner

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(SweepError, match=r"needs dask.distributed, which is not installed \(hint: pip "
                       r"install 'cge\[dask\]'\)"), Runner("tcp://127.0.0.1:8786", None, 4):
        pass
