"""Masks and value operations of imagery against NumPy / shapely / rasterio oracles (every backend)."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio.transform
import shapely
from pyproj import Transformer

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.types.feature import Feature, FeatureCollection
from gpucompute.types.geometry import Geometry
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection

# Polygons in the fixture's UTM zone, vertices off the pixel centres, given to the engine as lon/lat.
TRIANGLE = [(600113.3, 4199611.7), (600577.1, 4199702.9), (600301.7, 4199957.3)]
SQUARE = [(600020.9, 4199540.2), (600150.4, 4199540.2), (600150.4, 4199690.8), (600020.9, 4199690.8)]


def _lonlat(ring):
    to_wgs84 = Transformer.from_crs("EPSG:32610", "EPSG:4326", always_xy=True)
    points = [list(to_wgs84.transform(x, y)) for x, y in ring]
    return {"type": "Polygon", "coordinates": [points + [points[0]]]}


def _outside(geoctx, *rings):
    """True for pixels whose centre is outside every ring (rasterio's geometry_mask rule)."""
    rows, cols = geoctx.arr_shape
    xs, ys = rasterio.transform.xy(geoctx.transform, *np.mgrid[0:rows, 0:cols], offset="center")
    xs, ys = np.asarray(xs).reshape(rows, cols), np.asarray(ys).reshape(rows, cols)
    inside = np.zeros((rows, cols), bool)
    for ring in rings:
        inside |= shapely.contains_xy(shapely.Polygon(ring), xs, ys)
    return ~inside


def _check(result, expected_mask, expected_values, atol=0.0):
    got = result.ndarray
    np.testing.assert_array_equal(np.ma.getmaskarray(got), expected_mask)
    keep = ~expected_mask
    np.testing.assert_allclose(np.asarray(got.data)[keep], np.broadcast_to(expected_values, keep.shape)[keep],
                               rtol=1e-6, atol=atol)


def test_mask_with_a_one_band_image(imagery, backend):
    d = imagery.data
    m1, m2, m3 = (np.ma.getmaskarray(d[i]) for i in (1, 2, 3))
    img = Image.from_id(imagery.image_ids[1])
    # a 0/1 mask band that is itself masked where image 3 has a masked band
    flags = Image.from_id(imagery.image_ids[2]).getmask().mask(Image.from_id(imagery.image_ids[3]).getmask())
    value, masked = m2.any(0), m3.any(0)
    added = img.mask(flags).compute(imagery.geoctx)  # masked mask pixels count as False
    _check(added, m1 | (value & ~masked)[None], d[1].data)
    replaced = img.mask(flags, replace=True).compute(imagery.geoctx)  # ... and stay masked with replace
    _check(replaced, np.broadcast_to((value | masked)[None], m1.shape), d[1].data)


def test_collection_masks_broadcast(imagery, backend):
    d, masks = imagery.data, np.ma.getmaskarray(imagery.data)
    ic = ImageCollection.from_id(imagery.product_id)
    by_image = ic.mask(Image.from_id(imagery.image_ids[0]).getmask()).compute(imagery.geoctx)
    _check(by_image, masks | masks[0].any(0)[None, None], d.data)
    by_collection = ic.mask(ic.getmask()).compute(imagery.geoctx)
    _check(by_collection, masks | masks.any(1, keepdims=True), d.data)
    over = Image.from_id(imagery.image_ids[4]).mask(ic.getmask()).compute(imagery.geoctx)
    assert len(over.properties) == d.shape[0] and over.properties[0]["id"] == imagery.image_ids[4]
    _check(over, masks[4][None] | masks.any(1, keepdims=True), d.data[4][None])


def test_a_multi_band_mask_pairs_bands_by_name(backend):
    from gpucompute.execution.builtins_imagery_values import mask_value
    from gpucompute.execution.imagery import ImageValue

    rng = np.random.default_rng(5)
    data = rng.random((3, 4, 5)).astype(np.float32)
    flags = rng.random((3, 4, 5)) < 0.5
    value = ImageValue(px.constant(data), {}, {"a": {}, "b": {}, "c": {}})
    mask = ImageValue(px.constant(flags[[2, 0, 1]].astype(np.float32)), {}, {"c": {}, "a": {}, "b": {}})
    (out,) = px.materialize([mask_value(value, mask).pixels])
    np.testing.assert_array_equal(np.ma.getmaskarray(out.to_numpy()), flags)
    other = ImageValue(px.constant(data[:2]), {}, {"a": {}, "z": {}})
    with pytest.raises(ComputeError, match="z"):
        mask_value(value, other)


def test_mask_errors(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    rgb = ic.mean(axis="bands").colormap()  # bands red, green, blue: not the product's four
    with pytest.raises(ComputeError, match="nir"):
        ic.mask(rgb).compute(imagery.geoctx)
    with pytest.raises(ComputeError, match="same length"):
        ic.mask(ImageCollection.from_id(imagery.product_id, limit=2).getmask()).compute(imagery.geoctx)


def test_empty_masks_change_nothing(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    nothing = ImageCollection.from_id(imagery.product_id, start_datetime="2030-01-01")
    same = ic.mask(nothing).compute(imagery.geoctx)
    _check(same, np.ma.getmaskarray(imagery.data), imagery.data.data)
    one = Image.from_id(imagery.image_ids[0]).mask(nothing).compute(imagery.geoctx)
    _check(one, np.ma.getmaskarray(imagery.data[:1]), imagery.data.data[:1])
    assert nothing.mask(ic.getmask()).compute(imagery.geoctx).ndarray is None


@pytest.mark.parametrize("kind", ["geometry", "feature", "collection", "geojson"])
def test_vector_masks_hide_pixels_outside(imagery, backend, kind):
    shapes = {
        "geometry": lambda: Geometry.from_geojson(_lonlat(TRIANGLE)),
        "feature": lambda: Feature(geometry=_lonlat(TRIANGLE), properties={"k": 1}),
        "collection": lambda: FeatureCollection([Feature(geometry=_lonlat(r), properties={}) for r in (TRIANGLE,
                                                                                                      SQUARE)]),
        "geojson": lambda: _lonlat(TRIANGLE),
    }
    rings = (TRIANGLE, SQUARE) if kind == "collection" else (TRIANGLE,)
    outside = _outside(imagery.geoctx, *rings)
    assert 0 < outside.sum() < outside.size
    masks = np.ma.getmaskarray(imagery.data)
    result = ImageCollection.from_id(imagery.product_id).mask(shapes[kind]()).compute(imagery.geoctx)
    _check(result, masks | outside, imagery.data.data)
    replaced = Image.from_id(imagery.image_ids[0]).mask(shapes[kind](), replace=True).compute(imagery.geoctx)
    _check(replaced, np.broadcast_to(outside, masks[0].shape), imagery.data.data[0])


def test_getmask(imagery, backend):
    result = ImageCollection.from_id(imagery.product_id).getmask().compute(imagery.geoctx)
    expected = np.ma.getmaskarray(imagery.data).any(axis=1, keepdims=True).astype(np.float32)
    assert list(result.bandinfo) == ["mask"] and not result.ndarray.mask.any()
    np.testing.assert_array_equal(result.ndarray.data, expected)


def test_clip_values(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    d, masks = imagery.data.data, np.ma.getmaskarray(imagery.data)
    low, high = np.float32(0.2), np.array([0.5, 0.6, 0.7, 0.8], np.float32)
    _check(ic.clip_values(0.2, high.tolist()).compute(imagery.geoctx), masks,
           np.clip(d, low, high[None, :, None, None]))
    _check(ic.clip_values(max=0.3).compute(imagery.geoctx), masks, np.minimum(d, np.float32(0.3)))
    with pytest.raises(ComputeError, match="4 bands"):
        ic.clip_values([0.1, 0.2]).compute(imagery.geoctx)


def test_scale_values(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    d = imagery.data.astype(np.float64)
    given = ic.scale_values(0, 255, 0.1, 0.9).compute(imagery.geoctx)
    _check(given, np.ma.getmaskarray(d), (d.data - 0.1) * (255 / 0.8), atol=1e-4)
    lo, hi = d.min(axis=(0, 2, 3), keepdims=True), d.max(axis=(0, 2, 3), keepdims=True)
    auto = ic.scale_values(0.5, 1).compute(imagery.geoctx)  # each band's own min and max
    _check(auto, np.ma.getmaskarray(d), 0.5 + (d.data - lo.data) * (0.5 / (hi.data - lo.data)), atol=1e-6)
    img = Image.from_id(imagery.image_ids[3])
    lo3, hi3 = d[3].min(axis=(1, 2), keepdims=True), d[3].max(axis=(1, 2), keepdims=True)
    _check(img.scale_values(-1, 1).compute(imagery.geoctx), np.ma.getmaskarray(d[3]),
           -1 + (d[3].data - lo3.data) * (2 / (hi3.data - lo3.data)), atol=1e-6)


def test_replace_empty_with(imagery, backend):
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    rows, cols = far.arr_shape
    img = ImageCollection.from_id(imagery.product_id).mosaic()  # empty where there are no images
    filled = img.replace_empty_with(7, mask=False, bandinfo={"a": {}, "b": {"x": 1}}).compute(far)
    assert filled.ndarray.shape == (2, rows, cols) and list(filled.bandinfo) == ["a", "b"]
    assert not filled.ndarray.mask.any() and (filled.ndarray.data == 7).all()
    hidden = img.replace_empty_with(7, bandinfo={"a": {}}).compute(far)
    assert hidden.ndarray.mask.all()
    ic = ImageCollection.from_id(imagery.product_id)
    stacked = ic.replace_empty_with(1.5, mask=False, bandinfo={"a": {}}).compute(far)
    assert stacked.ndarray.shape == (1, 1, rows, cols) and stacked.properties == [{}]
    kept = ic.replace_empty_with(1.5, bandinfo={"a": {}}).compute(imagery.geoctx)  # not empty: unchanged
    _check(kept, np.ma.getmaskarray(imagery.data), imagery.data.data)
    other = ImageCollection.from_id(imagery.product_id, start_datetime="2030-01-01")
    covered = other.replace_empty_with(ic).compute(imagery.geoctx)  # mask=True: the fill comes back masked
    assert covered.ndarray.shape == imagery.data.shape and covered.ndarray.mask.all()
    uncovered = other.replace_empty_with(ic, mask=False).compute(imagery.geoctx)
    _check(uncovered, np.ma.getmaskarray(imagery.data), imagery.data.data)


def _lut(name):
    try:
        import matplotlib

        cmap = matplotlib.colormaps[name]
        return cmap(np.arange(cmap.N))[:, :3]
    except ImportError:
        from rio_tiler.colormap import cmap

        table = cmap.get(name)
        return np.array([table[i][:3] for i in sorted(table)]) / 255.0


@pytest.mark.parametrize(("vmin", "vmax"), [(None, None), (0.2, 0.7)])
def test_colormap(imagery, backend, vmin, vmax):
    ic = ImageCollection.from_id(imagery.product_id)
    one_band = ic.min(axis="bands")  # the band of the smallest value: every band here is in 0..1
    d = imagery.data.min(axis=1, keepdims=True)
    result = one_band.colormap("magma", vmin, vmax).compute(imagery.geoctx)
    lo = d.min() if vmin is None else vmin
    hi = d.max() if vmax is None else vmax
    lut = _lut("magma")
    index = np.clip(np.floor((d.data[:, 0].astype(np.float64) - lo) / (hi - lo) * len(lut)), 0, len(lut) - 1)
    expected = np.moveaxis(lut[index.astype(int)], -1, 1)
    assert list(result.bandinfo) == ["red", "green", "blue"] and result.ndarray.shape == expected.shape
    np.testing.assert_array_equal(result.ndarray.mask, np.broadcast_to(np.ma.getmaskarray(d), expected.shape))
    keep = ~result.ndarray.mask
    same = np.isclose(result.ndarray.data, expected, atol=1e-6)[keep]
    assert same.mean() > 0.99  # float32 vs float64 may put a value on the other side of a table step
    np.testing.assert_allclose(result.ndarray.data[keep], expected[keep], atol=0.05)
    with pytest.raises(ComputeError, match="one-band"):
        ic.colormap().compute(imagery.geoctx)


def test_value_at_and_coordinates(imagery, backend):
    g = imagery.geoctx
    img, ic = Image.from_id(imagery.image_ids[1]), ImageCollection.from_id(imagery.product_id)
    for row, col in [(3, 5), (0, 0), (23, 31), (11, 17)]:
        x, y = rasterio.transform.xy(g.transform, row, col, offset="center")
        expected = imagery.data[:, :, row, col].astype(np.float64).filled(np.nan)
        got = img.value_at(x, y).compute(g)
        assert list(got) == imagery.bands
        np.testing.assert_allclose([got[b] for b in imagery.bands], expected[1], rtol=1e-6, equal_nan=True)
        per_image = ic.value_at(x, y).compute(g)
        np.testing.assert_allclose([[v[b] for b in imagery.bands] for v in per_image], expected, rtol=1e-6,
                                   equal_nan=True)
        assert img.coords_to_index(x, y).compute(g) == rasterio.transform.rowcol(g.transform, x, y)
        assert ic.index_to_coords(row, col).compute(g) == pytest.approx(
            rasterio.transform.xy(g.transform, row, col, offset="ul"))
    with pytest.raises(ComputeError, match="outside"):
        img.value_at(0.0, 0.0).compute(g)


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_new_numbers_do_not_compile_again(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    g = imagery.geoctx
    ic.clip_values(0.2, 0.5).compute(g)
    ic.value_at(*g.index_to_coords(2, 2)).compute(g)
    before = px.compile_count()
    clipped = ic.clip_values(0.3, 0.6).compute(g)
    ic.value_at(*g.index_to_coords(7, 9)).compute(g)
    assert px.compile_count() == before
    assert clipped.ndarray.min() >= np.float32(0.3) and clipped.ndarray.max() <= np.float32(0.6)


def test_bounds_may_be_lazy_statistics(imagery, backend):
    ic = ImageCollection.from_id(imagery.product_id)
    d, masks = imagery.data, np.ma.getmaskarray(imagery.data)
    top = d[0].max()
    clipped = ic.clip_values(None, Image.from_id(imagery.image_ids[0]).max()).compute(imagery.geoctx)
    _check(clipped, masks, np.minimum(d.data, top))
    lo, hi = float(d.min()), float(d.max())
    scaled = ic.scale_values(0, 1, ic.min(), ic.max()).compute(imagery.geoctx)  # one domain for every band
    _check(scaled, masks, (d.data.astype(np.float64) - lo) / (hi - lo), atol=1e-6)
