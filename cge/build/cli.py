"""``cge import-gtap`` and ``cge import-sam``: the data on-ramps on the command line
(docs/onramps.md). Registered in :mod:`cge.cli`; imports nothing heavy until run."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click


@contextmanager
def _guard(debug: bool):  # noqa: ANN202
    """Bad input (ValueError: DataError and the like; OSError: an unwritable folder) as one
    line ``error: ...`` on stderr and exit code 2, as the other commands do (cge.cli)."""
    try:
        yield
    except (ValueError, KeyError, OSError) as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_debug_opt = click.option("--debug", is_flag=True, help="show tracebacks")

_out_opt = click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
                        help="the data set folder to write (input format)")
_force_opt = click.option("--force", is_flag=True,
                          help="replace the output folder if it holds a data set only")
_ref_opt = click.option("--reference", default=None, metavar="REGION",
                        help="reference region (its currency is the numeraire); default: the first")
_name_opt = click.option("--name", "ds_name", default=None, help="the data set's name (default: "
                         "the folder's)")


@click.command("import-gtap", short_help="Import an aggregated GTAP v7 database (HAR files).")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_out_opt
@click.option("--elasticities", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="an elasticities.csv to use instead of default.prm")
@click.option("--map", "mapping", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV set,from,to renaming or merging regions, sectors, factors "
              "(e.g. factor,Capital,CAP)")
@_ref_opt
@_name_opt
@_force_opt
@_debug_opt
def import_gtap_cmd(folder, out, elasticities, mapping, reference, ds_name, force, debug) -> None:
    """Read FOLDER (basedata.har, default.prm, sets.har as GTAPAgg/FlexAgg write them) into a
    data set folder, and print what the model has no place for (margins, purchase taxes, ...)
    with its size. Needs the extra cge[gtap] (harpy3)."""
    with _guard(debug):
        from .gtap import import_gtap

        imp = import_gtap(folder, elasticities=elasticities, mapping=mapping)
        imp.write(out, name=ds_name, reference_region=reference, force=force)
    click.echo(imp.report())
    click.echo(f"wrote {_show(out)}/ ({len(imp.regions)} regions, {len(imp.sectors)} sectors, "
               f"{len(imp.factors)} factors)")


@click.command("import-sam", short_help="Import square national SAMs plus a bilateral trade table.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_out_opt
@_ref_opt
@_name_opt
@click.option("--unit", default="USD million", show_default=True, help="the SAMs' currency unit")
@_force_opt
@_debug_opt
def import_sam_cmd(folder, out, reference, ds_name, unit, force, debug) -> None:
    """Read FOLDER (sam_<REGION>.csv, accounts.csv, trade.csv, elasticities.csv) into a data
    set folder; balance each SAM by minimum cross-entropy (GRAS's objective) and print every
    dropped, replaced and changed cell."""
    with _guard(debug):
        from .sam import import_sams

        imp = import_sams(folder)
        imp.write(out, name=ds_name, reference_region=reference, unit=unit, force=force)
    click.echo(imp.report())
    click.echo(f"wrote {_show(out)}/ ({len(imp.regions)} regions, {len(imp.sectors)} sectors)")
