"""``gstk reproduce``: execute the study notebooks with papermill into one output directory.

Every paper figure or analysis has one notebook in ``notebooks/``;
:data:`MANIFEST` lists each with its *quick* parameters (a smoke run, at most
about 5 minutes on 2 cores) and its *full* parameters (the paper's trial
counts).  :func:`reproduce` runs them one after the other (the objective
comparison itself runs its trials in a process pool of ``jobs`` workers,
one SCIP thread each, or on the Dask cluster ``scheduler``) and writes::

    OUT/notebooks/<name>.ipynb    executed copies (partial, with the traceback, if one failed)
    OUT/figures/<name>_*.png|pdf  figures
    OUT/results/*.csv             tidy result tables; results/trials/ holds one file per finished
                                  trial and problem, results/contacts/ the cached contacts
    OUT/reproduce.json            what ran: command, parameters, versions, dates, wall times, status

A failed notebook does not stop the others; its partially executed copy stays
and the run reports it.  The run record never claims more than the files show:
it is rewritten atomically as each notebook changes state (running, ok,
failed, interrupted), so Ctrl-C leaves "interrupted" and a killed run leaves
"running".  Rerunning with the same ``OUT`` resumes: finished trials are read
from ``results/trials`` instead of being recomputed.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

from gstk.errors import GstkError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotebookRun:
    """One manifest entry: a notebook, its quick and full parameters and what it must produce.

    ``figures`` are file stems written to ``figures_dir`` (each as PNG and PDF),
    ``tables`` file stems written to ``results_dir`` (CSV).  Companion notebooks
    (``study=False``) are not part of the paper's study; they run with their own
    defaults so that their figures are reproduced too.
    """

    name: str
    quick: dict[str, Any] = field(default_factory=dict)
    full: dict[str, Any] = field(default_factory=dict)
    figures: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    study: bool = True

    def parameters(self, quick: bool) -> dict[str, Any]:
        """Return the quick or the full parameters."""
        return dict(self.quick if quick else self.full)


_FULL_SOLVER = {"time_limit_s": 20.0}
#: The study notebooks and the companion notebooks, in execution order.
MANIFEST: tuple[NotebookRun, ...] = (
    NotebookRun(
        "figures",
        quick={"sim_days": 2.0, "time_limit_s": 10.0},
        full={"sim_days": 7.0, "n_satellites": 2, **_FULL_SOLVER},
        figures=("figures_fig1_station_map", "figures_selected_network", "figures_contact_gantt",
                 "figures_ground_tracks"),
    ),
    NotebookRun(
        "surrogate_window",
        quick={"n_satellites": 10, "window_days": [1, 2, 3, 5, 7, 10, 14, 20, 30], "oos_satellites": 1,
               "horizon_days": 21.0, "time_limit_s": 10.0},
        full={"n_satellites": 100, "window_days": [1, 2, 3, 4, 5, 7, 10, 14, 20, 25, 30, 40, 50, 60],
              "oos_satellites": 2, "horizon_days": 60.0, **_FULL_SOLVER},
        figures=("surrogate_window_fig4_statistics", "surrogate_window_out_of_sample"),
        tables=("surrogate_window_statistics", "surrogate_window_summary", "surrogate_window_out_of_sample"),
    ),
    NotebookRun(
        "objective_comparison",
        quick={"trials": 2, "sizes": [1, 2], "sim_days": 2.0, "time_limit_s": 5.0,
               "sensitivity_trials": 1, "sensitivity_sizes": [1], "sensitivity_factors": [0.5, 1.0, 2.0]},
        full={"trials": 100, "sizes": [1, 2, 5, 10], "sim_days": 7.0, "sensitivity_trials": 2,
              "sensitivity_sizes": [1], "sensitivity_factors": [0.5, 1.0, 2.0], **_FULL_SOLVER},
        figures=("objective_comparison_fig2_min_cost", "objective_comparison_fig3_max_data",
                 "objective_comparison_sensitivity"),
        tables=("objective_comparison", "objective_comparison_summary", "objective_comparison_sensitivity"),
    ),
    NotebookRun(
        "paper_claims",
        quick={"trials": 1, "sizes": [1], "min_cost_sizes": [1], "sim_days": 2.0, "time_limit_s": 10.0,
               "cap_factors": [0.25, 1.0, 4.0], "max_providers": [None, 3], "d_min_factors": [1.0],
               "rules": ["exclude-megaconstellations"], "window_satellites": 3, "window_days": [1.0, 7.0, 20.0]},
        full={"trials": 3, "sizes": [1, 10], "min_cost_sizes": [1], "sim_days": 7.0,
              "cap_factors": [0.25, 0.5, 1.0, 2.0, 4.0], "max_providers": [None, 3], "d_min_factors": [0.5, 1.0, 2.0],
              "rules": ["exclude-megaconstellations", "all", "earth-observation"], "window_satellites": 20,
              "window_days": [1.0, 7.0, 20.0, 30.0], **_FULL_SOLVER},
        figures=("paper_claims_cap_sweep_one_provider", "paper_claims_cap_sweep_two_provider"),
        tables=("paper_claims_networks", "paper_claims_summary", "paper_claims_table", "paper_claims_windows"),
    ),
    NotebookRun(
        "pareto",
        quick={"n_satellites": 1, "cap_factors": [0.25, 0.5, 1.0, 2.0, 4.0], "sim_days": 2.0,
               "time_limit_s": 10.0},
        full={"n_satellites": 2, "cap_factors": [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0], "sim_days": 7.0,
              **_FULL_SOLVER},
        figures=("pareto_front",),
        tables=("pareto_front", "pareto_baselines"),
    ),
    NotebookRun(
        "constellation_scale",
        quick={"fleet": "ICEYE*", "count": 3, "days": 1.0, "time_limit_s": 60.0},
        full={"fleet": "ICEYE*", "count": None, "days": 7.0, "time_limit_s": 600.0},
        figures=("constellation_scale_network",),
        tables=("constellation_scale",),
    ),
    NotebookRun("orbital_mechanics_primer", study=False),
    NotebookRun("explorer", study=False),
)

#: Parameters :func:`reproduce` sets in every notebook that declares them.
COMMON_PARAMETERS = ("figures_dir", "results_dir", "tle_path", "jobs", "scheduler")


def manifest_entry(name: str) -> NotebookRun:
    """Return the manifest entry of notebook ``name``."""
    for entry in MANIFEST:
        if entry.name == name:
            return entry
    raise GstkError(f"notebook {name!r} is not in the reproduce manifest; known: {[e.name for e in MANIFEST]}")


def notebooks_dir(path: str | os.PathLike | None = None) -> Path:
    """Return the directory of the notebooks: ``path``, else ``notebooks/`` of the source tree or cwd."""
    if path is not None:
        if not Path(path).is_dir():
            raise GstkError(f"notebook directory {path} does not exist")
        return Path(path)
    candidates = [Path(__file__).resolve().parent.parent / "notebooks", Path.cwd() / "notebooks"]
    for candidate in candidates:
        if (candidate / f"{MANIFEST[0].name}.ipynb").exists():
            return candidate
    raise GstkError(f"no study notebooks in {[str(c) for c in candidates]}; run from a gstk checkout or pass "
                    "--notebooks DIR")


def declared_parameters(notebook: Path) -> set[str]:
    """Return the names assigned in the notebook's ``parameters`` cell."""
    import papermill

    return set(papermill.inspect_notebook(str(notebook)))


def notebook_parameters(entry: NotebookRun, notebook: Path, *, quick: bool, out_dir: Path, jobs: int,
                        tle_path: str | None, overrides: dict[str, Any] | None = None,
                        scheduler: str | None = None) -> dict[str, Any]:
    """Return the parameters papermill injects: manifest values, common paths, overrides.

    Only names the notebook declares are passed (papermill would otherwise add
    unknown names with a warning).  ``scheduler`` (a Dask scheduler address or
    file, None for the local pool) goes to every notebook declaring ``scheduler``.
    """
    common = {"figures_dir": str(out_dir / "figures"), "results_dir": str(out_dir / "results"),
              "tle_path": None if tle_path is None else str(tle_path), "jobs": int(jobs), "scheduler": scheduler}
    wanted = {**common, **entry.parameters(quick), **(overrides or {})}
    declared = declared_parameters(notebook)
    unknown = sorted(set(entry.parameters(quick)) - declared)
    if unknown:
        raise GstkError(f"manifest parameters {unknown} of {entry.name} are not in its parameters cell")
    return {k: v for k, v in wanted.items() if k in declared}


@dataclass
class NotebookResult:
    """What happened to one notebook."""

    name: str
    status: str  # one of NOTEBOOK_STATES: "running" | "ok" | "failed" | "interrupted"
    seconds: float
    output: str
    parameters: dict[str, Any]
    error: str = ""
    started_utc: str = ""


#: What the run record says of a notebook: being executed (also what a killed run leaves), executed to
#: the end, stopped by an error (its partial copy kept), stopped by Ctrl-C.
NOTEBOOK_STATES = ("running", "ok", "failed", "interrupted")


def _now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def run_notebook(entry: NotebookRun, *, quick: bool, out_dir: Path, jobs: int, tle_path: str | None,
                 source_dir: Path, overrides: dict[str, Any] | None = None,
                 kernel_name: str = "python3", scheduler: str | None = None) -> NotebookResult:
    """Execute one notebook with papermill; never raises for a failing notebook.

    A notebook whose kernel was interrupted (Ctrl-C reaches the kernel too) comes back
    ``"interrupted"``; a KeyboardInterrupt of this process propagates.
    """
    import papermill

    source = source_dir / f"{entry.name}.ipynb"
    output = out_dir / "notebooks" / f"{entry.name}.ipynb"
    output.parent.mkdir(parents=True, exist_ok=True)
    params = notebook_parameters(entry, source, quick=quick, out_dir=out_dir, jobs=jobs, tle_path=tle_path,
                                 overrides=overrides, scheduler=scheduler)
    started, started_utc = time.perf_counter(), _now_utc()
    try:
        papermill.execute_notebook(str(source), str(output), parameters=params, kernel_name=kernel_name,
                                   progress_bar=False, cwd=str(out_dir))
    except Exception as exc:  # noqa: BLE001 - a failing notebook is reported, the run goes on
        message = " ".join(str(exc).split())
        status = "interrupted" if getattr(exc, "ename", "") == "KeyboardInterrupt" else "failed"
        return NotebookResult(entry.name, status, time.perf_counter() - started, str(output), params,
                              message[-2000:], started_utc)
    return NotebookResult(entry.name, "ok", time.perf_counter() - started, str(output), params,
                          started_utc=started_utc)


def _cluster_description(scheduler: str, tle_path: str | os.PathLike | None) -> str:
    """Return the one-line description of the Dask cluster ``scheduler`` after checking its workers."""
    from gstk.study.cluster import study_cluster
    from gstk.study.trials import resolve_tle_path

    if not isinstance(scheduler, str):
        raise GstkError(f"scheduler must be an address or a scheduler file, got {scheduler!r}")
    with study_cluster(scheduler, tle_path=resolve_tle_path(tle_path)) as cluster:
        return cluster.describe()


def _git_commit(path: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def reproduce(*, quick: bool, out_dir: str | os.PathLike, jobs: int = 1, tle_path: str | os.PathLike | None = None,
              progress: bool | None = None, notebooks: list[str] | None = None,
              overrides: dict[str, dict[str, Any]] | None = None,
              notebooks_path: str | os.PathLike | None = None,
              report: Callable[[str], None] | None = None, scheduler: str | None = None) -> dict[str, Any]:
    """Execute the manifest's notebooks into ``out_dir``; return (and write) the run record.

    Parameters
    ----------
    quick : bool
        Quick parameters (smoke run) or full ones (paper's trial counts).
    out_dir : path
        Output directory (created); reruns into the same directory resume.
    jobs : int
        Worker processes for the trial loops.
    tle_path : path, optional
        Satellite catalog (default :func:`gstk.datasets.shared_tle_path`).
    progress : bool, optional
        Report each notebook as it starts and ends (through ``report``, default logging).
    notebooks : list of str, optional
        Run only these manifest entries.
    overrides : dict, optional
        Notebook name -> parameters replacing the manifest's (e.g. a reduced trial count).
    notebooks_path : path, optional
        Directory of the notebooks (default: the source tree's ``notebooks/``).
    report : callable, optional
        Receives one line per event (the CLI prints them).
    scheduler : str, optional
        A Dask scheduler address (``"tcp://host:8786"``) or scheduler file: its workers are
        checked once here (gstk version, TLE file), then every notebook declaring ``scheduler``
        runs its units there (``jobs`` is then unused).  None: the local pool of ``jobs``.

    Returns
    -------
    dict
        ``out_dir, mode, started_utc, wall_time_s, state, ok`` and ``notebooks``: one record per
        notebook (``status, seconds, output, parameters, error, started_utc``), ``figures`` and
        ``tables`` (paths written), also saved as ``OUT/reproduce.json``.  The record is rewritten
        atomically whenever a notebook changes state (:data:`NOTEBOOK_STATES`): "running" before it
        starts, then "ok", "failed" or "interrupted"; ``state`` is "running", "finished" or
        "interrupted" (Ctrl-C: the record is written, then KeyboardInterrupt propagates), and ``ok``
        is true only for a finished run whose notebooks are all "ok".
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise GstkError(f"jobs must be an integer >= 1, got {jobs!r}")
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    source_dir = notebooks_dir(notebooks_path)
    entries = [manifest_entry(n) for n in notebooks] if notebooks else list(MANIFEST)
    say = report or (lambda line: log.info("%s", line))
    os.environ.setdefault("MPLBACKEND", "Agg")
    record: dict[str, Any] = {
        "out_dir": str(out), "mode": "quick" if quick else "full", "jobs": jobs,
        "started_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv), "python": platform.python_version(), "host_cpus": os.cpu_count(),
        "gstk_commit": _git_commit(source_dir), "notebooks": _previous_runs(out, quick),
    }
    if scheduler is not None:
        record["scheduler"] = scheduler
        say(f"cluster: {_cluster_description(scheduler, tle_path)}")
    started = time.perf_counter()
    for entry in entries:
        if progress or progress is None:
            say(f"running {entry.name} ...")
        # recorded before it starts: a killed run leaves "running", never an old "ok" beside a partial copy
        record["notebooks"][entry.name] = NotebookResult(
            entry.name, "running", 0.0, str(out / "notebooks" / f"{entry.name}.ipynb"), {},
            started_utc=_now_utc()).__dict__
        _write_record(out, record, started, state="running")
        clock = time.perf_counter()
        try:
            result = run_notebook(entry, quick=quick, out_dir=out, jobs=jobs,
                                  tle_path=None if tle_path is None else str(tle_path), source_dir=source_dir,
                                  overrides=(overrides or {}).get(entry.name), scheduler=scheduler)
        except KeyboardInterrupt:
            record["notebooks"][entry.name].update(status="interrupted", seconds=time.perf_counter() - clock,
                                                   error="interrupted (Ctrl-C); the executed copy is partial")
            _write_record(out, record, started, state="interrupted")
            raise
        record["notebooks"][entry.name] = result.__dict__
        say(f"{entry.name}: {result.status} in {result.seconds:.0f} s -> {result.output}"
            + (f"\n  error: {result.error[-500:]}" if result.error else ""))
        if result.status == "interrupted":  # the kernel got the Ctrl-C first: stop the run as well
            _write_record(out, record, started, state="interrupted")
            raise KeyboardInterrupt
        _write_record(out, record, started, state="running")
    record = _write_record(out, record, started, state="finished")
    return record


def _previous_runs(out: Path, quick: bool) -> dict[str, Any]:
    """Return the notebook records of an earlier run of the same mode into ``out`` (kept when rerunning part)."""
    path = out / "reproduce.json"
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return dict(previous.get("notebooks", {})) if previous.get("mode") == ("quick" if quick else "full") else {}


def _write_record(out: Path, record: dict[str, Any], started: float, *, state: str) -> dict[str, Any]:
    """Write the run record atomically (a reader sees the old file or the new one, never half of one).

    ``state`` is the run's: "running", "finished" or "interrupted"; ``ok`` is true only for a finished
    run whose every recorded notebook is "ok".
    """
    record["state"] = state
    record["wall_time_s"] = round(time.perf_counter() - started, 1)
    record["ok"] = state == "finished" and all(n["status"] == "ok" for n in record["notebooks"].values())
    record["figures"] = sorted(str(p) for p in (out / "figures").glob("*.png")) if (out / "figures").exists() else []
    record["tables"] = sorted(str(p) for p in (out / "results").glob("*.csv")) if (out / "results").exists() else []
    path = out / "reproduce.json"
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
    os.replace(partial, path)
    return record


# --------------------------------------------------------------------------- command line
def add_reproduce_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the options of ``gstk reproduce`` to ``parser`` (a subparser of the ``gstk`` CLI)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small parameters: a smoke run of <= 5 min on 2 cores")
    mode.add_argument("--full", dest="quick", action="store_false",
                      help="the paper's trial counts (default)")
    parser.add_argument("--out", default="build/reproduce", metavar="DIR",
                        help="output directory (default: build/reproduce); rerunning into it resumes")
    parser.add_argument("--jobs", type=_positive_int, default=max(1, min(os.cpu_count() or 1, 8)), metavar="N",
                        help="worker processes for the trials, one SCIP thread each (default: CPU count)")
    parser.add_argument("--tle", dest="tle_path", metavar="FILE",
                        help="satellite catalog (default: the shared Celestrak snapshot, $GSTK_TLE_PATH)")
    parser.add_argument("--notebooks", nargs="+", metavar="NAME", choices=[e.name for e in MANIFEST],
                        help="run only these notebooks")
    parser.add_argument("--notebooks-dir", dest="notebooks_path", metavar="DIR",
                        help="directory of the notebooks (default: notebooks/ of the gstk source tree)")
    parser.add_argument("--trials", type=_positive_int, metavar="N",
                        help="override the trial count of objective_comparison (e.g. a reduced full run)")
    parser.add_argument("--time-limit", type=_positive_seconds, dest="time_limit_s", metavar="S",
                        help="override the SCIP time limit per solve of the study notebooks")
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", metavar="ADDRESS",
                         help="run the study's units on this Dask scheduler, e.g. tcp://HOST:8786 "
                              "(default: $DASK_SCHEDULER_ADDRESS, else the local pool of --jobs)")
    cluster.add_argument("--scheduler-file", dest="scheduler_file", metavar="FILE",
                         help="the same, with the scheduler file of `dask scheduler --scheduler-file FILE`")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (value > 0 and value != float("inf")):  # NaN fails the first test
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return value


def command_overrides(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Return per-notebook parameter overrides from ``--trials`` and ``--time-limit``."""
    overrides: dict[str, dict[str, Any]] = {}
    if getattr(args, "trials", None):
        overrides.setdefault("objective_comparison", {})["trials"] = int(args.trials)
    if getattr(args, "time_limit_s", None):
        for entry in MANIFEST:
            if entry.study:
                overrides.setdefault(entry.name, {})["time_limit_s"] = float(args.time_limit_s)
    return overrides


def command_scheduler(args: argparse.Namespace) -> str | None:
    """Return the Dask scheduler of ``--scheduler``, ``--scheduler-file`` or ``$DASK_SCHEDULER_ADDRESS`` (None: local)."""
    from gstk.study.cluster import scheduler_from

    return scheduler_from(getattr(args, "scheduler", None), getattr(args, "scheduler_file", None))


def run_reproduce_command(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Run ``gstk reproduce`` from parsed arguments; print where everything went; return the exit status.

    Exit status 0 when every notebook ran, 1 when one failed (its partial copy is kept).
    """
    stream = stream or sys.stdout
    quick = bool(getattr(args, "quick", False))

    def say(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    scheduler = command_scheduler(args)
    where = f"on the Dask scheduler {scheduler}" if scheduler else f"with {args.jobs} job(s)"
    say(f"gstk reproduce ({'quick' if quick else 'full'}) -> {Path(args.out).resolve()} {where}")
    try:
        record = reproduce(quick=quick, out_dir=args.out, jobs=args.jobs, tle_path=args.tle_path, progress=True,
                           notebooks=args.notebooks, overrides=command_overrides(args), report=say,
                           notebooks_path=getattr(args, "notebooks_path", None), scheduler=scheduler)
    except KeyboardInterrupt:
        say(f"interrupted: the run record {Path(args.out).resolve() / 'reproduce.json'} says so; rerun the same "
            "command to resume finished trials")
        raise
    out = Path(record["out_dir"])
    say(f"done in {record['wall_time_s']:.0f} s")
    say(f"  executed notebooks: {out / 'notebooks'}")
    say(f"  figures ({len(record['figures'])} PNG, each with a PDF): {out / 'figures'}")
    say(f"  result tables ({len(record['tables'])} CSV): {out / 'results'}")
    say(f"  run record: {out / 'reproduce.json'}")
    failed = [name for name, n in record["notebooks"].items() if n["status"] != "ok"]
    if failed:
        say(f"FAILED: {', '.join(failed)} (partially executed copies kept in {out / 'notebooks'}; "
            "rerun the same command to resume finished trials)")
        return 1
    return 0
