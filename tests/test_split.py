"""Sector splits (calibration/split.py, GTAP's SplitCom): totals, aggregation, shares, errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibration.common import INPUTS_DIR
from calibration.split import (
    MRIO,
    SplitError,
    aggregate_sectors,
    read_split_spec,
    split_sector,
)

DATA = Path(__file__).resolve().parent / "data"
SPLITS = INPUTS_DIR / "splits"
WIOD_REGIONS = ("USA", "JPN", "DEU", "CHN", "KOR", "ROW")


def small_table() -> MRIO:
    """2 regions x 3 sectors, 2 final uses (HH, INV with one negative cell), 2 value-added
    rows; balanced by construction (value added closes every column)."""
    z = np.array(
        [
            [12.0, 7.0, 3.0, 4.0, 1.0, 0.5],
            [5.0, 30.0, 9.0, 2.0, 6.0, 1.0],
            [2.0, 8.0, 20.0, 0.0, 1.5, 2.5],
            [3.0, 0.0, 1.0, 15.0, 6.0, 4.0],
            [1.0, 4.0, 0.5, 7.0, 25.0, 8.0],
            [0.0, 1.0, 2.0, 3.0, 9.0, 18.0],
        ]
    )
    f = np.array(
        [
            [40.0, 2.0, 6.0, 0.0],
            [35.0, -1.5, 4.0, 0.5],
            [50.0, 3.0, 2.0, 1.0],
            [5.0, 0.0, 30.0, 1.0],
            [3.0, 0.5, 45.0, 2.0],
            [1.0, 0.0, 38.0, -0.5],
        ]
    )
    out = z.sum(axis=1) + f.sum(axis=1)
    va_total = out - z.sum(axis=0)
    assert np.all(va_total > 0)
    v = np.vstack([0.6 * va_total, 0.4 * va_total])
    return MRIO(("A", "B"), ("s1", "s2", "s3"), ("HH", "INV"), ("LAB", "CAP"), z, f, v, out.copy())


def wiod_table() -> MRIO:
    df = pd.read_csv(DATA / "wiod2011_split_fixture.csv", comment="#")
    return MRIO.from_long(df, WIOD_REGIONS, ("c12", "c14", "c15", "OTH"), ("FD", "INV"))


def assert_totals_preserved(before: MRIO, after: MRIO, sector: str, names, rtol=1e-12):
    """Every row and column total of ``before`` equals ``after``'s, the split sector's as the
    sum over its new sectors (relative to the table's size)."""
    back = aggregate_sectors(after, {nm: sector for nm in names})
    scale = np.abs(before.row_totals()).max()
    np.testing.assert_allclose(back.row_totals(), before.row_totals(), rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(back.col_totals(), before.col_totals(), rtol=0, atol=rtol * scale)
    for i, lab in enumerate(before.labels):
        if lab[1] != sector:
            j = after.index(*lab)
            assert after.row_totals()[j] == pytest.approx(before.row_totals()[i], rel=1e-14, abs=1e-12)
            assert after.col_totals()[j] == pytest.approx(before.col_totals()[i], rel=1e-14, abs=1e-12)


# --- small hand-made table -------------------------------------------------------------------


def conflicting_split(table: MRIO):
    """A split whose sales and cost weights conflict with the output shares (GRAS must act)."""
    return split_sector(
        table,
        "s2",
        ["s2a", "s2b"],
        {"A": [0.3, 0.7], "B": {"s2a": 0.55, "s2b": 0.45}},
        sales_shares={("A", "B", "*"): [0.9, 0.1], ("A", "*", "HH"): [0.1, 0.9],
                      ("B", "*", "s2"): [0.5, 0.5]},
        cost_shares={("A", "*", "LAB"): [0.6, 0.4], ("B", "A", "*"): [0.2, 0.8],
                     ("A", "*", "s2a"): [1.0, 0.0]},
    )


def test_split_preserves_every_row_and_column_total():
    table = small_table()
    res = conflicting_split(table)
    assert res.table.sectors == ("s1", "s2a", "s2b", "s3")
    assert_totals_preserved(table, res.table, "s2", ("s2a", "s2b"))
    # The weights conflicted, so GRAS moved something, and the report says what.
    assert any(st.iterations > 0 and st.moved > 0 for st in res.steps)
    assert "GRAS" in res.report() and "->" in res.report()


def test_aggregating_back_gives_the_original_table_cell_by_cell():
    table = small_table()
    back = aggregate_sectors(conflicting_split(table).table, {"s2a": "s2", "s2b": "s2"})
    assert back.sectors == table.sectors
    for name in ("z", "f", "v", "x"):
        np.testing.assert_allclose(getattr(back, name), getattr(table, name), rtol=0, atol=1e-12)


def test_new_sectors_output_equals_their_share_and_signs_are_kept():
    table = small_table()
    res = conflicting_split(table)
    t = res.table
    shares = {"A": (0.3, 0.7), "B": (0.55, 0.45)}
    for reg, (wa, wb) in shares.items():
        i = table.index(reg, "s2")
        for name, w in (("s2a", wa), ("s2b", wb)):
            j = t.index(reg, name)
            assert t.row_totals()[j] == pytest.approx(w * table.row_totals()[i], rel=1e-12)
            assert t.col_totals()[j] == pytest.approx(w * table.col_totals()[i], rel=1e-12)
            assert t.x[j] == pytest.approx(w * table.x[i], rel=1e-15)
    # Non-negative cells stay non-negative; the negative inventory cell (A s2 -> A INV) stays
    # negative in both new rows.
    for name in ("z", "v"):
        assert np.all(getattr(t, name) >= 0)
    inv = t.f[[t.index("A", "s2a"), t.index("A", "s2b")], 1]
    assert np.all(inv < 0) and inv.sum() == pytest.approx(-1.5, rel=1e-13)
    assert np.all(np.delete(t.f, [t.index("A", "s2a"), t.index("A", "s2b"), t.index("B", "s3")], 0) >= 0)


def test_consistent_weights_need_no_balancing():
    table = small_table()
    res = split_sector(table, "s1", ["p", "q", "r"], {"*": [0.2, 0.3, 0.5]})
    assert all(st.iterations == 0 and st.moved == 0 for st in res.steps)
    assert_totals_preserved(table, res.table, "s1", ("p", "q", "r"))
    t = res.table
    # The own-use block is split in both dimensions: cell (p, q) = 0.2 x 0.3 x original.
    own = table.z[table.index("A", "s1"), table.index("A", "s1")]
    assert t.z[t.index("A", "p"), t.index("A", "q")] == pytest.approx(0.2 * 0.3 * own, rel=1e-15)
    assert t.z[t.index("A", "r"), t.index("B", "p")] == pytest.approx(
        0.5 * 0.2 * table.z[table.index("A", "s1"), table.index("B", "s1")], rel=1e-15)


# --- hand-computed 2 x 2 examples --------------------------------------------------------------


def two_by_two(z_aa: float) -> MRIO:
    """One region, sectors A and B, final use HH, one value-added row; balanced."""
    z = np.array([[z_aa, 30.0 - z_aa / 3], [30.0, 40.0]])
    hh = 100.0 - z[0].sum()
    f = np.array([[hh], [30.0]])
    v = np.array([[100.0 - z[:, 0].sum(), 100.0 - z[:, 1].sum()]])
    return MRIO(("R",), ("A", "B"), ("HH",), ("VA",), z, f, v)


def test_hand_computed_split_with_consistent_weights():
    # Z = [[9, 27], [30, 40]], HH = [64, 30], VA = [61, 33]; split A 40/60.
    t = split_sector(two_by_two(9.0), "A", ["A1", "A2"], {"R": [0.4, 0.6]}).table
    # Rows of A: 0.4 and 0.6 of (9, 27 | 64); then the column of A (A1 3.6, A2 5.4, B 30, VA
    # 61) is split 0.4 / 0.6 again.
    expected_z = np.array(
        [
            [0.4 * 3.6, 0.6 * 3.6, 0.4 * 27],
            [0.4 * 5.4, 0.6 * 5.4, 0.6 * 27],
            [0.4 * 30, 0.6 * 30, 40.0],
        ]
    )
    np.testing.assert_allclose(t.z, expected_z, rtol=1e-15, atol=0)
    np.testing.assert_allclose(t.f, [[0.4 * 64], [0.6 * 64], [30.0]], rtol=1e-15)
    np.testing.assert_allclose(t.v, [[0.4 * 61, 0.6 * 61, 33.0]], rtol=1e-15)


def test_hand_computed_split_with_conflicting_sales_weights():
    # A sells 30 to B and 70 to HH (no own use); split 50/50 but HH buys 80% from A1. The
    # split row is a 2 x 2 matrix [[t, 50 - t], [30 - t, 20 + t]] (columns B, HH; rows sum to
    # 50, columns to 30 and 70); RAS keeps the cross-product ratio of the prior [[15, 56],
    # [15, 14]], so t (20 + t) / ((50 - t)(30 - t)) = (15 x 14) / (56 x 15) = 1/4, i.e.
    # 3 t^2 + 160 t - 1500 = 0.
    table = two_by_two(0.0)
    assert table.z[0, 1] == 30.0 and table.f[0, 0] == 70.0
    res = split_sector(table, "A", ["A1", "A2"], {"R": [0.5, 0.5]},
                       sales_shares={("R", "R", "HH"): [0.8, 0.2]})
    t = (-160.0 + math.sqrt(160.0**2 + 4 * 3 * 1500.0)) / 6.0
    out = res.table
    np.testing.assert_allclose(out.z[:2, 2], [t, 30.0 - t], rtol=1e-12)
    np.testing.assert_allclose(out.f[:2, 0], [50.0 - t, 20.0 + t], rtol=1e-12)
    # Costs: the column of A (B 30, VA 70) split 50/50, the own-use cells are zero.
    np.testing.assert_allclose(out.z[:, :2], [[0, 0], [0, 0], [15.0, 15.0]], atol=1e-12)
    np.testing.assert_allclose(out.v[0, :2], [35.0, 35.0], rtol=1e-15)
    sales = res.steps[0]
    assert sales.side == "sales" and sales.iterations > 0
    # |t - 15| + |(50 - t) - 56| + |(30 - t) - 15| + |(20 + t) - 14| = 42 for 6 < t < 15.
    assert sales.moved == pytest.approx(42.0, rel=1e-10)


# --- the real WIOD 2011 table ----------------------------------------------------------------


def test_wiod_2011_c15_split_with_the_shipped_shares_preserves_totals():
    table = wiod_table()
    # Fixture sanity: it is the WIOD 2011 table (US transport equipment output 630,613).
    assert table.x[table.index("USA", "c15")] == 630613.0
    spec = read_split_spec(SPLITS / "c15_transport.csv", regions=WIOD_REGIONS)
    assert spec.new_sectors == ("MVH", "OTN") and not spec.dropped
    res = spec.apply(table)
    assert_totals_preserved(table, res.table, "c15", spec.new_sectors)
    t = res.table
    for reg in WIOD_REGIONS:
        shares = spec.output_shares.get(reg, spec.output_shares["*"])
        i = table.index(reg, "c15")
        for name in spec.new_sectors:
            j = t.index(reg, name)
            assert t.row_totals()[j] == pytest.approx(shares[name] * table.row_totals()[i], rel=1e-11)
            assert t.col_totals()[j] == pytest.approx(shares[name] * table.col_totals()[i], rel=1e-11)
    # The export mixes hold approximately after balancing (RAS moves them a little).
    jpn_mvh = t.z[t.index("JPN", "MVH")][[t.index("USA", s) for s in t.sectors]].sum()
    jpn_all = table.z[table.index("JPN", "c15")][[table.index("USA", s) for s in table.sectors]].sum()
    assert 0.85 < jpn_mvh / jpn_all < 1.0
    back = aggregate_sectors(t, {"MVH": "c15", "OTN": "c15"})
    np.testing.assert_allclose(back.z, table.z, rtol=0, atol=1e-8)
    np.testing.assert_allclose(back.f, table.f, rtol=0, atol=1e-8)


def test_wiod_2011_c12_three_way_split_preserves_totals():
    table = wiod_table()
    spec = read_split_spec(SPLITS / "c12_metals.csv", regions=WIOD_REGIONS)
    res = spec.apply(table)
    assert res.table.sectors == ("IS", "NFM", "FMP", "c14", "c15", "OTH")
    assert_totals_preserved(table, res.table, "c12", spec.new_sectors)
    assert all(st.iterations == 0 for st in res.steps)  # output shares only: nothing to balance


def test_shipped_share_files_have_sources_and_grades():
    for path in sorted(SPLITS.glob("*.csv")):
        spec = read_split_spec(path)
        assert spec.provenance, path.name
        assert {row["grade"] for row in spec.provenance} <= {"official", "secondary", "estimate"}
        for key, shares in spec.output_shares.items():
            assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12), (path.name, key)


def test_long_table_round_trip():
    table = small_table()
    back = MRIO.from_long(table.to_long(), table.regions, table.sectors, table.final, table.va)
    for name in ("z", "f", "v", "x"):
        np.testing.assert_array_equal(getattr(back, name), getattr(table, name))


# --- bad inputs: one clear error naming the item ---------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"output_shares": {"A": [0.5, 0.4], "B": [0.5, 0.5]}},
            r"output shares for A: shares sum to 0\.9, not 1",
        ),
        (
            {"output_shares": {"A": [1.2, -0.2], "B": [0.5, 0.5]}},
            r"output shares for A: negative share \(x=1\.2, y=-0\.2\)",
        ),
        ({"sector": "s9"}, r"unknown sector 's9'"),
        ({"output_shares": {"A": [0.5, 0.5]}}, r"output shares: none for region 'B'"),
        ({"output_shares": {"*": [0.5, 0.5], "C": [0.5, 0.5]}}, r"output shares: unknown region 'C'"),
        ({"output_shares": {"*": [0.5, 0.3, 0.2]}}, r"output shares for A: 3 shares for 2 new sectors"),
        (
            {"output_shares": {"*": {"x": 0.5, "z": 0.5}}},
            r"output shares for A: new sectors \['x', 'z'\] do not match",
        ),
        ({"new_sectors": ["x"]}, r"need at least two new sectors"),
        ({"new_sectors": ["x", "s3"]}, r"new sector name 's3' is already a sector"),
        (
            {"sales_shares": {("A", "B", "s7"): [0.5, 0.5]}},
            r"sales shares \('A', 'B', 's7'\): unknown item 's7'",
        ),
        (
            {"sales_shares": {("A", "B", "HH"): [0.7, 0.7]}},
            r"sales shares \('A', 'B', 'HH'\): shares sum to 1\.4",
        ),
        (
            {"cost_shares": {("Q", "*", "*"): [0.5, 0.5]}},
            r"cost shares \('Q', '\*', '\*'\): unknown region 'Q'",
        ),
    ],
)
def test_bad_inputs_give_one_clear_error(kwargs, message):
    args = {"sector": "s2", "new_sectors": ["x", "y"], "output_shares": {"*": [0.5, 0.5]}}
    args.update(kwargs)
    with pytest.raises(SplitError, match=message):
        split_sector(small_table(), args.pop("sector"), args.pop("new_sectors"), args.pop("output_shares"),
                     **args)


def test_weights_that_cannot_reach_the_output_shares_are_named():
    # y has no output in region A, but A's sales to HH are given to y only.
    with pytest.raises(SplitError, match=r"A sales: A/HH .* only to new sectors with zero output share"):
        split_sector(small_table(), "s2", ["x", "y"], {"A": [1.0, 0.0], "B": [0.5, 0.5]},
                     sales_shares={("A", "A", "HH"): [0.0, 1.0]})


def test_bad_share_file_names_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "source_sector,new_sector,kind,region,partner,item,share,grade,source\n"
        "c15,MVH,output,USA,,,0.6,official,x\n"
        "c15,OTN,output,USA,,,0.4,guess,x\n"
    )
    with pytest.raises(SplitError, match=r"bad\.csv row 3: grade 'guess'"):
        read_split_spec(path)


def test_most_specific_sales_key_wins():
    # (A, B, HH) beats (A, B, *) beats (A, *, *); consistent output shares so no balancing
    # distorts the prior: give all three keys the output shares except where checked.
    table = small_table()
    res = split_sector(
        table, "s2", ["x", "y"], {"*": [0.5, 0.5]},
        sales_shares={("A", "*", "*"): [0.5, 0.5], ("A", "B", "*"): [0.2, 0.8],
                      ("A", "B", "HH"): [0.8, 0.2]},
    )
    t = res.table
    rx, ry = t.index("A", "x"), t.index("A", "y")
    hh_b = t.final_labels.index(("B", "HH"))
    inv_b = t.final_labels.index(("B", "INV"))
    # Before balancing, B's HH gets 0.8/0.2 and B's INV 0.2/0.8; balancing keeps the order.
    assert t.f[rx, hh_b] > t.f[ry, hh_b]
    assert t.f[rx, inv_b] < t.f[ry, inv_b]


def test_share_file_region_filter_drops_and_lists_rows():
    spec = read_split_spec(SPLITS / "c15_transport.csv", regions=("USA", "ROW"))
    assert set(spec.output_shares) == {"USA", "*"}
    assert not spec.sales_shares  # both export mixes name JPN
    assert {row["region"] for row in spec.dropped} == {"JPN", "USA"}
    assert len(spec.dropped) == 6


def test_reads_the_projects_long_table_and_splits_it():
    # The project's own 3-region x 10-sector WIOD 2011 aggregate (calibration/source/), in the
    # same long layout: split AUTO (WIOD c15) with the shipped shares; totals preserved.
    from calibration.common import FINAL_DEMAND, REGIONS, SECTORS, SOURCE_DIR

    df = pd.read_csv(SOURCE_DIR / "wiod2011_3r10s_mrio_long.csv")
    fd = ("hh", "npish", "gov", "gfcf", "inv")
    table = MRIO.from_long(df, REGIONS, SECTORS, fd, ("VA",), value="usd_million")
    assert len(FINAL_DEMAND) == 3 and table.x is not None
    np.testing.assert_allclose(table.col_totals(), table.x, rtol=0, atol=1e-6)
    spec = read_split_spec(SPLITS / "c15_transport.csv", regions=REGIONS)
    res = split_sector(table, "AUTO", spec.new_sectors, spec.output_shares,
                       sales_shares=spec.sales_shares)
    assert_totals_preserved(table, res.table, "AUTO", spec.new_sectors)
    usa = res.table.index("USA", "MVH")
    assert res.table.x[usa] == pytest.approx(0.65 * table.x[table.index("USA", "AUTO")], rel=1e-15)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_new=st.integers(2, 4), conflict=st.booleans())
def test_random_tables_and_weights_keep_every_total(seed, n_new, conflict):
    # Random 3-region x 4-sector tables with some zero cells, random output shares (one may be
    # zero) and, optionally, random sales and cost weights that conflict with them.
    rng = np.random.default_rng(seed)
    r, n, k = 3, 4, 2
    z = rng.gamma(1.0, 10.0, (r * n, r * n)) * (rng.random((r * n, r * n)) > 0.2)
    f = rng.gamma(1.0, 30.0, (r * n, r * k))
    v = rng.gamma(2.0, 20.0, (1, r * n))
    regions, sectors = ("R0", "R1", "R2"), ("a", "b", "c", "d")
    table = MRIO(regions, sectors, ("C", "I"), ("VA",), z, f, v)
    names = [f"n{i}" for i in range(n_new)]
    shares = {}
    for reg in regions:
        w = rng.dirichlet(np.ones(n_new))
        if rng.random() < 0.3:
            w[-1] = 0.0
            w /= w.sum()
        shares[reg] = w
    sales, costs = {}, {}
    if conflict:
        for reg in regions:
            pos = shares[reg] > 0  # weights only where output is positive, else infeasible
            sw, cw = rng.dirichlet(np.ones(pos.sum())), rng.dirichlet(np.ones(pos.sum()))
            sales[(reg, regions[rng.integers(r)], "*")] = _fill(pos, sw)
            costs[(reg, "*", sectors[rng.integers(n)])] = _fill(pos, cw)
    res = split_sector(table, "b", names, shares, sales_shares=sales, cost_shares=costs)
    assert_totals_preserved(table, res.table, "b", names, rtol=1e-10)
    t = res.table
    for reg in regions:
        i = table.index(reg, "b")
        for nm, w in zip(names, shares[reg]):
            j = t.index(reg, nm)
            assert abs(t.row_totals()[j] - w * table.row_totals()[i]) <= 1e-9 * table.row_totals()[i]
            assert abs(t.col_totals()[j] - w * table.col_totals()[i]) <= 1e-9 * table.col_totals()[i]
    assert np.all(t.z >= 0) and np.all(t.f >= 0) and np.all(t.v >= 0)
    assert np.count_nonzero(t.z) >= np.count_nonzero(table.z)  # zeros stay zero, cells split


def _fill(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.size)
    out[mask] = values
    return out


def test_tiny_shares_and_cells_are_split_without_gras_refusing_them():
    # A new sector with a 1e-12 output share and a weight of 1e-13 on one user: GRAS alone
    # would refuse targets below its tolerance; they are split by the weights instead.
    table = small_table()
    res = split_sector(
        table, "s2", ["x", "y"], {"*": [1e-12, 1 - 1e-12]},
        sales_shares={("A", "B", "*"): [0.3, 0.7], ("B", "*", "HH"): [1e-13, 1 - 1e-13]},
    )
    assert_totals_preserved(table, res.table, "s2", ("x", "y"), rtol=1e-12)
    t = res.table
    for reg in ("A", "B"):
        i, j = table.index(reg, "s2"), t.index(reg, "x")
        assert t.row_totals()[j] == pytest.approx(1e-12 * table.row_totals()[i], rel=1e-6, abs=1e-15)
    assert np.all(t.z >= 0) and np.all(t.v >= 0)
