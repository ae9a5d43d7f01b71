"""The calibration gate behind ``cge check`` (cge/check.py): the command is parse -> one call ->
print, so the results and their text are tested here, and the command line is checked to print
exactly that text with the same exit codes.

Independent reasons to be right: one_good (two countries, one good each, labour only) has no
capital, so the sector-specific-capital closure does not apply, and under fixed exchange rates
nothing pins its price level (the Jacobian is singular: the check must fail and say why).
"""

from __future__ import annotations

import re
import sys

import pytest
from click.testing import CliRunner
from conftest import ONE_GOOD, TWOCGE

import cge
from cge import check
from cge.cli import main

LINE = re.compile(r"^  (ok  |FAIL) (\w+) +benchmark residual \S+, Walras \S+, return from perturbed "
                  r"start \S+, Jacobian condition \S+$")


def test_gate_on_good_data_passes_under_every_closure():
    items = list(check.run_gate([str(TWOCGE)]))
    assert isinstance(items[0], check.DataCheck) and items[0].failures == 0
    closures = [it for it in items[1:] if isinstance(it, check.ClosureCheck)]
    assert [c.closure for c in closures] == list(cge.CLOSURES)
    for c in closures:
        assert c.ok and c.max_residual <= 1e-10 and c.back <= 1e-8 and c.condition < 1e12
        assert LINE.match(c.lines()[0]) and len(c.lines()) == 1
    assert len(items) == 1 + len(cge.CLOSURES)  # a folder given: no pipeline checks


def test_gate_on_one_good_data_passes_under_every_closure_it_can_build():
    """The one-good data have no CAP (no sector-specific capital) and zero foreign saving. Under
    fixed exchange rates their Jacobian is regular (unscaled condition 558, computed by SVD on
    the pre-refactor code too); the gate once called it singular because it scaled the
    foreign-saving column by its zero base value."""
    items = list(check.run_gate([str(ONE_GOOD)]))
    closures = {it.closure: it for it in items if isinstance(it, check.ClosureCheck)}
    assert set(closures) == {"default", "long_run", "fixed_exchange_rate", "fixed_trade_balance",
                             "fixed_investment", "nominal_foreign_saving"}
    assert all(c.ok for c in closures.values())
    assert 100 < closures["fixed_exchange_rate"].condition < 1e4


def test_gate_says_why_an_equilibrium_is_not_determinate(monkeypatch):
    monkeypatch.setattr(check, "jacobian_condition", lambda eco: float("inf"))
    bad = check.check_closure(cge.load_dataset(ONE_GOOD), "fixed_exchange_rate")
    assert bad.replicates and bad.returns and not bad.determinate and bad.failures == 1
    assert bad.lines()[0].startswith("  FAIL fixed_exchange_rate ")
    assert "not determinate at the benchmark (singular Jacobian)" in bad.lines()[1]


def test_cli_check_prints_the_gate_text_and_exit_codes(monkeypatch):
    out = CliRunner().invoke(main, ["check", "--data", str(ONE_GOOD)])
    assert out.exit_code == 0, out.output
    want = [line for it in check.run_gate([str(ONE_GOOD)]) for line in it.lines()]
    got = out.output.splitlines()
    assert got[0] == f"{ONE_GOOD}: data valid (2 regions, 1 sectors, unit); SAMs balance; trade consistent"
    assert [LINE.sub(r"\1 \2", g) for g in got[:len(want)]] == [LINE.sub(r"\1 \2", w) for w in want]
    real = check.jacobian_condition
    monkeypatch.setattr(check, "jacobian_condition",
                        lambda eco: float("inf") if eco.closure.name == "fixed_exchange_rate"
                        else real(eco))
    out = CliRunner().invoke(main, ["check", "--data", str(ONE_GOOD)])
    assert out.exit_code == 1 and out.output.splitlines()[-1] == "1 check(s) failed"


def test_pipeline_checks_outside_a_checkout_and_when_calibration_cannot_be_imported(tmp_path,
                                                                                    monkeypatch):
    assert check.pipeline_checks(tmp_path / "data") is None  # no calibration/ next to the data
    monkeypatch.setitem(sys.modules, "calibration.checks", None)  # import fails
    with pytest.raises(check.GateError, match=r"cannot import the calibration package of .*"
                       r"\(hint: install the checkout, pip install -e \., or run from its root\)"):
        check.pipeline_checks()


def test_cli_check_turns_a_gate_error_into_one_line_exit_2(monkeypatch):
    def broken(datas):
        raise check.GateError("cannot import the calibration package (hint: pip install -e .)")
        yield

    monkeypatch.setattr("cge.check.run_gate", broken)  # the CLI imports it when it runs
    out = CliRunner().invoke(main, ["check"])
    assert out.exit_code == 2
    assert out.output == "error: cannot import the calibration package (hint: pip install -e .)\n"
