"""What a run assumes, stated once for every output (printed summary, report.md, metadata).

Takes an :class:`~cge.economy.Economy` (read only: its closure, reference region and
elasticity set) and the tariff cells a scenario changed (:attr:`cge.scenario.TariffChange.cells`).
"""

from __future__ import annotations

from .closure import REVENUE


def assumptions(economy, cells, scenario=None) -> list[str]:
    """What a run assumes, one line each: closure, revenue use, numeraire and reference
    currency, swaps, which tariffs changed (``cells``, as :attr:`TariffChange.cells`) and
    whether anyone retaliates, and the elasticities."""
    clo = economy.closure
    importers = list(dict.fromkeys(k[1] for k in cells))
    lines = [f"closure: {clo.name} ({clo.description or 'user-defined'})",
             f"revenue: {clo.revenue} ({REVENUE[clo.revenue]['description']})",
             f"numeraire: {'CPI' if clo.numeraire == 'cpi' else clo.numeraire} = 1 in each "
             f"region; reference currency: {economy.model.reference_region}'s"]
    if clo.swaps:
        lines.append("swaps: " + "; ".join(f"{a} for {b}" for a, b in clo.swaps))
    if not cells:
        lines.append("tariffs: unchanged")
    else:
        lines.append(f"tariffs: {len(cells)} flow(s) changed, imposed by {', '.join(importers)}")
        lines.append("retaliation: " + (f"none (only {importers[0]} changes tariffs)"
                                        if len(importers) == 1 else
                                        f"tariffs change in {len(importers)} regions"))
    for sh in getattr(scenario, "instruments", ()):
        lines.append(f"instrument: {sh.parameter}[{','.join(sh.index)}] {sh.operation} "
                     f"{sh.value:g}")
    for q in getattr(scenario, "quotas", ()):
        kind = ("import quota (tariff equivalent endogenous, rent to the importer)"
                if q.rent == "importer" else
                "voluntary export restraint (export-tax equivalent endogenous, rent to the "
                "exporter)")
        lines.append(f"quota: {q.importer} imports of {q.sector} from {q.exporter} held at "
                     f"{100 * q.volume:g}% of base volume, {kind}")
    ds = economy.dataset
    chosen = getattr(ds, "elasticity_set", None)
    default = getattr(ds, "default_elasticity_set", None)
    lines.append(f"elasticities: set {chosen!r}" + (" (the data's default)" if chosen == default
                                                     else f" (the data's default is {default!r})")
                 if chosen else "elasticities: the data's table")
    return lines
