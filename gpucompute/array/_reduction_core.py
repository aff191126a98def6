"""The one reduction core every reduction of gpucompute is built on.

A reduction call is turned into a :class:`Reduction`: the backend, the input's
data (and mask, for :class:`MaskedArray` input), the normalised reduced axes
and ``keepdims``. Masked reductions then use *identity substitution*: masked
elements are replaced by the operation's identity (``0`` for sums, ``1`` for
products, the dtype's extremes for minima and maxima, ``True``/``False`` for
``all``/``any``), the backend's own reduction runs on the filled data, and the
result is masked where the reduced slice had no valid element
(``xp.all(mask, axis)``). Nothing depends on array values in Python, so every
masked reduction traces under ``jax.jit``.

Each masked reduction body runs through :meth:`Reduction.compiled`: one
program per routine body, shape, dtype and options on backends that compile
(JAX), so an eager call fuses fill, reduction and mask like a jitted one and
the two give identical results. Float reductions over leading axes take the
loop of :mod:`._reduction_loops` on backends that have one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayDTypeError, ArrayValueError, RoutineNotSupportedError

from ._dispatch import is_masked, normalize_axes, normalize_axis, qualname, resolve_backend
from ._masked_array import MaskedArray
from ._reduction_loops import loop_leading_axes

__all__ = [
    "NUMERIC",
    "ORDERED",
    "Reduction",
    "prepare",
    "masked_reduce",
    "identity_for",
    "upper_fill",
    "lower_fill",
    "float_result_dtype",
    "check_ordered",
    "invalid_value",
    "make_doc",
]

#: dtype kinds a reduction accepts unless it says otherwise (bool, ints, floats, complex).
NUMERIC = "biufc"
#: Kinds that have an order (min, max, argmin, median ...).
ORDERED = "biuf"


def invalid_value(routine: str, message: str) -> ArrayValueError:
    """The error for an argument value outside a routine's domain (``q`` outside ``[0, 1]`` ...)."""
    return ArrayValueError(f"{qualname(routine)}: {message}")


def upper_fill(dtype: np.dtype) -> Any:
    """The largest value of *dtype* (``+inf`` for floats): the identity of ``min``."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return np.inf
    if dtype.kind in "iu":
        return np.iinfo(dtype).max
    return True


def lower_fill(dtype: np.dtype) -> Any:
    """The smallest value of *dtype* (``-inf`` for floats): the identity of ``max``."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind in "iu":
        return np.iinfo(dtype).min
    return False


#: op name -> identity as a function of the data's dtype.
_IDENTITIES: dict[str, Callable[[np.dtype], Any]] = {
    "sum": lambda dtype: 0,
    "prod": lambda dtype: 1,
    "min": upper_fill,
    "max": lower_fill,
    "all": lambda dtype: True,
    "any": lambda dtype: False,
}


def identity_for(op: str, dtype: Any) -> Any:
    """The value a masked element becomes before reduction *op* (``sum``, ``min`` ...)."""
    return _IDENTITIES[op](np.dtype(dtype))


def float_result_dtype(dtype: Any, requested: Any, backend: Backend) -> np.dtype:
    """NumPy's result dtype for mean/var/std: *requested*, else float64 for bool/int input."""
    if requested is not None:
        return backend.canonical_dtype(requested)
    dtype = np.dtype(dtype)
    if dtype.kind in "biu":
        dtype = np.dtype(np.float64)
    return backend.canonical_dtype(dtype)


@dataclass
class Reduction:
    """One reduction call, normalised: what the reduction wrappers work on.

    Attributes
    ----------
    routine : str
        Public name, for error messages.
    backend : Backend
        Where the computation runs.
    data : array
        The input values as a backend array.
    mask : array or None
        The full boolean mask (``True`` = masked), ``None`` for plain input.
    axes : tuple of int
        The reduced axes, normalised and sorted.
    axis : int, tuple of int or None
        What to pass to the backend's own function as ``axis``.
    keepdims : bool
        Keep reduced axes with length one.
    """

    routine: str
    backend: Backend
    data: Any
    mask: Any
    axes: tuple[int, ...]
    axis: Any
    keepdims: bool

    @property
    def xp(self) -> Any:
        return self.backend.xp

    @property
    def masked(self) -> bool:
        return self.mask is not None

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self.data.dtype)

    @property
    def empty(self) -> bool:
        """Whether the reduced slices have no elements at all (a static fact)."""
        return any(self.data.shape[ax] == 0 for ax in self.axes)

    def result_shape(self, keepdims: bool | None = None) -> tuple[int, ...]:
        """The shape of a reduction's result."""
        keep = self.keepdims if keepdims is None else keepdims
        shape = tuple(self.data.shape)
        if keep:
            return tuple(1 if ax in self.axes else n for ax, n in enumerate(shape))
        return tuple(n for ax, n in enumerate(shape) if ax not in self.axes)

    def fill(self, value: Any, data: Any = None) -> Any:
        """*data* (default the input) with masked elements replaced by *value*."""
        xp = self.xp
        data = self.data if data is None else data
        return xp.where(self.mask, xp.asarray(value, dtype=data.dtype), data)

    def reduce(self, op: str, values: Any, *, keepdims: bool | None = None, dtype: Any = None) -> Any:
        """``xp.<op>(values, axis=<reduced axes>, keepdims=..., dtype=...)`` as a backend array.

        *op* is ``"sum"``, ``"prod"``, ``"min"``, ``"max"``, ``"all"`` or ``"any"``.
        """
        return self.map_reduce(op, None, values, keepdims=keepdims, dtype=dtype)

    def map_reduce(self, op: str, fn: Callable[..., Any] | None, *operands: Any,
                   keepdims: bool | None = None, dtype: Any = None) -> Any:
        """Reduce ``fn(*operands)`` (elementwise, shaped like the data) with *op*.

        The operands broadcast against the data; ``fn=None`` takes the one
        operand as is. Where the backend accumulates leading axes in a loop
        (JAX, see :mod:`._reduction_loops`), ``fn`` runs inside the loop one
        leading slice at a time, so nothing the size of the data is materialised.
        """
        keep = self.keepdims if keepdims is None else keepdims
        result = loop_leading_axes(self, op, fn, operands, keep, dtype)
        if result is not None:
            return result
        values = operands[0] if fn is None else fn(*operands)
        kwargs = {} if dtype is None or op not in ("sum", "prod") else {"dtype": dtype}
        return self.xp.asarray(getattr(self.xp, op)(values, axis=self.axes, keepdims=keep, **kwargs))

    def all_masked(self, *, keepdims: bool | None = None) -> Any:
        """``True`` where the reduced slice has no valid element: the result mask."""
        return self.reduce("all", self.mask, keepdims=keepdims)

    def count(self, *, keepdims: bool | None = None) -> Any:
        """Number of valid elements per reduced slice (NumPy's ``intp``, canonicalised)."""
        dtype = self.backend.canonical_dtype(np.intp)
        return self.reduce("sum", self.xp.logical_not(self.mask), keepdims=keepdims, dtype=dtype)

    def finish(self, value: Any, mask: Any = None) -> Any:
        """The public result: a MaskedArray for masked input, else a plain backend array."""
        xp = self.xp
        value = xp.asarray(value)
        if not self.masked:
            return value
        return MaskedArray._new(value, xp.asarray(mask), self.backend)

    def compiled(self, impl: Callable[..., Any], *arrays: Any, **options: Any) -> Any:
        """``impl(self, *arrays, **options)`` as one compiled program on backends that compile.

        *impl* builds the masked result from the Reduction with the backend's
        functions; *options* must be hashable (dtypes, ints, tuples): they and
        the axes are compile-time constants. On JAX this fuses the fill, the
        reductions and the mask into one XLA program per routine and shape
        (inside an outer ``jax.jit`` it is simply inlined); NumPy runs *impl*.
        """
        key = (self.backend.name, impl)
        program = _PROGRAMS.get(key)
        if program is None:
            program = _PROGRAMS[key] = self.backend.compile(_program(self.backend, impl),
                                                            static_argnames=("meta",))
        meta = (self.axes, self.axis, self.keepdims, tuple(sorted(options.items())))
        return program(self.data, self.mask, *arrays, meta=meta)

    def plain(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """NumPy's own reduction *name* (``xp.<name>``) on plain input."""
        func = getattr(self.xp, name)
        return self.xp.asarray(func(self.data, *args, axis=self.axis, keepdims=self.keepdims, **kwargs))


#: (backend name, implementation) -> compiled program
_PROGRAMS: dict[tuple[str, Callable[..., Any]], Callable[..., Any]] = {}


def _program(backend: Backend, impl: Callable[..., Any]) -> Callable[..., Any]:
    """A function of arrays plus one static ``meta`` tuple that rebuilds the Reduction and runs *impl*.

    The routine's name is not part of ``meta``, so e.g. ``sum`` and ``nansum``
    share one compiled program (their argument checks ran before).
    """

    def program(data: Any, mask: Any, *arrays: Any, meta: tuple[Any, ...]) -> Any:
        axes, axis, keepdims, options = meta
        r = Reduction(program.__name__, backend, data, mask, axes, axis, keepdims)
        return impl(r, *arrays, **dict(options))

    program.__name__ = getattr(impl, "__name__", "reduction")
    return program


def _as_backend_data(routine: str, a: Any, backend: Backend) -> tuple[Any, Any]:
    if is_masked(a):
        if a.backend is not backend:
            a = a.to_backend(backend)
        return a.data, a.mask
    if isinstance(a, np.ma.MaskedArray):
        converted = MaskedArray(a, backend=backend)
        return converted.data, converted.mask
    if backend.is_native(a):
        return a, None
    host = np.asarray(a)
    if host.dtype.kind not in NUMERIC:
        raise ArrayDTypeError(f"{qualname(routine)}: not supported for dtype {host.dtype}; "
                              "give numeric values (bool, int, float or complex)")
    return backend.asarray(host), None


def prepare(routine: str, a: Any, axis: Any = None, keepdims: bool = False, *, out: Any = None,
            kinds: str = NUMERIC, single_axis: bool = False, mask_nan: bool = False) -> Reduction:
    """Normalise the arguments of one reduction call.

    Parameters
    ----------
    routine : str
        Public name (for messages).
    a : array_like or MaskedArray
        The input; host values go to the resolved backend, a
        ``numpy.ma.MaskedArray`` becomes a :class:`MaskedArray`.
    axis : None, int or tuple of int
        Reduced axes (a single int or ``None`` when *single_axis*).
    keepdims : bool
        Keep the reduced axes.
    out : None
        Must be ``None``: results are always new arrays.
    kinds : str
        Accepted dtype kinds.
    single_axis : bool
        The routine takes one axis or ``None`` only (``argmin``...).
    mask_nan : bool
        For MaskedArray input, also mask NaN elements (the ``nan*`` functions).

    Raises
    ------
    AxisError
        If an axis is out of range, repeated, or a tuple where one axis is expected.
    ArrayDTypeError
        If the dtype kind is not accepted.
    RoutineNotSupportedError
        If *out* is given.
    """
    if out is not None:
        raise RoutineNotSupportedError(
            f"{qualname(routine)}: out= is not supported (arrays are immutable on some backends); "
            "use the returned array instead"
        )
    backend = resolve_backend(routine, a)
    data, mask = _as_backend_data(routine, a, backend)
    dtype = np.dtype(data.dtype)
    if dtype.kind not in kinds:
        raise ArrayDTypeError(
            f"{qualname(routine)}: not supported for dtype {dtype}; "
            f"cast the input to a numeric dtype ({_kind_names(kinds)}) first"
        )
    ndim = len(data.shape)
    if single_axis:
        axes = tuple(range(ndim)) if axis is None else (normalize_axis(axis, ndim, routine),)
        xp_axis = None if axis is None else axes[0]
    else:
        axes = normalize_axes(axis, ndim, routine)
        xp_axis = axes
    if mask is not None and mask_nan and dtype.kind in "fc":
        mask = backend.xp.logical_or(mask, backend.xp.isnan(data))
    return Reduction(routine, backend, data, mask, axes, xp_axis, bool(keepdims))


def _kind_names(kinds: str) -> str:
    names = {"b": "bool", "i": "signed int", "u": "unsigned int", "f": "float", "c": "complex"}
    return ", ".join(names[k] for k in kinds)


def masked_reduce(r: Reduction, op: str, *, keepdims: bool | None = None, dtype: Any = None
                  ) -> tuple[Any, Any]:
    """Identity substitution: fill masked elements with *op*'s identity, reduce, mask empty slices.

    Parameters
    ----------
    r : Reduction
        A masked reduction call (``r.mask`` is not ``None``).
    op : str
        The reduction (``"sum"``, ``"prod"``, ``"min"``, ``"max"``, ``"all"``, ``"any"``);
        its identity replaces the masked elements.
    keepdims : bool, optional
        Override ``r.keepdims``.
    dtype : dtype, optional
        Accumulator and result dtype for ``sum``/``prod``.

    Returns
    -------
    (value, mask)
        The reduced data and the result mask, ``True`` where the slice had no valid element.
    """
    xp, identity = r.xp, identity_for(op, r.dtype)
    if r.empty:  # every slice is empty, hence all-masked (xp.min/max would raise)
        mask = xp.ones(r.result_shape(keepdims), dtype=bool)
        value = r.reduce(op, r.data, keepdims=keepdims, dtype=dtype) if op not in ("min", "max") else \
            xp.full(mask.shape, identity, dtype=r.dtype)
        return value, mask

    def fill(data: Any, mask: Any) -> Any:
        return xp.where(mask, xp.asarray(identity, dtype=data.dtype), data)

    value = r.map_reduce(op, fill, r.data, r.mask, keepdims=keepdims, dtype=dtype)
    return value, r.all_masked(keepdims=keepdims)


def check_ordered(r: Reduction) -> None:
    """Refuse complex input for reductions that need an order (masked min/max, quantiles)."""
    if r.dtype.kind not in ORDERED:
        raise ArrayDTypeError(
            f"{qualname(r.routine)}: not supported for dtype {r.dtype}; it needs ordered values "
            "(bool, int or float)"
        )


#: numpydoc entries shared by the generated docstrings.
_PARAMS = {
    "a": "a : array_like or MaskedArray\n    The values. Host values (lists, NumPy arrays) move to the "
         "configured backend;\n    a ``numpy.ma.MaskedArray`` is treated like a :class:`MaskedArray`.",
    "axis": "axis : None, int or tuple of int, optional\n    Axes to reduce; ``None`` (the default) reduces all.",
    "axis1": "axis : None or int, optional\n    The one axis to reduce; ``None`` reduces the flattened array.",
    "dtype": "dtype : dtype, optional\n    Accumulate in, and return, this dtype (the backend's canonical version).",
    "out": "out : None, optional\n    Not supported; results are always new arrays.",
    "ddof": "ddof : int, optional\n    Delta degrees of freedom: the divisor is ``count - ddof``.",
    "keepdims": "keepdims : bool, optional\n    Keep reduced axes as dimensions of length one.",
}

_RAISES = (
    "AxisError\n    If an axis is out of range or repeated.\n"
    "ArrayDTypeError\n    If the input's dtype is not supported.\n"
    "RoutineNotSupportedError\n    If ``out`` is given."
)


def make_doc(summary: str, params: tuple[str, ...], returns: str, notes: str = "",
             extra_params: str = "") -> str:
    """A numpydoc docstring from shared parameter entries."""
    entries = "\n".join(_PARAMS[name] for name in params)
    if extra_params:
        entries += "\n" + extra_params.strip("\n")
    doc = f"{summary}\n\nParameters\n----------\n{entries}\n\nReturns\n-------\n{returns.strip()}\n"
    doc += f"\nRaises\n------\n{_RAISES}\n"
    if notes:
        doc += f"\nNotes\n-----\n{notes.strip()}\n"
    return doc
