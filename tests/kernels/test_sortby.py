"""sortby_composite: every implementation vs NumPy (np.ma.argmax/argmin + take_along_axis)."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.kernels as gk
from gpucompute.array import MaskedArray
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, ArrayValueError, AxisError, ConfigError
from gpucompute.kernels import _cupy_composite
from gpucompute.kernels.sortby import sortby_reference
from gpucompute.testing.oracle import assert_masked_matches

IMPLS = ["reference", "specialized"]


def _oracle(stack, band, operation):
    """np.ma.argmax/argmin of the key band over time, then every band of that image.

    The key is compared in float64 with masked entries filled by -inf/+inf, so a
    fill never ties with a valid key (np.ma's default integer fill can).
    """
    data, mask = np.ma.getdata(stack), np.ma.getmaskarray(stack)
    key = np.ma.MaskedArray(data[:, band].astype(np.float64), mask=mask[:, band])
    if operation == "argmax":
        chosen = np.ma.argmax(key, axis=0, fill_value=-np.inf)
    else:
        chosen = np.ma.argmin(key, axis=0, fill_value=np.inf)
    index = np.broadcast_to(chosen[None, None], (1,) + data.shape[1:])
    values = np.take_along_axis(data, index, axis=0)[0]
    out_mask = np.take_along_axis(mask, index, axis=0)[0] | mask[:, band].all(axis=0)[None]
    return np.ma.MaskedArray(values, mask=out_mask)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("operation", ["argmax", "argmin"])
@pytest.mark.parametrize("length, dtype, band", [(1, np.float32, 0), (5, np.uint16, 1), (13, np.int16, -1),
                                                 (7, np.uint8, 2)])
def test_sortby_matches_numpy(backend, make_stack, impl, operation, length, dtype, band):
    stack = make_stack((length, 3, 8, 9), dtype, fraction=0.4)
    result = gk.sortby_composite(MaskedArray(stack, backend=backend), band, operation, impl=impl)
    assert result.backend is backend
    assert result.shape == stack.shape[1:]
    assert result.dtype == backend.canonical_dtype(stack.dtype)
    assert_masked_matches(result, _oracle(stack, band, operation), backend)


@pytest.mark.parametrize("impl", IMPLS)
def test_ties_take_the_first_image_and_masks_follow(backend, impl):
    key = np.array([[5.0, 1.0, 2.0], [5.0, 7.0, 2.0], [3.0, 7.0, 9.0]], dtype=np.float32)  # (T=3, pixels=3)
    other = np.arange(9, dtype=np.float32).reshape(3, 3) + 100
    data = np.stack([key, other], axis=1)  # (T, B=2, 3)
    mask = np.zeros(data.shape, dtype=bool)
    mask[2, 0, 2] = True  # the 9.0 key is masked: pixel 2 ties at 2.0 between t=0 and t=1
    mask[1, 1, 1] = True  # the winning image of pixel 1 has its other band masked
    stack = MaskedArray(data, mask=mask, backend=backend)
    best = gk.sortby_composite(stack, 0, impl=impl).to_numpy()
    np.testing.assert_array_equal(best.data[1], [100.0, 104.0, 102.0])  # images 0, 1, 0
    np.testing.assert_array_equal(best.mask[1], [False, True, False])
    worst = gk.sortby_composite(stack, 0, "argmin", impl=impl).to_numpy()
    np.testing.assert_array_equal(worst.data[1], [106.0, 101.0, 102.0])  # images 2, 0, 0


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("operation", ["argmax", "argmin"])
def test_nan_key_and_all_masked_key(backend, make_stack, impl, operation):
    stack = make_stack((9, 2, 8, 9), np.float32, fraction=0.4)
    stack.data[3, 1, 2, 2] = np.nan
    stack.mask[3, 1, 2, 2] = False  # a valid NaN key wins, like numpy.argmax
    stack.data[1, 1, 4, 4] = np.nan
    stack.mask[1, 1, 4, 4] = True  # a masked NaN key is ignored
    stack.mask[:, 1, 5, 5] = True  # key masked everywhere: every band masked
    result = gk.sortby_composite(MaskedArray(stack, backend=backend), 1, operation, impl=impl)
    assert_masked_matches(result, _oracle(stack, 1, operation), backend)
    host = result.to_numpy()
    assert host.mask[:, 5, 5].all()
    assert np.isnan(host.data[1, 2, 2])


@pytest.mark.parametrize("operation", ["argmax", "argmin"])
def test_specialised_equals_reference_bit_for_bit(backend, make_stack, has_specialisation, operation):
    has_specialisation("sortby")
    stack = MaskedArray(make_stack((11, 4, 6, 5), np.int16, fraction=0.6), backend=backend)
    fast = gk.sortby_composite(stack, 2, operation, impl="specialized")
    ref = gk.sortby_composite(stack, 2, operation, impl="reference")
    np.testing.assert_array_equal(backend.to_numpy(fast.mask), backend.to_numpy(ref.mask))
    np.testing.assert_array_equal(backend.to_numpy(fast.data), backend.to_numpy(ref.data))


def test_boolean_key_and_two_dimensional_stack(backend, rng):
    data = rng.random((6, 3)) < 0.5
    stack = np.ma.MaskedArray(data, mask=rng.random(data.shape) < 0.3)
    for impl in IMPLS:
        result = gk.sortby_composite(MaskedArray(stack, backend=backend), 0, impl=impl)
        assert_masked_matches(result, _oracle(stack, 0, "argmax"), backend)


def test_jax_compiles_once(make_stack):
    from gpucompute.config import using_backend

    with using_backend("jax") as backend:
        from gpucompute.kernels import _jax_median

        stack = MaskedArray(make_stack((5, 3, 8, 9), np.float32), backend=backend)
        gk.sortby_composite(stack, 1)
        before = _jax_median.TRACES["sortby"]
        for _ in range(3):
            gk.sortby_composite(MaskedArray(make_stack((5, 3, 8, 9), np.float32), backend=backend), 1)
        assert _jax_median.TRACES["sortby"] == before


@pytest.mark.parametrize("operation", ["argmax", "argmin"])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.int16, np.float64, np.bool_])
def test_cuda_kernel_on_host_equals_reference(make_stack, host_compile, rng, operation, dtype):
    from gpucompute import backends

    if dtype == np.bool_:
        stack = np.ma.MaskedArray(rng.random((6, 3, 8, 9)) < 0.5, mask=rng.random((6, 3, 8, 9)) < 0.4)
    else:
        stack = make_stack((6, 3, 8, 9), dtype, fraction=0.4, nan=True)
    data, mask = np.ma.getdata(stack), np.ma.getmaskarray(stack)
    largest = operation == "argmax"
    values, out_mask = _cupy_composite.run_sortby(np, host_compile, data, mask, 1, largest)
    ref_values, ref_mask = sortby_reference(backends.get("numpy"), data, mask, 1, largest)
    np.testing.assert_array_equal(out_mask, ref_mask)
    np.testing.assert_array_equal(values, ref_values)


def test_cuda_sources_compile_with_nvcc(nvcc_check):
    nvcc_check(_cupy_composite.sortby_source(np.dtype(np.float32)))


def test_cuda_kernel_declines_float16():
    data = np.zeros((2, 2, 3), dtype=np.float16)
    assert _cupy_composite.run_sortby(np, None, data, data == 0, 0, True) is None


def test_bad_arguments(backend, make_stack):
    stack = MaskedArray(make_stack((3, 2, 4, 4), np.float32), backend=backend)
    with pytest.raises(ArrayValueError, match="operation"):
        gk.sortby_composite(stack, 0, "max")
    with pytest.raises(AxisError, match="band 2 is out of range") as info:
        gk.sortby_composite(stack, 2)
    assert isinstance(info.value, IndexError)
    with pytest.raises(AxisError, match="integer"):
        gk.sortby_composite(stack, "red")
    with pytest.raises(ArrayShapeError, match="sortby_composite"):
        gk.sortby_composite(MaskedArray(np.ones(3), backend=backend), 0)
    with pytest.raises(ArrayDTypeError, match="key band"):
        gk.sortby_composite(MaskedArray(np.ones((3, 2), dtype=np.complex64), backend=backend), 0)
    with pytest.raises(ConfigError, match="impl"):
        gk.sortby_composite(stack, 0, impl="fastest")
