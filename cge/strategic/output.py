"""Output folders of ``cge optimal``, ``cge nash`` and ``cge frontier``: tidy CSV tables, figures
and ``metadata.json``, written atomically like every other run (:mod:`cge.report.folders`)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..indicators import compute
from ..report.folders import atomic_dir
from ..report.plots import new_figure, save_figure
from ..report.provenance import solve_metadata, write_metadata
from ..solution import Solution
from ..solver import SolveInfo
from .games import Frontier, NashEquilibrium
from .optimum import Optimum

#: Welfare columns of the tables (indicator names of :mod:`cge.indicators`).
WELFARE = ("ev", "ev_pct_income", "ev_household", "ev_household_pct_income")


def solution(economy, x: np.ndarray, p: np.ndarray, seconds: float = 0.0,
             what: str = "strategic") -> Solution:
    """A :class:`~cge.solution.Solution` of a point found by :mod:`cge.strategic` (its
    residuals and the dropped Walras equations re-evaluated here)."""
    core = economy.core
    F = core.residual(np.asarray(x), list(p))
    info = SolveInfo(f"newton ({what})", True, 0, float(np.max(np.abs(F))),
                     core.dropped_residuals(np.asarray(x), list(p)).tolist(), seconds,
                     "converged")
    return Solution(np.asarray(x), np.asarray(p), info)


def welfare_table(economy, points: dict[str, Solution]) -> pd.DataFrame:
    """EV by region and the world (sum) at each named point: long table (point, region,
    measure, value), EV in the data's currency unit, shares in % of base income."""
    rows = []
    regions = list(economy.benchmark.regions)
    for name, sol in points.items():
        vals = compute(economy, sol, list(WELFARE))
        for measure in WELFARE:
            v = np.asarray(vals[measure], dtype=float)
            for r, x in zip(regions, v):
                rows.append((name, r, measure, float(x)))
            if not measure.endswith("pct_income"):
                rows.append((name, "world", measure, float(v.sum())))
    return pd.DataFrame(rows, columns=["point", "region", "measure", "value"])


def trade_table(economy, sol: Solution) -> pd.DataFrame:
    """Bilateral trade at a point (:attr:`cge.results.Results.trade`, tidy)."""
    from ..results import Results

    return Results(economy, None, sol).trade.reset_index()


def optimum_tables(economy, opt: Optimum, start: Solution) -> dict[str, pd.DataFrame]:
    """``rates`` (each control: cells, start rate — the mean of its cells' rates — and optimal
    rate in %, projected gradient), ``welfare`` (status quo and optimum) and ``trade`` (at
    the optimum)."""
    ins = opt.instrument
    rates = pd.DataFrame({
        "region": ins.region, "control": list(ins.names), "cells": [len(g) for g in ins.groups],
        "start_pct": [100 * opt.start[n] for n in ins.names],
        "optimal_pct": [100 * opt.rates[n] for n in ins.names],
        "at_bound": [bool(np.isclose(opt.rates[n], opt.bounds[0]) or
                          np.isclose(opt.rates[n], opt.bounds[1])) for n in ins.names],
        "projected_gradient": opt.projected_gradient})
    sol = solution(economy, opt.x, opt.p, opt.seconds, "optimal tariff")
    return {"rates": rates, "welfare": welfare_table(economy, {"status quo": start,
                                                              "optimum": sol}),
            "trade": trade_table(economy, sol)}


def nash_tables(economy, war: NashEquilibrium, start: Solution) -> dict[str, pd.DataFrame]:
    """``rates``, ``welfare`` (status quo, free trade among the players, war), ``rounds``
    (best-response history) and ``deviation`` (each player's gain from deviating)."""
    rows = [(r, n, 100 * v) for r, d in war.rates.items() for n, v in d.items()]
    names = [f"{r}:{n}" for r, n, _ in rows]
    sol_war = solution(economy, war.x, war.p, war.seconds, "Nash war")
    sol_free = solution(economy, war.x_free, war.p_free, 0.0, "free trade among the players")
    hist = pd.DataFrame(100 * np.array(war.history), columns=names)
    hist.insert(0, "round", np.arange(1, len(war.history) + 1))
    return {"rates": pd.DataFrame(rows, columns=["region", "control", "war_pct"]),
            "welfare": welfare_table(economy, {"status quo": start, "free trade": sol_free,
                                               "war": sol_war}),
            "rounds": hist, "trade": trade_table(economy, sol_war),
            "deviation": pd.DataFrame({
                "region": list(war.deviation_gain),
                "gain_from_deviating": list(war.deviation_gain.values()),
                "max_projected_gradient": [float(np.max(np.abs(g)))
                                           for g in war.projected_gradient.values()]})}


def frontier_points(fr: Frontier, placed: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The named points (status quo, threat, war, bargain, placed scenarios) with each
    player's EV and, for each, the frontier's EV of the second player at the first's EV and
    the gap (negative: inside the frontier)."""
    a, b = fr.regions
    pts = {"status quo" + (" (threat point)" if fr.threat_kind == "status_quo" else ""):
           fr.status_quo}
    if fr.war is not None:
        pts["Nash war" + (" (threat point)" if fr.threat_kind == "nash" else "")] = {
            r: fr.war.ev[r] for r in (a, b)}
    if fr.bargain is not None:
        pts["Nash bargaining solution"] = fr.bargain["ev"]
    pts.update(placed)
    rows = []
    for name, ev in pts.items():
        f = fr.frontier_value(ev[a])
        rows.append((name, ev[a], ev[b], f, ev[b] - f))
    return pd.DataFrame(rows, columns=["point", f"ev_{a}", f"ev_{b}", f"frontier_ev_{b}",
                                       f"gap_{b}"])


def frontier_figure(fr: Frontier, points: pd.DataFrame, unit: str):
    """The frontier in (EV of the first, EV of the second) with the named points."""
    a, b = fr.regions
    fig = new_figure(6.5, 5.0)
    ax = fig.add_subplot(1, 1, 1)
    pts = fr.points.sort_values(a)
    ax.plot(pts[a], pts[b], "-", color="black", linewidth=1.2, label="Pareto frontier")
    ax.plot(pts[a], pts[b], ".", color="black", markersize=3)
    marks = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">"]
    for k, row in points.reset_index(drop=True).iterrows():
        ax.plot(row[f"ev_{a}"], row[f"ev_{b}"], marks[k % len(marks)], markersize=7,
                label=str(row["point"]))
    ax.set_xlabel(f"EV of {a} ({unit})")
    ax.set_ylabel(f"EV of {b} ({unit})")
    ax.axhline(0.0, color="grey", linewidth=0.5)
    ax.axvline(0.0, color="grey", linewidth=0.5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    ax.set_title(f"Bargaining space of {a} and {b}", fontsize="medium")
    return fig


def rounds_figure(war: NashEquilibrium, table: pd.DataFrame):
    """Each control's rate after each best-response round."""
    fig = new_figure(6.5, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    for col in table.columns[1:]:
        ax.plot(table["round"], table[col], marker="o", markersize=3, label=col)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("best-response round")
    ax.set_ylabel("tariff (%)")
    ax.grid(alpha=0.3)
    if len(table.columns) <= 12:
        ax.legend(fontsize="small")
    ax.set_title("Tariff war: best responses", fontsize="medium")
    return fig


def best_response_table(br) -> pd.DataFrame:
    """The two best-response curves (:class:`~cge.strategic.games.BestResponses`), long:
    ``region`` (who responds), ``other_pct`` (the other player's rate) and ``best_pct``."""
    rows = [(r, 100 * v, 100 * br.response[k, j]) for k, r in enumerate(br.regions)
            for j, v in enumerate(br.grid)]
    return pd.DataFrame(rows, columns=["region", "other_pct", "best_pct"])


def best_response_curves_figure(br):
    """Both players' best-response curves in the plane of the two rates (%), crossing at the
    Nash war (the black dot)."""
    a, b = br.regions
    fig = new_figure(5.0, 4.5)
    ax = fig.add_subplot(1, 1, 1)
    g, resp = 100 * br.grid, 100 * br.response
    ax.plot(resp[0], g, marker="o", markersize=3, color="#0072B2", label=f"{a}'s best response")
    ax.plot(g, resp[1], marker="s", markersize=3, color="#D55E00", label=f"{b}'s best response")
    ax.plot([100 * br.war[0]], [100 * br.war[1]], "o", color="black", label="Nash war")
    ax.set_xlabel(f"{a}'s tariff on {b} (%)")
    ax.set_ylabel(f"{b}'s tariff on {a} (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", frameon=False)
    ax.set_title("Tariff war: best-response curves", fontsize="medium")
    return fig


def write(out: str | Path, economy, scenario, tables: dict[str, pd.DataFrame], figures: dict,
          strategic: dict, *, overwrite: bool = False, command=None,
          started: float | None = None, info: SolveInfo | None = None) -> Path:
    """Write ``tables`` (CSV), ``figures`` (PNG, SVG) and ``metadata.json`` (with the
    ``strategic`` problem's description) into ``out`` atomically; returns the folder."""
    with atomic_dir(out, overwrite) as tmp:
        for name, t in tables.items():
            t.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8")
        if figures:
            (tmp / "figures").mkdir()
            for name, fig in figures.items():
                save_figure(fig, tmp / "figures" / name)
        info = info or SolveInfo("newton (strategic)", True, 0, 0.0)
        meta = solve_metadata(economy, scenario, info, command=command,
                              wall_seconds=None if started is None
                              else time.perf_counter() - started)
        meta["strategic"] = strategic
        write_metadata(tmp, meta)
    return Path(out).absolute()
