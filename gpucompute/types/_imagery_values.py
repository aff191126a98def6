"""Reductions, composites, masks and value operations of Image and ImageCollection.

:class:`ValuesMixin` is shared by both classes; :class:`CollectionValuesMixin`
adds the composites of a collection.  Every method only records a builtin
application; the return type of a reduction depends on its ``axis`` (the
``_STATS_RETURN_TYPES`` tables of Workflows), so ``axis`` and ``operation`` are
plain Python values checked here, at build time.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import image_types, is_collection
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.containers import Dict, List, Tuple
from gpucompute.types.core import promote, type_name
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Str

__all__ = ["REDUCTIONS", "CollectionValuesMixin", "ValuesMixin", "normalize_axis", "reduction_type"]

#: The reductions every imagery value has (``wf.<name>``).
REDUCTIONS = ("min", "max", "mean", "median", "sum", "std", "count")
#: Axis names in canonical order.
AXES = ("images", "bands", "pixels")

# Which result each set of reduced axes gives: "float", "dict" (band -> Float), "image",
# "collection", "list_dict" (one dict per image) or "list_float" (one Float per image).
_IMAGE_RESULTS = {
    frozenset(): "float",
    frozenset({"pixels"}): "dict",
    frozenset({"bands"}): "image",
    frozenset({"bands", "pixels"}): "float",
}
_COLLECTION_RESULTS = {
    frozenset(): "float",
    frozenset({"images"}): "image",
    frozenset({"bands"}): "collection",
    frozenset({"pixels"}): "list_dict",
    frozenset({"images", "pixels"}): "dict",
    frozenset({"bands", "pixels"}): "list_float",
    frozenset({"images", "bands"}): "image",
    frozenset(AXES): "float",
}


def _result_class(kind: str) -> type:
    image, collection = image_types()
    return {
        "float": Float, "dict": Dict[Str, Float], "image": image, "collection": collection,
        "list_dict": List[Dict[Str, Float]], "list_float": List[Float],
    }[kind]


def normalize_axis(axis: Any, collection: bool, where: str) -> str | tuple[str, ...] | None:
    """``axis`` checked and in canonical form: None, one name, or a tuple of names in ``AXES`` order."""
    allowed = AXES if collection else AXES[1:]
    names = [axis] if isinstance(axis, str) else axis
    if axis is None:
        return None
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) for n in names):
        raise ProxyTypeError(f"{where}: axis must be None, a str or a tuple of str (Python values), got {axis!r}")
    unknown = [n for n in names if n not in allowed]
    if unknown or len(set(names)) != len(names):
        raise ProxyTypeError(f"{where}: axis {axis!r} is not valid; use None or a combination of "
                             f"{', '.join(map(repr, allowed))} (each at most once)")
    ordered = tuple(n for n in AXES if n in names)
    return ordered[0] if len(ordered) == 1 else ordered


def _axis_set(axis: str | tuple[str, ...] | None) -> frozenset:
    return frozenset() if axis is None else frozenset([axis] if isinstance(axis, str) else axis)


def reduction_type(collection: bool, axis: str | tuple[str, ...] | None) -> type:
    """The proxy type a reduction over ``axis`` returns (``axis`` already normalised)."""
    table = _COLLECTION_RESULTS if collection else _IMAGE_RESULTS
    return _result_class(table[_axis_set(axis)])


def _float_or_none(value: Any, where: str) -> Any:
    return promote(value, (Float, NoneType), where)


def _float_or_list(value: Any, where: str) -> Any:
    return promote(value, (Float, List[Float], NoneType), where)


class ValuesMixin:
    """Reductions, masks and value operations shared by ``Image`` and ``ImageCollection``.

    What a reduction returns depends on ``axis`` (order does not matter):

    ============================  ==================  ===========================
    axis                          Image               ImageCollection
    ============================  ==================  ===========================
    None / every axis             Float               Float
    "pixels"                      Dict[Str, Float]    List[Dict[Str, Float]]
    "bands"                       Image (1 band)      ImageCollection (1 band)
    "images"                      --                  Image
    ("images", "pixels")          --                  Dict[Str, Float]
    ("bands", "pixels")           Float               List[Float]
    ("images", "bands")           --                  Image (1 band)
    ============================  ==================  ===========================

    A band-reduced result has one band named after the operation (``"mean"``);
    an images-reduced Image keeps the properties every image shares.  Masked
    pixels are ignored; a Float with no unmasked pixel (or of an empty value)
    is NaN, the empty Dict and List are ``{}`` and ``[]``.
    """

    __slots__ = ()

    def reduction(self, operation: str, axis: Any = None) -> Any:
        """Reduce with ``operation`` along ``axis`` (``wf.reduction``).

        Parameters
        ----------
        operation : {"min", "max", "mean", "median", "sum", "std", "count"}
            A Python str; a collection also accepts ``"mosaic"`` with ``axis="images"``.
        axis : None, str or tuple of str
            Among ``"bands"`` and ``"pixels"`` (and ``"images"`` for a collection).
            None reduces everything to a Float; see the class docs for the
            type each combination returns.
        """
        where = f"{type_name(self)}.reduction()"
        collection = is_collection(self)
        ops = REDUCTIONS + (("mosaic",) if collection else ())
        if operation not in ops:
            raise ProxyTypeError(f"{where}: operation must be one of {', '.join(map(repr, ops))}, got {operation!r}")
        axis = normalize_axis(axis, collection, where)
        if operation == "mosaic" and axis != "images":
            raise ProxyTypeError(f"{where}: the 'mosaic' operation needs axis='images', got {axis!r}")
        return reduction_type(collection, axis)._from_apply("wf.reduction", self, operation, axis=axis)

    def _reduce(self, operation: str, axis: Any) -> Any:
        collection = is_collection(self)
        axis = normalize_axis(axis, collection, f"{type_name(self)}.{operation}()")
        return reduction_type(collection, axis)._from_apply(f"wf.{operation}", self, axis=axis)

    # -- masks -------------------------------------------------------------------------------
    def mask(self, mask: Any, replace: Any = False) -> Any:
        """Mask pixels where ``mask`` is true (``wf.mask``).

        Parameters
        ----------
        mask : Image, ImageCollection, Geometry, GeometryCollection, Feature or FeatureCollection
            Imagery: true (non-zero) values mask; one band masks every band,
            several bands pair with this value's bands by name.  A vector
            (longitude/latitude GeoJSON) masks the pixels *outside* its shapes.
            An empty mask changes nothing.
        replace : Bool
            False: add to the current mask (masked pixels of ``mask`` count as
            false).  True: the new mask replaces the current one (masked
            pixels of ``mask`` stay masked).

        Returns
        -------
        Image or ImageCollection
            An ImageCollection when either operand is one.
        """
        from gpucompute.types.feature import Feature, FeatureCollection
        from gpucompute.types.geometry import Geometry, GeometryCollection

        image, collection = image_types()
        where = f"{type_name(self)}.mask() argument"
        mask = promote(mask, (image, collection, Geometry, GeometryCollection, Feature, FeatureCollection),
                       f"{where} 'mask'")
        replace = promote(replace, Bool, f"{where} 'replace'")
        result = collection if isinstance(mask, collection) else type(self)
        return result._from_apply("wf.mask", self, mask, replace=replace)

    def getmask(self) -> Any:
        """The mask as one band named ``mask``: 1.0 where any band is masked, else 0.0 (``wf.getmask``)."""
        return type(self)._from_apply("wf.getmask", self)

    # -- values ------------------------------------------------------------------------------
    def clip_values(self, min: Any = None, max: Any = None) -> Any:
        """Clip values to ``[min, max]`` (``wf.clip_values``); each a number, a per-band list, or None."""
        where = f"{type_name(self)}.clip_values() argument"
        if min is None and max is None:
            raise ProxyTypeError(f"{type_name(self)}.clip_values(): give min, max or both (both are None)")
        low = _float_or_list(min, f"{where} 'min'")
        high = _float_or_list(max, f"{where} 'max'")
        return type(self)._from_apply("wf.clip_values", self, low, high)

    def scale_values(self, range_min: Any, range_max: Any, domain_min: Any = None, domain_max: Any = None) -> Any:
        """Map ``[domain_min, domain_max]`` linearly onto ``[range_min, range_max]`` (``wf.scale_values``).

        A domain bound left as None is each band's minimum (maximum) over the
        GeoContext (over every image of a collection).
        """
        where = f"{type_name(self)}.scale_values() argument"
        args = [promote(range_min, Float, f"{where} 'range_min'"), promote(range_max, Float, f"{where} 'range_max'")]
        args += [_float_or_none(domain_min, f"{where} 'domain_min'"), _float_or_none(domain_max, f"{where} 'domain_max'")]
        return type(self)._from_apply("wf.scale_values", self, *args)

    def replace_empty_with(self, fill: Any, mask: Any = True, bandinfo: Any = None) -> Any:
        """This value, or ``fill`` where it is empty.

        Parameters
        ----------
        fill : Int, Float, or a value of this type
            A number makes a constant image (a one-image collection) on the
            GeoContext, with one band per ``bandinfo`` key (required then).
        mask : Bool
            Mask every pixel of the replacement.
        bandinfo : Dict, optional
            Band name -> metadata of the constant replacement.
        """
        where = f"{type_name(self)}.replace_empty_with() argument"
        fill = promote(fill, (type(self), Int, Float), f"{where} 'fill'")
        mask = promote(mask, Bool, f"{where} 'mask'")
        bandinfo = promote(bandinfo, (Dict[Str, Dict[Str, AnyProxy]], NoneType), f"{where} 'bandinfo'")
        if isinstance(fill, (Int, Float)) and isinstance(bandinfo, NoneType):
            raise ProxyTypeError(f"{where} 'bandinfo': a number fill needs bandinfo (band name -> dict) to know "
                                 "which bands to make, e.g. bandinfo={'red': {}}")
        name = "wf.ImageCollection.replace_empty_with" if is_collection(self) else "wf.Image.replace_empty_with"
        return type(self)._from_apply(name, self, fill, mask=mask, bandinfo=bandinfo)

    def colormap(self, named_colormap: Any = "viridis", vmin: Any = None, vmax: Any = None) -> Any:
        """Colour a one-band value with a matplotlib colormap: bands red, green, blue in 0..1 (``wf.colormap``).

        ``vmin``/``vmax`` (give both or neither) default to the band's minimum
        and maximum over the GeoContext.
        """
        where = f"{type_name(self)}.colormap() argument"
        name = promote(named_colormap, Str, f"{where} 'named_colormap'")
        if (vmin is None) != (vmax is None):
            raise ProxyTypeError(f"{type_name(self)}.colormap(): give both vmin and vmax or neither, got "
                                 f"vmin={vmin!r}, vmax={vmax!r}")
        low, high = _float_or_none(vmin, f"{where} 'vmin'"), _float_or_none(vmax, f"{where} 'vmax'")
        return type(self)._from_apply("wf.colormap", self, name, low, high)

    # -- pixels and coordinates ---------------------------------------------------------------
    def value_at(self, x: Any, y: Any) -> Any:
        """The pixel values at ``(x, y)`` (GeoContext CRS) by band name (``wf.value_at``).

        Returns ``Dict[Str, Float]`` for an Image, ``List[Dict[Str, Float]]``
        (one per image) for a collection; a masked value is NaN.
        """
        where = f"{type_name(self)}.value_at() argument"
        x, y = promote(x, Float, f"{where} 'x'"), promote(y, Float, f"{where} 'y'")
        result = List[Dict[Str, Float]] if is_collection(self) else Dict[Str, Float]
        return result._from_apply("wf.value_at", self, x, y)

    def coords_to_index(self, x: Any, y: Any) -> Any:
        """``(row, col)`` of the pixel containing ``(x, y)`` on the GeoContext (``wf.coords_to_index``)."""
        where = f"{type_name(self)}.coords_to_index() argument"
        x, y = promote(x, Float, f"{where} 'x'"), promote(y, Float, f"{where} 'y'")
        return Tuple[Int, Int]._from_apply("wf.coords_to_index", self, x, y)

    def index_to_coords(self, row: Any, col: Any) -> Any:
        """``(x, y)`` of the upper-left corner of pixel ``(row, col)`` (``wf.index_to_coords``)."""
        where = f"{type_name(self)}.index_to_coords() argument"
        row, col = promote(row, Int, f"{where} 'row'"), promote(col, Int, f"{where} 'col'")
        return Tuple[Float, Float]._from_apply("wf.index_to_coords", self, row, col)


def _reduction_method(operation: str) -> Any:
    def method(self: Any, axis: Any = None) -> Any:
        return self._reduce(operation, axis)

    method.__name__ = method.__qualname__ = operation
    method.__doc__ = (
        f"The masked {operation} along ``axis`` (``wf.{operation}``); masked pixels are ignored.\n\n"
        "Parameters\n----------\naxis : None, str or tuple of str\n"
        "    ``\"bands\"``, ``\"pixels\"`` (and ``\"images\"`` for a collection) or a tuple of them;\n"
        "    the result type follows the ``_STATS_RETURN_TYPES`` table (None: a Float).\n"
    )
    return method


for _op in REDUCTIONS:
    setattr(ValuesMixin, _op, _reduction_method(_op))


class CollectionValuesMixin:
    """The composites of an ImageCollection."""

    __slots__ = ()

    def mosaic(self, reverse: Any = False) -> Any:
        """Per pixel, the top-most unmasked value: the last image is on top unless ``reverse`` (``wf.mosaic``)."""
        reverse = promote(reverse, Bool, f"{type_name(self)}.mosaic() argument 'reverse'")
        return image_types()[0]._from_apply("wf.mosaic", self, reverse=reverse)

    def sortby_composite(self, band: Any, operation: str = "argmax") -> Any:
        """Per pixel, every band of the image where ``band`` is largest (``"argmax"``) or smallest (``"argmin"``).

        Parameters
        ----------
        band : Str or ImageCollection
            A band of this collection, or a one-band collection of the same length.
        operation : {"argmax", "argmin"}
        """
        where = f"{type_name(self)}.sortby_composite()"
        if operation not in ("argmax", "argmin"):
            raise ProxyTypeError(f"{where}: operation must be 'argmax' or 'argmin', got {operation!r}")
        band = promote(band, (Str, image_types()[1]), f"{where} argument 'band'")
        return image_types()[0]._from_apply("wf.ImageCollection.sortby_composite", self, band, operation=operation)
