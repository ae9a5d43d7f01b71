"""Make your own data set: write the input format, balance a SAM, import GTAP or national SAMs.

- :mod:`cge.build.write`: write a data set folder (docs/input_format.md), checked by the loader.
- :mod:`cge.build.balance`: RAS / GRAS (cross-entropy) balancing, every change reported.
- :mod:`cge.build.gtap`: an aggregated GTAP v7 database (HAR files; needs ``cge[gtap]``).
- :mod:`cge.build.sam`: square national SAMs plus a bilateral trade table.

See docs/onramps.md. The project's own build (``calibration/``) uses the first two.
"""

from __future__ import annotations

_NAMES = {
    "BalanceResult": "balance", "BalancingError": "balance", "CellChange": "balance",
    "SquareBalance": "balance", "balance_square": "balance", "cell_changes": "balance",
    "gras": "balance", "ras": "balance", "format_number": "write", "write_dataset": "write",
    "import_gtap": "gtap", "import_sams": "sam",
}
__all__ = sorted(_NAMES)


def __getattr__(name: str):  # noqa: ANN202  (lazy: `cge --help` imports no numpy)
    if name in _NAMES:
        from importlib import import_module

        return getattr(import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
