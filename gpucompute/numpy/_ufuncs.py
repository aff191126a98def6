"""The 79 ``wf.numpy`` ufuncs, generated from the engine's ufunc table.

Each ufunc records ``["wf.numpy.<numpy name>", x1[, x2]]`` where the name is
the NumPy ufunc's ``__name__`` (``mod`` -> ``remainder``, ``conj`` ->
``conjugate``, ``bitwise_not`` -> ``invert``, ``true_divide`` -> ``divide``).

Operands may be Array, MaskedArray, Scalar, Int, Float or Bool proxies, NumPy
arrays (``numpy.ma`` arrays become MaskedArray), nested lists, or Python /
NumPy scalars.  The result is a MaskedArray if any operand is one, else an
Array if any operand is one, else a scalar type: the declared kind of the
ufunc (Float for ``sqrt``, Bool for ``less``) or the widest operand type
(Scalar > Float > Int > Bool).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from gpucompute.array._ufuncs import UFUNC_TABLE, UfuncSpec
from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.types.array import Array, BaseArray
from gpucompute.types.core import _short, type_name
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Bool, Float, Int, Number
from gpucompute.types.scalar import Scalar

__all__ = ["OPERAND_TYPES", "UFUNCS", "UFUNCS_BY_NUMPY_NAME", "ProxyUfunc", "promote_operand"]


@lru_cache(maxsize=1)
def OPERAND_TYPES() -> tuple[type, ...]:
    """The proxy types a ufunc accepts as they are."""
    return (BaseArray, Scalar, Number, Bool)


def promote_operand(value: Any, where: str) -> Any:
    """``value`` as a proxy operand of a ufunc, or raise :class:`ProxyTypeError` naming ``where``."""
    if isinstance(value, (BaseArray, Scalar, Number, Bool)):
        return value
    if isinstance(value, np.ma.MaskedArray):
        return MaskedArray.from_numpy(value)
    if isinstance(value, (np.ndarray, list, tuple)):
        return Array._promote(value)
    if isinstance(value, (bool, np.bool_)):
        return Bool._promote(value)
    if isinstance(value, (int, np.integer)):
        return Int._promote(value)
    if isinstance(value, (float, np.floating)):
        return Float._promote(value)
    raise ProxyTypeError(
        f"{where}: expected Array, MaskedArray, Scalar, Int, Float or Bool (or a NumPy array or number), "
        f"got {type_name(value)} ({_short(value)})"
    )


def _result_type(spec: UfuncSpec, operands: list[Any]) -> type:
    if any(isinstance(x, MaskedArray) for x in operands):
        return MaskedArray
    if any(isinstance(x, Array) for x in operands):
        return Array
    if spec.result == "float":
        return Float
    if spec.result == "bool":
        return Bool
    for kind in (Scalar, Float, Int):
        if any(isinstance(x, kind) for x in operands):
            return kind
    return Bool


class ProxyUfunc:
    """A lazy NumPy ufunc: calling it records ``wf.numpy.<name>`` and returns a proxy.

    Only plain calls are supported; ``reduce``, ``accumulate``, ``reduceat``
    and ``outer`` raise :class:`~gpucompute.errors.RoutineNotSupportedError`.
    """

    def __init__(self, spec: UfuncSpec) -> None:
        self.spec = spec
        self.__name__ = spec.name
        self.__qualname__ = spec.name
        self.graft_name = "wf.numpy." + spec.numpy_name
        kind = {"float": "Float", "bool": "Bool"}.get(spec.result, "the widest operand type")
        args = ", ".join(f"x{i + 1}" for i in range(spec.nin))
        self.__doc__ = (
            f"Lazy ``numpy.{spec.numpy_name}``: ``wf.numpy.{spec.name}({args})``.\n\n"
            f"Parameters\n----------\n"
            + "".join(f"x{i + 1} : Array, MaskedArray, Scalar, Int, Float or Bool\n" for i in range(spec.nin))
            + f"\nReturns\n-------\nMaskedArray, Array or scalar proxy\n"
            f"    MaskedArray if any input is masked, else Array if any input is an array, else {kind}.\n\n"
            f"Notes\n-----\nRecorded as ``[\"{self.graft_name}\", {args}]``; "
            f"see NumPy's documentation of ``numpy.{spec.numpy_name}``."
        )

    nin = property(lambda self: self.spec.nin)
    nout = property(lambda self: 1)

    def __repr__(self) -> str:
        return f"<wf.numpy ufunc {self.spec.name!r}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = f"wf.numpy.{self.spec.name}"
        if kwargs:
            raise ProxyTypeError(f"{name}: keyword arguments are not supported, got {sorted(kwargs)}")
        if len(args) != self.spec.nin:
            raise ProxyTypeError(f"{name}: takes {self.spec.nin} argument(s), got {len(args)}")
        operands = [promote_operand(a, f"{name} argument {i + 1}") for i, a in enumerate(args)]
        return _result_type(self.spec, operands)._from_apply(self.graft_name, *operands)

    def _unsupported(self, method: str) -> Any:
        raise RoutineNotSupportedError(
            f"wf.numpy.{self.spec.name}.{method} is not supported on proxies; "
            f"call .compute() first and use numpy.{self.spec.numpy_name}.{method} on the result"
        )

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        """Not supported: compute first."""
        return self._unsupported("reduce")

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        """Not supported: compute first."""
        return self._unsupported("accumulate")

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        """Not supported: compute first."""
        return self._unsupported("reduceat")

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        """Not supported: compute first."""
        return self._unsupported("outer")


#: Public name -> ProxyUfunc (79 names, aliases included).
UFUNCS: dict[str, ProxyUfunc] = {spec.name: ProxyUfunc(spec) for spec in UFUNC_TABLE}
#: NumPy ufunc ``__name__`` -> ProxyUfunc, for ``__array_ufunc__``.
UFUNCS_BY_NUMPY_NAME: dict[str, ProxyUfunc] = {}
for _spec in UFUNC_TABLE:
    UFUNCS_BY_NUMPY_NAME.setdefault(_spec.numpy_name, UFUNCS[_spec.name])
