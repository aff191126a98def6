"""Methods ``Mosaic`` and ``ImageStack`` share: DC reductions, bands, values, gradients and resampling.

Each method records one ``dc.*`` builtin (see
:mod:`gpucompute.execution.builtins_dc`).  Reductions follow Dynamic Compute:
the ``axis`` has no default, and the result type depends on it (an
ImageStack reduced over ``"images"`` is a Mosaic, over ``"bands"`` it stays an
ImageStack, over ``"pixels"`` it is a plain masked array).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, ClassVar

from gpucompute.dc._common import NO_AXIS, REDUCERS, band_list, band_string, check_axis
from gpucompute.errors import ProxyTypeError
from gpucompute.graft import client
from gpucompute.types.core import promote, type_name
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Float, NoneType

__all__ = ["SOURCE_BUILTINS", "DCMixin", "PixelArray", "dc_types"]

#: Builtins that read a product: ``update_resampler`` rewrites them, ``concat_bands("b1 b2")`` rebuilds them.
SOURCE_BUILTINS = ("dc.Mosaic.from_product_bands", "dc.Mosaic.from_image_ids", "dc.ImageStack.from_product_bands")

#: numpy function names that mean one of the :data:`REDUCERS`.
_REDUCER_ALIASES = {"amax": "max", "amin": "min", "nanmax": "max", "nanmin": "min", "nanmean": "mean",
                    "nanmedian": "median", "nansum": "sum", "nanstd": "std", "nanargmax": "argmax",
                    "nanargmin": "argmin"}


class PixelArray(MaskedArray):
    """A ``MaskedArray`` proxy computed from imagery (``mean(axis="pixels")``, a Mosaic's ``ndarray``).

    Its graft reads rasters in a plan phase, so it is never compiled as a whole
    (the pixel program inside it is).
    """

    __slots__ = ()
    _compiled = False


def dc_types() -> tuple[type, type]:
    """``(Mosaic, ImageStack)``."""
    from gpucompute.dc.image_stack import ImageStack
    from gpucompute.dc.mosaic import Mosaic

    return Mosaic, ImageStack


def reducer_name(reducer: Any, where: str) -> str:
    """The name of a builtin reducer given by name or as a NumPy function (``np.ma.median``)."""
    name = reducer if isinstance(reducer, str) else getattr(reducer, "__name__", None)
    name = _REDUCER_ALIASES.get(name, name)
    if name not in REDUCERS:
        raise ProxyTypeError(f"{where}: the reducer must be one of {', '.join(REDUCERS)} (a name or the NumPy "
                             f"function of that name), got {reducer!r}")
    return name


class DCMixin:
    """Dynamic Compute methods of ``Mosaic`` and ``ImageStack`` (both set the class attributes below)."""

    __slots__ = ()
    #: axis -> result kind ("Mosaic", "ImageStack" or "array") of the reductions.
    _reduction_results: ClassVar[dict[str, str]] = {}
    #: Axes that argmax/argmin accept.
    _arg_axes: tuple[str, ...] = ()
    _default_reduce_axis = "bands"

    # ---- reductions -------------------------------------------------------------------------------------
    def _reduction(self, reducer: str, axis: Any, where: str) -> Any:
        allowed = self._arg_axes if reducer.startswith("arg") else tuple(self._reduction_results)
        axis = check_axis(axis, allowed, where)
        kind = self._reduction_results[axis]
        if kind == "array":
            return PixelArray._from_apply("dc.reduction", self, reducer, axis)
        mosaic, stack = dc_types()
        return (mosaic if kind == "Mosaic" else stack)._from_apply("dc.reduction", self, reducer, axis)

    def reduce(self, reducer: Any, axis: Any = None) -> Any:
        """Reduce with ``reducer`` (a name in ``max min mean median sum std argmax argmin``, or the NumPy
        function of that name) over ``axis`` (default: "bands" for a Mosaic, "images" for an ImageStack)."""
        where = f"{type_name(self)}.reduce"
        return self._reduction(reducer_name(reducer, where), axis or self._default_reduce_axis, where)

    # ---- bands ------------------------------------------------------------------------------------------
    def pick_bands(self, bands: Any) -> Any:
        """The bands named in ``bands`` (space-separated str or list), in that order."""
        names = band_string(bands, f"{type_name(self)}.pick_bands")
        return type(self)._from_apply("dc.pick_bands", self, names)

    def unpack_bands(self, bands: Any) -> tuple:
        """One single-band object per name in ``bands``."""
        return tuple(self.pick_bands(name) for name in band_list(bands, f"{type_name(self)}.unpack_bands"))

    def rename_bands(self, bands: Any) -> Any:
        """The same pixels with the bands renamed, in order, to ``bands`` (one name per band)."""
        names = band_string(bands, f"{type_name(self)}.rename_bands")
        return type(self)._from_apply("dc.rename_bands", self, names)

    def concat_bands(self, other: Any) -> Any:
        """The bands of ``self`` followed by those of ``other``.

        ``other`` is an object of the same kind, or band names of the product
        this object reads (only for an object read straight from a product).
        Repeated band names get a ``_1``, ``_2``... suffix.
        """
        where = f"{type_name(self)}.concat_bands"
        if isinstance(other, (str, list, tuple)):
            other = self._with_source_bands(band_string(other, where), where)
        mosaic, _ = dc_types()
        if not isinstance(other, (mosaic, type(self))):
            raise ProxyTypeError(f"{where}: expected a {type_name(self)} or band names, got {type_name(other)}")
        return type(self)._from_apply("dc.concat_bands", self, other)

    def _with_source_bands(self, bands: str, where: str) -> Any:
        graft = self.graft
        sources = [k for k, v in graft.items() if _is_application(v) and v[0] in SOURCE_BUILTINS]
        if len(sources) != 1:
            raise ProxyTypeError(f"{where}: band names can only be added to an object read from one product; "
                                 "pass another object instead")
        node = graft[sources[0]]
        new = dict(graft)
        bands_key, new_key = client.guid(), client.guid()
        new[bands_key] = bands
        new[new_key] = [node[0], node[1], bands_key, *node[3:]]
        new["returns"] = new_key
        return type(self)._from_graft(new, self.params)

    # ---- values -----------------------------------------------------------------------------------------
    def clip(self, lo: Any, hi: Any) -> Any:
        """Values limited to ``[lo, hi]`` (``lo < hi`` is checked now when both are numbers)."""
        where = f"{type_name(self)}.clip"
        if isinstance(lo, numbers.Real) and isinstance(hi, numbers.Real) and not lo < hi:
            raise ProxyTypeError(f"{where}: lo must be less than hi, got lo={lo!r}, hi={hi!r}")
        low = promote(lo, Float, f"{where}() argument 'lo'")
        high = promote(hi, Float, f"{where}() argument 'hi'")
        return type(self)._from_apply("dc.clip", self, low, high)

    def filled(self, fill_val: Any) -> Any:
        """Masked pixels replaced by ``fill_val``; the result has no masked pixels."""
        value = promote(fill_val, Float, f"{type_name(self)}.filled() argument 'fill_val'")
        return type(self)._from_apply("dc.filled", self, value)

    def _terrain(self, what: str, resolution: Any) -> Any:
        res = promote(resolution, (Float, NoneType), f"{type_name(self)}.{what}() argument 'resolution'")
        return type(self)._from_apply("dc.terrain", self, what, res)

    def gradient_x(self, resolution: Any = None) -> Any:
        """The derivative along x (columns) per CRS unit; ``resolution`` defaults to the AOI's pixel size."""
        return self._terrain("gradient_x", resolution)

    def gradient_y(self, resolution: Any = None) -> Any:
        """The derivative along y (rows, top to bottom) per CRS unit."""
        return self._terrain("gradient_y", resolution)

    def slope(self, resolution: Any = None) -> Any:
        """Slope in degrees: ``atan(sqrt(gx**2 + gy**2))`` of the gradients."""
        return self._terrain("slope", resolution)

    def aspect(self, resolution: Any = None) -> Any:
        """Aspect in degrees: ``atan2(gx, -gy)`` of the gradients."""
        return self._terrain("aspect", resolution)

    # ---- resampling -------------------------------------------------------------------------------------
    def update_resampler(self, resampler: str) -> Any:
        """A copy that reads every product with ``resampler`` (near, bilinear, cubic, ...)."""
        from gpucompute.raster import RESAMPLERS

        if resampler not in RESAMPLERS:
            raise ProxyTypeError(f"{type_name(self)}.update_resampler: unknown resampler {resampler!r}; use one of "
                                 f"{', '.join(RESAMPLERS)}")
        graft = dict(self.graft)
        key = client.guid()
        for name, node in list(graft.items()):
            if _is_application(node) and node[0] in SOURCE_BUILTINS and isinstance(node[-1], Mapping):
                graft[name] = [*node[:-1], {**node[-1], "resampler": key}]
        graft[key] = resampler
        return type(self)._from_graft(graft, self.params)


def _is_application(node: Any) -> bool:
    return isinstance(node, list) and bool(node) and isinstance(node[0], str)


def _reduction_method(reducer: str) -> Any:
    def method(self: Any, axis: Any = NO_AXIS) -> Any:
        return self._reduction(reducer, axis, f"{type_name(self)}.{reducer}")

    method.__name__ = reducer
    method.__doc__ = (f"``np.ma.{reducer}`` over ``axis`` (required): \"bands\", \"images\" (ImageStack) or "
                      "\"pixels\" (not for argmax/argmin).")
    return method


for _name in REDUCERS:
    setattr(DCMixin, _name, _reduction_method(_name))
