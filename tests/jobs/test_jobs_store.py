"""The job store: records and no-pickle results on disk, and Job.get across processes."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import textwrap
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

import gpucompute as wf
from gpucompute.errors import GraftNameError, JobComputeError, JobError
from gpucompute.execution import _job_store as store
from gpucompute.execution.jobs import Job
from gpucompute.execution.saved import dumps_proxy, loads_proxy
from gpucompute.graft.hashing import content_hash

REPO = Path(__file__).resolve().parents[2]


def _run_in_subprocess(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO), GPUCOMPUTE_BACKEND="numpy")
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_codec_round_trips_results_without_pickle(tmp_path, imagery, rng):
    from gpucompute.dc import DotDict

    image = wf.Image.from_id(imagery.image_ids[1]).compute(imagery.geoctx, cache=False)
    stack = wf.ImageCollection.from_id(imagery.product_id).compute(imagery.geoctx, cache=False)
    masked = np.ma.MaskedArray(rng.random((3, 4)), mask=rng.random((3, 4)) < 0.3)
    value = {"image": image, "stack": stack, "dot": DotDict(ndarray=masked, properties=[{"a": 1}]),
             "nested": [1, 2.5, "x", None, True, (np.float32(1.5), np.int64(7))],
             "when": datetime.datetime(2023, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
             "delta": datetime.timedelta(days=2, seconds=3), "dtype": np.dtype("float32"), "raw": b"\x00\x01",
             "odict": OrderedDict(b=1, a=2), 3: slice(1, None, 2)}
    store.save_value(tmp_path / "v", value)
    back = store.load_value(tmp_path / "v")
    for name in ("image", "stack"):
        assert type(back[name]) is type(value[name])
        np.testing.assert_array_equal(back[name].ndarray.filled(-1), value[name].ndarray.filled(-1))
        np.testing.assert_array_equal(back[name].ndarray.mask, value[name].ndarray.mask)
        assert back[name].properties == value[name].properties and back[name].bandinfo == value[name].bandinfo
    assert type(back["dot"]) is DotDict and back["dot"].properties == [{"a": 1}]
    np.testing.assert_array_equal(back["dot"].ndarray.mask, masked.mask)
    assert back["nested"] == value["nested"] and type(back["nested"][5][0]) is np.float32
    assert {k: back[k] for k in ("when", "delta", "dtype", "raw", 3)} == {k: value[k] for k in ("when", "delta",
                                                                                               "dtype", "raw", 3)}
    assert type(back["odict"]) is OrderedDict and list(back["odict"]) == ["b", "a"]
    with np.load(tmp_path / "v" / "arrays.npz", allow_pickle=False) as npz:  # nothing in it needs pickle
        assert all(npz[name].dtype != object for name in npz.files)


@pytest.mark.parametrize("bad", [object(), np.array([{"a": 1}], dtype=object), {"k": lambda: 1}])
def test_codec_refuses_what_needs_pickle(tmp_path, bad):
    with pytest.raises(store.NotStorable):
        store.save_value(tmp_path / "v", bad)
    assert not (tmp_path / "v").exists()


def test_record_follows_the_job():
    p = wf.parameter("p", wf.Int)
    expr = p + 40
    job = expr.compute(block=False, p=2)
    assert job.result(timeout=30) == 42
    record = json.loads((store.jobs_dir() / f"{job.id}.json").read_text())
    assert record["status"] == "succeeded" and record["stage"] == "done" and record["arguments"] == {"p": 2}
    assert record["type"] == "Int" and record["error"] is None and record["runtime"] >= 0
    assert json.loads(record["object"])["graft"] == json.loads(json.dumps(expr.graft))
    assert store.load_result(job.id) == 42


def test_get_loads_a_job_finished_by_another_process(imagery, same_result):
    img = wf.ImageCollection.from_id(imagery.product_id).pick_bands("nir red")
    job_id = _run_in_subprocess(f"""
        import gpucompute as wf
        img = wf.ImageCollection.from_id({imagery.product_id!r}).pick_bands("nir red")
        import json
        from gpucompute.geo import GeoContext
        ctx = GeoContext.from_dict(json.loads({json.dumps(imagery.geoctx.to_dict())!r}))
        job = img.compute(ctx, block=False)
        job.result(timeout=60)
        print(job.id)
    """)
    job = Job.get(job_id)
    assert type(job).__name__ == "StoredJob" and job.status == "succeeded" and job.done
    same_result(job.result(timeout=30), img.compute(imagery.geoctx))
    assert content_hash(job.object.graft) == content_hash(loads_proxy(dumps_proxy(img)).graft)
    assert job.geoctx == json.loads(json.dumps(imagery.geoctx.to_dict()))
    job.refresh()
    job.cancel()  # finished: nothing to do


def test_get_a_failed_job_of_another_process():
    job_id = _run_in_subprocess("""
        import gpucompute as wf
        job = wf.Int._from_apply("no.such.builtin").compute(block=False)
        try:
            job.result(timeout=60)
        except Exception:
            pass
        print(job.id)
    """)
    job = Job.get(job_id)
    assert job.status == "failed"
    with pytest.raises(JobComputeError, match="no.such.builtin") as info:
        job.result()
    assert isinstance(info.value.error, GraftNameError)


def test_stored_job_without_result_or_with_a_dead_process():
    job = Job(wf.Int(1) + 1, on_device=True)
    job.result(timeout=30)
    record = json.loads((store.jobs_dir() / f"{job.id}.json").read_text())
    assert "on_device" in record["result_note"]
    with pytest.raises(JobError, match="not available"):
        store.StoredJob(record).result()
    record.update(id="ab" * 16, status="running", stage="computing", finished=None, pid=2**22 + 12345)
    store.write_record(record)
    orphan = Job.get("ab" * 16)
    assert orphan.status == "failed" and "ended" in str(orphan.error)
