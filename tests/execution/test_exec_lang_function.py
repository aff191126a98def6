"""Computing with functions, parameters and conditionals: binding, tracing, closures, laziness."""

from __future__ import annotations

import json

import pytest

from gpucompute.errors import ComputeError, ParameterError
from gpucompute.graft.client import consistent_guid
from gpucompute.types.conditional import ifelse
from gpucompute.types.containers import Dict, KnownDict, List, Slice, Struct
from gpucompute.types.function import Function
from gpucompute.types.parameters import parameter
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Str


def test_int_plus_one_computes_to_two(backend):
    result = (Int(1) + 1).compute()
    assert result == 2 and type(result) is int


def test_parameters_bind_at_compute_time(backend, rng):
    x = parameter("x", Int)
    label = parameter("label", Str)
    expr = (label + ":").__add__(Str("{}").format(x * 2))
    for value in rng.integers(-100, 100, 3):
        assert expr.compute(x=int(value), label="v") == f"v:{int(value) * 2}"


def test_parameter_errors_name_the_parameter():
    x = parameter("x", Int)
    with pytest.raises(ParameterError, match="'x'"):
        (x + 1).compute()
    with pytest.raises(ParameterError, match="'y'"):
        (x + 1).compute(x=1, y=2)
    with pytest.raises(ParameterError, match="'x'"):
        (x + 1).compute(x="one")
    flag = parameter("flag", Bool)
    with pytest.raises(ParameterError, match="'flag'"):
        ifelse(flag, 1, 2).compute(flag=1)


def test_container_and_datetime_parameters(backend):
    xs = parameter("xs", List[Int])
    assert xs.map(lambda v: v * 10).compute(xs=[1, 2]) == [10, 20]
    d = parameter("d", Dict[Str, Float])
    assert d.get("a", 0.0).compute(d={"a": 1.5}) == 1.5
    when = parameter("when", Struct[{"n": Int}])
    assert when.n.compute(when={"n": 4}) == 4


def test_traced_function_called_and_computed(backend, rng):
    inc = Function[Int, Int](lambda x: x + 1)
    value = int(rng.integers(-1000, 1000))
    assert inc(value).compute() == value + 1

    @Function.from_callable
    def describe(name: Str, n: Int) -> Str:
        return name.upper() + Str("#") * n

    assert describe("ab", 3).compute() == "AB###"


def test_function_from_object_applies_to_new_values(backend):
    x, y = parameter("x", Int), parameter("y", Int)
    fn = Function.from_object(x * 10 + y)
    assert fn(4, 2).compute() == 42


def test_closures_over_outer_proxies_and_parameters(backend):
    outer = Int(5) * 2
    assert List[Int]([1, 2]).map(lambda v: v + outer).compute() == [11, 12]
    p = parameter("p", Int)
    assert List[Int]([1, 2, 3]).map(lambda v: v * p).filter(lambda v: v > p).compute(p=3) == [6, 9]


def test_higher_order_nesting(backend):
    grid = List[List[Int]]([[1, 2], [3]])
    assert grid.map(lambda row: row.map(lambda v: v * v)).compute() == [[1, 4], [9]]
    assert grid.map(lambda row: row.reduce(lambda a, b: a + b)).compute() == [3, 3]
    words = List[Str](["ccc", "a", "bb"])
    assert words.sorted(key=lambda w: w.length()).compute() == ["a", "bb", "ccc"]
    assert words.map(lambda w: w.length()).reduce(lambda a, b: a + b, initial=0).compute() == 6
    maker = Function[Int, Int](lambda n: n * 3)
    assert List[Int]([1, 2]).map(maker).compute() == [3, 6]


def test_ifelse_evaluates_only_the_chosen_branch(backend):
    failing = List[Int]([])[0]  # an IndexError if ever evaluated
    assert ifelse(Int(1) > 0, Int(7), failing).compute() == 7
    with pytest.raises(ComputeError):
        ifelse(Int(1) < 0, Int(7), failing).compute()
    flag = parameter("flag", Bool)
    choice = ifelse(flag, Str("fine"), Str("x").zfill(List[Int]([])[0]))
    assert choice.compute(flag=True) == "fine"
    with pytest.raises(ComputeError):
        choice.compute(flag=False)


def test_ifelse_inside_a_traced_function(backend, rng):
    values = [int(v) for v in rng.integers(-20, 20, 6)]
    out = List[Int](values).map(lambda v: ifelse(v >= 0, v, -v))
    assert out.compute() == [abs(v) for v in values]


def test_ifelse_round_trips_through_json(backend):
    expr = ifelse(Str("a") == "a", List[Int]([1]), List[Int]([]))
    again = type(expr)._from_graft(json.loads(json.dumps(expr.graft)))
    assert again.compute() == expr.compute() == [1]


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda: NoneType(), None),
        (lambda: Slice(None, 3), slice(None, 3, None)),
        (lambda: KnownDict[{"n": Int}, Str, Str]({"n": 1, "s": "x"}), {"n": 1, "s": "x"}),
        (lambda: Bool(True) & Bool(False), False),
        (lambda: Float(Int(3)), 3.0),
    ],
)
def test_unmarshal_gives_python_values(build, expected, backend):
    got = build().compute()
    assert got == expected and type(got) is type(expected)


def test_long_chains_build_and_compute(backend):
    """Performance smoke: 1,000 chained additions (no timing asserted)."""
    with consistent_guid():
        x = Int(0)
        for _ in range(1000):
            x = x + 1
    assert len(x.graft) > 2000
    assert x.compute() == 1000
