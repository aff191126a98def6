"""Saved objects: proxies round-trip through dyncomp blobs as JSON; loading never runs code."""

from __future__ import annotations

import json

import numpy as np
import pytest

import gpucompute as wf
from gpucompute.errors import ConflictError, GraftError, NotFoundError, ProxyTypeError
from gpucompute.execution import saved


def _raw_blob(name, doc):
    from gpucompute.catalog.blob import Blob

    text = doc if isinstance(doc, str) else json.dumps(doc)
    return Blob(name=name, storage_type="dyncomp").upload_data(text).id


def test_round_trip_int_array_list(home, rng):
    values = rng.normal(size=(2, 3))
    p = wf.parameter("p", wf.Int)
    objs = {
        "int": (wf.Int(3) + 4) * 2,
        "array": wf.Array(values) * 2 + 1,
        "list": wf.List[wf.Int]([1, 2, p]),
    }
    ids = {name: saved.save_to_blob(obj, name, description=f"a {name}", extra_properties={"k": name})
           for name, obj in objs.items()}
    assert ids["int"].startswith("dyncomp/") and ids["int"].endswith("/int")
    n = int(rng.integers(0, 100))
    for name, obj in objs.items():
        for key in (ids[name], name):  # by id and by name
            loaded = saved.load_from_blob(key)
            assert type(loaded) is type(obj)
            args = {"p": n} if name == "list" else {}
            np.testing.assert_array_equal(loaded.compute(**args), obj.compute(**args))
    assert [p._param_name for p in saved.load_from_blob("list").params] == ["p"]
    loaded_list = saved.load_from_blob("list")
    assert (loaded_list + [7]).compute(p=n) == [1, 2, n, 7]  # the loaded proxy composes further


def test_print_share_delete(home, capsys):
    blob_id = saved.save_to_blob(wf.Float(1.5), "folder/f", description="half")
    with pytest.raises(ConflictError):
        saved.save_to_blob(wf.Float(2.5), "folder/f")
    listed = saved.print_blobs()
    assert [b.id for b in listed] == [blob_id] and "half" in capsys.readouterr().out
    blob = saved.share_blob(blob_id, "user:bob")
    saved.share_blob("folder/f", ["group:g", "user:bob"], as_writers=True)
    from gpucompute.catalog.blob import Blob

    stored = Blob.get(blob_id)
    assert stored.readers == ["user:bob"] and stored.writers == ["group:g", "user:bob"] and blob.id == blob_id
    assert stored.extra_properties == {} and stored.description == "half"
    saved.delete_blob(blob_id)
    assert saved.print_blobs() == []
    with pytest.raises(NotFoundError):
        saved.load_from_blob(blob_id)


def test_save_errors(home):
    with pytest.raises(ProxyTypeError, match="proxy"):
        saved.save_to_blob(3, "n")
    bad = wf.Float(float("nan")) + 1  # a NaN literal has no JSON form
    with pytest.raises(GraftError, match="cannot save"):
        saved.save_to_blob(bad, "bad")
    from gpucompute.catalog.blob import Blob

    assert Blob.get(name="bad", storage_type="dyncomp") is None


def _doc(graft=None, type_=None, params=()):
    return {"format": "gpucompute.saved/1", "type": type_ or {"type": "Int"}, "params": list(params),
            "graft": graft or {"1": 3, "returns": "1"}}


@pytest.mark.parametrize("doc", [
    _doc(type_={"type": "os.system"}),
    _doc(type_={"type": "Int", "extra": 1}),
    _doc(type_={"type": "List", "params": [{"type": "Nope"}]}),
    _doc(type_={"value": {"__class__": "x"}}),
    _doc(graft={"1": ["builtins.eval", "2"], "2": "print(1)", "returns": "1"}),
    _doc(graft={"returns": "missing"}),
    _doc(params=[{"name": "1bad", "type": {"type": "Int"}}]),
    _doc(params=[{"name": "p"}]),
    {**_doc(), "code": "import os"},
    {"format": "pickle", "type": {"type": "Int"}, "params": [], "graft": {}},
    "\x80\x04\x95 not json",
    '{"format": "gpucompute.saved/1", "type": {"type": "Float"}, "params": [], "graft": {"1": NaN, "returns": "1"}}',
])
def test_load_rejects_anything_odd(home, doc):
    _raw_blob("odd", doc)
    with pytest.raises(GraftError):
        saved.load_from_blob("odd")


def test_type_descriptors_round_trip():
    for tp in (wf.Int, wf.List[wf.Float], wf.Dict[wf.Str, wf.List[wf.Int]], wf.Tuple[wf.Int, wf.Str],
               wf.Array, wf.MaskedArray):
        desc = saved.encode_type(tp)
        assert json.loads(json.dumps(desc)) == desc and saved.decode_type(desc) is tp
    assert saved.decode_type({"list": [{"value": 1}, {"value": "a"}]}) == (1, "a")
    with pytest.raises(ProxyTypeError):
        saved.register_type(dict)


def test_dumps_loads_proxy_round_trip_keeps_functions_callable():
    from gpucompute.execution.saved import dumps_proxy, loads_proxy

    inc = wf.Function.from_callable(lambda x: x * 3 + 1, wf.Int)
    loaded = loads_proxy(dumps_proxy(inc))
    assert type(loaded) is type(inc)
    assert loaded(wf.Int(4)).compute() == inc(wf.Int(4)).compute() == 13
    value = wf.parameter("t", wf.Float) * 2
    again = loads_proxy(dumps_proxy(value))
    assert again.compute(t=1.5) == value.compute(t=1.5) == 3.0


def test_loads_proxy_rejects_text_that_is_not_a_saved_object():
    from gpucompute.execution.saved import loads_proxy

    for text in ("not json", '{"format": "other"}', b"\xff\xfe"):
        with pytest.raises(GraftError, match="saved object"):
            loads_proxy(text, source="the test document")


def test_a_reloaded_proxy_keeps_its_content_hash(imagery):
    from gpucompute.execution.saved import dumps_proxy, loads_proxy
    from gpucompute.graft import content_hash

    col = wf.ImageCollection.from_id(imagery.product_id)
    nir, red = col.unpack_bands("nir red")
    ndvi = ((nir - red) / (nir + red)).map(lambda img: img * wf.parameter("k", wf.Float))
    again = loads_proxy(dumps_proxy(ndvi))
    assert content_hash(again.graft) == content_hash(ndvi.graft)
    np.testing.assert_array_equal(again.compute(imagery.geoctx, k=2.0).ndarray.filled(-1),
                                  ndvi.compute(imagery.geoctx, k=2.0).ndarray.filled(-1))
    both = again + ndvi  # keys merged after loading do not clash
    np.testing.assert_allclose(both.compute(imagery.geoctx, k=1.0).ndarray.filled(-1),
                               (ndvi * 2).compute(imagery.geoctx, k=1.0).ndarray.filled(-1), rtol=1e-6)
