"""Figures of a run (matplotlib, on the Agg canvas: no GUI, no pyplot state).

matplotlib is imported only when a figure is drawn, so that importing :mod:`cge.report` stays
cheap. :func:`figures` draws the figures of one run, :func:`save_figure` writes one as PNG and
SVG; :func:`new_figure` and :func:`grouped_bars` are the building blocks (also used by the
comparison's figure).
"""

from __future__ import annotations

import textwrap
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


#: Okabe & Ito's colour-blind-safe palette. One meaning per colour in every figure of cge:
#: a gain (a positive change) is blue, a loss vermillion; the shocked suppliers of a market
#: are marked by a black edge; series that are neither (regions, scenarios) take the other
#: colours in a fixed order (docs/outputs.md §2).
GAIN, LOSS = "#0072B2", "#D55E00"
SERIES = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#000000", "#999999")
#: One bar swamps the others when it is this many times the next largest (in absolute value):
#: the figure then adds a panel without it.
SWAMP = 4.0


def sign_colors(values) -> list[str]:
    """Blue for a gain (≥ 0), vermillion for a loss, for each value (NaN: grey)."""
    return ["#999999" if not np.isfinite(v) else GAIN if v >= 0 else LOSS for v in values]


def swamped(values) -> int | None:
    """Position of the bar that swamps the others (|value| ≥ :data:`SWAMP` × the next
    largest, with at least three bars), or None."""
    v = np.abs(np.nan_to_num(np.asarray(values, dtype=float)))
    if v.size < 3:
        return None
    order = np.argsort(v)[::-1]
    top, second = v[order[0]], v[order[1]]
    return int(order[0]) if top > 0 and top >= SWAMP * max(second, 1e-300) else None


def title(res: ResultsLike, what: str, width: float = 7.0) -> str:
    """A figure's title: the scenario's description (else its name), wrapped to the figure's
    ``width`` (inches; at most two lines, shortened with "…"), then what is shown."""
    sc = res.scenario
    head = (sc.description if sc is not None and sc.description else res.name).strip()
    lines = textwrap.wrap(head, max(int(width * 11), 30))
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), max(int(width * 11), 30),
                                            placeholder=" …")]
    return "\n".join(lines + [what])


def _number_axis(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fmt = FuncFormatter(lambda v, _: f"{v:,g}".replace("-", "\u2212"))
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(fmt)
    if axis == "x":  # long numbers side by side: few ticks
        target.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    (ax.axhline if axis == "y" else ax.axvline)(0.0, color="black", linewidth=0.6)
    ax.grid(axis=axis, alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _style(ax) -> None:
    _number_axis(ax, "y")


def grouped_bars(ax, categories: list[str], series: dict[str, list[float]]) -> None:
    """Bars on ``ax``: one group per category, one bar per series (legend if more than one),
    series coloured in :data:`SERIES` order."""
    n = max(len(series), 1)
    width = 0.8 / n
    x = np.arange(len(categories))
    for k, (label, vals) in enumerate(series.items()):
        ax.bar(x + (k - (n - 1) / 2) * width, vals, width, label=label,
               color=SERIES[k % len(SERIES)] if n > 1 else sign_colors(vals))
    ax.set_xticks(x, categories, rotation=45 if len(categories) > 6 else 0,
                  ha="right" if len(categories) > 6 else "center")
    _style(ax)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize="small")


def hbars(ax, labels: list[str], values, *, unit: str, edges=None, sort: bool = True,
          annotate: list[str] | None = None) -> None:
    """Horizontal bars, largest on top (``sort``), blue gains and vermillion losses, the value
    axis labelled with ``unit``; ``edges``: bars drawn with a black edge (e.g. the shocked
    suppliers); ``annotate``: a text at the end of each bar."""
    vals = np.asarray(values, dtype=float)
    order = np.argsort(-np.nan_to_num(vals, nan=-np.inf), kind="stable") if sort \
        else np.arange(vals.size)
    y = np.arange(vals.size)
    bars = ax.barh(y, vals[order], color=sign_colors(vals[order]),
                   edgecolor=["black" if edges is not None and edges[k] else "none" for k in order],
                   linewidth=1.2)
    ax.set_yticks(y, [str(labels[k]) for k in order])
    ax.invert_yaxis()
    if annotate is not None:
        ax.bar_label(bars, labels=[annotate[k] for k in order], padding=2, fontsize="x-small")
        ax.margins(x=0.2)
    _number_axis(ax, "x")
    ax.set_xlabel(unit)


def panels(fig: Figure, n: int, cols: int) -> list:
    """``n`` axes in a grid of at most ``cols`` columns (the unused ones removed)."""
    rows = -(-n // cols)
    axes = fig.subplots(rows, min(cols, n), squeeze=False).ravel()
    for ax in axes[n:]:
        ax.remove()
    return axes[:n]


def _fig_ev_by_region(res: ResultsLike) -> Figure:
    """EV by region in the currency unit, largest gain on top, each bar labelled with EV in %
    of base income; when one region's EV swamps the others', a second panel shows them
    without it (small multiples instead of a broken axis)."""
    summ = res.summary
    ev, pct = summ["ev"].to_numpy(dtype=float), summ["ev_pct_income"].to_numpy(dtype=float)
    regions = [str(r) for r in summ.index]
    big = swamped(ev)
    width = 8.5 if big is not None else 6.0
    fig = new_figure(width, 1.1 + 0.32 * len(regions))
    axes = fig.subplots(1, 2 if big is not None else 1, squeeze=False)[0]
    notes = [f"{p:+.3g}%" for p in pct]
    hbars(axes[0], regions, ev, unit=f"EV ({res.unit})", annotate=notes)
    if big is not None:
        keep = [k for k in range(len(regions)) if k != big]
        hbars(axes[1], [regions[k] for k in keep], ev[keep], unit=f"EV ({res.unit})",
              annotate=[notes[k] for k in keep])
        axes[1].set_title(f"without {regions[big]}", fontsize="small")
    fig.suptitle(title(res, "Equivalent variation by region (labels: % of base income)", width),
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
    """Import volume % change by sector (sorted), two panels: the shocked flow (exporter →
    importer) with the largest base-year trade in the shocked cells, and the flow in the other
    direction (else the next shocked flow)."""
    trade = res.trade
    cells = res.tariff_change.cells
    pairs = shocked_pairs(trade, cells)
    if not pairs:
        return None
    size: dict[tuple[str, str], float] = {}
    for e, i, s in cells:
        size[e, i] = size.get((e, i), 0.0) + float(trade.at[(e, i, s), "trade_base_value"])
    top = max(size, key=size.get)
    rest = [p for p in pairs if p != top]
    pairs = [top] + ([top[::-1]] if top[::-1] in rest else rest)[:1]
    sectors = [s for s in res.economy.dataset.sectors if s in set(trade.index.get_level_values(2))]
    width = 3.4 * min(len(pairs), 2) + 1.0
    fig = new_figure(width, 1.2 + 0.22 * len(sectors) * (-(-len(pairs) // 2)))
    axes = panels(fig, len(pairs), 2)
    for ax, (e, i) in zip(axes, pairs):
        sub = trade.xs((e, i), level=("exporter", "importer"))["trade_volume_pct"]
        secs = [s for s in sectors if s in sub.index and np.isfinite(sub[s])]
        hbars(ax, secs, [float(sub[s]) for s in secs], unit="import volume (% change)")
        ax.set_title(f"{i} imports from {e}", fontsize="small")
    fig.suptitle(title(res, "Bilateral imports by sector, volume", width), fontsize="medium")
    return fig


def diverging_cmap():
    """Vermillion (loss) → white → blue (gain): the colours of every cge figure as a scale."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("cge_gain_loss", [LOSS, "#FFFFFF", GAIN])


def _fig_output_by_sector(res: ResultsLike) -> Figure:
    """Output volume % change by region (columns) and sector (rows, sorted by the mean change
    across regions, largest on top) as one heat map, blue gains and vermillion losses on a
    scale symmetric about 0; when one cell swamps the others (:data:`SWAMP`), the scale stops
    at the next largest and the swamping cell is written out."""
    sec = res.sectors["output_pct"]
    regions = list(dict.fromkeys(r for r, _ in sec.index))
    sectors = list(dict.fromkeys(s for _, s in sec.index))
    values = np.array([[float(sec[r, s]) for r in regions] for s in sectors])
    order = np.argsort(-np.nanmean(values, axis=1), kind="stable")
    values, sectors = values[order], [sectors[k] for k in order]
    flat = np.abs(np.nan_to_num(values)).ravel()
    big = swamped(flat)
    lim = float(np.sort(flat)[-2] if big is not None else flat.max()) or 1.0
    width = 1.8 + 0.42 * len(regions)
    fig = new_figure(max(width, 5.0), 1.6 + 0.24 * len(sectors))
    ax = fig.add_subplot()
    im = ax.imshow(values, cmap=diverging_cmap(), vmin=-lim, vmax=lim, aspect="auto",
                   interpolation="nearest")
    ax.set_xticks(np.arange(len(regions)), [str(r) for r in regions],
                  rotation=45 if len(regions) > 8 else 0, ha="right" if len(regions) > 8 else "center")
    ax.set_yticks(np.arange(len(sectors)), [str(s) for s in sectors])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if big is not None:
        r, c = divmod(big, len(regions))
        ax.text(c, r, f"{values[r, c]:+.3g}", ha="center", va="center", fontsize="x-small",
                color="white")
    bar = fig.colorbar(im, ax=ax, shrink=0.8, extend="both" if big is not None else "neither")
    bar.set_label("output volume (% change)")
    fig.suptitle(title(res, "Output by sector and region, volume (sectors by mean change)",
                       max(width, 5.0)), fontsize="medium")
    return fig


def _fig_diversion(res: ResultsLike) -> Figure | None:
    """Who replaces the shocked suppliers: each supplier's change in sales (base buyers'
    prices) in the shocked markets with the largest base sales of shocked suppliers (at most
    four), one panel per market, sorted; the shocked suppliers have a black edge."""
    div = res.diversion
    if not len(div):
        return None
    shocked = div.index.get_level_values("shocked") == "yes"
    base = div["sales_base"].where(shocked, 0.0)
    size = base.groupby(level=["importer", "sector"]).sum().sort_values(ascending=False)
    keys = [k for k in size.index[:4]]
    imp_of, sec_of = div.index.get_level_values("importer"), div.index.get_level_values("sector")

    def market(imp: str, sec: str) -> pd.DataFrame:  # masks: the index need not be sorted
        return div[(imp_of == imp) & (sec_of == sec)].droplevel(["importer", "sector"])

    fig = new_figure(7.0, 1.4 + 1.1 * sum(len(market(*k)) for k in keys) / 3)
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    for ax, (imp, sec) in zip(axes, keys):
        sub = market(imp, sec)
        hbars(ax, [str(n) for n, _ in sub.index], sub["sales_change"].to_numpy(),
              unit=f"change in sales ({res.unit}, base buyers' prices)",
              edges=[flag == "yes" for _, flag in sub.index])
        ax.set_title(f"{imp} market for {sec} (black edge: shocked suppliers)", fontsize="small")
    fig.suptitle(title(res, "Trade diversion: who replaces the shocked suppliers"),
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
    """Write ``fig`` as ``stem.png`` (150 dpi) and ``stem.svg``; return the two paths.

    The layout is solved once (constrained layout, in a draw that renders nothing) and then
    switched off, so that each file costs one draw: with a layout engine on, matplotlib's
    ``savefig`` draws the figure twice per file (once to lay it out, once to render). The
    positions it found are fractions of the figure and its sizes points, so they hold at any
    dpi. The SVG keeps its text as text (``svg.fonttype = "none"``: editable and searchable in
    a vector editor, and not converted to outlines glyph by glyph); the viewer draws it in the
    first of matplotlib's font family that it has (DejaVu Sans, else a sans-serif).
    """
    import matplotlib

    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    with warnings.catch_warnings():  # names the font lacks, or too long to lay out: still drawn
        warnings.filterwarnings("ignore", r"Glyph .* missing from font", UserWarning)
        warnings.filterwarnings("ignore", r"constrained_layout not applied", UserWarning)
        engine = fig.get_layout_engine()
        fig.draw_without_rendering()  # runs the layout engine once
        fig.set_layout_engine(None)  # None, not "none": "none" leaves a placeholder engine
        try:
            fig.savefig(png, dpi=150, metadata={"Software": "cge"})
            with matplotlib.rc_context({"svg.fonttype": "none"}):
                fig.savefig(svg, metadata={"Date": None, "Creator": "cge"})
        finally:
            fig.set_layout_engine(engine)
    return [png, svg]
