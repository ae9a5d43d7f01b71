"""Bad base data is refused with one clear error naming file, account, sector and values."""

import shutil

import pytest
from conftest import TWOCGE

import cge
from cge.data import DataError


@pytest.fixture
def copy(tmp_path):
    dst = tmp_path / "d"
    shutil.copytree(TWOCGE, dst)
    return dst


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_twocge_loads_and_summarises(twocge):
    s = twocge.summary()
    # hand totals from the published SAM: JPN value added 20+30+15+25 = 90, exports 8+4 = 12
    assert s.loc["JPN", "value_added"] == 90
    assert s.loc["JPN", "exports"] == 12
    assert s.loc["USA", "foreign_saving"] == -12


def test_sam_off_by_one_unit_names_the_account(copy):
    _edit(copy / "sam.csv", "JPN,BRD,HOH,20", "JPN,BRD,HOH,21")
    with pytest.raises(DataError, match=r"region JPN: account BRD does not balance.*gap 1"):
        cge.load_dataset(copy)


def test_inconsistent_bilateral_trade_names_regions_and_sector(copy):
    _edit(copy / "trade.csv", "JPN,USA,MLK,4,", "JPN,USA,MLK,5,")
    with pytest.raises(DataError, match=r"exports of MLK from JPN to USA: trade.csv has 5"):
        cge.load_dataset(copy)


def test_tariff_rates_must_match_revenue(copy):
    _edit(copy / "trade.csv", "JPN,USA,BRD,8,12.5", "JPN,USA,BRD,8,10")
    with pytest.raises(DataError, match=r"region USA: tariff revenue on BRD is 1"):
        cge.load_dataset(copy)


@pytest.mark.parametrize("old,new,pattern", [
    ("JPN,LAB,MLK,25", "JPN,LAB,MLK,abc", r"line \d+, column value: 'abc' is not a finite number"),
    ("JPN,LAB,MLK,25", "JPN,LAB,MLK,nan", r"'nan' is not a finite number"),
    ("JPN,LAB,MLK,25", "JPN,LBR,MLK,25", r"unknown account 'LBR'"),
    ("JPN,MLK,HOH,30", "JPN,HOH,MLK,30", r"cell \(HOH, MLK\) = 30.0 is not a flow"),
])
def test_bad_sam_cells(copy, old, new, pattern):
    _edit(copy / "sam.csv", old, new)
    with pytest.raises(DataError, match=pattern):
        cge.load_dataset(copy)


def test_negative_flow_refused(copy):
    _edit(copy / "sam.csv", "JPN,BRD,BRD,21", "JPN,BRD,BRD,-21")
    with pytest.raises(DataError, match=r"intermediate cell \(BRD, BRD\) is negative"):
        cge.load_dataset(copy)


def test_elasticity_must_be_positive(copy):
    _edit(copy / "elasticities.csv", "BRD,1,2,2,2", "BRD,1,0,2,2")
    with pytest.raises(DataError, match=r"sigma_d = 0.0 for BRD must be > 0"):
        cge.load_dataset(copy)


def test_wrong_delimiter_is_explained(copy):
    text = (copy / "trade.csv").read_text().replace(",", ";")
    (copy / "trade.csv").write_text(text)
    with pytest.raises(DataError, match=r"comma-separated"):
        cge.load_dataset(copy)


def test_unknown_sector_in_trade(copy):
    _edit(copy / "trade.csv", "JPN,USA,BRD", "JPN,USA,RICE")
    with pytest.raises(DataError, match=r"trade.csv: line 2: unknown sector 'RICE'"):
        cge.load_dataset(copy)
