"""Starting and stopping the tile server: background thread, foreground serve(), errors, HTTP details."""

from __future__ import annotations

import threading

import pytest

import gpucompute as wf
from gpucompute.errors import ServerError
from gpucompute.server import runner
from gpucompute.server import tiles as server_tiles
from gpucompute.server.layers import registry

httpx = pytest.importorskip("httpx")


def test_ensure_server_starts_once_and_restarts_after_stop():
    urls: list[str] = []
    threads = [threading.Thread(target=lambda: urls.append(runner.ensure_server())) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(urls)) == 1 and urls[0].startswith("http://127.0.0.1:")
    assert runner.server_url() == urls[0]
    assert httpx.get(urls[0] + "/health").json()["status"] == "ok"
    runner.stop_server()
    assert runner.server_url() is None
    with pytest.raises(httpx.TransportError):
        httpx.get(urls[0] + "/health", timeout=2)
    again = runner.ensure_server()
    try:
        assert httpx.get(again + "/health").status_code == 200
    finally:
        runner.stop_server()


def test_serve_in_the_foreground_calls_ready_and_stops():
    ready: list[str] = []
    started = threading.Event()

    def on_ready(url: str) -> None:
        ready.append(url)
        started.set()

    thread = threading.Thread(target=runner.serve, kwargs={"port": 0, "ready": on_ready}, daemon=True)
    thread.start()
    assert started.wait(30)
    health = httpx.get(ready[0] + "/health").json()
    assert health["status"] == "ok" and health["layers"] == len(registry().layers())
    runner.stop_server()
    thread.join(10)
    assert not thread.is_alive()


def test_serve_on_a_busy_port_is_a_server_error():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServerError, match=str(port)):
            runner.serve(port)


def test_cache_headers_and_unexpected_errors(imagery, monkeypatch, caplog):
    url = runner.ensure_server()
    registry().clear()
    server_tiles.clear_cache()
    try:
        collection = wf.ImageCollection.from_id(imagery.product_id, start_datetime="2023-01-01",
                                                end_datetime="2024-01-01")
        layer = registry().register(collection.pick_bands("red"), "red")
        versioned = url + layer.tile_path().format(z=3, x=1, y=3)
        response = httpx.get(versioned)
        assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
        assert httpx.get(versioned.split("?")[0]).headers["cache-control"] == "no-cache"

        def broken(*args):
            raise RuntimeError("kaboom")

        monkeypatch.setattr(server_tiles, "_draw", broken)
        response = httpx.get(url + layer.tile_path().format(z=4, x=1, y=3))
        assert response.status_code == 500
        assert "kaboom" in response.json()["detail"]
        assert "kaboom" in caplog.text  # logged with its traceback
    finally:
        registry().clear()
        runner.stop_server()


def test_listening_socket_disables_nagle_so_keep_alive_responses_are_not_delayed():
    import socket

    from gpucompute.server import runner

    sock = runner._bind(0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()
