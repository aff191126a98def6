"""What ``visualize`` and ``tile_layer`` do for every imagery proxy (the methods themselves are thin)."""

from __future__ import annotations

from typing import Any

from gpucompute.interactive import _server
from gpucompute.interactive.widgets import split_widgets

__all__ = ["make_layer", "show"]


def _check(obj: Any, name: Any, options: dict[str, Any], parameters: dict[str, Any]) -> None:
    """Every check the tile server makes, now, so a bad value raises at the call (nothing is registered)."""
    plain, _ = split_widgets(parameters)
    _server.check_layer(obj, name, parameters=plain, **options)


def make_layer(obj: Any, name: Any, options: dict[str, Any], parameters: dict[str, Any], layer_cls: Any = None) -> Any:
    """A new layer (``WorkflowsLayer`` or ``layer_cls``) for ``obj``, on no map.

    ``options`` holds scales, colormap, checkerboard and reduction; ``parameters`` values or widgets.
    """
    from gpucompute.interactive.layer import WorkflowsLayer

    _check(obj, name or "layer", options, parameters)
    return (layer_cls or WorkflowsLayer)(obj, name=name or "", parameters=parameters, **options)


def show(obj: Any, name: Any, map: Any, options: dict[str, Any], parameters: dict[str, Any],
         layer_cls: Any = None) -> Any:
    """Put ``obj`` on ``map`` (default: the singleton) as layer ``name``, replacing the layer of that name.

    A layer of ours with that name is reused (same object, new imagery and
    options, new URL); any other layer of that name is swapped for a new one.
    """
    from gpucompute.interactive.layer import WorkflowsLayer
    from gpucompute.interactive.mapapp import MapApp, get_map

    _check(obj, name, options, parameters)
    target = get_map() if map is None else map
    inner = target.map if isinstance(target, MapApp) else target
    existing = next((lyr for lyr in inner.layers if lyr.name == name), None)
    if isinstance(existing, WorkflowsLayer):
        with existing.hold_url_updates():
            existing.set_imagery(obj, **parameters)
            existing.set_scales(options["scales"], new_colormap=options["colormap"])
            existing.checkerboard = options["checkerboard"]
            existing.reduction = options["reduction"]
        return existing
    layer = (layer_cls or WorkflowsLayer)(obj, name=name, parameters=parameters, **options)
    if existing is not None:
        inner.substitute(existing, layer)
    else:
        inner.add(layer)
    return layer
