"""``cge scenarios list|copy`` and ``cge init``: the scenarios that ship with cge, copied into a
working folder (:mod:`cge.shipped`); registered in :mod:`cge.cli`. ``cge data list`` is in
:func:`cge.cli.data_cmd`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

_debug_opt = click.option("--debug", is_flag=True, help="show tracebacks")


def _guarded(debug: bool, fn: Callable, *args, **kwargs):
    """``fn(*args, **kwargs)``; an unknown name, a refused copy or an unwritable folder is one
    line and exit code 2, as every cge command does (``--debug``: the traceback)."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, OSError) as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@click.group("scenarios", short_help="List the shipped scenarios, or copy one to a folder.")
def scenarios_cmd() -> None:
    """The scenarios that ship with cge (the repository's scenarios/, carried by the package).

    \b
      cge scenarios list                       # name, kind, data set, description
      cge scenarios copy us_autos_232          # ./us_autos_232.toml
      cge scenarios copy bilateral/jpn_auto_ver my_runs/
    """


@scenarios_cmd.command("list")
@_debug_opt
def list_cmd(debug) -> None:
    """List the shipped scenarios and sweeps, one a line: name, kind, data set, description."""
    from .shipped import scenarios

    for sc in _guarded(debug, scenarios):
        click.echo(sc.line())


@scenarios_cmd.command("copy")
@click.argument("name")
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="replace a file of the same name in FOLDER")
@_debug_opt
def copy_cmd(name, folder, force, debug) -> None:
    """Copy the shipped scenario NAME (as `cge scenarios list` names it) into FOLDER (default:
    the current folder; made if missing) as NAME.toml, to run or edit."""
    from .shipped import copy_scenario

    target = _guarded(debug, copy_scenario, name, folder, force=force)
    click.echo(f"wrote {target}; run it with: cge run {target}")


@click.command("init", short_help="Lay out a working folder: the shipped scenarios and a README.")
@click.argument("folder", type=click.Path(path_type=Path))
@_debug_opt
def init_cmd(folder, debug) -> None:
    """Make FOLDER (new, or empty) a working folder: every shipped scenario in FOLDER/scenarios/
    and a README.md on how to run one (cge run scenarios/us_autos_232.toml from FOLDER)."""
    from .shipped import init_folder

    files = _guarded(debug, init_folder, folder)
    click.echo(f"wrote {folder}/ ({len(files)} files); then: cd {folder} && "
               "cge run scenarios/us_autos_232.toml")
