"""MaskedArray: a device array of data plus a boolean mask (``True`` = masked/invalid).

The convention is numpy.ma's: a masked element is not part of any reduction,
propagates through elementwise operations, and comes back to the host as a
masked element of a ``numpy.ma.MaskedArray``. Unlike numpy.ma the mask is
always a full boolean array of the data's shape (never ``nomask``), which keeps
every operation shape-stable and therefore jit-compilable.

A MaskedArray is immutable, like a JAX array: operations return new arrays.
On JAX it is a pytree, so it passes through ``jax.jit`` and ``jax.vmap``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from gpucompute import backends
from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError, ArrayDTypeError

from ._dispatch import is_masked, resolve_backend

__all__ = ["MaskedArray", "default_fill_value", "masked_array", "asarray", "getdata", "getmaskarray"]


@functools.lru_cache(maxsize=64)
def _default_fill_value(dtype: np.dtype) -> Any:
    return np.ma.array(np.zeros(1, dtype=dtype)).fill_value.item()


def default_fill_value(dtype: Any) -> Any:
    """numpy.ma's default fill value for *dtype* (``1e20`` for floats, ``999999`` for ints...)."""
    return _default_fill_value(np.dtype(dtype))


class MaskedArray:
    """Data and mask on one backend's device.

    Parameters
    ----------
    data : array_like
        Values: a backend array, a NumPy array, a ``numpy.ma.MaskedArray``
        (its mask is combined with *mask*), a nested list or a scalar.
    mask : array_like of bool, optional
        ``True`` where *data* is invalid. Broadcast to the data's shape.
        Defaults to nothing masked.
    fill_value : scalar, optional
        The value :meth:`filled` writes under the mask; numpy.ma's default
        for the dtype when omitted.
    dtype : dtype, optional
        Cast the data to this dtype.
    backend : str or Backend, optional
        Where to put the arrays; by default the backend of *data* if it is a
        device array, else the configured backend.

    Raises
    ------
    ArrayShapeError
        If the mask does not broadcast to the data's shape.
    ArrayDTypeError
        If the mask is not boolean.
    """

    __slots__ = ("_data", "_mask", "_fill_value", "_backend")
    __array_priority__ = 20

    def __init__(
        self,
        data: Any,
        mask: Any = False,
        fill_value: Any = None,
        *,
        dtype: Any = None,
        backend: str | Backend | None = None,
    ) -> None:
        if isinstance(backend, str):
            backend = backends.get(backend)
        inner_mask = None
        if is_masked(data):
            inner_mask = data.mask
            fill_value = data._fill_value if fill_value is None else fill_value
            backend = backend or data.backend
            data = data.data
        elif isinstance(data, np.ma.MaskedArray):
            inner_mask = np.ma.getmaskarray(data)
            if fill_value is None and getattr(data, "_fill_value", None) is not None:
                fill_value = np.asarray(data._fill_value).item()  # only a fill value the user set
            data = np.ma.getdata(data)
        if backend is None:
            backend = resolve_backend("MaskedArray", data, mask)
        xp = backend.xp
        if not backend.is_native(data):
            data = backend.asarray(data)
        if dtype is not None:
            data = data.astype(backend.canonical_dtype(dtype))
        mask = _as_device_mask(mask, backend)
        if inner_mask is not None:
            mask = xp.logical_or(mask, _as_device_mask(inner_mask, backend))
        if tuple(mask.shape) != tuple(data.shape):
            try:
                mask = xp.broadcast_to(mask, data.shape)
            except ValueError:
                raise ArrayShapeError(
                    f"gpucompute.array.MaskedArray: mask of shape {tuple(mask.shape)} does not "
                    f"broadcast to the data's shape {tuple(data.shape)}"
                ) from None
        self._data = data
        self._mask = mask
        self._fill_value = fill_value
        self._backend = backend

    # -- construction without checks (for routines that already hold device arrays)
    @classmethod
    def _new(cls, data: Any, mask: Any, backend: Backend, fill_value: Any = None) -> "MaskedArray":
        """Wrap device arrays *data* and *mask* (same shape, bool mask) without validation."""
        out = object.__new__(cls)
        out._data = data
        out._mask = mask
        out._fill_value = fill_value
        out._backend = backend
        return out

    @classmethod
    def from_numpy(cls, array: Any, *, backend: str | Backend | None = None) -> "MaskedArray":
        """Move a ``numpy.ma.MaskedArray`` (or plain ndarray) to a backend's device."""
        return cls(array, backend=backend or _configured())

    # -- basic attributes
    @property
    def data(self) -> Any:
        """The values, masked ones included, as a backend array."""
        return self._data

    @property
    def mask(self) -> Any:
        """The boolean mask (``True`` = masked) as a backend array of the data's shape."""
        return self._mask

    @property
    def backend(self) -> Backend:
        """The backend whose device holds the arrays."""
        return self._backend

    @property
    def fill_value(self) -> Any:
        """The value :meth:`filled` uses by default."""
        if self._fill_value is None:
            return default_fill_value(self.dtype)
        return self._fill_value

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self._data.dtype)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        return len(self._data.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def T(self) -> "MaskedArray":
        return self.transpose()

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized (0-d) MaskedArray")
        return self.shape[0]

    # -- conversions
    def filled(self, fill_value: Any = None) -> Any:
        """Data with masked elements replaced by *fill_value* (default :attr:`fill_value`)."""
        value = self.fill_value if fill_value is None else fill_value
        xp = self._backend.xp
        fill = xp.asarray(value).astype(self._data.dtype)
        return xp.where(self._mask, fill, self._data)

    def compressed(self) -> Any:
        """The unmasked elements as a 1-D backend array (shape depends on the data: not jittable)."""
        return self._data.reshape(-1)[~self._mask.reshape(-1)]

    def count(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Number of unmasked elements along *axis*."""
        return self._reduce("count", axis=axis, keepdims=keepdims)

    def astype(self, dtype: Any) -> "MaskedArray":
        """Cast the data to *dtype*; the mask is kept."""
        dtype = self._backend.canonical_dtype(dtype)
        return MaskedArray._new(self._data.astype(dtype), self._mask, self._backend, self._fill_value)

    def to_numpy(self) -> np.ma.MaskedArray:
        """Copy to the host as a ``numpy.ma.MaskedArray``."""
        data = self._backend.to_numpy(self._data)
        mask = self._backend.to_numpy(self._mask)
        out = np.ma.MaskedArray(data, mask=mask)
        if self._fill_value is not None:
            try:
                out.fill_value = self._fill_value
            except (OverflowError, TypeError, ValueError):
                pass  # numpy.ma refuses fill values outside the dtype; keep its default
        return out

    def to_backend(self, backend: str | Backend) -> "MaskedArray":
        """The same array on another backend (copies through the host when needed)."""
        if isinstance(backend, str):
            backend = backends.get(backend)
        if backend is self._backend:
            return self
        data = backend.asarray(self._backend.to_numpy(self._data))
        mask = backend.asarray(self._backend.to_numpy(self._mask))
        return MaskedArray._new(data, mask, backend, self._fill_value)

    def copy(self) -> "MaskedArray":
        return MaskedArray._new(self._data.copy(), self._mask.copy(), self._backend, self._fill_value)

    def getdata(self) -> Any:
        """The data as a backend array (like ``numpy.ma.getdata``)."""
        return self._data

    def getmaskarray(self) -> Any:
        """The full boolean mask (like ``numpy.ma.getmaskarray``)."""
        return self._mask

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        # Plain NumPy sees the filled data, as numpy.ma does through np.asarray.
        data = self._backend.to_numpy(self._data)
        return data.astype(dtype) if dtype is not None else data

    def item(self) -> Any:
        """The single element as a Python scalar, or ``numpy.ma.masked`` if it is masked."""
        if self.size != 1:
            raise ArrayShapeError(
                f"gpucompute.array.MaskedArray.item: only size-1 arrays convert to a scalar, got shape {self.shape}"
            )
        if bool(self._backend.to_numpy(self._mask).reshape(-1)[0]):
            return np.ma.masked
        return self._backend.to_numpy(self._data).reshape(-1)[0].item()

    def __bool__(self) -> bool:
        value = self.item()
        if value is np.ma.masked:
            return False
        return bool(value)

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def _scalar(self, kind: str) -> Any:
        value = self.item()
        if value is np.ma.masked:
            raise ArrayDTypeError(f"cannot convert a masked element to {kind}; fill it first with .filled()")
        return value

    # -- shape methods (same operation on data and mask)
    def reshape(self, *shape: Any) -> "MaskedArray":
        from gpucompute.array import _manipulation

        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _manipulation.reshape(self, shape)

    def transpose(self, *axes: Any) -> "MaskedArray":
        from gpucompute.array import _manipulation

        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _manipulation.transpose(self, axes or None)

    def flatten(self) -> "MaskedArray":
        return MaskedArray._new(self._data.reshape(-1), self._mask.reshape(-1), self._backend, self._fill_value)

    ravel = flatten

    def __getitem__(self, index: Any) -> "MaskedArray":
        index = _device_index(index, self._backend)
        return MaskedArray._new(self._data[index], self._mask[index], self._backend, self._fill_value)

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError(
            "gpucompute MaskedArray is immutable (like a JAX array); build a new one with "
            "gpucompute.array.where(condition, value, arr) or arr.set(index, value)"
        )

    def set(self, index: Any, value: Any) -> "MaskedArray":
        """A copy with ``[index] = value``; a masked *value* masks, a plain one unmasks."""
        index = _device_index(index, self._backend)
        xp = self._backend.xp
        if is_masked(value):
            data, mask = value.data, value.mask
        else:
            data, mask = xp.asarray(value, dtype=self._data.dtype), False
        return MaskedArray._new(
            self._backend.set_at(self._data, index, data),
            self._backend.set_at(self._mask, index, mask),
            self._backend,
            self._fill_value,
        )

    # -- reductions as methods
    def _reduce(self, name: str, **kwargs: Any) -> Any:
        from gpucompute.array import _reductions

        return getattr(_reductions, name)(self, **kwargs)

    # -- NumPy protocols: np.<ufunc>(x) and np.<function>(x) run gpucompute's routines
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from gpucompute.array import _ufuncs

        if method != "__call__" or kwargs.get("out") is not None:
            return NotImplemented
        impl = _ufuncs.UFUNCS_BY_NUMPY_NAME.get(ufunc.__name__)
        if impl is None:
            return NotImplemented
        return impl(*inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        from gpucompute import array as gp_array

        impl = gp_array.numpy_function_for(func)
        if impl is None:
            return NotImplemented
        return impl(*args, **kwargs)

    def __repr__(self) -> str:
        host = self.to_numpy()
        body = repr(host).replace("masked_array(", "MaskedArray(", 1)
        return f"{body[:-1]}, backend={self._backend.name!r})" if body.endswith(")") else body

    __str__ = __repr__


def _as_device_mask(mask: Any, backend: Backend) -> Any:
    """A boolean device array from a mask argument (bool, array of bool or 0/1 ints)."""
    if backend.is_native(mask):
        if mask.dtype != backend.xp.bool_:
            raise ArrayDTypeError(
                f"gpucompute.array.MaskedArray: the mask must be boolean, got dtype {mask.dtype}"
            )
        return mask
    host = np.asarray(mask.data if is_masked(mask) else mask)
    if host.dtype != np.bool_:
        if host.dtype.kind not in "iu":
            raise ArrayDTypeError(
                f"gpucompute.array.MaskedArray: the mask must be boolean, got dtype {host.dtype}"
            )
        host = host.astype(bool)
    return backend.asarray(host)


def _device_index(index: Any, backend: Backend) -> Any:
    """Turn MaskedArray and host-array indices into something the backend accepts."""
    if isinstance(index, tuple):
        return tuple(_device_index(i, backend) for i in index)
    if is_masked(index):
        index = index.filled(False) if index.dtype == np.bool_ else index.data
    if isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and backend.name != "numpy":
        index = backend.asarray(index)
    return index


def _configured() -> Backend:
    from gpucompute.config import get_backend

    return get_backend()


def masked_array(data: Any, mask: Any = False, fill_value: Any = None, *, dtype: Any = None,
                 backend: str | Backend | None = None) -> MaskedArray:
    """Build a :class:`MaskedArray` (``numpy.ma.masked_array`` analogue)."""
    return MaskedArray(data, mask, fill_value, dtype=dtype, backend=backend)


def asarray(obj: Any, dtype: Any = None, *, backend: str | Backend | None = None) -> Any:
    """Put *obj* on a backend's device.

    A ``numpy.ma.MaskedArray`` or :class:`MaskedArray` becomes a
    :class:`MaskedArray`; anything else becomes a plain backend array.
    """
    if isinstance(backend, str):
        backend = backends.get(backend)
    if is_masked(obj) or isinstance(obj, np.ma.MaskedArray):
        out = MaskedArray(obj, dtype=dtype, backend=backend)
        return out
    backend = backend or resolve_backend("asarray", obj)
    if backend.is_native(obj) and dtype is None:
        return obj
    return backend.asarray(obj, dtype=dtype)


def getdata(a: Any) -> Any:
    """The data of a MaskedArray, or *a* itself."""
    return a.data if is_masked(a) else a


def getmaskarray(a: Any) -> Any:
    """The full mask of a MaskedArray, or an all-False mask of *a*'s shape on its backend."""
    if is_masked(a):
        return a.mask
    backend = resolve_backend("getmaskarray", a)
    return backend.xp.zeros(np.shape(a), dtype=bool)


def _flatten(arr: MaskedArray) -> tuple[tuple[Any, Any], tuple[Any, str]]:
    return (arr._data, arr._mask), (arr._fill_value, arr._backend.name)


def _unflatten(aux: tuple[Any, str], children: tuple[Any, Any]) -> MaskedArray:
    out = object.__new__(MaskedArray)
    out._data, out._mask = children
    out._fill_value = aux[0]
    out._backend = backends.get(aux[1])
    return out


def _register(backend: Backend) -> None:
    register = getattr(backend, "register_container", None)
    if register is not None:
        register(MaskedArray, _flatten, _unflatten)


backends.on_load(_register)
