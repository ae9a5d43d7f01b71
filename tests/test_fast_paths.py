"""The start-up fast paths (issue 16, item 1) give exactly what the plain code gives.

Loading the data without pandas' per-cell indexing, the float columns passed through, the SAM
matrices filled from arrays, the model built with the garbage collector paused, the tables
escaped with ``str.translate``: each is checked here against the plain definition it replaces
(a pivot table, the text parse of every number, the character-by-character escape), bit for
bit. Nothing here measures a time (benchmarks/bench_startup.py does).
"""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

from cge import data as D
from cge.economy import DATA_DIR
from cge.report.tables import latex_escape, spreadsheet_safe, to_markdown


@pytest.fixture(scope="module")
def tables() -> D.Tables:
    return D.read_tables(DATA_DIR / "usjpn2024")


@pytest.fixture(scope="module")
def ds() -> D.Dataset:
    return D.load_dataset(DATA_DIR / "usjpn2024")


def test_matrix_is_the_pivot_table_of_the_sam(ds):
    """Each region's SAM matrix equals the pivot table of its cells reindexed to its accounts
    (the definition: rows receive from columns, zeros filled), with the same labels."""
    for r in ds.regions:
        acc = ds.accounts(r)
        sub = ds.sam[ds.sam["region"] == r]
        want = (sub.pivot_table(index="row", columns="col", values="value", aggfunc="sum")
                .reindex(index=acc, columns=acc).fillna(0.0))
        got = ds.matrix(r)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.index.name == "row" and got.columns.name == "col"
        assert list(got.index) == acc == list(got.columns)
        for axis in (0, 1):  # the account totals add in the same order: the same bits
            assert (got.sum(axis=axis).to_numpy().tobytes()
                    == want.sum(axis=axis).to_numpy().tobytes())
        # the cells are the file's: the household's consumption of every sector
        cells = sub[sub["col"] == "HOH"].set_index("row")["value"]
        for i in ds.sectors:
            assert got.loc[i, "HOH"] == cells.get(i, 0.0)


def test_account_totals_add_as_the_pivot_tables_do():
    """On generated data sets (where a partner account's receipts and payments cancel to the
    last bit or not, depending on the order of addition) the row and column totals of every
    SAM are bit for bit those of the pivot table: the balance check decides as before."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from synth import make_dataset

    for seed in range(12):
        ds = make_dataset(3 + seed % 3, 3 + seed % 4, seed=seed)
        for r in ds.regions:
            acc = ds.accounts(r)
            sub = ds.sam[ds.sam["region"] == r]
            want = (sub.pivot_table(index="row", columns="col", values="value", aggfunc="sum")
                    .reindex(index=acc, columns=acc).fillna(0.0))
            for axis in (0, 1):
                assert (ds.matrix(r).sum(axis=axis).to_numpy().tobytes()
                        == want.sum(axis=axis).to_numpy().tobytes()), (seed, r, axis)


def test_float_columns_pass_through_as_the_text_parse_reads_them():
    """A column of floats is kept as it is: the same bits as parsing each float's shortest
    text (Python's repr round-trips exactly), -0.0 and the smallest subnormal included; an
    infinite psi stays infinite, a NaN is refused naming its line as the text parse does."""
    vals = [0.1, -0.0, 1e300, 5e-324, 123456.789, -2.5e-7]
    df = pd.DataFrame({"v": vals})
    fast = D._numbers(df, "v", "x.csv", [2 + k for k in range(len(vals))])
    text = D._numbers(pd.DataFrame({"v": [repr(v) for v in vals]}, dtype=object), "v", "x.csv",
                      [2 + k for k in range(len(vals))])
    assert fast.to_numpy().tobytes() == text.to_numpy().tobytes() == np.array(vals).tobytes()
    psi = D._numbers(pd.DataFrame({"psi": [2.0, np.inf]}), "psi", "e.csv", [2, 3], allow_inf=True)
    assert psi.tolist() == [2.0, np.inf]
    with pytest.raises(D.DataError, match=r"line 3, column v: 'nan' is not a finite number"):
        D._numbers(pd.DataFrame({"v": [1.0, np.nan]}), "v", "x.csv", [2, 3])
    with pytest.raises(D.DataError, match=r"line 2, column v: 'inf' is not a finite number"):
        D._numbers(pd.DataFrame({"v": [np.inf]}), "v", "x.csv", [2])


def test_the_data_set_is_the_same_from_text_and_from_parsed_tables(tables, ds):
    """``build_dataset`` on the files' text cells (every number parsed) and ``load_dataset``
    (the numbers parsed once, then passed through) give the same tables, bit for bit; and
    building leaves the caller's tables and their line numbers as they were."""
    folder = DATA_DIR / "usjpn2024"
    text = {f: D._parse_csv((folder / f).read_bytes(), f, cols, opt) for f, cols, opt in (
        ("sam.csv", ["region", "row", "col", "value"], ()),
        ("trade.csv", ["exporter", "importer", "sector", "value", "tariff_pct"], ()),
        ("elasticities.csv", ["sector", "sigma_va", "sigma_d", "sigma_m", "psi"],
         ["set", "region", "source"]))}
    lines = {f: list(t.attrs["lines"]) for f, t in text.items()}
    from_text = D.build_dataset(tables.meta, text["sam.csv"], text["trade.csv"],
                                text["elasticities.csv"])
    assert {f: t.attrs["lines"] for f, t in text.items()} == lines  # untouched
    assert not pd.api.types.is_float_dtype(text["sam.csv"]["value"])  # still the text cells
    for a, b in ((from_text.sam, ds.sam), (from_text.trade, ds.trade),
                 (from_text.elasticities, ds.elasticities)):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert a.attrs == b.attrs == {}
    assert tables.sam.attrs["lines"][:3] == [2, 3, 4]  # the parsed tables keep their lines


def test_a_bad_cell_is_still_named_by_its_line(tables):
    """The checks that now read arrays name the same line and values: a production subsidy of
    100% of the cost (sam.csv line of the (IDT, sector) cell) and an export above output."""
    sam = tables.sam.copy()
    sam.attrs["lines"] = tables.sam.attrs["lines"]
    r, j = tables.meta["regions"][0], tables.meta["sectors"][0]
    ds = D.build_dataset(tables.meta, tables.sam, tables.trade, tables.elasticities)
    cost = ds.matrix(r).loc[[*ds.sectors, *ds.factors], j].sum()
    at = sam.index[(sam["region"] == r) & (sam["row"] == "IDT") & (sam["col"] == j)]
    if len(at):
        sam.loc[at[0], "value"] = -cost
        line = tables.sam.attrs["lines"][at[0]]
    else:
        sam.loc[len(sam)] = [r, "IDT", j, -cost]
        sam.attrs["lines"] = [*tables.sam.attrs["lines"], len(sam) + 1]
        line = len(sam) + 1
    with pytest.raises(D.DataError, match=rf"line {line}: region '?{r}'?: production tax \(IDT, "
                       rf"'?{j}'?\) = .* is a subsidy of 100%"):
        D.build_dataset(tables.meta, sam, tables.trade, tables.elasticities)


def test_the_model_is_built_without_collections():
    """A build allocates far more objects than a collection's threshold, yet no collection
    runs during it; the collector is enabled after it (and stays off if it was off)."""
    from cge import calibrate, model

    b = calibrate.calibrate(D.load_dataset(DATA_DIR / "usjpn2024"))
    runs = []

    def count(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        model.build_model(b)
        assert len(runs) <= 1 and gc.isenabled()  # at most one, on the way in or out
        model.build_structure(b)  # not paused: the same allocations trigger collections
        assert len(runs) > 10
        gc.disable()
        model.build_model(b)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(count)
    with pytest.raises(RuntimeError), model.collector_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_one_shot_run_turns_the_collector_off_only_in_its_own_process(monkeypatch):
    """`cge run` in a process of its own (the console script) runs without cyclic collection;
    called in a longer-lived process (click's CliRunner, a notebook) it leaves it alone."""
    from cge import cli

    cli._no_collector()
    assert gc.isenabled()
    monkeypatch.setattr(cli, "_ONE_SHOT", True)
    try:
        cli._no_collector()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_latex_and_markdown_escapes():
    """Every LaTeX special character escaped as LaTeX needs it (by hand), other text (accents,
    a dash) untouched; Markdown cells escape the bar and flatten line breaks."""
    assert latex_escape("a&b%c$d#e_f{g}h~i^j\\k é–") == (
        r"a\&b\%c\$d\#e\_f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k é–")
    assert latex_escape(12.5) == "12.5"
    md = to_markdown(pd.DataFrame({"region": ["A|B", "C\r\nD"], "x": [1.0, 2.0]}).set_index(
        ["region"]).assign(y=[3.0, 4.0]).reset_index().set_index(["region", "y"]))
    assert r"A\|B" in md and "C  D" in md


def test_spreadsheet_safe_quotes_formulas_only():
    """Text that a spreadsheet reads as a formula gets a leading quote; other text, other
    objects and numbers are as they were (a column without such text is not rewritten)."""
    long = pd.DataFrame({"region": pd.Series(["=A1", "USA", "-x", None], dtype=object),
                         "name": ["a", "b", "c", "d"], "value": [-1.0, 2.0, 3.0, 4.0]})
    out = spreadsheet_safe(long)
    assert out["region"].tolist()[:3] == ["'=A1", "USA", "'-x"] and pd.isna(out["region"][3])
    assert out["name"].tolist() == ["a", "b", "c", "d"] and out["name"].dtype == long["name"].dtype
    assert out["value"].tolist() == [-1.0, 2.0, 3.0, 4.0]
    assert long["region"].tolist() == ["=A1", "USA", "-x", None]  # the input is kept


@pytest.fixture(scope="module")
def world2024():
    import cge

    return cge.Economy("world2024")


def _tariff_positions(core) -> list[int]:
    """Positions in ``p`` of the tariff rates (``tm``): parameters the stage computes from."""
    return [k for k, o in enumerate(core.param_objects) if o.parent_component().local_name == "tm"]


def _full_stage(core, p) -> np.ndarray:
    """The parameter stage computed from nothing (the definition): no cached entry to start
    from."""
    core.cache.pop(("w", __import__("threading").get_ident()), None)
    return core._w(list(p)).copy()


@pytest.mark.parametrize("moved", [1, 12, 400])
def test_a_parameter_stage_from_the_last_ones_equals_the_whole_stage_bit_for_bit(moved, world2024):
    """When a few parameters move (a shock, a path, a difference quotient, a sweep member),
    only the steps of the parameter stage that depend on them are rerun on the last stage's
    results: every number equals the whole stage's, and so does every residual."""
    import cge

    eco = cge.Economy("world2024")
    core = eco.core
    p0 = np.array(eco.p_base)
    rng = np.random.default_rng(moved)
    p = p0.copy()
    tariffs = _tariff_positions(core)
    at = rng.choice(tariffs, moved, replace=False)
    p[at] += 0.01 + 0.05 * rng.random(moved)  # tariff rates up 1 to 6 points
    want = _full_stage(core, p)
    x = eco.x_base * (1.0 + 1e-3 * rng.standard_normal(core.n))
    r_want = core.residual(x, p.tolist())
    _full_stage(core, p0)  # the cache now holds p0's stage only: p's is made from it
    steps = core.stage_steps(np.flatnonzero(p != p0))
    assert 0 < len(steps) < len(core.program.prepared())  # a part of the stage, not all
    got = core._w(p.tolist())
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(core.residual(x, p.tolist()), r_want, equal_nan=True)
    # back to p0 from p, through a third vector: the cache's entries are not disturbed
    assert np.array_equal(core._w(p0.tolist()), _full_stage(core, p0), equal_nan=True)


def test_parameter_stages_through_a_full_cache_equal_the_whole_stage_bit_for_bit(world2024):
    """More parameter vectors than the cache keeps (``W_CACHE``): an evicted entry's buffer is
    brought to the new parameters in place; each stage still equals the whole stage, and so
    does each residual."""
    from cge.core.compiled import W_CACHE

    eco = world2024
    core = eco.core
    p0 = np.array(eco.p_base)
    tariffs = _tariff_positions(core)
    rng = np.random.default_rng(5)
    at = rng.choice(tariffs, 30, replace=False)
    ps = []
    for _ in range(2 * W_CACHE + 1):
        p = p0.copy()
        p[at] += 0.2 * rng.random(30)
        ps.append(p)
    x = eco.x_base * (1.0 + 1e-3 * rng.standard_normal(core.n))
    want = [(_full_stage(core, p), core.residual(x, p.tolist())) for p in ps]
    _full_stage(core, p0)
    for p, (w, r) in zip(ps, want, strict=True):
        assert np.array_equal(core._w(p.tolist()), w, equal_nan=True)
        assert np.array_equal(core.residual(x, p.tolist()), r, equal_nan=True)


def test_partial_parameter_stages_from_two_threads_equal_the_whole_stage(world2024):
    """Two threads evaluating one core, each with its own parameter vectors whose moved sets
    churn the shared cache of dependent steps: no error, every residual the whole stage's."""
    import threading

    eco = world2024
    core = eco.core
    p0 = np.array(eco.p_base)
    tariffs = _tariff_positions(core)
    rng = np.random.default_rng(11)
    x = eco.x_base * (1.0 + 1e-3 * rng.standard_normal(core.n))
    cases = []
    for _ in range(2 * 12):
        p = p0.copy()
        at = rng.choice(tariffs, int(rng.integers(1, 40)), replace=False)
        p[at] += 0.01 + 0.1 * rng.random(len(at))
        core.cache.pop(("w", threading.get_ident()), None)  # the whole stage: nothing to start from
        cases.append((p.tolist(), core.residual(x, p.tolist()).copy()))
    errors: list = []

    def work(part):
        try:
            core.cache.pop(("w", threading.get_ident()), None)
            for _ in range(3):
                for p, want in part:
                    if not np.array_equal(core.residual(x, p), want, equal_nan=True):
                        errors.append("residual differs")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(cases[k::2],)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
