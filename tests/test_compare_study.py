"""The library behind ``cge compare`` (cge/compare.py) and ``cge sensitivity``
(cge/sensitivity_study.py): the commands are parse -> one call -> print.

Independent reasons to be right: tests/data/twocge declares JPN -> USA as its headline flow and
one_good declares none; a scenario compared twice gives the numbers of a plain run.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest
from conftest import ONE_GOOD

import cge
from cge.compare import FlowError, compare_scenarios, parse_flows
from cge.sensitivity_study import DEFAULT_WIDTHS, VaryError, parse_widths

SCENARIOS = Path(__file__).parent.parent / "scenarios"
BRD = ('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\nsectors = ["BRD"]\n'
       'add_pct = 25\n')


def test_flows_default_to_the_data_sets_headline_flows(twocge):
    assert parse_flows((), twocge) == [("JPN", "USA")]
    assert parse_flows(("USA:JPN", "JPN:USA"), twocge) == [("USA", "JPN"), ("JPN", "USA")]
    assert parse_flows((), cge.load_dataset(ONE_GOOD)) == []
    for bad in ("JPN", "JPN:JPN", "JPN:CHN"):
        with pytest.raises(FlowError, match=rf"^'{bad}': expected EXPORTER:IMPORTER with two "
                           r"different regions of JPN, USA$"):
            parse_flows((bad,), twocge)


def test_comparison_of_one_scenario_twice(tmp_path, twocge):
    (tmp_path / "s.toml").write_text(BRD)
    sc = cge.load_scenario(tmp_path / "s.toml")
    seen = []

    def progress(items):
        seen.append([s.name for s in items])
        return nullcontext(items)

    cmp = compare_scenarios([sc, sc], data=twocge, progress=progress)
    assert seen == [["brd", "brd"]] and cmp.failed == 0 and cmp.closures == ["default"]
    assert [oc.name for oc in cmp.outcomes] == ["brd", "brd#2"] and cmp.flows == [("JPN", "USA")]
    text = cmp.describe().splitlines()
    assert text[0] == "data twocge (USD); closure default; elasticities default; solver newton"
    assert text[1] == ""
    usa = text.index(next(line for line in text if line.startswith("USA ")))
    rows = text[usa:text.index("", usa)]  # the USA block: up to the blank line
    assert any(line.lstrip().startswith("goods imports from JPN, volume (USD, change at base "
                                        "prices)") for line in rows)
    assert text[-1].startswith("  brd#2: ok, ") and "max residual" in text[-1]
    meta = cmp.metadata(command=["cge"], wall_seconds=1.5)
    assert list(meta) == ["command", "closures", "elasticities", "solver", "flows", "wall_seconds"]
    assert meta["elasticities"] == ["default"]
    assert meta["flows"] == [["JPN", "USA"]]
    res = cge.run(sc, data=twocge)  # the same numbers as a plain run
    assert cmp.outcomes[0].results.summary.equals(res.summary)


def test_comparison_without_headline_flows_has_no_flow_rows(tmp_path):
    (tmp_path / "g.toml").write_text('name = "g"\n[[shock]]\nimporter = "B"\nexporters = "all"\n'
                                     'sectors = "all"\nadd_pct = 10\n')
    cmp = compare_scenarios([cge.load_scenario(tmp_path / "g.toml")], data=ONE_GOOD)
    assert cmp.flows == [] and "goods imports" not in cmp.describe()


def test_vary_widths_parse_or_name_the_text():
    assert parse_widths(["sigma_m=0.3", " psi =0.1"]) == {"sigma_m": 0.3, "psi": 0.1}
    assert parse_widths([]) == {} and DEFAULT_WIDTHS == {"sigma_d": 0.5, "sigma_m": 0.5}
    with pytest.raises(VaryError, match=r"^'sigma_m': expected KIND=WIDTH, e\.g\. sigma_m=0\.5$"):
        parse_widths(["sigma_m"])


def test_compare_revenue_option_equals_running_each_scenario_with_that_rule(tmp_path, monkeypatch):
    """cge compare --revenue household: each scenario's EV and real GDP are cge run's with revenue
    household, also for a scenario whose file asks for the government rule (the option comes
    first), and not the government rule's. The CSV holds the numbers at full precision."""
    import json

    import pandas as pd
    from click.testing import CliRunner

    from cge.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.toml").write_text(SCENARIOS.joinpath("bilateral", "us_baseline_10.toml").read_text())
    (tmp_path / "b.toml").write_text('revenue = "government"\n' + BRD.replace('"BRD"', '"AUTO"')
                                     .replace('"brd"', '"autos"'))
    out = CliRunner().invoke(main, ["compare", "a.toml", "b.toml", "--revenue", "household",
                                    "--out", "cmp"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    for name, path in (("us_baseline_10", "a.toml"), ("autos", "b.toml")):
        rows = table[table.scenario == name].set_index(["region", "variable", "unit"])["value"]
        for rule in ("household", None):
            summ = cge.run(path, revenue=rule, data="usjpn2024").summary  # a.toml names usjpn2024
            ev = rows.xs("ev", level="variable").loc[summ.index]
            gdp = rows.xs("real_gdp_pct", level="variable").loc[summ.index]
            if rule == "household":
                np.testing.assert_allclose(ev.to_numpy(), summ["ev"], rtol=1e-10)
                np.testing.assert_allclose(gdp.to_numpy(), summ["real_gdp_pct"],
                                           rtol=1e-10, atol=1e-12)
            else:  # the scenario's own rule (or the closure's): other numbers
                assert np.max(np.abs(ev.to_numpy() - summ["ev"].to_numpy())) > 10
    meta = json.loads((tmp_path / "cmp" / "metadata.json").read_text())
    assert meta["command"][meta["command"].index("--revenue") + 1] == "household"


def test_sensitivity_revenue_option_and_a_scenario_with_instruments(tmp_path, monkeypatch):
    """cge sensitivity --subtotals --revenue household of a scenario with an instrument shock:
    the total is cge run's EV with revenue household; the tariff group and the instrument's
    group "other" add up to it; metadata.json records the rule."""
    import json

    import pandas as pd
    from click.testing import CliRunner

    from cge.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text(BRD.replace('"BRD"', '"AUTO"') + '[[instrument]]\n'
                                     'parameter = "endow"\nindex = ["USA", "LAB"]\nmul = 1.02\n')
    out = CliRunner().invoke(main, ["sensitivity", "s.toml", "--subtotals", "--revenue",
                                    "household", "--out", "sens"])
    assert out.exit_code == 0, out.output
    st = pd.read_csv(tmp_path / "sens" / "subtotals_ev.csv", index_col="region")
    ref = cge.run("s.toml", revenue="household").summary["ev"]
    np.testing.assert_allclose(st.loc[ref.index, "total"], ref.to_numpy(), rtol=1e-10)
    assert "other" in st.columns and (st["other"].abs() > 100).any()
    parts = st.drop(columns=["total", "residual"]).sum(axis=1) + st["residual"]
    np.testing.assert_allclose(parts, st["total"], rtol=1e-12)
    gov = cge.run("s.toml").summary["ev"]
    assert np.max(np.abs(gov.to_numpy() - st.loc[ref.index, "total"].to_numpy())) > 10
    meta = json.loads((tmp_path / "sens" / "metadata.json").read_text())
    assert meta["closure"]["revenue"] == "household"
    assert meta["command"][meta["command"].index("--revenue") + 1] == "household"
