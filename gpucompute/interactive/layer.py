"""``WorkflowsLayer``: an ipyleaflet ``TileLayer`` showing a proxy through the tile server.

A layer holds the imagery (an ``Image``, ``ImageCollection``, ``Mosaic`` or
``ImageStack`` proxy), how to render it (``scales``, ``colormap``,
``checkerboard``, ``reduction``) and the values of the parameters the imagery
depends on (:class:`ParameterSet`).  All of that is registered with the tile
server (:mod:`gpucompute.server.layers`); every change is pushed there as one
update, which gives the layer a new version and so a new ``url``, and Leaflet
refetches the tiles.  Changes made inside :meth:`WorkflowsLayer.hold_url_updates`
are pushed once, on leaving it.
"""

from __future__ import annotations

import contextlib
import itertools
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

from gpucompute.errors import ParameterError
from gpucompute.interactive import _server
from gpucompute.interactive._deps import ipyleaflet
from gpucompute.interactive.widgets import WidgetLinks, split_widgets

__all__ = ["DynamicComputeLayer", "ParameterSet", "WorkflowsLayer"]

_KEEP = object()  # "leave this setting as it is"
_live: weakref.WeakValueDictionary[str, WorkflowsLayer] = weakref.WeakValueDictionary()
_counter = itertools.count(1)


def check_parameters(imagery: Any, values: Mapping[str, Any]) -> None:
    """Raise :class:`ParameterError` unless ``values`` give exactly the parameters ``imagery`` needs."""
    from gpucompute.execution.compute import bind_arguments

    bind_arguments(getattr(imagery, "params", ()), values)


def _same(a: Any, b: Any) -> bool:
    """Whether a setting is unchanged (identity for proxies; equality for plain values)."""
    if a is b:
        return True
    from gpucompute.types.core import Proxytype

    if isinstance(a, Proxytype) or isinstance(b, Proxytype):
        return False
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and other values without a plain truth value
        return False


class ParameterSet:
    """The parameter values of a layer; assigning one updates the layer.

    ``lyr.parameters.threshold = 0.3`` re-renders the layer with the new value.
    Assigning an ipywidgets widget links it (the widget's ``value`` then drives
    the parameter); assigning a plain value drops any such link.
    """

    __slots__ = ("_layer", "_links", "_values")

    def __init__(self, layer: WorkflowsLayer) -> None:
        object.__setattr__(self, "_layer", layer)
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_links", WidgetLinks(self._widget_changed))

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"the layer has no parameter {name!r}; its parameters are {sorted(values)}")

    def __setattr__(self, name: str, value: Any) -> None:
        self.update(**{name: value})

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._values))

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"ParameterSet({items})"

    def to_dict(self) -> dict[str, Any]:
        """The current values, ``{name: value}`` (widgets' current values for linked parameters)."""
        return dict(self._values)

    def widgets(self) -> dict[str, Any]:
        """``{name: widget}`` of the linked parameters."""
        return self._links.widgets()

    def update(self, **values: Any) -> None:
        """Set some parameters (plain values or widgets to link) and update the layer once.

        Raises
        ------
        ParameterError
            For a name the imagery has no parameter for or a value of the wrong type.
        """
        plain, widgets = split_widgets(values)
        new = {**self._layer._current("parameters"), **plain}
        self._layer._apply(parameters=new)  # validates before anything changes
        for name in plain:
            if name in widgets:
                self._links.link(name, widgets[name])
            else:
                self._links.unlink(name)

    def _replace(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Replace every value and link (``set_imagery``); returns the plain values (not yet applied)."""
        plain, widgets = split_widgets(dict(values))
        for name in list(self._links.widgets()):
            if widgets.get(name) is not self._links.widget(name):
                self._links.unlink(name)
        for name, widget in widgets.items():
            self._links.link(name, widget)
        return plain

    def _set_values(self, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(values))

    def _widget_changed(self, name: str, value: Any) -> None:
        self._layer._apply(parameters={**self._layer._current("parameters"), name: value})


def _option(name: str, doc: str) -> property:
    """A layer property read from its state; assigning it updates the layer (and its tile URL)."""
    return property(lambda self: self._state[name], lambda self, value: self._apply(**{name: value}), doc=doc)


class WorkflowsLayer(ipyleaflet().TileLayer):
    """A map layer rendering ``imagery`` on the fly with the local tile server.

    Parameters
    ----------
    imagery : Image, ImageCollection, Mosaic or ImageStack proxy
        What to show.
    scales : list of [min, max], optional
        Per-band display range (one pair for every band, or one pair for a
        one-band value); None uses the bands' catalog display ranges (or [0, 1]).
    colormap : str, optional
        A matplotlib colormap name, for one-band imagery.
    checkerboard : bool, default True
        Draw a checkerboard where pixels are masked.
    reduction : str, default "mosaic"
        How an ImageCollection becomes an image (mosaic, min, max, mean, median, sum, std, count).
    parameters : dict, optional
        Values, or ipywidgets to link, for the parameters ``imagery`` depends on.
    name : str
        The layer's name on the map (and on the tile server).
    **kwargs
        Other ``ipyleaflet.TileLayer`` options (``opacity``, ``visible``...).

    Raises
    ------
    ParameterError
        If parameters are missing, unknown or of the wrong type.
    ProxyTypeError
        For bad scales, an unknown colormap or reduction, or a non-bool checkerboard.
    """

    def __init__(self, imagery: Any, scales: Any = None, colormap: str | None = None, checkerboard: bool = True,
                 reduction: str = "mosaic", parameters: Mapping[str, Any] | None = None, name: str = "",
                 **kwargs: Any) -> None:
        kwargs.setdefault("max_zoom", 22)
        super().__init__(name=name or f"layer {next(_counter)}", **kwargs)
        self._parameters = ParameterSet(self)
        self._hold = 0
        self._pending: dict[str, Any] = {}
        plain, _ = split_widgets(dict(parameters or {}))
        self._server_layer = _server.registry().register(  # checks everything before any widget is linked
            imagery, self._server_name(), scales=scales, colormap=colormap, checkerboard=checkerboard,
            reduction=reduction, parameters=dict(plain))
        _live[self._server_layer.id] = self
        self._parameters._replace(parameters or {})
        self._commit({"obj": imagery, "scales": scales, "colormap": colormap, "checkerboard": checkerboard,
                      "reduction": reduction, "parameters": plain})

    # ---- state --------------------------------------------------------------------------------------
    def _server_name(self) -> str:
        """The layer's name, made unique among the live layers of this process."""
        taken = {lyr._server_layer.name for lyr in list(_live.values()) if lyr is not self}
        name, n = self.name, 1
        while name in taken:
            n += 1
            name = f"{self.name} ({n})"
        return name

    def _current(self, key: str) -> Any:
        """A setting as it will be once held updates are pushed."""
        return self._pending.get(key, self._state[key])

    def _apply(self, **changes: Any) -> None:
        """Push ``changes`` (keys of the layer's state) to the server, or keep them while updates are held."""
        if "parameters" in changes:
            check_parameters(changes.get("obj", self._current("obj")), changes["parameters"])
        if self._hold:
            self._pending.update(changes)
            return
        changes = {k: v for k, v in changes.items() if not _same(v, self._state[k])}
        if not changes:
            return
        registry = _server.registry()
        updated = registry.update(self._server_layer.id, **changes)
        self._server_layer = updated if updated is not None else registry.get(self._server_layer.id)
        self._commit({**self._state, **changes})

    def _commit(self, state: dict[str, Any]) -> None:
        self._state = state
        self._parameters._set_values(state["parameters"])
        self.url = self.make_url()

    @property
    def layer_id(self) -> str:
        """The id of this layer on the tile server."""
        return self._server_layer.id

    @property
    def imagery(self) -> Any:
        """The proxy this layer shows."""
        return self._state["obj"]

    @property
    def scales(self) -> list[list[float]] | None:
        """The display ranges as ``[[lo, hi], ...]`` (see :meth:`set_scales`)."""
        return self.get_scales()

    @scales.setter
    def scales(self, value: Any) -> None:
        self.set_scales(value)

    colormap = _option("colormap", "The colormap name, or None.")
    checkerboard = _option("checkerboard", "Whether masked pixels show a checkerboard.")
    reduction = _option("reduction", "How an ImageCollection is reduced to an image.")

    @property
    def parameters(self) -> ParameterSet:
        """The parameter values (assign to them to update the layer)."""
        return self._parameters

    @parameters.setter
    def parameters(self, values: Mapping[str, Any]) -> None:
        self._parameters.update(**dict(values))

    # ---- public API ---------------------------------------------------------------------------------
    def make_url(self) -> str:
        """The XYZ URL template of the layer's current version on the tile server."""
        return _server.base_url() + self._server_layer.tile_path()

    def set_imagery(self, imagery: Any, **parameters: Any) -> None:
        """Show ``imagery`` instead, with new parameter values (or widgets); one update.

        Raises
        ------
        ParameterError
            If parameters of ``imagery`` are missing or unknown (the layer is left unchanged).
        """
        plain, _ = split_widgets(parameters)
        check_parameters(imagery, plain)
        plain = self._parameters._replace(parameters)
        self._apply(obj=imagery, parameters=plain)

    def update_parameters(self, **parameters: Any) -> None:
        """Set some parameter values (or widgets) at once: one update."""
        self._parameters.update(**parameters)

    def set_scales(self, scales: Any, new_colormap: Any = False) -> None:
        """Set the display ranges, and the colormap too unless ``new_colormap`` is False.

        Parameters
        ----------
        scales : list of [min, max] or None
            One pair per band (or one pair for all bands); None uses the
            bands' catalog display ranges (or [0, 1]).
        new_colormap : str, None or False, default False
            A colormap to set at the same time (None removes it); False keeps the current one.
        """
        changes: dict[str, Any] = {"scales": scales}
        if new_colormap is not False:
            changes["colormap"] = new_colormap
        self._apply(**changes)

    def get_scales(self) -> list[list[float]] | None:
        """The current display ranges, ``[[lo, hi], ...]`` (one pair for all bands or one per band).

        None means the bands' own display ranges from the catalog (or [0, 1]).
        """
        scales = self._server_layer.scales
        return None if scales is None else [list(pair) for pair in scales]

    @contextlib.contextmanager
    def hold_url_updates(self) -> Iterator[WorkflowsLayer]:
        """Collect every change made inside the block and push them as one update when it ends."""
        self._hold += 1
        try:
            yield self
        finally:
            self._hold -= 1
            if not self._hold and self._pending:
                pending, self._pending = self._pending, {}
                self._apply(**pending)

    def remove_from_server(self) -> None:
        """Drop this layer from the tile server (its URL stops serving tiles)."""
        _live.pop(self._server_layer.id, None)
        with contextlib.suppress(Exception):
            _server.registry().remove(self._server_layer.id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, id={self._server_layer.id!r}, url={self.url!r})"


class DynamicComputeLayer(WorkflowsLayer):
    """The Dynamic Compute name of :class:`WorkflowsLayer` (``set_scales`` also takes ``new_classes``)."""

    def set_scales(self, scales: Any, new_colormap: Any = False, new_classes: Any = False) -> None:
        """As :meth:`WorkflowsLayer.set_scales`; categorical ``classes`` are not supported (pass False/None)."""
        if new_classes not in (False, None):
            raise ParameterError(f"categorical classes are not supported by this map, got new_classes={new_classes!r}")
        super().set_scales(scales, new_colormap)
