"""Figures of a run (matplotlib, on the Agg canvas: no GUI, no pyplot state).

matplotlib is imported only when a figure is drawn, so that importing :mod:`cge.report` stays
cheap. :func:`figures` draws the figures of one run, :func:`save_figure` writes one as PNG and
SVG; :func:`new_figure` and :func:`grouped_bars` are the building blocks (also used by the
comparison's figure).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._deps import load as _load_package

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .protocol import ResultsLike


def load_matplotlib() -> None:
    """Import what drawing a figure uses: matplotlib (past Pyomo's hook, which would import
    pyplot: cge._deps), its Figure, the Agg canvas and the tick formatters. Drawing does it
    itself; the command line calls it early to settle the imports with the rest."""
    _load_package("matplotlib")
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.ticker  # noqa: F401


def new_figure(width: float = 7.0, height: float = 4.0) -> Figure:
    """A matplotlib Figure (constrained layout) on its own Agg canvas, ``width`` × ``height`` in."""
    load_matplotlib()
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


def grouped_bars(ax, categories: list[str], series: dict[str, list[float]]) -> None:
    """Bars on ``ax``: one group per category, one bar per series (legend if more than one)."""
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


def _fig_ev_by_region(res: ResultsLike) -> Figure:
    """EV by region in the currency unit, each bar labelled with EV in % of base income."""
    summ = res.summary
    fig = new_figure(6.0, 4.0)
    ax = fig.add_subplot()
    ev = summ["ev"]
    pct = summ["ev_pct_income"]
    bars = ax.bar([str(r) for r in summ.index], ev.to_numpy(),
                  color=["tab:red" if v < 0 else "tab:blue" for v in ev])
    ax.bar_label(bars, labels=[f"{p:+.3g}%" for p in pct], padding=2, fontsize="small")
    _style(ax)
    ax.margins(y=0.15)
    ax.set_ylabel(f"EV ({res.unit})")
    ax.set_title(f"{res.name}: equivalent variation by region\n(labels: % of base income)",
                 fontsize="medium")
    return fig


def shocked_pairs(trade: pd.DataFrame, cells, limit: int = 8) -> list[tuple[str, str]]:
    """(exporter, importer) pairs of the changed tariff ``cells`` (a TariffChange's), followed
    by their reverse pairs, among the flows of ``trade``."""
    pairs = list(dict.fromkeys((e, i) for e, i, _ in cells))
    pairs += [(i, e) for e, i in pairs if (i, e) not in pairs]
    have = set((e, i) for e, i, _ in trade.index)
    return [p for p in pairs if p in have][:limit]


def _fig_trade_by_sector(res: ResultsLike) -> Figure | None:
    """Volume % change by sector of the shocked flows and of the flows in the other direction."""
    trade = res.trade
    pairs = shocked_pairs(trade, res.tariff_change.cells)
    if not pairs:
        return None
    sectors = [s for s in res.economy.dataset.sectors if s in set(trade.index.get_level_values(2))]
    series = {}
    for e, i in pairs:
        sub = trade.xs((e, i), level=("exporter", "importer"))["trade_volume_pct"]
        series[f"{i} ← {e}"] = [float(sub.get(s, np.nan)) for s in sectors]
    fig = new_figure()
    ax = fig.add_subplot()
    grouped_bars(ax, sectors, series)
    ax.set_ylabel("import volume (% change)")
    ax.set_title(f"{res.name}: bilateral imports by sector (importer ← exporter)", fontsize="medium")
    return fig


def _fig_output_by_sector(res: ResultsLike) -> Figure:
    """Output (volume) % change by sector, one bar per region."""
    sec = res.sectors["output_pct"]
    regions = list(dict.fromkeys(r for r, _ in sec.index))
    sectors = list(dict.fromkeys(s for _, s in sec.index))
    fig = new_figure()
    ax = fig.add_subplot()
    grouped_bars(ax, sectors, {r: [float(sec[r, s]) for s in sectors] for r in regions})
    ax.set_ylabel("output (% change)")
    ax.set_title(f"{res.name}: output by sector and region", fontsize="medium")
    return fig


def _fig_diversion(res: ResultsLike) -> Figure | None:
    """Who replaces the shocked suppliers: each supplier's change in sales (base buyers'
    prices) in the shocked markets with the largest base sales of shocked suppliers (at most
    four), one panel row per market."""
    div = res.diversion
    if not len(div):
        return None
    shocked = div.index.get_level_values("shocked") == "yes"
    base = div["sales_base"].where(shocked, 0.0)
    size = base.groupby(level=["importer", "sector"]).sum().sort_values(ascending=False)
    keys = [k for k in size.index[:4]]
    imp_of, sec_of = div.index.get_level_values("importer"), div.index.get_level_values("sector")

    def market(imp: str, sec: str) -> pd.DataFrame:  # masks: the index need not be sorted
        return div[(imp_of == imp) & (sec_of == sec)].droplevel(["importer", "sector", "shocked"])

    fig = new_figure(7.0, 1.2 + 1.1 * sum(len(market(*k)) for k in keys) / 3)
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    for ax, (imp, sec) in zip(axes, keys):
        sub = market(imp, sec)
        change = sub["sales_change"]
        colors = ["tab:red" if v < 0 else "tab:blue" for v in change]
        ax.barh([str(n) for n in sub.index], change.to_numpy(), color=colors)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_title(f"{imp} market for {sec}", fontsize="small")
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlabel(f"change in sales at base buyers' prices ({res.unit})")
    fig.suptitle(f"{res.name}: trade diversion (who replaces the shocked suppliers)",
                 fontsize="medium")
    return fig


def figures(res: ResultsLike) -> dict[str, Figure]:
    """The figures of a run (matplotlib Figures on the Agg canvas), by file name stem.

    ``ev_by_region`` (EV in the currency unit, labelled in % of base income),
    ``trade_by_sector`` (import volume % change by sector for each shocked exporter → importer
    pair and its reverse; absent when no tariff changed), ``output_by_sector`` (output volume %
    change by sector, one bar per region), ``trade_diversion`` (each supplier's change in sales in the
    largest shocked markets; absent when no tariff changed).
    """
    matplotlib = _load_package("matplotlib")
    with matplotlib.rc_context({"text.parse_math": False}):  # names are text, never mathtext
        figs = {"ev_by_region": _fig_ev_by_region(res),
                "trade_by_sector": _fig_trade_by_sector(res),
                "output_by_sector": _fig_output_by_sector(res),
                "trade_diversion": _fig_diversion(res)}
    return {k: f for k, f in figs.items() if f is not None}


def save_figure(fig: Figure, stem: Path) -> list[Path]:
    """Write ``fig`` as ``stem.png`` (150 dpi) and ``stem.svg``; return the two paths."""
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    with warnings.catch_warnings():  # names the font lacks, or too long to lay out: still drawn
        warnings.filterwarnings("ignore", r"Glyph .* missing from font", UserWarning)
        warnings.filterwarnings("ignore", r"constrained_layout not applied", UserWarning)
        fig.savefig(png, dpi=150, metadata={"Software": "cge"})
        # the layout found for the PNG is kept for the SVG (positions are fractions of the
        # figure, sizes in points: the same at any dpi), which saves solving it again
        engine = fig.get_layout_engine()
        fig.set_layout_engine("none")
        try:
            fig.savefig(svg, metadata={"Date": None, "Creator": "cge"})
        finally:
            fig.set_layout_engine(engine)
    return [png, svg]
