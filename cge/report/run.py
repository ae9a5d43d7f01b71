"""The output folder of one run: tables, figures, ``report.md``, the scenario file and
``metadata.json``, written atomically (:func:`write_outputs`; docs/outputs.md)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .folders import OutputError, atomic_dir, default_dir
from .plots import figures, save_figure
from .provenance import metadata, scenario_bytes, write_metadata
from .tables import latex_escape, write_tables

if TYPE_CHECKING:  # pragma: no cover
    from .protocol import ResultsLike

_TITLES = {"summary": "Welfare and macro aggregates by region",
           "trade": "Bilateral trade by sector (exporter → importer)",
           "welfare": "Decomposition of regional EV by region",
           "world": "World totals",
           "sectors": "Output, trade and prices by region and sector",
           "welfare_detail": "Decomposition of regional EV by component, sector and partner",
           "diversion": "Trade diversion in the shocked markets",
           "quotas": "Quotas: equivalents and rents"}


def latex_notes(res: ResultsLike) -> dict[str, dict[str, str]]:
    """Caption, label and notes (units, closure, data) of each LaTeX table of a run, by
    table name: what :func:`write_tables` passes to :func:`~cge.report.tables.to_latex`."""
    import re

    sc, ds, clo = res.scenario, res.economy.dataset, res.economy.closure
    stem = re.sub(r"[^A-Za-z0-9]+", "-", res.name).strip("-") or "run"
    what = f"{res.name}: {sc.description}" if sc is not None and sc.description else res.name
    notes = (f"Scenario {what}. Data: {ds.name}, values in {ds.unit} at base-year prices "
             "(exchange rates are 1 in the base year); \\% change is relative to the "
             "benchmark (the calibrated base year), an index is 1 there; each column's unit "
             f"is under its name. Closure: {clo.name} (numeraire: "
             f"{'CPI' if clo.numeraire == 'cpi' else clo.numeraire}; revenue: {clo.revenue}"
             f"{'; swaps: ' + ', '.join(f'{a} for {b}' for a, b in clo.swaps) if clo.swaps else ''})"
             f"; elasticities: {ds.elasticity_set}. Produced by cge.")
    esc = latex_escape(notes).replace("\\textbackslash{}\\%", "\\%")
    return {name: {"caption": latex_escape(f"{_TITLES.get(name, name)} ({res.name})"),
                   "label": f"tab:{stem}:{name}", "notes": esc} for name in res.tables()}


def _signed(x: float, unit: str = "", digits: int = 4) -> str:
    """``+1,234`` / ``−0.0123`` (a true minus sign) at ``digits`` significant digits."""
    from .tables import _decimals, format_number

    text = format_number(x, _decimals(np.array([x]), unit), "n/a")
    return ("+" + text if x > 0 else text).replace("-", "\u2212")


def _ranked(series: pd.Series, n: int) -> list:
    """The ``n`` entries of largest absolute value, largest first (NaN left out)."""
    s = series.dropna()
    return list(s.reindex(s.abs().sort_values(ascending=False).index)[:n].items())


def _report_md(res: ResultsLike, figs: list[str]) -> str:
    """``report.md``: a one-page summary (headline, what moved most, assumptions) with links
    to every table (Markdown, LaTeX, tidy CSV) and figure; the tables are not pasted."""
    sc, info, ds, u = res.scenario, res.info, res.economy.dataset, res.unit
    summ, world = res.summary, res.world
    lines = [f"# {res.name}", ""]
    if sc is not None and sc.description:
        lines += [sc.description, ""]
    if sc is not None and sc.source:
        lines += [f"Source: {sc.source}", ""]
    w = world.iloc[0]
    ev = summ["ev"]
    lines += ["## Headline", "",
              f"- World EV {_signed(w['world_ev'])} {u} ({_signed(w['world_ev_pct_income'], '%')}% "
              f"of world income); world real GDP {_signed(w['world_real_gdp_pct'])}%, world "
              f"trade volume {_signed(w['world_trade_volume_pct'])}%."]
    gain, loss = ev.idxmax(), ev.idxmin()
    for label, r in (("Largest gain", gain), ("Largest loss", loss)):
        lines.append(f"- {label}: {r}, EV {_signed(ev[r])} {u} "
                     f"({_signed(summ.at[r, 'ev_pct_income'])}% of income), real GDP "
                     f"{_signed(summ.at[r, 'real_gdp_pct'])}%, terms of trade "
                     f"{_signed(summ.at[r, 'terms_of_trade_pct'])}%.")
    cells = res.tariff_change.cells
    if cells:
        tc = res.tariff_change
        lines.append(f"- Tariffs changed on {len(cells)} flow(s) (base → new, %): " + "; ".join(
            f"{i} ← {e} {s} {100 * tc.base[e, i, s]:.1f} → {100 * tc.new[e, i, s]:.1f}"
            for e, i, s in cells[:4]) + ("; …" if len(cells) > 4 else "") + ".")
    lines += ["", "## What moved most", "",
              "| region | EV (" + u + ") | EV (% of income) | real GDP (% change) |",
              "|:--|--:|--:|--:|"]
    for r in ev.sort_values(ascending=False).index:
        lines.append(f"| {r} | {_signed(ev[r])} | {_signed(summ.at[r, 'ev_pct_income'])} | "
                     f"{_signed(summ.at[r, 'real_gdp_pct'])} |")
    tr = res.trade
    change = tr["trade_volume"] - tr["trade_base_value"]
    lines += ["", f"Largest changes in bilateral trade (volume at base prices, {u}):", ""]
    lines += [f"- {i} ← {e}, {s}: {_signed(v)} ({_signed(tr.at[(e, i, s), 'trade_volume_pct'])}%)"
              for (e, i, s), v in _ranked(change, 5)]
    sec = res.sectors
    out = sec["output_base"] * sec["output_pct"] / 100
    lines += ["", f"Largest changes in output (volume at base prices, {u}):", ""]
    lines += [f"- {r} {s}: {_signed(v)} ({_signed(sec.at[(r, s), 'output_pct'])}%)"
              for (r, s), v in _ranked(out, 5)]
    wel = res.welfare
    if wel.notna().all().all():
        lines += ["", f"Largest parts of EV in {loss} and {gain} ({u}; the decomposition of "
                  "docs/welfare.md):", ""]
        labels = {c: wel.attrs.get("columns", {}).get(c, {}).get("label", c) for c in wel.columns}
        for r in dict.fromkeys((loss, gain)):
            parts = wel.loc[r].drop(["ev", "residual"], errors="ignore")
            lines.append(f"- {r}: " + ", ".join(f"{labels[c]} {_signed(v)}"
                                                for c, v in _ranked(parts, 3)) + ".")
    lines += ["", "## Assumptions", "",
              f"- data: {ds.name} ({ds.unit}), digest `{ds.digest[:12]}`",
              f"- elasticities: {ds.describe_elasticities()}",
              f"- solve: {info.solver}"
              + (f" (continuation: {info.steps} steps)" if info.steps > 1 else "")
              + f", {info.iterations} iterations, max residual "
              f"{info.max_residual:.1e}, Walras residual {info.max_walras:.1e}",
              *[f"- {a}" for a in res.assumptions()],
              "", "## Tables and figures", "",
              "Every table in full, as Markdown, LaTeX (`\\input`-ready) and tidy CSV "
              "(docs/outputs.md §3):", ""]
    for name in res.tables():
        lines.append(f"- {_TITLES.get(name, name)}: [{name}.md](tables/{name}.md), "
                     f"[{name}.tex](tables/{name}.tex), [{name}.csv]({name}.csv)")
    if figs:
        lines += ["", "Figures: " + ", ".join(f"[{f}](figures/{f}.png) ([SVG](figures/{f}.svg))"
                                              for f in figs), ""]
        if "ev_by_region" in figs:
            lines += ["![EV by region](figures/ev_by_region.png)", ""]
    return "\n".join(lines)


def write_outputs(res: ResultsLike, out_dir: str | Path | None = None, *, overwrite: bool = False,
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
        write_tables(res.tables(), tmp, latex=latex_notes(res))
        (tmp / "figures").mkdir()
        figs = figures(res)
        for stem, fig in figs.items():
            save_figure(fig, tmp / "figures" / stem)
        (tmp / "report.md").write_text(_report_md(res, list(figs)), encoding="utf-8")
        raw = scenario_bytes(res.scenario)  # the scenario file, if unchanged since it was read
        if raw is not None:
            (tmp / "scenario.toml").write_bytes(raw)
        write_metadata(tmp, metadata(res, wall_seconds=wall_seconds, command=command))
    return Path(out).absolute()

