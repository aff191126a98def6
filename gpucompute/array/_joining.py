"""Joining and growing cores: atleast_*d, concatenate, stack, h/v/dstack, pad, insert.

Like :mod:`gpucompute.array._indexing`, every public function here is a *core*
(backend first, then NumPy's signature) that never sees a mask; the table and
factory in :mod:`gpucompute.array._manipulation` make the public routines and
apply each core to the masks of MaskedArray inputs (all-False masks for plain
inputs mixed in).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError, AxisError, RoutineNotSupportedError

from ._dispatch import normalize_axis, qualname
from ._indexing import Array, ArrayLike, gather, host_ints

__all__: list[str] = []  # the public names are made in _manipulation from the cores below


def _atleast(backend: Backend, arys: tuple[Any, ...], ndim: int) -> Any:
    fn = {1: backend.xp.atleast_1d, 2: backend.xp.atleast_2d, 3: backend.xp.atleast_3d}[ndim]
    out = [fn(a) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_1d(backend: Backend, *arys: ArrayLike) -> Array | list[Array]:
    """View each input with at least one dimension (0-d becomes shape ``(1,)``).

    Parameters
    ----------
    *arys : array_like or MaskedArray
        Inputs; masks get the same new shape as their data.

    Returns
    -------
    array, MaskedArray or list of them
        One input gives one array, several give a list.
    """
    return _atleast(backend, arys, 1)


def atleast_2d(backend: Backend, *arys: ArrayLike) -> Array | list[Array]:
    """View each input with at least two dimensions (new axes go in front).

    Parameters
    ----------
    *arys : array_like or MaskedArray
        Inputs; ``(N,)`` becomes ``(1, N)``, 0-d becomes ``(1, 1)``.

    Returns
    -------
    array, MaskedArray or list of them
        One input gives one array, several give a list.
    """
    return _atleast(backend, arys, 2)


def atleast_3d(backend: Backend, *arys: ArrayLike) -> Array | list[Array]:
    """View each input with at least three dimensions.

    Parameters
    ----------
    *arys : array_like or MaskedArray
        Inputs; ``(N,)`` becomes ``(1, N, 1)``, ``(M, N)`` becomes
        ``(M, N, 1)``, 0-d becomes ``(1, 1, 1)``.

    Returns
    -------
    array, MaskedArray or list of them
        One input gives one array, several give a list.
    """
    return _atleast(backend, arys, 3)


def _join(routine: str, backend: Backend, arrays: Sequence[Any], axis: int, new_axis: bool) -> Any:
    """Check shapes and concatenate (``new_axis=False``) or stack (``True``) on the device."""
    if not arrays:
        raise ArrayShapeError(f"{qualname(routine)}: needs at least one array, got an empty sequence")
    shapes = [tuple(a.shape) for a in arrays]
    first = shapes[0]
    if new_axis:
        axis = normalize_axis(axis, len(first) + 1, routine)
        if any(s != first for s in shapes):
            raise ArrayShapeError(f"{qualname(routine)}: all arrays must have the same shape, got {shapes}")
        return backend.xp.stack(list(arrays), axis=axis)
    if not first:
        raise ArrayShapeError(f"{qualname(routine)}: 0-d arrays cannot be concatenated; use stack, "
                              "or atleast_1d first")
    axis = normalize_axis(axis, len(first), routine)
    for s in shapes:
        if len(s) != len(first) or s[:axis] + s[axis + 1:] != first[:axis] + first[axis + 1:]:
            raise ArrayShapeError(
                f"{qualname(routine)}: shapes {shapes} do not match except along axis {axis}; "
                "make every other dimension equal"
            )
    return backend.xp.concatenate(list(arrays), axis=axis)


def concatenate(backend: Backend, arrays: Sequence[ArrayLike], axis: int | None = 0) -> Array:
    """Join arrays end to end along an existing axis.

    Parameters
    ----------
    arrays : sequence of array_like or MaskedArray
        Arrays of equal shape except along *axis*. With any MaskedArray among
        them the result is masked, plain inputs contributing unmasked elements
        (``numpy.ma.concatenate``).
    axis : int or None, default 0
        The axis to join along; ``None`` flattens every input first.

    Returns
    -------
    array or MaskedArray
        Of the inputs' promoted dtype.

    Raises
    ------
    ArrayShapeError
        If *arrays* is empty, an input is 0-d or the shapes do not fit.
    AxisError
        If *axis* is out of range.
    """
    if axis is None:
        arrays, axis = [backend.xp.reshape(a, (-1,)) for a in arrays], 0
    return _join("concatenate", backend, arrays, axis, new_axis=False)


def stack(backend: Backend, arrays: Sequence[ArrayLike], axis: int = 0) -> Array:
    """Join arrays of one shape along a new axis.

    Parameters
    ----------
    arrays : sequence of array_like or MaskedArray
        Arrays of identical shape (masks are stacked alongside, as in ``numpy.ma.stack``).
    axis : int, default 0
        Position of the new axis in the result.

    Returns
    -------
    array or MaskedArray
        One more dimension than the inputs.

    Raises
    ------
    ArrayShapeError
        If *arrays* is empty or the shapes differ.
    AxisError
        If *axis* is out of range.
    """
    return _join("stack", backend, arrays, axis, new_axis=True)


def hstack(backend: Backend, tup: Sequence[ArrayLike]) -> Array:
    """Join arrays column-wise: along axis 1, or axis 0 for 1-D inputs.

    Parameters
    ----------
    tup : sequence of array_like or MaskedArray
        0-d inputs are treated as 1-D.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    ArrayShapeError
        If *tup* is empty or the shapes do not fit.
    """
    arrays = [backend.xp.atleast_1d(a) for a in tup]
    axis = 0 if arrays and arrays[0].ndim == 1 else 1
    return _join("hstack", backend, arrays, axis, new_axis=False)


def vstack(backend: Backend, tup: Sequence[ArrayLike]) -> Array:
    """Join arrays row-wise, along axis 0, after making 1-D inputs rows ``(1, N)``.

    Parameters
    ----------
    tup : sequence of array_like or MaskedArray

    Returns
    -------
    array or MaskedArray
        At least 2-D.

    Raises
    ------
    ArrayShapeError
        If *tup* is empty or the shapes do not fit.
    """
    return _join("vstack", backend, [backend.xp.atleast_2d(a) for a in tup], 0, new_axis=False)


def dstack(backend: Backend, tup: Sequence[ArrayLike]) -> Array:
    """Join arrays depth-wise, along axis 2, after making every input 3-D.

    Parameters
    ----------
    tup : sequence of array_like or MaskedArray
        ``(N,)`` inputs become ``(1, N, 1)`` and ``(M, N)`` ones ``(M, N, 1)``.

    Returns
    -------
    array or MaskedArray
        At least 3-D.

    Raises
    ------
    ArrayShapeError
        If *tup* is empty or the shapes do not fit.
    """
    return _join("dstack", backend, [backend.xp.atleast_3d(a) for a in tup], 2, new_axis=False)


#: pad modes that only move existing elements, so they apply to masks as well.
PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")
#: pad modes that compute new values from the data; plain arrays only.
PAD_VALUE_MODES = ("linear_ramp", "maximum", "mean", "median", "minimum")


def pad(backend: Backend, array: ArrayLike, pad_width: Any, mode: str = "constant",
        constant_values: Any = 0) -> Array:
    """Grow an array by adding elements before and after each axis.

    Parameters
    ----------
    array : array_like or MaskedArray
        Input.
    pad_width : int or sequence
        Elements to add: one number for all, ``(before, after)`` for every
        axis, or one ``(before, after)`` pair per axis.
    mode : str, default "constant"
        ``"constant"`` (fill with *constant_values*), ``"edge"`` (repeat the
        border), ``"reflect"`` (mirror without the border), ``"symmetric"``
        (mirror with the border), ``"wrap"`` (continue from the other side).
        Plain arrays also accept ``"linear_ramp"``, ``"maximum"``, ``"mean"``,
        ``"median"`` and ``"minimum"`` with their defaults.
    constant_values : scalar or sequence, default 0
        Fill for ``"constant"`` mode, in NumPy's per-axis forms.

    Returns
    -------
    array or MaskedArray
        ``np.pad`` on a ``numpy.ma.MaskedArray`` drops the mask; here the
        mask is padded too: with ``False`` in ``"constant"`` mode (the filled
        elements are valid constants), and by the same rule as the data in the
        other modes (a copied element keeps its mask).

    Raises
    ------
    ArrayShapeError
        If *pad_width* is negative or does not fit the number of axes.
    RoutineNotSupportedError
        For an unknown mode, or a value-computing mode on a MaskedArray.
    """
    if mode not in PAD_MODES + PAD_VALUE_MODES:
        raise RoutineNotSupportedError(
            f"{qualname('pad')}: mode {mode!r} is not supported; use one of {', '.join(PAD_MODES + PAD_VALUE_MODES)}"
        )
    widths = host_ints("pad", "pad_width", pad_width)
    try:
        widths = np.broadcast_to(widths, (array.ndim, 2))
    except ValueError:
        raise ArrayShapeError(
            f"{qualname('pad')}: pad_width {pad_width!r} does not fit an array of shape {tuple(array.shape)}; "
            "give an int, a (before, after) pair or one pair per axis"
        ) from None
    if (widths < 0).any():
        raise ArrayShapeError(f"{qualname('pad')}: pad_width must be non-negative, got {pad_width!r}")
    if array.ndim == 0:
        return array  # nothing to pad, as in NumPy
    width_tuple = tuple((int(b), int(e)) for b, e in widths)
    if mode == "constant":
        if not backend.is_tracer(constant_values):  # CuPy takes host fill values only
            if backend.is_native(constant_values):
                constant_values = backend.to_numpy(constant_values)
            constant_values = np.asarray(constant_values).tolist()
        return backend.xp.pad(array, width_tuple, mode="constant", constant_values=constant_values)
    try:
        return backend.xp.pad(array, width_tuple, mode=mode)
    except NotImplementedError:
        raise RoutineNotSupportedError(
            f"{qualname('pad')}: the {backend.name!r} backend has no mode {mode!r}"
        ) from None
    except ValueError as exc:
        raise ArrayShapeError(
            f"{qualname('pad')}: cannot pad shape {tuple(array.shape)} in mode {mode!r}: {exc}"
        ) from None


def pad_mask_mode(mode: str) -> str:
    """The mode used on the mask in a masked :func:`pad` (value-computing modes are refused)."""
    if mode in PAD_VALUE_MODES:
        raise RoutineNotSupportedError(
            f"{qualname('pad')}: mode {mode!r} computes new values, which has no masked meaning here; "
            f"fill the array first (.filled()) or use one of {', '.join(PAD_MODES)}"
        )
    return mode


def insert(backend: Backend, arr: ArrayLike, obj: Any, values: ArrayLike, axis: int | None = None) -> Array:
    """Insert values before the given positions along an axis.

    Parameters
    ----------
    arr : array_like or MaskedArray
        Input; flattened first when *axis* is ``None``.
    obj : int, slice, or 1-D sequence of int or bool
        Positions before which to insert (``len`` of the axis appends). A
        single int inserts *values* as one block; a sequence inserts one slice
        per entry. They set the output's shape, so they must be concrete.
    values : array_like or MaskedArray
        Values, cast to *arr*'s dtype and broadcast to the inserted block.
    axis : int, optional
        Axis to insert along.

    Returns
    -------
    array or MaskedArray
        ``np.insert`` on a ``numpy.ma.MaskedArray`` drops the mask; here the
        mask is inserted alongside the data: elements of *arr* keep their mask,
        inserted elements take the mask of *values* (unmasked for plain values).

    Raises
    ------
    DataDependentShapeError
        If *obj* is traced inside ``jax.jit``.
    AxisError
        If *axis* is out of range or a position is out of bounds.
    ArrayShapeError
        If *obj* has more than one dimension or *values* does not broadcast.
    ArrayDTypeError
        If *obj* is neither integers nor booleans.
    """
    xp = backend.xp
    if axis is None:
        arr, axis = xp.reshape(arr, (-1,)), 0
    axis = normalize_axis(axis, arr.ndim, "insert")
    size = arr.shape[axis]
    if isinstance(obj, slice):
        positions = np.arange(*obj.indices(size))
    else:
        positions = np.asarray(obj)
        if positions.dtype == np.bool_:
            positions = np.flatnonzero(positions) if positions.ndim == 1 else positions
        if positions.ndim > 1:
            raise ArrayShapeError(f"{qualname('insert')}: obj must be an int or 1-D, got shape {positions.shape}")
        positions = host_ints("insert", "obj", positions)
    if positions.size and (positions.min() < -size or positions.max() > size):
        raise AxisError(f"{qualname('insert')}: index {obj!r} is out of bounds for axis {axis} with size {size}")
    positions = np.where(positions < 0, positions + size, positions)
    values = xp.asarray(values).astype(arr.dtype)
    if positions.size == 1:  # one block at one place
        values = xp.reshape(values, (1,) * (arr.ndim - values.ndim) + tuple(values.shape))
        if positions.ndim == 0:
            values = xp.moveaxis(values, 0, axis)
        count = values.shape[axis]
        targets = int(positions.reshape(-1)[0]) + np.arange(count)
    else:  # one slice per position, in the order given
        count = positions.size
        targets = positions.reshape(-1).copy()
        targets[np.argsort(targets, kind="stable")] += np.arange(count)
    block_shape = tuple(arr.shape[:axis]) + (count,) + tuple(arr.shape[axis + 1:])
    try:
        block = xp.broadcast_to(values, block_shape)
    except ValueError:
        raise ArrayShapeError(
            f"{qualname('insert')}: values of shape {tuple(values.shape)} do not broadcast to the "
            f"inserted block {block_shape}"
        ) from None
    order = np.empty(size + count, dtype=np.intp)
    inserted = np.zeros(size + count, dtype=bool)
    inserted[targets] = True
    order[targets] = size + np.arange(count)
    order[~inserted] = np.arange(size)
    return gather(backend, xp.concatenate([arr, block], axis=axis), order, axis)
