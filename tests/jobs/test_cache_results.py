"""The result cache: hits read nothing, misses on any change of input, LRU budget, disk across processes."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import gpucompute as wf
from gpucompute.errors import ConfigError
from gpucompute.execution import cache as rc

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def reads(monkeypatch):
    """The band tuples read_host was asked for."""
    from gpucompute.execution import _pixel_inputs

    calls = []
    real = _pixel_inputs.read_host
    monkeypatch.setattr(_pixel_inputs, "read_host", lambda spec: calls.append(spec.bands) or real(spec))
    return calls


def _ndvi(imagery):
    nir, red = wf.ImageCollection.from_id(imagery.product_id).unpack_bands("nir red")
    return (nir - red) / (nir + red)


def test_identical_compute_reads_nothing_and_returns_a_private_copy(imagery, backend, fresh_cache, reads,
                                                                     same_result):
    first = _ndvi(imagery).compute(imagery.geoctx)
    assert reads
    reads.clear()
    second = _ndvi(imagery).compute(imagery.geoctx)  # a new proxy with the same content
    assert reads == []
    same_result(second, first)
    second.ndarray[...] = 99.0
    second.properties.clear()
    third = _ndvi(imagery).compute(imagery.geoctx)
    same_result(third, first)
    assert reads == [] and rc.stats()["hits"] >= 2


def test_cache_false_and_on_device_bypass(imagery, fresh_cache, reads):
    img = _ndvi(imagery)
    img.compute(imagery.geoctx)
    reads.clear()
    img.compute(imagery.geoctx, cache=False)
    assert reads
    entries, misses = rc.stats()["entries"], rc.stats()["misses"]
    reads.clear()
    img.compute(imagery.geoctx, on_device=True)  # not a host value: no result lookup or entry
    assert rc.stats()["entries"] == entries and rc.stats()["misses"] == misses
    assert reads == []  # its leaf was read above and comes from the read cache


def test_a_different_geoctx_or_parameter_misses(imagery, fresh_cache, reads):
    threshold = wf.parameter("threshold", wf.Float)
    masked = _ndvi(imagery).mask(_ndvi(imagery) < threshold)
    a = masked.compute(imagery.geoctx, threshold=0.1)
    n = len(reads)
    masked.compute(imagery.geoctx, threshold=0.1)
    assert len(reads) == n
    misses = rc.stats()["misses"]
    b = masked.compute(imagery.geoctx, threshold=0.5)
    assert rc.stats()["misses"] > misses  # a new result...
    assert len(reads) == n  # ...over the same, cached, read
    assert a.ndarray.mask.sum() <= b.ndarray.mask.sum()
    n = len(reads)
    smaller = imagery.geoctx.replace(resolution=imagery.geoctx.resolution * 2)
    masked.compute(smaller, threshold=0.1)
    assert len(reads) > n


def test_a_catalog_change_misses(tmp_path, monkeypatch, fresh_cache, reads):
    from gpucompute.catalog import Image, reset_catalog
    from gpucompute.testing.imagery import build_imagery_product

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "own"))
    reset_catalog()
    fixture = build_imagery_product("test:cache", n_images=2, shape=(8, 8))
    col = wf.ImageCollection.from_id(fixture.product_id)
    token = rc.catalog_token()
    assert col.compute(fixture.geoctx).ndarray.shape[0] == 2
    n = len(reads)
    col.compute(fixture.geoctx)
    assert len(reads) == n and rc.catalog_token() == token
    first = Image.get(fixture.image_ids[0])
    extra = Image(product_id=fixture.product_id, name="img-extra", acquired=datetime.datetime(2023, 6, 1),
                  cs_code=first.cs_code, geotrans=first.geotrans)
    extra.upload_ndarray(np.full((4, 8, 8), 500, dtype=np.uint16))
    assert rc.catalog_token() != token
    assert col.compute(fixture.geoctx).ndarray.shape[0] == 3 and len(reads) > n
    token, n = rc.catalog_token(), len(reads)
    extra.cloud_fraction = 0.9
    extra.save()
    assert rc.catalog_token() != token
    col.compute(fixture.geoctx)
    assert len(reads) > n
    reset_catalog()


def test_lru_evicts_under_the_byte_budget(rng, monkeypatch):
    arrays = [rng.random(1000) for _ in range(4)]  # 8000 bytes each
    size = rc.value_nbytes(arrays[0])
    cache = rc.ResultCache(max_bytes=3 * size)
    for k, arr in enumerate(arrays[:3]):
        cache.put(f"k{k}", arr)
    assert cache.get("k0")[0]  # k0 is now the most recently used
    cache.put("k3", arrays[3])
    assert [key for key in ("k0", "k1", "k2", "k3") if key in cache] == ["k0", "k2", "k3"]
    assert cache.nbytes == 3 * size
    cache.put("big", rng.random(10_000))  # larger than the whole budget: not kept, nothing evicted
    assert "big" not in cache and len(cache) == 3
    _, value = cache.get("k2")
    np.testing.assert_array_equal(value, arrays[2])
    value[:] = 0
    np.testing.assert_array_equal(cache.get("k2")[1], arrays[2])
    monkeypatch.setenv(rc.BYTES_ENV, "0")
    assert rc.RESULTS.max_bytes == 0
    monkeypatch.setenv(rc.BYTES_ENV, "lots")
    with pytest.raises(ConfigError, match="lots"):
        _ = rc.RESULTS.max_bytes


def test_the_memory_budget_applies_to_compute(imagery, fresh_cache, reads, monkeypatch):
    monkeypatch.setenv(rc.BYTES_ENV, "1000")
    _ndvi(imagery).compute(imagery.geoctx)
    n = len(reads)
    _ndvi(imagery).compute(imagery.geoctx)
    assert len(reads) > n and len(rc.RESULTS) == 0


def test_the_disk_cache_survives_a_cleared_memory_and_a_new_process(imagery, fresh_cache, reads, tmp_path,
                                                                     monkeypatch, same_result):
    monkeypatch.setenv(rc.DIR_ENV, str(tmp_path / "cache"))
    first = _ndvi(imagery).compute(imagery.geoctx)
    assert len(list((tmp_path / "cache").iterdir())) == 1
    rc.clear()
    reads.clear()
    same_result(_ndvi(imagery).compute(imagery.geoctx), first)
    assert reads == [] and rc.stats()["disk_hits"] == 1
    from gpucompute.config import get_backend

    code = f"""
        import json
        import gpucompute as wf
        from gpucompute.execution import _pixel_inputs, cache
        from gpucompute.geo import GeoContext
        calls = []
        real = _pixel_inputs.read_host
        _pixel_inputs.read_host = lambda spec: calls.append(1) or real(spec)
        ctx = GeoContext.from_dict(json.loads({__import__("json").dumps(imagery.geoctx.to_dict())!r}))
        nir, red = wf.ImageCollection.from_id({imagery.product_id!r}).unpack_bands("nir red")
        result = ((nir - red) / (nir + red)).compute(ctx)
        print(len(calls), cache.stats()["disk_hits"], float(result.ndarray.sum()))
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), GPUCOMPUTE_BACKEND=get_backend().name)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr
    n_reads, disk_hits, total = done.stdout.split()
    assert (int(n_reads), int(disk_hits)) == (0, 1)
    assert float(total) == pytest.approx(float(first.ndarray.sum()))
    rc.clear(disk=True)
    assert list((tmp_path / "cache").iterdir()) == []


def test_small_values_without_geoctx_are_not_kept(fresh_cache):
    assert (wf.Int(2) + 3).compute() == 5
    assert rc.stats()["entries"] == 0
    big = wf.Array(np.zeros(300_000, dtype=np.float32)) + 1  # over CACHE_MIN_BYTES
    big.compute()
    assert rc.stats()["entries"] == 1


def test_reads_shared_by_different_computations_are_read_once(imagery, backend, fresh_cache, reads):
    """Another expression over the same images, bands and grid reuses the cached read (a cached subgraph)."""
    col = wf.ImageCollection.from_id(imagery.product_id)
    nir, red = col.unpack_bands("nir red")
    ndvi = ((nir - red) / (nir + red)).compute(imagery.geoctx)
    assert reads
    reads.clear()
    ratio = (nir / red).compute(imagery.geoctx)  # a different result over the same leaf
    assert reads == []
    data = imagery.data  # the numpy.ma oracle, (images, bands, y, x)
    names = list(imagery.bands)
    n, r = data[:, names.index("nir")], data[:, names.index("red")]
    np.testing.assert_allclose(ratio.ndarray[:, 0].filled(np.nan), (n / r).filled(np.nan), rtol=1e-6)
    np.testing.assert_allclose(ndvi.ndarray[:, 0].filled(np.nan), ((n - r) / (n + r)).filled(np.nan), rtol=1e-6)
    (nir / red).compute(imagery.geoctx, cache=False)
    assert reads, "cache=False reads again"


def test_tiled_work_does_not_fill_the_read_cache(imagery, fresh_cache, reads):
    col = wf.ImageCollection.from_id(imagery.product_id).pick_bands("red")
    col.compute(imagery.geoctx, memory_budget=20_000, cache=True)
    assert reads
    assert rc.stats()["entries"] == 0
