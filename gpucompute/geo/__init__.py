"""gpucompute.geo: GeoContext, DLTiles, XYZ tiles and CRS helpers.

>>> from gpucompute.geo import GeoContext, DLTile
>>> GeoContext.from_dltile_key("512:0:10.0:36:-65:216").arr_shape
(512, 512)
"""

from __future__ import annotations

from gpucompute.geo import tiles
from gpucompute.geo.crs import (
    WEB_MERCATOR,
    WGS84,
    as_geometry,
    reproject_geometry,
    to_crs_string,
    transform_bounds,
    utm_crs,
    utm_zone,
)
from gpucompute.geo.dltile import DLTile
from gpucompute.geo.geocontext import GeoContext

__all__ = [
    "WEB_MERCATOR",
    "WGS84",
    "DLTile",
    "GeoContext",
    "as_geometry",
    "reproject_geometry",
    "tiles",
    "to_crs_string",
    "transform_bounds",
    "utm_crs",
    "utm_zone",
]
