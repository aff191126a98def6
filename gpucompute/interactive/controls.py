"""Layer controls: one row per layer under the map.

A row has the layer's name, a visibility checkbox, an opacity slider, a
min/max box pair per band, a colormap menu (for one-band imagery) and an
autoscale button.  Autoscale computes the layer once over the map's current
view (``map.geocontext()``: its bounds and pixel size), takes each band's 2nd
and 98th percentiles (the tile server's rule) and applies them with
``set_scales``: one stretch for the whole view.
"""

from __future__ import annotations

from typing import Any

from gpucompute.interactive import _server
from gpucompute.interactive._deps import ipywidgets
from gpucompute.interactive.layer import WorkflowsLayer

__all__ = ["COLORMAPS", "LayerControllerList", "LayerControllerRow", "autoscale_layer"]

_w = ipywidgets()

#: Colormaps offered in the menu (any matplotlib name works through ``set_scales``/``colormap``).
COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "turbo", "gray", "Greys", "RdYlGn", "RdBu",
             "Spectral", "coolwarm", "terrain", "YlGn", "Greens", "Blues", "BrBG", "PiYG")
_NO_COLORMAP = "(none)"


def autoscale_layer(layer: WorkflowsLayer, map: Any) -> list[list[float]]:
    """Set ``layer``'s scales to the 2nd/98th percentile of each band over ``map``'s view; returns them."""
    scales = _server.autoscale(layer.layer_id, map.geocontext())
    if scales:  # nothing to stretch in an empty view: keep the scales
        layer.set_scales(scales)
    return scales


class LayerControllerRow(_w.HBox):
    """The controls of one layer on ``map``."""

    def __init__(self, layer: WorkflowsLayer, map: Any) -> None:
        self.layer, self._map, self._refreshing = layer, map, False
        self.visible_box = _w.Checkbox(value=layer.visible, indent=False, layout=_w.Layout(width="20px"))
        self.opacity_slider = _w.FloatSlider(value=layer.opacity, min=0.0, max=1.0, step=0.05, readout=False,
                                             layout=_w.Layout(width="90px"))
        _w.link((self.visible_box, "value"), (layer, "visible"))
        _w.link((self.opacity_slider, "value"), (layer, "opacity"))
        self.scales_box = _w.HBox([_w.Label("auto")])
        self._scale_inputs: list[Any] = []
        self.colormap_menu = _w.Dropdown(options=(_NO_COLORMAP, *COLORMAPS), layout=_w.Layout(width="110px"))
        self.colormap_menu.observe(self._colormap_changed, names="value")
        self.autoscale_button = _w.Button(icon="magic", tooltip="Autoscale to the view (2-98%)",
                                          layout=_w.Layout(width="32px"))
        self.autoscale_button.on_click(lambda _button: self.autoscale())
        self.status = _w.Label()
        super().__init__(children=[self.visible_box, _w.Label(layer.name, layout=_w.Layout(width="140px")),
                                   self.opacity_slider, self.scales_box, self.colormap_menu,
                                   self.autoscale_button, self.status])
        layer.observe(self._refresh, names="url")
        self._refresh()

    # ---- layer -> widgets ------------------------------------------------------------------------------
    def _refresh(self, _change: Any = None) -> None:
        self._refreshing = True
        try:
            scales = self.layer.get_scales()
            pairs = [] if scales is None else _pairs(scales)
            if len(self._scale_inputs) != 2 * len(pairs):  # new boxes only when the band count changes
                for box in self._scale_inputs:
                    box.unobserve(self._scales_changed, names="value")
                self._scale_inputs = [_w.FloatText(layout=_w.Layout(width="70px")) for _ in range(2 * len(pairs))]
                for box in self._scale_inputs:
                    box.observe(self._scales_changed, names="value")
                self.scales_box.children = self._scale_inputs or [_w.Label("auto")]
            for box, value in zip(self._scale_inputs, [v for pair in pairs for v in pair]):
                box.value = value
            # a colormap colours one band: no menu for a layer whose scales show several
            self.colormap_menu.layout.display = "none" if len(pairs) > 1 and not self.layer.colormap else None
            cmap = self.layer.colormap or _NO_COLORMAP
            if cmap not in self.colormap_menu.options:
                self.colormap_menu.options = (*self.colormap_menu.options, cmap)
            self.colormap_menu.value = cmap
        finally:
            self._refreshing = False

    # ---- widgets -> layer ------------------------------------------------------------------------------
    def _scales_changed(self, _change: Any) -> None:
        if self._refreshing:
            return
        values = [box.value for box in self._scale_inputs]
        self._guard(self.layer.set_scales, [[values[i], values[i + 1]] for i in range(0, len(values), 2)])

    def _colormap_changed(self, change: Any) -> None:
        if self._refreshing:
            return
        value = None if change["new"] == _NO_COLORMAP else change["new"]
        self._guard(setattr, self.layer, "colormap", value)

    def autoscale(self) -> list[list[float]] | None:
        """Stretch the layer to its 2nd/98th percentiles over the map's view (what the button does)."""
        return self._guard(autoscale_layer, self.layer, self._map)

    def _guard(self, func: Any, *args: Any) -> Any:
        """Run ``func``; show an error in the row's status instead of losing it in a widget callback."""
        try:
            result = func(*args)
        except Exception as exc:  # noqa: BLE001 - shown to the user next to the control that caused it
            self.status.value = f"{type(exc).__name__}: {exc}"[:300]
            return None
        self.status.value = ""
        return result


def _pairs(scales: Any) -> list[tuple[float, float]]:
    """``[(lo, hi), ...]`` from a scales value (one pair, or a list of pairs)."""
    if len(scales) == 2 and all(isinstance(v, (int, float)) for v in scales):
        return [(float(scales[0]), float(scales[1]))]
    return [(float(lo), float(hi)) for lo, hi in scales]


class LayerControllerList(_w.VBox):
    """A :class:`LayerControllerRow` for each :class:`WorkflowsLayer` on ``map``, kept in step with it."""

    def __init__(self, map: Any) -> None:
        super().__init__()
        self._map = map
        self._rows: dict[str, LayerControllerRow] = {}
        map.observe(self._sync, names="layers")
        self._sync()

    def rows(self) -> list[LayerControllerRow]:
        """The rows, top layer first."""
        return list(self.children)

    def row(self, name: str) -> LayerControllerRow:
        """The row of the layer called ``name``."""
        for row in self.children:
            if row.layer.name == name:
                return row
        raise KeyError(name)

    def _sync(self, _change: Any = None) -> None:
        layers = [lyr for lyr in self._map.layers if isinstance(lyr, WorkflowsLayer)]
        rows = {lyr.model_id: self._rows.get(lyr.model_id) or LayerControllerRow(lyr, self._map) for lyr in layers}
        self._rows = rows
        self.children = [rows[lyr.model_id] for lyr in reversed(layers)]
