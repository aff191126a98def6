"""ImageCollection.stack / mosaic / download / download_mosaic and the collection's default grid.

Oracles: RGB.byte.tif for its four tiles rgb1..rgb4.tif, and numpy for "last valid image wins".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from gpucompute.catalog import Image, ImageCollection, Product, SpectralBand
from gpucompute.catalog.rastering import ImageGrid
from gpucompute.errors import CatalogValueError
from gpucompute.geo import GeoContext

DATA = Path(__file__).parents[2] / ".." / "shared" / "data" / "rasterio"
UTM = "EPSG:32618"
needs_rasters = pytest.mark.skipif(not (DATA / "RGB.byte.tif").exists(), reason="shared rasters not available")


def _product(pid, names=("red", "green", "blue"), data_type="Byte"):
    product = Product(id=pid, name=pid)
    product.save()
    for i, name in enumerate(names):
        SpectralBand(name=name, product=product, data_type=data_type, band_index=i, nodata=0,
                     display_range=(0, 200), data_range=(0, 255)).save()
    return product


@pytest.fixture
def tiles(catalog):
    """rgb1..rgb4.tif ingested as four images, and RGB.byte.tif's grid and pixels."""
    product = _product("tiles")
    for k in range(1, 5):
        image = Image(product=product, name=f"rgb{k}", acquired=f"2013-05-0{k}")
        assert image.upload(DATA / f"rgb{k}.tif").status == "success"
    with rasterio.open(DATA / "RGB.byte.tif") as ds:
        grid = ImageGrid(UTM, ds.transform, ds.shape)
        whole = ds.read(masked=True)
    return product.images().sort("acquired").collect(), grid, whole


@needs_rasters
def test_mosaic_of_tiles_equals_the_whole_scene(tiles):
    images, grid, whole = tiles
    got = images.mosaic("red green blue", geocontext=grid)
    assert got.shape == whole.shape and got.dtype == np.uint8
    covered = ~got.mask
    assert covered.sum() > 0.9 * (~whole.mask).sum()
    assert np.array_equal(got.data[covered], whole.data[covered])
    assert not (whole.mask & covered).any()


@needs_rasters
def test_stack_of_tiles_matches_the_whole_scene_image_by_image(tiles):
    images, grid, whole = tiles
    stack = images.stack("red green blue", geocontext=grid)
    assert stack.shape == (4, *whole.shape)
    for k in range(4):
        valid = ~stack.mask[k]
        assert valid.any() and np.array_equal(stack.data[k][valid], whole.data[valid])
    moved = images.stack("red green blue", geocontext=grid, bands_axis=-1)
    assert moved.shape == (4, *whole.shape[1:], 3)
    with pytest.raises(CatalogValueError, match="images axis"):
        images.stack("red", geocontext=grid, bands_axis=0)


@pytest.fixture
def overlapping(catalog, write_tif, rng):
    """Three 1-band images on the same grid with random values and random nodata holes."""
    product = _product("over", names=("b",), data_type="UInt16")
    transform = Affine(10.0, 0.0, 400000.0, 0.0, -10.0, 3000000.0)
    arrays = []
    for k in range(3):
        data = rng.integers(1, 1000, (1, 30, 40)).astype("uint16")
        data[rng.random(data.shape) < 0.4] = 0
        arrays.append(data)
        image = Image(product=product, name=f"i{k}", acquired=f"2021-0{k + 1}-15")
        assert image.upload(write_tif(f"i{k}.tif", data, crs=UTM, transform=transform, nodata=0)).status == "success"
    return product, np.stack(arrays)


def test_mosaic_last_valid_image_wins(overlapping):
    product, arrays = overlapping
    images = product.images().sort("acquired").collect()
    expected = np.zeros(arrays.shape[1:], dtype=arrays.dtype)
    for data in arrays:  # later images overwrite where they are valid
        expected = np.where(data != 0, data, expected)
    got = images.mosaic("b", geocontext=images[0].geocontext)
    assert np.array_equal(got.filled(0), expected) and np.array_equal(got.mask, expected == 0)
    reverse = images.sorted("acquired", reverse=True).mosaic("b", geocontext=images[0].geocontext)
    first_wins = np.zeros_like(expected)
    for data in arrays[::-1]:
        first_wins = np.where(data != 0, data, first_wins)
    assert np.array_equal(reverse.filled(0), first_wins)


def test_stack_flatten_groups_and_mosaics(overlapping):
    product, arrays = overlapping
    images = product.images().sort("acquired").collect()
    grid = images[0].geocontext
    # group i0 and i1 together (first quarter), i2 alone
    got = images.stack("b", geocontext=grid, flatten=lambda i: i.acquired.month >= 3)
    assert got.shape == (2, 1, 30, 40)
    pair = np.where(arrays[1] != 0, arrays[1], arrays[0])
    assert np.array_equal(got.filled(0)[0], pair) and np.array_equal(got.filled(0)[1], arrays[2])
    by_name = images.stack("b", geocontext=grid, flatten="name")
    assert np.array_equal(by_name.filled(0)[:, 0], arrays[:, 0])
    info = images.stack("b", geocontext=grid, flatten=["acquired.year"], raster_info=True)[1]
    assert len(info) == 1 and info[0]["images"] == [i.id for i in images]


def test_default_grid_is_the_search_area_at_the_first_images_resolution(overlapping):
    product, _ = overlapping
    first = product.images().sort("acquired").collect()[0]
    minx, miny, maxx, maxy = first.geometry.bounds
    aoi = shapely.box(minx + (maxx - minx) * 0.25, miny + (maxy - miny) * 0.25, maxx, maxy)
    images = product.images().intersects(aoi).sort("acquired").collect()
    got, info = images.mosaic("b", raster_info=True)
    ctx = GeoContext(geometry=aoi, crs=UTM, resolution=10.0)
    assert got.shape == (1, *ctx.arr_shape) and info["geoTransform"] == list(ctx.gdal_geotrans)
    assert np.array_equal(got, images.mosaic("b", geocontext=ctx))
    # without a search area: the union of the footprints, same crs and resolution
    plain = ImageCollection(list(images))
    assert plain.mosaic("b").shape[1:] == GeoContext(geometry=first.geometry, crs=UTM, resolution=10.0).arr_shape
    # crs and resolution overrides
    coarse = images.mosaic("b", resolution=20.0)
    assert coarse.shape == (1, *ctx.replace(resolution=20.0).arr_shape)
    lonlat = images.mosaic("b", crs="EPSG:4326")
    assert lonlat.shape[1] > 5 and lonlat.shape[2] > 5


def test_downloads(overlapping, tmp_path):
    product, arrays = overlapping
    images = product.images().sort("acquired").collect()
    grid = images[0].geocontext
    paths = images.download("b", geocontext=grid, dest=tmp_path)
    assert len(paths) == 3 and len(set(paths)) == 3
    for path, data in zip(paths, arrays):
        with rasterio.open(path) as ds:
            assert np.array_equal(ds.read(), data) and ds.nodata == 0
    named = images.download("b", geocontext=grid, dest=[tmp_path / f"n{k}.tif" for k in range(3)])
    assert [Path(p).name for p in named] == ["n0.tif", "n1.tif", "n2.tif"]
    with pytest.raises(CatalogValueError, match="one per image"):
        images.download("b", geocontext=grid, dest=[tmp_path / "only.tif"])
    mosaic_path = images.download_mosaic("b", geocontext=grid, dest=tmp_path / "m.tif")
    with rasterio.open(mosaic_path) as ds:
        assert np.array_equal(ds.read(1), images.mosaic("b", geocontext=grid).filled(0)[0])


def test_empty_collection_and_scaling_parameters(overlapping):
    product, _ = overlapping
    with pytest.raises(CatalogValueError, match="empty"):
        ImageCollection([]).mosaic("b")
    with pytest.raises(CatalogValueError, match="empty"):
        ImageCollection([]).stack("b")
    images = product.images().collect()
    assert images.scaling_parameters("b", scaling="display") == ([(0, 200, 0, 255)], "Byte")
    assert images.scaling_parameters("b") == (None, "UInt16")


def test_stack_flatten_scales_each_group_with_its_own_products_levels(catalog, write_tif, rng):
    """Groups of a flattened stack get the processing level of their own product, not of the first images."""
    transform = Affine(10.0, 0.0, 400000.0, 0.0, -10.0, 3000000.0)
    images, raw = [], {}
    for pid, gain in (("gain-a", 0.5), ("gain-b", 3.0)):
        product = Product(id=pid, name=pid)
        product.save()
        SpectralBand(name="b", product=product, data_type="UInt16", band_index=0, nodata=0, data_range=(0, 1000),
                     processing_levels={"toa": {"data_type": "Float32", "gain": gain, "offset": 0.0}}).save()
        data = rng.integers(1, 1000, (1, 20, 20)).astype("uint16")
        image = Image(product=product, name="only", acquired="2021-01-15")
        assert image.upload(write_tif(f"{pid}.tif", data, crs=UTM, transform=transform, nodata=0)).status == "success"
        images.append(Image.get(image.id))
        raw[image.product_id] = (data, gain)
    collection = ImageCollection(images)
    got = collection.stack("b", geocontext=images[0].geocontext, processing_level="toa", flatten="product_id")
    for k, image in enumerate(images):
        data, gain = raw[image.product_id]
        np.testing.assert_allclose(got[k].filled(np.nan), data * gain, rtol=1e-6)
