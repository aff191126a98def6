"""Reductions of gpucompute: NumPy's for plain arrays, numpy.ma's for MaskedArrays.

Every reduction is written once over the backend's array namespace on one
core (:mod:`gpucompute.array._reduction_core`): masked elements are replaced by
the operation's identity, the backend reduces, and the result mask marks slices
without a valid element. The families live in :mod:`._basic_reductions`,
:mod:`._moment_reductions`, :mod:`._quantiles` and :mod:`._nanreductions`; this
module is their public list.

Inputs and results
------------------
* Plain arrays (backend arrays, NumPy arrays, lists, scalars) give what NumPy
  gives, as backend arrays (0-d for ``axis=None``), dtypes canonicalised by the
  backend (JAX without x64: float64 -> float32, int64 -> int32).
* MaskedArrays (and ``numpy.ma.MaskedArray`` inputs) give numpy.ma's values,
  as a :class:`MaskedArray` (0-d for ``axis=None``, never ``numpy.ma.masked``).

All-masked policy
-----------------
A result element is **masked exactly when its reduced slice has no valid
element**, for every reduction that returns a MaskedArray: sum, prod, min, max,
ptp, all, any, mean, var, std, median, percentile, quantile, average, argmin,
argmax and the nan* variants. In addition:

* ``var``/``std`` are also masked where ``count - ddof <= 0``;
* ``average`` is also masked where the valid weights sum to zero;
* ``argmin``/``argmax`` return a MaskedArray of indices, masked (data 0) on
  all-masked slices, where numpy.ma returns a plain index 0;
* ``any``/``all`` of an all-masked slice are masked (as numpy.ma);
* ``count`` and ``count_nonzero`` return plain integer arrays (never masked):
  an all-masked slice counts 0;
* the nan* functions treat NaN as masked, so a slice of NaNs is masked;
* the data under a masked result is unspecified (identity fill values).

Differences from numpy.ma
-------------------------
* ``mean``/``var``/``std``/``average`` of float32 input are float32, as NumPy
  (numpy.ma gives float64 there, a side effect of dividing by an intp count).
* ``argmin``/``argmax`` never return a masked position while the slice has a
  valid element (numpy.ma can when a valid value equals its fill value).
* ``var``/``std`` over all axes are masked where ``count - ddof <= 0``, like
  numpy.ma's array results (its scalar result can be negative instead).
* ``min``/``max``/``ptp``/``argmin``/``argmax`` over an empty axis give an
  all-masked result (numpy.ma raises).
* ``percentile``/``quantile`` exist (numpy.ma has none): NumPy's ``linear``
  method applied to the valid values of each slice.

Performance
-----------
Each masked reduction runs as one compiled program per routine, shape and
options on backends that compile (JAX), and float reductions over leading
axes (the time/stack axis of rasters) are accumulated in a loop there, see
:mod:`._reduction_loops`.
"""

from __future__ import annotations

from ._basic_reductions import all, any, argmax, argmin, count, count_nonzero, max, min, prod, ptp, sum
from ._moment_reductions import average, mean, std, var
from ._nanreductions import (
    nanargmax,
    nanargmin,
    nanmax,
    nanmean,
    nanmin,
    nanprod,
    nanstd,
    nansum,
    nanvar,
)
from ._quantiles import median, percentile, quantile

__all__ = [
    "all", "any", "argmax", "argmin", "max", "min", "mean", "median", "prod", "ptp", "std", "sum",
    "var", "percentile", "quantile", "count", "count_nonzero", "average", "nanargmax", "nanargmin",
    "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar",
]

for _name in __all__:
    globals()[_name].__module__ = "gpucompute.array"
del _name
