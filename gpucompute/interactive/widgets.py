"""Linking ipywidgets to layer parameters: a widget's ``value`` drives one parameter.

``obj.visualize("x", threshold=FloatSlider(...))`` links the slider: the layer
starts with the slider's current value and every change of the slider's
``value`` updates the layer.  A :class:`WidgetLinks` keeps, per parameter name,
the one widget linked to it and removes the observer when the link is replaced
or dropped, so an old widget stops driving the layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpucompute.interactive._deps import is_widget

__all__ = ["WidgetLinks", "is_widget", "split_widgets"]


def split_widgets(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(plain, widgets)``: ``values`` with every widget replaced by its current value, and the widgets."""
    widgets = {name: value for name, value in values.items() if is_widget(value)}
    plain = {name: (value.value if name in widgets else value) for name, value in values.items()}
    return plain, widgets


class WidgetLinks:
    """The widgets linked to parameters of one layer.

    Parameters
    ----------
    on_change
        Called as ``on_change(name, value)`` whenever a linked widget's value changes.
    """

    def __init__(self, on_change: Callable[[str, Any], None]) -> None:
        self._on_change = on_change
        self._links: dict[str, tuple[Any, Callable[[dict], None]]] = {}

    def link(self, name: str, widget: Any) -> None:
        """Make ``widget`` drive parameter ``name`` (replacing any widget linked to it before)."""
        current = self._links.get(name)
        if current is not None and current[0] is widget:
            return
        self.unlink(name)

        def handler(change: dict, _name: str = name) -> None:
            self._on_change(_name, change["new"])

        widget.observe(handler, names="value")
        self._links[name] = (widget, handler)

    def unlink(self, name: str) -> None:
        """Stop the widget linked to ``name`` (if any) from driving it."""
        link = self._links.pop(name, None)
        if link is not None:
            widget, handler = link
            widget.unobserve(handler, names="value")

    def unlink_all(self) -> None:
        """Drop every link."""
        for name in list(self._links):
            self.unlink(name)

    def widget(self, name: str) -> Any:
        """The widget linked to ``name``, or None."""
        link = self._links.get(name)
        return None if link is None else link[0]

    def widgets(self) -> dict[str, Any]:
        """``{name: widget}`` of the current links."""
        return {name: link[0] for name, link in self._links.items()}
