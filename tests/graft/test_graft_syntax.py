"""Graft syntax: predicates, validate(), and the JSON round trip.

Also home of ``random_graft``, the small random graft generator the hashing
and interpreter tests reuse.
"""

from __future__ import annotations

import itertools
import json
import math
import random

import numpy as np
import pytest

from gpucompute.errors import GraftError, GraftNameError, GraftSyntaxError
from gpucompute.graft import client
from gpucompute.graft.syntax import (
    is_application,
    is_function_graft,
    is_graft,
    is_guid_key,
    is_key,
    is_literal,
    is_quoted_json,
    json_pointer,
)
from gpucompute.graft.validate import dumps, loads, validate

# ---------------------------------------------------------------- generator
STUB_BUILTINS = ("wf.add", "wf.sub", "wf.pack", "wf.numpy.add")
WORDS = ("red", "nir", "1", "wf.add", "é ü", "", "returns", "a/b~c")


def _random_json(r: random.Random, depth: int = 0):
    kind = r.random()
    if depth > 2 or kind < 0.4:
        return r.choice([r.randint(-5, 5), r.uniform(-1e6, 1e6), r.choice(WORDS), True, False, None])
    if kind < 0.7:
        return [_random_json(r, depth + 1) for _ in range(r.randint(0, 3))]
    return {r.choice(WORDS) + str(i): _random_json(r, depth + 1) for i in range(r.randint(0, 3))}


def _random_literal(r: random.Random):
    return r.choice([
        r.randint(-(2**40), 2**40), r.uniform(-1e9, 1e9), r.choice([0.1, -0.0, 1.0, 1e300]),
        r.choice(WORDS), True, False, None,
    ])


def random_graft(r: random.Random, size: int = 12, max_depth: int = 2, top_parameters: int = 0) -> dict:
    """A random valid graft: keys unique across all levels, references only to earlier names.

    Applications call the builtins in STUB_BUILTINS (any arity) or graft functions
    defined earlier (with exactly their arity, by position or by keyword).
    Parameter names are ``p<N>``; keys are guid numbers.
    """
    counter = itertools.count(1)

    def body(depth: int, names: list[str], functions: list[tuple[str, list[str]]], params: list[str]) -> dict:
        out: dict = {}
        names = names + params
        functions = list(functions)
        for _ in range(r.randint(1, size)):
            key = str(next(counter))
            roll = r.random()
            if roll < 0.25 or not names:
                out[key] = _random_literal(r)
            elif roll < 0.35:
                inner = [_random_json(r) for _ in range(r.randint(0, 3))]
                out[key] = [inner] if r.random() < 0.5 else [{f"k{i}": v for i, v in enumerate(inner)}]
            elif roll < 0.6 and functions:
                fkey, fparams = r.choice(functions)
                args = r.choices(names, k=len(fparams))
                if fparams and r.random() < 0.5:
                    out[key] = [fkey, dict(zip(fparams, args))]
                else:
                    out[key] = [fkey, *args]
            elif roll < 0.88 or depth >= max_depth:
                expr = [r.choice(STUB_BUILTINS), *r.choices(names, k=r.randint(0, 3))]
                if r.random() < 0.3:
                    expr.append({f"kw{i}": r.choice(names) for i in range(r.randint(0, 2))})
                out[key] = expr
            else:
                inner_params = [f"p{next(counter)}" for _ in range(r.randint(0, 2))]
                out[key] = body(depth + 1, names, functions, inner_params)
                functions.append((key, inner_params))
                continue  # a function value is not a useful plain argument to the stubs
            names.append(key)
        candidates = [k for k in out if k not in ("parameters", "returns")] + params
        out["returns"] = candidates[-1] if r.random() < 0.7 else r.choice(candidates)
        if params or r.random() < 0.1:
            out["parameters"] = params
        return out

    top = [f"p{next(counter)}" for _ in range(top_parameters)]
    return body(0, [], [], top)


# ---------------------------------------------------------------- examples from the reference (section 3.3)
ADD = {"0": 1, "1": 1, "2": ["wf.numpy.add", "0", "1"], "returns": "2"}
NDVI = {
    "0": "prod:img1", "1": None, "2": None,
    "3": ["wf.Image.load", "0", {"resampler": "1", "processing_level": "2"}],
    "4": "red", "5": False, "6": ["wf.pick_bands", "3", "4", {"allow_missing": "5"}],
    "7": "nir", "8": False, "9": ["wf.pick_bands", "3", "7", {"allow_missing": "8"}],
    "10": ["wf.sub", "9", "6"], "11": ["wf.add", "9", "6"], "12": ["wf.div", "10", "11"],
    "returns": "12",
}
FILTER = {
    "100": "sentinel-2:L1C", "101": "2019-01-01", "102": None, "103": None, "104": None, "105": None,
    "106": ["wf.ImageCollection.from_id", "100", {"start_datetime": "101", "end_datetime": "102",
                                                  "limit": "103", "resampler": "104", "processing_level": "105"}],
    "114": {"parameters": ["img"],
            "108": "properties", "109": ["wf.getattr", "img", "108"],
            "110": "cloud_fraction", "111": ["wf.get", "109", "110"],
            "112": 0.2, "113": ["wf.lt", "111", "112"], "returns": "113"},
    "115": ["wf.filter", "106", "114"], "returns": "115",
}
THRESHOLD = {"200": 1.5, "201": ["wf.lt", "200", "threshold"], "parameters": ["threshold"], "returns": "201"}
ARRAY = {"202": [[[1, 2], [3, 4]]], "203": ["wf.array.create", "202"], "returns": "203"}
EXAMPLES = [ADD, NDVI, FILTER, THRESHOLD, ARRAY]
EXAMPLE_BUILTINS = {
    "wf.numpy.add", "wf.Image.load", "wf.pick_bands", "wf.sub", "wf.add", "wf.div", "wf.ImageCollection.from_id",
    "wf.getattr", "wf.get", "wf.lt", "wf.filter", "wf.array.create",
}


# ---------------------------------------------------------------- predicates
@pytest.mark.parametrize("value, expected", [
    ("1", True), ("wf.add", True), ("img", True), ("returns", False), ("parameters", False), ("", False),
    (1, False), (None, False), (["1"], False),
])
def test_is_key(value, expected):
    assert is_key(value) is expected


@pytest.mark.parametrize("value, expected", [
    ("1", True), ("42", True), ("0", False), ("-3", False), ("wf.add", False), ("img", False), ("1.5", False),
    (" 4", False), ("٣", False), (7, False), ("returns", False),
])
def test_is_guid_key(value, expected):
    assert is_guid_key(value) is expected


@pytest.mark.parametrize("value, expected", [
    ("red", True), (3, True), (0.2, True), (True, True), (None, True), (float("nan"), True),
    ([1], False), ({"a": 1}, False), ((1,), False), (b"x", False),
])
def test_is_literal(value, expected):
    assert is_literal(value) is expected


@pytest.mark.parametrize("value, expected", [
    ([[1, 2]], True), ([{"a": 1}], True), ([[]], True), ([{}], True),
    ([1], False), (["f"], False), ([[1], [2]], False), ([], False), ([(1, 2)], False), ({"a": 1}, False),
])
def test_is_quoted_json(value, expected):
    assert is_quoted_json(value) is expected


@pytest.mark.parametrize("value, expected", [
    (["f"], True), (["f", {}], True), (["wf.add", "1", "2"], True), (["f", "1", {"x": "2"}], True),
    (["f", {"x": "2"}], True),
    ([], False), ([1, 2], False), (["f", 1], False), (["f", {"x": 2}], False), (["f", {"x": "1"}, "2"], False),
    ([["f"]], False), ("f", False), (("f", "1"), False),
])
def test_is_application(value, expected):
    assert is_application(value) is expected


def test_is_graft_and_is_function_graft():
    assert is_graft(ADD) and not is_function_graft(ADD)
    assert is_graft(THRESHOLD) and is_function_graft(THRESHOLD)
    assert is_function_graft(FILTER["114"])
    for bad in ({}, {"parameters": []}, [ADD], "returns"):
        assert not is_graft(bad) and not is_function_graft(bad)


def test_json_pointer_escapes_like_rfc_6901():
    assert json_pointer(()) == "/"
    assert json_pointer(("114", "113")) == "/114/113"
    assert json_pointer(("a/b", "c~d")) == "/a~1b/c~0d"


# ---------------------------------------------------------------- validate: good grafts
@pytest.mark.parametrize("graft", EXAMPLES, ids=["add", "ndvi", "filter", "threshold", "array"])
def test_reference_examples_are_valid(graft):
    validate(graft)
    validate(graft, builtins=EXAMPLE_BUILTINS)


def test_grafts_from_the_builders_are_valid():
    x = client.apply_graft("wf.add", client.value_graft(1), 2.5)
    fn = client.function_graft(client.apply_graft("wf.mul", client.keyref_graft("x"), x), "x",
                               first_guid=min(int(k) for k in x if k != "returns"))
    graft = client.apply_graft("wf.map", client.value_graft([1, 2, (3, {"a": None})]), fn)
    validate(graft, builtins={"wf.add", "wf.mul", "wf.map"})
    validate(client.isolate_keys(graft), builtins={"wf.add", "wf.mul", "wf.map"})
    validate(client.keyref_graft("wf.constants.pi"), builtins={"wf.constants.pi"})


def test_inner_scopes_see_outer_keys_and_shadow_them():
    graft = {"1": 1, "2": {"parameters": ["x"], "1": 5, "3": ["wf.add", "x", "1"], "4": ["wf.add", "3", "9"],
                           "returns": "4"},
             "9": 2, "returns": "2"}
    validate(graft, builtins={"wf.add"})


@pytest.mark.parametrize("seed", range(20))
def test_random_grafts_are_valid(seed):
    validate(random_graft(random.Random(seed), top_parameters=seed % 3), builtins=STUB_BUILTINS)


# ---------------------------------------------------------------- validate: bad grafts
BAD = [
    # (graft, error class, substrings the message must contain)
    ([ADD], GraftSyntaxError, ["list"]),
    ({"1": 1}, GraftSyntaxError, ["'returns'"]),
    ({"1": 1, "returns": 1}, GraftSyntaxError, ["/returns", "1"]),
    ({"1": 1, "returns": "returns"}, GraftSyntaxError, ["'returns'"]),
    ({"1": 1, "returns": "1", "parameters": "x"}, GraftSyntaxError, ["/parameters", "'x'"]),
    ({"1": 1, "returns": "1", "parameters": ["x", 2]}, GraftSyntaxError, ["/parameters", "2"]),
    ({"1": 1, "returns": "1", "parameters": ["x", "x"]}, GraftSyntaxError, ["'x'", "twice"]),
    ({"1": 1, "returns": "1", "parameters": ["returns"]}, GraftSyntaxError, ["'returns'"]),
    ({"1": 1, "returns": "1", "parameters": ["1"]}, GraftSyntaxError, ["'1'", "also a key"]),
    ({1: 1, "returns": "1"}, GraftSyntaxError, ["1"]),
    ({"": 1, "returns": "x"}, GraftSyntaxError, ["''"]),
    ({"1": 1, "2": ["wf.add", "returns", "1"], "returns": "2"}, GraftSyntaxError, ["/2", "'returns'"]),
    ({"1": 1, "2": [3, "1"], "returns": "2"}, GraftSyntaxError, ["/2", "3", "quote"]),
    ({"1": 1, "2": ["wf.add", 1, "1"], "returns": "2"}, GraftSyntaxError, ["/2", "argument 1", "'wf.add'"]),
    ({"1": 1, "2": ["f", {"x": "1"}, "1"], "returns": "2"}, GraftSyntaxError, ["/2", "last", "position 1"]),
    ({"1": 1, "2": ["f", {"x": 1}], "returns": "2"}, GraftSyntaxError, ["/2", "'x'", "1"]),
    ({"1": 1, "2": ["f", {3: "1"}], "returns": "2"}, GraftSyntaxError, ["/2", "3"]),
    ({"1": [1, 2], "returns": "1"}, GraftSyntaxError, ["/1", "[1, 2]", "[[1, 2]]"]),
    ({"1": [], "returns": "1"}, GraftSyntaxError, ["/1", "[[]]"]),
    ({"1": {"a": 1}, "returns": "1"}, GraftSyntaxError, ["/1", "'a'", "quote"]),
    ({"1": float("nan"), "returns": "1"}, GraftSyntaxError, ["/1", "nan"]),
    ({"1": -math.inf, "returns": "1"}, GraftSyntaxError, ["/1", "-inf"]),
    ({"1": [[1.0, math.inf]], "returns": "1"}, GraftSyntaxError, ["/1", "inf"]),
    ({"1": [{"a": {5: 1}}], "returns": "1"}, GraftSyntaxError, ["/1", "5"]),
    ({"1": [[1, (2, 3)]], "returns": "1"}, GraftSyntaxError, ["/1", "tuple", "(2, 3)"]),
    ({"1": (1, 2), "returns": "1"}, GraftSyntaxError, ["/1", "tuple", "(1, 2)"]),
    ({"1": np.int64(3), "returns": "1"}, GraftSyntaxError, ["/1", "int64"]),
    ({"1": {"parameters": ["x"], "2": ["f", 7], "returns": "2"}, "returns": "1"}, GraftSyntaxError,
     ["/1/2", "7"]),
    ({"1": {"parameters": ["x"], "2": 1}, "returns": "1"}, GraftSyntaxError, ["/1", "'returns'"]),
    ({"1": {"2": {"3": float("inf"), "returns": "3"}, "returns": "2"}, "returns": "1"}, GraftSyntaxError,
     ["/1/2/3", "inf"]),
]


@pytest.mark.parametrize("graft, cls, parts", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_validate_rejects_with_path_and_value(graft, cls, parts):
    with pytest.raises(cls) as info:
        validate(graft)
    message = str(info.value)
    for part in parts:
        assert part in message, (part, message)


@pytest.mark.parametrize("graft, name, path", [
    ({"1": 1, "2": ["wf.ad", "1", "1"], "returns": "2"}, "'wf.ad'", "/2"),
    ({"1": 1, "2": ["wf.add", "1", "3"], "returns": "2"}, "'3'", "/2"),
    ({"1": 1, "returns": "x"}, "'x'", "/returns"),
    ({"1": {"parameters": ["x"], "2": ["wf.add", "x", "y"], "returns": "2"}, "returns": "1"}, "'y'", "/1/2"),
    # the outer scope cannot see keys or parameters of an inner function
    ({"1": {"parameters": ["x"], "2": 1, "returns": "2"}, "3": ["wf.add", "2", "x"], "returns": "3"}, "'2'", "/3"),
    ({"1": 1, "2": ["wf.add", "1", {"k": "z"}], "returns": "2"}, "'z'", "/2"),
])
def test_validate_with_builtins_finds_undefined_names(graft, name, path):
    validate(graft)  # structurally fine
    with pytest.raises(GraftNameError) as info:
        validate(graft, builtins={"wf.add"})
    assert name in str(info.value) and path in str(info.value)


def test_undefined_name_suggests_close_builtins():
    with pytest.raises(GraftNameError, match="did you mean 'wf.add'"):
        validate({"1": 1, "2": ["wf.ad", "1"], "returns": "2"}, builtins={"wf.add", "wf.sub"})


# ---------------------------------------------------------------- JSON
@pytest.mark.parametrize("seed", range(40))
def test_json_round_trip_of_random_grafts(seed):
    graft = random_graft(random.Random(seed), size=10, top_parameters=seed % 2)
    text = dumps(graft)
    assert loads(text) == graft
    assert dumps(loads(text)) == text
    # compact, sorted, the same as the stdlib's canonical form
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def test_round_trip_keeps_types_exactly():
    graft = {"1": 1, "2": 1.0, "3": True, "4": None, "5": "1", "6": [[1, 1.0, True, None, "x", {"a": [0.1]}]],
             "7": ["wf.pack", "1", "2", "3", "4", "5", "6"], "8": -0.0, "9": 2**70, "returns": "7"}
    back = loads(dumps(graft))
    assert back == graft
    for key, value in graft.items():
        assert type(back[key]) is type(value)
    assert math.copysign(1.0, back["8"]) == -1.0
    assert [type(v) for v in back["6"][0]] == [int, float, bool, type(None), str, dict]


def test_dumps_is_compact_with_sorted_keys():
    assert dumps(ADD) == '{"0":1,"1":1,"2":["wf.numpy.add","0","1"],"returns":"2"}'


@pytest.mark.parametrize("graft", [{"1": math.nan, "returns": "1"}, {"1": [1, 2], "returns": "1"}, [1]])
def test_dumps_refuses_invalid_grafts(graft):
    with pytest.raises(GraftSyntaxError):
        dumps(graft)


@pytest.mark.parametrize("text, part", [
    ('{"1": NaN, "returns": "1"}', "NaN"),
    ('{"1": Infinity, "returns": "1"}', "Infinity"),
    ('{"1": 1, "1": 2, "returns": "1"}', "'1' twice"),
    ('{"1": 1, "returns": "1"', "not valid JSON"),
    ('{"1": [1, 2], "returns": "1"}', "/1"),
    ('[1, 2]', "list"),
])
def test_loads_rejects_bad_text(text, part):
    with pytest.raises(GraftSyntaxError) as info:
        loads(text)
    assert part in str(info.value)


def test_loads_checks_names_when_given_builtins():
    text = dumps({"1": 1, "2": ["wf.add", "1", "1"], "returns": "2"})
    assert loads(text, builtins={"wf.add"})["2"][0] == "wf.add"
    with pytest.raises(GraftNameError):
        loads(text, builtins={"wf.sub"})


def test_errors_belong_to_the_graft_family():
    assert issubclass(GraftSyntaxError, GraftError) and issubclass(GraftNameError, GraftError)
    with pytest.raises(ValueError):  # GraftError is also a ValueError
        validate({"returns": 3})
