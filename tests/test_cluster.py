"""The study on a real Dask cluster (gstk.study.cluster and the executor seam of gstk.study.runner).

No mocks: a LocalCluster with two single-threaded worker processes on localhost, a
``dask worker`` process for the version check, and the real ``gstk reproduce`` command.
The cluster's scheduler gives up on a task at the first worker death
(``allowed-failures`` 0), so the retry these tests see is gstk's own.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

distributed = pytest.importorskip("distributed")
import dask  # after the importorskip: Dask is an optional extra

from gstk import study as ex
from gstk.cli import main
from gstk.datasets import shared_tle_path
from gstk.errors import GstkError
from gstk.study import cluster as cl
from gstk.study import reproduce as rp
from gstk.study.runner import SINGLE_THREAD_ENVIRONMENT

needs_tle = pytest.mark.skipif(not shared_tle_path().exists(), reason="shared Celestrak snapshot not found")

#: A small, fast study: one day, SCIP to optimality (gap 0, a generous limit), so every solve is
#: proven optimal and the same on any process: local and cluster rows must be equal.
SMALL = ex.StudySettings(sim_days=1.0, time_limit_s=20.0, d_min_bit=50 * 8e9, rel_gap=0.0)
SEED = 7
#: Columns that measure time, not results.
TIMING = ["build_time_s", "solve_time_s"]
#: Seconds a test waits for workers to come (back) up or for a run to end before failing.
PATIENCE_S = 120.0


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes; the scheduler gives up on a task at its first lost worker."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                         silence_logs=logging.ERROR)
    with local, distributed.Client(local.scheduler_address, set_as_default=False) as client:
        yield local, client


def _without_timing(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=TIMING).reset_index(drop=True)


def _back_to_two_workers(client) -> None:
    client.wait_for_workers(2, timeout=PATIENCE_S)


# --------------------------------------------------------------------------- choosing the scheduler
def test_scheduler_flag_then_file_then_environment(tmp_path):
    env = {cl.SCHEDULER_ENVIRONMENT: "tcp://head:8786"}
    assert cl.scheduler_from("tcp://a:1", environ=env) == "tcp://a:1"
    assert cl.scheduler_from(environ=env) == "tcp://head:8786"
    assert cl.scheduler_from(environ={}) is None
    path = tmp_path / "scheduler.json"
    path.write_text(json.dumps({"address": "tcp://b:2"}))
    assert cl.scheduler_from(scheduler_file=path, environ=env) == str(path)
    with pytest.raises(GstkError, match="no Dask scheduler file"):
        cl.scheduler_from(scheduler_file=tmp_path / "missing.json")
    with pytest.raises(GstkError, match="not both"):
        cl.scheduler_from("tcp://a:1", path)


def test_reproduce_flags_reach_the_study_notebooks(tmp_path, monkeypatch):
    parser = rp.add_reproduce_arguments(argparse.ArgumentParser())
    monkeypatch.delenv(cl.SCHEDULER_ENVIRONMENT, raising=False)
    assert rp.command_scheduler(parser.parse_args([])) is None
    assert rp.command_scheduler(parser.parse_args(["--scheduler", "tcp://h:8786"])) == "tcp://h:8786"
    monkeypatch.setenv(cl.SCHEDULER_ENVIRONMENT, "tcp://env:8786")
    assert rp.command_scheduler(parser.parse_args([])) == "tcp://env:8786"
    with pytest.raises(SystemExit):
        parser.parse_args(["--scheduler", "tcp://h:8786", "--scheduler-file", "s.json"])
    for name in ("objective_comparison", "pareto", "surrogate_window"):
        entry = rp.manifest_entry(name)
        params = rp.notebook_parameters(entry, rp.notebooks_dir() / f"{name}.ipynb", quick=True, out_dir=tmp_path,
                                        jobs=1, tle_path=None, scheduler="tcp://h:8786")
        assert params["scheduler"] == "tcp://h:8786", name
    figures = rp.notebook_parameters(rp.manifest_entry("figures"), rp.notebooks_dir() / "figures.ipynb",
                                     quick=True, out_dir=tmp_path, jobs=1, tle_path=None, scheduler="tcp://h:8786")
    assert "scheduler" not in figures  # only notebooks that declare it get it


def test_worker_mismatches_name_the_worker_and_the_fix():
    me = {"gstk": "0.1.0", "tle_path": "/d/a.tle", "tle_sha256": "ab" * 32}
    assert cl.worker_mismatches({"tcp://w:1": dict(me)}, me) == []
    missing, other = cl.worker_mismatches({"tcp://w:1": {**me, "tle_sha256": None},
                                           "tcp://w:2": {**me, "tle_sha256": "cd" * 32}}, me)
    assert "tcp://w:1 has no TLE file /d/a.tle" in missing
    assert "tcp://w:2 has a different TLE file /d/a.tle" in other and "\n" not in other
    assert cl.worker_mismatches({"tcp://w:1": {**me, "tle_sha256": None}}, {**me, "tle_path": None,
                                                                           "tle_sha256": None}) == []


def test_a_scheduler_that_is_not_one_is_a_one_line_error(monkeypatch):
    with pytest.raises(GstkError, match="scheduler must be a Dask scheduler address"):
        with cl.study_cluster(42):
            pass
    monkeypatch.setattr(cl, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(GstkError, match=r"cannot connect to the Dask scheduler tcp://127\.0\.0\.1:9") as caught:
        cl.connect("tcp://127.0.0.1:9")  # the discard port: nothing listens there
    assert "\n" not in str(caught.value)


def test_run_pool_takes_any_executor_and_forces_one_thread(monkeypatch):
    for name in SINGLE_THREAD_ENVIRONMENT:
        monkeypatch.setenv(name, "8")  # restored after the test
    with ThreadPoolExecutor(2) as pool:
        seen = ex.run_pool([("OMP_NUM_THREADS",), ("OPENBLAS_NUM_THREADS",)], os.getenv, executor=pool)
    assert seen == ["1", "1"]


# --------------------------------------------------------------------------- the study through the scheduler
def _study_notebook(path: Path) -> None:
    """Write a stand-in objective_comparison notebook: the manifest's parameters, the smallest study."""
    declared = {**rp.manifest_entry("objective_comparison").quick, "seed": SEED, "tle_path": None, "jobs": 1,
                "scheduler": None, "figures_dir": "figures", "results_dir": "results"}
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    parameters = new_code_cell("\n".join(f"{k} = {v!r}" for k, v in declared.items()))
    parameters.metadata["tags"] = ["parameters"]
    settings = ", ".join(f"{k}={v!r}" for k, v in SMALL.to_dict().items() if k in ("sim_days", "time_limit_s",
                                                                                    "d_min_bit", "rel_gap"))
    nb.cells = [parameters, new_code_cell(
        "from gstk import study\n"
        f"results = study.objective_comparison(trials=1, sizes=[1], seed=seed, tle_path=tle_path, jobs=jobs,\n"
        f"    settings=study.StudySettings({settings}), results_dir=results_dir, scheduler=scheduler)\n"
        "assert scheduler is not None\n"
        "study.write_table(results, results_dir, 'objective_comparison')")]
    nbformat.write(nb, path / "objective_comparison.ipynb")


@needs_tle
def test_gstk_reproduce_on_the_scheduler_gives_the_local_results(cluster, tmp_path, capsys):
    local_cluster, _ = cluster
    local = ex.objective_comparison(trials=1, sizes=(1,), seed=SEED, settings=SMALL, results_dir=tmp_path / "local")
    source = tmp_path / "nb"
    source.mkdir()
    _study_notebook(source)
    out = tmp_path / "out"
    status = main(["reproduce", "--quick", "--notebooks", "objective_comparison", "--notebooks-dir", str(source),
                   "--out", str(out), "--scheduler", local_cluster.scheduler_address])
    text = capsys.readouterr().out
    assert status == 0, text
    assert f"on the Dask scheduler {local_cluster.scheduler_address}" in text and "cluster: 2 Dask worker(s)" in text
    record = json.loads((out / "reproduce.json").read_text())
    assert record["scheduler"] == local_cluster.scheduler_address
    assert record["notebooks"]["objective_comparison"]["parameters"]["scheduler"] == local_cluster.scheduler_address

    remote = ex.read_results(out / "results" / "objective_comparison.csv")
    assert (remote["status"] == "OPTIMAL").all() and len(remote) == len(local) == 2 * (1 + 6 + 15)
    # the client wrote the per-trial files: the same names and rows as the local run's
    local_files = sorted(p.name for p in (tmp_path / "local" / "trials").glob("*.csv"))
    assert sorted(p.name for p in (out / "results" / "trials").glob("*.csv")) == local_files
    for name in local_files:
        pd.testing.assert_frame_equal(_without_timing(ex.read_results(out / "results" / "trials" / name)),
                                      _without_timing(ex.read_results(tmp_path / "local" / "trials" / name)))
    assert not (out / "results" / "contacts").exists()  # workers keep nothing on the client's disk

    # a cluster run resumes locally: every problem is read back, nothing is solved again
    resumed = ex.objective_comparison(trials=1, sizes=(1,), seed=SEED, settings=SMALL, results_dir=out / "results")
    assert not (out / "results" / "contacts").exists()
    pd.testing.assert_frame_equal(_without_timing(resumed), _without_timing(ex.sorted_results(
        pd.concat([ex.read_results(out / "results" / "trials" / n) for n in local_files], ignore_index=True))))
    assert _without_timing(resumed)[["problem", "network", "allowed", "providers"]].astype(str).equals(
        _without_timing(local)[["problem", "network", "allowed", "providers"]].astype(str))


@needs_tle
def test_pareto_and_out_of_sample_on_the_cluster_give_the_local_results(cluster):
    local_cluster, _ = cluster
    settings = SMALL.replace(b_month_usd_per_satellite=15_000.0)
    pareto = {"n_satellites": 1, "trial": 0, "seed": SEED, "settings": settings, "cap_factors": (0.5, 1.0, 2.0)}
    front, baselines = ex.pareto_study(**pareto)
    remote_front, remote_baselines = ex.pareto_study(**pareto, scheduler=local_cluster.scheduler_address)
    pd.testing.assert_frame_equal(_without_timing(remote_front), _without_timing(front))
    pd.testing.assert_frame_equal(_without_timing(remote_baselines), _without_timing(baselines))
    assert remote_front.attrs["satellites"] == front.attrs["satellites"]
    oos = {"n_satellites": 1, "seed": SEED, "settings": settings, "train_days": 1.0, "test_days": 1.0,
           "horizon_days": 3.0}
    pd.testing.assert_frame_equal(ex.out_of_sample(**oos, scheduler=local_cluster.scheduler_address),
                                  ex.out_of_sample(**oos))


def _busy_worker_pid(client, deadline: float) -> int:
    """Return the pid of a worker process that is running a unit (waiting for one until ``deadline``)."""
    while time.monotonic() < deadline:
        busy = [w for w, keys in client.processing().items() if keys]
        if busy:
            return client.run(os.getpid, workers=[busy[0]])[busy[0]]
        time.sleep(0.05)
    raise AssertionError("no worker was running a unit")


@needs_tle
def test_a_killed_worker_loses_only_its_unit(cluster, tmp_path, caplog):
    local_cluster, client = cluster
    _back_to_two_workers(client)
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["results"] = ex.objective_comparison(
                trials=3, sizes=(1,), seed=SEED, settings=SMALL, problems=("max_data",), results_dir=tmp_path,
                scheduler=local_cluster.scheduler_address)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + PATIENCE_S
    while not list((tmp_path / "trials").glob("*.csv")) and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)  # the first unit's result arrived: the others are mid-run
    os.kill(_busy_worker_pid(client, deadline), signal.SIGKILL)
    thread.join(PATIENCE_S)
    assert not thread.is_alive() and "error" not in outcome, outcome.get("error")
    results = outcome["results"]
    assert sorted(results["trial"].unique()) == [0, 1, 2] and len(results) == 3 * (1 + 6 + 15)
    assert results["verified"].all() and len(list((tmp_path / "trials").glob("*.csv"))) == 3
    assert "died (KilledWorker); submitting it again" in caplog.text


def test_a_unit_whose_worker_always_dies_is_reported_with_its_unit_id(cluster):
    _, client = cluster
    _back_to_two_workers(client)
    unit = "unit (n_satellites, trial, seed) = (1, 2, 3)"
    with pytest.raises(GstkError, match=r"unit \(n_satellites, trial, seed\) = \(1, 2, 3\) lost its worker 2 times: "
                                        r"KilledWorker") as caught:
        ex.run_pool([(1,)], os._exit, executor=client.get_executor(pure=False), desc="objective comparison",
                    unit_ids=[unit])
    assert "\n" not in str(caught.value)
    _back_to_two_workers(client)


# --------------------------------------------------------------------------- refusing a worker
@pytest.fixture()
def other_version_worker(tmp_path):
    """A scheduler and one `dask worker` process whose gstk reports version 9.9.9 (metadata earlier on its path)."""
    site = tmp_path / "site"
    (site / "gstk-9.9.9.dist-info").mkdir(parents=True)
    (site / "gstk-9.9.9.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: gstk\nVersion: 9.9.9\n")
    # first on the path, before the checkout's own gstk.egg-info (the worker starts outside the checkout)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as scheduler:
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", scheduler.scheduler_address,
                                   "--nthreads", "1", "--no-nanny", "--no-dashboard", "--local-directory",
                                   str(tmp_path / "scratch")], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            with distributed.Client(scheduler.scheduler_address, set_as_default=False) as client:
                client.wait_for_workers(1, timeout=PATIENCE_S)
                yield scheduler.scheduler_address, client
        finally:
            worker.terminate()
            worker.wait(timeout=PATIENCE_S)


def test_a_worker_with_another_gstk_version_is_refused(other_version_worker):
    address, client = other_version_worker
    assert cl.installed_version() != "9.9.9"
    with pytest.raises(GstkError, match=r"refusing the cluster: Dask worker tcp://\S+ runs gstk 9\.9\.9, the client "
                                        r"gstk \S+: install the same gstk on every worker") as caught:
        cl.check_workers(client)
    assert "\n" not in str(caught.value)
    with pytest.raises(GstkError, match="runs gstk 9.9.9"):
        ex.objective_comparison(trials=1, sizes=(1,), seed=SEED, settings=SMALL, scheduler=address)
