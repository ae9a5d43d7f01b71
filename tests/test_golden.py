"""Numbers do not move: every shipped scenario's tables, the shipped sweep, SSA, subtotals and
local sensitivities agree with the outputs saved before the architecture refactor (issue 12).

The saved CSV files were written by ``tests/golden/make_golden.py`` at commit f8bbeea, before any
of the refactor; their independent reason to be right is that they are the numbers of the code
that was reviewed and validated then (TWOCGE and the one-good hat algebra to 1e-13). The whole
refactor passed against them; they were rewritten once, on purpose, when the shipped data's
elasticities became trade-weighted (issue 13; see make_golden.py). Each value
must agree within 1e-10 relative; a value near zero is compared with 1e-10 of its column's
largest magnitude (in the EV decomposition tables, whose columns share the currency unit, and
for decomposition residuals, subtotals and local EV sensitivities: of the table's largest
magnitude), so that round-off in a term that is zero in theory (e.g. endowments under a tariff
shock, ~1e-11 of EV) or in a sensitivity that sums terms 1e4 times its size is not a change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from golden.make_golden import HERE, cases

RTOL = 1e-10
#: Local sensitivities take ∂F/∂p by central differences, whose round-off (~1e-13 absolute)
#: depends on how each residual is evaluated, and an EV sensitivity sums terms 1e4 times its
#: size: rewriting the same equations moved them by 1.0e-10 of the table's largest value
#: (solutions agree to 3e-14), so they are held to 1e-9 of it.
RTOL_CASE = {"local_us_autos_232": 1e-9}
CASES = dict(cases())


def _compare(name: str, new: pd.DataFrame) -> list[str]:
    old = pd.read_csv(HERE / f"{name}.csv", keep_default_na=False, dtype=str)
    new = new.astype({"value": object})
    new = new.assign(value=[repr(float(v)) if isinstance(v, int | float | np.floating) else str(v)
                            for v in new["value"]])
    part = ["table"] if "table" in old.columns else []
    key = [*part, "key", "column"]
    new = new.astype({c: str for c in key})
    o = old.set_index(key)["value"]
    n = new.set_index(key)["value"]
    problems = []
    missing, extra = o.index.difference(n.index), n.index.difference(o.index)
    if len(missing):
        problems.append(f"{len(missing)} saved values missing, e.g. {list(missing[:3])}")
    if len(extra):
        problems.append(f"{len(extra)} new values not saved before, e.g. {list(extra[:3])}")
    both = o.index.intersection(n.index)
    on, nn = pd.to_numeric(o[both], errors="coerce"), pd.to_numeric(n[both], errors="coerce")
    text = on.isna() & nn.isna()
    bad_text = [k for k in both[text.to_numpy()] if o[k] != n[k] and not (o[k] in ("", "nan")
                                                                        and n[k] in ("", "nan"))]
    problems += [f"{k}: {o[k]!r} -> {n[k]!r}" for k in bad_text[:5]]
    num = ~text
    a, b = on[num].astype(float), nn[num].astype(float)
    frame = pd.DataFrame({"a": a, "b": b})
    lvl = list(frame.index.names)
    group = [c for c in lvl if c in ("table", "column")]
    col_scale = frame["a"].abs().groupby(level=group).transform("max")
    tab_scale = (frame["a"].abs().groupby(level="table").transform("max") if part
                 else pd.Series(frame["a"].abs().max(), index=frame.index))
    shared = frame.index.get_level_values("column").str.contains("residual")
    if part:  # the EV decomposition tables: every column in the data's currency unit
        shared |= frame.index.get_level_values("table").isin(["welfare", "welfare_detail"])
    elif name.startswith(("local", "subtotals")):  # EV (derivatives) by region: one unit
        shared[:] = True
    scale = np.where(shared, tab_scale, col_scale)
    rtol = RTOL_CASE.get(name, RTOL)
    tol = np.maximum(RTOL * np.maximum(a.abs(), b.abs()), rtol * scale)
    diff = (a - b).abs()
    off = ~((diff <= tol) | (a.isna() & b.isna()))
    for k in frame.index[off.to_numpy()][:5]:
        problems.append(f"{k}: {a[k]!r} -> {b[k]!r}")
    if off.sum() > 5:
        problems.append(f"... {int(off.sum())} values off in all")
    return problems


@pytest.mark.parametrize("name", list(CASES))
def test_numbers_unchanged(name):
    problems = _compare(name, CASES[name]())
    assert not problems, f"{name}:\n" + "\n".join(problems)
