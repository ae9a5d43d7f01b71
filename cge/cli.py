"""Command-line interface: ``cge run``, ``cge check``, ``cge data``.

Errors in user input print one line and exit with code 2; a solve that fails exits with 1;
``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys

import click
import numpy as np

from .closure import CLOSURES
from .data import DataError
from .economy import DATA_DIR, DEFAULT_DATA, Economy, resolve_data, run
from .scenario import ScenarioError
from .solver import SolveError, solve


def _fail(exc: Exception, debug: bool, code: int) -> None:
    if debug:
        raise exc
    click.echo(f"error: {exc}", err=True)
    sys.exit(code)


class _Guard:
    """Turn expected errors into one clear line and an exit code."""

    def __init__(self, debug: bool):
        self.debug = debug

    def __enter__(self):
        return self

    def __exit__(self, typ, exc, tb):
        if exc is None:
            return False
        if isinstance(exc, DataError | ScenarioError | ValueError | KeyError):
            _fail(exc, self.debug, 2)
        if isinstance(exc, SolveError):
            _fail(exc, self.debug, 1)
        if isinstance(exc, KeyboardInterrupt):
            click.echo("interrupted; nothing written", err=True)
            sys.exit(130)
        return False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cge")
def main() -> None:
    """cge: what a tariff does — a calibrated multi-region Armington CGE model.

    \b
    Examples:
      cge run scenarios/us_autos_232.toml       # a tariff scenario on the default data
      cge check                                 # calibration gate for CI
      cge data usjpn2024                        # describe a data set
    """


_data_opt = click.option("--data", "data", default=None, metavar="NAME|DIR",
                         help=f"data set: a shipped name or a folder (default: {DEFAULT_DATA})")
_closure_opt = click.option("--closure", type=click.Choice(list(CLOSURES)), default=None,
                            help="macro closure (default: the scenario's, else 'default')")
_solver_opt = click.option("--solver", type=click.Choice(["newton", "ipopt"]), default="newton",
                           show_default=True, help="solver on the compiled core")
_debug_opt = click.option("--debug", is_flag=True, help="show tracebacks")


@main.command("run")
@click.argument("scenario", type=click.Path(dir_okay=False))
@_data_opt
@_closure_opt
@_solver_opt
@_debug_opt
def run_cmd(scenario, data, closure, solver, debug) -> None:
    """Run one tariff SCENARIO (a TOML file) and print welfare, trade and price changes."""
    with _Guard(debug):
        res = run(scenario, data=data, closure=closure, solver=solver)
        click.echo(res.describe())


@main.command("check")
@click.option("--data", "datas", multiple=True, metavar="NAME|DIR",
              help="data set(s) to check (default: every shipped data set)")
@_debug_opt
def check_cmd(datas, debug) -> None:
    """Check calibration: data balance and consistency, benchmark replication under every
    closure (max residual <= 1e-10), and return to the benchmark from a perturbed start.

    Exits with 1 if any check fails (for users' CI).
    """
    names = list(datas) or sorted(p.name for p in DATA_DIR.iterdir() if (p / "meta.toml").is_file())
    failed = 0
    for name in names:
        with _Guard(debug):
            ds = resolve_data(name)
        click.echo(f"{name}: data valid ({len(ds.regions)} regions, {len(ds.sectors)} sectors, "
                   f"{ds.unit}); SAMs balance; trade consistent")
        for cname in CLOSURES:
            if cname == "sector_specific_capital" and "CAP" not in ds.factors:
                continue
            eco = Economy(ds, cname)
            rep = eco.replication()
            ok = rep["max_residual"] <= 1e-10 and rep["max_walras"] <= 1e-10
            rng = np.random.default_rng(0)
            x0 = eco.x_base * (1 + 0.05 * rng.uniform(-1, 1, eco.core.n))
            try:
                solve(eco.core, x0=x0)
                back = float(np.max(np.abs(eco.core.x_from_model() - eco.x_base)))
            except SolveError:
                back = float("inf")
            ok = ok and back <= 1e-8
            failed += not ok
            click.echo(f"  {'ok  ' if ok else 'FAIL'} {cname:24s} benchmark residual "
                       f"{rep['max_residual']:.1e}, Walras {rep['max_walras']:.1e}, return from "
                       f"perturbed start {back:.1e}")
    if not datas:
        failed += _pipeline_checks()
    if failed:
        click.echo(f"{failed} check(s) failed", err=True)
        sys.exit(1)
    click.echo("all checks passed")


def _pipeline_checks() -> int:
    """In a repository checkout: the shipped data's 2024 targets and a rebuild from calibration/."""
    root = DATA_DIR.parent
    if not (root / "calibration" / "checks.py").is_file():
        return 0
    sys.path.insert(0, str(root))
    from calibration.checks import check_rebuild, check_targets_2024, read_dataset

    results = check_targets_2024(read_dataset(DATA_DIR / "usjpn2024")) + check_rebuild(DATA_DIR)
    bad = [r for r in results if not r.passed]
    click.echo(f"calibration pipeline: {len(results) - len(bad)}/{len(results)} checks passed "
               "(2024 targets within 0.1%, rebuild reproduces the committed files)")
    for r in bad:
        click.echo(f"  FAIL {r.name}: {r.detail}")
    return len(bad)


@main.command("data")
@click.argument("name", required=False, default=DEFAULT_DATA)
@_debug_opt
def data_cmd(name, debug) -> None:
    """Describe data set NAME (a shipped name or a folder)."""
    import pandas as pd

    with _Guard(debug):
        ds = resolve_data(name)
    click.echo(f"{ds.name}: {len(ds.regions)} regions ({', '.join(ds.regions)}), "
               f"{len(ds.sectors)} sectors, factors {', '.join(ds.factors)}; unit {ds.unit}; "
               f"reference region {ds.reference_region}")
    if ds.description:
        click.echo(ds.description.strip())
    with pd.option_context("display.width", 200, "display.float_format", "{:,.1f}".format):
        click.echo(ds.summary().to_string())


if __name__ == "__main__":  # pragma: no cover
    main()

