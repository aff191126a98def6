"""``visualize`` and ``tile_layer``: show an Image or ImageCollection on the interactive map.

The map (ipyleaflet, ipywidgets) is imported only when one of these methods is
called; without the ``map`` extra they raise
:class:`~gpucompute.errors.BackendUnavailableError`.  The work is done in
:mod:`gpucompute.interactive._visualize`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["VisualizeMixin"]


class VisualizeMixin:
    """Map methods of ``Image`` and ``ImageCollection`` (Workflows argument order)."""

    __slots__ = ()

    def visualize(self, name: str, scales: Any = None, colormap: str | None = None, checkerboard: bool = True,
                  reduction: str = "mosaic", log_level: Any = None, map: Any = None,
                  **parameter_overrides: Any) -> Any:
        """Show this imagery on the map as layer ``name``, replacing the layer of that name if there is one.

        Parameters
        ----------
        name : str
            The layer's name.  Calling ``visualize`` again with the same name
            updates that layer (the same layer object is returned) instead of
            adding another, so re-running a notebook cell does not pile up layers.
        scales : [min, max] or list of [min, max], optional
            The display range of each band (one pair per band, or one pair for
            all); values outside are clipped.  None uses the bands' catalog
            display ranges (or [0, 1]).
        colormap : str, optional
            A matplotlib colormap name, for one-band imagery.
        checkerboard : bool, default True
            Draw masked pixels as a checkerboard (else transparent).
        reduction : str, default "mosaic"
            For an ImageCollection: how its images become one image (mosaic,
            min, max, mean, median, sum, std, count).
        log_level : optional
            Accepted for compatibility with Workflows; ignored.
        map : MapApp or Map, optional
            The map to show the layer on; ``gpucompute.interactive.map`` (``wf.map``) by default.
        **parameter_overrides
            A value for every parameter the imagery depends on, or an
            ipywidgets widget whose ``value`` then drives that parameter.

        Returns
        -------
        WorkflowsLayer
            The layer (new, or the existing one of that name).

        Raises
        ------
        ParameterError
            If a parameter value is missing, unexpected or of the wrong type.
        ProxyTypeError
            For bad scales, an unknown colormap or reduction, or a non-bool checkerboard.
        BackendUnavailableError
            If ipyleaflet is not installed.

        Examples
        --------
        >>> lyr = ndvi.visualize("NDVI", scales=[0, 1], colormap="viridis")  # doctest: +SKIP
        >>> lyr.parameters.threshold = 0.3  # doctest: +SKIP
        """
        from gpucompute.interactive._visualize import show

        return show(self, name, map, _options(scales, colormap, checkerboard, reduction), parameter_overrides)

    def tile_layer(self, name: str | None = None, scales: Any = None, colormap: str | None = None,
                   checkerboard: bool = True, reduction: str = "mosaic", log_level: Any = None,
                   **parameter_overrides: Any) -> Any:
        """A map layer for this imagery that is on no map (add it to your own ipyleaflet map).

        Takes the arguments of :meth:`visualize` except ``map``.

        Returns
        -------
        WorkflowsLayer
        """
        from gpucompute.interactive._visualize import make_layer

        return make_layer(self, name, _options(scales, colormap, checkerboard, reduction), parameter_overrides)


def _options(scales: Any, colormap: Any, checkerboard: Any, reduction: Any) -> dict[str, Any]:
    return {"scales": scales, "colormap": colormap, "checkerboard": checkerboard, "reduction": reduction}
