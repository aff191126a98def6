"""CuPy mosaic and sort-by composite as CUDA kernels (one thread per output element or pixel).

* mosaic: each thread walks its element's images from the top of the pile
  down and stops at the first valid one. Values are moved as raw bits of the
  same size, so every dtype of 1, 2, 4 or 8 bytes (float16 and complex64
  included) uses one of four kernels.
* sort-by: each thread scans the key band of its pixel over time (first
  valid NaN wins, ties keep the first image), then copies every band of the
  chosen image. The key is compared in its own C type, so float16 runs the
  reference instead.

Both read ``(T, ...)`` C-contiguous stacks; see :mod:`._cuda` for the
compile hook that lets the tests run the same sources on the host.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._cuda import Compiler, bits_dtype, c_type, cupy_compile, launch_shape
from .mosaic import mosaic_reference
from .sortby import sortby_reference

__all__ = ["mosaic", "sortby", "run_mosaic", "run_sortby", "mosaic_source", "sortby_source"]

_MOSAIC = r"""
typedef {val_t} val_t;

extern "C" __global__ void masked_mosaic(
    const val_t* __restrict__ data, const bool* __restrict__ mask, const int length,
    const long long size, const int reverse, val_t* __restrict__ out, bool* __restrict__ out_mask)
{{
    const long long stride = (long long)blockDim.x * gridDim.x;
    const int top = reverse ? 0 : length - 1;
    const int step = reverse ? 1 : -1;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < size; e += stride) {{
        val_t value = data[top * size + e];  /* what stays under the mask, as in the reference */
        bool masked = true;
        for (int k = 0, t = top; k < length; ++k, t += step) {{
            if (!mask[t * size + e]) {{
                value = data[t * size + e];
                masked = false;
                break;
            }}
        }}
        out[e] = value;
        out_mask[e] = masked;
    }}
}}
"""

_SORTBY = r"""
typedef {val_t} val_t;

extern "C" __global__ void sortby_composite(
    const val_t* __restrict__ data, const bool* __restrict__ mask, const int length,
    const int bands, const int band, const long long pixels, const int largest,
    val_t* __restrict__ out, bool* __restrict__ out_mask)
{{
    const long long stride = (long long)blockDim.x * gridDim.x;
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < pixels; p += stride) {{
        int best = -1;
        val_t best_key = data[(long long)band * pixels + p];
        for (int t = 0; t < length; ++t) {{
            const long long at = ((long long)t * bands + band) * pixels + p;
            if (mask[at]) continue;
            const val_t key = data[at];
            const bool key_nan = key != key;  /* a valid NaN wins, as in numpy.argmax */
            const bool better = largest ? (best_key < key) : (key < best_key);
            if (best < 0 || key_nan || better) {{
                best = t;
                best_key = key;
                if (key_nan) break;
            }}
        }}
        const int source = best < 0 ? 0 : best;
        for (int b = 0; b < bands; ++b) {{
            const long long from = ((long long)source * bands + b) * pixels + p;
            out[(long long)b * pixels + p] = data[from];
            out_mask[(long long)b * pixels + p] = best < 0 || mask[from];
        }}
    }}
}}
"""


@functools.lru_cache(maxsize=16)
def mosaic_source(dtype: np.dtype) -> str:
    """CUDA source of the mosaic kernel moving values of *dtype* (an unsigned type)."""
    return _MOSAIC.format(val_t=c_type(dtype))


@functools.lru_cache(maxsize=16)
def sortby_source(dtype: np.dtype) -> str:
    """CUDA source of the sort-by kernel for keys and values of *dtype*."""
    return _SORTBY.format(val_t=c_type(dtype))


def run_mosaic(xp: Any, compile: Compiler, data: Any, mask: Any, reverse: bool) -> tuple[Any, Any] | None:
    """Launch the mosaic kernel on arrays of namespace *xp*; ``None`` if the dtype has no kernel."""
    bits = bits_dtype(data.dtype)
    if bits is None:
        return None
    rest = tuple(data.shape[1:])
    size = int(np.prod(rest, dtype=np.int64))
    out = xp.empty(rest, dtype=data.dtype)
    out_mask = xp.empty(rest, dtype=bool)
    if size:
        grid, block = launch_shape(size)
        compile(mosaic_source(bits), "masked_mosaic")(grid, block, (
            xp.ascontiguousarray(data).view(bits), xp.ascontiguousarray(mask), np.int32(data.shape[0]),
            np.int64(size), np.int32(bool(reverse)), out.view(bits), out_mask,
        ))
    return out, out_mask


def run_sortby(xp: Any, compile: Compiler, data: Any, mask: Any, band: int,
               largest: bool) -> tuple[Any, Any] | None:
    """Launch the sort-by kernel on arrays of namespace *xp*; ``None`` if the dtype has no kernel."""
    if c_type(data.dtype) is None:
        return None
    length, bands, rest = data.shape[0], data.shape[1], tuple(data.shape[2:])
    pixels = int(np.prod(rest, dtype=np.int64))
    out = xp.empty((bands,) + rest, dtype=data.dtype)
    out_mask = xp.empty((bands,) + rest, dtype=bool)
    if pixels and bands:
        grid, block = launch_shape(pixels)
        compile(sortby_source(np.dtype(data.dtype)), "sortby_composite")(grid, block, (
            xp.ascontiguousarray(data), xp.ascontiguousarray(mask), np.int32(length), np.int32(bands),
            np.int32(band), np.int64(pixels), np.int32(bool(largest)), out, out_mask,
        ))
    return out, out_mask


def mosaic(backend: Any, data: Any, mask: Any, reverse: bool) -> tuple[Any, Any]:
    """Specialised CuPy mosaic; same contract as :func:`.mosaic.mosaic_reference`."""
    result = run_mosaic(backend.xp, cupy_compile, data, mask, reverse)
    return mosaic_reference(backend, data, mask, reverse) if result is None else result


def sortby(backend: Any, data: Any, mask: Any, band: int, largest: bool) -> tuple[Any, Any]:
    """Specialised CuPy sort-by composite; same contract as :func:`.sortby.sortby_reference`."""
    result = run_sortby(backend.xp, cupy_compile, data, mask, band, largest)
    return sortby_reference(backend, data, mask, band, largest) if result is None else result
