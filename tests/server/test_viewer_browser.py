"""The viewer in a real browser: Debian chromium driven by Python playwright, against the in-process server.

Two layers are shown: the quick-start's Optical mosaic on a small demo
product and, above it, the same times a ``gain`` parameter.  The test changes
the gain in its input (the layer gets a new version and tile URL), hides that
layer, checks that the Optical tile is on screen with the colours the server
rendered, that the pixel inspector's popup lists the layers' values (as
``GET /inspect`` gives them; the gained layer's are twice the others), and
that Autoscale gives the layer new scales and a new tile URL.
"""

from __future__ import annotations

import io
import re
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pytest

SIZE, SCENES = 128, 4
BACKGROUND = (0xDF, 0xE3, 0xE8)  # #map background in viewer.css
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip("no chromium browser for the viewer test; install chromium: apt-get install chromium")


@pytest.fixture(scope="module")
def _home(tmp_path_factory):
    from gpucompute.catalog.demo import ensure_demo_product
    from gpucompute.testing.homes import catalog_home

    with catalog_home(tmp_path_factory.mktemp("viewer-browser-home")) as home:
        ensure_demo_product(size=SIZE, scenes=SCENES, progress=False)
    return home


@pytest.fixture
def served(_home, monkeypatch):
    """(base URL, Layer, View, gained Layer): the Optical layer and, above it, Optical * gain (a parameter)."""
    from gpucompute.catalog import reset_catalog
    from gpucompute.server.demo_layers import quickstart_layers
    from gpucompute.server.layers import registry
    from gpucompute.server.runner import ensure_server, server_url, stop_server

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(_home))
    reset_catalog()
    optical = quickstart_layers()[0]
    import gpucompute as wf

    layer = registry().register(optical.obj, "viewer-browser-test optical", **optical.options)
    gained = registry().register(optical.obj * wf.parameter("gain", wf.Float), "viewer-browser-test gained",
                                 parameters={"gain": 1.0}, **optical.options)
    started = server_url() is None
    try:
        yield ensure_server().rstrip("/"), layer, optical.view.fitted(SIZE), gained
    finally:
        if started:  # no server thread left writing to stderr while the interpreter shuts down
            stop_server()
        registry().remove(layer.id)
        registry().remove(gained.id)
        reset_catalog()


@pytest.fixture
def page():
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:  # noqa: BLE001 - any launch failure means: no usable browser here
            pytest.skip(f"chromium at {executable} does not start under playwright ({exc}); "
                        "install chromium: apt-get install chromium")
        try:
            context = browser.new_context(viewport={"width": 900, "height": 640}, device_scale_factor=1)
            yield context.new_page()
        finally:
            browser.close()


def _rgba(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return np.asarray(img.convert("RGBA")).astype(np.int16)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def _wait_for_tiles(page) -> None:
    page.wait_for_selector("img.leaflet-tile-loaded", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile:not(.leaflet-tile-loaded)')"
                           ".length === 0", timeout=60_000)


def test_viewer_shows_inspects_and_autoscales_a_layer(served, page):
    import json

    import mercantile

    base, layer, view, gained = served
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/?lat={view.lat}&lon={view.lon}&zoom={view.zoom}")
    _wait_for_tiles(page)
    page.wait_for_load_state("networkidle")

    # a parameter input PATCHes the layer's parameters and the tiles follow the new version
    top = page.locator(f"section.layer[data-layer-id='{gained.id}']")
    old_url = top.get_attribute("data-tile-url")
    gain = top.locator("input.param[data-param='gain']")
    assert float(gain.input_value()) == 1.0
    gain.fill("2")
    gain.dispatch_event("change")
    page.wait_for_function("([id, old]) => document.querySelector(`section.layer[data-layer-id='${id}']`)"
                           ".dataset.tileUrl !== old", arg=[gained.id, old_url], timeout=60_000)
    mine = next(e for e in json.loads(_get(f"{base}/layers")) if e["id"] == gained.id)
    assert mine["parameters"] == {"gain": 2} and top.get_attribute("data-tile-url") == mine["tile_url"]
    # hiding the top layer takes its tiles off the map
    top.locator("input.visible").uncheck()
    assert page.evaluate("(id) => document.querySelectorAll(`img[src*='/tiles/${id}/']`).length", gained.id) == 0
    _wait_for_tiles(page)

    # the tile under the map centre is on screen, with the colours the server rendered for it
    tile = mercantile.tile(view.lon, view.lat, view.zoom)
    suffix = f"/tiles/{layer.id}/{tile.z}/{tile.x}/{tile.y}.png"
    box = page.evaluate("""(suffix) => {
        const img = [...document.querySelectorAll('img.leaflet-tile')].find(i => i.src.includes(suffix));
        if (!img) return null;
        const r = img.getBoundingClientRect();
        return {x: r.left, y: r.top, w: r.width, h: r.height, src: img.src};
    }""", suffix)
    assert box is not None, f"no <img> for {suffix} on the page"
    assert (box["w"], box["h"]) == (256, 256)
    expected = _rgba(_get(box["src"]))
    assert (expected[..., 3] == 255).mean() > 0.9  # the centre tile lies within the demo area: data everywhere
    shot = _rgba(page.screenshot())
    x, y = round(box["x"]), round(box["y"])
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + 256, shot.shape[1]), min(y + 256, shot.shape[0])
    assert x1 - x0 > 100 and y1 - y0 > 100, box
    seen = shot[y0:y1, x0:x1, :3]
    want = expected[y0 - y:y1 - y, x0 - x:x1 - x]
    opaque = want[..., 3] == 255
    assert (np.abs(seen - np.array(BACKGROUND)).sum(axis=-1) > 6)[opaque].mean() > 0.5
    diff = np.abs(seen - want[..., :3]).max(axis=-1)[opaque]
    assert np.median(diff) <= 2 and (diff <= 8).mean() > 0.95

    # pixel inspector: click the map centre, the popup lists the layer's values as /inspect gives them
    page.check("#inspector")
    map_box = page.locator("#map").bounding_box()
    with page.expect_response(re.compile(r"/inspect\?")) as info:
        page.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    inspected = json.loads(_get(info.value.url))
    ours = next(entry for entry in inspected["layers"] if entry["id"] == layer.id)
    assert len(ours["values"]) == 3 and all(v is not None for v in ours["values"])
    popup = page.locator(".leaflet-popup-content table")
    popup.wait_for(timeout=30_000)
    row = popup.locator("tr", has_text=layer.name).locator("td").inner_text()
    shown = dict(part.rsplit(" ", 1) for part in row.split(", "))
    assert list(shown) == ours["bands"]
    np.testing.assert_allclose([float(v) for v in shown.values()], ours["values"], rtol=1e-5)
    doubled = popup.locator("tr", has_text=gained.name).locator("td").inner_text()  # gain 2: twice the values
    np.testing.assert_allclose([float(p.rsplit(" ", 1)[1]) for p in doubled.split(", ")],
                               2 * np.array(ours["values"]), rtol=1e-5)

    # autoscale: new scales are PATCHed and the tile layer gets the new version's URL
    card = page.locator(f"section.layer[data-layer-id='{layer.id}']")
    before = card.get_attribute("data-tile-url")
    assert before.endswith(f"v={layer.version}")
    card.locator("button.autoscale").click()
    page.wait_for_function("([id, old]) => { const c = document.querySelector(`section.layer[data-layer-id='${id}']`);"
                           " return c.dataset.tileUrl !== old; }", arg=[layer.id, before], timeout=60_000)
    after = card.get_attribute("data-tile-url")
    current = json.loads(_get(f"{base}/layers"))
    mine = next(entry for entry in current if entry["id"] == layer.id)
    assert after == mine["tile_url"] and after != before
    assert mine["scales"] != layer.scales
    assert page.evaluate("(id) => window.gpucomputeViewer.layers[id].tiles._url", layer.id) == after
    scale_inputs = card.locator("input.scale-lo")
    assert scale_inputs.count() == 3
    assert float(scale_inputs.first.input_value()) == pytest.approx(mine["scales"][0][0], rel=1e-6)
    assert [card.locator("input.scale-lo").nth(i).locator("xpath=..").locator("span").inner_text()
            for i in range(3)] == ["red", "green", "blue"]  # band names, known once the layer was computed
    assert not errors, errors
