"""The synthetic demo product: metadata, determinism, seasonality, clouds, idempotent and atomic generation."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import rasterio
import shapely

from gpucompute.catalog import Catalog, Image, Product
from gpucompute.catalog import _demo_scenes as scenes
from gpucompute.catalog.demo import DEMO_PRODUCT_ID, ensure_demo_product
from gpucompute.errors import CatalogValueError

SIZE, SCENES = 96, 4  # 4 dates: 1 March, 31 March, 30 April, 30 May


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """One small demo product for the whole session, in its own catalog folder."""
    home = tmp_path_factory.mktemp("demo-home")
    return ensure_demo_product(home, size=SIZE, scenes=SCENES, progress=False)


def _images(product, area=None):
    images = product.images().sort("acquired").collect()
    return [i for i in images if area is None or i.name.startswith(area)]


def test_product_bands_and_images(demo):
    assert demo.id == DEMO_PRODUCT_ID and "synthetic" in demo.id
    assert "SYNTHETIC" in demo.description and demo.extra_properties["demo"]["complete"] is True
    bands = {b.name: b for b in demo.bands()}
    assert set(bands) == {"blue", "green", "red", "nir", "swir1", "cloud-mask"}
    red = bands["red"]
    assert (red.type, red.data_type, red.nodata) == ("spectral", "UInt16", 0)
    assert red.data_range == (0, 10000) and red.physical_range == (0.0, 1.0) and red.display_range == (0, 4000)
    assert red.wavelength_nm_min < red.wavelength_nm_center < red.wavelength_nm_max
    assert bands["cloud-mask"].type == "mask" and bands["cloud-mask"].file_index == 1
    images = _images(demo)
    assert len(images) == 2 * SCENES and all(i.cs_code == "EPSG:32610" for i in images)
    assert [i.acquired.strftime("%m-%d") for i in images[::2]] == ["03-01", "03-31", "04-30", "05-30"]
    for area in scenes.AREAS:  # the quickstart points fall inside their area's scenes
        point = shapely.Point(area.lon, area.lat)
        assert all(i.geometry.contains(point) for i in _images(demo, area.name))
    with rasterio.open(images[0].file_paths()[0]) as ds:
        assert ds.profile["tiled"] and ds.block_shapes[0] == (256, 256)
        assert ds.profile["compress"].lower() == "deflate" and ds.nodata == 0


def _pixel_hashes(product) -> dict[str, str]:
    out = {}
    for image in product.images():
        digest = hashlib.sha256()
        for path in image.file_paths():
            with rasterio.open(path) as ds:
                digest.update(ds.read().tobytes())
        out[image.name] = digest.hexdigest()
    return out


def test_generation_is_deterministic(demo, tmp_path):
    again = ensure_demo_product(tmp_path / "other-home", size=SIZE, scenes=SCENES, progress=False)
    assert _pixel_hashes(again) == _pixel_hashes(demo)
    other_seed = ensure_demo_product(tmp_path / "third-home", size=SIZE, scenes=1, seed=1, progress=False)
    first = _images(other_seed, "central-valley")[0]
    assert _pixel_hashes(other_seed)[first.name] != _pixel_hashes(demo)[first.name]


def test_field_ndvi_rises_from_march_to_may(demo):
    area = scenes.AREAS[0]
    classes, ids, _ = scenes.landcover(area, SIZE, 0)
    fields = (classes == scenes.FIELD) & (ids >= 0)
    march, may = _images(demo, area.name)[0], _images(demo, area.name)[-1]

    def field_ndvi(image):
        arr = image.ndarray("red nir cloud-mask").astype(np.float64)
        clear = fields & ~arr.mask.any(axis=0) & (arr.data[2] == 0)
        red, nir = arr.data[0][clear], arr.data[1][clear]
        return ((nir - red) / (nir + red)).mean(), clear.sum()

    (ndvi_march, n_march), (ndvi_may, n_may) = field_ndvi(march), field_ndvi(may)
    assert n_march > 50 and n_may > 50
    assert ndvi_may > ndvi_march + 0.1


def test_water_is_dark_in_nir_and_urban_ndvi_is_flat(demo):
    area = scenes.AREAS[1]
    classes, _, _ = scenes.landcover(area, SIZE, 0)
    means = {}
    for image in _images(demo, area.name):
        arr = image.ndarray("red nir cloud-mask").astype(np.float64)
        clear = ~arr.mask.any(axis=0) & (arr.data[2] == 0)
        with np.errstate(invalid="ignore"):  # 0 / 0 under the nodata corner, which is excluded
            ndvi = (arr.data[1] - arr.data[0]) / (arr.data[1] + arr.data[0])
        for cls in (scenes.WATER, scenes.URBAN):
            if (clear & (classes == cls)).sum() > 20:
                means.setdefault(cls, []).append(ndvi[clear & (classes == cls)].mean())
    assert max(means[scenes.WATER]) < 0
    assert 0.05 < min(means[scenes.URBAN]) and max(means[scenes.URBAN]) < 0.25
    assert np.ptp(means[scenes.URBAN]) < 0.05


def test_cloud_fraction_is_the_masks_fraction(demo):
    fractions = []
    for image in _images(demo):
        cloud = image.ndarray("cloud-mask")[0]
        assert image.cloud_fraction == pytest.approx(cloud.mean(), abs=1e-12)
        assert image.fill_fraction == pytest.approx(cloud.count() / cloud.size, abs=1e-12)
        refl = image.ndarray("red nir")
        cloudy = cloud.filled(0) == 1
        if cloudy.any():  # clouds are bright in every band
            assert refl[0][cloudy].mean() > 2 * refl[0][~cloudy & ~cloud.mask].mean()
        fractions.append(image.cloud_fraction)
    assert len(set(fractions)) > 2  # clouds change between dates


def test_ensure_is_idempotent_and_regenerates_incomplete(tmp_path):
    home = tmp_path / "home"
    first = ensure_demo_product(home, size=32, scenes=1, progress=False)
    created = {i.id: i.created for i in first.images()}
    again = ensure_demo_product(home, size=32, scenes=1, progress=False)
    assert {i.id: i.created for i in again.images()} == created
    # a generation killed before it finished leaves the flag unset and a temporary folder behind
    first.extra_properties = {"demo": {**first.extra_properties["demo"], "complete": False}}
    first.save()
    (home / ".demo-tmp-stale").mkdir()
    redone = ensure_demo_product(home, size=32, scenes=1, progress=False)
    assert redone.extra_properties["demo"]["complete"] is True
    assert {i.id for i in redone.images()} == set(created)
    assert all(i.created > created[i.id] for i in redone.images())
    assert not list(home.glob(".demo-tmp-*"))
    assert Image.search(client=Catalog(home)).count() == 2
    # other parameters regenerate as well
    bigger = ensure_demo_product(home, size=48, scenes=1, progress=False)
    assert {i.x_pixels for i in bigger.images()} == {48}
    assert Product.get(DEMO_PRODUCT_ID, client=Catalog(home)).extra_properties["demo"]["size"] == 48


def test_bad_parameters():
    with pytest.raises(CatalogValueError, match="size"):
        ensure_demo_product("/nonexistent-never-created", size=4)
