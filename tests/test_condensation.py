"""Condensation of the Newton system (cge/condense.py, CompiledModel.lu(condense=...)): the
condensed factorisation solves like the full LU, its pivots form a diagonal, well-conditioned
J_EE, shocks solve to the same equilibrium with it on and off, and it can be switched off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from synth import make_dataset

import cge
import cge.core
import cge.core.compiled
from cge.condense import CONDENSE_PIVOT_TOL, CondensedLU, factorize_condensed
from cge.core import LU, factorize_in_order

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def world():
    return cge.Economy("world2024")


@pytest.fixture(scope="module")
def synth():
    return cge.Economy(make_dataset(3, 6, seed=1))


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(a)))


@pytest.mark.parametrize("which", ["world", "synth"])
def test_condensed_solve_equals_the_full_lu(which, request):
    eco = request.getfixturevalue(which)
    core = eco.core
    vals = core.jacobian_values(eco.x_base, eco.p_base)
    full = core.factorize(vals, condense=False)
    cond = core.factorize(vals, condense=True)
    assert isinstance(full, LU) and isinstance(cond, CondensedLU)
    assert 0 < cond.plan.size < core.n
    J = core.jacobian(eco.x_base, eco.p_base)
    rng = np.random.default_rng(7)
    for _ in range(3):
        b = rng.standard_normal(core.n)
        a, c = full.solve(b), cond.solve(b)
        assert _rel(a, c) <= 1e-10
        assert np.max(np.abs(J @ c - b)) <= 1e-10 * np.max(np.abs(b))


@pytest.mark.parametrize("which", ["world", "synth"])
def test_pivots_form_a_nonsingular_diagonal(which, request):
    eco = request.getfixturevalue(which)
    core = eco.core
    vals = core.jacobian_values(eco.x_base, eco.p_base)
    plan = core.condensation(vals)
    er, ec = plan.er, plan.ec
    assert len(set(er.tolist())) == len(er) == len(set(ec.tolist())) == len(ec) > 0
    J = core.jacobian(eco.x_base, eco.p_base).tocsr()
    JEE = J[er][:, ec].toarray()
    d = np.diag(JEE).copy()
    # structurally diagonal: no other chosen variable in a chosen equation
    assert np.count_nonzero(JEE - np.diag(d)) == 0
    A = abs(J)
    rmax = A.max(axis=1).toarray().ravel()[er]
    cmax = A.max(axis=0).toarray().ravel()[ec]
    assert np.all(np.abs(d) >= CONDENSE_PIVOT_TOL * rmax)
    assert np.all(np.abs(d) >= CONDENSE_PIVOT_TOL * cmax)
    assert np.all(np.abs(d) > 0)


def test_a_pivot_gone_small_falls_back_to_the_full_lu(synth):
    core = synth.core
    vals = core.jacobian_values(synth.x_base, synth.p_base)
    plan = core.condensation(vals)
    lengths = np.diff(np.append(plan.estart, len(plan.epos)))
    k = int(np.flatnonzero(lengths > 1)[0])  # a pivot with other entries in its row
    small = vals.copy()
    small[plan.dpos[k]] *= 1e-6
    assert factorize_condensed(plan, small, factorize_in_order) is None
    assert isinstance(core.factorize(small, condense=True), LU)


def _shocked(eco, shock, mode):
    eco.core.condense = mode
    try:
        eco.reset()
        shock(eco)
        sol = eco.solve()
        assert sol.info.converged
        return np.array(sol.x)
    finally:
        eco.core.condense = None
        eco.reset()


@pytest.mark.parametrize("which", ["world", "synth"])
def test_a_shock_solves_to_the_same_equilibrium_condensed_or_not(which, request):
    eco = request.getfixturevalue(which)
    if which == "world":
        sc = cge.load_scenario(ROOT / "scenarios" / "us_autos_232.toml")

        def shock(e):
            e.apply(sc)
    else:
        k = next(iter(eco.model.tm))

        def shock(e):
            e.set_tariffs({k: float(e.model.tm[k].value) + 0.25})
    a, b = _shocked(eco, shock, False), _shocked(eco, shock, True)
    assert np.max(np.abs(a - b) / np.abs(a)) <= 1e-10
    assert not np.allclose(a, eco.x_base, rtol=1e-6)  # the shock moved the economy


def test_switches(synth, monkeypatch):
    core = synth.core
    vals = core.jacobian_values(synth.x_base, synth.p_base)
    assert cge.core.compiled.CONDENSE is False  # off by default
    assert isinstance(core.factorize(vals), LU)
    assert isinstance(core.lu(synth.x_base, synth.p_base, condense=True), CondensedLU)
    core.condense = True
    try:
        assert isinstance(core.factorize(vals), CondensedLU)
        assert isinstance(core.factorize(vals, condense=False), LU)  # the argument wins
        core.condense = False
        monkeypatch.setattr(cge.core.compiled, "CONDENSE", True)
        assert isinstance(core.factorize(vals), LU)  # the core's switch wins over the module's
        core.condense = None
        assert isinstance(core.factorize(vals), CondensedLU)
        # "auto": below the size threshold, the full LU
        assert core.n < cge.core.compiled.CONDENSE_MIN_UNKNOWNS
        assert isinstance(core.factorize(vals, condense="auto"), LU)
        with pytest.raises(ValueError):
            core.factorize(vals, condense="yes")
    finally:
        core.condense = None


def test_auto_condenses_only_when_the_factors_come_out_smaller(world):
    core = world.core
    vals = core.jacobian_values(world.x_base, world.p_base)
    assert core.n >= cge.core.compiled.CONDENSE_MIN_UNKNOWNS
    core.cache.pop("condense auto", None)
    got = core.factorize(vals, condense="auto")
    full = core.factorize(vals, condense=False)
    cond = core.factorize(vals, condense=True)
    smaller = cond.fill + cond.plan.products < full.fill
    assert isinstance(got, CondensedLU if smaller else LU)
    assert core.cache["condense auto"] is smaller
