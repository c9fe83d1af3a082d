"""Run the study's units on a Dask cluster: the scheduler, the worker check and the executor.

The study's one executor seam is :func:`gstk.study.runner.run_pool`, which takes
any :class:`concurrent.futures.Executor`.  This module turns what a user names
(``scheduler="tcp://host:8786"``, a scheduler file, a ``distributed.Client``)
into one, after checking that every worker runs the client's gstk version and
sees the client's TLE file (same SHA-256); a worker that does not is refused
with a one-line :class:`~gstk.errors.GstkError`.  Units go to workers as tasks
and come back as result rows; files stay with the client (the callers in
:mod:`gstk.study.comparison`, :mod:`gstk.study.pareto` and
:mod:`gstk.study.surrogate` write them).

``distributed`` is optional (``pip install "gstk[dask]"``): it is imported inside
the functions that need it, so ``import gstk.study`` works without it.
Workers that join after the check (an adaptive cluster) are not checked.
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from gstk.errors import GstkError

log = logging.getLogger(__name__)

#: The environment variable naming the scheduler when neither ``--scheduler`` nor ``--scheduler-file`` is given.
SCHEDULER_ENVIRONMENT = "DASK_SCHEDULER_ADDRESS"
#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT_S, FIRST_WORKER_TIMEOUT_S = 30.0, 600.0


@dataclass(frozen=True)
class StudyCluster:
    """An executor on a Dask cluster whose workers passed the check, with what the progress shows.

    Attributes
    ----------
    executor : concurrent.futures.Executor
        Where :func:`gstk.study.runner.run_pool` sends the units.
    address : str
        The scheduler's address ("" for an executor that is not Dask).
    n_workers : int or None
        Workers when the run started (None when unknown).
    dashboard_link : str or None
        The Dask dashboard, when the scheduler runs one.
    """

    executor: Executor
    address: str = ""
    n_workers: int | None = None
    dashboard_link: str | None = None

    def describe(self) -> str:
        """Return one line: the workers, the scheduler and the dashboard link."""
        workers = "?" if self.n_workers is None else str(self.n_workers)
        where = f" at {self.address}" if self.address else ""
        dashboard = f", dashboard {self.dashboard_link}" if self.dashboard_link else ", no dashboard"
        return f"{workers} Dask worker(s){where}{dashboard}"

    def label(self, desc: str) -> str:
        """Return the progress-bar label of ``desc`` on this cluster (with its worker count)."""
        return f"{desc} on {'?' if self.n_workers is None else self.n_workers} worker(s)"


# --------------------------------------------------------------------------- which scheduler
def scheduler_from(scheduler: str | None = None, scheduler_file: str | os.PathLike | None = None,
                   environ: Mapping[str, str] | None = None) -> str | None:
    """Return the scheduler a command names: ``scheduler``, else ``scheduler_file``, else ``$DASK_SCHEDULER_ADDRESS``.

    Returns None (run locally) when none is given.  A scheduler file must exist.

    Examples
    --------
    >>> scheduler_from("tcp://10.0.0.1:8786")
    'tcp://10.0.0.1:8786'
    >>> scheduler_from(environ={"DASK_SCHEDULER_ADDRESS": "tcp://head:8786"})
    'tcp://head:8786'
    >>> scheduler_from(environ={}) is None
    True
    """
    if scheduler and scheduler_file:
        raise GstkError("give --scheduler or --scheduler-file, not both")
    if scheduler_file:
        if not Path(scheduler_file).is_file():
            raise GstkError(f"no Dask scheduler file {scheduler_file}; start the scheduler with "
                            f"`dask scheduler --scheduler-file {scheduler_file}` first")
        return str(scheduler_file)
    chosen = scheduler or (os.environ if environ is None else environ).get(SCHEDULER_ENVIRONMENT) or None
    return None if chosen is None else str(chosen).strip()


def _is_scheduler_file(scheduler: str) -> bool:
    """Return whether ``scheduler`` names a scheduler file (an existing file or a .json name), not an address."""
    if "://" in scheduler:
        return False
    return Path(scheduler).is_file() or scheduler.endswith(".json")


# --------------------------------------------------------------------------- what workers must share
def installed_version() -> str:
    """Return the installed gstk version (``importlib.metadata``), "unknown" when gstk is not installed."""
    try:
        return metadata.version("gstk")
    except metadata.PackageNotFoundError:
        return "unknown"


def file_sha256(path: str | os.PathLike) -> str | None:
    """Return the SHA-256 of a file (None when it does not exist); cached per size and modification time."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _sha256(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def worker_environment(tle_path: str | None) -> dict[str, str | None]:
    """Return what a worker must share with the client: its gstk version and the TLE file's hash.

    Runs on every worker through ``Client.run`` (and on the client, for the reference).
    """
    return {"gstk": installed_version(), "tle_path": tle_path,
            "tle_sha256": None if tle_path is None else file_sha256(tle_path)}


def worker_mismatches(environments: Mapping[str, Mapping[str, Any]],
                      expected: Mapping[str, Any]) -> list[str]:
    """Return one message per worker whose environment differs from the client's ``expected`` one.

    Examples
    --------
    >>> me = {"gstk": "0.1.0", "tle_path": "a.tle", "tle_sha256": "ab12"}
    >>> worker_mismatches({"tcp://w:1": {**me, "gstk": "0.0.9"}}, me)
    ['Dask worker tcp://w:1 runs gstk 0.0.9, the client gstk 0.1.0: install the same gstk on every worker']
    """
    out = []
    for worker, env in sorted(environments.items()):
        if env.get("gstk") != expected["gstk"]:
            out.append(f"Dask worker {worker} runs gstk {env.get('gstk')}, the client gstk {expected['gstk']}: "
                       "install the same gstk on every worker")
        elif expected.get("tle_path") is not None and env.get("tle_sha256") is None:
            out.append(f"Dask worker {worker} has no TLE file {expected['tle_path']}: every worker needs the "
                       "client's TLE file at the same path")
        elif env.get("tle_sha256") != expected.get("tle_sha256"):
            out.append(f"Dask worker {worker} has a different TLE file {expected['tle_path']} (sha256 "
                       f"{str(env.get('tle_sha256'))[:12]}, the client's {str(expected.get('tle_sha256'))[:12]}): "
                       "copy the client's file to every worker")
    return out


def check_workers(client: Any, tle_path: str | None = None) -> dict[str, int]:
    """Check every worker of ``client`` (``Client.run``); return their thread counts or refuse them.

    Raises
    ------
    GstkError
        One line naming the first worker with another gstk version or TLE file
        (and how many more), or when no worker joins within
        :data:`FIRST_WORKER_TIMEOUT_S`.
    """
    nthreads = dict(client.nthreads())
    if not nthreads:
        try:
            client.wait_for_workers(1, timeout=FIRST_WORKER_TIMEOUT_S)
        except TimeoutError:
            raise GstkError(f"no Dask worker joined the scheduler at {client.scheduler.address} within "
                            f"{FIRST_WORKER_TIMEOUT_S:g} s; start workers with `dask worker ADDRESS --nthreads 1`") \
                from None
        nthreads = dict(client.nthreads())
    mismatches = worker_mismatches(client.run(worker_environment, tle_path), worker_environment(tle_path))
    if mismatches:
        more = f" (and {len(mismatches) - 1} more worker(s))" if len(mismatches) > 1 else ""
        raise GstkError(f"refusing the cluster: {mismatches[0]}{more}")
    crowded = sorted(w for w, n in nthreads.items() if n > 1)
    if crowded:
        log.warning("Dask worker(s) %s run several threads: their units share one process; start workers with "
                    "`--nthreads 1` (every unit uses one solver thread)", ", ".join(crowded))
    return nthreads


# --------------------------------------------------------------------------- the executor
def connect(scheduler: str | os.PathLike) -> Any:
    """Return a ``distributed.Client`` of a scheduler address or scheduler file (one-line errors)."""
    try:
        from distributed import Client
    except ImportError:
        raise GstkError("running on a Dask cluster needs the distributed package: "
                        "pip install \"gstk[dask]\"") from None
    text = os.fspath(scheduler)
    if _is_scheduler_file(text) and not Path(text).is_file():
        raise GstkError(f"no Dask scheduler file {text}")
    try:
        if _is_scheduler_file(text):
            return Client(scheduler_file=text, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        return Client(text, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise GstkError(f"cannot connect to the Dask scheduler {text}: {' '.join(str(exc).split())}") from None


def dashboard_link(client: Any) -> str | None:
    """Return the Dask dashboard link of ``client``, None when the scheduler runs none (e.g. no bokeh)."""
    try:
        return client.dashboard_link or None
    except Exception:  # noqa: BLE001 - a scheduler without dashboard answers with KeyError or AttributeError
        return None


@contextmanager
def study_cluster(scheduler: Any, *, tle_path: str | None = None) -> Iterator[StudyCluster]:
    """Yield the checked :class:`StudyCluster` of ``scheduler``; close the client it opened on exit.

    Parameters
    ----------
    scheduler : str, path, distributed.Client or concurrent.futures.Executor
        A scheduler address (``"tcp://host:8786"``), a scheduler file, a client,
        or an executor (a Dask ``ClientExecutor`` is checked through its client;
        any other executor is used as it is, unchecked).
    tle_path : str, optional
        The TLE file the workers read; None checks only the gstk version.
    """
    if isinstance(scheduler, Executor) and not hasattr(scheduler, "_client"):
        yield StudyCluster(scheduler, n_workers=getattr(scheduler, "_max_workers", None))
        return
    owned = isinstance(scheduler, (str, os.PathLike))
    client = connect(scheduler) if owned else getattr(scheduler, "_client", scheduler)
    if not hasattr(client, "get_executor"):
        raise GstkError(f"scheduler must be a Dask scheduler address, a scheduler file, a distributed.Client or "
                        f"an executor, got {scheduler!r}")
    try:
        nthreads = check_workers(client, tle_path)
        cluster = StudyCluster(client.get_executor(pure=False), client.scheduler.address, len(nthreads),
                               dashboard_link(client))
        yield cluster
    finally:
        if owned:
            client.close()


def announce(cluster: StudyCluster, progress: bool) -> None:
    """Log where units run; with ``progress`` also write it above the tqdm bar (the dashboard link)."""
    log.info("units run on %s", cluster.describe())
    if progress:
        from tqdm.auto import tqdm

        tqdm.write(f"gstk: units run on {cluster.describe()}")
