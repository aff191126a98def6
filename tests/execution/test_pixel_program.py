"""The pixel program: lazy reads, one read per image set, padding to buckets, one compile per structure."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute.execution import pixels as px
from gpucompute.types.imagecollection import ImageCollection


def test_buckets_are_powers_of_two_then_multiples_of_eight():
    assert [px.bucket(n) for n in (0, 1, 2, 3, 4, 5, 8, 9, 17, 20, 24, 25)] == [0, 1, 2, 4, 4, 8, 8, 16, 24, 24, 24, 32]


def test_collection_reads_the_fixture_values(imagery, backend):
    result = ImageCollection.from_id(imagery.product_id).compute(imagery.geoctx)
    assert result.ndarray.shape == imagery.data.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(result.ndarray), np.ma.getmaskarray(imagery.data))
    np.testing.assert_allclose(result.ndarray.filled(0), imagery.data.filled(0), rtol=1e-6)
    assert [p["id"] for p in result.properties] == imagery.image_ids
    assert list(result.bandinfo) == imagery.bands


def test_date_range_and_limit_filter_in_the_plan(imagery, backend):
    start, end = imagery.dates[1], imagery.dates[4]
    result = ImageCollection.from_id(imagery.product_id, start_datetime=start.isoformat(),
                                     end_datetime=end.isoformat(), limit=2).compute(imagery.geoctx)
    assert [p["id"] for p in result.properties] == imagery.image_ids[1:3]
    np.testing.assert_allclose(result.ndarray.filled(0), imagery.data[1:3].filled(0), rtol=1e-6)


def test_an_area_without_images_gives_an_empty_collection(imagery, backend):
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    result = ImageCollection.from_id(imagery.product_id).compute(far)
    assert result.ndarray is None and result.properties == []


def _read_leaf(imagery, n_images, bands):
    from gpucompute.catalog import Image

    images = tuple(Image.get(i) for i in imagery.image_ids[:n_images])
    return px.read(px.ReadSpec(images, tuple(bands), imagery.geoctx))


@px.pixel_op("test.scale_sum_images")
def _scale_sum_images(stack, factor):
    from gpucompute import array as ga

    return ga.sum(stack * factor, axis=0)


def test_reads_of_one_image_set_are_grouped(imagery, backend, monkeypatch):
    from gpucompute.execution import _pixel_inputs

    calls = []
    real = _pixel_inputs.read_host
    monkeypatch.setattr(_pixel_inputs, "read_host", lambda spec: calls.append(spec.bands) or real(spec))
    red, nir = _read_leaf(imagery, 3, ["red"]), _read_leaf(imagery, 3, ["nir"])
    out_red, out_nir = px.materialize([red, nir])
    assert calls == [("red", "nir")]
    np.testing.assert_allclose(out_red.to_numpy().filled(0), imagery.data[:3, :1].filled(0), rtol=1e-6)
    np.testing.assert_allclose(out_nir.to_numpy().filled(0), imagery.data[:3, 3:4].filled(0), rtol=1e-6)


def test_unused_leaves_are_never_read(imagery, backend, monkeypatch):
    from gpucompute.execution import _pixel_inputs

    calls = []
    real = _pixel_inputs.read_host
    monkeypatch.setattr(_pixel_inputs, "read_host", lambda spec: calls.append(spec.bands) or real(spec))
    used, _unused = _read_leaf(imagery, 2, ["green"]), _read_leaf(imagery, 4, ["blue"])
    px.materialize([used])
    assert calls == [("green",)]


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_one_compile_per_bucket_over_twenty_tiles(imagery, backend):
    counts = [1, 2, 3, 4, 5, 6] * 3 + [2, 5]  # 20 "tiles" with varying scene counts: buckets 1, 2, 4, 8
    px.clear_cache()
    before = px.compile_count()
    for n in counts:
        leaf = _read_leaf(imagery, n, ["red", "nir"])
        node = px.apply("test.scale_sum_images", leaf, 2.0, shape=leaf.shape[1:])
        (out,) = px.materialize([node])
        expected = (imagery.data[:n, [0, 3]] * np.float32(2.0)).sum(axis=0)
        np.testing.assert_allclose(out.to_numpy().filled(0), expected.filled(0), rtol=1e-5)
        np.testing.assert_array_equal(np.ma.getmaskarray(out.to_numpy()), np.ma.getmaskarray(expected))
    assert px.compile_count() - before == len({px.bucket(n) for n in counts}) == 4


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_padded_collections_come_back_trimmed(imagery, backend):
    leaf = _read_leaf(imagery, 3, ["red"])
    (out,) = px.materialize([leaf])
    assert out.shape[0] == 3
