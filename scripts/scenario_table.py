"""Every shipped scenario's headline results on the data set it names: regional EV by region
and for the world (% of base income; world also in USD million), and the change in US imports
from Japan (autos, AUTO; all goods) in volume at base prices.

Run: ``.venv/bin/python scripts/scenario_table.py`` (about a minute: one economy per data set
and closure); prints two Markdown tables, one for ``scenarios/*.toml`` (world2024) and one for
``scenarios/bilateral/*.toml`` (usjpn2024), used in docs/scenarios.md and the closing notes.
Default closure (long run) and each scenario's own revenue rule, elasticities and swaps.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

import cge
from cge.economy import scenario_closure, scenario_data

ROOT = Path(__file__).resolve().parents[1]


def _imports_from_japan(res) -> tuple[float, float]:
    """% change of US imports from Japan in volume at base prices: AUTO, and all goods."""
    t = res.trade
    goods = set(res.economy.dataset.goods)
    rows = t.xs(("JPN", "USA"), level=("exporter", "importer"))
    rows = rows[rows.index.isin(goods)]
    base = rows["trade_base_value"]
    vol = rows["trade_volume"]
    auto = 100 * (vol["AUTO"] / base["AUTO"] - 1) if "AUTO" in base.index else float("nan")
    return auto, 100 * (vol.sum() / base.sum() - 1)


def table(folder: Path) -> str:
    """The Markdown table of every scenario file in ``folder``."""
    economies: dict[tuple, cge.Economy] = {}
    lines: list[str] = []
    regions: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        sc = cge.load_scenario(path)
        data = scenario_data(None, [sc])
        key = (data, scenario_closure(None, sc), sc.elasticities)
        if key not in economies:
            economies[key] = cge.Economy(*key)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
            res = cge.run(sc, economy=economies[key])
            ev = res.summary["ev_pct_income"]
            world = res.world
            auto, goods = _imports_from_japan(res)
        if not regions:
            regions = list(ev.index)
            lines += ["| scenario | " + " | ".join(f"EV {r}" for r in regions)
                      + " | EV world | EV world (USD bn) | US imports from JPN: autos | all goods |",
                      "|---|" + "---:|" * (len(regions) + 4)]
        w_pct = float(world["world_ev_pct_income"].iloc[0])
        w_usd = float(world["world_ev"].iloc[0]) / 1000
        cells = " | ".join(f"{ev[r]:+.3f}" for r in regions)
        lines.append(f"| {sc.name} | {cells} | {w_pct:+.3f} | {w_usd:+,.1f} | {auto:+.1f}% | {goods:+.1f}% |")
    return "\n".join(lines)


def main() -> None:
    print("### On world2024 (scenarios/*.toml)\n")
    print(table(ROOT / "scenarios"))
    print("\n### On usjpn2024 (scenarios/bilateral/*.toml)\n")
    print(table(ROOT / "scenarios" / "bilateral"))


if __name__ == "__main__":
    main()
