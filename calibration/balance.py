"""Matrix balancing (RAS, GRAS): moved to the library as :mod:`cge.build.balance` so users can
balance their own data; the pipeline modules keep importing these names from here."""

from cge.build.balance import BalanceResult, BalancingError, gras, ras

__all__ = ["BalanceResult", "BalancingError", "gras", "ras"]
