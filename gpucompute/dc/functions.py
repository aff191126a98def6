"""Dynamic Compute's top-level functions: ``dot``, elementwise math, gradients and the AOI's resolution."""

from __future__ import annotations

import json
import math
import numbers
from typing import Any

import numpy as np

from gpucompute.dc._methods import dc_types
from gpucompute.errors import ProxyTypeError
from gpucompute.types.core import Proxytype, type_name
from gpucompute.types.primitives import Float

__all__ = ["arccos", "arcsin", "arctan", "as_compute_map", "cos", "dot", "e", "gradient_x", "gradient_y", "log",
           "log10", "pi", "resolution_x", "resolution_y", "sin", "sqrt", "tan"]

e = math.e
pi = math.pi

#: The elementwise functions, by name (``dc.sqrt`` ...).
FUNCTIONAL = ("sqrt", "cos", "sin", "tan", "arccos", "arcsin", "arctan", "log", "log10")


def _functional(name: str) -> Any:
    def function(x: Any) -> Any:
        mosaic, stack = dc_types()
        if isinstance(x, (mosaic, stack)):
            return type(x)._from_apply("dc.functional", x, name)
        if isinstance(x, Proxytype):
            from gpucompute import numpy as wnp

            return getattr(wnp, name)(x)
        if isinstance(x, (numbers.Real, np.ndarray, list, tuple)):
            return getattr(np.ma if isinstance(x, np.ma.MaskedArray) else np, name)(x)
        raise ProxyTypeError(f"dc.{name}: expected a Mosaic, ImageStack, proxy or number, got {type_name(x)}")

    function.__name__ = name
    function.__doc__ = f"``{name}`` of every pixel (the result keeps the argument's type)."
    return function


sqrt, cos, sin, tan, arccos, arcsin, arctan, log, log10 = (_functional(name) for name in FUNCTIONAL)


def resolution_x() -> Float:
    """The AOI's pixel width in CRS units, as a ``Float`` (known at compute time)."""
    return Float._from_apply("dc.resolution_x")


def resolution_y() -> Float:
    """The AOI's pixel height in CRS units, as a ``Float`` (known at compute time)."""
    return Float._from_apply("dc.resolution_y")


def gradient_x(obj: Any, resolution: Any = None) -> Any:
    """``obj.gradient_x(resolution)``: the derivative along x per CRS unit."""
    return _dc_obj(obj, "gradient_x").gradient_x(resolution)


def gradient_y(obj: Any, resolution: Any = None) -> Any:
    """``obj.gradient_y(resolution)``: the derivative along y (rows, top to bottom) per CRS unit."""
    return _dc_obj(obj, "gradient_y").gradient_y(resolution)


def _dc_obj(obj: Any, where: str) -> Any:
    if not isinstance(obj, dc_types()):
        raise ProxyTypeError(f"dc.{where}: expected a Mosaic or an ImageStack, got {type_name(obj)}")
    return obj


def dot(a: Any, b: Any) -> Any:
    """Dot product over bands (Mosaic) or images (ImageStack), with masked values counting as zero.

    * number and Mosaic/ImageStack: plain multiplication;
    * Mosaic with a vector of one weight per band: a 1-band Mosaic; with a
      ``(bands, k)`` matrix: a k-band Mosaic; with a Mosaic: the per-pixel
      dot product of the band vectors (1 band);
    * ImageStack with a vector of one weight per image: a Mosaic (weighted
      sum of images); with an ``(images, k)`` matrix: an ImageStack of k
      images; with an ImageStack: a Mosaic (sum over images of the products).

    A result pixel is masked only where every term of its sum is masked.
    """
    mosaic, stack = dc_types()
    if isinstance(a, numbers.Real) and isinstance(b, (mosaic, stack)):
        return b * a
    if isinstance(b, numbers.Real) and isinstance(a, (mosaic, stack)):
        return a * b
    if isinstance(b, (mosaic, stack)) and not isinstance(a, (mosaic, stack)):
        a, b = b, a
        if isinstance(b, (list, tuple, np.ndarray)) and np.ndim(b) == 2:
            b = np.asarray(b).T
    if not isinstance(a, (mosaic, stack)):
        raise ProxyTypeError(f"dc.dot needs a Mosaic or ImageStack operand, got {type_name(a)} and {type_name(b)}")
    if isinstance(b, (mosaic, stack)):
        if type(a) is not type(b):
            raise ProxyTypeError(f"dc.dot: both objects must be of one kind, got {type_name(a)} and {type_name(b)}")
        return mosaic._from_apply("dc.dot", a, b)
    if isinstance(b, (list, tuple, np.ndarray)):
        weights = np.asarray(b, dtype=np.float64)
        if weights.ndim not in (1, 2) or weights.size == 0 or not np.all(np.isfinite(weights)):
            raise ProxyTypeError(f"dc.dot: the array must be a finite, non-empty 1-D or 2-D array, got shape "
                                 f"{weights.shape}")
        literal = weights.tolist()
        result = mosaic if weights.ndim == 1 else type(a)
        return result._from_apply("dc.dot", a, json.dumps(literal))
    raise ProxyTypeError(f"dc.dot: cannot take the dot product of {type_name(a)} and {type_name(b)}")


def as_compute_map(value: Any) -> Any:
    """A proxy for ``value`` (numbers, lists, NumPy arrays; proxies are returned unchanged)."""
    if isinstance(value, Proxytype):
        return value
    from gpucompute.types.proxify import proxify

    return proxify(value)
