"""Build-time behaviour of the imagery reductions, composites, masks and value methods: types and grafts."""

from __future__ import annotations

import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.types.containers import Dict, List, Tuple
from gpucompute.types.feature import Feature, FeatureCollection
from gpucompute.types.geometry import Geometry
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.primitives import Float, Int, Str

OPS = ("min", "max", "mean", "median", "sum", "std", "count")

# The _STATS_RETURN_TYPES tables (reference §2.6), one row each.
IMAGE_AXES = [(None, Float), ("pixels", Dict[Str, Float]), ("bands", Image), (("pixels", "bands"), Float)]
COLLECTION_AXES = [
    (None, Float), ("images", Image), ("bands", ImageCollection),
    ("pixels", List[Dict[Str, Float]]), (("images", "pixels"), Dict[Str, Float]), (("bands", "pixels"), List[Float]),
    (("images", "bands"), Image), (("images", "bands", "pixels"), Float),
]
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def _image():
    return Image.from_id("some:image")


def _collection():
    return ImageCollection.from_id("some:product")


def _call(proxy):
    """``(builtin name, positional literal-or-key list, {kwarg: literal})`` of the proxy's root application."""
    graft = proxy.graft
    expr = graft[graft["returns"]]
    kwargs = expr[-1] if isinstance(expr[-1], dict) else {}
    positional = expr[1:-1] if kwargs else expr[1:]

    def literal(key):
        value = graft[key]
        return value[0] if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) else value

    return expr[0], [literal(k) for k in positional], {k: literal(v) for k, v in kwargs.items()}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(("axis", "expected"), IMAGE_AXES)
def test_image_reduction_types_and_grafts(op, axis, expected):
    result = getattr(_image(), op)(axis=axis)
    assert type(result) is expected
    name, _, kwargs = _call(result)
    assert name == f"wf.{op}"
    canonical = {("pixels", "bands"): ["bands", "pixels"]}.get(axis, axis)
    assert kwargs["axis"] == canonical


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(("axis", "expected"), COLLECTION_AXES)
def test_collection_reduction_types(op, axis, expected):
    assert type(getattr(_collection(), op)(axis=axis)) is expected


@pytest.mark.parametrize(("axis", "expected"), COLLECTION_AXES)
def test_reduction_records_operation_and_axis(axis, expected):
    result = _collection().reduction("std", axis=axis)
    assert type(result) is expected
    name, args, kwargs = _call(result)
    assert (name, args[1]) == ("wf.reduction", "std")
    assert kwargs["axis"] == (list(axis) if isinstance(axis, tuple) else axis)


def test_axis_order_does_not_matter():
    a, b = _collection().sum(axis=("pixels", "images")), _collection().sum(axis=["images", "pixels"])
    assert _call(a)[2] == _call(b)[2] == {"axis": ["images", "pixels"]}


@pytest.mark.parametrize("axis", ["images", ("images", "bands"), "time", ("bands", "bands"), (), 3, ("pixels", 1)])
def test_bad_image_axis_fails_at_build_time(axis):
    with pytest.raises(ProxyTypeError, match="axis"):
        _image().mean(axis=axis)


@pytest.mark.parametrize("axis", ["rows", ("images", "images"), ["pixel"]])
def test_bad_collection_axis_fails_at_build_time(axis):
    with pytest.raises(ProxyTypeError, match="axis"):
        _collection().max(axis=axis)


def test_bad_reduction_operation():
    with pytest.raises(ProxyTypeError, match="operation"):
        _image().reduction("mode")
    with pytest.raises(ProxyTypeError, match="operation"):
        _image().reduction("mosaic", axis="bands")  # only collections mosaic
    with pytest.raises(ProxyTypeError, match="mosaic"):
        _collection().reduction("mosaic", axis="pixels")
    assert type(_collection().reduction("mosaic", axis="images")) is Image


def test_composites():
    ic = _collection()
    mosaic = ic.mosaic(reverse=True)
    assert type(mosaic) is Image and _call(mosaic)[0] == "wf.mosaic" and _call(mosaic)[2] == {"reverse": True}
    by_name = ic.sortby_composite("red", operation="argmin")
    assert type(by_name) is Image
    assert _call(by_name)[0] == "wf.ImageCollection.sortby_composite" and _call(by_name)[2] == {"operation": "argmin"}
    assert type(ic.sortby_composite(ic.max(axis="bands"))) is Image
    with pytest.raises(ProxyTypeError, match="argmax"):
        ic.sortby_composite("red", operation="max")
    with pytest.raises(ProxyTypeError, match="band"):
        ic.sortby_composite(_image())
    assert not hasattr(_image(), "mosaic")


@pytest.mark.parametrize("mask", [_image, _collection, lambda: Geometry.from_geojson(SQUARE),
                                  lambda: Feature(geometry=SQUARE, properties={}),
                                  lambda: FeatureCollection([Feature(geometry=SQUARE, properties={})]), lambda: SQUARE])
@pytest.mark.parametrize("make", [_image, _collection])
def test_mask_accepts_imagery_and_vectors(make, mask):
    value, m = make(), mask()
    result = value.mask(m, replace=True)
    wants_collection = isinstance(value, ImageCollection) or isinstance(m, ImageCollection)
    assert type(result) is (ImageCollection if wants_collection else Image)
    name, _, kwargs = _call(result)
    assert name == "wf.mask" and kwargs == {"replace": True}


def test_mask_rejects_other_values():
    with pytest.raises(ProxyTypeError, match="mask"):
        _image().mask(0.5)
    with pytest.raises(ProxyTypeError, match="replace"):
        _image().mask(_image(), replace="yes")


@pytest.mark.parametrize("make", [_image, _collection])
def test_value_methods_keep_the_type(make):
    value = make()
    for result, name in [(value.getmask(), "wf.getmask"), (value.clip_values(0.1, [0.2, 0.3]), "wf.clip_values"),
                         (value.clip_values(max=1), "wf.clip_values"), (value.scale_values(0, 1), "wf.scale_values"),
                         (value.scale_values(0, 255, 0.0, 0.4), "wf.scale_values"),
                         (value.colormap("magma", 0.1, 0.8), "wf.colormap")]:
        assert type(result) is type(value)
        assert _call(result)[0] == name
    fill = value.replace_empty_with(0, mask=False, bandinfo={"red": {}})
    assert type(fill) is type(value)
    kind = "ImageCollection" if isinstance(value, ImageCollection) else "Image"
    assert _call(fill)[0] == f"wf.{kind}.replace_empty_with"
    assert type(value.replace_empty_with(make())) is type(value)


def test_value_methods_check_arguments():
    img = _image()
    with pytest.raises(ProxyTypeError, match="min, max"):
        img.clip_values()
    with pytest.raises(ProxyTypeError, match="min"):
        img.clip_values("low")
    with pytest.raises(ProxyTypeError, match="range_min"):
        img.scale_values("a", 1)
    with pytest.raises(ProxyTypeError, match="vmin and vmax"):
        img.colormap(vmin=0.2)
    with pytest.raises(ProxyTypeError, match="named_colormap"):
        img.colormap(3)
    with pytest.raises(ProxyTypeError, match="bandinfo"):
        img.replace_empty_with(0)
    with pytest.raises(ProxyTypeError, match="fill"):
        img.replace_empty_with(_collection())
    with pytest.raises(ProxyTypeError, match="fill"):
        _collection().replace_empty_with(img)


def test_pixel_and_coordinate_methods():
    img, ic = _image(), _collection()
    assert type(img.value_at(1.0, 2)) is Dict[Str, Float]
    assert type(ic.value_at(1.0, 2)) is List[Dict[Str, Float]]
    name, args, _ = _call(img.value_at(1.0, 2))
    assert (name, args[1:]) == ("wf.value_at", [1.0, 2])
    assert type(ic.coords_to_index(1.0, 2.0)) is Tuple[Int, Int]
    assert type(img.index_to_coords(1, 2)) is Tuple[Float, Float]
    assert _call(img.index_to_coords(1, 2))[0] == "wf.index_to_coords"
    with pytest.raises(ProxyTypeError, match="row"):
        img.index_to_coords(1.5, 2)
    with pytest.raises(ProxyTypeError, match="x"):
        img.value_at("east", 2)
