"""Workflows published in one process are used in another (JSON in the catalog, never pickle)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import gpucompute as wf
from gpucompute.models import Workflow, _store, publish, use


@pytest.fixture
def pub(imagery):
    yield imagery
    from gpucompute.catalog.blob import Blob

    Blob.delete_many([b.id for b in _store.list_blobs()])


def _run(code: str, **values) -> None:
    from gpucompute.config import get_backend

    env = dict(os.environ, GPUCOMPUTE_HOME=os.environ["GPUCOMPUTE_HOME"], GPUCOMPUTE_BACKEND=get_backend().name)
    script = f"import json\nVALUES = json.loads({json.dumps(json.dumps(values))})\n" + textwrap.dedent(code)
    proc = subprocess.run([sys.executable, "-c", script], check=False, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _ndvi(img: wf.Image) -> wf.Image:
    nir, red = img.unpack_bands("nir red")
    return (nir - red) / (nir + red)


def test_publish_elsewhere_use_here(pub):
    _run("""
        import gpucompute as wf
        from gpucompute.models import publish

        @publish("them@example.com:ndvi", "1.0.0", docstring="from another process")
        def ndvi(img: wf.Image) -> wf.Image:
            nir, red = img.unpack_bands("nir red")
            return (nir - red) / (nir + red)

        ic = wf.ImageCollection.from_id(VALUES["product"])
        publish("them@example.com:max", "0.1.0", ic.max(axis="images") - ic.min(axis="images"))
    """, product=pub.product_id)
    img = wf.Image.from_id(pub.image_ids[3])
    got = use("them@example.com:ndvi", "1.0.0")(img).compute(pub.geoctx).ndarray
    want = _ndvi(img).compute(pub.geoctx).ndarray
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
    np.testing.assert_array_equal(got.filled(0), want.filled(0))
    assert Workflow.get("them@example.com:ndvi").get_version("1.0.0").docstring == "from another process"
    ic = wf.ImageCollection.from_id(pub.product_id)
    spread = use("them@example.com:max", "0.1.0").compute(pub.geoctx).ndarray
    np.testing.assert_array_equal(spread.filled(0),
                                  (ic.max(axis="images") - ic.min(axis="images")).compute(pub.geoctx).ndarray.filled(0))


def test_publish_here_use_elsewhere(pub, tmp_path):
    scale = wf.parameter("scale", wf.Float)
    publish("me:scaled-ndvi", "2.0.0", _ndvi(wf.Image.from_id(pub.image_ids[0])) * scale)
    out = tmp_path / "result.npz"
    _run("""
        import numpy as np
        from gpucompute.geo import GeoContext
        from gpucompute.models import use

        fn = use("me:scaled-ndvi", "2.0.0")
        result = fn(VALUES["scale"]).compute(GeoContext.from_dict(VALUES["geoctx"])).ndarray
        np.savez(VALUES["out"], data=result.filled(0), mask=np.ma.getmaskarray(result))
    """, scale=2.5, geoctx=pub.geoctx.to_dict(), out=str(out))
    with np.load(out) as saved:
        want = (_ndvi(wf.Image.from_id(pub.image_ids[0])) * 2.5).compute(pub.geoctx).ndarray
        np.testing.assert_array_equal(saved["mask"], np.ma.getmaskarray(want))
        np.testing.assert_allclose(saved["data"], want.filled(0), rtol=1e-6)
