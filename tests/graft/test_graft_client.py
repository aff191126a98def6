"""The graft builders: key layout, sharing of dependencies, functions and closures."""

from __future__ import annotations

import json

import pytest

from gpucompute.errors import GraftSyntaxError
from gpucompute.graft import client


def test_value_graft_of_a_literal_and_of_quoted_json():
    with client.consistent_guid():
        assert client.value_graft(1) == {"0": 1, "returns": "0"}
        assert client.value_graft("red") == {"1": "red", "returns": "1"}
        assert client.value_graft([[1, 2], [3, 4]]) == {"2": [[[1, 2], [3, 4]]], "returns": "2"}
        assert client.value_graft((1, {"a": None})) == {"3": [[1, {"a": None}]], "returns": "3"}


@pytest.mark.parametrize("bad", [object(), {1: 2}, [1, {2, 3}]])
def test_value_graft_rejects_what_json_cannot_hold(bad):
    with pytest.raises(GraftSyntaxError):
        client.value_graft(bad)


def test_apply_with_positional_arguments_matches_the_documented_layout():
    with client.consistent_guid():
        graft = client.apply_graft("wf.numpy.add", client.value_graft(1), 1)
    assert graft == {"0": 1, "1": 1, "2": ["wf.numpy.add", "0", "1"], "returns": "2"}


def test_apply_with_keyword_arguments_puts_them_in_a_trailing_dict():
    with client.consistent_guid():
        graft = client.apply_graft("wf.Image.load", "prod:img1", resampler=None, processing_level=None)
    assert graft == {
        "0": "prod:img1",
        "1": None,
        "2": None,
        "3": ["wf.Image.load", "0", {"resampler": "1", "processing_level": "2"}],
        "returns": "3",
    }


def test_shared_dependencies_appear_once():
    with client.consistent_guid():
        image = client.apply_graft("wf.Image.load", "prod:img1")
        nir = client.apply_graft("wf.pick_bands", image, "nir")
        red = client.apply_graft("wf.pick_bands", image, "red")
        ndvi = client.apply_graft("wf.div", client.apply_graft("wf.sub", nir, red), client.apply_graft("wf.add", nir, red))
    loads = [k for k, v in ndvi.items() if isinstance(v, list) and v and v[0] == "wf.Image.load"]
    assert loads == [image["returns"]]
    assert json.loads(json.dumps(ndvi)) == ndvi


def test_keyref_and_reserved_names():
    assert client.keyref_graft("wf.Ellipsis") == {"returns": "wf.Ellipsis"}
    for bad in ("returns", "parameters", 3):
        with pytest.raises(GraftSyntaxError):
            client.keyref_graft(bad)


def test_function_graft_inserted_under_its_own_key():
    with client.consistent_guid():
        body = client.apply_graft("wf.lt", client.keyref_graft("img"), 0.2)
        function = client.function_graft(body, "img")
        collection = client.value_graft(3)
        applied = client.apply_graft("wf.filter", collection, function)
    assert function["parameters"] == ["img"]
    (subkey,) = [k for k, v in applied.items() if isinstance(v, dict)]
    assert applied[subkey] == function
    assert applied[applied["returns"]] == ["wf.filter", collection["returns"], subkey]


def test_function_graft_hoists_captured_keys_to_the_outer_scope():
    with client.consistent_guid():
        outer = client.value_graft(10)
        first = client.guid()
        body = client.apply_graft("wf.add", client.keyref_graft("x"), outer)
        function = client.function_graft(body, "x", first_guid=first)
    assert "parameters" not in function
    assert function[outer["returns"]] == 10
    inner = function[function["returns"]]
    assert inner["parameters"] == ["x"]
    assert outer["returns"] not in inner


@pytest.mark.parametrize("bad", ["1", "returns", ""])
def test_function_graft_rejects_bad_parameter_names(bad):
    with pytest.raises(GraftSyntaxError):
        client.function_graft(client.value_graft(1), bad)


def test_parametrize_binds_names_through_a_call():
    graft = client.apply_graft("wf.lt", 1.5, client.keyref_graft("threshold"))
    bound = client.parametrize(graft, threshold=0.5)
    call = bound[bound["returns"]]
    function = bound[call[0]]
    assert function["parameters"] == ["threshold"]
    assert bound[call[1]["threshold"]] == 0.5


def test_isolate_keys_wraps_a_value_in_a_thunk():
    graft = client.value_graft(7)
    isolated = client.isolate_keys(graft)
    call = isolated[isolated["returns"]]
    assert isolated[call[0]] == {**graft, "parameters": []}
    assert len(call) == 1


def test_guids_increase_and_consistent_guid_restores_the_counter():
    a = int(client.guid())
    with client.consistent_guid(100):
        assert client.guid() == "100"
    assert int(client.guid()) > a



class _LazyHolder:
    """Stands for a proxy that carries a lazy node."""

    def __init__(self, node):
        self._lazy_node = node


@pytest.mark.parametrize("seed", range(5))
def test_lazy_application_materializes_to_what_apply_graft_builds(seed):
    import random

    def build(apply, wrap):
        chooser = random.Random(seed)
        with client.consistent_guid(100):
            values = [client.value_graft(1.5), client.value_graft("red")]
            for step in range(150):
                a, b = chooser.choice(values), chooser.choice(values)
                kwargs = {"k": b} if chooser.random() < 0.3 else {}
                values.append(wrap(apply("wf.op", a, step, **kwargs)))
            return values[-1]

    eager = build(client.apply_graft, lambda g: g)
    lazy = build(client.lazy_apply, _LazyHolder)._lazy_node.materialize()
    assert lazy == eager


def _keys(graft):
    out = set()
    for key, expr in graft.items():
        out.add(key)
        if isinstance(expr, dict):
            out |= _keys(expr)
    return out


def test_fresh_keys_renames_top_level_keys_and_keeps_the_content_hash():
    import operator

    from gpucompute.graft import content_hash, interpret

    # outer "1" is shadowed inside the function, which also closes over outer "5"
    graft = {"1": 2, "5": 100,
             "2": {"parameters": ["x"], "1": 10, "3": ["add", "x", "1"], "4": ["add", "3", "5"], "returns": "4"},
             "6": ["2", "1"], "7": [["quoted", "1"]], "returns": "6"}
    fresh = client.fresh_keys(json.loads(json.dumps(graft)))
    builtins = {"add": operator.add}
    assert interpret(graft, builtins) == interpret(fresh, builtins) == 2 + 10 + 100
    assert content_hash(fresh) == content_hash(graft)
    top = set(fresh) - {"returns"}
    assert not top & (set(graft) - {"returns"})  # every top-level key renamed...
    inner = fresh[fresh[fresh["returns"]][0]]
    assert inner["1"] == 10 and inner["3"] == ["add", "x", "1"]  # ...the shadowing key kept inside
    assert fresh[[k for k in top if fresh[k] == [["quoted", "1"]]][0]] == [["quoted", "1"]]  # quoted JSON untouched
    assert not top & (_keys(graft) - {"returns"})  # new names never equal a key used anywhere


def test_fresh_keys_never_reuses_a_nested_key_as_a_new_name():
    with client.consistent_guid(50):
        nested = {"parameters": ["x"], "50": 1, "51": ["add", "x", "9"], "returns": "51"}
        graft = {"9": 5, "8": nested, "7": ["8", "9"], "returns": "7"}
        fresh = client.fresh_keys(graft)
    inner = fresh[fresh[fresh["returns"]][0]]
    outer_nine = inner["51"][2]
    assert outer_nine not in inner and fresh[outer_nine] == 5
