"""Strategic tariffs: optimal tariffs, Nash tariff wars and the bargaining space.

Optimal tariff (reduced space)
    A player (a region) chooses a few *controls*, each a tariff rate (fraction) set on a group
    of its import cells (:class:`Instrument`: one uniform rate, one per sector, one per
    partner, or named groups of cells), to maximise its welfare ``W`` (regional EV, or
    household EV, in percent of base income), every other tariff held at its current value.
    For given controls ``u`` the equilibrium ``F(x, p(u)) = 0`` is solved by the project's
    Newton method, warm-started from the previous point and its factorisation; the welfare
    gradient comes from the implicit-function theorem by one adjoint solve::

        dW/du_k = ∂W/∂x · dx/du_k = −λᵀ ∂F/∂p · d_k,      Jᵀ λ = (∂W/∂x)ᵀ

    (``d_k`` the parameter direction of control k: 1 on each tariff of its group; ``∂F/∂p · d``
    by central differences with a Richardson step, error ~1e-13 relative, :mod:`cge.path`).
    The bounded problem ``max W(u)``, ``lo ≤ u ≤ hi``, is solved by L-BFGS-B (scipy), then
    polished by Newton steps on the free controls' gradient with a finite-difference Hessian
    of the exact gradient. Why reduced space and not Ipopt on the full system: the controls
    are few (1–20) and the equilibrium is square and solved to 1e-12 by Newton in a few steps
    from a warm start, so each objective value is an exact equilibrium (never an iterate off
    the constraint manifold), and there are no multipliers for thousands of equality
    constraints to converge. The answer is verified by the projected gradient: zero for a free
    control, pointing out of the box at a bound (:attr:`Optimum.projected_gradient`).

Nash equilibrium
    Best responses in turn (Gauss–Seidel): each player's optimal controls given the others'
    current ones, until one full round moves no control by more than ``tol`` (rate, fraction);
    then every player's problem is solved once more at the equilibrium and its gain reported
    (:attr:`NashEquilibrium.deviation_gain`: no profitable unilateral deviation if ~0).

Bargaining
    The Pareto frontier of two players: ``max ω W_A + (1 − ω) W_B`` (EV in the data's currency
    unit) over both players' controls for ω on a grid; the Nash (1950) bargaining solution
    maximises ``(EV_A − d_A)(EV_B − d_B)`` over the same controls, with the threat point ``d``
    the Nash war or the status quo.

References: Ossa (2014), "Trade wars and trade talks with data", AER 104(12); Costinot and
Rodríguez-Clare (2014), "Trade theory with numbers", Handbook of International Economics 4;
Nash (1950), "The bargaining problem", Econometrica 18(2).
"""

from __future__ import annotations

from .games import Frontier, NashEquilibrium, frontier, nash
from .optimum import (
                      BOUNDS,
                      KINDS,
                      OBJECTIVES,
                      Controls,
                      Equilibria,
                      Instrument,
                      Optimum,
                      StrategicError,
                      instrument,
                      optimal_tariff,
                      projected,
                      scale,
)

__all__ = ["BOUNDS", "KINDS", "OBJECTIVES", "Controls", "Equilibria", "Frontier", "Instrument",
           "NashEquilibrium", "Optimum", "StrategicError", "frontier", "instrument", "nash",
           "optimal_tariff", "projected", "scale"]
