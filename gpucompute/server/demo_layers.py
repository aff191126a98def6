"""The Dynamic Compute quick-start's map layers, built on the offline demo product.

These are the objects ``examples/dc_quickstart.py`` computes (and the seed
guide puts on its map), written again here so the package does not import
from ``examples/``: an optical mosaic, its NDVI, the NDVI-masked vegetation,
a cloud-filtered median composite and that composite with water masked out.
The first three show the Central Valley area, the last two San Francisco.

``gpucompute demo`` registers them with :func:`register_quickstart_layers`
and opens the viewer on :data:`CENTRAL_VALLEY`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from gpucompute.catalog.demo import DEMO_PRODUCT_ID

__all__ = ["CENTRAL_VALLEY", "SAN_FRANCISCO", "DemoLayer", "View", "quickstart_layers",
           "register_quickstart_layers"]

START, END = "2023-03-01", "2023-05-01"
RGB_SCALES = [[0.0, 0.5]] * 3


@dataclass(frozen=True)
class View:
    """A map view: centre latitude and longitude (degrees) and a web-map zoom level."""

    lat: float
    lon: float
    zoom: int

    def fitted(self, size: int, resolution: float = 20.0) -> View:
        """This view zoomed in until one 256-pixel tile around the centre lies within a *size*-pixel area.

        The demo areas are ``size`` pixels of ``resolution`` metres around the
        centre; a small demo product needs a closer zoom than the guide's.
        """
        ground = 2 * math.pi * 6378137.0 * math.cos(math.radians(self.lat))  # metres around this latitude
        zoom = math.ceil(math.log2(ground / (size * resolution))) + 1
        return View(self.lat, self.lon, max(self.zoom, min(zoom, 22)))


#: The guide's two map views (lat, lon, zoom), which are also the demo product's two areas.
CENTRAL_VALLEY = View(36.2431, -121.0892, 13)
SAN_FRANCISCO = View(37.8084, -122.4473, 15)


@dataclass
class DemoLayer:
    """One quick-start layer: its name, proxy object, display options and the view that shows it."""

    name: str
    obj: Any
    view: View
    options: dict[str, Any] = field(default_factory=dict)


def quickstart_layers(product_id: str = DEMO_PRODUCT_ID) -> list[DemoLayer]:
    """Build the five quick-start layers (lazy proxies: nothing is read or computed here).

    Parameters
    ----------
    product_id : str
        The product to use (default: the demo product).

    Returns
    -------
    list of DemoLayer
        ``Optical``, ``NDVI``, ``Vegetation``, ``Optical Cloud Free`` and ``Optical Water Free``.
    """
    from gpucompute import dc

    mosaic = dc.Mosaic.from_product_bands(product_id, "red green blue nir", start_datetime=START, end_datetime=END)
    rgb = mosaic.pick_bands("red green blue")
    red, nir = mosaic.pick_bands("red"), mosaic.pick_bands("nir")
    ndvi = (nir - red) / (nir + red)
    vegetation_rgb = rgb.mask(ndvi < 0.3)

    stack = dc.ImageStack.from_product_bands(
        product_id, "red green blue nir", start_datetime=START, end_datetime=END,
    ).filter(lambda x: x.cloud_fraction < 0.1)
    composite_rgb = stack.pick_bands("red green blue")
    composite_nir, composite_green = stack.unpack_bands("nir green")
    composite_ndwi = (composite_nir - composite_green) / (composite_nir + composite_green)
    water = composite_ndwi.min(axis="images") < 0
    water_free = composite_rgb.mask(water).pick_bands("red green blue").median(axis="images")

    return [
        DemoLayer("Optical", rgb, CENTRAL_VALLEY, {"scales": RGB_SCALES}),
        DemoLayer("NDVI", ndvi, CENTRAL_VALLEY, {"scales": [[0.0, 0.8]], "colormap": "turbo"}),
        DemoLayer("Vegetation", vegetation_rgb, CENTRAL_VALLEY, {"scales": RGB_SCALES}),
        DemoLayer("Optical Cloud Free", composite_rgb.median(axis="images"), SAN_FRANCISCO, {"scales": RGB_SCALES}),
        DemoLayer("Optical Water Free", water_free, SAN_FRANCISCO, {"scales": RGB_SCALES}),
    ]


def register_quickstart_layers(product_id: str = DEMO_PRODUCT_ID, registry: Any = None) -> list[tuple[DemoLayer, Any]]:
    """Register the quick-start layers with the tile server's layer registry.

    Parameters
    ----------
    product_id : str
        The product to use (default: the demo product; it is not generated here,
        call :func:`gpucompute.catalog.demo.ensure_demo_product` first).
    registry : LayerRegistry, optional
        Where to register (default: the server's process-wide registry).

    Returns
    -------
    list of (DemoLayer, Layer)
        Each quick-start layer with the registered server layer.
    """
    if registry is None:
        from gpucompute.server.layers import registry as default_registry

        registry = default_registry()
    return [(layer, registry.register(layer.obj, layer.name, **layer.options)) for layer in quickstart_layers(product_id)]
