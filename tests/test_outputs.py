"""Run outputs (cge.report): files, round trips of CSV/LaTeX/Markdown, metadata, atomic writes."""

import hashlib
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from conftest import SHIPPED, TWOCGE

import cge
from cge import report
from cge.solver import SolveInfo

SCENARIO = Path(__file__).parent.parent / "scenarios" / "bilateral" / "us_autos_232.toml"
DEFAULT = next((p for p in SHIPPED if p.name == "usjpn2024"), TWOCGE)
HAS_PARQUET = report.has_parquet()


@pytest.fixture(scope="session")
def economy():
    return cge.Economy(DEFAULT)


@pytest.fixture(scope="session")
def res(economy):
    if DEFAULT is TWOCGE:  # pragma: no cover - the shipped data are part of the repository
        sc = cge.parse_scenario('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                                'sectors = ["BRD"]\nadd_pct = 25\n')
        return cge.run(sc, economy=economy)
    return cge.run(SCENARIO, economy=economy)


@pytest.fixture(scope="session")
def run_dir(res, tmp_path_factory):
    """One complete output folder (with figures), shared by the tests that read it."""
    parent = tmp_path_factory.mktemp("outputs")
    return report.write_outputs(res, parent / "run", wall_seconds=1.5, command=["cge", "run", "x"])


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_run_writes_the_expected_files(run_dir, res):
    names = list(res.tables())
    want = {"metadata.json", "report.md", "scenario.toml"}
    want |= {f"{n}.csv" for n in names} | {f"tables/{n}.{x}" for n in names for x in ("tex", "md")}
    want |= {f"figures/{f}.{x}" for f in ("ev_by_region", "trade_by_sector", "output_by_sector",
                                                 "trade_diversion")
             for x in ("png", "svg")}
    if HAS_PARQUET:
        want |= {f"{n}.parquet" for n in names}
    assert _files(run_dir) == want
    assert [p.name for p in run_dir.parent.iterdir()] == ["run"]  # no temporary folder left
    for png in run_dir.glob("figures/*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for svg in run_dir.glob("figures/*.svg"):
        ElementTree.parse(svg)
    assert (run_dir / "scenario.toml").read_bytes() == SCENARIO.read_bytes()
    md = (run_dir / "report.md").read_text()
    assert md.startswith(f"# {res.name}") and "![EV by region](figures/ev_by_region.png)" in md


def test_figure_files_keep_text_as_text_and_the_same_layout(run_dir, res):
    """save_figure keeps SVG text as <text> (svg.fonttype "none"): the region names of the EV
    figure are in its SVG as text; it lays the figure out once, with the constrained layout
    (the axes' boxes, in figure fractions, are the ones a fresh draw finds), and gives the
    figure its layout engine back."""
    from cge.report import plots

    svg = ElementTree.parse(run_dir / "figures" / "ev_by_region.svg")
    texts = {"".join(t.itertext()).strip() for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert len(res.welfare.index) >= 3 and set(res.welfare.index) <= texts
    fig = plots.figures(res)["ev_by_region"]
    fig.draw_without_rendering()
    want = [ax.get_position().bounds for ax in fig.axes]
    fig2 = plots.figures(res)["ev_by_region"]
    plots.save_figure(fig2, run_dir.parent / "again")
    assert fig2.get_layout_engine() is not None  # restored
    assert np.allclose([ax.get_position().bounds for ax in fig2.axes], want, atol=1e-12)


def test_report_is_one_page_with_the_tables_linked(run_dir, res):
    """report.md: headline (world EV = the sum of the regions'), the largest gain and loss,
    what moved most, the assumptions; every table linked in three formats (files that exist),
    none pasted: the only table is EV by region, one row per region."""
    md = (run_dir / "report.md").read_text()
    lines = md.splitlines()
    assert len(lines) <= 90
    for head in ("## Headline", "## What moved most", "## Assumptions", "## Tables and figures"):
        assert head in lines
    ev = res.summary["ev"]
    world = report.format_number(ev.sum(), 0).replace("-", "\u2212")  # |EV| > 1000: 0 decimals
    assert f"- World EV {world} {res.unit}" in md or f"- World EV +{world} {res.unit}" in md
    assert f"- Largest loss: {ev.idxmin()}, " in md and f"- Largest gain: {ev.idxmax()}, " in md
    assert sum(line.startswith("|") for line in lines) == len(ev) + 2
    for name in res.tables():
        for link in (f"tables/{name}.md", f"tables/{name}.tex", f"{name}.csv"):
            assert f"]({link})" in md and (run_dir / link).is_file()
    for a in res.assumptions():
        assert f"- {a}" in lines


def test_tidy_csv_parses_back_to_the_same_numbers(run_dir, res):
    for name, table in res.tables().items():
        back = pd.read_csv(run_dir / f"{name}.csv", converters={"value": float},
                           keep_default_na=False)
        assert list(back.columns) == [*table.index.names, "variable", "label", "unit", "value"]
        assert len(back) == table.size  # one value per row
        meta = {c: (label, unit) for c, label, unit in res.schema(name).itertuples(index=False)}
        for row in back.itertuples(index=False):
            key = tuple(row[:table.index.nlevels])
            assert (row.label, row.unit) == meta[row.variable]
            assert table.loc[key if len(key) > 1 else key[0], row.variable] == row.value  # exact
        if HAS_PARQUET:
            pd.testing.assert_frame_equal(pd.read_parquet(run_dir / f"{name}.parquet"), back)


def _latex_rows(text: str) -> list[list[str]]:
    """Body rows of a booktabs tabular or longtable, cells unescaped (braces dropped)."""
    if "\\begin{longtable}" in text:
        body = text.split("\\endlastfoot\n")[1].split("\\end{longtable}")[0]
    else:
        body = text.split("\\midrule\n")[1].split("\\bottomrule")[0]
    rows = []
    for line in body.strip().splitlines():
        cells = line.rstrip().removesuffix("\\\\").split(" & ")
        rows.append([c.strip().strip("{}").replace("\\%", "%").replace("\\_", "_")
                     .replace("\\&", "&") for c in cells])
    return rows


def _number(cell: str) -> tuple[float, float]:
    """A formatted number and half a unit of its last decimal (the precision it was given at)."""
    decimals = len(cell.split(".")[1]) if "." in cell else 0
    return float(cell.replace(",", "")), 0.5 * 10.0 ** -decimals


def test_latex_tables_parse_back_to_the_numbers(run_dir, res):
    summ = res.summary
    rows = _latex_rows((run_dir / "tables" / "summary.tex").read_text())
    assert len(rows) == summ.shape[1]  # transposed: one row per variable
    text = (run_dir / "tables" / "summary.tex").read_text()
    assert "\\toprule" in text and "variable & unit & " + " & ".join(f"{{{r}}}" for r in summ.index) \
        in text
    code = {(label, unit): c for c, label, unit in res.schema().itertuples(index=False)}
    for variable, unit, *cells in rows:
        col = code[variable, unit]
        for region, cell in zip(summ.index, cells):
            value, tol = _number(cell)
            assert abs(value - summ.at[region, col]) <= tol * (1 + 1e-9), (col, region, cell)
    trade = res.trade
    rows = _latex_rows((run_dir / "tables" / "trade.tex").read_text())
    assert len(rows) == len(trade)
    for exporter, importer, sector, *cells in rows:
        for col, cell in zip(trade.columns, cells):
            value, tol = _number(cell)
            assert abs(value - trade.at[(exporter, importer, sector), col]) <= tol * (1 + 1e-9)


def test_latex_tables_are_floats_ready_for_input(run_dir, res):
    """Every table has its caption, label and notes (data, unit, closure); a long one is a
    longtable (it breaks across pages, the header repeated); numbers are in siunitx S columns
    whose table-format holds every cell (integer digits and decimals: decimal alignment)."""
    for name, table in res.tables().items():
        text = (run_dir / "tables" / f"{name}.tex").read_text()
        if len(table) > report.tables.LONG_ROWS:  # in a group: footnotesize, narrow gaps
            assert text.startswith("{\\footnotesize\\setlength{\\tabcolsep}{3pt}\n\\begin{longtable}")
            assert text.endswith("\\end{longtable}\n}\n")
        else:  # a float, never wider than the line
            assert text.startswith("\\begin{table}") and text.endswith("\\end{table}\n")
            assert "\\begin{adjustbox}{max width=\\linewidth}\n\\begin{tabular}" in text
        for part in ("\\caption{", f"\\label{{tab:us-autos-232:{name}}}", res.economy.dataset.name,
                     f"values in {res.unit}", f"Closure: {res.economy.closure.name}"):
            assert part in text, (name, part)
        assert text.count("\\begin{") == text.count("\\end{")
        spec = re.search(r"\\begin\{(?:tabular|longtable)\}\{(.*)\}\n", text).group(1)
        formats = re.findall(r"S\[table-format=(-?)(\d+)\.(\d+)\]|l", spec)
        rows = _latex_rows(text)
        assert len(rows) == (table.shape[1] if table.index.nlevels == 1 else len(table))
        for k, (sign, ints, decs) in enumerate(formats):
            if not ints:
                continue  # a text column
            cells = [row[k] for row in rows if row[k] not in ("", "failed")]
            assert all(float(c) == float(c) for c in cells)  # plain numbers, no commas
            assert max(len(c.lstrip("-").split(".")[0]) for c in cells) == int(ints)
            assert max(len(c.partition(".")[2]) for c in cells) == int(decs)
            assert bool(sign) == any(c.startswith("-") for c in cells)
    assert len(res.trade) > report.tables.LONG_ROWS  # so the loop met a longtable


def test_markdown_table_parses_back_to_the_numbers(run_dir, res):
    sectors = res.sectors
    lines = (run_dir / "tables" / "sectors.md").read_text().strip().splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["region", "sector", *[f"{label} ({unit})" for _, label, unit
                                            in res.schema("sectors").itertuples(index=False)]]
    assert len(lines) == 2 + len(sectors)
    for line in lines[2:]:
        region, sector, *cells = [c.strip() for c in line.strip("|").split("|")]
        for col, cell in zip(sectors.columns, cells):
            value, tol = _number(cell)
            assert abs(value - sectors.at[(region, sector), col]) <= tol * (1 + 1e-9)


def test_metadata_has_digests_residuals_and_versions(run_dir, res):
    meta = json.loads((run_dir / "metadata.json").read_text())
    assert meta["generator"] == "cge" and meta["cge_version"] == cge.__version__
    assert meta["data"]["name"] == res.economy.dataset.name
    assert meta["data"]["digest"] == res.economy.dataset.digest and len(meta["data"]["digest"]) == 64
    assert meta["scenario"]["digest"] == res.scenario.digest == hashlib.sha256(
        SCENARIO.read_bytes()).hexdigest()
    assert meta["scenario"]["name"] == res.name and meta["scenario"]["path"] == res.scenario.path
    assert meta["closure"]["name"] == "default"
    solve = meta["solve"]
    assert solve["converged"] and solve["max_residual"] == res.info.max_residual <= 1e-9
    assert solve["max_walras_residual"] == res.info.max_walras
    assert solve["iterations"] == res.info.iterations and solve["solver"] == "newton"
    assert meta["wall_seconds"] == 1.5 and meta["command"] == ["cge", "run", "x"]
    assert {"python", "pyomo", "cyipopt", "pandas"} <= set(meta["versions"])
    assert meta["versions"]["pyomo"] is not None
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", meta["timestamp"])
    assert set(meta["files"]) == _files(run_dir)


def test_results_convenience_methods(res, tmp_path):
    assert list(res.tables()) == ["summary", "world", "welfare", "trade", "sectors", "welfare_detail",
                                  "diversion"]
    tex = res.to_latex()
    assert tex.startswith("\\begin{tabular}") and "\\bottomrule" in tex
    assert res.to_markdown("trade").startswith("| exporter")
    with pytest.raises(KeyError, match="no table 'nope'"):
        res.to_latex("nope")
    paths = res.to_csv(tmp_path / "csv")
    assert sorted(p.name for p in paths) == ["diversion.csv", "sectors.csv", "summary.csv",
                                             "trade.csv", "welfare.csv", "welfare_detail.csv",
                                             "world.csv"]
    long = res.tidy("summary")
    assert list(long.columns) == ["region", "variable", "label", "unit", "value"]
    ev = long[long.variable == "ev"].set_index("region")
    assert (ev["value"] == res.summary["ev"]).all()
    assert set(ev["label"]) == {"EV"} and set(ev["unit"]) == {res.unit}
    pct = long[long.variable == "ev_pct_income"]
    assert set(pct["label"]) == {"EV"} and set(pct["unit"]) == {"% of base income"}


def test_results_are_snapshots(economy, res):
    """Results of a reused Economy keep their numbers after the next solve."""
    before = res.summary.copy()
    other = cge.run(cge.parse_scenario(
        'name = "all10"\n[[shock]]\nimporter = "USA"\nexporters = "all"\nsectors = "all"\n'
        'add_pct = 10\n'), economy=economy)
    assert not other.summary.equals(before)
    pd.testing.assert_frame_equal(res.summary, before)


def test_split_unit_and_tidy():
    assert report.split_unit("EV (USD million)") == ("EV", "USD million")
    assert report.split_unit("tariff revenue, new (USD, local currency)") == (
        "tariff revenue, new", "USD, local currency")
    assert report.split_unit("utility") == ("utility", "")
    t = pd.DataFrame({"a (%)": [1.0, 2.0], "b": [3.0, 4.0]}, index=pd.Index(["x", "y"], name="r"))
    long = report.tidy(t)
    assert long.values.tolist() == [["x", "a", "a", "%", 1.0], ["x", "b", "b", "", 3.0],
                                     ["y", "a", "a", "%", 2.0], ["y", "b", "b", "", 4.0]]
    labelled = t.assign(group=["g1", "g2"])  # a text column is a label, not a value
    assert report.tidy(labelled).columns.tolist() == ["r", "group", "variable", "label", "unit",
                                                      "value"]
    assert report.publication(labelled).flat_header() == ["r", "group", "a (%)", "b"]
    assert report.format_number(-0.00001, 3) == "0.000"
    assert report.format_number(-12345.678, 1) == "-12,345.7"
    assert report.format_number(float("nan"), 2, "failed") == "failed"


def test_default_folder_names_are_safe(tmp_path):
    assert report.default_dir("us_autos_232", tmp_path) == tmp_path / "us_autos_232"
    assert report.default_dir("../../evil name", tmp_path) == tmp_path / "evil_name"
    assert report.default_dir("Café/日本 v1.2", tmp_path) == tmp_path / "Café_日本_v1.2"
    assert report.default_dir("..", tmp_path) == tmp_path / "run"


def _siblings(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir()) if parent.exists() else []


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_interrupted_write_leaves_nothing(res, tmp_path, monkeypatch, error):
    def boom(_res):
        raise error("Ctrl-C while drawing")

    monkeypatch.setattr(report.plots, "_fig_output_by_sector", boom)
    out = tmp_path / "new" / "deeper" / "run"
    with pytest.raises(error):
        report.write_outputs(res, out)
    assert _siblings(tmp_path) == []  # neither the folder, its temp sibling, nor new parents


def test_existing_folder_is_not_clobbered(res, tmp_path, monkeypatch):
    monkeypatch.setattr(report.run, "figures", lambda _res: {})
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    with pytest.raises(report.OutputError, match="already exists.*--out DIR.*--force"):
        report.write_outputs(res, mine)
    with pytest.raises(report.OutputError, match="not a folder written by cge"):
        report.write_outputs(res, mine, overwrite=True)
    assert _files(mine) == {"notes.txt"}
    out = res.write(tmp_path / "run")
    (out / "extra.txt").write_text("from before")
    assert res.write(tmp_path / "run", overwrite=True) == out  # an earlier cge output: replaced
    assert "extra.txt" not in _files(out)
    assert _siblings(tmp_path) == ["mine", "run"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "metadata.json" in _files(res.write(empty))  # an empty folder is used as it is


def test_unconverged_results_are_never_written(res, tmp_path):
    bad = cge.Results(res.economy, res.scenario, SolveInfo("newton", False, 100, 0.5))
    with pytest.raises(report.OutputError, match="did not converge"):
        report.write_outputs(bad, tmp_path / "run")
    assert _siblings(tmp_path) == []


def test_comparison_tables(res):
    ok = report.Outcome("a", res)
    failed = report.Outcome("b", None, error="the model did not solve")
    long = report.comparison([ok, failed], [("JPN", "USA")])
    assert set(long["scenario"]) == {"a"}
    wide = report.comparison_wide(long, [ok, failed])
    assert list(wide.columns) == ["a", "b"] and wide["b"].isna().all()
    ev = wide.loc[("USA", "EV", res.unit), "a"]
    assert ev == res.summary.at["USA", "ev"]
    goods = [s for s in res.economy.dataset.sectors if s != "SERV"]
    tr = res.trade.loc[[("JPN", "USA", s) for s in goods if ("JPN", "USA", s) in res.trade.index]]
    pct = 100 * (tr["trade_volume"].sum()
                 / tr["trade_base_value"].sum() - 1)
    assert np.isclose(wide.loc[("USA", "goods imports from JPN, volume", "% change"), "a"], pct,
                      rtol=1e-12)
    text = report.to_text(report.publication(wide, na_rep="failed"))
    assert "failed" in text and "goods imports from JPN" in text


def test_compare_terminal_table_fits_100_columns(res):
    """The shipped scenarios (scenarios/*.toml) side by side, with one failed and both
    directions of the headline flow: no line is longer than 100 characters; every scenario is
    there (in blocks of columns when they do not fit side by side), each with every row."""
    names = sorted(p.stem for p in (SCENARIO.parent.parent).glob("*.toml"))
    assert len(names) >= 10
    outcomes = [report.Outcome(n, res) for n in names] + [report.Outcome("broken", None, "x")]
    wide = report.comparison_wide(report.comparison(outcomes, [("JPN", "USA"), ("USA", "JPN")]),
                                  outcomes)
    text = report.terminal_table(wide, 100)
    lines = text.splitlines()
    assert max(map(len, lines)) <= 100
    blocks = sum(line.lstrip().startswith("region") for line in lines)
    assert 2 <= blocks <= len(outcomes)  # 12 columns of numbers cannot fit in one block
    ev = report.format_number(res.summary.at["USA", "ev"], 0)  # EV in USD million: 0 decimals
    usa = [line for line in lines if line.startswith("USA ")]
    assert len(usa) == blocks  # the region is named once per block, on its first row
    assert sum(line.split().count(ev) for line in usa) == len(names)
    assert sum(line.split().count("failed") for line in lines) == len(wide)
    assert max(map(len, report.terminal_table(wide, 250).splitlines())) > 100  # uses the room
    assert sum(line.lstrip().startswith("region") for line in
               report.terminal_table(wide, 250).splitlines()) < blocks


def test_scenario_with_a_byte_order_mark_is_copied_byte_for_byte(tmp_path, monkeypatch):
    """The scenario digest is the SHA-256 of the file's bytes (BOM included), so the run folder
    gets an exact copy; a scenario parsed from text keeps the digest of its text."""
    import hashlib

    monkeypatch.setattr(report.run, "figures", lambda _res: {})
    text = ('name = "brd"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\nsectors = ["BRD"]\n'
            'add_pct = 25\n')
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    sc = cge.load_scenario(path)
    assert sc.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert cge.parse_scenario(text).digest == hashlib.sha256(text.encode()).hexdigest()
    out = cge.run(sc, data=TWOCGE).write(tmp_path / "run")
    assert (out / "scenario.toml").read_bytes() == path.read_bytes()
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["scenario"]["digest"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "scenario.toml" in meta["files"]


def test_describe_and_report_show_continuation_steps(res):
    """docs/reliability.md: after a continuation solve the solve line says (continuation: N steps)."""
    import copy
    import dataclasses

    line = next(s for s in res.describe().splitlines() if s.startswith("solve"))
    assert "continuation" not in line  # a direct solve
    cont = copy.copy(res)
    cont.info = dataclasses.replace(res.info, steps=13, warnings=[])
    line = next(s for s in cont.describe().splitlines() if s.startswith("solve"))
    assert "(continuation: 13 steps)" in line
    assert "(continuation: 13 steps)" in report.run._report_md(cont, [])


def test_sigterm_while_writing_leaves_nothing(tmp_path):
    """Issue 15: SIGTERM left the temporary folder that only SIGKILL should be able to leave. A
    real `cge run` is sent SIGTERM as soon as its temporary output folder appears: it exits as
    interrupted (130) and leaves neither the output nor the temporary folder."""
    import signal
    import subprocess
    import sys
    import time

    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "bilateral" / "us_autos_232.toml"
    proc = subprocess.Popen([sys.executable, "-m", "cge.cli", "run", str(scenario), "--out",
                             str(tmp_path / "out")], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(".out.tmp-") for p in tmp_path.iterdir()):
            proc.send_signal(signal.SIGTERM)
            break
        time.sleep(0.005)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted; nothing written" in err
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_the_earlier_output_in_one_atomic_step(tmp_path):
    """--force: the new output replaces the earlier one by an atomic exchange of the two
    folders (Linux), so a hard kill at any moment leaves one of them at the target."""
    from cge.report import folders

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "new.txt").write_text("new")
    (tmp_path / "b" / "old.txt").write_text("old")
    if not folders.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("no atomic exchange of folders on this system")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["new.txt"]
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["old.txt"]


def test_an_output_folder_that_cannot_be_created_is_one_line_naming_it(tmp_path):
    """A folder the system refuses (sysfs refuses mkdir even to root): one line naming the
    folder asked for and the reason, not the errno text of the temporary sibling."""
    probe = Path("/sys/kernel/cge-probe")
    try:
        probe.mkdir()
    except OSError:
        pass
    else:  # pragma: no cover - a system that lets us write there
        probe.rmdir()
        pytest.skip("/sys/kernel is writable here")
    from click.testing import CliRunner

    from cge.cli import main

    sc = tmp_path / "s.toml"
    sc.write_text('name = "s"\ndata = "usjpn2024"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                  'sectors = ["AUTO"]\nadd_pct = 25\n', encoding="utf-8")
    out = CliRunner().invoke(main, ["run", str(sc), "--out", "/sys/kernel/cge-out"])
    assert out.exit_code == 2
    last = out.output.strip().splitlines()[-1]
    assert last.startswith("error: cannot write the output folder /sys/kernel/cge-out: ")
    assert "Errno" not in last and ".tmp-" not in last and "hint: choose a folder" in last


@pytest.fixture
def full_disk(tmp_path):
    """A real, tiny filesystem (tmpfs of 24 kB) that fills up: needs root and mount rights."""
    import subprocess

    mnt = tmp_path / "full"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


def test_a_full_disk_is_one_line_naming_the_folder_and_nothing_is_left(tmp_path, full_disk):
    from click.testing import CliRunner

    from cge.cli import main

    sc = tmp_path / "s.toml"
    sc.write_text('name = "s"\ndata = "usjpn2024"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                  'sectors = ["AUTO"]\nadd_pct = 25\n', encoding="utf-8")
    out = CliRunner().invoke(main, ["run", str(sc), "--out", str(full_disk / "run")])
    assert out.exit_code == 2
    last = out.output.strip().splitlines()[-1]
    assert last == (f"error: cannot write the output folder {full_disk / 'run'}: no space left on "
                    "device; nothing was written (hint: free some space, or choose another folder "
                    "with --out DIR)")
    assert list(full_disk.iterdir()) == []  # no temporary folder left behind


def test_result_tables_take_partial_lookups_without_warnings(res):
    """res.trade in the data's order (regions and sectors as in meta.toml), and a partial key
    (one exporter and importer) looks up without pandas' PerformanceWarning."""
    import warnings

    ds = res.economy.dataset
    keys = res.trade.index.tolist()
    rank = {r: k for k, r in enumerate(ds.regions)}, {s: k for k, s in enumerate(ds.sectors)}
    assert keys == sorted(keys, key=lambda k: (rank[0][k[0]], rank[0][k[1]], rank[1][k[2]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        part = res.trade.loc[("JPN", "USA")]
        by_region = res.sectors.loc["JPN"]
    assert list(part.index) == [s for s in ds.sectors if ("JPN", "USA", s) in keys]
    assert len(by_region) == len(ds.sectors)


def _fake(ev, pct, description="A test of one region's large gain"):
    """What the EV figure reads of a result: the summary's two EV columns, unit, scenario."""
    from types import SimpleNamespace

    regions = [f"R{k}" for k in range(len(ev))]
    summ = pd.DataFrame({"ev": ev, "ev_pct_income": pct}, index=pd.Index(regions, name="region"))
    return SimpleNamespace(summary=summ, unit="EUR bn", name="t",
                           scenario=cge.Scenario("t", description=description))


def test_ev_figure_is_sorted_coloured_by_sign_titled_and_in_units():
    from cge.report import plots

    fig = plots._fig_ev_by_region(_fake([-2.0, 5.0, 1.0, -0.5], [-0.1, 0.2, 0.05, -0.01]))
    (ax,) = fig.axes
    bars = sorted(ax.patches, key=lambda b: b.get_y())  # top of the figure first (y inverted)
    assert [b.get_width() for b in bars] == [5.0, 1.0, -0.5, -2.0]  # largest gain on top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["R1", "R2", "R3", "R0"]
    colors = [matplotlib_hex(b.get_facecolor()) for b in bars]
    assert colors == [plots.GAIN, plots.GAIN, plots.LOSS, plots.LOSS]  # one meaning per colour
    assert ax.get_xlabel() == "EV (EUR bn)"
    assert fig._suptitle.get_text().startswith("A test of one region's large gain\n")


def test_one_swamping_bar_gets_a_panel_without_it():
    """R0's EV is 10 times the next largest: a second panel shows the other regions on their
    own scale (4 times is the threshold, plots.SWAMP)."""
    from cge.report import plots

    assert plots.swamped([100.0, -10.0, 5.0]) == 0
    assert plots.swamped([100.0, -30.0, 5.0]) is None  # 100 < 4 x 30
    assert plots.swamped([100.0, 1.0]) is None  # two bars: nothing to swamp
    fig = plots._fig_ev_by_region(_fake([100.0, -10.0, 5.0], [1.0, -0.1, 0.05]))
    left, right = fig.axes
    assert len(left.patches) == 3 and sorted(b.get_width() for b in right.patches) == [-10.0, 5.0]
    assert right.get_title() == "without R0"


def matplotlib_hex(rgba) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba).upper()


def test_figures_leave_the_backend_alone_and_need_no_display(tmp_path):
    """A process (e.g. a notebook) that chose a backend keeps it after cge draws every kind of
    figure — a run's, a comparison's, an SSA's — with no display: each is drawn on its own Agg
    canvas, never through pyplot's backend switch."""
    import os
    import subprocess
    import sys

    code = f"""
import matplotlib, sys
import cge, cge.report
import pandas as pd
from cge.sensitivity import SSA
res = cge.run({str(SCENARIO)!r})
out = cge.report.write_outputs(res, 'run')
oc = [cge.report.Outcome('a', res), cge.report.Outcome('b', res)]
cge.report.write_comparison(oc, 'cmp', flows=[('JPN', 'USA')])
idx = pd.MultiIndex.from_tuples([('EV', r, '') for r in ('JPN', 'USA')],
                                names=['measure', 'region', 'item'])
summ = pd.DataFrame({{'mean': [1.0, -2.0], 'sd': [0.5, 0.5], 'lower': [0.0, -3.0],
                     'upper': [2.0, -1.0], 'point': [1.0, -2.0]}}, index=idx)
SSA(summ, pd.DataFrame(), pd.DataFrame(index=['a']), 'quadrature', [], 'USD million',
    't').figure('ssa.svg')
assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()
assert (out / 'figures' / 'ev_by_region.png').is_file()
print('OK')
"""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parent.parent), MPLBACKEND="svg")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.strip().endswith("OK"), out.stderr[-2000:]
    for name in ("run/figures/output_by_sector.svg", "cmp/figures/ev_by_scenario.svg", "ssa.svg"):
        ElementTree.parse(tmp_path / name)


def test_output_heat_map_sorts_sectors_and_writes_a_swamping_cell():
    """Sectors by mean change across regions (largest on top); one cell 10 times any other
    stops the colour scale at the next largest (|-3|) and is written out."""
    from types import SimpleNamespace

    from cge.report import plots

    idx = pd.MultiIndex.from_product([["R0", "R1"], ["S0", "S1", "S2"]], names=["region", "sector"])
    sec = pd.DataFrame({"output_pct": [1.0, -3.0, 30.0, 2.0, -1.0, 0.5]}, index=idx)
    fake = SimpleNamespace(sectors=sec, unit="EUR bn", name="t", scenario=None)
    fig = plots._fig_output_by_sector(fake)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["S2", "S0", "S1"]  # means 15.25, 1.5, -2
    (im,) = ax.get_images()
    assert im.get_clim() == (-3.0, 3.0)
    assert [t.get_text() for t in ax.texts] == ["+30"]
    assert fig.axes[1].get_ylabel() == "output volume (% change)"
