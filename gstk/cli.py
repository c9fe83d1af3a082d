"""The ``gstk`` command line: contacts, solve, verify, demo, stations, reproduce, study-trial.

``gstk demo`` runs the README's main job offline on the embedded data; the
other subcommands work on a scenario file (see the README, *Scenario files*);
``gstk study-trial`` writes one study trial as such a file.
Errors (bad scenario, missing file, invalid contacts or solution file, bad
option) print one line ``gstk: error: ...`` to stderr and exit with status 2;
``solve`` exits 1 when the solve ends without a solution and ``verify`` exits 1
when it finds violations.  Warnings print as one line ``gstk: warning: ...``.
A closed stdout (``gstk verify ... | head``) ends the command quietly with 141.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path
from typing import Sequence

from gstk.errors import GstkError, GstkWarning

#: Exit codes; 141 (128 + SIGPIPE, what a shell reports for a writer killed by a closed pipe) when the
#: reader of stdout went away (``gstk verify ... | head``), without an error line.
EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_PIPE_CLOSED = 0, 1, 2, 141
DEMO_SCENARIO = "example_scenario.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gstk`` command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already reported
        return int(exc.code or 0)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        with _one_line_warnings():
            status = args.run(args)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return status
    except BrokenPipeError:  # `gstk verify ... | head`: the reader has what it wanted
        return _stdout_closed()
    except (GstkError, OSError) as exc:
        print(f"gstk: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("gstk: interrupted", file=sys.stderr)
        return 130


@contextlib.contextmanager
def _one_line_warnings():
    """Print every warning, and every gstk log record of level WARNING, as one ``gstk: warning: ...`` line.

    gstk's own warnings are always shown (also under a filter that would raise them), without Python's
    ``file:line`` and source line.
    """
    def show(message, category, filename, lineno, file=None, line=None):
        label = "" if issubclass(category, GstkWarning) else f"{category.__name__}: "
        print(f"gstk: warning: {label}{one_line(message) if isinstance(message, Warning) else message}",
              file=sys.stderr)

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("gstk: warning: %(message)s"))
    logger = logging.getLogger("gstk")
    with warnings.catch_warnings():
        warnings.simplefilter("always", GstkWarning)
        warnings.showwarning = show
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)


def _stdout_closed() -> int:
    """Return the exit status of a command whose reader closed stdout; silence the final flush."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # stdout is no file (a test's capture): nothing to flush
        pass
    return EXIT_PIPE_CLOSED


def one_line(exc: BaseException) -> str:
    """Return an exception's message on one line (file errors name the file)."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    return " ".join(str(exc).split()) or type(exc).__name__


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``gstk`` and its subcommands."""
    parser = _Parser(
        prog="gstk", description="Ground-station selection for LEO satellites: contact windows, "
        "integer programs on SCIP, verified solutions.")
    parser.add_argument("--version", action="version", version=f"gstk {metadata.version('gstk')}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("contacts", help="compute the contact windows of a scenario and write them as CSV")
    p.add_argument("scenario", help="scenario file (.json, .yaml)")
    p.add_argument("--out", default="contacts.csv", help="CSV to write (default: contacts.csv)")
    _progress_flags(p)
    p.set_defaults(run=run_contacts)

    p = sub.add_parser("solve", help="solve a scenario and write the solution as JSON")
    p.add_argument("scenario", help="scenario file (.json, .yaml)")
    p.add_argument("--out", default="solution.json", help="JSON to write (default: solution.json)")
    p.add_argument("--contacts", help="contacts CSV from `gstk contacts` (default: compute them)")
    _solver_flags(p)
    _progress_flags(p)
    p.set_defaults(run=run_solve)

    p = sub.add_parser("verify", help="check a solution against every constraint; exit 1 on violations")
    p.add_argument("scenario", help="scenario file the solution was solved from")
    p.add_argument("solution", help="solution JSON from `gstk solve`")
    p.add_argument("--contacts", help="contacts CSV from `gstk contacts` (default: compute them)")
    _progress_flags(p)
    p.set_defaults(run=run_verify)

    p = sub.add_parser("demo", help="run the main job offline: demo constellation x bundled stations")
    p.add_argument("--days", type=_positive_float, default=None, help="simulation days (default: 7)")
    p.add_argument("--out", default="gstk-demo", help="output directory (default: gstk-demo)")
    p.add_argument("--no-map", action="store_true", help="skip the network map PNG")
    _solver_flags(p)
    _progress_flags(p)
    p.set_defaults(run=run_demo)

    p = sub.add_parser("stations", help="list the station catalog after filters")
    p.add_argument("--path", help="station CSV (default: the bundled catalog)")
    p.add_argument("--providers", nargs="+", help="keep these providers")
    p.add_argument("--status", nargs="+", default=["Operational"],
                   help="keep these statuses, or 'all' (default: Operational)")
    p.add_argument("--bands", nargs="+", help="keep stations supporting all these bands")
    p.set_defaults(run=run_stations)

    from gstk.study.reproduce import add_reproduce_arguments, run_reproduce_command

    p = sub.add_parser("reproduce", help="execute the study notebooks with papermill (--quick: <= 5 min)")
    add_reproduce_arguments(p)
    p.set_defaults(run=run_reproduce_command)

    p = sub.add_parser("study-trial", help="write trial (n, t) of a study seed as a scenario file for `gstk solve`")
    p.add_argument("--n", type=int, required=True, dest="n_satellites", metavar="N",
                   help="constellation size of the trial (>= 1)")
    p.add_argument("--trial", type=int, required=True, metavar="T", help="trial number (>= 0)")
    p.add_argument("--seed", type=int, required=True, metavar="S", help="base seed of the study (notebooks: 2025)")
    p.add_argument("--problem", required=True, metavar="{min_cost,max_data}", help="the problem variation")
    p.add_argument("--out", metavar="FILE",
                   help="scenario file to write, .json or .yaml (default: study-<problem>-n<N>-t<T>-seed<S>.json)")
    p.add_argument("--tle", dest="tle_path", metavar="FILE",
                   help="satellite catalog (default: the shared Celestrak snapshot, $GSTK_TLE_PATH)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="the settings of `gstk reproduce --quick`")
    mode.add_argument("--full", dest="quick", action="store_false",
                      help="the settings of the full `gstk reproduce` (default)")
    p.set_defaults(run=run_study_trial)
    return parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line ``gstk: error: ...`` (exit status 2)."""

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"gstk: error: {self.prog}: {' '.join(message.split())}; see {self.prog} --help\n")


def _finite_float(text: str, *, positive: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    if not (value > 0 if positive else value >= 0):
        raise argparse.ArgumentTypeError(f"expected a number {'>' if positive else '>='} 0, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    return _finite_float(text, positive=True)


def _nonnegative_float(text: str) -> float:
    return _finite_float(text, positive=False)


def _solver_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-limit", type=_positive_float, dest="time_limit_s", metavar="S",
                   help="solver time limit, seconds (overrides the scenario's solver.time_limit_s)")
    p.add_argument("--rel-gap", type=_nonnegative_float, dest="rel_gap", metavar="G",
                   help="relative MIP gap to stop at")
    p.add_argument("--threads", type=int, metavar="N", help="solver threads")


def _progress_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", dest="progress", action="store_true", default=None, help="show progress bars")
    g.add_argument("--no-progress", dest="progress", action="store_false", help="hide progress bars")


# --------------------------------------------------------------------------- commands
def run_contacts(args: argparse.Namespace) -> int:
    """``gstk contacts SCENARIO --out contacts.csv``."""
    from gstk.contacts.files import write_contacts_csv
    from gstk.scenario.files import load_scenario

    scenario = load_scenario(args.scenario)
    started = time.perf_counter()
    contacts = scenario.contacts(progress=args.progress)
    path = write_contacts_csv(contacts, args.out)
    print(f"{len(contacts)} contacts of {len(scenario.satellites())} satellites x {len(scenario.stations())} "
          f"stations, {_window_text(scenario)}, in {time.perf_counter() - started:.1f} s")
    print(f"wrote {path}")
    return EXIT_OK


def run_solve(args: argparse.Namespace) -> int:
    """``gstk solve SCENARIO --out solution.json [--contacts CSV] [--time-limit S]``."""
    from gstk.scenario.files import load_scenario

    scenario = load_scenario(args.scenario)
    contacts = _contacts(scenario, args)
    solution = scenario.solve(contacts, options=_solver_options(args, scenario))
    solution.to_json(_writable(args.out))
    print(solution_report(solution))
    print(f"wrote {args.out}")
    return EXIT_OK if solution.status.has_solution else EXIT_FAILED


def run_verify(args: argparse.Namespace) -> int:
    """``gstk verify SCENARIO solution.json [--contacts CSV]``: exit 1 listing violations."""
    from gstk.scenario.files import load_scenario
    from gstk.verification.report import format_violations

    scenario = load_scenario(args.scenario)
    solution = _read_solution(args.solution)
    if not solution.status.has_solution:
        print(f"{solution!r}: no solution to verify")
        return EXIT_FAILED
    violations = scenario.verify(solution, _contacts(scenario, args))
    print(format_violations(violations))
    return EXIT_FAILED if violations else EXIT_OK


def run_demo(args: argparse.Namespace) -> int:
    """``gstk demo [--days N] [--out DIR]``: the main job on embedded data, offline."""
    from gstk import datasets
    from gstk.contacts.files import write_contacts_csv
    from gstk.scenario.files import load_scenario

    started = time.perf_counter()
    scenario = load_scenario(datasets.data_dir() / DEMO_SCENARIO)
    if args.days is not None:
        scenario = scenario.with_changes(days=args.days)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scenario_path = scenario.save(out / "scenario.json")
    print(f"gstk demo: {len(scenario.satellites())} demo satellites x {len(scenario.stations())} operational "
          f"stations, {_window_text(scenario)}, Table 1 prices (seed {scenario.prices['random']['seed']}), "
          f"objective {scenario.objective.builder}")
    contacts = scenario.contacts(progress=args.progress)
    contacts_path = write_contacts_csv(contacts, out / "contacts.csv")
    solution = scenario.solve(contacts, options=_solver_options(args, scenario))
    solution_path = out / "solution.json"
    solution.to_json(solution_path)
    print(solution_report(solution))
    from gstk.verification.report import format_violations

    violations = scenario.verify(solution, contacts) if solution.status.has_solution else []
    print(format_violations(violations))
    written = [scenario_path, contacts_path, solution_path]
    if not args.no_map and solution.status.has_solution:
        written += _network_map(scenario, solution, out)
    print(f"outputs ({time.perf_counter() - started:.0f} s) in {out.resolve()}:")
    for path in written:
        print(f"  {path.name}")
    print(f"next: gstk verify {scenario_path} {solution_path} --contacts {contacts_path}")
    return EXIT_OK if solution.status.has_solution and not violations else EXIT_FAILED


def run_stations(args: argparse.Namespace) -> int:
    """``gstk stations [--providers ...] [--status ...] [--bands ...]``: print the catalog."""
    from gstk.catalog.stations import load_stations

    status = None if [s.lower() for s in args.status] == ["all"] else args.status
    table = load_stations(args.path, providers=args.providers, status=status, bands=args.bands)
    columns = ["station_id", "country", "lat_deg", "lon_deg", "status", "bands", "antennas"]
    with _wide_pandas():
        print(table[columns].to_string(index=False))
    counts = table.groupby("provider").size()
    print(f"{len(table)} stations: " + ", ".join(f"{p} {n}" for p, n in counts.items()))
    return EXIT_OK


def run_study_trial(args: argparse.Namespace) -> int:
    """``gstk study-trial --n N --trial T --seed S --problem P [--out FILE] [--tle FILE] [--quick]``."""
    from gstk.study.trial_files import reproduce_settings, trial_scenario

    if args.tle_path is not None and not Path(args.tle_path).is_file():
        raise GstkError(f"no such TLE file {args.tle_path!r}")
    mode = "quick" if args.quick else "full"
    scenario = trial_scenario(args.n_satellites, args.trial, seed=args.seed, problem=args.problem,
                              settings=reproduce_settings(args.quick), tle_path=args.tle_path)
    path = scenario.save(_writable(args.out or f"{scenario.name}.json"))
    print(f"wrote {path}: study trial (n={args.n_satellites}, t={args.trial}) of seed {args.seed}, "
          f"{args.problem}, {_window_text(scenario)} (`gstk reproduce` {mode} settings); "
          f"solve it with: gstk solve {path}")
    return EXIT_OK


# --------------------------------------------------------------------------- helpers
def _contacts(scenario, args: argparse.Namespace):
    from gstk.contacts.files import read_contacts_csv

    if args.contacts:  # checked against the scenario: window, satellite and station ids
        return read_contacts_csv(args.contacts, start=scenario.start, end=scenario.end,
                                 satellite_ids=scenario.satellites().satellite_id, stations=scenario.stations())
    return scenario.contacts(progress=args.progress)


def _solver_options(args: argparse.Namespace, scenario):
    """Return the scenario file's solver options with the command line's over them, validated once."""
    from gstk.solve.options import SolverOptions

    names = ("time_limit_s", "rel_gap", "threads")
    return SolverOptions.from_kwargs(scenario.solver_options(), **{n: getattr(args, n, None) for n in names})


def _read_solution(path: str):
    from gstk.solution.result import Solution

    if not Path(path).is_file():
        raise GstkError(f"no such solution file {path!r}")
    try:
        return Solution.from_json(Path(path))
    except (ValueError, KeyError, TypeError) as exc:  # SolutionFileError names the key
        raise GstkError(f"{path}: not a gstk solution JSON: {one_line(exc)}") from None


def _writable(path: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _window_text(scenario) -> str:
    return f"{scenario.days:g} days from {scenario.start:%Y-%m-%d %H:%M} UTC"


def solution_report(solution) -> str:
    """Return the solution's one-line repr, its stations table and its cost breakdown, as text."""
    import pandas as pd

    from gstk.units import BITS_PER_GB

    lines = [repr(solution)]
    if solution.message and not solution.status.has_solution:
        lines.append(solution.message)
    if not solution.status.has_solution:
        return "\n".join(lines)
    table = solution.stations
    if len(table):
        days = (solution.sim_end - solution.sim_start) / pd.Timedelta(days=1)
        shown = pd.DataFrame({"station": table["station_id"], "provider": table["provider"],
                              "contacts": table["n_contacts"], "minutes": table["contact_time_s"] / 60,
                              "data GB": table["volume_bit"] / BITS_PER_GB, "cost USD": table["cost_usd"]})
        lines.append(f"stations used (simulation window of {days:g} days):")
        with _wide_pandas():
            lines.append(shown.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    terms = ", ".join(f"{k} ${v:,.0f}" for k, v in solution.cost_breakdown.items())
    lines.append(f"mission cost over {solution.mission_days:g} days: {terms}")
    return "\n".join(lines)


def _network_map(scenario, solution, out: Path) -> list[Path]:
    try:
        from gstk.plots.network import network_map
        from gstk.plots.style import save_figure

        fig = network_map(scenario.stations(), solution.selected_stations, title=f"{scenario.name}: "
                          f"{len(solution.selected_stations)} stations selected")
        return save_figure(fig, "network_map", out, formats=("png",), dpi=120)
    except ImportError as exc:  # plotting stack missing: the numbers are still there
        print(f"gstk: note: no map ({one_line(exc)})", file=sys.stderr)
        return []


def _wide_pandas():
    """Return a pandas option context that prints tables without wrapping or eliding rows."""
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_columns", 20)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
