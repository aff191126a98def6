"""content_hash and canonicalize: invariant under key renaming, sensitive to every change of meaning.

The oracle for "same meaning" is the interpreter run with stub builtins that
record exactly what they were called with.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from gpucompute.errors import GraftSyntaxError
from gpucompute.graft import client
from gpucompute.graft.hashing import canonicalize, content_hash
from gpucompute.graft.interpreter import GraftFunction, interpret
from gpucompute.graft.syntax import RESERVED_WORDS, is_guid_key
from gpucompute.graft.validate import validate

sys.path.insert(0, str(Path(__file__).parent))
from test_graft_syntax import ADD, FILTER, NDVI, STUB_BUILTINS, THRESHOLD, random_graft


def _norm(value):
    """Turn a result into plain data: functions are called with placeholder arguments."""
    if isinstance(value, GraftFunction) or callable(value):
        n = len(value.parameters) if isinstance(value, GraftFunction) else 0
        return ("fn", _norm(value(*[("arg", i) for i in range(n)])))
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _norm(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def _stub(name):
    return lambda *args, **kw: (name, _norm(args), _norm(kw))


STUBS = {name: _stub(name) for name in STUB_BUILTINS}
STUBS.update({name: _stub(name) for name in ("wf.Image.load", "wf.pick_bands", "wf.sub", "wf.div", "wf.lt",
                                             "wf.ImageCollection.from_id", "wf.getattr", "wf.get", "wf.filter")})


def meaning(graft):
    """What the graft computes, as plain data (via the interpreter and recording stubs)."""
    result = interpret(graft, STUBS)
    if "parameters" in graft:
        result = result(*[("top", i) for i in range(len(graft["parameters"]))])
    return _norm(result)


def relabel(graft, r: random.Random):
    """Rename every key (not parameters, not builtins) to a random unique name and shuffle entry order."""
    keys: set[str] = set()
    stack = [graft]
    while stack:
        body = stack.pop()
        for k, v in body.items():
            if k not in RESERVED_WORDS:
                keys.add(k)
                if isinstance(v, dict):
                    stack.append(v)
    fresh = r.sample(range(10**6, 10**7), len(keys))
    mapping = {k: (str(n) if r.random() < 0.7 else f"key{n}") for k, n in zip(sorted(keys), fresh)}

    def ref(name):
        return mapping.get(name, name)

    def walk(body):
        items = list(body.items())
        r.shuffle(items)
        out = {}
        for k, v in items:
            if k == "returns":
                out[k] = ref(v)
            elif k == "parameters":
                out[k] = list(v)
            elif isinstance(v, dict):
                out[ref(k)] = walk(v)
            elif isinstance(v, list) and not (len(v) == 1 and isinstance(v[0], (list, dict))):
                new = [ref(a) if isinstance(a, str) else {kw: ref(x) for kw, x in reversed(a.items())} for a in v]
                out[ref(k)] = new
            else:
                out[ref(k)] = copy.deepcopy(v)
        return out

    return walk(graft)


# ---------------------------------------------------------------- invariance
@pytest.mark.parametrize("seed", range(30))
def test_hash_and_canonical_form_ignore_key_names(seed):
    r = random.Random(seed)
    graft = random_graft(r, size=10, top_parameters=seed % 3)
    other = relabel(graft, r)
    assert other != graft
    assert meaning(other) == meaning(graft)
    assert content_hash(other) == content_hash(graft)
    canon = canonicalize(graft)
    assert canonicalize(other) == canon
    assert canonicalize(canon) == canon
    assert meaning(canon) == meaning(graft)
    assert content_hash(canon) == content_hash(graft)
    validate(canon, builtins=STUB_BUILTINS)
    assert json.loads(json.dumps(canon)) == canon


def test_builders_with_different_counters_hash_alike():
    def build():
        image = client.apply_graft("wf.Image.load", "prod:img1", resampler=None)
        nir = client.apply_graft("wf.pick_bands", image, "nir")
        red = client.apply_graft("wf.pick_bands", image, "red")
        return client.apply_graft("wf.div", client.apply_graft("wf.sub", nir, red),
                                  client.apply_graft("wf.add", nir, red))

    with client.consistent_guid(0):
        a = build()
    with client.consistent_guid(5000):
        b = build()
    assert set(a) != set(b)
    assert content_hash(a) == content_hash(b)
    assert canonicalize(a) == canonicalize(b)


def test_canonical_keys_are_guid_keys_in_dependency_order():
    canon = canonicalize(NDVI)
    keys = [k for k in canon if k not in RESERVED_WORDS]
    assert all(is_guid_key(k) for k in keys)
    assert sorted(keys, key=int) == [str(i) for i in range(1, len(keys) + 1)]
    for k in keys:  # every key only uses smaller keys
        expr = canon[k]
        if isinstance(expr, list) and isinstance(expr[0], str):
            args = [a for a in expr[1:] if isinstance(a, str)] + [v for a in expr[1:] if isinstance(a, dict)
                                                                  for v in a.values()]
            assert all(int(a) < int(k) for a in args)


def test_canonical_numbers_skip_parameter_and_builtin_names():
    graft = {"a": 1, "b": ["2", "a", "1"], "returns": "b", "parameters": ["1"]}  # "2" is a builtin here
    canon = canonicalize(graft)
    assert set(canon) == {"3", "4", "parameters", "returns"}
    assert canon["4"] == ["2", "3", "1"]
    builtins = {"2": lambda *a: a}
    assert interpret(canon, builtins)(7) == interpret(graft, builtins)(7) == (1, 7)


def test_unreachable_keys_do_not_count():
    extended = {**ADD, "99": ["wf.explode", "0"], "98": 12}
    assert content_hash(extended) == content_hash(ADD)
    assert canonicalize(extended) == canonicalize(ADD)


def test_shared_and_duplicated_subexpressions_hash_alike():
    shared = {"1": 1, "2": ["wf.add", "1", "1"], "returns": "2"}
    duplicated = {"1": 1, "3": 1, "2": ["wf.add", "1", "3"], "returns": "2"}
    assert content_hash(shared) == content_hash(duplicated)


def test_hash_is_stable_across_processes():
    code = ("import json, sys; from gpucompute.graft.hashing import content_hash; "
            "print(content_hash(json.loads(sys.argv[1])))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, json.dumps(FILTER)], capture_output=True, text=True,
                         env=env, check=True, cwd=Path(__file__).parents[2])
    assert out.stdout.strip() == content_hash(FILTER)


# ---------------------------------------------------------------- sensitivity
def _changed(graft, path, value):
    out = copy.deepcopy(graft)
    target = out
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    return out


CHANGES = [
    ("literal value", NDVI, ("4",), "green"),
    ("literal type int->float", ADD, ("0",), 1.0),
    ("literal type int->bool", ADD, ("0",), True),
    ("literal type int->str", ADD, ("0",), "1"),
    ("builtin name", NDVI, ("12",), ["wf.truediv", "10", "11"]),
    ("argument order", NDVI, ("10",), ["wf.sub", "6", "9"]),
    ("keyword name", NDVI, ("6",), ["wf.pick_bands", "3", "4", {"allow_missings": "5"}]),
    ("keyword instead of positional", NDVI, ("6",), ["wf.pick_bands", "3", {"bands": "4", "allow_missing": "5"}]),
    ("extra argument", ADD, ("2",), ["wf.numpy.add", "0", "1", "0"]),
    ("quoted json", {"1": [[1, 2]], "returns": "1"}, ("1",), [[2, 1]]),
    ("quoted list vs dict", {"1": [[]], "returns": "1"}, ("1",), [{}]),
    ("inner literal", FILTER, ("114", "112"), 0.3),
    ("inner builtin", FILTER, ("114", "113"), ["wf.le", "111", "112"]),
    ("parameter name", THRESHOLD, ("parameters",), ["limit"]),
    ("parameter count", FILTER, ("114", "parameters"), ["img", "extra"]),
    ("top-level parameters added", ADD, ("parameters",), []),
    ("returns another key", NDVI, ("returns",), "11"),
]


@pytest.mark.parametrize("what, graft, path, value", CHANGES, ids=[c[0] for c in CHANGES])
def test_every_change_of_meaning_changes_the_hash(what, graft, path, value):
    changed = _changed(graft, path, value)
    assert content_hash(changed) != content_hash(graft)
    assert json.dumps(canonicalize(changed), sort_keys=True) != json.dumps(canonicalize(graft), sort_keys=True)


def test_parameter_position_matters_but_not_parameter_renaming_inside_references():
    ab = {"1": ["wf.sub", "a", "b"], "parameters": ["a", "b"], "returns": "1"}
    ba = {"1": ["wf.sub", "b", "a"], "parameters": ["a", "b"], "returns": "1"}
    assert content_hash(ab) != content_hash(ba)
    # swapping names everywhere swaps the signature too, which callers see through keywords
    swapped = {"1": ["wf.sub", "b", "a"], "parameters": ["b", "a"], "returns": "1"}
    assert meaning(swapped) == meaning(ab)
    assert interpret(swapped, STUBS)(a=1, b=2) != interpret(ab, STUBS)(a=1, b=2)
    assert content_hash(swapped) != content_hash(ab)


def test_inner_and_outer_parameters_are_told_apart():
    # the inner function returns p + 1 where p is the OUTER parameter ...
    outer = {"1": 1, "2": ["wf.add", "p", "1"],
             "3": {"parameters": ["q"], "returns": "2"}, "parameters": ["p"], "returns": "3"}
    # ... versus q + 1 where q is the inner parameter
    inner = {"1": 1, "3": {"parameters": ["q"], "2": ["wf.add", "q", "1"], "returns": "2"},
             "parameters": ["p"], "returns": "3"}
    assert interpret(outer, STUBS)(10)(20) != interpret(inner, STUBS)(10)(20)
    assert content_hash(outer) != content_hash(inner)
    # the same, with the outer parameter used directly inside the inner body
    direct = {"1": 1, "3": {"parameters": ["q"], "2": ["wf.add", "p", "1"], "returns": "2"},
              "parameters": ["p"], "returns": "3"}
    assert interpret(direct, STUBS)(10)(20) == interpret(outer, STUBS)(10)(20)
    assert content_hash(direct) != content_hash(inner)


def test_hoisting_a_closed_key_keeps_the_hash():
    # a key that uses no parameters means the same inside or outside the function
    inside = {"f": {"parameters": ["x"], "1": 2, "2": ["wf.add", "x", "1"], "returns": "2"}, "returns": "f"}
    outside = {"1": 2, "f": {"parameters": ["x"], "2": ["wf.add", "x", "1"], "returns": "2"}, "returns": "f"}
    assert meaning(inside) == meaning(outside)
    assert content_hash(inside) == content_hash(outside)


def test_recursive_functions_hash_and_canonicalize():
    fact = {"one": 1,
            "f": {"parameters": ["n"], "c": ["wf.le", "n", "one"],
                  "t": {"parameters": [], "returns": "one"},
                  "e": {"parameters": [], "m": ["wf.sub", "n", "one"], "r": ["f", "m"], "p": ["wf.mul", "n", "r"],
                        "returns": "p"},
                  "returns": "i", "i": ["wf.if", "c", "t", "e"]},
            "returns": "f"}
    other = relabel(fact, random.Random(1))
    assert content_hash(other) == content_hash(fact)
    canon = canonicalize(fact)
    assert canonicalize(other) == canon
    builtins = {"wf.le": lambda a, b: a <= b, "wf.sub": lambda a, b: a - b, "wf.mul": lambda a, b: a * b,
                "wf.if": lambda c, t, e: t() if c else e()}
    assert interpret(canon, builtins)(6) == interpret(fact, builtins)(6) == 720
    changed = _changed(fact, ("f", "e", "m"), ["wf.add", "n", "one"])
    assert content_hash(changed) != content_hash(fact)


def test_back_references_say_which_key_they_return_to():
    # f calls g and g calls f again, versus f calls g and g calls itself
    mutual = {"f": {"parameters": ["n"], "r": ["g", "n"], "returns": "r"},
              "g": {"parameters": ["n"], "r": ["f", "n"], "returns": "r"}, "returns": "f"}
    selfish = {"f": {"parameters": ["n"], "r": ["g", "n"], "returns": "r"},
               "g": {"parameters": ["n"], "r": ["g", "n"], "returns": "r"}, "returns": "f"}
    assert content_hash(mutual) != content_hash(selfish)
    assert content_hash(relabel(mutual, random.Random(3))) == content_hash(mutual)


def test_keyref_grafts_hash_by_name():
    assert content_hash({"returns": "wf.constants.pi"}) == content_hash({"returns": "wf.constants.pi"})
    assert content_hash({"returns": "wf.constants.pi"}) != content_hash({"returns": "wf.constants.e"})
    assert canonicalize({"returns": "wf.constants.pi"}) == {"returns": "wf.constants.pi"}


def test_invalid_grafts_are_refused():
    with pytest.raises(GraftSyntaxError):
        content_hash({"1": [1, 2], "returns": "1"})
    with pytest.raises(GraftSyntaxError):
        canonicalize({"1": 1})


def test_large_graft_smoke():
    """5,000 shared applications; no timing assertion, the benchmark lives elsewhere."""
    graft = {"1": 1}
    for i in range(2, 5001):
        graft[str(i)] = ["wf.add", str(i - 1), str(max(1, i // 2))]
    graft["returns"] = "5000"
    digest = content_hash(graft)
    assert digest == content_hash(relabel(graft, random.Random(0)))
    assert len(canonicalize(graft)) == 5001
