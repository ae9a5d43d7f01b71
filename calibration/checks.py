"""Consistency checks for data sets, usable from tests and from the ``cge check`` CLI.

Every ``check_*`` function returns a list of :class:`CheckResult` ``(name, passed, detail)``;
a failed result's ``detail`` names the region, account, sector, values and gap. Use
:func:`raise_on_failure` to turn failures into a :class:`CheckFailed` exception, or
:func:`run_all` for every check on the committed data sets. Money values are in the data set's
unit (USD million).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

from calibration.assumptions import Targets2024, load_targets
from calibration.common import DATA_DIR, RESERVED
from calibration.dataset import Dataset, read_dataset
from cge.data import DataError, build_dataset

#: Relative tolerance for balances (relative to the account's size), as in the input format.
BALANCE_TOL = 1e-6
#: Relative tolerance for the 2024 targets.
TARGET_TOL = 1e-3


class CheckResult(NamedTuple):
    """Outcome of one check: a short name, whether it passed, and a human-readable detail."""

    name: str
    passed: bool
    detail: str


class CheckFailed(AssertionError):
    """Raised by :func:`raise_on_failure`; the message lists every failed check."""


def raise_on_failure(results: list[CheckResult]) -> None:
    """Raise :class:`CheckFailed` naming every failed result; do nothing if all passed."""
    failed = [r for r in results if not r.passed]
    if failed:
        raise CheckFailed("\n".join(f"{r.name}: {r.detail}" for r in failed))


def _load(dataset: Dataset | Path | str) -> Dataset:
    return dataset if isinstance(dataset, Dataset) else read_dataset(dataset)


def _close(a: float, b: float, size: float, tol: float = BALANCE_TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(size))


def _region_accounts(ds: Dataset, region: str) -> list[str]:
    partners = [r for r in ds.regions if r != region]
    return [*ds.sectors, *ds.factors, *RESERVED, *partners]


def check_balance(dataset: Dataset | Path | str) -> list[CheckResult]:
    """Every account of every regional SAM: row total = column total (relative 1e-6)."""
    ds = _load(dataset)
    results: list[CheckResult] = []
    for region in ds.regions:
        cells = ds.sam[region]
        known = _region_accounts(ds, region)
        unknown = sorted({a for cell in cells for a in cell} - set(known))
        if unknown:
            results.append(
                CheckResult(f"sam accounts {region}", False, f"{region}: unknown accounts {unknown}")
            )
        rows = {a: 0.0 for a in known}
        cols = {a: 0.0 for a in known}
        for (row, col), value in cells.items():
            rows[row] = rows.get(row, 0.0) + value
            cols[col] = cols.get(col, 0.0) + value
        worst = 0.0
        bad = 0
        for acct in known:
            size = max(abs(rows[acct]), abs(cols[acct]))
            gap = rows[acct] - cols[acct]
            if size:
                worst = max(worst, abs(gap) / size)
            if not _close(rows[acct], cols[acct], size):
                bad += 1
                results.append(
                    CheckResult(
                        f"sam balance {region}/{acct}",
                        False,
                        f"region {region}, account {acct}: row total {rows[acct]:.6f} != column "
                        f"total {cols[acct]:.6f} (gap {gap:.6f})",
                    )
                )
        results.append(
            CheckResult(
                f"sam balance {region}",
                bad == 0,
                f"{len(known)} accounts, {bad} unbalanced, largest relative gap {worst:.2e}",
            )
        )
    return results


def check_rules(dataset: Dataset | Path | str) -> list[CheckResult]:
    """Sign and routing rules of the input format, region by region.

    Negative entries only in the INV row/column; factor income to HOH only; IDT and TRF to GOV
    only; domestic sales (output - exports) non-negative for every sector.
    """
    ds = _load(dataset)
    results: list[CheckResult] = []
    for region in ds.regions:
        cells = ds.sam[region]
        partners = [r for r in ds.regions if r != region]
        problems: list[str] = []
        for (row, col), value in sorted(cells.items()):
            if value < 0 and row != "INV" and col != "INV":
                problems.append(f"negative cell ({row},{col}) = {value}")
            if row in ds.factors or row in ("IDT", "TRF"):
                if col not in ds.sectors:
                    problems.append(f"{row} receives from {col} (must be a sector)")
            if col in ds.factors and row != "HOH":
                problems.append(f"factor {col} pays {row} (must be HOH)")
            if col in ("IDT", "TRF") and row != "GOV":
                problems.append(f"{col} pays {row} (must be GOV)")
        for sec in ds.sectors:
            output = sum(cells.get((a, sec), 0.0) for a in [*ds.sectors, *ds.factors, "IDT"])
            exports = sum(cells.get((sec, p), 0.0) for p in partners)
            if output - exports < -BALANCE_TOL * max(1.0, output):
                problems.append(
                    f"sector {sec}: output {output:.6f} < exports {exports:.6f} "
                    f"(domestic sales {output - exports:.6f})"
                )
        results.append(
            CheckResult(
                f"sam rules {region}",
                not problems,
                f"region {region}: " + ("; ".join(problems) if problems else "all rules hold"),
            )
        )
    return results


def check_trade(dataset: Dataset | Path | str) -> list[CheckResult]:
    """Cross-region consistency of trade.

    For every flow: exporter's SAM cell ``(sector, importer)`` = trade.csv value = importer's
    SAM cell ``(exporter, sector)``, and no SAM trade cell is missing from trade.csv; each
    importer's TRF cell = sum over exporters of ``tariff_pct/100 * value``; each SAM's foreign
    saving ``(INV, partner)`` = imports from - exports to that partner; foreign saving sums to
    zero over regions.
    """
    ds = _load(dataset)
    results: list[CheckResult] = []
    problems: list[str] = []
    for (ex, im, sec), (value, pct) in sorted(ds.trade.items()):
        if ex not in ds.regions or im not in ds.regions or ex == im or sec not in ds.sectors:
            problems.append(f"trade.csv row {ex}->{im} {sec}: unknown or same region/sector")
            continue
        if value < 0 or pct <= -100:
            problems.append(f"trade.csv row {ex}->{im} {sec}: value {value}, tariff {pct}")
        x = ds.sam[ex].get((sec, im), 0.0)
        m = ds.sam[im].get((ex, sec), 0.0)
        if not _close(x, value, value):
            problems.append(
                f"{ex}->{im} {sec}: exporter SAM {ex} cell ({sec},{im}) = {x} but trade.csv = "
                f"{value} (gap {x - value:.6f})"
            )
        if not _close(m, value, value):
            problems.append(
                f"{ex}->{im} {sec}: importer SAM {im} cell ({ex},{sec}) = {m} but trade.csv = "
                f"{value} (gap {m - value:.6f})"
            )
    for region in ds.regions:
        for partner in (r for r in ds.regions if r != region):
            for sec in ds.sectors:
                for key, cell in (
                    ((region, partner, sec), (sec, partner)),
                    ((partner, region, sec), (partner, sec)),
                ):
                    if ds.sam[region].get(cell, 0.0) and key not in ds.trade:
                        value = ds.sam[region][cell]
                        problems.append(f"SAM {region} cell {cell} = {value} has no trade.csv row")
    results.append(
        CheckResult(
            "trade consistency",
            not problems,
            "; ".join(problems) if problems else f"{len(ds.trade)} flows agree with both SAMs",
        )
    )
    trf_problems: list[str] = []
    for im in ds.regions:
        for sec in ds.sectors:
            want = sum(
                pct / 100.0 * value
                for (ex, imp, s), (value, pct) in ds.trade.items()
                if imp == im and s == sec
            )
            got = ds.sam[im].get(("TRF", sec), 0.0)
            if not _close(got, want, max(want, 1.0)):
                trf_problems.append(
                    f"importer {im}, sector {sec}: TRF cell {got:.6f} but sum of rate x value "
                    f"= {want:.6f} (gap {got - want:.6f})"
                )
    results.append(
        CheckResult(
            "tariff revenue",
            not trf_problems,
            "; ".join(trf_problems) if trf_problems else "TRF = sum of rate x value everywhere",
        )
    )
    fs_problems: list[str] = []
    total = 0.0
    for region in ds.regions:
        for partner in (r for r in ds.regions if r != region):
            imports = sum(v for (e, m, _), (v, _p) in ds.trade.items() if e == partner and m == region)
            exports = sum(v for (e, m, _), (v, _p) in ds.trade.items() if e == region and m == partner)
            got = ds.sam[region].get(("INV", partner), 0.0)
            total += got
            if not _close(got, imports - exports, max(imports, exports)):
                fs_problems.append(
                    f"region {region}, partner {partner}: INV cell {got:.6f} but imports - "
                    f"exports = {imports - exports:.6f}"
                )
    if not _close(total, 0.0, 1.0 + sum(abs(v) for v, _ in ds.trade.values())):
        fs_problems.append(f"foreign saving sums to {total:.6f} over regions, not 0")
    results.append(
        CheckResult(
            "foreign saving",
            not fs_problems,
            "; ".join(fs_problems) if fs_problems else f"sums to {total:.6f} over regions",
        )
    )
    return results


def check_elasticities(dataset: Dataset | Path | str) -> list[CheckResult]:
    """In every elasticity set, every sector has sigma_va, sigma_d, sigma_m > 0, psi > 0 or
    empty/inf, and a source; the default set of ``meta.toml`` is one of the sets."""
    ds = _load(dataset)
    problems: list[str] = []
    sets = list(dict.fromkeys(str(r.get("set", "")) for r in ds.elasticities))
    for name in sets:
        seen = [r["sector"] for r in ds.elasticities
                if not r.get("region") and str(r.get("set", "")) == name]
        if sorted(seen) != sorted(ds.sectors):
            problems.append(f"set {name}: sectors {sorted(seen)} != {sorted(ds.sectors)}")
    default = ds.meta.get("elasticities")
    if default is not None and default not in sets:
        problems.append(f"meta.toml: elasticities = {default!r} is not one of the sets {sets}")
    for row in ds.elasticities:
        for col in ("sigma_va", "sigma_d", "sigma_m"):
            value = row[col]
            if not (value > 0 and math.isfinite(value)):
                problems.append(f"sector {row['sector']}: {col} = {value}")
        if not row["psi"] > 0:  # inf (or empty in the file): perfect transformation
            problems.append(f"sector {row['sector']}: psi = {row['psi']}")
        if not str(row.get("source", "")).strip():
            problems.append(f"sector {row['sector']}: no source")
    return [
        CheckResult(
            "elasticities",
            not problems,
            "; ".join(problems) if problems else f"{len(ds.elasticities)} rows in "
            f"{len(sets)} set(s) valid",
        )
    ]


def gdp(ds: Dataset, region: str) -> float:
    """GDP at market prices of ``region`` from its SAM (income side): factor payments + IDT +
    TRF over all sectors (USD million)."""
    cells = ds.sam[region]
    return sum(
        v for (row, col), v in cells.items() if col in ds.sectors and row in (*ds.factors, "IDT", "TRF")
    )


def gdp_expenditure(ds: Dataset, region: str) -> float:
    """GDP of ``region`` from the expenditure side: C + G + I + X - M (USD million)."""
    cells = ds.sam[region]
    partners = [r for r in ds.regions if r != region]
    total = 0.0
    for (row, col), v in cells.items():
        if row in ds.sectors and col in ("HOH", "GOV", "INV", *partners):
            total += v
        if row in partners and col in ds.sectors:
            total -= v
    return total


def check_gdp_identity(dataset: Dataset | Path | str) -> list[CheckResult]:
    """Income-side GDP equals expenditure-side GDP in every region."""
    ds = _load(dataset)
    out = []
    for region in ds.regions:
        y, e = gdp(ds, region), gdp_expenditure(ds, region)
        out.append(
            CheckResult(
                f"gdp identity {region}",
                _close(y, e, y),
                f"region {region}: income side {y:.3f}, expenditure side {e:.3f}, gap {y - e:.6f}",
            )
        )
    return out


def check_format(dataset: Dataset | Path | str) -> list[CheckResult]:
    """The model accepts the data set: :func:`cge.data.build_dataset` (the validation of
    ``cge.load_dataset``, balance tolerance of ``meta.toml``, default 1e-9) raises no error."""
    ds = _load(dataset)
    if ds.tables is None:
        return [CheckResult("input format", False, "no files read (data built in memory)")]
    t = ds.tables
    try:
        model = build_dataset(t.meta, t.sam, t.trade, t.elasticities, digest=t.digest)
    except DataError as exc:
        return [CheckResult("input format", False, str(exc))]
    return [CheckResult("input format", True, f"cge.load_dataset accepts it ({len(model.regions)} "
                        f"regions, {len(model.sectors)} sectors, {len(model.trade)} flows)")]


def check_dataset(dataset: Dataset | Path | str) -> list[CheckResult]:
    """Every data-set-level check: the model's validation, balance, rules, trade, GDP
    identity, elasticities."""
    ds = _load(dataset)
    return [
        *check_format(ds),
        *check_balance(ds),
        *check_rules(ds),
        *check_trade(ds),
        *check_gdp_identity(ds),
        *check_elasticities(ds),
    ]


def targets_2024_values(ds: Dataset) -> dict[str, float]:
    """The quantities that the 2024 update targets, measured on a data set (USD million)."""
    goods = ds.goods
    values = {f"GDP {r}": gdp(ds, r) for r in ds.regions}
    values["GDP world"] = sum(gdp(ds, r) for r in ds.regions)
    values["US goods imports from JPN"] = sum(ds.trade.get(("JPN", "USA", s), (0.0, 0.0))[0] for s in goods)
    values["US AUTO imports from JPN"] = ds.trade.get(("JPN", "USA", "AUTO"), (0.0, 0.0))[0]
    values["US goods exports to JPN"] = sum(ds.trade.get(("USA", "JPN", s), (0.0, 0.0))[0] for s in goods)
    return values


def check_targets_2024(
    dataset: Dataset | Path | str, targets: Targets2024 | None = None, tol: float = TARGET_TOL
) -> list[CheckResult]:
    """2024 targets (GDP by region and world, US-Japan goods flows) met within ``tol``
    (relative; default 0.1%). Targets default to ``calibration/inputs/assumptions.toml``."""
    ds = _load(dataset)
    t = targets or load_targets()
    want = {f"GDP {r}": v for r, v in t.gdp().items()}
    want["GDP world"] = t.gdp_world
    want["US goods imports from JPN"] = t.us_imports_from_jpn_goods
    want["US AUTO imports from JPN"] = t.us_imports_from_jpn_auto
    want["US goods exports to JPN"] = t.us_exports_to_jpn_goods
    got = targets_2024_values(ds)
    out = []
    for name, target in want.items():
        value = got[name]
        rel = (value - target) / target
        out.append(
            CheckResult(
                f"target {name}",
                abs(rel) <= tol,
                f"{name}: data {value:,.3f}, target {target:,.3f}, gap {value - target:,.3f} ({rel:+.4%})",
            )
        )
    return out


def check_targets_world(ds: Dataset) -> list[CheckResult]:
    """Every 2024 target of ``calibration/inputs/targets2024.csv`` that the update fits (role
    ``target``), measured on the data set's own files (trade.csv values; GDP from the SAM
    income side), within the target's stated tolerance. One result per target."""
    from calibration.targets import read_target_sectors, read_targets

    smap = read_target_sectors(model_sectors=tuple(ds.sectors))
    out = []
    goods = tuple(ds.goods)
    for t in read_targets(regions=tuple(ds.regions), sector_map=smap):
        if t.role not in ("target", "gdp"):
            continue
        if t.kind == "gdp":
            value = gdp(ds, t.region)
        else:
            secs = smap.resolve(t.sector, t.label) if t.kind.startswith(("sector_", "energy_")) else goods
            exports = t.kind.endswith("exports")
            if t.kind.startswith("bilateral_") or t.kind.startswith("sector_"):
                pairs = [(t.region, t.partner)] if exports else [(t.partner, t.region)]
            else:
                others = [r for r in ds.regions if r != t.region]
                pairs = [(t.region, r) for r in others] if exports else [(r, t.region) for r in others]
            value = sum(ds.trade.get((e, m, s), (0.0, 0.0))[0] for e, m in pairs for s in secs)
        gap = value / t.value - 1.0
        out.append(CheckResult(f"2024 target {t.label}", abs(gap) <= t.tolerance,
                               f"{value:,.0f} against {t.value:,.0f} ({gap:+.2%}; tolerance "
                               f"{t.tolerance:.1%}, {t.grade})"))
    return out


def check_rebuild(data_dir: Path = DATA_DIR) -> list[CheckResult]:
    """Rebuilding from calibration/ reproduces the committed files byte for byte."""
    from calibration.build import check as rebuild_and_compare

    problems = rebuild_and_compare(data_dir)
    return [
        CheckResult(
            "rebuild reproduces committed data",
            not problems,
            "; ".join(problems) if problems else "identical",
        )
    ]


def check_pipeline(data_dir: Path = DATA_DIR) -> list[CheckResult]:
    """What ``cge check`` adds in a repository checkout: the 2024 targets on
    ``data_dir/usjpn2024`` and the byte-for-byte rebuild of ``data_dir``."""
    return (check_targets_2024(read_dataset(data_dir / "usjpn2024"))
            + check_targets_world(read_dataset(data_dir / "world2024")) + check_rebuild(data_dir))


def run_all(data_dir: Path = DATA_DIR) -> list[CheckResult]:
    """Every check on ``data_dir/wiod2011``, ``data_dir/usjpn2024`` and ``data_dir/world2024``,
    the 2024 targets and the rebuild. Result names are prefixed with the data set's name."""
    results: list[CheckResult] = []
    for name in ("wiod2011", "usjpn2024", "world2024"):
        ds = read_dataset(data_dir / name)
        checks = check_dataset(ds)
        if name == "usjpn2024":
            checks += check_targets_2024(ds)
        if name == "world2024":
            checks += check_targets_world(ds)
        results += [CheckResult(f"{name}: {r.name}", r.passed, r.detail) for r in checks]
    return results + check_rebuild(data_dir)


def main() -> int:
    """Print every check of :func:`run_all`; exit status 1 if any failed."""
    results = run_all()
    for r in results:
        print(f"[{'ok' if r.passed else 'FAIL'}] {r.name}: {r.detail}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
