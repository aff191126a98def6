"""The rastering methods of Image and ImageCollection, attached when :mod:`.rastering` is imported.

Common parameters (as in the catalog guide's "Common Rastering parameters"):

bands : str or list
    ``"red green blue"`` or a list of band names (or Band objects).
geocontext : GeoContext, ImageGrid or area, optional
    The grid; the image's own grid or the collection's area by default.
crs, resolution, all_touched : optional
    Override those of the grid.
processing_level, scaling, data_type
    See :mod:`gpucompute.catalog.scaling`.
resampler : str
    ``"near"`` (default), ``"bilinear"``, ``"cubic"``, ... (the reader's list).
progress : bool or None
    Show a progress bar; None lets tqdm decide (shown on a terminal).
masked : bool
    Return a ``numpy.ma.MaskedArray`` (default); else a plain array with 0 at
    masked pixels.
mask_nodata : bool
    Mask values equal to a band's nodata (default). False keeps them as
    values; pixels outside the image stay masked.
mask_alpha : bool, str or None
    Mask pixels where the product's alpha band (a band named ``"alpha"`` or a
    MaskBand with ``is_alpha``) is 0. None: when every image has one. A string
    names the band to use.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from gpucompute.catalog import rastering as _r
from gpucompute.catalog.collection import ImageCollection
from gpucompute.catalog.image import Image
from gpucompute.errors import CatalogValueError

__all__: list[str] = []

_FORMATS = ("tif", "tiff", "gtiff", "geotiff")


def _request(images: list, bands: Any, default: Any, geocontext: Any, crs: Any, resolution: Any,
             all_touched: Any, processing_level: Any, scaling: Any, data_type: Any, mask_alpha: Any) -> Any:
    if not images:
        raise CatalogValueError("the ImageCollection is empty; there is nothing to raster")
    grid = _r.resolve_grid(default, images[0], geocontext, crs, resolution, all_touched)
    return _r.prepare_request(images, bands, grid, processing_level, scaling, data_type, mask_alpha)


def _read_kw(resampler: str, progress: Any, mask_nodata: bool) -> dict:
    return {"resampler": resampler, "progress": progress, "mask_nodata": bool(mask_nodata)}


# ---- Image ----------------------------------------------------------------------------------------
def _image_geocontext(self: Image) -> _r.ImageGrid:
    """The image's own grid: its CRS, geotransform and size (rastering with it does not warp)."""
    return _r.image_grid(self)


def _image_ndarray(self: Image, bands: Any, geocontext: Any = None, crs: Any = None, resolution: float | None = None,
                   all_touched: bool | None = None, processing_level: str | None = None, scaling: Any = None,
                   data_type: str | None = None, resampler: str = "near", progress: bool | None = None,
                   masked: bool = True, mask_nodata: bool = True, mask_alpha: Any = None, bands_axis: int = 0,
                   raster_info: bool = False) -> Any:
    """Raster the image's *bands* onto a grid (its own by default).

    See :mod:`gpucompute.catalog._rastering_methods` for the parameters.

    Returns
    -------
    numpy.ma.MaskedArray or numpy.ndarray, [dict]
        ``(bands, y, x)`` (``bands_axis`` moves the bands); with
        ``raster_info=True`` also a dict of georeferencing
        (``geoTransform``, ``coordinateSystem`` ...).

    Raises
    ------
    CatalogValueError
        Unknown bands, bad scaling or axis, an image without files.
    RasterError
        A file that cannot be read (see :mod:`gpucompute.raster`).
    """
    req = _request([self], bands, _r.image_grid(self), geocontext, crs, resolution, all_touched,
                   processing_level, scaling, data_type, mask_alpha)
    out, mask = _r.raster_images([self], req, composite=False, **_read_kw(resampler, progress, mask_nodata))
    arr = _r._output(out[0], mask[0], masked, bands_axis, 0)
    return (arr, _r.raster_info(req, [self])) if raster_info else arr


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _write(path: str, data: np.ndarray, mask: np.ndarray, req: Any, nodata: float | None) -> str:
    from gpucompute.raster import write_geotiff

    if nodata is None and req.nodata is not None and float(np.asarray(req.nodata).astype(data.dtype)) == req.nodata:
        nodata = req.nodata  # unscaled bands sharing a nodata value keep it (and their own masks)
    if nodata is not None:
        fill = np.asarray(nodata).astype(data.dtype)
        if float(fill) != float(nodata):
            raise CatalogValueError(f"nodata {nodata!r} does not fit the output data type {req.data_type}")
        data, file_mask = np.where(mask, fill, data), None
    else:
        file_mask = mask.any(axis=0) if mask.any() else None
    return write_geotiff(path, data, crs=req.grid.crs, transform=req.grid.transform, nodata=nodata,
                         mask=file_mask, tiled=True, compress="deflate")


def _dest(dest: Any, default_name: str) -> str:
    if dest is None:
        return os.path.abspath(default_name)
    dest = os.fspath(dest)
    return os.path.join(dest, default_name) if os.path.isdir(dest) else dest


def _check_format(format: str) -> None:
    if str(format).lower() not in _FORMATS:
        raise CatalogValueError(f"format {format!r} is not supported; rastering writes GeoTIFF ('tif')")


def _image_download(self: Image, bands: Any, geocontext: Any = None, crs: Any = None, resolution: float | None = None,
                    all_touched: bool | None = None, dest: Any = None, format: str = "tif",
                    resampler: str = "near", processing_level: str | None = None, scaling: Any = None,
                    data_type: str | None = None, nodata: float | None = None, progress: bool | None = None) -> str:
    """Raster *bands* as :meth:`ndarray` does and write them to a GeoTIFF; returns its path.

    Parameters
    ----------
    dest : str or path-like, optional
        The file, or an existing folder for the default name
        ``<image id>_<bands>.tif`` (in the working directory when omitted).
    nodata : float, optional
        Write masked pixels with this value and record it as the nodata value.
        By default unscaled bands that share a declared nodata value keep it;
        otherwise the mask is written as the file's internal mask (a pixel is
        then invalid if it is masked in any band).

    The file is written under a temporary name and renamed into place.
    """
    _check_format(format)
    req = _request([self], bands, _r.image_grid(self), geocontext, crs, resolution, all_touched,
                   processing_level, scaling, data_type, None)
    out, mask = _r.raster_images([self], req, composite=False, **_read_kw(resampler, progress, True))
    path = _dest(dest, _safe(f"{self.id}_{'-'.join(req.names)}") + ".tif")
    return _write(path, out[0], mask[0], req, nodata)


def _scaling_parameters(self: Any, bands: Any, processing_level: str | None = None, scaling: Any = None,
                        data_type: str | None = None) -> tuple[list | None, str]:
    """The scales and output data type rastering *bands* would use (see :mod:`.scaling`)."""
    images = [self] if isinstance(self, Image) else list(self)
    if not images:
        raise CatalogValueError("the ImageCollection is empty; it has no bands to scale")
    names, cache = _r._band_names(bands), {}
    declared = _r._product_bands(images[0], cache)
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise CatalogValueError(f"product {images[0].product_id!r} has no band(s) {unknown}; its bands are "
                                f"{sorted(declared)}")
    from gpucompute.catalog.scaling import scaling_parameters

    return scaling_parameters([declared[n] for n in names], processing_level, scaling, data_type)


# ---- ImageCollection ---------------------------------------------------------------------------------
def _collection_default(self: ImageCollection) -> Any:
    return _r._collection_default(list(self), self.geocontext)


def _groups(self: ImageCollection, flatten: Any) -> list[list]:
    if flatten is None:
        return [[image] for image in self]
    keys = tuple(flatten) if isinstance(flatten, (list, tuple)) else (flatten,)
    return [list(group) for _, group in self.groupby(*keys)]


def _stack(self: ImageCollection, bands: Any, geocontext: Any = None, crs: Any = None,
           resolution: float | None = None, all_touched: bool | None = None, flatten: Any = None,
           processing_level: str | None = None, scaling: Any = None, data_type: str | None = None,
           progress: bool | None = None, max_workers: int | None = None, resampler: str = "near",
           masked: bool = True, mask_nodata: bool = True, mask_alpha: Any = None, bands_axis: int = 1,
           raster_info: bool = False) -> Any:
    """Raster every image onto one grid and stack them: ``(images, bands, y, x)``.

    With *flatten* (an attribute path such as ``"acquired.month"``, a function
    of an image, or a list of them) the images are grouped as
    :meth:`groupby` does, each group is mosaicked (last valid image wins) and
    the mosaics are stacked, in key order. *max_workers* is accepted for
    compatibility; reads use the shared reader's thread pool. ``"auto"``
    scaling measures each image (or group) on its own.

    Returns
    -------
    numpy.ma.MaskedArray or numpy.ndarray, [list of dict]
    """
    images = list(self)
    req = _request(images, bands, _collection_default(self) if images else None, geocontext, crs, resolution,
                   all_touched, processing_level, scaling, data_type, mask_alpha)
    kw = _read_kw(resampler, progress, mask_nodata)
    if flatten is None:
        out, mask = _r.raster_images(images, req, composite=False, **kw)
        infos = [_r.raster_info(req, [i]) for i in images]
    else:
        groups = _groups(self, flatten)
        parts = [_r.raster_images(g, req, composite=True, **kw) for g in groups]
        out, mask = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        infos = [_r.raster_info(req, g) for g in groups]
    arr = _r._output(out, mask, masked, bands_axis, 1)
    return (arr, infos) if raster_info else arr


def _mosaic(self: ImageCollection, bands: Any, geocontext: Any = None, crs: Any = None,
            resolution: float | None = None, all_touched: bool | None = None, processing_level: str | None = None,
            scaling: Any = None, data_type: str | None = None, resampler: str = "near",
            progress: bool | None = None, masked: bool = True, mask_nodata: bool = True, mask_alpha: Any = None,
            bands_axis: int = 0, raster_info: bool = False) -> Any:
    """Composite the images onto one grid: each pixel from the last image where it is valid.

    Returns
    -------
    numpy.ma.MaskedArray or numpy.ndarray, [dict]
        ``(bands, y, x)``.
    """
    images = list(self)
    req = _request(images, bands, _collection_default(self) if images else None, geocontext, crs, resolution,
                   all_touched, processing_level, scaling, data_type, mask_alpha)
    out, mask = _r.raster_images(images, req, composite=True, **_read_kw(resampler, progress, mask_nodata))
    arr = _r._output(out[0], mask[0], masked, bands_axis, 0)
    return (arr, _r.raster_info(req, images)) if raster_info else arr


def _collection_download(self: ImageCollection, bands: Any, geocontext: Any = None, crs: Any = None,
                         resolution: float | None = None, all_touched: bool | None = None, dest: Any = None,
                         format: str = "tif", resampler: str = "near",
                         processing_level: str | None = None, scaling: Any = None, data_type: str | None = None,
                         progress: bool | None = None, max_workers: int | None = None) -> list[str]:
    """One GeoTIFF per image, all on the same grid; returns their paths.

    *dest* is None (default names in the working directory), a folder, or a
    list of one path per image.
    """
    _check_format(format)
    images = list(self)
    if isinstance(dest, (list, tuple)) and len(dest) != len(images):
        raise CatalogValueError(f"dest lists {len(dest)} path(s) for {len(images)} image(s); give one per image")
    req = _request(images, bands, _collection_default(self) if images else None, geocontext, crs, resolution,
                   all_touched, processing_level, scaling, data_type, None)
    out, mask = _r.raster_images(images, req, composite=False, **_read_kw(resampler, progress, True))
    paths = []
    for k, image in enumerate(images):
        name = _safe(f"{image.id}_{'-'.join(req.names)}") + ".tif"
        target = os.fspath(dest[k]) if isinstance(dest, (list, tuple)) else _dest(dest, name)
        paths.append(_write(target, out[k], mask[k], req, None))
    return paths


def _download_mosaic(self: ImageCollection, bands: Any, geocontext: Any = None, crs: Any = None,
                     resolution: float | None = None, all_touched: bool | None = None, dest: Any = None,
                     format: str = "tif", resampler: str = "near", processing_level: str | None = None,
                     scaling: Any = None, data_type: str | None = None, mask_alpha: Any = None,
                     nodata: float | None = None, progress: bool | None = None) -> str:
    """Write :meth:`mosaic` to one GeoTIFF; returns its path (default ``mosaic_<bands>.tif``)."""
    _check_format(format)
    images = list(self)
    req = _request(images, bands, _collection_default(self) if images else None, geocontext, crs, resolution,
                   all_touched, processing_level, scaling, data_type, mask_alpha)
    out, mask = _r.raster_images(images, req, composite=True, **_read_kw(resampler, progress, True))
    return _write(_dest(dest, _safe(f"mosaic_{'-'.join(req.names)}") + ".tif"), out[0], mask[0], req, nodata)


_IMAGE_METHODS = {
    "ndarray": _image_ndarray,
    "download": _image_download,
    "scaling_parameters": _scaling_parameters,
}
_COLLECTION_METHODS = {
    "stack": _stack,
    "mosaic": _mosaic,
    "download": _collection_download,
    "download_mosaic": _download_mosaic,
    "scaling_parameters": _scaling_parameters,
}
for _name, _fn in _IMAGE_METHODS.items():
    _fn.__name__ = _fn.__qualname__ = _name
    setattr(Image, _name, _fn)
for _name, _fn in _COLLECTION_METHODS.items():
    if _fn is not _scaling_parameters:
        _fn.__name__ = _fn.__qualname__ = _name
    setattr(ImageCollection, _name, _fn)
Image.geocontext = property(_image_geocontext)
