"""Shared pieces of the imagery proxies: field types, the two classes, and result-type rules.

``Image`` and ``ImageCollection`` are assembled from mixins, one module per
area (bands and metadata, pixel math and operators, reductions and values,
collection methods); each mixin refers to the classes through
:func:`image_types` so that the modules do not import each other.
"""

from __future__ import annotations

from typing import Any

from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.containers import Dict, KnownDict, List, Tuple
from gpucompute.types.datetimes import Datetime
from gpucompute.types.primitives import Float, Str

__all__ = ["BandInfo", "ImageProperties", "image_types", "is_collection", "is_image", "is_imagery"]

#: ``Image.properties``: the documented fields, and Any for the rest.
ImageProperties = KnownDict[
    {"id": Str, "date": Datetime, "product": Str, "crs": Str,
     "geotrans": Tuple[Float, Float, Float, Float, Float, Float]},
    Str,
    AnyProxy,
]
#: One band's entry of ``bandinfo``.
BandInfoEntry = KnownDict[{"id": Str, "name": Str, "data_range": Tuple[Float, Float]}, Str, AnyProxy]
#: ``bandinfo``: band name -> its entry, in band order.
BandInfo = Dict[Str, BandInfoEntry]
#: ``ImageCollection.properties``.
CollectionProperties = List[ImageProperties]


def image_types() -> tuple[type, type]:
    """``(Image, ImageCollection)``."""
    from gpucompute.types.image import Image
    from gpucompute.types.imagecollection import ImageCollection

    return Image, ImageCollection


def is_image(value: Any) -> bool:
    return isinstance(value, image_types()[0])


def is_collection(value: Any) -> bool:
    return isinstance(value, image_types()[1])


def is_imagery(value: Any) -> bool:
    return isinstance(value, image_types())
