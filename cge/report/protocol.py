"""What the report needs of a result: :class:`ResultsLike`, the interface of
:class:`cge.results.Results` that the writers read.

The report modules never import :mod:`cge.results` (which imports them to write its
outputs); they take any object with these attributes.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd


class ResultsLike(Protocol):
    """A solved scenario's tables and provenance, as :class:`cge.results.Results` holds them."""

    #: the solved :class:`~cge.economy.Economy` (its ``dataset`` and ``closure`` are read)
    economy: Any
    #: the :class:`~cge.scenario.Scenario` solved (None for the benchmark)
    scenario: Any
    #: the :class:`~cge.solver.SolveInfo` of the solve
    info: Any

    @property
    def name(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def summary(self) -> pd.DataFrame: ...

    @property
    def trade(self) -> pd.DataFrame: ...

    @property
    def tariff_change(self) -> Any:
        """The :class:`~cge.scenario.TariffChange` (its ``cells``: the changed flows)."""

    @property
    def sectors(self) -> pd.DataFrame: ...

    @property
    def diversion(self) -> pd.DataFrame:
        """Trade diversion by (importer, sector, supplier) in the shocked markets."""

    def tables(self) -> dict[str, pd.DataFrame]: ...

    def assumptions(self) -> list[str]:
        """What the run assumes, one line each."""

    def indicators(self, names) -> dict[str, Any]:
        """Indicators of :data:`cge.indicators.INDICATORS` by name (dense arrays)."""
