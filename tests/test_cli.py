"""The command line: run, check, data; errors are one line with exit code 2."""

from click.testing import CliRunner
from conftest import TWOCGE

from cge.cli import main


def test_run_prints_ev_and_trade(tmp_path):
    sc = tmp_path / "s.toml"
    sc.write_text('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                  'sectors = ["BRD"]\nadd_pct = 25\n')
    out = CliRunner().invoke(main, ["run", str(sc), "--data", str(TWOCGE)])
    assert out.exit_code == 0, out.output
    assert "EV (USD)" in out.output and "shocked trade flows" in out.output


def test_bad_scenario_is_one_line_exit_2(tmp_path):
    sc = tmp_path / "s.toml"
    sc.write_text('name = "x"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                  'sectors = ["RICE"]\nadd_pct = 25\n')
    out = CliRunner().invoke(main, ["run", str(sc), "--data", str(TWOCGE)])
    assert out.exit_code == 2
    assert "unknown sector 'RICE'" in out.output
    assert "Traceback" not in out.output


def test_check_passes_on_good_data_and_fails_on_bad(tmp_path):
    out = CliRunner().invoke(main, ["check", "--data", str(TWOCGE)])
    assert out.exit_code == 0, out.output
    assert "all checks passed" in out.output
    out = CliRunner().invoke(main, ["check", "--data", str(tmp_path / "missing")])
    assert out.exit_code == 2


def test_check_on_shipped_data_includes_pipeline():
    out = CliRunner().invoke(main, ["check"])
    assert out.exit_code == 0, out.output
    assert "usjpn2024: data valid" in out.output
    assert "calibration pipeline: 8/8 checks passed" in out.output
