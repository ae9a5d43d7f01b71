"""Property-based tests (hypothesis) on random balanced multi-region SAMs from tests/synth.py.

Properties, each under every closure of :data:`cge.closure.CLOSURES` that applies to the data:

* calibration replicates the benchmark (active and Walras-dropped residuals <= 1e-10);
* homogeneity: doubling the numeraires doubles every nominal price and value, leaves every
  quantity (and world prices in the reference currency) unchanged, after a random tariff shock;
* Walras' law: after a random shock the dropped equations (every balance of payments, one world
  market) hold although they were not imposed, and accounting identities computed here by hand
  from the solution (GDP by income = by expenditure in every region, world exports = world
  imports at world prices, each region's trade balance = -foreign saving) hold;
* the solution does not depend on the starting point.

Data are drawn with zero trade cells (whole zero bilateral flows, sectors a region does not
import at all), elasticities by region and sector including exactly 1 (the Cobb–Douglas
branches) and both perfect (psi = inf) and finite CET transformation. Runs are derandomized so
CI is deterministic; examples are small so the file takes well under a minute of CPU
(``CGE_PROPERTY_SCALE=10`` multiplies the example counts for a longer local run).

What is left out, and why (each backed by a regression test at the end of the file):

* every drawn region both imports and exports: a region that trades nothing, or that imports
  nothing and meets unit-elastic demand for its exports, has an indeterminate exchange rate;
  a region importing nothing at all is covered by the explicit case ONE_WAY;
* the tests that solve draw Armington elasticities >= 1: below 1 the model can have several
  equilibria at the same parameters, or a fold of the path from the benchmark;
* a shock with no equilibrium with positive investment is scaled back towards base rates, or
  the example rejected (see :func:`shock_and_solve`); hypothesis events count these;
* Newton can report convergence at a spurious point below FLOOR (a known solver defect, strict
  xfail test): the tests then solve with Ipopt, which keeps to the bounds.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
import pytest
from hypothesis import HealthCheck, assume, currently_in_test_context, event, example, given, reject, settings
from hypothesis import strategies as st
from synth import elasticity_table, make_dataset

import cge
from cge.closure import CLOSURES, Closure
from cge.solver import newton

# ------------------------------------------------------------------------------------ settings


def _settings(n: int):
    """``n`` examples (times $CGE_PROPERTY_SCALE, e.g. 10 for a longer local run)."""
    n *= int(os.environ.get("CGE_PROPERTY_SCALE", "1"))
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


#: elasticity menus: 1 is the Cobb–Douglas branch of every CES in the model. Armington
#: elasticities below 1 can give several equilibria, or a fold of the equilibrium path close to
#: the benchmark (see test_low_armington_elasticities_*): the tests that solve draw sigma_d and
#: sigma_m >= 1 (gross substitutes); calibration and replication are tested with all of SIGMA
SIGMA = st.sampled_from([1.0, 0.5, 2.0, 4.0, 1.0])
ARMINGTON = st.sampled_from([1.0, 2.0, 4.0, 1.0])
PSI = st.sampled_from([math.inf, 1.0, 3.0])
FACTORS = [("LAB", "CAP"), ("LAB", "CAP"), ("LAB",), ("LAB", "CAP", "LND")]

# ------------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class Spec:
    """Everything that decides a synthetic data set (hashable, so usable in ``@example``)."""

    n_regions: int
    n_sectors: int
    seed: int
    zero_share: float = 0.2
    no_trade: tuple[tuple[int, int], ...] = ()  # (exporter, importer): no flow in any sector
    no_imports: tuple[tuple[int, int], ...] = ()  # (importer, sector): no imports from anyone
    elasticities: tuple[tuple[int, int, float, float, float, float], ...] = ()  # () = synth's
    factors: tuple[str, ...] = ("LAB", "CAP")

    def dataset(self) -> cge.Dataset:
        ela = (elasticity_table({(r, i): v for r, i, *v in self.elasticities})
               if self.elasticities else None)
        return make_dataset(self.n_regions, self.n_sectors, self.seed, zero_share=self.zero_share,
                            factors=self.factors, no_trade=self.no_trade,
                            no_imports=self.no_imports, elasticities=ela)


def closures_for(spec: Spec) -> list[str]:
    """Names of the closures in CLOSURES that apply to the data (their factors exist)."""
    return [n for n, c in CLOSURES.items() if set(c.specific_factors) <= set(spec.factors)]


def autarkic_regions(ds: cge.Dataset) -> set[str]:
    """Regions with neither exports nor imports (their exchange rate is indeterminate)."""
    trading = set(ds.trade["exporter"]) | set(ds.trade["importer"])
    return set(ds.regions) - trading


def unit_elastic_exporters(ds: cge.Dataset) -> set[str]:
    """Regions that import nothing and sell only where import demand is Cobb–Douglas twice over
    (sigma_m = sigma_d = 1). Their export revenue in the reference currency does not depend on
    their price, so neither does their balance of payments: the Marshall–Lerner condition fails
    with equality and their exchange rate is indeterminate (singular Jacobian)."""
    el = ds.elasticities
    out = set()
    for r in set(ds.regions) - set(ds.trade["importer"]):
        sales = ds.trade[ds.trade["exporter"] == r]
        if all(el.loc[(s, i), "sigma_m"] == 1 and el.loc[(s, i), "sigma_d"] == 1
               for s, i in zip(sales["importer"], sales["sector"])):
            out.add(r)
    return out


@st.composite
def specs(draw, max_regions: int = 4, max_sectors: int = 5, closure: str = "default",
          armington=ARMINGTON) -> Spec:
    """Random data sets to which ``closure`` applies (its specific factors exist), with
    Armington elasticities drawn from ``armington``."""
    nr = draw(st.integers(2, max_regions))
    ns = draw(st.integers(1, max_sectors))
    pairs = [(s, r) for s in range(nr) for r in range(nr) if s != r]
    cells = [(r, i) for r in range(nr) for i in range(ns)]
    # with 2 regions a zero bilateral flow, with 1 sector a sector not imported, leaves a region
    # importing nothing (rejected below; see ONE_WAY)
    ela = ()
    if draw(st.booleans()):  # per region and sector, else synth's default (sigma_va = 1, psi = inf)
        ela = tuple((r, i, draw(SIGMA), draw(armington), draw(armington), draw(PSI))
                    for r, i in cells)
    spec = Spec(
        n_regions=nr, n_sectors=ns, seed=draw(st.integers(0, 2**20)),
        zero_share=draw(st.sampled_from([0.0, 0.2, 0.5])),
        no_trade=tuple(draw(st.lists(st.sampled_from(pairs), max_size=2 if nr > 2 else 0,
                                     unique=True))),
        no_imports=tuple(draw(st.lists(st.sampled_from(cells), max_size=2 if ns > 1 else 0,
                                       unique=True))),
        elasticities=ela,
        factors=draw(st.sampled_from([f for f in FACTORS
                                      if set(CLOSURES[closure].specific_factors) <= set(f)])),
    )
    # every region both imports and exports something. Excluded: a region that trades nothing,
    # or imports nothing and meets unit-elastic demand for its exports, has an indeterminate
    # exchange rate (singular Jacobian, see the regression tests at the end); one that imports
    # nothing is covered by the explicit example ONE_WAY
    try:
        ds = spec.dataset()
    except cge.DataError as err:  # a region that trades nothing: refused at load (issue 15)
        assume("neither exports nor imports" not in str(err) and "no region exports" not in str(err))
        raise
    assume(set(ds.trade["importer"]) == set(ds.trade["exporter"]) == set(ds.regions))
    return spec


#: coverage pinned down whatever hypothesis draws: a zero bilateral flow (R0 -> R1) and a sector
#: R2 imports from nobody, Cobb–Douglas everywhere in R0, CET in R1
PINNED = Spec(3, 3, 11, zero_share=0.0, no_trade=((0, 1),), no_imports=((2, 1),),
              elasticities=tuple((r, i, 1.0 if r == 0 else 2.0, 1.0 if r == 0 else 3.0,
                                  1.0 if r == 0 else 5.0, math.inf if r != 1 else 2.0)
                                 for r in range(3) for i in range(3)))
#: two regions, one sector, one direction of trade only: R1 imports nothing at all
ONE_WAY = Spec(2, 1, 5, zero_share=0.0, no_trade=((0, 1),))


def economy(spec: Spec, closure: str | Closure) -> cge.Economy:
    return cge.Economy(spec.dataset(), closure)


def draw_shock(data, eco: cge.Economy) -> dict:
    """A random non-empty subset of bilateral tariffs, each set to a rate in [0, 1]."""
    keys = sorted(eco.base_tariffs())
    chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True),
                       label="tariffs")
    rates = data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(chosen), max_size=len(chosen)),
                      label="rates")
    return dict(zip(chosen, rates))


#: shares of a shock tried in turn when the whole shock has no equilibrium
SHARES = (1.0, 0.25, 1 / 16)


def saving_turns_negative(eco: cge.Economy) -> bool:
    """Whether, on the way from the benchmark to the current parameters, saving in some region
    turns negative once it is allowed to.

    Independent of Economy.solve: the lower bounds of saving and investment are dropped and
    Newton follows the shock from the benchmark, in steps of 1/16 of it halved on failure down
    to 1/1024, until it ends or fails.
    """
    names = [v.parent_component().local_name for v in eco.core.variables]
    free = np.isin(names, ["sav", "inv"])
    sav = np.isin(names, ["sav"])
    core = dataclasses.replace(eco.core, lower=np.where(free, -np.inf, eco.core.lower))
    target, start = np.array(core.params()), np.array(eco.p_base)
    x, done, step = eco.x_base.copy(), 0.0, 1 / 16
    while done < 1 and step >= 1 / 1024:
        trial = min(1.0, done + step)
        xn, info = newton(core, x, (start + trial * (target - start)).tolist())
        if not info.converged:
            step /= 2
            continue
        if np.min(xn[sav]) < 0:
            return True
        x, done = xn, trial
    return False


def below_bounds(eco: cge.Economy) -> list[str]:
    """Variables of the model's current point below their declared lower bound (FLOOR)."""
    x = eco.core.x_from_model()
    return [eco.core.variables[k].name for k in np.flatnonzero(x < eco.core.lower)]


def _event(text: str) -> None:
    if currently_in_test_context():
        event(text)


def shock_and_solve(eco: cge.Economy, shock: dict) -> float:
    """Set the shock and solve from the benchmark (Economy.solve: Newton, Ipopt, continuation).

    Some shocks have no equilibrium with positive investment (typically under fixed exchange
    rates, where a tariff turns foreign saving into a capital outflow larger than domestic
    saving). When Economy.solve fails, :func:`saving_turns_negative` tells; if so, the same
    tariffs are moved a share of the way from their base rates (so each rate stays in [0, 1]),
    and if no share in :data:`SHARES` has an equilibrium the example is rejected. Any other
    failure is the solver's and fails the test. Returns the share solved.

    A spurious root (prices below FLOOR, see
    test_newton_does_not_accept_a_spurious_root_below_the_floor) must never be returned.
    """
    base = eco.base_tariffs()
    for share in SHARES:
        eco.reset()
        eco.set_tariffs({k: base[k] + share * (v - base[k]) for k, v in shock.items()})
        try:
            eco.solve()
        except cge.SolveError:
            if not saving_turns_negative(eco):
                raise
            continue
        assert not below_bounds(eco), below_bounds(eco)
        _event(f"{eco.closure.name}: shock share {share:g}")
        return share
    _event(f"{eco.closure.name}: no equilibrium with positive investment (rejected)")
    reject()


# ------------------------------------------------------------------------------------ 1. replication


@_settings(60)
@given(spec=specs(armington=SIGMA))
@example(spec=PINNED)
@example(spec=ONE_WAY)
def test_calibration_replicates_under_every_closure(spec):
    ds = spec.dataset()
    for name in closures_for(spec):
        eco = cge.Economy(ds, name)
        rep = eco.replication()
        assert rep["max_residual"] <= 1e-10, (name, rep)
        assert rep["max_walras"] <= 1e-10, (name, rep)
        assert np.all(eco.x_base[eco.core.lower > 0] > 0)


# ------------------------------------------------------------------------------------ 2. homogeneity

#: variables in local currency (scale with the local numeraire; the transfer trf is a money
#: amount over base household income); world prices (pwe) and foreign saving (fsv) are in the
#: reference currency, everything else is a quantity or a rate
NOMINAL = {"pf", "pfs", "pva", "pz", "pd", "pm", "pq", "cpi", "yh", "yg", "sav", "eps", "trf"}


def _region(v) -> str:
    idx = v.index()
    return idx[0] if isinstance(idx, tuple) else idx


def _scaling(eco: cge.Economy, k: float, regions: set[str]) -> np.ndarray:
    """Expected factor on each free variable when the numeraires of ``regions`` scale by k."""
    return np.array([k if v.parent_component().local_name in NOMINAL and _region(v) in regions
                     else 1.0 for v in eco.core.variables])


def _check_scaled(eco: cge.Economy, x1: np.ndarray, res1: float, expected: np.ndarray) -> None:
    """The scaled point solves the scaled model as well as ``x1`` (residual ``res1``) solved
    the original (no solver involved), and solving from the unscaled solution finds it."""
    p = eco.core.params()
    assert np.max(np.abs(eco.core.residual(expected, p))) <= 10 * res1 + 1e-13
    assert np.max(np.abs(eco.core.dropped_residuals(expected, p))) <= 1e-8
    eco.core.x_to_model(x1)
    eco.solve()
    x2 = eco.core.x_from_model()
    assert np.max(np.abs(x2 - expected) / np.maximum(1.0, np.abs(expected))) <= 1e-9


def check_homogeneity(eco: cge.Economy, k: float = 2.0) -> None:
    """At a solution: scale every numeraire by ``k``, solve again, compare."""
    x1 = eco.core.x_from_model()
    res1 = float(np.max(np.abs(eco.core.residual(x1, eco.core.params()))))
    # every fixed local-currency variable is a numeraire (CPI or a factor price in each region)
    # or a fixed exchange rate: scale them all; foreign saving stays in the reference unit
    for v in eco.model.component_data_objects(pyo.Var):
        if v.fixed and v.parent_component().local_name in NOMINAL:
            v.fix(k * v.value)
    _check_scaled(eco, x1, res1, _scaling(eco, k, set(eco.benchmark.regions)) * x1)


def check_homogeneity_one_region(eco: cge.Economy, r: str, k: float = 2.0) -> None:
    """At a solution under flexible exchange rates: scale region ``r``'s numeraire only."""
    x1 = eco.core.x_from_model()
    res1 = float(np.max(np.abs(eco.core.residual(x1, eco.core.params()))))
    num = eco.closure.numeraire
    (eco.model.cpi[r] if num == "cpi" else eco.model.pf[r, num]).fix(k)
    _check_scaled(eco, x1, res1, _scaling(eco, k, {r}) * x1)


@pytest.mark.parametrize("closure", list(CLOSURES))
@_settings(15)
@given(data=st.data())
def test_homogeneity_scaling_numeraires_scales_nominal_only(closure, data):
    spec = data.draw(specs(closure=closure), label="spec")
    eco = economy(spec, closure)
    shock_and_solve(eco, draw_shock(data, eco))
    check_homogeneity(eco)


@_settings(20)
@given(data=st.data())
def test_homogeneity_one_region_numeraire_under_flexible_rates(data):
    """With flexible exchange rates, one non-reference region's numeraire is a unit of its own
    currency: doubling it doubles that region's prices and exchange rate, nothing else."""
    spec = data.draw(specs(), label="spec")
    numeraire = data.draw(st.sampled_from(["cpi", "LAB"]), label="numeraire")
    eco = economy(spec, Closure(name="flex", numeraire=numeraire))
    shock_and_solve(eco, draw_shock(data, eco))
    ref = eco.benchmark.reference_region
    r = data.draw(st.sampled_from([s for s in eco.benchmark.regions if s != ref]), label="region")
    check_homogeneity_one_region(eco, r)


# ------------------------------------------------------------------------------------ 3. Walras


def accounts(eco: cge.Economy) -> dict[str, dict[str, float]]:
    """National and world accounts computed by hand from the solution's prices and quantities.

    Not from the model's constraints: GDP by income is factor payments (price x quantity) plus
    production tax (rate x net cost of inputs) plus tariffs (rate x c.i.f. value); by
    expenditure it is final demand plus exports minus imports at c.i.f. prices; all in local
    currency. Trade flows at world prices are in the reference currency.
    """
    m, b = eco.model, eco.benchmark
    val = pyo.value
    specific = set(eco.closure.specific_factors)

    def pfac(r, f, j):
        return val(m.pfs[r, f, j] if f in specific else m.pf[r, f])

    out = {key: {r: 0.0 for r in b.regions} for key in
           ("income", "expenditure", "exports", "imports", "foreign_saving")}
    for (r, f, j), v in b.F.items():
        out["income"][r] += pfac(r, f, j) * v * val(m.f[r, f, j])
    for r, j in b.Z:
        inputs = sum(val(m.pq[r, i]) * v * val(m.z[r, j]) for (rr, i, jj), v in b.X.items()
                     if (rr, jj) == (r, j))
        inputs += sum(pfac(r, f, j) * v * val(m.f[r, f, j]) for (rr, f, jj), v in b.F.items()
                      if (rr, jj) == (r, j))
        out["income"][r] += val(m.tz[r, j]) * inputs
    for (s, r, i), v in b.MS.items():
        cif = val(m.pwe[s, i]) * v * val(m.ms[s, r, i])  # reference currency
        out["income"][r] += val(m.tm[s, r, i]) * val(m.eps[r]) * cif
        out["expenditure"][r] -= val(m.eps[r]) * cif
        out["imports"][r] += cif
    for (r, i), v in b.E.items():
        fob = val(m.pwe[r, i]) * v * val(m.e[r, i])
        out["expenditure"][r] += val(m.eps[r]) * fob
        out["exports"][r] += fob
    for base, var in ((b.C, m.c), (b.G, m.g), (b.I, m.inv)):
        for (r, i), v in base.items():
            out["expenditure"][r] += val(m.pq[r, i]) * v * val(var[r, i])
    for r in b.regions:
        out["foreign_saving"][r] = val(m.fsv[r]) * cge.model.scale(b.SAV[r], b.YH[r])
    return out


def check_walras_and_accounts(eco: cge.Economy) -> None:
    """At a solution: the equations dropped by Walras' law hold, and so do the accounts."""
    x, p = eco.core.x_from_model(), eco.core.params()
    assert np.max(np.abs(eco.core.residual(x, p))) <= 1e-9
    assert not below_bounds(eco)
    # not imposed: every balance of payments and one world market
    dropped = eco.core.dropped_residuals(x, p)
    assert len(dropped) == len(eco.benchmark.regions) + 1
    assert np.max(np.abs(dropped)) <= 1e-8
    acc = accounts(eco)
    for r in eco.benchmark.regions:
        gdp = acc["expenditure"][r]
        assert gdp > 0
        assert abs(acc["income"][r] - gdp) <= 1e-8 * gdp, r
        trade = acc["exports"][r] + acc["imports"][r]
        assert abs(acc["exports"][r] + acc["foreign_saving"][r] - acc["imports"][r]) <= 1e-8 * trade
    world_x, world_m = sum(acc["exports"].values()), sum(acc["imports"].values())
    assert abs(world_x - world_m) <= 1e-8 * world_x
    assert abs(sum(acc["foreign_saving"].values())) <= 1e-8 * world_x


@pytest.mark.parametrize("closure", list(CLOSURES))
@_settings(20)
@given(data=st.data())
def test_walras_dropped_equations_and_accounting_identities_hold(closure, data):
    spec = data.draw(specs(closure=closure), label="spec")
    eco = economy(spec, closure)
    shock_and_solve(eco, draw_shock(data, eco))
    check_walras_and_accounts(eco)


# ------------------------------------------------------------------------------------ 4. uniqueness


def check_start_independence(eco: cge.Economy, rng: np.random.Generator) -> None:
    """At a solution reached from the benchmark: solve again from the benchmark and from the
    solution, each perturbed by up to ±10% variable by variable; every start must give the
    same solution.

    Solved with Economy.solve from the perturbed start: Newton, its Ipopt fallback from the
    same start, and, if both fail, continuation from the benchmark (counted as a hypothesis
    event: that start was then not really tested; see the report of issue "Reliability").
    """
    x_star = eco.core.x_from_model()
    for centre in (eco.x_base, x_star, eco.x_base):
        x0 = centre * (1 + 0.1 * rng.uniform(-1, 1, eco.core.n))
        eco.core.x_to_model(x0)
        info = eco.solve()
        if info.steps > 1:
            _event("perturbed start: direct solve failed, continuation from the benchmark")
        assert not below_bounds(eco)
        assert np.max(np.abs(eco.core.x_from_model() - x_star)) <= 1e-8


@pytest.mark.parametrize("closure", list(CLOSURES))
@_settings(12)
@given(data=st.data())
def test_solution_does_not_depend_on_the_starting_point(closure, data):
    spec = data.draw(specs(closure=closure), label="spec")
    eco = economy(spec, closure)
    shock_and_solve(eco, draw_shock(data, eco))  # from the benchmark
    check_start_independence(eco, np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))))


# ------------------------------------------------------------------------------------ pinned cases


@pytest.mark.parametrize("closure", list(CLOSURES))
@pytest.mark.parametrize("spec", [PINNED, ONE_WAY], ids=["pinned", "one-way"])
def test_pinned_cases_all_properties(spec, closure):
    """The coverage hypothesis may not draw, every time: a zero bilateral flow, a sector a
    region does not import, Cobb–Douglas and CET in one data set (PINNED), a region importing
    nothing at all (ONE_WAY); every tariff set to 50%."""
    eco = economy(spec, closure)
    rep = eco.replication()
    assert rep["max_residual"] <= 1e-10 and rep["max_walras"] <= 1e-10
    assert shock_and_solve(eco, {k: 0.5 for k in eco.base_tariffs()}) == 1.0
    check_walras_and_accounts(eco)
    check_start_independence(eco, np.random.default_rng(0))
    # a wage swapped in as exogenous (short_run) is a second nominal anchor in each region:
    # scaling the CPI alone is then not a symmetry (scaling every anchor still is)
    if eco.closure.exchange_rate == "flexible" and not eco.closure.swaps:
        check_homogeneity_one_region(eco, eco.benchmark.regions[-1])
    check_homogeneity(eco)


# ------------------------------------------------------------------------------------ regressions


def test_autarkic_region_is_degenerate(monkeypatch):
    """A region that neither exports nor imports has no exchange rate to speak of: the benchmark
    replicates, but the Jacobian is singular (its exchange rate enters only through its foreign
    saving, which is zero; the welfare decomposition of `cge run` then failed with a traceback).
    Not supported: data validation refuses such data, naming the region (issue 15); the
    singular Jacobian, the reason, is shown on the data built without that check."""
    import cge.data

    spec = dict(no_trade=[(0, 2), (2, 0), (1, 2), (2, 1)])
    with pytest.raises(cge.DataError, match=r"^sam\.csv: region R2: the region neither exports "
                       r"nor imports anything"):
        make_dataset(3, 2, seed=1, **spec)
    monkeypatch.setattr(cge.data, "check_structure", lambda ds: None)  # as build_dataset calls it
    ds = make_dataset(3, 2, seed=1, **spec)
    assert autarkic_regions(ds) == {"R2"}
    eco = cge.Economy(ds)
    assert eco.replication()["max_residual"] <= 1e-10
    jac = eco.core.jacobian(eco.x_base, eco.p_base).toarray()
    col = [k for k, v in enumerate(eco.core.variables) if v.name == "eps[R2]"]
    assert col and np.max(np.abs(jac[:, col[0]])) == 0.0  # nothing pins eps[R2]
    assert np.linalg.cond(jac) > 1e12


def test_unit_elastic_export_demand_without_imports_is_indeterminate():
    """R1 imports nothing and sells its one good where demand is Cobb–Douglas: its export
    revenue in the reference currency is fixed whatever its price, so its balance of payments
    cannot pin its exchange rate. The benchmark replicates but the Jacobian is singular there."""
    ela = elasticity_table({(r, 0): (1.0, 1.0, 1.0, math.inf) for r in range(4)})
    ds = make_dataset(4, 1, 0, zero_share=0.0, no_imports=[(0, 0), (1, 0)], elasticities=ela)
    assert unit_elastic_exporters(ds) == {"R0", "R1"}
    eco = cge.Economy(ds)
    assert eco.replication()["max_residual"] <= 1e-10
    jac = eco.core.jacobian(eco.x_base, eco.p_base).toarray()
    assert np.linalg.matrix_rank(jac) == eco.core.n - 1
    from cge.check import jacobian_condition  # what `cge check` reports as not determinate

    assert jacobian_condition(eco) >= 1e12
    # with price-elastic demand for the same flows the exchange rate is determinate again
    ela = elasticity_table({(r, 0): (1.0, 2.0, 4.0, math.inf) for r in range(4)})
    ds = make_dataset(4, 1, 0, zero_share=0.0, no_imports=[(0, 0), (1, 0)], elasticities=ela)
    assert not unit_elastic_exporters(ds)
    eco = cge.Economy(ds)
    jac = eco.core.jacobian(eco.x_base, eco.p_base).toarray()
    assert np.linalg.matrix_rank(jac) == eco.core.n
    assert jacobian_condition(eco) < 1e12


#: The closure under which the regression cases below were found and their numbers computed
#: (by Ipopt or by hand): the default before issue 13 — foreign saving fixed in the reference
#: currency, revenue spent by the government.
FOUND_UNDER = CLOSURES["nominal_foreign_saving"].with_(name="pre-issue-13 default",
                                                      revenue="government")

#: Newton's false convergence: two regions, one good; R0's exports on a CET frontier (psi = 1),
#: R1's imports inelastic against domestic goods (sigma_d = 0.5); both tariffs set to 100%.
SPURIOUS = Spec(2, 1, 119, zero_share=0.0, elasticities=((0, 0, 1.0, 2.0, 4.0, 1.0),
                                                         (1, 0, 1.0, 0.5, 4.0, math.inf)))


def test_newton_does_not_accept_a_spurious_root_below_the_floor():
    eco = economy(SPURIOUS, FOUND_UNDER)
    eco.set_tariffs({k: 1.0 for k in eco.base_tariffs()})
    eco.solve("ipopt")  # Ipopt keeps to the bounds: the true solution, pm[R1,S0] = 1.78
    truth = eco.core.x_from_model()
    assert not below_bounds(eco) and eco.model.pm["R1", "S0"].value == pytest.approx(1.7776, abs=1e-4)
    eco.core.x_to_model(eco.x_base)
    # Newton from the benchmark once "converged" here (max residual 3e-10, Walras ok) at a
    # spurious point with pm[R1,S0], pwe[R0,S0] ~ 1e-20; such a root is now rejected
    info = eco.solve()
    assert info.converged and info.max_walras <= 1e-8
    assert not below_bounds(eco), below_bounds(eco)
    assert np.max(np.abs(eco.core.x_from_model() - truth)) <= 1e-8


#: two regions, one good, Armington elasticity 0.5 everywhere, otherwise Cobb–Douglas
LOW = Spec(2, 1, 3, zero_share=0.0, elasticities=((0, 0, 1.0, 0.5, 1.0, math.inf),
                                                    (1, 0, 1.0, 0.5, 1.0, math.inf)))


def test_low_armington_elasticities_admit_a_second_benchmark_equilibrium():
    """Finding, not a bug: with inelastic import demand (sigma_d = 0.5) trade balances are not
    monotone in the terms of trade (Marshall–Lerner fails) and the calibrated benchmark is not
    the only equilibrium at benchmark parameters. Newton started at a depreciated R1 currency
    finds a second, regular one (R0's welfare at 49% of the benchmark)."""
    eco = economy(LOW, FOUND_UNDER)
    names = [v.name for v in eco.core.variables]
    x0 = eco.x_base.copy()
    for name, value in (("eps[R1]", 0.1), ("pwe[R1,S0]", 10.0), ("pm[R0,S0]", 10.0)):
        x0[names.index(name)] = value
    x, info = newton(eco.core, x0, eco.p_base)
    assert info.converged and np.all(x >= eco.core.lower)
    assert np.max(np.abs(eco.core.dropped_residuals(x, eco.p_base))) <= 1e-8
    assert x[names.index("eps[R1]")] == pytest.approx(0.1501, abs=1e-4)
    assert np.linalg.cond(eco.core.jacobian(x, eco.p_base).toarray()) < 1e7  # a regular root
    eco.core.x_to_model(x)
    assert pyo.value(eco.model.utility["R0"]) == pytest.approx(0.4909, abs=1e-4)


def test_low_armington_elasticities_fold_near_the_benchmark():
    """Finding, not a bug: with sigma_d = 0.5 for R0's imports of S0, cutting R1's 4.5% tariff
    on them to 0 follows the equilibrium path from the benchmark into a fold (the Jacobian's
    smallest singular value goes to 0) at about 27% of the cut; beyond it that branch does not
    exist (and Economy.solve currently fails on the full cut)."""
    spec = Spec(2, 2, 0, zero_share=0.5, factors=("LAB",),
                elasticities=((0, 0, 0.5, 0.5, 1.0, math.inf), (0, 1, 2.0, 1.0, 1.0, math.inf),
                              (1, 0, 1.0, 1.0, 1.0, 3.0), (1, 1, 1.0, 2.0, 1.0, 1.0)))
    eco = economy(spec, FOUND_UNDER)
    eco.set_tariffs({("R0", "R1", "S0"): 0.0})
    target, start = np.array(eco.core.params()), np.array(eco.p_base)
    x, smallest = eco.x_base.copy(), []
    for share in (0.05, 0.1, 0.15, 0.2, 0.25):
        p = (start + share * (target - start)).tolist()
        x, info = newton(eco.core, x, p)
        assert info.converged
        smallest.append(np.linalg.svd(eco.core.jacobian(x, p).toarray(), compute_uv=False)[-1])
    assert all(a > b for a, b in zip(smallest, smallest[1:])) and smallest[-1] < smallest[0] / 2
    p = (start + 0.3 * (target - start)).tolist()
    assert not newton(eco.core, x, p)[1].converged  # past the fold
