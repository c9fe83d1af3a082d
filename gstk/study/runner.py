"""Run study units in a pool and keep their results in files that resume."""
from __future__ import annotations

import hashlib
import logging
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
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
def run_pool(tasks: list[tuple], worker: Callable[..., pd.DataFrame], *, jobs: int = 1,
             progress: bool = False, desc: str = "trials") -> list[pd.DataFrame]:
    """Return ``[worker(*task) for task in tasks]``, computed in a process pool of ``jobs`` workers.

    Results are in task order whatever order they finish in.  ``jobs=1`` runs
    in this process.  The first failure cancels what has not started and is
    raised with the task that failed; files written by finished tasks stay.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise GstkError(f"jobs must be an integer >= 1, got {jobs!r}")
    bar = _bar(len(tasks), progress, desc)
    out: list[pd.DataFrame | None] = [None] * len(tasks)
    if jobs == 1 or len(tasks) <= 1:
        try:
            for i, task in enumerate(tasks):
                try:
                    out[i] = worker(*task)
                except Exception as exc:
                    raise _task_failure(desc, task, exc) from exc
                bar.update(1)
        finally:
            bar.close()
        return out  # type: ignore[return-value]
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(worker, *task): i for i, task in enumerate(tasks)}
        try:
            for future in as_completed(futures):
                out[futures[future]] = future.result()
                bar.update(1)
        except BaseException as exc:
            for f in futures:
                f.cancel()
            failed = tasks[futures[future]] if "future" in locals() else ()
            raise _task_failure(desc, failed, exc) from exc
        finally:
            bar.close()
    return out  # type: ignore[return-value]


def _task_failure(desc: str, task: tuple, exc: BaseException) -> GstkError:
    """Return the error naming the failed task (for a unit: its size, trial and seed)."""
    what = f"(n_satellites, trial, seed) = {task[1:4]!r}" if len(task) >= 4 else repr(task)
    return GstkError(f"{desc}: task {what} failed: {type(exc).__name__}: {exc}; results of finished "
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
