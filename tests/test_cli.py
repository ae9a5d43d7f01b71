"""The command line: run, compare, check, data; errors are one line with exit code 2, a failed
solve exits with 1, Ctrl-C with 130; a run writes its outputs atomically or not at all."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHIPPED, TWOCGE

import cge
from cge import report
from cge.cli import main
from cge.solver import SolveError, SolveInfo

SCENARIOS = Path(__file__).parent.parent / "scenarios"
DEFAULT = next((p for p in SHIPPED if p.name == "usjpn2024"), None)
#: Files of a run folder besides the tables: report.md, metadata.json, scenario.toml
FIXED = 3
#: ... and the figures, each as PNG and SVG: ev_by_region, trade_by_sector, output_by_sector,
#: diversion (the last two when a tariff changed, as in every scenario here)
FIGURES = 4 * 2


def _run_files(res: cge.Results, figures: bool = True) -> int:
    """Files a run writes: per table a tidy CSV (and Parquet), tables/NAME.tex and .md."""
    per_table = 3 + report.has_parquet()
    return per_table * len(res.tables()) + FIXED + FIGURES * figures


BRD = ('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\nsectors = ["BRD"]\n'
       'add_pct = 25\n')


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Work in an empty folder, with a scenario file s.toml there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text(BRD)
    return tmp_path


@pytest.fixture
def no_figures(monkeypatch):
    """Skip drawing figures (the slow part of writing) where a test does not look at them."""
    monkeypatch.setattr(report.run, "figures", lambda res: {})


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _fail_solve(monkeypatch, when=lambda eco: True):
    original = cge.Economy.solve

    def solve(self, *args, **kwargs):
        if when(self):
            raise SolveError("the model did not solve", SolveInfo("newton", False, 40, 0.3), [])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cge.Economy, "solve", solve)


def test_run_prints_ev_and_trade_and_writes_the_default_folder(here):
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(TWOCGE)])
    assert out.exit_code == 0, out.output
    assert "EV (USD)" in out.output and "shocked trade flows" in out.output
    res = cge.run(cge.load_scenario("s.toml"), data=TWOCGE)
    assert f"wrote {_run_files(res)} files to brd/" in out.output
    files = _listing(here / "brd")
    others = sorted(f for f in files if (here / "brd" / f).is_file()
                    and Path(f).stem not in res.tables())
    assert len(others) == FIXED + FIGURES
    assert {"metadata.json", "report.md", "scenario.toml"} <= set(others)
    assert {"metadata.json", "summary.csv", "tables/summary.tex", "figures/ev_by_region.svg"} <= set(files)
    meta = json.loads((here / "brd" / "metadata.json").read_text())
    assert meta["command"][:3] == ["cge", "run", "s.toml"]
    assert meta["scenario"]["digest"] == cge.load_scenario("s.toml").digest


def test_existing_folder_needs_force(here, no_figures):
    args = ["run", "s.toml", "--data", str(TWOCGE)]
    assert CliRunner().invoke(main, args).exit_code == 0
    (here / "brd" / "mine.txt").write_text("added by hand")
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 2
    assert "brd already exists; choose another folder with --out DIR, or replace it with --force" \
        in out.output
    assert "EV" not in out.output  # refused before solving
    assert (here / "brd" / "mine.txt").exists()
    out = CliRunner().invoke(main, [*args, "--force"])
    assert out.exit_code == 0, out.output
    assert not (here / "brd" / "mine.txt").exists()
    assert sorted(p.name for p in here.iterdir()) == ["brd", "s.toml"]
    out = CliRunner().invoke(main, [*args, "--out", "s.toml"])
    assert out.exit_code == 2 and "is a file" in out.output


def test_out_and_no_write(here, no_figures):
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(TWOCGE), "--out", "a/b"])
    assert out.exit_code == 0, out.output
    res = cge.run(cge.load_scenario("s.toml"), data=TWOCGE)
    assert f"wrote {_run_files(res, figures=False)} files to a/b/" in out.output
    assert (here / "a" / "b" / "metadata.json").exists()
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(TWOCGE), "--no-write"])
    assert out.exit_code == 0 and "EV (USD)" in out.output and "wrote" not in out.output
    assert sorted(p.name for p in here.iterdir()) == ["a", "s.toml"]
    out = CliRunner().invoke(main, ["run", "s.toml", "--no-write", "--out", "x"])
    assert out.exit_code == 2 and "cannot be combined" in out.output


def test_bad_scenario_is_one_line_exit_2_and_writes_nothing(here):
    (here / "s.toml").write_text(BRD.replace("BRD", "RICE"))
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(TWOCGE), "--out", "o"])
    assert out.exit_code == 2
    assert "unknown sector 'RICE'" in out.output
    assert "Traceback" not in out.output
    assert _listing(here) == ["s.toml"]


def test_bad_data_exits_2_and_writes_nothing(here):
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(here / "missing"), "--out", "o"])
    assert out.exit_code == 2 and out.output.startswith("error: ")
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(here / "missing")])
    assert out.exit_code == 2
    assert _listing(here) == ["s.toml"]


def test_solve_failure_exits_1_and_writes_nothing(here, monkeypatch):
    _fail_solve(monkeypatch)
    for extra in ([], ["--out", "o"]):
        out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(TWOCGE), *extra])
        assert out.exit_code == 1
        assert "error: the model did not solve" in out.output
    assert _listing(here) == ["s.toml"]


def test_ctrl_c_while_writing_leaves_nothing(here, monkeypatch):
    def interrupted(res):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.plots, "_fig_trade_by_sector", interrupted)  # after the tables
    out = CliRunner().invoke(main, ["run", "s.toml", "--data", str(TWOCGE)])
    assert out.exit_code == 130
    assert "interrupted; nothing written" in out.output
    assert _listing(here) == ["s.toml"]  # no output folder, no temporary folder


def test_compare_reports_a_failed_scenario_and_runs_the_others(here, monkeypatch, no_figures):
    (here / "big.toml").write_text(BRD.replace('"brd"', '"big"').replace("25", "900"))
    (here / "mlk.toml").write_text(BRD.replace("BRD", "MLK").replace('"brd"', '"mlk"'))
    _fail_solve(monkeypatch, when=lambda eco: eco.model.tm["JPN", "USA", "BRD"].value > 5)
    out = CliRunner().invoke(main, ["compare", "s.toml", "big.toml", "mlk.toml",
                                    "--data", str(TWOCGE), "--out", "cmp"])
    assert out.exit_code == 1, out.output
    header = next(line for line in out.output.splitlines() if line.startswith("region"))
    assert header.split()[-3:] == ["brd", "big", "mlk"]
    ev_usa = next(line for line in out.output.splitlines() if line.startswith("USA     EV"))
    assert ev_usa.split()[-2] == "failed"
    assert "big: FAILED: the model did not solve; solver newton" in out.output
    assert "1 of 3 scenario(s) failed" in out.output
    status = (here / "cmp" / "status.csv").read_text()
    assert "big,failed" in status and "brd,ok" in status and "mlk,ok" in status
    assert {"comparison.csv", "metadata.json", "status.csv", "tables/comparison.md",
            "tables/comparison.tex", "figures/ev_by_scenario.png"} <= set(_listing(here / "cmp"))


def test_compare_input_errors_exit_2_before_solving(here):
    out = CliRunner().invoke(main, ["compare", "s.toml", "missing.toml", "--data", str(TWOCGE)])
    assert out.exit_code == 2 and "missing.toml: scenario file not found" in out.output
    out = CliRunner().invoke(main, ["compare", "s.toml", "--data", str(TWOCGE), "--flow", "JPN"])
    assert out.exit_code == 2 and "EXPORTER:IMPORTER" in out.output


@pytest.mark.skipif(DEFAULT is None, reason="default data set not present")
def test_compare_two_scenarios_side_by_side(here):
    a, b = SCENARIOS / "bilateral" / "us_autos_232.toml", here / "all10.toml"
    b.write_text('name = "us_all_10"\n[[shock]]\nimporter = "USA"\nexporters = "all"\n'
                 'sectors = "all"\nadd_pct = 10\n')
    out = CliRunner(env={"COLUMNS": "100"}).invoke(main, ["compare", str(a), str(b), "--out", "cmp"])
    assert out.exit_code == 0, out.output
    assert max(len(line) for line in out.output.splitlines()) <= 100  # the terminal's width
    header = next(line for line in out.output.splitlines() if line.startswith("region"))
    assert header.split()[-2:] == ["us_autos_232", "us_all_10"]
    assert "goods imports from JPN, volume" in out.output
    assert "us_autos_232: ok" in out.output and "us_all_10: ok" in out.output
    long = __import__("pandas").read_csv(here / "cmp" / "comparison.csv")
    assert set(long["scenario"]) == {"us_autos_232", "us_all_10"}
    assert (here / "cmp" / "figures" / "ev_by_scenario.png").exists()
    tex = (here / "cmp" / "tables" / "comparison.tex").read_text()
    assert "{us\\_autos\\_232} & {us\\_all\\_10}" in tex and "\\caption{" in tex
    meta = json.loads((here / "cmp" / "metadata.json").read_text())
    assert [s["scenario"] for s in meta["scenarios"]] == ["us_autos_232", "us_all_10"]
    assert meta["data"]["digest"] == cge.load_dataset(DEFAULT).digest


def test_check_passes_on_good_data_and_fails_on_bad(tmp_path):
    out = CliRunner().invoke(main, ["check", "--data", str(TWOCGE)])
    assert out.exit_code == 0, out.output
    assert "all checks passed" in out.output
    out = CliRunner().invoke(main, ["check", "--data", str(tmp_path / "missing")])
    assert out.exit_code == 2


def test_check_on_shipped_data_includes_pipeline():
    path = list(sys.path)
    out = CliRunner().invoke(main, ["check"])
    assert out.exit_code == 0, out.output
    assert sys.path == path  # calibration is imported as a package, no sys.path edit
    assert "usjpn2024: data valid" in out.output
    # usjpn2024: 7 targets + the rebuild; world2024 (calibration/inputs/targets2024.csv): 11 GDPs,
    # 22 goods totals, 20 US and 18 Japanese bilateral flows (Japan's two reports of its US
    # trade are mirrors, not targets), 24 US-Japan sector rows with ELEC and OMFG merged in each
    # direction (22), 8 US energy rows as ENRP and crude+gas+coal in each direction (4): 97
    assert "calibration pipeline: 105/105 checks passed" in out.output


def test_help_texts_have_examples():
    for cmd in ("run", "compare"):
        out = CliRunner().invoke(main, [cmd, "--help"])
        assert out.exit_code == 0 and "Examples:" in out.output and "--out DIR" in out.output


def test_sensitivity_metadata_follows_the_run_metadata(here, monkeypatch):
    """cge sensitivity solves the scenario without building Results (no welfare decomposition)
    and writes metadata.json with the keys of a run's (report.metadata) plus an "ssa" block."""
    import cge.economy

    def no_results(*args, **kwargs):
        raise AssertionError("sensitivity should not build Results")

    monkeypatch.setattr(cge.economy, "run", no_results)  # the CLI imports it when it runs
    with monkeypatch.context() as m:  # nor anywhere else (the study runs in cge.sensitivity_study)
        m.setattr(cge.Results, "__init__", no_results)
        out = CliRunner().invoke(main, ["sensitivity", "s.toml", "--data", str(TWOCGE), "--vary",
                                        "sigma_m=0.3", "--out", "o"])
    assert out.exit_code == 0, out.output
    meta = json.loads((here / "o" / "metadata.json").read_text())
    sc = cge.load_scenario("s.toml")
    run_meta = report.metadata(cge.run(sc, data=TWOCGE))
    assert set(run_meta) <= set(meta)
    assert meta["generator"] == "cge" and meta["timestamp"] and meta["versions"]["python"]
    assert meta["scenario"]["digest"] == sc.digest
    assert meta["data"]["digest"] == run_meta["data"]["digest"]
    assert meta["solve"]["converged"] and meta["solve"]["max_residual"] <= 1e-9
    assert meta["command"][:3] == ["cge", "sensitivity", "s.toml"] and "sigma_m=0.3" in meta["command"]
    assert meta["ssa"]["vary"] == {"sigma_m": 0.3} and meta["ssa"]["method"] == "quadrature"
    assert sorted(meta["files"]) == _listing(here / "o")


@pytest.mark.parametrize("draws", ["0", "1"])
def test_sensitivity_refuses_fewer_than_two_draws_before_solving(here, draws):
    out = CliRunner().invoke(main, ["sensitivity", "s.toml", "--data", str(TWOCGE), "--method",
                                    "montecarlo", "--draws", draws])
    assert out.exit_code == 2 and "Invalid value for '--draws'" in out.output
    assert not (here / "brd").exists()


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_sigusr1_prints_where_a_run_is_and_the_run_goes_on(tmp_path):
    """A run that seems stuck can be asked where it is: the console script registers
    faulthandler on SIGUSR1, so the signal prints every thread's stack to stderr and the run
    finishes as it would have (its tables printed, exit 0). The signal is sent once the
    process catches it (bit 10 of SigCgt in /proc: before that it would kill the process)."""
    import os
    import signal
    import subprocess
    import time

    body = ("import sys; import cge.cli as c; sys.argv[0] = 'cge'; c.console()")
    proc = subprocess.Popen([sys.executable, "-c", body, "run",
                             str(SCENARIOS / "bilateral" / "us_autos_232.toml"), "--no-write"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(Path(cge.__file__).parents[1])})
    try:
        deadline = time.monotonic() + 60
        caught = 0
        while time.monotonic() < deadline and proc.poll() is None and not caught >> 9 & 1:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("SigCgt:"):
                    caught = int(line.split()[1], 16)
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be signalled"
        proc.send_signal(signal.SIGUSR1)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode()
    assert "Current thread" in err.decode() or "Thread 0x" in err.decode()
    assert "shocked trade flows" in out.decode()
