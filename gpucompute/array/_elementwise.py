"""Elementwise NumPy routines that are not ufuncs: rounding, clipping, complex parts, tests.

Most routines here transform one array element by element, so they are made
from one table (:data:`_UNARY`) by one factory; the multi-input ones (``clip``,
``isclose``, ``isin``, ``digitize``) are written out below it. The top of the
module holds the small helpers the statistics, products and linalg families
share (operands, combined masks, refusing masked input, ``run_compiled``).

Masked inputs
-------------
A :class:`MaskedArray` input gives a :class:`MaskedArray` result whose mask is
the input's mask (with several masked inputs, their masks OR-ed after
broadcasting); the values under the mask are whatever the computation on the
stored data gives. This is what ``numpy.ma.round``, ``numpy.ma.around``,
``numpy.ma.clip`` and ``numpy.ma.angle`` do; for the routines numpy.ma lacks
(``fix``, ``nan_to_num``, ``real``, ``imag``, ``isreal``, ``isposinf``,
``isneginf``, ``isclose``, ``digitize``) the result is NumPy's routine applied
to the data, with the input mask carried over unchanged. A host
``numpy.ma.MaskedArray`` counts as masked input too.

Two routines need a rule of their own:

* ``isin``: the result takes *element*'s mask; masked entries of
  *test_elements* are ignored (they match nothing). ``numpy.ma.isin`` differs:
  it can mask unmasked elements that equal a masked test value's stored data.
* ``digitize``: masked *bins* raise :class:`RoutineNotSupportedError`
  (fill or compress them first); a masked *x* carries its mask.

Deviations from NumPy
---------------------
* ``clip`` of complex input raises :class:`ArrayDTypeError` (NumPy orders
  complex values lexicographically; JAX and CuPy refuse).
* ``angle`` of 8-bit integers: NumPy computes it in float16, JAX in float32.
* ``around`` of integers with ``decimals < 0`` is computed exactly in integer
  arithmetic (round half to even, as NumPy), so it also works on JAX, whose
  ``round`` refuses that case.
* Errors NumPy reports with ``ValueError``: bins that are not 1-D raise
  :class:`ArrayShapeError`, bins that are not monotonic :class:`ArrayValueError`
  (both are ``ValueError`` subclasses).
"""

from __future__ import annotations

import inspect
import operator
from typing import Any, Callable, NamedTuple

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, RoutineNotSupportedError

from ._dispatch import check_broadcast, is_masked, qualname, resolve_backend
from ._masked_array import MaskedArray
from ._reduction_core import invalid_value  # noqa: F401  (re-exported for the routine modules)
from ._ufuncs import as_operand

__all__ = [
    "around", "round", "fix", "clip", "nan_to_num", "angle", "real", "imag", "isreal",
    "isposinf", "isneginf", "isclose", "isin", "digitize",
]


# -- helpers shared by the array-routine family modules --------------------------------------
def has_mask(value: Any) -> bool:
    """Whether *value* is masked input: a gpucompute MaskedArray or a host ``numpy.ma.MaskedArray``."""
    return is_masked(value) or isinstance(value, np.ma.MaskedArray)


def as_array(value: Any, backend: Backend) -> Any:
    """The data of *value* (MaskedArray, ``numpy.ma`` array, host value or backend array) on *backend*."""
    if isinstance(value, np.ma.MaskedArray):
        return backend.asarray(np.ma.getdata(value))
    return backend.xp.asarray(as_operand(value, backend))


def shape_of(value: Any) -> tuple[int, ...]:
    """The shape of an array, MaskedArray or host value (without NumPy's function dispatch)."""
    return tuple(value.shape) if hasattr(value, "shape") else np.shape(value)


def combined_mask(values: tuple[Any, ...], backend: Backend, shape: tuple[int, ...]) -> Any:
    """The OR of the masks of the MaskedArrays among *values*, broadcast to *shape*; ``None`` if none."""
    xp = backend.xp
    mask = None
    for value in values:
        if isinstance(value, np.ma.MaskedArray):
            own = backend.asarray(np.ma.getmaskarray(value))
        elif is_masked(value):
            own = value.mask if value.backend is backend else value.to_backend(backend).mask
        else:
            continue
        mask = own if mask is None else xp.logical_or(mask, own)
    return None if mask is None else xp.broadcast_to(mask, shape)



def split_masked(value: Any, backend: Backend) -> tuple[Any, Any]:
    """(data, full mask) of *value* on *backend*; an all-False mask for plain input.

    Plain and masked input then share one compiled program; callers wrap the
    result as a MaskedArray only when an input was masked.
    """
    data = as_array(value, backend)
    mask = combined_mask((value,), backend, tuple(data.shape))
    return data, backend.xp.zeros(data.shape, dtype=bool) if mask is None else mask

def wrap(result: Any, mask: Any, backend: Backend) -> Any:
    """*result* as a MaskedArray with *mask*, or unchanged when *mask* is ``None``."""
    return result if mask is None else MaskedArray._new(result, mask, backend)




_PROGRAMS: dict[tuple[str, Callable[..., Any]], Callable[..., Any]] = {}


def run_compiled(backend: Backend, core: Callable[..., Any], *arrays: Any, **options: Any) -> Any:
    """``core(backend, *arrays, **options)`` as one compiled program where the backend compiles.

    *options* are compile-time constants and must be hashable. On JAX this is
    one XLA program per routine, shape and options instead of one per
    operation (inside an outer ``jax.jit`` it is inlined); NumPy just calls *core*.
    """
    key = (backend.name, core)
    program = _PROGRAMS.get(key)
    if program is None:
        def program(*values: Any, options: tuple[tuple[str, Any], ...]) -> Any:
            return core(backend, *values, **dict(options))

        program = _PROGRAMS[key] = backend.compile(program, static_argnames=("options",))
    return program(*arrays, options=tuple(sorted(options.items())))


def reject_masked(routine: str, *values: Any) -> None:
    """Raise :class:`RoutineNotSupportedError` if any of *values* is a MaskedArray."""
    if any(has_mask(v) for v in values):
        raise RoutineNotSupportedError(
            f"{qualname(routine)}: MaskedArray input is not supported (numpy.ma has no such routine); "
            "call .filled(value) first to choose what masked elements stand for"
        )


def reject_kinds(routine: str, data: Any, kinds: str, what: str) -> None:
    """Raise :class:`ArrayDTypeError` if *data*'s dtype kind is one of *kinds*."""
    dtype = np.dtype(data.dtype)
    if dtype.kind in kinds:
        raise ArrayDTypeError(f"{qualname(routine)}: {what}, got dtype {dtype}")


# -- the table of one-input routines ---------------------------------------------------------
def _round_kernel(xp: Any, a: Any, decimals: int = 0) -> Any:
    decimals = operator.index(decimals)
    if np.dtype(a.dtype).kind not in "iu":
        return xp.round(a, decimals)
    if decimals >= 0:
        return a
    return _round_integers(xp, a, 10 ** (-decimals))


def _round_integers(xp: Any, a: Any, factor: int) -> Any:
    """Integers rounded to a multiple of *factor*, half to even, in exact integer arithmetic."""
    wide = np.dtype(xp.asarray(0).dtype) if np.dtype(a.dtype).itemsize < 8 else np.dtype(a.dtype)
    wide = np.dtype(np.int64) if wide.kind != "i" else wide
    if factor > np.iinfo(wide).max:  # every |a| < factor / 2: everything rounds to zero
        return xp.zeros_like(a)
    x = a.astype(wide)
    quotient = xp.floor_divide(x, factor)
    rest = x - quotient * factor
    up = (rest > factor - rest) | ((rest == factor - rest) & (quotient % 2 != 0))
    return ((quotient + up.astype(wide)) * factor).astype(a.dtype)


def _fix_kernel(xp: Any, x: Any) -> Any:
    return xp.trunc(x) if np.dtype(x.dtype).kind == "f" else x


def _nan_to_num_kernel(xp: Any, x: Any, copy: bool = True, nan: float = 0.0,
                       posinf: float | None = None, neginf: float | None = None) -> Any:
    return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _angle_kernel(xp: Any, z: Any, deg: bool = False) -> Any:
    return xp.angle(z, deg=deg)


class _Unary(NamedTuple):
    kernel: Callable[..., Any]
    rejects: str  # dtype kinds refused with ArrayDTypeError
    summary: str


def _plain(fn_name: str) -> Callable[..., Any]:
    def kernel(xp: Any, x: Any) -> Any:
        return getattr(xp, fn_name)(x)

    return kernel


_UNARY: dict[str, _Unary] = {
    "around": _Unary(_round_kernel, "b", "Round to *decimals* decimal places (half to even)."),
    "round": _Unary(_round_kernel, "b", "Round to *decimals* decimal places (alias of ``around``)."),
    "fix": _Unary(_fix_kernel, "c", "Round towards zero; integers come back unchanged."),
    "nan_to_num": _Unary(_nan_to_num_kernel, "", "Replace NaN, +inf and -inf by finite numbers."),
    "angle": _Unary(_angle_kernel, "", "The argument of complex numbers, in radians or degrees."),
    "real": _Unary(_plain("real"), "", "The real part (real input comes back unchanged)."),
    "imag": _Unary(_plain("imag"), "", "The imaginary part (zeros for real input)."),
    "isreal": _Unary(_plain("isreal"), "", "Whether each element has a zero imaginary part."),
    "isposinf": _Unary(_plain("isposinf"), "c", "Whether each element is positive infinity."),
    "isneginf": _Unary(_plain("isneginf"), "c", "Whether each element is negative infinity."),
}


def _make_unary(name: str, row: _Unary) -> Callable[..., Any]:
    kernel_signature = inspect.signature(row.kernel)
    params = list(kernel_signature.parameters.values())[1:]  # drop xp

    def routine(x: Any, *args: Any, **kwargs: Any) -> Any:
        backend = resolve_backend(name, x)
        data = as_array(x, backend)
        reject_kinds(name, data, row.rejects, "not defined for this dtype")
        try:
            bound = kernel_signature.bind(backend.xp, data, *args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{qualname(name)}: {exc}") from None
        try:
            result = row.kernel(*bound.args, **bound.kwargs)
        except TypeError as exc:
            raise ArrayDTypeError(f"{qualname(name)}: {exc}") from None
        return wrap(result, combined_mask((x,), backend, tuple(result.shape)), backend)

    routine.__name__ = routine.__qualname__ = name
    routine.__module__ = "gpucompute.array"
    routine.__signature__ = kernel_signature.replace(parameters=params)  # type: ignore[attr-defined]
    routine.__annotations__ = {**{p.name: p.annotation for p in params}, "return": "Any"}
    routine.__doc__ = (
        f"{row.summary}\n\nElementwise ``numpy.{name}`` on the backend of the input. A MaskedArray "
        "input gives a MaskedArray with the same mask.\n\nRaises\n------\nArrayDTypeError\n"
        "    If the input dtype is not supported."
    )
    return routine


around, round, fix, nan_to_num, angle, real, imag, isreal, isposinf, isneginf = (
    _make_unary(name, row) for name, row in _UNARY.items()
)


# -- routines of several inputs --------------------------------------------------------------
def clip(a: Any, a_min: Any, a_max: Any) -> Any:
    """Limit values to the interval ``[a_min, a_max]``.

    Parameters
    ----------
    a : array_like or MaskedArray
        Values to clip.
    a_min, a_max : array_like, scalar or None
        Bounds, broadcast against *a*; ``None`` leaves that side open.

    Returns
    -------
    array or MaskedArray
        Clipped values; masked where any masked input is masked (``numpy.ma.clip``).

    Raises
    ------
    ArrayShapeError
        If the inputs do not broadcast together.
    ArrayDTypeError
        If an input is complex.
    """
    values = (a, a_min, a_max)
    backend = resolve_backend("clip", *values)
    data = as_array(a, backend)
    low, high = (None if v is None else as_operand(v, backend) for v in (a_min, a_max))
    for operand in (data, low, high):
        if operand is not None and np.dtype(getattr(operand, "dtype", None) or np.result_type(operand)).kind == "c":
            raise ArrayDTypeError("gpucompute.array.clip: complex values have no order; clip .real instead")
    check_broadcast("clip", *(np.shape(v) for v in (data, low, high) if v is not None))
    result = backend.xp.clip(data, low, high)
    return wrap(result, combined_mask(values, backend, tuple(result.shape)), backend)


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
    """Whether ``|a - b| <= atol + rtol * |b|``, element by element.

    Parameters
    ----------
    a, b : array_like or MaskedArray
        Values to compare, broadcast together.
    rtol, atol : float
        Relative and absolute tolerance.
    equal_nan : bool
        Whether two NaNs count as close.

    Returns
    -------
    bool array or MaskedArray
        Masked where *a* or *b* is masked.

    Raises
    ------
    ArrayShapeError
        If *a* and *b* do not broadcast together.
    """
    backend = resolve_backend("isclose", a, b)
    x, y = as_array(a, backend), as_array(b, backend)
    check_broadcast("isclose", tuple(x.shape), tuple(y.shape))
    result = backend.xp.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return wrap(result, combined_mask((a, b), backend, tuple(result.shape)), backend)


def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False) -> Any:
    """Whether each element of *element* occurs in *test_elements*.

    Parameters
    ----------
    element : array_like or MaskedArray
        Values to look up; the result has its shape and its mask.
    test_elements : array_like or MaskedArray
        Values to look for (any shape); masked entries are ignored.
    assume_unique : bool
        Accepted for NumPy compatibility; the result does not depend on it.
    invert : bool
        Return "not in" instead.

    Returns
    -------
    bool array or MaskedArray
    """
    backend = resolve_backend("isin", element, test_elements)
    data, tests = as_array(element, backend), as_array(test_elements, backend)
    if has_mask(test_elements):
        test_mask = combined_mask((test_elements,), backend, tuple(tests.shape))
        result = run_compiled(backend, _isin_masked_tests_core, data, tests, test_mask, invert=bool(invert))
    else:
        result = backend.xp.isin(data, tests, invert=invert)
    return wrap(result, combined_mask((element,), backend, tuple(result.shape)), backend)


def _isin_masked_tests_core(backend: Backend, data: Any, tests: Any, test_mask: Any, *, invert: bool) -> Any:
    """isin ignoring masked tests: they are replaced by a valid one; with none valid nothing matches."""
    xp = backend.xp
    tests, valid = tests.reshape(-1), xp.logical_not(test_mask.reshape(-1))
    if tests.shape[0] == 0:
        return xp.isin(data, tests, invert=invert)
    tests = xp.where(valid, tests, tests[xp.argmax(valid)])
    return xp.where(xp.any(valid), xp.isin(data, tests, invert=invert), invert)


def digitize(x: Any, bins: Any, right: bool = False) -> Any:
    """The index of the bin each value of *x* falls in.

    Parameters
    ----------
    x : array_like or MaskedArray
        Values to place; a MaskedArray gives a MaskedArray with the same mask.
    bins : array_like
        1-D, monotonically increasing or decreasing bin edges.
    right : bool
        Whether a bin includes its right edge instead of its left one.

    Returns
    -------
    integer array or MaskedArray
        ``int64`` (``int32`` on JAX without x64, its canonical int64).

    Raises
    ------
    ArrayShapeError
        If *bins* is not 1-D.
    ArrayValueError
        If *bins* is (when its values are known) not monotonic.
    ArrayDTypeError
        If *x* or *bins* is complex.
    RoutineNotSupportedError
        If *bins* is a MaskedArray.
    """
    backend = resolve_backend("digitize", x, bins)
    if has_mask(bins):
        raise RoutineNotSupportedError(
            "gpucompute.array.digitize: masked bins are not supported; pass bins.compressed() "
            "or bins.filled(value)"
        )
    xp = backend.xp
    data, edges = as_array(x, backend), as_array(bins, backend)
    for arr in (data, edges):
        reject_kinds("digitize", arr, "c", "complex values have no order")
    if edges.ndim != 1:
        raise ArrayShapeError(f"gpucompute.array.digitize: bins must be 1-D, got shape {tuple(edges.shape)}")
    if edges.shape[0] > 1 and not backend.is_tracer(edges):
        steps = xp.diff(edges)
        if not bool(xp.all(steps >= 0) | xp.all(steps <= 0)):
            raise invalid_value("digitize", "bins must be monotonically increasing or decreasing")
    result = xp.digitize(data, edges, right=right)
    return wrap(result, combined_mask((x,), backend, tuple(result.shape)), backend)
