"""Imagery operators and math functions as proxies: graft shapes, result types, build-time errors."""

from __future__ import annotations

import operator

import numpy as np
import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.types import imagery_functions as wfi
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.kernel import Kernel
from gpucompute.types.primitives import Bool, Float, Int, Str


@pytest.fixture
def img():
    return Image.from_id("some:image")


@pytest.fixture
def ic():
    return ImageCollection.from_id("some:product")


def call(proxy):
    """The head of ``proxy``'s graft and its argument values (literals resolved, proxies as their keys)."""
    graft = proxy.graft
    head, *args = graft[graft["returns"]]
    return head, [_resolve(graft, a) for a in args]


def _resolve(graft, arg):
    if isinstance(arg, str) and arg in graft:
        value = graft[arg]
        if not isinstance(value, list) or not value or not isinstance(value[0], str):
            return value
        return ("apply", value[0])
    return arg


ARITHMETIC = [(operator.add, "wf.add", "wf.add"), (operator.sub, "wf.sub", "wf.sub"),
              (operator.mul, "wf.mul", "wf.mul"), (operator.truediv, "wf.div", "wf.truediv"),
              (operator.floordiv, "wf.floordiv", "wf.floordiv"), (operator.mod, "wf.mod", "wf.mod"),
              (operator.pow, "wf.pow", "wf.pow")]
COMPARISONS = [(operator.lt, "wf.lt"), (operator.le, "wf.le"), (operator.gt, "wf.gt"), (operator.ge, "wf.ge"),
               (operator.eq, "wf.eq"), (operator.ne, "wf.ne")]
BITWISE = [(operator.and_, "wf.and"), (operator.or_, "wf.or"), (operator.xor, "wf.xor"),
           (operator.lshift, "wf.lshift"), (operator.rshift, "wf.rshift")]


@pytest.mark.parametrize("op, builtin, reflected", ARITHMETIC, ids=[b for _, b, _ in ARITHMETIC])
def test_arithmetic_grafts_and_types(img, ic, op, builtin, reflected):
    for other in (2, 2.5, Int(3), Float(1.5)):
        forward = op(img, other)
        assert type(forward) is Image and call(forward)[0] == builtin
        backward = op(other, img)
        assert type(backward) is Image
        head, args = call(backward)
        assert head == reflected and args[1] == ("apply", "wf.Image.load")
    assert type(op(img, ic)) is ImageCollection and type(op(ic, img)) is ImageCollection
    assert type(op(ic, 1)) is ImageCollection and type(op(1, ic)) is ImageCollection
    assert type(op(img, img)) is Image


def test_reflected_number_comes_first(img):
    head, args = call(2 - img)
    assert head == "wf.sub" and args == [2, ("apply", "wf.Image.load")]
    head, args = call(2 / img)
    assert head == "wf.truediv" and args[0] == 2
    assert call(np.float32(2) * img)[0] == "wf.mul"  # NumPy scalars give way to the image


@pytest.mark.parametrize("op, builtin", COMPARISONS, ids=[b for _, b in COMPARISONS])
def test_comparisons(img, ic, op, builtin):
    assert call(op(img, 0.5)) == (builtin, [("apply", "wf.Image.load"), 0.5])
    assert type(op(img, ic)) is ImageCollection and type(op(ic, 1)) is ImageCollection
    assert type(op(Float(0.1), img)) is Image  # the number gives way; Python reflects the comparison


def test_equality_takes_bools(img):
    assert call(img == True) == ("wf.eq", [("apply", "wf.Image.load"), True])
    assert call(img != Bool(False))[0] == "wf.ne"
    with pytest.raises(ProxyTypeError):
        img == Str("a")  # noqa: B015


@pytest.mark.parametrize("op, builtin", BITWISE, ids=[b for _, b in BITWISE])
def test_bitwise(img, ic, op, builtin):
    assert call(op(img, 3))[0] == builtin
    assert call(op(3, img)) == (builtin, [3, ("apply", "wf.Image.load")])
    assert type(op(ic, img)) is ImageCollection
    with pytest.raises(ProxyTypeError):
        op(img, 2.5)


def test_logical_operators_take_bools_as_bools(img):
    assert call((img > 1) & True)[1][1] is True
    assert call(False | (img > 1))[1][0] is False


@pytest.mark.parametrize("name, builtin", [("__neg__", "wf.neg"), ("__pos__", "wf.pos"), ("__abs__", "wf.abs"),
                                           ("__invert__", "wf.invert")])
def test_unary(img, ic, name, builtin):
    assert call(getattr(img, name)())[0] == builtin and type(getattr(img, name)()) is Image
    assert type(getattr(ic, name)()) is ImageCollection


@pytest.mark.parametrize("bad", ["text", Str("text"), [1, 2], None, {"a": 1}])
def test_wrong_operands_fail_when_written(img, ic, bad):
    for value in (img, ic):
        with pytest.raises(ProxyTypeError):
            value + bad
        with pytest.raises(ProxyTypeError):
            bad * value
        with pytest.raises(ProxyTypeError):
            assert value < bad


def test_image_operators_reject_arithmetic_with_bool(img):
    with pytest.raises(ProxyTypeError):
        img + Bool(True)


def test_proxies_stay_hashable(img, ic):
    assert len({img, ic, img}) == 2


MATH = ["log", "log2", "log10", "log1p", "sqrt", "cos", "arccos", "sin", "arcsin", "tan", "arctan", "exp", "square"]


@pytest.mark.parametrize("name", MATH)
def test_math_methods_and_functions(img, ic, name):
    assert call(getattr(img, name)()) == (f"wf.{name}", [("apply", "wf.Image.load")])
    assert type(getattr(ic, name)()) is ImageCollection
    function = getattr(wfi, name)
    assert type(function(img)) is Image and type(function(ic)) is ImageCollection
    for number in (2, 2.5, Int(2), Float(0.5)):
        assert type(function(number)) is Float and call(function(number))[0] == f"wf.{name}"
    with pytest.raises(ProxyTypeError):
        function("x")


def test_arctan2_types(img, ic):
    assert type(wfi.arctan2(1, 2)) is Float
    assert type(wfi.arctan2(img, 2)) is Image and type(wfi.arctan2(1.0, img)) is Image
    assert type(wfi.arctan2(img, ic)) is ImageCollection
    assert call(wfi.arctan2(img, 2)) == ("wf.arctan2", [("apply", "wf.Image.load"), 2])
    with pytest.raises(ProxyTypeError):
        wfi.arctan2(img, "x")


def test_normalized_difference_is_operators(img, ic):
    nd = wfi.normalized_difference(img, ic)
    assert type(nd) is ImageCollection
    head, args = call(nd)
    assert head == "wf.div" and args == [("apply", "wf.sub"), ("apply", "wf.add")]
    assert type(wfi.normalized_difference(3, 1)) is Float


def test_where_types_and_graft(img, ic):
    assert type(wfi.where(img > 1, img, 0)) is Image
    assert type(wfi.where(img > 1, 1, ic)) is ImageCollection
    assert type(wfi.where(True, img, 0.5)) is Image
    assert type(wfi.where(ic > 1, 1, 0)) is ImageCollection
    assert call(wfi.where(img > 1, img, 0)) == ("wf.where", [("apply", "wf.gt"), ("apply", "wf.Image.load"), 0])
    with pytest.raises(ProxyTypeError, match="ifelse"):
        wfi.where(True, 1, 2)
    with pytest.raises(ProxyTypeError):
        wfi.where(img, "a", 0)
    with pytest.raises(ProxyTypeError):
        wfi.where(Int(1), img, 0)


def test_concat(img, ic):
    joined = wfi.concat(img, ic, img)
    assert type(joined) is ImageCollection and call(joined)[0] == "wf.concat" and len(call(joined)[1]) == 3
    assert type(img.concat(img)) is ImageCollection and type(ic.concat(img, ic)) is ImageCollection
    with pytest.raises(ProxyTypeError):
        wfi.concat(img)
    with pytest.raises(ProxyTypeError):
        img.concat()
    with pytest.raises(ProxyTypeError):
        wfi.concat(img, 1)


def test_conv2d(img, ic):
    kernel = Kernel(dims=(3, 3), data=[1.0] * 9)
    assert type(wfi.conv2d(img, kernel)) is Image and type(wfi.conv2d(ic, kernel)) is ImageCollection
    assert call(wfi.conv2d(img, kernel))[0] == "wf.conv2d"
    with pytest.raises(ProxyTypeError):
        wfi.conv2d(img, [1.0] * 9)
    with pytest.raises(ProxyTypeError):
        wfi.conv2d(1.0, kernel)
