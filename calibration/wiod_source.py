"""Read the full WIOD 2013 release table (41 regions x 35 industries) and aggregate it by mapping files.

The source is ``calibration/source/wiod2013/wiot_<year>.RData`` (the R package ``bquast/wiod``,
Timmer et al. 2015; provenance in ``calibration/source/PROVENANCE.md``), read with the PyPI package
``rdata`` (the optional extra ``cge[data]``). Values are current USD million at basic prices,
whole millions.

Layout of the release: ``inter`` is 1435 x 1435 (row = supplying region-industry, column = using
region-industry, region-major: index ``35 * region + industry``); ``final`` is 1435 x 205 (41
regions x 5 categories: households, non-profits, government, GFCF, inventory change).

:func:`aggregate` folds the table into a :class:`calibration.wiod.WorldTable` of the mapped
regions and sectors, the form the rest of the pipeline (:func:`calibration.sam.assemble`) reads:
intermediate use summed over origins, final demand hh+npish -> HOH, gov -> GOV, gfcf+inv -> INV,
bilateral trade = every cell sold by one model region to another, output = the row total and
value added = output - the column sum of intermediates (so every sector account balances
exactly; the gaps to the published output are reported).
"""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from calibration.common import FACTORS, RESERVED, SOURCE_DIR, FloatArray
from calibration.wiod import RegionBlock, WorldTable

RAW_DIR = SOURCE_DIR / "wiod2013"
N_REGIONS, N_INDUSTRIES, N_FINAL = 41, 35, 5
#: The release's final-demand categories (columns of ``final`` within a region) -> SAM account.
FINAL_CATEGORIES: tuple[str, ...] = ("hh", "npish", "gov", "gfcf", "inv")
FINAL_TO_SAM: tuple[int, ...] = (0, 0, 1, 2, 2)  # index into FINAL_DEMAND (HOH, GOV, INV)


class SourceError(ValueError):
    """The WIOD source file is missing, unreadable or not laid out as the 2013 release."""


class MappingError(ValueError):
    """A mapping file is malformed: names the file, the line and the code."""


@dataclass(frozen=True)
class RawTable:
    """One year of the WIOD 2013 release as float arrays (USD million).

    Attributes:
        year: the table's year.
        countries: the 41 region codes in table order (``RoW`` last).
        industries: ``c1`` ... ``c35`` (after :func:`split_raw`, with split industries in
            the place of their source industry).
        inter: ``(1435, 1435)`` intermediate use.
        final: ``(1435, 41, 5)`` final use by destination region and category.
        output: ``(1435,)`` published gross output.
    """

    year: int
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    inter: FloatArray
    final: FloatArray
    output: FloatArray
    #: A split industry -> the WIOD industry it was split from (empty for the release as it is).
    parent: dict[str, str] = field(default_factory=dict)

    def source_industry(self, industry: str) -> str:
        """The WIOD 2013 industry (``c1`` ... ``c35``) that ``industry`` is, or was split from."""
        return self.parent.get(industry, industry)

    @property
    def row_total(self) -> FloatArray:
        """Intermediate + final use of every region-industry's output (USD million)."""
        return np.asarray(self.inter.sum(axis=1) + self.final.sum(axis=(1, 2)), dtype=np.float64)

    def industry_world_totals(self) -> tuple[FloatArray, FloatArray]:
        """World imports (cross-border intermediate + final deliveries) and world value added
        (published output less intermediates, summed over the 41 regions, as in
        ``source/wiod2011_world_trade_35.csv``) by industry (USD million)."""
        n, k = len(self.countries), len(self.industries)
        inter = self.inter.reshape(n, k, n, k).sum(axis=3)  # (origin, industry, user region)
        final = self.final.reshape(n, k, n, N_FINAL).sum(axis=3)
        own = np.arange(n)
        domestic = inter[own, :, own] + final[own, :, own]  # (region, industry)
        imports = (self.row_total.reshape(n, k) - domestic).sum(axis=0)
        va = (self.output - self.inter.sum(axis=0)).reshape(n, k).sum(axis=0)
        return np.asarray(imports, dtype=np.float64), np.asarray(va, dtype=np.float64)


def raw_path(year: int, raw_dir: Path = RAW_DIR) -> Path:
    """Path of the project's copy of the table of ``year``."""
    return raw_dir / f"wiot_{year}.RData"


@lru_cache(maxsize=4)
def load_raw(year: int = 2011, raw_dir: Path = RAW_DIR) -> RawTable:
    """Parse ``wiot_<year>.RData`` (cached: parsing takes about a second)."""
    path = raw_path(year, raw_dir)
    if not path.is_file():
        have = sorted(p.name for p in raw_dir.glob("wiot_*.RData")) if raw_dir.is_dir() else []
        raise SourceError(f"no WIOD table for {year}: {path} is missing (the project ships {have})")
    try:
        import rdata
    except ImportError:  # pragma: no cover - depends on the installation
        raise SourceError("reading the WIOD source needs the package rdata: pip install 'cge[data]' "
                          "(or pip install 'rdata>=1.1')") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "missing constructor for R class iot": harmless
        obj = rdata.conversion.convert(rdata.parser.parse_file(path))
    try:
        w = obj[f"wiot_{year}"]
        countries = tuple(str(c) for c in w["countries"])
        industries = tuple(str(c) for c in w["industries"])
        inter = np.asarray(w["inter"], dtype=np.float64)
        final = np.asarray(w["final"], dtype=np.float64)
        output = np.asarray(w["output"], dtype=np.float64)
    except (KeyError, TypeError) as exc:
        raise SourceError(f"{path}: not a WIOD 2013 table ({exc})") from None
    size = N_REGIONS * N_INDUSTRIES
    if (len(countries), len(industries)) != (N_REGIONS, N_INDUSTRIES) or inter.shape != (size, size) \
            or final.shape != (size, N_REGIONS * N_FINAL) or output.shape != (size,):
        raise SourceError(f"{path}: unexpected shapes inter {inter.shape}, final {final.shape}")
    return RawTable(year, countries, industries, inter, final.reshape(size, N_REGIONS, N_FINAL), output)


@dataclass(frozen=True)
class Mapping:
    """A mapping file read and validated: source code -> model name, names in file order."""

    path: Path
    code_to_name: dict[str, str]
    names: tuple[str, ...]


def read_mapping(path: Path | str, codes: tuple[str, ...], kind: str) -> Mapping:
    """Read a mapping CSV with columns ``code,name`` (further columns are ignored).

    ``kind`` is ``"region"`` or ``"sector"`` (for messages). Model names keep the order of
    their first appearance. Raises :class:`MappingError` with one message naming the file, the
    line and the code: an unknown code, a code given twice, a code of ``codes`` left unmapped, a
    missing column, an empty or reserved name.
    """
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"{kind} mapping {path}: file not found")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if "code" not in header or "name" not in header:
            raise MappingError(f"{kind} mapping {path} line 1: needs the columns code,name (got {header})")
        out: dict[str, str] = {}
        first_line: dict[str, int] = {}
        names: list[str] = []
        known = set(codes)
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            code, name = row.get("code", ""), row.get("name", "")
            if not code and not name:
                continue
            if code not in known:
                raise MappingError(f"{kind} mapping {path} line {line}: unknown {kind} code {code!r} "
                                   f"(WIOD 2013 codes: {', '.join(codes)})")
            if code in out:
                raise MappingError(f"{kind} mapping {path} line {line}: duplicate code {code!r} "
                                   f"(already mapped on line {first_line[code]})")
            if not name or not name.replace("_", "").isalnum():
                raise MappingError(f"{kind} mapping {path} line {line}: code {code!r} has an invalid "
                                   f"model name {name!r} (letters, digits, _)")
            if name in (*RESERVED, *FACTORS):
                raise MappingError(f"{kind} mapping {path} line {line}: code {code!r} maps to the "
                                   f"reserved account name {name!r}")
            out[code] = name
            first_line[code] = line
            if name not in names:
                names.append(name)
    missing = [c for c in codes if c not in out]
    if missing:
        more = f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if missing[1:] else ""
        raise MappingError(f"{kind} mapping {path}: unmapped {kind} code {missing[0]!r}{more}; "
                           "every WIOD code needs one row")
    return Mapping(path, out, tuple(names))


@dataclass(frozen=True)
class Aggregated:
    """The aggregated world plus what the aggregation did (USD million).

    Attributes:
        world: the :class:`WorldTable` of the model regions and sectors.
        output_gap: ``(region, sector) -> row total - published output`` of the block
            (summed over its source cells; the build takes output = the row total).
        inventory: ``(region, sector) -> INV`` cells that are negative (inventory run-down
            larger than fixed investment), kept as they are.
        industry_weights: by WIOD industry, ``(world imports, world value added)`` of the year.
        block_va: ``(n_countries, n_industries)`` value added of every source cell (for
            labour-share weights).
    """

    world: WorldTable
    output_gap: dict[tuple[str, str], float]
    inventory: dict[tuple[str, str], float]
    industry_weights: dict[str, tuple[float, float]]
    block_va: FloatArray


def _indicator(index: np.ndarray, n: int) -> FloatArray:
    m = np.zeros((len(index), n))
    m[np.arange(len(index)), index] = 1.0
    return m


def aggregate(raw: RawTable, regions: Mapping, sectors: Mapping) -> Aggregated:
    """Fold ``raw`` into the model regions and sectors of the two mappings (see module doc)."""
    nr, ns = len(regions.names), len(sectors.names)
    reg_of = np.array([regions.names.index(regions.code_to_name[c]) for c in raw.countries])
    sec_of = np.array([sectors.names.index(sectors.code_to_name[c]) for c in raw.industries])
    cell_r = np.repeat(reg_of, len(raw.industries))
    cell_s = np.tile(sec_of, len(raw.countries))
    cell = _indicator(cell_r * ns + cell_s, nr * ns)  # (1435, nr*ns)
    a = (cell.T @ raw.inter @ cell).reshape(nr, ns, nr, ns)  # origin r,i -> user m,j
    fd = np.einsum("kdc,dm,ce->kme", raw.final, _indicator(reg_of, nr), _indicator(np.array(FINAL_TO_SAM), 3))
    f = (cell.T @ fd.reshape(len(cell), nr * 3)).reshape(nr, ns, nr, 3)  # origin r,i -> dest m, account
    row_total = a.sum(axis=(2, 3)) + f.sum(axis=(2, 3))  # (nr, ns)
    published = (cell.T @ raw.output).reshape(nr, ns)
    trade = a.sum(axis=3) + f.sum(axis=3)  # (nr, ns, nr): exporter, sector, importer
    trade = np.transpose(trade, (0, 2, 1)).copy()
    for r in range(nr):
        trade[r, r, :] = 0.0
    blocks = {}
    out_gap: dict[tuple[str, str], float] = {}
    inventory: dict[tuple[str, str], float] = {}
    for m, name in enumerate(regions.names):
        z = a[:, :, m, :].sum(axis=0)
        fm = f[:, :, m, :].sum(axis=0)
        v = row_total[m] - z.sum(axis=0)
        blocks[name] = RegionBlock(z, fm, v)
        for j, sec in enumerate(sectors.names):
            gap = float(row_total[m, j] - published[m, j])
            if gap:
                out_gap[(name, sec)] = gap
            if fm[j, 2] < 0:
                inventory[(name, sec)] = float(fm[j, 2])
    world = WorldTable(blocks, trade, tuple(regions.names), tuple(sectors.names))
    imports, va = raw.industry_world_totals()
    weights = {c: (float(imports[k]), float(va[k])) for k, c in enumerate(raw.industries)}
    block_va = (raw.row_total - raw.inter.sum(axis=0)).reshape(len(raw.countries), len(raw.industries))
    return Aggregated(world, out_gap, inventory, weights, block_va)


def split_raw(raw: RawTable, spec_paths: list[Path]) -> RawTable:
    """Split industries of ``raw`` by share files (``calibration/inputs/splits/*.csv``), at the
    full detail of the release (docs/data.md, "Splitting a sector"), before any aggregation.

    The table is split as a balanced MRIO whose value added is the row total less intermediate
    costs (the rule :func:`aggregate` applies); published output is split by the output shares.
    Each spec's region keys are WIOD codes (``USA``, ``JPN``, ``*``). The new industries take
    the place of their source industry; :attr:`RawTable.parent` records where each came from.
    """
    from calibration.split import MRIO, read_split_spec

    n, k = len(raw.countries), len(raw.industries)
    table = MRIO(raw.countries, raw.industries, FINAL_CATEGORIES, ("VA",), raw.inter,
                 raw.final.reshape(n * k, n * N_FINAL),
                 (raw.row_total - raw.inter.sum(axis=0))[None, :], raw.output)
    parent = dict(raw.parent)
    for path in spec_paths:
        spec = read_split_spec(path, regions=raw.countries)
        source = spec.sector
        table = spec.apply(table).table
        for new in spec.new_sectors:
            parent[new] = parent.get(source, source)
    m = len(table.sectors)
    assert table.x is not None
    return RawTable(raw.year, raw.countries, table.sectors, table.z,
                    table.f.reshape(n * m, n, N_FINAL), table.x, parent)
