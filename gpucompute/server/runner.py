"""Start and stop the tile server: in a background thread (notebooks, ``wf.map``) or in the foreground (CLI).

The server listens on 127.0.0.1 only.  :func:`ensure_server` starts one
uvicorn server per process, in a daemon thread, on a free port, the first time
it is called, and returns its base URL; later calls return the same URL.
:func:`serve` runs a server in the calling thread until it is interrupted.
Both serve the process-wide :func:`gpucompute.server.layers.registry`.
"""

from __future__ import annotations

import atexit
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from gpucompute.errors import ServerError

__all__ = ["HOST", "ensure_server", "serve", "server_url", "stop_server"]

HOST = "127.0.0.1"
_START_TIMEOUT = 30.0

_lock = threading.Lock()
_server: Any = None
_thread: threading.Thread | None = None
_url: str | None = None
_foreground: list[Any] = []  # servers run by serve(), so stop_server() can end them too


_atexit_registered = False


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this (Linux): without it a keep-alive client waits ~40 ms (Nagle's
    # algorithm against delayed ACKs) for the second write of each response.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HOST, int(port)))
    except OSError as exc:
        sock.close()
        raise ServerError(f"cannot listen on {HOST}:{port} ({exc}); pick another port, or 0 for any free one") from None
    sock.set_inheritable(True)
    return sock


def _make_server() -> Any:
    import uvicorn

    from gpucompute.server.app import create_app

    config = uvicorn.Config(create_app(), host=HOST, log_level="warning", timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


def _wait_started(server: Any, thread: threading.Thread | None, url: str) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if (thread is not None and not thread.is_alive()) or time.monotonic() > deadline:
            raise ServerError(f"the tile server at {url} did not start within {_START_TIMEOUT:.0f} s")
        time.sleep(0.01)
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            response.read()
    except OSError as exc:
        raise ServerError(f"the tile server at {url} started but /health does not answer ({exc})") from None


def ensure_server() -> str:
    """The base URL (``"http://127.0.0.1:PORT"``) of this process's tile server, starting it if needed.

    Thread safe; the server runs in a daemon thread until :func:`stop_server`
    or the end of the process.

    Raises
    ------
    ServerError
        If the server cannot start.
    """
    global _server, _thread, _url
    with _lock:
        if _server is not None and _thread is not None and _thread.is_alive() and not _server.should_exit:
            return _url  # type: ignore[return-value]
        sock = _bind(0)
        url = f"http://{HOST}:{sock.getsockname()[1]}"
        server = _make_server()
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="gpucompute-tile-server",
                                  daemon=True)
        thread.start()
        try:
            _wait_started(server, thread, url)
        except ServerError:
            server.should_exit = True
            sock.close()
            raise
        _server, _thread, _url = server, thread, url
        global _atexit_registered
        if not _atexit_registered:  # stop the daemon thread before the interpreter tears down its modules
            atexit.register(stop_server)
            _atexit_registered = True
        return url


def server_url() -> str | None:
    """The background server's base URL, or None when it is not running."""
    with _lock:
        return _url if _thread is not None and _thread.is_alive() else None


def stop_server() -> None:
    """Stop the background server of :func:`ensure_server`, and any :func:`serve` running in another thread."""
    global _server, _thread, _url
    with _lock:
        server, thread = _server, _thread
        _server = _thread = _url = None
        foreground = list(_foreground)
    for running in [server, *foreground]:
        if running is not None:
            running.should_exit = True
    if thread is not None:
        thread.join(timeout=10)


def serve(port: int = 8000, *, open_browser: bool = False, ready: Callable[[str], None] | None = None) -> None:
    """Run the tile server in this thread until it is interrupted (Ctrl-C, or stop_server() from another thread).

    Parameters
    ----------
    port : int, default 8000
        Port on 127.0.0.1; 0 picks a free one.
    open_browser : bool
        Open the viewer page in a web browser once the server answers.
    ready : callable, optional
        Called with the base URL once the server answers.

    Raises
    ------
    ServerError
        If the port cannot be used.
    """
    sock = _bind(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}"
    server = _make_server()

    def announce() -> None:
        try:
            _wait_started(server, None, url)
        except ServerError:
            return
        if ready is not None:
            ready(url)
        if open_browser:
            import webbrowser

            webbrowser.open(url + "/")

    threading.Thread(target=announce, name="gpucompute-serve-ready", daemon=True).start()
    with _lock:
        _foreground.append(server)
    try:
        server.run(sockets=[sock])
    finally:
        with _lock:
            _foreground.remove(server)
        sock.close()
