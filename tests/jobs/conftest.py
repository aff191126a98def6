"""Fixtures of the job and cache tests: a controllable stand-in for the tiling module."""

from __future__ import annotations

import sys
import threading
import types

import numpy as np
import pytest

from gpucompute.errors import JobCancelled


class FakeTiling:
    """``needs_tiling``/``compute_tiled`` that tile only below a budget and wait for permission per tile."""

    def __init__(self, tiles: int = 4) -> None:
        self.tiles = tiles
        self.calls: list[dict] = []
        self.allow = threading.Semaphore(0)
        self.entered = threading.Semaphore(0)

    def needs_tiling(self, obj, geoctx, memory_budget, *, arguments=None):
        return memory_budget is not None and memory_budget < 1000

    def compute_tiled(self, obj, geoctx, *, arguments, memory_budget=None, file=None, format="python",
                      cluster=None, progress, cancelled):
        from gpucompute.execution.compute import run_compute

        self.calls.append(dict(obj=obj, geoctx=geoctx, arguments=arguments, memory_budget=memory_budget, file=file,
                               format=format, cluster=cluster))
        self.entered.release()
        for k in range(self.tiles):
            if not self.allow.acquire(timeout=20):
                raise RuntimeError("the test never let the tile run")
            if cancelled.is_set():
                raise JobCancelled("cancelled between tiles")
            progress(k + 1, self.tiles)
        return run_compute(obj, geoctx, arguments=arguments, format=format, file=file, cache=False)

    def release_all(self) -> None:
        for _ in range(1000):
            self.allow.release()


@pytest.fixture(autouse=True)
def _own_home(tmp_path, monkeypatch):
    """Job records go to a temporary home (tests that use ``imagery`` switch to its home afterwards)."""
    from gpucompute.catalog import reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "home"))
    reset_catalog()
    yield
    reset_catalog()


@pytest.fixture
def fake_tiling(monkeypatch):
    """Installs a fake ``gpucompute.execution.tiled``; lets every waiting tile go at teardown."""
    fake = FakeTiling()
    module = types.ModuleType("gpucompute.execution.tiled")
    module.needs_tiling = fake.needs_tiling
    module.compute_tiled = fake.compute_tiled
    monkeypatch.setitem(sys.modules, "gpucompute.execution.tiled", module)
    yield fake
    fake.release_all()


@pytest.fixture
def fresh_cache():
    """An empty result cache before and after the test."""
    from gpucompute.execution import cache

    cache.clear()
    yield cache
    cache.clear()


def _assert_same_result(got, expected):
    np.testing.assert_array_equal(np.ma.getmaskarray(got.ndarray), np.ma.getmaskarray(expected.ndarray))
    np.testing.assert_array_equal(np.ma.getdata(got.ndarray), np.ma.getdata(expected.ndarray))
    assert got.properties == expected.properties
    if hasattr(expected, "bandinfo"):
        assert dict(got.bandinfo) == dict(expected.bandinfo)
        assert got.geocontext == expected.geocontext


@pytest.fixture
def same_result():
    """``check(got, expected)``: two imagery results are equal in data, mask and metadata."""
    return _assert_same_result
