"""The numbers of a sweep member: a selection from the indicator layer (:mod:`cge.indicators`).

:data:`VARIABLES` names the indicators a sweep stores, with their dimensions (after
``member``), units and meanings, all taken from :data:`cge.indicators.INDICATORS`, so a sweep
member and ``cge run`` of the same scenario report the same numbers by construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..indicators import DIMS, INDICATORS, compute

if TYPE_CHECKING:  # pragma: no cover
    from ..economy import Economy
    from ..solution import Solution

#: The indicators stored for every member, in this order.
SWEEP_INDICATORS = ("ev", "ev_pct_income", "ev_household", "real_gdp_pct", "terms_of_trade_pct",
                    "cpi", "exchange_rate", "trade_volume_pct", "tariff_pct", "output_pct",
                    "armington_price_pct")

#: Output variables: dims (after ``member``), units, meaning.
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    n: (DIMS[INDICATORS[n].dims], INDICATORS[n].unit, INDICATORS[n].meaning)
    for n in SWEEP_INDICATORS}


class Extract:
    """The sweep's indicators at a solution of ``eco``: ``Extract(eco)(solution)`` → a dict of
    arrays by variable of :data:`VARIABLES`, shaped as the variable's dims (:attr:`shapes`)."""

    def __init__(self, eco: Economy):
        self.eco = eco
        b = eco.benchmark
        self._shapes = {"region": len(b.regions), "sector": len(b.sectors),
                        "exporter": len(b.regions), "importer": len(b.regions)}

    @property
    def shapes(self) -> dict[str, int]:
        """Length of each dimension of :data:`VARIABLES`."""
        return dict(self._shapes)

    def __call__(self, solution: Solution) -> dict[str, np.ndarray]:
        return compute(self.eco, solution, SWEEP_INDICATORS)
