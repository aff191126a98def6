"""How a routine finds its backend and splits its inputs into data and masks.

Rules, applied to every routine:

* Arrays of a device backend (JAX, CuPy) decide the backend; two different
  device backends in one call raise :class:`~gpucompute.errors.BackendMismatchError`.
* NumPy arrays, NumPy scalars and Python values are host values: they are
  moved to the deciding backend.
* A :class:`MaskedArray` carries its backend explicitly: one on the NumPy
  backend keeps the computation on NumPy when no device array is present.
* With neither, the configured backend computes
  (:func:`gpucompute.config.get_backend`).
"""

from __future__ import annotations

import operator
from typing import Any, Iterable, Sequence

import numpy as np

from gpucompute import backends
from gpucompute.backends import Backend
from gpucompute.config import get_backend
from gpucompute.errors import ArrayShapeError, AxisError, BackendMismatchError

__all__ = [
    "resolve_backend",
    "walk",
    "is_masked",
    "normalize_axis",
    "normalize_axes",
    "check_broadcast",
    "qualname",
]

_PREFIX = "gpucompute.array."


def qualname(routine: str) -> str:
    """The public name a message should use for *routine*."""
    return routine if "." in routine else _PREFIX + routine


def is_masked(obj: Any) -> bool:
    """Whether *obj* is a gpucompute :class:`MaskedArray`."""
    from gpucompute.array._masked_array import MaskedArray

    return isinstance(obj, MaskedArray)


def walk(values: Iterable[Any]) -> Iterable[Any]:
    """The leaves of *values*, descending into (nested) lists and tuples."""
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from walk(value)
        else:
            yield value


def resolve_backend(routine: str, *values: Any) -> Backend:
    """Pick the backend that computes *routine* on *values* (see the module rules).

    Raises
    ------
    BackendMismatchError
        If arrays of two device backends are mixed.
    """
    found: Backend | None = None
    host_masked: Backend | None = None
    for value in walk(values):
        masked = is_masked(value)
        backend = value.backend if masked else backends.backend_of(value)
        if backend is None:
            continue
        if backend.name == "numpy":
            host_masked = host_masked or (backend if masked else None)
            continue
        if found is None:
            found = backend
        elif backend is not found:
            raise BackendMismatchError(
                f"{qualname(routine)}: got arrays from the {found.name!r} and "
                f"{backend.name!r} backends in one call; move them to one backend first "
                f"(e.g. gpucompute.array.asarray(x, backend={found.name!r}))"
            )
    return found or host_masked or get_backend()


def normalize_axis(axis: int, ndim: int, routine: str) -> int:
    """Turn a possibly negative *axis* into ``0 <= axis < ndim``, or raise ``AxisError``."""
    try:
        index = operator.index(axis)
    except TypeError:
        raise AxisError(f"{qualname(routine)}: axis must be an integer, got {axis!r}") from None
    if not -ndim <= index < max(ndim, 1) or (ndim == 0 and index not in (0, -1)):
        raise AxisError(
            f"{qualname(routine)}: axis {axis} is out of bounds for an array of dimension {ndim}"
        )
    return index % ndim if ndim else 0


def normalize_axes(axis: int | Sequence[int] | None, ndim: int, routine: str) -> tuple[int, ...]:
    """Normalise ``None`` (all axes), an int or a tuple of ints to a sorted tuple.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    """
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = tuple(normalize_axis(a, ndim, routine) for a in axis)
    else:
        axes = (normalize_axis(axis, ndim, routine),)
    if len(set(axes)) != len(axes):
        raise AxisError(f"{qualname(routine)}: repeated axis in {axis!r}")
    return tuple(sorted(axes))


def check_broadcast(routine: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast shape of *shapes*, or :class:`ArrayShapeError` naming them."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        listed = ", ".join(str(tuple(s)) for s in shapes)
        raise ArrayShapeError(
            f"{qualname(routine)}: shapes {listed} cannot be broadcast together"
        ) from None
