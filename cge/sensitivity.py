"""Which shock did it, and how sensitive is it: subtotals and local sensitivities.

Subtotals (Harrison, Horridge & Pearson 2000)
    A scenario's shocks are split into groups (e.g. US tariffs vs Japanese retaliation). Along
    the straight line from the base to the scenario, the solution's tangent is linear in the
    parameter direction, so it splits exactly by group: ``dx/dλ = Σ_g dx_g/dλ``. Integrating
    each part over ``λ`` (Gauss–Legendre at solved points, :mod:`cge.path`) gives each group's
    contribution to every variable and to regional EV; the contributions add up to the total
    change (to the quadrature error, driven below 1e-9 relative by adding nodes).

Local sensitivities
    At a solution, ``dx/dt_k = −J⁻¹ ∂F/∂t_k`` for every tariff ``t_k`` (one LU factorisation),
    reported per percentage point: regional EV (currency unit) and every variable (percent of
    its base value).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .economy import SIGMA_ONE_GAP
from .indicators import compute, layout
from .path import tangents, walk
from .scenario import Scenario
from .welfare import ev_gradient


@dataclass
class Subtotals:
    """Contributions of shock groups to a scenario's results.

    Attributes:
        ev: per region: regional EV (``total``), each group's contribution and ``residual``
            (total − sum of groups), in the data's currency unit.
        variables: per model variable (index, base 1; prices and quantities): ``base``,
            ``new``, ``total`` change, each group's contribution and ``residual``. For a
            quantity index, ``100 × contribution`` is percentage points of the % change.
        groups: group name → {tariff cell (exporter, importer, sector): its change (fraction)}.
        nodes: quadrature nodes used.
    """

    ev: pd.DataFrame
    variables: pd.DataFrame
    groups: dict[str, list[tuple[str, str, str]]]
    nodes: int


def scenario_groups(scenario: Scenario, economy) -> dict[str, dict[tuple[str, str, str], float]]:
    """Shock groups of ``scenario``: group → {tariff cell: the part of its change (fraction)}.

    Shocks apply in order; each shock is credited with the change it makes to each cell's rate
    (e.g. a 15% floor then "AUTO at 15%": the floor made the whole change of AUTO, the second
    shock none). Groups are the shocks' ``group`` labels (shocks sharing a label are added
    up), else one per shock, named "shock k: importer from exporters, sectors".
    """
    ds, base = economy.dataset, economy.base_tariffs()
    groups: dict[str, dict] = {}
    before = dict(base)
    for k, sh in enumerate(scenario.shocks, start=1):
        after = dataclasses.replace(scenario, shocks=scenario.shocks[:k]).tariffs(ds, base)
        label = sh.group or _label(k, sh)
        for key, v in after.items():
            if v != before[key]:
                g = groups.setdefault(label, {})
                g[key] = g.get(key, 0.0) + v - before[key]
        before = after
    return {g: cells for g, cells in groups.items() if cells}


def _label(k: int, sh) -> str:
    ex = "all" if sh.exporters == "all" else ",".join(sh.exporters)
    se = "all goods" if sh.sectors == "all" else ",".join(sh.sectors)
    return f"shock {k}: {sh.importer} from {ex}, {se}"


def subtotals(economy, groups: dict[str, list | dict], *, tol: float = 1e-9,
              max_nodes: int = 256, solution=None) -> Subtotals:
    """Contributions of tariff ``groups`` to ``solution`` (default: the economy's current,
    solved point).

    ``groups`` maps a name to a list of tariff cells (exporter, importer, sector), whose whole
    change the group takes, or to {cell: part of its change (fraction)}, as from
    :func:`scenario_groups`. The groups must share out every tariff change exactly; any other
    changed parameter (e.g. an endowment) forms the group ``"other"``. The model's variables
    are left as they were.

    Raises:
        ValueError: a tariff change not shared out exactly, or an unknown cell.
        SolveError: a point on the path does not solve.
    """
    from .solution import Solution

    core, m, b = economy.core, economy.model, economy.benchmark
    if solution is None:
        solution = Solution(core.x_from_model(), core.params(), None)
    p1 = np.array(solution.p)
    p0 = np.array(economy.base_params(p1))
    x1 = np.array(solution.x)
    pos = {id(o): k for k, o in enumerate(core.param_objects)}
    dirs: dict[str, np.ndarray] = {}
    for name, cells in groups.items():
        d = np.zeros_like(p0)
        items = cells.items() if isinstance(cells, dict) else [(c, None) for c in cells]
        for key, part in items:
            if key not in m.tm:
                raise ValueError(f"group {name!r}: no traded flow {key}")
            k = pos.get(id(m.tm[key]))
            if k is not None:
                d[k] += (p1[k] - p0[k]) if part is None else part
        dirs[name] = d
    rest = p1 - p0 - np.sum(list(dirs.values()), axis=0)
    tm_pos = {pos[id(m.tm[key])]: key for key in m.tm if id(m.tm[key]) in pos}
    loose = [f"{tm_pos[k]} ({100 * rest[k]:+.6g} points)" for k in np.flatnonzero(
        np.abs(rest) > 1e-12 * (1 + np.abs(p1))) if k in tm_pos]
    if loose:
        raise ValueError(f"tariff change(s) in no group, or counted twice: {', '.join(loose[:5])}")
    rest[list(tm_pos)] = 0.0
    if np.any(rest != 0):
        dirs["other"] = rest
    names = list(dirs)
    total_x = x1 - economy.x_base
    ev = dict(zip(b.regions, compute(economy, solution, ["ev"])["ev"].tolist()))
    n = 8
    while True:
        cx = {g: np.zeros_like(x1) for g in names}
        cev = {g: dict.fromkeys(b.regions, 0.0) for g in names}
        for _, wt, x, p, dxs in walk(core, economy.x_base, p0, [dirs[g] for g in names], n):
            grad = ev_gradient(economy, x, p)
            for g, dx in zip(names, dxs):
                cx[g] += wt * dx
                for r, dev in zip(b.regions, grad @ dx):
                    cev[g][r] += wt * dev
        res_x = total_x - np.sum([cx[g] for g in names], axis=0)
        res_ev = {r: ev[r] - sum(cev[g][r] for g in names) for r in b.regions}
        scale = max(1.0, float(np.max(np.abs(x1))))
        ev_scale = max(abs(v) for v in ev.values()) or 1.0
        ok = (np.max(np.abs(res_x), initial=0.0) <= tol * scale
              and max(abs(v) for v in res_ev.values()) <= tol * ev_scale)
        if ok or 2 * n > max_nodes:
            break
        n *= 2
    ev_tab = pd.DataFrame({"total": pd.Series(ev), **{g: pd.Series(cev[g]) for g in names},
                           "residual": pd.Series(res_ev)}).reindex(list(b.regions))
    ev_tab.index.name = "region"
    var_tab = pd.DataFrame({"base": economy.x_base, "new": x1, "total": total_x,
                            **{g: cx[g] for g in names}, "residual": res_x},
                           index=pd.Index([v.name for v in core.variables], name="variable"))
    shares = {g: {tm_pos[k]: float(dirs[g][k]) for k in np.flatnonzero(dirs[g]) if k in tm_pos}
              for g in names}
    return Subtotals(ev=ev_tab, variables=var_tab, groups=shares, nodes=n)


@dataclass
class Sensitivities:
    """Derivatives of results with respect to each tariff, at a solution, per percentage point.

    Attributes:
        ev: (exporter, importer, sector) of the tariff × region: d(regional EV)/d(tariff), in
            the data's currency unit per percentage point.
        variables: model variable × tariff cell: d(variable)/d(tariff) in percent of the
            variable's base value per percentage point (for a variable whose base is not
            positive, such as foreign saving under fixed exchange rates: 100 × its change).
    """

    ev: pd.DataFrame
    variables: pd.DataFrame


def local_sensitivities(economy, cells: list[tuple[str, str, str]] | None = None,
                        solution=None) -> Sensitivities:
    """Local sensitivities of ``solution`` (default: the economy's current point) to tariffs
    ``cells`` (default: every traded flow), by the implicit-function theorem on the
    factorised Jacobian."""
    core, m, b = economy.core, economy.model, economy.benchmark
    p = np.array(core.params() if solution is None else solution.p)
    x = core.x_from_model() if solution is None else np.array(solution.x)
    pos = {id(o): k for k, o in enumerate(core.param_objects)}
    cells = list(m.tm) if cells is None else list(cells)
    dirs = []
    for key in cells:
        if key not in m.tm:
            raise ValueError(f"no traded flow {key}")
        d = np.zeros_like(p)
        d[pos[id(m.tm[key])]] = 0.01  # one percentage point
        dirs.append(d)
    dxs, _ = tangents(core, x, p, dirs)
    idx = pd.MultiIndex.from_tuples(cells, names=["exporter", "importer", "sector"])
    ev_tab = pd.DataFrame((ev_gradient(economy, x, p) @ np.column_stack(dxs)).T, index=idx,
                          columns=list(b.regions))
    # percent of base value; a variable without a positive base (foreign saving under fixed
    # exchange rates, base FS/SAV of any sign) in its own units × 100
    base = np.where(economy.x_base > 0, economy.x_base, 1.0)
    var_tab = pd.DataFrame(100 * np.column_stack(dxs) / base[:, None],
                           index=pd.Index([v.name for v in core.variables], name="variable"),
                           columns=idx)
    return Sensitivities(ev=ev_tab, variables=var_tab)


# ---------------------------------------------------------------------------------------------
# Systematic sensitivity analysis (SSA)


def stroud3(n: int) -> np.ndarray:
    """Stroud's order-3 quadrature points for ``n`` independent symmetric variables of mean 0 and
    variance 1 (Arndt 1996, GTAP Technical Paper 2; the points of GTAP's SSA, after Liu 1997):
    ``2n`` equally weighted points that reproduce every moment of order ≤ 3.

    Row ``j`` (1 ≤ j ≤ 2n): coordinates ``2r−1, 2r`` are ``√2 cos((2r−1) jπ/n)`` and
    ``√2 sin((2r−1) jπ/n)``; when ``n`` is odd the last is ``(−1)^j``.
    """
    pts = np.zeros((2 * n, n))
    for j in range(1, 2 * n + 1):
        for r in range(1, n // 2 + 1):
            ang = (2 * r - 1) * j * np.pi / n
            pts[j - 1, 2 * r - 2] = np.sqrt(2) * np.cos(ang)
            pts[j - 1, 2 * r - 1] = np.sqrt(2) * np.sin(ang)
        if n % 2:
            pts[j - 1, n - 1] = (-1) ** j
    return pts


#: Monte Carlo distributions (standardised: mean 0, variance 1, symmetric).
DISTRIBUTIONS = ("uniform", "triangular", "normal")


def _draw(dist: str, rng: np.random.Generator, shape, corr: np.ndarray | None) -> np.ndarray:
    """Standardised draws; with ``corr``, a Gaussian copula gives the rank correlation."""
    from scipy.stats import norm

    z = rng.standard_normal(shape)
    if corr is not None:
        z = z @ np.linalg.cholesky(corr).T
    if dist == "normal":
        return z
    u = norm.cdf(z)
    if dist == "uniform":
        return np.sqrt(3.0) * (2 * u - 1)
    # symmetric triangular on [-√6, √6]
    w = np.sqrt(6.0)
    return np.where(u < 0.5, -w + w * np.sqrt(2 * u), w - w * np.sqrt(2 * (1 - u)))


@dataclass
class SSA:
    """Systematic sensitivity analysis of one scenario.

    Attributes:
        summary: per result (``measure``, ``region``, ``item``): ``mean``, ``sd``, ``lower``,
            ``upper`` (quadrature: mean ± 2 sd; Monte Carlo: the 2.5% and 97.5% quantiles) and
            ``point`` (at the mean parameters). EV in the data's unit; trade and prices in %
            change from the benchmark.
        points: every point's parameter values (standardised and actual) and results.
        parameters: the varied parameters: name, mean, sd, distribution.
        method: ``"quadrature"`` or ``"montecarlo"``; ``failed``: points that did not solve.
    """

    summary: pd.DataFrame
    points: pd.DataFrame
    parameters: pd.DataFrame
    method: str
    failed: list[int]
    #: The data's currency unit (the EV axis of :meth:`figure`) and the scenario's description.
    unit: str = ""
    title: str = ""

    def ev(self) -> pd.DataFrame:
        """Mean and standard deviation of regional EV by region (the headline SSA table)."""
        t = self.summary.xs("EV", level="measure").droplevel("item")
        return t[["mean", "sd", "lower", "upper", "point"]]

    def figure(self, path=None):
        """EV by region (in the data's unit), sorted: mean with ±2 sd (or the Monte Carlo
        interval) as error bars, the point at the data's elasticities as a diamond; blue gains,
        vermillion losses, as in every figure of :mod:`cge.report.plots`.

        A :class:`matplotlib.figure.Figure` on its own Agg canvas (no pyplot: the process's
        backend, e.g. a notebook's, is left alone); written to ``path`` if given."""
        from ._deps import load
        from .report.plots import _style, new_figure, sign_colors

        matplotlib = load("matplotlib")  # past Pyomo's hook (pyplot): see cge._deps
        t = self.ev().sort_values("mean", ascending=False)
        interval = "±2 s.d." if self.method == "quadrature" else "2.5–97.5% quantiles"
        with matplotlib.rc_context({"text.parse_math": False}):  # names are text, never mathtext
            fig = new_figure(max(4.5, 0.5 * len(t) + 1.5), 3.6)
            ax = fig.add_subplot()
            err = np.vstack([t["mean"] - t["lower"], t["upper"] - t["mean"]])
            ax.bar([str(r) for r in t.index], t["mean"], yerr=err, capsize=4,
                   color=sign_colors(t["mean"]), ecolor="black")
            ax.plot([str(r) for r in t.index], t["point"], "D", color="black", markersize=3,
                    label="at the data's elasticities")
            _style(ax)
            ax.set_ylabel(f"EV ({self.unit})" if self.unit else "EV (data unit)")
            ax.legend(frameon=False, fontsize="x-small")
            head = (self.title + "\n") if self.title else ""
            fig.suptitle(f"{head}EV by region: mean and {interval} ({self.method}, "
                         f"{len(self.parameters)} parameters)", fontsize="medium")
            if path is not None:
                fig.savefig(path)
        return fig


def _measures(economy, solution, shocked: list) -> dict[tuple[str, str, str], float]:
    """The SSA's results at ``solution``, selected from the indicator layer."""
    vals = compute(economy, solution, ["ev", "trade_volume_pct", "imports_volume_pct", "cpi"])
    lay = layout(economy)
    R = list(economy.benchmark.regions)
    out = {("EV", r, ""): float(vals["ev"][k]) for k, r in enumerate(R)}
    for key in shocked:
        out[("trade volume (% change)", key[1], f"{key[2]} from {key[0]}")] = \
            float(vals["trade_volume_pct"][lay.cell(key)])
    for k, r in enumerate(R):
        out[("imports, total volume (% change)", r, "")] = float(vals["imports_volume_pct"][k])
        out[("real absorption price (CPI, % change)", r, "")] = 100 * (float(vals["cpi"][k]) - 1)
    return out


class IncompleteStudy(RuntimeError):
    """A sensitivity study some of whose points did not solve (their indices in ``failed``):
    moments from the others would be biased, so none is reported."""

    def __init__(self, message: str, failed: list[int]):
        super().__init__(message)
        self.failed = failed


def _varied(economy, current: dict, vary: dict[str, float], shock: float) -> list:
    """The parameters an SSA varies: (name, elasticity keys, relative half-width), one per
    elasticity kind and sector with a CES nest (common to all regions), and the shock size."""
    b = economy.benchmark
    params = []
    for kind, width in vary.items():
        if kind not in economy.ELASTICITIES:
            raise ValueError(f"unknown elasticity {kind!r}; kinds: {', '.join(economy.ELASTICITIES)}")
        if not 0 < width < 1:
            raise ValueError(f"{kind}: the relative half-width must be in (0, 1), not {width}")
        for i in b.sectors:
            keys = [k for k in current if k[0] == kind and k[2] == i
                    and (kind == "psi" or getattr(b, kind)[k[1:]] != 1)]
            if keys:
                params.append((f"{kind}[{i}]", keys, width))
    if shock:
        params.append(("shock size", [], shock))
    if not params:
        raise ValueError("nothing to vary: give elasticity kinds with CES nests, or a shock width")
    return params


def _design(method: str, n: int, distribution: str, draws: int, seed: int,
            correlation) -> np.ndarray:
    """Standardised points (unit variance), one row per point: Stroud-3 quadrature or seeded
    draws. A point x maps to value·(1 + width·x/√3): the uniform on ±width has sd width/√3;
    triangular and normal use the same sd."""
    if method == "quadrature":
        return stroud3(n)
    if draws < 2:
        raise ValueError(f"draws must be at least 2 for Monte Carlo moments, not {draws}")
    rng = np.random.default_rng(seed)
    corr = None
    if correlation is not None:
        corr = (np.full((n, n), float(correlation)) + (1 - float(correlation)) * np.eye(n)
                if np.isscalar(correlation) else np.asarray(correlation, dtype=float))
    return _draw(distribution, rng, (draws, n), corr)


def _check_study(economy, scenario: Scenario, method: str, distribution: str) -> None:
    """Refuse an SSA that cannot be right: a scenario written for other data
    (:func:`cge.economy.check_scenario_data`), an unknown method or distribution."""
    from .economy import check_scenario_data

    check_scenario_data(scenario, economy)
    if method not in ("quadrature", "montecarlo"):
        raise ValueError(f"method must be 'quadrature' or 'montecarlo', not {method!r}")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}")


def ssa(economy, scenario: Scenario, vary: dict[str, float], *, method: str = "quadrature",
        distribution: str = "uniform", shock: float = 0.0, draws: int = 1000, seed: int = 0,
        correlation: float | np.ndarray | None = None) -> SSA:
    """Systematic sensitivity analysis of ``scenario`` over elasticities and the shock size.

    Args:
        vary: elasticity kind (``sigma_va``, ``sigma_d``, ``sigma_m``, ``psi``) → relative
            half-width of its range, e.g. ``{"sigma_m": 0.5}`` varies each sector's σ_M over
            ±50% of its value (one parameter per sector, common to all regions, as GTAP's
            ESUBM; Cobb–Douglas nests and perfect transformation are not varied).
        shock: relative half-width for the size of the scenario's tariff changes (0: fixed);
            its other instruments (``[[instrument]]`` shocks) are the scenario's at every point.
        method: ``"quadrature"`` (Stroud order 3, 2N points for N parameters) or
            ``"montecarlo"`` (``draws`` seeded draws).
        distribution: ``"uniform"`` or ``"triangular"`` over the range, or ``"normal"`` with
            the range as ±√3 s.d. (same variance as the uniform).
        correlation: Monte Carlo only: a common correlation between all parameters, or a full
            matrix (Gaussian copula).

    Every point is solved under the economy's closure: build it with the scenario's
    (:func:`cge.economy.scenario_closure`: its closure, revenue rule and swaps), as
    :func:`cge.sensitivity_study.study` does. The economy is left with the data's elasticities,
    solved at the scenario (mean values).
    """
    _check_study(economy, scenario, method, distribution)
    economy.reset_elasticities()
    current = economy.elasticities()
    params = _varied(economy, current, vary, shock)
    X = _design(method, len(params), distribution, draws, seed, correlation)
    rel = X / np.sqrt(3.0) * np.array([w for _, _, w in params])
    if np.any(rel <= -1):
        raise ValueError("a draw makes a parameter non-positive: narrow the range or use a "
                         "bounded distribution")
    if scenario.quotas:
        raise ValueError(f"{scenario.name}: systematic sensitivity analysis of a scenario with "
                         "quotas is not supported yet (run it with cge run)")
    change = scenario.resolve(economy)
    base, final, shocked = change.base, change.new, change.cells
    economy.reset()
    others = scenario.instrument_values(economy.model)  # from the base values, as Economy.apply

    def set_instruments(scale: float) -> None:
        """The scenario's instruments, its tariff changes times ``scale``."""
        economy.reset()
        for name, values in others.items():
            par = getattr(economy.model, name)
            for key, v in values.items():
                par[key] = float(v)
        economy.set_tariffs({k: base[k] + scale * (final[k] - base[k]) for k in shocked})

    def run_point(row: np.ndarray | None):
        economy.reset_elasticities()
        scale = 1.0
        if row is not None:
            vals = {}
            for (name, keys, _), r_ in zip(params, row):
                if name == "shock size":
                    scale = 1 + r_
                    continue
                for k in keys:
                    v = current[k] * (1 + r_)
                    if k[0] != "psi" and abs(v - 1) < SIGMA_ONE_GAP:  # CES: singular at 1
                        v = 1 + np.copysign(SIGMA_ONE_GAP, v - 1)
                    vals[k] = v
            economy.set_elasticities(vals)
        set_instruments(scale)
        return _measures(economy, economy.solve(), shocked)

    point = run_point(None)
    rows, failed = [], []
    from .solver import SolveError

    reasons = {}
    for j, row in enumerate(rel):
        try:
            rows.append(run_point(row))
        except SolveError as exc:  # each point already tried continuation from the benchmark
            failed.append(j)
            reasons[j] = exc.headline
            rows.append(None)
    economy.reset_elasticities()
    set_instruments(1.0)
    economy.solve()
    if failed:  # moments of the points that solved would be biased: no partial result
        names = [name for name, _, _ in params]
        shown = "; ".join(
            f"point {j} ({', '.join(f'{n} {round(100 * v):+d}%' for n, v in zip(names, rel[j]))}): "
            f"{reasons[j]}" for j in failed[:3])
        raise IncompleteStudy(
            f"{scenario.name}: {len(failed)} of {len(rel)} sensitivity points did not solve, so "
            f"no moments are reported ({shown}{'; …' if len(failed) > 3 else ''}); narrow the "
            "ranges (--vary KIND=WIDTH, --shock-width) or use a bounded distribution",
            failed=failed)
    ok = [r for r in rows if r is not None]
    keys = list(point)
    Y = np.array([[r[k] for k in keys] for r in ok])
    mean, sd = Y.mean(axis=0), Y.std(axis=0)
    if method == "quadrature":
        lower, upper = mean - 2 * sd, mean + 2 * sd
    else:
        lower, upper = np.quantile(Y, 0.025, axis=0), np.quantile(Y, 0.975, axis=0)
    idx = pd.MultiIndex.from_tuples(keys, names=["measure", "region", "item"])
    summary = pd.DataFrame({"mean": mean, "sd": sd, "lower": lower, "upper": upper,
                            "point": [point[k] for k in keys]}, index=idx)
    pts = pd.DataFrame(X, columns=[name for name, _, _ in params])
    res = pd.DataFrame([r if r is not None else {} for r in rows])
    res.columns = [" | ".join(filter(None, k)) for k in res.columns]
    points = pd.concat([pts.add_prefix("x: "), res], axis=1)
    parameters = pd.DataFrame(
        [{"parameter": name, "relative half-width": w, "sd (relative)": w / np.sqrt(3.0),
          "distribution": "stroud3" if method == "quadrature" else distribution,
          "mean": (float(np.mean([current[k] for k in keys_])) if keys_ else 1.0)}
         for name, keys_, w in params]).set_index("parameter")
    return SSA(summary=summary, points=points, parameters=parameters, method=method,
               failed=failed, unit=economy.dataset.unit,
               title=scenario.description or scenario.name)
