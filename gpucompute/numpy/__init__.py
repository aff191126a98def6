"""``wf.numpy``: the NumPy routines as lazy functions on proxies.

Every name here is generated from one signature table
(:mod:`gpucompute.numpy._signatures`) or, for the 79 ufuncs, from the array
engine's ufunc table: calling one checks and promotes the arguments when the
graph is built and records ``["wf.numpy.<name>", ...]``.  ``linalg`` and
``ma`` hold the ``numpy.linalg`` and ``numpy.ma`` routines; ``array`` is
:class:`~gpucompute.types.array.Array`.

NumPy's own functions dispatch here too: ``np.square(wf_array)`` and
``np.mean(wf_array, axis=0)`` return proxies.

Examples
--------
>>> import numpy as np
>>> import gpucompute.numpy as wnp
>>> from gpucompute.types.array import Array
>>> wnp.square(Array.from_numpy(np.arange(4))).compute()
array([0, 1, 4, 9])
"""

from __future__ import annotations

from typing import Any

from gpucompute.numpy import linalg, ma
from gpucompute.numpy._functions import make_routine
from gpucompute.numpy._signatures import ROUTINES
from gpucompute.numpy._ufuncs import UFUNCS, ProxyUfunc
from gpucompute.types.array import Array

array = Array

_GENERATED: dict[str, Any] = {**UFUNCS, **{name: make_routine(name, "wf.numpy", ovl) for name, ovl in ROUTINES.items()}}
globals().update(_GENERATED)

#: Every public name: 79 ufuncs, 101 routines, ``array``, and the submodules.
__all__ = ["ProxyUfunc", "array", "linalg", "ma", *(str(name) for name in _GENERATED)]
