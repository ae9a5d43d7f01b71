"""The block preconditioner by region (cge/precondition.py) and the solvers on it.

The references are independent of the code under test: the blocks are read off the
equations' and variables' printed names (``ms[R0,R1,S1]`` belongs to ``R0``), the block
preconditioner is checked against a dense inverse of the Jacobian's block-diagonal part made
with numpy, and solves and decompositions on it against the exact factorisation's.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from solver_probes import count_factorisations

import cge
from cge import precondition, solver
from cge.economy import resolve_data


def _region_of_name(name: str, regions: list[str]) -> int:
    """The block of a Pyomo component data's name: its first index if a region, else the
    world block (``len(regions)``)."""
    first = name.partition("[")[2].rstrip("]").split(",")[0] if "[" in name else ""
    return regions.index(first) if first in regions else len(regions)


@pytest.fixture(scope="module")
def small():
    return cge.Economy(resolve_data("usjpn2024"))


@pytest.fixture(scope="module")
def world():
    return cge.Economy(resolve_data("world2024"))


def test_each_equation_and_unknown_is_in_its_regions_block_and_blocks_are_square(small):
    core = small.core
    regions = list(core.model.R)
    bv, be, blocks = precondition.region_blocks(core)
    by_name_v = [_region_of_name(v.name, regions) for v in core.variables]
    by_name_e = [_region_of_name(c.name, regions) for c in core.constraints]
    assert bv.tolist() == by_name_v and be.tolist() == by_name_e  # no region was merged
    counts_v = np.bincount(by_name_v, minlength=len(regions) + 1)
    counts_e = np.bincount(by_name_e, minlength=len(regions) + 1)
    assert np.array_equal(counts_v, counts_e)
    assert blocks == np.count_nonzero(counts_v) >= len(regions)


def _item(name: str, index):
    return SimpleNamespace(name=name, index=lambda: index)


def test_regions_with_more_equations_than_unknowns_are_merged_into_the_world_block():
    # A: 2 unknowns, 1 equation; B: 1 unknown, 2 equations; C: 1 and 1; one world unknown
    # and equation. A and B cannot be inverted alone: they join the world block.
    variables = [_item("x", ("A", 1)), _item("y", ("A", 2)), _item("z", ("B", 1)),
                 _item("u", ("C", 1)), _item("w", None)]
    constraints = [_item("e1", ("A", 1)), _item("e2", ("B", 1)), _item("e3", "B"),
                   _item("e4", ("C", 1)), _item("e5", None)]
    core = SimpleNamespace(model=SimpleNamespace(R=["A", "B", "C"]), variables=variables,
                           constraints=constraints, n=5)
    bv, be, blocks = precondition.region_blocks(core)
    assert bv.tolist() == [3, 3, 3, 2, 3]
    assert be.tolist() == [3, 3, 3, 2, 3]
    assert blocks == 2


def test_the_block_preconditioner_inverts_the_jacobians_block_diagonal_part(small):
    core = small.core
    regions = list(core.model.R)
    x, p = small.x_base, small.p_base
    J = core.jacobian(x, p).toarray()
    bv = np.array([_region_of_name(v.name, regions) for v in core.variables])
    be = np.array([_region_of_name(c.name, regions) for c in core.constraints])
    D = np.where(be[:, None] == bv[None, :], J, 0.0)
    assert np.count_nonzero(D) < np.count_nonzero(J)  # trade couples the regions
    core.cache.pop("blocks", None)
    lu = precondition.block_factorize(core, core.jacobian_values(x, p))
    assert lu is not None and not lu.exact and lu.blocks == len(set(bv.tolist()))
    b = np.random.default_rng(1).standard_normal(core.n)
    np.testing.assert_allclose(lu.solve(b), np.linalg.solve(D, b), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(lu.solve_transposed(b), np.linalg.solve(D.T, b), rtol=1e-9,
                               atol=1e-10)


def _exact_solution(eco, sc, monkeypatch):
    """The solve with a fresh exact factorisation at every Newton step (no chord, Broyden or
    Krylov steps, no kept factorisation)."""
    with monkeypatch.context() as m:
        m.setattr(solver, "BROYDEN", False)
        m.setattr(solver, "KRYLOV", False)
        m.setattr(precondition, "BLOCK_MIN_UNKNOWNS", 10**9)
        eco.base_lu = False
        eco.reset()
        eco.apply(sc)
        sol = eco.solve()
        eco.base_lu = True
    return sol


def _block_solution(eco, sc, monkeypatch):
    """The solve with the block preconditioner (threshold lowered below world2024's size, the
    benchmark's preconditioner made afresh) and the list of full factorisations it took."""
    monkeypatch.setattr(precondition, "BLOCK_MIN_UNKNOWNS", 2000)
    eco._base_lu = None
    calls = count_factorisations(monkeypatch, eco.core)
    eco.reset()
    eco.apply(sc)
    return eco.solve(), calls


@pytest.mark.parametrize("name", ["us_steel_232_50", "us_after_deals_2025"])
def test_newton_krylov_on_block_preconditioners_reaches_the_exact_solvers_equilibrium(
        world, monkeypatch, name):
    eco = world
    sc = cge.load_scenario(f"scenarios/{name}.toml")
    ref = _exact_solution(eco, sc, monkeypatch)
    sol, calls = _block_solution(eco, sc, monkeypatch)
    assert isinstance(eco._base_factorisation(), precondition.BlockLU)
    assert sol.converged and sol.info.krylov_steps >= 2
    assert len(calls) == 0  # no exact factorisation at all
    np.testing.assert_allclose(sol.x, ref.x, rtol=1e-10, atol=1e-12)
    eco._base_lu = None


def test_when_gmres_fails_on_blocks_the_jacobian_is_factorised_and_the_solve_still_exact(
        world, monkeypatch):
    eco = world
    sc = cge.load_scenario("scenarios/us_steel_232_50.toml")
    ref = _exact_solution(eco, sc, monkeypatch)
    monkeypatch.setattr(precondition, "BLOCK_MIN_UNKNOWNS", 2000)
    monkeypatch.setattr(precondition, "BLOCK_MAX_ITER", 1)  # one GMRES iteration: not enough
    eco._base_lu = None
    calls = count_factorisations(monkeypatch, eco.core)
    eco.reset()
    eco.apply(sc)
    sol = eco.solve()
    assert sol.converged and len(calls) >= 1
    np.testing.assert_allclose(sol.x, ref.x, rtol=1e-10, atol=1e-12)
    eco._base_lu = None


def test_the_decomposition_on_block_preconditioners_matches_the_exact_path(world, monkeypatch):
    from cge import path, welfare

    eco = world
    eco.reset()
    eco.apply(cge.load_scenario("scenarios/us_after_deals_2025.toml"))
    sol = eco.solve()
    with monkeypatch.context() as m:  # the reference: a factorisation at every node
        m.setattr(path, "BROYDEN_MIN_UNKNOWNS", 10**9)
        exact = welfare.decompose(eco, sol)
    monkeypatch.setattr(precondition, "BLOCK_MIN_UNKNOWNS", 2000)
    eco._base_lu = None
    calls = count_factorisations(monkeypatch, eco.core)
    fast = welfare.decompose(eco, sol)
    assert len(calls) == 0
    ev = exact.summary["EV, regional"].abs().max()
    assert (fast.summary - exact.summary).abs().to_numpy().max() <= 1e-7 * ev
    assert fast.identity_gap <= 1e-8 * ev
    eco._base_lu = None


@pytest.mark.parametrize("closure", sorted(__import__("cge.closure", fromlist=["CLOSURES"]).CLOSURES))
def test_every_closure_solves_on_blocks_to_the_exact_solvers_equilibrium(closure, monkeypatch):
    """Under each closure the blocks are square (or merged) and Newton-Krylov on them reaches
    exact Newton's equilibrium without a full factorisation (the autos tariff, world2024)."""
    eco = cge.Economy(resolve_data("world2024"), closure=closure)
    sc = cge.load_scenario("scenarios/us_autos_232.toml")
    ref = _exact_solution(eco, sc, monkeypatch)
    sol, calls = _block_solution(eco, sc, monkeypatch)
    assert sol.converged and len(calls) == 0
    np.testing.assert_allclose(sol.x, ref.x, rtol=1e-9, atol=1e-11)


def test_a_large_solve_runs_blas_on_one_thread_and_restores_it(world, monkeypatch):
    """From 2,000 unknowns up a solve and a decomposition run BLAS on one thread (its second
    thread only costs there, docs/performance.md) and give the process its setting back."""
    from threadpoolctl import threadpool_info

    from cge import path, welfare

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    seen: list[set[int]] = []
    orig = solver.krylov_solve

    def watched(*a, **k):
        seen.append(blas_threads())
        return orig(*a, **k)

    before = blas_threads()
    if not before:
        pytest.skip("threadpoolctl finds no BLAS library in this process")
    monkeypatch.setattr(solver, "krylov_solve", watched)
    monkeypatch.setattr(path, "krylov_solve", watched)
    eco = world
    eco.reset()
    eco.apply(cge.load_scenario("scenarios/us_steel_232_50.toml"))
    sol = eco.solve()
    welfare.decompose(eco, sol)
    assert seen and all(s == {1} for s in seen)
    assert blas_threads() == before
