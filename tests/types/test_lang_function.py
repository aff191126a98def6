"""Function, parameters, identifiers, ifelse and constants at build time."""

from __future__ import annotations

import pytest

from gpucompute.errors import ParameterError, ProxyTypeError
from gpucompute.graft.client import consistent_guid
from gpucompute.types import constants
from gpucompute.types.anytype import Any
from gpucompute.types.conditional import ifelse
from gpucompute.types.containers import List
from gpucompute.types.function import Function
from gpucompute.types.parameters import identifier, parameter
from gpucompute.types.primitives import Bool, Float, Int, Number, Str


def test_tracing_uses_identifiers_named_after_the_python_parameters():
    with consistent_guid():
        fn = Function[Int, Int, Int](lambda a, b: a + b)
    assert fn.graft == {"1": ["wf.numpy.add", "a", "b"], "parameters": ["a", "b"], "returns": "1"}


def test_closure_hoists_outer_keys_out_of_the_body():
    with consistent_guid():
        outer = Int(10)
        fn = Function[Int, Int](lambda x: x * outer)
    assert fn.graft == {
        "0": 10,
        "3": {"2": ["wf.numpy.multiply", "x", "0"], "parameters": ["x"], "returns": "2"},
        "returns": "3",
    }


def test_calling_a_function_promotes_and_applies():
    fn = Function[Int, Float, Float](lambda a, b: a * b)
    out = fn(2, 1.5)
    assert type(out) is Float
    with pytest.raises(ProxyTypeError, match="argument 1"):
        fn(2, "x")
    with pytest.raises(ProxyTypeError):
        fn(2)
    with consistent_guid():
        fn = Function[Int, Int]("wf.some.builtin")
        call = fn(3)
    assert fn.graft == {"returns": "wf.some.builtin"}
    assert call.graft == {"0": 3, "1": ["wf.some.builtin", "0"], "returns": "1"}


def test_return_type_is_checked():
    with pytest.raises(ProxyTypeError, match="result"):
        Function[Int, Str](lambda x: x + 1)
    assert type(Function[Int, Float](lambda x: 1.5)) is Function[Int, Float]


def test_from_callable_with_types_and_as_a_decorator():
    fn = Function.from_callable(lambda s: s.upper(), Str)
    assert type(fn) is Function[Str, Str]

    @Function.from_callable
    def scale(x: Float, factor: Int) -> Float:
        return x * factor

    assert type(scale) is Function[Float, Int, Float]
    with pytest.raises(ProxyTypeError, match="type of parameter"):
        Function.from_callable(lambda x: x)


def test_python_functions_must_take_plain_positional_parameters():
    with pytest.raises(ProxyTypeError, match="positional"):
        Function.from_callable(lambda x=1: x, Int)
    with pytest.raises(ProxyTypeError, match="positional"):
        Function.from_callable(lambda *xs: xs[0], Int)
    with pytest.raises(ProxyTypeError, match="takes 2"):
        Function[Int, Int](lambda a, b: a)


def test_function_typing_is_contravariant_in_arguments_and_covariant_in_return():
    fn = Function[Number, Int](lambda x: Int(1))
    assert isinstance(fn, Function[Int, Number])
    assert isinstance(fn, Function[Number, Int])
    narrow = Function[Int, Number](lambda x: x)
    assert not isinstance(narrow, Function[Number, Number])
    assert not isinstance(narrow, Function[Int, Int])
    assert not isinstance(fn, Function[Int, Int, Int])


def test_function_type_parameters_are_validated():
    with pytest.raises(ProxyTypeError):
        Function[Int, 5]
    with pytest.raises(ProxyTypeError):
        Function[5, Int]
    assert Function[Int, {"k": Str}, Float]._kwarg_types() == {"k": Str}


def test_from_object_turns_parameters_into_function_parameters():
    x = parameter("x", Int)
    y = parameter("y", Int)
    fn = Function.from_object(x + y)
    assert type(fn) is Function[Int, Int, Int]
    assert fn.graft["parameters"] == ["x", "y"] and fn.params == ()


def test_parameter_names_and_types_are_checked():
    p = parameter("threshold", Float)
    assert p.graft == {"returns": "threshold"} and p.params == (p,)
    assert (p < 1.5).params == (p,)
    for bad in ("123", "a b", "returns", ""):
        with pytest.raises(ParameterError):
            parameter(bad, Int)
    with pytest.raises(ProxyTypeError):
        parameter("x", List)
    with pytest.raises(ProxyTypeError):
        parameter("x", int)


def test_two_parameters_with_one_name_conflict():
    with pytest.raises(ParameterError):
        parameter("x", Int) + parameter("x", Float)


def test_tracing_rejects_a_parameter_name_used_by_an_outer_parameter():
    x = parameter("x", Int)
    with pytest.raises(ProxyTypeError, match="same name"):
        List[Int]([1]).map(lambda x_: x_ + x).map(lambda x: x + parameter("x", Int))


def test_identifier_is_a_keyref_without_params():
    ident = identifier("wf.constants.pi", Float)
    assert ident.graft == {"returns": "wf.constants.pi"} and ident.params == ()
    with pytest.raises(ProxyTypeError):
        identifier("1", Float)
    with pytest.raises(ProxyTypeError):
        identifier("returns", Float)


@pytest.mark.parametrize("name", ["e", "pi", "inf", "nan"])
def test_constants_are_float_keyrefs(name):
    value = getattr(constants, name)
    assert type(value) is Float and value.graft == {"returns": f"wf.constants.{name}"}


def test_ifelse_wraps_both_branches_in_thunks():
    with consistent_guid():
        out = ifelse(Bool(True), Int(1), 2)
    assert type(out) is Int
    assert out.graft == {
        "0": True, "1": 1, "2": 2,
        "4": {"returns": "1", "parameters": []}, "5": {"returns": "2", "parameters": []},
        "6": ["wf.ifelse", "0", "4", "5"], "returns": "6",
    }


def test_ifelse_branches_must_have_one_type():
    with pytest.raises(ProxyTypeError, match="same type"):
        ifelse(True, 1, "a")
    with pytest.raises(ProxyTypeError):
        ifelse(True, Int(1), 2.5)
    with pytest.raises(ProxyTypeError):
        ifelse(Int(1), 1, 2)
    assert type(ifelse(Int(1) > 0, "a", Str("b"))) is Str
    assert type(ifelse(True, Any(1), Any(2))) is Any


def test_ifelse_keeps_parameters():
    flag = parameter("flag", Bool)
    out = ifelse(flag, 1, 2)
    assert out.params == (flag,)
