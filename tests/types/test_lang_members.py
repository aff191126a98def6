"""Public members of the language types equal the reference lists (api-descarteslabs.md §2.2-2.5).

Each list is transcribed once from the reference; a missing or an extra
public member fails.  Every proxy also has the members of ``Proxytype``.
"""

from __future__ import annotations

import pytest

from gpucompute.types.anytype import Any
from gpucompute.types.containers import Dict, KnownDict, List, Slice, Struct, Tuple
from gpucompute.types.datetimes import Datetime, Timedelta
from gpucompute.types.function import Function
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Number, Str

COMMON = {"compute", "inspect", "publish", "graft", "params"}  # publish: on every proxy, as in the original

# §2.2: "Str: 33 methods, each wf.Str.<name>" -- the list as the reference gives it.
STR_33 = ["capitalize", "center", "count", "endswith", "expandtabs", "find", "format", "isalnum", "isalpha", "isdigit", "islower", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition", "replace", "rfind", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill"]

REFERENCE = {
    Int: set(),
    Float: set(),
    Bool: set(),
    Number: set(),
    NoneType: set(),
    # §2.2: plus length, contains, reversed
    Str: set(STR_33) | {"length", "contains", "reversed"},
    # §2.2 "cast(cls)"; contains/length as in the v1.10 Any
    Any: {"cast", "contains", "length"},
    # §2.3 CollectionMixin
    List: {"map", "filter", "reduce", "length", "contains", "sorted", "reversed"},
    Tuple: {"length"},
    Dict: {"from_pairs", "get", "contains", "length", "keys", "values", "items"},
    KnownDict: {"from_pairs", "get", "contains", "length", "keys", "values", "items"},
    Struct: set(),
    Slice: {"from_slice"},
    # §2.4
    Datetime: {"from_timestamp", "from_string", "is_between", "year", "month", "day", "hour", "minute", "second",
               "microsecond"},
    Timedelta: {"days", "seconds", "microseconds", "total_seconds"},
    # §2.5
    Function: {"from_callable", "from_object"},
}


def test_str_has_exactly_33_methods():
    assert len(STR_33) == len(set(STR_33)) == 33


@pytest.mark.parametrize("cls", list(REFERENCE), ids=lambda c: c.__name__)
def test_public_members_match_the_reference(cls):
    public = {name for name in dir(cls) if not name.startswith("_")}
    assert public == REFERENCE[cls] | COMMON


@pytest.mark.parametrize(
    "cls",
    [List[Int], Tuple[Int, Str], Dict[Str, Float], KnownDict[{"a": Int}, Str, Any], Struct[{"x": Int}],
     Function[Int, Str]],
    ids=lambda c: c.__name__,
)
def test_parametrised_types_keep_the_generic_members(cls):
    generic = cls.__mro__[1]
    public = {name for name in dir(cls) if not name.startswith("_")}
    assert public == REFERENCE[generic] | COMMON


def test_str_method_table_matches_the_builtin_table():
    from gpucompute.execution.builtins_str import OPTIONAL_ARGUMENTS
    from gpucompute.types.string import STR_METHODS

    assert set(STR_METHODS) == set(OPTIONAL_ARGUMENTS) == set(STR_33)
    for name, (signature, _) in STR_METHODS.items():
        if signature is not None:
            from gpucompute.types._ops import REQUIRED

            optional = tuple(p.name for p in signature if p.default is not REQUIRED)
            assert optional == OPTIONAL_ARGUMENTS[name], name
