"""Build the base-year data sets: ``python -m calibration.build [--check] [--out DIR]``.

Reads only files kept in the repository (``calibration/source/`` and ``calibration/inputs/``):
the 2011 world is the aggregation tool's (:mod:`calibration.aggregate`) fold of the raw WIOD
table by ``inputs/maps/regions_usa_jpn_row.csv`` and ``inputs/maps/sectors_10.csv``, checked
against the pre-aggregated copy (:func:`world_2011`). It writes two data sets in the input
format (docs/input_format.md), values in USD million:

* ``data/wiod2011``: the WIOD 2011 structure as it is, with base tariffs;
* ``data/usjpn2024``: the same structure updated to 2024 GDP and US-Japan goods trade (the
  three-region teaching set);
* ``data/world2024``: 11 regions x 18 sectors, built by the aggregation tool with sector splits,
  the 2024 targets, the 2024 tariffs by pair and their collection factors (:data:`WORLD2024`;
  the default data set). Needs the optional package ``rdata`` (``cge[data]``).

``--check`` rebuilds into a temporary folder and compares byte for byte with the committed
files; it exits with status 1 and names the first differing file and row otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calibration.assumptions import Assumptions, load_assumptions
from calibration.common import DATA_DIR, INPUTS_DIR, SECTORS, SOURCE_DIR
from calibration.dataset import FILES, render_elasticities, render_meta, render_sam, render_trade
from calibration.elasticities import (
    DEFAULT_SET,
    ElasticityInputError,
    Industry,
    elasticity_rows,
    load_industries,
)
from calibration.sam import AssembledData, assemble, labour_shares
from calibration.update2024 import UpdateReport, update_to_2024
from calibration.wiod import SourceDataError, WorldTable, load_labour_shares, load_world

DATASETS: tuple[str, ...] = ("wiod2011", "usjpn2024", "world2024")

#: The aggregation tool's inputs for ``world2024`` (paths relative to ``calibration/inputs``):
#: the same as ``cge data build --regions ... --sectors ... --split ... --tariffs ... --targets
#: ... --collection ... --name world2024``.
WORLD2024: dict[str, object] = {
    "regions": "maps/regions_11.csv",
    "sectors": "maps/sectors_18.csv",
    "splits": ("splits/c12_metals.csv", "splits/c15_transport.csv"),
    "tariffs": "tariffs2024_by_pair.csv",
    "targets": "targets2024.csv",
    "target_sectors": "maps/target_sectors_18.csv",
    "collection": "tariff_collection.csv",
}

DESCRIPTION_COMMON = """\
Source: WIOD 2013 release, world input-output table 2011 (Timmer, Dietzenbacher, Los, Stehrer & \
de Vries 2015, "An Illustrated User Guide to the World Input-Output Database: the Case of Global \
Automotive Production", Review of International Economics 23: 575-605), aggregated to USA / JPN / \
ROW x 10 sectors; copy and provenance in calibration/source/. Built by \
`python -m calibration.build`; every step is documented in docs/data.md.
Accounts: intermediate use summed over origins (one Armington composite per commodity); final \
demand hh+npish -> HOH, gov -> GOV, gfcf+inv -> INV (inventory change can make INV entries \
negative); value added (which in WIOD includes net product taxes) less tariff revenue, split into \
LAB/CAP with sector labour shares (USA, JPN: WIOD-based estimates clipped to [0.20, 0.85]; ROW: \
mean of USA and JPN); IDT = 0; tariffs on c.i.f. values paid to GOV (TRF), base rates from \
calibration/inputs/tariffs.csv; government saving 0; household saving closes INV; foreign \
saving = imports - exports by partner.
Elasticities, two sets (elasticities.csv, column set): long_run (the default) = GTAP 9 Data Base \
(ESUBVA, ESUBD, ESUBM; ESUBM from Hertel, Hummels, Ivanic & Keeney 2007), averaged over the GTAP \
sectors of each WIOD industry, then over the industries weighted by 2011 world imports (sigma_d, \
sigma_m) and world value added (sigma_va); short_run = the one-year trade elasticity of Boehm, \
Levchenko & Pandalai-Nayar (2023, AER 113(4)) as sigma_m of every good, sigma_d = sigma_m/2, \
sigma_va and services as long_run; psi empty (perfect transformation).
Caveats: AUTO includes aircraft, ships and rail; METL mixes steel with other metals."""


def _description_2011() -> str:
    return (
        "WIOD 2011 base year as it is (current USD million, basic prices), with the pre-2025 "
        "(2024) applied tariff rates of calibration/inputs/tariffs.csv.\n" + DESCRIPTION_COMMON
    )


def _description_2024(a: Assumptions, report: UpdateReport) -> str:
    t = a.targets
    g = ", ".join(f"{r} {v:.4f}" for r, v in report.gdp_factor.items())
    return (
        "Three-region teaching set (USA, JPN, ROW; the default is world2024): the WIOD 2011 "
        "structure updated to 2024 (current USD million).\n"
        "2024 targets: GDP USA "
        f"{t.gdp_usa:,.0f} ({t.sources['gdp_usa_source']}); GDP JPN {t.gdp_jpn:,.0f} = "
        f"{t.gdp_jpn_jpy_trillion:g} trillion yen / {t.jpy_per_usd:g} yen per USD "
        f"({t.sources['gdp_jpn_source']}; {t.sources['jpy_per_usd_source']}); world GDP "
        f"{t.gdp_world:,.0f} ({t.sources['gdp_world_source']}), ROW = world - USA - JPN = "
        f"{t.gdp_row:,.0f}. US goods imports from Japan {t.us_imports_from_jpn_goods:,.0f}, of "
        f"which AUTO {t.us_imports_from_jpn_auto:,.0f}; US goods exports to Japan "
        f"{t.us_exports_to_jpn_goods:,.0f} ({t.sources['trade_source']}).\n"
        f"Method: each region's 2011 SAM scaled by its GDP factor ({g}); US-Japan goods set to "
        "the 2024 totals with the other goods sectors in their 2011 shares; every other flow "
        "(including US-Japan SERV) scaled by the geometric mean of exporter and importer GDP "
        "factors; each region's intermediate, final-demand and value-added block rebalanced by "
        "GRAS (Junius & Oosterhaven 2003) to the new trade and GDP with domestic sales of "
        "domestic output scaled by the GDP factor.\n" + DESCRIPTION_COMMON
    )


def _verify_industries(industries: list[Industry], world: WorldTable) -> None:
    """The US imports by WIOD industry in the world totals, summed over each model sector's
    industries, equal the US imports of the aggregated table (the two files agree)."""
    got = {s: sum(i.usa_imports for i in industries if i.sector == s) for s in SECTORS}
    want = dict(zip(SECTORS, world.imports("USA"), strict=True))
    bad = [s for s in SECTORS if abs(got[s] - want[s]) > 1e-6 * max(1.0, want[s])]
    if bad:
        raise ElasticityInputError(f"US imports by industry do not add up to the aggregated table "
                                   f"in {bad}: {[(got[s], want[s]) for s in bad]}")


#: The mapping files of the shipped data sets (the aggregation tool's input, docs/data.md).
REGION_MAP = "maps/regions_usa_jpn_row.csv"
SECTOR_MAP = "maps/sectors_10.csv"


def world_2011(source_dir: Path = SOURCE_DIR, inputs_dir: Path = INPUTS_DIR) -> WorldTable:
    """The USA / JPN / ROW x 10-sector world of 2011, as the aggregation tool makes it from the
    raw WIOD table (``source/wiod2013/wiot_2011.RData`` with ``inputs/maps/``), checked cell for
    cell against the pre-aggregated copy ``source/wiod2011_3r10s_mrio_long.csv``. Without the
    optional package ``rdata`` (``cge[data]``) the pre-aggregated copy is used alone: the two
    are identical (tests/test_aggregation.py), so the data sets are the same byte for byte."""
    csv_world = load_world(source_dir)
    try:
        import rdata  # noqa: F401
    except ImportError:
        return csv_world
    from calibration.wiod_source import aggregate, load_raw, read_mapping

    raw = load_raw(2011, source_dir / "wiod2013")
    world = aggregate(raw, read_mapping(inputs_dir / REGION_MAP, raw.countries, "region"),
                      read_mapping(inputs_dir / SECTOR_MAP, raw.industries, "sector")).world
    same = (world.regions == csv_world.regions and world.sectors == csv_world.sectors
            and np.array_equal(world.trade, csv_world.trade)
            and all(np.array_equal(getattr(world.blocks[r], k), getattr(csv_world.blocks[r], k))
                    for r in world.regions for k in ("z", "f", "v")))
    if not same:
        raise SourceDataError("the aggregation of wiot_2011.RData by inputs/maps/ differs from "
                              "source/wiod2011_3r10s_mrio_long.csv")
    return world


@dataclass(frozen=True)
class BuildResult:
    """Texts of every file by data set, plus diagnostics."""

    texts: dict[str, dict[str, str]]
    assembled: dict[str, AssembledData]
    update: UpdateReport


def _texts(name: str, description: str, data: AssembledData, elast: str) -> dict[str, str]:
    return {
        "meta.toml": render_meta(name, description, elasticities=DEFAULT_SET),
        "sam.csv": render_sam(data.sam),
        "trade.csv": render_trade(data.trade, data.tariff_tenths),
        "elasticities.csv": elast,
    }


def build_texts(source_dir: Path = SOURCE_DIR, inputs_dir: Path = INPUTS_DIR) -> BuildResult:
    """Compute the text of every file of both data sets (nothing is written)."""
    a = load_assumptions(inputs_dir)
    world: WorldTable = world_2011(source_dir, inputs_dir)
    shares = labour_shares(load_labour_shares(source_dir), a.labour_share_min, a.labour_share_max)
    industries = load_industries(a.gtap_rows, inputs_dir, source_dir)
    _verify_industries(industries, world)
    elast = render_elasticities(elasticity_rows(a.gtap_rows, industries, a.short_run))
    base = assemble(world, a.tariff_tenths, shares, a.gov_saving_share)
    world24, report = update_to_2024(world, a.targets)
    upd = assemble(world24, a.tariff_tenths, shares, a.gov_saving_share)
    world = build_world2024(inputs_dir, source_dir)
    texts = {
        "wiod2011": _texts("wiod2011", _description_2011(), base, elast),
        "usjpn2024": _texts("usjpn2024", _description_2024(a, report), upd, elast),
        "world2024": world.texts,
    }
    return BuildResult(texts, {"wiod2011": base, "usjpn2024": upd, "world2024": world.assembled}, report)


def build_world2024(inputs_dir: Path = INPUTS_DIR, source_dir: Path = SOURCE_DIR):  # noqa: ANN201
    """The ``world2024`` data set's files, by the aggregation tool with :data:`WORLD2024`
    (returns :class:`calibration.aggregate.AggregationResult`)."""
    try:
        import rdata  # noqa: F401
    except ImportError:
        raise SourceDataError("building world2024 reads the raw WIOD table and needs the package "
                              "rdata: pip install 'cge[data]'") from None
    from calibration.aggregate import build

    w = WORLD2024
    return build(inputs_dir / str(w["regions"]), inputs_dir / str(w["sectors"]), 2011, name="world2024",
                 tariffs_path=inputs_dir / str(w["tariffs"]),
                 splits=[inputs_dir / str(x) for x in w["splits"]],  # type: ignore[attr-defined]
                 targets_path=inputs_dir / str(w["targets"]),
                 target_sectors_path=inputs_dir / str(w["target_sectors"]),
                 collection_path=inputs_dir / str(w["collection"]),
                 inputs_dir=inputs_dir, source_dir=source_dir)


def write_all(out_dir: Path, result: BuildResult) -> None:
    """Write every data set of ``result`` under ``out_dir/<name>/``."""
    for name, files in result.texts.items():
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        for fname, text in files.items():
            (folder / fname).write_bytes(text.encode("utf-8"))


def compare_dirs(built: Path, committed: Path) -> list[str]:
    """Differences between two data folders (``<name>/<file>``), as readable messages.

    Each message names the file and the first differing line with both versions.
    """
    problems: list[str] = []
    for name in DATASETS:
        names = sorted(p.name for p in (built / name).iterdir()) if (built / name).is_dir() else FILES
        for fname in names:
            want, got = committed / name / fname, built / name / fname
            rel = f"{name}/{fname}"
            if not want.is_file():
                problems.append(f"{rel}: missing from {committed}")
                continue
            new, old = got.read_bytes(), want.read_bytes()
            if new == old:
                continue
            new_lines = new.decode("utf-8").split("\n")
            old_lines = old.decode("utf-8").split("\n")
            for k in range(max(len(new_lines), len(old_lines))):
                a = old_lines[k] if k < len(old_lines) else "<end of file>"
                b = new_lines[k] if k < len(new_lines) else "<end of file>"
                if a != b:
                    problems.append(f"{rel} line {k + 1}: committed {a!r} but rebuild gives {b!r}")
                    break
    return problems


def check(data_dir: Path = DATA_DIR) -> list[str]:
    """Rebuild into a temporary folder and compare with ``data_dir``; [] if identical."""
    result = build_texts()
    with tempfile.TemporaryDirectory() as tmp:
        write_all(Path(tmp), result)
        return compare_dirs(Path(tmp), data_dir)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m calibration.build", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="rebuild into a temp dir and compare")
    parser.add_argument(
        "--out",
        type=Path,
        default=DATA_DIR,
        help="data folder to write, or with --check to compare against (default: data/)",
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.out)
        if problems:
            print("calibration check FAILED: the committed data differ from a rebuild")
            for p in problems:
                print("  " + p)
            return 1
        print(f"calibration check passed: {', '.join(DATASETS)} reproduced byte for byte")
        return 0
    result = build_texts()
    write_all(args.out, result)
    for name in DATASETS:
        fix = max(result.assembled[name].adjustments.values())
        print(f"wrote {args.out / name} (largest rounding fix {fix} USD)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
