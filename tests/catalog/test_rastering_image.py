"""Image.ndarray / Image.download: the image's own grid, other GeoContexts, masks, axes and errors.

Oracles: the uploaded file read with rasterio, and rasterio.warp.reproject of it onto the grid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from rasterio.enums import Resampling
from rasterio.warp import reproject

from gpucompute.catalog import Image, MaskBand, Product, SpectralBand
from gpucompute.errors import CatalogValueError, RasterArgumentError
from gpucompute.geo import GeoContext

RGB = Path(__file__).parents[2] / ".." / "shared" / "data" / "rasterio" / "RGB.byte.tif"
UTM = "EPSG:32618"
ORIGIN = Affine(30.0, 0.0, 500000.0, 0.0, -30.0, 4000000.0)


def _product(name, bands, **kw):
    product = Product(id=name, name=name)
    product.save()
    for i, band in enumerate(bands):
        cls = MaskBand if band == "alpha" else SpectralBand
        extra = {"is_alpha": True} if band == "alpha" else kw
        cls(name=band, product=product, data_type="UInt16", band_index=i, **extra).save()
    return product


@pytest.fixture
def scene(catalog, write_tif, rng):
    """An image of 3 random UInt16 bands (nodata 0, about 10% of it), and its file's data."""
    product = _product("rand", ["b1", "b2", "b3"], nodata=0, data_range=(0, 10000), display_range=(0, 4000),
                       physical_range=(0.0, 1.0))
    data = rng.integers(1, 10000, (3, 40, 50)).astype("uint16")
    data[rng.random(data.shape) < 0.1] = 0
    path = write_tif("scene.tif", data, crs=UTM, transform=ORIGIN, nodata=0)
    image = Image(product=product, name="scene", acquired="2020-01-01")
    assert image.upload(path).status == "success"
    return image, data, path


def test_own_grid_equals_the_file(scene):
    image, data, _ = scene
    got = image.ndarray("b1 b2 b3")
    assert isinstance(got, np.ma.MaskedArray) and got.dtype == np.uint16 and got.shape == data.shape
    assert np.array_equal(got.mask, data == 0)
    assert np.array_equal(got.filled(0), data)
    # band order follows the request; a list works as well as a string
    assert np.array_equal(image.ndarray(["b3", "b1"]).filled(0), data[[2, 0]])
    assert image.geocontext.arr_shape == (40, 50) and image.geocontext.transform == ORIGIN


@pytest.mark.skipif(not RGB.exists(), reason="shared rasters not available")
def test_real_scene_own_grid_is_exact(catalog):
    product = Product(id="rgbreal", name="RGB")
    product.save()
    for i, name in enumerate(["red", "green", "blue"]):
        SpectralBand(name=name, product=product, data_type="Byte", band_index=i, nodata=0).save()
    image = Image(product=product, name="rgb", acquired="2013-05-01")
    assert image.upload(RGB).status == "success"
    got = image.ndarray("red green blue")
    with rasterio.open(RGB) as ds:
        expected = ds.read(masked=True)
    assert np.array_equal(got.data, expected.data) and np.array_equal(got.mask, expected.mask)


@pytest.mark.parametrize("crs, resolution, resampler", [
    ("EPSG:32618", 45.0, "near"),
    ("EPSG:32618", 17.0, "bilinear"),
    ("EPSG:4326", 0.0004, "near"),
    ("EPSG:3857", 40.0, "cubic"),
])
def test_other_geocontexts_equal_rasterio_reproject(scene, crs, resolution, resampler):
    image, _, path = scene
    bounds = shapely.box(*image.geometry.bounds).buffer(-0.002).bounds  # inside the scene, lon/lat
    ctx = GeoContext(bounds=bounds, crs=crs, resolution=resolution)
    got = image.ndarray("b1 b2 b3", geocontext=ctx, resampler=resampler)
    expected = np.zeros((3, *ctx.arr_shape), dtype=np.uint16)
    resampling = {"near": Resampling.nearest, "bilinear": Resampling.bilinear, "cubic": Resampling.cubic}
    with rasterio.open(path) as ds:
        reproject(rasterio.band(ds, [1, 2, 3]), expected, dst_transform=ctx.transform, dst_crs=ctx.crs,
                  src_nodata=0, dst_nodata=0, resampling=resampling[resampler])
    assert got.shape == expected.shape
    assert np.array_equal(got.mask, expected == 0)
    assert np.array_equal(got.filled(0), expected)


def test_resolution_override_keeps_the_image_area(scene):
    image, _, path = scene
    got, info = image.ndarray("b1", resolution=60, raster_info=True)
    assert got.shape == (1, 20, 25)
    transform = Affine.from_gdal(*info["geoTransform"])
    assert transform == Affine(60.0, 0.0, ORIGIN.c, 0.0, -60.0, ORIGIN.f)
    expected = np.zeros((1, 20, 25), dtype=np.uint16)
    with rasterio.open(path) as ds:
        reproject(rasterio.band(ds, 1), expected[0], dst_transform=transform, dst_crs=UTM, src_nodata=0,
                  dst_nodata=0, resampling=Resampling.nearest)
    assert np.array_equal(got.filled(0), expected) and np.array_equal(got.mask, expected == 0)


def test_geometry_cutline_masks_outside(scene):
    image, _, _ = scene
    minx, miny, maxx, maxy = image.geometry.bounds
    tri = shapely.Polygon([(minx, miny), (maxx, miny), (minx, maxy)])
    ctx = GeoContext(geometry=tri, crs=UTM, resolution=30.0)
    got = image.ndarray("b1", geocontext=ctx)
    from rasterio.features import geometry_mask

    outside = geometry_mask([ctx.projected_geometry], out_shape=ctx.arr_shape, transform=ctx.transform)
    assert outside.any() and (~outside).any()
    assert got.mask[0][outside].all()
    boxed = image.ndarray("b1", geocontext=GeoContext.from_bounds(ctx.projected_bounds, UTM, resolution=30.0))
    inside = ~outside
    assert np.array_equal(got.mask[0][inside], boxed.mask[0][inside])


def test_masked_false_mask_nodata_false_and_bands_axis(scene):
    image, data, _ = scene
    plain = image.ndarray("b1 b2", masked=False)
    assert type(plain) is np.ndarray and np.array_equal(plain, data[:2])
    kept = image.ndarray("b1 b2", mask_nodata=False)
    assert not kept.mask.any() and np.array_equal(kept.data, data[:2])
    last = image.ndarray("b1 b2", bands_axis=-1)
    assert last.shape == (40, 50, 2) and np.array_equal(last.filled(0), np.moveaxis(data[:2], 0, -1))
    with pytest.raises(CatalogValueError, match="bands_axis"):
        image.ndarray("b1", bands_axis=3)


def test_mask_nodata_false_still_masks_outside_the_image(scene):
    image, data, _ = scene
    left, bottom, right, top = image.geocontext.projected_bounds
    ctx = GeoContext.from_bounds((left - 300, bottom, right, top), UTM, resolution=30.0)
    got = image.ndarray("b1", geocontext=ctx, mask_nodata=False)
    assert got.mask[0, :, :10].all() and not got.mask[0, :, 10:].any()
    assert np.array_equal(got.data[0, :, 10:], data[0])


def test_mask_alpha(catalog, write_tif, rng):
    product = _product("withalpha", ["b1", "alpha"])
    data = rng.integers(1, 100, (2, 8, 9)).astype("uint16")
    data[1] = rng.random((8, 9)) < 0.7
    image = Image(product=product, name="a", acquired="2020-01-01")
    assert image.upload(write_tif("a.tif", data, crs=UTM, transform=ORIGIN)).status == "success"
    got = image.ndarray("b1")  # the alpha band is found and used by default
    assert np.array_equal(got.mask[0], data[1] == 0)
    assert not image.ndarray("b1", mask_alpha=False).mask.any()
    both = image.ndarray("b1 alpha", mask_alpha="alpha")
    assert both.shape == (2, 8, 9) and np.array_equal(both.mask[1], data[1] == 0)
    with pytest.raises(CatalogValueError, match="mask_alpha"):
        image.ndarray("b1", mask_alpha="nosuchband")


def test_raster_info_round_trips_through_upload_ndarray(scene):
    image, _, _ = scene
    arr, info = image.ndarray("b1 b2 b3", resolution=60, raster_info=True)
    assert info["size"] == [25, 20] and info["geoTransform"][1] == 60.0
    copy = Image(product_id=image.product_id, name="copy", acquired="2020-02-01")
    assert copy.upload_ndarray(arr, raster_meta=info).status == "success"
    assert np.array_equal(copy.ndarray("b1 b2 b3").filled(0), arr.filled(0))


def test_download_writes_the_same_pixels(scene, tmp_path):
    image, _, _ = scene
    path = image.download("b2 b3", dest=tmp_path / "out.tif")
    assert path == str(tmp_path / "out.tif")
    with rasterio.open(path) as ds:
        assert ds.crs.to_string() == UTM and ds.transform == ORIGIN
        written = ds.read(masked=True)
        assert ds.nodata == 0  # the bands' shared nodata
    expected = image.ndarray("b2 b3")
    assert np.array_equal(written.filled(0), expected.filled(0)) and np.array_equal(written.mask, expected.mask)
    # scaled values lose the nodata meaning: the mask is written as the file's mask (any band masked)
    scaled = image.download("b1 b2", dest=tmp_path, scaling="display")
    assert Path(scaled).parent == tmp_path and scaled.endswith(".tif")
    expected = image.ndarray("b1 b2", scaling="display")
    union = expected.mask.any(axis=0)
    with rasterio.open(scaled) as ds:
        assert ds.nodata is None and ds.dtypes == ("uint8", "uint8")
        assert np.array_equal(ds.read_masks(1) == 0, union)
        assert np.array_equal(ds.read(), expected.filled(0))
    filled = image.download("b1", dest=tmp_path / "filled.tif", nodata=7, scaling="display")
    with rasterio.open(filled) as ds:
        assert ds.nodata == 7 and np.array_equal(ds.read(1), image.ndarray("b1", scaling="display").filled(7)[0])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary leftovers
    with pytest.raises(CatalogValueError, match="GeoTIFF"):
        image.download("b1", dest=tmp_path / "x.png", format="png")


def test_errors_name_the_problem(scene):
    image, _, _ = scene
    with pytest.raises(CatalogValueError, match="no band"):
        image.ndarray("b1 nope")
    with pytest.raises(CatalogValueError, match="bands must be"):
        image.ndarray("")
    with pytest.raises(RasterArgumentError, match="resampler"):
        image.ndarray("b1", resampler="nearestest")
    with pytest.raises(CatalogValueError, match="geocontext"):
        image.ndarray("b1", geocontext=42)
    unsaved = Image(product_id=image.product_id, name="never-uploaded")
    with pytest.raises(CatalogValueError, match="georeferencing"):
        unsaved.ndarray("b1")
