"""Top-level functions over numbers and imagery: math functions, ``where``, ``concat``, ``conv2d`` ...

``wf.log(x)`` ... ``wf.square(x)`` take an Int, Float, Image or ImageCollection:
numbers give a Float, imagery the same kind of imagery (bands keep their
names).  ``arctan2(y, x)`` combines two such values; ``normalized_difference``
is written with operators; ``where``, ``concat`` and ``conv2d`` record the
builtins of the same names.  Arguments are checked when the expression is
written (:class:`~gpucompute.errors.ProxyTypeError`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._imagery import image_types
from gpucompute.types._imagery_math import imagery_result_type
from gpucompute.types.core import promote
from gpucompute.types.primitives import Bool, Float, Int

__all__ = [
    "arccos",
    "arcsin",
    "arctan",
    "arctan2",
    "concat",
    "conv2d",
    "cos",
    "exp",
    "log",
    "log1p",
    "log2",
    "log10",
    "normalized_difference",
    "sin",
    "sqrt",
    "square",
    "tan",
    "where",
]


def _numeric(value: Any, where: str) -> Any:
    """``value`` as an Image, ImageCollection, Int or Float proxy."""
    return promote(value, image_types() + (Int, Float), where)


def _is_imagery(value: Any) -> bool:
    return isinstance(value, image_types())


def _math_function(name: str) -> Callable[[Any], Any]:
    def function(x: Any) -> Any:
        x = _numeric(x, f"{name}() argument 'x'")
        kind = type(x) if _is_imagery(x) else Float
        return kind._from_apply(f"wf.{name}", x)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"""Element-wise ``{name}`` (``wf.{name}``).

    Parameters
    ----------
    x : Int, Float, Image or ImageCollection

    Returns
    -------
    Float, Image or ImageCollection
        A Float for a number; for imagery the same type, bands keeping their
        names and values outside the function's domain masked.
    """
    return function


log = _math_function("log")
log2 = _math_function("log2")
log10 = _math_function("log10")
log1p = _math_function("log1p")
sqrt = _math_function("sqrt")
cos = _math_function("cos")
arccos = _math_function("arccos")
sin = _math_function("sin")
arcsin = _math_function("arcsin")
tan = _math_function("tan")
arctan = _math_function("arctan")
exp = _math_function("exp")
square = _math_function("square")


def arctan2(y: Any, x: Any) -> Any:
    """Element-wise arc tangent of ``y / x``, choosing the quadrant from both signs (``wf.arctan2``).

    Parameters
    ----------
    y, x : Int, Float, Image or ImageCollection

    Returns
    -------
    Float, Image or ImageCollection
        ImageCollection if either is one, else Image if either is one, else Float.
        Two single-band operands give the band ``<y band>_arctan2_<x band>``.
    """
    y = _numeric(y, "arctan2() argument 'y'")
    x = _numeric(x, "arctan2() argument 'x'")
    kind = imagery_result_type(y, x) if (_is_imagery(y) or _is_imagery(x)) else Float
    return kind._from_apply("wf.arctan2", y, x)


def normalized_difference(x: Any, y: Any) -> Any:
    """``(x - y) / (x + y)``, written with operators.

    For single-band imagery ``nir`` and ``red`` the band is named
    ``nir_sub_red_div_nir_add_red``.

    Parameters
    ----------
    x, y : Int, Float, Image or ImageCollection
    """
    x = _numeric(x, "normalized_difference() argument 'x'")
    y = _numeric(y, "normalized_difference() argument 'y'")
    return (x - y) / (x + y)


def where(condition: Any, x: Any, y: Any) -> Any:
    """Values of ``x`` where ``condition`` is true, else of ``y`` (``wf.where``).

    Parameters
    ----------
    condition : Image, ImageCollection or Bool
        Non-boolean imagery counts as true where it is non-zero; a masked
        condition masks the result.
    x, y : Image, ImageCollection, Int or Float

    Returns
    -------
    ImageCollection, Image, Float or Int
        The first kind any argument has, in that order.  Bands are named
        ``<value>_where_<condition band>`` where ``<value>`` is ``x``'s band,
        ``y``'s band, ``<x>_or_<y>`` or, for number values, the condition's band.

    Raises
    ------
    ProxyTypeError
        For a Bool condition with two numbers (use ``wf.ifelse``), or other types.
    """
    condition = promote(condition, image_types() + (Bool,), "where() argument 'condition'")
    x = _numeric(x, "where() argument 'x'")
    y = _numeric(y, "where() argument 'y'")
    args = (condition, x, y)
    if not any(_is_imagery(a) for a in args):
        raise ProxyTypeError("where() with a Bool condition and number x and y is not supported; "
                             "use wf.ifelse(condition, x, y) instead")
    return imagery_result_type(*args)._from_apply("wf.where", condition, x, y)


def concat(*imgs: Any) -> Any:
    """One ImageCollection of the images of ``imgs`` (at least two Images or ImageCollections; ``wf.concat``).

    Images, properties and band info are concatenated (band info intersected);
    all imagery must have the same band names; empty imagery is dropped.
    """
    if len(imgs) < 2:
        raise ProxyTypeError(f"concat() needs at least 2 Images or ImageCollections, got {len(imgs)}")
    promoted = [promote(img, image_types(), f"concat() argument {i}") for i, img in enumerate(imgs)]
    return image_types()[1]._from_apply("wf.concat", *promoted)


def conv2d(obj: Any, filt: Any) -> Any:
    """The 2-D spatial convolution of every band of ``obj`` with the kernel ``filt`` (``wf.conv2d``).

    The kernel is flipped (a true convolution, as ``scipy.ndimage.convolve``)
    and centred on element ``(rows // 2, cols // 2)``; masked pixels and pixels
    beyond the edge count as 0; the result keeps ``obj``'s mask and bands.

    Parameters
    ----------
    obj : Image or ImageCollection
    filt : Kernel

    Returns
    -------
    Image or ImageCollection
        The type of ``obj``.
    """
    from gpucompute.types.kernel import Kernel

    obj = promote(obj, image_types(), "conv2d() argument 'obj'")
    filt = promote(filt, Kernel, "conv2d() argument 'filt'")
    return type(obj)._from_apply("wf.conv2d", obj, filt)
