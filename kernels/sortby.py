"""Sort-by composite: per pixel, the image where a key band is largest (or smallest).

For every pixel the kernel picks the image ``t`` whose key band ``band`` is the
maximum (``operation="argmax"``) or minimum (``"argmin"``) among that pixel's
*valid* key values, and copies all bands of image ``t`` at that pixel, values
and masks. Ties go to the first image. A NaN key counts as the extreme, as
``numpy.argmax`` treats it (the first valid NaN wins). Pixels whose key is
masked in every image are masked in every band.

Implementation signature::

    impl(backend, data, mask, band, largest) -> (values, out_mask)   # data.shape[1:]
"""

from __future__ import annotations

import operator
from typing import Any

from gpucompute.array._masked_array import MaskedArray
from gpucompute.errors import ArrayValueError, AxisError

from . import _registry
from ._common import PREFIX, as_stack, check_dtype, high_sentinel, low_sentinel

__all__ = ["sortby_composite", "sortby_reference", "sortby_chain", "OPERATIONS"]

#: operation name -> whether the largest key wins.
OPERATIONS = {"argmax": True, "argmin": False}


def _is_nan(xp: Any, values: Any) -> Any:
    if values.dtype.kind == "f":
        return xp.isnan(values)
    return xp.zeros(values.shape, dtype=bool)


def sortby_reference(backend: Any, data: Any, mask: Any, band: int, largest: bool) -> tuple[Any, Any]:
    """Best key by ``max``/``min`` over time, first image reaching it by ``argmax``, then a gather."""
    xp = backend.xp
    key, key_mask = data[:, band], mask[:, band]
    valid = xp.logical_not(key_mask)
    fill = low_sentinel(key.dtype) if largest else high_sentinel(key.dtype)
    filled = xp.where(key_mask, xp.asarray(fill, dtype=key.dtype), key)
    best = xp.max(filled, axis=0) if largest else xp.min(filled, axis=0)  # NaN propagates, as argmax wants
    reaches = xp.logical_or(key == best, xp.logical_and(_is_nan(xp, key), _is_nan(xp, best)))
    chosen = xp.argmax(xp.logical_and(valid, reaches), axis=0)  # first True; 0 if none
    index = xp.broadcast_to(chosen[None, None], (1,) + data.shape[1:])
    values = xp.take_along_axis(data, index, axis=0)[0]
    picked_mask = xp.take_along_axis(mask, index, axis=0)[0]
    empty = xp.logical_not(xp.any(valid, axis=0))
    return values, xp.logical_or(picked_mask, empty[None])


def sortby_chain(backend: Any, data: Any, mask: Any, band: int, largest: bool) -> tuple[Any, Any]:
    """Walk the images once, keeping the best key and its bands with ``where`` (no gather).

    Under a JIT this fuses into one pass over the stack (the JAX kernel).
    """
    xp = backend.xp
    beats = operator.gt if largest else operator.lt
    best_values, best_mask = data[0], mask[0]
    best_key = data[0, band]
    found = xp.logical_not(mask[0, band])
    best_nan = xp.logical_and(found, _is_nan(xp, best_key))
    for t in range(1, data.shape[0]):
        key, valid = data[t, band], xp.logical_not(mask[t, band])
        key_nan = _is_nan(xp, key)
        better = xp.logical_or(beats(key, best_key), key_nan)
        open_ = xp.logical_and(valid, xp.logical_not(best_nan))  # a NaN already chosen stays
        take = xp.logical_and(open_, xp.logical_or(xp.logical_not(found), better))
        best_key = xp.where(take, key, best_key)
        best_values = xp.where(take[None], data[t], best_values)
        best_mask = xp.where(take[None], mask[t], best_mask)
        found = xp.logical_or(found, valid)
        best_nan = xp.logical_or(best_nan, xp.logical_and(take, key_nan))
    return best_values, xp.logical_or(best_mask, xp.logical_not(found)[None])


def _check_band(band: Any, bands: int) -> int:
    try:
        index = operator.index(band)
    except TypeError:
        raise AxisError(
            f"{PREFIX}sortby_composite: band must be an integer index into axis 1 of the stack, got {band!r}"
        ) from None
    if not -bands <= index < bands:
        raise AxisError(
            f"{PREFIX}sortby_composite: band {band} is out of range for a stack with {bands} band(s) "
            f"on axis 1; use 0..{bands - 1} (or a negative index from the end)"
        )
    return index % bands


def sortby_composite(stack: Any, band: int, operation: str = "argmax", *, impl: str = "auto") -> MaskedArray:
    """Composite the image where band *band* is largest (or smallest), per pixel.

    Parameters
    ----------
    stack : MaskedArray
        Time stack shaped ``(T, B, ...)``, typically ``(T, B, Y, X)``.
    band : int
        Index of the key band on axis 1 (negative counts from the end).
    operation : {"argmax", "argmin"}
        Whether the image with the largest or the smallest valid key wins.
    impl : {"auto", "reference", "specialized"}
        ``"auto"`` uses the backend's specialised kernel, ``"reference"`` the
        ``argmax``/``take_along_axis`` version.

    Returns
    -------
    MaskedArray
        Shape ``stack.shape[1:]``: all bands of the winning image at each
        pixel, with that image's masks; every band masked where the key band is
        masked in all images.

    Raises
    ------
    ArrayValueError
        If *operation* is not recognised.
    ConfigError
        If *impl* is not recognised.
    AxisError
        If *band* is not an integer or is out of range (an ``IndexError``).
    ArrayShapeError
        If the stack has fewer than two dimensions or no images.
    ArrayDTypeError
        If the key band is complex or otherwise not orderable.
    """
    stack = as_stack("sortby_composite", stack, min_ndim=2)
    if operation not in OPERATIONS:
        raise ArrayValueError(
            f"{PREFIX}sortby_composite: operation must be 'argmax' or 'argmin', got {operation!r}"
        )
    index = _check_band(band, stack.shape[1])
    check_dtype("sortby_composite", stack.dtype, "biuf", "the key band")
    backend = stack.backend
    fn = _registry.resolve("sortby", backend.name, impl, "sortby_composite")
    values, out_mask = fn(backend, stack.data, stack.mask, index, OPERATIONS[operation])
    return MaskedArray._new(values, out_mask, backend)
