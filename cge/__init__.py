"""cge — a calibrated multi-region Armington CGE model of tariffs (Pyomo + Ipopt/Newton).

Public API: :func:`run`, :func:`sweep`, :class:`Economy`, :class:`Results`, :func:`load_dataset`,
:func:`load_scenario`, :class:`Closure`, :data:`CLOSURES`.

The names are imported when first used (PEP 562), so ``import cge`` and the command line's
``--help`` load neither Pyomo, pandas nor scipy; ``cge.run`` loads what a run needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .version import __version__

#: public name -> the module that defines it
_LAZY = {"run": "economy", "Economy": "economy", "Results": "results", "Dataset": "data",
         "DataError": "errors", "load_dataset": "data", "Scenario": "scenario",
         "ScenarioError": "scenario", "load_scenario": "scenario", "parse_scenario": "scenario",
         "Closure": "closure", "CLOSURES": "closure", "SolveError": "solver", "sweep": "sweeps",
         "optimal_tariff": "strategic", "nash": "strategic", "frontier": "strategic"}

__all__ = ["run", "Economy", "Results", "Dataset", "DataError", "load_dataset", "Scenario",
           "ScenarioError", "load_scenario", "parse_scenario", "Closure", "CLOSURES",
           "SolveError", "sweep", "optimal_tariff", "nash", "frontier", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .closure import CLOSURES, Closure
    from .data import Dataset, load_dataset
    from .economy import Economy, run
    from .errors import DataError
    from .results import Results
    from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario
    from .solver import SolveError
    from .strategic import frontier, nash, optimal_tariff
    from .sweeps import sweep


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:  # a submodule, e.g. cge.report after a bare ``import cge``
        if name.startswith("__"):
            raise AttributeError(f"module 'cge' has no attribute {name!r}")
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'cge' has no attribute {name!r}") from None
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
