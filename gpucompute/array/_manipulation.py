"""Shape manipulation, joining, indexing and searching routines (NumPy's semantics).

Most of these routines are *structural*: they move, copy or drop elements
without computing new values, so numpy.ma's result is the same operation done
on the data and on the mask. They are made by one factory from one table,
:data:`STRUCTURAL`: a row names the *core* (``core(backend, *numpy_args)``,
written once over ``backend.xp``; see :mod:`._indexing` and :mod:`._joining`)
and says which arguments are array *operands* (their masks follow the data),
which must be *static* (host values that set the output's shape), which are
index arguments read through ``filled`` when masked, and what changes when the
core runs on the mask (``pad`` fills the mask with ``False``).

Factory rules, for every row:

* Plain inputs run the core once and return plain backend arrays.
* If any argument is a MaskedArray, the core runs again on the masks (an
  all-False mask stands in for each plain operand) and MaskedArrays come back.
* A static argument traced by ``jax.jit`` raises
  :class:`~gpucompute.errors.DataDependentShapeError`; a MaskedArray static
  argument is read through its data (as ``numpy.ma.compress`` reads its condition).

The searching routines whose masked meaning is not structural (``where``,
``nonzero``, ``flatnonzero``, ``argwhere``, ``unique``, ``unravel_index``)
live in :mod:`._searching` and are re-exported here.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError, AxisError, DataDependentShapeError

from . import _indexing, _joining
from ._dispatch import check_broadcast, is_masked, normalize_axes, normalize_axis, qualname, resolve_backend, walk
from ._indexing import Array, ArrayLike, data_of, host_ints, mask_of
from ._masked_array import MaskedArray
from ._searching import argwhere, flatnonzero, nonzero, unique, unravel_index, where

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "broadcast_to", "concatenate",
    "stack", "hstack", "vstack", "dstack", "reshape", "ravel", "squeeze", "transpose", "moveaxis",
    "rollaxis", "roll", "repeat", "tile", "pad", "insert", "take", "compress", "diagonal", "tril",
    "triu", "flatnonzero", "nonzero", "argwhere", "unique", "unravel_index", "where",
]


# -- shape cores (the joining and indexing cores live in _joining and _indexing) -----------------
def _broadcast_to(backend: Backend, array: ArrayLike, shape: int | Sequence[int]) -> Array:
    """Broadcast an array to a given shape (NumPy's broadcasting rules).

    Parameters
    ----------
    array : array_like or MaskedArray
        Input; its mask is broadcast with it.
    shape : int or sequence of int
        Target shape; the input's shape must broadcast to exactly this.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    ArrayShapeError
        If the input's shape does not broadcast to *shape*.
    """
    target = tuple(int(n) for n in host_ints("broadcast_to", "shape", shape).reshape(-1))
    source = tuple(array.shape)
    if len(source) > len(target) or any(s not in (1, t) for s, t in zip(source[::-1], target[::-1])) \
            or any(t < 0 for t in target):
        raise ArrayShapeError(f"{qualname('broadcast_to')}: shape {source} cannot be broadcast to {target}")
    return backend.xp.broadcast_to(array, target)


def _broadcast_arrays(backend: Backend, *args: ArrayLike) -> list[Array]:
    """Broadcast several arrays against each other.

    Parameters
    ----------
    *args : array_like or MaskedArray
        Inputs. With any MaskedArray among them every output is a MaskedArray.

    Returns
    -------
    list of array or MaskedArray
        One per input, all of the common broadcast shape.

    Raises
    ------
    ArrayShapeError
        If the shapes cannot be broadcast together.
    """
    shape = check_broadcast("broadcast_arrays", *(tuple(a.shape) for a in args))
    return [backend.xp.broadcast_to(a, shape) for a in args]


def _reshape(backend: Backend, a: ArrayLike, newshape: int | Sequence[int]) -> Array:
    """Give an array a new shape with the same elements, in C order.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input; its mask is reshaped with it.
    newshape : int or sequence of int
        The new shape; one entry may be ``-1`` (inferred from the size).

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    ArrayShapeError
        If the new shape holds a different number of elements, or has more
        than one ``-1``.
    """
    wanted = host_ints("reshape", "newshape", newshape).reshape(-1)
    size = int(np.prod(a.shape, dtype=np.int64))
    known = int(np.prod(wanted[wanted != -1], dtype=np.int64))
    unknown = int((wanted == -1).sum())
    fits = unknown == 0 and known == size or unknown == 1 and known > 0 and size % known == 0
    if not fits or (wanted < -1).any() or unknown > 1:
        raise ArrayShapeError(
            f"{qualname('reshape')}: cannot reshape an array of shape {tuple(a.shape)} (size {size}) "
            f"into shape {tuple(int(n) for n in wanted)}"
        )
    target = [int(n) for n in wanted]
    if unknown:
        target[target.index(-1)] = size // known if known else 0
    return backend.xp.reshape(a, tuple(target))


def _ravel(backend: Backend, a: ArrayLike) -> Array:
    """Flatten an array to 1-D in C order.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input; its mask is flattened with it (``numpy.ma.ravel``).

    Returns
    -------
    array or MaskedArray
        Shape ``(a.size,)``.
    """
    return backend.xp.reshape(a, (-1,))


def _squeeze(backend: Backend, a: ArrayLike, axis: int | Sequence[int] | None = None) -> Array:
    """Remove axes of length one.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input.
    axis : int or sequence of int, optional
        The axes to remove; by default every length-one axis.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArrayShapeError
        If a selected axis does not have length one.
    """
    if axis is None:
        return backend.xp.squeeze(a)
    axes = normalize_axes(axis, a.ndim, "squeeze")
    if any(a.shape[ax] != 1 for ax in axes):
        raise ArrayShapeError(
            f"{qualname('squeeze')}: axis {axis} of shape {tuple(a.shape)} does not have length one"
        )
    return backend.xp.squeeze(a, axis=axes)


def _permutation(routine: str, axes: Sequence[int], ndim: int) -> tuple[int, ...]:
    order = tuple(normalize_axis(ax, ndim, routine) for ax in axes)
    if sorted(order) != list(range(ndim)):
        raise AxisError(f"{qualname(routine)}: axes {tuple(axes)} are not a permutation of the {ndim} axes")
    return order


def _transpose(backend: Backend, a: ArrayLike, axes: Sequence[int] | None = None) -> Array:
    """Permute the axes of an array.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input; its mask is permuted with it.
    axes : sequence of int, optional
        The new order of the axes; by default they are reversed.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    AxisError
        If *axes* is not a permutation of the array's axes.
    """
    order = tuple(range(a.ndim))[::-1] if axes is None else _permutation("transpose", axes, a.ndim)
    return backend.xp.transpose(a, order)


def _moveaxis(backend: Backend, a: ArrayLike, source: int | Sequence[int],
              destination: int | Sequence[int]) -> Array:
    """Move axes to new positions, keeping the others in order.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input.
    source, destination : int or sequence of int
        Original and new positions of the moved axes (same count).

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    AxisError
        If an axis is out of range or repeated, or the counts differ.
    """
    src = [normalize_axis(ax, a.ndim, "moveaxis") for ax in np.atleast_1d(source).tolist()]
    dst = [normalize_axis(ax, a.ndim, "moveaxis") for ax in np.atleast_1d(destination).tolist()]
    if len(src) != len(dst) or len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise AxisError(f"{qualname('moveaxis')}: source {source!r} and destination {destination!r} must be "
                        "the same number of distinct axes")
    rest = iter(ax for ax in range(a.ndim) if ax not in src)
    placed = dict(zip(dst, src))
    order = [placed[d] if d in placed else next(rest) for d in range(a.ndim)]
    return backend.xp.transpose(a, tuple(order))


def _rollaxis(backend: Backend, a: ArrayLike, axis: int, start: int = 0) -> Array:
    """Move one axis so that it lies before position *start* (an older form of :func:`moveaxis`).

    Parameters
    ----------
    a : array_like or MaskedArray
        Input.
    axis : int
        The axis to move.
    start : int, default 0
        The axis is placed before the axis now at *start* (``a.ndim`` moves it last).

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    AxisError
        If *axis* is out of range or *start* outside ``[-ndim, ndim]``.
    """
    ndim = a.ndim
    axis = normalize_axis(axis, ndim, "rollaxis")
    start = int(start) + ndim if int(start) < 0 else int(start)
    if not 0 <= start <= ndim:
        raise AxisError(f"{qualname('rollaxis')}: start {start} is out of range for an array of dimension {ndim}")
    order = [ax for ax in range(ndim) if ax != axis]
    order.insert(start - 1 if axis < start else start, axis)
    return backend.xp.transpose(a, tuple(order))


# -- the table and the factory -------------------------------------------------------------------
ONE, MANY = "one", "many"


@dataclass(frozen=True)
class Structural:
    """One row of :data:`STRUCTURAL`.

    Attributes
    ----------
    core : callable
        ``core(backend, *args)`` with the routine's NumPy signature after ``backend``.
    operands : mapping of str to {"one", "many"}
        Parameters holding one array or a sequence of arrays whose masks follow the data.
    static : tuple of str
        Parameters that set the output's shape: must be concrete, moved to the host.
    filled : mapping of str to scalar
        Index parameters: a masked one is read through ``filled(value)`` and its
        mask handed to :attr:`extra_mask`.
    on_mask : mapping of str to value or callable
        Parameter values for the run on the mask (a callable maps the given value).
    extra_mask : callable, optional
        ``extra_mask(xp, arguments, mask, index_masks)`` adds the masks of :attr:`filled` parameters.
    """

    core: Callable[..., Any]
    operands: Mapping[str, str]
    static: tuple[str, ...] = ()
    filled: Mapping[str, Any] = field(default_factory=dict)
    on_mask: Mapping[str, Any] = field(default_factory=dict)
    extra_mask: Callable[..., Any] | None = None


_A = {"a": ONE}
#: The structural routines: public name -> row.
STRUCTURAL: dict[str, Structural] = {
    "atleast_1d": Structural(_joining.atleast_1d, {"arys": MANY}),
    "atleast_2d": Structural(_joining.atleast_2d, {"arys": MANY}),
    "atleast_3d": Structural(_joining.atleast_3d, {"arys": MANY}),
    "broadcast_arrays": Structural(_broadcast_arrays, {"args": MANY}),
    "broadcast_to": Structural(_broadcast_to, {"array": ONE}, static=("shape",)),
    "concatenate": Structural(_joining.concatenate, {"arrays": MANY}),
    "stack": Structural(_joining.stack, {"arrays": MANY}),
    "hstack": Structural(_joining.hstack, {"tup": MANY}),
    "vstack": Structural(_joining.vstack, {"tup": MANY}),
    "dstack": Structural(_joining.dstack, {"tup": MANY}),
    "reshape": Structural(_reshape, _A, static=("newshape",)),
    "ravel": Structural(_ravel, _A),
    "squeeze": Structural(_squeeze, _A),
    "transpose": Structural(_transpose, _A),
    "moveaxis": Structural(_moveaxis, _A),
    "rollaxis": Structural(_rollaxis, _A),
    "roll": Structural(_indexing.roll, _A),
    "repeat": Structural(_indexing.repeat, _A, static=("repeats",)),
    "tile": Structural(_indexing.tile, {"A": ONE}, static=("reps",)),
    "pad": Structural(_joining.pad, {"array": ONE}, static=("pad_width",),
                      on_mask={"constant_values": False, "mode": _joining.pad_mask_mode}),
    "insert": Structural(_joining.insert, {"arr": ONE, "values": ONE}, static=("obj",)),
    "take": Structural(_indexing.take, _A, filled={"indices": 0}, extra_mask=_indexing.take_index_mask),
    "compress": Structural(_indexing.compress, _A, static=("condition",)),
    "diagonal": Structural(_indexing.diagonal, _A),
    "tril": Structural(_indexing.tril, {"m": ONE}),
    "triu": Structural(_indexing.triu, {"m": ONE}),
}


def _as_list(routine: str, value: Any) -> list[Any]:
    """A sequence operand as a list (an array counts as the sequence of its rows)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if (value.ndim if hasattr(value, "ndim") else np.ndim(value)) == 0:
        raise ArrayShapeError(f"{qualname(routine)}: expected a sequence of arrays, got {type(value).__name__}")
    return [value[i] for i in range(len(value))]


def _concrete(routine: str, name: str, value: Any, backend: Backend) -> Any:
    """A static argument as a host value; traced values raise DataDependentShapeError."""
    if is_masked(value):
        value = value.data
    if any(backend.is_tracer(v) for v in walk([value])):
        raise DataDependentShapeError(
            f"{qualname(routine)}: {name!r} sets the shape of the result, so it must be known before the "
            "computation runs, but it is traced inside jax.jit; pass a host value (a list or NumPy "
            "array) or call the routine outside jit"
        )
    return backend.to_numpy(value) if backend.is_native(value) else value


def _call(row: Structural, backend: Backend, params: Sequence[inspect.Parameter],
          arguments: Mapping[str, Any], operands: Mapping[str, Any]) -> Any:
    args: list[Any] = []
    for param in params:
        value = operands.get(param.name, arguments[param.name])
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(value)
        else:
            args.append(value)
    return row.core(backend, *args)


def _make(name: str, row: Structural) -> Callable[..., Any]:
    signature = inspect.signature(row.core)
    params = list(signature.parameters.values())[1:]
    public = signature.replace(parameters=params)

    def routine(*args: Any, **kwargs: Any) -> Any:
        bound = public.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        backend = resolve_backend(name, *arguments.values())
        xp = backend.xp
        masked = any(is_masked(v) for v in walk(arguments.values()))
        for key in row.static:
            arguments[key] = _concrete(name, key, arguments[key], backend)
        index_masks = {}
        for key, fill in row.filled.items():
            if is_masked(arguments[key]):
                index = arguments[key].to_backend(backend)
                index_masks[key], arguments[key] = index.mask, index.filled(fill)
        given = {key: [arguments[key]] if kind == ONE else _as_list(name, arguments[key])
                 for key, kind in row.operands.items()}
        datas = {key: [data_of(v, backend) for v in vs] for key, vs in given.items()}
        unpack = {key: vs[0] if row.operands[key] == ONE else vs for key, vs in datas.items()}
        result = _call(row, backend, params, arguments, unpack)
        if not masked:
            return [xp.asarray(r) for r in result] if isinstance(result, list) else xp.asarray(result)
        masks = {key: [mask_of(v, backend, d) for v, d in zip(given[key], datas[key])] for key in given}
        unpack = {key: ms[0] if row.operands[key] == ONE else ms for key, ms in masks.items()}
        mask_arguments = dict(arguments)
        for key, override in row.on_mask.items():
            mask_arguments[key] = override(arguments[key]) if callable(override) else override
        mask = _call(row, backend, params, mask_arguments, unpack)
        if index_masks and row.extra_mask is not None:
            mask = row.extra_mask(xp, arguments, mask, index_masks)
        first = next(iter(given.values()), [None])
        fill = first[0]._fill_value if len(first) == 1 and is_masked(first[0]) else None
        if isinstance(result, list):
            return [MaskedArray._new(xp.asarray(r), xp.asarray(m), backend) for r, m in zip(result, mask)]
        return MaskedArray._new(xp.asarray(result), xp.asarray(mask), backend, fill)

    routine.__name__ = routine.__qualname__ = name
    routine.__module__ = "gpucompute.array"
    routine.__doc__ = row.core.__doc__
    routine.__signature__ = public  # type: ignore[attr-defined]
    routine.__annotations__ = {k: v for k, v in row.core.__annotations__.items() if k != "backend"}
    return routine


for _name, _row in STRUCTURAL.items():
    globals()[_name] = _make(_name, _row)
del _name, _row
