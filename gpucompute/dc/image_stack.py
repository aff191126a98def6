"""``ImageStack``: Dynamic Compute's time stack of a product (a Workflows ``ImageCollection``).

Images are in acquisition order (oldest first) unless ``sort_by`` says
otherwise.  ``compute(aoi)`` returns a :class:`~gpucompute.dc.DotDict` with
``ndarray`` (``(images, bands, rows, cols)`` ``numpy.ma``) and ``properties``
(one dict of catalog properties per image: ``id``, ``acquired`` as a
``datetime``, ``geometry`` as WKT, ``cloud_fraction``, the extra properties...).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from gpucompute.dc._common import DotDict, band_string, install_retyping
from gpucompute.dc._methods import DCMixin, PixelArray
from gpucompute.dc._visualize import DCVisualizeMixin
from gpucompute.dc.mosaic import (
    Mosaic,
    _types_mapping,
    check_product,
    date_arg,
    source_options,
)
from gpucompute.dc.predicates import image_function, is_expression, predicate_json
from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import BandInfo
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.containers import Dict, List
from gpucompute.types.core import promote, type_name
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.primitives import Bool, Int, Str

__all__ = ["ImageStack"]


class ImageStack(DCVisualizeMixin, DCMixin, ImageCollection):
    """A proxy stack of a product's images, ``(images, bands, rows, cols)``.

    Create one with :meth:`from_product_bands`.
    """

    __slots__ = ()
    _field_types: ClassVar[dict[str, type]] = {"ndarray": PixelArray, "properties": List[Dict[Str, AnyProxy]], "bandinfo": BandInfo}
    _reduction_results: ClassVar[dict[str, str]] = {"images": "Mosaic", "bands": "ImageStack", "pixels": "array"}
    _arg_axes = ("bands", "images")
    _default_reduce_axis = "images"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ProxyTypeError("create an ImageStack with ImageStack.from_product_bands(product_id, bands, start, end)")

    @classmethod
    def from_product_bands(cls, product_id: Any, bands: Any, start_datetime: Any, end_datetime: Any,
                           predicate_filter: Any = None, sort_by: str | None = None, ascending: bool = True,
                           pad: int = 0, resampler: Any = "near") -> ImageStack:
        """The images of ``product_id`` over the AOI acquired in ``[start_datetime, end_datetime)``.

        Parameters
        ----------
        product_id : str
            A catalog product id (it must exist).
        bands : str or list of str
            Space-separated band names, or a list of them.
        start_datetime, end_datetime : str, date, datetime or dc.parameter
            The date range (required).
        predicate_filter : catalog property expression, optional
            Only images matching it (``properties.cloud_fraction < 0.2``), applied in the catalog search.
        sort_by : str, optional
            A property to order the images by (default: acquisition time).
        ascending : bool, default True
            The order of ``sort_by``.
        pad : int, default 0
            Pixels read around the AOI on each side.
        resampler : str, default "near"
            How to resample onto the AOI's grid.
        """
        where = "ImageStack.from_product_bands"
        pid = check_product(product_id, where)
        names = band_string(bands, where)
        start = date_arg(start_datetime, where, "start_datetime", required=True)
        end = date_arg(end_datetime, where, "end_datetime", required=True)
        if predicate_filter is not None and not is_expression(predicate_filter):
            raise ProxyTypeError(f"{where}: predicate_filter must be a catalog property expression such as "
                                 f"properties.cloud_fraction < 0.2, got {predicate_filter!r:.60}")
        if sort_by is not None and not isinstance(sort_by, str):
            raise ProxyTypeError(f"{where}: sort_by must be a property name (str), got {sort_by!r}")
        if not isinstance(ascending, bool):
            raise ProxyTypeError(f"{where}: ascending must be a bool, got {ascending!r}")
        predicate = None if predicate_filter is None else predicate_json(predicate_filter)
        return cls._from_apply("dc.ImageStack.from_product_bands", pid, names, start_datetime=start,
                               end_datetime=end, predicate_filter=predicate, sort_by=sort_by, ascending=ascending,
                               **source_options(where, pad, resampler))

    # ---- selecting images -------------------------------------------------------------------------------
    def filter(self, f: Any) -> ImageStack:
        """The images for which ``f`` holds.

        ``f`` is a catalog property expression (``properties.cloud_fraction <
        0.2``) or a callable taking a catalog image (``lambda x:
        x.cloud_fraction < 0.1``).  A callable is traced into the graft when it
        only reads properties and applies operators; otherwise it runs in this
        Python session during compute, and the result cannot be saved.
        """
        builtin, arg = image_function(f, f"{type_name(self)}.filter", Bool)
        return type(self)._from_apply("dc.filter_data", self, _predicate(builtin, arg))

    def filter_by_id(self, ids: Any) -> ImageStack:
        """The images whose catalog id is in ``ids`` (a str or a list of str), in stack order."""
        if isinstance(ids, str):
            ids = [ids]
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, str) for i in ids):
            ids = promote(ids, List[Str], f"{type_name(self)}.filter_by_id() argument 'ids'")
            return type(self)._from_apply("dc.filter_by_id", self, ids)
        return type(self)._from_apply("dc.filter_by_id", self, json.dumps(list(ids)))

    def get(self, idx: Any) -> Mosaic:
        """Image ``idx`` (negative counts from the end) as a Mosaic."""
        index = promote(idx, Int, f"{type_name(self)}.get() argument 'idx'")
        return Mosaic._from_apply("dc.index", self, index)

    def length(self) -> Int:
        """The number of images, as an ``Int`` (``compute`` gives an ``int``)."""
        return Int._from_apply("dc.length", self)

    def groupby(self, grouping_func: Any) -> Any:
        """Group the images by ``grouping_func(image)`` (e.g. ``lambda x: x.acquired.month``).

        Returns
        -------
        ImageStackGroupBy
        """
        from gpucompute.dc.groupby import ImageStackGroupBy

        return ImageStackGroupBy(self, grouping_func)

    @classmethod
    def _unmarshal(cls, value: Any) -> DotDict:
        return DotDict(ndarray=value.pixels, properties=[dict(p) for p in value.properties])


def _predicate(builtin: str | None, arg: Any) -> Any:
    """The graft argument for ``image_function``'s result: a Function proxy, or an application."""
    if builtin is None:
        return arg
    return AnyProxy._from_apply(builtin, arg)


install_retyping(ImageStack, ImageCollection, _types_mapping)
