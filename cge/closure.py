"""Closures and numeraire: which variables are fixed, which equations are dropped (docs/model.md §7).

Each region has its own currency, so prices are determined only up to one scale per region; the
reference region's exchange rate fixes the currency in which foreign saving is denominated. A
closure therefore fixes, per region, one *local numeraire* (the consumer price index by default,
or a factor price such as the wage), plus the reference region's exchange rate. Walras' law
makes each region's balance of payments and one world market redundant: those ``R + 1``
equations are dropped and their residuals reported after every solve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal


@dataclass(frozen=True)
class Closure:
    """A named macro closure.

    Attributes:
        name: short name (appears in results and metadata).
        exchange_rate: ``"flexible"`` — exchange rates move, foreign saving is fixed in the
            reference currency (default); ``"fixed"`` — every exchange rate is fixed at its base
            value and foreign saving adjusts in each region (world foreign saving sums to zero).
        specific_factors: factors that are fixed by sector (e.g. ``("CAP",)``: sector-specific
            capital, earning a sector-specific rental rate); others are mobile across sectors.
        numeraire: each region's local price normalisation: ``"cpi"`` (consumer price index = 1)
            or the name of a factor whose price is fixed at 1 (TWOCGE fixes the wage, ``"LAB"``).
        reference_region: region whose exchange rate is fixed at 1; ``None`` = the data set's.
    """

    name: str = "default"
    exchange_rate: Literal["flexible", "fixed"] = "flexible"
    specific_factors: tuple[str, ...] = ()
    numeraire: str = "cpi"
    reference_region: str | None = None

    def with_(self, **changes) -> Closure:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def describe(self) -> str:
        """One-line description for reports."""
        fx = ("flexible exchange rates, foreign saving fixed in the reference currency"
              if self.exchange_rate == "flexible"
              else "fixed exchange rates, foreign saving endogenous")
        fac = (f"{', '.join(self.specific_factors)} sector-specific" if self.specific_factors
               else "all factors mobile across sectors")
        num = "CPI" if self.numeraire == "cpi" else f"price of {self.numeraire}"
        return f"{self.name}: {fx}; {fac}; numeraire: {num} = 1 in each region"


CLOSURES: dict[str, Closure] = {
    "default": Closure(),
    "fixed_exchange_rate": Closure(name="fixed_exchange_rate", exchange_rate="fixed"),
    "sector_specific_capital": Closure(name="sector_specific_capital",
                                       specific_factors=("CAP",)),
}


def get_closure(closure: str | Closure | None) -> Closure:
    """Return a :class:`Closure` from a name in :data:`CLOSURES` or a Closure object."""
    if closure is None:
        return CLOSURES["default"]
    if isinstance(closure, Closure):
        return closure
    try:
        return CLOSURES[closure]
    except KeyError:
        raise ValueError(f"unknown closure {closure!r}; choose one of "
                         f"{', '.join(CLOSURES)}") from None
