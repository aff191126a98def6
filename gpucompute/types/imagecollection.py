"""The ``ImageCollection`` proxy: a stack of images over the GeoContext, oldest first.

``ImageCollection.from_id`` names a product and a date range; at compute time
the catalog is searched for the images intersecting the GeoContext.  Methods
record operations; ``compute(geoctx)`` returns an
:class:`~gpucompute.execution.results.ImageCollectionResult` with pixels
``(images, bands, y, x)``.
"""

from __future__ import annotations

from typing import Any

from gpucompute.types._imagery import BandInfo, CollectionProperties
from gpucompute.types._imagery_bands import BandsMixin
from gpucompute.types._imagery_base import ImageryBase
from gpucompute.types._imagery_collection import ImageCollectionMixin
from gpucompute.types._imagery_math import MathMixin
from gpucompute.types._imagery_values import CollectionValuesMixin, ValuesMixin
from gpucompute.types._imagery_visualize import VisualizeMixin
from gpucompute.types.core import promote
from gpucompute.types.datetimes import Datetime
from gpucompute.types.image import Image, _resampler
from gpucompute.types.list_ import List
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Int, NoneType, Str

__all__ = ["ImageCollection"]


class ImageCollection(ImageCollectionMixin, CollectionValuesMixin, BandsMixin, MathMixin, ValuesMixin,
                      VisualizeMixin, ImageryBase):
    """A proxy collection of images: ``ndarray`` ``(images, bands, y, x)``, ``properties`` (one dict per
    image) and ``bandinfo`` (shared by every image).

    ``ImageCollection(images)`` stacks a list of Images (``wf.ImageCollection.from_images``).
    """

    __slots__ = ()
    _field_types = {"ndarray": MaskedArray, "properties": CollectionProperties, "bandinfo": BandInfo}

    def __init__(self, images: Any) -> None:
        if isinstance(images, ImageCollection):
            self.graft = images.graft
            object.__setattr__(self, "params", images.params)
            return
        images = promote(images, List[Image], "ImageCollection() argument 'images'")
        other = type(self)._from_apply("wf.ImageCollection.from_images", images)
        for name in ("_graft", "_lazy_node", "params"):
            object.__setattr__(self, name, object.__getattribute__(other, name))
        object.__setattr__(self, "_param_name", None)

    @classmethod
    def from_id(cls, product_id: Any, start_datetime: Any = None, end_datetime: Any = None, limit: Any = None,
                resampler: Any = None, processing_level: Any = None) -> ImageCollection:
        """The images of a catalog product over the GeoContext, oldest first.

        Parameters
        ----------
        product_id : Str
            The product's catalog id.
        start_datetime, end_datetime : Datetime, str or datetime, optional
            Keep images acquired in ``[start_datetime, end_datetime)``.
        limit : Int, optional
            At most this many images (the oldest).
        resampler : Str, optional
            See :meth:`Image.from_id`.
        processing_level : Str, optional
            A processing level the product's bands declare.
        """
        where = "ImageCollection.from_id"
        product_id = promote(product_id, Str, f"{where}() argument 'product_id'")
        start = promote(start_datetime, (Datetime, NoneType), f"{where}() argument 'start_datetime'")
        end = promote(end_datetime, (Datetime, NoneType), f"{where}() argument 'end_datetime'")
        limit = promote(limit, (Int, NoneType), f"{where}() argument 'limit'")
        resampler = _resampler(resampler, where)
        level = promote(processing_level, (Str, NoneType), f"{where}() argument 'processing_level'")
        return cls._from_apply("wf.ImageCollection.from_id", product_id, start_datetime=start,
                               end_datetime=end, limit=limit, resampler=resampler, processing_level=level)

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        from gpucompute.execution.results import ImageCollectionResult

        return ImageCollectionResult(value.pixels, value.properties, value.bandinfo, value.geocontext)
