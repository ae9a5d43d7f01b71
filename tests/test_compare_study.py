"""The library behind ``cge compare`` (cge/compare.py) and ``cge sensitivity``
(cge/sensitivity_study.py): the commands are parse -> one call -> print.

Independent reasons to be right: tests/data/twocge declares JPN -> USA as its headline flow and
one_good declares none; a scenario compared twice gives the numbers of a plain run.
"""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from conftest import ONE_GOOD

import cge
from cge.compare import FlowError, compare_scenarios, parse_flows
from cge.sensitivity_study import DEFAULT_WIDTHS, VaryError, parse_widths

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
    assert any(line.startswith("USA     goods imports from JPN, volume") for line in text)
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
