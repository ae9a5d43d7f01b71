"""Base-year data pipeline (calibration/): balancing routines, the two shipped data sets, the
2024 targets and byte-for-byte reproducibility. Money values are in USD million."""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calibration import build, checks  # noqa: E402
from calibration.balance import BalancingError, gras, ras  # noqa: E402
from calibration.common import SECTORS, format_dollars  # noqa: E402
from calibration.dataset import read_dataset  # noqa: E402
from calibration.update2024 import round_preserving_sum  # noqa: E402

DATA = ROOT / "data"
DATASETS = ("wiod2011", "usjpn2024")


# ---------------------------------------------------------------- balancing routines


def test_ras_rank_one_prior_has_closed_form():
    """For a rank-one prior the RAS solution is u_i v_j / total."""
    u, v = np.array([6.0, 3.0]), np.array([3.0, 3.0, 3.0])
    res = ras(np.ones((2, 3)), u, v)
    np.testing.assert_allclose(res.matrix, np.outer(u, v) / 9.0, rtol=1e-12)


def test_ras_two_by_two_hand_solution():
    """A = [[1,2],[3,4]], rows [4,6], columns [5,5]. RAS keeps the cross-product ratio
    x11 x22 / (x12 x21) = 4/6; with x11 = a the margins give x12 = 4-a, x21 = 5-a,
    x22 = 1+a, so a(1+a)/((4-a)(5-a)) = 2/3, i.e. a^2 + 21a - 40 = 0."""
    a = (math.sqrt(601.0) - 21.0) / 2.0
    want = np.array([[a, 4 - a], [5 - a, 1 + a]])
    res = ras([[1.0, 2.0], [3.0, 4.0]], [4.0, 6.0], [5.0, 5.0])
    np.testing.assert_allclose(res.matrix, want, rtol=1e-10)
    x = res.matrix
    assert x[0, 0] * x[1, 1] / (x[0, 1] * x[1, 0]) == pytest.approx(4.0 / 6.0, rel=1e-10)


def test_ras_preserves_zeros_and_hits_targets():
    prior = np.array([[5.0, 0.0, 3.0], [0.0, 2.0, 4.0], [1.0, 1.0, 0.0]])
    target = np.array([[6.0, 0.0, 2.0], [0.0, 3.0, 5.0], [2.0, 1.5, 0.0]])
    res = ras(prior, target.sum(axis=1), target.sum(axis=0))
    assert np.all(res.matrix[prior == 0] == 0.0)
    np.testing.assert_allclose(res.matrix.sum(axis=1), target.sum(axis=1), rtol=1e-11)
    np.testing.assert_allclose(res.matrix.sum(axis=0), target.sum(axis=0), rtol=1e-11)
    assert np.all(res.matrix[prior > 0] > 0)


def test_balancing_rejects_impossible_problems():
    with pytest.raises(BalancingError, match="row 1: prior is all zeros"):
        ras([[1.0, 1.0], [0.0, 0.0]], [2.0, 1.0], [1.5, 1.5])
    with pytest.raises(BalancingError, match="column targets sum"):
        ras([[1.0, 1.0], [1.0, 1.0]], [2.0, 2.0], [1.0, 1.0])
    with pytest.raises(BalancingError, match="non-negative"):
        ras([[1.0, -1.0], [1.0, 1.0]], [0.5, 2.0], [1.5, 1.0])


def test_gras_handles_negative_entries_and_keeps_signs():
    """An inventory-like negative cell: GRAS hits the targets, keeps every sign, and the
    solution has the form r_i s_j P_ij - N_ij / (r_i s_j)."""
    prior = np.array([[4.0, 2.0, -1.0], [1.0, 3.0, 2.0], [2.0, 0.0, 5.0]])
    truth = np.array([[5.0, 2.5, -0.5], [1.5, 2.0, 3.0], [2.0, 0.0, 6.0]])
    res = gras(prior, truth.sum(axis=1), truth.sum(axis=0))
    x = res.matrix
    np.testing.assert_allclose(x.sum(axis=1), truth.sum(axis=1), rtol=1e-11)
    np.testing.assert_allclose(x.sum(axis=0), truth.sum(axis=0), rtol=1e-11)
    assert np.array_equal(np.sign(x), np.sign(prior))
    rs = np.outer(res.row_multipliers, res.col_multipliers)
    form = rs * np.clip(prior, 0, None) - np.clip(-prior, 0, None) / rs
    np.testing.assert_allclose(x, form, rtol=1e-12)


def test_gras_equals_ras_without_negatives():
    rng = np.random.default_rng(0)
    prior = rng.uniform(0.5, 2.0, (4, 5))
    truth = prior * rng.uniform(0.8, 1.2, (4, 5))
    a = ras(prior, truth.sum(axis=1), truth.sum(axis=0)).matrix
    b = gras(prior, truth.sum(axis=1), truth.sum(axis=0)).matrix
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_round_preserving_sum_and_exact_formatting():
    parts = round_preserving_sum(np.array([1 / 3, 1 / 3, 1 / 3]) * 100.0, 100.0)
    assert parts.sum() == pytest.approx(100.0, abs=1e-9)
    assert sorted(np.round(parts, 3)) == [33.333, 33.333, 33.334]
    assert format_dollars(7_079_000_000) == "7079"
    assert format_dollars(123_456_000) == "123.456"
    assert format_dollars(-1_500) == "-0.0015"


# ---------------------------------------------------------------- the shipped data sets


@pytest.fixture(scope="module")
def datasets():
    return {name: read_dataset(DATA / name) for name in DATASETS}


@pytest.mark.parametrize("name", DATASETS)
def test_every_sam_balances_and_follows_the_rules(datasets, name):
    results = [*checks.check_balance(datasets[name]), *checks.check_rules(datasets[name])]
    checks.raise_on_failure(results)
    assert len(results) == 6


@pytest.mark.parametrize("name", DATASETS)
def test_trade_is_consistent_across_regions(datasets, name):
    """Exporter SAM = trade.csv = importer SAM; TRF = sum of rate x value; foreign saving."""
    checks.raise_on_failure(checks.check_trade(datasets[name]))
    checks.raise_on_failure(checks.check_gdp_identity(datasets[name]))
    checks.raise_on_failure(checks.check_elasticities(datasets[name]))


def test_2024_targets_within_a_tenth_of_a_percent(datasets):
    """Independent 2024 figures (not read from calibration/inputs): US goods imports from Japan
    148.2 bn USD, of which autos and parts 55.5 bn; US goods exports to Japan 79.7 bn (deficit
    68.5 bn), all from the project's tariff notes / US Census; GDP USA 29.2 tn USD (BEA), Japan
    609 tn yen at 151.4 yen per USD, world 110 tn USD (IMF WEO)."""
    ds = datasets["usjpn2024"]
    got = checks.targets_2024_values(ds)
    want = {
        "US goods imports from JPN": 148_200.0,
        "US AUTO imports from JPN": 55_500.0,
        "US goods exports to JPN": 79_700.0,
        "GDP USA": 29_200_000.0,
        "GDP JPN": 609_000_000.0 / 151.4,
        "GDP world": 110_000_000.0,
    }
    for key, target in want.items():
        assert got[key] == pytest.approx(target, rel=1e-3), key
    deficit = got["US goods imports from JPN"] - got["US goods exports to JPN"]
    assert deficit == pytest.approx(68_500.0, rel=1e-3)
    checks.raise_on_failure(checks.check_targets_2024(ds))


def test_2024_keeps_2011_structure_where_not_targeted(datasets):
    """Non-AUTO goods from Japan keep their 2011 shares; zero-trade cells stay zero."""
    new, old = datasets["usjpn2024"], datasets["wiod2011"]
    others = [s for s in SECTORS if s not in ("AUTO", "SERV")]
    v11 = np.array([old.trade[("JPN", "USA", s)][0] for s in others])
    v24 = np.array([new.trade[("JPN", "USA", s)][0] for s in others])
    np.testing.assert_allclose(v24 / v24.sum(), v11 / v11.sum(), atol=1e-6)
    assert set(new.trade) == set(old.trade)
    for region in new.regions:
        assert set(new.sam[region]) == set(old.sam[region]), region


def test_labour_shares_are_bounded_and_documented(datasets):
    for name in DATASETS:
        ds = datasets[name]
        for region in ds.regions:
            for s in SECTORS:
                lab, cap = ds.sam[region][("LAB", s)], ds.sam[region][("CAP", s)]
                assert 0.2 - 1e-6 <= lab / (lab + cap) <= 0.85 + 1e-6, (name, region, s)


def test_checks_name_the_broken_account(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(DATA / "usjpn2024", folder)
    sam = folder / "sam.csv"
    lines = sam.read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("JPN,AUTO,HOH,"))
    region, row, col, value = lines[k].split(",")
    lines[k] = f"{region},{row},{col},{float(value) + 5.0}"
    sam.write_text("\n".join(lines) + "\n")
    failed = [r for r in checks.check_balance(folder) if not r.passed]
    assert any("region JPN, account AUTO" in r.detail for r in failed)
    assert any("account HOH" in r.detail for r in failed)
    trade = folder / "trade.csv"
    trade.write_text(trade.read_text().replace("JPN,USA,AUTO,55500,", "JPN,USA,AUTO,55501,"))
    failed = [r for r in checks.check_trade(folder) if not r.passed]
    assert failed and "JPN->USA AUTO" in failed[0].detail


# ---------------------------------------------------------------- reproducibility


def test_rebuild_reproduces_committed_files():
    checks.raise_on_failure(checks.check_rebuild(DATA))


def test_check_flag_names_the_differing_file_and_row(tmp_path, capsys):
    for name in build.DATASETS:
        shutil.copytree(DATA / name, tmp_path / name)
    assert build.main(["--check", "--out", str(tmp_path)]) == 0
    path = tmp_path / "wiod2011" / "trade.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",", ";", 1)
    path.write_text("\n".join(lines) + "\n")
    assert build.main(["--check", "--out", str(tmp_path)]) == 1
    assert "wiod2011/trade.csv line 4" in capsys.readouterr().out


def test_pipeline_reads_only_files_kept_in_the_project():
    """The build must never read the shared folder outside the repository: no path to it in
    the code, and every source file it reads lives under calibration/."""
    for py in (ROOT / "calibration").glob("*.py"):
        text = py.read_text()
        assert "shared/" not in text and "/shared" not in text, py.name
    from calibration import wiod
    from calibration.common import SOURCE_DIR

    assert SOURCE_DIR == ROOT / "calibration" / "source"
    for name in (wiod.MRIO_FILE, wiod.TRADE_FILE, wiod.LABOUR_FILE):
        assert (SOURCE_DIR / name).is_file()


def test_model_loader_accepts_both_data_sets():
    data = pytest.importorskip("cge.data")
    if not hasattr(data, "load_dataset"):
        pytest.skip("cge.data.load_dataset not available")
    for name in DATASETS:
        ds = data.load_dataset(DATA / name)
        assert tuple(ds.sectors) == SECTORS


def test_pipeline_reads_the_format_with_the_models_reader(tmp_path):
    """calibration/ has no reader of its own: a malformed file gets cge.data's one-line error,
    and check_format reports what cge.load_dataset would refuse."""
    from cge.data import DataError

    folder = tmp_path / "broken"
    shutil.copytree(DATA / "usjpn2024", folder)
    sam = folder / "sam.csv"
    text = sam.read_text()
    line = next(k for k, row in enumerate(text.splitlines(), start=1) if row.startswith("JPN,AUTO,HOH,"))
    sam.write_text(text.replace("JPN,AUTO,HOH,", "JPN,AUTO,HOH,x", 1))
    with pytest.raises(DataError, match=rf"^sam\.csv: line {line}, column value: 'x\d"):
        read_dataset(folder)
    sam.write_text(text.replace("JPN,AUTO,HOH,", "JPN,AUTO,HOH,1", 1))  # unbalanced, still read
    (fmt,) = checks.check_format(folder)
    assert not fmt.passed and "region JPN: account AUTO does not balance" in fmt.detail
    for name in DATASETS:
        (fmt,) = checks.check_format(DATA / name)
        assert fmt.passed, fmt.detail
