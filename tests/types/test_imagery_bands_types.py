"""Band and metadata methods of Image / ImageCollection at build time: grafts, result types, type errors."""

from __future__ import annotations

import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.graft.client import consistent_guid
from gpucompute.types.containers import Dict, List
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.primitives import Float, Int
from gpucompute.types.string import Str

KINDS = [pytest.param(lambda: Image.from_id("p:img"), id="Image"),
         pytest.param(lambda: ImageCollection.from_id("p"), id="ImageCollection")]


def _expr(obj):
    """The returned expression of ``obj``'s graft, and the graft (to look keys up)."""
    graft = obj.graft
    return graft[graft["returns"]], graft


@pytest.mark.parametrize("make", KINDS)
def test_pick_bands_splits_a_string_into_positional_names(make):
    with consistent_guid():
        src = make()
        picked = src.pick_bands("red  green blue")
        expr, graft = _expr(picked)
    assert type(picked) is type(src)
    assert expr[0] == "wf.pick_bands"
    assert expr[1] == src.graft["returns"]
    assert [graft[k] for k in expr[2:-1]] == ["red", "green", "blue"]
    assert list(expr[-1]) == ["allow_missing"] and graft[expr[-1]["allow_missing"]] is False


@pytest.mark.parametrize("make", KINDS)
def test_pick_bands_sequences_and_proxies(make):
    src = make()
    expr, graft = _expr(src.pick_bands(("nir", Str("red")), allow_missing=True))
    assert expr[0] == "wf.pick_bands" and len(expr) == 5
    assert graft[expr[-1]["allow_missing"]] is True
    listed = src.pick_bands(List[Str](["a", "b"]))
    assert type(listed) is type(src)
    assert _expr(listed)[0][0] == "wf.pick_bands_list"
    single = _expr(src.pick_bands(Str("red nir")))[0]
    assert single[0] == "wf.pick_bands" and len(single) == 4  # split at compute time


@pytest.mark.parametrize("make", KINDS)
@pytest.mark.parametrize("bad", [5, [], "", "   ", [1, "red"], None, List[Int]([1]), {"red": 1}])
def test_pick_bands_rejects_bad_band_arguments(make, bad):
    with pytest.raises(ProxyTypeError):
        make().pick_bands(bad)


def test_pick_bands_rejects_a_non_bool_allow_missing():
    with pytest.raises(ProxyTypeError, match="allow_missing"):
        Image.from_id("p:img").pick_bands("red", allow_missing="yes")


@pytest.mark.parametrize("make", KINDS)
def test_nbands_and_unpack_bands(make):
    src = make()
    assert type(src.nbands) is Int and _expr(src.nbands)[0][0] == "wf.nbands"
    parts = src.unpack_bands("red nir")
    assert isinstance(parts, tuple) and len(parts) == 2
    for part, name in zip(parts, ["red", "nir"]):
        expr, graft = _expr(part)
        assert type(part) is type(src) and expr[0] == "wf.pick_bands" and graft[expr[2]] == name
    assert len(src.unpack_bands(["a", "b", "c"])) == 3
    with pytest.raises(ProxyTypeError, match="pick_bands"):
        src.unpack_bands(List[Str](["a"]))
    with pytest.raises(ProxyTypeError):
        src.unpack_bands(3)


@pytest.mark.parametrize("make", KINDS)
def test_rename_bands_grafts(make):
    src = make()
    expr, graft = _expr(src.rename_bands("a", "b"))
    assert expr[0] == "wf.rename_bands_positionally" and [graft[k] for k in expr[2:]] == ["a", "b"]
    renamed = src.rename_bands(**{"red": "r", "cloud-mask": "cm"})
    expr, graft = _expr(renamed)
    assert type(renamed) is type(src)
    assert expr[0] == "wf.rename_bands" and {k: graft[v] for k, v in expr[2].items()} == {"red": "r",
                                                                                          "cloud-mask": "cm"}


@pytest.mark.parametrize("make", KINDS)
def test_rename_bands_type_errors(make):
    src = make()
    with pytest.raises(ProxyTypeError, match="not both"):
        src.rename_bands("a", red="b")
    with pytest.raises(ProxyTypeError, match="unique"):
        src.rename_bands("a", "a")
    with pytest.raises(ProxyTypeError, match="unique"):
        src.rename_bands(red="x", green="x")
    with pytest.raises(ProxyTypeError):
        src.rename_bands()
    with pytest.raises(ProxyTypeError):
        src.rename_bands(1, 2)
    with pytest.raises(ProxyTypeError):
        src.rename_bands(red=3)


@pytest.mark.parametrize("make", KINDS)
def test_map_bands_result_types(make):
    src = make()
    same = src.map_bands(lambda name, band: band.rename_bands(name))
    assert type(same) is type(src) and _expr(same)[0][0] == "wf.map_bands_imagery"
    per_band = src.map_bands(lambda name, band: 1.5)
    assert type(per_band) is Dict[Str, Float] and _expr(per_band)[0][0] == "wf.map_bands"
    names = src.map_bands(lambda name, band: name)
    assert type(names) is Dict[Str, Str]
    image = src.map_bands(lambda name, band: Image.from_id("p:other"))
    assert type(image) is Image and _expr(image)[0][0] == "wf.map_bands_imagery"


@pytest.mark.parametrize("make", KINDS)
def test_map_bands_traces_with_name_and_same_type(make):
    src = make()
    seen = []
    src.map_bands(lambda name, band: seen.append((type(name), type(band))) or name)
    assert seen == [(Str, type(src))]
    with pytest.raises(ProxyTypeError, match="2 argument"):
        src.map_bands(lambda band: band)
    with pytest.raises(ProxyTypeError):
        src.map_bands("not a function")


def test_concat_bands_types():
    img, col = Image.from_id("p:img"), ImageCollection.from_id("p")
    assert type(img.concat_bands(img)) is Image
    assert type(col.concat_bands(img)) is ImageCollection
    assert type(col.concat_bands(col)) is ImageCollection
    expr, _ = _expr(col.concat_bands(img))
    assert expr[0] == "wf.concat_bands" and expr[2] == img.graft["returns"]
    with pytest.raises(ProxyTypeError, match="concat_bands"):
        img.concat_bands(col)
    with pytest.raises(ProxyTypeError):
        img.concat_bands(1.0)
    with pytest.raises(ProxyTypeError):
        col.concat_bands("red")


@pytest.mark.parametrize("make", KINDS)
def test_metadata_grafts_and_types(make):
    src = make()
    other = Image.from_id("p:other")
    with_props = src.with_properties(foo="bar", n=2, date=other.properties["date"])
    expr, graft = _expr(with_props)
    assert type(with_props) is type(src) and expr[0] == "wf.with_properties"
    assert set(expr[2]) == {"foo", "n", "date"} and graft[expr[2]["foo"]] == "bar"
    expr, graft = _expr(src.without_properties("a", "b"))
    assert expr[0] == "wf.without_properties" and [graft[k] for k in expr[2:]] == ["a", "b"]
    expr, graft = _expr(src.with_bandinfo("red", foo=[1, 2]))
    assert expr[0] == "wf.with_bandinfo" and graft[expr[2]] == "red" and set(expr[3]) == {"foo"}
    expr, graft = _expr(src.without_bandinfo("red", "id", "name"))
    assert expr[0] == "wf.without_bandinfo" and [graft[k] for k in expr[2:]] == ["red", "id", "name"]
    assert type(src.without_bandinfo("red")) is type(src)


@pytest.mark.parametrize("make", KINDS)
def test_metadata_type_errors(make):
    src = make()
    with pytest.raises(ProxyTypeError, match="foo"):
        src.with_properties(foo=object())
    with pytest.raises(ProxyTypeError, match="imagery"):
        src.with_properties(foo=Image.from_id("p:x"))
    with pytest.raises(ProxyTypeError):
        src.without_properties(1)
    with pytest.raises(ProxyTypeError, match="band"):
        src.with_bandinfo(3, foo=1)
    with pytest.raises(ProxyTypeError):
        src.without_bandinfo("red", 4)
