"""JAX masked median/percentiles with a sorting network, processed in pixel chunks.

Per chunk of ``C`` pixels (a ``(T, C)`` slice of the ``(T, P)`` stack):

1. masked values become a value that sorts last (``+inf`` / integer max), and
   the valid count ``n`` and a "valid NaN seen" flag are accumulated row by
   row (elementwise adds: XLA's CPU reductions over the leading axis are slow);
2. a Batcher odd-even merge network (``minimum``/``maximum`` per comparator,
   see :mod:`._network`) sorts the ``T`` rows;
3. for each quantile, the rows at the per-pixel ranks ``lo(n)`` and ``hi(n)``
   are picked with a chain of ``where(rank == t, row_t, acc)`` and mixed.

Chunks are visited with :func:`jax.lax.map` over chunk indices, slicing the
stack in place with ``dynamic_slice`` (no transposed copy). A chunk of
``T * C`` values stays in cache, and XLA fuses steps 2 and 3 into one loop
over the chunk's pixels that keeps each pixel's series in registers; that is
what makes this ~30x faster than numpy.ma.median on a 2-core CPU. Keeping the
fusion intact takes some care, measured on XLA CPU:

* an ``optimization_barrier`` after step 1, or XLA re-reads the slice inside
  every comparator;
* only 1-D ``(C,)`` operands: broadcasting ``(1, C)`` ranks against ``(C,)``
  rows splits the network into many fusions (20x slower);
* each quantile is a separate output of the chunk function: stacking them
  inside the chunk makes the fused loop recompute the network per quantile.

The function is jitted once per (shape, dtype, quantiles, result dtype);
:data:`TRACES` counts how often it was traced. Stacks longer than
:data:`MAX_NETWORK_LENGTH` run the jitted sort-based reference.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from gpucompute import backends

from ._common import high_sentinel
from ._network import apply_network, sorting_network
from .median import combine, quantiles_reference

__all__ = ["quantiles", "TRACES", "MAX_NETWORK_LENGTH", "chunk_pixels"]

#: Longer stacks run the (jitted) sort-based reference: a network's size, and
#: its compile time, grow as T log^2 T (1104 comparators and ~5 s to compile
#: for T = 100, still faster than numpy.ma.median at run time).
MAX_NETWORK_LENGTH = 128

#: Bytes of stack data per chunk: small enough for the L2 cache.
_CHUNK_BYTES = 1 << 17

#: How many times the jitted kernel was traced (i.e. compiled), by kernel name.
TRACES: Counter = Counter()


def chunk_pixels(length: int, pixels: int, itemsize: int) -> int:
    """Pixels per chunk: a power of two between 256 and 16384 near ``_CHUNK_BYTES`` of data."""
    target = max(_CHUNK_BYTES // max(length * itemsize, 1), 256)
    size = 256
    while size * 2 <= min(target, 16384):
        size *= 2
    return min(size, pixels) if pixels > 0 else 1


def _positions(count: Any, qs: tuple[float, ...] | None, out_dtype: np.dtype) -> list[tuple[Any, Any, Any]]:
    """Per quantile, the ranks ``lo``, ``hi`` (int32, shape ``(C,)``) and the weight ``gamma``.

    The rank ``q * (n - 1)`` is computed in the result dtype (float32 without
    x64), where NumPy uses float64; a rank that lands a hair below an integer
    then gives ``gamma`` close to 1, and NumPy's interpolation formula still
    returns (almost exactly) the upper value. Gathering exact float64
    positions from a table instead costs more than the whole median.
    Everything stays 1-D: mixing ``(1, C)`` and ``(C,)`` operands makes XLA
    split the network into many small fusions (20x slower on CPU).
    """
    if qs is None:
        return [((count - 1) // 2, count // 2, None)]
    last = jnp.maximum(count - 1, 0)
    out = []
    for q in qs:
        virtual = (count - 1).astype(out_dtype) * jnp.asarray(q, dtype=out_dtype)
        floor = jnp.floor(virtual)
        gamma = jnp.where(virtual >= last, 0, virtual - floor).astype(out_dtype)
        lo = jnp.clip(floor, 0, last).astype(jnp.int32)
        out.append((lo, jnp.minimum(lo + 1, last), gamma))
    return out


def _select(rows: list, lo: Any, hi: Any) -> tuple[Any, Any]:
    """``rows[lo]`` and ``rows[hi]`` per pixel, by a chain of ``where`` (no gather)."""
    a, b = rows[0], rows[0]
    for t in range(1, len(rows)):
        a = jnp.where(lo == t, rows[t], a)
        b = jnp.where(hi == t, rows[t], b)
    return a, b


def _chunk(data: Any, mask: Any, qs: tuple[float, ...] | None, out_dtype: np.dtype) -> tuple[Any, Any]:
    """Quantiles of one ``(T, C)`` chunk: values ``(nq, C)`` and the empty-pixel mask ``(C,)``."""
    length = data.shape[0]
    sentinel = jnp.asarray(high_sentinel(data.dtype), dtype=data.dtype)
    rows = [jnp.where(mask[t], sentinel, data[t]) for t in range(length)]
    count = sum(jnp.logical_not(mask[t]).astype(jnp.int32) for t in range(length))
    empty = count == 0
    bad = empty  # pixels with no valid value, and below those with a valid NaN
    if data.dtype.kind == "f":
        bad = functools.reduce(
            jnp.logical_or, [jnp.logical_and(jnp.isnan(data[t]), jnp.logical_not(mask[t])) for t in range(length)], bad
        )
    positions = _positions(count, qs, out_dtype)
    # materialise the chunk once: without this XLA re-reads the slice inside the network
    rows, positions, bad, empty = jax.lax.optimization_barrier((rows, positions, bad, empty))
    rows = apply_network(rows, sorting_network(length), jnp.minimum, jnp.maximum)
    fill = jnp.where(empty, jnp.zeros((), dtype=out_dtype), jnp.asarray(np.nan, dtype=out_dtype))
    outputs = []
    for lo, hi, gamma in positions:
        a, b = _select(rows, lo, hi)
        value = combine(jnp, a.astype(out_dtype), b.astype(out_dtype), gamma, qs is None)
        outputs.append(jnp.where(bad, fill, value))
    return tuple(outputs), empty


@functools.partial(jax.jit, static_argnames=("qs", "out_dtype"))
def _quantiles(data: Any, mask: Any, qs: tuple[float, ...] | None, out_dtype: np.dtype) -> tuple[Any, Any]:
    TRACES["quantiles"] += 1
    length, rest = data.shape[0], data.shape[1:]
    pixels = int(np.prod(rest, dtype=np.int64))
    data2, mask2 = data.reshape(length, pixels), mask.reshape(length, pixels)
    size = chunk_pixels(length, pixels, data.dtype.itemsize)
    full, tail = divmod(pixels, size)
    parts, masks = [], []
    if full:
        def body(i: Any) -> tuple[Any, Any]:
            start = i * size
            return _chunk(jax.lax.dynamic_slice(data2, (0, start), (length, size)),
                          jax.lax.dynamic_slice(mask2, (0, start), (length, size)), qs, out_dtype)

        values, empty = jax.lax.map(body, jnp.arange(full))  # nq x (full, C), (full, C)
        parts.append(jnp.stack([v.reshape(full * size) for v in values]))
        masks.append(empty.reshape(full * size))
    if tail or not full:
        values, empty = _chunk(data2[:, full * size:], mask2[:, full * size:], qs, out_dtype)
        parts.append(jnp.stack(values))
        masks.append(empty)
    values = parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=1)
    empty = masks[0] if len(masks) == 1 else jnp.concatenate(masks)
    return values.reshape((values.shape[0],) + rest), empty.reshape(rest)


@functools.partial(jax.jit, static_argnames=("qs", "out_dtype"))
def _quantiles_sorted(data: Any, mask: Any, qs: tuple[float, ...] | None, out_dtype: np.dtype) -> tuple[Any, Any]:
    TRACES["quantiles"] += 1
    return quantiles_reference(backends.get("jax"), data, mask, qs, out_dtype)


def quantiles(backend: Any, data: Any, mask: Any, qs: tuple[float, ...] | None,
              out_dtype: np.dtype) -> tuple[Any, Any]:
    """Specialised JAX quantiles (see the module notes); same contract as the reference."""
    kernel = _quantiles if data.shape[0] <= MAX_NETWORK_LENGTH else _quantiles_sorted
    return kernel(data, mask, qs=qs, out_dtype=np.dtype(out_dtype))
