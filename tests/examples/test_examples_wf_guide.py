"""examples/wf_guide.py on a small demo product, checked against numpy.ma on the same pixels."""

from __future__ import annotations

import numpy as np
import pytest
from test_examples_quickstart import _close, _load, _read, _scenes  # noqa: F401  (fixtures below)
from test_examples_quickstart import _demo_home, demo_home  # noqa: F401

BANDS = ["red", "green", "blue", "nir"]


@pytest.fixture
def guide(demo_home):
    module = _load("wf_guide")
    ctx = module.valley_geocontext()
    return module, ctx


def _grid(ctx):
    from gpucompute.execution.compute import _promote_geoctx

    return _promote_geoctx(ctx)


def test_quick_look(guide, backend):
    module, ctx = guide
    out = module.quick_look(ctx)
    from gpucompute.catalog import Image, ImageCollection

    first = ImageCollection([Image.get(module.first_image_id())])
    expected = _read(first, ["red", "green", "blue"], _grid(ctx))[0]
    _close(out["result"].ndarray, expected)
    assert list(out["result"].bandinfo) == ["red", "green", "blue"]
    assert list(out["bandinfo"]) == list(out["img"].bandinfo) and "nir" in out["bandinfo"]


def test_empties(guide, backend):
    module, ctx = guide
    out = module.empties(ctx)
    valley = _scenes(_grid(ctx), "central-valley", module.START, module.END)
    n = len(valley)
    assert out["valley_images"] == n > 1
    assert out["lengths"] == {
        "empty": 0, "no imagery in range": 0, "filtered to nothing": 0, "added to empty": 0,
        "concat with empty": n, "empties dropped": 1, "masked by empty": n, "empty masked": 0,
        "replaced with collection": n,
    }
    red_min = _read(valley, ["red"], _grid(ctx)).min(axis=0)
    _close(out["d_min"].ndarray, red_min)
    _close(out["max_composite"].ndarray, red_min)  # the empty minimum was dropped
    # the filled image is 0 and unmasked everywhere, so the maximum is unmasked too
    _close(out["filled_composite"].ndarray, np.ma.MaskedArray(np.maximum(red_min.filled(0), 0)))


def test_band_math(guide, backend):
    module, ctx = guide
    out = module.band_math(ctx)
    valley = _scenes(_grid(ctx), "central-valley", module.START, module.END)
    stack = _read(valley, BANDS, _grid(ctx))
    img, red, nir = stack[0], stack[0, 0:1], stack[0, 3:4]
    _close(out["img"].ndarray, img)
    _close(out["ic"].ndarray, stack)
    _close(out["img_plus_1"].ndarray, img + 1)
    _close(out["img_plus_img"].ndarray, img + img)
    _close(out["img_plus_red"].ndarray, img + red)
    _close(out["swapped_names"].ndarray, img[:2] + img[:2])
    _close(out["ic_plus_img"].ndarray, stack + img)
    _close(out["ic_plus_red"].ndarray, stack + red)
    assert list(out["red_add_blue_bandinfo"]) == ["red_add_blue"]
    _close(out["ndvi"].ndarray, (nir - red) / (nir + red))
    assert list(out["ndvi"].bandinfo) == ["nir_sub_red_div_nir_add_red"]


def test_arrays(guide, backend):
    module, ctx = guide
    out = module.arrays(ctx)
    valley = _scenes(_grid(ctx), "central-valley", module.START, module.END)
    rgb = _read(valley, ["red", "green", "blue"], _grid(ctx))
    target = np.array([0.2, 0.3, 0.4], dtype=np.float32)
    delta_std = (rgb - target[None, :, None, None]).std(axis=0)
    result = out["delta_img"]
    assert result.ndarray.shape == (1,) + delta_std.shape
    np.testing.assert_allclose(result.ndarray[0].filled(0), delta_std.filled(0), rtol=1e-4, atol=1e-6)
    assert list(result.bandinfo) == ["red_d", "green_d", "blue_d"]
