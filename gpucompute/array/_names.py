"""The NumPy routine names gpucompute provides, from the original ``wf.numpy`` API.

These lists are the contract: ``gpucompute.array`` must export exactly these
names (tested), and the lazy ``wf.numpy`` proxies are generated from them.
Order follows the original grouping in ``reference/api-descarteslabs.md`` §1.
"""

from __future__ import annotations

#: 79 ufunc names (some are aliases: mod, conj, bitwise_not, true_divide).
UFUNC_NAMES: tuple[str, ...] = (
    # math
    "add", "subtract", "multiply", "divide", "logaddexp", "logaddexp2", "true_divide",
    "floor_divide", "negative", "power", "float_power", "remainder", "mod", "conj",
    "conjugate", "exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "square",
    "cbrt", "reciprocal",
    # trigonometric
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "hypot",
    # bitwise
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "invert",
    # comparison and logical
    "greater", "greater_equal", "less", "less_equal", "not_equal", "equal", "logical_and",
    "logical_or", "logical_xor", "logical_not", "maximum", "minimum", "fmax", "fmin",
    # floating point
    "isfinite", "isinf", "isnan", "signbit", "copysign", "nextafter", "spacing", "ldexp",
    "fmod", "floor", "ceil", "trunc", "degrees", "radians", "rint", "fabs", "sign", "absolute",
)

#: 101 routines that are not ufuncs, grouped as in the original signature table.
REDUCTION_NAMES: tuple[str, ...] = (
    "all", "any", "allclose", "argmax", "argmin", "average", "count_nonzero", "max", "min",
    "mean", "median", "nanargmax", "nanargmin", "nanmax", "nanmean", "nanmin", "nanprod",
    "nanstd", "nansum", "nanvar", "prod", "ptp", "std", "sum", "var", "percentile",
    "histogram", "bincount", "corrcoef", "cov", "cumprod", "cumsum", "nancumprod",
    "nancumsum", "diff", "ediff1d", "gradient", "trace",
)
CREATION_NAMES: tuple[str, ...] = (
    "arange", "eye", "full", "full_like", "indices", "linspace", "ones", "ones_like", "zeros",
    "zeros_like", "meshgrid", "diag",
)
MANIPULATION_NAMES: tuple[str, ...] = (
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "broadcast_to",
    "concatenate", "stack", "hstack", "vstack", "dstack", "reshape", "ravel", "squeeze",
    "transpose", "moveaxis", "rollaxis", "roll", "repeat", "tile", "pad", "insert", "take",
    "compress", "diagonal", "tril", "triu", "flatnonzero", "nonzero", "argwhere", "unique",
    "unravel_index", "where",
)
ELEMENTWISE_NAMES: tuple[str, ...] = (
    "around", "round", "fix", "clip", "nan_to_num", "angle", "real", "imag", "isreal",
    "isposinf", "isneginf", "isclose", "isin", "digitize",
)
PRODUCT_NAMES: tuple[str, ...] = ("dot", "vdot", "outer", "tensordot", "einsum")

ROUTINE_NAMES: tuple[str, ...] = (
    REDUCTION_NAMES + CREATION_NAMES + MANIPULATION_NAMES + ELEMENTWISE_NAMES + PRODUCT_NAMES
)

LINALG_NAMES: tuple[str, ...] = ("cholesky", "inv", "lstsq", "norm", "qr", "solve", "svd")

MA_NAMES: tuple[str, ...] = (
    "average", "filled", "fix_invalid", "masked_equal", "masked_greater",
    "masked_greater_equal", "masked_less", "masked_less_equal", "masked_not_equal",
    "masked_inside", "masked_outside", "masked_invalid", "masked_values", "masked_where",
    "masked_array",
)

#: Routines whose output shape depends on the values, so they cannot run inside a jit
#: (bincount can, when given ``length=``).
DATA_DEPENDENT_NAMES: frozenset[str] = frozenset(
    {"nonzero", "flatnonzero", "argwhere", "unique", "compress", "bincount"}
)
