"""Command-line interface: ``cge run``, ``cge compare``, ``cge sweep``, ``cge check``, ``cge data``.

Errors in user input print one line and exit with code 2; a solve that fails exits with 1;
Ctrl-C exits with 130 and leaves nothing behind; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import report
from .check import GateError, run_gate
from .closure import CLOSURES
from .data import DataError
from .economy import DEFAULT_DATA, Economy, resolve_data, run
from .scenario import ScenarioError, load_scenario, unique_names
from .solver import SolveError


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
        if isinstance(exc, DataError | ScenarioError | ValueError | KeyError | OSError | GateError):
            _fail(exc, self.debug, 2)  # OSError: an output folder that cannot be written
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
      cge run scenarios/us_autos_232.toml       # run a scenario, write ./us_autos_232/
      cge compare scenarios/*.toml --out cmp    # several scenarios side by side
      cge sweep grid.toml --out grid            # a grid of scenarios as one job (docs/sweeps.md)
      cge check                                 # calibration gate for CI
      cge data usjpn2024                        # describe a data set

    Outputs (tables, figures, metadata) are described in docs/outputs.md.
    """


_data_opt = click.option("--data", "data", default=None, metavar="NAME|DIR",
                         help=f"data set: a shipped name or a folder (default: {DEFAULT_DATA})")
_closure_opt = click.option("--closure", type=click.Choice(list(CLOSURES)), default=None,
                            help="macro closure (default: the scenario's, else 'default')")
_solver_opt = click.option("--solver", type=click.Choice(["newton", "ipopt"]), default="newton",
                           show_default=True, help="solver on the compiled core")
_debug_opt = click.option("--debug", is_flag=True, help="show tracebacks")


_force_opt = click.option("--force", is_flag=True,
                          help="replace the output folder if it holds an earlier cge output")


def _one_line(exc: BaseException) -> str:
    """The first two lines of an error message, joined: what failed and the solver's status."""
    return "; ".join(line.strip() for line in str(exc).splitlines()[:2] if line.strip())


@main.command("run", short_help="Run a tariff scenario; print and write its results.")
@click.argument("scenario", type=click.Path())
@_data_opt
@_closure_opt
@_solver_opt
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="output folder (default: ./NAME, NAME being the scenario's name)")
@_force_opt
@click.option("--no-write", is_flag=True, help="print the tables only; write no files")
@_debug_opt
def run_cmd(scenario, data, closure, solver, out, force, no_write, debug) -> None:
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
    """
    t0 = time.perf_counter()
    if no_write and (out is not None or force):
        raise click.UsageError("--no-write cannot be combined with --out or --force")
    with _Guard(debug):
        sc = load_scenario(scenario)
        target = None
        if not no_write:  # refuse an unusable folder before solving, not after
            target = report.check_target(out if out is not None else report.default_dir(sc.name),
                                         force)
        res = run(sc, data=data, closure=closure, solver=solver)
        click.echo(res.describe())
        if target is not None:
            path = report.write_outputs(res, target, overwrite=force,
                                        wall_seconds=time.perf_counter() - t0,
                                        command=_command("run", [scenario], data=data,
                                                         closure=closure, solver=solver, out=out))
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


def _flows(specs: tuple[str, ...], regions: tuple[str, ...]) -> list[tuple[str, str]]:
    if not specs:
        return [("JPN", "USA")] if {"JPN", "USA"} <= set(regions) else []
    out = []
    for spec in specs:
        e, sep, i = spec.partition(":")
        if not sep or e not in regions or i not in regions or e == i:
            raise click.BadParameter(f"{spec!r}: expected EXPORTER:IMPORTER with two different "
                                     f"regions of {', '.join(regions)}", param_hint="--flow")
        out.append((e, i))
    return out


@main.command("compare", short_help="Run several scenarios; print them side by side.")
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@_data_opt
@_closure_opt
@_solver_opt
@click.option("--flow", "flows", multiple=True, metavar="EXPORTER:IMPORTER",
              help="bilateral goods imports to report, repeatable (default: JPN:USA, the US "
                   "imports from Japan, when the data have both)")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="also write the comparison tables and figure to DIR")
@_force_opt
@_debug_opt
def compare_cmd(scenarios, data, closure, solver, flows, out, force, debug) -> None:
    """Run several SCENARIOS on one calibrated economy and print them side by side: EV by
    region (currency and % of base income), real GDP (% change) and bilateral goods imports
    (volume).

    The economy is built once per closure. A scenario that fails to solve is shown as failed,
    with the reason, and the others still run; the exit code is then 1. With --out, the
    comparison (tidy CSV, LaTeX, Markdown, a figure of EV by scenario, metadata.json) is
    written atomically to DIR.

    \b
    Examples:
      cge compare scenarios/us_autos_232.toml retaliation.toml
      cge compare scenarios/*.toml --out comparison --flow JPN:USA --flow USA:JPN
    """
    t0 = time.perf_counter()
    with _Guard(debug):
        scs = [load_scenario(p) for p in scenarios]
        target = report.check_target(out, force) if out is not None else None
        ds = resolve_data(data)
        pairs = _flows(flows, ds.regions)
        economies: dict[str, Economy] = {}
        plan = []
        for sc in scs:  # build each closure's economy once; check every scenario before solving
            cname = closure or sc.closure or "default"
            if cname not in economies:
                economies[cname] = Economy(ds, cname)
            sc.tariffs(ds, economies[cname].base_tariffs())
            plan.append((sc, economies[cname]))
        names = unique_names([sc.name for sc in scs])
        outcomes = []
        with click.progressbar(plan, label="solving", file=sys.stderr,
                               item_show_func=lambda p: p[0].name if p else None) as bar:
            for (sc, eco), name in zip(bar, names):
                oc = report.Outcome(name, path=sc.path, digest=sc.digest)
                try:
                    oc.results = run(sc, economy=eco, solver=solver)
                except SolveError as exc:
                    oc.error = _one_line(exc)
                outcomes.append(oc)
        wide = report.comparison_wide(report.comparison(outcomes, pairs), outcomes)
        click.echo(f"data {ds.name} ({ds.unit}); closure "
                   f"{', '.join(economies)}; solver {solver}\n")
        click.echo(report.to_text(report.publication(wide, na_rep="failed")))
        click.echo("")
        for oc in outcomes:
            click.echo(f"  {oc.name}: " + (f"ok, {oc.results.info.iterations} iterations, max "
                                          f"residual {oc.results.info.max_residual:.1e}"
                                          if oc.ok else f"FAILED: {oc.error}"))
        if target is not None:
            extra = {"command": _command("compare", list(scenarios), data=data, closure=closure,
                                         solver=solver, flow=list(flows), out=out),
                     "closures": list(economies),
                     "solver": solver, "flows": [list(p) for p in pairs],
                     "wall_seconds": time.perf_counter() - t0}
            path = report.write_comparison(outcomes, target, flows=pairs, overwrite=force,
                                           extra=extra)
            click.echo(f"\nwrote the comparison to {_show(path)}/")
    failed = sum(not oc.ok for oc in outcomes)
    if failed:
        click.echo(f"{failed} of {len(outcomes)} scenario(s) failed", err=True)
        sys.exit(1)


@main.command("sweep", short_help="Solve a grid of tariff scenarios as one job (resumable).")
@click.argument("sweep_file", metavar="SWEEP.toml", type=click.Path())
@_data_opt
@click.option("--closure", type=click.Choice(list(CLOSURES)), default=None,
              help="macro closure (default: the sweep file's, else 'default')")
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
def sweep_cmd(sweep_file, data, closure, solver, out, workers, scheduler, chunk_size, restart,
              no_progress, debug) -> None:
    """Solve every member of a sweep file, a grid of tariff scenarios, and gather the results
    (EV, real GDP, trade, output, prices by member) into one netCDF file.

    A sweep file names a base scenario (or a list of scenarios) and [[axis]] tables, each a
    tariff change with a list of values; the members are every combination (docs/sweeps.md).
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
    """
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
            res = sweep(spec, data=data, closure=closure, solver=solver, out=target,
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
    click.echo(f"sweep {a['title']}: {n} members on {a['data']} ({a['currency_unit']}); closure "
               f"{a['closure'].split(':')[0]}; solver {a['solver']}")
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
@click.option("--draws", type=int, default=1000, show_default=True, help="Monte Carlo draws")
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed")
@click.option("--subtotals", is_flag=True, help="contributions of the scenario's shock groups")
@click.option("--local", "local_", is_flag=True,
              help="d(regional EV)/d(tariff) for the shocked tariffs, per percentage point")
@_data_opt
@_closure_opt
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="also write the tables (CSV) and a figure to DIR (atomically)")
@_force_opt
@_debug_opt
def sensitivity_cmd(scenario, vary, shock_width, method, distribution, draws, seed, subtotals,
                    local_, data, closure, out, force, debug) -> None:
    """How sure is a SCENARIO's result, and which of its shocks did it?

    Systematic sensitivity analysis over elasticities and the shock size (mean, s.d. and an
    interval of every result; GTAP's Gaussian quadrature or Monte Carlo), subtotals by shock
    group (shocks sharing a `group` label in the scenario file; they add up to the total), and
    local sensitivities to each shocked tariff. See docs/sensitivity.md.

    \b
    Examples:
      cge sensitivity scenarios/us_autos_232.toml                        # SSA, sigma_d/m ±50%
      cge sensitivity scenarios/us_autos_232.toml --vary sigma_m=0.3 --shock-width 0.2
      cge sensitivity scenarios/us_autos_232.toml --method montecarlo --draws 2000 --seed 1
      cge sensitivity scenarios/jpn_retaliation_farm.toml --subtotals --local
    """
    import pandas as pd

    from . import sensitivity as sens

    widths = {}
    for item in vary:
        kind, sep, w = item.partition("=")
        try:
            widths[kind.strip()] = float(w)
        except ValueError:
            raise click.BadParameter(f"{item!r}: expected KIND=WIDTH, e.g. sigma_m=0.5",
                                     param_hint="--vary") from None
        if not sep:
            raise click.BadParameter(f"{item!r}: expected KIND=WIDTH", param_hint="--vary")
    if not (widths or shock_width or subtotals or local_):
        widths = {"sigma_d": 0.5, "sigma_m": 0.5}
    t0 = time.perf_counter()
    with _Guard(debug):
        sc = load_scenario(scenario)
        target = report.check_target(out, force) if out is not None else None
        eco = Economy(data, closure or sc.closure)
        eco.apply(sc)
        info = eco.solve()  # the scenario's solution: the point of subtotals and local results
        tables: dict[str, pd.DataFrame] = {}
        fig = None
        lines = [f"scenario  {sc.name} (data {eco.dataset.name}, {eco.dataset.unit}; closure "
                 f"{eco.closure.name})"]
        pd_opts = ("display.width", 200, "display.max_columns", 20,
                   "display.float_format", "{:,.4g}".format)
        if widths or shock_width:
            a = sens.ssa(eco, sc, widths, shock=shock_width, method=method,
                         distribution=distribution, draws=draws, seed=seed)
            tables |= {"ssa_summary": a.summary, "ssa_parameters": a.parameters,
                       "ssa_points": a.points}
            fig = a.figure
            n = len(a.points)
            lines += ["", f"SSA: {len(a.parameters)} parameters, {a.method}, {n} points"
                      + (f", {len(a.failed)} failed" if a.failed else "")
                      + (" (interval: mean ± 2 s.d.)" if method == "quadrature"
                         else " (interval: 2.5–97.5% quantiles)"),
                      f"regional EV ({eco.dataset.unit}):"]
            with pd.option_context(*pd_opts):
                lines.append(a.ev().to_string())
        if subtotals:
            st = sens.subtotals(eco, sens.scenario_groups(sc, eco))
            tables |= {"subtotals_ev": st.ev, "subtotals_variables": st.variables}
            lines += ["", f"subtotals of regional EV by shock group ({eco.dataset.unit}; they add "
                      "up to the total):"]
            with pd.option_context(*pd_opts):
                lines.append(st.ev.to_string())
        if local_:
            base, final = eco.base_tariffs(), sc.tariffs(eco.dataset, eco.base_tariffs())
            cells = [k for k in final if final[k] != base[k]]
            ls = sens.local_sensitivities(eco, cells)
            tables |= {"local_ev": ls.ev, "local_variables": ls.variables}
            lines += ["", f"d(regional EV)/d(tariff) at the scenario, {eco.dataset.unit} per "
                      "percentage point:"]
            with pd.option_context(*pd_opts):
                lines.append(ls.ev.to_string())
        click.echo("\n".join(lines))
        if target is not None:
            with report.atomic_dir(target, overwrite=force) as tmp:
                for name, table in tables.items():
                    table.to_csv(tmp / f"{name}.csv")
                if fig is not None:
                    fig(tmp / "ssa_ev.png")
                    fig(tmp / "ssa_ev.svg")
                opts = {"vary": list(vary), "shock-width": shock_width or None, "method": method,
                        "distribution": distribution, "draws": draws, "seed": seed, "data": data,
                        "closure": closure, "out": out}
                command = _command("sensitivity", [scenario], **opts) + [
                    flag for flag, on in (("--subtotals", subtotals), ("--local", local_)) if on]
                meta = report.solve_metadata(eco, sc, info, command=command,
                                             wall_seconds=time.perf_counter() - t0)
                meta["ssa"] = {"vary": widths, "shock_width": shock_width, "method": method,
                               "distribution": distribution, "draws": draws, "seed": seed}
                meta["tables"] = list(tables)
                report.write_metadata(tmp, meta)
            click.echo(f"\nwrote {len(tables)} tables to {_show(target)}/")


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
        for result in run_gate(datas):
            click.echo("\n".join(result.lines()))
            failed += result.failures
    if failed:
        click.echo(f"{failed} check(s) failed", err=True)
        sys.exit(1)
    click.echo("all checks passed")


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

