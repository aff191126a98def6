"""Operators and math functions of imagery and of lazy pixel values.

``wf.add`` ... ``wf.invert`` stay the generic operator builtins of
:mod:`.builtins_core`; this module plugs imagery into them through
:data:`~.builtins_core.OPERATOR_HOOKS`: when an operand is an
:class:`~.imagery.ImageValue`, a :class:`~.imagery.CollectionValue` or a lazy
:class:`~.pixels.Pixels` value (e.g. ``img.mean()``, a 0-d reduction), the
operation is recorded in the pixel program, band-aligned by
:func:`._band_align.combine`.  Those operator builtins are marked
``accepts_pixels`` so a reduction combined with an Image stays lazy; any other
use of them with lazy pixels computes the pixels first.

The math functions ``wf.log`` ... ``wf.square`` and ``wf.arctan2`` take numbers
(giving Python floats), arrays, lazy pixels and imagery.  Every pixel
operation comes from one table of ``gpucompute.array`` routines, so masks
follow ``numpy.ma`` (a division by zero or the log of a negative number is
masked).  Comparisons give boolean pixels; ``& | ^ ~`` are logical on booleans
and bitwise on the integer part of other pixels (QA bit masks), as are ``<<``
and ``>>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import gpucompute.array as ga
from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution._band_align import combine, is_operand_imagery
from gpucompute.execution._forcing import _has_pixels as contains_pixels
from gpucompute.execution.builtins_core import BINARY_OPERATORS, OPERATOR_HOOKS, scalar
from gpucompute.execution.imagery import imagery_builtin
from gpucompute.graft.registry import BUILTINS

__all__ = ["BINARY_PIXEL_OPS", "MATH_FUNCTIONS", "UNARY_PIXEL_OPS"]

_INT = np.int32
_FLOAT = np.float32


def _is_bool(x: Any) -> bool:
    return np.dtype(x.dtype) == np.bool_


def _as_int(x: Any) -> Any:
    """Booleans as they are, other values as int32 (masked values as 0, so no invalid casts)."""
    if _is_bool(x):
        return x
    if isinstance(x, ga.MaskedArray):
        return ga.MaskedArray(x.filled(0).astype(_INT), x.mask, backend=x.backend)
    return x.astype(_INT)


def _integer_op(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` on booleans (logical), else on the int32 values, given back as float32 pixels."""

    def op(*args: Any) -> Any:
        if all(_is_bool(a) for a in args):
            return fn(*args)
        return fn(*(_as_int(a) for a in args)).astype(_FLOAT)

    return op


def _with_masks(xp_name: str) -> Callable[..., Any]:
    """An ``xp`` function the array engine does not export, with the inputs' masks combined."""

    def op(a: Any, b: Any) -> Any:
        backend = next((x.backend for x in (a, b) if isinstance(x, ga.MaskedArray)), None)
        if backend is None:
            from gpucompute.config import get_backend

            backend = get_backend()
        fn = getattr(backend.xp, xp_name)
        data = fn(ga.getdata(a), ga.getdata(b))
        mask = backend.xp.logical_or(ga.getmaskarray(a), ga.getmaskarray(b))
        return ga.MaskedArray(data, backend.xp.broadcast_to(mask, data.shape), backend=backend)

    return op


#: ``wf.<name>`` of a binary operator -> the pixel operation (named ``math.<name>``).
BINARY_PIXEL_OPS: dict[str, Callable[..., Any]] = {
    "add": ga.add,
    "sub": ga.subtract,
    "mul": ga.multiply,
    "div": ga.true_divide,
    "truediv": ga.true_divide,
    "floordiv": ga.floor_divide,
    "mod": ga.remainder,
    "pow": ga.power,
    "arctan2": ga.arctan2,
    "eq": ga.equal,
    "ne": ga.not_equal,
    "lt": ga.less,
    "le": ga.less_equal,
    "gt": ga.greater,
    "ge": ga.greater_equal,
    "and": _integer_op(ga.bitwise_and),
    "or": _integer_op(ga.bitwise_or),
    "xor": _integer_op(ga.bitwise_xor),
    "lshift": _integer_op(_with_masks("left_shift")),
    "rshift": _integer_op(_with_masks("right_shift")),
}

#: The math functions (``wf.<name>`` and ``img.<name>()``); each is also a pixel operation.
MATH_FUNCTIONS: tuple[str, ...] = ("log", "log2", "log10", "log1p", "sqrt", "cos", "arccos", "sin", "arcsin",
                                   "tan", "arctan", "exp", "square")

#: Unary operators and math functions -> the pixel operation.
UNARY_PIXEL_OPS: dict[str, Callable[..., Any]] = {
    "neg": ga.negative,
    "pos": lambda x: x,
    "abs": ga.absolute,
    "invert": lambda x: ga.logical_not(x) if _is_bool(x) else ga.invert(_as_int(x)).astype(_FLOAT),
    **{name: getattr(ga, name) for name in MATH_FUNCTIONS},
}

for _name, _fn in {**BINARY_PIXEL_OPS, **UNARY_PIXEL_OPS}.items():
    px.pixel_op(f"math.{_name}")(_fn)

#: How an operator names the band of two single-band operands (``nir_sub_red``; ``/`` is ``div`` both ways).
_NAME_OF = {"truediv": "div"}


def _binary_name(op: str) -> Callable[[list, str | None], str]:
    word = _NAME_OF.get(op, op)

    def name(group: list, default: str | None) -> str:
        if default is not None:
            return default
        a, b = group
        return f"{a}_{word}_{b}"

    return name


def _keep_name(group: list, default: str | None) -> str:
    return default if default is not None else next(b for b in group if b is not None)


def _lazy_operand(value: Any) -> bool:
    return is_operand_imagery(value) or isinstance(value, px.Pixels)


def _plain_operand(value: Any) -> bool:
    """Numbers, booleans and arrays: what may meet imagery or lazy pixels in an operator."""
    return isinstance(value, (bool, int, float, np.number, np.bool_, np.ndarray)) or _is_backend_array(value)


def _is_backend_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, (dict, list, str))


def _applies(*args: Any) -> bool:
    return any(_lazy_operand(a) for a in args) and all(_lazy_operand(a) or _plain_operand(a) for a in args)


def _binary_hook(op: str) -> Callable[[Any, Any], Any]:
    name = _binary_name(op)

    def hook(a: Any, b: Any) -> Any:
        return combine(f"math.{op}", (a, b), name=name, what=f"wf.{op}")

    return hook


def _unary(op: str, x: Any) -> Any:
    return combine(f"math.{op}", (x,), name=_keep_name, what=f"wf.{op}")


def _has_pixels(*args: Any) -> bool:
    return any(contains_pixels(a) for a in args)


def _forcing_hook(builtin: str) -> Callable[..., Any]:
    """Compute lazy pixels, then run the operator again (a case no imagery hook took)."""

    def hook(*args: Any) -> Any:
        return BUILTINS[builtin](*(px.resolve(a, into_imagery=False) for a in args))

    return hook


def _refuse(builtin: str) -> Callable[..., Any]:
    def hook(*args: Any) -> Any:
        kinds = ", ".join(type(a).__name__ for a in args)
        raise ComputeError(f"{builtin} cannot combine imagery with these operands ({kinds}); imagery operators "
                           "take Images, ImageCollections and numbers")

    return hook


def _install_operator_hooks() -> None:
    for op in BINARY_PIXEL_OPS:
        if op not in BINARY_OPERATORS:
            continue
        hooks = OPERATOR_HOOKS.setdefault(op, [])
        hooks.insert(0, (_applies, _binary_hook(op)))
        hooks.append((_has_pixels, _forcing_hook(f"wf.{op}")))
        hooks.append((_has_imagery, _refuse(f"wf.{op}")))
        BUILTINS[f"wf.{op}"].accepts_pixels = True
    for op in ("neg", "pos", "abs", "invert"):
        hooks = OPERATOR_HOOKS.setdefault(op, [])
        hooks.insert(0, (_applies, lambda x, _op=op: _unary(_op, x)))
        hooks.append((_has_pixels, _forcing_hook(f"wf.{op}")))
        hooks.append((_has_imagery, _refuse(f"wf.{op}")))
        BUILTINS[f"wf.{op}"].accepts_pixels = True


def _has_imagery(*args: Any) -> bool:
    return any(is_operand_imagery(a) for a in args)


_install_operator_hooks()


# ---- math functions ---------------------------------------------------------------------------
def _number_result(fn: Callable[..., Any], *args: Any) -> Any:
    """A NumPy ufunc on Python numbers gives a Python float (NaN outside the domain, as NumPy)."""
    with np.errstate(all="ignore"):
        return float(fn(*(np.float64(a) for a in args)))


def _math_builtin(op: str) -> Callable[[Any], Any]:
    numpy_fn = getattr(np, op)
    engine_fn = getattr(ga, op)

    def builtin(x: Any) -> Any:
        x = scalar(x)
        if _lazy_operand(x):
            return _unary(op, x)
        if isinstance(x, (bool, int, float, np.number)):
            return _number_result(numpy_fn, x)
        return engine_fn(x)

    builtin.__name__ = op
    builtin.__doc__ = f"``wf.{op}``: element-wise ``{op}`` of a number, array, lazy pixels or imagery (bands kept)."
    return builtin


for _name in MATH_FUNCTIONS:
    imagery_builtin(f"wf.{_name}")(_math_builtin(_name))


@imagery_builtin("wf.arctan2")
def arctan2(y: Any, x: Any) -> Any:
    """``wf.arctan2(y, x)``: element-wise arc tangent of ``y / x`` in the right quadrant.

    Numbers give a Python float; imagery is band-aligned like an operator (two
    single-band operands give ``<y>_arctan2_<x>``).
    """
    y, x = scalar(y), scalar(x)
    if _lazy_operand(y) or _lazy_operand(x):
        return combine("math.arctan2", (y, x), name=_binary_name("arctan2"), what="wf.arctan2")
    if all(isinstance(v, (bool, int, float, np.number)) for v in (y, x)):
        return _number_result(np.arctan2, y, x)
    return ga.arctan2(y, x)
