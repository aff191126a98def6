"""GeoContext: the frozen, validated description of the pixel grid a computation runs on.

A GeoContext says *where* (an area, as a lon/lat geometry and/or bounds), *in
which CRS* and *at what pixel size or array shape* rasters are produced. Every
value is checked when the context is built; the derived grid
(``projected_bounds``, ``arr_shape``, ``transform``) is computed then too, so
a context that exists is always usable.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

import affine
import mercantile
import shapely
import shapely.geometry

from gpucompute.errors import GeoContextError
from gpucompute.geo import _grid
from gpucompute.geo._pixels import PixelMethodsMixin
from gpucompute.geo._values import check_bounds, check_flag, check_geometry, check_resolution, check_shape
from gpucompute.geo.crs import (
    WEB_MERCATOR,
    WGS84,
    as_pyproj_crs,
    reproject_geometry,
    to_crs_string,
    transform_bounds,
)

__all__ = ["FIELDS", "GeoContext"]

#: The fields a GeoContext is built from, in constructor order.
FIELDS = ("geometry", "resolution", "crs", "align_pixels", "bounds", "bounds_crs", "shape", "all_touched")
# Keys to_dict adds for convenience; from_dict accepts and ignores them.
_DERIVED_KEYS = frozenset({"arr_shape", "projected_bounds", "gdal_geotrans", "key"})
_XYZ_TILESIZE = 256


class GeoContext(PixelMethodsMixin):
    """Area, CRS and pixel grid of a computation; an immutable, hashable value.

    Parameters
    ----------
    geometry : GeoJSON mapping, ``__geo_interface__`` object or shapely geometry, optional
        The area of interest (a Polygon or MultiPolygon) in EPSG:4326 lon/lat.
        Readers may use it as a cutline. Required when ``bounds`` is not given.
    resolution : float, optional
        Pixel size in ``crs`` units. Give this or ``shape`` (or both, if they agree).
    crs : CRS-like
        The CRS of the output grid; normalised to ``"EPSG:xxxx"`` where possible.
    align_pixels : bool, default True
        Expand the bounds outward to whole multiples of ``resolution`` so pixel
        edges fall on a fixed global grid (only when ``resolution`` is given).
    bounds : (min_x, min_y, max_x, max_y), optional
        The extent, in ``bounds_crs``. Defaults to the geometry's lon/lat bounds.
    bounds_crs : CRS-like, default "EPSG:4326"
        CRS of ``bounds``. When it differs from ``crs`` the grid covers the
        envelope of the bounds reprojected (edges densified) into ``crs``.
    shape : (rows, cols), optional
        Without ``resolution``: the largest array to fit the bounds into, with
        square pixels. With it: a consistency check.
    all_touched : bool, default False
        Let every source pixel touching the area contribute (rasterisation mode).

    Attributes
    ----------
    projected_bounds : tuple of 4 float
        The exact extent of the pixel grid in ``crs`` (after snapping and rounding).
    arr_shape : (rows, cols)
        Shape of the arrays this context produces.
    transform : affine.Affine
        Pixel -> ``crs`` affine transform of the grid.
    gdal_geotrans : tuple of 6 float
        The same in GDAL's order.

    Raises
    ------
    GeoContextError
        For any invalid or inconsistent value.

    Examples
    --------
    >>> ctx = GeoContext.from_bounds((0, 0, 100, 50), "EPSG:32610", resolution=10)
    >>> ctx.arr_shape
    (5, 10)
    """

    __slots__ = (
        "_bounds",
        "_bounds_crs",
        "_bounds_given",
        "_eq_key",
        "_grid",
        "_projected_geometry",
        "_spec",
    )

    def __init__(
        self,
        geometry: Any = None,
        resolution: float | None = None,
        crs: Any = None,
        align_pixels: bool = True,
        bounds: Sequence[float] | None = None,
        bounds_crs: Any = WGS84,
        shape: Sequence[int] | None = None,
        all_touched: bool = False,
    ) -> None:
        geom = check_geometry(geometry)
        res = check_resolution(resolution)
        shp = check_shape(shape)
        align = check_flag("align_pixels", align_pixels)
        touched = check_flag("all_touched", all_touched)
        if crs is None:
            raise GeoContextError(
                "crs is required; pass the output CRS, e.g. crs='EPSG:32610' (UTM) or 'EPSG:4326'"
            )
        crs_str = to_crs_string(crs)
        if res is None and shp is None:
            raise GeoContextError(
                "neither resolution nor shape was given; pass resolution= (CRS units per pixel) "
                "or shape=(rows, cols)"
            )
        if bounds is None:
            if geom is None:
                raise GeoContextError("give a geometry or bounds (min_x, min_y, max_x, max_y) for the area")
            bnds, bnds_crs = tuple(float(v) for v in geom.bounds), WGS84
        else:
            bnds_crs = to_crs_string(WGS84 if bounds_crs is None else bounds_crs)
            bnds = check_bounds(bounds, geographic=as_pyproj_crs(bnds_crs).is_geographic)
        projected = check_bounds(transform_bounds(bnds, bnds_crs, crs_str))
        grid = _grid.make_grid(projected, res, shp, align)
        _set = object.__setattr__
        _set(self, "_spec", (geom, res, crs_str, align, bnds, bnds_crs, shp, touched))
        _set(self, "_bounds_given", bounds is not None)
        _set(self, "_bounds", bnds)
        _set(self, "_bounds_crs", bnds_crs)
        _set(self, "_grid", grid)
        _set(self, "_projected_geometry", None)
        _set(self, "_eq_key", None)

    # ---- immutability, equality, pickling -----------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(
            f"{type(self).__name__} is immutable; cannot set {name!r}. Use ctx.replace({name}=...)"
        )

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def _key(self) -> tuple:
        if self._eq_key is None:
            geom, *rest = self._spec  # bounds and bounds_crs in _spec are the effective ones
            key = (None if geom is None else shapely.to_wkb(geom, hex=True), *rest)
            object.__setattr__(self, "_eq_key", key)
        return self._eq_key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GeoContext):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple:
        return (GeoContext.from_dict, (self.to_dict(),))

    def __repr__(self) -> str:
        geom = self.geometry
        where = f"geometry=<{geom.geom_type}>" if geom is not None else f"bounds={self.bounds!r}"
        return (
            f"{type(self).__name__}(crs={self.crs!r}, resolution={self.resolution!r}, "
            f"arr_shape={self.arr_shape!r}, projected_bounds={self.projected_bounds!r}, {where})"
        )

    # ---- fields -----------------------------------------------------------------------------
    @property
    def geometry(self) -> shapely.Geometry | None:
        """The area of interest in EPSG:4326 (shapely), or None."""
        return self._spec[0]

    @property
    def resolution(self) -> float:
        """Pixel size in ``crs`` units (derived from ``shape`` when not given)."""
        return self._grid.resolution

    @property
    def crs(self) -> str:
        """The output CRS as a string (``"EPSG:32610"`` where it has an authority code)."""
        return self._spec[2]

    @property
    def align_pixels(self) -> bool:
        """Whether bounds snap outward to multiples of ``resolution``."""
        return self._spec[3]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The requested extent in ``bounds_crs`` (the geometry's bounds when not given)."""
        return self._bounds

    @property
    def bounds_crs(self) -> str:
        """CRS of ``bounds`` (EPSG:4326 when they come from the geometry)."""
        return self._bounds_crs

    @property
    def shape(self) -> tuple[int, int] | None:
        """The requested ``(rows, cols)``, or None; see ``arr_shape`` for the actual shape."""
        return self._spec[6]

    @property
    def all_touched(self) -> bool:
        """Whether every pixel touching the area contributes."""
        return self._spec[7]

    # ---- derived ----------------------------------------------------------------------------
    @property
    def projected_bounds(self) -> tuple[float, float, float, float]:
        """Exact ``(left, bottom, right, top)`` of the pixel grid in ``crs``."""
        return self._grid.bounds

    @property
    def arr_shape(self) -> tuple[int, int]:
        """``(rows, cols)`` of the arrays this context produces."""
        return (self._grid.rows, self._grid.cols)

    @property
    def transform(self) -> affine.Affine:
        """North-up affine transform from (col, row) to ``crs`` coordinates."""
        left, _, _, top = self._grid.bounds
        res = self._grid.resolution
        return affine.Affine(res, 0.0, left, 0.0, -res, top)

    @property
    def gdal_geotrans(self) -> tuple[float, float, float, float, float, float]:
        """``(left, res, 0, top, 0, -res)``: the transform in GDAL's order."""
        return tuple(float(v) for v in self.transform.to_gdal())  # type: ignore[return-value]

    @property
    def projected_geometry(self) -> shapely.Geometry | None:
        """``geometry`` reprojected into ``crs`` (edges densified first), or None."""
        if self.geometry is None:
            return None
        if self._projected_geometry is None:
            dense = shapely.segmentize(self.geometry, 0.1)  # degrees; keeps projected edges close
            object.__setattr__(self, "_projected_geometry", reproject_geometry(dense, WGS84, self.crs))
        return self._projected_geometry

    @property
    def __geo_interface__(self) -> dict:
        """GeoJSON of the geometry, or of the lon/lat envelope of the grid when there is none."""
        if self.geometry is not None:
            return shapely.geometry.mapping(self.geometry)
        box = shapely.box(*transform_bounds(self.projected_bounds, self.crs, WGS84))
        return shapely.geometry.mapping(box)

    # ---- copies and serialisation -----------------------------------------------------------
    def replace(self, **changes: Any) -> GeoContext:
        """A new, validated context with some fields changed (``assign`` is an alias).

        Setting ``resolution`` clears a given ``shape`` and vice versa (unless
        both are passed); changing ``geometry`` re-derives bounds that came
        from the old geometry.

        Raises
        ------
        GeoContextError
            For an unknown field name or an invalid new value.
        """
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise GeoContextError(f"cannot replace {unknown!r}; GeoContext fields are {list(FIELDS)}")
        spec = dict(zip(FIELDS, self._spec))
        if not self._bounds_given:
            spec["bounds"] = None
        if "resolution" in changes and "shape" not in changes:
            spec["shape"] = None
        if "shape" in changes and "resolution" not in changes:
            spec["resolution"] = None
        spec.update(changes)
        return GeoContext(**spec)

    assign = replace

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of the fields, plus the derived grid for convenience.

        ``GeoContext.from_dict(ctx.to_dict()) == ctx``, also after a JSON round trip.
        """
        geom, res, crs, align, _, _, shp, touched = self._spec
        return {
            "geometry": None if geom is None else json.loads(json.dumps(shapely.geometry.mapping(geom))),
            "resolution": res,
            "crs": crs,
            "align_pixels": align,
            "bounds": list(self._bounds),
            "bounds_crs": self._bounds_crs,
            "shape": None if shp is None else list(shp),
            "all_touched": touched,
            "arr_shape": list(self.arr_shape),
            "projected_bounds": list(self.projected_bounds),
            "gdal_geotrans": list(self.gdal_geotrans),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GeoContext:
        """Rebuild a context from :meth:`to_dict` output (derived keys are ignored).

        Raises
        ------
        GeoContextError
            For keys that are neither fields nor derived values, or invalid values.
        """
        if not isinstance(data, Mapping):
            raise GeoContextError(f"from_dict needs a mapping of GeoContext fields, got {data!r:.200}")
        unknown = sorted(set(data) - set(FIELDS) - _DERIVED_KEYS)
        if unknown:
            raise GeoContextError(f"unknown GeoContext keys {unknown!r}; fields are {list(FIELDS)}")
        return GeoContext(**{k: v for k, v in data.items() if k in FIELDS})

    # ---- constructors -----------------------------------------------------------------------
    @classmethod
    def from_bounds(
        cls,
        bounds: Sequence[float],
        crs: Any,
        *,
        resolution: float | None = None,
        shape: Sequence[int] | None = None,
        bounds_crs: Any = None,
        align_pixels: bool = False,
        all_touched: bool = False,
    ) -> GeoContext:
        """A context covering ``bounds`` (in ``bounds_crs``, default ``crs``) with no geometry.

        Examples
        --------
        >>> GeoContext.from_bounds((0, 0, 100, 50), "EPSG:32610", shape=(5, 10)).resolution
        10.0
        """
        return cls(
            resolution=resolution,
            crs=crs,
            align_pixels=align_pixels,
            bounds=bounds,
            bounds_crs=crs if bounds_crs is None else bounds_crs,
            shape=shape,
            all_touched=all_touched,
        )

    @classmethod
    def from_xyz_tile(cls, x: int, y: int, z: int, all_touched: bool = False) -> GeoContext:
        """The 256 x 256 Web Mercator (EPSG:3857) grid of XYZ map tile ``(x, y, z)``.

        Examples
        --------
        >>> GeoContext.from_xyz_tile(1, 2, 3).geometry.bounds  # doctest: +ELLIPSIS
        (-135.0, 40.97989806962..., -90.0, 66.51326044311...)
        """
        from gpucompute.geo.tiles import check_tile

        x, y, z = check_tile(x, y, z)
        west, south, east, north = mercantile.bounds(x, y, z)
        left, bottom, right, top = mercantile.xy_bounds(x, y, z)
        return cls(
            geometry=shapely.box(west, south, east, north),
            resolution=(right - left) / _XYZ_TILESIZE,
            crs=WEB_MERCATOR,
            align_pixels=False,
            bounds=(left, bottom, right, top),
            bounds_crs=WEB_MERCATOR,
            shape=(_XYZ_TILESIZE, _XYZ_TILESIZE),
            all_touched=all_touched,
        )

    @classmethod
    def from_dltile_key(cls, key: str, all_touched: bool = False) -> GeoContext:
        """The context of a DLTile key ``"tilesize:pad:resolution:zone:ti:tj"``.

        Returns a :class:`~gpucompute.geo.DLTile`, which is a GeoContext.

        Examples
        --------
        >>> GeoContext.from_dltile_key("512:0:10.0:36:-65:216").gdal_geotrans
        (167200.0, 10.0, 0.0, 1111040.0, 0.0, -10.0)
        """
        from gpucompute.geo.dltile import DLTile

        return DLTile.from_key(key, all_touched=all_touched)
