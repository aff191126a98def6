"""Band and metadata methods computed on the imagery fixture, against numpy.ma on ``imagery.data``."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute.errors import ComputeError
from gpucompute.types.containers import List
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.string import Str


def _check(result, expected):
    """``result.ndarray`` equals the numpy.ma ``expected`` in values and masks."""
    got = result.ndarray
    assert got.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(expected))
    np.testing.assert_allclose(got.filled(0), expected.filled(0), rtol=1e-6)


def _idx(imagery, names):
    return [imagery.bands.index(n) for n in names]


def _col(imagery, **kwargs):
    return ImageCollection.from_id(imagery.product_id, **kwargs)


def _img(imagery, k=0):
    return Image.from_id(imagery.image_ids[k])


def _record_reads(monkeypatch):
    from gpucompute.execution import _pixel_inputs

    calls = []
    real = _pixel_inputs.read_host
    monkeypatch.setattr(_pixel_inputs, "read_host", lambda spec: calls.append(spec.bands) or real(spec))
    return calls


def test_pick_bands_on_a_collection(imagery, backend):
    result = _col(imagery).pick_bands("nir red red green red").compute(imagery.geoctx)
    assert list(result.bandinfo) == ["nir", "red", "red_1", "green", "red_2"]
    assert result.bandinfo["red_1"]["name"] == "red_1" and result.bandinfo["nir"]["name"] == "nir"
    assert result.bandinfo["red_2"]["id"] == result.bandinfo["red"]["id"]
    _check(result, imagery.data[:, _idx(imagery, ["nir", "red", "red", "green", "red"])])
    assert [p["id"] for p in result.properties] == imagery.image_ids


def test_pick_bands_on_an_image_with_proxy_names(imagery, backend):
    img = _img(imagery, 2)
    _check(img.pick_bands(["blue", Str("nir")]).compute(imagery.geoctx),
           imagery.data[2][_idx(imagery, ["blue", "nir"])])
    listed = img.pick_bands(List[Str](["green", "red"])).compute(imagery.geoctx)
    assert list(listed.bandinfo) == ["green", "red"]
    _check(listed, imagery.data[2][_idx(imagery, ["green", "red"])])
    spaced = img.pick_bands(Str("nir green")).compute(imagery.geoctx)
    assert list(spaced.bandinfo) == ["nir", "green"]


def test_pick_bands_reads_only_the_picked_bands(imagery, backend, monkeypatch):
    calls = _record_reads(monkeypatch)
    result = _col(imagery).pick_bands("nir blue").compute(imagery.geoctx)
    assert calls == [("nir", "blue")]
    _check(result, imagery.data[:, _idx(imagery, ["nir", "blue"])])
    calls.clear()
    nested = _col(imagery).pick_bands("red green nir").pick_bands("nir").compute(imagery.geoctx)
    assert calls == [("nir",)]
    _check(nested, imagery.data[:, _idx(imagery, ["nir"])])


def test_pick_after_rename_reads_by_position(imagery, backend, monkeypatch):
    calls = _record_reads(monkeypatch)
    result = _col(imagery).rename_bands("a", "b", "c", "d").pick_bands("d b").compute(imagery.geoctx)
    assert calls == [("nir", "green")]
    assert list(result.bandinfo) == ["d", "b"] and result.bandinfo["d"]["name"] == "d"
    _check(result, imagery.data[:, _idx(imagery, ["nir", "green"])])


def test_pick_after_a_concat_op(imagery, backend):
    col = _col(imagery)
    both = col.pick_bands("red").concat_bands(_img(imagery, 1).pick_bands("nir blue"))
    result = both.pick_bands("blue red").compute(imagery.geoctx)
    expected = np.ma.concatenate([imagery.data[:, [0]], np.ma.stack([imagery.data[1][[3, 2]]] * 6)], axis=1)
    _check(result, expected[:, [2, 0]])


def test_allow_missing_and_missing_bands(imagery, backend):
    img = _img(imagery)
    kept = img.pick_bands(["red", "nonexistent"], allow_missing=True).compute(imagery.geoctx)
    assert list(kept.bandinfo) == ["red"]
    none_left = _col(imagery).pick_bands("x y", allow_missing=True).compute(imagery.geoctx)
    assert none_left.ndarray is None and none_left.bandinfo == {}
    with pytest.raises(ComputeError, match=r"nonexistent.*red.*green.*blue.*nir"):
        img.pick_bands("red nonexistent").compute(imagery.geoctx)


def test_empty_values_pass_through(imagery, backend):
    empty = _col(imagery).pick_bands("zzz", allow_missing=True)
    assert empty.pick_bands("red").compute(imagery.geoctx).ndarray is None
    assert empty.nbands.compute(imagery.geoctx) == 0
    assert empty.rename_bands("q").compute(imagery.geoctx).ndarray is None
    assert empty.with_properties(a=1).compute(imagery.geoctx).properties == []
    assert empty.with_bandinfo("red", a=1).compute(imagery.geoctx).bandinfo == {}
    assert empty.map_bands(lambda name, band: name).compute(imagery.geoctx) == {}
    assert _col(imagery).concat_bands(empty).compute(imagery.geoctx).ndarray is None
    assert empty.concat_bands(_img(imagery)).compute(imagery.geoctx).ndarray is None


def test_nbands_and_unpack_bands(imagery, backend):
    assert _col(imagery).nbands.compute(imagery.geoctx) == len(imagery.bands)
    assert _img(imagery).pick_bands("red red").nbands.compute(imagery.geoctx) == 2
    nir, red = _col(imagery).unpack_bands("nir red")
    _check(nir.compute(imagery.geoctx), imagery.data[:, [3]])
    _check(red.compute(imagery.geoctx), imagery.data[:, [0]])


def test_rename_bands(imagery, backend):
    img = _img(imagery, 3)
    renamed = img.rename_bands(red="r", nir="n").compute(imagery.geoctx)
    assert list(renamed.bandinfo) == ["r", "green", "blue", "n"]
    assert renamed.bandinfo["r"]["name"] == "r"
    _check(renamed, imagery.data[3])
    positional = img.pick_bands("blue nir").rename_bands("x", "y").compute(imagery.geoctx)
    assert list(positional.bandinfo) == ["x", "y"]
    _check(positional, imagery.data[3][[2, 3]])


@pytest.mark.parametrize("build, match", [
    (lambda src: src.rename_bands("a", "b"), r"2 name.*4 band"),
    (lambda src: src.rename_bands(cirrus="c"), r"cirrus.*red"),
    (lambda src: src.rename_bands(red="green"), "unique"),
])
def test_rename_bands_errors_at_compute_time(imagery, backend, build, match):
    for src in (_img(imagery), _col(imagery)):
        with pytest.raises(ComputeError, match=match):
            build(src).compute(imagery.geoctx)


def test_map_bands_to_a_dict(imagery, backend):
    names = _col(imagery).map_bands(lambda name, band: name).compute(imagery.geoctx)
    assert names == {b: b for b in imagery.bands}
    counts = _img(imagery).pick_bands("red nir").map_bands(lambda name, band: band.nbands).compute(imagery.geoctx)
    assert counts == {"red": 1, "nir": 1}


def test_map_bands_to_imagery(imagery, backend):
    col = _col(imagery).pick_bands("green nir")
    doubled = col.map_bands(lambda name, band: band.concat_bands(band)).compute(imagery.geoctx)
    assert list(doubled.bandinfo) == ["green", "green_1", "nir", "nir_1"]
    _check(doubled, imagery.data[:, [1, 1, 3, 3]])
    img = _img(imagery, 4)
    renamed = img.map_bands(lambda name, band: band.rename_bands(name + "_new")).compute(imagery.geoctx)
    assert list(renamed.bandinfo) == [b + "_new" for b in imagery.bands]
    _check(renamed, imagery.data[4])
    with pytest.raises(ComputeError, match="unique"):
        img.map_bands(lambda name, band: band.rename_bands("same")).compute(imagery.geoctx)
    emptied = img.map_bands(lambda name, band: band.pick_bands("nope", allow_missing=True))
    assert emptied.compute(imagery.geoctx).ndarray is None
    to_image = col.map_bands(lambda name, band: img.pick_bands(name))  # a collection mapped to Images
    assert isinstance(to_image, Image)
    result = to_image.compute(imagery.geoctx)
    assert list(result.bandinfo) == ["green", "nir"]
    _check(result, imagery.data[4][[1, 3]])


def test_concat_bands_images(imagery, backend):
    a, b = _img(imagery, 0).with_properties(shared=1), _img(imagery, 5).with_properties(shared=1)
    result = a.pick_bands("red nir").concat_bands(b.pick_bands("nir blue")).compute(imagery.geoctx)
    assert list(result.bandinfo) == ["red", "nir", "nir_1", "blue"]
    assert result.bandinfo["nir_1"]["name"] == "nir_1"
    _check(result, np.ma.concatenate([imagery.data[0][[0, 3]], imagery.data[5][[3, 2]]]))
    assert result.properties["shared"] == 1 and result.properties["product"] == imagery.product_id
    assert "id" not in result.properties  # different values: dropped by the intersection


def test_concat_bands_collection_with_image_broadcasts(imagery, backend):
    col, img = _col(imagery).pick_bands("green"), _img(imagery, 2).pick_bands("red")
    result = col.concat_bands(img).compute(imagery.geoctx)
    expected = np.ma.concatenate([imagery.data[:, [1]], np.ma.stack([imagery.data[2][[0]]] * 6)], axis=1)
    _check(result, expected)
    assert len(result.properties) == 6
    assert [("id" in p) for p in result.properties] == [i == 2 for i in range(6)]


def test_concat_bands_collections(imagery, backend, monkeypatch):
    first = _col(imagery, limit=3).pick_bands("red")
    last = _col(imagery, start_datetime=imagery.dates[3].isoformat()).pick_bands("nir")
    result = first.concat_bands(last).compute(imagery.geoctx)
    _check(result, np.ma.concatenate([imagery.data[:3, [0]], imagery.data[3:, [3]]], axis=1))
    assert all("id" not in p and p["product"] == imagery.product_id for p in result.properties)
    calls = _record_reads(monkeypatch)
    same = _col(imagery).pick_bands("blue").concat_bands(_col(imagery).pick_bands("red blue")).compute(imagery.geoctx)
    assert calls == [("blue", "red")]  # two reads of the same images are one
    assert list(same.bandinfo) == ["blue", "red", "blue_1"]
    _check(same, imagery.data[:, [2, 0, 2]])
    assert [p["id"] for p in same.properties] == imagery.image_ids
    with pytest.raises(ComputeError, match="same length"):
        first.concat_bands(_col(imagery)).compute(imagery.geoctx)


def test_properties_on_images_and_collections(imagery, backend):
    img = _img(imagery, 1)
    result = img.with_properties(foo="baz", copied=img.properties["id"], index=-1).without_properties(
        "cloud_fraction", "not_there").compute(imagery.geoctx)
    assert result.properties["foo"] == "baz" and result.properties["copied"] == imagery.image_ids[1]
    assert result.properties["index"] == -1 and "cloud_fraction" not in result.properties
    assert result.properties["parity"] == imagery.extra[1]["parity"]
    _check(result, imagery.data[1])
    col = _col(imagery).with_properties(tag=[1, 2]).without_properties("parity").compute(imagery.geoctx)
    assert all(p["tag"] == [1, 2] and "parity" not in p for p in col.properties)
    assert [p["index"] for p in col.properties] == [e["index"] for e in imagery.extra]


def test_bandinfo_edits(imagery, backend):
    for src in (_img(imagery), _col(imagery)):
        result = src.with_bandinfo("nir", foo="bar", data_range=(0, 2)).without_bandinfo(
            "red", "id", "missing").compute(imagery.geoctx)
        assert result.bandinfo["nir"]["foo"] == "bar" and tuple(result.bandinfo["nir"]["data_range"]) == (0, 2)
        assert "id" not in result.bandinfo["red"] and "id" in result.bandinfo["green"]
        assert "foo" not in result.bandinfo["green"]
        with pytest.raises(ComputeError, match=r"'cirrus'.*red"):
            src.with_bandinfo("cirrus", foo=1).compute(imagery.geoctx)
        with pytest.raises(ComputeError, match="cirrus"):
            src.without_bandinfo("cirrus", "id").compute(imagery.geoctx)
