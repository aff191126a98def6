"""Operators and math functions of imagery.

Every arithmetic, comparison and bitwise operator works between imagery and
imagery or numbers, in both orders (``2 - img`` records ``wf.sub(2, img)``);
the result is an ImageCollection when either operand is one, else an Image.
The graft names are those of the Workflows client: ``/`` is ``wf.div`` (and
the reflected ``2 / img`` is ``wf.truediv``), ``-img`` is ``wf.neg``, ``img <
x`` is ``wf.lt``... Which other operands each operator accepts follows the
client too: numbers (Int, Float) for arithmetic and ordering, also Bool for
``==``/``!=`` and ``& | ^``, Int only for ``<< >>``.  Anything else is a
:class:`~gpucompute.errors.ProxyTypeError` when the expression is written.

Band alignment, metadata and empties are decided at compute time (see
:mod:`gpucompute.execution._band_align`).
"""

from __future__ import annotations

from typing import Any

from gpucompute.types._imagery import image_types
from gpucompute.types._ops import attach_binary, attach_unary
from gpucompute.types.core import Proxytype, type_name

__all__ = ["MATH_FUNCTION_NAMES", "MathMixin", "imagery_result_type"]

#: The math functions available as methods (``img.log()``) and as ``wf.<name>``.
MATH_FUNCTION_NAMES: tuple[str, ...] = ("log", "log2", "log10", "log1p", "sqrt", "cos", "arccos", "sin", "arcsin",
                                        "tan", "arctan", "exp", "square")


class MathMixin:
    """Operators (``+ - * / // % ** < <= > >= == != & | ^ << >> ~ -x +x abs``) and math methods."""

    __slots__ = ()
    #: Above every other proxy but ``Any``: ``Int + img`` lets the image decide (``wf.add(Int, img)``).
    _op_priority = 50
    #: NumPy scalars and arrays give way to the reflected operators (``np.float32(2) * img``).
    __array_ufunc__ = None

    def concat(self, *imgs: Any) -> Any:
        """An ImageCollection of this imagery followed by ``imgs`` (Images or ImageCollections).

        Images, properties and band info are concatenated; all imagery must
        have the same band names; empty imagery is dropped (``wf.concat``).
        """
        from gpucompute.types.imagery_functions import concat

        if not imgs:
            raise _type_error(f"{type_name(self)}.concat() needs at least one Image or ImageCollection to add")
        return concat(self, *imgs)


def imagery_result_type(*operands: Any) -> type:
    """ImageCollection when any operand is one, else Image."""
    image, collection = image_types()
    return collection if any(isinstance(o, collection) for o in operands) else image


def _type_error(message: str) -> Exception:
    from gpucompute.errors import ProxyTypeError

    return ProxyTypeError(message)


def _operands(*names: str) -> Any:
    """The other operand's accepted types: the imagery classes, then the primitives ``names``, in order."""

    def types(self: Any) -> tuple[type, ...]:
        from gpucompute.types import primitives

        return image_types() + tuple(getattr(primitives, n) for n in names)

    return types


_NUMBERS = _operands("Int", "Float")


_ARITHMETIC = [("add", "wf.add"), ("sub", "wf.sub"), ("mul", "wf.mul"), ("truediv", "wf.div"),
               ("floordiv", "wf.floordiv"), ("mod", "wf.mod"), ("pow", "wf.pow")]
_BITWISE = [("and", "wf.and", _operands("Bool", "Int")), ("or", "wf.or", _operands("Bool", "Int")),
            ("xor", "wf.xor", _operands("Bool", "Int")), ("lshift", "wf.lshift", _operands("Int")),
            ("rshift", "wf.rshift", _operands("Int"))]
_ORDERING = [("lt", "wf.lt"), ("le", "wf.le"), ("gt", "wf.gt"), ("ge", "wf.ge")]
_EQUALITY = [("eq", "wf.eq"), ("ne", "wf.ne")]
#: The client records the reflected true division as ``wf.truediv`` (``/`` itself is ``wf.div``).
_REFLECTED_BUILTIN = {"truediv": "wf.truediv"}


def _rows() -> list[tuple[str, str, Any, Any]]:
    rows: list[tuple[str, str, Any, Any]] = []
    for name, builtin in _ARITHMETIC:
        rows.append((f"__{name}__", builtin, _NUMBERS, imagery_result_type))
        rows.append((f"__r{name}__", _REFLECTED_BUILTIN.get(name, builtin), _NUMBERS, imagery_result_type))
    for name, builtin, operands in _BITWISE:
        rows.append((f"__{name}__", builtin, operands, imagery_result_type))
        rows.append((f"__r{name}__", builtin, operands, imagery_result_type))
    rows += [(f"__{name}__", builtin, _NUMBERS, imagery_result_type) for name, builtin in _ORDERING]
    rows += [(f"__{name}__", builtin, _operands("Bool", "Int", "Float"), imagery_result_type) for name, builtin in _EQUALITY]
    return rows


attach_binary(MathMixin, _rows())
attach_unary(MathMixin, [(f"__{n}__", f"wf.{n}", lambda self: type(self)) for n in ("neg", "pos", "abs", "invert")])
attach_unary(MathMixin, [(n, f"wf.{n}", lambda self: type(self)) for n in MATH_FUNCTION_NAMES])
for _name in MATH_FUNCTION_NAMES:
    getattr(MathMixin, _name).__doc__ = (
        f"Element-wise ``{_name}`` of every pixel (``wf.{_name}``); bands keep their names, masks follow "
        "``numpy.ma`` (values outside the domain are masked).  An empty input gives an empty result."
    )
MathMixin.__hash__ = Proxytype.__hash__  # type: ignore[assignment]  # defining __eq__ must not unhash proxies
