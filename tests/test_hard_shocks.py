"""Hard shocks and solver failure: large tariffs solve; what cannot solve says why, changing nothing."""

import numpy as np
import pytest

import cge
from cge import solver as solver_mod
from cge.solver import SolveError

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)


@pytest.fixture(scope="module")
def eco():
    return cge.Economy()


def _shock(eco, importer, sector, rate, exporters=None):
    base = eco.base_tariffs()
    eco.reset()
    keys = [k for k in base if k[1] == importer and k[2] == sector
            and (exporters is None or k[0] in exporters)]
    eco.set_tariffs({k: base[k] + rate for k in keys})
    return keys


SECTORS = ["AGR", "ENR", "FOOD", "CHEM", "METL", "MACH", "ELEC", "AUTO", "OMFG", "SERV"]


@pytest.mark.parametrize("importer", ["USA", "JPN", "ROW"])
def test_300pct_on_every_sector_from_every_partner_solves(eco, importer):
    """+300 points on one sector's imports from all partners, for every sector and importer:
    the solve converges and the taxed imports fall, more at 300% than at 100%."""
    for i in SECTORS:
        vols = []
        for rate in (1.0, 3.0):
            keys = _shock(eco, importer, i, rate)
            info = eco.solve()
            assert info.converged and info.max_residual <= 1e-9 and info.max_walras <= 1e-8
            vols.append(sum(eco.benchmark.MS[k] * eco.model.ms[k].value for k in keys))
        base = sum(eco.benchmark.MS[k] for k in keys)
        assert base > vols[0] > vols[1] > 0, (importer, i)


def test_continuation_takes_over_when_a_direct_solve_fails(eco):
    """+10,000 points on US energy imports: Newton and Ipopt fail from the benchmark; the
    automatic continuation reaches the solution, a true root of the full system."""
    _shock(eco, "USA", "ENR", 100.0)
    info = eco.solve()
    assert info.steps > 1 and "continuation" in info.message
    x, p = eco.core.x_from_model(), eco.core.params()
    assert np.max(np.abs(eco.core.residual(x, p))) <= 1e-9
    assert np.max(np.abs(eco.core.dropped_residuals(x, p))) <= 1e-8
    # the same point is reached by Newton warm-started from a solution at 3/4 of the shock
    keys = _shock(eco, "USA", "ENR", 75.0)
    eco.solve()
    eco.set_tariffs({k: eco.benchmark.tm[k] + 100.0 for k in keys})
    x2, info2 = solver_mod.newton(eco.core, eco.core.x_from_model(), eco.core.params(), tol=1e-13)
    assert info2.converged
    assert np.allclose(x2, x, rtol=1e-7, atol=1e-12)


def test_prohibitive_tariff_is_reported(eco):
    """A 100,000% tariff on autos from Japan prices the flow out: it is ~1e-21 of its base
    (σ_M = 7.1: (1001)^-7.1), the solve is exact, and a warning names the flow."""
    _shock(eco, "USA", "AUTO", 1000.0, exporters=["JPN"])
    info = eco.solve()
    flow = eco.model.ms["JPN", "USA", "AUTO"].value
    assert flow < 1e-6
    assert info.warnings and "ms[JPN,USA,AUTO]" in info.warnings[0]


def test_no_equilibrium_is_explained_and_changes_nothing():
    """Fixed exchange rates, Japan +200 points on all imports: Japan's surplus becomes a capital
    outflow larger than its saving, so no equilibrium with positive investment exists.
    The error says how far continuation got and why; the model keeps its last solution."""
    eco = cge.Economy(None, "fixed_exchange_rate")
    x_before = eco.core.x_from_model()
    base = eco.base_tariffs()
    eco.set_tariffs({k: base[k] + 2.0 for k in base if k[1] == "JPN"})
    with pytest.raises(SolveError) as exc:
        eco.solve()
    err = exc.value
    assert err.reached is not None and 0.1 < err.reached < 1.0
    assert any("investment, in JPN would turn negative" in line for line in err.diagnosis)
    assert err.blocks and err.blocks[0]["block"] and err.blocks[0]["tag"]
    text = str(err)
    assert "worst residual by equation block" in text and "what to try" in text
    assert np.array_equal(eco.core.x_from_model(), x_before)


def test_interrupt_leaves_the_model_unchanged(eco, monkeypatch):
    """Ctrl-C in the middle of a solve: the model keeps its previous values."""
    _shock(eco, "USA", "AUTO", 0.25, exporters=["JPN"])
    x_before = eco.core.x_from_model()
    calls = {"n": 0}
    real = eco.core.residual

    def interrupted(x, p):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(x, p)

    monkeypatch.setattr(eco.core, "residual", interrupted)
    with pytest.raises(KeyboardInterrupt):
        eco.solve()
    assert np.array_equal(eco.core.x_from_model(), x_before)
