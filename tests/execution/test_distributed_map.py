"""map_tiles on a real LocalCluster of two worker processes: results, errors, retries, dead workers, cancel."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

distributed = pytest.importorskip("distributed")

from gpucompute.errors import (
    ConfigError,
    JobCancelled,
    JobComputeError,
    ProxyUsageError,
)
from gpucompute.execution.distributed import map_tiles


# Task functions: module level, so workers import them by reference (the spawned workers get this sys.path).
def _square(x, delay):
    time.sleep(delay)
    return x * x


def _fail_on(x, bad):
    if x == bad:
        raise ValueError(f"tile value {x} is bad")
    return x


def _flaky(counter, failures):
    """Fail the first ``failures`` calls (counted in a file, shared by every worker), then succeed."""
    with open(counter, "a") as fh:
        fh.write("x")
    calls = os.path.getsize(counter)
    if calls <= failures:
        raise RuntimeError(f"flaky failure number {calls}")
    return calls


def _pid_then_sleep(pid_file, seconds):
    """First run: record this worker's pid and sleep (to be killed). A rerun returns at once."""
    if os.path.exists(pid_file):
        return os.getpid()
    with open(pid_file + ".tmp", "w") as fh:
        fh.write(str(os.getpid()))
    os.replace(pid_file + ".tmp", pid_file)
    time.sleep(seconds)
    return os.getpid()


def _wait_for_file(stop_file, seconds):
    """Sleep until ``stop_file`` exists (or ``seconds`` pass), so a cancelled task frees its worker soon."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    return "woke"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as cl:
        yield cl


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster, set_as_default=False) as cl:
        yield cl


def test_all_results_with_their_indexes(client, rng):
    values = [int(v) for v in rng.integers(-1000, 1000, size=12)]
    items = [(v, float(d)) for v, d in zip(values, rng.uniform(0, 0.05, size=12))]
    got = list(map_tiles(client, _square, items))
    assert sorted(i for i, _ in got) == list(range(len(items)))
    assert dict(got) == {i: v * v for i, v in enumerate(values)}


def test_accepts_the_cluster_object_and_empty_items(cluster):
    assert list(map_tiles(cluster, _square, [])) == []
    assert dict(map_tiles(cluster, _square, [(3, 0.0), (4, 0.0)])) == {0: 9, 1: 16}


def test_pure_identical_items_share_one_task(client):
    got = sorted(map_tiles(client, _square, [(5, 0.0), (6, 0.0), (5, 0.0)], pure=True))
    assert got == [(0, 25), (1, 36), (2, 25)]


def test_task_error_names_the_tile_and_keeps_the_cause(client):
    items = [(v, 3) for v in range(6)]
    with pytest.raises(JobComputeError, match=r"tile 3 of 6 .*ValueError: tile value 3 is bad") as info:
        list(map_tiles(client, _fail_on, items, retries=0))
    assert isinstance(info.value.error, ValueError)
    assert info.value.__cause__ is info.value.error


def test_retries_rerun_a_failing_task(client, tmp_path):
    counter = str(tmp_path / "calls")
    assert list(map_tiles(client, _flaky, [(counter, 2)], retries=2)) == [(0, 3)]
    counter = str(tmp_path / "calls-too-few")
    with pytest.raises(JobComputeError, match=r"tile 0 of 1 failed after 1 retry: RuntimeError") as info:
        list(map_tiles(client, _flaky, [(counter, 2)], retries=1))
    assert isinstance(info.value.error, RuntimeError)
    assert os.path.getsize(counter) == 2


def _kill_when_recorded(pid_file, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(pid_file):
        assert time.monotonic() < deadline, "the task never started"
        time.sleep(0.02)
    with open(pid_file) as fh:
        pid = int(fh.read())
    os.kill(pid, signal.SIGKILL)
    return pid


def test_task_of_a_killed_worker_is_rerun_elsewhere(client, tmp_path):
    pid_file = str(tmp_path / "pid")
    with ThreadPoolExecutor(1) as pool:
        job = pool.submit(lambda: list(map_tiles(client, _pid_then_sleep, [(pid_file, 60.0)])))
        killed = _kill_when_recorded(pid_file)
        ((index, rerun_pid),) = job.result(timeout=60)
    assert index == 0 and rerun_pid != killed
    client.wait_for_workers(2, timeout=30)  # the nanny restarts the killed worker for later tests


def test_killed_worker_without_allowed_failures_is_a_job_error(tmp_path):
    import dask

    pid_file = str(tmp_path / "pid")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1,
                                     dashboard_address=":0") as cl, ThreadPoolExecutor(1) as pool:
        job = pool.submit(lambda: list(map_tiles(cl, _pid_then_sleep, [(pid_file, 60.0)])))
        _kill_when_recorded(pid_file)
        with pytest.raises(JobComputeError, match=r"tile 0 of 1 failed: the worker running it died") as info:
            job.result(timeout=60)
    assert isinstance(info.value.error, distributed.KilledWorker)


def test_cancel_is_prompt_and_cancels_pending_tasks(client, tmp_path):
    stop = str(tmp_path / "stop")
    items = [(stop, 60.0)] * 6
    cancelled = threading.Event()
    try:
        with ThreadPoolExecutor(1) as pool:
            job = pool.submit(lambda: list(map_tiles(client, _wait_for_file, items, cancelled=cancelled)))
            time.sleep(0.5)
            assert not job.done()
            t0 = time.perf_counter()
            cancelled.set()
            with pytest.raises(JobCancelled, match=r"0 of 6 tiles done"):
                job.result(timeout=10)
            assert time.perf_counter() - t0 < 2.0
        # the scheduler forgets every task of the job (running ones are released, queued ones never start)
        deadline = time.monotonic() + 10
        while _job_tasks(client):
            assert time.monotonic() < deadline, f"tasks left on the scheduler: {_job_tasks(client)}"
            time.sleep(0.05)
    finally:
        open(stop, "w").close()


def _job_tasks(client):
    return client.run_on_scheduler(
        lambda dask_scheduler: [k for k in dask_scheduler.tasks if "_wait_for_file" in str(k)])


def test_cancelled_before_start_raises_at_once(client):
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(JobCancelled):
        list(map_tiles(client, _square, [(1, 0.0)], cancelled=cancelled))


def test_refuses_proxies_and_bad_arguments(client):
    import gpucompute as wf

    with pytest.raises(ProxyUsageError, match="item 1 holds a proxy"):
        list(map_tiles(client, _square, [(1, 0.0), (wf.Int(2), 0.0)]))
    with pytest.raises(ProxyUsageError, match="must be tuples"):
        list(map_tiles(client, _square, [[1, 0.0]]))
    with pytest.raises(ConfigError, match="retries"):
        list(map_tiles(client, _square, [(1, 0.0)], retries=-1))
