"""The signature table of ``wf.numpy``: every non-ufunc routine, ``linalg`` and ``ma``.

One entry per routine: a tuple of *overloads*, tried in order; the first whose
parameters accept the arguments wins.  An overload is written like a Python
signature with proxy types::

    "a: A|MA, axis: Int|List[Int] = None -> like"

Type names: ``A`` Array, ``MA`` MaskedArray, ``S`` Scalar, the primitives
``Int Float Bool Str None``, ``DType``, ``Slice``, and ``List[...]`` /
``Tuple[...]`` of those.  A parameter with a default is recorded by keyword
with the default filled in; one without is recorded positionally; ``*name``
collects extra positional arguments; parameters after a bare ``*`` are
keyword-only.  ``dtype(float)`` as a default is a DType proxy.

Return types: a type name, or a rule on the promoted arguments:

``like``
    ``MaskedArray`` if any array argument is masked (inside lists too), else ``Array``.
``like?``
    As ``like``, but ``Scalar`` when no argument is an array.

The same table generates the functions (:mod:`gpucompute.numpy._functions`),
their docstrings, NumPy's dispatch table and the execution builtins, and a test
keeps its names equal to :mod:`gpucompute.array._names`.
"""

from __future__ import annotations

__all__ = ["ENGINE_KEYWORDS", "LINALG", "MA", "ROUTINES"]

_AXES = "Int|List[Int]"


def _reduction(extra: str = "", axis: str = _AXES) -> tuple[str, ...]:
    """``axis`` given -> an array like the input; ``axis=None`` -> a Scalar."""
    return (
        f"a: A|MA, axis: {axis} = None{extra} -> like",
        f"a: A|MA|S, axis: None = None{extra} -> S",
    )


def _same(params: str) -> tuple[str, ...]:
    """One overload returning an array like the inputs (Scalar for scalar inputs)."""
    return (f"{params} -> like?",)


def _cumulative() -> tuple[str, ...]:
    return ("a: A|MA|S, axis: Int|None = None, dtype: DType|None = None -> like",)


def _joining(axis: bool) -> tuple[str, ...]:
    extra = ", axis: Int = 0" if axis else ""
    return (f"arrays: List[A]{extra} -> A", f"arrays: List[MA]{extra} -> MA")


def _atleast() -> tuple[str, ...]:
    return ("arys: A|S -> A", "arys: MA -> MA", "*arys: A|MA|S -> List[like]")


_NUMBER = "S|Int|Float|Bool"
_VALUE = f"A|MA|{_NUMBER}"
_TOLERANCES = "rtol: Int|Float = 1e-05, atol: Int|Float = 1e-08"
_TESTED = "A|MA|S|List[Int]|List[Float]"

#: The 101 top-level routines (ufuncs are generated from gpucompute.array's ufunc table).
ROUTINES: dict[str, tuple[str, ...]] = {
    # -- reductions and statistics
    "all": _reduction(),
    "any": _reduction(),
    "allclose": (f"a: A|MA|S, b: A|MA|S, {_TOLERANCES}, equal_nan: Bool = False -> Bool",),
    "argmax": _reduction(axis="Int"),
    "argmin": _reduction(axis="Int"),
    "average": _reduction(", weights: A|MA|S|None = None"),
    "count_nonzero": ("a: A|MA, axis: Int|List[Int] = None -> A", "a: A|MA|S, axis: None = None -> S"),
    "max": _reduction(),
    "min": _reduction(),
    "mean": _reduction(),
    "median": _reduction(),
    "nanargmax": _reduction(axis="Int"),
    "nanargmin": _reduction(axis="Int"),
    "nanmax": _reduction(),
    "nanmean": _reduction(),
    "nanmin": _reduction(),
    "nanprod": _reduction(),
    "nanstd": _reduction(),
    "nansum": _reduction(),
    "nanvar": _reduction(", ddof: Int = 0"),
    "prod": _reduction(),
    "ptp": _reduction(),
    "std": _reduction(),
    "sum": _reduction(),
    "var": _reduction(", ddof: Int = 0"),
    "percentile": (
        ("a: A|MA, q: A|MA|S|Int|Float|List[Int]|List[Float], axis: Int|List[Int]|None = None, "
         "interpolation: Str = 'linear' -> like"),
    ),
    "histogram": (
        ("a: A, bins: Int|List[Int]|List[Float] = 10, range: Tuple[Int, Int]|Tuple[Float, Float]|None = None, "
         "weights: A|None = None, density: Bool|None = None -> Tuple[A, A]"),
    ),
    "bincount": ("x: A|MA, weights: A|MA|None = None, minlength: Int = 0 -> A",),
    "corrcoef": ("x: A|MA, y: A|MA|None = None, rowvar: Bool = True -> like",),
    "cov": (
        ("m: A|MA, y: A|MA|None = None, rowvar: Bool = True, bias: Bool = False, ddof: Int|None = None, "
         "fweights: A|Int|None = None, aweights: A|None = None -> like"),
    ),
    "cumprod": _cumulative(),
    "cumsum": _cumulative(),
    "nancumprod": _cumulative(),
    "nancumsum": _cumulative(),
    "diff": ("a: A|MA, n: Int = 1, axis: Int = -1 -> like",),
    "ediff1d": ("ary: A|MA|S, to_end: A|MA|S|None = None, to_begin: A|MA|S|None = None -> like",),
    "gradient": (
        ("f: A|MA, *varargs: Int|Float|List[Int]|List[Float]|A, edge_order: Int = 1, "
         "axis: Int|List[Int]|None = None -> List[like]"),
    ),
    "trace": ("a: A|MA, offset: Int = 0, axis1: Int = 0, axis2: Int = 1 -> A",),
    # -- creation
    "arange": (
        "stop: Int|Float|S -> A",
        "start: Int|Float|S, stop: Int|Float|S -> A",
        "start: Int|Float|S, stop: Int|Float|S, step: Int|Float|S -> A",
    ),
    "eye": ("N: Int, M: Int|None = None, k: Int = 0, dtype: DType = dtype(float) -> A",),
    "full": (f"shape: Int|List[Int], fill_value: {_VALUE}, dtype: DType|None = None -> A",),
    "full_like": (f"a: A|MA|S, fill_value: {_VALUE}, dtype: DType|None = None -> like",),
    "indices": ("dimensions: List[Int], dtype: DType = dtype(int) -> A",),
    "linspace": (
        ("start: Int|Float|S, stop: Int|Float|S, num: Int = 50, endpoint: Bool = True, "
         "dtype: DType|None = None, axis: Int = 0 -> A"),
    ),
    "ones": ("shape: Int|List[Int], dtype: DType = dtype(float) -> A",),
    "ones_like": ("a: A|MA|S, dtype: DType|None = None -> like",),
    "zeros": ("shape: Int|List[Int], dtype: DType = dtype(float) -> A",),
    "zeros_like": ("a: A|MA|S, dtype: DType|None = None -> like",),
    "meshgrid": ("*xi: A|MA|S, indexing: Str = 'xy', sparse: Bool = False -> List[A]",),
    "diag": ("v: A|MA -> like",),
    # -- shapes and manipulation
    "atleast_1d": _atleast(),
    "atleast_2d": _atleast(),
    "atleast_3d": _atleast(),
    "broadcast_arrays": ("*args: A|MA -> List[like]",),
    "broadcast_to": ("array: A|MA, shape: Int|List[Int] -> like",),
    "concatenate": _joining(axis=True),
    "stack": _joining(axis=True),
    "hstack": _joining(axis=False),
    "vstack": _joining(axis=False),
    "dstack": _joining(axis=False),
    "reshape": ("a: A|MA, newshape: Int|List[Int] -> like",),
    "ravel": ("a: S -> S", "a: A|MA -> like"),
    "squeeze": ("a: S, axis: None = None -> S", "a: A|MA, axis: Int|List[Int]|None = None -> like"),
    "transpose": ("a: A|MA, axes: List[Int]|None = None -> like",),
    "moveaxis": ("a: A|MA, source: Int|List[Int], destination: Int|List[Int] -> like",),
    "rollaxis": ("a: A|MA, axis: Int, start: Int = 0 -> like",),
    "roll": (
        "a: S, shift: Int, axis: None = None -> S",
        "a: A|MA, shift: Int, axis: Int|None = None -> like",
        "a: A|MA, shift: List[Int], axis: List[Int]|None = None -> like",
    ),
    "repeat": ("a: A|MA, repeats: Int|List[Int], axis: Int|None = None -> like",),
    "tile": ("A: A|MA, reps: Int|List[Int] -> like",),
    "pad": ("array: A|MA|S, pad_width: Int|List[Int]|List[List[Int]], mode: Str = 'constant' -> like",),
    "insert": ("arr: A|MA, obj: Int|List[Int]|Slice, values: A|MA|S, axis: Int|None -> like",),
    "take": ("a: A|MA, indices: Int|List[Int]|A, axis: Int|None = None -> like",),
    "compress": ("condition: A|MA|List[Bool], a: A|MA, axis: Int|None = None -> like",),
    "diagonal": ("a: A|MA, offset: Int = 0, axis1: Int = 0, axis2: Int = 1 -> like",),
    "tril": ("m: A|MA, k: Int = 0 -> like",),
    "triu": ("m: A|MA, k: Int = 0 -> like",),
    "flatnonzero": ("a: A|MA|S -> A",),
    "nonzero": ("a: A|MA|S -> List[A]",),
    "argwhere": ("a: A|MA -> A",),
    "unique": ("ar: A|MA -> like",),
    "unravel_index": ("indices: S, shape: List[Int] -> List[S]", "indices: A|MA, shape: List[Int] -> List[A]"),
    "where": (f"condition: A|MA, x: {_VALUE}, y: {_VALUE} -> like",),
    # -- elementwise routines that are not ufuncs
    "around": _same("a: A|MA|S, decimals: Int = 0"),
    "round": _same("a: A|MA|S, decimals: Int = 0"),
    "fix": _same("x: A|MA|S"),
    "clip": _same(f"a: A|MA|S, a_min: A|MA|{_NUMBER}, a_max: A|MA|{_NUMBER}"),
    "nan_to_num": _same("x: A|MA|S"),
    "angle": ("z: A|MA, deg: Bool = False -> like",),
    "real": _same("val: A|MA|S"),
    "imag": _same("val: A|MA|S"),
    "isreal": _same("x: A|MA|S"),
    "isposinf": _same("x: A|MA|S"),
    "isneginf": _same("x: A|MA|S"),
    "isclose": _same(f"a: A|MA|S, b: A|MA|S, {_TOLERANCES}, equal_nan: Bool = False"),
    "isin": (
        f"element: A|MA, test_elements: {_TESTED}, assume_unique: Bool = False, invert: Bool = False -> like",
        f"element: S, test_elements: {_TESTED}, assume_unique: Bool = False, invert: Bool = False -> S",
    ),
    "digitize": ("x: A|MA, bins: A|MA, right: Bool = False -> like", "x: S, bins: A|MA, right: Bool = False -> S"),
    # -- products
    "dot": ("a: S, b: S -> S", "a: A|MA, b: A|MA -> like"),
    "vdot": ("a: A|S, b: A|S -> A",),
    "outer": ("a: A|MA|S, b: A|MA|S -> like",),
    "tensordot": ("a: A, b: A, axes: Int|List[List[Int]] = 2 -> A",),
    "einsum": (
        ("subscripts: Str, *operands: A, dtype: DType|None = None, casting: Str = 'safe', "
         "optimize: Bool|Str = False -> A"),
    ),
}

#: ``wf.numpy.linalg`` (graft names ``wf.numpy.linalg.<name>``).
LINALG: dict[str, tuple[str, ...]] = {
    "cholesky": ("a: A -> A",),
    "inv": ("a: A -> A",),
    "lstsq": ("a: A, b: A -> Tuple[A, A, A, A]",),
    "norm": (
        "x: A, ord: Int|Float|Str|None = None, axis: Int|List[Int] = None -> A",
        "x: A, ord: Int|Float|Str|None = None, axis: None = None -> S",
    ),
    "qr": ("a: A, mode: Str = 'reduced' -> Tuple[A, A]",),
    "solve": ("a: A, b: A -> A",),
    "svd": ("a: A -> Tuple[A, A, A]",),
}

#: ``wf.numpy.ma`` (graft names ``wf.numpy.ma.<name>``); ``masked_array`` is the MaskedArray type itself.
MA: dict[str, tuple[str, ...]] = {
    "average": (
        "a: MA, axis: Int|List[Int] = None, weights: A|MA|S|None = None -> MA",
        "a: MA, axis: None = None, weights: A|MA|S|None = None -> S",
    ),
    "filled": (f"a: MA, fill_value: {_VALUE}|None = None -> A",),
    "fix_invalid": (f"a: A|MA, fill_value: {_VALUE} -> MA",),
    "masked_equal": (f"x: A|MA, value: {_NUMBER} -> MA",),
    "masked_greater": (f"x: A|MA, value: {_NUMBER} -> MA",),
    "masked_greater_equal": (f"x: A|MA, value: {_NUMBER} -> MA",),
    "masked_less": (f"x: A|MA, value: {_NUMBER} -> MA",),
    "masked_less_equal": (f"x: A|MA, value: {_NUMBER} -> MA",),
    "masked_not_equal": (f"x: A|MA, value: {_NUMBER} -> MA",),
    "masked_inside": (f"x: A|MA, v1: {_NUMBER}, v2: {_NUMBER} -> MA",),
    "masked_outside": (f"x: A|MA, v1: {_NUMBER}, v2: {_NUMBER} -> MA",),
    "masked_invalid": ("a: A|MA -> MA",),
    "masked_values": (f"x: A|MA, value: {_NUMBER}, {_TOLERANCES}, shrink: Bool = True -> MA",),
    "masked_where": (f"condition: {_VALUE}, a: A|MA -> MA",),
}

#: Where the engine routine names a keyword differently from the original API: graft name -> engine name.
ENGINE_KEYWORDS: dict[str, dict[str, str]] = {
    "percentile": {"interpolation": "method"},
}
