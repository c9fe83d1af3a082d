"""Run study units in a pool and keep their results in files that resume."""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Executor, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from gstk.errors import GstkError
from gstk.study.settings import StudySettings

log = logging.getLogger(__name__)


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write a file through a temporary sibling and rename it, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


def result_path(results_dir: str | os.PathLike, kind: str, n_satellites: int, trial: int, seed: int,
                settings: StudySettings, tle_path: str) -> Path:
    """Return the per-trial result file of one problem of one unit (the resume key)."""
    key = settings.key() + hashlib.sha1(Path(tle_path).name.encode()).hexdigest()[:4]
    return Path(results_dir) / "trials" / f"{kind}-{key}-n{n_satellites}-t{trial}-s{seed}.csv"


def read_results(path: str | os.PathLike) -> pd.DataFrame:
    """Return a result table written by :func:`run_unit` (CSV)."""
    return pd.read_csv(path, keep_default_na=True, dtype={"providers": "str", "allowed": "str"})


# --------------------------------------------------------------------------- the trial loop
#: Thread-count variables of the BLAS/OpenMP runtimes a task could start; every task sets them to 1.
SINGLE_THREAD_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: How often a unit whose worker died is submitted again before its failure is reported.
LOST_WORKER_RETRIES = 1


def run_pool(tasks: list[tuple], worker: Callable[..., Any], *, jobs: int = 1, executor: Executor | None = None,
             progress: bool = False, desc: str = "trials", on_result: Callable[[int, Any], None] | None = None,
             unit_ids: Sequence[str] | None = None) -> list[Any]:
    """Return ``[worker(*task) for task in tasks]``, computed in this process, a local pool or ``executor``.

    Parameters
    ----------
    tasks : list of tuple
        Argument tuples of ``worker``; one task is one unit of work (a study unit: one trial of one size).
    worker : callable
        A module-level function (it is pickled to the pool's processes).
    jobs : int
        Without ``executor``: worker processes of a local spawn pool (1 runs in this process).
    executor : concurrent.futures.Executor, optional
        Where tasks run instead, e.g. a Dask ``Client(...).get_executor(pure=False)``; ``jobs`` is then unused.
    progress : bool
        Show a tqdm bar over tasks.
    desc : str
        Label of the bar and of error messages.
    on_result : callable, optional
        Called in this process as ``on_result(i, result)`` when task ``i`` finishes (e.g. to write its file).
    unit_ids : sequence of str, optional
        How errors name each task (default: ``(n_satellites, trial, seed) = ...`` of a study unit).

    Returns
    -------
    list
        The results in task order, whatever order they finish in.

    Every task runs with one solver thread; tasks sent to other processes also
    get :func:`single_threaded`'s environment.  The first
    failure cancels what has not started and is raised as a one-line
    :class:`GstkError` naming the task; results handed to ``on_result`` stay.
    A task whose worker process died (a Dask ``KilledWorker``, a broken pool) is
    submitted once more before it is reported.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise GstkError(f"jobs must be an integer >= 1, got {jobs!r}")
    ids = list(unit_ids) if unit_ids is not None else [_unit_id(task) for task in tasks]
    bar = _bar(len(tasks), progress, desc)
    try:
        if executor is not None:
            return _run_on(executor, tasks, worker, bar, desc, on_result, ids)
        if jobs == 1 or len(tasks) <= 1:
            return _run_here(tasks, worker, bar, desc, on_result, ids)
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("spawn")) as pool:
            return _run_on(pool, tasks, worker, bar, desc, on_result, ids)
    finally:
        bar.close()


def single_threaded(worker: Callable[..., Any], *args: Any) -> Any:
    """Return ``worker(*args)`` with the thread-count variables of :data:`SINGLE_THREAD_ENVIRONMENT` set to 1.

    The solver's own threads are already 1 (the study's ``SolverOptions(threads=1)``
    sets SCIP ``lp/threads`` and ``parallel/maxnthreads``); the variables keep any
    BLAS or OpenMP runtime that starts inside the task, and its subprocesses, at
    one thread too, whatever the worker machine's defaults.
    """
    os.environ.update(SINGLE_THREAD_ENVIRONMENT)
    return worker(*args)


def _run_here(tasks: list[tuple], worker: Callable[..., Any], bar, desc: str,
              on_result: Callable[[int, Any], None] | None, ids: list[str]) -> list[Any]:
    """Run the tasks one after the other in this process."""
    out = []
    for i, task in enumerate(tasks):
        try:
            result = worker(*task)  # this process: solver threads are 1, the user's environment stays
        except Exception as exc:
            raise _task_failure(desc, ids[i], exc) from exc
        if on_result is not None:
            on_result(i, result)
        out.append(result)
        bar.update(1)
    return out


def _run_on(executor: Executor, tasks: list[tuple], worker: Callable[..., Any], bar, desc: str,
            on_result: Callable[[int, Any], None] | None, ids: list[str]) -> list[Any]:
    """Run the tasks on ``executor``; resubmit a task whose worker died once; cancel the rest on a failure."""
    out: list[Any] = [None] * len(tasks)
    futures = {executor.submit(single_threaded, worker, *task): i for i, task in enumerate(tasks)}
    retries = [LOST_WORKER_RETRIES] * len(tasks)
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                i = futures.pop(future)
                exc = CancelledError("cancelled") if future.cancelled() else future.exception()
                if exc is None:
                    out[i] = future.result()
                    if on_result is not None:
                        on_result(i, out[i])
                    bar.update(1)
                    continue
                if not (lost_worker(exc) and retries[i] > 0):
                    how = f"lost its worker {LOST_WORKER_RETRIES + 1} times" if lost_worker(exc) else "failed"
                    raise _task_failure(desc, ids[i], exc, how=how) from exc
                retries[i] -= 1
                log.warning("%s: the worker of %s died (%s); submitting it again", desc, ids[i], type(exc).__name__)
                try:
                    retry = executor.submit(single_threaded, worker, *tasks[i])
                except Exception as broken:  # noqa: BLE001 - a broken pool refuses new tasks with its own error
                    raise _task_failure(desc, ids[i], broken, how="lost its worker and could not be resubmitted") \
                        from exc
                futures[retry] = i
                pending.add(retry)
    finally:
        for future in futures:
            future.cancel()
    return out


def lost_worker(exc: BaseException) -> bool:
    """Return whether a task failed because its worker process died, not because the task raised.

    Dask reports it as ``distributed.KilledWorker`` (named, not imported: Dask is
    optional), a local process pool as :class:`concurrent.futures.BrokenExecutor`.
    """
    return isinstance(exc, BrokenExecutor) or type(exc).__name__ == "KilledWorker"


def _unit_id(task: tuple) -> str:
    """Return how errors name a task: a study unit by its size, trial and seed."""
    return f"unit (n_satellites, trial, seed) = {tuple(task[1:4])!r}" if len(task) >= 4 else f"task {task!r}"


def _task_failure(desc: str, unit_id: str, exc: BaseException, *, how: str = "failed") -> GstkError:
    """Return the one-line error naming the failed task (for a unit: its size, trial and seed)."""
    what = " ".join(str(exc).split()) or type(exc).__name__
    return GstkError(f"{desc}: {unit_id} {how}: {type(exc).__name__}: {what}; results of finished "
                     "tasks are kept, rerun to resume")


def _bar(total: int, progress: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not progress, leave=False)


def sorted_results(results: pd.DataFrame) -> pd.DataFrame:
    """Return result rows sorted by problem, size, trial, then optimized first and baselines by set."""
    return results.sort_values(["problem", "n_satellites", "trial", "n_allowed", "allowed"],
                               na_position="first", kind="stable").reset_index(drop=True)


def write_table(table: pd.DataFrame, results_dir: str | os.PathLike, name: str) -> list[Path]:
    """Write ``table`` as ``<results_dir>/<name>.csv`` (and ``.parquet`` when pyarrow is installed)."""
    out = Path(results_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [atomic_write(out / f"{name}.csv", lambda tmp: table.to_csv(tmp, index=False))]
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return paths
    paths.append(atomic_write(out / f"{name}.parquet", lambda tmp: table.to_parquet(tmp, index=False)))
    return paths
