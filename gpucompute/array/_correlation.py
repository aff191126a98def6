"""Covariance and correlation: ``cov`` and ``corrcoef``.

Plain arrays give NumPy's results; MaskedArrays give ``numpy.ma.cov`` /
``numpy.ma.corrcoef`` (an observation that is masked in any variable is left
out of every pair it belongs to). ``fweights``/``aweights`` are refused for
masked input with :class:`RoutineNotSupportedError`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError, RoutineNotSupportedError

from ._dispatch import qualname, resolve_backend
from ._elementwise import (
    as_array, has_mask, invalid_value, reject_masked, run_compiled, shape_of, split_masked,
)
from ._masked_array import MaskedArray

__all__ = ["cov", "corrcoef"]


# -- covariance and correlation -------------------------------------------------------------
def _observation_check(routine: str, m: Any, y: Any, rowvar: bool) -> None:
    """NumPy's shape rules: at most 2-D, and *y* has as many observations as *m*."""
    shapes = [shape_of(v) for v in ((m,) if y is None else (m, y))]
    for shape in shapes:
        if len(shape) > 2:
            raise ArrayShapeError(f"{qualname(routine)}: inputs must be at most 2-D, got shape {shape}")
    two_d = [(1,) * (2 - len(s)) + tuple(s) for s in shapes]
    if len({s[1] if rowvar or s[0] == 1 else s[0] for s in two_d}) > 1:
        raise ArrayShapeError(f"{qualname(routine)}: m and y have different numbers of observations "
                              f"(shapes {shapes[0]} and {shapes[1]})")


def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False, ddof: int | None = None,
        fweights: Any = None, aweights: Any = None) -> Any:
    """Covariance matrix of the variables in *m* (and *y*); rows are variables when *rowvar*.

    With a MaskedArray this is ``numpy.ma.cov``: each entry uses the
    observations valid in both variables and is masked where fewer than
    ``ddof + 1`` remain. Results are float64 (float32 on JAX without x64).

    Raises
    ------
    ArrayShapeError
        If an input is more than 2-D or the observation counts differ.
    ArrayValueError
        If *ddof* is not an integer, or NumPy rejects the weights.
    RoutineNotSupportedError
        If *fweights*/*aweights* come with masked input or are masked.
    """
    backend = resolve_backend("cov", m, y, fweights, aweights)
    _observation_check("cov", m, y, rowvar)
    if ddof is not None and ddof != int(ddof):
        raise invalid_value("cov", f"ddof must be an integer, got {ddof!r}")
    if has_mask(m) or has_mask(y):
        if fweights is not None or aweights is not None:
            raise RoutineNotSupportedError("gpucompute.array.cov: fweights/aweights with masked input are not "
                                           "supported (numpy.ma.cov has none); fill the input first")
        return _masked_cov(backend, m, y, rowvar, (0 if bias else 1) if ddof is None else int(ddof), corr=False)
    reject_masked("cov", fweights, aweights)
    float64 = backend.canonical_dtype(np.float64)  # NumPy computes in float64 at least; one program for all dtypes
    args = [None if v is None else as_array(v, backend) for v in (m, y, fweights, aweights)]
    args[:2] = [v if v is None or np.dtype(v.dtype).kind in "fc" else v.astype(float64) for v in args[:2]]
    try:
        return run_compiled(backend, _plain_core, *args, name="cov", rowvar=bool(rowvar), bias=bool(bias),
                            ddof=None if ddof is None else int(ddof))
    except (ValueError, RuntimeError) as exc:
        raise invalid_value("cov", str(exc)) from None


def _plain_core(backend: Backend, *args: Any, name: str, **options: Any) -> Any:
    """``xp.cov`` / ``xp.corrcoef`` on plain arrays, compiled as one program."""
    if name == "cov":
        m, y, fweights, aweights = args
        return backend.xp.cov(m, y, fweights=fweights, aweights=aweights, **options)
    return backend.xp.corrcoef(*args, **options)


def _masked_cov(backend: Backend, m: Any, y: Any, rowvar: bool, ddof: int, corr: bool) -> MaskedArray:
    """numpy.ma.cov (or corrcoef, with *corr*) as one compiled program."""
    parts = []
    for value in (m, y):
        data, mask = (None, None) if value is None else split_masked(value, backend)
        parts += [None if data is None else data.astype(backend.canonical_dtype(np.float64)), mask]
    data, mask = run_compiled(backend, _masked_cov_core, *parts, rowvar=bool(rowvar), ddof=ddof, corr=corr)
    return MaskedArray._new(data, mask, backend)


def _masked_cov_core(backend: Backend, x: Any, xmask: Any, y: Any, ymask: Any, *, rowvar: bool, ddof: int,
                     corr: bool) -> tuple[Any, Any]:
    xp = backend.xp
    x, xmask = xp.atleast_2d(x), xp.atleast_2d(xmask)
    rowvar = True if x.shape[0] == 1 else rowvar  # numpy.ma's rule
    if y is not None:
        y, ymask = xp.atleast_2d(y), xp.atleast_2d(ymask)
        if y.shape == x.shape:
            xmask = ymask = xmask | ymask
        x, xmask = xp.concatenate([x, y], axis=1 - rowvar), xp.concatenate([xmask, ymask], axis=1 - rowvar)
    if not rowvar:
        x, xmask = x.T, xmask.T
    valid = xp.logical_not(xmask)
    mean = xp.sum(xp.where(valid, x, 0), axis=1, keepdims=True) / xp.maximum(xp.sum(valid, axis=1, keepdims=True), 1)
    centred, weights = xp.where(valid, x - mean, 0), valid.astype(x.dtype)
    fact = weights @ weights.T - ddof
    data = (centred @ xp.conj(centred).T) / xp.where(fact > 0, fact, 1)
    data, mask = xp.squeeze(data), xp.squeeze(fact <= 0)
    if not corr:
        return data, mask
    if data.ndim < 2:  # a single variable: numpy.ma.corrcoef returns ``masked``
        return data, xp.ones(data.shape, dtype=bool)
    variance, variance_mask = xp.diagonal(data), xp.diagonal(mask)
    std = xp.sqrt(xp.where(variance >= 0, variance, 0))
    std_mask = variance_mask | (variance < 0) | xp.logical_not(xp.isfinite(std))
    denominator = std[:, None] * std[None, :]
    undefined = xp.abs(denominator) <= xp.abs(data) * np.finfo(x.dtype).tiny  # numpy.ma's safe division
    mask = mask | std_mask[:, None] | std_mask[None, :] | undefined
    return data / xp.where(undefined, 1, denominator), mask


def corrcoef(x: Any, y: Any = None, rowvar: bool = True) -> Any:
    """Pearson correlation coefficients of the variables in *x* (and *y*).

    With a MaskedArray this is ``numpy.ma.corrcoef``: the pairwise ``cov``
    scaled by its diagonal, masked where a variance is masked or zero; a
    single masked variable gives a 0-d fully masked result (numpy.ma's ``masked``).

    Raises
    ------
    ArrayShapeError
        If an input is more than 2-D or the observation counts differ.
    """
    backend = resolve_backend("corrcoef", x, y)
    _observation_check("corrcoef", x, y, rowvar)
    if has_mask(x) or has_mask(y):
        return _masked_cov(backend, x, y, rowvar, 1, corr=True)
    float64 = backend.canonical_dtype(np.float64)
    args = [None if v is None else as_array(v, backend) for v in (x, y)]
    args = [v if v is None or np.dtype(v.dtype).kind in "fc" else v.astype(float64) for v in args]
    return run_compiled(backend, _plain_core, *args, name="corrcoef", rowvar=bool(rowvar))
