"""The catalog guide's examples (those that need no pixels), run end to end on a local catalog."""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import datetime

import numpy as np
import pytest

from gpucompute.catalog import (
    Band,
    BandType,
    Blob,
    DataType,
    File,
    Image,
    ImageUploadStatus,
    MaskBand,
    OverviewResampler,
    Product,
    Resolution,
    ResolutionUnit,
    SpectralBand,
    StorageState,
    TaskState,
    properties,
)
from gpucompute.catalog import properties as p
from gpucompute.errors import ConflictError


@pytest.fixture
def guide_product(catalog):
    product = Product(id="guide-example-product", name="Example product")
    product.save()
    band = SpectralBand(name="blue", product=product)
    band.data_type = DataType.UINT16
    band.data_range = (0, 10000)
    band.display_range = (0, 4000)
    band.resolution = Resolution(unit=ResolutionUnit.METERS, value=60)
    band.band_index = 0
    band.wavelength_nm_min = 452
    band.wavelength_nm_max = 512
    band.save()
    return product


def test_finding_products(guide_product):
    for i, (start, end) in enumerate([("1999-01-01", "2001-01-01"), ("2005-01-01", "2010-01-01"),
                                      ("2017-01-01", "2020-01-01")]):
        Product(id=f"p{i}", name=f"P{i}", start_datetime=start, end_datetime=end).save()
    search = Product.search().filter(p.start_datetime < "2016-01-01")
    assert search.count() == 2
    search = search.filter(p.end_datetime > "2000-01-01")
    assert search.count() == 2
    oldest = [r.id for r in search.sort("start_datetime").limit(3)]
    assert oldest == ["local:p0", "local:p1"]
    products = search.limit(5).collect()
    assert list(products.each.id) == oldest
    landsat = Product.get(guide_product.id)
    assert [b.name for b in landsat.bands().limit(4)] == ["blue"]
    assert list(landsat.bands().filter(p.type == BandType.CLASS).sort("name")) == []


def test_managing_images(guide_product, write_tif):
    path = write_tif("blue.tif", np.full((1, 20, 30), 7, "uint16"))
    image = Image(product=guide_product, name="image1")
    image.acquired = "2012-01-02"
    image.cloud_fraction = 0.1
    upload = image.upload(str(path))
    upload.wait_for_completion()
    assert upload.status == ImageUploadStatus.SUCCESS

    image2 = Image(product=guide_product, name="image2")
    image2.acquired = image.acquired
    image2.geotrans, image2.cs_code = image.geotrans, image.cs_code
    upload2 = image2.upload_ndarray(np.ones((1, 20, 30), "uint16"), overviews=[2, 4],
                                    overview_resampler=OverviewResampler.AVERAGE)
    upload2.wait_for_completion()
    assert upload2.status == "success"

    image2 = Image.get(image2.id)
    image2.cloud_fraction = 0.2
    image2.extra_properties = {"processing_time": 120, "quality": 0.5, "reviewer": ""}
    image2.tags = ["temporary", "guide"]
    image2.save()
    assert [i.id for i in guide_product.images().filter(p.tags == "temporary")] == [image2.id]

    invalid_image_path = tempfile.mkstemp()[1]
    with open(invalid_image_path, "w"):
        pass
    image3 = Image(product=guide_product, name="image3", acquired="2012-03-01")
    upload3 = image3.upload(invalid_image_path)
    upload3.wait_for_completion()
    assert upload3.status == "failure"

    for upload in guide_product.image_uploads().filter():
        if upload.status not in (ImageUploadStatus.SUCCESS, ImageUploadStatus.FAILURE, ImageUploadStatus.CANCELED):
            upload.wait_for_completion()
    statuses = [(u.image_id, u.status) for u in guide_product.image_uploads()]
    assert statuses == [(image.id, "success"), (image2.id, "success"), (image3.id, "failure")]
    failed = guide_product.image_uploads().filter(properties.status == ImageUploadStatus.FAILURE)
    assert [u.image_id for u in failed] == [image3.id]

    search = Image.search().filter(p.product_id == guide_product.id)
    summary = search.summary()
    assert summary.count == 2 and summary.products == [guide_product.id]
    assert summary.bytes == sum(f.size_bytes for i in search for f in i.files)
    assert "Summary for 2 images" in repr(summary)
    buckets = search.summary_interval(interval="month", start_datetime="2012-01-01", end_datetime="2012-06-01")
    assert [(b.interval_start.month, b.count) for b in buckets] == [(1, 2)]

    geometry = image.geometry.__geo_interface__
    search = guide_product.images().intersects(geometry).filter("2012-01-01" <= p.acquired < "2013-01-01")
    search = search.filter(p.cloud_fraction < 0.2).filter(p.created < datetime(2100, 1, 1)).sort("acquired")
    images = search.collect()
    assert len(images) == 1 and images.geocontext.bounds == pytest.approx(image.geometry.bounds)
    assert list(images.each.acquired.month) == [1]
    winter = images.filter(lambda i: i.acquired.month < 3)
    assert [k for k, _ in winter.groupby(lambda i: i.acquired.month)] == [1]

    with pytest.raises(ConflictError):
        guide_product.delete()
    status = guide_product.delete_related_objects()
    if status:
        status.wait_for_completion()
        assert status.status == TaskState.SUCCEEDED
    guide_product.delete()


def test_bands_and_alpha(guide_product):
    band = Band.get(f"{guide_product.id}:blue")
    alpha = MaskBand(name="alpha", product=guide_product)
    alpha.is_alpha = True
    alpha.data_type = DataType.UINT16
    alpha.resolution = band.resolution
    alpha.band_index = 1
    alpha.save()
    assert {b.name for b in Band.search().filter(p.product_id == guide_product.id)} == {"blue", "alpha"}
    alpha.delete()
    assert [b.name for b in guide_product.bands()] == ["blue"]


def test_remote_image(catalog):
    product = Product(id="guide-example-raw", name="Raw product")
    product.save()
    image = Image(product=product, name="raw-image")
    image.storage_state = StorageState.REMOTE
    image.acquired = "2018-04-12"
    image.geometry = {"type": "Polygon", "coordinates": [[[7.488099932670593, 46.95386728954941],
                                                          [7.488352060317992, 46.953656742419255],
                                                          [7.488429844379425, 46.953916722233814],
                                                          [7.488099932670593, 46.95386728954941]]]}
    image.files = [File(href="")]
    image.save()
    assert Image.get(image.id).storage_state == "remote"


def test_access_control(catalog):
    product = Product(id="some-product", name="Some")
    product.save()
    product.readers = ["org:descarteslabs"]
    product.writers = ["email:someone@example.com", "email:other@example.com"]
    product.owners.append("user:newowner")
    product.save()
    assert Product.get(product.id).owners[-1] == "user:newowner"


def test_blobs_as_in_the_guide(catalog, tmp_path):
    Blob(name="some-key").upload(str(_write(tmp_path / "filename", b"file data")))
    Blob.get(name="some-key").download(str(tmp_path / "copy"))
    assert (tmp_path / "copy").read_bytes() == b"file data"
    data = Blob.get(f"data/local:{catalog.user}/some-key").data().decode()
    assert data == "file data"
    some_data = {"some_key": "some_value"}
    raw = json.dumps(some_data).encode()
    blob = Blob(namespace="myproject", name="mydata", size_bytes=len(raw), hash=hashlib.md5(raw).hexdigest())
    blob.upload_data(raw)
    assert Blob.get("data/local:myproject/mydata").data() == raw
    Blob.get("data/local:myproject/mydata").delete().wait_for_completion()
    Blob(storage_type="data", namespace="local:myproject", name="mydata").upload_data("some new data")
    deleted = Blob.delete_many(["data/local:myproject/mydata", f"data/local:{catalog.user}/some-key"],
                               wait_for_completion=True)
    assert len(deleted) == 2 and Blob.search().count() == 0


def _write(path, data):
    path.write_bytes(data)
    return path
