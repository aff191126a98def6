"""Bands of every type: attributes, ids, type-restricted lookups and searches."""

from __future__ import annotations

import math

import pytest

from gpucompute.catalog import (
    Band,
    BandType,
    ClassBand,
    DataType,
    GenericBand,
    MaskBand,
    MicrowaveBand,
    Product,
    Resolution,
    ResolutionUnit,
    SpectralBand,
)
from gpucompute.catalog import properties as p
from gpucompute.errors import CatalogValueError, NotFoundError

BAND_CLASSES = {
    SpectralBand: {"wavelength_nm_min": 452, "wavelength_nm_max": 512, "wavelength_nm_center": 482.0,
                   "wavelength_nm_fwhm": 60, "physical_range": (0.0, 1.0), "physical_range_unit": "reflectance"},
    MicrowaveBand: {"frequency": 5.405, "bandwidth": 0.1, "physical_range": (-50, 10)},
    GenericBand: {"physical_range": (-500, 9000), "physical_range_unit": "m"},
    ClassBand: {"class_labels": ["water", "forest", "urban"]},
    MaskBand: {"is_alpha": True},
}


@pytest.fixture
def product(catalog):
    product = Product(id="guide-example-product", name="Example product")
    product.save()
    return product


def test_spectral_band_as_in_the_guide(product):
    band = SpectralBand(name="blue", product=product)
    band.data_type = DataType.UINT16
    band.data_range = (0, 10000)
    band.display_range = (0, 4000)
    band.resolution = Resolution(unit=ResolutionUnit.METERS, value=60)
    band.band_index = 0
    band.wavelength_nm_min = 452
    band.wavelength_nm_max = 512
    band.save()
    assert band.id == "local:guide-example-product:blue"
    assert band.product_id == product.id and band.type == "spectral"
    again = Band.get(band.id)
    assert type(again) is SpectralBand
    assert again.data_type == "UInt16" and again.data_range == (0, 10000)
    assert again.resolution == Resolution(60, "meters") and again.file_index == 0
    assert again.product.id == product.id
    assert "SpectralBand: blue" in repr(again) and f"product: {product.id}" in repr(again)


@pytest.mark.parametrize("cls", list(BAND_CLASSES), ids=lambda c: c.__name__)
def test_each_band_type_round_trips(product, cls):
    extra = BAND_CLASSES[cls]
    band = cls(name="b", product=product, data_type="Float32", band_index=2, file_index=1, nodata=float("nan"),
               description="d", sort_order=3, vendor_order=4, vendor_band_name="B2", tags=["t"],
               processing_levels={"toa": {"data_type": "Float32"}}, **extra)
    band.save()
    again = cls.get(band.id)
    assert type(again) is cls and again.type == cls._type
    for name, value in extra.items():
        got = getattr(again, name)
        assert got == (tuple(value) if isinstance(value, tuple) else value), name
    assert math.isnan(again.nodata) and again.band_index == 2 and again.file_index == 1
    assert again.processing_levels == {"toa": {"data_type": "Float32"}}
    others = [c for c in BAND_CLASSES if c is not cls]
    assert all(c.get(band.id) is None for c in others)  # other types are silently left out
    assert [b.id for b in cls.search()] == [band.id]
    assert all(c.search().count() == 0 for c in others)


def test_mask_band_defaults(product):
    alpha = MaskBand(name="alpha", product=product, is_alpha=True, data_type=DataType.UINT16, band_index=1)
    assert alpha.data_range == (0, 1) and alpha.display_range == (0, 1)
    alpha.save()
    assert MaskBand.get(alpha.id).is_alpha is True
    alpha.delete()
    assert not Band.exists(alpha.id)


def test_band_base_class_cannot_be_instantiated(product):
    with pytest.raises(CatalogValueError, match="SpectralBand"):
        Band(name="x", product=product)


@pytest.mark.parametrize(
    "name, value",
    [("data_type", "UInt64"), ("data_type", 7), ("data_range", (10, 0)), ("data_range", (0,)),
     ("data_range", (0, float("inf"))), ("band_index", -1), ("band_index", 1.5), ("name", "has space"),
     ("resolution", 0), ("nodata", "zero"), ("wavelength_nm_min", -3)],
)
def test_bad_band_values(product, name, value):
    band = SpectralBand(name="ok", product=product)
    with pytest.raises(CatalogValueError, match=name):
        setattr(band, name, value)


def test_data_type_is_case_insensitive(product):
    assert SpectralBand(name="x", product=product, data_type="uint16").data_type == "UInt16"


def test_band_needs_existing_product_and_required_fields(catalog):
    orphan = SpectralBand(name="x", product_id="missing", data_type="Byte", band_index=0)
    with pytest.raises(NotFoundError, match="local:missing"):
        orphan.save()
    product = Product(id="p", name="P")
    product.save()
    with pytest.raises(CatalogValueError, match="data_type"):
        SpectralBand(name="x", product=product, band_index=0).save()
    assert Band.search().count() == 0


def test_band_of_unsaved_product_gets_namespaced_product_id(catalog):
    product = Product(id="later", name="Later")
    band = SpectralBand(name="red", product=product, data_type="Byte", band_index=0)
    product.save()
    band.save()
    assert band.product_id == "local:later" and band.id == "local:later:red"


def test_band_id_parsing_and_get_or_create(catalog):
    product = Product(id="p", name="P")
    product.save()
    band = SpectralBand.get_or_create("local:p:nir", data_type="UInt16", band_index=3)
    assert (band.product_id, band.name) == ("local:p", "nir")
    band.save()
    same = SpectralBand.get_or_create("local:p:nir", band_index=3)
    assert same.state.value == "saved"
    with pytest.raises(CatalogValueError, match="cannot change"):
        same.name = "other"


def test_product_bands_filter_by_type_sorted(catalog, rng):
    product = Product(id="p", name="P")
    product.save()
    kinds = [SpectralBand, ClassBand, MaskBand, GenericBand]
    created = []
    for i, name in enumerate(rng.permutation([f"band{i:02d}" for i in range(12)])):
        cls = kinds[i % len(kinds)]
        cls(name=str(name), product=product, data_type="Byte", band_index=i).save()
        created.append((str(name), cls._type))
    got = [b.name for b in product.bands().filter(p.type == BandType.CLASS).sort("name")]
    assert got == sorted(n for n, t in created if t == "class")
    first = list(product.bands().limit(4))
    assert [b.name for b in first] == [n for n, _ in created[:4]]
    collection = product.bands().collect()
    assert {type(b) for b in collection} == set(kinds)
    by_type = dict((k, len(g)) for k, g in collection.groupby("type"))
    assert by_type == {"spectral": 3, "class": 3, "mask": 3, "generic": 3}


def test_type_specific_properties_in_searches_and_collections(product):
    SpectralBand(name="blue", product=product, data_type="Byte", band_index=0, wavelength_nm_min=452).save()
    SpectralBand(name="red", product=product, data_type="Byte", band_index=1, wavelength_nm_min=636).save()
    ClassBand(name="cover", product=product, data_type="Byte", band_index=2, class_labels=["water", "urban"]).save()
    everything = Band.search().collect()
    for expr, expected in ((p.wavelength_nm_min > 500, ["red"]), (p.class_labels == "water", ["cover"]),
                           (p.wavelength_nm_min.isnull, ["cover"])):
        assert [b.name for b in Band.search().filter(expr)] == expected
        assert [b.name for b in everything.filter(expr)] == expected
