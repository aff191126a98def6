"""mosaic: every implementation vs a NumPy loop over the images, and vs each other."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.kernels as gk
from gpucompute.array import MaskedArray
from gpucompute.errors import ArrayShapeError, ConfigError
from gpucompute.kernels import _cupy_composite
from gpucompute.kernels.mosaic import mosaic_reference
from gpucompute.testing.oracle import assert_masked_matches

IMPLS = ["reference", "specialized"]


def _oracle(stack, reverse):
    """Paint the images bottom to top; the last one painted where valid wins."""
    data, mask = np.ma.getdata(stack), np.ma.getmaskarray(stack)
    order = range(len(data) - 1, -1, -1) if reverse else range(len(data))
    values = np.zeros(data.shape[1:], dtype=data.dtype)
    out_mask = np.ones(data.shape[1:], dtype=bool)
    for t in order:
        valid = ~mask[t]
        values[valid] = data[t][valid]
        out_mask &= mask[t]
    return np.ma.MaskedArray(values, mask=out_mask)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("length, dtype", [(1, np.float32), (5, np.uint16), (13, np.int16), (7, np.uint8),
                                           (6, np.float64)])
def test_mosaic_matches_loop(backend, make_stack, impl, reverse, length, dtype):
    stack = make_stack((length, 2, 8, 9), dtype, fraction=0.6)
    result = gk.mosaic(MaskedArray(stack, backend=backend), reverse=reverse, impl=impl)
    assert result.backend is backend
    assert result.shape == stack.shape[1:]
    assert result.dtype == backend.canonical_dtype(stack.dtype)
    assert_masked_matches(result, _oracle(stack, reverse), backend)


def test_last_image_on_top_by_default(backend):
    data = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]], dtype=np.float32)
    mask = np.array([[False, False, True], [False, True, True]])
    stack = MaskedArray(data, mask=mask, backend=backend)
    for impl in IMPLS:
        top_last = gk.mosaic(stack, impl=impl).to_numpy()
        top_first = gk.mosaic(stack, reverse=True, impl=impl).to_numpy()
        assert top_last[0] == 10.0 and top_last[1] == 2.0 and top_last.mask[2]
        assert top_first[0] == 1.0 and top_first[1] == 2.0 and top_first.mask[2]


@pytest.mark.parametrize("reverse", [False, True])
def test_specialised_equals_reference_bit_for_bit(backend, make_stack, has_specialisation, reverse):
    has_specialisation("mosaic")
    stack = MaskedArray(make_stack((9, 3, 5, 4), np.float32, fraction=0.7, nan=True), backend=backend)
    fast = gk.mosaic(stack, reverse=reverse, impl="specialized")
    ref = gk.mosaic(stack, reverse=reverse, impl="reference")
    # the data under the mask agrees as well (the top image's), so compare everything
    np.testing.assert_array_equal(backend.to_numpy(fast.mask), backend.to_numpy(ref.mask))
    np.testing.assert_array_equal(backend.to_numpy(fast.data), backend.to_numpy(ref.data))


@pytest.mark.parametrize("impl", IMPLS)
def test_other_dtypes_and_shapes(backend, rng, impl):
    for dtype in (np.bool_, np.int32, np.float16):
        data = (rng.standard_normal((4, 3, 5)) * 10).astype(dtype)
        stack = np.ma.MaskedArray(data, mask=rng.random(data.shape) < 0.5)
        result = gk.mosaic(MaskedArray(stack, backend=backend), impl=impl)
        assert_masked_matches(result, _oracle(stack, False), backend)
    series = np.ma.MaskedArray(np.arange(4.0), mask=[False, False, True, True])
    assert gk.mosaic(MaskedArray(series, backend=backend), impl=impl).item() == 1.0


def test_jax_compiles_once(make_stack):
    from gpucompute.config import using_backend

    with using_backend("jax") as backend:
        from gpucompute.kernels import _jax_median

        stack = MaskedArray(make_stack((5, 2, 8, 9), np.float32), backend=backend)
        gk.mosaic(stack)
        before = _jax_median.TRACES["mosaic"]
        for _ in range(3):
            gk.mosaic(MaskedArray(make_stack((5, 2, 8, 9), np.float32), backend=backend))
        assert _jax_median.TRACES["mosaic"] == before


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.int16, np.float64, np.bool_, np.complex64])
def test_cuda_kernel_on_host_equals_reference(make_stack, host_compile, rng, reverse, dtype):
    from gpucompute import backends

    if dtype in (np.bool_, np.complex64):
        data = (rng.standard_normal((6, 2, 8, 9)) * 3).astype(dtype)
        stack = np.ma.MaskedArray(data, mask=rng.random(data.shape) < 0.6)
    else:
        stack = make_stack((6, 2, 8, 9), dtype, fraction=0.6)
    data, mask = np.ma.getdata(stack), np.ma.getmaskarray(stack)
    values, out_mask = _cupy_composite.run_mosaic(np, host_compile, data, mask, reverse)
    ref_values, ref_mask = mosaic_reference(backends.get("numpy"), data, mask, reverse)
    np.testing.assert_array_equal(out_mask, ref_mask)
    np.testing.assert_array_equal(values, ref_values)


def test_cuda_sources_compile_with_nvcc(nvcc_check):
    nvcc_check(_cupy_composite.mosaic_source(np.dtype(np.uint32)))


def test_cuda_kernel_declines_sixteen_byte_values():
    data = np.zeros((2, 3), dtype=np.complex128)
    assert _cupy_composite.run_mosaic(np, None, data, data == 0, False) is None


def test_bad_inputs(backend):
    with pytest.raises(ArrayShapeError, match="mosaic"):
        gk.mosaic(MaskedArray(np.float32(1.0), backend=backend))
    with pytest.raises(ArrayShapeError, match="no images"):
        gk.mosaic(MaskedArray(np.ones((0, 3)), backend=backend))
    with pytest.raises(ConfigError, match="impl"):
        gk.mosaic(MaskedArray(np.ones((2, 3)), backend=backend), impl="gpu")
