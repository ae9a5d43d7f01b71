"""What writing a run's tables costs, by table and format, on the default data (world2024,
us_autos_232): publication formatting, LaTeX, Markdown and the tidy table (seconds, best of 3).
Not a test.

Run: ``.venv/bin/python benchmarks/bench_outputs.py [OLD_TABLES.py]``. With the path of another
version of ``cge/report/tables.py`` (e.g. ``git show REV:cge/report/tables.py > /tmp/old.py``),
that version is timed on the same tables in the same process (columns renamed ``label (unit)``,
as tables were named before cge.columns), and the ratios new/old are printed.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import cge
from cge.columns import info
from cge.report import tables as new


def best(fn, n: int = 3) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def timings(mod, tabs: dict) -> dict[str, dict[str, float]]:
    out = {}
    for name, t in tabs.items():
        pub = mod.publication(t)
        out[name] = {"publication": best(lambda t=t: mod.publication(t)),
                     "latex": best(lambda p=pub: mod.to_latex(p)),
                     "markdown": best(lambda p=pub: mod.to_markdown(p)),
                     "tidy": best(lambda t=t: mod.spreadsheet_safe(mod.tidy(t)))}
    return out


def main() -> None:
    res = cge.run(Path("scenarios") / "us_autos_232.toml")
    tabs = res.tables()
    now = timings(new, tabs)
    old = None
    if len(sys.argv) > 1:
        spec = importlib.util.spec_from_file_location("old_tables", sys.argv[1])
        mod = importlib.util.module_from_spec(spec)
        sys.modules["old_tables"] = mod
        spec.loader.exec_module(mod)
        legacy = {}
        for name, t in tabs.items():
            named = {c: "{} ({})".format(*info(t, c)) if info(t, c)[1] else c for c in t.columns}
            legacy[name] = t.rename(columns=named)
        old = timings(mod, legacy)
    print("| table | rows | " + " | ".join(f"{k} s" for k in next(iter(now.values())))
          + (" | LaTeX+Markdown new/old |" if old else " |"))
    print("|---|---:|" + "---:|" * (len(next(iter(now.values()))) + bool(old)))
    for name, row in now.items():
        cells = " | ".join(f"{v:.4f}" for v in row.values())
        ratio = ""
        if old:
            o = old[name]["latex"] + old[name]["markdown"]
            ratio = f" | {(row['latex'] + row['markdown']) / o:.3f}"
        print(f"| {name} | {len(tabs[name])} | {cells}{ratio} |")
    tot = sum(r["latex"] + r["markdown"] + r["publication"] for r in now.values())
    print(f"\npublication + LaTeX + Markdown, all tables: {tot:.3f} s")
    if old:
        tot_old = sum(r["latex"] + r["markdown"] + r["publication"] for r in old.values())
        print(f"the other version: {tot_old:.3f} s; ratio new/old {tot / tot_old:.3f}")


if __name__ == "__main__":
    main()
