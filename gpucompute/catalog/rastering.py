"""Rastering catalog imagery: ``Image.ndarray``/``download`` and ``ImageCollection.stack``/``mosaic``/...

Importing this module attaches the methods to :class:`~gpucompute.catalog.Image` and
:class:`~gpucompute.catalog.ImageCollection` (``gpucompute.catalog`` imports it).

Grids. An image's default grid is its own (:class:`ImageGrid`: its CRS,
geotransform and size, so nothing is warped). A collection's default is a
:class:`~gpucompute.geo.GeoContext` over the search's ``intersects`` geometry
(or, without one, the union of the images' footprints) in the first image's CRS
at its pixel size. ``crs``, ``resolution`` and ``all_touched`` override the
grid's; a changed CRS without a resolution gets GDAL's suggested pixel size for
the first image. A GeoContext with a geometry masks pixels outside it (pixel
centres, or every touched pixel with ``all_touched``).

Pixels are read with one shared :class:`~gpucompute.raster.RasterioReader`
(one thread pool for all images); the reader's module lists how nodata,
masks and missing files are handled. Then, per image: ``mask_alpha``,
processing level, and (for :meth:`~ImageCollection.mosaic`, after compositing)
scaling and the cast to the output type (:mod:`gpucompute.catalog.scaling`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from gpucompute.catalog import scaling as _scaling
from gpucompute.catalog._files import declared_bands, resolve_band_files
from gpucompute.errors import CatalogValueError

__all__ = [
    "ImageGrid",
    "RasterRequest",
    "get_reader",
    "image_grid",
    "prepare_request",
    "raster_images",
    "raster_info",
    "resolve_grid",
    "set_reader",
]

_reader_lock = threading.Lock()
_reader: Any = None
_READ_BATCH = 8  # images per reader call: the progress bar's step


def get_reader() -> Any:
    """The reader rastering uses (a shared :class:`~gpucompute.raster.RasterioReader` by default)."""
    global _reader
    with _reader_lock:
        if _reader is None:
            from gpucompute.raster import RasterioReader

            _reader = RasterioReader()
        return _reader


def set_reader(reader: Any) -> None:
    """Make *reader* (any :class:`~gpucompute.raster.Reader`) the one rastering uses; None restores the default."""
    global _reader
    with _reader_lock:
        _reader = reader


# ---- grids ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageGrid:
    """An image's own pixel grid (``Image.geocontext``): any affine transform, no geometry cutline.

    Attributes
    ----------
    crs : str
        ``"EPSG:xxxx"`` where the CRS has a code, else its WKT.
    transform : affine.Affine
        Pixel to CRS coordinates.
    arr_shape : (rows, cols)
    geometry : shapely geometry or None
        The image footprint in EPSG:4326.
    """

    crs: str
    transform: Any
    arr_shape: tuple[int, int]
    geometry: Any = None
    all_touched: bool = False

    @property
    def resolution(self) -> float:
        """Pixel width in CRS units."""
        return float(abs(self.transform.a))

    @property
    def projected_bounds(self) -> tuple[float, float, float, float]:
        """``(left, bottom, right, top)`` of the grid in its CRS."""
        rows, cols = self.arr_shape
        xs, ys = zip(*(self.transform @ (c, r) for c in (0, cols) for r in (0, rows)))
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def __geo_interface__(self) -> dict | None:
        return shapely.geometry.mapping(self.geometry) if self.geometry is not None else None

    def __repr__(self) -> str:
        return (f"ImageGrid(crs={self.crs!r}, arr_shape={self.arr_shape!r}, "
                f"gdal_geotrans={tuple(self.transform.to_gdal())!r})")


def _image_crs(image: Any) -> str:
    from gpucompute.geo import to_crs_string

    crs = image.cs_code or image.projection
    if crs is None or image.geotrans is None or not image.x_pixels or not image.y_pixels:
        raise CatalogValueError(f"image {image.id!r} has no georeferencing (cs_code/projection, geotrans, "
                                "x_pixels, y_pixels); upload its files first")
    return to_crs_string(crs)


def image_grid(image: Any) -> ImageGrid:
    """The grid of *image*'s own pixels (its CRS, geotransform and size)."""
    from affine import Affine

    return ImageGrid(_image_crs(image), Affine.from_gdal(*image.geotrans), (int(image.y_pixels),
                     int(image.x_pixels)), image.geometry)


def _same_crs(a: str, b: str) -> bool:
    from gpucompute.geo.crs import as_pyproj_crs

    return a == b or as_pyproj_crs(a).equals(as_pyproj_crs(b))


def _native_resolution(image: Any, crs: str) -> float:
    """The image's pixel size in *crs* units (GDAL's suggestion when the CRS differs)."""
    grid = image_grid(image)
    if _same_crs(grid.crs, crs):
        return grid.resolution
    from rasterio.warp import calculate_default_transform

    rows, cols = grid.arr_shape
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # rasterio's own use of Affine '*'
        transform, _, _ = calculate_default_transform(grid.crs, crs, cols, rows, *grid.projected_bounds)
    return float(abs(transform.a))


def _polygonal(geometry: Any) -> Any:
    from gpucompute.catalog._compound import to_geometry

    geom = to_geometry(geometry, "geocontext geometry")
    if geom.geom_type in ("Polygon", "MultiPolygon") and geom.area > 0:
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if parts:
            return shapely.union_all(parts)
    if geom.envelope.area > 0:
        return geom.envelope
    raise CatalogValueError(f"cannot raster over a {geom.geom_type} without area; pass a GeoContext "
                            "or buffer the geometry")


def resolve_grid(default: Any, reference: Any, geocontext: Any = None, crs: Any = None,
                 resolution: float | None = None, all_touched: bool | None = None) -> Any:
    """The grid to raster onto: *geocontext* (else *default*) with the overrides applied.

    *reference* is the image whose CRS and pixel size fill in what an area
    without a grid lacks. Returns a GeoContext or an :class:`ImageGrid`.
    """
    from gpucompute.geo import GeoContext, to_crs_string

    ctx = default if geocontext is None else geocontext
    crs = None if crs is None else to_crs_string(crs)
    if isinstance(ctx, GeoContext):
        changes: dict[str, Any] = {}
        if crs is not None and not _same_crs(crs, ctx.crs):
            changes["crs"] = crs
            changes["resolution"] = resolution or _native_resolution(reference, crs)
        if resolution is not None:
            changes["resolution"] = float(resolution)
        if all_touched is not None:
            changes["all_touched"] = bool(all_touched)
        return ctx.replace(**changes) if changes else ctx
    if all(hasattr(ctx, k) for k in ("crs", "transform", "arr_shape")) and getattr(ctx, "crs", None):
        if crs is None and resolution is None:
            return ctx
        target = crs or to_crs_string(ctx.crs)
        own = getattr(ctx, "resolution", None) or abs(ctx.transform.a)
        res = resolution or (own if _same_crs(target, ctx.crs) else _native_resolution(reference, target))
        bounds = ImageGrid(to_crs_string(ctx.crs), ctx.transform, tuple(ctx.arr_shape)).projected_bounds
        return GeoContext(bounds=bounds, bounds_crs=to_crs_string(ctx.crs), crs=target, resolution=float(res),
                          align_pixels=False, all_touched=bool(all_touched))
    geometry = getattr(ctx, "geometry", None) if not isinstance(ctx, (dict, shapely.Geometry)) else ctx
    if geometry is None and hasattr(ctx, "__geo_interface__"):
        geometry = ctx.__geo_interface__
    if geometry is None:
        raise CatalogValueError(f"geocontext must be a GeoContext, an image grid or an area, got {ctx!r}")
    target = crs or (to_crs_string(ctx.crs) if getattr(ctx, "crs", None) else image_grid(reference).crs)
    res = resolution or getattr(ctx, "resolution", None) or _native_resolution(reference, target)
    touched = bool(all_touched) if all_touched is not None else bool(getattr(ctx, "all_touched", False))
    return GeoContext(geometry=_polygonal(geometry), crs=target, resolution=float(res), all_touched=touched)


def _collection_default(images: Sequence[Any], aoi: Any) -> Any:
    if aoi is not None:
        return aoi
    footprints = [i.geometry for i in images if i.geometry is not None]
    if not footprints:
        raise CatalogValueError("the images have no footprints; pass geocontext=")
    return shapely.union_all(footprints)


# ---- reading ----------------------------------------------------------------------------------------
def _band_names(bands: Any) -> list[str]:
    if isinstance(bands, str):
        names = bands.split()
    elif isinstance(bands, Sequence):
        names = [b if isinstance(b, str) else getattr(b, "name", None) for b in bands]
    else:
        names = []
    if not names or not all(isinstance(n, str) and n for n in names):
        raise CatalogValueError(f"bands must be 'red green blue' or a list of band names, got {bands!r}")
    return names


def _product_bands(image: Any, cache: dict) -> dict[str, Any]:
    """The bands of *image*'s product by name, queried once per product into *cache*."""
    pid = image.product_id
    if pid not in cache:
        cache[pid] = declared_bands(image)
    return cache[pid]


def _alpha_name(images: Sequence[Any], mask_alpha: Any, cache: dict) -> str | None:
    if mask_alpha is False:
        return None
    if isinstance(mask_alpha, str):
        missing = [i.product_id for i in images if mask_alpha not in _product_bands(i, cache)]
        if missing:
            raise CatalogValueError(f"mask_alpha band {mask_alpha!r} is not a band of {sorted(set(missing))}")
        return mask_alpha
    found = set()
    for image in images:
        bands = _product_bands(image, cache)
        names = [n for n, b in bands.items() if n == "alpha" or (b.type == "mask" and getattr(b, "is_alpha", None))]
        found.add(names[0] if names else None)
    name = found.pop() if len(found) == 1 else None
    if mask_alpha is True and name is None:
        raise CatalogValueError("mask_alpha=True but not every image's product has one alpha band (a band named "
                                "'alpha' or a MaskBand with is_alpha); pass its name or mask_alpha=False")
    return name


def _cutline(grid: Any) -> np.ndarray | None:
    geom = getattr(grid, "projected_geometry", None)
    if geom is None:
        return None
    from rasterio.features import geometry_mask

    return geometry_mask([geom], out_shape=grid.arr_shape, transform=grid.transform,
                         all_touched=bool(grid.all_touched))


def _unmask_nodata(data: np.ndarray, mask: np.ndarray, ref: Any, grid: Any) -> None:
    """Unmask nodata values inside the image (``mask_nodata=False``), in place."""
    import rasterio
    from pyproj import Transformer

    with rasterio.open(ref.path) as ds:
        nodata = ref.nodata if ref.nodata is not None else ds.nodata
        src_crs, src_t, width, height = ds.crs, ds.transform, ds.width, ds.height
    if nodata is None:
        return
    rows, cols = grid.arr_shape
    c, r = np.meshgrid(np.arange(cols) + 0.5, np.arange(rows) + 0.5)
    x, y = grid.transform @ (c, r)
    t = Transformer.from_crs(str(grid.crs), src_crs.to_wkt(), always_xy=True)
    sc, sr = ~src_t @ t.transform(x, y)
    inside = (sc >= 0) & (sc < width) & (sr >= 0) & (sr < height)
    mask &= ~(inside & (data == nodata))


def _read(images: Sequence[Any], names: list[str], grid: Any, dtype: np.dtype, resampler: str,
          progress: bool | None, mask_nodata: bool, bands: dict) -> tuple[np.ndarray, np.ndarray]:
    """Read *names* of every image onto *grid*: ``(images, bands, rows, cols)`` data and mask.

    *bands* holds each product's bands by name (the request's; queried here for a product it lacks).
    With a progress bar the reads go in batches of :data:`_READ_BATCH` files, its steps; without one,
    all files of a band layout in one reader call, so the reader's threads are never left waiting.
    """
    from tqdm.auto import tqdm

    from gpucompute.raster import ImageRef

    tasks: dict[int, list] = {}
    for i, image in enumerate(images):
        offset = 0
        for rec in resolve_band_files(image, names, _product_bands(image, bands)):
            ref = ImageRef(*rec)
            tasks.setdefault(len(ref.band_indexes), []).append((i, offset, ref))
            offset += len(ref.band_indexes)
    rows, cols = grid.arr_shape
    data = np.zeros((len(images), len(names), rows, cols), dtype=dtype)
    mask = np.ones(data.shape, dtype=bool)
    reader = get_reader()
    total = sum(len(t) for t in tasks.values())
    with tqdm(total=total, disable=None if progress is None else not progress, unit="file", leave=False) as bar:
        for group in tasks.values():
            step = len(group) if bar.disable else _READ_BATCH
            for start in range(0, len(group), step):
                batch = group[start:start + step]
                stack = reader.read([ref for _, _, ref in batch], grid, resampler=resampler, dtype=dtype)
                for k, (i, off, ref) in enumerate(batch):
                    sl = slice(off, off + len(ref.band_indexes))
                    data[i, sl], mask[i, sl] = stack.data[k], stack.mask[k]
                    if not mask_nodata:
                        _unmask_nodata(data[i, sl], mask[i, sl], ref, grid)
                bar.update(len(batch))
    return data, mask


@dataclass
class RasterRequest:
    """Everything fixed before pixels are read: band names (and those read, alpha included), the
    alpha band, band views and bands by product id, scales, output data type, grid and the bands' shared
    nodata."""

    names: list[str]
    read_names: list[str]
    alpha: str | None
    views: dict[str, list]
    scales: list | None
    data_type: str
    grid: Any
    nodata: float | None = None
    bands: dict[str, dict[str, Any]] = field(default_factory=dict)


def prepare_request(images: Sequence[Any], bands: Any, grid: Any, processing_level: str | None, scaling: Any,
                    data_type: str | None, mask_alpha: Any) -> RasterRequest:
    """Check the bands of every image and fix scaling, data type and alpha band for a read onto *grid*.

    Raises
    ------
    CatalogValueError
        An empty list, a band a product lacks, an invalid scaling or alpha band.
    """
    if len(images) == 0:
        raise CatalogValueError("the ImageCollection is empty; there is nothing to raster")
    names, cache = _band_names(bands), {}
    for image in images:
        declared = _product_bands(image, cache)
        unknown = [n for n in names if n not in declared]
        if unknown:
            raise CatalogValueError(f"product {image.product_id!r} has no band(s) {unknown}; its bands are "
                                    f"{sorted(declared)}")
    alpha = _alpha_name(images, mask_alpha, cache)
    read_names = names + ([alpha] if alpha and alpha not in names else [])
    views = {pid: _scaling.band_views([declared[n] for n in names], processing_level) for pid, declared in cache.items()}
    first = [_product_bands(images[0], cache)[n] for n in names]
    scales, out_type = _scaling.scaling_parameters(first, processing_level, scaling, data_type)
    nodatas = {b.nodata for b in first}
    nodata = nodatas.pop() if len(nodatas) == 1 and scales is None and processing_level is None else None
    return RasterRequest(names, read_names, alpha, views, scales, out_type, grid, nodata, cache)


def _read_dtype(images: Sequence[Any], names: list[str], bands: dict) -> np.dtype:
    types = {_product_bands(i, bands)[n].data_type for i in images for n in names}
    return np.result_type(*(_scaling.numpy_dtype(t) for t in types))


def _finish_masks(req: RasterRequest, data: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply alpha and cutline masks; drop an alpha band that was only read for masking."""
    nb = len(req.names)
    if req.alpha is not None:
        a = req.read_names.index(req.alpha)
        transparent = (data[:, a] == 0) & ~mask[:, a]
        mask |= transparent[:, None]
    cut = _cutline(req.grid)
    if cut is not None:
        mask |= cut
    return data[:, :nb], mask[:, :nb]


def raster_images(images: Sequence[Any], req: RasterRequest, *, resampler: str, progress: bool | None,
                  mask_nodata: bool, composite: bool) -> tuple[np.ndarray, np.ndarray]:
    """Read, mask and process *images*; scale per image, or composite first (last valid wins) and scale."""
    dtype = _read_dtype(images, req.read_names, req.bands)
    data, mask = _read(images, req.read_names, req.grid, dtype, resampler, progress, mask_nodata, req.bands)
    data, mask = _finish_masks(req, data, mask)
    views = [req.views[image.product_id] for image in images]  # the views of these images' own products
    if any(v.gain is not None for image_views in views for v in image_views):
        data = np.stack([_scaling.apply_processing(d, v) for d, v in zip(data, views)])
    if composite:
        from gpucompute.raster import RasterStack

        flat = RasterStack(np.ascontiguousarray(data[::-1]), np.ascontiguousarray(mask[::-1])).mosaic()
        data, mask = flat.data, flat.mask
    out = np.stack([_scaling.apply_scaling(d, m, req.scales, req.data_type) for d, m in zip(data, mask)])
    return out, mask


def raster_info(req: RasterRequest, images: Sequence[Any]) -> dict[str, Any]:
    """Georeferencing of a rastered result, in the form ``Image.upload_ndarray(raster_meta=)`` takes."""
    from gpucompute.geo.crs import as_pyproj_crs, transform_bounds

    crs = as_pyproj_crs(req.grid.crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyproj: PROJ strings lose details (the WKT keeps them)
        proj4 = crs.to_proj4()
    rows, cols = req.grid.arr_shape
    bounds = ImageGrid(str(req.grid.crs), req.grid.transform, (rows, cols)).projected_bounds
    return {
        "geoTransform": list(req.grid.transform.to_gdal()),
        "coordinateSystem": {"wkt": crs.to_wkt(), "proj4": proj4},
        "size": [cols, rows],
        "bands": [{"name": n, "dataType": req.data_type} for n in req.names],
        "wgs84Extent": shapely.geometry.mapping(shapely.box(*transform_bounds(bounds, str(req.grid.crs),
                                                                               "EPSG:4326"))),
        "images": [i.id for i in images],
    }


def _output(arr: np.ndarray, mask: np.ndarray, masked: bool, bands_axis: int, band_dim: int) -> Any:
    ndim = arr.ndim
    if not isinstance(bands_axis, int) or not -ndim <= bands_axis < ndim or (
            ndim == 4 and bands_axis % ndim == 0):
        raise CatalogValueError(f"bands_axis {bands_axis!r} is not a valid axis for a {ndim}-d result"
                                + (" (0 is the images axis)" if ndim == 4 else ""))
    arr, mask = np.moveaxis(arr, band_dim, bands_axis), np.moveaxis(mask, band_dim, bands_axis)
    return np.ma.MaskedArray(arr, mask=mask) if masked else arr


# attach the methods to Image and ImageCollection (defined in _rastering_methods to keep this module small)
from gpucompute.catalog import _rastering_methods  # noqa: F401
