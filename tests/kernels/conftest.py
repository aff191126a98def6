"""Fixtures for the kernel tests: random stacks, and the CUDA kernels run on the host.

The CuPy kernels are CUDA C++ sources that use no CUDA headers and walk their
elements with a grid-stride loop. ``host_compile`` builds such a source with
the host C++ compiler, with the CUDA keywords defined away and a grid of a
single one-thread block, so one call of the function covers every element.
That checks the kernels' logic on machines without a GPU; ``nvcc_check``
additionally compiles them for a real GPU target where ``nvcc`` exists.
"""

from __future__ import annotations

import ctypes
import hashlib
import shutil
import subprocess

import numpy as np
import pytest

_PRELUDE = r"""
struct gc_dim3 { unsigned int x, y, z; };
static const gc_dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const gc_dim3 blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
#define __global__
#define __device__
#define __forceinline__ inline
"""


class _HostKernel:
    """A compiled kernel called like ``cupy.RawKernel``: ``kernel(grid, block, args)``."""

    def __init__(self, function):
        self._function = function

    def __call__(self, grid, block, args):
        converted = []
        for arg in args:
            if isinstance(arg, np.ndarray):
                assert arg.flags.c_contiguous, "kernels need C-contiguous arrays"
                converted.append(ctypes.c_void_p(arg.ctypes.data))
            elif isinstance(arg, np.generic):
                converted.append(np.ctypeslib.as_ctypes_type(arg.dtype)(arg.item()))
            else:
                raise TypeError(f"pass kernel scalars as NumPy scalars of an exact type, got {type(arg).__name__}")
        self._function.restype = None
        self._function(*converted)


@pytest.fixture(scope="session")
def host_compile(tmp_path_factory):
    """``compile(source, name)`` building CUDA kernel sources with the host C++ compiler."""
    compiler = shutil.which("g++") or shutil.which("c++")
    if compiler is None:
        pytest.skip("no host C++ compiler to run the CUDA kernel sources on the CPU")
    folder = tmp_path_factory.mktemp("host_cuda")
    cache = {}

    def compile(source, name):
        key = hashlib.sha1(source.encode()).hexdigest()[:16]
        if key not in cache:
            src = folder / f"{key}.cpp"
            lib = folder / f"{key}.so"
            src.write_text(_PRELUDE + source)
            subprocess.run(
                [compiler, "-O1", "-shared", "-fPIC", "-Wno-unknown-pragmas", "-o", str(lib), str(src)],
                check=True, capture_output=True, text=True,
            )
            cache[key] = ctypes.CDLL(str(lib))
        return _HostKernel(getattr(cache[key], name))

    return compile


@pytest.fixture(scope="session")
def nvcc_check(tmp_path_factory):
    """``check(source)``: compile a CUDA source to PTX with nvcc (skips where nvcc is missing)."""
    nvcc = shutil.which("nvcc")
    if nvcc is None:
        pytest.skip("nvcc is not installed")
    folder = tmp_path_factory.mktemp("nvcc")

    def check(source):
        key = hashlib.sha1(source.encode()).hexdigest()[:16]
        src = folder / f"{key}.cu"
        src.write_text(source)
        result = subprocess.run([nvcc, "--ptx", "-o", str(folder / f"{key}.ptx"), str(src)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    return check


def _random_stack(rng, shape, dtype, *, fraction=0.3, all_masked=True, nan=False):
    from gpucompute.testing.oracle import random_array, random_mask

    data = random_array(rng, shape, dtype)
    mask = random_mask(rng, shape, fraction, all_masked_axis=0 if all_masked else None)
    if nan and np.dtype(dtype).kind == "f":
        flat = data.reshape(shape[0], -1)
        flat[rng.integers(0, shape[0], 3), rng.integers(0, flat.shape[1], 3)] = np.nan
    return np.ma.MaskedArray(data, mask=mask)


@pytest.fixture
def make_stack(rng):
    """``make_stack(shape, dtype, fraction=0.3, all_masked=True, nan=False)`` -> ``numpy.ma`` stack.

    Random values and mask (time on axis 0); by default the first pixel is
    masked in every image; ``nan=True`` puts a few NaNs in float data.
    """

    def make(shape, dtype, **options):
        return _random_stack(rng, shape, dtype, **options)

    return make


@pytest.fixture
def has_specialisation(backend):
    """``check(kernel)``: skip the test where *kernel*'s specialised entry on this backend is the reference itself
    (comparing a function with itself could not fail)."""
    from gpucompute.kernels import _registry

    def check(kernel):
        fast = _registry.resolve(kernel, backend.name, "specialized", kernel)
        if fast is _registry.load(_registry.REFERENCE[kernel]):
            pytest.skip(f"the {backend.name} backend's specialised {kernel!r} kernel is the reference itself")

    return check
