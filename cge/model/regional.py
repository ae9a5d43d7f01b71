"""The regional household (docs/model.md §5.5, GTAP's; McDougall 2003): all regional income —
factor income and every tax, tariff revenue included — split in fixed base-year shares
between private consumption, government consumption and national saving.

Its two equations are closure rules, built inactive: the revenue rule ``regional_household``
(cge/closures.toml) activates them and frees the lump-sum transfer ``trf`` and the household
saving rate ``mpsv`` that they pin down. Its utility (the welfare measure under every rule) is
the named quantity ``regional_utility`` (cge/model/quantities.py).
"""

from __future__ import annotations

from .base import equation
from .quantities import income0

BLOCK = "regional household"


def declare(m, b) -> None:
    """No variables of its own: it allocates through ``trf`` and ``mpsv``."""


def equations(m, b) -> None:
    """(C9) private consumption and (C10) government consumption as fixed shares of regional
    income (national saving, the rest, is then its base share too)."""
    y0 = {r: income0(b, r) for r in b.regions}

    def private(m, r):
        return m.private_spending[r] / y0[r] == b.total(b.C, r) / y0[r] * m.regional_income[r] / y0[r]

    def government(m, r):
        return m.government_spending[r] / y0[r] == b.total(b.G, r) / y0[r] * m.regional_income[r] / y0[r]

    equation(m, BLOCK, "C9", "eq_private_share", m.R, private,
             "private consumption = its base share of regional income", active=False)
    equation(m, BLOCK, "C10", "eq_gov_share", m.R, government,
             "government consumption = its base share of regional income", active=False)
