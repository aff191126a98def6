"""``MaskedArray``: a lazy ``numpy.ma.MaskedArray`` (``True`` in the mask = invalid).

``Image.ndarray`` and ``ImageCollection.ndarray`` are MaskedArrays; local ones
are made with ``wf.MaskedArray(data, mask, fill_value)`` (recorded as
``["wf.maskedarray.create", data, mask, fill_value]``) or
``wf.MaskedArray.from_numpy``.  ``compute`` gives a ``numpy.ma.MaskedArray``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError
from gpucompute.types.array import Array, BaseArray, _from_any
from gpucompute.types.core import _short, promote, type_name
from gpucompute.types.scalar import Scalar

__all__ = ["MaskedArray"]


def _fill_types() -> tuple[type, ...]:
    from gpucompute.types.primitives import Bool, Float, Int, NoneType

    return (Bool, Int, Float, Scalar, Array, NoneType)


class MaskedArray(BaseArray):
    """A lazy masked array.

    Parameters
    ----------
    data : Array, numpy.ndarray or nested list
        The values.
    mask : bool, Bool, Array, numpy.ndarray or nested list of bool, default False
        ``True`` where ``data`` is invalid; broadcast to the data's shape.
    fill_value : number, Scalar, Array or None, optional
        What :meth:`filled` writes under the mask (NumPy's default for the dtype if None).

    Raises
    ------
    ProxyTypeError
        If a local mask is not boolean, or an argument has an unsupported type.
    """

    __slots__ = ()

    def __init__(self, data: Any, mask: Any = False, fill_value: Any = None) -> None:
        from gpucompute.types.primitives import Bool

        data_p = promote(data, Array, "MaskedArray data")
        if isinstance(mask, (np.ndarray, list, tuple)) and np.asarray(mask).dtype != np.bool_:
            raise ProxyTypeError(
                f"MaskedArray mask: must be boolean (True = masked), got dtype {np.asarray(mask).dtype} "
                f"({_short(mask)}); convert it with mask.astype(bool)"
            )
        mask_p = promote(mask, (Bool, Array), "MaskedArray mask")
        fill_p = promote(_plain(fill_value), _fill_types(), "MaskedArray fill_value")
        proxy = MaskedArray._from_apply("wf.maskedarray.create", data_p, mask_p, fill_p)
        for name in ("graft", "params", "_param_name"):
            object.__setattr__(self, name, getattr(proxy, name))

    @classmethod
    def from_numpy(cls, arr: Any) -> MaskedArray:
        """A MaskedArray holding a copy of the local ``numpy.ma.MaskedArray`` (or ndarray) ``arr``."""
        if not isinstance(arr, np.ndarray):
            raise ProxyTypeError(
                f"MaskedArray.from_numpy: expected a numpy.ma.MaskedArray, got {type_name(arr)} ({_short(arr)})"
            )
        mask = np.ma.getmask(arr)
        user_fill = getattr(arr, "_fill_value", None)
        fill_value = None if user_fill is None else np.asarray(user_fill).item()
        return cls(np.ma.getdata(arr), bool(mask) if mask is np.ma.nomask else mask, fill_value)

    @classmethod
    def _promote(cls, value: Any) -> MaskedArray:
        if isinstance(value, cls):
            return value
        if isinstance(value, np.ma.MaskedArray):
            return cls.from_numpy(value)
        return _from_any(cls, value)

    @classmethod
    def _unmarshal(cls, value: Any) -> np.ma.MaskedArray:
        return value if isinstance(value, np.ma.MaskedArray) else np.ma.asarray(value)

    def getdata(self) -> Array:
        """The values, masked or not, as an Array (``wf.maskedarray.getdata``)."""
        return Array._from_apply("wf.maskedarray.getdata", self)

    def getmaskarray(self) -> Array:
        """The full boolean mask as an Array (``wf.maskedarray.getmaskarray``)."""
        return Array._from_apply("wf.maskedarray.getmaskarray", self)

    def filled(self, fill_value: Any = None) -> Array:
        """An Array with the masked values replaced by ``fill_value`` (this array's fill value if None)."""
        fill_p = promote(_plain(fill_value), _fill_types(), "MaskedArray.filled fill_value")
        return Array._from_apply("wf.maskedarray.filled", self, fill_p)

    def count(self, axis: Any = None) -> Any:
        """The number of unmasked values along ``axis``: a Scalar for ``axis=None``, else an Array (``wf.count``)."""
        from gpucompute.types.containers import List
        from gpucompute.types.primitives import Int, NoneType

        axis_p = promote(axis, (NoneType, Int, List[Int]), "MaskedArray.count axis")
        result = Scalar if isinstance(axis_p, NoneType) else Array
        return result._from_apply("wf.count", self, axis_p)

    def compressed(self) -> Array:
        """The unmasked values as a 1-D Array (``wf.maskedarray.compressed``)."""
        return Array._from_apply("wf.maskedarray.compressed", self)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python numbers, so they can be graft literals."""
    if isinstance(value, np.generic):
        return value.item()
    return value

