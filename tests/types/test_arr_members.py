"""Public members of Array, MaskedArray, Scalar and DType equal the reference lists (api-descarteslabs.md §1.4).

The lists are transcribed once from the reference; a missing or an extra
public member fails.  Operators are checked separately (they are dunders).
"""

from __future__ import annotations

import pytest

from gpucompute.types.array import Array, BaseArray
from gpucompute.types.core import NumPyMixin, Proxytype
from gpucompute.types.dtype import DType
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.scalar import Scalar

COMMON = {"compute", "inspect", "publish", "graft", "params"}  # publish: on every proxy, as in the original

# §1.4 BaseArray table
BASE = {"dtype", "ndim", "shape", "size", "literal_value", "astype", "flatten", "reshape", "to_imagery",
        "min", "max", "mean", "median", "sum", "std"}
REFERENCE = {
    BaseArray: BASE,
    Array: BASE | {"from_numpy"},
    # §1.4 "MaskedArray-only methods" plus the from_numpy classmethod
    MaskedArray: BASE | {"from_numpy", "getdata", "getmaskarray", "filled", "count", "compressed"},
    Scalar: set(),
    DType: set(),
}

# §1.4 "dunders: arithmetic, comparison, bitwise (& | ^ ~), unary - + abs"
ARITHMETIC = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow"]
BITWISE = ["and", "or", "xor"]
OPERATORS = (
    [f"__{n}__" for n in ARITHMETIC + BITWISE] + [f"__r{n}__" for n in ARITHMETIC + BITWISE]
    + [f"__{n}__" for n in ("lt", "le", "gt", "ge", "eq", "ne")]
    + ["__neg__", "__pos__", "__abs__", "__invert__"]
)


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


@pytest.mark.parametrize("cls", list(REFERENCE), ids=lambda c: c.__name__)
def test_public_members_equal_the_reference(cls):
    assert _public(cls) - COMMON == REFERENCE[cls]
    assert COMMON <= _public(cls)


@pytest.mark.parametrize("cls", [Array, MaskedArray, Scalar], ids=lambda c: c.__name__)
def test_operators_are_defined_on_the_type(cls):
    for name in OPERATORS:
        assert getattr(cls, name) is not getattr(Proxytype, name, None), f"{cls.__name__}.{name}"
    assert issubclass(cls, NumPyMixin) and cls._compiled is True


def test_only_arrays_index():
    assert "__getitem__" in dir(BaseArray) and not hasattr(Scalar, "__getitem__")
    assert DType._compiled is False


def test_array_and_masked_array_are_siblings():
    assert not issubclass(MaskedArray, Array) and not issubclass(Array, MaskedArray)
    assert issubclass(MaskedArray, BaseArray) and issubclass(Array, BaseArray)
