"""The solution as a value: Results do not change when the economy solves the next scenario,
and threads may share one Economy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import cge

A, B = "scenarios/us_autos_232.toml", "scenarios/us_steel_232_25.toml"


def test_results_are_values_not_views_of_the_model():
    eco = cge.Economy()
    a = cge.run(A, economy=eco)
    x_a = np.array(a.solution.x)
    b = cge.run(B, economy=eco)  # the same economy solves another scenario
    assert not np.allclose(a.solution.x, b.solution.x)
    with pytest.raises(ValueError):
        a.solution.x[0] = 2.0  # read-only
    fresh = cge.run(A)
    # a's tables, first read only now, are those of its own solution
    np.testing.assert_allclose(a.summary.to_numpy(), fresh.summary.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(a.solution.x, x_a)
    assert a.solution.converged and a.solution.iterations == a.info.iterations


def test_threads_may_share_one_economy():
    eco = cge.Economy()
    serial = {s: cge.run(s).summary for s in (A, B)}
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda s: (s, cge.run(s, economy=eco).summary), [A, B, A, B]))
    for s, table in runs:
        np.testing.assert_allclose(table.to_numpy(), serial[s].to_numpy(), rtol=1e-9)
