"""``Map`` (an ipyleaflet map that knows its GeoContext) and ``MapApp`` (the map with its controls).

``gpucompute.interactive.map`` (also ``wf.map`` / ``dc.map``) is one ``MapApp``
per process: the map, a row per layer (visibility, opacity, scales, colormap,
autoscale) and the pixel inspector.  Attribute access not defined by
``MapApp`` goes to the inner :class:`Map`, so ``wf.map.center = 36.2, -121.1``
and ``wf.map.geocontext()`` work on either.

The view's size in pixels comes from the browser (ipyleaflet's
``pixel_bounds``, or the lat/lon ``bounds`` at the current zoom).  Before the
map has been displayed (or with no browser at all) it is
:data:`DEFAULT_VIEW_SHAPE`, 400 x 939 pixels as in the Dynamic Compute
quickstart, centred on ``center``.
"""

from __future__ import annotations

import math
from typing import Any

from gpucompute.errors import GeoContextError, ParameterError
from gpucompute.interactive._deps import ipyleaflet, ipywidgets

__all__ = ["DEFAULT_CENTER", "DEFAULT_VIEW_SHAPE", "DEFAULT_ZOOM", "Map", "MapApp", "get_map",
           "zoom_resolution"]

#: (rows, cols) of the view assumed while no browser has reported the map's size.
DEFAULT_VIEW_SHAPE = (400, 939)
#: Where a new map looks: the demo product's Central Valley area (lat, lon).
DEFAULT_CENTER = (36.2431, -121.0892)
DEFAULT_ZOOM = 11
_HALF_WORLD = math.pi * 6378137.0  # half the Web Mercator world width, metres


def zoom_resolution(zoom: float) -> float:
    """Metres per pixel of Web Mercator at ``zoom`` (256-pixel tiles): ``2*pi*6378137 / 256 / 2**zoom``."""
    return 2 * _HALF_WORLD / 256.0 / 2.0 ** float(zoom)


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    from gpucompute.geo.crs import transformer

    x, y = transformer("EPSG:4326", "EPSG:3857").transform(lon, lat)
    return float(x), float(y)


class Map(ipyleaflet().Map):
    """An ipyleaflet ``Map`` with layer management by name and ``geocontext()`` of the view."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("center", DEFAULT_CENTER)
        kwargs.setdefault("zoom", DEFAULT_ZOOM)
        kwargs.setdefault("scroll_wheel_zoom", True)
        super().__init__(**kwargs)

    # ---- the view --------------------------------------------------------------------------------------
    @property
    def map_dimensions(self) -> tuple[int, int]:
        """``(rows, cols)`` of the view in pixels (:data:`DEFAULT_VIEW_SHAPE` before it is displayed)."""
        return self._view()[1]

    def _view(self) -> tuple[tuple[float, float, float, float], tuple[int, int]]:
        """The view's Web Mercator bounds ``(left, bottom, right, top)`` and ``(rows, cols)``."""
        res = zoom_resolution(self.zoom)
        (left, top), (right, bottom) = self.pixel_bounds or ((0, 0), (0, 0))
        if right > left and bottom > top:  # the browser's absolute pixel bounds at this zoom
            shape = (round(bottom - top), round(right - left))
            return (left * res - _HALF_WORLD, _HALF_WORLD - bottom * res,
                    right * res - _HALF_WORLD, _HALF_WORLD - top * res), shape
        if self.north > self.south and self.east > self.west:  # lat/lon bounds only (older ipyleaflet)
            x0, y0 = _mercator(self.west, self.south)
            x1, y1 = _mercator(self.east, self.north)
            return (x0, y0, x1, y1), (max(1, round((y1 - y0) / res)), max(1, round((x1 - x0) / res)))
        rows, cols = DEFAULT_VIEW_SHAPE
        cx, cy = _mercator(self.center[1], self.center[0])
        return (cx - cols / 2 * res, cy - rows / 2 * res, cx + cols / 2 * res, cy + rows / 2 * res), (rows, cols)

    def geocontext(self, resolution: float | None = None, shape: tuple[int, int] | None = None,
                   crs: str = "EPSG:3857") -> Any:
        """A :class:`~gpucompute.geo.GeoContext` of the current view.

        Parameters
        ----------
        resolution : float, optional
            Pixel size in ``crs`` units; by default the view's own (the zoom's
            resolution and the view's pixel size, in EPSG:3857).
        shape : (rows, cols), optional
            The array shape instead of a resolution.
        crs : str, default "EPSG:3857"
            The output CRS; ``"utm"`` picks the UTM zone of the view's centre.

        Returns
        -------
        GeoContext
            Covering the view's bounds (no pixel alignment).
        """
        from gpucompute.geo import GeoContext
        from gpucompute.geo.crs import to_crs_string, utm_crs, utm_zone

        if resolution is not None and shape is not None:
            raise GeoContextError(f"give resolution or shape, not both (got resolution={resolution!r}, "
                                  f"shape={shape!r})")
        bounds, view_shape = self._view()
        if isinstance(crs, str) and crs.lower() == "utm":
            lat, lon = self.center
            zone = utm_zone(lon)
            crs = utm_crs(zone if lat >= 0 else -zone)
        crs = to_crs_string(crs)
        if resolution is None and shape is None:
            if crs == "EPSG:3857":
                return GeoContext.from_bounds(bounds, crs, resolution=zoom_resolution(self.zoom),
                                              shape=view_shape)
            shape = view_shape
        return GeoContext.from_bounds(bounds, crs, bounds_crs="EPSG:3857", resolution=resolution, shape=shape)

    # ---- layers by name ------------------------------------------------------------------------------
    def _user_layers(self) -> list[Any]:
        return [lyr for lyr in self.layers if not getattr(lyr, "base", False)]

    def _find(self, name_or_layer: Any) -> Any:
        for lyr in self.layers:
            if lyr is name_or_layer or (isinstance(name_or_layer, str) and lyr.name == name_or_layer):
                return lyr
        names = [lyr.name for lyr in self._user_layers()]
        raise ParameterError(f"the map has no layer {name_or_layer!r}; its layers are {names}")

    def get_layer(self, name: str) -> Any:
        """The layer called ``name``, or None."""
        return next((lyr for lyr in self.layers if lyr.name == name), None)

    def move_layer(self, name: Any, index: int) -> None:
        """Move the layer ``name`` (or the layer itself) to position ``index`` among the map's layers."""
        lyr = self._find(name)
        layers = [x for x in self.layers if x is not lyr]
        index = max(0, min(int(index) if index >= 0 else len(layers) + 1 + int(index), len(layers)))
        layers.insert(index, lyr)
        self.layers = tuple(layers)

    def move_layer_up(self, name: Any) -> None:
        """Draw the layer ``name`` one step higher (above the next layer)."""
        lyr = self._find(name)
        index = list(self.layers).index(lyr)
        if index < len(self.layers) - 1:
            self.move_layer(lyr, index + 1)

    def move_layer_down(self, name: Any) -> None:
        """Draw the layer ``name`` one step lower, never below the basemap."""
        lyr = self._find(name)
        index = list(self.layers).index(lyr)
        if index > 0 and not getattr(self.layers[index - 1], "base", False):
            self.move_layer(lyr, index - 1)

    def remove_layer(self, name: Any) -> None:
        """Remove the layer called ``name`` (or that layer object) from the map."""
        self.remove(self._find(name))

    def clear_layers(self) -> None:
        """Remove every layer except the basemap."""
        self.layers = tuple(lyr for lyr in self.layers if getattr(lyr, "base", False))


class MapApp(ipywidgets().VBox):
    """The map with its layer controls and pixel inspector; unknown attributes go to :attr:`map`.

    Parameters
    ----------
    map : Map, optional
        The map to wrap (a new :class:`Map` by default).
    """

    def __init__(self, map: Map | None = None, **kwargs: Any) -> None:
        from gpucompute.interactive.controls import LayerControllerList
        from gpucompute.interactive.inspector import PixelInspector

        inner = map if map is not None else Map(layout=ipywidgets().Layout(height="400px"))
        controls = LayerControllerList(inner)
        inspector = PixelInspector(inner)
        super().__init__(children=[inner, inspector.widget, controls], **kwargs)
        object.__setattr__(self, "_inner", inner)
        self.controls_list = controls
        self.inspector = inspector

    @property
    def map(self) -> Map:
        """The inner :class:`Map`."""
        return self._inner

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        inner = self.__dict__.get("_inner")
        if inner is not None and _forwarded(name):
            setattr(inner, name, value)
        else:
            super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(dir(self._inner)))

    def __repr__(self) -> str:
        layers = [lyr.name for lyr in self._inner._user_layers()]
        return f"MapApp(center={tuple(self._inner.center)}, zoom={self._inner.zoom}, layers={layers})"


#: Attributes that ``MapApp`` forwards to its inner map when set (the map's traits and properties).
_FORWARDED = frozenset(
    name for name in (set(Map.class_traits()) - set(ipywidgets().VBox.class_traits()))
    | {n for n, v in vars(Map).items() if isinstance(v, property)}
    if not name.startswith("_"))


def _forwarded(name: str) -> bool:
    """Whether setting ``name`` on a MapApp means setting it on the inner map."""
    return name in _FORWARDED


_singleton: MapApp | None = None


def get_map() -> MapApp:
    """The process's map (``wf.map``), created on first use."""
    global _singleton
    if _singleton is None:
        _singleton = MapApp()
    return _singleton
