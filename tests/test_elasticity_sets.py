"""Elasticity sets (issue 13, item 7): named sets in elasticities.csv, chosen by a run, stated by
every run; the shipped long_run set trade-weighted, the short_run set from Boehm, Levchenko &
Pandalai-Nayar (2023).

Each test has its own reason to be right: a weighted mean computed by hand from the source
file; the table's value read back from the calibrated model; the calibrated share form, which
makes the benchmark a solution for any elasticities; lower elasticities, smaller trade response.
"""

from __future__ import annotations

import csv
import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHIPPED, TWOCGE

import cge
from cge.cli import main
from cge.data import DataError, load_dataset

ROOT = Path(__file__).parent.parent
WORLD = ROOT / "calibration" / "source" / "wiod2011_world_trade_35.csv"
GTAP = ROOT / "calibration" / "inputs" / "gtap_elasticities.csv"
AUTOS = ROOT / "scenarios" / "bilateral" / "us_autos_232.toml"
DEFAULT = ROOT / "data" / "usjpn2024"
GOODS = ("AGR", "ENR", "FOOD", "CHEM", "METL", "MACH", "ELEC", "AUTO", "OMFG")

TWO_SETS = ("set,sector,sigma_va,sigma_d,sigma_m,psi,source\n"
            "long_run,BRD,1,2,2,2,lr\nlong_run,MLK,1,2,2,2,lr\n"
            "short_run,BRD,1,0.5,0.7,2,sr\nshort_run,MLK,1,0.6,0.8,2,sr\n")


def _round(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _shipped(name: str = "usjpn2024"):
    return load_dataset(ROOT / "data" / name)


@pytest.fixture(scope="module")
def economies():
    """The default data's economy under each shipped set (default closure), built once."""
    return {s: cge.Economy(DEFAULT, elasticities=s) for s in ("long_run", "short_run")}


def _twocge(tmp_path: Path, elasticities: str = TWO_SETS, meta_extra: str = 'elasticities = "long_run"\n'
            ) -> Path:
    d = tmp_path / "two"
    shutil.copytree(TWOCGE, d)
    (d / "elasticities.csv").write_text(elasticities, encoding="utf-8")
    meta = (d / "meta.toml").read_text(encoding="utf-8")
    (d / "meta.toml").write_text(meta_extra + meta, encoding="utf-8")
    return d


# --------------------------------------------------------------------------- the shipped sets
def test_enr_long_run_is_the_world_import_weighted_mean_computed_by_hand():
    """ENR = WIOD c2 (coal, oil, gas, other mining) + c8 (refined petroleum). By hand: the mean
    GTAP ESUBM of c2's four sectors, (6.1 + 10.4 + 34.4 + 1.8) / 4 = 13.175, and c8's 4.2,
    weighted by 2011 world imports 1,722,208 and 870,226 (USD million) = 10.16; sigma_va by world
    value added 3,511,659 and 754,136: (0.2 × 3,511,659 + 1.26 × 754,136) / 4,265,795 = 0.39.
    The simple mean over the five GTAP sectors, before, was 11.38."""
    world = {r["industry"]: r for r in csv.DictReader(WORLD.open(encoding="utf-8"))}
    assert (world["c2"]["world_imports"], world["c8"]["world_imports"]) == ("1722208", "870226")
    assert (world["c2"]["world_value_added"], world["c8"]["world_value_added"]) == ("3511659", "754136")
    gtap = {r["gtap_sector"]: r for r in csv.DictReader(GTAP.open(encoding="utf-8"))}
    assert [gtap[g]["esubm"] for g in ("coa", "oil", "gas", "omn", "p_c")] == \
        ["6.10", "10.40", "34.40", "1.80", "4.20"]
    sigma_m = (Decimal("13.175") * 1722208 + Decimal("4.2") * 870226) / (1722208 + 870226)
    sigma_va = (Decimal("0.2") * 3511659 + Decimal("1.26") * 754136) / (3511659 + 754136)
    assert (_round(sigma_m), _round(sigma_va)) == (Decimal("10.16"), Decimal("0.39"))
    el = _shipped().elasticity_sets["long_run"]
    assert el.loc[("USA", "ENR"), "sigma_m"] == 10.16
    assert el.loc[("JPN", "ENR"), "sigma_d"] == 5.08  # the same weights on ESUBD
    assert el.loc[("ROW", "ENR"), "sigma_va"] == 0.39


def test_auto_stays_the_mean_of_mvh_and_otn_within_one_wiod_industry():
    """AUTO is one WIOD industry (c15): no trade data split motor vehicles from other transport
    equipment, so both weigh equally, (5.6 + 8.6) / 2 = 7.1 (docs/data.md §5 says so)."""
    el = _shipped().elasticity_sets["long_run"]
    assert el.loc[("USA", "AUTO"), "sigma_m"] == 7.10
    assert el.loc[("USA", "AUTO"), "sigma_d"] == 3.55


def test_short_run_goods_take_the_cited_estimate_and_keep_the_rest():
    ds = _shipped()
    lr, sr = ds.elasticity_sets["long_run"], ds.elasticity_sets["short_run"]
    for r in ds.regions:
        for i in ds.sectors:
            if i in GOODS:
                assert (sr.loc[(r, i), "sigma_m"], sr.loc[(r, i), "sigma_d"]) == (0.76, 0.38)
                assert "Boehm, Levchenko & Pandalai-Nayar (2023)" in sr.loc[(r, i), "source"]
            else:
                assert sr.loc[(r, i), ["sigma_d", "sigma_m"]].tolist() == \
                    lr.loc[(r, i), ["sigma_d", "sigma_m"]].tolist()
            assert sr.loc[(r, i), "sigma_va"] == lr.loc[(r, i), "sigma_va"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_data_name_long_run_the_default_of_two_sets(path):
    ds = load_dataset(path)
    assert list(ds.elasticity_sets) == ["long_run", "short_run"]
    assert ds.elasticity_set == ds.default_elasticity_set == "long_run"


# --------------------------------------------------------------------------- choosing a set
def test_choosing_a_set_calibrates_exactly_the_tables_values(economies):
    ds = _shipped()
    for name, eco in economies.items():
        table = ds.elasticity_sets[name]
        assert eco.dataset.elasticity_set == name
        for kind in ("sigma_va", "sigma_d", "sigma_m"):
            par = getattr(eco.model, kind)
            for key in par:
                assert par[key].value == table.loc[key, kind], (name, kind, key)
                assert getattr(eco.benchmark, kind)[key] == table.loc[key, kind]
    assert economies["short_run"].model.sigma_m["USA", "AUTO"].value == 0.76
    assert economies["long_run"].model.sigma_m["USA", "AUTO"].value == 7.10


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
@pytest.mark.parametrize("name", ["long_run", "short_run"])
def test_the_benchmark_replicates_under_every_set(path, name):
    """Calibrated share form: the benchmark solves the model for any elasticities."""
    rep = cge.Economy(path, elasticities=name).replication()
    assert rep["max_residual"] <= 1e-10 and rep["max_walras"] <= 1e-10


def test_lower_elasticities_give_a_smaller_trade_response(economies):
    sc = cge.load_scenario(AUTOS)
    vol = {name: cge.run(sc, economy=eco).trade.loc[("JPN", "USA", "AUTO"), "trade_volume_pct"]
           for name, eco in economies.items()}
    assert vol["long_run"] < vol["short_run"] < 0
    assert vol["long_run"] < -60 and vol["short_run"] > -30


def test_scenario_key_and_run_argument_choose_the_set(economies, tmp_path):
    text = AUTOS.read_text(encoding="utf-8").replace('name = "us_autos_232"',
                                                      'name = "us_autos_232"\nelasticities = "short_run"')
    sc = cge.parse_scenario(text, path="sr.toml")
    assert sc.elasticities == "short_run"
    assert cge.run(sc, economy=economies["short_run"]).economy.dataset.elasticity_set == "short_run"
    with pytest.raises(ValueError, match="calibrated with elasticity set 'long_run', not 'short_run'"):
        cge.run(sc, economy=economies["long_run"])
    # the argument overrides the scenario's key
    res = cge.run(sc, economy=economies["long_run"], elasticities="long_run")
    assert res.economy.dataset.elasticity_set == "long_run"


def test_an_unknown_set_is_refused_with_one_line_listing_the_sets():
    with pytest.raises(DataError) as err:
        cge.Economy(DEFAULT, elasticities="medium_run")
    msg = str(err.value)
    assert msg == ("elasticities.csv: no elasticity set 'medium_run' in data set usjpn2024 "
                   "(hint: the sets are long_run, short_run)")
    with pytest.raises(cge.ScenarioError, match="'elasticities' must be a string"):
        cge.parse_scenario('name = "x"\nelasticities = 2\n')


# --------------------------------------------------------------------------- every run says so
def test_describe_report_and_metadata_state_the_set(economies, tmp_path):
    res = cge.run(cge.load_scenario(AUTOS), economy=economies["short_run"])
    assert "elasticities short_run (default: long_run); other sets: long_run" in res.describe()
    out = cge.report.write_outputs(res, tmp_path / "o")
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["elasticities"] == {"set": "short_run", "default": "long_run",
                                    "sets": ["long_run", "short_run"]}
    assert {"data", "closure", "scenario", "solve"} <= set(meta)  # the existing fields stay
    assert "- elasticities: short_run (default: long_run)" in (out / "report.md").read_text()


def test_cli_run_prints_the_set_and_refuses_an_unknown_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["run", str(AUTOS), "--no-write", "--elasticities", "short_run"])
    assert out.exit_code == 0, out.output
    assert "elasticities short_run" in out.output
    out = CliRunner().invoke(main, ["run", str(AUTOS), "--no-write"])
    assert "elasticities long_run (the data's default); other sets: short_run" in out.output
    out = CliRunner().invoke(main, ["run", str(AUTOS), "--no-write", "--elasticities", "x"])
    assert out.exit_code == 2
    assert out.output.strip().splitlines() == [
        "error: elasticities.csv: no elasticity set 'x' in data set usjpn2024 (hint: the sets "
        "are long_run, short_run)"]
    assert not any(tmp_path.iterdir())


def test_cli_compare_and_data_state_the_sets(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = _twocge(tmp_path)
    (tmp_path / "s.toml").write_text('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = '
                                     '["JPN"]\nsectors = ["BRD"]\nadd_pct = 25\n')
    out = CliRunner().invoke(main, ["compare", "s.toml", "--data", str(d), "--elasticities",
                                    "short_run"])
    assert out.exit_code == 0, out.output
    assert any(line.startswith("data twocge ") and "; elasticities short_run; " in line
               for line in out.output.splitlines())
    out = CliRunner().invoke(main, ["data", str(d)])
    assert "elasticity sets: long_run (the data's default); other sets: short_run" in out.output


def test_a_sweep_runs_with_the_chosen_set(tmp_path):
    d = load_dataset(_twocge(tmp_path))
    sc = cge.parse_scenario('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                            'sectors = ["BRD"]\nadd_pct = 25\n')
    res = cge.sweep([sc], data=d, elasticities="short_run", workers=1, progress=False)
    assert res.attrs["elasticities"] == "short_run"
    one = cge.run(sc, data=d, elasticities="short_run")
    ev = float(res["ev"].sel(member="brd", region="USA").values)
    assert ev == pytest.approx(float(one.summary.loc["USA", "ev"]), rel=1e-9, abs=1e-9)
    other = cge.sweep([sc], data=d, workers=1, progress=False)
    assert other.attrs["elasticities"] == "long_run" and other.attrs["data_digest"] != \
        res.attrs["data_digest"]


# --------------------------------------------------------------------------- the format
def test_without_a_set_column_the_file_is_one_set_named_default(twocge):
    assert list(twocge.elasticity_sets) == ["default"]
    assert twocge.elasticity_set == twocge.default_elasticity_set == "default"
    assert twocge.with_elasticities(None) is twocge


def test_meta_may_name_the_single_set(tmp_path):
    d = tmp_path / "two"
    shutil.copytree(TWOCGE, d)
    (d / "meta.toml").write_text('elasticities = "long_run"\n' + (d / "meta.toml").read_text())
    ds = load_dataset(d)
    assert list(ds.elasticity_sets) == ["long_run"] and ds.elasticity_set == "long_run"


def test_two_sets_are_read_and_chosen(tmp_path):
    ds = load_dataset(_twocge(tmp_path))
    assert list(ds.elasticity_sets) == ["long_run", "short_run"]
    assert ds.elasticities.loc[("USA", "BRD"), "sigma_m"] == 2
    sr = ds.with_elasticities("short_run")
    assert sr.elasticities.loc[("USA", "BRD"), "sigma_m"] == 0.7
    assert sr.elasticities.loc[("JPN", "MLK"), "sigma_d"] == 0.6
    assert sr.sam is ds.sam and sr.digest == ds.digest
    eco = cge.Economy(ds, elasticities="short_run")
    assert eco.model.sigma_m["USA", "BRD"].value == 0.7
    assert eco.replication()["max_residual"] <= 1e-10


@pytest.mark.parametrize("text, meta, expect", [
    (TWO_SETS + "short_run,BRD,1,2,2,2,again\n", None,
     r"^elasticities\.csv: line 6, set short_run: \(\*, BRD\) given again \(first on line 4\) "
     r"\(hint: give each sector once \(per region\) in each set\)$"),
    (TWO_SETS.replace("short_run,MLK,1,0.6,0.8,2,sr\n", ""), None,
     r"^elasticities\.csv: set short_run: no elasticities for sector MLK \(region JPN\) \(hint: "),
    (TWO_SETS.replace("short_run,BRD,1,0.5,", "short_run,BRD,1,0,"), None,
     r"^elasticities\.csv: line 4, set short_run: sigma_d = 0\.0 for BRD must be > 0"),
    (TWO_SETS.replace("short_run,BRD", ",BRD"), None,
     r"^elasticities\.csv: line 4: the set is empty \(hint: "),
    (TWO_SETS, 'elasticities = "medium_run"\n',
     r"^meta\.toml: 'elasticities' = 'medium_run' is not a set of elasticities\.csv \(hint: the "
     r"sets are long_run, short_run\)$"),
    (TWO_SETS, "",
     r"^meta\.toml: elasticities\.csv holds the sets long_run, short_run but 'elasticities' names "
     r"no default \(hint: add e\.g\. elasticities = \"long_run\""),
    (TWO_SETS, 'elasticities = ""\n', r"^meta\.toml: 'elasticities' must name an elasticity set"),
])
def test_bad_sets_are_refused_with_one_line_naming_file_line_set_and_value(tmp_path, text, meta,
                                                                             expect):
    d = _twocge(tmp_path, text, 'elasticities = "long_run"\n' if meta is None else meta)
    with pytest.raises(DataError, match=expect) as err:
        load_dataset(d)
    assert "\n" not in str(err.value)
