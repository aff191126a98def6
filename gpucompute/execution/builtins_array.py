"""Execution builtins of the array proxies: ``wf.array.*``, ``wf.maskedarray.*``, ``wf.count``,
``wf.scalar.create`` and ``wf.dtype.create``.

Arrays are made on the configured backend and stay there (backend arrays, or
:class:`gpucompute.array.MaskedArray`); ``compute`` moves the final value to
the host.  A boolean index whose values are traced has a data-dependent shape
and raises :class:`~gpucompute.errors.DataDependentShapeError`, so a compiled
program falls back to eager evaluation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import gpucompute.array as ga
from gpucompute import backends
from gpucompute.errors import ArrayDTypeError, DataDependentShapeError
from gpucompute.graft.registry import BUILTINS

__all__ = ["ARRAY_BUILTINS", "as_device", "cast"]


def _configured() -> Any:
    from gpucompute.config import get_backend

    return get_backend()


def _backend(value: Any) -> Any:
    if isinstance(value, ga.MaskedArray):
        return value.backend
    found = backends.backend_of(value)
    return found if found is not None and found.name != "numpy" else _configured()


def as_device(value: Any) -> Any:
    """``value`` as a backend array (or MaskedArray) on the configured backend."""
    if isinstance(value, ga.MaskedArray):
        return value
    backend = _backend(value)
    return value if backend.is_native(value) else backend.asarray(value)


def cast(value: Any, dtype: Any) -> Any:
    """``value.astype(dtype)`` with the backend's version of ``dtype`` (float64 is float32 on JAX)."""
    value = as_device(value)
    if isinstance(value, ga.MaskedArray):
        return value.astype(dtype)
    return value.astype(_backend(value).canonical_dtype(dtype))


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in (value.shape if hasattr(value, "shape") else np.shape(value)))


def create(value: Any, dtype: Any = None) -> Any:
    """``wf.array.create``: a nested list (or number) as an array on the configured backend.

    With a float ``dtype``, the strings ``"nan"``, ``"inf"`` and ``"-inf"`` stand for those values.
    """
    backend = _configured()
    host = np.asarray(value, dtype=dtype)
    if host.dtype.kind not in "biuf":
        raise ArrayDTypeError(f"wf.array.create: expected numbers or bools, got {np.asarray(value).dtype} values")
    return backend.asarray(host, dtype=backend.canonical_dtype(host.dtype))


def _index(index: Any, backend: Any) -> Any:
    """An index as the backend takes it; a traced boolean index raises DataDependentShapeError."""
    if isinstance(index, tuple):
        return tuple(_index(i, backend) for i in index)
    if isinstance(index, list):
        index = np.asarray(index) if index else np.zeros(0, dtype=int)
    elif isinstance(index, ga.MaskedArray):
        index = index.filled(False) if index.dtype == np.bool_ else index.data
    if backend.is_tracer(index) and np.dtype(index.dtype) == np.bool_:
        raise DataDependentShapeError(
            "wf.array.getitem: indexing with a boolean array gives a shape that depends on its values"
        )
    return index


def getitem(array: Any, index: Any) -> Any:
    """``wf.array.getitem``: NumPy indexing on the device."""
    array = as_device(array)
    backend = _backend(array)
    return array[_index(index, backend)]


def create_masked(data: Any, mask: Any = False, fill_value: Any = None) -> Any:
    """``wf.maskedarray.create``: data, mask (True = invalid) and fill value as a device MaskedArray."""
    data = as_device(data)
    if hasattr(fill_value, "shape"):
        if _backend(fill_value).is_tracer(fill_value):
            raise DataDependentShapeError("wf.maskedarray.create: a computed fill_value must be concrete")
        fill_value = np.asarray(fill_value).item() if _shape(fill_value) == () else None
    return ga.MaskedArray(data, mask, fill_value, backend=_backend(data))


def filled(array: Any, fill_value: Any = None) -> Any:
    """``wf.maskedarray.filled``: masked elements replaced (plain arrays are returned unchanged)."""
    return array.filled(fill_value) if isinstance(array, ga.MaskedArray) else as_device(array)


def compressed(array: Any) -> Any:
    """``wf.maskedarray.compressed``: the unmasked elements, 1-D."""
    if isinstance(array, ga.MaskedArray):
        if array.backend.is_tracer(array.mask):
            raise DataDependentShapeError("wf.maskedarray.compressed: the output length depends on the mask")
        return array.compressed()
    return as_device(array).reshape(-1)


#: name -> implementation, registered at import.
ARRAY_BUILTINS: dict[str, Any] = {
    "wf.array.create": create,
    "wf.array.getitem": getitem,
    "wf.array.dtype": lambda array: np.dtype(getattr(array, "dtype", None) or np.asarray(array).dtype),
    "wf.array.ndim": lambda array: len(_shape(array)),
    "wf.array.shape": lambda array: list(_shape(array)),
    "wf.array.size": lambda array: int(math.prod(_shape(array))),
    "wf.array.astype": cast,
    "wf.array.flatten": lambda array: as_device(array).reshape(-1),
    "wf.maskedarray.create": create_masked,
    "wf.maskedarray.getdata": lambda array: ga.getdata(as_device(array)),
    "wf.maskedarray.getmaskarray": lambda array: ga.getmaskarray(as_device(array)),
    "wf.maskedarray.filled": filled,
    "wf.maskedarray.compressed": compressed,
    "wf.count": lambda array, axis=None: ga.count(as_device(array), axis=axis),
    "wf.scalar.create": lambda value: as_device(value),
    "wf.dtype.create": lambda name: np.dtype(name),
}

for _name, _builtin in ARRAY_BUILTINS.items():
    BUILTINS.add(_name, _builtin)
