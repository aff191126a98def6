"""dc.catalog: saving Mosaics and ImageStacks in blobs and loading them back (JSON, no pickle)."""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from gpucompute import dc
from gpucompute.catalog import properties as p
from gpucompute.errors import GraftError, NotFoundError


def unique(name: str) -> str:
    return f"dc-test/{name}-{uuid.uuid4().hex[:8]}"


def assert_same(a, b):
    np.testing.assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
    np.testing.assert_allclose(np.ma.filled(a, 0), np.ma.filled(b, 0), rtol=1e-6)


def test_mosaic_round_trip(imagery):
    from gpucompute.catalog.blob import Blob

    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red nir", "2023-01-01", "2023-02-01")
    ratio = mosaic.filled(0.0).clip(0.1, 0.9).max(axis="bands")
    blob_id = dc.catalog.save_to_blob(ratio, name=unique("mosaic"), description="a DC mosaic",
                                      extra_properties={"foo": "bar"})
    blob = Blob.get(blob_id)
    assert blob.extra_properties["foo"] == "bar" and blob.extra_properties["graft_type"] == "Mosaic"
    assert "python_version" in blob.extra_properties
    json.loads(blob.data().decode())  # plain JSON
    loaded = dc.catalog.load_from_blob(blob_id)
    assert type(loaded) is dc.Mosaic
    assert_same(loaded.compute(imagery.geoctx).ndarray, ratio.compute(imagery.geoctx).ndarray)
    assert blob_id in [b.id for b in dc.catalog.find_blobs()]
    dc.catalog.delete_blob(blob_id)
    with pytest.raises(NotFoundError):
        dc.catalog.load_from_blob(blob_id)


def test_image_stack_with_traced_filter_and_parameter_round_trip(imagery):
    # (a dc.Datetime parameter is saved as its Struct base by execution/saved.py's encode_type: see the
    # report; an Int parameter shows that parameters travel)
    from gpucompute.types.primitives import Int

    year = dc.parameter("year", Int)
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "green", "2023-01-01",
                                             dc.Datetime(year + 1), predicate_filter=p.cloud_fraction < 0.9)
    stack = stack.filter(lambda x: x.parity == "even").filter(p.cloud_fraction >= 0.0)
    blob_id = dc.catalog.save_to_blob(stack, unique("stack"), readers=["user:someone"])
    loaded = dc.catalog.load_from_blob(blob_id)
    assert type(loaded) is dc.ImageStack and [q._param_name for q in loaded.params] == ["year"]
    want = stack.compute(imagery.geoctx, year=2023)
    got = loaded.compute(imagery.geoctx, year=2023)
    assert len(got.properties) == 3
    assert [q["id"] for q in got.properties] == [q["id"] for q in want.properties]
    assert_same(got.ndarray, want.ndarray)
    dc.catalog.share_blob(blob_id, emails=["a@example.org"], as_writers=True)
    dc.catalog.delete_blob(blob_id)


def test_untraceable_callables_cannot_be_saved(imagery):
    def cloudy(image):
        return image.cloud_fraction > 0.5 and image.extra_properties["parity"] == "odd"  # `and` needs a bool

    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red", "2023-01-01", "2024-01-01")
    for obj in (stack.filter(cloudy), stack.filter(cloudy).median(axis="images"),
                stack.groupby(lambda x: str(x.acquired.date())).groups_graft):
        with pytest.raises(GraftError, match="could not be\\s+traced"):
            dc.catalog.save_to_blob(obj, unique("bad"))
    # it still computes in this session, with real catalog images
    want = [i for i, (c, e) in enumerate(zip(imagery.cloud_fractions, imagery.extra))
            if c > 0.5 and e["parity"] == "odd"]
    assert stack.filter(cloudy).length().compute(imagery.geoctx) == len(want)
