"""Bands: the declared structure of a product's images, one class per band type.

All band types share one table; ``Band.get`` / ``Band.search`` return any type,
while ``SpectralBand.get`` / ``SpectralBand.search`` only return spectral bands
(other types are silently left out).
"""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from gpucompute.catalog._attributes import Attribute
from gpucompute.catalog._child import ProductChild
from gpucompute.catalog._compound import Json, Pair, ResolutionKind, StrList
from gpucompute.catalog._db import Catalog
from gpucompute.catalog._enums import BandType, DataType
from gpucompute.catalog._kinds import Bool, Choice, Float, Int, Number, Str
from gpucompute.catalog.collection import BandCollection
from gpucompute.catalog.properties import Expression
from gpucompute.catalog.properties import properties as p
from gpucompute.catalog.search import Search
from gpucompute.errors import CatalogValueError

__all__ = ["Band", "SpectralBand", "MicrowaveBand", "GenericBand", "ClassBand", "MaskBand"]


class Band(ProductChild):
    """Base of the band types; create a :class:`SpectralBand`, :class:`MaskBand` ... instead.

    ``band_index`` is the 0-based index of the band in the image file number
    ``file_index``; ``data_type`` is the pixel type of that file band.
    """

    _table = "bands"
    _type: ClassVar[str | None] = None

    name = Attribute(Str(nonempty=True, no_space=True), "Band name, unique within the product.", required=True)
    type = Attribute(Choice(BandType.values()), "The band type (set by the class).", readonly=True)
    description = Attribute(Str(), "Free text.")
    sort_order = Attribute(Int(), "Position when listing the product's bands.")
    vendor_order = Attribute(Int(), "Position in the vendor's band list.")
    data_type = Attribute(Choice(DataType.values()), "Pixel type (a DataType value).", required=True)
    nodata = Attribute(Number(), "Pixel value meaning 'no data'.")
    data_range = Attribute(Pair(), "(min, max) of the stored pixel values.")
    display_range = Attribute(Pair(), "(min, max) mapped to 0..255 by display scaling.")
    resolution = Attribute(ResolutionKind(), "Ground resolution of the band.")
    band_index = Attribute(Int(lo=0), "0-based index of the band in its file.", required=True)
    file_index = Attribute(Int(lo=0), "0-based index of the file (of the image's files) holding the band.",
                           default=0)
    jpx_layer_index = Attribute(Int(lo=0), "Layer index in JPEG 2000 files.")
    vendor_band_name = Attribute(Str(), "The vendor's name for the band.")
    processing_levels = Attribute(Json(), "Processing levels the band supports (a JSON dict).")
    tags = Attribute(StrList(), "Labels to search by.", default=[])
    extra_properties = Attribute(Json(), "User metadata (a JSON dict).", default={})

    def __init__(self, client: Catalog | None = None, **kwargs: Any) -> None:
        if type(self)._type is None:
            raise CatalogValueError(
                "Band cannot be created directly; use SpectralBand, MicrowaveBand, GenericBand, ClassBand or MaskBand"
            )
        self._setup(client)
        self._values["type"] = type(self)._type
        for name, value in self._defaults().items():
            self._values[name] = value
        super().__init__(client=client, **kwargs)

    def _setup(self, client: Catalog | None) -> None:
        if "_values" not in self.__dict__:
            super()._setup(client)

    def _defaults(self) -> dict[str, Any]:
        return {}

    @classmethod
    def _class_for_row(cls, row: sqlite3.Row) -> type | None:
        klass = _BAND_CLASSES.get(row["type"])
        return klass if klass is not None and issubclass(klass, cls) else None

    @classmethod
    def _base_filter(cls) -> Expression | None:
        return None if cls._type is None else p.type == cls._type

    def _repr_lines(self) -> list[str]:
        return [f"product: {self.product_id}"]


class _PhysicalRange:
    physical_range = Attribute(Pair(), "(min, max) of the physical quantity the data range maps to.")
    physical_range_unit = Attribute(Str(), "Unit of the physical range.")


class SpectralBand(_PhysicalRange, Band):
    """A band of electro-optical measurements in a wavelength range (nanometres)."""

    _type = BandType.SPECTRAL.value
    wavelength_nm_center = Attribute(Float(lo=0), "Centre wavelength, nm.")
    wavelength_nm_min = Attribute(Float(lo=0), "Lowest wavelength, nm.")
    wavelength_nm_max = Attribute(Float(lo=0), "Highest wavelength, nm.")
    wavelength_nm_fwhm = Attribute(Float(lo=0), "Full width at half maximum, nm.")


class MicrowaveBand(_PhysicalRange, Band):
    """A band of a microwave (radar) sensor."""

    _type = BandType.MICROWAVE.value
    frequency = Attribute(Float(lo=0), "Centre frequency, GHz.")
    bandwidth = Attribute(Float(lo=0), "Bandwidth, GHz.")


class GenericBand(_PhysicalRange, Band):
    """A band of any other kind of data (elevation, indices ...)."""

    _type = BandType.GENERIC.value


class ClassBand(Band):
    """A band of class values (land cover ...); ``class_labels[i]`` names class ``i``."""

    _type = BandType.CLASS.value
    class_labels = Attribute(StrList(), "Name of each class value, in value order.")


class MaskBand(Band):
    """A binary band (data range 0..1); with ``is_alpha`` its zeros mark transparent pixels."""

    _type = BandType.MASK.value
    is_alpha = Attribute(Bool(), "Whether 0 in this band marks invalid pixels of the other bands.")

    def _defaults(self) -> dict[str, Any]:
        return {"data_range": (0, 1), "display_range": (0, 1)}


_BAND_CLASSES: dict[str, type] = {
    k._type: k for k in (SpectralBand, MicrowaveBand, GenericBand, ClassBand, MaskBand)  # type: ignore[misc]
}

for _cls in (Band, *_BAND_CLASSES.values()):
    _cls._search_class = Search
    _cls._collection_class = BandCollection
