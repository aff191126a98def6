"""The graft interpreter: the reference examples, scoping, laziness, memoisation, errors, depth."""

from __future__ import annotations

import inspect
import operator
import random
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from gpucompute.errors import (
    ArrayShapeError,
    ComputeError,
    GraftArgumentError,
    GraftError,
    GraftNameError,
    GraftSyntaxError,
)
from gpucompute.graft import client
from gpucompute.graft.interpreter import GraftFunction, interpret
from gpucompute.graft.registry import Registry
from gpucompute.graft.syntax import RESERVED_WORDS

sys.path.insert(0, str(Path(__file__).parent))
from test_graft_syntax import (
    ADD,
    ARRAY,
    FILTER,
    NDVI,
    STUB_BUILTINS,
    THRESHOLD,
    random_graft,
)


def counting(fns):
    """Wrap builtins so each call is counted by name."""
    calls: Counter = Counter()

    def wrap(name, fn):
        def call(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return call

    return {name: wrap(name, fn) for name, fn in fns.items()}, calls


# ---------------------------------------------------------------- reference examples (section 3.3)
def test_int_plus_int():
    assert interpret(ADD, {"wf.numpy.add": operator.add}) == 2


def test_ndvi_matches_numpy_and_loads_the_image_once(rng):
    bands = {"red": rng.random((4, 5)), "nir": rng.random((4, 5))}
    builtins, calls = counting({
        "wf.Image.load": lambda image_id, resampler=None, processing_level=None: {"id": image_id, **bands},
        "wf.pick_bands": lambda image, name, allow_missing=False: image[name],
        "wf.sub": operator.sub, "wf.add": operator.add, "wf.div": operator.truediv,
    })
    result = interpret(NDVI, builtins)
    np.testing.assert_allclose(result, (bands["nir"] - bands["red"]) / (bands["nir"] + bands["red"]))
    assert calls == {"wf.Image.load": 1, "wf.pick_bands": 2, "wf.sub": 1, "wf.add": 1, "wf.div": 1}


def test_filter_with_a_closure_calls_it_per_image():
    images = [{"properties": {"cloud_fraction": c, "id": i}} for i, c in enumerate([0.1, 0.5, 0.19, 0.2, 0.0])]
    seen = {}

    def from_id(product, start_datetime, end_datetime, limit, resampler, processing_level):
        seen.update(product=product, start=start_datetime, limit=limit)
        return images

    builtins, calls = counting({
        "wf.ImageCollection.from_id": from_id, "wf.getattr": lambda obj, name: obj[name],
        "wf.get": operator.getitem, "wf.lt": operator.lt,
        "wf.filter": lambda col, fn: [img for img in col if fn(img)],
    })
    result = interpret(FILTER, builtins)
    assert [img["properties"]["id"] for img in result] == [0, 2, 4]
    assert seen == {"product": "sentinel-2:L1C", "start": "2019-01-01", "limit": None}
    assert calls["wf.lt"] == calls["wf.getattr"] == len(images)
    assert calls["wf.ImageCollection.from_id"] == 1


def test_parameterised_graft_becomes_a_callable():
    fn = interpret(THRESHOLD, {"wf.lt": operator.lt})
    assert isinstance(fn, GraftFunction) and fn.parameters == ("threshold",)
    assert fn(2.0) is True and fn(threshold=1.0) is False


def test_quoted_json_literal_array():
    result = interpret(ARRAY, {"wf.array.create": np.asarray})
    np.testing.assert_array_equal(result, np.array([[1, 2], [3, 4]]))


def test_keyref_graft_returns_the_builtin_value():
    assert interpret(client.keyref_graft("wf.constants.pi"), {"wf.constants.pi": 3.25}) == 3.25


# ---------------------------------------------------------------- against a naive recursive evaluator
def naive(graft, builtins):
    """The format's semantics, written as directly as possible (recursive, memoised per frame)."""

    def lookup(frames, name):
        for i in range(len(frames) - 1, -1, -1):
            body, bound, memo = frames[i]
            if name in bound:
                return bound[name]
            if name in body and name not in RESERVED_WORDS:
                if name not in memo:
                    memo[name] = evaluate(frames[: i + 1], body[name])
                return memo[name]
        return builtins[name]

    def make_function(frames, body):
        params = body.get("parameters", [])

        def fn(*args, **kwargs):
            bound = dict(zip(params, args), **kwargs)
            return lookup(frames + [(body, bound, {})], body["returns"])

        fn.parameters = params
        return fn

    def evaluate(frames, expr):
        if isinstance(expr, dict):
            return make_function(frames, expr)
        if isinstance(expr, list):
            if len(expr) == 1 and isinstance(expr[0], (list, dict)):
                return expr[0]
            kwargs = expr[-1] if isinstance(expr[-1], dict) else {}
            positional = expr[1:-1] if kwargs or isinstance(expr[-1], dict) else expr[1:]
            return lookup(frames, expr[0])(*[lookup(frames, a) for a in positional],
                                           **{k: lookup(frames, v) for k, v in kwargs.items()})
        return expr

    if "parameters" in graft:
        return make_function([], graft)
    return lookup([(graft, {}, {})], graft["returns"])


def _plain(value):
    if callable(value):
        return ("fn", _plain(value(*[("arg", i) for i in range(len(value.parameters))])))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def _stub(name):
    return lambda *a, **k: (name, _plain(a), _plain(k))


STUBS = {name: _stub(name) for name in STUB_BUILTINS}


@pytest.mark.parametrize("seed", range(40))
def test_random_grafts_match_the_naive_evaluator(seed):
    graft = random_graft(random.Random(seed), size=10, top_parameters=seed % 3)
    ours, theirs = interpret(graft, STUBS), naive(graft, STUBS)
    if "parameters" in graft:
        args = [("top", i) for i in range(len(graft["parameters"]))]
        ours, theirs = ours(*args), theirs(*args)
    assert _plain(ours) == _plain(theirs)


# ---------------------------------------------------------------- scoping and closures
def test_closures_capture_their_defining_scope_instance():
    # make_adder(n) returns a function adding n; two adders must not share n
    graft = {"make": {"parameters": ["n"],
                      "adder": {"parameters": ["x"], "s": ["wf.add", "x", "n"], "returns": "s"},
                      "returns": "adder"},
             "parameters": [], "returns": "make"}
    make = interpret(graft, {"wf.add": operator.add})()
    add3, add10 = make(3), make(10)
    assert (add3(1), add10(1), add3(5)) == (4, 11, 8)


def test_inner_keys_and_parameters_shadow_outer_keys():
    graft = {"x": 100, "y": 1000,
             "f": {"parameters": ["x"], "y": 2, "r": ["wf.add", "x", "y"], "returns": "r"},
             "ten": 10, "out": ["f", "ten"], "both": ["wf.add", "out", "y"], "returns": "both"}
    assert interpret(graft, {"wf.add": operator.add}) == (10 + 2) + 1000


def test_keys_shadow_builtins():
    graft = {"wf.add": {"parameters": ["a", "b"], "r": ["wf.sub", "a", "b"], "returns": "r"},
             "1": 5, "2": 3, "3": ["wf.add", "1", "2"], "returns": "3"}
    assert interpret(graft, {"wf.add": operator.add, "wf.sub": operator.sub}) == 2


def test_builtins_receive_graft_functions_and_call_them():
    graft = {"1": [[1, 2, 3]], "f": {"parameters": ["v"], "r": ["wf.mul", "v", "v"], "returns": "r"},
             "2": ["wf.map", "1", "f"], "returns": "2"}
    builtins = {"wf.mul": operator.mul, "wf.map": lambda xs, fn: [fn(x) for x in xs]}
    assert interpret(graft, builtins) == [1, 4, 9]


def test_graft_functions_can_be_called_from_threads():
    """A builtin may map a closure over a thread pool; the closure's outer keys are shared."""
    graft = {"1": [list(range(16))], "k": 3, "slow": ["wf.slow", "k"],
             "f": {"parameters": ["v"], "r": ["wf.add", "v", "slow"], "returns": "r"},
             "2": ["wf.pmap", "1", "f"], "returns": "2"}

    def slow(v):
        time.sleep(0.02)  # keep several threads inside the same outer key at once
        return v * 100

    def pmap(xs, fn):
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(fn, xs))

    builtins = {"wf.slow": slow, "wf.add": operator.add, "wf.pmap": pmap}
    assert interpret(graft, builtins) == [v + 300 for v in range(16)]


def test_a_function_may_call_itself_by_name():
    graft = {"one": 1,
             "f": {"parameters": ["n"], "c": ["wf.le", "n", "one"], "t": {"returns": "one"},
                   "e": {"m": ["wf.sub", "n", "one"], "r": ["f", "m"], "p": ["wf.mul", "n", "r"], "returns": "p"},
                   "i": ["wf.if", "c", "t", "e"], "returns": "i"},
             "parameters": ["k"], "out": ["f", "k"], "returns": "out"}
    builtins = {"wf.le": operator.le, "wf.sub": operator.sub, "wf.mul": operator.mul,
                "wf.if": lambda c, t, e: t() if c else e()}
    fact = interpret(graft, builtins)
    assert [fact(k) for k in range(1, 8)] == [1, 2, 6, 24, 120, 720, 5040]


def test_builder_made_closures_and_isolated_keys():
    x = client.apply_graft("wf.add", client.value_graft(1), 2)
    first = min(int(k) for k in x if k != "returns")
    body = client.apply_graft("wf.mul", client.keyref_graft("v"), x)
    fn = client.function_graft(body, "v", first_guid=first)
    graft = client.isolate_keys(client.apply_graft("wf.map", client.value_graft([1, 2, 5]), fn))
    builtins = {"wf.add": operator.add, "wf.mul": operator.mul, "wf.map": lambda xs, f: [f(v) for v in xs]}
    assert interpret(graft, builtins) == [3, 6, 15]
    bound = client.parametrize(client.apply_graft("wf.add", client.keyref_graft("t"), 1), t=41)
    assert interpret(bound, builtins) == 42


# ---------------------------------------------------------------- laziness and memoisation
def test_only_keys_reachable_from_returns_are_evaluated():
    def explode(*args):
        raise AssertionError("an unused key was evaluated")

    graft = {"1": 1, "2": ["wf.explode", "1"], "3": ["wf.neg", "1"],
             "4": {"parameters": ["z"], "5": ["wf.explode", "z"], "returns": "5"},
             "6": ["wf.explode", "4"], "returns": "3"}
    assert interpret(graft, {"wf.explode": explode, "wf.neg": operator.neg}) == -1


def test_unused_argument_of_a_function_is_never_evaluated():
    graft = {"bad": ["wf.explode"], "f": {"parameters": ["a", "b"], "returns": "a"},
             "1": 7, "2": ["f", "1", "1"], "returns": "2"}
    builtins, calls = counting({"wf.explode": lambda: 1 / 0})
    assert interpret(graft, builtins) == 7 and not calls


def test_each_key_is_evaluated_once_per_scope_instance():
    graft = {"1": 2, "shared": ["wf.expensive", "1"],
             "f": {"parameters": ["x"], "inner": ["wf.expensive", "x"],
                   "r": ["wf.add", "inner", "inner", "shared", "shared"], "returns": "r"},
             "a": ["f", "1"], "b": ["f", "shared"], "c": ["wf.add", "a", "b", "shared"], "returns": "c"}
    builtins, calls = counting({"wf.expensive": lambda v: v * 10, "wf.add": lambda *v: sum(v)})
    # shared = 20; f(2) = 20+20+20+20 = 80; f(20) = 200+200+20+20 = 440
    assert interpret(graft, builtins) == 80 + 440 + 20
    assert calls["wf.expensive"] == 1 + 2  # shared once; inner once per call of f
    assert calls["wf.add"] == 3


def test_each_interpretation_starts_fresh():
    builtins, calls = counting({"wf.numpy.add": operator.add})
    for _ in range(3):
        interpret(ADD, builtins)
    assert calls["wf.numpy.add"] == 3


# ---------------------------------------------------------------- parameters
@pytest.fixture
def sub3():
    graft = {"1": ["wf.sub", "a", "b"], "2": ["wf.sub", "1", "c"], "parameters": ["a", "b", "c"], "returns": "2"}
    return interpret(graft, {"wf.sub": operator.sub})


def test_parameters_bind_by_position_and_keyword(sub3):
    assert sub3(10, 3, 2) == 5
    assert sub3(c=2, a=10, b=3) == 5
    assert sub3(10, c=2, b=3) == 5


@pytest.mark.parametrize("args, kwargs, message", [
    ((1, 2), {}, "missing required argument 'c'"),
    ((), {"a": 1, "c": 2}, "missing required argument 'b'"),
    ((1, 2, 3, 4), {}, "too many positional arguments"),
    ((1, 2, 3), {"y": 5}, "unexpected argument 'y'"),
    ((1, 2), {"a": 5}, "multiple values for argument 'a'"),
])
def test_wrong_arguments_raise_graft_argument_error(sub3, args, kwargs, message):
    with pytest.raises(GraftArgumentError, match=message):
        sub3(*args, **kwargs)


def test_arity_errors_inside_a_graft_pass_through_builtins_unchanged():
    graft = {"1": [[1, 2]], "f": {"parameters": ["a", "b"], "returns": "a"}, "2": ["wf.map", "1", "f"],
             "returns": "2"}
    with pytest.raises(GraftArgumentError, match="missing required argument 'b'"):
        interpret(graft, {"wf.map": lambda xs, fn: [fn(x) for x in xs]})


# ---------------------------------------------------------------- errors
def test_unknown_builtin_names_the_key_scope_and_close_matches():
    graft = {"1": [[1]], "f": {"parameters": ["x"], "2": ["wf.ad", "x", "x"], "returns": "2"},
             "3": ["wf.map", "1", "f"], "returns": "3"}
    with pytest.raises(GraftNameError) as info:
        interpret(graft, {"wf.add": operator.add, "wf.map": lambda xs, fn: [fn(x) for x in xs]})
    message = str(info.value)
    assert "'wf.ad'" in message and "'2'" in message and "/f" in message and "did you mean 'wf.add'" in message


def test_unknown_key_in_returns():
    with pytest.raises(GraftNameError, match="'nope'"):
        interpret({"1": 1, "returns": "nope"}, {})


def test_registry_as_builtins_resolves_old_names_and_reports_unknown_ones():
    registry = Registry({"wf.add": operator.add})
    assert interpret({"1": 1, "2": ["add", "1", "1"], "returns": "2"}, registry) == 2
    with pytest.raises(GraftNameError, match="'wf.sub'"):
        interpret({"1": 1, "2": ["wf.sub", "1", "1"], "returns": "2"}, registry)


def test_builtin_failures_are_wrapped_with_name_and_key():
    graft = {"1": 1, "0": 0, "12": ["wf.div", "1", "0"], "returns": "12"}
    with pytest.raises(ComputeError, match=r"wf.div \(key '12'\) failed: ZeroDivisionError") as info:
        interpret(graft, {"wf.div": operator.truediv})
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_gpucompute_errors_from_builtins_propagate_unchanged():
    error = ArrayShapeError("shapes (2,) and (3,) do not broadcast")

    def fail(*args):
        raise error

    with pytest.raises(ArrayShapeError) as info:
        interpret({"1": 1, "2": ["wf.fail", "1"], "returns": "2"}, {"wf.fail": fail})
    assert info.value is error


@pytest.mark.parametrize("graft, part", [
    ({"1": [1, 2], "returns": "1"}, "'1'"),
    ({"1": {"a": 1}, "returns": "1"}, "'1'"),
    ({"1": 1, "2": ["wf.neg", 1], "returns": "2"}, "'2'"),
    ({"1": (1, 2), "returns": "1"}, "'1'"),
    ({"1": 1, "2": ["wf.neg", "returns"], "returns": "2"}, "'returns'"),
    ({"returns": 5}, "returns"),
    ([ADD], "dict"),
])
def test_malformed_expressions_raise_syntax_errors(graft, part):
    with pytest.raises(GraftSyntaxError) as info:
        interpret(graft, {"wf.neg": operator.neg})
    assert part in str(info.value)


def test_cycles_are_reported_not_recursed():
    with pytest.raises(GraftSyntaxError, match="cycle"):
        interpret({"1": ["wf.neg", "2"], "2": ["wf.neg", "1"], "returns": "1"}, {"wf.neg": operator.neg})
    # a cycle that goes through a builtin calling a function
    graft = {"x": ["wf.call", "f"], "f": {"parameters": [], "returns": "x"}, "returns": "x"}
    with pytest.raises(GraftSyntaxError, match="cycle"):
        interpret(graft, {"wf.call": lambda fn: fn()})


def test_a_failed_evaluation_can_be_retried_by_a_builtin():
    """A builtin that catches a failure and tries again must see the same failure, not a false cycle."""
    graft = {"bad": ["wf.fail"], "f": {"parameters": [], "returns": "bad"}, "r": ["wf.twice", "f"], "returns": "r"}

    def twice(fn):
        outcomes = []
        for _ in range(2):
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - recording whatever comes out
                outcomes.append(type(e))
        return outcomes

    assert interpret(graft, {"wf.fail": lambda: 1 / 0, "wf.twice": twice}) == [ComputeError, ComputeError]


def test_applying_a_value_that_is_not_a_function():
    with pytest.raises(GraftError, match="'1'"):
        interpret({"1": 5, "2": ["1"], "returns": "2"}, {})


# ---------------------------------------------------------------- depth and size
def _chain(n):
    graft = {"1": 1}
    for i in range(2, n + 1):
        graft[str(i)] = ["wf.add", str(i - 1), "1"]
    graft["returns"] = str(n)
    return graft


def test_a_10000_deep_chain_needs_no_recursion():
    graft = _chain(10_000)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 60)  # far below the chain's depth
    try:
        result = interpret(graft, {"wf.add": operator.add})
    finally:
        sys.setrecursionlimit(limit)
    assert result == 10_000


def test_performance_smoke_wide_and_deep():
    """Runs the 10,000-node chain and a wide DAG; no timing assertion."""
    assert interpret(_chain(10_000), {"wf.add": operator.add}) == 10_000
    wide = {"1": 1, **{str(i): ["wf.add", str(i // 2), str(i - 1)] for i in range(2, 3000)}, "returns": "2999"}
    builtins, calls = counting({"wf.add": lambda a, b: (a + b) % 1_000_003})
    interpret(wide, builtins)
    assert calls["wf.add"] == 2998
