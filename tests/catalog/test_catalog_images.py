"""Images: uploads of GeoTIFFs and ndarrays, georeferencing, footprints, failures, overwrite, band files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from rasterio.warp import transform_bounds

from gpucompute.catalog import (
    DocumentState,
    File,
    Image,
    ImageUpload,
    ImageUploadStatus,
    OverviewResampler,
    Product,
    SpectralBand,
    StorageState,
    resolve_band_files,
)
from gpucompute.catalog import properties as p
from gpucompute.errors import CatalogValueError, ConflictError, NotFoundError

SHARED_RASTERS = Path(__file__).parents[2] / ".." / "shared" / "data" / "rasterio"


def _bounds_close(geom, expected, tol=1e-6):
    return np.allclose(geom.bounds, expected, atol=tol)


def test_upload_geotiff(make_product, write_tif, rng):
    product = make_product()
    data = rng.integers(0, 10000, (1, 40, 50)).astype("uint16")
    path = write_tif("blue.tif", data, crs="EPSG:32618", transform=Affine(30, 0.0, 500000, 0.0, -30, 4000000))
    image = Image(product=product, name="image1")
    image.acquired = "2012-01-02"
    image.cloud_fraction = 0.1
    upload = image.upload(str(path))
    upload.wait_for_completion()
    assert upload.status == ImageUploadStatus.SUCCESS and upload.errors == []
    assert image.state is DocumentState.SAVED
    stored = Image.get(image.id)
    assert stored.cs_code == "EPSG:32618" and (stored.x_pixels, stored.y_pixels) == (50, 40)
    assert stored.geotrans == (500000.0, 30.0, 0.0, 4000000.0, 0.0, -30.0)
    expected = transform_bounds("EPSG:32618", "EPSG:4326", 500000, 4000000 - 40 * 30, 500000 + 50 * 30, 4000000,
                                densify_pts=21)
    assert _bounds_close(stored.geometry, expected)
    (abs_path,) = stored.file_paths()
    assert str(abs_path).startswith(str(product.client.data_dir)) and abs_path.name == "blue.tif"
    with rasterio.open(abs_path) as ds:
        assert np.array_equal(ds.read(), data)
    assert stored.files[0].size_bytes == os.path.getsize(path)
    assert not any(name.endswith(".part") for _, _, names in os.walk(product.client.data_dir) for name in names)
    assert [u.status for u in product.image_uploads()] == ["success"]
    assert [u.image_id for u in stored.image_uploads()] == [image.id]


@pytest.mark.skipif(not (SHARED_RASTERS / "RGB.byte.tif").exists(), reason="shared rasters not available")
def test_upload_real_scene_and_band_files(catalog):
    product = Product(id="rgb", name="RGB")
    product.save()
    for i, name in enumerate(["red", "green", "blue"]):
        SpectralBand(name=name, product=product, data_type="Byte", band_index=i, nodata=0).save()
    image = Image(product=product, name="scene", acquired="2013-05-01")
    src = SHARED_RASTERS / "RGB.byte.tif"
    assert image.upload(src).status == "success"
    with rasterio.open(src) as ds:
        expected = transform_bounds(ds.crs, "EPSG:4326", *ds.bounds, densify_pts=21)
        assert image.geotrans == tuple(ds.transform.to_gdal())
        assert image.cs_code == f"EPSG:{ds.crs.to_epsg()}"
    assert _bounds_close(image.geometry, expected, 1e-5)
    refs = image.image_refs("blue green red")
    assert len(refs) == 1 and refs[0].band_indexes == (3, 2, 1) and refs[0].nodata == 0
    assert refs[0].id == image.id and os.path.isfile(refs[0].path)
    centre = shapely.box(*expected).centroid.buffer(0.01)
    assert [i.id for i in product.images().intersects(centre)] == [image.id]


def test_band_files_across_files_and_nodata(make_product, write_tif):
    product = make_product("multi", bands=[])
    specs = [("a", 0, 0, 0), ("b", 1, 0, 0), ("c", 0, 1, 0), ("d", 2, 0, 5)]
    for name, index, file_index, nodata in specs:
        SpectralBand(name=name, product=product, data_type="Byte", band_index=index, file_index=file_index,
                     nodata=nodata).save()
    f0 = write_tif("f0.tif", np.zeros((3, 4, 4), "uint8"))
    f1 = write_tif("f1.tif", np.ones((1, 4, 4), "uint8"))
    image = Image(product=product, name="two-files")
    assert image.upload([f0, f1]).status == "success"
    refs = resolve_band_files(image, ["a", "b", "c", "a", "d"])
    paths = [os.path.basename(r.path) for r in refs]
    assert paths == ["f0.tif", "f1.tif", "f0.tif", "f0.tif"]
    assert [r.band_indexes for r in refs] == [(1, 2), (1,), (1,), (3,)]
    assert [r.nodata for r in refs] == [0, 0, 0, 5]
    with pytest.raises(CatalogValueError, match="no band"):
        image.image_refs("a zz")


def test_upload_ndarray(make_product, rng):
    product = make_product("nd", bands=[("b1", "UInt16", 0), ("b2", "UInt16", 1)], nodata=0)
    data = rng.integers(1, 5000, (2, 300, 280)).astype("int64")  # cast to the bands' UInt16
    mask = rng.random(data.shape) < 0.1
    image = Image(product=product, name="image2", acquired="2012-03-01")
    image.geotrans = (300000.0, 60.0, 0.0, 5000000.0, 0.0, -60.0)
    image.cs_code = "EPSG:32633"
    upload = image.upload_ndarray(np.ma.masked_array(data, mask), overviews=[2, 4],
                                  overview_resampler=OverviewResampler.AVERAGE)
    upload.wait_for_completion()
    assert upload.status == "success", upload.errors
    (path,) = image.file_paths()
    with rasterio.open(path) as ds:
        assert ds.dtypes == ("uint16", "uint16") and ds.nodata == 0
        assert ds.overviews(1) == [2, 4]
        assert ds.profile["tiled"] and ds.profile["compress"].lower() == "deflate"
        assert ds.transform.to_gdal() == image.geotrans and ds.crs.to_epsg() == 32633
        assert np.array_equal(ds.read(), np.where(mask, 0, data))
    assert image.geometry.is_valid and image.x_pixels == 280 and image.y_pixels == 300


def test_upload_ndarray_with_raster_meta_2d_and_mask_without_nodata(make_product):
    product = make_product("meta", bands=[("b1", "Float32", 0)])
    arr = np.ma.masked_array(np.arange(12, dtype="float64").reshape(3, 4), [[1] + [0] * 3] + [[0] * 4] * 2)
    meta = {"geoTransform": [10.0, 0.1, 0.0, 50.0, 0.0, -0.1],
            "coordinateSystem": {"wkt": rasterio.crs.CRS.from_epsg(4326).to_wkt()}}
    image = Image(product=product, name="small")
    assert image.upload_ndarray(arr, raster_meta=meta).status == "success"
    assert image.cs_code == "EPSG:4326"
    assert _bounds_close(image.geometry, (10.0, 49.7, 10.4, 50.0))
    with rasterio.open(image.file_paths()[0]) as ds:
        assert ds.dtypes == ("float32",)
        assert np.array_equal(ds.read_masks(1) == 0, np.ma.getmaskarray(arr))


@pytest.mark.parametrize(
    "setup, arr, match",
    [
        ({}, np.zeros((4, 4), "uint16"), "georeferencing"),
        ({"cs_code": "EPSG:999999", "geotrans": (0, 1, 0, 0, 0, -1)}, np.zeros((4, 4), "uint16"), "coordinate"),
        ({"cs_code": "EPSG:4326", "geotrans": (0, 0, 0, 0, 0, 0)}, np.zeros((4, 4), "uint16"), "geotrans"),
        ({"cs_code": "EPSG:4326", "geotrans": (0, 1, 0, 0, 0, -1)}, np.zeros((2, 2, 2, 2)), "shape"),
        ({"cs_code": "EPSG:4326", "geotrans": (0, 1, 0, 0, 0, -1)}, np.full((4, 4), 70000), "fit"),
        ({"cs_code": "EPSG:4326", "geotrans": (0, 1, 0, 0, 0, -1)}, np.full((4, 4), 0.5), "fractional"),
        ({"cs_code": "EPSG:4326", "geotrans": (0, 1, 0, 0, 0, -1)}, [[1, 2]], "numpy array"),
    ],
)
def test_upload_ndarray_refusals(make_product, setup, arr, match):
    product = make_product()
    image = Image(product=product, name="bad", **setup)
    with pytest.raises(CatalogValueError, match=match):
        image.upload_ndarray(arr)
    assert Image.search().count() == 0 and ImageUpload.search().count() == 0
    assert not any(files for _, _, files in os.walk(product.client.data_dir))


def test_bad_overview_arguments(make_product):
    product = make_product()
    image = Image(product=product, name="ov", cs_code="EPSG:4326", geotrans=(0, 1, 0, 0, 0, -1))
    for kwargs in ({"overviews": [1]}, {"overviews": [2] * 17}, {"overviews": [2], "overview_resampler": "bogus"}):
        with pytest.raises(CatalogValueError):
            image.upload_ndarray(np.zeros((8, 8), "uint16"), **kwargs)


def test_failed_upload_of_invalid_file(make_product):
    product = make_product()
    invalid = tempfile.mkstemp(dir=product.client.home.parent)[1]
    image = Image(product=product, name="image3", acquired="2012-03-01")
    upload = image.upload(invalid)
    upload.wait_for_completion()
    assert upload.status == ImageUploadStatus.FAILURE and "cannot read" in upload.errors[0]
    assert upload.events and upload.events[-1]["severity"] == "ERROR"
    assert image.state is DocumentState.UNSAVED and image.geotrans is None
    assert not Image.exists(image.id)
    assert [u.status for u in product.image_uploads().filter(p.status == ImageUploadStatus.FAILURE)] == ["failure"]
    assert not any(files for _, _, files in os.walk(product.client.data_dir))


def test_upload_checks_files_against_bands(make_product, write_tif):
    product = make_product(bands=[("b1", "UInt16", 0), ("b2", "UInt16", 1)])
    one_band = write_tif("one.tif", np.zeros((1, 4, 4), "uint16"))
    wrong_type = write_tif("wrong.tif", np.zeros((2, 4, 4), "uint8"))
    no_crs = write_tif("nocrs.tif", np.zeros((2, 4, 4), "uint16"), crs=None)
    for path, match in ((one_band, "band_index 1"), (wrong_type, "declares UInt16"), (no_crs, "coordinate ref")):
        upload = Image(product=product, name=path.stem).upload(path)
        assert upload.status == "failure" and match in " ".join(upload.errors)
    assert Image.search().count() == 0


def test_upload_refusals(make_product, write_tif):
    product = make_product()
    path = write_tif("x.tif", np.zeros((1, 4, 4), "uint16"))
    with pytest.raises(NotFoundError, match="local:missing"):
        Image(product_id="missing", name="x").upload(path)
    with pytest.raises(CatalogValueError, match="existing file"):
        Image(product=product, name="x").upload(str(path) + ".nope")
    image = Image(product=product, name="x")
    image.upload(path)
    with pytest.raises(CatalogValueError, match="unsaved"):
        image.upload(path)
    with pytest.raises(ConflictError, match="overwrite"):
        Image(product=product, name="x").upload(path)
    remote = Image(product=product, name="r", storage_state=StorageState.REMOTE)
    with pytest.raises(CatalogValueError, match="remote"):
        remote.upload(path)


def test_overwrite_replaces_data_and_removes_old_files(make_product, write_tif):
    product = make_product()
    first = write_tif("v1.tif", np.full((1, 4, 4), 1, "uint16"))
    second = write_tif("v2.tif", np.full((1, 6, 6), 2, "uint16"))
    image = Image(product=product, name="img", cloud_fraction=0.5)
    image.upload(first)
    (old_path,) = image.file_paths()
    replacement = Image(product=product, name="img")
    assert replacement.upload(second, overwrite=True).status == "success"
    assert not old_path.exists() and not old_path.parent.exists()
    stored = Image.get(image.id)
    assert stored.x_pixels == 6 and stored.cloud_fraction is None
    with rasterio.open(stored.file_paths()[0]) as ds:
        assert ds.read(1)[0, 0] == 2
    assert Image.search().count() == 1


def test_update_attributes_and_delete(make_product, write_tif):
    product = make_product()
    image = Image(product=product, name="img")
    image.upload(write_tif("a.tif", np.zeros((1, 4, 4), "uint16")))
    stored = Image.get(image.id)
    stored.cloud_fraction = 0.2
    stored.extra_properties = {"processing_time": 120, "quality": 0.5, "reviewer": ""}
    stored.tags = ["temporary", "guide"]
    stored.save()
    assert [i.id for i in product.images().filter(p.tags == "temporary")] == [image.id]
    assert Image.get(image.id).extra_properties["processing_time"] == 120
    with pytest.raises(CatalogValueError):
        stored.cloud_fraction = 1.5
    folder = stored.file_paths()[0].parent
    stored.delete()
    assert not folder.exists() and not Image.exists(image.id)
    assert product.images().intersects(shapely.box(-180, -90, 180, 90)).count() == 0


def test_remote_image_and_files(catalog):
    product = Product(id="guide-example-raw", name="Raw product")
    product.save()
    geometry = {"type": "Polygon", "coordinates": [[[7.4880999, 46.9538672], [7.4883520, 46.9536567],
                                                    [7.4884298, 46.9539167], [7.4880999, 46.9538672]]]}
    image = Image(product=product, name="raw-image")
    image.storage_state = StorageState.REMOTE
    image.acquired = "2018-04-12"
    image.geometry = geometry
    image.files = [File(href="https://example.com/raw.tif")]
    image.save()
    stored = Image.get(image.id)
    assert stored.storage_state == "remote" and stored.files == [File(href="https://example.com/raw.tif")]
    assert stored.geometry.equals(shapely.geometry.shape(geometry))
    SpectralBand(name="b", product=product, data_type="Byte", band_index=0).save()
    with pytest.raises(CatalogValueError, match="no uploaded files"):
        stored.image_refs("b")
    stored.delete()


@pytest.mark.parametrize("value", [{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, shapely.box(0, 0, 200, 1),
                                   shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), "POLYGON", shapely.Polygon()])
def test_bad_geometry(catalog, value):
    with pytest.raises(CatalogValueError, match="geometry"):
        Image(product_id="x", name="y").geometry = value
