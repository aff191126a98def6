"""The builtin registry: registration, aliases, old bare names, keyref constants, errors."""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping

import pytest

from gpucompute.errors import GraftError, GraftNameError
from gpucompute.graft.registry import (
    BUILTINS,
    EQUIVALENT_NAMES,
    KEYREF_CONSTANTS,
    Registry,
)
from gpucompute.graft.validate import validate


@pytest.fixture
def registry():
    reg = Registry()

    @reg.register("wf.add", "wf.numpy.add")
    def add(x, y):
        return x + y

    reg.add("wf.Image.concat_bands", lambda *images: images)
    reg.add("wf.numpy.true_divide", operator.truediv)
    reg.add("wf.constants.pi", math.pi)
    reg.add("mosaic", "dc-mosaic")  # a bare (Dynamic Compute style) name
    return reg


def test_register_returns_the_function_and_lookups_find_it(registry):
    assert registry["wf.add"](2, 3) == 5
    assert registry["wf.numpy.add"] is registry["wf.add"]
    assert isinstance(registry, Mapping)


@pytest.mark.parametrize("name, registered", [
    ("add", "wf.add"),
    ("numpy.add", "wf.add"),
    ("Image.concat_bands", "wf.Image.concat_bands"),
    ("wf.numpy.divide", "wf.numpy.true_divide"),
    ("numpy.divide", "wf.numpy.true_divide"),
    ("numpy.true_divide", "wf.numpy.true_divide"),
    ("wf.mosaic", "mosaic"),
    ("constants.pi", "wf.constants.pi"),
])
def test_old_and_equivalent_spellings_resolve(registry, name, registered):
    assert name in registry
    assert registry.canonical_name(name) == registered
    assert registry[name] is registry[registered]
    assert registry.get(name) is registry[registered]


def test_divide_and_true_divide_work_whichever_is_registered():
    assert ("wf.numpy.true_divide", "wf.numpy.divide") in EQUIVALENT_NAMES
    reg = Registry({"wf.numpy.divide": operator.truediv})
    assert reg["wf.numpy.true_divide"](3, 4) == 0.75
    assert reg.canonical_name("numpy.true_divide") == "wf.numpy.divide"


def test_iteration_and_names_cover_registered_names_only(registry):
    expected = ["mosaic", "wf.Image.concat_bands", "wf.add", "wf.constants.pi", "wf.numpy.true_divide"]
    assert registry.names() == expected
    assert sorted(registry) == expected and len(registry) == 5
    assert registry.names(aliases=True) == sorted(expected + ["wf.numpy.add"])
    assert registry.aliases() == {"wf.numpy.add": "wf.add"}


def test_keyref_values_are_not_callables(registry):
    assert registry["constants.pi"] == math.pi


def test_default_registry_has_the_keyref_constants():
    assert isinstance(BUILTINS, Registry)
    assert BUILTINS["wf.constants.pi"] == math.pi and BUILTINS["wf.constants.e"] == math.e
    assert math.isinf(BUILTINS["wf.constants.inf"]) and math.isnan(BUILTINS["wf.constants.nan"])
    assert BUILTINS["wf.Ellipsis"] is Ellipsis
    assert set(KEYREF_CONSTANTS) <= set(BUILTINS)


@pytest.mark.parametrize("name", ["wf.add", "wf.numpy.add"])
def test_duplicate_registration_is_an_error(registry, name):
    with pytest.raises(GraftError, match=repr(name)):
        registry.add(name, operator.add)
    with pytest.raises(GraftError, match=repr(name)):
        registry.register("wf.other", name)(operator.add)
    assert "wf.other" not in registry


def test_replace_overwrites(registry):
    registry.add("wf.add", operator.sub, replace=True)
    assert registry["wf.add"](5, 3) == 2
    assert registry["wf.numpy.add"] is operator.sub  # the alias still points at the name


def test_remove_drops_the_name_and_its_aliases(registry):
    registry.remove("wf.add")
    assert "wf.add" not in registry and "wf.numpy.add" not in registry and "add" not in registry
    with pytest.raises(GraftNameError):
        registry.remove("wf.add")


@pytest.mark.parametrize("bad", ["", 3, None])
def test_names_must_be_non_empty_strings(bad):
    with pytest.raises(GraftError):
        Registry().add(bad, operator.add)


def test_unknown_name_suggests_close_matches(registry):
    with pytest.raises(GraftNameError, match=r"'wf\.ad'.*did you mean 'wf\.add'"):
        registry["wf.ad"]
    with pytest.raises(GraftNameError, match="'wf.nothing_like_it'"):
        registry.canonical_name("wf.nothing_like_it")
    assert "wf.ad" not in registry and 5 not in registry
    assert registry.get("wf.ad", "default") == "default"
    assert registry.resolve("wf.ad") is None


def test_registry_is_a_builtins_container_for_validate(registry):
    validate({"1": 1, "2": ["add", "1", "1"], "3": ["wf.numpy.divide", "2", "1"], "returns": "3"}, builtins=registry)
    with pytest.raises(GraftNameError, match="'wf.sub'"):
        validate({"1": 1, "2": ["wf.sub", "1", "1"], "returns": "2"}, builtins=registry)
