"""Images: georeferenced scenes of a product, with their files and footprint."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Sequence

from gpucompute.catalog._attributes import Attribute
from gpucompute.catalog._child import ProductChild
from gpucompute.catalog._compound import Files, FloatTuple, Geometry, Json, StrList
from gpucompute.catalog._enums import StorageState
from gpucompute.catalog._files import (
    BandFileRef,
    local_paths,
    resolve_band_files,
    upload_folders,
)
from gpucompute.catalog._kinds import Choice, Datetime, Float, Int, Str
from gpucompute.catalog._schema import RTREE_SUFFIX
from gpucompute.catalog.collection import ImageCollection
from gpucompute.catalog.properties import properties as p
from gpucompute.catalog.summary import ImageSearch

__all__ = ["Image", "delete_image_rows"]


def _fraction(doc: str) -> Attribute:
    return Attribute(Float(0.0, 1.0), doc)


def _angle(doc: str) -> Attribute:
    return Attribute(Float(), doc + " (degrees).")


class Image(ProductChild):
    """An image of a product: when it was acquired, where it is, and its files.

    Create one with ``Image(product=product, name="...")``, set ``acquired`` and any
    other attributes, then :meth:`upload` files or :meth:`upload_ndarray` an array;
    the georeferencing (``cs_code``, ``projection``, ``geotrans``, ``x_pixels``,
    ``y_pixels``) and the footprint ``geometry`` (EPSG:4326) come from the data.
    """

    _table = "images"
    _indexes = ("product_id", "acquired")

    acquired = Attribute(Datetime(), "When the image was acquired (UTC).")
    acquired_end = Attribute(Datetime(), "End of the acquisition, for long exposures (UTC).")
    processed = Attribute(Datetime(), "When the image was processed (UTC).")
    published = Attribute(Datetime(), "When the vendor published the image (UTC).")
    cloud_fraction = _fraction("Fraction of cloudy pixels, 0..1.")
    alt_cloud_fraction = _fraction("Cloud fraction from a second algorithm, 0..1.")
    fill_fraction = _fraction("Fraction of the footprint with valid pixels, 0..1.")
    bright_fraction = _fraction("Fraction of bright pixels, 0..1.")
    geometry = Attribute(Geometry(), "Footprint in EPSG:4326 (shapely; GeoJSON accepted).")
    cs_code = Attribute(Str(), "CRS as an authority code, e.g. 'EPSG:32618'.")
    projection = Attribute(Str(), "CRS as WKT or PROJ text.")
    geotrans = Attribute(FloatTuple(6), "GDAL geotransform (x0, dx, rx, y0, ry, dy).")
    x_pixels = Attribute(Int(lo=1), "Width in pixels.")
    y_pixels = Attribute(Int(lo=1), "Height in pixels.")
    files = Attribute(Files(), "The image's files (hrefs relative to $GPUCOMPUTE_HOME/data).", default=[])
    storage_state = Attribute(Choice(StorageState.values()), "'available' (files stored) or 'remote'.",
                              default=StorageState.AVAILABLE.value)
    provider_id = Attribute(Str(), "The vendor's id of the image.")
    provider_url = Attribute(Str(), "Where the vendor serves the image.")
    preview_url = Attribute(Str(), "URL of a preview picture.")
    sun_azimuth = _angle("Sun azimuth")
    sun_elevation = _angle("Sun elevation")
    satellite_azimuth = _angle("Satellite azimuth")
    satellite_elevation = _angle("Satellite elevation")
    view_angle = _angle("Off-nadir view angle")
    azimuth_angle = _angle("Azimuth angle")
    incidence_angle = _angle("Incidence angle")
    tags = Attribute(StrList(), "Labels to search by.", default=[])
    extra_properties = Attribute(Json(), "User metadata (a JSON dict).", default={})

    # ---- uploads ----------------------------------------------------------------------------
    def upload(self, files: str | Path | Sequence[str | Path], upload_options: dict | None = None,
               overwrite: bool = False):
        """Copy GeoTIFF/COG *files* into the catalog and create this image.

        Georeferencing, size and footprint are read from the first file. Checks
        that fail before any data moves (the image is already saved, its product is
        missing, a path does not exist, the image exists and *overwrite* is False)
        raise; problems found in the files themselves give an upload whose
        ``status`` is ``"failure"`` and whose ``errors`` say why, with nothing stored.

        Returns
        -------
        ImageUpload
            Finished already: ``wait_for_completion()`` returns at once.
        """
        from gpucompute.catalog.image_upload import upload_files

        return upload_files(self, files, overwrite=overwrite, upload_options=upload_options)

    def upload_ndarray(self, ndarr: Any, raster_meta: dict | None = None, overviews: Sequence[int] | None = None,
                       overview_resampler: str | None = None, upload_options: dict | None = None,
                       overwrite: bool = False):
        """Write *ndarr* as a tiled, deflate-compressed GeoTIFF and create this image.

        Parameters
        ----------
        ndarr : numpy.ndarray or numpy.ma.MaskedArray
            ``(bands, rows, cols)``, or ``(rows, cols)`` for one band. Masked pixels
            become the bands' nodata (or a GDAL mask when no nodata is declared).
        raster_meta : dict, optional
            Georeferencing (``geoTransform`` and ``coordinateSystem`` as rastering
            returns them, or ``geotrans`` / ``cs_code`` / ``projection``); otherwise
            the image's own ``geotrans`` and ``cs_code`` or ``projection`` are used.
        overviews : list of int, optional
            Up to 16 reduction factors (>= 2) to build overviews for.
        overview_resampler : str, optional
            An :class:`~gpucompute.catalog.OverviewResampler` value (default nearest).
        overwrite : bool
            Replace an existing image with the same id.
        """
        from gpucompute.catalog.image_upload import upload_ndarray

        return upload_ndarray(self, ndarr, raster_meta=raster_meta, overviews=overviews,
                              overview_resampler=overview_resampler, overwrite=overwrite,
                              upload_options=upload_options)

    def image_uploads(self):
        """A search over the uploads of this image."""
        from gpucompute.catalog.image_upload import ImageUpload

        return ImageUpload.search(client=self._client).filter(p.image_id == self.id)

    # ---- files ------------------------------------------------------------------------------
    def image_refs(self, bands: Any) -> list[BandFileRef]:
        """``(path, 1-based band indexes, nodata, id)`` records for reading *bands*.

        See :func:`gpucompute.catalog._files.resolve_band_files`.
        """
        return resolve_band_files(self, bands)

    def file_paths(self) -> list[Path]:
        """Absolute paths of this image's stored files."""
        return local_paths(self.client, self.files or [])

    def _delete_related(self, conn: sqlite3.Connection) -> list:
        return upload_folders(self.client, self.files or [])


def delete_image_rows(conn: sqlite3.Connection, catalog: Any, where: str, params: list) -> list[Path]:
    """Inside a transaction: delete the image rows matching *where* and their R*Tree entries.

    Returns the folders of their files, to be removed once the transaction commits.
    """
    rows = conn.execute(f"SELECT pk, files FROM images WHERE {where}", params).fetchall()
    folders: list[Path] = []
    kind = Files()
    for row in rows:
        folders.extend(upload_folders(catalog, kind.from_db(row["files"]) or []))
    pks = [r["pk"] for r in rows]
    for i in range(0, len(pks), 500):
        chunk = pks[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM images{RTREE_SUFFIX} WHERE id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM images WHERE pk IN ({marks})", chunk)
    return sorted(set(folders))


Image._search_class = ImageSearch
Image._collection_class = ImageCollection
