"""scaling_parameters (the guide's cases and the documented rules) and scaled rasters vs numpy."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from gpucompute.catalog import ClassBand, Image, MaskBand, Product, SpectralBand
from gpucompute.catalog.scaling import apply_scaling, scaling_parameters
from gpucompute.errors import CatalogValueError

RANGES = {"data_range": (0, 10000), "display_range": (0, 4000), "physical_range": (0.0, 1.0)}
TOA = {"toa_reflectance": {"gain": 1e-4, "offset": 0.0, "data_type": "Float64", "data_range": [0.0, 1.0],
                           "display_range": [0.0, 0.4], "physical_range": [0.0, 1.0]}}


def _band(name, cls=SpectralBand, **kw):
    return cls(name=name, product_id="local:p", band_index=0, data_type=kw.pop("data_type", "UInt16"), **kw)


@pytest.fixture
def rgb():
    return [_band(n, **RANGES) for n in ("red", "green", "blue")]


def test_guide_display_example(rgb):
    # the guide's product rasters reflectance (its processing level) with display_range [0, 0.4]
    toa = [_band(n, processing_levels=TOA, **RANGES) for n in ("red", "green", "blue")]
    assert scaling_parameters(toa, "toa_reflectance", "display") == ([(0.0, 0.4, 0, 255)] * 3, "Byte")
    # the demo-like product stores reflectance x 10000 with display_range [0, 4000]
    assert scaling_parameters(rgb, scaling="display") == ([(0, 4000, 0, 255)] * 3, "Byte")


def test_modes_and_data_types(rgb):
    assert scaling_parameters(rgb) == (None, "UInt16")
    assert scaling_parameters(rgb, scaling="raw") == (None, "UInt16")
    assert scaling_parameters(rgb, scaling="auto") == ([(None, None, 0, 255)] * 3, "Byte")
    assert scaling_parameters(rgb, scaling="physical") == ([(0, 10000, 0.0, 1.0)] * 3, "Float64")
    assert scaling_parameters(rgb, scaling="display", data_type="float32") == ([(0, 4000, 0, 255)] * 3, "Float32")
    mixed = [_band("a", data_type="Byte"), _band("b", data_type="Int16"), _band("c", data_type="UInt16")]
    assert scaling_parameters(mixed) == (None, "Int32")  # smallest type holding all
    assert scaling_parameters([_band("f", data_type="Float32"), _band("i", data_type="UInt16")]) == (None, "Float32")
    assert scaling_parameters([_band("f", data_type="Float32"), _band("i", data_type="Int32")]) == (None, "Float64")


def test_tuples_and_percentages(rgb):
    # the guide: ("25%", "75%") of display_range [0, 4000] is (1000, 3000)
    scales, dtype = scaling_parameters(rgb, scaling=[("25%", "75%")] * 3)
    assert scales == [(1000, 3000, 0, 255)] * 3 and dtype == "Byte"
    assert scaling_parameters(rgb, scaling=[(0, 0.4)] * 3)[0] == [(0, 0.4, 0, 255)] * 3
    # explicit 4-tuples: integer outputs pick the smallest integer type, float outputs Float64
    assert scaling_parameters(rgb[:1], scaling=[(0, 10000, 0, 1000)]) == ([(0, 10000, 0, 1000)], "UInt16")
    assert scaling_parameters(rgb[:1], scaling=[(0, 10000, -5, 5)]) == ([(0, 10000, -5, 5)], "Int16")
    assert scaling_parameters(rgb[:1], scaling=[("10%", "50%", "0%", "100%")]) == (
        [(1000, 5000, 0.0, 1.0)], "Float64")
    assert scaling_parameters(rgb[:2], scaling=[(), "display"]) == ([(None, None, 0, 255), (0, 4000, 0, 255)],
                                                                     "Byte")


def test_mapping_with_default_skips_mask_and_class_bands(rgb):
    nir = _band("nir", **RANGES)
    mask = _band("cloud", cls=MaskBand, data_type="Byte")
    cls = _band("landcover", cls=ClassBand, data_type="Byte")
    scaling = {"nir": (0, 10000), "default_": "display"}
    scales, dtype = scaling_parameters([*rgb, nir, mask, cls], scaling=scaling)
    assert scales == [(0, 4000, 0, 255)] * 3 + [(0, 10000, 0, 255), None, None] and dtype == "Byte"
    # no default: unlisted bands are unscaled, and the type holds them too
    assert scaling_parameters([rgb[0], nir], scaling={"nir": "display"}) == ([None, (0, 4000, 0, 255)], "UInt16")


@pytest.mark.parametrize("scaling, match", [
    (["display", "physical", "display"], "mixes modes"),
    (["raw", "display", "display"], "mixes modes"),
    ([(0, 1, 0, 255), "display", "display"], "mixes modes"),
    ("stretch", "unknown scaling mode"),
    ([(0, 1)] * 2, "one entry per band"),
    ([(5, 5)] * 3, "empty"),
    ([("x%", "50%")] * 3, "percentage"),
    ([(0, 1, 2)] * 3, "scaling entry"),
    ([(None, 4)] * 3, "both input bounds"),
    (42, "scaling must be"),
])
def test_invalid_scaling(rgb, scaling, match):
    with pytest.raises(CatalogValueError, match=match):
        scaling_parameters(rgb, scaling=scaling)


def test_invalid_data_type_missing_ranges_and_levels(rgb):
    with pytest.raises(CatalogValueError, match="data_type"):
        scaling_parameters(rgb, data_type="UInt64")
    with pytest.raises(CatalogValueError, match="display_range"):
        scaling_parameters([_band("bare")], scaling="display")
    with pytest.raises(CatalogValueError, match="physical_range"):
        scaling_parameters([_band("bare", data_range=(0, 1))], scaling="physical")
    with pytest.raises(CatalogValueError, match="no processing level"):
        scaling_parameters(rgb, "surface", "display")
    toa = [_band("r", processing_levels=TOA, **RANGES)]
    with pytest.raises(CatalogValueError, match="auto"):
        scaling_parameters(toa, "toa_reflectance", "auto")
    assert scaling_parameters(toa, "toa_reflectance") == (None, "Float64")


# ---- scaled rasters vs hand-computed numpy ----------------------------------------------------------
@pytest.fixture
def raster(catalog, write_tif, rng):
    product = Product(id="scaled", name="Scaled")
    product.save()
    for i, name in enumerate(("red", "green")):
        SpectralBand(name=name, product=product, data_type="UInt16", band_index=i, nodata=0, processing_levels=TOA,
                     **RANGES).save()
    data = rng.integers(0, 12000, (2, 30, 35)).astype("uint16")
    image = Image(product=product, name="x", acquired="2022-06-01")
    path = write_tif("x.tif", data, crs="EPSG:32610", transform=Affine(20, 0, 6e5, 0, -20, 4e6), nodata=0)
    assert image.upload(path).status == "success"
    return image, data.astype(np.float64), data == 0


def _byte(v, lo, hi):
    return np.clip(np.rint((v - lo) * 255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def test_display_physical_auto_and_tuples_vs_numpy(raster):
    image, v, nodata = raster
    valid = ~nodata

    def check(got, expected):
        assert np.array_equal(got.mask, nodata)
        assert got.dtype == expected.dtype and np.array_equal(got.data[valid], expected[valid])

    check(image.ndarray("red green", scaling="display"), _byte(v, 0, 4000))
    check(image.ndarray("red green", scaling="physical"), v / 10000.0)
    lo = np.array([v[b][valid[b]].min() for b in range(2)])[:, None, None]
    hi = np.array([v[b][valid[b]].max() for b in range(2)])[:, None, None]
    check(image.ndarray("red green", scaling="auto"), _byte(v, lo, hi))
    check(image.ndarray("red green", scaling=[("25%", "75%"), (100, 9000)]),
          np.stack([_byte(v[0], 1000, 3000), _byte(v[1], 100, 9000)]))
    explicit = np.clip(np.rint((v - 2000) * 500 / 6000 + 100), 100, 600).astype(np.uint16)
    check(image.ndarray("red green", scaling=[(2000, 8000, 100, 600)] * 2), explicit)
    check(image.ndarray("red green", scaling="display", data_type="Float32"),
          (v * 255.0 / 4000).astype(np.float32))
    check(image.ndarray("red green", data_type="Byte"), np.clip(v, 0, 255).astype(np.uint8))


def test_processing_level_values_and_display(raster):
    image, v, nodata = raster
    valid = ~nodata
    got = image.ndarray("red green", processing_level="toa_reflectance")
    assert got.dtype == np.float64 and np.allclose(got.data[valid], (v * 1e-4)[valid], rtol=0, atol=1e-12)
    shown = image.ndarray("red", processing_level="toa_reflectance", scaling="display")
    expected = np.clip(np.rint((v[0] * 1e-4) * 255.0 / 0.4), 0, 255).astype(np.uint8)
    assert np.array_equal(shown.data[0][valid[0]], expected[valid[0]])
    assert image.scaling_parameters("red green", "toa_reflectance", "display") == ([(0.0, 0.4, 0, 255)] * 2, "Byte")


def test_apply_scaling_direct(rng):
    data = rng.normal(100, 30, (3, 2, 4, 5))  # (images, bands, y, x)
    mask = rng.random(data.shape) < 0.3
    out = apply_scaling(data, mask, [None, (50, 150, 0.0, 1.0)], "Float64")
    assert np.array_equal(out[:, 1][~mask[:, 1]], ((data[:, 1] - 50) / 100)[~mask[:, 1]])
    assert np.array_equal(out[:, 0][~mask[:, 0]], data[:, 0][~mask[:, 0]]) and not out[mask].any()
    ints = apply_scaling(data, mask, None, "Int16")
    assert np.array_equal(ints[~mask], np.rint(data[~mask]).astype(np.int16))
