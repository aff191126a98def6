"""Leading-axis accumulation loops: the one backend divergence of the reduction core.

XLA on CPU reduces floating-point values over a leading (non-minor) axis an
order of magnitude slower than it runs an elementwise loop over that axis
(jax-ml/jax#25187: the reduction cannot be vectorised without reassociating
the sum). Raster stacks keep their time/scene axis first, and the masked
reductions over it are the hot path, so on backends listed in
:data:`LEADING_LOOPS` a float reduction over leading axes becomes a loop that
combines one leading slice at a time. The elementwise map that feeds the
reduction (the identity fill, the squared deviations of ``var``) runs inside
the loop, so no temporary the size of the input is written. Integer and
boolean reductions, and backends without an entry, use ``xp`` unchanged.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from gpucompute.backends import Backend

if TYPE_CHECKING:
    from ._reduction_core import Reduction

__all__ = ["LEADING_LOOPS", "MIN_SLICE", "loop_leading_axes", "loop_leading_arg"]

#: reduction -> the elementwise function that combines a partial result with the next slice
_COMBINE = {"sum": "add", "prod": "multiply", "min": "minimum", "max": "maximum"}

#: Slices smaller than this many elements are left to ``xp`` (the loop would be all overhead).
MIN_SLICE = 1024


def _jax_loop(count: int, body: Callable[[Any, Any], Any], init: Any) -> Any:
    from jax import lax

    return lax.fori_loop(1, count, body, init)


#: backend name -> ``loop(count, body(i, acc) -> acc, init)`` running body for i = 1 .. count - 1
LEADING_LOOPS: dict[str, Callable[..., Any]] = {"jax": _jax_loop}


def _leading_block(axes: tuple[int, ...], shape: tuple[int, ...]) -> int:
    """How many leading axes to loop over: reduced, never the last, slices of >= MIN_SLICE elements."""
    count = 0
    while (count < len(shape) - 1 and count < len(axes) and axes[count] == count
           and int(np.prod(shape[count + 1:])) >= MIN_SLICE):
        count += 1
    return count


@functools.lru_cache(maxsize=128)
def _accumulator(op: str, dtype: np.dtype, backend: Backend) -> np.dtype:
    """The dtype NumPy's reduction *op* accumulates and returns for input *dtype*."""
    if op in ("sum", "prod"):
        dtype = getattr(np, op)(np.zeros(1, dtype=dtype)).dtype  # NumPy widens small ints
    return backend.canonical_dtype(dtype)


def loop_leading_axes(r: "Reduction", op: str, fn: Callable[..., Any] | None, operands: tuple[Any, ...],
                      keepdims: bool, dtype: Any) -> Any:
    """``op`` of ``fn(*operands)`` over ``r.axes`` with the leading axes looped, or ``None``.

    ``None`` means "use ``xp``": no loop for this backend, no leading reduced
    axis with large enough slices, an operand that does not broadcast slice by
    slice, or a non-float accumulator.
    """
    loop = LEADING_LOOPS.get(r.backend.name)
    shape = tuple(r.data.shape)
    lead = _leading_block(r.axes, shape) if loop is not None and op in _COMBINE else 0
    if not lead:
        return None
    xp = r.xp
    count = int(np.prod(shape[:lead]))
    sliced = []
    for operand in operands:
        operand = xp.asarray(operand)
        if operand.ndim == len(shape) and tuple(operand.shape[:lead]) == shape[:lead]:
            sliced.append((xp.reshape(operand, (count,) + tuple(operand.shape[lead:])), True))
        elif operand.ndim == len(shape) and all(n == 1 for n in operand.shape[:lead]):
            sliced.append((xp.reshape(operand, tuple(operand.shape[lead:])), False))
        elif operand.ndim <= len(shape) - lead:
            sliced.append((operand, False))
        else:
            return None

    def term(i: Any) -> Any:
        parts = [operand[i] if stacked else operand for operand, stacked in sliced]
        return parts[0] if fn is None else fn(*parts)

    first = term(0)
    accumulate = np.dtype(dtype) if dtype is not None else _accumulator(op, np.dtype(first.dtype), r.backend)
    if accumulate.kind not in "fc":
        return None
    combine = getattr(xp, _COMBINE[op])
    out = loop(count, lambda i, acc: combine(acc, xp.asarray(term(i), dtype=accumulate)),
               xp.asarray(xp.broadcast_to(first, shape[lead:]), dtype=accumulate))
    rest = tuple(ax - lead for ax in r.axes[lead:])
    if rest:
        out = getattr(xp, op)(out, axis=rest, keepdims=keepdims)
    if keepdims:
        out = xp.reshape(out, (1,) * lead + tuple(out.shape))
    return xp.asarray(out)


def loop_leading_arg(r: "Reduction", op: str, fill: Any) -> tuple[Any, Any] | None:
    """Masked ``argmin``/``argmax`` over axis 0 as a loop over slices, or ``None`` (use ``xp``).

    The loop carries the best valid value so far, its index and whether any
    valid value was seen, so a masked position is never chosen while a valid
    one exists, ties keep the first index, and the first unmasked NaN wins
    (NumPy's rule). Returns ``(index, all_masked)`` shaped like the result.
    """
    loop = LEADING_LOOPS.get(r.backend.name)
    shape = tuple(r.data.shape)
    if loop is None or r.axes != (0,) or len(shape) < 2 or int(np.prod(shape[1:])) < MIN_SLICE:
        return None
    xp = r.xp
    data, mask = r.data, r.mask
    floating = r.dtype.kind == "f"
    fill = xp.asarray(fill, dtype=data.dtype)
    index_dtype = r.backend.canonical_dtype(np.intp)
    better = xp.greater if op == "max" else xp.less

    def body(i: Any, carry: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
        best, index, seen = carry
        valid = xp.logical_not(mask[i])
        value = xp.where(valid, data[i], fill)
        wins = better(value, best)
        if floating:
            wins = xp.logical_or(wins, xp.logical_and(xp.isnan(value), xp.logical_not(xp.isnan(best))))
        take = xp.logical_and(valid, xp.logical_or(xp.logical_not(seen), wins))
        return (xp.where(take, value, best), xp.where(take, xp.asarray(i, dtype=index_dtype), index),
                xp.logical_or(seen, valid))

    seen0 = xp.logical_not(mask[0])
    init = (xp.where(seen0, data[0], fill), xp.zeros(shape[1:], dtype=index_dtype), seen0)
    _, index, seen = loop(shape[0], body, init)
    masked = xp.logical_not(seen)
    if r.keepdims:
        index, masked = xp.reshape(index, (1,) + shape[1:]), xp.reshape(masked, (1,) + shape[1:])
    return index, masked
