"""The interactive map: ``gpucompute.interactive.map`` (``wf.map``, ``dc.map``) and its layers.

Needs the ``map`` extra (ipyleaflet, ipywidgets), imported only when one of
the names below is first used; without it they raise
:class:`~gpucompute.errors.BackendUnavailableError`.  ``map`` is the process's
one :class:`MapApp`; ``obj.visualize(name, ...)`` adds a layer to it.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DynamicComputeLayer",
    "LayerControllerList",
    "LayerControllerRow",
    "Map",
    "MapApp",
    "ParameterSet",
    "PixelInspector",
    "WorkflowsLayer",
    "get_map",
    "map",
]

_HOMES = {
    "Map": "mapapp", "MapApp": "mapapp", "get_map": "mapapp",
    "WorkflowsLayer": "layer", "DynamicComputeLayer": "layer", "ParameterSet": "layer",
    "LayerControllerList": "controls", "LayerControllerRow": "controls",
    "PixelInspector": "inspector",
}


def __getattr__(name: str) -> Any:
    if name == "map":
        return importlib.import_module("gpucompute.interactive.mapapp").get_map()  # not cached: one singleton
    if name in _HOMES:
        value = getattr(importlib.import_module(f"gpucompute.interactive.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gpucompute.interactive' has no attribute {name!r}")
