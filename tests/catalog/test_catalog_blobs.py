"""Blobs: upload, ids and namespaces, download and iteration, verification, deletion, search and summaries."""

from __future__ import annotations

import hashlib
import io
import json
import os

import pytest
import shapely

from gpucompute.catalog import Blob, DocumentState, StorageType, TaskState
from gpucompute.catalog import properties as p
from gpucompute.errors import CatalogValueError, ConflictError, NotFoundError, PermissionDeniedError


def _blob_files(catalog):
    return sorted(f for _, _, files in os.walk(catalog.blobs_dir) for f in files)


def test_upload_data_default_namespace(catalog):
    blob = Blob(name="secrets").upload_data(json.dumps({"key": "some-key", "secret": "some-secret"}))
    assert blob.id == f"data/local:{catalog.user}/secrets"
    assert blob.namespace == f"local:{catalog.user}" and blob.storage_type == StorageType.DATA
    assert blob.state is DocumentState.SAVED and "Blob: secrets" in repr(blob)
    assert json.loads(Blob.get(name="secrets").data().decode()) == {"key": "some-key", "secret": "some-secret"}
    assert Blob.get(blob.id).size_bytes == len(json.dumps({"key": "some-key", "secret": "some-secret"}))


def test_upload_file_with_namespace_and_attributes(catalog, tmp_path, rng):
    payload = rng.integers(0, 256, 3 * (1 << 20) + 17, dtype="uint8").tobytes()
    path = tmp_path / "file.bin"
    path.write_bytes(payload)
    aoi = shapely.box(1, 2, 3, 4)
    blob = Blob(namespace="myproject", name="some/name", geometry=aoi, tags=["important-data"])
    assert blob.upload(str(path)) is blob
    assert blob.id == "data/local:myproject/some/name"
    got = Blob.get("data/local:myproject/some/name")
    assert got.hash == hashlib.md5(payload).hexdigest() and got.size_bytes == len(payload)
    assert got.geometry.equals(aoi) and got.tags == ["important-data"]
    assert got.data() == payload
    chunks = list(got.iter_data(chunk_size=1 << 20))
    assert [len(c) for c in chunks] == [1 << 20] * 3 + [17] and b"".join(chunks) == payload
    out = tmp_path / "out.bin"
    assert got.download(out) == str(out) and out.read_bytes() == payload
    sink = io.BytesIO()
    got.download(sink)
    assert sink.getvalue() == payload
    with open(path, "rb") as f:
        assert Blob(name="from-file-object").upload(f).data() == payload


def test_iter_lines(catalog):
    text = "first line\nsecond\r\nthird é\n"
    blob = Blob(name="lines").upload_data(text)
    assert list(blob.iter_lines(decode_unicode=True)) == text.splitlines()
    assert list(blob.iter_lines()) == [line.encode() for line in text.splitlines()]
    assert list(Blob(name="csv").upload_data(b"a;b;c").iter_lines(delimiter=";")) == [b"a", b"b", b"c"]


def test_size_and_hash_verification(catalog):
    data = json.dumps({"some_key": "some_value"}).encode()
    good = Blob(namespace="myproject", name="mydata", size_bytes=len(data), hash=hashlib.md5(data).hexdigest())
    good.upload_data(data)
    assert Blob.exists("data/local:myproject/mydata")
    before = _blob_files(catalog)
    for kwargs in ({"size_bytes": len(data) + 1}, {"hash": "0" * 32}):
        bad = Blob(namespace="myproject", name="bad", **kwargs)
        with pytest.raises(CatalogValueError, match="nothing was stored"):
            bad.upload_data(data)
        assert bad.state is DocumentState.UNSAVED
    assert not Blob.exists("data/local:myproject/bad")
    assert _blob_files(catalog) == before
    assert catalog.query("SELECT COUNT(*) FROM pending_files")[0][0] == 0


def test_failing_source_leaves_nothing(catalog):
    class Broken(io.RawIOBase):
        def __init__(self):
            self.calls = 0

        def read(self, n=-1):
            self.calls += 1
            if self.calls > 2:
                raise OSError("network went away")
            return b"x" * 1000

    with pytest.raises(OSError, match="network"):
        Blob(name="broken").upload_data(Broken())
    assert Blob.search().count() == 0 and _blob_files(catalog) == []


def test_conflict_and_reupload(catalog):
    Blob(name="k").upload_data("one")
    with pytest.raises(ConflictError, match="data/local:"):
        Blob(name="k").upload_data("two")
    existing = Blob.get(name="k")
    existing.upload_data("three")  # a stored blob may replace its own data
    assert Blob.get(name="k").data() == b"three" and len(_blob_files(catalog)) == 1


def test_metadata_update_and_save_rules(catalog):
    with pytest.raises(CatalogValueError, match="upload"):
        Blob(name="nodata").save()
    blob = Blob(name="meta").upload_data("x")
    blob.description = "described"
    blob.tags = ["projectA"]
    blob.save()
    assert Blob.get(blob.id).description == "described"
    with pytest.raises(CatalogValueError, match="cannot change"):
        blob.name = "renamed"


def test_read_only_storage_types(catalog):
    logs = Blob(name="job.log", storage_type="logs")
    with pytest.raises(PermissionDeniedError, match="read only"):
        logs.upload_data("log text")
    logs._store(io.BytesIO(b"log text"), allow_readonly=True)  # as the platform would
    stored = Blob.get(name="job.log", storage_type="logs")
    assert stored.data() == b"log text"
    stored.description = "x"
    with pytest.raises(PermissionDeniedError):
        stored.save()
    with pytest.raises(PermissionDeniedError):
        stored.delete()
    with pytest.raises(PermissionDeniedError):
        Blob.delete_many([stored.id])
    assert Blob.exists(stored.id)
    Blob(name="graph", storage_type="dyncomp").upload_data("{}")  # dynamic compute blobs are writable


def test_delete_forms(catalog):
    ids = [Blob(name=f"b{i}").upload_data(str(i)).id for i in range(5)]
    status = Blob.get(ids[0]).delete()
    status.wait_for_completion()
    assert status.status == TaskState.SUCCEEDED and not Blob.exists(ids[0])
    Blob.delete(ids[1]).wait_for_completion()
    assert not Blob.exists(ids[1])
    with pytest.raises(NotFoundError, match="b1"):
        Blob.delete(ids[1])
    with pytest.raises(NotFoundError, match="nope"):
        Blob.delete_many([ids[2], "data/x/nope"], raise_on_missing=True)
    assert Blob.exists(ids[2])
    assert Blob.delete_many([ids[2], ids[3], "data/x/nope"], wait_for_completion=True) == [ids[2], ids[3]]
    assert [b.id for b in Blob.search()] == [ids[4]]
    assert len(_blob_files(catalog)) == 1
    # delete, then create again with the same id
    blob = Blob.get(ids[4])
    blob.delete().wait_for_completion()
    again = Blob(storage_type="data", namespace=f"local:{catalog.user}", name="b4").upload_data("some new data")
    assert again.id == ids[4] and Blob.get(ids[4]).data() == b"some new data"


def test_search_filters_prefix_and_summary(catalog, rng):
    made = []
    for i in range(30):
        ns = ["descarteslabs", "other"][i % 2]
        tags = sorted(set(rng.choice(["projectA", "projectB", "x"], int(rng.integers(0, 3))).tolist()))
        x = float(rng.uniform(-10, 10))
        size = int(rng.integers(0, 2000))
        Blob(namespace=ns, name=f"dir{i % 3}/item{i}", tags=tags, geometry=shapely.box(x, 0, x + 1, 1)).upload_data(
            b"z" * size)
        made.append({"ns": f"local:{ns}", "name": f"dir{i % 3}/item{i}", "tags": tags, "x": x, "size": size})
    search = Blob.search().filter(p.namespace == "local:descarteslabs")
    assert search.count() == sum(m["ns"] == "local:descarteslabs" for m in made)
    assert Blob.search().namespace("descarteslabs").count() == search.count()
    tagged = search.filter(p.tags.any_of(["projectA"]))
    assert sorted(b.name for b in tagged) == sorted(
        m["name"] for m in made if m["ns"] == "local:descarteslabs" and "projectA" in m["tags"])
    assert sorted(b.name for b in Blob.search().prefix("dir1/")) == sorted(
        m["name"] for m in made if m["name"].startswith("dir1/"))
    area = shapely.box(-2, 0.2, 2, 0.4)
    assert sorted(b.name for b in Blob.search().intersects(area)) == sorted(
        m["name"] for m in made if shapely.box(m["x"], 0, m["x"] + 1, 1).intersects(area))
    summary = search.summary()
    assert summary.count == search.count()
    assert summary.bytes == sum(m["size"] for m in made if m["ns"] == "local:descarteslabs")
    assert summary.namespaces == ["local:descarteslabs"]
    assert repr(summary).startswith(f"Summary for {summary.count} blobs:")
    (bucket,) = search.summary_interval(interval="month")
    assert bucket.count == summary.count and bucket.bytes == summary.bytes
    collection = Blob.search().collect()
    assert type(collection).__name__ == "BlobCollection" and len(collection) == 30


def test_get_errors(catalog):
    assert Blob.get(name="missing") is None
    with pytest.raises(NotFoundError, match="missing"):
        Blob.get(name="missing", raise_on_missing=True)
    with pytest.raises(CatalogValueError):
        Blob.get()
    with pytest.raises(CatalogValueError, match="namespace"):
        Blob(name="x", namespace="a/b")
    with pytest.raises(NotFoundError, match="no stored data"):
        Blob(name="never").data()
