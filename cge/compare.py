"""Several scenarios on one calibrated economy, side by side (what ``cge compare`` runs).

The economy is built once per closure and elasticity set; every scenario is checked against
the data before any is solved. A scenario that fails to solve is kept as a failed :class:`cge.report.Outcome`
with the reason, and the others still run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import report
from .data import Dataset
from .economy import Economy, resolve_data, run, scenario_closure, scenario_data
from .scenario import Scenario, base_rates
from .solver import SolveError
from .text import first_lines
from .toml_format import unique_names

#: Wraps the scenarios being solved, e.g. in a progress bar: called with the list, it returns a
#: context manager yielding an iterable over the same scenarios.
Progress = Callable[[list[Scenario]], AbstractContextManager[Iterable[Scenario]]]


class FlowError(ValueError):
    """A bilateral flow that is not ``EXPORTER:IMPORTER`` of two different regions."""


def parse_flows(specs: Sequence[str], ds: Dataset) -> list[tuple[str, str]]:
    """Flows ``(exporter, importer)`` from ``EXPORTER:IMPORTER`` texts; none given: the data
    set's headline flows (``meta.toml: headline_flows``; none declared: no flow).

    Raises:
        FlowError: naming the text and the regions of the data set.
    """
    if not specs:
        return list(ds.headline_flows)
    out = []
    for spec in specs:
        e, sep, i = spec.partition(":")
        if not sep or e not in ds.regions or i not in ds.regions or e == i:
            raise FlowError(f"{spec!r}: expected EXPORTER:IMPORTER with two different regions of "
                            f"{', '.join(ds.regions)}")
        out.append((e, i))
    return out


@dataclass
class Comparison:
    """Scenarios solved on one data set, side by side.

    Attributes:
        dataset: the data set.
        solver: solver used (``"newton"`` or ``"ipopt"``).
        closures: names of the closures used, in the order first met.
        flows: ``(exporter, importer)`` pairs whose goods imports are compared.
        outcomes: one per scenario, in order; names made unique (``name#2``, ...).
        elasticities: names of the elasticity sets used, in the order first met.
    """

    dataset: Dataset
    solver: str
    closures: list[str]
    flows: list[tuple[str, str]]
    outcomes: list[report.Outcome]
    elasticities: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Number of scenarios that did not solve."""
        return sum(not oc.ok for oc in self.outcomes)

    def table(self) -> pd.DataFrame:
        """The wide comparison (rows: region, variable, unit; a column per scenario): EV
        (currency unit and % of base income), real GDP (% change) and goods imports by flow."""
        return report.comparison_wide(report.comparison(self.outcomes, self.flows), self.outcomes)

    def describe(self, width: int | None = None) -> str:
        """The text ``cge compare`` prints, at most ``width`` characters wide (default: the
        terminal's, else 100): data, closures and solver; the table (:func:`cge.report.
        terminal_table`; failed scenarios shown as ``failed``); one status line per scenario."""
        import shutil
        import textwrap

        width = width or shutil.get_terminal_size((100, 24)).columns
        status = [f"{oc.name}: " + (f"ok, {oc.results.info.iterations} iterations, max residual "
                                    f"{oc.results.info.max_residual:.1e}" if oc.ok
                                    else f"FAILED: {oc.error}") for oc in self.outcomes]
        head = (f"data {self.dataset.name} ({self.dataset.unit}); closure "
                f"{', '.join(self.closures)}; elasticities "
                f"{', '.join(self.elasticities or [self.dataset.elasticity_set])}; solver {self.solver}")
        table = report.terminal_table(self.table(), width, na_rep="failed")
        wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="    ",
                                    break_long_words=True, break_on_hyphens=False)
        return "\n".join([textwrap.fill(head, width), "", table, "",
                          *[line for s in status for line in wrap.wrap(s)]])

    def metadata(self, *, command: list[str] | None = None,
                 wall_seconds: float | None = None) -> dict:
        """What :func:`cge.report.write_comparison` records besides the scenarios: the
        command line, closures, solver, flows and wall-clock seconds."""
        return {"command": command, "closures": list(self.closures),
                "elasticities": list(self.elasticities), "solver": self.solver,
                "flows": [list(p) for p in self.flows], "wall_seconds": wall_seconds}


def compare_scenarios(scenarios: Sequence[Scenario], *, data: str | Path | Dataset | None = None,
                      closure: str | None = None, solver: str = "newton",
                      flows: Sequence[str] = (), progress: Progress | None = None,
                      elasticities: str | None = None, revenue: str | None = None) -> Comparison:
    """Solve ``scenarios`` on one data set and gather them for comparison.

    ``closure`` overrides each scenario's own (default ``"default"``), ``revenue`` each
    scenario's revenue rule (default: its own, else the closure's), ``elasticities`` each scenario's
    elasticity set (default: the data's default set); ``flows`` are
    ``EXPORTER:IMPORTER`` texts (default: the data set's headline flows). Every scenario is
    checked against the data before any is solved; a scenario that fails to solve is recorded
    as failed (first two lines of the error) and the others still run.

    Raises:
        DataError, ScenarioError: bad data or a scenario that does not fit them.
        FlowError: a flow that is not two different regions of the data set.
    """
    ds = resolve_data(scenario_data(data, scenarios))
    pairs = parse_flows(flows, ds)
    economies: dict[tuple[str, str | None], Economy] = {}
    plan = []
    for sc in scenarios:  # one economy per closure and elasticity set; check every scenario first
        if sc.quotas:  # a quota is a swap of the closure: check it before the economy is built
            sc.tariffs(ds, base_rates(ds))
        key = (scenario_closure(closure, sc, revenue), elasticities or sc.elasticities)
        if key not in economies:
            economies[key] = Economy(ds, *key)
        sc.tariffs(ds, economies[key].base_tariffs())
        plan.append(economies[key])
    names = unique_names([sc.name for sc in scenarios])
    outcomes = []
    items = list(scenarios)
    with (progress(items) if progress is not None else nullcontext(items)) as bar:
        for sc, eco, name in zip(bar, plan, names):
            oc = report.Outcome(name, path=sc.path, digest=sc.digest)
            try:
                oc.results = run(sc, economy=eco, solver=solver,
                                 elasticities=eco.dataset.elasticity_set)
            except SolveError as exc:
                oc.error = first_lines(exc)
            outcomes.append(oc)
    closures = list(dict.fromkeys(c.name for c, _ in economies))
    sets = list(dict.fromkeys(e.dataset.elasticity_set for e in economies.values()))
    return Comparison(ds, solver, closures, pairs, outcomes, sets)
