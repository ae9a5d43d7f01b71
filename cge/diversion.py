"""Trade diversion: who replaces the suppliers a scenario taxes, in each market it shocks.

A *market* is an importer and a sector whose import tariff (or quota) from some exporter the
scenario changed. Its suppliers are every exporter selling into it and the importer's own
producers ("domestic"). Sales are volumes valued at base buyers' prices (imports c.i.f. plus
the base tariff; domestic sales at their base price), so that a supplier's share of the market
is its share of what buyers spent on the sector's good in the base year, and the new values
are the same volumes after the shock at those prices: the volume effect alone.
"""

from __future__ import annotations

import pandas as pd

from .columns import annotate
from .indicators import View

DOMESTIC = "domestic"


def markets(cells) -> list[tuple[str, str]]:
    """The (importer, sector) markets of changed bilateral ``cells`` (exporter, importer,
    sector), in first-seen order."""
    return list(dict.fromkeys((imp, sec) for _, imp, sec in cells))


def diversion_table(economy, solution, cells, unit: str) -> pd.DataFrame:
    """Per market and supplier: base and new sales at base buyers' prices, the change, market
    shares, and the change as a share of what the shocked suppliers lost (−100% over the
    shocked suppliers together; the others' shares say who replaces them). Indexed by
    (importer, sector, supplier, shocked: "yes" for a supplier whose tariff or quota
    changed); empty without changed cells."""
    b = economy.benchmark
    view = View(economy, solution)
    lay = view.lay
    ms, d = view.var("ms"), view.var("d")
    shocked = {(e, i, s) for e, i, s in cells}
    rows = []
    for imp, sec in markets(cells):
        r, j = lay.ri[imp], lay.si[sec]
        sup = [(e, b.MS[e, imp, sec] * (1 + b.tm[e, imp, sec]), ms[lay.ri[e], r, j])
               for e in b.regions if (e, imp, sec) in b.MS]
        if (imp, sec) in b.D:
            sup.append((DOMESTIC, b.D[imp, sec], d[r, j]))
        base_tot = sum(v for _, v, _ in sup)
        new = {name: v * x for name, v, x in sup}
        new_tot = sum(new.values())
        lost = -sum(new[name] - v for name, v, _ in sup if (name, imp, sec) in shocked)
        for name, v, _ in sup:
            change = new[name] - v
            is_shocked = (name, imp, sec) in shocked
            rows.append((imp, sec, name, "yes" if is_shocked else "no", v, new[name], change,
                         100 * change / v, 100 * v / base_tot, 100 * new[name] / new_tot,
                         0.0 if abs(lost) < 1e-12 * base_tot else 100 * change / lost))
    meta = column_meta(unit)
    frame = pd.DataFrame([row[4:] for row in rows], columns=list(meta),
                         index=pd.MultiIndex.from_tuples(
                             [row[:4] for row in rows],
                             names=["importer", "sector", "supplier", "shocked"]))
    return annotate(frame, meta)


def column_meta(unit: str) -> dict[str, tuple[str, str]]:
    """Code → (label, unit) of the diversion table's columns, in order (``unit``: the data's)."""
    return {"sales_base": ("base", unit), "sales_new": ("new", unit),
            "sales_change": ("change", unit), "sales_change_pct": ("change", "%"),
            "share_base_pct": ("share of market, base", "%"),
            "share_new_pct": ("share of market, new", "%"),
            "share_of_loss_pct": ("change", "% of the shocked suppliers' loss")}
