"""Band alignment, metadata and empties of imagery operators, on synthetic runtime values (no catalog)."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute.errors import ComputeError
from gpucompute.execution import load_builtins
from gpucompute.execution import pixels as px
from gpucompute.execution.imagery import CollectionValue, ImageValue

SHAPE = (5, 6)


def _random(rng, *shape):
    data = rng.uniform(-1, 1, shape).astype(np.float32)
    return np.ma.array(data, mask=rng.random(shape) < 0.2)


def image(rng, names, properties=None, bandinfo=None):
    data = _random(rng, len(names), *SHAPE)
    info = bandinfo or {n: {"name": n, "kind": "band"} for n in names}
    return ImageValue(px.constant(data), dict(properties or {"id": "a", "shared": 1}), info), data


def collection(rng, names, n=3, properties=None, bandinfo=None):
    data = _random(rng, n, len(names), *SHAPE)
    info = bandinfo or {b: {"name": b, "kind": "band"} for b in names}
    props = properties or [{"id": f"i{k}", "shared": 1} for k in range(n)]
    return CollectionValue(px.constant(data, length=n), props, info), data


def run(builtin, *args):
    value = load_builtins()[builtin](*args)
    return value, px.resolve(value).pixels.to_numpy()


def assert_masked_close(result, expected):
    np.testing.assert_array_equal(np.ma.getmaskarray(result), np.ma.getmaskarray(expected))
    valid = ~np.ma.getmaskarray(expected)
    np.testing.assert_allclose(np.asarray(result.data)[valid], np.asarray(expected.data)[valid], rtol=1e-5, atol=1e-6)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_multi_band_operands_pair_by_name_in_the_first_order(rng, backend):
    a, da = image(rng, ["red", "green", "blue"])
    b, db = image(rng, ["blue", "red", "green"])
    value, out = run("wf.sub", a, b)
    assert value.bandnames == ["red", "green", "blue"]
    assert_masked_close(out, da - db[[1, 2, 0]])
    value, out = run("wf.sub", b, a)
    assert value.bandnames == ["blue", "red", "green"]
    assert_masked_close(out, db - da[[2, 0, 1]])


def test_single_band_broadcasts_to_n_bands_both_ways(rng, backend):
    a, da = image(rng, ["red", "green", "blue"])
    b, db = image(rng, ["nir"])
    value, out = run("wf.mul", a, b)
    assert value.bandnames == ["red", "green", "blue"]
    assert_masked_close(out, da * db)
    value, out = run("wf.div", b, a)
    assert value.bandnames == ["red", "green", "blue"]
    assert_masked_close(out, np.ma.divide(db, da))


@pytest.mark.parametrize("builtin, word", [("wf.add", "add"), ("wf.sub", "sub"), ("wf.mul", "mul"),
                                           ("wf.div", "div"), ("wf.truediv", "div"), ("wf.floordiv", "floordiv"),
                                           ("wf.mod", "mod"), ("wf.pow", "pow"), ("wf.lt", "lt"), ("wf.eq", "eq"),
                                           ("wf.and", "and"), ("wf.or", "or"), ("wf.xor", "xor")])
def test_two_single_bands_pair_whatever_their_names(rng, backend, builtin, word):
    a, _ = image(rng, ["nir"])
    b, _ = image(rng, ["red"])
    value = load_builtins()[builtin](a, b)
    assert value.bandnames == [f"nir_{word}_red"]
    assert load_builtins()[builtin](a, 2.0).bandnames == ["nir"]
    assert load_builtins()[builtin](3, b).bandnames == ["red"]


def test_guide_example_names_red_add_blue(rng, backend):
    red, dr = image(rng, ["red"])
    blue, db = image(rng, ["blue"])
    value, out = run("wf.add", red, blue)
    assert list(value.bandinfo) == ["red_add_blue"]
    assert_masked_close(out, dr + db)


@pytest.mark.parametrize("left, right", [(["red", "green"], ["red", "green", "blue"]),
                                         (["red", "green"], ["red", "blue"]),
                                         (["a", "b", "c"], ["a", "b", "d"])])
def test_mismatched_multi_band_operands_fail_naming_both(rng, backend, left, right):
    a, _ = image(rng, left)
    b, _ = image(rng, right)
    with pytest.raises(ComputeError) as info:
        load_builtins()["wf.add"](a, b)
    assert str(left) in str(info.value) and str(right) in str(info.value)


def test_image_broadcasts_over_a_collection(rng, backend):
    ic, dic = collection(rng, ["red", "green"], n=3)
    img, dimg = image(rng, ["green", "red"])
    value, out = run("wf.sub", img, ic)
    assert isinstance(value, CollectionValue) and value.bandnames == ["green", "red"]
    assert_masked_close(out, dimg[None] - dic[:, [1, 0]])
    value, out = run("wf.add", ic, ic)
    assert_masked_close(out, dic + dic)


def test_guide_properties_example(rng, backend):
    # Workflows guide, "Broadcasting properties": the image's dict is intersected with each of the collection's.
    img, _ = image(rng, ["red"], properties={"color": "red", "size": "large"})
    ic, _ = collection(rng, ["red"], n=2, properties=[{"color": "red", "size": "small"},
                                                        {"color": "blue", "size": "large"}])
    assert load_builtins()["wf.add"](img, ic).properties == [{"color": "red"}, {"size": "large"}]
    assert load_builtins()["wf.add"](ic, img).properties == [{"color": "red"}, {"size": "large"}]


def test_guide_bandinfo_example(rng, backend):
    # Workflows guide, "Broadcasting bandinfo".
    product = {"product": "sentinel-2:L1C"}
    img, _ = image(rng, ["red"], bandinfo={"red": {"color": "Red", **product}})
    ic, _ = collection(rng, ["red", "blue"], bandinfo={"red": {"color": "Red", **product},
                                                       "blue": {"color": "Blue", **product}})
    assert load_builtins()["wf.add"](img, ic).bandinfo == {"red": product, "blue": product}


def test_equal_band_sets_intersect_band_by_band(rng, backend):
    a, _ = image(rng, ["x", "y"], bandinfo={"x": {"u": 1, "v": 2}, "y": {"u": 3}})
    b, _ = image(rng, ["y", "x"], bandinfo={"y": {"u": 3, "w": 0}, "x": {"u": 1, "v": 5}})
    assert load_builtins()["wf.add"](a, b).bandinfo == {"x": {"u": 1}, "y": {"u": 3}}


def test_collections_must_have_equal_lengths(rng, backend):
    a, _ = collection(rng, ["red"], n=2)
    b, _ = collection(rng, ["red"], n=3)
    with pytest.raises(ComputeError, match="different lengths"):
        load_builtins()["wf.add"](a, b)


def test_empties_propagate_to_the_broadcast_type(rng, backend):
    img, _ = image(rng, ["red"])
    ic, _ = collection(rng, ["red"])
    empty_image = ImageValue(None, {}, {})
    empty_ic = CollectionValue(None, [], {})
    builtins = load_builtins()
    assert builtins["wf.add"](img, empty_image) == ImageValue(None, {}, {})
    assert builtins["wf.mul"](empty_image, ic).empty and isinstance(builtins["wf.mul"](empty_image, ic),
                                                                     CollectionValue)
    assert isinstance(builtins["wf.sub"](img, empty_ic), CollectionValue)
    assert builtins["wf.neg"](empty_image).empty and builtins["wf.log"](empty_ic).empty
    assert builtins["wf.where"](empty_image, img, 1).empty


def test_reduction_scalars_stay_lazy(rng, backend):
    img, data = image(rng, ["red", "green"])
    mean = px.apply("math.add", px.constant(np.float32(0.25)), 0.0, shape=())  # a lazy Float (0-d pixels)
    value, out = run("wf.sub", img, mean)
    assert isinstance(value.pixels, px.Pixels)
    assert_masked_close(out, data - np.float32(0.25))
    lazy = load_builtins()["wf.mul"](mean, 4)
    assert isinstance(lazy, px.Pixels)
    assert float(np.asarray(px.resolve(lazy))) == pytest.approx(1.0)
    forced = load_builtins()["wf.mul"]([1], 2)  # not imagery: the plain operator
    assert forced == [1, 1]
    assert load_builtins()["wf.log"](mean).shape == ()


def test_refuses_imagery_with_other_values(rng, backend):
    img, _ = image(rng, ["red"])
    with pytest.raises(ComputeError, match="wf.add"):
        load_builtins()["wf.add"](img, "text")


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_numbers_are_program_inputs_not_structure(rng, backend):
    img, data = image(rng, ["red", "green"])
    px.clear_cache()
    before = px.compile_count()
    for number in (0.5, 1.5, 2.0, -3.0):
        _, out = run("wf.mul", img, number)
        assert_masked_close(out, data * np.float32(number))
    assert px.compile_count() - before == 1
