"""The map's one door to the tile server (:mod:`gpucompute.server`), which runs in this process.

Layers are registered in the server's registry and the map's tile layers point
at its URLs (the server runs in a background thread, started on first use).
The inspector and the autoscale button call the functions behind the server's
``/inspect`` and ``/layers/{id}/autoscale`` endpoints directly: same process,
and they can be given exactly the map's layers and view (the HTTP autoscale
shrinks a view to at most 512 pixels a side; the map's button computes the
view at its own size, as ``map.geocontext()`` gives it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["autoscale", "base_url", "check_layer", "inspect", "registry"]


def registry() -> Any:
    """The process's layer registry."""
    from gpucompute.server.layers import registry as _registry

    return _registry()


def base_url() -> str:
    """``http://127.0.0.1:PORT`` of the tile server (started in a background thread on first use)."""
    from gpucompute.server.runner import ensure_server

    return str(ensure_server()).rstrip("/")


def check_layer(obj: Any, name: str, **options: Any) -> None:
    """Raise what registering this layer would raise (bad imagery, scales, colormap, parameters); registers nothing."""
    from gpucompute.server.layers import build_layer

    build_layer(obj, name, **options)


def inspect(layer_ids: Sequence[str], lon: float, lat: float, zoom: float) -> list[dict[str, Any]]:
    """``[{"id", "name", "values", "bands"}, ...]``: the values of the given layers at ``(lon, lat)``.

    Each layer is computed on the one pixel of the zoom-``zoom`` tile grid that
    holds the point (what the map shows there); see :mod:`gpucompute.server.values`.
    """
    from gpucompute.server.values import inspect_layers

    reg = registry()
    return list(inspect_layers([reg.get(i) for i in layer_ids], lon, lat, zoom)["layers"])


def autoscale(layer_id: str, geoctx: Any) -> list[list[float]]:
    """Per-band 2nd/98th percentiles ``[[lo, hi], ...]`` of a layer computed once over ``geoctx``."""
    from gpucompute.server.autoscale import view_scales

    return view_scales(registry().get(layer_id), geoctx)
