"""``Mosaic``: Dynamic Compute's composite of a product over a date range (a Workflows ``Image``).

Where several images cover a pixel, the most recent valid one is used.
A Mosaic is a Workflows :class:`~gpucompute.types.image.Image`: band math,
comparisons, ``mask`` and the other shared methods work on it and return
Mosaics; the Dynamic Compute methods (reductions with a required ``axis``,
``pick_bands``/``rename_bands``/``concat_bands`` with band lists, ``clip``,
``filled``, gradients) are those of :class:`~gpucompute.dc._methods.DCMixin`.
``compute(aoi)`` returns a :class:`~gpucompute.dc.DotDict` with ``ndarray``
(``(bands, rows, cols)`` ``numpy.ma``) and ``properties`` (``product_id``,
``bands``, ``pad``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from gpucompute.dc._common import DotDict, band_string, install_retyping, normalize_date
from gpucompute.dc._methods import DCMixin, PixelArray, dc_types
from gpucompute.dc._visualize import DCVisualizeMixin
from gpucompute.errors import NotFoundError, ProxyTypeError
from gpucompute.types._imagery import BandInfo
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.containers import Dict
from gpucompute.types.core import promote
from gpucompute.types.datetimes import Datetime
from gpucompute.types.image import Image
from gpucompute.types.primitives import NoneType, Str

__all__ = ["Mosaic", "check_product", "source_options"]


def check_product(product_id: Any, where: str) -> Any:
    """``product_id`` as a ``Str``; a literal id must name a product of the catalog (else NotFoundError)."""
    if isinstance(product_id, str):
        from gpucompute.catalog import Product

        if Product.get(product_id) is None:
            raise NotFoundError(f"{where}: there is no product {product_id!r} in the catalog; list the products "
                                "with `gpucompute catalog ls`")
    return promote(product_id, Str, f"{where}() argument 'product_id'")


def source_options(where: str, pad: Any, resampler: Any) -> dict[str, Any]:
    """The ``pad`` and ``resampler`` keyword arguments of the sources, checked."""
    from gpucompute.raster import RESAMPLERS

    if isinstance(pad, bool) or not isinstance(pad, int) or pad < 0:
        raise ProxyTypeError(f"{where}: pad must be a non-negative int (pixels added on each side), got {pad!r}")
    resampler = getattr(resampler, "value", resampler)
    if resampler not in RESAMPLERS:
        raise ProxyTypeError(f"{where}: unknown resampler {resampler!r}; use one of {', '.join(RESAMPLERS)}")
    return {"pad": pad, "resampler": resampler}


def date_arg(value: Any, where: str, name: str, required: bool = False) -> Any:
    """A start/end datetime argument as a ``Datetime`` (or ``NoneType``) proxy; ``dc.parameter`` works."""
    if value is None and required:
        raise ProxyTypeError(f"{where}: {name} is required (a date string, datetime or dc.parameter)")
    return promote(normalize_date(value), (Datetime, NoneType), f"{where}() argument {name!r}")


class Mosaic(DCVisualizeMixin, DCMixin, Image):
    """A proxy composite of a product's images (most recent on top), bands ``(bands, rows, cols)``.

    Create one with :meth:`from_product_bands` or :meth:`from_image_ids`.
    """

    __slots__ = ()
    _field_types: ClassVar[dict[str, type]] = {"ndarray": PixelArray, "properties": Dict[Str, AnyProxy], "bandinfo": BandInfo}
    _reduction_results: ClassVar[dict[str, str]] = {"bands": "Mosaic", "pixels": "array"}
    _arg_axes = ("bands",)
    _default_reduce_axis = "bands"

    @classmethod
    def from_product_bands(cls, product_id: Any, bands: Any, start_datetime: Any = None, end_datetime: Any = None,
                           pad: int = 0, resampler: Any = "near") -> Mosaic:
        """The composite of ``product_id``'s images over the AOI acquired in ``[start_datetime, end_datetime)``.

        Parameters
        ----------
        product_id : str
            A catalog product id (it must exist).
        bands : str or list of str
            Space-separated band names, or a list of them.
        start_datetime, end_datetime : str, date, datetime or dc.parameter, optional
            The date range.
        pad : int, default 0
            Pixels read around the AOI on each side (the arrays grow by ``2 * pad``).
        resampler : str, default "near"
            How to resample onto the AOI's grid.
        """
        where = "Mosaic.from_product_bands"
        pid = check_product(product_id, where)
        names = band_string(bands, where)
        start = date_arg(start_datetime, where, "start_datetime")
        end = date_arg(end_datetime, where, "end_datetime")
        return cls._from_apply("dc.Mosaic.from_product_bands", pid, names, start_datetime=start, end_datetime=end,
                               **source_options(where, pad, resampler))

    @classmethod
    def from_image_ids(cls, image_ids: Any, bands: Any, pad: int = 0, resampler: Any = "near") -> Mosaic:
        """The composite of the catalog images ``image_ids`` (all of one product), later ids on top."""
        where = "Mosaic.from_image_ids"
        if isinstance(image_ids, str):
            image_ids = [image_ids]
        if not isinstance(image_ids, (list, tuple)) or not image_ids or not all(isinstance(i, str) for i in image_ids):
            raise ProxyTypeError(f"{where}: image_ids must be a non-empty list of str, got {image_ids!r}")
        names = band_string(bands, where)
        return cls._from_apply("dc.Mosaic.from_image_ids", json.dumps(list(image_ids)), names,
                               **source_options(where, pad, resampler))

    @classmethod
    def _unmarshal(cls, value: Any) -> DotDict:
        return DotDict(ndarray=value.pixels, properties=dict(value.properties))


def _types_mapping() -> dict[type, type]:
    from gpucompute.types.imagecollection import ImageCollection

    mosaic, stack = dc_types()
    return {Image: mosaic, ImageCollection: stack}


install_retyping(Mosaic, Image, _types_mapping)
