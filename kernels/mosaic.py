"""First-valid mosaic over the time axis: every element takes the top-most valid image.

With ``reverse=False`` the *last* image (highest index along axis 0) is on top,
so a stack sorted by date shows its most recent valid observation; with
``reverse=True`` the first image is on top. Each element (each band of each
pixel) is decided independently. Elements masked in every image stay masked.

Implementation signature::

    impl(backend, data, mask, reverse) -> (values, out_mask)   # both data.shape[1:]
"""

from __future__ import annotations

from typing import Any

from gpucompute.array._masked_array import MaskedArray

from . import _registry
from ._common import as_stack

__all__ = ["mosaic", "mosaic_reference", "mosaic_chain"]


def mosaic_reference(backend: Any, data: Any, mask: Any, reverse: bool) -> tuple[Any, Any]:
    """Index of the top valid image by ``argmax``, values by ``take_along_axis`` (any ``xp``)."""
    xp = backend.xp
    length = data.shape[0]
    valid = xp.logical_not(mask)
    if reverse:
        top = xp.argmax(valid, axis=0)
    else:  # the last valid image is the first one when reading the stack backwards
        top = (length - 1) - xp.argmax(xp.flip(valid, axis=0), axis=0)
    # where nothing is valid, argmax gives 0 and ``top`` is the top image: all
    # implementations leave that image's data under the mask
    values = xp.take_along_axis(data, top[None], axis=0)[0]
    return values, xp.logical_not(xp.any(valid, axis=0))


def mosaic_chain(backend: Any, data: Any, mask: Any, reverse: bool) -> tuple[Any, Any]:
    """Paint the images one over the other with ``where`` (fuses into one pass under a JIT)."""
    xp = backend.xp
    order = _paint_order(data.shape[0], reverse)
    values, out_mask = data[order[-1]], mask[order[-1]]
    for t in order[:-1]:
        values = xp.where(mask[t], values, data[t])
        out_mask = xp.logical_and(out_mask, mask[t])
    # the top image last, so that it wins wherever it is valid
    top = order[-1]
    return xp.where(mask[top], values, data[top]), out_mask


def _paint_order(length: int, reverse: bool) -> list[int]:
    """Image indices from the bottom of the pile to the top."""
    return list(range(length - 1, -1, -1)) if reverse else list(range(length))


def mosaic(stack: Any, reverse: bool = False, *, impl: str = "auto") -> MaskedArray:
    """Mosaic a time stack: each element takes its value from the top-most valid image.

    Parameters
    ----------
    stack : MaskedArray
        Time stack shaped ``(T, ...)``, e.g. ``(T, B, Y, X)`` sorted by date;
        any dtype.
    reverse : bool
        ``False`` (default): the last image along axis 0 is on top (the most
        recent, for a stack sorted by date). ``True``: the first one is.
    impl : {"auto", "reference", "specialized"}
        ``"auto"`` uses the backend's specialised kernel, ``"reference"`` the
        ``argmax``/``take_along_axis`` version.

    Returns
    -------
    MaskedArray
        Shape ``stack.shape[1:]``, same dtype and backend; masked where no
        image is valid.

    Raises
    ------
    ArrayShapeError
        If the stack is 0-d or has no images.
    ConfigError
        If *impl* is not recognised.
    """
    stack = as_stack("mosaic", stack)
    backend = stack.backend
    fn = _registry.resolve("mosaic", backend.name, impl, "mosaic")
    values, out_mask = fn(backend, stack.data, stack.mask, bool(reverse))
    return MaskedArray._new(values, out_mask, backend)
