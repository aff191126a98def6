"""Map layers: an imagery proxy plus how to show it, kept in a registry the tile server serves.

A :class:`Layer` is immutable; changing a layer's options or parameters
(:meth:`LayerRegistry.update`) makes a new ``Layer`` with the same ``id`` and a
new ``version``.  The version is a short content hash of the graft, the options
and the parameter values, and it is part of the tile URLs, so a browser never
shows tiles of an older state (and returning to an earlier state reuses its
cached tiles).

Everything that can be checked without pixels is checked when the layer is
built: the proxy type, the reduction, the scales, the colormap and the
parameter values (with :func:`gpucompute.execution.compute.bind_arguments`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gpucompute.errors import NotFoundError, ProxyTypeError
from gpucompute.server.render import check_colormap, normalize_scales

__all__ = ["REDUCTIONS", "Layer", "LayerRegistry", "registry"]

#: How a collection is turned into one image per tile.
REDUCTIONS = ("mosaic", "min", "max", "mean", "median", "sum", "std", "count")
_OPTIONS = ("scales", "colormap", "checkerboard", "reduction", "parameters", "obj", "name")


@dataclass(frozen=True, eq=False)
class Layer:
    """One map layer: an imagery proxy and its display options.

    Attributes
    ----------
    id : str
        Stable identifier (the same for every version of the layer).
    name : str
        Display name; unique in a registry.
    obj : Image, ImageCollection, dc.Mosaic or dc.ImageStack
        What is drawn.
    scales : list of [lo, hi] or None
        One pair for all bands or one per band; None uses each band's catalog
        display range (or ``[0, 1]``).
    colormap : str or None
        matplotlib colormap name for 1-band layers.
    checkerboard : bool
        Draw masked pixels as a checkerboard rather than transparent.
    reduction : str
        One of :data:`REDUCTIONS`, applied over the images of a collection.
    parameters : dict
        Values of the proxy's parameters, by name.
    version : str
        Short content hash of everything above except ``id`` and ``name``.
    """

    id: str
    name: str
    obj: Any
    scales: list[list[float]] | None
    colormap: str | None
    checkerboard: bool
    reduction: str
    parameters: dict[str, Any]
    version: str
    image: Any = field(default=None, repr=False, compare=False)
    """The ``wf.Image`` proxy that is computed for a tile (the reduction applied)."""

    def __post_init__(self) -> None:
        if self.image is None:
            object.__setattr__(self, "image", renderable(self.obj, self.reduction))

    def __eq__(self, other: object) -> bool:
        # the version stands for the graft, options and parameters (proxies and arrays do not compare to a bool)
        if not isinstance(other, Layer):
            return NotImplemented
        return (self.id, self.name, self.version) == (other.id, other.name, other.version)

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.version))

    def tile_path(self) -> str:
        """The tile URL template, relative to the server: ``/tiles/{id}/{z}/{x}/{y}.png?v={version}``."""
        return f"/tiles/{self.id}/{{z}}/{{x}}/{{y}}.png?v={self.version}"

    @property
    def type_name(self) -> str:
        """The proxy's type name (``Image``, ``ImageCollection``, ``Mosaic``, ``ImageStack``)."""
        return type(self.obj).__name__


def _imagery_classes() -> tuple[type, type]:
    from gpucompute.types.image import Image
    from gpucompute.types.imagecollection import ImageCollection

    return Image, ImageCollection


def _check_reduction(reduction: Any) -> str:
    if reduction not in REDUCTIONS:
        raise ProxyTypeError(f"unknown reduction {reduction!r}; use one of {', '.join(REDUCTIONS)}")
    return reduction


def renderable(obj: Any, reduction: str) -> Any:
    """The ``wf.Image`` proxy a layer computes: ``obj`` itself, or the collection reduced over its images.

    Raises
    ------
    ProxyTypeError
        If ``obj`` is not imagery or ``reduction`` is unknown.
    """
    image, collection = _imagery_classes()
    reduction = _check_reduction(reduction)
    if isinstance(obj, collection):
        obj = obj.mosaic() if reduction == "mosaic" else getattr(obj, reduction)(axis="images")
    elif not isinstance(obj, image):
        raise ProxyTypeError(f"a map layer shows imagery (wf.Image, wf.ImageCollection, dc.Mosaic or "
                             f"dc.ImageStack), got {type(obj).__name__}")
    # computed as a plain Image, the result carries its band info (a dc.Mosaic's would not)
    return image._from_graft(obj.graft, obj.params)


def _check_parameters(obj: Any, parameters: Any) -> dict[str, Any]:
    from gpucompute.errors import ParameterError
    from gpucompute.execution.compute import bind_arguments

    if parameters is None:
        parameters = {}
    if not isinstance(parameters, Mapping) or not all(isinstance(k, str) for k in parameters):
        raise ParameterError(f"parameters must be a dict of parameter name -> value, got {parameters!r:.200}")
    parameters = dict(parameters)
    bind_arguments(obj.params, parameters)
    return parameters


def _canonical(value: Any) -> Any:
    """A JSON-able stand-in for a parameter value (arrays as lists, proxies by graft hash)."""
    from gpucompute.graft.hashing import content_hash

    if hasattr(value, "graft") and hasattr(value, "params"):
        return {"graft": content_hash(value.graft)}
    if hasattr(value, "tolist"):
        return {"array": value.tolist(), "dtype": str(getattr(value, "dtype", ""))}
    return repr(value)


def _version(obj: Any, options: Mapping[str, Any]) -> str:
    from gpucompute.graft.hashing import content_hash

    text = json.dumps({"graft": content_hash(obj.graft), "type": type(obj).__name__, **options},
                      sort_keys=True, default=_canonical)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _layer_id(name: str) -> str:
    return "l" + hashlib.sha256(name.encode()).hexdigest()[:11]


def build_layer(obj: Any, name: str, *, scales: Any = None, colormap: Any = None, checkerboard: Any = True,
                reduction: Any = "mosaic", parameters: Any = None, layer_id: str | None = None) -> Layer:
    """Check everything and make a :class:`Layer` (not registered).

    Raises
    ------
    ProxyTypeError
        Not imagery, or a bad name, scales, colormap, checkerboard or reduction.
    ParameterError
        Parameter values missing, unexpected, or of the wrong type.
    """
    if not isinstance(name, str) or not name.strip():
        raise ProxyTypeError(f"a layer name must be a non-empty str, got {name!r}")
    if not isinstance(checkerboard, bool):
        raise ProxyTypeError(f"checkerboard must be True or False, got {checkerboard!r}")
    image = renderable(obj, reduction)
    options = {"scales": normalize_scales(scales), "colormap": check_colormap(colormap),
               "checkerboard": checkerboard, "reduction": reduction,
               "parameters": _check_parameters(obj, parameters)}
    layer_id = _layer_id(name) if layer_id is None else layer_id
    return Layer(id=layer_id, name=name, obj=obj, version=_version(obj, options),
                 image=image, **options)


class LayerRegistry:
    """The layers a tile server serves, by id (thread safe)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._layers: dict[str, Layer] = {}

    def register(self, obj: Any, name: str, *, scales: Any = None, colormap: str | None = None,
                 checkerboard: bool = True, reduction: str = "mosaic",
                 parameters: Mapping[str, Any] | None = None) -> Layer:
        """Add a layer, or replace the layer of the same ``name`` (same id, new version).

        Parameters
        ----------
        obj : Image, ImageCollection, dc.Mosaic or dc.ImageStack
        name : str
        scales : [lo, hi] or list of [lo, hi], optional
        colormap : str, optional
        checkerboard : bool, default True
        reduction : str, default "mosaic"
            How a collection becomes one image (see :data:`REDUCTIONS`).
        parameters : dict, optional
            Values for every parameter of ``obj``.

        Returns
        -------
        Layer

        Raises
        ------
        ProxyTypeError, ParameterError
            Naming the bad value (nothing is registered then).
        """
        layer = build_layer(obj, name, scales=scales, colormap=colormap, checkerboard=checkerboard,
                            reduction=reduction, parameters=parameters, layer_id="")
        with self._lock:
            same = self._by_name(name)
            layer_id = same.id if same is not None else self._new_id(name)
            layer = dataclasses.replace(layer, id=layer_id)
            self._layers[layer.id] = layer
        return layer

    def _new_id(self, name: str) -> str:
        """An id derived from ``name`` (stable across sessions), made unique if a renamed layer holds it."""
        base = candidate = _layer_id(name)
        n = 1
        while candidate in self._layers:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def update(self, layer_id: str, **changes: Any) -> Layer:
        """A new version of layer ``layer_id`` with ``changes`` applied.

        ``changes`` may name ``parameters`` (merged into the current values),
        ``scales``, ``colormap``, ``checkerboard``, ``reduction``, ``obj`` and
        ``name``.  When ``obj`` changes, current parameter values that it does
        not take are dropped.

        Raises
        ------
        NotFoundError
            No such layer.
        ProxyTypeError, ParameterError
            A bad change (the layer is left as it was).
        """
        unknown = sorted(set(changes) - set(_OPTIONS))
        if unknown:
            raise ProxyTypeError(f"cannot change {', '.join(map(repr, unknown))} of a layer; the options are "
                                 f"{', '.join(_OPTIONS)}")
        with self._lock:
            old = self.get(layer_id)
            fields = {k: getattr(old, k) for k in _OPTIONS}
            new_params = changes.pop("parameters", None) or {}
            if not isinstance(new_params, Mapping):
                from gpucompute.errors import ParameterError

                raise ParameterError(f"parameters must be a dict of parameter name -> value, got {new_params!r:.200}")
            fields.update(changes)
            params = dict(old.parameters)
            if "obj" in changes:
                names = {p._param_name for p in getattr(changes["obj"], "params", ())}
                params = {k: v for k, v in params.items() if k in names}
            fields["parameters"] = {**params, **new_params}
            obj, name = fields.pop("obj"), fields.pop("name")
            if name != old.name and self._by_name(name) not in (None, old):
                from gpucompute.errors import ConflictError

                raise ConflictError(f"another layer is already named {name!r}; remove it first or pick another name")
            layer = build_layer(obj, name, layer_id=old.id, **fields)
            self._layers[layer.id] = layer
            return layer

    def _by_name(self, name: str) -> Layer | None:
        return next((layer for layer in self._layers.values() if layer.name == name), None)

    def get(self, layer_id: str) -> Layer:
        """The current version of layer ``layer_id`` (:class:`NotFoundError` if there is none)."""
        with self._lock:
            layer = self._layers.get(layer_id)
        if layer is None:
            raise NotFoundError(f"no map layer with id {layer_id!r}; the layers are "
                                f"{', '.join(repr(i) for i in self._layers) or 'none'}")
        return layer

    def remove(self, layer_id: str) -> None:
        """Remove layer ``layer_id`` (:class:`NotFoundError` if there is none)."""
        with self._lock:
            self.get(layer_id)
            del self._layers[layer_id]

    def clear(self) -> None:
        """Remove every layer."""
        with self._lock:
            self._layers.clear()

    def layers(self) -> list[Layer]:
        """The layers, in the order they were first registered."""
        with self._lock:
            return list(self._layers.values())

    def __len__(self) -> int:
        return len(self._layers)


_registry = LayerRegistry()


def registry() -> LayerRegistry:
    """The process-wide registry the tile server (:func:`gpucompute.server.runner.ensure_server`) serves."""
    return _registry

