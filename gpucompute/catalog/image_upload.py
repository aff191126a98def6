"""Image uploads: copy files (or write an array) into the catalog and create the image atomically.

An upload goes through these steps:

1. checks that need no data (raise at once);
2. the upload folder ``data/<product>/<image>/<token>`` is registered as pending;
3. files are copied (or the array written) into it, each through a ``.part`` name;
4. one transaction writes the image row, the upload record and clears the
   pending entry (and, with ``overwrite``, drops the old image and schedules
   its files for removal).

A failure in 3 or 4 removes the folder; a crash leaves only the pending folder,
which :meth:`Catalog.clean_orphans` removes. Problems found in the data give an
:class:`ImageUpload` with ``status == "failure"`` and ``errors``; nothing else is kept.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Callable, Sequence

from gpucompute.catalog import _geotiff
from gpucompute.catalog._attributes import Attribute
from gpucompute.catalog._compound import Json, StrList
from gpucompute.catalog._enums import DocumentState, ImageUploadStatus, ImageUploadType
from gpucompute.catalog._files import image_dir
from gpucompute.catalog._kinds import Bool, Choice, Str
from gpucompute.catalog._object import CatalogObject
from gpucompute.catalog._values import File
from gpucompute.catalog.collection import ImageUploadCollection
from gpucompute.catalog.search import Search
from gpucompute.errors import (
    CatalogValueError,
    ConflictError,
    NotFoundError,
    RasterError,
)

__all__ = ["ImageUpload", "upload_files", "upload_ndarray", "progress_hook"]

#: Called as ``progress_hook(bytes_done, bytes_total)`` while files are copied (tests use it).
progress_hook: Callable[[int, int], None] | None = None


class UploadFailure(Exception):
    """Internal: the data of an upload is unusable; carries the messages for ``errors``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class ImageUpload(CatalogObject):
    """The record of one upload. Local uploads are finished when ``upload()`` returns."""

    _table = "image_uploads"
    _indexes = ("product_id", "image_id")

    image_id = Attribute(Str(), "Id of the uploaded image.")
    product_id = Attribute(Str(), "Id of the image's product.")
    status = Attribute(Choice(ImageUploadStatus.values()), "An ImageUploadStatus value.")
    upload_type = Attribute(Choice(ImageUploadType.values()), "'file' or 'ndarray'.")
    overwrite = Attribute(Bool(), "Whether an existing image was allowed to be replaced.")
    files = Attribute(StrList(), "Names of the uploaded files.", default=[])
    errors = Attribute(StrList(), "Why the upload failed.", default=[])
    events = Attribute(Json(array=True), "What happened, as records with event_type, message, severity.",
                       default=[])

    def wait_for_completion(self, timeout: float | None = None, warn_transient_errors: bool = True) -> None:
        """Return once the upload has finished (local uploads already have)."""

    @property
    def image(self) -> Any:
        """The uploaded :class:`Image` (None if the upload failed)."""
        from gpucompute.catalog.image import Image

        return Image.get(self.image_id, client=self._client)

    def _repr_lines(self) -> list[str]:
        lines = [f"image: {self.image_id}", f"status: {self.status}"]
        return lines + [f"error: {e}" for e in self.errors]


ImageUpload._search_class = Search
ImageUpload._collection_class = ImageUploadCollection


def _event(kind: str, message: str, severity: str = "INFO") -> dict[str, str]:
    from datetime import datetime, timezone

    return {"event_datetime": datetime.now(timezone.utc).isoformat(), "event_type": kind,
            "message": message, "severity": severity, "component": "gpucompute.catalog"}


def _precheck(image: Any, overwrite: bool) -> None:
    if image.state is not DocumentState.UNSAVED:
        raise CatalogValueError(
            f"upload needs a new, unsaved Image, but {image.id!r} is {image.state.value}; to replace its "
            "data create Image(product_id=..., name=...) again and pass overwrite=True"
        )
    if image.storage_state == "remote":
        raise CatalogValueError("a remote image (storage_state='remote') cannot have files uploaded")
    image._prepare_save()
    image._check_required()
    conn = image.client.connection()
    if conn.execute("SELECT 1 FROM products WHERE id = ?", (image.product_id,)).fetchone() is None:
        raise NotFoundError(f"product {image.product_id!r} does not exist; save it before uploading images")
    if not overwrite and conn.execute("SELECT 1 FROM images WHERE id = ?", (image.id,)).fetchone():
        raise ConflictError(f"image {image.id!r} already exists; pass overwrite=True to replace it")


def _product_bands(image: Any) -> list:
    from gpucompute.catalog.band import Band
    from gpucompute.catalog.properties import properties as p

    return list(Band.search(client=image._client).filter(p.product_id == image.product_id))


def _run(image: Any, upload_type: str, names: list[str], overwrite: bool,
         produce: Callable[[Path], list[File]]) -> ImageUpload:
    """Steps 2-4 of the module docstring; *produce* fills the folder and returns its files."""
    from gpucompute.catalog.image import delete_image_rows

    catalog = image.client
    upload = ImageUpload(client=image._client, id=uuid.uuid4().hex, image_id=image.id, product_id=image.product_id,
                         upload_type=upload_type, overwrite=overwrite, files=names,
                         status=ImageUploadStatus.RUNNING)
    folder = image_dir(catalog, image.product_id, image.name, uuid.uuid4().hex)
    before = dict(image._values)
    token = catalog.begin_files([folder])
    try:
        folder.mkdir(parents=True)
        files = produce(folder)
        data_root = catalog.data_dir
        image._values["files"] = [
            File(href=Path(f.href).relative_to(data_root).as_posix(), size_bytes=f.size_bytes, hash=f.hash)
            for f in files
        ]
        upload.status = ImageUploadStatus.SUCCESS
        upload.events = [_event("upload", f"{len(files)} file(s) stored"), _event("complete", "Succeeded")]
        old_token = None
        with catalog.transaction() as conn:
            if overwrite:
                old = delete_image_rows(conn, catalog, "id = ?", [image.id])
                old_token = catalog.schedule_removal(conn, old) if old else None
            pk, row = image._write_row(conn)
            upk, urow = upload._write_row(conn)
            catalog.finish_files(conn, token)
    except UploadFailure as exc:
        catalog.abandon_files(token)
        image.__dict__["_values"] = before
        upload.status = ImageUploadStatus.FAILURE
        upload.errors = exc.errors
        upload.events = [_event("complete", e, "ERROR") for e in exc.errors]
        upload.save()
        return upload
    except BaseException:
        catalog.abandon_files(token)
        image.__dict__["_values"] = before
        raise
    image._mark_saved(pk, row)
    upload._mark_saved(upk, urow)
    if old_token:
        catalog.remove_files(old_token)
    return upload


# ---- files -----------------------------------------------------------------------------------------
def _check_files_against_bands(infos: list, bands: list) -> list[str]:
    from gpucompute.catalog._enums import NUMPY_DTYPES

    errors = []
    first = infos[0]
    for i, info in enumerate(infos[1:], 1):
        if (info.crs, info.transform, info.width, info.height) != (first.crs, first.transform, first.width,
                                                                      first.height):
            errors.append(f"file {i} is not on the same grid (CRS, transform, size) as file 0")
    for band in bands:
        fi = band.file_index or 0
        if fi >= len(infos):
            errors.append(f"band {band.name!r} is in file {fi} but only {len(infos)} file(s) were given")
        elif band.band_index >= infos[fi].count:
            errors.append(f"band {band.name!r} has band_index {band.band_index} but file {fi} has "
                          f"{infos[fi].count} band(s)")
        elif infos[fi].dtypes[band.band_index] != NUMPY_DTYPES[band.data_type]:
            errors.append(f"band {band.name!r} declares {band.data_type} but file {fi} band "
                          f"{band.band_index + 1} is {infos[fi].dtypes[band.band_index]}")
    return errors


def upload_files(image: Any, files: Any, *, overwrite: bool = False, upload_options: dict | None = None) -> ImageUpload:
    """Implementation of :meth:`Image.upload`."""
    paths = [files] if isinstance(files, (str, os.PathLike)) else list(files)
    if not paths:
        raise CatalogValueError("upload() needs at least one file path")
    for path in paths:
        if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
            raise CatalogValueError(f"upload() needs paths of existing files, got {path!r}")
    _precheck(image, overwrite)
    bands = _product_bands(image)
    names = [os.path.basename(os.fspath(p)) for p in paths]
    if len(set(names)) != len(names):
        raise CatalogValueError(f"the files of one image need distinct names, got {names}")

    def produce(folder: Path) -> list[File]:
        try:
            infos = [_geotiff.inspect_file(path) for path in paths]
        except RasterError as exc:
            raise UploadFailure([str(exc)]) from None
        errors = _check_files_against_bands(infos, bands)
        if errors:
            raise UploadFailure(errors)
        first = infos[0]
        attrs = _geotiff.georef_attributes(first.crs, first.transform, first.width, first.height)
        _set_georef(image, attrs)
        out = []
        for path, name in zip(paths, names):
            dst = folder / name
            part = dst.with_name(dst.name + ".part")
            size, md5 = _geotiff.copy_file(Path(path), part, progress_hook)
            os.replace(part, dst)
            out.append(File(href=str(dst), size_bytes=size, hash=md5))
        return out

    return _run(image, ImageUploadType.FILE.value, names, overwrite, produce)


def _set_georef(image: Any, attrs: dict[str, Any]) -> None:
    for name, value in attrs.items():
        if name == "geometry" and image.geometry is not None:
            continue  # keep a footprint the user set
        image._attributes[name].set_unchecked(image, value)


# ---- ndarrays --------------------------------------------------------------------------------------
def upload_ndarray(image: Any, ndarr: Any, *, raster_meta: dict | None = None, overviews: Sequence[int] | None = None,
                   overview_resampler: str | None = None, overwrite: bool = False,
                   upload_options: dict | None = None) -> ImageUpload:
    """Implementation of :meth:`Image.upload_ndarray`."""
    from gpucompute.catalog._ndarray import prepare_array

    _precheck(image, overwrite)
    prepared = prepare_array(image, ndarr, raster_meta, overviews, overview_resampler, _product_bands(image))
    name = f"{image.name}.tif"

    def produce(folder: Path) -> list[File]:
        dst = folder / name
        part = dst.with_name(dst.name + ".part")
        try:
            _geotiff.write_geotiff(part, prepared.data, crs=prepared.crs, transform=prepared.transform,
                                   nodata=prepared.nodata, mask=prepared.mask, overviews=prepared.overviews,
                                   resampler=prepared.resampler)
        except Exception as exc:  # noqa: BLE001 - GDAL errors come in several types
            raise UploadFailure([f"writing the GeoTIFF failed: {exc}"]) from None
        size, md5 = _geotiff.md5_file(part)
        os.replace(part, dst)
        _set_georef(image, _geotiff.georef_attributes(prepared.crs, prepared.transform,
                                                      prepared.data.shape[2], prepared.data.shape[1]))
        return [File(href=str(dst), size_bytes=size, hash=md5)]

    return _run(image, ImageUploadType.NDARRAY.value, [name], overwrite, produce)
