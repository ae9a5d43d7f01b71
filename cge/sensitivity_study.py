"""How sure is a scenario's result, and which of its shocks did it: the analyses of
:mod:`cge.sensitivity` run together on one scenario (what ``cge sensitivity`` runs).

Systematic sensitivity analysis (SSA) over elasticities and the shock size, subtotals by shock
group and local sensitivities to each shocked tariff, at the scenario's solution. See
docs/sensitivity.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import report
from .data import Dataset
from .economy import Economy, scenario_closure, scenario_data
from .scenario import Scenario
from .sensitivity import local_sensitivities, scenario_groups, ssa
from .sensitivity import subtotals as shock_subtotals
from .solver import SolveInfo

#: What is varied when nothing is asked for: sigma_d and sigma_m over ±50% of their values.
DEFAULT_WIDTHS = {"sigma_d": 0.5, "sigma_m": 0.5}

_PD_OPTIONS = ("display.width", 200, "display.max_columns", 20,
               "display.float_format", "{:,.4g}".format)


class VaryError(ValueError):
    """A ``KIND=WIDTH`` text that does not parse."""


def parse_widths(items: Sequence[str]) -> dict[str, float]:
    """Half-widths by elasticity kind from ``KIND=WIDTH`` texts (e.g. ``sigma_m=0.5``: ±50%).

    Raises:
        VaryError: naming the text.
    """
    widths = {}
    for item in items:
        kind, sep, w = item.partition("=")
        try:
            widths[kind.strip()] = float(w)
        except ValueError:
            raise VaryError(f"{item!r}: expected KIND=WIDTH, e.g. sigma_m=0.5") from None
        if not sep:
            raise VaryError(f"{item!r}: expected KIND=WIDTH")
    return widths


@dataclass
class SensitivityStudy:
    """The analyses of one scenario, at its solution.

    Attributes:
        scenario, economy: the scenario and the economy solved at it.
        info: the scenario's solve.
        ssa: the SSA settings (``vary``: half-width by elasticity kind, ``shock_width``,
            ``method``, ``distribution``, ``draws``, ``seed``), as recorded in metadata.json.
        tables: result tables by name (``ssa_summary``, ``subtotals_ev``, ``local_ev``, ...).
        figure: draws the SSA figure to a path (None without SSA).
        text: what ``cge sensitivity`` prints.
    """

    scenario: Scenario
    economy: Economy
    info: SolveInfo
    ssa: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figure: Callable[[Path], object] | None = None
    text: str = ""

    def describe(self) -> str:
        """The printed summary: scenario, data, closure and each analysis's EV table."""
        return self.text

    def write(self, target: str | Path, *, overwrite: bool = False,
              command: list[str] | None = None, started: float | None = None) -> Path:
        """Write the tables (CSV), the SSA figure (PNG, SVG) and metadata.json to ``target``,
        atomically. ``started``: ``time.perf_counter()`` at the start, for ``wall_seconds``."""
        with report.atomic_dir(target, overwrite=overwrite) as tmp:
            for name, table in self.tables.items():
                table.to_csv(tmp / f"{name}.csv")
            if self.figure is not None:
                self.figure(tmp / "ssa_ev.png")
                self.figure(tmp / "ssa_ev.svg")
            wall = time.perf_counter() - started if started is not None else None
            meta = report.solve_metadata(self.economy, self.scenario, self.info, command=command,
                                         wall_seconds=wall)
            meta["ssa"] = dict(self.ssa)
            meta["tables"] = list(self.tables)
            report.write_metadata(tmp, meta)
        return Path(target)


def _table(table: pd.DataFrame) -> str:
    with pd.option_context(*_PD_OPTIONS):
        return table.to_string()


def study(scenario: Scenario, *, widths: dict[str, float] | None = None, shock_width: float = 0.0,
          method: str = "quadrature", distribution: str = "uniform", draws: int = 1000,
          seed: int = 0, subtotals: bool = False, local: bool = False,
          data: str | Path | Dataset | None = None, closure: str | None = None,
          elasticities: str | None = None, revenue: str | None = None) -> SensitivityStudy:
    """Solve ``scenario`` and run the analyses asked for.

    SSA when ``widths`` (half-width by elasticity kind, a share of its value) or ``shock_width``
    (a share of the scenario's tariff changes) is given; :data:`DEFAULT_WIDTHS` when no
    analysis is asked for at all. ``subtotals``: contributions of the scenario's shock groups
    to regional EV; ``local``: d(regional EV)/d(tariff) per percentage point of each shocked
    tariff. ``closure``, ``revenue`` (how revenue is used) and ``elasticities`` (an elasticity
    set of the data) override the scenario's. Every point of the SSA is solved under the
    scenario's closure (with its revenue rule and swaps) with its instruments.
    """
    widths = dict(widths or {})
    if not (widths or shock_width or subtotals or local):
        widths = dict(DEFAULT_WIDTHS)
    eco = Economy(scenario_data(data, [scenario]), scenario_closure(closure, scenario, revenue),
                  elasticities or scenario.elasticities)
    eco.apply(scenario)
    info = eco.solve()  # the scenario's solution: the point of subtotals and local results
    unit = eco.dataset.unit
    out = SensitivityStudy(scenario, eco, info, {"vary": widths, "shock_width": shock_width,
                                                 "method": method, "distribution": distribution,
                                                 "draws": draws, "seed": seed})
    lines = [f"scenario  {scenario.name} (data {eco.dataset.name}, {unit}; closure "
             f"{eco.closure.name}; elasticities {eco.dataset.elasticity_set})"]
    if widths or shock_width:
        a = ssa(eco, scenario, widths, shock=shock_width, method=method,
                     distribution=distribution, draws=draws, seed=seed)
        out.tables |= {"ssa_summary": a.summary, "ssa_parameters": a.parameters,
                       "ssa_points": a.points}
        out.figure = a.figure
        lines += ["", f"SSA: {len(a.parameters)} parameters, {a.method}, {len(a.points)} points"
                  + (f", {len(a.failed)} failed" if a.failed else "")
                  + (" (interval: mean ± 2 s.d.)" if method == "quadrature"
                     else " (interval: 2.5–97.5% quantiles)"),
                  f"regional EV ({unit}):", _table(a.ev())]
    if subtotals:
        st = shock_subtotals(eco, scenario_groups(scenario, eco))
        out.tables |= {"subtotals_ev": st.ev, "subtotals_variables": st.variables}
        lines += ["", f"subtotals of regional EV by shock group ({unit}; they add up to the "
                  "total):", _table(st.ev)]
    if local:
        ls = local_sensitivities(eco, scenario.resolve(eco).cells)
        out.tables |= {"local_ev": ls.ev, "local_variables": ls.variables}
        lines += ["", f"d(regional EV)/d(tariff) at the scenario, {unit} per percentage point:",
                  _table(ls.ev)]
    out.text = "\n".join(lines)
    return out
