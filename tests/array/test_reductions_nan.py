"""The nan* reductions: NumPy's nan-functions for plain arrays, NaN-as-masked for MaskedArrays."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.testing import assert_array_matches, assert_masked_matches

from test_reductions import ONE_AXES, _tolerance, case_for, first_extreme, masked_host

NAN_NAMES = ("nansum", "nanprod", "nanmin", "nanmax", "nanmean", "nanvar", "nanstd")
ARG_NAMES = ("nanargmin", "nanargmax")


def with_nans(rng, dtype, *, small=False):
    """Masked random data; float data also gets NaNs, some under the mask, plus one all-NaN slice."""
    x = masked_host(rng, dtype, small=small)
    nan_at = rng.random(x.shape) < 0.15
    nan_at[1, 2, :] = True          # a slice of NaNs only (along axes 2 and (0, 2) partly)
    nan_at[:, 3, 1] = True          # and one along axis 0 and 1
    nan_at[2, :, 4] = True
    data = x.data.copy()
    if np.dtype(dtype).kind == "f":
        data[nan_at] = np.nan
    return np.ma.MaskedArray(data, x.mask)


def nan_masked(x):
    """numpy.ma's view of the nan* semantics: NaN joins the mask."""
    return np.ma.MaskedArray(x.data, np.ma.getmaskarray(x) | np.isnan(x.data))


#: NaN only exists in floats; one integer dtype checks that the nan* variants reduce them like the base
NAN_DTYPES = (np.float32, np.float64, np.uint16)


@pytest.mark.parametrize("dtype", NAN_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", NAN_NAMES)
def test_masked_nan_reductions(backend, rng, name, dtype):
    x = with_nans(rng, dtype, small=name == "nanprod")
    base = name[3:]
    axis, keep = case_for(name, dtype)
    expected = getattr(np.ma, base)(nan_masked(x), axis=axis, keepdims=keep)
    expected = np.ma.asarray(expected).astype(getattr(np, base)(np.ones(2, dtype)).dtype)
    actual = getattr(ga, name)(ga.MaskedArray(x, backend=backend), axis=axis, keepdims=keep)
    assert_masked_matches(actual, expected, backend, **_tolerance(dtype))


@pytest.mark.parametrize("dtype", NAN_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ARG_NAMES)
def test_masked_nanargmin_nanargmax(backend, rng, name, dtype):
    x = with_nans(rng, dtype)
    axis, keep = case_for(name, dtype, ONE_AXES)
    actual = getattr(ga, name)(ga.MaskedArray(x, backend=backend), axis=axis, keepdims=keep)
    assert_masked_matches(actual, first_extreme(nan_masked(x), axis, keep, name[3:]), backend)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", NAN_NAMES + ARG_NAMES)
def test_plain_nan_reductions_match_numpy(backend, rng, name, dtype):
    data = masked_host(rng, dtype, small=name == "nanprod").data
    nan_at = rng.random(data.shape) < 0.15
    nan_at[0] = False  # no all-NaN slice (np.nanargmin raises there, JAX returns -1)
    data[nan_at] = np.nan
    axes = ONE_AXES if name in ARG_NAMES else (0, (0, 2), -1)
    axis, keep = case_for(name, dtype, axes)
    axis = 1 if axis is None and name in ARG_NAMES else axis
    expected = getattr(np, name)(data, axis=axis, keepdims=keep)
    actual = getattr(ga, name)(backend.asarray(data), axis=axis, keepdims=keep)
    assert_array_matches(actual, expected, backend, **_tolerance(dtype))


def test_all_nan_slice_is_masked(backend):
    data = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    m = ga.masked_array(data, [[False, False], [False, True]], backend=backend)
    for name in NAN_NAMES + ARG_NAMES:
        result = getattr(ga, name)(m, axis=0)
        np.testing.assert_array_equal(backend.to_numpy(result.mask), [True, False], err_msg=name)
