"""``visualize`` / ``tile_layer`` for ``Mosaic`` and ``ImageStack`` in Dynamic Compute's argument order.

Dynamic Compute passes the map second: ``ndvi.visualize("NDVI", m,
scales=[[0, 0.8]], colormap="turbo")``.  The layers are
:class:`~gpucompute.interactive.layer.DynamicComputeLayer` objects.
"""

from __future__ import annotations

from typing import Any

from gpucompute.types._imagery_visualize import _options

__all__ = ["DCVisualizeMixin"]


def _layer_cls() -> Any:
    from gpucompute.interactive.layer import DynamicComputeLayer

    return DynamicComputeLayer


class DCVisualizeMixin:
    """Map methods of ``dc.Mosaic`` and ``dc.ImageStack``."""

    __slots__ = ()

    def visualize(self, name: str, map: Any = None, colormap: str | None = None, scales: Any = None,
                  checkerboard: bool = True, reduction: str = "mosaic", **parameter_overrides: Any) -> Any:
        """Show this object on ``map`` (``dc.map`` by default) as layer ``name``, replacing one of that name.

        Parameters
        ----------
        name : str
            The layer's name; visualizing again under the same name updates that layer.
        map : MapApp or Map, optional
            The map (the second positional argument, as in Dynamic Compute).
        colormap : str, optional
            A matplotlib colormap name, for one band.
        scales : list of [min, max], optional
            Display range per band (or one pair for all).
        checkerboard : bool, default True
            Draw masked pixels as a checkerboard.
        reduction : str, default "mosaic"
            For an ImageStack: how its images become one image.
        **parameter_overrides
            Values (or ipywidgets) for the parameters the object depends on.

        Returns
        -------
        DynamicComputeLayer

        Raises
        ------
        ParameterError, ProxyTypeError, BackendUnavailableError
            As :meth:`gpucompute.Image.visualize`.
        """
        from gpucompute.interactive._visualize import show

        return show(self, name, map, _options(scales, colormap, checkerboard, reduction), parameter_overrides,
                    layer_cls=_layer_cls())

    def tile_layer(self, name: str | None = None, colormap: str | None = None, scales: Any = None,
                   checkerboard: bool = True, reduction: str = "mosaic", **parameter_overrides: Any) -> Any:
        """A :class:`DynamicComputeLayer` for this object that is on no map."""
        from gpucompute.interactive._visualize import make_layer

        return make_layer(self, name, _options(scales, colormap, checkerboard, reduction), parameter_overrides,
                          layer_cls=_layer_cls())
