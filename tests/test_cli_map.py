"""``gpucompute demo`` and ``gpucompute serve``: the check mode, a taken port, a real foreground server."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from gpucompute.cli import main

SIZE, SCENES = 64, 3
NAMES = ["Optical", "NDVI", "Vegetation", "Optical Cloud Free", "Optical Water Free"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    from gpucompute.catalog import reset_catalog
    from gpucompute.server.layers import registry
    from gpucompute.server.viewer import set_initial_view

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path))
    reset_catalog()
    before = {layer.id for layer in registry().layers()}
    yield tmp_path
    for layer in registry().layers():
        if layer.id not in before:
            registry().remove(layer.id)
    set_initial_view(None, None)
    reset_catalog()


def _rgba(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return np.asarray(img.convert("RGBA"))


def test_demo_check_renders_a_tile_of_each_quickstart_layer(home, capsys):
    import mercantile

    from gpucompute.geo import GeoContext
    from gpucompute.server.demo_layers import quickstart_layers
    from gpucompute.server.layers import registry
    from gpucompute.server.viewer import initial_view

    assert main(["demo", "--check", "--size", str(SIZE), "--scenes", str(SCENES)]) == 0
    out = capsys.readouterr().out
    assert "5 of 5 layers rendered" in out
    layers = {layer.name: layer for layer in registry().layers()}
    assert set(NAMES) <= set(layers)
    for demo in quickstart_layers():
        view = demo.view.fitted(SIZE)
        tile = mercantile.tile(view.lon, view.lat, view.zoom)
        line = next(row for row in out.splitlines() if row.strip().startswith(demo.name + " "))
        share = float(re.search(r"([\d.]+)% non-blank", line).group(1)) / 100
        # oracle: the layer computed on the tile's GeoContext; a pixel shows data unless masked (or NaN)
        array = demo.obj.compute(GeoContext.from_xyz_tile(tile.x, tile.y, tile.z)).ndarray
        valid = ~(np.ma.getmaskarray(array) | np.isnan(array.filled(np.nan))).any(axis=0)
        assert share == pytest.approx(valid.mean(), abs=0.0006)
        assert share > 0.05, line
        assert f"tile {tile.z}/{tile.x}/{tile.y}" in line
    first = quickstart_layers()[0].view.fitted(SIZE)
    assert initial_view() == {"center": [first.lat, first.lon], "zoom": first.zoom}


def test_demo_check_reports_a_blank_layer(home, capsys, monkeypatch):
    """A layer whose tile shows nothing makes the check fail (exit 1) and says which."""
    from gpucompute.server import demo_layers

    real = demo_layers.quickstart_layers

    def with_empty(product_id=demo_layers.DEMO_PRODUCT_ID):
        layers = real(product_id)
        layers[1].obj = layers[1].obj.mask(layers[1].obj > -1e9)  # everything masked
        return layers

    monkeypatch.setattr(demo_layers, "quickstart_layers", with_empty)
    assert main(["demo", "--check", "--size", str(SIZE), "--scenes", str(SCENES)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"NDVI .*  0\.0% non-blank pixels.*BLANK", out)
    assert "4 of 5 layers rendered" in out


@pytest.fixture
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_taken_port_exits_2_with_a_clear_message(home, taken_port, capsys, command):
    assert main([command, "--port", str(taken_port)]) == 2
    err = capsys.readouterr().err
    assert f"port {taken_port} on 127.0.0.1 is already in use" in err and "--port 0" in err
    if command == "demo":  # refused before any demo data is generated
        from gpucompute.catalog import Product
        from gpucompute.catalog.demo import DEMO_PRODUCT_ID

        assert Product.get(DEMO_PRODUCT_ID) is None


def test_serve_registers_saved_objects_and_announces_the_url(home, tmp_path, capsys, monkeypatch):
    from gpucompute import dc
    from gpucompute.execution.saved import dumps_proxy, loads_proxy
    from gpucompute.server import runner
    from gpucompute.server.layers import registry

    calls = []

    def fake_serve(port, *, open_browser=False, ready=None):
        calls.append((port, open_browser))
        ready("http://127.0.0.1:5555")
        raise KeyboardInterrupt  # as after Ctrl-C

    monkeypatch.setattr(runner, "serve", fake_serve)
    from gpucompute.catalog.demo import DEMO_PRODUCT_ID, ensure_demo_product

    ensure_demo_product(size=16, scenes=1, progress=False)
    mosaic = dc.Mosaic.from_product_bands(DEMO_PRODUCT_ID, "red green blue", start_datetime="2023-03-01",
                                          end_datetime="2023-05-01")
    (tmp_path / "my rgb.json").write_text(dumps_proxy(mosaic))
    count = len(registry().layers()) + 1
    assert main(["serve", "--port", "0", "--open", str(tmp_path / "my rgb.json")]) == 0
    assert calls == [(0, True)]
    layer = next(la for la in registry().layers() if la.name == "my rgb")
    from gpucompute.graft.hashing import content_hash

    loaded = loads_proxy((tmp_path / "my rgb.json").read_text())
    assert content_hash(layer.obj.graft) == content_hash(loaded.graft) and type(layer.obj) is type(mosaic)
    out = capsys.readouterr().out
    noun = "layer" if count == 1 else "layers"
    assert f"gpucompute serve: open http://127.0.0.1:5555/ ({count} {noun}; Ctrl-C to stop)" in out
    assert out.rstrip().endswith("gpucompute serve: stopped")


def test_bad_arguments_exit_2(home, capsys, tmp_path):
    assert main(["demo", "--check", "--size", "8"]) == 2
    assert "--size must be >= 16" in capsys.readouterr().err
    assert main(["serve", "--port", "0", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["serve", "--port", "0", str(bad)]) == 2
    assert "bad.json" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "127.0.0.1" in capsys.readouterr().err


def _read_line(proc: subprocess.Popen, pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    proc.kill()
    pytest.fail(f"no line matching {pattern!r}; output: {''.join(seen)}{proc.stderr.read()}")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def test_demo_serves_until_interrupted(tmp_path):
    """`gpucompute demo` as a real process: the viewer, Leaflet and a tile are served; Ctrl-C stops it cleanly."""
    env = {**os.environ, "GPUCOMPUTE_HOME": str(tmp_path), "GPUCOMPUTE_BACKEND": "numpy", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "gpucompute", "demo", "--port", "0", "--size", str(SIZE),
                             "--scenes", str(SCENES)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        url = _read_line(proc, r"gpucompute demo: open (http://127\.0\.0\.1:\d+/) \(5 layers; Ctrl-C to stop\)",
                         120).group(1)
        page = _get(url).decode()
        assert "/static/leaflet/leaflet.js" in page
        import xstatic.pkg.leaflet as xl

        assert _get(url + "static/leaflet/leaflet.js") == (Path(xl.BASE_DIR) / "leaflet.js").read_bytes()
        layers = json.loads(_get(url + "layers"))
        assert [layer["name"] for layer in layers] == NAMES
        config = json.loads(_get(url + "viewer/config"))
        import mercantile

        tile = mercantile.tile(config["center"][1], config["center"][0], config["zoom"])
        path = layers[0]["tile_url"].format(z=tile.z, x=tile.x, y=tile.y)
        rgba = _rgba(_get(url + path.lstrip("/")))
        assert rgba.shape == (256, 256, 4) and (rgba[..., 3] == 255).mean() > 0.9
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "gpucompute demo: stopped" in out
    assert "Traceback" not in err
