"""The validated base-year data set (:class:`Dataset`): its accounts, tables and elasticity
sets, as :mod:`cge.data` returns them after loading and checking the files."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .errors import DataError
from .meta import BALANCE_TOL, RESERVED
from .text import listing, quote, show

#: The name of the one elasticity set of an ``elasticities.csv`` without a ``set`` column,
#: unless ``meta.toml: elasticities`` names it.
DEFAULT_SET = "default"


def sam_accounts(regions, sectors, factors, region: str) -> list[str]:
    """Ordered account names of ``region``'s SAM: the sectors, the factors, the reserved
    accounts (:data:`~cge.meta.RESERVED`) and the trading partners (every other region)."""
    return [*sectors, *factors, *RESERVED, *(s for s in regions if s != region)]


@dataclass(frozen=True)
class Dataset:
    """A validated base-year data set.

    Attributes:
        name: data set name.
        unit: currency unit of every value (e.g. ``"USD million"``).
        reference_region: region whose currency is the reference (exchange rate fixed at 1).
        regions, sectors, factors: account names, in the order given in ``meta.toml``.
        sam: long table ``region,row,col,value`` (row receives from col), zero cells dropped.
        trade: ``exporter,importer,sector,value,tariff`` — value at world prices in ``unit``;
            ``tariff`` is the ad-valorem rate as a fraction (``tariff_pct / 100``).
        elasticities: indexed by ``(region, sector)``, columns ``sigma_va, sigma_d, sigma_m,
            psi`` (``psi = inf``: perfect transformation) and ``source``.
        description: provenance text.
        digest: SHA-256 of the four files' bytes (or of the frames), for run metadata.
        services: the sectors that are services (``meta.toml: services``; default none): every
            other sector is a good (see :attr:`goods`).
        headline_flows: bilateral flows of interest as ``(exporter, importer)`` pairs
            (``meta.toml: headline_flows``; default none): the goods imports ``cge compare``
            reports when no ``--flow`` is given.
        elasticity_set: the name of the set :attr:`elasticities` holds.
        elasticity_sets: every elasticity set of ``elasticities.csv`` by name (file order),
            each a table like :attr:`elasticities` (docs/input_format.md: named sets, e.g.
            ``long_run`` and ``short_run``).
        default_elasticity_set: the set used when a run names none (``meta.toml:
            elasticities``; the only set when there is one).
    """

    name: str
    unit: str
    reference_region: str
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    factors: tuple[str, ...]
    sam: pd.DataFrame
    trade: pd.DataFrame
    elasticities: pd.DataFrame
    description: str = ""
    digest: str = ""
    balance_tol: float = BALANCE_TOL
    services: tuple[str, ...] = ()
    headline_flows: tuple[tuple[str, str], ...] = ()
    elasticity_set: str = DEFAULT_SET
    elasticity_sets: dict = field(default_factory=dict, repr=False, compare=False)
    default_elasticity_set: str = DEFAULT_SET
    _matrices: dict = field(default_factory=dict, repr=False, compare=False)

    def with_elasticities(self, name: str | None = None) -> Dataset:
        """This data set with the elasticities of set ``name`` (None: the default set); the
        accounts are shared, only :attr:`elasticities` and :attr:`elasticity_set` differ.

        Raises:
            DataError: ``name`` is not a set of the data set (the message lists the sets).
        """
        name = self.default_elasticity_set if name is None else name
        if name == self.elasticity_set:
            return self
        if not isinstance(name, str) or name not in self.elasticity_sets:
            raise DataError(f"no elasticity set {quote(name)} in data set {show(self.name)}",
                            file="elasticities.csv",
                            hint=f"the sets are {listing(self.elasticity_sets or [self.elasticity_set])}")
        return replace(self, elasticities=self.elasticity_sets[name], elasticity_set=name)

    def describe_elasticities(self) -> str:
        """One line: the set in use, whether it is the default, and the other sets."""
        others = [n for n in self.elasticity_sets if n != self.elasticity_set]
        text = self.elasticity_set + (" (the data's default)"
                                      if self.elasticity_set == self.default_elasticity_set
                                      else f" (default: {self.default_elasticity_set})")
        return text + (f"; other sets: {', '.join(others)}" if others else "")

    @property
    def goods(self) -> tuple[str, ...]:
        """The goods sectors, in ``meta.toml`` order: every sector not declared a service."""
        return tuple(i for i in self.sectors if i not in self.services)

    def accounts(self, region: str) -> list[str]:
        """Ordered account names of ``region``'s SAM."""
        return sam_accounts(self.regions, self.sectors, self.factors, region)

    def matrix(self, region: str) -> pd.DataFrame:
        """``region``'s SAM as a square DataFrame (rows receive from columns), zeros filled."""
        if region not in self._matrices:
            acc = self.accounts(region)
            pos = {a: k for k, a in enumerate(acc)}
            mat = np.zeros((len(acc), len(acc)))
            sam = self.sam
            mine = (sam["region"] == region).to_numpy()
            # the cells summed by (row, col), as a pivot table would (a validated SAM has each
            # cell once); cells of accounts the region does not have are left out
            for row, col, v in zip(sam["row"].to_numpy()[mine], sam["col"].to_numpy()[mine],
                                   sam["value"].to_numpy(dtype=float)[mine], strict=True):
                i, j = pos.get(row), pos.get(col)
                if i is not None and j is not None:
                    mat[i, j] += v
            # copy=False: the frame keeps the array (rows contiguous), the layout of the pivot
            # table it replaces, so that its sums add in the same order (the same bits)
            self._matrices[region] = pd.DataFrame(mat, index=pd.Index(acc, name="row"),
                                                  columns=pd.Index(acc, name="col"), copy=False)
        return self._matrices[region]

    def describe(self) -> str:
        """What ``cge data`` prints: accounts, unit, reference region, provenance, and the
        :meth:`summary` table (``unit``, one decimal)."""
        lines = [f"{self.name}: {len(self.regions)} regions ({', '.join(self.regions)}), "
                 f"{len(self.sectors)} sectors, factors {', '.join(self.factors)}; unit {self.unit}; "
                 f"reference region {self.reference_region}"]
        if self.description:
            lines.append(self.description.strip())
        lines.append(f"elasticity sets: {self.describe_elasticities()}")
        with pd.option_context("display.width", 200, "display.float_format", "{:,.1f}".format):
            lines.append(self.summary().to_string())
        return "\n".join(lines)

    def summary(self) -> pd.DataFrame:
        """One row per region: GDP, output, exports, imports, tariff revenue (``unit``)."""
        rows = []
        for r in self.regions:
            m = self.matrix(r)
            s = list(self.sectors)
            partners = [p for p in self.regions if p != r]
            va = m.loc[list(self.factors), s].to_numpy().sum()
            rows.append(
                {
                    "region": r,
                    "gross_output": m.loc[s, s].to_numpy().sum(axis=0).sum()
                    + va
                    + m.loc["IDT", s].sum(),
                    "value_added": va,
                    "exports": m.loc[s, partners].to_numpy().sum(),
                    "imports_cif": m.loc[partners, s].to_numpy().sum(),
                    "tariff_revenue": m.loc["TRF", s].sum(),
                    "foreign_saving": m.loc["INV", partners].sum(),
                }
            )
        return pd.DataFrame(rows).set_index("region")
