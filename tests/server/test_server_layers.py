"""The layer registry's Python API: checks at registration, ids and versions, updates."""

from __future__ import annotations

import pytest

import gpucompute as wf
from gpucompute import dc
from gpucompute.errors import (
    ConflictError,
    NotFoundError,
    ParameterError,
    ProxyTypeError,
)
from gpucompute.server.layers import REDUCTIONS, Layer, LayerRegistry, registry


@pytest.fixture
def reg():
    return LayerRegistry()


@pytest.fixture
def collection(imagery):
    return wf.ImageCollection.from_id(imagery.product_id, start_datetime="2023-01-01", end_datetime="2024-01-01")


def test_register_returns_layer_with_tile_path(reg, collection):
    layer = reg.register(collection.pick_bands("red green blue"), "rgb", scales=[0, 0.5])
    assert isinstance(layer, Layer)
    assert layer.tile_path() == f"/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.png?v={layer.version}"
    assert layer.scales == [[0.0, 0.5]] and layer.checkerboard is True and layer.reduction == "mosaic"
    assert reg.get(layer.id) is layer and reg.layers() == [layer]
    assert layer.type_name == "ImageCollection"


def test_process_registry_is_one_object():
    assert registry() is registry()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_every_reduction_of_a_collection_and_stack(reg, imagery, collection, reduction):
    reg.register(collection.pick_bands("nir"), "wf", reduction=reduction)
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "nir", "2023-01-01", "2024-01-01")
    assert reg.register(stack, "dc", reduction=reduction).type_name == "ImageStack"


def test_dc_mosaic_and_image(reg, imagery, collection):
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red green blue", "2023-01-01", "2024-01-01")
    assert reg.register(mosaic, "m").type_name == "Mosaic"
    assert reg.register(collection.mosaic(), "i").type_name == "Image"


@pytest.mark.parametrize("obj", [wf.Int(1), wf.Float(2.0), 3, "red"])
def test_non_imagery_is_refused(reg, obj):
    with pytest.raises(ProxyTypeError, match="imagery"):
        reg.register(obj, "x")
    assert reg.layers() == []


@pytest.mark.parametrize("options, bad", [
    ({"scales": [0]}, "[0]"),
    ({"scales": [[0, 1]] * 4}, "[[0, 1]"),
    ({"scales": [0, "x"]}, "'x'"),
    ({"colormap": "not-a-map"}, "'not-a-map'"),
    ({"colormap": 3}, "3"),
    ({"reduction": "mode"}, "'mode'"),
    ({"checkerboard": "yes"}, "'yes'"),
])
def test_bad_options_name_the_value(reg, collection, options, bad):
    with pytest.raises(ProxyTypeError) as info:
        reg.register(collection.pick_bands("red"), "x", **options)
    assert bad in str(info.value)
    assert reg.layers() == []


def test_bad_name(reg, collection):
    with pytest.raises(ProxyTypeError, match="name"):
        reg.register(collection, "  ")


def _gained(collection):
    gain = wf.parameter("gain", wf.Float)
    return collection.pick_bands("red green blue") * gain


def test_parameters_are_checked_at_registration(reg, collection):
    obj = _gained(collection)
    with pytest.raises(ParameterError, match="'gain'"):
        reg.register(obj, "p")
    with pytest.raises(ParameterError, match="'gain'"):
        reg.register(obj, "p", parameters={"gain": "a lot"})
    with pytest.raises(ParameterError, match="'other'"):
        reg.register(obj, "p", parameters={"gain": 1.0, "other": 2})
    with pytest.raises(ParameterError, match="dict"):
        reg.register(obj, "p", parameters=[1.0])
    assert reg.register(obj, "p", parameters={"gain": 2}).parameters == {"gain": 2}


def test_same_name_replaces_with_same_id_and_new_version(reg, collection):
    first = reg.register(collection.pick_bands("red"), "layer")
    second = reg.register(collection.pick_bands("green"), "layer")
    assert second.id == first.id and second.version != first.version
    assert reg.layers() == [second]
    other = reg.register(collection.pick_bands("red"), "another")
    assert other.id != first.id and other.version == first.version  # same content, same version


def test_update_makes_new_versions_and_returns_to_old_ones(reg, collection):
    layer = reg.register(_gained(collection), "p", parameters={"gain": 1.0}, scales=[0, 1])
    changed = reg.update(layer.id, parameters={"gain": 2.0})
    assert changed.id == layer.id and changed.version != layer.version and changed.parameters == {"gain": 2.0}
    rescaled = reg.update(layer.id, scales=[[0, 1], [0, 2], [0, 3]])
    assert rescaled.version not in (layer.version, changed.version) and rescaled.parameters == {"gain": 2.0}
    back = reg.update(layer.id, parameters={"gain": 1.0}, scales=[0, 1])
    assert back.version == layer.version
    assert reg.get(layer.id) is back
    for option, value in (("colormap", "viridis"), ("checkerboard", False), ("reduction", "max")):
        assert reg.update(layer.id, **{option: value}).version != back.version


def test_update_obj_drops_parameters_it_does_not_take(reg, collection):
    layer = reg.register(_gained(collection), "p", parameters={"gain": 1.0})
    plain = reg.update(layer.id, obj=collection.pick_bands("red"))
    assert plain.parameters == {} and plain.id == layer.id


def test_bad_update_leaves_layer_unchanged(reg, collection):
    layer = reg.register(_gained(collection), "p", parameters={"gain": 1.0})
    with pytest.raises(ParameterError, match="'gain'"):
        reg.update(layer.id, parameters={"gain": "x"})
    with pytest.raises(ProxyTypeError, match="'mode'"):
        reg.update(layer.id, reduction="mode")
    with pytest.raises(ProxyTypeError, match="'bogus'"):
        reg.update(layer.id, bogus=1)
    assert reg.get(layer.id) is layer


def test_rename_clash(reg, collection):
    a = reg.register(collection.pick_bands("red"), "a")
    reg.register(collection.pick_bands("red"), "b")
    with pytest.raises(ConflictError, match="'b'"):
        reg.update(a.id, name="b")


def test_unknown_ids(reg):
    for call in (lambda: reg.get("nope"), lambda: reg.update("nope", scales=[0, 1]), lambda: reg.remove("nope")):
        with pytest.raises(NotFoundError, match="'nope'"):
            call()


def test_remove_and_clear(reg, collection):
    a = reg.register(collection.pick_bands("red"), "a")
    b = reg.register(collection.pick_bands("green"), "b")
    reg.remove(a.id)
    assert reg.layers() == [b]
    reg.clear()
    assert reg.layers() == [] and len(reg) == 0


def test_ids_stay_unique_across_renames(reg, collection):
    a = reg.register(collection.pick_bands("red"), "a")
    renamed = reg.update(a.id, name="c")
    assert renamed.id == a.id and renamed.name == "c"
    again_c = reg.register(collection.pick_bands("green"), "c")  # replaces the renamed layer
    assert again_c.id == a.id and len(reg) == 1
    new_a = reg.register(collection.pick_bands("blue"), "a")  # "a"'s usual id is taken: a fresh one
    assert new_a.id != a.id and {layer.name for layer in reg.layers()} == {"a", "c"}


def test_layers_compare_by_id_name_and_version(reg, collection):
    gain = wf.parameter("gain", wf.Float)
    one = reg.register(collection.pick_bands("red") * gain, "x", parameters={"gain": 1.0})
    other = LayerRegistry().register(collection.pick_bands("red") * gain, "x", parameters={"gain": 1.0})
    assert one == other and hash(one) == hash(other) and one is not other
    assert one != reg.update(one.id, parameters={"gain": 2.0})
