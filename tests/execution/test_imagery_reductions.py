"""Imagery reductions and composites against numpy.ma on the imagery test product (every backend)."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute.execution import pixels as px
from gpucompute.types.geometry import Geometry
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection

OPS = ("min", "max", "mean", "median", "sum", "std", "count")
#: axis -> (array axes of (images, bands, y, x), kind of result)
COLLECTION_AXES = {
    None: ((0, 1, 2, 3), "float"), "images": ((0,), "image"), "bands": ((1,), "collection"),
    "pixels": ((2, 3), "list_dict"), ("images", "pixels"): ((0, 2, 3), "dict"),
    ("bands", "pixels"): ((1, 2, 3), "list_float"), ("images", "bands"): ((0, 1), "image"),
    ("images", "bands", "pixels"): ((0, 1, 2, 3), "float"),
}
#: the same for an image (bands, y, x)
IMAGE_AXES = {None: ((0, 1, 2), "float"), "pixels": ((1, 2), "dict"), "bands": ((0,), "image"),
              ("pixels", "bands"): ((0, 1, 2), "float")}
FAR_AWAY = {"type": "Polygon", "coordinates": [[[10.0, 10.0], [10.1, 10.0], [10.1, 10.1], [10.0, 10.1], [10.0, 10.0]]]}
# Float32 sums of ~20k values and float32 variances: a few ulps of accumulated error.
TOL = {"rtol": 5e-5, "atol": 1e-6}


def _oracle(data: np.ma.MaskedArray, op: str, axes: tuple, keepdims: bool) -> np.ma.MaskedArray:
    data = data.astype(np.float64)
    if op == "count":
        return np.ma.MaskedArray(data.count(axis=axes, keepdims=keepdims).astype(np.float64))
    if op == "median":  # np.ma.median takes one axis: move the reduced axes to the end, flattened
        rest = [a for a in range(data.ndim) if a not in axes]
        moved = np.ma.MaskedArray.transpose(data, rest + list(axes))
        flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
        out = np.ma.median(flat, axis=-1)
        if keepdims:
            out = np.ma.expand_dims(out, axes)
        return np.ma.asarray(out)
    return np.ma.asarray(getattr(np.ma, op)(data, axis=axes, keepdims=keepdims))


def _as_array(result, kind: str, bands: list[str]) -> np.ma.MaskedArray:
    if kind == "float":
        return np.ma.MaskedArray(np.asarray(result, dtype=np.float64))
    if kind == "dict":
        assert list(result) == bands
        return np.ma.MaskedArray([result[b] for b in bands])
    if kind == "list_dict":
        assert all(list(d) == bands for d in result)
        return np.ma.MaskedArray([[d[b] for b in bands] for d in result])
    if kind == "list_float":
        return np.ma.MaskedArray(result, dtype=np.float64)
    return result.ndarray


def _check(result, kind, data, op, axes, bands):
    imagery = kind in ("image", "collection")
    expected = _oracle(data, op, axes, keepdims=imagery and (1 if data.ndim == 4 else 0) in axes)
    if kind == "image" and data.ndim == 4 and 1 in axes:
        expected = expected[0]  # images+bands: one image with one band
    got = _as_array(result, kind, bands)
    assert got.shape == expected.shape
    if imagery:
        np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(expected))
        np.testing.assert_allclose(got.filled(0), expected.filled(0), **TOL)
    else:  # masked statistics come back as NaN
        np.testing.assert_allclose(got.filled(np.nan), expected.filled(np.nan), equal_nan=True, **TOL)


def _cases(backend_name: str):
    """Every (op, axis) on NumPy; on JAX (a compile each) every axis of one op and every op per image and band."""
    for op in OPS:
        for axis in COLLECTION_AXES:
            if backend_name == "numpy" or op == "mean" or axis == "pixels":
                yield op, axis


def test_collection_reductions_match_numpy_ma(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    for op, axis in _cases(backend.name):
        axes, kind = COLLECTION_AXES[axis]
        result = getattr(ic, op)(axis=axis).compute(imagery.geoctx)
        _check(result, kind, imagery.data, op, axes, imagery.bands)
        if kind in ("list_dict", "list_float", "collection"):
            assert len(result) == imagery.data.shape[0]  # padded images never come back


def test_image_reductions_match_numpy_ma(imagery, backend):
    img = Image.from_id(imagery.image_ids[2])
    ops = OPS if backend.name == "numpy" else ("median", "count")
    for op in ops:
        for axis, (axes, kind) in IMAGE_AXES.items():
            result = img.reduction(op, axis=axis).compute(imagery.geoctx)
            _check(result, kind, imagery.data[2], op, axes, imagery.bands)


def test_reduced_metadata(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    temporal = ic.mean(axis="images").compute(imagery.geoctx)
    assert list(temporal.bandinfo) == imagery.bands
    assert temporal.properties["product"] == imagery.product_id
    assert "id" not in temporal.properties and "index" not in temporal.properties  # they differ between images
    per_image = ic.std(axis="bands").compute(imagery.geoctx)
    assert list(per_image.bandinfo) == ["std"]
    assert [p["id"] for p in per_image.properties] == imagery.image_ids
    assert list(ic.count(axis=("images", "bands")).compute(imagery.geoctx).bandinfo) == ["count"]
    img = Image.from_id(imagery.image_ids[0]).max(axis="bands").compute(imagery.geoctx)
    assert list(img.bandinfo) == ["max"] and img.properties["id"] == imagery.image_ids[0]


def test_fewer_images_than_the_bucket(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id, limit=3)  # padded to 4 on JAX
    for axis in ("pixels", ("bands", "pixels"), "images"):
        axes, kind = COLLECTION_AXES[axis]
        _check(ic.median(axis=axis).compute(imagery.geoctx), kind, imagery.data[:3], "median", axes, imagery.bands)


def test_all_masked_values(imagery, backend):
    hidden = ImageCollection.from_id(imagery.product_id).mask(Geometry.from_geojson(FAR_AWAY))
    assert np.isnan(hidden.mean().compute(imagery.geoctx))
    assert hidden.count().compute(imagery.geoctx) == 0.0
    sums = hidden.sum(axis=("images", "pixels")).compute(imagery.geoctx)
    assert list(sums) == imagery.bands and all(np.isnan(v) for v in sums.values())
    composite = hidden.median(axis="images").compute(imagery.geoctx)
    assert composite.ndarray.mask.all()


def test_empty_values_give_empties_of_each_type(imagery, backend):
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    ic = ImageCollection.from_id(imagery.product_id)
    assert np.isnan(ic.mean().compute(far))
    assert ic.mean(axis=("images", "pixels")).compute(far) == {}
    assert ic.mean(axis="pixels").compute(far) == [] and ic.mean(axis=("bands", "pixels")).compute(far) == []
    assert ic.mean(axis="images").compute(far).ndarray is None
    assert ic.mean(axis="bands").compute(far).ndarray is None
    assert ic.mosaic().compute(far).ndarray is None
    assert ic.sortby_composite("red").compute(far).ndarray is None


def _mosaic_oracle(data: np.ma.MaskedArray, reverse: bool) -> np.ma.MaskedArray:
    order = range(data.shape[0] - 1, -1, -1) if reverse else range(data.shape[0])
    values, masked = np.zeros(data.shape[1:], np.float32), np.ones(data.shape[1:], bool)
    for t in order:  # paint bottom to top: a later valid pixel covers what is under it
        valid = ~np.ma.getmaskarray(data[t])
        values = np.where(valid, data[t].filled(0), values)
        masked &= ~valid
    return np.ma.MaskedArray(values, masked)


@pytest.mark.parametrize("reverse", [False, True])
def test_mosaic(imagery, backend, reverse):
    ic = ImageCollection.from_id(imagery.product_id)
    result = ic.mosaic(reverse=reverse).compute(imagery.geoctx)
    expected = _mosaic_oracle(imagery.data, reverse)
    np.testing.assert_array_equal(result.ndarray.mask, expected.mask)
    np.testing.assert_array_equal(result.ndarray.filled(0), expected.filled(0))
    assert list(result.bandinfo) == imagery.bands
    if not reverse:
        same = ic.reduction("mosaic", axis="images").compute(imagery.geoctx)
        np.testing.assert_array_equal(same.ndarray.filled(0), expected.filled(0))


def _sortby_oracle(data: np.ma.MaskedArray, key: np.ma.MaskedArray, largest: bool) -> np.ma.MaskedArray:
    key_mask = np.ma.getmaskarray(key)
    filled = np.where(key_mask, -np.inf if largest else np.inf, key.filled(0))
    best = np.argmax(filled, axis=0) if largest else np.argmin(filled, axis=0)  # ties: the first image
    picked = np.take_along_axis(data, best[None, None], axis=0)[0]
    return np.ma.MaskedArray(picked.filled(0), np.ma.getmaskarray(picked) | key_mask.all(axis=0)[None])


@pytest.mark.parametrize("operation", ["argmax", "argmin"])
def test_sortby_composite_by_band_name(imagery, backend, operation):
    result = ImageCollection.from_id(imagery.product_id).sortby_composite("nir", operation).compute(imagery.geoctx)
    expected = _sortby_oracle(imagery.data, imagery.data[:, 3], operation == "argmax")
    np.testing.assert_array_equal(result.ndarray.mask, expected.mask)
    np.testing.assert_array_equal(result.ndarray.filled(0), expected.filled(0))


def test_sortby_composite_by_a_collection(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    result = ic.sortby_composite(ic.max(axis="bands"), "argmin").compute(imagery.geoctx)
    expected = _sortby_oracle(imagery.data, imagery.data.max(axis=1), largest=False)
    np.testing.assert_array_equal(result.ndarray.mask, expected.mask)
    np.testing.assert_array_equal(result.ndarray.filled(0), expected.filled(0))


def test_unknown_sort_band_fails_with_the_band_names(imagery, backend):
    from gpucompute.errors import ComputeError

    with pytest.raises(ComputeError, match="swir"):
        ImageCollection.from_id(imagery.product_id).sortby_composite("swir").compute(imagery.geoctx)


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_recomputing_a_reduction_does_not_compile_again(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    for make in (lambda: ic.median(axis="pixels"), lambda: ic.mosaic(), lambda: ic.std()):
        first = make().compute(imagery.geoctx)
        before = px.compile_count()
        again = make().compute(imagery.geoctx)  # a new proxy: the same graft and the same program
        assert px.compile_count() == before
        np.testing.assert_equal(getattr(again, "ndarray", again), getattr(first, "ndarray", first))


def test_count_of_an_array_is_still_the_array_builtin(imagery, backend):
    counted = ImageCollection.from_id(imagery.product_id).ndarray.count(axis=[0, 1]).compute(imagery.geoctx)
    np.testing.assert_array_equal(np.asarray(counted), imagery.data.count(axis=(0, 1)))
