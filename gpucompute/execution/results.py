"""Result types for computed imagery: :class:`ImageResult` and :class:`ImageCollectionResult`.

Computing an ``Image`` gives an :class:`ImageResult`, computing an
``ImageCollection`` an :class:`ImageCollectionResult`.  Both are plain host
containers: a ``numpy.ma`` array (``(bands, y, x)`` or ``(images, bands, y,
x)``), the image properties, the band info (band name -> dict, in band order)
and the GeoContext as a dict (with at least ``crs`` and ``gdal_geotrans`` for
:meth:`to_xarray` and the GeoTIFF format).  Empty imagery has ``ndarray=None``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gpucompute.errors import BackendUnavailableError, GeoContextError, ProxyTypeError

__all__ = ["ImageCollectionResult", "ImageResult", "geocontext_dict", "geocontext_grid"]

_SHOWN_NAMES = 4


def geocontext_dict(geocontext: Any) -> dict[str, Any]:
    """The GeoContext as a plain dict (a ``GeoContext`` object is converted with ``to_dict``)."""
    if geocontext is None:
        return {}
    if isinstance(geocontext, Mapping):
        return dict(geocontext)
    if hasattr(geocontext, "to_dict"):
        return dict(geocontext.to_dict())
    raise ProxyTypeError(f"geocontext must be a dict or a GeoContext, got {type(geocontext).__name__}")


def geocontext_grid(geocontext: Mapping[str, Any]) -> tuple[Any, Any]:
    """``(crs, affine.Affine)`` of a GeoContext dict, from its ``crs`` and ``gdal_geotrans`` keys.

    Raises
    ------
    GeoContextError
        If either key is missing or the geotransform does not have 6 numbers.
    """
    from affine import Affine

    crs, geotrans = geocontext.get("crs"), geocontext.get("gdal_geotrans")
    if crs is None or geotrans is None:
        raise GeoContextError(
            f"the geocontext needs 'crs' and 'gdal_geotrans' to place pixels, got keys {sorted(geocontext)!r}; "
            "compute the imagery with a GeoContext that has a CRS, resolution and bounds"
        )
    try:
        transform = Affine.from_gdal(*(float(v) for v in geotrans))
    except (TypeError, ValueError):
        raise GeoContextError(f"gdal_geotrans must be 6 numbers, got {geotrans!r}") from None
    return crs, transform


def _names(keys: Sequence[Any]) -> str:
    shown = ", ".join(repr(k) for k in list(keys)[:_SHOWN_NAMES])
    return shown + (", ..." if len(keys) > _SHOWN_NAMES else "")


def _describe_array(arr: Any) -> str:
    if arr is None:
        return "None"
    kind = "MaskedArray" if isinstance(arr, np.ma.MaskedArray) else type(arr).__name__
    return f"{kind}<shape={tuple(arr.shape)}, dtype={arr.dtype}>"


def _as_masked(ndarray: Any, ndim: int, what: str) -> np.ma.MaskedArray | None:
    if ndarray is None:
        return None
    arr = np.ma.asarray(ndarray)
    if arr.ndim != ndim:
        axes = "(bands, y, x)" if ndim == 3 else "(images, bands, y, x)"
        raise ProxyTypeError(f"{what} needs an ndarray shaped {axes}, got shape {arr.shape}")
    return arr


class _RasterResult:
    """What both result types share: band info, geocontext, reprs and xarray conversion."""

    _dims: tuple[str, ...] = ()

    def __init__(self, ndarray: Any, properties: Any, bandinfo: Mapping[str, Any] | None,
                 geocontext: Any) -> None:
        name = type(self).__name__
        self.ndarray = _as_masked(ndarray, len(self._dims), name)
        self.properties = properties
        self.bandinfo: OrderedDict[str, Any] = OrderedDict(bandinfo or {})
        self.geocontext: dict[str, Any] = geocontext_dict(geocontext)
        if self.ndarray is not None and self.bandinfo and len(self.bandinfo) != self.ndarray.shape[-3]:
            raise ProxyTypeError(
                f"{name}: bandinfo names {len(self.bandinfo)} band(s) ({_names(list(self.bandinfo))}) "
                f"but the ndarray has {self.ndarray.shape[-3]} (shape {self.ndarray.shape})"
            )

    @property
    def is_empty(self) -> bool:
        """True for empty imagery (no ndarray)."""
        return self.ndarray is None

    def _properties_line(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        lines = [
            f"{type(self).__name__}:",
            f"  * ndarray: {_describe_array(self.ndarray)}",
            f"  * properties: {self._properties_line()}",
            f"  * bandinfo: {_names(list(self.bandinfo))}",
            f"  * geocontext: {_names(list(self.geocontext))}",
        ]
        return "\n".join(lines)

    def _coords(self) -> dict[str, Any]:
        """x/y pixel-centre coordinates and the band names."""
        _crs, transform = geocontext_grid(self.geocontext)
        if transform.b != 0 or transform.d != 0:
            raise GeoContextError(
                f"to_xarray needs a north-up grid, but gdal_geotrans {self.geocontext['gdal_geotrans']!r} is rotated"
            )
        rows, cols = self.ndarray.shape[-2:]
        xs = transform.c + (np.arange(cols) + 0.5) * transform.a
        ys = transform.f + (np.arange(rows) + 0.5) * transform.e
        bands = list(self.bandinfo) or [f"band_{i + 1}" for i in range(self.ndarray.shape[-3])]
        return {"band": bands, "y": ys, "x": xs}

    def _xarray(self, extra_coords: Mapping[str, Any]) -> Any:
        try:
            import xarray as xr
        except ImportError:
            raise BackendUnavailableError(
                "to_xarray needs the xarray package, which is not installed; install it with `pip install xarray`"
            ) from None
        if self.ndarray is None:
            raise ProxyTypeError(f"this {type(self).__name__} is empty (no ndarray), so it has no pixels to convert")
        coords = dict(extra_coords)
        coords.update(self._coords())
        crs, transform = geocontext_grid(self.geocontext)
        data = self.ndarray
        dtype = data.dtype if np.issubdtype(data.dtype, np.floating) else np.float64
        values = np.ma.filled(data.astype(dtype), np.nan)
        attrs: dict[str, Any] = {"crs": crs, "transform": tuple(transform)[:6], "grid_mapping": "spatial_ref"}
        spatial_ref = _spatial_ref(crs, transform)
        if spatial_ref is not None:
            coords["spatial_ref"] = spatial_ref
        return xr.DataArray(values, dims=self._dims, coords=coords, attrs=attrs)


def _spatial_ref(crs: Any, transform: Any) -> Any:
    """A CF/rioxarray style ``spatial_ref`` scalar coordinate (None if pyproj cannot read the CRS)."""
    import xarray as xr
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        wkt = CRS.from_user_input(crs).to_wkt()
    except CRSError:
        return None
    geotrans = " ".join(repr(float(v)) for v in transform.to_gdal())
    return xr.DataArray(0, attrs={"crs_wkt": wkt, "spatial_ref": wkt, "GeoTransform": geotrans})


class ImageResult(_RasterResult):
    """A computed ``Image``.

    Parameters
    ----------
    ndarray : numpy.ma.MaskedArray or None
        Pixels shaped ``(bands, y, x)``; None for an empty image.
    properties : dict
        The image's metadata.
    bandinfo : mapping
        Band name -> band metadata dict, in band order.
    geocontext : dict or GeoContext
        Where the pixels are (``crs``, ``gdal_geotrans``, ...).
    """

    _dims = ("band", "y", "x")

    def __init__(self, ndarray: Any, properties: Mapping[str, Any] | None = None,
                 bandinfo: Mapping[str, Any] | None = None, geocontext: Any = None) -> None:
        super().__init__(ndarray, dict(properties or {}), bandinfo, geocontext)

    def __len__(self) -> int:
        return 0 if self.ndarray is None else self.ndarray.shape[0]

    def _properties_line(self) -> str:
        return _names(list(self.properties))

    def to_xarray(self) -> Any:
        """An ``xarray.DataArray`` with dims ``(band, y, x)``; masked pixels are NaN.

        ``x``/``y`` are pixel-centre coordinates in the GeoContext's CRS; attrs
        hold ``crs`` and ``transform`` (affine order), and a ``spatial_ref``
        coordinate carries the WKT and GDAL geotransform as rioxarray expects.

        Raises
        ------
        BackendUnavailableError
            If xarray is not installed.
        GeoContextError
            If the geocontext lacks ``crs``/``gdal_geotrans`` or is rotated.
        """
        return self._xarray({})


class ImageCollectionResult(_RasterResult):
    """A computed ``ImageCollection``.

    Parameters
    ----------
    ndarray : numpy.ma.MaskedArray or None
        Pixels shaped ``(images, bands, y, x)``; None for an empty collection.
    properties : list of dict
        Each image's metadata, in image order.
    bandinfo : mapping
        Band name -> band metadata dict, in band order.
    geocontext : dict or GeoContext
        Where the pixels are (``crs``, ``gdal_geotrans``, ...).
    """

    _dims = ("image", "band", "y", "x")

    def __init__(self, ndarray: Any, properties: Sequence[Mapping[str, Any]] | None = None,
                 bandinfo: Mapping[str, Any] | None = None, geocontext: Any = None) -> None:
        props = [dict(p) for p in (properties or [])]
        super().__init__(ndarray, props, bandinfo, geocontext)
        if self.ndarray is not None and props and len(props) != self.ndarray.shape[0]:
            raise ProxyTypeError(
                f"ImageCollectionResult: {len(props)} properties dict(s) for {self.ndarray.shape[0]} image(s)"
            )

    def __len__(self) -> int:
        return 0 if self.ndarray is None else self.ndarray.shape[0]

    def _properties_line(self) -> str:
        keys: dict[str, None] = {}
        for props in self.properties:
            keys.update(dict.fromkeys(props))
        return f"{len(self.properties)} items: " + (_names(list(keys)) or "(no keys)")

    def to_xarray(self) -> Any:
        """An ``xarray.DataArray`` with dims ``(image, band, y, x)``; masked pixels are NaN.

        Besides the coordinates of :meth:`ImageResult.to_xarray`, the ``image``
        dimension gets ``id`` and ``date`` coordinates when every image's
        properties have them.
        """
        extra: dict[str, Any] = {}
        if self.properties:
            for key in ("id", "date"):
                if all(key in p for p in self.properties):
                    extra[key] = ("image", [p[key] for p in self.properties])
        return self._xarray(extra)
