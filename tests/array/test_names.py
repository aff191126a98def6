"""The public namespace equals the routine tables of the original wf.numpy API."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _names


def test_public_names_equal_the_tables():
    expected = set(_names.UFUNC_NAMES) | set(_names.ROUTINE_NAMES) | set(ga.HELPER_NAMES)
    extras = {"count", "quantile"}  # masked-array additions beyond wf.numpy's list
    assert set(ga.__all__) == expected | extras


def test_table_sizes_match_the_original_api():
    assert len(_names.UFUNC_NAMES) == 79
    assert len(_names.ROUTINE_NAMES) == 101
    assert len(_names.LINALG_NAMES) == 7
    assert len(_names.MA_NAMES) == 15  # 14 functions + masked_array


def test_linalg_and_ma_namespaces_equal_their_tables():
    assert set(ga.linalg.__all__) == set(_names.LINALG_NAMES)
    assert set(ga.ma.__all__) == set(_names.MA_NAMES)
    for name in _names.LINALG_NAMES:
        assert callable(getattr(ga.linalg, name))
    for name in _names.MA_NAMES:
        assert callable(getattr(ga.ma, name))


def test_every_public_routine_is_callable_and_documented():
    for name in set(_names.UFUNC_NAMES) | set(_names.ROUTINE_NAMES):
        routine = getattr(ga, name)
        assert callable(routine), name
        assert routine.__doc__ and routine.__doc__.strip(), f"{name} has no docstring"


def test_every_name_is_a_numpy_routine():
    for name in set(_names.UFUNC_NAMES) | set(_names.ROUTINE_NAMES):
        assert hasattr(np, name), name
    for name in _names.LINALG_NAMES:
        assert hasattr(np.linalg, name), name
    for name in _names.MA_NAMES:
        assert hasattr(np.ma, name), name


def test_numpy_functions_dispatch_to_gpucompute():
    x = ga.masked_array(np.array([[1.0, 2.0], [3.0, 4.0]]), mask=[[0, 1], [0, 0]], backend="numpy")
    assert ga.numpy_function_for(np.mean) is ga.mean
    assert ga.numpy_function_for(np.linalg.norm) is ga.linalg.norm
    assert ga.numpy_function_for(np.fft.fft) is None
    result = np.mean(x, axis=0)
    assert isinstance(result, ga.MaskedArray)
    np.testing.assert_allclose(result.to_numpy().filled(-1), [2.0, 4.0])


#: name -> a call whose output shape would depend on the traced values
_DATA_DEPENDENT_CALLS = {
    "nonzero": lambda x: ga.nonzero(x),
    "flatnonzero": lambda x: ga.flatnonzero(x),
    "argwhere": lambda x: ga.argwhere(x),
    "unique": lambda x: ga.unique(x),
    "compress": lambda x: ga.compress(x > 2, x),
    "bincount": lambda x: ga.bincount(x),
}


def test_data_dependent_routines_refuse_to_trace_and_run_eagerly():
    jax = pytest.importorskip("jax")
    from gpucompute.errors import DataDependentShapeError

    assert set(_DATA_DEPENDENT_CALLS) == set(_names.DATA_DEPENDENT_NAMES)
    x = ga.asarray(np.array([0, 3, 1, 3, 5], dtype=np.int32), backend="jax")
    for name, call in _DATA_DEPENDENT_CALLS.items():
        call(x)  # eagerly fine
        with pytest.raises(DataDependentShapeError, match=name):
            jax.jit(call)(x)
