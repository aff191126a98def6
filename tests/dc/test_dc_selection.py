"""ImageStack.filter (expression, traced and untraced callables), filter_by_id and groupby, against numpy.ma."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from gpucompute import dc
from gpucompute.catalog import properties as p
from gpucompute.dc.predicates import LOCAL_CALLABLE
from gpucompute.errors import ProxyTypeError, ProxyUsageError


def stack_of(imagery, bands="red green blue nir"):
    return dc.ImageStack.from_product_bands(imagery.product_id, bands, "2023-01-01", "2024-01-01")


def uses_local(obj) -> bool:
    return any(isinstance(v, list) and v and v[0] == LOCAL_CALLABLE for v in obj.graft.values())


def untraceable(image) -> bool:
    # `if` on a property needs a real value: tracing fails, so it runs on catalog images
    if image.cloud_fraction < 0.5:  # noqa: SIM103
        return True
    return False


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_three_kinds_of_filter_keep_the_same_images(imagery, backend, threshold):
    stack = stack_of(imagery, "red nir")
    by_expression = stack.filter(p.cloud_fraction < threshold)
    by_lambda = stack.filter(lambda x: x.cloud_fraction < threshold)
    by_callable = stack.filter(lambda x: True if x.cloud_fraction < threshold else False)  # noqa: SIM210
    assert not uses_local(by_expression) and not uses_local(by_lambda) and uses_local(by_callable)
    keep = [i for i, c in enumerate(imagery.cloud_fractions) if c < threshold]
    want_ids = [imagery.image_ids[i] for i in keep]
    for filtered in (by_expression, by_lambda, by_callable):
        result = filtered.compute(imagery.geoctx)
        assert [q["id"] for q in result.properties] == want_ids
        if keep:
            np.testing.assert_array_equal(np.ma.getmaskarray(result.ndarray),
                                          np.ma.getmaskarray(imagery.data[keep][:, [0, 3]]))
            np.testing.assert_allclose(result.ndarray.filled(0), imagery.data[keep][:, [0, 3]].filled(0), rtol=1e-6)
        else:
            assert result.ndarray is None
        assert filtered.length().compute(imagery.geoctx) == len(keep)


def test_filter_on_extra_properties_and_dates(imagery, backend):
    stack = stack_of(imagery, "green")
    odd = stack.filter(lambda x: x.parity == "odd")
    assert not uses_local(odd)
    assert [q["index"] for q in odd.properties.compute(imagery.geoctx)] == [1, 3, 5]
    later = stack.filter(lambda x: x.acquired > imagery.dates[3])
    assert later.length().compute(imagery.geoctx) == 2
    chained = stack.filter(untraceable).filter(lambda x: x.extra_properties["index"] >= 2)
    want = [i for i, c in enumerate(imagery.cloud_fractions) if c < 0.5 and i >= 2]
    result = chained.compute(imagery.geoctx)
    assert [q["index"] for q in result.properties] == want
    # a filter after pixel math works on the same properties
    shifted = stack.filled(0.0).filter(lambda x: x.index < 2).compute(imagery.geoctx)
    np.testing.assert_allclose(shifted.ndarray, imagery.data[:2, 1:2].filled(0.0), rtol=1e-6)


def test_filter_by_id_keeps_stack_order(imagery, backend):
    ids = [imagery.image_ids[4], imagery.image_ids[1], "not-an-id"]
    result = stack_of(imagery, "red").filter_by_id(ids).compute(imagery.geoctx)
    assert [q["id"] for q in result.properties] == [imagery.image_ids[1], imagery.image_ids[4]]
    np.testing.assert_allclose(result.ndarray.filled(0), imagery.data[[1, 4], :1].filled(0), rtol=1e-6)


def test_filter_rejects_non_functions(imagery):
    with pytest.raises(ProxyTypeError, match="expression or a callable"):
        stack_of(imagery).filter(0.5)


def test_groupby_parity_median_per_group(imagery, backend):
    grouped = stack_of(imagery).groupby(lambda x: x.parity)
    assert grouped.groups.keys_and_ids(imagery.geoctx) == [
        ("even", imagery.image_ids[0::2]), ("odd", imagery.image_ids[1::2])]
    medians = grouped.median(axis="images").groups.compute_all(imagery.geoctx)
    assert list(medians) == ["even", "odd"]
    for key, start in (("even", 0), ("odd", 1)):
        want = np.ma.median(imagery.data[start::2], axis=0)
        got = medians[key].ndarray
        np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
        np.testing.assert_allclose(got.filled(0), want.filled(0), rtol=1e-5)


def test_groupby_month_traced_and_date_keys_untraced(imagery, backend):
    stack = stack_of(imagery, "nir")
    months = sorted({d.month for d in imagery.dates})
    pairs = stack.groupby(lambda x: x.acquired.month).max(axis="images").groups.compute(imagery.geoctx)
    assert [k for k, _ in pairs] == months
    for month, mosaic in pairs:
        assert isinstance(mosaic, dc.Mosaic)
        idx = [i for i, d in enumerate(imagery.dates) if d.month == month]
        want = np.ma.max(imagery.data[idx, 3:4], axis=0)
        np.testing.assert_allclose(mosaic.compute(imagery.geoctx).ndarray.filled(0), want.filled(0), rtol=1e-6)
    by_date = stack.groupby(lambda x: datetime.date(x.acquired.year, x.acquired.month, 1))
    assert uses_local(by_date.groups_graft)
    keys = [k for k, _ in by_date.groups.keys_and_ids(imagery.geoctx)]
    assert keys == [datetime.date(2023, m, 1) for m in months]


def test_groupby_without_reducer_gives_stacks_and_one(imagery, backend):
    grouped = stack_of(imagery, "red").groupby(lambda x: x.index // 4)
    key, group = grouped.groups.one(imagery.geoctx)
    assert key == 0 and isinstance(group, dc.ImageStack)
    assert group.length().compute(imagery.geoctx) == 4
    with pytest.raises(ProxyUsageError):
        grouped.compute(imagery.geoctx)
    custom = grouped.map(lambda s: s.length()).groups.compute_all(imagery.geoctx)
    assert custom == {0: 4, 1: 2}
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    with pytest.raises(ProxyUsageError, match="no groups"):
        grouped.groups.one(far)
