"""The 79 NumPy ufuncs, made from one table and written once over the backend namespace.

Each row says how many inputs the ufunc takes, which inputs it accepts, what
kind of result the original ``wf.numpy`` declared (``promote``: NumPy's
promotion, ``float``, ``bool``), its identity, and its *domain*: the inputs
numpy.ma masks because the result would be undefined (``log`` of a value
``<= 0``, division by zero ...). As in numpy.ma, a domained ufunc also masks
every non-finite result, and ``power`` masks non-finite results.

Masks appear only when at least one input is a :class:`MaskedArray`; plain
arrays follow NumPy and give ``nan``/``inf`` where the domain is violated.

Python scalars keep NumPy's NEP 50 weak typing (``int16_array ** 2`` stays
``int16``), where numpy.ma would widen them to ``int64``.

Dtypes on JAX: besides ``float64 -> float32`` without x64 mode, float-valued
ufuncs of 8-bit integers give ``float32`` on JAX where NumPy gives ``float16``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from gpucompute.errors import ArrayDTypeError

from ._dispatch import check_broadcast, is_masked, qualname, resolve_backend
from ._masked_array import MaskedArray

__all__ = ["UfuncSpec", "UFUNC_TABLE", "UFUNCS", "UFUNCS_BY_NUMPY_NAME", "as_operand"]

Domain = Callable[..., Any]  # (xp, *inputs) -> bool array, True where the input is invalid


def _below(limit: float, inclusive: bool) -> Domain:
    if inclusive:
        return lambda xp, x: xp.less_equal(x, limit)
    return lambda xp, x: xp.less(x, limit)


def _outside(low: float, high: float) -> Domain:
    return lambda xp, x: xp.logical_or(xp.greater(x, high), xp.less(x, low))


def _tan_domain(xp: Any, x: Any) -> Any:
    return xp.less(xp.absolute(xp.cos(x)), 1e-35)


def _divisor_zero(xp: Any, a: Any, b: Any) -> Any:
    return xp.equal(b, 0)


def _integer_reciprocal(xp: Any, x: Any) -> Any:
    # NumPy's integer reciprocal is C division 1 / x: +-1 for +-1, else 0 (0 for x == 0 too).
    return xp.where(xp.absolute(x) == 1, x, xp.zeros_like(x))


#: Where a backend's namespace disagrees with NumPy for integer inputs, the NumPy behaviour
#: written once over xp (jax.numpy.reciprocal returns floats for integers).
_INTEGER_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {"reciprocal": _integer_reciprocal}


@dataclass(frozen=True)
class UfuncSpec:
    """One row of the ufunc table.

    Attributes
    ----------
    name : str
        Public name (may be an alias such as ``mod``).
    nin : int
        Number of array inputs.
    inputs : str
        ``"number"`` (bool, integer, float, complex) or ``"integer"`` (bool or
        integer only: the bitwise family).
    result : str
        Result kind declared by the original API: ``"promote"``, ``"float"``, ``"bool"``.
    numpy_name : str
        The NumPy ufunc that defines it (``mod`` -> ``remainder``); also the graft name.
    identity : Any
        Identity element for reductions, ``None`` where there is none.
    domain : callable or None
        ``domain(xp, *inputs)`` is ``True`` where numpy.ma masks the result.
    mask_nonfinite : bool
        Mask results that are ``nan`` or ``inf`` (numpy.ma does for domained ufuncs and ``power``).
    """

    name: str
    nin: int
    inputs: str = "number"
    result: str = "promote"
    numpy_name: str = ""
    identity: Any = None
    domain: Domain | None = None
    mask_nonfinite: bool = False


def _row(name: str, nin: int, result: str = "promote", *, inputs: str = "number",
         numpy_name: str | None = None, identity: Any = None, domain: Domain | None = None,
         mask_nonfinite: bool | None = None) -> UfuncSpec:
    if mask_nonfinite is None:
        mask_nonfinite = domain is not None
    return UfuncSpec(name, nin, inputs, result, numpy_name or name, identity, domain, mask_nonfinite)


_DIV = dict(domain=_divisor_zero)

#: The table: one row per public ufunc name, in the original API's order.
UFUNC_TABLE: tuple[UfuncSpec, ...] = (
    # math
    _row("add", 2, identity=0),
    _row("subtract", 2),
    _row("multiply", 2, identity=1),
    _row("divide", 2, "float", **_DIV),
    _row("logaddexp", 2, "float", identity=-np.inf),
    _row("logaddexp2", 2, "float", identity=-np.inf),
    _row("true_divide", 2, "float", numpy_name="divide", **_DIV),
    _row("floor_divide", 2, **_DIV),
    _row("negative", 1),
    _row("power", 2, mask_nonfinite=True),
    _row("float_power", 2, "float"),
    _row("remainder", 2, **_DIV),
    _row("mod", 2, numpy_name="remainder", **_DIV),
    _row("conj", 1, numpy_name="conjugate"),
    _row("conjugate", 1),
    _row("exp", 1, "float"),
    _row("exp2", 1, "float"),
    _row("log", 1, "float", domain=_below(0.0, inclusive=True)),
    _row("log2", 1, "float", domain=_below(0.0, inclusive=True)),
    _row("log10", 1, "float", domain=_below(0.0, inclusive=True)),
    _row("log1p", 1, "float"),
    _row("expm1", 1, "float"),
    _row("sqrt", 1, "float", domain=_below(0.0, inclusive=False)),
    _row("square", 1),
    _row("cbrt", 1, "float"),
    _row("reciprocal", 1),
    # trigonometric
    _row("sin", 1, "float"),
    _row("cos", 1, "float"),
    _row("tan", 1, "float", domain=_tan_domain),
    _row("arcsin", 1, "float", domain=_outside(-1.0, 1.0)),
    _row("arccos", 1, "float", domain=_outside(-1.0, 1.0)),
    _row("arctan", 1, "float"),
    _row("arctan2", 2, "float"),
    _row("sinh", 1, "float"),
    _row("cosh", 1, "float"),
    _row("tanh", 1, "float"),
    _row("arcsinh", 1, "float"),
    _row("arccosh", 1, "float", domain=_below(1.0, inclusive=False)),
    _row("arctanh", 1, "float", domain=_outside(-1.0 + 1e-15, 1.0 - 1e-15)),
    _row("deg2rad", 1, "float"),
    _row("rad2deg", 1, "float"),
    _row("hypot", 2, identity=0),
    # bitwise
    _row("bitwise_and", 2, inputs="integer", identity=-1),
    _row("bitwise_or", 2, inputs="integer", identity=0),
    _row("bitwise_xor", 2, inputs="integer", identity=0),
    _row("bitwise_not", 1, inputs="integer", numpy_name="invert"),
    _row("invert", 1, inputs="integer"),
    # comparison and logical
    _row("greater", 2, "bool"),
    _row("greater_equal", 2, "bool"),
    _row("less", 2, "bool"),
    _row("less_equal", 2, "bool"),
    _row("not_equal", 2, "bool"),
    _row("equal", 2, "bool"),
    _row("logical_and", 2, "bool", identity=True),
    _row("logical_or", 2, "bool", identity=False),
    _row("logical_xor", 2, "bool", identity=False),
    _row("logical_not", 1, "bool"),
    _row("maximum", 2),
    _row("minimum", 2),
    _row("fmax", 2),
    _row("fmin", 2),
    # floating point
    _row("isfinite", 1, "bool"),
    _row("isinf", 1, "bool"),
    _row("isnan", 1, "bool"),
    _row("signbit", 1, "bool"),
    _row("copysign", 2, "float"),
    _row("nextafter", 2, "float"),
    _row("spacing", 1, "float"),
    _row("ldexp", 2),
    _row("fmod", 2, **_DIV),
    _row("floor", 1),
    _row("ceil", 1),
    _row("trunc", 1),
    _row("degrees", 1, "float"),
    _row("radians", 1, "float"),
    _row("rint", 1, "float"),
    _row("fabs", 1, "float"),
    _row("sign", 1),
    _row("absolute", 1),
)


class Ufunc:
    """A gpucompute ufunc: callable on backend arrays, host values and MaskedArrays.

    Attributes mirror the table row (:class:`UfuncSpec`): ``nin``, ``identity``,
    ``result``, ``numpy_name``.
    """

    def __init__(self, spec: UfuncSpec) -> None:
        self.spec = spec
        self.__name__ = spec.name
        self.__qualname__ = spec.name
        self.__module__ = "gpucompute.array"
        self.__doc__ = (
            f"Elementwise ``numpy.{spec.numpy_name}`` on the configured backend, with numpy.ma masking.\n\n"
            f"Takes {spec.nin} input{'s' if spec.nin > 1 else ''}; result kind: {spec.result}."
            + (" Inputs outside the domain, and non-finite results, are masked." if spec.domain else "")
        )

    nin = property(lambda self: self.spec.nin)
    nout = property(lambda self: 1)
    identity = property(lambda self: self.spec.identity)

    def __repr__(self) -> str:
        return f"<gpucompute ufunc {self.spec.name!r}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        spec = self.spec
        name = qualname(spec.name)
        if kwargs:
            raise TypeError(f"{name}: keyword arguments {sorted(kwargs)} are not supported")
        if len(args) != spec.nin:
            raise TypeError(f"{name}: takes {spec.nin} input(s), got {len(args)}")
        backend = resolve_backend(spec.name, *args)
        xp = backend.xp
        masked = any(is_masked(a) for a in args)
        datas = [as_operand(a, backend) for a in args]
        _check_inputs(spec, datas)
        if spec.result == "bool" and spec.nin == 2:
            datas = _widen_for_out_of_range_ints(datas, backend)
        if spec.nin > 1:
            check_broadcast(spec.name, *(np.shape(d) for d in datas))
        fn = getattr(xp, spec.numpy_name)
        if spec.name in _INTEGER_IMPLEMENTATIONS and all(_kind(d) in "biu" for d in datas):
            fn = lambda *operands: _INTEGER_IMPLEMENTATIONS[spec.name](xp, *operands)  # noqa: E731
        try:
            if backend.name == "numpy":
                with np.errstate(all="ignore"):
                    result = fn(*datas)
            else:
                result = fn(*datas)
        except TypeError as exc:
            dtypes = ", ".join(str(_dtype_of(d)) for d in datas)
            raise ArrayDTypeError(f"{name}: not supported for input dtypes ({dtypes}): {exc}") from None
        if not masked:
            return result
        result = xp.asarray(result)
        mask = None
        for a in args:
            if is_masked(a):
                mask = a.mask if mask is None else xp.logical_or(mask, a.mask)
        if spec.domain is not None:
            with np.errstate(all="ignore"):
                mask = xp.logical_or(mask, spec.domain(xp, *datas))
        if spec.mask_nonfinite and np.dtype(result.dtype).kind in "fc":
            mask = xp.logical_or(mask, xp.logical_not(xp.isfinite(result)))
        mask = xp.broadcast_to(mask, result.shape)
        return MaskedArray._new(result, mask, backend)


def _dtype_of(value: Any) -> Any:
    return getattr(value, "dtype", type(value).__name__)


def as_operand(value: Any, backend: Any) -> Any:
    """The data of *value* as something ``backend.xp`` ufuncs accept."""
    if is_masked(value):
        return value.data if value.backend is backend else value.to_backend(backend).data
    if isinstance(value, (bool, int, float, complex)):
        return value  # Python scalars stay weak-typed, as in NumPy and JAX
    if backend.is_native(value):
        return value
    return backend.asarray(value)


def _widen_for_out_of_range_ints(datas: list[Any], backend: Any) -> list[Any]:
    """Compare integer arrays with Python ints outside their range as NumPy does.

    NumPy 2 answers ``uint8_array > -5`` correctly; JAX would wrap -5 into the
    uint8 range first. Widening the array to a type that holds the scalar gives
    NumPy's answer on every backend.
    """
    scalars = [d for d in datas if isinstance(d, int) and not isinstance(d, bool)]
    if not scalars:
        return datas
    out = []
    for data in datas:
        if hasattr(data, "dtype") and np.dtype(data.dtype).kind in "iu":
            info = np.iinfo(np.dtype(data.dtype))
            outside = [v for v in scalars if not info.min <= v <= info.max]
            if outside:
                wide = np.dtype(data.dtype)
                for value in outside:
                    wide = np.result_type(wide, np.min_scalar_type(value))
                data = data.astype(backend.canonical_dtype(wide))
        out.append(data)
    return out


def _kind(value: Any) -> str:
    """NumPy dtype kind of an operand (Python scalars by their type)."""
    if hasattr(value, "dtype"):
        return np.dtype(value.dtype).kind
    return "b" if isinstance(value, bool) else "i" if isinstance(value, int) else "f"


def _check_inputs(spec: UfuncSpec, datas: list[Any]) -> None:
    if spec.inputs != "integer":
        return
    for data in datas:
        if _kind(data) not in "biu":
            raise ArrayDTypeError(
                f"{qualname(spec.name)}: needs integer or boolean inputs, got dtype "
                f"{_dtype_of(data)}; cast with .astype(int) first"
            )


#: name -> Ufunc, for every public name (aliases included).
UFUNCS: dict[str, Ufunc] = {spec.name: Ufunc(spec) for spec in UFUNC_TABLE}
#: NumPy ufunc ``__name__`` -> Ufunc, for ``__array_ufunc__``.
UFUNCS_BY_NUMPY_NAME: dict[str, Ufunc] = {}
for _spec in UFUNC_TABLE:
    UFUNCS_BY_NUMPY_NAME.setdefault(_spec.numpy_name, UFUNCS[_spec.name])


# -- operators on MaskedArray, attached from a table rather than written by hand
_BINARY_OPERATORS = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
    "floordiv": "floor_divide", "mod": "remainder", "pow": "power",
    "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
}
_COMPARISONS = {
    "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
    "eq": "equal", "ne": "not_equal",
}
_UNARY_OPERATORS = {"neg": "negative", "abs": "absolute", "invert": "invert"}


def _binary(ufunc: Ufunc, reflected: bool) -> Callable[[Any, Any], Any]:
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


def _unary(ufunc: Ufunc) -> Callable[[Any], Any]:
    return lambda self: ufunc(self)


def _attach_operators(cls: type) -> None:
    for op, name in _BINARY_OPERATORS.items():
        setattr(cls, f"__{op}__", _binary(UFUNCS[name], reflected=False))
        setattr(cls, f"__r{op}__", _binary(UFUNCS[name], reflected=True))
    for op, name in _COMPARISONS.items():
        setattr(cls, f"__{op}__", _binary(UFUNCS[name], reflected=False))
    for op, name in _UNARY_OPERATORS.items():
        setattr(cls, f"__{op}__", _unary(UFUNCS[name]))
    cls.__pos__ = lambda self: self
    cls.__hash__ = None  # defining __eq__ elementwise makes arrays unhashable, as in NumPy


_attach_operators(MaskedArray)
