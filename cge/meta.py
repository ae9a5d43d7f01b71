"""``meta.toml`` of a data set: its keys, account names and the data knowledge it declares
(which sectors are services, the headline bilateral flows, the default elasticity set), checked
with one clear error each (see docs/input_format.md)."""

from __future__ import annotations

import math

from .errors import DataError
from .text import listing, quote, show

#: The default data set: 11 regions x 18 sectors, 2024 (docs/data.md §12; ``cge.economy``
#: re-exports it; here so that the command line can name it without importing the model).
DEFAULT_DATA = "world2024"

#: Accounts every regional SAM may hold besides sectors, factors and partner regions.
RESERVED = ("IDT", "TRF", "HOH", "GOV", "INV")

#: Default tolerance for account balance, relative to the account's size.
BALANCE_TOL = 1e-9

#: A CES elasticity (sigma_va, sigma_d, sigma_m) is exactly 1 (Cobb–Douglas) or at least this
#: far from 1: the CES formula is singular at 1 and loses digits near it.
SIGMA_ONE_GAP = 1e-4

#: Keys ``meta.toml`` may hold.
META_KEYS = ("name", "unit", "reference_region", "regions", "sectors", "factors", "services",
             "headline_flows", "description", "balance_tolerance", "elasticities")


def check_meta(meta: dict, file: str = "meta.toml") -> None:
    """Check parsed ``meta.toml``: keys, account names, reference region, balance tolerance,
    ``services`` and ``headline_flows``. Raises :class:`DataError` naming ``file``, the key and
    the offending value, with a hint."""
    if not isinstance(meta, dict):
        raise DataError("must be a table of key = value lines", file=file)
    unknown = [k for k in meta if k not in META_KEYS]
    if unknown:
        raise DataError(f"unknown key(s) {', '.join(map(quote, unknown))}", file=file,
                        hint=f"allowed: {', '.join(META_KEYS)}")
    for key in ("regions", "sectors", "factors"):
        if key not in meta:
            raise DataError(f"missing key '{key}'", file=file,
                            hint=f'add a list of names, e.g. {key} = ["A", "B"]')
        vals = meta[key]
        if not isinstance(vals, list) or not vals or not all(isinstance(v, str) for v in vals):
            raise DataError(f"'{key}' must be a non-empty list of names, not {quote(vals)}", file=file,
                            hint=f'e.g. {key} = ["A", "B"]')
        bad = [v for v in vals if not v.strip() or v != v.strip()]
        if bad:
            raise DataError(f"'{key}': name {quote(bad[0])} is empty or has leading or trailing "
                            "spaces", file=file, hint="remove the spaces (CSV cells are read without "
                            "surrounding spaces)")
        dup = [v for k, v in enumerate(vals) if v in vals[:k]]
        if dup:
            raise DataError(f"'{key}' lists {show(dup[0])} more than once", file=file,
                            hint="give each name once")
    if len(meta["regions"]) < 2:
        raise DataError(f"at least 2 regions are needed, 'regions' has {listing(meta['regions'])}",
                        file=file, hint="a trade model needs a partner, e.g. a rest of the world")
    names = [*meta["regions"], *meta["sectors"], *meta["factors"], *RESERVED]
    clash = [v for k, v in enumerate(names) if v in names[:k]]
    if clash:
        raise DataError(f"name {show(clash[0])} is used for more than one account", file=file,
                        hint=f"regions, sectors, factors and {', '.join(RESERVED)} must be distinct")
    if "reference_region" not in meta:
        raise DataError("missing key 'reference_region'", file=file,
                        hint=f"the region whose currency is the reference, one of {listing(meta['regions'])}")
    if meta["reference_region"] not in meta["regions"]:
        raise DataError(f"reference_region {quote(meta['reference_region'])} is not one of the regions",
                        file=file, hint=f"regions are {listing(meta['regions'])}")
    for key in ("name", "unit", "description", "elasticities"):
        if key in meta and not isinstance(meta[key], str):
            raise DataError(f"'{key}' must be a string, not {quote(meta[key])}", file=file,
                            hint=f'e.g. {key} = "text"')
    if "elasticities" in meta and not meta["elasticities"].strip():
        raise DataError("'elasticities' must name an elasticity set, not ''", file=file,
                        hint='e.g. elasticities = "long_run": the set of elasticities.csv used '
                        "when a run names none")
    tol = meta.get("balance_tolerance", BALANCE_TOL)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not (math.isfinite(tol) and tol >= 0):
        raise DataError(f"balance_tolerance {quote(tol)} must be a non-negative number", file=file,
                        hint=f"relative to each account's size; the default is {BALANCE_TOL:g}")
    _check_services(meta, file)
    _check_headline_flows(meta, file)


def _check_services(meta: dict, file: str) -> None:
    """``services``: optional list of distinct sectors (absent or empty: every sector is a good)."""
    services = meta.get("services", [])
    if not isinstance(services, list) or not all(isinstance(v, str) for v in services):
        raise DataError(f"'services' must be a list of sector names, not {quote(services)}", file=file,
                        hint='e.g. services = ["A", "B"]; leave it out when every sector is a good')
    unknown = [v for v in services if v not in meta["sectors"]]
    if unknown:
        raise DataError(f"'services': unknown sector {quote(unknown[0])}", file=file,
                        hint=f"services are sectors of the data set: {listing(meta['sectors'])}")
    dup = [v for k, v in enumerate(services) if v in services[:k]]
    if dup:
        raise DataError(f"'services' lists {show(dup[0])} more than once", file=file,
                        hint="give each name once")


def _check_headline_flows(meta: dict, file: str) -> None:
    """``headline_flows``: optional list of ``[exporter, importer]`` pairs of different regions."""
    flows = meta.get("headline_flows", [])
    hint = 'e.g. headline_flows = [["A", "B"]]: the goods imports of B from A'
    if not isinstance(flows, list):
        raise DataError(f"'headline_flows' must be a list of [exporter, importer] pairs, not "
                        f"{quote(flows)}", file=file, hint=hint)
    regions = meta["regions"]
    for k, pair in enumerate(flows, start=1):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)):
            raise DataError(f"'headline_flows': entry {k} must be a pair [exporter, importer], not "
                            f"{quote(pair)}", file=file, hint=hint)
        unknown = [v for v in pair if v not in regions]
        if unknown:
            raise DataError(f"'headline_flows': entry {k}: unknown region {quote(unknown[0])}",
                            file=file, hint=f"regions are {listing(regions)}")
        if pair[0] == pair[1]:
            raise DataError(f"'headline_flows': entry {k}: exporter and importer are both "
                            f"{show(pair[0])}", file=file, hint="a flow is between two different regions")
