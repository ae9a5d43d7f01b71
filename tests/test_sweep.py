"""Sweeps: a scenario set solved as one job. The same numbers serially, on two processes and on
a dask cluster; a member that cannot solve is reported and spoils nothing; an interrupted sweep
resumes with only the rest; members agree with cge.run; bad sweep files give one clear error."""

import dataclasses
import importlib
import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner
from conftest import POLICY

import cge
from cge import sweeps as sw
from cge import welfare
from cge.cli import main
from cge.scenario import Scenario, Shock

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)

SCENARIOS = Path(__file__).parent.parent / "scenarios"
GRID = f"""name = "autos_grid"
description = "Section 232 on Japanese autos, then more on the autos and on all US imports"
base = "{(SCENARIOS / 'bilateral' / 'us_autos_232.toml').as_posix()}"

[[axis]]
name = "jpn_auto"
importer = "USA"
exporters = ["JPN"]
sectors = ["AUTO"]
add_pct = [0, 15, 30]

[[axis]]
name = "us_all"
importer = "USA"
exporters = "all"
sectors = "all"
add_pct = {{ start = 0, stop = 15, num = 4 }}
"""
CHUNK = 4  # 12 members, 3 chunks


@pytest.fixture(scope="module")
def grid(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "grid.toml"
    path.write_text(GRID)
    return path


@pytest.fixture(scope="module")
def serial(grid) -> xr.Dataset:
    return cge.sweep(grid, workers=1, chunk_size=CHUNK)


def _same(a: xr.Dataset, b: xr.Dataset, tol: float) -> None:
    assert list(a.member.values) == list(b.member.values)
    for name in sw.VARIABLES:
        x, y = a[name].values, b[name].values
        assert np.array_equal(np.isnan(x), np.isnan(y)), name
        ok = ~np.isnan(x)
        assert np.max(np.abs(x[ok] - y[ok]) / np.maximum(1.0, np.abs(x[ok])), initial=0) <= tol, name
    assert list(a.status.values) == list(b.status.values)


def test_grid_members_coordinates_and_units(serial):
    """12 members, the last axis fastest; shock values as coordinates; every member solved;
    the tariffs are the base scenario's plus the axes' points."""
    assert serial.sizes == {"member": 12, "region": 3, "exporter": 3, "importer": 3, "sector": 10}
    assert list(serial.jpn_auto.values) == [0.0] * 4 + [15.0] * 4 + [30.0] * 4
    assert list(serial.us_all.values) == [0.0, 5.0, 10.0, 15.0] * 3
    assert serial.member.values[5] == "jpn_auto=15, us_all=5"
    assert (serial.status == "converged").all() and (serial.residual <= 1e-9).all()
    assert serial.ev.attrs["units"] == "USD million" and serial.jpn_auto.attrs["units"] == "percentage points"
    base = cge.Economy().base_tariffs()
    t = serial.tariff_pct.sel(exporter="JPN", importer="USA")
    assert t.sel(sector="AUTO").values[5] == pytest.approx(100 * base["JPN", "USA", "AUTO"] + 25 + 15 + 5)
    assert t.sel(sector="AGR").values[5] == pytest.approx(100 * base["JPN", "USA", "AGR"] + 5)
    assert np.isnan(serial.trade_volume_pct.sel(exporter="USA", importer="USA")).all()
    # more tariffs on Japanese autos: fewer of them, more so the higher the tariff
    auto = serial.trade_volume_pct.sel(exporter="JPN", importer="USA", sector="AUTO")
    assert (auto.values[[0, 4, 8]] < 0).all() and auto.values[0] > auto.values[4] > auto.values[8]


def test_serial_and_two_processes_give_identical_results(grid, serial):
    two = cge.sweep(grid, workers=2, chunk_size=CHUNK)
    assert two.attrs["engine"] == "2 local processes"
    _same(serial, two, 1e-12)


def test_dask_local_cluster_gives_the_same_numbers(grid, serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        res = cge.sweep(grid, executor=client, chunk_size=CHUNK)
        assert res.attrs["engine"].startswith("dask cluster at tcp://127.0.0.1")
        _same(serial, res, 1e-10)
        # the scheduler's address (a client is opened and closed) and the client's executor
        _same(serial, cge.sweep(grid, executor=cluster.scheduler_address, chunk_size=6), 1e-10)
        _same(serial, cge.sweep(grid, executor=client.get_executor(), chunk_size=CHUNK), 1e-10)


def _sc(name: str, importer: str, exporters, sectors, op: str, value: float) -> Scenario:
    return Scenario(name=name, shocks=(Shock(importer, exporters, sectors, op, value),))


def test_a_failing_member_is_reported_and_the_others_match_solo_solves():
    """Fixed exchange rates, Japan +200 points on all imports from everyone: no equilibrium
    (tests/test_hard_shocks.py). It fails with its diagnosis, between two members that solve;
    they equal a fresh cge.run of each (EV, trade, GDP, output, prices)."""
    eco = cge.Economy(None, "fixed_exchange_rate")
    base = eco.base_tariffs()
    bad = sw.Member("member1", tariffs_pct={k: 100 * base[k] + 200 for k in base if k[1] == "JPN"})
    ok = [_sc("autos", "USA", ("JPN",), ("AUTO",), "add_pct", 25),
          _sc("farm", "JPN", ("USA",), ("AGR", "FOOD"), "set_pct", 40)]
    res = cge.sweep([ok[0], bad, ok[1]], closure="fixed_exchange_rate", workers=1, chunk_size=3)
    assert list(res.member.values) == ["autos", "member1", "farm"]
    assert list(res.status.values) == ["converged", "failed", "converged"]
    f = res.sel(member="member1")
    assert "did not solve" in str(f.message.values) and 0.1 < float(f.reached) < 1.0
    assert "(S" in str(f.worst_block.values) or "(M" in str(f.worst_block.values)
    assert "investment, in JPN would turn negative" in str(f.diagnosis.values)
    assert np.isnan(f.ev).all() and np.isnan(f.trade_volume_pct).all()
    assert res.attrs["members_failed"] == 1
    for sc in ok:
        solo = cge.run(sc, closure="fixed_exchange_rate")
        m = res.sel(member=sc.name)
        summ, trade, sec = solo.summary, solo.trade, solo.sectors
        for r in ("USA", "JPN", "ROW"):
            assert float(m.ev.sel(region=r)) == pytest.approx(summ.at[r, "ev"],
                                                              rel=1e-8, abs=1e-6)
            assert float(m.ev_household.sel(region=r)) == pytest.approx(
                summ.at[r, "ev_household"], rel=1e-8, abs=1e-6)
            assert float(m.real_gdp_pct.sel(region=r)) == pytest.approx(
                summ.at[r, "real_gdp_pct"], rel=1e-7, abs=1e-10)
            assert float(m.terms_of_trade_pct.sel(region=r)) == pytest.approx(
                summ.at[r, "terms_of_trade_pct"], rel=1e-7, abs=1e-10)
        for (s, r, i), row in trade.iterrows():
            assert float(m.trade_volume_pct.sel(exporter=s, importer=r, sector=i)) == pytest.approx(
                row["trade_volume_pct"], rel=1e-7, abs=1e-9)
            assert float(m.tariff_pct.sel(exporter=s, importer=r, sector=i)) == pytest.approx(
                row["tariff_pct"])
        for (r, i), row in sec.iterrows():
            assert float(m.output_pct.sel(region=r, sector=i)) == pytest.approx(
                row["output_pct"], rel=1e-7, abs=1e-9)
            assert float(m.armington_price_pct.sel(region=r, sector=i)) == pytest.approx(
                row["armington_price_pct"], rel=1e-7, abs=1e-9)


def test_resume_solves_only_the_rest_and_equals_a_clean_run(grid, serial, tmp_path, monkeypatch):
    out = tmp_path / "run"
    real = sw.job.solve_chunk
    calls = {"chunks": 0}

    def interrupted(*args):
        calls["chunks"] += 1
        if calls["chunks"] == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(sw.job, "solve_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cge.sweep(grid, workers=1, chunk_size=CHUNK, out=out)
    assert len(list((out / "chunks").glob("*.npz"))) == 1 and not (out / "sweep.nc").exists()
    monkeypatch.setattr(sw.job, "solve_chunk", real)

    solves = {"n": 0}
    solve = cge.Economy.solve

    def counting(self, *args, **kwargs):
        solves["n"] += 1
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(cge.Economy, "solve", counting)
    res = cge.sweep(grid, workers=1, chunk_size=CHUNK, out=out)
    assert solves["n"] == 12 - CHUNK
    assert (res.attrs["solved_now"], res.attrs["solved_before"]) == (8, 4)
    _same(serial, res, 0.0)
    on_disk = xr.open_dataset(out / "sweep.nc", engine="scipy").load()
    _same(serial, on_disk, 0.0)
    assert list(on_disk.message.values) == list(serial.message.values)
    assert on_disk.jpn_auto.attrs["operation"] == "add_pct"
    table = pd.read_csv(out / "members.csv")
    assert list(table.columns[:4]) == ["member", "jpn_auto", "us_all", "status"]
    assert (table.status == "converged").sum() == 12
    tidy = sw.to_tidy(serial)
    assert list(tidy.columns) == ["member", "jpn_auto", "us_all", "variable", "units", "region",
                                  "sector", "exporter", "importer", "value"]
    assert len(tidy) == sum(int(serial[v].notnull().sum()) for v in sw.VARIABLES)
    if importlib.util.find_spec("pyarrow") is not None:  # optional: Parquet with pyarrow
        assert pd.read_parquet(out / "sweep.parquet").equals(tidy.reset_index(drop=True))
    # nothing left to solve: assembled again from the saved chunks
    again = cge.sweep(grid, workers=1, chunk_size=CHUNK, out=out)
    assert solves["n"] == 8 and again.attrs["solved_now"] == 0
    # another sweep in the same folder is refused, naming what differs; --restart starts over
    with pytest.raises(sw.SweepError, match="holds a different sweep.*closure: default there, "
                       "fixed_exchange_rate now"):
        cge.sweep(grid, workers=1, out=out, closure="fixed_exchange_rate")
    other = tmp_path / "grid2.toml"
    other.write_text(GRID.replace("[0, 15, 30]", "[0, 15, 31]"))
    with pytest.raises(sw.SweepError, match="members differ from member 8"):
        cge.sweep(other, workers=1, out=out)
    assert json.loads((out / "manifest.json").read_text())["closure"]["name"] == "default"


def test_parameter_overrides_are_members_too():
    """A member may also override other mutable parameters (here: 2% more US labour); the next
    member without the override is back at base values."""
    eco = cge.Economy()
    key = next(k for k in eco.model.endow if k[0] == "USA")
    members = [sw.Member("labour", params={"endow": {key: 1.02}}), {}, sw.Member("again")]
    with pytest.warns(DeprecationWarning, match="dict of tariff rates"):  # fractions: deprecated
        res = cge.sweep(members, workers=1)
    assert float(res.real_gdp_pct.sel(member="labour", region="USA")) > 0.5
    assert np.allclose(res.ev.sel(member="member1"), 0, atol=1e-6)
    assert np.allclose(res.ev.sel(member="again"), 0, atol=1e-6)
    with pytest.raises(sw.SweepError, match="cannot override parameter 'sigma_m'.*'elasticities'"):
        cge.sweep([sw.Member("x", params={"sigma_m": {("USA", "AUTO"): 2.0}})], workers=1)
    with pytest.raises(sw.SweepError, match="no base-year trade flow"):
        cge.sweep([sw.Member("x", tariffs_pct={("USA", "USA", "AUTO"): 10})], workers=1)


def test_elasticity_draws_are_members_and_match_solo_solves():
    """Members may draw elasticities (with or without a tariff shock); each equals a solo solve
    with Economy.set_elasticities, and the next member is back at the data's values."""
    sc = cge.load_scenario(SCENARIOS / "bilateral" / "us_autos_232.toml")
    draw = {("sigma_m", "USA", "AUTO"): 4.0, ("sigma_d", "USA", "AUTO"): 1.5}
    members = [sw.Member("low", scenario=sc, elasticities=draw), sw.Member("data", scenario=sc),
               sw.Member("bench", elasticities=draw)]
    res = cge.sweep(members, workers=1)
    eco = cge.Economy()
    for name, el in (("low", draw), ("data", {})):
        eco.reset_elasticities()
        eco.set_elasticities(el)
        cge.run(sc, economy=eco)
        ev = welfare.regional_ev(eco.model, eco.benchmark)
        for r, v in ev.items():
            assert float(res.ev.sel(member=name, region=r)) == pytest.approx(v, rel=1e-9, abs=1e-6)
    # the benchmark solves the model for any elasticities: no shock, no change
    assert np.allclose(res.ev.sel(member="bench"), 0, atol=1e-6)
    # a lower import elasticity: Japanese autos fall less than with the data's 7.1
    vol = res.trade_volume_pct.sel(exporter="JPN", importer="USA", sector="AUTO")
    assert float(vol.sel(member="data")) < float(vol.sel(member="low")) < 0
    with pytest.raises(sw.SweepError, match=r"member 0 \(x\): sigma_m .* must be finite, > 0 and at "
                       "least 0.0001 away from 1"):
        cge.sweep([sw.Member("x", elasticities={("sigma_m", "USA", "AUTO"): 1.0})], workers=1)


def test_an_elasticity_draw_on_a_cobb_douglas_nest_is_refused_before_solving(twocge, monkeypatch):
    """TWOCGE's value added is Cobb–Douglas (sigma_va = 1): its form is fixed, so a draw on it is
    an invalid member (one clear error before anything is solved), not a failed one."""
    def no_solve(*args):
        raise AssertionError("a chunk was solved")

    monkeypatch.setattr(sw.job, "solve_chunk", no_solve)
    clo = cge.Closure(name="twocge", numeraire="LAB")
    draw = {("sigma_va", "JPN", "BRD"): 0.5}
    with pytest.raises(sw.SweepError, match=r"member 1 \(cd\): sigma_va \('JPN', 'BRD'\) is "
                       "Cobb–Douglas in the data"):
        cge.sweep([sw.Member("ok"), sw.Member("cd", elasticities=draw)], data=twocge, closure=clo,
                  workers=1)
    with pytest.raises(sw.SweepError, match="unknown elasticity 'sigma_q'"):
        cge.sweep([sw.Member("x", elasticities={"sigma_q": 2.0})], data=twocge, closure=clo, workers=1)



def test_renamed_duplicate_members_keep_their_elasticity_draws():
    """Two members with the same name are told apart as a, a#2; both keep their draws."""
    sc = cge.load_scenario(SCENARIOS / "bilateral" / "us_autos_232.toml")
    draw = {("sigma_m", "USA", "AUTO"): 4.0}
    members = [sw.Member("a", scenario=sc, elasticities=draw),
               sw.Member("a", scenario=sc, elasticities=draw), sw.Member("data", scenario=sc),
               sw.Member("base")]
    res = cge.sweep(members, workers=1)
    assert list(res.member.values) == ["a", "a#2", "data", "base"]
    assert (res.status == "converged").all()
    assert np.array_equal(res.ev.sel(member="a").values, res.ev.sel(member="a#2").values)
    vol = res.trade_volume_pct.sel(exporter="JPN", importer="USA", sector="AUTO")
    assert float(vol.sel(member="a#2")) == float(vol.sel(member="a"))
    assert float(vol.sel(member="a#2")) != pytest.approx(float(vol.sel(member="data")), rel=1e-3)
    # only changed rates are written: the last member is back at the base rates
    assert np.allclose(res.ev.sel(member="base"), 0, atol=1e-6)


BAD = [
    ("", "file is empty"),
    *[(f'name = "x"\n[[axis]]\nname = "{label}"\nimporter = "USA"\nexporters = ["JPN"]\n'
       'sectors = ["AUTO"]\nadd_pct = [0, 10]\n',
       f"axis name '{label}' is reserved (a dimension, variable or coordinate")
      for label in ("region", "sector", "ev", "status")],  # would overwrite labels in sweep.nc
    ('name = "x"\n[[axis]]\nimporter = "USA"\nexporters = "all"\nsectors = "all"\n',
     "give exactly one of add_pct, set_pct, floor_pct"),
    ('name = "x"\n[[axis]]\nimporter = "USA"\nexporters = "all"\nsectors = "all"\nadd_pct = 10\n',
     "add_pct must be a non-empty list of numbers"),
    ('name = "x"\n[[axis]]\nimporter = "USA"\nexporters = "all"\nsectors = "all"\n'
     'add_pct = [1, "2"]\n', "add_pct values must be numbers"),
    ('name = "x"\n[[shock]]\nimporter = "USA"\n', "unknown field(s) 'shock'"),
    ('name = "x"\nbase = "nowhere.toml"\n', "scenario file not found"),
    ('name = "x"\n[[axis]]\nimporter = "USA"\nexporters = ["JPN"]\nsectors = ["CARS"]\n'
     "add_pct = [1, 2]\n", "axis 1 (axis1): unknown sector 'CARS'"),
    ('name = "x"\n[[axis]]\nimporter = "USA"\nexporters = ["JPN"]\nsectors = ["AUTO"]\n'
     "set_pct = { start = 0, stop = 10 }\n", "needs exactly start, stop and num; missing num"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_a_bad_sweep_file_is_one_clear_error(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(sw.SweepError) as exc:
        cge.sweep(tmp_path / "bad.toml", workers=1)
    assert message in str(exc.value) and "\n" not in str(exc.value) and "hint" in str(exc.value)
    out = CliRunner().invoke(main, ["sweep", "bad.toml", "--workers", "1"])
    assert out.exit_code == 2 and out.output.count("\n") == 1 and message in out.output
    assert not (tmp_path / "x").exists()


def test_cli_sweep_summary_and_resume(grid, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["sweep", str(grid), "--workers", "1", "--chunk-size", "6", "--no-progress"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "sweep autos_grid: 12 members on usjpn2024" in out.output
    assert "12 converged, 0 failed" in out.output and "members/s" in out.output
    assert "solved 12 now on serial" in out.output
    assert "wrote autos_grid/sweep.nc, autos_grid/members.csv" in out.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "nothing left to solve: all 12 members were saved" in again.output
    clash = CliRunner().invoke(main, [*args, "--closure", "fixed_exchange_rate"])
    assert clash.exit_code == 2 and "holds a different sweep" in clash.output
    both = CliRunner().invoke(main, [*args, "--scheduler", "tcp://127.0.0.1:1"])
    assert both.exit_code == 2 and "cannot be combined" in both.output
    help_text = CliRunner().invoke(main, ["sweep", "--help"]).output
    assert "Examples:" in help_text and "--scheduler" in help_text


def test_shipped_sweep_files_validate():
    """Every sweep file in scenarios/sweeps parses and its grid is validated against the data."""
    files = sorted((Path(__file__).parent.parent / "scenarios" / "sweeps").glob("*.toml"))
    assert files
    eco = cge.Economy()
    for f in files:
        spec = sw.load_sweep(f)
        members = spec.members()
        assert len(members) == spec.size() > 0
        for member in members:  # every shock names known regions and sectors of traded flows
            member.scenario.tariffs(eco.dataset, eco.base_tariffs())
    grid = next(f for f in files if f.name == "autos_retaliation_grid.toml")
    assert sw.load_sweep(grid).size() == 30  # 6 x 5


@pytest.mark.parametrize("raw, message", [
    ('name = "x"\n'.encode("utf-16"), "the file is UTF-16 (or UTF-32) text, not UTF-8"),
    ('name = "x"\n'.encode("utf-16-le"), "line 1: NUL byte"),
    ('name = "Zürich"\n'.encode("latin-1"), "line 1: byte 0xfc is not UTF-8"),
])
def test_a_sweep_file_that_is_not_utf8_is_one_clear_error(tmp_path, raw, message):
    """load_sweep reads files as load_scenario does: the same clear error for non-UTF-8 text."""
    (tmp_path / "bad.toml").write_bytes(raw)
    with pytest.raises(sw.SweepError, match="save the file as UTF-8") as exc:
        sw.load_sweep(tmp_path / "bad.toml")
    assert message in str(exc.value)


# --- scenarios with instrument shocks, a revenue rule and swaps ------------------------------
# (the scenario: conftest.POLICY)


def _as_run(member: xr.Dataset, solo: cge.Results, tol: float) -> None:
    """A sweep member's numbers are those of cge run's Results: every stored indicator, and the
    EV columns of its summary table."""
    want = solo.indicators(list(sw.VARIABLES))
    for name in sw.VARIABLES:
        got, ref = member[name].values, np.asarray(want[name], dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(ref)), name
        ok = ~np.isnan(ref)
        assert np.max(np.abs(got[ok] - ref[ok]) / np.maximum(1.0, np.abs(ref[ok])), initial=0) <= tol, name
    for r in solo.economy.benchmark.regions:
        assert float(member.ev.sel(region=r)) == pytest.approx(
            solo.summary.at[r, "ev"], rel=tol, abs=tol)


def test_a_scenario_with_instruments_a_revenue_rule_and_swaps_sweeps_as_cge_run_runs_it(tmp_path):
    """A one-member sweep of the scenario gives cge run's numbers (<= 1e-10: the same solve from
    the benchmark); a sweep file over it keeps them at every grid point. Without any one of its
    instrument shock, revenue rule or swap the numbers differ, so each of them is applied."""
    (tmp_path / "policy.toml").write_text(POLICY)
    sc = cge.load_scenario(tmp_path / "policy.toml")
    solo = cge.run(sc)
    assert solo.economy.closure.revenue == "household" and solo.economy.closure.swaps
    res = cge.sweep([sc], workers=1)
    assert res.status.values.tolist() == ["converged"]
    assert "revenue change rebated" in res.attrs["closure"] and res.attrs["revenue"] == "household"
    _as_run(res.isel(member=0), solo, 1e-10)
    for part in ({"instruments": ()}, {"revenue": None}, {"swaps": ()}):
        other = cge.run(dataclasses.replace(sc, **part)).summary["ev"]
        assert np.max(np.abs(other.to_numpy() - res.ev.values[0])) > 100, part
    # a sweep file: the base scenario's instrument, revenue rule and swap in every member
    (tmp_path / "grid.toml").write_text('name = "g"\nbase = "policy.toml"\n[[axis]]\nname = "more"\n'
                                        'importer = "USA"\nexporters = ["JPN"]\nsectors = ["AUTO"]\n'
                                        "add_pct = [0, 10]\n")
    grid = cge.sweep(tmp_path / "grid.toml", workers=1)
    _as_run(grid.sel(member="more=0"), solo, 1e-10)
    more = cge.parse_scenario(POLICY.replace("add_pct = 25", "add_pct = 35"))
    _as_run(grid.sel(member="more=10"), cge.run(more), 1e-8)  # warm-started: the solver's tolerance


def test_members_that_need_different_closures_are_refused_naming_them(tmp_path, monkeypatch):
    """One closure per sweep: a scenario rebating revenue and one that does not are refused
    before anything is solved, naming both; revenue= sets the rule for all, and then each member
    equals cge run with that rule (also the members without a scenario: the base, EV 0)."""
    def no_solve(*args):
        raise AssertionError("a chunk was solved")

    policy = cge.parse_scenario(POLICY)
    plain = _sc("plain", "USA", ("JPN",), ("AUTO",), "add_pct", 25)
    monkeypatch.setattr(sw.job, "solve_chunk", no_solve)
    with pytest.raises(sw.SweepError) as exc:
        cge.sweep([policy, sw.Member("member1"), plain], workers=1)
    assert str(exc.value).startswith(
        "the members need different closures: default (revenue household; swap emp[USA,LAB] for "
        "pf[USA,LAB]) for 'autos_labour'; default for 'plain' (hint: a sweep runs under one "
        "closure")
    hh = dataclasses.replace(plain, name="hh", revenue="household")
    with pytest.raises(sw.SweepError, match="default \\(revenue household\\) for 'hh'; default "
                       "for 'plain'"):
        cge.sweep([hh, plain], workers=1)
    short = dataclasses.replace(plain, name="short", closure="short_run")  # cge run: short_run
    with pytest.raises(sw.SweepError, match="short_run \\(swap emp\\[\\*,LAB\\] for "
                       "pf\\[\\*,LAB\\]\\) for 'short'; default for 'plain'"):
        cge.sweep([short, plain], workers=1)
    monkeypatch.undo()
    res = cge.sweep([hh, plain, sw.Member("member2")], workers=1, revenue="household")
    solo = cge.run(plain, revenue="household")
    _as_run(res.sel(member="plain"), solo, 1e-8)
    assert np.allclose(res.ev.sel(member="member2"), 0, atol=1e-6)
    gov = cge.run(plain).summary["ev"].to_numpy()
    assert np.max(np.abs(res.ev.sel(member="plain").values - gov)) > 10  # the rule matters
    # the CLI: one line, exit code 2, for a sweep file whose scenarios need different closures
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.toml").write_text(POLICY)
    (tmp_path / "b.toml").write_text(POLICY.replace('revenue = "household"\n', "")
                                     .replace('"autos_labour"', '"b"'))
    (tmp_path / "mix.toml").write_text('name = "mix"\nscenarios = ["a.toml", "b.toml"]\n')
    out = CliRunner().invoke(main, ["sweep", "mix.toml", "--workers", "1", "--no-progress"])
    assert out.exit_code == 2 and out.output.count("\n") == 1
    assert "the members need different closures: default (revenue household; swap emp[USA,LAB] " \
        "for pf[USA,LAB]) for 'autos_labour'; default (swap emp[USA,LAB] for pf[USA,LAB]) for " \
        "'b'" in out.output
    assert not (tmp_path / "mix").exists()


def test_resume_detects_a_changed_instrument_value_or_revenue_rule(tmp_path):
    """The members' digests hold the instrument values and the closure: the same sweep resumes
    (nothing solved), a changed [[instrument]] value or revenue rule is refused, naming it."""
    (tmp_path / "policy.toml").write_text(POLICY)
    grid = tmp_path / "grid.toml"
    grid.write_text('name = "g"\nbase = "policy.toml"\n[[axis]]\nimporter = "USA"\n'
                    'exporters = ["JPN"]\nsectors = ["AUTO"]\nadd_pct = [0, 10]\n')
    out = tmp_path / "out"
    first = cge.sweep(grid, workers=1, out=out)
    again = cge.sweep(grid, workers=1, out=out)
    assert again.attrs["solved_now"] == 0 and again.attrs["solved_before"] == 2
    _same(first, again, 0.0)
    (tmp_path / "policy.toml").write_text(POLICY.replace("mul = 1.02", "mul = 1.03"))
    with pytest.raises(sw.SweepError, match=r"holds a different sweep \(members differ from "
                       "member 0 on\\)"):
        cge.sweep(grid, workers=1, out=out)
    (tmp_path / "policy.toml").write_text(POLICY.replace('"household"', '"income_tax"'))
    with pytest.raises(sw.SweepError, match="closure: revenue household there, revenue "
                       "income_tax now; members differ from member 0"):
        cge.sweep(grid, workers=1, out=out)
    # the same tariffs and instruments under another closure are other members
    eco = cge.Economy()
    base = eco.base_tariffs()
    sc = cge.parse_scenario(POLICY)
    def digest(member, closure):
        return sw.members.resolve_members([member], eco.dataset, base, lambda: eco, closure)[0].digest

    assert digest(sw.Member("m", scenario=sc), eco.closure.with_(revenue="household")) != \
        digest(sw.Member("m", scenario=sc), eco.closure.with_(revenue="income_tax"))
    # every closure setting is part of a member: the same tariffs under short_run, or under a
    # changed definition of the default, are other members (results never resume across them)
    tariffs = sw.Member("t", tariffs_pct={("JPN", "USA", "AUTO"): 50})
    with pytest.warns(DeprecationWarning, match="tariffs_pct"):
        fractions = sw.Member("t", tariffs={("JPN", "USA", "AUTO"): 0.5})  # the old way: same member
    assert digest(fractions, None) == digest(tariffs, None)
    assert digest(tariffs, cge.closure.get_closure("short_run")) != digest(tariffs, None) == \
        digest(tariffs, cge.closure.get_closure("default"))
    assert digest(tariffs, None) != digest(tariffs, eco.closure.with_(revenue="household"))


def test_cli_sweep_revenue_option_overrides_the_scenarios(tmp_path, monkeypatch):
    """cge sweep --revenue household: every member as cge run --revenue household gives it."""
    monkeypatch.chdir(tmp_path)
    args = ["sweep", "g.toml", "--workers", "1", "--no-progress", "--revenue", "household"]
    (tmp_path / "g.toml").write_text(
        f'name = "g"\nbase = "{(SCENARIOS / "bilateral" / "us_autos_232.toml").as_posix()}"\n')
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "closure default (revenue household)" in out.output
    res = xr.open_dataset(tmp_path / "g" / "sweep.nc", engine="scipy").load()
    solo = cge.run(SCENARIOS / "bilateral" / "us_autos_232.toml", revenue="household")
    _as_run(res.isel(member=0), solo, 1e-10)
    gov = cge.run(SCENARIOS / "bilateral" / "us_autos_232.toml").summary["ev"].to_numpy()
    assert np.max(np.abs(res.ev.values[0] - gov)) > 10
    manifest = json.loads((tmp_path / "g" / "manifest.json").read_text())
    assert manifest["closure"]["revenue"] == "household"
    clash = CliRunner().invoke(main, args[:-2] + ["--revenue", "income_tax"])
    assert clash.exit_code == 2 and "closure: revenue household there, revenue income_tax now" \
        in clash.output


@pytest.mark.parametrize("damage", ["truncated", "garbled", "empty"])
def test_a_damaged_chunk_is_moved_aside_and_its_members_solved_again(grid, tmp_path,
                                                                      monkeypatch, damage):
    """Issue 15: one truncated, garbled or empty chunk file blocked every resume with a bare
    BadZipFile traceback. Resume now moves it to chunks/damaged/, names it, solves its members
    again, and gives the numbers of the undamaged run."""
    monkeypatch.chdir(tmp_path)
    args = ["sweep", str(grid), "--workers", "1", "--chunk-size", "6", "--no-progress"]
    assert CliRunner().invoke(main, args).exit_code == 0
    first = xr.open_dataset(tmp_path / "autos_grid" / "sweep.nc").load()
    chunk = sorted((tmp_path / "autos_grid" / "chunks").glob("chunk-*.npz"))[0]
    raw = chunk.read_bytes()
    chunk.write_bytes({"truncated": raw[: len(raw) // 2], "garbled": b"x" * len(raw),
                       "empty": b""}[damage])
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "moved 1 damaged chunk file(s) aside" in again.output and chunk.name in again.output
    assert "solved 6 now (6 saved before)" in again.output
    assert (tmp_path / "autos_grid" / "chunks" / "damaged" / chunk.name).is_file()
    second = xr.open_dataset(tmp_path / "autos_grid" / "sweep.nc").load()
    np.testing.assert_array_equal(first.ev.values, second.ev.values)


def _children(pid: int) -> set[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    kids: set[int] = set()
    for f in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids.update(int(k) for k in f.read_text().split())
        except OSError:  # the thread or process ended meanwhile
            pass
    return kids


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a dead process not yet reaped: the
    container's init may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT", "SIGINT to the group"])
def test_sweep_workers_die_with_their_parent(tmp_path, how):
    """Issue 15: killing `cge sweep -j 2` left its worker processes running for 10+ minutes
    (blocked on the pool's queue, whose writing end they inherited). A real sweep (the shipped
    grid, enlarged so that it is still solving when the signal comes) is started as a child
    process; once its two workers exist, the parent gets the signal (SIGINT "to the group" is a
    Ctrl-C in a terminal: the workers get it too). Every worker must be gone within a few
    seconds; SIGINT and SIGTERM are reported as an interruption (exit 130), promptly, without a
    traceback."""
    import signal
    import subprocess
    import sys
    import time

    if how.startswith("SIGINT") and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # pytest runs as a background job of a non-interactive shell: the sweep inherits the
        # ignored SIGINT (POSIX), rightly does not stop on it, and would run to its end
        pytest.skip("SIGINT is ignored in this process, and so in the sweep it starts")
    shipped = (SCENARIOS / "sweeps" / "autos_retaliation_grid.toml").read_text()
    big = shipped.replace("num = 6", "num = 60").replace("num = 5", "num = 50")
    assert big != shipped
    (tmp_path / "big.toml").write_text(big)  # 3,000 members: about a minute on two processes
    proc = subprocess.Popen([sys.executable, "-m", "cge.cli", "sweep", "big.toml", "-j", "2",
                             "--no-progress", "--out", "out"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env=os.environ | {"PYTHONPATH": str(Path(cge.__file__).parents[1])})
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) == 2, proc.communicate(timeout=60)
        time.sleep(1.0)  # the workers are solving their first chunks
        assert proc.poll() is None and all(_running(w) for w in workers)
        t0 = time.monotonic()
        if how == "SIGINT to the group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(getattr(signal, how))
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # stuck: where (cli.console's SIGUSR1 handler)
            proc.send_signal(signal.SIGUSR1)
            time.sleep(2)
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"the sweep had not exited 60 s after {how}; its threads:\n"
                        + err.decode()[-8000:])
        exited = time.monotonic() - t0
        while time.monotonic() < t0 + 10 and any(_running(w) for w in workers):
            time.sleep(0.05)
        assert not [w for w in workers if _running(w)], f"workers still running after {how}"
        if how == "SIGKILL":
            assert proc.returncode == -signal.SIGKILL
        else:
            text = err.decode()
            assert proc.returncode == 130, text
            assert "interrupted; " in text and "run the same command again to resume" in text
            assert "Traceback" not in text and "Exception" not in text, text
            assert exited < 10, f"the sweep took {exited:.1f} s to stop"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in workers if "workers" in locals() else ():
            if _running(w):
                os.kill(w, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_the_worker_watchdog_exits_when_the_parent_dies():
    """The portable fallback of the test above, without prctl: a process running only the
    workers' watchdog thread (and otherwise sleeping for a minute) exits within a second or two
    of its parent's SIGKILL."""
    import signal
    import subprocess
    import sys
    import time

    child = ("import os, sys, threading, time; from cge.sweeps import runner; "
             "threading.Thread(target=runner._watch, args=(os.getppid(),), daemon=True).start(); "
             "print(os.getpid(), flush=True); time.sleep(60)")
    parent = ("import subprocess, sys, time; "
              f"subprocess.Popen([sys.executable, '-c', {child!r}]); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(Path(cge.__file__).parents[1])})
    pid = int(proc.stdout.readline())  # the watchdog runs
    try:
        assert _running(pid)
        proc.kill()
        proc.wait()
        t0 = time.monotonic()
        while time.monotonic() < t0 + 10 and _running(pid):
            time.sleep(0.05)
        assert not _running(pid), "the watchdog did not end its process"
        assert time.monotonic() - t0 < 5 * sw.runner.WATCH_SECONDS + 2
    finally:
        proc.stdout.close()
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


def test_a_sweep_file_names_its_data_set(tmp_path, monkeypatch):
    """The shipped grid says data = "usjpn2024": its members are solved on the three-region set
    (3 regions in the results), although the default data set is world2024 (restored here:
    this module's tests otherwise default to usjpn2024)."""
    monkeypatch.setattr(cge.economy, "DEFAULT_DATA", "world2024")

    from cge.sweeps.spec import load_sweep

    path = Path(__file__).parent.parent / "scenarios" / "sweeps" / "autos_retaliation_grid.toml"
    assert load_sweep(path).data == "usjpn2024"
    text = path.read_text(encoding="utf-8").replace("num = 6", "num = 2").replace("num = 5", "num = 1")
    small = tmp_path / "g.toml"
    small.write_text(text, encoding="utf-8")
    res = cge.sweep(small, workers=1)
    assert res.attrs["data"] == "usjpn2024" and list(res["region"].values) == ["USA", "JPN", "ROW"]


def test_members_start_from_the_nearest_solved_member_or_the_line_through_two():
    """A 3 x 2 grid in row-major order (axis a of three values, then axis b): where an axis
    wraps around, the member one row back is one step away and the previous one three; where
    two solved members and the new one lie on a line, equally spaced, the start is their
    linear extrapolation, in log x for positive values (a² / b) and linear for the others;
    members with other parameter overrides are never used; ties go to the latest."""
    from cge.sweeps.members import Job
    from cge.sweeps.worker import _Starts

    def job(k, a, b, params=()):
        return Job(index=k, rates=(0.1 * a, 0.1 * b), params=params, digest=str(k))

    sol = {(a, b): np.array([1.0 + a + 10 * b, -(a + 1.0) * (b + 2.0)]) for a in range(3)
           for b in range(2)}
    st = _Starts()
    assert st.start(job(0, 0, 0)) is None  # nothing solved yet: the model's values
    st.solved(job(0, 0, 0), sol[0, 0])
    assert np.array_equal(st.start(job(1, 1, 0)), sol[0, 0])
    st.solved(job(1, 1, 0), sol[1, 0])
    a, b = sol[1, 0], sol[0, 0]  # (0,0), (1,0), (2,0) on a line
    assert np.allclose(st.start(job(2, 2, 0)), [a[0] ** 2 / b[0], 2 * a[1] - b[1]], rtol=1e-15)
    st.solved(job(2, 2, 0), sol[2, 0])
    assert np.array_equal(st.start(job(3, 0, 1)), sol[0, 0])  # the wrap: one step back
    st.solved(job(3, 0, 1), sol[0, 1])
    assert st.start(job(4, 1, 1, params=(("tm", ("USA", "JPN", "AUTO"), 0.3),))) is None
    assert np.array_equal(st.start(job(5, 1, 1)), sol[0, 1])  # (0,1) and (1,0) tie: the latest
