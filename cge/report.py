"""Run outputs: tidy CSV/Parquet, publication tables (LaTeX, Markdown), figures, metadata.

Everything here reads the tables of :meth:`cge.results.Results.tables` (snapshots taken when the
results were made), never the Pyomo model, so results of a reused :class:`~cge.economy.Economy`
can be written after later solves.

The outputs of one run are written into a temporary sibling folder that is renamed into place
at the end (:func:`write_outputs`), so a failed or interrupted run leaves neither an output
folder nor a temporary one behind. See docs/outputs.md for the files and their columns.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import importlib.util
import json
import math
import os
import platform
import re
import secrets
import shutil
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata as _md
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .scenario import all_goods

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .results import Results

#: File written last into every output folder; its presence marks a folder written by cge.
METADATA = "metadata.json"
#: Index columns of the tidy tables are followed by these three columns.
TIDY_COLUMNS = ("variable", "unit", "value")

_UNIT = re.compile(r"^(?P<var>.*?)\s*\((?P<unit>[^()]*)\)\s*$")


class OutputError(ValueError):
    """An output folder cannot be used (it exists, is a file, or is not a cge output)."""


# ---------------------------------------------------------------------------------- tables
def split_unit(column: str) -> tuple[str, str]:
    """``"EV (USD million)"`` → ``("EV", "USD million")``; a name without ``(unit)`` → ``(name, "")``."""
    m = _UNIT.match(str(column))
    return (m["var"], m["unit"]) if m else (str(column), "")


def _text_to_index(table: pd.DataFrame) -> pd.DataFrame:
    """Non-numeric columns (labels such as a component's group) join the index."""
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    return table.set_index(text, append=True) if text else table


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Long format: the table's index columns, then ``variable``, ``unit``, ``value``.

    One value per row; ``variable`` and ``unit`` come from column names ``"variable (unit)"``,
    so ``EV`` appears twice per region: in the currency unit and in % of base income.
    Non-numeric columns are kept as label columns, after the index columns.
    """
    table = _text_to_index(table)
    idx = [n or f"level_{k}" for k, n in enumerate(table.index.names)]
    wide = table.copy()
    wide.index.names = idx
    long = wide.reset_index().melt(id_vars=idx, var_name="column", value_name="value")
    parts = long.pop("column").map(split_unit)
    long.insert(len(idx), "variable", parts.str[0])
    long.insert(len(idx) + 1, "unit", parts.str[1])
    long["value"] = long["value"].astype(float)
    # row order: as in the table, one block of variables per row of the wide table
    order = np.argsort(np.tile(np.arange(len(table)), table.shape[1]), kind="stable")
    return long.iloc[order].reset_index(drop=True)


def _decimals(values: np.ndarray, unit: str) -> int:
    """Decimals for one column (or row) of a publication table.

    Indices around 1 (unit containing ``base = 1``) get 4 decimals; other quantities 4
    significant digits on the largest |value| (0 to 6 decimals), one precision per column.
    """
    if "base = 1" in unit:
        return 4
    v = np.abs(values[np.isfinite(values)])
    top = float(v.max()) if v.size else 0.0
    if top == 0.0:
        return 0
    return int(np.clip(3 - math.floor(math.log10(top)), 0, 6))


def format_number(x: float, decimals: int, na_rep: str = "") -> str:
    """``x`` with ``decimals`` decimals and a thousands comma; no negative zero."""
    if x is None or not np.isfinite(x):
        return na_rep
    x = round(float(x), decimals)
    return f"{x if x != 0 else 0.0:,.{decimals}f}"  # round(-0.0001, 3) is -0.0


@dataclass
class PublicationTable:
    """A table formatted for publication: every cell a string, numbers at one precision.

    Attributes:
        cells: the formatted cells; columns are ``header`` (one row per header level).
        header: column labels, ``(variable, unit)`` pairs when the units are in the header.
        numeric: which columns hold numbers (right-aligned).
    """

    cells: pd.DataFrame
    header: list[tuple[str, str]]
    numeric: list[bool]

    @property
    def two_level(self) -> bool:
        return any(u for _, u in self.header)

    def flat_header(self) -> list[str]:
        """One header row: ``"variable (unit)"``."""
        return [f"{v} ({u})" if u else v for v, u in self.header]


def publication(table: pd.DataFrame, *, na_rep: str = "") -> PublicationTable:
    """Format a result table for publication.

    A table with one row per region (a single index level, such as the summary) is transposed:
    one row per variable, with columns ``variable``, ``unit`` and one per region, each row at
    its own precision. Any other table keeps its rows; its index becomes text columns, and the
    header has two rows, the variable and its unit, each column at its own precision.
    A table whose index has a level named ``unit`` (such as a comparison) is formatted by row.
    Non-numeric columns are text columns, placed after the index.
    """
    table = _text_to_index(table)
    if "unit" in table.index.names:
        return _by_rows(table, na_rep)
    if table.index.nlevels == 1:
        parts = [split_unit(c) for c in table.columns]
        t = table.T
        t.index = pd.MultiIndex.from_tuples(parts, names=["variable", "unit"])
        return _by_rows(t, na_rep)
    text = table.index.to_frame(index=False).astype(str)
    cols, header, numeric = {}, [], []
    for name in text.columns:
        cols[len(cols)] = text[name].tolist()
        header.append((str(name), ""))
        numeric.append(False)
    for col in table.columns:
        var, unit = split_unit(col)
        vals = table[col].to_numpy(dtype=float)
        d = _decimals(vals, unit)
        cols[len(cols)] = [format_number(v, d, na_rep) for v in vals]
        header.append((var, unit))
        numeric.append(True)
    return PublicationTable(pd.DataFrame(cols), header, numeric)


def _by_rows(table: pd.DataFrame, na_rep: str) -> PublicationTable:
    units = table.index.get_level_values("unit")
    rows = []
    for (label, values), unit in zip(table.iterrows(), units):
        vals = values.to_numpy(dtype=float)
        d = _decimals(vals, str(unit))
        label = label if isinstance(label, tuple) else (label,)
        rows.append([str(x) for x in label] + [format_number(v, d, na_rep) for v in vals])
    header = [(str(n), "") for n in table.index.names] + [(str(c), "") for c in table.columns]
    numeric = [False] * table.index.nlevels + [True] * table.shape[1]
    return PublicationTable(pd.DataFrame(rows, columns=range(len(header))), header, numeric)


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX special characters in text."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def to_latex(table: pd.DataFrame | PublicationTable, *, na_rep: str = "") -> str:
    """A booktabs ``tabular`` (``\\usepackage{booktabs}``) of a result table, via pandas' Styler.

    Numbers as in :func:`publication`, with a true minus sign (``$-$``); text is escaped.
    """
    pub = table if isinstance(table, PublicationTable) else publication(table, na_rep=na_rep)
    cells = pub.cells.copy()
    for k, num in enumerate(pub.numeric):
        col = cells.columns[k]
        cells[col] = [re.sub(r"^-", "$-$", c) if num else latex_escape(c) for c in cells[col]]
    if pub.two_level:
        cells.columns = pd.MultiIndex.from_tuples(pub.header)
    else:
        cells.columns = [v for v, _ in pub.header]
    fmt = "".join("r" if n else "l" for n in pub.numeric)
    styler = cells.style.hide(axis="index").format_index(escape="latex", axis=1)
    return styler.to_latex(hrules=True, column_format=fmt, multicol_align="c")


def to_markdown(table: pd.DataFrame | PublicationTable, *, na_rep: str = "") -> str:
    """A GitHub-flavoured Markdown table (pandas ``to_markdown``, through ``tabulate``)."""
    pub = table if isinstance(table, PublicationTable) else publication(table, na_rep=na_rep)
    cells = pub.cells.copy()
    cells.columns = [h.replace("|", r"\|") for h in pub.flat_header()]
    align = tuple("right" if n else "left" for n in pub.numeric)
    return cells.to_markdown(index=False, tablefmt="github", colalign=align, disable_numparse=True)


def to_text(table: pd.DataFrame | PublicationTable, *, na_rep: str = "",
            merge_units: bool = False) -> str:
    """Plain aligned text (for the terminal), numbers as in :func:`publication`.

    ``merge_units``: for a table formatted by row, show ``variable (unit)`` in one column.
    """
    pub = table if isinstance(table, PublicationTable) else publication(table, na_rep=na_rep)
    header, numeric, cells = pub.flat_header(), list(pub.numeric), pub.cells
    if merge_units and [h for h, _ in pub.header[:2]] == ["variable", "unit"]:
        labels = [f"{v} ({u})" if u else v for v, u in zip(cells[0], cells[1])]
        cells = pd.concat([pd.Series(labels), cells.iloc[:, 2:]], axis=1)
        header, numeric = [""] + header[2:], [False] + numeric[2:]
    width = [max([len(h)] + [len(c) for c in cells.iloc[:, k]]) for k, h in enumerate(header)]
    just = [(str.rjust if n else str.ljust) for n in numeric]
    lines = ["  ".join(j(h, w) for h, w, j in zip(header, width, just)).rstrip()]
    for row in cells.itertuples(index=False):
        lines.append("  ".join(j(c, w) for c, w, j in zip(row, width, just)).rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- figures
def _new_figure(width: float = 7.0, height: float = 4.0) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas: no GUI, no pyplot state
    return fig


def _style(ax) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.grid(axis="y", alpha=0.3)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,g}".replace("-", "\u2212")))


def _grouped_bars(ax, categories: list[str], series: dict[str, list[float]]) -> None:
    n = max(len(series), 1)
    width = 0.8 / n
    x = np.arange(len(categories))
    for k, (label, vals) in enumerate(series.items()):
        ax.bar(x + (k - (n - 1) / 2) * width, vals, width, label=label)
    ax.set_xticks(x, categories, rotation=45 if len(categories) > 6 else 0,
                  ha="right" if len(categories) > 6 else "center")
    _style(ax)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize="small")


def _fig_ev_by_region(res: Results) -> Figure:
    """EV by region in the currency unit, each bar labelled with EV in % of base income."""
    summ = res.summary
    fig = _new_figure(6.0, 4.0)
    ax = fig.add_subplot()
    ev = summ[f"EV ({res.unit})"]
    pct = summ["EV (% of base income)"]
    bars = ax.bar([str(r) for r in summ.index], ev.to_numpy(),
                  color=["tab:red" if v < 0 else "tab:blue" for v in ev])
    ax.bar_label(bars, labels=[f"{p:+.3g}%" for p in pct], padding=2, fontsize="small")
    _style(ax)
    ax.margins(y=0.15)
    ax.set_ylabel(f"EV ({res.unit})")
    ax.set_title(f"{res.name}: equivalent variation by region\n(labels: % of base income)",
                 fontsize="medium")
    return fig


def shocked_pairs(trade: pd.DataFrame, limit: int = 8) -> list[tuple[str, str]]:
    """(exporter, importer) pairs whose tariffs changed, followed by their reverse pairs."""
    changed = trade[(trade["tariff (%)"] - trade["base tariff (%)"]).abs() > 1e-12]
    pairs = list(dict.fromkeys((e, i) for e, i, _ in changed.index))
    pairs += [(i, e) for e, i in pairs if (i, e) not in pairs]
    have = set((e, i) for e, i, _ in trade.index)
    return [p for p in pairs if p in have][:limit]


def _fig_trade_by_sector(res: Results) -> Figure | None:
    """Volume % change by sector of the shocked flows and of the flows in the other direction."""
    trade = res.trade
    pairs = shocked_pairs(trade)
    if not pairs:
        return None
    sectors = [s for s in res.economy.dataset.sectors if s in set(trade.index.get_level_values(2))]
    series = {}
    for e, i in pairs:
        sub = trade.xs((e, i), level=("exporter", "importer"))["volume (% change)"]
        series[f"{i} ← {e}"] = [float(sub.get(s, np.nan)) for s in sectors]
    fig = _new_figure()
    ax = fig.add_subplot()
    _grouped_bars(ax, sectors, series)
    ax.set_ylabel("import volume (% change)")
    ax.set_title(f"{res.name}: bilateral imports by sector (importer ← exporter)", fontsize="medium")
    return fig


def _fig_output_by_sector(res: Results) -> Figure:
    """Output (volume) % change by sector, one bar per region."""
    sec = res.sectors["output (% change)"]
    regions = list(dict.fromkeys(r for r, _ in sec.index))
    sectors = list(dict.fromkeys(s for _, s in sec.index))
    fig = _new_figure()
    ax = fig.add_subplot()
    _grouped_bars(ax, sectors, {r: [float(sec[r, s]) for s in sectors] for r in regions})
    ax.set_ylabel("output (% change)")
    ax.set_title(f"{res.name}: output by sector and region", fontsize="medium")
    return fig


def figures(res: Results) -> dict[str, Figure]:
    """The figures of a run (matplotlib Figures on the Agg canvas), by file name stem.

    ``ev_by_region`` (EV in the currency unit, labelled in % of base income),
    ``trade_by_sector`` (import volume % change by sector for each shocked exporter → importer
    pair and its reverse; absent when no tariff changed), ``output_by_sector`` (output volume %
    change by sector, one bar per region).
    """
    figs = {"ev_by_region": _fig_ev_by_region(res),
            "trade_by_sector": _fig_trade_by_sector(res),
            "output_by_sector": _fig_output_by_sector(res)}
    return {k: f for k, f in figs.items() if f is not None}


def _save_figure(fig: Figure, stem: Path) -> list[Path]:
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    with warnings.catch_warnings():  # names the font lacks, or too long to lay out: still drawn
        warnings.filterwarnings("ignore", r"Glyph .* missing from font", UserWarning)
        warnings.filterwarnings("ignore", r"constrained_layout not applied", UserWarning)
        fig.savefig(png, dpi=150, metadata={"Software": "cge"})
        fig.savefig(svg, metadata={"Date": None, "Creator": "cge"})
    return [png, svg]


# ---------------------------------------------------------------------------------- metadata
def _version(dist: str) -> str | None:
    try:
        return _md.version(dist)
    except _md.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    """Versions of Python and of the packages that shape a result (None if not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for dist in ("cge", "pyomo", "cyipopt", "numpy", "scipy", "pandas", "matplotlib", "pyarrow"):
        out[dist] = _version(dist)
    if out["cyipopt"] is None:
        out["cyipopt"] = _version("cyipopt-wheels")
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def metadata(res: Results, *, wall_seconds: float | None = None,
             command: Sequence[str] | None = None) -> dict:
    """What produced a result: versions, data and scenario digests, closure, solve statistics.

    ``wall_seconds`` is the wall-clock time of the whole run (data, calibration, model build
    and solve) when the caller measured it; ``solve.seconds`` is the solver's time alone.
    """
    return solve_metadata(res.economy, res.scenario, res.info, wall_seconds=wall_seconds,
                          command=command)


def solve_metadata(economy, scenario, info, *, wall_seconds: float | None = None,
                   command: Sequence[str] | None = None) -> dict:
    """:func:`metadata` from its parts: an :class:`~cge.economy.Economy`, the scenario it was
    solved for (None for the benchmark) and the :class:`~cge.solver.SolveInfo` of that solve,
    for outputs that have no :class:`~cge.results.Results` (e.g. ``cge sensitivity``)."""
    ds, sc = economy.dataset, scenario
    return {
        "generator": "cge",
        "cge_version": _version("cge"),
        "timestamp": _now(),
        "command": list(command) if command is not None else None,
        "data": {"name": ds.name, "unit": ds.unit, "digest": ds.digest,
                 "reference_region": ds.reference_region, "regions": list(ds.regions),
                 "sectors": list(ds.sectors), "factors": list(ds.factors)},
        "scenario": ({"name": sc.name, "path": sc.path, "digest": sc.digest,
                      "description": sc.description, "source": sc.source}
                     if sc is not None else {"name": "benchmark", "path": None, "digest": None}),
        "closure": {**asdict(economy.closure), "description": economy.closure.describe()},
        "solve": {"solver": info.solver, "converged": info.converged,
                  "iterations": info.iterations, "continuation_steps": info.steps,
                  "max_residual": info.max_residual, "max_walras_residual": info.max_walras,
                  "walras_residuals": list(info.walras_residuals), "seconds": info.seconds,
                  "message": info.message, "warnings": list(getattr(info, "warnings", []))},
        "wall_seconds": wall_seconds,
        "versions": versions(),
        "platform": platform.platform(),
    }


def write_metadata(folder: str | Path, meta: dict) -> Path:
    """Write ``metadata.json`` into ``folder`` (last, so it marks a complete cge output): ``meta``
    with ``files``, every file in the folder (``metadata.json`` included), added. Non-finite
    numbers become ``null``. Returns the path."""
    folder = Path(folder)
    meta = {**meta, "files": sorted([p.relative_to(folder).as_posix() for p in folder.rglob("*")
                                     if p.is_file()] + [METADATA])}
    (folder / METADATA).write_text(_json(meta), encoding="utf-8")
    return folder / METADATA


def _json(obj) -> str:
    def clean(o):
        if isinstance(o, float) and not math.isfinite(o):
            return None
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [clean(v) for v in o]
        if isinstance(o, np.generic):
            return clean(o.item())
        return o
    return json.dumps(clean(obj), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------- folders
def default_dir(name: str, base: str | Path | None = None) -> Path:
    """The default output folder: ``name`` made safe for a file name, in ``base`` (cwd).

    Characters other than letters, digits, ``_``, ``-`` and ``.`` become ``_``, as does ``..``;
    leading and trailing ``.``/``_`` are dropped.
    """
    safe = re.sub(r"[^\w.\-]+|\.\.+", "_", name)  # no separators, spaces or ".."
    safe = re.sub(r"__+", "_", safe).strip("._") or "run"
    return Path(base if base is not None else Path.cwd()) / safe


def check_target(out: str | Path, overwrite: bool = False) -> Path:
    """Check that ``out`` can receive outputs; return it as an absolute path.

    Usable: a path that does not exist, an empty folder, or, with ``overwrite``, a folder
    written earlier by cge (it has ``metadata.json`` from cge) that is not the current folder
    or one of its parents. Raises :class:`OutputError` otherwise.
    """
    path = Path(out).absolute()
    base = next(p for p in path.parents if p.exists())
    if not path.exists() and not base.is_dir():
        raise OutputError(f"{out}: {base} is not a folder")
    if not os.access(base if not path.exists() else path.parent, os.W_OK):
        raise OutputError(f"{out}: no permission to write in {base}")
    if not path.exists():
        if path.is_symlink():
            raise OutputError(f"{out} is a broken symbolic link")
        return path
    if not path.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another name with --out DIR")
    if not any(path.iterdir()):
        return path
    if not overwrite:
        raise OutputError(f"{out} already exists; choose another folder with --out DIR, or "
                          "replace it with --force (overwrite=True in Python)")
    cwd = Path.cwd().resolve()
    if path.resolve() == cwd or path.resolve() in cwd.parents:
        raise OutputError(f"{out} is the current folder or one of its parents; not replacing it")
    if path.is_symlink() or not _is_cge_output(path):
        raise OutputError(f"{out} is not a folder written by cge (no cge {METADATA}); "
                          "--force replaces only earlier cge outputs")
    return path


def _is_cge_output(path: Path) -> bool:
    try:
        return json.loads((path / METADATA).read_text(encoding="utf-8")).get("generator") == "cge"
    except (OSError, ValueError, AttributeError):
        return False


@contextlib.contextmanager
def atomic_dir(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Write a folder atomically: yield a temporary sibling folder, rename it to ``out`` at the end.

    On any exception, including KeyboardInterrupt (Ctrl-C), the temporary folder and any
    parent folders created for it are removed and ``out`` is left as it was. With
    ``overwrite``, an earlier cge output at ``out`` is replaced only once the new one is
    complete.
    """
    target = check_target(out, overwrite)
    created: list[Path] = []
    tmp = None
    try:
        for parent in reversed([target.parent, *target.parent.parents]):
            if not parent.exists():
                parent.mkdir()
                created.append(parent)
        tmp = _sibling(target, "tmp")
        yield tmp
        _publish(tmp, target, overwrite)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for parent in reversed(created):
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise


def _sibling(target: Path, kind: str) -> Path:
    while True:
        p = target.parent / f".{target.name}.{kind}-{secrets.token_hex(4)}"
        try:
            p.mkdir()
            return p
        except FileExistsError:  # pragma: no cover
            continue


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    """Rename ``tmp`` to ``target``; an existing earlier output is moved aside first."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.rename(tmp, target)  # fails (rather than merge) if a non-empty target appeared
        return
    check_target(target, overwrite)  # raises unless replacing an earlier cge output is allowed
    old = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        if not target.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------- writing
def _has_parquet() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path, *, na_rep: str = "",
                 parquet: bool | None = None, publish: bool = True) -> list[Path]:
    """Write each table as tidy CSV (and Parquet), and as LaTeX and Markdown in ``tables/``.

    ``<name>.csv``: the tidy table (:func:`tidy`), UTF-8, full precision; ``<name>.parquet``
    the same when pyarrow is importable (``parquet=None``) or asked for; ``tables/<name>.tex``
    and ``tables/<name>.md``: the publication table. Returns the paths written.
    """
    folder = Path(folder)
    parquet = _has_parquet() if parquet is None else parquet
    paths = []
    for name, table in tables.items():
        long = tidy(table)
        paths.append(folder / f"{name}.csv")
        long.to_csv(paths[-1], index=False, encoding="utf-8")
        if parquet:
            paths.append(folder / f"{name}.parquet")
            long.to_parquet(paths[-1], index=False)
        if publish:
            (folder / "tables").mkdir(exist_ok=True)
            pub = publication(table, na_rep=na_rep)
            paths.append(folder / "tables" / f"{name}.tex")
            paths[-1].write_text(to_latex(pub), encoding="utf-8")
            paths.append(folder / "tables" / f"{name}.md")
            paths[-1].write_text(to_markdown(pub) + "\n", encoding="utf-8")
    return paths


_TITLES = {"summary": "Welfare and macro aggregates by region",
           "trade": "Bilateral trade by sector (exporter → importer)",
           "welfare": "Decomposition of regional EV by region",
           "sectors": "Output, trade and prices by region and sector",
           "welfare_detail": "Decomposition of regional EV by component, sector and partner"}


def _report_md(res: Results, figs: list[str]) -> str:
    """``report.md``: the run at a glance, every table and figure."""
    sc, info, ds = res.scenario, res.info, res.economy.dataset
    lines = [f"# {res.name}", ""]
    if sc is not None and sc.description:
        lines += [sc.description, ""]
    if sc is not None and sc.source:
        lines += [f"Source: {sc.source}", ""]
    lines += [f"- data: {ds.name} ({ds.unit}), digest `{ds.digest[:12]}`",
              f"- closure: {res.economy.closure.describe()}",
              f"- solve: {info.solver}"
              + (f" (continuation: {info.steps} steps)" if info.steps > 1 else "")
              + f", {info.iterations} iterations, max residual "
              f"{info.max_residual:.1e}, Walras residual {info.max_walras:.1e}", ""]
    for name, table in res.tables().items():
        lines += [f"## {_TITLES.get(name, name)}", "", to_markdown(table), "",
                  f"Files: `{name}.csv` (tidy), `tables/{name}.tex`, `tables/{name}.md`.", ""]
    if figs:
        lines += ["## Figures", ""]
        lines += [f"![{f}](figures/{f}.png)" for f in figs]
        lines.append("")
    return "\n".join(lines)


def write_outputs(res: Results, out_dir: str | Path | None = None, *, overwrite: bool = False,
                  wall_seconds: float | None = None,
                  command: Sequence[str] | None = None) -> Path:
    """Write every output of one run into ``out_dir``, atomically; return the folder.

    ``out_dir`` defaults to a folder named after the scenario in the current folder. The
    folder holds: one tidy CSV (and Parquet) per table of :meth:`Results.tables`, publication
    tables in ``tables/`` (LaTeX, Markdown), ``figures/`` (PNG and SVG), ``report.md``, a copy
    of the scenario file, and ``metadata.json`` (written last). Nothing is written for a solve
    that did not converge. See docs/outputs.md.
    """
    if not res.info.converged:
        raise OutputError("the solve did not converge; no results written")
    out = out_dir if out_dir is not None else default_dir(res.name)
    with atomic_dir(out, overwrite) as tmp:
        write_tables(res.tables(), tmp)
        (tmp / "figures").mkdir()
        figs = figures(res)
        for stem, fig in figs.items():
            _save_figure(fig, tmp / "figures" / stem)
        (tmp / "report.md").write_text(_report_md(res, list(figs)), encoding="utf-8")
        sc = res.scenario
        if sc is not None and sc.path and Path(sc.path).is_file():
            raw = Path(sc.path).read_bytes()
            # the digest is the SHA-256 of the file's bytes (cge.load_scenario): unchanged since read
            if hashlib.sha256(raw).hexdigest() == sc.digest:
                (tmp / "scenario.toml").write_bytes(raw)
        write_metadata(tmp, metadata(res, wall_seconds=wall_seconds, command=command))
    return Path(out).absolute()


# ---------------------------------------------------------------------------------- compare
@dataclass
class Outcome:
    """One scenario of a comparison: its results, or the one-line reason it failed."""

    name: str
    results: Results | None = None
    error: str = ""
    path: str = ""
    digest: str = ""

    @property
    def ok(self) -> bool:
        return self.results is not None


def comparison(outcomes: Sequence[Outcome], flows: Sequence[tuple[str, str]] = ()) -> pd.DataFrame:
    """Tidy comparison: ``scenario, region, variable, unit, value``.

    Per scenario and region: EV (currency unit and % of base income) and real GDP (% change);
    per (exporter, importer) in ``flows``: the importer's goods imports from the exporter in
    volume (at base prices), change in the currency unit and in %. Failed scenarios have no
    rows (see :func:`comparison_wide`).
    """
    rows = []
    for oc in outcomes:
        if not oc.ok:
            continue
        res = oc.results
        summ, trade = res.summary, res.trade
        goods = set(all_goods(res.economy.dataset))
        for r in summ.index:
            rows += [(oc.name, r, "EV", res.unit, summ.at[r, f"EV ({res.unit})"]),
                     (oc.name, r, "EV", "% of base income", summ.at[r, "EV (% of base income)"]),
                     (oc.name, r, "real GDP", "% change", summ.at[r, "real GDP (% change)"])]
        for e, i in flows:
            keys = [k for k in trade.index if k[0] == e and k[1] == i
                    and k[2] in goods]
            base = trade.loc[keys, f"base value ({res.unit})"].sum()
            new = trade.loc[keys, f"volume at base prices ({res.unit})"].sum()
            var = f"goods imports from {e}, volume"
            rows += [(oc.name, i, var, f"{res.unit}, change at base prices", new - base),
                     (oc.name, i, var, "% change", 100 * (new / base - 1) if base else np.nan)]
    return pd.DataFrame(rows, columns=["scenario", "region", *TIDY_COLUMNS])


def comparison_wide(long: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Side by side: rows ``(region, variable, unit)``, one column per scenario (NaN if failed)."""
    names = [oc.name for oc in outcomes]
    if long.empty:
        idx = pd.MultiIndex.from_tuples([], names=["region", "variable", "unit"])
        return pd.DataFrame(index=idx, columns=names, dtype=float)
    keys = list(dict.fromkeys(zip(long["region"], long["variable"], long["unit"])))
    wide = long.pivot_table(index=["region", "variable", "unit"], columns="scenario",
                            values="value", sort=False)
    wide = wide.reindex(index=pd.MultiIndex.from_tuples(keys, names=["region", "variable", "unit"]),
                        columns=names)
    wide.columns.name = None
    return wide


def status_table(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Per scenario: status (``ok``/``failed``), solver statistics or the failure reason."""
    rows = []
    for oc in outcomes:
        info = oc.results.info if oc.ok else None
        rows.append({"scenario": oc.name, "status": "ok" if oc.ok else "failed",
                     "iterations": info.iterations if info else None,
                     "max residual": info.max_residual if info else None,
                     "Walras residual": info.max_walras if info else None,
                     "solve seconds": info.seconds if info else None,
                     "message": info.message if info else oc.error,
                     "path": oc.path, "digest": oc.digest})
    return pd.DataFrame(rows)


def _fig_ev_by_scenario(wide: pd.DataFrame, unit: str) -> Figure:
    """EV by region, one bar per scenario: in the currency unit and in % of base income."""
    fig = _new_figure(10.0, 4.0)
    for k, u in enumerate([unit, "% of base income"]):
        ax = fig.add_subplot(1, 2, k + 1)
        sub = wide.xs(("EV", u), level=("variable", "unit"))
        _grouped_bars(ax, [str(r) for r in sub.index],
                      {str(c): sub[c].to_numpy(dtype=float) for c in sub.columns})
        ax.set_ylabel(f"EV ({u})")
    fig.suptitle("Equivalent variation by region and scenario", fontsize="medium")
    return fig


def write_comparison(outcomes: Sequence[Outcome], out_dir: str | Path, *,
                     flows: Sequence[tuple[str, str]] = (), overwrite: bool = False,
                     extra: dict | None = None) -> Path:
    """Write a comparison atomically: ``comparison.csv`` (tidy), ``status.csv``,
    ``tables/comparison.tex|.md`` (side by side, failed scenarios marked), ``figures/
    ev_by_scenario.png|.svg`` and ``metadata.json``. Returns the folder."""
    long = comparison(outcomes, flows)
    wide = comparison_wide(long, outcomes)
    ok = [oc for oc in outcomes if oc.ok]
    with atomic_dir(out_dir, overwrite) as tmp:
        long.to_csv(tmp / "comparison.csv", index=False, encoding="utf-8")
        if _has_parquet():
            long.to_parquet(tmp / "comparison.parquet", index=False)
        status_table(outcomes).to_csv(tmp / "status.csv", index=False, encoding="utf-8")
        (tmp / "tables").mkdir()
        pub = publication(wide, na_rep="failed")
        (tmp / "tables" / "comparison.tex").write_text(to_latex(pub), encoding="utf-8")
        notes = "".join(f"\n- {oc.name} failed: {oc.error}" for oc in outcomes if not oc.ok)
        (tmp / "tables" / "comparison.md").write_text(to_markdown(pub) + "\n" + notes + "\n",
                                                      encoding="utf-8")
        if ok:
            (tmp / "figures").mkdir()
            _save_figure(_fig_ev_by_scenario(wide[[oc.name for oc in ok]], ok[0].results.unit),
                         tmp / "figures" / "ev_by_scenario")
        res0 = ok[0].results if ok else None
        meta = {"generator": "cge", "cge_version": _version("cge"), "timestamp": _now(),
                **(extra or {}),
                "data": ({"name": res0.economy.dataset.name, "unit": res0.unit,
                          "digest": res0.economy.dataset.digest} if res0 else None),
                "scenarios": status_table(outcomes).replace({np.nan: None}).to_dict("records"),
                "versions": versions(), "platform": platform.platform()}
        write_metadata(tmp, meta)
    return Path(out_dir).absolute()


__all__ = ["OutputError", "Outcome", "split_unit", "tidy", "publication", "PublicationTable",
           "to_latex", "to_markdown", "to_text", "figures", "metadata", "solve_metadata",
           "write_metadata", "versions",
           "write_tables", "write_outputs", "atomic_dir", "check_target", "default_dir",
           "comparison", "comparison_wide", "status_table", "write_comparison", "shocked_pairs"]

