"""The capital account (docs/model.md §5.7, §7): what fixes foreign saving.

Foreign saving ``fsv`` is always a variable; which of these equations holds is the closure's
choice (data in ``cge/closures.toml``), all of them are built and the closure activates some:

- (C1) foreign saving fixed in nominal units of the reference currency at the instrument
  ``fs`` (the target of ``fsv`` when a closure lists it as exogenous:
  ``nominal_foreign_saving``);
- (C2) foreign saving fixed in real terms (the default): in units of the world export basket,
  moving with the world export price index, so that no real result depends on the reference
  region or the numeraire (tests/test_welfare.py checks both to 1e-10);
- (M6) fixed exchange rates: foreign saving adjusts and sums to zero over regions.
"""

from __future__ import annotations

from .base import equation, scale

BLOCK = "capital account"


def declare(m, b) -> None:
    """No variables of its own (``fsv`` belongs to saving–investment, ``eps`` to markets)."""


def equations(m, b) -> None:
    """(C1), (C2) and (M6), all inactive until the closure activates them."""
    sc = {r: scale(b.SAV[r], b.YH[r]) for r in b.regions}

    def fixed(m, r):
        return m.fsv[r] == m.fs[r] / sc[r]

    def real(m, r):
        return m.fsv[r] == m.fs[r] * m.world_price / sc[r]

    def world(m):
        return sum(m.foreign_saving[r] for r in b.regions) / sum(sc.values()) == 0

    equation(m, BLOCK, "C1", "eq_fs_fixed", m.R, fixed,
             "foreign saving = fs, in the reference currency", active=False)
    equation(m, BLOCK, "C2", "eq_trade_balance", m.R, real,
             "foreign saving = fs x world export price index (fixed in real terms, "
             "world-basket units)", active=False)
    equation(m, BLOCK, "M6", "eq_world_capital", None, world,
             "fixed exchange rates: foreign saving sums to zero over regions", active=False)
    m.targets["fsv"] = "eq_fs_fixed"
