"""The vectorised compiler backend agrees with the original one (scalar code, Pyomo's symbolic
derivatives): same unknowns, equations and Jacobian sparsity; residuals and Jacobian values to
1e-12 relative, at random points and after shocks; the same solutions. Plus the sparse LU of the
core, and a smoke run of the benchmarks in quick mode (no timing is asserted anywhere)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SHIPPED, TWOCGE
from synth import make_dataset

import cge
from cge.closure import Closure
from cge.core import StructureError, compile_model
from cge.solver import solve

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = next((p for p in SHIPPED if p.name == "usjpn2024"), None)
RTOL = 1e-12


def _cases():
    if DEFAULT is not None:
        yield pytest.param(lambda: cge.Economy(DEFAULT), id="default")
    yield pytest.param(lambda: cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB")),
                       id="twocge")
    yield pytest.param(lambda: cge.Economy(make_dataset(3, 4, seed=1)), id="synthetic-3x4")
    yield pytest.param(lambda: cge.Economy(make_dataset(2, 5, seed=4, sigma=1.0, psi=2.0)),
                       id="synthetic-cobb-douglas-cet")
    yield pytest.param(lambda: cge.Economy(make_dataset(4, 6, seed=2), "fixed_exchange_rate"),
                       id="synthetic-4x6-fixed-exchange-rate")
    yield pytest.param(lambda: cge.Economy(make_dataset(3, 5, seed=6), Closure(
        name="ssc", specific_factors=("CAP",))), id="synthetic-3x5-specific-capital")


def _close(a: np.ndarray, b: np.ndarray) -> float:
    """Largest relative difference (entries near zero compared on the scale of 1)."""
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b))),
                        initial=0.0))


def _close_jac(a: np.ndarray, b: np.ndarray) -> float:
    """Largest relative difference of Jacobian entries (exact zeros must match)."""
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0),
                        initial=0.0))


class _Pair:
    """The two backends on one model; p vectors mapped through the parameter objects."""

    def __init__(self, eco: cge.Economy):
        self.eco = eco
        self.py = compile_model(eco.model, backend="python")
        self.vec = compile_model(eco.model, backend="vector")

    def check(self, x: np.ndarray) -> None:
        py, vec = self.py, self.vec
        pp, pv = py.params(), vec.params()
        Fa, Fb = py.residual(x, pp), vec.residual(x, pv)
        assert _close(Fa, Fb) <= RTOL
        Da, Db = py.dropped_residuals(x, pp), vec.dropped_residuals(x, pv)
        assert _close(Da, Db) <= RTOL
        Ja, Jb = py.jacobian(x, pp).toarray(), vec.jacobian(x, pv).toarray()
        assert _close_jac(Ja, Jb) <= RTOL
        # jacobian_values is aligned with rows and cols
        J = np.zeros((vec.n, vec.n))
        J[vec.rows, vec.cols] = vec.jacobian_values(x, pv)
        assert np.array_equal(J, Jb)


@pytest.mark.parametrize("make", list(_cases()))
def test_backends_agree_at_random_points_and_after_shocks(make):
    pair = _Pair(make())
    py, vec, eco = pair.py, pair.vec, pair.eco
    assert vec.backend == "vector" and py.backend == "python"
    assert [id(v) for v in py.variables] == [id(v) for v in vec.variables]
    assert [id(c) for c in py.constraints] == [id(c) for c in vec.constraints]
    assert [id(c) for c in py.dropped] == [id(c) for c in vec.dropped]
    assert {id(o) for o in py.param_objects} == {id(o) for o in vec.param_objects}
    assert set(zip(py.rows.tolist(), py.cols.tolist())) == set(zip(vec.rows.tolist(),
                                                                   vec.cols.tolist()))
    assert len(vec.rows) == len(py.rows)  # no duplicates
    assert np.array_equal(py.lower, vec.lower)
    rng = np.random.default_rng(7)
    x0 = eco.x_base
    pair.check(x0)
    for _ in range(3):
        pair.check(x0 * (1 + 0.2 * rng.uniform(-1, 1, vec.n)))
    # tariff shocks and other instruments: parameters change, nothing is recompiled
    base = eco.base_tariffs()
    for k in list(base)[::2]:
        eco.model.tm[k] = base[k] + rng.uniform(0.0, 1.0)
    for r in eco.dataset.regions:
        eco.model.td[r] = 0.05
        eco.model.mps[r] = eco.model.mps[r].value * 1.1
    for _ in range(2):
        pair.check(x0 * (1 + 0.2 * rng.uniform(-1, 1, vec.n)))
    info = solve(vec, x0=x0)
    assert info.converged
    pair.check(vec.x_from_model())


@pytest.mark.parametrize("make", list(_cases())[:2])
def test_backends_solve_to_the_same_point(make):
    eco = make()
    shock = {k: v + 0.3 for k, v in eco.base_tariffs().items()
             if k[1] == eco.dataset.reference_region}
    sols = []
    for backend in ("python", "vector"):
        eco.reset()
        eco.set_tariffs(shock)
        core = compile_model(eco.model, backend=backend)
        for solver in ("newton", "ipopt"):
            info = solve(core, solver=solver, x0=eco.x_base)
            assert info.converged and info.max_walras <= 1e-8
            sols.append(core.x_from_model())
    for x in sols[1:]:
        assert np.max(np.abs(x - sols[0])) <= 1e-9


def test_undefined_powers_give_nan_not_exceptions():
    eco = cge.Economy(make_dataset(2, 3, seed=3))
    x = eco.x_base.copy()
    x[:: 7] = -0.5  # negative prices and quantities: fractional powers are undefined
    for backend in ("python", "vector"):
        core = compile_model(eco.model, backend=backend)
        F = core.residual(x, core.params())
        assert np.isnan(F).any()
        core.jacobian_values(x, core.params())  # no exception either


def test_generated_source_is_small_and_does_not_grow_with_the_model():
    small = compile_model(cge.Economy(make_dataset(2, 4, seed=0)).model, backend="vector")
    big = compile_model(cge.Economy(make_dataset(5, 12, seed=0)).model, backend="vector")
    assert big.n > 5 * small.n
    lines = [c.source.count("\n") for c in (small, big)]
    assert lines[1] <= 1.5 * lines[0]
    assert len(big.groups) <= 30


def test_parameter_stage_is_recomputed_when_parameters_change():
    eco = cge.Economy(make_dataset(2, 4, seed=0))
    core = compile_model(eco.model, backend="vector")  # the backend with a parameter stage
    x, p = eco.x_base, core.params()
    F0 = core.residual(x, p)
    k = next(iter(eco.base_tariffs()))
    eco.model.tm[k] = eco.model.tm[k].value + 0.5
    p1 = core.params()
    F1 = core.residual(x, p1)
    assert not np.allclose(F0, F1)
    assert np.array_equal(core.residual(x, p), F0)  # back to the old parameters
    assert np.array_equal(core.residual(x, np.array(p1)), F1)  # arrays work too


def test_lu_solves_the_newton_system():
    from scipy.sparse.linalg import spsolve

    eco = cge.Economy(make_dataset(3, 6, seed=1))
    core = eco.core
    rng = np.random.default_rng(0)
    for _ in range(3):  # first call computes the ordering, later ones reuse it
        x = eco.x_base * (1 + 0.1 * rng.uniform(-1, 1, core.n))
        b = rng.normal(size=core.n)
        dx = core.lu(x, core.params()).solve(b)
        ref = spsolve(core.jacobian(x, core.params()).tocsc(), b)
        assert np.allclose(dx, ref, rtol=1e-9, atol=1e-9 * np.max(np.abs(ref)))


def test_auto_backend_is_vector_except_for_small_systems():
    from cge.core import AUTO_PYTHON_BELOW

    small = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    big = cge.Economy(make_dataset(3, 4, seed=1))
    assert small.core.n < AUTO_PYTHON_BELOW <= big.core.n
    assert (small.core.backend, big.core.backend) == ("python", "vector")
    if DEFAULT is not None:
        assert cge.Economy(DEFAULT).core.backend == "vector"


def test_unknown_backend_and_non_square_systems_are_refused():
    eco = cge.Economy(make_dataset(2, 3, seed=0))
    with pytest.raises(ValueError, match="backend"):
        compile_model(eco.model, backend="fortran")
    eco.model.eps[eco.dataset.regions[1]].fix(1.0)  # one variable too few
    for backend in ("python", "vector"):
        with pytest.raises(StructureError):
            compile_model(eco.model, backend=backend)


def test_benchmarks_run_in_quick_mode():
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import bench_solve; "
            "out = bench_solve.main(['--repeats', '1'], quick=True); "
            "assert out['named'] and out['scaling']; "
            "assert all('error' not in p and p['converged'] for p in out['scaling']), out")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "## Scaling" in run.stdout and "LU lower bound" in run.stdout
