"""Subtotals add up and match solo effects for small shocks; local sensitivities match re-solves."""

import numpy as np
import pytest

import cge
from cge import sensitivity
from cge.welfare import regional_ev

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)


@pytest.fixture(scope="module")
def eco():
    return cge.Economy()


def test_subtotals_add_up_exactly(eco):
    sc = cge.load_scenario("scenarios/bilateral/jpn_retaliation_farm.toml")
    cge.run(sc, economy=eco)
    groups = sensitivity.scenario_groups(sc, eco)
    # the file labels its shocks: the US measure, and Japan's answer (two shocks)
    assert {k: len(v) for k, v in groups.items()} == {"US Section 232 autos": 1,
                                                      "Japan's farm retaliation": 2}
    st = sensitivity.subtotals(eco, groups)
    v = st.variables
    parts = v[list(groups)].sum(axis=1)
    # total change computed from the two solutions; the parts from the path integral
    assert np.max(np.abs(v["total"] - parts)) <= 1e-9 * max(1.0, v["new"].abs().max())
    ev = regional_ev(eco.model, eco.benchmark)
    for r, total in ev.items():
        assert abs(total - st.ev.loc[r, list(groups)].sum()) <= 1e-9 * max(map(abs, ev.values()))
    # the model keeps the scenario's solution
    assert np.array_equal(eco.core.x_from_model(), v["new"].to_numpy())


def test_small_shocks_contribute_their_solo_effects(eco):
    """Two one-point tariff rises: interactions are second order, so each group's
    contribution equals the change it causes alone to within a few percent of itself."""
    base = eco.base_tariffs()
    a, b = ("JPN", "USA", "AUTO"), ("USA", "JPN", "FOOD")
    solo = {}
    for key in (a, b):
        eco.reset()
        eco.set_tariffs({key: base[key] + 0.01})
        eco.solve()
        solo[key] = regional_ev(eco.model, eco.benchmark)
    eco.reset()
    eco.set_tariffs({a: base[a] + 0.01, b: base[b] + 0.01})
    eco.solve()
    st = sensitivity.subtotals(eco, {"autos": [a], "food": [b]})
    for name, key in (("autos", a), ("food", b)):
        for r in eco.dataset.regions:
            assert st.ev.loc[r, name] == pytest.approx(solo[key][r], rel=0.03, abs=1e-3)


def test_local_sensitivities_match_finite_differences(eco):
    cge.run("scenarios/bilateral/us_autos_232.toml", economy=eco)
    x1 = eco.core.x_from_model()
    cells = [("JPN", "USA", "AUTO"), ("USA", "JPN", "FOOD")]
    sens = sensitivity.local_sensitivities(eco, cells)
    names = [v.name for v in eco.core.variables]
    k = names.index("ms[JPN,USA,AUTO]")
    for key in cells:
        t = eco.model.tm[key].value
        out = []
        for h in (1e-4, -1e-4):
            eco.model.tm[key] = t + h
            eco.core.x_to_model(x1)
            eco.solve()
            out.append((regional_ev(eco.model, eco.benchmark), eco.core.x_from_model()[k]))
        eco.model.tm[key] = t
        eco.core.x_to_model(x1)
        for r in eco.dataset.regions:
            fd = (out[0][0][r] - out[1][0][r]) / 2e-4 * 0.01  # per percentage point
            assert sens.ev.loc[key, r] == pytest.approx(fd, rel=1e-5)
        fd_flow = 100 * (out[0][1] - out[1][1]) / 2e-4 * 0.01
        assert sens.variables.loc["ms[JPN,USA,AUTO]", key] == pytest.approx(fd_flow, rel=1e-5)
    # a tariff on a flow lowers that flow
    assert sens.variables.loc["ms[JPN,USA,AUTO]", ("JPN", "USA", "AUTO")] < 0


def test_bad_groups_are_refused(eco):
    cge.run("scenarios/bilateral/jpn_retaliation_farm.toml", economy=eco)
    with pytest.raises(ValueError, match="in no group, or counted twice"):
        sensitivity.subtotals(eco, {"autos": [("JPN", "USA", "AUTO")]})
    with pytest.raises(ValueError, match="no traded flow"):
        sensitivity.subtotals(eco, {"x": [("JPN", "JPN", "AUTO")]})


def test_unlabelled_shocks_are_groups_credited_with_the_change_they_make(eco):
    """The 2025 deal: a 15% floor on all goods, then AUTO at 15% and METL at 50%. The floor
    makes AUTO's whole change (2.3 -> 15), so "AUTO at 15%" adds nothing; METL's change is
    shared: the floor 2.1 -> 15, then 15 -> 50."""
    sc = cge.load_scenario("scenarios/bilateral/us_japan_deal_2025.toml")
    groups = sensitivity.scenario_groups(sc, eco)
    assert list(groups) == ["shock 1: USA from JPN, all goods", "shock 3: USA from JPN, METL"]
    floor, metl = groups.values()
    assert len(floor) == 9
    assert floor[("JPN", "USA", "AUTO")] == pytest.approx(0.15 - 0.023, abs=1e-12)
    assert floor[("JPN", "USA", "METL")] == pytest.approx(0.15 - 0.021, abs=1e-12)
    assert metl == {("JPN", "USA", "METL"): pytest.approx(0.35, abs=1e-12)}
    cge.run(sc, economy=eco)
    st = sensitivity.subtotals(eco, groups)
    assert abs(st.ev["residual"]).max() <= 1e-9 * abs(st.ev["total"]).max()


def test_cli_sensitivity_prints_and_writes(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner
    from conftest import TWOCGE

    from cge.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text('name = "abolish"\n[[shock]]\nimporter = "USA"\n'
                                     'exporters = ["JPN"]\nsectors = "all"\nset_pct = 0\n'
                                     'group = "US cuts"\n[[shock]]\nimporter = "JPN"\n'
                                     'exporters = ["USA"]\nsectors = "all"\nset_pct = 0\n'
                                     'group = "Japan cuts"\n')
    out = CliRunner().invoke(main, ["sensitivity", "s.toml", "--data", str(TWOCGE), "--vary",
                                    "sigma_m=0.4", "--subtotals", "--local", "--out", "o"])
    assert out.exit_code == 0, out.output
    assert "SSA: 2 parameters, quadrature, 4 points" in out.output
    assert "US cuts" in out.output and "Japan cuts" in out.output
    files = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert "ssa_summary.csv" in files and "subtotals_ev.csv" in files and "ssa_ev.png" in files
    meta = json.loads((tmp_path / "o" / "metadata.json").read_text())
    assert meta["ssa"]["vary"] == {"sigma_m": 0.4}
    import pandas as pd

    ev = pd.read_csv(tmp_path / "o" / "subtotals_ev.csv", index_col=0)
    assert (ev["total"] - ev["US cuts"] - ev["Japan cuts"]).abs().max() <= 1e-6
    bad = CliRunner().invoke(main, ["sensitivity", "s.toml", "--data", str(TWOCGE), "--vary",
                                    "sigma_x=0.5", "--out", "b"])
    assert bad.exit_code == 2 and bad.output.startswith("error: ") and "unknown elasticity" in bad.output
    assert not (tmp_path / "b").exists()


def test_ssa_refuses_a_scenario_written_for_other_data():
    """A scenario that names its data set (usjpn2024: 3 regions) is not silently solved on an
    economy of another (world2024: 11 regions), as cge.run already refuses."""
    from cge.sensitivity import ssa

    eco = cge.Economy("world2024")
    from cge.shipped import scenarios_dir

    sc = cge.load_scenario(scenarios_dir() / "bilateral" / "us_autos_232.toml")
    with pytest.raises(cge.ScenarioError, match="written for data set 'usjpn2024'.*built on 'world2024'"):
        ssa(eco, sc, {"sigma_m": 0.5})
