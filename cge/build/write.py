"""Write a data set folder in the input format (docs/input_format.md).

The text renderers are deterministic (rows in the order given, LF line endings, UTF-8) and are
shared by the project's own build (:mod:`calibration.dataset`, which writes integer US dollars
as USD million) and by the on-ramps (:mod:`cge.build.gtap`, :mod:`cge.build.sam`), which write
floats with :func:`format_number`. :func:`write_dataset` writes a whole folder and reads it back
with the model's own loader before it is moved into place, so a folder that is written is one
that loads; on any error nothing is left behind.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import DataError

__all__ = ["render_meta", "render_sam", "render_trade", "render_elasticities", "write_texts",
           "format_number", "write_dataset", "sam_accounts", "FILES"]

#: The four files of a data set folder.
FILES = ("meta.toml", "sam.csv", "trade.csv", "elasticities.csv")

#: The reserved accounts of every region's SAM, in canonical order.
RESERVED = ("IDT", "TRF", "HOH", "GOV", "INV")


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_string(i) for i in items) + "]"


def render_meta(name: str, description: str, *, regions: Sequence[str], sectors: Sequence[str],
                factors: Sequence[str], unit: str, reference_region: str,
                services: Sequence[str] = (), headline_flows: Sequence[Sequence[str]] = (),
                elasticities: str | None = None) -> str:
    """Text of ``meta.toml``; ``description`` may span several lines. ``services``: the sectors
    that are services; ``headline_flows``: ``(exporter, importer)`` pairs of interest;
    ``elasticities``: the default elasticity set (None: no such line)."""
    desc = description.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    flows = "[" + ", ".join(_toml_list(pair) for pair in headline_flows) + "]"
    return (
        f"name = {_toml_string(name)}\n"
        f"unit = {_toml_string(unit)}\n"
        f"reference_region = {_toml_string(reference_region)}\n"
        f"regions = {_toml_list(regions)}\n"
        f"sectors = {_toml_list(sectors)}\n"
        f"factors = {_toml_list(factors)}\n"
        f"services = {_toml_list(services)}\n"
        f"headline_flows = {flows}\n"
        + (f"elasticities = {_toml_string(elasticities)}\n" if elasticities else "")
        + f'description = """\n{desc}\n"""\n'
    )


def csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    """CSV text (RFC 4180 quoting, LF line ends) of a header and rows of cells."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def sam_accounts(region: str, regions: Sequence[str], sectors: Sequence[str],
                 factors: Sequence[str]) -> list[str]:
    """Accounts of ``region``'s SAM in canonical order (sectors, factors, reserved, partners)."""
    return [*sectors, *factors, *RESERVED, *(r for r in regions if r != region)]


def render_sam(sam: Mapping[str, Mapping[tuple[str, str], Any]], regions: Sequence[str],
               accounts: Callable[[str], list[str]], fmt: Callable[[Any], str]) -> str:
    """Text of ``sam.csv``: ``sam[region][(row, col)]`` values written with ``fmt``, zero cells
    omitted, regions in ``regions`` order and accounts in ``accounts(region)`` order.

    Raises:
        ValueError: a cell names an account not in ``accounts(region)``.
    """
    rows: list[list[str]] = []
    for region in regions:
        cells = sam[region]
        order = accounts(region)
        unknown = {a for cell in cells for a in cell} - set(order)
        if unknown:
            raise ValueError(f"{region}: unknown accounts {sorted(unknown)}")
        for row in order:
            for col in order:
                value = cells.get((row, col), 0)
                if value:
                    rows.append([region, row, col, fmt(value)])
    return csv_text(["region", "row", "col", "value"], rows)


def render_trade(trade: Mapping[tuple[str, str, str], Any],
                 tariffs: Mapping[tuple[str, str, str], Any], regions: Sequence[str],
                 sectors: Sequence[str], fmt_value: Callable[[Any], str],
                 fmt_tariff: Callable[[Any], str]) -> str:
    """Text of ``trade.csv`` (keys ``(exporter, importer, sector)``; ``tariffs`` in the unit
    ``fmt_tariff`` writes as percent), flows in region and sector order."""
    rows = [[ex, im, sec, fmt_value(trade[(ex, im, sec)]), fmt_tariff(tariffs[(ex, im, sec)])]
            for ex in regions for im in regions for sec in sectors if (ex, im, sec) in trade]
    return csv_text(["exporter", "importer", "sector", "value", "tariff_pct"], rows)


def render_elasticities(rows: list[dict[str, str]]) -> str:
    """Text of ``elasticities.csv`` from dicts with the format's column names (a ``set`` and a
    ``region`` column are written when some row has them)."""
    header = ["sector", "sigma_va", "sigma_d", "sigma_m", "psi", "source"]
    if any("region" in r for r in rows):
        header = ["region", *header]
    if any("set" in r for r in rows):
        header = ["set", *header]
    return csv_text(header, [[r.get(h, "") for h in header] for r in rows])


def write_texts(folder: Path, texts: dict[str, str]) -> None:
    """Write ``{file name: text}`` into ``folder`` (created if needed), UTF-8, LF endings."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_bytes(text.encode("utf-8"))


def format_number(value: float) -> str:
    """A float as the shortest decimal that reads back as the same float (``12.0 -> "12"``,
    ``inf -> "inf"``)."""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def write_dataset(folder: str | Path, *, name: str, description: str, unit: str,
                  regions: Sequence[str], sectors: Sequence[str], factors: Sequence[str],
                  reference_region: str, sam: Mapping[str, Mapping[tuple[str, str], float]],
                  trade: Mapping[tuple[str, str, str], tuple[float, float]],
                  elasticities: list[dict[str, str]], services: Sequence[str] = (),
                  headline_flows: Sequence[Sequence[str]] = (), force: bool = False) -> Path:
    """Write a data set folder and check it loads (:func:`cge.data.load_dataset`).

    Args:
        folder: the folder to write (refused if it exists, unless ``force`` and it holds
            nothing but a data set's four files).
        sam: by region, ``{(row, col): value}`` in ``unit`` (row receives from column).
        trade: ``{(exporter, importer, sector): (value in unit, tariff in percent)}``.
        elasticities: rows of ``elasticities.csv`` as dicts of text cells.
        Others: the ``meta.toml`` keys of docs/input_format.md.

    Returns:
        The folder written.

    Raises:
        DataError: the folder exists, or the data do not pass the loader's checks (its message,
            naming file, line or account); nothing is left behind.
    """
    from ..data import load_dataset

    out = Path(folder)
    if out.exists() and not force:
        raise DataError(f"output folder {str(out)!r} exists", hint="give a new folder or --force")
    if out.exists() and (not out.is_dir() or set(p.name for p in out.iterdir()) - set(FILES)):
        raise DataError(f"output folder {str(out)!r} holds other files than a data set's; "
                        "not replaced", hint="give a new folder")
    texts = {
        "meta.toml": render_meta(name, description, regions=regions, sectors=sectors,
                                 factors=factors, unit=unit, reference_region=reference_region,
                                 services=services, headline_flows=headline_flows),
        "sam.csv": render_sam(sam, regions, lambda r: sam_accounts(r, regions, sectors, factors),
                              format_number),
        "trade.csv": render_trade({k: v[0] for k, v in trade.items()},
                                  {k: v[1] for k, v in trade.items()}, regions, sectors,
                                  format_number, format_number),
        "elasticities.csv": render_elasticities(elasticities),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_texts(tmp, texts)
        load_dataset(tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out
