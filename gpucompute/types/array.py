"""``Array``: a lazy NumPy array, and ``BaseArray``, what Array and MaskedArray share.

An Array is built from a small local array (``wf.Array([[1, 2], [3, 4]])``,
``wf.Array.from_numpy(a)``), comes out of an image (``img.ndarray`` is a
MaskedArray), or results from ``wf.numpy`` routines.  Operators, reductions
and NumPy's own functions (``np.square(arr)``) record ``wf.numpy`` grafts;
indexing records ``wf.array.getitem`` and is checked when written (see
:func:`typecheck_getitem`).  ``compute`` gives a ``numpy.ndarray``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError
from gpucompute.types.core import NumPyMixin, Proxytype, _short, type_name
from gpucompute.types.dtype import DType
from gpucompute.types.scalar import UfuncOperators

__all__ = ["ARRAY_KINDS", "Array", "BaseArray", "typecheck_getitem"]

#: NumPy dtype kinds an Array may be made from (bool, signed integer, float).
ARRAY_KINDS = "bif"


def _numpy():
    import gpucompute.numpy as wnp

    return wnp


class BaseArray(UfuncOperators, NumPyMixin, Proxytype):
    """What Array and MaskedArray share: attributes, conversions, indexing, reductions, operators."""

    __slots__ = ("_literal_value",)
    _compiled = True

    @property
    def dtype(self) -> DType:
        """The data type, as a DType proxy (``wf.array.dtype``)."""
        return DType._from_apply("wf.array.dtype", self)

    @property
    def ndim(self) -> Any:
        """The number of dimensions, as an Int proxy (``wf.array.ndim``)."""
        from gpucompute.types.primitives import Int

        return Int._from_apply("wf.array.ndim", self)

    @property
    def shape(self) -> Any:
        """The shape, as a ``List[Int]`` proxy (``wf.array.shape``)."""
        from gpucompute.types.containers import List
        from gpucompute.types.primitives import Int

        return List[Int]._from_apply("wf.array.shape", self)

    @property
    def size(self) -> Any:
        """The number of elements, as an Int proxy (``wf.array.size``)."""
        from gpucompute.types.primitives import Int

        return Int._from_apply("wf.array.size", self)

    @property
    def literal_value(self) -> Any:
        """The local NumPy array this proxy was made from, or None if it was not made from one."""
        return getattr(self, "_literal_value", None)

    def astype(self, dtype: Any) -> BaseArray:
        """A copy cast to ``dtype`` (a NumPy dtype, ``int``/``float``/``bool`` or a DType; ``wf.array.astype``)."""
        return type(self)._from_apply("wf.array.astype", self, DType._promote(dtype))

    def flatten(self) -> BaseArray:
        """The elements as a 1-D array (``wf.array.flatten``)."""
        return type(self)._from_apply("wf.array.flatten", self)

    def reshape(self, *newshape: Any) -> BaseArray:
        """The same data with a new shape: ``arr.reshape(2, -1)`` or ``arr.reshape((2, -1))`` (``wf.numpy.reshape``)."""
        if len(newshape) == 1 and isinstance(newshape[0], (tuple, list, Proxytype)):
            newshape = newshape[0]
        shape = list(newshape) if isinstance(newshape, tuple) else newshape
        return _numpy().reshape(self, shape)

    def to_imagery(self, properties: Any = None, bandinfo: Any = None) -> Any:
        """An ImageCollection made of this array (3-D: one image, 4-D: one per first index; ``wf.to_imagery``).

        As in Workflows, the result is always an ImageCollection (a 3-D array
        gives a collection of one image); see
        :func:`gpucompute.types.imagery_convert.to_imagery`.

        Parameters
        ----------
        properties : dict or list of dict, optional
            Properties of the image(s): a dict is shared by every image, a list
            gives one dict per image.
        bandinfo : dict, optional
            Band name -> band properties; bands default to ``band_1`` ... ``band_N``.
        """
        from gpucompute.types.imagery_convert import to_imagery

        return to_imagery(self, properties, bandinfo)

    def __getitem__(self, index: Any) -> BaseArray:
        """NumPy indexing (``wf.array.getitem``); see :func:`typecheck_getitem` for what is allowed."""
        return type(self)._from_apply("wf.array.getitem", self, typecheck_getitem(index))

    def _reduce(self, name: str, axis: Any) -> Any:
        return getattr(_numpy(), name)(self, axis)

    def min(self, axis: Any = None) -> Any:
        """Minimum along ``axis``: a Scalar for ``axis=None``, else an array of this type (``wf.numpy.min``)."""
        return self._reduce("min", axis)

    def max(self, axis: Any = None) -> Any:
        """Maximum along ``axis``: a Scalar for ``axis=None``, else an array of this type (``wf.numpy.max``)."""
        return self._reduce("max", axis)

    def mean(self, axis: Any = None) -> Any:
        """Mean along ``axis``: a Scalar for ``axis=None``, else an array of this type (``wf.numpy.mean``)."""
        return self._reduce("mean", axis)

    def median(self, axis: Any = None) -> Any:
        """Median along ``axis``: a Scalar for ``axis=None``, else an array of this type (``wf.numpy.median``)."""
        return self._reduce("median", axis)

    def sum(self, axis: Any = None) -> Any:
        """Sum along ``axis``: a Scalar for ``axis=None``, else an array of this type (``wf.numpy.sum``)."""
        return self._reduce("sum", axis)

    def std(self, axis: Any = None) -> Any:
        """Standard deviation along ``axis``: a Scalar for ``axis=None``, else an array (``wf.numpy.std``)."""
        return self._reduce("std", axis)


def _literal_array(value: Any, where: str) -> np.ndarray:
    """``value`` (NumPy array, nested list, scalar) as a NumPy array of kind bool, int or float."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ProxyTypeError(f"{where}: cannot make an array of {_short(value)}: {exc}") from None
    if array.dtype.kind not in ARRAY_KINDS:
        raise ProxyTypeError(
            f"{where}: arrays of dtype {array.dtype} are not supported, only bool, int and float; "
            f"got {_short(value)} (convert it with .astype(float) or .astype(int) first)"
        )
    return array


def _has_non_finite(array: np.ndarray) -> bool:
    return array.dtype.kind == "f" and not np.isfinite(array).all()


def _json_values(array: np.ndarray) -> Any:
    """``array`` as JSON values; NaN and infinities, which JSON cannot hold, become ``"nan"``, ``"inf"``, ``"-inf"``."""
    if _has_non_finite(array):
        values = array.astype(object)
        values[np.isnan(array)] = "nan"
        values[np.isposinf(array)] = "inf"
        values[np.isneginf(array)] = "-inf"
        return values.tolist()
    return array.tolist()


def _create_keywords(array: np.ndarray) -> dict[str, Any]:
    """The keywords of ``wf.array.create``: the dtype, only where the JSON values lose it (``int16``...)."""
    if _has_non_finite(array):
        return {"dtype": array.dtype.name}
    # What np.asarray gives for the JSON values: float64, int64 or bool (and float64 when empty).
    default = np.dtype({"b": bool, "i": np.int64}.get(array.dtype.kind, float) if array.size else float)
    return {} if default == array.dtype else {"dtype": array.dtype.name}


class Array(BaseArray):
    """A lazy NumPy array.

    Parameters
    ----------
    arr : numpy.ndarray, nested list, number, or Int / Float / Bool / List proxy
        The values.  Local values are recorded in the graft as a quoted JSON
        list (``["wf.array.create", [[1, 2], [3, 4]]]``), so keep them small
        (well under 10 MB); only bool, int and float dtypes are supported.

    Examples
    --------
    >>> import gpucompute as wf  # doctest: +SKIP
    >>> arr = wf.Array([[1, 2, 4], [8, 9, 10]])
    >>> arr[arr > 3].compute()
    array([ 4,  8,  9, 10])
    """

    __slots__ = ()

    def __init__(self, arr: Any) -> None:
        proxy = Array._build(arr)
        for name in ("graft", "params", "_param_name"):
            object.__setattr__(self, name, getattr(proxy, name))
        if proxy.literal_value is not None:
            object.__setattr__(self, "_literal_value", proxy.literal_value)

    @classmethod
    def _build(cls, arr: Any) -> Array:
        from gpucompute.types.containers import List
        from gpucompute.types.primitives import Bool, Number

        if isinstance(arr, Array):
            return arr
        if isinstance(arr, (Number, Bool, List)):
            return cls._from_apply("wf.array.create", arr)
        if isinstance(arr, (Proxytype, np.ma.MaskedArray)):
            raise ProxyTypeError(
                f"Array: expected a NumPy array, a nested list, a number or an Int/Float/Bool/List proxy, "
                f"got {type_name(arr)} ({_short(arr)})" + ("; use wf.MaskedArray" if np.ma.isMaskedArray(arr) else "")
            )
        array = np.array(_literal_array(arr, "Array"), copy=True)  # later changes to ``arr`` must not leak in
        array.setflags(write=False)
        proxy = cls._from_apply("wf.array.create", _quoted(array), **_create_keywords(array))
        object.__setattr__(proxy, "_literal_value", array)
        return proxy

    @classmethod
    def from_numpy(cls, arr: np.ndarray) -> Array:
        """An Array holding a copy of the local NumPy array ``arr`` (dtype kinds bool, int, float)."""
        if not isinstance(arr, np.ndarray) or isinstance(arr, np.ma.MaskedArray):
            raise ProxyTypeError(
                f"Array.from_numpy: expected a numpy.ndarray, got {type_name(arr)} ({_short(arr)})"
                + ("; use wf.MaskedArray.from_numpy" if np.ma.isMaskedArray(arr) else "")
            )
        return cls(arr)

    @classmethod
    def _promote(cls, value: Any) -> Array:
        if isinstance(value, cls):
            return value
        if isinstance(value, (np.ndarray, list, tuple)) and not isinstance(value, np.ma.MaskedArray):
            return cls._build(value)
        return _from_any(cls, value)

    @classmethod
    def _unmarshal(cls, value: Any) -> np.ndarray:
        return np.asarray(value)


def _from_any(cls: type, value: Any) -> Any:
    """An ``Any`` proxy re-typed as ``cls`` (no graft change); anything else is a ProxyTypeError."""
    from gpucompute.types.anytype import Any as AnyProxy

    if isinstance(value, AnyProxy):
        return value.cast(cls)
    raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")


def _quoted(array: np.ndarray) -> Any:
    """The literal of a local array: quoted JSON for lists, else a scalar literal, made on demand.

    ``tolist`` already gives JSON values, so the list is not walked again as
    ``client.value_graft`` would (that costs seconds for a 1024 x 1024 array),
    and it runs only if the graft is flattened: an array bound to a parameter
    goes to the device without ever becoming JSON.
    """
    from gpucompute.graft import client

    def expression() -> Any:
        value = _json_values(array)
        return [value] if isinstance(value, list) else value

    return client.LazyLiteral(expression)


def typecheck_getitem(index: Any) -> Proxytype:
    """Check an Array index and turn it into the proxy recorded by ``wf.array.getitem``.

    Each element of the index may be an ``int`` / Int, a ``slice`` / Slice,
    ``...`` (recorded as the keyref ``wf.Ellipsis``), ``None`` (``np.newaxis``),
    a 1-D list of ints or of bools (``List[Int]`` / ``List[Bool]``) or an
    Array.  At most one element may be a list or an array.  A single element
    is recorded as itself, several as a ``Tuple`` (``wf.tuple``).

    Raises
    ------
    ProxyTypeError
        For any other element, a nested list, or lists/arrays in two positions.
    """
    from gpucompute.types.containers import EllipsisType, List, Slice, Tuple
    from gpucompute.types.primitives import Bool, Int, NoneType

    given_tuple = isinstance(index, Tuple)
    if given_tuple:
        elements = [(t, None) for t in type(index)._type_params]
    else:
        elements = [(None, e) for e in (index if isinstance(index, tuple) else (index,))]
    proxies: list[Proxytype] = []
    seen_list = None
    for position, (declared, element) in enumerate(elements):
        where = f"Array index, position {position}"
        kind = declared if declared is not None else type(element)
        is_list = (declared is not None and issubclass(declared, (List, BaseArray))) or isinstance(
            element, (list, np.ndarray, List, BaseArray)
        )
        if is_list:
            if seen_list is not None:
                raise ProxyTypeError(
                    f"{where}: an Array can be indexed with a list or array in one position only "
                    f"(another is at position {seen_list}); index twice instead, e.g. x[[0, 1]][:, [2, 3]]"
                )
            seen_list = position
            if declared is None:
                proxies.append(_list_index(element, where))
            elif issubclass(declared, List) and declared._type_params[0] not in (Int, Bool):
                raise ProxyTypeError(f"{where}: a list index must be List[Int] or List[Bool], got {type_name(declared)}")
            continue
        if declared is not None:
            if not issubclass(declared, (Int, Slice, NoneType, EllipsisType)):
                raise ProxyTypeError(f"{where}: invalid index type {type_name(declared)}")
            continue
        if element is Ellipsis or isinstance(element, EllipsisType):
            proxies.append(EllipsisType._promote(element))
        elif element is None or isinstance(element, NoneType):
            proxies.append(NoneType._promote(element))
        elif isinstance(element, (slice, Slice)):
            proxies.append(Slice._promote(element))
        elif isinstance(element, (int, np.integer, Int)) and not isinstance(element, (bool, np.bool_)):
            proxies.append(Int._promote(element))
        else:
            raise ProxyTypeError(
                f"{where}: invalid index {_short(element)} ({type_name(kind)}); use ints, slices, ..., None, "
                "a 1-D list of ints or bools, or an Array"
            )
    if given_tuple:
        return index
    if len(proxies) == 1:
        return proxies[0]
    return Tuple[tuple(type(p) for p in proxies)](proxies)


def _list_index(element: Any, where: str) -> Proxytype:
    """A list or array index as ``List[Int]``, ``List[Bool]`` or an Array proxy."""
    from gpucompute.types.containers import List
    from gpucompute.types.primitives import Bool, Int

    if isinstance(element, BaseArray):
        return element
    if isinstance(element, List):
        if element._element_type not in (Int, Bool):
            raise ProxyTypeError(f"{where}: a list index must be List[Int] or List[Bool], got {type_name(element)}")
        return element
    values = np.asarray(element) if not isinstance(element, np.ndarray) else element
    if values.ndim != 1 or values.dtype.kind not in "biu":
        raise ProxyTypeError(
            f"{where}: lists used as indices must be 1-D and hold only ints or only bools, got {_short(element)}"
        )
    element_type = Bool if values.dtype.kind == "b" else Int
    return List[element_type]._promote(values.tolist())
