"""cge — a calibrated multi-region Armington CGE model of tariffs (Pyomo + Ipopt/Newton).

Public API: :func:`run`, :func:`sweep`, :class:`Economy`, :class:`Results`, :func:`load_dataset`,
:func:`load_scenario`, :class:`Closure`, :data:`CLOSURES`.
"""

from .closure import CLOSURES, Closure
from .data import DataError, Dataset, load_dataset
from .economy import Economy, run
from .results import Results
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from .solver import SolveError
from .sweeps import sweep
from .version import __version__

__all__ = ["run", "Economy", "Results", "Dataset", "DataError", "load_dataset", "Scenario",
           "ScenarioError", "load_scenario", "parse_scenario", "Closure", "CLOSURES",
           "SolveError", "sweep", "__version__"]
