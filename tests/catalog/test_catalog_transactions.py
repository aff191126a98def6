"""Atomicity and concurrency: failed writes leave nothing, a killed upload leaves no image, threads share the store."""

from __future__ import annotations

import os
import pickle
import select
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from gpucompute.catalog import DocumentState, Image, ImageUpload, Product, SpectralBand, connect
from gpucompute.catalog import image as image_module
from gpucompute.catalog import properties as p
from gpucompute.catalog._object import CatalogObject

REPO = Path(__file__).resolve().parents[2]


def _files_under(path):
    return sorted(str(Path(d) / f) for d, _, files in os.walk(path) for f in files)


def _dump(catalog):
    conn = catalog.connection()
    tables = ["products", "bands", "images", "images_rtree", "image_uploads", "blobs", "pending_files"]
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}


def test_failed_save_leaves_database_unchanged(catalog, monkeypatch):
    product = Product(id="p", name="before")
    product.save()
    snapshot = _dump(catalog)

    def boom(self, conn, pk):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(CatalogObject, "_write_index", boom)
    product.name = "after"
    with pytest.raises(RuntimeError, match="disk on fire"):
        product.save()
    assert product.state is DocumentState.MODIFIED
    image = Image(product=product, name="i", geometry={"type": "Point", "coordinates": [1, 2]})
    with pytest.raises(RuntimeError):
        image.save()
    assert image.state is DocumentState.UNSAVED and image.created is None
    assert _dump(catalog) == snapshot
    monkeypatch.undo()
    product.save()
    assert Product.get(product.id).name == "after"


def test_failed_cascade_delete_keeps_everything(catalog, make_product, write_tif, monkeypatch):
    product = make_product()
    image = Image(product=product, name="img")
    image.upload(write_tif("a.tif", np.zeros((1, 4, 4), "uint16")))
    snapshot, files = _dump(catalog), _files_under(catalog.data_dir)
    original = image_module.delete_image_rows

    def half_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("interrupted")

    monkeypatch.setattr(image_module, "delete_image_rows", half_then_fail)
    with pytest.raises(RuntimeError, match="interrupted"):
        product.delete(cascade=True)
    assert _dump(catalog) == snapshot and _files_under(catalog.data_dir) == files
    monkeypatch.undo()
    product.delete(cascade=True)
    assert _files_under(catalog.data_dir) == [] and _dump(catalog)["images_rtree"] == []


def test_failure_while_recording_an_upload_leaves_nothing(catalog, make_product, write_tif, monkeypatch):
    product = make_product()
    path = write_tif("a.tif", np.zeros((1, 4, 4), "uint16"))
    snapshot = _dump(catalog)

    def fail(self, conn):
        raise RuntimeError("crash while recording")

    monkeypatch.setattr(ImageUpload, "_write_row", fail)
    image = Image(product=product, name="img", cloud_fraction=0.3)
    with pytest.raises(RuntimeError, match="recording"):
        image.upload(path)
    assert _dump(catalog) == snapshot and _files_under(catalog.data_dir) == []
    assert image.state is DocumentState.UNSAVED and image.geotrans is None and image.cloud_fraction == 0.3
    monkeypatch.undo()
    assert image.upload(path).status == "success"


CHILD = textwrap.dedent(
    """
    import sys, time
    from gpucompute.catalog import Image, Product, connect, image_upload

    def hook(done, total):
        if done < total:
            print("MIDWAY", flush=True)
            time.sleep(120)

    connect(sys.argv[1])
    image_upload.progress_hook = hook
    Image(product=Product.get("local:prod"), name="killed").upload(sys.argv[2])
    print("FINISHED", flush=True)
    """
)


def test_killed_upload_leaves_catalog_readable_and_without_the_image(catalog, make_product, write_tif, tmp_path):
    product = make_product()
    big = write_tif("big.tif", np.arange(1200 * 1000, dtype="uint16").reshape(1, 1200, 1000))  # > 2 chunks
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, str(script), str(catalog.home), str(big)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the child never reached the middle of the upload"
        assert proc.stdout.readline().strip() == "MIDWAY"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    image_id = f"{product.id}:killed"
    assert Image.get(image_id) is None and product.images().count() == 0
    assert ImageUpload.search().count() == 0
    leftovers = _files_under(catalog.data_dir)
    assert leftovers and all(f.endswith(".part") for f in leftovers)  # the partial copy, referenced by no row
    assert catalog.query("SELECT COUNT(*) FROM pending_files")[0][0] == 1
    reopened = connect(catalog.home)  # opening cleans up after dead writers
    assert _files_under(reopened.data_dir) == []
    assert reopened.query("SELECT COUNT(*) FROM pending_files")[0][0] == 0
    assert Image(product=product, name="killed").upload(big).status == "success"
    assert reopened.clean_orphans() == 0


def test_orphans_of_live_writers_are_kept(catalog):
    folder = catalog.data_dir / "in-progress"
    token = catalog.begin_files([folder])
    folder.mkdir()
    (folder / "x.part").write_bytes(b"...")
    assert catalog.clean_orphans() == 0 and folder.exists()  # this process is alive
    catalog.abandon_files(token)
    assert not folder.exists()


def test_readers_run_while_a_writer_writes(catalog):
    n_writes, errors, seen = 60, [], {i: [] for i in range(3)}
    done = threading.Event()

    def writer():
        try:
            for i in range(n_writes):
                Product(id=f"p{i:03d}", name=f"P{i}", tags=["even" if i % 2 == 0 else "odd"]).save()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    def reader(k):
        try:
            while not done.is_set():
                count = Product.search().count()
                listed = list(Product.search().filter(p.tags == "even"))
                assert all("even" in x.tags for x in listed)
                seen[k].append(count)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert Product.search().count() == n_writes
    for counts in seen.values():
        assert counts == sorted(counts)  # each reader sees a growing catalog, never a partial state


def test_concurrent_writers(catalog):
    errors = []

    def write(prefix):
        try:
            for i in range(20):
                Product(id=f"{prefix}{i}", name="x").save()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and Product.search().count() == 60


def test_objects_pickle_and_copy(catalog, tmp_path):
    import copy

    product = Product(id="p", name="P", tags=["x"])
    product.save()
    band = SpectralBand(name="b", product=product, data_type="Byte", band_index=0)
    band.save()
    for obj in (product, band):
        clone = pickle.loads(pickle.dumps(obj))
        assert clone == obj and clone.state is DocumentState.SAVED
        assert copy.deepcopy(obj) == obj and copy.copy(obj) == obj
    shallow = copy.copy(product)
    shallow.tags.append("only in the copy")
    assert product.tags == ["x"] and shallow.state is DocumentState.MODIFIED
    other = connect(tmp_path / "elsewhere")
    there = Product(id="q", name="Q", client=other)
    there.save()
    clone = pickle.loads(pickle.dumps(there))
    assert clone.client.home == other.home and Product.exists("local:q", client=clone.client)
