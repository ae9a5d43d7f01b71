"""Command-line interface: ``cge run``, ``cge compare``, ``cge sweep``, ``cge sensitivity``,
``cge check``, ``cge data``.

Each command parses its options, makes one library call and prints the result: the work is in
:func:`cge.economy.run`, :func:`cge.compare.compare_scenarios`, :func:`cge.sweeps.sweep`,
:func:`cge.sensitivity_study.study`, :func:`cge.check.run_gate` and :mod:`cge.data`; the
output folders are written by :mod:`cge.report`.

Errors in user input print one line and exit with code 2; a solve that fails exits with 1;
Ctrl-C exits with 130 and leaves nothing behind; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import gc
import signal
import sys
import time
from pathlib import Path

import click

from .cli_shipped import init_cmd, scenarios_cmd
from .closure import CLOSURES, REVENUE
from .meta import DEFAULT_DATA
from .version import __version__

# Building the parser (and --help) imports only click and the small modules above: each command
# imports the modules it uses when it runs (Pyomo, pandas, scipy, matplotlib, xarray, dask are
# never loaded for --help; tests/test_startup.py checks it).


def _is(exc: BaseException, module: str, name: str) -> bool:
    """Whether ``exc`` is a ``cge.<module>.<name>``: never, if that module was not imported
    (then nothing raised it), so checking does not import it."""
    mod = sys.modules.get(f"{__package__}.{module}")
    return mod is not None and isinstance(exc, getattr(mod, name))


#: True in a process started for one command (the ``cge`` console script, ``python -m cge``):
#: see :func:`_settle`.
_ONE_SHOT = False


def _settle() -> None:
    """In a process of its own, keep the objects alive now (imported libraries, a built model)
    out of the garbage collector's passes (``gc.freeze``): the process does one task and these
    objects live until it ends, yet every full collection, the last one at exit included,
    would walk them again (about 0.2 s of a ``cge run`` on the default data). Never when the
    commands are called in a longer-lived process (a test runner, a notebook): frozen
    objects are never freed."""
    if _ONE_SHOT:
        gc.freeze()


def _no_collector() -> None:
    """In a process of its own that runs one bounded task (one scenario: ``cge run``), no
    cyclic garbage collection at all: what such a run leaves in reference cycles is a few MB
    (peak RSS of ``cge run`` on world2024 with all outputs 227 MB with the collector, 232 MB
    without), while the collections cost ~0.3 s of its ~2 s CPU. Never in a longer-lived
    process, nor for commands whose work grows with their input (sweeps, studies)."""
    if _ONE_SHOT:
        gc.disable()


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
        # ValueError covers DataError, ScenarioError, ClosureError; OSError an output folder
        # that cannot be written
        if (isinstance(exc, ValueError | KeyError | OSError) or _is(exc, "check", "GateError")
                or _is(exc, "errors", "MissingExtra")):
            _fail(exc, self.debug, 2)
        if _is(exc, "solver", "SolveError") or _is(exc, "sensitivity", "IncompleteStudy"):
            _fail(exc, self.debug, 1)
        if isinstance(exc, KeyboardInterrupt):
            click.echo("interrupted; nothing written", err=True)
            sys.exit(130)
        return False


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="cge")
def main() -> None:
    """cge: what a tariff does — a calibrated multi-region Armington CGE model.

    \b
    Examples:
      cge run scenarios/us_autos_232.toml       # run a scenario, write ./us_autos_232/
      cge compare scenarios/*.toml --out cmp    # several scenarios side by side
      cge sweep grid.toml --out grid            # a grid of scenarios as one job (docs/sweeps.md)
      cge check                                 # calibration gate for CI
      cge init work && cd work                  # a working folder with the shipped scenarios
      cge data list                             # the shipped data sets
      cge data usjpn2024                        # describe a data set
      cge data build --regions R.csv --sectors S.csv --out DIR   # a data set from WIOD

    Outputs (tables, figures, metadata) are described in docs/outputs.md.
    """
    # SIGTERM (kill, a job scheduler) is cleaned up as Ctrl-C is: nothing half-written is left
    signal.signal(signal.SIGTERM, _interrupt)


_data_opt = click.option("--data", "data", default=None, metavar="NAME|DIR",
                         help=f"data set: a shipped name or a folder (default: the scenario's "
                         f"`data`, else {DEFAULT_DATA})")
_closure_opt = click.option("--closure", type=click.Choice(list(CLOSURES)), default=None,
                            help="macro closure (default: the scenario's, else 'default')")
_revenue_opt = click.option("--revenue", type=click.Choice(list(REVENUE)), default=None,
                            help="how revenue is used (default: the scenario's, else the "
                            "closure's: regional_household, GTAP's fixed shares of income for "
                            "C, G and saving; household/income_tax hold real government "
                            "consumption)")
_elas_opt = click.option("--elasticities", "elasticities", default=None, metavar="NAME",
                         help="elasticity set of the data's elasticities.csv, e.g. long_run or "
                              "short_run (default: the scenario's, else the data's default; "
                              "`cge data` lists the sets)")
_solver_opt = click.option("--solver", type=click.Choice(["newton", "ipopt"]), default="newton",
                           show_default=True, help="solver on the compiled core")
_debug_opt = click.option("--debug", is_flag=True, help="show tracebacks")


_force_opt = click.option("--force", is_flag=True,
                          help="replace the output folder if it holds an earlier cge output")


@main.command("run", short_help="Run a tariff scenario; print and write its results.")
@click.argument("scenario", type=click.Path())
@_data_opt
@_closure_opt
@_revenue_opt
@_elas_opt
@_solver_opt
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="output folder (default: ./NAME, NAME being the scenario's name)")
@_force_opt
@click.option("--no-write", is_flag=True, help="print the tables only; write no files")
@_debug_opt
def run_cmd(scenario, data, closure, revenue, elasticities, solver, out, force, no_write,
            debug) -> None:
    """Run one tariff SCENARIO (a TOML file): print welfare, macro and shocked trade flows, and
    write all outputs to a folder.

    The folder (default: the scenario's name in the current folder) receives tidy CSV tables
    (and Parquet when pyarrow is installed), LaTeX and Markdown tables, figures (PNG, SVG), a
    report.md and metadata.json. It is written atomically: a run that fails or is interrupted
    leaves nothing behind. An existing folder is never overwritten unless --force is given (and
    then only an earlier cge output). See docs/outputs.md.

    \b
    Examples:
      cge run scenarios/us_autos_232.toml                  # writes ./us_autos_232/
      cge run scenarios/us_autos_232.toml --out runs/232   # writes runs/232/
      cge run scenarios/us_autos_232.toml --force          # replace ./us_autos_232/
      cge run scenarios/us_autos_232.toml --no-write       # print only
      cge run my.toml --data wiod2011 --closure fixed_exchange_rate --solver ipopt
      cge run scenarios/us_baseline_10.toml --closure short_run --revenue household
      cge run scenarios/us_autos_232.toml --elasticities short_run
    """
    t0 = time.perf_counter()
    if no_write and (out is not None or force):
        raise click.UsageError("--no-write cannot be combined with --out or --force")
    with _Guard(debug):
        _no_collector()
        from . import report
        from .economy import run
        from .scenario import load_scenario

        _settle()
        sc = load_scenario(scenario)
        target = None
        if not no_write:  # refuse an unusable folder before solving, not after
            target = report.check_target(out if out is not None else report.default_dir(sc.name),
                                         force)
        res = run(sc, data=data, closure=closure, solver=solver, revenue=revenue,
                  elasticities=elasticities)
        _settle()
        click.echo(res.describe())
        if target is not None:
            from .report.plots import load_matplotlib

            load_matplotlib()
            _settle()
            path = report.write_outputs(res, target, overwrite=force,
                                        wall_seconds=time.perf_counter() - t0,
                                        command=_command("run", [scenario], data=data,
                                                         closure=closure, revenue=revenue,
                                                         elasticities=elasticities,
                                                         solver=solver, out=out))
            n = sum(1 for p in path.rglob("*") if p.is_file())
            click.echo(f"\nwrote {n} files to {_show(path)}{'/'} (see report.md; metadata.json "
                       "has the data and scenario digests)")


def _command(name: str, args: list[str], **opts) -> list[str]:
    """The command line that reproduces a run (for metadata.json)."""
    cmd = ["cge", name, *map(str, args)]
    for key, val in opts.items():
        for v in val if isinstance(val, list) else [val]:
            if v is not None:
                cmd += [f"--{key}", str(v)]
    return cmd


def _show(path: Path) -> str:
    """A path relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@main.command("compare", short_help="Run several scenarios; print them side by side.")
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@_data_opt
@_closure_opt
@_revenue_opt
@_elas_opt
@_solver_opt
@click.option("--flow", "flows", multiple=True, metavar="EXPORTER:IMPORTER",
              help="bilateral goods imports to report, repeatable (default: the headline_flows "
                   "of the data set's meta.toml)")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="also write the comparison tables and figure to DIR")
@_force_opt
@_debug_opt
def compare_cmd(scenarios, data, closure, revenue, elasticities, solver, flows, out, force,
                debug) -> None:
    """Run several SCENARIOS on one calibrated economy and print them side by side: EV by
    region (currency and % of base income), real GDP (% change) and bilateral goods imports
    (volume).

    The economy is built once per closure (each scenario's, with its revenue rule and swaps;
    --closure and --revenue override them for all). A scenario that fails to solve is shown as failed,
    with the reason, and the others still run; the exit code is then 1. With --out, the
    comparison (tidy CSV, LaTeX, Markdown, a figure of EV by scenario, metadata.json) is
    written atomically to DIR.

    \b
    Examples:
      cge compare scenarios/us_autos_232.toml retaliation.toml
      cge compare scenarios/*.toml --out comparison --flow JPN:USA --flow USA:JPN
      cge compare scenarios/us_baseline_10.toml scenarios/us_autos_232.toml --revenue household
    """
    t0 = time.perf_counter()
    with _Guard(debug):
        from . import report
        from .compare import FlowError, compare_scenarios
        from .scenario import load_scenario

        _settle()
        scs = [load_scenario(p) for p in scenarios]
        target = report.check_target(out, force) if out is not None else None
        try:
            cmp = compare_scenarios(scs, data=data, closure=closure, solver=solver, flows=flows,
                                    progress=_progress, elasticities=elasticities,
                                    revenue=revenue)
        except FlowError as exc:
            raise click.BadParameter(str(exc), param_hint="--flow") from None
        click.echo(cmp.describe())
        if target is not None:
            extra = cmp.metadata(command=_command("compare", list(scenarios), data=data,
                                                  closure=closure, revenue=revenue,
                                                  elasticities=elasticities,
                                                  solver=solver, flow=list(flows), out=out),
                                 wall_seconds=time.perf_counter() - t0)
            path = report.write_comparison(cmp.outcomes, target, flows=cmp.flows, overwrite=force,
                                           extra=extra)
            click.echo(f"\nwrote the comparison to {_show(path)}/")
    if cmp.failed:
        click.echo(f"{cmp.failed} of {len(cmp.outcomes)} scenario(s) failed", err=True)
        sys.exit(1)


def _progress(scenarios):
    """A progress bar on stderr over the scenarios being solved, showing the current one."""
    return click.progressbar(scenarios, label="solving", file=sys.stderr,
                             item_show_func=lambda sc: sc.name if sc else None)


@main.command("sweep", short_help="Solve a grid of tariff scenarios as one job (resumable).")
@click.argument("sweep_file", metavar="SWEEP.toml", type=click.Path())
@_data_opt
@click.option("--closure", type=click.Choice(list(CLOSURES)), default=None,
              help="macro closure (default: the sweep file's, else the scenarios', else "
                   "'default')")
@_revenue_opt
@_elas_opt
@_solver_opt
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="output folder (default: ./NAME, NAME being the sweep's name); "
                                  "rerunning with the same folder resumes")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="local worker processes (default: the number of CPUs; 1 = serial)")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="run on a dask.distributed cluster: its scheduler's address, e.g. "
                   "tcp://10.0.0.5:8786 (docs/sweeps.md)")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, metavar="K",
              help="members per chunk, the unit of work and of saving (default: 8 to 32)")
@click.option("--restart", is_flag=True, help="discard the results DIR holds and start over")
@click.option("--no-progress", is_flag=True, help="no progress bar")
@_debug_opt
def sweep_cmd(sweep_file, data, closure, revenue, elasticities, solver, out, workers, scheduler,
              chunk_size, restart, no_progress, debug) -> None:
    """Solve every member of a sweep file, a grid of tariff scenarios, and gather the results
    (EV, real GDP, trade, output, prices by member) into one netCDF file.

    A sweep file names a base scenario (or a list of scenarios) and [[axis]] tables, each a
    tariff change with a list of values; the members are every combination (docs/sweeps.md).
    Every member keeps its scenario's instrument shocks, closure, revenue rule and swaps, which
    must be the same for all members (--closure and --revenue override them for all).
    Members are solved in chunks on local processes (--workers) or on a dask cluster
    (--scheduler). Each finished chunk is saved in the output folder at once, so an interrupted
    sweep resumes where it stopped when the same command is run again; a folder holding a
    different sweep (other members, data, closure or solver) is refused. The folder receives
    sweep.nc (xarray/netCDF), members.csv (status of each member) and, with pyarrow installed,
    sweep.parquet. A member that fails to solve is recorded with the reason and the exit code
    is then 1.

    \b
    Examples:
      cge sweep grid.toml                         # all CPUs, writes ./NAME/
      cge sweep grid.toml --out runs/grid -j 2    # two processes; rerun to resume
      cge sweep grid.toml --scheduler tcp://10.0.0.5:8786
      cge sweep grid.toml --closure fixed_exchange_rate --data wiod2011 --restart
      cge sweep grid.toml --revenue household     # tariff revenue rebated to households
    """
    from . import report
    from .sweeps import load_sweep, sweep

    if scheduler is not None and workers is not None:
        raise click.UsageError("--workers and --scheduler cannot be combined (the cluster's "
                               "workers do the work)")
    t0 = time.perf_counter()
    with _Guard(debug):
        spec = load_sweep(sweep_file)
        target = Path(out) if out is not None else report.default_dir(spec.name)
        saved = {"n": 0}
        try:
            res = sweep(spec, data=data, closure=closure, elasticities=elasticities,
                        revenue=revenue, solver=solver, out=target,
                        executor=scheduler, workers=workers, chunk_size=chunk_size,
                        progress=not no_progress, restart=restart,
                        on_chunk=lambda done, total: saved.update(n=done))
        except KeyboardInterrupt:
            click.echo(f"interrupted; {saved['n']} member(s) saved in {_show(target.resolve())}/: "
                       "run the same command again to resume", err=True)
            sys.exit(130)
    seconds = time.perf_counter() - t0
    a = res.attrs
    n, failed = int(a["members"]), int(a["members_failed"])
    now, solve_s = int(a["solved_now"]), float(a["solve_seconds"])
    rate = f"{now / max(solve_s, 1e-9):.1f} members/s"
    rule = f" (revenue {a['revenue']})" if a["revenue"] != "regional_household" else ""
    click.echo(f"sweep {a['title']}: {n} members on {a['data']} ({a['currency_unit']}); closure "
               f"{a['closure'].split(':')[0]}{rule}; elasticities {a['elasticities']}; solver "
               f"{a['solver']}")
    if a.get("damaged_chunks"):
        names = a["damaged_chunks"].split(" ")
        click.echo(f"moved {len(names)} damaged chunk file(s) aside ({', '.join(names)}): their "
                   "members were solved again", err=True)
    if now:
        click.echo(f"solved {now} now" + (f" ({a['solved_before']} saved before)"
                                           if a["solved_before"] else "")
                   + f" on {a['engine']} in {solve_s:.1f} s: {rate}")
    else:
        click.echo(f"nothing left to solve: all {n} members were saved before")
    click.echo(f"{n - failed} converged, {failed} failed; {seconds:.1f} s in all")
    if failed:
        bad = res.member.values[res.status.values == "failed"]
        for m in bad[:5]:
            msg = str(res.message.sel(member=m).values)
            click.echo(f"  FAILED {m}: {msg}")
        if len(bad) > 5:
            click.echo(f"  ... and {len(bad) - 5} more (members.csv lists them all)")
    files = ", ".join(_show(Path(p)) for p in a.get("written", "").split())
    click.echo(f"wrote {files}")
    if failed:
        sys.exit(1)


@main.command("sensitivity", short_help="How sure, and which shock: SSA, subtotals, local sensitivities.")
@click.argument("scenario", type=click.Path())
@click.option("--vary", multiple=True, metavar="KIND=WIDTH",
              help="vary each sector's elasticity KIND (sigma_va, sigma_d, sigma_m, psi) over "
              "±WIDTH of its value, e.g. sigma_m=0.5; repeatable (default: sigma_d=0.5 and "
              "sigma_m=0.5, unless --shock-width, --subtotals or --local is given)")
@click.option("--shock-width", type=float, default=0.0, show_default=True,
              help="also vary the size of the scenario's tariff changes over ±this share")
@click.option("--method", type=click.Choice(["quadrature", "montecarlo"]), default="quadrature",
              show_default=True, help="Stroud order-3 quadrature (2N points) or Monte Carlo")
@click.option("--distribution", type=click.Choice(["uniform", "triangular", "normal"]),
              default="uniform", show_default=True, help="Monte Carlo distribution")
@click.option("--draws", type=click.IntRange(min=2), default=1000, show_default=True,
              help="Monte Carlo draws (at least 2)")
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed")
@click.option("--subtotals", is_flag=True, help="contributions of the scenario's shock groups")
@click.option("--local", "local_", is_flag=True,
              help="d(regional EV)/d(tariff) for the shocked tariffs, per percentage point")
@_data_opt
@_closure_opt
@_revenue_opt
@_elas_opt
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="also write the tables (CSV) and a figure to DIR (atomically)")
@_force_opt
@_debug_opt
def sensitivity_cmd(scenario, vary, shock_width, method, distribution, draws, seed, subtotals,
                    local_, data, closure, revenue, elasticities, out, force, debug) -> None:
    """How sure is a SCENARIO's result, and which of its shocks did it?

    Systematic sensitivity analysis over elasticities and the shock size (mean, s.d. and an
    interval of every result; GTAP's Gaussian quadrature or Monte Carlo), subtotals by shock
    group (shocks sharing a `group` label in the scenario file; they add up to the total), and
    local sensitivities to each shocked tariff. Every point is solved under the scenario's
    closure (revenue rule, swaps; --closure and --revenue override them) with its instrument
    shocks. See docs/sensitivity.md.

    \b
    Examples:
      cge sensitivity scenarios/us_autos_232.toml                        # SSA, sigma_d/m ±50%
      cge sensitivity scenarios/us_autos_232.toml --vary sigma_m=0.3 --shock-width 0.2
      cge sensitivity scenarios/us_autos_232.toml --method montecarlo --draws 2000 --seed 1
      cge sensitivity scenarios/jpn_retaliation_farm.toml --subtotals --local
    """
    from .sensitivity_study import VaryError, parse_widths, study

    try:
        widths = parse_widths(vary)
    except VaryError as exc:
        raise click.BadParameter(str(exc), param_hint="--vary") from None
    t0 = time.perf_counter()
    with _Guard(debug):
        from . import report
        from .scenario import load_scenario

        _settle()
        sc = load_scenario(scenario)
        target = report.check_target(out, force) if out is not None else None
        res = study(sc, widths=widths, shock_width=shock_width, method=method,
                    distribution=distribution, draws=draws, seed=seed, subtotals=subtotals,
                    local=local_, data=data, closure=closure, elasticities=elasticities,
                    revenue=revenue)
        click.echo(res.describe())
        if target is not None:
            opts = {"vary": list(vary), "shock-width": shock_width or None, "method": method,
                    "distribution": distribution, "draws": draws, "seed": seed, "data": data,
                    "closure": closure, "revenue": revenue, "elasticities": elasticities,
                    "out": out}
            command = _command("sensitivity", [scenario], **opts) + [
                flag for flag, on in (("--subtotals", subtotals), ("--local", local_)) if on]
            res.write(target, overwrite=force, command=command, started=t0)
            click.echo(f"\nwrote {len(res.tables)} tables to {_show(target)}/")


@main.command("check")
@click.option("--data", "datas", multiple=True, metavar="NAME|DIR",
              help="data set(s) to check (default: every shipped data set)")
@_debug_opt
def check_cmd(datas, debug) -> None:
    """Check calibration: data balance and consistency, benchmark replication under every
    closure (max residual <= 1e-10), return to the benchmark from a perturbed start, and a
    determinate equilibrium (Jacobian condition number < 1e12).

    Exits with 1 if any check fails (for users' CI).
    """
    failed = 0
    with _Guard(debug):
        from .check import run_gate

        for result in run_gate(datas):
            click.echo("\n".join(result.lines()))
            failed += result.failures
    if failed:
        click.echo(f"{failed} check(s) failed", err=True)
        sys.exit(1)
    click.echo("all checks passed")


@main.command("data")
@click.argument("name", required=False, default=DEFAULT_DATA)
@click.option("--regions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="with `build`: CSV code,name mapping the 41 WIOD regions to model regions")
@click.option("--sectors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="with `build`: CSV code,name mapping the 35 WIOD industries to model sectors")
@click.option("--year", type=int, default=2011, show_default=True, help="with `build`: WIOD year")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="with `build`: folder to write the data set to")
@click.option("--tariffs", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="with `build`: optional tariff table overriding calibration/inputs/tariffs.csv")
@click.option("--split", "splits", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="with `build`: a sector-split share file (repeatable; calibration/inputs/splits/)")
@click.option("--targets", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="with `build`: move the world to these targets (calibration/inputs/targets2024.csv)")
@click.option("--target-sectors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="with `build --targets`: target sector -> model sectors (default: "
              "calibration/inputs/maps/target_sectors_18.csv)")
@click.option("--collection", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="with `build`: scale applied tariffs to collected ones "
              "(calibration/inputs/tariff_collection.csv)")
@click.option("--name", "ds_name", default=None, help="with `build`: the data set's name")
@_debug_opt
def data_cmd(name, regions, sectors, year, out, tariffs, splits, targets, target_sectors, collection,
             ds_name, debug) -> None:
    """Describe data set NAME (a shipped name or a folder), list the shipped ones (`cge data
    list`: regions x sectors, year, unit, one a line), or build one from WIOD:

      cge data build --regions R.csv --sectors S.csv --year 2011 --out DIR

    (the aggregation tool, calibration/aggregate.py; docs/data.md, "Building a data set from WIOD").
    The shipped world2024 is

      cge data build --regions calibration/inputs/maps/regions_11.csv
        --sectors calibration/inputs/maps/sectors_18.csv
        --split calibration/inputs/splits/c12_metals.csv
        --split calibration/inputs/splits/c15_transport.csv
        --tariffs calibration/inputs/tariffs2024_by_pair.csv
        --targets calibration/inputs/targets2024.csv
        --collection calibration/inputs/tariff_collection.csv --name world2024 --out DIR
    """
    if name == "build":
        with _Guard(debug):
            if regions is None or sectors is None or out is None:
                raise click.UsageError("cge data build needs --regions, --sectors and --out")
            from calibration.aggregate import build, write

            res = build(regions, sectors, year, name=ds_name, tariffs_path=tariffs, splits=list(splits),
                        targets_path=targets, target_sectors_path=target_sectors,
                        collection_path=collection)
            write(res, out)
        click.echo(f"wrote {_show(out)}/ ({len(res.adjustments)} value-added adjustments, "
                   f"{len(res.negative_trade)} negative flows cleared, {len(res.tariff_fallbacks)} "
                   "tariff rates by fallback; see build_report.md)")
        return
    if name == "list":
        with _Guard(debug):
            from .shipped import datasets

            click.echo("\n".join(d.line() for d in datasets()))
        return
    with _Guard(debug):
        from .economy import resolve_data

        ds = resolve_data(name)
    click.echo(ds.describe())


main.add_command(scenarios_cmd)
main.add_command(init_cmd)
from .build.cli import import_gtap_cmd, import_sam_cmd  # noqa: E402  (the data on-ramps)

main.add_command(import_gtap_cmd)
main.add_command(import_sam_cmd)
from .cli_strategic import COMMANDS as _STRATEGIC  # noqa: E402  (optimal, nash, frontier)

for _c in _STRATEGIC:
    main.add_command(_c)


#: the environment variables that set BLAS's thread count (OpenBLAS's, and the OpenMP one it
#: and MKL also read): if the user set one, :func:`one_blas_thread_env` leaves BLAS alone
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread_env(environ) -> bool:
    """Set ``OPENBLAS_NUM_THREADS=1`` in ``environ`` (``os.environ`` for the console script,
    before numpy is imported) unless the user set a BLAS thread count; True if it was set.

    cge's work never gains from BLAS threads: below 2,000 unknowns its vectors and
    triangular solves are too small for them, and from there its solves and decompositions
    already run BLAS on one thread (:func:`cge.solver.one_blas_thread`); sweeps run in
    parallel by processes, which inherit the setting. OpenBLAS starts its threads when numpy
    and scipy load it and they spin after each call: on usjpn2024, a ``cge run`` with every
    output took 1.85–2.15 s of CPU with them and 1.54–1.78 s without (one run of each, six
    times, one after the other)."""
    if any(environ.get(v) for v in BLAS_THREAD_VARIABLES):
        return False
    environ["OPENBLAS_NUM_THREADS"] = "1"
    return True


def console() -> None:
    """The ``cge`` console script (pyproject.toml) and ``python -m cge``: :func:`main` in a
    process of its own (BLAS on one thread unless the user says otherwise:
    :func:`one_blas_thread_env`). SIGUSR1 prints every thread's stack to stderr and the run
    goes on (:mod:`faulthandler`): where a run that seems stuck is."""
    global _ONE_SHOT
    _ONE_SHOT = True
    if hasattr(signal, "SIGUSR1"):  # a run that seems stuck shows where: kill -USR1 <pid>
        import faulthandler

        faulthandler.register(signal.SIGUSR1, all_threads=True)
    if "numpy" not in sys.modules:  # (the setting is read when numpy loads OpenBLAS)
        import os

        one_blas_thread_env(os.environ)
    main()


if __name__ == "__main__":  # pragma: no cover
    console()

