"""Containers at build time: constructors, graft shapes, element types and type errors."""

from __future__ import annotations

import operator

import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.graft.client import consistent_guid
from gpucompute.types.anytype import Any
from gpucompute.types.containers import (
    Dict,
    Ellipsis,
    KnownDict,
    List,
    Slice,
    Struct,
    Tuple,
    range,
    zip,
)
from gpucompute.types.datetimes import Datetime
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Str
from gpucompute.types.proxify import proxify


def graft_of(build):
    with consistent_guid():
        return build().graft


def test_list_constructor_and_copy_grafts():
    assert graft_of(lambda: List[Int]([1, 2])) == {"0": 1, "1": 2, "2": ["wf.list", "0", "1"], "returns": "2"}

    def copy():
        return List[Int](List[Int]([5]))

    assert graft_of(copy) == {"0": 5, "1": ["wf.list", "0"], "2": ["wf.list.copy", "1"], "returns": "2"}


def test_list_type_errors_name_the_bad_element():
    with pytest.raises(ProxyTypeError, match=r"List\[Int\]: element 1: expected Int, got str \('a'\)"):
        List[Int]([1, "a"])
    with pytest.raises(ProxyTypeError, match="element 0"):
        List[Str]([Int(1)])
    with pytest.raises(ProxyTypeError):
        List[Int](List[Str](["a"]))
    with pytest.raises(ProxyTypeError):
        List[Int](5)
    with pytest.raises(ProxyTypeError, match="element type"):
        List([1])


def test_nested_lists_promote_recursively():
    nested = List[List[Int]]([[1], [2, 3]])
    assert type(nested[0]) is List[Int]
    with pytest.raises(ProxyTypeError, match="element 1"):
        List[List[Int]]([[1], ["x"]])


def test_list_indexing_and_operators():
    lst = List[Int]([1, 2, 3])
    assert type(lst[0]) is Int and type(lst[Int(0)]) is Int
    assert type(lst[1:]) is List[Int] and type(lst[Slice(1)]) is List[Int]
    assert type(lst + [4]) is List[Int] and type([0] + lst) is List[Int] and type(lst + lst) is List[Int]
    assert type(lst * 2) is List[Int] and type(2 * lst) is List[Int] and type(Int(2) * lst) is List[Int]
    for op in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne):
        assert type(op(lst, [1])) is Bool
    for bad in (lambda: lst["a"], lambda: lst + ["a"], lambda: lst + List[Str](["a"]), lambda: lst * 2.0,
                lambda: lst - lst, lambda: lst < ["a"], lambda: -lst, lambda: lst + 1):
        with pytest.raises(ProxyTypeError):
            bad()


def test_list_graft_of_getitem_with_a_slice():
    def build():
        return List[Int]([1])[1:]

    assert graft_of(build) == {
        "0": 1, "1": ["wf.list", "0"], "2": 1, "3": None, "4": None,
        "5": ["wf.Slice.create", {"start": "2", "stop": "3", "step": "4"}],
        "6": ["wf.get", "1", "5"], "returns": "6",
    }


def test_collection_methods_types():
    lst = List[Int]([3, 1, 2])
    assert type(lst.length()) is Int and type(lst.contains(1)) is Bool
    assert type(lst.reversed()) is List[Int] and type(lst.sorted()) is List[Int]
    assert type(lst.map(lambda x: x > 1)) is List[Bool]
    assert type(lst.map(lambda x: x + 1)) is List[Int]
    assert type(lst.map(lambda x: x / 2)) is List[Float]
    assert type(lst.map(lambda x: "const")) is List[Str]
    assert type(lst.filter(lambda x: x > 1)) is List[Int]
    assert type(lst.reduce(lambda a, b: a + b)) is Int
    assert type(lst.reduce(lambda a, b: a + b, initial=0.5)) is Float
    assert type(lst.sorted(key=lambda x: -x, reverse=True)) is List[Int]
    with pytest.raises(ProxyTypeError):
        lst.contains("a")
    with pytest.raises(ProxyTypeError):
        lst.filter(lambda x: x + 1)  # not a Bool
    with pytest.raises(ProxyTypeError):
        lst.reduce(lambda a, b: a / b)  # Float accumulator for an Int fold
    with pytest.raises(ProxyTypeError):
        lst.map(lambda x, y: x)


def test_map_graft_is_a_nested_function():
    def build():
        return List[Int]([1]).map(lambda x: x + 1)

    graft = graft_of(build)
    assert graft["returns"] == "6" and graft["6"] == ["wf.map", "1", "5"]
    assert graft["5"] == {"3": 1, "4": ["wf.numpy.add", "x", "3"], "parameters": ["x"], "returns": "4"}


def test_tuple_positions_keep_their_types():
    t = Tuple[Int, Str, Float]((1, "a", 2.5))
    assert graft_of(lambda: Tuple[Int, Str]((1, "a"))) == {"0": 1, "1": "a", "2": ["wf.tuple", "0", "1"], "returns": "2"}
    assert type(t[0]) is Int and type(t[1]) is Str and type(t[-1]) is Float
    assert type(t[1:]) is Tuple[Str, Float]
    assert type(t + (True,)) is Tuple[Int, Str, Float, Bool]
    assert type((True,) + t) is Tuple[Bool, Int, Str, Float]
    assert type(t.length()) is Int and type(t == (1, "b", 0.5)) is Bool
    assert type(Tuple[Int, Int]((1, 2))[Int(0)]) is Int
    for bad in (lambda: t[3], lambda: t[Int(0)], lambda: Tuple[Int, Str]((1,)), lambda: Tuple[Int, Str]((1, 2)),
                lambda: t < (1, 2), lambda: Tuple[Int]("a")):
        with pytest.raises(ProxyTypeError):
            bad()


def test_dict_both_create_forms():
    assert graft_of(lambda: Dict[Str, Int]({"a": 1}, b=2)) == {
        "0": 1, "1": 2, "2": ["wf.dict.create", {"a": "0", "b": "1"}], "returns": "2",
    }
    assert graft_of(lambda: Dict[Int, Str]({1: "a"})) == {
        "0": 1, "1": "a", "2": ["wf.dict.create", "0", "1"], "returns": "2",
    }
    assert graft_of(lambda: Dict[Str, Int]({Str("k"): 1}))["2"] == ["wf.dict.create", "0", "1"]


def test_dict_access_types_and_errors():
    d = Dict[Str, Int]({"a": 1})
    assert type(d["a"]) is Int and type(d.get("z", 0)) is Int and type(d.contains("a")) is Bool
    assert type(d.length()) is Int and type(d.keys()) is List[Str] and type(d.values()) is List[Int]
    assert type(d.items()) is List[Tuple[Str, Int]]
    assert type(Dict[Str, Int].from_pairs([("a", 1)])) is Dict[Str, Int]
    assert type(Dict.from_pairs([("a", 1.5)])) is Dict[Str, Float]
    with pytest.raises(ProxyTypeError, match="'b'"):
        Dict[Str, Int]({"a": 1, "b": "x"})
    with pytest.raises(ProxyTypeError):
        Dict[Int, Int]({"a": 1})
    with pytest.raises(ProxyTypeError):
        d[1]
    with pytest.raises(ProxyTypeError):
        d.get("a", "default")
    with pytest.raises(ProxyTypeError):
        Dict[Str, Int].from_pairs([(1, 1)])
    with pytest.raises(ProxyTypeError):
        d + d
    with pytest.raises(ProxyTypeError, match="key type and a value type"):
        Dict[Int]


def test_known_dict_types_known_keys():
    kd = KnownDict[{"date": Datetime, "id": Str}, Str, Any]({"id": "x", "date": "2020-01-01", "other": 3})
    assert type(kd["date"]) is Datetime and type(kd["id"]) is Str and type(kd["cloud"]) is Any
    assert type(kd.values()) is List[Any]
    with pytest.raises(ProxyTypeError):
        KnownDict[{"id": Str}, Str, Any]({"id": 1})
    with pytest.raises(ProxyTypeError):
        KnownDict[{"id": 5}, Str, Any]


def test_struct_fields_are_cached_getattrs():
    Point = Struct[{"x": Int, "label": Str}]
    p = Point(x=1, label="a")
    assert graft_of(lambda: Point(x=1, label="a")) == {
        "0": 1, "1": "a", "2": ["wf.struct", {"x": "0", "label": "1"}], "returns": "2",
    }
    assert type(p.x) is Int and p.x is p.x and type(p.label) is Str
    key = p.x.graft["returns"]
    assert p.x.graft[key][0] == "wf.getattr"
    with pytest.raises(AttributeError):
        getattr(p, "y")
    with pytest.raises(ProxyTypeError, match="missing field 'label'"):
        Point(x=1)
    with pytest.raises(ProxyTypeError, match="unknown"):
        Point(x=1, label="a", z=2)
    with pytest.raises(ProxyTypeError, match="'x'"):
        Point(x="1", label="a")


def test_slice_range_zip_ellipsis():
    assert graft_of(lambda: Slice(1, None, 2))["3"] == ["wf.Slice.create", {"start": "0", "stop": "1", "step": "2"}]
    assert type(Slice._promote(slice(1, 2))) is Slice
    with pytest.raises(ProxyTypeError):
        Slice(1.5)
    assert type(range(3)) is List[Int] and type(range(1, Int(5), 2)) is List[Int]
    assert graft_of(lambda: range(3))["3"] == ["wf.range", "0"]
    with pytest.raises(ProxyTypeError):
        range()
    with pytest.raises(ProxyTypeError):
        range(1.5)
    assert type(zip([1], ["a"], List[Float]([1.0]))) is List[Tuple[Int, Str, Float]]
    with pytest.raises(ProxyTypeError):
        zip(5)
    assert Ellipsis.graft == {"returns": "wf.Ellipsis"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ([1, 2], List[Int]),
        ([1, 2.5], List[Float]),
        ([1, "a"], List[Any]),
        ([], List[Any]),
        ((1, "a"), Tuple[Int, Str]),
        ({"a": 1}, Dict[Str, Int]),
        ({1: [True]}, Dict[Int, List[Bool]]),
        (None, NoneType),
        (slice(1), Slice),
    ],
)
def test_proxify_infers_container_types(value, expected):
    assert type(proxify(value)) is expected


def test_proxify_rejects_unknown_values():
    with pytest.raises(ProxyTypeError):
        proxify(object())


def test_any_casts_to_containers_on_promotion():
    x = Any([1, 2])
    assert type(List[Int]._promote(x)) is List[Int]
    assert List[Int]._promote(x).graft is x.graft
