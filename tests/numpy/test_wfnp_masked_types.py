"""The table's declared result types agree with what the engine returns for masked inputs.

For every routine with a MaskedArray parameter, the calls of
``test_wfnp_values.CALLS`` are repeated with their first array argument
masked: a proxy typed MaskedArray must compute to a ``numpy.ma.MaskedArray``
and one typed Array to a plain ``numpy.ndarray`` (element by element for lists
and tuples).  Runs on the NumPy backend: this checks types, not values.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.config import using_backend
from gpucompute.errors import RoutineNotSupportedError
from gpucompute.numpy import _signatures
from gpucompute.numpy._spec import parse_overload
from gpucompute.types.array import Array
from gpucompute.types.masked_array import MaskedArray

sys.path.insert(0, str(Path(__file__).parent))
from test_wfnp_values import CALLS, MA_CALLS

#: Routines the engine does not run on masked arrays (it raises RoutineNotSupportedError).
ENGINE_UNMASKED = {"gradient"}


def _takes_masked(overloads: tuple[str, ...]) -> bool:
    return any("MA" in t for o in overloads for p in parse_overload(o).params for t in p.types)


def _mask_first_array(args: tuple, rng: np.random.Generator) -> tuple | None:
    out = list(args)
    for i, arg in enumerate(out):
        if isinstance(arg, np.ndarray) and arg.ndim > 0:
            out[i] = np.ma.MaskedArray(arg, mask=rng.random(arg.shape) < 0.3)
            return tuple(out)
        if isinstance(arg, list) and arg and isinstance(arg[0], np.ndarray):
            out[i] = [np.ma.MaskedArray(a, mask=rng.random(a.shape) < 0.3) for a in arg]
            return tuple(out)
    return None


def _check(proxy_type: type, value: Any, where: str) -> None:
    params = getattr(proxy_type, "_type_params", None)
    if params:
        assert isinstance(value, (list, tuple)), where
        element_types = params if len(params) == len(value) else params * len(value)
        for t, v in zip(element_types, value):
            _check(t, v, where)
    elif issubclass(proxy_type, MaskedArray):
        assert isinstance(value, np.ma.MaskedArray), f"{where}: typed MaskedArray, computed {type(value).__name__}"
    elif issubclass(proxy_type, Array):
        assert not isinstance(value, np.ma.MaskedArray), f"{where}: typed Array, computed a MaskedArray"


MASKED_ROUTINES = sorted(n for n, o in _signatures.ROUTINES.items() if _takes_masked(o) and n not in ENGINE_UNMASKED)


@pytest.mark.parametrize("name", MASKED_ROUTINES)
def test_declared_type_matches_the_engine(name, rng):
    with using_backend("numpy"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args, kwargs in CALLS[name](rng):
            masked_args = _mask_first_array(args, rng)
            if masked_args is None:
                continue
            proxy = getattr(wnp, name)(*masked_args, **kwargs)
            _check(type(proxy), proxy.compute(), name)


@pytest.mark.parametrize("name", sorted(_signatures.MA))
def test_ma_routines_declared_types(name, rng):
    with using_backend("numpy"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args, kwargs in MA_CALLS[name](rng):
            proxy = getattr(wnp.ma, name)(*args, **kwargs)
            _check(type(proxy), proxy.compute(), name)


def test_routines_the_engine_cannot_mask_say_so(rng):
    with using_backend("numpy"):
        proxy = wnp.gradient(np.ma.MaskedArray(np.arange(5.0), mask=[0, 1, 0, 0, 0]))
        with pytest.raises(RoutineNotSupportedError):
            proxy.compute()
