"""Layers on the map: visualize / tile_layer, tile URLs served over HTTP, parameters and widgets, errors.

Oracle for a tile: compute() of the same proxy on that tile's GeoContext,
rendered with the tile server's own render function; the PNG is fetched from
the layer's URL over real HTTP.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("ipyleaflet")
ipywidgets = pytest.importorskip("ipywidgets")
httpx = pytest.importorskip("httpx")

from gpucompute.errors import ParameterError, ProxyTypeError

RGB_SCALES = [[0.0, 0.4]] * 3
CENTER = (36.2431, -121.0892)


def _tile(zoom: int = 15):
    import mercantile

    return mercantile.tile(CENTER[1], CENTER[0], zoom)


def _fetch(layer, tile) -> np.ndarray:
    from PIL import Image

    url = layer.url.format(z=tile.z, x=tile.x, y=tile.y)
    response = httpx.get(url, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))


def _expected(obj, tile, scales, colormap=None, checkerboard=True, **params) -> np.ndarray:
    import gpucompute as wf
    from gpucompute.geo import GeoContext
    from gpucompute.server.render import render_rgba

    result = wf.compute(obj, GeoContext.from_xyz_tile(tile.x, tile.y, tile.z), **params)
    return render_rgba(result.ndarray, scales, colormap, checkerboard)


def _names(app) -> list[str]:
    return [lyr.name for lyr in app.map._user_layers()]


def test_visualize_serves_the_computed_tile(app, imagery):
    from gpucompute.interactive import WorkflowsLayer

    lyr = imagery["rgb"].visualize("Optical", scales=RGB_SCALES, map=app)
    assert isinstance(lyr, WorkflowsLayer) and lyr in app.map.layers
    assert lyr.url.startswith("http://127.0.0.1:") and "{z}/{x}/{y}" in lyr.url
    tile = _tile()
    png = _fetch(lyr, tile)
    assert png.shape == (256, 256, 4)
    np.testing.assert_array_equal(png, _expected(imagery["rgb"], tile, RGB_SCALES))
    assert (png[..., 3] == 255).any()  # real pixels, not only the checkerboard

    ndvi = imagery["ndvi"].visualize("NDVI", scales=[[0, 0.8]], colormap="turbo", map=app)
    np.testing.assert_array_equal(_fetch(ndvi, tile), _expected(imagery["ndvi"], tile, [[0, 0.8]], "turbo"))


def test_visualize_same_name_replaces_the_layer(app, imagery):
    first = imagery["rgb"].visualize("A", scales=RGB_SCALES, map=app)
    url = first.url
    again = imagery["ndvi"].visualize("A", scales=[0, 1], colormap="viridis", map=app)
    assert again is first and _names(app) == ["A"]
    assert again.url != url and again.imagery is imagery["ndvi"] and again.colormap == "viridis"
    tile = _tile()
    np.testing.assert_array_equal(_fetch(again, tile), _expected(imagery["ndvi"], tile, [[0, 1]], "viridis"))
    other = imagery["rgb"].visualize("B", scales=RGB_SCALES, map=app)
    assert other is not first and _names(app) == ["A", "B"]


def test_collection_reduction_and_dc_argument_order(app, imagery, demo):
    from gpucompute import dc
    from gpucompute.catalog.demo import DEMO_PRODUCT_ID
    from gpucompute.interactive import DynamicComputeLayer

    ic = imagery["collection"].pick_bands("red green blue")
    lyr = ic.visualize("median", scales=RGB_SCALES, reduction="median", map=app)
    tile = _tile()
    np.testing.assert_array_equal(_fetch(lyr, tile), _expected(ic.median(axis="images"), tile, RGB_SCALES))

    mosaic = dc.Mosaic.from_product_bands(DEMO_PRODUCT_ID, "red green blue", start_datetime="2023-03-01",
                                          end_datetime="2023-06-01")
    dlyr = mosaic.visualize("dc optical", app, scales=RGB_SCALES)
    assert isinstance(dlyr, DynamicComputeLayer) and _names(app) == ["median", "dc optical"]
    expected = _expected(imagery["rgb"], tile, RGB_SCALES)
    np.testing.assert_array_equal(_fetch(dlyr, tile), expected)


def test_parameters_and_linked_widgets_update_url_and_pixels(app, imagery):
    import gpucompute as wf

    mask = imagery["ndvi"] > wf.parameter("threshold", wf.Float)
    lyr = mask.visualize("mask", scales=[0, 1], map=app, threshold=0.2)
    tile = _tile()
    urls = [lyr.url]
    assert lyr.parameters.threshold == 0.2
    lyr.parameters.threshold = 0.5
    urls.append(lyr.url)
    assert urls[1] != urls[0]
    low, high = (_expected(mask, tile, [[0, 1]], threshold=t) for t in (0.2, 0.5))
    assert not np.array_equal(low, high)  # the oracle itself sees the change
    np.testing.assert_array_equal(_fetch(lyr, tile), high)

    slider = ipywidgets.FloatSlider(value=0.2, min=-1, max=1)
    again = mask.visualize("mask", scales=[0, 1], map=app, threshold=slider)
    assert again is lyr and lyr.parameters.threshold == 0.2
    np.testing.assert_array_equal(_fetch(lyr, tile), low)
    slider.value = 0.5
    assert lyr.parameters.threshold == 0.5 and lyr.url not in urls[:1]
    np.testing.assert_array_equal(_fetch(lyr, tile), high)

    # a new widget replaces the old link; the old slider no longer drives the layer
    other = ipywidgets.FloatSlider(value=0.1, min=-1, max=1)
    mask.visualize("mask", scales=[0, 1], map=app, threshold=other)
    url = lyr.url
    slider.value = 0.9
    assert lyr.url == url and lyr.parameters.threshold == 0.1
    other.value = 0.3
    assert lyr.parameters.threshold == 0.3 and lyr.url != url
    lyr.parameters.threshold = 0.4  # a plain value unlinks the widget
    other.value = 0.7
    assert lyr.parameters.threshold == 0.4
    lyr.update_parameters(threshold=0.5)
    assert lyr.url == urls[1]  # same settings -> same version


def test_hold_url_updates_and_setters(app, imagery):
    lyr = imagery["ndvi"].visualize("ndvi", map=app)
    seen = []
    lyr.observe(lambda change: seen.append(change["new"]), names="url")
    with lyr.hold_url_updates():
        lyr.set_scales([[0, 0.8]], new_colormap="magma")
        lyr.checkerboard = False
        assert seen == []
    assert len(seen) == 1 and lyr.get_scales() == [[0.0, 0.8]] and lyr.colormap == "magma"
    assert lyr.checkerboard is False and lyr.make_url() == lyr.url
    lyr.set_scales([[0, 0.8]])  # nothing changed: no new URL
    assert len(seen) == 1
    lyr.set_imagery(imagery["rgb"])
    lyr.set_scales(RGB_SCALES, new_colormap=None)
    tile = _tile()
    np.testing.assert_array_equal(_fetch(lyr, tile), _expected(imagery["rgb"], tile, RGB_SCALES, checkerboard=False))


def test_tile_layer_is_on_no_map(app, imagery):
    from gpucompute.interactive import WorkflowsLayer

    lyr = imagery["rgb"].tile_layer("loose", scales=RGB_SCALES)
    assert isinstance(lyr, WorkflowsLayer) and lyr not in app.map.layers
    tile = _tile()
    np.testing.assert_array_equal(_fetch(lyr, tile), _expected(imagery["rgb"], tile, RGB_SCALES))


def test_singleton_map_is_the_default(demo, imagery):
    import gpucompute.interactive as gi

    assert gi.map is gi.map and isinstance(gi.map, gi.MapApp)
    lyr = imagery["rgb"].visualize("on the singleton", scales=RGB_SCALES)
    try:
        assert lyr in gi.map.layers
    finally:
        gi.map.remove_layer("on the singleton")
    assert lyr not in gi.map.layers


def test_bad_values_raise_at_visualize_time(app, imagery):
    import gpucompute as wf

    mask = imagery["ndvi"] > wf.parameter("threshold", wf.Float)
    cases = [
        (ProxyTypeError, {"scales": [[0, 1]], "colormap": "no-such-colormap"}),
        (ProxyTypeError, {"scales": [[0, 1, 2]]}),
        (ProxyTypeError, {"scales": [[1, 1]]}),
        (ProxyTypeError, {"scales": "0,1"}),
        (ProxyTypeError, {"reduction": "middle"}),
        (ParameterError, {}),  # threshold missing
        (ParameterError, {"threshold": 0.3, "other": 1}),
        (ParameterError, {"threshold": "high"}),
    ]
    for error, kwargs in cases:
        with pytest.raises(error):
            mask.visualize("bad", map=app, **kwargs)
    assert _names(app) == []
    with pytest.raises(ParameterError):
        mask.tile_layer("bad")
    lyr = mask.visualize("good", map=app, threshold=0.3)
    url = lyr.url
    with pytest.raises(ParameterError):
        lyr.parameters.bogus = 1
    with pytest.raises(ProxyTypeError):
        lyr.colormap = "no-such-colormap"
    with pytest.raises(ProxyTypeError):
        mask.visualize("good", map=app, scales=[[0, 1]] * 4, threshold=0.3)
    assert lyr.url == url and lyr.colormap is None and lyr.parameters.to_dict() == {"threshold": 0.3}
    with pytest.raises(ParameterError):
        app.remove_layer("missing")


def test_map_is_imported_lazily_and_needs_ipyleaflet():
    code = (
        "import sys\n"
        "import gpucompute, gpucompute.types, gpucompute.dc, gpucompute.interactive\n"
        "import gpucompute as wf\n"
        "img = wf.Image.from_id('x')\n"
        "assert not any(m.split('.')[0] in ('ipyleaflet', 'ipywidgets') for m in sys.modules), sorted(sys.modules)\n"
        "sys.modules['ipyleaflet'] = None\n"
        "from gpucompute.errors import BackendUnavailableError\n"
        "try:\n"
        "    img.visualize('x')\n"
        "except BackendUnavailableError as exc:\n"
        "    assert isinstance(exc, ImportError) and 'pip install' in str(exc) and 'gpucompute[map]' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('no error')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
