"""Publishing proxies as versioned workflows and using them again: values equal the original's."""

from __future__ import annotations

import json

import numpy as np
import pytest

import gpucompute as wf
from gpucompute.errors import ConflictError, GraftError, NotFoundError, ProxyTypeError
from gpucompute.models import VersionedGraft, VizOption, Workflow, _store, publish, use


@pytest.fixture
def pub(imagery):
    """The imagery product's catalog, with every workflow removed again after the test."""
    yield imagery
    from gpucompute.catalog.blob import Blob

    Blob.delete_many([b.id for b in _store.list_blobs()])


def _ndvi(img: wf.Image) -> wf.Image:
    nir, red = img.unpack_bands("nir red")
    return (nir - red) / (nir + red)


def _assert_same(a, b):
    np.testing.assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
    np.testing.assert_array_equal(np.ma.filled(a, 0), np.ma.filled(b, 0))


def test_function_round_trip_decorator(pub):
    @publish("me@example.com:ndvi", "1.0.0", title="NDVI", docstring="NDVI of an image")
    def ndvi(img: wf.Image) -> wf.Image:
        return _ndvi(img)

    assert isinstance(ndvi, wf.Function)
    img = wf.Image.from_id(pub.image_ids[1])
    used = use("me@example.com:ndvi", "1.0.0")
    assert isinstance(used, wf.Function) and type(used) is type(ndvi)
    got = used(img).compute(pub.geoctx).ndarray
    _assert_same(got, ndvi(img).compute(pub.geoctx).ndarray)
    # oracle: numpy.ma on the fixture's values
    d = pub.data[1]
    nir, red = d[pub.bands.index("nir")], d[pub.bands.index("red")]
    np.testing.assert_allclose(got[0], (nir - red) / (nir + red), rtol=1e-5)
    # the function applies to collections too, and composes further
    ic = wf.ImageCollection.from_id(pub.product_id)
    composite = used(ic.mean(axis="images")) * 2
    _assert_same(composite.compute(pub.geoctx).ndarray, (_ndvi(ic.mean(axis="images")) * 2).compute(pub.geoctx).ndarray)
    version = VersionedGraft.get("me@example.com:ndvi", "1.0.0")
    assert version.docstring == "NDVI of an image" and version.type is type(ndvi)
    assert [p._param_name for p in version.params] == ["img"] and version.created is not None


def test_image_and_collection_round_trip(pub):
    ic = wf.ImageCollection.from_id(pub.product_id)
    objs = {"me:collection": ic.filter(lambda img: img.properties["cloud_fraction"] < 0.8) * 0.5,
            "me:image": ic.median(axis="images") + wf.Image.from_id(pub.image_ids[0])}
    for wid, obj in objs.items():
        workflow = publish(wid, "0.1.0", obj, title=wid, tags=["test"], labels={"kind": "demo"})
        assert isinstance(workflow, Workflow) and workflow.version_names == ["0.1.0"]
        got = use(wid, "0.1.0")
        assert type(got) is type(obj)
        _assert_same(got.compute(pub.geoctx).ndarray, obj.compute(pub.geoctx).ndarray)


def test_proxy_publish_method(pub):
    obj = wf.ImageCollection.from_id(pub.product_id).max(axis="images")
    workflow = obj.publish("me:max", "1.2.3", title="Max", docstring="per-pixel maximum")
    assert isinstance(workflow, Workflow) and workflow.title == "Max" and workflow.version_names == ["1.2.3"]
    assert VersionedGraft.get("me:max", "1.2.3").docstring == "per-pixel maximum"
    _assert_same(use("me:max", "1.2.3").compute(pub.geoctx).ndarray, obj.compute(pub.geoctx).ndarray)
    with pytest.raises(ConflictError):
        obj.publish("me:max", "1.2.3")


def test_parameters_become_a_function(pub):
    scale = wf.parameter("scale", wf.Float)
    img = wf.Image.from_id(pub.image_ids[2])
    publish("me:scaled", "1.0.0", img * scale)
    used = use("me:scaled", "1.0.0")
    assert isinstance(used, wf.Function)
    assert [p._param_name for p in VersionedGraft.get("me:scaled", "1.0.0").params] == ["scale"]
    _assert_same(used(3.0).compute(pub.geoctx).ndarray, (img * 3.0).compute(pub.geoctx).ndarray)


def test_plain_values_and_function_proxies(pub, rng):
    values = rng.normal(size=(3, 4))
    publish("me:array", "1.0.0", wf.Array(values) * 2)
    np.testing.assert_allclose(use("me:array", "1.0.0").compute(), values * 2, rtol=1e-6)
    inc = wf.Function[wf.Int, wf.Int](lambda x: x + 1)
    publish("me:inc", "2.0.0", inc)
    n = int(rng.integers(-50, 50))
    assert use("me:inc", "2.0.0")(n).compute() == n + 1
    from gpucompute.models import publish_proxy  # what Proxytype.publish delegates to

    assert publish_proxy(wf.Str("a") + "b", "me:str", "1.0.0", title="s").title == "s"
    assert use("me:str", "1.0.0").compute() == "ab"
    with pytest.raises(ProxyTypeError):
        publish("me:bad", "1.0.0", object())
    with pytest.raises(ProxyTypeError):
        publish("me:bad", "1.0.0", lambda x: x)  # no proxy type for the parameter
    with pytest.raises(NotFoundError):
        Workflow.get("me:bad")  # nothing was stored


def test_versions_list_search_delete(pub):
    order = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
             "1.2.0", "10.0.0"]
    rng = np.random.default_rng(0)
    for v in rng.permutation(order):
        publish("me:many", str(v), wf.Int(int(v.split(".")[0])), tags=["alpha"])
    workflow = Workflow.get("me:many")
    assert workflow.version_names == order
    assert workflow.get_version("1.2.0").object.compute() == 1
    publish("other@example.com:thing", "1.0.0", wf.Str("x"), tags=["beta"])
    assert [w.id for w in Workflow.search()] == ["me:many", "other@example.com:thing"]
    assert [w.id for w in Workflow.search(email="other")] == ["other@example.com:thing"]
    assert [w.id for w in Workflow.search(name="man")] == ["me:many"]
    assert [w.id for w in Workflow.search(tags=["beta"])] == ["other@example.com:thing"]
    Workflow.delete_id("me:many")
    with pytest.raises(NotFoundError):
        Workflow.get("me:many")
    with pytest.raises(NotFoundError):
        use("me:many", "1.0.0")
    Workflow.get("other@example.com:thing").delete()
    assert list(Workflow.search()) == []


def test_workflow_object_api(pub):
    workflow = Workflow("me:staged", title="T", description="D", labels={"a": 1}, tags=["x"])
    workflow.set_version("1.0.0", wf.Int(1), docstring="one", labels={"v": "1"},
                         viz_options=[VizOption("rgb", bands="red green blue", scales=[[0, 0.4]] * 3)])

    @workflow.set_version("1.1.0")
    def double(x: wf.Int) -> wf.Int:
        return x * 2

    with pytest.raises(NotFoundError):
        Workflow.get("me:staged")  # nothing stored before save()
    workflow.save()
    loaded = Workflow.get("me:staged")
    assert (loaded.title, loaded.description, loaded.labels, loaded.tags) == ("T", "D", {"a": 1}, ["x"])
    first = loaded.get_version("1.0.0")
    assert first.labels == {"v": "1"} and first.viz_options[0].bands == ["red", "green", "blue"]
    assert loaded.get_version("1.1.0").object(4).compute() == 8
    with pytest.raises(ConflictError, match="1.1.1"):
        loaded.set_version("1.1.0", wf.Int(3))
    with pytest.raises(NotFoundError, match="1.0.0"):
        loaded.get_version("3.0.0")
    loaded.update_version("1.0.0", docstring="uno")
    assert Workflow.get("me:staged").get_version("1.0.0").docstring == "uno"
    copy = loaded.duplicate("me:copy")
    with pytest.raises(NotFoundError):
        Workflow.get("me:copy")
    copy.save()
    assert Workflow.get("me:copy").version_names == ["1.0.0", "1.1.0"]
    assert use("me:copy", "1.1.0")(5).compute() == 10


def test_republish_is_refused_everywhere(pub):
    publish("me:fixed", "1.0.0", wf.Int(1))
    with pytest.raises(ConflictError, match="cannot change"):
        publish("me:fixed", "1.0.0", wf.Int(2))
    stale = Workflow("me:fixed")  # a fresh object that does not know the stored versions
    stale.set_version("1.0.0", wf.Int(3))
    with pytest.raises(ConflictError):
        stale.save()
    assert use("me:fixed", "1.0.0").compute() == 1
    publish("me:fixed", "1.0.1", wf.Int(2))
    assert Workflow.get("me:fixed").version_names == ["1.0.0", "1.0.1"]


def _edit_document(workflow_id, edit):
    blob, doc = _store.load(workflow_id)
    edit(doc)
    blob.upload_data(json.dumps(doc))


@pytest.mark.parametrize("edit", [
    lambda g: g.update({k: ["wf.no_such_builtin", *v[1:]] for k, v in g.items() if isinstance(v, list)}),
    lambda g: g.update({"99": ["__import__", "os"], "returns": "99"}),
], ids=["unknown-builtin", "python-name"])
def test_tampered_document_is_rejected(pub, edit, monkeypatch):
    publish("me:tamper", "1.0.0", wf.Int(2) + 3)
    _edit_document("me:tamper", lambda doc: edit(doc["versions"][0]["object"]["graft"]))
    from gpucompute.execution import program

    monkeypatch.setattr(program, "evaluate", lambda *a, **k: pytest.fail("a tampered graft was evaluated"))
    with pytest.raises(GraftError):
        use("me:tamper", "1.0.0")


def test_tampered_type_and_document(pub):
    publish("me:tamper2", "1.0.0", wf.Int(2))
    _edit_document("me:tamper2", lambda doc: doc["versions"][0]["object"].update(type={"type": "subprocess.Popen"}))
    with pytest.raises(GraftError, match="unknown proxy type"):
        use("me:tamper2", "1.0.0")
    blob, _ = _store.load("me:tamper2")
    blob.upload_data(b"\x80not json")
    with pytest.raises(GraftError):
        Workflow.get("me:tamper2")
