"""Headline results of every shipped scenario under (long run, short run) x (income split in
fixed shares by the regional household — the default —, revenue spent by the government,
rebated lump-sum to the household): regional EV in % of base income by region, world EV, and
which signs differ from the default (long run, regional household).

Run: ``.venv/bin/python scripts/headlines.py [--folder scenarios/bilateral] [--elasticities NAME]``
(about a minute); prints a Markdown table (used in docs/scenarios.md and the closing notes). Each
folder's scenarios run on the data set they name (``data = ...``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import cge
from cge.closure import get_closure
from cge.economy import scenario_closure, scenario_data

ROOT = Path(__file__).resolve().parents[1]
CASES = [(c, rule) for c in ("long_run", "short_run")
         for rule in ("regional_household", "government", "household")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elasticities", default=None)
    ap.add_argument("--folder", type=Path, default=ROOT / "scenarios")
    args = ap.parse_args()
    paths = sorted(args.folder.glob("*.toml"))
    data = scenario_data(None, [cge.load_scenario(p) for p in paths])
    economies = {c: cge.Economy(data, get_closure(c[0]).with_(revenue=c[1]),
                                args.elasticities) for c in CASES}
    regions = list(next(iter(economies.values())).benchmark.regions)
    head = " | ".join(f"EV {r} (%)" for r in regions)
    print(f"| scenario | closure | revenue | {head} | world EV (USD million) | sign differs |")
    print("|---|---|---|" + "---|" * (len(regions) + 2))
    for path in paths:
        sc = cge.load_scenario(path)
        ref = None
        for case in CASES:
            # a quota is a swap of the closure: a quota scenario builds its own economy
            eco = economies[case] if not sc.quotas else cge.Economy(
                data, scenario_closure(get_closure(case[0]).with_(revenue=case[1]), sc),
                args.elasticities)
            res = cge.run(sc, economy=eco)
            ev = res.summary["ev_pct_income"].to_numpy()
            world = float(res.world.iloc[0, 0])
            if ref is None:
                ref, flips = (ev, world), ""
            else:
                flip = [r for r, a, b in zip(regions, ref[0], ev) if np.sign(a) != np.sign(b)]
                flips = ", ".join(flip + (["world"] if np.sign(world) != np.sign(ref[1]) else []))
            cells = " | ".join(f"{v:+.3f}" for v in ev)
            print(f"| {sc.name} | {case[0]} | {case[1]} | {cells} | {world:+,.0f} | {flips} |")


if __name__ == "__main__":
    main()
