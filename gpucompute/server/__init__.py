"""The local tile server: map layers of imagery proxies served as XYZ PNG tiles on 127.0.0.1.

* :mod:`.layers` - :class:`Layer`, :class:`LayerRegistry` and the process-wide :func:`registry`;
* :mod:`.render` - :func:`render_png`, scaled and coloured PNG tiles;
* :mod:`.tiles`, :mod:`.values`, :mod:`.autoscale` - tiles, the pixel inspector, view stretches;
* :mod:`.app` - the FastAPI application; :mod:`.runner` - :func:`ensure_server`, :func:`serve`.

Importing this package is cheap: FastAPI and uvicorn load when a server starts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Layer", "LayerRegistry", "ensure_server", "registry", "render_png", "serve", "stop_server"]

_HOMES = {
    "Layer": "layers",
    "LayerRegistry": "layers",
    "registry": "layers",
    "render_png": "render",
    "ensure_server": "runner",
    "serve": "runner",
    "stop_server": "runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'gpucompute.server' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
