"""Which sectors are goods, and which flows are the headline ones, is data (meta.toml), not code.

Independent reasons to be right: the expected cells are counted by hand from tests/data/twocge
(two regions JPN and USA, sectors BRD and MLK, both traded both ways), and the shipped data sets'
meta.toml files are read as plain TOML, not through cge.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import SHIPPED, TWOCGE

import cge
from cge.scenario import ScenarioError, all_goods

ALL_INTO_USA = ('name = "all_into_usa"\n[[shock]]\nimporter = "USA"\nexporters = "all"\n'
                'sectors = "all"\nadd_pct = 10\n')


def _with_meta(tmp_path: Path, line: str) -> Path:
    d = tmp_path / "d"
    shutil.copytree(TWOCGE, d)
    with open(d / "meta.toml", "a", encoding="utf-8") as fh:
        fh.write(line)
    return d


def _changed(ds: cge.Dataset) -> set[tuple[str, str, str]]:
    sc = cge.parse_scenario(ALL_INTO_USA)
    base = {(x, m, i): t for x, m, i, t in
            ds.trade[["exporter", "importer", "sector", "tariff"]].itertuples(index=False)}
    new = sc.tariffs(ds, base)
    return {k for k in new if new[k] != base[k]}


def test_without_services_every_sector_is_a_good(twocge):
    assert twocge.services == () and twocge.goods == ("BRD", "MLK")
    assert all_goods(twocge) == ["BRD", "MLK"]
    assert _changed(twocge) == {("JPN", "USA", "BRD"), ("JPN", "USA", "MLK")}


def test_sectors_all_covers_exactly_the_sectors_not_declared_services(tmp_path):
    ds = cge.load_dataset(_with_meta(tmp_path, 'services = ["MLK"]\n'))
    assert ds.services == ("MLK",) and ds.goods == ("BRD",)
    assert _changed(ds) == {("JPN", "USA", "BRD")}  # MLK, a service, is untouched


def test_sectors_all_when_every_sector_is_a_service_is_one_clear_error(tmp_path):
    ds = cge.load_dataset(_with_meta(tmp_path, 'services = ["BRD", "MLK"]\n'))
    assert ds.goods == ()
    with pytest.raises(ScenarioError, match=r'shock 1: sectors = "all" means every goods sector, '
                       r"but the data set declares every sector a service") as err:
        _changed(ds)
    assert "\n" not in str(err.value) and "(hint: name the sectors to shock)" in str(err.value)


def test_services_missing_a_declared_sector_is_refused_naming_it(tmp_path):
    d = _with_meta(tmp_path, 'services = ["BRD", "RICE"]\n')
    with pytest.raises(cge.DataError) as err:
        cge.load_dataset(d)
    msg = str(err.value)
    assert msg.startswith("meta.toml: 'services': unknown sector 'RICE'") and "BRD, MLK" in msg
    assert err.value.file == "meta.toml"


def test_headline_flows_are_read_as_pairs(tmp_path, twocge):
    assert twocge.headline_flows == (("JPN", "USA"),)
    d = tmp_path / "d"
    shutil.copytree(TWOCGE, d)
    meta = d / "meta.toml"
    meta.write_text(meta.read_text().replace('headline_flows = [["JPN", "USA"]]',
                                             'headline_flows = [["USA", "JPN"], ["JPN", "USA"]]'))
    assert cge.load_dataset(d).headline_flows == (("USA", "JPN"), ("JPN", "USA"))
    meta.write_text(meta.read_text().replace('headline_flows = [["USA", "JPN"], ["JPN", "USA"]]', ""))
    assert cge.load_dataset(d).headline_flows == ()


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_data_declare_their_services_and_headline_flow(folder):
    raw = tomllib.loads((folder / "meta.toml").read_text(encoding="utf-8"))
    ds = cge.load_dataset(folder)
    # the three-region sets: one service sector SERV (WIOD c17-c35); world2024: utilities and
    # construction (c17-c18), trade and transport (c19-c26), other services (c27-c35)
    services = ["UTIL", "TRD", "OSRV"] if folder.name == "world2024" else ["SERV"]
    assert raw["services"] == services and ds.services == tuple(services)
    assert ds.goods == tuple(s for s in raw["sectors"] if s not in services)
    assert len(ds.goods) == (15 if folder.name == "world2024" else 9)
    assert ds.headline_flows == (("JPN", "USA"),)
