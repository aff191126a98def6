"""ImageCollection collection methods computed against NumPy on the imagery fixture's known pixels.

Selections happen in the plan: the tests check the images kept (by their
``index`` property), their pixels and masks against ``imagery.data``, and that
filtering a catalog read reads only the kept images.
"""

from __future__ import annotations

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


@pytest.fixture
def ic(imagery):
    return ImageCollection.from_id(imagery.product_id)


@pytest.fixture
def stacked(ic):
    """The same images through a pixel operation (a stack), so selections record "take" instead of new reads."""
    return ImageCollection([ic[i] for i in range(6)])


@pytest.fixture
def reads(monkeypatch):
    """The image ids of every catalog read, one list per read."""
    from gpucompute.execution import _pixel_inputs

    calls = []
    real = _pixel_inputs.read_host
    monkeypatch.setattr(_pixel_inputs, "read_host", lambda spec: calls.append([i.id for i in spec.images]) or real(spec))
    return calls


@pytest.mark.parametrize("source", ["ic", "stacked"])
def test_filter_by_property(imagery, backend, source, request):
    coll = request.getfixturevalue(source)
    threshold = float(np.median(imagery.cloud_fractions))
    result = coll.filter(lambda img: img.properties["cloud_fraction"] < threshold).compute(imagery.geoctx)
    keep = [i for i, c in enumerate(imagery.cloud_fractions) if c < threshold]
    assert indices(result) == keep and 0 < len(keep) < 6
    assert_masked_equal(result.ndarray, imagery.data[keep])


def test_filter_reads_only_the_kept_images(imagery, backend, ic, reads):
    odd = ic.filter(lambda img: img.properties["parity"] == "odd").compute(imagery.geoctx)
    assert indices(odd) == [1, 3, 5]
    assert sorted(i for call in reads for i in call) == [imagery.image_ids[i] for i in (1, 3, 5)]


def test_filter_by_pixel_statistic(imagery, backend, ic):
    means = np.ma.filled(imagery.data.mean(axis=(1, 2, 3)), np.nan)
    threshold = float(np.median(means))
    result = ic.filter(lambda img: img.ndarray.mean() > threshold).compute(imagery.geoctx)
    assert indices(result) == [i for i, m in enumerate(means) if m > threshold]


@pytest.mark.parametrize("reverse", [False, True])
def test_sorted_by_property(imagery, backend, ic, reverse):
    result = ic.sorted(lambda img: img.properties["cloud_fraction"], reverse=reverse).compute(imagery.geoctx)
    order = sorted(range(6), key=lambda i: imagery.cloud_fractions[i], reverse=reverse)
    assert indices(result) == order
    assert_masked_equal(result.ndarray, imagery.data[order])


@pytest.mark.parametrize("source", ["ic", "stacked"])
def test_head_tail_reversed(imagery, backend, source, request):
    coll = request.getfixturevalue(source)
    everything = list(range(6))
    cases = {coll.head(2): everything[:2], coll.head(10): everything, coll.head(0): [],
             coll.tail(2): everything[-2:], coll.tail(10): everything, coll.tail(0): [],
             coll.reversed(): everything[::-1]}
    results = [p.compute(imagery.geoctx) for p in cases]
    for result, expected in zip(results, cases.values()):
        assert indices(result) == expected
        if expected:
            assert_masked_equal(result.ndarray, imagery.data[expected])
        else:
            assert result.ndarray is None


@pytest.mark.parametrize("i", [0, 2, 6, 9, -1])
def test_partition(imagery, backend, ic, i):
    first, second = ic.partition(i).compute(imagery.geoctx)
    everything = list(range(6))
    assert (indices(first), indices(second)) == (everything[:i], everything[i:])
    if everything[i:]:
        assert_masked_equal(second.ndarray, imagery.data[i:])


@pytest.mark.parametrize("source", ["ic", "stacked"])
@pytest.mark.parametrize("index", [0, 3, -1, -6])
def test_integer_index_gives_an_image(imagery, backend, source, index, request):
    result = request.getfixturevalue(source)[index].compute(imagery.geoctx)
    assert result.properties["index"] == range(6)[index]
    assert_masked_equal(result.ndarray, imagery.data[index])


@pytest.mark.parametrize("key", [slice(1, 4), slice(None, None, 2), slice(-2, None), slice(None, None, -1),
                                 slice(4, 1)])
def test_slice_index_gives_a_collection(imagery, backend, ic, key):
    result = ic[key].compute(imagery.geoctx)
    expected = list(range(6))[key]
    assert indices(result) == expected
    if expected:
        assert_masked_equal(result.ndarray, imagery.data[expected])


def test_index_out_of_range(imagery, backend, ic):
    with pytest.raises(ComputeError, match="out of range"):
        ic[6].compute(imagery.geoctx)


def test_map_to_images_and_to_values(imagery, backend, ic):
    same = ic.map(lambda img: img).compute(imagery.geoctx)
    assert indices(same) == list(range(6))
    assert_masked_equal(same.ndarray, imagery.data)
    arrays = ic.map(lambda img: img.ndarray).compute(imagery.geoctx)
    for got, expected in zip(arrays, imagery.data):
        assert_masked_equal(got, expected)
    assert ic.map(lambda img: img.properties["index"]).compute(imagery.geoctx) == list(range(6))


def test_map_keeps_properties_of_a_selection(imagery, backend, stacked):
    result = stacked.reversed().map(lambda img: img).compute(imagery.geoctx)
    assert indices(result) == [5, 4, 3, 2, 1, 0]
    assert_masked_equal(result.ndarray, imagery.data[::-1])


def test_reduce_length_contains(imagery, backend, ic):
    geoctx = imagery.geoctx
    last = ic.reduce(lambda acc, img: img).compute(geoctx)
    assert last.properties["index"] == 5
    assert_masked_equal(last.ndarray, imagery.data[5])
    assert ic.reduce(lambda acc, img: acc + 1, initial=10).compute(geoctx) == 16
    assert ic.length().compute(geoctx) == 6
    assert ic.head(3).contains(ic[1]).compute(geoctx) is True
    assert ic.head(3).contains(ic[4]).compute(geoctx) is False


def _windows(n, back, fwd):
    return [(list(range(i - back, i)), i, list(range(i + 1, i + 1 + fwd))) for i in range(back, n - fwd)]


@pytest.mark.parametrize("back, fwd", [(0, 0), (1, 1), (2, 0), (0, 3), (2, 3)])
def test_map_window_matches_a_sliding_window(imagery, backend, ic, back, fwd):
    geoctx = imagery.geoctx
    windows = _windows(6, back, fwd)
    centres = ic.map_window(lambda b, img, f: img.properties["index"], back=back, fwd=fwd).compute(geoctx)
    assert centres == [i for _, i, _ in windows]
    lengths = ic.map_window(lambda b, img, f: b.length() * 10 + f.length(), back, fwd).compute(geoctx)
    assert lengths == [back * 10 + fwd] * len(windows)
    if back:
        backs = ic.map_window(lambda b, img, f: b.ndarray, back=back, fwd=fwd).compute(geoctx)
        for got, (before, _, _) in zip(backs, windows):
            assert_masked_equal(got, imagery.data[before])


@pytest.mark.parametrize("back, fwd", [(1, 0), (0, 2), (1, 1)])
def test_map_window_imagery_is_one_collection(imagery, backend, ic, back, fwd):
    windows = _windows(6, back, fwd)
    after = ic.map_window(lambda b, img, f: f, back=back, fwd=fwd).compute(imagery.geoctx)
    expected = [j for _, _, fwd_ in windows for j in fwd_]
    assert indices(after) == expected
    if expected:
        assert_masked_equal(after.ndarray, imagery.data[expected])
    centres = ic.map_window(lambda b, img, f: img, back=back, fwd=fwd).compute(imagery.geoctx)
    assert indices(centres) == [i for _, i, _ in windows]
    assert_masked_equal(centres.ndarray, imagery.data[[i for _, i, _ in windows]])


def test_map_window_mean_of_each_window(imagery, backend, ic):
    if not hasattr(ImageCollection, "mean"):
        pytest.skip("ImageCollection.mean is not available yet")
    result = ic.map_window(lambda b, img, f: f.mean(axis="images"), back=0, fwd=2).compute(imagery.geoctx)
    expected = np.ma.stack([imagery.data[i + 1:i + 3].mean(axis=0) for i in range(4)])
    assert_masked_equal(result.ndarray, expected)


def test_map_window_longer_than_the_collection(imagery, backend, ic):
    with pytest.raises(ComputeError, match="longer than"):
        ic.map_window(lambda b, img, f: img, back=3, fwd=3).compute(imagery.geoctx)


def test_empty_collection(imagery, backend, ic):
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    results = [p.compute(far) for p in (ic.filter(lambda img: img.properties["index"] > 0), ic.head(2), ic.tail(1),
                                        ic.map(lambda img: img), ic.sorted(lambda img: img.properties["date"]),
                                        ic.map_window(lambda b, img, f: img, back=5, fwd=5))]
    assert all(r.ndarray is None and r.properties == [] for r in results)
    assert ic.map(lambda img: img.properties["index"]).compute(far) == []
    assert ic[0].compute(far).ndarray is None
    assert [r.ndarray for r in ic.partition(2).compute(far)] == [None, None]
