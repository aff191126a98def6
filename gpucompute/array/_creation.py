"""Array creation routines (``zeros``, ``arange``, ``linspace``, ``eye`` ...), written once over ``xp``.

Routines that build an array from sizes alone compute on the configured
backend, or on the one named by their keyword-only ``backend=`` argument.
Routines that take arrays (``*_like``, ``diag``, ``meshgrid``, an array
``fill_value``) follow the backend of those arrays, by the rules of
:mod:`gpucompute.array._dispatch`. Default dtypes are NumPy's, as stored by
the backend (:meth:`~gpucompute.backends.Backend.canonical_dtype`): ``float64``
becomes ``float32`` and ``int64`` becomes ``int32`` on JAX.

Shapes are Python values: a size that is a JAX tracer raises
:class:`~gpucompute.errors.DataDependentShapeError`. Only boolean, integer,
float and complex dtypes are accepted (no ``object`` or string arrays).
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

import numpy as np

from gpucompute import backends
from gpucompute.backends import Backend
from gpucompute.config import get_backend
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, DataDependentShapeError, RoutineNotSupportedError

from ._dispatch import is_masked, normalize_axis, qualname, resolve_backend
from ._masked_array import MaskedArray

__all__ = [
    "arange", "eye", "full", "full_like", "indices", "linspace", "ones", "ones_like", "zeros",
    "zeros_like", "meshgrid", "diag",
]

_DTYPE_KINDS = "biufc"


# -- argument checks shared by the family ------------------------------------------------------
def _target(routine: str, backend: str | Backend | None, *values: Any) -> Backend:
    """The backend named by *backend*, else the one the dispatch rules pick for *values*."""
    if backend is None:
        return resolve_backend(routine, *values)
    return backend if isinstance(backend, Backend) else get_backend(backend)


def _on(backend: Backend, value: Any) -> Any:
    """*value* as an array of *backend* (copied through the host from another backend)."""
    if backend.is_native(value):
        return value
    owner = backends.backend_of(value)
    if owner is not None and owner is not backend:
        value = owner.to_numpy(value)
    return backend.asarray(value)


def _check_concrete(routine: str, what: str, *values: Any) -> None:
    """Raise DataDependentShapeError if a value that fixes the output shape is traced."""
    for value in values:
        owner = backends.backend_of(value)
        if owner is not None and owner.is_tracer(value):
            raise DataDependentShapeError(
                f"{qualname(routine)}: {what} fixes the output shape, so it must be a Python value, "
                f"not a value traced by jax.jit ({value!r}); pass it as a static argument"
            )


def _check_plain(routine: str, *values: Any) -> None:
    for value in values:
        if is_masked(value) or isinstance(value, np.ma.MaskedArray):
            raise RoutineNotSupportedError(
                f"{qualname(routine)}: masked inputs are not supported; pass plain values "
                f"(e.g. arr.filled(...) or arr.data)"
            )


def _size(routine: str, value: Any, what: str = "size") -> int:
    """A non-negative Python int from a size argument."""
    try:
        size = operator.index(value)
    except TypeError:
        _check_concrete(routine, what, value)
        raise ArrayShapeError(
            f"{qualname(routine)}: {what} must be an integer, got {value!r}"
        ) from None
    if size < 0:
        raise ArrayShapeError(f"{qualname(routine)}: {what} must be >= 0, got {size}")
    return size


def _shape(routine: str, shape: Any) -> tuple[int, ...]:
    """A tuple of non-negative ints from an int or a sequence of ints."""
    if isinstance(shape, (tuple, list)) or getattr(shape, "ndim", 0) == 1:
        return tuple(_size(routine, d, f"every size in shape {shape!r}") for d in shape)
    return (_size(routine, shape, "the shape"),)


def _dtype(routine: str, dtype: Any, backend: Backend) -> np.dtype:
    """The dtype *backend* stores for the request *dtype*, or ArrayDTypeError."""
    try:
        requested = np.dtype(dtype)
    except TypeError as exc:
        raise ArrayDTypeError(f"{qualname(routine)}: {dtype!r} is not a dtype ({exc})") from None
    if requested.kind not in _DTYPE_KINDS:
        raise ArrayDTypeError(
            f"{qualname(routine)}: dtype {requested} is not supported; use a boolean, integer, "
            f"float or complex dtype"
        )
    return backend.canonical_dtype(requested)


def _dtype_of(value: Any) -> np.dtype:
    """NumPy's dtype for *value* (Python scalars take NumPy's default, as in ``np.array(value)``)."""
    return np.dtype(value.dtype) if hasattr(value, "dtype") else np.asarray(value).dtype


# -- filled arrays -------------------------------------------------------------------------------
def _full_on(routine: str, backend: Backend, shape: tuple[int, ...], fill_value: Any, dtype: Any) -> Any:
    if is_masked(fill_value):
        data = _full_on(routine, backend, shape, fill_value.data, dtype)
        mask = backend.xp.broadcast_to(_on(backend, fill_value.mask), shape)
        return MaskedArray._new(data, mask, backend)
    if not isinstance(fill_value, (bool, int, float, complex)):
        fill_value = _on(backend, fill_value)
        if not _broadcasts_to(fill_value.shape, shape):
            raise ArrayShapeError(
                f"{qualname(routine)}: fill_value of shape {tuple(fill_value.shape)} does not "
                f"broadcast to the shape {shape}"
            )
    if dtype is None:
        dtype = _dtype(routine, _dtype_of(fill_value), backend)
    return backend.xp.full(shape, fill_value, dtype=dtype)


def _broadcasts_to(shape: Sequence[int], target: tuple[int, ...]) -> bool:
    """Whether an array of *shape* broadcasts to exactly *target*."""
    try:
        return np.broadcast_shapes(tuple(shape), target) == target
    except ValueError:
        return False


def full(shape: Any, fill_value: Any, dtype: Any = None, *, backend: str | Backend | None = None) -> Any:
    """An array of *shape* whose every element is *fill_value*.

    Parameters
    ----------
    shape : int or sequence of int
        Sizes of the result.
    fill_value : scalar or array_like
        The value written everywhere; an array is broadcast to *shape*. A
        :class:`MaskedArray` gives a MaskedArray with its mask broadcast too.
    dtype : dtype, optional
        Result dtype; by default the dtype NumPy gives ``fill_value``.
    backend : str or Backend, optional
        Where to create it; by default the backend of *fill_value* or the configured one.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    ArrayShapeError
        If a size is negative or not an integer, or *fill_value* does not broadcast.
    ArrayDTypeError
        If *dtype* is not a numeric or boolean dtype.
    """
    target = _target("full", backend, fill_value)
    dims = _shape("full", shape)
    return _full_on("full", target, dims, fill_value, None if dtype is None else _dtype("full", dtype, target))


def full_like(a: Any, fill_value: Any, dtype: Any = None, *, shape: Any = None) -> Any:
    """An array like *a* (shape, dtype, backend) filled with *fill_value*.

    A masked *a* gives a :class:`MaskedArray` with *a*'s mask, as
    ``numpy.full_like`` does for a ``numpy.ma.MaskedArray``; with a different
    *shape* nothing is masked (NumPy reshapes the old mask when the number of
    elements is unchanged; we do not).

    Raises
    ------
    ArrayShapeError
        If *shape* has a negative size or *fill_value* does not broadcast.
    ArrayDTypeError
        If *dtype* is not a numeric or boolean dtype.
    """
    return _like("full_like", a, fill_value, dtype, shape)


def _like(routine: str, a: Any, fill_value: Any, dtype: Any, shape: Any) -> Any:
    target = resolve_backend(routine, a, fill_value)
    masked = is_masked(a) or isinstance(a, np.ma.MaskedArray)
    if masked:
        a = a.to_backend(target) if is_masked(a) else MaskedArray(a, backend=target)
    data = a.data if masked else _on(target, a)
    out_dtype = np.dtype(data.dtype) if dtype is None else _dtype(routine, dtype, target)
    dims = tuple(data.shape) if shape is None else _shape(routine, shape)
    out = _full_on(routine, target, dims, fill_value, out_dtype)
    if not masked:
        return out
    mask = a.mask if dims == a.shape else target.xp.zeros(dims, dtype=bool)
    if is_masked(out):  # a masked fill_value adds its own mask
        out, mask = out.data, target.xp.logical_or(out.mask, mask)
    kept_fill = a._fill_value if out_dtype == a.dtype else None
    return MaskedArray._new(out, mask, target, kept_fill)


def _make_constant(name: str, value: int) -> Callable[..., Any]:
    def constant(shape: Any, dtype: Any = float, *, backend: str | Backend | None = None) -> Any:
        target = _target(name, backend)
        dims = _shape(name, shape)
        return _full_on(name, target, dims, value, _dtype(name, float if dtype is None else dtype, target))

    constant.__doc__ = (
        f"An array of *shape* filled with {value} (``float64`` by default, as stored by the backend).\n\n"
        f"Raises ``ArrayShapeError`` for a negative or non-integer size and ``ArrayDTypeError`` for a\n"
        f"dtype that is not numeric or boolean. ``backend=`` picks the backend (default: configured)."
    )
    return constant


def _make_constant_like(name: str, value: int) -> Callable[..., Any]:
    def constant_like(a: Any, dtype: Any = None, *, shape: Any = None) -> Any:
        return _like(name, a, value, dtype, shape)

    constant_like.__doc__ = (
        f"An array like *a* (shape, dtype, backend) filled with {value}.\n\n"
        f"A masked *a* gives a MaskedArray that keeps *a*'s mask, as NumPy does for\n"
        f"``numpy.ma`` input (nothing is masked when *shape* differs from *a*'s)."
    )
    return constant_like


#: name -> the constant its routine fills with; ``zeros``/``ones`` and their ``*_like`` come from here.
_CONSTANTS = {"zeros": 0, "ones": 1}
for _name, _value in _CONSTANTS.items():
    for _public, _factory in ((_name, _make_constant), (f"{_name}_like", _make_constant_like)):
        _routine = _factory(_public, _value)
        _routine.__name__ = _routine.__qualname__ = _public
        globals()[_public] = _routine


# -- ranges and grids ----------------------------------------------------------------------------
def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None, *,
           backend: str | Backend | None = None) -> Any:
    """Evenly spaced values in ``[start, stop)``, *step* apart (``arange(stop)`` starts at 0).

    The default dtype is NumPy's: integer for integer arguments, else float.

    Raises
    ------
    ArrayShapeError
        If *step* is zero or an argument is not a scalar.
    DataDependentShapeError
        If an argument is traced by ``jax.jit`` (the length would depend on it).
    ArrayDTypeError
        If *dtype* is not a numeric or boolean dtype.
    """
    args = (start, stop, step)
    _check_plain("arange", *args)
    _check_concrete("arange", "every argument", *args)
    target = _target("arange", backend, *args)
    if stop is None:
        start, stop = 0, start
    start, stop, step = (_scalar("arange", v) for v in (start, stop, 1 if step is None else step))
    if step == 0:
        raise ArrayShapeError("gpucompute.array.arange: step must not be zero, got 0")
    if dtype is None:
        dtype = np.result_type(np.intp, *(np.asarray(v).dtype for v in (start, stop, step)))
    return target.xp.arange(start, stop, step, dtype=_dtype("arange", dtype, target))


def _scalar(routine: str, value: Any) -> Any:
    if np.ndim(value) != 0:
        raise ArrayShapeError(f"{qualname(routine)}: arguments must be scalars, got shape {np.shape(value)}")
    return value.item() if hasattr(value, "item") else value


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, backend: str | Backend | None = None) -> Any:
    """*num* evenly spaced values from *start* to *stop* (``stop`` excluded if not *endpoint*).

    *start* and *stop* may be arrays (they are broadcast; the samples run along
    *axis*) and may be traced by ``jax.jit``; *num* may not. An integer *dtype*
    rounds the samples down, as NumPy does. With *retstep* the spacing is
    returned too, as ``(samples, step)``.

    Raises
    ------
    ArrayShapeError
        If *num* is negative or not an integer.
    ArrayDTypeError
        If *dtype* is not a numeric or boolean dtype.
    """
    _check_plain("linspace", start, stop)
    _check_concrete("linspace", "num", num)
    num = _size("linspace", num, "num")
    target = _target("linspace", backend, start, stop)
    xp = target.xp
    weak = [v if isinstance(v, (bool, int, float, complex)) else _dtype_of(v) for v in (start, stop)]
    work = _dtype("linspace", np.result_type(*weak, float(num)), target)
    out_dtype = work if dtype is None else _dtype("linspace", dtype, target)
    first, last = (_on(target, v).astype(work) for v in (start, stop))
    delta = last - first
    div = num - 1 if endpoint else num
    ramp = xp.arange(num, dtype=work).reshape((-1,) + (1,) * delta.ndim)
    step = delta / div if div > 0 else xp.full(delta.shape, np.nan, dtype=work)
    samples = ramp * (step if div > 0 else delta) + first
    if endpoint and num > 1:
        samples = xp.where(ramp == num - 1, last, samples)
    if axis != 0:
        samples = xp.moveaxis(samples, 0, normalize_axis(axis, samples.ndim, "linspace"))
    if np.dtype(out_dtype).kind in "biu":
        samples = xp.floor(samples)
    samples = samples.astype(out_dtype)
    return (samples, step) if retstep else samples


def indices(dimensions: Any, dtype: Any = int, sparse: bool = False, *,
            backend: str | Backend | None = None) -> Any:
    """The index grid of an array of shape *dimensions*: ``out[k][i0, i1, ...] == ik``.

    Dense output has shape ``(len(dimensions), *dimensions)``; with *sparse*
    a tuple of broadcastable arrays is returned instead.

    Raises
    ------
    ArrayShapeError
        If a size is negative or not an integer.
    ArrayDTypeError
        If *dtype* is not a numeric or boolean dtype.
    """
    target = _target("indices", backend)
    dims = _shape("indices", dimensions)
    out_dtype = _dtype("indices", int if dtype is None else dtype, target)
    xp = target.xp
    n = len(dims)
    parts = [xp.arange(d, dtype=out_dtype).reshape((1,) * i + (d,) + (1,) * (n - i - 1))
             for i, d in enumerate(dims)]
    if sparse:
        return tuple(parts)
    if not parts:
        return xp.zeros((0,), dtype=out_dtype)
    return xp.stack([xp.broadcast_to(p, dims) for p in parts])


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy",
             backend: str | Backend | None = None) -> list[Any]:
    """Coordinate arrays from 1-D coordinate vectors (inputs of more dimensions are flattened).

    With ``indexing='xy'`` (Cartesian) the first two output axes are swapped
    relative to ``'ij'`` (matrix). With *sparse* the outputs keep size-1 axes
    instead of being broadcast. Returns a list (the original API's type; NumPy
    2 returns a tuple). MaskedArray inputs give MaskedArrays whose masks are
    broadcast like the data (NumPy drops them). With *copy* false the outputs
    may be (read-only, on NumPy) views of the inputs.

    Raises
    ------
    ArrayShapeError
        If *indexing* is neither ``'xy'`` nor ``'ij'``.
    """
    if indexing not in ("xy", "ij"):
        raise ArrayShapeError(f"gpucompute.array.meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    target = _target("meshgrid", backend, *xi)
    xp = target.xp
    n = len(xi)
    shapes = [[1] * n for _ in range(n)]
    for i in range(n):
        shapes[i][i] = -1
    if indexing == "xy" and n > 1:
        shapes[0][:2], shapes[1][:2] = [1, -1], [-1, 1]
    pieces = [(x.data, x.mask) if is_masked(x) else (x, None) for x in xi]
    out = []
    for (data, mask), shape in zip(pieces, shapes):
        data = _on(target, data).reshape(shape)
        mask = None if mask is None else _on(target, mask).reshape(shape)
        out.append((data, mask))
    if not sparse and n:
        full_shape = np.broadcast_shapes(*(d.shape for d, _ in out))
        out = [(xp.broadcast_to(d, full_shape), None if m is None else xp.broadcast_to(m, full_shape))
               for d, m in out]
    if copy:
        out = [(d.copy(), m) for d, m in out]
    return [d if m is None else MaskedArray._new(d, m, target) for d, m in out]


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float, *,
        backend: str | Backend | None = None) -> Any:
    """A 2-D array of shape ``(N, M)`` (``M`` defaults to ``N``) with ones on diagonal *k*.

    Raises
    ------
    ArrayShapeError
        If *N* or *M* is negative or not an integer, or *k* is not an integer.
    ArrayDTypeError
        If *dtype* is not a numeric or boolean dtype.
    """
    target = _target("eye", backend)
    rows = _size("eye", N, "N")
    cols = rows if M is None else _size("eye", M, "M")
    try:
        offset = operator.index(k)
    except TypeError:
        raise ArrayShapeError(f"gpucompute.array.eye: k must be an integer, got {k!r}") from None
    out_dtype = _dtype("eye", float if dtype is None else dtype, target)
    return target.xp.eye(rows, cols, offset, dtype=out_dtype)


def diag(v: Any, k: int = 0) -> Any:
    """Diagonal *k* of a 2-D array, or a 2-D array with 1-D *v* on diagonal *k*.

    For a :class:`MaskedArray` the same is done to data and mask (as
    ``numpy.ma.diag``): elements placed off the diagonal are unmasked zeros.

    Raises
    ------
    ArrayShapeError
        If *v* is neither 1-D nor 2-D, or *k* is not an integer.
    """
    target = resolve_backend("diag", v)
    try:
        offset = operator.index(k)
    except TypeError:
        raise ArrayShapeError(f"gpucompute.array.diag: k must be an integer, got {k!r}") from None
    masked = is_masked(v) or isinstance(v, np.ma.MaskedArray)
    if masked and not is_masked(v):
        v = MaskedArray(v, backend=target)
    data = v.data if masked else _on(target, v)
    if data.ndim not in (1, 2):
        raise ArrayShapeError(
            f"gpucompute.array.diag: input must be 1-D or 2-D, got shape {tuple(data.shape)}"
        )
    xp = target.xp
    if not masked:
        return xp.diag(data, offset)
    return MaskedArray._new(xp.diag(data, offset), xp.diag(v.mask, offset), target, v._fill_value)


for _name in __all__:
    globals()[_name].__module__ = "gpucompute.array"
