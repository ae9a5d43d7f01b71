"""Import an aggregated GTAP v7 database (GTAPAgg/FlexAgg output) into the input format.

Reads ``basedata.har`` (and ``default.prm``, ``sets.har`` when present) with ``harpy3`` (the
optional extra ``cge[gtap]``) and writes one SAM per region plus the bilateral trade table
(docs/input_format.md). Header names and meanings are those of the GTAP v7 data base (Corong,
Hertel, McDougall, Tsigas & van der Mensbrugghe 2017, "The Standard GTAP Model, Version 7",
*Journal of Global Economic Analysis* 2(1): 1-119): ``VDFB``/``VMFB`` firms' domestic/imported
purchases at basic prices (``COMM x ACTS x REG``), ``VDFP``/``VMFP`` the same at purchasers'
prices, ``VDPB VMPB VDGB VMGB VDIB VMIB`` (and ``...P``) private household, government and
investment purchases (``COMM x REG``), ``EVFB``/``EVFP`` primary factor purchases at basic /
purchasers' prices (``ENDW x ACTS x REG``), ``EVOS`` factor income at supply prices,
``MAKB`` and ``MAKS`` (coefficients MAKEB, MAKES) the make matrix at basic and supply prices
(``COMM x ACTS x REG``), ``VXSB`` exports at basic prices, ``VFOB`` at f.o.b. and ``VCIF``
at c.i.f. world prices, ``VMSB`` imports at basic (tariff-inclusive) prices, all
``COMM x REG(source) x REG(destination)``, and ``VST`` margin services supplied to
international transport (``MARG x REG``).

How each GTAP flow enters the model (docs/onramps.md has the table, with what is dropped):

- every purchase is valued at basic prices (purchase taxes of final demand are dropped; those of
  firms, factor-use taxes, the output tax and secondary production fold into the production
  tax ``IDT``, the residual that makes each sector account balance);
- bilateral trade is ``VXSB`` (the exporter's receipts); the tariff is GTAP's
  ``VMSB / VCIF - 1``; imported purchases are scaled to the model's import cost
  ``(1 + tariff) VXSB``, so international margins and export taxes are dropped;
  trade within an aggregated region (``VXSB[c, r, r]``) becomes domestic sales;
- the government buys GTAP's government demand; it has no saving; its revenue (``IDT``,
  ``TRF``) is topped up by a direct tax from the household (negative: a transfer); the
  household saves what investment needs beyond foreign saving (the bilateral deficits).

Values are in USD million as in the data base. HAR files hold 4-byte reals, so values carry
about 7 significant digits.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError
from .write import format_number, write_dataset

__all__ = ["HeaderArray", "read_har", "GtapImport", "Dropped", "import_gtap"]

FloatArray = NDArray[np.float64]

#: Headers the import needs (basedata.har), with their dimensions.
REQUIRED = {
    "VDFB": ("COMM", "ACTS", "REG"), "VMFB": ("COMM", "ACTS", "REG"),
    "VDPB": ("COMM", "REG"), "VMPB": ("COMM", "REG"), "VDGB": ("COMM", "REG"),
    "VMGB": ("COMM", "REG"), "VDIB": ("COMM", "REG"), "VMIB": ("COMM", "REG"),
    "EVFB": ("ENDW", "ACTS", "REG"), "MAKB": ("COMM", "ACTS", "REG"),
    "VXSB": ("COMM", "REG", "REG"), "VCIF": ("COMM", "REG", "REG"),
    "VMSB": ("COMM", "REG", "REG"),
}
#: Headers read when present, for the report of what is dropped or folded.
OPTIONAL = {
    "VDFP": ("COMM", "ACTS", "REG"), "VMFP": ("COMM", "ACTS", "REG"),
    "VDPP": ("COMM", "REG"), "VMPP": ("COMM", "REG"), "VDGP": ("COMM", "REG"),
    "VMGP": ("COMM", "REG"), "VDIP": ("COMM", "REG"), "VMIP": ("COMM", "REG"),
    "EVFP": ("ENDW", "ACTS", "REG"), "EVOS": ("ENDW", "ACTS", "REG"),
    "MAKS": ("COMM", "ACTS", "REG"), "VFOB": ("COMM", "REG", "REG"), "VST": ("MARG", "REG"),
}
_HINT_HAR = "give the folder GTAPAgg/FlexAgg wrote (basedata.har, default.prm, sets.har)"


@dataclass(frozen=True)
class HeaderArray:
    """One header of a HAR file: values (float64) and, per dimension, (set name, elements)."""

    name: str
    array: FloatArray | NDArray[np.str_]
    sets: tuple[tuple[str, tuple[str, ...]], ...]


def _harpy():  # noqa: ANN202
    try:
        import harpy
    except ImportError:
        raise DataError("reading GTAP HAR files needs harpy3",
                        hint="pip install 'cge[gtap]' (or pip install harpy3)") from None
    return harpy


def read_har(path: str | Path) -> dict[str, HeaderArray]:
    """Read every header of the HAR file ``path`` (names upper-case, reals as float64).

    Raises:
        DataError: the file is missing or not a HAR file.
    """
    harpy = _harpy()
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p.name}: no such file in {str(p.parent)!r}", hint=_HINT_HAR)
    try:
        with warnings.catch_warnings():  # harpy 0.3.1 uses the deprecated np.chararray
            warnings.simplefilter("ignore", DeprecationWarning)
            har = harpy.HarFileObj.loadFromDisk(str(p))
        out: dict[str, HeaderArray] = {}
        for name in har.getHeaderArrayNames():
            h = har.getHeaderArrayObj(name)
            arr = np.asarray(h["array"])
            if arr.dtype.kind in "fi":
                arr = arr.astype(np.float64)
            else:
                arr = np.char.strip(arr.astype(str))
            sets = tuple((str(s["name"]).strip().upper(),
                          tuple(str(e).strip() for e in (s.get("dim_desc") or ())))
                         for s in (h.get("sets") or ()))
            out[name.strip().upper()] = HeaderArray(name.strip().upper(), arr, sets)
    except DataError:
        raise
    except Exception as exc:  # harpy raises bare exceptions on a malformed file
        raise DataError(f"{p.name}: not a readable HAR file ({type(exc).__name__}: {exc})",
                        hint=_HINT_HAR) from None
    return out


@dataclass(frozen=True)
class Dropped:
    """A GTAP flow the model has no place for, or folds into another account.

    Attributes:
        item: what it is (e.g. ``"international transport margins"``).
        headers: the GTAP headers it is computed from.
        value: its world total (USD million; a net value, may be negative).
        base: what ``share`` is relative to, e.g. ``"world imports at c.i.f. prices (VCIF)"``.
        share: ``value / base total`` (fraction).
        treatment: ``"dropped"`` or where it goes (e.g. ``"folded into IDT"``).
    """

    item: str
    headers: str
    value: float
    base: str
    share: float
    treatment: str


@dataclass
class GtapImport:
    """An imported GTAP database, ready to write (:meth:`write`).

    Attributes:
        regions, sectors, factors: GTAP's REG, COMM (= ACTS) and ENDW elements.
        sam: by region, ``{(row, col): value}`` in USD million.
        trade: ``{(exporter, importer, sector): (value in USD million, tariff in percent)}``.
        elasticities: rows of ``elasticities.csv`` (text cells).
        dropped: what the model has no place for, with its size.
        source: the folder read.
    """

    regions: list[str]
    sectors: list[str]
    factors: list[str]
    sam: dict[str, dict[tuple[str, str], float]]
    trade: dict[tuple[str, str, str], tuple[float, float]]
    elasticities: list[dict[str, str]]
    dropped: list[Dropped] = field(default_factory=list)
    source: str = ""

    def report(self) -> str:
        """What was dropped or folded, one line each: value (USD million) and share; then the
        items checked and found zero."""
        lines = ["GTAP flows dropped or folded into other accounts (world totals, USD million):"]
        for d in self.dropped:
            if d.value:
                lines.append(f"  {d.item} [{d.headers}]: {d.value:,.3f} = {100 * d.share:.4g}% "
                             f"of {d.base}; {d.treatment}")
        zero = [d.item for d in self.dropped if not d.value]
        if len(lines) == 1:
            lines.append("  none")
        if zero:
            lines.append(f"  zero in these data: {'; '.join(zero)}")
        return "\n".join(lines)

    def write(self, out: str | Path, *, name: str | None = None,
              reference_region: str | None = None, force: bool = False) -> Path:
        """Write the data set folder ``out`` (checked by the loader; see
        :func:`cge.build.write.write_dataset`)."""
        ref = reference_region or self.regions[0]
        if ref not in self.regions:
            raise DataError(f"reference region {ref!r} is not a GTAP region",
                            hint=f"the regions are {', '.join(self.regions)}")
        desc = (f"Imported from the GTAP database in {self.source} by cge.build.gtap "
                "(docs/onramps.md). " + " ".join(
                    f"{d.item}: {d.value:.6g} ({100 * d.share:.3g}% of {d.base}), {d.treatment}."
                    for d in self.dropped if d.value))
        return write_dataset(out, name=name or Path(out).name, description=desc,
                             unit="USD million", regions=self.regions, sectors=self.sectors,
                             factors=self.factors, reference_region=ref, sam=self.sam,
                             trade=self.trade, elasticities=self.elasticities, force=force)


def _get(headers: dict[str, HeaderArray], name: str, dims: Sequence[str],
         elements: dict[str, tuple[str, ...]], file: str) -> FloatArray:
    h = headers[name]
    arr = h.array
    if arr.dtype.kind != "f" or arr.ndim != len(dims):
        raise DataError(f"header {name} has {arr.ndim} dimensions, expected {len(dims)} "
                        f"({' x '.join(dims)})", file=file, hint=_HINT_HAR)
    for k, (dim, (_set, elems)) in enumerate(zip(dims, h.sets or [(d, ()) for d in dims])):
        want = elements.get(dim)
        if want is not None and elems and tuple(elems) != want:
            raise DataError(f"header {name}, dimension {k + 1} ({dim}): elements "
                            f"{', '.join(elems)} differ from {', '.join(want)}", file=file,
                            hint="all headers must use the same sets, in the same order")
        if want is not None and arr.shape[k] != len(want):
            raise DataError(f"header {name}, dimension {k + 1} ({dim}) has {arr.shape[k]} "
                            f"elements, expected {len(want)}", file=file, hint=_HINT_HAR)
    if not np.all(np.isfinite(arr)):
        raise DataError(f"header {name} holds a value that is not finite", file=file)
    return arr


def _sets(headers: dict[str, HeaderArray]) -> dict[str, tuple[str, ...]]:
    """REG, COMM, ACTS, ENDW elements, from the set labels of VDFB and EVFB."""
    for name in ("VDFB", "EVFB"):
        if not headers[name].sets:
            raise DataError(f"header {name} has no set labels", file="basedata.har",
                            hint="write the headers with their sets (GTAPAgg does)")
    comm, acts, reg = (e for _, e in headers["VDFB"].sets)
    endw = headers["EVFB"].sets[0][1]
    return {"COMM": comm, "ACTS": acts, "REG": reg, "ENDW": endw}


def _check_sets_file(path: Path, elements: dict[str, tuple[str, ...]]) -> None:
    sets = read_har(path)
    for name in ("REG", "COMM", "ACTS", "ENDW"):
        if name in sets:
            got = tuple(str(e) for e in sets[name].array)
            if got != elements[name]:
                raise DataError(f"set {name} is {', '.join(got)} but basedata.har uses "
                                f"{', '.join(elements[name])}", file="sets.har",
                                hint="give the sets.har written with this basedata.har")


def _elasticity_rows(prm: dict[str, HeaderArray] | None, regions: list[str],
                     sectors: list[str], groups: dict, w_trade: FloatArray,
                     w_va: FloatArray) -> list[dict[str, str]]:
    """sigma_va = ESBV, sigma_d = ESBD, sigma_m = ESBM (by sector, region overrides where
    they differ); psi = inf (GTAP has no CET between domestic sales and exports). With
    ``groups``, merged elements' values are averaged with the weights ``w_trade`` (ESBD, ESBM)
    and ``w_va`` (ESBV), both ``[sector, region]`` before merging."""
    if prm is None:
        raise DataError("no default.prm and no elasticities given",
                        hint="give the folder's default.prm or --elasticities FILE")
    cols = {}
    for header, col in (("ESBV", "sigma_va"), ("ESBD", "sigma_d"), ("ESBM", "sigma_m")):
        if header not in prm:
            raise DataError(f"header {header} missing", file="default.prm",
                            hint="a GTAP v7 default.prm holds ESBV, ESBD and ESBM")
        a = prm[header].array
        n_s, n_r = w_trade.shape
        if a.ndim == 1:
            a = np.repeat(a[:, None], n_r, axis=1)
        if a.shape != (n_s, n_r):
            raise DataError(f"header {header} has shape {a.shape}, expected "
                            f"({n_s},) or ({n_s}, {n_r})", file="default.prm")
        if groups:
            w = w_va if header == "ESBV" else w_trade
            dims = ("COMM", "REG")
            num, den = _aggregate(a * w, dims, groups), _aggregate(w, dims, groups)
            plain = _aggregate(a, dims, groups) / _aggregate(np.ones_like(a), dims, groups)
            with np.errstate(divide="ignore", invalid="ignore"):
                a = np.where(den > 0, num / den, plain)
        bad = np.argwhere(~(a > 0))
        if bad.size:
            i, k = bad[0]
            raise DataError(f"header {header}: {a[i, k]:g} for sector {sectors[i]}, region "
                            f"{regions[k]}; the model needs {col} > 0", file="default.prm",
                            hint="give elasticities with --elasticities FILE")
        cols[col] = a
    src = "GTAP default.prm: sigma_va ESBV, sigma_d ESBD, sigma_m ESBM; psi inf (no CET)"
    rows: list[dict[str, str]] = []
    for i, s in enumerate(sectors):
        base = {c: format_number(float(cols[c][i, 0])) for c in cols}
        rows.append({"sector": s, **base, "psi": "inf", "source": src})
        for k, r in enumerate(regions[1:], start=1):
            vals = {c: format_number(float(cols[c][i, k])) for c in cols}
            if vals != base:
                rows.append({"region": r, "sector": s, **vals, "psi": "inf", "source": src})
    return rows


_MAP_SETS = {"region": "REG", "sector": "COMM", "factor": "ENDW"}


def _read_mapping(path: Path, el: dict[str, tuple[str, ...]]
                  ) -> dict[str, tuple[list[str], NDArray[np.float64]]]:
    """``{set: (new elements, 0/1 matrix new x old)}`` from a ``set,from,to`` CSV."""
    if not path.is_file():
        raise DataError(f"mapping file {str(path)!r} does not exist")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if not rows or [c.strip().lower() for c in rows[0][:3]] != ["set", "from", "to"]:
        raise DataError("line 1: the header must be set,from,to", file=path.name)
    to: dict[str, dict[str, str]] = {k: {} for k in _MAP_SETS.values()}
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + ["", "", ""]
        if not any(cells):
            continue
        kind, old, new = cells[0].lower(), cells[1], cells[2]
        if kind not in _MAP_SETS:
            raise DataError(f"line {line}: set {kind!r} is not region, sector or factor",
                            file=path.name)
        key = _MAP_SETS[kind]
        if old not in el[key]:
            raise DataError(f"line {line}: {kind} {old!r} is not in the database",
                            file=path.name, hint=f"the {kind}s are {', '.join(el[key])}")
        if not new:
            raise DataError(f"line {line}: {kind} {old!r} has no new name", file=path.name)
        if old in to[key]:
            raise DataError(f"line {line}: {kind} {old!r} mapped twice", file=path.name)
        to[key][old] = new
    out = {}
    for key, names in to.items():
        if not names:
            continue
        target = [names.get(e, e) for e in el[key]]
        new = list(dict.fromkeys(target))
        g = np.zeros((len(new), len(target)))
        for k, t in enumerate(target):
            g[new.index(t), k] = 1.0
        out[key] = (new, g)
    return out


def _aggregate(x: FloatArray, dims: Sequence[str], groups: dict) -> FloatArray:
    """Sum ``x`` over the merged elements of every mapped dimension (ACTS as COMM)."""
    for axis, dim in enumerate(dims):
        key = "COMM" if dim == "ACTS" else dim
        if key in groups:
            x = np.moveaxis(np.tensordot(groups[key][1], x, axes=([1], [axis])), 0, axis)
    return x


def _read_elasticities_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise DataError(f"elasticities file {str(path)!r} does not exist")
    text = path.read_text(encoding="utf-8-sig")
    return [{k: (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(io.StringIO(text))]


def import_gtap(folder: str | Path, *, elasticities: str | Path | None = None,
                mapping: str | Path | None = None) -> GtapImport:
    """Read the aggregated GTAP database in ``folder`` into the model's accounts.

    Args:
        folder: holds ``basedata.har`` (required), ``default.prm`` (elasticities, unless
            ``elasticities`` is given) and ``sets.har`` (checked against basedata if present).
        elasticities: an ``elasticities.csv`` in the input format to use instead of
            ``default.prm``.
        mapping: a CSV ``set,from,to`` (``set``: ``region``, ``sector`` or ``factor``) that
            renames or merges GTAP elements before the import (e.g. ``factor,Capital,CAP``;
            several ``from`` with one ``to`` are summed); unlisted elements keep their names.
            Merged sectors' elasticities are averaged with weights: imports at basic prices
            (``VMSB``) for ``ESBD``/``ESBM``, factor payments (``EVFB``) for ``ESBV``.

    Raises:
        DataError: a missing file or header, a header of the wrong shape or sets, activities
            that are not the commodities, naming the file and header.
    """
    src = Path(folder)
    if not src.is_dir():
        raise DataError(f"GTAP folder {str(src)!r} does not exist", hint=_HINT_HAR)
    h = read_har(src / "basedata.har")
    missing = [n for n in REQUIRED if n not in h]
    if missing:
        raise DataError(f"headers {', '.join(missing)} missing", file="basedata.har",
                        hint="a GTAP v7 database (GTAP 10A or later); older versions use "
                             "VDFM/VIFM/VXMD names")
    el = _sets(h)
    if el["ACTS"] != el["COMM"]:
        raise DataError("activities (ACTS) differ from commodities (COMM): "
                        f"{', '.join(el['ACTS'])} vs {', '.join(el['COMM'])}",
                        file="basedata.har",
                        hint="aggregate so that each activity has the name of the commodity "
                             "it makes (cge sectors are both)")
    if "VST" in h and h["VST"].sets:
        el["MARG"] = h["VST"].sets[0][1]
    if (src / "sets.har").is_file():
        _check_sets_file(src / "sets.har", el)
    f = "basedata.har"
    a = {n: _get(h, n, d, el, f) for n, d in REQUIRED.items()}
    o = {n: _get(h, n, d, el, f) for n, d in OPTIONAL.items() if n in h}
    groups = _read_mapping(Path(mapping), el) if mapping is not None else {}
    w_trade = a["VMSB"].sum(axis=1)  # [c, r] weights of ESBD, ESBM
    w_va = a["EVFB"].sum(axis=0)  # [a, r] weights of ESBV
    if groups:
        a = {n: _aggregate(x, REQUIRED[n], groups) for n, x in a.items()}
        o = {n: _aggregate(x, OPTIONAL[n], groups) for n, x in o.items()}
        el = {k: tuple(groups[k][0]) if k in groups else v for k, v in el.items()}
        el["ACTS"] = el["COMM"]
    regions, sectors, factors = list(el["REG"]), list(el["COMM"]), list(el["ENDW"])
    nr = len(regions)
    eye = np.eye(nr, dtype=bool)

    vxsb, vcif, vmsb = a["VXSB"], a["VCIF"], a["VMSB"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(vcif > 0, vmsb / vcif - 1.0, 0.0)  # [c, s, d]
    rate[:, eye] = 0.0
    v = vxsb.copy()  # trade at world prices [c, s, d]
    intra = np.einsum("crr->cr", vxsb)  # trade within an aggregated region, [c, r]
    v[:, eye] = 0.0
    cost = (1.0 + rate) * v  # importer's cost [c, s, d]
    # Imported purchases at the model's prices: scale each agent's VMxB by phi[c, d].
    imp_basic = vmsb.sum(axis=1)  # [c, d]
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(imp_basic > 0, (cost.sum(axis=1) + intra) / imp_basic, 0.0)
    firms = a["VDFB"] + phi[:, None, :] * a["VMFB"]  # [c, a, r]
    final = {k: a[f"VD{k}B"] + phi * a[f"VM{k}B"] for k in ("P", "G", "I")}  # [c, r]

    trade: dict[tuple[str, str, str], tuple[float, float]] = {}
    for d, dn in enumerate(regions):
        for c, cn in enumerate(sectors):
            for s, sn in enumerate(regions):
                if s != d and v[c, s, d] > 0:
                    trade[(sn, dn, cn)] = (float(v[c, s, d]), float(100.0 * rate[c, s, d]))
    sam = {rn: _region_sam(r, regions, sectors, factors, firms, final, a["EVFB"], v, rate)
           for r, rn in enumerate(regions)}
    dropped = _dropped(a, o, v, intra, rate,
                       float(sum(x.sum() for x in final.values())))
    rows = (_read_elasticities_csv(Path(elasticities)) if elasticities is not None else
            _elasticity_rows(read_har(src / "default.prm") if (src / "default.prm").is_file()
                             else None, regions, sectors, groups, w_trade, w_va))
    return GtapImport(regions, sectors, factors, sam, trade, rows, dropped, str(src))


def _region_sam(r: int, regions: list[str], sectors: list[str], factors: list[str],
                firms: FloatArray, final: dict[str, FloatArray], evfb: FloatArray,
                v: FloatArray, rate: FloatArray) -> dict[tuple[str, str], float]:
    """Region ``r``'s SAM cells (docs/onramps.md, the table of GTAP to cge cells): purchases
    at the model's prices, trade at world prices, IDT the residual of each sector account,
    the direct tax and household saving the residuals of GOV and INV."""
    cells: dict[tuple[str, str], float] = {}

    def put(row: str, col: str, value: float) -> None:
        if value != 0.0:
            cells[(row, col)] = float(value)

    partners = [p for p in range(len(regions)) if p != r]
    for j, jn in enumerate(sectors):
        for i, iname in enumerate(sectors):
            put(iname, jn, firms[i, j, r])
        for k, fn in enumerate(factors):
            put(fn, jn, evfb[k, j, r])
        put(jn, "HOH", final["P"][j, r])
        put(jn, "GOV", final["G"][j, r])
        put(jn, "INV", final["I"][j, r])
        for p in partners:
            put(jn, regions[p], v[j, r, p])
            put(regions[p], jn, v[j, p, r])
        trf = float((rate[j, :, r] * v[j, :, r]).sum())
        put("TRF", jn, trf)
        uses = (firms[j, :, r].sum() + final["P"][j, r] + final["G"][j, r]
                + final["I"][j, r] + v[j, r, :].sum())
        costs = firms[:, j, r].sum() + evfb[:, j, r].sum() + v[j, :, r].sum() + trf
        put("IDT", jn, float(uses - costs))
    trf_tot = sum(x for (row, _), x in cells.items() if row == "TRF")
    idt_tot = sum(x for (row, _), x in cells.items() if row == "IDT")
    put("GOV", "IDT", idt_tot)
    put("GOV", "TRF", trf_tot)
    put("GOV", "HOH", float(final["G"][:, r].sum()) - idt_tot - trf_tot)  # negative: transfer
    fs_total = 0.0
    for p in partners:
        fs = float(v[:, p, r].sum() - v[:, r, p].sum())  # bilateral deficit
        put("INV", regions[p], fs)
        fs_total += fs
    put("INV", "HOH", float(final["I"][:, r].sum()) - fs_total)
    for k, fn in enumerate(factors):
        put("HOH", fn, evfb[k, :, r].sum())
    return cells


def _dropped(a: dict[str, FloatArray], o: dict[str, FloatArray], v: FloatArray,
             intra: FloatArray, rate: FloatArray, final_basic: float) -> list[Dropped]:
    """The size of every GTAP flow the model drops or folds (world totals, USD million);
    ``final_basic``: world final demand as the model has it (basic prices, no margins)."""
    out: list[Dropped] = []
    world_cif = float(a["VCIF"].sum())
    output = float(a["MAKB"].sum())
    cif_off = a["VCIF"].copy()
    cif_off[:, np.eye(v.shape[1], dtype=bool)] = 0.0

    def add(item: str, headers: str, value: float, base: str, total: float, treat: str) -> None:
        out.append(Dropped(item, headers, float(value), base, float(value / total) if total else 0.0,
                           treat))

    if "VFOB" in o:
        fob = o["VFOB"]
        add("international transport margins", "VCIF - VFOB", float((a["VCIF"] - fob).sum()),
            "world imports at c.i.f. prices (VCIF)", world_cif,
            "dropped: the model prices imports at f.o.b. = c.i.f.")
        add("export taxes (subsidies if negative)", "VFOB - VXSB", float((fob - a["VXSB"]).sum()),
            "world imports at c.i.f. prices (VCIF)", world_cif, "dropped")
    else:
        add("international margins and export taxes", "VCIF - VXSB",
            float((a["VCIF"] - a["VXSB"]).sum()), "world imports at c.i.f. prices (VCIF)",
            world_cif, "dropped: the model prices imports at f.o.b. = c.i.f.")
    off = cif_off - np.where(np.isfinite(v), v, 0.0)
    add("tariffs on margins and export taxes", "(VMSB/VCIF - 1) (VCIF - VXSB)",
        float((rate * off).sum()), "world imports at c.i.f. prices (VCIF)", world_cif,
        "dropped with them")
    add("trade within aggregated regions", "VXSB[c, r, r]", float(intra.sum()),
        "world imports at c.i.f. prices (VCIF)", world_cif, "becomes domestic sales")
    own = np.eye(v.shape[1], dtype=bool)
    add("tariffs on trade within aggregated regions", "VMSB[c, r, r] - VCIF[c, r, r]",
        float((a["VMSB"] - a["VCIF"])[:, own].sum()), "world imports at c.i.f. prices (VCIF)",
        world_cif, "dropped")
    if "VST" in o:
        add("margin services supplied to international transport", "VST", float(o["VST"].sum()),
            "world output at basic prices (MAKB)", output,
            "folded into IDT (the supplying sector sells less than it makes)")
    if "MAKS" in o:
        add("output taxes", "MAKB - MAKS", float((a["MAKB"] - o["MAKS"]).sum()),
            "world output at basic prices (MAKB)", output, "folded into IDT")
    offdiag = a["MAKB"].sum() - float(np.einsum("ccr->", a["MAKB"]))
    add("secondary production (off-diagonal make)", "MAKB[c, a], c != a", offdiag,
        "world output at basic prices (MAKB)", output,
        "folded into IDT: the product's sector gains it, the maker's loses it")
    if "VDFP" in o and "VMFP" in o:
        add("firms' purchase taxes on intermediates", "VDFP - VDFB + VMFP - VMFB",
            float((o["VDFP"] - a["VDFB"] + o["VMFP"] - a["VMFB"]).sum()),
            "world output at basic prices (MAKB)", output, "folded into IDT of the buyer")
    if "EVFP" in o:
        add("factor-use taxes", "EVFP - EVFB", float((o["EVFP"] - a["EVFB"]).sum()),
            "world output at basic prices (MAKB)", output, "folded into IDT of the user")
    if "EVOS" in o:
        add("factor income taxes", "EVFB - EVOS", float((a["EVFB"] - o["EVOS"]).sum()),
            "world output at basic prices (MAKB)", output,
            "in the household's direct tax (GOV, HOH)")
    for k, who in (("P", "private households"), ("G", "government"), ("I", "investment")):
        if f"VD{k}P" in o and f"VM{k}P" in o:
            add(f"purchase taxes of {who}", f"VD{k}P - VD{k}B + VM{k}P - VM{k}B",
                float((o[f"VD{k}P"] - a[f"VD{k}B"] + o[f"VM{k}P"] - a[f"VM{k}B"]).sum()),
                "world final demand at basic prices (as imported)", final_basic,
                "dropped: final demand at basic prices")
    return out
