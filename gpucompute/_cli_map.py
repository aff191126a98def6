"""Map sub-commands of the ``gpucompute`` command: ``serve`` and ``demo``.

``gpucompute demo`` generates the offline demo product when needed, registers
the Dynamic Compute quick-start layers on it (see
:mod:`gpucompute.server.demo_layers`) and serves the Leaflet viewer in the
foreground until Ctrl-C; ``--check`` instead renders one tile of each layer,
prints a line per layer and exits (for tests and CI).

``gpucompute serve`` serves the viewer for the layers of saved objects
(``dumps_proxy`` JSON files) given on the command line; from Python, call
``gpucompute.server.runner.ensure_server()`` instead, which serves the layers
of that session.

Both bind 127.0.0.1:8000 by default. A port in use is reported with exit
code 2 (``--port 0`` picks a free one).
"""

from __future__ import annotations

import argparse
import errno
import inspect
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gpucompute._cli_catalog import _guarded, _InputError

__all__ = ["add_commands", "check_layers"]


def _free_port(host: str, port: int) -> int:
    """*port* if it can be bound on *host* (a free one for 0); raises _InputError when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise _InputError(f"port {port} on {host} is already in use (another gpucompute serve?); "
                                  f"choose another with --port N, or --port 0 for a free one") from None
            raise _InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        return probe.getsockname()[1]


def _listen_options(args: argparse.Namespace) -> dict[str, Any]:
    """Check --host and --port before any work is done; the extra keywords for ``runner.serve``."""
    from gpucompute.server import runner

    options: dict[str, Any] = {}
    if "host" in inspect.signature(runner.serve).parameters:
        options["host"] = args.host
    elif args.host != runner.HOST:
        raise _InputError(f"the tile server listens on {runner.HOST} only, got --host {args.host!r}")
    if args.port != 0:
        _free_port(args.host, args.port)
    return options


def _run_server(args: argparse.Namespace, prog: str, count: int) -> int:
    """Serve in the foreground until Ctrl-C; print the address once the server answers."""
    from gpucompute.server import runner

    options = _listen_options(args)

    def ready(url: str) -> None:
        print(f"gpucompute {prog}: open {url.rstrip('/')}/ ({count} layer{'s' * (count != 1)}; Ctrl-C to stop)",
              flush=True)

    try:
        runner.serve(args.port, open_browser=args.open, ready=ready, **options)
    except KeyboardInterrupt:
        pass
    print(f"gpucompute {prog}: stopped", flush=True)
    return 0


# ---- serve --------------------------------------------------------------------------------------------------
def _serve(args: argparse.Namespace) -> int:
    from gpucompute.execution.saved import loads_proxy
    from gpucompute.server.layers import registry

    _listen_options(args)
    for path in args.objects:
        if not path.is_file():
            raise _InputError(f"file {str(path)!r} does not exist; give JSON files written by dumps_proxy")
        obj = loads_proxy(path.read_bytes(), source=f"file {str(path)!r}")
        registry().register(obj, path.stem)
    return _run_server(args, "serve", len(registry().layers()))


# ---- demo ---------------------------------------------------------------------------------------------------
def _tile_share(png: bytes) -> tuple[float, tuple[int, int]]:
    """Share of the pixels of a tile PNG that show data (neither transparent nor checkerboard), and its size."""
    import io

    import numpy as np
    from PIL import Image

    from gpucompute.server.render import checker_pattern

    with Image.open(io.BytesIO(png)) as img:
        rgba = np.asarray(img.convert("RGBA"))
    checker = (rgba == checker_pattern(*rgba.shape[:2])).all(axis=-1)
    return float(((rgba[..., 3] > 0) & ~checker).mean()), (rgba.shape[1], rgba.shape[0])


def check_layers(pairs: list[tuple[Any, Any]], base_url: str, size: int,
                 out: Callable[[str], None] = print) -> int:
    """Render one tile of each (DemoLayer, Layer) through the server at *base_url*; print a line each.

    Returns the number of layers whose tile failed or came back blank.
    """
    import urllib.error
    import urllib.request

    import mercantile

    failed = 0
    for demo, layer in pairs:
        view = demo.view.fitted(size)
        tile = mercantile.tile(view.lon, view.lat, view.zoom)
        path = layer.tile_path().format(z=tile.z, x=tile.x, y=tile.y)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(base_url.rstrip("/") + path, timeout=300) as response:
                share, (w, h) = _tile_share(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            failed += 1
            out(f"  {demo.name:<20} tile {tile.z}/{tile.x}/{tile.y}: FAILED ({exc})")
            continue
        failed += share == 0
        out(f"  {demo.name:<20} tile {tile.z}/{tile.x}/{tile.y}: {w}x{h} PNG, {share:6.1%} non-blank pixels, "
            f"{time.perf_counter() - start:5.2f} s{'  BLANK' if share == 0 else ''}")
    return failed


def _demo(args: argparse.Namespace) -> int:
    from gpucompute.catalog.demo import ensure_demo_product
    from gpucompute.server.demo_layers import quickstart_layers
    from gpucompute.server.layers import registry
    from gpucompute.server.viewer import set_initial_view

    if args.size < 16 or args.scenes < 1:
        raise _InputError(f"--size must be >= 16 and --scenes >= 1, got --size {args.size} --scenes {args.scenes}")
    if not args.check:
        _listen_options(args)  # fail fast, before the demo data is generated
    start = time.perf_counter()
    product = ensure_demo_product(size=args.size, scenes=args.scenes, progress=None if not args.check else False)
    print(f"gpucompute demo: product {product.id} ready in {time.perf_counter() - start:.1f} s "
          f"({args.size} px, {args.scenes} dates per area)", flush=True)
    pairs = [(demo, registry().register(demo.obj, demo.name, **demo.options))
             for demo in quickstart_layers(product.id)]
    first = pairs[0][0].view.fitted(args.size)
    set_initial_view(first.lat, first.lon, first.zoom)
    if not args.check:
        return _run_server(args, "demo", len(pairs))

    from gpucompute.server.runner import ensure_server, server_url, stop_server

    was_running = server_url() is not None
    base = ensure_server()
    print(f"gpucompute demo: checking one tile of each layer on {base}", flush=True)
    try:
        failed = check_layers(pairs, base, args.size, out=lambda line: print(line, flush=True))
    finally:
        if not was_running:
            stop_server()
    print(f"gpucompute demo: {len(pairs) - failed} of {len(pairs)} layers rendered", flush=True)
    return 1 if failed else 0


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--open", action="store_true", help="open the viewer in a web browser")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` and ``demo`` sub-commands to the ``gpucompute`` parser."""
    serve = sub.add_parser("serve", help="serve the map viewer (for saved objects given as JSON files)",
                           description="Serve the Leaflet map viewer and its tiles until Ctrl-C.")
    serve.add_argument("objects", nargs="*", type=Path, metavar="OBJECT.json",
                       help="saved objects (dumps_proxy JSON) to show as layers, named after the file")
    _add_server_options(serve)
    serve.set_defaults(handler=_guarded(_serve))

    demo = sub.add_parser("demo", help="the quick-start layers on the demo product in the map viewer",
                          description="Generate the demo product if needed, register the Dynamic Compute "
                                      "quick-start layers and serve the map viewer until Ctrl-C.")
    _add_server_options(demo)
    demo.add_argument("--size", type=int, default=1024, help="demo scene size in pixels (default 1024)")
    demo.add_argument("--scenes", type=int, default=19, help="demo dates per area (default 19)")
    demo.add_argument("--check", "--no-serve", dest="check", action="store_true",
                      help="render one tile of each layer, print a line per layer and exit (no server left running)")
    demo.set_defaults(handler=_guarded(_demo))
