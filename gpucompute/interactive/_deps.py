"""Lazy imports of the map's optional dependencies (the ``map`` extra: ipyleaflet, ipywidgets)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from gpucompute.errors import BackendUnavailableError

__all__ = ["MISSING_MESSAGE", "ipyleaflet", "ipywidgets", "is_widget"]

#: What to tell a user whose environment lacks the map's packages.
MISSING_MESSAGE = "the map needs ipyleaflet: pip install 'gpucompute[map]'"


def _load(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise BackendUnavailableError(MISSING_MESSAGE) from exc


def ipyleaflet() -> ModuleType:
    """The ``ipyleaflet`` module, or :class:`BackendUnavailableError` when it is not installed."""
    return _load("ipyleaflet")


def ipywidgets() -> ModuleType:
    """The ``ipywidgets`` module, or :class:`BackendUnavailableError` when it is not installed."""
    return _load("ipywidgets")


def is_widget(value: Any) -> bool:
    """Whether ``value`` is an ipywidgets widget with a ``value`` (a slider, a checkbox, a text box...).

    Never imports ipywidgets: a value can only be a widget if ipywidgets is already loaded.
    """
    import sys

    module = sys.modules.get("ipywidgets")
    if module is None:
        return False
    return isinstance(value, module.ValueWidget)
