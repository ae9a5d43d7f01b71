"""The cross-entropy fit of trade to targets (calibration/targets.py), against closed forms.

Objective: sum_c [x ln(x/x0) - x + x0] + (rho/2) sum_k ((a_k x - b_k) / (tau_k b_k))^2 with
rho = sum x0. Its first-order condition for cells in one target k is ln(x_c/x0_c) =
-rho (a_k x - b_k) / (tau_k b_k)^2: every cell of the target is scaled by the same factor t,
which solves the scalar equation ln t + rho (S0 t - b) / (tau b)^2 = 0 (S0 the prior sum).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from calibration.targets import fit_trade


def test_one_target_scales_its_cells_by_the_closed_form_factor():
    prior = np.array([[1.0, 3.0], [6.0, 10.0]])
    cells = [(0, 0), (0, 1), (1, 0)]  # S0 = 10; the fourth cell is not in the target
    b, tau = 15.0, 0.02
    rho = prior.sum()
    t = brentq(lambda t: math.log(t) + rho * (10.0 * t - b) / (tau * b) ** 2, 1e-3, 10.0, xtol=1e-15)
    x, steps = fit_trade(prior, [(cells, b, tau)])
    for c in cells:
        assert x[c] == pytest.approx(t * prior[c], rel=1e-8)  # the dual is solved to 1e-9 of b
    assert x[1, 1] == prior[1, 1]  # outside every target: the prior
    assert steps <= 20
    assert abs(sum(x[c] for c in cells) / b - 1) < tau  # within the tolerance


def test_consistent_targets_are_met_and_zeros_stay_zero():
    """Row and column totals that agree (a 2x2 RAS problem) are met to the penalty's
    precision (a gap of one tolerance width costs as much as the prior's whole entropy)."""
    prior = np.array([[4.0, 0.0, 2.0], [1.0, 3.0, 5.0]])
    rows = [[(0, j) for j in range(3)], [(1, j) for j in range(3)]]
    cols = [[(i, 1) for i in range(2)], [(i, 2) for i in range(2)]]
    targets = [(rows[0], 9.0, 0.01), (rows[1], 12.0, 0.01), (cols[0], 4.0, 0.01),
               (cols[1], 10.0, 0.01)]
    x, _ = fit_trade(prior, targets)
    assert x[0, 1] == 0.0
    for cells, b, tau in targets:
        assert abs(sum(x[c] for c in cells) / b - 1) < 0.1 * tau
    assert np.all(x >= 0)


def test_conflicting_targets_share_the_gap_by_their_tolerances():
    """The same cell targeted at 100 (tolerance 1%) and at 110 (tolerance 2%): the fit lands
    where the two squared gaps in tolerance units balance, i.e. nearer the tighter target:
    d/dx [((x-100)/1)^2 + ((x-110)/2.2)^2] = 0 gives x = (100/1 + 110/4.84) / (1 + 1/4.84),
    up to the small entropy term."""
    prior = np.array([[100.0]])
    x, _ = fit_trade(prior, [([(0, 0)], 100.0, 0.01), ([(0, 0)], 110.0, 0.02)])
    want = (100.0 / 1.0 + 110.0 / 4.84) / (1.0 + 1.0 / 4.84)
    assert x[0, 0] == pytest.approx(want, rel=2e-3)
    assert 100.0 < x[0, 0] < 105.0
