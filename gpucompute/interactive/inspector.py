"""The pixel inspector: click the map to see every layer's values at that point.

While the inspector is on, a click on the map (ipyleaflet's ``on_interaction``
event of type ``"click"``, coordinates ``[lat, lon]``) moves a marker there and
computes every layer of the map there with the tile server's inspect logic
(the one pixel of the current zoom's tile grid that holds the point, so the
value is what the map shows); a small HTML table under the map lists them, one row per
layer.
"""

from __future__ import annotations

import html
from typing import Any

from gpucompute.interactive import _server
from gpucompute.interactive._deps import ipyleaflet, ipywidgets

__all__ = ["PixelInspector"]


class PixelInspector:
    """The inspector of one map: a toggle button, a marker and a table of values.

    Attributes
    ----------
    widget : ipywidgets.HBox
        The toggle and the table (``MapApp`` shows it under the map).
    values : dict
        ``{layer name: {band: value}}`` at the last click (None for a masked pixel).
    location : (lat, lon) or None
        Where the last click was.
    """

    def __init__(self, map: Any) -> None:
        w = ipywidgets()
        self._map = map
        self.toggle = w.ToggleButton(value=False, description="Inspect", icon="crosshairs",
                                     tooltip="Click the map to see the layers' values there")
        self.table = w.HTML()
        self.widget = w.HBox([self.toggle, self.table])
        self.marker: Any = None
        self.values: dict[str, dict[str, Any]] = {}
        self.location: tuple[float, float] | None = None
        self.toggle.observe(self._toggled, names="value")

    @property
    def active(self) -> bool:
        """Whether clicks are being inspected."""
        return bool(self.toggle.value)

    @active.setter
    def active(self, on: bool) -> None:
        self.toggle.value = bool(on)

    def _toggled(self, change: dict) -> None:
        if change["new"]:
            self._map.on_interaction(self._on_interaction)
            return
        self._map.on_interaction(self._on_interaction, remove=True)
        if self.marker is not None and self.marker in self._map.layers:
            self._map.remove(self.marker)
        self.marker, self.values, self.location, self.table.value = None, {}, None, ""

    def _on_interaction(self, **event: Any) -> None:
        if event.get("type") != "click":
            return
        lat, lon = (float(v) for v in event["coordinates"])
        self.inspect(lat, lon)

    def inspect(self, lat: float, lon: float) -> dict[str, dict[str, Any]]:
        """Mark ``(lat, lon)`` and show (and return) every layer's values there."""
        self.location = (lat, lon)
        if self.marker is None:
            self.marker = ipyleaflet().Marker(location=(lat, lon), draggable=False, title="inspected point")
        else:
            self.marker.location = (lat, lon)
        if self.marker not in self._map.layers:
            self._map.add(self.marker)
        from gpucompute.interactive.layer import WorkflowsLayer

        on_map = {lyr.layer_id: lyr.name for lyr in self._map.layers if isinstance(lyr, WorkflowsLayer)}
        try:
            found = _server.inspect(list(on_map), lon, lat, self._map.zoom)
        except Exception as exc:  # noqa: BLE001 - shown in the table rather than lost in a widget callback
            self.values = {}
            self.table.value = f"<i>{html.escape(type(exc).__name__)}: {html.escape(str(exc))[:300]}</i>"
            return self.values
        self.values = {on_map[item["id"]]: _band_values(item) for item in found}
        self.table.value = _table(lat, lon, self.values)
        return self.values


def _band_values(item: dict[str, Any]) -> dict[str, Any]:
    """``{band: value}`` of one inspected layer (``{"error": message}`` when it failed to compute)."""
    if item.get("values") is None:
        return {"error": item.get("error", "could not compute")}
    values = item["values"]
    bands = item.get("bands") or [f"band_{i}" for i in range(1, len(values) + 1)]
    return dict(zip(bands, values))


def _format(value: Any) -> str:
    if value is None:
        return "masked"
    if isinstance(value, float):
        return f"{value:.6g}"
    return html.escape(str(value))


def _table(lat: float, lon: float, values: dict[str, dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td><b>{html.escape(name)}</b></td><td>"
        + ", ".join(f"{html.escape(str(band))}: {_format(v)}" for band, v in bands.items())
        + "</td></tr>"
        for name, bands in values.items()
    )
    return (f"<div style='font-size:12px'>lat {lat:.5f}, lon {lon:.5f}<table>{rows or '<tr><td>no layers</td></tr>'}"
            "</table></div>")
