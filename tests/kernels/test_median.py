"""masked_median / masked_percentile: reference vs numpy.ma, every specialisation vs the reference.

Stacks are small, shaped (T, 2, 8, 9); the JAX network kernel compiles once
per (shape, dtype, q), so the cases below reuse a few shapes.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.kernels as gk
from gpucompute.array import MaskedArray
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, ArrayValueError, ConfigError, DataDependentShapeError
from gpucompute.kernels import _common, _cupy_median, _registry
from gpucompute.testing.oracle import assert_masked_matches, tolerance

QS = [0, 10, 50, 90, 100]
DTYPES = [np.float32, np.float64, np.int16, np.uint16, np.uint8]


def _shape(length):
    return (length, 2, 8, 9)


def _percentile_oracle(stack, qs):
    """np.percentile of each pixel's compressed values; masked where a pixel has none."""
    rest = stack.shape[1:]
    qs = np.atleast_1d(qs)
    out = np.ma.masked_all((len(qs),) + rest, dtype=np.float64)
    for index in np.ndindex(*rest):
        values = stack[(slice(None),) + index].compressed()
        if values.size:
            out[(slice(None),) + index] = np.percentile(values.astype(np.float64), qs)
    return out


def _result_dtype(stack, backend):
    return backend.canonical_dtype(_common.quantile_dtype(stack.dtype, backend))


def _scale(stack):
    """Largest valid magnitude: float32 interpolation is exact to about an ulp of it."""
    valid = np.abs(stack.compressed().astype(np.float64))
    valid = valid[np.isfinite(valid)]
    return float(valid.max()) if valid.size else 1.0


def _assert_close(actual, expected, backend, dtype, scale):
    tol = tolerance(dtype, backend)
    assert_masked_matches(actual, expected, backend, check_dtype=False, rtol=tol["rtol"], atol=tol["rtol"] * scale)


@pytest.mark.parametrize("impl", ["reference", "specialized"])
@pytest.mark.parametrize("length, dtype", [(1, np.float32), (5, np.uint16), (13, np.float32), (13, np.int16),
                                           (13, np.float64), (32, np.uint8)])
def test_median_matches_numpy_ma(backend, make_stack, impl, length, dtype):
    stack = make_stack(_shape(length), dtype)
    result = gk.masked_median(MaskedArray(stack, backend=backend), impl=impl)
    assert result.backend is backend
    assert result.dtype == _result_dtype(stack, backend)
    assert result.shape == stack.shape[1:]
    expected = np.ma.median(stack, axis=0)
    _assert_close(result, expected, backend, result.dtype, 1.0)


@pytest.mark.parametrize("impl", ["reference", "specialized"])
@pytest.mark.parametrize("length, dtype, q", [(5, np.float32, QS), (13, np.uint8, QS), (13, np.float32, 10),
                                              (1, np.int16, [50, 100])])
def test_percentile_matches_numpy(backend, make_stack, impl, length, dtype, q):
    stack = make_stack(_shape(length), dtype)
    result = gk.masked_percentile(MaskedArray(stack, backend=backend), q, impl=impl)
    expected = _percentile_oracle(stack, q)
    if np.ndim(q) == 0:
        expected = expected[0]
    assert result.shape == expected.shape
    assert result.dtype == _result_dtype(stack, backend)
    _assert_close(result, expected, backend, result.dtype, _scale(stack))


@pytest.mark.parametrize("dtype", DTYPES)
def test_reference_dtypes_against_numpy_ma(backend, make_stack, dtype):
    stack = make_stack(_shape(7), dtype)
    result = gk.masked_median(MaskedArray(stack, backend=backend), impl="reference")
    assert result.dtype == _result_dtype(stack, backend)
    _assert_close(result, np.ma.median(stack, axis=0), backend, result.dtype, 1.0)


@pytest.mark.parametrize("impl", ["reference", "specialized"])
def test_unmasked_nan_gives_nan_and_masked_nan_is_ignored(backend, make_stack, impl):
    stack = make_stack(_shape(13), np.float32, nan=True)
    stack.data[2, 0, 4, 4] = np.nan
    stack.mask[2, 0, 4, 4] = False  # a valid NaN: NaN result
    stack.data[4, 1, 3, 3] = np.nan
    stack.mask[4, 1, 3, 3] = True  # a masked NaN must not matter
    stack.data[:, 1, 7, 8] = np.nan
    stack.mask[:, 1, 7, 8] = True  # a pixel of masked NaNs only: masked
    gstack = MaskedArray(stack, backend=backend)
    median = gk.masked_median(gstack, impl=impl)
    _assert_close(median, np.ma.median(stack, axis=0), backend, np.float32, 1.0)
    assert np.isnan(median.to_numpy()[0, 4, 4]) and not np.isnan(median.to_numpy()[1, 3, 3])
    pct = gk.masked_percentile(gstack, QS, impl=impl)
    _assert_close(pct, _percentile_oracle(stack, QS), backend, np.float32, _scale(stack))


@pytest.mark.parametrize("impl", ["reference", "specialized"])
def test_all_masked_and_single_valid(backend, make_stack, impl):
    stack = make_stack(_shape(5), np.float32)
    stack.mask[:] = True
    stack.mask[2, 0, 1, 1] = False  # one valid value in one pixel
    result = gk.masked_median(MaskedArray(stack, backend=backend), impl=impl).to_numpy()
    assert result.mask.sum() == result.size - 1
    assert result[0, 1, 1] == stack.data[2, 0, 1, 1]
    pct = gk.masked_percentile(MaskedArray(stack, backend=backend), QS, impl=impl).to_numpy()
    np.testing.assert_array_equal(pct[:, 0, 1, 1], np.repeat(stack.data[2, 0, 1, 1], len(QS)))


@pytest.mark.parametrize("impl", ["reference", "specialized"])
def test_any_shape_with_time_first(backend, rng, impl):
    stack = np.ma.MaskedArray(rng.standard_normal((6, 11)).astype(np.float32), mask=rng.random((6, 11)) < 0.4)
    result = gk.masked_median(MaskedArray(stack, backend=backend), impl=impl)
    _assert_close(result, np.ma.median(stack, axis=0), backend, np.float32, 1.0)
    series = gk.masked_percentile(MaskedArray(stack[:, 0], backend=backend), 30, impl=impl)
    assert series.shape == ()


def test_specialised_equals_reference_on_random_inputs(backend, make_stack, has_specialisation):
    has_specialisation("quantiles")
    stack = MaskedArray(make_stack(_shape(13), np.int16, fraction=0.5), backend=backend)
    pairs = [(gk.masked_median(stack, impl="specialized"), gk.masked_median(stack, impl="reference")),
             (gk.masked_percentile(stack, QS), gk.masked_percentile(stack, QS, impl="reference"))]
    for fast, ref in pairs:
        _assert_close(fast, ref.to_numpy(), backend, fast.dtype, 200.0)


def test_long_stacks_use_network_or_fallback(make_stack):
    from gpucompute.config import using_backend

    with using_backend("jax") as backend:
        for length in (40, 130):  # 130 > MAX_NETWORK_LENGTH: the jitted sort-based reference
            stack = make_stack((length, 1, 4, 5), np.float32)
            result = gk.masked_median(MaskedArray(stack, backend=backend), impl="specialized")
            _assert_close(result, np.ma.median(stack, axis=0), backend, np.float32, 1.0)


def test_jax_compiles_once_per_shape_and_q(make_stack):
    from gpucompute.config import using_backend

    with using_backend("jax") as backend:
        from gpucompute.kernels import _jax_median

        stack = MaskedArray(make_stack(_shape(5), np.float32), backend=backend)
        gk.masked_percentile(stack, [10, 90], impl="specialized")
        before = _jax_median.TRACES["quantiles"]
        for _ in range(3):
            gk.masked_percentile(stack, [10, 90], impl="specialized")
            gk.masked_percentile(MaskedArray(make_stack(_shape(5), np.float32), backend=backend), [10, 90])
        assert _jax_median.TRACES["quantiles"] == before
        gk.masked_percentile(stack, [10, 80], impl="specialized")  # a new q compiles again
        assert _jax_median.TRACES["quantiles"] == before + 1


def test_works_inside_jax_jit(make_stack):
    from gpucompute.config import using_backend

    with using_backend("jax") as backend:
        import jax

        stack = make_stack(_shape(5), np.uint16)
        jitted = jax.jit(lambda s: gk.masked_median(s))
        result = jitted(MaskedArray(stack, backend=backend))
        _assert_close(result, np.ma.median(stack, axis=0), backend, np.float32, 1.0)
        with pytest.raises(DataDependentShapeError):
            jax.jit(lambda s, q: gk.masked_percentile(s, q))(MaskedArray(stack, backend=backend), 50.0)


@pytest.mark.parametrize("length, dtype, q", [(1, np.float32, None), (5, np.uint8, QS), (13, np.float32, None),
                                              (13, np.int16, QS), (33, np.float64, [25]), (13, np.float32, QS)])
def test_cuda_kernel_on_host_equals_reference(make_stack, host_compile, length, dtype, q):
    from gpucompute import backends

    stack = make_stack(_shape(length), dtype, nan=True)
    qs = None if q is None else tuple(v / 100 for v in q)
    out_dtype = _common.quantile_dtype(stack.dtype, backends.get("numpy"))
    data, mask = np.ma.getdata(stack), np.ma.getmaskarray(stack)
    values, empty = _cupy_median.run_quantiles(np, host_compile, data, mask, qs, out_dtype)
    ref_values, ref_empty = gk.median.quantiles_reference(backends.get("numpy"), data, mask, qs, out_dtype)
    assert values.dtype == ref_values.dtype
    np.testing.assert_array_equal(empty, ref_empty)
    np.testing.assert_array_equal(values, ref_values)  # same positions, same formula: bit for bit


def test_cuda_kernel_declines_what_it_cannot_do():
    data = np.zeros((3, 4), dtype=np.float16)
    assert _cupy_median.run_quantiles(np, None, data, data == 0, None, np.float16) is None
    long = np.zeros((_cupy_median.MAX_LENGTH + 1, 2), dtype=np.float32)
    assert _cupy_median.run_quantiles(np, None, long, long == 0, None, np.float32) is None


@pytest.mark.parametrize("dtype", [np.float32, np.uint16])
def test_cuda_sources_compile_with_nvcc(nvcc_check, dtype):
    out = np.float32 if dtype == np.float32 else np.float64
    nvcc_check(_cupy_median.quantile_source(13, np.dtype(dtype), np.dtype(out), False))


@pytest.mark.parametrize("q", [-1, 100.5, np.nan, [[10, 20]], [], "abc"])
def test_bad_q(backend, make_stack, q):
    stack = MaskedArray(make_stack(_shape(3), np.float32), backend=backend)
    with pytest.raises(ArrayValueError, match="masked_percentile"):
        gk.masked_percentile(stack, q)


def test_bad_inputs(backend):
    with pytest.raises(ArrayDTypeError, match="masked_median"):
        gk.masked_median(MaskedArray(np.ones((3, 2), dtype=bool), backend=backend))
    with pytest.raises(ArrayShapeError, match="masked_median"):
        gk.masked_median(MaskedArray(np.float32(1.0), backend=backend))
    with pytest.raises(ArrayShapeError, match="no images"):
        gk.masked_median(MaskedArray(np.ones((0, 2), dtype=np.float32), backend=backend))
    with pytest.raises(ConfigError, match="impl"):
        gk.masked_median(MaskedArray(np.ones((3, 2), dtype=np.float32), backend=backend), impl="fast")


def test_plain_and_numpy_ma_inputs_are_accepted(backend, make_stack):
    stack = make_stack(_shape(4), np.float32)
    result = gk.masked_median(stack)
    assert result.backend is backend
    _assert_close(result, np.ma.median(stack, axis=0), backend, np.float32, 1.0)
    plain = gk.masked_median(np.ma.getdata(stack))
    assert not plain.to_numpy().mask.any()


def test_registry_names_and_missing_specialisation():
    for (kernel, _), path in _registry.SPECIALIZED.items():
        assert kernel in _registry.REFERENCE and ":" in path
    with pytest.raises(ConfigError, match="no specialised"):
        _registry.resolve("quantiles", "elsewhere", "specialized", "masked_median")
    assert _registry.resolve("quantiles", "elsewhere", "auto", "masked_median") is gk.median.quantiles_reference


@pytest.mark.parametrize("q", [None, [0, 35, 100]])
def test_jax_chunks_with_a_remainder(make_stack, monkeypatch, q):
    from gpucompute.config import using_backend

    with using_backend("jax") as backend:
        from gpucompute.kernels import _jax_median

        monkeypatch.setattr(_jax_median, "_CHUNK_BYTES", 1)  # 256-pixel chunks: 2 full ones and a tail of 113
        assert _jax_median.chunk_pixels(3, 625, 4) == 256
        stack = make_stack((3, 1, 25, 25), np.int16)
        gstack = MaskedArray(stack, backend=backend)
        if q is None:
            result, expected = gk.masked_median(gstack, impl="specialized"), np.ma.median(stack, axis=0)
        else:
            result, expected = gk.masked_percentile(gstack, q, impl="specialized"), _percentile_oracle(stack, q)
        _assert_close(result, expected, backend, np.float32, _scale(stack))


def test_numpy_use_imports_no_gpu_library():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "import gpucompute.kernels as gk\n"
        "from gpucompute.kernels import _cupy_median, _cupy_composite\n"
        "from gpucompute.array import MaskedArray\n"
        "s = MaskedArray(np.ones((3, 2, 4), np.float32), backend='numpy')\n"
        "gk.masked_median(s); gk.masked_percentile(s, 5); gk.mosaic(s); gk.sortby_composite(s, 1)\n"
        "print(sorted(m for m in ('jax', 'jaxlib', 'cupy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
