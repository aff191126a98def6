"""Primitives at build time: promotion, graft shapes, the operator matrix and its type errors."""

from __future__ import annotations

import operator

import numpy as np
import pytest

from gpucompute.errors import ProxyTypeError, ProxyUsageError
from gpucompute.graft.client import consistent_guid
from gpucompute.types.anytype import Any
from gpucompute.types.containers import List, Tuple
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Number, Str


def graft_of(build):
    with consistent_guid():
        return build().graft


def test_int_plus_one_is_the_documented_graft():
    # api-descarteslabs.md §3.3
    assert graft_of(lambda: Int(1) + 1) == {"0": 1, "1": 1, "2": ["wf.numpy.add", "0", "1"], "returns": "2"}


def test_reflected_operator_puts_the_python_value_first():
    assert graft_of(lambda: 1 + Int(2)) == {"0": 2, "1": 1, "2": ["wf.numpy.add", "1", "0"], "returns": "2"}


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: Int(1) - 1, "wf.numpy.subtract"),
        (lambda: Int(1) * 1, "wf.numpy.multiply"),
        (lambda: Int(1) / 1, "wf.numpy.true_divide"),
        (lambda: Int(1) // 1, "wf.numpy.floor_divide"),
        (lambda: Int(1) % 1, "wf.numpy.remainder"),
        (lambda: Int(1) ** 1, "wf.numpy.power"),
        (lambda: Int(1) < 1, "wf.numpy.less"),
        (lambda: Int(1) <= 1, "wf.numpy.less_equal"),
        (lambda: Int(1) > 1, "wf.numpy.greater"),
        (lambda: Int(1) >= 1, "wf.numpy.greater_equal"),
        (lambda: Int(1) == 1, "wf.numpy.equal"),
        (lambda: Int(1) != 1, "wf.numpy.not_equal"),
        (lambda: Int(1) & 1, "wf.and"),
        (lambda: Int(1) | 1, "wf.or"),
        (lambda: Int(1) ^ 1, "wf.xor"),
        (lambda: Int(1) << 1, "wf.lshift"),
        (lambda: Int(1) >> 1, "wf.rshift"),
        (lambda: divmod(Int(1), 1), "wf.divmod"),
        (lambda: -Int(1), "wf.numpy.negative"),
        (lambda: +Int(1), "wf.pos"),
        (lambda: abs(Int(1)), "wf.numpy.absolute"),
        (lambda: ~Int(1), "wf.invert"),
        (lambda: Bool(True) & True, "wf.numpy.logical_and"),
        (lambda: Bool(True) | True, "wf.numpy.logical_or"),
        (lambda: Bool(True) ^ True, "wf.numpy.logical_xor"),
        (lambda: ~Bool(True), "wf.numpy.logical_not"),
        (lambda: Bool(True) == True, "wf.numpy.equal"),
        (lambda: Bool(True) != True, "wf.numpy.not_equal"),
        (lambda: Str("a") + "b", "wf.add"),
        (lambda: Str("a") * 2, "wf.mul"),
        (lambda: Str("a") < "b", "wf.lt"),
        (lambda: Str("a")[0], "wf.get"),
        (lambda: Str("a").length(), "wf.length"),
        (lambda: Str("a").contains("a"), "wf.contains"),
        (lambda: Str("a").reversed(), "wf.reversed"),
        (lambda: Int(Float(1.5)), "wf.Int.cast"),
        (lambda: Float(Int(1)), "wf.Float.cast"),
        (lambda: Int(Str("12")), "wf.Int.cast"),
    ],
)
def test_operators_record_the_v110_builtin_names(build, name):
    graft = graft_of(build)
    assert graft[graft["returns"]][0] == name


def test_shift_operators_keep_operand_order():
    # __rshift__ is a forward operator (its name only starts like a reflected one)
    assert graft_of(lambda: Int(25) >> 2) == {"0": 25, "1": 2, "2": ["wf.rshift", "0", "1"], "returns": "2"}
    assert graft_of(lambda: 25 >> Int(2)) == {"0": 2, "1": 25, "2": ["wf.rshift", "1", "0"], "returns": "2"}


def test_numpy_functions_on_numbers_give_proxies():
    assert type(np.add(Int(1), 2)) is Int
    assert type(np.float32(1.5) * Float(2.0)) is Float


def test_str_method_fills_defaults_by_keyword():
    assert graft_of(lambda: Str("ab").center(5)) == {
        "0": "ab", "1": 5, "2": " ", "3": ["wf.Str.center", "0", "1", {"fillchar": "2"}], "returns": "3",
    }
    assert graft_of(lambda: Str("ab").center(5)) == graft_of(lambda: Str("ab").center(5, " "))


@pytest.mark.parametrize(
    "value, cls, literal",
    [
        (3, Int, 3),
        (True, Int, 1),
        (np.int64(7), Int, 7),
        (np.uint8(7), Int, 7),
        (2.5, Float, 2.5),
        (2, Float, 2.0),
        (np.float32(0.5), Float, 0.5),
        (True, Bool, True),
        (np.bool_(False), Bool, False),
        ("x", Str, "x"),
        (np.str_("x"), Str, "x"),
        (None, NoneType, None),
    ],
)
def test_python_and_numpy_scalars_promote_to_literals(value, cls, literal):
    proxy = cls._promote(value)
    assert type(proxy) is cls
    key = proxy.graft["returns"]
    assert proxy.graft[key] == literal and type(proxy.graft[key]) is type(literal)


@pytest.mark.parametrize(
    "value, cls",
    [(2.5, Int), (np.float64(1.0), Int), ("1", Int), (np.bool_(True), Int), (1, Bool), ("x", Float),
     (True, Float), (1, Str), (0, NoneType), (Float(1.0), Int), (Int(1), Float), (Int(1), Bool), (Str("a"), Int)],
)
def test_no_implicit_promotion_between_kinds(value, cls):
    with pytest.raises(ProxyTypeError):
        cls._promote(value)


def test_number_promotes_to_the_matching_kind():
    assert type(Number._promote(1)) is Int
    assert type(Number._promote(1.0)) is Float
    assert type(Number._promote(np.float32(1))) is Float
    with pytest.raises(ProxyTypeError):
        Number._promote("1")
    with pytest.raises(ProxyTypeError):
        Number(1)


@pytest.mark.parametrize("cls", [Int, Float, Bool, Str])
def test_constructing_from_a_proxy_of_the_same_type_shares_its_graft(cls):
    source = cls._promote({Int: 1, Float: 1.0, Bool: True, Str: "a"}[cls])
    assert cls(source).graft is source.graft


def test_bool_rejects_numbers():
    with pytest.raises(ProxyTypeError):
        Bool(1)
    with pytest.raises(ProxyTypeError):
        Bool(Int(1))


# -- operator matrix --------------------------------------------------------------------------
OPERANDS = {
    "int": 2,
    "float": 2.5,
    "bool": True,
    "np.int64": np.int64(2),
    "np.float32": np.float32(2.5),
    "str": "s",
    "None": None,
    "Int": Int(2),
    "Float": Float(2.5),
    "Bool": Bool(True),
    "Str": Str("s"),
}
ARITH = [operator.add, operator.sub, operator.mul, operator.floordiv, operator.mod, operator.pow]
BITWISE = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]
COMPARE = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]
NUMERIC_OK = {"int": Int, "bool": Int, "np.int64": Int, "Int": Int, "float": Float, "np.float32": Float, "Float": Float}


def _expected(left, op, kind):
    """The result type of ``left <op> OPERANDS[kind]``, or None for a type error (the matrix, per §2.2)."""
    if left is Bool:
        if op in (operator.and_, operator.or_, operator.xor, operator.eq, operator.ne):
            return Bool if kind in ("bool", "Bool") else None
        return None
    if op in BITWISE:
        if left is Int and kind in ("int", "bool", "np.int64", "Int"):
            return Int
        return None
    if kind not in NUMERIC_OK:
        return None
    if op in COMPARE:
        return Bool
    if op is operator.truediv:
        return Float
    return Float if Float in (left, NUMERIC_OK[kind]) else Int


@pytest.mark.parametrize("left", [Int, Float, Bool], ids=lambda c: c.__name__)
@pytest.mark.parametrize("op", ARITH + [operator.truediv] + BITWISE + COMPARE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kind", list(OPERANDS))
def test_operator_matrix(left, op, kind):
    x = left._promote({Int: 3, Float: 3.5, Bool: False}[left])
    other = OPERANDS[kind]
    expected = _expected(left, op, kind)
    if left is Int and kind == "Str" and op is operator.mul:
        expected = Str  # Int * Str repeats the string (Str.__rmul__)
    if expected is None:
        with pytest.raises(ProxyTypeError):
            op(x, other)
        return
    assert type(op(x, other)) is expected
    if not isinstance(other, (Int, Float, Bool, Str, np.generic)):
        # the reflected form gives the same type from a Python operand on the left
        assert type(op(other, x)) is expected


def test_divmod_gives_a_tuple_of_the_promoted_type():
    assert type(divmod(Int(7), 2)) is Tuple[Int, Int]
    assert type(divmod(Int(7), 2.0)) is Tuple[Float, Float]
    assert type(divmod(7.5, Int(2))) is Tuple[Float, Float]


@pytest.mark.parametrize(
    "op, other, expected",
    [
        (operator.add, "x", Str), (operator.add, Str("x"), Str), (operator.mul, 3, Str), (operator.mul, Int(3), Str),
        (operator.lt, "x", Bool), (operator.eq, Str("x"), Bool), (operator.add, 1, None), (operator.sub, "x", None),
        (operator.mul, "x", None), (operator.mul, 2.0, None), (operator.lt, 1, None), (operator.truediv, "x", None),
    ],
)
def test_str_operator_matrix(op, other, expected):
    s = Str("ab")
    if expected is None:
        with pytest.raises(ProxyTypeError):
            op(s, other)
    else:
        assert type(op(s, other)) is expected


def test_reflected_str_operators():
    assert type("x" + Str("a")) is Str
    assert type(3 * Str("a")) is Str
    assert type(Int(3) * Str("a")) is Str
    with pytest.raises(ProxyTypeError):
        Int(3) + Str("a")


def test_str_indexing_takes_ints_and_slices():
    s = Str("hello")
    assert type(s[1]) is Str and type(s[1:3]) is Str and type(s[Int(0)]) is Str
    with pytest.raises(ProxyTypeError):
        s["a"]
    with pytest.raises(ProxyTypeError):
        s[1.5]


def test_str_method_arguments_are_type_checked():
    s = Str("ab")
    with pytest.raises(ProxyTypeError, match="width"):
        s.center("5")
    with pytest.raises(ProxyTypeError, match="at most 0"):
        s.upper(1)
    with pytest.raises(ProxyTypeError, match="missing"):
        s.zfill()
    with pytest.raises(ProxyTypeError, match="unexpected keyword"):
        s.split(separator=",")
    assert type(s.split(",")) is List[Str]
    assert type(s.rpartition(",")) is Tuple[Str, Str, Str]
    assert type(s.find("a")) is Int and type(s.isdigit()) is Bool
    assert type(s.join(["x", Str("y")])) is Str
    with pytest.raises(ProxyTypeError):
        s.join([1, 2])


def test_any_takes_every_operator_and_casts():
    x = Any(1)
    for op in ARITH + [operator.truediv] + BITWISE:
        assert type(op(x, 1)) is Any and type(op(1, x)) is Any
    for op in COMPARE:
        assert type(op(x, 1)) is Bool
    assert type(Int(1) + x) is Any and type(Str("a") + x) is Any
    assert type(-x) is Any and type(abs(x)) is Any and type(~x) is Any and type(+x) is Any
    assert type(divmod(x, 2)) is Tuple[Any, Any]
    assert type(x["k"]) is Any and type(x[1:2]) is Any and type(x.foo) is Any and type(x(1, y=2)) is Any
    assert type(reversed(x)) is Any
    assert x.cast(Int).graft is x.graft
    assert type(x.cast(List[Int])) is List[Int]
    with pytest.raises(ProxyTypeError):
        x.cast(List)
    with pytest.raises(AttributeError):
        getattr(x, "_private")


def test_any_graft_names():
    assert graft_of(lambda: Any(1) / 2)["2"][0] == "wf.div"
    assert graft_of(lambda: 2 / Any(1))["2"][0] == "wf.truediv"
    assert graft_of(lambda: Any(1).foo) == {"0": 1, "1": "foo", "2": ["wf.getattr", "0", "1"], "returns": "2"}


def _usage_examples():
    from gpucompute.types.containers import Dict, Slice, Struct
    from gpucompute.types.datetimes import Datetime, Timedelta
    from gpucompute.types.function import Function

    return [Int(1), Float(1.0), Bool(True), Str("a"), NoneType(), Any(1), List[Int]([1]), Tuple[Int]((1,)),
            Dict[Str, Int]({"a": 1}), Struct[{"x": Int}](x=1), Slice(1), Datetime(2020), Timedelta(1),
            Function[Int, Int](lambda x: x)]


@pytest.mark.parametrize("proxy", _usage_examples(), ids=lambda p: type(p).__name__)
def test_python_protocols_that_need_a_value_raise(proxy):
    with pytest.raises(ProxyUsageError):
        bool(proxy)
    with pytest.raises(ProxyUsageError):
        len(proxy)
    with pytest.raises(ProxyUsageError):
        iter(proxy)
