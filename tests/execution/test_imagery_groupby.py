"""ImageCollectionGroupby computed against Python grouping and NumPy on the imagery fixture."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gpucompute.errors import ComputeError
from gpucompute.types.imagecollection import ImageCollection


def assert_masked_equal(actual, expected):
    actual, expected = np.ma.asarray(actual), np.ma.asarray(expected)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(actual), np.ma.getmaskarray(expected))
    np.testing.assert_allclose(actual.filled(0), expected.filled(0), rtol=1e-5)


def indices(result):
    return [p["index"] for p in result.properties]


def python_groups(keys):
    """key -> image indices, keys in sorted order."""
    return {k: [i for i, kk in enumerate(keys) if kk == k] for k in sorted(set(keys))}


@pytest.fixture
def ic(imagery):
    return ImageCollection.from_id(imagery.product_id)


@pytest.fixture
def far(imagery):
    return imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))


def test_groups_by_parity(imagery, backend, ic):
    groups = ic.groupby(lambda img: img.properties["parity"]).groups.compute(imagery.geoctx)
    expected = python_groups([e["parity"] for e in imagery.extra])
    assert list(groups) == list(expected)
    for key, members in expected.items():
        assert indices(groups[key]) == members
        assert all(p["group"] == key for p in groups[key].properties)
        assert_masked_equal(groups[key].ndarray, imagery.data[members])


@pytest.mark.parametrize("dates, fields", [(("year", "month"), ("year", "month")), ("day", ("day",)),
                                           (("month", "day"), ("month", "day"))])
def test_groups_by_dates(imagery, backend, ic, dates, fields):
    groups = ic.groupby(dates=dates).groups.compute(imagery.geoctx)
    keys = [tuple(getattr(d, f) for f in fields) for d in imagery.dates]
    keys = [k[0] for k in keys] if isinstance(dates, str) else keys
    expected = python_groups(keys)
    assert {k: indices(v) for k, v in groups.items()} == expected


def test_grouping_by_a_computed_key(imagery, backend, ic):
    grouped = ic.groupby(lambda img: img.properties["index"] // 4)
    assert {k: indices(v) for k, v in grouped.groups.compute(imagery.geoctx).items()} == {0: [0, 1, 2, 3], 1: [4, 5]}
    assert grouped.map(lambda key, imgs: imgs.length()).compute(imagery.geoctx) == {0: 4, 1: 2}


def test_each_image_is_read_once(imagery, backend, ic, monkeypatch):
    from gpucompute.execution import _pixel_inputs

    calls = []
    real = _pixel_inputs.read_host
    monkeypatch.setattr(_pixel_inputs, "read_host", lambda spec: calls.append([i.id for i in spec.images]) or real(spec))
    ic.groupby(lambda img: img.properties["parity"]).groups.compute(imagery.geoctx)
    read = list(itertools.chain.from_iterable(calls))
    assert sorted(read) == sorted(imagery.image_ids)


def test_get_and_one(imagery, backend, ic):
    grouped = ic.groupby(lambda img: img.properties["parity"])
    odd = grouped["odd"].compute(imagery.geoctx)
    assert indices(odd) == [1, 3, 5]
    assert_masked_equal(odd.ndarray, imagery.data[[1, 3, 5]])
    assert grouped["none"].compute(imagery.geoctx).ndarray is None
    key, group = grouped.one().compute(imagery.geoctx)
    assert key == "even" and indices(group) == [0, 2, 4]


def test_map_combines_imagery_into_one_collection(imagery, backend, ic):
    grouped = ic.groupby(lambda img: img.properties["parity"])
    firsts = grouped.map(lambda key, imgs: imgs[0]).compute(imagery.geoctx)
    assert indices(firsts) == [0, 1] and [p["group"] for p in firsts.properties] == ["even", "odd"]
    assert_masked_equal(firsts.ndarray, imagery.data[[0, 1]])
    heads = grouped.map(lambda key, imgs: imgs.head(2)).compute(imagery.geoctx)
    assert indices(heads) == [0, 2, 1, 3]
    assert_masked_equal(heads.ndarray, imagery.data[[0, 2, 1, 3]])


def test_map_to_values_is_a_dict(imagery, backend, ic):
    grouped = ic.groupby(lambda img: img.properties["parity"])
    result = grouped.map(lambda key, imgs: imgs.map(lambda img: img.properties["cloud_fraction"]))
    cf = imagery.cloud_fractions
    assert result.compute(imagery.geoctx) == {"even": cf[0::2], "odd": cf[1::2]}


@pytest.mark.parametrize("name", ["mean", "max", "sum", "count", "median", "std", "min"])
def test_per_group_reductions_over_images(imagery, backend, ic, name):
    if not hasattr(ImageCollection, name):
        pytest.skip(f"ImageCollection.{name} is not available yet")
    grouped = ic.groupby(lambda img: img.properties["parity"])
    result = getattr(grouped, name)(axis="images").compute(imagery.geoctx)
    assert [p["group"] for p in result.properties] == ["even", "odd"]
    oracle = {"count": np.ma.count, "median": np.ma.median}.get(name)
    expected = []
    for members in ([0, 2, 4], [1, 3, 5]):
        data = imagery.data[members]
        reduced = oracle(data, axis=0) if oracle else getattr(data, name)(axis=0)
        expected.append(np.ma.masked_array(reduced, dtype=np.float64))
    np.testing.assert_allclose(np.ma.filled(result.ndarray, 0), np.ma.filled(np.ma.stack(expected), 0),
                               rtol=1e-4, atol=1e-6)


def test_per_group_mosaic(imagery, backend, ic):
    if not hasattr(ImageCollection, "mosaic"):
        pytest.skip("ImageCollection.mosaic is not available yet")
    result = ic.groupby(lambda img: img.properties["parity"]).mosaic().compute(imagery.geoctx)
    for out, members in zip(result.ndarray, ([0, 2, 4], [1, 3, 5])):
        expected = np.ma.masked_all(imagery.data.shape[1:], dtype=np.float32)
        for i in members:  # the last image is on top
            layer = imagery.data[i]
            expected = np.ma.where(np.ma.getmaskarray(layer), expected, layer)
        assert_masked_equal(out, expected)


def test_empty_collection_has_no_groups(imagery, backend, ic, far):
    grouped = ic.groupby(dates="month")
    assert grouped.groups.compute(far) == {}
    assert grouped.map(lambda key, imgs: imgs.length()).compute(far) == {}
    assert grouped.map(lambda key, imgs: imgs).compute(far).ndarray is None
    assert grouped[1].compute(far).ndarray is None
    with pytest.raises(ComputeError, match="no groups"):
        grouped.one().compute(far)
