"""The array engine: MaskedArray and the NumPy routines, written once over a backend namespace.

Every routine accepts backend arrays (NumPy, JAX, CuPy), host values and
:class:`MaskedArray` and computes on the backend chosen by the rules of
:mod:`gpucompute.array._dispatch`. Plain arrays give what NumPy gives (up to
the backend's dtypes); MaskedArrays give what ``numpy.ma`` gives.

The public names are exactly the tables in :mod:`gpucompute.array._names`
plus the masked-array helpers; a test keeps them equal.
"""

from __future__ import annotations

from typing import Any, Callable

from . import _creation, _elementwise, _manipulation, _products, _reductions, _statistics
from . import linalg, ma
from ._methods import attach_methods
from ._masked_array import MaskedArray, asarray, default_fill_value, getdata, getmaskarray, masked_array
from ._ufuncs import UFUNCS, Ufunc

_FAMILIES = (_reductions, _statistics, _creation, _manipulation, _elementwise, _products)

#: Names this module adds beyond NumPy's routine list.
HELPER_NAMES: tuple[str, ...] = (
    "MaskedArray", "Ufunc", "asarray", "masked_array", "default_fill_value", "getdata",
    "getmaskarray", "linalg", "ma", "numpy_function_for",
)

_ROUTINES: dict[str, Callable[..., Any]] = dict(UFUNCS)
for _family in _FAMILIES:
    for _name in _family.__all__:
        _ROUTINES[_name] = getattr(_family, _name)
globals().update(_ROUTINES)
attach_methods(_ROUTINES)


def numpy_function_for(func: Callable[..., Any]) -> Callable[..., Any] | None:
    """The gpucompute routine that implements NumPy function *func* (``None`` if there is none).

    Used by ``__array_function__`` so ``np.mean(masked_array)`` runs here.
    """
    name = getattr(func, "__name__", "")
    module = getattr(func, "__module__", "") or ""
    if "linalg" in module:
        return getattr(linalg, name, None) if name in linalg.__all__ else None
    return _ROUTINES.get(name)


__all__ = sorted(set(_ROUTINES) | set(HELPER_NAMES))
