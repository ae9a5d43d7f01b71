"""Save the numbers of every shipped scenario, sweep and SSA as CSV: the "numbers do not move" gate.

The CSV files beside this script were first written by this script on the main branch *before*
the architecture refactor of issue 12 (commit f8bbeea), and the refactor left every number
within 1e-10 (tests/test_golden.py passed against them up to the merge of the elasticity sets).
They were rewritten twice since, on purpose: when the shipped data's elasticities became
trade-weighted means (issue 13, item 7: ENR, OMFG and SERV moved), and when the default became
GTAP's regional household with foreign saving fixed in real terms (issue 13, items 1–3: the
EV measure, the revenue rule, the closure and the decomposition's components all changed).
(Saving is valued at GTAP's world price of saving; the decomposition has GTAP's instrument
columns — export taxes, quotas, technology — and the VER scenario has its case.)
``tests/test_golden.py`` recomputes the numbers with the code as it is and compares them
within 1e-10 relative. Rerun this script only when a change is *meant* to move numbers, and
say so in the commit:

    .venv/bin/python tests/golden/make_golden.py          # writes tests/golden/*.csv

What is saved (usjpn2024, Newton):
- every table of ``cge.run`` (summary, welfare, trade, sectors, welfare_detail) for every
  scenario in scenarios/ under the default closure, and us_autos_232 and us_baseline_10 under
  every other shipped closure;
- the sweep scenarios/sweeps/autos_retaliation_grid.toml, in tidy form;
- SSA of us_autos_232 (Stroud quadrature, sigma_m ±50%, shock size ±20%): the summary;
- subtotals of jpn_retaliation_farm by shock group (EV) and local EV sensitivities of us_autos_232.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCENARIOS = sorted((ROOT / "scenarios" / "bilateral").glob("*.toml"))
CLOSURE_CASES = [("us_autos_232", "fixed_exchange_rate"), ("us_autos_232", "sector_specific_capital"),
                 ("us_baseline_10", "fixed_exchange_rate"), ("us_baseline_10", "sector_specific_capital")]
TABLES = ("summary", "welfare", "trade", "sectors", "welfare_detail")


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """A table in long form: index labels joined into ``key``, one row per (key, column).

    Columns are keyed ``"label (unit)"`` (the saved files' keys, from before columns were
    codes with their label and unit as metadata: cge.columns); welfare_detail's one column is
    ``"value (unit)"``."""
    from cge.columns import info

    t = table.copy()
    names = {}
    for c in t.columns:
        label, unit = info(t, c)
        label = "value" if c == "value" else label
        names[c] = f"{label} ({unit})" if unit else label
    t = t.rename(columns=names)
    t.index = [" | ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in t.index]
    long = t.stack(future_stack=True).reset_index()
    long.columns = ["key", "column", "value"]
    return long


def cases():
    """Every golden case: (file stem, function returning a long DataFrame)."""
    import cge
    from cge import sensitivity as sens
    from cge.solver import newton

    out = []
    for path in SCENARIOS:
        out.append((f"run_{path.stem}__default", path, None))
    for stem, closure in CLOSURE_CASES:
        out.append((f"run_{stem}__{closure}", ROOT / "scenarios" / "bilateral" / f"{stem}.toml", closure))

    def run_case(path, closure):
        def go():
            res = cge.run(path, closure=closure)
            parts = []
            for name in TABLES:
                long = _flat(res.tables()[name])
                long.insert(0, "table", name)
                parts.append(long)
            return pd.concat(parts, ignore_index=True)
        return go

    jobs = [(name, run_case(p, c)) for name, p, c in out]

    def sweep_case():
        ds = cge.sweep(ROOT / "scenarios" / "sweeps" / "autos_retaliation_grid.toml", workers=1,
                       data="usjpn2024",
                       progress=False)
        tidy = cge.sweeps.to_tidy(ds)
        keys = [c for c in tidy.columns if c != "value"]
        tidy["key"] = tidy[keys].astype(str).agg(" | ".join, axis=1)
        return tidy[["key", "value"]].assign(column="value")[["key", "column", "value"]]

    def ssa_case():
        eco = cge.Economy("usjpn2024")
        sc = cge.load_scenario(ROOT / "scenarios" / "bilateral" / "us_autos_232.toml")
        res = sens.ssa(eco, sc, {"sigma_m": 0.5}, shock=0.2)
        return _flat(res.summary)

    def subtotal_case():
        eco = cge.Economy("usjpn2024")
        sc = cge.load_scenario(ROOT / "scenarios" / "bilateral" / "jpn_retaliation_farm.toml")
        eco.apply(sc)
        eco.solve()
        st = sens.subtotals(eco, sens.scenario_groups(sc, eco))
        return _flat(st.ev)

    def local_case():
        eco = cge.Economy("usjpn2024")
        eco.apply(cge.load_scenario(ROOT / "scenarios" / "bilateral" / "us_autos_232.toml"))
        eco.solve()
        # polish to round-off: an EV sensitivity adds terms ~1e4 times larger than itself, so
        # a solution known to the solve's 1e-9 gives it to ~1e-6 only
        x, _ = newton(eco.core, eco.core.x_from_model(), eco.core.params(), tol=1e-14)
        eco.core.x_to_model(x)
        return _flat(sens.local_sensitivities(eco).ev)

    jobs += [("sweep_autos_retaliation_grid", sweep_case), ("ssa_us_autos_232", ssa_case),
             ("subtotals_jpn_retaliation_farm", subtotal_case), ("local_us_autos_232", local_case)]
    return jobs


def main() -> int:
    for name, go in cases():
        go().to_csv(HERE / f"{name}.csv", index=False, float_format="%.17g")
        print("wrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
