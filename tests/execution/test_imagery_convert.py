"""``to_imagery`` (arrays -> ImageCollection) and ``rasterize`` (vector -> Image), against NumPy and rasterio.

Rasterize oracle: rasterio.features.rasterize of the shapes as built in the
GeoContext's CRS (the proxies get the same shapes in lon/lat, via pyproj), on
the GeoContext's transform.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely.affinity
import shapely.geometry
from pyproj import Transformer
from rasterio import features

from gpucompute.errors import ComputeError
from gpucompute.types.array import Array
from gpucompute.types.feature import Feature, FeatureCollection
from gpucompute.types.geometry import Geometry
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.imagery_convert import rasterize, to_imagery
from gpucompute.types.masked_array import MaskedArray


def assert_masked_equal(actual, expected):
    actual, expected = np.ma.asarray(actual), np.ma.asarray(expected)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(actual), np.ma.getmaskarray(expected))
    np.testing.assert_allclose(actual.filled(0), expected.filled(0), rtol=1e-5)


# -- to_imagery ---------------------------------------------------------------------------------------
def test_collection_ndarray_round_trip(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    result = to_imagery(ic.ndarray).compute(imagery.geoctx)
    assert_masked_equal(result.ndarray, imagery.data)
    assert list(result.bandinfo) == ["band_1", "band_2", "band_3", "band_4"]
    assert result.properties == [{}] * 6


def test_image_ndarray_is_a_one_image_collection(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    bands = {"r": {}, "g": {"note": 1}, "b": {}, "n": {}}
    result = to_imagery(ic[2].ndarray, {"foo": "bar"}, bands).compute(imagery.geoctx)
    assert_masked_equal(result.ndarray, imagery.data[2:3])
    assert result.properties == [{"foo": "bar"}]
    assert dict(result.bandinfo) == bands
    assert to_imagery(ic[2].ndarray)[0].compute(imagery.geoctx).properties == {}


def test_array_literals(imagery, backend, rng):
    data = rng.random((3, 2, 5, 4))
    mask = rng.random(data.shape) < 0.3
    props = [{"i": i} for i in range(3)]
    plain = to_imagery(Array(data), props).compute(imagery.geoctx)
    assert_masked_equal(plain.ndarray, data.astype(np.float32))
    assert plain.properties == props
    masked = to_imagery(MaskedArray.from_numpy(np.ma.MaskedArray(data, mask))).compute(imagery.geoctx)
    assert_masked_equal(masked.ndarray, np.ma.MaskedArray(data.astype(np.float32), mask))


@pytest.mark.parametrize("shape, properties, bandinfo, match", [
    ((2, 3), None, None, "3-D"),
    ((2, 1, 2, 2, 2), None, None, "3-D"),
    ((2, 3, 2, 2), [{}], None, "list of 2"),
    ((2, 3, 2, 2), None, {"a": {}}, "3 band"),
])
def test_to_imagery_errors(imagery, backend, shape, properties, bandinfo, match):
    with pytest.raises(ComputeError, match=match):
        to_imagery(Array(np.zeros(shape)), properties, bandinfo).compute(imagery.geoctx)


# -- rasterize ----------------------------------------------------------------------------------------
def _to_lonlat(geoctx, geom):
    project = Transformer.from_crs(geoctx.crs, "EPSG:4326", always_xy=True).transform
    return shapely.geometry.mapping(shapely.transform(geom, lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1]))))


def _box(geoctx, x0, y0, x1, y1):
    """A box in the GeoContext's CRS, by fractions of its bounds (kept off the pixel grid)."""
    left, bottom, right, top = geoctx.bounds
    w, h = right - left, top - bottom
    return shapely.geometry.box(left + x0 * w + 3.1, bottom + y0 * h + 2.7, left + x1 * w - 1.3, bottom + y1 * h - 4.1)


def _oracle(geoctx, shapes, merge="replace"):
    alg = features.MergeAlg.add if merge == "add" else features.MergeAlg.replace
    kwargs = dict(out_shape=geoctx.arr_shape, transform=geoctx.transform, fill=0)
    values = features.rasterize(shapes, merge_alg=alg, dtype="float32", **kwargs)
    covered = features.rasterize([(g, 1) for g, _ in shapes], dtype="uint8", **kwargs)
    return np.ma.MaskedArray(values[None], mask=(covered == 0)[None])


def test_geometry(imagery, backend):
    geoctx = imagery.geoctx
    tri = shapely.geometry.Polygon([(0.1, 0.2), (0.8, 0.3), (0.4, 0.9)])
    left, bottom, right, top = geoctx.bounds
    tri = shapely.affinity.affine_transform(tri, [right - left, 0, 0, top - bottom, left + 0.37, bottom + 0.53])
    result = rasterize(Geometry.from_geojson(_to_lonlat(geoctx, tri)), 0.5).compute(geoctx)
    assert list(result.bandinfo) == ["features"] and result.properties == {}
    expected = _oracle(geoctx, [(tri, 0.5)])
    assert 0 < expected.count() < expected.size
    assert_masked_equal(result.ndarray, expected)


def test_feature_value_from_properties(imagery, backend):
    geoctx = imagery.geoctx
    box = _box(geoctx, 0.2, 0.1, 0.6, 0.7)
    feat = Feature(geometry=_to_lonlat(geoctx, box), properties={"foo": 2, "name": "a"})
    named = rasterize(feat, "foo").compute(geoctx)
    assert named.properties == {"foo": 2, "name": "a"}
    assert_masked_equal(named.ndarray, _oracle(geoctx, [(box, 2.0)]))
    missing = rasterize(feat, "bar", default_value=7).compute(geoctx)
    assert_masked_equal(missing.ndarray, _oracle(geoctx, [(box, 7.0)]))


@pytest.mark.parametrize("merge", ["add", "replace"])
def test_feature_collection_merge(imagery, backend, merge):
    geoctx = imagery.geoctx
    a, b = _box(geoctx, 0.1, 0.1, 0.6, 0.6), _box(geoctx, 0.4, 0.3, 0.9, 0.9)
    fc = FeatureCollection([Feature(geometry=_to_lonlat(geoctx, a), properties={"v": 1.5}),
                            Feature(geometry=_to_lonlat(geoctx, b), properties={"v": 4})])
    result = rasterize(fc, "v", merge_algorithm=merge).compute(geoctx)
    expected = _oracle(geoctx, [(a, 1.5), (b, 4.0)], merge)
    assert_masked_equal(result.ndarray, expected)
    assert result.properties == {}
    overlap = expected.filled(0).max()
    assert overlap == (5.5 if merge == "add" else 4.0)


def test_shape_outside_the_geocontext_is_all_masked(imagery, backend):
    point = Geometry(type="Point", coordinates=[10.0, 10.0])
    result = rasterize(point).compute(imagery.geoctx)
    assert result.ndarray.shape == (1,) + tuple(imagery.geoctx.arr_shape)
    assert np.ma.getmaskarray(result.ndarray).all()


def test_non_numeric_property_is_an_error(imagery, backend):
    geoctx = imagery.geoctx
    feat = Feature(geometry=_to_lonlat(geoctx, _box(geoctx, 0.2, 0.2, 0.8, 0.8)), properties={"name": "a"})
    with pytest.raises(ComputeError, match="number"):
        rasterize(feat, "name").compute(geoctx)
