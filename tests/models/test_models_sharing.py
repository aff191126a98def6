"""Sharing workflows through the catalog's access lists, and publishing that fails leaving nothing behind."""

from __future__ import annotations

import pytest

import gpucompute as wf
from gpucompute.catalog import reset_catalog
from gpucompute.catalog._db import get_catalog
from gpucompute.errors import CatalogValueError, NotFoundError, PermissionDeniedError
from gpucompute.models import Workflow, publish, use


def _as(monkeypatch, login):
    monkeypatch.setattr(get_catalog(), "user", login)


def test_owner_reader_writer_rights(home, monkeypatch):
    _as(monkeypatch, "alice")
    workflow = publish("alice:shared", "1.0.0", wf.Int(7))
    assert workflow.owners == ["user:alice"] and workflow.readers == [] and workflow.writers == []
    workflow.add_reader("user:bob")
    workflow.add_writer(["user:carol"])
    assert workflow.list_readers() == ["user:bob"] and workflow.list_writers() == ["user:carol"]
    assert Workflow.get("alice:shared").readers == ["user:bob"]

    _as(monkeypatch, "mallory")  # nobody: cannot see, use, change or delete it
    for action in (lambda: Workflow.get("alice:shared"), lambda: use("alice:shared", "1.0.0"),
                   lambda: publish("alice:shared", "2.0.0", wf.Int(0)), lambda: Workflow.delete_id("alice:shared"),
                   lambda: workflow.add_reader("user:mallory")):
        with pytest.raises(PermissionDeniedError, match="mallory"):
            action()
    assert list(Workflow.search()) == []

    _as(monkeypatch, "bob")  # a reader
    assert use("alice:shared", "1.0.0").compute() == 7
    assert [w.id for w in Workflow.search()] == ["alice:shared"]
    with pytest.raises(PermissionDeniedError):
        publish("alice:shared", "1.1.0", wf.Int(8))
    with pytest.raises(PermissionDeniedError):
        Workflow.get("alice:shared").add_writer("user:bob")

    _as(monkeypatch, "carol")  # a writer: may add versions, not share or delete
    publish("alice:shared", "1.1.0", wf.Int(8))
    with pytest.raises(PermissionDeniedError):
        Workflow.delete_id("alice:shared")
    with pytest.raises(PermissionDeniedError):
        workflow.add_public_reader()

    _as(monkeypatch, "alice")
    assert Workflow.get("alice:shared").version_names == ["1.0.0", "1.1.0"]
    workflow.add_public_reader()
    workflow.remove_reader("user:bob")
    workflow.remove_writer("user:carol")
    _as(monkeypatch, "mallory")
    assert use("alice:shared", "1.1.0").compute() == 8  # public now
    _as(monkeypatch, "carol")
    with pytest.raises(PermissionDeniedError):
        publish("alice:shared", "1.2.0", wf.Int(9))

    _as(monkeypatch, "alice")
    workflow.add_owner("user:dave")
    workflow.remove_owner("user:alice")
    assert workflow.list_owners() == ["user:dave"]
    with pytest.raises(PermissionDeniedError):
        workflow.delete()
    _as(monkeypatch, "dave")
    with pytest.raises(CatalogValueError, match="owner"):
        workflow.remove_owner("user:dave")
    with pytest.raises(CatalogValueError):
        workflow.add_reader("bob")  # not a principal
    workflow.delete()
    with pytest.raises(NotFoundError):
        Workflow.get("alice:shared")


def _blob_files(home):
    return sorted(p for p in (home / "blobs").rglob("*") if p.is_file())


@pytest.mark.parametrize("where", ["copy", "row"])
def test_failed_publish_leaves_nothing(home, monkeypatch, where):
    from gpucompute.catalog import blob as blob_module

    publish("me:atomic", "1.0.0", wf.Int(1), title="first")
    files = _blob_files(home)

    def boom(*args, **kwargs):
        raise OSError("disk on fire")

    with pytest.MonkeyPatch.context() as patch:
        if where == "copy":
            patch.setattr(blob_module, "_copy_stream", boom)
        else:
            patch.setattr(blob_module.Blob, "_write_row", boom)
        with pytest.raises(OSError, match="disk on fire"):
            publish("me:atomic", "1.1.0", wf.Int(2), title="second")
        with pytest.raises(OSError):
            publish("me:fresh", "1.0.0", wf.Int(3))
    reset_catalog()
    with pytest.raises(NotFoundError):
        Workflow.get("me:fresh")
    kept = Workflow.get("me:atomic")
    assert kept.version_names == ["1.0.0"] and kept.title == "first"
    assert use("me:atomic", "1.0.0").compute() == 1
    assert _blob_files(home) == files  # no partial or orphan data files
    publish("me:atomic", "1.1.0", wf.Int(2))  # and publishing works again
    assert use("me:atomic", "1.1.0").compute() == 2
