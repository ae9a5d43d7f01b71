"""Comparisons of scenarios: tidy and side-by-side tables, solve status, EV figure, and the
comparison folder (:func:`write_comparison`; ``cge compare``)."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..version import __version__
from .folders import atomic_dir
from .plots import hbars, new_figure, panels, save_figure
from .provenance import now, versions, write_metadata
from .tables import TIDY_COLUMNS, has_parquet, latex_escape, publication, to_latex, to_markdown

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .protocol import ResultsLike


@dataclass
class Outcome:
    """One scenario of a comparison: its results, or the one-line reason it failed."""

    name: str
    results: ResultsLike | None = None
    error: str = ""
    path: str = ""
    digest: str = ""

    @property
    def ok(self) -> bool:
        return self.results is not None


def comparison(outcomes: Sequence[Outcome], flows: Sequence[tuple[str, str]] = ()) -> pd.DataFrame:
    """Tidy comparison: ``scenario, region, partner, variable, label, unit, value``.

    Per scenario and region: EV (``ev``: currency unit; ``ev_pct_income``: % of base income)
    and real GDP (``real_gdp_pct``: % change), ``partner`` empty; per (exporter, importer) in
    ``flows``: the importer's (``region``) goods imports from the exporter (``partner``) in
    volume at base prices, change in the currency unit (``goods_imports_volume_change``) and
    in % (``goods_imports_volume_pct``). Failed scenarios have no rows (see
    :func:`comparison_wide`).
    """
    rows = []
    for oc in outcomes:
        if not oc.ok:
            continue
        res = oc.results
        v = res.indicators(["ev", "ev_pct_income", "real_gdp_pct", "goods_imports_volume_change",
                            "goods_imports_volume_pct"])
        regions = list(res.economy.benchmark.regions)
        at = {r: k for k, r in enumerate(regions)}
        for k, r in enumerate(regions):
            rows += [(oc.name, r, "", "ev", "EV", res.unit, v["ev"][k]),
                     (oc.name, r, "", "ev_pct_income", "EV", "% of base income",
                      v["ev_pct_income"][k]),
                     (oc.name, r, "", "real_gdp_pct", "real GDP", "% change",
                      v["real_gdp_pct"][k])]
        for e, i in flows:
            label = f"goods imports from {e}, volume"
            cell = (at[e], at[i])
            rows += [(oc.name, i, e, "goods_imports_volume_change", label,
                      f"{res.unit}, change at base prices",
                      v["goods_imports_volume_change"][cell]),
                     (oc.name, i, e, "goods_imports_volume_pct", label, "% change",
                      v["goods_imports_volume_pct"][cell])]
    return pd.DataFrame(rows, columns=["scenario", "region", "partner", *TIDY_COLUMNS])


def comparison_wide(long: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Side by side: rows ``(region, variable, unit)`` with the variable's label (``EV``, ``goods
    imports from JPN, volume``), one column per scenario (NaN if failed)."""
    names = [oc.name for oc in outcomes]
    if long.empty:
        idx = pd.MultiIndex.from_tuples([], names=["region", "variable", "unit"])
        return pd.DataFrame(index=idx, columns=names, dtype=float)
    long = long.drop(columns="variable").rename(columns={"label": "variable"})
    keys = list(dict.fromkeys(zip(long["region"], long["variable"], long["unit"])))
    first = {r: k for k, r in reversed(list(enumerate(r for r, _, _ in keys)))}
    keys.sort(key=lambda key: first[key[0]])  # each region's rows together (stable)
    wide = long.pivot_table(index=["region", "variable", "unit"], columns="scenario",
                            values="value", sort=False)
    wide = wide.reindex(index=pd.MultiIndex.from_tuples(keys, names=["region", "variable", "unit"]),
                        columns=names)
    wide.columns.name = None
    return wide


def terminal_table(wide: pd.DataFrame, width: int = 100, *, na_rep: str = "failed") -> str:
    """The side-by-side comparison as terminal text (``rich`` tables) at most ``width``
    characters wide.

    Rows are (region, variable and unit); each scenario is a column of numbers formatted as in
    :func:`publication` (one precision per row). Long labels and scenario names wrap; when the
    scenarios do not fit side by side, they are shown in several blocks of columns, one below
    the other, each repeating the row labels, so no line is longer than ``width``.
    """
    from io import StringIO

    from rich import box
    from rich.console import Console
    from rich.table import Table

    pub = publication(wide, na_rep=na_rep)
    cells = pub.cells
    regions = cells.iloc[:, 0].tolist()
    labels = [f"{v} ({u})" if u else v for v, u in zip(cells.iloc[:, 1], cells.iloc[:, 2])]
    names = [h for h, _ in pub.header[3:]]
    values = [cells.iloc[:, 3 + k].tolist() for k in range(len(names))]
    width = max(int(width), 40)
    region_w = max([len("region"), *map(len, regions)])
    label_w = min(max([len("variable"), *map(len, labels)], default=8), max(16, width // 4))
    # a number column: its widest number, and room for at least 8 characters of the name
    col_w = [max([min(len(n), 12), 8, *map(len, vals)]) for n, vals in zip(names, values)]
    col_w = [min(w, width - region_w - label_w - 6) for w in col_w]
    fixed = region_w + label_w + 4  # two label columns, one space of padding either side each
    blocks, cur, used = [], [], fixed
    for k, w in enumerate(col_w):
        if cur and used + w + 2 > width:
            blocks.append(cur)
            cur, used = [], fixed
        cur.append(k)
        used += w + 2
    blocks.append(cur)
    longest = max([len("variable"), *map(len, labels)])
    room = [width - fixed - sum(col_w[k] + 2 for k in block) for block in blocks]
    out = StringIO()
    console = Console(file=out, width=width, color_system=None, force_terminal=False,
                      legacy_windows=False, highlight=False, emoji=False, markup=False)
    for block, spare in zip(blocks, room):
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False,
                      padding=(0, 1), collapse_padding=True)
        table.add_column("region", overflow="fold", width=region_w)
        table.add_column("variable", overflow="fold", width=min(longest, label_w + max(spare, 0)))
        for k in block:  # numbers fit their width; a longer scenario name folds
            table.add_column(names[k], justify="right", overflow="fold", width=col_w[k])
        prev = None
        for r, (region, label) in enumerate(zip(regions, labels)):
            last = r + 1 == len(regions) or regions[r + 1] != region
            table.add_row(region if region != prev else "", label,
                          *[values[k][r] for k in block], end_section=last)
            prev = region
        console.print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n")


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
    """EV by region in % of base income, one panel per scenario (small multiples on one
    scale, each sorted; blue gains, vermillion losses, as in every cge figure), each bar
    labelled with EV in the currency unit."""
    pct = wide.xs(("EV", "% of base income"), level=("variable", "unit"))
    money = wide.xs(("EV", unit), level=("variable", "unit"))
    names = list(pct.columns)
    cols = min(len(names), 3)
    regions = [str(r) for r in pct.index]
    fig = new_figure(3.3 * cols + 0.4, 0.9 + (0.7 + 0.28 * len(regions)) * -(-len(names) // cols))
    axes = panels(fig, len(names), cols)
    lim = float(np.nanmax(np.abs(pct.to_numpy(dtype=float)))) * 1.3 or 1.0
    for ax, name in zip(axes, names):
        hbars(ax, regions, pct[name].to_numpy(dtype=float), unit="EV (% of base income)",
              annotate=[f"{v:,.0f}" for v in money[name].to_numpy(dtype=float)])
        ax.set_xlim(-lim, lim)
        ax.set_title(str(name), fontsize="small")
        ax.tick_params(labelsize="x-small")
    fig.suptitle(f"Equivalent variation by region and scenario (labels: EV in {unit})",
                 fontsize="medium")
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
        if has_parquet():
            long.to_parquet(tmp / "comparison.parquet", index=False)
        status_table(outcomes).to_csv(tmp / "status.csv", index=False, encoding="utf-8")
        (tmp / "tables").mkdir()
        pub = publication(wide, na_rep="failed")
        res0 = ok[0].results if ok else None
        caption_notes = (f"Data: {res0.economy.dataset.name}, values in {res0.unit} at base-year prices; "
                 "% change relative to the benchmark (the calibrated base year). Closures: "
                 f"{', '.join((extra or {}).get('closures', [])) or res0.economy.closure.name}. "
                 "Failed scenarios are marked as failed. Produced by cge.") if res0 else ""
        tex = to_latex(pub, caption="Scenarios compared: EV, real GDP and goods imports by region",
                       label="tab:comparison", notes=latex_escape(caption_notes))
        (tmp / "tables" / "comparison.tex").write_text(tex, encoding="utf-8")
        notes = "".join(f"\n- {oc.name} failed: {oc.error}" for oc in outcomes if not oc.ok)
        (tmp / "tables" / "comparison.md").write_text(to_markdown(pub) + "\n" + notes + "\n",
                                                      encoding="utf-8")
        if ok:
            (tmp / "figures").mkdir()
            save_figure(_fig_ev_by_scenario(wide[[oc.name for oc in ok]], ok[0].results.unit),
                        tmp / "figures" / "ev_by_scenario")
        meta = {"generator": "cge", "cge_version": __version__, "timestamp": now(),
                **(extra or {}),
                "data": ({"name": res0.economy.dataset.name, "unit": res0.unit,
                          "digest": res0.economy.dataset.digest} if res0 else None),
                "scenarios": status_table(outcomes).replace({np.nan: None}).to_dict("records"),
                "versions": versions(), "platform": platform.platform()}
        write_metadata(tmp, meta)
    return Path(out_dir).absolute()
