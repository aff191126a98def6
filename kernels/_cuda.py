"""Shared pieces of the CUDA kernels: C type names, launch shape and the compile hook.

The kernels are plain CUDA C++ strings compiled at run time by
``cupy.RawKernel`` (NVRTC). They use no CUDA headers or intrinsics and walk
their elements with a grid-stride loop, so the same source also compiles
with a host C++ compiler when a few keywords are defined away; the test
suite uses that to run them on machines without a GPU.

Nothing here imports CuPy at module level: :func:`cupy_compile` imports it
when a kernel is first compiled.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

__all__ = ["C_TYPES", "c_type", "bits_dtype", "launch_shape", "cupy_compile", "Compiler", "BLOCK"]

#: NumPy dtype -> C type name understood by NVRTC without headers.
C_TYPES: dict[np.dtype, str] = {
    np.dtype(np.bool_): "bool",
    np.dtype(np.int8): "signed char",
    np.dtype(np.uint8): "unsigned char",
    np.dtype(np.int16): "short",
    np.dtype(np.uint16): "unsigned short",
    np.dtype(np.int32): "int",
    np.dtype(np.uint32): "unsigned int",
    np.dtype(np.int64): "long long",
    np.dtype(np.uint64): "unsigned long long",
    np.dtype(np.float32): "float",
    np.dtype(np.float64): "double",
}

#: Unsigned type of each item size, for kernels that only move values around.
_BY_SIZE = {1: np.dtype(np.uint8), 2: np.dtype(np.uint16), 4: np.dtype(np.uint32), 8: np.dtype(np.uint64)}

#: Threads per block.
BLOCK = 256

#: ``compile(source, name)`` -> a kernel callable as ``kernel(grid, block, args)``.
Compiler = Callable[[str, str], Callable[..., Any]]


def c_type(dtype: Any) -> str | None:
    """The C type for *dtype*, or ``None`` when the CUDA kernels do not handle it (float16, complex)."""
    return C_TYPES.get(np.dtype(dtype))


def bits_dtype(dtype: Any) -> np.dtype | None:
    """An unsigned integer dtype of the same size, to move *dtype* values as raw bits."""
    return _BY_SIZE.get(np.dtype(dtype).itemsize)


def launch_shape(elements: int) -> tuple[tuple[int], tuple[int]]:
    """``(grid, block)`` for a grid-stride loop over *elements* items."""
    blocks = max(1, min((elements + BLOCK - 1) // BLOCK, 65535))
    return (blocks,), (BLOCK,)


@functools.lru_cache(maxsize=128)
def cupy_compile(source: str, name: str) -> Callable[..., Any]:
    """Compile *source* with ``cupy.RawKernel`` and return kernel *name* (cached)."""
    import cupy

    return cupy.RawKernel(source, name)
