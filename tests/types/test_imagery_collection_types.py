"""ImageCollection collection methods, ImageCollectionGroupby, to_imagery and rasterize: graft shapes and types.

Builtin names and return types are those of the reference (api-descarteslabs.md
§2.6 and §3.5) and the seed's ImageCollection / ImageCollectionGroupby docs.
"""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.types.anytype import Any
from gpucompute.types.array import Array
from gpucompute.types.containers import Dict, List, Tuple
from gpucompute.types.datetimes import Datetime
from gpucompute.types.feature import Feature, FeatureCollection
from gpucompute.types.geometry import Geometry
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.imagecollection_groupby import ImageCollectionGroupby
from gpucompute.types.imagery_convert import rasterize, to_imagery
from gpucompute.types.primitives import Bool, Int, Str


@pytest.fixture
def ic():
    return ImageCollection.from_id("test:product")


def _call(proxy):
    """``(builtin name, positional argument expressions, keyword names)`` of the proxy's last application."""
    graft = proxy.graft
    expr = graft[graft["returns"]]
    args = list(expr[1:])
    kwargs = args.pop() if args and isinstance(args[-1], dict) else {}
    return expr[0], args, sorted(kwargs)


def test_map_to_images_is_map_imagery(ic):
    out = ic.map(lambda img: img)
    assert type(out) is ImageCollection
    assert _call(out)[0] == "wf.map_imagery"


@pytest.mark.parametrize("func, element", [
    (lambda img: img.properties["date"], Datetime),
    (lambda img: img.properties["cloud_fraction"], Any),
    (lambda img: 1, Int),
    (lambda img: img.properties, Dict),
])
def test_map_to_other_values_is_a_list(ic, func, element):
    out = ic.map(func)
    assert isinstance(out, List) and issubclass(out._element_type, element)
    assert _call(out)[0] == "wf.map"


def test_filter_sorted_reversed_keep_the_collection_type(ic):
    kept = ic.filter(lambda img: img.properties["cloud_fraction"] < 0.2)
    ordered = ic.sorted(lambda img: img.properties["date"], reverse=True)
    assert type(kept) is type(ordered) is type(ic.reversed()) is ImageCollection
    assert _call(kept)[0] == "wf.filter"
    assert _call(ordered)[0] == "wf.sorted" and _call(ordered)[2] == ["key", "reverse"]
    assert _call(ic.reversed())[0] == "wf.reversed"


def test_filter_needs_a_bool(ic):
    with pytest.raises(ProxyTypeError):
        ic.filter(lambda img: img.properties["date"])
    with pytest.raises(ProxyTypeError):
        ic.sorted(lambda img: img, reverse="yes")


def test_reduce_length_contains(ic):
    assert type(ic.reduce(lambda a, b: b)) is Image
    assert _call(ic.reduce(lambda a, b: b))[0] == "wf.reduce"
    total = ic.reduce(lambda acc, img: acc + 1, initial=0)
    assert type(total) is Int
    assert _call(total)[2] == ["initial"]
    assert type(ic.length()) is Int and _call(ic.length())[0] == "wf.length"
    assert type(ic.contains(ic[0])) is Bool and _call(ic.contains(ic[0]))[0] == "wf.contains"
    with pytest.raises(ProxyTypeError):
        ic.contains(3)


def test_head_tail_partition(ic):
    for name in ("head", "tail"):
        out = getattr(ic, name)(2)
        assert type(out) is ImageCollection and _call(out)[0] == f"wf.ImageCollection.{name}"
        with pytest.raises(ProxyTypeError):
            getattr(ic, name)("2")
    parts = ic.partition(1)
    assert type(parts) is Tuple[ImageCollection, ImageCollection]
    assert _call(parts)[0] == "wf.ImageCollection.partition"
    assert type(parts[0]) is ImageCollection


def test_indexing(ic):
    assert type(ic[0]) is Image and type(ic[-1]) is Image and type(ic[Int(2)]) is Image
    assert type(ic[1:3]) is ImageCollection and type(ic[::-1]) is ImageCollection
    assert _call(ic[0])[0] == _call(ic[1:])[0] == "wf.get"
    for bad in ("red", 1.5, None):
        with pytest.raises(ProxyTypeError):
            ic[bad]


def test_map_window_types(ic):
    imagery = ic.map_window(lambda back, img, fwd: img, back=1, fwd=1)
    collections = ic.map_window(lambda back, img, fwd: back, back=1)
    values = ic.map_window(lambda back, img, fwd: img.properties["date"], fwd=2)
    assert type(imagery) is type(collections) is ImageCollection
    assert _call(imagery)[0] == "wf.ImageCollection.map_window_ic"
    assert isinstance(values, List) and values._element_type is Datetime
    assert _call(values)[0] == "wf.ImageCollection.map_window"
    with pytest.raises(ProxyTypeError):
        ic.map_window(lambda img: img)
    with pytest.raises(ProxyTypeError):
        ic.map_window(lambda b, i, f: i, back="one")


def test_groupby_key_types(ic):
    by_func = ic.groupby(lambda img: img.properties["parity"])
    assert type(by_func) is ImageCollectionGroupby[Any] and by_func.key_type is Any
    assert _call(by_func)[0] == "wf.ImageCollectionGroupby.create"
    assert type(ic.groupby(dates="month")) is ImageCollectionGroupby[Int]
    assert type(ic.groupby(dates=("year", "month"))) is ImageCollectionGroupby[Tuple[Int, Int]]
    assert type(ImageCollectionGroupby(ic, lambda img: img.properties["id"])) is ImageCollectionGroupby[Str]


@pytest.mark.parametrize("kwargs", [{}, {"func": lambda img: 1, "dates": "month"}, {"dates": "fortnight"},
                                    {"dates": ()}, {"dates": 3}])
def test_groupby_needs_one_valid_way_to_group(ic, kwargs):
    with pytest.raises(ProxyTypeError):
        ic.groupby(**kwargs)


def test_groupby_members(ic):
    grouped = ic.groupby(dates=("year", "month"))
    key = Tuple[Int, Int]
    assert type(grouped.groups) is Dict[key, ImageCollection]
    assert type(grouped.one()) is Tuple[key, ImageCollection]
    assert type(grouped[(2023, 1)]) is ImageCollection
    assert _call(grouped[(2023, 1)])[0] == "wf.ImageCollectionGroupby.get"
    with pytest.raises(ProxyTypeError):
        grouped["january"]
    as_images = grouped.map(lambda k, imgs: imgs[0])
    as_collections = grouped.map(lambda k, imgs: imgs.head(1))
    as_values = grouped.map(lambda k, imgs: imgs.length())
    assert type(as_images) is type(as_collections) is ImageCollection
    assert _call(as_images)[0] == "wf.ImageCollectionGroupby.map_ic"
    assert type(as_values) is Dict[key, Int] and _call(as_values)[0] == "wf.ImageCollectionGroupby.map"
    with pytest.raises(ProxyTypeError):
        grouped.map(lambda imgs: imgs)


def test_to_imagery_is_always_a_collection():
    arr = Array(np.zeros((2, 3, 4)))
    out = to_imagery(arr, {"foo": "bar"}, {"a": {}, "b": {}})
    assert type(out) is ImageCollection and _call(out)[0] == "wf.to_imagery"
    assert type(to_imagery(arr, [{"i": 0}])) is ImageCollection
    with pytest.raises(ProxyTypeError):
        to_imagery(arr, "foo")
    with pytest.raises(ProxyTypeError):
        to_imagery(arr, None, ["a", "b"])


def test_rasterize_types():
    geom = Geometry(type="Point", coordinates=[1.0, 2.0])
    feat = Feature(geometry=geom, properties={"foo": 2})
    fc = FeatureCollection([feat, feat])
    for obj, kwargs in ((geom, []), (feat, ["default_value"]), (fc, ["default_value", "merge_algorithm"])):
        out = rasterize(obj, 0.5)
        assert type(out) is Image
        assert _call(out)[0] == "wf.rasterize" and _call(out)[2] == kwargs
    assert type(rasterize(feat, "foo", default_value=3)) is Image
    with pytest.raises(ProxyTypeError):
        rasterize(geom, "foo")
    with pytest.raises(ProxyTypeError):
        rasterize(fc, 1, merge_algorithm="max")
    with pytest.raises(ProxyTypeError):
        rasterize(geom, 1, merge_algorithm="add")
