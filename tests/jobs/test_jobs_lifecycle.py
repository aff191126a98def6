"""Jobs in this process: block=False, status/stage/progress, cancel, timeouts, failures, progress bars."""

from __future__ import annotations

import re
import sys
import time
import types

import pytest

import gpucompute as wf
from gpucompute.errors import (
    ConfigError,
    GraftNameError,
    JobCancelled,
    JobComputeError,
    JobTimeoutError,
    NotFoundError,
    ParameterError,
    ProxyTypeError,
    ProxyUsageError,
)
from gpucompute.execution import jobs
from gpucompute.execution.jobs import Job


def _until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def _image(imagery, k=0):
    return wf.Image.from_id(imagery.image_ids[k]).pick_bands("red nir")


def _failing():
    return wf.Int._from_apply("no.such.builtin")


def test_block_false_returns_a_job_with_the_blocking_result(imagery, same_result):
    img = _image(imagery)
    job = img.compute(imagery.geoctx, block=False, cache=False)
    assert isinstance(job, Job) and re.fullmatch(r"[0-9a-f]{32}", job.id)
    same_result(job.result(timeout=30), img.compute(imagery.geoctx, cache=False))
    assert (job.status, job.stage, job.progress, job.done, job.cancelled) == ("succeeded", "done", 1.0, True, False)
    assert job.runtime >= 0 and job.error is None
    assert job.object is img and job.geoctx is imagery.geoctx and job.format == "python"


def test_lists_and_parameters_go_through_jobs():
    p = wf.parameter("p", wf.Int)
    job = wf.compute([p + 1, wf.Int(5), p * 3], block=False, p=2)
    assert job.result(timeout=30) == [3, 5, 6] and job.arguments == {"p": 2}
    assert Job(p * 2, p=4).result(timeout=30) == 8
    with pytest.raises(ParameterError, match="'p'"):
        (p * 2).compute(block=False)  # checked when the job is made, not later
    with pytest.raises(ProxyTypeError):
        Job(3)


def test_status_stage_and_progress_follow_the_tiles(imagery, fake_tiling, monkeypatch, same_result):
    seen = []
    real = Job._save_record
    monkeypatch.setattr(Job, "_save_record", lambda self: seen.append((self.status, self.stage)) or real(self))
    img = _image(imagery)
    job = img.compute(imagery.geoctx, block=False, memory_budget=10, cache=False)
    assert fake_tiling.entered.acquire(timeout=20)
    assert (job.status, job.stage, job.progress, job.done) == ("running", "computing", 0.0, False)
    for k in range(1, fake_tiling.tiles + 1):
        fake_tiling.allow.release()
        _until(lambda k=k: job.progress >= k / fake_tiling.tiles or job.done)
    same_result(job.result(timeout=30), img.compute(imagery.geoctx, cache=False))
    assert seen[0] == ("pending", "queued") and seen[-1] == ("succeeded", "done")
    assert ("running", "planning") in seen and ("running", "computing") in seen
    assert seen.index(("running", "planning")) < seen.index(("running", "computing"))
    call = fake_tiling.calls[0]
    assert call["memory_budget"] == 10 and call["arguments"] == {} and call["cluster"] is None


def test_cancel_mid_way_stops_between_tiles(imagery, fake_tiling):
    job = _image(imagery).compute(imagery.geoctx, block=False, memory_budget=10)
    assert fake_tiling.entered.acquire(timeout=20)
    fake_tiling.allow.release()
    _until(lambda: job.progress > 0)
    job.cancel()
    fake_tiling.allow.release()
    with pytest.raises(JobCancelled):
        job.result(timeout=30)
    assert job.status == "cancelled" and job.cancelled and job.done and job.progress < 1


def test_cancel_before_start_never_runs(imagery, fake_tiling):
    busy = [_image(imagery).compute(imagery.geoctx, block=False, memory_budget=10)
            for _ in range(jobs._executor()._max_workers)]
    for _ in busy:
        assert fake_tiling.entered.acquire(timeout=20)
    waiting = _image(imagery).compute(imagery.geoctx, block=False, memory_budget=10)
    assert (waiting.status, waiting.stage, waiting.runtime) == ("pending", "queued", None)
    waiting.cancel()
    assert waiting.status == "cancelled"
    fake_tiling.release_all()
    for job in busy:
        job.result(timeout=30)
    with pytest.raises(JobCancelled):
        waiting.result(timeout=5)
    assert len(fake_tiling.calls) == len(busy)  # the cancelled job never reached compute_tiled


def test_timeouts(imagery, fake_tiling, same_result):
    job = _image(imagery).compute(imagery.geoctx, block=False, memory_budget=10)
    with pytest.raises(JobTimeoutError, match=job.id):
        job.result(timeout=0.1)
    assert not job.done  # it keeps running
    with pytest.raises(JobTimeoutError) as info:
        _image(imagery).compute(imagery.geoctx, timeout=0.1, memory_budget=10)
    other = Job.get(re.search(r"job ([0-9a-f]{32})", str(info.value)).group(1))
    fake_tiling.release_all()
    same_result(other.result(timeout=30), job.result(timeout=30))


def test_failures_raise_job_compute_error_with_the_cause():
    job = _failing().compute(block=False)
    with pytest.raises(JobComputeError, match="GraftNameError") as info:
        job.result(timeout=30)
    assert isinstance(info.value.error, GraftNameError) and info.value.__cause__ is info.value.error
    assert job.status == "failed" and job.error is info.value.error
    with pytest.raises(JobComputeError):
        job.wait()
    with pytest.raises(GraftNameError):  # blocking computes raise the error itself, job or not
        _failing().compute(timeout=30)
    with pytest.raises(GraftNameError):
        _failing().compute()


def test_get_finds_jobs_of_this_process():
    job = (wf.Int(2) * 21).compute(block=False)
    assert Job.get(job.id) is job and job.result(timeout=30) == 42
    with pytest.raises(NotFoundError):
        Job.get("0" * 32)
    with pytest.raises(NotFoundError):
        Job.get("not an id")


def test_ctrl_c_while_waiting_cancels_the_job(imagery, fake_tiling):
    job = _image(imagery).compute(imagery.geoctx, block=False, memory_budget=10)
    assert fake_tiling.entered.acquire(timeout=20)

    def interrupted(timeout=None):
        raise KeyboardInterrupt

    job._done_event.wait = interrupted
    with pytest.raises(KeyboardInterrupt):
        job.result()
    del job._done_event.wait
    fake_tiling.release_all()
    with pytest.raises(JobCancelled):
        job.result(timeout=30)


def test_tiling_dispatch(imagery, fake_tiling, monkeypatch):
    img = _image(imagery)
    img.compute(imagery.geoctx, memory_budget=10**9)  # fits: computed in one piece
    assert fake_tiling.calls == []
    fake_tiling.release_all()
    img.compute(imagery.geoctx, cluster="local", format="npy")
    assert fake_tiling.calls[-1]["cluster"] == "local" and fake_tiling.calls[-1]["format"] == "npy"
    monkeypatch.setitem(sys.modules, "gpucompute.execution.tiled", None)  # the module is missing
    with pytest.raises(ConfigError, match="tiled"):
        img.compute(imagery.geoctx, cluster="local")
    with pytest.raises(ConfigError, match="tiled"):
        img.compute(imagery.geoctx, memory_budget=10)
    assert img.compute(imagery.geoctx).ndarray.shape[0] == 2  # the default needs no tiling module


def test_progress_bar_only_when_asked_or_in_a_notebook(capsys, monkeypatch):
    assert (wf.Int(1) + 1).compute(progress_bar=True) == 2
    err = capsys.readouterr().err
    assert "Job ID: " in err and "Status: succeeded" in err and "Stage: done" in err
    assert (wf.Int(1) + 2).compute() == 3
    job = (wf.Int(1) + 3).compute(block=False)
    job.wait(timeout=30)
    assert capsys.readouterr() == ("", "")
    job.wait(progress_bar=True)
    assert "Steps: 1/1" in capsys.readouterr().err
    assert not jobs.in_notebook()
    for name, expected in (("ZMQInteractiveShell", True), ("TerminalInteractiveShell", False)):
        shell = type(name, (), {"config": {}})()
        monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda s=shell: s))
        assert jobs.in_notebook() is expected


def test_destination_and_inspect():
    with pytest.raises(ProxyUsageError, match="destination"):
        wf.Int(1).compute(destination="email")
    assert wf.Int(1).compute(destination="download") == 1
    assert (wf.Int(4) - 1).inspect(timeout=30) == 3
    assert wf.inspect(wf.Int(4), cache=False) == 4
