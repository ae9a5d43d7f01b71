"""``cge optimal``, ``cge nash`` and ``cge frontier``: strategic tariffs from a scenario's
policies (:mod:`cge.strategic`; registered in :mod:`cge.cli`). Building the commands imports
only click: each imports what it uses when it runs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .closure import CLOSURES
from .meta import DEFAULT_DATA


def _guarded(work, debug: bool):
    """Run ``work()``; expected errors become one line and an exit code (2: input, 1: solve)."""
    try:
        return work()
    except KeyboardInterrupt:
        click.echo("interrupted; nothing written", err=True)
        sys.exit(130)
    except Exception as exc:
        from .solver import SolveError

        if debug:
            raise
        if isinstance(exc, ValueError | KeyError | OSError):
            code = 2
        elif isinstance(exc, SolveError | RuntimeError):
            code = 1
        else:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(code)


def _bounds(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) / 100 for v in text.split(","))
    except ValueError:
        raise click.BadParameter(f"{text!r}: expected LOW,HIGH in percent, e.g. 0,500",
                                 param_hint="--bounds") from None
    return lo, hi


def _regions(text: str) -> list[str]:
    return [r.strip() for r in text.split(",") if r.strip()]


def _common(f):
    """Options every strategic command takes."""
    for opt in reversed([
        click.option("--data", default=None, metavar="NAME|DIR",
                     help=f"data set: a shipped name or a folder (default: the scenario's, "
                     f"else {DEFAULT_DATA})"),
        click.option("--closure", type=click.Choice(list(CLOSURES)), default=None,
                     help="macro closure (default: the scenario's, else 'default')"),
        click.option("--instrument", "kind", default="uniform", show_default=True,
                     metavar="uniform|sector|partner|cells:EXP/SEC,...",
                     help="the controls: one rate on all imports, one per sector, one per "
                     "partner, or named cells (* for all exporters or sectors)"),
        click.option("--objective", type=click.Choice(["regional", "household"]),
                     default="regional", show_default=True,
                     help="welfare maximised: regional EV (GTAP's regional household) or "
                     "household EV"),
        click.option("--bounds", default="0,500", show_default=True, metavar="LOW,HIGH",
                     help="bounds on every rate, percent"),
        click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
                     default=None, metavar="DIR", help="output folder (default: ./NAME)"),
        click.option("--force", is_flag=True,
                     help="replace the output folder if it holds an earlier cge output"),
        click.option("--debug", is_flag=True, help="show tracebacks")]):
        f = opt(f)
    return f


def _finish(study, out, force, default: str, argv: list[str]) -> None:
    from .report.folders import default_dir

    click.echo(study.describe())
    path = study.write(out if out is not None else default_dir(default), overwrite=force,
                       command=argv)
    n = sum(1 for p in path.rglob("*") if p.is_file())
    click.echo(f"\nwrote {n} files to {path}/")


def _check_out(out, force, default: str) -> None:
    from .report.folders import check_target, default_dir

    check_target(out if out is not None else default_dir(default), force)


@click.command("optimal", short_help="A region's optimal tariffs, others' policies fixed.")
@click.argument("scenario", type=click.Path())
@click.option("--region", required=True, help="the region choosing its tariffs")
@_common
def optimal_cmd(scenario, region, data, closure, kind, objective, bounds, out, force,
                debug) -> None:
    """The tariffs that maximise REGION's welfare, every other policy as in SCENARIO (a
    TOML file; an empty one is the base year). See docs/strategic.md.

    \b
    Examples:
      cge optimal scenarios/us_after_deals_2025.toml --region JPN
      cge optimal empty.toml --data usjpn2024 --region JPN --instrument sector
      cge optimal empty.toml --region USA --instrument cells:JPN/AUTO,CHN/* --objective household
    """
    def work():
        from .strategic.study import optimal_study

        name = f"optimal_{region}_{kind.partition(':')[0]}"
        _check_out(out, force, name)
        st = optimal_study(scenario, region, kind, data=data, closure=closure,
                           objective=objective, bounds=_bounds(bounds))
        _finish(st, out, force, name, ["cge", *sys.argv[1:]])

    _guarded(work, debug)


@click.command("nash", short_help="A Nash tariff war among regions (best responses).")
@click.argument("scenario", type=click.Path())
@click.option("--regions", required=True, metavar="A,B[,...]", help="the players")
@click.option("--against", type=click.Choice(["players", "all"]), default="players",
              show_default=True, help="tariffs on the other players' goods, or on every partner")
@_common
def nash_cmd(scenario, regions, against, data, closure, kind, objective, bounds, out, force,
             debug) -> None:
    """The Nash equilibrium in tariffs among REGIONS, each maximising its own welfare given
    the others' tariffs, every other policy as in SCENARIO; compared with free trade among the
    players and with the status quo. See docs/strategic.md.

    \b
    Examples:
      cge nash empty.toml --data usjpn2024 --regions USA,JPN
      cge nash scenarios/us_after_deals_2025.toml --regions USA,JPN --instrument sector
    """
    def work():
        from .strategic.study import nash_study

        players = _regions(regions)
        name = f"nash_{'_'.join(players)}_{kind.partition(':')[0]}"
        _check_out(out, force, name)
        st = nash_study(scenario, players, kind, data=data, closure=closure,
                        objective=objective, bounds=_bounds(bounds), against=against)
        _finish(st, out, force, name, ["cge", *sys.argv[1:]])

    _guarded(work, debug)


@click.command("frontier", short_help="The bargaining space of two regions.")
@click.argument("scenario", type=click.Path())
@click.option("--regions", required=True, metavar="A,B", help="the two players")
@click.option("--points", type=click.IntRange(min=2), default=50, show_default=True,
              help="frontier points (welfare weights)")
@click.option("--threat", type=click.Choice(["nash", "status_quo"]), default="nash",
              show_default=True, help="threat point of the bargaining solution")
@click.option("--place", multiple=True, type=click.Path(), metavar="SCENARIO.toml",
              help="a scenario to place on the figure (repeatable)")
@click.option("--against", type=click.Choice(["players", "all"]), default="players",
              show_default=True, help="tariffs on the other player's goods, or on every partner")
@_common
def frontier_cmd(scenario, regions, points, threat, place, against, data, closure, kind,
                 objective, bounds, out, force, debug) -> None:
    """The Pareto frontier of tariff agreements between the two REGIONS (weighted welfare
    over both players' controls), the threat point, the Nash bargaining solution, and the
    scenarios given with --place on one figure; other policies as in SCENARIO.

    \b
    Examples:
      cge frontier empty.toml --data usjpn2024 --regions USA,JPN --place scenarios/us_after_deals_2025.toml
    """
    def work():
        from .strategic.study import frontier_study

        players = _regions(regions)
        name = f"frontier_{'_'.join(players)}_{kind.partition(':')[0]}"
        _check_out(out, force, name)
        t0 = time.perf_counter()
        st = frontier_study(scenario, players, kind, data=data, closure=closure,
                            objective=objective, bounds=_bounds(bounds), against=against,
                            points=points, threat=threat, place=list(place))
        st.started = t0
        _finish(st, out, force, name, ["cge", *sys.argv[1:]])

    _guarded(work, debug)


#: The commands, for :mod:`cge.cli` to register.
COMMANDS = (optimal_cmd, nash_cmd, frontier_cmd)
