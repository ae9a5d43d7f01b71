"""Strategic problems from a scenario file, as the command line runs them: build the economy
the scenario asks for, solve the problem from its policies, describe it and write its folder
(``cge optimal``, ``cge nash``, ``cge frontier``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..economy import Economy, scenario_closure, scenario_data
from ..indicators import compute
from ..scenario import Scenario, load_scenario
from . import output
from .games import best_responses, frontier, nash
from .optimum import BOUNDS, optimal_tariff, start_point


@dataclass
class Study:
    """A solved strategic problem: ``result`` (Optimum, NashEquilibrium or Frontier), its
    tables and figures, and the economy and scenario it was solved on."""

    kind: str
    economy: Economy
    scenario: Scenario | None
    result: object
    tables: dict[str, pd.DataFrame]
    figures: dict = field(default_factory=dict)
    started: float = 0.0

    def describe(self) -> str:
        """A few lines for the terminal."""
        unit = self.economy.dataset.unit
        lines = []
        if self.kind == "optimal":
            opt = self.result
            lines.append(f"optimal tariffs of {opt.instrument.region} ({opt.instrument.kind}, "
                         f"{opt.objective} EV; others' tariffs as in the scenario):")
            lines += [f"  {r.control:<12} {r.start_pct:8.2f}% -> {r.optimal_pct:8.2f}%"
                      + ("  (at a bound)" if r.at_bound else "")
                      for r in self.tables["rates"].itertuples()]
            lines.append(f"  EV of {opt.instrument.region}: {opt.ev_status_quo[opt.instrument.region]:,.0f}"
                         f" -> {opt.welfare:,.0f} {unit}; max |projected gradient| "
                         f"{abs(opt.projected_gradient).max():.1e}; residual {opt.residual:.1e}; "
                         f"{opt.seconds:.1f} s")
        elif self.kind == "nash":
            war = self.result
            lines.append(f"Nash tariff war ({war.objective} EV), {war.rounds} best-response "
                         f"rounds, last change {war.max_change:.1e}:")
            for r, d in war.rates.items():
                lines.append(f"  {r}: " + ", ".join(f"{n} {100 * v:.2f}%" for n, v in d.items()))
            for r in war.rates:
                lines.append(f"  EV of {r}: war {war.ev[r]:,.0f}, free trade "
                             f"{war.ev_free_trade[r]:,.0f}, status quo {war.ev_status_quo[r]:,.0f} "
                             f"{unit}; gain from deviating {war.deviation_gain[r]:.1e}")
            lines.append(f"  world EV: war {sum(war.ev.values()):,.0f}, free trade "
                         f"{sum(war.ev_free_trade.values()):,.0f} {unit}")
        else:
            fr = self.result
            a, b = fr.regions
            lines.append(f"bargaining space of {a} and {b}: {len(fr.points)} frontier points, "
                         f"threat point: {fr.threat_kind}")
            for row in self.tables["points"].itertuples(index=False):
                lines.append(f"  {row[0]:<28} EV {a} {row[1]:>12,.0f}  EV {b} {row[2]:>12,.0f}"
                             f"  frontier {b} {row[3]:>12,.0f}")
        return "\n".join(lines)

    def write(self, out: str | Path, *, overwrite: bool = False, command=None) -> Path:
        """Write the folder (tables, figures, metadata) atomically."""
        res = self.result
        desc = {"problem": self.kind, "objective": getattr(res, "objective", None)}
        if self.kind == "optimal":
            desc.update(region=res.instrument.region, instrument=res.instrument.kind,
                        bounds=list(res.bounds), evaluations=res.evaluations,
                        seconds=res.seconds, max_projected_gradient=float(
                            abs(res.projected_gradient).max()), residual=res.residual)
        elif self.kind == "nash":
            desc.update(regions=list(res.rates), instrument=res.instruments[0].kind,
                        rounds=res.rounds, last_change=res.max_change,
                        convergence="a full round of best responses changes no rate by more "
                        "than the tolerance", deviation_gain=res.deviation_gain,
                        residual=res.residual, seconds=res.seconds)
        else:
            desc.update(regions=res.regions, instrument=res.instruments[0].kind,
                        points=len(res.points), threat=res.threat_kind, seconds=res.seconds,
                        objective=res.war.objective if res.war is not None else None)
        return output.write(out, self.economy, self.scenario, self.tables, self.figures, desc,
                            overwrite=overwrite, command=command, started=self.started)


def _economy(scenario, data, closure) -> tuple[Economy, Scenario | None]:
    sc = scenario if isinstance(scenario, Scenario) or scenario is None else load_scenario(scenario)
    eco = Economy(scenario_data(data, [sc]), scenario_closure(closure, sc),
                  sc.elasticities if sc is not None else None)
    return eco, sc


def _start_solution(eco, sc):
    x0, p0 = start_point(eco, sc)
    return output.solution(eco, x0, p0, 0.0, "status quo")


def optimal_study(scenario, region: str, kind: str = "uniform", *, data=None, closure=None,
                  objective: str = "regional", bounds=BOUNDS,
                  economy: Economy | None = None) -> Study:
    """``region``'s optimal tariffs from ``scenario``'s policies (:func:`optimal_tariff`)."""
    t0 = time.perf_counter()
    eco, sc = (economy, scenario) if economy is not None else _economy(scenario, data, closure)
    start = _start_solution(eco, sc)
    opt = optimal_tariff(eco, region, kind, scenario=sc, objective=objective, bounds=bounds)
    return Study("optimal", eco, sc, opt, output.optimum_tables(eco, opt, start), started=t0)


def nash_study(scenario, regions: list[str], kind: str = "uniform", *, data=None, closure=None,
               objective: str = "regional", bounds=BOUNDS, against: str = "players",
               economy: Economy | None = None) -> Study:
    """The Nash tariff war among ``regions`` from ``scenario``'s policies (:func:`nash`)."""
    t0 = time.perf_counter()
    eco, sc = (economy, scenario) if economy is not None else _economy(scenario, data, closure)
    start = _start_solution(eco, sc)
    war = nash(eco, regions, kind, scenario=sc, objective=objective, bounds=bounds,
               against=against)
    tables = output.nash_tables(eco, war, start)
    figures = {"best_responses": output.rounds_figure(war, tables["rounds"])}
    if len(regions) == 2 and all(len(i) == 1 for i in war.instruments):  # curves in a plane
        br = best_responses(eco, war, scenario=sc, bounds=bounds)
        tables["best_response_curves"] = output.best_response_table(br)
        figures["best_response_curves"] = output.best_response_curves_figure(br)
    return Study("nash", eco, sc, war, tables, figures, started=t0)


def frontier_study(scenario, regions: list[str], kind: str = "uniform", *, data=None,
                   closure=None, objective: str = "regional", bounds=BOUNDS,
                   against: str = "players", points: int = 50, threat: str = "nash",
                   place: list = (), economy: Economy | None = None) -> Study:
    """The bargaining space of two ``regions`` from ``scenario``'s policies
    (:func:`frontier`), with the scenarios ``place`` (files or Scenarios) placed on it."""
    t0 = time.perf_counter()
    eco, sc = (economy, scenario) if economy is not None else _economy(scenario, data, closure)
    others = [item if isinstance(item, Scenario) else load_scenario(item) for item in place]
    for other in others:  # refused before the frontier is computed, not after
        other.resolve(eco)
        if {q.cell for q in other.quotas} != set(eco.quota_cells):
            raise ValueError(f"scenario {other.name} to place: its quotas are not those of "
                             f"the scenario the frontier starts from; place it on a frontier "
                             "that starts from a scenario with the same quotas")
    fr = frontier(eco, regions, kind, scenario=sc, objective=objective, bounds=bounds,
                  against=against, points=points, threat=threat)
    placed = {}
    for other in others:
        eco.apply(other)
        sol = eco.solve()
        name = "ev" if objective == "regional" else "ev_household"
        ev = dict(zip(eco.benchmark.regions, compute(eco, sol, [name])[name].tolist()))
        placed[other.name] = {r: float(ev[r]) for r in regions}
    pts = output.frontier_points(fr, placed)
    tables = {"frontier": fr.points, "points": pts}
    if fr.war is not None:
        tables["war_rates"] = pd.DataFrame([(r, n, 100 * v) for r, d in fr.war.rates.items()
                                            for n, v in d.items()],
                                           columns=["region", "control", "war_pct"])
    return Study("frontier", eco, sc, fr, tables,
                 {"frontier": output.frontier_figure(fr, pts, eco.dataset.unit)}, started=t0)
