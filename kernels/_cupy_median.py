"""CuPy masked median/percentiles: one CUDA thread per pixel, a sorting network in registers.

Each thread loads its pixel's ``T`` values (masked ones replaced by a value
that sorts last), counts the valid ones and notes a valid NaN, sorts the
``T`` registers with the straight-line comparator code of
:func:`._network.sorting_network` (generated per ``T``), and reads the ranks
it needs from the position tables of :func:`._common.quantile_tables`, which
reproduce NumPy's float64 interpolation positions exactly. One kernel is
compiled per (T, input dtype, result dtype, median or percentile).

Stacks longer than :data:`MAX_LENGTH` or of dtypes without a C type here
(float16) run the sort-based reference instead.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._common import high_sentinel, quantile_tables
from ._cuda import Compiler, c_type, cupy_compile, launch_shape
from ._network import sorting_network
from .median import quantiles_reference

__all__ = ["quantiles", "run_quantiles", "quantile_source", "MAX_LENGTH", "KERNEL_NAME"]

#: Longest stack sorted in registers (the network for 128 has 1471 comparators).
MAX_LENGTH = 128

KERNEL_NAME = "masked_quantiles"

_TEMPLATE = r"""
typedef {in_t} in_t;
typedef {out_t} out_t;
#define LENGTH {length}
#define CSWAP(i, j) {{ const in_t x_ = v[i], y_ = v[j]; const bool s_ = y_ < x_; \
                      v[i] = s_ ? y_ : x_; v[j] = s_ ? x_ : y_; }}

extern "C" __global__ void {name}(
    const in_t* __restrict__ data, const bool* __restrict__ mask,
    const int* __restrict__ lo_table, const int* __restrict__ hi_table,
    const out_t* __restrict__ gamma_table, const int nq, const long long pixels,
    const in_t sentinel, const out_t nan_value,
    out_t* __restrict__ out, bool* __restrict__ out_mask)
{{
    const long long stride = (long long)blockDim.x * gridDim.x;
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < pixels; p += stride) {{
        in_t v[LENGTH];
        int n = 0;
        bool has_nan = false;
#pragma unroll
        for (int t = 0; t < LENGTH; ++t) {{
            const in_t x = data[t * pixels + p];
            const bool masked = mask[t * pixels + p];
            n += masked ? 0 : 1;
            has_nan = has_nan || (!masked && x != x);  /* x != x only for NaN */
            v[t] = masked ? sentinel : x;
        }}
{network}
        out_mask[p] = (n == 0);
        for (int k = 0; k < nq; ++k) {{
            const int row = k * (LENGTH + 1) + n;
            const int lo = lo_table[row], hi = hi_table[row];
            in_t a = v[0], b = v[0];
#pragma unroll
            for (int t = 1; t < LENGTH; ++t) {{
                a = (t == lo) ? v[t] : a;
                b = (t == hi) ? v[t] : b;
            }}
            const out_t fa = (out_t)a, fb = (out_t)b;
{combine}
            if (n == 0) r = (out_t)0;
            else if (has_nan) r = nan_value;
            out[k * pixels + p] = r;
        }}
    }}
}}
"""

_MEDIAN = "            out_t r = (fa + fb) / (out_t)2;"
_LERP = """            const out_t g = gamma_table[row], d = fb - fa;
            out_t r = (g >= (out_t)0.5) ? fb - d * ((out_t)1 - g) : fa + d * g;"""


@functools.lru_cache(maxsize=64)
def quantile_source(length: int, in_dtype: np.dtype, out_dtype: np.dtype, median: bool) -> str:
    """CUDA source of the quantile kernel for *length* images of *in_dtype*."""
    network = "\n".join(f"        CSWAP({i}, {j})" for i, j in sorting_network(length))
    return _TEMPLATE.format(
        in_t=c_type(in_dtype), out_t=c_type(out_dtype), length=length, name=KERNEL_NAME,
        network=network, combine=_MEDIAN if median else _LERP,
    )


def run_quantiles(xp: Any, compile: Compiler, data: Any, mask: Any, qs: tuple[float, ...] | None,
                  out_dtype: np.dtype) -> tuple[Any, Any] | None:
    """Launch the kernel on arrays of namespace *xp*; ``None`` if it does not apply.

    *compile* turns ``(source, name)`` into a kernel callable as
    ``kernel(grid, block, args)`` (``cupy.RawKernel`` on a GPU; the tests pass
    a host compiler).
    """
    in_dtype, out_dtype = np.dtype(data.dtype), np.dtype(out_dtype)
    length = data.shape[0]
    if length > MAX_LENGTH or c_type(in_dtype) is None or c_type(out_dtype) is None:
        return None
    rest = tuple(data.shape[1:])
    pixels = int(np.prod(rest, dtype=np.int64))
    lo_table, hi_table, gamma_table = quantile_tables(length, qs, out_dtype)
    nq = lo_table.shape[0]
    out = xp.empty((nq, pixels), dtype=out_dtype)
    out_mask = xp.empty((pixels,), dtype=bool)
    if pixels:
        kernel = compile(quantile_source(length, in_dtype, out_dtype, qs is None), KERNEL_NAME)
        grid, block = launch_shape(pixels)
        kernel(grid, block, (
            xp.ascontiguousarray(data), xp.ascontiguousarray(mask),
            xp.asarray(lo_table), xp.asarray(hi_table), xp.asarray(gamma_table),
            np.int32(nq), np.int64(pixels),
            np.array(high_sentinel(in_dtype), dtype=in_dtype)[()], np.array(np.nan, dtype=out_dtype)[()],
            out, out_mask,
        ))
    return out.reshape((nq,) + rest), out_mask.reshape(rest)


def quantiles(backend: Any, data: Any, mask: Any, qs: tuple[float, ...] | None,
              out_dtype: np.dtype) -> tuple[Any, Any]:
    """Specialised CuPy quantiles; same contract as :func:`.median.quantiles_reference`."""
    result = run_quantiles(backend.xp, cupy_compile, data, mask, qs, out_dtype)
    if result is None:
        return quantiles_reference(backend, data, mask, qs, out_dtype)
    return result
