"""The ``GeoContext`` proxy: the area, CRS and pixel grid as a lazy ``Struct``.

Its builtins build the engine's value, :class:`gpucompute.geo.GeoContext`;
``compute`` returns that value's ``to_dict()``.  A ``gpucompute.geo.GeoContext``
(or ``DLTile``) value is promoted wherever the proxy is expected.  When every
argument is a Python value, the context is also built once at graph-building
time so that an invalid one fails at the line that wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import init_from
from gpucompute.types.containers import Struct, Tuple
from gpucompute.types.core import _short, own_or_cast, promote, type_name
from gpucompute.types.geometry import Geometry, is_literal
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Str

__all__ = ["GeoContext"]

_F4 = Tuple[Float, Float, Float, Float]
_FIELDS = {
    "geometry": Geometry,
    "resolution": Float,
    "crs": Str,
    "align_pixels": Bool,
    "bounds": _F4,
    "bounds_crs": Str,
    "shape": Tuple[Int, Int],
    "all_touched": Bool,
    "arr_shape": Tuple[Int, Int],
    "gdal_geotrans": Tuple[Float, Float, Float, Float, Float, Float],
    "projected_bounds": _F4,
}
#: The constructor's arguments, with their defaults.
_DEFAULTS = {
    "geometry": None,
    "resolution": None,
    "crs": None,
    "align_pixels": True,
    "bounds": None,
    "bounds_crs": "EPSG:4326",
    "shape": None,
    "all_touched": False,
}


#: Fields whose computed value may be ``None`` (left out of the constructor).
_MAYBE_NONE = ("geometry", "resolution", "shape")
_OPTIONAL_TYPES: dict[type, type] = {}


def _optional(kind: type) -> type:
    """``kind`` whose ``compute`` gives ``None`` for a missing value instead of failing to unmarshal it."""
    optional = _OPTIONAL_TYPES.get(kind)
    if optional is None:
        base_unmarshal = kind._unmarshal

        def _unmarshal(cls: type, value: Any) -> Any:
            return None if value is None else base_unmarshal(value)

        namespace = {"__slots__": (), "_display_name": type_name(kind), "_unmarshal": classmethod(_unmarshal)}
        optional = _OPTIONAL_TYPES[kind] = type(kind)(kind.__name__, (kind,), namespace)
    return optional


def _value_fields(ctx: Any) -> dict[str, Any]:
    data = ctx.to_dict()
    return {name: data[name] for name in _DEFAULTS}


class GeoContext(Struct[_FIELDS]):
    """A proxy GeoContext (``wf.GeoContext.create``).

    Parameters
    ----------
    geometry : Geometry, optional
        The area of interest in EPSG:4326 lon/lat (a proxy, GeoJSON mapping or shapely geometry).
    resolution : Float, optional
        Pixel size in ``crs`` units; give it or ``shape``.
    crs : Str
        The CRS of the output grid.
    align_pixels : Bool, default True
    bounds : Tuple[Float, Float, Float, Float], optional
    bounds_crs : Str, default "EPSG:4326"
    shape : Tuple[Int, Int], optional
    all_touched : Bool, default False

    Notes
    -----
    ``arr_shape``, ``gdal_geotrans`` and ``projected_bounds`` are read-only fields.

    Raises
    ------
    ProxyTypeError
        For arguments of the wrong type.
    GeoContextError
        When every argument is a Python value and they do not make a valid context.
    """

    __slots__ = ()
    _constructor = "wf.GeoContext.create"
    _read_only = frozenset({"arr_shape", "gdal_geotrans", "projected_bounds"})

    def __init__(
        self,
        geometry: Any = None,
        resolution: Any = None,
        crs: Any = None,
        align_pixels: Any = True,
        bounds: Any = None,
        bounds_crs: Any = "EPSG:4326",
        shape: Any = None,
        all_touched: Any = False,
    ) -> None:
        given = {"geometry": geometry, "resolution": resolution, "crs": crs, "align_pixels": align_pixels, "bounds": bounds,
                     "bounds_crs": bounds_crs, "shape": shape, "all_touched": all_touched}
        if all(is_literal(v) for v in given.values()):
            from gpucompute.geo import GeoContext as GeoContextValue

            GeoContextValue(**given)  # raises GeoContextError for an invalid context
        args = {}
        for name, value in given.items():
            if value is None:
                args[name] = NoneType(None)
            else:
                args[name] = promote(value, _FIELDS[name], f"GeoContext argument {name!r}")
        init_from(self, type(self)._from_apply(self._constructor, **args))

    @classmethod
    def from_dltile_key(cls, key: Any, all_touched: Any = False) -> GeoContext:
        """The grid of a DLTile (``wf.GeoContext.from_dltile_key``)."""
        return cls._from_apply(
            "wf.GeoContext.from_dltile_key",
            promote(key, Str, "from_dltile_key argument 'key'"),
            all_touched=promote(all_touched, Bool, "from_dltile_key argument 'all_touched'"),
        )

    @classmethod
    def from_xyz_tile(cls, x: Any, y: Any, z: Any, all_touched: Any = False) -> GeoContext:
        """The grid of a web-mercator XYZ tile (``wf.GeoContext.from_xyz_tile``)."""
        where = "from_xyz_tile argument"
        return cls._from_apply(
            "wf.GeoContext.from_xyz_tile",
            promote(x, Int, f"{where} 'x'"),
            promote(y, Int, f"{where} 'y'"),
            promote(z, Int, f"{where} 'z'"),
            all_touched=promote(all_touched, Bool, f"{where} 'all_touched'"),
        )

    @classmethod
    def from_scenes(cls, ctx: Any) -> GeoContext:
        """The proxy of a ``gpucompute.geo.GeoContext`` or ``DLTile`` value.

        A DLTile becomes ``from_dltile_key``; any other context becomes
        ``create`` with its fields.
        """
        from gpucompute.geo import DLTile
        from gpucompute.geo import GeoContext as GeoContextValue

        if isinstance(ctx, DLTile):
            return cls.from_dltile_key(ctx.key, all_touched=ctx.all_touched)
        if isinstance(ctx, GeoContextValue):
            return cls(**_value_fields(ctx))
        raise ProxyTypeError(
            f"GeoContext.from_scenes: expected a gpucompute.geo.GeoContext or DLTile, got {type_name(ctx)} "
            f"({_short(ctx)})"
        )

    @classmethod
    def _promote(cls, value: Any) -> Any:
        from gpucompute.geo import GeoContext as GeoContextValue

        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if isinstance(value, GeoContextValue):
            return cls.from_scenes(value)
        if isinstance(value, Mapping):
            return cls(**{k: v for k, v in value.items() if k not in cls._read_only})
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    def index_to_coords(self, row: Any, col: Any) -> Tuple[Float, Float]:
        """The ``(x, y)`` in ``crs`` of the upper-left corner of pixel ``(row, col)``."""
        where = "GeoContext.index_to_coords() argument"
        return Tuple[Float, Float]._from_apply(
            "wf.GeoContext.index_to_coords", self, promote(row, Int, f"{where} 'row'"), promote(col, Int, f"{where} 'col'")
        )

    def coords_to_index(self, x: Any, y: Any) -> Tuple[Int, Int]:
        """The ``(row, col)`` of the pixel holding the point ``(x, y)`` given in ``crs``."""
        where = "GeoContext.coords_to_index() argument"
        return Tuple[Int, Int]._from_apply(
            "wf.GeoContext.coords_to_index", self, promote(x, Float, f"{where} 'x'"), promote(y, Float, f"{where} 'y'")
        )

    def _attr(self, name: str) -> Any:
        if name in _MAYBE_NONE:
            return _optional(_FIELDS[name])._from_apply("wf.getattr", self, name)
        return super()._attr(name)

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        return value.to_dict() if hasattr(value, "to_dict") else value
