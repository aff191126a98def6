"""``gpucompute.array.linalg``: the linear-algebra routines of the original API, over ``xp.linalg``.

Matrix routines accept stacks of matrices (``(..., M, N)``) where NumPy does.
Integer inputs are computed in float64 (float32 on JAX without x64). Shape
problems raise :class:`ArrayShapeError`; option values NumPy rejects with
``ValueError`` (an unknown ``ord`` or ``mode``) raise :class:`ArrayValueError`.

Masked inputs
-------------
numpy.ma has no linear algebra, so a :class:`MaskedArray` input raises
:class:`RoutineNotSupportedError`; call ``.filled(value)`` first.

Backend differences
-------------------
* Singular or not positive-definite input: NumPy raises
  ``numpy.linalg.LinAlgError`` (a ``ValueError``) on the NumPy backend; JAX
  and CuPy do not check on the device and return NaN/inf instead.
* ``lstsq`` residuals: NumPy returns an empty array when ``M <= N`` or the
  rank is below ``N``. Inside a JAX trace the rank is not known, so for
  ``M > N`` the squared residual norms are always returned.
* ``qr`` and ``svd`` factors are unique only up to signs (and the order of
  equal singular values): compare reconstructions, not factors, across backends.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError, AxisError, RoutineNotSupportedError

from ._dispatch import normalize_axis, resolve_backend
from ._elementwise import as_array, invalid_value, reject_masked

__all__ = ["cholesky", "inv", "lstsq", "norm", "qr", "solve", "svd"]

_PREFIX = "gpucompute.array.linalg."
_VECTOR_ORDS_TEXT = "None, inf, -inf or a number"
_MATRIX_ORDS = (None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2)


def _prepare(routine: str, *values: Any) -> tuple[Backend, list[Any]]:
    """Backend and arrays of *values*; bool and integers become float64 (NumPy's rule) up front."""
    reject_masked(_PREFIX + routine, *values)
    backend = resolve_backend(_PREFIX + routine, *values)
    arrays = [as_array(v, backend) for v in values]
    float64 = backend.canonical_dtype(np.float64)
    return backend, [a.astype(float64) if np.dtype(a.dtype).kind in "biu" else a for a in arrays]


def _matrix(routine: str, a: Any, *, square: bool) -> None:
    shape = tuple(a.shape)
    if len(shape) < 2:
        raise ArrayShapeError(f"{_PREFIX + routine}: needs a matrix (at least 2-D), got shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ArrayShapeError(
            f"{_PREFIX + routine}: needs square matrices in the last two axes, got shape {shape}"
        )


def cholesky(a: Any) -> Any:
    """Lower-triangular ``L`` with ``a = L @ L.conj().T`` for Hermitian positive-definite *a*.

    Raises
    ------
    ArrayShapeError
        If *a* is not a (stack of) square matrices.
    RoutineNotSupportedError
        If *a* is a MaskedArray.
    """
    backend, (x,) = _prepare("cholesky", a)
    _matrix("cholesky", x, square=True)
    return backend.xp.linalg.cholesky(x)


def inv(a: Any) -> Any:
    """The inverse of a (stack of) square matrices.

    Raises
    ------
    ArrayShapeError
        If *a* is not a (stack of) square matrices.
    RoutineNotSupportedError
        If *a* is a MaskedArray.
    """
    backend, (x,) = _prepare("inv", a)
    _matrix("inv", x, square=True)
    return backend.xp.linalg.inv(x)


def solve(a: Any, b: Any) -> Any:
    """Solve ``a @ x = b`` for *x* (NumPy 2 rule: a 1-D *b* is one vector, else a stack of matrices).

    Raises
    ------
    ArrayShapeError
        If *a* is not square or *b* does not fit it.
    RoutineNotSupportedError
        If an input is a MaskedArray.
    """
    backend, (x, y) = _prepare("solve", a, b)
    _matrix("solve", x, square=True)
    size = x.shape[-1]
    rows = y.shape[0] if y.ndim == 1 else (y.shape[-2] if y.ndim >= 2 else None)
    batch_ok = True
    if y.ndim >= 2:
        try:
            np.broadcast_shapes(tuple(x.shape[:-2]), tuple(y.shape[:-2]))
        except ValueError:
            batch_ok = False
    if rows != size or not batch_ok:
        raise ArrayShapeError(
            f"gpucompute.array.linalg.solve: b of shape {tuple(y.shape)} does not fit a of shape {tuple(x.shape)}; "
            f"b needs shape ({size},) or (..., {size}, K)"
        )
    return backend.xp.linalg.solve(x, y)


def lstsq(a: Any, b: Any, rcond: float | None = None) -> tuple[Any, Any, Any, Any]:
    """Least-squares solution of ``a @ x = b``.

    Parameters
    ----------
    a : (M, N) array_like
    b : (M,) or (M, K) array_like
    rcond : float, optional
        Singular values below ``rcond * largest`` count as zero (default:
        machine epsilon times ``max(M, N)``).

    Returns
    -------
    x, residuals, rank, s : tuple
        Solution, squared residual norms (empty when ``M <= N`` or *a* is rank
        deficient; see the module docstring for JAX traces), rank and singular values.

    Raises
    ------
    ArrayShapeError
        If *a* is not 2-D, *b* is not 1-D or 2-D, or their first axes differ.
    RoutineNotSupportedError
        If an input is a MaskedArray.
    """
    backend, (x, y) = _prepare("lstsq", a, b)
    if x.ndim != 2 or y.ndim not in (1, 2) or x.shape[0] != y.shape[0]:
        raise ArrayShapeError(
            f"gpucompute.array.linalg.lstsq: needs a of shape (M, N) and b of shape (M,) or (M, K), got "
            f"{tuple(x.shape)} and {tuple(y.shape)}"
        )
    xp = backend.xp
    solution, residuals, rank, s = xp.linalg.lstsq(x, y, rcond=rcond)
    m, n = x.shape
    if m <= n or (not backend.is_tracer(rank) and int(rank) < n):
        residuals = xp.zeros((0,), dtype=s.dtype)
    return solution, residuals, rank, s


def _norm_axes(x: Any, axis: Any) -> tuple[int, ...]:
    if axis is None:
        if x.ndim > 2:
            raise ArrayShapeError(
                f"gpucompute.array.linalg.norm: with axis=None the input must be 1-D or 2-D, got shape "
                f"{tuple(x.shape)}; pass axis="
            )
        return tuple(range(x.ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if len(axes) not in (1, 2):
        raise ArrayShapeError(f"gpucompute.array.linalg.norm: axis must name 1 or 2 axes, got {axis!r}")
    normalized = tuple(normalize_axis(ax, x.ndim, _PREFIX + "norm") for ax in axes)
    if len(set(normalized)) != len(normalized):
        raise AxisError(f"gpucompute.array.linalg.norm: repeated axis in {axis!r}")
    return normalized


def norm(x: Any, ord: Any = None, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:
    """Vector norm (one axis) or matrix norm (two axes).

    Parameters
    ----------
    x : array_like
    ord : {None, 'fro', 'nuc', inf, -inf, 1, -1, 2, -2} or number
        Matrix norms accept the listed values; vector norms any number or ±inf.
    axis : int or (int, int), optional
        Axes to reduce; ``None`` means the whole 1-D or 2-D input.
    keepdims : bool
        Keep the reduced axes with length 1.

    Raises
    ------
    ArrayShapeError
        If ``axis=None`` with more than 2 dimensions, or *axis* names more than 2 axes.
    ArrayValueError
        If *ord* is not valid for the number of axes.
    AxisError
        If an axis is out of range or repeated.
    RoutineNotSupportedError
        If *x* is a MaskedArray.
    """
    backend, (data,) = _prepare("norm", x)
    axes = _norm_axes(data, axis)
    if len(axes) == 2 and not any(ord is o or (o is not None and ord == o) for o in _MATRIX_ORDS):
        raise invalid_value(_PREFIX + "norm", f"ord={ord!r} is not a matrix norm; use one of None, 'fro', "
                            "'nuc', inf, -inf, 1, -1, 2, -2")
    if len(axes) == 1 and isinstance(ord, str):
        raise invalid_value(_PREFIX + "norm", f"ord={ord!r} is not a vector norm; use {_VECTOR_ORDS_TEXT}")
    if data.ndim == 0:
        raise ArrayShapeError("gpucompute.array.linalg.norm: needs at least a 1-D input, got a 0-d one")
    return backend.xp.linalg.norm(data, ord=ord, axis=axis if axis is None else (axes if len(axes) == 2 else axes[0]),
                                  keepdims=keepdims)


def qr(a: Any, mode: str = "reduced") -> Any:
    """QR factorisation ``a = q @ r`` of a (stack of) matrices.

    Parameters
    ----------
    a : (..., M, N) array_like
    mode : {'reduced', 'complete', 'r'}
        ``'reduced'``: q is (..., M, K), r (..., K, N) with K = min(M, N);
        ``'complete'``: q is (..., M, M); ``'r'``: only r is returned.

    Returns
    -------
    (q, r) tuple, or r for ``mode='r'``

    Raises
    ------
    ArrayShapeError
        If *a* is not at least 2-D.
    ArrayValueError
        For an unknown *mode*.
    RoutineNotSupportedError
        For ``mode='raw'``, or a MaskedArray input.
    """
    if mode == "raw":
        raise RoutineNotSupportedError("gpucompute.array.linalg.qr: mode='raw' (LAPACK's Householder form) is "
                                       "not supported; use 'reduced', 'complete' or 'r'")
    if mode not in ("reduced", "complete", "r"):
        raise invalid_value(_PREFIX + "qr", f"unknown mode {mode!r}; use 'reduced', 'complete' or 'r'")
    backend, (x,) = _prepare("qr", a)
    _matrix("qr", x, square=False)
    result = backend.xp.linalg.qr(x, mode=mode)
    return result if mode == "r" else (result[0], result[1])


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``a = u @ diag(s) @ vh`` of a (stack of) matrices.

    Returns
    -------
    (u, s, vh) tuple, or s alone when *compute_uv* is false
        Singular values in descending order.

    Raises
    ------
    ArrayShapeError
        If *a* is not at least 2-D.
    RoutineNotSupportedError
        If *a* is a MaskedArray.
    """
    backend, (x,) = _prepare("svd", a)
    _matrix("svd", x, square=False)
    result = backend.xp.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(result) if compute_uv else result
